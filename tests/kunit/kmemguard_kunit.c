// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kmemguard's core: records and table (record.c), site
 * shadows (site.c), the quarantine (quarantine.c), free verdicts and
 * interior-pointer probes (check.c, family.c), leak grouping (report.c)
 * and fault rules (fault.c).
 *
 * Sites are static descriptors, like the header's, of stand-in modules
 * (mod_a, mod_b); each case ends by running kmemguard's own unload
 * processing for them (kmg_module_going()), so no shadow or record
 * outlives the case. Frees go through the exported entry points, on real
 * memory, so that the quarantine holds and releases it for real.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/irq_work.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "kmg.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static struct module mod_a = { .name = "kmg_test_a" };
static struct module mod_b = { .name = "kmg_test_b" };

#define FAKE(i)	((void *)(0xdead000000000000UL + (i) * 64))

#define KMG_TEST_SITE(f, l, m) \
	{ .file = f, .func = "kmg_test", .line = l, .mod = m }

/* The module "unloads": its leaks are reported, its shadows released. */
static void kmg_test_unload(struct module *mod)
{
	kmg_module_going(mod);
}

static struct kmg_site *kmg_test_shadow(struct kunit *test,
					struct kmemguard_site *desc)
{
	struct kmg_site *s = kmg_site_create(desc, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static void kmg_test_shadow_owns_its_strings(struct kunit *test)
{
	char file[] = "drivers/x/y.c", func[] = "probe";
	struct kmemguard_site desc = { .file = file, .func = func, .line = 7,
				       .mod = &mod_a };
	struct kmg_site *s = kmg_test_shadow(test, &desc);

	/* Published once in the descriptor; a second lookup is the same. */
	KUNIT_EXPECT_PTR_EQ(test, desc.shadow, s);
	KUNIT_EXPECT_PTR_EQ(test, kmg_site_create(&desc, GFP_KERNEL), s);
	/* Copies: what the driver's memory says later does not matter. */
	KUNIT_EXPECT_PTR_NE(test, s->file, (const char *)file);
	file[0] = 'X';
	func[0] = 'X';
	KUNIT_EXPECT_STREQ(test, s->file, "drivers/x/y.c");
	KUNIT_EXPECT_STREQ(test, s->func, "probe");
	KUNIT_EXPECT_STREQ(test, s->modname, "kmg_test_a");
	KUNIT_EXPECT_TRUE(test, kmg_module_tracked(&mod_a));
	kmg_test_unload(&mod_a);
	KUNIT_EXPECT_FALSE(test, kmg_module_tracked(&mod_a));
}

static void kmg_test_track_and_untrack(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("a.c", 1, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	struct kmg_record *rec;

	kmg_record_track(site, FAKE(1), 100, GFP_KERNEL, KMG_FAM_VMALLOC, 0,
			 NULL, KMG_REC_KV);
	rec = kmg_record_untrack(FAKE(1));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, rec->addr, (unsigned long)FAKE(1));
	KUNIT_EXPECT_EQ(test, rec->size, 100);
	KUNIT_EXPECT_PTR_EQ(test, rec->site, site);
	KUNIT_EXPECT_EQ(test, rec->family, KMG_FAM_VMALLOC);
	KUNIT_EXPECT_TRUE(test, rec->flags & KMG_REC_KV);
	KUNIT_EXPECT_TRUE(test, rec->gfp == GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, rec->ctx, KMG_CTX_TASK);
	KUNIT_EXPECT_EQ(test, rec->pid, task_pid_nr(current));
	kmg_record_put(rec);
	/* Gone: a second free finds nothing. */
	KUNIT_EXPECT_NULL(test, kmg_record_untrack(FAKE(1)));
	kmg_test_unload(&mod_a);
}

static void kmg_test_site_statistics(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("b.c", 2, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	struct kmg_site_sums s;
	int i;

	for (i = 0; i < 3; i++)
		kmg_record_track(site, FAKE(10 + i), 10 * (i + 1), GFP_KERNEL,
				 KMG_FAM_KMALLOC, 0, NULL, 0);
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.peak_bytes, 60);
	kmg_record_put(kmg_record_untrack(FAKE(11)));
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.live, 2);
	KUNIT_EXPECT_EQ(test, s.live_bytes, 40);
	KUNIT_EXPECT_EQ(test, s.peak_bytes, 60);
	KUNIT_EXPECT_EQ(test, s.allocs, 3);
	KUNIT_EXPECT_EQ(test, s.frees, 1);
	kmg_site_failed(site);
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.failed, 1);
	kmg_record_put(kmg_record_untrack(FAKE(10)));
	kmg_record_put(kmg_record_untrack(FAKE(12)));
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.live, 0);
	KUNIT_EXPECT_EQ(test, s.live_bytes, 0);
	kmg_test_unload(&mod_a);
}

