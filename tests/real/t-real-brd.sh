# kernels: deb6.12 rt6.12
# Real driver, brd: I/O through a RAM disk, discard, a FAT filesystem on it.
. /kmg/tests/real-lib.sh

test_brd() {
	kmg_real_load brd rd_nr=1 rd_size=16384
	kmg_real_dd /dev/ram0
	blkdiscard /dev/ram0 || kmg_fail "blkdiscard"
	kmg_real_fs /dev/ram0
	[ "$(kmg_real_allocs brd)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload brd
}
