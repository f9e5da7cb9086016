// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard redzones and poison: out-of-bounds writes and use-after-free
 * writes, for the modules chosen, on kernels without KASAN.
 *
 * Off by default. "redzone=MODULE" (or "redzone=all") in debugfs control,
 * or kmemguard.redzone=..., turns them on for what a module allocates from
 * then on; "guard=MODULE" or "guard=MODULE:FILE:LINE" makes those sites'
 * objects guarded (guard.c). Each site shadow carries its mode, computed
 * when the shadow is made and again when the rules change, so the
 * allocation path reads one static key (off until a rule is first set) and
 * one byte of the shadow it reads anyway.
 *
 * What an object of such a site gets:
 * - kmalloc family: kmemguard asks for KMG_RZ_EXTRA more bytes, and every
 *   byte past the requested size up to the slab object's end (ksize()) is
 *   redzone, filled with KMG_RZ_BYTE. kvmalloc(): the slack up to ksize(),
 *   or to the end of the last page of a vmalloc area.
 * - slab caches created at such a site are KMG_RZ_EXTRA bytes bigger than
 *   the driver asked (kmemguard remembers the size it asked for); an
 *   object's redzone is what follows that size, up to ksize().
 * - vmalloc(): the rest of the last page (the area's guard page follows).
 * - pages: nothing while live (no slack); poisoned while held.
 * The redzone is checked when the object is freed, when its module unloads
 * (leaked objects), and on demand ("check" in control). A freed object the
 * quarantine holds is filled with KMG_POISON_BYTE (but for caches with a
 * constructor or SLAB_TYPESAFE_BY_RCU, whose freed objects must keep their
 * contents) and checked when it leaves the quarantine, and on demand.
 *
 * ksize(): KASAN's rule, a driver may use what ksize() says. kmemguard.h
 * routes a driver's ksize() here: for a redzoned object it answers what the
 * kernel would have without kmemguard's extra bytes (kmalloc_size_roundup()
 * of the requested size; a guarded object, the rest of its page), and the
 * redzone starts there from then on. krealloc() of a redzoned or guarded
 * object is done by kmemguard (a new object with its redzone, the contents
 * copied, the old one freed into the quarantine), so contents and redzone
 * are both kept, and a use of the old pointer is caught like any other.
 *
 * With KASAN (the debug kernel) none of this happens: KASAN finds these
 * bugs better, and poisoning or holding memory would hide them from it.
 * The rules are accepted there and do nothing.
 *
 * Notes on locking:
 * - kmg_rz_mutex serialises rule changes (control, parameters) and the
 *   slab-cache table's writers. The rules are an RCU-published, immutable
 *   array; a change publishes a new one, then recomputes every site's mode
 *   under kmg_sites_lock (site.c), which a new shadow computes its own mode
 *   under too: no shadow misses a change.
 * - Checks read an object's memory only while it cannot go back to the
 *   allocator: at its free (the record is marked freed, the memory not yet
 *   given back), at its eviction (before it is given back), at unload
 *   (leaked: the driver is gone), and on demand under the object's bucket
 *   lock (live: a free would have to take it) or its quarantine ring's lock
 *   (held: an eviction would have to take it). Under those locks a finding
 *   is copied; a held object's pattern is written back (the quarantine
 *   owns it), a live object is never written to (a live record does not
 *   prove the memory is still the driver's) but marked KMG_RZ_REPORTED.
 *   The report comes after the unlock (report.c prints nothing under a
 *   bucket lock). Checks that do not run at the object's free read only
 *   what kmg_rz_may_read() allows, memory outside the linear map through
 *   copy_from_kernel_nofault().
 * - Reports from a free or an eviction run in whatever context that is
 *   (any but NMI), like every misuse report.
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/ctype.h>
#include <linux/hash.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "kmg.h"

/* Bytes kmemguard adds where it sizes the allocation (kmalloc, caches). */
#define KMG_RZ_EXTRA		16
#define KMG_RZ_RULES		16
#define KMG_RZ_FILE		128
#define KMG_RZ_CACHE_BITS	6
/* kmem_cache_alloc() objects stay naturally aligned up to this. */
#define KMG_RZ_MIN_ALIGN	8
/*
 * What a check copies of an object outside the linear map (vmalloc, a
 * guarded object) before reading it: its last page and the row before.
 */
#define KMG_RZ_WIN		(2 * PAGE_SIZE)

DEFINE_STATIC_KEY_FALSE(kmg_rz_key);

/* === Rules ================================================================ */

/**
 * struct kmg_rz_rule - which sites get redzones or guarded objects
 * @module:	the module; "" for every module (redzone=all)
 * @file:	with @line, one site (FILE matches the end of the path); ""
 *		for all of the module's sites
 * @line:	the site's line
 * @mode:	KMG_RZ_REDZONE or KMG_RZ_GUARD
 */
struct kmg_rz_rule {
	char module[MODULE_NAME_LEN];
	char file[KMG_RZ_FILE];
	unsigned int line;
	u8 mode;
};

struct kmg_rz_rules {
	struct rcu_head rcu;
	unsigned int n;
	struct kmg_rz_rule r[KMG_RZ_RULES];
};

static struct kmg_rz_rules __rcu *kmg_rz_rules;	/* kmg_rz_mutex for writers */
static DEFINE_MUTEX(kmg_rz_mutex);
static bool kmg_rz_ready;			/* kmg_rz_mutex */
static char kmg_rz_param[2][256];		/* set before load: applied at init */

/* Results of the last on-demand check, shown in stats. */
static atomic_long_t kmg_rz_last_checked, kmg_rz_last_bad;

/* Does the end of @path name @file ("x.c" matches "dir/x.c", not "dirx.c")? */
static bool kmg_rz_file_matches(const char *path, const char *file)
{
	size_t pl = strlen(path), fl = strlen(file);

	if (fl > pl || strcmp(path + pl - fl, file))
		return false;
	return fl == pl || path[pl - fl - 1] == '/';
}

/*
 * The mode of @site under the current rules. Called under kmg_sites_lock
 * (site.c), interrupts off.
 */
unsigned int kmg_rz_site_mode(const struct kmg_site *site)
{
	const struct kmg_rz_rules *rules;
	unsigned int i, mode = KMG_RZ_OFF;

	if (IS_ENABLED(CONFIG_KASAN) || site->gone || !site->pcpu)
		return KMG_RZ_OFF;
	rcu_read_lock();
	rules = rcu_dereference(kmg_rz_rules);
	for (i = 0; rules && i < rules->n; i++) {
		const struct kmg_rz_rule *r = &rules->r[i];

		if (r->module[0] && strcmp(r->module, site->modname))
			continue;
		if (r->file[0] && (r->line != site->line ||
				   !kmg_rz_file_matches(site->file, r->file)))
			continue;
		mode = max_t(unsigned int, mode, r->mode);
	}
	rcu_read_unlock();
	return mode;
}

/*
 * Parse one rule, MODULE (or "all", for redzone=) or MODULE:FILE:LINE (for
 * guard=), into @r. Returns 0, or -EINVAL with the reason in dmesg.
 */
static int kmg_rz_parse_rule(char *s, u8 mode, struct kmg_rz_rule *r)
{
	char *file = strchr(s, ':'), *line;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	if (file) {
		*file++ = '\0';
		line = strrchr(file, ':');
		if (mode != KMG_RZ_GUARD || !line || line == file) {
			pr_warn("control: %s takes MODULE%s\n",
				mode == KMG_RZ_GUARD ? "guard=" : "redzone=",
				mode == KMG_RZ_GUARD ? " or MODULE:FILE:LINE" : " or all");
			return -EINVAL;
		}
		*line++ = '\0';
		if (kstrtouint(line, 10, &r->line) || !r->line ||
		    strlen(file) >= sizeof(r->file) || strpbrk(file, ":,")) {
			pr_warn("control: guard=MODULE:FILE:LINE needs a file name and a line 1..\n");
			return -EINVAL;
		}
		strscpy(r->file, file, sizeof(r->file));
	}
	if (!strcmp(s, "all")) {
		if (mode == KMG_RZ_REDZONE)
			return 0;	/* every module */
		pr_warn("control: guard= takes modules one by one, not all\n");
		return -EINVAL;
	}
	if (!kmg_name_ok(s, sizeof(r->module))) {
		pr_warn("control: %s needs a module name\n",
			mode == KMG_RZ_GUARD ? "guard=" : "redzone=");
		return -EINVAL;
	}
	strscpy(r->module, s, sizeof(r->module));
	return 0;
}

static bool kmg_rz_rule_same(const struct kmg_rz_rule *a,
			     const struct kmg_rz_rule *b)
{
	return a->mode == b->mode && !strcmp(a->module, b->module) &&
	       !strcmp(a->file, b->file) && a->line == b->line;
}

/*
 * Publish @new (NULL: no rules) and give every site its mode again.
 * kmg_rz_mutex held, process context.
 */
static void kmg_rz_publish(struct kmg_rz_rules *new)
{
	struct kmg_rz_rules *old;
	bool guard = false;
	unsigned int i;

	for (i = 0; new && i < new->n; i++)
		guard |= new->r[i].mode == KMG_RZ_GUARD;
	if (IS_ENABLED(CONFIG_KASAN)) {
		if (new && new->n)
			pr_info("redzones and guarded objects are off under KASAN: it finds these bugs itself\n");
	} else {
		/* No pool: guarded sites get redzones (kmg_rz_kmalloc()). */
		if (guard && kmg_guard_setup())
			pr_warn("no guard pool: guarded sites get redzones only\n");
		/* Never switched off again: text is not patched under load. */
		if (new && new->n && !static_key_enabled(&kmg_rz_key))
			static_branch_enable(&kmg_rz_key);
	}
	old = rcu_replace_pointer(kmg_rz_rules, new,
				  lockdep_is_held(&kmg_rz_mutex));
	kmg_sites_update_rz();
	if (old)
		kfree_rcu(old, rcu);
}

/* A copy of the rules without those @drop says to drop (NULL: keep all). */
static struct kmg_rz_rules *kmg_rz_copy(bool (*drop)(const struct kmg_rz_rule *r))
{
	struct kmg_rz_rules *old, *new;
	unsigned int i;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	old = rcu_dereference_protected(kmg_rz_rules,
					lockdep_is_held(&kmg_rz_mutex));
	for (i = 0; old && i < old->n; i++)
		if (!drop || !drop(&old->r[i]))
			new->r[new->n++] = old->r[i];
	return new;
}

static bool kmg_rz_drop_guard(const struct kmg_rz_rule *r)
{
	return r->mode == KMG_RZ_GUARD;
}

static bool kmg_rz_drop_redzone(const struct kmg_rz_rule *r)
{
	return r->mode == KMG_RZ_REDZONE;
}

static bool kmg_rz_drop_all(const struct kmg_rz_rule *r)
{
	return true;
}

/*
 * Apply @list, comma-separated rules of @mode. A command (control) adds
 * them; with @replace (a parameter) they replace those of @mode. "none"
 * (and, for a parameter, nothing) drops the rules of @mode, except that
 * the command redzone=none drops every rule. All or nothing. kmg_rz_mutex
 * held, process context.
 */
static int kmg_rz_apply(const char *list, u8 mode, bool replace)
{
	bool (*drop)(const struct kmg_rz_rule *r) = NULL;
	bool none = !strcmp(list, "none") || !list[0];
	struct kmg_rz_rules *new;
	struct kmg_rz_rule r;
	char *buf, *s, *tok;
	unsigned int i;
	int ret = 0;

	if (replace || none)
		drop = mode == KMG_RZ_GUARD ? kmg_rz_drop_guard : kmg_rz_drop_redzone;
	if (none && !replace && mode == KMG_RZ_REDZONE)
		drop = kmg_rz_drop_all;
	buf = kstrdup(list, GFP_KERNEL);
	new = kmg_rz_copy(drop);
	if (!buf || !new) {
		ret = -ENOMEM;
		goto out;
	}
	s = buf;
	while (!none && (tok = strsep(&s, ","))) {
		ret = kmg_rz_parse_rule(tok, mode, &r);
		if (ret)
			break;
		for (i = 0; i < new->n; i++)
			if (kmg_rz_rule_same(&new->r[i], &r))
				break;
		if (i < new->n)
			continue;	/* already there */
		if (new->n == KMG_RZ_RULES) {
			pr_warn("control: at most %d redzone and guard rules\n",
				KMG_RZ_RULES);
			ret = -EINVAL;
			break;
		}
		new->r[new->n++] = r;
	}
	if (!ret) {
		kmg_rz_publish(new);
		new = NULL;
	}
out:
	kfree(new);
	kfree(buf);
	return ret;
}

/* The rules of @mode, comma-separated, into @buf. kmg_rz_mutex held. */
static int kmg_rz_list(char *buf, size_t len, u8 mode)
{
	const struct kmg_rz_rules *rules;
	unsigned int i;
	int n = 0;

	rules = rcu_dereference_protected(kmg_rz_rules,
					  lockdep_is_held(&kmg_rz_mutex));
	buf[0] = '\0';
	for (i = 0; rules && i < rules->n; i++) {
		const struct kmg_rz_rule *r = &rules->r[i];

		if (r->mode != mode)
			continue;
		n += scnprintf(buf + n, len - n, "%s%s", n ? "," : "",
			       r->module[0] ? r->module : "all");
		if (r->file[0])
			n += scnprintf(buf + n, len - n, ":%s:%u", r->file,
				       r->line);
	}
	return n;
}

/* debugfs control: "check", "redzone=...", "guard=..."; -ENOENT: not ours. */
int kmg_rz_control(const char *cmd)
{
	int ret;

	if (!strcmp(cmd, "check")) {
		ret = kmg_rz_check_all();
		return ret < 0 ? ret : 0;
	}
	if (strncmp(cmd, "redzone=", 8) && strncmp(cmd, "guard=", 6))
		return -ENOENT;
	if (!cmd[cmd[0] == 'r' ? 8 : 6]) {
		pr_warn("control: %s needs a module name, or none\n",
			cmd[0] == 'r' ? "redzone=" : "guard=");
		return -EINVAL;
	}
	mutex_lock(&kmg_rz_mutex);
	if (cmd[0] == 'r')
		ret = kmg_rz_apply(cmd + 8, KMG_RZ_REDZONE, false);
	else
		ret = kmg_rz_apply(cmd + 6, KMG_RZ_GUARD, false);
	mutex_unlock(&kmg_rz_mutex);
	return ret;
}

void kmg_rz_control_show(struct seq_file *m)
{
	char *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);

	if (!buf)
		return;
	mutex_lock(&kmg_rz_mutex);
	kmg_rz_list(buf, PAGE_SIZE, KMG_RZ_REDZONE);
	seq_printf(m, "redzone=%s\n", buf);
	kmg_rz_list(buf, PAGE_SIZE, KMG_RZ_GUARD);
	seq_printf(m, "guard=%s\n", buf);
	mutex_unlock(&kmg_rz_mutex);
	kfree(buf);
}

