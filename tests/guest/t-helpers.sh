# Library helpers (krealloc_array, kvrealloc, kcalloc_node, kmalloc_array_node,
# kmem_cache_alloc_node, kmem_cache_alloc_lru, alloc_inode_sb, alloc_pages_node, kmemdup_nul, kmemdup_array,
# kvfree_sensitive, memdup_user and friends): tracked at the driver's line,
# with the same checks as kmalloc and the others.

# The lines of kmg_helpers.c that make an object on this kernel.
kmg_helpers_lines() {
	kmg_lines kmg_helpers.c live
	[ "$KMG_KERNEL" = deb6.1 ] || kmg_lines kmg_helpers.c live-6.12
}

# Every helper's object is tracked at its own line while kmg_helpers holds
# it, and freeing them all the right way is reported by nobody.
test_clean_use_tracked_and_silent() {
	kmg_insmod kmg_helpers
	d=$(kmg_dmesg)
	if echo "$d" | grep -E 'kmg_helpers: .*(failed|not zeroed|lost the contents)'; then
		rmmod kmg_helpers
		kmg_fail "a helper failed"
	fi
	echo "$d" | grep -q 'kmg_helpers: memdup_user of a bad address: -EFAULT' ||
		kmg_fail "memdup_user of a bad address did not return -EFAULT"
	echo "$d" | grep 'kmg_helpers: .* copied' && kmg_fail "a copy from user space is wrong"
	echo filter=kmg_helpers > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/helpers.alloc
	echo filter= > $KMG_DBG/control
	rmmod kmg_helpers
	for l in $(kmg_helpers_lines); do
		grep -q " module=kmg_helpers site=kmg_helpers.c:$l " /tmp/helpers.alloc || {
			cat /tmp/helpers.alloc
			kmg_fail "kmg_helpers.c:$l ($(sed -n "${l}p" $KMG_SRC/samples/kmg_helpers.c | sed 's/^[[:space:]]*//')) not tracked"
		}
	done
	# The family each helper's memory belongs to.
	l=$(grep -n 'q = krealloc_array(' $KMG_SRC/samples/kmg_helpers.c | cut -d: -f1)
	grep -q "kmalloc order=0 module=kmg_helpers site=kmg_helpers.c:$l " /tmp/helpers.alloc ||
		kmg_fail "krealloc_array: not kmalloc memory"
	grep -q "size=6400 vmalloc order=0 module=kmg_helpers .* gfp=GFP_KERNEL|__GFP_ZERO " /tmp/helpers.alloc ||
		kmg_fail "vcalloc: not zeroed vmalloc memory"
	l=$(grep -n 'vmalloc_32_user(PAGE_SIZE)' $KMG_SRC/samples/kmg_helpers.c | cut -d: -f1)
	grep -q "size=4096 vmalloc order=0 module=kmg_helpers site=kmg_helpers.c:$l .* gfp=GFP_KERNEL|__GFP_ZERO " /tmp/helpers.alloc ||
		kmg_fail "vmalloc_32_user: not a zeroed page of vmalloc memory"
	grep -q "size=128 kmalloc order=0 module=kmg_helpers site=.* func=kmg_helpers_vmalloc gfp=GFP_KERNEL|__GFP_ZERO " /tmp/helpers.alloc ||
		kmg_fail "bitmap_zalloc: not 128 bytes of zeroed kmalloc memory"
	grep -q "size=7 devm order=0 module=kmg_helpers site=.* func=kmg_helpers_devm " /tmp/helpers.alloc ||
		kmg_fail "devm_kasprintf: not 7 bytes of devm memory"
	grep -q "size=1000 devm order=0 module=kmg_helpers site=.* func=kmg_helpers_devm " /tmp/helpers.alloc ||
		kmg_fail "devm_krealloc: not 1000 bytes of devm memory"
	grep -q "size=8192 devm_pages order=1 module=kmg_helpers site=.* func=kmg_helpers_devm " /tmp/helpers.alloc ||
		kmg_fail "devm_get_free_pages: not 2 pages of devm_pages memory"
	grep -q "size=40 devm_bitmap order=0 module=kmg_helpers site=.* func=kmg_helpers_devm gfp=GFP_KERNEL|__GFP_ZERO " /tmp/helpers.alloc ||
		kmg_fail "devm_bitmap_zalloc: not 40 bytes of zeroed devm_bitmap memory"
	grep -q "size=12288 pages_exact order=2 module=kmg_helpers " /tmp/helpers.alloc ||
		kmg_fail "alloc_pages_exact: not 12288 bytes of pages_exact memory"
	grep -q "size=8192 pages order=1 module=kmg_helpers " /tmp/helpers.alloc ||
		kmg_fail "alloc_pages_node: not 2 pages"
	grep -q "size=10 kmalloc order=0 module=kmg_helpers site=.* func=kmg_helpers_user gfp=GFP_KERNEL " /tmp/helpers.alloc ||
		kmg_fail "memdup_user_nul: not a 10-byte kmalloc"
	# The bulk calls: three cache objects at one line, two kmalloc objects
	# that kfree_bulk() frees at unload.
	bl=$(kmg_lines kmg_helpers.c bulk)
	[ "$(grep -c " module=kmg_helpers site=kmg_helpers.c:$bl " /tmp/helpers.alloc)" = 3 ] ||
		kmg_fail "kmem_cache_alloc_bulk: not 3 objects tracked at line $bl"
	for l in $(kmg_lines kmg_helpers.c bulk-kfree); do
		grep -q " module=kmg_helpers site=kmg_helpers.c:$l " /tmp/helpers.alloc ||
			kmg_fail "kmg_helpers.c:$l not tracked"
	done
	# (The others: the cache, made by KMEM_CACHE(), and the 5 bulk objects.)
	[ "$(grep 'module=kmg_helpers ' /tmp/helpers.alloc | grep -vc ' kmem_cache_create ')" = \
	  "$(($(kmg_helpers_lines | grep -c .) + 5))" ] || kmg_fail "objects other than the marked lines'"
	kmg_expect_no_reports
	[ "$(grep -c 'module=kmg_helpers ' $KMG_DBG/allocations)" = 0 ] || kmg_fail "records left after unload"
}

