/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/rcupdate.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_RCUPDATE_H
#define __KMG_OVERRIDE_LINUX_RCUPDATE_H
#include_next <linux/rcupdate.h>
#define __KMG_READY_RCU
#include "../../kmemguard/wrap.h"
#endif
