# kernels: deb6.12 rt6.12
# Real driver, ehci: the USB 2.0 host controller driver, ehci-hcd with its
# PCI glue ehci-pci, on QEMU's EHCI controller (82801DB, ci/qemu-run) with
# a high-speed tablet on its root hub. ehci_mem_init() makes four DMA pools
# (ehci_qtd, ehci_qh, ehci_itd, ehci_sitd) and takes the async schedule's
# head from them; every endpoint in use gets a queue head (ehci_qh) with
# a dummy transfer descriptor, every transfer transfer descriptors
# (ehci_qtd); ehci_mem_cleanup() destroys the pools at unbind. Each round:
# load, enumerate; usbhid bound, its hidraw node opened and closed (an
# interrupt queue head in the periodic schedule, then unlinked); the root
# hub unconfigured (the tablet disconnected, its queue heads freed) and
# configured again (enumerated again while the quarantine holds them); the
# tablet's configuration dropped and set again; unload. Twice. No report,
# no stale record, no warning; pool and element records while loaded,
# none left after.
. /kmg/tests/real-lib.sh

KMG_EHCI_RECS=/tmp/ehci.alloc

# The tablet behind our controller (QEMU's: vendor 0627, product 0001).
kmg_ehci_tablet() {
	local d
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/idVendor" 2> /dev/null):$(cat "$d/idProduct" 2> /dev/null)" = 0627:0001 ] &&
			{ basename "$d"; return 0; }
	done
	return 1
}

# Wait (up to 20 s: a busy host's TCG guest took 4) until the tablet is
# enumerated and configured.
kmg_ehci_wait() {
	local i=0 t
	while [ $i -lt 200 ]; do
		t=$(kmg_ehci_tablet) && [ "$(cat /sys/bus/usb/devices/$t/bConfigurationValue 2> /dev/null)" = 1 ] &&
			return 0
		sleep 0.1
		i=$((i + 1))
	done
	kmg_fail "$1: the tablet did not enumerate behind the EHCI controller"
}

# Records of ehci_hcd's: "kmg_ehci_count FAMILY [POOL]".
kmg_ehci_count() {
	grep -c " $1 order=[0-9]* module=ehci_hcd pool=$2" $KMG_EHCI_RECS || true
}

test_ehci() {
	for round in 1 2; do
		kmg_real_load ehci_pci
		kmg_real_loaded ehci_hcd || kmg_fail "round $round: ehci_hcd not loaded with ehci_pci"
		kmg_ehci_wait "round $round"
		t=$(kmg_ehci_tablet)
		a0=$(kmg_real_allocs ehci_hcd)
		cat $KMG_DBG/allocations > $KMG_EHCI_RECS
		pools=$(kmg_ehci_count dma_pool_create ehci_)
		[ "$pools" = 4 ] || kmg_fail "round $round: $pools pool records, not ehci_hcd's 4"
		for p in qtd qh itd sitd; do
			[ "$(kmg_ehci_count dma_pool_create ehci_$p)" = 1 ] ||
				kmg_fail "round $round: no record of pool ehci_$p"
		done
		# The async schedule's head and the tablet's endpoint 0 (QEMU's
		# controller needs no dummy queue head); each queue head has its
		# dummy transfer descriptor.
		qh=$(kmg_ehci_count dma_pool ehci_qh)
		qtd=$(kmg_ehci_count dma_pool ehci_qtd)
		[ "$qh" -ge 2 ] || kmg_fail "round $round: $qh queue heads tracked, not 2 or more"
		[ "$qtd" -ge "$qh" ] || kmg_fail "round $round: $qtd transfer descriptors tracked for $qh queue heads"
		kmg_log "KMG-REAL-EHCI round $round: enumerated, live: $(grep -c " module=ehci_hcd " $KMG_EHCI_RECS || true) records, $qh in ehci_qh, $qtd in ehci_qtd"
		# A HID driver for the tablet (usbhid and hid-generic, stock;
		# loaded once, bound at once in round 2), its hidraw node opened:
		# usbhid's interrupt URB, polled from the periodic schedule, in
		# a queue head of its own; closed: the URB is unlinked.
		if [ $round = 1 ]; then
			kmg_real_stock hid_generic
			kmg_real_stock usbhid
		fi
		i=0
		while [ ! -c /dev/hidraw0 ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ -c /dev/hidraw0 ] || kmg_fail "round $round: no /dev/hidraw0 for the tablet"
		cat /dev/hidraw0 > /dev/null &
		pid=$!
		i=0
		while [ $i -lt 100 ]; do
			cat $KMG_DBG/allocations > $KMG_EHCI_RECS
			n=$(kmg_ehci_count dma_pool ehci_qh)
			[ "$n" -le "$qh" ] || break
			sleep 0.1
			i=$((i + 1))
		done
		[ "$n" -gt "$qh" ] || kmg_fail "round $round: $n queue heads tracked with hidraw open, $qh before"
		if [ $round = 1 ]; then
			grep ' module=ehci_hcd ' $KMG_EHCI_RECS | grep ' dma_pool' | sed 's/ pid=.*//' |
				while IFS= read -r l; do kmg_log "KMG-REAL-REC $l"; done
		fi
		kill $pid
		wait $pid || true
		# The root hub unconfigured and configured again: the tablet is
		# disconnected (its queue heads go back: only the async head is
		# left) and enumerated again.
		rh=/sys/bus/usb/devices/usb${t%%-*}
		h0=$(kmg_stat 'held bytes')
		echo 0 > $rh/bConfigurationValue
		! kmg_ehci_tablet > /dev/null || kmg_fail "round $round: the tablet stayed with its hub unconfigured"
		cat $KMG_DBG/allocations > $KMG_EHCI_RECS
		qh=$(kmg_ehci_count dma_pool ehci_qh)
		[ "$qh" = 1 ] || kmg_fail "round $round: $qh queue heads tracked with the tablet gone, not 1"
		kmg_log "KMG-REAL-EHCI round $round: tablet gone, quarantine held $h0 bytes before, $(kmg_stat 'held bytes') after"
		echo 1 > $rh/bConfigurationValue
		kmg_ehci_wait "round $round, root hub configured again"
		t=$(kmg_ehci_tablet)
		# Its configuration dropped and set again: control transfers.
		echo 0 > /sys/bus/usb/devices/$t/bConfigurationValue
		echo 1 > /sys/bus/usb/devices/$t/bConfigurationValue
		kmg_ehci_wait "round $round, configured again"
		a=$(kmg_real_allocs ehci_hcd)
		kmg_log "KMG-REAL-EHCI round $round: $a allocations tracked"
		[ "$a" -gt "$((a0 + qtd + 1))" ] || kmg_fail "round $round: too few allocations ($a0 at enumeration, $a after)"
		kmg_real_unload ehci_pci ehci_hcd
		left=$(grep -c ' module=ehci_hcd ' $KMG_DBG/allocations || true)
		[ "$left" = 0 ] || kmg_fail "round $round: $left records of ehci_hcd left after unload"
	done
	rmmod usbhid hid_generic hid
}
