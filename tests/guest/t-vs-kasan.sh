# kernels: debug
# On the debug kernel KASAN finds out-of-bounds accesses and use-after-free,
# better than kmemguard's redzones could: with kmemguard loaded and its
# redzone and guard rules set, kmemguard must do neither (no redzone, no
# poison, nothing held, no report), and KASAN must still report each bug
# of samples/kmg_redzone.c, in the function that made it.
#
# This file runs last (its name sorts last): a KASAN report taints the
# kernel in a way that turns lockdep off for the rest of the boot.

# KASAN honours panic_on_warn: off for the command, and its reports are
# marked expected for the final log check.
kmg_kasan_expect() {
	kmg_expect_warn "$@"
	sed -i 's/BUG: KASAN/EXPECTED-KASAN/' /tmp/kmg-cur-dmesg
}

test_kasan_reports_with_kmemguard_loaded() {
	echo redzone=kmg_redzone > $KMG_DBG/control
	echo guard=kmg_redzone > $KMG_DBG/control
	for c in byte:slab-out-of-bounds:kmg_rz_byte loop:slab-out-of-bounds:kmg_rz_loop \
		cache:slab-out-of-bounds:kmg_rz_cache vmalloc:vmalloc-out-of-bounds:kmg_rz_vmalloc \
		uaf_write:slab-use-after-free:kmg_rz_uaf_write \
		uaf_read:slab-use-after-free:kmg_rz_read_freed \
		guard_byte:slab-out-of-bounds:kmg_rz_write_past; do
		b=${c%%:*}
		t=${c#*:}
		fn=${t#*:}
		t=${t%%:*}
		kmg_dmesg_reset
		kmg_kasan_expect kmg_insmod kmg_redzone bug=$b
		rmmod kmg_redzone
		d=$(kmg_dmesg)
		echo "$d" | grep -q "^EXPECTED-KASAN: $t in $fn+0x" ||
			kmg_fail "bug=$b: no KASAN $t in $fn: $(echo "$d" | grep 'KASAN' | head -3)"
		if echo "$d" | grep '^BUG: kmemguard: '; then
			kmg_fail "bug=$b: kmemguard reported"
		fi
	done
	[ "$(kmg_stat 'objects with redzones')" = 0 ] || kmg_fail "redzones under KASAN"
	[ "$(kmg_stat 'guarded objects')" = 0 ] || kmg_fail "guarded objects under KASAN"
	echo redzone=none > $KMG_DBG/control
}
