/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard's macros, family by family: each family is switched on once the
 * kernel header that declares its calls has been parsed completely (its
 * __KMG_READY_* is defined), and never before: a macro defined earlier
 * would rewrite the kernel's own declarations. Included (again and again,
 * no include guard) by <kmemguard.h> and by every override header; a family
 * already on is left alone.
 *
 * Frees that can be used as values (kfree, kvfree, kfree_sensitive,
 * kfree_const, vfree, free_percpu) are object-like macros naming
 * kmemguard's exported function of the same signature, which is also a
 * function-like macro: a direct call `kfree(p)` becomes
 * kmemguard_kfree_ptr(p), then kmemguard_kfree(<site>, p) with its call
 * site; `kfree` as a value (a function pointer) stays kmemguard_kfree_ptr,
 * the exported function.
 * __free(kfree) and friends run kmemguard's cleanup functions instead of
 * the kernel's (whose bodies were compiled before the macros existed).
 */
#include "api.h"

#if !defined(KMEMGUARD_DISABLE) && !defined(KMEMGUARD_INTERNAL)

/*
 * Since 6.10 the allocation APIs are alloc_hooks() macros over *_noprof
 * functions, so that memory allocation profiling charges the caller's line.
 * Keeping alloc_hooks() at the driver's call site and calling *_noprof in
 * kmemguard keeps /proc/allocinfo blaming the driver, not kmemguard. Decided
 * again at each inclusion: alloc_hooks, once defined, stays defined.
 */
#ifdef alloc_hooks
#undef __KMG_HOOK
#define __KMG_HOOK(call)	alloc_hooks(call)
#elif !defined(__KMG_HOOK)
#define __KMG_HOOK(call)	(call)
#endif

/* The kernel's own allocation function under a macro of the same name. */
#undef __KMG_NOPROF
#ifdef alloc_hooks
#define __KMG_NOPROF(fn)	fn##_noprof
#else
#define __KMG_NOPROF(fn)	fn
#endif

/*
 * Is kmemguard on? Loaded with enabled=0, its static key stays off until it
 * is first enabled (then on for good: a disable at run time clears a flag
 * the module reads), and the hottest calls below go to the kernel's own
 * functions, inline, as if this header had not been included: a disabled
 * kmemguard costs a jump. Nothing allocated while the key is off is
 * kmemguard's (no record, redzone or guard page), so its free may take
 * either path. Needs <linux/jump_label.h>, which every family's header
 * includes; until it is parsed, always through kmemguard.
 */
#if defined(_LINUX_JUMP_LABEL_H) && !defined(__KMG_HAVE_KEY)
#define __KMG_HAVE_KEY
#undef __kmg_active
#define __kmg_active()	static_branch_likely(&kmemguard_enabled_key)
#elif !defined(__kmg_active)
#define __kmg_active()	1
#endif

/* A scope-based cleanup function (__free()) that frees through @fn. */
#define __KMG_DEFINE_FREE(name, fn)					\
static inline void __kmg_free_##name(void *p)				\
{									\
	void *obj = *(void **)p;					\
									\
	if (!__kmg_no_object(obj))					\
		(fn)(obj);						\
}

/* === <linux/slab.h>: kmalloc, kvmalloc, krealloc, slab caches ========== */
#if defined(__KMG_READY_SLAB) && !defined(__KMG_ON_SLAB)
#define __KMG_ON_SLAB

/*
 * The kernel's calls, for kmemguard loaded disabled (__kmg_active()):
 * defined before the macros below, so these are the kernel's. Always
 * inline, so that kmalloc() of a constant size still picks its cache at
 * build time.
 */
static __always_inline void *__kmg_kernel_kmalloc(size_t size, gfp_t gfp)
{
	return __KMG_NOPROF(kmalloc)(size, gfp);
}

static __always_inline void *
__kmg_kernel_kmalloc_node(size_t size, gfp_t gfp, int node)
{
	return __KMG_NOPROF(kmalloc_node)(size, gfp, node);
}

static __always_inline void *
__kmg_kernel_kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	return __KMG_NOPROF(kmalloc_array)(n, size, gfp);
}

static __always_inline void __kmg_kernel_kfree(const void *p)
{
	kfree(p);
}

static __always_inline void *
__kmg_kernel_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	return __KMG_NOPROF(kmem_cache_alloc)(s, gfp);
}

static __always_inline void
__kmg_kernel_cache_free(struct kmem_cache *s, void *p)
{
	kmem_cache_free(s, p);
}

#undef kmalloc
#define kmalloc(size, gfp)						\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_kmalloc_node(__KMG_CALLER, size, gfp, NUMA_NO_NODE) : \
		   __kmg_kernel_kmalloc(size, gfp))
#undef kzalloc
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)
#undef kmalloc_node
#define kmalloc_node(size, gfp, node)					\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_kmalloc_node(__KMG_CALLER, size, gfp, node) :	\
		   __kmg_kernel_kmalloc_node(size, gfp, node))
#undef kzalloc_node
#define kzalloc_node(size, gfp, node)	kmalloc_node(size, (gfp) | __GFP_ZERO, node)
#undef kmalloc_array
#define kmalloc_array(n, size, gfp)					\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_kmalloc_array(__KMG_CALLER, n, size, gfp) :	\
		   __kmg_kernel_kmalloc_array(n, size, gfp))
