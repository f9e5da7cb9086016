#!/bin/bash
# Host tests of the static checks: kmemguard's Coccinelle rules and
# `make lint`. Appends "ok|fail host:lint.NAME" lines to RESULTS.
#
#   tests/lint/t-lint.sh RESULTS
#
# The rules must report every expected line (expected-samples.txt for
# samples/, the LINT comments in cases.c) with the expected message, and
# nothing else: not in the other samples, not in wrapper/ or tests/.
set -uo pipefail
. "$(dirname "$0")/../../ci/lib.sh"
results=$1
lint=$TOP_DIR/wrapper/kmemguard-lint
here=$TOP_DIR/tests/lint
work=$OUT_DIR/lint
rm -rf "$work" && mkdir -p "$work"

record() { echo "$1 host:lint.$2" >> "$results"; [ "$1" = ok ] || msg "FAILED: host:lint.$2"; }

# expect_samples OLD: the findings samples/ must give; OLD=1 for a kernel
# before 6.4. Prints "file:line|rule|text".
expect_samples() {
	local marker rule kernels text hits
	grep -v '^#' "$here/expected-samples.txt" | while IFS='|' read -r marker rule kernels text; do
		[ "$kernels" = "<6.4" ] && [ "$1" != 1 ] && continue
		hits=$(cd "$TOP_DIR/samples" && grep -rn --include='*.c' -F "/* KMG: $marker */" . |
			cut -d: -f1,2 | sed 's|^\./||')
		if [ "$(echo "$hits" | grep -c .)" != 1 ]; then
			echo "no single line marked '$marker' in samples/" >&2
			echo "?:0|$rule|$text"
			continue
		fi
		echo "$hits|$rule|$text"
	done
}

# expect_cases OLD: the same for tests/lint/cases.c and its LINT markers.
expect_cases() {
	grep -n 'LINT: ' "$here/cases.c" |
		sed -E 's|^([0-9]+):.*/\* LINT: ([a-z-]+)(-before-6\.4)? "(.*)" \*/.*|\1\|\2\|\3\|\4|' |
		while IFS='|' read -r line rule old text; do
			[ -n "$old" ] && [ "$1" != 1 ] && continue
			echo "cases.c:$((line + 1))|$rule|$text"
		done
}

# compare NAME EXPECTED FINDINGS: every expected finding present, and every
# finding expected (by its file:line and rule).
compare() {
	local name=$1 exp=$2 got=$3 bad=0 where rule text
	while IFS='|' read -r where rule text; do
		if ! grep -F "$where: " "$got" | grep -F "[kmemguard/$rule]" | grep -qF "$text"; then
			msg "$name: missing $where [$rule] \"$text\""
			bad=1
		fi
	done < "$exp"
	while IFS= read -r l; do
		where=${l%%: *}
		rule=$(echo "$l" | sed -n 's/.*\[kmemguard\/\([a-z-]*\)\]$/\1/p')
		if ! grep -qF "$where|$rule|" "$exp"; then
			msg "$name: unexpected: $l"
			bad=1
		fi
	done < "$got"
	if [ $bad = 0 ]; then record ok "$name"; else record fail "$name"; fi
	return $bad
}

# cocci NAME KERNEL DIR OLD EXPECT: the rules alone on DIR, built for KERNEL.
cocci() {
	local name=$1 k=$2 d=$3 old=$4 exp=$5 rc
	kernel_info "$k"
	"$lint" -k "$KDIR" --only cocci "$d" > "$work/$name.out" 2> "$work/$name.err"
	rc=$?
	$exp "$old" > "$work/$name.exp"
	if [ $rc != 1 ] && [ -s "$work/$name.exp" ]; then
		cat "$work/$name.err" >&2
		msg "$name: exit $rc, expected 1"
		record fail "$name"
		return
	fi
	compare "$name" "$work/$name.exp" "$work/$name.out" ||
		cat "$work/$name.out" >&2
}

cocci cocci-samples deb6.12 "$TOP_DIR/samples" 0 expect_samples
cocci cocci-samples-6.1 deb6.1 "$TOP_DIR/samples" 1 expect_samples
cocci cocci-cases deb6.12 "$here" 0 expect_cases
cocci cocci-cases-6.1 deb6.1 "$here" 1 expect_cases

# Nothing in kmemguard itself or in its tests.
for d in wrapper tests/kunit tests/guest; do
	kernel_info deb6.12
	if out=$("$lint" -k "$KDIR" --only cocci "$TOP_DIR/$d" 2>&1) && [ -z "$out" ]; then
		record ok "cocci-clean-${d//\//-}"
	else
		echo "$out" >&2
		record fail "cocci-clean-${d//\//-}"
	fi
done

