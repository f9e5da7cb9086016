/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/device.h>, then the macros for what it declares. */
#ifndef __KMG_OVERRIDE_LINUX_DEVICE_H
#define __KMG_OVERRIDE_LINUX_DEVICE_H
#include_next <linux/device.h>
#define __KMG_READY_DEVRES
#define __KMG_READY_DEVICE
#include "../../kmemguard/wrap.h"
#endif
