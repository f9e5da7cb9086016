# kernels: deb6.12 rt6.12
# Real driver, e1000: QEMU's Intel 82540EM (ci/qemu-run), a PCI device on
# the direct DMA mapping. Bringing the interface up allocates its transmit
# and receive descriptor rings with dma_alloc_coherent(), down frees them;
# packets go both ways to QEMU's gateway in between. Twice, the second
# time while the quarantine holds the first rings (DMA memory of a plain
# direct-mapped device). No report, no stale record, no warning, and
# the rings were tracked as DMA memory while the interface was up.
. /kmg/tests/real-lib.sh

# The interface of the e1000 card: the one whose driver is e1000.
kmg_e1000_if() {
	local n
	for n in /sys/class/net/*; do
		[ "$(basename "$(readlink "$n/device/driver" 2> /dev/null)")" = e1000 ] &&
			{ basename "$n"; return 0; }
	done
	return 1
}

test_e1000() {
	kmg_real_load e1000
	sleep 1
	dev=$(kmg_e1000_if) || kmg_fail "no e1000 interface (is the card on the guest's PCI bus?)"
	ip addr add 10.0.2.15/24 dev "$dev" || kmg_fail "ip addr add on $dev"
	for round in 1 2; do
		ip link set "$dev" up || kmg_fail "ip link set $dev up"
		# The link comes up a moment after the interface does.
		i=0
		while [ "$(cat /sys/class/net/$dev/carrier 2> /dev/null)" != 1 ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		ping -c 3 -W 2 10.0.2.2 > /tmp/ping.out 2>&1 ||
			{ cat /tmp/ping.out; kmg_fail "round $round: no reply from QEMU's gateway"; }
		rings=$(grep -c ' dma order=[0-9]* module=e1000 ' $KMG_DBG/allocations || true)
		[ "$rings" -ge 2 ] || kmg_fail "round $round: $rings DMA-coherent allocations tracked while up, not the two rings"
		ip link set "$dev" down
		left=$(grep -c ' dma order=[0-9]* module=e1000 ' $KMG_DBG/allocations || true)
		[ "$left" = 0 ] || kmg_fail "round $round: $left DMA allocations still live after down"
	done
	[ "$(cat /sys/class/net/$dev/statistics/rx_packets)" -ge 6 ] || kmg_fail "too little traffic into $dev"
	kmg_real_unload e1000
}
