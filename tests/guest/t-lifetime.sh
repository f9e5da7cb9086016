# Lifetimes: kmemguard owns what it keeps and prints. Modules that free
# each other's objects unload in either order; a slow reader of debugfs
# outlives the module whose records it reads; devm memory left on a device
# that outlives its driver; the quarantine at its limits and under memory
# pressure; frees and allocations in NMI context. On the debug kernel
# KASAN, lockdep and PROVE_RCU watch every step (the final log check).

# The device struct and shelf the tracked modules share (not tracked).
kmg_slot_up() { grep -q '^kmg_slot ' /proc/modules || kmg_insmod kmg_slot; }

test_free_only_module_unloads_first() {
	kmg_slot_up
	kmg_insmod kmg_pair_a n=2
	kmg_dmesg_reset
	# b only frees: the first object once, then again (refused).
	kmg_expect_warn kmg_insmod kmg_pair_b count=1 twice=1
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: double-free in kmg_pair_b_init \[kmg_pair_b\]$' ||
		kmg_fail "no double-free report"
	l=$(kmg_lines kmg_pair_a.c pair-alloc)
	echo "$d" | grep -q "^allocated by kmalloc at kmg_pair_a.c:$l in kmg_pair_a_init()" ||
		kmg_fail "allocation site in kmg_pair_a not named"
	l=$(kmg_lines kmg_pair_b.c pair-free)
	echo "$d" | grep -q "^first freed at kmg_pair_b.c:$l in kmg_pair_b_init():" ||
		kmg_fail "first free in kmg_pair_b not named"
	# The module whose only tracked calls were frees is tracked: its
	# quarantined records go with it. Then anything tracked unloads.
	rmmod kmg_pair_b
	kmg_insmod kmg_clean
	rmmod kmg_clean
	kmg_dmesg_reset
	kmg_rmmod_leaky kmg_pair_a
	d=$(kmg_dmesg)
	l=$(kmg_lines kmg_pair_a.c pair-alloc)
	echo "$d" | grep -q "^leaked from kmg_pair_a.c:$l in kmg_pair_a_init(): 1 object, 33 bytes$" ||
		kmg_fail "the object b did not free is not a's leak"
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "more than the leak reported"
	rmmod kmg_slot
	[ "$(kmg_stat 'live objects')" = 0 ]
}

test_allocating_module_unloads_first() {
	kmg_slot_up
	kmg_insmod kmg_pair_a n=3
	kmg_insmod kmg_pair_b count=2
	kmg_dmesg_reset
	kmg_rmmod_leaky kmg_pair_a
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^module kmg_pair_a unloaded with 1 object (34 bytes) not freed' ||
		kmg_fail "a's leak not reported right"
	# Records whose allocation site went with a are gone from the
	# quarantine; b's free sites are still b's.
	kmg_insmod kmg_clean
	rmmod kmg_clean
	rmmod kmg_pair_b
	rmmod kmg_slot
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "unexpected reports"
	grep -c 'kmg_pair_[ab]' $KMG_DBG/sites && kmg_fail "sites of unloaded modules listed"
	return 0
}

# Read a debugfs file in small pieces through one open file, unloading
# the module its lines are about in between: the listing is longer than
# one seq_file buffer, so later read()s find their place again after the
# unload. The reader never sees freed memory (KASAN would say so on the
# debug kernel); it just sees the module's objects gone.
test_slow_reader_outlives_module() {
	kmg_insmod kmg_bench leak_on_exit=1
	echo "fill tracked 300" > /sys/kernel/debug/kmg_bench/run
	echo filter=kmg_bench > $KMG_DBG/control
	exec 3< $KMG_DBG/allocations
	echo filter= > $KMG_DBG/control
	dd bs=400 count=1 <&3 > /tmp/first 2>/dev/null
	sleep 0.2
	kmg_rmmod_leaky kmg_bench
	sleep 0.2
	dd bs=400 count=1000 <&3 > /tmp/rest 2>/dev/null
	exec 3<&-
	grep -q 'module=kmg_bench' /tmp/first || kmg_fail "read nothing of kmg_bench"
	n=$(cat /tmp/first /tmp/rest | grep -c 'module=kmg_bench')
	[ "$n" -lt 300 ] || kmg_fail "all $n objects listed after their module unloaded"
	# lookup: addresses written, part of the answer read, the module gone.
	kmg_insmod kmg_leak
	echo raw_pointers=1 > $KMG_DBG/control
	grep 'module=kmg_leak ' $KMG_DBG/allocations | cut -d' ' -f1 > /tmp/addrs
	echo raw_pointers=0 > $KMG_DBG/control
	exec 4<> $KMG_DBG/lookup
	while read -r a; do echo "$a" >&4; done < /tmp/addrs
	dd bs=80 count=1 <&4 > /tmp/first 2>/dev/null
	kmg_rmmod_leaky kmg_leak
	dd bs=80 count=100 <&4 > /tmp/rest 2>/dev/null
	exec 4<&-
	[ -s /tmp/first ] || kmg_fail "lookup read nothing"
	return 0
}

