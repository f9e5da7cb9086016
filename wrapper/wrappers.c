// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard entry points: one exported function per allocator call, called
 * by the macros of kmemguard.h with the driver's call site. Each does the
 * real allocation or free (the *_noprof variant where the kernel has one,
 * see compat.h) and tells the record table (record.c) about it. With
 * kmemguard disabled (static key off) they are plain calls.
 *
 * A NULL site is an allocation inside a kernel header's inline function:
 * the kernel's, not the driver's, so it is passed through untracked.
 *
 * Allocations: kmg_alloc_begin() checks the context (and repairs: no
 * blocking flags where sleeping is forbidden, NULL where the call cannot run
 * at all) and asks the fault rules, the real allocator runs, and
 * kmg_alloc_end() tracks the result. Frees: kmg_free() checks before the
 * memory goes back. A double or invalid free is reported and refused; a
 * mismatched, wrong-order or wrong-cache free is reported and completed
 * with the call that matches what was really allocated (family.c). Freed
 * records go to the quarantine, which holds the memory of the object back
 * for a while where the family table allows it, so a double free of it is
 * recognised exactly and cannot hit reused memory.
 *
 * Notes on locking:
 * - The entry points take no lock of their own on the hot path (see
 *   record.c and quarantine.c); a free runs its checks inside an RCU
 *   read-side critical section (interrupts off on the fast path,
 *   rcu_read_lock() on the others) so that disabling and module unload can
 *   wait for it. The lockless peeks that tell most untracked frees
 *   (kmg_table_may_hold(), kmg_untracked_free_is_plain()) need none: they
 *   read only the table, which lives as long as kmemguard, and the freed
 *   pointer's own page, which its caller holds; a free they pass on is one
 *   a disabled kmemguard would pass on too.
 * - Frees made in NMI context are parked in a per-CPU array of slots
 *   (claimed with cmpxchg, NMI-safe) and done by an irq_work on the same
 *   CPU; kmg_nmi_sync() waits for them (module unload, disable, exit).
 * - kmg_devm_lock (irq-safe) protects kmg_devm_list and every devres entry
 *   of kmemguard's (struct kmg_devm); see the devm section. A device's
 *   devres_lock may nest inside it (devm_krealloc(): kmg_devm_repoint());
 *   never the reverse: devres calls kmemguard's release and match
 *   functions outside its lock, or (match) where they take no lock.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/device.h>
#include <linux/dmapool.h>
#include <linux/irq_work.h>
#include <linux/kmemleak.h>
#include <linux/mempool.h>
#include <linux/overflow.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "entry.h"

/* === Allocations ========================================================= */

/*
 * redzone.c: what a site with redzones allocates gets them. A static key,
 * off until a redzone or guard rule is first set, then a byte of the site.
 */
static __always_inline bool kmg_alloc_rz(const struct kmg_alloc *a)
{
	return static_branch_unlikely(&kmg_rz_key) && a->site &&
	       READ_ONCE(a->site->rz_mode) != KMG_RZ_OFF;
}

/* redzone.c: the slack of what kvmalloc(), vmalloc() or pages gave. */
static __always_inline unsigned int kmg_alloc_rz_new(const struct kmg_alloc *a,
						     const void *p, size_t size,
						     enum kmg_family family,
						     u8 *rz)
{
	*rz = 0;
	if (likely(!kmg_alloc_rz(a)) || ZERO_OR_NULL_PTR(p))
		return 0;
	return kmg_rz_new(p, size, family, rz);
}

/* kmalloc() at a site with redzones (redzone.c): bigger, or guarded. */
static noinline void *kmg_kmalloc_rz(struct kmg_alloc *a, size_t size,
				     int node)
{
	void *p;
	u8 rz;

	p = kmg_rz_kmalloc(a->site, size, a->gfp, node, &rz);
	return kmg_alloc_end(a, p, size, KMG_FAM_KMALLOC, rz, NULL,
			     KMG_REC_POISON);
}

static __always_inline void *kmg_kmalloc(struct kmg_alloc *a,
					 struct kmemguard_site *desc,
					 size_t size, gfp_t gfp, int node)
{
	if (!kmg_alloc_begin(a, desc, gfp, KMG_FAM_KMALLOC, size, false,
			     "kmalloc()"))
		return NULL;
	if (unlikely(kmg_alloc_rz(a)))
		return kmg_kmalloc_rz(a, size, node);
	return kmg_alloc_end(a, kmg_raw_kmalloc_node(size, a->gfp, node), size,
			     KMG_FAM_KMALLOC, 0, NULL, 0);
}

/* An overflowing n * size: a failed allocation, counted at the site. */
static __always_inline void *kmg_overflow(struct kmemguard_site *desc)
{
	struct kmg_site *site;

	if (kmg_tracking() && desc && !in_nmi()) {
		site = kmg_site_of(desc, GFP_NOWAIT);
		if (site)
			kmg_site_failed(site);
	}
	return NULL;
}

void *kmemguard_kmalloc_node(struct kmemguard_site *desc, size_t size,
			     gfp_t gfp, int node)
{
	struct kmg_alloc a;
	void *p = kmg_kmalloc(&a, desc, size, gfp, node);

	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmalloc_node);

void *kmemguard_kmalloc_array(struct kmemguard_site *desc, size_t n,
			      size_t size, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_kmalloc(&a, desc, bytes, gfp, NUMA_NO_NODE);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmalloc_array);

void *kmemguard_kmalloc_array_node(struct kmemguard_site *desc, size_t n,
				   size_t size, gfp_t gfp, int node)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_kmalloc(&a, desc, bytes, gfp, node);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmalloc_array_node);

static const struct kmg_free_call kmg_call_kfree = { .api = KMG_FREE_KFREE };
static const struct kmg_free_call kmg_call_kfree_const = {
	.api = KMG_FREE_KFREE_CONST };
static const struct kmg_free_call kmg_call_kfree_sensitive = {
	.api = KMG_FREE_KFREE_SENSITIVE };
static const struct kmg_free_call kmg_call_kvfree = { .api = KMG_FREE_KVFREE };
static const struct kmg_free_call kmg_call_rcu = { .api = KMG_FREE_RCU };
static const struct kmg_free_call kmg_call_vfree = { .api = KMG_FREE_VFREE };

static const struct kmg_free_call kmg_call_krealloc = {
	.api = KMG_FREE_KREALLOC };

/*
 * krealloc() of a live object with redzones (redzone.c), done by kmemguard
 * so that the new object has its redzone too: a new object (guarded if
 * the site is), the contents copied, the old one freed as any other, so
 * that it is checked and held, and a later use of it is caught.
 */
static noinline void *kmg_krealloc_rz(struct kmg_alloc *a,
				      struct kmemguard_site *desc,
				      const void *p, size_t size,
				      const struct kmg_record *old)
{
	void *ret;
	u8 rz;

	ret = kmg_rz_kmalloc(a->site, size, a->gfp, NUMA_NO_NODE, &rz);
	kmg_alloc_end(a, ret, size, KMG_FAM_KMALLOC, rz, NULL, KMG_REC_POISON);
	if (!ret)
		return NULL;	/* the old object stays the driver's */
	memcpy(ret, p, min(size, kmg_rz_usable(old)));
	if (kmg_free(desc, p, &kmg_call_krealloc))
		kfree(p);
	kmg_kmemleak_trace(a, ret);
	return ret;
}

/*
 * The old object @p of a realloc through @call (krealloc(), devm_krealloc()):
 * a live object @call may resize is untracked (*@old, its record's contents
 * in @copy) before the kernel's call, since once the object moved its old
 * address may be handed to another CPU at once. Otherwise *@old is NULL
 * and the return says what is wrong, already reported (the caller holds
 * the RCU read lock: the copy names sites), the record as it was; or
 * KMG_BUG_NONE for memory kmemguard never saw.
 */
static enum kmg_bug kmg_realloc_take(struct kmg_site *site, const void *p,
				     const struct kmg_free_call *call,
				     struct kmg_record **old,
				     struct kmg_record *copy)
{
	bool found = false;
	enum kmg_bug bug;

	*old = kmg_record_untrack(p);
	if (*old) {
		*copy = **old;
		bug = kmg_free_verdict(copy, call);
		if (bug) {
			kmg_record_restore(*old);
			*old = NULL;
		}
	} else if (kmg_table_find_freed((unsigned long)p, call->api, copy)) {
		bug = KMG_BUG_DOUBLE_FREE;
	} else {
		bug = kmg_check_untracked_free(p, call, copy, &found);
	}
	if (bug)
		kmg_report_free(bug, site, call, p,
				bug == KMG_BUG_INVALID_FREE && !found ? NULL : copy);
	return bug;
}

/*
 * krealloc(): the old object must be live kmalloc memory of the driver's,
 * or memory kmemguard never saw (the kernel's; the result stays untracked).
 * A freed object, an interior pointer, memory of another family: reported
 * and refused (NULL back, the old object untouched), never run on memory
 * the quarantine holds.
 */
void *kmemguard_krealloc(struct kmemguard_site *desc, const void *p,
			 size_t size, gfp_t gfp)
{
	static const struct kmg_free_call call = { .api = KMG_FREE_KREALLOC };
	struct kmg_record *old, copy;
	struct kmg_alloc a;
	enum kmg_bug bug;
	void *ret;

	/* guard.c: a guarded object never goes to the kernel's krealloc(). */
	if (unlikely(kmg_guard_addr(p)) && (!kmg_tracking() || !desc))
		return kmg_guard_krealloc(p, size, gfp);
	if (!kmg_tracking() || !desc)
		return kmg_raw_krealloc(p, size, gfp);
	if (ZERO_OR_NULL_PTR(p)) {
		ret = kmg_kmalloc(&a, desc, size, gfp, NUMA_NO_NODE);
		kmg_kmemleak_trace(&a, ret);
		return ret;
	}
	if (!size) {
		/* krealloc(p, 0) is kfree(p). */
		if (kmg_free(desc, p, &kmg_call_kfree))
			kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_KMALLOC, size, false,
			     "krealloc()"))
		return NULL;	/* the old object stays the driver's */
	if (unlikely(kmg_guard_addr(p)) && !a.site)
		return kmg_guard_krealloc(p, size, a.gfp);
	if (!a.site)
		return kmg_raw_krealloc(p, size, a.gfp);
	/* redzone.c: an object with redzones keeps them. */
	if (static_branch_unlikely(&kmg_rz_key) &&
	    kmg_rz_krealloc_owned(p, &copy))
		return kmg_krealloc_rz(&a, desc, p, size, &copy);
	/*
	 * guard.c: a live guarded object kmemguard has no record of (it was
	 * disabled since, or no record could be made): the rest of its page
	 * is copied, and its slot goes back to the pool (kmg_free()).
	 */
	if (unlikely(kmg_guard_addr(p)) && kmg_guard_live(p) &&
	    !kmg_table_find_exact((unsigned long)p, &copy)) {
		memset(&copy, 0, sizeof(copy));
		copy.addr = (unsigned long)p;
		copy.size = PAGE_SIZE - offset_in_page(p);
		copy.family = KMG_FAM_KMALLOC;
		return kmg_krealloc_rz(&a, desc, p, size, &copy);
	}
	rcu_read_lock();
	bug = kmg_realloc_take(a.site, p, &call, &old, &copy);
	rcu_read_unlock();
	if (bug) {
		kmg_site_failed(a.site);
		return NULL;
	}
	ret = kmg_raw_krealloc(p, size, a.gfp);
	if (!old)	/* the kernel's memory: the result is not the driver's */
		return ret;
	kmg_record_put(old);
	if (!ret) {
		/*
		 * Failed: the old object is still the driver's. It is tracked
		 * again at this call (its first site may have gone with its
		 * module while krealloc() slept).
		 */
		kmg_record_track(a.site, p, copy.size, copy.gfp, KMG_FAM_KMALLOC,
				 0, NULL, copy.flags & KMG_REC_REPAIRED);
		kmg_site_failed(a.site);
		return NULL;
	}
	kmg_alloc_end(&a, ret, size, KMG_FAM_KMALLOC, 0, NULL, 0);
	kmg_kmemleak_trace(&a, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_krealloc);

/* krealloc_array(): krealloc() of n * size bytes; an overflow is NULL. */
void *kmemguard_krealloc_array(struct kmemguard_site *desc, const void *p,
			       size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);	/* the old object stays */
	return kmemguard_krealloc(desc, p, bytes, gfp);
}
EXPORT_SYMBOL_GPL(kmemguard_krealloc_array);

