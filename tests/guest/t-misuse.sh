# Misuse detection: one buggy sample per bug type, each report naming its
# line; the guest keeps running and nothing leaks afterwards.

test_double_free() {
	local b bugs="kfree vfree pages cache rcu"
	# A second kmem_cache_destroy(): 6.5+ (tracked caches never merged);
	# on 6.1 it would reach the kernel (README: known limits).
	[ "$KMG_KERNEL" = deb6.1 ] || bugs="destroy $bugs"
	for b in $bugs; do
		kmg_expect_bug double-free kmg_double_free double-free-$b bug=$b
		grep -q '^first freed at kmg_double_free.c:' /tmp/kmg-last-report ||
			kmg_fail "$b: first free not shown"
		grep -q '^allocated by .* at kmg_double_free.c:' /tmp/kmg-last-report ||
			kmg_fail "$b: allocation not shown"
	done
}

test_reports_rate_limited_per_site() {
	before=$(kmg_stat 'reports double-free')
	supp=$(kmg_stat 'repeated reports suppressed')
	kmg_expect_bug double-free kmg_double_free double-free-kfree bug=kfree repeat=5
	[ "$(kmg_stat 'reports double-free')" = $((before + 5)) ] || kmg_fail "not every bug counted"
	[ "$(kmg_stat 'repeated reports suppressed')" = $((supp + 4)) ] || kmg_fail "repeats not suppressed"
}

test_invalid_free() {
	for b in interior global stack vinterior; do
		kmg_expect_bug invalid-free kmg_invalid_free invalid-free-$b bug=$b
	done
	kmg_expect_bug invalid-free kmg_invalid_free invalid-free-interior bug=interior
	grep -q '24 bytes into an object; refused' /tmp/kmg-last-report
	# Inside an object that starts in the 4 KiB block before the pointer's:
	# the untracked free's occupancy counts must cover that block too.
	kmg_expect_bug invalid-free kmg_invalid_free invalid-free-binterior bug=binterior
	grep -q '4160 bytes into an object; refused' /tmp/kmg-last-report ||
		kmg_fail "not 4160 bytes into the object: $(grep -i 'into\|inside' /tmp/kmg-last-report)"
}

# A kmem_cache's objects are not at kmalloc's places (200 bytes apart).
test_invalid_free_inside_cache_object() {
	kmg_expect_bug invalid-free kmg_invalid_free invalid-free-cinterior bug=cinterior
	grep -q '24 bytes into an object; refused' /tmp/kmg-last-report ||
		kmg_fail "not 24 bytes into the object: $(grep -i 'into\|inside' /tmp/kmg-last-report)"
}

test_mismatched_free() {
	for b in kfree_vmalloc vfree_kmalloc pages_kmalloc kfree_pages cache_kmalloc; do
		kmg_expect_bug mismatched-free kmg_mismatch mismatched-free-$b bug=$b
	done
	grep -q 'freed with kfree() instead' /tmp/kmg-last-report
}

