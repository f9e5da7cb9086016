// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: destroys a cache with an object still allocated.
 * kmemguard reports cache-not-empty, names the object's allocation line, and
 * keeps the cache (destroying it would WARN and leak it anyway); the object
 * is freed afterwards and the cache destroyed for real.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

struct kmg_cne_obj {
	long a[3];
};

static int __init kmg_cache_not_empty_init(void)
{
	struct kmem_cache *c = KMEM_CACHE(kmg_cne_obj, 0);
	void *p;

	if (!c)
		return -ENOMEM;
	p = kmem_cache_alloc(c, GFP_KERNEL); /* KMG: cache-not-empty-object */
	kmem_cache_destroy(c); /* KMG: cache-not-empty */
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	return 0;
}

static void __exit kmg_cache_not_empty_exit(void)
{
}

module_init(kmg_cache_not_empty_init);
module_exit(kmg_cache_not_empty_exit);
MODULE_DESCRIPTION("kmemguard sample: destroying a cache that is not empty");
MODULE_LICENSE("GPL");
