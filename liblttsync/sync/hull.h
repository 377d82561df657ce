/* SPDX-License-Identifier: MIT */
/*
 * The convex-hull synchronization of one host pair, in one orientation.
 *
 * Orientation: x is the time of host R, y the time of host O, and the
 * sought relation is y = a * x + b (see doc/algorithm.md).
 *
 *   - a message R->O (sent at R-time x, received at O-time y) gives a point
 *     "above" the line: y > a*x + b. Only the LOWER convex hull of those
 *     points can constrain the line: chain `above`.
 *   - a message O->R (sent at O-time y, received at R-time x) gives a point
 *     "below" the line: y < a*x + b. Only the UPPER convex hull of those
 *     points matters: chain `below`.
 *
 * Each chain keeps its strict vertices only (collinear and dominated points
 * are dropped), sorted by x, so the stored state after any sequence of
 * insertions is a function of the set of points inserted, never of their
 * order. All orientation tests are exact (int128 products of int64
 * differences). Coordinates must lie in [LSYNC_TS_MIN, LSYNC_TS_MAX] so
 * that differences fit in an int64 and products of two differences in an
 * __int128.
 */
#ifndef LTTSYNC_HULL_H
#define LTTSYNC_HULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

#include "transform.h"

#define LSYNC_TS_MAX ((int64_t)1 << 62)
#define LSYNC_TS_MIN (-LSYNC_TS_MAX)

typedef struct lsync_point {
	int64_t x, y;
} lsync_point;

/* 32-bit sizes (at most 2^31 vertices, 32 GiB) keep a hull in one cache line. */
typedef struct lsync_chain {
	lsync_point *pts; /* sorted by strictly increasing x */
	uint32_t len, cap;
	bool upper;       /* true: upper hull; false: lower hull */
	bool edge;        /* a coordinate at LSYNC_TS_MIN or _MAX was offered */
} lsync_chain;

/* 64 bytes: a message touches one hull of each orientation of its pair. */
typedef struct lsync_hull {
	lsync_chain above;   /* lower hull of R->O points */
	lsync_chain below;   /* upper hull of O->R points */
	uint64_t n_above;    /* points offered to `above`, hull or not */
	uint64_t n_below;
} lsync_hull;

void lsync_hull_init(lsync_hull *h);
void lsync_hull_fini(lsync_hull *h);

/*
 * Offer a point. Returns 1 if it became a vertex, 0 if it cannot affect
 * the result and was dropped, -1 on allocation failure (state unchanged).
 * Precondition: both coordinates within [LSYNC_TS_MIN, LSYNC_TS_MAX].
 */
int lsync_hull_add_above(lsync_hull *h, int64_t x, int64_t y);
int lsync_hull_add_below(lsync_hull *h, int64_t x, int64_t y);

/*
 * The solution of the pair in this orientation. Every field is a
 * deterministic function of the two chains' vertex sets.
 *
 * quality (doc/algorithm.md's table):
 *   ABSENT      no point at all;
 *   INCOMPLETE  points on one side only, or both but no finite slope bound;
 *   APPROXIMATE both sides, exactly one of a_min / a_max finite;
 *   ACCURATE    a_min and a_max finite, a_min < a_max;
 *   FAIL        no line passes strictly between the two point sets
 *               (this includes hulls that merely touch).
 *
 * line_min / line_max: the unique feasible lines of slope a_min / a_max
 * (valid when has_min / has_max). In FAIL they are the extreme lines of
 * the relaxed problem where every point is moved by `violation` towards
 * its allowed side (above points up, below points down).
 *
 * estimate: ACCURATE and FAIL: the point-by-point average of line_min and
 * line_max. APPROXIMATE: the one finite extreme line. ABSENT / INCOMPLETE:
 * none (has_estimate false).
 *
 * violation (FAIL only, else 0): the smallest e >= 0 such that some line
 * has every above point at least -e above it... precisely:
 *   e* = min over lines of max( max_above (line(x) - y),
 *                               max_below (y - line(x)) )
 * which equals half of the largest vertical overlap of the two hulls.
 * n_violating (FAIL only): how many chain vertices do not satisfy their
 * strict constraint against `estimate` (on the line counts as violating).
 *
 * x_first / x_last: the smallest and largest x of all vertices (both
 * chains), for callers that measure bound widths over the data range.
 * All xforms are pivoted at x_mid = x_first + (x_last - x_first) / 2.
 *
 * exact_min / exact_max / shift: the exact forms of line_min / line_max
 * and of e* that lsync_hull_bounds_at() and lsync_hull_inverse_bounds()
 * read instead of recomputing them (for those two functions only). They
 * are set whenever the quality is APPROXIMATE, ACCURATE or FAIL, also on
 * a side whose slope is infinite (then only the anchor x, y is
 * meaningful; APPROXIMATE's missing side is all zeros); shift is e* in
 * FAIL, else 0. Like every other field, a function of the vertex sets.
 *
 * Cost: O(h log h) for h vertices (O(h) memory); bounds_at O(log h),
 * inverse_bounds O(log h) per bisection step (about 64 steps per side).
 */

