# kernels: debug deb6.12
# Concurrency stress (tests/stress/kmg_stress.c): for 60 s with a fixed
# seed, a kthread per CPU, per-CPU timers (softirq), hrtimers and irq_work
# (hard IRQ) allocate all four families and free each other's objects, with
# 5% of kmg_stress's allocations failed by a fault rule, while this test
# reads every debugfs file in a loop and loads and unloads another tracked
# module. Pass: no kmemguard report at all (the workload is correct), the
# counters balance (what was allocated meanwhile was freed: live back where
# it was), and the final log check finds no KASAN, lockdep, RCU, hung-task
# or soft-lockup report. On the debug kernel kmemleak then finds nothing.

KMG_STRESS_SECONDS=60

test_stress_everything_at_once() {
	a0=$(kmg_stat allocations)
	f0=$(kmg_stat frees)
	l0=$(kmg_stat 'live objects')
	# What earlier tests leaked on purpose is kmemleak's baseline.
	if kmg_is_debug; then
		echo scan > /sys/kernel/debug/kmemleak
		echo clear > /sys/kernel/debug/kmemleak
	fi
	echo "module=kmg_stress probability=5 seed=42" > $KMG_DBG/faults
	kmg_insmod kmg_stress seconds=$KMG_STRESS_SECONDS seed=7
	end=$(($(cut -d. -f1 /proc/uptime) + KMG_STRESS_SECONDS))
	# A reader process of every debugfs file, and this one loading and
	# unloading another tracked module, both until the end.
	(
		reads=0
		while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
			for f in allocations sites stats control faults; do
				cat $KMG_DBG/$f > /dev/null
			done
			kmemguard top --once > /dev/null
			reads=$((reads + 1))
		done
		echo $reads > /tmp/stress-reads
	) &
	rounds=0
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		kmg_insmod kmg_clean rounds=1
		rmmod kmg_clean
		rounds=$((rounds + 1))
	done
	wait
	reads=$(cat /tmp/stress-reads)
	injected=$(sed -n 's/.* injected=\([0-9]*\).*/\1/p' $KMG_DBG/faults)
	rmmod kmg_stress
	echo clear > $KMG_DBG/faults
	d=$(kmg_dmesg)
	echo "$d" | grep 'kmg_stress: '
	echo "$reads reads of every file, $rounds loads, $injected injected failures"
	kmg_expect_no_reports
	[ "$rounds" -ge 3 ] && [ "${reads:-0}" -ge 3 ] || kmg_fail "only $reads reads, $rounds loads"
	[ "${injected:-0}" -gt 0 ] || kmg_fail "no failure injected"
	n=$(echo "$d" | sed -n 's/.*kmg_stress: \([0-9]*\) allocations.*/\1/p')
	[ "${n:-0}" -gt 1000 ] || kmg_fail "only ${n:-0} allocations"
	a1=$(kmg_stat allocations)
	f1=$(kmg_stat frees)
	l1=$(kmg_stat 'live objects')
	[ "$l1" = "$l0" ] || kmg_fail "live objects $l0 before, $l1 after"
	[ $((a1 - a0)) = $((f1 - f0)) ] ||
		kmg_fail "$((a1 - a0)) allocations but $((f1 - f0)) frees meanwhile"
	if kmg_is_debug; then
		sleep 6		# kmemleak reports objects older than 5 s only
		echo scan > /sys/kernel/debug/kmemleak
		cat /sys/kernel/debug/kmemleak > /tmp/kl
		# Earlier tests' leaks younger than 5 s at the baseline show up
		# now: only what kmg_stress's threads allocated (its module text
		# is gone, so by their comm) and kmemguard's own memory count.
		if grep -A20 '^unreferenced object' /tmp/kl |
			grep -E 'comm "kmg_stress/|kmg_track_alloc|kmg_table_init|kmg_debugfs|kmg_fault_add|kmg_save_stack'; then
			kmg_fail "kmemleak reports kmg_stress's or kmemguard's own memory"
		fi
		echo clear > /sys/kernel/debug/kmemleak
	fi
}
