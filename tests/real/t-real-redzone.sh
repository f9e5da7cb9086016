# kernels: deb6.12
# Real drivers with redzones and guarded objects: the allocating drivers'
# own tests (t-real-UNIT.sh, those this guest has) run again with
# redzone=all and every one of their modules guarded, while a loop asks
# for an on-demand check of every live object each second. A report here
# is a false one (these drivers pass KASAN), so each driver's own checks
# (no report, no stale record, no kernel warning) must still hold; and the
# rules must have applied: objects got redzones and guard pages, and the
# checks saw live objects of theirs.
. /kmg/tests/real-lib.sh

# The units whose exercise allocates (dummy, veth, i2c_stub and dm make a
# handful of allocations or none; brd runs under dm too), and the modules
# to guard: at most 15 beside redzone=all (16 rules in all).
KMG_RZ_UNITS="null_blk scsi_debug brd loop zram e1000 ehci vivid"
KMG_RZ_GUARD="null_blk,scsi_debug,brd,loop,zram,e1000,ehci_hcd,vivid,fat,vfat"

# In the background: "check" each second until /tmp/rz-checking goes or
# the test's shell ($1) is gone (a failed check ends the test at once); the
# objects each check saw go to /tmp/rz-check.n.
kmg_rz_checker() {
	while [ -e /tmp/rz-checking ] && kill -0 "$1" 2> /dev/null; do
		echo check > $KMG_DBG/control || echo "check failed" >> /tmp/rz-check.err
		kmg_stat 'last check objects' >> /tmp/rz-check.n
		sleep 1
	done
}

test_real_drivers_redzone_guard() {
	local u ran= rz0 g0 ng0 c0 n
	echo redzone=all > $KMG_DBG/control
	echo "guard=$KMG_RZ_GUARD" > $KMG_DBG/control
	grep -q "^guard=$KMG_RZ_GUARD\$" $KMG_DBG/control || kmg_fail "guard rules not taken"
	rz0=$(kmg_stat 'objects with redzones')
	g0=$(kmg_stat 'guarded objects')
	ng0=$(kmg_stat 'guarded allocations not guarded (pool full, too big)')
	c0=$(kmg_stat 'redzone and poison checks')
	: > /tmp/rz-checking
	: > /tmp/rz-check.n
	: > /tmp/rz-check.err
	kmg_rz_checker $$ &
	for u in $KMG_RZ_UNITS; do
		[ -f /kmg/tests/t-real-$u.sh ] || continue
		. /kmg/tests/t-real-$u.sh
		"test_$u"
		ran="$ran $u"
	done
	rm /tmp/rz-checking
	wait
	echo redzone=none > $KMG_DBG/control
	[ -n "$ran" ] || kmg_fail "no driver of this guest to run"
	[ ! -s /tmp/rz-check.err ] || kmg_fail "on-demand checks failed"
	n=$(sort -n /tmp/rz-check.n | tail -n 1)
	kmg_log "KMG-OUT real-redzone: ran$ran; objects with redzones $(($(kmg_stat 'objects with redzones') - rz0)), guarded $(($(kmg_stat 'guarded objects') - g0)), not guarded (pool full, too big) $(($(kmg_stat 'guarded allocations not guarded (pool full, too big)') - ng0)), redzone and poison checks $(($(kmg_stat 'redzone and poison checks') - c0)), at most ${n:-0} live objects in one on-demand check"
	[ "$(kmg_stat 'objects with redzones')" -gt "$rz0" ] || kmg_fail "no object got redzones"
	[ "$(kmg_stat 'guarded objects')" -gt "$g0" ] || kmg_fail "no object was guarded"
	[ "$(kmg_stat 'redzone and poison checks')" -gt "$c0" ] || kmg_fail "nothing was checked"
	[ "${n:-0}" -gt 0 ] || kmg_fail "no on-demand check saw a live object"
	[ "$(kmg_count_reports)" = 0 ] || kmg_fail "reports (above)"
}