#undef kcalloc
#define kcalloc(n, size, gfp)	kmalloc_array(n, size, (gfp) | __GFP_ZERO)
#undef krealloc
#define krealloc(p, size, gfp)						\
	__KMG_HOOK(kmemguard_krealloc(__KMG_CALLER, p, size, gfp))
#undef krealloc_array
#define krealloc_array(p, n, size, gfp)					\
	__KMG_HOOK(kmemguard_krealloc_array(__KMG_CALLER, p, n, size, gfp))
#undef kmalloc_array_node
#define kmalloc_array_node(n, size, gfp, node)				\
	__KMG_HOOK(kmemguard_kmalloc_array_node(__KMG_CALLER, n, size, gfp, node))
#undef kcalloc_node
#define kcalloc_node(n, size, gfp, node)				\
	kmalloc_array_node(n, size, (gfp) | __GFP_ZERO, node)
/*
 * kvrealloc(): 6.1 takes (p, oldsize, newsize, gfp), 6.12 (p, size, gfp).
 * The driver's own arguments say which: no kernel version test here.
 */
#define __kmg_kvr_pick(_1, _2, _3, name, ...)	name
#define __kmg_kvr_args3(oldsize, size, gfp)	oldsize, size, gfp
#define __kmg_kvr_args2(size, gfp)		0, size, gfp
#define __kmg_kvr_args(...)						\
	__kmg_kvr_pick(__VA_ARGS__, __kmg_kvr_args3, __kmg_kvr_args2, _)(__VA_ARGS__)
#undef kvrealloc
#define kvrealloc(p, ...)						\
	__KMG_HOOK(kmemguard_kvrealloc(__KMG_CALLER, p, __kmg_kvr_args(__VA_ARGS__)))

#undef kvmalloc
#define kvmalloc(size, gfp)	kvmalloc_node(size, gfp, NUMA_NO_NODE)
#undef kvzalloc
#define kvzalloc(size, gfp)	kvmalloc(size, (gfp) | __GFP_ZERO)
#undef kvmalloc_node
#define kvmalloc_node(size, gfp, node)					\
	__KMG_HOOK(kmemguard_kvmalloc_node(__KMG_CALLER, size, gfp, node))
#undef kvmalloc_array
#define kvmalloc_array(n, size, gfp)					\
	__KMG_HOOK(kmemguard_kvmalloc_array(__KMG_CALLER, n, size, gfp))
#undef kvcalloc
#define kvcalloc(n, size, gfp)	kvmalloc_array(n, size, (gfp) | __GFP_ZERO)

#undef kfree
#define kfree			kmemguard_kfree_ptr
#define kmemguard_kfree_ptr(p)						\
	(__kmg_active() ? kmemguard_kfree(__KMG_SITE, p) : __kmg_kernel_kfree(p))
#undef kfree_sensitive
#define kfree_sensitive		kmemguard_kfree_sensitive_ptr
#define kmemguard_kfree_sensitive_ptr(p)				\
	kmemguard_kfree_sensitive(__KMG_SITE, p)
#undef kvfree
#define kvfree			kmemguard_kvfree_ptr
#define kmemguard_kvfree_ptr(p)	kmemguard_kvfree(__KMG_SITE, p)
#undef kvfree_sensitive
#define kvfree_sensitive(p, len)	kmemguard_kvfree_sensitive(__KMG_SITE, p, len)
__KMG_DEFINE_FREE(kfree, kmemguard_kfree_ptr)
__KMG_DEFINE_FREE(kvfree, kmemguard_kvfree_ptr)
__KMG_DEFINE_FREE(kfree_sensitive, kmemguard_kfree_sensitive_ptr)
#define __free_kfree		__kmg_free_kfree
#define __free_kvfree		__kmg_free_kvfree
#define __free_kfree_sensitive	__kmg_free_kfree_sensitive

/*
 * Slab caches: the cache itself is tracked too, so a lost one is a leak;
 * kmemguard creates it unmergeable where the kernel allows (6.5+).
 */
#ifdef kmem_cache_create
/* 6.12: kmem_cache_create() picks its variant with _Generic. */
#undef kmem_cache_create
#define kmem_cache_create(name, size, args, ...)			\
	_Generic((args),						\
		 struct kmem_cache_args *: kmemguard_kmem_cache_create_args, \
		 void *: kmemguard_kmem_cache_default_args,		\
		 default: kmemguard_kmem_cache_create)(__KMG_CALLER,	\
				name, size, args, __VA_ARGS__)
#undef KMEM_CACHE
#define KMEM_CACHE(__struct, __flags)					\
	kmemguard_kmem_cache_create_args(__KMG_CALLER, #__struct,	\
		sizeof(struct __struct),				\
		&(struct kmem_cache_args) {				\
			.align	= __alignof__(struct __struct),		\
		}, (__flags))