void kmg_rz_stats_show(struct seq_file *m)
{
	seq_printf(m, "last check objects: %ld\n",
		   atomic_long_read(&kmg_rz_last_checked));
	seq_printf(m, "last check corrupted: %ld\n",
		   atomic_long_read(&kmg_rz_last_bad));
}

/*
 * kmemguard.redzone= and kmemguard.guard=: the whole list of that kind of
 * rule (a write replaces it). Before kmemguard's init the value is kept
 * and applied there.
 */
static int kmg_rz_param_set(const char *val, const struct kernel_param *kp)
{
	u8 mode = (uintptr_t)kp->arg;
	char buf[sizeof(kmg_rz_param[0])];
	int ret;

	if (strscpy(buf, val, sizeof(buf)) < 0) {
		pr_warn("%s: at most %zu characters\n", kp->name, sizeof(buf) - 1);
		return -EINVAL;
	}
	strim(buf);
	mutex_lock(&kmg_rz_mutex);
	if (!kmg_rz_ready) {
		strscpy(kmg_rz_param[mode - 1], buf, sizeof(buf));
		ret = 0;
	} else {
		ret = kmg_rz_apply(buf, mode, true);
	}
	mutex_unlock(&kmg_rz_mutex);
	return ret;
}

static int kmg_rz_param_get(char *buf, const struct kernel_param *kp)
{
	u8 mode = (uintptr_t)kp->arg;
	char list[256];

	mutex_lock(&kmg_rz_mutex);
	if (kmg_rz_ready)
		kmg_rz_list(list, sizeof(list), mode);
	else
		strscpy(list, kmg_rz_param[mode - 1], sizeof(list));
	mutex_unlock(&kmg_rz_mutex);
	return sysfs_emit(buf, "%s\n", list);
}

