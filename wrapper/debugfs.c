// SPDX-License-Identifier: GPL-2.0
/*
 * kmemguard debugfs views, /sys/kernel/debug/kmemguard/ (root only):
 *
 *   allocations  one line per live object (filter: "filter=MODULE" in control)
 *   sites        per call site: live, live bytes, peak, allocs, frees, failed
 *   stats        global counters
 *   control      settings; one command per write, bad input gets -EINVAL
 *   faults       fault rules (fault.c): write a rule or "clear", read them
 *   lookup       write object addresses (one per write), then read what
 *                kmemguard knows of each: for annotating kmemleak's reports
 *
 * Notes on locking:
 * - Everything shown is kmemguard's own: record copies and site shadows,
 *   read inside rcu_read_lock(), which every seq_file here holds from
 *   ->start to ->stop (nothing in between sleeps). A copy is never kept
 *   across ->stop: the next read() finds its record again in ->start, so a
 *   reader that pauses between reads while a module unloads sees that
 *   module's objects gone, never freed memory.
 * - "allocations" copies one record at a time out of its bucket (under the
 *   bucket lock, in record.c), so a long listing never holds up
 *   allocations; it may miss or repeat objects that come and go while it is
 *   read, like /proc/allocinfo.
 * - "sites" walks the RCU list of site shadows.
 * - "lookup" keeps the addresses written to it in the open file's private
 *   struct, under the seq_file's own mutex (seq_read() takes it as well).
 * - kmg_control_mutex serialises writes to control (and so to
 *   kmg_filter_module, which readers copy at open).
 */

#define pr_fmt(fmt) "kmemguard: " fmt

#include <linux/debugfs.h>
#include <linux/ctype.h>
#include <linux/kstrtox.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "kmg.h"

char kmg_filter_module[MODULE_NAME_LEN];	/* kmg_control_mutex for writes */
static DEFINE_MUTEX(kmg_control_mutex);
static struct dentry *kmg_dir;

/* === allocations ======================================================= */

struct kmg_alloc_iter {
	unsigned int bucket;		/* bucket of the record at @pos */
	unsigned int nth;		/* its place in that bucket's chain */
	loff_t pos;			/* seq_file position of (bucket, nth) */
	struct kmg_record rec;		/* its copy, valid from ->start to ->stop */
	char filter[MODULE_NAME_LEN];	/* module filter at open */
};

/*
 * Find the next record at or after (bucket, nth) that passes the filter
 * and copy it; false at the end. RCU read lock held; it is dropped and
 * taken again while long runs of empty buckets are skipped, when no copy
 * is held.
 */
static bool kmg_alloc_iter_find(struct kmg_alloc_iter *it)
{
	unsigned int buckets = kmg_table_buckets();

	while (it->bucket < buckets) {
		if (kmg_table_bucket_empty(it->bucket) ||
		    !kmg_table_copy(it->bucket, it->nth, &it->rec)) {
			it->bucket++;
			it->nth = 0;
			if (!(it->bucket & 4095)) {
				rcu_read_unlock();
				cond_resched();
				rcu_read_lock();
			}
			continue;
		}
		if (!(it->rec.flags & KMG_REC_FREED) &&
		    (!it->filter[0] || !strcmp(it->rec.site->modname, it->filter)))
			return true;
		it->nth++;
	}
	return false;
}

/* it->pos: the seq position of the record at (bucket, nth); 0: none yet. */
static void *kmg_alloc_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct kmg_alloc_iter *it = m->private;

	rcu_read_lock();
	if (*pos == 0) {
		it->pos = 0;
		return SEQ_START_TOKEN;
	}
	if (!it->pos || *pos < it->pos) {
		it->bucket = 0;
		it->nth = 0;
		it->pos = 1;
	}
	/* Copy (again) the record at it->pos, then walk on to *pos. */
	if (!kmg_alloc_iter_find(it))
		return NULL;
	while (it->pos < *pos) {
		it->nth++;
		if (!kmg_alloc_iter_find(it))
			return NULL;
		it->pos++;
	}
	return &it->rec;
}