char *kmemguard_kmemdup_nul(struct kmemguard_site *desc, const char *s,
			    size_t len, gfp_t gfp)
{
	struct kmg_alloc a;
	char *p;

	if (!s)
		return NULL;
	p = kmg_kmalloc(&a, desc, len + 1, gfp, NUMA_NO_NODE);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmemdup_nul);

void *kmemguard_kmemdup_array(struct kmemguard_site *desc, const void *src,
			      size_t n, size_t size, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_kmalloc(&a, desc, bytes, gfp, NUMA_NO_NODE);
	if (p)
		memcpy(p, src, bytes);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmemdup_array);

void *kmemguard_kmemdup(struct kmemguard_site *desc, const void *src,
			size_t len, gfp_t gfp)
{
	struct kmg_alloc a;
	void *p = kmg_kmalloc(&a, desc, len, gfp, NUMA_NO_NODE);

	if (p)
		memcpy(p, src, len);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kmemdup);

char *kmemguard_kstrdup(struct kmemguard_site *desc, const char *s, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	p = kmg_kmalloc(&a, desc, len, gfp, NUMA_NO_NODE);
	if (p)
		memcpy(p, s, len);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrdup);

char *kmemguard_kstrndup(struct kmemguard_site *desc, const char *s,
			 size_t max, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	p = kmg_kmalloc(&a, desc, len + 1, gfp, NUMA_NO_NODE);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrndup);

const char *kmemguard_kstrdup_const(struct kmemguard_site *desc,
				    const char *s, gfp_t gfp)
{
	struct kmg_alloc a;
	const char *p;

	if (!s)
		return NULL;
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_KMALLOC, strlen(s) + 1,
			     false, "kstrdup_const()"))
		return NULL;
	p = kstrdup_const(s, a.gfp);
	/* A string in the kernel's .rodata comes back as is: nothing to track. */
	if (p == s)
		return p;
	kmg_alloc_end(&a, (void *)p, strlen(s) + 1, KMG_FAM_KMALLOC, 0, NULL, 0);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kstrdup_const);

char *kmemguard_kvasprintf(struct kmemguard_site *desc, gfp_t gfp,
			   const char *fmt, va_list ap)
{
	struct kmg_alloc a;
	unsigned int len;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmg_kmalloc(&a, desc, len + 1, gfp, NUMA_NO_NODE);
	if (p)
		vsnprintf(p, len + 1, fmt, ap);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kvasprintf);

char *kmemguard_kasprintf(struct kmemguard_site *desc, gfp_t gfp,
			  const char *fmt, ...)
{
	struct kmg_alloc a;
	unsigned int len;
	va_list ap;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = kmg_kmalloc(&a, desc, len + 1, gfp, NUMA_NO_NODE);
	if (p) {
		va_start(ap, fmt);
		vsnprintf(p, len + 1, fmt, ap);
		va_end(ap);
	}
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kasprintf);

static __always_inline void *kmg_kvmalloc(struct kmg_alloc *a,
					  struct kmemguard_site *desc,
					  size_t size, gfp_t gfp, int node)
{
	void *p;

	if (!kmg_alloc_begin(a, desc, gfp, KMG_FAM_KMALLOC, size, false,
			     "kvmalloc()"))
		return NULL;
	enum kmg_family family;
	unsigned int flags;
	u8 rz;

	/* Without blocking flags kvmalloc() only tries kmalloc(): repaired. */
	p = kmg_raw_kvmalloc_node(size, a->gfp, node);
	family = is_vmalloc_addr(p) ? KMG_FAM_VMALLOC : KMG_FAM_KMALLOC;
	flags = kmg_alloc_rz_new(a, p, size, family, &rz);
	return kmg_alloc_end(a, p, size, family, rz, NULL, KMG_REC_KV | flags);
}

void *kmemguard_kvmalloc_node(struct kmemguard_site *desc, size_t size,
			      gfp_t gfp, int node)
{
	struct kmg_alloc a;
	void *p = kmg_kvmalloc(&a, desc, size, gfp, node);

	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kvmalloc_node);

void *kmemguard_kvmalloc_array(struct kmemguard_site *desc, size_t n,
			       size_t size, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_kvmalloc(&a, desc, bytes, gfp, NUMA_NO_NODE);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_kvmalloc_array);

static const struct kmg_free_call kmg_call_kvrealloc = {
	.api = KMG_FREE_KVREALLOC };

/*
 * kvrealloc(): @oldsize is 6.1's argument (0 from 6.12's two-argument
 * form). The old object must be live kmalloc or vmalloc memory of the
 * driver's, or memory kmemguard never saw (the kernel's: passed to the
 * kernel's kvrealloc(), the result untracked). A freed object, an interior
 * pointer, memory of another family: reported and refused (NULL back, the
 * old object untouched). A tracked object is moved by kmemguard: a new
 * tracked kvmalloc() at this call, the contents copied, the old object
 * freed as any other (checked, held, its redzones checked).
 */
void *kmemguard_kvrealloc(struct kmemguard_site *desc, const void *p,
			  size_t oldsize, size_t size, gfp_t gfp)
{
	struct kmg_record copy;
	struct kmg_site *site;
	struct kmg_alloc a;
	enum kmg_bug bug;
	bool live = false, inside = false;
	void *ret;

	if (unlikely(kmg_guard_addr(p)) && (!kmg_tracking() || !desc))
		return kmg_guard_krealloc(p, size, gfp);
	if (!kmg_tracking() || !desc || unlikely(in_nmi()))
		return kmg_raw_kvrealloc(p, oldsize, size, gfp);
	if (ZERO_OR_NULL_PTR(p)) {
		ret = kmg_kvmalloc(&a, desc, size, gfp, NUMA_NO_NODE);
		kmg_kmemleak_trace(&a, ret);
		return ret;
	}
	/*
	 * guard.c: a live guarded object kmemguard has no record of (it was
	 * disabled since, or no record could be made), as in krealloc(): the
	 * rest of its page is copied, its slot goes back (kmg_free()).
	 */
	if (unlikely(kmg_guard_addr(p)) && kmg_guard_live(p) &&
	    !kmg_table_find_exact((unsigned long)p, &copy)) {
		ret = kmg_kvmalloc(&a, desc, size, gfp, NUMA_NO_NODE);
		if (!ret)
			return NULL;	/* the old object stays the driver's */
		memcpy(ret, p, min_t(size_t, size, PAGE_SIZE - offset_in_page(p)));
		if (kmg_free(desc, p, &kmg_call_kvrealloc))
			kvfree(p);	/* (never: the pool's memory) */
		kmg_kmemleak_trace(&a, ret);
		return ret;
	}
	site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
	rcu_read_lock();
	if (kmg_table_find_exact((unsigned long)p, &copy) &&
	    !(copy.flags & KMG_REC_FREED)) {
		live = true;
		bug = kmg_free_verdict(&copy, &kmg_call_kvrealloc);
	} else if (kmg_table_find_freed((unsigned long)p, KMG_FREE_KVREALLOC,
					&copy)) {
		bug = KMG_BUG_DOUBLE_FREE;
	} else {
		bug = kmg_check_untracked_free(p, &kmg_call_kvrealloc, &copy,
					       &inside);
	}
	/* Reported inside the RCU section: the copy names sites. */
	if (bug)
		kmg_report_free(bug, site, &kmg_call_kvrealloc, p,
				bug == KMG_BUG_INVALID_FREE && !inside ?
				NULL : &copy);
	rcu_read_unlock();
	if (bug) {
		if (site != &kmg_site_unknown)
			kmg_site_failed(site);
		return NULL;
	}
	if (!live)	/* the kernel's memory: the result is not the driver's */
		return kmg_raw_kvrealloc(p, oldsize, size, gfp);
	ret = kmg_kvmalloc(&a, desc, size, gfp, NUMA_NO_NODE);
	if (!ret)
		return NULL;	/* the old object stays the driver's */
	memcpy(ret, p, min_t(size_t, size, copy.size));
	if (kmg_free(desc, p, &kmg_call_kvrealloc))
		kvfree(p);
	kmg_kmemleak_trace(&a, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_kvrealloc);

/*
 * memdup_user() and friends: the copy is tracked at the driver's call once
 * the copy from user space succeeded; a failed copy frees it again
 * (-EFAULT). A failed allocation, injected faults included, is
 * ERR_PTR(-ENOMEM), as the kernel's.
 */
static __always_inline void *kmg_memdup_user(struct kmg_alloc *a,
					     struct kmemguard_site *desc,
					     const void __user *src,
					     size_t len, bool kv, bool nul)
{
	void *p;

	if (kv)
		p = kmg_kvmalloc(a, desc, len, GFP_USER, NUMA_NO_NODE);
	else if (nul)
		p = kmg_kmalloc(a, desc, len + 1, GFP_KERNEL, NUMA_NO_NODE);
	else
		p = kmg_kmalloc(a, desc, len, GFP_USER | __GFP_NOWARN,
				NUMA_NO_NODE);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		if (!desc || kmg_free(desc, p, &kmg_call_kvfree))
			kvfree(p);
		return ERR_PTR(-EFAULT);
	}
	if (nul)
		((char *)p)[len] = '\0';
	kmg_kmemleak_trace(a, p);
	return p;
}

void *kmemguard_memdup_user(struct kmemguard_site *desc,
			    const void __user *src, size_t len)
{
	struct kmg_alloc a;

	return kmg_memdup_user(&a, desc, src, len, false, false);
}
EXPORT_SYMBOL_GPL(kmemguard_memdup_user);

void *kmemguard_memdup_user_nul(struct kmemguard_site *desc,
				const void __user *src, size_t len)
{
	struct kmg_alloc a;

	return kmg_memdup_user(&a, desc, src, len, false, true);
}
EXPORT_SYMBOL_GPL(kmemguard_memdup_user_nul);

void *kmemguard_vmemdup_user(struct kmemguard_site *desc,
			     const void __user *src, size_t len)
{
	struct kmg_alloc a;

	return kmg_memdup_user(&a, desc, src, len, true, false);
}
EXPORT_SYMBOL_GPL(kmemguard_vmemdup_user);

void *kmemguard_memdup_array_user(struct kmemguard_site *desc,
				  const void __user *src, size_t n,
				  size_t size, bool kv)
{
	struct kmg_alloc a;
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return ERR_PTR(-EOVERFLOW);
	return kmg_memdup_user(&a, desc, src, bytes, kv, false);
}
EXPORT_SYMBOL_GPL(kmemguard_memdup_array_user);

char *kmemguard_strndup_user(struct kmemguard_site *desc,
			     const char __user *s, long n)
{
	struct kmg_alloc a;
	long length;
	char *p;

	length = strnlen_user(s, n);
	if (!length)
		return ERR_PTR(-EFAULT);
	if (length > n)
		return ERR_PTR(-EINVAL);
	p = kmg_memdup_user(&a, desc, s, length, false, false);
	if (!IS_ERR(p))
		p[length - 1] = '\0';
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_strndup_user);

/* === vmalloc family ====================================================== */

void *kmemguard_vmalloc(struct kmemguard_site *desc, unsigned long size,
			gfp_t gfp, int node, bool user)
{
	unsigned int flags;
	struct kmg_alloc a;
	void *p;
	u8 rz = 0;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_VMALLOC, size, true,
			     "vmalloc()"))
		return NULL;
	if (user)
		p = kmg_raw_vmalloc_user(size);
	else if (gfp & __GFP_ZERO)
		p = kmg_raw_vzalloc_node(size, node);
	else
		p = kmg_raw_vmalloc_node(size, node);
	/* vmalloc_user(): user space may write all of the pages it maps. */
	flags = user ? 0 : kmg_alloc_rz_new(&a, p, size, KMG_FAM_VMALLOC, &rz);
	kmg_alloc_end(&a, p, size, KMG_FAM_VMALLOC, rz, NULL, flags);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_vmalloc);

/*
 * __vmalloc() with the driver's flags, and vmalloc_32(): the same checks
 * as vmalloc() (it may sleep whatever the flags say).
 */
static __always_inline void *kmg_vmalloc_gfp(struct kmg_alloc *a,
					     struct kmemguard_site *desc,
					     unsigned long size, gfp_t gfp,
					     bool dma32, const char *call)
{
	unsigned int flags;
	void *p;
	u8 rz = 0;

	if (!kmg_alloc_begin(a, desc, gfp, KMG_FAM_VMALLOC, size, true, call))
		return NULL;
	p = dma32 ? kmg_raw_vmalloc_32(size) : kmg_raw___vmalloc(size, a->gfp);
	flags = kmg_alloc_rz_new(a, p, size, KMG_FAM_VMALLOC, &rz);
	return kmg_alloc_end(a, p, size, KMG_FAM_VMALLOC, rz, NULL, flags);
}

