#!/bin/busybox sh
# Exercise of zram (tests/hunt/real.list): /dev/zram0 sized, written and
# read, reset.
[ -b /dev/zram0 ] || exit 1
echo 16M > /sys/block/zram0/disksize || exit 1
dd if=/dev/urandom of=/dev/zram0 bs=4k count=64 oflag=direct 2> /dev/null
dd if=/dev/zram0 of=/dev/null bs=4k count=64 iflag=direct 2> /dev/null
echo 1 > /sys/block/zram0/reset
