/* SPDX-License-Identifier: MIT */
/*
 * The convex-hull synchronization of one host pair (see hull.h and
 * doc/algorithm.md, "One pair of hosts").
 *
 * Two chains: `below` is the upper hull of the O->R points, `above` the
 * lower hull of the R->O points. Every geometric decision (is a point a
 * vertex, which slope is smaller, which overlap is larger) is taken in
 * exact integer arithmetic, so the stored vertices and every result are
 * functions of the point sets alone. Floating point (long double) appears
 * only when results are handed out: slopes, the fractional part of values,
 * and the relaxed problem of a FAIL pair, which involves e* = D/2.
 *
 * Overflow budget: coordinates lie in [-2^62, 2^62], so a difference is
 * below 2^63 in magnitude and a product of two differences below 2^126;
 * every such quantity is computed in __int128 and products are compared,
 * never subtracted.
 */
#include "hull.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef __int128 i128;

/* A slope n/d with d > 0, or an infinite one (inf = -1 or +1, n, d unused). */
typedef lsync_hull_slope slope;

/* An exact rational q + r/den with 0 <= r < den. */
typedef struct qval {
	i128 q, r, den;
} qval;

/* i + f with f in [0, 1): exact integer part, rounded fraction. */
typedef lsync_hull_val ival;

/* The line through (x, y) of slope s. */
typedef lsync_hull_line line;

/*
 * What solve derives from the chains: the quality, the extreme lines
 * (exact slopes, anchored at a point), and in FAIL the relaxation (chains
 * move by `shift` = e* towards their side). The solution keeps all of it
 * but `overlap`, for bounds_at and inverse_bounds.
 */
typedef struct extremes {
	lttsync_quality quality;
	bool has_min, has_max;
	line lmin, lmax;
	qval overlap; /* FAIL: D, the largest vertical overlap; else 0 */
	ival shift;   /* FAIL: D / 2; else 0 */
} extremes;

/* ---- exact arithmetic ------------------------------------------------ */

static int cmp_i128(i128 a, i128 b)
{
	return (a > b) - (a < b);
}

/* Floor division (C division truncates): q and 0 <= *r < d, for d > 0. */
static i128 floor_div(i128 n, i128 d, i128 *r)
{
	i128 q = n / d, m = n % d;

	if (m < 0) {
		m += d;
		q -= 1;
	}
	*r = m;
	return q;
}

static qval qval_make(i128 n, i128 d)
{
	qval v;

	v.den = d;
	v.q = floor_div(n, d, &v.r);
	return v;
}

/* Compares the integer parts first, so the cross products stay < 2^126. */
static int qval_cmp(const qval *a, const qval *b)
{
	if (a->q != b->q)
		return cmp_i128(a->q, b->q);
	return cmp_i128(a->r * b->den, b->r * a->den);
}

/*
 * a - b and a + b, when at most one of them has a fractional part (they
 * are chain values at a vertex of one chain, so one is an integer).
 */
static qval qval_sub(const qval *a, const qval *b)
{
	if (b->r == 0)
		return (qval){ a->q - b->q, a->r, a->den };
	return (qval){ a->q - b->q - 1, b->den - b->r, b->den };
}

static qval qval_add(const qval *a, const qval *b)
{
	if (b->r == 0)
		return (qval){ a->q + b->q, a->r, a->den };
	return (qval){ a->q + b->q, b->r, b->den };
}

/* r/den rounds once (both are below 2^64, so they convert exactly). */
static ival qval_to_ival(const qval *v)
{
	return (ival){ v->q, lsync_i128_ld(v->r) / lsync_i128_ld(v->den) };
}

/* Moves whole units of f into i so that f is back in [0, 1). */
static ival ival_norm(ival v)
{
	if (v.f >= 1 || v.f < 0) {
		long double k = floorl(v.f);

		/* |k| <= 2: f is a sum or difference of two fractions */
		v.i += (int64_t)k;
		v.f -= k;
	}
	return v;
}

/* v / 2: the integer part stays exact, the odd unit becomes 0.5. */
static ival qval_half(const qval *v)
{
	i128 odd;
	i128 i = floor_div(v->q, 2, &odd);

	long double f = lsync_i128_ld(v->r) / lsync_i128_ld(v->den) / 2;

	/* normalised: with a shorter mantissa the sum could round to 1 */
	return ival_norm((ival){ i, 0.5L * lsync_i128_ld(odd) + f });
}

static ival ival_add(ival a, ival b, int sign)
{
	if (sign < 0)
		return ival_norm((ival){ a.i - b.i, a.f - b.f });
	return ival_norm((ival){ a.i + b.i, a.f + b.f });
}

/* ---- slopes ---------------------------------------------------------- */

/* The slope from p to q, p.x < q.x. */
static slope slope_of(lsync_point p, lsync_point q)
{
	return (slope){ (i128)q.y - p.y, (i128)q.x - p.x, 0 };
}

static slope slope_inf(int sign)
{
	return (slope){ 0, 1, sign };
}

static int slope_cmp(const slope *a, const slope *b)
{
	if (a->inf != b->inf)
		return a->inf < b->inf ? -1 : 1;
	if (a->inf)
		return 0;
	return cmp_i128(a->n * b->d, b->n * a->d);
}

static long double slope_ld(const slope *s)
{
	if (s->inf)
		return s->inf * (long double)INFINITY;
	return lsync_i128_ld(s->n) / lsync_i128_ld(s->d);
}

