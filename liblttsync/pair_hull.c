/* SPDX-License-Identifier: MIT */
/*
 * A pair's hull vertices, for programs that draw the evidence
 * (lttsync_session_get_pair_hull()). Everything is read in the pair's
 * orientation 0 (x = its first host, y = its second): there, messages
 * sent by the first host are the "above" points, whose lower hull the
 * pair keeps, and messages sent by the second host the "below" points,
 * whose upper hull it keeps (doc/algorithm.md, "One pair of hosts").
 */
#include "session.h"

/* Window i's chain of one direction, valid until the next window is
 * read (segments.h). */
static lsync_chain window_chain(const lsync_windows *ws, uint32_t i,
				lttsync_pair_direction dir)
{
	lsync_hull tmp;
	const lsync_hull *h = lsync_windows_hull(ws, i, &tmp);

	return dir == LTTSYNC_PAIR_FIRST_TO_SECOND ? h->above : h->below;
}

/* Copies the chain's vertices to points[at...] while they fit; returns
 * the position after them, fitting or not. */
static size_t copy_chain(const lsync_chain *c, lttsync_point *points,
			 size_t capacity, size_t at)
{
	for (uint32_t k = 0; k < c->len; k++, at++)
		if (at < capacity) {
			points[at].x = c->pts[k].x;
			points[at].y = c->pts[k].y;
		}
	return at;
}

/*
 * A segmented pair is explained window by window, so its evidence is
 * every window's hull; windows cover disjoint, increasing ranges of x,
 * so their vertices come out in x order.
 */
static size_t windows_vertices(const lsync_windows *ws,
			       lttsync_pair_direction dir,
			       lttsync_point *points, size_t capacity)
{
	size_t n = 0;

	for (uint32_t i = 0; i < ws->len; i++) {
		lsync_chain c = window_chain(ws, i, dir);

		n = copy_chain(&c, points, capacity, n);
	}
	return n;
}

/* The pair's vertices of one direction (those that fit are copied). */
static size_t pair_vertices(const lsync_pair *pair, lttsync_pair_direction dir,
			    lttsync_point *points, size_t capacity)
{
	if (pair->segs && pair->win)
		return windows_vertices(pair->win, dir, points, capacity);
	return copy_chain(dir == LTTSYNC_PAIR_FIRST_TO_SECOND
				  ? &pair->hull[0].above
				  : &pair->hull[0].below,
			  points, capacity, 0);
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_hull(size_t *out_count,
							 lttsync_point *points,
							 size_t capacity,
							 lttsync_session *s,
							 size_t index,
							 lttsync_pair_direction direction)
{
	lttsync_status st;
	lsync_pair *pair;
	size_t n;

	LSYNC_INVALID_IF(s, !s || !out_count || (capacity && !points));
	lsync_clear_error(s);
	if (direction != LTTSYNC_PAIR_FIRST_TO_SECOND &&
	    direction != LTTSYNC_PAIR_SECOND_TO_FIRST)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "unknown pair direction %d", (int)direction);
	if ((st = lsync_pair_at(&pair, s, index)))
		return st;
	if (!(pair->segs && pair->win) && lsync_pair_full_hull(pair, false) < 0)
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot gather the pair's hull: out of memory");
	/* Counted first: on RANGE, points stay untouched. */
	n = pair_vertices(pair, direction, NULL, 0);
	*out_count = n;
	if (capacity && n > capacity)
		return lsync_error(s, LTTSYNC_ERROR_RANGE,
				   "the hull has %zu vertices, room for %zu",
				   n, capacity);
	if (capacity)
		pair_vertices(pair, direction, points, capacity);
	return LTTSYNC_OK;
}
