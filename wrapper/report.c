// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard report formatter: one formatter, two sinks (the kernel log and a
 * seq_file), like KFENCE's. Every report starts with a rule and the title
 * line "BUG: kmemguard: <type> in ...", names source file:line for every
 * site, and prints pointers hashed unless raw pointers were asked for.
 * Everything printed comes from kmemguard's own memory (site shadows,
 * record copies): never from a driver's module memory.
 *
 * Misuse reports end with a WARN(): it taints the kernel, shows the current
 * stack, and honours panic_on_warn exactly as the kernel's own checkers do.
 * Each (site, type) is reported once, then at most every 10 s with the
 * number of repeats in between, so a bug in a hot path cannot flood the log.
 *
 * Notes on locking:
 * - kmg_leak_report_mutex serialises leak reports, so that two modules
 *   unloading at once do not interleave their reports. Leak reports run in
 *   process context (the module notifier) and may sleep between groups.
 * - kmg_report_lock (raw, irq-safe) serialises misuse reports, which come
 *   from any context; nothing but printing happens under it. In NMI context
 *   it is only tried (the NMI may have interrupted its holder): a report
 *   from NMI may interleave with another, but never deadlocks.
 * - Reports print shadows and record copies inside the caller's RCU
 *   read-side section (see kmg.h), so a site shadow cannot go away under
 *   a report.
 */

/* Report lines carry no prefix: they start with "BUG: kmemguard: ". */
#define pr_fmt(fmt) fmt

#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/mutex.h>
#include <linux/sort.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>

#include "kmg.h"

/* Distinct allocation stacks shown per leaking site. */
#define KMG_STACKS_SHOWN	4
/* Reports per 10 s about sites without a shadow (NMI), all together. */
#define KMG_TMP_REPORTS		8

static DEFINE_MUTEX(kmg_leak_report_mutex);
static DEFINE_RAW_SPINLOCK(kmg_report_lock);

atomic_long_t kmg_bug_counts[KMG_BUG_NR];
const char *const kmg_bug_names[KMG_BUG_NR] = {
	[KMG_BUG_NONE]			= "none",
	[KMG_BUG_DOUBLE_FREE]		= "double-free",
	[KMG_BUG_INVALID_FREE]		= "invalid-free",
	[KMG_BUG_MISMATCHED_FREE]	= "mismatched-free",
	[KMG_BUG_WRONG_ORDER]		= "wrong-order",
	[KMG_BUG_WRONG_CACHE]		= "wrong-cache",
	[KMG_BUG_CACHE_NOT_EMPTY]	= "cache-not-empty",
	[KMG_BUG_SLEEP_IN_ATOMIC]	= "sleep-in-atomic",
	[KMG_BUG_NEEDLESS_ATOMIC]	= "needless-atomic",
	[KMG_BUG_NMI]			= "nmi-unsafe",
	[KMG_BUG_SLAB_OOB]		= "slab-out-of-bounds",
	[KMG_BUG_VMALLOC_OOB]		= "vmalloc-out-of-bounds",
	[KMG_BUG_UAF]			= "use-after-free",
	[KMG_BUG_DMA_FREE_IRQS_OFF]	= "dma-free-irqs-off",
	[KMG_BUG_WRONG_POOL]		= "wrong-pool",
};

static const char *const kmg_context_names[KMG_CTX_NR] = {
	[KMG_CTX_TASK]		= "task",
	[KMG_CTX_SOFTIRQ]	= "softirq",
	[KMG_CTX_HARDIRQ]	= "hardirq",
	[KMG_CTX_NMI]		= "nmi",
};

const char *kmg_context_name(enum kmg_context ctx)
{
	return ctx < KMG_CTX_NR ? kmg_context_names[ctx] : "?";
}

static const char *kmg_api_name(enum kmg_free_api api)
{
	return api < KMG_FREE_NR ? kmg_free_api_names[api] : "?";
}

void kmg_printf(struct kmg_sink *sink, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	if (sink && sink->seq) {
		seq_vprintf(sink->seq, fmt, args);
	} else {
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_err("%pV", &vaf);
	}
	va_end(args);
}

/* Hashed unless root asked for raw pointers (debugfs control). */
static void kmg_format_ptr(char *buf, size_t len, unsigned long addr,
			   bool raw)
{
	if (raw || READ_ONCE(kmg_raw_pointers))
		snprintf(buf, len, "%px", (void *)addr);
	else
		snprintf(buf, len, "%p", (void *)addr);
}

static void kmg_print_stack(struct kmg_sink *sink, depot_stack_handle_t h)
{
#if KMG_HAVE_STACKDEPOT
	unsigned long *entries;
	unsigned int i, n;

	n = h ? stack_depot_fetch(h, &entries) : 0;
	if (!n) {
		kmg_printf(sink, "  (no stack saved)\n");
		return;
	}
	for (i = 0; i < n; i++)
		kmg_printf(sink, "  %pS\n", (void *)entries[i]);
#else
	kmg_printf(sink, "  (no stack depot in this kernel)\n");
#endif
}

