// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard DMA memory: dma_alloc_coherent() and its variants, the
 * non-coherent and managed (dmam_) forms. Debian's kernels have no
 * CONFIG_DMA_API_DEBUG: these checks are the only ones a driver gets.
 *
 * A DMA record is a record like any other (record.c); what the allocation
 * was given besides its size (device, handle, attributes; the device's name
 * for reports, copied: the device may be gone when a leak is reported) is a
 * struct kmg_dma_info the record owns (its ->owner), freed with it one RCU
 * grace period later, since reports and listings print from copies of
 * records made under RCU. A managed allocation keeps the same arguments in
 * its devres entry (wrappers.c, struct kmg_devm).
 *
 * Checks, each reported and repaired:
 * - a free with another device, size or handle than the allocation's
 *   (mismatched-free): the memory is freed with the allocation's own;
 * - a free by another family's call, or of DMA memory by kfree() & co
 *   (mismatched-free): freed the right way, from the work item where the
 *   free's context cannot (the record carries it there: wrappers.c's
 *   kmg_repair_later()), managed memory left to devres where it cannot be
 *   taken off the device;
 * - a second free (double-free): refused;
 * - dma_free_coherent() with interrupts disabled (dma-free-irqs-off), which
 *   the DMA API forbids (the kernel WARNs): the free runs from a work item;
 * - an allocation that may sleep where sleeping is forbidden: wrappers.c's
 *   usual repair (no blocking flags).
 *
 * The quarantine holds freed DMA memory (so that a second free is refused
 * exactly) only where it can give it back later whatever happened to the
 * device meanwhile: memory of the direct DMA mapping (no IOMMU, no dma_map_ops:
 * freeing it needs only the struct device, kept by a reference) freed
 * through the right call on the allocating device. Held memory goes back
 * from a work item (dma_free_attrs() must run with interrupts on), and at
 * the latest when any module goes away (a device's release function may be
 * that module's: kmg_dma_module_going()). Memory the quarantine does not
 * hold leaves a tombstone (a copy of its record, no claim on the memory): a
 * second free of it is a double free only while the memory is still free
 * (its first page has no reference, or its vmalloc mapping is gone).
 *
 * Notes on locking:
 * - struct kmg_dma_info is written once before its record is published,
 *   except @ref, set by kmg_dma_defer() (under the record's bucket lock
 *   from kmg_dma_hold(), or by the owner of a freed record no longer in
 *   the table) and read only by whoever owns the record afterwards.
 * - kmg_dma_later (llist) takes deferred frees from any context but NMI;
 *   kmg_dma_later_work empties it in process context.
 * - kmg_dma_tomb_lock (raw, irq-safe) protects kmg_dma_tombs and
 *   kmg_dma_tomb_next. Nothing is allocated or printed under it.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "entry.h"

/* Tombstones of DMA memory freed without being held. */
#define KMG_DMA_TOMBS	64

/* === What a DMA record owns ============================================== */

static struct kmem_cache *kmg_dma_info_cache;	/* set at init */
static struct workqueue_struct *kmg_dma_wq;	/* info frees, deferred frees */
/* Device references kmemguard holds (held memory, deferred frees). */
static atomic_t kmg_dma_refs = ATOMIC_INIT(0);

static void kmg_dma_args_set(struct kmg_dma_args *args, struct device *dev,
			     dma_addr_t handle, unsigned long attrs)
{
	args->handle = handle;
	args->attrs = attrs;
	strscpy(args->devname, dev_name(dev), sizeof(args->devname));
}

static struct kmg_dma_info *kmg_dma_info_new(struct device *dev,
					     dma_addr_t handle,
					     unsigned long attrs)
{
	struct kmg_dma_info *info;

	/* Any context dma_alloc_attrs() may run in: never blocks. */
	info = kmem_cache_alloc(kmg_dma_info_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!info)
		return NULL;
	info->dev = dev;
	info->ref = false;
	kmg_dma_args_set(&info->args, dev, handle, attrs);
	return info;
}

static void kmg_dma_info_free_fn(struct work_struct *work)
{
	struct kmg_dma_info *info = container_of(to_rcu_work(work),
						 struct kmg_dma_info, rwork);

	if (info->ref) {
		put_device(info->dev);
		atomic_dec(&kmg_dma_refs);
	}
	kmem_cache_free(kmg_dma_info_cache, info);
}

/*
 * family.c: a DMA record died. Readers may still print a copy of it until
 * a grace period ends; a device reference is dropped in process context
 * (a device's release function may sleep).
 */
void kmg_dma_info_put(void *owner)
{
	struct kmg_dma_info *info = owner;

	INIT_RCU_WORK(&info->rwork, kmg_dma_info_free_fn);
	queue_rcu_work(kmg_dma_wq, &info->rwork);
}

/*
 * family.c: may the quarantine hold this DMA memory? Only memory of the
 * direct mapping, freed through its own call on its own device (which the
 * driver's call keeps alive now): a reference keeps the struct device for
 * the later dma_free_attrs(). Under the bucket lock.
 */
bool kmg_dma_hold(struct kmg_record *rec, const struct kmg_free_call *call)
{
	struct kmg_dma_info *info = rec->owner;

	if (call->dev != info->dev ||
	    !(kmg_fam(rec->family)->frees & BIT(call->api)))
		return false;
	return kmg_dma_defer(rec);
}

/*
 * family.c: this record's memory will be given back later, from the work
 * item (held, or a bad free completed where it cannot be now): only on a
 * device of the direct mapping, whose struct device a reference keeps
 * (dropped when the record dies). Any context but NMI.
 */
bool kmg_dma_defer(struct kmg_record *rec)
{
	struct kmg_dma_info *info = rec->owner;

	if (!kmg_dma_plain(info->dev))
		return false;
	/* (Not a device already on its way out: freed from its release()) */
	if (!kobject_get_unless_zero(&info->dev->kobj))
		return false;
	atomic_inc(&kmg_dma_refs);
	info->ref = true;
	return true;
}

/*
 * family.c: what a report of a bad free of DMA memory says where it can
 * neither be completed nor deferred from the free's context (only memory
 * of the plain direct mapping is: kmg_dma_defer(), kmg_dma_free_later()):
 * left allocated, counted as degraded.
 */
const char *kmg_dma_unrepaired_here(const struct kmg_record *rec)
{
	const struct kmg_dma_info *info = rec->owner;

	if (!info || kmg_context_may_sleep() || kmg_dma_plain(info->dev))
		return NULL;
	return "left allocated (no safe way to free it from here)";
}

int kmg_dma_describe(const struct kmg_record *rec, char *buf, size_t len)
{
	const struct kmg_dma_info *info = rec->owner;

	/* (A tombstone's copy owns nothing.) */
	return info ? scnprintf(buf, len, " dev=%s", info->args.devname) : 0;
}

/* The arguments of a free against the allocation's; @why says which differ. */
static int kmg_dma_args_check(const struct kmg_record *rec,
			      const struct kmg_free_call *call,
			      struct device *dev, const struct kmg_dma_args *args,
			      char *why, size_t len)
{
	bool dev_ok = call->dev == dev, size_ok = call->len == rec->size;
	bool handle_ok = call->handle == args->handle;
	int n = 0;

	if (!(kmg_fam(rec->family)->frees & BIT(call->api)))
		return KMG_BUG_NONE;	/* another family's call: the caller's */
	if (dev_ok && size_ok && handle_ok)
		return KMG_BUG_NONE;
	if (!why)
		return KMG_BUG_MISMATCHED_FREE;
	if (!dev_ok)
		n += scnprintf(why + n, len - n, " device %s (allocated on %s),",
			       call->dev ? dev_name(call->dev) : "NULL",
			       args->devname);
	if (!size_ok)
		n += scnprintf(why + n, len - n, " size %zu (allocated %lu),",
			       call->len, rec->size);
	if (!handle_ok)
		n += scnprintf(why + n, len - n, " handle %pad (allocated %pad),",
			       &call->handle, &args->handle);
	if (n)
		why[n - 1] = '\0';	/* the last comma */
	return KMG_BUG_MISMATCHED_FREE;
}

/* family.c: dma_free_attrs() & co against what was allocated. */
int kmg_dma_check_free(const struct kmg_record *rec,
		       const struct kmg_free_call *call, char *why, size_t len)
{
	const struct kmg_dma_info *info = rec->owner;

	return kmg_dma_args_check(rec, call, info->dev, &info->args, why, len);
}

/* === Frees from a work item ============================================== */

/*
 * A DMA free that must wait for process context: the driver's own free
 * made with interrupts off, or kmemguard's (a repair) where it cannot
 * sleep. The node holds a reference to the device. Only for a plain device
 * (kmg_dma_plain()), and never allocated with interrupts off on PREEMPT_RT
 * (the slab's locks sleep there): else the memory is left allocated.
 */
struct kmg_dma_later {
	struct llist_node node;
	u8 family;		/* KMG_FAM_DMA, _DMA_NC, _DMAM */
	struct device *dev;
	void *addr;
	size_t size;
	dma_addr_t handle;
	unsigned long attrs;	/* the direction for KMG_FAM_DMA_NC */
};

static LLIST_HEAD(kmg_dma_later);
static LLIST_HEAD(kmg_dma_later_recs);	/* held records, through their info */

/* The free itself, as the family's own call. Interrupts on. */
static void kmg_dma_free_now(u8 family, struct device *dev, void *addr,
			     size_t size, dma_addr_t handle,
			     unsigned long attrs)
{
	/* (Managed memory is off its devres entry by now: freed as unmanaged.) */
	if (family == KMG_FAM_DMA_NC)
		dma_free_noncoherent(dev, size, addr, handle,
				     (enum dma_data_direction)attrs);
	else
		dma_free_attrs(dev, size, addr, handle, attrs);
}

static void kmg_dma_later_fn(struct work_struct *work)
{
	struct llist_node *n, *next;
	struct kmg_dma_info *info;
	struct kmg_dma_later *l;
	struct kmg_record *rec;

	llist_for_each_safe(n, next, llist_del_all(&kmg_dma_later_recs)) {
		info = container_of(n, struct kmg_dma_info, later);
		rec = info->rec;
		kmg_dma_free_now(rec->family, info->dev, (void *)rec->addr,
				 rec->size, info->args.handle, info->args.attrs);
		kmg_record_released(rec);
	}
	llist_for_each_safe(n, next, llist_del_all(&kmg_dma_later)) {
		l = container_of(n, struct kmg_dma_later, node);
		kmg_dma_free_now(l->family, l->dev, l->addr, l->size, l->handle,
				 l->attrs);
		put_device(l->dev);
		atomic_dec(&kmg_dma_refs);
		kfree(l);
	}
}

static DECLARE_WORK(kmg_dma_later_work, kmg_dma_later_fn);

/*
 * Can a free on @dev be deferred from here? (Its node is a GFP_ATOMIC
 * kmalloc(): on PREEMPT_RT not where preemption is truly off.)
 */
static bool kmg_dma_can_defer(struct device *dev)
{
	return kmg_dma_plain(dev) &&
	       !(IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible());
}

/* Free later, from the work item. No memory for the node: a leak. */
static void kmg_dma_free_later(u8 family, struct device *dev, void *addr,
			       size_t size, dma_addr_t handle,
			       unsigned long attrs)
{
	struct kmg_dma_later *l;

	if (!kmg_dma_can_defer(dev))
		goto leak;
	l = kmalloc(sizeof(*l), GFP_ATOMIC | __GFP_NOWARN);
	if (!l)
		goto leak;
	if (!kobject_get_unless_zero(&dev->kobj)) {
		kfree(l);
		goto leak;
	}
	l->family = family;
	l->dev = dev;
	atomic_inc(&kmg_dma_refs);
	l->addr = addr;
	l->size = size;
	l->handle = handle;
	l->attrs = attrs;
	if (llist_add(&l->node, &kmg_dma_later))
		queue_work(kmg_dma_wq, &kmg_dma_later_work);
	return;
leak:
	kmg_count(KMG_COUNT_DEGRADED);
}

/* Now if this context may, else from the work item. */
static void kmg_dma_free_sync_or_later(u8 family, struct device *dev,
				       void *addr, size_t size,
				       dma_addr_t handle, unsigned long attrs)
{
	if (kmg_context_may_sleep())
		kmg_dma_free_now(family, dev, addr, size, handle, attrs);
	else
		kmg_dma_free_later(family, dev, addr, size, handle, attrs);
}

/* family.c: DMA memory given back the right way (a repair, or held memory). */
void kmg_dma_release(const struct kmg_record *rec)
{
	const struct kmg_dma_info *info = rec->owner;

	kmg_dma_free_sync_or_later(rec->family, info->dev, (void *)rec->addr,
				   rec->size, info->args.handle,
				   info->args.attrs);
}

/*
 * family.c: DMA memory given back from the work item: held memory evicted
 * in atomic context, or a bad free completed where it cannot be now (after
 * kmg_dma_defer()).
 */
void kmg_dma_release_later(struct kmg_record *rec)
{
	struct kmg_dma_info *info = rec->owner;

	info->rec = rec;
	if (llist_add(&info->later, &kmg_dma_later_recs))
		queue_work(kmg_dma_wq, &kmg_dma_later_work);
}

/* Every deferred DMA free and info free is done. Context: process. */
void kmg_dma_sync(void)
{
	if (!kmg_dma_wq)
		return;
	flush_work(&kmg_dma_later_work);
	rcu_barrier();		/* queue_rcu_work()s queued by now */
	flush_workqueue(kmg_dma_wq);
	kmg_dmapool_sync();	/* DMA pools' elements and destroys too */
}

/* === Tombstones ========================================================== */

struct kmg_dma_tomb {
	unsigned long addr;		/* 0: empty */
	struct kmg_record rec;		/* freed, owns nothing */
};

/*
 * Tombstones name site shadows: they go when a module does (core.c, before
 * its shadows are released), and whenever the memory is handed out again
 * (kmg_dma_tomb_forget()) or kmemguard is enabled again.
 */

static struct kmg_dma_tomb kmg_dma_tombs[KMG_DMA_TOMBS]; /* kmg_dma_tomb_lock */
static unsigned int kmg_dma_tomb_next;			  /* kmg_dma_tomb_lock */
static DEFINE_RAW_SPINLOCK(kmg_dma_tomb_lock);

static void kmg_dma_tomb_add(const struct kmg_record *copy,
			     struct kmg_site *free_site)
{
	struct kmg_dma_tomb *t;
	unsigned long flags;

	/* Only memory whose first page was an allocation's own (see below). */
	if (is_vmalloc_addr((void *)copy->addr) ||
	    !virt_addr_valid((void *)copy->addr) ||
	    page_ref_count(virt_to_page((void *)copy->addr)) < 1)
		return;
	raw_spin_lock_irqsave(&kmg_dma_tomb_lock, flags);
	t = &kmg_dma_tombs[kmg_dma_tomb_next++ % KMG_DMA_TOMBS];
	t->addr = copy->addr;
	t->rec = *copy;
	t->rec.owner = NULL;
	t->rec.flags |= KMG_REC_FREED | KMG_REC_DETACHED;
	t->rec.free_site = free_site;
	t->rec.free_stack = 0;
	raw_spin_unlock_irqrestore(&kmg_dma_tomb_lock, flags);
}

static bool kmg_dma_tomb_find(unsigned long addr, struct kmg_record *copy)
{
	unsigned long flags;
	bool found = false;
	unsigned int i, n;

	raw_spin_lock_irqsave(&kmg_dma_tomb_lock, flags);
	for (n = 1; n <= KMG_DMA_TOMBS && !found; n++) {	/* newest first */
		i = (kmg_dma_tomb_next - n) % KMG_DMA_TOMBS;
		if (kmg_dma_tombs[i].addr == addr) {
			*copy = kmg_dma_tombs[i].rec;
			found = true;
		}
	}
	raw_spin_unlock_irqrestore(&kmg_dma_tomb_lock, flags);
	return found;
}

/* @addr was handed out again (tracked or not): it is no tombstone's. */
static void kmg_dma_tomb_forget(const void *addr)
{
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&kmg_dma_tomb_lock, flags);
	for (i = 0; i < KMG_DMA_TOMBS; i++)
		if (kmg_dma_tombs[i].addr == (unsigned long)addr)
			kmg_dma_tombs[i].addr = 0;
	raw_spin_unlock_irqrestore(&kmg_dma_tomb_lock, flags);
}

