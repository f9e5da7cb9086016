#!/bin/busybox sh
# Exercise of vivid (tests/hunt/real.list): its capture node streamed with
# mmap buffers for a few frames (kmg-v4l2, tests/real/tools).
for v in /sys/class/video4linux/video*; do
	grep -q vivid "$v/name" 2> /dev/null && exec kmg-v4l2 "/dev/${v##*/}" 3
done
exit 1
