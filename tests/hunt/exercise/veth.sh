#!/bin/busybox sh
# Exercise of veth (tests/hunt/real.list): a pair made, addressed, brought
# up, pinged across, and deleted.
ip link add kmgh0 type veth peer name kmgh1 || exit 1
ip addr add 10.93.0.1/24 dev kmgh0
ip link set kmgh0 up
ip link set kmgh1 up
ping -c 2 -W 1 10.93.0.2 > /dev/null 2>&1
ip link del kmgh0
