// SPDX-License-Identifier: GPL-2.0
/*
 * Correct use of the library helpers kmemguard tracks: every object is made
 * at a line marked "KMG: live" ("KMG: live-6.12": that kernel's only), held
 * while the module is loaded (tests read kmemguard's debugfs files
 * meanwhile) and freed the right way at unload (devm memory: by devres, when
 * the module's root device goes).
 * kmemguard must report nothing. A failed helper is printed
 * ("kmg_helpers: <call> failed <errno>") and skipped: under fault injection
 * the user-copy helpers must fail with -ENOMEM, never NULL.
 */
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include <kmemguard.h>

/* kvrealloc(): 6.12 takes no old size. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define KMG_KVREALLOC(p, old, size, gfp)	kvrealloc(p, size, gfp)
#else
#define KMG_KVREALLOC(p, old, size, gfp)	kvrealloc(p, old, size, gfp)
#endif

struct kmg_helpers_obj {
	long a[3];
};

static struct kmem_cache *kmg_helpers_cache;
static void *kra, *kvr, *kcn, *kan, *kco, *kcl, *kci, *kvs, *mu, *mun, *vmu, *mau, *vmau;
/* What a filesystem allocates its inodes with: only its s_inode_lru is used. */
static struct super_block kmg_helpers_sb;
static bool kmg_helpers_lru_up;
static char *kdn, *kda, *sdu;
static void *vm_, *vmz, *vma, *vmc, *vm32, *vm32u;
static unsigned long *bma, *bmz;
static struct device *kmg_helpers_dev;
static struct page *pgn, *spl;
static void *pgx;
static void *bulk[3], *kb[2];
static int nb;

/* "failed" line for an error pointer or NULL; true if @p is an object. */
static bool kmg_helpers_ok(const char *call, const void *p)
{
	if (!p) {
		pr_info("kmg_helpers: %s failed NULL\n", call);
		return false;
	}
	if (IS_ERR(p)) {
		pr_info("kmg_helpers: %s failed %ld\n", call, PTR_ERR(p));
		return false;
	}
	return true;
}