/* One object: the line "debugfs allocations" shows and reports reuse. */
void kmg_print_record(struct kmg_sink *sink, const struct kmg_record *rec,
		      bool with_stack)
{
	const struct kmg_site *site = rec->site;
	u64 now = get_jiffies_64();
	unsigned int age_ms = jiffies_to_msecs(now > rec->when ? now - rec->when : 0);
	gfp_t gfp = rec->gfp;
	char ptr[24], line[320];
	int n;

	kmg_format_ptr(ptr, sizeof(ptr), rec->addr, sink->raw);
	n = scnprintf(line, sizeof(line), "%s size=%lu %s%s order=%u module=%s",
		      ptr, rec->size, kmg_fam(rec->family)->name,
		      rec->flags & KMG_REC_KV ? "(kv)" : "", kmg_record_order(rec),
		      site->modname);
	/* The family's own facts (a DMA allocation's device). */
	if (kmg_fam(rec->family)->describe)
		n += kmg_fam(rec->family)->describe(rec, line + n,
						    sizeof(line) - n);
	if (rec->flags & KMG_REC_FREED) {
		/* A freed record keeps the free's site instead of gfp and time. */
		kmg_printf(sink, "%s site=%s:%u func=%s freed at %s:%u\n", line,
			   site->file, site->line, site->func,
			   rec->free_site->file, rec->free_site->line);
		if (with_stack)
			kmg_print_stack(sink, rec->stack ?: site->first_stack);
		return;
	}
	n += scnprintf(line + n, sizeof(line) - n, " site=%s:%u func=%s gfp=%pGg%s",
		       site->file, site->line, site->func, &gfp,
		       rec->flags & KMG_REC_REPAIRED ? "(repaired)" : "");
	n += scnprintf(line + n, sizeof(line) - n, " ctx=%s pid=%d age=%u.%03us",
		       kmg_context_name(rec->ctx), rec->pid,
		       age_ms / 1000, age_ms % 1000);
	/* Listings only: the allocation time, for "since a mark" (stats). */
	if (sink->seq)
		scnprintf(line + n, sizeof(line) - n, " time=%llu",
			  jiffies64_to_nsecs(rec->when));
	kmg_printf(sink, "%s\n", line);
	if (with_stack)
		kmg_print_stack(sink, rec->stack ?: site->first_stack);
}

void kmg_print_site_header(struct kmg_sink *sink)
{
	kmg_printf(sink, "kmemguard sites - version: 1.0\n");
	kmg_printf(sink, "# <live> <live_bytes> <peak_bytes> <allocs> <frees> <failed> %s\n",
		   "<module> <file>:<line> <function>");
}

void kmg_print_site(struct kmg_sink *sink, struct kmg_site *site)
{
	struct kmg_site_sums s;

	kmg_site_sum(site, &s);
	kmg_printf(sink, "%ld %ld %ld %lu %lu %lu %s %s:%u %s\n",
		   s.live, s.live_bytes, s.peak_bytes, s.allocs, s.frees,
		   s.failed, site->modname, site->file, site->line, site->func);
}

/* === Leak reports ======================================================= */

static int kmg_leak_cmp(const void *a, const void *b)
{
	const struct kmg_record *ra = *(const struct kmg_record **)a;
	const struct kmg_record *rb = *(const struct kmg_record **)b;
	int d;

	if (ra->site != rb->site) {
		d = strcmp(ra->site->file, rb->site->file);
		if (d)
			return d;
		if (ra->site->line != rb->site->line)
			return ra->site->line < rb->site->line ? -1 : 1;
		return ra->site < rb->site ? -1 : 1;
	}
	/* Within a site: by stack, objects without one of their own last. */
	if (ra->stack != rb->stack) {
		if (!ra->stack || !rb->stack)
			return ra->stack ? -1 : 1;
		return ra->stack < rb->stack ? -1 : 1;
	}
	if (ra->addr != rb->addr)
		return ra->addr < rb->addr ? -1 : 1;
	return 0;
}

/*
 * Sort leaked records so that each call site's records are contiguous, sites
 * in file:line order, and within a site by stack; return how many sites
 * there are.
 */
unsigned long kmg_leak_sort(struct kmg_record **recs, unsigned long n)
{
	unsigned long i, sites = 0;

	sort(recs, n, sizeof(*recs), kmg_leak_cmp, NULL);
	for (i = 0; i < n; i++)
		if (!i || recs[i]->site != recs[i - 1]->site)
			sites++;
	return sites;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_leak_sort);

/*
 * One group: every leaked object of one allocation site, then its stacks,
 * each with the number of objects allocated from it (as ref_tracker groups
 * leaks). Objects allocated while stacks were not sampled show the stack
 * captured at the site instead, and say so.
 */
