# Mempools: pools and elements are records (wrapper/mempool.c). Clean use of
# every call is silent and tracks each pool and each kernel-made element at
# its line, never an element the driver's own alloc_fn already tracks;
# each misuse is reported at its line; fault rules fail pool creations and
# non-blocking mempool_alloc(), never a blocking one.

# kmg_mp_line TEXT: the line of kmg_mempool.c that holds TEXT.
kmg_mp_line() { grep -nF "$1" $KMG_SRC/samples/kmg_mempool.c | sed -n '1s/:.*//p'; }

# Every pool and kernel-made element is tracked at its line while
# kmg_mempool holds it; the driver's alloc_fn's elements only at its
# kmalloc() line; unload leaves nothing and replaces no record.
test_clean_use_tracked_and_silent() {
	stale=$(kmg_stat 'stale records replaced')
	kmg_insmod kmg_mempool
	if kmg_dmesg | grep 'kmg_mempool: .*failed'; then
		rmmod kmg_mempool
		kmg_fail "a call failed"
	fi
	echo filter=kmg_mempool > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/mempool.alloc
	echo filter= > $KMG_DBG/control
	rmmod kmg_mempool
	for l in $(kmg_lines kmg_mempool.c live); do
		grep -q " module=kmg_mempool site=kmg_mempool.c:$l " /tmp/mempool.alloc || {
			cat /tmp/mempool.alloc
			kmg_fail "kmg_mempool.c:$l ($(sed -n "${l}p" $KMG_SRC/samples/kmg_mempool.c | sed 's/^[[:space:]]*//')) not tracked"
		}
	done
	for l in $(kmg_lines kmg_mempool.c own); do
		if grep " module=kmg_mempool site=kmg_mempool.c:$l " /tmp/mempool.alloc; then
			kmg_fail "kmg_mempool.c:$l: an element of the driver's alloc_fn tracked twice"
		fi
	done
	# Nothing but the marked lines (and the cache KMEM_CACHE() made).
	if grep 'module=kmg_mempool ' /tmp/mempool.alloc | grep -v ' kmem_cache_create ' |
		grep -vE "site=kmg_mempool.c:($(kmg_lines kmg_mempool.c live | tr '\n' '|' | sed 's/|$//')) "; then
		kmg_fail "records at unmarked lines"
	fi
	# The families: pools by how they were made, elements as mempool.
	l=$(kmg_mp_line 'kpool = mempool_create_kmalloc_pool(2, 64);')
	grep -q "size=32 mempool_create order=0 module=kmg_mempool site=kmg_mempool.c:$l " /tmp/mempool.alloc ||
		kmg_fail "mempool_create_kmalloc_pool(2), resized to 4: not a mempool_create record of its reserve"
	grep -q "size=64 mempool order=0 module=kmg_mempool .* gfp=GFP_NOWAIT" /tmp/mempool.alloc ||
		kmg_fail "mempool_alloc(GFP_NOWAIT): not a 64-byte element"
	grep -q "size=8 mempool_init order=0 module=kmg_mempool " /tmp/mempool.alloc ||
		kmg_fail "no mempool_init record"
	grep -q "size=8192 mempool order=0 module=kmg_mempool " /tmp/mempool.alloc ||
		kmg_fail "mempool_create_page_pool(1, 1): not a 2-page element"
	kmg_expect_no_reports
	[ "$(grep -c 'module=kmg_mempool ' $KMG_DBG/allocations)" = 0 ] || kmg_fail "records left after unload"
	[ "$(kmg_stat 'stale records replaced')" = "$stale" ] || kmg_fail "stale records replaced"
}

# family=mempool every=1: every pool creation fails; mempool_alloc() with
# GFP_KERNEL is never failed (not even a candidate: matched=0, as for
# __GFP_NOFAIL); with GFP_NOWAIT it is.
test_faults_never_fail_blocking_alloc() {
	echo "module=kmg_mempool family=mempool every=1" > $KMG_DBG/faults
	kmg_insmod kmg_mempool
	rmmod kmg_mempool
	echo clear > $KMG_DBG/faults
	d=$(kmg_dmesg)
	for c in mempool_create_kmalloc_pool mempool_create_slab_pool mempool_create_page_pool \
		mempool_create mempool_create_node mempool_init_kmalloc_pool mempool_init_slab_pool \
		mempool_init_page_pool mempool_init_node mempool_init; do
		echo "$d" | grep -q "kmg_mempool: $c failed\$" || kmg_fail "$c did not fail"
	done
	kmg_expect_no_reports
	# Only the allocations: the pools made, the elements of the kmalloc
	# pool at its GFP_KERNEL line never fail, at its GFP_NOWAIT line do.
	lk=$(kmg_mp_line 'ke = mempool_alloc(kpool, GFP_KERNEL);')
	ln=$(kmg_mp_line 'kn = mempool_alloc(kpool, GFP_NOWAIT);')
	echo "module=kmg_mempool site=kmg_mempool.c:$lk every=1" > $KMG_DBG/faults
	echo "module=kmg_mempool site=kmg_mempool.c:$ln every=1" > $KMG_DBG/faults
	kmg_insmod kmg_mempool
	cat $KMG_DBG/faults > /tmp/mempool.faults
	echo filter=kmg_mempool > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/mempool.alloc
	echo filter= > $KMG_DBG/control
	rmmod kmg_mempool
	echo clear > $KMG_DBG/faults
	grep -q "site=kmg_mempool.c:$lk .*matched=0 injected=0" /tmp/mempool.faults ||
		{ cat /tmp/mempool.faults; kmg_fail "the GFP_KERNEL mempool_alloc() was failed"; }
	grep -q "site=kmg_mempool.c:$ln .*injected=1" /tmp/mempool.faults ||
		{ cat /tmp/mempool.faults; kmg_fail "the GFP_NOWAIT mempool_alloc() was not failed"; }
	grep -q " site=kmg_mempool.c:$lk " /tmp/mempool.alloc || kmg_fail "GFP_KERNEL element not there"
	if grep " site=kmg_mempool.c:$ln " /tmp/mempool.alloc; then
		kmg_fail "failed element tracked"
	fi
	kmg_expect_no_reports
}