test_devm_on_a_device_that_outlives_the_driver() {
	kmg_slot_up
	refs=$(cat /sys/module/kmemguard/refcnt)
	kmg_insmod kmg_orphan
	kmg_dmesg_reset
	kmg_rmmod_leaky kmg_orphan
	d=$(kmg_dmesg)
	l=$(kmg_lines kmg_orphan.c orphan-devm)
	echo "$d" | grep -q "^leaked from kmg_orphan.c:$l in kmg_orphan_init(): 1 object, 48 bytes$" ||
		kmg_fail "devm memory left on kmg_slot's device not reported"
	# kmemguard's devres entry is still on that device: kmemguard stays.
	[ "$(cat /sys/module/kmemguard/refcnt)" = $((refs + 1)) ] ||
		kmg_fail "kmemguard not pinned by the orphaned entry"
	# The device goes: the entry runs (kmemguard still there), the pin goes.
	rmmod kmg_slot
	i=0
	while [ "$(cat /sys/module/kmemguard/refcnt)" != "$refs" ] && [ $i -lt 20 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	[ "$(cat /sys/module/kmemguard/refcnt)" = "$refs" ] ||
		kmg_fail "pin not dropped after the device went"
	[ "$(kmg_stat 'live objects')" = 0 ]
}

# Pages and kmalloc objects freed at load are held by the quarantine (not
# kmalloc under KASAN, which holds them itself).
kmg_held() { kmg_stat 'held bytes'; }

test_held_memory_given_back() {
	q=/sys/module/kmemguard/parameters/quarantine
	# (While kmg_churn is loaded: its unload takes its records, and their
	# memory, out of the quarantine.)
	kmg_insmod kmg_churn pages=64
	[ "$(kmg_held)" -gt 0 ] || kmg_fail "nothing held after 64 frees"
	# Memory pressure: the shrinker gives everything back.
	echo 2 > /proc/sys/vm/drop_caches
	[ "$(kmg_held)" = 0 ] || kmg_fail "$(kmg_held) bytes still held after drop_caches"
	rmmod kmg_churn
	kmg_insmod kmg_churn pages=64
	[ "$(kmg_held)" -gt 0 ] || kmg_fail "nothing held the second time"
	# The parameter down to 0 at run time: everything back at once.
	echo 0 > $q
	[ "$(kmg_held)" = 0 ] || kmg_fail "$(kmg_held) bytes still held at quarantine=0"
	rmmod kmg_churn
	kmg_insmod kmg_churn pages=16
	[ "$(kmg_held)" = 0 ] || kmg_fail "held at quarantine=0"
	rmmod kmg_churn
	echo 256 > $q
	# An idle CPU does not hold memory forever: drained after ~5 s.
	kmg_insmod kmg_churn pages=16
	[ "$(kmg_held)" -gt 0 ] || kmg_fail "nothing held the third time"
	# (5 to 10 s: the drain's work runs every 5 s; up to 30 s for a guest
	# that shares its host's cores with another one)
	i=0
	while [ "$(kmg_held)" != 0 ] && [ $i -lt 30 ]; do
		sleep 1
		i=$((i + 1))
	done
	[ "$(kmg_held)" = 0 ] || kmg_fail "$(kmg_held) bytes still held after $i idle seconds"
	rmmod kmg_churn
	kmg_expect_no_reports
}

# The quarantine at its largest and at 0, changed in both directions while
# every CPU frees (kmg_stress), then module unloads.
test_quarantine_limits_under_load() {
	q=/sys/module/kmemguard/parameters/quarantine
	l0=$(kmg_stat 'live objects')
	kmg_insmod kmg_stress seconds=6 seed=3
	end=$(($(cut -d. -f1 /proc/uptime) + 6))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		for v in 1024 0 1024 7 1 256; do
			echo $v > $q
			sleep 0.2
		done
	done
	rmmod kmg_stress
	echo 256 > $q
	kmg_insmod kmg_clean
	rmmod kmg_clean
	kmg_expect_no_reports
	[ "$(kmg_stat 'live objects')" = "$l0" ] || kmg_fail "live objects $l0 before, $(kmg_stat 'live objects') after"
	echo 0 > $q
	[ "$(kmg_held)" = 0 ] || kmg_fail "held memory not given back"
	echo 256 > $q
}

test_nmi_alloc_and_free() {
	def=$(kmg_stat 'frees deferred from NMI')
	live=$(kmg_stat 'live objects')
	kmg_dmesg_reset
	kmg_expect_warn kmg_insmod kmg_nmi || kmg_fail "kmg_nmi did not load"
	rmmod kmg_nmi
	d=$(kmg_dmesg)
	echo "$d" | grep -q 'kmg_nmi: the NMI handler ran; its allocation returned NULL' ||
		kmg_fail "the allocation in NMI was not refused"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: nmi-unsafe in kmg_nmi_handler \[kmg_nmi\]$')" = 2 ] ||
		kmg_fail "not two nmi-unsafe reports"
	l=$(kmg_lines kmg_nmi.c nmi-alloc)
	echo "$d" | grep -q "^kmalloc() with gfp=GFP_ATOMIC at kmg_nmi.c:$l in NMI context:" ||
		kmg_fail "allocation line not named"
	l=$(kmg_lines kmg_nmi.c nmi-free)
	echo "$d" | grep -q "^kfree() of .* at kmg_nmi.c:$l in NMI context:" ||
		kmg_fail "free line not named"
	echo "$d" | grep -q 'kmemguard: deferred to an irq_work' || kmg_fail "free not deferred"
	[ "$(kmg_stat 'frees deferred from NMI')" = $((def + 1)) ] || kmg_fail "deferred free not counted"
	[ "$(kmg_stat 'live objects')" = "$live" ] || kmg_fail "the deferred free did not happen"
}
