/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/bitmap.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_BITMAP_H
#define __KMG_OVERRIDE_LINUX_BITMAP_H
#include_next <linux/bitmap.h>
#define __KMG_READY_BITMAP
#include "../../kmemguard/wrap.h"
#endif