static void *kmg_alloc_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct kmg_alloc_iter *it = m->private;

	(*pos)++;
	if (v == SEQ_START_TOKEN) {
		it->bucket = 0;
		it->nth = 0;
	} else {
		it->nth++;
	}
	it->pos = *pos;
	return kmg_alloc_iter_find(it) ? &it->rec : NULL;
}

static void kmg_alloc_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int kmg_alloc_show(struct seq_file *m, void *v)
{
	struct kmg_sink sink = { .seq = m };

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "# <object> size= <family> order= module= site= func= gfp= ctx= pid= age= time=\n");
		return 0;
	}
	kmg_print_record(&sink, v, false);
	return 0;
}

static const struct seq_operations kmg_alloc_sops = {
	.start	= kmg_alloc_start,
	.next	= kmg_alloc_next,
	.stop	= kmg_alloc_stop,
	.show	= kmg_alloc_show,
};

static int kmg_alloc_open(struct inode *inode, struct file *file)
{
	struct kmg_alloc_iter *it;

	it = __seq_open_private(file, &kmg_alloc_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	mutex_lock(&kmg_control_mutex);
	strscpy(it->filter, kmg_filter_module, sizeof(it->filter));
	mutex_unlock(&kmg_control_mutex);
	return 0;
}

static const struct file_operations kmg_alloc_fops = {
	.owner		= THIS_MODULE,
	.open		= kmg_alloc_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= seq_release_private,
};

/* === sites ============================================================= */

static void *kmg_sites_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	rcu_read_lock();
	if (*pos == 0)
		return SEQ_START_TOKEN;
	return seq_list_start_rcu(&kmg_sites, *pos - 1);
}

static void *kmg_sites_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	if (v == SEQ_START_TOKEN) {
		++*pos;
		return seq_list_start_rcu(&kmg_sites, 0);
	}
	return seq_list_next_rcu(v, &kmg_sites, pos);
}

static void kmg_sites_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int kmg_sites_show(struct seq_file *m, void *v)
{
	struct kmg_sink sink = { .seq = m };
	struct kmg_site *site;

	if (v == SEQ_START_TOKEN) {
		kmg_print_site_header(&sink);
		return 0;
	}
	site = list_entry(v, struct kmg_site, node);
	if (!READ_ONCE(site->gone))
		kmg_print_site(&sink, site);
	return 0;
}

static const struct seq_operations kmg_sites_sops = {
	.start	= kmg_sites_start,
	.next	= kmg_sites_seq_next,
	.stop	= kmg_sites_stop,
	.show	= kmg_sites_show,
};
DEFINE_SEQ_ATTRIBUTE(kmg_sites);

/* === stats ============================================================= */

