/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard internals shared by the module's files.
 *
 *   wrappers.c    exported entry points, one per allocator call
 *   mempool.c     the mempool entry points: pools and elements as records
 *   family.c      the allocator families: which free matches, how to free,
 *                 what may be held, their names (one table)
 *   site.c        site shadows: kmemguard's own copy of each call site, its
 *                 counters, stack sampling, and their lifetime
 *   record.c      records and the table: where a record is born
 *                 (kmg_record_track()) and where it dies (kmg_record_put())
 *   quarantine.c  freed records (and their memory) held back for a while
 *   check.c       calling-context checks and free validation
 *   report.c      the one report formatter (printk and seq_file sinks)
 *   debugfs.c     /sys/kernel/debug/kmemguard/
 *   fault.c       fault rules: fail chosen allocations on purpose
 *   redzone.c     redzones and poison: which sites, the patterns, the checks
 *   guard.c       guarded objects: the pool of pages between unmapped ones,
 *                 and the page fault that names the object
 *   core.c        module init/exit, parameters, the module notifier
 *
 * Lifetimes in one paragraph: a driver's static struct kmemguard_site lives
 * in the driver's module memory and is read only by the driver's own calls
 * (which run while the module is loaded). kmemguard keeps everything it
 * reads later in memory of its own: the site shadow (struct kmg_site,
 * site.c), which records point to, and which is freed one RCU grace period
 * after its module went away and every record that pointed to it was
 * reported or flushed. Every tracked operation runs inside an RCU read-side
 * critical section (rcu_read_lock(), or interrupts off), so module unload,
 * disabling and parameter changes can wait for operations in flight with
 * synchronize_rcu().
 */
#ifndef _KMG_H
#define _KMG_H

#define KMEMGUARD_INTERNAL
#include <kmemguard.h>
#include <linux/atomic.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/jump_label.h>
#include <linux/llist.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>
#include "compat.h"

/*
 * Benchmark builds only (make bench's cost breakdown): parts of the tracked
 * path switched off at build time, -DKMG_BENCH_SKIP=<mask>, to measure what
 * each costs. A real build has none of them off.
 */
#ifndef KMG_BENCH_SKIP
#define KMG_BENCH_SKIP 0
#endif
#define KMG_SKIP_STACKS		0x01	/* no stack sampling */
#define KMG_SKIP_CLOCK		0x02	/* no allocation time */
#define KMG_SKIP_QUARANTINE	0x04	/* nothing held after a free */
#define KMG_SKIP_COUNTERS	0x08	/* no site or global counters */
#define KMG_SKIP_CHECKS		0x10	/* no context check, no fault rules */
#define KMG_SKIP_TABLE		0x20	/* records made and dropped, no table */
#define KMG_SKIP_PROBE		0x40	/* an untracked free checks nothing */
#define KMG_SKIP(part)		(KMG_BENCH_SKIP & KMG_SKIP_##part)

/* === Allocator families (family.c) ===================================== */

/* What kind of memory a record describes; decides which free is right. */
enum kmg_family {
	KMG_FAM_KMALLOC,	/* kmalloc() & co, kfree() */
	KMG_FAM_VMALLOC,	/* vmalloc() & co, vfree() */
	KMG_FAM_PAGES,		/* page allocator, free_pages() */
	KMG_FAM_CACHE,		/* kmem_cache_alloc(), kmem_cache_free() */
	KMG_FAM_CACHE_STRUCT,	/* kmem_cache_create(), kmem_cache_destroy() */
	KMG_FAM_DEVM,		/* devm_kmalloc(), released by devres */
	KMG_FAM_PAGES_EXACT,	/* alloc_pages_exact(), free_pages_exact() */
	KMG_FAM_DMA,		/* dma_alloc_coherent() & co, dma_free_coherent() */
	KMG_FAM_DMA_NC,		/* dma_alloc_noncoherent(), dma_free_noncoherent() */
	KMG_FAM_DMAM,		/* dmam_alloc_coherent(), released by devres */
	KMG_FAM_MEMPOOL,	/* mempool_alloc(), mempool_free() (mempool.c) */
	KMG_FAM_MEMPOOL_STRUCT,	/* mempool_create(), mempool_destroy() */
	KMG_FAM_MEMPOOL_INIT,	/* mempool_init(), mempool_exit() */
	KMG_FAM_PERCPU,		/* alloc_percpu() & co, free_percpu() */
	KMG_FAM_DEVM_PERCPU,	/* devm_alloc_percpu(), released by devres */
	KMG_FAM_DEVM_PAGES,	/* devm_get_free_pages(), released by devres */
	KMG_FAM_DEVM_BITMAP,	/* devm_bitmap_alloc(), only devres frees it */
	KMG_FAM_DMA_POOL,	/* dma_pool_alloc(), dma_pool_free() (dmapool.c) */
	KMG_FAM_DMA_POOL_STRUCT,	/* dma_pool_create(), dma_pool_destroy() */
	KMG_FAM_DMAM_POOL,	/* dmam_pool_create(), destroyed by devres */
	KMG_FAM_NR,
};

/* The free call a driver made. */
enum kmg_free_api {
	KMG_FREE_KFREE,		/* kfree() */
	KMG_FREE_KFREE_CONST,	/* kfree_const(): rodata strings pass */
	KMG_FREE_KFREE_SENSITIVE,
	KMG_FREE_KVFREE,
	KMG_FREE_RCU,		/* kfree_rcu() & co, queued */
	KMG_FREE_VFREE,
	KMG_FREE_PAGES,		/* free_pages(), __free_pages() */
	KMG_FREE_CACHE,		/* kmem_cache_free() */
	KMG_FREE_CACHE_DESTROY,
	KMG_FREE_DEVM,
	KMG_FREE_KREALLOC,	/* krealloc(): frees its old object */
	KMG_FREE_KVFREE_SENSITIVE,	/* kvfree_sensitive() */
	KMG_FREE_KVREALLOC,	/* kvrealloc(): frees its old object */
	KMG_FREE_PAGES_EXACT,	/* free_pages_exact() */
	KMG_FREE_DMA,		/* dma_free_attrs(), dma_free_coherent() */
	KMG_FREE_DMA_NC,	/* dma_free_noncoherent() */
	KMG_FREE_DMAM,		/* dmam_free_coherent() */
	KMG_FREE_MEMPOOL,	/* mempool_free() */
	KMG_FREE_MEMPOOL_DESTROY,	/* mempool_destroy() */
	KMG_FREE_MEMPOOL_EXIT,	/* mempool_exit() */
	KMG_FREE_PERCPU,	/* free_percpu() */
	KMG_FREE_DEVM_PERCPU,	/* devm_free_percpu() */
	KMG_FREE_DEVM_KREALLOC,	/* devm_krealloc(): frees its old object */
	KMG_FREE_DEVM_PAGES,	/* devm_free_pages() */
	KMG_FREE_PUT_PAGE,	/* put_page(), folio_put() of the last reference */
	KMG_FREE_DMA_POOL,	/* dma_pool_free() */
	KMG_FREE_DMA_POOL_DESTROY,	/* dma_pool_destroy() */
	KMG_FREE_DMAM_POOL_DESTROY,	/* dmam_pool_destroy() */
	KMG_FREE_NR,
};