static const struct kernel_param_ops kmg_rz_param_ops = {
	.set = kmg_rz_param_set,
	.get = kmg_rz_param_get,
};
module_param_cb(redzone, &kmg_rz_param_ops, (void *)KMG_RZ_REDZONE, 0644);
MODULE_PARM_DESC(redzone, "Modules whose allocations get redzones and poison, comma-separated, or all (default: none)");
module_param_cb(guard, &kmg_rz_param_ops, (void *)KMG_RZ_GUARD, 0644);
MODULE_PARM_DESC(guard, "Guarded sites: MODULE or MODULE:FILE:LINE, comma-separated (default: none)");

/* === Slab caches created with redzones ==================================== */

/**
 * struct kmg_rz_cache - a cache kmemguard made KMG_RZ_EXTRA bytes bigger
 * @node:	in kmg_rz_caches (RCU; kmg_rz_mutex for writers)
 * @s:		the cache
 * @size:	the object size the driver asked for
 * @align:	the objects' alignment (for guarded ones)
 * @poison:	freed objects may be poisoned: no constructor, not
 *		SLAB_TYPESAFE_BY_RCU
 * @dma:	a DMA cache: its objects are never guarded (guard.c's memory is
 *		not in the linear map)
 * @rcu:	freed after a grace period
 */
