# Helpers of tests/real (sourced after ci/lib.sh; bash).
# shellcheck shell=bash

REAL_DIR=$TOP_DIR/tests/real
# The kernel the drivers are built for (its headers, its image's stock
# modules) and run on: Debian 6.12 (its guest, the hunts), or its PREEMPT_RT
# build (the same source and release; its guest).
REAL_KERNEL=${REAL_KERNEL:-deb6.12}
case $REAL_KERNEL in
deb6.12) REAL_OUT=$OUT_DIR/real REAL_ABI=$DEB612_ABI REAL_VERSION=$DEB612_VERSION ;;
rt6.12) REAL_OUT=$OUT_DIR/real-rt6.12 REAL_ABI=$RT612_ABI REAL_VERSION=$RT612_VERSION ;;
*) die "tests/real: no drivers for kernel $REAL_KERNEL (deb6.12, rt6.12)" ;;
esac

# real_source: Debian's linux-source-6.12, unpacked into the cache (the same
# tree ci/build-kernel builds the debug kernel from); prints its path.
real_source() {
	local src=$CACHE_DIR/src-$DEBUG_SRC_VERSION
	if [ ! -f "$src/.kmg-unpacked" ]; then
		[ -f /usr/src/linux-source-6.12.tar.xz ] || die "no /usr/src/linux-source-6.12.tar.xz (ci/install-deps)"
		msg "unpacking $DEBUG_SRC_PKG into $src"
		rm -rf "$src" && mkdir -p "$src"
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
		touch "$src/.kmg-unpacked"
	fi
	echo "$src"
}

# real_stock_modules: REAL_KERNEL's stock image's own modules (lib/modules
# of linux-image-<abi>-unsigned, exactly the build the headers match),
# unpacked into the image's cache directory; prints their directory.
real_stock_modules() {
	local dir=$CACHE_DIR/images/$REAL_ABI tmp
	if [ ! -f "$dir/.kmg-modules" ]; then
		msg "fetching the modules of linux-image-$REAL_ABI-unsigned $REAL_VERSION"
		tmp=$(mktemp -d)
		chmod 755 "$tmp"
		chown _apt "$tmp" 2>/dev/null || true
		(cd "$tmp" && apt-get download -qq "linux-image-$REAL_ABI-unsigned=$REAL_VERSION") ||
			{ apt-get update -qq; (cd "$tmp" && apt-get download -qq "linux-image-$REAL_ABI-unsigned=$REAL_VERSION"); } ||
			die "cannot download linux-image-$REAL_ABI-unsigned=$REAL_VERSION"
		mkdir -p "$dir"
		rm -rf "$dir/lib/modules"
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$dir" ./lib/modules ./boot
		rm -rf "$tmp"
		touch "$dir/.kmg-modules"
	fi
	echo "$dir/lib/modules/$REAL_ABI"
}

# real_units [UNIT...]: "UNIT SOURCES OBJS" lines of drivers.conf, all or
# those named.
real_units() {
	local u
	sed 's/#.*//' "$REAL_DIR/drivers.conf" | awk 'NF' | while read -r u rest; do
		if [ $# = 0 ] || [[ " $* " == *" $u "* ]]; then echo "$u $rest"; fi
	done
}

# real_build_key KMEMGUARD_WRAPPER_DIR: what a build of tests/real depends
# on (the kernel's headers, kmemguard's symbols and header, the drivers'
# list and the build script), hashed: tests/real/build writes it to its
# output's .kmg-build-key; ci/hunt reuses a build while it matches.
real_build_key() {
	(kernel_info "$REAL_KERNEL"
	echo "$KDIR"
	cat "$CI_DIR/kernels.conf" "$KDIR/include/config/kernel.release" \
		"$REAL_DIR/build" "$REAL_DIR/lib.sh" "$REAL_DIR/drivers.conf" \
		"$1/Module.symvers" "$1/kmemguard.mk"
	cd "$1/include" && find . -type f -exec sha256sum {} + | sort) | sha256sum | cut -c1-16
}

# real_list_units LIST: the units a hunt list (tests/hunt/real.list) takes
# from tests/real/build ("real = UNIT" lines), one per line.
real_list_units() {
	sed -n 's/^[[:space:]]*real[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' "$1" | sort -u
}
