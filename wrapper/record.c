// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard records and the record table.
 *
 * A record is born in kmg_record_track(), after the driver's allocation
 * returned. A free turns it into a freed record in kmg_record_mark_freed()
 * and hands it to the quarantine (quarantine.c); it dies in
 * kmg_record_put(), called when the quarantine evicts it, when its module
 * unloads with it live (reported as a leak first: kmg_table_extract_module()),
 * when devres or krealloc() take it (kmg_record_untrack()), or when
 * kmemguard is disabled (kmg_table_flush()).
 *
 * Notes on locking:
 *
 * - The table is an array of buckets, sized from the machine's memory at
 *   load (one bucket per KMG_BYTES_PER_BUCKET of RAM), each a singly linked
 *   chain of records whose head word doubles as a bit spinlock (bit 0),
 *   taken with interrupts off: allocations are tracked in every context the
 *   allocators allow, hardirq included, so the lock must be irq-safe, and it
 *   must spin on PREEMPT_RT too. There is no global lock on the alloc/free
 *   path: two operations contend only when their addresses hash to the
 *   same bucket (or, for the occupancy counts below, to counts that share
 *   a cache line). Nothing is allocated, printed or waited for while a
 *   bucket lock is held. Without PREEMPT_RT the quarantine releases held
 *   memory under it (kfree(), free_pages(), kmem_cache_free(): none of
 *   them calls back into kmemguard), so that no free of the address can
 *   slip in between; on PREEMPT_RT, where the allocators' locks sleep, and
 *   for vfree(), the memory goes back first, outside the lock, and the
 *   record leaves after.
 * - Records come from per-CPU magazines (struct kmg_mag), touched only with
 *   interrupts off on their own CPU, refilled from and drained to the
 *   record cache in batches (never with interrupts off on PREEMPT_RT: what
 *   a full magazine cannot take then waits on its overflow list).
 * - Every tracked operation runs inside an RCU read-side critical section
 *   (rcu_read_lock(), or interrupts off, which synchronize_rcu() waits for
 *   as well) and re-checks kmg_enabled there: disabling (core.c) and module
 *   unload wait with synchronize_rcu() for operations in flight before
 *   they flush. Lockless peeks at an occupancy count and a chain's head
 *   (kmg_table_may_hold(), an untracked free's probes) are no operation:
 *   they change nothing, and the table outlives every caller.
 * - Lock order: a bucket lock is taken alone, or inside a quarantine ring's
 *   lock (eviction); never two bucket locks at once.
 * - kmg_occupancy[] counts the records in the table by the 4 KiB block
 *   their address is in (hashed: several blocks share a count), so that a
 *   peek finds most empty places in a small, hot array instead of the
 *   table's megabytes (an untracked free's probes: check.c). Atomic, so
 *   that no update is lost (records of several buckets share a count); a
 *   record's increment (when it is linked) and its decrement (when it is
 *   unlinked) are made under its bucket lock, so they are ordered: a count
 *   never falls below the records it covers. A record inserted before its
 *   allocation call returned is therefore counted for every later free of
 *   that pointer: the guarantee the chain peek gives (kmg_table_may_hold()).
 *   A count above its records only costs the peek it would have saved;
 *   kmg_table_flush() checks that all are zero again. With many live
 *   objects most counts are non-zero and the peeks go on to the chains, as
 *   before.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/spinlock.h>
#include <linux/bitops.h>
#include <linux/hash.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmg.h"

/* One bucket per this much RAM: 1M objects on a 1 GiB machine, chains of 2. */
#define KMG_BYTES_PER_BUCKET	(2 * PAGE_SIZE)
#define KMG_MIN_BUCKET_BITS	14
#define KMG_MAX_BUCKET_BITS	23
/* kmg_occupancy[]: one count per 2^n buckets (1 KiB to 512 KiB in all). */
#define KMG_OCCUPANCY_SHIFT	6
static_assert(KMG_MIN_BUCKET_BITS > KMG_OCCUPANCY_SHIFT);
/* Records a CPU keeps at hand, and how many move to or from the cache at once. */
#define KMG_MAG_SIZE		32
#define KMG_MAG_BATCH		16

static struct kmem_cache *kmg_record_cache;	/* set at init, then read-only */
static unsigned long *kmg_buckets;		/* set at init; see locking */
static unsigned int kmg_bucket_bits;		/* set at init, then read-only */
static atomic_t *kmg_occupancy;			/* set at init; see locking */
static unsigned int kmg_occupancy_bits;		/* set at init, then read-only */
static unsigned long kmg_occupancy_wrong;	/* kmg_table_flush()'s (serialised) */

atomic_t kmg_fail_records;	/* record allocations still to fail, testing aid */

/* === Buckets ============================================================== */

/*
 * The 4 KiB block an address is in picks a group of 256 buckets (one 2 KiB
 * run of the table), its place in the block (in 16-byte steps) the bucket
 * in the group: the objects of one slab page, which a driver's allocations
 * and the quarantine's evictions go through in turn, share a few cache
 * lines and one page of the table instead of one each (the table is
 * megabytes: every bucket touched at random was a TLB and cache miss).
 * Block-aligned objects still spread over every bucket: the in-block
 * index is XORed with the block's hash. (4 KiB whatever the page size.)
 */
#define KMG_BUCKET_BLOCK_SHIFT	12
#define KMG_BUCKET_GROUP_BITS	8
static_assert(KMG_MIN_BUCKET_BITS >= KMG_BUCKET_GROUP_BITS);
static unsigned long *kmg_bucket(unsigned long addr)
{
	unsigned long in_block = (addr >> (KMG_BUCKET_BLOCK_SHIFT - KMG_BUCKET_GROUP_BITS)) &
				 ((1UL << KMG_BUCKET_GROUP_BITS) - 1);

	return &kmg_buckets[hash_long(addr >> KMG_BUCKET_BLOCK_SHIFT, kmg_bucket_bits) ^
			    in_block];
}

/*
 * Interrupts are off wherever a bucket lock is taken, so preemption is
 * too: the lock is the bit alone, without bit_spin_lock()'s preempt count.
 */
static void kmg_bucket_lock(unsigned long *b)
	__acquires(b)
{
	lockdep_assert_irqs_disabled();
	while (unlikely(test_and_set_bit_lock(0, b))) {
		do {
			cpu_relax();
		} while (test_bit(0, b));
	}
	__acquire(b);
}

static bool __kmg_bucket_trylock(unsigned long *b)
{
	lockdep_assert_irqs_disabled();
	return !test_and_set_bit_lock(0, b);
}

#define kmg_bucket_trylock(b)	__cond_lock(b, __kmg_bucket_trylock(b))

/*
 * The other bits of the head word (the chain's first record) change only
 * under the lock, so the release needs no atomic read-modify-write.
 */
static void kmg_bucket_unlock(unsigned long *b)
	__releases(b)
{
	__clear_bit_unlock(0, b);
	__release(b);
}