struct kmg_rz_cache {
	struct hlist_node node;
	struct kmem_cache *s;
	unsigned int size;
	unsigned int align;
	bool poison;
	bool dma;
	struct rcu_head rcu;
};

static struct hlist_head kmg_rz_caches[1 << KMG_RZ_CACHE_BITS];
static unsigned int kmg_rz_caches_nr;	/* kmg_rz_mutex; READ_ONCE() to skip */

static struct kmg_rz_cache *kmg_rz_cache_find(struct kmem_cache *s)
{
	struct kmg_rz_cache *c;

	hlist_for_each_entry_rcu(c, &kmg_rz_caches[hash_ptr(s, KMG_RZ_CACHE_BITS)],
				 node)
		if (c->s == s)
			return c;
	return NULL;
}

/*
 * The object size to create a cache with at @site (and its flags: a cache
 * kmemguard made bigger must not be merged with another, which would not
 * know).
 */
unsigned int kmg_rz_cache_create_size(struct kmg_site *site, unsigned int size,
				      slab_flags_t *flags)
{
	if (!site || !kmg_rz_mode_of(site) || size > KMALLOC_MAX_SIZE)
		return size;
	*flags |= KMG_SLAB_RZ_NO_MERGE;
	return size + KMG_RZ_EXTRA;
}

/* A cache was created at @site (created bigger, if it has redzones). */
void kmg_rz_cache_created(struct kmg_site *site, struct kmem_cache *s,
			  unsigned int size, unsigned int align,
			  slab_flags_t flags, bool ctor)
{
	struct kmg_rz_cache *c, *old;

	if (!site || IS_ERR_OR_NULL(s) || !kmg_rz_mode_of(site) ||
	    size > KMALLOC_MAX_SIZE)
		return;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return;		/* objects get what ksize() leaves, unpoisoned */
	c->s = s;
	c->size = size;
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max_t(unsigned int, align, cache_line_size());
	c->align = max_t(unsigned int, roundup_pow_of_two(align ?: 1),
			 KMG_RZ_MIN_ALIGN);
	c->poison = !ctor && !(flags & SLAB_TYPESAFE_BY_RCU);
	c->dma = flags & (SLAB_CACHE_DMA | SLAB_CACHE_DMA32);
	mutex_lock(&kmg_rz_mutex);
	/*
	 * A cache kmemguard made bigger is never merged (KMG_SLAB_RZ_NO_MERGE):
	 * an entry for @s is a destroyed cache's whose address was reused.
	 * The new cache's size and layout replace it.
	 */
	rcu_read_lock();
	old = kmg_rz_cache_find(s);
	rcu_read_unlock();
	if (old) {
		hlist_replace_rcu(&old->node, &c->node);
		kfree_rcu(old, rcu);
	} else {
		hlist_add_head_rcu(&c->node,
				   &kmg_rz_caches[hash_ptr(s, KMG_RZ_CACHE_BITS)]);
		WRITE_ONCE(kmg_rz_caches_nr, kmg_rz_caches_nr + 1);
	}
	mutex_unlock(&kmg_rz_mutex);
}

void kmg_rz_cache_destroyed(struct kmem_cache *s)
{
	struct kmg_rz_cache *c;

	if (!static_branch_unlikely(&kmg_rz_key))
		return;
	mutex_lock(&kmg_rz_mutex);
	rcu_read_lock();
	c = kmg_rz_cache_find(s);
	rcu_read_unlock();
	if (c) {
		hlist_del_rcu(&c->node);
		WRITE_ONCE(kmg_rz_caches_nr, kmg_rz_caches_nr - 1);
		kfree_rcu(c, rcu);
	}
	mutex_unlock(&kmg_rz_mutex);
}

/*
 * The size the driver asked for, of cache @s whose object size is @size.
 * Every tracked kmem_cache_alloc() asks once a rule was set: no lookup
 * while kmemguard made no cache bigger.
 */
size_t kmg_rz_cache_size(struct kmem_cache *s, size_t size)
{
	struct kmg_rz_cache *c;

	if (!static_branch_unlikely(&kmg_rz_key) || !READ_ONCE(kmg_rz_caches_nr))
		return size;
	rcu_read_lock();
	c = kmg_rz_cache_find(s);
	if (c)
		size = c->size;
	rcu_read_unlock();
	return size;
}

/* === Filling ============================================================== */

/* Where an object's memory ends: what a redzone or poison may cover. */
static unsigned long kmg_rz_end(const struct kmg_record *rec)
{
	const void *p = (const void *)rec->addr;

	if (kmg_guard_addr(p))
		return PAGE_SIZE - offset_in_page(p);
	switch (rec->family) {
	case KMG_FAM_VMALLOC:
		return PAGE_ALIGN(rec->size);
	case KMG_FAM_PAGES:
		return PAGE_SIZE << rec->order;
	default:
		return ksize(p);
	}
}

/**
 * kmg_rz_usable() - how much of an object the driver may use
 * @rec: its record
 *
 * Its size, or once the driver asked ksize(): what the kernel would have
 * said without kmemguard (the kmalloc size class of the requested size), a
 * guarded object the rest of its page.
 */
size_t kmg_rz_usable(const struct kmg_record *rec)
{
	if (rec->family == KMG_FAM_PAGES || !(rec->rz & KMG_RZ_KSIZE) ||
	    rec->family == KMG_FAM_CACHE)
		return rec->size;
	if (kmg_guard_addr((void *)rec->addr))
		return PAGE_SIZE - offset_in_page(rec->addr);
	return min_t(size_t, kmalloc_size_roundup(rec->size), kmg_rz_end(rec));
}

