// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard allocator families: the one table that says, for each kind of
 * memory a record can describe, which free calls match it, how kmemguard
 * frees it itself (a held object leaving the quarantine, a mismatched free
 * completed the right way), whether the quarantine may hold it, which fault
 * rule family= selects it, and what it is called. Every other file asks this
 * table instead of switching on the family.
 *
 * No locks: the table is written once at init (kmg_family_init()) and only
 * read afterwards. The deferred vfree() lists are lock-less (llist).
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/llist.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "kmg.h"

#define F(api)	BIT(KMG_FREE_##api)

/* kfree() of a slab-cache object is legal since 6.4 (compat.h). */
#define KMG_KFREE_OF_CACHE \
	(KMG_KFREE_CACHE_OBJECT_OK ?					\
	 F(KFREE) | F(KFREE_CONST) | F(KFREE_SENSITIVE) | F(KVFREE) |	\
	 F(KVFREE_SENSITIVE) | F(RCU) : 0)

void kmg_release_kmalloc(const struct kmg_record *rec)
{
	/* guard.c: a guarded object goes back to the pool. */
	if (unlikely(kmg_guard_addr((void *)rec->addr)))
		kmg_guard_release((void *)rec->addr);
	else
		kfree((void *)rec->addr);
}

/*
 * vfree() may sleep outside interrupt context (and defers itself inside
 * one). Where kmemguard must give vmalloc memory back from atomic task
 * context (a kfree() of it under a spinlock, completed the right way; a
 * held area leaving the quarantine there) the area goes to a work item, as
 * vfree_atomic() does (which modules cannot call). The list runs through
 * kmemguard's own memory, never the area itself (which a buggy driver may
 * still write to): a held area's record (its ->owner word, unused for
 * vmalloc), which leaves the table only after the vfree(), so that a
 * second free meanwhile is still recognised; otherwise a small node.
 */
struct kmg_vnode {
	struct llist_node node;
	void *addr;
};

static LLIST_HEAD(kmg_vfree_recs);	/* held areas, through their records */
static LLIST_HEAD(kmg_vfree_nodes);	/* other areas, through a kmg_vnode */

static void kmg_vfree_fn(struct work_struct *work)
{
	struct llist_node *n, *next;
	struct kmg_record *rec;
	struct kmg_vnode *v;

	llist_for_each_safe(n, next, llist_del_all(&kmg_vfree_recs)) {
		rec = container_of((void *)n, struct kmg_record, owner);
		/* vfree(), or free_percpu() on PREEMPT_RT: here it may sleep. */
		kmg_fam(rec->family)->release(rec);
		kmg_record_released(rec);
	}
	llist_for_each_safe(n, next, llist_del_all(&kmg_vfree_nodes)) {
		v = container_of(n, struct kmg_vnode, node);
		vfree(v->addr);
		kfree(v);
	}
}

static DECLARE_WORK(kmg_vfree_work, kmg_vfree_fn);

/* Give @p, a vmalloc area, back later; then let @rec (if any: its record) go. */
void kmg_vfree_deferred(void *p, struct kmg_record *rec)
{
	struct kmg_vnode *v;

	if (rec) {
		BUILD_BUG_ON(sizeof(rec->owner) < sizeof(struct llist_node));
		if (llist_add((struct llist_node *)&rec->owner, &kmg_vfree_recs))
			schedule_work(&kmg_vfree_work);
		return;
	}
	v = kmalloc(sizeof(*v), GFP_ATOMIC | __GFP_NOWARN);
	if (!v)
		return;		/* no memory: left allocated, a leak */
	v->addr = p;
	if (llist_add(&v->node, &kmg_vfree_nodes))
		schedule_work(&kmg_vfree_work);
}

/* A held area evicted in atomic context: vfree()d by the work item. */
static void kmg_vfree_later(struct kmg_record *rec)
{
	kmg_vfree_deferred((void *)rec->addr, rec);
}

static void kmg_release_vmalloc(const struct kmg_record *rec)
{
	void *p = (void *)rec->addr;

	if (kmg_context_may_sleep() || in_interrupt())
		vfree(p);
	else
		kmg_vfree_deferred(p, NULL);
}

