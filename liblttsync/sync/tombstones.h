/* SPDX-License-Identifier: MIT */
/*
 * Keys retired from the pending table before they were matched.
 *
 * Why: once the cap retires a key's lone send, a later receive of that key
 * starts a new entry, and a retransmitted send arriving after it would be
 * paired with a reception that belongs to the retired send: a message of
 * negative latency, which can make a good pair fail. Eviction must only
 * lose keys, so the matcher remembers the keys it retired unmatched and
 * drops their later events.
 *
 * A filter of two generations, each a blocked Bloom filter (one 64-bit
 * word per key, 3 bits in it) of 32 bits per key it holds. A generation
 * takes `per_gen` keys (the cap); then the older one is cleared and takes
 * the next ones. So a retired key is recognised at least until `per_gen`
 * further keys have been retired after it, and at most until 2 * per_gen
 * have. A false positive only drops a key's events (about 0.1 % of new
 * keys while the filter is full). The two generations' words of a key sit
 * side by side, so that a look-up touches one cache line: the matcher asks
 * for every new key, and the filter is far larger than the caches.
 * Memory: 8 bytes per key of the cap, allocated only once the table first
 * retires an unmatched key.
 */
#ifndef LTTSYNC_TOMBSTONES_H
#define LTTSYNC_TOMBSTONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lsync_tombs {
	uint64_t *word;    /* word[2 * i + g]: word i of generation g */
	size_t words;      /* per generation; 0: none yet */
	size_t per_gen;    /* keys a generation takes */
	size_t added;      /* keys in gen[cur] */
	unsigned cur;
} lsync_tombs;

/* Make room for a filter of `cap` keys per generation; false when out of
 * memory (nothing changed). A filter already sized for cap is kept. */
bool lsync_tombs_reserve(lsync_tombs *t, size_t cap);

/* Remember the key of hash h (needs a successful reserve). The hash must
 * be well mixed in every bit: the word comes from its high bits, the
 * three bits from its low 18. */
void lsync_tombs_add(lsync_tombs *t, uint64_t h);

/* Was the key of hash h retired (or a false positive)? */
bool lsync_tombs_has(const lsync_tombs *t, uint64_t h);

/* Where lsync_tombs_has(t, h) will read (NULL while the filter is
 * empty), for a prefetch. */
const void *lsync_tombs_where(const lsync_tombs *t, uint64_t h);

void lsync_tombs_free(lsync_tombs *t);

#endif
