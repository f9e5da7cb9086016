// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for kmemguard's record table and site statistics (table.c)
 * and leak grouping (report.c). It drives the internals directly with fake,
 * non-canonical object addresses, which no allocator ever returns, so the
 * records it makes cannot collide with real ones.
 */
#include <kunit/test.h>
#include <linux/irq_work.h>
#include <linux/sched.h>

#include "kmg.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static struct module mod_a, mod_b;	/* stand-ins for two drivers */

#define FAKE(i)	((void *)(0xdead000000000000UL + (i) * 64))

/*
 * Static, like the header's: a site must outlive its records, even when an
 * assertion ends a test early (leftovers are then reported at unload).
 */
#define KMG_TEST_SITE(f, l, m) \
	{ .file = f, .func = "kmg_test", .line = l, .mod = m }

static void kmg_test_track_and_untrack(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("a.c", 1, THIS_MODULE);
	struct kmg_record *rec;

	kmg_track_alloc(&site, FAKE(1), 100, GFP_KERNEL, KMG_FAM_VMALLOC, 0,
			NULL, KMG_REC_KV);
	rec = kmg_track_free(FAKE(1));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, rec->addr, (unsigned long)FAKE(1));
	KUNIT_EXPECT_EQ(test, rec->size, 100);
	KUNIT_EXPECT_PTR_EQ(test, rec->site, &site);
	KUNIT_EXPECT_EQ(test, rec->family, KMG_FAM_VMALLOC);
	KUNIT_EXPECT_EQ(test, rec->flags, KMG_REC_KV);
	KUNIT_EXPECT_TRUE(test, rec->gfp == GFP_KERNEL);
	KUNIT_EXPECT_EQ(test, rec->ctx, KMG_CTX_TASK);
	KUNIT_EXPECT_EQ(test, rec->pid, task_pid_nr(current));
	kmg_record_release(rec);
	/* Gone: a second free finds nothing. */
	KUNIT_EXPECT_NULL(test, kmg_track_free(FAKE(1)));
	kmg_sites_forget_module(THIS_MODULE);
}

static void kmg_test_site_statistics(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("b.c", 2, THIS_MODULE);
	int i;

	for (i = 0; i < 3; i++)
		kmg_track_alloc(&site, FAKE(10 + i), 10 * (i + 1), GFP_KERNEL,
				KMG_FAM_KMALLOC, 0, NULL, 0);
	kmg_record_release(kmg_track_free(FAKE(11)));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live_bytes), 40);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.peak_bytes), 60);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.allocs), 3);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.frees), 1);
	/* A failed allocation is counted; kmalloc(0) is not an object. */
	kmg_track_alloc(&site, NULL, 5, GFP_KERNEL, KMG_FAM_KMALLOC, 0, NULL, 0);
	kmg_track_alloc(&site, ZERO_SIZE_PTR, 0, GFP_KERNEL, KMG_FAM_KMALLOC,
			0, NULL, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.failed), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.allocs), 3);
	KUNIT_EXPECT_TRUE(test, site.registered);
	kmg_record_release(kmg_track_free(FAKE(10)));
	kmg_record_release(kmg_track_free(FAKE(12)));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live_bytes), 0);
	kmg_sites_forget_module(THIS_MODULE);
	KUNIT_EXPECT_FALSE(test, site.registered);
}

static void kmg_test_stale_record_replaced(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("c.c", 3, THIS_MODULE);
	long stale = atomic_long_read(&kmg_counters[KMG_COUNT_STALE]);

	/* Freed behind kmemguard's back, then handed out again. */
	kmg_track_alloc(&site, FAKE(20), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	kmg_track_alloc(&site, FAKE(20), 16, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&kmg_counters[KMG_COUNT_STALE]),
			stale + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live_bytes), 16);
	kmg_record_release(kmg_track_free(FAKE(20)));
	KUNIT_EXPECT_NULL(test, kmg_track_free(FAKE(20)));
	kmg_sites_forget_module(THIS_MODULE);
}

static void kmg_test_restore_after_failed_free(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("d.c", 4, THIS_MODULE);
	struct kmg_record *rec;

	kmg_track_alloc(&site, FAKE(30), 64, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	rec = kmg_track_free(FAKE(30));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	kmg_track_restore(rec);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.frees), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.allocs), 1);
	rec = kmg_track_free(FAKE(30));
	KUNIT_ASSERT_PTR_EQ(test, rec->site, &site);
	kmg_record_release(rec);
	kmg_sites_forget_module(THIS_MODULE);
}

