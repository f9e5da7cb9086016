# Fault rules: each trigger and narrowing fails exactly the intended calls
# of kmg_faulty (round i makes, in order, a kmalloc of i*16 bytes, a
# vmalloc, a page and a GFP_ATOMIC cache object; the cache is created first).

F=$KMG_DBG/faults

# kmg_faulty_run RULE [PARAM...]: load kmg_faulty under RULE; leaves the
# module's "failed FAMILY: rounds" lines in /tmp/faulty.
kmg_faulty_run() {
	echo clear > $F
	echo "$1" > $F
	shift
	kmg_dmesg_reset
	kmg_insmod kmg_faulty "$@" || true	# a rule may fail its init
	cat $F > /tmp/faults.list
	rmmod kmg_faulty 2>/dev/null || true
	echo clear > $F
	kmg_dmesg | sed -n 's/^kmg_faulty: failed //p' > /tmp/faulty
	kmg_expect_no_reports
}

# kmg_failed FAMILY: the rounds whose FAMILY allocation failed.
kmg_failed() { sed -n "s/^$1: *//p" /tmp/faulty; }

test_nth() {
	kmg_faulty_run 'module=kmg_faulty family=kmalloc nth=3'
	[ "$(kmg_failed kmalloc)" = 3 ] || kmg_fail "kmalloc: $(kmg_failed kmalloc)"
	[ -z "$(kmg_failed vmalloc)$(kmg_failed pages)$(kmg_failed cache)" ]
	# Without family=, every tracked call counts: create, kmalloc, vmalloc.
	kmg_faulty_run 'module=kmg_faulty nth=3'
	[ "$(kmg_failed vmalloc)" = 1 ] || kmg_fail "nth=3 hit: $(cat /tmp/faulty)"
	[ -z "$(kmg_failed kmalloc)$(kmg_failed pages)$(kmg_failed cache)" ]
}

test_every_and_times() {
	kmg_faulty_run 'module=kmg_faulty family=kmalloc every=4'
	[ "$(kmg_failed kmalloc)" = "4 8" ] || kmg_fail "every=4: $(kmg_failed kmalloc)"
	kmg_faulty_run 'module=kmg_faulty family=pages every=1 times=2'
	[ "$(kmg_failed pages)" = "1 2" ] || kmg_fail "times=2: $(kmg_failed pages)"
	grep -q 'injected=2' /tmp/faults.list
}

test_probability_with_seed_repeats() {
	kmg_faulty_run 'module=kmg_faulty family=kmalloc probability=50 seed=42' rounds=20
	first=$(kmg_failed kmalloc)
	kmg_faulty_run 'module=kmg_faulty family=kmalloc probability=50 seed=42' rounds=20
	[ "$(kmg_failed kmalloc)" = "$first" ] || kmg_fail "same seed, other failures"
	n=$(echo $first | wc -w)
	[ "$n" -gt 2 ] && [ "$n" -lt 18 ] || kmg_fail "50% failed $n of 20"
	kmg_faulty_run 'module=kmg_faulty family=kmalloc probability=50 seed=7' rounds=20
	[ "$(kmg_failed kmalloc)" != "$first" ] || kmg_fail "another seed, same failures"
}

test_site_function_gfp_min_size() {
	l=$(kmg_lines kmg_faulty.c faulty-vmalloc)
	kmg_faulty_run "module=kmg_faulty site=kmg_faulty.c:$l every=2"
	[ "$(kmg_failed vmalloc)" = "2 4 6 8 10" ] || kmg_fail "site=: $(cat /tmp/faulty)"
	[ -z "$(kmg_failed kmalloc)$(kmg_failed pages)$(kmg_failed cache)" ]
	kmg_faulty_run 'module=kmg_faulty gfp=atomic every=1 times=3'
	[ "$(kmg_failed cache)" = "1 2 3" ] || kmg_fail "gfp=atomic: $(cat /tmp/faulty)"
	kmg_faulty_run 'module=kmg_faulty family=kmalloc min_size=100 every=1'
	[ "$(kmg_failed kmalloc)" = "7 8 9 10" ] || kmg_fail "min_size=: $(kmg_failed kmalloc)"
	kmg_faulty_run 'module=kmg_faulty function=kmg_faulty_init family=cache nth=1'
	# The first cache call is the cache's creation: the module cannot load.
	[ ! -s /tmp/faulty ]
}

test_injected_failures_counted_per_site() {
	echo 'module=kmg_faulty family=kmalloc every=5' > $F
	kmg_insmod kmg_faulty
	l=$(kmg_lines kmg_faulty.c faulty-kmalloc)
	grep -q "^0 0 [0-9]* 8 8 2 kmg_faulty kmg_faulty.c:$l kmg_faulty_init$" $KMG_DBG/sites ||
		kmg_fail "site: $(grep "kmg_faulty.c:$l " $KMG_DBG/sites)"
	rmmod kmg_faulty
	echo clear > $F
	[ "$(kmg_stat 'injected failures')" -ge 2 ]
}

test_bad_rules_rejected_unchanged() {
	echo clear > $F
	echo 'module=kmg_faulty nth=1' > $F
	before=$(cat $F)
	for bad in 'nth=1' 'module=kmg_faulty' 'module=kmg_faulty nth=0' \
		'module=kmg_faulty nth=1 every=2' 'module=kmg_faulty probability=101' \
		'module=kmg_faulty family=heap every=1' 'module=kmg_faulty gfp=fast every=1' \
		'module=kmg_faulty site=nocolon every=1' 'module=kmg_faulty site=a.c:0 every=1' \
		'module=kmg_faulty nth=1 seed=3' 'module=a/b nth=1' 'module=x module=y nth=1' \
		'module=kmg_faulty nth=1 bogus=1' 'module=kmg_faulty nth' \
		'module=kmg_faulty times=0 nth=1' 'module=kmg_faulty nth=99999999999'; do
		if echo "$bad" > $F 2>/dev/null; then
			kmg_fail "accepted '$bad'"
		fi
	done
	if printf 'module=kmg_faulty nth=1\nmodule=x nth=1' > $F 2>/dev/null; then
		kmg_fail "accepted two lines"
	fi
	[ "$(cat $F)" = "$before" ] || kmg_fail "rules changed by rejected writes"
	[ "$(kmg_dmesg | grep -c 'kmemguard: faults: rule rejected: ')" -ge 16 ] ||
		kmg_fail "not every rejection explained in dmesg"
	echo clear > $F
	[ -z "$(cat $F)" ]
}

test_injected_failure_marked_in_leak_report() {
	# The published tutorial module leaks its device struct when a later
	# allocation fails: fail its vmalloc() and the report says so.
	echo 'module=kmg_tutorial_orig family=vmalloc nth=1' > $F
	echo 0 > /proc/sys/kernel/panic_on_warn
	kmg_insmod kmg_tutorial_orig 2>/dev/null && kmg_fail "init did not fail"
	echo 1 > /proc/sys/kernel/panic_on_warn
	echo clear > $F
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_tutorial_orig$'
	echo "$d" | grep -q '^after 1 injected failure, the last at kmg_tutorial_orig.c:[0-9]* mem_dev_init_module()$' ||
		kmg_fail "leak report does not mention the injected failure"
	l=$(kmg_lines kmg_tutorial_orig.c dev-struct)
	echo "$d" | grep -q "^leaked from kmg_tutorial_orig.c:$l in mem_dev_init_module(): 1 object"
	kmg_rmmod_leaky_done
}