static void kmg_report_leak_group(struct kmg_record **recs, unsigned long n)
{
	const struct kmg_site *site = recs[0]->site;
	unsigned long i, start, bytes = 0, shown, stacks = 0;
	struct kmg_sink sink = {};

	for (i = 0; i < n; i++)
		bytes += recs[i]->size;
	shown = min_t(unsigned long, n, READ_ONCE(kmg_report_objects));
	kmg_printf(&sink, "\n");
	kmg_printf(&sink, "leaked from %s:%u in %s(): %lu object%s, %lu bytes\n",
		   site->file, site->line, site->func, n, n == 1 ? "" : "s",
		   bytes);
	for (i = 0; i < shown; i++)
		kmg_print_record(&sink, recs[i], false);
	if (n > shown)
		kmg_printf(&sink, "... and %lu more object%s from this site\n",
			   n - shown, n - shown == 1 ? "" : "s");
	for (start = 0, i = 1; i <= n; i++) {
		if (i < n && recs[i]->stack == recs[start]->stack)
			continue;
		if (!recs[start]->stack) {
			kmg_printf(&sink, "%lu object%s without a stack of %s own (not sampled)\n",
				   i - start, i - start == 1 ? "" : "s",
				   i - start == 1 ? "its" : "their");
			kmg_printf(&sink, "a stack taken at this site:\n");
			kmg_print_stack(&sink, site->first_stack);
		} else if (stacks++ < KMG_STACKS_SHOWN) {
			kmg_printf(&sink, "allocation stack (%lu object%s):\n",
				   i - start, i - start == 1 ? "" : "s");
			kmg_print_stack(&sink, recs[start]->stack);
		}
		start = i;
	}
	if (stacks > KMG_STACKS_SHOWN)
		kmg_printf(&sink, "... and %lu more allocation stacks\n",
			   stacks - KMG_STACKS_SHOWN);
}

/* Leaks that follow from injected failures say so. */
static void kmg_report_injected(struct kmg_sink *sink, struct module *mod)
{
	char last[160];
	unsigned long n = kmg_fault_injected_into(mod->name, last, sizeof(last));

	if (n)
		kmg_printf(sink, "after %lu injected failure%s, the last at %s\n",
			   n, n == 1 ? "" : "s", last);
}

/*
 * Report the records @mod still held when it unloaded, grouped by call site,
 * and free them. Context: process (module notifier), may sleep.
 */
void kmg_report_leaks(struct module *mod, struct kmg_record *leaked,
		      unsigned long count)
{
	struct kmg_sink sink = {};
	struct kmg_record **recs, *rec, *next;
	unsigned long i, start, bytes = 0, sites = 0;
	char line[160];
	int n;

	if (!count)
		return;
	recs = kvmalloc_array(count, sizeof(*recs), GFP_KERNEL);
	for (i = 0, rec = leaked; rec; rec = rec->next, i++) {
		bytes += rec->size;
		if (recs)
			recs[i] = rec;
	}
	if (recs)
		sites = kmg_leak_sort(recs, count);

	mutex_lock(&kmg_leak_report_mutex);
	kmg_printf(&sink, "==================================================================\n");
	kmg_printf(&sink, "BUG: kmemguard: memory-leak in %s\n", mod->name);
	n = scnprintf(line, sizeof(line), "module %s unloaded with %lu object%s",
		      mod->name, count, count == 1 ? "" : "s");
	scnprintf(line + n, sizeof(line) - n,
		  " (%lu bytes) not freed, from %lu call site%s",
		  bytes, sites, sites == 1 ? "" : "s");
	kmg_printf(&sink, "%s\n", line);
	kmg_report_injected(&sink, mod);
	if (recs) {
		for (start = 0, i = 1; i <= count; i++) {
			if (i < count && recs[i]->site == recs[start]->site)
				continue;
			kmg_report_leak_group(recs + start, i - start);
			start = i;
			cond_resched();
		}
	} else {
		kmg_printf(&sink, "(no memory to group the report by site)\n");
	}
	kmg_printf(&sink, "==================================================================\n");
	mutex_unlock(&kmg_leak_report_mutex);

	kmg_count(KMG_COUNT_LEAK_REPORTS);
	kmg_count_add(KMG_COUNT_LEAKED_OBJECTS, count);
	kvfree(recs);
	/* A module may leave millions behind: let others run meanwhile. */
	for (i = 0, rec = leaked; rec; rec = next, i++) {
		next = rec->next;
		kmg_record_put(rec);
		if (!(i & 1023))
			cond_resched();
	}
}

/* === Misuse reports ===================================================== */

/*
 * Whether to print a report of @bug at @site now: the first one always,
 * then at most one per 10 s for the same (site, type), counting the rest.
 */
