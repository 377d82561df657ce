/* SPDX-License-Identifier: MIT */
/* Bounds along a host's path to the reference (path_bounds.h). */
#include "path_bounds.h"

#include <math.h>
#include <stdlib.h>

/*
 * A checkpoint's sample points: evenly spaced over its own data, where its
 * bounds bend, and outside it at distances growing fourfold from 1 us to
 * about 50 days, where they are nearly straight (the feasible relations'
 * extreme lines) and where the walks of far descendants land.
 */
#define N_INSIDE 17
#define N_OUTSIDE 22
#define N_SAMPLES (N_INSIDE + 2 * N_OUTSIDE)

/* A checkpoint's bounds at its sample points (INT64_MIN / INT64_MAX:
 * unbounded there). */
struct chords {
	int n;
	int64_t x[N_SAMPLES];
	int64_t lo[N_SAMPLES], hi[N_SAMPLES];
};

/* Per host, for one set of results. */
struct lsync_path_bounds {
	uint32_t n;           /* hosts when built */
	uint32_t *depth;      /* hops to the reference; UINT32_MAX: none */
	bool *one_line;       /* every pair of the path has a single line */
	struct chords **chords; /* checkpoints only, NULL until asked */
};

static lsync_host_result *result_of(lttsync_session *s, uint32_t h)
{
	return &g_array_index(s->results.hosts, lsync_host_result, h);
}

static uint32_t parent_of(lttsync_session *s, uint32_t h)
{
	return result_of(s, h)->parent;
}

int64_t lsync_shift_outward(int64_t t, long double off, bool down)
{
	long double whole = down ? floorl(off) : ceill(off);

	if (!isfinite(whole))
		return whole < 0 ? INT64_MIN : INT64_MAX;
	if (whole > 0x1p63L - (long double)t - 1)
		return INT64_MAX;
	if (whole < -0x1p63L - (long double)t + 1)
		return INT64_MIN;
	/* whole alone may exceed int64 while t + whole fits. */
	return (int64_t)((__int128)t + (__int128)whole);
}

/* ---- one hop ------------------------------------------------------------ */

/*
 * The step of a segmented pair: a parent a asks the segments the inverse
 * question; a parent b reads the bounds at the ends of the child's
 * interval of a-times (bounds are increasing in time).
 */
static void segmented_step(const lsync_pair *pair, uint32_t parent,
			   int64_t ylo, int64_t yhi, int64_t *xlo, int64_t *xhi)
{
	long double lo1, hi1, lo2, hi2;

	if (parent == pair->a) {
		if (!lsync_segmented_inverse_bounds(pair->segs, ylo, yhi, xlo,
						    xhi)) {
			*xlo = INT64_MIN;
			*xhi = INT64_MAX;
		}
		return;
	}
	if (!lsync_segmented_bounds_at(pair->segs, ylo, &lo1, &hi1) ||
	    !lsync_segmented_bounds_at(pair->segs, yhi, &lo2, &hi2)) {
		*xlo = INT64_MIN;
		*xhi = INT64_MAX;
		return;
	}
	*xlo = lsync_shift_outward(ylo, lo1, true);
	*xhi = lsync_shift_outward(yhi, hi2, false);
}

/*
 * One step of the path: from an interval of child-time to the interval of
 * parent-time compatible with every feasible relation of the pair.
 * *lo_inf / *hi_inf mark sides that became unbounded.
 */
static void step_bounds(lttsync_session *s, uint32_t child, int64_t *lo,
			int64_t *hi, bool *lo_inf, bool *hi_inf)
{
	uint32_t parent = parent_of(s, child);
	lsync_pair *pair = lsync_session_pair(s, parent, child);
	const lsync_hull_solution *sol = lsync_pair_solution(pair, parent);
	int64_t ylo = *lo_inf ? *hi : *lo, yhi = *hi_inf ? *lo : *hi;
	int64_t xlo, xhi;

	s->results.path_steps++;
	if (pair->segs)
		segmented_step(pair, parent, ylo, yhi, &xlo, &xhi);
	else
		lsync_hull_inverse_bounds(&pair->hull[lsync_pair_side(pair, parent)],
					  sol, ylo, yhi, &xlo, &xhi);
	*lo_inf = *lo_inf || xlo == INT64_MIN;
	*hi_inf = *hi_inf || xhi == INT64_MAX;
	*lo = xlo;
	*hi = xhi;
}