struct kmg_record;
struct mempool_s;
struct dma_pool;

/* A free call as the driver made it: which call, with which arguments. */
struct kmg_free_call {
	enum kmg_free_api api;
	unsigned int order;		/* KMG_FREE_PAGES */
	struct kmem_cache *cache;	/* KMG_FREE_CACHE */
	struct device *dev;		/* KMG_FREE_DEVM, _DEVM_PERCPU, _DMA* */
	size_t len;			/* KMG_FREE_KVFREE_SENSITIVE, _PAGES_EXACT, _DMA* */
	dma_addr_t handle;		/* KMG_FREE_DMA*, _DMA_POOL */
	unsigned long attrs;		/* KMG_FREE_DMA; direction for _DMA_NC */
	struct mempool_s *pool;		/* KMG_FREE_MEMPOOL* */
	struct dma_pool *dma_pool;	/* KMG_FREE_DMA_POOL* */
};

/**
 * struct kmg_family_ops - everything kmemguard knows about one family
 * @name:	in reports and listings
 * @fault_name:	its name in fault rules (family=), NULL if rules select it
 *		through another family (@fault_class)
 * @free_call:	the call that frees its memory correctly
 * @frees:	BIT(enum kmg_free_api) of the free calls that match it
 * @fault_class: the family a fault rule's family= matches it as
 * @holdable:	the quarantine may keep its memory after a free (decided at
 *		init: see kmg_family_init())
 * @release:	free the memory of @rec the right way, in any context but NMI
 * @release_sleeps: @release may sleep where the caller may (vfree()): a
 *		held object then leaves the quarantine through @release_later
 *		when it is evicted in atomic context, and a bad free is
 *		completed through it where the free's context cannot sleep
 * @release_later: give a freed record's memory back from a work item, then
 *		let the record go (kmg_record_released()); @release_sleeps.
 *		The record's own memory carries it there: nothing allocated
 * @defer:	a bad free's record, out of the table, is about to go to
 *		@release_later instead of @release: take what that needs (DMA:
 *		a device reference); false if it cannot (then @release runs,
 *		which defers what it must itself, or leaves the memory). NULL:
 *		@release always
 * @no_kmemleak: kmemleak does not know the memory (pages, DMA memory)
 * @mapped:	the memory is the kernel's own mapping at the record's address,
 *		the record's size (slab memory: ksize()): kfree_sensitive() of
 *		it, held or completed by kmemguard, is wiped that much
 *		(kmg_wipe_sensitive(); pages only where they go back). Not DMA
 *		coherent memory, which may have no kernel mapping
 *		(DMA_ATTR_NO_KERNEL_MAPPING), nor per-CPU memory
 * @hold:	may the quarantine hold this object, freed through @call?
 *		Called under its bucket lock (interrupts off) when it would;
 *		takes what holding needs.
 *		NULL: yes
 * @check_free:	the family's own checks of a free's arguments against the
 *		record (DMA: device, size, handle), or NULL; an enum kmg_bug,
 *		and into @why (if not NULL) what differs
 * @put_owner:	the record dies (or could not be made): let its @owner go
 *		(NULL: nothing to do). Any context but NMI, interrupts
 *		possibly off
 * @owner_size:	@owner is kmemguard's, this big: a copy of a record that
 *		must outlive it (kmg_release_after_gp()) copies it too
 * @describe:	more of the record for its line in reports and listings
 *		(" dev=NAME"), or NULL
 * @unrepaired: what happens instead of @release's repair, for a family
 *		kmemguard cannot free safely itself (reports say it), or NULL
 * @unrepaired_here: the same where @release cannot free @rec's memory from
 *		the free's context (and leaves it), NULL where it can; asked
 *		in that context, before the report takes its lock
 * @waits:	an allocation whose flags allow direct reclaim waits instead
 *		of failing (mempool_alloc()): drivers rely on it and do not
 *		check, so fault rules never fail such a call
 * @managed:	devres frees it at unbind: kmemguard never frees it after a
 *		grace period (kfree_rcu() of it), when devres may have
 * @covers:	0, or the record is at a kernel object (a cache's or pool's
 *		own struct) but its size is another's (the objects it hands
 *		out): interior-pointer probes count this many bytes of it
 *		(KMG_STRUCT_COVERS: no more than the struct has), not its size
 */
struct kmg_family_ops {
	const char *name;
	const char *fault_name;
	const char *free_call;
	unsigned int frees;
	enum kmg_family fault_class;
	bool holdable;
	void (*release)(const struct kmg_record *rec);
	bool release_sleeps;
	void (*release_later)(struct kmg_record *rec);
	bool (*defer)(struct kmg_record *rec);
	bool no_kmemleak;
	bool mapped;
	bool (*hold)(struct kmg_record *rec, const struct kmg_free_call *call);
	int (*check_free)(const struct kmg_record *rec,
			  const struct kmg_free_call *call, char *why,
			  size_t len);
	void (*put_owner)(void *owner);
	size_t owner_size;
	int (*describe)(const struct kmg_record *rec, char *buf, size_t len);
	bool waits;
	const char *unrepaired;
	const char *(*unrepaired_here)(const struct kmg_record *rec);
	bool managed;
	unsigned long covers;
};

/*
 * A record at a cache's or DMA pool's own struct is sized as the objects it
 * hands out: a pointer this far into it is inside the struct (struct
 * kmem_cache and struct dma_pool are private to mm/, and both larger with
 * SLUB: at least 112 and 104 bytes on x86-64).
 */
#define KMG_STRUCT_COVERS	64

extern struct kmg_family_ops kmg_families[KMG_FAM_NR];
extern const char *const kmg_free_api_names[KMG_FREE_NR];
void kmg_family_init(void);
void kmg_family_sync(void);
void kmg_vfree_deferred(void *p, struct kmg_record *rec);
void kmg_release_after_gp(const struct kmg_record *copy);
void kmg_kvfree_after_gp(const void *p);
void kmg_cache_destroy_later(struct kmem_cache *s);
void kmg_release_kmalloc(const struct kmg_record *rec);
void kmg_release_cache(const struct kmg_record *rec);
void kmg_release_pages(const struct kmg_record *rec);

