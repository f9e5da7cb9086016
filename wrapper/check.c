// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard checks: the calling context of an allocation (may it sleep?
 * may it run at all?) and the validity of a free (which call, which object,
 * which order, which cache). The checks decide and report; wrappers.c then
 * does what they decided, so that the machine keeps running: an allocation
 * that must not sleep here runs without its blocking flags, one that cannot
 * run here at all returns NULL, a bad free is refused or completed the
 * right way.
 *
 * No locks here: the context is read from the current CPU's preempt count
 * and interrupt state, records are the caller's copies.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/hardirq.h>
#include <linux/kasan.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched/task_stack.h>

#include "kmg.h"

/* === Calling context ===================================================== */

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

/**
 * kmg_check_alloc() - check (and repair) an allocation about to be made
 * @site:	the allocation's call site
 * @gfp:	its GFP flags; blocking flags are taken out where it must not
 *		sleep
 * @always_blocks: the call sleeps whatever the flags (vmalloc() & co)
 * @call:	its name, for the report
 *
 * Reports sleep-in-atomic for an allocation that may sleep where sleeping
 * is forbidden (or, on PREEMPT_RT, any allocation where even that is), and
 * with hints=1 needless-atomic for GFP_ATOMIC where GFP_KERNEL would do.
 *
 * Return: KMG_ALLOC_OK, KMG_ALLOC_REPAIRED (run it with the new *@gfp) or
 * KMG_ALLOC_REFUSED (it cannot run here: return NULL).
 */
enum kmg_alloc_verdict kmg_check_alloc(struct kmg_site *site, gfp_t *gfp,
				       bool always_blocks, const char *call)
{
	gfp_t asked = *gfp;
	enum kmg_alloc_verdict v;

	if (unlikely(in_nmi())) {
		kmg_report_alloc(KMG_BUG_NMI, site, asked, asked,
				 KMG_ALLOC_REFUSED, call);
		return KMG_ALLOC_REFUSED;
	}
	if (always_blocks || gfpflags_allow_blocking(*gfp)) {
		if (likely(kmg_context_may_sleep()))
			return KMG_ALLOC_OK;
		if (always_blocks || kmg_rt_forbids_any_allocation()) {
			v = KMG_ALLOC_REFUSED;
		} else {
			v = KMG_ALLOC_REPAIRED;
			/* __GFP_NOFAIL needs direct reclaim: it goes too. */
			*gfp &= ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);
		}
		kmg_report_alloc(KMG_BUG_SLEEP_IN_ATOMIC, site, asked, *gfp, v,
				 call);
		kmg_count(KMG_COUNT_REPAIRED);
		return v;
	}
	if (unlikely(kmg_rt_forbids_any_allocation())) {
		kmg_report_alloc(KMG_BUG_SLEEP_IN_ATOMIC, site, asked, asked,
				 KMG_ALLOC_REFUSED, call);
		kmg_count(KMG_COUNT_REPAIRED);
		return KMG_ALLOC_REFUSED;
	}
	if (unlikely(READ_ONCE(kmg_hints)) && (*gfp & __GFP_HIGH) &&
	    kmg_context_may_sleep())
		kmg_report_alloc(KMG_BUG_NEEDLESS_ATOMIC, site, asked, asked,
				 KMG_ALLOC_OK, call);
	return KMG_ALLOC_OK;
}

/* === Frees =============================================================== */

/* What is wrong with freeing live object @rec through @call, if anything. */
enum kmg_bug kmg_free_verdict(const struct kmg_record *rec,
			      const struct kmg_free_call *call)
{
	return __kmg_free_verdict(rec, call);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_free_verdict);

/*
 * free_percpu() of @p, which kmemguard does not track: a per-CPU pointer the
 * kernel handed the driver passes (nothing a module may call tells a valid
 * one from garbage). What certainly is no per-CPU pointer is refused: slab
 * memory, the stack, and on SMP vmalloc space. A per-CPU pointer is never
 * slab memory, and on SMP it is an offset from each CPU's area, not the
 * address of the (vmalloc) chunk itself; on UP it may be that address.
 */
