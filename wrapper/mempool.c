// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard entry points for mempools (<linux/mempool.h>).
 *
 * A pool is a record: made by mempool_create*() (KMG_FAM_MEMPOOL_STRUCT,
 * given back by mempool_destroy()) or mempool_init*() (KMG_FAM_MEMPOOL_INIT,
 * mempool_exit()), so a pool never given back is a leak, and one given back
 * the other way is a mismatched free. Its key is its reserve array,
 * pool->elements: the kernel allocates it in the pool's creation and frees
 * it in its end, untracked, so no other record can have its address (the
 * pool itself cannot be the key: mempool_init() pools are embedded in the
 * driver's own objects, often at offset 0 of a tracked one). A pool of no
 * minimum has no array of its own (ZERO_SIZE_PTR) and goes untracked.
 *
 * An element is a record (KMG_FAM_MEMPOOL, owner: its pool) when its pool
 * is (the driver made it through kmemguard) and the address has no live
 * record yet. An element of a pool kmemguard did not see made (a
 * subsystem's, which its owner may free with the kernel's mempool_free())
 * is none: its record would outlive it, a false leak. One that has one was allocated by the
 * driver's own alloc_fn through kmemguard (a kmalloc() in the driver):
 * that record already says who allocated it and is ended by the driver's
 * free_fn, so the element gets no second one (the table has one record per
 * address; a second would replace the first, a stale record, and the first
 * kfree() in free_fn would then be reported). The pool's reserve, filled
 * by the kernel inside mempool_create(), is the pool's: no element records;
 * a driver's alloc_fn's records of it end in free_fn at mempool_destroy().
 *
 * Frees, what is exact:
 * - an element with its record: leak, wrong pool (reported and given to
 *   its own pool), mismatched free (kfree() of it: completed through
 *   mempool_free()), destroy or exit with it live (cache-not-empty: the
 *   pool is kept, as a slab cache is);
 * - double free: when the element is in its pool's reserve (looked up
 *   under the pool's lock: memory in the reserve is the pool's, so a free
 *   of it is a double free whatever kmemguard knows), or when its memory
 *   is held by the quarantine (a driver's free_fn freed it through
 *   kmemguard; under KASAN: while KASAN's quarantine holds it, as for any
 *   kmalloc() memory). An element the pool gave to its free_fn was the
 *   allocator's from that moment: a second mempool_free() of it is not
 *   recognised (SLUB or KASAN may). Elements are never held back
 *   (family.c): that would keep them from the reserve, and a mempool_alloc()
 *   waiting for an element at the pool's minimum could wait for ever.
 *
 * Fault rules (family=mempool) fail pool creations and only those
 * mempool_alloc() calls whose flags do not allow direct reclaim: with them
 * the kernel's never returns NULL (fault.c).
 *
 * Notes on locking: no locks of kmemguard's own. The reserve is read under
 * the pool's own lock (pool->lock), as mempool_free() takes it.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/mempool.h>
#include <linux/slab.h>

#include "entry.h"

/* The size of an element of @pool, where the kernel's helpers made it. */
static size_t kmg_mempool_elem_size(mempool_t *pool)
{
	if (pool->alloc == mempool_kmalloc)
		return (size_t)pool->pool_data;
	if (pool->alloc == mempool_alloc_slab)
		return kmem_cache_size(pool->pool_data);
	if (pool->alloc == mempool_alloc_pages)
		return PAGE_SIZE << (long)pool->pool_data;
	return 0;	/* the driver's own alloc_fn: unknown */
}

/* A pool was made (NULL: it failed): its record, keyed by its reserve array. */
static void kmg_mempool_track(struct kmg_alloc *a, mempool_t *pool,
			      enum kmg_family family)
{
	if (!a->site)
		return;
	if (!pool) {
		kmg_alloc_end(a, NULL, 0, family, 0, NULL, 0);	/* counted as failed */
		return;
	}
	if (ZERO_OR_NULL_PTR(pool->elements))
		return;
	kmg_alloc_end(a, pool->elements, pool->min_nr * sizeof(void *), family,
		      0, pool, 0);
}

struct mempool_s *kmemguard_mempool_create_node(struct kmemguard_site *desc,
						int min_nr,
						mempool_alloc_t *alloc_fn,
						mempool_free_t *free_fn,
						void *pool_data, gfp_t gfp,
						int nid)
{
	struct kmg_alloc a;
	mempool_t *pool;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_MEMPOOL_STRUCT, 0, false,
			     "mempool_create()"))
		return NULL;
	pool = kmg_raw_mempool_create_node(min_nr, alloc_fn, free_fn, pool_data,
					   a.gfp, nid);
	kmg_mempool_track(&a, pool, KMG_FAM_MEMPOOL_STRUCT);
	return pool;
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_create_node);

