// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard record table and site statistics.
 *
 * A record is born in kmg_track_alloc(). A free turns it into a freed record
 * in kmg_track_mark_freed() and hands it to the quarantine, where it dies
 * when it is evicted (kmg_quarantine_evict()); while it is there, a second
 * free of the same object is a double free, with both stacks to show. A
 * module that unloads with live objects has them taken out in
 * kmg_table_extract_module() and reported as leaks.
 *
 * Notes on locking:
 *
 * - The table is a fixed array of buckets, each a singly linked chain of
 *   records whose head word doubles as a bit spinlock (bit 0), taken with
 *   interrupts off: allocations are tracked in every context the allocators
 *   allow, hardirq included, so the lock must be irq-safe, and it must be a
 *   spinning lock on PREEMPT_RT too. There is no global lock on the
 *   alloc/free path: two operations contend only when their addresses hash
 *   to the same bucket. Nothing is allocated, printed or waited for while a
 *   bucket lock is held.
 * - kmg_sites_spinlock (raw, irq-safe) protects kmg_sites and every site's
 *   ->node. It is taken once per call site (on its first tracked
 *   allocation), when a module goes away, and by debugfs readers; never
 *   per allocation.
 * - Site counters and kmg_counters[] are atomics, not locked.
 * - Disabling kmemguard (kmg_set_enabled()) flips a static key, waits for an
 *   RCU grace period and then empties the table: inserts run inside an RCU
 *   read-side section and re-check kmg_enabled there, so none can slip in
 *   after the flush.
 * - Lock order: a bucket lock is never held with kmg_sites_spinlock or vice
 *   versa.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/spinlock.h>
#include <linux/bit_spinlock.h>
#include <linux/hash.h>
#include <linux/interrupt.h>
#include <linux/kmemleak.h>
#include <linux/sched.h>
#include <linux/stacktrace.h>

#include "kmg.h"

#define KMG_MAX_STACK	32

static struct kmem_cache *kmg_record_cache;	/* set at init, then read-only */
static unsigned long *kmg_buckets;		/* set at init; see locking */
static unsigned int kmg_bucket_bits;		/* set at init, then read-only */

static LIST_HEAD(kmg_sites);			/* kmg_sites_spinlock */
DEFINE_RAW_SPINLOCK(kmg_sites_spinlock);

atomic_long_t kmg_counters[KMG_COUNT_NR];
atomic_t kmg_fail_records;	/* record allocations still to fail, testing aid */
EXPORT_SYMBOL_IF_KUNIT(kmg_counters);
const char *const kmg_counter_names[KMG_COUNT_NR] = {
	[KMG_COUNT_ALLOCS]		= "allocations",
	[KMG_COUNT_FREES]		= "frees",
	[KMG_COUNT_LIVE]		= "live objects",
	[KMG_COUNT_FAILED]		= "failed allocations",
	[KMG_COUNT_DEGRADED]		= "degraded (untracked: no record memory)",
	[KMG_COUNT_UNTRACKED_FREES]	= "frees of untracked pointers",
	[KMG_COUNT_STALE]		= "stale records replaced",
	[KMG_COUNT_LEAK_REPORTS]	= "leak reports",
	[KMG_COUNT_LEAKED_OBJECTS]	= "leaked objects",
	[KMG_COUNT_QUARANTINED]		= "quarantined frees",
	[KMG_COUNT_REPORTS_SUPPRESSED]	= "repeated reports suppressed",
	[KMG_COUNT_INJECTED]		= "injected failures",
};

/* === Buckets ============================================================ */

static unsigned long *kmg_bucket(unsigned long addr)
{
	return &kmg_buckets[hash_long(addr, kmg_bucket_bits)];
}

static unsigned long kmg_bucket_lock(unsigned long *b)
	__acquires(b)
{
	unsigned long flags;

	local_irq_save(flags);
	bit_spin_lock(0, b);
	return flags;
}

