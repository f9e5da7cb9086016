/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard compat: the one place that absorbs kernel-version differences.
 *
 * Feature probes, not version numbers: since 6.10 the allocation APIs are
 * alloc_hooks() macros over *_noprof functions, which the preprocessor can
 * see ("is kmalloc a macro?"). kmemguard calls the *_noprof variants there,
 * so that memory allocation profiling charges the tag the driver's call site
 * installed (see kmemguard.h) instead of kmemguard's own lines.
 */
#ifndef _KMG_COMPAT_H
#define _KMG_COMPAT_H

#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/module.h>

#ifdef kmalloc
#define kmg_raw_kmalloc_node(size, gfp, node)	kmalloc_node_noprof(size, gfp, node)
#define kmg_raw_krealloc(p, size, gfp)		krealloc_noprof(p, size, gfp)
#define kmg_raw_kvmalloc_node(size, gfp, node)	kvmalloc_node_noprof(size, gfp, node)
#define kmg_raw_vmalloc(size)			vmalloc_noprof(size)
#define kmg_raw_vzalloc(size)			vzalloc_noprof(size)
#define kmg_raw_vmalloc_node(size, node)	vmalloc_node_noprof(size, node)
#define kmg_raw_vzalloc_node(size, node)	vzalloc_node_noprof(size, node)
#define kmg_raw_vmalloc_user(size)		vmalloc_user_noprof(size)
#define kmg_raw___vmalloc(size, gfp)		__vmalloc_noprof(size, gfp)
#define kmg_raw_alloc_pages_exact(size, gfp)	alloc_pages_exact_noprof(size, gfp)
#define kmg_raw_vmalloc_32(size)		vmalloc_32_noprof(size)
#define kmg_raw_vmalloc_32_user(size)		vmalloc_32_user_noprof(size)
#define kmg_raw_get_free_pages(gfp, order)	get_free_pages_noprof(gfp, order)
#define kmg_raw_alloc_pages(gfp, order)		alloc_pages_noprof(gfp, order)
#define kmg_raw_kmem_cache_alloc(s, gfp)	kmem_cache_alloc_noprof(s, gfp)
#define kmg_raw_kmem_cache_alloc_node(s, gfp, node) \
	kmem_cache_alloc_node_noprof(s, gfp, node)
#define kmg_raw_kmem_cache_alloc_lru(s, lru, gfp) \
	kmem_cache_alloc_lru_noprof(s, lru, gfp)
#define kmg_raw_alloc_pages_node(nid, gfp, order) \
	alloc_pages_node_noprof(nid, gfp, order)
#else
#define kmg_raw_kmalloc_node(size, gfp, node)	kmalloc_node(size, gfp, node)
#define kmg_raw_krealloc(p, size, gfp)		krealloc(p, size, gfp)
#define kmg_raw_kvmalloc_node(size, gfp, node)	kvmalloc_node(size, gfp, node)
#define kmg_raw_vmalloc(size)			vmalloc(size)
#define kmg_raw_vzalloc(size)			vzalloc(size)
#define kmg_raw_vmalloc_node(size, node)	vmalloc_node(size, node)
#define kmg_raw_vzalloc_node(size, node)	vzalloc_node(size, node)
#define kmg_raw_vmalloc_user(size)		vmalloc_user(size)
#define kmg_raw___vmalloc(size, gfp)		__vmalloc(size, gfp)
#define kmg_raw_alloc_pages_exact(size, gfp)	alloc_pages_exact(size, gfp)
#define kmg_raw_vmalloc_32(size)		vmalloc_32(size)
#define kmg_raw_vmalloc_32_user(size)		vmalloc_32_user(size)
#define kmg_raw_get_free_pages(gfp, order)	__get_free_pages(gfp, order)
#define kmg_raw_alloc_pages(gfp, order)		alloc_pages(gfp, order)
#define kmg_raw_kmem_cache_alloc(s, gfp)	kmem_cache_alloc(s, gfp)
#define kmg_raw_kmem_cache_alloc_node(s, gfp, node) \
	kmem_cache_alloc_node(s, gfp, node)
/* (5.18 on: every kernel kmemguard builds for) */
#define kmg_raw_kmem_cache_alloc_lru(s, lru, gfp) \
	kmem_cache_alloc_lru(s, lru, gfp)
#define kmg_raw_alloc_pages_node(nid, gfp, order) \
	alloc_pages_node(nid, gfp, order)
#endif

/*
 * Per-CPU memory: since 6.10 __alloc_percpu_gfp() is an alloc_hooks()
 * macro over pcpu_alloc_noprof() (@reserved: the reserved area, for
 * modules' static per-CPU data only: never a driver's call).
 */
#include <linux/percpu.h>
#ifdef __alloc_percpu_gfp
#define kmg_raw_alloc_percpu_gfp(size, align, gfp) \
	pcpu_alloc_noprof(size, align, false, gfp)
#else
#define kmg_raw_alloc_percpu_gfp(size, align, gfp) \
	__alloc_percpu_gfp(size, align, gfp)
#endif

/*
 * kvrealloc(): 6.12 dropped its old-size argument (the allocator knows it),
 * in the series that added vrealloc(): that macro is the probe. (The
 * driver-side macro in wrap.h counts the driver's arguments instead.)
 */
static inline void *kmg_raw_kvrealloc(const void *p, size_t oldsize,
				      size_t size, gfp_t gfp)
{
#ifdef vrealloc
	return kvrealloc_noprof(p, size, gfp);
#elif defined(kmalloc)
	return kvrealloc_noprof(p, oldsize, size, gfp);
#else
	return kvrealloc(p, oldsize, size, gfp);
#endif
}

