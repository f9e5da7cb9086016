// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard guarded objects. An object allocated at a guarded site (the
 * rules "guard=MODULE" and "guard=MODULE:FILE:LINE", redzone.c) lives alone
 * in a page of kmemguard's guard pool, its end against the next page, which
 * is never mapped; once it is freed its own page is unmapped for as long as
 * the quarantine holds it. The first access past its end, or to it after
 * its free, faults at once, as under KFENCE, and kmemguard names the
 * object, the access's offset and the object's stacks before the kernel's
 * oops.
 *
 * The pool is one vmap() area, made the first time a guard rule is set:
 *
 *   | guard | slot 0 | guard | slot 1 | guard | ... | slot N-1 | guard |
 *
 * each slot's page backed by a page of its own, every guard page (and the
 * page of a slot not in use) unmapped: vmap() maps them all, then their
 * page table entries are cleared. The tables themselves stay, so mapping a
 * slot again never allocates and works in any context. Stock kernels
 * export no set_memory_np() to modules, but lookup_address() finds the
 * entries of kmemguard's own area.
 *
 * The fault: a module cannot hook the page fault handler, but it can put a
 * kprobe on page_fault_oops(), which the x86 handler calls for a
 * kernel-mode access it cannot fix up, before it prints anything (KFENCE's
 * own hook is in that function). Without kprobes a die notifier reports
 * during the oops instead, after the register dump. kmemguard reports and
 * lets the oops go on: the access cannot be completed.
 *
 * Notes on locking:
 * - kmg_guard_lock (raw, irq-safe: guarded objects are allocated and freed
 *   in any context but NMI) protects the FIFO of free slots and each
 *   slot's state. A slot freed first is reused first, so that a freed
 *   object's page stays unmapped as long as possible.
 * - A slot's page is mapped and unmapped outside the lock by whoever owns
 *   the slot: the allocation that took it, the free that holds or releases
 *   it. A slot goes back to the FIFO only once its page is unmapped.
 * - Lock order: a bucket lock (record.c: eviction gives memory back under
 *   it), then kmg_guard_lock.
 * - The fault hook reads a slot's object address with READ_ONCE() and the
 *   record from the table with a trylock of its bucket lock: the fault may
 *   come from a CPU that holds it, or in NMI (then the report names the
 *   object without its stacks). kmemguard's own checks read slot pages
 *   with copy_from_kernel_nofault() only (redzone.c).
 * - TLB: an unmapped page is flushed from this CPU's TLB at once, and the
 *   other CPUs are sent an IPI that flushes theirs, without waiting for it
 *   (a free must stay cheap), where the free may send one: preemptible
 *   task context, so that it holds no spinlock another CPU may spin for
 *   with interrupts off (kmg_guard_flush()). A CPU that used the object
 *   in its last moments may keep a stale entry until that IPI lands, or,
 *   after a free where none may be sent (interrupts off, a softirq), for
 *   a while; an access from there does not fault.
 *   (KFENCE only ever flushes the local TLB.)
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/kdebug.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/tlbflush.h>
#include <asm/trap_pf.h>
#include <asm/traps.h>

#include "kmg.h"

#define KMG_GUARD_SLOTS_MAX	4096

enum kmg_gslot_state {
	KMG_GSLOT_FREE,		/* in the FIFO, page unmapped */
	KMG_GSLOT_LIVE,		/* allocated, page mapped */
	KMG_GSLOT_HELD,		/* freed, in the quarantine, page unmapped */
};

/**
 * struct kmg_gslot - one page of the guard pool
 * @obj:	the object in it: set when it is allocated, kept after its free
 *		so that a late access still finds it (READ_ONCE() in the hook)
 * @size:	its size
 * @state:	enum kmg_gslot_state (kmg_guard_lock)
 * @pte:	the page table entry of the slot's page (immutable)
 * @mapped:	the entry's value that maps the slot's page (immutable)
 * @page:	the slot's page (immutable)
 */
