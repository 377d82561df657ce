/* SPDX-License-Identifier: MIT */
/*
 * The min-heap that merges traces by time, for the workers (workers.c)
 * and for reading in the calling process (here.c): items are their
 * traces (or workers), keyed by the time of the next packet each would
 * feed, less its host's lead (leads.c). The storage is the caller's.
 */
#ifndef LTTSYNC_MERGE_HEAP_H
#define LTTSYNC_MERGE_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t (*lsync_heap_key_fn)(const void *item);

typedef struct lsync_merge_heap {
	void **item;          /* the caller's array, item[0] the least */
	size_t n;
	lsync_heap_key_fn key;
} lsync_merge_heap;

/* Adds x (room for it in h->item is the caller's). */
void lsync_heap_push(lsync_merge_heap *h, void *x);
/* Removes the least item. */
void lsync_heap_pop(lsync_merge_heap *h);
/* Restores the heap below i after item[i]'s key grew (or was replaced). */
void lsync_heap_sift_down(lsync_merge_heap *h, size_t i);
/* Restores the heap after every key may have moved. */
void lsync_heap_rebuild(lsync_merge_heap *h);

#endif
