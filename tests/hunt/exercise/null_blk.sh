#!/bin/busybox sh
# Exercise of null_blk (tests/hunt/real.list): I/O through /dev/nullb0, then
# a second device made, used and removed through configfs. Every step runs
# even when one before it failed, so that what was made is undone.
[ -b /dev/nullb0 ] || exit 1
dd if=/dev/urandom of=/dev/nullb0 bs=4k count=32 oflag=direct 2> /dev/null
dd if=/dev/nullb0 of=/dev/null bs=4k count=32 iflag=direct 2> /dev/null
# configfs is a module here: mounted once it is loaded.
grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs configfs /sys/kernel/config
c=/sys/kernel/config/nullb/kmghunt
mkdir $c || exit 1
echo 16 > $c/size
echo 1 > $c/memory_backed
echo 1 > $c/power
ok=$?
[ -b /dev/kmghunt ] && dd if=/dev/zero of=/dev/kmghunt bs=4k count=16 oflag=direct 2> /dev/null
echo 0 > $c/power
rmdir $c
exit $ok