/* Fill [@from, @to) of the object at @p with the redzone pattern. */
static void kmg_rz_fill(void *p, unsigned long from, unsigned long to)
{
	if (to > from)
		memset(p + from, KMG_RZ_BYTE, to - from);
}

/*
 * kmalloc() at @site, which has redzones: a guarded object, or a bigger
 * one whose slack is redzone. *@rz gets the record's KMG_RZ_* state; the
 * caller tracks the object with KMG_REC_POISON.
 */
void *kmg_rz_kmalloc(struct kmg_site *site, size_t size, gfp_t gfp, int node,
		     u8 *rz)
{
	size_t size_extra = 0;
	void *p;

	*rz = 0;
	/*
	 * Guarded memory is not in the linear map (guard.c): never for
	 * memory asked for as DMA memory.
	 */
	if (kmg_rz_mode_of(site) == KMG_RZ_GUARD &&
	    !(gfp & (GFP_DMA | GFP_DMA32))) {
		/* Natural alignment for powers of two, as kmalloc() promises. */
		p = kmg_guard_alloc(size, is_power_of_2(size) ? size :
				    ARCH_KMALLOC_MINALIGN);
		if (p) {
			kmg_count(KMG_COUNT_GUARDED);
			kmg_count(KMG_COUNT_RZ_OBJECTS);
			return p;
		}
		if (size)
			kmg_count(KMG_COUNT_GUARD_MISSED);
	}
	if (!size || size > KMALLOC_MAX_SIZE - KMG_RZ_EXTRA) {
		/* No room for more: the slack there is (if any) is redzone. */
		p = kmg_raw_kmalloc_node(size, gfp, node);
		if (!ZERO_OR_NULL_PTR(p)) {
			kmg_rz_fill(p, size, ksize(p));
			kmg_count(KMG_COUNT_RZ_OBJECTS);
		}
		return p;
	}
	/* Extra bytes only where the size class leaves too few. */
	if (kmalloc_size_roundup(size) - size < KMG_RZ_EXTRA) {
		size_t want = size + KMG_RZ_EXTRA;

		/*
		 * kmalloc() aligns a power-of-two size to itself: a size class
		 * that is a power of two keeps that (kmalloc(64) from
		 * kmalloc-128, not kmalloc-96). Such a size is at most
		 * KMALLOC_MAX_SIZE / 2 here.
		 */
		if (is_power_of_2(size))
			want = roundup_pow_of_two(want);
		size_extra = want - size;
	}
	p = kmg_raw_kmalloc_node(size + size_extra, gfp, node);
	if (p) {
		kmg_rz_fill(p, size, ksize(p));
		kmg_count(KMG_COUNT_RZ_OBJECTS);
	}
	return p;
}

/*
 * kmem_cache_alloc() of @s at @site, which has redzones. @size: the object
 * size the driver asked for when it created @s. With @lru
 * (kmem_cache_alloc_lru()) from @s itself, never from a guard slot: the
 * allocation prepares the object's memory cgroup's list on @lru.
 */
void *kmg_rz_cache_alloc(struct kmg_site *site, struct kmem_cache *s,
			 struct list_lru *lru, size_t size, gfp_t gfp, u8 *rz)
{
	struct kmg_rz_cache *c;
	unsigned int align = 0;
	bool poison, dma;
	void *p;

	rcu_read_lock();
	c = kmg_rz_cache_find(s);
	poison = c && c->poison;
	dma = c && c->dma;
	if (poison)
		align = c->align;
	rcu_read_unlock();
	/* Not for a constructor's objects: it would have to run first. */
	*rz = poison ? 0 : KMG_RZ_NOPOISON;
	if (kmg_rz_mode_of(site) == KMG_RZ_GUARD && poison && !dma && !lru &&
	    !(gfp & (GFP_DMA | GFP_DMA32))) {
		p = kmg_guard_alloc(size, align);
		if (p) {
			kmg_count(KMG_COUNT_GUARDED);
			kmg_count(KMG_COUNT_RZ_OBJECTS);
			return p;
		}
		kmg_count(KMG_COUNT_GUARD_MISSED);
	}
	p = lru ? kmg_raw_kmem_cache_alloc_lru(s, lru, gfp) :
		  kmg_raw_kmem_cache_alloc(s, gfp);
	if (p) {
		kmg_rz_fill(p, size, ksize(p));
		kmg_count(KMG_COUNT_RZ_OBJECTS);
	}
	return p;
}

/*
 * An object kmemguard did not size (kvmalloc(), vmalloc(), pages) from a
 * site with redzones: its slack becomes redzone. Returns the record flags
 * to add.
 */
unsigned int kmg_rz_new(const void *p, size_t size, enum kmg_family family,
			u8 *rz)
{
	*rz = 0;
	switch (family) {
	case KMG_FAM_KMALLOC:
		kmg_rz_fill((void *)p, size, ksize(p));
		break;
	case KMG_FAM_VMALLOC:
		kmg_rz_fill((void *)p, size, PAGE_ALIGN(size));
		break;
	case KMG_FAM_PAGES:
		break;		/* no slack; poisoned while held */
	default:
		return 0;
	}
	kmg_count(KMG_COUNT_RZ_OBJECTS);
	return KMG_REC_POISON;
}

/* === Checking ============================================================= */

/*
 * Check [@from, @to) (offsets from @obj, the object's start or a copy's
 * base, @lo..@hi its memory) against @pattern. The first corruption found
 * in an object is copied to @f with the memory around it; later ones widen
 * @f->last. With @restore (held objects only: the quarantine owns them)
 * the pattern is written back. Returns true if all was well.
 */