/*
 * Wait until every deferred vfree() is done and its record is gone.
 * flush_work() waits only for what was queued before it began, and that is
 * enough for every caller: a disable or an unload waits for a grace period
 * first, and every area that matters is queued inside an RCU section (an
 * eviction) that the grace period waited for. What the work's own run
 * could queue again (a tombstone it puts back in the quarantine evicting a
 * held area) does not happen then: kmg_record_released_tomb() sees the
 * disable or the going module and unlinks instead. Flushing until the work
 * is idle would instead wait, with the callers' mutexes held, for areas
 * other modules keep freeing meanwhile.
 */
void kmg_family_sync(void)
{
	flush_work(&kmg_vfree_work);
	kmg_dma_sync();
}

/*
 * A free made through kfree_rcu() of memory kvfree() cannot free, done
 * the right way once a grace period has passed: readers may still look at
 * it until then. No memory for the callback: left allocated (a leak).
 */
struct kmg_rcu_free {
	struct rcu_head rcu;
	struct kmg_record rec;		/* a copy: what to free, and how */
	void *ptr;			/* or kvfree() this */
	u8 owner[] __aligned(8);	/* a copy of what @rec owns */
};

static void kmg_rcu_free_fn(struct rcu_head *head)
{
	struct kmg_rcu_free *f = container_of(head, struct kmg_rcu_free, rcu);

	if (f->ptr)
		kvfree(f->ptr);
	else
		kmg_fam(f->rec.family)->release(&f->rec);
	kfree(f);
}

void kmg_release_after_gp(const struct kmg_record *copy)
{
	size_t extra = kmg_fam(copy->family)->owner_size;
	struct kmg_rcu_free *f;

	/* What the record owns dies with it: the copy takes a copy. */
	f = kmalloc(sizeof(*f) + extra, GFP_ATOMIC | __GFP_NOWARN);
	if (!f)
		return;
	f->rec = *copy;
	if (extra) {
		memcpy(f->owner, copy->owner, extra);
		f->rec.owner = f->owner;
	}
	f->ptr = NULL;
	call_rcu(&f->rcu, kmg_rcu_free_fn);
}

void kmg_kvfree_after_gp(const void *p)
{
	struct kmg_rcu_free *f = kmalloc(sizeof(*f), GFP_ATOMIC | __GFP_NOWARN);

	if (!f)
		return;
	f->ptr = (void *)p;
	call_rcu(&f->rcu, kmg_rcu_free_fn);
}

void kmg_release_pages(const struct kmg_record *rec)
{
	free_pages(rec->addr, rec->order);
}

void kmg_release_cache(const struct kmg_record *rec)
{
	/* guard.c: a guarded object goes back to the pool. */
	if (unlikely(kmg_guard_addr((void *)rec->addr)))
		kmg_guard_release((void *)rec->addr);
	else
		kmem_cache_free(rec->owner, (void *)rec->addr);
}

/* alloc_pages_exact(): the pages that hold the size asked for. */
static void kmg_release_pages_exact(const struct kmg_record *rec)
{
	free_pages_exact((void *)rec->addr, rec->size);
}

/*
 * Per-CPU memory: free_percpu() takes the allocator's spinlock with
 * interrupts saved and never sleeps, so it is fine in any context but NMI,
 * under a bucket lock too (its lock nests inside; it takes no lock of
 * kmemguard's).
 */
static void kmg_release_percpu(const struct kmg_record *rec)
{
	free_percpu((void __percpu __force *)rec->addr);
}

/* A destroy takes a mutex: kmemguard does it from its workqueue. */
static void kmg_release_cache_struct(const struct kmg_record *rec)
{
	kmg_cache_destroy_later((struct kmem_cache *)rec->addr);
}

/*
 * Mempools (mempool.c): an element goes back to its own pool (whose
 * reserve may need it), a pool goes the way it was made. Called where the
 * driver's wrong call was made; the pool is alive (a pool with live
 * elements is never destroyed by kmemguard).
 */
static void kmg_release_mempool(const struct kmg_record *rec)
{
	/*
	 * An element freed the wrong way (kfree(), another pool, kfree_rcu())
	 * is left allocated: its pool may be gone by now (an exited pool is
	 * the driver's memory), and nothing else may free it.
	 */
}

static void kmg_release_mempool_struct(const struct kmg_record *rec)
{
	mempool_destroy(rec->owner);
}

static void kmg_release_mempool_init(const struct kmg_record *rec)
{
	mempool_exit(rec->owner);
}

