// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard entry points for DMA pools (<linux/dmapool.h>).
 *
 * A pool is a record keyed by the struct dma_pool * the kernel returned
 * (its own kzalloc()'d struct, which no other record can claim): made by
 * dma_pool_create() (KMG_FAM_DMA_POOL_STRUCT, given back by
 * dma_pool_destroy()) or dmam_pool_create() (KMG_FAM_DMAM_POOL), so a pool
 * never destroyed is a leak. Its record owns a struct kmg_dmapool_info with
 * copies of the pool's and its device's names: the driver's strings and the
 * device may be gone when a leak is printed.
 *
 * A managed pool is made as the kernel makes it (an unmanaged pool and a
 * devres entry that destroys it at unbind), with kmemguard's devres entry
 * (wrappers.c, struct kmg_devm) as that entry: it drops the record and
 * destroys the pool after kmg_dmapool_busy(), so the held elements go back
 * first (below). Untracked (no site, no memory for the entry): the kernel's
 * own dmam_pool_create().
 *
 * An element is a record (KMG_FAM_DMA_POOL) owning an info with its pool
 * and its DMA handle, so that a free to the wrong pool (wrong-pool) or with
 * another handle (mismatched-free) is reported and repaired: the element
 * goes back to its own pool with its own handle. kfree() and the other
 * families' frees of an element, and dma_pool_free() of their memory, are
 * mismatched frees freed the right way (family.c).
 *
 * Double frees: freed elements are held by the quarantine, as kmalloc()
 * memory is, and not given tombstones as dma.c's non-plain memory is. A
 * pool's free list is private to mm/dmapool.c, so nothing a module can read
 * proves that an element is still free once it went back: a tombstone would
 * have to guess, and a guess is a false report the day another user of the
 * pool is handed the block. Held memory is nobody's, so a second free of a
 * held element is a double free, exactly, and is refused: it never reaches
 * the pool's free list (where, without DMAPOOL_DEBUG, it would link the
 * block twice). The cost is that a pool must get its held elements back
 * before it goes: kmg_dmapool_busy() flushes them before dma_pool_destroy()
 * (the driver's, devres's, a deferred one), or the kernel would find the
 * pool busy and leak its pages, and kmemguard would later free into a freed
 * pool. (A leaked pool is never destroyed: its held elements go back to it
 * when its module goes, as any module's held memory does.)
 *
 * Only elements of pools kmemguard tracks are records. An element of a
 * pool kmemguard did not see made (a subsystem's, which its owner may free
 * with the kernel's dma_pool_free(); one made while kmemguard was off) gets
 * none: its record would outlive it, a false leak; and such a pool may be
 * destroyed behind kmemguard's back, so holding its elements would free
 * into a freed pool.
 *
 * Unlike a mempool's, a DMA pool's elements have no reserve anyone waits
 * for (dma_pool_alloc() makes a new page when the free list is empty), so
 * holding them cannot block anyone.
 *
 * dma_pool_destroy() with live elements: reported (cache-not-empty, with
 * the elements' sites) and the pool is kept, as a slab cache is: the kernel
 * would print "busy", leak its pages, and a later dma_pool_free() of a live
 * element would write into the freed pool. The same for every destroy
 * kmemguard makes itself (deferred, repaired, devres's).
 *
 * Pools are made and destroyed where they may sleep (mutexes, GFP_KERNEL):
 * a creation in atomic context is reported and refused (NULL), a destroy is
 * reported and done from a work item.
 *
 * Fault rules (family=dma_pool) fail pool creations and element
 * allocations.
 *
 * Notes on locking:
 * - struct kmg_dmapool_info is written once before its record is published
 *   and read-only afterwards (@later and @rec: the record's owner's, while
 *   the record is handed to the work item).
 * - kmg_dmapool_later (llist) takes held elements to give back from any
 *   context but NMI on PREEMPT_RT (dma_pool_free() takes the pool's
 *   spinlock_t, a sleeping lock there); kmg_dmapool_later_work empties it.
 * - kmg_dmapool_ends (llist) takes deferred destroys; kmg_dmapool_end_work
 *   makes them in process context.
 * - Held elements are given back under the record's bucket lock (not on
 *   PREEMPT_RT): the pool's lock nests inside it; the pool's code never
 *   calls kmemguard.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/dmapool.h>
#include <linux/llist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "entry.h"

static struct kmem_cache *kmg_dmapool_info_cache;	/* set at init */

/* === What a pool or element record owns ================================== */

static void kmg_dmapool_info_free(struct rcu_head *head)
{
	kmem_cache_free(kmg_dmapool_info_cache,
			container_of(head, struct kmg_dmapool_info, rcu));
}

/*
 * family.c: a pool or element record died. Readers may still print a copy
 * of it until a grace period ends. Any context but NMI.
 */
void kmg_dmapool_info_put(void *owner)
{
	struct kmg_dmapool_info *info = owner;

	call_rcu(&info->rcu, kmg_dmapool_info_free);
}

int kmg_dmapool_describe(const struct kmg_record *rec, char *buf, size_t len)
{
	const struct kmg_dmapool_info *info = rec->owner;

	return scnprintf(buf, len, " pool=%s dev=%s", info->name,
			 info->devname);
}

/*
 * What kmemguard knows of @pool: its names and block size into @out, and
 * true, if it tracks the pool. Any context but NMI.
 */
static bool kmg_dmapool_of(struct dma_pool *pool, struct kmg_dmapool_info *out)
{
	const struct kmg_dmapool_info *info;
	struct kmg_record copy;
	bool found;

	rcu_read_lock();
	found = kmg_table_find_exact((unsigned long)pool, &copy) &&
		!(copy.flags & KMG_REC_FREED) &&
		(copy.family == KMG_FAM_DMA_POOL_STRUCT ||
		 copy.family == KMG_FAM_DMAM_POOL);
	if (found) {
		/* (Freed a grace period after its record died: not yet.) */
		info = copy.owner;
		out->size = info->size;
		out->dev = info->dev;
		memcpy(out->name, info->name, sizeof(out->name));
		memcpy(out->devname, info->devname, sizeof(out->devname));
	}
	rcu_read_unlock();
	return found;
}

/*
 * family.c: dma_pool_free() against what was allocated: the pool first
 * (wrong-pool), then the handle (mismatched-free); @why names them.
 */
int kmg_dmapool_check_free(const struct kmg_record *rec,
			   const struct kmg_free_call *call, char *why,
			   size_t len)
{
	const struct kmg_dmapool_info *info = rec->owner;

	if (call->api != KMG_FREE_DMA_POOL)
		return KMG_BUG_NONE;	/* another family's call: the caller's */
	if (call->dma_pool != info->pool) {
		if (why)
			scnprintf(why, len, " pool %p (allocated from pool %s)",
				  call->dma_pool, info->name);
		return KMG_BUG_WRONG_POOL;
	}
	if (call->handle == info->handle)
		return KMG_BUG_NONE;
	if (why)
		scnprintf(why, len, " handle %pad (allocated %pad)",
			  &call->handle, &info->handle);
	return KMG_BUG_MISMATCHED_FREE;
}

/* === Elements given back by kmemguard ==================================== */

/*
 * May dma_pool_free() take the pool's spinlock here? Always, but on
 * PREEMPT_RT, where it is a sleeping lock: not with interrupts or
 * preemption truly off.
 */
static bool kmg_dmapool_may_lock(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) ||
	       (!preempt_count() && !irqs_disabled());
}

/*
 * family.c: an element goes back to its own pool with its own handle (a
 * held one leaving the quarantine, a repaired free). Its pool is alive: a
 * pool with held elements is flushed before it goes, one with live ones is
 * kept. Where the pool's lock cannot be taken (PREEMPT_RT, interrupts off,
 * a repair that was not held): left allocated.
 */
void kmg_dmapool_release(const struct kmg_record *rec)
{
	const struct kmg_dmapool_info *info = rec->owner;

	if (kmg_dmapool_may_lock())
		dma_pool_free(info->pool, (void *)rec->addr, info->handle);
	else
		kmg_count(KMG_COUNT_DEGRADED);
}

static LLIST_HEAD(kmg_dmapool_later);	/* held elements, through their info */

static void kmg_dmapool_later_fn(struct work_struct *work)
{
	struct kmg_dmapool_info *info, *next;

	llist_for_each_entry_safe(info, next,
				  llist_del_all(&kmg_dmapool_later), later) {
		struct kmg_record *rec = info->rec;

		dma_pool_free(info->pool, (void *)rec->addr, info->handle);
		kmg_record_released(rec);
	}
}

static DECLARE_WORK(kmg_dmapool_later_work, kmg_dmapool_later_fn);

/* family.c (PREEMPT_RT): a held element evicted where it cannot lock. */
void kmg_dmapool_release_later(struct kmg_record *rec)
{
	struct kmg_dmapool_info *info = rec->owner;

	info->rec = rec;
	if (llist_add(&info->later, &kmg_dmapool_later))
		schedule_work(&kmg_dmapool_later_work);
}

/* === A pool's end ======================================================== */

static bool kmg_match_dmapool(const struct kmg_record *rec, const void *pool)
{
	return rec->family == KMG_FAM_DMA_POOL &&
	       ((const struct kmg_dmapool_info *)rec->owner)->pool == pool;
}

/*
 * Every held element of @pool back in it, now. Records another CPU took
 * out of a ring just before are still on their way: RCU waits for them,
 * the work item for those it took. Context: process.
 */
static void kmg_dmapool_flush(struct dma_pool *pool)
{
	kmg_quarantine_flush(kmg_match_dmapool, pool);
	synchronize_rcu();
	flush_work(&kmg_dmapool_later_work);
}

/* Collects copies of a pool's live elements (kmg_table_scan()). */
struct kmg_dmapool_scan {
	struct dma_pool *pool;
	struct kmg_record *copies;
	unsigned long max;
	unsigned long n;
};

/* Under the bucket lock: a live record's info is alive. */
static bool kmg_dmapool_live_fn(struct kmg_record *rec, void *arg)
{
	struct kmg_dmapool_scan *s = arg;

	if (rec->family != KMG_FAM_DMA_POOL || (rec->flags & KMG_REC_FREED) ||
	    ((struct kmg_dmapool_info *)rec->owner)->pool != s->pool)
		return false;
	if (s->n < s->max)
		s->copies[s->n] = *rec;
	s->n++;
	return false;	/* (the whole chain) */
}

static void kmg_dmapool_scan_all(struct kmg_dmapool_scan *s)
{
	unsigned int b, nth;

	for (b = 0; b < kmg_table_buckets(); b++) {
		nth = 0;
		kmg_table_scan(b, &nth, kmg_dmapool_live_fn, s);
		if (!(b & 4095))
			cond_resched();
	}
}

/*
 * @pool is about to be destroyed, where it may sleep: its held elements go
 * back first. With live elements the kernel would find it busy and leak its
 * pages, and a later free of one would write into the freed pool: they are
 * reported (cache-not-empty, at @site as @call) and the pool is kept (true).
 *
 * @show: the live elements are shown, from copies made and printed under
 * kmg_going_lock() (they name sites of modules that may be going). Not for
 * the work item and devres: kmg_module_going() waits for the work item with
 * that lock held, and devres may run anywhere; they give the count only.
 */
static bool kmg_dmapool_busy(struct kmg_site *site, struct dma_pool *pool,
			     const char *call, bool show)
{
	struct kmg_dmapool_scan s = { .pool = pool };

	kmg_dmapool_flush(pool);
	if (!kmg_tracking())
		return false;	/* (disabled: no record to find) */
	if (!show) {
		kmg_dmapool_scan_all(&s);
		if (s.n)
			kmg_report_cache_not_empty(site, call, pool, NULL, s.n, 0);
		return s.n;
	}
	s.max = READ_ONCE(kmg_report_objects);
	s.copies = kcalloc(s.max, sizeof(*s.copies), GFP_KERNEL | __GFP_NOWARN);
	if (!s.copies)
		s.max = 0;
	kmg_going_lock();
	kmg_dmapool_scan_all(&s);
	if (s.n)
		kmg_report_cache_not_empty(site, call, pool, s.copies, s.n,
					   min(s.n, s.max));
	kmg_going_unlock();
	kfree(s.copies);
	return s.n;
}

/*
 * A destroy that must wait for process context: made where sleeping is
 * forbidden (@site: the driver's destroy), or kmemguard's repair of a
 * wrong one (@site: the pool's creation). The work item finishes before
 * any module's site shadows are released (kmg_module_going(): through
 * kmg_family_sync()), so @site stays valid. A managed pool's device
 * (@dev) is kept by a reference: its devres entry goes first.
 */
struct kmg_dmapool_end {
	struct llist_node node;
	struct dma_pool *pool;
	struct device *dev;
	struct kmg_site *site;
};

static LLIST_HEAD(kmg_dmapool_ends);

static void kmg_dmapool_end_fn(struct work_struct *work)
{
	struct kmg_dmapool_end *e, *next;
	const char *call;

	llist_for_each_entry_safe(e, next, llist_del_all(&kmg_dmapool_ends),
				  node) {
		call = e->dev ? "dmam_pool_destroy" : "dma_pool_destroy";
		if (!e->dev) {
			if (!kmg_dmapool_busy(e->site, e->pool, call, false))
				dma_pool_destroy(e->pool);
		} else {
			/* (No entry: devres destroyed it meanwhile.) */
			if (!kmg_dmapool_busy(e->site, e->pool, call, false) &&
			    kmg_devm_forget(e->dev, e->pool))
				dma_pool_destroy(e->pool);
			put_device(e->dev);
		}
		kfree(e);
	}
}

static DECLARE_WORK(kmg_dmapool_end_work, kmg_dmapool_end_fn);

/*
 * Destroy @pool from the work item (@dev: a managed pool's device). No
 * memory for the node, or a device on its way out: the pool stays (a
 * leak; devres destroys a managed one), nothing breaks.
 */
static void kmg_dmapool_end_later(struct kmg_site *site, struct dma_pool *pool,
				  struct device *dev)
{
	struct kmg_dmapool_end *e;

	/*
	 * PREEMPT_RT, truly atomic: not even kmalloc(GFP_ATOMIC) may run
	 * here. The pool stays (a managed one goes with devres at unbind).
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()) {
		kmg_count(KMG_COUNT_DEGRADED);
		return;
	}
	e = kmalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e || (dev && !kobject_get_unless_zero(&dev->kobj))) {
		kfree(e);
		kmg_count(KMG_COUNT_DEGRADED);
		return;
	}
	e->pool = pool;
	e->dev = dev;
	e->site = site;
	if (llist_add(&e->node, &kmg_dmapool_ends))
		schedule_work(&kmg_dmapool_end_work);
}

/*
 * family.c: a pool given back the wrong way (dma_pool_destroy() of a
 * managed pool, dmam_pool_destroy() of an unmanaged one, kfree() of a
 * pool): destroyed the way it was made, from the work item (the caller's
 * context may not sleep).
 */
void kmg_dmapool_release_pool(const struct kmg_record *rec)
{
	const struct kmg_dmapool_info *info = rec->owner;

	kmg_dmapool_end_later(rec->site, info->pool,
			      rec->family == KMG_FAM_DMAM_POOL ? info->dev : NULL);
}

/*
 * wrappers.c: kmemguard's devres entry of a managed pool runs (unbind, or
 * the device's release). Process context. Live elements: reported without
 * a site of the driver's (none is known here) and the pool kept.
 */
void kmg_dmapool_devm_destroy(struct device *dev, struct dma_pool *pool)
{
	if (!kmg_dmapool_busy(&kmg_site_unknown, pool, "dmam_pool_release",
			      false))
		dma_pool_destroy(pool);
}

/* === Entry points ======================================================== */

static struct kmg_dmapool_info *kmg_dmapool_info_new(gfp_t gfp)
{
	return kmem_cache_zalloc(kmg_dmapool_info_cache, gfp | __GFP_NOWARN);
}

/* A pool's info: its names, copied now. */
static void kmg_dmapool_info_set(struct kmg_dmapool_info *info,
				 struct dma_pool *pool, const char *name,
				 struct device *dev, size_t size)
{
	info->pool = pool;
	info->dev = dev;
	info->size = size;
	strscpy(info->name, name, sizeof(info->name));
	strscpy(info->devname, dev_name(dev), sizeof(info->devname));
}

struct dma_pool *kmemguard_dma_pool_create(struct kmemguard_site *desc,
					   const char *name,
					   struct device *dev, size_t size,
					   size_t align, size_t boundary)
{
	struct kmg_dmapool_info *info = NULL;
	struct dma_pool *pool;
	struct kmg_alloc a;

	/* It takes mutexes and allocates with GFP_KERNEL: always blocks. */
	if (!kmg_alloc_begin(&a, desc, GFP_KERNEL, KMG_FAM_DMA_POOL_STRUCT,
			     size, true, "dma_pool_create()"))
		return NULL;
	if (a.site && dev) {
		info = kmg_dmapool_info_new(GFP_KERNEL);
		if (!info)
			kmg_count(KMG_COUNT_DEGRADED);
	}
	pool = dma_pool_create(name, dev, size, align, boundary);
	if (!info)
		return pool;	/* untracked: its destroy passes */
	if (!pool) {
		kmem_cache_free(kmg_dmapool_info_cache, info);
		return kmg_alloc_end(&a, NULL, size, KMG_FAM_DMA_POOL_STRUCT,
				     0, NULL, 0);
	}
	kmg_dmapool_info_set(info, pool, name, dev, size);
	return kmg_alloc_end(&a, pool, size, KMG_FAM_DMA_POOL_STRUCT, 0, info,
			     0);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_pool_create);

/*
 * dmam_pool_create(): an unmanaged pool with kmemguard's devres entry as
 * its only one (see the top of this file).
 */
struct dma_pool *kmemguard_dmam_pool_create(struct kmemguard_site *desc,
					    const char *name,
					    struct device *dev, size_t size,
					    size_t align, size_t boundary)
{
	struct kmg_dmapool_info *info;
	struct dma_pool *pool;
	struct kmg_devm *e;
	struct kmg_alloc a;

	if (!kmg_alloc_begin(&a, desc, GFP_KERNEL, KMG_FAM_DMAM_POOL, size,
			     true, "dmam_pool_create()"))
		return NULL;
	if (!a.site || !dev)
		goto untracked;
	info = kmg_dmapool_info_new(GFP_KERNEL);
	if (!info)
		goto degraded;
	e = kmg_devm_new(dev, GFP_KERNEL, NULL);
	if (!e) {
		kmem_cache_free(kmg_dmapool_info_cache, info);
		goto degraded;
	}
	pool = dma_pool_create(name, dev, size, align, boundary);
	if (!pool) {
		kmg_devm_free_new(e);
		kmem_cache_free(kmg_dmapool_info_cache, info);
		return kmg_alloc_end(&a, NULL, size, KMG_FAM_DMAM_POOL, 0,
				     NULL, 0);
	}
	kmg_dmapool_info_set(info, pool, name, dev, size);
	kmg_devm_set_pool(e);
	return kmg_devm_track(&a, e, pool, size, KMG_FAM_DMAM_POOL, info);
degraded:
	kmg_count(KMG_COUNT_DEGRADED);
untracked:
	return dmam_pool_create(name, dev, size, align, boundary);
}
EXPORT_SYMBOL_GPL(kmemguard_dmam_pool_create);

/*
 * A destroy where sleeping is forbidden: reported, and made from the work
 * item (@dev: managed). True if handled so.
 */
static bool kmg_dmapool_destroy_atomic(struct kmemguard_site *desc,
				       struct dma_pool *pool,
				       const struct kmg_free_call *call,
				       struct device *dev, const char *name)
{
	struct kmg_site *site;

	if (kmg_context_may_sleep())
		return false;
	site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
	kmg_report_alloc(KMG_BUG_SLEEP_IN_ATOMIC, site, GFP_KERNEL, GFP_KERNEL,
			 KMG_ALLOC_DEFERRED, name);
	/* (the work keeps the site: checked and queued in one RCU section) */
	rcu_read_lock();
	if (kmg_free(desc, pool, call))
		kmg_dmapool_end_later(kmg_site_kept(site), pool, dev);
	rcu_read_unlock();
	return true;
}

void kmemguard_dma_pool_destroy(struct kmemguard_site *desc,
				struct dma_pool *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMA_POOL_DESTROY,
				      .dma_pool = pool };

	if (!pool)
		return;		/* as the kernel's: nothing to do */
	if (!kmg_tracking()) {
		/*
		 * Disabled: a disable empties the quarantine only after a
		 * grace period, and the kernel frees a busy pool: what may
		 * still be held of it goes back first.
		 */
		if (!in_nmi())
			kmg_dmapool_flush(pool);
		dma_pool_destroy(pool);
		return;
	}
	/* It takes mutexes: in NMI context the pool stays (a leak). */
	if (in_nmi())
		return;
	if (kmg_dmapool_destroy_atomic(desc, pool, &call, NULL,
				       "dma_pool_destroy()"))
		return;
	if (kmg_dmapool_busy(kmg_site_of(desc, GFP_KERNEL) ?: &kmg_site_unknown,
			     pool, "dma_pool_destroy", true))
		return;
	if (kmg_free(desc, pool, &call))
		dma_pool_destroy(pool);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_pool_destroy);

void kmemguard_dmam_pool_destroy(struct kmemguard_site *desc,
				 struct dma_pool *pool)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMAM_POOL_DESTROY,
				      .dma_pool = pool };
	struct kmg_dmapool_info known;
	struct device *dev;

	/* It takes mutexes: in NMI context the pool stays (a leak). */
	if (in_nmi())
		return;
	/* PREEMPT_RT, truly atomic: reported, the pool left to devres. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible() && kmg_tracking()) {
		kmg_dmapool_destroy_atomic(desc, pool, &call, NULL,
					   "dmam_pool_destroy()");
		return;
	}
	/*
	 * kmemguard's devres entry names the device (the pool's own field is
	 * private), whatever kmemguard's state. None, and no record of an
	 * unmanaged pool (a mismatch, below): the kernel's own entry.
	 */
	dev = kmg_devm_pool_dev(pool);
	if (!dev && !(kmg_tracking() && kmg_dmapool_of(pool, &known))) {
		dmam_pool_destroy(pool);
		return;
	}
	if (kmg_tracking()) {
		if (kmg_dmapool_destroy_atomic(desc, pool, &call, dev,
					       "dmam_pool_destroy()"))
			return;
		if (kmg_dmapool_busy(kmg_site_of(desc, GFP_KERNEL) ?:
				     &kmg_site_unknown, pool,
				     "dmam_pool_destroy", true))
			return;
		if (!kmg_free(desc, pool, &call))
			return;		/* refused, or destroyed the right way */
	}
	/* kmemguard's devres entry goes first, without running. */
	if (dev && kmg_devm_forget(dev, pool)) {
		/* (Disabled: what may still be held goes back first.) */
		if (!kmg_tracking())
			kmg_dmapool_flush(pool);
		dma_pool_destroy(pool);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_dmam_pool_destroy);

void *kmemguard_dma_pool_alloc(struct kmemguard_site *desc,
			       struct dma_pool *pool, gfp_t gfp,
			       dma_addr_t *handle)
{
	struct kmg_dmapool_info *info, known = { .size = 0 };
	bool seen = false;
	struct kmg_alloc a;
	void *p;

	if (kmg_tracking() && desc && !in_nmi())
		seen = kmg_dmapool_of(pool, &known);
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DMA_POOL, known.size,
			     false, "dma_pool_alloc()"))
		return NULL;
	p = dma_pool_alloc(pool, a.gfp, handle);
	if (!a.site || !p)
		return kmg_alloc_end(&a, p, known.size, KMG_FAM_DMA_POOL, 0,
				     NULL, 0);
	/* Not a pool the driver made through kmemguard: no record (above). */
	if (!seen)
		return p;
	/* Any context dma_pool_alloc() may run in: never blocks. */
	info = kmg_dmapool_info_new(GFP_ATOMIC);
	if (!info) {
		kmg_count(KMG_COUNT_DEGRADED);
		return p;	/* untracked: its free passes */
	}
	info->pool = pool;
	info->handle = *handle;
	info->dev = known.dev;
	memcpy(info->name, known.name, sizeof(info->name));
	memcpy(info->devname, known.devname, sizeof(info->devname));
	return kmg_alloc_end(&a, p, known.size, KMG_FAM_DMA_POOL, 0, info, 0);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_pool_alloc);

void kmemguard_dma_pool_free(struct kmemguard_site *desc,
			     struct dma_pool *pool, void *p,
			     dma_addr_t handle)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMA_POOL,
				      .dma_pool = pool, .handle = handle };

	if (kmg_free(desc, p, &call))
		dma_pool_free(pool, p, handle);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_pool_free);

/* === Init and exit ======================================================= */

int kmg_dmapool_init(void)
{
	kmg_dmapool_info_cache = KMEM_CACHE(kmg_dmapool_info, SLAB_NOLEAKTRACE);
	return kmg_dmapool_info_cache ? 0 : -ENOMEM;
}

/* Every element given back from the work item, every deferred destroy done. */
void kmg_dmapool_sync(void)
{
	flush_work(&kmg_dmapool_later_work);
	flush_work(&kmg_dmapool_end_work);
}

/* No tracked module is left, no record owns an info. */
void kmg_dmapool_exit(void)
{
	kmg_dmapool_sync();
	rcu_barrier();		/* kmg_dmapool_info_put()'s callbacks */
	kmem_cache_destroy(kmg_dmapool_info_cache);
}
