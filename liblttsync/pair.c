/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "pair.h"

lsync_pair *lsync_pair_new(uint32_t h1, uint32_t h2)
{
	lsync_pair *pair = NULL;

	if (posix_memalign((void **)&pair, 64, sizeof(*pair)))
		return NULL;
	memset(pair, 0, sizeof(*pair));
	pair->key = lsync_pair_key(h1, h2);
	pair->a = (uint32_t)(pair->key >> 32);
	pair->b = (uint32_t)pair->key;
	lsync_hull_init(&pair->hull[0]);
	lsync_hull_init(&pair->hull[1]);
	return pair;
}

void lsync_pair_free(lsync_pair *pair)
{
	if (!pair)
		return;
	lsync_hull_fini(&pair->hull[0]);
	lsync_hull_fini(&pair->hull[1]);
	lsync_windows_free(pair->win);
	lsync_segmented_free(&pair->seg);
	if (pair->kept)
		g_array_free(pair->kept, TRUE);
	free(pair);
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

	if (!pair->kept)
		pair->kept = g_array_new(FALSE, FALSE, sizeof(m));
	g_array_append_val(pair->kept, m);
	return 0;
}

const lsync_hull_solution *lsync_pair_solution(lsync_pair *pair,
					       uint32_t from)
{
	int side = lsync_pair_side(pair, from);
	const lsync_hull *h = &pair->hull[side];
	uint64_t offered = h->n_above + h->n_below + 1;

	/* A point that changed no vertex changes no solution: solving again
	 * after any point is correct, and saves a store per message. */
	if (pair->solved_at[side] != offered) {
		lsync_hull_solve(h, &pair->sol[side]);
		pair->solved_at[side] = offered;
	}
	return &pair->sol[side];
}

uint64_t lsync_pair_count(const lsync_pair *pair, uint32_t from)
{
	return pair->hull[lsync_pair_side(pair, from)].n_above;
}

int lsync_pair_update_segments(lsync_pair *pair, bool enabled,
			       int64_t min_span)
{
	const lsync_hull *h = &pair->hull[0];
	uint64_t offered = h->n_above + h->n_below + 1;

	pair->segs = NULL;
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
