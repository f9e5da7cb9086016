// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: misuses DMA memory. Each report must name the line
 * marked "KMG: <tag>"; kmemguard repairs each so that nothing is corrupted.
 * bug=leak:	    a dma_alloc_coherent() buffer never freed
 * bug=double:	    dma_free_coherent() twice (the quarantine holds it)
 * bug=double_big:  dma_free_coherent() twice of 1 MiB (not held: a tombstone)
 * bug=size:	    dma_free_coherent() with another size
 * bug=handle:	    dma_free_coherent() with another DMA handle
 * bug=device:	    dma_free_coherent() on another device
 * bug=kfree:	    kfree() of dma_alloc_coherent() memory
 * bug=kfree_atomic: the same with preemption disabled: completed from a
 *		    work item, nothing allocated for it
 * bug=free_kmalloc: dma_free_coherent() of kmalloc() memory
 * bug=irqsoff:	    dma_free_coherent() with interrupts disabled
 * bug=atomic:	    dma_alloc_coherent(GFP_KERNEL) under a spinlock
 * bug=nc:	    dma_alloc_noncoherent() memory freed with dma_free_coherent()
 * bug=dmam_size:   dmam_free_coherent() with another size
 * bug=kfree_dmam_atomic: kfree() of dmam_alloc_coherent() memory with
 *		    preemption disabled (on PREEMPT_RT left to devres)
 * bug=dmam_irqsoff: dmam_free_coherent() with interrupts disabled, the
 *		    device unregistered right after (no second free at unbind)
 * bug=kfree_rcu:   kfree_rcu_mightsleep() of dma_alloc_coherent() memory
 *		    (left allocated: the device may be gone after the grace
 *		    period; the report says so)
 * bug=kfree_rcu_dmam: the same of dmam_alloc_coherent() memory (left to
 *		    devres)
 * bug=kfree_mapped: kfree() of dma_alloc_coherent() memory of a device
 *		    with a DMA range map (not the plain direct mapping, as a
 *		    device behind an IOMMU): left allocated, and said so
 */
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

static char *bug = "leak";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which misuse");

static struct platform_device *pdev, *pdev2;

/* An identity range map: dma-direct translates, kmemguard sees no plain device. */
static struct bus_dma_region kmg_dma_bug_map[2] = {
	{ .cpu_start = 0, .dma_start = 0, .size = 1ULL << 46 },
};

static DEFINE_SPINLOCK(kmg_dma_bug_lock);

static struct platform_device *kmg_dma_bug_device(int id)
{
	struct platform_device *p;

	p = platform_device_register_simple("kmg_dma_bug", id, NULL, 0);
	if (!IS_ERR(p) && dma_coerce_mask_and_coherent(&p->dev, DMA_BIT_MASK(32))) {
		platform_device_unregister(p);
		return ERR_PTR(-EIO);
	}
	return p;
}