static void kmg_bucket_unlock(unsigned long *b, unsigned long flags)
	__releases(b)
{
	bit_spin_unlock(0, b);
	local_irq_restore(flags);
}

/* The chain head with the lock bit masked off; bucket lock held. */
static struct kmg_record **kmg_bucket_head(unsigned long *b)
{
	return (struct kmg_record **)b;
}

static struct kmg_record *kmg_first(unsigned long *b)
{
	return (struct kmg_record *)(*b & ~1UL);
}

/* Replace the pointer at @link (head word or ->next); bucket lock held. */
static void kmg_link_set(struct kmg_record **link, unsigned long *b,
			 struct kmg_record *rec)
{
	if ((unsigned long *)link == b)
		*b = (unsigned long)rec | 1UL;	/* keep the lock bit */
	else
		*link = rec;
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

/* Unlink and return the record for @addr, or NULL; bucket lock held. */
static struct kmg_record *kmg_chain_unlink(unsigned long *b,
					   unsigned long addr)
{
	struct kmg_record **link = kmg_bucket_head(b);
	struct kmg_record *rec = kmg_first(b);

	while (rec) {
		if (rec->addr == addr) {
			kmg_link_set(link, b, rec->next);
			rec->next = NULL;
			return rec;
		}
		link = &rec->next;
		rec = rec->next;
	}
	return NULL;
}

/* === Sites ============================================================== */

static void kmg_site_register(struct kmemguard_site *site)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kmg_sites_spinlock, flags);
	if (!site->registered) {
		list_add_tail(&site->node, &kmg_sites);
		WRITE_ONCE(site->registered, 1);
	}
	raw_spin_unlock_irqrestore(&kmg_sites_spinlock, flags);
}

/* An object of @site became live (new, or put back after a failed free). */
static void kmg_site_live_add(struct kmemguard_site *site, size_t size)
{
	long bytes, peak;

	if (unlikely(!READ_ONCE(site->registered)))
		kmg_site_register(site);
	atomic_long_inc(&site->live);
	bytes = atomic_long_add_return(size, &site->live_bytes);
	peak = atomic_long_read(&site->peak_bytes);
	while (bytes > peak &&
	       !atomic_long_try_cmpxchg(&site->peak_bytes, &peak, bytes))
		;
	kmg_count(KMG_COUNT_LIVE);
}

/* An object of @site stopped being live (freed, leaked, forgotten). */
static void kmg_site_live_sub(struct kmemguard_site *site, size_t size)
{
	atomic_long_dec(&site->live);
	atomic_long_sub(size, &site->live_bytes);
	atomic_long_dec(&kmg_counters[KMG_COUNT_LIVE]);
}

void kmg_track_failed(struct kmemguard_site *site)
{
	if (unlikely(!READ_ONCE(site->registered)))
		kmg_site_register(site);
	atomic_long_inc(&site->failed);
	kmg_count(KMG_COUNT_FAILED);
}

bool kmg_module_tracked(struct module *mod)
{
	struct kmemguard_site *site;
	bool found = false;

	raw_spin_lock_irq(&kmg_sites_spinlock);
	list_for_each_entry(site, &kmg_sites, node) {
		if (site->mod == mod) {
			found = true;
			break;
		}
	}
	raw_spin_unlock_irq(&kmg_sites_spinlock);
	return found;
}

/* The module is going: its site descriptors are about to be freed. */
void kmg_sites_forget_module(struct module *mod)
{
	struct kmemguard_site *site, *tmp;

	raw_spin_lock_irq(&kmg_sites_spinlock);
	list_for_each_entry_safe(site, tmp, &kmg_sites, node) {
		if (site->mod == mod) {
			list_del(&site->node);
			WRITE_ONCE(site->registered, 0);
		}
	}
	raw_spin_unlock_irq(&kmg_sites_spinlock);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_sites_forget_module);

