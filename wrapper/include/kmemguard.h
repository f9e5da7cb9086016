/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard: leak and misuse tracking for a driver's memory allocations.
 *
 * Include this header after the driver's kernel includes, or force-include
 * it for a whole module with wrapper/kmemguard.mk. Every allocator call the
 * driver makes is then routed through the kmemguard module together with a
 * static descriptor of its call site (the same idea as alloc_tag): the
 * header only captures the site and routes the call; all logic lives in the
 * module.
 *
 * Only calls written in the file being compiled are routed. Allocation calls
 * inside inline functions of kernel headers belong to the kernel (which may
 * free that memory itself), so they stay plain calls: __FILE__ differs from
 * __BASE_FILE__ there, and the compiler folds the comparison at build time.
 * Frees are always routed: a free of a pointer kmemguard never saw is passed
 * straight to the allocator.
 *
 * Build with -DKMEMGUARD_DISABLE to get the plain kernel calls back.
 */
#ifndef _KMEMGUARD_H
#define _KMEMGUARD_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/rcupdate.h>
#include <linux/device.h>
#include <linux/kernel.h>

struct kmg_site;

/**
 * struct kmemguard_site - one allocation or free call site of a driver
 * @file:	source file, as the compiler saw it (immutable)
 * @func:	enclosing function (immutable)
 * @mod:	module the call is compiled into (immutable)
 * @line:	source line (immutable)
 * @shadow:	kmemguard's own copy of this site, made on its first use and
 *		set once (kmemguard's sites lock)
 *
 * One static instance per call site, in the calling module's data, as
 * alloc_tag's: it lives exactly as long as that module. It is read only by
 * the driver's own calls; everything kmemguard keeps or prints later lives
 * in the shadow, which kmemguard owns.
 */
struct kmemguard_site {
	const char *file;
	const char *func;
	struct module *mod;
	unsigned int line;
	struct kmg_site *shadow;
};

/* Exported entry points (wrapper/wrappers.c). */
void *kmemguard_kmalloc_node(struct kmemguard_site *site, size_t size,
			     gfp_t gfp, int node);
void *kmemguard_kmalloc_array(struct kmemguard_site *site, size_t n,
			      size_t size, gfp_t gfp);
void *kmemguard_krealloc(struct kmemguard_site *site, const void *p,
			 size_t size, gfp_t gfp);
void *kmemguard_kmemdup(struct kmemguard_site *site, const void *src,
			size_t len, gfp_t gfp);
char *kmemguard_kstrdup(struct kmemguard_site *site, const char *s,
			gfp_t gfp);
char *kmemguard_kstrndup(struct kmemguard_site *site, const char *s,
			 size_t max, gfp_t gfp);
const char *kmemguard_kstrdup_const(struct kmemguard_site *site,
				    const char *s, gfp_t gfp);
__printf(3, 0) char *kmemguard_kvasprintf(struct kmemguard_site *site,
					  gfp_t gfp, const char *fmt,
					  va_list ap);
__printf(3, 4) char *kmemguard_kasprintf(struct kmemguard_site *site,
					 gfp_t gfp, const char *fmt, ...);
void *kmemguard_kvmalloc_node(struct kmemguard_site *site, size_t size,
			      gfp_t gfp, int node);
void *kmemguard_kvmalloc_array(struct kmemguard_site *site, size_t n,
			       size_t size, gfp_t gfp);
void kmemguard_kfree(struct kmemguard_site *site, const void *p);
void kmemguard_kfree_sensitive(struct kmemguard_site *site, const void *p);
void kmemguard_kfree_const(struct kmemguard_site *site, const void *p);
void kmemguard_kvfree(struct kmemguard_site *site, const void *p);
void *kmemguard_kvfree_rcu_queued(struct kmemguard_site *site, const void *p);

void *kmemguard_vmalloc(struct kmemguard_site *site, unsigned long size,
			gfp_t gfp, int node, bool user);
void kmemguard_vfree(struct kmemguard_site *site, const void *p);

unsigned long kmemguard_get_free_pages(struct kmemguard_site *site,
				       gfp_t gfp, unsigned int order);
struct page *kmemguard_alloc_pages(struct kmemguard_site *site, gfp_t gfp,
				   unsigned int order);
void kmemguard_free_pages(struct kmemguard_site *site, unsigned long addr,
			  unsigned int order);
