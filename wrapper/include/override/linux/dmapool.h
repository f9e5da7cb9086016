/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/dmapool.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_DMAPOOL_H
#define __KMG_OVERRIDE_LINUX_DMAPOOL_H
#include_next <linux/dmapool.h>
#define __KMG_READY_DMAPOOL
#include "../../kmemguard/wrap.h"
#endif
