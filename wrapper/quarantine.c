// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard quarantine: freed records, and on kernels without KASAN the
 * memory of the objects they describe, are held back for a while, one ring
 * per CPU, oldest out first. While a freed record is here a second free of
 * its address is recognised as a double free, with both stacks, and since
 * kmemguard still holds the memory nobody else can have been handed that
 * address in the meantime.
 *
 * What is held is bounded three ways: at most `quarantine` records per CPU
 * (0..KMG_QUARANTINE_MAX), at most KMG_QUARANTINE_BYTES of held memory per
 * CPU, and for a short time only: a ring that saw no free for
 * KMG_QUARANTINE_IDLE is emptied by a drain that runs while anything is
 * held (so idle CPUs do not hold memory forever), lowering the parameter
 * trims every ring at once, and a shrinker gives everything back under
 * memory pressure.
 *
 * Notes on locking:
 * - Each ring has a raw spinlock, taken with interrupts off: its own CPU
 *   pushes in any context (frees happen in hardirq too), the drain, the
 *   shrinker, flushes and trims take it from other CPUs. A record leaves a
 *   ring exactly once, under that lock; whoever took it out evicts it
 *   (record.c: kmg_record_evict()), with the ring lock dropped, inside an
 *   RCU read-side section that began before the record left the ring (the
 *   free path's, or the flush's own), so that synchronize_rcu() waits for
 *   evictions in flight.
 * - Lock order: ring lock, then (in the eviction, after the ring lock is
 *   dropped) a bucket lock. Never the other way.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/jiffies.h>
#include <linux/shrinker.h>
#include <linux/workqueue.h>

#include "kmg.h"

#define KMG_QUARANTINE_MAX	1024		/* slots per CPU, at most */
#define KMG_QUARANTINE_BYTES	(256 * 1024)	/* memory held per CPU */
#define KMG_QUARANTINE_IDLE	(5 * HZ)	/* then an idle ring is drained */
#define KMG_EVICT_BATCH		8

/**
 * struct kmg_qring - one CPU's quarantine of freed records
 * @lock:	protects everything below
 * @head:	index of the oldest record
 * @count:	records in the ring, at most KMG_QUARANTINE_MAX
 * @bytes:	memory the ring holds back from the allocator
 * @last_push:	jiffies of the last record taken in
 * @slot:	the records, oldest at @head
 */
struct kmg_qring {
	raw_spinlock_t lock;
	unsigned int head;
	unsigned int count;
	unsigned long bytes;
	unsigned long last_push;
	struct kmg_record *slot[KMG_QUARANTINE_MAX];
};

static struct kmg_qring __percpu *kmg_qrings;	/* set at init */
static struct delayed_work kmg_qdrain_work;
static struct shrinker *kmg_qshrinker;

static unsigned long kmg_held_size(const struct kmg_record *rec)
{
	return rec->flags & KMG_REC_HELD ? rec->size : 0;
}

/* Something is held: make sure the drain will come (a bit test). */
static void kmg_qdrain_arm(void)
{
	if (!delayed_work_pending(&kmg_qdrain_work))
		queue_delayed_work(system_unbound_wq, &kmg_qdrain_work,
				   KMG_QUARANTINE_IDLE);
}

/* Take the oldest record out of @q; ring lock held, @q not empty. */
static struct kmg_record *kmg_qring_pop(struct kmg_qring *q)
{
	struct kmg_record *old = q->slot[q->head];

	q->head = (q->head + 1) % KMG_QUARANTINE_MAX;
	q->count--;
	q->bytes -= kmg_held_size(old);
	return old;
}

/*
 * Take @rec into ring @q, first taking out (into @victims, at most
 * KMG_EVICT_BATCH) what must leave to make room: the ring never holds more
 * than it has slots, nor more than KMG_QUARANTINE_BYTES. Returns how many
 * came out; *@pushed says whether @rec went in (if not: evict and call
 * again; none out and not in: the ring is empty and `quarantine` was set
 * to 0 since the caller looked, so @rec cannot go in at all). Interrupts
 * off.
 */
static unsigned int kmg_qring_push(struct kmg_qring *q, struct kmg_record *rec,
				   struct kmg_record **victims, bool *pushed)
{
	unsigned int cap = READ_ONCE(kmg_quarantine_slots), n = 0;
	unsigned long size = kmg_held_size(rec);

