# SPDX-License-Identifier: GPL-2.0
#
# Track every allocation of a driver with no source change: add one line to
# the driver's Kbuild (or the kbuild part of its Makefile), ON A LINE OF ITS
# OWN, BEFORE ITS obj-m LINE (a line after a trailing backslash would be
# swallowed by it, silently):
#
#	include /path/to/kmemguard/wrapper/kmemguard.mk
#
# or, changing no file at all, put `kmemguard kbuild-flags` on the make
# command line (same effect):
#
#	make -C $KDIR M=$PWD $(/path/to/kmemguard/wrapper/kmemguard kbuild-flags)
#
# It puts kmemguard's override headers first on the include path (kbuild's
# NOSTDINC_FLAGS comes before the kernel's own -I, ccflags-y after it), so
# that the driver's own #include <linux/slab.h> and friends get the kernel's
# header and then kmemguard's macros; tells kmemguard's header where the
# kernel's headers live, so that their inline functions stay the kernel's
# while the driver's own headers are tracked; and points modpost at
# kmemguard's Module.symvers. Nothing is force-included: a driver's pr_fmt,
# dev_fmt and DEBUG keep their meaning. Build kmemguard first (`make` at the
# top of the kmemguard tree). Add -DKMEMGUARD_DISABLE to ccflags-y to turn
# the wrappers off again.

KMEMGUARD_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
# Subdirectories of the module inherit NOSTDINC_FLAGS (it is exported).
override NOSTDINC_FLAGS += -I$(KMEMGUARD_DIR)/include/override -I$(KMEMGUARD_DIR)/include \
	-D__KMG_SRCTREE=\"$(srctree)/\" -D__KMG_OBJTREE=\"$(objtree)/\" \
	-D__KMG_SRCARCH=\"$(SRCARCH)\"
KBUILD_EXTRA_SYMBOLS += $(KMEMGUARD_DIR)/Module.symvers