static struct kmg_record *kmg_first(unsigned long *b)
{
	return (struct kmg_record *)(READ_ONCE(*b) & ~1UL);
}

/* Replace the pointer at @link (head word or ->next); bucket lock held. */
static void kmg_link_set(struct kmg_record **link, unsigned long *b,
			 struct kmg_record *rec)
{
	if ((unsigned long *)link == b)
		WRITE_ONCE(*b, (unsigned long)rec | 1UL);	/* keep the lock bit */
	else
		*link = rec;
}

/*
 * The count of the records in @addr's 4 KiB block (and the blocks that
 * share its count), whatever the page size: see the locking notes.
 */
static atomic_t *kmg_occupancy_of(unsigned long addr)
{
	return &kmg_occupancy[hash_long(addr >> KMG_BUCKET_BLOCK_SHIFT,
					kmg_occupancy_bits)];
}

/*
 * No record in the table starts in a 4 KiB block that holds a byte of
 * [@lo, @hi] (none if @lo > @hi)? A racy read, as the chain peeks are:
 * exact for memory its caller holds (see the locking notes).
 */
bool kmg_table_range_quiet(unsigned long lo, unsigned long hi)
{
	unsigned long blk;

	if (lo > hi)
		return true;
	for (blk = lo >> KMG_BUCKET_BLOCK_SHIFT;
	     blk <= hi >> KMG_BUCKET_BLOCK_SHIFT; blk++)
		if (atomic_read(kmg_occupancy_of(blk << KMG_BUCKET_BLOCK_SHIFT)))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_range_quiet);

#if IS_ENABLED(CONFIG_KUNIT)
/* The count itself, and how many flushes found wrong, for the KUnit suite. */
int kmg_table_occupancy(unsigned long addr)
{
	return atomic_read(kmg_occupancy_of(addr));
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_occupancy);

unsigned long kmg_table_occupancy_wrong(void)
{
	return READ_ONCE(kmg_occupancy_wrong);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_occupancy_wrong);
#endif

static void kmg_chain_insert(unsigned long *b, struct kmg_record *rec)
{
	atomic_inc(kmg_occupancy_of(rec->addr));
	rec->next = kmg_first(b);
	kmg_link_set((struct kmg_record **)b, b, rec);
}

/* The record for @addr, or NULL; bucket lock held. */
static struct kmg_record *kmg_chain_find(unsigned long *b, unsigned long addr)
{
	struct kmg_record *rec;

	for (rec = kmg_first(b); rec; rec = rec->next)
		if (rec->addr == addr)
			return rec;
	return NULL;
}

/*
 * Before 6.5 two creations of same-geometry caches may return one merged
 * cache: two live records of one address (record.c: kmg_record_track()).
 * A destroy takes the record of the destroying module if there is one,
 * else the first live one. @first: the first record of the address.
 */
static struct kmg_record *kmg_chain_find_cache(struct kmg_record *first,
					       const struct kmg_site *free_site)
{
	struct kmg_record *rec, *any = NULL;

	for (rec = first; rec; rec = rec->next) {
		if (rec->addr != first->addr || rec->family != KMG_FAM_CACHE_STRUCT ||
		    (rec->flags & KMG_REC_FREED))
			continue;
		if (rec->site->mod == free_site->mod)
			return rec;
		if (!any)
			any = rec;
	}
	return any ?: first;
}

/* Unlink @rec from its chain, if it is there; bucket lock held. */
static bool kmg_chain_unlink(unsigned long *b, struct kmg_record *rec)
{
	struct kmg_record **link = (struct kmg_record **)b;
	struct kmg_record *cur;

	for (cur = kmg_first(b); cur; cur = cur->next) {
		if (cur == rec) {
			kmg_link_set(link, b, rec->next);
			rec->next = NULL;
			atomic_dec(kmg_occupancy_of(rec->addr));
			return true;
		}
		link = &cur->next;
	}
	return false;
}

/* === Record memory: per-CPU magazines over the record cache =============== */

/* Give @n records back to the cache, in bulk where interrupts allow. */
static void kmg_records_free(struct kmg_record **recs, unsigned int n)
{
	if (!irqs_disabled()) {
		kmem_cache_free_bulk(kmg_record_cache, n, (void **)recs);
		return;
	}
	while (n)
		kmem_cache_free(kmg_record_cache, recs[--n]);
}

struct kmg_mag {
	unsigned int n;
	struct kmg_record *r[KMG_MAG_SIZE];
	struct kmg_record *overflow;	/* through ->next (PREEMPT_RT) */
};

static DEFINE_PER_CPU(struct kmg_mag, kmg_mags);

/* A record from this CPU's magazine, or NULL; interrupts off. */
static struct kmg_record *kmg_mag_pop(void)
{
	struct kmg_mag *m = this_cpu_ptr(&kmg_mags);

	return m->n ? m->r[--m->n] : NULL;
}

/*
 * Refill this CPU's magazine from the record cache with @gfp, and return
 * one record, or NULL. Context: any but NMI; interrupts on or off as the
 * caller's context allows @gfp.
 */
static void kmg_mag_drain_overflow(void);

static struct kmg_record *kmg_mag_refill(gfp_t gfp)
{
	struct kmg_record *batch[KMG_MAG_BATCH];
	unsigned long flags;
	struct kmg_mag *m;
	int n, i;

	if (!irqs_disabled())
		kmg_mag_drain_overflow();
	/* The bulk call must be made with interrupts on. */
	n = irqs_disabled() ? 0 :
	    kmem_cache_alloc_bulk(kmg_record_cache, gfp, ARRAY_SIZE(batch),
				  (void **)batch);
	if (!n) {
		batch[0] = kmem_cache_alloc(kmg_record_cache, gfp);
		n = batch[0] ? 1 : 0;
		if (!n)
			return NULL;
	}
	local_irq_save(flags);
	m = this_cpu_ptr(&kmg_mags);
	for (i = 1; i < n && m->n < KMG_MAG_SIZE; i++)
		m->r[m->n++] = batch[i];
	local_irq_restore(flags);
	if (i < n)
		kmg_records_free(batch + i, n - i);
	return batch[0];
}

/*
 * Flags for kmemguard's own record allocation: never more than the caller
 * allowed (so GFP_NOFS/GFP_NOIO/GFP_ATOMIC callers keep their guarantees),
 * never from the emergency reserves, never a warning. If it fails the
 * driver's allocation still succeeds, untracked, and is counted.
 */
static gfp_t kmg_record_gfp(gfp_t gfp)
{
	return (gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS)) |
	       __GFP_NOWARN | __GFP_NOMEMALLOC;
}