static bool kmg_rz_check_range(struct kmg_rz_finding *f, u8 *obj, long from,
			       long to, long lo, long hi, u8 pattern,
			       bool restore)
{
	u8 *bad, *last, *q;
	long w, i;

	if (from >= to)
		return true;
	bad = memchr_inv(obj + from, pattern, to - from);
	if (!bad)
		return true;
	last = obj + to - 1;
	while (*last == pattern)
		last--;
	if (!f->bad) {
		f->first = bad - obj;
		f->pattern = pattern;
		/* KMG_RZ_DUMP bytes from a row before the bad one's, in bounds. */
		w = ALIGN_DOWN(f->first, 16) - 16;
		w = max(w, lo);
		f->dump_len = min_t(long, KMG_RZ_DUMP, hi - w);
		f->dump_off = w;
		memcpy(f->dump, obj + w, f->dump_len);
		for (i = 0; i < f->dump_len; i++)
			if (w + i < from || w + i >= to || f->dump[i] == pattern)
				f->good |= BIT(i);
	}
	f->last = max_t(long, f->last, last - obj);
	for (q = bad; q <= last; q++)
		f->bad += *q != pattern;
	if (restore)
		memset(bad, pattern, last - bad + 1);
	return false;
}

/* Is the object of @rec in the linear map (else in vmalloc space)? */
static bool kmg_rz_linear(const struct kmg_record *rec)
{
	const void *p = (const void *)rec->addr;

	return !kmg_guard_addr(p) && !is_vmalloc_addr(p);
}

/*
 * Is every page of [@p, @p + @len), vmalloc space, mapped? Its page table
 * entries are cleared at a vfree() at once (TLB flushes are lazy).
 */
static bool kmg_rz_vmapped(const u8 *p, long len)
{
	unsigned long a = (unsigned long)p & PAGE_MASK;

	for (; a < (unsigned long)p + len; a += PAGE_SIZE)
		if (!vmalloc_to_page((void *)a))
			return false;
	return true;
}

/*
 * May a check that does not run at the object's free read the live object
 * of @rec? A live record does not prove the memory is still the driver's:
 * kernel code may have freed it behind kmemguard's back. A guarded object
 * must still be its slot's live object; linear-map memory must still be a
 * slab page, or the start of a large kmalloc() allocation (ksize() is
 * asked of it). vmalloc memory is read with copy_from_kernel_nofault()
 * (kmg_rz_check_live()). Only read, never written: if that memory is now
 * someone else's, the worst is a report about a stale record.
 */
static bool kmg_rz_may_read(const struct kmg_record *rec)
{
	const void *p = (const void *)rec->addr;
	struct folio *folio;

	if (rec->family == KMG_FAM_PAGES)
		return false;		/* no redzone while live */
	if (kmg_guard_addr(p))
		return kmg_guard_live(p);
	if (is_vmalloc_addr(p))
		return true;
	if (!virt_addr_valid(p))
		return false;
	folio = virt_to_folio(p);
	if (folio_test_slab(folio))
		return true;
	return rec->family == KMG_FAM_KMALLOC && folio_test_large(folio) &&
	       folio_address(folio) == p &&
	       folio_size(folio) > KMALLOC_MAX_CACHE_SIZE;
}

/*
 * Check the redzone of the live object of @rec (copied into @f->rec).
 * @win: NULL at the object's free (the driver gives it back: it is its
 * memory to read); else a KMG_RZ_WIN buffer, and the caller checked
 * kmg_rz_may_read(): memory outside the linear map is copied into it with
 * copy_from_kernel_nofault() first, so a stale record's unmapped memory is
 * skipped, never read. Never writes to the object. Returns true if it is
 * corrupted (then @f says how).
 */
static bool kmg_rz_check_live(const struct kmg_record *rec,
			      struct kmg_rz_finding *f, u8 *win)
{
	long usable, end, head = 0, w0;
	u8 *obj = (u8 *)rec->addr;
	bool ok;

	memset(f, 0, sizeof(*f));
	f->rec = *rec;
	if (rec->family == KMG_FAM_PAGES)
		return false;
	usable = kmg_rz_usable(rec);
	end = kmg_rz_end(rec);
	if (kmg_guard_addr((void *)rec->addr))
		head = offset_in_page(rec->addr);
	if (win && !kmg_rz_linear(rec) && (head || usable < end)) {
		/* What the checks and a report's dump may read, copied. */
		w0 = head ? -head : max_t(long, ALIGN_DOWN(usable, 16) - 16, 0);
		if (end - w0 > KMG_RZ_WIN || !kmg_rz_vmapped(obj + w0, end - w0) ||
		    copy_from_kernel_nofault(win, obj + w0, end - w0))
			return false;	/* not mapped (a stale record) */
		obj = win - w0;
	}
	f->usable = usable;
	/* Before a guarded object (the start of its page), then after. */
	ok = kmg_rz_check_range(f, obj, -head, 0, -head, end, KMG_RZ_BYTE, false);
	ok &= kmg_rz_check_range(f, obj, usable, end, -head, end, KMG_RZ_BYTE,
				 false);
	this_cpu_inc(kmg_counters.c[KMG_COUNT_RZ_CHECKED]);
	if (ok)
		return false;
	f->bug = rec->family == KMG_FAM_VMALLOC ? KMG_BUG_VMALLOC_OOB :
						  KMG_BUG_SLAB_OOB;
	return true;
}

/* Is the held (freed) object of @rec poisoned, and not poisoned as it was? */
static bool kmg_rz_poisoned(const struct kmg_record *rec)
{
	if ((rec->flags & (KMG_REC_HELD | KMG_REC_LOST)) != KMG_REC_HELD ||
	    kmg_guard_addr((void *)rec->addr))
		return false;	/* not ours to read, or unmapped */
	return rec->family == KMG_FAM_PAGES || !(rec->rz & KMG_RZ_NOPOISON);
}

/* Check the poison of the held object of @rec. True: it was written to. */
static bool kmg_rz_check_held(const struct kmg_record *rec,
			      struct kmg_rz_finding *f, bool restore)
{
	long end;

