// SPDX-License-Identifier: GPL-2.0
/*
 * The demo module of the tutorial this project started from (kmalloc,
 * __get_free_page, vmalloc and a slab cache in one init), rewritten
 * correctly: every allocation is checked, and the error path gives back
 * everything taken before it (goto unwind). kmemguard reports nothing.
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

struct mem_dev {
	char *test;
	struct kmem_cache *cache;
};

static struct mem_dev *mem_devp;

static int __init mem_dev_init_module(void)
{
	int ret = -ENOMEM;

	mem_devp = kmalloc(sizeof(*mem_devp), GFP_KERNEL);
	if (!mem_devp)
		return -ENOMEM;

	/* kmalloc */
	mem_devp->test = kmalloc(1024, GFP_KERNEL);
	if (!mem_devp->test)
		goto err_dev;
	kfree(mem_devp->test);

	/* __get_free_page */
	mem_devp->test = (void *)__get_free_page(GFP_KERNEL);
	if (!mem_devp->test)
		goto err_dev;
	free_page((unsigned long)mem_devp->test);

	/* vmalloc */
	mem_devp->test = vmalloc(PAGE_SIZE * 16);
	if (!mem_devp->test)
		goto err_dev;
	vfree(mem_devp->test);

	/* slab */
	mem_devp->cache = kmem_cache_create("mem_cache", sizeof(struct mem_dev),
					    0, SLAB_HWCACHE_ALIGN, NULL);
	if (!mem_devp->cache)
		goto err_dev;
	mem_devp->test = kmem_cache_alloc(mem_devp->cache, GFP_KERNEL);
	if (!mem_devp->test)
		goto err_cache;
	kmem_cache_free(mem_devp->cache, mem_devp->test);
	ret = 0;

err_cache:
	kmem_cache_destroy(mem_devp->cache);
err_dev:
	kfree(mem_devp);
	return ret;
}

static void __exit mem_dev_exit_module(void)
{
}

module_init(mem_dev_init_module);
module_exit(mem_dev_exit_module);
MODULE_DESCRIPTION("The tutorial's demo module, with correct error paths");
MODULE_LICENSE("GPL");
