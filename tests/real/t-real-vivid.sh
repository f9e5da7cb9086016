# kernels: deb6.12 rt6.12
# Real driver, vivid: a V4L2 capture device, streamed with mmap buffers (kmg-v4l2).
. /kmg/tests/real-lib.sh

test_vivid() {
	kmg_real_load vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x0
	dev=
	for v in /sys/class/video4linux/video*; do
		grep -q vivid "$v/name" && dev=/dev/${v##*/} && break
	done
	[ -n "$dev" ] && [ -c "$dev" ] || kmg_fail "no vivid video node"
	kmg-v4l2 "$dev" 10 || kmg_fail "streaming from $dev"
	kmg-v4l2 "$dev" 5 || kmg_fail "streaming again from $dev"
	[ "$(kmg_real_allocs vivid)" -gt 0 ] || kmg_fail "nothing tracked"
	kmg_real_unload vivid
}