# Every helper's line can be failed on its own: the user-copy helpers then
# return ERR_PTR(-ENOMEM) (never NULL), the others NULL; the object a failed
# realloc was given stays the driver's (freed without a report).
test_fault_injection() {
	for l in $(kmg_helpers_lines); do
		echo "module=kmg_helpers site=kmg_helpers.c:$l every=1" > $KMG_DBG/faults
	done
	kmg_insmod kmg_helpers
	cat $KMG_DBG/faults > /tmp/helpers.faults
	rmmod kmg_helpers
	echo clear > $KMG_DBG/faults
	grep -q ' matched=0 ' /tmp/helpers.faults && { cat /tmp/helpers.faults; kmg_fail "a line's rule never matched"; }
	d=$(kmg_dmesg)
	for c in memdup_user memdup_user_nul vmemdup_user strndup_user memdup_array_user vmemdup_array_user; do
		echo "$d" | grep -q "kmg_helpers: $c failed -12\$" ||
			kmg_fail "$c: no ERR_PTR(-ENOMEM) under fault injection"
	done
	for c in krealloc_array kvrealloc kcalloc_node kmalloc_array_node kmem_cache_alloc_node \
		kmem_cache_alloc_lru alloc_inode_sb alloc_pages_node alloc_pages_exact kmemdup_nul __vmalloc vmalloc_array vcalloc vmalloc_32 bitmap_alloc bitmap_zalloc; do
		echo "$d" | grep -q "kmg_helpers: $c failed NULL\$" ||
			kmg_fail "$c: did not fail under fault injection"
	done
	kmg_expect_no_reports
}

# kmem_cache_alloc_bulk() is all or nothing: its second object failed, the
# first goes back (tracked, no report) and it returns 0.
test_bulk_all_or_nothing() {
	bl=$(kmg_lines kmg_helpers.c bulk)
	echo "module=kmg_helpers site=kmg_helpers.c:$bl nth=2" > $KMG_DBG/faults
	kmg_insmod kmg_helpers
	n=$(grep -c " module=kmg_helpers site=kmg_helpers.c:$bl " $KMG_DBG/allocations || true)
	rmmod kmg_helpers
	echo clear > $KMG_DBG/faults
	kmg_dmesg | grep -q 'kmg_helpers: kmem_cache_alloc_bulk failed 0$' || kmg_fail "the bulk allocation did not fail"
	[ "$n" = 0 ] || kmg_fail "$n objects of a failed bulk allocation left"
	kmg_expect_no_reports
}

