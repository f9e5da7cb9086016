/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/sprintf.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_SPRINTF_H
#define __KMG_OVERRIDE_LINUX_SPRINTF_H
#include_next <linux/sprintf.h>
#define __KMG_READY_SPRINTF
#include "../../kmemguard/wrap.h"
#endif
