// SPDX-License-Identifier: GPL-2.0
/*
 * Uses every allocator call kmemguard wraps, correctly: kmemguard must report
 * nothing, and kmemleak must find nothing either.
 *
 * While loaded it keeps a few objects live (lines marked "KMG: live") so that
 * the debugfs views and /proc/allocinfo have something of it to show, and it
 * makes many allocations through kernel helpers (a platform device and
 * driver, debugfs files) that kmemguard must leave alone.
 *
 * Parameter rounds=N repeats the whole exercise N times at load.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static unsigned int rounds = 1;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Times to run the exercise at load (default 1)");

struct kmg_clean_obj {
	struct rcu_head rcu;
	char payload[40];
};

static struct kmg_clean_state {
	void *kmalloc_live;
	void *vmalloc_live;
	unsigned long pages_live;
	struct kmem_cache *cache;
	void *cache_live;
	struct platform_device *pdev;
	struct dentry *dir;
} st;

static __printf(1, 2) char *kmg_clean_vasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	return s;
}

static int kmg_clean_kmalloc_family(void)
{
	struct kmg_clean_obj *o;
	const char *c;
	char *s, *t;
	void *p, *q;

	p = kmalloc(32, GFP_KERNEL);
	q = kzalloc(64, GFP_KERNEL);
	kfree(p);
	kfree(q);
	p = kcalloc(4, 16, GFP_KERNEL);
	q = kmalloc_array(8, 8, GFP_KERNEL);
	kfree(p);
	kfree(q);
	p = kmalloc_node(48, GFP_KERNEL, NUMA_NO_NODE);
	q = kzalloc_node(48, GFP_KERNEL, NUMA_NO_NODE);
	kfree(p);
	kfree_sensitive(q);

	p = krealloc(NULL, 16, GFP_KERNEL);	/* from NULL: an allocation */
	q = krealloc(p, 256, GFP_KERNEL);	/* grow, maybe move */
	if (q)
		p = q;
	q = krealloc(p, 0, GFP_KERNEL);		/* to 0: a free */
	if (!ZERO_OR_NULL_PTR(q))
		return -EINVAL;

	s = kstrdup("kmemguard", GFP_KERNEL);
	t = kstrndup("kmemguard", 4, GFP_KERNEL);
	p = kmemdup("abcdef", 6, GFP_KERNEL);
	kfree(s);
	kfree(t);
	kfree(p);
	c = kstrdup_const("a constant", GFP_KERNEL);
	kfree_const(c);
	s = kasprintf(GFP_KERNEL, "%s-%d", "kmg", 42);
	t = kmg_clean_vasprintf("%d-%d", 1, 2);
	kfree(s);
	kfree(t);

	p = kvmalloc(1024, GFP_KERNEL);
	q = kvzalloc(64 * PAGE_SIZE, GFP_KERNEL);
	kvfree(p);
	kvfree(q);
	p = kvcalloc(16, 512, GFP_KERNEL);
	kvfree(p);

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (o)
		kfree_rcu(o, rcu);
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (o)
		kfree_rcu_mightsleep(o);
	return 0;
}

static void kmg_clean_vmalloc_family(void)
{
	void *p;

	p = vmalloc(2 * PAGE_SIZE);
	vfree(p);
	p = vzalloc(PAGE_SIZE);
	vfree(p);
	p = vmalloc_node(PAGE_SIZE, NUMA_NO_NODE);
	vfree(p);
	p = vmalloc_user(PAGE_SIZE);
	vfree(p);
}

static void kmg_clean_pages(void)
{
	unsigned long a;
	struct page *pg;

	a = __get_free_pages(GFP_KERNEL, 1);
	free_pages(a, 1);
	a = __get_free_page(GFP_KERNEL);
	free_page(a);
	a = get_zeroed_page(GFP_KERNEL);
	free_pages(a, 0);
	pg = alloc_pages(GFP_KERNEL, 2);
	if (pg)
		__free_pages(pg, 2);
	pg = alloc_page(GFP_KERNEL);
	if (pg)
		__free_page(pg);
	/* Allocated as pages, freed by address: the same allocation. */
	pg = alloc_pages(GFP_KERNEL, 0);
	if (pg)
		free_pages((unsigned long)page_address(pg), 0);
}

