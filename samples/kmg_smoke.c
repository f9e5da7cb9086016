// SPDX-License-Identifier: GPL-2.0
/*
 * Smallest tracked module: one allocation kept while loaded, freed at exit.
 * The harness's smoke test loads and unloads it on every kernel.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static void *kmg_smoke_buf;

static int __init kmg_smoke_init(void)
{
	kmg_smoke_buf = kmalloc(100, GFP_KERNEL); /* KMG: smoke-live */
	return kmg_smoke_buf ? 0 : -ENOMEM;
}

static void __exit kmg_smoke_exit(void)
{
	kfree(kmg_smoke_buf);
}

module_init(kmg_smoke_init);
module_exit(kmg_smoke_exit);
MODULE_DESCRIPTION("kmemguard smoke test module");
MODULE_LICENSE("GPL");