/*
 * May kmemguard free @dev's DMA memory later, after the driver's call, and
 * after the driver may have unbound? Only memory of the plain direct
 * mapping: no dma_map_ops or IOMMU, no bus offset (dma_range_map, freed at
 * unbind), no per-device coherent pool or restricted swiotlb pool (released
 * at unbind), coherent (no remapping to undo): freeing it then needs the
 * struct device only, which kmemguard keeps with a reference. Every x86
 * device without an IOMMU is one. (Here, not in dma.c: the DMA entry points'
 * symbol versions must not see the DMA layer's internal structures.)
 */
bool kmg_dma_plain(struct device *dev)
{
	if (get_dma_ops(dev) || kmg_use_dma_iommu(dev) || dev->dma_range_map ||
	    kmg_dev_dma_pool(dev) || is_swiotlb_for_alloc(dev))
		return false;
	return dev_is_dma_coherent(dev);
}

struct kmg_family_ops kmg_families[KMG_FAM_NR] = {
	[KMG_FAM_KMALLOC] = {
		.name		= "kmalloc",
		.fault_name	= "kmalloc",
		.free_call	= "kfree()",
		.frees		= F(KFREE) | F(KFREE_CONST) | F(KFREE_SENSITIVE) |
				  F(KVFREE) | F(KVFREE_SENSITIVE) | F(RCU) |
				  F(KREALLOC) | F(KVREALLOC),
		.fault_class	= KMG_FAM_KMALLOC,
		.release	= kmg_release_kmalloc,
		.mapped		= true,
	},
	[KMG_FAM_VMALLOC] = {
		.name		= "vmalloc",
		.fault_name	= "vmalloc",
		.free_call	= "vfree()",
		.frees		= F(VFREE) | F(KVFREE) | F(KVFREE_SENSITIVE) |
				  F(RCU) | F(KVREALLOC),
		.fault_class	= KMG_FAM_VMALLOC,
		.release	= kmg_release_vmalloc,
		.release_sleeps	= true,
		.release_later	= kmg_vfree_later,
		.mapped		= true,
	},
	[KMG_FAM_PAGES] = {
		.name		= "pages",
		.fault_name	= "pages",
		.free_call	= "free_pages()",
		.frees		= F(PAGES) | F(PUT_PAGE),
		.fault_class	= KMG_FAM_PAGES,
		.release	= kmg_release_pages,
		.no_kmemleak	= true,
		.mapped		= true,
	},
	[KMG_FAM_CACHE] = {
		.name		= "kmem_cache",
		.fault_name	= "cache",
		.free_call	= "kmem_cache_free()",
		.frees		= F(CACHE) | KMG_KFREE_OF_CACHE,
		.fault_class	= KMG_FAM_CACHE,
		.release	= kmg_release_cache,
		.mapped		= true,
	},
	[KMG_FAM_CACHE_STRUCT] = {
		.name		= "kmem_cache_create",
		.free_call	= "kmem_cache_destroy()",
		.frees		= F(CACHE_DESTROY),
		.fault_class	= KMG_FAM_CACHE,
		.release	= kmg_release_cache_struct,
		.covers		= KMG_STRUCT_COVERS,
	},
	[KMG_FAM_DEVM] = {
		.name		= "devm",
		.free_call	= "devm_kfree()",
		.frees		= F(DEVM) | F(DEVM_KREALLOC),
		.fault_class	= KMG_FAM_KMALLOC,
		.release	= kmg_devm_release_memory,
		.managed	= true,
		.mapped		= true,
	},
	[KMG_FAM_PAGES_EXACT] = {
		.name		= "pages_exact",
		.free_call	= "free_pages_exact()",
		.frees		= F(PAGES_EXACT),
		.fault_class	= KMG_FAM_PAGES,
		.release	= kmg_release_pages_exact,
		.no_kmemleak	= true,
		.mapped		= true,
	},
	/*
	 * DMA memory (dma.c): the record owns a copy of the allocation's
	 * arguments (device, handle, attributes, the device's name); the
	 * quarantine holds it only where dma.c can give it back later.
	 */
	[KMG_FAM_DMA] = {
		.name		= "dma",
		.fault_name	= "dma",
		.free_call	= "dma_free_attrs()",
		.frees		= F(DMA),
		.fault_class	= KMG_FAM_DMA,
		.release	= kmg_dma_release,
		.release_sleeps	= true,
		.release_later	= kmg_dma_release_later,
		.defer		= kmg_dma_defer,
		.no_kmemleak	= true,
		.hold		= kmg_dma_hold,
		.check_free	= kmg_dma_check_free,
		.put_owner	= kmg_dma_info_put,
		.owner_size	= sizeof(struct kmg_dma_info),
		.describe	= kmg_dma_describe,
		.unrepaired_here	= kmg_dma_unrepaired_here,
	},
	[KMG_FAM_DMA_NC] = {
		.name		= "dma_noncoherent",
		.free_call	= "dma_free_noncoherent()",
		.frees		= F(DMA_NC),
		.fault_class	= KMG_FAM_DMA,
		.release	= kmg_dma_release,
		.release_sleeps	= true,
		.release_later	= kmg_dma_release_later,
		.defer		= kmg_dma_defer,
		.no_kmemleak	= true,
		.hold		= kmg_dma_hold,
		.check_free	= kmg_dma_check_free,
		.put_owner	= kmg_dma_info_put,
		.owner_size	= sizeof(struct kmg_dma_info),
		.describe	= kmg_dma_describe,
		.unrepaired_here	= kmg_dma_unrepaired_here,
	},
	/*
	 * Managed: kmemguard's devres entry gives it back (wrappers.c); never
	 * held (devres may free it at any unbind).
	 */
	[KMG_FAM_DMAM] = {
		.name		= "dmam",
		.free_call	= "dmam_free_coherent()",
		.frees		= F(DMAM),
		.fault_class	= KMG_FAM_DMA,
		.release	= kmg_dmam_release_memory,
		.release_sleeps	= true,
		.release_later	= kmg_dma_release_later,
		.no_kmemleak	= true,
		.check_free	= kmg_dma_check_free,
		.put_owner	= kmg_dma_info_put,
		.owner_size	= sizeof(struct kmg_dma_info),
		.describe	= kmg_dma_describe,
		.unrepaired_here	= kmg_dmam_unrepaired_here,
		.managed	= true,
	},
	/*
	 * Never held: a freed element goes back to its pool's reserve or its
	 * free function at once. Holding it would keep it from the reserve,
	 * and mempool_alloc() waiting for an element at the pool's minimum
	 * could then wait for ever (mempool.c: what a double free is then).
	 */
	[KMG_FAM_MEMPOOL] = {
		.name		= "mempool",
		.fault_name	= "mempool",
		.free_call	= "mempool_free()",
		.frees		= F(MEMPOOL),
		.fault_class	= KMG_FAM_MEMPOOL,
		.release	= kmg_release_mempool,
		.unrepaired	= "left allocated (its pool may be gone)",
		.waits		= true,
	},
	[KMG_FAM_MEMPOOL_STRUCT] = {
		.name		= "mempool_create",
		.free_call	= "mempool_destroy()",
		.frees		= F(MEMPOOL_DESTROY),
		.fault_class	= KMG_FAM_MEMPOOL,
		.release	= kmg_release_mempool_struct,
	},
	[KMG_FAM_MEMPOOL_INIT] = {
		.name		= "mempool_init",
		.free_call	= "mempool_exit()",
		.frees		= F(MEMPOOL_EXIT),
		.fault_class	= KMG_FAM_MEMPOOL,
		.release	= kmg_release_mempool_init,
	},
	[KMG_FAM_PERCPU] = {
		.name		= "percpu",
		.fault_name	= "percpu",
		.free_call	= "free_percpu()",
		.frees		= F(PERCPU),
		.fault_class	= KMG_FAM_PERCPU,
		.release	= kmg_release_percpu,
		/* (kmemleak keys per-CPU objects otherwise: never reported) */
		.no_kmemleak	= true,
	},
	[KMG_FAM_DEVM_PERCPU] = {
		.name		= "devm_percpu",
		.free_call	= "devm_free_percpu()",
		.frees		= F(DEVM_PERCPU),
		.fault_class	= KMG_FAM_PERCPU,
		.release	= kmg_devm_release_percpu,
		.managed	= true,
	},
	[KMG_FAM_DEVM_PAGES] = {
		.name		= "devm_pages",
		.free_call	= "devm_free_pages()",
		.frees		= F(DEVM_PAGES),
		.fault_class	= KMG_FAM_PAGES,
		.release	= kmg_devm_release_pages,
		.no_kmemleak	= true,
		.managed	= true,
		.mapped		= true,
	},
	/*
	 * devm_bitmap_alloc(): devm_kmalloc() memory (the kernel's is a
	 * bitmap_alloc() with a devres action that frees it), which no call of
	 * the driver's frees: devm_kfree() of it WARNs in the kernel, and
	 * bitmap_free() frees it twice (again at unbind). Either is reported
	 * and completed the way devres would, entry and all.
	 */
	[KMG_FAM_DEVM_BITMAP] = {
		.name		= "devm_bitmap",
		.free_call	= "its devres release",
		.frees		= 0,
		.fault_class	= KMG_FAM_KMALLOC,
		.release	= kmg_devm_release_memory,
		.managed	= true,
		.mapped		= true,
	},
	/*
	 * DMA pools (dmapool.c): an element's record owns its pool and handle
	 * (and copies of the names); the quarantine holds freed elements (only
	 * pools kmemguard tracks have element records), and dmapool.c gives a
	 * pool's back before the pool goes. Given
	 * back under the bucket lock (the pool's spinlock nests inside), on
	 * PREEMPT_RT from a work item (kmg_family_init()).
	 */
	[KMG_FAM_DMA_POOL] = {
		.name		= "dma_pool",
		.fault_name	= "dma_pool",
		.free_call	= "dma_pool_free()",
		.frees		= F(DMA_POOL),
		.fault_class	= KMG_FAM_DMA_POOL,
		.release	= kmg_dmapool_release,
		.release_later	= kmg_dmapool_release_later,
		.no_kmemleak	= true,
		.check_free	= kmg_dmapool_check_free,
		.put_owner	= kmg_dmapool_info_put,
		.owner_size	= sizeof(struct kmg_dmapool_info),
		.describe	= kmg_dmapool_describe,
		.mapped		= true,
	},
	/* A pool goes the way it was made, from a work item (it sleeps). */
	[KMG_FAM_DMA_POOL_STRUCT] = {
		.name		= "dma_pool_create",
		.free_call	= "dma_pool_destroy()",
		.frees		= F(DMA_POOL_DESTROY),
		.fault_class	= KMG_FAM_DMA_POOL,
		.release	= kmg_dmapool_release_pool,
		.put_owner	= kmg_dmapool_info_put,
		.owner_size	= sizeof(struct kmg_dmapool_info),
		.describe	= kmg_dmapool_describe,
		.covers		= KMG_STRUCT_COVERS,
	},
	/* Managed: kmemguard's devres entry destroys it (wrappers.c). */
	[KMG_FAM_DMAM_POOL] = {
		.name		= "dmam_pool_create",
		.free_call	= "dmam_pool_destroy()",
		.frees		= F(DMAM_POOL_DESTROY),
		.fault_class	= KMG_FAM_DMA_POOL,
		.release	= kmg_dmapool_release_pool,
		.put_owner	= kmg_dmapool_info_put,
		.owner_size	= sizeof(struct kmg_dmapool_info),
		.describe	= kmg_dmapool_describe,
		.covers		= KMG_STRUCT_COVERS,
		.managed	= true,
	},
};
EXPORT_SYMBOL_IF_KUNIT(kmg_families);