static int kmg_stats_show(struct seq_file *m, void *v)
{
	long counts[KMG_COUNT_NR];
	int i;

	seq_printf(m, "enabled: %d\n", READ_ONCE(kmg_enabled));
	/* The clock of "time=" in allocations (the tick, in ns): a mark. */
	seq_printf(m, "clock_ns: %llu\n", jiffies64_to_nsecs(get_jiffies_64()));
	kmg_counters_read(counts);
	for (i = 0; i < KMG_COUNT_NR; i++)
		seq_printf(m, "%s: %ld\n", kmg_counter_names[i], counts[i]);
	seq_printf(m, "held bytes: %lu\n", kmg_quarantine_held_bytes());
	seq_printf(m, "table buckets: %u\n", kmg_table_buckets());
	kmg_rz_stats_show(m);		/* redzone.c: the last "check" */
	for (i = KMG_BUG_NONE + 1; i < KMG_BUG_NR; i++)
		seq_printf(m, "reports %s: %ld\n", kmg_bug_names[i],
			   atomic_long_read(&kmg_bug_counts[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kmg_stats);

/* === control =========================================================== */

static int kmg_control_show(struct seq_file *m, void *v)
{
	mutex_lock(&kmg_control_mutex);
	seq_printf(m, "enabled=%d\n", READ_ONCE(kmg_enabled));
	seq_printf(m, "report_objects=%u\n", READ_ONCE(kmg_report_objects));
	seq_printf(m, "raw_pointers=%d\n", READ_ONCE(kmg_raw_pointers));
	seq_printf(m, "filter=%s\n", kmg_filter_module);
	seq_printf(m, "fail_records=%d\n", atomic_read(&kmg_fail_records));
	kmg_rz_control_show(m);		/* redzone.c */
	mutex_unlock(&kmg_control_mutex);
	return 0;
}

static bool kmg_valid_module_name(const char *s)
{
	size_t len = strlen(s);

	if (len >= MODULE_NAME_LEN)
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Apply one command; on error nothing has changed. Control mutex held. */
static int kmg_control_apply(char *cmd)
{
	unsigned int val;
	bool on;
	int ret;

	/* redzone.c: redzone=, guard=, check. */
	ret = kmg_rz_control(cmd);
	if (ret != -ENOENT)
		return ret;
	if (!strcmp(cmd, "enable"))
		return kmg_set_enabled(true);
	if (!strcmp(cmd, "disable"))
		return kmg_set_enabled(false);
	if (!strncmp(cmd, "report_objects=", 15)) {
		if (kstrtouint(cmd + 15, 10, &val) || !val || val > 10000) {
			pr_warn("control: report_objects must be 1..10000\n");
			return -EINVAL;
		}
		WRITE_ONCE(kmg_report_objects, val);
		return 0;
	}
	if (!strncmp(cmd, "raw_pointers=", 13)) {
		if (kstrtobool(cmd + 13, &on)) {
			pr_warn("control: raw_pointers must be 0 or 1\n");
			return -EINVAL;
		}
		WRITE_ONCE(kmg_raw_pointers, on);
		return 0;
	}
	if (!strncmp(cmd, "fail_records=", 13)) {
		/* Prove that a driver does not notice kmemguard running out. */
		if (kstrtouint(cmd + 13, 10, &val) || val > 1000000) {
			pr_warn("control: fail_records must be 0..1000000\n");
			return -EINVAL;
		}
		atomic_set(&kmg_fail_records, val);
		return 0;
	}
	if (!strncmp(cmd, "filter=", 7)) {
		if (!kmg_valid_module_name(cmd + 7)) {
			pr_warn("control: filter needs a module name\n");
			return -EINVAL;
		}
		strscpy(kmg_filter_module, cmd + 7, sizeof(kmg_filter_module));
		return 0;
	}
	pr_warn("control: unknown command (enable, disable, report_objects=N, raw_pointers=0|1, filter=MODULE, fail_records=N, redzone=MODULE|all|none, guard=MODULE[:FILE:LINE]|none, check)\n");
	return -EINVAL;
}

/*
 * Copy one line written to a debugfs file: at most @max bytes, one trailing
 * newline dropped, printable ASCII only (blanks too if @blanks). Returns
 * the NUL-terminated line, to kfree(), or an ERR_PTR with the reason in
 * dmesg under @what.
 */
static char *kmg_debugfs_line(const char __user *ubuf, size_t len,
			      size_t max, bool blanks, const char *what)
{
	char *buf;
	size_t i;

	if (!len || len > max) {
		pr_warn("%s: write of %zu bytes, 1..%zu expected\n", what, len, max);
		return ERR_PTR(-EINVAL);
	}
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return buf;
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (i = 0; i < len; i++) {
		if (!isascii(buf[i]) || !(isgraph(buf[i]) || (blanks && buf[i] == ' '))) {
			kfree(buf);
			pr_warn("%s: one line of printable ASCII%s only\n", what,
				blanks ? "" : ", no blanks");
			return ERR_PTR(-EINVAL);
		}
	}
	return buf;
}

static ssize_t kmg_control_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char *buf = kmg_debugfs_line(ubuf, len, 128, false, "control");
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&kmg_control_mutex);
	ret = kmg_control_apply(buf);
	mutex_unlock(&kmg_control_mutex);
	kfree(buf);
	return ret ? ret : len;
}

static int kmg_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, kmg_control_show, NULL);
}

