# Leak report at unload: one report, one group per leaking line, exact counts.

test_one_report_per_leaking_line() {
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	d=$(kmg_dmesg)
	n=$(echo "$d" | grep -c 'BUG: kmemguard: memory-leak in kmg_leak$' || true)
	[ "$n" = 1 ] || kmg_fail "expected 1 memory-leak report, got $n"
	want=0
	for l in $(kmg_lines kmg_leak.c leak); do
		want=$((want + 1))
		echo "$d" | grep -q "^leaked from .*kmg_leak.c:$l in kmg_leak_init(): 1 object, " ||
			kmg_fail "leak at kmg_leak.c:$l not reported"
	done
	got=$(echo "$d" | grep -c '^leaked from ' || true)
	[ "$got" = "$want" ] || kmg_fail "expected $want leak sites, report has $got"
	echo "$d" | grep -q "module kmg_leak unloaded with $want objects (" ||
		kmg_fail "wrong object count in summary"
}

test_report_has_stack_and_details() {
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	d=$(kmg_dmesg)
	l=$(kmg_lines kmg_leak.c leak | head -1)
	echo "$d" | grep -q "size=64 kmalloc order=0 module=kmg_leak site=.*kmg_leak.c:$l func=kmg_leak_init gfp=GFP_KERNEL ctx=task pid=[1-9]" ||
		kmg_fail "object line of kmg_leak.c:$l missing or wrong"
	# kmg_leak_init() is __init: freed by now, so its frame has no name.
	echo "$d" | grep -q '^  do_one_initcall+0x' || kmg_fail "no allocation stack"
	echo "$d" | grep -q '^  kmemguard_' && kmg_fail "stack starts inside kmemguard"
	echo "$d" | grep -q 'size=16384 pages order=2 ' || kmg_fail "page order not reported"
	# Pointers are hashed unless asked otherwise.
	echo "$d" | grep -qE '^ffff[0-9a-f]{12} size=' && kmg_fail "raw pointer printed"
	echo "$d" | grep -qE '^[0-9a-f]{16} size=64 kmalloc ' || kmg_fail "no hashed pointer"
}

test_raw_pointers_on_request() {
	kmg_insmod kmg_smoke
	echo raw_pointers=1 > $KMG_DBG/control
	raw=$(grep -c '^ffff[0-9a-f]* size=100 kmalloc order=0 module=kmg_smoke ' $KMG_DBG/allocations || true)
	echo raw_pointers=0 > $KMG_DBG/control
	hashed=$(grep -c '^ffff[0-9a-f]* size=100 kmalloc order=0 module=kmg_smoke ' $KMG_DBG/allocations || true)
	rmmod kmg_smoke
	[ "$raw" = 1 ] && [ "$hashed" = 0 ] || kmg_fail "raw=$raw hashed=$hashed"
}

test_records_dropped_after_report() {
	live=$(kmg_stat 'live objects')
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	[ "$(kmg_stat 'live objects')" = "$live" ] || kmg_fail "live records left after the report"
	if grep -q 'module=kmg_leak ' $KMG_DBG/allocations; then
		kmg_fail "kmg_leak records still listed"
	fi
}
