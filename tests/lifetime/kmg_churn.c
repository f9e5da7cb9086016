// SPDX-License-Identifier: GPL-2.0
/*
 * Allocates and frees `pages` pages and as many 1 KiB kmalloc objects, on
 * the CPU it loads on, and keeps nothing: what is held afterwards is
 * kmemguard's quarantine.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static unsigned int pages = 64;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "pages (and 1 KiB objects) to allocate and free");

static int __init kmg_churn_init(void)
{
	unsigned long a;
	unsigned int i;
	void *p;

	for (i = 0; i < pages; i++) {
		a = __get_free_page(GFP_KERNEL);
		p = kmalloc(1024, GFP_KERNEL);
		free_page(a);
		kfree(p);
	}
	return 0;
}

static void __exit kmg_churn_exit(void)
{
}

module_init(kmg_churn_init);
module_exit(kmg_churn_exit);
MODULE_DESCRIPTION("kmemguard test: frees that fill the quarantine");
MODULE_LICENSE("GPL");
