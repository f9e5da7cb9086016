# kernels: debug deb6.12
# Hostile input: a fixed-seed fuzzer writes random, oversized, truncated,
# mutated and non-ASCII input to every writable debugfs file of kmemguard
# and out-of-range values to every module parameter. Every write is refused
# with nothing changed, or is a valid command (then the state is put back);
# the kernel stays healthy (the final log check).

KMG_FUZZ_SEED=20261125
# 120 inputs per file; 30 on the debug kernel, where each costs ~0.3 s
# (there KASAN checks the parsers; the stock 6.12 kernel runs them all).
KMG_FUZZ_N=120
kmg_is_debug && KMG_FUZZ_N=30

# kmg_fuzz_inputs SEED N VALID...: N inputs, one per line, each byte as a
# printf octal escape; a line starts with the input's length.
kmg_fuzz_inputs() {
	awk -v seed="$1" -v n="$2" -v valid="$3" 'BEGIN {
		for (k = 1; k < 128; k++)
			ord[sprintf("%c", k)] = k
		nv = split(valid, v, "|")
		x = seed
		for (i = 0; i < n; i++) {
			kind = i % 6
			s = ""; len = 0
			if (kind == 0) {		# printable ASCII
				l = 1 + rnd(80)
				for (j = 0; j < l; j++) s = s oct(32 + rnd(95))
				len = l
			} else if (kind == 1) {		# any bytes, NUL and >0x7f too
				l = 1 + rnd(300)
				for (j = 0; j < l; j++) s = s oct(rnd(256))
				len = l
			} else if (kind == 2) {		# a valid command, truncated
				c = v[1 + rnd(nv)]; l = rnd(length(c))
				s = str(substr(c, 1, l)); len = l
			} else if (kind == 3) {		# one byte of it changed
				c = v[1 + rnd(nv)]; p = 1 + rnd(length(c))
				s = str(substr(c, 1, p - 1)) oct(1 + rnd(255)) str(substr(c, p + 1))
				len = length(c)
			} else if (kind == 4) {		# two commands in one write
				s = str(v[1 + rnd(nv)] "\n" v[1 + rnd(nv)]); len = 99
			} else {			# oversized
				l = 600 + rnd(400)
				for (j = 0; j < l; j++) s = s oct(97 + rnd(26))
				len = l
			}
			if (len == 0) { s = oct(10); len = 1 }
			print len, s
		}
	}
	function rnd(m) { x = (x * 1103515245 + 12345) % 2147483648; return int(x / 65536) % m }
	function oct(b) { return sprintf("\\%03o", b) }
	function str(t,    k, r) { r = ""; for (k = 1; k <= length(t); k++) r = r oct(ord[substr(t, k, 1)]); return r }'
}