	raw_spin_lock(&q->lock);
	while (q->count && n < KMG_EVICT_BATCH &&
	       (q->count >= cap || q->count >= KMG_QUARANTINE_MAX ||
		q->bytes + size > KMG_QUARANTINE_BYTES))
		victims[n++] = kmg_qring_pop(q);
	*pushed = !(q->count >= cap || q->count >= KMG_QUARANTINE_MAX ||
		    q->bytes + size > KMG_QUARANTINE_BYTES);
	if (*pushed) {
		q->slot[(q->head + q->count) % KMG_QUARANTINE_MAX] = rec;
		q->count++;
		q->bytes += size;
		q->last_push = jiffies;
		/* The ring was empty: make sure the drain will come. */
		if (q->count == 1)
			kmg_qdrain_arm();
	}
	raw_spin_unlock(&q->lock);
	return n;
}

/*
 * Take a freed record into this CPU's quarantine, with interrupts off all
 * along (the free fast path): evictions give memory back right here, which
 * only a kernel without PREEMPT_RT allows. If its memory is held
 * (KMG_REC_HELD), it goes back to the allocator when the record leaves.
 */
void __kmg_quarantine_add(struct kmg_record *rec)
{
	struct kmg_record *victims[KMG_EVICT_BATCH];
	unsigned int n;
	bool pushed;

	__this_cpu_inc(kmg_counters.c[KMG_COUNT_QUARANTINED]);
	/* (What kmg_can_hold() held: never more than KMG_QUARANTINE_OBJECT.) */
	if (unlikely(!READ_ONCE(kmg_quarantine_slots))) {
		kmg_record_evict(rec);
		return;
	}
	do {
		n = kmg_qring_push(this_cpu_ptr(kmg_qrings), rec, victims, &pushed);
		if (unlikely(!pushed && !n)) {
			/* quarantine=0 meanwhile, the ring empty: it never goes in. */
			__kmg_record_evict(rec);
			return;
		}
		while (n)
			__kmg_record_evict(victims[--n]);
	} while (!pushed);
}

/*
 * The same from any context but NMI: what leaves the ring is given back
 * with interrupts as the caller had them (PREEMPT_RT).
 */
void kmg_quarantine_add(struct kmg_record *rec)
{
	struct kmg_record *victims[KMG_EVICT_BATCH];
	unsigned long flags;
	unsigned int n;
	bool pushed;

	this_cpu_inc(kmg_counters.c[KMG_COUNT_QUARANTINED]);
	/*
	 * Memory too big to keep (a repaired vmalloc area, held only until
	 * it is given back: record.c) leaves at once instead of pushing
	 * everything else out of the ring.
	 */
	if (unlikely(!READ_ONCE(kmg_quarantine_slots) ||
		     kmg_held_size(rec) > KMG_QUARANTINE_OBJECT)) {
		kmg_record_evict(rec);
		return;
	}
	do {
		local_irq_save(flags);
		n = kmg_qring_push(this_cpu_ptr(kmg_qrings), rec, victims, &pushed);
		local_irq_restore(flags);
		if (unlikely(!pushed && !n)) {
			/* quarantine=0 meanwhile, the ring empty: it never goes in. */
			kmg_record_evict(rec);
			return;
		}
		while (n)
			kmg_record_evict(victims[--n]);
	} while (!pushed);
}

/*
 * Evict from the ring of @cpu every record @match picks (all if NULL), and,
 * with @keep, only down to @keep records (oldest first). Returns how many
 * were evicted. Context: process, may sleep.
 */
static unsigned long kmg_qring_flush(int cpu, kmg_match_fn match,
				     const void *arg, unsigned int keep)
{
	struct kmg_qring *q = per_cpu_ptr(kmg_qrings, cpu);
	struct kmg_record *batch[32], *rec;
	unsigned int i, kept, n;
	unsigned long total = 0;

	do {
		n = 0;
		/*
		 * Inside RCU, as every eviction (see kmg_quarantine_flush()),
		 * from before the batch leaves the ring: a flush preempted
		 * between the two would be waited for by no synchronize_rcu().
		 */
		rcu_read_lock();
		raw_spin_lock_irq(&q->lock);
		/* Compact the ring in place, taking out a batch. */
		for (i = 0, kept = 0; i < q->count; i++) {
			rec = q->slot[(q->head + i) % KMG_QUARANTINE_MAX];
			if (n < ARRAY_SIZE(batch) && q->count - n > keep &&
			    (!match || match(rec, arg))) {
				q->bytes -= kmg_held_size(rec);
				batch[n++] = rec;
			} else {
				q->slot[(q->head + kept++) % KMG_QUARANTINE_MAX] = rec;
			}
		}
		q->count = kept;
		raw_spin_unlock_irq(&q->lock);
		for (i = 0; i < n; i++)
			kmg_record_evict(batch[i]);
		rcu_read_unlock();
		total += n;
		cond_resched();
	} while (n == ARRAY_SIZE(batch));
	return total;
}