test_leak_pool() {
	kmg_insmod kmg_mempool_bug bug=leak_pool
	kmg_rmmod_leaky kmg_mempool_bug
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_mempool_bug$' || kmg_fail "no leak report"
	l=$(kmg_lines kmg_mempool_bug.c leak_pool)
	echo "$d" | grep -qE "^leaked from .*kmg_mempool_bug.c:$l in kmg_mempool_bug_init\(\): 1 object, " ||
		kmg_fail "pool leak at kmg_mempool_bug.c:$l not reported"
	[ "$(echo "$d" | grep -c '^leaked from ')" = 1 ] || kmg_fail "more than the pool leaked"
}

test_leak_element() {
	kmg_insmod kmg_mempool_bug bug=leak_element
	kmg_rmmod_leaky kmg_mempool_bug
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "expected one report"
	for m in leak_element leak_element_pool; do
		l=$(kmg_lines kmg_mempool_bug.c $m)
		echo "$d" | grep -qE "^leaked from .*kmg_mempool_bug.c:$l in kmg_mempool_bug_init\(\): 1 object, " ||
			kmg_fail "$m at kmg_mempool_bug.c:$l not reported"
	done
}

# In the pool's reserve: exact, whoever allocated the element.
test_double_free_reserve() {
	kmg_expect_bug double-free kmg_mempool_bug double-free bug=double
	grep -q 'mempool_free() of .* freed before; refused' /tmp/kmg-last-report ||
		kmg_fail "not refused"
	grep -q 'it is in the reserve of pool ' /tmp/kmg-last-report ||
		kmg_fail "the reserve not named"
}

# Freed by the driver's free_fn through kmemguard: the first free is known.
test_double_free_held() {
	kmg_expect_bug double-free kmg_mempool_bug double-free-held bug=double_held
	l=$(kmg_lines kmg_mempool_bug.c first-free)
	grep -q "^first freed at kmg_mempool_bug.c:$l in kmg_mpb_free():" /tmp/kmg-last-report ||
		kmg_fail "first free (kmg_mpb_free's kfree()) not shown"
}

test_wrong_pool() {
	KMG_LEFT_ALLOCATED=1 kmg_expect_bug wrong-pool kmg_mempool_bug wrong-pool bug=wrong_pool
	grep -q 'mempool_free() to pool .* its own pool is .*: left allocated (its pool may be gone)' /tmp/kmg-last-report ||
		kmg_fail "own pool not named"
}

test_destroy_live_cache_not_empty() {
	kmg_expect_bug cache-not-empty kmg_mempool_bug cache-not-empty bug=destroy_live
	l=$(kmg_lines kmg_mempool_bug.c cache-not-empty-object)
	grep -q "mempool_destroy(.*) at .*: 1 object live; pool kept" /tmp/kmg-last-report ||
		kmg_fail "pool not kept"
	grep -q "^live object allocated at kmg_mempool_bug.c:$l:" /tmp/kmg-last-report ||
		kmg_fail "live element's line $l not named"
}

test_mismatched_free() {
	KMG_LEFT_ALLOCATED=1 kmg_expect_bug mismatched-free kmg_mempool_bug mismatched-free-kfree bug=kfree_element
	grep -q 'kfree() of mempool memory at kmg_mempool_bug.c:[0-9]*; left allocated (its pool may be gone)' /tmp/kmg-last-report ||
		kmg_fail "not left allocated"
	kmg_expect_bug mismatched-free kmg_mempool_bug mismatched-free-exit bug=exit_created
	grep -q 'mempool_exit() of mempool_create memory at kmg_mempool_bug.c:[0-9]*; freed with mempool_destroy() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with mempool_destroy()"
}

# Under a spinlock a GFP_KERNEL mempool_alloc() runs without its blocking
# flags (the reserve, or kmalloc() without reclaim): reported, not failed.
test_sleep_in_atomic() {
	kmg_expect_bug sleep-in-atomic kmg_mempool_bug mempool-sleep-in-atomic bug=atomic
	grep -q 'mempool_alloc() with gfp=GFP_KERNEL at kmg_mempool_bug.c:[0-9]* may sleep, but must not here:' /tmp/kmg-last-report ||
		kmg_fail "mempool_alloc() not named"
}
