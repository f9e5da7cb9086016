// SPDX-License-Identifier: GPL-2.0
/*
 * Correct use of per-CPU memory: every call kmemguard tracks makes an
 * object at a line marked "KMG: live", held while the module is loaded
 * (tests read kmemguard's debugfs files meanwhile) and freed with
 * free_percpu() at unload. On the way: an allocation without blocking
 * flags under a spinlock (right there), free_percpu(NULL), free_percpu
 * used as a value, and a __free(free_percpu) pointer that goes out of
 * scope. devm_alloc_percpu() memory ("KMG: live-devm") is freed by devres
 * when the module's root device goes; one more is freed early with
 * devm_free_percpu(). kmemguard must report nothing. A failed allocation
 * is printed ("kmg_percpu: <call> failed") and skipped.
 */
#include <linux/cleanup.h>
#include <linux/cpumask.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>

#include <kmemguard.h>

struct kmg_percpu_stats {
	u64 packets;
	u64 bytes;
};

static struct kmg_percpu_stats __percpu *st;
static u64 __percpu *cnt, *atom;
static void __percpu *raw, *rawg;
static DEFINE_SPINLOCK(kmg_percpu_lock);
static struct device *kmg_percpu_dev;
static u64 __percpu *dm;

static bool kmg_percpu_ok(const char *call, const void __percpu *p)
{
	if (!p)
		pr_info("kmg_percpu: %s failed\n", call);
	return !!p;
}

/* Every CPU's copy starts zeroed, and each is its own. */
static void kmg_percpu_use(void)
{
	u64 sum = 0;
	int cpu;

	if (!st)
		return;
	for_each_possible_cpu(cpu)
		per_cpu_ptr(st, cpu)->packets = cpu + 1;
	this_cpu_add(st->bytes, 100);
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(st, cpu)->packets;
	if (sum != (u64)num_possible_cpus() * (num_possible_cpus() + 1) / 2)
		pr_info("kmg_percpu: per-CPU copies not separate\n");
}

/* A per-CPU buffer freed at the end of its scope, and free_percpu(NULL). */
static void kmg_percpu_scoped(void)
{
	u32 __percpu *tmp __free(free_percpu) = alloc_percpu(u32);

	if (tmp)
		this_cpu_inc(*tmp);
	free_percpu(NULL);
}

/* free_percpu as a value: a release function chosen at run time. */
static void (*kmg_percpu_release)(void __percpu *p) = free_percpu;

/* Device-managed per-CPU memory: devres frees it, or devm_free_percpu(). */
static void kmg_percpu_devm(void)
{
	u32 __percpu *early;

	kmg_percpu_dev = root_device_register("kmg_percpu");
	if (IS_ERR(kmg_percpu_dev)) {
		kmg_percpu_dev = NULL;
		pr_info("kmg_percpu: root_device_register failed\n");
		return;
	}
	dm = devm_alloc_percpu(kmg_percpu_dev, u64); /* KMG: live-devm */
	kmg_percpu_ok("devm_alloc_percpu", dm);
	early = devm_alloc_percpu(kmg_percpu_dev, u32);
	if (kmg_percpu_ok("devm_alloc_percpu (freed early)", early))
		devm_free_percpu(kmg_percpu_dev, early);
}

static int __init kmg_percpu_init(void)
{
	unsigned long flags;

	st = alloc_percpu(struct kmg_percpu_stats); /* KMG: live */
	kmg_percpu_ok("alloc_percpu", st);
	cnt = alloc_percpu_gfp(u64, GFP_KERNEL | __GFP_NOWARN); /* KMG: live */
	kmg_percpu_ok("alloc_percpu_gfp", cnt);
	raw = __alloc_percpu(256, 64); /* KMG: live */
	kmg_percpu_ok("__alloc_percpu", raw);
	rawg = __alloc_percpu_gfp(48, 8, GFP_KERNEL); /* KMG: live */
	kmg_percpu_ok("__alloc_percpu_gfp", rawg);
	/* Where sleeping is forbidden: no blocking flags, as it must be. */
	spin_lock_irqsave(&kmg_percpu_lock, flags);
	atom = alloc_percpu_gfp(u64, GFP_NOWAIT | __GFP_NOWARN); /* KMG: live */
	spin_unlock_irqrestore(&kmg_percpu_lock, flags);
	kmg_percpu_ok("alloc_percpu_gfp (GFP_NOWAIT)", atom);
	kmg_percpu_use();
	kmg_percpu_scoped();
	kmg_percpu_devm();
	return 0;
}

static void __exit kmg_percpu_exit(void)
{
	unsigned long flags;

	free_percpu(st);
	free_percpu(cnt);
	free_percpu(raw);
	kmg_percpu_release(rawg);
	/* free_percpu() does not sleep: fine under a spinlock. */
	spin_lock_irqsave(&kmg_percpu_lock, flags);
	free_percpu(atom);
	spin_unlock_irqrestore(&kmg_percpu_lock, flags);
	if (kmg_percpu_dev)
		root_device_unregister(kmg_percpu_dev);
}

module_init(kmg_percpu_init);
module_exit(kmg_percpu_exit);
MODULE_DESCRIPTION("kmemguard sample: per-CPU memory, used correctly");
MODULE_LICENSE("GPL");
