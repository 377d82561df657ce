/* SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "pair.h"

lsync_pair *lsync_pair_new(uint32_t h1, uint32_t h2)
{
	lsync_pair *pair = calloc(1, sizeof(*pair));

	if (!pair)
		return NULL;
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
	if (pair->kept)
		g_array_free(pair->kept, TRUE);
	free(pair);
}

static int keep_message(lsync_pair *pair, uint32_t send_host,
			int64_t send_ns, int64_t recv_ns)
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

/*
 * A message a -> b is a point above the line in orientation x = a
 * (t_b > f(t_a)) and below it in orientation x = b (t_a < g(t_b)).
 */
int lsync_pair_add(lsync_pair *pair, uint32_t send_host, int64_t send_ns,
		   int64_t recv_ns, bool keep)
{
	int side = lsync_pair_side(pair, send_host);
	int r1, r2;

	/* Both orientations or neither: reserve first, then add. */
	if (lsync_hull_reserve(&pair->hull[0]) < 0 ||
	    lsync_hull_reserve(&pair->hull[1]) < 0)
		return -1;
	r1 = lsync_hull_add_above(&pair->hull[side], send_ns, recv_ns);
	r2 = lsync_hull_add_below(&pair->hull[1 - side], recv_ns, send_ns);
	pair->count[side]++;
	if (keep)
		keep_message(pair, send_host, send_ns, recv_ns);
	if (r1 > 0)
		pair->solved[side] = false;
	if (r2 > 0)
		pair->solved[1 - side] = false;
	return r1 > 0 || r2 > 0;
}

const lsync_hull_solution *lsync_pair_solution(lsync_pair *pair,
					       uint32_t from)
{
	int side = lsync_pair_side(pair, from);

	if (!pair->solved[side]) {
		lsync_hull_solve(&pair->hull[side], &pair->sol[side]);
		pair->solved[side] = true;
	}
	return &pair->sol[side];
}

uint64_t lsync_pair_count(const lsync_pair *pair, uint32_t from)
{
	return pair->count[lsync_pair_side(pair, from)];
}
