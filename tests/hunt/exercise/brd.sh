#!/bin/busybox sh
# Exercise of brd (tests/hunt/real.list): I/O through /dev/ram0, discard.
# (A write to a missing node would make it a file.)
[ -b /dev/ram0 ] || exit 1
dd if=/dev/urandom of=/dev/ram0 bs=4k count=64 2> /dev/null
sync
echo 3 > /proc/sys/vm/drop_caches
dd if=/dev/ram0 of=/dev/null bs=4k count=64 2> /dev/null
blkdiscard /dev/ram0
