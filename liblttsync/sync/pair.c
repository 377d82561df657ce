/* SPDX-License-Identifier: MIT */
#include <stdbool.h>
#include <stdint.h>
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