#undef KMEM_CACHE_USERCOPY
#define KMEM_CACHE_USERCOPY(__struct, __flags, __field)			\
	kmemguard_kmem_cache_create_args(__KMG_CALLER, #__struct,	\
		sizeof(struct __struct),				\
		&(struct kmem_cache_args) {				\
			.align		= __alignof__(struct __struct),	\
			.useroffset	= offsetof(struct __struct, __field), \
			.usersize	= sizeof_field(struct __struct, __field), \
		}, (__flags))
#else
/* Before 6.12 KMEM_CACHE() expands to kmem_cache_create(): one wrapper. */
#define kmem_cache_create(name, size, align, flags, ctor)		\
	kmemguard_kmem_cache_create(__KMG_CALLER, name, size, align, flags, ctor)
#endif
#define kmem_cache_create_usercopy(name, size, align, flags, uoff, usize, ctor) \
	kmemguard_kmem_cache_create_usercopy(__KMG_CALLER, name, size, align, \
					     flags, uoff, usize, ctor)
#define kmem_cache_destroy(s)	kmemguard_kmem_cache_destroy(__KMG_SITE, s)
#undef kmem_cache_alloc
#define kmem_cache_alloc(s, gfp)					\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_kmem_cache_alloc(__KMG_CALLER, s, gfp) :	\
		   __kmg_kernel_cache_alloc(s, gfp))
#undef kmem_cache_alloc_node
#define kmem_cache_alloc_node(s, gfp, node)				\
	__KMG_HOOK(kmemguard_kmem_cache_alloc_node(__KMG_CALLER, s, gfp, node))
/* A filesystem's inodes: alloc_inode_sb() of <linux/fs.h> is this since 6.10. */
#undef kmem_cache_alloc_lru
#define kmem_cache_alloc_lru(s, lru, gfp)				\
	__KMG_HOOK(kmemguard_kmem_cache_alloc_lru(__KMG_CALLER, s, lru, gfp))
#undef kmem_cache_zalloc
#define kmem_cache_zalloc(s, gfp)	kmem_cache_alloc(s, (gfp) | __GFP_ZERO)
#define kmem_cache_free(s, p)						\
	(__kmg_active() ? kmemguard_kmem_cache_free(__KMG_SITE, s, p) :	\
			  __kmg_kernel_cache_free(s, p))
#undef kmem_cache_alloc_bulk
#define kmem_cache_alloc_bulk(s, gfp, n, p)				\
	__KMG_HOOK(kmemguard_kmem_cache_alloc_bulk(__KMG_CALLER, s, gfp, n, p))
#define kmem_cache_free_bulk(s, n, p)					\
	kmemguard_kmem_cache_free_bulk(__KMG_SITE, s, n, p)
#define kfree_bulk(n, p)	kmemguard_kmem_cache_free_bulk(__KMG_SITE, NULL, n, p)
/*
 * Redzones (wrapper/redzone.c): a driver may use what ksize() says (KASAN's
 * rule), so kmemguard must hear of it: the redzone of that object then
 * starts there. Any other pointer gets the kernel's ksize().
 */
#define ksize(p)		kmemguard_ksize(p)
#endif /* slab */

/*
 * <linux/fs.h>: before 6.10 its alloc_inode_sb() (a filesystem's inode
 * allocation) is an inline function, whose kmem_cache_alloc_lru() call is
 * the header's, not the driver's: made the macro it is since 6.10, once
 * both headers were parsed completely, the call is the driver's line, and
 * tracked. (__KMG_READY_FS: kmemguard.mk's override of <linux/fs.h> after
 * it; <kmemguard.h> if <linux/fs.h> came before it.)
 */
#if defined(__KMG_ON_SLAB) && defined(__KMG_READY_FS) && !defined(alloc_inode_sb)
#define alloc_inode_sb(_sb, _cache, _gfp)				\
	kmem_cache_alloc_lru(_cache, &(_sb)->s_inode_lru, _gfp)
#endif

/* === <linux/string.h>: kstrdup, kmemdup, kfree_const =================== */
#if defined(__KMG_READY_STRING) && !defined(__KMG_ON_STRING)
#define __KMG_ON_STRING
/* kmemdup() is an alloc_hooks() macro since 6.10, which has kmemdup_array(). */
#ifdef kmemdup
#define __KMG_HAVE_KMEMDUP_ARRAY
#endif
#undef kmemdup
#define kmemdup(src, len, gfp)						\
	__KMG_HOOK(kmemguard_kmemdup(__KMG_CALLER, src, len, gfp))
#define kstrdup(s, gfp)							\
	__KMG_HOOK(kmemguard_kstrdup(__KMG_CALLER, s, gfp))
#define kstrndup(s, max, gfp)						\
	__KMG_HOOK(kmemguard_kstrndup(__KMG_CALLER, s, max, gfp))
#define kstrdup_const(s, gfp)						\
	__KMG_HOOK(kmemguard_kstrdup_const(__KMG_CALLER, s, gfp))
#undef kmemdup_nul
#define kmemdup_nul(s, len, gfp)					\
	__KMG_HOOK(kmemguard_kmemdup_nul(__KMG_CALLER, s, len, gfp))
/*
 * Only where the kernel declares it: a driver's own compat definition for
 * an older kernel must stay what it is.
 */
#ifdef __KMG_HAVE_KMEMDUP_ARRAY
#undef kmemdup_array
#define kmemdup_array(src, n, size, gfp)				\
	__KMG_HOOK(kmemguard_kmemdup_array(__KMG_CALLER, src, n, size, gfp))
