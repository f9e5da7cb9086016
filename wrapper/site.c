// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard site shadows: kmemguard's own copy of each call site it has seen
 * (allocation or free), with the site's counters and its stack sampling.
 *
 * A driver's struct kmemguard_site is static data of the driver's module and
 * dies with it. Everything kmemguard keeps or prints later refers to the
 * shadow instead: file, function, line and module name are copied into it
 * when the site is first seen. A shadow lives until its module went away
 * and every record that pointed to it was reported or flushed
 * (core.c: kmg_module_going()), plus an RCU grace period for readers.
 *
 * Notes on locking:
 * - kmg_sites is an RCU list. kmg_sites_lock (raw, irq-safe: sites are first
 *   seen in any context but NMI) serialises writers: creation, and the
 *   unlinking of a gone module's shadows. Readers (debugfs "sites", module
 *   lookups) walk it under rcu_read_lock().
 * - The driver's descriptor points at its shadow through desc->shadow,
 *   published once with smp_store_release() under kmg_sites_lock and read
 *   with READ_ONCE() by the driver's own calls, which keep the module alive.
 * - Counters are per CPU and written with this_cpu ops (no lock, no shared
 *   cache line); readers sum them. The peak is folded in from the CPUs at
 *   each of a site's first KMG_PEAK_EXACT operations, then in steps of
 *   KMG_PEAK_BATCH bytes (an atomic on the site's line, once per batch, not
 *   per allocation), and at every read: exact for a rarely used site, and
 *   within KMG_PEAK_BATCH bytes per CPU for a busy one.
 * - The global allocation, free and live counts are the sites' counts
 *   summed on read (the hot path counts only per site), plus those of the
 *   shadows already freed: kmg_retired, written under kmg_sites_lock
 *   inside kmg_retire_seq, which makes a reader racing with an unload
 *   read again rather than count a module's sites twice or not at all.
 * - @gone is written once, by the module notifier, before the
 *   synchronize_rcu() that waits for operations that may still be using the
 *   module's shadows; or set at birth, under kmg_sites_lock, for a shadow
 *   made while its module's unload is being processed (kmg_going_mod).
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "kmg.h"

/* Allocations of a new site that always get a stack, whatever the sampling. */
#define KMG_FIRST_STACKS	4
/* A site's first allocations and frees fold into its peak at once. */
#define KMG_PEAK_EXACT		128
/* Frames of kmemguard's own that may sit above the driver's on a stack. */
#define KMG_STACK_SKIP_MAX	8

LIST_HEAD(kmg_sites);
static DEFINE_RAW_SPINLOCK(kmg_sites_lock);
/*
 * The module whose unload kmemguard is processing (kmg_sites_lock; one at a
 * time: core.c's kmg_going_lock()): a shadow its code makes meanwhile (a
 * timer it did not stop, at a site it never used before) is gone at birth.
 */
static struct module *kmg_going_mod;

/* The counts of shadows already freed (their module gone). */
static struct {
	unsigned long allocs, frees, ended;	/* kmg_sites_lock */
} kmg_retired;
static seqcount_raw_spinlock_t kmg_retire_seq =
	SEQCNT_RAW_SPINLOCK_ZERO(kmg_retire_seq, &kmg_sites_lock);

/*
 * Frees whose call site could not be recorded (no memory for its shadow),
 * and what a going module's call leaves behind (kmg.h: kmg_site_kept()).
 */
static DEFINE_PER_CPU(struct kmg_site_pcpu, kmg_site_unknown_pcpu);
struct kmg_site kmg_site_unknown = {
	.file		= "?",
	.func		= "?",
	.modname	= "?",
	.pcpu		= &kmg_site_unknown_pcpu,
};
EXPORT_SYMBOL_IF_KUNIT(kmg_site_unknown);

const char *kmg_site_name(const struct kmg_site *site)
{
	return site->modname;
}

/* === Creation ============================================================ */

