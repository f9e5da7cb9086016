#!/bin/busybox sh
# Exercise of dm-delay (tests/hunt/real.list): a delayed device over a RAM
# disk (brd), written and read, then removed (kmg-dm, tests/real/tools).
d=$(kmg-dm create kmghunt "0 8192 delay /dev/ram0 0 1") || exit 1
dd if=/dev/urandom of=/dev/$d bs=4k count=16 oflag=direct 2> /dev/null
dd if=/dev/$d of=/dev/null bs=4k count=16 iflag=direct 2> /dev/null
kmg-dm remove kmghunt
