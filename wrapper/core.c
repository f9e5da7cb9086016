// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard core: module parameters, counters, init/exit and the module
 * notifier that reports a tracked module's leaks the moment it unloads.
 *
 * Notes on locking:
 * - kmg_enable_mutex serialises enabling/disabling (module parameter and
 *   debugfs control). Disabling clears kmg_enabled (the static key is only
 *   off when kmemguard was loaded with enabled=0: text patching under load
 *   is avoided), then waits with synchronize_rcu() for every tracked
 *   operation that saw kmemguard enabled (they all run inside an RCU
 *   read-side critical section, rcu_read_lock() or interrupts off, and
 *   re-check kmg_enabled there), and only then empties the quarantine and
 *   the table. Enabling patches the key first (if it was off), then sets
 *   kmg_enabled.
 * - kmg_going_mutex serialises the unload processing of tracked modules
 *   (kmg_module_going()) with each other and with code that holds record
 *   copies across sleeps (kmg_going_lock()), so that no site shadow is
 *   released under them. The unload processing also holds kmg_enable_mutex
 *   (taken first), so that it never runs between a disable's clearing of
 *   kmg_enabled and its flush.
 * - Module notifiers run in process context with module_mutex not held;
 *   MODULE_STATE_GOING is delivered after the module's exit function (or
 *   after its init failed). kmemguard's exit unregisters the notifier,
 *   which waits for a notifier call in progress.
 * - Counters are per-CPU longs, written with this_cpu ops and summed on
 *   read: nothing shared on the allocation path.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "kmg.h"

/*
 * Off only from a load with enabled=0 to the first enable, then on for
 * good. Drivers' calls test it too (kmemguard/wrap.h: __kmg_active()):
 * off, they call the kernel directly.
 */
DEFINE_STATIC_KEY_TRUE(kmemguard_enabled_key);
EXPORT_SYMBOL_GPL(kmemguard_enabled_key);
bool kmg_enabled = true;		/* kmg_enable_mutex for writes */
static bool kmg_ready;			/* set once init is done */
static DEFINE_MUTEX(kmg_enable_mutex);
static DEFINE_MUTEX(kmg_going_mutex);

/*
 * Settings below are single words: written with WRITE_ONCE() by their
 * parameter or debugfs handler, read with READ_ONCE() anywhere, no lock.
 */
unsigned int kmg_stack_depth = 16;
unsigned int kmg_stack_sample_rate = 1024;
EXPORT_SYMBOL_IF_KUNIT(kmg_stack_sample_rate);
unsigned int kmg_report_objects = 4;
bool kmg_raw_pointers;
bool kmg_hints;
unsigned int kmg_quarantine_slots = 256;
EXPORT_SYMBOL_IF_KUNIT(kmg_quarantine_slots);

/* === Counters ============================================================= */

DEFINE_PER_CPU(struct kmg_counters, kmg_counters);

const char *const kmg_counter_names[KMG_COUNT_NR] = {
	[KMG_COUNT_ALLOCS]		= "allocations",
	[KMG_COUNT_FREES]		= "frees",
	[KMG_COUNT_LIVE]		= "live objects",
	[KMG_COUNT_FAILED]		= "failed allocations",
	[KMG_COUNT_DEGRADED]		= "degraded (untracked: no record memory)",
	[KMG_COUNT_UNTRACKED_FREES]	= "frees of untracked pointers",
	[KMG_COUNT_STALE]		= "stale records replaced",
	[KMG_COUNT_LEAK_REPORTS]	= "leak reports",
	[KMG_COUNT_LEAKED_OBJECTS]	= "leaked objects",
	[KMG_COUNT_QUARANTINED]		= "quarantined frees",
	[KMG_COUNT_HELD_RELEASED]	= "held objects released",
	[KMG_COUNT_REPAIRED]		= "allocations repaired or refused",
	[KMG_COUNT_REPORTS_SUPPRESSED]	= "repeated reports suppressed",
	[KMG_COUNT_INJECTED]		= "injected failures",
	[KMG_COUNT_NMI_DEFERRED]	= "frees deferred from NMI",
	[KMG_COUNT_SITES]		= "sites",
	[KMG_COUNT_DROPPED]		= "records dropped (disabled)",
	[KMG_COUNT_RZ_OBJECTS]		= "objects with redzones",
	[KMG_COUNT_RZ_CHECKED]		= "redzone and poison checks",
	[KMG_COUNT_GUARDED]		= "guarded objects",
	[KMG_COUNT_GUARD_MISSED]	= "guarded allocations not guarded (pool full, too big)",
	[KMG_COUNT_KEY_OFF_CALLS]	= "tracking checks while loaded disabled",
	[KMG_COUNT_AFTER_EXIT]		= "records not made at a going module's sites",
};

