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
 * Frees stop tracking before the memory goes back to the allocator, and
 * allocations start tracking after they return: an address is then never in
 * the table twice, even when another CPU gets the same memory back at once.
 *
 * No locks of their own; see table.c.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/overflow.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "kmg.h"

/* Whether to record an allocation from @site. */
static __always_inline bool kmg_tracks(struct kmemguard_site *site)
{
	return kmg_tracking() && site;
}

/* === kmalloc family ====================================================== */

static void *kmg_kmalloc(struct kmemguard_site *site, size_t size, gfp_t gfp,
			 int node)
{
	void *p = kmg_raw_kmalloc_node(size, gfp, node);

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
	const char *p = kstrdup_const(s, gfp);

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
	void *p = kmg_raw_kvmalloc_node(size, gfp, node);

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

/* Stop tracking @p, which is being freed (or queued to be freed). */
static void kmg_untrack(const void *p)
{
	struct kmg_record *rec;

	if (!kmg_tracking())
		return;
	rec = kmg_track_free(p);
	if (rec)
		kmg_record_release(rec);
}

void kmemguard_kfree(struct kmemguard_site *site, const void *p)
{
	kmg_untrack(p);
	kfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree);

void kmemguard_kfree_sensitive(struct kmemguard_site *site, const void *p)
{
	kmg_untrack(p);
	kfree_sensitive(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_sensitive);

void kmemguard_kfree_const(struct kmemguard_site *site, const void *p)
{
	kmg_untrack(p);
	kfree_const(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_const);

void kmemguard_kvfree(struct kmemguard_site *site, const void *p)
{
	kmg_untrack(p);
	kvfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree);

/* kfree_rcu() and friends: untracked when queued; RCU frees it later. */
void kmemguard_kvfree_rcu_queued(struct kmemguard_site *site, const void *p)
{
	kmg_untrack(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree_rcu_queued);

/* === vmalloc family ====================================================== */

void *kmemguard_vmalloc(struct kmemguard_site *site, unsigned long size,
			gfp_t gfp, int node, bool user)
{
	void *p;

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
	kmg_untrack(p);
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
	unsigned long addr = kmg_raw_get_free_pages(gfp, order);

	if (kmg_tracks(site))
		kmg_track_alloc(site, (void *)addr, PAGE_SIZE << order, gfp,
				KMG_FAM_PAGES, order, NULL, 0);
	return addr;
}
EXPORT_SYMBOL_GPL(kmemguard_get_free_pages);

struct page *kmemguard_alloc_pages(struct kmemguard_site *site, gfp_t gfp,
				   unsigned int order)
{
	struct page *page = kmg_raw_alloc_pages(gfp, order);

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
	if (addr)
		kmg_untrack((void *)addr);
	free_pages(addr, order);
}
EXPORT_SYMBOL_GPL(kmemguard_free_pages);

void kmemguard___free_pages(struct kmemguard_site *site, struct page *page,
			    unsigned int order)
{
	kmg_untrack(page_address(page));
	__free_pages(page, order);
}
EXPORT_SYMBOL_GPL(kmemguard___free_pages);

/* === slab caches ========================================================= */

struct kmem_cache *kmemguard_cache_created(struct kmemguard_site *site,
					   struct kmem_cache *s)
{
	if (kmg_tracks(site))
		kmg_track_alloc(site, s, s ? kmem_cache_size(s) : 0, GFP_KERNEL,
				KMG_FAM_CACHE_STRUCT, 0, NULL, 0);
	return s;
}
EXPORT_SYMBOL_GPL(kmemguard_cache_created);

void kmemguard_kmem_cache_destroy(struct kmemguard_site *site,
				  struct kmem_cache *s)
{
	if (s)
		kmg_untrack(s);
	kmem_cache_destroy(s);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_destroy);

void *kmemguard_kmem_cache_alloc(struct kmemguard_site *site,
				 struct kmem_cache *s, gfp_t gfp)
{
	void *p = kmg_raw_kmem_cache_alloc(s, gfp);

	if (kmg_tracks(site))
		kmg_track_alloc(site, p, kmem_cache_size(s), gfp, KMG_FAM_CACHE,
				0, s, 0);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc);

void kmemguard_kmem_cache_free(struct kmemguard_site *site,
			       struct kmem_cache *s, void *p)
{
	kmg_untrack(p);
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
	kmg_untrack(*(void **)res);
}

static int kmg_devm_match(struct device *dev, void *res, void *data)
{
	return *(void **)res == data;
}

void *kmemguard_devm_kmalloc(struct kmemguard_site *site, struct device *dev,
			     size_t size, gfp_t gfp)
{
	void *p = devm_kmalloc(dev, size, gfp);
	void **dr;

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
	kmg_track_alloc(site, p, size, gfp, KMG_FAM_DEVM, 0, NULL, 0);
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
	/* Runs kmg_devm_release(), which untracks p, if kmemguard tracks it. */
	devres_release(dev, kmg_devm_release, kmg_devm_match, (void *)p);
	devm_kfree(dev, p);
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kfree);
