// SPDX-License-Identifier: GPL-2.0
/*
 * Two slab caches of the same size and flags, which the kernel would merge
 * into one. kmemguard creates tracked caches unmergeable (SLAB_NO_MERGE,
 * 6.5+), so they are two caches, a free to the wrong one of them is told
 * apart (bug=wrong_cache: wrong-cache, freed to its own cache), and both
 * destroys are clean. Before 6.5 (no SLAB_NO_MERGE) the two may be one
 * cache: two records, two clean destroys, nothing reported.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "wrong_cache: free an object of one cache to the other");

static int __init kmg_merge_init(void)
{
	struct kmem_cache *a, *b;
	void *p, *q;

	a = kmem_cache_create("kmg_merge_a", 192, 0, 0, NULL);
	b = kmem_cache_create("kmg_merge_b", 192, 0, 0, NULL);
	if (!a || !b)
		goto out;
	pr_info("kmg_merge: %s\n", a == b ? "one cache (merged)" : "two distinct caches");
	p = kmem_cache_alloc(a, GFP_KERNEL);
	q = kmem_cache_alloc(b, GFP_KERNEL);
	if (!strcmp(bug, "wrong_cache") && p) {
		kmem_cache_free(b, p); /* KMG: wrong-cache-merge */
		p = NULL;
	}
	if (p)
		kmem_cache_free(a, p);
	if (q)
		kmem_cache_free(b, q);
out:
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
	return 0;
}

static void __exit kmg_merge_exit(void)
{
}

module_init(kmg_merge_init);
module_exit(kmg_merge_exit);
MODULE_DESCRIPTION("kmemguard sample: two caches the kernel would merge");
MODULE_LICENSE("GPL");
