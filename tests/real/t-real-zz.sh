# kernels: deb6.12 rt6.12
# Real drivers, last: the filesystem modules (fat, vfat) the block tests
# mounted with, then nothing of ours may be left loaded (a failed test may
# have left its module).
. /kmg/tests/real-lib.sh

test_fat() {
	# (Not built: a run of chosen units, REAL_UNITS, without fat.)
	[ -f "$KMG_REAL/modules/vfat.ko" ] || return 0
	kmg_real_loaded vfat || kmg_real_load vfat
	[ "$(kmg_real_allocs fat)" -gt 0 ] || kmg_fail "fat: nothing tracked"
	kmg_real_unload vfat fat
}

test_nothing_left() {
	left=
	for ko in $KMG_REAL/modules/*.ko; do
		m=$(basename "$ko" .ko | tr - _)
		if kmg_real_loaded "$m"; then
			left="$left $m"
			rmmod "$m"
		fi
	done
	[ -z "$left" ] || kmg_fail "left loaded:$left"
}
