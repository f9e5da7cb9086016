/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard internals shared by the module's files.
 *
 *   wrappers.c  exported entry points, one per allocator call
 *   table.c     the record table and site statistics: where a record is
 *               born (kmg_track_alloc) and where it dies (kmg_track_free)
 *   check.c     calling-context checks and free validation
 *   report.c    the one report formatter (printk and seq_file sinks)
 *   debugfs.c   /sys/kernel/debug/kmemguard/
 *   fault.c     fault rules: fail chosen allocations on purpose
 *   core.c      module init/exit, parameters, the module notifier
 */
#ifndef _KMG_H
#define _KMG_H

#define KMEMGUARD_INTERNAL
#include <kmemguard.h>
#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/seq_file.h>
#include "compat.h"

/* What kind of memory a record describes; decides which free is right. */
enum kmg_family {
	KMG_FAM_KMALLOC,	/* kmalloc() & co, kfree() */
	KMG_FAM_VMALLOC,	/* vmalloc() & co, vfree() */
	KMG_FAM_PAGES,		/* page allocator, free_pages() */
	KMG_FAM_CACHE,		/* kmem_cache_alloc(), kmem_cache_free() */
	KMG_FAM_CACHE_STRUCT,	/* kmem_cache_create(), kmem_cache_destroy() */
	KMG_FAM_DEVM,		/* devm_kmalloc(), released by devres */
	KMG_FAM_NR,
};

/* Where the allocation ran. */
enum kmg_context {
	KMG_CTX_TASK,
	KMG_CTX_SOFTIRQ,
	KMG_CTX_HARDIRQ,
	KMG_CTX_NMI,
	KMG_CTX_NR,
};

/* Record flags. */
#define KMG_REC_KV	0x01	/* from kvmalloc(): kvfree() is the right free */
#define KMG_REC_FREED	0x02	/* freed: in the quarantine, not live */
#define KMG_REC_HELD	0x04	/* freed, memory still held by the quarantine */
#define KMG_REC_DETACHED 0x08	/* freed, no longer in the table */

/* The free call a driver made; decides which bug, if any, a free is. */
enum kmg_free_api {
	KMG_FREE_KFREE,		/* kfree(), kfree_const() */
	KMG_FREE_KFREE_SENSITIVE,
	KMG_FREE_KVFREE,
	KMG_FREE_RCU,		/* kfree_rcu() & co, queued */
	KMG_FREE_VFREE,
	KMG_FREE_PAGES,		/* free_pages(), __free_pages() */
	KMG_FREE_CACHE,		/* kmem_cache_free() */
	KMG_FREE_CACHE_DESTROY,
	KMG_FREE_DEVM,
	KMG_FREE_NR,
};

struct kmg_free_call {
	enum kmg_free_api api;
	unsigned int order;		/* KMG_FREE_PAGES */
	struct kmem_cache *cache;	/* KMG_FREE_CACHE */
};

/* Report types: the <type> of "BUG: kmemguard: <type> in ...". */
enum kmg_bug {
	KMG_BUG_NONE,
	KMG_BUG_DOUBLE_FREE,
	KMG_BUG_INVALID_FREE,
	KMG_BUG_MISMATCHED_FREE,
	KMG_BUG_WRONG_ORDER,
	KMG_BUG_WRONG_CACHE,
	KMG_BUG_CACHE_NOT_EMPTY,
	KMG_BUG_SLEEP_IN_ATOMIC,
	KMG_BUG_NEEDLESS_ATOMIC,
	KMG_BUG_NR,
};

/**
 * struct kmg_record - one tracked allocation, live or recently freed (64 bytes)
 * @next:	next record in the same bucket (bucket lock)
 * @addr:	start of the object, the key (immutable)
 * @site:	allocation call site; owns the module (immutable)
 * @size:	requested size in bytes (immutable)
 * @cache:	the object's cache for KMG_FAM_CACHE (immutable)
 * @dev:	the device for KMG_FAM_DEVM (immutable)
 * @when:	CLOCK_MONOTONIC ns at allocation (live records; immutable)
 * @free_site:	site of the first free (freed records; bucket lock)
 * @stack:	allocation stack in the stack depot, 0 if none (immutable)
 * @gfp:	GFP flags of the allocation (live records; immutable)
 * @free_stack:	stack of the first free (freed records; bucket lock)
 * @pid:	pid of the allocating task, 0 in interrupt context (immutable)
 * @family:	enum kmg_family (immutable)
 * @order:	page order for KMG_FAM_PAGES (immutable)
 * @ctx:	enum kmg_context (immutable)
 * @flags:	KMG_REC_* (bucket lock)
 *
 * Records come from a cache created with SLAB_NOLEAKTRACE: kmemleak neither
 * scans them (so the object address in @addr cannot hide a leak from it) nor
 * reports them. A live record is written before it is published in the
 * table; a free turns it into a freed record under the bucket lock (the
 * unions switch meaning then) and hands it to the quarantine, which owns it
 * from then on. A live record removed from the table belongs to whoever
 * removed it.
 */
