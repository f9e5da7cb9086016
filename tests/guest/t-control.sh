# debugfs views and control: filtering, root-only files, bad input rejected
# with nothing changed, disable/enable.

test_files_root_only() {
	for f in allocations sites stats; do
		[ "$(stat -c %a $KMG_DBG/$f)" = 400 ] || kmg_fail "$f is not 0400"
	done
	for f in control faults; do
		[ "$(stat -c %a $KMG_DBG/$f)" = 600 ] || kmg_fail "$f is not 0600"
	done
}

test_sites_header_versioned() {
	head -1 $KMG_DBG/sites | grep -q '^kmemguard sites - version: 1.0$'
}

test_filter_by_module() {
	kmg_insmod kmg_smoke
	kmg_insmod kmg_clean
	echo filter=kmg_smoke > $KMG_DBG/control
	n=$(grep -vc '^#' $KMG_DBG/allocations || true)
	m=$(grep -c 'module=kmg_smoke ' $KMG_DBG/allocations || true)
	echo filter= > $KMG_DBG/control
	all=$(grep -vc '^#' $KMG_DBG/allocations || true)
	rmmod kmg_clean
	rmmod kmg_smoke
	[ "$n" = 1 ] && [ "$m" = 1 ] || kmg_fail "filter shows $n lines, $m of kmg_smoke"
	[ "$all" -gt 1 ] || kmg_fail "unfiltered listing has $all lines"
}

test_bad_input_rejected_unchanged() {
	before=$(cat $KMG_DBG/control)
	for bad in bogus 'report_objects=0' 'report_objects=x' 'report_objects=99999' \
		'raw_pointers=maybe' 'filter=a/b' 'enable disable' 'fail_records=-1'; do
		if printf '%s' "$bad" > $KMG_DBG/control 2>/dev/null; then
			kmg_fail "accepted '$bad'"
		fi
	done
	if printf 'enable\nfilter=x' > $KMG_DBG/control 2>/dev/null; then
		kmg_fail "accepted two commands in one write"
	fi
	if dd if=/dev/zero of=$KMG_DBG/control bs=200 count=1 2>/dev/null; then
		kmg_fail "accepted an oversized write"
	fi
	[ "$(cat $KMG_DBG/control)" = "$before" ] || kmg_fail "state changed by rejected writes"
	dmesg | grep -q 'kmemguard: control: ' || kmg_fail "no reason logged"
	echo report_objects=7 > $KMG_DBG/control
	grep -q '^report_objects=7$' $KMG_DBG/control
	echo report_objects=4 > $KMG_DBG/control
}

test_bad_module_parameter_rejected() {
	p=/sys/module/kmemguard/parameters
	for bad in 'stack_depth 99' 'stack_depth -1' 'report_objects 0' 'enabled perhaps' \
		'stack_sample -1' 'stack_sample 1000001' 'quarantine 1025'; do
		set -- $bad
		old=$(cat $p/$1)
		if echo "$2" > $p/$1 2>/dev/null; then
			kmg_fail "parameter $1 accepted $2"
		fi
		[ "$(cat $p/$1)" = "$old" ] || kmg_fail "parameter $1 changed"
	done
}

test_no_record_memory_no_false_report() {
	# kmemguard cannot get memory for its records: drivers do not notice,
	# the objects go untracked and counted, and no false report follows.
	deg=$(kmg_stat 'degraded (untracked: no record memory)')
	echo fail_records=1000 > $KMG_DBG/control
	kmg_insmod kmg_clean
	kmg_insmod kmg_leak
	rmmod kmg_clean
	kmg_rmmod_leaky kmg_leak
	echo fail_records=0 > $KMG_DBG/control
	kmg_expect_no_reports
	[ "$(kmg_stat 'degraded (untracked: no record memory)')" -gt $((deg + 20)) ] ||
		kmg_fail "untracked objects not counted"
	[ "$(kmg_stat 'live objects')" = 0 ]
	# Tracking resumes.
	kmg_insmod kmg_mk
	kmg_rmmod_leaky kmg_mk
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "not tracking afterwards"
}

test_disable_drops_records_and_passes_through() {
	kmg_insmod kmg_smoke
	echo disable > $KMG_DBG/control
	[ "$(kmg_stat 'live objects')" = 0 ] || kmg_fail "records kept while disabled"
	[ "$(kmg_stat enabled)" = 0 ]
	kmg_insmod kmg_leak
	kmg_rmmod_leaky kmg_leak
	rmmod kmg_smoke
	echo 1 > /sys/module/kmemguard/parameters/enabled
	[ "$(kmg_stat enabled)" = 1 ]
	kmg_expect_no_reports
	# Tracking is back.
	kmg_insmod kmg_mk
	kmg_rmmod_leaky kmg_mk
	[ "$(kmg_count_reports)" = 1 ] || kmg_fail "not tracking after enable"
}
