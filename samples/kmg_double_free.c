// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: frees an object twice. kmemguard reports double-free at
 * the second free and does not pass it to the allocator.
 * bug=kfree|vfree|pages|cache|rcu selects the allocator family; bug=destroy
 * destroys a slab cache twice (6.5+: see the README's known limits).
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "kfree";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "kfree, vfree, pages, cache, destroy or rcu");
static unsigned int repeat = 1;
module_param(repeat, uint, 0444);
MODULE_PARM_DESC(repeat, "bug=kfree: make the bug this many times (default 1)");

struct kmg_df_obj {
	struct rcu_head rcu;
	long v;
};

static int __init kmg_double_free_init(void)
{
	struct kmem_cache *c;
	struct kmg_df_obj *o;
	unsigned long a;
	void *p;

	if (!strcmp(bug, "kfree")) {
		for (a = 0; a < repeat; a++) {
			p = kmalloc(64, GFP_KERNEL);
			kfree(p);
			kfree(p); /* KMG: double-free-kfree */
		}
	} else if (!strcmp(bug, "vfree")) {
		p = vmalloc(PAGE_SIZE);
		vfree(p);
		vfree(p); /* KMG: double-free-vfree */
	} else if (!strcmp(bug, "pages")) {
		a = __get_free_pages(GFP_KERNEL, 1);
		free_pages(a, 1);
		free_pages(a, 1); /* KMG: double-free-pages */
	} else if (!strcmp(bug, "cache")) {
		c = KMEM_CACHE(kmg_df_obj, 0);
		if (!c)
			return -ENOMEM;
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p);
		kmem_cache_free(c, p); /* KMG: double-free-cache */
		kmem_cache_destroy(c);
	} else if (!strcmp(bug, "destroy")) {
#ifdef SLAB_NO_MERGE
		c = KMEM_CACHE(kmg_df_obj, 0);
		if (!c)
			return -ENOMEM;
		kmem_cache_destroy(c);
		kmem_cache_destroy(c); /* KMG: double-free-destroy */
#else
		/* Before 6.5 kmemguard lets it reach the kernel: not run. */
		pr_info("kmg_double_free: bug=destroy needs 6.5 or later\n");
		return -EOPNOTSUPP;
#endif
	} else if (!strcmp(bug, "rcu")) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		kfree(o);
		kfree_rcu(o, rcu); /* KMG: double-free-rcu */
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_double_free_exit(void)
{
}

module_init(kmg_double_free_init);
module_exit(kmg_double_free_exit);
MODULE_DESCRIPTION("kmemguard sample: double free");
MODULE_LICENSE("GPL");