static const slope *slope_min(const slope *a, const slope *b)
{
	return slope_cmp(a, b) <= 0 ? a : b;
}

static const slope *slope_max(const slope *a, const slope *b)
{
	return slope_cmp(a, b) >= 0 ? a : b;
}

/* The line's exact value at x (its anchor's fraction aside). */
static ival line_at(const line *l, int64_t x)
{
	qval t = qval_make(l->s.n * ((i128)x - l->x), l->s.d);

	return ival_add(l->y, qval_to_ival(&t), 1);
}

/* ---- chains ---------------------------------------------------------- */

/*
 * Orientation of (a, b, c): > 0 when they turn counter-clockwise. The two
 * products are compared rather than subtracted: each is below 2^126, their
 * difference might not fit. A difference can reach 2^63 (just beyond
 * int64), so the cheap path (64-bit differences, one 64x64->128 multiply
 * each) is taken only when all four fit; the result is the same exact one.
 */
/* Out of line: inlined, its 128-bit differences made gcc spill the hot
 * append loop to the stack, on every message. */
__attribute__((noinline)) static int orient_wide(int64_t ax, int64_t ay,
						 int64_t bx, int64_t by,
						 int64_t cx, int64_t cy)
{
	return cmp_i128(((i128)bx - ax) * ((i128)cy - ay),
			((i128)by - ay) * ((i128)cx - ax));
}

static int orient_xy(int64_t ax, int64_t ay, int64_t bx, int64_t by,
		     int64_t cx, int64_t cy)
{
	int64_t dbx, dby, dcx, dcy;

	if (!__builtin_sub_overflow(bx, ax, &dbx) &&
	    !__builtin_sub_overflow(by, ay, &dby) &&
	    !__builtin_sub_overflow(cx, ax, &dcx) &&
	    !__builtin_sub_overflow(cy, ay, &dcy))
		return cmp_i128((i128)dbx * dcy, (i128)dby * dcx);
	return orient_wide(ax, ay, bx, by, cx, cy);
}

static int orient(lsync_point a, lsync_point b, lsync_point c)
{
	return orient_xy(a.x, a.y, b.x, b.y, c.x, c.y);
}

/* b (a.x < b.x < c.x) is a strict vertex: strictly below (lower hull) or
 * above (upper hull) the segment ac. Collinear points are not vertices. */
static bool strictly_convex(const lsync_chain *c, lsync_point a,
			    lsync_point b, lsync_point d)
{
	int o = orient(a, b, d);

	return c->upper ? o < 0 : o > 0;
}

/* At equal x, the point that constrains more: lower y for the lower hull. */
static bool better_y(const lsync_chain *c, int64_t y, int64_t than)
{
	return c->upper ? y > than : y < than;
}

