// SPDX-License-Identifier: GPL-2.0
/*
 * Allocates only: puts n objects on kmg_slot's shelf for kmg_pair_b to free,
 * and frees nothing itself. What b leaves is this module's leak.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

#include "kmg_slot.h"

static unsigned int n = 2;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "objects to put on the shelf, 1..16");

static int __init kmg_pair_a_init(void)
{
	unsigned int i;

	if (!n || n > 16)
		return -EINVAL;
	for (i = 0; i < n; i++)
		kmg_slot[i] = kmalloc(32 + i, GFP_KERNEL); /* KMG: pair-alloc */
	return 0;
}

static void __exit kmg_pair_a_exit(void)
{
}

module_init(kmg_pair_a_init);
module_exit(kmg_pair_a_exit);
MODULE_DESCRIPTION("kmemguard test: a module that only allocates");
MODULE_LICENSE("GPL");