static bool kmg_report_allowed(struct kmg_site *site, enum kmg_bug bug,
			       int *repeats)
{
	static unsigned long kmg_tmp_window;		/* cmpxchg */
	static atomic_t kmg_tmp_reports;
	unsigned long now = jiffies, last = READ_ONCE(site->report_time);

	atomic_long_inc(&kmg_bug_counts[bug]);
	/*
	 * Sites with no shadow of their own (NMI: a copy on the stack, new at
	 * every call) share one limit: KMG_TMP_REPORTS per 10 s.
	 */
	if (unlikely(!site->pcpu)) {
		last = READ_ONCE(kmg_tmp_window);
		if ((!last || time_after_eq(now, last + 10 * HZ)) &&
		    cmpxchg(&kmg_tmp_window, last, now ?: 1) == last)
			atomic_set(&kmg_tmp_reports, 0);
		*repeats = 0;
		if (atomic_inc_return(&kmg_tmp_reports) > KMG_TMP_REPORTS) {
			kmg_count(KMG_COUNT_REPORTS_SUPPRESSED);
			return false;
		}
		return true;
	}
	if (last && READ_ONCE(site->report_type) == bug &&
	    time_before(now, last + 10 * HZ)) {
		atomic_inc(&site->report_repeats);
		kmg_count(KMG_COUNT_REPORTS_SUPPRESSED);
		return false;
	}
	if (cmpxchg(&site->report_time, last, now ?: 1) != last) {
		atomic_inc(&site->report_repeats);	/* another CPU reports */
		kmg_count(KMG_COUNT_REPORTS_SUPPRESSED);
		return false;
	}
	WRITE_ONCE(site->report_type, bug);
	*repeats = atomic_xchg(&site->report_repeats, 0);
	return true;
}

/*
 * The report lock; only tried in NMI context. Returns whether it is held.
 * (Sparse sees it taken either way: __acquire()/__release() balance the
 * path where the trylock failed.)
 */
static bool kmg_report_lock_get(unsigned long *flags)
	__acquires(&kmg_report_lock)
{
	if (!in_nmi()) {
		raw_spin_lock_irqsave(&kmg_report_lock, *flags);
		return true;
	}
	if (raw_spin_trylock_irqsave(&kmg_report_lock, *flags))
		return true;
	__acquire(&kmg_report_lock);
	return false;
}

static void kmg_report_lock_put(bool locked, unsigned long flags)
	__releases(&kmg_report_lock)
{
	if (locked)
		raw_spin_unlock_irqrestore(&kmg_report_lock, flags);
	else
		__release(&kmg_report_lock);
}

static void kmg_report_title(struct kmg_sink *sink, enum kmg_bug bug,
			     const struct kmg_site *site, int repeats)
{
	kmg_printf(sink, "==================================================================\n");
	kmg_printf(sink, "BUG: kmemguard: %s in %s [%s]\n", kmg_bug_names[bug],
		   site->func, site->modname);
	if (repeats)
		kmg_printf(sink, "(%d more at this site since the last report)\n",
			   repeats);
}

/* The calling context, read before kmg_report_lock changes it. */
struct kmg_report_ctx {
	unsigned int preempt_count;
	bool irqs_disabled;
};

static void kmg_report_ctx_get(struct kmg_report_ctx *c)
{
	c->preempt_count = preempt_count();
	c->irqs_disabled = irqs_disabled();
}

/* The task the current context runs in, if it has one of its own. */
static struct task_struct *kmg_report_task_of_context(void)
{
	return kmg_context_has_task(kmg_current_context()) ? current : NULL;
}

static void kmg_report_task(struct kmg_sink *sink,
			    const struct kmg_report_ctx *c)
{
	struct task_struct *t = kmg_report_task_of_context();

	kmg_printf(sink, "task %d (%s), %s context, preempt_count %#x, irqs %s\n",
		   t ? task_pid_nr(t) : 0, t ? t->comm : "-",
		   kmg_context_name(kmg_current_context()), c->preempt_count,
		   c->irqs_disabled ? "disabled" : "enabled");
}

/* End of a misuse report: the current stack, taint, panic_on_warn. */
static noinline void kmg_report_end(enum kmg_bug bug,
				    const struct kmg_site *site)
{
	WARN(1, "kmemguard: %s in %s [%s] at %s:%u\n", kmg_bug_names[bug],
	     site->func, site->modname, site->file, site->line);
}

/* How a freed record was allocated and first freed. */
static void kmg_print_freed(struct kmg_sink *sink, const struct kmg_record *rec)
{
	const struct kmg_site *fs = rec->free_site;

	kmg_printf(sink, "allocated by %s at %s:%u in %s(), %lu bytes, task %d:\n",
		   kmg_fam(rec->family)->name, rec->site->file,
		   rec->site->line, rec->site->func, rec->size, rec->pid);
	kmg_print_stack(sink, rec->stack ?: rec->site->first_stack);
	if (!rec->stack)
		kmg_printf(sink, "  (a stack taken at that site: this object's was not sampled)\n");
	kmg_printf(sink, "first freed at %s:%u in %s():\n", fs->file, fs->line,
		   fs->func);
	if (rec->free_stack)
		kmg_print_stack(sink, rec->free_stack);
	else
		kmg_printf(sink, "  (not sampled; stack_sample=1 keeps every free's stack)\n");
}

/*
 * A bad free at @site of @p through @call; @rec: the object it concerns, a
 * copy (live, or freed for a double free), or NULL.
 */