int kmemguard_mempool_init_node(struct kmemguard_site *desc,
				struct mempool_s *pool, int min_nr,
				mempool_alloc_t *alloc_fn,
				mempool_free_t *free_fn, void *pool_data,
				gfp_t gfp, int nid)
{
	struct kmg_alloc a;
	int ret;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_MEMPOOL_INIT, 0, false,
			     "mempool_init()")) {
		/*
		 * As the kernel's failed init leaves it: mempool_exit() of it
		 * (a driver's error path) is then a no-op.
		 */
		memset(pool, 0, sizeof(*pool));
		spin_lock_init(&pool->lock);
		init_waitqueue_head(&pool->wait);
		return -ENOMEM;
	}
	ret = mempool_init_node(pool, min_nr, alloc_fn, free_fn, pool_data,
				a.gfp, nid);
	kmg_mempool_track(&a, ret ? NULL : pool, KMG_FAM_MEMPOOL_INIT);
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_init_node);

/*
 * A new reserve array: the pool's record moves to it (a record taken out
 * of the table is its taker's, so its key may change meanwhile).
 */
int kmemguard_mempool_resize(struct kmemguard_site *desc,
			     struct mempool_s *pool, int new_min_nr)
{
	struct kmg_record *rec = NULL;
	int ret;

	if (!kmg_tracking() || in_nmi())
		return mempool_resize(pool, new_min_nr);
	/*
	 * The record is out of the table while mempool_resize() sleeps: its
	 * module's unload must not finish meanwhile (its site would be freed
	 * under it). A disable meanwhile: kmg_record_restore() drops it.
	 */
	kmg_going_lock();
	rec = kmg_record_untrack_owned(pool->elements, pool);
	ret = mempool_resize(pool, new_min_nr);
	if (rec) {
		rec->addr = (unsigned long)pool->elements;
		rec->size = pool->min_nr * sizeof(void *);
		kmg_record_restore(rec);
	}
	kmg_going_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_resize);

/*
 * Before a pool is given back where it may sleep: its live elements, if
 * any, are reported (cache-not-empty) and the pool is kept, as a slab
 * cache would be: a later mempool_free() of one of them must find it.
 */
static bool kmg_mempool_has_live(struct kmemguard_site *desc, mempool_t *pool,
				 const char *call)
{
	unsigned long n, shown;
	struct kmg_record *live;
	struct kmg_site *site;

	/*
	 * A kfree_rcu() of an element (a mismatch) gives it to its pool after
	 * a grace period (family.c): let that happen before the pool goes.
	 */
	rcu_barrier();
	site = kmg_site_of(desc, GFP_KERNEL) ?: &kmg_site_unknown;
	shown = READ_ONCE(kmg_report_objects);
	live = kcalloc(shown, sizeof(*live), GFP_KERNEL | __GFP_NOWARN);
	/* The copies name sites: none may be released until they are printed. */
	kmg_going_lock();
	n = kmg_table_collect_owned(KMG_FAM_MEMPOOL, pool, live,
				    live ? shown : 0);
	if (n)
		kmg_report_cache_not_empty(site, call, pool, live, n,
					   min(n, live ? shown : 0));
	kmg_going_unlock();
	kfree(live);
	return n;
}

/*
 * mempool_destroy() or mempool_exit() of @pool: true if the caller should
 * now make it. Outside task context the live elements are not looked for
 * (that walks the table); a pool in NMI context is given back later
 * (wrappers.c), without that check either.
 */
static bool kmg_mempool_end(struct kmemguard_site *desc, mempool_t *pool,
			    const struct kmg_free_call *call, const char *name)
{
	void **elements = READ_ONCE(pool->elements);

	/* Never initialised (a zeroed pool), ended, or of no minimum. */
	if (ZERO_OR_NULL_PTR(elements))
		return true;
	if (kmg_tracking() && !in_nmi() && kmg_context_may_sleep() &&
	    kmg_mempool_has_live(desc, pool, name))
		return false;
	return kmg_free(desc, elements, call);
}

void kmemguard_mempool_destroy(struct kmemguard_site *desc,
			       struct mempool_s *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_MEMPOOL_DESTROY,
				      .pool = pool };

	if (pool && kmg_mempool_end(desc, pool, &call, "mempool_destroy"))
		mempool_destroy(pool);
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_destroy);

void kmemguard_mempool_exit(struct kmemguard_site *desc,
			    struct mempool_s *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_MEMPOOL_EXIT,
				      .pool = pool };

	if (kmg_mempool_end(desc, pool, &call, "mempool_exit"))
		mempool_exit(pool);
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_exit);

/* Is @pool a record (made by the driver, through kmemguard) and live? */
static bool kmg_mempool_seen(mempool_t *pool)
{
	void **elements = READ_ONCE(pool->elements);
	struct kmg_record copy;

	return !ZERO_OR_NULL_PTR(elements) &&
	       kmg_table_find_exact((unsigned long)elements, &copy) &&
	       !(copy.flags & KMG_REC_FREED) && copy.owner == pool;
}