/*
 * 6.12 passes cache parameters in struct kmem_cache_args, and its
 * kmem_cache_create() is a macro choosing a variant with _Generic().
 */
#ifdef kmem_cache_create
#define KMG_HAVE_CACHE_ARGS 1
#else
#define KMG_HAVE_CACHE_ARGS 0
#endif
#define kmg_raw_kmem_cache_create_usercopy kmem_cache_create_usercopy

/*
 * A cache that must not be merged with another of the same geometry
 * (6.5+). Before that no flag says so without changing the cache otherwise;
 * a merged cache is then a second record of the same address.
 */
#ifdef SLAB_NO_MERGE
#define KMG_SLAB_NO_MERGE SLAB_NO_MERGE
#else
#define KMG_SLAB_NO_MERGE 0
#endif

/*
 * A cache kmemguard made bigger for redzones (redzone.c) must never be
 * merged: kmemguard keys the size the driver asked for by the cache. Before
 * 6.5, SLAB_NOLEAKTRACE keeps a cache apart without changing its layout
 * (kmemleak then does not track its objects; no stock kernel has kmemleak,
 * and redzones are off where KASAN is).
 */
#ifdef SLAB_NO_MERGE
#define KMG_SLAB_RZ_NO_MERGE SLAB_NO_MERGE
#else
#define KMG_SLAB_RZ_NO_MERGE SLAB_NOLEAKTRACE
#endif

/*
 * Shrinkers are allocated by the kernel since 6.7 (shrinker_alloc(),
 * SHRINKER_ALLOCATED); before, the caller owns the struct.
 */
#include <linux/shrinker.h>
typedef unsigned long (*kmg_shrink_fn)(struct shrinker *s,
				       struct shrink_control *sc);

static inline struct shrinker *kmg_shrinker_alloc(const char *name,
						  kmg_shrink_fn count,
						  kmg_shrink_fn scan)
{
	struct shrinker *s;

#ifdef SHRINKER_ALLOCATED
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

static inline void kmg_shrinker_free(struct shrinker *s)
{
#ifdef SHRINKER_ALLOCATED
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/*
 * Before 6.4 (SLOB's removal) an object of a kmem_cache had to go back with
 * kmem_cache_free(); since then kfree() of it is documented as legal. A
 * rule, not a symbol, so there is nothing to probe: the version decides.
 */
#include <linux/version.h>
#define KMG_KFREE_CACHE_OBJECT_OK (LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0))

/* The largest page order; 6.1 calls its one-past MAX_ORDER. */
#ifndef MAX_PAGE_ORDER
#define MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

/*
 * A stack trace is kept in the stack depot when the kernel has one (all
 * supported kernels do; the debug kernel gets it through KASAN). Without it
 * a record keeps no stack and reports say so.
 */
#ifdef CONFIG_STACKDEPOT
#include <linux/stackdepot.h>
#define KMG_HAVE_STACKDEPOT 1
#else
typedef u32 depot_stack_handle_t;
#define KMG_HAVE_STACKDEPOT 0
#endif

/*
 * Internals the KUnit suite (tests/kunit) calls are exported to it alone,
 * in the kernel's EXPORTED_FOR_KUNIT_TESTING namespace, and only when the
 * kernel has KUnit.
 */
#include <kunit/visibility.h>

/*
 * Mempools: mempool_alloc() and mempool_create_node() are alloc_hooks()
 * macros over *_noprof functions since 6.10, plain functions before.
 * mempool_init_node() is plain in both (mempool_init() is it with
 * GFP_KERNEL, NUMA_NO_NODE), so kmemguard initialises pools through it.
 */
#ifdef mempool_alloc
#define kmg_raw_mempool_alloc(pool, gfp)	mempool_alloc_noprof(pool, gfp)
#define kmg_raw_mempool_create_node(min, a, f, data, gfp, nid) \
	mempool_create_node_noprof(min, a, f, data, gfp, nid)
#else
#define kmg_raw_mempool_alloc(pool, gfp)	mempool_alloc(pool, gfp)
#define kmg_raw_mempool_create_node(min, a, f, data, gfp, nid) \
	mempool_create_node(min, a, f, data, gfp, nid)
#endif

/*
 * Is this address in the module area or in vmalloc space? The kernel's
 * is_vmalloc_or_module_addr() is exported only since 6.2; the module area
 * is the arch's MODULES_VADDR..MODULES_END (x86_64 has both).
 */
static inline bool kmg_vmalloc_or_module_addr(unsigned long addr)
{
#if defined(CONFIG_MODULES) && defined(MODULES_VADDR)
	if (addr >= MODULES_VADDR && addr < MODULES_END)
		return true;
#endif
	return is_vmalloc_addr((const void *)addr);
}

/*
 * Does @dev map DMA through the IOMMU's DMA layer? In 6.12 that is a flag
 * of the device (use_dma_iommu(), <linux/iommu-dma.h>); before, the IOMMU
 * installed dma_map_ops, which get_dma_ops() already sees. (A version test:
 * sparse 0.6.4 has no __has_include, and the header defines no macro.)
 */
#include <linux/dma-map-ops.h>
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)	/* KMG_HAVE_DMA_IOMMU */
#include <linux/iommu-dma.h>
static inline bool kmg_use_dma_iommu(struct device *dev)
{
	return use_dma_iommu(dev);
}
#else
static inline bool kmg_use_dma_iommu(struct device *dev)
{
	return false;
}
#endif

/* Does @dev have a coherent memory pool of its own (reserved memory)? */
static inline bool kmg_dev_dma_pool(struct device *dev)
{
#ifdef CONFIG_DMA_DECLARE_COHERENT
	return dev->dma_mem;
#else
	return false;
#endif
}

#endif /* _KMG_COMPAT_H */