const char *const kmg_free_api_names[KMG_FREE_NR] = {
	[KMG_FREE_KFREE]		= "kfree()",
	[KMG_FREE_KFREE_CONST]		= "kfree_const()",
	[KMG_FREE_KFREE_SENSITIVE]	= "kfree_sensitive()",
	[KMG_FREE_KVFREE]		= "kvfree()",
	[KMG_FREE_RCU]			= "kfree_rcu()",
	[KMG_FREE_VFREE]		= "vfree()",
	[KMG_FREE_PAGES]		= "free_pages()",
	[KMG_FREE_CACHE]		= "kmem_cache_free()",
	[KMG_FREE_CACHE_DESTROY]	= "kmem_cache_destroy()",
	[KMG_FREE_DEVM]			= "devm_kfree()",
	[KMG_FREE_KREALLOC]		= "krealloc()",
	[KMG_FREE_KVFREE_SENSITIVE]	= "kvfree_sensitive()",
	[KMG_FREE_KVREALLOC]		= "kvrealloc()",
	[KMG_FREE_PAGES_EXACT]		= "free_pages_exact()",
	[KMG_FREE_DMA]			= "dma_free_attrs()",
	[KMG_FREE_DMA_NC]		= "dma_free_noncoherent()",
	[KMG_FREE_DMAM]			= "dmam_free_coherent()",
	[KMG_FREE_MEMPOOL]		= "mempool_free()",
	[KMG_FREE_MEMPOOL_DESTROY]	= "mempool_destroy()",
	[KMG_FREE_MEMPOOL_EXIT]		= "mempool_exit()",
	[KMG_FREE_PERCPU]		= "free_percpu()",
	[KMG_FREE_DEVM_PERCPU]		= "devm_free_percpu()",
	[KMG_FREE_DEVM_KREALLOC]	= "devm_krealloc()",
	[KMG_FREE_DEVM_PAGES]		= "devm_free_pages()",
	[KMG_FREE_PUT_PAGE]		= "put_page()",
	[KMG_FREE_DMA_POOL]		= "dma_pool_free()",
	[KMG_FREE_DMA_POOL_DESTROY]	= "dma_pool_destroy()",
	[KMG_FREE_DMAM_POOL_DESTROY]	= "dmam_pool_destroy()",
};

