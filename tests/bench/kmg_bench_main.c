// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard benchmark module (tests/bench/, driven by ci/bench-init through
 * `make bench`). One measurement per write to /sys/kernel/debug/kmg_bench/run:
 *
 *   CASE MODE N    MODE raw (plain calls) or tracked (through kmemguard;
 *                  with kmemguard.enabled=N it is the "disabled" column)
 *
 * and reading the file gives "CASE MODE N NS" with NS the cost of one
 * operation in ns (one decimal), the empty loop's cost taken off. CASEs:
 *
 *   kmalloc:SIZE, cache, pages:ORDER, vmalloc:SIZE, dma:SIZE, percpu:SIZE
 *                  N alloc+free pairs
 *   mempool        N mempool_alloc()+mempool_free() pairs, a kmalloc pool
 *                  of 64-byte elements
 *   dmapool:SIZE   N dma_pool_alloc()+dma_pool_free() pairs, a pool of
 *                  SIZE-byte blocks on the bench's platform device
 *   batch          allocate N kmalloc(64) objects, then free them all
 *   fill, drain    keep N kmalloc(64) objects live, or free the kept ones
 *   solo, smp      N kmalloc(64) pairs in one kthread on CPU 0, or in one
 *                  kthread per online CPU at once (NS: mean per CPU)
 *   samefree, xfree  N objects allocated on CPU 0, freed on CPU 0 or on
 *                  CPU 1 (NS: per free)
 *   ufree          N kmalloc(64) objects allocated by the raw copy (so
 *                  kmemguard never saw them), then freed by MODE's copy
 *                  (NS: per free): a free of an untracked pointer
 *   firstsite      N kmalloc(64) pairs at call sites no other case uses,
 *                  no warm-up: once after loading, the cost of a new site
 *   irqoff, atomic, call   N local_irq_save()/restore() pairs, N atomic
 *                  test_and_set_bit()/clear_bit() pairs, N calls of an
 *                  empty function: what the machine charges for the
 *                  primitives the tracked path is made of
 *
 * Each measurement but firstsite starts with a warm-up of N/10 operations
 * (at least 10).
 * With leak_on_exit=1 the kept objects are not freed at unload: a test of
 * kmemguard's report for a module that leaks a million objects. They are
 * leaked on purpose, so kmemleak is told not to report them: it would
 * bury every later scan of the boot under them.
 *
 * Notes on locking: kmg_bench_mutex serialises the measurements and guards
 * the kept objects and the last result.
 */

#define pr_fmt(fmt) "kmg_bench: " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/kmemleak.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "kmg_bench.h"

static DEFINE_MUTEX(kmg_bench_mutex);
static char kmg_bench_result[128];		/* kmg_bench_mutex */
static void **kmg_bench_kept;			/* kmg_bench_mutex */
static unsigned long kmg_bench_nkept;		/* kmg_bench_mutex */
static const struct kmg_bench_ops *kmg_bench_kept_ops;	/* kmg_bench_mutex */
static struct dentry *kmg_bench_dir;
static struct platform_device *kmg_bench_pdev;	/* dma: its device */
static bool leak_on_exit;
module_param(leak_on_exit, bool, 0644);
MODULE_PARM_DESC(leak_on_exit, "leave the objects kept by fill to kmemguard's leak report");

struct kmg_bench_case {
	const struct kmg_bench_ops *ops;
	char name[16];
	unsigned long arg;	/* size or order */
};

/* Run @n operations of case @c; 0 or a negative errno. */
static int kmg_bench_once(const struct kmg_bench_case *c, unsigned long n,
			  void **objs)
{
	int ret;

	if (!strcmp(c->name, "kmalloc"))
		return c->ops->kmalloc_pairs(c->arg, n);
	if (!strcmp(c->name, "cache"))
		return c->ops->cache_pairs(n);
	if (!strcmp(c->name, "pages"))
		return c->ops->page_pairs(c->arg, n);
	if (!strcmp(c->name, "vmalloc"))
		return c->ops->vmalloc_pairs(c->arg, n);
	if (!strcmp(c->name, "dma"))
		return c->ops->dma_pairs(&kmg_bench_pdev->dev, c->arg, n);
	if (!strcmp(c->name, "mempool"))
		return c->ops->mempool_pairs(n);
	if (!strcmp(c->name, "dmapool"))
		return c->ops->dmapool_pairs(&kmg_bench_pdev->dev, c->arg, n);
	if (!strcmp(c->name, "percpu"))
		return c->ops->percpu_pairs(c->arg, n);
	if (!strcmp(c->name, "batch")) {
		ret = c->ops->fill(objs, n);
		c->ops->drain(objs, n);	/* kfree(NULL) past a failure */
		return ret;
	}
	return -EINVAL;
}

