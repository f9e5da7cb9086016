// SPDX-License-Identifier: GPL-2.0
/*
 * Error-path hunting sample: a module that cannot be unloaded after one
 * failed allocation.
 *
 * A write to /sys/kernel/debug/kmg_hunt_pin/start runs a job: it pins the
 * module (try_module_get()) while the job exists, allocates the job, runs
 * it on the system workqueue and waits for it; the job allocates scratch
 * memory (a failure there is handled), then unpins the module. When the
 * job itself cannot be allocated, the write returns -ENOMEM without
 * module_put(): the module's reference count never drops and rmmod is
 * refused from then on. Exercised with two writes (four allocations), the
 * hunt must report "UNLOAD refused" at n = 1 and 3 of the exercise phase
 * (each in a fresh guest), and nothing with fixed=1.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <kmemguard.h>

static bool fixed;
module_param(fixed, bool, 0444);
MODULE_PARM_DESC(fixed, "unpin the module on the write's error path");

struct kmg_hunt_pin_job {
	struct work_struct work;
	int result;
};

static struct dentry *kmg_hunt_pin_dir;

static void kmg_hunt_pin_run(struct work_struct *work)
{
	struct kmg_hunt_pin_job *job = container_of(work, struct kmg_hunt_pin_job, work);
	void *scratch = kmalloc(512, GFP_KERNEL); /* KMG: pin-scratch */

	job->result = scratch ? 0 : -ENOMEM;
	kfree(scratch);
}

static ssize_t kmg_hunt_pin_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct kmg_hunt_pin_job *job;
	int ret;

	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	job = kzalloc(sizeof(*job), GFP_KERNEL); /* KMG: pin-job */
	if (!job) {
		if (fixed)
			module_put(THIS_MODULE);
		return -ENOMEM;
	}
	INIT_WORK(&job->work, kmg_hunt_pin_run);
	schedule_work(&job->work);
	flush_work(&job->work);
	ret = job->result;
	kfree(job);
	module_put(THIS_MODULE);
	return ret ? ret : count;
}

static const struct file_operations kmg_hunt_pin_fops = {
	.owner = THIS_MODULE,
	.write = kmg_hunt_pin_write,
};

static int __init kmg_hunt_pin_init(void)
{
	kmg_hunt_pin_dir = debugfs_create_dir("kmg_hunt_pin", NULL);
	debugfs_create_file("start", 0200, kmg_hunt_pin_dir, NULL, &kmg_hunt_pin_fops);
	return 0;
}

static void __exit kmg_hunt_pin_exit(void)
{
	debugfs_remove_recursive(kmg_hunt_pin_dir);
}

module_init(kmg_hunt_pin_init);
module_exit(kmg_hunt_pin_exit);
MODULE_DESCRIPTION("kmemguard sample: not unloadable after one failed allocation");
MODULE_LICENSE("GPL");
