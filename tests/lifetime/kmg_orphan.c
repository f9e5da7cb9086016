// SPDX-License-Identifier: GPL-2.0
/*
 * Leaves devm memory on a device it does not own (kmg_slot's), which
 * outlives it: kmemguard's devres entry for that memory must not call into
 * kmemguard after kmemguard is gone.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <kmemguard.h>

#include "kmg_slot.h"

static int __init kmg_orphan_init(void)
{
	void *p = devm_kzalloc(&kmg_slot_pdev->dev, 48, GFP_KERNEL); /* KMG: orphan-devm */

	return p ? 0 : -ENOMEM;
}

static void __exit kmg_orphan_exit(void)
{
}

module_init(kmg_orphan_init);
module_exit(kmg_orphan_exit);
MODULE_DESCRIPTION("kmemguard test: devm memory on someone else's device");
MODULE_LICENSE("GPL");