test_leaks_at_their_lines() {
	kmg_insmod kmg_helpers_bug bug=leak
	kmg_rmmod_leaky kmg_helpers_bug
	d=$(kmg_dmesg)
	n=$(echo "$d" | grep -c '^BUG: kmemguard: memory-leak in kmg_helpers_bug$' || true)
	[ "$n" = 1 ] || kmg_fail "expected 1 memory-leak report, got $n"
	want=0
	for l in $(kmg_lines kmg_helpers_bug.c leak); do
		want=$((want + 1))
		echo "$d" | grep -qE "^leaked from .*kmg_helpers_bug.c:$l in kmg_helpers_bug_(init|user)\(\): 1 object, " ||
			kmg_fail "leak at kmg_helpers_bug.c:$l not reported"
	done
	got=$(echo "$d" | grep -c '^leaked from ' || true)
	[ "$got" = "$want" ] || kmg_fail "expected $want leak sites, report has $got"
	echo "$d" > /tmp/kmg-last-report
}

test_mismatched_free() {
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-vfree_kmemdup_nul bug=vfree_kmemdup_nul
	grep -q 'vfree() of kmalloc memory at kmg_helpers_bug.c:[0-9]*; freed with kfree() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with kfree()"
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-memdup_user bug=memdup_user_free_pages
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-kfree_vcalloc bug=kfree_vcalloc
	grep -q 'kfree() of vmalloc memory at kmg_helpers_bug.c:[0-9]*; freed with vfree() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with vfree()"
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-kfree_devm bug=kfree_devm_kstrdup
	grep -q 'kfree() of devm memory at kmg_helpers_bug.c:[0-9]*; freed with devm_kfree() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with devm_kfree()"
	# Freed the right way at once (devres's entry with it): no second free
	# when the device goes.
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-devm_pages bug=free_pages_devm
	grep -q 'free_pages() of devm_pages memory at .*freed with devm_free_pages() instead' /tmp/kmg-last-report ||
		kmg_fail "free_pages() of devm_get_free_pages() memory not repaired with devm_free_pages()"
	# bitmap_free() of devm_bitmap_zalloc() memory: the kernel frees it
	# again at unbind; kmemguard frees it once, now, with its devres entry.
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-devm_bitmap bug=bitmap_free_devm
	grep -q 'kfree() of devm_bitmap memory at .*freed with its devres release instead' /tmp/kmg-last-report ||
		kmg_fail "bitmap_free() of devm_bitmap_zalloc() memory not completed by devres's release"
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-free-pages_exact bug=pages_exact_free_pages
	grep -q 'free_pages() of pages_exact memory at kmg_helpers_bug.c:[0-9]*; freed with free_pages_exact() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with free_pages_exact()"
}

test_double_free_pages_exact() {
	kmg_expect_bug double-free kmg_helpers_bug double-free-pages_exact bug=pages_exact_double
	grep -q '^first freed at kmg_helpers_bug.c:' /tmp/kmg-last-report ||
		kmg_fail "first free not shown"
}

# The last reference's put_page() was the page's free: the quarantine
# holds the page with that reference, and a second put is refused.
test_double_free_put_page() {
	kmg_expect_bug double-free kmg_helpers_bug double-free-put_page bug=put_page_double
	grep -q 'put_page() of .* at kmg_helpers_bug.c:[0-9]*' /tmp/kmg-last-report ||
		kmg_fail "the second put_page() not named"
}

# The last put of a plain order-1 allocation's head: the kernel's would
# free one page and lose the other; kmemguard frees both. A slab page's
# last reference is refused (the kernel's would free it under its objects).
test_put_page_misuse() {
	kmg_expect_bug wrong-order kmg_helpers_bug wrong-order-put_page bug=put_page_order
	grep -q 'put_page() order 0 at kmg_helpers_bug.c:[0-9]*; allocated with order 1, freed so' /tmp/kmg-last-report ||
		kmg_fail "not completed with order 1"
	kmg_expect_bug invalid-free kmg_helpers_bug invalid-free-put_page bug=put_page_slab
	grep -q 'put_page() of .* at kmg_helpers_bug.c:[0-9]*: the last reference of a slab page; refused' /tmp/kmg-last-report ||
		kmg_fail "put_page() of a slab page not refused"
}

test_double_free_bitmap() {
	kmg_expect_bug double-free kmg_helpers_bug double-free-bitmap bug=bitmap_double
	grep -q '^first freed at kmg_helpers_bug.c:' /tmp/kmg-last-report ||
		kmg_fail "first free not shown"
}

test_double_free_kvfree_sensitive() {
	kmg_expect_bug double-free kmg_helpers_bug double-free-kvfree_sensitive bug=kvfree_sensitive_double
	grep -q '^first freed at kmg_helpers_bug.c:' /tmp/kmg-last-report ||
		kmg_fail "first free not shown"
}

