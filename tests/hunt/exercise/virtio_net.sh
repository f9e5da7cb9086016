#!/bin/busybox sh
# Exercise of virtio_net (tests/hunt/real.list): its two cards (ci/qemu-run,
# on one QEMU hub), one moved into a network namespace of its own; pinged
# across the wire, promiscuous mode on and off and a VLAN added and removed
# (commands on the control queue: __free(kfree) buffers), the namespace
# dropped. Every step runs even when one before it failed, so that what
# was made is undone.
# shellcheck disable=SC2046
set -- $(for n in /sys/class/net/*; do
	[ "$(basename "$(readlink "$n/device/driver" 2> /dev/null)")" = virtio_net ] && basename "$n"
done)
[ $# = 2 ] || exit 1
a=$1
b=$2
unshare -n sleep 60 &
ns=$!
sleep 1
ip link set "$b" netns $ns
nsenter -t $ns -n ip addr add 10.95.0.2/24 dev "$b"
nsenter -t $ns -n ip link set "$b" up
ip addr add 10.95.0.1/24 dev "$a"
ip link set "$a" up
sleep 1
ping -c 2 -W 2 10.95.0.2 > /dev/null 2>&1
ok=$?
ip link set "$a" promisc on
sleep 0.3
ip link set "$a" promisc off
vconfig add "$a" 5 > /dev/null 2>&1 || ok=1
sleep 0.3
vconfig rem "$a.5" > /dev/null 2>&1
ip link set "$a" down
ip addr del 10.95.0.1/24 dev "$a"
nsenter -t $ns -n ip link set "$b" down
kill $ns
wait $ns 2> /dev/null
# The namespace's card comes back to this one when the namespace goes.
i=0
while [ -z "$(readlink /sys/class/net/"$b"/device/driver 2> /dev/null)" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
exit $ok
