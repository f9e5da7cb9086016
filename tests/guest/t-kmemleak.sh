# kernels: debug
# kmemguard never hides a leak from kmemleak, and never shows up in its
# reports itself. kmemleak reports objects older than 5 s only.

KL=/sys/kernel/debug/kmemleak

kmg_kmemleak_baseline() {
	echo scan > $KL
	echo clear > $KL
}

kmg_kmemleak_scan() {
	sleep 6		# kmemleak reports objects older than 5 s only
	echo scan > $KL
	cat $KL > /tmp/kl
}

# kmalloc 64, kzalloc 128, kstrdup (kmalloc-32), krealloc 4096, the cache
# object and the vmalloc area: every slab or vmalloc leak of kmg_leak.
KMG_LEAK_SIZES="64 128 32 4096 8 12288"

kmg_kmemleak_missing() {
	local s
	for s in $KMG_LEAK_SIZES; do
		grep -q "unreferenced object .*(size $s)" /tmp/kl || echo "$s"
	done
}

test_leaks_still_visible_to_kmemleak() {
	kmg_kmemleak_baseline
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	# A stale copy of a pointer (say, in a freed task stack kmemleak still
	# scans) can hide an object for a scan or two: kmemleak's documented
	# false negatives. Scan again, a bounded number of times.
	for i in 1 2 3 4 5; do
		kmg_kmemleak_scan
		[ -z "$(kmg_kmemleak_missing)" ] && break
	done
	grep -E 'unreferenced|kmemguard|kmg_' /tmp/kl || true	# shown on failure
	missing=$(kmg_kmemleak_missing)
	[ -z "$missing" ] || kmg_fail "kmemleak did not report leaked objects of size $missing"
	# The leaked objects' backtraces go through kmemguard's wrappers ...
	grep -q 'kmemguard_vmalloc+' /tmp/kl || kmg_fail "no backtrace through kmemguard"
	# ... but nothing kmemguard allocated for itself is reported.
	if grep -E 'kmg_track_alloc|kmg_table_init|kmg_debugfs_init|kmg_save_stack' /tmp/kl; then
		kmg_fail "kmemleak reports kmemguard's own memory"
	fi
	echo clear > $KL
}

# The kmemleak blocks of objects allocated by process $1 (pid).
kmg_kmemleak_by_pid() {
	awk -v pid="$1" '
		/^unreferenced object/ { if (mine) print blk; blk = $0; mine = 0; next }
		{ blk = blk "\n" $0 }
		$0 ~ "^  comm .*, pid " pid "," { mine = 1 }
		END { if (mine) print blk }' /tmp/kl
}

# kmg_clean allocates only in its init and exit, in the insmod and rmmod
# processes, so what they allocated is what it could have leaked. Other
# unreferenced objects are not its doing: one of kmg_leak's objects that a
# stale pointer hid from the scans above surfaces later, for example. A
# stale pointer can hide a real leak from one scan just as well, so three
# scans, and any of them reporting one fails the test.
test_clean_sample_leaves_kmemleak_empty() {
	kmg_kmemleak_baseline
	sh -c 'echo $$ > /tmp/pid.ins; exec kmg-insmod "$0" rounds=2' "$KMG_MOD/kmg_clean.ko" ||
		kmg_fail "kmg_clean did not load" || return 1
	sh -c 'echo $$ > /tmp/pid.rm; exec rmmod kmg_clean'
	sleep 6		# kmemleak reports objects older than 5 s only
	for i in 1 2 3; do
		echo scan > $KL
		cat $KL > /tmp/kl
		for p in $(cat /tmp/pid.ins /tmp/pid.rm); do
			kmg_kmemleak_by_pid "$p"
		done > /tmp/kl.mine
		if [ -s /tmp/kl.mine ]; then
			head -60 /tmp/kl.mine
			kmg_fail "kmemleak scan $i found leaks of kmg_clean's load or unload"
			return 1
		fi
	done
}