void kmg_report_free(enum kmg_bug bug, struct kmg_site *site,
		     const struct kmg_free_call *call, const void *p,
		     const struct kmg_record *rec)
{
	const char *api = kmg_api_name(call->api);
	struct kmg_report_ctx ctx;
	struct kmg_sink sink = {};
	unsigned long flags;
	char ptr[24], why[160] = "";
	const char *left = NULL;
	int repeats;
	bool locked;

	if (!kmg_report_allowed(site, bug, &repeats))
		return;
	kmg_report_ctx_get(&ctx);
	kmg_format_ptr(ptr, sizeof(ptr), (unsigned long)p, false);
	/* (In the free's context: the report's lock turns interrupts off.) */
	if (rec && bug != KMG_BUG_DOUBLE_FREE && bug != KMG_BUG_INVALID_FREE)
		left = kmg_unrepaired(rec, call->api);
	locked = kmg_report_lock_get(&flags);
	kmg_report_title(&sink, bug, site, repeats);
	switch (bug) {
	case KMG_BUG_DOUBLE_FREE:
		kmg_printf(&sink, "%s of %s at %s:%u: freed before; refused\n",
			   api, ptr, site->file, site->line);
		if (rec)
			kmg_print_freed(&sink, rec);
		else	/* mempool.c: found in its pool's reserve */
			kmg_printf(&sink, "it is in the reserve of pool %p: given back before\n",
				   call->pool);
		break;
	case KMG_BUG_INVALID_FREE:
		if (rec) {
			kmg_printf(&sink, "%s of %s at %s:%u: %lu bytes into an object; refused\n",
				   api, ptr, site->file, site->line,
				   (unsigned long)p - rec->addr);
			kmg_printf(&sink, "the object:\n");
			kmg_print_record(&sink, rec, true);
		} else if (call->api == KMG_FREE_PUT_PAGE) {
			/* wrappers.c: the page's memory is the slab's objects. */
			kmg_printf(&sink, "%s of %s at %s:%u: %s; refused\n",
				   api, ptr, site->file, site->line,
				   "the last reference of a slab page");
		} else if (call->api == KMG_FREE_PERCPU) {
			/* check.c: what certainly is no per-CPU pointer. */
			kmg_printf(&sink, "%s of %s at %s:%u: not per-CPU memory (%s); refused\n",
				   api, ptr, site->file, site->line,
				   object_is_on_stack(p) ? "a stack address" :
				   is_vmalloc_addr(p) ? "vmalloc memory" :
				   "slab memory");
		} else {
			kmg_printf(&sink, "%s of %s at %s:%u: not heap memory (%s); refused\n",
				   api, ptr, site->file, site->line,
				   object_is_on_stack(p) ? "a stack address" :
				   virt_addr_valid(p) ? "kernel image or page" :
				   "module data or unmapped");
		}
		break;
	case KMG_BUG_MISMATCHED_FREE:
		if ((kmg_fam(rec->family)->frees & BIT(call->api)) &&
		    kmg_fam(rec->family)->check_free) {
			/* The right call, other arguments (DMA). */
			kmg_fam(rec->family)->check_free(rec, call, why,
							 sizeof(why));
			kmg_printf(&sink, "%s at %s:%u with another%s; %s\n",
				   api, site->file, site->line, why,
				   left ?: "freed as allocated");
		} else if (call->api == KMG_FREE_KREALLOC ||
			   call->api == KMG_FREE_KVREALLOC ||
			   call->api == KMG_FREE_DEVM_KREALLOC) {
			/*
			 * devm_krealloc() of devm memory: another device's,
			 * kept in place if it fits in the record (@call->len).
			 */
			bool other = kmg_fam(rec->family)->frees & BIT(call->api);

			kmg_printf(&sink, "%s of %s%s memory at %s:%u; %s\n",
				   api, other ? "another device's " : "",
				   kmg_fam(rec->family)->name, site->file,
				   site->line, other && call->len <= rec->size ?
				   "kept in place (it fits)" :
				   "refused (NULL returned)");
		} else if (left) {
			kmg_printf(&sink, "%s of %s memory at %s:%u; %s\n",
				   api, kmg_fam(rec->family)->name, site->file,
				   site->line, left);
		} else {
			kmg_printf(&sink, "%s of %s memory at %s:%u; freed with %s instead\n",
				   api, kmg_fam(rec->family)->name, site->file,
				   site->line, kmg_fam(rec->family)->free_call);
		}
		kmg_print_record(&sink, rec, true);
		break;
	case KMG_BUG_WRONG_ORDER:
		kmg_printf(&sink, "%s order %u at %s:%u; allocated with order %u, freed so\n",
			   api, call->order, site->file, site->line, rec->order);
		kmg_print_record(&sink, rec, true);
		break;
	case KMG_BUG_WRONG_CACHE:
		kmg_printf(&sink, "%s to cache %p at %s:%u; freed to its own cache %p\n",
			   api, call->cache, site->file, site->line, rec->owner);
		kmg_print_record(&sink, rec, true);
		break;
	case KMG_BUG_WRONG_POOL:
		if (kmg_fam(rec->family)->check_free) {
			/* dmapool.c: the family names the pools. */
			kmg_fam(rec->family)->check_free(rec, call, why,
							 sizeof(why));
			kmg_printf(&sink, "%s at %s:%u to another%s; freed to its own pool\n",
				   api, site->file, site->line, why);
		} else {
			kmg_printf(&sink, "%s to pool %p at %s:%u; its own pool is %p: %s\n",
				   api, call->pool, site->file, site->line,
				   rec->owner,
				   left ?: "freed there");
		}
		kmg_print_record(&sink, rec, true);
		break;
	default:
		break;
	}
	kmg_report_task(&sink, &ctx);
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_lock_put(locked, flags);
	kmg_report_end(bug, site);
}