/* "family= is kmalloc, vmalloc, ... or dma": from the table, at init. */
char kmg_fault_class_help[128];

static void kmg_fault_class_help_init(void)
{
	const char *last = NULL;
	size_t n;
	int i;

	n = strscpy(kmg_fault_class_help, "family= is ",
		    sizeof(kmg_fault_class_help));
	for (i = 0; i < KMG_FAM_NR; i++) {
		if (!kmg_families[i].fault_name)
			continue;
		if (last)
			n += scnprintf(kmg_fault_class_help + n,
				       sizeof(kmg_fault_class_help) - n,
				       "%s, ", last);
		last = kmg_families[i].fault_name;
	}
	if (n > 2 && kmg_fault_class_help[n - 2] == ',')
		n -= 2;		/* "a, b" + " or c" */
	scnprintf(kmg_fault_class_help + n, sizeof(kmg_fault_class_help) - n,
		  " or %s", last);
}

/*
 * What the quarantine may hold after a free: kmalloc, slab-cache and page
 * memory (alloc_pages_exact()'s too). With KASAN, slab and kmalloc memory
 * go back at once: KASAN's own quarantine catches use-after-free there, and
 * holding the memory would hide it. Pages, which KASAN does not quarantine, are held there too.
 * So is per-CPU memory (KASAN does not see it either): a per-CPU pointer
 * is no address of the linear map or of vmalloc space, so only a record
 * kept while the memory is held tells a second free_percpu() from a free
 * of memory the allocator handed out again. So are DMA pool elements
 * (KASAN does not see them either, and nothing a module can read tells a
 * second dma_pool_free() once the element went back: dmapool.c).
 * vmalloc memory is never held: a vmalloc area is unmapped the moment it is
 * freed, which is all a second vfree() needs to be recognised (record.c:
 * kmg_keeps_unheld()); holding areas would cost the vmalloc allocator dear.
 */
