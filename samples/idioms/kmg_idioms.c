// SPDX-License-Identifier: GPL-2.0
/*
 * Idioms of real drivers, opted in with kmemguard.mk alone:
 *  - its own pr_fmt, dev_fmt and DEBUG before its first include (they keep
 *    their meaning: pr_debug()/dev_dbg() print, with the driver's prefixes);
 *  - allocations in inline helpers of its own header (kmg_idioms.h);
 *  - scope-based cleanup: __free(kfree), __free(kvfree);
 *  - frees handed to the kernel as function pointers: a devm action,
 *    a table of destructors.
 * Correct by default; leak=helper leaks the helper's table (reported at
 * kmg_idioms.h), bug=free_twice kfree()s an object that __free(kfree) frees
 * again at the end of its scope (a double-free in kmg_idioms_scoped()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#define dev_fmt(fmt) "idioms-dev: " fmt
#define DEBUG

#include <linux/device.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kmg_idioms.h"

static char *leak = "";
module_param(leak, charp, 0444);
MODULE_PARM_DESC(leak, "helper: leak the helper's table");
static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "free_twice: kfree() what __free(kfree) frees again");

static unsigned long *kmg_idioms_kept;
static struct platform_device *kmg_idioms_pdev;

static noinline int kmg_idioms_scoped(void)
{
	char *buf __free(kfree) = kzalloc(128, GFP_KERNEL);
	void *big __free(kvfree) = kvmalloc(64 * 1024, GFP_KERNEL);

	if (!buf || !big)
		return -ENOMEM;
	snprintf(buf, 128, "scoped %p", big);
	if (!strcmp(bug, "free_twice"))
		kfree(buf); /* KMG: free-then-scope */
	return 0;
}

/* Destructors as values: each is kmemguard's, not the kernel's. */
static const struct {
	const char *name;
	void (*free)(const void *p);
} kmg_idioms_frees[] = {
	{ "kfree", kfree },
	{ "kvfree", kvfree },
	{ "kfree_sensitive", kfree_sensitive },
	{ "kfree_const", kfree_const },
	{ "vfree", vfree },
};

static int kmg_idioms_table_frees(void)
{
	const void *obj[ARRAY_SIZE(kmg_idioms_frees)] = {
		kmalloc(32, GFP_KERNEL),
		kvmalloc(100 * 1024, GFP_KERNEL),
		kmalloc(48, GFP_KERNEL),
		kstrdup_const("a module's string", GFP_KERNEL),
		vmalloc(8192),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		pr_debug("freeing through %s\n", kmg_idioms_frees[i].name);
		kmg_idioms_frees[i].free(obj[i]);
	}
	return 0;
}

static int kmg_idioms_probe(struct platform_device *pdev)
{
	char *name = kmg_idioms_name("probe");
	int ret;

	if (!name)
		return -ENOMEM;
	/* Freed by devres, through the pointer, when the device goes. */
	ret = devm_add_action_or_reset(&pdev->dev, (void (*)(void *))kfree, name);
	if (ret)
		return ret;
	dev_info(&pdev->dev, "probed as %s\n", name);
	dev_dbg(&pdev->dev, "dev_dbg is on\n");
	return 0;
}

static struct platform_driver kmg_idioms_driver = {
	.probe = kmg_idioms_probe,
	.driver = { .name = "kmg_idioms" },
};

static int __init kmg_idioms_init(void)
{
	unsigned long *t = kmg_idioms_table(8);
	char *n = kmg_idioms_name("init");
	int ret;

	if (!t || !n)
		goto nomem;
	pr_debug("pr_debug is on: %s\n", n);
	kfree(n);
	if (!strcmp(leak, "helper"))
		kmg_idioms_kept = NULL;	/* the table is lost */
	else
		kmg_idioms_kept = t;
	ret = kmg_idioms_scoped() ?: kmg_idioms_table_frees();
	if (ret)
		goto err;
	ret = platform_driver_register(&kmg_idioms_driver);
	if (ret)
		goto err;
	kmg_idioms_pdev = platform_device_register_simple("kmg_idioms", 0, NULL, 0);
	if (IS_ERR(kmg_idioms_pdev)) {
		ret = PTR_ERR(kmg_idioms_pdev);
		platform_driver_unregister(&kmg_idioms_driver);
		goto err;
	}
	return 0;
nomem:
	kfree(n);
	ret = -ENOMEM;
err:
	kfree(kmg_idioms_kept);
	return ret;
}

static void __exit kmg_idioms_exit(void)
{
	platform_device_unregister(kmg_idioms_pdev);
	platform_driver_unregister(&kmg_idioms_driver);
	kfree(kmg_idioms_kept);
}

module_init(kmg_idioms_init);
module_exit(kmg_idioms_exit);
MODULE_DESCRIPTION("kmemguard sample: idioms of real drivers, opted in with kmemguard.mk");
MODULE_LICENSE("GPL");
