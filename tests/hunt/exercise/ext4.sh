#!/bin/busybox sh
# Exercise of ext4 (tests/hunt/real.list): the filesystem tests/real/build
# made with mke2fs (Debian's ext4 features: extents, flex_bg,
# metadata_csum, a journal), a fresh copy each run on a loop device over
# tmpfs: mounted, a directory of entries, files written, linked, renamed,
# truncated and removed, synced, unmounted, mounted again and read back.
# An operation the hunt made fail is the error path under test: the
# exercise goes on and always unmounts and detaches what it set up.
I=/tmp/kmghunt-ext4.img M=/mnt/kmghunt
zcat /kmg/real/data/ext4.img.gz > $I || { rm -f $I; exit 1; }
losetup /dev/loop0 $I || { rm -f $I; exit 1; }
mkdir -p $M
rc=1
if mount -t ext4 /dev/loop0 $M; then
	rc=0
	mkdir $M/d $M/many
	i=0
	while [ $i -lt 40 ]; do
		echo $i > $M/many/an-entry-with-a-long-name-$i
		i=$((i + 1))
	done
	dd if=/dev/urandom of=$M/d/f bs=4k count=64 2> /dev/null
	ln $M/d/f $M/hard
	ln -s d/f $M/soft
	mv $M/d $M/d-renamed
	truncate -s 100000 $M/hard
	rm -r $M/many
	sync
	umount $M
	if mount -t ext4 -o ro /dev/loop0 $M; then
		cat $M/d-renamed/f > /dev/null
		umount $M
	fi
fi
losetup -d /dev/loop0
rm -f $I
exit $rc