struct kmg_gslot {
	unsigned long obj;
	unsigned int size;
	u8 state;
	pte_t *pte;
	pte_t mapped;
	struct page *page;
};

DEFINE_STATIC_KEY_FALSE(kmg_guard_key);
unsigned long kmg_guard_start, kmg_guard_size;

static unsigned int kmg_guard_slots = 256;	/* load time only */
static void *kmg_guard_area;			/* set up once, setup mutex */
static struct kmg_gslot *kmg_gslots;
static unsigned int kmg_gnr;			/* slots in the pool */
static unsigned int *kmg_gfifo;			/* kmg_guard_lock */
static unsigned int kmg_gfifo_head, kmg_gfifo_count;	/* kmg_guard_lock */
static struct page *kmg_gdummy;			/* what vmap() maps at guards */
static DEFINE_RAW_SPINLOCK(kmg_guard_lock);
static DEFINE_MUTEX(kmg_guard_setup_mutex);
static bool kmg_guard_kprobe_on, kmg_guard_die_on;	/* setup mutex */

static int kmg_param_set_slots(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v || v > KMG_GUARD_SLOTS_MAX) {
		pr_warn("guard_slots: must be 1..%u\n", KMG_GUARD_SLOTS_MAX);
		return -EINVAL;
	}
	WRITE_ONCE(kmg_guard_slots, v);
	return 0;
}

static const struct kernel_param_ops kmg_slots_ops = {
	.set = kmg_param_set_slots,
	.get = param_get_uint,
};
module_param_cb(guard_slots, &kmg_slots_ops, &kmg_guard_slots, 0444);
MODULE_PARM_DESC(guard_slots, "Objects the guard pool holds, live or freed, one page each, 1..4096 (default 256; load time only)");

static unsigned long kmg_gslot_page(unsigned int i)
{
	return kmg_guard_start + (2 * i + 1) * PAGE_SIZE;
}

/* The slot whose page holds @p, an address of a slot page. */
static struct kmg_gslot *kmg_gslot_of(const void *p)
{
	unsigned long pg = ((unsigned long)p - kmg_guard_start) >> PAGE_SHIFT;

	if (!kmg_guard_addr(p))
		return NULL;
	return pg & 1 ? &kmg_gslots[pg >> 1] : NULL;
}

/* === TLB ================================================================= */

/*
 * One page out of this CPU's TLB: the paravirt operation, which modules
 * can call (every Debian kernel has CONFIG_PARAVIRT); without it the
 * kernel exports nothing narrower than the whole TLB to modules.
 */
static void kmg_flush_tlb_one(unsigned long addr)
{
#ifdef CONFIG_PARAVIRT
	__flush_tlb_one_user(addr);
#else
	__flush_tlb_all();
#endif
}

/*
 * This CPU forgets the translation of @info, a page of the pool. Without
 * PTI kernel mappings are global and INVLPG drops them from every address
 * space; with PTI each address space has its own (flush_tlb_one_kernel()
 * marks the others for a flush, through per-CPU state modules cannot
 * reach), so everything goes.
 */
static void kmg_guard_flush_cpu(void *info)
{
	if (boot_cpu_has(X86_FEATURE_PTI))
		__flush_tlb_all();
	else
		kmg_flush_tlb_one((unsigned long)info);
}

/*
 * The page at @addr was unmapped: no CPU may keep a stale translation.
 * The other CPUs get an IPI only where this one can hold no spinlock
 * (preemptible: task context, interrupts on, preemption on): even without
 * waiting, smp_call_function() waits for a target to have handled the
 * previous request, and a target spinning, interrupts off, for a lock
 * the freeing driver holds never would: a deadlock. Elsewhere only
 * this CPU's TLB is flushed. in_task() too: on PREEMPT_RT a softirq (an
 * hrtimer's callback freeing a driver's object) runs preemptible in its
 * thread, and smp_call_function() WARNs outside task context.
 */
