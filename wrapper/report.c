// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard report formatter: one formatter, two sinks (the kernel log and a
 * seq_file), like KFENCE's. Every report starts with a rule and the title
 * line "BUG: kmemguard: <type> in ...", names source file:line for every
 * site, and prints pointers hashed unless raw pointers were asked for.
 *
 * Notes on locking:
 * - kmg_leak_report_mutex serialises leak reports, so that two modules
 *   unloading at once do not interleave their reports. Leak reports run in
 *   process context (the module notifier) and may sleep between groups.
 */

/* Report lines carry no prefix: they start with "BUG: kmemguard: ". */
#define pr_fmt(fmt) fmt

#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/sort.h>
#include <linux/sched.h>

#include "kmg.h"

static DEFINE_MUTEX(kmg_leak_report_mutex);

static const char *const kmg_family_names[KMG_FAM_NR] = {
	[KMG_FAM_KMALLOC]	= "kmalloc",
	[KMG_FAM_VMALLOC]	= "vmalloc",
	[KMG_FAM_PAGES]		= "pages",
	[KMG_FAM_CACHE]		= "kmem_cache",
	[KMG_FAM_CACHE_STRUCT]	= "kmem_cache_create",
	[KMG_FAM_DEVM]		= "devm",
};

static const char *const kmg_context_names[KMG_CTX_NR] = {
	[KMG_CTX_TASK]		= "task",
	[KMG_CTX_SOFTIRQ]	= "softirq",
	[KMG_CTX_HARDIRQ]	= "hardirq",
	[KMG_CTX_NMI]		= "nmi",
};

const char *kmg_family_name(enum kmg_family family)
{
	return family < KMG_FAM_NR ? kmg_family_names[family] : "?";
}

const char *kmg_context_name(enum kmg_context ctx)
{
	return ctx < KMG_CTX_NR ? kmg_context_names[ctx] : "?";
}

const char *kmg_module_name(const struct kmemguard_site *site)
{
	return site->mod ? site->mod->name : "kernel";
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
static void kmg_format_ptr(char *buf, size_t len, unsigned long addr)
{
	if (READ_ONCE(kmg_raw_pointers))
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
	const struct kmemguard_site *site = rec->site;
	unsigned int age_ms = jiffies_to_msecs(jiffies - rec->when);
	gfp_t gfp = rec->gfp;
	char ptr[24], line[320];
	int n;

	kmg_format_ptr(ptr, sizeof(ptr), rec->addr);
	n = scnprintf(line, sizeof(line), "%s size=%zu %s%s order=%u module=%s",
		      ptr, rec->size, kmg_family_name(rec->family),
		      rec->flags & KMG_REC_KV ? "(kv)" : "", rec->order,
		      kmg_module_name(site));
	n += scnprintf(line + n, sizeof(line) - n, " site=%s:%u func=%s gfp=%pGg",
		       site->file, site->line, site->func, &gfp);
	scnprintf(line + n, sizeof(line) - n, " ctx=%s pid=%d age=%u.%03us",
		  kmg_context_name(rec->ctx), rec->pid,
		  age_ms / 1000, age_ms % 1000);
	kmg_printf(sink, "%s\n", line);
	if (with_stack)
		kmg_print_stack(sink, rec->stack);
}

void kmg_print_site_header(struct kmg_sink *sink)
{
	kmg_printf(sink, "kmemguard sites - version: 1.0\n");
	kmg_printf(sink, "# <live> <live_bytes> <peak_bytes> <allocs> <frees> <failed> %s\n",
		   "<module> <file>:<line> <function>");
}

void kmg_print_site(struct kmg_sink *sink, const struct kmemguard_site *site)
{
	kmg_printf(sink, "%ld %ld %ld %ld %ld %ld %s %s:%u %s\n",
		   atomic_long_read(&site->live),
		   atomic_long_read(&site->live_bytes),
		   atomic_long_read(&site->peak_bytes),
		   atomic_long_read(&site->allocs),
		   atomic_long_read(&site->frees),
		   atomic_long_read(&site->failed),
		   kmg_module_name(site), site->file, site->line, site->func);
}

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
	if (ra->addr != rb->addr)
		return ra->addr < rb->addr ? -1 : 1;
	return 0;
}

/*
 * Sort leaked records so that each call site's records are contiguous, sites
 * in file:line order; return how many sites there are.
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

/* One group: every leaked object of one allocation site. */
static void kmg_report_leak_group(struct kmg_record **recs, unsigned long n)
{
	const struct kmemguard_site *site = recs[0]->site;
	unsigned long i, bytes = 0, shown;
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
	kmg_printf(&sink, "allocation stack (first object):\n");
	kmg_print_stack(&sink, recs[0]->stack);
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
	atomic_long_add(count, &kmg_counters[KMG_COUNT_LEAKED_OBJECTS]);
	kvfree(recs);
	for (rec = leaked; rec; rec = next) {
		next = rec->next;
		kmg_record_release(rec);
	}
}
