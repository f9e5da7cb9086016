#!/bin/busybox sh
# Exercise of dm-flakey (tests/hunt/real.list): a flakey device over a RAM
# disk (brd), up 1 s and down 1 s, written and read across both, removed.
d=$(kmg-dm create kmghunt "0 8192 flakey /dev/ram0 0 1 1") || exit 1
for i in 1 2 3; do
	dd if=/dev/zero of=/dev/$d bs=4k count=8 oflag=direct 2> /dev/null
	dd if=/dev/$d of=/dev/null bs=4k count=8 iflag=direct 2> /dev/null
	sleep 0.5
done
kmg-dm remove kmghunt
