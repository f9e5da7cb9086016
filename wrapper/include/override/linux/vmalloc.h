/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/vmalloc.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_VMALLOC_H
#define __KMG_OVERRIDE_LINUX_VMALLOC_H
#include_next <linux/vmalloc.h>
#define __KMG_READY_VMALLOC
#include "../../kmemguard/wrap.h"
#endif
