# kernels: deb6.12 deb6.1 rt6.12
# Redzones, poison and guarded objects: out-of-bounds writes and
# use-after-free in one chosen module, on stock kernels without KASAN. Each
# bug of samples/kmg_redzone.c must be reported with its type, the lines of
# its allocation and free (and, for a guarded object, the function of the
# access), and each correct sample must get no report at all. (On the debug
# kernel this is KASAN's job: t-vs-kasan.sh.)

# No redzone or guard rule.
kmg_rz_off() { echo redzone=none > $KMG_DBG/control; }

kmg_rz_load() { kmg_insmod kmg_redzone "$@" && rmmod kmg_redzone; }

# kmg_rz_report TYPE BUG [WHEN]: load and unload kmg_redzone bug=BUG; it
# makes exactly one kmemguard report, of TYPE, titled with the function
# that allocated (kmg_rz_BUG), naming the lines marked rz-BUG-alloc and
# rz-BUG-free, with both stacks and a WARN. The report is left in
# /tmp/kmg-last-report.
kmg_rz_report() {
	local type=$1 b=$2 alloc free d n
	alloc=$(kmg_lines kmg_redzone.c rz-$b-alloc)
	free=$(kmg_lines kmg_redzone.c rz-$b-free)
	[ -n "$alloc" ] && [ -n "$free" ] || kmg_fail "no markers rz-$b-alloc, rz-$b-free"
	kmg_dmesg_reset
	kmg_expect_warn kmg_rz_load bug=$b
	d=$(kmg_dmesg)
	echo "$d" > /tmp/kmg-last-report
	n=$(echo "$d" | grep -c '^BUG: kmemguard: ' || true)
	[ "$n" = 1 ] || kmg_fail "bug=$b: expected 1 report, got $n: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -q "^BUG: kmemguard: $type in kmg_rz_$b \[kmg_redzone\]\$" ||
		kmg_fail "bug=$b: no $type report: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -q "allocated at kmg_redzone.c:$alloc[,; ]" ||
		kmg_fail "bug=$b: allocation line $alloc not named"
	echo "$d" | grep -q "freed at kmg_redzone.c:$free[,; ]" ||
		kmg_fail "bug=$b: free line $free not named"
	echo "$d" | grep -q "^allocated by .* at kmg_redzone.c:$alloc in kmg_rz_$b()" ||
		kmg_fail "bug=$b: no allocation stack"
	echo "$d" | grep -q "^freed at kmg_redzone.c:$free in kmg_rz_$b():" ||
		kmg_fail "bug=$b: no free stack"
	[ "$(echo "$d" | grep -c "^  kmg_rz_$b+0x")" -ge 2 ] ||
		kmg_fail "bug=$b: the stacks do not start in kmg_rz_$b"
	echo "$d" | grep -q "kmemguard: $type in kmg_rz_$b \[kmg_redzone\] at kmg_redzone.c:$alloc" ||
		kmg_fail "bug=$b: no WARN (taint, panic_on_warn) for the report"
}

# The guarded object's access faults: kmemguard reports, then the kernel
# oopses in the sample's thread. panic_on_oops (oops=panic) is off for it,
# and the oops is marked expected for the final log check.
kmg_rz_expect_oops() {
	local old
	old=$(cat /proc/sys/kernel/panic_on_oops)
	echo 0 > /proc/sys/kernel/panic_on_oops
	kmg_expect_warn "$@"
	echo "$old" > /proc/sys/kernel/panic_on_oops
	sed -i -e 's/Oops/EXPECTED-OOPS/g' \
		-e 's/BUG: unable to handle/EXPECTED: unable to handle/' /tmp/kmg-cur-dmesg
}

test_off_by_default() {
	kmg_rz_off
	kmg_rz_load bug=byte
	kmg_rz_load bug=uaf_write
	kmg_rz_load bug=cache
	kmg_expect_no_reports
	[ "$(cat /sys/module/kmemguard/parameters/redzone)" = "" ]
	grep -q '^redzone=$' $KMG_DBG/control && grep -q '^guard=$' $KMG_DBG/control
}

