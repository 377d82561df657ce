/* SPDX-License-Identifier: MIT */
/*
 * A host pair: the hulls of both orientations, message counts, and the
 * messages themselves when the session keeps them.
 *
 * Both orientations are kept because the estimate (the average of the two
 * extreme lines) and the violation of a failed pair are defined in the
 * orientation R -> O, and which host is R depends on the reference, which
 * may change while messages arrive. Each orientation's result comes from
 * its own hull, so neither depends on which orientation was asked first.
 */
#ifndef LTTSYNC_PAIR_H
#define LTTSYNC_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "hull.h"

typedef struct lsync_pair {
	uint64_t key;                  /* (a << 32) | b, for the pair table */
	uint32_t a, b;                 /* host ids, a < b */
	lsync_hull hull[2];            /* [0]: x = a, y = b; [1]: x = b, y = a */
	uint64_t count[2];             /* [0]: messages a -> b; [1]: b -> a */
	GArray *kept;                  /* lttsync_message, NULL until one is kept */
	bool solved[2];
	lsync_hull_solution sol[2];
} lsync_pair;

static inline uint64_t lsync_pair_key(uint32_t h1, uint32_t h2)
{
	uint32_t a = h1 < h2 ? h1 : h2, b = h1 < h2 ? h2 : h1;

	return ((uint64_t)a << 32) | b;
}

/* NULL on allocation failure. */
lsync_pair *lsync_pair_new(uint32_t h1, uint32_t h2);
void lsync_pair_free(lsync_pair *pair);

/*
 * Add a message sent by `send_host` (one of the pair) at send_ns and
 * received by the other at recv_ns. Returns 1 if a hull changed, 0 if
 * not, -1 on allocation failure.
 */
int lsync_pair_add(lsync_pair *pair, uint32_t send_host, int64_t send_ns,
		   int64_t recv_ns, bool keep);

/* The orientation whose x axis is host `from`'s clock. */
static inline int lsync_pair_side(const lsync_pair *pair, uint32_t from)
{
	return from == pair->a ? 0 : 1;
}

/* Solution of the orientation x = from (computed on first use). */
const lsync_hull_solution *lsync_pair_solution(lsync_pair *pair,
					       uint32_t from);

/* Messages sent by `from` to the other host. */
uint64_t lsync_pair_count(const lsync_pair *pair, uint32_t from);

#endif
