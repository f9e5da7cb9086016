// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: misuses the library helpers kmemguard tracks. Each
 * report must name the line marked "KMG: <bug>".
 * bug=leak:			  one object of each helper leaked ("KMG: leak")
 * bug=vfree_kmemdup_nul:	  kmemdup_nul() memory freed with vfree()
 * bug=kvfree_sensitive_double:	  kvfree_sensitive() twice
 * bug=kvrealloc_freed:		  kvrealloc() of a freed object (refused)
 * bug=krealloc_array_vmalloc:	  krealloc_array() of vmalloc memory (refused)
 * bug=memdup_user_free_pages:	  memdup_user() memory freed with free_pages()
 * bug=bitmap_double:		  bitmap_free() twice
 * bug=kfree_vcalloc:		  vcalloc() memory freed with kfree()
 * bug=pages_exact_free_pages:	  alloc_pages_exact() memory freed with free_pages()
 * bug=pages_exact_double:	  free_pages_exact() twice
 * bug=kfree_devm_kstrdup:	  devm_kstrdup() memory freed with kfree()
 * bug=devm_krealloc_kmalloc:	  devm_krealloc() of kmalloc() memory (refused)
 * bug=free_pages_devm:		  devm_get_free_pages() memory freed with free_pages()
 * bug=put_page_double:		  put_page() of a page whose last reference was put
 * bug=bitmap_free_devm:	  devm_bitmap_zalloc() memory freed with bitmap_free()
 * bug=devm_krealloc_other_dev:	  devm_krealloc() with another device than the memory's
 * bug=devm_krealloc_other_shrink: the same, shrinking (kept in place)
 * bug=put_page_order:		  put_page() of an order-1 allocation's head page
 * bug=put_page_slab:		  put_page() of the page of a kmalloc() object
 */
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "leak";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which misuse");

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define KMG_KVREALLOC(p, old, size, gfp)	kvrealloc(p, size, gfp)
#else
#define KMG_KVREALLOC(p, old, size, gfp)	kvrealloc(p, old, size, gfp)
#endif

/* The leaks from user memory: a page mapped into insmod's address space. */
static void kmg_helpers_bug_user(void)
{
	static const char msg[] = "kmemguard user string";
	unsigned long addr;
	char __user *u;
	void *p;

	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr))
		return;
	u = (char __user *)addr;
	if (!copy_to_user(u, msg, sizeof(msg))) {
		p = memdup_user(u, 16); /* KMG: leak */
		p = strndup_user(u, 64); /* KMG: leak */
		p = vmemdup_user(u, 16); /* KMG: leak */
	}
	vm_munmap(addr, PAGE_SIZE);
}

static void *kmg_helpers_bug_memdup(void)
{
	static const char msg[] = "kmemguard user string";
	unsigned long addr;
	void *p = NULL;

	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr))
		return NULL;
	if (!copy_to_user((char __user *)addr, msg, sizeof(msg)))
		p = memdup_user((char __user *)addr, PAGE_SIZE);
	vm_munmap(addr, PAGE_SIZE);
	return IS_ERR(p) ? NULL : p;
}

static struct device *kmg_helpers_bug_dev, *kmg_helpers_bug_dev2;

