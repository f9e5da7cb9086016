// SPDX-License-Identifier: GPL-2.0
/*
 * Correct: uses all the memory the kernel says it may, and nothing more.
 * With redzones or guarded objects on, kmemguard must report nothing:
 *
 * - ksize(): a driver may use what ksize() says (KASAN's rule), also the
 *   slack past the size it asked for;
 * - kmalloc_size_roundup(): asking for the rounded-up size, and using it;
 * - krealloc(): growing and shrinking keep the contents (checked here: a
 *   loss is logged as "kmg_ksize: contents lost");
 * - every byte of a slab-cache object, of a vmalloc() area and of pages,
 *   exactly.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

struct kmg_ksize_obj {
	u64 a, b, c;
};

/* Are the first @n bytes of @p all @c? */
static bool kmg_ksize_all(const u8 *p, size_t n, u8 c)
{
	return !memchr_inv(p, c, n);
}

static int kmg_ksize_kmalloc(void)
{
	size_t n;
	u8 *p, *q;

	/* 20 bytes asked for, ksize() says more: all of it is the driver's. */
	p = kmalloc(20, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	n = ksize(p);
	memset(p, 0xab, n);
	kfree(p);

	n = kmalloc_size_roundup(100);
	p = kmalloc(n, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	memset(p, 0, n);
	kfree(p);

	/* krealloc(): larger, then smaller; the contents stay. */
	p = kmalloc(16, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	memset(p, 0x5a, 16);
	q = krealloc(p, 200, GFP_KERNEL);
	if (!q) {
		kfree(p);
		return -ENOMEM;
	}
	if (!kmg_ksize_all(q, 16, 0x5a))
		pr_err("kmg_ksize: contents lost growing\n");
	memset(q + 16, 0x77, 184);
	p = krealloc(q, 40, GFP_KERNEL);
	if (!p) {
		kfree(q);
		return -ENOMEM;
	}
	if (!kmg_ksize_all(p, 16, 0x5a) || !kmg_ksize_all(p + 16, 24, 0x77))
		pr_err("kmg_ksize: contents lost shrinking\n");
	/* After ksize() of a reallocated object, its slack too. */
	memset(p, 0, ksize(p));
	kfree(p);

	p = kzalloc(4096, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	memset(p, 1, 4096);
	kfree(p);
	return 0;
}

static int kmg_ksize_others(void)
{
	struct kmg_ksize_obj *o;
	struct kmem_cache *c;
	unsigned long a;
	u8 *v;

	c = KMEM_CACHE(kmg_ksize_obj, 0);
	if (!c)
		return -ENOMEM;
	o = kmem_cache_alloc(c, GFP_KERNEL);
	if (o) {
		memset(o, 0xff, sizeof(*o));
		kmem_cache_free(c, o);
	}
	kmem_cache_destroy(c);

	v = vmalloc(100);
	if (!v)
		return -ENOMEM;
	memset(v, 2, 100);
	vfree(v);

	a = __get_free_pages(GFP_KERNEL, 1);
	if (!a)
		return -ENOMEM;
	memset((void *)a, 3, 2 * PAGE_SIZE);
	free_pages(a, 1);
	return 0;
}

static int __init kmg_ksize_init(void)
{
	return kmg_ksize_kmalloc() ?: kmg_ksize_others();
}

static void __exit kmg_ksize_exit(void)
{
}

module_init(kmg_ksize_init);
module_exit(kmg_ksize_exit);
MODULE_DESCRIPTION("kmemguard sample: ksize(), krealloc() and friends, correctly");
MODULE_LICENSE("GPL");