/* What kmemguard did about an allocation it reports. */
static const char *const kmg_verdict_text[] = {
	[KMG_ALLOC_OK]		= "",
	[KMG_ALLOC_REPAIRED]	= "run without its blocking flags, as",
	[KMG_ALLOC_REFUSED]	= "refused: NULL returned",
	[KMG_ALLOC_DEFERRED]	= "deferred to a work item, where it may sleep",
};

/*
 * An allocation that may sleep, made where it must not, or one that cannot
 * run here at all (NMI, PREEMPT_RT with preemption off); or a hint.
 */
void kmg_report_alloc(enum kmg_bug bug, struct kmg_site *site, gfp_t gfp,
		      gfp_t run, enum kmg_alloc_verdict verdict, const char *call)
{
	struct kmg_report_ctx ctx;
	struct kmg_sink sink = {};
	unsigned int depth;
	unsigned long flags;
	int repeats;
	bool locked;

	if (!kmg_report_allowed(site, bug, &repeats))
		return;
	kmg_report_ctx_get(&ctx);
	depth = ctx.preempt_count & PREEMPT_MASK;
	locked = kmg_report_lock_get(&flags);
	kmg_report_title(&sink, bug, site, repeats);
	if (bug == KMG_BUG_NEEDLESS_ATOMIC) {
		kmg_printf(&sink, "%s with gfp=%pGg at %s:%u could sleep: use GFP_KERNEL\n",
			   call, &gfp, site->file, site->line);
	} else if (bug == KMG_BUG_NMI) {
		kmg_printf(&sink, "%s with gfp=%pGg at %s:%u in NMI context:\n",
			   call, &gfp, site->file, site->line);
		kmg_printf(&sink, "the allocators are not NMI-safe; kmemguard: %s\n",
			   kmg_verdict_text[KMG_ALLOC_REFUSED]);
	} else {
		kmg_printf(&sink, "%s with gfp=%pGg at %s:%u %s:\n", call, &gfp,
			   site->file, site->line,
			   verdict == KMG_ALLOC_REPAIRED || !IS_ENABLED(CONFIG_PREEMPT_RT) ||
			   !strcmp(call, "vmalloc()") ?
			   "may sleep, but must not here" :
			   "is not allowed here on PREEMPT_RT, not even atomic");
		if (in_hardirq())
			kmg_printf(&sink, "  in hardirq\n");
		if (in_serving_softirq())
			kmg_printf(&sink, "  in softirq\n");
		else if (softirq_count())
			kmg_printf(&sink, "  bottom halves disabled\n");
		if (depth)
			kmg_printf(&sink, "  preemption disabled (depth %u: spinlock, ...)\n",
				   depth);
		if (ctx.irqs_disabled)
			kmg_printf(&sink, "  interrupts disabled\n");
		if (rcu_preempt_depth())
			kmg_printf(&sink, "  inside rcu_read_lock() (depth %d)\n",
				   rcu_preempt_depth());
		if (verdict == KMG_ALLOC_REPAIRED)
			kmg_printf(&sink, "kmemguard: %s gfp=%pGg\n",
				   kmg_verdict_text[verdict], &run);
		else
			kmg_printf(&sink, "kmemguard: %s\n", kmg_verdict_text[verdict]);
	}
	kmg_report_task(&sink, &ctx);
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_lock_put(locked, flags);
	kmg_report_end(bug, site);
}

/*
 * A free made where its allocator forbids it, per report type: where it was
 * (after "<free>() of <pointer> at <file>:<line>"), why that is a bug, and
 * what kmemguard did instead: deferred it, or left the memory allocated.
 */
static const struct {
	const char *where, *why, *deferred, *left;
} kmg_free_ctx_text[KMG_BUG_NR] = {
	[KMG_BUG_NMI] = {
		"in NMI context:", "the allocators are not NMI-safe; ",
		"deferred to an irq_work", "no room to defer it: left allocated",
	},
	[KMG_BUG_DMA_FREE_IRQS_OFF] = {
		"with interrupts off (the DMA API forbids it)", "",
		"the free is done from a work item",
		"left allocated (no safe way to free it from here)",
	},
};

/*
 * A free in a context its allocator forbids (@bug: KMG_BUG_NMI or
 * KMG_BUG_DMA_FREE_IRQS_OFF): @deferred, or left allocated.
 */