# kfree() of vmalloc memory with preemption off, where vfree() may not
# run: held (too big to keep: at once out of the quarantine) and given back
# from a work item (which kmemguard's unload waits for), nothing allocated
# for it, so the 4 MiB are back when the module is gone.
test_vmalloc_repair_with_preemption_off() {
	before=$(sed -n 's/^VmallocUsed: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	rel=$(kmg_stat 'held objects released')
	deg=$(kmg_stat 'degraded (untracked: no record memory)')
	kmg_expect_bug mismatched-free kmg_mismatch mismatched-free-kfree_vmalloc_atomic bug=kfree_vmalloc_atomic
	grep -q 'freed with vfree() instead' /tmp/kmg-last-report || kmg_fail "not completed with vfree()"
	after=$(sed -n 's/^VmallocUsed: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	[ $((after - before)) -lt 1024 ] || kmg_fail "still allocated: VmallocUsed $before -> $after kB"
	[ "$(kmg_stat 'held objects released')" -gt "$rel" ] || kmg_fail "not given back as held memory"
	[ "$(kmg_stat 'degraded (untracked: no record memory)')" = "$deg" ] || kmg_fail "degraded"
}

# kfree_sensitive() of another family's memory: reported, completed with
# the right call, and wiped first, as kfree_sensitive() promises (the
# sample fills it with 0x5a and reads it back after the free): held by the
# quarantine (a vmalloc area; a page): not one byte left; or, with
# quarantine=0, given back at once (the page, wiped before free_pages()):
# the allocator may have handed it out again by the read, so only a page
# still all 0x5a fails (never wiped). A page someone else still holds a
# reference to does not go back: left as it is (kept=LEFT/BYTES).
kmg_sensitive_wiped() {	# kmg_sensitive_wiped BUG MARKER held|freed|kept=N/M
	local r left
	kmg_expect_bug mismatched-free kmg_mismatch "$2" bug=$1
	r=$(grep 'kmg_mismatch: sensitive: ' /tmp/kmg-last-report || echo 'no read-back')
	case $3:$r in
	kept=*)
		[ "${r##*: sensitive: }" = "$(echo "${3#kept=}" | sed 's|/| of |') bytes not wiped" ] ||
			kmg_fail "$1: expected ${3#kept=} bytes left: $r" ;;
	*": sensitive: wiped") ;;
	freed:*" bytes not wiped")
		left=$(echo "$r" | sed -n 's/.*: \([0-9]*\) of \([0-9]*\) bytes not wiped/\1 \2/p')
		[ "${left% *}" != "${left#* }" ] || kmg_fail "$1: $r" ;;
	*) kmg_fail "$1: $r" ;;
	esac
}

test_sensitive_free_of_other_memory_is_wiped() {
	# (Not local: the trap restores the setting when this test's shell
	# exits, whether it passed or not.)
	sq=/sys/module/kmemguard/parameters/quarantine
	sqold=$(cat $sq)
	trap 'echo "$sqold" > $sq; echo redzone=none > $KMG_DBG/control' EXIT
	echo 256 > $sq
	kmg_sensitive_wiped kfree_sensitive_vmalloc mismatched-free-kfree_sensitive_vmalloc held
	kmg_sensitive_wiped kfree_sensitive_pages mismatched-free-kfree_sensitive_pages held
	kmg_sensitive_wiped kfree_sensitive_pages_exact mismatched-free-kfree_sensitive_pages_exact held
	kmg_sensitive_wiped kfree_sensitive_page_shared mismatched-free-kfree_sensitive_page_shared kept=4096/4096
	kmg_sensitive_wiped kfree_sensitive_exact_shared mismatched-free-kfree_sensitive_exact_shared kept=4096/8192
	kmg_sensitive_wiped kfree_sensitive_order1_shared mismatched-free-kfree_sensitive_order1_shared kept=4096/8192
	kmg_sensitive_wiped kfree_sensitive_comp_shared mismatched-free-kfree_sensitive_comp_shared kept=8192/8192
	# With redzones: held pages are poisoned, but not one still shared.
	echo redzone=kmg_mismatch > $KMG_DBG/control
	kmg_sensitive_wiped kfree_sensitive_order1_shared mismatched-free-kfree_sensitive_order1_shared kept=4096/8192
	kmg_sensitive_wiped kfree_sensitive_pages mismatched-free-kfree_sensitive_pages held
	echo redzone=none > $KMG_DBG/control
	echo 0 > $sq
	kmg_sensitive_wiped kfree_sensitive_pages mismatched-free-kfree_sensitive_pages freed
}