/* Every tombstone goes (a module going, kmemguard enabled again). */
void kmg_dma_tombs_clear(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmg_dma_tomb_lock, flags);
	memset(kmg_dma_tombs, 0, sizeof(kmg_dma_tombs));
	raw_spin_unlock_irqrestore(&kmg_dma_tomb_lock, flags);
}

/*
 * Is the memory at @p, which a tombstone says was an allocation's own
 * first page when the driver freed it, still free? No reference, and not
 * part of a compound page (slab, a folio): pages on the allocator's lists
 * have no reference. A page that became the second or later page of a
 * bigger plain allocation has none either; a driver can only be given such
 * a page from a pool's middle (never by kmemguard-tracked code, which
 * forgets the tombstone of whatever it hands out), hence the tombstone's
 * short life.
 */
static bool kmg_dma_memory_free(const void *p)
{
	struct page *page;

	if (is_vmalloc_addr(p))
		return !vmalloc_to_page(p);
	if (!virt_addr_valid(p))
		return false;
	page = virt_to_page(p);
	return !page_ref_count(page) && !PageTail(page) && !PageCompound(page);
}

/*
 * check.c: a DMA free of @p, which no live record claims. A double free if
 * a tombstone says the driver freed it before and the memory is still free;
 * an invalid free if it is no DMA memory at all (slab memory, a stack,
 * inside a tracked object, module data); else memory the kernel allocated
 * for the driver: nothing to say.
 */
