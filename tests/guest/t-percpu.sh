# Per-CPU memory (alloc_percpu, alloc_percpu_gfp, __alloc_percpu,
# __alloc_percpu_gfp, free_percpu): tracked at the driver's line as the
# family "percpu" (devm_alloc_percpu: "devm_percpu"); leaks, double frees, frees with the wrong call either
# way and GFP_KERNEL under a spinlock reported at their lines, and repaired.

# Every call's object is tracked at its own line while kmg_percpu holds it,
# and freeing them (directly, through a function pointer, by __free() at
# the end of a scope, under a spinlock) is reported by nobody.
test_clean_use_tracked_and_silent() {
	kmg_insmod kmg_percpu
	if kmg_dmesg | grep 'kmg_percpu: '; then
		rmmod kmg_percpu
		kmg_fail "a per-CPU allocation failed, or its copies are wrong"
	fi
	echo filter=kmg_percpu > $KMG_DBG/control
	cat $KMG_DBG/allocations > /tmp/percpu.alloc
	echo filter= > $KMG_DBG/control
	rmmod kmg_percpu
	for l in $(kmg_lines kmg_percpu.c live); do
		grep -q " percpu order=0 module=kmg_percpu site=kmg_percpu.c:$l " /tmp/percpu.alloc || {
			cat /tmp/percpu.alloc
			kmg_fail "kmg_percpu.c:$l not tracked as percpu memory"
		}
	done
	for l in $(kmg_lines kmg_percpu.c live-devm); do
		grep -q " devm_percpu order=0 module=kmg_percpu site=kmg_percpu.c:$l " /tmp/percpu.alloc ||
			kmg_fail "kmg_percpu.c:$l not tracked as devm_percpu memory"
	done
	[ "$(grep -c 'module=kmg_percpu ' /tmp/percpu.alloc)" = \
	  "$( (kmg_lines kmg_percpu.c live; kmg_lines kmg_percpu.c live-devm) | grep -c .)" ] ||
		kmg_fail "objects other than the marked lines'"
	# The size of one CPU's copy, as asked; the flags as given.
	grep -q "size=256 percpu order=0 module=kmg_percpu .* gfp=GFP_KERNEL " /tmp/percpu.alloc ||
		kmg_fail "__alloc_percpu: not 256 bytes with GFP_KERNEL"
	grep -q "size=8 percpu order=0 module=kmg_percpu .* gfp=GFP_NOWAIT[| ]" /tmp/percpu.alloc || {
		grep 'module=kmg_percpu ' /tmp/percpu.alloc
		kmg_fail "alloc_percpu_gfp(GFP_NOWAIT): not 8 bytes with its flags"
	}
	kmg_expect_no_reports
	[ "$(grep -c 'module=kmg_percpu ' $KMG_DBG/allocations)" = 0 ] || kmg_fail "records left after unload"
}

# Per-CPU pointers kmemguard never saw (allocated while it was disabled):
# freeing them is the driver's right, silently.
test_untracked_free_silent() {
	echo 0 > /sys/module/kmemguard/parameters/enabled
	kmg_insmod kmg_percpu
	echo 1 > /sys/module/kmemguard/parameters/enabled
	rmmod kmg_percpu
	kmg_expect_no_reports
}

test_leaks_at_their_lines() {
	kmg_insmod kmg_percpu_bug bug=leak
	kmg_rmmod_leaky kmg_percpu_bug
	d=$(kmg_dmesg)
	n=$(echo "$d" | grep -c '^BUG: kmemguard: memory-leak in kmg_percpu_bug$' || true)
	[ "$n" = 1 ] || kmg_fail "expected 1 memory-leak report, got $n"
	for l in $(kmg_lines kmg_percpu_bug.c leak); do
		echo "$d" | grep -qE "^leaked from .*kmg_percpu_bug.c:$l in kmg_percpu_bug_init\(\): 1 object, " ||
			kmg_fail "leak at kmg_percpu_bug.c:$l not reported"
	done
	got=$(echo "$d" | grep -c '^leaked from ' || true)
	[ "$got" = 2 ] || kmg_fail "expected 2 leak sites, report has $got"
	echo "$d" > /tmp/kmg-last-report
}

test_double_free() {
	kmg_expect_bug double-free kmg_percpu_bug double-free-percpu bug=double
	grep -q '^free_percpu() of .* at kmg_percpu_bug.c:[0-9]*: freed before; refused' /tmp/kmg-last-report ||
		kmg_fail "not refused"
	grep -q '^first freed at kmg_percpu_bug.c:' /tmp/kmg-last-report ||
		kmg_fail "first free not shown"
}

