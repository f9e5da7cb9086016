# kernels: deb6.12 rt6.12
# Real drivers with redzones and guarded objects: the allocating drivers'
# own tests (t-real-UNIT.sh, those this guest has; they ran before this
# file, whose name sorts after theirs) run again with redzone=all and every
# one of their modules guarded, while a loop asks for an on-demand check of
# every object with redzones each second. These are the kernel's own
# drivers exercised normally: a report here is a false one until shown to
# be the driver's bug, so each driver's own checks (no report, no
# stale record, no kernel warning) must still hold; and the rules must have
# applied: each driver's run gave objects redzones, objects were guarded
# and checked, and the on-demand checks found objects to check.
. /kmg/tests/real-lib.sh

# The units whose exercise allocates (dummy, veth, i2c_stub and dm make a
# handful of allocations or none; brd runs under dm too), and the modules
# to guard: at most 15 beside redzone=all (16 rules in all). virtio_net
# gets redzones but is not guarded: it puts kmalloc() memory (its control
# commands) in scatterlists, which guarded memory, not in the linear map,
# must not be (README, guarded memory).
KMG_RZ_UNITS="null_blk scsi_debug brd loop zram e1000 ehci vivid wireguard ext4 virtio_net"
KMG_RZ_NOGUARD="virtio_net"
KMG_RZ_GUARD="null_blk,scsi_debug,brd,loop,zram,e1000,ehci_hcd,ehci_pci,vivid,fat,vfat,wireguard,ext4"

# In the background: "check" each second until /tmp/rz-checking goes or
# the test's shell ($1) is gone; how many objects each check saw and how
# many of them were overwritten go to /tmp/rz-check.n. (An overwritten one
# is reported, and the report's WARN ends the guest: panic_on_warn.)
kmg_rz_checker() {
	while [ -e /tmp/rz-checking ] && kill -0 "$1" 2> /dev/null; do
		echo check > $KMG_DBG/control || echo "check failed" >> /tmp/rz-check.err
		echo "$(kmg_stat 'last check objects') $(kmg_stat 'last check corrupted')" >> /tmp/rz-check.n
		sleep 1
	done
}

kmg_rz_objects() { kmg_stat 'objects with redzones'; }

test_real_drivers_redzone_guard() {
	local u ran= units= guarded= rz0 rz g0 ng0 c0 n
	for u in $KMG_RZ_UNITS; do
		[ -f /kmg/tests/t-real-$u.sh ] || continue
		units="$units $u"
		case " $KMG_RZ_NOGUARD " in *" $u "*) ;; *) guarded=1 ;; esac
	done
	# (A run of chosen units, REAL_UNITS, without any of these.)
	[ -n "$units" ] || return 0
	echo redzone=all > $KMG_DBG/control
	echo "guard=$KMG_RZ_GUARD" > $KMG_DBG/control
	grep -q "^guard=$KMG_RZ_GUARD\$" $KMG_DBG/control || kmg_fail "guard rules not taken"
	rz0=$(kmg_rz_objects)
	g0=$(kmg_stat 'guarded objects')
	ng0=$(kmg_stat 'guarded allocations not guarded (pool full, too big)')
	c0=$(kmg_stat 'redzone and poison checks')
	: > /tmp/rz-checking
	: > /tmp/rz-check.n
	: > /tmp/rz-check.err
	trap 'rm -f /tmp/rz-checking' EXIT
	kmg_rz_checker $$ &
	for u in $units; do
		. /kmg/tests/t-real-$u.sh
		rz=$(kmg_rz_objects)
		"test_$u"
		# Its own sites got redzones (e1000, ehci and vivid use no fat).
		[ "$(kmg_rz_objects)" -gt "$rz" ] || kmg_fail "$u: no object got redzones"
		ran="$ran $u"
	done
	rm /tmp/rz-checking
	wait
	echo redzone=none > $KMG_DBG/control
	[ ! -s /tmp/rz-check.err ] || kmg_fail "on-demand checks failed"
	n=$(sort -n /tmp/rz-check.n | tail -n 1 | cut -d' ' -f1)
	kmg_log "KMG-OUT real-redzone: ran$ran; objects with redzones $(($(kmg_rz_objects) - rz0)), guarded $(($(kmg_stat 'guarded objects') - g0)), not guarded (pool full, too big) $(($(kmg_stat 'guarded allocations not guarded (pool full, too big)') - ng0)), redzone and poison checks $(($(kmg_stat 'redzone and poison checks') - c0)), at most ${n:-0} objects in one on-demand check"
	[ -z "$guarded" ] || [ "$(kmg_stat 'guarded objects')" -gt "$g0" ] || kmg_fail "no object was guarded"
	[ "$(kmg_stat 'redzone and poison checks')" -gt "$c0" ] || kmg_fail "nothing was checked"
	[ "${n:-0}" -gt 0 ] || kmg_fail "no on-demand check found an object to check"
	awk '$2 != 0 { bad = 1 } END { exit bad }' /tmp/rz-check.n || kmg_fail "an on-demand check found overwritten objects"
	[ "$(kmg_count_reports)" = 0 ] || kmg_fail "reports (above)"
}