int kmg_fault_class_parse(const char *name);
extern char kmg_fault_class_help[128];
bool kmg_name_ok(const char *s, size_t max);

static inline const struct kmg_family_ops *kmg_fam(unsigned int family)
{
	return &kmg_families[family < KMG_FAM_NR ? family : KMG_FAM_KMALLOC];
}

/* A record of @family with @owner was not made: what it owns goes. */
static inline void kmg_owner_put(unsigned int family, void *owner)
{
	if (unlikely(kmg_fam(family)->put_owner) && owner)
		kmg_fam(family)->put_owner(owner);
}

/* Where an operation ran. */
enum kmg_context {
	KMG_CTX_TASK,
	KMG_CTX_SOFTIRQ,
	KMG_CTX_HARDIRQ,
	KMG_CTX_NMI,
	KMG_CTX_NR,
};

/* === Site shadows (site.c) ============================================= */

/* Per-CPU counters of one site: summed on read, like alloc_tag's. */
/*
 * Live objects are allocs - frees - ended: the hot path keeps two counts
 * and the bytes, and reads the last fold's mark (each CPU's own fields,
 * written with interrupts off on that CPU; summed on read).
 */
struct kmg_site_pcpu {
	long live_bytes;
	unsigned long allocs;
	unsigned long frees;
	unsigned long ended;	/* no longer live without a free: leaked, stale */
	unsigned long failed;
	long folded_bytes;	/* @live_bytes when last folded into the peak */
};

/*
 * Hidden from genksyms: the exported entry points take the driver's struct
 * kmemguard_site, which points to a struct kmg_site. Its layout is
 * kmemguard's business; if genksyms saw it, every change to it would change
 * the entry points' symbol versions and break drivers built earlier.
 */
#ifndef __GENKSYMS__
/**
 * struct kmg_site - kmemguard's own copy of a call site: the site shadow
 * @node:	in kmg_sites (RCU list; kmg_sites_lock for writers)
 * @mod:	the module the call is compiled into, for identity only; never
 *		dereferenced, and meaningless once @gone
 * @gone:	set (once) when the module went away, or at birth during its
 *		unload; then no new record, freed record, tombstone or devm
 *		entry points here (kmg_site_kept()), and the shadow is freed
 *		after the module's records are flushed (kmg_sites_module_gone())
 * @rz_mode:	enum kmg_rz_mode: redzones or a guarded object for what is
 *		allocated here (redzone.c; written under kmg_sites_lock)
 * @pcpu:	counters (this_cpu ops on the hot path)
 * @folded:	live bytes folded in from the CPUs (atomic)
 * @peak_bytes:	highest live byte count seen at a fold or a read (atomic)
 * @first_stack: the first allocation stack captured here (set once, cmpxchg)
 * @stacks_left: allocations that still get a stack whatever the sampling
 *		(atomic, counts down to 0)
 * @exact_left:	operations that still fold into @peak_bytes at once, so
 *		that the peak of a rarely used site is exact (atomic, counts
 *		down to 0; then CPUs fold in batches)
 * @report_time: jiffies of the last report about this site (cmpxchg)
 * @report_type: type of that report (written by its winner)
 * @report_repeats: reports suppressed since then (atomic)
 * @line:	source line (immutable)
 * @file:	source file, into @names (immutable)
 * @func:	enclosing function, into @names (immutable)
 * @modname:	module name, a copy (immutable)
 * @rcu:	frees the shadow after a grace period
 * @names:	storage of @file and @func
 *
 * A shadow is created the first time kmemguard sees its call site (an
 * allocation or a free) and published in the driver's descriptor with
 * cmpxchg(); readers (debugfs, reports) only ever see shadows.
 */
struct kmg_site {
	struct list_head node;
	struct module *mod;
	bool gone;
	u8 rz_mode;
	struct kmg_site_pcpu __percpu *pcpu;
	atomic_long_t folded;
	atomic_long_t peak_bytes;
	depot_stack_handle_t first_stack;
	atomic_t stacks_left;
	atomic_t exact_left;
	unsigned long report_time;
	unsigned int report_type;
	atomic_t report_repeats;
	unsigned int line;
	const char *file;
	const char *func;
	char modname[MODULE_NAME_LEN];
	struct rcu_head rcu;
	char names[];
};
#endif /* __GENKSYMS__ */

struct kmg_site *kmg_site_create(struct kmemguard_site *desc, gfp_t gfp);

/*
 * The shadow of the driver's call site @desc, created on first use; NULL if
 * there is none and none can be made here (then the call goes untracked).
 */
static __always_inline struct kmg_site *kmg_site_of(struct kmemguard_site *desc,
						    gfp_t gfp)
{
	struct kmg_site *s = READ_ONCE(desc->shadow);

	return likely(s) ? s : kmg_site_create(desc, gfp);
}

struct kmg_site_sums {
	long live, live_bytes, peak_bytes;
	unsigned long allocs, frees, failed;
};

void kmg_site_sum(struct kmg_site *site, struct kmg_site_sums *sums);
void kmg_site_failed(struct kmg_site *site);
void kmg_site_fold_slow(struct kmg_site *site, struct kmg_site_pcpu *c);

/* Live bytes a CPU collects before folding them into the site's peak. */
#define KMG_PEAK_BATCH		4096

#ifndef __GENKSYMS__
/* An object of @site became live. Context: any; interrupts off. */
static __always_inline void kmg_site_live_add(struct kmg_site *site,
					      size_t size)
{
	struct kmg_site_pcpu *c = this_cpu_ptr(site->pcpu);

	if (KMG_SKIP(COUNTERS))
		return;
	c->live_bytes += size;
	c->allocs++;
	if (unlikely(c->live_bytes - c->folded_bytes >= KMG_PEAK_BATCH ||
		     atomic_read(&site->exact_left) > 0))
		kmg_site_fold_slow(site, c);
}

/*
 * An object of @site stopped being live: freed (@freed), or leaked,
 * forgotten, replaced. Context: any; interrupts off.
 */
static __always_inline void kmg_site_live_sub(struct kmg_site *site,
					      size_t size, bool freed)
{
	struct kmg_site_pcpu *c = this_cpu_ptr(site->pcpu);

	if (KMG_SKIP(COUNTERS))
		return;
	c->live_bytes -= size;
	if (freed)
		c->frees++;
	else
		c->ended++;
	if (unlikely(c->live_bytes - c->folded_bytes <= -KMG_PEAK_BATCH ||
		     atomic_read(&site->exact_left) > 0))
		kmg_site_fold_slow(site, c);
}
#endif
bool kmg_module_tracked(struct module *mod);
void kmg_sites_module_gone(struct module *mod);
void kmg_sites_module_release(struct module *mod);
void kmg_sites_exit(void);
void kmg_sites_update_rz(void);
extern struct list_head kmg_sites;	/* RCU */
extern struct kmg_site kmg_site_unknown;
const char *kmg_site_name(const struct kmg_site *site);

