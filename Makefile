# kmemguard: leak and misuse tracking for Linux driver allocations.
#
#   make [KDIR=...]   build wrapper/kmemguard.ko, the samples (and the KUnit
#                     tests when KDIR's kernel has KUnit)
#   make demo         boot a stock kernel in QEMU and watch kmemguard catch bugs
#   make test         every test on every kernel; ends with "N passed, N failed"
#                     (KERNELS="debug deb6.12 deb6.1", TESTS="leak clean")
#   make check        sparse (C=2) and checkpatch --strict
#   make lint M=DIR   kmemguard's Coccinelle rules, sparse and checkpatch on the
#                     driver in DIR, built against KDIR (wrapper/kmemguard-lint)
#   make clean

KDIR ?= /lib/modules/$(shell uname -r)/build
KMG_TOP := $(CURDIR)
KUNIT := $(shell grep -qs '^CONFIG_KUNIT=y' $(KDIR)/.config && echo y)

.PHONY: all modules demo test check lint clean

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/wrapper modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/mk modules
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/samples/tutorial modules
ifeq ($(KUNIT),y)
	$(MAKE) -C $(KDIR) M=$(KMG_TOP)/tests/kunit modules
endif

demo:
	bash ci/demo

test:
	bash ci/test

check:
	bash ci/check

lint:
	@test -n "$(M)" || { echo "usage: make lint M=/path/to/driver [KDIR=...]" >&2; exit 2; }
	@bash wrapper/kmemguard-lint -k "$(KDIR)" "$(M)"

clean:
	for d in wrapper samples samples/mk samples/tutorial tests/kunit; do \
		[ -d $$d ] && $(MAKE) -C $(KDIR) M=$(KMG_TOP)/$$d clean || true; \
	done
	rm -rf build
