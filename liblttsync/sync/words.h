/* SPDX-License-Identifier: MIT */
/*
 * A growable array of 64-bit words that holds most of a long trace's
 * state (the closed windows' vertices: segments.h).
 *
 * Small, it lives in the heap. From 64 KiB on, it is mapped memory, grown
 * by mremap(): its pages are resident only once written, so the room
 * kept for growth costs address space, not memory, and growing neither
 * copies it nor leaves freed copies behind in the heap (where, the
 * arrays of many pairs growing in turn, they would stay resident).
 */
#ifndef LTTSYNC_WORDS_H
#define LTTSYNC_WORDS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Room for at least `need` words in *words (capacity *cap, 0 with
 * *words NULL at first), doubled as often as needed, the words kept.
 * -1 (nothing changed) when out of memory.
 */
int lsync_words_reserve(uint64_t **words, size_t *cap, size_t need);

/* Frees what lsync_words_reserve() made, given its capacity. */
void lsync_words_free(uint64_t *words, size_t cap);

#endif
