# kernels: deb6.12 rt6.12
# Real driver, virtio_net: the network card of nearly every virtual machine,
# two of them here on one QEMU hub (ci/qemu-run: a wire between the two
# cards and nothing else), one card in a network namespace of its own so
# that traffic between them crosses the wire: pings of several sizes (one
# fragmented), a 4 MiB HTTP transfer each way (busybox httpd and wget:
# TCP through both cards' receive and transmit queues, refilled from NAPI
# in softirq with GFP_ATOMIC), promiscuous mode and a VLAN (8021q, stock)
# on and off: commands on the card's control queue, whose buffers the
# driver allocates with __free(kfree) (virtnet_rx_mode_work(),
# virtnet_vlan_rx_add_vid(), virtnet_vlan_rx_kill_vid()); down and up;
# the namespace dropped (its card comes back) and the driver unloaded with
# both cards bound. The __free(kfree) sites must be tracked and every
# allocation there freed; then the usual: no report, no stale record, no
# kernel warning.
. /kmg/tests/real-lib.sh

# The interfaces whose driver is virtio_net, in this namespace.
kmg_virtio_ifs() {
	local n
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2> /dev/null)")" = virtio_net ] &&
			basename "$n"
	done
	return 0
}

# Wait (5 s at most) for carrier on interface $1, run with prefix $2.
kmg_virtio_carrier() {
	local i=0
	while [ "$($2 cat /sys/class/net/$1/carrier 2> /dev/null)" != 1 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# A site of virtio_net's, by function: "allocs frees" (0 0 if none).
kmg_virtio_site() {
	awk -v f="$1" '$7 == "virtio_net" && $9 == f { a += $4; r += $5 }
		END { print a + 0, r + 0 }' $KMG_DBG/sites
}

test_virtio_net() {
	kmg_real_load virtio_net
	sleep 1
	# shellcheck disable=SC2046
	set -- $(kmg_virtio_ifs)
	[ $# = 2 ] || kmg_fail "virtio_net interfaces: '$*', two expected (are the cards on the guest's PCI bus?)"
	a=$1
	b=$2
	unshare -n sleep 600 &
	ns=$!
	sleep 1
	in_ns="nsenter -t $ns -n"
	ip link set "$b" netns "$ns" || kmg_fail "ip link set $b netns"
	$in_ns ip link set lo up
	$in_ns ip addr add 10.93.0.2/24 dev "$b"
	$in_ns ip link set "$b" up
	ip addr add 10.93.0.1/24 dev "$a"
	ip link set "$a" up
	kmg_virtio_carrier "$a" ""
	kmg_virtio_carrier "$b" "$in_ns"
	ping -c 5 -W 2 10.93.0.2 > /tmp/ping.out 2>&1 ||
		{ cat /tmp/ping.out; kmg_fail "no ping reply across the wire"; }
	$in_ns ping -c 3 -s 1400 -W 2 10.93.0.1 > /dev/null || kmg_fail "no ping reply the other way"
	ping -c 3 -s 6000 -W 2 10.93.0.2 > /dev/null || kmg_fail "no reply to fragmented pings"

	# TCP, 4 MiB each way.
	mkdir -p /tmp/vnet
	dd if=/dev/urandom of=/tmp/vnet/blob bs=64k count=64 2> /dev/null
	$in_ns httpd -f -p 10.93.0.2:8080 -h /tmp/vnet &
	h1=$!
	httpd -f -p 10.93.0.1:8081 -h /tmp/vnet &
	h2=$!
	sleep 1
	wget -q -O /tmp/blob.in http://10.93.0.2:8080/blob || kmg_fail "wget across the wire"
	cmp /tmp/vnet/blob /tmp/blob.in || kmg_fail "the transfer differs"
	$in_ns wget -q -O /tmp/blob.out http://10.93.0.1:8081/blob || kmg_fail "wget the other way"
	cmp /tmp/vnet/blob /tmp/blob.out || kmg_fail "the transfer the other way differs"
	kill "$h1" "$h2"
	wait "$h1" "$h2" 2> /dev/null || true
	rm -f /tmp/blob.in /tmp/blob.out

	# The control queue: receive modes, then a VLAN (its filter entry).
	ip link set "$a" promisc on
	sleep 0.5
	ip link set "$a" promisc off
	kmg_real_stock 8021q
	vconfig add "$a" 5 > /dev/null || kmg_fail "vconfig add $a 5"
	ip link set "$a.5" up
	sleep 0.5
	vconfig rem "$a.5" > /dev/null || kmg_fail "vconfig rem $a.5"
	sleep 0.5

	# Down and up: the queues stop and start again, the wire still works.
	ip link set "$a" down
	ip link set "$a" up
	kmg_virtio_carrier "$a" ""
	ping -c 3 -W 2 10.93.0.2 > /dev/null || kmg_fail "no ping reply after down and up"
	[ "$(cat /sys/class/net/$a/statistics/rx_packets)" -ge 1000 ] ||
		kmg_fail "too little traffic into $a: $(cat /sys/class/net/$a/statistics/rx_packets) packets"

	# The namespace goes, its card comes back; unload with both bound.
	kill "$ns"
	wait "$ns" 2> /dev/null || true
	i=0
	while [ "$(kmg_virtio_ifs | wc -l)" -lt 2 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(kmg_virtio_ifs | wc -l)" = 2 ] || kmg_fail "the namespace's card did not come back"

	for f in virtnet_rx_mode_work virtnet_vlan_rx_add_vid virtnet_vlan_rx_kill_vid; do
		# shellcheck disable=SC2046
		set -- $(kmg_virtio_site $f)
		[ "$1" -gt 0 ] || kmg_fail "$f: its __free(kfree) allocations are not tracked"
		[ "$1" = "$2" ] || kmg_fail "$f: $1 allocations, $2 frees"
	done
	awk '$7 == "virtio_net" && $9 ~ /^virtnet_(rx_mode_work|vlan_rx_(add|kill)_vid)$/' $KMG_DBG/sites |
		while read -r l; do kmg_log "KMG-OUT real-virtio_net: $l"; done
	kmg_real_unload virtio_net
	rmmod 8021q 2> /dev/null || true
}