static void kmg_test_extract_module(struct kunit *test)
{
	static struct kmemguard_site a = KMG_TEST_SITE("e.c", 5, &mod_a);
	static struct kmemguard_site b = KMG_TEST_SITE("f.c", 6, &mod_b);
	struct kmg_record *out, *rec, *next;
	unsigned long count, n = 0;
	int i;

	for (i = 0; i < 3; i++)
		kmg_track_alloc(&a, FAKE(40 + i), 1, GFP_KERNEL,
				KMG_FAM_KMALLOC, 0, NULL, 0);
	for (i = 0; i < 2; i++)
		kmg_track_alloc(&b, FAKE(50 + i), 1, GFP_KERNEL,
				KMG_FAM_KMALLOC, 0, NULL, 0);
	out = kmg_table_extract_module(&mod_a, &count);
	KUNIT_EXPECT_EQ(test, count, 3);
	for (rec = out; rec; rec = next) {
		next = rec->next;
		KUNIT_EXPECT_PTR_EQ(test, rec->site, &a);
		kmg_record_release(rec);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&a.live), 0);
	/* The other module's records are untouched. */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&b.live), 2);
	for (i = 0; i < 2; i++) {
		rec = kmg_track_free(FAKE(50 + i));
		KUNIT_ASSERT_NOT_NULL(test, rec);
		kmg_record_release(rec);
	}
	kmg_sites_forget_module(&mod_a);
	kmg_sites_forget_module(&mod_b);
}

static void kmg_test_leak_grouping(struct kunit *test)
{
	static struct kmemguard_site s1 = KMG_TEST_SITE("g.c", 20, THIS_MODULE);
	static struct kmemguard_site s2 = KMG_TEST_SITE("g.c", 7, THIS_MODULE);
	static struct kmemguard_site s3 = KMG_TEST_SITE("a.c", 99, THIS_MODULE);
	struct kmemguard_site *order[] = { &s1, &s2, &s3, &s1, &s3, &s1 };
	struct kmg_record recs[ARRAY_SIZE(order)] = {};
	struct kmg_record *p[ARRAY_SIZE(order)];
	unsigned long i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		recs[i].site = order[i];
		recs[i].addr = ARRAY_SIZE(order) - i;
		p[i] = &recs[i];
	}
	KUNIT_EXPECT_EQ(test, kmg_leak_sort(p, ARRAY_SIZE(p)), 3);
	/* a.c:99 x2, then g.c:7, then g.c:20 x3, by address within a site. */
	KUNIT_EXPECT_PTR_EQ(test, p[0]->site, &s3);
	KUNIT_EXPECT_PTR_EQ(test, p[1]->site, &s3);
	KUNIT_EXPECT_LT(test, p[0]->addr, p[1]->addr);
	KUNIT_EXPECT_PTR_EQ(test, p[2]->site, &s2);
	KUNIT_EXPECT_PTR_EQ(test, p[3]->site, &s1);
	KUNIT_EXPECT_PTR_EQ(test, p[5]->site, &s1);
}

struct kmg_test_irq {
	struct irq_work work;
	struct kmemguard_site *site;
};

static void kmg_test_irq_fn(struct irq_work *work)
{
	struct kmg_test_irq *t = container_of(work, struct kmg_test_irq, work);

	kmg_track_alloc(t->site, FAKE(60), 32, GFP_ATOMIC, KMG_FAM_KMALLOC, 0,
			NULL, 0);
}

static void kmg_test_hardirq_tracked(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("h.c", 8, THIS_MODULE);
	struct kmg_test_irq t = { .site = &site };
	struct kmg_record *rec;

	t.work = IRQ_WORK_INIT_HARD(kmg_test_irq_fn);
	irq_work_queue(&t.work);
	irq_work_sync(&t.work);
	rec = kmg_track_free(FAKE(60));
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ(test, rec->ctx, KMG_CTX_HARDIRQ);
	KUNIT_EXPECT_EQ(test, rec->pid, 0);
	kmg_record_release(rec);
	kmg_sites_forget_module(THIS_MODULE);
}

static void kmg_test_disable_drops_records(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("i.c", 9, THIS_MODULE);

	kmg_track_alloc(&site, FAKE(70), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	kmg_set_enabled(false);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 0);
	KUNIT_EXPECT_NULL(test, kmg_track_free(FAKE(70)));
	/* While disabled nothing new is recorded. */
	kmg_track_alloc(&site, FAKE(71), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	KUNIT_EXPECT_NULL(test, kmg_track_free(FAKE(71)));
	kmg_set_enabled(true);
	kmg_track_alloc(&site, FAKE(72), 8, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	kmg_record_release(kmg_track_free(FAKE(72)));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.allocs), 2);
	kmg_sites_forget_module(THIS_MODULE);
}