static const struct file_operations kmg_control_fops = {
	.owner		= THIS_MODULE,
	.open		= kmg_control_open,
	.read		= seq_read,
	.write		= kmg_control_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* === faults ============================================================ */

static int kmg_faults_show(struct seq_file *m, void *v)
{
	kmg_fault_show(m);
	return 0;
}

static ssize_t kmg_faults_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char *buf = kmg_debugfs_line(ubuf, len, 512, true, "faults: rule rejected");
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (!strcmp(buf, "clear")) {
		kmg_fault_clear();
		ret = 0;
	} else {
		ret = kmg_fault_add(buf);
	}
	kfree(buf);
	return ret ? ret : len;
}

static int kmg_faults_open(struct inode *inode, struct file *file)
{
	return single_open(file, kmg_faults_show, NULL);
}

static const struct file_operations kmg_faults_fops = {
	.owner		= THIS_MODULE,
	.open		= kmg_faults_open,
	.read		= seq_read,
	.write		= kmg_faults_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* === lookup ============================================================ */

#define KMG_LOOKUP_MAX	4096

struct kmg_lookup_file {
	unsigned int nr;			/* m->lock */
	unsigned long addr[KMG_LOOKUP_MAX];	/* m->lock */
};

static int kmg_lookup_show(struct seq_file *m, void *v)
{
	struct kmg_lookup_file *l = m->private;
	struct kmg_sink sink = { .seq = m, .raw = true };
	struct kmg_record rec;
	unsigned int i;

	for (i = 0; i < l->nr; i++) {
		/* Only an object's start address: kmemleak reports those. */
		rcu_read_lock();
		if (kmg_table_find_exact(l->addr[i], &rec) &&
		    !(rec.flags & KMG_REC_FREED))
			kmg_print_record(&sink, &rec, false);
		else
			seq_printf(m, "0x%lx untracked\n", l->addr[i]);
		rcu_read_unlock();
		if (!(i & 255))
			cond_resched();
	}
	return 0;
}

static ssize_t kmg_lookup_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct kmg_lookup_file *l = m->private;
	char *buf = kmg_debugfs_line(ubuf, len, 32, false, "lookup");
	unsigned long addr;
	int ret = 0;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (kstrtoul(buf, 16, &addr) || !addr) {
		pr_warn("lookup: one object address in hex per write\n");
		ret = -EINVAL;
		goto out;
	}
	mutex_lock(&m->lock);
	if (l->nr < KMG_LOOKUP_MAX)
		l->addr[l->nr++] = addr;
	else
		ret = -ENOSPC;
	mutex_unlock(&m->lock);
out:
	kfree(buf);
	return ret ? ret : len;
}

static int kmg_lookup_open(struct inode *inode, struct file *file)
{
	struct kmg_lookup_file *l = kvzalloc(sizeof(*l), GFP_KERNEL);
	int ret;

	if (!l)
		return -ENOMEM;
	ret = single_open(file, kmg_lookup_show, l);
	if (ret)
		kvfree(l);
	return ret;
}

static int kmg_lookup_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kvfree(m->private);
	return single_release(inode, file);
}

static const struct file_operations kmg_lookup_fops = {
	.owner		= THIS_MODULE,
	.open		= kmg_lookup_open,
	.read		= seq_read,
	.write		= kmg_lookup_write,
	.llseek		= seq_lseek,
	.release	= kmg_lookup_release,
};

void kmg_debugfs_init(void)
{
	kmg_dir = debugfs_create_dir("kmemguard", NULL);
	debugfs_create_file("allocations", 0400, kmg_dir, NULL,
			    &kmg_alloc_fops);
	debugfs_create_file("sites", 0400, kmg_dir, NULL, &kmg_sites_fops);
	debugfs_create_file("stats", 0400, kmg_dir, NULL, &kmg_stats_fops);
	debugfs_create_file("control", 0600, kmg_dir, NULL,
			    &kmg_control_fops);
	debugfs_create_file("faults", 0600, kmg_dir, NULL, &kmg_faults_fops);
	debugfs_create_file("lookup", 0600, kmg_dir, NULL, &kmg_lookup_fops);
}

void kmg_debugfs_exit(void)
{
	debugfs_remove_recursive(kmg_dir);
}