static int __init kmg_helpers_bug_init(void)
{
	struct page *pg;
	void *p, *q;

	if (!strcmp(bug, "leak")) {
		p = kmalloc_array(4, 8, GFP_KERNEL);
		q = krealloc_array(p, 32, 8, GFP_KERNEL); /* KMG: leak */
		p = kvmalloc(64, GFP_KERNEL);
		q = KMG_KVREALLOC(p, 64, 2 * PAGE_SIZE, GFP_KERNEL); /* KMG: leak */
		p = kcalloc_node(4, 16, GFP_KERNEL, NUMA_NO_NODE); /* KMG: leak */
		p = alloc_pages_node(numa_node_id(), GFP_KERNEL, 0); /* KMG: leak */
		p = kmemdup_nul("leaked", 3, GFP_KERNEL); /* KMG: leak */
		p = __vmalloc(PAGE_SIZE, GFP_KERNEL); /* KMG: leak */
		p = vmalloc_array(4, 64); /* KMG: leak */
		p = bitmap_alloc(64, GFP_KERNEL); /* KMG: leak */
		p = alloc_pages_exact(2 * PAGE_SIZE, GFP_KERNEL); /* KMG: leak */
		/* Two references, one put: still the driver's at unload. */
		pg = alloc_page(GFP_KERNEL); /* KMG: leak */
		if (pg) {
			get_page(pg);
			put_page(pg);
		}
		kmg_helpers_bug_user();
	} else if (!strcmp(bug, "vfree_kmemdup_nul")) {
		p = kmemdup_nul("mismatch", 5, GFP_KERNEL);
		vfree(p); /* KMG: mismatched-free-vfree_kmemdup_nul */
	} else if (!strcmp(bug, "kvfree_sensitive_double")) {
		p = kvmalloc(32, GFP_KERNEL);
		kvfree_sensitive(p, 32);
		kvfree_sensitive(p, 32); /* KMG: double-free-kvfree_sensitive */
	} else if (!strcmp(bug, "kvrealloc_freed")) {
		p = kvmalloc(32, GFP_KERNEL);
		kvfree(p);
		q = KMG_KVREALLOC(p, 32, 64, GFP_KERNEL); /* KMG: double-free-kvrealloc */
		if (q)
			return -EINVAL;	/* must have been refused */
	} else if (!strcmp(bug, "krealloc_array_vmalloc")) {
		p = vmalloc(PAGE_SIZE);
		q = krealloc_array(p, 2, 4096, GFP_KERNEL); /* KMG: mismatched-krealloc_array */
		if (q)
			return -EINVAL;	/* must have been refused */
		vfree(p);
	} else if (!strcmp(bug, "memdup_user_free_pages")) {
		p = kmg_helpers_bug_memdup();
		if (!p)
			return -ENOMEM;
		free_pages((unsigned long)p, 0); /* KMG: mismatched-free-memdup_user */
	} else if (!strcmp(bug, "bitmap_double")) {
		p = bitmap_zalloc(64, GFP_KERNEL);
		bitmap_free(p);
		bitmap_free(p); /* KMG: double-free-bitmap */
	} else if (!strcmp(bug, "kfree_vcalloc")) {
		p = vcalloc(16, 64);
		kfree(p); /* KMG: mismatched-free-kfree_vcalloc */
	} else if (!strcmp(bug, "pages_exact_free_pages")) {
		p = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
		free_pages((unsigned long)p, 2); /* KMG: mismatched-free-pages_exact */
	} else if (!strcmp(bug, "pages_exact_double")) {
		p = alloc_pages_exact(PAGE_SIZE, GFP_KERNEL);
		free_pages_exact(p, PAGE_SIZE);
		free_pages_exact(p, PAGE_SIZE); /* KMG: double-free-pages_exact */
	} else if (!strcmp(bug, "kfree_devm_kstrdup")) {
		kmg_helpers_bug_dev = root_device_register("kmg_helpers_bug");
		if (IS_ERR(kmg_helpers_bug_dev))
			return PTR_ERR(kmg_helpers_bug_dev);
		p = devm_kstrdup(kmg_helpers_bug_dev, "devres owns it", GFP_KERNEL);
		kfree(p); /* KMG: mismatched-free-kfree_devm */
	} else if (!strcmp(bug, "devm_krealloc_kmalloc")) {
		struct device *dev = root_device_register("kmg_helpers_bug");

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev = dev;
		p = kmalloc(32, GFP_KERNEL);
		q = devm_krealloc(dev, p, 64, GFP_KERNEL); /* KMG: mismatched-devm_krealloc */
		if (q)
			pr_info("kmg_helpers_bug: devm_krealloc of kmalloc memory not refused\n");
		kfree(p);
	} else if (!strcmp(bug, "put_page_double")) {
		pg = alloc_page(GFP_KERNEL);
		if (!pg)
			return -ENOMEM;
		put_page(pg);
		put_page(pg); /* KMG: double-free-put_page */
	} else if (!strcmp(bug, "free_pages_devm")) {
		struct device *dev = root_device_register("kmg_helpers_bug");
		unsigned long pg;

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev = dev;
		pg = devm_get_free_pages(dev, GFP_KERNEL, 1);
		if (pg)
			free_pages(pg, 1); /* KMG: mismatched-free-devm_pages */
	} else if (!strcmp(bug, "devm_krealloc_other_dev")) {
		struct device *dev = root_device_register("kmg_helpers_bug");

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev = dev;
		dev = root_device_register("kmg_helpers_bug2");
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev2 = dev;
		p = devm_kmalloc(kmg_helpers_bug_dev, 32, GFP_KERNEL);
		q = devm_krealloc(dev, p, 64, GFP_KERNEL); /* KMG: mismatched-devm_krealloc_dev */
		if (q)
			pr_info("kmg_helpers_bug: devm_krealloc with another device not refused\n");
	} else if (!strcmp(bug, "devm_krealloc_other_shrink")) {
		struct device *dev = root_device_register("kmg_helpers_bug");

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev = dev;
		dev = root_device_register("kmg_helpers_bug2");
		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev2 = dev;
		p = devm_kmalloc(kmg_helpers_bug_dev, 32, GFP_KERNEL);
		q = devm_krealloc(dev, p, 16, GFP_KERNEL); /* KMG: mismatched-devm_krealloc_sh */
		if (q != p)
			pr_info("kmg_helpers_bug: devm_krealloc shrinking with another device not kept in place\n");
	} else if (!strcmp(bug, "put_page_order")) {
		/* The kernel's would free the first page and lose the second. */
		pg = alloc_pages(GFP_KERNEL, 1);
		if (!pg)
			return -ENOMEM;
		put_page(pg); /* KMG: wrong-order-put_page */
	} else if (!strcmp(bug, "put_page_slab")) {
		/* The kernel's would free the slab's page under its objects. */
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		put_page(virt_to_page(p)); /* KMG: invalid-free-put_page */
		kfree(p);
	} else if (!strcmp(bug, "bitmap_free_devm")) {
		struct device *dev = root_device_register("kmg_helpers_bug");
		unsigned long *bm;

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		kmg_helpers_bug_dev = dev;
		bm = devm_bitmap_zalloc(dev, 128, GFP_KERNEL);
		bitmap_free(bm); /* KMG: mismatched-free-devm_bitmap */
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_helpers_bug_exit(void)
{
	if (!IS_ERR_OR_NULL(kmg_helpers_bug_dev2))
		root_device_unregister(kmg_helpers_bug_dev2);
	if (!IS_ERR_OR_NULL(kmg_helpers_bug_dev))
		root_device_unregister(kmg_helpers_bug_dev);
}

module_init(kmg_helpers_bug_init);
module_exit(kmg_helpers_bug_exit);
MODULE_DESCRIPTION("kmemguard sample: library helpers, misused");
MODULE_LICENSE("GPL");