test_one_byte_overflow() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	kmg_rz_report slab-out-of-bounds byte
	a=$(kmg_lines kmg_redzone.c rz-byte-alloc)
	f=$(kmg_lines kmg_redzone.c rz-byte-free)
	grep -q "^1 byte written past the 10-byte object allocated at kmg_redzone.c:$a, found when it was freed at kmg_redzone.c:$f\$" \
		/tmp/kmg-last-report || kmg_fail "second line"
	# KFENCE's view of the bytes: the bad one in hex, good ones as dots.
	grep -q '^corrupted memory at [0-9a-f]* \[ 0x78 \. \. \. \. \. ' /tmp/kmg-last-report ||
		kmg_fail "no corrupted-memory line"
	grep -q '(offset 10 of the object)$' /tmp/kmg-last-report || kmg_fail "offset"
	grep -q '^     +0: 61 61 61 61 61 61 61 61 61 61 78 cc cc cc cc cc' /tmp/kmg-last-report ||
		kmg_fail "no hex dump"
	kmg_rz_off
}

test_off_by_one_loop() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	kmg_rz_report slab-out-of-bounds loop
	grep -q '^4 bytes written past the 32-byte object allocated at ' /tmp/kmg-last-report ||
		kmg_fail "size of the overflow"
	grep -q '^corrupted memory at [0-9a-f]* \[ 0x08 0x00 0x00 0x00 \. ' /tmp/kmg-last-report ||
		kmg_fail "no corrupted-memory line"
	kmg_rz_off
}

test_slab_cache_overflow() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	kmg_rz_report slab-out-of-bounds cache
	grep -q '^1 byte written past the 24-byte object allocated at ' /tmp/kmg-last-report ||
		kmg_fail "size of the overflow"
	kmg_rz_off
}

test_vmalloc_overflow() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	kmg_rz_report vmalloc-out-of-bounds vmalloc
	grep -q '^1 byte written past the 100-byte object allocated at ' /tmp/kmg-last-report ||
		kmg_fail "size of the overflow"
	kmg_rz_off
}

test_write_after_kfree() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	# Found when its module unloads and the quarantine gives it back.
	kmg_rz_report use-after-free uaf_write
	a=$(kmg_lines kmg_redzone.c rz-uaf_write-alloc)
	f=$(kmg_lines kmg_redzone.c rz-uaf_write-free)
	grep -q "^8 bytes of the 64-byte object allocated at kmg_redzone.c:$a written after it was freed at kmg_redzone.c:$f, found when it left the quarantine\$" \
		/tmp/kmg-last-report || kmg_fail "second line"
	grep -q '^corrupted memory at [0-9a-f]* \[ 0x34 0x12 0x00 0x00 0x00 0x00 0x00 0x00 \. ' \
		/tmp/kmg-last-report || kmg_fail "no corrupted-memory line"
	grep -q '(offset 16 of the object)$' /tmp/kmg-last-report || kmg_fail "offset"
	kmg_rz_off
}

test_write_after_free_page() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	kmg_rz_report use-after-free uaf_page
	grep -q '^1 byte of the 4096-byte object allocated at ' /tmp/kmg-last-report ||
		kmg_fail "second line"
	kmg_rz_off
}

kmg_rz_cli_check() {
	rc=0
	kmemguard check > /tmp/out || rc=$?
	echo "$rc" > /tmp/rc
}

test_check_on_demand() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	a=$(kmg_lines kmg_redzone.c rz-live-alloc)
	# A live object's redzone.
	kmg_insmod kmg_redzone bug=live
	kmg_dmesg_reset
	kmg_expect_warn kmg_rz_cli_check
	[ "$(cat /tmp/rc)" = 1 ] || kmg_fail "kmemguard check: exit $(cat /tmp/rc)"
	grep -q '^kmemguard: [1-9][0-9]* object(s) checked, 1 corrupted' /tmp/out ||
		kmg_fail "check said: $(cat /tmp/out)"
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "not one report"
	echo "$d" | grep -q '^BUG: kmemguard: slab-out-of-bounds in kmg_rz_live \[kmg_redzone\]$' ||
		kmg_fail "no report"
	echo "$d" | grep -q "^1 byte written past the 10-byte object allocated at kmg_redzone.c:$a, found by an on-demand check\$" ||
		kmg_fail "second line"
	# Reported once: the pattern is back, and the free finds nothing.
	kmemguard check > /tmp/out || kmg_fail "second check: $(cat /tmp/out)"
	kmemguard --json check | grep -q '^{"objects": [1-9][0-9]*, "corrupted": 0}$' ||
		kmg_fail "check --json"
	rmmod kmg_redzone
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "reported again"
	# Never written to: the memory may no longer be the driver's.
	kmg_dmesg | grep -q '^kmg_redzone: the byte past the kept object: 0x79$' ||
		kmg_fail "check wrote into a live object: $(kmg_dmesg | grep 'byte past')"
	# A held object's poison.
	a=$(kmg_lines kmg_redzone.c rz-uaf_write-alloc)
	kmg_insmod kmg_redzone bug=uaf_write
	kmg_dmesg_reset
	kmg_expect_warn kmg_rz_cli_check
	[ "$(cat /tmp/rc)" = 1 ] || kmg_fail "kmemguard check: exit $(cat /tmp/rc)"
	rmmod kmg_redzone
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "not one report"
	echo "$d" | grep -q "^8 bytes of the 64-byte object allocated at kmg_redzone.c:$a written after it was freed at .*, found by an on-demand check\$" ||
		kmg_fail "second line"
	kmg_rz_off
}