# A file a rule takes too long on is named and the run exits 2, with the
# other files' findings printed (KMG_LINT_TIMEOUT=3 on a file whose chain of
# branches after a preempt_disable() takes atomic-section.cocci over half an
# hour); a timeout that is not a number is refused.
# (The fixture is .c.in: the cases' run over tests/lint must not meet it.)
mkdir -p "$work/slow" && cp "$here/slow/kmg_slow.c.in" "$work/slow/kmg_slow.c" &&
	cp "$TOP_DIR/samples/kmg_wrong_order.c" "$work/slow/"
out=$(KMG_LINT_TIMEOUT=3 "$lint" -k "$KDIR" --only cocci "$work/slow" 2>&1)
rc=$?
out2=$(KMG_LINT_TIMEOUT=x "$lint" -k "$KDIR" --only cocci "$work/slow" 2>&1)
rc2=$?
if [ $rc = 2 ] && echo "$out" | grep -q '^kmemguard-lint: kmg_slow.c: not checked by atomic-section.cocci: over 3 s' &&
	echo "$out" | grep -q '^kmg_wrong_order.c:17: wrong-order: ' &&
	[ $rc2 = 2 ] && echo "$out2" | grep -q 'KMG_LINT_TIMEOUT=x: not a number'; then
	record ok lint-timeout
else
	echo "$out" "$out2" >&2
	record fail lint-timeout
fi

# make lint on a copy (it builds in place): the buggy samples exit 1 with the
# rules' findings; a directory of correct drivers exits 0; a bad argument
# exits 2 with a message.
kernel_info deb6.12
copy_sources "$work" wrapper samples
make -s -C "$KDIR" M="$work/wrapper" modules > "$work/wrapper-build.log" 2>&1 ||
	{ cat "$work/wrapper-build.log" >&2; msg "building kmemguard for the lint tests failed"; }
mkdir -p "$work/clean"
cp "$TOP_DIR/samples/kmg_clean.c" "$TOP_DIR/samples/kmg_tutorial.c" "$work/clean/"
cat > "$work/clean/Kbuild" <<EOK
ccflags-y := -I\$(src)/../wrapper/include
KBUILD_EXTRA_SYMBOLS := \$(src)/../wrapper/Module.symvers
obj-m := kmg_clean.o kmg_tutorial.o
EOK

make -s -C "$TOP_DIR" lint M="$work/samples" KDIR="$KDIR" > "$work/make-lint-buggy.out" 2>&1
rc=$?
n=$(grep -c '\[kmemguard/' "$work/make-lint-buggy.out")
# Every sample finding of the rules, and the published tutorial's
# checkpatch findings, nothing from sparse (the samples are sparse-clean).
if [ $rc != 0 ] && [ "$n" = "$(grep -c . "$work/cocci-samples.out")" ] &&
	grep -q '^tutorial/kmg_tutorial_orig.c:[0-9]*: WARNING:' "$work/make-lint-buggy.out" &&
	! grep -q ': \(warning\|error\): ' "$work/make-lint-buggy.out" &&
	grep -q "kmemguard-lint: [0-9]* finding(s) in $work/samples" "$work/make-lint-buggy.out"; then
	record ok make-lint-buggy
else
	cat "$work/make-lint-buggy.out" >&2
	record fail make-lint-buggy
fi

if make -s -C "$TOP_DIR" lint M="$work/clean" KDIR="$KDIR" > "$work/make-lint-clean.out" 2>&1 &&
	[ ! -s "$work/make-lint-clean.out" ]; then
	record ok make-lint-clean
else
	cat "$work/make-lint-clean.out" >&2
	record fail make-lint-clean
fi

# A sparse warning is a finding too: a copy of the clean driver with one.
mkdir -p "$work/sparse"
cp "$work/clean/Kbuild" "$work/sparse/"
sed -i 's/^obj-m := .*/obj-m := kmg_clean.o/' "$work/sparse/Kbuild"
sed 's/^static int __init kmg_clean_init(void)$/int kmg_lint_global;\n&/' \
	"$TOP_DIR/samples/kmg_clean.c" > "$work/sparse/kmg_clean.c"
"$lint" -k "$KDIR" --only sparse "$work/sparse" > "$work/sparse.out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q "^kmg_clean.c:[0-9]*: warning: symbol 'kmg_lint_global' was not declared" "$work/sparse.out"; then
	record ok lint-sparse-finding
else
	cat "$work/sparse.out" >&2
	record fail lint-sparse-finding
fi

out=$("$lint" -k "$KDIR" "$work/nonexistent" 2>&1)
rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q 'no such directory'; then
	record ok lint-bad-argument
else
	echo "$out" >&2
	record fail lint-bad-argument
fi
out=$("$lint" -k "$work/nonexistent" --only sparse "$work/clean" 2>&1)
rc=$?
if [ $rc = 2 ] && echo "$out" | grep -q 'no kernel build directory'; then
	record ok lint-no-kdir
else
	echo "$out" >&2
	record fail lint-no-kdir
fi
