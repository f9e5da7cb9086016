# DMA memory: dma_alloc_coherent() and friends, the non-coherent and managed
# forms, on a platform device with a DMA mask (the direct mapping, as on an
# x86 machine without an IOMMU). Every call tracked at the driver's line;
# every misuse reported at its line and repaired so the kernel never sees it
# (no WARNING from the DMA layer, no bad page state).

# Every call's memory is tracked at its own line, with the device's name,
# and using them all correctly is reported by nobody.
test_clean_use_tracked_and_silent() {
	r0=$(kmg_stat 'held objects released')
	kmg_insmod kmg_dma
	kmg_dmesg | grep -q 'kmg_dma: ready' || kmg_fail "kmg_dma did not load"
	echo filter=kmg_dma > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/dma.alloc
	echo filter= > $KMG_DBG/control
	q=$(kmg_stat 'quarantined frees')
	rmmod kmg_dma
	# The quarantine held the seven small frees of the direct mapping
	# (not the 1 MiB one, not the managed one), and gave them back when
	# the module went.
	r1=$(kmg_stat 'held objects released')
	[ $((r1 - r0)) -ge 7 ] || kmg_fail "held DMA memory not given back at unload: $r0 -> $r1 (quarantined $q)"
	for l in $(kmg_lines kmg_dma.c live); do
		grep -q " module=kmg_dma dev=kmg_dma site=kmg_dma.c:$l " /tmp/dma.alloc || {
			cat /tmp/dma.alloc
			kmg_fail "kmg_dma.c:$l ($(sed -n "${l}p" $KMG_SRC/samples/kmg_dma.c | sed 's/^[[:space:]]*//')) not tracked with its device"
		}
	done
	grep -q " size=4096 dma_noncoherent order=0 module=kmg_dma " /tmp/dma.alloc ||
		kmg_fail "dma_alloc_noncoherent: not its own family"
	grep -q " size=4096 dmam order=0 module=kmg_dma " /tmp/dma.alloc ||
		kmg_fail "dmam_alloc_coherent: not managed"
	[ "$(grep -c 'module=kmg_dma ' /tmp/dma.alloc)" = "$(kmg_lines kmg_dma.c live | grep -c .)" ] ||
		kmg_fail "objects other than the marked lines'"
	kmg_expect_no_reports
	[ "$(grep -c 'module=kmg_dma ' $KMG_DBG/allocations)" = 0 ] || kmg_fail "records left after unload"
	[ "$(kmg_stat 'stale records replaced')" = 0 ] || kmg_fail "stale records"
}

# Loaded and unloaded again and again: freed DMA memory the quarantine held
# goes back when the module goes (no device reference outlives it), and
# the kernel's own allocations of the same memory are never blamed.
test_reload_silent() {
	for i in 1 2 3; do
		kmg_insmod kmg_dma
		rmmod kmg_dma
	done
	kmg_expect_no_reports
}

test_leak_names_device() {
	kmg_insmod kmg_dma_bug bug=leak
	kmg_rmmod_leaky kmg_dma_bug
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_dma_bug$' || kmg_fail "no leak report"
	l=$(kmg_lines kmg_dma_bug.c leak)
	echo "$d" | grep -qE "^leaked from .*kmg_dma_bug.c:$l in kmg_dma_bug_run\(\): 1 object, 4096 bytes" ||
		kmg_fail "leak at kmg_dma_bug.c:$l not reported"
	echo "$d" | grep -q " size=4096 dma order=0 module=kmg_dma_bug dev=kmg_dma_bug.1 site=kmg_dma_bug.c:$l " ||
		kmg_fail "the leaked object's device not named"
}

test_double_free_held() {
	kmg_expect_bug double-free kmg_dma_bug double-free bug=double
	grep -q '^first freed at kmg_dma_bug.c:' /tmp/kmg-last-report || kmg_fail "first free not shown"
}

# 1 MiB is more than the quarantine holds: the second free is known by the
# first one's tombstone while the memory is still free.
test_double_free_not_held() {
	kmg_expect_bug double-free kmg_dma_bug double-free-big bug=double_big
	grep -q '^first freed at kmg_dma_bug.c:' /tmp/kmg-last-report || kmg_fail "first free not shown"
}

