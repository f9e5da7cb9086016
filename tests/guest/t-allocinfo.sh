# kernels: debug
# Memory allocation profiling charges the driver's line, not kmemguard's.

test_allocinfo_blames_driver_line() {
	kmg_insmod kmg_clean
	for l in $(kmg_lines kmg_clean.c live); do
		# A cache's own struct is the kernel's allocation, not the line's.
		sed -n "${l}p" $KMG_SRC/samples/kmg_clean.c | grep -q KMEM_CACHE && continue
		# "<bytes> <calls> <file>:<line> [module] func:<function>"
		grep -E "^ *[1-9][0-9]* +[1-9][0-9]* .*kmg_clean.c:$l \[kmg_clean\] func:kmg_clean_init" /proc/allocinfo ||
			{ grep kmg_clean /proc/allocinfo; kmg_fail "kmg_clean.c:$l not charged in /proc/allocinfo"; }
	done
	# kmemguard's wrappers hold nothing of the driver's.
	if grep -E "^ *[1-9][0-9]* .*wrappers.c:" /proc/allocinfo; then
		kmg_fail "allocations charged to kmemguard's wrappers"
	fi
	rmmod kmg_clean
}