static void kmg_test_stale_record_replaced(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("c.c", 3, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	long stale = kmg_counter_read(KMG_COUNT_STALE);
	struct kmg_site_sums s;

	/* Freed behind kmemguard's back, then handed out again. */
	kmg_record_track(site, FAKE(20), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	kmg_record_track(site, FAKE(20), 16, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	KUNIT_EXPECT_EQ(test, kmg_counter_read(KMG_COUNT_STALE), stale + 1);
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.live, 1);
	KUNIT_EXPECT_EQ(test, s.live_bytes, 16);
	kmg_record_put(kmg_record_untrack(FAKE(20)));
	KUNIT_EXPECT_NULL(test, kmg_record_untrack(FAKE(20)));
	kmg_test_unload(&mod_a);
}

static void kmg_test_restore_after_failed_free(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("d.c", 4, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	struct kmg_site_sums s;
	struct kmg_record *rec;

	kmg_record_track(site, FAKE(30), 64, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	rec = kmg_record_untrack(FAKE(30));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kmg_record_restore(rec);
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.live, 1);
	KUNIT_EXPECT_EQ(test, s.frees, 0);
	KUNIT_EXPECT_EQ(test, s.allocs, 1);
	rec = kmg_record_untrack(FAKE(30));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_PTR_EQ(test, rec->site, site);
	kmg_record_put(rec);
	kmg_test_unload(&mod_a);
}

/*
 * A module's code still running after its exit (a timer it did not stop)
 * allocates, or fails a krealloc(): once its sites are gone, no record is
 * made or put back (its records are being extracted, its shadows freed).
 * (The grace period kmg_module_going() waits after setting @gone, which
 * orders this against the extraction, is not something a case can see.)
 */
static void kmg_test_gone_site_gets_no_record(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("g.c", 7, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	long before = kmg_counter_read(KMG_COUNT_AFTER_EXIT);
	struct kmg_site_sums s;
	struct kmg_record *rec;

	kmg_record_track(site, FAKE(120), 64, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	rec = kmg_record_untrack(FAKE(120));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	/* What kmg_sites_module_gone() does, for this site alone. */
	WRITE_ONCE(site->gone, true);
	kmg_record_restore(rec);
	kmg_record_track(site, FAKE(121), 64, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	/* (a record found is put back, so a failure fails this case only) */
	rec = kmg_record_untrack(FAKE(120));
	KUNIT_EXPECT_NULL(test, rec);
	if (rec)
		kmg_record_put(rec);
	rec = kmg_record_untrack(FAKE(121));
	KUNIT_EXPECT_NULL(test, rec);
	if (rec)
		kmg_record_put(rec);
	KUNIT_EXPECT_EQ(test, kmg_counter_read(KMG_COUNT_AFTER_EXIT) - before, 2);
	/* The restore that did not happen is an end, not a free. */
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.allocs, 1);
	KUNIT_EXPECT_EQ(test, s.frees, 0);
	KUNIT_EXPECT_EQ(test, s.live, 0);
	/* The unload below must still see the module as tracked. */
	WRITE_ONCE(site->gone, false);
	kmg_test_unload(&mod_a);
}

/*
 * The same module's free: checked, but the freed record held in the
 * quarantine keeps no pointer to the going module's shadow (it would name
 * freed memory in a later double-free report): its free site is unknown.
 */
static void kmg_test_gone_free_site_not_kept(struct kunit *test)
{
	static struct kmemguard_site alloc = KMG_TEST_SITE("g.c", 8, &mod_a);
	static struct kmemguard_site free = KMG_TEST_SITE("g.c", 9, &mod_b);
	struct kmg_site *fs = kmg_test_shadow(test, &free);
	unsigned long p = kmemguard_get_free_pages(&alloc, GFP_KERNEL, 0);
	struct kmg_record copy;

	KUNIT_ASSERT_NE(test, p, 0);
	WRITE_ONCE(fs->gone, true);
	kmemguard_free_pages(&free, p, 0);
	WRITE_ONCE(fs->gone, false);
	KUNIT_ASSERT_TRUE(test, kmg_table_find_freed(p, KMG_FREE_PAGES, &copy));
	KUNIT_EXPECT_PTR_EQ(test, copy.site, alloc.shadow);
	KUNIT_EXPECT_PTR_EQ(test, copy.free_site, &kmg_site_unknown);
	kmg_test_unload(&mod_a);
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(p, KMG_FREE_PAGES, &copy));
	kmg_test_unload(&mod_b);
}

/*
 * A site a going module's code uses for the first time during its unload
 * gets a shadow that is gone at birth; once the unload is done, the next
 * module with that pointer (a new load) gets live ones again.
 */
static void kmg_test_shadow_born_gone(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("h.c", 10, &mod_b);
	static struct kmemguard_site later = KMG_TEST_SITE("h.c", 11, &mod_b);
	struct kmg_site *s;

	/* (As kmg_module_going() does; nothing may stop half-way in here.) */
	kmg_going_lock();
	kmg_sites_module_gone(&mod_b);
	s = kmg_site_create(&desc, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, s);
	if (s)
		KUNIT_EXPECT_TRUE(test, READ_ONCE(s->gone));
	KUNIT_EXPECT_FALSE(test, kmg_module_tracked(&mod_b));
	kmg_sites_module_release(&mod_b);
	kmg_going_unlock();
	/* (released after a grace period; the descriptor is the test's) */
	desc.shadow = NULL;
	s = kmg_test_shadow(test, &later);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s->gone));
	KUNIT_EXPECT_TRUE(test, kmg_module_tracked(&mod_b));
	kmg_test_unload(&mod_b);
}

/*
 * devm memory allocated at a site of built-in code (no module): its entry
 * is no orphan (it was taken for one, and the release then left the record
 * in the table and the orphan count wrapped). Released at unbind, its
 * record goes with it.
 */
static void kmg_test_devm_builtin_site(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("i.c", 12, NULL);
	struct kmg_record *rec;
	struct device *dev;
	void *p;

	dev = kunit_device_register(test, "kmg_test_devm");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	p = kmemguard_devm_kmalloc(&desc, dev, 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, desc.shadow);
	KUNIT_EXPECT_PTR_EQ(test, desc.shadow->mod, NULL);
	/* Unbound: devres frees the memory and runs kmemguard's entry. */
	kunit_device_unregister(test, dev);
	rec = kmg_record_untrack(p);
	KUNIT_EXPECT_NULL(test, rec);
	if (rec)
		kmg_record_put(rec);
	/*
	 * Its shadow stays, as every built-in site's (indirect.c's too) until
	 * kmemguard's exit: releasing "module NULL" would free theirs as well.
	 * It owns its strings; nothing points back into this module.
	 */
}

static void kmg_test_extract_module(struct kunit *test)
{
	static struct kmemguard_site a = KMG_TEST_SITE("e.c", 5, &mod_a);
	static struct kmemguard_site b = KMG_TEST_SITE("f.c", 6, &mod_b);
	struct kmg_site *sa = kmg_test_shadow(test, &a);
	struct kmg_site *sb = kmg_test_shadow(test, &b);
	struct kmg_record *out, *rec, *next;
	unsigned long count, n = 0;
	struct kmg_site_sums s;
	int i;

	for (i = 0; i < 3; i++)
		kmg_record_track(sa, FAKE(40 + i), 1, GFP_KERNEL,
				 KMG_FAM_KMALLOC, 0, NULL, 0);
	for (i = 0; i < 2; i++)
		kmg_record_track(sb, FAKE(50 + i), 1, GFP_KERNEL,
				 KMG_FAM_KMALLOC, 0, NULL, 0);
	out = kmg_table_extract_module(&mod_a, &count);
	KUNIT_EXPECT_EQ(test, count, 3);
	for (rec = out; rec; rec = next) {
		next = rec->next;
		KUNIT_EXPECT_PTR_EQ(test, rec->site, sa);
		kmg_record_put(rec);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3);
	kmg_site_sum(sa, &s);
	KUNIT_EXPECT_EQ(test, s.live, 0);
	/* The other module's records are untouched. */
	kmg_site_sum(sb, &s);
	KUNIT_EXPECT_EQ(test, s.live, 2);
	for (i = 0; i < 2; i++) {
		rec = kmg_record_untrack(FAKE(50 + i));
		KUNIT_ASSERT_NOT_NULL(test, rec);
		kmg_record_put(rec);
	}
	kmg_test_unload(&mod_a);
	kmg_test_unload(&mod_b);
}

static void kmg_test_leak_grouping(struct kunit *test)
{
	static struct kmemguard_site d1 = KMG_TEST_SITE("g.c", 20, &mod_a);
	static struct kmemguard_site d2 = KMG_TEST_SITE("g.c", 7, &mod_a);
	static struct kmemguard_site d3 = KMG_TEST_SITE("a.c", 99, &mod_a);
	struct kmg_site *s1 = kmg_test_shadow(test, &d1);
	struct kmg_site *s2 = kmg_test_shadow(test, &d2);
	struct kmg_site *s3 = kmg_test_shadow(test, &d3);
	struct kmg_site *order[] = { s1, s2, s3, s1, s3, s1 };
	depot_stack_handle_t stacks[] = { 5, 0, 0, 0, 0, 5 };
	struct kmg_record recs[ARRAY_SIZE(order)] = {};
	struct kmg_record *p[ARRAY_SIZE(order)];
	unsigned long i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		recs[i].site = order[i];
		recs[i].addr = ARRAY_SIZE(order) - i;
		recs[i].stack = stacks[i];
		p[i] = &recs[i];
	}
	KUNIT_EXPECT_EQ(test, kmg_leak_sort(p, ARRAY_SIZE(p)), 3);
	/* a.c:99 x2, then g.c:7, then g.c:20 x3, by address within a site. */
	KUNIT_EXPECT_PTR_EQ(test, p[0]->site, s3);
	KUNIT_EXPECT_PTR_EQ(test, p[1]->site, s3);
	KUNIT_EXPECT_LT(test, p[0]->addr, p[1]->addr);
	KUNIT_EXPECT_PTR_EQ(test, p[2]->site, s2);
	/* g.c:20: the two with a stack first, together; the one without last. */
	KUNIT_EXPECT_PTR_EQ(test, p[3]->site, s1);
	KUNIT_EXPECT_EQ(test, p[3]->stack, 5);
	KUNIT_EXPECT_EQ(test, p[4]->stack, 5);
	KUNIT_EXPECT_EQ(test, p[5]->stack, 0);
	kmg_test_unload(&mod_a);
}

struct kmg_test_irq {
	struct irq_work work;
	struct kmg_site *site;
};

static void kmg_test_irq_fn(struct irq_work *work)
{
	struct kmg_test_irq *t = container_of(work, struct kmg_test_irq, work);

	kmg_record_track(t->site, FAKE(60), 32, GFP_ATOMIC, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
}

static void kmg_test_hardirq_tracked(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("h.c", 8, &mod_a);
	struct kmg_test_irq t = { .site = kmg_test_shadow(test, &desc) };
	struct kmg_record *rec;

	t.work = IRQ_WORK_INIT_HARD(kmg_test_irq_fn);
	irq_work_queue(&t.work);
	irq_work_sync(&t.work);
	rec = kmg_record_untrack(FAKE(60));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, rec->ctx, KMG_CTX_HARDIRQ);
	KUNIT_EXPECT_EQ(test, rec->pid, 0);
	kmg_record_put(rec);
	kmg_test_unload(&mod_a);
}

static void kmg_test_disable_drops_records(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("i.c", 9, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	struct kmg_site_sums s;

	kmg_record_track(site, FAKE(70), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	kmg_set_enabled(false);
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.live, 0);
	KUNIT_EXPECT_NULL(test, kmg_record_untrack(FAKE(70)));
	/* While disabled nothing new is recorded. */
	kmg_record_track(site, FAKE(71), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	KUNIT_EXPECT_NULL(test, kmg_record_untrack(FAKE(71)));
	kmg_set_enabled(true);
	kmg_record_track(site, FAKE(72), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	kmg_record_put(kmg_record_untrack(FAKE(72)));
	kmg_site_sum(site, &s);
	KUNIT_EXPECT_EQ(test, s.allocs, 2);
	kmg_test_unload(&mod_a);
}

/*
 * The occupancy counts let an untracked free skip the table (check.c): a
 * count left above the records it counts only slows the skip, one left
 * below them hides a record from the peeks (a double free passed to the
 * allocator). Every way into and out of the table keeps it exact: track,
 * a stale record replaced, untrack, a module's extraction, a disable
 * (which empties the table: every count is zero then, or its flush warns).
 * (The exact counts assume no other record of a block sharing this one's
 * count comes or goes meanwhile: the suite runs with nothing else tracked.)
 */
static void kmg_test_occupancy_counts(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("o.c", 12, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	unsigned long a = (unsigned long)FAKE(64 * 300);	/* its own block */
	unsigned long wrong = kmg_table_occupancy_wrong();
	int c0 = kmg_table_occupancy(a);
	struct kmg_record *out, *next;
	unsigned long count;

	kmg_record_track(site, (void *)a, 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), c0 + 1);
	KUNIT_EXPECT_FALSE(test, kmg_table_range_quiet(a + 64, a + 64));
	KUNIT_EXPECT_TRUE(test, kmg_table_may_hold((void *)a));
	kmg_record_track(site, (void *)(a + 64), 8, GFP_KERNEL,
			 KMG_FAM_KMALLOC, 0, NULL, 0);
	/* a stale record replaced: one record for the address still */
	kmg_record_track(site, (void *)a, 16, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			 NULL, 0);
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), c0 + 2);
	kmg_record_put(kmg_record_untrack((void *)a));
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), c0 + 1);
	out = kmg_table_extract_module(&mod_a, &count);
	KUNIT_EXPECT_EQ(test, count, 1);
	for (; out; out = next) {
		next = out->next;
		kmg_record_put(out);
	}
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), c0);
	kmg_record_track(site, (void *)(a + 128), 8, GFP_KERNEL,
			 KMG_FAM_KMALLOC, 0, NULL, 0);
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), c0 + 1);
	kmg_set_enabled(false);
	/* The flush found every count right (it resets and warns if not). */
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy_wrong(), wrong);
	KUNIT_EXPECT_EQ(test, kmg_table_occupancy(a), 0);
	KUNIT_EXPECT_TRUE(test, kmg_table_range_quiet(a, a + 4095));
	KUNIT_EXPECT_TRUE(test, kmg_table_range_quiet(a + 8192, a));	/* empty */
	KUNIT_EXPECT_FALSE(test, kmg_table_may_hold((void *)(a + 128)));
	kmg_set_enabled(true);
	kmg_test_unload(&mod_a);
}

