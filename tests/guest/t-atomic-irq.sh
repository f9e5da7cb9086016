# kernels: debug deb6.12 deb6.1
# sleep-in-atomic in interrupt context (timer, tasklet, hardirq), reported
# and repaired: the allocation runs without its blocking flags, so on the
# debug kernel lockdep never sees fs_reclaim taken in interrupt context
# (which would turn it off for the rest of the boot).

test_interrupt_context_variants() {
	for c in timer:'in softirq' tasklet:'in softirq' hardirq:'in hardirq'; do
		ctx=${c%%:*} reason=${c#*:}
		kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic ctx=$ctx
		grep -q "$reason" /tmp/kmg-last-report || kmg_fail "$ctx: reason not given"
		grep -q 'kmemguard: run without its blocking flags' /tmp/kmg-last-report ||
			kmg_fail "$ctx: not repaired"
	done
}

test_interrupt_context_correct() {
	kmg_atomic_correct timer tasklet hardirq
	kmg_expect_no_reports
}
