// SPDX-License-Identifier: GPL-2.0
/*
 * Frees only: its only tracked calls are frees of what kmg_pair_a put on
 * kmg_slot's shelf. twice=1 frees the first one again (a double free that
 * kmemguard refuses, naming both modules' lines).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

#include "kmg_slot.h"

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "objects to take off the shelf and free, 0..16");
static bool twice;
module_param(twice, bool, 0444);
MODULE_PARM_DESC(twice, "free the first object a second time");

static int __init kmg_pair_b_init(void)
{
	void *first = kmg_slot[0];
	unsigned int i;

	if (count > 16)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		kfree(kmg_slot[i]); /* KMG: pair-free */
		kmg_slot[i] = NULL;
	}
	if (twice)
		kfree(first); /* KMG: pair-double-free */
	return 0;
}

static void __exit kmg_pair_b_exit(void)
{
}

module_init(kmg_pair_b_init);
module_exit(kmg_pair_b_exit);
MODULE_DESCRIPTION("kmemguard test: a module that only frees");
MODULE_LICENSE("GPL");