/* A record dies: back to this CPU's magazine, or to the cache; irqs off. */
void __kmg_record_put(struct kmg_record *rec)
{
	struct kmg_mag *m = this_cpu_ptr(&kmg_mags);
	const struct kmg_family_ops *fam = kmg_fam(rec->family);

	/* family.c: what the record owns (a DMA record's arguments) goes too. */
	if (unlikely(fam->put_owner))
		fam->put_owner(rec->owner);

	if (unlikely(m->n == KMG_MAG_SIZE)) {
		/* Interrupts off: the cache's locks sleep on PREEMPT_RT. */
		if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
			rec->next = m->overflow;
			m->overflow = rec;
			return;
		}
		/* Full: hand half of it back to the cache. */
		while (m->n > KMG_MAG_SIZE - KMG_MAG_BATCH)
			kmem_cache_free(kmg_record_cache, m->r[--m->n]);
	}
	m->r[m->n++] = rec;
}

/* Records left on this CPU's overflow list go back; interrupts on. */
static void kmg_mag_drain_overflow(void)
{
	struct kmg_record *rec, *next;
	unsigned long flags;

	if (!IS_ENABLED(CONFIG_PREEMPT_RT) || !raw_cpu_read(kmg_mags.overflow))
		return;
	local_irq_save(flags);
	rec = this_cpu_read(kmg_mags.overflow);
	this_cpu_write(kmg_mags.overflow, NULL);
	local_irq_restore(flags);
	for (; rec; rec = next) {
		next = rec->next;
		kmem_cache_free(kmg_record_cache, rec);
	}
}

void kmg_record_put(struct kmg_record *rec)
{
	unsigned long flags;

	local_irq_save(flags);
	__kmg_record_put(rec);
	local_irq_restore(flags);
	if (!irqs_disabled())
		kmg_mag_drain_overflow();
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_put);

/* === Birth ================================================================ */

/**
 * kmg_record_track() - start tracking a new allocation: a record is born
 * @site:	the driver's call site
 * @p:		what the allocator returned, not NULL or ZERO_SIZE_PTR
 * @size:	requested size
 * @gfp:	the allocation's GFP flags (as run)
 * @family:	enum kmg_family: which free is the right one
 * @order:	page order (KMG_FAM_PAGES); KMG_RZ_* (rec->rz) for the
 *		others with KMG_REC_POISON (redzone.c)
 * @owner:	the object's cache (KMG_FAM_CACHE), devres entry (KMG_FAM_DEVM,
 *		_DMAM), pool (KMG_FAM_MEMPOOL*), arguments (KMG_FAM_DMA*: the
 *		record owns them from here, even when it cannot be made)
 * @flags:	KMG_REC_*
 *
 * Context: any context the wrapped allocator may be called in, but NMI.
 */
void kmg_record_track(struct kmg_site *site, const void *p, size_t size,
		      gfp_t gfp, enum kmg_family family, unsigned int order,
		      void *owner, unsigned int flags)
{
	struct kmg_record *rec, *stale;
	depot_stack_handle_t stack;
	enum kmg_context ctx;
	unsigned long *b, irqflags;
	u64 when;

	ctx = kmg_current_context();
	if (unlikely(ctx == KMG_CTX_NMI)) {
		kmg_owner_put(family, owner);
		return;	/* wrappers.c refuses allocations in NMI */
	}
	if (unlikely(atomic_read(&kmg_fail_records) > 0) &&
	    atomic_dec_if_positive(&kmg_fail_records) >= 0) {
		kmg_count(KMG_COUNT_DEGRADED);	/* control "fail_records=" */
		kmg_owner_put(family, owner);
		return;
	}
	/* redzone.c: an object with redzones keeps its stacks. */
	if (unlikely(flags & KMG_REC_POISON))
		stack = kmg_stack_always(site);
	else
		stack = kmg_stack_sample(site);
	if (stack)
		flags |= KMG_REC_SAMPLED;
	/*
	 * The tick: a plain load (a clock read is a good part of a pair's cost
	 * in a guest), fine enough for ages and for "since a mark" (the
	 * kmemguard command's mark waits for the next tick).
	 */
	when = KMG_SKIP(CLOCK) ? 0 : get_jiffies_64();

	/*
	 * The record first, outside the RCU section below: refilling the
	 * magazine may sleep if the caller's flags allow it.
	 */
	local_irq_save(irqflags);
	rec = kmg_mag_pop();
	if (unlikely(!rec)) {
		local_irq_restore(irqflags);
		rec = kmg_mag_refill(kmg_record_gfp(gfp));
		if (!rec) {
			kmg_count(KMG_COUNT_DEGRADED);
			kmg_owner_put(family, owner);
			return;
		}
		local_irq_save(irqflags);
	}
	rec->addr = (unsigned long)p;
	rec->site = site;
	rec->size = size;
	rec->owner = owner;
	rec->when = when;
	rec->stack = stack;
	rec->gfp = gfp;
	rec->pid = kmg_context_has_task(ctx) ? task_pid_nr(current) : 0;
	rec->family = family;
	rec->order = order;
	rec->ctx = ctx;
	rec->flags = flags;

	/*
	 * Interrupts are off from here to the insert: that is an RCU
	 * read-side critical section too, which a disable's or a module
	 * unload's synchronize_rcu() waits for.
	 */
	if (unlikely(!READ_ONCE(kmg_enabled)) || KMG_SKIP(TABLE)) {
		__kmg_record_put(rec);
		local_irq_restore(irqflags);
		return;
	}
	/*
	 * The site's module is going, and its code still allocates (a timer
	 * or a work item its exit did not stop: a driver bug). Its records
	 * are being extracted and its shadows will be freed: no record may
	 * point here any more. kmg_module_going() waits for a grace period
	 * between setting @gone and the extraction, and this section is an
	 * RCU read-side section: either it sees @gone, or the extraction
	 * sees the record.
	 */
	if (unlikely(READ_ONCE(site->gone))) {
		__kmg_record_put(rec);
		__kmg_count_add(KMG_COUNT_AFTER_EXIT, 1);
		local_irq_restore(irqflags);
		return;
	}
	b = kmg_bucket(rec->addr);
	kmg_bucket_lock(b);
	/*
	 * A record for this address already. A freed one: the quarantine
	 * still owns it, but its memory was given back (KASAN, a destroyed
	 * cache's tombstone) and handed out again; it leaves the table. A
	 * live one: the object was freed behind kmemguard's back (by code
	 * that does not include kmemguard.h) and handed out again; that
	 * record is stale. (Two live caches at one address are a merged
	 * cache, before 6.5: two creations, two records.)
	 */
	stale = kmg_chain_find(b, rec->addr);
	if (unlikely(stale)) {
		if (stale->flags & KMG_REC_FREED) {
			/* Its memory is someone else's now: never released by us. */
			kmg_chain_unlink(b, stale);
			stale->flags |= KMG_REC_DETACHED | KMG_REC_LOST;
			stale = NULL;
		} else if (family == KMG_FAM_CACHE_STRUCT &&
			   stale->family == KMG_FAM_CACHE_STRUCT) {
			stale = NULL;
		} else {
			kmg_chain_unlink(b, stale);
		}
	}
	kmg_chain_insert(b, rec);
	kmg_bucket_unlock(b);
	kmg_site_live_add(site, size);
	if (unlikely(stale)) {
		kmg_site_live_sub(stale->site, stale->size, false);
		__this_cpu_inc(kmg_counters.c[KMG_COUNT_STALE]);
	}
	local_irq_restore(irqflags);
	if (unlikely(stale))
		kmg_record_put(stale);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_track);

