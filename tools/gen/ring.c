/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: the ring of time windows. Network events are generated
 * flow by flow, out of time order; each goes into the bucket of its
 * window, and a window is written, sorted, once every flow has passed
 * its end. Windows ahead of the current one wait in the ring.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

struct bucket {
	struct rec *r;
	uint32_t n, cap;
	uint64_t win;
};

struct ring {
	struct bucket *b;
	uint64_t size;         /* power of two */
	uint64_t cur;          /* the window being filled and written next */
	unsigned shift;
	uint64_t *keys, *tmp;  /* sort buffers */
	uint32_t keys_cap;
	uint32_t count[3][RADIX]; /* radix histograms */
};

static void ring_grow(struct ring *q, uint64_t need)
{
	uint64_t size = q->size;
	struct bucket *b;

	while (size <= need)
		size *= 2;
	b = gen_xcalloc(size, sizeof *b);
	for (uint64_t i = 0; i < q->size; i++) {
		if (q->b[i].n)
			b[q->b[i].win & (size - 1)] = q->b[i];
		else    /* a past window's room: its index may now be taken */
			free(q->b[i].r);
	}
	free(q->b);
	q->b = b;
	q->size = size;
}

void gen_push(struct gen *g, const struct rec *r)
{
	struct ring *q = g->ring;
	uint64_t w = r->t >> q->shift;
	struct bucket *b;

	if (r->t >= g->o.duration_ns)
		return;                       /* tracing has stopped */
	if (w < q->cur)
		gen_die(GEN_EXIT_IO, "internal error: event in a past window");
	if (w - q->cur >= q->size)
		ring_grow(q, w - q->cur);
	b = &q->b[w & (q->size - 1)];
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->r = gen_xrealloc(b->r, (size_t)b->cap * sizeof *b->r);
	}
	b->win = w;
	b->r[b->n++] = *r;
}

/* ---- sorting a window ---------------------------------------------------- */

/*
 * Keys: (time in window << 32) | index. Sorts on the time bits only (at
 * most 3 digits: shift <= 33), the histograms of every digit in one pass.
 */
static void radix_sort(uint32_t count[][RADIX], uint64_t *k, uint64_t *tmp,
		       uint32_t n, unsigned bits)
{
	unsigned digits = (bits + RADIX_BITS - 1) / RADIX_BITS;

	memset(count, 0, 3 * sizeof *count);
	for (uint32_t i = 0; i < n; i++)
		for (unsigned d = 0; d < digits; d++)
			count[d][(k[i] >> (32 + d * RADIX_BITS)) & (RADIX - 1)]++;
	for (unsigned d = 0; d < digits; d++) {
		unsigned sh = 32 + d * RADIX_BITS;
		uint32_t sum = 0;
		uint64_t *swap;

		for (uint32_t v = 0; v < RADIX; v++) {
			uint32_t c = count[d][v];

			count[d][v] = sum;
			sum += c;
		}
		for (uint32_t i = 0; i < n; i++)
			tmp[count[d][(k[i] >> sh) & (RADIX - 1)]++] = k[i];
		swap = k, k = tmp, tmp = swap;
	}
	if (digits % 2)
		memcpy(tmp, k, (size_t)n * sizeof *k); /* back into the caller's */
}

static void insertion_sort(uint64_t *k, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		uint64_t x = k[i];
		uint32_t j = i;

		for (; j > 0 && (k[j - 1] >> 32) > (x >> 32); j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

static void sort_bucket(struct ring *q, struct bucket *b, uint64_t start)
{
	if (b->n > q->keys_cap) {
		q->keys_cap = b->n;
		q->keys = gen_xrealloc(q->keys, (size_t)b->n * sizeof *q->keys);
		q->tmp = gen_xrealloc(q->tmp, (size_t)b->n * sizeof *q->tmp);
	}
	for (uint32_t i = 0; i < b->n; i++)
		q->keys[i] = (b->r[i].t - start) << 32 | i;
	if (b->n < 64)
		insertion_sort(q->keys, b->n);
	else
		radix_sort(q->count, q->keys, q->tmp, b->n, q->shift);
}

/* ---- the current window -------------------------------------------------- */

struct ring *ring_new(unsigned shift)
{
	struct ring *q = gen_xcalloc(1, sizeof *q);

	q->shift = shift;
	q->size = 64;
	q->b = gen_xcalloc(q->size, sizeof *q->b);
	return q;
}

void ring_free(struct ring *q)
{
	for (uint64_t i = 0; i < q->size; i++)
		free(q->b[i].r);
	free(q->b);
	free(q->keys);
	free(q->tmp);
	free(q);
}

uint64_t ring_window_start(const struct ring *q)
{
	return q->cur << q->shift;
}

uint64_t ring_window_len(const struct ring *q)
{
	return 1ULL << q->shift;
}

uint32_t ring_sort_window(struct ring *q)
{
	struct bucket *b = &q->b[q->cur & (q->size - 1)];

	if (b->n)
		sort_bucket(q, b, q->cur << q->shift);
	return b->n;
}

const struct rec *ring_sorted(const struct ring *q, uint32_t i)
{
	const struct bucket *b = &q->b[q->cur & (q->size - 1)];

	return &b->r[q->keys[i] & 0xFFFFFFFFu];
}

void ring_next_window(struct ring *q)
{
	struct bucket *b = &q->b[q->cur & (q->size - 1)];

	b->n = 0;
	/* a future window rarely needs the room of a current one */
	if (b->cap > 4096) {
		free(b->r);
		b->r = NULL;
		b->cap = 0;
	}
	q->cur++;
}
