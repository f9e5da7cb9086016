# DMA pools: dma_pool_create() and dmam_pool_create() pools and their
# elements are records (wrapper/dmapool.c). Clean use of every call is
# silent, each pool and element tracked at its line with the pool's and the
# device's names; each misuse is reported at its line and repaired so that
# the kernel never sees it (no "busy" pool, no block on a free list twice).

# kmg_dp_line TEXT: the line of kmg_dmapool.c that holds TEXT.
kmg_dp_line() { grep -nF "$1" $KMG_SRC/samples/kmg_dmapool.c | sed -n '1s/:.*//p'; }

# Nothing the kernel's mm/dmapool.c says about a pool kmemguard repaired.
kmg_dp_kernel_quiet() {
	if kmg_dmesg | grep -E 'dma_pool_destroy .*busy|dma_pool_free .*(already free|bad dma|bad vaddr)'; then
		kmg_fail "the kernel saw the misuse"
	fi
	return 0
}

test_clean_use_tracked_and_silent() {
	r0=$(kmg_stat 'held objects released')
	kmg_insmod kmg_dmapool
	kmg_dmesg | grep -q 'kmg_dmapool: ready' || kmg_fail "kmg_dmapool did not load"
	echo filter=kmg_dmapool > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/dmapool.alloc
	echo filter= > $KMG_DBG/control
	rmmod kmg_dmapool
	for l in $(kmg_lines kmg_dmapool.c live); do
		grep -q " module=kmg_dmapool pool=kmg_dp_[a-z]* dev=kmg_dmapool site=kmg_dmapool.c:$l " /tmp/dmapool.alloc || {
			cat /tmp/dmapool.alloc
			kmg_fail "kmg_dmapool.c:$l ($(sed -n "${l}p" $KMG_SRC/samples/kmg_dmapool.c | sed 's/^[[:space:]]*//')) not tracked with its pool"
		}
	done
	[ "$(grep -c 'module=kmg_dmapool ' /tmp/dmapool.alloc)" = "$(kmg_lines kmg_dmapool.c live | grep -c .)" ] ||
		{ cat /tmp/dmapool.alloc; kmg_fail "objects other than the marked lines'"; }
	l=$(kmg_dp_line 'pool = dma_pool_create(')
	grep -q " size=64 dma_pool_create order=0 module=kmg_dmapool pool=kmg_dp_pool dev=kmg_dmapool site=kmg_dmapool.c:$l " /tmp/dmapool.alloc ||
		kmg_fail "dma_pool_create: not a pool record"
	grep -q " size=256 dmam_pool_create order=0 module=kmg_dmapool pool=kmg_dp_managed " /tmp/dmapool.alloc ||
		kmg_fail "dmam_pool_create: not managed"
	l=$(kmg_dp_line 'e2.cpu = dma_pool_zalloc(')
	grep -q " size=64 dma_pool order=0 module=kmg_dmapool pool=kmg_dp_pool dev=kmg_dmapool site=kmg_dmapool.c:$l " /tmp/dmapool.alloc ||
		kmg_fail "dma_pool_zalloc: not an element"
	# The freed elements the quarantine held went back (to their pools,
	# before each pool went: the kernel found none busy).
	r1=$(kmg_stat 'held objects released')
	[ $((r1 - r0)) -ge 128 ] || kmg_fail "held elements not given back: $r0 -> $r1"
	kmg_expect_no_reports
	kmg_dp_kernel_quiet
	[ "$(grep -c 'module=kmg_dmapool ' $KMG_DBG/allocations)" = 0 ] || kmg_fail "records left after unload"
	[ "$(kmg_stat 'stale records replaced')" = 0 ] || kmg_fail "stale records"
}

test_reload_silent() {
	for i in 1 2 3; do
		kmg_insmod kmg_dmapool
		rmmod kmg_dmapool
	done
	kmg_expect_no_reports
	kmg_dp_kernel_quiet
}