test_checked_at_unload() {
	kmg_rz_off
	echo redzone=kmg_redzone > $KMG_DBG/control
	a=$(kmg_lines kmg_redzone.c rz-live-alloc)
	kmg_insmod kmg_redzone bug=leak
	kmg_dmesg_reset
	kmg_expect_warn rmmod kmg_redzone
	d=$(kmg_dmesg)
	echo "$d" | grep -q "^1 byte written past the 10-byte object allocated at kmg_redzone.c:$a, found when its module unloaded\$" ||
		kmg_fail "no report at unload"
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_redzone$' || kmg_fail "no leak report"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 2 ] || kmg_fail "not two reports"
	kmg_rz_off
}

test_guarded_read_after_kfree() {
	kmg_rz_off
	echo guard=kmg_redzone > $KMG_DBG/control
	a=$(kmg_lines kmg_redzone.c rz-uaf_read-alloc)
	f=$(kmg_lines kmg_redzone.c rz-uaf_read-free)
	before=$(kmg_stat 'guarded objects')
	kmg_dmesg_reset
	kmg_rz_expect_oops kmg_rz_load bug=uaf_read
	d=$(kmg_dmesg)
	echo "$d" > /tmp/kmg-last-report
	[ "$(kmg_stat 'guarded objects')" -gt "$before" ] || kmg_fail "nothing guarded"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "not one report"
	# Named by the function of the access, as KASAN does.
	echo "$d" | grep -q '^BUG: kmemguard: use-after-free in kmg_rz_read_freed \[kmg_redzone\]$' ||
		kmg_fail "no report: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -q "^read at [0-9a-f]*, offset 8 (inside it) of the 64-byte object allocated at kmg_redzone.c:$a, freed at kmg_redzone.c:$f\$" ||
		kmg_fail "second line"
	echo "$d" | grep -q '^a guarded object: the access faulted at once, at kmg_rz_read_freed+0x' ||
		kmg_fail "access not named"
	echo "$d" | grep -q "^freed at kmg_redzone.c:$f in kmg_rz_uaf_read():" || kmg_fail "no free stack"
	# Before the kernel's own oops, which names the same function.
	echo "$d" | awk '/^BUG: kmemguard: use-after-free/ { k = NR }
		/unable to handle page fault/ { if (!o) o = NR }
		END { exit !(k && o && k < o) }' || kmg_fail "not before the oops"
	echo "$d" | grep -q 'RIP: 0010:kmg_rz_read_freed+0x' || kmg_fail "no oops in the access"
	kmg_rz_off
}

test_guarded_overflow() {
	kmg_rz_off
	echo guard=kmg_redzone > $KMG_DBG/control
	a=$(kmg_lines kmg_redzone.c rz-guard_byte-alloc)
	kmg_dmesg_reset
	kmg_rz_expect_oops kmg_insmod kmg_redzone bug=guard_byte
	# The thread died before its kfree(): the object leaks.
	kmg_rmmod_leaky kmg_redzone
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: slab-out-of-bounds in kmg_rz_write_past \[kmg_redzone\]$' ||
		kmg_fail "no report: $(echo "$d" | grep '^BUG: kmemguard: ')"
	echo "$d" | grep -q "^write at [0-9a-f]*, offset 64 (0 bytes past its end) of the 64-byte object allocated at kmg_redzone.c:$a\$" ||
		kmg_fail "second line"
	echo "$d" | grep -q '^a guarded object: the access faulted at once, at kmg_rz_write_past+0x' ||
		kmg_fail "access not named"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 2 ] || kmg_fail "not the report and the leak"
	kmg_rz_off
}

