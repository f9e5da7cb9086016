# kmemguard-hunt on the live guest: a module with a correct (goto unwind)
# error path passes for every n; a leaky one is caught and named.

test_correct_error_path_passes_every_n() {
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt $KMG_MOD/kmg_tutorial.ko > /tmp/hunt.out
	cat /tmp/hunt.out
	grep -q '^kmg_tutorial: 6 tracked allocations in init$' /tmp/hunt.out
	[ "$(grep -c 'init failed cleanly$' /tmp/hunt.out)" = 6 ]
	kmg_dmesg_reset
}

test_leaky_error_path_found() {
	# kmg_mk's init makes two allocations and leaks the second on every
	# load: found with no failure injected, and at n=1; at n=2 the leaking
	# allocation itself fails, which the module copes with.
	set +e
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt $KMG_MOD/kmg_mk.ko > /tmp/hunt.out
	rc=$?
	set -e
	cat /tmp/hunt.out
	[ $rc = 1 ] || kmg_fail "exit $rc, not 1"
	grep -q '^kmg_mk leaks with no failure injected$' /tmp/hunt.out
	l=$(kmg_lines kmg_mk.c leak)
	# (kmemguard.mk leaves the compiler's file names alone: full paths.)
	grep -qE "^  1  [^ ]*kmg_mk.c:[0-9]+ +LEAK: [^ ]*kmg_mk.c:$l \$" /tmp/hunt.out
	grep -qE "^  2  [^ ]*kmg_mk.c:$l +loaded, failure handled\$" /tmp/hunt.out
	kmg_rmmod_leaky_done
}

test_hunt_refuses_bad_use() {
	set +e
	sh /kmg/kmemguard-hunt > /dev/null 2>&1
	a=$?
	sh /kmg/kmemguard-hunt /nonexistent.ko > /dev/null 2>&1
	b=$?
	set -e
	[ $a = 2 ] && [ $b = 2 ]
}
