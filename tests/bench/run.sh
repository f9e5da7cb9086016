#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark, in the guest (busybox sh): every case in rounds, the modes
# interleaved within each round, one "KMG-BENCH sample CASE MODE NS" line
# per measurement on the console; ci/bench-report makes the table.
#
#   run.sh full | smoke | kmemleak
#
# Modes: raw (plain calls), tracked (through kmemguard), nostack (tracked
# with kmemguard.stack_depth=0: no stack unwinding), disabled (through
# kmemguard with kmemguard.enabled=N: its static key off).
set -u
R=/sys/kernel/debug/kmg_bench/run
EN=/sys/module/kmemguard/parameters/enabled
SD=/sys/module/kmemguard/parameters/stack_depth
MODES="raw tracked nostack disabled"
profile=${1:-smoke}

out() { echo "KMG-BENCH $*" > /dev/kmsg; }

one() {		# one CASE MODE N
	calls=tracked
	[ "$2" = raw ] && calls=raw
	[ "$2" = disabled ] && echo N > $EN
	[ "$2" = nostack ] && { depth=$(cat $SD); echo 0 > $SD; }
	if echo "$1 $calls $3" > $R 2>/dev/null; then
		out "sample $1 $2 $(cut -d' ' -f4 $R)"
	else
		out "error $1 $2"
	fi
	[ "$2" = disabled ] && echo Y > $EN
	[ "$2" = nostack ] && echo "$depth" > $SD
}

# uptime in centiseconds
now_cs() { sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime; }

slab_bytes() {	# bytes held in kmemguard's record cache
	awk '$1 == "kmemguard_record" { print $2 * $4 }' /proc/slabinfo
}

case $profile in
full) rounds=5 n=20000 big=1000000 mem=100000 ;;
smoke) rounds=1 n=200 big=2000 mem=2000 ;;
kmemleak) rounds=5 n=300 ;;
*) echo "usage: run.sh full|smoke|kmemleak" >&2; exit 2 ;;
esac
out "begin $profile $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"

if [ "$profile" = kmemleak ]; then
	kl=on
	grep -q 'kmemleak=off' /proc/cmdline && kl=off
	r=0
	while [ $r -lt $rounds ]; do
		for m in $MODES; do one kmalloc:64 $m $n; done
		r=$((r + 1))
	done
	out "kmemleak $kl"
	out end
	exit 0
fi

r=0
while [ $r -lt $rounds ]; do
	for c in kmalloc:8 kmalloc:64 kmalloc:256 kmalloc:1024 kmalloc:4096 cache; do
		for m in $MODES; do one $c $m $n; done
	done
	for m in $MODES; do
		one pages:0 $m $((n / 2))
		one pages:3 $m $((n / 10))
		one vmalloc:4096 $m $((n / 10))
		one vmalloc:65536 $m $((n / 40))
		one batch $m 10000
		one solo $m $n
		one smp $m $n
		one samefree $m $n
		one xfree $m $n
	done
	r=$((r + 1))
done

# Memory per tracked object: the record cache before and after keeping
# $mem objects live.
b0=$(slab_bytes)
echo "fill tracked $mem" > $R
b1=$(slab_bytes)
echo "drain tracked 1" > $R
out "memory objects=$mem record_cache_bytes=$((b1 - b0)) table_buckets=$(sed -n 's/^table buckets: //p' /sys/kernel/debug/kmemguard/stats)"

# A big table: $big live tracked objects, the pair cost again, and the
# time to read every line of "allocations".
if echo "fill tracked $big" > $R; then
	r=0
	while [ $r -lt $rounds ]; do
		if echo "kmalloc:64 tracked $n" > $R 2>/dev/null; then
			out "sample kmalloc:64@big tracked $(cut -d' ' -f4 $R)"
		else
			out "error kmalloc:64@big tracked"
		fi
		r=$((r + 1))
	done
	t0=$(now_cs)
	lines=$(wc -l < /sys/kernel/debug/kmemguard/allocations)
	t1=$(now_cs)
	out "bigtable objects=$big listing_lines=$lines listing_ms=$(((t1 - t0) * 10))"
	echo "drain tracked 1" > $R
else
	out "error fill $big"
fi
out end