# The repaired area stays kmemguard's until it is given back (held), and
# its record stays on after as a tombstone, so a vfree() of it after the
# kfree() is a double free, refused: the kernel never sees a second vfree()
# of the area (nor of one handed out since). 8 KiB: still held at the
# vfree(); 4 MiB: too big to keep, vfree()d by kmemguard's work item before
# the sample's own vfree() (which waits until the area is unmapped).
# RZ=1: with redzones on the module (the held area poisoned and checked
# when it leaves, never read once unmapped; nothing else reported).
kmg_repaired_twice() {	# kmg_repaired_twice RZ BUG MISMATCH_MARKER DOUBLE_MARKER
	local q=/sys/module/kmemguard/parameters/quarantine qold l1 l2 d n0 n1
	l1=$(kmg_lines kmg_mismatch.c "$3")
	l2=$(kmg_lines kmg_mismatch.c "$4")
	qold=$(cat $q)
	echo 256 > $q
	[ "$1" = 1 ] && echo redzone=kmg_mismatch > $KMG_DBG/control
	n0=$(kmg_stat 'quarantined frees')
	kmg_dmesg_reset
	kmg_expect_warn kmg_insmod kmg_mismatch bug=$2
	rmmod kmg_mismatch
	n1=$(kmg_stat 'quarantined frees')
	echo redzone=none > $KMG_DBG/control
	echo "$qold" > $q
	d=$(kmg_dmesg)
	# One free quarantined (the tombstone's return after kmemguard's
	# vfree() is the same free).
	[ $((n1 - n0)) = 1 ] || kmg_fail "$2: quarantined frees $n0 -> $n1"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 2 ] ||
		kmg_fail "$2: expected 2 reports: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -q "kmemguard: mismatched-free in .* at kmg_mismatch.c:$l1" ||
		kmg_fail "$2: no mismatched-free at line $l1"
	echo "$d" | grep -q "kmemguard: double-free in .* at kmg_mismatch.c:$l2" ||
		kmg_fail "$2: no double-free at line $l2"
	if echo "$d" | grep -q 'nonexistent vm area'; then kmg_fail "$2: the kernel saw a second vfree()"; fi
	if echo "$d" | grep -q 'the area is still mapped'; then kmg_fail "$2: not given back in time"; fi
	return 0
}

test_double_free_after_repaired_vmalloc_free() {
	kmg_repaired_twice 0 kfree_vmalloc_twice mismatched-free-kfree_vmalloc_twice \
		double-free-vfree_after_kfree
	kmg_repaired_twice 0 kfree_vmalloc_big_twice mismatched-free-kfree_vmalloc_big_twice \
		double-free-vfree_after_kfree_big
}

test_double_free_after_repaired_vmalloc_free_redzones() {
	kmg_repaired_twice 1 kfree_vmalloc_twice mismatched-free-kfree_vmalloc_twice \
		double-free-vfree_after_kfree
	kmg_repaired_twice 1 kfree_vmalloc_big_twice mismatched-free-kfree_vmalloc_big_twice \
		double-free-vfree_after_kfree_big
}

test_kfree_of_cache_object_follows_kernel_rule() {
	if [ "$KMG_KERNEL" = deb6.1 ]; then
		kmg_expect_bug mismatched-free kmg_mismatch mismatched-free-kfree_cache bug=kfree_cache
	else
		# Legal since 6.4.
		kmg_insmod kmg_mismatch bug=kfree_cache
		rmmod kmg_mismatch
		kmg_expect_no_reports
	fi
}

test_wrong_order() {
	kmg_dmesg_reset
	kmg_expect_warn kmg_insmod kmg_wrong_order
	rmmod kmg_wrong_order
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: wrong-order in kmg_wrong_order_init \[kmg_wrong_order\]$')" = 2 ]
	for m in wrong-order-free_pages wrong-order-__free_pages; do
		l=$(kmg_lines kmg_wrong_order.c $m)
		echo "$d" | grep -q "at kmg_wrong_order.c:$l; allocated with order" ||
			kmg_fail "$m: line $l not reported"
	done
}

test_wrong_cache() {
	kmg_expect_bug wrong-cache kmg_wrong_cache wrong-cache
}

test_cache_not_empty() {
	kmg_expect_bug cache-not-empty kmg_cache_not_empty cache-not-empty
	l=$(kmg_lines kmg_cache_not_empty.c cache-not-empty-object)
	grep -q "^live object allocated at kmg_cache_not_empty.c:$l:" /tmp/kmg-last-report
}

test_machine_survives_and_nothing_leaks() {
	# After all of the above: the clean sample still runs without a report,
	# and no record of the buggy samples is left.
	kmg_insmod kmg_clean
	rmmod kmg_clean
	kmg_expect_no_reports
	[ "$(kmg_stat 'live objects')" = 0 ]
	[ "$(kmg_stat 'reports double-free')" -ge 5 ]
}

test_tutorial_rewritten_is_clean() {
	kmg_insmod kmg_tutorial
	rmmod kmg_tutorial
	kmg_expect_no_reports
}
