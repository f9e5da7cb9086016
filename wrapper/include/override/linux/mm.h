/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/mm.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_MM_H
#define __KMG_OVERRIDE_LINUX_MM_H
#include_next <linux/mm.h>
#define __KMG_READY_MM
#include "../../kmemguard/wrap.h"
#endif