/* The cost of the bare loop, to take off every measurement. */
static u64 kmg_bench_empty_ns(unsigned long n)
{
	u64 t = ktime_get_ns();
	unsigned long i;

	for (i = 0; i < n; i++)
		barrier();
	return ktime_get_ns() - t;
}

static noinline void kmg_bench_nothing(unsigned long *word)
{
	barrier();
}

/* @n of one primitive: 'i' interrupts off and on, 'a' an atomic pair, 'c' a call. */
static void kmg_bench_primitive(char what, unsigned long n)
{
	unsigned long flags, word = 0, i;

	for (i = 0; i < n; i++) {
		if (what == 'i') {
			local_irq_save(flags);
			local_irq_restore(flags);
		} else if (what == 'a') {
			test_and_set_bit(0, &word);
			clear_bit(0, &word);
		} else {
			kmg_bench_nothing(&word);
		}
	}
}

/* ns for @n operations of @c after a warm-up; or a negative errno. */
static s64 kmg_bench_measure(const struct kmg_bench_case *c, unsigned long n)
{
	void **objs = NULL;
	u64 t, empty;
	int ret;

	if (!strcmp(c->name, "irqoff") || !strcmp(c->name, "atomic") ||
	    !strcmp(c->name, "call")) {
		empty = kmg_bench_empty_ns(n);
		t = ktime_get_ns();
		kmg_bench_primitive(c->name[0], n);
		t = ktime_get_ns() - t;
		return t > empty ? t - empty : 0;
	}
	if (!strcmp(c->name, "firstsite")) {
		t = ktime_get_ns();
		ret = c->ops->first_pairs(n);
		t = ktime_get_ns() - t;
		return ret ?: t;
	}
	if (!strcmp(c->name, "batch") || !strcmp(c->name, "ufree")) {
		objs = kvcalloc(n, sizeof(*objs), GFP_KERNEL);
		if (!objs)
			return -ENOMEM;
	}
	if (!strcmp(c->name, "ufree")) {
		/* Allocated by the raw copy: kmemguard never saw them. */
		ret = kmg_bench_raw_ops.fill(objs, n);
		if (!ret) {
			empty = kmg_bench_empty_ns(n);
			t = ktime_get_ns();
			c->ops->drain(objs, n);
			t = ktime_get_ns() - t;
		} else {
			kmg_bench_raw_ops.drain(objs, n);
		}
		kvfree(objs);
		if (ret)
			return ret;
		return t > empty ? t - empty : 0;
	}
	ret = kmg_bench_once(c, max(n / 10, 10UL), objs);
	/*
	 * vfree() unmaps lazily: once 64 MiB of areas (8192 of 4 KiB with
	 * their guard pages) wait, a worker purges them all and flushes the
	 * TLB. Where that falls decides which of two runs measured in turn
	 * pays it, and a run of 2,000 pairs makes the pattern repeat every
	 * few rounds. Every run starts purged, so all pay the same purges:
	 * none at 4 KiB, as many as their frees reach at 64 KiB.
	 */
	if (!ret && !strcmp(c->name, "vmalloc"))
		vm_unmap_aliases();
	if (!ret) {
		empty = kmg_bench_empty_ns(n);
		t = ktime_get_ns();
		ret = kmg_bench_once(c, n, objs);
		t = ktime_get_ns() - t;
	}
	kvfree(objs);
	if (ret)
		return ret;
	return t > empty ? t - empty : 0;
}

/* === several CPUs ======================================================= */

