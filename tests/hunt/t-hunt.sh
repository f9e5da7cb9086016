#!/bin/bash
# The error-path hunts of `make test` (TESTS=hunt), on Debian 6.12:
#
#   samples  ci/hunt --list tests/hunt/samples.list: each sample's finding,
#            with its signature, phase and every n, and nothing else; nothing
#            for the corrected versions (tests/hunt/check-samples)
#   real     ci/hunt --list tests/hunt/real.list, at most HUNT_MAX runs per
#            phase: every driver hunted to the end, its exercise working
#            with no failure injected, and the findings of
#            tests/hunt/real.expect, no more, no fewer
#   errors   bad input: exit 2 and a reason
#   noboot   a guest that never reaches the hunt (killed 2 s into its boot)
#            is booted once more, then the hunt fails (exit 2), each boot's
#            log kept under its own name
#   parser   kmemguard-hunt --parse on real console logs (tests/hunt/logs/)
#
#   tests/hunt/t-hunt.sh RESULTS [PART...]     (default: every part)
set -uo pipefail
. "$(dirname "$0")/../../ci/lib.sh"

results=$1
shift
parts=${*:-"errors noboot parser samples real"}
HUNT_MAX=${HUNT_MAX:-8}
H=$TOP_DIR/tests/hunt
record() { echo "$1 deb6.12:hunt.$2" >> "$results"; [ "$1" = ok ] || msg "FAILED: deb6.12:hunt.$2"; }
check() {	# check NAME COMMAND...: ok if COMMAND succeeds
	local name=$1
	shift
	if "$@"; then record ok "$name"; else record fail "$name"; fi
}
hdir=$OUT_DIR/deb6.12/hunt

# === Bad input: exit status 2 and a reason, for each of these.
errors() {
	local bad=0 out rc
	printf '[x]\nfrobnicate = 1\n' > "$OUT_DIR/hunt-bad.list"
	while IFS= read -r cmd; do
		out=$(eval "$cmd" 2>&1)
		rc=$?
		if [ $rc != 2 ] || [ -z "$out" ]; then
			msg "hunt.bad-input: '$cmd' exited $rc: $out"
			bad=1
		fi
	done <<EOF
bash $TOP_DIR/ci/hunt
bash $TOP_DIR/ci/hunt /nonexistent.ko
bash $TOP_DIR/ci/hunt -m many $OUT_DIR/deb6.12/modules/kmg_tutorial.ko
bash $TOP_DIR/ci/hunt -t 0 $OUT_DIR/deb6.12/modules/kmg_tutorial.ko
bash $TOP_DIR/ci/hunt -k deb5 $OUT_DIR/deb6.12/modules/kmg_tutorial.ko
bash $TOP_DIR/ci/hunt --list /nonexistent.list
bash $TOP_DIR/ci/hunt --list $OUT_DIR/hunt-bad.list
bash $TOP_DIR/ci/hunt --list $H/samples.list no_such_module
bash $TOP_DIR/ci/hunt --list $H/samples.list -x true
sh $TOP_DIR/wrapper/kmemguard-hunt
sh $TOP_DIR/wrapper/kmemguard-hunt -p sideways x.ko
sh $TOP_DIR/wrapper/kmemguard-hunt -m x x.ko
sh $TOP_DIR/wrapper/kmemguard-hunt -n 3 x.ko
sh $TOP_DIR/wrapper/kmemguard-hunt -f nth=3 x.ko
sh $TOP_DIR/wrapper/kmemguard-hunt /nonexistent.ko
sh $TOP_DIR/wrapper/kmemguard-hunt --summary /nonexistent.rec
sh $TOP_DIR/wrapper/kmemguard-hunt --parse /nonexistent.log
EOF
	[ $bad = 0 ]
}

# === A boot that never reaches the hunt: once more, then a failure.
noboot() {
	local out rc
	rm -f "$hdir"/boot-*-kmg_hunt_pin.log
	out=$(KMG_HUNT_BOOT_TIMEOUT=2 bash "$TOP_DIR/ci/hunt" --list "$H/samples.list" kmg_hunt_pin 2>&1)
	rc=$?
	[ $rc = 2 ] &&
		[ "$(echo "$out" | grep -c 'never started the hunt (log: .*): booting again$')" = 1 ] &&
		[ "$(echo "$out" | grep -c 'never started the hunt, twice')" = 1 ] &&
		[ -f "$hdir/boot-1-kmg_hunt_pin.log" ] && [ -f "$hdir/boot-2-kmg_hunt_pin.log" ] &&
		rm -f "$hdir"/boot-*-kmg_hunt_pin.log && return 0
	msg "hunt.noboot: exit $rc:"
	echo "$out" | sed 's/^/    /' >&2
	return 1
}

# === The parser, on console logs of real runs: each log's findings are the
# signatures listed in its .expect file, in order.
parser() {
	local log bad=0 got
	for log in "$H"/logs/*.log; do
		got=$(sh "$TOP_DIR/wrapper/kmemguard-hunt" --parse "$log" | sed -n 's/^F|//p')
		if [ "$got" != "$(cat "${log%.log}.expect")" ]; then
			msg "hunt.parser: $(basename "$log"): got:"
			echo "$got" | sed 's/^/    /' >&2
			bad=1
		fi
		# Every finding comes with console lines, none of them register
		# dumps or unreliable frames.
		if sh "$TOP_DIR/wrapper/kmemguard-hunt" --parse "$log" |
			grep -E '^L\|[^|]*\|(RAX: |Code: | *\? |CPU: )'; then
			msg "hunt.parser: $(basename "$log"): noise in the console lines (above)"
			bad=1
		fi
	done
	[ $bad = 0 ]
}

samples() {
	local rc
	bash "$TOP_DIR/ci/hunt" --list "$H/samples.list" > "$OUT_DIR/hunt-samples.txt"
	rc=$?
	cat "$OUT_DIR/hunt-samples.txt"
	check samples-exit-1 [ $rc = 1 ]
	# The same report as JSON, from the records (ci/hunt --json prints it).
	sh "$TOP_DIR/wrapper/kmemguard-hunt" --summary --json $(sed -n 's/^\[\(.*\)\]$/\1/p' "$H/samples.list" |
		sed "s|.*|$hdir/&.rec|") > "$OUT_DIR/hunt-samples.json"
	python3 "$H/check-samples" "$OUT_DIR/hunt-samples.json" "$TOP_DIR/samples" "$results"
	[ $? -le 1 ] || record fail samples-report
}

real() {
	local rc t0
	t0=$(date +%s)
	bash "$TOP_DIR/ci/hunt" -m "$HUNT_MAX" --list "$H/real.list" > "$OUT_DIR/hunt-real.txt"
	rc=$?
	cat "$OUT_DIR/hunt-real.txt"
	msg "real drivers hunted in $(($(date +%s) - t0)) s (at most $HUNT_MAX runs per phase)"
	check real-ran [ $rc != 2 ]
	sh "$TOP_DIR/wrapper/kmemguard-hunt" --summary --json $(sed -n 's/^\[\(.*\)\]$/\1/p' "$H/real.list" |
		sed "s|.*|$hdir/&.rec|") > "$OUT_DIR/hunt-real.json"
	python3 "$H/check-real" "$OUT_DIR/hunt-real.json" "$H/real.expect" "$results"
	[ $? -le 1 ] || record fail real-report
}

for p in $parts; do
	case $p in
	errors) check bad-input errors ;;
	noboot) check noboot noboot ;;
	parser) check parser parser ;;
	samples) samples ;;
	real) real ;;
	*) die "unknown part $p" ;;
	esac
done