enum kmg_bug kmg_dma_untracked_free(const void *p,
				    const struct kmg_free_call *call,
				    struct kmg_record *inside, bool *found)
{
	unsigned long addr = (unsigned long)p;

	/* A cookie (DMA_ATTR_NO_KERNEL_MAPPING), not an address. */
	if (call->api == KMG_FREE_DMA &&
	    (call->attrs & DMA_ATTR_NO_KERNEL_MAPPING))
		return KMG_BUG_NONE;
	if (kmg_dma_memory_free(p) && kmg_dma_tomb_find(addr, inside)) {
		*found = true;
		return KMG_BUG_DOUBLE_FREE;
	}
	if (object_is_on_stack(p))
		return KMG_BUG_INVALID_FREE;
	if (is_vmalloc_addr(p)) {
		*found = kmg_table_find_containing(addr, 64 * PAGE_SIZE,
						   PAGE_SIZE, inside);
		return *found ? KMG_BUG_INVALID_FREE : KMG_BUG_NONE;
	}
	if (!virt_addr_valid(p))
		return KMG_BUG_INVALID_FREE;	/* module data, garbage */
	if (folio_test_slab(virt_to_folio(p))) {
		/* Never DMA-coherent memory: a slab object, or inside one. */
		*found = kmg_table_inside_slab_object(p, inside);
		return KMG_BUG_INVALID_FREE;
	}
	*found = kmg_table_find_containing(addr, PAGE_SIZE << MAX_PAGE_ORDER,
					   PAGE_SIZE, inside) &&
		 !(inside->flags & KMG_REC_FREED);
	return *found ? KMG_BUG_INVALID_FREE : KMG_BUG_NONE;
}

