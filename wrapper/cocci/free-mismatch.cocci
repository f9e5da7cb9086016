// SPDX-License-Identifier: GPL-2.0
/// kmemguard rule 3: memory freed with another family's call.
///
/// Finds, inside one function, a pointer assigned from one allocator family
/// and then freed (first free on the path, no reassignment in between) with
/// a call of another family:
///   kmalloc family (kmalloc, kzalloc, kcalloc, kmalloc_array, *_node,
///     krealloc*, kstrdup, kstrndup, kmemdup*, kasprintf): kfree, kfree_sensitive, kvfree
///   vmalloc family (vmalloc, vzalloc, __vmalloc, vmalloc_user, ...): vfree, kvfree
///   kvmalloc family (kvmalloc, kvzalloc, kvcalloc, kvmalloc_array, ...): kvfree
///   (each of the three, and cache objects since 6.4: kfree_rcu, kvfree_rcu,
///     kfree_rcu_mightsleep, kvfree_rcu_mightsleep too, which end in kvfree)
///   page addresses (__get_free_pages, __get_free_page, get_zeroed_page,
///     __get_dma_pages): free_pages, free_page
///   exact pages (alloc_pages_exact, alloc_pages_exact_nid): free_pages_exact
///   cache objects (kmem_cache_alloc, kmem_cache_zalloc, ...):
///     kmem_cache_free; kfree and kvfree too since Linux 6.4 (run with
///     -D kfree_cache_invalid for older kernels: kmemguard-lint does this
///     from the kernel it builds against)
///   devm_ allocations (devm_kmalloc, devm_kzalloc, ...): devm_kfree, or
///     nothing (plain kfree frees it twice when the device goes away)
///   DMA-coherent memory (dma_alloc_coherent, dma_alloc_attrs, dma_alloc_wc):
///     dma_free_coherent, dma_free_attrs, dma_free_wc
///   non-coherent DMA memory (dma_alloc_noncoherent): dma_free_noncoherent
///   managed DMA memory (dmam_alloc_coherent, dmam_alloc_attrs):
///     dmam_free_coherent, or nothing
///   mempool elements (mempool_alloc): mempool_free, whatever the pool is
///     made of (an element freed elsewhere never comes back to the reserve
///     the pool's guarantee rests on). mempool_free of memory from another
///     family is not reported: a pool whose free_fn is kfree may be given
///     kmalloc memory. Freeing to the wrong pool is left to the run-time
///     check (two pool expressions may name one pool).
///   DMA pool elements (dma_pool_alloc, dma_pool_zalloc): dma_pool_free;
///     dma_pool_free of memory from another family is reported too (a
///     pool's blocks are its own). Freeing to the wrong pool is left to the
///     run-time check.
///   per-CPU memory (alloc_percpu, alloc_percpu_gfp, __alloc_percpu,
///     __alloc_percpu_gfp): free_percpu, and free_percpu of nothing else;
///     devm_alloc_percpu: devm_free_percpu, or nothing
///   devm_get_free_pages: devm_free_pages, or nothing
///   devm_bitmap_alloc, devm_bitmap_zalloc: nothing (devres frees them)
///   bitmap_alloc, bitmap_zalloc: kmalloc memory, bitmap_free among its frees
/// Casts of the pointer ((unsigned long)p, (void *)addr) are seen through.
///
/// This is the static half of kmemguard's mismatched-free report.
///
/// Known limits: the allocation and the free must be in one function and
/// name the same expression; a pointer stored in a structure and freed
/// elsewhere, or returned by a driver's own allocation helper, is not
/// followed. Freeing with the wrong kmem_cache is left to the run-time
/// check (two cache expressions may name one cache).
///
// Confidence: High
// Options: --no-includes --include-headers

virtual report
virtual kfree_cache_invalid

@initialize:python@
@@
def tok(p):
	"""The source text at position p (an identifier)."""
	with open(p.file, errors="replace") as f:
		line = f.read().split("\n")[int(p.line) - 1]
	return line[int(p.column):int(p.column_end)]

def finding(p, msg):
	print("%s:%s: %s" % (p.file, p.line, msg))

FAMILY = {}
for name in ("kmalloc kzalloc kcalloc kmalloc_array kmalloc_node kzalloc_node "
	     "kcalloc_node kmalloc_array_node krealloc krealloc_array kstrdup "
	     "kstrndup kmemdup kmemdup_nul kasprintf kvasprintf bitmap_alloc "
	     "bitmap_zalloc").split():
	FAMILY[name] = "kmalloc"
for name in ("vmalloc vzalloc __vmalloc vmalloc_user vmalloc_node "
	     "vzalloc_node vmalloc_32 vmalloc_32_user vmalloc_array vcalloc").split():
	FAMILY[name] = "vmalloc"
for name in ("kvmalloc kvzalloc kvcalloc kvmalloc_array kvmalloc_node "
	     "kvzalloc_node kvrealloc kvmemdup").split():
	FAMILY[name] = "kvmalloc"
for name in "__get_free_pages __get_free_page get_zeroed_page __get_dma_pages".split():
	FAMILY[name] = "pages"
for name in "kmem_cache_alloc kmem_cache_zalloc kmem_cache_alloc_node kmem_cache_alloc_lru".split():
	FAMILY[name] = "cache"
for name in ("devm_kmalloc devm_kzalloc devm_kcalloc devm_kmalloc_array "
	     "devm_kstrdup devm_kstrdup_const devm_kmemdup devm_kasprintf "
	     "devm_krealloc devm_krealloc_array").split():
	FAMILY[name] = "devm"
for name in "dma_alloc_coherent dma_alloc_attrs dma_alloc_wc".split():
	FAMILY[name] = "dma"
