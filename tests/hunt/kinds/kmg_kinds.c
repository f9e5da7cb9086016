// SPDX-License-Identifier: GPL-2.0
/*
 * One kernel report of each kind the error-path hunter names, on purpose,
 * for tests/hunt/capture-logs: the console logs it captures are the parser's
 * test input (tests/hunt/logs/). Not opted in to kmemguard; never loaded by
 * `make test`.
 *
 *   insmod kmg_kinds.ko kind=warn|bug|oops|gpf|kasan|kfence|lockdep|sleep|
 *                            schedatomic|hung|softlockup|rcu
 *
 * Each kind but warn and lockdep leaves the kernel in a state only a reboot
 * repairs; init then fails (the module is not kept).
 */
#include <linux/delay.h>
#include <linux/kfence.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *kind = "warn";
module_param(kind, charp, 0444);
MODULE_PARM_DESC(kind, "which report to cause");

static unsigned int secs = 10;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "how long hung, softlockup and rcu last");

static DEFINE_MUTEX(kmg_kinds_a);
static DEFINE_MUTEX(kmg_kinds_b);
static DEFINE_SPINLOCK(kmg_kinds_lock);

static noinline void kmg_kinds_busy(unsigned int s)
{
	unsigned long end = jiffies + s * HZ;

	while (time_before(jiffies, end))
		cpu_relax();
}

static noinline int kmg_kinds_kasan(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	kfree(p);
	c = READ_ONCE(p[8]);
	return c ? -EINVAL : -EIO;
}

static noinline int kmg_kinds_kfence(void)
{
	char *p = NULL;
	int i;

	/* Allocate until KFENCE samples one (kfence.sample_interval=1). */
	for (i = 0; i < 20000; i++) {
		p = kmalloc(32, GFP_KERNEL);
		if (!p || is_kfence_address(p))
			break;
		kfree(p);
		p = NULL;
		usleep_range(100, 200);
	}
	if (!p)
		return -ENOENT;
	kfree(p);
	return READ_ONCE(p[4]) ? -EINVAL : -EIO;
}

static int __init kmg_kinds_init(void)
{
	if (!strcmp(kind, "warn")) {
		WARN_ON(1);
		return -EINVAL;
	}
	if (!strcmp(kind, "bug"))
		BUG();
	if (!strcmp(kind, "oops"))
		return READ_ONCE(*(int *)NULL);
	if (!strcmp(kind, "gpf"))
		return READ_ONCE(*(int *)0xdead000000000100UL);
	if (!strcmp(kind, "kasan"))
		return kmg_kinds_kasan();
	if (!strcmp(kind, "kfence"))
		return kmg_kinds_kfence();
	if (!strcmp(kind, "lockdep")) {
		mutex_lock(&kmg_kinds_a);
		mutex_lock(&kmg_kinds_b);
		mutex_unlock(&kmg_kinds_b);
		mutex_unlock(&kmg_kinds_a);
		mutex_lock(&kmg_kinds_b);
		mutex_lock(&kmg_kinds_a);
		mutex_unlock(&kmg_kinds_a);
		mutex_unlock(&kmg_kinds_b);
		return -EINVAL;
	}
	if (!strcmp(kind, "sleep")) {
		spin_lock(&kmg_kinds_lock);
		might_sleep();
		spin_unlock(&kmg_kinds_lock);
		return -EINVAL;
	}
	if (!strcmp(kind, "schedatomic")) {
		preempt_disable();
		schedule();
		preempt_enable();
		return -EINVAL;
	}
	if (!strcmp(kind, "hung")) {
		msleep(secs * 1000);
		return -EINVAL;
	}
	if (!strcmp(kind, "softlockup")) {
		preempt_disable();
		kmg_kinds_busy(secs);
		preempt_enable();
		return -EINVAL;
	}
	if (!strcmp(kind, "rcu")) {
		rcu_read_lock();
		preempt_disable();
		kmg_kinds_busy(secs);
		preempt_enable();
		rcu_read_unlock();
		return -EINVAL;
	}
	return -EINVAL;
}

module_init(kmg_kinds_init);
MODULE_DESCRIPTION("kmemguard test: one kernel report of each kind, for the hunt's parser");
MODULE_LICENSE("GPL");