/*
 * A slab of one object of its class (kmalloc-4k or -8k under
 * slub_max_order=0, a KFENCE object): that object's one place is the
 * slab's start, and a pointer inside it must be found there. An order-0
 * folio stands in for the slab: the probes read its size and start only.
 * 2148 bytes in: past the start of every smaller class's place (2048).
 */
static void kmg_test_one_object_slab(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("s.c", 14, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	unsigned long p = __get_free_pages(GFP_KERNEL, 0);
	struct kmg_record copy = {};

	KUNIT_ASSERT_NE(test, p, 0);
	kmg_record_track(site, (void *)p, PAGE_SIZE, GFP_KERNEL,
			 KMG_FAM_KMALLOC, 0, NULL, 0);
	KUNIT_EXPECT_TRUE(test, kmg_table_inside_slab_object((void *)(p + 2148), NULL));
	KUNIT_EXPECT_TRUE(test, kmg_table_inside_slab_object((void *)(p + 2148), &copy));
	KUNIT_EXPECT_EQ(test, copy.addr, p);
	kmg_record_put(kmg_record_untrack((void *)p));
	KUNIT_EXPECT_FALSE(test, kmg_table_inside_slab_object((void *)(p + 2148), &copy));
	free_pages(p, 0);
	kmg_test_unload(&mod_a);
}

/* Pages: held by the quarantine on every kernel, KASAN or not. */
static void kmg_test_double_free_seen_in_quarantine(struct kunit *test)
{
	static struct kmemguard_site alloc = KMG_TEST_SITE("j.c", 10, &mod_a);
	static struct kmemguard_site free = KMG_TEST_SITE("j.c", 11, &mod_b);
	unsigned long p = kmemguard_get_free_pages(&alloc, GFP_KERNEL, 0);
	struct kmg_record copy;

	KUNIT_ASSERT_NE(test, p, 0);
	kmemguard_free_pages(&free, p, 0);
	/* The first free's record, with both sites, held with its memory. */
	KUNIT_ASSERT_TRUE(test, kmg_table_find_freed(p, KMG_FREE_PAGES, &copy));
	KUNIT_EXPECT_PTR_EQ(test, copy.site, alloc.shadow);
	KUNIT_EXPECT_PTR_EQ(test, copy.free_site, free.shadow);
	KUNIT_EXPECT_TRUE(test, copy.flags & KMG_REC_HELD);
	/* The freeing module unloads first: its quarantined record goes. */
	kmg_test_unload(&mod_b);
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(p, KMG_FREE_PAGES, &copy));
	kmg_test_unload(&mod_a);
}

