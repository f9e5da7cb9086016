/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard benchmark: the measured loops are in kmg_bench_ops.c, built
 * twice: as is (raw calls, kmg_bench_raw_*) and with kmemguard.h
 * force-included (tracked calls, kmg_bench_tracked_*; Kbuild generates that
 * copy, so every call site stays in the file being compiled).
 */
#ifndef KMG_BENCH_H
#define KMG_BENCH_H

#include <linux/types.h>

struct device;

struct kmg_bench_ops {
	/* Each runs @n allocate+free pairs and returns 0, or -ENOMEM. */
	int (*kmalloc_pairs)(size_t size, unsigned long n);
	int (*cache_pairs)(unsigned long n);
	int (*page_pairs)(unsigned int order, unsigned long n);
	int (*vmalloc_pairs)(size_t size, unsigned long n);
	int (*dma_pairs)(struct device *dev, size_t size, unsigned long n);
	int (*mempool_pairs)(unsigned long n);	/* a kmalloc pool, 64 bytes */
	/* A DMA pool of @size-byte blocks on @dev, made at the first call. */
	int (*dmapool_pairs)(struct device *dev, size_t size, unsigned long n);
	int (*percpu_pairs)(size_t size, unsigned long n);
	/* Allocate @n kmalloc(64) objects into @objs, or free them. */
	int (*fill)(void **objs, unsigned long n);
	void (*drain)(void **objs, unsigned long n);
	/*
	 * @n kmalloc(64) pairs at call sites nothing else uses: the first
	 * allocations of a new site, when run once after loading.
	 */
	int (*first_pairs)(unsigned long n);
	void (*exit)(void);
};

extern const struct kmg_bench_ops kmg_bench_raw_ops;
extern const struct kmg_bench_ops kmg_bench_tracked_ops;

#endif
