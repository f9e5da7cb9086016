# kernels: deb6.12 rt6.12
# Real driver, null_blk: I/O through /dev/nullb0 (memory-backed), a FAT filesystem on it, a second device made through configfs.
. /kmg/tests/real-lib.sh

test_null_blk() {
	kmg_real_load null_blk nr_devices=1 queue_mode=2 memory_backed=1 gb=1
	[ -b /dev/nullb0 ] || kmg_fail "no /dev/nullb0"
	kmg_real_dd /dev/nullb0
	kmg_real_fs /dev/nullb0
	# A second device through configfs, as nullb's documentation does it.
	mkdir -p /sys/kernel/config
	mount -t configfs none /sys/kernel/config 2> /dev/null || true
	mkdir /sys/kernel/config/nullb/kmg
	echo 64 > /sys/kernel/config/nullb/kmg/size
	echo 1 > /sys/kernel/config/nullb/kmg/memory_backed
	echo 1 > /sys/kernel/config/nullb/kmg/power
	[ -b /dev/kmg ] || kmg_fail "no /dev/kmg from configfs"
	kmg_real_dd /dev/kmg
	echo 0 > /sys/kernel/config/nullb/kmg/power
	rmdir /sys/kernel/config/nullb/kmg
	[ "$(kmg_real_allocs null_blk)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload null_blk
}