static void kmg_helpers_lru_alloc(void)
{
	struct super_block *sb = &kmg_helpers_sb;
	struct list_lru *lru = &sb->s_inode_lru;

	kmg_helpers_lru_up = !list_lru_init(lru);
	if (!kmg_helpers_lru_up)
		return;
	kcl = kmem_cache_alloc_lru(kmg_helpers_cache, lru, GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("kmem_cache_alloc_lru", kcl);
	/* (A macro since 6.10; before, kmemguard's <linux/fs.h> makes it one.) */
	kci = alloc_inode_sb(sb, kmg_helpers_cache, GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("alloc_inode_sb", kci);
}

static void kmg_helpers_slab(void)
{
	void *p, *q;

	p = kmalloc_array(4, sizeof(u32), GFP_KERNEL);
	if (!p)
		return;
	q = krealloc_array(p, 64, sizeof(u32), GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("krealloc_array", q))
		kra = q;
	else
		kfree(p);

	p = kvmalloc(100, GFP_KERNEL);
	if (!p)
		return;
	q = KMG_KVREALLOC(p, 100, 3 * PAGE_SIZE, GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("kvrealloc", q))
		kvr = q;
	else
		kvfree(p);

	kcn = kcalloc_node(8, 16, GFP_KERNEL, NUMA_NO_NODE); /* KMG: live */
	kan = kmalloc_array_node(8, 32, GFP_KERNEL, numa_node_id()); /* KMG: live */
	kmg_helpers_ok("kcalloc_node", kcn);
	kmg_helpers_ok("kmalloc_array_node", kan);

	kmg_helpers_cache = KMEM_CACHE(kmg_helpers_obj, 0);
	if (kmg_helpers_cache) {
		kco = kmem_cache_alloc_node(kmg_helpers_cache, GFP_KERNEL, 0); /* KMG: live */
		kmg_helpers_ok("kmem_cache_alloc_node", kco);
		kmg_helpers_lru_alloc();
		/* Three objects at one line, all or nothing. */
		nb = kmem_cache_alloc_bulk(kmg_helpers_cache, GFP_KERNEL, 3, bulk); /* KMG: bulk */
		if (!nb)
			pr_info("kmg_helpers: kmem_cache_alloc_bulk failed 0\n");
	}
	kb[0] = kmalloc(40, GFP_KERNEL); /* KMG: bulk-kfree */
	kb[1] = kmalloc(40, GFP_KERNEL); /* KMG: bulk-kfree */
	pgn = alloc_pages_node(numa_node_id(), GFP_KERNEL, 1); /* KMG: live */
	kmg_helpers_ok("alloc_pages_node", pgn);
	pgx = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL | __GFP_ZERO); /* KMG: live */
	kmg_helpers_ok("alloc_pages_exact", pgx);

	kdn = kmemdup_nul("kmemguard helpers", 9, GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("kmemdup_nul", kdn);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	kda = kmemdup_array("abcdefgh", 4, 2, GFP_KERNEL); /* KMG: live-6.12 */
	kmg_helpers_ok("kmemdup_array", kda);
#endif
	kvs = kvmalloc(64, GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("kvmalloc", kvs))
		memset(kvs, 0x5a, 64);	/* a secret, wiped when freed */
}

static void kmg_helpers_vmalloc(void)
{
	vm_ = __vmalloc(3 * PAGE_SIZE, GFP_KERNEL | __GFP_NOWARN); /* KMG: live */
	vmz = __vmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_ZERO); /* KMG: live */
	vma = vmalloc_array(100, 64); /* KMG: live */
	vmc = vcalloc(100, 64); /* KMG: live */
	vm32 = vmalloc_32(2 * PAGE_SIZE); /* KMG: live */
	vm32u = vmalloc_32_user(PAGE_SIZE); /* KMG: live */
	kmg_helpers_ok("__vmalloc", vm_);
	kmg_helpers_ok("__vmalloc (zeroed)", vmz);
	kmg_helpers_ok("vmalloc_array", vma);
	kmg_helpers_ok("vcalloc", vmc);
	kmg_helpers_ok("vmalloc_32", vm32);
	if (kmg_helpers_ok("vmalloc_32_user", vm32u) && memchr_inv(vm32u, 0, PAGE_SIZE))
		pr_info("kmg_helpers: vmalloc_32_user not zeroed\n");
	if (vmz && memchr_inv(vmz, 0, PAGE_SIZE))
		pr_info("kmg_helpers: __vmalloc(__GFP_ZERO) not zeroed\n");
	if (vmc && memchr_inv(vmc, 0, 100 * 64))
		pr_info("kmg_helpers: vcalloc not zeroed\n");
	bma = bitmap_alloc(100, GFP_KERNEL); /* KMG: live */
	bmz = bitmap_zalloc(1000, GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("bitmap_alloc", bma);
	kmg_helpers_ok("bitmap_zalloc", bmz);
	if (bmz && !bitmap_empty(bmz, 1000))
		pr_info("kmg_helpers: bitmap_zalloc not zeroed\n");
}

/* Device-managed copies: devres frees them with the device. */
static void kmg_helpers_devm(void)
{
	struct device *dev;
	unsigned long pg;
	const char *c;
	void *p;

	dev = root_device_register("kmg_helpers");
	if (IS_ERR(dev)) {
		pr_info("kmg_helpers: root_device_register failed %ld\n", PTR_ERR(dev));
		return;
	}
	kmg_helpers_dev = dev;
	p = devm_kstrdup(dev, "kmemguard", GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("devm_kstrdup", p);
	c = devm_kstrdup_const(dev, "a module's string", GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("devm_kstrdup_const", c);
	p = devm_kmemdup(dev, "0123456789", 10, GFP_KERNEL); /* KMG: live */
	kmg_helpers_ok("devm_kmemdup", p);
	p = devm_kasprintf(dev, GFP_KERNEL, "%s-%d", "kmg", 42); /* KMG: live */
	if (kmg_helpers_ok("devm_kasprintf", p) && strcmp(p, "kmg-42"))
		pr_info("kmg_helpers: devm_kasprintf printed \"%s\"\n", (char *)p);
	/* One freed early, the right way. */
	p = devm_kstrdup(dev, "freed early", GFP_KERNEL);
	if (p)
		devm_kfree(dev, p);
	/* Pages: two kept until the device goes, one given back early. */
	pg = devm_get_free_pages(dev, GFP_KERNEL, 1); /* KMG: live */
	kmg_helpers_ok("devm_get_free_pages", (void *)pg);
	pg = devm_get_free_pages(dev, GFP_KERNEL | __GFP_ZERO, 0);
	if (kmg_helpers_ok("devm_get_free_pages (zeroed)", (void *)pg)) {
		if (memchr_inv((void *)pg, 0, PAGE_SIZE))
			pr_info("kmg_helpers: devm_get_free_pages(__GFP_ZERO) not zeroed\n");
		devm_free_pages(dev, pg);
	}
	/* Bitmaps: devres frees them; no call of the driver's may. */
	p = devm_bitmap_zalloc(dev, 300, GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("devm_bitmap_zalloc", p) && !bitmap_empty(p, 300))
		pr_info("kmg_helpers: devm_bitmap_zalloc not zeroed\n");
	p = devm_bitmap_alloc(dev, 64, GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("devm_bitmap_alloc", p))
		bitmap_fill(p, 64);
	/* Grown (the kernel moves it): tracked at the devm_krealloc() line. */
	p = devm_kmalloc(dev, 16, GFP_KERNEL);
	if (!kmg_helpers_ok("devm_kmalloc", p))
		return;
	strscpy(p, "grown", 16);
	p = devm_krealloc(dev, p, 4000, GFP_KERNEL);
	if (!kmg_helpers_ok("devm_krealloc", p))
		return;
	if (strcmp(p, "grown"))
		pr_info("kmg_helpers: devm_krealloc lost the contents\n");
	/* Shrunk (in place): the record moves to this line. */
	p = devm_krealloc(dev, p, 1000, GFP_KERNEL); /* KMG: live */
	if (kmg_helpers_ok("devm_krealloc (shrunk)", p) && strcmp(p, "grown"))
		pr_info("kmg_helpers: devm_krealloc lost the contents\n");
}

/* Pages given back by their last reference: put_page(), folio_put(). */
static void kmg_helpers_put(void)
{
	struct page *pg = alloc_page(GFP_KERNEL);
	void *p;

	if (!kmg_helpers_ok("alloc_page", pg))
		return;
	get_page(pg);	/* a second holder */
	put_page(pg);	/* not the last reference: nothing freed */
	put_page(pg);	/* the last: the page's free */
	pg = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	if (kmg_helpers_ok("alloc_pages(__GFP_COMP)", pg))
		folio_put(page_folio(pg));
	/*
	 * split_page(): each page its own from here (no record while loaded:
	 * the test counts them), put one by one at unload, a tail first.
	 */
	spl = alloc_pages(GFP_KERNEL, 2);
	if (kmg_helpers_ok("alloc_pages(2)", spl))
		split_page(spl, 2);
	/* alloc_pages_exact(): split pages too. */
	p = alloc_pages_exact(2 * PAGE_SIZE, GFP_KERNEL);
	if (kmg_helpers_ok("alloc_pages_exact", p)) {
		put_page(virt_to_page(p) + 1);
		put_page(virt_to_page(p));
	}
}

/* The user-copy helpers, from a page mapped into insmod's address space. */
static void kmg_helpers_user(void)
{
	static const char msg[] = "kmemguard user string";
	char __user *u;
	unsigned long addr;
	void *p;

	addr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr)) {
		pr_info("kmg_helpers: vm_mmap failed %ld\n", (long)addr);
		return;
	}
	u = (char __user *)addr;
	if (copy_to_user(u, msg, sizeof(msg))) {
		pr_info("kmg_helpers: copy_to_user failed\n");
		goto out;
	}
	mu = memdup_user(u, 16); /* KMG: live */
	if (!kmg_helpers_ok("memdup_user", mu))
		mu = NULL;
	mun = memdup_user_nul(u, 9); /* KMG: live */
	if (!kmg_helpers_ok("memdup_user_nul", mun))
		mun = NULL;
	vmu = vmemdup_user(u, 16); /* KMG: live */
	if (!kmg_helpers_ok("vmemdup_user", vmu))
		vmu = NULL;
	sdu = strndup_user(u, 64); /* KMG: live */
	if (!kmg_helpers_ok("strndup_user", sdu))
		sdu = NULL;
	mau = memdup_array_user(u, 4, 4); /* KMG: live */
	if (!kmg_helpers_ok("memdup_array_user", mau))
		mau = NULL;
	vmau = vmemdup_array_user(u, 4, 4); /* KMG: live */
	if (!kmg_helpers_ok("vmemdup_array_user", vmau))
		vmau = NULL;
	/* A copy that faults: -EFAULT, and the copy is freed again. */
	p = memdup_user((const void __user *)16, 8);
	if (PTR_ERR(p) == -EFAULT)
		pr_info("kmg_helpers: memdup_user of a bad address: -EFAULT\n");
	else if (kmg_helpers_ok("memdup_user (bad address)", p))
		kfree(p);
	if (mun && strcmp(mun, "kmemguard"))
		pr_info("kmg_helpers: memdup_user_nul copied \"%s\"\n", (char *)mun);
	if (sdu && strcmp(sdu, msg))
		pr_info("kmg_helpers: strndup_user copied \"%s\"\n", sdu);
out:
	vm_munmap(addr, PAGE_SIZE);
}

/*
 * alloc_pages_exact() memory freed in parts, as its split pages may be:
 * head first, then tail first. Nothing is left and nothing is wrong.
 */
static void kmg_helpers_exact_parts(void)
{
	char *q;

	q = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	if (q) {
		free_pages_exact(q, PAGE_SIZE);
		free_pages_exact(q + PAGE_SIZE, 2 * PAGE_SIZE);
	}
	q = alloc_pages_exact(3 * PAGE_SIZE, GFP_KERNEL);
	if (q) {
		free_pages_exact(q + 2 * PAGE_SIZE, PAGE_SIZE);
		free_pages_exact(q, 2 * PAGE_SIZE);
	}
}

static int __init kmg_helpers_init(void)
{
	kmg_helpers_exact_parts();
	kmg_helpers_slab();
	kmg_helpers_vmalloc();
	kmg_helpers_devm();
	kmg_helpers_put();
	kmg_helpers_user();
	return 0;
}

static void __exit kmg_helpers_exit(void)
{
	kfree(kra);
	kvfree(kvr);
	kfree(kcn);
	kfree(kan);
	if (kco)
		kmem_cache_free(kmg_helpers_cache, kco);
	if (kcl)
		kmem_cache_free(kmg_helpers_cache, kcl);
	if (kci)
		kmem_cache_free(kmg_helpers_cache, kci);
	if (kmg_helpers_lru_up)
		list_lru_destroy(&kmg_helpers_sb.s_inode_lru);
	if (nb)
		kmem_cache_free_bulk(kmg_helpers_cache, nb, bulk);
	kfree_bulk(2, kb);
	kmem_cache_destroy(kmg_helpers_cache);
	if (pgn)
		__free_pages(pgn, 1);
	if (spl) {
		put_page(spl + 1);
		put_page(spl);
		put_page(spl + 3);
		put_page(spl + 2);
	}
	if (pgx)
		free_pages_exact(pgx, 3 * PAGE_SIZE);
	kfree(kdn);
	kfree(kda);
	kvfree_sensitive(kvs, 64);
	kfree(mu);
	kfree(mun);
	kvfree(vmu);
	kfree(sdu);
	kfree(mau);
	kvfree(vmau);
	vfree(vm_);
	vfree(vmz);
	vfree(vma);
	vfree(vmc);
	vfree(vm32);
	vfree(vm32u);
	bitmap_free(bma);
	bitmap_free(bmz);
	if (kmg_helpers_dev)
		root_device_unregister(kmg_helpers_dev);
}

module_init(kmg_helpers_init);
module_exit(kmg_helpers_exit);
MODULE_DESCRIPTION("kmemguard sample: library helpers, used correctly");
MODULE_LICENSE("GPL");
