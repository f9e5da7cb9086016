/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard: leak and misuse tracking for a driver's memory allocations.
 *
 * Two ways in:
 *
 *  - The whole module, no source change: wrapper/kmemguard.mk in its Kbuild,
 *    or `kmemguard kbuild-flags` on the make command line. Those put
 *    kmemguard's override headers (override/linux/slab.h, ...) first on the
 *    include path: the driver's own `#include <linux/slab.h>` gets the
 *    kernel's header (#include_next) and then kmemguard's macros for what it
 *    declares. Nothing is included before the driver's first line, so its
 *    pr_fmt, dev_fmt and DEBUG keep their meaning.
 *  - One file at a time: include this header after the driver's kernel
 *    includes.
 *
 * Every allocator call the driver makes is then routed through the
 * kmemguard module together with a static descriptor of its call site (the
 * same idea as alloc_tag): the header only captures the site and routes the
 * call; all logic lives in the module. Calls inside inline functions of
 * kernel headers belong to the kernel (which may free that memory itself)
 * and stay plain calls (see __KMG_CALLER in kmemguard/api.h); frees are
 * always routed: a free of a pointer kmemguard never saw is passed straight
 * to the allocator.
 *
 * Included by hand, after slab.h has been parsed, this header cannot change
 * what slab.h's own __free(kfree) cleanup calls; it redirects __free(kfree)
 * written after it to kmemguard's cleanup, as the override headers do.
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
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/mempool.h>
#include <linux/dmapool.h>
#include <linux/percpu.h>

#include "kmemguard/api.h"

/* Everything the wrappers need has been parsed: switch every family on. */
#define __KMG_READY_SLAB
#define __KMG_READY_STRING
#define __KMG_READY_SPRINTF
#define __KMG_READY_VMALLOC
#define __KMG_READY_GFP
#define __KMG_READY_DEVRES
#define __KMG_READY_RCU
#define __KMG_READY_BITMAP
#define __KMG_READY_DMA
#define __KMG_READY_MEMPOOL
#define __KMG_READY_DMAPOOL
#define __KMG_READY_PERCPU
#define __KMG_READY_MM
#define __KMG_READY_DEVICE
#ifdef _LINUX_FS_H
#define __KMG_READY_FS		/* parsed before this header, completely */
#endif
#include "kmemguard/wrap.h"

#endif /* _KMEMGUARD_H */