test_guard_one_site() {
	kmg_rz_off
	a=$(kmg_lines kmg_redzone.c rz-uaf_read-alloc)
	echo "guard=kmg_redzone:kmg_redzone.c:$a" > $KMG_DBG/control
	grep -q "^guard=kmg_redzone:kmg_redzone.c:$a\$" $KMG_DBG/control || kmg_fail "rule not shown"
	# Another site of the module: neither guarded nor redzoned.
	kmg_rz_load bug=byte
	kmg_expect_no_reports
	kmg_dmesg_reset
	kmg_rz_expect_oops kmg_rz_load bug=uaf_read
	kmg_dmesg | grep -q '^BUG: kmemguard: use-after-free in kmg_rz_read_freed \[kmg_redzone\]$' ||
		kmg_fail "that site not guarded"
	kmg_rz_off
}

test_correct_drivers_no_reports() {
	kmg_rz_off
	echo redzone=all > $KMG_DBG/control
	before=$(kmg_stat 'objects with redzones')
	for m in kmg_ksize kmg_smoke kmg_tutorial; do
		kmg_insmod $m
		rmmod $m
	done
	kmg_insmod kmg_clean rounds=2
	rmmod kmg_clean
	[ "$(kmg_stat 'objects with redzones')" -gt "$before" ] || kmg_fail "no redzones"
	kmg_rz_off
	echo guard=kmg_ksize,kmg_clean > $KMG_DBG/control
	before=$(kmg_stat 'guarded objects')
	kmg_insmod kmg_ksize
	rmmod kmg_ksize
	kmg_insmod kmg_clean
	rmmod kmg_clean
	[ "$(kmg_stat 'guarded objects')" -gt "$before" ] || kmg_fail "nothing guarded"
	kmemguard check > /tmp/out || kmg_fail "check: $(cat /tmp/out)"
	kmg_rz_off
	kmg_expect_no_reports
	if kmg_dmesg | grep 'kmg_ksize: contents lost'; then
		kmg_fail "krealloc() lost contents"
	fi
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "records left"
}

test_rules_refused_unchanged() {
	kmg_rz_off
	echo redzone=kmg_a > $KMG_DBG/control
	echo guard=kmg_b:x.c:7 > $KMG_DBG/control
	before=$(cat $KMG_DBG/control)
	for bad in 'redzone=' 'redzone=a:b' 'redzone=x.c:1' 'guard=' 'guard=m:f' \
		'guard=m:f:0' 'guard=m:f:x' 'guard=all' 'redzone=a,b c' 'guard=m::3'; do
		if echo "$bad" 2> /dev/null > $KMG_DBG/control; then
			kmg_fail "accepted '$bad'"
		fi
		[ "$(cat $KMG_DBG/control)" = "$before" ] || kmg_fail "'$bad' changed the rules"
	done
	# At most 16 rules, all or nothing.
	if echo "redzone=m1,m2,m3,m4,m5,m6,m7,m8,m9,m10,m11,m12,m13,m14,m15" 2> /dev/null \
		> $KMG_DBG/control; then
		kmg_fail "17 rules accepted"
	fi
	[ "$(cat $KMG_DBG/control)" = "$before" ] || kmg_fail "a refused list changed the rules"
	# The parameters: each replaces its kind of rule.
	p=/sys/module/kmemguard/parameters
	echo kmg_c,kmg_d > $p/redzone
	[ "$(cat $p/redzone)" = kmg_c,kmg_d ] || kmg_fail "redzone parameter: $(cat $p/redzone)"
	[ "$(cat $p/guard)" = kmg_b:x.c:7 ] || kmg_fail "guard parameter: $(cat $p/guard)"
	echo > $p/guard
	grep -q '^guard=$' $KMG_DBG/control || kmg_fail "guard parameter not cleared"
	kmg_rz_off
	[ "$(cat $p/redzone)" = "" ] || kmg_fail "redzone=none left rules"
	if echo 5 > $p/guard_slots 2> /dev/null; then kmg_fail "guard_slots writable"; fi
	kmg_expect_no_reports
}

# kmg_e WHAT [COMMAND...]: load kmg_rz_edges what=WHAT, write each COMMAND
# to control, unload it.
kmg_e() {
	local w=$1 c
	shift
	kmg_insmod kmg_rz_edges what=$w
	for c in "$@"; do echo "$c" > $KMG_DBG/control; done
	rmmod kmg_rz_edges
}

test_check_skips_unmapped_memory() {
	kmg_rz_off
	echo redzone=kmg_rz_edges > $KMG_DBG/control
	# A vmalloc() area the kernel freed behind kmemguard's back: its
	# record stays live, its memory is unmapped; no check may read it.
	kmg_insmod kmg_rz_edges what=stale
	kmemguard check > /tmp/out || kmg_fail "check: $(cat /tmp/out)"
	kmg_dmesg_reset
	kmg_expect_warn rmmod kmg_rz_edges
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_rz_edges$' || kmg_fail "no leak report"
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "not just the leak"
	kmg_rz_off
}

