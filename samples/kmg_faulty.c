// SPDX-License-Identifier: GPL-2.0
/*
 * A loop of allocations of every family, for fault-rule tests: round i
 * (1-based) makes one kmalloc, one vmalloc, one page and one cache
 * allocation, frees them all, and the module logs, per family, the rounds
 * whose allocation failed ("kmg_faulty: failed kmalloc: 2 4 6").
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static unsigned int rounds = 10;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds of allocations (default 10)");

struct kmg_faulty_obj {
	long a[5];
};

static void kmg_faulty_note(char *buf, size_t len, unsigned int i)
{
	size_t n = strlen(buf);

	if (n + 12 < len)
		snprintf(buf + n, len - n, " %u", i);
}

static int __init kmg_faulty_init(void)
{
	char fk[128] = "", fv[128] = "", fp[128] = "", fc[128] = "";
	struct kmem_cache *c = KMEM_CACHE(kmg_faulty_obj, 0);
	unsigned long page;
	unsigned int i;
	void *k, *v, *o;

	if (!c)
		return -ENOMEM;
	for (i = 1; i <= rounds; i++) {
		k = kmalloc(i * 16, GFP_KERNEL); /* KMG: faulty-kmalloc */
		v = vmalloc(PAGE_SIZE); /* KMG: faulty-vmalloc */
		page = __get_free_page(GFP_KERNEL); /* KMG: faulty-pages */
		o = kmem_cache_alloc(c, GFP_ATOMIC); /* KMG: faulty-cache */
		if (!k)
			kmg_faulty_note(fk, sizeof(fk), i);
		if (!v)
			kmg_faulty_note(fv, sizeof(fv), i);
		if (!page)
			kmg_faulty_note(fp, sizeof(fp), i);
		if (!o)
			kmg_faulty_note(fc, sizeof(fc), i);
		kfree(k);
		vfree(v);
		free_page(page);
		if (o)
			kmem_cache_free(c, o);
	}
	kmem_cache_destroy(c);
	pr_info("kmg_faulty: failed kmalloc:%s\n", fk);
	pr_info("kmg_faulty: failed vmalloc:%s\n", fv);
	pr_info("kmg_faulty: failed pages:%s\n", fp);
	pr_info("kmg_faulty: failed cache:%s\n", fc);
	return 0;
}

static void __exit kmg_faulty_exit(void)
{
}

module_init(kmg_faulty_init);
module_exit(kmg_faulty_exit);
MODULE_DESCRIPTION("kmemguard sample: allocations for fault-rule tests");
MODULE_LICENSE("GPL");
