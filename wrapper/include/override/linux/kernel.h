/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/kernel.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_KERNEL_H
#define __KMG_OVERRIDE_LINUX_KERNEL_H
#include_next <linux/kernel.h>
#define __KMG_READY_SPRINTF
#include "../../kmemguard/wrap.h"
#endif
