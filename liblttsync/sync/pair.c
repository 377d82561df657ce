/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pair.h"

/* The windows start on the cache line after the pair's. */
#define WINDOWS_AT (((sizeof(lsync_pair) + 63) / 64) * 64)

lsync_pair *lsync_pair_new(uint32_t h1, uint32_t h2, bool windows,
			   int64_t window)
{
	lsync_pair *pair = NULL;
	size_t size = windows ? WINDOWS_AT + sizeof(lsync_windows)
			      : sizeof(lsync_pair);

	if (posix_memalign((void **)&pair, 64, size))
		return NULL;
	memset(pair, 0, sizeof(*pair));
	pair->key = lsync_pair_key(h1, h2);
	pair->a = (uint32_t)(pair->key >> 32);
	pair->b = (uint32_t)pair->key;
	lsync_hull_init(&pair->hull[0]);
	lsync_hull_init(&pair->hull[1]);
	if (windows) {
		pair->win = (lsync_windows *)((char *)pair + WINDOWS_AT);
		lsync_windows_init(pair->win, window);
		pair->win_lo = pair->win->cur_lo;
		pair->win_hi = pair->win->cur_hi;
	}
	return pair;
}

void lsync_pair_free(lsync_pair *pair)
{
	if (!pair)
		return;
	lsync_hull_fini(&pair->hull[0]);
	lsync_hull_fini(&pair->hull[1]);
	lsync_windows_fini(pair->win);
	lsync_segmented_free(&pair->seg);
	free(pair->kept);
	free(pair);
}

/* Doubles the capacity of *kept (checked: kept messages grow with the
 * input, see the header's "Running out of memory"). */
static int grow_kept(lsync_kept **kept)
{
	bool fresh = !*kept;
	size_t cap = fresh ? 64 : (*kept)->cap * 2;
	lsync_kept *k;

	if (cap > (SIZE_MAX - sizeof(*k)) / sizeof(k->msg[0]))
		return -1;
	k = realloc(*kept, sizeof(*k) + cap * sizeof(k->msg[0]));
	if (!k)
		return -1;
	if (fresh)
		k->len = 0;
	k->cap = cap;
	*kept = k;
	return 0;
}

int lsync_pair_keep(lsync_pair *pair, uint32_t send_host, int64_t send_ns,
		    int64_t recv_ns)
{
	lttsync_message m = {
		.send_host = send_host,
		.recv_host = send_host == pair->a ? pair->b : pair->a,
		.send_ns = send_ns,
		.recv_ns = recv_ns,
	};

	if (!pair->kept || pair->kept->len == pair->kept->cap) {
		if (grow_kept(&pair->kept))
			return -1;
	}
	pair->kept->msg[pair->kept->len++] = m;
	return 0;
}

const lsync_hull_solution *lsync_pair_solution(lsync_pair *pair,
					       uint32_t from)
{
	int side = lsync_pair_side(pair, from);
	const lsync_hull *h = &pair->hull[1];
	uint64_t offered = h->n_above + h->n_below + 1;

	/* A point that changed no vertex changes no solution: solving again
	 * after any point is correct, and saves a store per message. Out of
	 * memory rebuilding hull[0]: solved_at stays, so the next call
	 * tries again; this one solves the last hull[0] there was. */
	if (side == 0 && lsync_pair_full_hull(pair, false) < 0)
		offered = 0;
	if (pair->solved_at[side] != offered) {
		lsync_hull_solve(&pair->hull[side], &pair->sol[side]);
		pair->solved_at[side] = offered;
	}
	return &pair->sol[side];
}

/* A message a -> b is offered to hull[0].above and hull[1].below, and
 * hull[1] is always fed (hull[0] not, with windows). */
uint64_t lsync_pair_count(const lsync_pair *pair, uint32_t from)
{
	return from == pair->a ? pair->hull[1].n_below : pair->hull[1].n_above;
}

int lsync_pair_full_hull(lsync_pair *pair, bool drop)
{
	const lsync_hull *h1 = &pair->hull[1];
	uint64_t offered = h1->n_above + h1->n_below + 1;
	lsync_hull full;

	if (!pair->win)
		return 0;
	if (pair->full_at != offered) {
		lsync_hull_init(&full);
		if (lsync_windows_union(pair->win, &full) < 0) {
			lsync_hull_fini(&full);
			return -1;
		}
		/* the counts of the messages, as if fed one by one */
		full.n_above = h1->n_below;
		full.n_below = h1->n_above;
		lsync_hull_fini(&pair->hull[0]);
		pair->hull[0] = full;
		pair->full_at = offered;
	}
	if (drop) {
		lsync_windows_fini(pair->win);
		pair->win = NULL;
	}
	return 0;
}

int lsync_pair_update_segments(lsync_pair *pair, bool enabled,
			       int64_t min_span)
{
	const lsync_hull *h = &pair->hull[1];
	uint64_t offered = h->n_above + h->n_below + 1;

	pair->segs = NULL;
	if (lsync_pair_full_hull(pair, false) < 0)
		return -1;
	if (!enabled || !pair->win ||
	    lsync_pair_solution(pair, pair->a)->quality != LTTSYNC_QUALITY_FAIL)
		return 0;
	if (pair->seg_at != offered) {
		lsync_segmented_free(&pair->seg);
		pair->seg_at = 0;
		if (lsync_segment_pair(pair->win, min_span, &pair->seg) < 0)
			return -1;
		pair->seg_at = offered;
	}
	if (pair->seg.n_seg >= 2 && pair->seg.pieces)
		pair->segs = &pair->seg;
	return 0;
}
