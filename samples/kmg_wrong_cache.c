// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: returns an object to another cache than its own.
 * kmemguard reports wrong-cache and frees it to the right cache.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static int __init kmg_wrong_cache_init(void)
{
	struct kmem_cache *a, *b;
	void *p;

	/* Different sizes: never merged into one cache. */
	a = kmem_cache_create("kmg_wrong_a", 96, 0, SLAB_HWCACHE_ALIGN, NULL);
	b = kmem_cache_create("kmg_wrong_b", 200, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!a || !b)
		goto out;
	p = kmem_cache_alloc(a, GFP_KERNEL);
	if (p)
		kmem_cache_free(b, p); /* KMG: wrong-cache */
out:
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
	return 0;
}

static void __exit kmg_wrong_cache_exit(void)
{
}

module_init(kmg_wrong_cache_init);
module_exit(kmg_wrong_cache_exit);
MODULE_DESCRIPTION("kmemguard sample: wrong cache");
MODULE_LICENSE("GPL");
