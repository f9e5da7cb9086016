# A clean driver using every wrapped call: zero reports, exact live views.

test_every_call_zero_reports() {
	live=$(kmg_stat 'live objects')
	kmg_insmod kmg_clean rounds=3
	rmmod kmg_clean
	kmg_expect_no_reports
	[ "$(kmg_stat 'live objects')" = "$live" ] || kmg_fail "live objects changed"
	[ "$(kmg_stat 'stale records replaced')" = 0 ] || kmg_fail "stale records: a free was missed"
}

test_live_objects_visible() {
	kmg_insmod kmg_clean
	for l in $(kmg_lines kmg_clean.c live); do
		grep -q "^1 [0-9]* [0-9]* 1 0 0 kmg_clean .*kmg_clean.c:$l kmg_clean_init$" $KMG_DBG/sites ||
			kmg_fail "site kmg_clean.c:$l not live in sites"
		grep -q "module=kmg_clean site=.*kmg_clean.c:$l " $KMG_DBG/allocations ||
			kmg_fail "object of kmg_clean.c:$l not in allocations"
	done
	n=$(grep -c 'module=kmg_clean ' $KMG_DBG/allocations)
	# 5 live objects (incl. the cache) + 2 devm objects of the bound device.
	[ "$n" = 7 ] || kmg_fail "expected 7 live kmg_clean objects, got $n"
	[ "$(grep -c ' devm order=0 module=kmg_clean ' $KMG_DBG/allocations)" = 2 ] ||
		kmg_fail "devm objects not tracked"
	rmmod kmg_clean
	kmg_expect_no_reports
	if grep -q 'module=kmg_clean ' $KMG_DBG/allocations; then
		kmg_fail "records left after unload"
	fi
}

test_header_inline_calls_untracked() {
	# The platform device, debugfs files and sysfs entries the sample
	# creates allocate through kernel helpers: none of it is the driver's.
	kmg_insmod kmg_clean
	if grep 'kmg_clean' $KMG_DBG/sites | grep -v 'kmg_clean.c:' ; then
		kmg_fail "a call site outside the driver's own file was tracked"
	fi
	rmmod kmg_clean
}
