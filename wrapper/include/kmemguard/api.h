/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard's interface to drivers: the call-site descriptor, the exported
 * entry points, and the macros that capture a call site. Included by
 * <kmemguard.h> and by the override headers (override/linux/slab.h and the others) once the
 * kernel's own header has been parsed; it includes nothing a driver would
 * not have included already, so that it never changes what the driver's
 * own first lines (pr_fmt, dev_fmt, DEBUG) mean.
 */
#ifndef _KMEMGUARD_API_H
#define _KMEMGUARD_API_H

#include <linux/types.h>

struct kmg_site;
struct module;
struct folio;
struct page;
struct device;
struct kmem_cache;
struct kmem_cache_args;
struct list_lru;
struct mempool_s;
struct dma_pool;

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

/*
 * On unless kmemguard was loaded with enabled=0 and never enabled since
 * (wrapper/core.c): the macros' __kmg_active() (wrap.h).
 */
struct static_key_true;
extern struct static_key_true kmemguard_enabled_key;

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
/* va_list is __builtin_va_list: no header needed for it here. */
__printf(3, 0) char *kmemguard_kvasprintf(struct kmemguard_site *site,
					  gfp_t gfp, const char *fmt,
					  __builtin_va_list ap);
__printf(3, 4) char *kmemguard_kasprintf(struct kmemguard_site *site,
					 gfp_t gfp, const char *fmt, ...);
void *kmemguard_kvmalloc_node(struct kmemguard_site *site, size_t size,
			      gfp_t gfp, int node);
void *kmemguard_kvmalloc_array(struct kmemguard_site *site, size_t n,
			       size_t size, gfp_t gfp);
void *kmemguard_kmalloc_array_node(struct kmemguard_site *site, size_t n,
				   size_t size, gfp_t gfp, int node);
void *kmemguard_krealloc_array(struct kmemguard_site *site, const void *p,
			       size_t n, size_t size, gfp_t gfp);
void *kmemguard_kvrealloc(struct kmemguard_site *site, const void *p,
			  size_t oldsize, size_t size, gfp_t gfp);
char *kmemguard_kmemdup_nul(struct kmemguard_site *site, const char *s,
			    size_t len, gfp_t gfp);
void *kmemguard_kmemdup_array(struct kmemguard_site *site, const void *src,
			      size_t n, size_t size, gfp_t gfp);
void *kmemguard_memdup_user(struct kmemguard_site *site,
			    const void __user *src, size_t len);
void *kmemguard_memdup_user_nul(struct kmemguard_site *site,
				const void __user *src, size_t len);
void *kmemguard_vmemdup_user(struct kmemguard_site *site,
			     const void __user *src, size_t len);
void *kmemguard_memdup_array_user(struct kmemguard_site *site,
				  const void __user *src, size_t n,
				  size_t size, bool kv);
char *kmemguard_strndup_user(struct kmemguard_site *site,
			     const char __user *s, long n);
void kmemguard_kfree(struct kmemguard_site *site, const void *p);
void kmemguard_kvfree_sensitive(struct kmemguard_site *site, const void *p,
				size_t len);
void kmemguard_kfree_sensitive(struct kmemguard_site *site, const void *p);
void kmemguard_kfree_const(struct kmemguard_site *site, const void *p);
void kmemguard_kvfree(struct kmemguard_site *site, const void *p);
void *kmemguard_kvfree_rcu_queued(struct kmemguard_site *site, const void *p);

void *kmemguard_vmalloc(struct kmemguard_site *site, unsigned long size,
			gfp_t gfp, int node, bool user);
void *kmemguard___vmalloc(struct kmemguard_site *site, unsigned long size,
			  gfp_t gfp);
void *kmemguard_vmalloc_array(struct kmemguard_site *site, size_t n,
			      size_t size, gfp_t gfp);
void *kmemguard_vmalloc_32(struct kmemguard_site *site, unsigned long size);
void kmemguard_put_page(struct kmemguard_site *site, struct page *page);
void kmemguard_folio_put(struct kmemguard_site *site, struct folio *folio);
void kmemguard_split_page(struct kmemguard_site *site, struct page *page,
			  unsigned int order);
void *kmemguard_vmalloc_32_user(struct kmemguard_site *site,
				unsigned long size);
void kmemguard_vfree(struct kmemguard_site *site, const void *p);

unsigned long kmemguard_get_free_pages(struct kmemguard_site *site,
				       gfp_t gfp, unsigned int order);
struct page *kmemguard_alloc_pages(struct kmemguard_site *site, gfp_t gfp,
				   unsigned int order);
struct page *kmemguard_alloc_pages_node(struct kmemguard_site *site, int nid,
					gfp_t gfp, unsigned int order);
void *kmemguard_alloc_pages_exact(struct kmemguard_site *site, size_t size,
				  gfp_t gfp);
void kmemguard_free_pages_exact(struct kmemguard_site *site, void *p,
				size_t size);
void kmemguard_free_pages(struct kmemguard_site *site, unsigned long addr,
			  unsigned int order);
void __percpu *kmemguard___alloc_percpu_gfp(struct kmemguard_site *site,
					    size_t size, size_t align,
					    gfp_t gfp);
