// SPDX-License-Identifier: GPL-2.0
/*
 * Leaks one object of each allocator family on purpose. kmemguard must report
 * each line marked "KMG: leak" when the module unloads, and nothing else.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

struct kmg_leak_obj {
	int a, b;
};

static struct kmem_cache *kmg_leak_cache;

static int __init kmg_leak_init(void)
{
	struct page *page;
	char *s, *r, *t;
	void *p;

	p = kmalloc(64, GFP_KERNEL); /* KMG: leak */
	p = kzalloc(128, GFP_KERNEL); /* KMG: leak */
	s = kstrdup("kmemguard leak sample", GFP_KERNEL); /* KMG: leak */
	r = kmalloc(16, GFP_KERNEL);
	/* krealloc() moves the record to its own line. */
	t = krealloc(r, 4096, GFP_KERNEL); /* KMG: leak */
	p = vmalloc(3 * PAGE_SIZE); /* KMG: leak */
	p = (void *)__get_free_pages(GFP_KERNEL, 2); /* KMG: leak */
	page = alloc_pages(GFP_KERNEL, 0); /* KMG: leak */
	/* The cache is leaked too: destroying it with a live object would WARN. */
	kmg_leak_cache = KMEM_CACHE(kmg_leak_obj, 0); /* KMG: leak */
	if (kmg_leak_cache)
		p = kmem_cache_alloc(kmg_leak_cache, GFP_KERNEL); /* KMG: leak */
	return 0;
}

static void __exit kmg_leak_exit(void)
{
}

module_init(kmg_leak_init);
module_exit(kmg_leak_exit);
MODULE_DESCRIPTION("kmemguard sample: one leak per allocator family");
MODULE_LICENSE("GPL");