static enum kmg_bug kmg_check_untracked_percpu(const void *p,
					       struct kmg_record *inside,
					       bool *found)
{
	if (unlikely(kmg_guard_addr(p))) {
		*found = kmg_guard_find(p, inside);
		return KMG_BUG_INVALID_FREE;
	}
	if (object_is_on_stack(p) ||
	    (IS_ENABLED(CONFIG_SMP) && is_vmalloc_addr(p)))
		return KMG_BUG_INVALID_FREE;
	if (virt_addr_valid(p) && folio_test_slab(virt_to_folio(p))) {
		*found = IS_ENABLED(CONFIG_KASAN) ?
			 kmg_table_find_containing((unsigned long)p, KMG_INTERIOR_MAX,
						   ARCH_KMALLOC_MINALIGN, inside) :
			 kmg_table_inside_slab_object(p, inside);
		return KMG_BUG_INVALID_FREE;
	}
	return KMG_BUG_NONE;
}

/*
 * dma_pool_free() of @p, which kmemguard does not track: an element of a
 * pool the kernel handed out untracked (or one the quarantine gave back)
 * passes. A pool's blocks are in DMA-coherent pages, never a stack or a
 * slab object: those are refused (a slab object tracked as live is a
 * mismatched free, decided before this).
 */
static enum kmg_bug kmg_check_untracked_dma_pool(const void *p,
						 struct kmg_record *inside,
						 bool *found)
{
	if (object_is_on_stack(p))
		return KMG_BUG_INVALID_FREE;
	if (!is_vmalloc_addr(p) && virt_addr_valid(p) &&
	    folio_test_slab(virt_to_folio(p))) {
		*found = IS_ENABLED(CONFIG_KASAN) ?
			 kmg_table_find_containing((unsigned long)p, KMG_INTERIOR_MAX,
						   ARCH_KMALLOC_MINALIGN, inside) :
			 kmg_table_inside_slab_object(p, inside);
		return KMG_BUG_INVALID_FREE;
	}
	return KMG_BUG_NONE;
}

/* What kmg_check_untracked_free() judges a free of untracked memory by. */
enum kmg_untracked_kind {
	KMG_UNTRACKED_PASSES,	/* nothing of the driver's own to check */
	KMG_UNTRACKED_DMA_POOL,
	KMG_UNTRACKED_DMA,
	KMG_UNTRACKED_PERCPU,
	KMG_UNTRACKED_PAGES,	/* free_pages() & co, put_page() */
	KMG_UNTRACKED_VFREE,
	KMG_UNTRACKED_HEAP,	/* kfree(), kmem_cache_free() & co: the memory says */
};

static enum kmg_untracked_kind kmg_untracked_kind_of(enum kmg_free_api api)
{
	switch (api) {
	case KMG_FREE_CACHE_DESTROY:
	case KMG_FREE_DEVM:
	case KMG_FREE_DEVM_PERCPU:
	case KMG_FREE_DEVM_KREALLOC:
	case KMG_FREE_DEVM_PAGES:
	case KMG_FREE_DMA_POOL_DESTROY:
	case KMG_FREE_DMAM_POOL_DESTROY:
		return KMG_UNTRACKED_PASSES;	/* no memory of the driver's own */
	case KMG_FREE_MEMPOOL:
	case KMG_FREE_MEMPOOL_DESTROY:
	case KMG_FREE_MEMPOOL_EXIT:
		/*
		 * An untracked pool, or an element kmemguard has no record of
		 * (a page pool's is a struct page): mempool.c checks what it can.
		 */
		return KMG_UNTRACKED_PASSES;
	case KMG_FREE_DMA_POOL:
		return KMG_UNTRACKED_DMA_POOL;
	case KMG_FREE_DMA:
	case KMG_FREE_DMA_NC:
	case KMG_FREE_DMAM:
		return KMG_UNTRACKED_DMA;
	case KMG_FREE_PERCPU:
		return KMG_UNTRACKED_PERCPU;
	case KMG_FREE_PAGES:
	case KMG_FREE_PAGES_EXACT:
	case KMG_FREE_PUT_PAGE:
		return KMG_UNTRACKED_PAGES;
	case KMG_FREE_VFREE:
		return KMG_UNTRACKED_VFREE;
	/*
	 * Listed one by one, no default: an API added to enum kmg_free_api
	 * is a -Wswitch warning here, never silently a heap free (which
	 * kmg_untracked_free_is_plain() may pass on without a lock).
	 */
	case KMG_FREE_KFREE:
	case KMG_FREE_KFREE_CONST:
	case KMG_FREE_KFREE_SENSITIVE:
	case KMG_FREE_KVFREE:
	case KMG_FREE_KVFREE_SENSITIVE:
	case KMG_FREE_RCU:
	case KMG_FREE_CACHE:
	case KMG_FREE_KREALLOC:
	case KMG_FREE_KVREALLOC:
	case KMG_FREE_NR:
		break;
	}
	return KMG_UNTRACKED_HEAP;
}

