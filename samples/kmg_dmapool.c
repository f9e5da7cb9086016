// SPDX-License-Identifier: GPL-2.0
/*
 * Correct on purpose: every DMA pool call kmemguard tracks, used the right
 * way on a platform device with a 32-bit DMA mask. kmemguard must report
 * nothing. The lines marked "KMG: live" hold a pool or an element while the
 * module is loaded; one managed pool is left to devres, which destroys it
 * (with freed elements the quarantine holds) when the device goes. The
 * kernel has no DEFINE_FREE() for DMA pools: no __free() cleanup to use.
 */
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

#define KMG_DP_CHURN	32

struct kmg_dp_elem {
	void *cpu;
	dma_addr_t h;
};

static struct platform_device *kmg_dp_pdev;
static struct dma_pool *pool, *managed;
static struct kmg_dp_elem e1, e2, e3, m1;
static DEFINE_SPINLOCK(kmg_dp_lock);

/* Frees what was allocated (all of it at exit; some after a failure). */
static void kmg_dp_free_all(void)
{
	if (e1.cpu)
		dma_pool_free(pool, e1.cpu, e1.h);
	if (e2.cpu)
		dma_pool_free(pool, e2.cpu, e2.h);
	if (e3.cpu)
		dma_pool_free(pool, e3.cpu, e3.h);
	if (m1.cpu)
		dma_pool_free(managed, m1.cpu, m1.h);
	dma_pool_destroy(pool);
	/* @managed: devres destroys it when the device goes. */
	platform_device_unregister(kmg_dp_pdev);
}

/* Elements allocated and freed again and again: the freed ones are held. */
static int kmg_dp_churn(struct dma_pool *p)
{
	struct kmg_dp_elem e[KMG_DP_CHURN];
	int i, n;

	for (n = 0; n < KMG_DP_CHURN; n++) {
		e[n].cpu = dma_pool_alloc(p, GFP_KERNEL, &e[n].h);
		if (!e[n].cpu)
			break;
	}
	for (i = 0; i < n; i++)
		dma_pool_free(p, e[i].cpu, e[i].h);
	return n == KMG_DP_CHURN ? 0 : -ENOMEM;
}

/*
 * A pool the driver did not make through kmemguard (a subsystem's, made
 * here with the kernel's own calls: a macro's name in parentheses is not
 * expanded): the driver takes an element through kmemguard, the subsystem
 * frees it with the kernel's dma_pool_free(). No record, so no false leak.
 */
static int kmg_dp_subsystem(struct device *dev)
{
	struct dma_pool *sub = (dma_pool_create)("kmg_dp_subsys", dev, 64, 0, 0);
	dma_addr_t h;
	void *p;

	if (!sub)
		return -ENOMEM;
	p = dma_pool_alloc(sub, GFP_KERNEL, &h);
	if (p)
		(dma_pool_free)(sub, p, h);
	(dma_pool_destroy)(sub);
	return p ? 0 : -ENOMEM;
}

static int __init kmg_dp_init(void)
{
	struct dma_pool *tmp;
	struct device *dev;

	kmg_dp_pdev = platform_device_register_simple("kmg_dmapool", -1, NULL, 0);
	if (IS_ERR(kmg_dp_pdev))
		return PTR_ERR(kmg_dp_pdev);
	dev = &kmg_dp_pdev->dev;
	if (dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(32)))
		goto fail;

	pool = dma_pool_create("kmg_dp_pool", dev, 64, 16, 0); /* KMG: live */
	managed = dmam_pool_create("kmg_dp_managed", dev, 256, 64, 4096); /* KMG: live */
	if (!pool || !managed)
		goto fail;
	e1.cpu = dma_pool_alloc(pool, GFP_KERNEL, &e1.h); /* KMG: live */
	e2.cpu = dma_pool_zalloc(pool, GFP_KERNEL, &e2.h); /* KMG: live */
	/* GFP_ATOMIC under a spinlock: allowed. */
	spin_lock(&kmg_dp_lock);
	e3.cpu = dma_pool_alloc(pool, GFP_ATOMIC, &e3.h); /* KMG: live */
	spin_unlock(&kmg_dp_lock);
	m1.cpu = dma_pool_alloc(managed, GFP_KERNEL, &m1.h); /* KMG: live */
	if (!e1.cpu || !e2.cpu || !e3.cpu || !m1.cpu) {
		pr_info("kmg_dmapool: an allocation failed\n");
		goto fail;
	}
	if (kmg_dp_churn(pool) || kmg_dp_churn(managed))
		goto fail;
	/* A pool made, used and destroyed with freed elements still held. */
	tmp = dma_pool_create("kmg_dp_tmp", dev, 32, 0, 0);
	if (!tmp || kmg_dp_churn(tmp)) {
		dma_pool_destroy(tmp);
		goto fail;
	}
	dma_pool_destroy(tmp);
	/* The same, managed, destroyed by hand. */
	tmp = dmam_pool_create("kmg_dp_tmp_managed", dev, 512, 0, 0);
	if (!tmp || kmg_dp_churn(tmp))
		goto fail;
	dmam_pool_destroy(tmp);
	if (kmg_dp_subsystem(dev))
		goto fail;
	dma_pool_destroy(NULL);	/* nothing, as the kernel */
	pr_info("kmg_dmapool: ready\n");
	return 0;
fail:
	kmg_dp_free_all();
	return -ENOMEM;
}

static void __exit kmg_dp_exit(void)
{
	kmg_dp_free_all();
}

module_init(kmg_dp_init);
module_exit(kmg_dp_exit);
MODULE_DESCRIPTION("kmemguard sample: every DMA pool call, used correctly");
MODULE_LICENSE("GPL");
