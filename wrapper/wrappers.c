// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard entry points: one exported function per allocator call, called
 * by the macros of kmemguard.h with the driver's call site. Each does the
 * real allocation or free (the *_noprof variant where the kernel has one,
 * see compat.h) and tells the record table (table.c) about it. With
 * kmemguard disabled (static key off) they are plain calls.
 *
 * A NULL site is an allocation inside a kernel header's inline function:
 * the kernel's, not the driver's, so it is passed through untracked.
 *
 * Allocations are checked for their context before they run and start
 * tracking after they return. Frees are checked (kmg_free()) before the
 * memory goes back: a double or invalid free is reported and refused; a
 * mismatched, wrong-order or wrong-cache free is reported and completed with
 * the call that matches what was really allocated (kmg_free_memory()). Freed
 * records go to the quarantine, which on kernels without KASAN also holds
 * the memory of kmalloc, slab-cache and page objects back for a while, so a
 * double free of them is recognised exactly and cannot hit reused memory.
 * (With KASAN its own quarantine does that, and holding memory here would
 * hide use-after-free from it.)
 *
 * No locks of their own; see table.c.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/kmemleak.h>
#include <linux/overflow.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "kmg.h"

static bool kmg_match_cache(const struct kmg_record *rec, const void *s)
{
	return rec->family == KMG_FAM_CACHE && rec->cache == s;
}

/* Whether to record an allocation from @site. */
static __always_inline bool kmg_tracks(struct kmemguard_site *site)
{
	return kmg_tracking() && site;
}

/* === kmalloc family ====================================================== */

/* Check the context of an allocation from @site about to be made. */
static __always_inline void kmg_pre_alloc(struct kmemguard_site *site,
					  gfp_t gfp, bool always_blocks,
					  const char *call)
{
	if (kmg_tracks(site))
		kmg_check_alloc_context(site, gfp, always_blocks, call);
}

/*
 * Should a fault rule fail this allocation? Then it fails like a real one:
 * counted at the site, no memory taken, NULL for the driver.
 */
static __always_inline bool kmg_inject(struct kmemguard_site *site,
				       enum kmg_fault_family family, gfp_t gfp,
				       size_t size)
{
	if (!kmg_tracks(site) || !kmg_fault_inject(site, family, gfp, size))
		return false;
	kmg_track_failed(site);
	return true;
}

static void *kmg_kmalloc(struct kmemguard_site *site, size_t size, gfp_t gfp,
			 int node)
{
	void *p;

	kmg_pre_alloc(site, gfp, false, "kmalloc()");
	if (kmg_inject(site, KMG_FAULT_FAM_KMALLOC, gfp, size))
		return NULL;
	p = kmg_raw_kmalloc_node(size, gfp, node);
	if (kmg_tracks(site))
		kmg_track_alloc(site, p, size, gfp, KMG_FAM_KMALLOC, 0, NULL, 0);
	return p;
}

void *kmemguard_kmalloc_node(struct kmemguard_site *site, size_t size,
			     gfp_t gfp, int node)
{
	return kmg_kmalloc(site, size, gfp, node);
}
EXPORT_SYMBOL_GPL(kmemguard_kmalloc_node);

