/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/dma-mapping.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_DMA_MAPPING_H
#define __KMG_OVERRIDE_LINUX_DMA_MAPPING_H
#include_next <linux/dma-mapping.h>
#define __KMG_READY_DMA
#include "../../kmemguard/wrap.h"
#endif