/* === Frees ================================================================ */

/*
 * kmg_record_untrack(), only if the record is @owner's (a devres entry
 * taking back its own memory, not an object that got the address since);
 * NULL @owner: anyone's.
 */
struct kmg_record *kmg_record_untrack_owned(const void *p, const void *owner)
{
	unsigned long *b, flags;
	struct kmg_record *rec;

	if (ZERO_OR_NULL_PTR(p))
		return NULL;
	b = kmg_bucket((unsigned long)p);
	local_irq_save(flags);
	kmg_bucket_lock(b);
	rec = kmg_chain_find(b, (unsigned long)p);
	if (rec && !(rec->flags & KMG_REC_FREED) && (!owner || rec->owner == owner))
		kmg_chain_unlink(b, rec);
	else
		rec = NULL;
	kmg_bucket_unlock(b);
	if (rec)
		kmg_site_live_sub(rec->site, rec->size, true);
	local_irq_restore(flags);
	return rec;
}

/**
 * kmg_record_untrack() - stop tracking live object @p, no questions asked
 * @p: start of the object
 *
 * For frees that cannot be wrong (devres releasing its own memory) and for
 * krealloc(), which may have to put the record back.
 *
 * Return: the record, unlinked and owned by the caller (who must pass it to
 * kmg_record_put() or kmg_record_restore()), or NULL if kmemguard does not
 * track @p as live.
 */
struct kmg_record *kmg_record_untrack(const void *p)
{
	return kmg_record_untrack_owned(p, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_untrack);

/*
 * Put back a record whose free did not happen (a failed krealloc()). Not
 * once its module is going (kmg_record_track()), nor once kmemguard was
 * disabled (its flush may be done): the object is then untracked, and its
 * free goes to the kernel unchecked.
 */
void kmg_record_restore(struct kmg_record *rec)
{
	unsigned long *b, flags;
	bool enabled;

	b = kmg_bucket(rec->addr);
	local_irq_save(flags);
	enabled = READ_ONCE(kmg_enabled);
	if (unlikely(!enabled || READ_ONCE(rec->site->gone))) {
		/* kmg_record_untrack() counted a free: it is an end instead. */
		if (!KMG_SKIP(COUNTERS)) {
			this_cpu_ptr(rec->site->pcpu)->frees--;
			this_cpu_ptr(rec->site->pcpu)->ended++;
		}
		if (enabled)
			__kmg_count_add(KMG_COUNT_AFTER_EXIT, 1);
		else
			__kmg_count_add(KMG_COUNT_DROPPED, 1);
		__kmg_record_put(rec);
		local_irq_restore(flags);
		return;
	}
	kmg_bucket_lock(b);
	kmg_chain_insert(b, rec);
	kmg_bucket_unlock(b);
	kmg_site_live_add(rec->site, rec->size);
	/* Neither a new allocation nor a free: undo the counts. */
	if (!KMG_SKIP(COUNTERS)) {
		this_cpu_ptr(rec->site->pcpu)->allocs--;
		this_cpu_ptr(rec->site->pcpu)->frees--;
	}
	local_irq_restore(flags);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_restore);

/*
 * A freed record whose memory the quarantine does not hold stays in the
 * table only while it can be told that the memory is still free:
 * - a vmalloc area: vfree() unmaps it at once, and a new vmalloc() there
 *   maps it again (so no record claims an area someone else now owns,
 *   and vmalloc memory need not be held to recognise a double vfree());
 * - under generic KASAN, kmalloc and slab memory (KASAN's own quarantine
 *   holds it, and catches use-after-free there): KASAN's shadow says so;
 * - a destroyed cache's struct, a tombstone: under KASAN its shadow says
 *   so; elsewhere it is believed for the quarantine's window (the one
 *   freed record that may claim what it does not hold:
 *   kmg_freed_record_current()).
 */
static bool kmg_keeps_unheld(const struct kmg_record *rec, enum kmg_free_api api)
{
	if (api == KMG_FREE_RCU)
		return false;	/* the kernel frees it whenever it likes */
	if (rec->family == KMG_FAM_VMALLOC)
		return true;
	/*
	 * A destroyed cache: its struct goes back to the kernel at once, and
	 * the kernel would run a second kmem_cache_destroy() on it, freed, as
	 * if nothing were wrong. Its record stays, a tombstone: see
	 * kmg_freed_record_current() for how far it is believed. Only where a
	 * tracked cache is never merged (6.5+: SLAB_NO_MERGE), so that the
	 * destroy freed the struct: before, another creation's reference may
	 * keep it, and its own destroy would meet the tombstone.
	 */
	if (rec->family == KMG_FAM_CACHE_STRUCT)
		return KMG_SLAB_NO_MERGE != 0;
	return IS_ENABLED(CONFIG_KASAN_GENERIC) &&
	       (rec->family == KMG_FAM_KMALLOC || rec->family == KMG_FAM_CACHE);
}

/*
 * A bad free of vmalloc memory (kfree() of it, say), which kmemguard will
 * complete with vfree(): the quarantine holds the area until then, even
 * one too big to keep (it leaves at once, given back from the work item),
 * so that a second free meanwhile is refused, and its record stays on as
 * a tombstone after (kmg_record_released_tomb()). Decided with the free,
 * under the bucket lock: an area merely believed freed while still mapped
 * would let a second free reach the kernel while kmemguard's own vfree()
 * is on its way. (With redzones, redzone.c poisons it as any held object.)
 */
static bool kmg_holds_repair(const struct kmg_record *rec, enum kmg_free_api api)
{
	return rec->family == KMG_FAM_VMALLOC &&
	       !(kmg_fam(rec->family)->frees & BIT(api));
}

static bool kmg_freed_record_current(const struct kmg_record *rec,
				     enum kmg_free_api api)
{
	if (rec->flags & KMG_REC_LOST)
		return false;
	if (rec->flags & KMG_REC_HELD)
		return true;
	if (rec->family == KMG_FAM_VMALLOC)
		return !vmalloc_to_page((void *)rec->addr);
	/*
	 * A destroyed cache's tombstone answers a destroy only: any other
	 * free at its address is of memory the kernel made of it since (a
	 * slab page given back and handed out again). KASAN's shadow says
	 * whether the struct is still free. Without KASAN nothing a module
	 * can read does; it is believed for as long as the quarantine keeps
	 * it. A cache made there meanwhile through kmemguard removes it
	 * (kmg_table_forget_freed()); one made by code that does not include
	 * kmemguard's header, destroyed by the driver, would be reported.
	 */
	if (rec->family == KMG_FAM_CACHE_STRUCT) {
		if (api != KMG_FREE_CACHE_DESTROY)
			return false;
		if (!IS_ENABLED(CONFIG_KASAN_GENERIC))
			return true;
	}
	return kmg_kasan_still_freed((void *)rec->addr);
}

/*
 * The kernel just handed out @p (a new cache's struct), whether or not it
 * can be tracked: freed records of @p that do not hold its memory (a
 * destroyed cache's tombstone) are stale, and leave the table, as
 * kmg_record_track() makes a stale record leave. Context: any but NMI.
 */
void kmg_table_forget_freed(const void *p)
{
	unsigned long addr = (unsigned long)p, *b = kmg_bucket(addr), flags;
	struct kmg_record *rec;

	if (!kmg_first(b))	/* racy peek: @p was handed out before it */
		return;
	local_irq_save(flags);
	kmg_bucket_lock(b);
again:
	for (rec = kmg_first(b); rec; rec = rec->next) {
		if (rec->addr == addr &&
		    (rec->flags & (KMG_REC_FREED | KMG_REC_HELD)) == KMG_REC_FREED) {
			/* (The quarantine still owns it, as a stale one.) */
			kmg_chain_unlink(b, rec);
			rec->flags |= KMG_REC_DETACHED | KMG_REC_LOST;
			goto again;
		}
	}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_forget_freed);

/**
 * kmg_record_mark_freed() - a checked free of @p
 * @p:		what the driver passed to a free call
 * @free_site:	the free's call site
 * @call:	the free call, which decides whether the memory can be held
 * @rec:	set to the record that is now freed (KMG_LOOKUP_LIVE)
 * @copy:	set to the record as it was (KMG_LOOKUP_LIVE, KMG_LOOKUP_FREED)
 *
 * A live record becomes a freed one in place, atomically under its bucket
 * lock, so of two racing frees exactly one sees it live. In the same
 * critical section it is decided whether the quarantine will hold the
 * object's memory (KMG_REC_HELD: the record stays in the table, findable by
 * a second free) or not (the record leaves the table now, KMG_REC_DETACHED,
 * before the memory goes back): a freed record never claims an address
 * kmemguard does not hold (but a destroyed cache's tombstone:
 * kmg_keeps_unheld()). The caller hands a record still in the table to
 * the quarantine, a detached one to kmg_record_put().
 */
enum kmg_lookup __kmg_record_mark_freed(const void *p,
					struct kmg_site *free_site,
					const struct kmg_free_call *call,
					struct kmg_record **rec,
					struct kmg_record *copy)
{
	enum kmg_free_api api = call->api;
	enum kmg_lookup ret = KMG_LOOKUP_NONE;
	struct kmg_record *r;
	unsigned long *b;