void *kmemguard___vmalloc(struct kmemguard_site *desc, unsigned long size,
			  gfp_t gfp)
{
	struct kmg_alloc a;
	void *p = kmg_vmalloc_gfp(&a, desc, size, gfp, false, "__vmalloc()");

	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard___vmalloc);

/* vmalloc_array(), vcalloc() (@gfp with __GFP_ZERO), __vmalloc_array(). */
void *kmemguard_vmalloc_array(struct kmemguard_site *desc, size_t n,
			      size_t size, gfp_t gfp)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_vmalloc_gfp(&a, desc, bytes, gfp, false, "vmalloc_array()");
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_vmalloc_array);

void *kmemguard_vmalloc_32(struct kmemguard_site *desc, unsigned long size)
{
	struct kmg_alloc a;
	void *p = kmg_vmalloc_gfp(&a, desc, size, GFP_KERNEL, true,
				  "vmalloc_32()");

	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_vmalloc_32);

/* vmalloc_32_user(): as vmalloc_user(), zeroed, no redzone. */
void *kmemguard_vmalloc_32_user(struct kmemguard_site *desc,
				unsigned long size)
{
	struct kmg_alloc a;
	void *p;

	if (!kmg_alloc_begin(&a, desc, GFP_KERNEL | __GFP_ZERO,
			     KMG_FAM_VMALLOC, size, true, "vmalloc_32_user()"))
		return NULL;
	p = kmg_raw_vmalloc_32_user(size);
	kmg_alloc_end(&a, p, size, KMG_FAM_VMALLOC, 0, NULL, 0);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_vmalloc_32_user);

/* === page allocator ====================================================== */

/*
 * Pages are keyed by their direct-map address, so free_pages() and
 * __free_pages() find the same record whichever way they were allocated.
 */
unsigned long kmemguard_get_free_pages(struct kmemguard_site *desc,
				       gfp_t gfp, unsigned int order)
{
	struct kmg_alloc a;
	unsigned long addr;
	unsigned int flags;
	u8 rz;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_PAGES, PAGE_SIZE << order,
			     false, "__get_free_pages()"))
		return 0;
	addr = kmg_raw_get_free_pages(a.gfp, order);
	/* redzone.c: no slack, but poisoned while held. */
	flags = kmg_alloc_rz_new(&a, (void *)addr, PAGE_SIZE << order,
				 KMG_FAM_PAGES, &rz);
	kmg_alloc_end(&a, (void *)addr, PAGE_SIZE << order, KMG_FAM_PAGES,
		      order, NULL, flags);
	return addr;
}
EXPORT_SYMBOL_GPL(kmemguard_get_free_pages);

static __always_inline struct page *
kmg_alloc_pages(struct kmemguard_site *desc, int nid, gfp_t gfp,
		unsigned int order, const char *fn)
{
	struct kmg_alloc a;
	struct page *page;
	unsigned int flags;
	void *p;
	u8 rz;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_PAGES, PAGE_SIZE << order,
			     false, fn))
		return NULL;
	if (nid == NUMA_NO_NODE)
		page = kmg_raw_alloc_pages(a.gfp, order);
	else
		page = kmg_raw_alloc_pages_node(nid, a.gfp, order);
	/* Highmem pages have no direct-map address: x86-64 has none. */
	p = page ? page_address(page) : NULL;
	/* redzone.c: no slack, but poisoned while held. */
	flags = kmg_alloc_rz_new(&a, p, PAGE_SIZE << order, KMG_FAM_PAGES, &rz);
	kmg_alloc_end(&a, p, PAGE_SIZE << order, KMG_FAM_PAGES, order, NULL,
		      flags);
	return page;
}

struct page *kmemguard_alloc_pages(struct kmemguard_site *desc, gfp_t gfp,
				   unsigned int order)
{
	return kmg_alloc_pages(desc, NUMA_NO_NODE, gfp, order, "alloc_pages()");
}
EXPORT_SYMBOL_GPL(kmemguard_alloc_pages);

struct page *kmemguard_alloc_pages_node(struct kmemguard_site *desc, int nid,
					gfp_t gfp, unsigned int order)
{
	return kmg_alloc_pages(desc, nid, gfp, order, "alloc_pages_node()");
}
EXPORT_SYMBOL_GPL(kmemguard_alloc_pages_node);

/*
 * alloc_pages_exact(): a family of its own (free_pages_exact() gives back
 * exactly the pages the size needs; free_pages() of them is a mismatch).
 * A larger size given to free_pages_exact() than allocated is not checked.
 */
void *kmemguard_alloc_pages_exact(struct kmemguard_site *desc, size_t size,
				  gfp_t gfp)
{
	struct kmg_alloc a;
	void *p;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_PAGES_EXACT, size, false,
			     "alloc_pages_exact()"))
		return NULL;
	p = kmg_raw_alloc_pages_exact(size, a.gfp);
	return kmg_alloc_end(&a, p, size, KMG_FAM_PAGES_EXACT,
			     get_order(size), NULL, 0);
}
EXPORT_SYMBOL_GPL(kmemguard_alloc_pages_exact);

void kmemguard_free_pages_exact(struct kmemguard_site *desc, void *p,
				size_t size)
{
	struct kmg_free_call call = { .api = KMG_FREE_PAGES_EXACT, .len = size };
	struct kmg_record copy, *rec;

	/*
	 * alloc_pages_exact() hands out split order-0 pages: freeing fewer
	 * pages than were allocated, from the start, is right, and the rest
	 * stays the driver's (freed later as untracked pages; a tail freed
	 * first, check.c). The allocation is not one object any more:
	 * kmemguard stops tracking it and the free runs as asked.
	 */
	if (p && kmg_tracking() && !in_nmi() &&
	    kmg_table_find_exact((unsigned long)p, &copy) &&
	    !(copy.flags & KMG_REC_FREED) && copy.family == KMG_FAM_PAGES_EXACT &&
	    PAGE_ALIGN(size) < PAGE_ALIGN(copy.size)) {
		rec = kmg_record_untrack(p);
		if (rec)
			kmg_record_put(rec);
		free_pages_exact(p, size);
		return;
	}
	if (p && kmg_free(desc, p, &call))
		free_pages_exact(p, size);
}
EXPORT_SYMBOL_GPL(kmemguard_free_pages_exact);

/* === per-CPU memory ====================================================== */

/*
 * alloc_percpu(), alloc_percpu_gfp(), __alloc_percpu() and
 * __alloc_percpu_gfp() all come here. The record is keyed by the __percpu
 * pointer's value; its size is that of one CPU's copy, as asked. Without
 * blocking flags the allocator serves the request from chunks it has
 * already populated (its atomic path): a GFP_KERNEL allocation where
 * sleeping is forbidden is repaired that way, as kmalloc()'s is. kmemleak
 * keeps per-CPU objects apart from the others, so its trace is not
 * updated here.
 */
void __percpu *kmemguard___alloc_percpu_gfp(struct kmemguard_site *desc,
					    size_t size, size_t align,
					    gfp_t gfp)
{
	struct kmg_alloc a;
	void __percpu *p;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_PERCPU, size, false,
			     "alloc_percpu()"))
		return NULL;
	p = kmg_raw_alloc_percpu_gfp(size, align, a.gfp);
	kmg_alloc_end(&a, (void __force *)p, size, KMG_FAM_PERCPU, 0, NULL, 0);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard___alloc_percpu_gfp);

static const struct kmg_free_call kmg_call_free_percpu = {
	.api = KMG_FREE_PERCPU };

/* free_percpu(NULL) does nothing, as the kernel's (kmg_free() passes it). */
void kmemguard_free_percpu(struct kmemguard_site *desc, void __percpu *p)
{
	if (kmg_free(desc, (const void __force *)p, &kmg_call_free_percpu))
		free_percpu(p);
}
EXPORT_SYMBOL_GPL(kmemguard_free_percpu);

/* === slab caches ========================================================= */

/*
 * A tracked cache is created unmergeable where the kernel lets us say so
 * (SLAB_NO_MERGE, 6.5+), as slab debugging does: a merged cache would be
 * shared with another creator, so kmem_cache_free() to the wrong one of the
 * two could not be told from a right one. Where it cannot be said (6.1),
 * two creations may return one cache; each is a record of its own.
 */
static slab_flags_t kmg_cache_flags(struct kmg_site *site, slab_flags_t flags)
{
	return site ? flags | KMG_SLAB_NO_MERGE : flags;
}

/* Common end of every cache creation: check (after the fact) and track. */
static struct kmem_cache *kmg_cache_created(struct kmg_alloc *a,
					    struct kmem_cache *s)
{
	if (IS_ERR_OR_NULL(s)) {
		if (a->site)
			kmg_site_failed(a->site);
		return s;
	}
	/* A destroyed cache's tombstone there is stale, tracked or not. */
	kmg_table_forget_freed(s);
	if (!a->site)
		return s;
	/* redzone.c: the size the driver asked for, if kmemguard added some. */
	kmg_record_track(a->site, s, kmg_rz_cache_size(s, kmem_cache_size(s)),
			 GFP_KERNEL, KMG_FAM_CACHE_STRUCT, 0, NULL, 0);
	return s;
}

/*
 * The context is checked before the creation, which takes a mutex: in
 * atomic context it is refused (NULL), as the kernel could not do it.
 */
static bool kmg_cache_create_begin(struct kmg_alloc *a,
				   struct kmemguard_site *desc)
{
	return kmg_alloc_begin(a, desc, GFP_KERNEL, KMG_FAM_CACHE_STRUCT, 0,
			       true, "kmem_cache_create()");
}

#if KMG_HAVE_CACHE_ARGS
struct kmem_cache *kmemguard_kmem_cache_create_args(struct kmemguard_site *desc,
						    const char *name,
						    unsigned int size,
						    struct kmem_cache_args *args,
						    slab_flags_t flags)
{
	slab_flags_t f;
	struct kmem_cache *s;
	struct kmg_alloc a;
	unsigned int rsize;

	if (!kmg_cache_create_begin(&a, desc))
		return NULL;
	/* redzone.c: KMG_RZ_EXTRA bytes more at a site with redzones. */
	f = kmg_cache_flags(a.site, flags);
	rsize = kmg_rz_cache_create_size(a.site, size, &f);
	s = __kmem_cache_create_args(name, rsize, args, f);
	if (rsize != size)
		kmg_rz_cache_created(a.site, s, size, args->align, flags,
				     args->ctor);
	return kmg_cache_created(&a, s);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_create_args);

struct kmem_cache *kmemguard_kmem_cache_default_args(struct kmemguard_site *desc,
						     const char *name,
						     unsigned int size,
						     struct kmem_cache_args *args,
						     slab_flags_t flags)
{
	struct kmem_cache_args defaults = {};

	if (WARN_ON_ONCE(args))
		return ERR_PTR(-EINVAL);
	return kmemguard_kmem_cache_create_args(desc, name, size, &defaults,
						flags);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_default_args);
#endif

struct kmem_cache *kmemguard_kmem_cache_create_usercopy(struct kmemguard_site *desc,
							const char *name,
							unsigned int size,
							unsigned int align,
							slab_flags_t flags,
							unsigned int useroffset,
							unsigned int usersize,
							void (*ctor)(void *))
{
	slab_flags_t f;
	struct kmem_cache *s;
	struct kmg_alloc a;
	unsigned int rsize;

	if (!kmg_cache_create_begin(&a, desc))
		return NULL;
	/* redzone.c: KMG_RZ_EXTRA bytes more at a site with redzones. */
	f = kmg_cache_flags(a.site, flags);
	rsize = kmg_rz_cache_create_size(a.site, size, &f);
	s = kmg_raw_kmem_cache_create_usercopy(name, rsize, align, f, useroffset,
					       usersize, ctor);
	if (rsize != size)
		kmg_rz_cache_created(a.site, s, size, align, flags, ctor);
	return kmg_cache_created(&a, s);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_create_usercopy);

struct kmem_cache *kmemguard_kmem_cache_create(struct kmemguard_site *desc,
					       const char *name,
					       unsigned int size,
					       unsigned int align,
					       slab_flags_t flags,
					       void (*ctor)(void *))
{
	return kmemguard_kmem_cache_create_usercopy(desc, name, size, align,
						    flags, 0, 0, ctor);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_create);

static bool kmg_match_cache(const struct kmg_record *rec, const void *s)
{
	return rec->family == KMG_FAM_CACHE && rec->owner == s;
}