/*
 * Any module is going away. A device it made may be released by the last
 * reference to it, through a release function in the module's text: every
 * reference kmemguard holds goes now, while that text is still there.
 * Context: process.
 */
static bool kmg_match_dma(const struct kmg_record *rec, const void *arg)
{
	return rec->family == KMG_FAM_DMA || rec->family == KMG_FAM_DMA_NC;
}

void kmg_dma_module_going(void)
{
	if (!atomic_read(&kmg_dma_refs))
		return;
	kmg_quarantine_flush(kmg_match_dma, NULL);
	synchronize_rcu();	/* evictions racing the flush */
	kmg_dma_sync();
}

/* === Entry points ======================================================== */

void *kmemguard_dma_alloc_attrs(struct kmemguard_site *desc,
				struct device *dev, size_t size,
				dma_addr_t *handle, gfp_t gfp,
				unsigned long attrs, const char *fn)
{
	struct kmg_dma_info *info = NULL;
	struct kmg_alloc a;
	void *p;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DMA, size, false, fn))
		return NULL;
	p = dma_alloc_attrs(dev, size, handle, a.gfp, attrs);
	if (p)
		kmg_dma_tomb_forget(p);
	if (a.site && p) {
		info = kmg_dma_info_new(dev, *handle, attrs);
		if (!info) {
			kmg_count(KMG_COUNT_DEGRADED);
			return p;	/* untracked: its free passes */
		}
	}
	return kmg_alloc_end(&a, p, size, KMG_FAM_DMA, 0, info, 0);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_alloc_attrs);