void kmg_report_free_context(enum kmg_bug bug, struct kmg_site *site,
			     const struct kmg_free_call *call, const void *p,
			     bool deferred)
{
	const typeof(kmg_free_ctx_text[0]) *t = &kmg_free_ctx_text[bug];
	struct kmg_report_ctx ctx;
	struct kmg_sink sink = {};
	unsigned long flags;
	char ptr[24];
	int repeats;
	bool locked;

	if (!kmg_report_allowed(site, bug, &repeats))
		return;
	kmg_report_ctx_get(&ctx);
	kmg_format_ptr(ptr, sizeof(ptr), (unsigned long)p, false);
	locked = kmg_report_lock_get(&flags);
	kmg_report_title(&sink, bug, site, repeats);
	kmg_printf(&sink, "%s of %s at %s:%u %s\n", kmg_api_name(call->api),
		   ptr, site->file, site->line, t->where);
	kmg_printf(&sink, "%skmemguard: %s\n", t->why,
		   deferred ? t->deferred : t->left);
	kmg_report_task(&sink, &ctx);
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_lock_put(locked, flags);
	kmg_report_end(bug, site);
}

/* kmem_cache_destroy() with @n objects still live; @live holds @shown. */
void kmg_report_cache_not_empty(struct kmg_site *site, const char *call,
				const void *s, struct kmg_record *live,
				unsigned long n, unsigned long shown)
{
	struct kmg_report_ctx ctx;
	struct kmg_sink sink = {};
	unsigned long i;
	int repeats;

	if (!kmg_report_allowed(site, KMG_BUG_CACHE_NOT_EMPTY, &repeats))
		return;
	kmg_report_ctx_get(&ctx);
	/* Process context: may print at length without kmg_report_lock. */
	kmg_report_title(&sink, KMG_BUG_CACHE_NOT_EMPTY, site, repeats);
	kmg_printf(&sink, "%s(%p) at %s:%u: %lu object%s live; %s kept\n",
		   call, s, site->file, site->line, n, n == 1 ? "" : "s",
		   strstr(call, "pool") ? "pool" : "cache");
	for (i = 0; i < shown; i++) {
		kmg_printf(&sink, "live object allocated at %s:%u:\n",
			   live[i].site->file, live[i].site->line);
		kmg_print_record(&sink, &live[i], true);
	}
	/* (None shown: dmapool.c's work item and devres, or no memory.) */
	if (n > shown && shown)
		kmg_printf(&sink, "... and %lu more\n", n - shown);
	kmg_report_task(&sink, &ctx);
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_end(KMG_BUG_CACHE_NOT_EMPTY, site);
}

/* === Memory corruption (redzone.c, guard.c) ============================= */

/* An object's allocation and, once freed, its free, with their stacks. */
static void kmg_print_object(struct kmg_sink *sink, const struct kmg_record *rec)
{
	const struct kmg_site *fs = rec->free_site;

	kmg_printf(sink, "allocated by %s at %s:%u in %s(), %lu bytes, task %d:\n",
		   kmg_fam(rec->family)->name, rec->site->file, rec->site->line,
		   rec->site->func, rec->size, rec->pid);
	kmg_print_stack(sink, rec->stack ?: rec->site->first_stack);
	if (!(rec->flags & KMG_REC_FREED))
		return;
	kmg_printf(sink, "freed at %s:%u in %s():\n", fs->file, fs->line, fs->func);
	if (rec->free_stack)
		kmg_print_stack(sink, rec->free_stack);
	else
		kmg_printf(sink, "  (no stack saved)\n");
}

/*
 * The bytes around the first bad one, as KFENCE shows them: from it on,
 * each bad byte in hex and each good one as '.'; then a hex dump.
 */
static void kmg_print_corruption(struct kmg_sink *sink,
				 const struct kmg_rz_finding *f)
{
	char line[128], ptr[24];
	long i, at = f->first - f->dump_off;
	int n = 0;

	kmg_format_ptr(ptr, sizeof(ptr), f->rec.addr + f->first, false);
	for (i = at; i < f->dump_len && i < at + 16; i++) {
		if (f->good & BIT(i))
			n += scnprintf(line + n, sizeof(line) - n, " .");
		else
			n += scnprintf(line + n, sizeof(line) - n, " 0x%02x",
				       f->dump[i]);
	}
	kmg_printf(sink, "corrupted memory at %s [%s ] (offset %ld of the object)\n",
		   ptr, line, f->first);
	kmg_printf(sink, "memory around it (offsets from the object's start; %s %02x):\n",
		   f->bug == KMG_BUG_UAF ? "poison" : "redzone", f->pattern);
	for (i = 0; i < f->dump_len; i += 16) {
		hex_dump_to_buffer(f->dump + i, min_t(long, 16, f->dump_len - i),
				   16, 1, line, sizeof(line), false);
		kmg_printf(sink, "  %+5ld: %s\n", f->dump_off + i, line);
	}
}

/**
 * kmg_report_corruption() - a redzone or poison was found overwritten
 * @f: what, where, and the object's record
 *
 * Context: any but NMI; the caller holds no bucket or ring lock and is
 * inside an RCU read-side section (the record names sites).
 */