test_mismatched_arguments() {
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-size bug=size
	grep -q 'dma_free_attrs() at kmg_dma_bug.c:[0-9]* with another size 4096 (allocated 8192); freed as allocated' /tmp/kmg-last-report ||
		kmg_fail "size: not named or not repaired"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-handle bug=handle
	grep -q 'with another handle 0x[0-9a-f]* (allocated 0x[0-9a-f]*); freed as allocated' /tmp/kmg-last-report ||
		kmg_fail "handle: not named"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-device bug=device
	grep -q 'with another device kmg_dma_bug.2 (allocated on kmg_dma_bug.1); freed as allocated' /tmp/kmg-last-report ||
		kmg_fail "device: not named"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-dmam_size bug=dmam_size
	grep -q 'dmam_free_coherent() at kmg_dma_bug.c:[0-9]* with another size 4096 (allocated 8192)' /tmp/kmg-last-report ||
		kmg_fail "dmam: size not named"
}

test_mismatched_family() {
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_dma bug=kfree
	grep -q 'kfree() of dma memory at kmg_dma_bug.c:[0-9]*; freed with dma_free_attrs() instead' /tmp/kmg-last-report ||
		kmg_fail "kfree: not completed with dma_free_attrs()"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-free_kmalloc bug=free_kmalloc
	grep -q 'dma_free_attrs() of kmalloc memory at kmg_dma_bug.c:[0-9]*; freed with kfree() instead' /tmp/kmg-last-report ||
		kmg_fail "free_kmalloc: not completed with kfree()"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-nc bug=nc
	grep -q 'dma_free_attrs() of dma_noncoherent memory at kmg_dma_bug.c:[0-9]*; freed with dma_free_noncoherent() instead' /tmp/kmg-last-report ||
		kmg_fail "nc: not completed with dma_free_noncoherent()"
}

# A bad free completed where the right free may not run (preemption off;
# on PREEMPT_RT nothing may be allocated there either): the record itself
# takes the memory to the work item, so the report's "freed with ...
# instead" holds and nothing is left allocated (counted as degraded).
test_repair_with_preemption_off() {
	deg=$(kmg_stat 'degraded (untracked: no record memory)')
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_dma_atomic bug=kfree_atomic
	grep -q 'kfree() of dma memory at kmg_dma_bug.c:[0-9]*; freed with dma_free_attrs() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with dma_free_attrs()"
	[ "$(kmg_stat 'degraded (untracked: no record memory)')" = "$deg" ] ||
		kmg_fail "left allocated: degraded $deg -> $(kmg_stat 'degraded (untracked: no record memory)')"
}

# Managed memory, the same: taken off the device and freed from the work
# item; on PREEMPT_RT with preemption off (the devres lock sleeps there,
# and nothing may be allocated) left on the device, which frees it at
# unbind (the module's exit): never freed twice, nothing counted degraded.
test_managed_repair_with_preemption_off() {
	deg=$(kmg_stat 'degraded (untracked: no record memory)')
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_dmam_atomic bug=kfree_dmam_atomic
	# On PREEMPT_RT the devres lock sleeps: left on the device, and the
	# report says so (it said "freed with dmam_free_coherent()").
	if [ "$KMG_KERNEL" = rt6.12 ]; then
		m='left to devres (freed at unbind)'
	else
		m='freed with dmam_free_coherent() instead'
	fi
	grep -qF "of dmam memory at kmg_dma_bug.c:$(kmg_lines kmg_dma_bug.c mismatched-free-kfree_dmam_atomic); $m" /tmp/kmg-last-report ||
		kmg_fail "expected \"$m\": $(grep 'kfree() of' /tmp/kmg-last-report)"
	[ "$(kmg_stat 'degraded (untracked: no record memory)')" = "$deg" ] ||
		kmg_fail "left allocated: degraded $deg -> $(kmg_stat 'degraded (untracked: no record memory)')"
}

# A bad free of DMA memory on a device that is not of the plain direct
# mapping (a DMA range map here; a device behind an IOMMU alike) can neither
# be completed from the free's context nor deferred: left allocated, and
# the report says so (it said "freed with dma_free_attrs() instead").
test_unrepaired_dma_free_says_so() {
	deg=$(kmg_stat 'degraded (untracked: no record memory)')
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_dma_mapped bug=kfree_mapped
	grep -q 'kfree() of dma memory at kmg_dma_bug.c:[0-9]*; left allocated (no safe way to free it from here)' /tmp/kmg-last-report ||
		kmg_fail "$(grep 'kfree() of' /tmp/kmg-last-report)"
	[ "$(kmg_stat 'degraded (untracked: no record memory)')" -gt "$deg" ] || kmg_fail "not left allocated"
}