/*
 * kmem_cache_destroy() where it may not sleep (it takes a mutex): done a
 * moment later from kmemguard's workqueue, which its exit drains.
 */
struct kmg_destroy_work {
	struct work_struct work;
	struct kmem_cache *s;
};

static struct workqueue_struct *kmg_wq;

static void kmg_destroy_fn(struct work_struct *work)
{
	struct kmg_destroy_work *w = container_of(work, struct kmg_destroy_work,
						  work);

	kmg_quarantine_flush(kmg_match_cache, w->s);
	synchronize_rcu();
	/* First: a new cache may get the same address at once. */
	kmg_rz_cache_destroyed(w->s);	/* redzone.c */
	kmem_cache_destroy(w->s);
	kfree(w);
}

static void kmg_nmi_refuse_destroy(struct kmemguard_site *desc,
				   struct kmem_cache *s);

/*
 * family.c: a cache given back by kmemguard itself (a free of the
 * struct kmem_cache through another call), where a destroy may not run:
 * later, from kmemguard's workqueue. No memory: the cache stays (a leak).
 */
void kmg_cache_destroy_later(struct kmem_cache *s)
{
	struct kmg_destroy_work *w = kmalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);

	if (!w)
		return;
	w->s = s;
	INIT_WORK(&w->work, kmg_destroy_fn);
	queue_work(kmg_wq, &w->work);
}

void kmemguard_kmem_cache_destroy(struct kmemguard_site *desc,
				  struct kmem_cache *s)
{
	static const struct kmg_free_call call = {
		.api = KMG_FREE_CACHE_DESTROY };
	struct kmg_destroy_work *w;
	unsigned long n, shown, creations;
	struct kmg_record *live;
	struct kmg_site *site;

	if (!s)
		return;
	if (!kmg_tracking()) {
		/* Its redzone entry goes too, whatever kmemguard's state. */
		kmg_rz_cache_destroyed(s);
		kmem_cache_destroy(s);
		return;
	}
	if (unlikely(in_nmi())) {
		/* It takes a mutex: left as it is (a leak, not a deadlock). */
		kmg_nmi_refuse_destroy(desc, s);
		return;
	}
	site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
	if (!kmg_context_may_sleep()) {
		kmg_report_alloc(KMG_BUG_SLEEP_IN_ATOMIC, site, GFP_KERNEL,
				 GFP_KERNEL, KMG_ALLOC_DEFERRED,
				 "kmem_cache_destroy()");
		w = kmalloc(sizeof(*w), GFP_ATOMIC | __GFP_NOWARN);
		if (w && kmg_free(desc, s, &call)) {
			w->s = s;
			INIT_WORK(&w->work, kmg_destroy_fn);
			queue_work(kmg_wq, &w->work);
		} else {
			kfree(w);	/* no memory: the cache stays, nothing breaks */
		}
		return;
	}
	/* Objects the quarantine holds go back to the cache first, all. */
	kmg_quarantine_flush(kmg_match_cache, s);
	synchronize_rcu();
	shown = READ_ONCE(kmg_report_objects);
	live = kcalloc(shown, sizeof(*live), GFP_KERNEL | __GFP_NOWARN);
	/* The copies name sites: none may be released until they are printed. */
	kmg_going_lock();
	n = kmg_table_collect_cache(s, live, live ? shown : 0, &creations);
	/* A merged cache (before 6.5): the live objects may be the other's. */
	if (creations > 1)
		n = 0;
	if (n)
		kmg_report_cache_not_empty(site, "kmem_cache_destroy", s, live,
					   n, min(n, live ? shown : 0));
	kmg_going_unlock();
	kfree(live);
	/* Destroying it would WARN and leak it anyway: keep it. */
	if (n)
		return;
	if (kmg_free(desc, s, &call)) {
		/* First: a new cache may get the same address at once. */
		kmg_rz_cache_destroyed(s);	/* redzone.c */
		kmem_cache_destroy(s);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_destroy);

/* @lru: kmem_cache_alloc_lru(), a filesystem's inodes (alloc_inode_sb()). */
static __always_inline void *kmg_cache_alloc(struct kmemguard_site *desc,
					     struct kmem_cache *s, gfp_t gfp,
					     int node, struct list_lru *lru)
{
	size_t size = kmem_cache_size(s);
	struct kmg_alloc a;
	void *p;
	u8 rz;

	/* redzone.c: the size the driver asked for, if kmemguard added some. */
	if (static_branch_unlikely(&kmg_rz_key))
		size = kmg_rz_cache_size(s, size);
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_CACHE, size, false,
			     lru ? "kmem_cache_alloc_lru()" : "kmem_cache_alloc()"))
		return NULL;
	if (unlikely(kmg_alloc_rz(&a))) {
		p = kmg_rz_cache_alloc(a.site, s, lru, size, a.gfp, &rz);
		kmg_alloc_end(&a, p, size, KMG_FAM_CACHE, rz, s, KMG_REC_POISON);
	} else {
		if (lru)
			p = kmg_raw_kmem_cache_alloc_lru(s, lru, a.gfp);
		else if (node == NUMA_NO_NODE)
			p = kmg_raw_kmem_cache_alloc(s, a.gfp);
		else
			p = kmg_raw_kmem_cache_alloc_node(s, a.gfp, node);
		kmg_alloc_end(&a, p, size, KMG_FAM_CACHE, 0, s, 0);
	}
	kmg_kmemleak_trace(&a, p);
	return p;
}

void *kmemguard_kmem_cache_alloc(struct kmemguard_site *desc,
				 struct kmem_cache *s, gfp_t gfp)
{
	return kmg_cache_alloc(desc, s, gfp, NUMA_NO_NODE, NULL);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc);

/* (A site with redzones allocates from any node.) */
void *kmemguard_kmem_cache_alloc_node(struct kmemguard_site *desc,
				      struct kmem_cache *s, gfp_t gfp,
				      int node)
{
	return kmg_cache_alloc(desc, s, gfp, node, NULL);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc_node);

void *kmemguard_kmem_cache_alloc_lru(struct kmemguard_site *desc,
				     struct kmem_cache *s, struct list_lru *lru,
				     gfp_t gfp)
{
	return kmg_cache_alloc(desc, s, gfp, NUMA_NO_NODE, lru);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc_lru);

/* === device-managed memory =============================================== */

/*
 * A tracked devm allocation carries a devres entry of kmemguard's, added
 * after the memory's own: devres releases in reverse order, so the record is
 * dropped just before devres frees the memory. Managed DMA memory
 * (dmam_alloc_coherent(), dma.c) has kmemguard's entry alone: it frees the
 * memory too, so that a dmam_free_coherent() kmemguard defers (interrupts
 * off) cannot race the kernel's own entry at unbind.
 *
 * Such an entry can outlive its driver: devm memory on a device the driver
 * does not own (a parent, a device that outlives the driver) is released
 * when that device goes, which may be long after the driver unloaded. Its
 * object is then reported as a leak at the driver's unload, the entry is
 * marked orphaned, and kmemguard pins itself (a module reference) until
 * every orphaned entry was released, so that devres never calls into an
 * unloaded kmemguard. The pin is dropped by a work item, which
 * kmemguard's exit cancels synchronously: no kmemguard code runs after the
 * last reference is gone.
 */
struct kmg_devm {
	struct list_head node;		/* kmg_devm_list */
	struct device *dev;		/* immutable */
	/* Written under kmg_devm_lock (again by devm_krealloc()); READ_ONCE() in devres's match */
	void *obj;
	/* These three: kmg_devm_lock */
	struct module *mod;		/* its site's module (NULL: built in) */
	bool orphan;			/* @mod went: pins kmemguard */
	bool stale;			/* no record to drop (disabled since) */
	bool dma;			/* KMG_FAM_DMAM: @dma_args[0] */
	bool pool;			/* KMG_FAM_DMAM_POOL: @obj is the pool */
	void *owner;			/* its record's owner (immutable) */
	/* Immutable, but the handle: set once, before devres_add(). */
	struct kmg_devm_dma dma_args[];
};

static LIST_HEAD(kmg_devm_list);	/* kmg_devm_lock */
static DEFINE_SPINLOCK(kmg_devm_lock);
static unsigned long kmg_devm_orphans;	/* kmg_devm_lock */
static bool kmg_devm_pinned;		/* kmg_devm_lock */
static void kmg_devm_unpin_fn(struct work_struct *work);
static DECLARE_WORK(kmg_devm_unpin_work, kmg_devm_unpin_fn);

static void kmg_devm_release(struct device *dev, void *res)
{
	struct kmg_devm *e = res;
	struct kmg_record *rec = NULL;
	unsigned long flags;
	bool orphan;

	spin_lock_irqsave(&kmg_devm_lock, flags);
	list_del(&e->node);
	orphan = e->orphan;
	if (orphan && !--kmg_devm_orphans)
		schedule_work(&kmg_devm_unpin_work);
	/* (A managed DMA record's or pool's owner is its RCU-freed info.) */
	if (!orphan && !e->stale)
		rec = kmg_record_untrack_owned(e->obj, e->owner);
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	if (rec)
		kmg_record_put(rec);
	/* dma.c: the memory is kmemguard's entry's to free. Process context. */
	if (e->dma)
		kmg_dma_devm_free(dev, e->obj, &e->dma_args[0]);
	/* dmapool.c: so is a managed pool, its held elements given back first. */
	if (e->pool)
		kmg_dmapool_devm_destroy(dev, e->obj);
}

static int kmg_devm_match(struct device *dev, void *res, void *data)
{
	return READ_ONCE(((struct kmg_devm *)res)->obj) == data;
}

static int kmg_devm_match_entry(struct device *dev, void *res, void *data)
{
	return res == data;
}

static bool kmg_devm_removed(struct kmg_devm *e);

/*
 * Take kmemguard's entry for @obj off @dev without running it; false if
 * there is none. Any context but NMI.
 */
bool kmg_devm_forget(struct device *dev, const void *obj)
{
	return kmg_devm_removed(devres_remove(dev, kmg_devm_release,
					      kmg_devm_match, (void *)obj));
}

/*
 * The same for the entry @e itself, found by identity: its object may be
 * freed memory by now, handed out again with an entry of its own.
 */
static bool kmg_devm_forget_entry(struct device *dev, struct kmg_devm *e)
{
	return kmg_devm_removed(devres_remove(dev, kmg_devm_release,
					      kmg_devm_match_entry, e));
}

/*
 * The device kmemguard's entry @e is on, if @e is still kmemguard's (on
 * kmg_devm_list: devres has not released it); NULL if it is gone. @e is
 * compared, never dereferenced, until it is found there.
 */
static struct device *kmg_devm_dev_of(struct kmg_devm *e)
{
	struct device *dev = NULL;
	struct kmg_devm *i;
	unsigned long flags;

	spin_lock_irqsave(&kmg_devm_lock, flags);
	list_for_each_entry(i, &kmg_devm_list, node) {
		if (i == e) {
			dev = e->dev;
			break;
		}
	}
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	return dev;
}

/*
 * devm_krealloc(): kmemguard's entry @e on @dev is now for @obj (moved or
 * not), tracked by @mod; its place among the device's resources stays.
 * False if it cannot be: @e is gone (devres released it while the call
 * slept: a driver racing its own unbind) or its module's records were
 * dropped meanwhile (an orphan). @e is not dereferenced before it is found
 * on @dev; under kmg_devm_lock it cannot be freed (kmg_devm_release() and
 * kmg_devm_removed() take the lock first; devres_lock nests inside it).
 */
static bool kmg_devm_repoint(struct device *dev, struct kmg_devm *e,
			     void *obj, struct kmg_site *site)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&kmg_devm_lock, flags);
	/* (@gone is set before kmg_devm_module_gone() takes the lock) */
	ok = devres_find(dev, kmg_devm_release, kmg_devm_match_entry, e) &&
	     !e->orphan && !READ_ONCE(site->gone);
	if (ok) {
		WRITE_ONCE(e->obj, obj);
		e->mod = site->mod;
		/* (A disable meanwhile marked it: tracked again from here.) */
		e->stale = false;
	}
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	return ok;
}

/* @e was taken off its device (NULL: there was none): it goes. */
static bool kmg_devm_removed(struct kmg_devm *e)
{
	unsigned long flags;

	if (!e)
		return false;
	spin_lock_irqsave(&kmg_devm_lock, flags);
	list_del(&e->node);
	if (e->orphan && !--kmg_devm_orphans)
		schedule_work(&kmg_devm_unpin_work);
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	devres_free(e);
	return true;
}