#endif
/* Copies from user space: ERR_PTR() on failure, never NULL. */
#undef memdup_user
#define memdup_user(src, len)						\
	__KMG_HOOK(kmemguard_memdup_user(__KMG_CALLER, src, len))
#undef memdup_user_nul
#define memdup_user_nul(src, len)					\
	__KMG_HOOK(kmemguard_memdup_user_nul(__KMG_CALLER, src, len))
#undef vmemdup_user
#define vmemdup_user(src, len)						\
	__KMG_HOOK(kmemguard_vmemdup_user(__KMG_CALLER, src, len))
/* Inline functions in string.h (Debian's 6.1 has them too). */
#undef memdup_array_user
#define memdup_array_user(src, n, size)					\
	__KMG_HOOK(kmemguard_memdup_array_user(__KMG_CALLER, src, n, size, false))
#undef vmemdup_array_user
#define vmemdup_array_user(src, n, size)				\
	__KMG_HOOK(kmemguard_memdup_array_user(__KMG_CALLER, src, n, size, true))
#undef strndup_user
#define strndup_user(s, n)						\
	__KMG_HOOK(kmemguard_strndup_user(__KMG_CALLER, s, n))
#define kfree_const		kmemguard_kfree_const_ptr
#define kmemguard_kfree_const_ptr(p)	kmemguard_kfree_const(__KMG_SITE, p)
__KMG_DEFINE_FREE(kfree_const, kmemguard_kfree_const_ptr)
#define __free_kfree_const	__kmg_free_kfree_const
#endif /* string */

/* === <linux/sprintf.h> (6.1: <linux/kernel.h>): kasprintf ============== */
#if defined(__KMG_READY_SPRINTF) && !defined(__KMG_ON_SPRINTF)
#define __KMG_ON_SPRINTF
#define kvasprintf(gfp, fmt, ap)					\
	__KMG_HOOK(kmemguard_kvasprintf(__KMG_CALLER, gfp, fmt, ap))
#define kasprintf(gfp, fmt, ...)					\
	__KMG_HOOK(kmemguard_kasprintf(__KMG_CALLER, gfp, fmt, ##__VA_ARGS__))
#endif /* sprintf */

/* === <linux/vmalloc.h> ================================================== */
#if defined(__KMG_READY_VMALLOC) && !defined(__KMG_ON_VMALLOC)
#define __KMG_ON_VMALLOC
/* The kernel's calls, for kmemguard loaded disabled (see kmalloc). */
static __always_inline void *__kmg_kernel_vmalloc(unsigned long size)
{
	return __KMG_NOPROF(vmalloc)(size);
}

static __always_inline void __kmg_kernel_vfree(const void *p)
{
	vfree(p);
}

#undef vmalloc
#define vmalloc(size)							\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_vmalloc(__KMG_CALLER, size, GFP_KERNEL,	\
				     NUMA_NO_NODE, false) :		\
		   __kmg_kernel_vmalloc(size))
#undef vzalloc
#define vzalloc(size)							\
	__KMG_HOOK(kmemguard_vmalloc(__KMG_CALLER, size,		\
				     GFP_KERNEL | __GFP_ZERO,		\
				     NUMA_NO_NODE, false))
#undef vmalloc_node
#define vmalloc_node(size, node)					\
	__KMG_HOOK(kmemguard_vmalloc(__KMG_CALLER, size, GFP_KERNEL,	\
				     node, false))
#undef vmalloc_user
#define vmalloc_user(size)						\
	__KMG_HOOK(kmemguard_vmalloc(__KMG_CALLER, size,		\
				     GFP_KERNEL | __GFP_ZERO,		\
				     NUMA_NO_NODE, true))
#undef __vmalloc
#define __vmalloc(size, gfp)						\
	__KMG_HOOK(kmemguard___vmalloc(__KMG_CALLER, size, gfp))
#undef vmalloc_32
#define vmalloc_32(size)						\
	__KMG_HOOK(kmemguard_vmalloc_32(__KMG_CALLER, size))
#undef vmalloc_32_user
#define vmalloc_32_user(size)						\
	__KMG_HOOK(kmemguard_vmalloc_32_user(__KMG_CALLER, size))
#undef __vmalloc_array
#define __vmalloc_array(n, size, gfp)					\
	__KMG_HOOK(kmemguard_vmalloc_array(__KMG_CALLER, n, size, gfp))
#undef vmalloc_array
#define vmalloc_array(n, size)	__vmalloc_array(n, size, GFP_KERNEL)
#undef __vcalloc
#define __vcalloc(n, size, gfp)	__vmalloc_array(n, size, (gfp) | __GFP_ZERO)
#undef vcalloc
#define vcalloc(n, size)	__vcalloc(n, size, GFP_KERNEL)
#define vfree			kmemguard_vfree_ptr
#define kmemguard_vfree_ptr(p)						\
	(__kmg_active() ? kmemguard_vfree(__KMG_SITE, p) : __kmg_kernel_vfree(p))
__KMG_DEFINE_FREE(vfree, kmemguard_vfree_ptr)
#define __free_vfree		__kmg_free_vfree
#endif /* vmalloc */

