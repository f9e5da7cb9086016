// SPDX-License-Identifier: GPL-2.0
/*
 * Not tracked by kmemguard: a shelf of pointers and a platform device that
 * the tracked test modules share, so that one can free what another
 * allocated, and one can leave devm memory on a device it does not own,
 * without depending on each other.
 */
#include <linux/module.h>
#include <linux/platform_device.h>

#include "kmg_slot.h"

void *kmg_slot[KMG_SLOTS];
EXPORT_SYMBOL_GPL(kmg_slot);
struct platform_device *kmg_slot_pdev;
EXPORT_SYMBOL_GPL(kmg_slot_pdev);

static int __init kmg_slot_init(void)
{
	kmg_slot_pdev = platform_device_register_simple("kmg_slot", -1, NULL, 0);
	return PTR_ERR_OR_ZERO(kmg_slot_pdev);
}

static void __exit kmg_slot_exit(void)
{
	platform_device_unregister(kmg_slot_pdev);
}

module_init(kmg_slot_init);
module_exit(kmg_slot_exit);
MODULE_DESCRIPTION("kmemguard test: an untracked shelf and device");
MODULE_LICENSE("GPL");
