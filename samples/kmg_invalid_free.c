// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: frees what is not the start of an allocation. kmemguard
 * reports invalid-free and does not pass it to the allocator.
 * bug=interior|global|stack|vinterior|cinterior|binterior
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "interior";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "interior, global, stack, vinterior, cinterior or binterior");

static char kmg_invalid_global[64];

static noinline void kmg_invalid_stack(void)
{
	char buf[32];

	memset(buf, 0, sizeof(buf));
	kfree(buf); /* KMG: invalid-free-stack */
}

/*
 * kmem_cache_free() of a pointer 24 bytes into an object of a 200-byte
 * cache: its objects are 200 bytes apart, not at a kmalloc size class's
 * places. One that does not start at a multiple of 32 (where a class's
 * place would coincide) is picked.
 */
static noinline int kmg_invalid_cache_interior(void)
{
	struct kmem_cache *c;
	char *objs[16], *p = NULL;
	int i;

	c = kmem_cache_create("kmg_invalid_c", 200, 0, 0, NULL);
	if (!c)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		if (!p && objs[i] && ((unsigned long)objs[i] & 31))
			p = objs[i];
	}
	if (p)
		kmem_cache_free(c, p + 24); /* KMG: invalid-free-cinterior */
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		if (objs[i])
			kmem_cache_free(c, objs[i]);
	kmem_cache_destroy(c);
	return p ? 0 : -ENOMEM;
}

static int __init kmg_invalid_free_init(void)
{
	char *p;

	if (!strcmp(bug, "interior")) {
		p = kmalloc(128, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p + 24); /* KMG: invalid-free-interior */
		kfree(p);
	} else if (!strcmp(bug, "global")) {
		kfree(kmg_invalid_global); /* KMG: invalid-free-global */
	} else if (!strcmp(bug, "stack")) {
		kmg_invalid_stack();
	} else if (!strcmp(bug, "vinterior")) {
		p = vmalloc(4 * PAGE_SIZE);
		if (!p)
			return -ENOMEM;
		vfree(p + 2 * PAGE_SIZE); /* KMG: invalid-free-vinterior */
		vfree(p);
	} else if (!strcmp(bug, "cinterior")) {
		return kmg_invalid_cache_interior();
	} else if (!strcmp(bug, "binterior")) {
		/* In the object's second 4 KiB: it starts in the block before. */
		p = kmalloc(8192, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		kfree(p + 4096 + 64); /* KMG: invalid-free-binterior */
		kfree(p);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_invalid_free_exit(void)
{
}

module_init(kmg_invalid_free_init);
module_exit(kmg_invalid_free_exit);
MODULE_DESCRIPTION("kmemguard sample: invalid free");
MODULE_LICENSE("GPL");