void *kmemguard_mempool_alloc(struct kmemguard_site *desc,
			      struct mempool_s *pool, gfp_t gfp)
{
	struct kmg_record copy;
	struct kmg_alloc a;
	size_t size;
	void *p;

	size = kmg_tracking() ? kmg_mempool_elem_size(pool) : 0;
	/* fault.c: only if @gfp does not allow direct reclaim. */
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_MEMPOOL, size, false,
			     "mempool_alloc()")) {
		/*
		 * Refused where it must not sleep (reported): but a
		 * mempool_alloc() that may wait never returns NULL, and the
		 * driver does not check. Run as asked, as the kernel would.
		 */
		if (gfpflags_allow_blocking(gfp) && !in_nmi())
			return kmg_raw_mempool_alloc(pool, gfp);
		return NULL;
	}
	p = kmg_raw_mempool_alloc(pool, a.gfp);
	/* Repaired (no direct reclaim) and empty: it would have waited. */
	if (!p && a.gfp != gfp && gfpflags_allow_blocking(gfp))
		p = kmg_raw_mempool_alloc(pool, gfp);
	/* The driver's alloc_fn's, through kmemguard: it has its record. */
	if (a.site && p && kmg_table_find_exact((unsigned long)p, &copy) &&
	    !(copy.flags & KMG_REC_FREED))
		return p;
	/* Not the driver's pool: no record (fault rules did see the call). */
	if (a.site && p && !kmg_mempool_seen(pool))
		return p;
	return kmg_alloc_end(&a, p, size, KMG_FAM_MEMPOOL, 0, pool, 0);
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_alloc);

/* Is @p in @pool's reserve now? Then the pool owns it. */
static bool kmg_mempool_reserved(mempool_t *pool, const void *p)
{
	unsigned long flags;
	bool found = false;
	int i;

	spin_lock_irqsave(&pool->lock, flags);
	for (i = 0; i < pool->curr_nr && !found; i++)
		found = pool->elements[i] == p;
	spin_unlock_irqrestore(&pool->lock, flags);
	return found;
}

/* A double free if @p is in @pool's reserve: reported (and refused). */
static bool kmg_mempool_double(struct kmemguard_site *desc, const void *p,
			       const struct kmg_free_call *call)
{
	struct kmg_site *site;

	if (!kmg_mempool_reserved(call->pool, p))
		return false;
	rcu_read_lock();
	site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
	kmg_report_free(KMG_BUG_DOUBLE_FREE, site, call, p, NULL);
	rcu_read_unlock();
	return true;
}

/*
 * mempool_free() of @p, checked. Context: any but NMI (wrappers.c parks
 * those and calls this from an irq_work).
 */
void kmg_mempool_free_check(struct kmemguard_site *desc, const void *p,
			    struct mempool_s *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_MEMPOOL, .pool = pool };
	struct kmg_record copy;
	bool found;

	found = kmg_table_find_exact((unsigned long)p, &copy);
	/*
	 * Memory the driver's alloc_fn allocated through kmemguard has no
	 * element record but its own one, not this call's to end; untracked
	 * memory none. For both only the reserve can tell a double free. An
	 * element of another pool freed to a pool whose alloc_fn is the
	 * driver's own is such memory too: that alloc_fn may have taken it
	 * from the other pool (nested pools), and its free_fn gives it back
	 * there. (So a wrong pool of that kind goes unreported; a pool the
	 * driver did not make is no such pool.)
	 */
	if (found && !(copy.flags & KMG_REC_FREED) &&
	    (copy.family != KMG_FAM_MEMPOOL ||
	     (copy.owner != pool && !kmg_mempool_elem_size(pool) &&
	      kmg_mempool_seen(pool)))) {
		if (!kmg_mempool_double(desc, p, &call))
			mempool_free((void *)p, pool);
		return;
	}
	if (!found && kmg_mempool_double(desc, p, &call))
		return;
	/*
	 * An element record; memory the quarantine holds, or (KASAN) a freed
	 * record whose memory KASAN's quarantine still holds: a double free
	 * after the driver's free_fn freed it through kmemguard. Or nothing:
	 * then kmg_free() says so, and the free is made.
	 */
	if (kmg_free(desc, p, &call))
		mempool_free((void *)p, pool);
}

void kmemguard_mempool_free(struct kmemguard_site *desc, void *p,
			    struct mempool_s *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_MEMPOOL, .pool = pool };

	if (!p)
		return;		/* as the kernel's: nothing to do */
	if (!kmg_tracking() || in_nmi()) {
		if (kmg_free(desc, p, &call))
			mempool_free(p, pool);
		return;
	}
	kmg_mempool_free_check(desc, p, pool);
}
EXPORT_SYMBOL_GPL(kmemguard_mempool_free);
