// SPDX-License-Identifier: GPL-2.0
/*
 * Correct code at the edges of kmemguard's redzones and guarded objects
 * (load kmemguard with redzone=kmg_rz_edges or guard=kmg_rz_edges): none
 * of it may get a report, an oops, or lose or change the driver's data.
 * The object is allocated at load and freed at unload, so that a test can
 * change kmemguard's state (disable, enable, check) in between. what=:
 *
 *   ptr        kfree() through a function pointer
 *   vfree      is_vmalloc_addr(p) ? vfree(p) : kfree(p), as open-coded
 *              kvfree()s do
 *   krealloc   krealloc() to 128 bytes, the contents kept
 *   kvrealloc  kvrealloc() to 128 bytes, the contents kept
 *   dma        kmalloc(64, GFP_KERNEL | GFP_DMA): must be linear-map memory
 *   big        kmalloc(KMALLOC_MAX_SIZE - 8)
 *   cache_a    a 24-byte slab cache, destroyed at unload
 *   cache_b    a 100-byte slab cache (it may get cache_a's address); an
 *              object of it filled, all 100 bytes
 *   stale      vmalloc(100) freed at load behind kmemguard's back (as
 *              kernel code may free a driver's memory): its record stays,
 *              its memory unmapped; a check must not read it
 *
 * Every kmalloc(64) here must be 64-byte aligned, as kmalloc() promises.
 */
#include <linux/align.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *what = "ptr";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "ptr, vfree, krealloc, kvrealloc, dma, big, cache_a, cache_b or stale");

static u8 *kmg_e_obj;
static struct kmem_cache *kmg_e_cache;

struct kmg_e_small {
	u64 a, b, c;
};

struct kmg_e_big {
	u8 b[100];
};

static void kmg_e_real_vfree(const void *p);

static int kmg_e_alloc64(gfp_t gfp)
{
	kmg_e_obj = kmalloc(64, gfp);
	if (!kmg_e_obj)
		return -ENOMEM;
	pr_info("kmg_rz_edges: kmalloc(64) %s64-byte aligned\n",
		IS_ALIGNED((unsigned long)kmg_e_obj, 64) ? "" : "NOT ");
	memset(kmg_e_obj, 0x5a, 64);
	return 0;
}

static int __init kmg_e_init(void)
{
	struct kmg_e_big *o;
	void *v;

	if (!strcmp(what, "dma")) {
		if (kmg_e_alloc64(GFP_KERNEL | GFP_DMA))
			return -ENOMEM;
		pr_info("kmg_rz_edges: GFP_DMA memory %s\n",
			is_vmalloc_addr(kmg_e_obj) ? "IN VMALLOC SPACE" :
			"in the linear map");
		return 0;
	}
	if (!strcmp(what, "big")) {
		kmg_e_obj = kmalloc(KMALLOC_MAX_SIZE - 8, GFP_KERNEL | __GFP_NOWARN);
		pr_info("kmg_rz_edges: big: %s\n", kmg_e_obj ? "allocated" : "no memory");
		if (kmg_e_obj)
			memset(kmg_e_obj, 1, KMALLOC_MAX_SIZE - 8);
		return 0;
	}
	if (!strcmp(what, "cache_a")) {
		kmg_e_cache = KMEM_CACHE(kmg_e_small, 0);
		if (!kmg_e_cache)
			return -ENOMEM;
		pr_info("kmg_rz_edges: cache at %p\n", kmg_e_cache);
		return 0;
	}
	if (!strcmp(what, "cache_b")) {
		kmg_e_cache = KMEM_CACHE(kmg_e_big, 0);
		if (!kmg_e_cache)
			return -ENOMEM;
		pr_info("kmg_rz_edges: cache at %p\n", kmg_e_cache);
		o = kmem_cache_zalloc(kmg_e_cache, GFP_KERNEL);
		if (!o)
			return 0;
		if (memchr_inv(o->b, 0, sizeof(o->b)))
			pr_info("kmg_rz_edges: zeroed object NOT zero\n");
		memset(o->b, 7, sizeof(o->b));
		kmem_cache_free(kmg_e_cache, o);
		return 0;
	}
	if (!strcmp(what, "stale")) {
		v = vmalloc(100);
		if (v)
			kmg_e_real_vfree(v);
		return 0;
	}
	return kmg_e_alloc64(GFP_KERNEL);
}

static void __exit kmg_e_exit(void)
{
	void (*free_fn)(const void *) = kfree;
	u8 *p;

	kmem_cache_destroy(kmg_e_cache);	/* cache_a, cache_b */
	if (!kmg_e_obj)
		return;
	if (!strcmp(what, "ptr")) {
		OPTIMIZER_HIDE_VAR(free_fn);
		free_fn(kmg_e_obj);
	} else if (!strcmp(what, "vfree")) {
		if (is_vmalloc_addr(kmg_e_obj))
			vfree(kmg_e_obj);
		else
			kfree(kmg_e_obj);
	} else if (!strcmp(what, "krealloc")) {
		p = krealloc(kmg_e_obj, 128, GFP_KERNEL);
		if (!p) {
			pr_info("kmg_rz_edges: krealloc() FAILED\n");
			kfree(kmg_e_obj);
			return;
		}
		pr_info("kmg_rz_edges: krealloc() contents %s\n",
			memchr_inv(p, 0x5a, 64) ? "LOST" : "kept");
		kfree(p);
	} else if (!strcmp(what, "kvrealloc")) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
		p = kvrealloc(kmg_e_obj, 128, GFP_KERNEL);
#else
		p = kvrealloc(kmg_e_obj, 64, 128, GFP_KERNEL);
#endif
		if (!p) {
			pr_info("kmg_rz_edges: kvrealloc() FAILED\n");
			kfree(kmg_e_obj);
			return;
		}
		pr_info("kmg_rz_edges: kvrealloc() contents %s\n",
			memchr_inv(p, 0x5a, 64) ? "LOST" : "kept");
		kvfree(p);
	} else {
		kfree(kmg_e_obj);
	}
}

module_init(kmg_e_init);
module_exit(kmg_e_exit);

/* Kernel code freeing the driver's memory: kmemguard is not told. */
#undef vfree
static void kmg_e_real_vfree(const void *p)
{
	vfree(p);
	vm_unmap_aliases();	/* no stale TLB entry left: an access faults */
}

MODULE_DESCRIPTION("kmemguard sample: correct code at the edges of redzones and guarded objects");
MODULE_LICENSE("GPL");