#ifndef __GENKSYMS__
/*
 * The site to keep in what outlives a call (a freed record's free site, a
 * DMA tombstone, deferred work): never a going module's shadow, which is
 * freed once its unload is done (code of it still running: a driver bug).
 * Inside an RCU read-side section (interrupts off count): the grace period
 * kmg_module_going() waits after setting @gone orders the two. Reports made
 * during the call still name the real site.
 */
static __always_inline struct kmg_site *kmg_site_kept(struct kmg_site *site)
{
	return unlikely(READ_ONCE(site->gone)) ? &kmg_site_unknown : site;
}
#endif

/* Stacks: sampled per site (site.c). */
depot_stack_handle_t kmg_stack_sample_slow(struct kmg_site *site);
depot_stack_handle_t kmg_stack_save(void);
depot_stack_handle_t kmg_stack_always(struct kmg_site *site);
DECLARE_PER_CPU(int, kmg_stack_countdown);
void kmg_stack_sample_reset(void);

#ifndef __GENKSYMS__
/*
 * The stack to keep for a new allocation (or a free) at @site, or 0: the
 * first KMG_FIRST_STACKS of every site get one, then one in stack_sample
 * per CPU (a per-CPU countdown, as KFENCE samples); stack_sample=1 takes
 * every one. The fast path is a read and a per-CPU decrement.
 */
static __always_inline depot_stack_handle_t kmg_stack_sample(struct kmg_site *site)
{
	if (KMG_SKIP(STACKS))
		return 0;
	if (likely(atomic_read(&site->stacks_left) <= 0) &&
	    likely(this_cpu_dec_return(kmg_stack_countdown) > 0))
		return 0;
	return kmg_stack_sample_slow(site);
}
#endif

/* === Records and the table (record.c) ================================== */

/* Record flags. */
#define KMG_REC_KV	 0x01	/* from kvmalloc(): kvfree() is the right free */
#define KMG_REC_FREED	 0x02	/* freed: in the quarantine, not live */
#define KMG_REC_HELD	 0x04	/* freed, memory still held by the quarantine */
#define KMG_REC_DETACHED 0x08	/* freed, no longer in the table */
#define KMG_REC_REPAIRED 0x10	/* allocated without its blocking flags */
#define KMG_REC_SAMPLED	 0x20	/* @stack is this object's own stack */
#define KMG_REC_LOST	 0x40	/* freed, and its memory handed out again */
#define KMG_REC_POISON	 0x80	/* redzones or poison to check (redzone.c) */

/**
 * struct kmg_record - one tracked allocation, live or recently freed (64 bytes)
 * @next:	next record in the same bucket (bucket lock)
 * @addr:	start of the object, the key (immutable); for KMG_FAM_PERCPU
 *		the __percpu pointer's value, which is never the address of
 *		memory of another family (x86-64: it is an offset, not a
 *		kernel address)
 * @site:	allocation site shadow (immutable)
 * @size:	requested size in bytes (immutable)
 * @owner:	the object's cache (KMG_FAM_CACHE), devres tracker
 *		(KMG_FAM_DEVM, KMG_FAM_DEVM_PERCPU), mempool (the KMG_FAM_MEMPOOL*
 *		ones) (immutable)
 * @when:	jiffies_64 at allocation (live records; immutable)
 * @free_site:	site of the first free (freed records; bucket lock)
 * @stack:	allocation stack in the stack depot, 0 if none (immutable)
 * @gfp:	GFP flags of the allocation (live records; immutable)
 * @free_stack:	stack of the first free, 0 if none (freed; bucket lock)
 * @pid:	pid of the allocating task, 0 where the context has none of
 *		its own (kmg_context_has_task()) (immutable)
 * @family:	enum kmg_family (immutable)
 * @order:	page order for KMG_FAM_PAGES (immutable)
 * @rz:		KMG_RZ_* for the other families, with KMG_REC_POISON
 *		(redzone.c; bucket lock)
 * @ctx:	enum kmg_context (immutable)
 * @flags:	KMG_REC_* (bucket lock)
 *
 * Records come from a SLAB_NOLEAKTRACE cache through per-CPU magazines:
 * kmemleak neither scans them (so @addr cannot hide a leak from it) nor
 * reports them. A live record is written before it is published in the
 * table; a free turns it into a freed record under the bucket lock (the
 * unions switch meaning then) and hands it to the quarantine, which owns it
 * from then on. A live record removed from the table belongs to whoever
 * removed it. A freed record stays in the table only while kmemguard holds
 * its memory (or, under KASAN, while KASAN's shadow says it is still freed),
 * so it never claims an address someone else may own.
 */
struct kmg_record {
	struct kmg_record *next;
	unsigned long addr;
	struct kmg_site *site;
	unsigned long size;
	void *owner;
	union {
		u64 when;
		struct kmg_site *free_site;
	};
	depot_stack_handle_t stack;
	union {
		gfp_t gfp;
		depot_stack_handle_t free_stack;
	};
	pid_t pid;
	u8 family;
	union {
		u8 order;
		u8 rz;
	};
	u8 ctx;
	u8 flags;
};

/* How far from its start a pointer is inside @rec's memory. */
static inline unsigned long kmg_record_extent(const struct kmg_record *rec)
{
	return kmg_fam(rec->family)->covers ?: rec->size;
}

/* Free @rec's memory the right way; the usual families by a direct call. */
static __always_inline void kmg_release(const struct kmg_record *rec)
{
	INDIRECT_CALL_3(kmg_fam(rec->family)->release, kmg_release_kmalloc,
			kmg_release_cache, kmg_release_pages, rec);
}

/*
 * A bad kfree_rcu() of @rec's memory (memory kvfree() cannot free): freed
 * the right way after a grace period (NULL), or not at all: devres frees
 * managed memory at unbind, and what a record owns (DMA memory's device, a
 * DMA pool) may be gone by then.
 */
static inline const char *kmg_rcu_unrepaired(const struct kmg_record *rec)
{
	const struct kmg_family_ops *fam = kmg_fam(rec->family);

	if (fam->managed)
		return "left to devres (freed at unbind)";
	if (fam->put_owner)
		return "left allocated (what it needs may be gone after a grace period)";
	return NULL;
}

/*
 * What happens to a bad free of @rec's memory through @api instead of a
 * repair, or NULL.
 */
static inline const char *kmg_unrepaired(const struct kmg_record *rec,
					 enum kmg_free_api api)
{
	const struct kmg_family_ops *fam = kmg_fam(rec->family);
	const char *left = NULL;

