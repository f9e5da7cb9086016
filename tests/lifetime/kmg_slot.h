/* SPDX-License-Identifier: GPL-2.0 */
/* kmg_slot's shelf and device, shared by the lifetime test modules. */
#ifndef _KMG_SLOT_H
#define _KMG_SLOT_H

#define KMG_SLOTS 16

extern void *kmg_slot[KMG_SLOTS];
extern struct platform_device *kmg_slot_pdev;

#endif
