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
		# current may be whoever was interrupted: no task is named.
		grep -Eq "^task 0 \(-\), ${reason#in } context," /tmp/kmg-last-report ||
			kmg_fail "$ctx: $(grep ' context, ' /tmp/kmg-last-report)"
	done
}

test_interrupt_context_correct() {
	kmg_atomic_correct timer tasklet hardirq
	kmg_expect_no_reports
}

test_vmalloc_in_timer_refused() {
	kmg_expect_bug sleep-in-atomic kmg_atomic sleep-in-atomic-vmalloc-timer ctx=vmalloc_timer
	grep -q 'in softirq' /tmp/kmg-last-report || kmg_fail "reason not given"
	grep -q 'kmemguard: refused: NULL returned' /tmp/kmg-last-report || kmg_fail "not refused"
	if grep -q 'returned memory' /tmp/kmg-last-report; then kmg_fail "vmalloc() ran"; fi
	return 0
}

test_repaired_allocation_listed_so() {
	l=$(kmg_lines kmg_atomic.c sleep-in-atomic)
	kmg_expect_warn kmg_insmod kmg_atomic ctx=timer keep=1
	grep "site=kmg_atomic.c:$l " $KMG_DBG/allocations > /tmp/repaired || kmg_fail "allocation not listed"
	grep -q 'gfp=[^ ]*(repaired) ' /tmp/repaired || kmg_fail "not flagged (repaired): $(cat /tmp/repaired)"
	# A softirq here runs in whatever task it interrupted: no task kept.
	grep -q ' ctx=softirq pid=0 ' /tmp/repaired || kmg_fail "listed as: $(cat /tmp/repaired)"
	grep -q 'gfp=GFP_KERNEL(repaired)' /tmp/repaired && kmg_fail "listed with its blocking flags"
	rmmod kmg_atomic
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "expected one report"
}