void kmemguard___free_pages(struct kmemguard_site *site, struct page *page,
			    unsigned int order);

struct kmem_cache_args;
struct kmem_cache *kmemguard_kmem_cache_create(struct kmemguard_site *site,
					       const char *name,
					       unsigned int size,
					       unsigned int align,
					       slab_flags_t flags,
					       void (*ctor)(void *));
struct kmem_cache *kmemguard_kmem_cache_create_usercopy(struct kmemguard_site *site,
							const char *name,
							unsigned int size,
							unsigned int align,
							slab_flags_t flags,
							unsigned int useroffset,
							unsigned int usersize,
							void (*ctor)(void *));
struct kmem_cache *kmemguard_kmem_cache_create_args(struct kmemguard_site *site,
						    const char *name,
						    unsigned int size,
						    struct kmem_cache_args *args,
						    slab_flags_t flags);
struct kmem_cache *kmemguard_kmem_cache_default_args(struct kmemguard_site *site,
						     const char *name,
						     unsigned int size,
						     struct kmem_cache_args *args,
						     slab_flags_t flags);
void kmemguard_kmem_cache_destroy(struct kmemguard_site *site,
				  struct kmem_cache *s);
void *kmemguard_kmem_cache_alloc(struct kmemguard_site *site,
				 struct kmem_cache *s, gfp_t gfp);
void kmemguard_kmem_cache_free(struct kmemguard_site *site,
			       struct kmem_cache *s, void *p);

void *kmemguard_devm_kmalloc(struct kmemguard_site *site, struct device *dev,
			     size_t size, gfp_t gfp);
void *kmemguard_devm_kmalloc_array(struct kmemguard_site *site,
				   struct device *dev, size_t n, size_t size,
				   gfp_t gfp);
void kmemguard_devm_kfree(struct kmemguard_site *site, struct device *dev,
			  const void *p);
size_t kmemguard_ksize(const void *p);	/* redzones (#18), redzone.c */

#if !defined(KMEMGUARD_DISABLE) && !defined(KMEMGUARD_INTERNAL)

/* The call site, as a static descriptor in the calling module. */
#define __KMG_SITE ({							\
	static struct kmemguard_site __kmg_site = {			\
		.file = __FILE__,					\
		.func = __func__,					\
		.line = __LINE__,					\
		.mod = THIS_MODULE,					\
	};								\
	&__kmg_site;							\
})

/*
 * The site of a call written in the driver's own source file; NULL for a
 * call inside a kernel header's inline function, which kmemguard then passes
 * straight to the allocator. The compiler folds the test at build time.
 */
#define __KMG_CALLER							\
	(__builtin_strcmp(__FILE__, __BASE_FILE__) ? NULL : __KMG_SITE)

/*
 * Since 6.10 the allocation APIs are alloc_hooks() macros over *_noprof
 * functions, so that memory allocation profiling charges the caller's line.
 * Keeping alloc_hooks() at the driver's call site and calling *_noprof in
 * kmemguard keeps /proc/allocinfo blaming the driver, not kmemguard.
 * "kmalloc is a macro" is the feature probe; before 6.10 it is a function.
 */
#ifdef kmalloc
#define __KMG_HOOK(call)	alloc_hooks(call)
#else
#define __KMG_HOOK(call)	(call)
#endif

#undef kmalloc
#define kmalloc(size, gfp)						\
	__KMG_HOOK(kmemguard_kmalloc_node(__KMG_CALLER, size, gfp, NUMA_NO_NODE))
#undef kzalloc
#define kzalloc(size, gfp)	kmalloc(size, (gfp) | __GFP_ZERO)
#undef kmalloc_node
#define kmalloc_node(size, gfp, node)					\
	__KMG_HOOK(kmemguard_kmalloc_node(__KMG_CALLER, size, gfp, node))
#undef kzalloc_node
#define kzalloc_node(size, gfp, node)	kmalloc_node(size, (gfp) | __GFP_ZERO, node)
#undef kmalloc_array
#define kmalloc_array(n, size, gfp)					\
	__KMG_HOOK(kmemguard_kmalloc_array(__KMG_CALLER, n, size, gfp))
#undef kcalloc
#define kcalloc(n, size, gfp)	kmalloc_array(n, size, (gfp) | __GFP_ZERO)
#undef krealloc
#define krealloc(p, size, gfp)						\
	__KMG_HOOK(kmemguard_krealloc(__KMG_CALLER, p, size, gfp))
