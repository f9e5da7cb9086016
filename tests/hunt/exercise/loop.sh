#!/bin/busybox sh
# Exercise of loop (tests/hunt/real.list): a file on tmpfs attached to
# /dev/loop0, I/O through it, detached.
truncate -s 8M /tmp/kmghunt.img
losetup /dev/loop0 /tmp/kmghunt.img || { rm -f /tmp/kmghunt.img; exit 1; }
dd if=/dev/urandom of=/dev/loop0 bs=4k count=32 conv=fsync 2> /dev/null
dd if=/dev/loop0 of=/dev/null bs=4k count=32 2> /dev/null
losetup -d /dev/loop0
rm -f /tmp/kmghunt.img
