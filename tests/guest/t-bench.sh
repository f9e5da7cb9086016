# kernels: deb6.12 deb6.1
# A short smoke run of the benchmark (`make bench` runs the full one): every
# case completes in every mode. Times are never asserted here; the host
# prints the table from the console log (ci/bench-report).

test_bench_smoke() {
	kmg_insmod kmg_bench
	sh /kmg/bench/run.sh smoke
	rmmod kmg_bench
	d=$(kmg_dmesg)
	echo "$d" | grep 'KMG-BENCH error' && kmg_fail "a benchmark case failed"
	for c in kmalloc:8 kmalloc:4096 cache pages:0 pages:3 vmalloc:4096 vmalloc:65536 \
		batch solo smp samefree xfree; do
		for m in raw tracked nostack disabled; do
			echo "$d" | grep -q "KMG-BENCH sample $c $m [0-9]*\.[0-9]$" ||
				kmg_fail "no sample of $c $m"
		done
	done
	echo "$d" | grep -q 'KMG-BENCH memory objects=2000 record_cache_bytes=[0-9]* ' ||
		kmg_fail "no memory line"
	echo "$d" | grep -q 'KMG-BENCH bigtable objects=2000 listing_lines=200[0-9] ' ||
		kmg_fail "no big-table line"
	kmg_expect_no_reports
}
