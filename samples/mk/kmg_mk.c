// SPDX-License-Identifier: GPL-2.0
/*
 * A driver that knows nothing about kmemguard: it is tracked only because its
 * Kbuild includes wrapper/kmemguard.mk. It leaks one object on purpose.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init kmg_mk_init(void)
{
	void *p = kzalloc(48, GFP_KERNEL);

	kfree(p);
	p = kmalloc(24, GFP_KERNEL); /* KMG: leak */
	return 0;
}

static void __exit kmg_mk_exit(void)
{
}

module_init(kmg_mk_init);
module_exit(kmg_mk_exit);
MODULE_DESCRIPTION("kmemguard sample: tracked through kmemguard.mk");
MODULE_LICENSE("GPL");
