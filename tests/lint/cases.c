// SPDX-License-Identifier: GPL-2.0
/*
 * Input for the Coccinelle rules' tests (tests/lint/t-lint.sh), never built.
 * The line after each LINT comment must be reported by the named rule with
 * the quoted text in its message; no other line may be reported at all.
 * The cases the samples do not already cover, and the traps: correct code
 * that looks close to a bug.
 */
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#define CASES_ORDER 2

struct cases_dev {
	spinlock_t lock;	/* protects buf */
	rwlock_t rwlock;	/* protects buf */
	struct mutex mutex;	/* protects buf, may sleep */
	struct hrtimer hrtimer;
	struct work_struct work;
	struct kmem_cache *cache;
	void *buf;
};

struct cases_node {
	struct rcu_head rcu;
	int v;
};

static void *cases_write_lock(struct cases_dev *d)
{
	void *p;

	write_lock(&d->rwlock);
	/* LINT: atomic-section "GFP_NOFS inside write_lock()" */
	p = kmalloc(16, GFP_NOFS);
	write_unlock(&d->rwlock);
	return p;
}

static void cases_bh_cache(struct cases_dev *d)
{
	spin_lock_bh(&d->lock);
	/* LINT: atomic-section "kmem_cache_create inside spin_lock_bh()" */
	d->cache = kmem_cache_create("cases", 64, 0, 0, NULL);
	spin_unlock_bh(&d->lock);
}

static void cases_irqs_off(struct cases_dev *d)
{
	local_irq_disable();
	/* LINT: atomic-section "vzalloc inside local_irq_disable()" */
	d->buf = vzalloc(8192);
	local_irq_enable();
}

static void *cases_unlocked_first(struct cases_dev *d, bool big)
{
	void *p;

	spin_lock_irq(&d->lock);
	if (big) {
		spin_unlock_irq(&d->lock);
		return kmalloc(4096, GFP_KERNEL);
	}
	p = kmalloc(16, GFP_ATOMIC);
	spin_unlock_irq(&d->lock);
	return p;
}

static void *cases_after_unlock(struct cases_dev *d)
{
	void *p;

	spin_lock(&d->lock);
	p = kvmalloc(64, GFP_ATOMIC);
	spin_unlock(&d->lock);
	kvfree(p);
	mutex_lock(&d->mutex);
	p = kzalloc(64, GFP_KERNEL);
	mutex_unlock(&d->mutex);
	return p;
}

