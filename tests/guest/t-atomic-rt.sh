# kernels: rt6.12
# PREEMPT_RT rules: spinlock_t and rwlock_t sections are preemptible, so
# GFP_ATOMIC in them is fine; with preemption or interrupts truly off
# (raw_spinlock_t, preempt_disable(), local_irq_save(), hardirq) no
# allocation is allowed, not even GFP_ATOMIC. A sleeping allocation is still
# wrong inside any lock (spin_lock() takes rcu_read_lock() on RT).

test_atomic_allocations_in_preemptible_sections_are_fine() {
	kmg_atomic_correct process spinlock irqsave rwlock rcu bh timer tasklet \
		kvmalloc_lock
	kmg_expect_no_reports
}

test_no_allocation_with_preemption_or_irqs_off() {
	for c in raw_spinlock preempt irqs_off hardirq; do
		kmg_expect_bug sleep-in-atomic kmg_atomic needless-atomic ctx=$c ok=1
		grep -q 'is not allowed here on PREEMPT_RT, not even atomic' /tmp/kmg-last-report ||
			kmg_fail "$c: RT reason not given"
	done
}

test_sleeping_allocation_under_any_lock() {
	for c in spinlock raw_spinlock rcu irqs_off; do
		# (GFP_KERNEL is refused at both of RT's levels: one report.)
		kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic ctx=$c
	done
	kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic-vmalloc ctx=vmalloc_lock
}

# On PREEMPT_RT a softirq runs in a thread (ktimers/N, ksoftirqd/N, or the
# task that enabled bottom halves), which the report names: not "task 0 (-)"
# as for an interrupt, where current may be whoever was interrupted.
test_softirq_report_names_its_thread() {
	kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic ctx=timer
	grep -Eq '^task [1-9][0-9]* \([^)-][^)]*\), softirq context,' /tmp/kmg-last-report ||
		kmg_fail "softirq thread not named: $(grep ' context, ' /tmp/kmg-last-report)"
	kmg_expect_bug sleep-in-atomic kmg_atomic needless-atomic ctx=hardirq ok=1
	grep -Eq '^task 0 \(-\), hardirq context,' /tmp/kmg-last-report ||
		kmg_fail "hardirq: $(grep ' context, ' /tmp/kmg-last-report)"
	# The record keeps the thread too (the listings, a leak report).
	l=$(kmg_lines kmg_atomic.c needless-atomic)
	kmg_dmesg_reset
	kmg_insmod kmg_atomic ctx=timer ok=1 keep=1
	grep "site=kmg_atomic.c:$l " $KMG_DBG/allocations > /tmp/listed || kmg_fail "not listed"
	rmmod kmg_atomic
	grep -Eq ' ctx=softirq pid=[1-9][0-9]* ' /tmp/listed || kmg_fail "listed as: $(cat /tmp/listed)"
	kmg_expect_no_reports
}
