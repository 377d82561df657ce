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
#include "segments.h"

/* The messages kept for lttsync_session_get_kept_message(). */
typedef struct lsync_kept {
	size_t len, cap;
	lttsync_message msg[];
} lsync_kept;

/*
 * A message touches the two hulls and nothing else of its pair: two cache
 * lines (the struct is allocated aligned on 64). With 16 hosts, 120 pairs
 * of three or more touched lines each no longer fitted in the L1 cache.
 * So the message counts are the hulls' own (every message a -> b is
 * offered to hull[0].above), and a solution remembers how many points its
 * hull had been offered instead of being flagged stale on each message.
 */
typedef struct lsync_pair {
	lsync_hull hull[2];            /* [0]: x = a, y = b; [1]: x = b, y = a */
	/* Rates that change (segments.h): windows in orientation 0, NULL when
	 * the session does not keep them (then they never come back). With
	 * windows, hull[0] is not fed message by message: it is the union of
	 * the windows, rebuilt when asked for (the same vertex set, so the
	 * same solution), and a message costs two hull insertions as without
	 * windows. The windows live right after the pair, in the same
	 * allocation. A message's path reads hull[1], the cache line after
	 * it (this pointer and the x range of the open window, a copy of
	 * win->cur_lo and cur_hi taken after each change of window) and the
	 * open window's hull: three lines. */
	lsync_windows *win;
	int64_t win_lo, win_hi;
	uint64_t key;                  /* (a << 32) | b, for the pair table */
	uint32_t a, b;                 /* host ids, a < b */
	lsync_kept *kept;              /* NULL until a message is kept */
	uint64_t solved_at[2];         /* offered points + 1 when sol was computed */
	lsync_hull_solution sol[2];
	/* The segmentation, when the last refresh found one (segs), computed
	 * at seg_at offered points + 1. Counts come from hull[1], fed always. */
	uint64_t full_at;              /* hull[0] rebuilt from win at this count + 1 */
	uint64_t seg_at;
	lsync_segmented seg;
	const lsync_segmented *segs;
} lsync_pair;

static inline uint64_t lsync_pair_key(uint32_t h1, uint32_t h2)
{
	uint32_t a = h1 < h2 ? h1 : h2, b = h1 < h2 ? h2 : h1;

	return ((uint64_t)a << 32) | b;
}

/* With windows of `window` ns (<= 0: the default) when `windows`; NULL
 * on allocation failure. */
lsync_pair *lsync_pair_new(uint32_t h1, uint32_t h2, bool windows,
			   int64_t window);
void lsync_pair_free(lsync_pair *pair);

/* The orientation whose x axis is host `from`'s clock. */
static inline int lsync_pair_side(const lsync_pair *pair, uint32_t from)
{
	return from == pair->a ? 0 : 1;
}

/* The same from the two hosts, without reading the pair (a = min). */
static inline int lsync_pair_side_of(uint32_t from, uint32_t to)
{
	return from > to;
}

/* Appends the message to pair->kept (lsync_pair_keep(), declared above);
 * -1 on allocation failure. */

int lsync_pair_keep(lsync_pair *pair, uint32_t send_host, int64_t send_ns,
		    int64_t recv_ns);

/* *first = a and *second = b if `swap` is 0, else the reverse, by a
 * mask: the compiler makes a branch of `?:` here, which random
 * directions mispredict half of the time. */
static inline void lsync_hulls_order(int swap, lsync_hull *a, lsync_hull *b,
				     lsync_hull **first, lsync_hull **second)
{
	uintptr_t both = (uintptr_t)a ^ (uintptr_t)b;
	uintptr_t m = (uintptr_t)0 - (uintptr_t)(swap != 0);
	uintptr_t f = (uintptr_t)a ^ (both & m);

	*first = (lsync_hull *)f;
	*second = (lsync_hull *)(f ^ both);
}

/*
 * lsync_pair_add() with windows: orientation 1's full hull, and the
 * window of x = host a's time in orientation 0 (a message a -> b is a
 * point above the line there, b -> a a point below it). Returns 1: a
 * window always counts as changed (hull[0] is stale).
 */