void *kmemguard_dma_alloc_noncoherent(struct kmemguard_site *desc,
				      struct device *dev, size_t size,
				      dma_addr_t *handle, int dir, gfp_t gfp)
{
	struct kmg_dma_info *info = NULL;
	struct kmg_alloc a;
	void *p;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DMA_NC, size, false,
			     "dma_alloc_noncoherent()"))
		return NULL;
	p = dma_alloc_noncoherent(dev, size, handle, dir, a.gfp);
	if (p)
		kmg_dma_tomb_forget(p);
	if (a.site && p) {
		info = kmg_dma_info_new(dev, *handle, dir);
		if (!info) {
			kmg_count(KMG_COUNT_DEGRADED);
			return p;
		}
	}
	return kmg_alloc_end(&a, p, size, KMG_FAM_DMA_NC, 0, info, 0);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_alloc_noncoherent);

/*
 * Does the kernel forbid this free with interrupts off? dma_free_attrs()
 * WARNs then, unless the memory is the device's own coherent pool's;
 * dma_free_noncoherent() (dma_free_pages()) does not mind.
 */
static bool kmg_dma_irqs_off_forbidden(const struct kmg_free_call *call)
{
	return call->api != KMG_FREE_DMA_NC && irqs_disabled() &&
	       !kmg_dev_dma_pool(call->dev);
}

