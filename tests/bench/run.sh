#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The benchmark, in the guest (busybox sh): every case in rounds, the modes
# interleaved within each round, one "KMG-BENCH sample CASE MODE NS" line
# per measurement on the console; ci/bench-report makes the table.
#
#   run.sh full | smoke | kmemleak | breakdown | qdepth | quick
#
# Modes: raw (plain calls), tracked (through kmemguard, default settings),
# allstacks (stack_sample=1: a stack for every allocation and free, as
# kmemguard did before sampling), nostack (stack_depth=0: no stacks at all),
# paused (disabled at run time: enabled=N, the wrappers pass through),
# disabled (kmemguard loaded with enabled=0: its static key off). Then
# (full) the cost breakdown: kmemguard built with parts switched off
# (KMG_BENCH_SKIP, kmemguard_skip_MASK.ko: one more part in each, then the
# design's core alone), each loaded in turn. Last,
# redzones: rzbase (tracked, as shipped: the redzone static key off), rzoff
# (the key on for another module, the site's own byte off), redzone
# (redzone=kmg_bench), rznostk (the same with stack_depth=0: the redzones
# without the two stacks each object keeps), guarded (guard=kmg_bench,
# kmalloc only: the
# benchmark's cache is made before the rule; with quarantine=128, so that
# the 256 slots of the guard pool never run out: every object guarded).
set -u
R=/sys/kernel/debug/kmg_bench/run
P=/sys/module/kmemguard/parameters
C=/sys/kernel/debug/kmemguard/control
M=/kmg/modules
MODES="raw tracked allstacks nostack paused"
profile=${1:-smoke}

out() { echo "KMG-BENCH $*" > /dev/kmsg; }

# measure CASE CALLS N LABEL: N operations of CASE through the raw or the
# tracked calls, logged as "LABEL NS" (ns per operation), or "error LABEL".
measure() {
	if echo "$1 $2 $3" > $R 2>/dev/null; then
		out "$4 $(cut -d' ' -f4 $R)"
	else
		out "error $4"
	fi
}

one() {		# one CASE MODE N
	calls=tracked
	case $2 in raw | rzraw | rzgraw) calls=raw ;; esac
	case $2 in
	paused) echo N > $P/enabled ;;
	allstacks) ss=$(cat $P/stack_sample); echo 1 > $P/stack_sample ;;
	nostack) echo 0 > $P/stack_depth ;;
	rzoff) echo redzone=kmg_none > $C ;;
	redzone) echo redzone=kmg_bench > $C ;;
	rznostk) echo 0 > $P/stack_depth; echo redzone=kmg_bench > $C ;;
	guarded) echo 128 > $P/quarantine; echo guard=kmg_bench > $C ;;
	esac
	measure "$1" $calls "$3" "sample $1 $2"
	case $2 in
	paused) echo Y > $P/enabled ;;
	allstacks) echo "$ss" > $P/stack_sample ;;
	nostack) echo 16 > $P/stack_depth ;;
	rzoff | redzone) echo redzone=none > $C ;;
	rznostk) echo redzone=none > $C; echo 16 > $P/stack_depth ;;
	guarded) echo redzone=none > $C; echo 256 > $P/quarantine ;;
	esac
}

# Redzones and guarded objects, last. rzbase (tracked) and rzoff each run
# on kmemguard loaded afresh, in turns first, so that rzbase has the
# redzone static key off, as shipped; rzoff, redzone and guarded switch it
# on. rzraw: raw calls in the same round; rzgraw: those in turn with the
# guarded calls.
RZPAIRS="kmalloc:64 kmalloc:256 kmalloc:4096 cache pages:0 vmalloc:4096"
redzones() {	# redzones ROUNDS
	local r=0 c m n1
	while [ $r -lt $1 ]; do
		# rzbase and rzoff each on a fresh load, in turns first.
		for m in $([ $((r % 2)) = 0 ] && echo rzbase rzoff || echo rzoff rzbase) \
			rzraw redzone rznostk; do
			case $m in rzbase | rzoff) load kmemguard.ko ;; esac
			for c in $RZPAIRS; do
				n1=$n
				[ $c = pages:0 ] && n1=$((n / 2))
				[ $c = vmalloc:4096 ] && n1=$((n / 10))
				one $c $m $n1
			done
		done
		# (rzgraw: the raw calls in turn with the guarded ones, apart
		# from the round's rzraw, so that each mode's samples pair up
		# round by round with their own raw ones)
		for m in rzgraw guarded; do
			for c in kmalloc:64 kmalloc:4096; do one $c $m $n; done
		done
		r=$((r + 1))
	done
	out "guard missed $(sed -n 's/^guarded allocations not guarded.*: //p' /sys/kernel/debug/kmemguard/stats) guarded $(sed -n 's/^guarded objects: //p' /sys/kernel/debug/kmemguard/stats)"
}

# load KMEMGUARD_KO [PARAM...]: kmemguard (a variant) and the benchmark
# module again, fresh: new call sites.
load() {
	ko=$1
	shift
	rmmod kmg_bench 2>/dev/null
	rmmod kmemguard 2>/dev/null
	kmg-insmod $M/$ko "$@" && kmg-insmod $M/kmg_bench.ko || out "error load $ko $*"
}

# uptime in centiseconds
now_cs() { sed 's/^\([0-9]*\)\.\([0-9]*\) .*/\1\2/' /proc/uptime; }

slab_bytes() {	# bytes held in kmemguard's record cache
	awk '$1 == "kmemguard_record" { print $2 * $4 }' /proc/slabinfo
}