/* === <linux/gfp.h>: the page allocator ================================= */
#if defined(__KMG_READY_GFP) && !defined(__KMG_ON_GFP)
#define __KMG_ON_GFP
/* The kernel's calls, for kmemguard loaded disabled (see kmalloc). */
static __always_inline unsigned long
__kmg_kernel_get_free_pages(gfp_t gfp, unsigned int order)
{
#ifdef alloc_hooks
	return get_free_pages_noprof(gfp, order);
#else
	return __get_free_pages(gfp, order);
#endif
}

static __always_inline struct page *
__kmg_kernel_alloc_pages(gfp_t gfp, unsigned int order)
{
	return __KMG_NOPROF(alloc_pages)(gfp, order);
}

static __always_inline void
__kmg_kernel_free_pages(unsigned long addr, unsigned int order)
{
	free_pages(addr, order);
}

static __always_inline void
__kmg_kernel___free_pages(struct page *page, unsigned int order)
{
	__free_pages(page, order);
}

/* __get_free_page(), alloc_page(), free_page(), __free_page() expand to these. */
#undef __get_free_pages
#define __get_free_pages(gfp, order)					\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_get_free_pages(__KMG_CALLER, gfp, order) :	\
		   __kmg_kernel_get_free_pages(gfp, order))
#undef get_zeroed_page
#define get_zeroed_page(gfp)	__get_free_pages((gfp) | __GFP_ZERO, 0)
#undef alloc_pages
#define alloc_pages(gfp, order)						\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_alloc_pages(__KMG_CALLER, gfp, order) :	\
		   __kmg_kernel_alloc_pages(gfp, order))
#define free_pages(addr, order)						\
	(__kmg_active() ?						\
	 kmemguard_free_pages(__KMG_SITE, (unsigned long)(addr), order) :	\
	 __kmg_kernel_free_pages((unsigned long)(addr), order))
#define __free_pages(page, order)					\
	(__kmg_active() ? kmemguard___free_pages(__KMG_SITE, page, order) : \
			  __kmg_kernel___free_pages(page, order))
#undef alloc_pages_exact
#define alloc_pages_exact(size, gfp)					\
	__KMG_HOOK(kmemguard_alloc_pages_exact(__KMG_CALLER, size, gfp))
#define free_pages_exact(p, size)					\
	kmemguard_free_pages_exact(__KMG_SITE, p, size)
#undef alloc_pages_node
#define alloc_pages_node(nid, gfp, order)				\
	__KMG_HOOK(kmemguard_alloc_pages_node(__KMG_CALLER, nid, gfp, order))
#endif /* gfp */

/* === <linux/mm.h>: the last reference of a page ======================== */
#if defined(__KMG_READY_MM) && !defined(__KMG_ON_MM)
#define __KMG_ON_MM
/* The last reference's put frees the page: the driver's pages' free. */
#define put_page(page)		kmemguard_put_page(__KMG_SITE, page)
#define folio_put(folio)	kmemguard_folio_put(__KMG_SITE, folio)
/* A split allocation is pages of their own: tracked no more. */
#define split_page(page, order)	kmemguard_split_page(__KMG_SITE, page, order)
#endif /* mm */

/* === <linux/percpu.h>: per-CPU memory ================================== */
#if defined(__KMG_READY_PERCPU) && !defined(__KMG_ON_PERCPU)
#define __KMG_ON_PERCPU
/* alloc_percpu(), alloc_percpu_gfp() and __alloc_percpu() expand to this. */
#undef __alloc_percpu_gfp
#define __alloc_percpu_gfp(size, align, gfp)				\
	__KMG_HOOK(kmemguard___alloc_percpu_gfp(__KMG_CALLER, size, align, gfp))
#undef __alloc_percpu
#define __alloc_percpu(size, align)	__alloc_percpu_gfp(size, align, GFP_KERNEL)
#define free_percpu		kmemguard_free_percpu_ptr
#define kmemguard_free_percpu_ptr(p)	kmemguard_free_percpu(__KMG_SITE, p)
/* __free(free_percpu): the pointer is a __percpu one. */
static inline void __kmg_free_free_percpu(void *p)
{
	void __percpu *obj = *(void __percpu **)p;

	if (obj)
		(kmemguard_free_percpu_ptr)(obj);
}

#define __free_free_percpu	__kmg_free_free_percpu
#endif /* percpu */

/* === <linux/bitmap.h>: bitmap_alloc() is kmalloc_array(), bitmap_free() kfree() */
#if defined(__KMG_READY_BITMAP) && !defined(__KMG_ON_BITMAP)
#define __KMG_ON_BITMAP
#undef bitmap_alloc_node
#undef bitmap_zalloc_node
#undef bitmap_alloc
#undef bitmap_zalloc
#undef bitmap_free
#define bitmap_alloc_node(nbits, gfp, node)				\
	((unsigned long *)__KMG_HOOK(kmemguard_kmalloc_array_node(__KMG_CALLER, \
		BITS_TO_LONGS(nbits), sizeof(unsigned long), gfp, node)))
#define bitmap_zalloc_node(nbits, gfp, node)				\
	bitmap_alloc_node(nbits, (gfp) | __GFP_ZERO, node)