/*
 * The driver's own free call, after kmg_free() said it may run. Where the
 * kernel forbids it here (interrupts off: reported), from the work item
 * instead, or, where that cannot be, left allocated.
 */
static void kmg_dma_own_free(u8 family, const void *p,
			     const struct kmg_free_call *call)
{
	if (kmg_dma_irqs_off_forbidden(call))
		kmg_dma_free_later(family, call->dev, (void *)p, call->len,
				   call->handle, call->attrs);
	else
		kmg_dma_free_now(family, call->dev, (void *)p, call->len,
				 call->handle, call->attrs);
}

/*
 * A managed free the driver made (or one kmemguard completes): off
 * kmemguard's devres entry, then freed as unmanaged memory. Memory the
 * kernel's own dmam_alloc_attrs() made (kmemguard off, or a header's
 * inline) has no such entry: the kernel's dmam_free_coherent() frees it.
 */
static void kmg_dmam_own_free(const void *p, const struct kmg_free_call *call)
{
	/*
	 * With interrupts off where it cannot be deferred (PREEMPT_RT, whose
	 * devres lock sleeps too): left on the device, devres frees it.
	 */
	if (kmg_dma_irqs_off_forbidden(call) && !kmg_dma_can_defer(call->dev))
		return;
	if (kmg_devm_forget(call->dev, p))
		kmg_dma_own_free(KMG_FAM_DMAM, p, call);
	else
		dmam_free_coherent(call->dev, call->len, (void *)p,
				   call->handle);
}

