# kmemguard-hunt on the live guest (every kernel): a module with a correct
# (goto unwind) error path passes for every n; a leaky one is caught and
# named; a leak on an error path of a debugfs write is found in the
# exercise phase only, at every n that fails that path, with its
# reproducer, also as JSON. (The hunts that oops, WARN or leave a module
# stuck need fresh guests: ci/hunt runs them, tests/hunt/t-hunt.sh.)

test_correct_error_path_passes_every_n() {
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt $KMG_MOD/kmg_tutorial.ko > /tmp/hunt.out
	cat /tmp/hunt.out
	grep -q '^kmg_tutorial: tracked allocations: init 6, exit 0$' /tmp/hunt.out
	[ "$(grep -cE '^init +[1-6]  kmg_tutorial\.c:[0-9]+ +init failed cleanly$' /tmp/hunt.out)" = 6 ]
	grep -q '^done: kmg_tutorial: nothing found$' /tmp/hunt.out
	kmg_dmesg_reset
}

test_leaky_error_path_found() {
	# kmg_mk's init makes two allocations and leaks the second on every
	# load: found with no failure injected (n = 0), and at n=1; at n=2 the
	# leaking allocation itself fails, which the module copes with.
	set +e
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt $KMG_MOD/kmg_mk.ko > /tmp/hunt.out
	rc=$?
	set -e
	cat /tmp/hunt.out
	[ $rc = 1 ] || kmg_fail "exit $rc, not 1"
	l=$(kmg_lines kmg_mk.c leak)
	# (kmemguard.mk leaves the compiler's file names alone: full paths.)
	grep -qE "^clean +0  - +LEAK [^ ]*kmg_mk\\.c:$l\$" /tmp/hunt.out
	grep -qE "^init +1  [^ ]*kmg_mk\\.c:[0-9]+ +LEAK [^ ]*kmg_mk\\.c:$l\$" /tmp/hunt.out
	grep -qE "^init +2  [^ ]*kmg_mk\\.c:$l +loaded, failure handled\$" /tmp/hunt.out
	grep -qE "^finding 1: LEAK [^ ]*kmg_mk\\.c:$l\$" /tmp/hunt.out
	grep -qE "^  runs: clean n = 0; init n = 1\$" /tmp/hunt.out
	kmg_rmmod_leaky_done
}

test_exercise_phase_leak() {
	# ~55 s on the debug kernel for a check of the script's own logic,
	# which the three stock kernels run; the debug kernel's difference
	# (allocation profiling WARNs at leaky unloads) is in the test above.
	kmg_is_debug && return 0
	x='for i in 1 2 3; do echo hello > /sys/kernel/debug/kmg_hunt_xleak/cmd; done'
	set +e
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt -x "$x" $KMG_MOD/kmg_hunt_xleak.ko > /tmp/hunt.out
	rc=$?
	set -e
	cat /tmp/hunt.out
	[ $rc = 1 ] || kmg_fail "exit $rc, not 1"
	req=$(kmg_lines kmg_hunt_xleak.c xleak-req)
	data=$(kmg_lines kmg_hunt_xleak.c xleak-data)
	grep -q '^kmg_hunt_xleak: tracked allocations: init 1, exercise 6, exit 0$' /tmp/hunt.out
	# Init fails cleanly; the write's second allocation leaks the first.
	grep -qE '^init +1  kmg_hunt_xleak\.c:[0-9]+ +init failed cleanly$' /tmp/hunt.out
	for n in 2 4 6; do
		grep -qE "^exercise +$n  kmg_hunt_xleak\\.c:$data +LEAK kmg_hunt_xleak\\.c:$req\$" /tmp/hunt.out ||
			kmg_fail "no leak at exercise n=$n"
	done
	grep -q "^finding 1: LEAK kmg_hunt_xleak\\.c:$req\$" /tmp/hunt.out
	grep -q '^  runs: exercise n = 2, 4, 6$' /tmp/hunt.out
	grep -qF "  repro: insmod kmg_hunt_xleak.ko; echo 'module=kmg_hunt_xleak nth=2' > /sys/kernel/debug/kmemguard/faults; $x; echo clear > /sys/kernel/debug/kmemguard/faults; rmmod kmg_hunt_xleak" /tmp/hunt.out
	grep -q '^  | BUG: kmemguard: memory-leak in kmg_hunt_xleak$' /tmp/hunt.out
	grep -q '^done: kmg_hunt_xleak: 1 finding$' /tmp/hunt.out
	# The fixed version: nothing, in any phase.
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt -x "$x" $KMG_MOD/kmg_hunt_xleak.ko fixed=1 > /tmp/hunt.out
	cat /tmp/hunt.out
	[ "$(grep -cE '^exercise +[1-6]  ' /tmp/hunt.out)" = 6 ]
	! grep -q LEAK /tmp/hunt.out
	# One reproducer run (-n) and JSON: the same finding, one run.
	set +e
	INSMOD=kmg-insmod sh /kmg/kmemguard-hunt --json -p exercise -n 4 -x "$x" $KMG_MOD/kmg_hunt_xleak.ko > /tmp/hunt.json
	rc=$?
	set -e
	cat /tmp/hunt.json
	[ $rc = 1 ] || kmg_fail "-n 4: exit $rc, not 1"
	grep -q '^{"modules": \[$' /tmp/hunt.json
	grep -q "\"signature\": \"LEAK kmg_hunt_xleak.c:$req\", \"kind\": \"LEAK\", \"runs\": \[{\"phase\": \"exercise\", \"n\": 4}\]" /tmp/hunt.json
	grep -q '^"findings": 1}$' /tmp/hunt.json
	# The leaky runs' unloads WARNed on the debug kernel (allocation
	# profiling): expected.
	kmg_rmmod_leaky_done
	kmg_dmesg_reset
}

test_hunt_refuses_bad_use() {
	set +e
	sh /kmg/kmemguard-hunt > /dev/null 2>&1
	a=$?
	sh /kmg/kmemguard-hunt /nonexistent.ko > /dev/null 2>&1
	b=$?
	sh /kmg/kmemguard-hunt -p sideways $KMG_MOD/kmg_tutorial.ko > /dev/null 2>&1
	c=$?
	sh /kmg/kmemguard-hunt -n 2 $KMG_MOD/kmg_tutorial.ko > /dev/null 2>&1
	d=$?
	set -e
	[ $a = 2 ] && [ $b = 2 ] && [ $c = 2 ] && [ $d = 2 ]
}
