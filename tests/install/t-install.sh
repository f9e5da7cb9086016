#!/bin/bash
# Host tests of `make install` and `make install-dkms` + DKMS. Appends
# "ok|fail host:install.NAME" lines to RESULTS.
#
#   tests/install/t-install.sh RESULTS
set -uo pipefail
. "$(dirname "$0")/../../ci/lib.sh"
results=$1
work=$OUT_DIR/install
rm -rf "$work" && mkdir -p "$work"

record() { echo "$1 host:install.$2" >> "$results"; [ "$1" = ok ] || msg "FAILED: host:install.$2"; }
check() {	# check NAME COMMAND...: one result from one command's status
	local name=$1
	shift
	if "$@" > "$work/$name.log" 2>&1; then record ok "$name"; else cat "$work/$name.log" >&2; record fail "$name"; fi
}

# The install goes to a copy of the tree: the build must not dirty the checkout.
src=$work/src
copy_sources "$src" Makefile wrapper samples
root=$work/root
kernel_info deb6.12

installed() {
	local f bin=$root/usr/local/bin share=$root/usr/local/share/kmemguard
	for f in "$root/lib/modules/$KREL/updates/kmemguard.ko"* "$bin/kmemguard" \
		"$bin/kmemguard-hunt" "$bin/kmemguard-lint" "$share/cocci/atomic-section.cocci" \
		"$share/$KREL/kmemguard.mk" "$share/$KREL/Module.symvers" \
		"$share/$KREL/include/kmemguard.h" "$share/$KREL/include/kmemguard/wrap.h" \
		"$share/$KREL/include/override/linux/slab.h" \
		"$share/$KREL/include/override/linux/device/devres.h"; do
		[ -e "$f" ] || { echo "missing: $f"; return 1; }
	done
	# The module is built for KDIR's kernel, exactly.
	modinfo -F vermagic "$root/lib/modules/$KREL/updates/"kmemguard.ko* | grep -q "^$KREL " ||
		{ echo "vermagic is not $KREL"; return 1; }
	# The installed commands run and find what they need.
	"$bin/kmemguard" > "$work/usage.out" 2>&1
	grep -q '^usage: kmemguard' "$work/usage.out" || { echo "kmemguard: no usage"; return 1; }
	"$bin/kmemguard-lint" --only cocci "$src/samples" > "$work/lint.out"
	[ $? = 1 ] && [ "$(grep -c '\[kmemguard/' "$work/lint.out")" -ge 20 ] ||
		{ echo "installed kmemguard-lint found no rules"; return 1; }
}
check make-install make -s -C "$src" install DESTDIR="$root" KDIR="$KDIR"
check installed-files installed

# A driver opts in with the installed fragment, for its kernel release.
driver_builds() {
	local d=$work/driver
	mkdir -p "$d"
	cp "$TOP_DIR/samples/mk/kmg_mk.c" "$d/"
	cat > "$d/Kbuild" <<EOK
obj-m := kmg_mk.o
include $root/usr/local/share/kmemguard/\$(KERNELRELEASE)/kmemguard.mk
EOK
	make -C "$KDIR" M="$d" modules > "$d/build.log" 2>&1 || { cat "$d/build.log"; return 1; }
	! grep -E 'warning|undefined' "$d/build.log" &&
		modinfo -F depends "$d/kmg_mk.ko" | grep -qw kmemguard
}
check driver-builds-against-install driver_builds

# The same driver opted in from the make command line by the installed
# command (`kmemguard kbuild-flags`), no file changed: it is tracked too.
driver_builds_cmdline() {
	local d=$work/driver-cmdline
	mkdir -p "$d"
	cp "$TOP_DIR/samples/mk/kmg_mk.c" "$d/"
	echo 'obj-m := kmg_mk.o' > "$d/Kbuild"
	# shellcheck disable=SC2046
	make -C "$KDIR" M="$d" $("$root/usr/local/bin/kmemguard" kbuild-flags) modules > "$d/build.log" 2>&1 ||
		{ cat "$d/build.log"; return 1; }
	! grep -E 'warning|undefined' "$d/build.log" &&
		modinfo -F depends "$d/kmg_mk.ko" | grep -qw kmemguard &&
		nm -u "$d/kmg_mk.o" | grep -q ' kmemguard_kmalloc_node$'
}
check driver-builds-cmdline-against-install driver_builds_cmdline

# DKMS builds the installed source for each kernel, in private trees.
dkms_builds() {	# dkms_builds KERNEL
	local ver tree=$work/dkms-tree
	kernel_info "$1"
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$TOP_DIR/wrapper/dkms.conf")
	command -v dkms > /dev/null || { echo "dkms is not installed"; return 1; }
	mkdir -p "$tree"
	[ -d "$tree/kmemguard/$ver" ] ||
		dkms add -m kmemguard -v "$ver" --sourcetree "$work/dkms-src/usr/src" --dkmstree "$tree" ||
		return 1
	dkms build -m kmemguard -v "$ver" -k "$KREL" --sourcetree "$work/dkms-src/usr/src" \
		--dkmstree "$tree" --kernelsourcedir "$KDIR" || return 1
	modinfo -F vermagic "$tree/kmemguard/$ver/$KREL/x86_64/module/"kmemguard.ko* | grep -q "^$KREL "
}
check make-install-dkms make -s -C "$src" install-dkms DESTDIR="$work/dkms-src"
check dkms-build-deb6.12 dkms_builds deb6.12
check dkms-build-deb6.1 dkms_builds deb6.1
