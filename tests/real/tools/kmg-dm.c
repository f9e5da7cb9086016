// SPDX-License-Identifier: GPL-2.0
/*
 * kmg-dm: the two device-mapper operations tests/real needs, as dmsetup
 * would do them (busybox has no dmsetup), through /dev/mapper/control.
 *
 *   kmg-dm create NAME "START LENGTH TARGET ARGS..."   prints dm-<minor>
 *   kmg-dm remove NAME
 */
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static union {
	struct dm_ioctl io;
	char raw[16384];
} buf;

static struct dm_ioctl *dm_init(const char *name)
{
	memset(&buf, 0, sizeof(buf));
	buf.io.version[0] = DM_VERSION_MAJOR;
	buf.io.data_size = sizeof(buf);
	buf.io.data_start = sizeof(struct dm_ioctl);
	snprintf(buf.io.name, sizeof(buf.io.name), "%s", name);
	return &buf.io;
}

static int dm(int fd, unsigned long cmd, const char *what)
{
	if (ioctl(fd, cmd, &buf) == 0)
		return 0;
	perror(what);
	return -1;
}

int main(int argc, char **argv)
{
	unsigned long long start, len;
	struct dm_target_spec *t;
	struct dm_ioctl *io;
	int fd, n;
	char type[DM_MAX_TYPE_NAME];

	if (argc < 3 || (!strcmp(argv[1], "create") && argc != 4)) {
		fprintf(stderr, "usage: kmg-dm create NAME TABLE | remove NAME\n");
		return 2;
	}
	fd = open("/dev/mapper/control", O_RDWR);
	if (fd < 0) {
		perror("/dev/mapper/control");
		return 1;
	}
	if (!strcmp(argv[1], "remove")) {
		dm_init(argv[2]);
		return dm(fd, DM_DEV_REMOVE, "DM_DEV_REMOVE") ? 1 : 0;
	}
	if (sscanf(argv[3], "%llu %llu %31s %n", &start, &len, type, &n) != 3) {
		fprintf(stderr, "kmg-dm: bad table line\n");
		return 2;
	}
	dm_init(argv[2]);
	if (dm(fd, DM_DEV_CREATE, "DM_DEV_CREATE"))
		return 1;
	io = dm_init(argv[2]);
	io->target_count = 1;
	t = (struct dm_target_spec *)(buf.raw + io->data_start);
	t->sector_start = start;
	t->length = len;
	snprintf(t->target_type, sizeof(t->target_type), "%s", type);
	snprintf((char *)(t + 1), sizeof(buf) - io->data_start - sizeof(*t), "%s", argv[3] + n);
	t->next = sizeof(*t) + ((strlen(argv[3] + n) + 8) & ~7UL);
	if (dm(fd, DM_TABLE_LOAD, "DM_TABLE_LOAD"))
		goto remove;
	dm_init(argv[2]);
	if (dm(fd, DM_DEV_SUSPEND, "DM_DEV_SUSPEND (resume)"))
		goto remove;
	printf("dm-%u\n", minor(buf.io.dev));
	return 0;
remove:
	dm_init(argv[2]);
	dm(fd, DM_DEV_REMOVE, "DM_DEV_REMOVE");
	return 1;
}