static inline int lsync_pair_add_windowed(lsync_pair *pair, int side,
					  uint32_t send_host, int64_t send_ns,
					  int64_t recv_ns, bool keep,
					  size_t *vertices)
{
	lsync_hull *full = &pair->hull[1], *w = &pair->win->open, *up, *down;
	size_t before = lsync_hull_vertex_count(full);
	int64_t x = side == 0 ? send_ns : recv_ns;

	if (lsync_hull_reserve(full) < 0)
		return -1;
	if (!(x >= pair->win_lo && x < pair->win_hi &&
	      w->above.len < w->above.cap && w->below.len < w->below.cap)) {
		/* the copy follows every change, failed ones included */
		w = lsync_windows_prepare(pair->win, x);
		pair->win_lo = pair->win->cur_lo;
		pair->win_hi = pair->win->cur_hi;
		if (!w)
			return -1;
	}
	if (keep && lsync_pair_keep(pair, send_host, send_ns, recv_ns) < 0)
		return -1;
	before += lsync_hull_vertex_count(w);
	/* a -> b (side 0): above the window's line, below the full hull's;
	 * b -> a the reverse. Either way one point above, (send, recv), and
	 * one below, (recv, send): only the hulls swap, selected between two
	 * pointers at hand, without a branch on the direction (which is
	 * mispredicted for half of the messages when directions alternate)
	 * nor a load (doc/performance.md). */
	lsync_hulls_order(side, w, full, &up, &down);
	lsync_hull_add_above(up, send_ns, recv_ns);
	lsync_hull_add_below(down, recv_ns, send_ns);
	*vertices += lsync_hull_vertex_count(full) +
		     lsync_hull_vertex_count(w) - before;
	return 1;
}

/*
 * Add a message sent by `send_host` at send_ns and received by
 * `recv_host` (the pair's two hosts) at recv_ns; *vertices follows the
 * change in the pair's vertex count. Returns 1 if a hull changed, 0 if
 * not, -1 on allocation failure (nothing changed).
 *
 * A message a -> b is a point above the line in orientation x = a
 * (t_b > f(t_a)) and below it in orientation x = b (t_a < g(t_b)).
 * Inline: it runs once per matched message, between the session and the
 * hulls, and as a call of its own it cost a tenth of the hull benchmark.
 */
static inline int lsync_pair_add(lsync_pair *pair, uint32_t send_host,
				 int64_t send_ns, uint32_t recv_host,
				 int64_t recv_ns, bool keep, size_t *vertices)
{
	int side = lsync_pair_side_of(send_host, recv_host);
	lsync_hull *above, *below;
	size_t before;
	int r1, r2;

	if (pair->win)
		return lsync_pair_add_windowed(pair, side, send_host, send_ns,
					       recv_ns, keep, vertices);
	above = &pair->hull[side];
	below = &pair->hull[1 - side];
	before = above->above.len + below->below.len;
	/* Both orientations or neither: reserve first, then add. */
	if (lsync_hull_reserve(above) < 0 || lsync_hull_reserve(below) < 0)
		return -1;
	if (keep && lsync_pair_keep(pair, send_host, send_ns, recv_ns) < 0)
		return -1;
	r1 = lsync_hull_add_above(above, send_ns, recv_ns);
	r2 = lsync_hull_add_below(below, recv_ns, send_ns);
	*vertices += above->above.len + below->below.len - before;
	return r1 > 0 || r2 > 0;
}

/* Solution of the orientation x = from (computed on first use). */
const lsync_hull_solution *lsync_pair_solution(lsync_pair *pair,
					       uint32_t from);

/*
 * Makes hull[0] the union of the windows again if messages came since
 * (then drops the windows if `drop`: the pair goes on without them).
 * -1 on allocation failure.
 */
int lsync_pair_full_hull(lsync_pair *pair, bool drop);

/*
 * Recomputes the pair's segmentation if a message came since, when
 * `enabled` and the pair's single line fails (pair->segs is then the
 * segmentation if it has two segments or more, else NULL). -1 on
 * allocation failure (pair->segs NULL).
 */
int lsync_pair_update_segments(lsync_pair *pair, bool enabled,
			       int64_t min_span);

/* Messages sent by `from` to the other host (the session checked every
 * timestamp, so the hull refused none). */
uint64_t lsync_pair_count(const lsync_pair *pair, uint32_t from);

#endif
