#!/bin/busybox sh
# Exercise of wireguard (tests/hunt/real.list): two interfaces with keys and
# a peer each (kmg-wg), one moved into a network namespace of its own, their
# UDP sockets meeting over the loopback; a ping through the tunnel (a
# handshake, keypairs), then both deleted. Every step runs even when one
# before it failed, so that what was made is undone.
ip link set lo up
ip link add kmgw0 type wireguard || exit 1
ip link add kmgw1 type wireguard || { ip link del kmgw0; exit 1; }
kmg-wg set kmgw0 a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0 51830
kmg-wg set kmgw1 5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b 51831
kmg-wg peer kmgw0 "$(kmg-wg pubkey kmgw1)" 51831 10.94.0.2
kmg-wg peer kmgw1 "$(kmg-wg pubkey kmgw0)" 51830 10.94.0.1
unshare -n sleep 60 &
ns=$!
sleep 1
ip link set kmgw1 netns $ns
nsenter -t $ns -n ip addr add 10.94.0.2/24 dev kmgw1
nsenter -t $ns -n ip link set kmgw1 up
ip addr add 10.94.0.1/24 dev kmgw0
ip link set kmgw0 up
ping -c 2 -W 3 10.94.0.2 > /dev/null 2>&1
ok=$?
ip link del kmgw0
nsenter -t $ns -n ip link del kmgw1
kill $ns
wait $ns 2> /dev/null
exit $ok
