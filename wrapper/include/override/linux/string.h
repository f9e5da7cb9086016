/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/string.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_STRING_H
#define __KMG_OVERRIDE_LINUX_STRING_H
#include_next <linux/string.h>
#define __KMG_READY_STRING
#include "../../kmemguard/wrap.h"
#endif
