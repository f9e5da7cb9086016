// SPDX-License-Identifier: GPL-2.0
/*
 * Error-path hunting sample: an oops on the exit path.
 *
 * Init makes two allocations and unwinds correctly. Exit allocates too: a
 * buffer to print a last summary into, used without a check, then a copy
 * of the counters, checked. With the first allocation of exit failed
 * (rmmod), exit dereferences NULL: the hunt must report the oops at n = 1
 * of the exit phase (the module is then stuck: n = 2 runs in a fresh
 * guest), and nothing with fixed=1 (the buffer is checked).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <kmemguard.h>

static bool fixed;
module_param(fixed, bool, 0444);
MODULE_PARM_DESC(fixed, "check the summary buffer on the exit path");

struct kmg_hunt_oops_stats {
	unsigned long opened;
	unsigned long errors;
};

static struct kmg_hunt_oops_stats *stats;
static char *name;

static int __init kmg_hunt_oops_init(void)
{
	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return -ENOMEM;
	name = kstrdup("kmg_hunt_oops", GFP_KERNEL);
	if (!name) {
		kfree(stats);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kmg_hunt_oops_exit(void)
{
	struct kmg_hunt_oops_stats *last;
	char *summary;

	summary = kmalloc(64, GFP_KERNEL); /* KMG: oops-summary */
	if (fixed && !summary)
		goto out;
	summary[0] = '\0';
	snprintf(summary, 64, "%s: %lu opened, %lu errors", name,
		 stats->opened, stats->errors);
	pr_info("%s\n", summary);
	kfree(summary);
out:
	last = kmemdup(stats, sizeof(*stats), GFP_KERNEL); /* KMG: oops-last */
	if (last)
		pr_debug("kmg_hunt_oops: %lu errors\n", last->errors);
	kfree(last);
	kfree(name);
	kfree(stats);
}

module_init(kmg_hunt_oops_init);
module_exit(kmg_hunt_oops_exit);
MODULE_DESCRIPTION("kmemguard sample: an oops on one error path of exit");
MODULE_LICENSE("GPL");