/* A slope n / d with d > 0, or an infinite one (inf = -1 or +1; n, d
 * unused). Not reduced: n and d are the differences of the two points
 * that define it. */
typedef struct lsync_hull_slope {
	__int128 n, d;
	int inf;
} lsync_hull_slope;

/* i + f with f in [0, 1): exact integer part, rounded fraction. */
typedef struct lsync_hull_val {
	__int128 i;
	long double f;
} lsync_hull_val;

/* The line through (x, y) of slope s. */
typedef struct lsync_hull_line {
	int64_t x;
	lsync_hull_val y;
	lsync_hull_slope s;
} lsync_hull_line;

typedef struct lsync_hull_solution {
	lttsync_quality quality;
	bool has_min, has_max, has_estimate;
	lsync_xform line_min, line_max, estimate;
	long double violation;
	uint64_t n_violating;
	int64_t x_first, x_last;
	lsync_hull_line exact_min, exact_max;
	lsync_hull_val shift;
} lsync_hull_solution;

void lsync_hull_solve(const lsync_hull *h, lsync_hull_solution *out);

/*
 * Bounds at R-time x on O-time y of every feasible line (of the relaxed
 * problem in FAIL), as offsets from x: every feasible line satisfies
 * x + *lo_off <= line(x) <= x + *hi_off. An unbounded side is -INFINITY /
 * +INFINITY (ABSENT and INCOMPLETE give both infinite).
 *
 * `s` must be what lsync_hull_solve() gave for this same hull, unchanged
 * since (no point added in between, not a copy from another hull): the
 * extreme lines are read from it, the chains from h. Likewise for
 * lsync_hull_inverse_bounds().
 */
void lsync_hull_bounds_at(const lsync_hull *h, const lsync_hull_solution *s,
			  int64_t x, long double *lo_off, long double *hi_off);

/*
 * The inverse question: given that O-time lies in [y_lo, y_hi], the range
 * of R-times [*x_lo, *x_hi] compatible with some feasible line. Returns
 * false when a side is unbounded (then that side is INT64_MIN/INT64_MAX).
 * Outward-rounded to whole ns.
 */
bool lsync_hull_inverse_bounds(const lsync_hull *h,
			       const lsync_hull_solution *s, int64_t y_lo,
			       int64_t y_hi, int64_t *x_lo, int64_t *x_hi);

/*
 * The same answer by bisecting the whole time range (64 evaluations a
 * side), the definition that lsync_hull_inverse_bounds() speeds up by
 * starting from the envelope's linear pieces; for tests.
 */
bool lsync_hull_inverse_bounds_bisect(const lsync_hull *h,
				      const lsync_hull_solution *s,
				      int64_t y_lo, int64_t y_hi,
				      int64_t *x_lo, int64_t *x_hi);

/*
 * Half the smallest vertical gap between the two chains over their common
 * x range (negative when they overlap: then minus the violation e*):
 * how far the best line stays from the nearest message there. False when
 * a chain is empty or their x ranges do not meet.
 */
bool lsync_hull_clearance(const lsync_hull *h, long double *out);

/*
 * Make room for one more vertex in each chain, so that the next
 * lsync_hull_add_above() and lsync_hull_add_below() cannot fail. Lets a
 * caller update several hulls all or nothing. 0, or -1 (nothing changed).
 */
int lsync_hull_reserve_slow(lsync_hull *h);

/* Inline: called (with the vertex count) for every message, from other
 * modules, and nearly always a comparison that finds room. */
static inline int lsync_hull_reserve(lsync_hull *h)
{
	if (h->above.len < h->above.cap && h->below.len < h->below.cap)
		return 0;
	return lsync_hull_reserve_slow(h);
}

/* Number of vertices in both chains (memory is proportional to it). */
static inline size_t lsync_hull_vertex_count(const lsync_hull *h)
{
	return h->above.len + h->below.len;
}

#endif