/*
 * The quarantine at its largest and at 0, changed while full: every ring
 * stays within its slots, every evicted record leaves the table with its
 * memory, and after a flush nothing is held.
 */
static void kmg_test_quarantine_limits(struct kunit *test)
{
	static struct kmemguard_site alloc = KMG_TEST_SITE("k.c", 12, &mod_a);
	static struct kmemguard_site free = KMG_TEST_SITE("k.c", 13, &mod_a);
	unsigned int saved = READ_ONCE(kmg_quarantine_slots);
	long released = kmg_counter_read(KMG_COUNT_HELD_RELEASED);
	unsigned long pages[32], p;
	struct kmg_record copy;
	int i, held = 0;

	WRITE_ONCE(kmg_quarantine_slots, 1024);
	/* More frees than the ring has slots, on this CPU. */
	migrate_disable();
	for (i = 0; i < 3000; i++) {
		p = kmemguard_get_free_pages(&alloc, GFP_KERNEL, 0);
		KUNIT_ASSERT_NE(test, p, 0);
		if (i >= 3000 - ARRAY_SIZE(pages))
			pages[i - (3000 - ARRAY_SIZE(pages))] = p;
		kmemguard_free_pages(&free, p, 0);
	}
	migrate_enable();
	/* The most recent frees are still recognised. */
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		held += kmg_table_find_freed(pages[i], KMG_FREE_PAGES, &copy);
	KUNIT_EXPECT_EQ(test, held, ARRAY_SIZE(pages));
	/* 256 KiB per CPU at most: 64 pages each. */
	KUNIT_EXPECT_LE(test, kmg_quarantine_held_bytes(),
			num_possible_cpus() * 256UL * 1024);
	KUNIT_EXPECT_GE(test, kmg_counter_read(KMG_COUNT_HELD_RELEASED),
			released + 3000 - 64L * num_possible_cpus());
	/* Down to 0 at run time: everything goes back at once. */
	WRITE_ONCE(kmg_quarantine_slots, 0);
	kmg_quarantine_trim();
	KUNIT_EXPECT_EQ(test, kmg_quarantine_held_bytes(), 0);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(pages[i], KMG_FREE_PAGES, &copy));
	/* At 0 a free holds nothing. */
	p = kmemguard_get_free_pages(&alloc, GFP_KERNEL, 0);
	kmemguard_free_pages(&free, p, 0);
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(p, KMG_FREE_PAGES, &copy));
	WRITE_ONCE(kmg_quarantine_slots, saved);
	kmg_test_unload(&mod_a);
	KUNIT_EXPECT_EQ(test, kmg_quarantine_held_bytes(), 0);
}