/*
 * kmem_cache_free() of @p inside a tracked object of the cache? A cache's
 * objects need not sit at a kmalloc size class's places (a 200-byte cache's
 * are 200 bytes apart, not 256): one holding @p starts less than the named
 * cache's object size below it (up to KMG_INTERIOR_MAX, as under KASAN:
 * that bounds an untracked free's probes), at the slab's alignment
 * (ARCH_SLAB_MINALIGN at least), and in @p's own slab (a record below it is
 * another's). Only
 * kmem_cache objects count: a kmalloc() object's interior is the size
 * classes' to find, and a record of another family there is not what the
 * slab holds now. With @inside NULL: peeks only, true if a count and a
 * chain where such an object could start are not zero.
 */
static bool kmg_cache_interior(const void *p, const struct kmg_free_call *call,
			       struct kmg_record *inside)
{
	unsigned long addr = (unsigned long)p, first, start;

	if (call->api != KMG_FREE_CACHE || !call->cache)
		return false;
	first = addr + 1 - min_t(unsigned long, KMG_INTERIOR_MAX,
				 kmem_cache_size(call->cache));
	first = max_t(unsigned long, first,
		      (unsigned long)folio_address(virt_to_folio(p)));
	/* (@p's own chain, nothing starts there, is its caller's to see) */
	for (start = ALIGN_DOWN(addr - 1, ARCH_SLAB_MINALIGN); start >= first;
	     start -= ARCH_SLAB_MINALIGN) {
		if (!inside) {
			if (kmg_table_may_hold((void *)start))
				return true;
		} else if (kmg_table_find_exact(start, inside) &&
			   inside->family == KMG_FAM_CACHE &&
			   addr < inside->addr + inside->size) {
			return true;
		}
	}
	return false;
}

/*
 * The common untracked free, told by peeks at the table with no lock. Its
 * caller (kmg_free()) saw @p's own count or chain empty: nothing starts at
 * @p. A free call judged by the memory (kfree(), kmem_cache_free() ...) of
 * a slab object where, at each place a kmalloc() object (or one of the
 * cache kmem_cache_free() names) holding @p could start, the count or the
 * chain is empty too: memory the kernel allocated, inside no tracked
 * object. Most such frees need only the occupancy counts of the blocks
 * below @p (record.c): one in an order-0 slab, up to three in larger ones.
 * True: that is all
 * kmg_check_untracked_free() would find (it decides when this is false).
 * Under KASAN objects are padded: false.
 */
bool kmg_untracked_free_is_plain(const void *p, const struct kmg_free_call *call)
{
	unsigned long addr = (unsigned long)p;
	struct folio *folio;

	if (IS_ENABLED(CONFIG_KASAN) ||
	    kmg_untracked_kind_of(call->api) != KMG_UNTRACKED_HEAP ||
	    unlikely(kmg_guard_addr(p)) || is_vmalloc_addr(p))
		return false;
	if (KMG_SKIP(PROBE))	/* (the bench's builds only) */
		return true;
	if (!virt_addr_valid(p))
		return false;
	folio = virt_to_folio(p);
	if (!folio_test_slab(folio))
		return false;
	/*
	 * An object holding @p starts below it (nothing starts at @p: see
	 * above), at most KMG_INTERIOR_MAX below, in its slab: with no record
	 * in those blocks there is nothing to probe.
	 */
	if (kmg_table_range_quiet(max(addr - (KMG_INTERIOR_MAX - 1),
				      (unsigned long)folio_address(folio)),
				  addr - 1))
		return true;
	return !kmg_table_inside_slab_object(p, NULL) &&
	       !kmg_cache_interior(p, call, NULL);
}

