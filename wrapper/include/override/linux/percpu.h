/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/percpu.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_PERCPU_H
#define __KMG_OVERRIDE_LINUX_PERCPU_H
#include_next <linux/percpu.h>
#define __KMG_READY_PERCPU
#include "../../kmemguard/wrap.h"
#endif