static void kmg_devm_unpin_fn(struct work_struct *work)
{
	bool put = false;

	spin_lock_irq(&kmg_devm_lock);
	if (kmg_devm_pinned && !kmg_devm_orphans) {
		kmg_devm_pinned = false;
		put = true;
	}
	spin_unlock_irq(&kmg_devm_lock);
	if (put)
		module_put(THIS_MODULE);
}

/*
 * @mod is going: its entries still on devices become orphans. Its live
 * devm records are reported as leaks by the caller. Context: process.
 */
void kmg_devm_module_gone(struct module *mod)
{
	struct kmg_devm *e;
	bool pin = false;

	spin_lock_irq(&kmg_devm_lock);
	list_for_each_entry(e, &kmg_devm_list, node) {
		if (e->orphan || e->mod != mod)
			continue;
		e->orphan = true;
		e->stale = true;
		kmg_devm_orphans++;
	}
	if (kmg_devm_orphans && !kmg_devm_pinned) {
		kmg_devm_pinned = true;
		pin = true;
	}
	spin_unlock_irq(&kmg_devm_lock);
	/* @mod still holds its reference to kmemguard: this cannot fail. */
	if (pin)
		__module_get(THIS_MODULE);
}

/* kmemguard was disabled: the entries' records are gone. */
void kmg_devm_forget_records(void)
{
	struct kmg_devm *e;

	spin_lock_irq(&kmg_devm_lock);
	list_for_each_entry(e, &kmg_devm_list, node)
		e->stale = true;
	spin_unlock_irq(&kmg_devm_lock);
}

static void kmg_devm_exit(void)
{
	/* No orphan is left (they pin us): only a queued unpin may be. */
	cancel_work_sync(&kmg_devm_unpin_work);
}

/* family.c: devm memory given back the right way (a completed mismatch). */
void kmg_devm_release_memory(const struct kmg_record *rec)
{
	struct kmg_devm *e = rec->owner;
	struct device *dev = e->dev;

	kmg_devm_forget(dev, (void *)rec->addr);
	devm_kfree(dev, (void *)rec->addr);
}

/*
 * kmemguard's devres entry for @p on @dev, tracked as @family with @owner;
 * a managed DMA allocation's (@dma: its arguments, which the entry frees
 * it with) is made by the caller with kmg_devm_new() first. NULL: none
 * could be made.
 */
struct kmg_devm *kmg_devm_new(struct device *dev, gfp_t gfp,
			      const struct kmg_devm_dma *dma)
{
	struct kmg_devm *e;

	e = devres_alloc(kmg_devm_release, struct_size(e, dma_args, !!dma),
			 gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS));
	if (!e)
		return NULL;
	/* (devres_alloc() zeroes its own header only.) */
	e->dev = dev;
	e->obj = NULL;
	e->mod = NULL;
	e->orphan = false;
	e->owner = NULL;
	e->stale = false;
	e->dma = dma;
	e->pool = false;
	if (dma)
		e->dma_args[0] = *dma;
	return e;
}

/* A managed DMA allocation's handle, once the allocation made it. */
void kmg_devm_set_handle(struct kmg_devm *e, dma_addr_t handle)
{
	e->dma_args[0].handle = handle;
}

/* The entry is a managed DMA pool's (dmapool.c): it destroys the pool. */
void kmg_devm_set_pool(struct kmg_devm *e)
{
	e->pool = true;
}

/*
 * The device of the managed pool @pool whose entry is kmemguard's, or NULL
 * (an unmanaged pool, or the kernel's own entry). The entry is on the
 * device, so the device is alive. Any context but NMI.
 */
struct device *kmg_devm_pool_dev(const struct dma_pool *pool)
{
	struct device *dev = NULL;
	struct kmg_devm *e;
	unsigned long flags;

	spin_lock_irqsave(&kmg_devm_lock, flags);
	list_for_each_entry(e, &kmg_devm_list, node)
		if (e->pool && e->obj == pool) {
			dev = e->dev;
			break;
		}
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	return dev;
}

/* An entry kmg_devm_new() made that will not be used. */
void kmg_devm_free_new(struct kmg_devm *e)
{
	devres_free(e);
}

void *kmg_devm_track(struct kmg_alloc *a, struct kmg_devm *e, void *p,
		     size_t size, enum kmg_family family, void *owner)
{
	/* (devm_get_free_pages() memory: its order, as free_pages()'.) */
	unsigned int order = kmg_fam(family)->fault_class == KMG_FAM_PAGES ?
			     get_order(size) : 0;
	unsigned long flags;
	bool pin = false;

	e->obj = p;
	e->owner = owner ?: e;
	e->mod = a->site->mod;
	spin_lock_irqsave(&kmg_devm_lock, flags);
	/*
	 * Its module is going, and its code still runs (a driver bug): the
	 * entry is an orphan from birth, as kmg_devm_module_gone() makes the
	 * others (@gone is set before that takes this lock), and kmemguard
	 * stays pinned until devres releases it. (No record is made.)
	 */
	if (unlikely(READ_ONCE(a->site->gone))) {
		e->orphan = true;
		e->stale = true;
		kmg_devm_orphans++;
		if (!kmg_devm_pinned) {
			kmg_devm_pinned = true;
			pin = true;
		}
	}
	list_add(&e->node, &kmg_devm_list);
	spin_unlock_irqrestore(&kmg_devm_lock, flags);
	/* The going module still holds its reference to kmemguard. */
	if (pin)
		__module_get(THIS_MODULE);
	kmg_alloc_end(a, p, size, family, order, owner ?: e, 0);
	devres_add(e->dev, e);
	return p;
}

/* The same for devm_get_free_pages() memory. */
void kmg_devm_release_pages(const struct kmg_record *rec)
{
	struct kmg_devm *e = rec->owner;
	struct device *dev = e->dev;

	kmg_devm_forget(dev, (void *)rec->addr);
	devm_free_pages(dev, rec->addr);
}

/* The same for devm_alloc_percpu() memory. */
void kmg_devm_release_percpu(const struct kmg_record *rec)
{
	struct kmg_devm *e = rec->owner;
	struct device *dev = e->dev;

	kmg_devm_forget(dev, (void *)rec->addr);
	devm_free_percpu(dev, (void __percpu __force *)rec->addr);
}

static __always_inline void *kmg_devm_kmalloc_as(struct kmg_alloc *a,
						 struct kmemguard_site *desc,
						 struct device *dev,
						 size_t size, gfp_t gfp,
						 enum kmg_family family,
						 const char *name)
{
	struct kmg_devm *e;
	void *p;

	if (!kmg_alloc_begin(a, desc, gfp, family, size, false, name))
		return NULL;
	p = devm_kmalloc(dev, size, a->gfp);
	if (!a->site || ZERO_OR_NULL_PTR(p))
		return kmg_alloc_end(a, p, size, family, 0, NULL, 0);
	e = kmg_devm_new(dev, a->gfp, NULL);
	if (!e) {
		kmg_count(KMG_COUNT_DEGRADED);
		return p;
	}
	return kmg_devm_track(a, e, p, size, family, NULL);
}

static __always_inline void *kmg_devm_kmalloc(struct kmg_alloc *a,
					      struct kmemguard_site *desc,
					      struct device *dev, size_t size,
					      gfp_t gfp)
{
	return kmg_devm_kmalloc_as(a, desc, dev, size, gfp, KMG_FAM_DEVM,
				   "devm_kmalloc()");
}

void *kmemguard_devm_kmalloc(struct kmemguard_site *desc, struct device *dev,
			     size_t size, gfp_t gfp)
{
	struct kmg_alloc a;
	void *p = kmg_devm_kmalloc(&a, desc, dev, size, gfp);

	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kmalloc);

void *kmemguard_devm_kmalloc_array(struct kmemguard_site *desc,
				   struct device *dev, size_t n, size_t size,
				   gfp_t gfp)
{
	struct kmg_alloc a;
	size_t bytes;
	void *p;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);
	p = kmg_devm_kmalloc(&a, desc, dev, bytes, gfp);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kmalloc_array);

/*
 * devm_bitmap_alloc(), devm_bitmap_zalloc(): the kernel's is bitmap_alloc()
 * and a devres action that frees the bitmap at unbind; kmemguard's is
 * devm_kmalloc() memory of its own family (no call of the driver's frees
 * it), with the same lifetime.
 */
unsigned long *kmemguard_devm_bitmap_alloc(struct kmemguard_site *desc,
					   struct device *dev,
					   unsigned int nbits, gfp_t gfp)
{
	struct kmg_alloc a;
	void *p;

	p = kmg_devm_kmalloc_as(&a, desc, dev,
				BITS_TO_LONGS(nbits) * sizeof(unsigned long),
				gfp, KMG_FAM_DEVM_BITMAP,
				gfp & __GFP_ZERO ? "devm_bitmap_zalloc()" :
						   "devm_bitmap_alloc()");
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_bitmap_alloc);

/*
 * devm_krealloc(): for kmemguard, devm_kfree() of the old object and
 * devm_kmalloc() of the new one at this call, whether the kernel moved it
 * or not. The old object must be live devm_kmalloc() memory of the
 * driver's, or memory kmemguard never saw (the result stays untracked);
 * a freed object or memory of another family is reported and refused
 * (NULL back, the old object untouched: the kernel's would WARN and
 * return NULL, or resize memory devres does not own).
 *
 * The old record and kmemguard's devres entry for the old object are
 * taken out before the kernel's call (which may sleep, and frees the old
 * object when it moves it: its address may be handed out again at once,
 * with an entry of its own); whatever the kernel did, the driver's object
 * (moved, or the old one if that failed) is then tracked afresh at this
 * call with a new entry. The new entry is the device's newest: with
 * devres groups, it may sit in another group than the memory.
 */
void *kmemguard_devm_krealloc(struct kmemguard_site *desc, struct device *dev,
			      void *p, size_t size, gfp_t gfp)
{
	static const struct kmg_free_call call = {
		.api = KMG_FREE_DEVM_KREALLOC };
	struct kmg_free_call other = call;
	struct device *owner_dev;
	struct kmg_record *old, copy;
	struct kmg_alloc a;
	struct kmg_devm *e;
	enum kmg_bug bug;
	void *ret, *obj;

	if (!kmg_tracking() || !desc)
		return devm_krealloc(dev, p, size, gfp);
	if (ZERO_OR_NULL_PTR(p)) {
		ret = kmg_devm_kmalloc(&a, desc, dev, size, gfp);
		kmg_kmemleak_trace(&a, ret);
		return ret;
	}
	if (!size) {
		/* As the kernel's: devm_kfree(). */
		kmemguard_devm_kfree(desc, dev, p);
		return ZERO_SIZE_PTR;
	}
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DEVM, size, false,
			     "devm_krealloc()"))
		return NULL;	/* the old object stays the driver's */
	rcu_read_lock();
	bug = kmg_realloc_take(a.site ?: &kmg_site_unknown, p, &call, &old,
			       &copy);
	/*
	 * devres released kmemguard's entry meanwhile (a driver racing its
	 * own unbind): the memory is devres's to free; the result untracked.
	 * Another device's memory: the kernel's keeps it in place if it
	 * fits, or WARNs and fails. Reported; then kept in place if it fits
	 * in what the record covers, else NULL, without the WARN.
	 */
	owner_dev = old ? kmg_devm_dev_of(copy.owner) : NULL;
	if (old && !owner_dev) {
		copy.owner = NULL;
	} else if (old && owner_dev != dev) {
		kmg_record_restore(old);
		old = NULL;
		bug = KMG_BUG_MISMATCHED_FREE;
		other.len = size;
		kmg_report_free(bug, a.site ?: &kmg_site_unknown, &other, p,
				&copy);
		rcu_read_unlock();
		if (size <= copy.size)
			return p;
		if (a.site)
			kmg_site_failed(a.site);
		return NULL;
	}
	rcu_read_unlock();
	if (bug) {
		if (a.site)
			kmg_site_failed(a.site);
		return NULL;
	}
	e = old ? copy.owner : NULL;
	if (old)
		kmg_record_put(old);
	ret = devm_krealloc(dev, p, size, a.gfp);
	if (!old || !e)	/* untracked before: so is the result */
		return ret;
	if (!a.site) {
		/* Not tracked from here on: kmemguard's entry goes too. */
		kmg_devm_forget_entry(dev, e);
		return ret;
	}
	obj = ret ?: p;		/* failed: the old object is still the driver's */
	if (!ret)
		kmg_site_failed(a.site);
	/*
	 * kmemguard's entry stays where it is among the device's resources
	 * (in its devres group, as the kernel's replace_dr() keeps the
	 * memory's), now for the result; the object, moved or not, is
	 * tracked afresh at this call (its first site may have gone with its
	 * module while the call slept).
	 */
	if (!kmg_devm_repoint(dev, e, obj, a.site))
		return ret;	/* untracked from here */
	kmg_alloc_end(&a, obj, ret ? size : copy.size, KMG_FAM_DEVM, 0, e, 0);
	kmg_kmemleak_trace(&a, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_krealloc);

