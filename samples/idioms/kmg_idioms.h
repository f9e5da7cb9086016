/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmg_idioms' own header: its inline helpers allocate for the driver, so
 * kmemguard tracks them (they are not the kernel's).
 */
#ifndef _KMG_IDIOMS_H
#define _KMG_IDIOMS_H

#include <linux/slab.h>

static inline char *kmg_idioms_name(const char *what)
{
	return kasprintf(GFP_KERNEL, "idioms-%s", what); /* KMG: helper-name */
}

static inline unsigned long *kmg_idioms_table(size_t n)
{
	return kcalloc(n, sizeof(unsigned long), GFP_KERNEL); /* KMG: helper-table */
}

#endif
