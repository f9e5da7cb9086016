// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard stress: a correct driver that keeps kmemguard busy from every
 * context at once, for tests/guest/t-stress.sh. Loading it starts, for
 * `seconds` (or until unload), with a fixed `seed`:
 *
 * - one kthread per online CPU mixing kmalloc (1..8192 bytes), vmalloc (up to
 *   64 KiB), page (order 0..3) and cache allocations with GFP_KERNEL, putting
 *   each object in a shared slot table and freeing a random slot's object:
 *   objects are freed on other CPUs than they were allocated on;
 * - a timer per CPU (softirq) and an hrtimer per CPU (hard IRQ) that
 *   allocate with GFP_ATOMIC into the same table and free small objects
 *   from it; the timer also queues an irq_work (hard IRQ) that does the same.
 *
 * Every allocation may fail (t-stress.sh injects 5% failures): a failure is
 * counted and the work goes on. Unloading stops everything and frees every
 * object left, so kmemguard must report nothing at all.
 *
 * Notes on locking: kmg_stress_lock (irq-safe spinlock) protects the slot
 * table; objects are allocated before and freed after it is held, except in
 * interrupt context where only GFP_ATOMIC allocations and kfree/free_pages/
 * kmem_cache_free (never vfree) are made.
 */

#define pr_fmt(fmt) "kmg_stress: " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static unsigned int seconds = 60;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long to run (the unload stops it earlier)");
static unsigned int seed = 1;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "seed of every random choice");

#define KMG_STRESS_SLOTS 4096

enum kmg_stress_family { KMG_S_EMPTY, KMG_S_KMALLOC, KMG_S_VMALLOC, KMG_S_PAGES, KMG_S_CACHE };

struct kmg_stress_slot {
	void *p;		/* kmg_stress_lock */
	u8 family;		/* kmg_stress_lock */
	u8 order;		/* kmg_stress_lock */
};

struct kmg_stress_obj {
	u64 a[12];
};

static DEFINE_SPINLOCK(kmg_stress_lock);
static struct kmg_stress_slot *kmg_stress_slots;	/* kmg_stress_lock */
static struct kmem_cache *kmg_stress_cache;		/* set at init */
static unsigned long kmg_stress_end;			/* set at init, jiffies */
static atomic_long_t kmg_stress_ops, kmg_stress_failed;
static bool kmg_stress_stopping;			/* READ_ONCE/WRITE_ONCE */

struct kmg_stress_cpu {
	struct task_struct *thread;	/* set at init */
	struct timer_list timer;	/* softirq */
	struct hrtimer hrtimer;		/* hard IRQ */
	struct irq_work work;		/* hard IRQ, queued by the timer */
	struct rnd_state rnd;		/* the thread's own */
	struct rnd_state irq_rnd;	/* the CPU's interrupt handlers' */
};

static DEFINE_PER_CPU(struct kmg_stress_cpu, kmg_stress_cpus);

static void kmg_stress_free(void *p, u8 family, u8 order)
{
	switch (family) {
	case KMG_S_KMALLOC:
		kfree(p);
		break;
	case KMG_S_VMALLOC:
		vfree(p);
		break;
	case KMG_S_PAGES:
		free_pages((unsigned long)p, order);
		break;
	case KMG_S_CACHE:
		kmem_cache_free(kmg_stress_cache, p);
		break;
	}
}

/*
 * Put @p in slot @i, taking out what was there. Interrupt context may only
 * take out objects it can free there: if the slot holds vmalloc memory, the
 * new object is freed instead.
 */
static void kmg_stress_swap(unsigned int i, void *p, u8 family, u8 order,
			    bool in_irq_ctx)
{
	struct kmg_stress_slot old;
	unsigned long flags;

	spin_lock_irqsave(&kmg_stress_lock, flags);
	old = kmg_stress_slots[i];
	if (in_irq_ctx && old.family == KMG_S_VMALLOC) {
		spin_unlock_irqrestore(&kmg_stress_lock, flags);
		kmg_stress_free(p, family, order);
		return;
	}
	kmg_stress_slots[i] = (struct kmg_stress_slot){ p, family, order };
	spin_unlock_irqrestore(&kmg_stress_lock, flags);
	kmg_stress_free(old.p, old.family, old.order);
}

/* One allocation of a random family (GFP_ATOMIC ones only if @atomic). */
static void kmg_stress_one(struct rnd_state *rnd, bool atomic)
{
	u32 r = prandom_u32_state(rnd);
	gfp_t gfp = atomic ? GFP_ATOMIC : GFP_KERNEL;
	unsigned int slot = r % KMG_STRESS_SLOTS;
	u8 family = atomic ? 1 + (r >> 12) % 2 * 3 : 1 + (r >> 12) % 4;
	u8 order = 0;
	void *p = NULL;

	switch (family) {
	case KMG_S_KMALLOC:
		p = kmalloc(1 + (r >> 16) % (atomic ? 512 : 8192), gfp);
		break;
	case KMG_S_VMALLOC:
		p = vmalloc(1 + (r >> 16) % 65536);
		break;
	case KMG_S_PAGES:
		order = (r >> 16) % 4;
		p = (void *)__get_free_pages(gfp, order);
		break;
	case KMG_S_CACHE:
		p = kmem_cache_alloc(kmg_stress_cache, gfp);
		break;
	}
	atomic_long_inc(&kmg_stress_ops);
	if (!p) {
		atomic_long_inc(&kmg_stress_failed);
		return;
	}
	kmg_stress_swap(slot, p, family, order, atomic);
}