/* ---- the checkpoints' tables ---------------------------------------------- */

static void tables_free(struct lsync_path_bounds *pb)
{
	if (pb->chords)
		for (uint32_t h = 0; h < pb->n; h++)
			free(pb->chords[h]);
	free(pb->chords);
	free(pb->depth);
	free(pb->one_line);
	free(pb);
}

void lsync_path_bounds_free(lttsync_session *s)
{
	if (s->results.paths)
		tables_free(s->results.paths);
	s->results.paths = NULL;
}

/* Depth and one-line flag of every host, each parent chain walked once. */
static bool fill_depths(lttsync_session *s, struct lsync_path_bounds *pb,
			uint32_t n)
{
	uint32_t *stack = malloc(n * sizeof(*stack));

	if (!stack)
		return false;
	for (uint32_t h = 0; h < n; h++)
		pb->depth[h] = h == s->results.reference ? 0 : UINT32_MAX - 1;
	pb->one_line[s->results.reference] = true;
	for (uint32_t h = 0; h < n; h++) {
		uint32_t k = 0, u = h;

		/* UINT32_MAX - 1: not known yet; a cycle cannot occur (a
		 * tree), the bound on k only guards against one. */
		while (pb->depth[u] == UINT32_MAX - 1 && k < n) {
			stack[k++] = u;
			u = parent_of(s, u);
			if (u == LSYNC_NO_HOST)
				break;
		}
		while (k--) {
			uint32_t v = stack[k], p = parent_of(s, v);
			bool known = p != LSYNC_NO_HOST && pb->depth[p] < UINT32_MAX - 1;

			pb->depth[v] = known ? pb->depth[p] + 1 : UINT32_MAX;
			pb->one_line[v] = known && pb->one_line[p] &&
					  !lsync_session_pair(s, p, v)->segs;
		}
	}
	free(stack);
	return true;
}

/* The tables' skeleton for the current results; NULL when out of memory
 * (then every walk is exact). */
static struct lsync_path_bounds *path_bounds(lttsync_session *s)
{
	uint32_t n = s->results.hosts->len;
	struct lsync_path_bounds *pb;

	if (s->results.paths || s->results.reference == LSYNC_NO_HOST)
		return s->results.paths;
	pb = calloc(1, sizeof(*pb));
	if (!pb)
		return NULL;
	pb->n = n;
	pb->depth = malloc(n * sizeof(*pb->depth));
	pb->one_line = calloc(n, sizeof(*pb->one_line));
	pb->chords = calloc(n, sizeof(*pb->chords));
	if (!pb->depth || !pb->one_line || !pb->chords) {
		tables_free(pb);
		return NULL;
	}
	if (!fill_depths(s, pb, n)) {
		tables_free(pb);
		return NULL;
	}
	s->results.paths = pb;
	return pb;
}

static bool is_checkpoint(const struct lsync_path_bounds *pb, uint32_t h)
{
	uint32_t d = pb->depth[h];

	return d != UINT32_MAX && d > 0 && d % LSYNC_EXACT_HOPS == 0 &&
	       pb->one_line[h];
}

static bool walk(lttsync_session *s, struct lsync_path_bounds *pb,
		 uint32_t host, int64_t t, bool sample, int64_t *out_lo,
		 int64_t *out_hi);

/* t + d, or nothing when it leaves int64. */
static bool add_within(int64_t t, int64_t d, int64_t *out)
{
	return !__builtin_add_overflow(t, d, out);
}