static void kmg_guard_flush(unsigned long addr)
{
	bool ipi = preemptible() && in_task();

	preempt_disable();
	kmg_guard_flush_cpu((void *)addr);
	if (ipi)
		smp_call_function(kmg_guard_flush_cpu, (void *)addr, 0);
	preempt_enable();
}

/* The whole pool, once, at its setup: every CPU, waiting for them. */
static void kmg_guard_flush_all_cpu(void *unused)
{
	__flush_tlb_all();
}

/* === Slots =============================================================== */

/**
 * kmg_guard_alloc() - a guarded object of @size bytes, aligned to @align
 * @size:	1..PAGE_SIZE
 * @align:	a power of two
 *
 * Its end is as close to the next (unmapped) page as @align allows; the
 * bytes before and after it in its page are redzone (KMG_RZ_BYTE), the
 * object is zeroed. Context: any but NMI. Return: the object, or NULL if
 * there is no pool or no free slot.
 */
void *kmg_guard_alloc(size_t size, unsigned int align)
{
	struct kmg_gslot *slot;
	unsigned long flags, page, obj;
	unsigned int i;

	if (!size || size > PAGE_SIZE || !static_branch_unlikely(&kmg_guard_key))
		return NULL;
	raw_spin_lock_irqsave(&kmg_guard_lock, flags);
	if (!kmg_gfifo_count) {
		raw_spin_unlock_irqrestore(&kmg_guard_lock, flags);
		return NULL;
	}
	i = kmg_gfifo[kmg_gfifo_head];
	kmg_gfifo_head = (kmg_gfifo_head + 1) % kmg_gnr;
	kmg_gfifo_count--;
	slot = &kmg_gslots[i];
	slot->state = KMG_GSLOT_LIVE;
	raw_spin_unlock_irqrestore(&kmg_guard_lock, flags);

	/* Not present before: nothing to flush. */
	page = kmg_gslot_page(i);
	set_pte(slot->pte, slot->mapped);
	obj = page + ALIGN_DOWN(PAGE_SIZE - size, align);
	memset((void *)page, KMG_RZ_BYTE, obj - page);
	memset((void *)obj, 0, size);
	memset((void *)(obj + size), KMG_RZ_BYTE, page + PAGE_SIZE - obj - size);
	WRITE_ONCE(slot->size, size);
	WRITE_ONCE(slot->obj, obj);
	return (void *)obj;
}

/* Unmap @slot's page, wiped first (a kfree_sensitive() too). */
static void kmg_gslot_unmap(struct kmg_gslot *slot, unsigned int i)
{
	unsigned long page = kmg_gslot_page(i);

	memset((void *)page, KMG_POISON_BYTE, PAGE_SIZE);
	pte_clear(&init_mm, page, slot->pte);
	kmg_guard_flush(page);
}

/* A freed guarded object goes into the quarantine: its page is unmapped. */
void kmg_guard_hold(const void *p)
{
	struct kmg_gslot *slot = kmg_gslot_of(p);
	unsigned long flags;

	if (WARN_ON_ONCE(!slot))
		return;
	kmg_gslot_unmap(slot, slot - kmg_gslots);
	raw_spin_lock_irqsave(&kmg_guard_lock, flags);
	slot->state = KMG_GSLOT_HELD;
	raw_spin_unlock_irqrestore(&kmg_guard_lock, flags);
}

/*
 * The slot of @p is free again (the object left the quarantine, or was
 * freed without being held). Context: any but NMI, a bucket lock may be
 * held (then the object was held: its page is unmapped already).
 */