# kfree_rcu() of DMA memory: not freed after the grace period (its device
# may be gone by then), and of managed DMA memory: left to devres. Each
# report says what happened (they said "freed with ... instead").
test_kfree_rcu_of_dma_memory() {
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_rcu_dma bug=kfree_rcu
	grep -q 'kfree_rcu() of dma memory at kmg_dma_bug.c:[0-9]*; left allocated (what it needs may be gone after a grace period)' /tmp/kmg-last-report ||
		kmg_fail "dma: $(grep 'kfree_rcu() of' /tmp/kmg-last-report)"
	kmg_expect_bug mismatched-free kmg_dma_bug mismatched-free-kfree_rcu_dmam bug=kfree_rcu_dmam
	grep -q 'kfree_rcu() of dmam memory at kmg_dma_bug.c:[0-9]*; left to devres (freed at unbind)' /tmp/kmg-last-report ||
		kmg_fail "dmam: $(grep 'kfree_rcu() of' /tmp/kmg-last-report)"
}

# The DMA API forbids dma_free_coherent() with interrupts off (the kernel
# WARNs): reported, and done from a work item, so the kernel does not WARN.
# On PREEMPT_RT nothing may be allocated with interrupts truly off: the
# memory is left allocated (managed memory: to devres, at unbind).
kmg_dma_deferred() {
	if [ "$KMG_KERNEL" = rt6.12 ]; then
		grep -q 'kmemguard: left allocated (no safe way to free it from here)' /tmp/kmg-last-report
	else
		grep -q 'kmemguard: the free is done from a work item' /tmp/kmg-last-report
	fi
}

test_free_with_irqs_off() {
	kmg_expect_bug dma-free-irqs-off kmg_dma_bug dma-free-irqs-off bug=irqsoff
	kmg_dma_deferred || kmg_fail "not deferred (or, RT, not left allocated)"
	grep -q 'WARNING: .*dma_free_attrs' /tmp/kmg-last-report && kmg_fail "the kernel WARNed"
	# Managed: off the device at once, so the unbind that follows (the
	# module's exit) does not free it a second time.
	kmg_expect_bug dma-free-irqs-off kmg_dma_bug dma-free-irqs-off-dmam bug=dmam_irqsoff
	kmg_dma_deferred || kmg_fail "dmam: not deferred (or, RT, not left allocated)"
	grep -q 'WARNING: .*\(dma_free_attrs\|dmam_free_coherent\)' /tmp/kmg-last-report && kmg_fail "dmam: the kernel WARNed"
	return 0
}

test_sleeping_allocation_in_atomic() {
	kmg_expect_bug sleep-in-atomic kmg_dma_bug dma-sleep-in-atomic bug=atomic
	grep -q 'dma_alloc_coherent()' /tmp/kmg-last-report || kmg_fail "call not named"
}

# family=dma fails the DMA allocations of a line (dmam_ and non-coherent
# ones too); the sample's init then fails cleanly.
test_fault_injection() {
	l=$(kmg_lines kmg_dma.c live | sed -n 1p)
	echo "module=kmg_dma site=kmg_dma.c:$l nth=1" > $KMG_DBG/faults
	kmg_insmod kmg_dma || true
	echo clear > $KMG_DBG/faults
	kmg_dmesg | grep -q 'kmg_dma: an allocation failed' || kmg_fail "not failed"
	echo "module=kmg_dma family=dma every=1" > $KMG_DBG/faults
	cat $KMG_DBG/faults > /tmp/dma.faults
	kmg_insmod kmg_dma || true
	cat $KMG_DBG/faults > /tmp/dma.faults
	echo clear > $KMG_DBG/faults
	grep -q 'injected=[1-9]' /tmp/dma.faults || { cat /tmp/dma.faults; kmg_fail "family=dma injected nothing"; }
	grep -q 'kmg_dma' /proc/modules && kmg_fail "kmg_dma loaded though its allocations failed"
	return 0
}