	memset(f, 0, sizeof(*f));
	f->rec = *rec;
	if (!kmg_rz_poisoned(rec))
		return false;
	end = kmg_rz_end(rec);
	f->usable = rec->size;
	this_cpu_inc(kmg_counters.c[KMG_COUNT_RZ_CHECKED]);
	if (kmg_rz_check_range(f, (u8 *)rec->addr, 0, end, 0, end,
			       KMG_POISON_BYTE, restore))
		return false;
	f->bug = KMG_BUG_UAF;
	return true;
}

/*
 * The object of @rec was freed, the quarantine holds it: poison it. Not
 * the objects of a cache with a constructor or SLAB_TYPESAFE_BY_RCU (they
 * must keep their contents), nor pages someone else still has a reference
 * to (a driver may free its reference to a page it gave to, say, an skb):
 * those are not checked when they leave the quarantine either.
 */
static void kmg_rz_poison(const void *p, struct kmg_record *rec,
			  const struct kmg_record *copy,
			  const struct kmg_free_call *call)
{
	unsigned long end = kmg_rz_end(copy);

	if (copy->family == KMG_FAM_PAGES) {
		if (page_ref_count(virt_to_page(p)) == 1) {
			memset((void *)p, KMG_POISON_BYTE, end);
		} else {
			kmg_record_unpoison(rec);
			/* kfree_sensitive(): what goes back is still wiped. */
			kmg_wipe_sensitive(p, call, copy);
		}
	} else if (!(copy->rz & KMG_RZ_NOPOISON)) {
		memset((void *)p, KMG_POISON_BYTE, end);
	} else if (call->api == KMG_FREE_KFREE_SENSITIVE ||
		   call->api == KMG_FREE_KVFREE_SENSITIVE) {
		memzero_explicit((void *)p, end);
	}
}

/**
 * kmg_rz_free() - a tracked object with redzones is being freed
 * @site:	the free's site
 * @p:		the object
 * @call:	the free call
 * @rec:	its record, marked freed (in the table if KMG_REC_HELD)
 * @copy:	the record as it was
 *
 * Checks the redzone (reported as found at this free), then: memory the
 * quarantine will hold is poisoned (a guarded object's page unmapped) and
 * the record goes to the quarantine; a guarded object that is not held
 * goes back to the pool. Everything else the caller finishes as without
 * redzones.
 *
 * Return: true if the free is done (the caller must not free @p).
 */
bool kmg_rz_free(struct kmg_site *site, const void *p,
		 const struct kmg_free_call *call, struct kmg_record *rec,
		 const struct kmg_record *copy)
{
	bool guarded = kmg_guard_addr(p), held = rec->flags & KMG_REC_HELD;
	struct kmg_rz_finding f;

	/* Reported by an on-demand check already: once is enough. */
	if (!(copy->rz & KMG_RZ_REPORTED) && kmg_rz_check_live(copy, &f, NULL)) {
		f.when = "when it was freed";
		f.at = site;
		f.rec.free_site = site;
		f.rec.free_stack = rec->free_stack;
		f.rec.flags |= KMG_REC_FREED;
		kmg_report_corruption(&f);
	}
	if (held && guarded) {
		kmg_guard_hold(p);
	} else if (held && rec->size > KMG_QUARANTINE_OBJECT) {
		/* (A repaired vmalloc area too big to keep: out at once.) */
		kmg_record_unpoison(rec);
		kmg_wipe_sensitive(p, call, copy);
		kmemleak_ignore(p);
	} else if (held) {
		kmg_rz_poison(p, rec, copy, call);
		/* Held memory is nobody's: kmemleak must not call it a leak. */
		if (copy->family != KMG_FAM_PAGES)
			kmemleak_ignore(p);
	} else if (guarded) {
		/* Never to the allocator: it is the pool's. */
		if (call->api == KMG_FREE_RCU)
			kmg_release_after_gp(copy);
		else
			kmg_guard_release(p);
		if (rec->flags & KMG_REC_DETACHED) {
			kmg_record_put(rec);
			return true;
		}
	} else {
		return false;
	}
	kmg_quarantine_add(rec);
	return true;
}

/*
 * record.c: @rec leaves the quarantine; its memory is still held. Was it
 * written to since its free? Any context but NMI.
 */
void kmg_rz_evict(struct kmg_record *rec)
{
	struct kmg_rz_finding f;

	if (kmg_rz_check_held(rec, &f, false)) {
		f.when = "when it left the quarantine";
		kmg_report_corruption(&f);
	}
}

/*
 * core.c: @leaked, the live records of a module that unloaded (a chain
 * through ->next): their redzones, before the leak report, but for those
 * an on-demand check reported already. Process context.
 */
void kmg_rz_check_leaked(struct kmg_record *leaked)
{
	struct kmg_rz_finding f;
	struct kmg_record *rec;
	unsigned long n = 0;
	u8 *win = kmalloc(KMG_RZ_WIN, GFP_KERNEL);

	for (rec = leaked; rec; rec = rec->next) {
		if (!(rec->flags & KMG_REC_POISON) ||
		    (rec->rz & KMG_RZ_REPORTED) || !kmg_rz_may_read(rec) ||
		    (!win && !kmg_rz_linear(rec)))
			continue;
		if (kmg_rz_check_live(rec, &f, win)) {
			f.when = "when its module unloaded";
			kmg_report_corruption(&f);
		}
		if (!(++n & 255))
			cond_resched();
	}
	kfree(win);
}

/* What an on-demand check's scans share. */
struct kmg_rz_scan {
	struct kmg_rz_finding f;
	u8 win[KMG_RZ_WIN];
};

/*
 * On demand, under a bucket lock: a live object's redzone. A finding is
 * not written back (the memory may no longer be the driver's): the record
 * is marked reported instead, so that neither a later check, nor its free,
 * nor its module's unload reports it again.
 */
