# Helpers of the real-driver tests (tests/real/t-real-*.sh), sourced by
# each: in-tree modules of Debian's linux-source-6.12, built out of tree
# with kmemguard.mk (tests/real/build), loaded with their dependencies from
# the stock image, exercised for real, unloaded. Each must leave no
# kmemguard report, no stale record and no kernel warning, and must have
# made tracked allocations (dummy aside: it makes none of its own).
# busybox sh.

KMG_REAL=/kmg/real

# The .ko of module NAME (file names use - or _).
kmg_real_ko() {
	local f
	for f in "$1" "$(echo "$1" | tr _ -)"; do
		[ -f "$KMG_REAL/$2/$f.ko" ] && { echo "$KMG_REAL/$2/$f.ko"; return 0; }
	done
	kmg_fail "no $2 module $1"
}

kmg_real_loaded() { grep -q "^$(echo "$1" | tr - _) " /proc/modules; }

# Load NAME's stock dependencies (ours first where one is ours).
kmg_real_deps() {
	local d
	for d in $(cat "$KMG_REAL/deps/$(echo "$1" | tr - _)" 2>/dev/null); do
		case $d in
		our:*) kmg_real_loaded "${d#our:}" || kmg_real_load "${d#our:}" ;;
		*) kmg_real_loaded "$d" || insmod "$(kmg_real_ko "$d" stock)" ||
			kmg_fail "cannot load stock module $d" ;;
		esac
	done
}

# kmg_real_load NAME [PARAM...]: one of the drivers built with kmemguard.
kmg_real_load() {
	local m=$1
	shift
	kmg_real_deps "$m"
	kmg-insmod "$(kmg_real_ko "$m" modules)" "$@" || kmg_fail "cannot load $m $*"
}

# kmg_real_stock NAME: a stock module (and its dependencies), e.g. sd_mod.
kmg_real_stock() {
	kmg_real_deps "$1"
	kmg_real_loaded "$1" || insmod "$(kmg_real_ko "$1" stock)" || kmg_fail "cannot load stock $1"
}

# Allocations kmemguard tracked for module NAME so far (its sites' counts).
kmg_real_allocs() {
	awk -v m="$(echo "$1" | tr - _)" '$7 == m { n += $4 } END { print n + 0 }' $KMG_DBG/sites
}

# kmg_real_unload NAME...: unload, then check that nothing was reported,
# nothing was replaced as stale, and the kernel did not warn. Logs one
# "KMG-REAL name allocs=N frees=N" line per module for the results table.
kmg_real_unload() {
	local m a f d
	for m in "$@"; do
		m=$(echo "$m" | tr - _)
		a=$(kmg_real_allocs "$m")
		f=$(awk -v m="$m" '$7 == m { n += $5 } END { print n + 0 }' $KMG_DBG/sites)
		rmmod "$m" || kmg_fail "rmmod $m failed"
		kmg_log "KMG-REAL $m allocs=$a frees=$f"
		echo "$m: $a tracked allocations, $f frees"
	done
	d=$(kmg_dmesg)
	if echo "$d" | grep -E 'BUG: kmemguard|WARNING:|BUG:|Oops|general protection'; then
		kmg_fail "reports or kernel warnings (above)"
	fi
	[ "$(kmg_stat 'stale records replaced')" = 0 ] ||
		kmg_fail "stale records replaced: $(kmg_stat 'stale records replaced')"
}

# kmg_real_fs DEV: a FAT filesystem on DEV, through our fat/vfat modules:
# make it, mount it, write files, unmount, mount again, read them back.
kmg_real_fs() {
	local dev=$1 i
	for i in nls_cp437 nls_ascii nls_utf8; do kmg_real_stock $i; done
	kmg_real_loaded vfat || kmg_real_load vfat
	mkdosfs "$dev" > /dev/null || kmg_fail "mkdosfs $dev"
	mkdir -p /mnt/real
	mount -t vfat "$dev" /mnt/real || kmg_fail "mount $dev"
	dd if=/dev/urandom of=/tmp/real.data bs=1k count=512 2> /dev/null
	for i in 1 2 3 4; do
		mkdir -p /mnt/real/d$i
		cp /tmp/real.data /mnt/real/d$i/f$i
		echo "file $i" > /mnt/real/d$i/small
	done
	rm /mnt/real/d4/f4
	sync
	umount /mnt/real
	mount -t vfat "$dev" /mnt/real || kmg_fail "mount $dev again"
	for i in 1 2 3; do
		cmp /tmp/real.data /mnt/real/d$i/f$i || kmg_fail "$dev: d$i/f$i differs"
	done
	[ "$(cat /mnt/real/d4/small)" = "file 4" ] || kmg_fail "$dev: small file lost"
	[ ! -e /mnt/real/d4/f4 ] || kmg_fail "$dev: removed file is back"
	umount /mnt/real
}

# kmg_real_dd DEV: raw I/O through a block device, written and read back.
kmg_real_dd() {
	dd if=/dev/urandom of=/tmp/real.raw bs=4k count=256 2> /dev/null
	dd if=/tmp/real.raw of="$1" bs=4k count=256 conv=fsync 2> /dev/null || kmg_fail "dd to $1"
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$1" of=/tmp/real.back bs=4k count=256 2> /dev/null || kmg_fail "dd from $1"
	cmp /tmp/real.raw /tmp/real.back || kmg_fail "$1: read back differs"
}

# kmemguard loaded with enabled=0 under real drivers (ci/guest-init runs it
# after its load-disabled check, with kmemguard unloaded): brd and fat/vfat
# loaded while the header's static key is off run the kernel's own inline
# calls, so I/O and a filesystem through them are tracked by nothing and
# reported by nothing. Enabled then: their calls are patched, the same
# work is tracked, what they allocated before is freed as untracked, and
# unloading them reports nothing and leaves nothing live.
kmg_real_disabled() {
	kmg-insmod /kmg/modules/kmemguard.ko enabled=0 || kmg_fail "cannot load kmemguard enabled=0"
	kmg_real_load brd rd_nr=1 rd_size=16384
	kmg_real_dd /dev/ram0
	kmg_real_fs /dev/ram0
	[ "$(kmg_stat allocations)" = 0 ] || kmg_fail "tracked while disabled: $(kmg_stat allocations)"
	[ "$(kmg_count_reports)" = 0 ] || kmg_fail "reports while disabled"
	echo 1 > /sys/module/kmemguard/parameters/enabled
	kmg_real_dd /dev/ram0
	kmg_real_fs /dev/ram0
	[ "$(kmg_real_allocs fat)" -gt 0 ] || kmg_fail "fat: nothing tracked after the enable"
	# brd's pages written while disabled (256 and more: the dd and the
	# filesystem) are freed at its unload, now as untracked ones.
	u0=$(kmg_stat 'frees of untracked pointers')
	a=$(kmg_real_allocs fat)
	kmg_real_unload brd vfat fat
	u=$(($(kmg_stat 'frees of untracked pointers') - u0))
	[ "$u" -ge 256 ] || kmg_fail "brd's unload freed only $u untracked pages"
	kmg_log "KMG-OUT real-disabled: fat tracked $a allocations after the enable; the unloads freed $u objects allocated while disabled, as untracked"
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "live objects left: $(kmg_stat 'live objects')"
	rmmod kmemguard || kmg_fail "rmmod kmemguard"
}