void *kmemguard_devm_krealloc_array(struct kmemguard_site *desc,
				    struct device *dev, void *p, size_t n,
				    size_t size, gfp_t gfp)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return kmg_overflow(desc);	/* the old object stays */
	return kmemguard_devm_krealloc(desc, dev, p, bytes, gfp);
}
EXPORT_SYMBOL_GPL(kmemguard_devm_krealloc_array);

/*
 * devm_alloc_percpu(): per-CPU memory devres frees, with kmemguard's entry
 * as devm_kmalloc()'s. It always allocates with GFP_KERNEL: where sleeping
 * is forbidden it cannot run at all (NULL), as vmalloc().
 */
void __percpu *kmemguard___devm_alloc_percpu(struct kmemguard_site *desc,
					     struct device *dev, size_t size,
					     size_t align)
{
	struct kmg_alloc a;
	struct kmg_devm *e;
	void __percpu *p;

	if (!kmg_alloc_begin(&a, desc, GFP_KERNEL, KMG_FAM_DEVM_PERCPU, size,
			     true, "devm_alloc_percpu()"))
		return NULL;
	p = __devm_alloc_percpu(dev, size, align);
	if (!a.site || !p) {
		kmg_alloc_end(&a, (void __force *)p, size, KMG_FAM_DEVM_PERCPU,
			      0, NULL, 0);
		return p;
	}
	e = kmg_devm_new(dev, GFP_KERNEL, NULL);
	if (!e) {
		kmg_count(KMG_COUNT_DEGRADED);
		return p;
	}
	kmg_devm_track(&a, e, (void __force *)p, size, KMG_FAM_DEVM_PERCPU,
		       NULL);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard___devm_alloc_percpu);

/* devm_kmemdup(), devm_kstrdup(), devm_kasprintf(): devm_kmalloc() filled. */
void *kmemguard_devm_kmemdup(struct kmemguard_site *desc, struct device *dev,
			     const void *src, size_t len, gfp_t gfp)
{
	struct kmg_alloc a;
	void *p = kmg_devm_kmalloc(&a, desc, dev, len, gfp);

	if (p)
		memcpy(p, src, len);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kmemdup);

char *kmemguard_devm_kstrdup(struct kmemguard_site *desc, struct device *dev,
			     const char *s, gfp_t gfp)
{
	if (!s)
		return NULL;
	return kmemguard_devm_kmemdup(desc, dev, s, strlen(s) + 1, gfp);
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kstrdup);

/*
 * The kernel's, which returns a string in the kernel's .rodata as is
 * (nothing to track) and copies any other with devm_kmalloc(): that copy is
 * tracked as kmg_devm_kmalloc() tracks its own.
 */
const char *kmemguard_devm_kstrdup_const(struct kmemguard_site *desc,
					 struct device *dev, const char *s,
					 gfp_t gfp)
{
	struct kmg_alloc a;
	struct kmg_devm *e;
	const char *p;
	size_t size;

	if (!s)
		return NULL;
	size = strlen(s) + 1;
	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DEVM, size, false,
			     "devm_kstrdup_const()"))
		return NULL;
	p = devm_kstrdup_const(dev, s, a.gfp);
	if (p == s)
		return p;
	if (!a.site || !p)
		return kmg_alloc_end(&a, (void *)p, size, KMG_FAM_DEVM, 0, NULL, 0);
	e = kmg_devm_new(dev, a.gfp, NULL);
	if (!e) {
		kmg_count(KMG_COUNT_DEGRADED);
		return p;
	}
	p = kmg_devm_track(&a, e, (void *)p, size, KMG_FAM_DEVM, NULL);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kstrdup_const);

char *kmemguard_devm_kvasprintf(struct kmemguard_site *desc,
				struct device *dev, gfp_t gfp, const char *fmt,
				va_list ap)
{
	struct kmg_alloc a;
	unsigned int len;
	va_list aq;
	char *p;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	p = kmg_devm_kmalloc(&a, desc, dev, len + 1, gfp);
	if (p)
		vsnprintf(p, len + 1, fmt, ap);
	kmg_kmemleak_trace(&a, p);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kvasprintf);

char *kmemguard_devm_kasprintf(struct kmemguard_site *desc, struct device *dev,
			       gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = kmemguard_devm_kvasprintf(desc, dev, gfp, fmt, ap);
	va_end(ap);
	return p;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kasprintf);

/* === Frees =============================================================== */

/*
 * Pages go back only where the driver's reference is the last (a page
 * handed to an skb or mapped to user space is another's too, and its data
 * theirs): each of alloc_pages_exact()'s pages has a count of its own; of a
 * plain order-N allocation whose first page is still held elsewhere,
 * __free_pages() gives back all pages but the first (of a compound one,
 * none). One split by split_page() where kmemguard did not see it: its
 * other pages may be anyone's now, only the first is the driver's. (The
 * count is read at the free: a holder that lets go while the quarantine
 * keeps the page leaves it unwiped, as the kernel's own kfree_sensitive()
 * of a page, which wipes nothing, would.)
 */
static void kmg_wipe_pages(void *p, const struct kmg_record *copy)
{
	struct page *page = virt_to_page(p);
	unsigned long i, n = PAGE_ALIGN(copy->size) >> PAGE_SHIFT;

	if (copy->family != KMG_FAM_PAGES_EXACT &&
	    kmg_pages_split(copy->addr, copy->order))
		n = 1;
	if (copy->family == KMG_FAM_PAGES_EXACT || n == 1) {
		for (i = 0; i < n; i++)
			if (page_ref_count(page + i) == 1)
				memzero_explicit(p + i * PAGE_SIZE, PAGE_SIZE);
	} else if (page_ref_count(page) == 1) {
		memzero_explicit(p, copy->size);
	} else if (!PageHead(page)) {
		memzero_explicit(p + PAGE_SIZE, copy->size - PAGE_SIZE);
	}
}

/*
 * kfree_sensitive() and kvfree_sensitive() promise that the memory is wiped
 * before anyone else may have it. Where kmemguard does not pass the call
 * on — memory the quarantine holds, a bad free it completes the right way
 * (vfree() of a vmalloc area, free_pages() of pages) — it wipes it itself:
 * as the kernel does, a slab object's whole ksize(); the record's size
 * otherwise, where the family's memory is mapped at its address
 * (@mapped); pages as far as they go back (kmg_wipe_pages()). After the
 * redzone check, which reads the bytes past the object's size. In the
 * free's context, as the kernel's kvfree_sensitive() wipes a vmalloc area.
 */
void kmg_wipe_sensitive(const void *p, const struct kmg_free_call *call,
			const struct kmg_record *copy)
{
	if (likely(call->api != KMG_FREE_KFREE_SENSITIVE &&
		   call->api != KMG_FREE_KVFREE_SENSITIVE) ||
	    !kmg_fam(copy->family)->mapped)
		return;
	if (copy->family == KMG_FAM_KMALLOC || copy->family == KMG_FAM_CACHE)
		memzero_explicit((void *)p, ksize(p));
	else if (kmg_fam(copy->family)->fault_class == KMG_FAM_PAGES)
		kmg_wipe_pages((void *)p, copy);
	else
		memzero_explicit((void *)p, copy->size);
}

/*
 * A bad free of DMA memory (@rec: its record, out of the table: not held),
 * completed the right way where that way may sleep and this context may
 * not (inside kmg_free()'s RCU section it never may with PREEMPT_RCU): the
 * record itself takes the memory to the family's work item
 * (@release_later), as a held record's eviction does, with what it needs
 * there (@defer: a device reference), instead of a node allocated here.
 * Nothing is allocated: PREEMPT_RT allows no allocation with preemption
 * truly off, where the memory was left allocated while the report said it
 * was freed. False: @release runs here, as before. (A bad free of vmalloc
 * memory is held by the quarantine instead: record.c, kmg_holds_repair().)
 */
static bool kmg_repair_later(struct kmg_record *rec)
{
	const struct kmg_family_ops *fam = kmg_fam(rec->family);

	if (!fam->defer || kmg_context_may_sleep() || !fam->defer(rec))
		return false;
	fam->release_later(rec);
	return true;
}

/*
 * A live object was freed through @call; @rec is its record, now freed,
 * @copy the record as it was. Decides what happens to the memory. Returns
 * true if kmemguard took care of it (held, or completed a bad free itself);
 * false if the driver's own free call must now run.
 */
static bool kmg_free_live(struct kmg_site *site, const void *p,
			  const struct kmg_free_call *call,
			  struct kmg_record *rec, struct kmg_record *copy)
{
	enum kmg_bug bug = kmg_free_verdict(copy, call);

	/*
	 * split_page() made every page of the allocation a page of its own:
	 * freeing them one by one is right. kmemguard stops tracking it. So
	 * are alloc_pages_exact()'s: put_page() of one frees that one only.
	 */
	if ((unlikely(bug == KMG_BUG_WRONG_ORDER) && call->order < copy->order &&
	     kmg_pages_split(copy->addr, copy->order)) ||
	    (unlikely(bug) && call->api == KMG_FREE_PUT_PAGE &&
	     copy->family == KMG_FAM_PAGES_EXACT)) {
		kmg_record_unlink_freed(rec);
		kmg_record_put(rec);
		return false;
	}
	/* put_page(): a record its pages outlived (check.c); the put runs. */
	if (unlikely(bug == KMG_BUG_WRONG_ORDER) &&
	    call->api == KMG_FREE_PUT_PAGE && kmg_pages_stale(copy, call->order)) {
		kmg_count(KMG_COUNT_STALE);
		kmg_record_unlink_freed(rec);
		kmg_record_put(rec);
		return false;
	}
	/*
	 * guard.c: is_vmalloc_addr() is true for a guarded kmalloc() object,
	 * so a driver that picks vfree() by it is right.
	 */
	if (unlikely(bug == KMG_BUG_MISMATCHED_FREE) &&
	    call->api == KMG_FREE_VFREE && copy->family == KMG_FAM_KMALLOC &&
	    kmg_guard_addr(p))
		bug = KMG_BUG_NONE;
	if (unlikely(bug))
		kmg_report_free(bug, site, call, p, copy);
	/* redzone.c: checked, poisoned; a guarded object never goes back. */
	if (unlikely(copy->flags & KMG_REC_POISON) &&
	    kmg_rz_free(site, p, call, rec, copy))
		return true;
	if (rec->flags & KMG_REC_HELD) {
		/* kfree_sensitive(): wiped now, whenever the memory goes back. */
		kmg_wipe_sensitive(p, call, copy);
		/* Held memory is nobody's: kmemleak must not call it a leak. */
		if (!kmg_fam(copy->family)->no_kmemleak)
			kmemleak_ignore(p);
		kmg_quarantine_add(rec);
		return true;
	}
	if (unlikely(bug) && call->api == KMG_FREE_RCU) {
		/*
		 * Readers may still look at it until a grace period ends:
		 * what kvfree() can free the kernel's queue takes as it is;
		 * the rest is freed the right way after a grace period.
		 */
		if (copy->family == KMG_FAM_KMALLOC || copy->family == KMG_FAM_VMALLOC ||
		    copy->family == KMG_FAM_CACHE)
			bug = KMG_BUG_NONE;
		else if (!kmg_rcu_unrepaired(copy))
			kmg_release_after_gp(copy);
	} else if (unlikely(bug)) {
		kmg_wipe_sensitive(p, call, copy);
		if (kmg_repair_later(rec))
			return true;
		kmg_fam(copy->family)->release(copy);
	}
	if (rec->flags & KMG_REC_DETACHED)
		kmg_record_put(rec);
	else
		kmg_quarantine_add(rec);	/* still in the table: kmg_keeps_unheld() */
	return bug;
}

/*
 * The stack of an object's first free is kept when its allocation's was
 * (sampled ones, and a site's first ones): double-free reports then show
 * both; the others show the allocation site's stack and the free's site.
 */
static __always_inline void kmg_free_stack(struct kmg_record *rec,
					   const struct kmg_record *copy)
{
	if (unlikely(copy->flags & KMG_REC_SAMPLED) && !KMG_SKIP(STACKS))
		WRITE_ONCE(rec->free_stack, kmg_stack_save());
}