void *kmemguard_kmalloc_array(struct kmemguard_site *site, size_t n,
			      size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes))) {
		if (kmg_tracks(site))
			kmg_track_failed(site);
		return NULL;
	}
	return kmg_kmalloc(site, bytes, gfp, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(kmemguard_kmalloc_array);

void *kmemguard_krealloc(struct kmemguard_site *site, const void *p,
			 size_t size, gfp_t gfp)
{
	struct kmg_record *old;
	void *ret;

	if (!kmg_tracks(site))
		return kmg_raw_krealloc(p, size, gfp);
	kmg_check_alloc_context(site, gfp, false, "krealloc()");
	if (size && kmg_inject(site, KMG_FAULT_FAM_KMALLOC, gfp, size))
		return NULL;	/* the old object stays the driver's */
	/*
	 * Untrack first: once krealloc() moved the object, its old address
	 * may be handed to another CPU at once.
	 */
	old = kmg_track_free(p);
	ret = kmg_raw_krealloc(p, size, gfp);
	if (!ret && old && size) {
		/* Failed: the old object is still the driver's. */
		kmg_track_restore(old);
		kmg_track_failed(site);
		return ret;
	}
	if (old)
		kmg_record_release(old);
	/*
	 * Track the result if the driver owned the old object (or there was
	 * none); memory kmemguard never saw stays untracked.
	 */
	if (old || ZERO_OR_NULL_PTR(p))
		kmg_track_alloc(site, ret, size, gfp, KMG_FAM_KMALLOC, 0,
				NULL, 0);
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_krealloc);

void *kmemguard_kmemdup(struct kmemguard_site *site, const void *src,
			size_t len, gfp_t gfp)
{
	void *p = kmg_kmalloc(site, len, gfp, NUMA_NO_NODE);

	if (p)
		memcpy(p, src, len);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmemdup);

char *kmemguard_kstrdup(struct kmemguard_site *site, const char *s, gfp_t gfp)
{
	return s ? kmemguard_kmemdup(site, s, strlen(s) + 1, gfp) : NULL;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrdup);

char *kmemguard_kstrndup(struct kmemguard_site *site, const char *s,
			 size_t max, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = kmg_kmalloc(site, len + 1, gfp, NUMA_NO_NODE);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrndup);

const char *kmemguard_kstrdup_const(struct kmemguard_site *site,
				    const char *s, gfp_t gfp)
{
	const char *p;

	kmg_pre_alloc(site, gfp, false, "kstrdup_const()");
	if (s && kmg_inject(site, KMG_FAULT_FAM_KMALLOC, gfp, strlen(s) + 1))
		return NULL;
	p = kstrdup_const(s, gfp);

	/* A string in the kernel's .rodata comes back as is: nothing to track. */
	if (kmg_tracks(site) && s && p != s)
		kmg_track_alloc(site, p, s ? strlen(s) + 1 : 0, gfp,
				KMG_FAM_KMALLOC, 0, NULL, 0);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrdup_const);

char *kmemguard_kvasprintf(struct kmemguard_site *site, gfp_t gfp,
			   const char *fmt, va_list ap)
{
	unsigned int len;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmg_kmalloc(site, len + 1, gfp, NUMA_NO_NODE);
	if (p)
		vsnprintf(p, len + 1, fmt, ap);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kvasprintf);

char *kmemguard_kasprintf(struct kmemguard_site *site, gfp_t gfp,
			  const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kmemguard_kvasprintf(site, gfp, fmt, ap);
	va_end(ap);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kasprintf);

void *kmemguard_kvmalloc_node(struct kmemguard_site *site, size_t size,
			      gfp_t gfp, int node)
{
	void *p;

	kmg_pre_alloc(site, gfp, false, "kvmalloc()");
	if (kmg_inject(site, KMG_FAULT_FAM_KMALLOC, gfp, size))
		return NULL;
	p = kmg_raw_kvmalloc_node(size, gfp, node);
	if (kmg_tracks(site))
		kmg_track_alloc(site, p, size, gfp,
				is_vmalloc_addr(p) ? KMG_FAM_VMALLOC :
						     KMG_FAM_KMALLOC,
				0, NULL, KMG_REC_KV);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kvmalloc_node);

void *kmemguard_kvmalloc_array(struct kmemguard_site *site, size_t n,
			       size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes))) {
		if (kmg_tracks(site))
			kmg_track_failed(site);
		return NULL;
	}
	return kmemguard_kvmalloc_node(site, bytes, gfp, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(kmemguard_kvmalloc_array);

/* Can the quarantine hold this freed object's memory back for a while? */
static bool kmg_can_hold(const struct kmg_record *rec,
			 const struct kmg_free_call *call)
{
	if (IS_ENABLED(CONFIG_KASAN) || !READ_ONCE(kmg_quarantine_slots))
		return false;
	if (call->api == KMG_FREE_KFREE_SENSITIVE || call->api == KMG_FREE_RCU)
		return false;	/* must be wiped now / RCU frees it */
	if (rec->size > 64 * 1024)
		return false;
	return rec->family == KMG_FAM_KMALLOC || rec->family == KMG_FAM_CACHE ||
	       rec->family == KMG_FAM_PAGES;
}

/**
 * kmg_free() - check a free of @p made at @site through @call
 *
 * Return: true if the caller should now make its own (plain) free call;
 * false if kmemguard took care of @p: refused it (double or invalid free),
 * freed it the right way (mismatch), or holds it in the quarantine.
 */
static bool kmg_free(struct kmemguard_site *site, const void *p,
		     const struct kmg_free_call *call)
{
	struct kmg_record copy, *rec;
	enum kmg_bug bug;
	bool found;

	if (!kmg_tracking() || ZERO_OR_NULL_PTR(p))
		return true;
	switch (kmg_track_mark_freed(p, site, kmg_save_stack(), &rec, &copy)) {
	case KMG_LOOKUP_NONE:
		bug = kmg_check_untracked_free(p, call, &copy, &found);
		if (!bug)
			return true;
		kmg_report_free(bug, site, call, p, found ? &copy : NULL);
		return false;
	case KMG_LOOKUP_FREED:
		kmg_report_free(KMG_BUG_DOUBLE_FREE, site, call, p, &copy);
		return false;
	case KMG_LOOKUP_LIVE:
	default:
		break;
	}
	bug = kmg_free_verdict(&copy, call);
	if (bug)
		kmg_report_free(bug, site, call, p, &copy);
	if (kmg_can_hold(&copy, call)) {
		/* Freed memory is nobody's: kmemleak must not call it a leak. */
		if (copy.family != KMG_FAM_PAGES)
			kmemleak_ignore(p);
		kmg_quarantine_add(rec, true);
		return false;
	}
	if (bug) {
		kmg_free_memory(&copy);
		kmg_quarantine_add(rec, false);
		return false;
	}
	kmg_quarantine_add(rec, false);
	return true;
}

static void kmg_devm_release(struct device *dev, void *res);
static int kmg_devm_match(struct device *dev, void *res, void *data);

/*
 * Release an object's memory with the call that matches how it was
 * allocated: used for held objects leaving the quarantine and to complete
 * a mismatched, wrong-order or wrong-cache free.
 */
void kmg_free_memory(const struct kmg_record *rec)
{
	void *p = (void *)rec->addr;

	switch (rec->family) {
	case KMG_FAM_KMALLOC:
		kfree(p);
		break;
	case KMG_FAM_VMALLOC:
		vfree(p);
		break;
	case KMG_FAM_PAGES:
		free_pages(rec->addr, rec->order);
		break;
	case KMG_FAM_CACHE:
		kmem_cache_free(rec->cache, p);
		break;
	case KMG_FAM_CACHE_STRUCT:
		kmem_cache_destroy(p);
		break;
	case KMG_FAM_DEVM:
		devres_destroy(rec->dev, kmg_devm_release, kmg_devm_match, p);
		devm_kfree(rec->dev, p);
		break;
	default:
		break;
	}
}

static const struct kmg_free_call kmg_call_kfree = { .api = KMG_FREE_KFREE };
static const struct kmg_free_call kmg_call_kfree_sensitive = {
	.api = KMG_FREE_KFREE_SENSITIVE };
static const struct kmg_free_call kmg_call_kvfree = { .api = KMG_FREE_KVFREE };
static const struct kmg_free_call kmg_call_rcu = { .api = KMG_FREE_RCU };
static const struct kmg_free_call kmg_call_vfree = { .api = KMG_FREE_VFREE };

void kmemguard_kfree(struct kmemguard_site *site, const void *p)
{
	if (kmg_free(site, p, &kmg_call_kfree))
		kfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree);

void kmemguard_kfree_sensitive(struct kmemguard_site *site, const void *p)
{
	if (kmg_free(site, p, &kmg_call_kfree_sensitive))
		kfree_sensitive(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_sensitive);

void kmemguard_kfree_const(struct kmemguard_site *site, const void *p)
{
	/* A string in the kernel's .rodata was never tracked: passed on. */
	if (kmg_free(site, p, &kmg_call_kfree))
		kfree_const(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_const);

void kmemguard_kvfree(struct kmemguard_site *site, const void *p)
{
	if (kmg_free(site, p, &kmg_call_kvfree))
		kvfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree);

/*
 * kfree_rcu() and friends: checked when queued. Returns the pointer to
 * queue, or NULL when kmemguard refused or completed the free itself.
 */
void *kmemguard_kvfree_rcu_queued(struct kmemguard_site *site, const void *p)
{
	return kmg_free(site, p, &kmg_call_rcu) ? (void *)p : NULL;
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree_rcu_queued);

/* === vmalloc family ====================================================== */

void *kmemguard_vmalloc(struct kmemguard_site *site, unsigned long size,
			gfp_t gfp, int node, bool user)
{
	void *p;

	kmg_pre_alloc(site, gfp, true, "vmalloc()");
	if (kmg_inject(site, KMG_FAULT_FAM_VMALLOC, gfp, size))
		return NULL;
	if (user)
		p = kmg_raw_vmalloc_user(size);
	else if (gfp & __GFP_ZERO)
		p = kmg_raw_vzalloc_node(size, node);
	else
		p = kmg_raw_vmalloc_node(size, node);
	if (kmg_tracks(site))
		kmg_track_alloc(site, p, size, gfp, KMG_FAM_VMALLOC, 0, NULL, 0);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_vmalloc);

void kmemguard_vfree(struct kmemguard_site *site, const void *p)
{
	if (kmg_free(site, p, &kmg_call_vfree))
		vfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_vfree);

/* === page allocator ====================================================== */

/*
 * Pages are keyed by their direct-map address, so free_pages() and
 * __free_pages() find the same record whichever way they were allocated.
 */
unsigned long kmemguard_get_free_pages(struct kmemguard_site *site,
				       gfp_t gfp, unsigned int order)
{
	unsigned long addr;

	kmg_pre_alloc(site, gfp, false, "__get_free_pages()");
	if (kmg_inject(site, KMG_FAULT_FAM_PAGES, gfp, PAGE_SIZE << order))
		return 0;
	addr = kmg_raw_get_free_pages(gfp, order);

	if (kmg_tracks(site))
		kmg_track_alloc(site, (void *)addr, PAGE_SIZE << order, gfp,
				KMG_FAM_PAGES, order, NULL, 0);
	return addr;
}
EXPORT_SYMBOL_GPL(kmemguard_get_free_pages);

struct page *kmemguard_alloc_pages(struct kmemguard_site *site, gfp_t gfp,
				   unsigned int order)
{
	struct page *page;

	kmg_pre_alloc(site, gfp, false, "alloc_pages()");
	if (kmg_inject(site, KMG_FAULT_FAM_PAGES, gfp, PAGE_SIZE << order))
		return NULL;
	page = kmg_raw_alloc_pages(gfp, order);

	if (kmg_tracks(site))
		kmg_track_alloc(site, page ? page_address(page) : NULL,
				PAGE_SIZE << order, gfp, KMG_FAM_PAGES, order,
				NULL, 0);
	return page;
}
EXPORT_SYMBOL_GPL(kmemguard_alloc_pages);

void kmemguard_free_pages(struct kmemguard_site *site, unsigned long addr,
			  unsigned int order)
{
	struct kmg_free_call call = { .api = KMG_FREE_PAGES, .order = order };

	if (!addr)
		return;
	if (kmg_free(site, (void *)addr, &call))
		free_pages(addr, order);
}
EXPORT_SYMBOL_GPL(kmemguard_free_pages);

void kmemguard___free_pages(struct kmemguard_site *site, struct page *page,
			    unsigned int order)
{
	struct kmg_free_call call = { .api = KMG_FREE_PAGES, .order = order };

	if (kmg_free(site, page_address(page), &call))
		__free_pages(page, order);
}
EXPORT_SYMBOL_GPL(kmemguard___free_pages);

/* === slab caches ========================================================= */

struct kmem_cache *kmemguard_cache_created(struct kmemguard_site *site,
					   struct kmem_cache *s)
{
	/* Checked after the fact: the creation is an argument of this call. */
	kmg_pre_alloc(site, GFP_KERNEL, true, "kmem_cache_create()");
	if (s && kmg_inject(site, KMG_FAULT_FAM_CACHE, GFP_KERNEL, 0)) {
		/* An injected failure takes nothing: undo the creation. */
		kmem_cache_destroy(s);
		return NULL;
	}
	if (kmg_tracks(site))
		kmg_track_alloc(site, s, s ? kmem_cache_size(s) : 0, GFP_KERNEL,
				KMG_FAM_CACHE_STRUCT, 0, NULL, 0);
	return s;
}
EXPORT_SYMBOL_GPL(kmemguard_cache_created);

void kmemguard_kmem_cache_destroy(struct kmemguard_site *site,
				  struct kmem_cache *s)
{
	static const struct kmg_free_call call = {
		.api = KMG_FREE_CACHE_DESTROY };
	struct kmg_record *live;
	unsigned long n, shown;

	if (!s)
		return;
	if (!kmg_tracking()) {
		kmem_cache_destroy(s);
		return;
	}
	kmg_check_alloc_context(site, GFP_KERNEL, true, "kmem_cache_destroy()");
	/* Objects the quarantine holds go back to the cache first. */
	kmg_quarantine_flush(kmg_match_cache, s);
	shown = READ_ONCE(kmg_report_objects);
	live = kcalloc(shown, sizeof(*live), GFP_KERNEL | __GFP_NOWARN);
	n = kmg_table_collect_cache(s, live, live ? shown : 0);
	if (n) {
		/* Destroying it would WARN and leak it anyway: keep it. */
		kmg_report_cache_not_empty(site, s, live, n, min(n, live ? shown : 0));
		kfree(live);
		return;
	}
	kfree(live);
	if (kmg_free(site, s, &call))
		kmem_cache_destroy(s);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_destroy);

void *kmemguard_kmem_cache_alloc(struct kmemguard_site *site,
				 struct kmem_cache *s, gfp_t gfp)
{
	void *p;

	kmg_pre_alloc(site, gfp, false, "kmem_cache_alloc()");
	if (kmg_inject(site, KMG_FAULT_FAM_CACHE, gfp, kmem_cache_size(s)))
		return NULL;
	p = kmg_raw_kmem_cache_alloc(s, gfp);

	if (kmg_tracks(site))
		kmg_track_alloc(site, p, kmem_cache_size(s), gfp, KMG_FAM_CACHE,
				0, s, 0);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc);

void kmemguard_kmem_cache_free(struct kmemguard_site *site,
			       struct kmem_cache *s, void *p)
{
	struct kmg_free_call call = { .api = KMG_FREE_CACHE, .cache = s };

	if (kmg_free(site, p, &call))
		kmem_cache_free(s, p);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_free);

/* === device-managed memory =============================================== */

/*
 * A tracked devm allocation carries a devres entry of kmemguard's, added
 * after the memory's own: devres releases in reverse order, so the record is
 * dropped just before devres frees the memory.
 */
static void kmg_devm_release(struct device *dev, void *res)
{
	struct kmg_record *rec = kmg_track_free(*(void **)res);

	if (rec)
		kmg_record_release(rec);
}

static int kmg_devm_match(struct device *dev, void *res, void *data)
{
	return *(void **)res == data;
}

void *kmemguard_devm_kmalloc(struct kmemguard_site *site, struct device *dev,
			     size_t size, gfp_t gfp)
{
	void **dr;
	void *p;

	kmg_pre_alloc(site, gfp, false, "devm_kmalloc()");
	if (kmg_inject(site, KMG_FAULT_FAM_KMALLOC, gfp, size))
		return NULL;
	p = devm_kmalloc(dev, size, gfp);

	if (!kmg_tracks(site))
		return p;
	if (ZERO_OR_NULL_PTR(p)) {
		kmg_track_alloc(site, p, size, gfp, KMG_FAM_DEVM, 0, NULL, 0);
		return p;
	}
	dr = devres_alloc(kmg_devm_release, sizeof(*dr),
			  gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS));
	if (!dr) {
		kmg_count(KMG_COUNT_DEGRADED);
		return p;
	}
	*dr = p;
	kmg_track_alloc(site, p, size, gfp, KMG_FAM_DEVM, 0, (void *)dev, 0);
	devres_add(dev, dr);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kmalloc);

void *kmemguard_devm_kmalloc_array(struct kmemguard_site *site,
				   struct device *dev, size_t n, size_t size,
				   gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes))) {
		if (kmg_tracks(site))
			kmg_track_failed(site);
		return NULL;
	}
	return kmemguard_devm_kmalloc(site, dev, bytes, gfp);
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kmalloc_array);

void kmemguard_devm_kfree(struct kmemguard_site *site, struct device *dev,
			  const void *p)
{
	static const struct kmg_free_call call = { .api = KMG_FREE_DEVM };

	if (kmg_free(site, p, &call)) {
		/* kmemguard's devres entry goes first, without running. */
		devres_destroy(dev, kmg_devm_release, kmg_devm_match, (void *)p);
		devm_kfree(dev, p);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kfree);
