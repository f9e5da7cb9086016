// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: misuses DMA pools. Each report must name the line
 * marked "KMG: <tag>"; kmemguard repairs each so that nothing is corrupted.
 * bug=leak_pool:	a pool never destroyed
 * bug=leak_element:	an element never freed, in a pool never destroyed
 * bug=double:		dma_pool_free() twice (the quarantine holds it: the
 *			second never reaches the pool's free list)
 * bug=wrong_pool:	an element freed to another pool
 * bug=handle:		dma_pool_free() with another DMA handle
 * bug=kfree:		kfree() of an element
 * bug=coherent:	dma_free_coherent() of an element
 * bug=free_kmalloc:	dma_pool_free() of kmalloc() memory
 * bug=destroy_live:	a pool destroyed with an element still out
 *			(cache-not-empty); the element is freed afterwards
 *			and the pool destroyed for real
 * bug=atomic:		dma_pool_alloc(GFP_KERNEL) under a spinlock
 * bug=create_atomic:	dma_pool_create() under a spinlock (refused)
 * bug=destroy_atomic:	dma_pool_destroy() under a spinlock (deferred)
 * bug=destroy_managed:	dma_pool_destroy() of a dmam_pool_create() pool
 * bug=dmam_destroy:	dmam_pool_destroy() of a dma_pool_create() pool
 * bug=unbind_live:	a dmam_pool_create() pool's element never freed: devres
 *			destroys the pool at unbind with it live (reported,
 *			pool kept), and it leaks
 */
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

static char *bug = "leak_pool";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which misuse");

static struct platform_device *pdev;
static struct dma_pool *leaked;
static DEFINE_SPINLOCK(kmg_dpb_lock);

static int kmg_dpb_leak_element(struct device *dev)
{
	dma_addr_t h;

	leaked = dma_pool_create("kmg_dpb_leak", dev, 64, 0, 0); /* KMG: dp-leak-element-pool */
	if (!leaked)
		return -ENOMEM;
	return dma_pool_alloc(leaked, GFP_KERNEL, &h) ? 0 : -ENOMEM; /* KMG: dp-leak-element */
}

/* An element of @pool (and its handle), or NULL. */
static void *kmg_dpb_elem(struct dma_pool *pool, dma_addr_t *h)
{
	return pool ? dma_pool_alloc(pool, GFP_KERNEL, h) : NULL;
}

static int kmg_dpb_one_pool(struct device *dev)
{
	struct dma_pool *pool = dma_pool_create("kmg_dpb", dev, 64, 0, 0);
	unsigned long flags;
	dma_addr_t h;
	void *p;

	if (!pool)
		return -ENOMEM;
	p = dma_pool_alloc(pool, GFP_KERNEL, &h); /* KMG: dp-element */
	if (!p) {
		dma_pool_destroy(pool);
		return -ENOMEM;
	}
	if (!strcmp(bug, "double")) {
		dma_pool_free(pool, p, h);
		dma_pool_free(pool, p, h); /* KMG: dp-double-free */
	} else if (!strcmp(bug, "handle")) {
		dma_pool_free(pool, p, h + 64); /* KMG: dp-mismatched-free-handle */
	} else if (!strcmp(bug, "kfree")) {
		kfree(p); /* KMG: dp-mismatched-free-kfree */
	} else if (!strcmp(bug, "coherent")) {
		dma_free_coherent(dev, 64, p, h); /* KMG: dp-mismatched-free-coherent */
	} else if (!strcmp(bug, "destroy_live")) {
		dma_pool_destroy(pool); /* KMG: dp-cache-not-empty */
		dma_pool_free(pool, p, h);
	} else if (!strcmp(bug, "destroy_atomic")) {
		dma_pool_free(pool, p, h);
		spin_lock_irqsave(&kmg_dpb_lock, flags);
		dma_pool_destroy(pool); /* KMG: dp-destroy-sleep-in-atomic */
		spin_unlock_irqrestore(&kmg_dpb_lock, flags);
		return 0;
	}
	dma_pool_destroy(pool);
	return 0;
}

static int kmg_dpb_wrong_pool(struct device *dev)
{
	struct dma_pool *a = dma_pool_create("kmg_dpb_a", dev, 64, 0, 0);
	struct dma_pool *b = dma_pool_create("kmg_dpb_b", dev, 64, 0, 0);
	dma_addr_t h;
	void *p = b ? kmg_dpb_elem(a, &h) : NULL;

	if (p)
		dma_pool_free(b, p, h); /* KMG: dp-wrong-pool */
	dma_pool_destroy(b);
	dma_pool_destroy(a);
	return 0;
}

static int kmg_dpb_free_kmalloc(struct device *dev)
{
	struct dma_pool *pool = dma_pool_create("kmg_dpb", dev, 64, 0, 0);
	void *p = kmalloc(64, GFP_KERNEL);

	if (pool && p)
		dma_pool_free(pool, p, 0); /* KMG: dp-mismatched-free-kmalloc */
	else
		kfree(p);
	dma_pool_destroy(pool);
	return 0;
}

static int kmg_dpb_atomic(struct device *dev)
{
	struct dma_pool *pool = dma_pool_create("kmg_dpb", dev, 64, 0, 0);
	dma_addr_t h;
	void *p;

	if (!pool)
		return -ENOMEM;
	spin_lock(&kmg_dpb_lock);
	p = dma_pool_alloc(pool, GFP_KERNEL, &h); /* KMG: dp-sleep-in-atomic */
	spin_unlock(&kmg_dpb_lock);
	if (p)
		dma_pool_free(pool, p, h);
	dma_pool_destroy(pool);
	return 0;
}

static int kmg_dpb_create_atomic(struct device *dev)
{
	struct dma_pool *pool;

	spin_lock(&kmg_dpb_lock);
	pool = dma_pool_create("kmg_dpb", dev, 64, 0, 0); /* KMG: dp-create-sleep-in-atomic */
	spin_unlock(&kmg_dpb_lock);
	dma_pool_destroy(pool);
	return 0;
}

static int kmg_dpb_destroy_managed(struct device *dev)
{
	struct dma_pool *pool = dmam_pool_create("kmg_dpb_m", dev, 64, 0, 0);

	if (!pool)
		return -ENOMEM;
	dma_pool_destroy(pool); /* KMG: dp-mismatched-free-destroy */
	return 0;
}

static int kmg_dpb_dmam_destroy(struct device *dev)
{
	struct dma_pool *pool = dma_pool_create("kmg_dpb", dev, 64, 0, 0);

	if (!pool)
		return -ENOMEM;
	dmam_pool_destroy(pool); /* KMG: dp-mismatched-free-dmam-destroy */
	return 0;
}

static int kmg_dpb_unbind_live(struct device *dev)
{
	struct dma_pool *pool = dmam_pool_create("kmg_dpb_m", dev, 64, 0, 0);
	dma_addr_t h;

	if (!pool)
		return -ENOMEM;
	return dma_pool_alloc(pool, GFP_KERNEL, &h) ? 0 : -ENOMEM; /* KMG: dp-unbind-live */
}

static int kmg_dpb_run(struct device *dev)
{
	if (!strcmp(bug, "leak_pool")) {
		leaked = dma_pool_create("kmg_dpb_leak", dev, 64, 0, 0); /* KMG: dp-leak-pool */
		return leaked ? 0 : -ENOMEM;
	}
	if (!strcmp(bug, "leak_element"))
		return kmg_dpb_leak_element(dev);
	if (!strcmp(bug, "wrong_pool"))
		return kmg_dpb_wrong_pool(dev);
	if (!strcmp(bug, "free_kmalloc"))
		return kmg_dpb_free_kmalloc(dev);
	if (!strcmp(bug, "atomic"))
		return kmg_dpb_atomic(dev);
	if (!strcmp(bug, "create_atomic"))
		return kmg_dpb_create_atomic(dev);
	if (!strcmp(bug, "destroy_managed"))
		return kmg_dpb_destroy_managed(dev);
	if (!strcmp(bug, "dmam_destroy"))
		return kmg_dpb_dmam_destroy(dev);
	if (!strcmp(bug, "unbind_live"))
		return kmg_dpb_unbind_live(dev);
	if (!strcmp(bug, "double") || !strcmp(bug, "handle") ||
	    !strcmp(bug, "kfree") || !strcmp(bug, "coherent") ||
	    !strcmp(bug, "destroy_live") || !strcmp(bug, "destroy_atomic"))
		return kmg_dpb_one_pool(dev);
	return -EINVAL;
}

static int __init kmg_dpb_init(void)
{
	int ret;

	pdev = platform_device_register_simple("kmg_dmapool_bug", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (!ret)
		ret = kmg_dpb_run(&pdev->dev);
	if (ret)
		platform_device_unregister(pdev);
	return ret;
}

static void __exit kmg_dpb_exit(void)
{
	platform_device_unregister(pdev);
}

module_init(kmg_dpb_init);
module_exit(kmg_dpb_exit);
MODULE_DESCRIPTION("kmemguard sample: DMA pool misuse");
MODULE_LICENSE("GPL");
