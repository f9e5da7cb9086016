// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: misuses per-CPU memory. Each report must name the line
 * marked "KMG: <bug>".
 * bug=leak:		    alloc_percpu() and __alloc_percpu_gfp() memory
 *			    never freed (reported at unload)
 * bug=double:		    free_percpu() twice
 * bug=kfree_percpu:	    alloc_percpu() memory freed with kfree()
 * bug=free_percpu_kmalloc: kmalloc() memory freed with free_percpu()
 * bug=free_percpu_stack:   free_percpu() of a stack address (refused)
 * bug=atomic:		    alloc_percpu() (GFP_KERNEL) under a spinlock
 * bug=free_percpu_devm:    devm_alloc_percpu() memory freed with free_percpu()
 * bug=devm_atomic:	    devm_alloc_percpu() under a spinlock (refused: NULL)
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

static char *bug = "leak";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which misuse");

static DEFINE_SPINLOCK(kmg_percpu_bug_lock);
static u64 __percpu *kept;
static struct device *kmg_percpu_bug_dev;

static int __init kmg_percpu_bug_init(void)
{
	u64 __percpu *p;
	struct device *d;
	void *k;
	long x;

	if (!strcmp(bug, "leak")) {
		kept = alloc_percpu(u64); /* KMG: leak */
		kept = __alloc_percpu_gfp(128, 16, GFP_KERNEL); /* KMG: leak */
	} else if (!strcmp(bug, "double")) {
		p = alloc_percpu(u64);
		free_percpu(p);
		free_percpu(p); /* KMG: double-free-percpu */
	} else if (!strcmp(bug, "kfree_percpu")) {
		p = alloc_percpu(u64);
		kfree((void __force *)p); /* KMG: mismatched-free-kfree_percpu */
	} else if (!strcmp(bug, "free_percpu_kmalloc")) {
		k = kmalloc(64, GFP_KERNEL);
		free_percpu((void __percpu __force *)k); /* KMG: mismatched-free-percpu_kmalloc */
	} else if (!strcmp(bug, "free_percpu_stack")) {
		free_percpu((void __percpu __force *)&x); /* KMG: invalid-free-percpu */
	} else if (!strcmp(bug, "atomic")) {
		spin_lock(&kmg_percpu_bug_lock);
		p = alloc_percpu(u64); /* KMG: sleep-in-atomic-percpu */
		spin_unlock(&kmg_percpu_bug_lock);
		free_percpu(p);
	} else if (!strcmp(bug, "free_percpu_devm")) {
		kmg_percpu_bug_dev = root_device_register("kmg_percpu_bug");
		if (IS_ERR(kmg_percpu_bug_dev))
			return PTR_ERR(kmg_percpu_bug_dev);
		p = devm_alloc_percpu(kmg_percpu_bug_dev, u64);
		free_percpu(p); /* KMG: mismatched-free-percpu_devm */
	} else if (!strcmp(bug, "devm_atomic")) {
		kmg_percpu_bug_dev = root_device_register("kmg_percpu_bug");
		if (IS_ERR(kmg_percpu_bug_dev))
			return PTR_ERR(kmg_percpu_bug_dev);
		d = kmg_percpu_bug_dev;
		spin_lock(&kmg_percpu_bug_lock);
		p = devm_alloc_percpu(d, u64); /* KMG: sleep-in-atomic-percpu_devm */
		spin_unlock(&kmg_percpu_bug_lock);
		if (p)
			return -EINVAL;	/* must have been refused */
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_percpu_bug_exit(void)
{
	if (!IS_ERR_OR_NULL(kmg_percpu_bug_dev))
		root_device_unregister(kmg_percpu_bug_dev);
}

module_init(kmg_percpu_bug_init);
module_exit(kmg_percpu_bug_exit);
MODULE_DESCRIPTION("kmemguard sample: per-CPU memory, misused");
MODULE_LICENSE("GPL");
