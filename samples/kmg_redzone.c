// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: writes past an object or uses it after its free, for
 * kmemguard's redzones, poison and guarded objects (load kmemguard with
 * redzone=kmg_redzone, or guard=kmg_redzone for the guarded variants).
 * bug= picks the bug:
 *
 *   byte       one byte written past a 10-byte kmalloc() object
 *   loop       an off-by-one loop: one int written past an array
 *   cache      one byte written past a slab-cache object
 *   vmalloc    one byte written past a vmalloc() area's 100 bytes
 *   uaf_write  a write to a kmalloc() object after its kfree()
 *   uaf_page   a write to a page after free_page()
 *   uaf_read   a read after kfree(): a guarded object faults at once
 *   guard_byte one byte written past a 64-byte object: a guarded object
 *              faults at once
 *   live       one byte past a 10-byte object the module keeps until it
 *              unloads (for "check" in control)
 *   leak       the same, never freed (checked when the module unloads)
 *
 * The bug runs in a kernel thread of its own, so that where kmemguard's
 * report of a guarded object is followed by the kernel's oops, the oops
 * kills that thread, not insmod, and the module still unloads.
 */
#include <linux/completion.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

static char *bug = "byte";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "byte, loop, cache, vmalloc, uaf_write, uaf_page, uaf_read, guard_byte, live or leak");

static DECLARE_COMPLETION(kmg_rz_started);
static char *kmg_rz_kept;

struct kmg_rz_obj {
	u64 a, b, c;
};

/* One byte past a 10-byte object. */
static noinline void kmg_rz_byte(void)
{
	size_t n = 10;
	char *p;

	p = kmalloc(n, GFP_KERNEL); /* KMG: rz-byte-alloc */
	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(n);
	memset(p, 'a', n);
	p[n] = 'x'; /* KMG: rz-byte-write */
	kfree(p); /* KMG: rz-byte-free */
	barrier();	/* no tail call: this function stays on the free's stack */
}

/* for (i = 0; i <= n; i++): one int too many. */
static noinline void kmg_rz_loop(void)
{
	unsigned int i, n = 8;
	int *a;

	a = kmalloc_array(n, sizeof(*a), GFP_KERNEL); /* KMG: rz-loop-alloc */
	if (!a)
		return;
	OPTIMIZER_HIDE_VAR(n);
	for (i = 0; i <= n; i++)
		a[i] = i; /* KMG: rz-loop-write */
	kfree(a); /* KMG: rz-loop-free */
	barrier();
}

/* One byte past an object of a slab cache. */
static noinline void kmg_rz_cache(void)
{
	struct kmem_cache *c;
	struct kmg_rz_obj *o;
	size_t n = sizeof(*o);

	c = KMEM_CACHE(kmg_rz_obj, 0);
	if (!c)
		return;
	o = kmem_cache_alloc(c, GFP_KERNEL); /* KMG: rz-cache-alloc */
	if (o) {
		OPTIMIZER_HIDE_VAR(n);
		((u8 *)o)[n] = 1; /* KMG: rz-cache-write */
		kmem_cache_free(c, o); /* KMG: rz-cache-free */
	}
	kmem_cache_destroy(c);
}

/* One byte past 100 bytes of vmalloc() memory. */
static noinline void kmg_rz_vmalloc(void)
{
	size_t n = 100;
	u8 *p;

	p = vmalloc(n); /* KMG: rz-vmalloc-alloc */
	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(n);
	p[n] = 1; /* KMG: rz-vmalloc-write */
	vfree(p); /* KMG: rz-vmalloc-free */
	barrier();
}

/* A write after kfree(): the quarantine holds the object, poisoned. */
static noinline void kmg_rz_uaf_write(void)
{
	u64 *p;

	p = kmalloc(64, GFP_KERNEL); /* KMG: rz-uaf_write-alloc */
	if (!p)
		return;
	kfree(p); /* KMG: rz-uaf_write-free */
	OPTIMIZER_HIDE_VAR(p);
	p[2] = 0x1234; /* KMG: rz-uaf_write-write */
}

