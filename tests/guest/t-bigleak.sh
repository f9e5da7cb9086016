# kernels: deb6.12 debug
# A module unloads with a million leaked objects (kmg_bench fill, with
# leak_on_exit): one report, capped at report_objects objects and
# summarised, the unload finishes (no soft lockup: the final log check), and
# kmemguard gives back the memory of every record. On the debug kernel
# 20,000 objects: a million would take ~10 min there under TCG, and the
# report and release paths are the same. kmg_bench tells kmemleak these
# leaks are deliberate, so later kmemleak scans stay readable.

# Objects in the record cache. Shrinking the cache first also empties
# KASAN's quarantine of it (kasan_cache_shrink), where freed records would
# otherwise still be counted.
kmg_record_objs() {
	echo 1 > /sys/kernel/slab/kmemguard_record/shrink
	awk '$1 == "kmemguard_record" { print $2 }' /proc/slabinfo
}

test_million_leaks_reported_and_returned() {
	n=1000000
	kmg_is_debug && n=20000
	rec0=$(kmg_record_objs)
	kmg_insmod kmg_bench leak_on_exit=1
	echo "fill tracked $n" > /sys/kernel/debug/kmg_bench/run
	[ "$(kmg_stat 'live objects')" -ge $n ] || kmg_fail "not $n live"
	kmg_dmesg_reset
	kmg_rmmod_leaky kmg_bench
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: memory-leak in kmg_bench$')" = 1 ] ||
		kmg_fail "not one leak report"
	echo "$d" | grep -q "^module kmg_bench unloaded with $n objects ([0-9]* bytes) not freed, from 1 call site" ||
		kmg_fail "no summary: $(echo "$d" | grep 'unloaded with')"
	echo "$d" | grep -q "^leaked from kmg_bench_tracked.c:[0-9]* in kmg_bench_fill(): $n objects" ||
		kmg_fail "no site line"
	lines=$(echo "$d" | grep -c ' module=kmg_bench ' || true)
	[ "$lines" -le "$(cat /sys/module/kmemguard/parameters/report_objects)" ] ||
		kmg_fail "$lines object lines: not capped"
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "records left"
	# The records' memory is back in the slab (allow some per-CPU slack).
	rec1=$(kmg_record_objs)
	[ "$rec1" -lt $((rec0 + n / 100 + 1000)) ] || kmg_fail "record cache still holds $rec1 objects (was $rec0)"
}