/* wrappers.c: a DMA free parked in NMI context, done now (irq_work). */
void kmg_dma_free_plain(const void *p, const struct kmg_free_call *call)
{
	if (call->api == KMG_FREE_DMAM)
		kmg_dmam_own_free(p, call);
	else
		kmg_dma_own_free(call->api == KMG_FREE_DMA_NC ? KMG_FAM_DMA_NC :
				 KMG_FAM_DMA, p, call);
}

static void kmg_dma_free(struct kmemguard_site *desc, const void *p,
			 const struct kmg_free_call *call)
{
	struct kmg_site *site = NULL;
	struct kmg_record copy;
	bool live = false;

	if (!p)
		return;		/* (dma_free_attrs() of NULL does nothing) */
	/* Disabled, in NMI: nothing can free it here; leaking it is safe. */
	if (unlikely(in_nmi()) && !kmg_tracking())
		return;
	if (!kmg_tracking() || !desc || in_nmi()) {
		if (kmg_free(desc, p, call))
			kmg_dma_free_plain(p, call);
		return;
	}
	site = kmg_site_of(desc, GFP_NOWAIT);
	if (unlikely(kmg_dma_irqs_off_forbidden(call)) && site)
		kmg_report_free_context(KMG_BUG_DMA_FREE_IRQS_OFF, site, call,
					p, kmg_dma_can_defer(call->dev));
	/*
	 * Its record as it was: a tombstone if the memory is not held. One
	 * RCU section (site shadows, see core.c's module unload) from the
	 * lookup to the tombstone.
	 */
	rcu_read_lock();
	if (site && kmg_table_find_exact((unsigned long)p, &copy) &&
	    !(copy.flags & KMG_REC_FREED) && kmg_fam(copy.family)->frees &
	    BIT(call->api))
		live = true;
	if (!kmg_free(desc, p, call)) {
		rcu_read_unlock();
		return;		/* held, refused or freed the right way */
	}
	if (live)
		kmg_dma_tomb_add(&copy, kmg_site_kept(site));
	rcu_read_unlock();
	kmg_dma_free_plain(p, call);
}

void kmemguard_dma_free_attrs(struct kmemguard_site *desc, struct device *dev,
			      size_t size, void *cpu_addr, dma_addr_t handle,
			      unsigned long attrs)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMA, .dev = dev,
				      .len = size, .handle = handle,
				      .attrs = attrs };

	kmg_dma_free(desc, cpu_addr, &call);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_free_attrs);

void kmemguard_dma_free_noncoherent(struct kmemguard_site *desc,
				    struct device *dev, size_t size,
				    void *vaddr, dma_addr_t handle, int dir)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMA_NC, .dev = dev,
				      .len = size, .handle = handle,
				      .attrs = dir };

	kmg_dma_free(desc, vaddr, &call);
}
EXPORT_SYMBOL_GPL(kmemguard_dma_free_noncoherent);

/* === Managed DMA memory ================================================== */

/*
 * dmam_alloc_attrs(): made by kmemguard as the kernel makes it (an
 * unmanaged allocation and a devres entry that frees it at unbind), with
 * kmemguard's devres entry (wrappers.c) as the only one: it drops the
 * record and frees the memory, and a dmam_free_coherent() takes it off the
 * device before anything else, in any context. Untracked (no site, no
 * memory for the entry): the kernel's own dmam_alloc_attrs().
 */
void *kmemguard_dmam_alloc_attrs(struct kmemguard_site *desc,
				 struct device *dev, size_t size,
				 dma_addr_t *handle, gfp_t gfp,
				 unsigned long attrs, const char *fn)
{
	struct kmg_devm_dma dma = { .size = size, .attrs = attrs };
	struct kmg_dma_info *info;
	struct kmg_devm *e;
	struct kmg_alloc a;
	void *p;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DMAM, size, false, fn))
		return NULL;
	if (!a.site)
		goto untracked;
	info = kmg_dma_info_new(dev, 0, attrs);
	if (!info)
		goto degraded;
	dma.info = info;
	e = kmg_devm_new(dev, a.gfp, &dma);
	if (!e) {
		kmg_dma_info_put(info);
		goto degraded;
	}
	p = dma_alloc_attrs(dev, size, handle, a.gfp, attrs);
	if (!p) {
		kmg_devm_free_new(e);
		kmg_dma_info_put(info);
		return kmg_alloc_end(&a, NULL, size, KMG_FAM_DMAM, 0, NULL, 0);
	}
	kmg_dma_tomb_forget(p);
	info->args.handle = *handle;
	kmg_devm_set_handle(e, *handle);
	return kmg_devm_track(&a, e, p, size, KMG_FAM_DMAM, info);
