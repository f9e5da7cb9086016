# kernels: deb6.12 rt6.12
# Real driver, scsi_debug: a SCSI disk (sd): I/O, a FAT filesystem, hosts added and removed;
# its MODE SENSE handler frees through __free(kfree).
. /kmg/tests/real-lib.sh

test_scsi_debug() {
	kmg_real_stock sd_mod
	# The disk's mode pages are read at attach: resp_mode_sense() frees its
	# buffer through __free(kfree).
	kmg_real_load scsi_debug dev_size_mb=32 num_tgts=1 max_luns=1
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
	[ -b /dev/sda ] || kmg_fail "no /dev/sda"
	kmg_real_dd /dev/sda
	kmg_real_fs /dev/sda
	# The __free(kfree) went through kmemguard: its allocation site has
	# nothing live, and its free has a site of its own (no source line).
	l=$(awk '$7 == "scsi_debug" && $9 == "resp_mode_sense" && $8 ~ /scsi_debug\.c:/' $KMG_DBG/sites)
	[ -n "$l" ] || kmg_fail "resp_mode_sense's kzalloc() not tracked"
	echo "$l" | awk '$1 != 0 || $4 == 0 { exit 1 }' || kmg_fail "resp_mode_sense: $l"
	grep -q ' scsi_debug resp_mode_sense+0x[0-9a-f]*/0x[0-9a-f]*:0 resp_mode_sense$' $KMG_DBG/sites ||
		kmg_fail "no __free(kfree) site in resp_mode_sense"
	# Both lines in the console log, as the README shows them.
	grep ' scsi_debug .*resp_mode_sense$' $KMG_DBG/sites | while IFS= read -r l; do
		kmg_log "KMG-REAL-SITE $l"
	done
	# A second host, then both gone, through the driver's sysfs knobs.
	echo 1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
	sleep 1
	echo -1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
	[ "$(kmg_real_allocs scsi_debug)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload scsi_debug
}
