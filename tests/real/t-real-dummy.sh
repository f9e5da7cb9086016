# kernels: deb6.12 rt6.12
# Real driver, dummy: a link made with ip, addressed, traffic sent through it.
. /kmg/tests/real-lib.sh

test_dummy() {
	kmg_real_load dummy numdummies=0
	ip link add kmgdummy type dummy || kmg_fail "ip link add type dummy"
	ip addr add 10.91.0.1/24 dev kmgdummy
	ip link set kmgdummy up
	ping -c 3 -W 1 10.91.0.2 > /dev/null 2>&1 || true
	[ "$(cat /sys/class/net/kmgdummy/statistics/tx_packets)" -ge 3 ] ||
		kmg_fail "no traffic through kmgdummy"
	ip link del kmgdummy
	kmg_real_unload dummy
}
