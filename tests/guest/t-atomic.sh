# kernels: debug deb6.12 deb6.1
# sleep-in-atomic: sleeping allocations where sleeping is forbidden, reported
# and repaired: a kmalloc() runs without its blocking flags, a vmalloc()
# (which cannot run there at all) gets NULL. On the debug kernel the
# kernel's own DEBUG_ATOMIC_SLEEP check then has nothing left to report.

# kmg_sleep_case CTX REASON [MARKER]
kmg_sleep_case() {
	ctx=$1 reason=$2 marker=${3:-sleep-in-atomic}
	# The kernel's checker reports at most once a second.
	kmg_is_debug && sleep 1.1
	kmg_expect_bug sleep-in-atomic kmg_atomic $marker ctx=$ctx
	grep -q "$reason" /tmp/kmg-last-report || kmg_fail "$ctx: reason '$reason' not given"
	grep -q 'with gfp=GFP_KERNEL at' /tmp/kmg-last-report || kmg_fail "$ctx: GFP flags not in words"
	case $marker in
	*-vmalloc*) want='kmemguard: refused: NULL returned' ;;
	*-destroy) want='kmemguard: deferred to a work item' ;;
	*) want='kmemguard: run without its blocking flags, as gfp=' ;;
	esac
	grep -q "$want" /tmp/kmg-last-report || kmg_fail "$ctx: not repaired ($want)"
	if grep -q 'sleeping function called from invalid context' /tmp/kmg-last-report; then
		kmg_fail "$ctx: the kernel's own checker still saw a sleeping call"
	fi
	return 0
}

test_process_context_variants() {
	kmg_sleep_case spinlock 'preemption disabled'
	kmg_sleep_case irqsave 'interrupts disabled'
	kmg_sleep_case rwlock 'preemption disabled'
	kmg_sleep_case raw_spinlock 'preemption disabled'
	kmg_sleep_case rcu 'inside rcu_read_lock()'
	kmg_sleep_case bh 'bottom halves disabled'
	kmg_sleep_case preempt 'preemption disabled'
	kmg_sleep_case irqs_off 'interrupts disabled'
	kmg_sleep_case vmalloc_lock 'preemption disabled' sleep-in-atomic-vmalloc
	kmg_sleep_case kvmalloc_lock 'preemption disabled' sleep-in-atomic-kvmalloc
}

test_vmalloc_with_bottom_halves_disabled() {
	kmg_sleep_case vmalloc_bh 'bottom halves disabled' sleep-in-atomic-vmalloc-bh
	if kmg_dmesg | grep -q 'returned memory'; then kmg_fail "vmalloc() ran"; fi
	return 0
}

test_cache_destroy_in_atomic_context_deferred() {
	kmg_sleep_case destroy_lock 'preemption disabled' sleep-in-atomic-destroy
	if kmg_dmesg | grep -qE 'cache-not-empty|memory-leak'; then kmg_fail "the deferred destroy went wrong"; fi
	kmg_atomic_correct destroy_lock
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "objects still live"
}

test_correct_atomic_allocations_are_clean() {
	kmg_atomic_correct process spinlock irqsave rwlock raw_spinlock rcu bh \
		preempt irqs_off vmalloc_lock kvmalloc_lock
	kmg_expect_no_reports
	if kmg_dmesg | grep -q 'sleeping function called'; then
		kmg_fail "the kernel's checker reported a correct allocation"
	fi
	return 0
}

test_needless_atomic_hint() {
	echo 1 > /sys/module/kmemguard/parameters/hints
	kmg_expect_bug needless-atomic kmg_atomic needless-atomic ctx=process ok=1
	echo 0 > /sys/module/kmemguard/parameters/hints
	# Off by default.
	kmg_insmod kmg_atomic ctx=process ok=1
	rmmod kmg_atomic
	[ "$(kmg_count_reports)" = 1 ]
}
