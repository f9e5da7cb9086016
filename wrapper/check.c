// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard checks: the calling context of an allocation (may it sleep?) and
 * the validity of a free (which call, which object, which order, which
 * cache). The checks only decide; report.c reports and wrappers.c keeps the
 * machine alive.
 *
 * No locks here: the context is read from the current CPU's preempt count
 * and interrupt state, records are the caller's copies.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/hardirq.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/task_stack.h>

#include "kmg.h"

/* === Calling context ===================================================== */

/* The context an allocation is made in, as a record keeps it. */
enum kmg_context kmg_current_context(void)
{
	if (in_nmi())
		return KMG_CTX_NMI;
	if (in_hardirq())
		return KMG_CTX_HARDIRQ;
	if (in_serving_softirq())
		return KMG_CTX_SOFTIRQ;
	return KMG_CTX_TASK;
}

/*
 * May the current context sleep? The same rule as the kernel's own
 * might_sleep() check: no preemption count (spinlock, rwlock,
 * preempt_disable(), bottom halves off, any interrupt context), interrupts
 * on, outside rcu_read_lock(). Needs a preempt count that sees spinlocks
 * (CONFIG_PREEMPT_COUNT: every supported Debian kernel has it).
 */
bool kmg_context_may_sleep(void)
{
	return !preempt_count() && !irqs_disabled() && !rcu_preempt_depth() &&
	       !oops_in_progress;
}

/*
 * On PREEMPT_RT the allocators' own locks are sleeping locks: no
 * allocation at all, GFP_ATOMIC included, may be made with preemption or
 * interrupts truly off (raw_spinlock_t, preempt_disable(), local_irq_*(),
 * hard interrupt context). A spinlock_t section is preemptible there, so
 * GFP_ATOMIC/GFP_NOWAIT in it is fine.
 */
static bool kmg_rt_forbids_any_allocation(void)
{
	return IS_ENABLED(CONFIG_PREEMPT_RT) &&
	       (preempt_count() || irqs_disabled());
}

/*
 * Check the context of an allocation about to be made: sleep-in-atomic for
 * one that may sleep where sleeping is forbidden (or, on PREEMPT_RT, any
 * allocation where even that is); with hints=1, needless-atomic for
 * GFP_ATOMIC where GFP_KERNEL would have done.
 */
void kmg_check_alloc_context(struct kmemguard_site *site, gfp_t gfp,
			     bool always_blocks, const char *call)
{
	if (always_blocks || gfpflags_allow_blocking(gfp)) {
		if (!kmg_context_may_sleep())
			kmg_report_sleep(KMG_BUG_SLEEP_IN_ATOMIC, site, gfp, call);
	} else if (kmg_rt_forbids_any_allocation()) {
		kmg_report_sleep(KMG_BUG_SLEEP_IN_ATOMIC, site, gfp, call);
	} else if (READ_ONCE(kmg_hints) && (gfp & __GFP_HIGH) &&
		   kmg_context_may_sleep()) {
		kmg_report_sleep(KMG_BUG_NEEDLESS_ATOMIC, site, gfp, call);
	}
}

/* === Frees =============================================================== */

/* What is wrong with freeing live object @rec through @call, if anything. */
enum kmg_bug kmg_free_verdict(const struct kmg_record *rec,
			      const struct kmg_free_call *call)
{
	switch (call->api) {
	case KMG_FREE_KFREE:
	case KMG_FREE_KFREE_SENSITIVE:
		if (rec->family == KMG_FAM_KMALLOC)
			return KMG_BUG_NONE;
		if (rec->family == KMG_FAM_CACHE && KMG_KFREE_CACHE_OBJECT_OK)
			return KMG_BUG_NONE;
		break;
	case KMG_FREE_KVFREE:
	case KMG_FREE_RCU:
		if (rec->family == KMG_FAM_KMALLOC || rec->family == KMG_FAM_VMALLOC)
			return KMG_BUG_NONE;
		if (rec->family == KMG_FAM_CACHE && KMG_KFREE_CACHE_OBJECT_OK)
			return KMG_BUG_NONE;
		break;
	case KMG_FREE_VFREE:
		if (rec->family == KMG_FAM_VMALLOC)
			return KMG_BUG_NONE;
		break;
	case KMG_FREE_PAGES:
		if (rec->family == KMG_FAM_PAGES)
			return call->order == rec->order ? KMG_BUG_NONE :
							   KMG_BUG_WRONG_ORDER;
		break;
	case KMG_FREE_CACHE:
		if (rec->family == KMG_FAM_CACHE)
			return call->cache == rec->cache ? KMG_BUG_NONE :
							   KMG_BUG_WRONG_CACHE;
		break;
	case KMG_FREE_CACHE_DESTROY:
		if (rec->family == KMG_FAM_CACHE_STRUCT)
			return KMG_BUG_NONE;
		break;
	case KMG_FREE_DEVM:
		if (rec->family == KMG_FAM_DEVM)
			return KMG_BUG_NONE;
		break;
	default:
		break;
	}
	return KMG_BUG_MISMATCHED_FREE;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_free_verdict);

/*
 * A free of @p, which kmemguard does not track: memory the kernel allocated
 * and the driver may free, unless @p is inside a live tracked object
 * (copied to @inside, *@found set) or is no heap memory at all.
 */
enum kmg_bug kmg_check_untracked_free(const void *p,
				      const struct kmg_free_call *call,
				      struct kmg_record *inside, bool *found)
{
	unsigned long addr = (unsigned long)p;
	struct folio *folio;
	bool heap;

	*found = false;
	if (call->api == KMG_FREE_CACHE_DESTROY || call->api == KMG_FREE_DEVM)
		return KMG_BUG_NONE;	/* no memory of the driver's own */
	if (is_vmalloc_addr(p)) {
		if (object_is_on_stack(p))
			return KMG_BUG_INVALID_FREE;
		if (kmg_table_find_containing(addr, 64 * PAGE_SIZE, PAGE_SIZE,
					      inside)) {
			*found = true;
			return KMG_BUG_INVALID_FREE;
		}
		heap = call->api == KMG_FREE_VFREE || call->api == KMG_FREE_KVFREE ||
		       call->api == KMG_FREE_RCU;
		return heap ? KMG_BUG_NONE : KMG_BUG_INVALID_FREE;
	}
	if (!virt_addr_valid(p))
		return KMG_BUG_INVALID_FREE;	/* module data, garbage */
	folio = virt_to_folio(p);
	switch (call->api) {
	case KMG_FREE_PAGES:
		heap = PAGE_ALIGNED(addr) && !PageReserved(virt_to_page(p));
		if (kmg_table_find_containing(addr, PAGE_SIZE << MAX_PAGE_ORDER,
					      PAGE_SIZE, inside)) {
			*found = true;
			return KMG_BUG_INVALID_FREE;
		}
		break;
	case KMG_FREE_VFREE:
		heap = false;
		break;
	default:
		/* Slab objects, or the head of a large kmalloc()'s pages. */
		heap = folio_test_slab(folio) ||
		       (call->api != KMG_FREE_CACHE && folio_test_large(folio) &&
			p == folio_address(folio));
		if (kmg_table_find_containing(addr, 8192, ARCH_KMALLOC_MINALIGN,
					      inside)) {
			*found = true;
			return KMG_BUG_INVALID_FREE;
		}
		break;
	}
	return heap ? KMG_BUG_NONE : KMG_BUG_INVALID_FREE;
}
