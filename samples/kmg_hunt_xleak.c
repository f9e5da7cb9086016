// SPDX-License-Identifier: GPL-2.0
/*
 * Error-path hunting sample: a leak on an error path of a debugfs write,
 * so only in the exercise phase.
 *
 * Each write to /sys/kernel/debug/kmg_hunt_xleak/cmd allocates a request,
 * then a copy of the data written; when the copy cannot be allocated the
 * request is not freed. Exercised with three writes (six allocations),
 * the hunt must report the leak of the request at n = 2, 4 and 6 of the
 * exercise phase, nothing in init (which makes one allocation, handled),
 * and nothing with fixed=1.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <kmemguard.h>

static bool fixed;
module_param(fixed, bool, 0444);
MODULE_PARM_DESC(fixed, "free the request on the write's error path");

struct kmg_hunt_xleak_req {
	size_t len;
	char *data;
};

struct kmg_hunt_xleak_state {
	struct dentry *dir;
	unsigned long writes;
};

static struct kmg_hunt_xleak_state *state;

static ssize_t kmg_hunt_xleak_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct kmg_hunt_xleak_req *req;

	if (count > PAGE_SIZE)
		return -EINVAL;
	req = kzalloc(sizeof(*req), GFP_KERNEL); /* KMG: xleak-req */
	if (!req)
		return -ENOMEM;
	req->data = kmalloc(count + 1, GFP_KERNEL); /* KMG: xleak-data */
	if (!req->data) {
		if (fixed)
			kfree(req);
		return -ENOMEM;
	}
	if (copy_from_user(req->data, ubuf, count)) {
		kfree(req->data);
		kfree(req);
		return -EFAULT;
	}
	req->data[count] = '\0';
	req->len = count;
	state->writes++;
	kfree(req->data);
	kfree(req);
	return count;
}

static const struct file_operations kmg_hunt_xleak_fops = {
	.owner = THIS_MODULE,
	.write = kmg_hunt_xleak_write,
};

static int __init kmg_hunt_xleak_init(void)
{
	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;
	state->dir = debugfs_create_dir("kmg_hunt_xleak", NULL);
	debugfs_create_file("cmd", 0200, state->dir, NULL, &kmg_hunt_xleak_fops);
	return 0;
}

static void __exit kmg_hunt_xleak_exit(void)
{
	debugfs_remove_recursive(state->dir);
	kfree(state);
}

module_init(kmg_hunt_xleak_init);
module_exit(kmg_hunt_xleak_exit);
MODULE_DESCRIPTION("kmemguard sample: a leak on an error path of a debugfs write");
MODULE_LICENSE("GPL");
