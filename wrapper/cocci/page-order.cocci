// SPDX-License-Identifier: GPL-2.0
/// kmemguard rule 4: pages freed with another order than they were
/// allocated with.
///
/// Finds, inside one function, a page allocation with a literal order
/// (__get_free_pages, __get_dma_pages, alloc_pages, alloc_pages_node; order 0
/// for __get_free_page, get_zeroed_page, alloc_page) whose result is then
/// freed (first free on the path, no reassignment in between) with another
/// literal order (free_pages, __free_pages; order 0 for free_page,
/// __free_page).
///
/// This is the static half of kmemguard's wrong-order report.
///
/// Known limits: orders that are not integer literals (macros, variables,
/// get_order()) are not compared; the allocation and the free must be in
/// one function and name the same expression.
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

def check(pa, o1, pf, o2):
	try:
		a, f = int(str(o1).rstrip("uUlL"), 0), int(str(o2).rstrip("uUlL"), 0)
	except ValueError:
		return
	if a != f:
		print("%s:%s: wrong-order: %s() of order %d, allocated with order %d by %s() at line %s" %
		      (pf[0].file, pf[0].line, tok(pf[0]), f, a, tok(pa[0]), pa[0].line))

@addr exists@
expression A, E, F;
constant O1, O2;
position pa, pf;
identifier ga = {__get_free_pages, __get_dma_pages};
@@
A = ga@pa(F, O1)
... when != A = E
free_pages@pf(A, O2)

@addr_one exists@
expression A, E, F;
constant O1;
position pa, pf;
identifier ga = {__get_free_pages, __get_dma_pages};
@@
A = ga@pa(F, O1)
... when != A = E
free_page@pf(A)

@addr_zero exists@
expression A, E, F;
constant O2;
position pa, pf;
identifier ga = {__get_free_page, get_zeroed_page};
@@
A = ga@pa(F)
... when != A = E
free_pages@pf(A, O2)

@pg exists@
expression A, E, F, N;
constant O1, O2;
position pa, pf;
@@
(
A = alloc_pages@pa(F, O1)
|
A = alloc_pages_node@pa(N, F, O1)
)
... when != A = E
__free_pages@pf(A, O2)

@pg_one exists@
expression A, E, F, N;
constant O1;
position pa, pf;
@@
(
A = alloc_pages@pa(F, O1)
|
A = alloc_pages_node@pa(N, F, O1)
)
... when != A = E
__free_page@pf(A)

@pg_zero exists@
expression A, E, F;
constant O2;
position pa, pf;
@@
A = alloc_page@pa(F)
... when != A = E
__free_pages@pf(A, O2)

@script:python depends on report@
pa << addr.pa;
pf << addr.pf;
o1 << addr.O1;
o2 << addr.O2;
@@
check(pa, o1, pf, o2)

@script:python depends on report@
pa << addr_one.pa;
pf << addr_one.pf;
o1 << addr_one.O1;
@@
check(pa, o1, pf, 0)

@script:python depends on report@
pa << addr_zero.pa;
pf << addr_zero.pf;
o2 << addr_zero.O2;
@@
check(pa, 0, pf, o2)

@script:python depends on report@
pa << pg.pa;
pf << pg.pf;
o1 << pg.O1;
o2 << pg.O2;
@@
check(pa, o1, pf, o2)

@script:python depends on report@
pa << pg_one.pa;
pf << pg_one.pf;
o1 << pg_one.O1;
@@
check(pa, o1, pf, 0)

@script:python depends on report@
pa << pg_zero.pa;
pf << pg_zero.pf;
o2 << pg_zero.O2;
@@
check(pa, 0, pf, o2)