static bool kmg_stress_running(void)
{
	return !READ_ONCE(kmg_stress_stopping) &&
	       time_before(jiffies, kmg_stress_end);
}

static int kmg_stress_thread(void *arg)
{
	struct kmg_stress_cpu *c = arg;
	unsigned int n = 0;

	while (!kthread_should_stop()) {
		if (kmg_stress_running()) {
			kmg_stress_one(&c->rnd, false);
			if (!(++n & 31))
				cond_resched();
		} else {
			msleep_interruptible(20);
		}
	}
	return 0;
}

static void kmg_stress_irq_work(struct irq_work *w)
{
	struct kmg_stress_cpu *c = container_of(w, struct kmg_stress_cpu, work);

	kmg_stress_one(&c->irq_rnd, true);
}

static void kmg_stress_timer(struct timer_list *t)
{
	struct kmg_stress_cpu *c = from_timer(c, t, timer);

	kmg_stress_one(&c->irq_rnd, true);
	irq_work_queue(&c->work);
	if (kmg_stress_running())
		mod_timer(&c->timer, jiffies + 1);
}

static enum hrtimer_restart kmg_stress_hrtimer(struct hrtimer *t)
{
	struct kmg_stress_cpu *c = container_of(t, struct kmg_stress_cpu, hrtimer);

	kmg_stress_one(&c->irq_rnd, true);
	if (!kmg_stress_running())
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ms_to_ktime(2));
	return HRTIMER_RESTART;
}

/* Runs on each CPU: the per-CPU timers must be started there. */
static void kmg_stress_start_timers(void *unused)
{
	struct kmg_stress_cpu *c = this_cpu_ptr(&kmg_stress_cpus);

	mod_timer(&c->timer, jiffies + 1);
	hrtimer_start(&c->hrtimer, ms_to_ktime(2), HRTIMER_MODE_REL_PINNED);
}

static int __init kmg_stress_init(void)
{
	struct kmg_stress_cpu *c;
	unsigned int cpu;

	kmg_stress_slots = vzalloc(array_size(KMG_STRESS_SLOTS, sizeof(*kmg_stress_slots)));
	if (!kmg_stress_slots)
		return -ENOMEM;
	kmg_stress_cache = KMEM_CACHE(kmg_stress_obj, 0);
	if (!kmg_stress_cache) {
		vfree(kmg_stress_slots);
		return -ENOMEM;
	}
	kmg_stress_end = jiffies + seconds * HZ;
	for_each_online_cpu(cpu) {
		c = per_cpu_ptr(&kmg_stress_cpus, cpu);
		prandom_seed_state(&c->rnd, seed * 1000 + cpu);
		prandom_seed_state(&c->irq_rnd, seed * 1000 + 500 + cpu);
		timer_setup(&c->timer, kmg_stress_timer, TIMER_PINNED);
		hrtimer_init(&c->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
		c->hrtimer.function = kmg_stress_hrtimer;
		init_irq_work(&c->work, kmg_stress_irq_work);
		c->thread = kthread_create_on_cpu(kmg_stress_thread, c, cpu, "kmg_stress/%u");
		if (!IS_ERR(c->thread))
			wake_up_process(c->thread);
	}
	on_each_cpu(kmg_stress_start_timers, NULL, 1);
	return 0;
}

static void __exit kmg_stress_exit(void)
{
	struct kmg_stress_cpu *c;
	unsigned int cpu, i;

	WRITE_ONCE(kmg_stress_stopping, true);
	for_each_online_cpu(cpu) {
		c = per_cpu_ptr(&kmg_stress_cpus, cpu);
		if (!IS_ERR_OR_NULL(c->thread))
			kthread_stop(c->thread);
		del_timer_sync(&c->timer);
		hrtimer_cancel(&c->hrtimer);
		irq_work_sync(&c->work);
	}
	for (i = 0; i < KMG_STRESS_SLOTS; i++)
		kmg_stress_free(kmg_stress_slots[i].p, kmg_stress_slots[i].family,
				kmg_stress_slots[i].order);
	kmem_cache_destroy(kmg_stress_cache);
	vfree(kmg_stress_slots);
	pr_info("%ld allocations, %ld failed\n", atomic_long_read(&kmg_stress_ops),
		atomic_long_read(&kmg_stress_failed));
}

module_init(kmg_stress_init);
module_exit(kmg_stress_exit);
MODULE_DESCRIPTION("kmemguard stress: every family, every context, every CPU");
MODULE_LICENSE("GPL");