	b = kmg_bucket((unsigned long)p);
	if (!kmg_first(b)) {	/* racy peek: an empty chain holds nothing */
		__kmg_count_add(KMG_COUNT_UNTRACKED_FREES, 1);
		return KMG_LOOKUP_NONE;
	}
	kmg_bucket_lock(b);
	r = kmg_chain_find(b, (unsigned long)p);
	if (unlikely(r && api == KMG_FREE_CACHE_DESTROY))
		r = kmg_chain_find_cache(r, free_site);
	if (r && (r->flags & KMG_REC_FREED) && !kmg_freed_record_current(r, api)) {
		/* Given back and handed out again: it is not ours any more. */
		kmg_chain_unlink(b, r);
		r->flags |= KMG_REC_DETACHED | KMG_REC_LOST;
		r = NULL;
	}
	if (r) {
		*copy = *r;
		if (r->flags & KMG_REC_FREED) {
			ret = KMG_LOOKUP_FREED;
		} else {
			ret = KMG_LOOKUP_LIVE;
			r->free_site = kmg_site_kept(free_site);
			r->free_stack = 0;
			r->flags |= KMG_REC_FREED;
			if (kmg_can_hold(r, call) || kmg_holds_repair(r, api)) {
				r->flags |= KMG_REC_HELD;
			} else if (!kmg_keeps_unheld(r, api)) {
				kmg_chain_unlink(b, r);
				r->flags |= KMG_REC_DETACHED;
			}
			*rec = r;
		}
	}
	kmg_bucket_unlock(b);
	if (ret == KMG_LOOKUP_LIVE)
		kmg_site_live_sub(copy->site, copy->size, true);
	else if (ret == KMG_LOOKUP_NONE)
		__kmg_count_add(KMG_COUNT_UNTRACKED_FREES, 1);
	return ret;
}

enum kmg_lookup kmg_record_mark_freed(const void *p, struct kmg_site *free_site,
				      const struct kmg_free_call *call,
				      struct kmg_record **rec,
				      struct kmg_record *copy)
{
	enum kmg_lookup ret;
	unsigned long flags;

	local_irq_save(flags);
	ret = __kmg_record_mark_freed(p, free_site, call, rec, copy);
	local_irq_restore(flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_mark_freed);

/* A freed record of @p still claims it (for a free through @api): copied to @copy. */
bool kmg_table_find_freed(unsigned long p, enum kmg_free_api api,
			  struct kmg_record *copy)
{
	unsigned long *b = kmg_bucket(p), flags;
	struct kmg_record *rec;
	bool found = false;