void kmg_guard_release(const void *p)
{
	struct kmg_gslot *slot = kmg_gslot_of(p);
	unsigned int i;
	unsigned long flags;

	if (WARN_ON_ONCE(!slot))
		return;
	i = slot - kmg_gslots;
	if (READ_ONCE(slot->state) == KMG_GSLOT_LIVE)
		kmg_gslot_unmap(slot, i);
	raw_spin_lock_irqsave(&kmg_guard_lock, flags);
	if (!WARN_ON_ONCE(slot->state == KMG_GSLOT_FREE)) {
		slot->state = KMG_GSLOT_FREE;
		kmg_gfifo[(kmg_gfifo_head + kmg_gfifo_count) % kmg_gnr] = i;
		kmg_gfifo_count++;
	}
	raw_spin_unlock_irqrestore(&kmg_guard_lock, flags);
}

/* Is @p a live guarded object (its start)? Then its slot. */
static struct kmg_gslot *kmg_gslot_live(const void *p)
{
	struct kmg_gslot *slot = kmg_gslot_of(p);

	if (!slot || READ_ONCE(slot->obj) != (unsigned long)p ||
	    READ_ONCE(slot->state) != KMG_GSLOT_LIVE)
		return NULL;
	return slot;
}

/* Is @p the start of a live guarded object? */
bool kmg_guard_live(const void *p)
{
	return kmg_gslot_live(p);
}

/**
 * kmg_guard_passthrough() - a free of @p that kmemguard does not track
 * @p:		what the driver freed
 * @api:	how
 *
 * kmemguard was disabled (records dropped) or did not know @p: memory of
 * the guard pool must never reach the allocator's free calls.
 *
 * Return: 0 if @p is not in the pool; 1 if it was a live guarded object,
 * now given back; -1 if it is in the pool but no live object starts there,
 * or in NMI context, where the pool's lock cannot be taken (nothing done:
 * kept, a leak).
 */
int kmg_guard_passthrough(const void *p, enum kmg_free_api api)
{
	struct kmg_record copy = {};

	if (!kmg_guard_addr(p))
		return 0;
	if (in_nmi() || !kmg_gslot_live(p))
		return -1;
	if (api == KMG_FREE_RCU) {
		/* Readers may still look at it until a grace period ends. */
		copy.addr = (unsigned long)p;
		copy.family = KMG_FAM_KMALLOC;
		kmg_release_after_gp(&copy);
	} else {
		kmg_guard_release(p);
	}
	return 1;
}

/* krealloc() of a guarded object kmemguard does not track (disabled). */
void *kmg_guard_krealloc(const void *p, size_t size, gfp_t gfp)
{
	void *ret;

	if (!kmg_gslot_live(p))
		return NULL;	/* not an object: refused */
	if (!size) {
		/* krealloc(p, 0) is kfree(p): the slot goes back. */
		kmg_guard_release(p);
		return ZERO_SIZE_PTR;
	}
	ret = kmg_raw_kmalloc_node(size, gfp, NUMA_NO_NODE);
	if (!ret)
		return NULL;
	memcpy(ret, p, min_t(size_t, size, PAGE_SIZE - offset_in_page(p)));
	kmg_guard_release(p);
	return ret;
}

/*
 * Is @p inside a live guarded object (not at its start)? Its record is
 * copied to @copy. For frees kmemguard does not know.
 */
bool kmg_guard_find(const void *p, struct kmg_record *copy)
{
	struct kmg_gslot *slot = kmg_gslot_of(p);
	unsigned long obj;

	if (!slot || READ_ONCE(slot->state) != KMG_GSLOT_LIVE)
		return false;
	obj = READ_ONCE(slot->obj);
	return kmg_table_find_exact(obj, copy) &&
	       (unsigned long)p - obj < copy->size;
}

/* === The fault =========================================================== */

/*
 * A kernel-mode access to @addr faulted and nothing fixes it up: if it is
 * in the pool, report the guarded object it concerns. Any context; the
 * oops follows.
 */
static void kmg_guard_fault(unsigned long addr, unsigned long error_code,
			    struct pt_regs *regs)
{
	unsigned long pg, obj;
	struct kmg_record rec;
	struct kmg_gslot *slot;
	enum kmg_bug bug;
	unsigned int i;
	bool found;

