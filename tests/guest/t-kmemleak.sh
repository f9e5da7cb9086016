# kernels: debug
# kmemguard never hides a leak from kmemleak, and never shows up in its
# reports itself. kmemleak reports objects older than 5 s only.

KL=/sys/kernel/debug/kmemleak

kmg_kmemleak_baseline() {
	echo scan > $KL
	echo clear > $KL
}

kmg_kmemleak_scan() {
	sleep 6
	echo scan > $KL
	cat $KL > /tmp/kl
}

test_leaks_still_visible_to_kmemleak() {
	kmg_kmemleak_baseline
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	kmg_kmemleak_scan
	# kmalloc 64, kzalloc 128, kstrdup (kmalloc-32), krealloc 4096, the cache object
	# and the vmalloc area: every slab or vmalloc leak of the sample.
	for want in 'size 64)' 'size 128)' 'size 32)' 'size 4096)' 'size 8)' 'size 12288)'; do
		grep -q "unreferenced object .*($want" /tmp/kl ||
			{ grep "unreferenced object" /tmp/kl; kmg_fail "kmemleak did not report the leaked object of ($want"; }
	done
	# The leaked objects' backtraces go through kmemguard's wrappers ...
	grep -q 'kmemguard_kmalloc_node' /tmp/kl
	# ... but nothing kmemguard allocated for itself is reported.
	if grep -E 'kmg_track_alloc|kmg_table_init|kmg_debugfs_init|kmg_save_stack' /tmp/kl; then
		kmg_fail "kmemleak reports kmemguard's own memory"
	fi
	echo clear > $KL
}

test_clean_sample_leaves_kmemleak_empty() {
	kmg_kmemleak_baseline
	kmg_insmod kmg_clean rounds=2
	rmmod kmg_clean
	kmg_kmemleak_scan
	if grep -q 'unreferenced object' /tmp/kl; then
		head -40 /tmp/kl
		kmg_fail "kmemleak found leaks after the clean sample"
	fi
}