test_mismatched_free_either_way() {
	kmg_expect_bug mismatched-free kmg_percpu_bug mismatched-free-kfree_percpu bug=kfree_percpu
	grep -q 'kfree() of percpu memory at kmg_percpu_bug.c:[0-9]*; freed with free_percpu() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with free_percpu()"
	kmg_expect_bug mismatched-free kmg_percpu_bug mismatched-free-percpu_kmalloc bug=free_percpu_kmalloc
	grep -q 'free_percpu() of kmalloc memory at kmg_percpu_bug.c:[0-9]*; freed with kfree() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with kfree()"
	kmg_expect_bug mismatched-free kmg_percpu_bug mismatched-free-percpu_devm bug=free_percpu_devm
	grep -q 'free_percpu() of devm_percpu memory at kmg_percpu_bug.c:[0-9]*; freed with devm_free_percpu() instead' /tmp/kmg-last-report ||
		kmg_fail "not completed with devm_free_percpu()"
}

test_invalid_free_refused() {
	kmg_expect_bug invalid-free kmg_percpu_bug invalid-free-percpu bug=free_percpu_stack
	grep -q 'not per-CPU memory (a stack address); refused' /tmp/kmg-last-report ||
		kmg_fail "not refused as a stack address"
}

test_sleep_in_atomic_repaired() {
	# The kernel's checker reports at most once a second.
	kmg_is_debug && sleep 1.1
	kmg_expect_bug sleep-in-atomic kmg_percpu_bug sleep-in-atomic-percpu bug=atomic
	grep -q 'alloc_percpu() with gfp=GFP_KERNEL at' /tmp/kmg-last-report ||
		kmg_fail "call or GFP flags not named"
	grep -q 'kmemguard: run without its blocking flags, as gfp=' /tmp/kmg-last-report ||
		kmg_fail "not repaired"
	if grep -q 'sleeping function called from invalid context' /tmp/kmg-last-report; then
		kmg_fail "the kernel's own checker still saw a sleeping call"
	fi
	# devm_alloc_percpu() always sleeps: refused (NULL), as vmalloc().
	kmg_is_debug && sleep 1.1
	kmg_expect_bug sleep-in-atomic kmg_percpu_bug sleep-in-atomic-percpu_devm bug=devm_atomic
	grep -q 'devm_alloc_percpu() with gfp=GFP_KERNEL at' /tmp/kmg-last-report ||
		kmg_fail "devm: call or GFP flags not named"
	grep -q 'kmemguard: refused: NULL returned' /tmp/kmg-last-report ||
		kmg_fail "devm: not refused"
	if grep -q 'sleeping function called from invalid context' /tmp/kmg-last-report; then
		kmg_fail "devm: the kernel's own checker saw a sleeping call"
	fi
	return 0
}

# family=percpu fails every per-CPU call of kmg_percpu, and nothing else.
test_fault_rule_family_percpu() {
	echo clear > $KMG_DBG/faults
	echo 'module=kmg_percpu family=percpu every=1' > $KMG_DBG/faults
	grep -q 'family=percpu' $KMG_DBG/faults || kmg_fail "rule not listed with family=percpu"
	kmg_insmod kmg_percpu
	cat $KMG_DBG/faults > /tmp/percpu.faults
	rmmod kmg_percpu
	echo clear > $KMG_DBG/faults
	d=$(kmg_dmesg)
	for c in alloc_percpu alloc_percpu_gfp __alloc_percpu __alloc_percpu_gfp devm_alloc_percpu; do
		echo "$d" | grep -q "kmg_percpu: $c failed\$" || kmg_fail "$c did not fail"
	done
	grep -q ' injected=8 ' /tmp/percpu.faults || { cat /tmp/percpu.faults; kmg_fail "not 8 failures injected"; }
	kmg_expect_no_reports
}

# Memory allocation profiling (the debug kernel): each per-CPU call's tag
# is the driver's line (alloc_hooks() stays at the call), never kmemguard's.
# (The counts may be 0: the allocator charges nothing from its first chunk,
# which serves a small guest's allocations.)
test_allocinfo_blames_driver_lines() {
	kmg_is_debug || return 0
	kmg_insmod kmg_percpu
	cp /proc/allocinfo /tmp/percpu.allocinfo
	rmmod kmg_percpu
	for l in $(kmg_lines kmg_percpu.c live); do
		grep -qE "^ *[0-9]+ +[0-9]+ .*kmg_percpu.c:$l \[kmg_percpu\] func:" /tmp/percpu.allocinfo ||
			{ grep kmg_percpu /tmp/percpu.allocinfo; kmg_fail "kmg_percpu.c:$l has no tag in /proc/allocinfo"; }
	done
	if grep -E "^ *[1-9][0-9]* .*(wrappers|percpu).c:[0-9]+ \[kmemguard\]" /tmp/percpu.allocinfo; then
		kmg_fail "allocations charged to kmemguard's wrappers"
	fi
}
