// SPDX-License-Identifier: GPL-2.0
/*
 * Correct: kstrdup_const() of a string in the kernel image's .rodata
 * returns that string itself (a module's string literals are in the
 * module's memory, not the kernel's .rodata: they are copied), and
 * kfree_const() of it does nothing. Nothing may be reported.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kmemguard.h>

static int __init kmg_rodata_init(void)
{
	static const char literal[] = "a module's literal";
	const char *k = kstrdup_const(hex_asc, GFP_KERNEL);
	const char *m = kstrdup_const(literal, GFP_KERNEL);

	pr_info("kmg_rodata: kernel .rodata %s, module literal %s\n",
		k == hex_asc ? "kept" : "copied", m && m != literal ? "copied" : "kept");
	kfree_const(k);
	kfree_const(m);
	kfree_const(hex_asc);
	return 0;
}

static void __exit kmg_rodata_exit(void)
{
}

module_init(kmg_rodata_init);
module_exit(kmg_rodata_exit);
MODULE_DESCRIPTION("kmemguard sample: kfree_const() of the kernel's .rodata");
MODULE_LICENSE("GPL");
