// SPDX-License-Identifier: GPL-2.0
/// kmemguard rule 2: a sleeping allocation in an interrupt-context callback.
///
/// Finds a sleeping allocation (see atomic-section.cocci for what counts as
/// one) in a function that the same file registers to run in interrupt
/// context: the primary handler of request_irq, request_threaded_irq,
/// request_any_context_irq, request_percpu_irq and their devm_ forms (hard
/// IRQ); timer_setup, timer_setup_on_stack, hrtimer_setup and any
/// `.function = fn` assignment (timer and hrtimer callbacks, softirq or hard
/// IRQ); tasklet_setup, tasklet_init (softirq); init_irq_work,
/// IRQ_WORK_INIT, IRQ_WORK_INIT_HARD (hard IRQ). Also one level down: a
/// function of the same file making such an allocation, called from the
/// callback; the finding is then at the allocation, naming the callback.
///
/// The threaded handler of request_threaded_irq runs in a kthread and may
/// sleep: it is not a callback here.
///
/// Known limits: callbacks registered through other helpers (workqueues are
/// process context and fine; NAPI poll, net_device ops, DEFINE_TIMER and
/// designated initializers of ops structures are not recognised), calls
/// deeper than one level and across files are not followed. IRQ_WORK_INIT
/// (not _HARD) callbacks run in a kthread on PREEMPT_RT but in hard IRQ
/// elsewhere, so they are reported.
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

def how(pr):
	"""How the callback was registered, for the message."""
	name = tok(pr[0])
	if name == "function":
		return "the .function assignment at line %s" % pr[0].line
	return "%s() at line %s" % (name, pr[0].line)

def kind(how):
	"""What runs the callback that `how` registered."""
	if "irq_work" in how.lower():
		return "irq_work callback"
	if "irq" in how:
		return "interrupt handler"
	if "tasklet" in how:
		return "tasklet"
	return "timer callback"

@registered@
identifier fn;
expression E1, E2;
position pr;
@@
(
request_irq@pr(E1, fn, ...)
|
request_threaded_irq@pr(E1, fn, ...)
|
request_any_context_irq@pr(E1, fn, ...)
|
request_percpu_irq@pr(E1, fn, ...)
|
devm_request_irq@pr(E1, E2, fn, ...)
|
devm_request_threaded_irq@pr(E1, E2, fn, ...)
|
devm_request_any_context_irq@pr(E1, E2, fn, ...)
|
timer_setup@pr(E1, fn, ...)
|
timer_setup_on_stack@pr(E1, fn, ...)
|
hrtimer_setup@pr(E1, fn, ...)
|
tasklet_setup@pr(E1, fn)
|
tasklet_init@pr(E1, fn, ...)
|
init_irq_work@pr(E1, fn)
|
IRQ_WORK_INIT@pr(fn)
|
IRQ_WORK_INIT_HARD@pr(fn)
|
E1.function@pr = fn
|
E1->function@pr = fn
)

@direct exists@
identifier registered.fn;
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

@sleeper@
identifier h;
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
h(...) {
<+...
(
gfp@p
|
va@p(...)
)
...+>
}

@indirect exists@
identifier registered.fn;
identifier sleeper.h;
position pc;
@@
fn(...) {
<+...
h@pc(...)
...+>
}

@script:python depends on report@
fn << registered.fn;
pr << registered.pr;
p << direct.p;
@@
finding(p[0], "sleep-in-atomic: %s in %s %s(), registered by %s" %
	(tok(p[0]), kind(tok(pr[0])), fn, how(pr)))

@script:python depends on report@
fn << registered.fn;
pr << registered.pr;
h << sleeper.h;
p << sleeper.p;
pc << indirect.pc;
@@
finding(p[0], "sleep-in-atomic: %s in %s(), called at line %s by %s %s(), registered by %s" %
	(tok(p[0]), h, pc[0].line, kind(tok(pr[0])), fn, how(pr)))
