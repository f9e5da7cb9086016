// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard fault rules: fail chosen allocations of one module (or one line,
 * one function, one family) so that error paths run, deterministically.
 *
 * A rule is a line of space-separated key=value pairs written to debugfs
 * "faults":
 *
 *   module=NAME                  required; the module need not be loaded yet
 *   site=FILE:LINE function=NAME optional narrowing (FILE matches a path suffix)
 *   family=kmalloc|vmalloc|pages|cache|percpu  gfp=atomic|nowait|kernel
 *   nth=N | every=N | probability=P [seed=S]   exactly one trigger
 *   times=T min_size=B           optional
 *
 * An injected failure is a real one to the driver: NULL (or 0) back, no
 * memory taken, counted in the site's "failed" column. Every rule that
 * matches a call counts it (so each rule's nth= is the n-th call *it*
 * matches, whatever other rules there are); the call fails if any of them
 * fires. As the kernel's own failslab and fail_page_alloc, rules never fail
 * a __GFP_NOFAIL allocation: the API promises it memory.
 *
 * Notes on locking:
 * - kmg_fault_mutex serialises writers (add, clear). Rules live on an RCU
 *   list: the allocation path reads it under rcu_read_lock() only, and only
 *   while kmg_faults_key is on (some rule exists), so with no rules the
 *   cost is one static branch.
 * - A rule's counters are atomics; a rule is freed after a grace period.
 * - Matching reads the site shadow (kmemguard's copy), never the driver's
 *   descriptor.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/ctype.h>
#include <linux/jump_label.h>
#include <linux/kstrtox.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kmg.h"

static LIST_HEAD(kmg_fault_rules);		/* RCU; kmg_fault_mutex */
static DEFINE_MUTEX(kmg_fault_mutex);
DEFINE_STATIC_KEY_FALSE(kmg_faults_key);
static unsigned int kmg_fault_next_id = 1;	/* kmg_fault_mutex */

static const char *const kmg_fault_gfps[] = {
	[KMG_FAULT_GFP_ATOMIC]	= "atomic",
	[KMG_FAULT_GFP_NOWAIT]	= "nowait",
	[KMG_FAULT_GFP_KERNEL]	= "kernel",
};

/* === Parsing ============================================================ */

static int kmg_fault_lookup(const char *const *names, int n, const char *v)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], v))
			return i;
	return -1;
}