/*
 * put_page() of a page whose folio is not what a live page record says:
 * the record is stale (its pages went with a put kmemguard did not see)
 * unless the page is the head of a plain order-N allocation.
 */
static void kmg_test_pages_stale(struct kunit *test)
{
	struct kmg_record rec = { .family = KMG_FAM_PAGES, .gfp = GFP_KERNEL };
	struct page *plain, *comp, *single;

	plain = alloc_pages(GFP_KERNEL, 2);
	comp = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	single = alloc_page(GFP_KERNEL);
	if (!plain || !comp || !single)
		goto out;
	/* The head of a plain order-2 allocation, put: not stale. */
	rec.addr = (unsigned long)page_address(plain);
	rec.order = 2;
	KUNIT_EXPECT_FALSE(test, kmg_pages_stale(&rec, 0));
	/* A tail with a reference of its own (split, or someone else's). */
	page_ref_inc(plain + 3);
	KUNIT_EXPECT_TRUE(test, kmg_pages_stale(&rec, 0));
	page_ref_dec(plain + 3);
	/* A record of a compound allocation, the page now order 0: stale. */
	rec.gfp = GFP_KERNEL | __GFP_COMP;
	KUNIT_EXPECT_TRUE(test, kmg_pages_stale(&rec, 0));
	/* The page is now a compound page of another order: stale. */
	rec.gfp = GFP_KERNEL;
	rec.addr = (unsigned long)page_address(comp);
	rec.order = 1;
	KUNIT_EXPECT_TRUE(test, kmg_pages_stale(&rec, 2));
	/* An order-2 record whose "tails" belong to a compound page: stale. */
	rec.order = 2;
	rec.addr = (unsigned long)page_address(comp);
	KUNIT_EXPECT_TRUE(test, kmg_pages_stale(&rec, 0));
	rec.addr = (unsigned long)page_address(single);
	rec.order = 0;
	KUNIT_EXPECT_FALSE(test, kmg_pages_stale(&rec, 0));
out:
	if (plain)
		__free_pages(plain, 2);
	if (comp)
		__free_pages(comp, 2);
	if (single)
		__free_page(single);
}