struct kmg_record {
	struct kmg_record *next;
	unsigned long addr;
	struct kmemguard_site *site;
	size_t size;
	union {
		struct kmem_cache *cache;
		struct device *dev;
	};
	union {
		u64 when;
		struct kmemguard_site *free_site;
	};
	depot_stack_handle_t stack;
	union {
		gfp_t gfp;
		depot_stack_handle_t free_stack;
	};
	pid_t pid;
	u8 family;
	u8 order;
	u8 ctx;
	u8 flags;
};

/* Global counters, shown in debugfs "stats" (names in table.c). */
enum kmg_counter {
	KMG_COUNT_ALLOCS,
	KMG_COUNT_FREES,
	KMG_COUNT_LIVE,
	KMG_COUNT_FAILED,
	KMG_COUNT_DEGRADED,
	KMG_COUNT_UNTRACKED_FREES,
	KMG_COUNT_STALE,
	KMG_COUNT_LEAK_REPORTS,
	KMG_COUNT_LEAKED_OBJECTS,
	KMG_COUNT_QUARANTINED,
	KMG_COUNT_REPORTS_SUPPRESSED,
	KMG_COUNT_INJECTED,
	KMG_COUNT_NR,
};

extern atomic_long_t kmg_counters[KMG_COUNT_NR];
extern atomic_t kmg_fail_records;
extern const char *const kmg_counter_names[KMG_COUNT_NR];

static inline void kmg_count(enum kmg_counter c)
{
	atomic_long_inc(&kmg_counters[c]);
}

/* core.c: run-time settings (module parameters, debugfs "control"). */
DECLARE_STATIC_KEY_TRUE(kmg_enabled_key);

extern bool kmg_enabled;
extern unsigned int kmg_stack_depth;
extern unsigned int kmg_report_objects;
extern bool kmg_raw_pointers;
extern bool kmg_hints;
extern unsigned int kmg_quarantine_slots;
int kmg_set_enabled(bool on);

static inline bool kmg_tracking(void)
{
	return static_branch_likely(&kmg_enabled_key);
}

/* Lookup results of kmg_track_mark_freed(). */
enum kmg_lookup {
	KMG_LOOKUP_NONE,	/* not tracked */
	KMG_LOOKUP_LIVE,	/* was live, now marked freed */
	KMG_LOOKUP_FREED,	/* already freed: in the quarantine */
};

/* table.c */
int kmg_table_init(unsigned int bits);
void kmg_table_exit(void);
void kmg_track_alloc(struct kmemguard_site *site, const void *p, size_t size,
		     gfp_t gfp, enum kmg_family family, unsigned int order,
		     struct kmem_cache *cache, unsigned int flags);
void kmg_track_failed(struct kmemguard_site *site);
struct kmg_record *kmg_track_free(const void *p);
void kmg_track_restore(struct kmg_record *rec);
void kmg_record_release(struct kmg_record *rec);
depot_stack_handle_t kmg_save_stack(void);
enum kmg_lookup kmg_track_mark_freed(const void *p,
				     struct kmemguard_site *free_site,
				     depot_stack_handle_t free_stack,
				     struct kmg_record **rec,
				     struct kmg_record *copy);
void kmg_quarantine_add(struct kmg_record *rec, bool held);
typedef bool (*kmg_match_fn)(const struct kmg_record *rec, const void *arg);
void kmg_quarantine_flush(kmg_match_fn match, const void *arg);
int kmg_quarantine_init(void);
void kmg_quarantine_exit(void);
bool kmg_table_find_containing(unsigned long p, unsigned long span,
			       unsigned long step, struct kmg_record *copy);
unsigned long kmg_table_collect_cache(struct kmem_cache *s,
				      struct kmg_record *copies,
				      unsigned long max);
void kmg_table_flush(void);
struct kmg_record *kmg_table_extract_module(struct module *mod,
					    unsigned long *count);
unsigned int kmg_table_buckets(void);
bool kmg_table_copy(unsigned int bucket, unsigned int nth,
		    struct kmg_record *copy);
void kmg_sites_forget_module(struct module *mod);
struct kmemguard_site *kmg_sites_next(struct kmemguard_site *site,
				      loff_t *pos);
extern raw_spinlock_t kmg_sites_spinlock;
bool kmg_module_tracked(struct module *mod);

/* check.c */
enum kmg_context kmg_current_context(void);
bool kmg_context_may_sleep(void);
void kmg_check_alloc_context(struct kmemguard_site *site, gfp_t gfp,
			     bool always_blocks, const char *call);
enum kmg_bug kmg_free_verdict(const struct kmg_record *rec,
			      const struct kmg_free_call *call);