	if (api == KMG_FREE_RCU)
		left = kmg_rcu_unrepaired(rec);
	if (!left && fam->unrepaired_here)
		left = fam->unrepaired_here(rec);
	return left ?: fam->unrepaired;
}

/* Lookup results of kmg_record_mark_freed(). */
enum kmg_lookup {
	KMG_LOOKUP_NONE,	/* not tracked */
	KMG_LOOKUP_LIVE,	/* was live, now marked freed */
	KMG_LOOKUP_FREED,	/* already freed: in the quarantine */
};

int kmg_table_init(void);
void kmg_table_exit(void);
void kmg_record_track(struct kmg_site *site, const void *p, size_t size,
		      gfp_t gfp, enum kmg_family family, unsigned int order,
		      void *owner, unsigned int flags);
struct kmg_record *kmg_record_untrack(const void *p);
struct kmg_record *kmg_record_untrack_owned(const void *p, const void *owner);
void kmg_record_restore(struct kmg_record *rec);
void kmg_record_put(struct kmg_record *rec);
enum kmg_lookup kmg_record_mark_freed(const void *p, struct kmg_site *free_site,
				      const struct kmg_free_call *call,
				      struct kmg_record **rec,
				      struct kmg_record *copy);
enum kmg_lookup __kmg_record_mark_freed(const void *p,
					struct kmg_site *free_site,
					const struct kmg_free_call *call,
					struct kmg_record **rec,
					struct kmg_record *copy);
void __kmg_record_put(struct kmg_record *rec);
bool kmg_table_find_freed(unsigned long p, enum kmg_free_api api,
			  struct kmg_record *copy);
void kmg_table_forget_freed(const void *p);
void kmg_record_evict(struct kmg_record *rec);
void __kmg_record_evict(struct kmg_record *rec);
void kmg_record_unlink_freed(struct kmg_record *rec);
void kmg_record_released(struct kmg_record *rec);
/*
 * The largest slab object whose interior pointers an untracked free looks
 * for (kmalloc's largest slab size class with 4 KiB pages; a kmem_cache's
 * objects are looked for up to this size): one holding @p starts at most
 * this far below it, which bounds the probes and the occupancy counts they
 * read.
 */
#define KMG_INTERIOR_MAX	8192
bool kmg_table_find_containing(unsigned long p, unsigned long span,
			       unsigned long step, struct kmg_record *copy);
bool kmg_table_may_hold(const void *p);
bool kmg_table_range_quiet(unsigned long lo, unsigned long hi);
#if IS_ENABLED(CONFIG_KUNIT)
int kmg_table_occupancy(unsigned long addr);
unsigned long kmg_table_occupancy_wrong(void);
#endif
bool kmg_table_find_exact(unsigned long p, struct kmg_record *copy);
bool kmg_table_find_exact_try(unsigned long p, struct kmg_record *copy);
bool kmg_table_inside_slab_object(const void *p, struct kmg_record *copy);
unsigned long kmg_table_collect_cache(struct kmem_cache *s,
				      struct kmg_record *copies,
				      unsigned long max,
				      unsigned long *creations);
unsigned long kmg_table_collect_owned(enum kmg_family family,
				      const void *owner,
				      struct kmg_record *copies,
				      unsigned long max);
void kmg_table_flush(void);
struct kmg_record *kmg_table_extract_module(struct module *mod,
					    unsigned long *count);
unsigned int kmg_table_buckets(void);
bool kmg_table_copy(unsigned int bucket, unsigned int nth,
		    struct kmg_record *copy);
bool kmg_table_bucket_empty(unsigned int bucket);
/* redzone.c's checks: @fn runs under the bucket (or ring) lock. */
typedef bool (*kmg_scan_fn)(struct kmg_record *rec, void *arg);
bool kmg_table_scan(unsigned int bucket, unsigned int *nth, kmg_scan_fn fn,
		    void *arg);
bool kmg_table_set_rz(const void *p, u8 set, struct kmg_record *copy);
void kmg_record_unpoison(struct kmg_record *rec);
extern atomic_t kmg_fail_records;

/* === Quarantine (quarantine.c) ========================================= */

void kmg_quarantine_add(struct kmg_record *rec);
void __kmg_quarantine_add(struct kmg_record *rec);
typedef bool (*kmg_match_fn)(const struct kmg_record *rec, const void *arg);
void kmg_quarantine_flush(kmg_match_fn match, const void *arg);
void kmg_quarantine_trim(void);
unsigned long kmg_quarantine_held_bytes(void);
int kmg_quarantine_init(void);
void kmg_quarantine_exit(void);
bool kmg_quarantine_scan(int cpu, unsigned int *pos, kmg_scan_fn fn,
			 void *arg);

/* === Redzones, poison, guarded objects (redzone.c, guard.c) ============ */

/* What a site's allocations get: chosen per module, or module and line. */
enum kmg_rz_mode {
	KMG_RZ_OFF,		/* nothing (the default) */
	KMG_RZ_REDZONE,		/* redzones while live, poison while held */
	KMG_RZ_GUARD,		/* a guarded object (guard.c), else redzones */
};

/* rec->rz of a kmalloc, slab-cache or vmalloc object with KMG_REC_POISON */
#define KMG_RZ_KSIZE	0x01	/* ksize() was asked: that much is usable */
#define KMG_RZ_NOPOISON	0x02	/* not poisoned when held (constructor, RCU) */
#define KMG_RZ_REPORTED	0x04	/* its redzone was reported (on demand) */

/* The patterns, SLUB's: live redzones, and freed memory held back. */
#define KMG_RZ_BYTE	0xcc	/* SLUB_RED_ACTIVE */
#define KMG_POISON_BYTE	0x6b	/* POISON_FREE */

DECLARE_STATIC_KEY_FALSE(kmg_rz_key);		/* a site may have redzones */
DECLARE_STATIC_KEY_FALSE(kmg_guard_key);	/* the guard pool exists */
extern unsigned long kmg_guard_start, kmg_guard_size;	/* set before the key */

#ifndef __GENKSYMS__
/* What an allocation at @site gets; a static key when nothing has any. */
static __always_inline unsigned int kmg_rz_mode_of(const struct kmg_site *site)
{
	if (!static_branch_unlikely(&kmg_rz_key))
		return KMG_RZ_OFF;
	return READ_ONCE(site->rz_mode);
}
#endif

/* Is @p in the guard pool (guard.c)? A static key when there is none. */
static __always_inline bool kmg_guard_addr(const void *p)
{
	return static_branch_unlikely(&kmg_guard_key) &&
	       (unsigned long)p - kmg_guard_start < kmg_guard_size;
}