void kmemguard_free_percpu(struct kmemguard_site *site, void __percpu *p);
void kmemguard___free_pages(struct kmemguard_site *site, struct page *page,
			    unsigned int order);

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
void *kmemguard_kmem_cache_alloc_node(struct kmemguard_site *site,
				      struct kmem_cache *s, gfp_t gfp,
				      int node);
void *kmemguard_kmem_cache_alloc_lru(struct kmemguard_site *site,
				     struct kmem_cache *s, struct list_lru *lru,
				     gfp_t gfp);
void kmemguard_kmem_cache_free(struct kmemguard_site *site,
			       struct kmem_cache *s, void *p);
void kmemguard_kmem_cache_free_bulk(struct kmemguard_site *site,
				    struct kmem_cache *s, size_t n, void **p);
int kmemguard_kmem_cache_alloc_bulk(struct kmemguard_site *site,
				    struct kmem_cache *s, gfp_t gfp, size_t n,
				    void **p);

/* DMA memory (dma.c); @dir is an enum dma_data_direction. */
void *kmemguard_dma_alloc_attrs(struct kmemguard_site *site,
				struct device *dev, size_t size,
				dma_addr_t *handle, gfp_t gfp,
				unsigned long attrs, const char *fn);
void kmemguard_dma_free_attrs(struct kmemguard_site *site, struct device *dev,
			      size_t size, void *cpu_addr, dma_addr_t handle,
			      unsigned long attrs);
void *kmemguard_dma_alloc_noncoherent(struct kmemguard_site *site,
				      struct device *dev, size_t size,
				      dma_addr_t *handle, int dir, gfp_t gfp);
void kmemguard_dma_free_noncoherent(struct kmemguard_site *site,
				    struct device *dev, size_t size,
				    void *vaddr, dma_addr_t handle, int dir);
void *kmemguard_dmam_alloc_attrs(struct kmemguard_site *site,
				 struct device *dev, size_t size,
				 dma_addr_t *handle, gfp_t gfp,
				 unsigned long attrs, const char *fn);
void kmemguard_dmam_free_coherent(struct kmemguard_site *site,
				  struct device *dev, size_t size, void *vaddr,
				  dma_addr_t handle);

void *kmemguard_devm_kmalloc(struct kmemguard_site *site, struct device *dev,
			     size_t size, gfp_t gfp);
void *kmemguard_devm_kmalloc_array(struct kmemguard_site *site,
				   struct device *dev, size_t n, size_t size,
				   gfp_t gfp);
void __percpu *kmemguard___devm_alloc_percpu(struct kmemguard_site *site,
					     struct device *dev, size_t size,
					     size_t align);
void kmemguard_devm_free_percpu(struct kmemguard_site *site,
				struct device *dev, void __percpu *p);
void kmemguard_devm_kfree(struct kmemguard_site *site, struct device *dev,
			  const void *p);
const char *kmemguard_devm_kstrdup_const(struct kmemguard_site *site,
					 struct device *dev, const char *s,
					 gfp_t gfp);
unsigned long kmemguard_devm_get_free_pages(struct kmemguard_site *site,
					    struct device *dev, gfp_t gfp,
					    unsigned int order);
void kmemguard_devm_free_pages(struct kmemguard_site *site, struct device *dev,
			       unsigned long addr);
unsigned long *kmemguard_devm_bitmap_alloc(struct kmemguard_site *site,
					   struct device *dev,
					   unsigned int nbits, gfp_t gfp);
void *kmemguard_devm_krealloc(struct kmemguard_site *site, struct device *dev,
			      void *p, size_t size, gfp_t gfp);
void *kmemguard_devm_krealloc_array(struct kmemguard_site *site,
				    struct device *dev, void *p, size_t n,
				    size_t size, gfp_t gfp);
void *kmemguard_devm_kmemdup(struct kmemguard_site *site, struct device *dev,
			     const void *src, size_t len, gfp_t gfp);
char *kmemguard_devm_kstrdup(struct kmemguard_site *site, struct device *dev,
			     const char *s, gfp_t gfp);
__printf(4, 0) char *kmemguard_devm_kvasprintf(struct kmemguard_site *site,
					       struct device *dev, gfp_t gfp,
					       const char *fmt,
					       __builtin_va_list ap);
__printf(4, 5) char *kmemguard_devm_kasprintf(struct kmemguard_site *site,
					      struct device *dev, gfp_t gfp,
					      const char *fmt, ...);
size_t kmemguard_ksize(const void *p);	/* redzones, redzone.c */

/* Mempools (wrapper/mempool.c); struct mempool_s is mempool_t. */
struct mempool_s *kmemguard_mempool_create_node(struct kmemguard_site *site,
						int min_nr,
						void *(*alloc_fn)(gfp_t, void *),
						void (*free_fn)(void *, void *),
						void *pool_data, gfp_t gfp,
						int nid);
int kmemguard_mempool_init_node(struct kmemguard_site *site,
				struct mempool_s *pool, int min_nr,
				void *(*alloc_fn)(gfp_t, void *),
				void (*free_fn)(void *, void *),
				void *pool_data, gfp_t gfp, int nid);
