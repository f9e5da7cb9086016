# kernels: deb6.12 rt6.12
# Real driver, veth: a pair across two network namespaces, pinged both ways.
. /kmg/tests/real-lib.sh

test_veth() {
	kmg_real_load veth
	ls /sys/class/net > /tmp/net.before
	ip link add kmgv0 type veth peer name kmgv1 || kmg_fail "ip link add type veth"
	# busybox's ip may not pass the peer's name on: find the peer, name it.
	if [ ! -e /sys/class/net/kmgv1 ]; then
		peer=$(ls /sys/class/net | grep -vxF -f /tmp/net.before | grep -vx kmgv0)
		[ -n "$peer" ] || kmg_fail "no veth peer"
		ip link set "$peer" name kmgv1
	fi
	# The peer in a network namespace of its own, so that traffic between
	# the two addresses crosses the pair instead of the loopback.
	unshare -n sleep 120 &
	ns=$!
	sleep 1
	ip link set kmgv1 netns "$ns" || kmg_fail "ip link set netns"
	nsenter -t "$ns" -n ip link set lo up
	nsenter -t "$ns" -n ip addr add 10.92.0.2/24 dev kmgv1
	nsenter -t "$ns" -n ip link set kmgv1 up
	ip addr add 10.92.0.1/24 dev kmgv0
	ip link set kmgv0 up
	sleep 1
	ping -c 5 -W 2 10.92.0.2 > /tmp/ping.out 2>&1 || { cat /tmp/ping.out; kmg_fail "no ping reply over the veth pair"; }
	nsenter -t "$ns" -n ping -c 3 -s 1400 -W 2 10.92.0.1 > /dev/null || kmg_fail "no ping reply the other way"
	[ "$(cat /sys/class/net/kmgv0/statistics/rx_packets)" -ge 8 ] || kmg_fail "too little traffic into kmgv0"
	ip link del kmgv0
	kill "$ns"
	wait "$ns" 2> /dev/null || true
	[ "$(kmg_real_allocs veth)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload veth
}