#define bitmap_alloc(nbits, gfp)	bitmap_alloc_node(nbits, gfp, NUMA_NO_NODE)
#define bitmap_zalloc(nbits, gfp)	bitmap_alloc_node(nbits, (gfp) | __GFP_ZERO, NUMA_NO_NODE)
/* As a value, bitmap_free stays the kernel's (whose kfree() kmemguard cannot see). */
#define bitmap_free(p)		kmemguard_kfree(__KMG_SITE, p)
/* devm_: devm_kmalloc() memory of a family no call of the driver's frees. */
#define devm_bitmap_alloc(dev, nbits, gfp)				\
	kmemguard_devm_bitmap_alloc(__KMG_CALLER, dev, nbits, gfp)
#define devm_bitmap_zalloc(dev, nbits, gfp)				\
	devm_bitmap_alloc(dev, nbits, (gfp) | __GFP_ZERO)
__KMG_DEFINE_FREE(bitmap, kmemguard_kfree_ptr)
#define __free_bitmap		__kmg_free_bitmap
#endif /* bitmap */

/* === <linux/device/devres.h> (6.1: <linux/device.h>): devm_kmalloc ===== */
#if defined(__KMG_READY_DEVRES) && !defined(__KMG_ON_DEVRES)
#define __KMG_ON_DEVRES
/* Device-managed memory: untracked when devres releases it. */
#define devm_kmalloc(dev, size, gfp)					\
	kmemguard_devm_kmalloc(__KMG_CALLER, dev, size, gfp)
#define devm_kzalloc(dev, size, gfp)	devm_kmalloc(dev, size, (gfp) | __GFP_ZERO)
#define devm_kmalloc_array(dev, n, size, gfp)				\
	kmemguard_devm_kmalloc_array(__KMG_CALLER, dev, n, size, gfp)
#define devm_kcalloc(dev, n, size, gfp)					\
	devm_kmalloc_array(dev, n, size, (gfp) | __GFP_ZERO)
#define devm_kfree(dev, p)	kmemguard_devm_kfree(__KMG_SITE, dev, p)
#define devm_krealloc(dev, p, size, gfp)				\
	kmemguard_devm_krealloc(__KMG_CALLER, dev, p, size, gfp)
#ifdef __KMG_HAVE_DEVRES_H	/* 6.2+: and its inline devm_krealloc_array() */
#define devm_krealloc_array(dev, p, n, size, gfp)			\
	kmemguard_devm_krealloc_array(__KMG_CALLER, dev, p, n, size, gfp)
#endif
#undef devm_kmemdup
#define devm_kmemdup(dev, src, len, gfp)				\
	kmemguard_devm_kmemdup(__KMG_CALLER, dev, src, len, gfp)
#undef devm_kstrdup
#define devm_kstrdup(dev, s, gfp)					\
	kmemguard_devm_kstrdup(__KMG_CALLER, dev, s, gfp)
#define devm_get_free_pages(dev, gfp, order)				\
	kmemguard_devm_get_free_pages(__KMG_CALLER, dev, gfp, order)
#define devm_free_pages(dev, addr)					\
	kmemguard_devm_free_pages(__KMG_SITE, dev, addr)
#define devm_kstrdup_const(dev, s, gfp)					\
	kmemguard_devm_kstrdup_const(__KMG_CALLER, dev, s, gfp)
#undef devm_kvasprintf
#define devm_kvasprintf(dev, gfp, fmt, ap)				\
	kmemguard_devm_kvasprintf(__KMG_CALLER, dev, gfp, fmt, ap)