void kmg_family_init(void)
{
	bool kasan = IS_ENABLED(CONFIG_KASAN);

	kmg_families[KMG_FAM_KMALLOC].holdable = !kasan;
	kmg_families[KMG_FAM_CACHE].holdable = !kasan;
	kmg_families[KMG_FAM_PAGES].holdable = true;
	kmg_families[KMG_FAM_PAGES_EXACT].holdable = true;
	/* dma.c decides for each object (kmg_dma_hold()). */
	kmg_families[KMG_FAM_DMA].holdable = true;
	kmg_families[KMG_FAM_DMA_NC].holdable = true;
	kmg_families[KMG_FAM_PERCPU].holdable = true;
	kmg_families[KMG_FAM_DMA_POOL].holdable = true;
	/*
	 * free_percpu() takes pcpu_lock, a sleeping lock on PREEMPT_RT: held
	 * per-CPU memory evicted where that cannot sleep goes through the
	 * work item there (its record's ->owner is unused, as vmalloc's).
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		kmg_families[KMG_FAM_PERCPU].release_sleeps = true;
		kmg_families[KMG_FAM_PERCPU].release_later = kmg_vfree_later;
		/* dma_pool_free() takes the pool's spinlock_t: the same. */
		kmg_families[KMG_FAM_DMA_POOL].release_sleeps = true;
	}
	kmg_fault_class_help_init();
}

/* family= of a fault rule: one of the families that have a fault name. */
int kmg_fault_class_parse(const char *name)
{
	int i;

	for (i = 0; i < KMG_FAM_NR; i++)
		if (kmg_families[i].fault_name &&
		    !strcmp(kmg_families[i].fault_name, name))
			return i;
	return -1;
}