/* Site after @site (NULL: the first) with *@pos counting; sites lock held. */
struct kmemguard_site *kmg_sites_next(struct kmemguard_site *site,
				      loff_t *pos)
{
	struct list_head *next = site ? site->node.next : kmg_sites.next;

	(*pos)++;
	if (next == &kmg_sites)
		return NULL;
	return list_entry(next, struct kmemguard_site, node);
}

/* === Records ============================================================ */

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

depot_stack_handle_t kmg_save_stack(void)
{
#if KMG_HAVE_STACKDEPOT
	unsigned long entries[KMG_MAX_STACK];
	unsigned int depth = READ_ONCE(kmg_stack_depth);
	unsigned int n, skip = 0;

	if (!depth)
		return 0;
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	/* Start the trace at the driver: drop kmemguard's own frames. */
	while (skip < n && within_module(entries[skip], THIS_MODULE))
		skip++;
	n = min(n - skip, depth);
	if (!n)
		return 0;
	return stack_depot_save(entries + skip, n, GFP_NOWAIT | __GFP_NOWARN);
#else
	return 0;
#endif
}

/**
 * kmg_track_alloc() - start tracking a new allocation: a record is born
 * @site:	the driver's call site
 * @p:		what the allocator returned (NULL: a failed allocation)
 * @size:	requested size
 * @gfp:	the allocation's GFP flags
 * @family:	which free is the right one
 * @order:	page order (KMG_FAM_PAGES)
 * @cache:	the object's cache (KMG_FAM_CACHE)
 * @flags:	KMG_REC_*
 *
 * Context: any context the wrapped allocator may be called in.
 */
void kmg_track_alloc(struct kmemguard_site *site, const void *p, size_t size,
		     gfp_t gfp, enum kmg_family family, unsigned int order,
		     struct kmem_cache *cache, unsigned int flags)
{
	struct kmg_record *rec, *stale;
	enum kmg_context ctx;
	unsigned long *b, irqflags;

	if (!p) {
		kmg_track_failed(site);
		return;
	}
	if (ZERO_OR_NULL_PTR(p))
		return;	/* kmalloc(0): nothing to free, nothing to leak */

	ctx = kmg_current_context();
	if (unlikely(ctx == KMG_CTX_NMI)) {
		/* The slab allocator is off limits here, even for us. */
		kmg_count(KMG_COUNT_DEGRADED);
		return;
	}
	if (unlikely(atomic_read(&kmg_fail_records) > 0) &&
	    atomic_dec_if_positive(&kmg_fail_records) >= 0)
		rec = NULL;	/* told to (debugfs control "fail_records=") */
	else
		rec = kmem_cache_alloc(kmg_record_cache, kmg_record_gfp(gfp));
	if (unlikely(!rec)) {
		kmg_count(KMG_COUNT_DEGRADED);
		return;
	}
	rec->next = NULL;
	rec->addr = (unsigned long)p;
	rec->site = site;
	rec->size = size;
	rec->cache = cache;
	/* The NMI-safe clock: records are born in any context. */
	rec->when = ktime_get_mono_fast_ns();
	rec->stack = kmg_save_stack();
	rec->gfp = gfp;
	rec->pid = ctx == KMG_CTX_TASK ? task_pid_nr(current) : 0;
	rec->family = family;
	rec->order = order;
	rec->ctx = ctx;
	rec->flags = flags;

