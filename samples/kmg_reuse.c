// SPDX-License-Identifier: GPL-2.0
/*
 * Correct, and tricky for kmemguard: after a free whose memory kmemguard
 * does not hold (a large kmalloc, kfree_sensitive() of one, kvfree(),
 * kfree_rcu(), devres), the kernel may hand the same address to an
 * allocation of its own (here the kernel's kmemdup_nul(), called as
 * (kmemdup_nul)() so that kmemguard's macro does not wrap it, as for an
 * allocation in the kernel's own code), which the driver then frees with
 * kfree() as it may. A freed
 * record must not claim that address: no double-free report, and the
 * memory really goes back. Prints how often the address came back.
 *
 * Writing to the parameter cache_round creates a cache and destroys it
 * (in the writer's context): a destroyed cache's record stays, a
 * tombstone, and the next cache, made at the same address where kmemguard
 * could not record it (fail_records=1 first), must not be taken for it.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>

#include <kmemguard.h>

#define KMG_REUSE_SIZE	(96 * 1024)	/* a large kmalloc: pages, not held */
#define KMG_REUSE_ROUNDS 8

struct kmg_reuse_big {
	struct rcu_head rcu;
	char data[];
};

static char kmg_reuse_src[KMG_REUSE_SIZE];

/*
 * The kernel's own allocations of the same size, freed by the driver: up
 * to KMG_REUSE_TRIES of them until one gets @old back. (The page allocator
 * may queue a freed block behind others of its order, when its buddy is
 * free too: then the first allocation after it is another block.)
 */
#define KMG_REUSE_TRIES	16

static bool kmg_reuse_kernel(const void *old)
{
	char *q[KMG_REUSE_TRIES];
	bool same = false;
	unsigned int i, n;

	for (n = 0; n < KMG_REUSE_TRIES && !same; n++) {
		q[n] = (kmemdup_nul)(kmg_reuse_src, KMG_REUSE_SIZE - 1, GFP_KERNEL);
		if (!q[n])
			break;
		same = q[n] == old;
	}
	for (i = 0; i < n; i++)
		kfree(q[i]);
	return same;
}

/* The last round's cache (compared only, never used). */
static void *kmg_reuse_last_cache;

/* One cache made and destroyed: at the last one's address or not. */
static int kmg_reuse_cache_round(const char *val, const struct kernel_param *kp)
{
	struct kmem_cache *c;

	c = kmem_cache_create("kmg_reuse_cache", 40, 0, 0, NULL);
	if (!c)
		return -ENOMEM;
	pr_info("kmg_reuse: cache at the %s address\n",
		(void *)c == kmg_reuse_last_cache ? "same" : "other");
	kmg_reuse_last_cache = c;
	kmem_cache_destroy(c);
	return 0;
}

static const struct kernel_param_ops kmg_reuse_cache_ops = {
	.set = kmg_reuse_cache_round,
};
module_param_cb(cache_round, &kmg_reuse_cache_ops, NULL, 0200);
MODULE_PARM_DESC(cache_round, "Any value: create a cache and destroy it");

static int __init kmg_reuse_init(void)
{
	struct platform_device *pdev;
	struct kmg_reuse_big *b;
	unsigned int i, n;
	void *p;

	for (i = n = 0; i < KMG_REUSE_ROUNDS; i++) {
		p = kmalloc(KMG_REUSE_SIZE, GFP_KERNEL);
		kfree(p);
		n += kmg_reuse_kernel(p);
	}
	pr_info("kmg_reuse: kfree reused %u of %u\n", n, KMG_REUSE_ROUNDS);

	for (i = n = 0; i < KMG_REUSE_ROUNDS; i++) {
		p = kmalloc(KMG_REUSE_SIZE, GFP_KERNEL);
		kfree_sensitive(p);
		n += kmg_reuse_kernel(p);
	}
	pr_info("kmg_reuse: kfree_sensitive reused %u of %u\n", n, KMG_REUSE_ROUNDS);

	for (i = n = 0; i < KMG_REUSE_ROUNDS; i++) {
		p = kvmalloc(KMG_REUSE_SIZE, GFP_KERNEL);
		kvfree(p);
		n += kmg_reuse_kernel(p);
	}
	pr_info("kmg_reuse: kvfree reused %u of %u\n", n, KMG_REUSE_ROUNDS);

	for (i = n = 0; i < KMG_REUSE_ROUNDS; i++) {
		b = kmalloc(KMG_REUSE_SIZE, GFP_KERNEL);
		if (!b)
			continue;
		kfree_rcu(b, rcu);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
		kvfree_rcu_barrier();
#else
		rcu_barrier();
		msleep(50);
#endif
		n += kmg_reuse_kernel(b);
	}
	pr_info("kmg_reuse: kfree_rcu reused %u of %u\n", n, KMG_REUSE_ROUNDS);

	for (i = n = 0; i < KMG_REUSE_ROUNDS; i++) {
		pdev = platform_device_register_simple("kmg_reuse", i, NULL, 0);
		if (IS_ERR(pdev))
			return PTR_ERR(pdev);
		p = devm_kmalloc(&pdev->dev, KMG_REUSE_SIZE, GFP_KERNEL);
		platform_device_unregister(pdev);
		n += kmg_reuse_kernel(p);
	}
	pr_info("kmg_reuse: devm reused %u of %u\n", n, KMG_REUSE_ROUNDS);
	return 0;
}

static void __exit kmg_reuse_exit(void)
{
}

module_init(kmg_reuse_init);
module_exit(kmg_reuse_exit);
MODULE_DESCRIPTION("kmemguard sample: the kernel reuses a freed address");
MODULE_LICENSE("GPL");
