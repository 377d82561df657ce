/* SPDX-License-Identifier: MIT */
/*
 * Large arrays read at random (the matcher's index and pool, the filter
 * of retired keys).
 *
 * Lookups of new keys land on random cache lines: with 4 KiB pages nearly
 * each one also misses the TLB (a page walk, costlier still under a
 * hypervisor), and a prefetch that misses the TLB may be dropped. Such an
 * array is therefore aligned for, and advised to use, transparent huge
 * pages; the advice is only a hint.
 */
#ifndef LTTSYNC_BIG_ALLOC_H
#define LTTSYNC_BIG_ALLOC_H

#include <stddef.h>

#define LSYNC_HUGE_PAGE ((size_t)2 << 20)

/* Uninitialized memory of `bytes`, 64-byte aligned at least; free() it.
 * NULL when out of memory. */
void *lsync_big_alloc(size_t bytes);

#endif
