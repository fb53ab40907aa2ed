/*
 * clock.h — the one clock dlfs2 times things with.
 */
#ifndef DLFS2_COMMON_CLOCK_H
#define DLFS2_COMMON_CLOCK_H

/*
 * Seconds on the monotonic clock (POSIX clock_gettime(CLOCK_MONOTONIC)):
 * only differences mean anything; they are wall-clock seconds that no
 * change of the system time moves. Never fails on Linux.
 */
double dlfs_now_s(void);

#endif
