// SPDX-License-Identifier: GPL-2.0
/*
 * Correct: a __GFP_NOFAIL allocation is promised memory, so kmemguard's
 * fault rules never fail one (run with a rule that fails every kmalloc of
 * this module: the plain one fails, the __GFP_NOFAIL ones do not). Init
 * fails with -EIO if a __GFP_NOFAIL allocation came back NULL.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static int __init kmg_nofail_init(void)
{
	void *plain = kmalloc(64, GFP_KERNEL);
	void *nofail = kmalloc(64, GFP_KERNEL | __GFP_NOFAIL);
	void *znofail = kzalloc(256, GFP_KERNEL | __GFP_NOFAIL);
	int ret = nofail && znofail ? 0 : -EIO;

	pr_info("kmg_nofail: plain %s, __GFP_NOFAIL %s\n", plain ? "memory" : "NULL",
		ret ? "NULL" : "memory");
	kfree(plain);
	kfree(nofail);
	kfree(znofail);
	return ret;
}

static void __exit kmg_nofail_exit(void)
{
}

module_init(kmg_nofail_init);
module_exit(kmg_nofail_exit);
MODULE_DESCRIPTION("kmemguard sample: __GFP_NOFAIL under fault rules");
MODULE_LICENSE("GPL");
