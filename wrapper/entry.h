/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard entry points' common steps, shared by the files that hold entry
 * points (wrappers.c, dma.c): an allocation is checked and counted by
 * kmg_alloc_begin(), made by the caller, tracked by kmg_alloc_end(); a free
 * is checked by kmg_free(), which says whether the caller's own free call
 * must still run.
 */
#ifndef __KMG_ENTRY_H
#define __KMG_ENTRY_H

#include <linux/kmemleak.h>

#include "kmg.h"

struct kmg_alloc {
	struct kmg_site *site;	/* NULL: pass through untracked */
	gfp_t gfp;		/* the flags the allocation runs with */
	unsigned int flags;	/* KMG_REC_* for its record */
};

bool kmg_alloc_nmi(struct kmemguard_site *desc, gfp_t gfp, const char *call);

/*
 * Before an allocation from @desc: whether it may run (false: return NULL
 * to the driver), with which flags, tracked under which site.
 */
static __always_inline bool kmg_alloc_begin(struct kmg_alloc *a,
					    struct kmemguard_site *desc,
					    gfp_t gfp, enum kmg_family family,
					    size_t size, bool always_blocks,
					    const char *call)
{
	enum kmg_alloc_verdict v;

	a->site = NULL;
	a->gfp = gfp;
	a->flags = 0;
	if (!kmg_tracking() || !desc)
		return true;
	if (unlikely(in_nmi()))
		return kmg_alloc_nmi(desc, gfp, call);
	a->site = kmg_site_of(desc, gfp);
	if (unlikely(!a->site)) {
		kmg_count(KMG_COUNT_DEGRADED);
		return true;
	}
	if (unlikely(!kmg_alloc_context_ok(gfp, always_blocks))) {
		v = kmg_check_alloc(a->site, &a->gfp, always_blocks, call);
		if (v == KMG_ALLOC_REFUSED) {
			kmg_site_failed(a->site);
			return false;
		}
		if (v == KMG_ALLOC_REPAIRED)
			a->flags |= KMG_REC_REPAIRED;
	}
	/*
	 * fault.c: a family that waits (mempool_alloc()) is judged by the
	 * flags the driver asked for: repaired, it may fail, but the driver
	 * relies on it not failing.
	 */
	if (!KMG_SKIP(CHECKS) && static_branch_unlikely(&kmg_faults_key) &&
	    kmg_fault_inject(a->site, family,
			     kmg_fam(family)->waits ? gfp : a->gfp, size)) {
		kmg_site_failed(a->site);
		return false;
	}
	return true;
}

/* After the allocation: track what it returned. */
static __always_inline void *kmg_alloc_end(struct kmg_alloc *a, void *p,
					   size_t size, enum kmg_family family,
					   unsigned int order, void *owner,
					   unsigned int flags)
{
	if (!a->site)
		return p;
	if (unlikely(!p))
		kmg_site_failed(a->site);
	else if (!ZERO_OR_NULL_PTR(p))
		kmg_record_track(a->site, p, size, a->gfp, family, order, owner,
				 a->flags | flags);
	return p;
}

/*
 * kmemleak keeps the stack of each object's allocation. Called from the
 * exported function itself (this is __always_inline), it makes that stack
 * start at the driver's call instead of inside kmemguard.
 */
static __always_inline void kmg_kmemleak_trace(const struct kmg_alloc *a,
					       const void *p)
{
	if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK) && a->site && !ZERO_OR_NULL_PTR(p))
		kmemleak_update_trace(p);
}

bool kmg_free(struct kmemguard_site *desc, const void *p,
	      const struct kmg_free_call *call);

/* Managed memory (wrappers.c): kmemguard's devres entry for it. */
struct kmg_devm;
struct kmg_devm *kmg_devm_new(struct device *dev, gfp_t gfp,
			      const struct kmg_devm_dma *dma);
void *kmg_devm_track(struct kmg_alloc *a, struct kmg_devm *e, void *p,
		     size_t size, enum kmg_family family, void *owner);
bool kmg_devm_forget(struct device *dev, const void *obj);
void kmg_devm_set_handle(struct kmg_devm *e, dma_addr_t handle);
void kmg_devm_free_new(struct kmg_devm *e);
void kmg_devm_set_pool(struct kmg_devm *e);
struct device *kmg_devm_pool_dev(const struct dma_pool *pool);

/* dma.c: a DMA free parked in NMI context, done now. */
void kmg_dma_free_plain(const void *p, const struct kmg_free_call *call);

#endif /* __KMG_ENTRY_H */