for name in "alloc_pages_exact alloc_pages_exact_nid".split():
	FAMILY[name] = "pages_exact"
FAMILY["dma_alloc_noncoherent"] = "dma_nc"
for name in "dmam_alloc_coherent dmam_alloc_attrs".split():
	FAMILY[name] = "dmam"
FAMILY["mempool_alloc"] = "mempool"
for name in "alloc_percpu alloc_percpu_gfp __alloc_percpu __alloc_percpu_gfp".split():
	FAMILY[name] = "percpu"
FAMILY["devm_alloc_percpu"] = "devm_percpu"
FAMILY["devm_get_free_pages"] = "devm_pages"
for name in "devm_bitmap_alloc devm_bitmap_zalloc".split():
	FAMILY[name] = "devm_bitmap"
for name in "dma_pool_alloc dma_pool_zalloc".split():
	FAMILY[name] = "dma_pool"

RCU = {"kfree_rcu", "kvfree_rcu", "kfree_rcu_mightsleep", "kvfree_rcu_mightsleep"}
FREES = {
	"kmalloc": {"kfree", "kfree_sensitive", "kvfree", "kvfree_sensitive",
		    "bitmap_free"} | RCU,
	"vmalloc": {"vfree", "kvfree", "kvfree_sensitive"} | RCU,
	"kvmalloc": {"kvfree", "kvfree_sensitive"} | RCU,
	"pages": {"free_pages", "free_page"},
	"pages_exact": {"free_pages_exact"},
	"cache": {"kmem_cache_free", "kfree", "kfree_sensitive", "kvfree",
		  "bitmap_free"} | RCU,
	"devm": {"devm_kfree"},
	"dma": {"dma_free_coherent", "dma_free_attrs", "dma_free_wc"},
	"dma_nc": {"dma_free_noncoherent"},
	"dmam": {"dmam_free_coherent"},
	"mempool": {"mempool_free"},
	"percpu": {"free_percpu"},
	"devm_percpu": {"devm_free_percpu"},
	"devm_pages": {"devm_free_pages"},
	"devm_bitmap": set(),
	"dma_pool": {"dma_pool_free"},
}

def check(pa, pf, old_kernel):
	alloc, free = tok(pa[0]), tok(pf[0])
	family = FAMILY.get(alloc)
	ok = FREES.get(family, set())
	if old_kernel and family == "cache":
		ok = {"kmem_cache_free"}
	if free == "mempool_free" and family != "mempool":
		return
	if family and free not in ok:
		finding(pf[0], "mismatched-free: %s() of memory from %s() at line %s" %
			(free, alloc, pa[0].line))

@freed exists@
expression P, E, C;
type T;
position pa, pf;
identifier alloc = {kmalloc, kzalloc, kcalloc, kmalloc_array, kmalloc_node,
	kzalloc_node, kcalloc_node, kmalloc_array_node, krealloc,
	krealloc_array, kstrdup, kstrndup, kmemdup, kmemdup_nul, kasprintf,
	kvasprintf, vmalloc, vzalloc, __vmalloc, vmalloc_user, vmalloc_node,
	vzalloc_node, vmalloc_32, vmalloc_32_user, vmalloc_array, vcalloc,
	kvmalloc, kvzalloc, kvcalloc, kvmalloc_array, kvmalloc_node,
	kvzalloc_node, kvrealloc, kvmemdup, __get_free_pages, __get_free_page,
	get_zeroed_page, __get_dma_pages, kmem_cache_alloc, kmem_cache_zalloc,
	kmem_cache_alloc_node, kmem_cache_alloc_lru, devm_kmalloc,
	devm_kzalloc, devm_kcalloc, devm_kmalloc_array, devm_kstrdup,
	devm_kmemdup, devm_kasprintf, devm_krealloc, devm_kstrdup_const,
	devm_krealloc_array, devm_get_free_pages, dma_alloc_coherent,
	dma_alloc_attrs, dma_alloc_wc, dma_alloc_noncoherent,
	dmam_alloc_coherent, dmam_alloc_attrs, mempool_alloc, alloc_percpu,
	alloc_percpu_gfp, __alloc_percpu, __alloc_percpu_gfp, devm_alloc_percpu,
	dma_pool_alloc, dma_pool_zalloc, bitmap_alloc, bitmap_zalloc,
	devm_bitmap_alloc, devm_bitmap_zalloc, alloc_pages_exact,
	alloc_pages_exact_nid};
identifier free = {kfree, kfree_sensitive, kvfree, kvfree_sensitive, vfree,
	free_pages, free_page, mempool_free, free_percpu, bitmap_free,
	free_pages_exact, kfree_rcu, kvfree_rcu, kfree_rcu_mightsleep,
	kvfree_rcu_mightsleep};
identifier free2 = {kmem_cache_free, devm_kfree, devm_free_percpu,
	devm_free_pages};
identifier free3 = {dma_free_coherent, dma_free_attrs, dma_free_wc,
	dma_free_noncoherent, dmam_free_coherent};
identifier free4 = {dma_pool_free};
expression D, S;
@@
P = alloc@pa(...)
... when != P = E
(
free@pf(P, ...)
|
free@pf((T)P, ...)
|
free2@pf(C, P)
|
free2@pf(C, (T)P)
|
free3@pf(D, S, P, ...)
|
free3@pf(D, S, (T)P, ...)
|
free4@pf(C, P, ...)
|
free4@pf(C, (T)P, ...)
)

@script:python depends on report && !kfree_cache_invalid@
pa << freed.pa;
pf << freed.pf;
@@
check(pa, pf, False)

@script:python depends on report && kfree_cache_invalid@
pa << freed.pa;
pf << freed.pf;
@@
check(pa, pf, True)
