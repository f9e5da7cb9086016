#!/bin/busybox sh
# Exercise of vfat (tests/hunt/real.list): a FAT filesystem made on a RAM
# disk (brd), mounted, files with long names written, renamed and removed,
# unmounted.
[ -b /dev/ram0 ] || exit 1
mkdosfs /dev/ram0 > /dev/null || exit 1
mkdir -p /mnt/kmghunt
mount -t vfat /dev/ram0 /mnt/kmghunt || exit 1
mkdir "/mnt/kmghunt/A long directory name"
echo data > "/mnt/kmghunt/A long directory name/a file with a long name.txt"
mv "/mnt/kmghunt/A long directory name/a file with a long name.txt" /mnt/kmghunt/Another-Long-Name.txt
ls -l /mnt/kmghunt > /dev/null
rm -rf "/mnt/kmghunt/A long directory name" /mnt/kmghunt/Another-Long-Name.txt
umount /mnt/kmghunt