# The cost breakdown: each variant switches off one more part, and the
# last (27) only the parts the design's guarantees do not need (its core:
# ci/bench-report's floors); the variants take turns within each round, so
# that a busy host shifts them all alike. Pages and vmalloc take fewer
# pairs, as in the main table (a run of vmalloc stays under the 8,192 lazily
# freed areas that start a purge).
BREAKDOWN_CASES="kmalloc:64 cache pages:0 vmalloc:4096 ufree"
breakdown() {	# breakdown ROUNDS
	local r=0 v c m n1
	while [ $r -lt $1 ]; do
		for v in 0 1 3 7 15 31 95 127 27; do
			[ -f $M/kmemguard_skip_$v.ko ] || { out "error breakdown $v missing"; continue; }
			load kmemguard_skip_$v.ko
			for c in $BREAKDOWN_CASES; do
				n1=$n
				[ $c = pages:0 ] && n1=$((n / 2))
				[ $c = vmalloc:4096 ] && n1=$((n / 10))
				for m in raw tracked; do
					measure $c $m $n1 "breakdown $v $c $m"
				done
			done
		done
		r=$((r + 1))
	done
}

PAIRS="kmalloc:8 kmalloc:64 kmalloc:256 kmalloc:1024 kmalloc:4096 cache mempool"
case $profile in
full) rounds=7 n=20000 big=1000000 mem=100000 ;;
smoke) rounds=1 n=200 big=2000 mem=2000 ;;
kmemleak) rounds=5 n=300 ;;
breakdown) rounds=7 n=20000 ;;
qdepth) rounds=7 n=20000 ;;
quick) rounds=7 n=20000 ;;
*) echo "usage: run.sh full|smoke|kmemleak|breakdown|qdepth|quick" >&2; exit 2 ;;
esac
out "begin $profile $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"

if [ "$profile" = kmemleak ]; then
	kl=on
	grep -q 'kmemleak=off' /proc/cmdline && kl=off
	r=0
	while [ $r -lt $rounds ]; do
		for m in raw tracked; do one kmalloc:64 $m $n; done
		r=$((r + 1))
	done
	out "kmemleak $kl"
	out end
	exit 0
fi

# The pair's cost by quarantine depth (for working on the tracked path).
if [ "$profile" = qdepth ]; then
	r=0
	while [ $r -lt $rounds ]; do
		for q in 0 16 64 256; do
			echo $q > $P/quarantine
			for c in kmalloc:64 cache; do
				one $c tracked $n
				out "qdepth $q $c $(cut -d' ' -f4 $R)"
			done
		done
		one kmalloc:64 raw $n
		one cache raw $n
		r=$((r + 1))
	done
	echo 256 > $P/quarantine
	out end
	exit 0
fi

# The main pairs only, tracked and loaded disabled (for working on the
# tracked path): kmemguard is loaded afresh, with enabled=0 or not, in turns.
if [ "$profile" = quick ]; then
	r=0
	while [ $r -lt $rounds ]; do
		for l in on off; do
			if [ $l = on ]; then load kmemguard.ko; else load kmemguard.ko enabled=0; fi
			for c in kmalloc:64 kmalloc:1024 cache pages:0 vmalloc:4096 ufree; do
				n1=$n
				[ $c = pages:0 ] && n1=$((n / 2))
				[ $c = vmalloc:4096 ] && n1=$((n / 10))
				for m in raw tracked; do
					[ $l = off ] && [ $c = ufree ] && continue
					m1=$m
					[ $l = off ] && [ $m = tracked ] && m1=disabled
					measure $c $m $n1 "sample $c $m1"
				done
			done
		done
		r=$((r + 1))
	done
	load kmemguard.ko
	out end
	exit 0
fi

# Only the cost breakdown (for working on the tracked path).
if [ "$profile" = breakdown ]; then
	breakdown 7
	load kmemguard.ko
	out end
	exit 0
fi

# A new site's first allocations: the first thing after loading.
load kmemguard.ko
one firstsite tracked 16
load kmemguard.ko
one firstsite raw 16

r=0
while [ $r -lt $rounds ]; do
	for c in $PAIRS; do
		for m in $MODES; do one $c $m $n; done
	done
	for c in irqoff atomic call; do one $c raw $n; done
	for m in $MODES; do
		one pages:0 $m $((n / 2))
		one pages:3 $m $((n / 10))
		one vmalloc:4096 $m $((n / 10))
		one vmalloc:65536 $m $((n / 40))
		one dma:4096 $m $((n / 10))
		one dmapool:64 $m $((n / 2))
		one percpu:64 $m $((n / 10))
		one batch $m 10000
		one ufree $m $n
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
# time to read every line of "allocations". Raw pairs in turn with the
# tracked ones, each round: the report compares the tracked pair's ratio to
# raw here with its ratio in the first phase (the empty table), which a
# drift of the host's speed between the two phases does not move.
if echo "fill tracked $big" > $R; then
	r=0
	while [ $r -lt $rounds ]; do
		for m in raw tracked; do
			measure kmalloc:64 $m $n "sample kmalloc:64@big $m"
		done
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

# Loaded with enabled=0: the header's static key sends every call straight
# to the kernel.
load kmemguard.ko enabled=0
r=0
while [ $r -lt $rounds ]; do
	for c in $PAIRS pages:0 vmalloc:4096; do
		n1=$n
		[ $c = pages:0 ] && n1=$((n / 2))
		[ $c = vmalloc:4096 ] && n1=$((n / 10))
		# (Its raw calls are "rawoff": the disabled ones are compared
		# with the raw ones taken in turn with them, in this phase,
		# not with the first phase's: vmalloc's own cost drifts
		# between the two, after the big table.)
		measure $c raw $n1 "sample $c rawoff"
		measure $c tracked $n1 "sample $c disabled"
	done
	r=$((r + 1))
done

[ "$profile" = full ] && breakdown 5
load kmemguard.ko
redzones $rounds
out end