/* The page order a listing shows: @order is @rz outside the page families. */
static inline unsigned int kmg_record_order(const struct kmg_record *rec)
{
	/* (Page memory: kmalloc(), slab and vmalloc records keep rz there.) */
	return kmg_fam(rec->family)->fault_class == KMG_FAM_PAGES ?
	       rec->order : 0;
}

/* === Counters (core.c) ================================================= */

/* Global counters, shown in debugfs "stats"; per-CPU, summed on read. */
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
	KMG_COUNT_HELD_RELEASED,
	KMG_COUNT_REPAIRED,
	KMG_COUNT_REPORTS_SUPPRESSED,
	KMG_COUNT_INJECTED,
	KMG_COUNT_NMI_DEFERRED,
	KMG_COUNT_SITES,
	KMG_COUNT_DROPPED,
	KMG_COUNT_RZ_OBJECTS,
	KMG_COUNT_RZ_CHECKED,
	KMG_COUNT_GUARDED,
	KMG_COUNT_GUARD_MISSED,
	KMG_COUNT_KEY_OFF_CALLS,
	KMG_COUNT_AFTER_EXIT,
	KMG_COUNT_NR,
};

/* In a struct: sparse loses __percpu on per-CPU arrays. */
struct kmg_counters {
	long c[KMG_COUNT_NR];
};

DECLARE_PER_CPU(struct kmg_counters, kmg_counters);
extern const char *const kmg_counter_names[KMG_COUNT_NR];

static inline void kmg_count(enum kmg_counter c)
{
	if (!KMG_SKIP(COUNTERS))
		this_cpu_inc(kmg_counters.c[c]);
}

/* The hot path's counters, interrupts off. */
static __always_inline void __kmg_count_add(enum kmg_counter c, long n)
{
	if (!KMG_SKIP(COUNTERS))
		__this_cpu_add(kmg_counters.c[c], n);
}

static inline void kmg_count_add(enum kmg_counter c, long n)
{
	this_cpu_add(kmg_counters.c[c], n);
}

long kmg_counter_read(enum kmg_counter c);
void kmg_counters_read(long *v);
void kmg_sites_counts(long *v);
void kmg_going_lock(void);
void kmg_module_going(struct module *mod);
void kmg_going_unlock(void);

/* core.c: run-time settings (module parameters, debugfs "control"). */
DECLARE_STATIC_KEY_TRUE(kmemguard_enabled_key);

extern bool kmg_enabled;
extern unsigned int kmg_stack_depth;
extern unsigned int kmg_stack_sample_rate;
extern unsigned int kmg_report_objects;
extern bool kmg_raw_pointers;
extern bool kmg_hints;
extern unsigned int kmg_quarantine_slots;
int kmg_set_enabled(bool on);

/* The largest object the quarantine holds the memory of. */
#define KMG_QUARANTINE_OBJECT	(64 * 1024)

#ifndef __GENKSYMS__
/* May the quarantine keep the memory of @rec, freed through @api? */
static __always_inline bool kmg_can_hold(struct kmg_record *rec,
					 const struct kmg_free_call *call)
{
	enum kmg_free_api api = call->api;
	const struct kmg_family_ops *fam = kmg_fam(rec->family);

	if (KMG_SKIP(QUARANTINE))
		return false;
	if (!fam->holdable || !READ_ONCE(kmg_quarantine_slots))
		return false;
	/* kfree_rcu(): the kernel frees it after a grace period. */
	if (api == KMG_FREE_RCU)
		return false;
	if (rec->size > KMG_QUARANTINE_OBJECT)
		return false;
	return !fam->hold || fam->hold(rec, call);
}
#endif

/*
 * Loaded with enabled=0, the static key is off and the wrappers cost a
 * no-op jump. Disabling at run time only clears kmg_enabled (one word the
 * wrappers read): it never patches code that other CPUs may be running.
 */
static __always_inline bool kmg_tracking(void)
{
	if (!static_branch_likely(&kmemguard_enabled_key)) {
		/*
		 * The header's hottest calls never get here then (wrap.h:
		 * __kmg_active()); counted so that a test can tell.
		 */
		kmg_count(KMG_COUNT_KEY_OFF_CALLS);
		return false;
	}
	return READ_ONCE(kmg_enabled);
}

/* === Checks (check.c) ================================================== */

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
	KMG_BUG_NMI,
	KMG_BUG_SLAB_OOB,
	KMG_BUG_VMALLOC_OOB,
	KMG_BUG_UAF,
	KMG_BUG_DMA_FREE_IRQS_OFF,
	KMG_BUG_WRONG_POOL,
	KMG_BUG_NR,
};

/* What kmg_check_alloc() decided about an allocation about to be made. */
enum kmg_alloc_verdict {
	KMG_ALLOC_OK,
	KMG_ALLOC_REPAIRED,	/* run without its blocking flags */
	KMG_ALLOC_REFUSED,	/* cannot run here at all: return NULL */
	KMG_ALLOC_DEFERRED,	/* (a destroy) done later, where it may sleep */
};

/* The context an operation runs in, as a record keeps it. */
static __always_inline enum kmg_context kmg_current_context(void)
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
 * Does context @ctx run in a task of its own, which current then is? Task
 * context, and on PREEMPT_RT softirqs too (they run in a thread, ksoftirqd/N
 * or ktimers/N, or in the task that enabled bottom halves, which then runs
 * them). Not a hard interrupt or NMI (current is whoever was interrupted),
 * nor a softirq elsewhere: run on an interrupt's exit, current is the
 * interrupted task; from ksoftirqd or local_bh_enable() it is the one
 * running it, and the two cannot be told apart cheaply, so none is named.
 */
static __always_inline bool kmg_context_has_task(enum kmg_context ctx)
{
	return ctx == KMG_CTX_TASK ||
	       (IS_ENABLED(CONFIG_PREEMPT_RT) && ctx == KMG_CTX_SOFTIRQ);
}

/*
 * May the current context sleep? The same rule as the kernel's own
 * might_sleep() check: no preemption count (spinlock, rwlock,
 * preempt_disable(), bottom halves off, any interrupt context), interrupts
 * on, outside rcu_read_lock(). Needs a preempt count that sees spinlocks
 * (CONFIG_PREEMPT_COUNT: every supported Debian kernel has it).
 */
static __always_inline bool kmg_context_may_sleep(void)
{
	return !preempt_count() && !irqs_disabled() && !rcu_preempt_depth() &&
	       !oops_in_progress;
}

/*
 * The fast check of an allocation's context: true if nothing needs to be
 * reported or repaired (kmg_check_alloc() decides the rest).
 */
static __always_inline bool kmg_alloc_context_ok(gfp_t gfp, bool always_blocks)
{
	if (KMG_SKIP(CHECKS))
		return true;
	if (always_blocks || gfpflags_allow_blocking(gfp))
		return kmg_context_may_sleep();
	return !IS_ENABLED(CONFIG_PREEMPT_RT) && !READ_ONCE(kmg_hints);
}

