# kernels: deb6.12 rt6.12
# Real driver, device-mapper targets dm-zero, dm-delay (over brd, with a FAT filesystem),
# dm-flakey (I/O while it fails), made with kmg-dm (no dmsetup in busybox).
. /kmg/tests/real-lib.sh

test_dm() {
	kmg_real_load brd rd_nr=1 rd_size=16384
	kmg_real_load dm_zero
	kmg_real_load dm_delay
	kmg_real_load dm_flakey
	z=$(kmg-dm create kmgzero "0 8192 zero") || kmg_fail "dm zero"
	dd if=/dev/$z bs=4k count=1024 2> /dev/null | tr -d '\000' | wc -c > /tmp/nz
	[ "$(cat /tmp/nz)" = 0 ] || kmg_fail "dm-zero gave non-zero bytes"
	kmg-dm remove kmgzero
	d=$(kmg-dm create kmgdelay "0 32768 delay /dev/ram0 0 5") || kmg_fail "dm delay"
	kmg_real_dd /dev/$d
	kmg_real_fs /dev/$d
	kmg-dm remove kmgdelay
	f=$(kmg-dm create kmgflakey "0 32768 flakey /dev/ram0 0 2 1") || kmg_fail "dm flakey"
	i=0
	while [ $i -lt 6 ]; do
		dd if=/dev/$f of=/dev/null bs=4k count=64 iflag=direct 2> /dev/null || true
		dd if=/dev/zero of=/dev/$f bs=4k count=64 oflag=direct 2> /dev/null || true
		sleep 1
		i=$((i + 1))
	done
	kmg-dm remove kmgflakey
	for m in dm_zero dm_delay dm_flakey; do
		[ "$(kmg_real_allocs $m)" -gt 0 ] || [ $m = dm_zero ] || kmg_fail "$m: nothing tracked"
	done
	kmg_real_unload dm_zero dm_delay dm_flakey brd
}