static int kmg_dma_bug_run(struct device *dev, struct device *dev2)
{
	unsigned long flags;
	dma_addr_t h;
	void *p;

	if (!strcmp(bug, "leak")) {
		p = dma_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL); /* KMG: leak */
		return p ? 0 : -ENOMEM;
	}
	if (!strcmp(bug, "atomic")) {
		spin_lock(&kmg_dma_bug_lock);
		p = dma_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL); /* KMG: dma-sleep-in-atomic */
		spin_unlock(&kmg_dma_bug_lock);
		if (p)
			dma_free_coherent(dev, SZ_4K, p, h);
		return 0;
	}
	if (!strcmp(bug, "free_kmalloc")) {
		p = kmalloc(64, GFP_KERNEL);
		dma_free_coherent(dev, 64, p, 0); /* KMG: mismatched-free-free_kmalloc */
		return 0;
	}
	if (!strcmp(bug, "nc")) {
		p = dma_alloc_noncoherent(dev, SZ_4K, &h, DMA_FROM_DEVICE, GFP_KERNEL);
		if (p)
			dma_free_coherent(dev, SZ_4K, p, h); /* KMG: mismatched-free-nc */
		return 0;
	}
	if (!strcmp(bug, "dmam_irqsoff")) {
		p = dmam_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		local_irq_save(flags);
		dmam_free_coherent(dev, SZ_4K, p, h); /* KMG: dma-free-irqs-off-dmam */
		local_irq_restore(flags);
		return 0;
	}
	if (!strcmp(bug, "kfree_dmam_atomic")) {
		p = dmam_alloc_coherent(dev, SZ_8K, &h, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		preempt_disable();
		kfree(p); /* KMG: mismatched-free-kfree_dmam_atomic */
		preempt_enable();
		return 0;
	}
	if (!strcmp(bug, "kfree_rcu_dmam")) {
		p = dmam_alloc_coherent(dev, SZ_8K, &h, GFP_KERNEL);
		if (p)
			kfree_rcu_mightsleep(p); /* KMG: mismatched-free-kfree_rcu_dmam */
		return 0;
	}
	if (!strcmp(bug, "kfree_mapped")) {
		dev2->dma_range_map = kmg_dma_bug_map;
		p = dma_alloc_coherent(dev2, SZ_8K, &h, GFP_KERNEL);
		kfree(p); /* KMG: mismatched-free-kfree_dma_mapped */
		/* (Not the device's to kfree() at its release.) */
		dev2->dma_range_map = NULL;
		return 0;
	}
	if (!strcmp(bug, "dmam_size")) {
		p = dmam_alloc_coherent(dev, SZ_8K, &h, GFP_KERNEL);
		if (p)
			dmam_free_coherent(dev, SZ_4K, p, h); /* KMG: mismatched-free-dmam_size */
		return 0;
	}
	p = dma_alloc_coherent(dev, !strcmp(bug, "double_big") ? SZ_1M : SZ_8K, &h, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	if (!strcmp(bug, "double")) {
		dma_free_coherent(dev, SZ_8K, p, h);
		dma_free_coherent(dev, SZ_8K, p, h); /* KMG: double-free */
	} else if (!strcmp(bug, "double_big")) {
		dma_free_coherent(dev, SZ_1M, p, h);
		dma_free_coherent(dev, SZ_1M, p, h); /* KMG: double-free-big */
	} else if (!strcmp(bug, "size")) {
		dma_free_coherent(dev, SZ_4K, p, h); /* KMG: mismatched-free-size */
	} else if (!strcmp(bug, "handle")) {
		dma_free_coherent(dev, SZ_8K, p, h + SZ_4K); /* KMG: mismatched-free-handle */
	} else if (!strcmp(bug, "device")) {
		dma_free_coherent(dev2, SZ_8K, p, h); /* KMG: mismatched-free-device */
	} else if (!strcmp(bug, "kfree")) {
		kfree(p); /* KMG: mismatched-free-kfree_dma */
	} else if (!strcmp(bug, "kfree_atomic")) {
		preempt_disable();
		kfree(p); /* KMG: mismatched-free-kfree_dma_atomic */
		preempt_enable();
	} else if (!strcmp(bug, "kfree_rcu")) {
		kfree_rcu_mightsleep(p); /* KMG: mismatched-free-kfree_rcu_dma */
	} else if (!strcmp(bug, "irqsoff")) {
		local_irq_save(flags);
		dma_free_coherent(dev, SZ_8K, p, h); /* KMG: dma-free-irqs-off */
		local_irq_restore(flags);
	} else {
		dma_free_coherent(dev, SZ_8K, p, h);
		return -EINVAL;
	}
	return 0;
}

static int __init kmg_dma_bug_init(void)
{
	int ret;

	pdev = kmg_dma_bug_device(1);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	pdev2 = kmg_dma_bug_device(2);
	if (IS_ERR(pdev2)) {
		platform_device_unregister(pdev);
		return PTR_ERR(pdev2);
	}
	ret = kmg_dma_bug_run(&pdev->dev, &pdev2->dev);
	if (ret) {
		platform_device_unregister(pdev2);
		platform_device_unregister(pdev);
	}
	return ret;
}

static void __exit kmg_dma_bug_exit(void)
{
	platform_device_unregister(pdev2);
	platform_device_unregister(pdev);
}

module_init(kmg_dma_bug_init);
module_exit(kmg_dma_bug_exit);
MODULE_DESCRIPTION("kmemguard sample: DMA memory misused");
MODULE_LICENSE("GPL");
