// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard's frees with no call site of their own: what kfree, kvfree,
 * kfree_sensitive, kfree_const, vfree and free_percpu mean in a tracked
 * driver when they are used as values (a function pointer handed to
 * devm_add_action(), a devlink region's destructor, a cleanup table) and
 * what __free(kfree) and the like run at the end of a scope. The header
 * makes each of those names the exported function below (kmemguard.h,
 * wrap.h); a direct call still goes through the same names' function-like
 * macros with its own site.
 *
 * Each does exactly what the direct call does (kmemguard_kfree() & co,
 * wrappers.c: the same checks, reports, quarantine), under a call site made
 * here from the address it was called from: one per calling instruction,
 * named "function+offset/size" (line 0: no source line is known) in the
 * module that code belongs to, or "kernel" for the kernel's own callers
 * (devres running a driver's action, devlink freeing a snapshot).
 *
 * Notes on lifetime and locking:
 * - Sites live in kmg_indirect_table (RCU hash, kmg_indirect_lock for
 *   writers). A site of a module is unhashed when the module goes (the
 *   notifier below; its code cannot call anything then), and kept on
 *   kmg_indirect_all until kmemguard exits, so that a reader still
 *   walking past it, and a free parked in NMI context naming it, never see
 *   freed memory. A kernel caller's site lives until exit.
 * - A site is made in any context but NMI (and, on PREEMPT_RT, but where
 *   nothing may allocate); there, when memory or the cap runs out, and for
 *   code of a module kmemguard has no site of yet, the free runs under
 *   kmg_indirect_fallback, which names no function.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kmg.h"

#define KMG_INDIRECT_BITS	8
/* Calling instructions given a site of their own, at most. */
#define KMG_INDIRECT_MAX	4096

struct kmg_indirect {
	struct hlist_node node;		/* kmg_indirect_table (RCU) */
	struct list_head all;		/* kmg_indirect_all, until exit */
	unsigned long ip;		/* immutable */
	struct kmemguard_site desc;	/* file, func into @names */
	char names[];
};

static struct hlist_head kmg_indirect_table[1 << KMG_INDIRECT_BITS];
static LIST_HEAD(kmg_indirect_all);		/* kmg_indirect_lock */
static unsigned int kmg_indirect_count;		/* kmg_indirect_lock */
static DEFINE_RAW_SPINLOCK(kmg_indirect_lock);

static struct kmemguard_site kmg_indirect_fallback = {
	.file = "?",
	.func = "(indirect free)",
};

/* The tracked module whose code holds @ip, or NULL (the kernel's). */
static struct module *kmg_indirect_module(unsigned long ip)
{
	struct module *mod = NULL;
	struct kmg_site *s;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &kmg_sites, node) {
		if (!READ_ONCE(s->gone) && s->mod && within_module(ip, s->mod)) {
			mod = s->mod;
			break;
		}
	}
	rcu_read_unlock();
	return mod;
}

static struct kmemguard_site *kmg_indirect_make(unsigned long ip)
{
	struct hlist_head *head = &kmg_indirect_table[hash_long(ip, KMG_INDIRECT_BITS)];
	struct kmg_indirect *e, *old;
	struct module *mod;
	unsigned long flags;
	size_t flen, fnlen;
	bool added = false;
	char *sym, *p;

	if (in_nmi() || (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()))
		return &kmg_indirect_fallback;
	mod = kmg_indirect_module(ip);
	/*
	 * Module code of a module kmemguard has no site of yet: a site keyed
	 * by this address could outlive the module and name another one.
	 */
	if (!mod && kmg_vmalloc_or_module_addr(ip))
		return &kmg_indirect_fallback;
	sym = kmalloc(KSYM_SYMBOL_LEN, GFP_ATOMIC | __GFP_NOWARN);
	if (!sym)
		return &kmg_indirect_fallback;
	sprint_symbol(sym, ip);
	p = strchr(sym, ' ');		/* " [module]" */
	if (p)
		*p = '\0';
	flen = strlen(sym) + 1;
	p = strchr(sym, '+');
	fnlen = (p ? p - sym : flen - 1) + 1;
	e = kzalloc(struct_size(e, names, flen + fnlen), GFP_ATOMIC | __GFP_NOWARN);
	if (!e) {
		kfree(sym);
		return &kmg_indirect_fallback;
	}
	memcpy(e->names, sym, flen);
	memcpy(e->names + flen, sym, fnlen - 1);
	kfree(sym);
	e->ip = ip;
	e->desc.file = e->names;
	e->desc.func = e->names + flen;
	e->desc.mod = mod;

	raw_spin_lock_irqsave(&kmg_indirect_lock, flags);
	hlist_for_each_entry(old, head, node) {
		if (old->ip == ip)
			break;
	}
	if (!old && kmg_indirect_count < KMG_INDIRECT_MAX) {
		kmg_indirect_count++;
		list_add(&e->all, &kmg_indirect_all);
		hlist_add_head_rcu(&e->node, head);
		added = true;
	}
	raw_spin_unlock_irqrestore(&kmg_indirect_lock, flags);
	if (!added) {
		kfree(e);
		return old ? &old->desc : &kmg_indirect_fallback;
	}
	return &e->desc;
}

/* The site of a free called from @ip, made on its first use. */
static struct kmemguard_site *kmg_indirect_site(unsigned long ip)
{
	struct hlist_head *head = &kmg_indirect_table[hash_long(ip, KMG_INDIRECT_BITS)];
	struct kmg_indirect *e;

	rcu_read_lock();
	hlist_for_each_entry_rcu(e, head, node) {
		if (e->ip == ip) {
			rcu_read_unlock();
			return &e->desc;
		}
	}
	rcu_read_unlock();
	return kmg_indirect_make(ip);
}

/*
 * The site of an indirect free of @p called from @ip. With kmemguard
 * disabled too the free goes through kmemguard_*(), which then returns at
 * once to the plain call: only there does a guarded object (guard.c) go
 * back to the guard pool, never to the allocator.
 */
static struct kmemguard_site *kmg_indirect_desc(const void *p,
						unsigned long ip)
{
	if (!kmg_tracking() || ZERO_OR_NULL_PTR(p))
		return &kmg_indirect_fallback;
	return kmg_indirect_site(ip);
}

void kmemguard_kfree_ptr(const void *p)
{
	kmemguard_kfree(kmg_indirect_desc(p, _RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_ptr);

void kmemguard_kvfree_ptr(const void *p)
{
	kmemguard_kvfree(kmg_indirect_desc(p, _RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_kvfree_ptr);

void kmemguard_kfree_sensitive_ptr(const void *p)
{
	kmemguard_kfree_sensitive(kmg_indirect_desc(p, _RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_sensitive_ptr);

void kmemguard_kfree_const_ptr(const void *p)
{
	kmemguard_kfree_const(kmg_indirect_desc(p, _RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_kfree_const_ptr);

void kmemguard_vfree_ptr(const void *p)
{
	kmemguard_vfree(kmg_indirect_desc(p, _RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_vfree_ptr);

void kmemguard_free_percpu_ptr(void __percpu *p)
{
	kmemguard_free_percpu(kmg_indirect_desc((const void __force *)p,
						_RET_IP_), p);
}
EXPORT_SYMBOL_GPL(kmemguard_free_percpu_ptr);

/* A module is going: its sites leave the table (its code runs no more). */
static int kmg_indirect_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	struct kmg_indirect *e;
	unsigned long flags;

	if (action != MODULE_STATE_GOING)
		return NOTIFY_OK;
	raw_spin_lock_irqsave(&kmg_indirect_lock, flags);
	list_for_each_entry(e, &kmg_indirect_all, all) {
		if (e->desc.mod == data && !hlist_unhashed(&e->node))
			hlist_del_init_rcu(&e->node);
	}
	raw_spin_unlock_irqrestore(&kmg_indirect_lock, flags);
	return NOTIFY_OK;
}

static struct notifier_block kmg_indirect_nb = {
	.notifier_call = kmg_indirect_notify,
};

int kmg_indirect_init(void)
{
	return register_module_notifier(&kmg_indirect_nb);
}

/* No tracked module is left, no free is parked: every site goes. */
void kmg_indirect_exit(void)
{
	struct kmg_indirect *e, *tmp;

	unregister_module_notifier(&kmg_indirect_nb);
	raw_spin_lock_irq(&kmg_indirect_lock);
	list_for_each_entry(e, &kmg_indirect_all, all)
		hlist_del_init_rcu(&e->node);
	raw_spin_unlock_irq(&kmg_indirect_lock);
	synchronize_rcu();
	list_for_each_entry_safe(e, tmp, &kmg_indirect_all, all)
		kfree(e);
	INIT_LIST_HEAD(&kmg_indirect_all);
	kmg_indirect_count = 0;
}
