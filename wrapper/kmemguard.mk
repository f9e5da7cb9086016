# SPDX-License-Identifier: GPL-2.0
#
# Track every allocation of a driver with no source change: add one line to
# the driver's Kbuild (or Makefile),
#
#	include /path/to/kmemguard/wrapper/kmemguard.mk
#
# It force-includes kmemguard.h into every object of the module, adds the
# include path, and points modpost at kmemguard's Module.symvers (modpost
# reads KBUILD_EXTRA_SYMBOLS from the module's Kbuild file). Build
# kmemguard first (`make` at the top of the kmemguard tree). Add
# -DKMEMGUARD_DISABLE to ccflags-y to turn the wrappers off again.

KMEMGUARD_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ccflags-y += -I$(KMEMGUARD_DIR)/include -include $(KMEMGUARD_DIR)/include/kmemguard.h
KBUILD_EXTRA_SYMBOLS += $(KMEMGUARD_DIR)/Module.symvers
