# kernels: deb6.12 deb6.1
# A short smoke run of the benchmark (`make bench` runs the full one): every
# case completes in every mode (the run loads kmemguard again, with
# enabled=0 for the "disabled" column, and leaves it loaded as it was). Times are never asserted here; the host
# prints the table from the console log (ci/bench-report).

test_bench_smoke() {
	kmg_insmod kmg_bench
	sh /kmg/bench/run.sh smoke
	rmmod kmg_bench
	d=$(kmg_dmesg)
	echo "$d" | grep 'KMG-BENCH error' && kmg_fail "a benchmark case failed"
	for c in kmalloc:8 kmalloc:4096 cache pages:0 pages:3 vmalloc:4096 vmalloc:65536 dma:4096 dmapool:64 \
		percpu:64 batch ufree solo smp samefree xfree mempool; do
		for m in raw tracked allstacks nostack paused; do
			echo "$d" | grep -q "KMG-BENCH sample $c $m [0-9]*\.[0-9]$" ||
				kmg_fail "no sample of $c $m"
		done
	done
	# Loaded with enabled=0, and a new site's first calls.
	for c in kmalloc:64 cache pages:0 vmalloc:4096; do
		echo "$d" | grep -q "KMG-BENCH sample $c disabled [0-9]*\.[0-9]$" ||
			kmg_fail "no sample of $c disabled"
		# (the raw calls taken in turn with them: their ratio's base)
		echo "$d" | grep -q "KMG-BENCH sample $c rawoff [0-9]*\.[0-9]$" ||
			kmg_fail "no sample of $c rawoff"
	done
	# The big table's pairs, and the raw ones taken in turn with them.
	for m in raw tracked; do
		echo "$d" | grep -q "KMG-BENCH sample kmalloc:64@big $m [0-9]*\.[0-9]$" ||
			kmg_fail "no sample of kmalloc:64@big $m"
	done
	echo "$d" | grep -q "KMG-BENCH sample firstsite tracked [0-9]*\.[0-9]$" ||
		kmg_fail "no firstsite sample"
	# Redzones and guarded objects (#18).
	for c in kmalloc:64 kmalloc:256 kmalloc:4096 cache pages:0 vmalloc:4096; do
		for m in rzraw rzbase rzoff redzone rznostk; do
			echo "$d" | grep -q "KMG-BENCH sample $c $m [0-9]*\.[0-9]$" ||
				kmg_fail "no sample of $c $m"
		done
	done
	for c in kmalloc:64 kmalloc:4096; do
		for m in rzgraw guarded; do
			echo "$d" | grep -q "KMG-BENCH sample $c $m [0-9]*\.[0-9]$" ||
				kmg_fail "no sample of $c $m"
		done
	done
	echo "$d" | grep -q 'KMG-BENCH guard missed 0 guarded [1-9]' ||
		kmg_fail "guarded objects: $(echo "$d" | grep 'KMG-BENCH guard')"
	echo "$d" | grep -q 'KMG-BENCH memory objects=2000 record_cache_bytes=[0-9]* ' ||
		kmg_fail "no memory line"
	echo "$d" | grep -q 'KMG-BENCH bigtable objects=2000 listing_lines=200[0-9] ' ||
		kmg_fail "no big-table line"
	kmg_expect_no_reports
}
