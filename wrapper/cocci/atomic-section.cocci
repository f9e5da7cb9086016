// SPDX-License-Identifier: GPL-2.0
/// kmemguard rule 1: a sleeping allocation inside an atomic section.
///
/// Finds, inside one function, a sleeping allocation between the start of an
/// atomic section and its end: spin_lock*, raw_spin_lock*, read_lock*,
/// write_lock*, local_lock*, local_irq_disable/local_irq_save,
/// preempt_disable, rcu_read_lock*, local_bh_disable. A sleeping allocation
/// is any use of a blocking GFP mask (GFP_KERNEL, GFP_KERNEL_ACCOUNT,
/// GFP_USER, GFP_HIGHUSER*, GFP_NOIO, GFP_NOFS, __GFP_DIRECT_RECLAIM,
/// __GFP_RECLAIM) or a call of an allocator that always may sleep (vmalloc
/// and its variants, vmap, vm_map_ram, kmem_cache_create*, KMEM_CACHE;
/// alloc_percpu, __alloc_percpu and devm_alloc_percpu, whose mask is
/// GFP_KERNEL; dma_pool_create and dmam_pool_create, which take mutexes).
/// Also one level down: a function of the same file that makes such an
/// allocation, called inside the section; the finding is then at the
/// allocation, naming the caller.
///
/// This is the static half of kmemguard's sleep-in-atomic report: it sees the
/// paths that never run in a test, the run-time check sees everything else.
///
/// Known limits: sections opened by a trylock (the lock is taken only on one
/// branch), get_cpu()/put_cpu(), and sections opened in one function and
/// closed in another are not followed; calls deeper than one level and across
/// files are not followed; a blocking mask that is only chosen on a
/// non-atomic branch (cond ? GFP_ATOMIC : GFP_KERNEL) is still reported.
///
// Confidence: High
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@

def tok(p):
	"""The source text at position p (an identifier)."""
	with open(p.file, errors="replace") as f:
		line = f.read().split("\n")[int(p.line) - 1]
	return line[int(p.column):int(p.column_end)]

def finding(p, msg):
	print("%s:%s: %s" % (p.file, p.line, msg))

// Atomic sections that name a lock.
@locked exists@
expression L;
position p1, p2;
identifier lock = {spin_lock, spin_lock_irq, spin_lock_irqsave, spin_lock_bh,
	spin_lock_nested, spin_lock_irqsave_nested, spin_lock_nest_lock,
	raw_spin_lock, raw_spin_lock_irq, raw_spin_lock_irqsave, raw_spin_lock_bh,
	raw_spin_lock_nested, read_lock, read_lock_irq, read_lock_irqsave,
	read_lock_bh, write_lock, write_lock_irq, write_lock_irqsave,
	write_lock_bh, write_lock_nested, local_lock, local_lock_irq,
	local_lock_irqsave};
identifier unlock = {spin_unlock, spin_unlock_irq, spin_unlock_irqrestore,
	spin_unlock_bh, raw_spin_unlock, raw_spin_unlock_irq,
	raw_spin_unlock_irqrestore, raw_spin_unlock_bh, read_unlock,
	read_unlock_irq, read_unlock_irqrestore, read_unlock_bh, write_unlock,
	write_unlock_irq, write_unlock_irqrestore, write_unlock_bh, local_unlock,
	local_unlock_irq, local_unlock_irqrestore};
identifier gfp = {GFP_KERNEL, GFP_KERNEL_ACCOUNT, GFP_USER, GFP_HIGHUSER,
	GFP_HIGHUSER_MOVABLE, GFP_NOIO, GFP_NOFS, __GFP_DIRECT_RECLAIM,
	__GFP_RECLAIM};
identifier va = {vmalloc, vzalloc, vmalloc_user, vmalloc_node, vzalloc_node,
	vmalloc_32, vmalloc_32_user, vmalloc_array, vcalloc, vmap, vm_map_ram,
	kmem_cache_create, kmem_cache_create_usercopy, KMEM_CACHE,
	KMEM_CACHE_USERCOPY, alloc_percpu, __alloc_percpu, devm_alloc_percpu,
	dma_pool_create, dmam_pool_create};
@@
lock@p1(L, ...);
... when != unlock(L, ...)
(
gfp@p2
|
va@p2(...)
)

// Atomic sections without a lock.
@section exists@
expression F;
position p1, p2;
identifier gfp = {GFP_KERNEL, GFP_KERNEL_ACCOUNT, GFP_USER, GFP_HIGHUSER,
	GFP_HIGHUSER_MOVABLE, GFP_NOIO, GFP_NOFS, __GFP_DIRECT_RECLAIM,
	__GFP_RECLAIM};
identifier va = {vmalloc, vzalloc, vmalloc_user, vmalloc_node, vzalloc_node,
	vmalloc_32, vmalloc_32_user, vmalloc_array, vcalloc, vmap, vm_map_ram,
	kmem_cache_create, kmem_cache_create_usercopy, KMEM_CACHE,
	KMEM_CACHE_USERCOPY, alloc_percpu, __alloc_percpu, devm_alloc_percpu,
	dma_pool_create, dmam_pool_create};