struct kmg_bench_thread {
	const struct kmg_bench_ops *ops;
	unsigned long n;
	void **objs;		/* samefree/xfree: the objects */
	bool do_free;		/* samefree/xfree: free, not allocate */
	atomic_t *ready;	/* threads still to reach the start line */
	struct completion *go;	/* the start */
	struct completion done;
	u64 ns;
	int ret;
};

static int kmg_bench_thread_fn(void *arg)
{
	struct kmg_bench_thread *t = arg;
	u64 start;

	atomic_dec(t->ready);
	wait_for_completion(t->go);
	start = ktime_get_ns();
	if (t->objs && t->do_free) {
		t->ops->drain(t->objs, t->n);
		t->ret = 0;
	} else if (t->objs) {
		t->ret = t->ops->fill(t->objs, t->n);
	} else {
		t->ret = t->ops->kmalloc_pairs(64, t->n);
	}
	t->ns = ktime_get_ns() - start;
	complete(&t->done);
	return 0;
}

/*
 * Run one kthread per CPU in @cpus with the same job, started together.
 * Returns the mean ns per thread, or a negative errno.
 */
static s64 kmg_bench_threads(const struct kmg_bench_ops *ops,
			     const struct cpumask *cpus, unsigned long n,
			     void **objs, bool do_free)
{
	DECLARE_COMPLETION_ONSTACK(go);
	struct kmg_bench_thread *t;
	struct task_struct *task;
	unsigned int cpu, nr = 0, i;
	atomic_t ready;
	u64 sum = 0;
	int ret = 0;

	t = kcalloc(nr_cpu_ids, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	atomic_set(&ready, cpumask_weight(cpus));
	for_each_cpu(cpu, cpus) {
		t[nr] = (struct kmg_bench_thread){ .ops = ops, .n = n,
			.objs = objs, .do_free = do_free, .ready = &ready, .go = &go };
		init_completion(&t[nr].done);
		task = kthread_create_on_cpu(kmg_bench_thread_fn, &t[nr], cpu,
					     "kmg_bench/%u");
		if (IS_ERR(task)) {
			ret = PTR_ERR(task);
			atomic_dec(&ready);
			continue;
		}
		wake_up_process(task);
		nr++;
	}
	while (atomic_read(&ready) > 0)
		schedule_timeout_uninterruptible(1);
	complete_all(&go);
	for (i = 0; i < nr; i++) {
		wait_for_completion(&t[i].done);
		sum += t[i].ns;
		if (t[i].ret)
			ret = t[i].ret;
	}
	kfree(t);
	if (ret)
		return ret;
	return nr ? div_u64(sum, nr) : -ENODEV;
}

/* samefree/xfree: allocate @n on CPU 0, free them on @free_cpu. */
static s64 kmg_bench_cross(const struct kmg_bench_ops *ops, unsigned long n,
			   unsigned int free_cpu)
{
	void **objs;
	s64 ret;

	if (!cpu_online(0) || !cpu_online(free_cpu))
		return -ENODEV;
	objs = kvcalloc(n, sizeof(*objs), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	ret = kmg_bench_threads(ops, cpumask_of(0), n, objs, false);
	if (ret >= 0)
		ret = kmg_bench_threads(ops, cpumask_of(free_cpu), n, objs, true);
	else
		ops->drain(objs, n);
	kvfree(objs);
	return ret;
}

/* === the debugfs file =================================================== */

static s64 kmg_bench_run(const char *name, const struct kmg_bench_ops *ops,
			 unsigned long arg, unsigned long n)
{
	struct kmg_bench_case c = { .ops = ops, .arg = arg };
	s64 ret;

	if (!strcmp(name, "solo"))
		return kmg_bench_threads(ops, cpumask_of(0), n, NULL, false);
	if (!strcmp(name, "smp"))
		return kmg_bench_threads(ops, cpu_online_mask, n, NULL, false);
	if (!strcmp(name, "samefree"))
		return kmg_bench_cross(ops, n, 0);
	if (!strcmp(name, "xfree"))
		return kmg_bench_cross(ops, n, 1);
	if (!strcmp(name, "fill")) {
		if (kmg_bench_kept)
			return -EBUSY;
		kmg_bench_kept = kvcalloc(n, sizeof(void *), GFP_KERNEL);
		if (!kmg_bench_kept)
			return -ENOMEM;
		kmg_bench_nkept = n;
		kmg_bench_kept_ops = ops;
		ret = ops->fill(kmg_bench_kept, n);
		return ret ? ret : 0;
	}
	if (!strcmp(name, "drain")) {
		if (kmg_bench_kept) {
			kmg_bench_kept_ops->drain(kmg_bench_kept, kmg_bench_nkept);
			kvfree(kmg_bench_kept);
			kmg_bench_kept = NULL;
		}
		return 0;
	}
	strscpy(c.name, name, sizeof(c.name));
	return kmg_bench_measure(&c, n);
}

static ssize_t kmg_bench_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[64], name[16], mode[8], *colon;
	const struct kmg_bench_ops *ops;
	unsigned long n, arg = 0;
	s64 ns;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %7s %lu", name, mode, &n) != 3 || !n || n > 10000000)
		return -EINVAL;
	if (!strcmp(mode, "raw"))
		ops = &kmg_bench_raw_ops;
	else if (!strcmp(mode, "tracked"))
		ops = &kmg_bench_tracked_ops;
	else
		return -EINVAL;
	colon = strchr(name, ':');
	if (colon) {
		*colon = '\0';
		if (kstrtoul(colon + 1, 0, &arg) || arg > (1UL << 20))
			return -EINVAL;
	}
	mutex_lock(&kmg_bench_mutex);
	ns = kmg_bench_run(name, ops, arg, n);
	if (ns >= 0) {
		ns = div_u64(ns * 10, n);
		snprintf(kmg_bench_result, sizeof(kmg_bench_result),
			 "%s%s%s %s %lu %lld.%lld\n", name, colon ? ":" : "",
			 colon ? colon + 1 : "", mode, n, ns / 10, ns % 10);
	}
	mutex_unlock(&kmg_bench_mutex);
	return ns < 0 ? ns : len;
}

static ssize_t kmg_bench_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[sizeof(kmg_bench_result)];

	mutex_lock(&kmg_bench_mutex);
	strscpy(buf, kmg_bench_result, sizeof(buf));
	mutex_unlock(&kmg_bench_mutex);
	return simple_read_from_buffer(ubuf, len, ppos, buf, strlen(buf));
}