/*
 * Interior-pointer probes (check.c, record.c): a pointer inside a tracked
 * object is an invalid free. A record at a cache's or DMA pool's own struct
 * is sized as the objects it hands out: a pointer is inside it only as far
 * as the struct goes (kmg_record_extent()), and freeing a neighbour of the
 * struct is no bug.
 */
static void kmg_test_interior_of_handles(struct kunit *test)
{
	static const enum kmg_family handles[] = {
		KMG_FAM_CACHE_STRUCT, KMG_FAM_DMA_POOL_STRUCT, KMG_FAM_DMAM_POOL,
	};
	static struct kmemguard_site desc = KMG_TEST_SITE("k.c", 1, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	struct kmg_free_call call = { .api = KMG_FREE_KFREE };
	struct kmg_record inside, *rec;
	char *a = kmalloc(256, GFP_KERNEL);
	enum kmg_bug bug;
	unsigned int i;
	bool found;

	KUNIT_ASSERT_NOT_NULL(test, a);
	/* Each such family: its struct's first bytes, whatever its size. */
	for (i = 0; i < ARRAY_SIZE(handles); i++) {
		struct kmg_record r = { .family = handles[i], .size = 4096 };

		KUNIT_EXPECT_EQ_MSG(test, kmg_record_extent(&r),
				    KMG_STRUCT_COVERS, "family %u", handles[i]);
		r.size = 16;	/* a pool of 16-byte blocks: still the struct */
		KUNIT_EXPECT_EQ(test, kmg_record_extent(&r), KMG_STRUCT_COVERS);
	}
	/* Probed for real (a pool's record would need its pool info). */
	kmg_record_track(site, a, 4096, GFP_KERNEL, KMG_FAM_CACHE_STRUCT, 0,
			 NULL, 0);
	bug = kmg_check_untracked_free(a + 64, &call, &inside, &found);
	KUNIT_EXPECT_EQ(test, bug, KMG_BUG_NONE);
	KUNIT_EXPECT_FALSE(test, found);
	bug = kmg_check_untracked_free(a + 8, &call, &inside, &found);
	KUNIT_EXPECT_EQ(test, bug, KMG_BUG_INVALID_FREE);
	KUNIT_EXPECT_TRUE(test, found);
	rec = kmg_record_untrack(a);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kmg_record_put(rec);
	/* The same place, a kmalloc() object's record: all of it. */
	kmg_record_track(site, a, 256, GFP_KERNEL, KMG_FAM_KMALLOC, 0, NULL, 0);
	bug = kmg_check_untracked_free(a + 64, &call, &inside, &found);
	KUNIT_EXPECT_EQ(test, bug, KMG_BUG_INVALID_FREE);
	KUNIT_EXPECT_TRUE(test, found);
	KUNIT_EXPECT_EQ(test, inside.addr, (unsigned long)a);
	rec = kmg_record_untrack(a);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kmg_record_put(rec);
	kfree(a);
	kmg_test_unload(&mod_a);
}

/*
 * A destroyed cache's record stays, a tombstone (record.c:
 * kmg_keeps_unheld()): it answers a second destroy, never another free at
 * its address (memory the kernel made of the struct since), and a cache
 * made there removes it (kmg_table_forget_freed()).
 */
static void kmg_test_cache_tombstone(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("k.c", 2, &mod_a);
	struct kmg_record copy;
	struct kmem_cache *s;
	unsigned long a;

	if (!KMG_SLAB_NO_MERGE)
		kunit_skip(test, "no tombstones before 6.5 (merged caches)");
	s = kmemguard_kmem_cache_create(&desc, "kmg_kunit_tomb", 40, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	a = (unsigned long)s;
	kmemguard_kmem_cache_destroy(&desc, s);
	KUNIT_ASSERT_TRUE(test, kmg_table_find_freed(a, KMG_FREE_CACHE_DESTROY, &copy));
	KUNIT_EXPECT_EQ(test, copy.family, KMG_FAM_CACHE_STRUCT);
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(a, KMG_FREE_KFREE, &copy));
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(a, KMG_FREE_PAGES, &copy));
	kmg_table_forget_freed(s);
	KUNIT_EXPECT_FALSE(test, kmg_table_find_freed(a, KMG_FREE_CACHE_DESTROY, &copy));
	kmg_test_unload(&mod_a);
}

