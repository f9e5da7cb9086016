# kernels: deb6.12 rt6.12
# Real driver, zram: a compressed RAM disk: I/O, a FAT filesystem, then swap on it.
. /kmg/tests/real-lib.sh

test_zram() {
	kmg_real_load zram num_devices=1
	echo 64M > /sys/block/zram0/disksize
	kmg_real_dd /dev/zram0
	kmg_real_fs /dev/zram0
	echo 1 > /sys/block/zram0/reset
	echo 32M > /sys/block/zram0/disksize
	mkswap /dev/zram0 > /dev/null && swapon /dev/zram0 || kmg_fail "swap on zram0"
	swapoff /dev/zram0
	echo 1 > /sys/block/zram0/reset
	[ "$(kmg_real_allocs zram)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload zram
}