	rcu_read_lock();
	if (unlikely(!READ_ONCE(kmg_enabled))) {
		rcu_read_unlock();
		kmem_cache_free(kmg_record_cache, rec);
		return;
	}
	b = kmg_bucket(rec->addr);
	irqflags = kmg_bucket_lock(b);
	/*
	 * A record for this address already. A freed one whose memory went
	 * back to the allocator: its quarantine slot still owns it. A live
	 * one: the object was freed behind kmemguard's back (by code that does
	 * not include kmemguard.h) and handed out again; that record is stale.
	 */
	stale = kmg_chain_unlink(b, rec->addr);
	if (stale && (stale->flags & KMG_REC_FREED)) {
		stale->flags |= KMG_REC_DETACHED;
		stale = NULL;
	}
	rec->next = kmg_first(b);
	kmg_link_set(kmg_bucket_head(b), b, rec);
	kmg_bucket_unlock(b, irqflags);
	kmg_site_live_add(site, size);
	atomic_long_inc(&site->allocs);
	kmg_count(KMG_COUNT_ALLOCS);
	rcu_read_unlock();

	if (stale) {
		kmg_site_live_sub(stale->site, stale->size);
		kmg_count(KMG_COUNT_STALE);
		kmem_cache_free(kmg_record_cache, stale);
	}
}
EXPORT_SYMBOL_IF_KUNIT(kmg_track_alloc);

/**
 * kmg_track_free() - stop tracking live object @p, no questions asked
 * @p: start of the object
 *
 * For frees that cannot be wrong (devres releasing its own memory) and for
 * krealloc(), which may have to put the record back.
 *
 * Return: the record, unlinked and owned by the caller (who must pass it to
 * kmg_record_release() or kmg_track_restore()), or NULL if kmemguard does
 * not track @p as live.
 */
struct kmg_record *kmg_track_free(const void *p)
{
	unsigned long *b, flags;
	struct kmg_record *rec;

	if (ZERO_OR_NULL_PTR(p))
		return NULL;
	b = kmg_bucket((unsigned long)p);
	flags = kmg_bucket_lock(b);
	rec = kmg_chain_find(b, (unsigned long)p);
	if (rec && !(rec->flags & KMG_REC_FREED))
		rec = kmg_chain_unlink(b, (unsigned long)p);
	else
		rec = NULL;
	kmg_bucket_unlock(b, flags);
	if (rec) {
		kmg_site_live_sub(rec->site, rec->size);
		atomic_long_inc(&rec->site->frees);
		kmg_count(KMG_COUNT_FREES);
	} else {
		kmg_count(KMG_COUNT_UNTRACKED_FREES);
	}
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_track_free);

/* Put back a record whose free did not happen (a failed krealloc()). */
void kmg_track_restore(struct kmg_record *rec)
{
	unsigned long *b, flags;

	b = kmg_bucket(rec->addr);
	flags = kmg_bucket_lock(b);
	rec->next = kmg_first(b);
	kmg_link_set(kmg_bucket_head(b), b, rec);
	kmg_bucket_unlock(b, flags);
	kmg_site_live_add(rec->site, rec->size);
	atomic_long_dec(&rec->site->frees);
	atomic_long_dec(&kmg_counters[KMG_COUNT_FREES]);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_track_restore);

void kmg_record_release(struct kmg_record *rec)
{
	kmem_cache_free(kmg_record_cache, rec);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_record_release);

/*
 * Unlink every record whose site belongs to @mod and return them as a chain
 * through ->next. Context: process, may sleep.
 */
struct kmg_record *kmg_table_extract_module(struct module *mod,
					    unsigned long *count)
{
	struct kmg_record *out = NULL, *rec, **link;
	unsigned long *b, flags;
	unsigned int i;

	*count = 0;
	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		if (!kmg_first(b))
			continue;	/* racy peek; the module is gone */
		flags = kmg_bucket_lock(b);
		link = kmg_bucket_head(b);
		rec = kmg_first(b);
		while (rec) {
			struct kmg_record *next = rec->next;

			if (rec->site->mod == mod &&
			    !(rec->flags & KMG_REC_FREED)) {
				kmg_link_set(link, b, next);
				rec->next = out;
				out = rec;
				(*count)++;
			} else {
				link = &rec->next;
			}
			rec = next;
		}
		kmg_bucket_unlock(b, flags);
		if (!(i & 1023))
			cond_resched();
	}
	for (rec = out; rec; rec = rec->next)
		kmg_site_live_sub(rec->site, rec->size);
	return out;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_table_extract_module);

