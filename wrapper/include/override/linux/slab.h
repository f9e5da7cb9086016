/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/slab.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_SLAB_H
#define __KMG_OVERRIDE_LINUX_SLAB_H
#include_next <linux/slab.h>
#define __KMG_READY_SLAB
#include "../../kmemguard/wrap.h"
#endif