/* A write to a page after it was freed. */
static noinline void kmg_rz_uaf_page(void)
{
	unsigned long a;

	a = __get_free_page(GFP_KERNEL); /* KMG: rz-uaf_page-alloc */
	if (!a)
		return;
	free_page(a); /* KMG: rz-uaf_page-free */
	OPTIMIZER_HIDE_VAR(a);
	((u8 *)a)[100] = 1; /* KMG: rz-uaf_page-write */
}

/* A read after kfree(). */
static noinline u64 kmg_rz_read_freed(u64 *p)
{
	return READ_ONCE(p[1]); /* KMG: rz-uaf_read-read */
}

static noinline void kmg_rz_uaf_read(void)
{
	u64 *p, v;

	p = kmalloc(64, GFP_KERNEL); /* KMG: rz-uaf_read-alloc */
	if (!p)
		return;
	kfree(p); /* KMG: rz-uaf_read-free */
	OPTIMIZER_HIDE_VAR(p);
	v = kmg_rz_read_freed(p);
	pr_info("kmg_redzone: read %llx after kfree()\n", v);
}

/* One byte past a 64-byte object. */
static noinline void kmg_rz_write_past(u8 *p, size_t n)
{
	WRITE_ONCE(p[n], 1); /* KMG: rz-guard_byte-write */
}

static noinline void kmg_rz_guard_byte(void)
{
	size_t n = 64;
	u8 *p;

	p = kmalloc(n, GFP_KERNEL); /* KMG: rz-guard_byte-alloc */
	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(n);
	kmg_rz_write_past(p, n);
	kfree(p); /* KMG: rz-guard_byte-free */
}

/* One byte past a 10-byte object that stays live (or leaks). */
static noinline void kmg_rz_live(void)
{
	size_t n = 10;

	kmg_rz_kept = kmalloc(n, GFP_KERNEL); /* KMG: rz-live-alloc */
	if (!kmg_rz_kept)
		return;
	OPTIMIZER_HIDE_VAR(n);
	kmg_rz_kept[n] = 'y'; /* KMG: rz-live-write */
}

static int kmg_rz_thread(void *data)
{
	complete(&kmg_rz_started);
	if (!strcmp(bug, "byte"))
		kmg_rz_byte();
	else if (!strcmp(bug, "loop"))
		kmg_rz_loop();
	else if (!strcmp(bug, "cache"))
		kmg_rz_cache();
	else if (!strcmp(bug, "vmalloc"))
		kmg_rz_vmalloc();
	else if (!strcmp(bug, "uaf_write"))
		kmg_rz_uaf_write();
	else if (!strcmp(bug, "uaf_page"))
		kmg_rz_uaf_page();
	else if (!strcmp(bug, "uaf_read"))
		kmg_rz_uaf_read();
	else if (!strcmp(bug, "guard_byte"))
		kmg_rz_guard_byte();
	else if (!strcmp(bug, "live") || !strcmp(bug, "leak"))
		kmg_rz_live();
	return 0;
}

static int __init kmg_redzone_init(void)
{
	struct task_struct *t;

	t = kthread_create(kmg_rz_thread, NULL, "kmg_redzone");
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	wake_up_process(t);
	/*
	 * Once it runs, kthread_stop() waits until it ends: by returning, or
	 * killed by an oops.
	 */
	wait_for_completion(&kmg_rz_started);
	kthread_stop(t);
	put_task_struct(t);
	return 0;
}

static void __exit kmg_redzone_exit(void)
{
	/* What the driver wrote past it is still there: nothing wrote to it. */
	if (kmg_rz_kept && !strcmp(bug, "live"))
		pr_info("kmg_redzone: the byte past the kept object: %#x\n",
			READ_ONCE(kmg_rz_kept[10]));
	if (strcmp(bug, "leak"))
		kfree(kmg_rz_kept); /* KMG: rz-live-free */
}

module_init(kmg_redzone_init);
module_exit(kmg_redzone_exit);
MODULE_DESCRIPTION("kmemguard sample: out-of-bounds and use-after-free");
MODULE_LICENSE("GPL");
