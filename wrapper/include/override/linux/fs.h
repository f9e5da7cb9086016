/* SPDX-License-Identifier: GPL-2.0 */
/* kmemguard: the kernel's <linux/fs.h>, then alloc_inode_sb() as a macro (wrap.h). */
#ifndef __KMG_OVERRIDE_LINUX_FS_H
#define __KMG_OVERRIDE_LINUX_FS_H
#include_next <linux/fs.h>
#define __KMG_READY_FS
#include "../../kmemguard/wrap.h"
#endif