/* A module or function name in a rule: 1..max-1 of [A-Za-z0-9_-]. */
bool kmg_name_ok(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (!len || len >= max)
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/**
 * kmg_fault_parse() - parse one rule
 * @line:	the rule, NUL-terminated, modified in place
 * @r:		filled in on success
 * @why:	set to a one-line reason on failure
 *
 * Return: 0 or -EINVAL.
 */
int kmg_fault_parse(char *line, struct kmg_fault_rule *r, const char **why)
{
	bool have_seed = false, have_times = false, have_min = false;
	char *tok, *val, *colon;
	unsigned long long v;
	int i;

	memset(r, 0, sizeof(*r));
	r->family = -1;
	r->gfp = -1;
	r->trigger = KMG_FAULT_NONE;
	while ((tok = strsep(&line, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val || !val[1]) {
			*why = "expected key=value";
			return -EINVAL;
		}
		*val++ = '\0';
		if (!strcmp(tok, "module")) {
			if (r->module[0] || !kmg_name_ok(val, sizeof(r->module))) {
				*why = "module= needs one module name";
				return -EINVAL;
			}
			strscpy(r->module, val, sizeof(r->module));
		} else if (!strcmp(tok, "site")) {
			colon = strrchr(val, ':');
			if (r->file[0] || !colon || colon == val ||
			    colon - val >= sizeof(r->file) ||
			    kstrtouint(colon + 1, 10, &r->line) || !r->line) {
				*why = "site= needs FILE:LINE";
				return -EINVAL;
			}
			*colon = '\0';
			strscpy(r->file, val, sizeof(r->file));
		} else if (!strcmp(tok, "function")) {
			if (r->function[0] ||
			    !kmg_name_ok(val, sizeof(r->function))) {
				*why = "function= needs one function name";
				return -EINVAL;
			}
			strscpy(r->function, val, sizeof(r->function));
		} else if (!strcmp(tok, "family")) {
			i = kmg_fault_class_parse(val);
			if (r->family >= 0 || i < 0) {
				*why = "family= is kmalloc, vmalloc, pages, cache or percpu";
				return -EINVAL;
			}
			r->family = i;
		} else if (!strcmp(tok, "gfp")) {
			i = kmg_fault_lookup(kmg_fault_gfps,
					     ARRAY_SIZE(kmg_fault_gfps), val);
			if (r->gfp >= 0 || i < 0) {
				*why = "gfp= is atomic, nowait or kernel";
				return -EINVAL;
			}
			r->gfp = i;
		} else if (!strcmp(tok, "nth") || !strcmp(tok, "every") ||
			   !strcmp(tok, "probability")) {
			if (r->trigger != KMG_FAULT_NONE) {
				*why = "exactly one of nth=, every=, probability=";
				return -EINVAL;
			}
			if (kstrtoull(val, 10, &v) || !v ||
			    v > (tok[0] == 'p' ? 100 : UINT_MAX)) {
				*why = "nth= and every= need 1..4294967295, probability= 1..100";
				return -EINVAL;
			}
			r->trigger = tok[0] == 'n' ? KMG_FAULT_NTH :
				     tok[0] == 'e' ? KMG_FAULT_EVERY :
						     KMG_FAULT_PROBABILITY;
			r->n = v;
		} else if (!strcmp(tok, "seed")) {
			if (have_seed || kstrtoull(val, 0, &v)) {
				*why = "seed= needs one number";
				return -EINVAL;
			}
			have_seed = true;
			r->seed = v;
		} else if (!strcmp(tok, "times")) {
			if (have_times || kstrtoull(val, 10, &v) || !v ||
			    v > UINT_MAX) {
				*why = "times= needs 1..4294967295";
				return -EINVAL;
			}
			have_times = true;
			r->times = v;
		} else if (!strcmp(tok, "min_size")) {
			if (have_min || kstrtoull(val, 10, &v)) {
				*why = "min_size= needs a byte count";
				return -EINVAL;
			}
			have_min = true;
			r->min_size = v;
		} else {
			*why = "unknown key (see the faults file's documentation)";
			return -EINVAL;
		}
	}
	if (!r->module[0]) {
		*why = "module= is required";
		return -EINVAL;
	}
	if (r->trigger == KMG_FAULT_NONE) {
		*why = "one of nth=, every=, probability= is required";
		return -EINVAL;
	}
	if (have_seed && r->trigger != KMG_FAULT_PROBABILITY) {
		*why = "seed= goes with probability=";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_fault_parse);

/* === Matching =========================================================== */

static enum kmg_fault_gfp kmg_fault_gfp_class(gfp_t gfp)
{
	if (gfpflags_allow_blocking(gfp))
		return KMG_FAULT_GFP_KERNEL;
	return gfp & __GFP_HIGH ? KMG_FAULT_GFP_ATOMIC : KMG_FAULT_GFP_NOWAIT;
}

/* FILE names the site's file, or a trailing part of its path. */
static bool kmg_fault_file_matches(const char *path, const char *file)
{
	size_t lp = strlen(path), lf = strlen(file);

	if (lf > lp || strcmp(path + lp - lf, file))
		return false;
	return lf == lp || path[lp - lf - 1] == '/';
}

static bool kmg_fault_matches(const struct kmg_fault_rule *r,
			      const struct kmg_site *site,
			      enum kmg_family family, gfp_t gfp, size_t size)
{
	if (strcmp(r->module, site->modname))
		return false;
	if (r->file[0] && (r->line != site->line ||
			   !kmg_fault_file_matches(site->file, r->file)))
		return false;
	if (r->function[0] && strcmp(r->function, site->func))
		return false;
	if (r->family >= 0 && r->family != kmg_fam(family)->fault_class)
		return false;
	if (r->gfp >= 0 && r->gfp != kmg_fault_gfp_class(gfp))
		return false;
	return size >= r->min_size;
}

/* Deterministic per (seed, call number): the same seed, the same failures. */
static bool kmg_fault_dice(const struct kmg_fault_rule *r, unsigned long call)
{
	u64 x = r->seed ^ (call * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x % 100 < r->n;
}

static bool kmg_fault_fires(struct kmg_fault_rule *r)
{
	unsigned long call = atomic_long_inc_return(&r->matched);
	bool fire;

	switch (r->trigger) {
	case KMG_FAULT_NTH:
		fire = call == r->n;
		break;
	case KMG_FAULT_EVERY:
		fire = !(call % r->n);
		break;
	default:
		fire = kmg_fault_dice(r, call);
		break;
	}
	if (!fire)
		return false;
	/* times=T: only the first T firings fail. */
	if (atomic_long_inc_return(&r->fired) > (r->times ?: LONG_MAX))
		return false;
	return true;
}

/**
 * kmg_fault_inject() - should this allocation fail?
 *
 * Context: any but NMI; called before the real allocation, with the flags
 * it will run with.
 */
bool kmg_fault_inject(struct kmg_site *site, enum kmg_family family, gfp_t gfp,
		      size_t size)
{
	struct kmg_fault_rule *r;
	bool fail = false;

	if (!static_branch_unlikely(&kmg_faults_key) || (gfp & __GFP_NOFAIL))
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(r, &kmg_fault_rules, node) {
		if (!kmg_fault_matches(r, site, family, gfp, size))
			continue;
		/* Every matching rule counts the call, even once one fired. */
		if (kmg_fault_fires(r)) {
			unsigned long flags;

			atomic_long_inc(&r->injected);
			raw_spin_lock_irqsave(&r->last_lock, flags);
			snprintf(r->last, sizeof(r->last), "%s:%u %s()",
				 site->file, site->line, site->func);
			raw_spin_unlock_irqrestore(&r->last_lock, flags);
			fail = true;
		}
	}
	rcu_read_unlock();
	if (fail)
		kmg_count(KMG_COUNT_INJECTED);
	return fail;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_fault_inject);

/* === Control ============================================================ */

int kmg_fault_add(char *line)
{
	struct kmg_fault_rule *r;
	const char *why = NULL;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = kmg_fault_parse(line, r, &why);
	if (ret) {
		pr_warn("faults: rule rejected: %s\n", why);
		kfree(r);
		return ret;
	}
	raw_spin_lock_init(&r->last_lock);
	mutex_lock(&kmg_fault_mutex);
	r->id = kmg_fault_next_id++;
	list_add_tail_rcu(&r->node, &kmg_fault_rules);
	if (!static_key_enabled(&kmg_faults_key))
		static_branch_enable(&kmg_faults_key);
	mutex_unlock(&kmg_fault_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(kmg_fault_add);

void kmg_fault_clear(void)
{
	struct kmg_fault_rule *r, *tmp;
	LIST_HEAD(dead);

	mutex_lock(&kmg_fault_mutex);
	if (static_key_enabled(&kmg_faults_key))
		static_branch_disable(&kmg_faults_key);
	/* Waits for readers still walking the rules before handing them over. */
	list_splice_init_rcu(&kmg_fault_rules, &dead, synchronize_rcu);
	mutex_unlock(&kmg_fault_mutex);
	list_for_each_entry_safe(r, tmp, &dead, node)
		kfree(r);
}
EXPORT_SYMBOL_IF_KUNIT(kmg_fault_clear);

void kmg_fault_show(struct seq_file *m)
{
	struct kmg_fault_rule *r;

	mutex_lock(&kmg_fault_mutex);
	list_for_each_entry(r, &kmg_fault_rules, node) {
		seq_printf(m, "%u: module=%s", r->id, r->module);
		if (r->file[0])
			seq_printf(m, " site=%s:%u", r->file, r->line);
		if (r->function[0])
			seq_printf(m, " function=%s", r->function);
		if (r->family >= 0)
			seq_printf(m, " family=%s", kmg_fam(r->family)->fault_name);
		if (r->gfp >= 0)
			seq_printf(m, " gfp=%s", kmg_fault_gfps[r->gfp]);
		seq_printf(m, " %s=%lu", r->trigger == KMG_FAULT_NTH ? "nth" :
			   r->trigger == KMG_FAULT_EVERY ? "every" : "probability",
			   r->n);
		if (r->trigger == KMG_FAULT_PROBABILITY)
			seq_printf(m, " seed=%llu", r->seed);
		if (r->times)
			seq_printf(m, " times=%lu", r->times);
		if (r->min_size)
			seq_printf(m, " min_size=%zu", r->min_size);
		seq_printf(m, " matched=%ld injected=%ld",
			   atomic_long_read(&r->matched),
			   atomic_long_read(&r->injected));
		raw_spin_lock_irq(&r->last_lock);
		if (r->last[0])
			seq_printf(m, " last=%s", r->last);
		raw_spin_unlock_irq(&r->last_lock);
		seq_putc(m, '\n');
	}
	mutex_unlock(&kmg_fault_mutex);
}

/*
 * For a report about @mod: how many failures rules injected into it, and
 * where the last one was (into @last).
 */
unsigned long kmg_fault_injected_into(const char *modname, char *last,
				      size_t len)
{
	struct kmg_fault_rule *r;
	unsigned long n = 0;

	last[0] = '\0';
	rcu_read_lock();
	list_for_each_entry_rcu(r, &kmg_fault_rules, node) {
		if (strcmp(r->module, modname) || !atomic_long_read(&r->injected))
			continue;
		n += atomic_long_read(&r->injected);
		raw_spin_lock_irq(&r->last_lock);
		strscpy(last, r->last, len);
		raw_spin_unlock_irq(&r->last_lock);
	}
	rcu_read_unlock();
	return n;
}
