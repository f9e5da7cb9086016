// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard checks: the calling context of an allocation or free.
 *
 * No locks here: everything is read from the current CPU's preempt count.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/hardirq.h>
#include <linux/preempt.h>

#include "kmg.h"

/* The context an allocation is made in, as a record keeps it. */
enum kmg_context kmg_current_context(void)
{
	if (in_nmi())
		return KMG_CTX_NMI;
	if (in_hardirq())
		return KMG_CTX_HARDIRQ;
	if (in_serving_softirq())
		return KMG_CTX_SOFTIRQ;
	return KMG_CTX_TASK;
}