kmg_fuzz_state() {
	cat $KMG_DBG/control $KMG_DBG/faults
	cat /sys/module/kmemguard/parameters/*
}

# Put every setting back as the tests expect it.
kmg_fuzz_restore() {
	echo clear > $KMG_DBG/faults
	for c in enable report_objects=4 raw_pointers=0 filter= fail_records=0 redzone=none; do
		echo "$c" > $KMG_DBG/control
	done
}

# kmg_fuzz_file FILE SEED VALID: fuzz one file.
kmg_fuzz_file() {
	local f=$1 base acc=0 rej=0 len esc
	kmg_fuzz_restore
	base=$(kmg_fuzz_state)
	kmg_fuzz_inputs "$2" $KMG_FUZZ_N "$3" > /tmp/fuzz-in
	while read -r len esc; do
		# One write(2) for the whole input: printf's buffer holds 1000 bytes.
		if printf "$esc" 2>/dev/null > $KMG_DBG/$f; then
			acc=$((acc + 1))
			kmg_fuzz_restore
		else
			rej=$((rej + 1))
		fi
		[ "$(kmg_fuzz_state)" = "$base" ] ||
			kmg_fail "$f: state changed after input $len:$esc"
	done < /tmp/fuzz-in
	echo "$f: $acc accepted, $rej refused"
	[ $rej -gt $((KMG_FUZZ_N / 2)) ] || kmg_fail "$f: only $rej of $KMG_FUZZ_N refused"
}

test_fuzz_control() {
	kmg_fuzz_file control $KMG_FUZZ_SEED \
		'enable|report_objects=7|raw_pointers=1|filter=kmg_smoke|fail_records=3|disable|redzone=kmg_smoke|guard=kmg_smoke:kmg_smoke.c:20|check'
	kmg_fuzz_restore
}

test_fuzz_faults() {
	kmg_fuzz_file faults $((KMG_FUZZ_SEED + 1)) \
		'module=kmg_x nth=3|module=kmg_faulty site=kmg_faulty.c:43 every=2|module=a family=vmalloc probability=50 seed=7|module=b gfp=atomic times=2 min_size=64|clear'
	kmg_fuzz_restore
}

test_fuzz_lookup() {
	# lookup keeps nothing between opens: each write is its own open.
	kmg_fuzz_file lookup $((KMG_FUZZ_SEED + 2)) 'ffff888000000000|0x1000|deadbeef'
}

test_fuzz_module_parameters() {
	p=/sys/module/kmemguard/parameters
	for name in enabled stack_depth stack_sample report_objects quarantine hints; do
		old=$(cat $p/$name)
		for val in -1 4294967296 99999999999999999999 abc '' ' ' '1 2' 0x10 1e3 \
			33 1025 10001 '-0' '+5' "$(printf '\377\376')" "$(printf 'Y\nN')"; do
			if printf '%s' "$val" 2>/dev/null > $p/$name; then
				now=$(cat $p/$name)
				case $name:$now in
				enabled:[YN] | hints:[YN]) ;;
				stack_depth:*) [ "$now" -le 32 ] || kmg_fail "stack_depth=$now" ;;
				report_objects:*) [ "$now" -ge 1 ] && [ "$now" -le 10000 ] ||
					kmg_fail "report_objects=$now" ;;
				quarantine:*) [ "$now" -le 1024 ] || kmg_fail "quarantine=$now" ;;
				stack_sample:*) [ "$now" -le 1000000 ] || kmg_fail "stack_sample=$now" ;;
				*) kmg_fail "$name=$now after '$val'" ;;
				esac
				echo "$old" > $p/$name
			fi
			[ "$(cat $p/$name)" = "$old" ] || kmg_fail "$name changed by refused '$val'"
		done
	done
}

test_files_refused_to_non_root() {
	mkdir -p /etc
	grep -q '^nobody:' /etc/passwd 2>/dev/null ||
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
	for f in allocations sites stats control faults lookup; do
		if su -s /bin/sh nobody -c "cat $KMG_DBG/$f" > /dev/null 2>&1; then
			kmg_fail "nobody read $f"
		fi
		if su -s /bin/sh nobody -c "echo clear > $KMG_DBG/$f" 2>/dev/null; then
			kmg_fail "nobody wrote $f"
		fi
	done
	# Even with the debugfs directory open to everyone, the files' own modes
	# refuse a non-root user.
	mode=$(stat -c %a /sys/kernel/debug)
	chmod 755 /sys/kernel/debug
	for f in allocations sites stats control faults lookup; do
		if su -s /bin/sh nobody -c "cat $KMG_DBG/$f" > /dev/null 2>&1; then
			chmod "$mode" /sys/kernel/debug; kmg_fail "nobody read $f"
		fi
		if su -s /bin/sh nobody -c "echo clear > $KMG_DBG/$f" 2>/dev/null; then
			chmod "$mode" /sys/kernel/debug; kmg_fail "nobody wrote $f"
		fi
	done
	chmod "$mode" /sys/kernel/debug
	for p in /sys/module/kmemguard/parameters/*; do
		if su -s /bin/sh nobody -c "echo 1 > $p" 2>/dev/null; then
			kmg_fail "nobody wrote $p"
		fi
	done
}