	if (!kmg_first(b))
		return false;
	local_irq_save(flags);
	kmg_bucket_lock(b);
	rec = kmg_chain_find(b, p);
	if (rec && (rec->flags & KMG_REC_FREED) && kmg_freed_record_current(rec, api)) {
		*copy = *rec;
		found = true;
	}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_find_freed);

/* The quarantine still holds this record's memory: it must give it back. */
static bool kmg_record_owns_memory(const struct kmg_record *rec)
{
	return (rec->flags & (KMG_REC_HELD | KMG_REC_LOST)) == KMG_REC_HELD;
}

/*
 * A freed record leaves the table. With @release (a held record leaving
 * the quarantine, without PREEMPT_RT) its memory goes back right here,
 * under the bucket lock, so that no free of the address can slip in
 * between; whether it is still ours to give back is read under that lock.
 */
static void __kmg_record_unlink(struct kmg_record *rec, bool release)
{
	unsigned long *b = kmg_bucket(rec->addr);
	bool released = false;

	kmg_bucket_lock(b);
	if (!(rec->flags & KMG_REC_DETACHED))
		kmg_chain_unlink(b, rec);
	rec->flags |= KMG_REC_DETACHED;
	if (release && kmg_record_owns_memory(rec)) {
		kmg_release(rec);
		released = true;
	}
	kmg_bucket_unlock(b);
	if (released)
		__kmg_count_add(KMG_COUNT_HELD_RELEASED, 1);
}

static void kmg_record_unlink(struct kmg_record *rec, bool release)
{
	unsigned long flags;

	local_irq_save(flags);
	__kmg_record_unlink(rec, release);
	local_irq_restore(flags);
}

/* A freed record leaves the table; its memory is not kmemguard's to give back. */
void kmg_record_unlink_freed(struct kmg_record *rec)
{
	kmg_record_unlink(rec, false);
}

/*
 * The memory of a held vmalloc area (a bad free, completed: kmg_holds_repair())
 * was just vfree()d. Its record stays on as a driver's own vfree() leaves
 * one: a tombstone in the table (freed, no longer held: believed while the
 * area stays unmapped, kmg_freed_record_current()), back in the quarantine,
 * so that a later free of the address is still a double free and never the
 * kernel's. Not once the module of its allocation or of its free is going
 * (the record names both) or kmemguard is being disabled: each sets its
 * flag, waits for a grace period and then flushes the quarantine, so this
 * section either re-adds before that flush or sees the flag. (Every
 * eviction runs inside an RCU section, where a vmalloc area cannot be
 * vfree()d and goes to the work item: the re-add's evictions never come
 * back here, with CONFIG_PREEMPT_RCU or without: there preemption is off.)
 */
static void kmg_record_released_tomb(struct kmg_record *rec)
{
	unsigned long *b = kmg_bucket(rec->addr), flags;
	bool keep;

	local_irq_save(flags);
	kmg_bucket_lock(b);
	/* (Lost: a new area at the address found it stale and unlinked it.) */
	keep = !(rec->flags & (KMG_REC_DETACHED | KMG_REC_LOST));
	rec->flags &= ~KMG_REC_HELD;
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	rcu_read_lock();
	if (keep && READ_ONCE(kmg_enabled) && !READ_ONCE(rec->site->gone) &&
	    !READ_ONCE(rec->free_site->gone)) {
		/* (One free, counted as quarantined when it was held.) */
		kmg_count_add(KMG_COUNT_QUARANTINED, -1);
		kmg_quarantine_add(rec);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();
	kmg_record_unlink(rec, false);
	kmg_record_put(rec);
}

/*
 * A freed record whose memory a work item just gave back (held, or a bad
 * DMA free completed later: wrappers.c) leaves the table, if it is still
 * there; a held vmalloc area's stays, a tombstone. Context: any but NMI.
 */
void kmg_record_released(struct kmg_record *rec)
{
	if (rec->flags & KMG_REC_HELD)
		this_cpu_inc(kmg_counters.c[KMG_COUNT_HELD_RELEASED]);
	if (rec->family == KMG_FAM_VMALLOC && (rec->flags & KMG_REC_HELD)) {
		kmg_record_released_tomb(rec);
		return;
	}
	kmg_record_unlink(rec, false);
	kmg_record_put(rec);
}

/*
 * quarantine.c: a record leaves the quarantine; held memory goes back with
 * it. Where giving it back may sleep (vfree()) or takes sleeping locks
 * (PREEMPT_RT), it goes back first, outside the bucket lock, and the record
 * leaves after (so a second free meanwhile is still recognised); vmalloc
 * memory evicted in atomic context goes through a work item. (The memory is
 * still ours outside the lock: the allocator cannot have handed it out.)
 */
void kmg_record_evict(struct kmg_record *rec)
{
	const struct kmg_family_ops *fam = kmg_fam(rec->family);
	unsigned long flags;

	/* redzone.c: was it written to while held? */
	if (unlikely(rec->flags & KMG_REC_POISON))
		kmg_rz_evict(rec);

	if (kmg_record_owns_memory(rec) &&
	    (fam->release_sleeps || IS_ENABLED(CONFIG_PREEMPT_RT))) {
		if (fam->release_sleeps && !kmg_context_may_sleep()) {
			fam->release_later(rec);
			return;
		}
		fam->release(rec);
		kmg_record_released(rec);
		return;
	}
	local_irq_save(flags);
	__kmg_record_unlink(rec, true);
	__kmg_record_put(rec);
	local_irq_restore(flags);
	/* PREEMPT_RT: what a full magazine could not take goes back now. */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !irqs_disabled())
		kmg_mag_drain_overflow();
}

/*
 * kmg_record_evict() with interrupts already off (the free fast path,
 * never on PREEMPT_RT): no second save and restore of the flags.
 */
void __kmg_record_evict(struct kmg_record *rec)
{
	/* redzone.c: was it written to while held? */
	if (unlikely(rec->flags & KMG_REC_POISON))
		kmg_rz_evict(rec);
	if (unlikely(kmg_record_owns_memory(rec) &&
		     kmg_fam(rec->family)->release_sleeps)) {
		kmg_fam(rec->family)->release_later(rec);
		return;
	}
	__kmg_record_unlink(rec, true);
	__kmg_record_put(rec);
}

/* === Walks ================================================================ */

/*
 * Unlink every live record whose site belongs to @mod and return them as a
 * chain through ->next. Context: process, may sleep.
 */
struct kmg_record *kmg_table_extract_module(struct module *mod,
					    unsigned long *count)
{
	struct kmg_record *out = NULL, *rec, *next, **link;
	unsigned long *b, flags;
	unsigned int i;

	*count = 0;
	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		if (!(i & 4095))
			cond_resched();
		if (!kmg_first(b))
			continue;	/* racy peek; the module is gone */
		local_irq_save(flags);
		kmg_bucket_lock(b);
		link = (struct kmg_record **)b;
		for (rec = kmg_first(b); rec; rec = next) {
			next = rec->next;
			if (rec->site->mod == mod && !(rec->flags & KMG_REC_FREED)) {
				kmg_link_set(link, b, next);
				atomic_dec(kmg_occupancy_of(rec->addr));
				kmg_site_live_sub(rec->site, rec->size, false);
				rec->next = out;
				out = rec;
				(*count)++;
			} else {
				link = &rec->next;
			}
		}
		kmg_bucket_unlock(b);
		local_irq_restore(flags);
	}
	return out;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_extract_module);

/*
 * Forget every live record (kmemguard was disabled; the quarantine was
 * flushed first, so no freed record is left; nothing inserts any more).
 * Context: may sleep.
 */
void kmg_table_flush(void)
{
	struct kmg_record *rec, *next, *dead;
	unsigned long *b, flags;
	unsigned int i;

	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		if (!(i & 4095))
			cond_resched();
		if (!kmg_first(b))
			continue;
		dead = NULL;
		local_irq_save(flags);
		kmg_bucket_lock(b);
		rec = kmg_first(b);
		WRITE_ONCE(*b, 1UL);	/* empty chain, still locked */
		for (; rec; rec = next) {
			next = rec->next;
			atomic_dec(kmg_occupancy_of(rec->addr));
			if (WARN_ON_ONCE(rec->flags & KMG_REC_FREED)) {
				/* Its quarantine slot owns it. */
				rec->flags |= KMG_REC_DETACHED;
				continue;
			}
			kmg_site_live_sub(rec->site, rec->size, false);
			__this_cpu_inc(kmg_counters.c[KMG_COUNT_DROPPED]);
			rec->next = dead;
			dead = rec;
		}
		kmg_bucket_unlock(b);
		local_irq_restore(flags);
		for (rec = dead; rec; rec = next) {
			next = rec->next;
			kmg_record_put(rec);
		}
	}
	/*
	 * The table is empty: so must every occupancy count be. One that is
	 * not missed a record's increment or decrement (kmemguard's bug: too
	 * low hides records from the peeks). Reset, to go on exactly.
	 */
	for (i = 0; i < (1U << kmg_occupancy_bits); i++) {
		if (WARN_ON_ONCE(atomic_read(&kmg_occupancy[i]))) {
			atomic_set(&kmg_occupancy[i], 0);
			kmg_occupancy_wrong++;
		}
	}
}

