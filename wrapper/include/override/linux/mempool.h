/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/mempool.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_MEMPOOL_H
#define __KMG_OVERRIDE_LINUX_MEMPOOL_H
#include_next <linux/mempool.h>
#define __KMG_READY_MEMPOOL
#include "../../kmemguard/wrap.h"
#endif
