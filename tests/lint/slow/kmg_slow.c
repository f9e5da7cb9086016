// SPDX-License-Identifier: GPL-2.0
/*
 * Lint fixture (tests/lint/t-lint.sh, lint-timeout): an earlier version of
 * samples/kmg_mismatch.c, whose init function has a long chain of branches
 * after a preempt_disable() branch: atomic-section.cocci walks every path
 * through it and takes over half an hour. kmemguard-lint must name it as
 * not checked (KMG_LINT_TIMEOUT) instead of hanging or passing it as clean.
 */
/*
 * Buggy on purpose: frees memory with the wrong family's call. kmemguard
 * reports mismatched-free and frees it with the right call instead.
 * bug=kfree_vmalloc|vfree_kmalloc|pages_kmalloc|kfree_pages|cache_kmalloc|
 *     kfree_cache (legal since 6.4, a mismatch before)|
 *     kfree_vmalloc_atomic (4 MiB, preemption disabled: vfree() may not
 *     run there; completed from a work item)|
 *     kfree_vmalloc_twice (then vfree() of it: a double free, refused)|
 *     kfree_vmalloc_big_twice (4 MiB, given back at once: the vfree() once
 *     the area is unmapped is a double free all the same)|
 *     kfree_sensitive_vmalloc, kfree_sensitive_pages,
 *     kfree_sensitive_pages_exact (then read back, as far as it can be
 *     read: kmemguard completes the free and must wipe the memory first,
 *     as kfree_sensitive() promises)|
 *     kfree_sensitive_page_shared (a page with a second reference, which
 *     does not go back: its data is the other holder's, left as it is)|
 *     kfree_sensitive_exact_shared (alloc_pages_exact() of two pages, the
 *     first with a second reference: only the second is wiped)|
 *     kfree_sensitive_order1_shared (__get_free_pages() of order 1, the
 *     first page with a second reference: free_pages() gives back the
 *     second, wiped)|
 *     kfree_sensitive_comp_shared (the same, compound: nothing goes back,
 *     nothing is wiped)
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "kfree_vmalloc";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which mismatch");

struct kmg_mm_obj {
	long a[4];
};

/*
 * After a kfree_sensitive() of @p (@len bytes, filled with 0x5a): were they
 * wiped? kmemguard holds the memory or has given it back, so it is read
 * without faulting (a vmalloc area may be unmapped by now).
 */
static void kmg_mm_wiped(const void *p, size_t len)
{
	static u8 buf[2 * PAGE_SIZE];
	size_t i, left = 0;

	if (copy_from_kernel_nofault(buf, p, len)) {
		pr_info("kmg_mismatch: sensitive: unreadable\n");
		return;
	}
	for (i = 0; i < len; i++)
		left += buf[i] == 0x5a;
	if (left)
		pr_info("kmg_mismatch: sensitive: %zu of %zu bytes not wiped\n", left, len);
	else
		pr_info("kmg_mismatch: sensitive: wiped\n");
}

