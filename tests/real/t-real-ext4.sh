# kernels: deb6.12 rt6.12
# Real driver, ext4: a journalled filesystem made by e2fsprogs' mke2fs with
# Debian's ext4 defaults (extents, flex_bg, metadata_csum, a journal:
# tests/real/build), on a RAM disk: files written, linked, renamed and
# removed, a directory of 400 entries (an htree), a file written in pieces
# out of order and truncated, fstrim, unmounted, mounted again and read
# back, then mounted with data=journal. All of it from a child memory
# cgroup (cgroup v2): ext4's inode cache is accounted and its superblock's
# inode list_lru is per memory cgroup, so each inode allocation
# (kmem_cache_alloc_lru(), through kmemguard) must prepare that cgroup's
# list, or the inode's list_lru_add() finds none. ext4's inodes come from
# its own cache and go back from RCU callbacks; its allocations are
# checked to be tracked and freed.
. /kmg/tests/real-lib.sh

M=/mnt/real
CG=/sys/fs/cgroup

# The test's shell (and what it runs) into a child memory cgroup.
kmg_ext4_cgroup() {
	grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG || kmg_fail "cgroup2"
	# ci/guest-init made the boot's first memory cgroup before any test, so
	# that the kernel's memcg static keys were patched then, not here.
	[ -d $CG/kmg-boot ] || kmg_fail "no $CG/kmg-boot: ci/guest-init made no memory cgroup"
	grep -qw memory $CG/cgroup.controllers || kmg_fail "no memory controller"
	echo +memory > $CG/cgroup.subtree_control
	mkdir -p $CG/kmg-ext4
	echo $$ > $CG/kmg-ext4/cgroup.procs
	grep -q '^0::/kmg-ext4$' /proc/self/cgroup || kmg_fail "not in the memory cgroup: $(cat /proc/self/cgroup)"
}

test_ext4() {
	local i o s brd=ours
	kmg_ext4_cgroup
	if [ -f "$KMG_REAL/modules/brd.ko" ]; then
		kmg_real_load brd rd_nr=1 rd_size=32768
	else
		brd=stock
		insmod "$KMG_REAL/stock/brd.ko" rd_nr=1 rd_size=32768 || kmg_fail "stock brd"
	fi
	zcat "$KMG_REAL/data/ext4.img.gz" > /dev/ram0 || kmg_fail "ext4 image to ram0"
	kmg_real_stock crc32c_generic
	kmg_real_load ext4
	mkdir -p $M
	mount -t ext4 /dev/ram0 $M || kmg_fail "mount ext4"
	dd if=/dev/urandom of=/tmp/real.data bs=1k count=1024 2> /dev/null
	for i in 1 2 3; do
		mkdir $M/d$i
		cp /tmp/real.data $M/d$i/f
	done
	mkdir $M/many
	i=0
	while [ $i -lt 400 ]; do
		echo $i > $M/many/an-entry-with-a-long-name-$i
		i=$((i + 1))
	done
	for o in 7 1 5 3 0 6 2 4; do
		dd if=/tmp/real.data of=$M/pieces bs=64k skip=$o seek=$o count=1 conv=notrunc 2> /dev/null
	done
	head -c 524288 /tmp/real.data > /tmp/real.half
	cmp /tmp/real.half $M/pieces || kmg_fail "pieces differ"
	truncate -s 200000 $M/pieces
	ln $M/d1/f $M/hard
	ln -s d2/f $M/soft
	mv $M/d3 $M/d3-renamed
	rm $M/d2/f
	dd if=/tmp/real.data of=$M/synced bs=64k conv=fsync 2> /dev/null || kmg_fail "fsync"
	sync
	fstrim $M || kmg_fail "fstrim"
	umount $M
	echo 3 > /proc/sys/vm/drop_caches
	mount -t ext4 /dev/ram0 $M || kmg_fail "mount ext4 again"
	cmp /tmp/real.data $M/d1/f || kmg_fail "d1/f differs"
	cmp /tmp/real.data $M/hard || kmg_fail "hard link differs"
	cmp /tmp/real.data $M/d3-renamed/f || kmg_fail "renamed file differs"
	[ ! -e $M/d2/f ] || kmg_fail "removed file is back"
	[ "$(readlink $M/soft)" = d2/f ] || kmg_fail "symbolic link lost"
	[ "$(ls $M/many | wc -l)" = 400 ] || kmg_fail "$(ls $M/many | wc -l) of 400 entries"
	[ "$(cat $M/many/an-entry-with-a-long-name-399)" = 399 ] || kmg_fail "entry 399 lost"
	[ "$(wc -c < $M/pieces)" = 200000 ] || kmg_fail "truncated size $(wc -c < $M/pieces)"
	rm -r $M/many
	umount $M
	mount -t ext4 -o data=journal,noatime /dev/ram0 $M || kmg_fail "mount ext4 data=journal"
	cp /tmp/real.data $M/journalled
	sync
	umount $M
	mount -t ext4 -o ro /dev/ram0 $M || kmg_fail "mount ext4 read-only"
	cmp /tmp/real.data $M/journalled || kmg_fail "journalled file differs"
	umount $M
	# The inode cache: allocated by ext4_alloc_inode(), freed from RCU
	# callbacks as the unmount evicts them: all of them, within seconds.
	i=0
	while :; do
		s=$(awk '$7 == "ext4" && $9 == "ext4_alloc_inode" { a += $4; f += $5 }
			END { print "allocs", a + 0, "frees", f + 0 }' $KMG_DBG/sites)
		[ "$(echo "$s" | awk '{ print $2 - $4 }')" != 0 ] && [ $i -lt 20 ] || break
		sleep 0.5
		i=$((i + 1))
	done
	kmg_log "KMG-OUT real-ext4: ext4_alloc_inode $s"
	echo "$s" | grep -qE '^allocs [1-9][0-9]+ frees ' || kmg_fail "inodes not tracked: $s"
	[ "$(echo "$s" | awk '{ print $2 - $4 }')" = 0 ] || kmg_fail "inodes not all freed after the unmount: $s"
	kmg_real_unload ext4
	if [ $brd = ours ]; then kmg_real_unload brd; else rmmod brd; fi
	echo $$ > $CG/cgroup.procs
	rmdir $CG/kmg-ext4
}