/* First index whose x is >= x (len if none). */
static size_t chain_find(const lsync_chain *c, int64_t x)
{
	size_t lo = 0, hi = c->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->pts[mid].x < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for one more vertex; on failure nothing changed. */
static int chain_reserve(lsync_chain *c)
{
	size_t cap;
	lsync_point *p;

	if (c->len < c->cap)
		return 0;
	cap = c->cap ? 2 * (size_t)c->cap : 8;
	if (cap > (size_t)1 << 31 || cap > SIZE_MAX / sizeof *p)
		return -1;
	p = realloc(c->pts, cap * sizeof *p);
	if (!p)
		return -1;
	c->pts = p;
	c->cap = (uint32_t)cap;
	return 0;
}

static void chain_remove(lsync_chain *c, size_t from, size_t n)
{
	memmove(c->pts + from, c->pts + from + n,
		(c->len - from - n) * sizeof *c->pts);
	c->len -= n;
}

/*
 * The new vertex at index i may hide neighbours: on each side, the run of
 * vertices that are no longer strictly convex is contiguous and adjacent
 * to i, so checking outwards until the first convex one is enough.
 */
static void chain_repair(lsync_chain *c, size_t i)
{
	size_t n = 0;

	while (i >= n + 2 && !strictly_convex(c, c->pts[i - n - 2],
					      c->pts[i - n - 1], c->pts[i]))
		n++;
	if (n) {
		chain_remove(c, i - n, n);
		i -= n;
	}
	n = 0;
	while (i + n + 2 < c->len &&
	       !strictly_convex(c, c->pts[i], c->pts[i + n + 1],
				c->pts[i + n + 2]))
		n++;
	if (n)
		chain_remove(c, i + 1, n);
}

/*
 * Messages mostly arrive in time order, so most points lie right of the
 * chain. Such a point is always a vertex (the last one): no search, no
 * move, and only the left side can need repair, popping the vertices it
 * hides. The result is the same as the general path's.
 */
static int chain_append(lsync_chain *c, lsync_point p)
{
	size_t n = c->len;

	if (chain_reserve(c) < 0)
		return -1;
	while (n >= 2 && !strictly_convex(c, c->pts[n - 2], c->pts[n - 1], p))
		n--;
	c->pts[n] = p;
	c->len = n + 1;
	return 1;
}

/*
 * Fast path: a point on or beyond the hull at its x (same x with a weaker
 * y, or not strictly outside the segment over it) costs one binary search
 * and at most one orientation test.
 */
static int chain_add(lsync_chain *c, lsync_point p)
{
	size_t i = chain_find(c, p.x);

	if (i < c->len && c->pts[i].x == p.x) {
		if (!better_y(c, p.y, c->pts[i].y))
			return 0;
		c->pts[i] = p; /* replaces the vertex: no allocation */
	} else {
		if (i > 0 && i < c->len &&
		    !strictly_convex(c, c->pts[i - 1], p, c->pts[i]))
			return 0;
		if (chain_reserve(c) < 0)
			return -1;
		memmove(c->pts + i + 1, c->pts + i,
			(c->len - i) * sizeof *c->pts);
		c->pts[i] = p;
		c->len++;
	}
	chain_repair(c, i);
	return 1;
}

/*
 * The chain's exact value at x (first.x <= x <= last.x) and its one-sided
 * slopes there. Beyond an end the missing side is infinite, pointing the
 * way a supporting line may turn freely: for the upper hull, +inf on the
 * left and -inf on the right; the reverse for the lower hull.
 */
static void chain_at(const lsync_chain *c, int64_t x, qval *v, slope *left,
		     slope *right)
{
	size_t i = chain_find(c, x);
	const lsync_point *p = c->pts;

	if (p[i].x == x) {
		*v = (qval){ p[i].y, 0, 1 };
		*left = i > 0 ? slope_of(p[i - 1], p[i])
			      : slope_inf(c->upper ? 1 : -1);
		*right = i + 1 < c->len ? slope_of(p[i], p[i + 1])
					: slope_inf(c->upper ? -1 : 1);
		return;
	}
	/* Weighted sum: |y| <= 2^62 and the weights sum to dx <= 2^63. */
	*v = qval_make((i128)p[i - 1].y * ((i128)p[i].x - x) +
			       (i128)p[i].y * ((i128)x - p[i - 1].x),
		       (i128)p[i].x - p[i - 1].x);
	*left = *right = slope_of(p[i - 1], p[i]);
}

/* ---- public: chains -------------------------------------------------- */

void lsync_hull_init(lsync_hull *h)
{
	memset(h, 0, sizeof *h);
	h->above.upper = false;
	h->below.upper = true;
}

void lsync_hull_fini(lsync_hull *h)
{
	free(h->above.pts);
	free(h->below.pts);
	lsync_hull_init(h);
}

static bool in_range(int64_t v)
{
	return v >= LSYNC_TS_MIN && v <= LSYNC_TS_MAX;
}

/* Out-of-range points break the overflow budget: they are dropped. */
__attribute__((noinline)) static int hull_add(lsync_chain *c, uint64_t *n,
					      int64_t x, int64_t y)
{
	lsync_point p = { x, y };
	int r;

	if (!in_range(x) || !in_range(y))
		return 0;
	c->edge |= x == LSYNC_TS_MIN || x == LSYNC_TS_MAX ||
		   y == LSYNC_TS_MIN || y == LSYNC_TS_MAX;
	if (c->len == 0 || x > c->pts[c->len - 1].x)
		r = chain_append(c, p);
	else
		r = chain_add(c, p);
	if (r >= 0)
		(*n)++;
	return r;
}

/*
 * The path of nearly every message: a point right of the chain (or the
 * first of an empty one), with room for it. With every coordinate
 * strictly inside (LSYNC_TS_MIN, LSYNC_TS_MAX), a difference fits in an
 * int64 (only 2^62 - (-2^62) would not), so the orientation test needs
 * no overflow check and, with `upper` a constant, is two multiplies and
 * one 128-bit comparison. The test is that of strictly_convex(), negated:
 * "the new point hides the last vertex". Same vertices as hull_add(),
 * which takes every other case.
 */
static inline bool inside(int64_t v)
{
	return v > LSYNC_TS_MIN && v < LSYNC_TS_MAX;
}

static inline __attribute__((always_inline)) bool
hides(const lsync_point *a, const lsync_point *b, int64_t x, int64_t y,
      bool upper)
{
	i128 l = (i128)(b->x - a->x) * (y - a->y);
	i128 r = (i128)(b->y - a->y) * (x - a->x);

	return upper ? l >= r : l <= r;
}

static inline __attribute__((always_inline)) int
add_fast(lsync_chain *c, uint64_t *count, int64_t x, int64_t y, bool upper)
{
	lsync_point *pts = c->pts;
	size_t n = c->len;

	/* an empty chain with room takes the point as it is (a window's
	 * chains start empty about every twenty messages) */
	if (n == c->cap || c->edge || (n > 0 && x <= pts[n - 1].x) ||
	    !inside(x) || !inside(y))
		return hull_add(c, count, x, y);
	while (n >= 2 && hides(&pts[n - 2], &pts[n - 1], x, y, upper))
		n--;
	pts[n].x = x;
	pts[n].y = y;
	c->len = n + 1;
	(*count)++;
	return 1;
}

int lsync_hull_add_above(lsync_hull *h, int64_t x, int64_t y)
{
	return add_fast(&h->above, &h->n_above, x, y, false);
}

int lsync_hull_add_below(lsync_hull *h, int64_t x, int64_t y)
{
	return add_fast(&h->below, &h->n_below, x, y, true);
}

int lsync_hull_reserve_slow(lsync_hull *h)
{
	if (chain_reserve(&h->above) < 0 || chain_reserve(&h->below) < 0)
		return -1;
	return 0;
}

/* ---- extreme lines --------------------------------------------------- */

static line line_through(lsync_point p, slope s)
{
	return (line){ p.x, { p.y, 0 }, s };
}

/*
 * For a below vertex l and the above vertices right of it, a[j0..]
 * (j0 < len): the first index of the smallest slope(l, a[j]). That run is
 * a lower convex chain entirely right of l. slope(l, a[j + 1]) is a
 * mediant of slope(l, a[j]) and the edge slope e_j = slope(a[j], a[j+1]),
 * and e_j strictly increases with j, so slope(l, a[j]) strictly decreases
 * while e_j < slope(l, a[j]), and once e_j >= slope(l, a[j]) it never
 * decreases again (it can stay equal for one step only, when l, a[j],
 * a[j + 1] are collinear). The first j with e_j >= slope(l, a[j]), or the
 * last vertex, is the first minimiser: binary search on that predicate.
 */
static size_t min_slope_right(const lsync_chain *a, size_t j0, lsync_point l)
{
	size_t lo = j0, hi = a->len - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2; /* mid + 1 < len */
		slope edge = slope_of(a->pts[mid], a->pts[mid + 1]);
		slope to = slope_of(l, a->pts[mid]);

		if (slope_cmp(&edge, &to) >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The mirror image: for l and the above vertices left of it, a[0..j1)
 * (j1 > 0), the first index of the largest slope(a[j], l). slope(a[j], l)
 * is a mediant of e_j and slope(a[j + 1], l), so it strictly increases
 * with j while e_j < slope(a[j + 1], l); from the first j where
 * e_j >= slope(a[j + 1], l) on, it never increases again (equal for one
 * step at most, then strictly decreasing). That j, or the last vertex
 * left of l, is the first maximiser.
 */
static size_t max_slope_left(const lsync_chain *a, size_t j1, lsync_point l)
{
	size_t lo = 0, hi = j1 - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2; /* mid + 1 < j1 */
		slope edge = slope_of(a->pts[mid], a->pts[mid + 1]);
		slope to = slope_of(a->pts[mid + 1], l);

		if (slope_cmp(&edge, &to) >= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * a_max = min over (l below, u above, x_u > x_l) of slope(l, u), a_min =
 * max over x_u < x_l; equal x with y_l >= y_u is a contradiction by
 * itself. Pairs of vertices suffice (the constraints of other points are
 * implied). For each below vertex (in x order) the best above vertex on
 * each side is found by binary search on the above chain: O(|below| *
 * log |above|). Exact whether the hulls intersect or not.
 *
 * Ties: the kept pair is the first in (below index, above index) order
 * among those of the extreme slope: each search returns the first
 * minimiser (maximiser) for its l, and a later l replaces the kept pair
 * only when strictly better. The line is anchored at l, its slope the
 * pair's unreduced differences, so the solution depends on the vertex
 * sets only (the order in which the points came in does not matter).
 */
static bool pair_scan(const lsync_hull *h, extremes *e)
{
	const lsync_chain *b = &h->below, *a = &h->above;
	bool contradiction = false;

	for (size_t i = 0; i < b->len; i++) {
		lsync_point l = b->pts[i];
		size_t j = chain_find(a, l.x); /* first above x >= l.x */
		size_t k = j;                  /* first above x > l.x */
		slope s;

		if (j < a->len && a->pts[j].x == l.x) {
			if (l.y >= a->pts[j].y)
				contradiction = true;
			k = j + 1;
		}
		if (k < a->len) {
			s = slope_of(l, a->pts[min_slope_right(a, k, l)]);
			if (!e->has_max || slope_cmp(&s, &e->lmax.s) < 0)
				e->lmax = line_through(l, s);
			e->has_max = true;
		}
		if (j > 0) {
			s = slope_of(a->pts[max_slope_left(a, j, l)], l);
			if (!e->has_min || slope_cmp(&s, &e->lmin.s) > 0)
				e->lmin = line_through(l, s);
			e->has_min = true;
		}
	}
	return contradiction;
}

/* upper(below)(x) - lower(above)(x), exactly, at a vertex x of a chain. */
static qval overlap_at(const lsync_hull *h, int64_t x)
{
	qval vb, va;
	slope s1, s2;

	chain_at(&h->below, x, &vb, &s1, &s2);
	chain_at(&h->above, x, &va, &s1, &s2);
	return qval_sub(&vb, &va);
}

/*
 * The overlap d(x) is concave on the common x range, piecewise linear with
 * breakpoints at vertices: its maximum D is at a vertex. Ties go to the
 * smallest x, so the choice depends on the vertex sets only. Every vertex
 * in the common range is tried, each with two binary searches:
 * O(h log h).
 */
static bool max_overlap(const lsync_hull *h, int64_t *t, qval *d)
{
	const lsync_chain *b = &h->below, *a = &h->above;
	int64_t lo = b->pts[0].x > a->pts[0].x ? b->pts[0].x : a->pts[0].x;
	int64_t hi = b->pts[b->len - 1].x < a->pts[a->len - 1].x
			     ? b->pts[b->len - 1].x : a->pts[a->len - 1].x;
	bool found = false;

	for (int side = 0; side < 2; side++) {
		const lsync_chain *c = side ? a : b;

		for (size_t i = chain_find(c, lo);
		     i < c->len && c->pts[i].x <= hi; i++) {
			int64_t x = c->pts[i].x;
			qval v = overlap_at(h, x);
			int k = found ? qval_cmp(&v, d) : 1;

			if (k > 0 || (k == 0 && x < *t)) {
				*d = v;
				*t = x;
				found = true;
			}
		}
	}
	return found;
}

bool lsync_hull_clearance(const lsync_hull *h, long double *out)
{
	int64_t t = 0;
	qval d;

	if (!h->above.len || !h->below.len || !max_overlap(h, &t, &d))
		return false;
	*out = -(lsync_i128_ld(d.q) + lsync_i128_ld(d.r) / lsync_i128_ld(d.den)) / 2;
	return true;
}

/*
 * FAIL: move below points down and above points up by e* = D/2. The two
 * moved hulls touch at t, at P = midpoint of the overlap there; a line of
 * the relaxed problem passes through P with a slope that supports both
 * moved hulls at t: between max(right slope of below, left slope of above)
 * and min(left slope of below, right slope of above). These are chain
 * slopes, hence exact; infinite ones mean that side is unbounded.
 */
static void relax(const lsync_hull *h, extremes *e)
{
	int64_t t = 0;
	qval d, vb, va, mid;
	slope bl, br, al, ar;

	e->has_min = e->has_max = false;
	if (!max_overlap(h, &t, &d))
		return; /* disjoint x ranges always separate: not reached */
	chain_at(&h->below, t, &vb, &bl, &br);
	chain_at(&h->above, t, &va, &al, &ar);
	mid = qval_add(&vb, &va);
	e->overlap = d;
	e->shift = qval_half(&d);
	e->lmin = (line){ t, qval_half(&mid), *slope_max(&br, &al) };
	e->lmax = (line){ t, qval_half(&mid), *slope_min(&bl, &ar) };
	e->has_min = !e->lmin.s.inf;
	e->has_max = !e->lmax.s.inf;
}

/*
 * Strict feasibility: a line passes strictly between the point sets iff
 * every vertex pair allows some common slope, i.e. a_min < a_max and no
 * equal-x pair contradicts. Hulls that merely touch are FAIL.
 */
static void extremes_compute(const lsync_hull *h, extremes *e)
{
	memset(e, 0, sizeof *e);
	e->overlap.den = 1;
	if (h->above.len == 0 || h->below.len == 0) {
		e->quality = h->above.len || h->below.len
				     ? LTTSYNC_QUALITY_INCOMPLETE
				     : LTTSYNC_QUALITY_ABSENT;
		return;
	}
	if (pair_scan(h, e) ||
	    (e->has_min && e->has_max &&
	     slope_cmp(&e->lmin.s, &e->lmax.s) >= 0)) {
		e->quality = LTTSYNC_QUALITY_FAIL;
		relax(h, e);
	} else if (e->has_min && e->has_max) {
		e->quality = LTTSYNC_QUALITY_ACCURATE;
	} else {
		e->quality = e->has_min || e->has_max
				     ? LTTSYNC_QUALITY_APPROXIMATE
				     : LTTSYNC_QUALITY_INCOMPLETE;
	}
}

static bool has_lines(const extremes *e)
{
	return e->quality == LTTSYNC_QUALITY_APPROXIMATE ||
	       e->quality == LTTSYNC_QUALITY_ACCURATE ||
	       e->quality == LTTSYNC_QUALITY_FAIL;
}

/* ---- solve ----------------------------------------------------------- */

static int64_t clamp_i64(i128 v)
{
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return (int64_t)v;
}

/*
 * Fills *f field by field so that the caller's zeroed padding stays.
 * False when the value at the pivot is beyond int64 (absurd slopes, or
 * data spanning +-2^62): *f is then clamped and must not be used.
 */
static bool set_xform(lsync_xform *f, int64_t pivot, ival v, long double s)
{
	f->x0 = pivot;
	f->y0 = clamp_i64(v.i);
	f->y0_frac = v.f;
	f->slope = s;
	return f->y0 == v.i;
}

static void span(const lsync_hull *h, int64_t *first, int64_t *last)
{
	const lsync_chain *c[2] = { &h->below, &h->above };

	*first = INT64_MAX;
	*last = INT64_MIN;
	for (int k = 0; k < 2; k++) {
		if (!c[k]->len)
			continue;
		if (c[k]->pts[0].x < *first)
			*first = c[k]->pts[0].x;
		if (c[k]->pts[c[k]->len - 1].x > *last)
			*last = c[k]->pts[c[k]->len - 1].x;
	}
	if (*first > *last)
		*first = *last = 0;
}

/* Point-by-point average of the two extreme lines at the pivot. */
static bool set_average(lsync_xform *f, const extremes *e, int64_t pivot)
{
	ival a = line_at(&e->lmin, pivot), b = line_at(&e->lmax, pivot);
	i128 odd, i = floor_div(a.i + b.i, 2, &odd);
	ival v = ival_norm((ival){ i, (a.f + b.f) / 2 + 0.5L * lsync_i128_ld(odd) });

	return set_xform(f, pivot, v,
			 (slope_ld(&e->lmin.s) + slope_ld(&e->lmax.s)) / 2);
}

/*
 * Sign of estimate(p.x) - p.y in FAIL. Measured from the anchor P, so the
 * vertex at P (on the line when the hulls merely touch) is judged exactly;
 * when the estimate is one of the exact lines, everywhere exactly.
 */
static int fail_side(const extremes *e, lsync_point p)
{
	const line *l = NULL;
	long double g;
	ival v;

	if (!e->has_max ||
	    (e->has_min && slope_cmp(&e->lmin.s, &e->lmax.s) == 0))
		l = &e->lmin;
	else if (!e->has_min)
		l = &e->lmax;
	if (l) {
		line flat = { l->x, l->y, { 0, 1, 0 } };

		/* no finite slope: every line through P works, take any */
		v = line_at(l->s.inf ? &flat : l, p.x);
		if (v.i != p.y)
			return v.i > p.y ? 1 : -1;
		return v.f > 0;
	}
	g = lsync_i128_ld(e->lmin.y.i - p.y) + e->lmin.y.f +
	    (slope_ld(&e->lmin.s) + slope_ld(&e->lmax.s)) / 2 *
		    lsync_i128_ld((i128)p.x - e->lmin.x);
	return (g > 0) - (g < 0);
}

/* Vertices not strictly on their side of the estimate (on it counts). */
static uint64_t count_violating(const lsync_hull *h, const extremes *e)
{
	uint64_t n = 0;

	for (size_t i = 0; i < h->below.len; i++)
		n += fail_side(e, h->below.pts[i]) <= 0;
	for (size_t i = 0; i < h->above.len; i++)
		n += fail_side(e, h->above.pts[i]) >= 0;
	return n;
}

/* Field by field, like set_xform(): the zeroed padding stays. */
static void put_line(lsync_hull_line *to, const line *l)
{
	to->x = l->x;
	to->y.i = l->y.i;
	to->y.f = l->y.f;
	to->s.n = l->s.n;
	to->s.d = l->s.d;
	to->s.inf = l->s.inf;
}

/* The extreme lines and the estimate, pivoted at x_mid. */
static void set_lines(lsync_hull_solution *out, const extremes *e,
		      int64_t pivot)
{
	bool fit_min = true, fit_max = true, fit;

	out->has_min = e->has_min;
	out->has_max = e->has_max;
	if (e->has_min)
		fit_min = set_xform(&out->line_min, pivot,
				    line_at(&e->lmin, pivot), slope_ld(&e->lmin.s));
	if (e->has_max)
		fit_max = set_xform(&out->line_max, pivot,
				    line_at(&e->lmax, pivot), slope_ld(&e->lmax.s));
	if (e->has_min && e->has_max)
		fit = set_average(&out->estimate, e, pivot);
	else if (e->has_min || e->has_max) {
		out->estimate = e->has_min ? out->line_min : out->line_max;
		fit = e->has_min ? fit_min : fit_max;
	} else
		fit = false;
	/* An estimate clamped at the pivot would be a different line. */
	out->has_estimate = fit;
}

void lsync_hull_solve(const lsync_hull *h, lsync_hull_solution *out)
{
	extremes e;
	int64_t pivot;

	/* padding too: equal solutions compare equal with memcmp */
	memset(out, 0, sizeof *out);
	extremes_compute(h, &e);
	out->quality = e.quality;
	span(h, &out->x_first, &out->x_last);
	pivot = (int64_t)(out->x_first +
			  ((i128)out->x_last - out->x_first) / 2);
	if (!has_lines(&e))
		return;
	set_lines(out, &e, pivot);
	put_line(&out->exact_min, &e.lmin);
	put_line(&out->exact_max, &e.lmax);
	out->shift.i = e.shift.i;
	out->shift.f = e.shift.f;
	if (e.quality == LTTSYNC_QUALITY_FAIL) {
		out->violation = (lsync_i128_ld(e.overlap.q) + lsync_i128_ld(e.overlap.r) /
						 lsync_i128_ld(e.overlap.den)) / 2;
		out->n_violating = count_violating(h, &e);
	}
}

/* ---- bounds ---------------------------------------------------------- */

/*
 * The envelope of the feasible lines at x on one chain's side: lo(x) for
 * `below` (min over slopes a in [a_min, a_max] of the below chain's
 * support line of slope a, evaluated at x), hi(x) for `above` (max of the
 * above chain's). The slopes whose support line touches the chain at x
 * span [smin, smax] (its one-sided slopes there); if that meets
 * [a_min, a_max] the chain itself is the envelope, else the extreme line
 * on the side where the interval lies. Outside the chain's x range the
 * support is monotone in a: both virtual slopes are +inf or both -inf.
 * In FAIL the chain is the moved one (by e->shift). Returns false when
 * unbounded.
 */
static bool envelope_at(const lsync_chain *c, const extremes *e, int64_t x,
			ival *out)
{
	int first = x < c->pts[0].x, last = x > c->pts[c->len - 1].x;
	bool inside = !first && !last;
	slope sl, sr, smin, smax;
	qval v = { 0, 0, 1 };

	if (inside) {
		chain_at(c, x, &v, &sl, &sr);
	} else {
		int sign = (first != 0) == c->upper ? 1 : -1;

		sl = sr = slope_inf(sign);
	}
	smin = *slope_min(&sl, &sr);
	smax = *slope_max(&sl, &sr);
	if (e->has_max && slope_cmp(&e->lmax.s, &smin) < 0)
		*out = line_at(&e->lmax, x);
	else if (e->has_min && slope_cmp(&e->lmin.s, &smax) > 0)
		*out = line_at(&e->lmin, x);
	else if (inside)
		*out = ival_add(qval_to_ival(&v), e->shift, c->upper ? -1 : 1);
	else
		return false;
	return true;
}

/*
 * v - x as a long double, nudged so that floor (round_down) or ceil of it
 * is exactly floor or ceil of the exact value: adding a fraction near 1 to
 * a large integer could otherwise round onto the next integer.
 */
static long double to_offset(ival v, int64_t x, bool round_down)
{
	long double k = lsync_i128_ld(v.i - x);
	long double off = k + v.f;

	if (round_down && off >= k + 1)
		off = nextafterl(k + 1, -INFINITY);
	else if (!round_down && v.f > 0 && off <= k)
		off = nextafterl(k, INFINITY);
	return off;
}

/*
 * The extremes as solve() found them, from the solution (O(1)); `overlap`
 * is not kept, and nothing here needs it.
 */
static void extremes_of(const lsync_hull_solution *s, extremes *e)
{
	memset(e, 0, sizeof *e);
	e->quality = s->quality;
	e->has_min = s->has_min;
	e->has_max = s->has_max;
	e->lmin = s->exact_min;
	e->lmax = s->exact_max;
	e->shift = s->shift;
	e->overlap.den = 1;
}

void lsync_hull_bounds_at(const lsync_hull *h, const lsync_hull_solution *s,
			  int64_t x, long double *lo_off, long double *hi_off)
{
	extremes e;
	ival v;

	*lo_off = -INFINITY;
	*hi_off = INFINITY;
	extremes_of(s, &e);
	if (!has_lines(&e) || !h->above.len || !h->below.len)
		return;
	if (envelope_at(&h->below, &e, x, &v))
		*lo_off = to_offset(v, x, true);
	if (envelope_at(&h->above, &e, x, &v))
		*hi_off = to_offset(v, x, false);
}

/* ---- inverse bounds -------------------------------------------------- */

/* hi(x) < y: every feasible line passes below y at x (x is too early). */
static bool too_early(const lsync_hull *h, const extremes *e, int64_t x,
		      int64_t y)
{
	ival v;

	return envelope_at(&h->above, e, x, &v) && v.i < y;
}

/* lo(x) > y: every feasible line passes above y at x (x is too late). */
static bool too_late(const lsync_hull *h, const extremes *e, int64_t x,
		     int64_t y)
{
	ival v;

	return envelope_at(&h->below, e, x, &v) &&
	       (v.i > y || (v.i == y && v.f > 0));
}

/* The envelope at x equals y exactly (the boundary is at an integer x). */
static bool hits(const lsync_chain *c, const extremes *e, int64_t x, int64_t y)
{
	ival v;

	return envelope_at(c, e, x, &v) && v.i == y && v.f == 0;
}

static bool predicate(const lsync_hull *h, const extremes *e, int64_t x,
		      int64_t y, bool late)
{
	return late ? too_late(h, e, x, y) : !too_early(h, e, x, y);
}

/* Smallest x in [lo, hi] where the predicate holds; it holds at hi. */
static i128 bisect(const lsync_hull *h, const extremes *e, int64_t y,
		   bool late, i128 lo, i128 hi)
{
	while (lo < hi) {
		int64_t mid = (int64_t)(lo + (hi - lo) / 2);

		if (predicate(h, e, mid, y, late))
			hi = mid;
		else
			lo = (i128)mid + 1;
	}
	return lo;
}

/*
 * Index of the first vertex of the envelope's chain where the predicate
 * holds (len when none does): the envelope is linear between two
 * vertices and on each side of the chain.
 */
static uint32_t first_true_vertex(const lsync_hull *h, const extremes *e,
				  const lsync_chain *c, int64_t y, bool late)
{
	uint32_t lo = 0, hi = c->len;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (predicate(h, e, c->pts[mid].x, y, late))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The envelope at x as a long double; false when unbounded there. */
static bool envelope_ld(const lsync_chain *c, const extremes *e, int64_t x,
			long double *out)
{
	ival v;

	if (!envelope_at(c, e, x, &v))
		return false;
	*out = lsync_i128_ld(v.i) + v.f;
	return true;
}

/*
 * Where the linear piece of the envelope through xa and xb reaches y,
 * rounded, clamped to [lo, hi]: only a starting point for the search
 * (which stays exact), so long double precision is enough.
 */
static bool guess_crossing(const lsync_chain *c, const extremes *e,
			   int64_t xa, int64_t xb, int64_t y, i128 lo, i128 hi,
			   int64_t *out)
{
	long double va, vb, g;

	if (xa >= xb || !envelope_ld(c, e, xa, &va) ||
	    !envelope_ld(c, e, xb, &vb) || !(vb > va))
		return false;
	g = (long double)xa + ((long double)y - va) *
				      ((long double)xb - (long double)xa) / (vb - va);
	if (!(g > lsync_i128_ld(lo)))
		g = lsync_i128_ld(lo);
	if (!(g < lsync_i128_ld(hi)))
		g = lsync_i128_ld(hi);
	*out = (int64_t)fmaxl(fminl(g, (long double)LSYNC_TS_MAX),
			      (long double)LSYNC_TS_MIN);
	return true;
}

/* Two points of the piece before vertex k (k = 0: left of the chain; k =
 * len: right of it), for guess_crossing(). */
static void piece_ends(const lsync_chain *c, uint32_t k, int64_t *xa,
		       int64_t *xb)
{
	const int64_t reach = (int64_t)1 << 32;

	if (k == 0) {
		*xb = c->pts[0].x;
		*xa = *xb > LSYNC_TS_MIN + reach ? *xb - reach : LSYNC_TS_MIN;
	} else if (k == c->len) {
		*xa = c->pts[k - 1].x;
		*xb = *xa < LSYNC_TS_MAX - reach ? *xa + reach : LSYNC_TS_MAX;
	} else {
		*xa = c->pts[k - 1].x;
		*xb = c->pts[k].x;
	}
}

/*
 * Narrow [lo, hi] (the predicate false before lo, true at hi) around a
 * guess g by steps doubling away from it: a few evaluations when the
 * guess is within a few ns.
 */
static void gallop(const lsync_hull *h, const extremes *e, int64_t y,
		   bool late, int64_t g, i128 *lo, i128 *hi)
{
	i128 step = 1;

	if (predicate(h, e, g, y, late)) {
		*hi = g;
		for (; g - step >= *lo; step *= 2) {
			if (!predicate(h, e, (int64_t)(g - step), y, late)) {
				*lo = g - step + 1;
				return;
			}
			*hi = g - step;
		}
		return;
	}
	*lo = (i128)g + 1;
	for (; g + step < *hi; step *= 2) {
		if (predicate(h, e, (int64_t)(g + step), y, late)) {
			*hi = g + step;
			return;
		}
		*lo = g + step + 1;
	}
}

/*
 * Smallest x in [LSYNC_TS_MIN, LSYNC_TS_MAX + 1] where the predicate holds
 * (too_late, or not too_early), assuming it holds at the upper end; it is
 * monotone because lo and hi are non-decreasing. i128 bounds: the range
 * spans 2^63 + 1 values. The envelope is piecewise linear with breaks at
 * its chain's vertices: find the piece, guess the crossing inside it, and
 * search exactly around the guess (a bisection of the whole range would
 * cost 64 evaluations; paths of many hosts do this at every hop).
 */
static i128 first_true(const lsync_hull *h, const extremes *e, int64_t y,
		       bool late, bool guided)
{
	const lsync_chain *c = late ? &h->below : &h->above;
	uint32_t k = first_true_vertex(h, e, c, y, late);
	i128 lo = k ? (i128)c->pts[k - 1].x + 1 : LSYNC_TS_MIN;
	i128 hi = k < c->len ? (i128)c->pts[k].x : (i128)LSYNC_TS_MAX + 1;
	int64_t xa, xb, g;

	if (!guided)
		return bisect(h, e, y, late, LSYNC_TS_MIN, (i128)LSYNC_TS_MAX + 1);
	piece_ends(c, k, &xa, &xb);
	if (lo < hi && guess_crossing(c, e, xa, xb, y, lo, hi, &g) && g < hi)
		gallop(h, e, y, late, g, &lo, &hi);
	return bisect(h, e, y, late, lo, hi);
}

/*
 * x_lo is the last x where hi(x) < y_lo, x_hi the first where lo(x) > y_hi:
 * the exact boundaries lie in (x_lo, x_lo + 1] and [x_hi - 1, x_hi), so
 * the range is outward-rounded. When every slope is > 0 the envelopes are
 * strictly increasing and an exact hit at x_lo + 1 (x_hi - 1) is itself
 * the boundary.
 */
static bool inverse_bounds(const lsync_hull *h, const lsync_hull_solution *s,
			   int64_t y_lo, int64_t y_hi, int64_t *x_lo,
			   int64_t *x_hi, bool guided)
{
	extremes e;
	bool lo_ok, hi_ok, rising;

	*x_lo = INT64_MIN;
	*x_hi = INT64_MAX;
	extremes_of(s, &e);
	/* lo(x), hi(x) are monotone only if no feasible slope is negative. */
	if (!has_lines(&e) || !h->above.len || !h->below.len || !e.has_min ||
	    e.lmin.s.n < 0)
		return false;
	rising = e.lmin.s.n > 0;
	lo_ok = too_early(h, &e, LSYNC_TS_MIN, y_lo);
	if (lo_ok) {
		*x_lo = (int64_t)(first_true(h, &e, y_lo, false, guided) - 1);
		if (rising && *x_lo < LSYNC_TS_MAX &&
		    hits(&h->above, &e, *x_lo + 1, y_lo))
			++*x_lo;
	}
	hi_ok = too_late(h, &e, LSYNC_TS_MAX, y_hi);
	if (hi_ok) {
		*x_hi = (int64_t)first_true(h, &e, y_hi, true, guided);
		if (rising && *x_hi > LSYNC_TS_MIN &&
		    hits(&h->below, &e, *x_hi - 1, y_hi))
			--*x_hi;
	}
	return lo_ok && hi_ok;
}

bool lsync_hull_inverse_bounds(const lsync_hull *h,
			       const lsync_hull_solution *s, int64_t y_lo,
			       int64_t y_hi, int64_t *x_lo, int64_t *x_hi)
{
	return inverse_bounds(h, s, y_lo, y_hi, x_lo, x_hi, true);
}

bool lsync_hull_inverse_bounds_bisect(const lsync_hull *h,
				      const lsync_hull_solution *s,
				      int64_t y_lo, int64_t y_hi,
				      int64_t *x_lo, int64_t *x_hi)
{
	return inverse_bounds(h, s, y_lo, y_hi, x_lo, x_hi, false);
}
