// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose (ok=0), or correct (ok=1): allocations in contexts where
 * sleeping is forbidden. With ok=0 each makes a sleeping allocation
 * (GFP_KERNEL, vmalloc, kvmalloc) there and kmemguard reports
 * sleep-in-atomic; with ok=1 the same contexts use GFP_ATOMIC or GFP_NOWAIT
 * and nothing may be reported (on PREEMPT_RT: except where preemption or
 * interrupts are truly off, where no allocation at all is allowed).
 *
 * ctx=spinlock|irqsave|rwlock|raw_spinlock|rcu|bh|preempt|irqs_off|timer|
 *     tasklet|hardirq|vmalloc_lock|kvmalloc_lock, or process: no atomic context at all (there
 *     ok=1's GFP_ATOMIC is needless, which kmemguard.hints=1 points out);
 *     vmalloc_bh|vmalloc_timer: vmalloc() with bottom halves disabled, in a
 *     timer callback (kmemguard: NULL, no kernel BUG); destroy_lock:
 *     kmem_cache_destroy() under a spinlock (kmemguard: deferred)
 * keep=1 keeps the (repaired) allocation until unload, for the listings.
 */
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *ctx = "spinlock";
module_param(ctx, charp, 0444);
MODULE_PARM_DESC(ctx, "the atomic context to allocate in");
static bool ok;
module_param(ok, bool, 0444);
MODULE_PARM_DESC(ok, "use GFP_ATOMIC: the correct way");
static bool nowait;
module_param(nowait, bool, 0444);
MODULE_PARM_DESC(nowait, "with ok=1: GFP_NOWAIT instead of GFP_ATOMIC");

static bool keep;
module_param(keep, bool, 0444);
MODULE_PARM_DESC(keep, "keep the allocation until unload");

static DEFINE_SPINLOCK(kmg_atomic_lock);
static DEFINE_RAW_SPINLOCK(kmg_atomic_raw_lock);
static DEFINE_RWLOCK(kmg_atomic_rwlock);
static DECLARE_COMPLETION(kmg_atomic_done);
static void *kmg_atomic_kept;
static void *kmg_atomic_vmalloced;

static void kmg_atomic_alloc(void)
{
	void *p;

	if (ok && nowait)
		p = kzalloc(32, GFP_NOWAIT);
	else if (ok)
		p = kmalloc(64, GFP_ATOMIC); /* KMG: needless-atomic */
	else
		p = kmalloc(64, GFP_KERNEL); /* KMG: sleep-in-atomic */
	if (keep)
		kmg_atomic_kept = p;
	else
		kfree(p);
}

static void kmg_atomic_vmalloc_timer_fn(struct timer_list *t)
{
	if (!ok)
		kmg_atomic_vmalloced = vmalloc(PAGE_SIZE); /* KMG: sleep-in-atomic-vmalloc-timer */
	complete(&kmg_atomic_done);
}

static void kmg_atomic_timer_fn(struct timer_list *t)
{
	kmg_atomic_alloc();
	complete(&kmg_atomic_done);
}

static void kmg_atomic_tasklet_fn(struct tasklet_struct *t)
{
	kmg_atomic_alloc();
	complete(&kmg_atomic_done);
}

static void kmg_atomic_irq_work_fn(struct irq_work *w)
{
	kmg_atomic_alloc();
	complete(&kmg_atomic_done);
}

static int __init kmg_atomic_init(void)
{
	struct irq_work work = IRQ_WORK_INIT_HARD(kmg_atomic_irq_work_fn);
	struct tasklet_struct tasklet;
	struct timer_list timer;
	unsigned long flags;
	void *p;

	if (!strcmp(ctx, "process")) {
		kmg_atomic_alloc();
	} else if (!strcmp(ctx, "spinlock")) {
		spin_lock(&kmg_atomic_lock);
		kmg_atomic_alloc();
		spin_unlock(&kmg_atomic_lock);
	} else if (!strcmp(ctx, "irqsave")) {
		spin_lock_irqsave(&kmg_atomic_lock, flags);
		kmg_atomic_alloc();
		spin_unlock_irqrestore(&kmg_atomic_lock, flags);
	} else if (!strcmp(ctx, "rwlock")) {
		read_lock(&kmg_atomic_rwlock);
		kmg_atomic_alloc();
		read_unlock(&kmg_atomic_rwlock);
	} else if (!strcmp(ctx, "raw_spinlock")) {
		raw_spin_lock(&kmg_atomic_raw_lock);
		kmg_atomic_alloc();
		raw_spin_unlock(&kmg_atomic_raw_lock);
	} else if (!strcmp(ctx, "rcu")) {
		rcu_read_lock();
		kmg_atomic_alloc();
		rcu_read_unlock();
	} else if (!strcmp(ctx, "bh")) {
		local_bh_disable();
		kmg_atomic_alloc();
		local_bh_enable();
	} else if (!strcmp(ctx, "preempt")) {
		preempt_disable();
		kmg_atomic_alloc();
		preempt_enable();
	} else if (!strcmp(ctx, "irqs_off")) {
		local_irq_save(flags);
		kmg_atomic_alloc();
		local_irq_restore(flags);
	} else if (!strcmp(ctx, "timer")) {
		timer_setup_on_stack(&timer, kmg_atomic_timer_fn, 0);
		mod_timer(&timer, jiffies + 1);
		wait_for_completion(&kmg_atomic_done);
		del_timer_sync(&timer);
		destroy_timer_on_stack(&timer);
	} else if (!strcmp(ctx, "tasklet")) {
		tasklet_setup(&tasklet, kmg_atomic_tasklet_fn);
		tasklet_schedule(&tasklet);
		wait_for_completion(&kmg_atomic_done);
		tasklet_kill(&tasklet);
	} else if (!strcmp(ctx, "hardirq")) {
		irq_work_queue(&work);
		wait_for_completion(&kmg_atomic_done);
		irq_work_sync(&work);
	} else if (!strcmp(ctx, "vmalloc_lock")) {
		spin_lock(&kmg_atomic_lock);
		if (ok)
			p = NULL;	/* no atomic vmalloc(): allocate before */
		else
			p = vmalloc(PAGE_SIZE); /* KMG: sleep-in-atomic-vmalloc */
		spin_unlock(&kmg_atomic_lock);
		vfree(p);
	} else if (!strcmp(ctx, "vmalloc_bh")) {
		local_bh_disable();
		if (ok)
			p = NULL;	/* no atomic vmalloc(): allocate before */
		else
			p = vmalloc(PAGE_SIZE); /* KMG: sleep-in-atomic-vmalloc-bh */
		local_bh_enable();
		if (p)
			pr_err("kmg_atomic: vmalloc() with bottom halves disabled returned memory\n");
		vfree(p);
	} else if (!strcmp(ctx, "vmalloc_timer")) {
		timer_setup_on_stack(&timer, kmg_atomic_vmalloc_timer_fn, 0);
		mod_timer(&timer, jiffies + 1);
		wait_for_completion(&kmg_atomic_done);
		del_timer_sync(&timer);
		destroy_timer_on_stack(&timer);
		if (kmg_atomic_vmalloced)
			pr_err("kmg_atomic: vmalloc() in a timer returned memory\n");
		vfree(kmg_atomic_vmalloced);
	} else if (!strcmp(ctx, "destroy_lock")) {
		struct kmem_cache *c = kmem_cache_create("kmg_atomic", 40, 0, 0, NULL);

		if (!c)
			return -ENOMEM;
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p);
		if (ok) {
			kmem_cache_destroy(c);
		} else {
			spin_lock(&kmg_atomic_lock);
			kmem_cache_destroy(c); /* KMG: sleep-in-atomic-destroy */
			spin_unlock(&kmg_atomic_lock);
		}
	} else if (!strcmp(ctx, "kvmalloc_lock")) {
		spin_lock(&kmg_atomic_lock);
		if (ok)
			p = kvmalloc(128, GFP_ATOMIC);
		else
			p = kvmalloc(128, GFP_KERNEL); /* KMG: sleep-in-atomic-kvmalloc */
		spin_unlock(&kmg_atomic_lock);
		kvfree(p);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void __exit kmg_atomic_exit(void)
{
	kfree(kmg_atomic_kept);
}

module_init(kmg_atomic_init);
module_exit(kmg_atomic_exit);
MODULE_DESCRIPTION("kmemguard sample: allocations in atomic context");
MODULE_LICENSE("GPL");
