// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: misuses mempools. Each report must name the line
 * marked "KMG: <marker>".
 * bug=leak_pool:	a pool never destroyed ("KMG: leak_pool")
 * bug=leak_element:	an element never freed, in a pool never exited
 *			("KMG: leak_element", "KMG: leak_element_pool")
 * bug=double:		an element freed twice: the first free put it back
 *			in the pool's reserve
 * bug=double_held:	an element freed twice: the first free gave it to
 *			the driver's free_fn, which kfree()d it
 * bug=wrong_pool:	an element freed to another pool
 * bug=destroy_live:	a pool destroyed with an element still out
 *			(cache-not-empty); the element is freed afterwards
 *			and the pool destroyed for real
 * bug=kfree_element:	an element of a kmalloc pool freed with kfree()
 * bug=exit_created:	a mempool_create() pool ended with mempool_exit()
 * bug=atomic:		mempool_alloc(GFP_KERNEL) under a spinlock (run
 *			without its blocking flags)
 */
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

static char *bug = "leak_pool";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which misuse");

static bool kmg_mpb_dry;	/* the driver's alloc_fn fails: the reserve is used */

static void *kmg_mpb_alloc(gfp_t gfp, void *data)
{
	if (READ_ONCE(kmg_mpb_dry))
		return NULL;
	return kmalloc(40, gfp);
}

static void kmg_mpb_free(void *p, void *data)
{
	kfree(p); /* KMG: first-free */
}

static mempool_t *leaked;
static mempool_t leaked_init;

static int kmg_mpb_double(void)
{
	mempool_t *pool = mempool_create(1, kmg_mpb_alloc, kmg_mpb_free, NULL);
	void *p;

	if (!pool)
		return -ENOMEM;
	/* The alloc_fn fails: the element comes from the reserve... */
	WRITE_ONCE(kmg_mpb_dry, true);
	p = mempool_alloc(pool, GFP_KERNEL);
	WRITE_ONCE(kmg_mpb_dry, false);
	/* ...and goes back there: freeing it again frees the pool's. */
	mempool_free(p, pool);
	mempool_free(p, pool); /* KMG: double-free */
	mempool_destroy(pool);
	return 0;
}

static int kmg_mpb_double_held(void)
{
	mempool_t *pool = mempool_create(1, kmg_mpb_alloc, kmg_mpb_free, NULL);
	void *p;

	if (!pool)
		return -ENOMEM;
	/* The reserve is full: the free goes to kmg_mpb_free(), kfree(). */
	p = mempool_alloc(pool, GFP_KERNEL);
	mempool_free(p, pool);
	mempool_free(p, pool); /* KMG: double-free-held */
	mempool_destroy(pool);
	return 0;
}

static int kmg_mpb_wrong_pool(void)
{
	mempool_t *a = mempool_create_kmalloc_pool(1, 64);
	mempool_t *b = mempool_create_kmalloc_pool(1, 64);
	void *p;

	if (a && b) {
		p = mempool_alloc(a, GFP_KERNEL);
		mempool_free(p, b); /* KMG: wrong-pool */
	}
	mempool_destroy(b);
	mempool_destroy(a);
	return 0;
}

static int kmg_mpb_destroy_live(void)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 64);
	void *p;

	if (!pool)
		return -ENOMEM;
	p = mempool_alloc(pool, GFP_KERNEL); /* KMG: cache-not-empty-object */
	mempool_destroy(pool); /* KMG: cache-not-empty */
	mempool_free(p, pool);
	mempool_destroy(pool);
	return 0;
}

static int kmg_mpb_kfree_element(void)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 64);
	void *p;

	if (!pool)
		return -ENOMEM;
	p = mempool_alloc(pool, GFP_KERNEL);
	kfree(p); /* KMG: mismatched-free-kfree */
	mempool_destroy(pool);
	return 0;
}

static int kmg_mpb_exit_created(void)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 64);

	if (!pool)
		return -ENOMEM;
	mempool_exit(pool); /* KMG: mismatched-free-exit */
	return 0;
}

static DEFINE_SPINLOCK(kmg_mpb_lock);

static int kmg_mpb_atomic(void)
{
	mempool_t *pool = mempool_create_kmalloc_pool(1, 64);
	void *p;

	if (!pool)
		return -ENOMEM;
	spin_lock(&kmg_mpb_lock);
	p = mempool_alloc(pool, GFP_KERNEL); /* KMG: mempool-sleep-in-atomic */
	spin_unlock(&kmg_mpb_lock);
	mempool_free(p, pool);
	mempool_destroy(pool);
	return 0;
}

static int __init kmg_mempool_bug_init(void)
{
	void *p;

	if (!strcmp(bug, "leak_pool")) {
		leaked = mempool_create_kmalloc_pool(2, 32); /* KMG: leak_pool */
		return 0;
	}
	if (!strcmp(bug, "leak_element")) {
		if (mempool_init_kmalloc_pool(&leaked_init, 1, 32)) /* KMG: leak_element_pool */
			return -ENOMEM;
		p = mempool_alloc(&leaked_init, GFP_KERNEL); /* KMG: leak_element */
		return 0;
	}
	if (!strcmp(bug, "double"))
		return kmg_mpb_double();
	if (!strcmp(bug, "double_held"))
		return kmg_mpb_double_held();
	if (!strcmp(bug, "wrong_pool"))
		return kmg_mpb_wrong_pool();
	if (!strcmp(bug, "destroy_live"))
		return kmg_mpb_destroy_live();
	if (!strcmp(bug, "kfree_element"))
		return kmg_mpb_kfree_element();
	if (!strcmp(bug, "exit_created"))
		return kmg_mpb_exit_created();
	if (!strcmp(bug, "atomic"))
		return kmg_mpb_atomic();
	return -EINVAL;
}

static void __exit kmg_mempool_bug_exit(void)
{
}

module_init(kmg_mempool_bug_init);
module_exit(kmg_mempool_bug_exit);
MODULE_DESCRIPTION("kmemguard sample: mempool misuse");
MODULE_LICENSE("GPL");