@@
(
rcu_read_lock@p1();
... when != rcu_read_unlock();
|
rcu_read_lock_bh@p1();
... when != rcu_read_unlock_bh();
|
rcu_read_lock_sched@p1();
... when != rcu_read_unlock_sched();
|
preempt_disable@p1();
... when != preempt_enable();
    when != preempt_enable_no_resched();
|
local_irq_disable@p1();
... when != local_irq_enable();
|
local_irq_save@p1(F);
... when != local_irq_restore(F);
|
local_bh_disable@p1();
... when != local_bh_enable();
)
(
gfp@p2
|
va@p2(...)
)

// Functions that make a sleeping allocation, for the one-level-down case.
@sleeper@
identifier fn;
position p;
identifier gfp = {GFP_KERNEL, GFP_KERNEL_ACCOUNT, GFP_USER, GFP_HIGHUSER,
	GFP_HIGHUSER_MOVABLE, GFP_NOIO, GFP_NOFS, __GFP_DIRECT_RECLAIM,
	__GFP_RECLAIM};
identifier va = {vmalloc, vzalloc, vmalloc_user, vmalloc_node, vzalloc_node,
	vmalloc_32, vmalloc_32_user, vmalloc_array, vcalloc, vmap, vm_map_ram,
	kmem_cache_create, kmem_cache_create_usercopy, KMEM_CACHE,
	KMEM_CACHE_USERCOPY, alloc_percpu, __alloc_percpu, devm_alloc_percpu,
	dma_pool_create, dmam_pool_create};
@@
fn(...) {
<+...
(
gfp@p
|
va@p(...)
)
...+>
}

@locked_call exists@
identifier sleeper.fn;
expression L;
position p1, pc;
identifier lock = {spin_lock, spin_lock_irq, spin_lock_irqsave, spin_lock_bh,
	spin_lock_nested, spin_lock_irqsave_nested, spin_lock_nest_lock,
	raw_spin_lock, raw_spin_lock_irq, raw_spin_lock_irqsave, raw_spin_lock_bh,
	raw_spin_lock_nested, read_lock, read_lock_irq, read_lock_irqsave,
	read_lock_bh, write_lock, write_lock_irq, write_lock_irqsave,
	write_lock_bh, write_lock_nested, local_lock, local_lock_irq,
	local_lock_irqsave};
identifier unlock = {spin_unlock, spin_unlock_irq, spin_unlock_irqrestore,
	spin_unlock_bh, raw_spin_unlock, raw_spin_unlock_irq,
	raw_spin_unlock_irqrestore, raw_spin_unlock_bh, read_unlock,
	read_unlock_irq, read_unlock_irqrestore, read_unlock_bh, write_unlock,
	write_unlock_irq, write_unlock_irqrestore, write_unlock_bh, local_unlock,
	local_unlock_irq, local_unlock_irqrestore};
@@
lock@p1(L, ...);
... when != unlock(L, ...)
fn@pc(...)

@section_call exists@
identifier sleeper.fn;
expression F;
position p1, pc;
@@
(
rcu_read_lock@p1();
... when != rcu_read_unlock();
|
rcu_read_lock_bh@p1();
... when != rcu_read_unlock_bh();
|
rcu_read_lock_sched@p1();
... when != rcu_read_unlock_sched();
|
preempt_disable@p1();
... when != preempt_enable();
    when != preempt_enable_no_resched();
|
local_irq_disable@p1();
... when != local_irq_enable();
|
local_irq_save@p1(F);
... when != local_irq_restore(F);
|
local_bh_disable@p1();
... when != local_bh_enable();
)
fn@pc(...)

@script:python depends on report@
p1 << locked.p1;
p2 << locked.p2;
@@
finding(p2[0], "sleep-in-atomic: %s inside %s() of line %s" %
       (tok(p2[0]), tok(p1[0]), p1[0].line))

@script:python depends on report@
p1 << section.p1;
p2 << section.p2;
@@
finding(p2[0], "sleep-in-atomic: %s inside %s() of line %s" %
       (tok(p2[0]), tok(p1[0]), p1[0].line))

@script:python depends on report@
p << sleeper.p;
fn << sleeper.fn;
p1 << locked_call.p1;
pc << locked_call.pc;
@@
finding(p[0], "sleep-in-atomic: %s in %s(), called at line %s inside %s() of line %s" %
       (tok(p[0]), fn, pc[0].line, tok(p1[0]), p1[0].line))

@script:python depends on report@
p << sleeper.p;
fn << sleeper.fn;
p1 << section_call.p1;
pc << section_call.pc;
@@
finding(p[0], "sleep-in-atomic: %s in %s(), called at line %s inside %s() of line %s" %
       (tok(p[0]), fn, pc[0].line, tok(p1[0]), p1[0].line))