/* Forget every record (kmemguard was disabled). Context: may sleep. */
void kmg_table_flush(void)
{
	struct kmg_record *rec, *next;
	unsigned long *b, flags;
	unsigned int i;

	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		flags = kmg_bucket_lock(b);
		rec = kmg_first(b);
		*b = 1UL;	/* empty chain, still locked */
		kmg_bucket_unlock(b, flags);
		for (; rec; rec = next) {
			next = rec->next;
			if (rec->flags & KMG_REC_FREED) {
				/* Its quarantine slot owns it. */
				WRITE_ONCE(rec->flags, rec->flags | KMG_REC_DETACHED);
				continue;
			}
			kmg_site_live_sub(rec->site, rec->size);
			kmem_cache_free(kmg_record_cache, rec);
		}
		if (!(i & 1023))
			cond_resched();
	}
}

unsigned int kmg_table_buckets(void)
{
	return 1U << kmg_bucket_bits;
}

/* Copy the @nth record of @bucket into @copy; false past the chain's end. */
bool kmg_table_copy(unsigned int bucket, unsigned int nth,
		    struct kmg_record *copy)
{
	unsigned long *b = &kmg_buckets[bucket], flags;
	struct kmg_record *rec;

	if (!kmg_first(b))
		return false;
	flags = kmg_bucket_lock(b);
	for (rec = kmg_first(b); rec && nth; rec = rec->next)
		nth--;
	if (rec)
		*copy = *rec;
	kmg_bucket_unlock(b, flags);
	return rec;
}

/**
 * kmg_track_mark_freed() - a checked free of @p
 * @p:		what the driver passed to a free call
 * @free_site:	the free's call site
 * @free_stack:	the free's stack
 * @rec:	set to the record that is now freed (KMG_LOOKUP_LIVE)
 * @copy:	set to the record as it was (KMG_LOOKUP_LIVE, KMG_LOOKUP_FREED)
 *
 * A live record becomes a freed one in place, atomically under its bucket
 * lock, so of two racing frees exactly one sees it live. The caller then
 * hands it to kmg_quarantine_add().
 */
enum kmg_lookup kmg_track_mark_freed(const void *p,
				     struct kmemguard_site *free_site,
				     depot_stack_handle_t free_stack,
				     struct kmg_record **rec,
				     struct kmg_record *copy)
{
	enum kmg_lookup ret = KMG_LOOKUP_NONE;
	unsigned long *b, flags;
	struct kmg_record *r;

	b = kmg_bucket((unsigned long)p);
	flags = kmg_bucket_lock(b);
	r = kmg_chain_find(b, (unsigned long)p);
	if (r) {
		*copy = *r;
		if (r->flags & KMG_REC_FREED) {
			ret = KMG_LOOKUP_FREED;
		} else {
			ret = KMG_LOOKUP_LIVE;
			r->free_site = free_site;
			r->free_stack = free_stack;
			r->flags |= KMG_REC_FREED;
			*rec = r;
		}
	}
	kmg_bucket_unlock(b, flags);