enum kmg_alloc_verdict kmg_check_alloc(struct kmg_site *site, gfp_t *gfp,
				       bool always_blocks, const char *call);
enum kmg_bug kmg_free_verdict(const struct kmg_record *rec,
			      const struct kmg_free_call *call);

#ifndef __GENKSYMS__
/*
 * What is wrong with freeing live object @rec through @call, if anything:
 * kmg_free_verdict(), inline for the free fast path.
 */
static __always_inline enum kmg_bug
__kmg_free_verdict(const struct kmg_record *rec, const struct kmg_free_call *call)
{
	const struct kmg_family_ops *fam = kmg_fam(rec->family);

	if (!(fam->frees & BIT(call->api)))
		return KMG_BUG_MISMATCHED_FREE;
	if ((call->api == KMG_FREE_PAGES || call->api == KMG_FREE_PUT_PAGE) &&
	    call->order != rec->order)
		return KMG_BUG_WRONG_ORDER;
	if (call->api == KMG_FREE_CACHE && call->cache != rec->owner)
		return KMG_BUG_WRONG_CACHE;
	/* The family's own arguments (DMA: device, size, handle). */
	if (unlikely(fam->check_free))
		return fam->check_free(rec, call, NULL, 0);
	if (call->api == KMG_FREE_MEMPOOL && (void *)call->pool != rec->owner)
		return KMG_BUG_WRONG_POOL;
	return KMG_BUG_NONE;
}
#endif
bool kmg_untracked_free_is_plain(const void *p, const struct kmg_free_call *call);
enum kmg_bug kmg_check_untracked_free(const void *p,
				      const struct kmg_free_call *call,
				      struct kmg_record *inside, bool *found);
bool kmg_kasan_still_freed(const void *p);
bool kmg_pages_split(unsigned long addr, unsigned int order);
bool kmg_pages_stale(const struct kmg_record *rec, unsigned int order);

/* === Reports (report.c): one formatter, two sinks ====================== */

struct kmg_sink {
	struct seq_file *seq;	/* NULL: printk at KERN_ERR */
	bool raw;		/* the reader gave the address: print it raw */
};

__printf(2, 3) void kmg_printf(struct kmg_sink *sink, const char *fmt, ...);
void kmg_print_record(struct kmg_sink *sink, const struct kmg_record *rec,
		      bool with_stack);
void kmg_print_site_header(struct kmg_sink *sink);
void kmg_print_site(struct kmg_sink *sink, struct kmg_site *site);
void kmg_report_leaks(struct module *mod, struct kmg_record *leaked,
		      unsigned long count);
void kmg_report_free(enum kmg_bug bug, struct kmg_site *site,
		     const struct kmg_free_call *call, const void *p,
		     const struct kmg_record *rec);
void kmg_report_alloc(enum kmg_bug bug, struct kmg_site *site, gfp_t gfp,
		      gfp_t run, enum kmg_alloc_verdict verdict, const char *call);
void kmg_report_free_context(enum kmg_bug bug, struct kmg_site *site,
			     const struct kmg_free_call *call, const void *p,
			     bool deferred);
void kmg_report_cache_not_empty(struct kmg_site *site, const char *call,
				const void *s, struct kmg_record *live,
				unsigned long n, unsigned long shown);
extern atomic_long_t kmg_bug_counts[KMG_BUG_NR];
extern const char *const kmg_bug_names[KMG_BUG_NR];
unsigned long kmg_leak_sort(struct kmg_record **recs, unsigned long n);
const char *kmg_context_name(enum kmg_context ctx);

/* === Fault rules (fault.c) ============================================= */

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
 * @family:	enum kmg_family (a fault class), -1 for any
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
 * @last:	"file:line function" of the last injected failure (a copy)
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

DECLARE_STATIC_KEY_FALSE(kmg_faults_key);
int kmg_fault_parse(char *line, struct kmg_fault_rule *r, const char **why);
bool kmg_fault_inject(struct kmg_site *site, enum kmg_family family, gfp_t gfp,
		      size_t size);
int kmg_fault_add(char *line);
void kmg_fault_clear(void);
void kmg_fault_show(struct seq_file *m);
unsigned long kmg_fault_injected_into(const char *modname, char *last,
				      size_t len);

/* === Entry points' helpers (wrappers.c) ================================ */

void kmg_mempool_free_check(struct kmemguard_site *desc, const void *p,
			    struct mempool_s *pool);

int kmg_wrappers_init(void);
void kmg_wrappers_exit(void);
void kmg_nmi_sync(void);
void kmg_devm_module_gone(struct module *mod);
void kmg_devm_forget_records(void);
void kmg_devm_release_memory(const struct kmg_record *rec);
void kmg_devm_release_percpu(const struct kmg_record *rec);
void kmg_devm_release_pages(const struct kmg_record *rec);
void kmg_wipe_sensitive(const void *p, const struct kmg_free_call *call,
			const struct kmg_record *copy);

/* === Frees through function pointers and __free() (indirect.c) ========= */

int kmg_indirect_init(void);
void kmg_indirect_exit(void);

/* === DMA memory (dma.c) ================================================ */

/* What a DMA allocation was given, besides its size. */
struct kmg_dma_args {
	dma_addr_t handle;
	unsigned long attrs;		/* DMA_ATTR_*; the direction (_NC) */
	char devname[32];		/* the device's name, a copy */
};

/**
 * struct kmg_dma_info - what a DMA record owns (its ->owner)
 * @rwork:	frees it a grace period after its record died
 * @later:	on dma.c's list of held memory to give back (its record owns
 *		it then)
 * @rec:	that record (@later)
 * @dev:	the allocating device (immutable): compared with a free's,
 *		used to free it with
 * @ref:	a reference to @dev is held (set under the record's bucket
 *		lock when the quarantine holds the memory; then the record's
 *		owner's)
 * @args:	handle, attributes, device name (immutable)
 */
struct kmg_dma_info {
	struct rcu_work rwork;
	struct llist_node later;
	struct kmg_record *rec;
	struct device *dev;
	bool ref;
	struct kmg_dma_args args;
};

int kmg_dma_init(void);
void kmg_dma_exit(void);
void kmg_dma_sync(void);
void kmg_dma_module_going(void);
void kmg_dma_tombs_clear(void);
bool kmg_dma_plain(struct device *dev);
void kmg_dma_release(const struct kmg_record *rec);
void kmg_dma_release_later(struct kmg_record *rec);
bool kmg_dma_hold(struct kmg_record *rec, const struct kmg_free_call *call);
bool kmg_dma_defer(struct kmg_record *rec);
int kmg_dma_check_free(const struct kmg_record *rec,
		       const struct kmg_free_call *call, char *why, size_t len);
