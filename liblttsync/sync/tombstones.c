/* SPDX-License-Identifier: MIT */
/* Keys retired unmatched (tombstones.h). */
#include "tombstones.h"

#include "big_alloc.h"

#include <stdlib.h>
#include <string.h>

/* The word's index from the high bits (a multiply, not a mask, so that
 * any number of words works); the bits come from the low 18. */
static size_t word_of(const lsync_tombs *t, uint64_t x)
{
	return (size_t)(((unsigned __int128)x * t->words) >> 64);
}

static uint64_t bits_of(uint64_t x)
{
	return (UINT64_C(1) << (x & 63)) | (UINT64_C(1) << ((x >> 6) & 63)) |
	       (UINT64_C(1) << ((x >> 12) & 63));
}

/* 32 bits per key: half a word. */
static size_t words_for(size_t cap)
{
	return cap / 2 + 1;
}

bool lsync_tombs_reserve(lsync_tombs *t, size_t cap)
{
	size_t words = words_for(cap);
	uint64_t *w;

	if (t->words == words)
		return true;
	if (words > SIZE_MAX / (2 * sizeof(*w)))
		return false;
	/* 64-byte aligned: a key's two words never straddle a cache line. */
	w = lsync_big_alloc(2 * words * sizeof(*w));
	if (!w)
		return false;
	memset(w, 0, 2 * words * sizeof(*w));
	/* Resized with the cap (rare): what was remembered is given up. */
	lsync_tombs_free(t);
	t->word = w;
	t->words = words;
	t->per_gen = cap ? cap : 1;
	return true;
}

static void clear_generation(lsync_tombs *t, unsigned g)
{
	for (size_t i = 0; i < t->words; i++)
		t->word[2 * i + g] = 0;
}

void lsync_tombs_add(lsync_tombs *t, uint64_t h)
{
	uint64_t x = h;

	if (t->added >= t->per_gen) {
		t->cur ^= 1;
		clear_generation(t, t->cur);
		t->added = 0;
	}
	t->word[2 * word_of(t, x) + t->cur] |= bits_of(x);
	t->added++;
}

bool lsync_tombs_has(const lsync_tombs *t, uint64_t h)
{
	uint64_t x, bits;
	const uint64_t *w;

	if (!t->words)
		return false;
	x = h;
	w = &t->word[2 * word_of(t, x)];
	bits = bits_of(x);
	return (w[0] & bits) == bits || (w[1] & bits) == bits;
}

const void *lsync_tombs_where(const lsync_tombs *t, uint64_t h)
{
	return t->words ? &t->word[2 * word_of(t, h)] : NULL;
}

void lsync_tombs_free(lsync_tombs *t)
{
	free(t->word);
	memset(t, 0, sizeof(*t));
}