#undef devm_kasprintf
#define devm_kasprintf(dev, gfp, fmt, ...)				\
	kmemguard_devm_kasprintf(__KMG_CALLER, dev, gfp, fmt, ##__VA_ARGS__)
#endif /* devres */

/* === <linux/dma-mapping.h>: DMA-coherent, non-coherent and managed memory */
#if defined(__KMG_READY_DMA) && !defined(__KMG_ON_DMA)
#define __KMG_ON_DMA
/* The kernel's inlines (dma_alloc_coherent(), ...) as they are, at the driver's line. */
#undef dma_alloc_attrs
#define dma_alloc_attrs(dev, size, handle, gfp, attrs)			\
	kmemguard_dma_alloc_attrs(__KMG_CALLER, dev, size, handle, gfp,	\
				  attrs, "dma_alloc_attrs()")
#undef dma_alloc_coherent
#define dma_alloc_coherent(dev, size, handle, gfp)			\
	({ gfp_t __kmg_g = (gfp);					\
	   kmemguard_dma_alloc_attrs(__KMG_CALLER, dev, size, handle,	\
		__kmg_g, (__kmg_g & __GFP_NOWARN) ? DMA_ATTR_NO_WARN : 0,	\
		"dma_alloc_coherent()"); })
#undef dma_alloc_wc
#define dma_alloc_wc(dev, size, handle, gfp)				\
	({ gfp_t __kmg_g = (gfp);					\
	   kmemguard_dma_alloc_attrs(__KMG_CALLER, dev, size, handle,	\
		__kmg_g, DMA_ATTR_WRITE_COMBINE |				\
		((__kmg_g & __GFP_NOWARN) ? DMA_ATTR_NO_WARN : 0),		\
		"dma_alloc_wc()"); })
#undef dma_free_attrs
#define dma_free_attrs(dev, size, cpu_addr, handle, attrs)		\
	kmemguard_dma_free_attrs(__KMG_SITE, dev, size, cpu_addr, handle, attrs)
#undef dma_free_coherent
#define dma_free_coherent(dev, size, cpu_addr, handle)			\
	kmemguard_dma_free_attrs(__KMG_SITE, dev, size, cpu_addr, handle, 0)
#undef dma_free_wc
#define dma_free_wc(dev, size, cpu_addr, handle)				\
	kmemguard_dma_free_attrs(__KMG_SITE, dev, size, cpu_addr, handle, \
				 DMA_ATTR_WRITE_COMBINE)
#undef dma_alloc_noncoherent
#define dma_alloc_noncoherent(dev, size, handle, dir, gfp)		\
	kmemguard_dma_alloc_noncoherent(__KMG_CALLER, dev, size, handle,	\
					dir, gfp)
#undef dma_free_noncoherent
#define dma_free_noncoherent(dev, size, vaddr, handle, dir)		\
	kmemguard_dma_free_noncoherent(__KMG_SITE, dev, size, vaddr,	\
				       handle, dir)
#undef dmam_alloc_attrs
#define dmam_alloc_attrs(dev, size, handle, gfp, attrs)			\
	kmemguard_dmam_alloc_attrs(__KMG_CALLER, dev, size, handle, gfp,	\
				   attrs, "dmam_alloc_attrs()")
#undef dmam_alloc_coherent
#define dmam_alloc_coherent(dev, size, handle, gfp)			\
	({ gfp_t __kmg_g = (gfp);					\
	   kmemguard_dmam_alloc_attrs(__KMG_CALLER, dev, size, handle,	\
		__kmg_g, (__kmg_g & __GFP_NOWARN) ? DMA_ATTR_NO_WARN : 0,	\
		"dmam_alloc_coherent()"); })
#undef dmam_free_coherent
#define dmam_free_coherent(dev, size, vaddr, handle)			\
	kmemguard_dmam_free_coherent(__KMG_SITE, dev, size, vaddr, handle)
#endif /* dma */

/* === <linux/device.h>: devm_alloc_percpu ============================== */
#if defined(__KMG_READY_DEVICE) && !defined(__KMG_ON_DEVICE)
#define __KMG_ON_DEVICE
/* devm_alloc_percpu() expands to this. Untracked when devres frees it. */
#undef __devm_alloc_percpu
#define __devm_alloc_percpu(dev, size, align)				\
	kmemguard___devm_alloc_percpu(__KMG_CALLER, dev, size, align)
#define devm_free_percpu(dev, p)	kmemguard_devm_free_percpu(__KMG_SITE, dev, p)
#endif /* device */

/* === <linux/rcupdate.h>: kfree_rcu() and friends ======================= */
#if defined(__KMG_READY_RCU) && !defined(__KMG_ON_RCU)
#define __KMG_ON_RCU
/*
 * The object stops being tracked when it is queued (the driver gave it up
 * then); the kernel frees it after the grace period. A free kmemguard
 * refused (double, invalid) comes back NULL: not queued. The kernel's
 * kvfree_rcu_arg_*() evaluate their pointer argument once.
 */
#define __KMG_RCU_QUEUED(ptr)						\
	((typeof(ptr))kmemguard_kvfree_rcu_queued(__KMG_SITE, ptr))
#undef kfree_rcu
#define kfree_rcu(ptr, rhf)	kvfree_rcu_arg_2(__KMG_RCU_QUEUED(ptr), rhf)
#undef kvfree_rcu
#define kvfree_rcu(ptr, rhf)	kvfree_rcu_arg_2(__KMG_RCU_QUEUED(ptr), rhf)
#undef kfree_rcu_mightsleep
#define kfree_rcu_mightsleep(ptr)	kvfree_rcu_arg_1(__KMG_RCU_QUEUED(ptr))
#undef kvfree_rcu_mightsleep
#define kvfree_rcu_mightsleep(ptr)	kvfree_rcu_arg_1(__KMG_RCU_QUEUED(ptr))
#endif /* rcu */

/* === <linux/mempool.h> ================================================= */
/*
 * Every way to make a pool ends in kmemguard_mempool_create_node() or
 * kmemguard_mempool_init_node(): the *_pool() helpers too, which are
 * macros on 6.12 and inline functions (compiled before these macros, so
 * untracked unless redefined here) on 6.1. mempool_free() as a value (rare)
 * stays the kernel's; the kernel's own callbacks (mempool_free_slab() & co)
 * are the pool's business, not the driver's.
 */
#if defined(__KMG_READY_MEMPOOL) && !defined(__KMG_ON_MEMPOOL)
#define __KMG_ON_MEMPOOL
/* The kernel's calls, for kmemguard loaded disabled (see kmalloc). */
static __always_inline void *
__kmg_kernel_mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	return __KMG_NOPROF(mempool_alloc)(pool, gfp);
}

static __always_inline void __kmg_kernel_mempool_free(void *p, mempool_t *pool)
{
	mempool_free(p, pool);
}

