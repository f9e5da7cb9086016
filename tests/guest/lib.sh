# Helpers for guest tests (sourced by ci/guest-init; busybox sh).
#
# A test file t-NAME.sh defines shell functions named test_*; each is one
# test, reported as "NAME.function" with its own pass/fail line. Each runs in
# its own `sh -e`, so any failing command fails the test; kmg_fail says why.
# Before each test the kernel log is cleared; kmg_dmesg prints what the
# kernel logged since.

KMG_MOD=/kmg/modules
KMG_SRC=/kmg/src
KMG_DBG=/sys/kernel/debug/kmemguard

kmg_log() { echo "$*" > /dev/kmsg; }

# kmg_fail MSG: explain a failure (the test still has to return non-zero).
kmg_fail() { kmg_log "KMG-DIAG $KMG_CUR: $*"; return 1; }

kmg_is_debug() { [ "$KMG_KERNEL" = debug ]; }

# The kernel log since the test started, without timestamps (also kept for
# the final checks).
kmg_dmesg() {
	dmesg -c | sed 's/^\[ *[0-9.]*\] //' >> /tmp/kmg-cur-dmesg
	cat /tmp/kmg-cur-dmesg
}

kmg_run_file() {
	local name=$1 file=$2 fn only
	# "# kernels: debug" in a test file limits it to those kernels.
	only=$(sed -n 's/^# kernels: //p' "$file")
	if [ -n "$only" ] && ! echo " $only " | grep -q " $KMG_KERNEL "; then
		return 0
	fi
	(
		for fn in $(sed -n 's/^\(test_[a-z0-9_]*\)().*/\1/p' "$file"); do
			KMG_CUR=$name.${fn#test_}
			dmesg -c > /dev/null
			: > /tmp/kmg-cur-dmesg
			if KMG_CUR=$KMG_CUR sh -e -c ". /kmg/tests/lib.sh; . $file; $fn" \
				> /tmp/kmg-out 2>&1; then
				kmg_log "KMG-TEST ok $KMG_CUR"
			else
				kmg_log "KMG-TEST not ok $KMG_CUR"
				echo "$KMG_CUR" >> /tmp/kmg-failed
				head -c 3000 /tmp/kmg-out | while IFS= read -r l; do
					kmg_log "KMG-DIAG $KMG_CUR: $l"
				done
			fi
			# A failed test must not leave its modules or
			# settings to the next. (A leaky one WARNs at unload on
			# the debug kernel: the final log check reports it,
			# but the boot goes on to the other tests.)
			echo 0 > /proc/sys/kernel/panic_on_warn
			for m in $(grep -o '^kmg_[a-z_]*' /proc/modules); do
				rmmod "$m" 2>/dev/null
			done
			echo 0 > /sys/module/kmemguard/parameters/hints
			echo fail_records=0 > $KMG_DBG/control 2> /dev/null || true
			echo redzone=none > $KMG_DBG/control 2> /dev/null || true
			echo 1 > /proc/sys/kernel/panic_on_warn
			kmg_dmesg > /dev/null
			cat /tmp/kmg-cur-dmesg >> /tmp/kmg-dmesg.all
		done
	)
}

# Line numbers in a sample's source that end in the comment /* KMG: TAG */.
# Usage: kmg_lines kmg_leak.c leak
kmg_lines() { grep -n "/\\* KMG: $2 \\*/\$" "$(find $KMG_SRC -name "$1")" | cut -d: -f1; }

# A debugfs file of kmemguard.
kmg_stat() { sed -n "s/^$1: //p" $KMG_DBG/stats; }

# Insert a module; $1 the module name, the rest its parameters.
# (ci/kmg-insmod: busybox's insmod would run a failing init twice.)
kmg_insmod() { local m=$1; shift; kmg-insmod "$KMG_MOD/$m.ko" "$@"; }

# Start the test's kernel log afresh (what was logged is kept for the final
# log check).
kmg_dmesg_reset() {
	kmg_dmesg > /dev/null
	cat /tmp/kmg-cur-dmesg >> /tmp/kmg-dmesg.all
	: > /tmp/kmg-cur-dmesg
}

# Unload a module that leaks on purpose. Where memory allocation profiling
# is on (the debug kernel) the kernel WARNs about the same leak at unload:
# that is expected here, so panic_on_warn is off for this one rmmod and the
# warning is marked expected for the final log check.
kmg_rmmod_leaky() {
	echo 0 > /proc/sys/kernel/panic_on_warn
	rmmod "$1"
	echo 1 > /proc/sys/kernel/panic_on_warn
	kmg_dmesg > /dev/null
	sed -i 's/WARNING: \(.* alloc_tag_module_unload\)/EXPECTED-WARN: \1/' /tmp/kmg-cur-dmesg
}

# Run a command that makes kmemguard report a bug on purpose: panic_on_warn
# is off for it, and the WARN that ends each report (and on the debug
# kernel the kernel's own "sleeping function called from invalid context")
# is marked expected for the final log check.
kmg_expect_warn() {
	echo 0 > /proc/sys/kernel/panic_on_warn
	"$@"
	echo 1 > /proc/sys/kernel/panic_on_warn
	kmg_dmesg > /dev/null
	sed -i -e 's/WARNING: \(.* kmg_report_end+\)/EXPECTED-WARN: \1/' \
		-e "s/BUG: sleeping function called/EXPECTED: sleeping function called/" \
		/tmp/kmg-cur-dmesg
}

# kmg_expect_bug TYPE MODULE MARKER [PARAM...]: loading MODULE with PARAMs
# makes exactly one kmemguard report, of TYPE, naming the source line
# marked /* KMG: MARKER */ in MODULE.c; the module then unloads cleanly.
kmg_expect_bug() {
	local type=$1 mod=$2 marker=$3 line d n
	shift 3
	line=$(kmg_lines $mod.c "$marker")
	[ -n "$line" ] || kmg_fail "no marker $marker in $mod.c"
	kmg_dmesg_reset
	kmg_expect_warn kmg_insmod $mod "$@"
	# KMG_LEFT_ALLOCATED=1: kmemguard leaves the object allocated on
	# purpose (memory allocation profiling WARNs at unload about it).
	if [ -n "${KMG_LEFT_ALLOCATED:-}" ]; then
		kmg_rmmod_leaky $mod
	else
		rmmod $mod
	fi
	d=$(kmg_dmesg)
	n=$(echo "$d" | grep -c '^BUG: kmemguard: ' || true)
	[ "$n" = 1 ] || kmg_fail "$mod $*: expected 1 report, got $n: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -qE "^BUG: kmemguard: $type in [a-z_0-9]+ \[$mod\]\$" ||
		kmg_fail "$mod $*: no $type report: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -qE "at $mod.c:$line[;:, ]" ||
		kmg_fail "$mod $*: report does not name $mod.c:$line"
	echo "$d" | grep -q "kmemguard: $type in .* at $mod.c:$line" ||
		kmg_fail "$mod $*: no WARN (taint, panic_on_warn) for the report"
	echo "$d" > /tmp/kmg-last-report
}

# After a module that leaks on purpose failed its init (no rmmod): mark
# the kernel's allocation-profiling warning expected.
kmg_rmmod_leaky_done() {
	kmg_dmesg > /dev/null
	sed -i 's/WARNING: \(.* alloc_tag_module_unload\)/EXPECTED-WARN: \1/' /tmp/kmg-cur-dmesg
}

# Load and unload kmg_atomic with ok=1 (GFP_ATOMIC), then ok=1 nowait=1
# (GFP_NOWAIT), in each of the contexts given.
kmg_atomic_correct() {
	local c
	for c in "$@"; do
		kmg_insmod kmg_atomic ctx=$c ok=1
		rmmod kmg_atomic
		kmg_insmod kmg_atomic ctx=$c ok=1 nowait=1
		rmmod kmg_atomic
	done
}

kmg_count_reports() { kmg_dmesg | grep -c 'BUG: kmemguard: ' || true; }

# No kmemguard report in what the test printed so far.
kmg_expect_no_reports() {
	local n
	n=$(kmg_count_reports)
	[ "$n" = 0 ] || kmg_fail "expected no kmemguard report, got $n"
}

# kmemleak's documented false negatives: a stale copy of a pointer, say in
# a freed task stack that a new task now uses (freed stacks are cached and
# reused as they are), hides an object until it is overwritten. Between
# scans, run short tasks that write over cached stacks.
kmg_churn_stacks() {
	local i=0
	while [ $i -lt 30 ]; do
		cat /proc/self/stat /proc/self/maps > /dev/null
		i=$((i + 1))
	done
}

# Checks after all tests: the kernel stayed healthy the whole run.
kmg_final_checks() {
	KMG_CUR=final.kernel-log-clean
	dmesg -c >> /tmp/kmg-dmesg.all
	if grep -E 'WARNING:|BUG: (KASAN|KFENCE|sleeping|scheduling|spinlock|unable)|Oops|general protection|possible circular|inconsistent lock|INFO: task .* blocked|soft lockup|kmemguard:.*(corrupt|cannot)' /tmp/kmg-dmesg.all > /tmp/kmg-bad; then
		kmg_log "KMG-TEST not ok $KMG_CUR"
		echo "$KMG_CUR" >> /tmp/kmg-failed
		head -5 /tmp/kmg-bad | while IFS= read -r l; do kmg_log "KMG-DIAG $KMG_CUR: $l"; done
	else
		kmg_log "KMG-TEST ok $KMG_CUR"
	fi
}