static void kmg_test_double_free_seen_in_quarantine(struct kunit *test)
{
	static struct kmemguard_site site = KMG_TEST_SITE("j.c", 10, THIS_MODULE);
	static struct kmemguard_site fsite = KMG_TEST_SITE("j.c", 11, THIS_MODULE);
	struct kmg_record copy, *rec = NULL;

	kmg_track_alloc(&site, FAKE(80), 24, GFP_KERNEL, KMG_FAM_KMALLOC, 0,
			NULL, 0);
	KUNIT_ASSERT_EQ(test, kmg_track_mark_freed(FAKE(80), &fsite, 0, &rec, &copy),
			KMG_LOOKUP_LIVE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.live), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&site.frees), 1);
	kmg_quarantine_add(rec, false);
	/* The second free finds the first one's record, with its site. */
	KUNIT_EXPECT_EQ(test, kmg_track_mark_freed(FAKE(80), &fsite, 0, &rec, &copy),
			KMG_LOOKUP_FREED);
	KUNIT_EXPECT_PTR_EQ(test, copy.free_site, &fsite);
	KUNIT_EXPECT_PTR_EQ(test, copy.site, &site);
	/* A freed record is not live: leak extraction leaves it alone. */
	KUNIT_EXPECT_NULL(test, kmg_track_free(FAKE(80)));
	kmg_quarantine_flush(NULL, NULL);
	KUNIT_EXPECT_EQ(test, kmg_track_mark_freed(FAKE(80), &fsite, 0, &rec, &copy),
			KMG_LOOKUP_NONE);
	kmg_sites_forget_module(THIS_MODULE);
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
	rec.family = KMG_FAM_VMALLOC;
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
	rec.family = KMG_FAM_CACHE;
	rec.cache = (struct kmem_cache *)&mod_a;
	call.api = KMG_FREE_CACHE;
	call.cache = (struct kmem_cache *)&mod_b;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_WRONG_CACHE);
	call.cache = rec.cache;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
	/* kfree() of a cache object is legal since 6.4 (this is 6.12). */
	call.api = KMG_FREE_KFREE;
	KUNIT_EXPECT_EQ(test, kmg_free_verdict(&rec, &call), KMG_BUG_NONE);
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
	KUNIT_EXPECT_EQ(test, r.family, KMG_FAULT_FAM_PAGES);
	KUNIT_EXPECT_EQ(test, r.gfp, KMG_FAULT_GFP_NOWAIT);
	KUNIT_EXPECT_EQ(test, r.trigger, KMG_FAULT_PROBABILITY);
	KUNIT_EXPECT_EQ(test, r.n, 25);
	KUNIT_EXPECT_EQ(test, r.seed, 16);
	KUNIT_EXPECT_EQ(test, r.times, 4);
	KUNIT_EXPECT_EQ(test, r.min_size, 4096);
}

static void kmg_test_fault_parse_invalid(struct kunit *test)
{
	static const char *const bad[] = {
		"", "nth=1", "module=drv", "module=drv nth=0", "module=drv nth=x",
		"module=drv nth=1 every=1", "module=drv probability=0",
		"module=drv probability=101", "module=drv every=4294967296",
		"module=drv nth=1 seed=1", "module=drv nth=1 family=heap",
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

static struct kunit_case kmemguard_test_cases[] = {
	KUNIT_CASE(kmg_test_track_and_untrack),
	KUNIT_CASE(kmg_test_site_statistics),
	KUNIT_CASE(kmg_test_stale_record_replaced),
	KUNIT_CASE(kmg_test_restore_after_failed_free),
	KUNIT_CASE(kmg_test_extract_module),
	KUNIT_CASE(kmg_test_leak_grouping),
	KUNIT_CASE(kmg_test_hardirq_tracked),
	KUNIT_CASE(kmg_test_disable_drops_records),
	KUNIT_CASE(kmg_test_double_free_seen_in_quarantine),
	KUNIT_CASE(kmg_test_free_verdicts),
	KUNIT_CASE(kmg_test_fault_parse_valid),
	KUNIT_CASE(kmg_test_fault_parse_invalid),
	{}
};

static struct kunit_suite kmemguard_test_suite = {
	.name = "kmemguard",
	.test_cases = kmemguard_test_cases,
};

kunit_test_suite(kmemguard_test_suite);

MODULE_DESCRIPTION("KUnit tests for kmemguard's core");
MODULE_LICENSE("GPL");