int kmemguard_mempool_resize(struct kmemguard_site *site,
			     struct mempool_s *pool, int new_min_nr);
void kmemguard_mempool_destroy(struct kmemguard_site *site,
			       struct mempool_s *pool);
void kmemguard_mempool_exit(struct kmemguard_site *site,
			    struct mempool_s *pool);
void *kmemguard_mempool_alloc(struct kmemguard_site *site,
			      struct mempool_s *pool, gfp_t gfp);
void kmemguard_mempool_free(struct kmemguard_site *site, void *p,
			    struct mempool_s *pool);

/* DMA pools (wrapper/dmapool.c). */
struct dma_pool *kmemguard_dma_pool_create(struct kmemguard_site *site,
					   const char *name,
					   struct device *dev, size_t size,
					   size_t align, size_t boundary);
struct dma_pool *kmemguard_dmam_pool_create(struct kmemguard_site *site,
					    const char *name,
					    struct device *dev, size_t size,
					    size_t align, size_t boundary);
void kmemguard_dma_pool_destroy(struct kmemguard_site *site,
				struct dma_pool *pool);
void kmemguard_dmam_pool_destroy(struct kmemguard_site *site,
				 struct dma_pool *pool);
void *kmemguard_dma_pool_alloc(struct kmemguard_site *site,
			       struct dma_pool *pool, gfp_t gfp,
			       dma_addr_t *handle);
void kmemguard_dma_pool_free(struct kmemguard_site *site,
			     struct dma_pool *pool, void *p,
			     dma_addr_t handle);

/*
 * Frees with no call site of their own (wrapper/indirect.c): what kfree,
 * kvfree, kfree_sensitive, kfree_const, vfree and free_percpu mean when a driver uses
 * them as a value (a function pointer: devm actions, destructors, cleanup
 * tables) and what __free(kfree) and the like run at the end of a scope.
 * Same checks as the direct calls; reports name the calling function.
 */
void kmemguard_kfree_ptr(const void *p);
void kmemguard_kvfree_ptr(const void *p);
void kmemguard_kfree_sensitive_ptr(const void *p);
void kmemguard_kfree_const_ptr(const void *p);
void kmemguard_vfree_ptr(const void *p);
void kmemguard_free_percpu_ptr(void __percpu *p);

#if !defined(KMEMGUARD_DISABLE) && !defined(KMEMGUARD_INTERNAL)

#ifdef MODULE
extern struct module __this_module;
#define __KMG_THIS_MODULE	(&__this_module)
#else
#define __KMG_THIS_MODULE	((struct module *)0)
#endif

/* The call site, as a static descriptor in the calling module. */
#define __KMG_SITE ({							\
	static struct kmemguard_site __kmg_site = {			\
		.file = __FILE__,					\
		.func = __func__,					\
		.line = __LINE__,					\
		.mod = __KMG_THIS_MODULE,				\
	};								\
	&__kmg_site;							\
})

/*
 * Whose call is it? A call written in the driver's own code (its .c file,
 * or a header of its own) is tracked; a call inside the inline function of
 * a kernel header belongs to the kernel (which may free that memory
 * itself) and is passed straight to the allocator. kmemguard.mk and
 * `kmemguard kbuild-flags` tell kernel headers by where they live: under
 * the kernel build tree's include directories (__KMG_SRCTREE,
 * __KMG_OBJTREE, __KMG_SRCARCH, as the compiler spells them after kbuild's
 * -fmacro-prefix-map). Without them (the header included by hand) only
 * calls in the file being compiled are tracked. Folded at build time.
 */
#define __kmg_file_under(dir)						\
	(__builtin_strncmp(__FILE__, dir, sizeof(dir) - 1) == 0)
#ifdef __KMG_SRCTREE
#define __KMG_KERNEL_HEADER						\
	(__kmg_file_under("include/") ||				\
	 __kmg_file_under("arch/" __KMG_SRCARCH "/include/") ||	\
	 __kmg_file_under(__KMG_SRCTREE "include/") ||			\
	 __kmg_file_under(__KMG_SRCTREE "arch/" __KMG_SRCARCH "/include/") || \
	 __kmg_file_under(__KMG_OBJTREE "include/") ||			\
	 __kmg_file_under(__KMG_OBJTREE "arch/" __KMG_SRCARCH "/include/"))
#else
#define __KMG_KERNEL_HEADER	1
#endif
#define __KMG_DRIVER_CODE						\
	(!__builtin_strcmp(__FILE__, __BASE_FILE__) || !__KMG_KERNEL_HEADER)
#define __KMG_CALLER	(__KMG_DRIVER_CODE ? __KMG_SITE : NULL)

/* A pointer the kernel's ERR_PTR()/NULL conventions say is no object. */
static inline bool __kmg_no_object(const void *p)
{
	return !p || (unsigned long)p >= (unsigned long)-4095;
}

#endif /* !KMEMGUARD_DISABLE && !KMEMGUARD_INTERNAL */
#endif /* _KMEMGUARD_API_H */