	if (!kmg_guard_addr((void *)addr) || user_mode(regs))
		return;
	pg = (addr - kmg_guard_start) >> PAGE_SHIFT;
	if (pg & 1) {
		/* A slot's own page, unmapped: its object was freed. */
		i = pg >> 1;
		bug = KMG_BUG_UAF;
	} else {
		/*
		 * A guard page: past the end of the slot before it, or before
		 * the start of the one after it, whichever is nearer.
		 */
		i = pg >> 1;
		if (i == kmg_gnr || (i && offset_in_page(addr) < PAGE_SIZE / 2))
			i--;
		bug = KMG_BUG_SLAB_OOB;
	}
	slot = &kmg_gslots[i];
	obj = READ_ONCE(slot->obj);
	rcu_read_lock();
	/* Never waits: this CPU may hold the bucket lock, or be in NMI. */
	found = obj && kmg_table_find_exact_try(obj, &rec);
	kmg_report_guard_fault(bug, found ? &rec : NULL, addr, obj,
			       READ_ONCE(slot->size), error_code & X86_PF_WRITE,
			       regs);
	rcu_read_unlock();
}

#ifdef CONFIG_KPROBES
/* page_fault_oops(regs, error_code, address), at its first instruction. */
static int kmg_guard_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	kmg_guard_fault(regs_get_kernel_argument(regs, 2),
			regs_get_kernel_argument(regs, 1),
			(struct pt_regs *)regs_get_kernel_argument(regs, 0));
	return 0;
}

static struct kprobe kmg_guard_kprobe = {
	.symbol_name	= "page_fault_oops",
	.pre_handler	= kmg_guard_kprobe_pre,
};

static int kmg_guard_kprobe_register(void)
{
	return register_kprobe(&kmg_guard_kprobe);
}

static void kmg_guard_kprobe_unregister(void)
{
	unregister_kprobe(&kmg_guard_kprobe);
}
#else
static int kmg_guard_kprobe_register(void)
{
	return -EOPNOTSUPP;
}

static void kmg_guard_kprobe_unregister(void)
{
}
#endif

/* Without kprobes: during the oops, after the kernel's register dump. */
static int kmg_guard_die(struct notifier_block *nb, unsigned long val,
			 void *data)
{
	struct die_args *args = data;

	if (val == DIE_OOPS && args->trapnr == X86_TRAP_PF)
		kmg_guard_fault(read_cr2(), args->err, args->regs);
	return NOTIFY_DONE;
}

static struct notifier_block kmg_guard_die_nb = {
	.notifier_call = kmg_guard_die,
};

/* === Setup and exit ====================================================== */

/* Give back what a setup made; slots[i].page set for i < @pages. */
static void kmg_guard_free_parts(struct kmg_gslot *slots, unsigned int pages,
				 unsigned int *fifo, struct page *dummy)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		__free_page(slots[i].page);
	if (dummy)
		__free_page(dummy);
	kvfree(fifo);
	kvfree(slots);
}

/* Unmap the page at @addr of the new pool; its entry to @pte, @old. */
static int kmg_guard_unmap_new(unsigned long addr, pte_t **pte, pte_t *old)
{
	unsigned int level;

	*pte = lookup_address(addr, &level);
	if (!*pte || level != PG_LEVEL_4K)
		return -EFAULT;
	*old = ptep_get(*pte);
	pte_clear(&init_mm, addr, *pte);
	return 0;
}

/**
 * kmg_guard_setup() - make the guard pool, if there is none yet
 *
 * Context: process, may sleep. Return: 0, or -errno (then guarded sites
 * get redzones only).
 */
