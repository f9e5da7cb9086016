// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard core: module parameters, init/exit and the module notifier that
 * reports a tracked module's leaks the moment it unloads.
 *
 * Notes on locking:
 * - kmg_enable_mutex serialises enabling/disabling (module parameter and
 *   debugfs control); see table.c for how disabling empties the table.
 * - Module notifiers run in process context with module_mutex not held;
 *   MODULE_STATE_GOING is delivered after the module's exit function (or
 *   after its init failed), while its text and data still exist, so the
 *   report can still resolve its symbols and read its site descriptors.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "kmg.h"

DEFINE_STATIC_KEY_TRUE(kmg_enabled_key);
bool kmg_enabled = true;		/* kmg_enable_mutex for writes */
static bool kmg_ready;			/* set once init is done */
static DEFINE_MUTEX(kmg_enable_mutex);

/*
 * Settings below are single words: written with WRITE_ONCE() by their
 * parameter or debugfs handler, read with READ_ONCE() anywhere, no lock.
 */
unsigned int kmg_stack_depth = 16;
unsigned int kmg_report_objects = 4;
bool kmg_raw_pointers;
bool kmg_hints;
unsigned int kmg_quarantine_slots = 256;
static unsigned int kmg_table_bits = 16;	/* load time only */

int kmg_set_enabled(bool on)
{
	mutex_lock(&kmg_enable_mutex);
	if (!kmg_ready) {
		/* At load time: init applies it. */
		WRITE_ONCE(kmg_enabled, on);
	} else if (on && !kmg_enabled) {
		WRITE_ONCE(kmg_enabled, true);
		static_branch_enable(&kmg_enabled_key);
		pr_info("enabled\n");
	} else if (!on && kmg_enabled) {
		static_branch_disable(&kmg_enabled_key);
		WRITE_ONCE(kmg_enabled, false);
		/* Let inserts that saw kmg_enabled finish, then forget all. */
		synchronize_rcu();
		kmg_quarantine_flush(NULL, NULL);
		kmg_table_flush();
		pr_info("disabled: live records dropped\n");
	}
	mutex_unlock(&kmg_enable_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_set_enabled);

static int kmg_param_set_enabled(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return -EINVAL;
	return kmg_set_enabled(on);
}

static int kmg_param_get_enabled(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", READ_ONCE(kmg_enabled) ? 'Y' : 'N');
}

static const struct kernel_param_ops kmg_enabled_ops = {
	.set = kmg_param_set_enabled,
	.get = kmg_param_get_enabled,
};
module_param_cb(enabled, &kmg_enabled_ops, NULL, 0644);
MODULE_PARM_DESC(enabled, "Track allocations (default Y); N drops all records and passes calls straight through");

/* An unsigned int parameter with a range; out of range is -EINVAL. */
struct kmg_uint_range {
	unsigned int *val;
	unsigned int min, max;
};

static int kmg_param_set_range(const char *val, const struct kernel_param *kp)
{
	const struct kmg_uint_range *r = kp->arg;
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < r->min || v > r->max) {
		pr_warn("%s: must be %u..%u\n", kp->name, r->min, r->max);
		return -EINVAL;
	}
	WRITE_ONCE(*r->val, v);
	return 0;
}

static int kmg_param_get_range(char *buf, const struct kernel_param *kp)
{
	const struct kmg_uint_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*r->val));
}

static const struct kernel_param_ops kmg_range_ops = {
	.set = kmg_param_set_range,
	.get = kmg_param_get_range,
};

static struct kmg_uint_range kmg_stack_depth_range = {
	&kmg_stack_depth, 0, 32 };
module_param_cb(stack_depth, &kmg_range_ops, &kmg_stack_depth_range, 0644);
MODULE_PARM_DESC(stack_depth, "Frames kept per allocation stack, 0..32 (default 16; 0: none)");

static struct kmg_uint_range kmg_report_objects_range = {
	&kmg_report_objects, 1, 10000 };
module_param_cb(report_objects, &kmg_range_ops, &kmg_report_objects_range, 0644);
MODULE_PARM_DESC(report_objects, "Objects listed per call site in a leak report, 1..10000 (default 4)");

static struct kmg_uint_range kmg_quarantine_range = {
	&kmg_quarantine_slots, 0, 1024 };
module_param_cb(quarantine, &kmg_range_ops, &kmg_quarantine_range, 0644);
MODULE_PARM_DESC(quarantine, "Freed records kept per CPU to recognise double frees, 0..1024 (default 256)");

module_param_named(hints, kmg_hints, bool, 0644);
MODULE_PARM_DESC(hints, "Also report needless-atomic: GFP_ATOMIC where sleeping was allowed (default N)");

static struct kmg_uint_range kmg_table_bits_range = {
	&kmg_table_bits, 10, 22 };
module_param_cb(table_bits, &kmg_range_ops, &kmg_table_bits_range, 0444);
MODULE_PARM_DESC(table_bits, "log2 of the record table's buckets, 10..22 (default 16)");

/* === Module unload ======================================================== */

/* Quarantined records that point into @mod (its sites go away with it). */
static bool kmg_match_module(const struct kmg_record *rec, const void *mod)
{
	return rec->site->mod == mod || rec->free_site->mod == mod;
}

static void kmg_module_going(struct module *mod)
{
	struct kmg_record *leaked;
	unsigned long count;

	/* Tracked: made a tracked call, or a rule may have failed its first. */
	if (!kmg_module_tracked(mod))
		return;
	/* Let queued RCU callbacks (call_rcu() frees) run first. */
	rcu_barrier();
	kmg_quarantine_flush(kmg_match_module, mod);
	leaked = kmg_table_extract_module(mod, &count);
	kmg_report_leaks(mod, leaked, count);
	kmg_sites_forget_module(mod);
}

static int kmg_module_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	if (action == MODULE_STATE_GOING)
		kmg_module_going(data);
	return NOTIFY_OK;
}

static struct notifier_block kmg_module_nb = {
	.notifier_call = kmg_module_notify,
};

/* === Init and exit ========================================================= */

static int __init kmg_init(void)
{
	int ret;

	ret = kmg_table_init(kmg_table_bits);
	if (ret)
		return ret;
#if KMG_HAVE_STACKDEPOT
	ret = stack_depot_init();
	if (ret)
		pr_warn("no stack depot (%d): records keep no stacks\n", ret);
#endif
	ret = register_module_notifier(&kmg_module_nb);
	if (ret) {
		kmg_table_exit();
		return ret;
	}
	kmg_debugfs_init();

	mutex_lock(&kmg_enable_mutex);
	if (!kmg_enabled)
		static_branch_disable(&kmg_enabled_key);
	kmg_ready = true;
	mutex_unlock(&kmg_enable_mutex);
	pr_info("ready: %u buckets, %zu-byte records, stack depth %u, %s\n",
		1U << kmg_table_bits, sizeof(struct kmg_record),
		kmg_stack_depth, kmg_enabled ? "enabled" : "disabled");
	return 0;
}

static void __exit kmg_exit(void)
{
	kmg_debugfs_exit();
	kmg_fault_clear();
	unregister_module_notifier(&kmg_module_nb);
	kmg_table_exit();
}

module_init(kmg_init);
module_exit(kmg_exit);
MODULE_DESCRIPTION("kmemguard: leak and misuse tracking for driver allocations");
MODULE_LICENSE("GPL");