#undef kmemdup
#define kmemdup(src, len, gfp)						\
	__KMG_HOOK(kmemguard_kmemdup(__KMG_CALLER, src, len, gfp))
#define kstrdup(s, gfp)							\
	__KMG_HOOK(kmemguard_kstrdup(__KMG_CALLER, s, gfp))
#define kstrndup(s, max, gfp)						\
	__KMG_HOOK(kmemguard_kstrndup(__KMG_CALLER, s, max, gfp))
#define kstrdup_const(s, gfp)						\
	__KMG_HOOK(kmemguard_kstrdup_const(__KMG_CALLER, s, gfp))
#define kvasprintf(gfp, fmt, ap)					\
	__KMG_HOOK(kmemguard_kvasprintf(__KMG_CALLER, gfp, fmt, ap))
#define kasprintf(gfp, fmt, ...)					\
	__KMG_HOOK(kmemguard_kasprintf(__KMG_CALLER, gfp, fmt, ##__VA_ARGS__))

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

#define kfree(p)		kmemguard_kfree(__KMG_SITE, p)
#define kfree_sensitive(p)	kmemguard_kfree_sensitive(__KMG_SITE, p)
#define kfree_const(p)		kmemguard_kfree_const(__KMG_SITE, p)
#define kvfree(p)		kmemguard_kvfree(__KMG_SITE, p)

/*
 * kfree_rcu() and friends: the object stops being tracked when it is queued
 * (the driver gave it up then); the kernel frees it after the grace period.
 * A free kmemguard refused (double, invalid) comes back NULL: not queued.
 * The kernel's kvfree_rcu_arg_*() evaluate their pointer argument once.
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

#undef vmalloc
#define vmalloc(size)							\
	__KMG_HOOK(kmemguard_vmalloc(__KMG_CALLER, size, GFP_KERNEL,	\
				     NUMA_NO_NODE, false))
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
#define vfree(p)		kmemguard_vfree(__KMG_SITE, p)

/* __get_free_page(), alloc_page(), free_page(), __free_page() expand to these. */
#undef __get_free_pages
#define __get_free_pages(gfp, order)					\
	__KMG_HOOK(kmemguard_get_free_pages(__KMG_CALLER, gfp, order))
#undef get_zeroed_page
#define get_zeroed_page(gfp)	__get_free_pages((gfp) | __GFP_ZERO, 0)
#undef alloc_pages
#define alloc_pages(gfp, order)						\
	__KMG_HOOK(kmemguard_alloc_pages(__KMG_CALLER, gfp, order))
#define free_pages(addr, order)						\
	kmemguard_free_pages(__KMG_SITE, (unsigned long)(addr), order)
#define __free_pages(page, order)					\
	kmemguard___free_pages(__KMG_SITE, page, order)

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
	__KMG_HOOK(kmemguard_kmem_cache_alloc(__KMG_CALLER, s, gfp))
#undef kmem_cache_zalloc
#define kmem_cache_zalloc(s, gfp)	kmem_cache_alloc(s, (gfp) | __GFP_ZERO)
#define kmem_cache_free(s, p)	kmemguard_kmem_cache_free(__KMG_SITE, s, p)

/* Device-managed memory: untracked when devres releases it. */
#define devm_kmalloc(dev, size, gfp)					\
	kmemguard_devm_kmalloc(__KMG_CALLER, dev, size, gfp)
#define devm_kzalloc(dev, size, gfp)	devm_kmalloc(dev, size, (gfp) | __GFP_ZERO)
#define devm_kmalloc_array(dev, n, size, gfp)				\
	kmemguard_devm_kmalloc_array(__KMG_CALLER, dev, n, size, gfp)
#define devm_kcalloc(dev, n, size, gfp)					\
	devm_kmalloc_array(dev, n, size, (gfp) | __GFP_ZERO)
#define devm_kfree(dev, p)	kmemguard_devm_kfree(__KMG_SITE, dev, p)

/*
 * Redzones (#18, wrapper/redzone.c): a driver may use what ksize() says
 * (KASAN's rule), so kmemguard must hear of it: the redzone of that object
 * then starts there. Any other pointer gets the kernel's ksize().
 */
#define ksize(p)		kmemguard_ksize(p)

#endif /* !KMEMGUARD_DISABLE && !KMEMGUARD_INTERNAL */
#endif /* _KMEMGUARD_H */
