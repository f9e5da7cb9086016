// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: frees pages with another order than allocated. kmemguard
 * reports wrong-order and frees them with the allocation's order.
 */
#include <linux/gfp.h>
#include <linux/module.h>

#include <kmemguard.h>

static int __init kmg_wrong_order_init(void)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, 2);
	struct page *pg = alloc_pages(GFP_KERNEL, 1);

	if (a)
		free_pages(a, 1); /* KMG: wrong-order-free_pages */
	if (pg)
		__free_pages(pg, 0); /* KMG: wrong-order-__free_pages */
	return 0;
}

static void __exit kmg_wrong_order_exit(void)
{
}

module_init(kmg_wrong_order_init);
module_exit(kmg_wrong_order_exit);
MODULE_DESCRIPTION("kmemguard sample: wrong page order");
MODULE_LICENSE("GPL");