static void kmg_test_free_verdicts(struct kunit *test)
{
	struct kmg_record rec = { .family = KMG_FAM_KMALLOC };
	struct kmg_free_call call = { .api = KMG_FREE_KFREE };

	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.api = KMG_FREE_VFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_KVFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.api = KMG_FREE_KREALLOC;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	rec.family = KMG_FAM_VMALLOC;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_KVFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	rec.family = KMG_FAM_PAGES;
	rec.order = 2;
	call.api = KMG_FREE_PAGES;
	call.order = 2;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.order = 1;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_WRONG_ORDER);
	/* put_page(): the folio's order must be the allocation's. */
	call.api = KMG_FREE_PUT_PAGE;
	call.order = 0;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_WRONG_ORDER);
	call.order = 2;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	rec.family = KMG_FAM_DEVM_BITMAP;
	call.api = KMG_FREE_DEVM;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	rec.family = KMG_FAM_CACHE;
	rec.owner = &mod_a;
	call.api = KMG_FREE_CACHE;
	call.cache = (struct kmem_cache *)&mod_b;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_WRONG_CACHE);
	call.cache = rec.owner;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	/* kfree() of a cache object is legal since 6.4 (this is 6.12). */
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	rec.family = KMG_FAM_DEVM;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_DEVM;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	/* Mempools: an element to its own pool only; a pool its own way. */
	rec.family = KMG_FAM_MEMPOOL;
	rec.owner = &mod_a;
	call.api = KMG_FREE_MEMPOOL;
	call.pool = (struct mempool_s *)&mod_b;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_WRONG_POOL);
	call.pool = rec.owner;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	rec.family = KMG_FAM_MEMPOOL_STRUCT;
	call.api = KMG_FREE_MEMPOOL_EXIT;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_MEMPOOL_DESTROY;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	rec.family = KMG_FAM_MEMPOOL_INIT;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_MEMPOOL_EXIT;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	/* Per-CPU memory: free_percpu() and nothing else, either way. */
	rec.family = KMG_FAM_PERCPU;
	call.api = KMG_FREE_PERCPU;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	call.api = KMG_FREE_KVFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
	rec.family = KMG_FAM_KMALLOC;
	call.api = KMG_FREE_PERCPU;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_MISMATCHED_FREE);
}

static int kmg_test_parse(const char *text, struct kmg_fault_rule *r,
			  const char **why)
{
	char buf[256];

	strscpy(buf, text, sizeof(buf));
	*why = NULL;
	return kmg_fault_parse(buf, r, why);
}

static const char kmg_test_full_rule[] =
	"module=d family=pages gfp=nowait probability=25 seed=0x10 times=4 min_size=4096";