/* The sample points of a host whose data spans [a, b], increasing. */
static int sample_points(int64_t a, int64_t b, int64_t *x)
{
	int n = 0;

	for (int k = N_OUTSIDE - 1; k >= 0; k--)
		if (add_within(a, -((int64_t)1000 << (2 * k)), &x[n]))
			n++;
	for (int k = 0; k < N_INSIDE; k++) {
		int64_t t = a + (int64_t)(((__int128)b - a) * k / (N_INSIDE - 1));

		if (n == 0 || t > x[n - 1])
			x[n++] = t;
	}
	for (int k = 0; k < N_OUTSIDE; k++)
		if (add_within(b, (int64_t)1000 << (2 * k), &x[n]))
			n++;
	return n;
}

/* Sample h's bounds; its checkpoint ancestors are ready. */
static void sample_chords(lttsync_session *s, struct lsync_path_bounds *pb,
			  uint32_t h, struct chords *c)
{
	const lsync_host *hd = &g_array_index(s->hosts, lsync_host, h);

	if (hd->ts_min > hd->ts_max)
		return; /* no data: no chords (n = 0) */
	c->n = sample_points(hd->ts_min, hd->ts_max, c->x);
	for (int k = 0; k < c->n; k++)
		if (!walk(s, pb, h, c->x[k], true, &c->lo[k], &c->hi[k])) {
			c->n = 0;
			return;
		}
}

/* The checkpoint ancestor LSYNC_EXACT_HOPS above checkpoint h, if any. */
static uint32_t checkpoint_above(lttsync_session *s,
				 const struct lsync_path_bounds *pb, uint32_t h)
{
	for (int k = 0; k < LSYNC_EXACT_HOPS; k++)
		h = parent_of(s, h);
	return is_checkpoint(pb, h) ? h : LSYNC_NO_HOST;
}

/*
 * The tables of checkpoint h, built with those above it first (top down,
 * so that each sample's walk stops at the next checkpoint, without
 * recursion whatever the depth). NULL when out of memory.
 */
static struct chords *chords_of(lttsync_session *s,
				struct lsync_path_bounds *pb, uint32_t h)
{
	uint32_t n = 0, *todo;

	if (pb->chords[h])
		return pb->chords[h];
	todo = malloc((pb->depth[h] / LSYNC_EXACT_HOPS) * sizeof(*todo));
	if (!todo)
		return NULL;
	for (uint32_t u = h; u != LSYNC_NO_HOST && !pb->chords[u];
	     u = checkpoint_above(s, pb, u))
		todo[n++] = u;
	while (n--) {
		struct chords *c = calloc(1, sizeof(*c));

		if (!c)
			break;
		sample_chords(s, pb, todo[n], c);
		pb->chords[todo[n]] = c;
	}
	free(todo);
	return pb->chords[h];
}

