# kernels: deb6.12
# A module unloads with a million leaked objects (kmg_bench fill, with
# leak_on_exit): one report, capped at report_objects objects and
# summarised, the unload finishes (no soft lockup: the final log check), and
# kmemguard gives back the memory of every record. Not on the debug kernel:
# there a million allocations take ~10 min under TCG, KASAN's quarantine
# keeps freed records counted in the slab, and the leaked objects would
# flood every later kmemleak scan of the boot.

test_million_leaks_reported_and_returned() {
	n=1000000
	rec0=$(awk '$1 == "kmemguard_record" { print $2 }' /proc/slabinfo)
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
	rec1=$(awk '$1 == "kmemguard_record" { print $2 }' /proc/slabinfo)
	[ "$rec1" -lt $((rec0 + 10000)) ] || kmg_fail "record cache still holds $rec1 objects (was $rec0)"
}