test_destroyed_cache_forgotten() {
	local a b i
	kmg_rz_off
	echo redzone=kmg_rz_edges > $KMG_DBG/control
	# Destroyed while kmemguard is disabled: a cache made later at the same
	# address must not get its size. On one CPU, so that the struct
	# kmem_cache freed is the one allocated next.
	busybox taskset -p 1 $$ > /dev/null
	for i in 1 2 3; do
		kmg_dmesg_reset
		kmg_insmod kmg_rz_edges what=cache_a
		a=$(kmg_dmesg | sed -n 's/^kmg_rz_edges: cache at //p' | tail -1)
		echo disable > $KMG_DBG/control
		rmmod kmg_rz_edges
		echo enable > $KMG_DBG/control
		kmg_e cache_b
		b=$(kmg_dmesg | sed -n 's/^kmg_rz_edges: cache at //p' | tail -1)
		if kmg_dmesg | grep 'kmg_rz_edges: zeroed object NOT zero'; then
			kmg_fail "the object was filled at the old cache's size"
		fi
		kmg_expect_no_reports
		[ "$a" != "$b" ] || break
	done
	busybox taskset -p ffffffff $$ > /dev/null 2>&1 || true
	[ "$a" = "$b" ] || kmg_log "KMG-NOTE: cache address not reused ($a, $b): not conclusive"
	kmg_rz_off
}

# With guard=kmg_rz_edges: load and unload kmg_rz_edges what=$1 with the
# control commands after it in between; no report, nothing left.
kmg_guarded_edge() {
	local before
	kmg_rz_off
	echo guard=kmg_rz_edges > $KMG_DBG/control
	before=$(kmg_stat 'guarded objects')
	kmg_dmesg_reset
	kmg_e "$@"
	echo enable > $KMG_DBG/control
	kmg_expect_no_reports
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "records left"
	[ "$1" = dma ] || [ "$(kmg_stat 'guarded objects')" -gt "$before" ] || kmg_fail "not guarded"
	kmg_rz_off
}

test_guarded_freed_through_pointer_while_disabled() {
	# Back to the pool, never to kfree().
	kmg_guarded_edge ptr disable
}

test_guarded_krealloc_without_record() {
	# kmemguard was disabled since: it has no record of the object.
	kmg_guarded_edge krealloc disable enable
	kmg_dmesg | grep -q '^kmg_rz_edges: krealloc() contents kept$' ||
		kmg_fail "krealloc(): $(kmg_dmesg | grep 'kmg_rz_edges: krealloc')"
}

test_guarded_kvrealloc_without_record() {
	kmg_guarded_edge kvrealloc disable enable
	kmg_dmesg | grep -q '^kmg_rz_edges: kvrealloc() contents kept$' ||
		kmg_fail "kvrealloc(): $(kmg_dmesg | grep 'kmg_rz_edges: kvrealloc')"
}

test_guarded_vfree_by_is_vmalloc_addr() {
	# An open-coded kvfree(): is_vmalloc_addr() is true, vfree() is right.
	kmg_guarded_edge vfree
}

test_guard_never_dma_memory() {
	kmg_guarded_edge dma
	kmg_dmesg | grep -q '^kmg_rz_edges: GFP_DMA memory in the linear map$' ||
		kmg_fail "$(kmg_dmesg | grep 'kmg_rz_edges: GFP_DMA')"
}

test_redzone_keeps_power_of_two_alignment() {
	kmg_rz_off
	echo redzone=kmg_rz_edges > $KMG_DBG/control
	kmg_dmesg_reset
	# kmalloc(64) stays 64-byte aligned with its redzone.
	kmg_e ptr
	kmg_dmesg | grep -q '^kmg_rz_edges: kmalloc(64) 64-byte aligned$' ||
		kmg_fail "$(kmg_dmesg | grep 'kmg_rz_edges: kmalloc(64)')"
	kmg_expect_no_reports
	kmg_rz_off
}

test_redzone_no_room_for_extra_bytes() {
	kmg_rz_off
	echo redzone=kmg_rz_edges > $KMG_DBG/control
	kmg_dmesg_reset
	# kmalloc(KMALLOC_MAX_SIZE - 8): no false redzone.
	kmg_e big
	kmg_dmesg | grep -q '^kmg_rz_edges: big: allocated$' ||
		kmg_log "KMG-NOTE: no memory for the big object: not conclusive"
	kmg_expect_no_reports
	kmg_rz_off
}