# The pool itself leaks, named with copies of its and its device's names
# (the device is gone when the leak is printed).
test_leak_pool() {
	kmg_insmod kmg_dmapool_bug bug=leak_pool
	kmg_rmmod_leaky kmg_dmapool_bug
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_dmapool_bug$' || kmg_fail "no leak report"
	l=$(kmg_lines kmg_dmapool_bug.c dp-leak-pool)
	echo "$d" | grep -qE "^leaked from .*kmg_dmapool_bug.c:$l in kmg_dpb_run\(\): 1 object, " ||
		kmg_fail "pool leak at kmg_dmapool_bug.c:$l not reported"
	echo "$d" | grep -q " dma_pool_create order=0 module=kmg_dmapool_bug pool=kmg_dpb_leak dev=kmg_dmapool_bug site=kmg_dmapool_bug.c:$l " ||
		kmg_fail "pool and device not named"
	[ "$(echo "$d" | grep -c '^leaked from ')" = 1 ] || kmg_fail "more than the pool leaked"
}

test_leak_element() {
	kmg_insmod kmg_dmapool_bug bug=leak_element
	kmg_rmmod_leaky kmg_dmapool_bug
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "expected one report"
	for m in dp-leak-element dp-leak-element-pool; do
		l=$(kmg_lines kmg_dmapool_bug.c $m)
		echo "$d" | grep -qE "^leaked from .*kmg_dmapool_bug.c:$l in kmg_dpb_leak_element\(\): 1 object, " ||
			kmg_fail "$m at kmg_dmapool_bug.c:$l not reported"
	done
}

# Held by the quarantine: exact, and the second free never reaches the
# pool's free list.
test_double_free() {
	kmg_expect_bug double-free kmg_dmapool_bug dp-double-free bug=double
	grep -q 'dma_pool_free() of .* freed before; refused' /tmp/kmg-last-report || kmg_fail "not refused"
	grep -q '^first freed at kmg_dmapool_bug.c:' /tmp/kmg-last-report || kmg_fail "first free not shown"
	l=$(kmg_lines kmg_dmapool_bug.c dp-element)
	grep -q "^allocated by dma_pool at kmg_dmapool_bug.c:$l in kmg_dpb_one_pool()" /tmp/kmg-last-report ||
		kmg_fail "allocation at kmg_dmapool_bug.c:$l not shown"
	kmg_dp_kernel_quiet
}

test_wrong_pool() {
	kmg_expect_bug wrong-pool kmg_dmapool_bug dp-wrong-pool bug=wrong_pool
	grep -q 'dma_pool_free() at kmg_dmapool_bug.c:[0-9]* to another pool .* (allocated from pool kmg_dpb_a); freed to its own pool' /tmp/kmg-last-report ||
		kmg_fail "own pool not named"
	kmg_dp_kernel_quiet
}

test_mismatched_handle() {
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-handle bug=handle
	grep -q 'dma_pool_free() at kmg_dmapool_bug.c:[0-9]* with another handle 0x[0-9a-f]* (allocated 0x[0-9a-f]*); freed as allocated' /tmp/kmg-last-report ||
		kmg_fail "handle: not named"
	kmg_dp_kernel_quiet
}

test_mismatched_family() {
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-kfree bug=kfree
	grep -q 'kfree() of dma_pool memory at kmg_dmapool_bug.c:[0-9]*; freed with dma_pool_free() instead' /tmp/kmg-last-report ||
		kmg_fail "kfree: not completed with dma_pool_free()"
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-coherent bug=coherent
	grep -q 'dma_free_attrs() of dma_pool memory at kmg_dmapool_bug.c:[0-9]*; freed with dma_pool_free() instead' /tmp/kmg-last-report ||
		kmg_fail "dma_free_coherent: not completed with dma_pool_free()"
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-kmalloc bug=free_kmalloc
	grep -q 'dma_pool_free() of kmalloc memory at kmg_dmapool_bug.c:[0-9]*; freed with kfree() instead' /tmp/kmg-last-report ||
		kmg_fail "free_kmalloc: not completed with kfree()"
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-destroy bug=destroy_managed
	grep -q 'dma_pool_destroy() of dmam_pool_create memory at kmg_dmapool_bug.c:[0-9]*; freed with dmam_pool_destroy() instead' /tmp/kmg-last-report ||
		kmg_fail "destroy_managed: not completed with dmam_pool_destroy()"
	kmg_expect_bug mismatched-free kmg_dmapool_bug dp-mismatched-free-dmam-destroy bug=dmam_destroy
	grep -q 'dmam_pool_destroy() of dma_pool_create memory at kmg_dmapool_bug.c:[0-9]*; freed with dma_pool_destroy() instead' /tmp/kmg-last-report ||
		kmg_fail "dmam_destroy: not completed with dma_pool_destroy()"
	kmg_dp_kernel_quiet
}