static const struct file_operations kmg_bench_fops = {
	.owner	= THIS_MODULE,
	.read	= kmg_bench_read,
	.write	= kmg_bench_write,
};

static int __init kmg_bench_init(void)
{
	kmg_bench_pdev = platform_device_register_simple("kmg_bench", -1, NULL, 0);
	if (IS_ERR(kmg_bench_pdev))
		return PTR_ERR(kmg_bench_pdev);
	if (dma_coerce_mask_and_coherent(&kmg_bench_pdev->dev, DMA_BIT_MASK(32))) {
		platform_device_unregister(kmg_bench_pdev);
		return -EIO;
	}
	kmg_bench_dir = debugfs_create_dir("kmg_bench", NULL);
	debugfs_create_file("run", 0600, kmg_bench_dir, NULL, &kmg_bench_fops);
	return 0;
}

static void __exit kmg_bench_exit(void)
{
	unsigned long i;

	debugfs_remove_recursive(kmg_bench_dir);
	if (kmg_bench_kept && !leak_on_exit)
		kmg_bench_kept_ops->drain(kmg_bench_kept, kmg_bench_nkept);
	if (kmg_bench_kept && leak_on_exit) {
		for (i = 0; i < kmg_bench_nkept; i++)
			kmemleak_not_leak(kmg_bench_kept[i]);
	}
	kvfree(kmg_bench_kept);
	kmg_bench_raw_ops.exit();
	kmg_bench_tracked_ops.exit();
	platform_device_unregister(kmg_bench_pdev);
}

module_init(kmg_bench_init);
module_exit(kmg_bench_exit);
MODULE_DESCRIPTION("kmemguard benchmark: raw versus tracked allocator calls");
MODULE_LICENSE("GPL");
