// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's measured loops, one allocator call and its free per
 * iteration. Built twice (see kmg_bench.h): KMG_BENCH_OPS names the copy.
 */
#include <linux/compiler.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmg_bench.h"

#ifndef KMG_BENCH_OPS
#define KMG_BENCH_OPS kmg_bench_raw_ops
#endif

struct kmg_bench_obj {
	u64 a[8];
};

/* Created on first use; only the module's own loader calls these. */
static struct kmem_cache *kmg_bench_cache;
static mempool_t *kmg_bench_pool;
static struct dma_pool *kmg_bench_dmapool;
static size_t kmg_bench_dmapool_size;

static int kmg_bench_kmalloc_pairs(size_t size, unsigned long n)
{
	void *p;

	while (n--) {
		p = kmalloc(size, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		kfree(p);
	}
	return 0;
}

static int kmg_bench_cache_pairs(unsigned long n)
{
	void *p;

	if (!kmg_bench_cache)
		kmg_bench_cache = KMEM_CACHE(kmg_bench_obj, 0);
	if (!kmg_bench_cache)
		return -ENOMEM;
	while (n--) {
		p = kmem_cache_alloc(kmg_bench_cache, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		kmem_cache_free(kmg_bench_cache, p);
	}
	return 0;
}

static int kmg_bench_page_pairs(unsigned int order, unsigned long n)
{
	unsigned long a;

	while (n--) {
		a = __get_free_pages(GFP_KERNEL, order);
		if (!a)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(a);
		free_pages(a, order);
	}
	return 0;
}

static int kmg_bench_vmalloc_pairs(size_t size, unsigned long n)
{
	void *p;

	while (n--) {
		p = vmalloc(size);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		vfree(p);
	}
	return 0;
}

static int kmg_bench_dma_pairs(struct device *dev, size_t size,
			       unsigned long n)
{
	dma_addr_t h;
	void *p;

	while (n--) {
		p = dma_alloc_coherent(dev, size, &h, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		dma_free_coherent(dev, size, p, h);
	}
	return 0;
}

/*
 * A kmalloc pool of 64-byte elements: mempool_alloc() gets them from
 * kmalloc(), mempool_free() gives them back there (the reserve is full).
 */
static int kmg_bench_mempool_pairs(unsigned long n)
{
	void *p;

	if (!kmg_bench_pool)
		kmg_bench_pool = mempool_create_kmalloc_pool(16, 64);
	if (!kmg_bench_pool)
		return -ENOMEM;
	while (n--) {
		p = mempool_alloc(kmg_bench_pool, GFP_KERNEL);
		OPTIMIZER_HIDE_VAR(p);
		mempool_free(p, kmg_bench_pool);
	}
	return 0;
}

/*
 * A DMA pool of @size-byte blocks: after the first pair the pool has a
 * page, and dma_pool_alloc() takes a block off its free list.
 */
static int kmg_bench_dmapool_pairs(struct device *dev, size_t size,
				   unsigned long n)
{
	dma_addr_t h;
	void *p;

	/* One pool at a time, of the size asked for. */
	if (kmg_bench_dmapool && kmg_bench_dmapool_size != size) {
		dma_pool_destroy(kmg_bench_dmapool);
		kmg_bench_dmapool = NULL;
	}
	if (!kmg_bench_dmapool) {
		kmg_bench_dmapool = dma_pool_create("kmg_bench", dev, size, 0, 0);
		kmg_bench_dmapool_size = size;
	}
	if (!kmg_bench_dmapool)
		return -ENOMEM;
	while (n--) {
		p = dma_pool_alloc(kmg_bench_dmapool, GFP_KERNEL, &h);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		dma_pool_free(kmg_bench_dmapool, p, h);
	}
	return 0;
}

static int kmg_bench_percpu_pairs(size_t size, unsigned long n)
{
	void __percpu *p;

	while (n--) {
		p = __alloc_percpu(size, sizeof(long));
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		free_percpu(p);
	}
	return 0;
}

static int kmg_bench_fill(void **objs, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		objs[i] = kmalloc(64, GFP_KERNEL);
		if (!objs[i])
			return -ENOMEM;
		if (!(i & 4095))
			cond_resched();
	}
	return 0;
}

static void kmg_bench_drain(void **objs, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		kfree(objs[i]);
		objs[i] = NULL;
		if (!(i & 4095))
			cond_resched();
	}
}

static int kmg_bench_first_pairs(unsigned long n)
{
	void *p;

	while (n--) {
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
		kfree(p);
	}
	return 0;
}

static void kmg_bench_exit(void)
{
	mempool_destroy(kmg_bench_pool);
	kmg_bench_pool = NULL;
	dma_pool_destroy(kmg_bench_dmapool);
	kmg_bench_dmapool = NULL;
	kmem_cache_destroy(kmg_bench_cache);
	kmg_bench_cache = NULL;
}

const struct kmg_bench_ops KMG_BENCH_OPS = {
	.kmalloc_pairs	= kmg_bench_kmalloc_pairs,
	.cache_pairs	= kmg_bench_cache_pairs,
	.page_pairs	= kmg_bench_page_pairs,
	.vmalloc_pairs	= kmg_bench_vmalloc_pairs,
	.dma_pairs	= kmg_bench_dma_pairs,
	.mempool_pairs	= kmg_bench_mempool_pairs,
	.dmapool_pairs	= kmg_bench_dmapool_pairs,
	.percpu_pairs	= kmg_bench_percpu_pairs,
	.fill		= kmg_bench_fill,
	.drain		= kmg_bench_drain,
	.first_pairs	= kmg_bench_first_pairs,
	.exit		= kmg_bench_exit,
};
