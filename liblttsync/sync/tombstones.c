/* SPDX-License-Identifier: MIT */
/* Keys retired unmatched (tombstones.h). */
#include "tombstones.h"

#include <stdlib.h>
#include <string.h>

/* Re-mixed, so that the word and bits do not follow the matcher's bucket. */
static uint64_t remix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static size_t word_of(const lsync_tombs *t, uint64_t x)
{
	return (size_t)(x >> 20) & (t->words - 1);
}

static uint64_t bits_of(uint64_t x)
{
	return (UINT64_C(1) << (x & 63)) | (UINT64_C(1) << ((x >> 6) & 63)) |
	       (UINT64_C(1) << ((x >> 12) & 63));
}

/* 32 bits per key: half a word. */
static size_t words_for(size_t cap)
{
	size_t want = cap / 2 + 1, w = 1;

	while (w < want && w < ((size_t)1 << 40))
		w <<= 1;
	return w;
}

bool lsync_tombs_reserve(lsync_tombs *t, size_t cap)
{
	size_t words = words_for(cap);
	uint64_t *a, *b;

	if (t->words == words)
		return true;
	a = calloc(words, sizeof(*a));
	b = a ? calloc(words, sizeof(*b)) : NULL;
	if (!b) {
		free(a);
		return false;
	}
	/* Resized with the cap (rare): what was remembered is given up. */
	lsync_tombs_free(t);
	t->gen[0] = a;
	t->gen[1] = b;
	t->words = words;
	t->per_gen = cap ? cap : 1;
	return true;
}

void lsync_tombs_add(lsync_tombs *t, uint64_t h)
{
	uint64_t x = remix(h);

	if (t->added >= t->per_gen) {
		t->cur ^= 1;
		memset(t->gen[t->cur], 0, t->words * sizeof(uint64_t));
		t->added = 0;
	}
	t->gen[t->cur][word_of(t, x)] |= bits_of(x);
	t->added++;
}

bool lsync_tombs_has(const lsync_tombs *t, uint64_t h)
{
	uint64_t x, bits;
	size_t w;

	if (!t->words)
		return false;
	x = remix(h);
	w = word_of(t, x);
	bits = bits_of(x);
	return (t->gen[0][w] & bits) == bits || (t->gen[1][w] & bits) == bits;
}

void lsync_tombs_free(lsync_tombs *t)
{
	free(t->gen[0]);
	free(t->gen[1]);
	memset(t, 0, sizeof(*t));
}
