# kernels: deb6.12 deb6.1
# sleep-in-atomic in interrupt context (timer, tasklet, hardirq). Not on the
# debug kernel: there GFP_KERNEL in interrupt context also makes lockdep
# report fs_reclaim as irq-unsafe, after which lockdep turns itself off for
# the rest of the boot.

test_interrupt_context_variants() {
	for c in timer:'in softirq' tasklet:'in softirq' hardirq:'in hardirq'; do
		ctx=${c%%:*} reason=${c#*:}
		kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic ctx=$ctx
		grep -q "$reason" /tmp/kmg-last-report || kmg_fail "$ctx: reason not given"
	done
}

test_interrupt_context_correct() {
	kmg_atomic_correct timer tasklet hardirq
	kmg_expect_no_reports
}