unsigned int kmg_table_buckets(void)
{
	return 1U << kmg_bucket_bits;
}

bool kmg_table_bucket_empty(unsigned int bucket)
{
	return !kmg_first(&kmg_buckets[bucket]);
}

/* Copy the @nth record of @bucket into @copy; false past the chain's end. */
bool kmg_table_copy(unsigned int bucket, unsigned int nth,
		    struct kmg_record *copy)
{
	unsigned long *b = &kmg_buckets[bucket], flags;
	struct kmg_record *rec;

	if (!kmg_first(b))
		return false;
	local_irq_save(flags);
	kmg_bucket_lock(b);
	for (rec = kmg_first(b); rec && nth; rec = rec->next)
		nth--;
	if (rec)
		*copy = *rec;
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return rec;
}

/*
 * redzone.c's on-demand check: run @fn on the records of @bucket from the
 * *@nth on, under the bucket lock (interrupts off), until it returns true;
 * then *@nth is the next record's place and the result is true. False at
 * the chain's end. Records that come and go meanwhile may be skipped or
 * seen twice.
 */
bool kmg_table_scan(unsigned int bucket, unsigned int *nth, kmg_scan_fn fn,
		    void *arg)
{
	unsigned long *b = &kmg_buckets[bucket], flags;
	struct kmg_record *rec;
	unsigned int i = 0;
	bool hit = false;

	if (!kmg_first(b))
		return false;
	local_irq_save(flags);
	kmg_bucket_lock(b);
	for (rec = kmg_first(b); rec && !hit; rec = rec->next, i++)
		if (i >= *nth && fn(rec, arg)) {
			hit = true;
			*nth = i + 1;
		}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return hit;
}

/*
 * redzone.c: the driver asked ksize() of @p. If @p is a live object with
 * redzones (not pages), @set goes into its rec->rz and the record is copied
 * to @copy.
 */
bool kmg_table_set_rz(const void *p, u8 set, struct kmg_record *copy)
{
	unsigned long *b = kmg_bucket((unsigned long)p), flags;
	struct kmg_record *rec;
	bool found = false;

	if (!kmg_first(b))
		return false;
	local_irq_save(flags);
	kmg_bucket_lock(b);
	rec = kmg_chain_find(b, (unsigned long)p);
	if (rec && (rec->flags & (KMG_REC_POISON | KMG_REC_FREED)) == KMG_REC_POISON &&
	    rec->family != KMG_FAM_PAGES) {
		rec->rz |= set;
		*copy = *rec;
		found = true;
	}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return found;
}

/*
 * redzone.c: @rec, freed and held (in the table), was not poisoned after
 * all: its eviction must not check it.
 */
void kmg_record_unpoison(struct kmg_record *rec)
{
	unsigned long *b = kmg_bucket(rec->addr), flags;

	local_irq_save(flags);
	kmg_bucket_lock(b);
	rec->flags &= ~KMG_REC_POISON;
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
}

/*
 * May the table hold a record of @p? A racy peek at its block's occupancy
 * count and at its chain, without the lock and without turning interrupts
 * off: a zero count or an empty chain holds nothing (the count is in
 * cache; the chain, in the table's megabytes, often is not).
 * It is the peek __kmg_record_mark_freed() has always begun with, made
 * earlier. For a pointer being freed it is as exact as the locked lookup:
 * the insert of its record ended before its allocation call returned it,
 * and no other insert of that address runs while it is allocated unless
 * the driver races itself on the object (e.g. a krealloc() being undone, a
 * mempool resized). Inserts and unlinks of other records never leave the
 * head word empty while @p's record is in the chain. (A chain with records
 * of other addresses only: the caller's locked lookup finds none.)
 */
bool kmg_table_may_hold(const void *p)
{
	unsigned long a = (unsigned long)p;

	return atomic_read(kmg_occupancy_of(a)) && kmg_first(kmg_bucket(a));
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_may_hold);

/*
 * The record that starts at @p, copied to @copy: a live one, or one whose
 * memory the quarantine holds (then @copy has KMG_REC_FREED set): a
 * pointer into either is not the allocator's to take.
 */
bool kmg_table_find_exact(unsigned long p, struct kmg_record *copy)
{
	unsigned long *b = kmg_bucket(p), flags;
	struct kmg_record *rec;
	bool found = false;

	if (!atomic_read(kmg_occupancy_of(p)) || !kmg_first(b))
		return false;
	local_irq_save(flags);
	kmg_bucket_lock(b);
	rec = kmg_chain_find(b, p);
	if (rec && (!(rec->flags & KMG_REC_FREED) || kmg_record_owns_memory(rec))) {
		*copy = *rec;
		found = true;
	}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return found;
}

/*
 * kmg_table_find_exact() for the guard pool's fault hook, which may run
 * on a CPU that holds @p's bucket lock (a read of a stale record's
 * unmapped page), or in NMI: never waits for the lock. False if it is
 * taken.
 */
bool kmg_table_find_exact_try(unsigned long p, struct kmg_record *copy)
{
	unsigned long *b = kmg_bucket(p), flags;
	struct kmg_record *rec;
	bool found = false;

	if (in_nmi() || !kmg_first(b))
		return false;
	local_irq_save(flags);
	if (!kmg_bucket_trylock(b)) {
		local_irq_restore(flags);
		return false;
	}
	rec = kmg_chain_find(b, p);
	if (rec && (!(rec->flags & KMG_REC_FREED) || kmg_record_owns_memory(rec))) {
		*copy = *rec;
		found = true;
	}
	kmg_bucket_unlock(b);
	local_irq_restore(flags);
	return found;
}

/*
 * Is @p inside a live tracked object? Probes the table at the addresses
 * @step apart from @p down to @p - @span, where such an object could start.
 * Only for frees of pointers kmemguard does not know where no cheaper test
 * applies (vmalloc, page and KASAN-padded slab memory). A record at a
 * cache's or pool's struct counts for the struct only (kmg_record_extent()).
 */
bool kmg_table_find_containing(unsigned long p, unsigned long span,
			       unsigned long step, struct kmg_record *copy)
{
	unsigned long start = ALIGN_DOWN(p, step);
	unsigned long end = p > span ? p - span : 0;

	for (; start > end; start -= step)
		if (kmg_table_find_exact(start, copy) &&
		    p < start + kmg_record_extent(copy))
			return true;
	return false;
}

/*
 * One of kmg_table_inside_slab_object()'s probes: size class @s, a constant
 * once inlined (no division for 96 and 192). The racy peek first: almost
 * every candidate's chain is empty.
 */
static __always_inline bool kmg_slab_probe(unsigned long a, unsigned long base,
					   unsigned long fsize, unsigned int s,
					   struct kmg_record *copy)
{
	unsigned long start;

