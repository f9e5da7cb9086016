// SPDX-License-Identifier: GPL-2.0
/*
 * Correct use of every mempool call kmemguard tracks: each pool and each
 * element of a kernel-made pool is made at a line marked "KMG: live", held
 * while the module is loaded (tests read kmemguard's debugfs files
 * meanwhile) and given back the right way at unload.
 *
 * Two pools have the driver's own alloc_fn, which allocates with kmalloc()
 * (tracked at its line, "KMG: live": the reserves and the elements). Their
 * elements, taken at lines marked "KMG: own", already have that record:
 * kmemguard must not track them a second time. One is taken from the
 * pool's reserve (the alloc_fn made to fail for a moment) and given back.
 * One pool is embedded at the start of a kzalloc()ed object.
 *
 * kmemguard must report nothing. A failed call is printed
 * ("kmg_mempool: <call> failed") and skipped (fault rules).
 */
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

struct kmg_mp_obj {
	long a[5];
};

/* A driver object with its pool first: both start at one address. */
struct kmg_mp_dev {
	mempool_t pool;
	int id;
};

static bool kmg_mp_dry;	/* the driver's alloc_fn fails: the reserve is used */

static void *kmg_mp_alloc(gfp_t gfp, void *data)
{
	if (READ_ONCE(kmg_mp_dry))
		return NULL;
	return kmalloc(48, gfp); /* KMG: live */
}

static void kmg_mp_free(void *p, void *data)
{
	kfree(p);
}

/* Nested pools: an outer pool whose elements come from an inner pool. */
static void *kmg_mp_in_alloc(gfp_t gfp, void *inner)
{
	return mempool_alloc(inner, gfp); /* KMG: live */
}

static void kmg_mp_in_free(void *p, void *inner)
{
	mempool_free(p, inner);
}

static struct kmem_cache *kmg_mp_cache;
static mempool_t *kpool, *spool, *ppool, *opool, *npool;
static mempool_t ikpool, ispool, ippool, inpool, zpool;
static struct kmg_mp_dev *dev;
static mempool_t *upool;	/* made as the kernel's own pools are: unseen */
static mempool_t *inner, *outer;
static void *ke, *kn, *se, *oe, *ne, *ike, *ise, *ine, *de, *ue, *xe;
static struct page *pe, *ipe;
static bool ik, is, ip, in, di;

#define KMG_MP_FAILED(call)	pr_info("kmg_mempool: %s failed\n", call)

/*
 * A pool kmemguard never saw made, as a subsystem's pool a driver allocates
 * from: the kernel's own calls, past kmemguard's macros.
 */
static mempool_t *kmg_mp_unseen_pool(int min_nr, size_t size)
{
#ifdef alloc_hooks	/* 6.10+: the exported calls are *_noprof() */
	return mempool_create_node_noprof(min_nr, mempool_kmalloc, mempool_kfree,
					  (void *)size, GFP_KERNEL, NUMA_NO_NODE);
#else
	return (mempool_create_node)(min_nr, mempool_kmalloc, mempool_kfree,
				     (void *)size, GFP_KERNEL, NUMA_NO_NODE);
#endif
}