/**
 * kmg_site_create() - the shadow of @desc, made on its first use
 * @desc:	the driver's call site
 * @gfp:	how the caller may allocate (the driver's own flags, or
 *		GFP_NOWAIT for a free)
 *
 * Context: any but NMI. Return: the shadow, or NULL if none could be made.
 */
struct kmg_site *kmg_site_create(struct kmemguard_site *desc, gfp_t gfp)
{
	size_t flen = strlen(desc->file) + 1, fnlen = strlen(desc->func) + 1;
	struct kmg_site *s, *old;
	unsigned long flags;

	if (in_nmi())
		return NULL;
	/* Never more than the caller allowed, never from the reserves. */
	gfp = (gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS)) | __GFP_NOWARN |
	      __GFP_NOMEMALLOC;
	if (!kmg_context_may_sleep())
		gfp &= ~__GFP_DIRECT_RECLAIM;
	s = kzalloc(struct_size(s, names, flen + fnlen), gfp);
	if (!s)
		return NULL;
	s->pcpu = alloc_percpu_gfp(struct kmg_site_pcpu, gfp);
	if (!s->pcpu) {
		kfree(s);
		return NULL;
	}
	memcpy(s->names, desc->file, flen);
	memcpy(s->names + flen, desc->func, fnlen);
	s->file = s->names;
	s->func = s->names + flen;
	s->line = desc->line;
	s->mod = desc->mod;
	strscpy(s->modname, desc->mod ? desc->mod->name : "kernel",
		sizeof(s->modname));
	atomic_set(&s->stacks_left, KMG_FIRST_STACKS);
	atomic_set(&s->exact_left, KMG_PEAK_EXACT);

	raw_spin_lock_irqsave(&kmg_sites_lock, flags);
	old = desc->shadow;
	if (!old) {
		if (s->mod && s->mod == kmg_going_mod)
			s->gone = true;
		/* redzone.c: under the lock, so that no rule change misses it. */
		s->rz_mode = kmg_rz_site_mode(s);
		list_add_tail_rcu(&s->node, &kmg_sites);
		/* Fully written before the driver's calls can see it. */
		smp_store_release(&desc->shadow, s);
	}
	raw_spin_unlock_irqrestore(&kmg_sites_lock, flags);
	if (old) {	/* another CPU was first */
		free_percpu(s->pcpu);
		kfree(s);
		return old;
	}
	kmg_count(KMG_COUNT_SITES);
	return s;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_site_create);

/* === Counters ============================================================ */

static void kmg_site_peak(struct kmg_site *site, long bytes)
{
	long peak = atomic_long_read(&site->peak_bytes);

	while (bytes > peak &&
	       !atomic_long_try_cmpxchg(&site->peak_bytes, &peak, bytes))
		;
}

static void kmg_site_fold(struct kmg_site *site, long delta)
{
	kmg_site_peak(site, atomic_long_add_return(delta, &site->folded));
}

/*
 * The slow half of kmg_site_live_add()/_sub() (kmg.h): this CPU's unfolded
 * bytes reached a batch, or the site is still in its first operations,
 * each folded at once. Interrupts off.
 */
void kmg_site_fold_slow(struct kmg_site *site, struct kmg_site_pcpu *c)
{
	long unfolded = c->live_bytes - c->folded_bytes;

	if (unfolded > -KMG_PEAK_BATCH && unfolded < KMG_PEAK_BATCH &&
	    !(atomic_read(&site->exact_left) > 0 &&
	      atomic_dec_if_positive(&site->exact_left) >= 0))
		return;
	kmg_site_fold(site, unfolded);
	c->folded_bytes = c->live_bytes;
}

void kmg_site_failed(struct kmg_site *site)
{
	this_cpu_inc(site->pcpu->failed);
	kmg_count(KMG_COUNT_FAILED);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_site_failed);