test_destroy_live_cache_not_empty() {
	kmg_expect_bug cache-not-empty kmg_dmapool_bug dp-cache-not-empty bug=destroy_live
	grep -q "dma_pool_destroy(.*) at .*: 1 object live; pool kept" /tmp/kmg-last-report ||
		kmg_fail "pool not kept"
	grep -q "^live object allocated at kmg_dmapool_bug.c:[0-9]*:" /tmp/kmg-last-report ||
		kmg_fail "live element's line not named"
	kmg_dp_kernel_quiet
}

# devres destroys a managed pool at unbind with an element still out: the
# pool is kept (no "busy", no free into a freed pool), the element leaks.
test_unbind_live() {
	kmg_insmod kmg_dmapool_bug bug=unbind_live
	kmg_expect_warn kmg_rmmod_leaky kmg_dmapool_bug
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 2 ] || kmg_fail "expected two reports"
	echo "$d" | grep -q '^dmam_pool_release(.*) at ?:0: 1 object live; pool kept' ||
		kmg_fail "devres's destroy not reported"
	l=$(kmg_lines kmg_dmapool_bug.c dp-unbind-live)
	echo "$d" | grep -qE "^leaked from .*kmg_dmapool_bug.c:$l in kmg_dpb_unbind_live\(\): 1 object, " ||
		kmg_fail "element leak at kmg_dmapool_bug.c:$l not reported"
	kmg_dp_kernel_quiet
}

test_sleep_in_atomic() {
	kmg_expect_bug sleep-in-atomic kmg_dmapool_bug dp-sleep-in-atomic bug=atomic
	grep -q 'dma_pool_alloc() with gfp=GFP_KERNEL at kmg_dmapool_bug.c:[0-9]* may sleep, but must not here:' /tmp/kmg-last-report ||
		kmg_fail "dma_pool_alloc() not named"
	kmg_expect_bug sleep-in-atomic kmg_dmapool_bug dp-create-sleep-in-atomic bug=create_atomic
	grep -q 'dma_pool_create()' /tmp/kmg-last-report || kmg_fail "dma_pool_create() not named"
	kmg_expect_bug sleep-in-atomic kmg_dmapool_bug dp-destroy-sleep-in-atomic bug=destroy_atomic
	grep -q 'dma_pool_destroy()' /tmp/kmg-last-report || kmg_fail "dma_pool_destroy() not named"
	kmg_dp_kernel_quiet
}

# family=dma_pool fails pool creations and element allocations; the
# sample's init then fails cleanly.
test_fault_injection() {
	l=$(kmg_dp_line 'e1.cpu = dma_pool_alloc(')
	echo "module=kmg_dmapool site=kmg_dmapool.c:$l nth=1" > $KMG_DBG/faults
	kmg_insmod kmg_dmapool || true
	echo clear > $KMG_DBG/faults
	kmg_dmesg | grep -q 'kmg_dmapool: an allocation failed' || kmg_fail "not failed"
	echo "module=kmg_dmapool family=dma_pool every=1" > $KMG_DBG/faults
	kmg_insmod kmg_dmapool || true
	cat $KMG_DBG/faults > /tmp/dmapool.faults
	echo clear > $KMG_DBG/faults
	grep -q 'injected=[1-9]' /tmp/dmapool.faults || { cat /tmp/dmapool.faults; kmg_fail "family=dma_pool injected nothing"; }
	grep -q 'kmg_dmapool' /proc/modules && kmg_fail "kmg_dmapool loaded though its allocations failed"
	kmg_expect_no_reports
}