/* What kmg_free_fast() did. */
enum kmg_free_fast_res {
	KMG_FREE_DONE,	/* held in the quarantine */
	KMG_FREE_PASS,	/* its record in the quarantine, the memory not held */
	KMG_FREE_OFF,	/* kmemguard is disabled: nothing looked at */
	KMG_FREE_SLOW,	/* the rest applies; interrupts still off */
};

/*
 * The common free, done with interrupts off from start to end: a live,
 * right, held object goes into the quarantine (KMG_FREE_DONE); a live,
 * right one whose memory is not held but whose record stays in the table
 * (kmg_keeps_unheld(): a vmalloc area; under generic KASAN, kmalloc and
 * cache objects without redzones; from 6.5, a destroyed cache's struct)
 * has its record go there, and the caller's own free call gives the
 * memory back (KMG_FREE_PASS: all that kmg_free_live() would do for it,
 * without the slow path's RCU section and its two more interrupts-off
 * regions). With interrupts off this is
 * an RCU read-side critical section already (a disable's or an unload's
 * synchronize_rcu() waits for it), so the common free takes no
 * rcu_read_lock(). Anything else (KMG_FREE_SLOW): *@res says what the table
 * found, and interrupts are still off (*@flags to restore), so that the
 * caller enters rcu_read_lock() before they come back on and the section
 * never ends between the lookup and the rest. On PREEMPT_RT, where
 * evictions must give memory back with interrupts on, always the slow way,
 * nothing looked up yet.
 */
static __always_inline enum kmg_free_fast_res
kmg_free_fast(struct kmg_site *site, const void *p,
	      const struct kmg_free_call *call, struct kmg_record **rec,
	      struct kmg_record *copy, enum kmg_lookup *res,
	      unsigned long *flags)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT))
		return KMG_FREE_SLOW;
	local_irq_save(*flags);
	if (unlikely(!READ_ONCE(kmg_enabled))) {
		local_irq_restore(*flags);
		return KMG_FREE_OFF;
	}
	*res = __kmg_record_mark_freed(p, site, call, rec, copy);
	/* (Objects with redzones take the slow path: redzone.c.) */
	if (likely(*res == KMG_LOOKUP_LIVE) &&
	    likely(((*rec)->flags & (KMG_REC_HELD | KMG_REC_POISON)) ==
		   KMG_REC_HELD &&
		   call->api != KMG_FREE_KFREE_SENSITIVE &&
		   call->api != KMG_FREE_KVFREE_SENSITIVE &&
		   !IS_ENABLED(CONFIG_DEBUG_KMEMLEAK) &&
		   !__kmg_free_verdict(copy, call))) {
		kmg_free_stack(*rec, copy);
		__kmg_quarantine_add(*rec);
		local_irq_restore(*flags);
		return KMG_FREE_DONE;
	}
	if (likely(*res == KMG_LOOKUP_LIVE) &&
	    !((*rec)->flags & (KMG_REC_HELD | KMG_REC_POISON | KMG_REC_DETACHED)) &&
	    !__kmg_free_verdict(copy, call)) {
		kmg_free_stack(*rec, copy);
		__kmg_quarantine_add(*rec);
		local_irq_restore(*flags);
		return KMG_FREE_PASS;
	}
	return KMG_FREE_SLOW;
}

static bool kmg_nmi_free(struct kmemguard_site *desc, const void *p,
			 const struct kmg_free_call *call);

/*
 * A free of @p, which the table does not hold: memory the kernel allocated,
 * which the driver may free, or a bad pointer (reported and refused).
 * Returns what kmg_free() returns. Checked inside an RCU read-side section
 * that re-reads kmg_enabled, as every tracked operation: a disable waits
 * for it, or it sees the disable and answers as a disabled kmemguard does.
 */
static noinline bool kmg_free_untracked(struct kmg_site *site, const void *p,
					const struct kmg_free_call *call)
{
	struct kmg_record inside;
	bool found, ret = true;
	enum kmg_bug bug;

	rcu_read_lock();
	if (unlikely(!READ_ONCE(kmg_enabled))) {
		ret = !(unlikely(kmg_guard_addr(p)) &&
			kmg_guard_passthrough(p, call->api));
		goto out;
	}
	/* guard.c: a live guarded object tracked no more (disabled). */
	if (unlikely(kmg_guard_addr(p)) &&
	    kmg_guard_passthrough(p, call->api) > 0) {
		ret = false;
		goto out;
	}
	bug = kmg_check_untracked_free(p, call, &inside, &found);
	if (unlikely(bug)) {
		kmg_report_free(bug, site, call, p, found ? &inside : NULL);
		ret = false;
	}
out:
	rcu_read_unlock();
	return ret;
}

/**
 * kmg_free() - check a free of @p made at @desc through @call
 *
 * Return: true if the caller should now make its own (plain) free call;
 * false if kmemguard took care of @p: refused it (double or invalid free),
 * freed it the right way (mismatch), holds it in the quarantine, or
 * deferred it (NMI).
 */
bool kmg_free(struct kmemguard_site *desc, const void *p,
	      const struct kmg_free_call *call)
{
	struct kmg_record copy, *rec = NULL;
	unsigned long flags = 0;
	enum kmg_lookup res = KMG_LOOKUP_NONE;
	struct kmg_site *site;
	bool handled = false;

	/* guard.c: the pool's memory never goes to the allocator. */
	if (!kmg_tracking() || ZERO_OR_NULL_PTR(p))
		return !(unlikely(kmg_guard_addr(p)) &&
			 kmg_guard_passthrough(p, call->api));
	if (unlikely(in_nmi()))
		return kmg_nmi_free(desc, p, call);
	site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
	if (KMG_SKIP(TABLE))	/* (the bench's builds only) */
		return !(unlikely(kmg_guard_addr(p)) &&
			 kmg_guard_passthrough(p, call->api));
	/*
	 * Memory the kernel allocated (most of a driver's untracked frees):
	 * its chain is empty, seen without the bucket lock and without turning
	 * interrupts off (the table lives as long as kmemguard), and most such
	 * frees are told right by peeks alone (check.c).
	 */
	if (!kmg_table_may_hold(p)) {
		kmg_count(KMG_COUNT_UNTRACKED_FREES);
		if (likely(kmg_untracked_free_is_plain(p, call)))
			return true;
		return kmg_free_untracked(site, p, call);
	}
	switch (kmg_free_fast(site, p, call, &rec, &copy, &res, &flags)) {
	case KMG_FREE_DONE:
		return false;
	case KMG_FREE_PASS:
		return true;
	case KMG_FREE_OFF:
		return !(unlikely(kmg_guard_addr(p)) &&
			 kmg_guard_passthrough(p, call->api));
	case KMG_FREE_SLOW:
		break;
	}
	rcu_read_lock();
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		if (unlikely(!READ_ONCE(kmg_enabled))) {
			rcu_read_unlock();
			return !(unlikely(kmg_guard_addr(p)) &&
				 kmg_guard_passthrough(p, call->api));
		}
		res = kmg_record_mark_freed(p, site, call, &rec, &copy);
	} else {
		local_irq_restore(flags);
	}
	switch (res) {
	case KMG_LOOKUP_NONE:
		handled = !kmg_free_untracked(site, p, call);
		break;
	case KMG_LOOKUP_FREED:
		kmg_report_free(KMG_BUG_DOUBLE_FREE, site, call, p, &copy);
		handled = true;
		break;
	case KMG_LOOKUP_LIVE:
	default:
		kmg_free_stack(rec, &copy);
		handled = kmg_free_live(site, p, call, rec, &copy);
		break;
	}
	rcu_read_unlock();
	return !handled;
}

void kmemguard_kfree(struct kmemguard_site *desc, const void *p)
{
	if (kmg_free(desc, p, &kmg_call_kfree))
		kfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree);

void kmemguard_kfree_sensitive(struct kmemguard_site *desc, const void *p)
{
	if (kmg_free(desc, p, &kmg_call_kfree_sensitive))
		kfree_sensitive(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_sensitive);

void kmemguard_kfree_const(struct kmemguard_site *desc, const void *p)
{
	if (kmg_free(desc, p, &kmg_call_kfree_const))
		kfree_const(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_const);

void kmemguard_kvfree(struct kmemguard_site *desc, const void *p)
{
	if (kmg_free(desc, p, &kmg_call_kvfree))
		kvfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree);

void kmemguard_kvfree_sensitive(struct kmemguard_site *desc, const void *p,
				size_t len)
{
	struct kmg_free_call call = { .api = KMG_FREE_KVFREE_SENSITIVE,
				      .len = len };

	if (kmg_free(desc, p, &call))
		kvfree_sensitive(p, len);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree_sensitive);

/*
 * kfree_rcu() and friends: checked when queued. Returns the pointer to
 * queue, or NULL when kmemguard refused or completed the free itself.
 */
void *kmemguard_kvfree_rcu_queued(struct kmemguard_site *desc, const void *p)
{
	return kmg_free(desc, p, &kmg_call_rcu) ? (void *)p : NULL;
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree_rcu_queued);

void kmemguard_vfree(struct kmemguard_site *desc, const void *p)
{
	if (kmg_free(desc, p, &kmg_call_vfree))
		vfree(p);
}
EXPORT_SYMBOL_GPL(kmemguard_vfree);

void kmemguard_free_pages(struct kmemguard_site *desc, unsigned long addr,
			  unsigned int order)
{
	struct kmg_free_call call = { .api = KMG_FREE_PAGES, .order = order };

	if (addr && kmg_free(desc, (void *)addr, &call))
		free_pages(addr, order);
}
EXPORT_SYMBOL_GPL(kmemguard_free_pages);

void kmemguard___free_pages(struct kmemguard_site *desc, struct page *page,
			    unsigned int order)
{
	struct kmg_free_call call = { .api = KMG_FREE_PAGES, .order = order };

	if (kmg_free(desc, page_address(page), &call))
		__free_pages(page, order);
}
EXPORT_SYMBOL_GPL(kmemguard___free_pages);

/*
 * put_page() and folio_put(): dropping the last reference of a page frees
 * it, so for a page the driver allocated (order 0, or compound) that is
 * its free. A put that is not the last drops its reference at once, with
 * one atomic operation that leaves the last one alone, so two holders
 * putting at the same time cannot both miss the free. The last put ends
 * the record, and the page goes as the kernel's call would send it, or is
 * held by the quarantine with that reference (a second put_page() is then
 * a double free, refused). The put of one page of a split_page() or
 * alloc_pages_exact() allocation frees that page alone: kmemguard stops
 * tracking the allocation, as for free_pages() of it; the last put of the
 * head of a plain order-N allocation, whose other pages no put can reach,
 * is a wrong-order free, completed with the allocation's order. A slab
 * page's last reference is never the driver's to put: refused. A
 * reference taken meanwhile by someone else (a PFN walker's speculative
 * one) only delays the kernel's free; if it was the driver's put that saw
 * two references and the other holder's put frees the page, the record
 * outlives the page (see the README's known limits). ZONE_DEVICE pages go
 * to the kernel untouched.
 */
static bool kmg_put_folio(struct kmemguard_site *desc, struct folio *folio)
{
	struct kmg_free_call call = { .api = KMG_FREE_PUT_PAGE };
	struct kmg_site *site;

	if (!kmg_tracking() || !desc || folio_is_zone_device(folio) ||
	    folio_ref_count(folio) <= 0)
		return true;		/* the kernel's put, as asked */
	if (folio_ref_add_unless(folio, -1, 1))
		return false;		/* not the last reference: dropped */
	if (unlikely(folio_test_slab(folio))) {
		/* (No report from NMI: refused all the same.) */
		if (in_nmi()) {
			kmg_count(KMG_COUNT_DEGRADED);
			return false;
		}
		site = kmg_site_of(desc, GFP_NOWAIT) ?: &kmg_site_unknown;
		rcu_read_lock();
		kmg_report_free(KMG_BUG_INVALID_FREE, site, &call,
				folio_address(folio), NULL);
		rcu_read_unlock();
		return false;
	}
	call.order = folio_order(folio);
	return kmg_free(desc, folio_address(folio), &call);
}

void kmemguard_folio_put(struct kmemguard_site *desc, struct folio *folio)
{
	if (kmg_put_folio(desc, folio))
		folio_put(folio);
}
EXPORT_SYMBOL_GPL(kmemguard_folio_put);

/*
 * split_page(): the allocation becomes 2^@order pages of their own, each
 * freed (or handed on) alone; kmemguard stops tracking it here, as when
 * one of its pages is freed, instead of guessing later from the tails.
 */
void kmemguard_split_page(struct kmemguard_site *desc, struct page *page,
			  unsigned int order)
{
	struct kmg_record copy, *rec;
	void *p = page_address(page);

	if (kmg_tracking() && desc && order && !in_nmi() &&
	    kmg_table_find_exact((unsigned long)p, &copy) &&
	    !(copy.flags & KMG_REC_FREED) && copy.family == KMG_FAM_PAGES) {
		rec = kmg_record_untrack_owned(p, NULL);
		if (rec)
			kmg_record_put(rec);
	}
	split_page(page, order);
}
EXPORT_SYMBOL_GPL(kmemguard_split_page);

void kmemguard_put_page(struct kmemguard_site *desc, struct page *page)
{
	if (kmg_put_folio(desc, page_folio(page)))
		put_page(page);
}
EXPORT_SYMBOL_GPL(kmemguard_put_page);

void kmemguard_kmem_cache_free(struct kmemguard_site *desc,
			       struct kmem_cache *s, void *p)
{
	struct kmg_free_call call = { .api = KMG_FREE_CACHE, .cache = s };

	if (kmg_free(desc, p, &call))
		kmem_cache_free(s, p);
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_free);

/*
 * The bulk calls, one object at a time: each object is checked and tracked
 * as kmem_cache_free() (kfree(), for a NULL cache: kfree_bulk()) and
 * kmem_cache_alloc() would be at the driver's line. The kernel's bulk path
 * only saves time; passed through, it would free tracked objects behind
 * kmemguard's back (false leaks), or guarded objects to the slab (a crash).
 */
void kmemguard_kmem_cache_free_bulk(struct kmemguard_site *desc,
				    struct kmem_cache *s, size_t n, void **p)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s)
			kmemguard_kmem_cache_free(desc, s, p[i]);
		else
			kmemguard_kfree(desc, p[i]);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_free_bulk);

