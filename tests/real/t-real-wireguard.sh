# kernels: deb6.12 rt6.12
# Real driver, wireguard: two interfaces whose UDP sockets meet over the
# loopback, one then moved into a network namespace of its own (its socket
# stays in the namespace it was made in), pinged through the tunnel both
# ways: a handshake, keypairs (kfree_sensitive() from RCU callbacks when
# they go), peers from a cache of the driver's own, allowed-IPs trie nodes,
# the per-CPU crypt workers, timers; all torn down at ip link del. Keys are
# set with kmg-wg (tests/real/tools: busybox has no wg).
. /kmg/tests/real-lib.sh

test_wireguard() {
	local ns p0 p1 s
	kmg_real_load wireguard
	ip link add kmgwg0 type wireguard || kmg_fail "ip link add type wireguard"
	ip link add kmgwg1 type wireguard || kmg_fail "ip link add type wireguard (second)"
	# Any 32 bytes make a private key (the kernel clamps it).
	kmg-wg set kmgwg0 a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0 51820 || kmg_fail "kmg-wg set kmgwg0"
	kmg-wg set kmgwg1 5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b 51821 || kmg_fail "kmg-wg set kmgwg1"
	p0=$(kmg-wg pubkey kmgwg0) || kmg_fail "kmg-wg pubkey kmgwg0"
	p1=$(kmg-wg pubkey kmgwg1) || kmg_fail "kmg-wg pubkey kmgwg1"
	kmg-wg peer kmgwg0 "$p1" 51821 10.93.0.2 || kmg_fail "kmg-wg peer kmgwg0"
	kmg-wg peer kmgwg1 "$p0" 51820 10.93.0.1 || kmg_fail "kmg-wg peer kmgwg1"
	ip link set lo up
	unshare -n sleep 120 &
	ns=$!
	sleep 1
	ip link set kmgwg1 netns "$ns" || kmg_fail "ip link set netns"
	nsenter -t "$ns" -n ip link set lo up
	nsenter -t "$ns" -n ip addr add 10.93.0.2/24 dev kmgwg1
	nsenter -t "$ns" -n ip link set kmgwg1 up
	ip addr add 10.93.0.1/24 dev kmgwg0
	ip link set kmgwg0 up
	ping -c 5 -W 3 10.93.0.2 > /tmp/ping.out 2>&1 || { cat /tmp/ping.out; kmg_fail "no ping reply through the tunnel"; }
	nsenter -t "$ns" -n ping -c 3 -s 1300 -W 3 10.93.0.1 > /dev/null || kmg_fail "no ping reply the other way"
	s=$(kmg-wg show kmgwg0)
	kmg_log "wireguard: kmgwg0: $s"
	echo "$s" | grep -q '^peers 1 handshakes 1 rx [1-9]' || kmg_fail "no handshake or traffic: $s"
	ip link del kmgwg0
	nsenter -t "$ns" -n ip link del kmgwg1
	kill "$ns"
	wait "$ns" 2> /dev/null || true
	[ "$(kmg_real_allocs wireguard)" -gt 0 ] || kmg_fail "nothing tracked"
	# The handshake's keypairs (kzalloc(), kfree_sensitive() from an RCU
	# callback) and the peers (the driver's own cache) went through it.
	s=$(awk '$7 == "wireguard" && ($9 == "keypair_create" || $9 == "wg_peer_create") { print $9, "allocs", $4, "frees", $5 }' $KMG_DBG/sites)
	kmg_log "wireguard: $(echo $s)"
	echo "$s" | grep -q '^keypair_create allocs [1-9]' || kmg_fail "no keypair tracked: $s"
	echo "$s" | grep -q '^wg_peer_create allocs 2 ' || kmg_fail "peers not tracked: $s"
	kmg_real_unload wireguard
}