static int __init kmg_mismatch_init(void)
{
	struct kmem_cache *c;
	struct page *pg;
	unsigned long a;
	int i;
	void *p;

	if (!strcmp(bug, "kfree_vmalloc")) {
		p = vmalloc(2 * PAGE_SIZE);
		kfree(p); /* KMG: mismatched-free-kfree_vmalloc */
	} else if (!strcmp(bug, "kfree_vmalloc_atomic")) {
		p = vmalloc(SZ_4M);
		preempt_disable();
		kfree(p); /* KMG: mismatched-free-kfree_vmalloc_atomic */
		preempt_enable();
	} else if (!strcmp(bug, "kfree_vmalloc_twice")) {
		p = vmalloc(2 * PAGE_SIZE);
		kfree(p); /* KMG: mismatched-free-kfree_vmalloc_twice */
		vfree(p); /* KMG: double-free-vfree_after_kfree */
	} else if (!strcmp(bug, "kfree_vmalloc_big_twice")) {
		p = vmalloc(SZ_4M);
		kfree(p); /* KMG: mismatched-free-kfree_vmalloc_big_twice */
		/* kmemguard's work item vfree()s it meanwhile. */
		for (i = 0; i < 500 && vmalloc_to_page(p); i++)
			msleep(20);
		if (vmalloc_to_page(p))
			pr_info("kmg_mismatch: the area is still mapped\n");
		vfree(p); /* KMG: double-free-vfree_after_kfree_big */
	} else if (!strcmp(bug, "kfree_sensitive_vmalloc")) {
		p = vmalloc(2 * PAGE_SIZE);
		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, 2 * PAGE_SIZE);
		kfree_sensitive(p); /* KMG: mismatched-free-kfree_sensitive_vmalloc */
		kmg_mm_wiped(p, 2 * PAGE_SIZE);
	} else if (!strcmp(bug, "kfree_sensitive_pages")) {
		a = __get_free_page(GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		memset((void *)a, 0x5a, PAGE_SIZE);
		kfree_sensitive((void *)a); /* KMG: mismatched-free-kfree_sensitive_pages */
		kmg_mm_wiped((void *)a, PAGE_SIZE);
	} else if (!strcmp(bug, "kfree_sensitive_pages_exact")) {
		p = alloc_pages_exact(2 * PAGE_SIZE, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, 2 * PAGE_SIZE);
		kfree_sensitive(p); /* KMG: mismatched-free-kfree_sensitive_pages_exact */
		kmg_mm_wiped(p, 2 * PAGE_SIZE);
	} else if (!strcmp(bug, "kfree_sensitive_page_shared")) {
		a = __get_free_page(GFP_KERNEL);
		if (!a)
			return -ENOMEM;
		get_page(virt_to_page((void *)a));
		memset((void *)a, 0x5a, PAGE_SIZE);
		kfree_sensitive((void *)a); /* KMG: mismatched-free-kfree_sensitive_page_shared */
		kmg_mm_wiped((void *)a, PAGE_SIZE);
		put_page(virt_to_page((void *)a));
	} else if (!strcmp(bug, "kfree_sensitive_exact_shared")) {
		p = alloc_pages_exact(2 * PAGE_SIZE, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		get_page(virt_to_page(p));
		memset(p, 0x5a, 2 * PAGE_SIZE);
		kfree_sensitive(p); /* KMG: mismatched-free-kfree_sensitive_exact_shared */
		kmg_mm_wiped(p, 2 * PAGE_SIZE);
		put_page(virt_to_page(p));
	} else if (!strcmp(bug, "kfree_sensitive_order1_shared")) {
		a = __get_free_pages(GFP_KERNEL, 1);
		if (!a)
			return -ENOMEM;
		get_page(virt_to_page((void *)a));
		memset((void *)a, 0x5a, 2 * PAGE_SIZE);
		kfree_sensitive((void *)a); /* KMG: mismatched-free-kfree_sensitive_order1_shared */
		kmg_mm_wiped((void *)a, 2 * PAGE_SIZE);
		put_page(virt_to_page((void *)a));
	} else if (!strcmp(bug, "kfree_sensitive_comp_shared")) {
		pg = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
		if (!pg)
			return -ENOMEM;
		p = page_address(pg);
		get_page(pg);
		memset(p, 0x5a, 2 * PAGE_SIZE);
		kfree_sensitive(p); /* KMG: mismatched-free-kfree_sensitive_comp_shared */
		kmg_mm_wiped(p, 2 * PAGE_SIZE);
		put_page(pg);
	} else if (!strcmp(bug, "vfree_kmalloc")) {
		p = kmalloc(200, GFP_KERNEL);
		vfree(p); /* KMG: mismatched-free-vfree_kmalloc */
	} else if (!strcmp(bug, "pages_kmalloc")) {
		p = kmalloc(PAGE_SIZE, GFP_KERNEL);
		free_pages((unsigned long)p, 0); /* KMG: mismatched-free-pages_kmalloc */
	} else if (!strcmp(bug, "kfree_pages")) {
		a = __get_free_page(GFP_KERNEL);
		kfree((void *)a); /* KMG: mismatched-free-kfree_pages */
	} else if (!strcmp(bug, "cache_kmalloc") || !strcmp(bug, "kfree_cache")) {
		c = KMEM_CACHE(kmg_mm_obj, 0);
		if (!c)
			return -ENOMEM;
		if (!strcmp(bug, "cache_kmalloc")) {
			p = kmalloc(32, GFP_KERNEL);
			kmem_cache_free(c, p); /* KMG: mismatched-free-cache_kmalloc */
		} else {
			p = kmem_cache_alloc(c, GFP_KERNEL);
			kfree(p); /* KMG: mismatched-free-kfree_cache */
		}
		kmem_cache_destroy(c);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_mismatch_exit(void)
{
}

module_init(kmg_mismatch_init);
module_exit(kmg_mismatch_exit);
MODULE_DESCRIPTION("kmemguard sample: mismatched free");
MODULE_LICENSE("GPL");