int kmemguard_kmem_cache_alloc_bulk(struct kmemguard_site *desc,
				    struct kmem_cache *s, gfp_t gfp, size_t n,
				    void **p)
{
	size_t i;

	for (i = 0; i < n; i++) {
		p[i] = kmg_cache_alloc(desc, s, gfp, NUMA_NO_NODE, NULL);
		if (!p[i])
			goto fail;
	}
	return n;
fail:
	/* All or nothing, as the kernel's: what was allocated goes back. */
	if (desc)
		kmemguard_kmem_cache_free_bulk(desc, s, i, p);
	else
		kmem_cache_free_bulk(s, i, p);
	return 0;
}
EXPORT_SYMBOL_GPL(kmemguard_kmem_cache_alloc_bulk);

void kmemguard_devm_kfree(struct kmemguard_site *desc, struct device *dev,
			  const void *p)
{
	struct kmg_free_call call = { .api = KMG_FREE_DEVM, .dev = dev };

	if (kmg_free(desc, p, &call)) {
		/* kmemguard's devres entry goes first, without running. */
		kmg_devm_forget(dev, p);
		devm_kfree(dev, p);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_devm_kfree);

void kmemguard_devm_free_percpu(struct kmemguard_site *desc,
				struct device *dev, void __percpu *p)
{
	struct kmg_free_call call = { .api = KMG_FREE_DEVM_PERCPU, .dev = dev };

	if (kmg_free(desc, (const void __force *)p, &call)) {
		/* kmemguard's devres entry goes first, without running. */
		kmg_devm_forget(dev, (const void __force *)p);
		devm_free_percpu(dev, p);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_devm_free_percpu);

/*
 * devm_get_free_pages(): the kernel's (its devres entry frees the pages at
 * unbind), with kmemguard's entry over it, as kmg_devm_kmalloc() does.
 */
unsigned long kmemguard_devm_get_free_pages(struct kmemguard_site *desc,
					    struct device *dev, gfp_t gfp,
					    unsigned int order)
{
	size_t size = PAGE_SIZE << order;
	struct kmg_alloc a;
	struct kmg_devm *e;
	unsigned long addr;

	if (!kmg_alloc_begin(&a, desc, gfp, KMG_FAM_DEVM_PAGES, size, false,
			     "devm_get_free_pages()"))
		return 0;
	addr = devm_get_free_pages(dev, a.gfp, order);
	if (!a.site || !addr) {
		kmg_alloc_end(&a, (void *)addr, size, KMG_FAM_DEVM_PAGES, order,
			      NULL, 0);
		return addr;
	}
	e = kmg_devm_new(dev, a.gfp, NULL);
	if (!e) {
		kmg_count(KMG_COUNT_DEGRADED);
		return addr;
	}
	kmg_devm_track(&a, e, (void *)addr, size, KMG_FAM_DEVM_PAGES, NULL);
	return addr;
}
EXPORT_SYMBOL_GPL(kmemguard_devm_get_free_pages);

void kmemguard_devm_free_pages(struct kmemguard_site *desc, struct device *dev,
			       unsigned long addr)
{
	struct kmg_free_call call = { .api = KMG_FREE_DEVM_PAGES, .dev = dev };

	if (kmg_free(desc, (const void *)addr, &call)) {
		/* kmemguard's devres entry goes first, without running. */
		kmg_devm_forget(dev, (const void *)addr);
		devm_free_pages(dev, addr);
	}
}
EXPORT_SYMBOL_GPL(kmemguard_devm_free_pages);

/* === Frees in NMI context ================================================ */

/*
 * The allocators are not NMI-safe: a free there could deadlock against the
 * lock the NMI interrupted. It is reported, parked here, and done by an
 * irq_work on the same CPU as soon as interrupts are on, through the same
 * checks as any free. An allocation in NMI context cannot run at all: it is
 * reported and gets NULL.
 */
#define KMG_NMI_SLOTS	16

struct kmg_nmi_slot {
	atomic_t state;			/* 0 free, 1 being filled, 2 ready */
	struct kmemguard_site *desc;
	const void *p;
	struct kmg_free_call call;
};

struct kmg_nmi_queue {
	struct irq_work work;
	struct kmg_nmi_slot slot[KMG_NMI_SLOTS];
};

static DEFINE_PER_CPU(struct kmg_nmi_queue, kmg_nmi_queues);

/*
 * A site to report under in NMI context, where no shadow can be made: the
 * shadow if there is one, else a copy on the stack of the driver's
 * descriptor, which is alive for the duration of the driver's call.
 */
static struct kmg_site *kmg_nmi_site(struct kmemguard_site *desc,
				     struct kmg_site *tmp)
{
	struct kmg_site *s = READ_ONCE(desc->shadow);

	if (s)
		return s;
	memset(tmp, 0, sizeof(*tmp));
	tmp->file = desc->file;
	tmp->func = desc->func;
	tmp->line = desc->line;
	strscpy(tmp->modname, desc->mod ? desc->mod->name : "kernel",
		sizeof(tmp->modname));
	return tmp;
}

static void kmg_nmi_refuse_destroy(struct kmemguard_site *desc,
				   struct kmem_cache *s)
{
	static const struct kmg_free_call call = {
		.api = KMG_FREE_CACHE_DESTROY };
	struct kmg_site tmp;

	kmg_report_free_context(KMG_BUG_NMI, kmg_nmi_site(desc, &tmp), &call, s,
				false);
}

noinline bool kmg_alloc_nmi(struct kmemguard_site *desc, gfp_t gfp,
			    const char *call)
{
	struct kmg_site tmp;

	/* Reports and refuses: the allocators are not NMI-safe. */
	kmg_check_alloc(kmg_nmi_site(desc, &tmp), &gfp, false, call);
	return false;
}

/* The driver's own free call for @call, done when kmg_free() says so. */
static void kmg_free_plain(const void *p, const struct kmg_free_call *call)
{
	switch (call->api) {
	case KMG_FREE_KFREE:
		kfree(p);
		break;
	case KMG_FREE_KFREE_CONST:
		kfree_const(p);
		break;
	case KMG_FREE_KFREE_SENSITIVE:
		kfree_sensitive(p);
		break;
	case KMG_FREE_KVFREE:
	case KMG_FREE_KVREALLOC:
		kvfree(p);
		break;
	case KMG_FREE_KVFREE_SENSITIVE:
		kvfree_sensitive(p, call->len);
		break;
	case KMG_FREE_RCU:
		kmg_kvfree_after_gp(p);	/* still after a grace period */
		break;
	case KMG_FREE_VFREE:
		vfree(p);	/* defers itself in interrupt context */
		break;
	case KMG_FREE_PAGES:
		free_pages((unsigned long)p, call->order);
		break;
	case KMG_FREE_PAGES_EXACT:
		free_pages_exact((void *)p, call->len);
		break;
	case KMG_FREE_CACHE:
		kmem_cache_free(call->cache, (void *)p);
		break;
	case KMG_FREE_PERCPU:
		free_percpu((void __percpu __force *)p);
		break;
	case KMG_FREE_DEVM:
		kmg_devm_forget(call->dev, p);
		devm_kfree(call->dev, p);
		break;
	case KMG_FREE_DMA:
	case KMG_FREE_DMA_NC:
	case KMG_FREE_DMAM:
		kmg_dma_free_plain(p, call);
		break;
	case KMG_FREE_DMA_POOL:
		dma_pool_free(call->dma_pool, (void *)p, call->handle);
		break;
	case KMG_FREE_MEMPOOL_DESTROY:	/* @p is its reserve array */
		mempool_destroy(call->pool);
		break;
	case KMG_FREE_MEMPOOL_EXIT:
		mempool_exit(call->pool);
		break;
	case KMG_FREE_DEVM_PERCPU:
		kmg_devm_forget(call->dev, p);
		devm_free_percpu(call->dev, (void __percpu __force *)p);
		break;
	case KMG_FREE_DEVM_PAGES:
		kmg_devm_forget(call->dev, p);
		devm_free_pages(call->dev, (unsigned long)p);
		break;
	case KMG_FREE_PUT_PAGE:
		put_page(virt_to_page(p));
		break;
	default:
		break;	/* kmem_cache_destroy() has no NMI path: see below */
	}
}

static void kmg_nmi_work_fn(struct irq_work *work)
{
	struct kmg_nmi_queue *nq = container_of(work, struct kmg_nmi_queue, work);
	struct kmg_nmi_slot *s;
	unsigned int i;

	for (i = 0; i < KMG_NMI_SLOTS; i++) {
		s = &nq->slot[i];
		if (atomic_read_acquire(&s->state) != 2)
			continue;
		/* mempool.c: an element has checks of its own. */
		if (s->call.api == KMG_FREE_MEMPOOL)
			kmg_mempool_free_check(s->desc, s->p, s->call.pool);
		else if (kmg_free(s->desc, s->p, &s->call))
			kmg_free_plain(s->p, &s->call);
		atomic_set_release(&s->state, 0);
	}
}

static bool kmg_nmi_free(struct kmemguard_site *desc, const void *p,
			 const struct kmg_free_call *call)
{
	struct kmg_nmi_queue *nq = this_cpu_ptr(&kmg_nmi_queues);
	struct kmg_site tmp, *site = kmg_nmi_site(desc, &tmp);
	unsigned int i;

	for (i = 0; i < KMG_NMI_SLOTS; i++) {
		struct kmg_nmi_slot *s = &nq->slot[i];

		if (atomic_cmpxchg(&s->state, 0, 1) != 0)
			continue;
		s->desc = desc;
		s->p = p;
		s->call = *call;
		atomic_set_release(&s->state, 2);
		irq_work_queue(&nq->work);
		kmg_count(KMG_COUNT_NMI_DEFERRED);
		kmg_report_free_context(KMG_BUG_NMI, site, call, p, true);
		return false;
	}
	/* No slot: leaking it is safe, freeing it here is not. */
	kmg_count(KMG_COUNT_DEGRADED);
	kmg_report_free_context(KMG_BUG_NMI, site, call, p, false);
	return false;
}

/* Wait until no free parked in NMI context is pending. Context: process. */
void kmg_nmi_sync(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(&kmg_nmi_queues, cpu)->work);
}

int kmg_wrappers_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu_ptr(&kmg_nmi_queues, cpu)->work,
			      kmg_nmi_work_fn);
	kmg_wq = alloc_workqueue("kmemguard", 0, 0);
	return kmg_wq ? 0 : -ENOMEM;
}

/* No tracked module is left: nothing can park or queue work any more. */
void kmg_wrappers_exit(void)
{
	kmg_nmi_sync();
	rcu_barrier();	/* frees after a grace period may queue a destroy */
	destroy_workqueue(kmg_wq);	/* drains deferred cache destroys */
	kmg_devm_exit();
}
