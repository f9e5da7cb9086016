/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/gfp.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_GFP_H
#define __KMG_OVERRIDE_LINUX_GFP_H
#include_next <linux/gfp.h>
#define __KMG_READY_GFP
#include "../../kmemguard/wrap.h"
#endif
