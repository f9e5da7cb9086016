// SPDX-License-Identifier: GPL-2.0
/// kmemguard rule 5: DMA memory freed with another size than allocated.
///
/// Finds, inside one function, a DMA allocation (dma_alloc_coherent,
/// dma_alloc_attrs, dma_alloc_wc, dma_alloc_noncoherent, dmam_alloc_coherent,
/// dmam_alloc_attrs) whose result is then freed (first free on the path, no
/// reassignment in between) with a size that is another constant: integer
/// literals, SZ_* sizes and PAGE_SIZE multiples are compared by value.
///
/// This is the static half of kmemguard's mismatched-free report for DMA
/// memory (the run-time check compares device and handle too).
///
/// Known limits: sizes that are not constants (variables, sizeof, macros
/// of the driver's) are not compared: two different expressions may have
/// one value. The allocation and the free must be in one function and name
/// the same expression.
///
// Confidence: High
// Options: --no-includes --include-headers

virtual report

@initialize:python@
@@
import re

def tok(p):
	"""The source text at position p (an identifier)."""
	with open(p.file, errors="replace") as f:
		line = f.read().split("\n")[int(p.line) - 1]
	return line[int(p.column):int(p.column_end)]

UNITS = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

def value(e):
	"""The value of a size expression, or None if it is not a constant."""
	s = str(e).replace(" ", "")
	m = re.fullmatch(r"SZ_(\d+)([KMG]?)", s)
	if m:
		return int(m.group(1)) * UNITS.get(m.group(2), 1)
	m = re.fullmatch(r"(?:(\d+)\*)?PAGE_SIZE(?:\*(\d+))?", s)
	if m:
		return 4096 * int(m.group(1) or 1) * int(m.group(2) or 1)
	try:
		return int(s.rstrip("uUlL"), 0)
	except ValueError:
		return None

def check(pa, s1, pf, s2):
	a, f = value(s1), value(s2)
	if a is not None and f is not None and a != f:
		print("%s:%s: mismatched-free: %s() of size %d, allocated %d by %s() at line %s" %
		      (pf[0].file, pf[0].line, tok(pf[0]), f, a, tok(pa[0]), pa[0].line))

@freed exists@
expression P, E, D1, D2, S1, S2;
position pa, pf;
identifier alloc = {dma_alloc_coherent, dma_alloc_attrs, dma_alloc_wc,
	dma_alloc_noncoherent, dmam_alloc_coherent, dmam_alloc_attrs};
identifier free = {dma_free_coherent, dma_free_attrs, dma_free_wc,
	dma_free_noncoherent, dmam_free_coherent};
@@
P = alloc@pa(D1, S1, ...)
... when != P = E
free@pf(D2, S2, P, ...)

@script:python depends on report@
pa << freed.pa;
s1 << freed.S1;
pf << freed.pf;
s2 << freed.S2;
@@
check(pa, s1, pf, s2)