enum kmg_bug kmg_check_untracked_free(const void *p,
				      const struct kmg_free_call *call,
				      struct kmg_record *inside, bool *found);

/* wrappers.c */
void kmg_free_memory(const struct kmg_record *rec);

/* report.c: one formatter, two sinks. */
struct kmg_sink {
	struct seq_file *seq;	/* NULL: printk at KERN_ERR */
	bool raw;		/* the reader gave the address: print it raw */
};

__printf(2, 3) void kmg_printf(struct kmg_sink *sink, const char *fmt, ...);
void kmg_print_record(struct kmg_sink *sink, const struct kmg_record *rec,
		      bool with_stack);
void kmg_print_site_header(struct kmg_sink *sink);
void kmg_print_site(struct kmg_sink *sink, const struct kmemguard_site *site);
void kmg_report_leaks(struct module *mod, struct kmg_record *leaked,
		      unsigned long count);
void kmg_report_free(enum kmg_bug bug, struct kmemguard_site *site,
		     const struct kmg_free_call *call, const void *p,
		     const struct kmg_record *rec);
void kmg_report_sleep(enum kmg_bug bug, struct kmemguard_site *site,
		      gfp_t gfp, const char *call);
void kmg_report_cache_not_empty(struct kmemguard_site *site,
				struct kmem_cache *s, struct kmg_record *live,
				unsigned long n, unsigned long shown);
extern atomic_long_t kmg_bug_counts[KMG_BUG_NR];
extern const char *const kmg_bug_names[KMG_BUG_NR];
const char *kmg_free_api_name(enum kmg_free_api api);
unsigned long kmg_leak_sort(struct kmg_record **recs, unsigned long n);
const char *kmg_family_name(enum kmg_family family);
const char *kmg_context_name(enum kmg_context ctx);
const char *kmg_module_name(const struct kmemguard_site *site);

/* fault.c: which allocations a rule may fail. */
enum kmg_fault_family {
	KMG_FAULT_FAM_KMALLOC,	/* kmalloc() & co, kvmalloc(), devm_kmalloc() */
	KMG_FAULT_FAM_VMALLOC,
	KMG_FAULT_FAM_PAGES,
	KMG_FAULT_FAM_CACHE,	/* kmem_cache_alloc(), kmem_cache_create() */
};

enum kmg_fault_gfp {
	KMG_FAULT_GFP_ATOMIC,	/* no sleeping, may use reserves */
	KMG_FAULT_GFP_NOWAIT,	/* no sleeping */
	KMG_FAULT_GFP_KERNEL,	/* may sleep */
};

enum kmg_fault_trigger {
	KMG_FAULT_NONE,
	KMG_FAULT_NTH,
	KMG_FAULT_EVERY,
	KMG_FAULT_PROBABILITY,
};

/**
 * struct kmg_fault_rule - one fault rule (fields immutable once listed,
 * except the atomics and @last)
 * @node:	in the rule list (RCU; fault mutex for writers)
 * @id:		number shown in the listing
 * @module:	module whose allocations it fails
 * @file:	site's file (path suffix), "" for any
 * @line:	site's line, with @file
 * @function:	site's function, "" for any
 * @family:	enum kmg_fault_family, -1 for any
 * @gfp:	enum kmg_fault_gfp, -1 for any
 * @trigger:	enum kmg_fault_trigger
 * @n:		N of nth=/every=, P of probability=
 * @seed:	probability= seed
 * @times:	fail at most this often, 0 for no limit
 * @min_size:	only allocations of at least this many bytes
 * @matched:	matching calls seen (atomic)
 * @fired:	calls the trigger picked (atomic)
 * @injected:	failures injected (atomic)
 * @last_lock:	protects @last
 * @last:	"file:line function" of the last injected failure (a copy:
 *		the site itself goes away with its module)
 */
struct kmg_fault_rule {
	struct list_head node;
	unsigned int id;
	char module[MODULE_NAME_LEN];
	char file[128];
	unsigned int line;
	char function[64];
	int family;
	int gfp;
	enum kmg_fault_trigger trigger;
	unsigned long n;
	u64 seed;
	unsigned long times;
	size_t min_size;
	atomic_long_t matched;
	atomic_long_t fired;
	atomic_long_t injected;
	raw_spinlock_t last_lock;
	char last[160];
};

int kmg_fault_parse(char *line, struct kmg_fault_rule *r, const char **why);
bool kmg_fault_inject(struct kmemguard_site *site,
		      enum kmg_fault_family family, gfp_t gfp, size_t size);
int kmg_fault_add(char *line);
void kmg_fault_clear(void);
void kmg_fault_show(struct seq_file *m);
unsigned long kmg_fault_injected_into(struct module *mod, char *last,
				      size_t len);

/* debugfs.c */
void kmg_debugfs_init(void);
void kmg_debugfs_exit(void);
extern char kmg_filter_module[MODULE_NAME_LEN];

#endif /* _KMG_H */
