# kernels: debug
# The KUnit suite of kmemguard's core; each case is counted on its own.

test_suite() {
	insmod $KMG_MOD/kmemguard_kunit.ko
	r=/sys/kernel/debug/kunit/kmemguard/results
	[ -r $r ] || kmg_fail "no KUnit results"
	bad=0 n=0
	# (kept: the file goes with the module)
	cp $r /tmp/kunit.all
	sed -n 's/^    \(ok\|not ok\) [0-9]* \([a-z_0-9]*\).*/\1 \2/p' /tmp/kunit.all > /tmp/kunit.res
	while read -r a b c; do
		n=$((n + 1))
		if [ "$a" = ok ]; then
			kmg_log "KMG-TEST ok kunit.$b"
		else
			kmg_log "KMG-TEST not ok kunit.$c"
			bad=1
		fi
	done < /tmp/kunit.res
	rmmod kmemguard_kunit
	[ $n -ge 12 ] || kmg_fail "only $n KUnit cases ran"
	[ $bad = 0 ] || { grep -v '^    ok' /tmp/kunit.all | head -40; kmg_fail "KUnit cases failed"; }
}