static int kmg_clean_cache(void)
{
	struct kmem_cache *c;
	void *p, *q;

	c = kmem_cache_create("kmg_clean_tmp", 72, 0, 0, NULL);
	if (!c)
		return -ENOMEM;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	q = kmem_cache_zalloc(c, GFP_KERNEL);
	if (p)
		kmem_cache_free(c, p);
	if (q)
		kmem_cache_free(c, q);
	kmem_cache_destroy(c);
	return 0;
}

static int kmg_clean_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	void *a, *b, *c;

	/* Kept until the driver unbinds: devres frees them, not the driver. */
	a = devm_kmalloc(dev, 100, GFP_KERNEL);
	b = devm_kzalloc(dev, 200, GFP_KERNEL);
	c = devm_kcalloc(dev, 4, 50, GFP_KERNEL);
	if (!a || !b || !c)
		return -ENOMEM;
	/* One given back early. */
	devm_kfree(dev, c);
	return 0;
}

static struct platform_driver kmg_clean_driver = {
	.probe = kmg_clean_probe,
	.driver = { .name = "kmg_clean" },
};

static int kmg_clean_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kmg_clean\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kmg_clean);

static int __init kmg_clean_init(void)
{
	unsigned int i;
	char name[16];
	int ret;

	for (i = 0; i < rounds; i++) {
		ret = kmg_clean_kmalloc_family();
		if (ret)
			return ret;
		kmg_clean_vmalloc_family();
		kmg_clean_pages();
		ret = kmg_clean_cache();
		if (ret)
			return ret;
	}

	st.kmalloc_live = kmalloc(1000, GFP_KERNEL); /* KMG: live */
	st.vmalloc_live = vmalloc(5 * PAGE_SIZE); /* KMG: live */
	st.pages_live = __get_free_pages(GFP_KERNEL, 1); /* KMG: live */
	st.cache = KMEM_CACHE(kmg_clean_obj, 0); /* KMG: live */
	if (!st.kmalloc_live || !st.vmalloc_live || !st.pages_live || !st.cache)
		goto err;
	st.cache_live = kmem_cache_alloc(st.cache, GFP_KERNEL); /* KMG: live */
	if (!st.cache_live)
		goto err;

	/* Kernel helpers allocate plenty; none of it is the driver's. */
	st.dir = debugfs_create_dir("kmg_clean", NULL);
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		debugfs_create_file(name, 0400, st.dir, NULL, &kmg_clean_fops);
	}
	ret = platform_driver_register(&kmg_clean_driver);
	if (ret)
		goto err_ret;
	st.pdev = platform_device_register_simple("kmg_clean", -1, NULL, 0);
	if (IS_ERR(st.pdev)) {
		ret = PTR_ERR(st.pdev);
		platform_driver_unregister(&kmg_clean_driver);
		goto err_ret;
	}
	return 0;

err:
	ret = -ENOMEM;
err_ret:
	debugfs_remove_recursive(st.dir);
	if (st.cache_live)
		kmem_cache_free(st.cache, st.cache_live);
	kmem_cache_destroy(st.cache);
	free_pages(st.pages_live, 1);
	vfree(st.vmalloc_live);
	kfree(st.kmalloc_live);
	return ret;
}

static void __exit kmg_clean_exit(void)
{
	platform_device_unregister(st.pdev);
	platform_driver_unregister(&kmg_clean_driver);
	debugfs_remove_recursive(st.dir);
	kmem_cache_free(st.cache, st.cache_live);
	kmem_cache_destroy(st.cache);
	free_pages(st.pages_live, 1);
	vfree(st.vmalloc_live);
	kfree(st.kmalloc_live);
	/* kfree_rcu() objects were untracked when queued; drain them anyway. */
	rcu_barrier();
}

module_init(kmg_clean_init);
module_exit(kmg_clean_exit);
MODULE_DESCRIPTION("kmemguard sample: every wrapped call, used correctly");
MODULE_LICENSE("GPL");