/* The site's counters summed over all CPUs; the sum also bumps the peak. */
void kmg_site_sum(struct kmg_site *site, struct kmg_site_sums *sums)
{
	int cpu;

	memset(sums, 0, sizeof(*sums));
	for_each_possible_cpu(cpu) {
		struct kmg_site_pcpu *c = per_cpu_ptr(site->pcpu, cpu);

		sums->live_bytes += READ_ONCE(c->live_bytes);
		sums->allocs += READ_ONCE(c->allocs);
		sums->frees += READ_ONCE(c->frees);
		sums->live -= READ_ONCE(c->ended);
		sums->failed += READ_ONCE(c->failed);
	}
	sums->live += sums->allocs - sums->frees;
	kmg_site_peak(site, sums->live_bytes);
	sums->peak_bytes = atomic_long_read(&site->peak_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_site_sum);

/* Add @site's allocation, free and ended counts to @allocs, @frees, @ended. */
static void kmg_site_add_counts(struct kmg_site *site, unsigned long *allocs,
				unsigned long *frees, unsigned long *ended)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kmg_site_pcpu *c = per_cpu_ptr(site->pcpu, cpu);

		*allocs += READ_ONCE(c->allocs);
		*frees += READ_ONCE(c->frees);
		*ended += READ_ONCE(c->ended);
	}
}

/*
 * The global allocation, free and live counts (KMG_COUNT_ALLOCS, _FREES,
 * _LIVE), summed over the sites in one walk, into @v (indexed by counter).
 */
void kmg_sites_counts(long *v)
{
	unsigned long allocs, frees, ended;
	struct kmg_site *s;
	unsigned int seq;

	rcu_read_lock();
	do {
		seq = read_seqcount_begin(&kmg_retire_seq);
		allocs = READ_ONCE(kmg_retired.allocs);
		frees = READ_ONCE(kmg_retired.frees);
		ended = READ_ONCE(kmg_retired.ended);
		list_for_each_entry_rcu(s, &kmg_sites, node)
			kmg_site_add_counts(s, &allocs, &frees, &ended);
	} while (read_seqcount_retry(&kmg_retire_seq, seq));
	rcu_read_unlock();
	v[KMG_COUNT_ALLOCS] = allocs;
	v[KMG_COUNT_FREES] = frees;
	v[KMG_COUNT_LIVE] = allocs - frees - ended;
}

/* === Stacks ============================================================== */

/* The current stack, from the driver's frame down; 0 if none is kept. */
depot_stack_handle_t kmg_stack_save(void)
{
#if KMG_HAVE_STACKDEPOT
	unsigned long entries[32 + KMG_STACK_SKIP_MAX];
	unsigned int depth = READ_ONCE(kmg_stack_depth);
	unsigned int n, skip = 0;

	if (!depth || in_nmi())
		return 0;
	/* Unwind only as deep as is kept, plus kmemguard's own frames. */
	n = stack_trace_save(entries, min_t(unsigned int, depth, 32) +
			     KMG_STACK_SKIP_MAX, 0);
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

DEFINE_PER_CPU(int, kmg_stack_countdown);

/* stack_sample changed: every CPU counts down from the new rate. */
void kmg_stack_sample_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(per_cpu(kmg_stack_countdown, cpu), 0);
}

/*
 * The slow half of kmg_stack_sample() (kmg.h): one of the site's first
 * KMG_FIRST_STACKS operations, or this CPU's countdown ran out. Takes the
 * stack, and starts the countdown again at stack_sample (0: never, after a
 * site's first ones).
 */
depot_stack_handle_t kmg_stack_sample_slow(struct kmg_site *site)
{
	unsigned int rate = READ_ONCE(kmg_stack_sample_rate);
	depot_stack_handle_t h;

	if (!(atomic_read(&site->stacks_left) > 0 &&
	      atomic_dec_if_positive(&site->stacks_left) >= 0)) {
		this_cpu_write(kmg_stack_countdown, rate ?: INT_MAX);
		if (!rate)
			return 0;
	}
	h = kmg_stack_save();
	if (h && !READ_ONCE(site->first_stack))
		cmpxchg(&site->first_stack, 0, h);
	return h;
}