static bool kmg_rz_scan_live(struct kmg_record *rec, void *arg)
{
	struct kmg_rz_scan *s = arg;

	if (!(rec->flags & KMG_REC_POISON) || (rec->flags & KMG_REC_FREED))
		return false;
	atomic_long_inc(&kmg_rz_last_checked);
	if ((rec->rz & KMG_RZ_REPORTED) || !kmg_rz_may_read(rec) ||
	    !kmg_rz_check_live(rec, &s->f, s->win))
		return false;
	rec->rz |= KMG_RZ_REPORTED;
	s->f.rec.rz |= KMG_RZ_REPORTED;
	return true;
}

/* On demand, under a quarantine ring's lock: a held object's poison. */
static bool kmg_rz_scan_held(struct kmg_record *rec, void *arg)
{
	struct kmg_rz_scan *s = arg;

	if (!(rec->flags & KMG_REC_POISON) || !kmg_rz_poisoned(rec))
		return false;
	atomic_long_inc(&kmg_rz_last_checked);
	return kmg_rz_check_held(rec, &s->f, true);
}

/**
 * kmg_rz_check_all() - "check" in control: every redzone and poison now
 *
 * Live objects' redzones (under their bucket locks: each reported once,
 * its record marked) and held objects' poison (under their rings' locks:
 * the quarantine owns that memory, the poison is written back, so it is
 * reported once). Context: process, may sleep. Return: how many objects
 * were corrupted.
 */
int kmg_rz_check_all(void)
{
	struct kmg_rz_finding *f;
	struct kmg_rz_scan *s;
	unsigned int b, nth, pos;
	long bad = 0;
	int cpu;

	if (IS_ENABLED(CONFIG_KASAN) || !static_branch_unlikely(&kmg_rz_key)) {
		atomic_long_set(&kmg_rz_last_checked, 0);
		atomic_long_set(&kmg_rz_last_bad, 0);
		return 0;
	}
	s = kvmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	f = &s->f;
	atomic_long_set(&kmg_rz_last_checked, 0);
	/* The copies name sites: none may be released until they are printed. */
	kmg_going_lock();
	for (b = 0; b < kmg_table_buckets(); b++) {
		if (!(b & 1023))
			cond_resched();
		if (kmg_table_bucket_empty(b))
			continue;
		nth = 0;
		while (kmg_table_scan(b, &nth, kmg_rz_scan_live, s)) {
			f->when = "by an on-demand check";
			kmg_report_corruption(f);
			bad++;
		}
	}
	for_each_possible_cpu(cpu) {
		pos = 0;
		while (kmg_quarantine_scan(cpu, &pos, kmg_rz_scan_held, s)) {
			f->when = "by an on-demand check";
			kmg_report_corruption(f);
			bad++;
			cond_resched();
		}
	}
	kmg_going_unlock();
	kvfree(s);
	atomic_long_set(&kmg_rz_last_bad, bad);
	pr_info("check: %ld objects checked, %ld of them overwritten\n",
		atomic_long_read(&kmg_rz_last_checked), bad);
	return bad;
}

/* === ksize(), krealloc() ================================================== */

/**
 * kmemguard_ksize() - ksize() as a driver calls it (kmemguard.h)
 * @p: the object
 *
 * A redzoned or guarded object may be used up to what this returns; its
 * redzone starts there from now on. Anything else: the kernel's ksize().
 */
size_t kmemguard_ksize(const void *p)
{
	struct kmg_record copy;

	/* No bucket lock in NMI (the interrupted CPU may hold it): the kernel's answer. */
	if (unlikely(in_nmi()))
		return kmg_guard_addr(p) ? PAGE_SIZE - offset_in_page(p) : ksize(p);
	if (static_branch_unlikely(&kmg_rz_key) && !ZERO_OR_NULL_PTR(p) &&
	    kmg_table_set_rz(p, KMG_RZ_KSIZE, &copy))
		return kmg_rz_usable(&copy);
	if (kmg_guard_addr(p))	/* untracked: kmemguard was disabled */
		return PAGE_SIZE - offset_in_page(p);
	return ksize(p);
}
EXPORT_SYMBOL_GPL(kmemguard_ksize);

/*
 * Does krealloc() of @p need kmemguard (a live kmalloc object with
 * redzones)? Anything else takes krealloc()'s usual way, and its checks.
 */
bool kmg_rz_krealloc_owned(const void *p, struct kmg_record *copy)
{
	return kmg_table_find_exact((unsigned long)p, copy) &&
	       (copy->flags & (KMG_REC_FREED | KMG_REC_POISON)) == KMG_REC_POISON &&
	       copy->family == KMG_FAM_KMALLOC;
}

/* === Init and exit ======================================================== */

/* Apply the rules the parameters held at load. Process context. */
int kmg_rz_init(void)
{
	int ret = 0, i;

	mutex_lock(&kmg_rz_mutex);
	for (i = 0; i < 2 && !ret; i++)
		if (kmg_rz_param[i][0])
			ret = kmg_rz_apply(kmg_rz_param[i], i + 1, true);
	kmg_rz_ready = true;
	mutex_unlock(&kmg_rz_mutex);
	return ret;
}

/* kmemguard unloads: no tracked module is left, the quarantine is empty. */
void kmg_rz_exit(void)
{
	struct kmg_rz_cache *c;
	struct hlist_node *tmp;
	unsigned int i;

	struct kmg_rz_rules *rules;

	mutex_lock(&kmg_rz_mutex);
	kmg_rz_ready = false;
	rules = rcu_replace_pointer(kmg_rz_rules, NULL,
				    lockdep_is_held(&kmg_rz_mutex));
	if (rules)
		kfree_rcu(rules, rcu);
	for (i = 0; i < ARRAY_SIZE(kmg_rz_caches); i++)
		hlist_for_each_entry_safe(c, tmp, &kmg_rz_caches[i], node) {
			hlist_del(&c->node);
			kfree(c);
		}
	mutex_unlock(&kmg_rz_mutex);
	kmg_guard_exit();
}
