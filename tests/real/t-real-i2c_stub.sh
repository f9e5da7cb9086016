# kernels: deb6.12 rt6.12
# Real driver, i2c-stub: two chips on an SMBus stub, registers written and read through
# i2c-dev with busybox's i2cset/i2cget/i2cdump.
. /kmg/tests/real-lib.sh

test_i2c_stub() {
	kmg_real_stock i2c_dev
	kmg_real_load i2c_stub chip_addr=0x50,0x51
	bus=
	for b in /sys/bus/i2c/devices/i2c-*; do
		grep -q 'SMBus stub driver' "$b/name" && bus=${b##*/i2c-}
	done
	[ -n "$bus" ] || kmg_fail "no stub bus"
	[ -c /dev/i2c-$bus ] || kmg_fail "no /dev/i2c-$bus"
	for r in 0x10 0x20 0x30; do
		i2cset -y "$bus" 0x50 $r 0xa5 || kmg_fail "i2cset $r"
		[ "$(i2cget -y "$bus" 0x50 $r)" = 0xa5 ] || kmg_fail "i2cget $r"
	done
	i2cset -y "$bus" 0x51 0x00 0x1234 w || kmg_fail "i2cset word"
	[ "$(i2cget -y "$bus" 0x51 0x00 w)" = 0x1234 ] || kmg_fail "i2cget word"
	i2cdump -y "$bus" 0x50 b > /dev/null || kmg_fail "i2cdump"
	[ "$(kmg_real_allocs i2c_stub)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload i2c_stub
}