/* An object with redzones: its own stack always (its report shows it). */
depot_stack_handle_t kmg_stack_always(struct kmg_site *site)
{
	depot_stack_handle_t h = KMG_SKIP(STACKS) ? 0 : kmg_stack_save();

	if (h && !READ_ONCE(site->first_stack))
		cmpxchg(&site->first_stack, 0, h);
	return h;
}

/* === Modules ============================================================= */

/* Made a tracked call (an allocation or a free), and not gone. */
bool kmg_module_tracked(struct module *mod)
{
	struct kmg_site *s;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &kmg_sites, node) {
		if (s->mod == mod && !READ_ONCE(s->gone)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_module_tracked);

/*
 * @mod is going: its shadows get no new records from now on. The caller
 * waits for a grace period before it flushes their records.
 */
void kmg_sites_module_gone(struct module *mod)
{
	struct kmg_site *s;

	raw_spin_lock_irq(&kmg_sites_lock);
	kmg_going_mod = mod;
	list_for_each_entry(s, &kmg_sites, node)
		if (s->mod == mod)
			WRITE_ONCE(s->gone, true);
	raw_spin_unlock_irq(&kmg_sites_lock);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_sites_module_gone);

static void kmg_site_free_rcu(struct rcu_head *head)
{
	struct kmg_site *s = container_of(head, struct kmg_site, rcu);

	free_percpu(s->pcpu);
	kfree(s);
}

/*
 * No record points to @mod's shadows any more: unlink them, and free them
 * once readers that may still be looking at them are done.
 */
void kmg_sites_module_release(struct module *mod)
{
	unsigned long allocs = 0, frees = 0, ended = 0;
	struct kmg_site *s, *tmp;

	/*
	 * Their counts first, outside the lock (every possible CPU's, per
	 * site): no operation counts on a gone module's shadows any more.
	 */
	rcu_read_lock();
	list_for_each_entry_rcu(s, &kmg_sites, node)
		if (s->mod == mod && READ_ONCE(s->gone))
			kmg_site_add_counts(s, &allocs, &frees, &ended);
	rcu_read_unlock();

	raw_spin_lock_irq(&kmg_sites_lock);
	write_seqcount_begin(&kmg_retire_seq);
	kmg_retired.allocs += allocs;
	kmg_retired.frees += frees;
	kmg_retired.ended += ended;
	if (kmg_going_mod == mod)
		kmg_going_mod = NULL;
	list_for_each_entry_safe(s, tmp, &kmg_sites, node) {
		if (s->mod != mod || !s->gone)
			continue;
		list_del_rcu(&s->node);
		call_rcu(&s->rcu, kmg_site_free_rcu);
		this_cpu_dec(kmg_counters.c[KMG_COUNT_SITES]);
	}
	write_seqcount_end(&kmg_retire_seq);
	raw_spin_unlock_irq(&kmg_sites_lock);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_sites_module_release);

/*
 * redzone.c: the redzone and guard rules changed; every shadow gets its
 * mode again (an allocation in flight may still use the old one).
 */
void kmg_sites_update_rz(void)
{
	struct kmg_site *s;

	raw_spin_lock_irq(&kmg_sites_lock);
	list_for_each_entry(s, &kmg_sites, node)
		WRITE_ONCE(s->rz_mode, kmg_rz_site_mode(s));
	raw_spin_unlock_irq(&kmg_sites_lock);
}

/* kmemguard is unloading: no tracked module is left; free what remains. */
void kmg_sites_exit(void)
{
	struct kmg_site *s, *tmp;

	raw_spin_lock_irq(&kmg_sites_lock);
	list_for_each_entry_safe(s, tmp, &kmg_sites, node) {
		list_del_rcu(&s->node);
		call_rcu(&s->rcu, kmg_site_free_rcu);
	}
	raw_spin_unlock_irq(&kmg_sites_lock);
	rcu_barrier();
}
