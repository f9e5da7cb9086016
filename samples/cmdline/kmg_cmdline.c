// SPDX-License-Identifier: GPL-2.0
/*
 * A driver that knows nothing about kmemguard, opted in from the make
 * command line (`kmemguard kbuild-flags`). It leaks one object on purpose.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

static void *kmg_cmdline_lost;

static int __init kmg_cmdline_init(void)
{
	kmg_cmdline_lost = kmalloc(40, GFP_KERNEL); /* KMG: leak */
	kmg_cmdline_lost = NULL;
	pr_info("loaded\n");
	return 0;
}

static void __exit kmg_cmdline_exit(void)
{
}

module_init(kmg_cmdline_init);
module_exit(kmg_cmdline_exit);
MODULE_DESCRIPTION("kmemguard sample: opted in from the make command line");
MODULE_LICENSE("GPL");