void kmg_report_corruption(const struct kmg_rz_finding *f)
{
	const struct kmg_record *rec = &f->rec;
	struct kmg_site *site = rec->site;
	const struct kmg_site *fs = rec->free_site;
	struct kmg_report_ctx ctx;
	struct kmg_sink sink = {};
	unsigned long flags, n;
	char found[160], obj[160];
	int repeats;
	bool locked;

	if (!kmg_report_allowed(site, f->bug, &repeats))
		return;
	kmg_report_ctx_get(&ctx);
	if (f->at)
		scnprintf(found, sizeof(found), "found %s at %s:%u", f->when,
			  f->at->file, f->at->line);
	else
		scnprintf(found, sizeof(found), "found %s", f->when);
	scnprintf(obj, sizeof(obj), "the %lu-byte object allocated at %s:%u",
		  f->bug == KMG_BUG_UAF || f->first < 0 ? rec->size : f->usable,
		  site->file, site->line);
	if (f->bug == KMG_BUG_UAF)
		n = f->bad;
	else if (f->first < 0)
		n = -f->first;
	else
		n = f->last - f->usable + 1;
	locked = kmg_report_lock_get(&flags);
	kmg_report_title(&sink, f->bug, site, repeats);
	if (f->bug == KMG_BUG_UAF)
		kmg_printf(&sink, "%lu byte%s of %s written after it was freed at %s:%u, %s\n",
			   n, n == 1 ? "" : "s", obj, fs->file, fs->line, found);
	else
		kmg_printf(&sink, "%lu byte%s written %s %s, %s\n", n,
			   n == 1 ? "" : "s", f->first < 0 ? "before" : "past",
			   obj, found);
	kmg_print_corruption(&sink, f);
	kmg_print_object(&sink, rec);
	kmg_report_task(&sink, &ctx);
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_lock_put(locked, flags);
	kmg_report_end(f->bug, site);
}

/**
 * kmg_report_guard_fault() - an access to a guarded object faulted
 * @bug:	KMG_BUG_SLAB_OOB (a guard page) or KMG_BUG_UAF (a freed one)
 * @rec:	the object's record, or NULL if kmemguard lost track of it
 * @addr:	the address accessed
 * @obj:	the object's start
 * @size:	its size
 * @write:	a write, not a read
 * @regs:	where the access faulted
 *
 * Printed before the kernel's oops, from the page fault (guard.c); never
 * rate-limited: the oops follows. Context: any, in a page fault.
 */
void kmg_report_guard_fault(enum kmg_bug bug, const struct kmg_record *rec,
			    unsigned long addr, unsigned long obj, size_t size,
			    bool write, struct pt_regs *regs)
{
	struct kmg_site *site = rec ? rec->site : &kmg_site_unknown;
	long off = (long)(addr - obj);
	struct kmg_sink sink = {};
	char func[KSYM_SYMBOL_LEN + MODULE_NAME_LEN + 4], ptr[24], where[64];
	char freed[96] = "", what[160];
	struct task_struct *task;
	unsigned long flags;
	bool locked;

	atomic_long_inc(&kmg_bug_counts[bug]);
	/* "function [module]", as the other reports' titles. */
	sprint_symbol_no_offset(func, instruction_pointer(regs));
	if (!strchr(func, '['))
		scnprintf(func + strlen(func), sizeof(func) - strlen(func),
			  " [%s]", site->modname);
	kmg_format_ptr(ptr, sizeof(ptr), addr, false);
	if (off < 0)
		scnprintf(where, sizeof(where), "%ld bytes before its start", -off);
	else if (off >= (long)size)
		scnprintf(where, sizeof(where), "%ld bytes past its end",
			  off - (long)size);
	else
		scnprintf(where, sizeof(where), "inside it");
	if (rec && (rec->flags & KMG_REC_FREED))
		scnprintf(freed, sizeof(freed), ", freed at %s:%u",
			  rec->free_site->file, rec->free_site->line);
	if (rec)
		scnprintf(what, sizeof(what), "the %zu-byte object allocated at %s:%u%s",
			  size, rec->site->file, rec->site->line, freed);
	else
		scnprintf(what, sizeof(what),
			  "a %zu-byte guarded object kmemguard no longer tracks",
			  size);
	locked = kmg_report_lock_get(&flags);
	kmg_printf(&sink, "==================================================================\n");
	kmg_printf(&sink, "BUG: kmemguard: %s in %s\n", kmg_bug_names[bug], func);
	kmg_printf(&sink, "%s at %s, offset %ld (%s) of %s\n",
		   write ? "write" : "read", ptr, off, where, what);
	kmg_printf(&sink, "a guarded object: the access faulted at once, at %pS\n",
		   (void *)instruction_pointer(regs));
	if (rec)
		kmg_print_object(&sink, rec);
	/* The access's context: this runs in the fault, inside a kprobe. */
	task = kmg_report_task_of_context();
	kmg_printf(&sink, "task %d (%s), %s context, irqs %s at the access\n",
		   task ? task_pid_nr(task) : 0, task ? task->comm : "-",
		   kmg_context_name(kmg_current_context()),
		   regs_irqs_disabled(regs) ? "disabled" : "enabled");
	kmg_printf(&sink, "==================================================================\n");
	kmg_report_lock_put(locked, flags);
	kmg_report_end(bug, site);
}
