#!/bin/busybox sh
# Exercise of e1000 (tests/hunt/real.list): QEMU's Intel 82540EM card,
# addressed, brought up (its descriptor rings are allocated then, DMA
# memory), pinged to QEMU's gateway, brought down (the rings freed).
dev=
for n in /sys/class/net/*; do
	[ "$(basename "$(readlink "$n/device/driver" 2> /dev/null)")" = e1000 ] &&
		dev=$(basename "$n")
done
[ -n "$dev" ] || exit 1
ip addr add 10.0.2.15/24 dev "$dev" 2> /dev/null
ip link set "$dev" up || exit 1
i=0
while [ "$(cat "/sys/class/net/$dev/carrier" 2> /dev/null)" != 1 ] && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
ping -c 2 -W 1 10.0.2.2 > /dev/null 2>&1
ip link set "$dev" down
