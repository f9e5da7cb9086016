#!/bin/busybox sh
# Exercise of scsi_debug (tests/hunt/real.list): I/O through its disk (sd),
# then a second host added and both hosts' disks removed through the
# driver's sysfs knob.
i=0
while [ ! -b /dev/sda ] && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
[ -b /dev/sda ] || exit 1
dd if=/dev/urandom of=/dev/sda bs=4k count=32 oflag=direct 2> /dev/null
dd if=/dev/sda of=/dev/null bs=4k count=32 iflag=direct 2> /dev/null
echo 1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
ok=$?
sleep 1
echo -1 > /sys/bus/pseudo/drivers/scsi_debug/add_host
exit $ok