static irqreturn_t cases_irq(int irq, void *data)
{
	struct cases_dev *d = data;

	/* LINT: atomic-callback "in interrupt handler cases_irq(), registered by devm_request_" */
	d->buf = kzalloc(32, GFP_KERNEL);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t cases_irq_thread(int irq, void *data)
{
	struct cases_dev *d = data;

	kfree(d->buf);
	d->buf = kzalloc(32, GFP_KERNEL);
	return IRQ_HANDLED;
}

static enum hrtimer_restart cases_hrtimer(struct hrtimer *t)
{
	struct cases_dev *d = container_of(t, struct cases_dev, hrtimer);

	/* LINT: atomic-callback "vmalloc in timer callback cases_hrtimer()" */
	d->buf = vmalloc(PAGE_SIZE);
	return HRTIMER_NORESTART;
}

static void cases_work(struct work_struct *w)
{
	struct cases_dev *d = container_of(w, struct cases_dev, work);

	d->buf = vmalloc(PAGE_SIZE);
}

static int cases_setup(struct device *dev, struct cases_dev *d, int irq)
{
	hrtimer_init(&d->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	d->hrtimer.function = cases_hrtimer;
	INIT_WORK(&d->work, cases_work);
	return devm_request_threaded_irq(dev, irq, cases_irq, cases_irq_thread,
					 0, "cases", d);
}

/* Mempool elements go back through mempool_free(), and only there. */
static void cases_mempool(mempool_t *pool)
{
	void *p, *q;

	p = mempool_alloc(pool, GFP_KERNEL);
	mempool_free(p, pool);
	p = mempool_alloc(pool, GFP_NOIO);
	/* LINT: free-mismatch "kvfree() of memory from mempool_alloc()" */
	kvfree(p);
	/* A pool whose free_fn is kfree() may be given kmalloc memory. */
	q = kmalloc(64, GFP_KERNEL);
	mempool_free(q, pool);
}

static void cases_families(struct device *dev, struct cases_dev *d)
{
	unsigned long a;
	struct page *pg;
	void *p;

	p = kvmalloc(8192, GFP_KERNEL);
	/* LINT: free-mismatch "kfree() of memory from kvmalloc()" */
	kfree(p);
	p = devm_kzalloc(dev, 64, GFP_KERNEL);
	/* LINT: free-mismatch "kfree() of memory from devm_kzalloc()" */
	kfree(p);
	p = vmalloc(8192);
	kvfree_sensitive(p, 8192);
	p = kcalloc(4, 16, GFP_KERNEL);
	kvfree(p);
	p = vmalloc(64);
	vfree(p);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	p = kmem_cache_alloc(d->cache, GFP_KERNEL);
	kmem_cache_free(d->cache, p);
	p = kmem_cache_zalloc(d->cache, GFP_KERNEL);
	/* LINT: free-mismatch-before-6.4 "kfree() of memory from kmem_cache_zalloc()" */
	kfree(p);
	a = get_zeroed_page(GFP_KERNEL);
	/* LINT: free-mismatch "vfree() of memory from get_zeroed_page()" */
	vfree((void *)a);

	pg = alloc_page(GFP_KERNEL);
	/* LINT: page-order "__free_pages() of order 2, allocated with order 0" */
	__free_pages(pg, 2);
	a = get_zeroed_page(GFP_KERNEL);
	free_pages(a, 0);
	a = __get_free_pages(GFP_KERNEL, 3);
	free_pages(a, 3);
	a = __get_free_pages(GFP_KERNEL, 0x3);
	/* LINT: page-order "free_page() of order 0, allocated with order 3" */
	free_page(a);
	a = __get_free_pages(GFP_KERNEL, CASES_ORDER);
	free_pages(a, 2);
	pg = alloc_pages_node(0, GFP_KERNEL, 1);
	/* LINT: page-order "__free_page() of order 0, allocated with order 1 by alloc_pages" */
	__free_page(pg);
}

/* DMA memory: sizes compared by value, only when both are constants. */
static void cases_dma(struct device *dev, size_t n)
{
	dma_addr_t h;
	void *p;

	p = dma_alloc_coherent(dev, 8192, &h, GFP_KERNEL);
	/* LINT: dma-size "dma_free_coherent() of size 4096, allocated 8192" */
	dma_free_coherent(dev, 4096, p, h);
	p = dma_alloc_wc(dev, SZ_8K, &h, GFP_KERNEL);
	/* LINT: dma-size "dma_free_wc() of size 4096, allocated 8192" */
	dma_free_wc(dev, PAGE_SIZE, p, h);
	p = dma_alloc_coherent(dev, SZ_4K, &h, GFP_KERNEL);
	dma_free_coherent(dev, PAGE_SIZE, p, h);
	p = dma_alloc_coherent(dev, 2 * PAGE_SIZE, &h, GFP_KERNEL);
	dma_free_attrs(dev, SZ_8K, p, h, 0);
	p = dma_alloc_coherent(dev, n, &h, GFP_KERNEL);
	dma_free_coherent(dev, 4096, p, h);
	p = dma_alloc_noncoherent(dev, 4096, &h, DMA_TO_DEVICE, GFP_KERNEL);
	/* LINT: free-mismatch "dma_free_attrs() of memory from dma_alloc_noncoherent()" */
	dma_free_attrs(dev, 4096, p, h, 0);
	p = dma_alloc_attrs(dev, 4096, &h, GFP_KERNEL, 0);
	/* LINT: free-mismatch "vfree() of memory from dma_alloc_attrs()" */
	vfree(p);
	p = dmam_alloc_coherent(dev, 4096, &h, GFP_KERNEL);
	/* LINT: free-mismatch "dma_free_coherent() of memory from dmam_alloc_coherent()" */
	dma_free_coherent(dev, 4096, p, h);
	p = dmam_alloc_coherent(dev, 4096, &h, GFP_KERNEL);
	dmam_free_coherent(dev, 4096, p, h);
}

static void cases_percpu(struct cases_dev *d)
{
	u64 __percpu *c;
	void __percpu *v;

	spin_lock(&d->lock);
	c = alloc_percpu_gfp(u64, GFP_ATOMIC);
	spin_unlock(&d->lock);
	free_percpu(c);
	preempt_disable();
	/* LINT: atomic-section "__alloc_percpu inside preempt_disable()" */
	v = __alloc_percpu(64, 8);
	preempt_enable();
	free_percpu(v);
	v = __alloc_percpu_gfp(32, 8, GFP_KERNEL);
	/* LINT: free-mismatch "kvfree() of memory from __alloc_percpu_gfp()" */
	kvfree((void __force *)v);
	c = alloc_percpu(u64);
	free_percpu(c);
}

/* Exact pages, and frees after a grace period. */
static void cases_exact_rcu(struct device *dev, struct cases_dev *d)
{
	struct cases_node *n;
	unsigned long a;
	void *p;

	p = alloc_pages_exact(8192, GFP_KERNEL);
	free_pages_exact(p, 8192);
	p = alloc_pages_exact_nid(0, 8192, GFP_KERNEL);
	/* LINT: free-mismatch "kfree() of memory from alloc_pages_exact_nid()" */
	kfree(p);
	p = kmalloc(64, GFP_KERNEL);
	/* LINT: free-mismatch "free_pages_exact() of memory from kmalloc()" */
	free_pages_exact(p, 64);
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	kfree_rcu(n, rcu);
	p = kvmalloc(8192, GFP_KERNEL);
	kvfree_rcu_mightsleep(p);
	n = kmem_cache_alloc(d->cache, GFP_KERNEL);
	/* LINT: free-mismatch-before-6.4 "kfree_rcu() of memory from kmem_cache_alloc()" */
	kfree_rcu(n, rcu);
	n = devm_kzalloc(dev, sizeof(*n), GFP_KERNEL);
	/* LINT: free-mismatch "kfree_rcu() of memory from devm_kzalloc()" */
	kfree_rcu(n, rcu);
	a = __get_free_page(GFP_KERNEL);
	/* LINT: free-mismatch "kfree_rcu_mightsleep() of memory from __get_free_page()" */
	kfree_rcu_mightsleep((void *)a);
}

static void cases_bitmap(struct device *dev)
{
	unsigned long *b;

	b = bitmap_zalloc(64, GFP_KERNEL);
	bitmap_free(b);
	b = bitmap_alloc(64, GFP_KERNEL);
	kfree(b);
	b = bitmap_zalloc(64, GFP_KERNEL);
	/* LINT: free-mismatch "vfree() of memory from bitmap_zalloc()" */
	vfree(b);
	b = devm_bitmap_alloc(dev, 64, GFP_KERNEL);
	/* LINT: free-mismatch "devm_kfree() of memory from devm_bitmap_alloc()" */
	devm_kfree(dev, b);
}