#undef mempool_create_node
#define mempool_create_node(min_nr, alloc_fn, free_fn, data, gfp, nid)	\
	__KMG_HOOK(kmemguard_mempool_create_node(__KMG_CALLER, min_nr,	\
						 alloc_fn, free_fn,	\
						 data, gfp, nid))
#undef mempool_create
#define mempool_create(min_nr, alloc_fn, free_fn, data)			\
	mempool_create_node(min_nr, alloc_fn, free_fn, data, GFP_KERNEL,	\
			    NUMA_NO_NODE)
#undef mempool_create_slab_pool
#define mempool_create_slab_pool(min_nr, kc)				\
	mempool_create(min_nr, mempool_alloc_slab, mempool_free_slab,	\
		       (void *)(kc))
#undef mempool_create_kmalloc_pool
#define mempool_create_kmalloc_pool(min_nr, size)			\
	mempool_create(min_nr, mempool_kmalloc, mempool_kfree,		\
		       (void *)(unsigned long)(size))
#undef mempool_create_page_pool
#define mempool_create_page_pool(min_nr, order)				\
	mempool_create(min_nr, mempool_alloc_pages, mempool_free_pages,	\
		       (void *)(long)(order))
#undef mempool_init_node
#define mempool_init_node(pool, min_nr, alloc_fn, free_fn, data, gfp, nid) \
	__KMG_HOOK(kmemguard_mempool_init_node(__KMG_CALLER, pool, min_nr, \
					       alloc_fn, free_fn, data,	\
					       gfp, nid))
#undef mempool_init
#define mempool_init(pool, min_nr, alloc_fn, free_fn, data)		\
	mempool_init_node(pool, min_nr, alloc_fn, free_fn, data,	\
			  GFP_KERNEL, NUMA_NO_NODE)
#undef mempool_init_slab_pool
#define mempool_init_slab_pool(pool, min_nr, kc)			\
	mempool_init(pool, min_nr, mempool_alloc_slab, mempool_free_slab, \
		     (void *)(kc))
#undef mempool_init_kmalloc_pool
#define mempool_init_kmalloc_pool(pool, min_nr, size)			\
	mempool_init(pool, min_nr, mempool_kmalloc, mempool_kfree,	\
		     (void *)(unsigned long)(size))
#undef mempool_init_page_pool
#define mempool_init_page_pool(pool, min_nr, order)			\
	mempool_init(pool, min_nr, mempool_alloc_pages,			\
		     mempool_free_pages, (void *)(long)(order))
#undef mempool_alloc
#define mempool_alloc(pool, gfp)					\
	__KMG_HOOK(__kmg_active() ?					\
		   kmemguard_mempool_alloc(__KMG_CALLER, pool, gfp) :	\
		   __kmg_kernel_mempool_alloc(pool, gfp))
#define mempool_free(p, pool)						\
	(__kmg_active() ? kmemguard_mempool_free(__KMG_SITE, p, pool) :	\
			  __kmg_kernel_mempool_free(p, pool))
#define mempool_destroy(pool)	kmemguard_mempool_destroy(__KMG_SITE, pool)
#define mempool_exit(pool)	kmemguard_mempool_exit(__KMG_SITE, pool)
#define mempool_resize(pool, new_min_nr)				\
	kmemguard_mempool_resize(__KMG_SITE, pool, new_min_nr)
#endif /* mempool */

/* === <linux/dmapool.h> ================================================ */
/*
 * dma_pool_zalloc() is an inline over dma_pool_alloc(), compiled before
 * these macros: redefined here, or its elements would go untracked.
 * dma_pool_free() as a value (rare) stays the kernel's. The kernel has no
 * DEFINE_FREE() for pools.
 */
#if defined(__KMG_READY_DMAPOOL) && !defined(__KMG_ON_DMAPOOL)
#define __KMG_ON_DMAPOOL
#undef dma_pool_create
#define dma_pool_create(name, dev, size, align, boundary)		\
	kmemguard_dma_pool_create(__KMG_CALLER, name, dev, size, align,	\
				  boundary)
#undef dmam_pool_create
#define dmam_pool_create(name, dev, size, align, boundary)		\
	kmemguard_dmam_pool_create(__KMG_CALLER, name, dev, size, align, \
				   boundary)
#define dma_pool_destroy(pool)	kmemguard_dma_pool_destroy(__KMG_SITE, pool)
#define dmam_pool_destroy(pool)	kmemguard_dmam_pool_destroy(__KMG_SITE, pool)
#undef dma_pool_alloc
#define dma_pool_alloc(pool, gfp, handle)				\
	kmemguard_dma_pool_alloc(__KMG_CALLER, pool, gfp, handle)
#undef dma_pool_zalloc
#define dma_pool_zalloc(pool, gfp, handle)				\
	kmemguard_dma_pool_alloc(__KMG_CALLER, pool, (gfp) | __GFP_ZERO,	\
				 handle)
#define dma_pool_free(pool, p, handle)					\
	kmemguard_dma_pool_free(__KMG_SITE, pool, p, handle)
#endif /* dmapool */

#endif /* !KMEMGUARD_DISABLE && !KMEMGUARD_INTERNAL */