int kmg_guard_setup(void)
{
	unsigned int n, i, pages;
	struct page **map = NULL, *dummy = NULL;
	struct kmg_gslot *slots = NULL;
	unsigned int *fifo = NULL;
	unsigned long start;
	void *area = NULL;
	pte_t *pte, old;
	int ret = -ENOMEM;

	mutex_lock(&kmg_guard_setup_mutex);
	if (kmg_guard_area) {
		mutex_unlock(&kmg_guard_setup_mutex);
		return 0;
	}
	n = READ_ONCE(kmg_guard_slots);
	pages = 0;
	slots = kvcalloc(n, sizeof(*slots), GFP_KERNEL);
	fifo = kvcalloc(n, sizeof(*fifo), GFP_KERNEL);
	map = kvcalloc(2 * n + 1, sizeof(*map), GFP_KERNEL);
	dummy = alloc_page(GFP_KERNEL);
	if (!slots || !fifo || !map || !dummy)
		goto fail;
	for (; pages < n; pages++) {
		slots[pages].page = alloc_page(GFP_KERNEL);
		if (!slots[pages].page)
			goto fail;
	}
	for (i = 0; i < 2 * n + 1; i++)
		map[i] = i & 1 ? slots[i >> 1].page : dummy;
	area = vmap(map, 2 * n + 1, VM_MAP, PAGE_KERNEL);
	if (!area)
		goto fail;
	start = (unsigned long)area;
	ret = 0;
	for (i = 0; i < 2 * n + 1 && !ret; i++) {
		ret = kmg_guard_unmap_new(start + i * PAGE_SIZE, &pte, &old);
		if (!ret && (i & 1)) {
			slots[i >> 1].pte = pte;
			slots[i >> 1].mapped = old;
		}
	}
	if (ret) {
		pr_warn("guard pool: page tables not as expected: no guarded objects\n");
		goto fail;
	}
	on_each_cpu(kmg_guard_flush_all_cpu, NULL, 1);
	for (i = 0; i < n; i++)
		fifo[i] = i;
	kvfree(map);
	map = NULL;

	kmg_gslots = slots;
	kmg_gfifo = fifo;
	kmg_gfifo_head = 0;
	kmg_gfifo_count = n;
	kmg_gnr = n;
	kmg_gdummy = dummy;
	kmg_guard_start = start;
	kmg_guard_size = (2 * n + 1) * PAGE_SIZE;
	kmg_guard_area = area;
	if (!kmg_guard_kprobe_register()) {
		kmg_guard_kprobe_on = true;
	} else if (!register_die_notifier(&kmg_guard_die_nb)) {
		kmg_guard_die_on = true;
		pr_info("guard pool: no kprobe on page_fault_oops: guarded faults are reported after the oops' register dump\n");
	}
	/* Everything above is visible to whoever sees the key on. */
	static_branch_enable(&kmg_guard_key);
	mutex_unlock(&kmg_guard_setup_mutex);
	pr_info("guard pool: %u slots, %lu KiB\n", n, (n * PAGE_SIZE) >> 10);
	return 0;

fail:
	if (area)
		vunmap(area);
	kvfree(map);
	kmg_guard_free_parts(slots, pages, fifo, dummy);
	mutex_unlock(&kmg_guard_setup_mutex);
	return ret;
}

/*
 * kmemguard is unloading: no tracked module is left and the quarantine
 * is empty. Objects still live were leaked by modules gone since: their
 * pages stay (someone may still hold a pointer), and so does the pool.
 */
void kmg_guard_exit(void)
{
	unsigned int i, live = 0;

	if (kmg_guard_kprobe_on)
		kmg_guard_kprobe_unregister();
	if (kmg_guard_die_on)
		unregister_die_notifier(&kmg_guard_die_nb);
	if (!kmg_guard_area)
		return;
	for (i = 0; i < kmg_gnr; i++)
		live += kmg_gslots[i].state != KMG_GSLOT_FREE;
	if (live) {
		pr_warn("guard pool: %u objects leaked by unloaded modules: the pool stays\n",
			live);
		return;
	}
	vunmap(kmg_guard_area);
	kmg_guard_free_parts(kmg_gslots, kmg_gnr, kmg_gfifo, kmg_gdummy);
}