/*
 * A free of @p, which kmemguard does not track: memory the kernel allocated
 * and the driver may free, unless @p is inside a live tracked object
 * (copied to @inside, *@found set) or is no heap memory at all.
 */
enum kmg_bug kmg_check_untracked_free(const void *p,
				      const struct kmg_free_call *call,
				      struct kmg_record *inside, bool *found)
{
	enum kmg_untracked_kind kind = kmg_untracked_kind_of(call->api);
	unsigned long addr = (unsigned long)p;
	struct folio *folio;
	bool heap;

	*found = false;
	if (KMG_SKIP(PROBE))	/* (the bench's builds only) */
		return KMG_BUG_NONE;
	switch (kind) {
	case KMG_UNTRACKED_PASSES:
		return KMG_BUG_NONE;
	case KMG_UNTRACKED_DMA_POOL:
		return kmg_check_untracked_dma_pool(p, inside, found);
	case KMG_UNTRACKED_DMA:
		return kmg_dma_untracked_free(p, call, inside, found);
	case KMG_UNTRACKED_PERCPU:
		return kmg_check_untracked_percpu(p, inside, found);
	default:
		break;
	}
	/* guard.c: the guard pool's memory is never the allocator's. */
	if (unlikely(kmg_guard_addr(p))) {
		*found = kmg_guard_find(p, inside);
		return KMG_BUG_INVALID_FREE;
	}
	if (is_vmalloc_addr(p)) {
		if (object_is_on_stack(p))
			return KMG_BUG_INVALID_FREE;
		if (kmg_table_find_containing(addr, 64 * PAGE_SIZE, PAGE_SIZE,
					      inside)) {
			*found = true;
			return KMG_BUG_INVALID_FREE;
		}
		heap = call->api == KMG_FREE_VFREE || call->api == KMG_FREE_KVFREE ||
		       call->api == KMG_FREE_KVFREE_SENSITIVE ||
		       call->api == KMG_FREE_KVREALLOC || call->api == KMG_FREE_RCU;
		return heap ? KMG_BUG_NONE : KMG_BUG_INVALID_FREE;
	}
	if (!virt_addr_valid(p))
		return KMG_BUG_INVALID_FREE;	/* module data, garbage */
	folio = virt_to_folio(p);
	switch (kind) {
	case KMG_UNTRACKED_PAGES:	/* (put_page(): the kernel's pages too) */
		heap = call->api == KMG_FREE_PUT_PAGE ||
		       (PAGE_ALIGNED(addr) && !PageReserved(virt_to_page(p)));
		*found = kmg_table_find_containing(addr, PAGE_SIZE << MAX_PAGE_ORDER,
						   PAGE_SIZE, inside);
		/*
		 * A page of a split_page() allocation has a reference of its
		 * own: freeing it is right, and the allocation is not one
		 * object any more. kmemguard stops tracking it. So has a page
		 * of alloc_pages_exact() memory (its pages are split): its
		 * tail may be freed before its head.
		 */
		if (*found && !(inside->flags & KMG_REC_FREED) &&
		    (inside->family == KMG_FAM_PAGES_EXACT ||
		     (inside->family == KMG_FAM_PAGES &&
		      kmg_pages_split(inside->addr, inside->order)))) {
			struct kmg_record *rec;

			rec = kmg_record_untrack_owned((void *)inside->addr, NULL);
			if (rec)
				kmg_record_put(rec);
			*found = false;
		}
		/*
		 * put_page(): a page with a reference of its own inside a live
		 * page allocation proves it split, or the record stale (its
		 * pages went with a put kmemguard did not see, the kernel's
		 * own): it ends here and the put runs. Inside any other live
		 * object, or one the quarantine holds, it is refused.
		 */
		if (call->api == KMG_FREE_PUT_PAGE && *found &&
		    !(inside->flags & KMG_REC_FREED) &&
		    inside->family == KMG_FAM_PAGES) {
			struct kmg_record *rec;

			rec = kmg_record_untrack_owned((void *)inside->addr, NULL);
			if (rec) {
				kmg_count(KMG_COUNT_STALE);
				kmg_record_put(rec);
			}
			*found = false;
		}
		break;
	case KMG_UNTRACKED_VFREE:
		heap = false;
		break;
	default:
		if (folio_test_slab(folio)) {
			heap = true;
			/* KASAN pads objects: their layout is not SLUB's plain one. */
			*found = IS_ENABLED(CONFIG_KASAN) ?
				 kmg_table_find_containing(addr, KMG_INTERIOR_MAX,
							   ARCH_KMALLOC_MINALIGN,
							   inside) :
				 (kmg_table_inside_slab_object(p, inside) ||
				  kmg_cache_interior(p, call, inside));
		} else if (call->api == KMG_FREE_KFREE_CONST &&
			   !folio_test_large(folio)) {
			/* A string in the kernel's .rodata: kfree_const() skips it. */
			heap = true;
		} else {
			/* The head of a large kmalloc()'s pages, or inside one. */
			heap = call->api != KMG_FREE_CACHE && folio_test_large(folio) &&
			       p == folio_address(folio);
			*found = !heap && folio_test_large(folio) &&
				 kmg_table_find_exact((unsigned long)folio_address(folio),
						      inside) &&
				 addr < inside->addr + inside->size;
		}
		break;
	}
	if (*found)
		return KMG_BUG_INVALID_FREE;
	return heap ? KMG_BUG_NONE : KMG_BUG_INVALID_FREE;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_check_untracked_free);

