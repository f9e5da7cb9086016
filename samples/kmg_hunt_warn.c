// SPDX-License-Identifier: GPL-2.0
/*
 * Error-path hunting sample: a kernel WARNING on one error path of init.
 *
 * Init makes three allocations. The work item is initialised only after
 * the second, but the error path of the second already cancels it: with
 * that allocation failed, cancel_work_sync() meets a work item that was
 * never initialised and the workqueue code WARNs (kernel/workqueue.c,
 * __flush_work(): WARN_ON(!work->func)). The hunt must report that WARNING
 * at n = 2 of init, and nothing at all with fixed=1 (INIT_WORK() first).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <kmemguard.h>

static bool fixed;
module_param(fixed, bool, 0444);
MODULE_PARM_DESC(fixed, "initialise the work item before the first error path");

struct kmg_hunt_warn_dev {
	struct work_struct work;
	char *buf;
	u32 *table;
};

static struct kmg_hunt_warn_dev *dev;

static void kmg_hunt_warn_work(struct work_struct *work)
{
}

static int __init kmg_hunt_warn_init(void)
{
	dev = kzalloc(sizeof(*dev), GFP_KERNEL); /* KMG: warn-dev */
	if (!dev)
		return -ENOMEM;
	if (fixed)
		INIT_WORK(&dev->work, kmg_hunt_warn_work);
	dev->buf = kmalloc(256, GFP_KERNEL); /* KMG: warn-buf */
	if (!dev->buf)
		goto err_dev;
	if (!fixed)
		INIT_WORK(&dev->work, kmg_hunt_warn_work);
	dev->table = kcalloc(16, sizeof(*dev->table), GFP_KERNEL); /* KMG: warn-table */
	if (!dev->table)
		goto err_buf;
	schedule_work(&dev->work);
	return 0;

err_buf:
	kfree(dev->buf);
err_dev:
	cancel_work_sync(&dev->work);
	kfree(dev);
	return -ENOMEM;
}

static void __exit kmg_hunt_warn_exit(void)
{
	cancel_work_sync(&dev->work);
	kfree(dev->table);
	kfree(dev->buf);
	kfree(dev);
}

module_init(kmg_hunt_warn_init);
module_exit(kmg_hunt_warn_exit);
MODULE_DESCRIPTION("kmemguard sample: a WARNING on one error path of init");
MODULE_LICENSE("GPL");
