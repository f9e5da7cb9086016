// SPDX-License-Identifier: GPL-2.0
/*
 * kmg-v4l2: stream N frames from a V4L2 capture device with mmap buffers,
 * the way a camera application does (tests/real, vivid).
 *
 *   kmg-v4l2 /dev/videoN FRAMES     prints "FRAMES frames of WxH FOURCC"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define NBUF 4

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		perror(what);
	return r;
}

int main(int argc, char **argv)
{
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers req = { 0 };
	struct v4l2_capability cap;
	struct v4l2_format fmt = { 0 };
	void *mem[NBUF];
	size_t len[NBUF];
	int fd, i, frames, got = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: kmg-v4l2 /dev/videoN FRAMES\n");
		return 2;
	}
	frames = atoi(argv[2]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap, "VIDIOC_QUERYCAP") ||
	    !(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING)) {
		fprintf(stderr, "%s: not a streaming capture device\n", argv[1]);
		return 1;
	}
	fmt.type = type;
	if (xioctl(fd, VIDIOC_G_FMT, &fmt, "VIDIOC_G_FMT"))
		return 1;
	req.count = NBUF;
	req.type = type;
	req.memory = V4L2_MEMORY_MMAP;
	if (xioctl(fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS") || req.count < 2)
		return 1;
	for (i = 0; i < (int)req.count; i++) {
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP, .index = i };

		if (xioctl(fd, VIDIOC_QUERYBUF, &b, "VIDIOC_QUERYBUF"))
			return 1;
		len[i] = b.length;
		mem[i] = mmap(NULL, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, b.m.offset);
		if (mem[i] == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		if (xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMON, &type, "VIDIOC_STREAMON"))
		return 1;
	while (got < frames) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct v4l2_buffer b = { .type = type, .memory = V4L2_MEMORY_MMAP };

		if (poll(&p, 1, 20000) <= 0) {
			fprintf(stderr, "kmg-v4l2: timeout after %d frames\n", got);
			return 1;
		}
		if (xioctl(fd, VIDIOC_DQBUF, &b, "VIDIOC_DQBUF"))
			return 1;
		got++;
		if (xioctl(fd, VIDIOC_QBUF, &b, "VIDIOC_QBUF"))
			return 1;
	}
	if (xioctl(fd, VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF"))
		return 1;
	for (i = 0; i < (int)req.count; i++)
		munmap(mem[i], len[i]);
	req.count = 0;
	if (xioctl(fd, VIDIOC_REQBUFS, &req, "VIDIOC_REQBUFS 0"))
		return 1;
	close(fd);
	printf("%d frames of %ux%u %.4s\n", got, fmt.fmt.pix.width,
	       fmt.fmt.pix.height, (char *)&fmt.fmt.pix.pixelformat);
	return 0;
}