/* Every counter into @v, the sites summed once. */
void kmg_counters_read(long *v)
{
	int i, cpu;

	for (i = 0; i < KMG_COUNT_NR; i++) {
		v[i] = 0;
		for_each_possible_cpu(cpu)
			v[i] += READ_ONCE(per_cpu_ptr(&kmg_counters, cpu)->c[i]);
	}
	/* site.c: counted per site only. */
	kmg_sites_counts(v);
}

long kmg_counter_read(enum kmg_counter c)
{
	long v[KMG_COUNT_NR];
	long sum = 0;
	int cpu;

	if (c == KMG_COUNT_ALLOCS || c == KMG_COUNT_FREES || c == KMG_COUNT_LIVE) {
		kmg_sites_counts(v);
		return v[c];
	}

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(&kmg_counters, cpu)->c[c]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_counter_read);

/* === Enabling ============================================================= */

int kmg_set_enabled(bool on)
{
	mutex_lock(&kmg_enable_mutex);
	if (!kmg_ready) {
		/* At load time: init applies it. */
		WRITE_ONCE(kmg_enabled, on);
	} else if (on && !kmg_enabled) {
		/*
		 * Off only if loaded disabled: patched once, then left on.
		 * The key first, with kmg_enabled still false, so that every
		 * call site (the drivers' and kmemguard's own) is patched
		 * before any of them tracks: otherwise an object allocated
		 * through a patched site could be freed through one not yet
		 * patched, straight to the kernel, behind kmemguard's back.
		 * (Not closed: a task preempted between a free's test of the
		 * key and its call, across the whole enable, that then frees
		 * an object allocated after it. synchronize_rcu_tasks() here
		 * would close it.)
		 */
		if (!static_key_enabled(&kmemguard_enabled_key))
			static_branch_enable(&kmemguard_enabled_key);
		WRITE_ONCE(kmg_enabled, true);
		pr_info("enabled\n");
	} else if (!on && kmg_enabled) {
		WRITE_ONCE(kmg_enabled, false);
		/* Let operations that saw kmg_enabled finish, then forget all. */
		synchronize_rcu();
		kmg_nmi_sync();
		kmg_quarantine_flush(NULL, NULL);
		/* Evictions in flight elsewhere (the drain, the shrinker). */
		synchronize_rcu();
		kmg_family_sync();
		kmg_table_flush();
		kmg_devm_forget_records();
		kmg_dma_tombs_clear();
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

/* === Parameters =========================================================== */

/* An unsigned int parameter with a range; out of range is -EINVAL. */
struct kmg_uint_range {
	unsigned int *val;
	unsigned int min, max;
	void (*changed)(void);	/* after a change, once kmemguard is up */
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
	if (r->changed) {
		/* Not once kmemguard's exit began: its state is going away. */
		mutex_lock(&kmg_enable_mutex);
		if (kmg_ready)
			r->changed();
		mutex_unlock(&kmg_enable_mutex);
	}
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
MODULE_PARM_DESC(stack_depth, "Frames kept per stack, 0..32 (default 16; 0: none)");

static struct kmg_uint_range kmg_stack_sample_range = {
	&kmg_stack_sample_rate, 0, 1000000, kmg_stack_sample_reset };
module_param_cb(stack_sample, &kmg_range_ops, &kmg_stack_sample_range, 0644);
MODULE_PARM_DESC(stack_sample, "After a site's first allocations, keep the stack of 1 in N allocations per CPU (and of their frees), 0..1000000 (default 1024; 1: every one; 0: the first ones only)");

static struct kmg_uint_range kmg_report_objects_range = {
	&kmg_report_objects, 1, 10000 };
module_param_cb(report_objects, &kmg_range_ops, &kmg_report_objects_range, 0644);
MODULE_PARM_DESC(report_objects, "Objects listed per call site in a leak report, 1..10000 (default 4)");

/* Lowering the quarantine gives back what is over it at once. */
static struct kmg_uint_range kmg_quarantine_range = {
	&kmg_quarantine_slots, 0, 1024, kmg_quarantine_trim };
module_param_cb(quarantine, &kmg_range_ops, &kmg_quarantine_range, 0644);
MODULE_PARM_DESC(quarantine, "Freed records kept per CPU to recognise double frees, 0..1024 (default 256)");

module_param_named(hints, kmg_hints, bool, 0644);
MODULE_PARM_DESC(hints, "Also report needless-atomic: GFP_ATOMIC where sleeping was allowed (default N)");

/* === Module unload ======================================================== */

/* Quarantined records that point into @mod's sites. */
static bool kmg_match_module(const struct kmg_record *rec, const void *mod)
{
	return rec->site->mod == mod || rec->free_site->mod == mod;
}

/* Hold off the release of site shadows (see the locking notes). */
void kmg_going_lock(void)
{
	mutex_lock(&kmg_going_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_going_lock);

void kmg_going_unlock(void)
{
	mutex_unlock(&kmg_going_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_going_unlock);

/*
 * A tracked module is gone: report what it still held, then forget it.
 * In this order: its shadows are marked gone, and after a grace period no
 * operation in flight can still make a record at them, put one back or name
 * them as a free's site (record.c, wrappers.c: they check @gone with
 * interrupts off or under rcu_read_lock()); its live records come out
 * of the table; a grace period lets frees in flight (by other modules) of
 * its objects reach the quarantine; its quarantined records (as allocation
 * or free site) are evicted, and those an eviction elsewhere handed to the
 * deferred vfree() work are waited for; the leaks are reported; and only
 * then are its shadows released, after a further grace period for readers.
 */
void kmg_module_going(struct module *mod)
{
	struct kmg_record *leaked;
	unsigned long count;

	/* Frees parked in NMI context may still name @mod's descriptors. */
	kmg_nmi_sync();
	/* dma.c: device references go while @mod's text is still there. */
	kmg_dma_module_going();
	if (!kmg_module_tracked(mod))
		return;
	/*
	 * Not while a disable is half done: a free made after kmg_enabled went
	 * false passes through untracked, and only the disable's flush drops
	 * its record; extracting it before that would call it a leak.
	 */
	mutex_lock(&kmg_enable_mutex);
	kmg_going_lock();
	kmg_sites_module_gone(mod);
	kmg_devm_module_gone(mod);
	/*
	 * Records being made at @mod's sites (its code may still run: work it
	 * did not stop) are in the table after this, or never (record.c:
	 * kmg_record_track() checks @gone with interrupts off).
	 */
	synchronize_rcu();
	/* Let queued RCU callbacks (call_rcu() frees) run first. */
	rcu_barrier();
	leaked = kmg_table_extract_module(mod, &count);
	synchronize_rcu();
	kmg_quarantine_flush(kmg_match_module, mod);
	/* Evictions racing the flush may have deferred a vfree(): wait. */
	synchronize_rcu();
	kmg_family_sync();
	/* redzone.c: the leaked objects' redzones, before the leak report. */
	kmg_rz_check_leaked(leaked);
	kmg_report_leaks(mod, leaked, count);
	/* dma.c: tombstones name shadows; every free in flight is done. */
	kmg_dma_tombs_clear();
	kmg_sites_module_release(mod);
	kmg_going_unlock();
	mutex_unlock(&kmg_enable_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_module_going);

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

	kmg_family_init();
	ret = kmg_dma_init();
	if (ret)
		return ret;
	ret = kmg_table_init();
	if (ret)
		goto err_dma;
	ret = kmg_quarantine_init();
	if (ret)
		goto err_table;
	ret = kmg_wrappers_init();
	if (ret)
		goto err_quarantine;
#if KMG_HAVE_STACKDEPOT
	if (stack_depot_init())
		pr_warn("no stack depot: records keep no stacks\n");
#endif
	ret = kmg_indirect_init();
	if (ret)
		goto err_wrappers;
	/* Redzone and guard rules given at load (redzone.c). */
	ret = kmg_rz_init();
	if (ret)
		goto err_rz;
	ret = register_module_notifier(&kmg_module_nb);
	if (ret)
		goto err_rz;
	kmg_debugfs_init();

	mutex_lock(&kmg_enable_mutex);
	if (!kmg_enabled)
		static_branch_disable(&kmemguard_enabled_key);
	WRITE_ONCE(kmg_ready, true);
	mutex_unlock(&kmg_enable_mutex);
	pr_info("ready: %u buckets, %zu-byte records, stack depth %u, 1 in %u stacks sampled, %s\n",
		kmg_table_buckets(), sizeof(struct kmg_record), kmg_stack_depth,
		kmg_stack_sample_rate, kmg_enabled ? "enabled" : "disabled");
	return 0;

err_rz:
	kmg_rz_exit();
	kmg_indirect_exit();
err_wrappers:
	kmg_wrappers_exit();
err_quarantine:
	kmg_quarantine_exit();
err_table:
	kmg_table_exit();
err_dma:
	kmg_dma_exit();
	return ret;
}

static void __exit kmg_exit(void)
{
	/* Parameters stay writable until the module is freed: see the setters. */
	mutex_lock(&kmg_enable_mutex);
	kmg_ready = false;
	mutex_unlock(&kmg_enable_mutex);
	kmg_debugfs_exit();
	unregister_module_notifier(&kmg_module_nb);
	kmg_fault_clear();
	kmg_wrappers_exit();
	kmg_indirect_exit();
	kmg_quarantine_exit();
	kmg_family_sync();
	kmg_rz_exit();	/* the quarantine gave every guarded object back */
	kmg_table_exit();
	kmg_dma_exit();	/* after the last record went */
	kmg_sites_exit();
}

module_init(kmg_init);
module_exit(kmg_exit);
MODULE_DESCRIPTION("kmemguard: leak and misuse tracking for driver allocations");
MODULE_LICENSE("GPL");