	if (ret == KMG_LOOKUP_LIVE) {
		kmg_site_live_sub(copy->site, copy->size);
		atomic_long_inc(&copy->site->frees);
		kmg_count(KMG_COUNT_FREES);
	} else if (ret == KMG_LOOKUP_NONE) {
		kmg_count(KMG_COUNT_UNTRACKED_FREES);
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_track_mark_freed);

/* === Quarantine ======================================================== */

#define KMG_QUARANTINE_MAX	1024		/* slots per CPU, at most */
#define KMG_QUARANTINE_BYTES	(256 * 1024)	/* memory held per CPU */

/**
 * struct kmg_qring - one CPU's quarantine of freed records
 * @lock:	protects everything below
 * @head:	index of the oldest record
 * @count:	records in the ring
 * @bytes:	memory the ring holds back from the allocator
 * @slot:	the records, oldest at @head
 */
struct kmg_qring {
	raw_spinlock_t lock;
	unsigned int head;
	unsigned int count;
	size_t bytes;
	struct kmg_record *slot[KMG_QUARANTINE_MAX];
};

static struct kmg_qring __percpu *kmg_qrings;	/* set at init */

/*
 * The record leaves the quarantine: memory released, then out of the table.
 * In that order: until the record is gone a second free of the address is
 * still recognised, and if the allocator hands the address out again first,
 * kmg_track_alloc() detaches the record.
 */
static void kmg_quarantine_evict(struct kmg_record *rec)
{
	struct kmg_record **link, *cur;
	unsigned long *b, flags;

	if (rec->flags & KMG_REC_HELD)
		kmg_free_memory(rec);
	b = kmg_bucket(rec->addr);
	flags = kmg_bucket_lock(b);
	if (!(rec->flags & KMG_REC_DETACHED)) {
		link = kmg_bucket_head(b);
		for (cur = kmg_first(b); cur; cur = cur->next) {
			if (cur == rec) {
				kmg_link_set(link, b, rec->next);
				break;
			}
			link = &cur->next;
		}
	}
	kmg_bucket_unlock(b, flags);
	kmem_cache_free(kmg_record_cache, rec);
}

/*
 * Take a freed record into this CPU's quarantine; @held: its memory is
 * still allocated, released only at eviction (so nothing else can get the
 * address while a double free of it would be recognised).
 */
void kmg_quarantine_add(struct kmg_record *rec, bool held)
{
	struct kmg_record *victims[4];
	unsigned int n = 0, cap = READ_ONCE(kmg_quarantine_slots);
	struct kmg_qring *q;
	unsigned long flags;

	if (held)
		rec->flags |= KMG_REC_HELD;	/* only the ring reads it now */
	if (!cap) {
		kmg_quarantine_evict(rec);
		return;
	}
	q = raw_cpu_ptr(kmg_qrings);
	raw_spin_lock_irqsave(&q->lock, flags);
	q->slot[(q->head + q->count) % KMG_QUARANTINE_MAX] = rec;
	q->count++;
	if (held)
		q->bytes += rec->size;
	/* Evict the oldest, a few at a time, to stay within budget. */
	while (n < ARRAY_SIZE(victims) &&
	       (q->count > cap || q->bytes > KMG_QUARANTINE_BYTES)) {
		struct kmg_record *old = q->slot[q->head];

		q->head = (q->head + 1) % KMG_QUARANTINE_MAX;
		q->count--;
		if (old->flags & KMG_REC_HELD)
			q->bytes -= old->size;
		victims[n++] = old;
	}
	raw_spin_unlock_irqrestore(&q->lock, flags);
	kmg_count(KMG_COUNT_QUARANTINED);
	while (n)
		kmg_quarantine_evict(victims[--n]);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_add);

/*
 * Evict every quarantined record @match picks (all of them if @match is
 * NULL): a module going away, a cache being destroyed, kmemguard disabled.
 * Context: process, may sleep.
 */
void kmg_quarantine_flush(kmg_match_fn match, const void *arg)
{
	struct kmg_record *batch[32], *rec;
	unsigned int i, keep, n;
	struct kmg_qring *q;
	int cpu;

	for_each_possible_cpu(cpu) {
		q = per_cpu_ptr(kmg_qrings, cpu);
		do {
			n = 0;
			raw_spin_lock_irq(&q->lock);
			/* Compact the ring in place, taking out a batch. */
			for (i = 0, keep = 0; i < q->count; i++) {
				rec = q->slot[(q->head + i) % KMG_QUARANTINE_MAX];
				if (n < ARRAY_SIZE(batch) && (!match || match(rec, arg))) {
					if (rec->flags & KMG_REC_HELD)
						q->bytes -= rec->size;
					batch[n++] = rec;
				} else {
					q->slot[(q->head + keep++) % KMG_QUARANTINE_MAX] = rec;
				}
			}
			q->count = keep;
			raw_spin_unlock_irq(&q->lock);
			for (i = 0; i < n; i++)
				kmg_quarantine_evict(batch[i]);
			cond_resched();
		} while (n == ARRAY_SIZE(batch));
	}
}
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_flush);