void kmg_dma_info_put(void *owner);
int kmg_dma_describe(const struct kmg_record *rec, char *buf, size_t len);
void kmg_dmam_release_memory(const struct kmg_record *rec);
const char *kmg_dmam_unrepaired_here(const struct kmg_record *rec);
const char *kmg_dma_unrepaired_here(const struct kmg_record *rec);
enum kmg_bug kmg_dma_untracked_free(const void *p,
				    const struct kmg_free_call *call,
				    struct kmg_record *inside, bool *found);
/* A managed DMA allocation, as kmemguard's devres entry frees it. */
struct kmg_devm_dma {
	struct kmg_dma_info *info;	/* its record's owner (compared only) */
	size_t size;
	dma_addr_t handle;
	unsigned long attrs;
};

void kmg_dma_devm_free(struct device *dev, void *p,
		       const struct kmg_devm_dma *dma);

/* === DMA pools (dmapool.c) ============================================= */

/**
 * struct kmg_dmapool_info - what a DMA pool's or element's record owns
 * @rcu:	frees it a grace period after its record died
 * @later:	on dmapool.c's list of held elements to give back (its record
 *		owns it then; PREEMPT_RT)
 * @rec:	that record (@later)
 * @pool:	the pool (immutable): an element's, to free it to
 * @dev:	the pool's device (immutable; compared and named only)
 * @handle:	an element's DMA handle (immutable)
 * @size:	a pool's block size as asked (immutable)
 * @name:	the pool's name, a copy (immutable)
 * @devname:	its device's name, a copy (immutable)
 */
struct kmg_dmapool_info {
	struct rcu_head rcu;
	struct llist_node later;
	struct kmg_record *rec;
	struct dma_pool *pool;
	struct device *dev;
	dma_addr_t handle;
	size_t size;
	char name[32];
	char devname[32];
};

int kmg_dmapool_init(void);
void kmg_dmapool_exit(void);
void kmg_dmapool_sync(void);
void kmg_dmapool_release(const struct kmg_record *rec);
void kmg_dmapool_release_later(struct kmg_record *rec);
void kmg_dmapool_release_pool(const struct kmg_record *rec);
int kmg_dmapool_check_free(const struct kmg_record *rec,
			   const struct kmg_free_call *call, char *why,
			   size_t len);
void kmg_dmapool_info_put(void *owner);
int kmg_dmapool_describe(const struct kmg_record *rec, char *buf, size_t len);
void kmg_dmapool_devm_destroy(struct device *dev, struct dma_pool *pool);

/* === debugfs (debugfs.c) =============================================== */

void kmg_debugfs_init(void);
void kmg_debugfs_exit(void);
extern char kmg_filter_module[MODULE_NAME_LEN];

/* === Redzones and guarded objects: the functions (redzone.c, guard.c) == */

#define KMG_RZ_DUMP	32	/* bytes of memory a report shows */

/**
 * struct kmg_rz_finding - a corrupted redzone or poison, for the report
 * @rec:	the object's record (a copy)
 * @bug:	KMG_BUG_SLAB_OOB, KMG_BUG_VMALLOC_OOB or KMG_BUG_UAF
 * @when:	how it was found, for the report's second line
 * @at:		the free's site when it was found at a free, else NULL
 * @first:	offset of the first bad byte from the object's start (negative
 *		before it)
 * @last:	offset of the last bad byte
 * @bad:	how many bytes differ from the pattern
 * @usable:	bytes of the object the driver may use (its size, or what
 *		ksize() told it)
 * @pattern:	what the bad bytes should have been
 * @dump_len:	bytes in @dump
 * @dump_off:	offset of @dump[0] from the object's start
 * @good:	bit i set: @dump[i] is not corrupted (or not checked)
 * @dump:	the memory around the first bad byte
 */
struct kmg_rz_finding {
	struct kmg_record rec;
	enum kmg_bug bug;
	const char *when;
	const struct kmg_site *at;
	long first;
	long last;
	unsigned long bad;
	unsigned long usable;
	u8 pattern;
	u8 dump_len;
	long dump_off;
	u32 good;
	u8 dump[KMG_RZ_DUMP];
};

int kmg_rz_init(void);
void kmg_rz_exit(void);
unsigned int kmg_rz_site_mode(const struct kmg_site *site);
void *kmg_rz_kmalloc(struct kmg_site *site, size_t size, gfp_t gfp, int node,
		     u8 *rz);
unsigned int kmg_rz_new(const void *p, size_t size, enum kmg_family family,
			u8 *rz);
unsigned int kmg_rz_cache_create_size(struct kmg_site *site, unsigned int size,
				      slab_flags_t *flags);
void kmg_rz_cache_created(struct kmg_site *site, struct kmem_cache *s,
			  unsigned int size, unsigned int align,
			  slab_flags_t flags, bool ctor);
void kmg_rz_cache_destroyed(struct kmem_cache *s);
size_t kmg_rz_cache_size(struct kmem_cache *s, size_t size);
void *kmg_rz_cache_alloc(struct kmg_site *site, struct kmem_cache *s,
			 struct list_lru *lru, size_t size, gfp_t gfp, u8 *rz);
bool kmg_rz_free(struct kmg_site *site, const void *p,
		 const struct kmg_free_call *call, struct kmg_record *rec,
		 const struct kmg_record *copy);
void kmg_rz_evict(struct kmg_record *rec);
void kmg_rz_check_leaked(struct kmg_record *leaked);
int kmg_rz_check_all(void);
size_t kmg_rz_usable(const struct kmg_record *rec);
bool kmg_rz_krealloc_owned(const void *p, struct kmg_record *copy);
int kmg_rz_control(const char *cmd);
void kmg_rz_control_show(struct seq_file *m);
void kmg_rz_stats_show(struct seq_file *m);

int kmg_guard_setup(void);
void kmg_guard_exit(void);
void *kmg_guard_alloc(size_t size, unsigned int align);
void kmg_guard_hold(const void *p);
void kmg_guard_release(const void *p);
bool kmg_guard_live(const void *p);
int kmg_guard_passthrough(const void *p, enum kmg_free_api api);
void *kmg_guard_krealloc(const void *p, size_t size, gfp_t gfp);
bool kmg_guard_find(const void *p, struct kmg_record *copy);

void kmg_report_corruption(const struct kmg_rz_finding *f);
void kmg_report_guard_fault(enum kmg_bug bug, const struct kmg_record *rec,
			    unsigned long addr, unsigned long obj, size_t size,
			    bool write, struct pt_regs *regs);

#endif /* _KMG_H */
