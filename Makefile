# kmemguard: leak and misuse tracking for Linux driver allocations.
#
#   make [KDIR=...]   build wrapper/kmemguard.ko, the samples (and the KUnit
#                     tests when KDIR's kernel has KUnit)
#   make demo         boot a stock kernel in QEMU and watch kmemguard catch bugs
#   make test         every test on every kernel; ends with "N passed, N failed"
#                     (KERNELS="debug deb6.12 deb6.1", TESTS="leak clean")
#   make test-real    every real driver of tests/real (built with kmemguard from
#                     linux-source-6.12, exercised in Debian 6.12 and 6.12 RT
#                     guests) and the whole compile sweep (~2 min of drivers on
#                     each kernel, ~70 of sweep)
#   make test-fresh   make demo and a small make test in a clean Debian 12 root
#                     (debootstrap minbase + git + make), as a new user would (ci/fresh)
#   make check        sparse (C=2) and checkpatch --strict
#   make bench        kmemguard's cost against the raw calls, in QEMU (ci/bench)
#   make lint M=DIR   kmemguard's Coccinelle rules, sparse and checkpatch on the
#                     driver in DIR, built against KDIR (wrapper/kmemguard-lint)
#   make install      the module for KDIR (/lib/modules/<release>/updates), what
#                     drivers build against (PREFIX/share/kmemguard/<release>/),
#                     the commands (PREFIX/bin) and the Coccinelle rules;
#                     DESTDIR and PREFIX (/usr/local) as usual
#   make install-dkms the module's source to DESTDIR/usr/src/kmemguard-<version>
#                     with wrapper/dkms.conf, for `dkms install kmemguard/<version>`
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
KMG_TOP := $(CURDIR)
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' wrapper/dkms.conf)
KREL = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
KUNIT := $(shell grep -qs '^CONFIG_KUNIT=y' $(KDIR)/.config && echo y)

.PHONY: all modules demo test test-real test-fresh check bench lint install install-dkms clean

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/wrapper modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/mk modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/tutorial modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/idioms modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/cmdline $$(sh $(KMG_TOP)/wrapper/kmemguard kbuild-flags) modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/tests/bench modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/tests/stress modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/tests/lifetime modules
ifeq ($(KUNIT),y)
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/tests/kunit modules
endif

demo:
	bash ci/demo

test:
	bash ci/test

test-real:
	TESTS=real KERNELS="deb6.12 rt6.12" REAL_UNITS=all REAL_SWEEP=all bash ci/test

test-fresh:
	TESTS=fresh bash ci/test

check:
	bash ci/check

bench:
	bash ci/bench

lint:
	@test -n "$(M)" || { echo "usage: make lint M=/path/to/driver [KDIR=...]" >&2; exit 2; }
	@bash wrapper/kmemguard-lint -k "$(KDIR)" "$(M)"

install:
	@test -n "$(KREL)" || { echo "no kernel build directory at KDIR=$(KDIR)" >&2; exit 2; }
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/wrapper modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/wrapper modules_install \
		INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL=
	test -n "$(DESTDIR)" || depmod -a $(KREL)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kmemguard/cocci \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include
	install -m 755 wrapper/kmemguard wrapper/kmemguard-hunt wrapper/kmemguard-lint \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 644 wrapper/cocci/*.cocci $(DESTDIR)$(PREFIX)/share/kmemguard/cocci/
	install -m 644 wrapper/kmemguard.mk wrapper/Module.symvers \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/
	install -d $(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/kmemguard \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/override/linux/device
	install -m 644 wrapper/include/kmemguard.h \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/
	install -m 644 wrapper/include/kmemguard/*.h \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/kmemguard/
	install -m 644 wrapper/include/override/linux/*.h \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/override/linux/
	install -m 644 wrapper/include/override/linux/device/*.h \
		$(DESTDIR)$(PREFIX)/share/kmemguard/$(KREL)/include/override/linux/device/

install-dkms:
	install -d $(DESTDIR)/usr/src/kmemguard-$(VERSION)/include/kmemguard
	install -m 644 wrapper/Kbuild wrapper/dkms.conf wrapper/kmemguard.mk \
		$(filter-out %.mod.c,$(wildcard wrapper/*.c)) wrapper/*.h \
		$(DESTDIR)/usr/src/kmemguard-$(VERSION)/
	install -m 644 wrapper/include/kmemguard.h $(DESTDIR)/usr/src/kmemguard-$(VERSION)/include/
	install -m 644 wrapper/include/kmemguard/*.h $(DESTDIR)/usr/src/kmemguard-$(VERSION)/include/kmemguard/

clean:
	for d in wrapper samples samples/mk samples/tutorial samples/idioms samples/cmdline tests/bench tests/stress tests/lifetime tests/kunit; do \
		[ -d $$d ] && $(MAKE) -C $(KDIR) M=$(KMG_TOP)/$$d clean || true; \
	done
	rm -rf build
