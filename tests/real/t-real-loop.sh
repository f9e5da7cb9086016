# kernels: deb6.12 rt6.12
# Real driver, loop: a file on tmpfs as a block device: I/O, a FAT filesystem on it.
. /kmg/tests/real-lib.sh

test_loop() {
	kmg_real_load loop max_loop=2
	truncate -s 32M /tmp/loop.img
	losetup /dev/loop0 /tmp/loop.img || kmg_fail "losetup"
	kmg_real_dd /dev/loop0
	kmg_real_fs /dev/loop0
	losetup -d /dev/loop0
	rm /tmp/loop.img
	[ "$(kmg_real_allocs loop)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload loop
}
