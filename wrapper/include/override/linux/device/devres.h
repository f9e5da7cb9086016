/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/device/devres.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_DEVICE_DEVRES_H
#define __KMG_OVERRIDE_LINUX_DEVICE_DEVRES_H
#include_next <linux/device/devres.h>
#define __KMG_READY_DEVRES
#define __KMG_HAVE_DEVRES_H
#include "../../../kmemguard/wrap.h"
#endif