	if (s > fsize)
		return false;	/* (a one-object slab's object starts at its start) */
	start = is_power_of_2(s) ? a & ~(unsigned long)(s - 1) :
				   base + (a - base) / s * s;
	if (start == a || !atomic_read(kmg_occupancy_of(start)) ||
	    !kmg_first(kmg_bucket(start)))
		return false;
	if (!copy)
		return true;	/* a record may start there */
	return kmg_table_find_exact(start, copy) &&
	       a < start + kmg_record_extent(copy);
}

/*
 * Is @p, inside a slab page, an interior pointer of a live tracked object?
 * Without slab debugging or KASAN padding, SLUB lays a cache's objects out
 * at multiples of their size from the start of the slab, and kmalloc's
 * power-of-two caches align each object to its size: so for each kmalloc
 * size class there is one place such an object could start. That is a few
 * table probes instead of a scan (up to KMG_INTERIOR_MAX below @p). With
 * @copy NULL: may @p be inside one? (Peeks only, no lock: true if a count
 * and a chain there are not zero.) A record at a
 * cache's or pool's struct counts for the struct only (kmg_record_extent()).
 */
bool kmg_table_inside_slab_object(const void *p, struct kmg_record *copy)
{
	struct folio *folio = virt_to_folio(p);
	unsigned long a = (unsigned long)p, fsize = folio_size(folio);
	unsigned long base = (unsigned long)folio_address(folio);

	/* kmalloc's size classes */
	return kmg_slab_probe(a, base, fsize, 8, copy) ||
	       kmg_slab_probe(a, base, fsize, 16, copy) ||
	       kmg_slab_probe(a, base, fsize, 32, copy) ||
	       kmg_slab_probe(a, base, fsize, 64, copy) ||
	       kmg_slab_probe(a, base, fsize, 96, copy) ||
	       kmg_slab_probe(a, base, fsize, 128, copy) ||
	       kmg_slab_probe(a, base, fsize, 192, copy) ||
	       kmg_slab_probe(a, base, fsize, 256, copy) ||
	       kmg_slab_probe(a, base, fsize, 512, copy) ||
	       kmg_slab_probe(a, base, fsize, 1024, copy) ||
	       kmg_slab_probe(a, base, fsize, 2048, copy) ||
	       kmg_slab_probe(a, base, fsize, 4096, copy) ||
	       kmg_slab_probe(a, base, fsize, 8192, copy);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_inside_slab_object);

/* The largest class probed: callers skip the probes by that bound. */
static_assert(KMG_INTERIOR_MAX == 8192);

/*
 * Copy up to @max live records of @family owned by @owner into @copies;
 * return how many there are in all, and in *@creations (if not NULL) how
 * many live records of @creator start at @owner. Context: process, may
 * sleep.
 */
static unsigned long kmg_table_collect(enum kmg_family family,
				       const void *owner,
				       struct kmg_record *copies,
				       unsigned long max,
				       enum kmg_family creator,
				       unsigned long *creations)
{
	unsigned long *b, flags, n = 0;
	struct kmg_record *rec;
	unsigned int i;

	if (creations)
		*creations = 0;
	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		if (!(i & 4095))
			cond_resched();
		if (!kmg_first(b))
			continue;
		local_irq_save(flags);
		kmg_bucket_lock(b);
		for (rec = kmg_first(b); rec; rec = rec->next) {
			if (rec->flags & KMG_REC_FREED)
				continue;
			if (creations && rec->family == creator &&
			    rec->addr == (unsigned long)owner)
				(*creations)++;
			if (rec->family != family || rec->owner != owner)
				continue;
			if (n < max)
				copies[n] = *rec;
			n++;
		}
		kmg_bucket_unlock(b);
		local_irq_restore(flags);
	}
	return n;
}

/*
 * Copy up to @max live objects of cache @s into @copies; return how many
 * there are in all, and in *@creations how many live creations of @s there
 * are (more than one: a merged cache, before 6.5). Context: process, may
 * sleep.
 */
unsigned long kmg_table_collect_cache(struct kmem_cache *s,
				      struct kmg_record *copies,
				      unsigned long max,
				      unsigned long *creations)
{
	return kmg_table_collect(KMG_FAM_CACHE, s, copies, max,
				 KMG_FAM_CACHE_STRUCT, creations);
}

/* The same for the live elements of a mempool (mempool.c). */
unsigned long kmg_table_collect_owned(enum kmg_family family,
				      const void *owner,
				      struct kmg_record *copies,
				      unsigned long max)
{
	return kmg_table_collect(family, owner, copies, max, family, NULL);
}

/* === Init and exit ======================================================== */

int kmg_table_init(void)
{
	unsigned long want = (totalram_pages() << PAGE_SHIFT) / KMG_BYTES_PER_BUCKET;

	kmg_bucket_bits = clamp_t(unsigned int, order_base_2(want),
				  KMG_MIN_BUCKET_BITS, KMG_MAX_BUCKET_BITS);
	kmg_record_cache = kmem_cache_create("kmemguard_record",
					     sizeof(struct kmg_record), 0,
					     SLAB_NOLEAKTRACE, NULL);
	if (!kmg_record_cache)
		return -ENOMEM;
	kmg_buckets = kvcalloc(1UL << kmg_bucket_bits, sizeof(*kmg_buckets),
			       GFP_KERNEL);
	kmg_occupancy_bits = kmg_bucket_bits - KMG_OCCUPANCY_SHIFT;
	kmg_occupancy = kvcalloc(1UL << kmg_occupancy_bits,
				 sizeof(*kmg_occupancy), GFP_KERNEL);
	if (!kmg_buckets || !kmg_occupancy) {
		kvfree(kmg_occupancy);
		kvfree(kmg_buckets);
		kmem_cache_destroy(kmg_record_cache);
		return -ENOMEM;
	}
	/* Holds pointers to records only, which kmemleak does not track. */
	kmemleak_no_scan(kmg_buckets);
	kmemleak_no_scan(kmg_occupancy);	/* counts, no pointers */
	return 0;
}

/* Module exit: no tracked module is loaded and the quarantine is empty. */
void kmg_table_exit(void)
{
	int cpu;

	kmg_table_flush();
	for_each_possible_cpu(cpu) {
		struct kmg_mag *m = per_cpu_ptr(&kmg_mags, cpu);
		struct kmg_record *rec, *next;

		kmg_records_free(m->r, m->n);
		m->n = 0;
		/*
		 * PREEMPT_RT: records put on a full magazine with interrupts
		 * off wait there until their CPU drains them, which an
		 * eviction's put does not; the cache must be empty now.
		 */
		for (rec = m->overflow; rec; rec = next) {
			next = rec->next;
			kmem_cache_free(kmg_record_cache, rec);
		}
		m->overflow = NULL;
	}
	kvfree(kmg_occupancy);
	kvfree(kmg_buckets);
	kmem_cache_destroy(kmg_record_cache);
}
