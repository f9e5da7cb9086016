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
