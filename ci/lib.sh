# Common settings for the ci/ scripts; sourced, never run.
# shellcheck shell=bash

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$CI_DIR/.." && pwd)
# shellcheck source=ci/kernels.conf
. "$CI_DIR/kernels.conf"

# Built kernels and unpacked images live outside the checkout so that a
# fresh clone reuses them; keyed by version + config hash below.
CACHE_DIR=${KMG_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/kmemguard}
# Per-run output (logs, initramfs) stays in the checkout, ignored by git.
OUT_DIR=${KMG_OUT_DIR:-$TOP_DIR/build}
JOBS=${JOBS:-$(nproc)}

# copy_sources DEST PATH...: the source files under PATHs (what git tracks or
# would track: never a build product of an in-tree `make`) into DEST, over
# what is there; objects already in DEST stay, for incremental builds (tar
# keeps the sources' times, so make rebuilds only what changed).
copy_sources() {
	local dst=$1
	shift
	mkdir -p "$dst"
	(cd "$TOP_DIR" && if git rev-parse --git-dir > /dev/null 2>&1; then
		# Tracked files deleted in the work tree are not sources any more.
		git ls-files -co --exclude-standard -- "$@" |
			while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done
	else
		find "$@" -type f ! -name '*.o' ! -name '*.ko' ! -name '.*' ! -name '*.mod*' \
			! -name Module.symvers ! -name modules.order
	fi) | tar -C "$TOP_DIR" -cf - --no-recursion -T - | tar -C "$dst" -xpf -
}

msg() { printf '[kmemguard] %s\n' "$*" >&2; }
die() { printf '[kmemguard] error: %s\n' "$*" >&2; exit 1; }

# debug_key: the cache key of the debug kernel (source version + fragment).
debug_key() {
	local h
	h=$(cat "$CI_DIR/debug.config" "$CI_DIR/build-kernel" | sha256sum | cut -c1-12)
	echo "debug-${DEBUG_SRC_VERSION}-$h"
}

# kernel_info NAME: sets KIMAGE (bzImage), KDIR (module build dir), KREL.
kernel_info() {
	case "$1" in
	debug)
		KREL=debug
		KDIR=$CACHE_DIR/$(debug_key)
		KIMAGE=$KDIR/arch/x86/boot/bzImage
		;;
	deb6.12) _stock_info "$DEB612_ABI" ;;
	deb6.1) _stock_info "$DEB61_ABI" ;;
	rt6.12) _stock_info "$RT612_ABI" ;;
	*) die "unknown kernel '$1' (known: debug deb6.12 deb6.1 rt6.12)" ;;
	esac
}

_stock_info() {
	KREL=$1
	KDIR=/usr/src/linux-headers-$1
	KIMAGE=$CACHE_DIR/images/$1/boot/vmlinuz-$1
}

# patching_oops LOG: the guest's first Oops is an int3 trap in the kernel's
# own text at a byte that is no longer an int3. Under TCG (QEMU 7.2) a
# stock kernel has trapped on an int3 its own code patching (a static key
# switched at run time) had already taken away again: the Oops's Code line
# shows the finished instruction where the int3 was (the byte before the
# marked one, RIP - 1), e.g. "66 <90>", where a real int3 shows "cc". On
# real hardware text_poke_bp() waits for every CPU before it takes an int3
# away; TCG does not serialise on its IPIs (LKML, January 2024, "x86/kprobes:
# Drop removed INT3 handling code": a QEMU bug), and since 6.3 the kernel no
# longer steps over such a vanished int3 (6.1's kprobe handler still does,
# so there this never Oopses). Not when the RIP is a module's or unsymbolised (module text
# that may be gone), is page_fault_oops() (guard.c's kprobe) or names
# kmemguard, nor when kmemguard or KASAN reported since the last test
# began. The emulator's failure, not kmemguard's: ci/test boots such a
# guest once more. Prints the Oops's lines when it says yes.
patching_oops() {
	tr -d '\r' < "$1" | awk '
		/KMG-TEST / { bug = 0 }
		!seen && /BUG: (kmemguard|KASAN)/ { bug = 1 }
		!seen && /(Oops: |^\[ *[0-9.]+\] )[^[]*: [0-9a-f][0-9a-f][0-9a-f][0-9a-f] \[#1\]/ {
			seen = 1
			head = $0
			int3 = $0 ~ /(Oops: |\] )int3: /
			next
		}
		seen && rip == "" && / RIP: 0010:/ { rip = $0 }
		seen && code == "" && / Code: / { code = $0 }
		END {
			if (!int3 || bug || rip == "" || code == "") exit 1
			if (rip !~ /RIP: 0010:[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-f]+\/0x[0-9a-f]+/) exit 1
			if (rip ~ / \[[A-Za-z0-9_]+( [0-9a-f]+)?\]/ || rip ~ /page_fault_oops|kmg_|kmemguard/) exit 1
			if (!match(code, /[0-9a-f][0-9a-f] <[0-9a-f][0-9a-f]>/)) exit 1
			if (substr(code, RSTART, 2) == "cc") exit 1
			print head; print rip; print code
			exit 0
		}'
}
