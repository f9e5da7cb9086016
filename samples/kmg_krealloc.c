// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: krealloc() of something that is not a live kmalloc
 * object. kmemguard checks the old pointer first: a freed one is a
 * double-free, vmalloc memory a mismatched-free, a pointer into an object
 * an invalid-free; each is refused (NULL back, the old memory untouched).
 *
 * bug=freed|vmalloc|interior
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "freed";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "freed|vmalloc|interior");

static int __init kmg_krealloc_init(void)
{
	char *p, *q = NULL;

	if (!strcmp(bug, "freed")) {
		p = kmalloc(64, GFP_KERNEL);
		kfree(p);
		q = krealloc(p, 128, GFP_KERNEL); /* KMG: krealloc-freed */
	} else if (!strcmp(bug, "vmalloc")) {
		p = vmalloc(8192);
		q = krealloc(p, 16384, GFP_KERNEL); /* KMG: krealloc-vmalloc */
		vfree(p);
	} else if (!strcmp(bug, "interior")) {
		p = kmalloc(64, GFP_KERNEL);
		q = krealloc(p + 16, 128, GFP_KERNEL); /* KMG: krealloc-interior */
		kfree(p);
	} else {
		return -EINVAL;
	}
	pr_info("kmg_krealloc: %s: krealloc returned %s\n", bug, q ? "memory" : "NULL");
	kfree(q);
	return 0;
}

static void __exit kmg_krealloc_exit(void)
{
}

module_init(kmg_krealloc_init);
module_exit(kmg_krealloc_exit);
MODULE_DESCRIPTION("kmemguard sample: krealloc() of a bad pointer");
MODULE_LICENSE("GPL");
