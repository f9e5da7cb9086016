// SPDX-License-Identifier: GPL-2.0
/*
 * Buggy on purpose: allocates and frees in NMI context, where the
 * allocators are not safe. It registers an NMI handler and sends its own
 * CPU an NMI (a self-IPI through the local APIC). kmemguard refuses the
 * allocation (NULL) and defers the free to an irq_work; both are reported
 * as nmi-unsafe.
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/apic.h>
#include <asm/nmi.h>

#include <kmemguard.h>

static void *kmg_nmi_held;
static void *kmg_nmi_got;
static atomic_t kmg_nmi_armed, kmg_nmi_ran;

static int kmg_nmi_handler(unsigned int cmd, struct pt_regs *regs)
{
	if (!atomic_xchg(&kmg_nmi_armed, 0))
		return NMI_DONE;	/* not ours */
	kmg_nmi_got = kmalloc(32, GFP_ATOMIC); /* KMG: nmi-alloc */
	kfree(kmg_nmi_held); /* KMG: nmi-free */
	atomic_inc(&kmg_nmi_ran);
	return NMI_HANDLED;
}

static int __init kmg_nmi_init(void)
{
	int i, ret;

	kmg_nmi_held = kmalloc(64, GFP_KERNEL);
	if (!kmg_nmi_held)
		return -ENOMEM;
	ret = register_nmi_handler(NMI_LOCAL, kmg_nmi_handler, 0, "kmg_nmi");
	if (ret) {
		kfree(kmg_nmi_held);
		return ret;
	}
	atomic_set(&kmg_nmi_armed, 1);
	preempt_disable();
	apic->send_IPI_self(NMI_VECTOR);
	preempt_enable();
	for (i = 0; i < 50 && !atomic_read(&kmg_nmi_ran); i++)
		msleep(20);
	unregister_nmi_handler(NMI_LOCAL, "kmg_nmi");
	if (!atomic_read(&kmg_nmi_ran)) {
		pr_info("kmg_nmi: no NMI arrived\n");
		kfree(kmg_nmi_held);
		return -EIO;
	}
	pr_info("kmg_nmi: the NMI handler ran; its allocation returned %s\n",
		kmg_nmi_got ? "memory" : "NULL");
	kfree(kmg_nmi_got);
	return 0;
}

static void __exit kmg_nmi_exit(void)
{
}

module_init(kmg_nmi_init);
module_exit(kmg_nmi_exit);
MODULE_DESCRIPTION("kmemguard sample: allocation and free in NMI context");
MODULE_LICENSE("GPL");