static void kmg_mp_create(void)
{
	void *r, *sz = (void *)32;
	gfp_t gfp = GFP_KERNEL;

	kpool = mempool_create_kmalloc_pool(2, 64); /* KMG: live */
	if (kpool) {
		ke = mempool_alloc(kpool, GFP_KERNEL); /* KMG: live */
		kn = mempool_alloc(kpool, GFP_NOWAIT); /* KMG: live */
		mempool_free(NULL, kpool);
		if (mempool_resize(kpool, 4))
			KMG_MP_FAILED("mempool_resize");
	} else {
		KMG_MP_FAILED("mempool_create_kmalloc_pool");
	}
	spool = mempool_create_slab_pool(2, kmg_mp_cache); /* KMG: live */
	if (spool)
		se = mempool_alloc(spool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_create_slab_pool");
	ppool = mempool_create_page_pool(1, 1); /* KMG: live */
	if (ppool)
		pe = mempool_alloc(ppool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_create_page_pool");
	opool = mempool_create(2, kmg_mp_alloc, kmg_mp_free, NULL); /* KMG: live */
	if (opool) {
		oe = mempool_alloc(opool, GFP_KERNEL); /* KMG: own */
		WRITE_ONCE(kmg_mp_dry, true);
		r = mempool_alloc(opool, GFP_NOWAIT); /* KMG: own */
		WRITE_ONCE(kmg_mp_dry, false);
		if (!r)
			KMG_MP_FAILED("mempool_alloc from the reserve");
		mempool_free(r, opool);	/* back to the reserve */
	} else {
		KMG_MP_FAILED("mempool_create");
	}
	npool = mempool_create_node(1, mempool_kmalloc, mempool_kfree, sz, gfp, 0); /* KMG: live */
	if (npool)
		ne = mempool_alloc(npool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_create_node");
	/*
	 * An element of a pool the driver did not make: the pool's owner may
	 * free it (mempool_free() outside the driver), so it is no record.
	 */
	upool = kmg_mp_unseen_pool(1, 40);
	if (upool)
		ue = mempool_alloc(upool, GFP_KERNEL);
	else
		KMG_MP_FAILED("mempool_create_node (unseen)");
	/* An element of the inner pool, given to and freed to the outer. */
	inner = mempool_create_kmalloc_pool(1, 24); /* KMG: live */
	if (inner)
		outer = mempool_create(1, kmg_mp_in_alloc, kmg_mp_in_free, inner); /* KMG: live */
	if (outer)
		xe = mempool_alloc(outer, GFP_KERNEL); /* KMG: own */
	else
		KMG_MP_FAILED("nested mempool_create");
}

static void kmg_mp_init(void)
{
	mempool_alloc_t *ka = mempool_kmalloc;
	mempool_free_t *kf = mempool_kfree;
	void *sz = (void *)16;
	gfp_t gfp = GFP_KERNEL;

	ik = !mempool_init_kmalloc_pool(&ikpool, 1, 100); /* KMG: live */
	if (ik)
		ike = mempool_alloc(&ikpool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_init_kmalloc_pool");
	is = !mempool_init_slab_pool(&ispool, 1, kmg_mp_cache); /* KMG: live */
	if (is)
		ise = mempool_alloc(&ispool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_init_slab_pool");
	ip = !mempool_init_page_pool(&ippool, 1, 0); /* KMG: live */
	if (ip)
		ipe = mempool_alloc(&ippool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_init_page_pool");
	in = !mempool_init_node(&inpool, 1, ka, kf, sz, gfp, 0); /* KMG: live */
	if (in)
		ine = mempool_alloc(&inpool, GFP_KERNEL); /* KMG: live */
	else
		KMG_MP_FAILED("mempool_init_node");
	dev = kzalloc(sizeof(*dev), GFP_KERNEL); /* KMG: live */
	if (!dev) {
		KMG_MP_FAILED("kzalloc");
		return;
	}
	di = !mempool_init(&dev->pool, 1, kmg_mp_alloc, kmg_mp_free, NULL); /* KMG: live */
	if (di)
		de = mempool_alloc(&dev->pool, GFP_KERNEL); /* KMG: own */
	else
		KMG_MP_FAILED("mempool_init");
}

static int __init kmg_mempool_init(void)
{
	kmg_mp_cache = KMEM_CACHE(kmg_mp_obj, 0);
	if (!kmg_mp_cache)
		return -ENOMEM;
	kmg_mp_create();
	kmg_mp_init();
	/* An uninitialised (zeroed) pool may be exited: nothing to do. */
	mempool_exit(&zpool);
	mempool_destroy(NULL);
	return 0;
}

static void __exit kmg_mempool_exit(void)
{
	if (upool) {
		/* Its owner frees it, and the pool, with the kernel's calls. */
		(mempool_free)(ue, upool);
		(mempool_destroy)(upool);
	}
	if (outer)
		mempool_free(xe, outer);
	mempool_destroy(outer);
	mempool_destroy(inner);
	if (kpool) {
		mempool_free(ke, kpool);
		mempool_free(kn, kpool);
		mempool_resize(kpool, 1);
	}
	mempool_destroy(kpool);
	if (spool)
		mempool_free(se, spool);
	mempool_destroy(spool);
	if (ppool)
		mempool_free(pe, ppool);
	mempool_destroy(ppool);
	if (opool)
		mempool_free(oe, opool);
	mempool_destroy(opool);
	if (npool)
		mempool_free(ne, npool);
	mempool_destroy(npool);
	if (ik) {
		mempool_free(ike, &ikpool);
		mempool_exit(&ikpool);
	}
	if (is) {
		mempool_free(ise, &ispool);
		mempool_exit(&ispool);
	}
	if (ip) {
		mempool_free(ipe, &ippool);
		mempool_exit(&ippool);
	}
	if (in) {
		mempool_free(ine, &inpool);
		mempool_exit(&inpool);
	}
	if (dev) {
		if (di) {
			mempool_free(de, &dev->pool);
			mempool_exit(&dev->pool);
		}
		kfree(dev);
	}
	kmem_cache_destroy(kmg_mp_cache);
}

module_init(kmg_mempool_init);
module_exit(kmg_mempool_exit);
MODULE_DESCRIPTION("kmemguard sample: mempools, used correctly");
MODULE_LICENSE("GPL");
