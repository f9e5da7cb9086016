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

# Wait (10 s at most) for carrier on interface $1, its ip run with prefix
# $2 (a namespace's: sysfs shows the namespace it was mounted in).
kmg_virtio_carrier() {
	local i=0
	until $2 ip link show "$1" 2> /dev/null | grep -q LOWER_UP; do
		[ $i -lt 100 ] || return 0
		sleep 0.1
		i=$((i + 1))
	done
}

# virtio_net's allocating sites in function $1: "sites allocs frees", the
# sites that allocated, and the sums of their counts (free-only sites, such
# as a cleanup's, count no allocation).
kmg_virtio_site() {
	awk -v f="$1" '$7 == "virtio_net" && $9 == f && $4 > 0 { n++; a += $4; r += $5 }
		END { print n + 0, a + 0, r + 0 }' $KMG_DBG/sites
}

# What a run that failed half-way left: the namespace's holder, the HTTP
# servers, the driver (whose cards the redzone pass needs back).
kmg_virtio_cleanup() {
	# shellcheck disable=SC2046
	[ ! -f /tmp/vnet.pids ] || kill $(cat /tmp/vnet.pids) 2> /dev/null || true
	rm -rf /tmp/vnet.pids /tmp/vnet /tmp/blob.in /tmp/blob.out
	! kmg_real_loaded virtio_net || rmmod virtio_net 2> /dev/null || true
	sleep 1
}

# wget $2 to $1, a few tries (a slow guest's server may not listen yet).
kmg_virtio_get() {
	local i
	for i in 1 2 3 4 5; do
		$3 wget -q -O "$1" "$2" && return 0
		sleep 1
	done
	return 1
}

test_virtio_net() {
	kmg_virtio_cleanup
	kmg_real_load virtio_net
	sleep 1
	# shellcheck disable=SC2046
	set -- $(kmg_virtio_ifs)
	[ $# = 2 ] || kmg_fail "virtio_net interfaces: '$*', two expected (are the cards on the guest's PCI bus?)"
	a=$1
	b=$2
	unshare -n sleep 600 &
	ns=$!
	echo $ns >> /tmp/vnet.pids
	i=0
	while [ "$(readlink /proc/$ns/ns/net)" = "$(readlink /proc/self/ns/net)" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
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
	echo $h1 $h2 >> /tmp/vnet.pids
	kmg_virtio_get /tmp/blob.in http://10.93.0.2:8080/blob "" || kmg_fail "wget across the wire"
	cmp /tmp/vnet/blob /tmp/blob.in || kmg_fail "the transfer differs"
	kmg_virtio_get /tmp/blob.out http://10.93.0.1:8081/blob "$in_ns" || kmg_fail "wget the other way"
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
	while [ "$(kmg_virtio_ifs | wc -l)" -lt 2 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(kmg_virtio_ifs | wc -l)" = 2 ] || kmg_fail "the namespace's card did not come back"

	# Each function's allocating sites (two in virtnet_rx_mode_work(): its
	# __free(kfree) buffer and its MAC table, freed with kfree(); one in
	# each VLAN function, its __free(kfree) buffer) tracked, and every
	# allocation freed (a late receive-mode work may still be running).
	for f in virtnet_rx_mode_work:2 virtnet_vlan_rx_add_vid:1 virtnet_vlan_rx_kill_vid:1; do
		i=0
		while :; do
			# shellcheck disable=SC2046
			set -- $(kmg_virtio_site ${f%:*})
			if [ "$2" = "$3" ] || [ $i -ge 50 ]; then break; fi
			sleep 0.1
			i=$((i + 1))
		done
		[ "$1" = "${f#*:}" ] || kmg_fail "${f%:*}: $1 allocating sites tracked, ${f#*:} expected"
		[ "$2" = "$3" ] || kmg_fail "${f%:*}: $2 allocations, $3 frees"
	done
	awk '$7 == "virtio_net" && $9 ~ /^virtnet_(rx_mode_work|vlan_rx_(add|kill)_vid)$/' $KMG_DBG/sites |
		while read -r l; do kmg_log "KMG-OUT real-virtio_net: $l"; done
	kmg_real_unload virtio_net
	rmmod 8021q 2> /dev/null || true
	rm -rf /tmp/vnet.pids /tmp/vnet
}
