// SPDX-License-Identifier: GPL-2.0
/*
 * Correct on purpose: every DMA call kmemguard tracks, used the right way
 * on a platform device with a 32-bit DMA mask (direct mapping, as on any
 * x86 machine without an IOMMU). kmemguard must report nothing. The lines
 * marked "KMG: live" hold memory while the module is loaded; one managed
 * buffer is left to devres, which frees it when the device goes.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

struct kmg_dma_buf {
	void *cpu;
	dma_addr_t h;
	size_t size;
};

static struct platform_device *kmg_dma_pdev;
static struct kmg_dma_buf coh, attrs, wc, nc, managed, big, atomic_buf;
static DEFINE_SPINLOCK(kmg_dma_lock);
static const enum dma_data_direction nc_dir = DMA_TO_DEVICE;

/* Frees what was allocated (all of it at exit; some after a failure). */
static void kmg_dma_free_all(struct device *dev)
{
	if (coh.cpu)
		dma_free_coherent(dev, coh.size, coh.cpu, coh.h);
	if (attrs.cpu)
		dma_free_attrs(dev, attrs.size, attrs.cpu, attrs.h, 0);
	if (wc.cpu)
		dma_free_wc(dev, wc.size, wc.cpu, wc.h);
	if (nc.cpu)
		dma_free_noncoherent(dev, nc.size, nc.cpu, nc.h, nc_dir);
	if (big.cpu)
		dma_free_coherent(dev, big.size, big.cpu, big.h);
	if (atomic_buf.cpu)
		dma_free_coherent(dev, atomic_buf.size, atomic_buf.cpu, atomic_buf.h);
	/* @managed: devres frees it when the device goes. */
	platform_device_unregister(kmg_dma_pdev);
}

static int __init kmg_dma_init(void)
{
	struct device *dev;
	dma_addr_t h;
	void *p;

	kmg_dma_pdev = platform_device_register_simple("kmg_dma", -1, NULL, 0);
	if (IS_ERR(kmg_dma_pdev))
		return PTR_ERR(kmg_dma_pdev);
	dev = &kmg_dma_pdev->dev;
	if (dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(32)))
		goto fail;

	coh.size = SZ_4K;
	coh.cpu = dma_alloc_coherent(dev, coh.size, &coh.h, GFP_KERNEL); /* KMG: live */
	attrs.size = SZ_8K;
	attrs.cpu = dma_alloc_attrs(dev, SZ_8K, &attrs.h, GFP_KERNEL, 0); /* KMG: live */
	wc.size = SZ_4K;
	wc.cpu = dma_alloc_wc(dev, wc.size, &wc.h, GFP_KERNEL); /* KMG: live */
	nc.size = SZ_4K;
	nc.cpu = dma_alloc_noncoherent(dev, SZ_4K, &nc.h, nc_dir, GFP_KERNEL); /* KMG: live */
	managed.size = SZ_4K;
	managed.cpu = dmam_alloc_coherent(dev, SZ_4K, &managed.h, GFP_KERNEL); /* KMG: live */
	/* Bigger than the quarantine holds: freed at once, a tombstone left. */
	big.size = SZ_1M;
	big.cpu = dma_alloc_coherent(dev, big.size, &big.h, GFP_KERNEL); /* KMG: live */
	/* GFP_ATOMIC under a spinlock: allowed. */
	atomic_buf.size = SZ_4K;
	spin_lock(&kmg_dma_lock);
	atomic_buf.cpu = dma_alloc_coherent(dev, SZ_4K, &atomic_buf.h, GFP_ATOMIC); /* KMG: live */
	spin_unlock(&kmg_dma_lock);
	if (!coh.cpu || !attrs.cpu || !wc.cpu || !nc.cpu || !managed.cpu ||
	    !big.cpu || !atomic_buf.cpu) {
		pr_info("kmg_dma: an allocation failed\n");
		goto fail;
	}
	/* One managed buffer freed by hand, one left to devres. */
	p = dmam_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL);
	if (!p)
		goto fail;
	dmam_free_coherent(dev, SZ_4K, p, h);
	/* Freed and allocated again: the same memory, a new object. */
	p = dma_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL);
	if (!p)
		goto fail;
	dma_free_coherent(dev, SZ_4K, p, h);
	p = dma_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL);
	if (!p)
		goto fail;
	dma_free_coherent(dev, SZ_4K, p, h);
	dma_free_coherent(dev, 0, NULL, 0);	/* nothing, as the kernel */
	pr_info("kmg_dma: ready\n");
	return 0;
fail:
	kmg_dma_free_all(dev);
	return -ENOMEM;
}

static void __exit kmg_dma_exit(void)
{
	kmg_dma_free_all(&kmg_dma_pdev->dev);
}

module_init(kmg_dma_init);
module_exit(kmg_dma_exit);
MODULE_DESCRIPTION("kmemguard sample: every DMA call, used correctly");
MODULE_LICENSE("GPL");