static void kmg_test_fault_parse_valid(struct kunit *test)
{
	struct kmg_fault_rule r;
	const char *why;

	KUNIT_ASSERT_EQ(test, kmg_test_parse("module=drv nth=3", &r, &why), 0);
	KUNIT_EXPECT_STREQ(test, r.module, "drv");
	KUNIT_EXPECT_EQ(test, r.trigger, KMG_FAULT_NTH);
	KUNIT_EXPECT_EQ(test, r.n, 3);
	KUNIT_EXPECT_EQ(test, r.family, -1);
	KUNIT_EXPECT_EQ(test, r.gfp, -1);
	KUNIT_ASSERT_EQ(test, kmg_test_parse(" module=d-2  site=sub/x.c:42 function=f_1 every=2\n",
					     &r, &why), 0);
	KUNIT_EXPECT_STREQ(test, r.file, "sub/x.c");
	KUNIT_EXPECT_EQ(test, r.line, 42);
	KUNIT_EXPECT_STREQ(test, r.function, "f_1");
	KUNIT_EXPECT_EQ(test, r.trigger, KMG_FAULT_EVERY);
	KUNIT_ASSERT_EQ(test, kmg_test_parse(kmg_test_full_rule, &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.family, KMG_FAM_PAGES);
	KUNIT_EXPECT_EQ(test, r.gfp, KMG_FAULT_GFP_NOWAIT);
	KUNIT_EXPECT_EQ(test, r.trigger, KMG_FAULT_PROBABILITY);
	KUNIT_EXPECT_EQ(test, r.n, 25);
	KUNIT_EXPECT_EQ(test, r.seed, 16);
	KUNIT_EXPECT_EQ(test, r.times, 4);
	KUNIT_EXPECT_EQ(test, r.min_size, 4096);
	KUNIT_ASSERT_EQ(test, kmg_test_parse("module=d family=cache nth=1", &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.family, KMG_FAM_CACHE);
	KUNIT_ASSERT_EQ(test, kmg_test_parse("module=d family=mempool nth=1", &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.family, KMG_FAM_MEMPOOL);
	KUNIT_ASSERT_EQ(test, kmg_test_parse("module=d family=percpu nth=1", &r, &why), 0);
	KUNIT_EXPECT_EQ(test, r.family, KMG_FAM_PERCPU);
}

static void kmg_test_fault_parse_invalid(struct kunit *test)
{
	static const char *const bad[] = {
		"", "nth=1", "module=drv", "module=drv nth=0", "module=drv nth=x",
		"module=drv nth=1 every=1", "module=drv probability=0",
		"module=drv probability=101", "module=drv every=4294967296",
		"module=drv nth=1 seed=1", "module=drv nth=1 family=heap",
		"module=drv nth=1 family=devm", "module=drv nth=1 family=kmem_cache",
		"module=drv nth=1 gfp=any", "module=drv nth=1 site=x.c",
		"module=drv nth=1 site=:3", "module=drv nth=1 site=x.c:0",
		"module=drv nth=1 site=x.c:-1", "module=a/b nth=1",
		"module=a module=b nth=1", "module=drv nth=1 times=0",
		"module=drv nth=1 min_size=-1", "module=drv nth=1 bogus=1",
		"module=drv nth", "module=drv nth=", "module==drv nth=1",
		"module=drv nth=1 family=kmalloc family=pages",
	};
	struct kmg_fault_rule r;
	const char *why;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, kmg_test_parse(bad[i], &r, &why), -EINVAL,
				    "accepted \"%s\"", bad[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, why, "no reason for \"%s\"", bad[i]);
	}
}

/*
 * Two overlapping rules: each counts every call it matches, so each one's
 * nth= is the n-th call *it* matched, and a rule that fired does not hide
 * the call from the next. __GFP_NOFAIL allocations are never failed.
 */
static void kmg_test_fault_rules_overlap(struct kunit *test)
{
	static struct kmemguard_site desc = KMG_TEST_SITE("l.c", 14, &mod_a);
	struct kmg_site *site = kmg_test_shadow(test, &desc);
	char r1[] = "module=kmg_test_a nth=2";
	char r2[] = "module=kmg_test_a family=kmalloc nth=3";
	char r3[] = "module=kmg_test_a every=1";
	int fails[6], i;

	KUNIT_ASSERT_EQ(test, kmg_fault_add(r1), 0);
	KUNIT_ASSERT_EQ(test, kmg_fault_add(r2), 0);
	for (i = 0; i < ARRAY_SIZE(fails); i++)
		fails[i] = kmg_fault_inject(site, KMG_FAM_KMALLOC, GFP_KERNEL, 8);
	/* Call 2 fails by rule 1, call 3 by rule 2 (its own third match). */
	KUNIT_EXPECT_EQ(test, fails[0], 0);
	KUNIT_EXPECT_EQ(test, fails[1], 1);
	KUNIT_EXPECT_EQ(test, fails[2], 1);
	KUNIT_EXPECT_EQ(test, fails[3], 0);
	kmg_fault_clear();
	KUNIT_ASSERT_EQ(test, kmg_fault_add(r3), 0);
	KUNIT_EXPECT_TRUE(test, kmg_fault_inject(site, KMG_FAM_PAGES, GFP_KERNEL, 8));
	KUNIT_EXPECT_FALSE(test, kmg_fault_inject(site, KMG_FAM_PAGES,
						  GFP_KERNEL | __GFP_NOFAIL, 8));
	kmg_fault_clear();
	kmg_test_unload(&mod_a);
}

static struct kunit_case kmemguard_test_cases[] = {
	KUNIT_CASE(kmg_test_shadow_owns_its_strings),
	KUNIT_CASE(kmg_test_track_and_untrack),
	KUNIT_CASE(kmg_test_site_statistics),
	KUNIT_CASE(kmg_test_stale_record_replaced),
	KUNIT_CASE(kmg_test_restore_after_failed_free),
	KUNIT_CASE(kmg_test_gone_site_gets_no_record),
	KUNIT_CASE(kmg_test_gone_free_site_not_kept),
	KUNIT_CASE(kmg_test_shadow_born_gone),
	KUNIT_CASE(kmg_test_devm_builtin_site),
	KUNIT_CASE(kmg_test_extract_module),
	KUNIT_CASE(kmg_test_leak_grouping),
	KUNIT_CASE(kmg_test_hardirq_tracked),
	KUNIT_CASE(kmg_test_disable_drops_records),
	KUNIT_CASE(kmg_test_occupancy_counts),
	KUNIT_CASE(kmg_test_one_object_slab),
	KUNIT_CASE(kmg_test_double_free_seen_in_quarantine),
	KUNIT_CASE(kmg_test_quarantine_limits),
	KUNIT_CASE(kmg_test_free_verdicts),
	KUNIT_CASE(kmg_test_interior_of_handles),
	KUNIT_CASE(kmg_test_cache_tombstone),
	KUNIT_CASE(kmg_test_pages_stale),
	KUNIT_CASE(kmg_test_fault_parse_valid),
	KUNIT_CASE(kmg_test_fault_parse_invalid),
	KUNIT_CASE(kmg_test_fault_rules_overlap),
	{}
};

static struct kunit_suite kmemguard_test_suite = {
	.name = "kmemguard",
	.test_cases = kmemguard_test_cases,
};

kunit_test_suite(kmemguard_test_suite);

MODULE_DESCRIPTION("KUnit tests for kmemguard's core");
MODULE_LICENSE("GPL");
