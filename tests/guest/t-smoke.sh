# Smoke: a tracked module loads, is seen, unloads; kmemguard stays pinned.

test_load_unload() {
	line=$(kmg_lines kmg_smoke.c smoke-live)
	kmg_insmod kmg_smoke
	grep -q '^kmg_smoke ' /proc/modules
	grep -q "^1 100 100 1 0 0 kmg_smoke .*kmg_smoke.c:$line kmg_smoke_init$" $KMG_DBG/sites ||
		kmg_fail "site kmg_smoke.c:$line not in sites: $(grep kmg_smoke $KMG_DBG/sites)"
	if rmmod kmemguard 2>/dev/null; then
		kmg_fail "kmemguard unloaded while a tracked module was loaded"
	fi
	rmmod kmg_smoke
	kmg_expect_no_reports
	if grep -q kmg_smoke $KMG_DBG/sites; then
		kmg_fail "sites of an unloaded module still listed"
	fi
}