/* Index k of the chord [x[k], x[k+1]] that holds t (x[0] <= t <= x[last]). */
static int chord_index(const struct chords *c, int64_t t)
{
	int lo = 0, hi = c->n - 1;

	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (c->x[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * How far the chord of y rises from x[k] to t, in ns. Kept apart from
 * y[k] (about 1e18 ns) so that it keeps its precision even where long
 * double is a plain double (under valgrind): its error then stays below
 * the 1 ns margin.
 */
static long double chord_rise(const struct chords *c, const int64_t *y, int k,
			      int64_t t)
{
	return (long double)(t - c->x[k]) *
	       (long double)((__int128)y[k + 1] - y[k]) /
	       (long double)(c->x[k + 1] - c->x[k]);
}

static bool unbounded(int64_t v)
{
	return v == INT64_MIN || v == INT64_MAX;
}

/*
 * The lower bound at t (x[0] <= t <= x[n - 1]) from the chord around it,
 * 1 ns lower for the rounding; INT64_MIN when the lower bound is already
 * unbounded at the chord's right end (it is nondecreasing in t); false
 * when unknown.
 */
static bool chord_lo(const struct chords *c, int64_t t, int64_t *out)
{
	int k = chord_index(c, t);

	if (c->lo[k + 1] == INT64_MIN) {
		*out = INT64_MIN;
		return true;
	}
	if (unbounded(c->lo[k]) || unbounded(c->lo[k + 1]))
		return false;
	*out = lsync_shift_outward(c->lo[k], chord_rise(c, c->lo, k, t) - 1, true);
	return true;
}

/* The same for the upper bound, INT64_MAX when unbounded at the left end. */
static bool chord_hi(const struct chords *c, int64_t t, int64_t *out)
{
	int k = chord_index(c, t);

	if (c->hi[k] == INT64_MAX) {
		*out = INT64_MAX;
		return true;
	}
	if (unbounded(c->hi[k]) || unbounded(c->hi[k + 1]))
		return false;
	*out = lsync_shift_outward(c->hi[k], chord_rise(c, c->hi, k, t) + 1, false);
	return true;
}

/*
 * The bounds read from checkpoint h's chords for the interval [lo, hi] of
 * its time, false when it has none there. The lower bound is concave
 * along a path of one-line pairs and the upper one convex, so the chords
 * stay inside them (chord_lo() and chord_hi() add 1 ns outwards for the
 * rounding of the division).
 */
static bool chords_read(lttsync_session *s, struct lsync_path_bounds *pb,
			uint32_t h, int64_t lo, int64_t hi, int64_t *out_lo,
			int64_t *out_hi)
{
	const struct chords *c = chords_of(s, pb, h);
	int64_t a, b;

	if (!c || c->n < 2 || lo > hi || lo < c->x[0] || hi > c->x[c->n - 1] ||
	    !chord_lo(c, lo, &a) || !chord_hi(c, hi, &b))
		return false;
	*out_lo = a;
	*out_hi = b;
	return true;
}

/* ---- the walk ------------------------------------------------------------ */

/*
 * The walk from host at t, up to the reference or to a checkpoint with
 * chords over where the walk stands (pb NULL: exact). A sample's walk
 * stops at the first checkpoint: where its chords do not reach, the
 * sample is unbounded (a true, if useless, bound), so that building a
 * table costs a bounded number of steps.
 */
static bool walk(lttsync_session *s, struct lsync_path_bounds *pb,
		 uint32_t host, int64_t t, bool sample, int64_t *out_lo,
		 int64_t *out_hi)
{
	const lsync_host_result *r = result_of(s, host);
	bool lo_inf = false, hi_inf = false;
	int64_t lo = t, hi = t;

	if (!r->has_xform || r->quality == LTTSYNC_QUALITY_FAIL)
		return false;
	for (uint32_t u = host; u != s->results.reference && !(lo_inf && hi_inf);
	     u = parent_of(s, u)) {
		if (pb && u != host && is_checkpoint(pb, u)) {
			if (!lo_inf && !hi_inf &&
			    chords_read(s, pb, u, lo, hi, out_lo, out_hi))
				return true;
			if (sample) {
				lo_inf = hi_inf = true;
				break;
			}
		}
		step_bounds(s, u, &lo, &hi, &lo_inf, &hi_inf);
	}
	*out_lo = lo_inf ? INT64_MIN : lo;
	*out_hi = hi_inf ? INT64_MAX : hi;
	return true;
}

bool lsync_host_bounds(lttsync_session *s, uint32_t host, int64_t t,
		       int64_t *out_lo, int64_t *out_hi)
{
	return walk(s, path_bounds(s), host, t, false, out_lo, out_hi);
}

bool lsync_host_bounds_exact(lttsync_session *s, uint32_t host, int64_t t,
			     int64_t *out_lo, int64_t *out_hi)
{
	return walk(s, NULL, host, t, false, out_lo, out_hi);
}
