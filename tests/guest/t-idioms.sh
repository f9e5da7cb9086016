# Idioms of real drivers (samples/idioms, opted in with kmemguard.mk alone,
# built with -Werror; samples/cmdline, opted in from the make command line
# because its Kbuild ends in a backslash): scope-based cleanup and frees
# through function pointers are seen, the driver's own header is tracked,
# its pr_fmt, dev_fmt and DEBUG keep their meaning.

test_no_false_report_no_stale_record() {
	stale=$(kmg_stat 'stale records replaced')
	untracked=$(kmg_stat 'frees of untracked pointers')
	kmg_insmod kmg_idioms
	# The inline helpers of the driver's own header are the driver's.
	for tag in helper-name helper-table; do
		l=$(kmg_lines kmg_idioms.h $tag)
		grep -qE "^[0-9]+ [0-9]+ [0-9]+ [1-9][0-9]* [0-9]+ 0 kmg_idioms kmg_idioms.h:$l " $KMG_DBG/sites ||
			kmg_fail "kmg_idioms.h:$l ($tag) not tracked"
	done
	# __free(kfree) and __free(kvfree) went through kmemguard: a site of
	# their own in kmg_idioms_scoped().
	grep -q ' kmg_idioms kmg_idioms_scoped+0x[0-9a-f]*/0x[0-9a-f]*:0 kmg_idioms_scoped$' $KMG_DBG/sites ||
		kmg_fail "no site for the scope's cleanup"
	rmmod kmg_idioms
	kmg_expect_no_reports
	[ "$(kmg_stat 'stale records replaced')" = "$stale" ] || kmg_fail "stale records replaced"
	# Every free of kmemguard's objects was kmemguard's (the devm action's
	# kfree, the destructor table, the scope's cleanup).
	[ "$(kmg_stat 'frees of untracked pointers')" = "$untracked" ] ||
		kmg_fail "frees kmemguard did not recognise: $untracked -> $(kmg_stat 'frees of untracked pointers')"
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "objects still live"
}

test_pr_fmt_dev_fmt_debug_keep_their_meaning() {
	kmg_insmod kmg_idioms
	rmmod kmg_idioms
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^kmg_idioms: pr_debug is on: idioms-init$' || kmg_fail "pr_debug lost or unprefixed"
	echo "$d" | grep -q '^kmg_idioms: freeing through kfree_const$' || kmg_fail "pr_debug lost"
	echo "$d" | grep -q '^kmg_idioms kmg_idioms.0: idioms-dev: probed as idioms-probe$' || kmg_fail "dev_fmt lost"
	echo "$d" | grep -q '^kmg_idioms kmg_idioms.0: idioms-dev: dev_dbg is on$' || kmg_fail "dev_dbg lost (DEBUG)"
}

test_own_header_leak_reported_there() {
	l=$(kmg_lines kmg_idioms.h helper-table)
	kmg_insmod kmg_idioms leak=helper
	kmg_rmmod_leaky kmg_idioms
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_idioms$' || kmg_fail "no leak report"
	echo "$d" | grep -q "^leaked from kmg_idioms.h:$l in kmg_idioms_table(): 1 object, 64 bytes" ||
		kmg_fail "leak at kmg_idioms.h:$l not reported"
	[ "$(echo "$d" | grep -c '^leaked from ')" = 1 ] || kmg_fail "more than the one leak reported"
}

test_scope_cleanup_double_free() {
	l=$(kmg_lines kmg_idioms.c free-then-scope)
	kmg_dmesg_reset
	kmg_expect_warn kmg_insmod kmg_idioms bug=free_twice
	rmmod kmg_idioms
	d=$(kmg_dmesg)
	[ "$(echo "$d" | grep -c '^BUG: kmemguard: ')" = 1 ] || kmg_fail "expected one report"
	echo "$d" | grep -q '^BUG: kmemguard: double-free in kmg_idioms_scoped \[kmg_idioms\]$' ||
		kmg_fail "no double-free report naming kmg_idioms_scoped"
	echo "$d" | grep -q '^kfree() of [0-9a-f]* at kmg_idioms_scoped+0x[0-9a-f]*/0x[0-9a-f]*:0: freed before; refused$' ||
		kmg_fail "the second free is not the scope's cleanup"
	echo "$d" | grep -q "^first freed at kmg_idioms.c:$l in kmg_idioms_scoped():" ||
		kmg_fail "first free (kmg_idioms.c:$l) not shown"
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "objects still live"
}

test_command_line_opt_in() {
	l=$(kmg_lines kmg_cmdline.c leak)
	kmg_insmod kmg_cmdline
	kmg_rmmod_leaky kmg_cmdline
	d=$(kmg_dmesg)
	echo "$d" | grep -q '^BUG: kmemguard: memory-leak in kmg_cmdline$' || kmg_fail "not tracked"
	echo "$d" | grep -q "^leaked from .*kmg_cmdline.c:$l in kmg_cmdline_init(): 1 object, 40 bytes" ||
		kmg_fail "leak at kmg_cmdline.c:$l not reported"
	echo "$d" | grep -q '^kmg_cmdline: loaded$' || kmg_fail "pr_fmt lost"
}