/*
 * Evict every quarantined record @match picks (all of them if @match is
 * NULL): a module going away, a cache being destroyed, kmemguard disabled.
 * Records another CPU took out of a ring just before may still be on
 * their way out: every eviction runs inside an RCU read-side critical
 * section (the free path's: interrupts off or rcu_read_lock(); flushes
 * take rcu_read_lock()), so a caller that needs them all gone calls
 * synchronize_rcu() and kmg_family_sync() after this.
 * Context: process, may sleep.
 */
void kmg_quarantine_flush(kmg_match_fn match, const void *arg)
{
	int cpu;

	for_each_possible_cpu(cpu)
		kmg_qring_flush(cpu, match, arg, 0);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_flush);

/* The quarantine parameter went down: every ring down to it, now. */
void kmg_quarantine_trim(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		kmg_qring_flush(cpu, NULL, NULL, READ_ONCE(kmg_quarantine_slots));
}
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_trim);

/*
 * redzone.c's on-demand check: run @fn on the records of @cpu's ring from
 * the *@pos-th (oldest first) on, under the ring lock, until it returns
 * true; then *@pos is the next one's place and the result is true. While
 * a record is in a ring its held memory is the quarantine's: no eviction
 * can give it back under the lock.
 */
bool kmg_quarantine_scan(int cpu, unsigned int *pos, kmg_scan_fn fn, void *arg)
{
	struct kmg_qring *q = per_cpu_ptr(kmg_qrings, cpu);
	unsigned int i;
	bool hit = false;

	raw_spin_lock_irq(&q->lock);
	for (i = *pos; i < q->count && !hit; i++)
		if (fn(q->slot[(q->head + i) % KMG_QUARANTINE_MAX], arg)) {
			hit = true;
			*pos = i + 1;
		}
	raw_spin_unlock_irq(&q->lock);
	return hit;
}

unsigned long kmg_quarantine_held_bytes(void)
{
	unsigned long bytes = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		bytes += READ_ONCE(per_cpu_ptr(kmg_qrings, cpu)->bytes);
	return bytes;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_held_bytes);

/*
 * Rings that took in nothing for a while give everything back. The drain
 * is armed by a free that finds it idle, and re-arms itself while anything
 * is still held: an idle machine holding nothing is never woken for it.
 */
static void kmg_qdrain(struct work_struct *work)
{
	bool more = false;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kmg_qring *q = per_cpu_ptr(kmg_qrings, cpu);

		if (READ_ONCE(q->count) &&
		    time_after(jiffies, READ_ONCE(q->last_push) + KMG_QUARANTINE_IDLE))
			kmg_qring_flush(cpu, NULL, NULL, 0);
		more |= READ_ONCE(q->count) != 0;
	}
	if (more)
		queue_delayed_work(system_unbound_wq, &kmg_qdrain_work,
				   KMG_QUARANTINE_IDLE);
}

/* === Shrinker: held memory goes back under memory pressure ================ */

static unsigned long kmg_qshrink_count(struct shrinker *s,
				       struct shrink_control *sc)
{
	unsigned long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(kmg_qrings, cpu)->count);
	return n ?: SHRINK_EMPTY;
}

static unsigned long kmg_qshrink_scan(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long freed = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kmg_qring *q = per_cpu_ptr(kmg_qrings, cpu);
		unsigned int count = READ_ONCE(q->count), keep;

		if (freed >= sc->nr_to_scan)
			break;
		keep = count > sc->nr_to_scan - freed ?
		       count - (sc->nr_to_scan - freed) : 0;
		freed += kmg_qring_flush(cpu, NULL, NULL, keep);
	}
	return freed;
}

int kmg_quarantine_init(void)
{
	int cpu;

	kmg_qrings = alloc_percpu(struct kmg_qring);
	if (!kmg_qrings)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(kmg_qrings, cpu)->lock);
	kmg_qshrinker = kmg_shrinker_alloc("kmemguard-quarantine",
					   kmg_qshrink_count, kmg_qshrink_scan);
	if (!kmg_qshrinker)
		pr_warn("no shrinker: held memory goes back only when drained\n");
	INIT_DELAYED_WORK(&kmg_qdrain_work, kmg_qdrain);
	return 0;
}

void kmg_quarantine_exit(void)
{
	cancel_delayed_work_sync(&kmg_qdrain_work);
	if (kmg_qshrinker)
		kmg_shrinker_free(kmg_qshrinker);
	kmg_quarantine_flush(NULL, NULL);
	free_percpu(kmg_qrings);
}
