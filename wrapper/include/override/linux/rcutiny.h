/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemguard: the kernel's <linux/rcutiny.h>, which declares kvfree() again
 * (TINY_RCU kernels): parsed without kmemguard's kvfree macro.
 */
#ifndef __KMG_OVERRIDE_LINUX_RCUTINY_H
#define __KMG_OVERRIDE_LINUX_RCUTINY_H
#pragma push_macro("kvfree")
#undef kvfree
#include_next <linux/rcutiny.h>
#pragma pop_macro("kvfree")
#endif
