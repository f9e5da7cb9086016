# A driver opted in through wrapper/kmemguard.mk alone is tracked.

test_tracked_without_source_change() {
	l=$(kmg_lines kmg_mk.c leak)
	kmg_insmod kmg_mk
	kmg_rmmod_leaky kmg_mk
	d=$(kmg_dmesg)
	echo "$d" | grep -q 'BUG: kmemguard: memory-leak in kmg_mk$' || kmg_fail "no leak report"
	echo "$d" | grep -q "^leaked from .*kmg_mk.c:$l in kmg_mk_init(): 1 object, 24 bytes" ||
		kmg_fail "leak at kmg_mk.c:$l not reported"
	[ "$(echo "$d" | grep -c '^leaked from ')" = 1 ] || kmg_fail "more than the one leak reported"
}