/*
 * Was the page allocation at @addr (of order > 0) split into pages of their
 * own with split_page()? Its tail pages have a reference count then; the
 * tails of an unsplit allocation have none (a compound one cannot split).
 */
bool kmg_pages_split(unsigned long addr, unsigned int order)
{
	struct page *page = virt_to_page((void *)addr);

	return order && !PageCompound(page) && page_ref_count(page + 1) != 0;
}

/*
 * put_page() of the page at live page record @rec's address, a folio of
 * @order, which is not the record's: is the record stale? Its pages went
 * with a put kmemguard did not see (the kernel's own: a page the driver
 * handed to the network stack, say) and the address was handed out again.
 * A compound allocation keeps its order; the head of a plain order-N
 * allocation is an order-0 page whose tails have no reference of their
 * own and are neither free (the head of a buddy block) nor part of a
 * compound page. (A tail freed to a per-CPU list looks like a plain tail:
 * the one case this cannot tell. split_page() through kmemguard ends the
 * record, so only a split the driver's header did not see gets here.)
 */
bool kmg_pages_stale(const struct kmg_record *rec, unsigned int order)
{
	struct page *page = virt_to_page((void *)rec->addr);
	unsigned int i;

	if (order || (rec->gfp & __GFP_COMP))
		return true;
	for (i = 1; i < (1U << rec->order); i++)
		if (page_ref_count(page + i) || PageBuddy(page + i) ||
		    PageCompound(page + i))
			return true;
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_pages_stale);

/*
 * Under generic KASAN: is the memory at @p still free, as KASAN's shadow
 * says (its first byte poisoned)? Once the allocator handed it out again it
 * is not. Without KASAN it is never asked: a freed record there holds its
 * memory, or is a vmalloc area's or a destroyed cache's (record.c:
 * kmg_freed_record_current()).
 */
#ifdef CONFIG_KASAN_GENERIC
static __no_sanitize_address s8 kmg_kasan_shadow(const void *p)
{
	return *(s8 *)kasan_mem_to_shadow(p);
}

bool kmg_kasan_still_freed(const void *p)
{
	return !is_vmalloc_addr(p) && virt_addr_valid(p) && kmg_kasan_shadow(p) < 0;
}
#else
bool kmg_kasan_still_freed(const void *p)
{
	return false;
}
#endif