# A realloc of memory it cannot move is refused: NULL, the object untouched.
test_realloc_refused() {
	kmg_expect_bug double-free kmg_helpers_bug double-free-kvrealloc bug=kvrealloc_freed
	grep -q 'kvrealloc()' /tmp/kmg-last-report || kmg_fail "kvrealloc() not named"
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-krealloc_array bug=krealloc_array_vmalloc
	grep -q 'refused (NULL returned)' /tmp/kmg-last-report || kmg_fail "not refused"
	# devm_krealloc() of kmalloc() memory: the kernel's would WARN.
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-devm_krealloc bug=devm_krealloc_kmalloc
	grep -q 'devm_krealloc() of kmalloc memory at .*refused (NULL returned)' /tmp/kmg-last-report ||
		kmg_fail "devm_krealloc() of kmalloc memory not refused"
	if grep 'kmg_helpers_bug: .* not refused' /tmp/kmg-last-report; then
		kmg_fail "devm_krealloc() returned memory"
	fi
	# With another device than the memory's (the kernel's would WARN):
	# refused, the memory still devres's of its own device.
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-devm_krealloc_dev bug=devm_krealloc_other_dev
	grep -q "devm_krealloc() of another device's devm memory at .*refused (NULL returned)" /tmp/kmg-last-report ||
		kmg_fail "devm_krealloc() with another device not refused"
	if grep 'kmg_helpers_bug: .* not refused' /tmp/kmg-last-report; then
		kmg_fail "devm_krealloc() with another device returned memory"
	fi
	# Shrinking, the kernel's keeps it in place (without checking the
	# device): reported, kept in place, still devres's of its own device.
	kmg_expect_bug mismatched-free kmg_helpers_bug mismatched-devm_krealloc_sh bug=devm_krealloc_other_shrink
	grep -q "devm_krealloc() of another device's devm memory at .*kept in place (it fits)" /tmp/kmg-last-report ||
		kmg_fail "devm_krealloc() shrinking with another device: not kept in place"
	if grep 'kmg_helpers_bug: .* not kept in place' /tmp/kmg-last-report; then
		kmg_fail "devm_krealloc() shrinking with another device did not return the object"
	fi
}

# Memory allocation profiling (the debug kernel) charges each helper's
# memory to the driver's line, not to kmemguard or lib/. (devm memory is
# charged to devres on every kernel: devm_kmalloc() has no alloc_hooks().)
test_allocinfo_blames_driver_lines() {
	kmg_is_debug || return 0
	kmg_insmod kmg_helpers
	cp /proc/allocinfo /tmp/helpers.allocinfo
	rmmod kmg_helpers
	for l in $(kmg_helpers_lines); do
		sed -n "${l}p" $KMG_SRC/samples/kmg_helpers.c | grep -q devm_ && continue
		grep -qE "^ *[1-9][0-9]* +[1-9][0-9]* .*kmg_helpers.c:$l \[kmg_helpers\] func:" /tmp/helpers.allocinfo ||
			{ grep kmg_helpers /tmp/helpers.allocinfo; kmg_fail "kmg_helpers.c:$l not charged in /proc/allocinfo"; }
	done
	if grep -E "^ *[1-9][0-9]* .*wrappers.c:" /tmp/helpers.allocinfo; then
		kmg_fail "allocations charged to kmemguard's wrappers"
	fi
}

# At guarded and redzone sites (not with KASAN, where both are off) every
# helper still works, and krealloc_array()/kvrealloc() move such an object
# with kmemguard (a guarded object never reaches the kernel's krealloc()):
# no report, no oops, nothing left.
test_guarded_and_redzone_sites() {
	kmg_is_debug && return 0
	for mode in guard redzone; do
		echo redzone=none > $KMG_DBG/control
		echo $mode=kmg_helpers > $KMG_DBG/control
		before=$(kmg_stat 'guarded objects')
		kmg_insmod kmg_helpers
		after=$(kmg_stat 'guarded objects')
		rmmod kmg_helpers
		echo redzone=none > $KMG_DBG/control
		if [ $mode = guard ]; then
			[ "$after" -gt "$before" ] || kmg_fail "guard: nothing guarded"
		fi
		if kmg_dmesg | grep 'kmg_helpers: .*failed'; then
			kmg_fail "$mode: a helper failed"
		fi
		kmg_expect_no_reports
		[ "$(grep -c 'module=kmg_helpers ' $KMG_DBG/allocations)" = 0 ] ||
			kmg_fail "$mode: records left after unload"
	done
}