int kmg_quarantine_init(void)
{
	int cpu;

	kmg_qrings = alloc_percpu(struct kmg_qring);
	if (!kmg_qrings)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(kmg_qrings, cpu)->lock);
	return 0;
}

void kmg_quarantine_exit(void)
{
	kmg_quarantine_flush(NULL, NULL);
	free_percpu(kmg_qrings);
}

/*
 * Is @p inside a live tracked object? Probes the table at the addresses
 * @step apart from @p down to @p - @span, where such an object could start.
 * Only for frees of pointers kmemguard does not know: they are rare.
 */
bool kmg_table_find_containing(unsigned long p, unsigned long span,
			       unsigned long step, struct kmg_record *copy)
{
	unsigned long start = ALIGN_DOWN(p, step), *b, flags;
	unsigned long end = p > span ? p - span : 0;
	struct kmg_record *rec;
	bool found = false;

	for (; start > end && !found; start -= step) {
		b = kmg_bucket(start);
		if (!kmg_first(b))
			continue;
		flags = kmg_bucket_lock(b);
		rec = kmg_chain_find(b, start);
		if (rec && !(rec->flags & KMG_REC_FREED) && p < start + rec->size) {
			*copy = *rec;
			found = true;
		}
		kmg_bucket_unlock(b, flags);
	}
	return found;
}

/*
 * Copy up to @max live objects of cache @s into @copies; return how many
 * there are in all. Context: process, may sleep.
 */
unsigned long kmg_table_collect_cache(struct kmem_cache *s,
				      struct kmg_record *copies,
				      unsigned long max)
{
	unsigned long *b, flags, n = 0;
	struct kmg_record *rec;
	unsigned int i;

	for (i = 0; i < (1U << kmg_bucket_bits); i++) {
		b = &kmg_buckets[i];
		if (!kmg_first(b))
			continue;
		flags = kmg_bucket_lock(b);
		for (rec = kmg_first(b); rec; rec = rec->next) {
			if (rec->family != KMG_FAM_CACHE || rec->cache != s ||
			    (rec->flags & KMG_REC_FREED))
				continue;
			if (n < max)
				copies[n] = *rec;
			n++;
		}
		kmg_bucket_unlock(b, flags);
		if (!(i & 1023))
			cond_resched();
	}
	return n;
}

int kmg_table_init(unsigned int bits)
{
	kmg_record_cache = kmem_cache_create("kmemguard_record",
					     sizeof(struct kmg_record), 0,
					     SLAB_NOLEAKTRACE, NULL);
	if (!kmg_record_cache)
		return -ENOMEM;
	kmg_bucket_bits = bits;
	kmg_buckets = kvcalloc(1UL << bits, sizeof(*kmg_buckets), GFP_KERNEL);
	if (!kmg_buckets) {
		kmem_cache_destroy(kmg_record_cache);
		return -ENOMEM;
	}
	/* Holds pointers to records only, which kmemleak does not track. */
	kmemleak_no_scan(kmg_buckets);
	if (kmg_quarantine_init()) {
		kvfree(kmg_buckets);
		kmem_cache_destroy(kmg_record_cache);
		return -ENOMEM;
	}
	return 0;
}

/* Module exit: no tracked module is loaded, so the table is empty. */
void kmg_table_exit(void)
{
	kmg_quarantine_exit();
	kmg_table_flush();
	kvfree(kmg_buckets);
	kmem_cache_destroy(kmg_record_cache);
}