degraded:
	kmg_count(KMG_COUNT_DEGRADED);
untracked:
	p = dmam_alloc_attrs(dev, size, handle, a.gfp, attrs);
	if (p)
		kmg_dma_tomb_forget(p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_dmam_alloc_attrs);

void kmemguard_dmam_free_coherent(struct kmemguard_site *desc,
				  struct device *dev, size_t size, void *vaddr,
				  dma_addr_t handle)
{
	struct kmg_free_call call = { .api = KMG_FREE_DMAM, .dev = dev,
				      .len = size, .handle = handle };

	kmg_dma_free(desc, vaddr, &call);
}
EXPORT_SYMBOL_GPL(kmemguard_dmam_free_coherent);

/* wrappers.c: kmemguard's devres entry frees its memory. Process context. */
void kmg_dma_devm_free(struct device *dev, void *p,
		       const struct kmg_devm_dma *dma)
{
	dma_free_attrs(dev, dma->size, p, dma->handle, dma->attrs);
}

/*
 * Can managed DMA memory on @dev be taken off its device and freed from
 * here? Not where it can neither be freed nor deferred (PREEMPT_RT with
 * preemption off, whose devres lock sleeps too; a device that is not of the
 * direct mapping, in atomic context): it stays on the device, devres frees
 * it at unbind.
 */
static bool kmg_dmam_repairable_here(struct device *dev)
{
	return kmg_context_may_sleep() || kmg_dma_can_defer(dev);
}

/* family.c: what a report of a bad free says when it stays on its device. */
const char *kmg_dmam_unrepaired_here(const struct kmg_record *rec)
{
	const struct kmg_dma_info *info = rec->owner;

	if (kmg_dmam_repairable_here(info->dev))
		return NULL;
	return "left to devres (freed at unbind)";
}

/* family.c: managed DMA memory given back the right way (a repair). */
void kmg_dmam_release_memory(const struct kmg_record *rec)
{
	const struct kmg_dma_info *info = rec->owner;
	struct kmg_free_call call = { .api = KMG_FREE_DMAM, .dev = info->dev,
				      .len = rec->size,
				      .handle = info->args.handle,
				      .attrs = info->args.attrs };

	if (!kmg_dmam_repairable_here(info->dev))
		return;
	/* Off the device first, then freed. */
	if (kmg_devm_forget(info->dev, (void *)rec->addr))
		kmg_dma_free_sync_or_later(KMG_FAM_DMAM, call.dev,
					   (void *)rec->addr, call.len,
					   call.handle, call.attrs);
}

/* === Init and exit ======================================================= */

/* DMA pools (dmapool.c) are DMA memory too: set up and torn down here. */
int kmg_dma_init(void)
{
	kmg_dma_info_cache = KMEM_CACHE(kmg_dma_info, SLAB_NOLEAKTRACE);
	if (!kmg_dma_info_cache)
		return -ENOMEM;
	kmg_dma_wq = alloc_workqueue("kmemguard_dma", 0, 0);
	if (!kmg_dma_wq)
		goto err_cache;
	if (kmg_dmapool_init())
		goto err_wq;
	return 0;
err_wq:
	destroy_workqueue(kmg_dma_wq);
err_cache:
	kmem_cache_destroy(kmg_dma_info_cache);
	return -ENOMEM;
}

/* No tracked module is left, no record owns an info. */
void kmg_dma_exit(void)
{
	kmg_dma_sync();
	kmg_dmapool_exit();
	destroy_workqueue(kmg_dma_wq);
	kmem_cache_destroy(kmg_dma_info_cache);
}
