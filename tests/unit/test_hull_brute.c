/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hull module (liblttsync/sync/hull.c) on random cases:
 * small ones checked against a brute force of the definitions over ALL
 * points, and large ones against the known true line the messages were
 * drawn around.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "hull_testlib.h"

/* ---- brute force over all points ------------------------------------- */

/*
 * Points are translated to a base (bx, by) so that products of rationals
 * stay well inside __int128. Slopes are n/d with d > 0, or infinite.
 */
typedef struct bpt {
	int64_t x, y;
} bpt;

typedef struct bcase {
	bpt a[16], b[16]; /* above, below; translated */
	size_t na, nb;
	int64_t bx, by;
} bcase;

/* The slope from p to q, p.x < q.x. */
static bsl bsl_of(bpt p, bpt q)
{
	return (bsl){ (i128)q.y - p.y, (i128)q.x - p.x, 0 };
}

/* d * F(n/d): min_u (y_u - a x_u) - max_l (y_l - a x_l), times d. */
static i128 bf_F(const bcase *c, bsl a)
{
	i128 mn = 0, mx = 0;

	for (size_t i = 0; i < c->na; i++) {
		i128 v = a.d * c->a[i].y - a.n * c->a[i].x;

		if (i == 0 || v < mn)
			mn = v;
	}
	for (size_t i = 0; i < c->nb; i++) {
		i128 v = a.d * c->b[i].y - a.n * c->b[i].x;

		if (i == 0 || v > mx)
			mx = v;
	}
	return mn - mx;
}

/* Candidate slopes: every pair of points with distinct x, and 0. */
static size_t bf_candidates(const bcase *c, bsl *out)
{
	bpt all[32];
	size_t n = 0, k = 0;

	for (size_t i = 0; i < c->na; i++)
		all[n++] = c->a[i];
	for (size_t i = 0; i < c->nb; i++)
		all[n++] = c->b[i];
	out[k++] = (bsl){ 0, 1, 0 };
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (all[i].x < all[j].x)
				out[k++] = bsl_of(all[i], all[j]);
	return k;
}

/* The brute force's answer for one case. */
typedef struct bres {
	lttsync_quality q;
	bool pair_feasible, F_feasible;
	bsl amin, amax;  /* feasible: pair definition; FAIL: argmax of F */
	i128 maxF, maxF_d; /* FAIL: max F = maxF / maxF_d (<= 0) */
} bres;

/* a_min, a_max over all (below, above) pairs; equal-x contradictions. */
static void bf_pairs(const bcase *c, bres *r, bool *contra)
{
	r->amin = (bsl){ 0, 1, -1 };
	r->amax = (bsl){ 0, 1, 1 };
	*contra = false;
	for (size_t i = 0; i < c->nb; i++)
		for (size_t j = 0; j < c->na; j++) {
			bpt l = c->b[i], u = c->a[j];

			if (u.x > l.x) {
				bsl s = bsl_of(l, u);

				if (bsl_cmp(s, r->amax) < 0)
					r->amax = s;
			} else if (u.x < l.x) {
				bsl s = bsl_of(u, l);

				if (bsl_cmp(s, r->amin) > 0)
					r->amin = s;
			} else if (l.y >= u.y) {
				*contra = true;
			}
		}
}

/* Smallest and largest x of n points (n > 0). */
static void bf_xrange(const bpt *p, size_t n, int64_t *mn, int64_t *mx)
{
	*mn = INT64_MAX;
	*mx = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		*mn = p[i].x < *mn ? p[i].x : *mn;
		*mx = p[i].x > *mx ? p[i].x : *mx;
	}
}

/*
 * FAIL: max F over the candidates (every breakpoint is one) and the
 * argmax interval, which is the relaxed problem's slope range.
 */
static void bf_fail(const bcase *c, bres *r, const bsl *cand, size_t nc)
{
	int64_t minxl, maxxl, minxu, maxxu;
	bsl lo = { 0, 0, 0 }, hi = { 0, 0, 0 }, cmin = cand[0], cmax = cand[0];
	bool found = false;

	for (size_t i = 0; i < nc; i++) {
		i128 f = bf_F(c, cand[i]);
		int k = found ? (f * r->maxF_d > r->maxF * cand[i].d) -
					(f * r->maxF_d < r->maxF * cand[i].d)
			      : 1;

		if (bsl_cmp(cand[i], cmin) < 0)
			cmin = cand[i];
		if (bsl_cmp(cand[i], cmax) > 0)
			cmax = cand[i];
		if (k > 0) {
			r->maxF = f;
			r->maxF_d = cand[i].d;
			lo = hi = cand[i];
			found = true;
		} else if (k == 0) {
			if (bsl_cmp(cand[i], lo) < 0)
				lo = cand[i];
			if (bsl_cmp(cand[i], hi) > 0)
				hi = cand[i];
		}
	}
	bf_xrange(c->b, c->nb, &minxl, &maxxl);
	bf_xrange(c->a, c->na, &minxu, &maxxu);
	/* F' at +inf is minxl - maxxu, at -inf maxxl - minxu: a flat
	 * unbounded piece at the maximum extends the argmax to infinity */
	if (minxl == maxxu && bsl_cmp(hi, cmax) == 0)
		hi = (bsl){ 0, 1, 1 };
	if (maxxl == minxu && bsl_cmp(lo, cmin) == 0)
		lo = (bsl){ 0, 1, -1 };
	r->amin = lo;
	r->amax = hi;
}

/*
 * The definition itself: some line passes strictly between the sets iff
 * F(a) = min_u (y_u - a x_u) - max_l (y_l - a x_l) > 0 for some a. F is
 * concave, piecewise linear with breakpoints among the candidates, so
 * its supremum is at a candidate or at an infinite end where it grows.
 */
static bool bf_F_feasible(const bcase *c, const bsl *cand, size_t nc)
{
	int64_t minxl, maxxl, minxu, maxxu;

	for (size_t i = 0; i < nc; i++)
		if (bf_F(c, cand[i]) > 0)
			return true;
	bf_xrange(c->b, c->nb, &minxl, &maxxl);
	bf_xrange(c->a, c->na, &minxu, &maxxu);
	return minxl - maxxu > 0 || maxxl - minxu < 0;
}

/*
 * Quality and slope bounds from ALL points: feasibility by F, a_min and
 * a_max by the pair definition (feasible) or the argmax of F (FAIL).
 */
static void bf_solve(const bcase *c, bres *r)
{
	bsl cand[1024];
	size_t nc;
	bool contra;

	memset(r, 0, sizeof *r);
	if (!c->na && !c->nb) {
		r->q = LTTSYNC_QUALITY_ABSENT;
		return;
	}
	if (!c->na || !c->nb) {
		r->q = LTTSYNC_QUALITY_INCOMPLETE;
		return;
	}
	bf_pairs(c, r, &contra);
	r->pair_feasible = !contra && bsl_cmp(r->amin, r->amax) < 0;
	nc = bf_candidates(c, cand);
	r->F_feasible = bf_F_feasible(c, cand, nc);
	if (!r->F_feasible) {
		r->q = LTTSYNC_QUALITY_FAIL;
		bf_fail(c, r, cand, nc);
	} else if (!r->amin.inf && !r->amax.inf) {
		r->q = LTTSYNC_QUALITY_ACCURATE;
	} else {
		r->q = r->amin.inf && r->amax.inf ? LTTSYNC_QUALITY_INCOMPLETE
						  : LTTSYNC_QUALITY_APPROXIMATE;
	}
}

/*
 * Support value at x of one side for slope a, exactly, as N / a.d:
 * below: max_l (y_l + a (x - x_l)); above: min_u (y_u + a (x - x_u)).
 */
static i128 bf_support(const bcase *c, bool above, bsl a, int64_t x)
{
	const bpt *p = above ? c->a : c->b;
	size_t n = above ? c->na : c->nb;
	i128 best = 0;

	for (size_t i = 0; i < n; i++) {
		i128 v = a.d * p[i].y + a.n * ((i128)x - p[i].x);

		if (i == 0 || (above ? v < best : v > best))
			best = v;
	}
	return best;
}

/*
 * lo(x) (below side) or hi(x) (above side) by brute force: optimise the
 * support over slopes in [amin, amax]: breakpoints (same-side pair
 * slopes) inside, and the finite ends. Returns false when unbounded.
 */
static bool bf_envelope(const bcase *c, const bres *r, bool above, int64_t x,
			i128 *num, i128 *den)
{
	const bpt *p = above ? c->a : c->b;
	size_t n = above ? c->na : c->nb;
	int64_t minx = INT64_MAX, maxx = INT64_MIN;
	bool found = false;
	bsl cand[300];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		minx = p[i].x < minx ? p[i].x : minx;
		maxx = p[i].x > maxx ? p[i].x : maxx;
		for (size_t j = 0; j < n; j++)
			if (p[i].x < p[j].x)
				cand[k++] = bsl_of(p[i], p[j]);
	}
	/* unbounded towards an infinite end of the slope interval? below:
	 * the support tends to -inf; above: to +inf */
	if (r->amax.inf && (above ? x > maxx : x < minx))
		return false;
	if (r->amin.inf && (above ? x < minx : x > maxx))
		return false;
	if (!r->amin.inf)
		cand[k++] = r->amin;
	if (!r->amax.inf)
		cand[k++] = r->amax;
	if (r->amin.inf && r->amax.inf)
		cand[k++] = (bsl){ 0, 1, 0 }; /* any slope, if no breakpoint */
	for (size_t i = 0; i < k; i++) {
		i128 v;

		if (bsl_cmp(cand[i], r->amin) < 0 ||
		    bsl_cmp(cand[i], r->amax) > 0)
			continue;
		v = bf_support(c, above, cand[i], x);
		if (!found || (above ? v * *den > *num * cand[i].d
				     : v * *den < *num * cand[i].d)) {
			*num = v;
			*den = cand[i].d;
			found = true;
		}
	}
	return found;
}

/*
 * Strict hull vertices by the definition: some line through p has every
 * other point strictly on the far side (above for the lower hull): the
 * slopes from points on the left must all be below (lower hull) those to
 * points on the right, and no other point may share x with a better y.
 * Duplicates count once.
 */
static bool bf_is_vertex(const bpt *p, size_t n, size_t i, bool upper)
{
	int sign = upper ? -1 : 1; /* mirror the upper hull */
	bsl left = { 0, 1, -1 }, right = { 0, 1, 1 };

	for (size_t j = 0; j < n; j++) {
		bsl s;

		if (p[j].x == p[i].x) {
			if (p[j].y == p[i].y ? j < i
					     : (p[j].y - p[i].y) * sign < 0)
				return false;
			continue;
		}
		s = p[j].x < p[i].x ? bsl_of(p[j], p[i]) : bsl_of(p[i], p[j]);
		s.n *= sign;
		if (p[j].x < p[i].x && bsl_cmp(s, left) > 0)
			left = s;
		if (p[j].x > p[i].x && bsl_cmp(s, right) < 0)
			right = s;
	}
	return bsl_cmp(left, right) < 0;
}

static size_t bf_vertices(const bpt *p, size_t n, bool upper, bpt *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (bf_is_vertex(p, n, i, upper))
			out[k++] = p[i];
	for (size_t i = 1; i < k; i++) /* sort by x */
		for (size_t j = i; j > 0 && out[j - 1].x > out[j].x; j--) {
			bpt t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}

/*
 * Modes 0-3: messages around a true line (slope 1 +- 200 ppm, offset up
 * to hours, epoch timestamps), spread over 2 us (a grid: equal x and
 * collinear points), 200 us or 1 s; a third of the cases have some
 * negative latencies, hence contradictions. Mode 4: points anywhere in a
 * small box, for arbitrary shapes (negative slopes, deep overlaps).
 */
static void random_point(const truth *t, int mode, int side, int64_t *x,
			 int64_t *y, bool bad)
{
	int64_t span = mode == 1 ? 200000 : 1000000000;
	int64_t lat;

	if (mode == 4) {
		*x = t->x0 + rnd_in(0, 12);
		*y = truth_floor(t, t->x0) + rnd_in(0, 12);
		return;
	}
	*x = t->x0 + (mode == 0 ? rnd_in(0, 8) * 250 : rnd_in(0, span));
	lat = mode == 0 ? rnd_in(1, 3) * 100 : rnd_in(10000, 100000);
	if (bad && rnd() % 4 == 0)
		lat = -lat;
	*y = truth_floor(t, *x) + (side ? -lat : lat);
}

static void random_case(bcase *c, lsync_hull *h)
{
	truth t = random_truth();
	int mode = (int)(rnd() % 5);
	bool bad = rnd() % 3 == 0;

	c->na = rnd() % 8 == 0 ? 0 : 1 + rnd() % 7;
	c->nb = rnd() % 8 == 0 ? 0 : 1 + rnd() % 7;
	c->bx = t.x0;
	c->by = truth_floor(&t, t.x0);
	lsync_hull_init(h);
	for (int side = 0; side < 2; side++) {
		size_t n = side ? c->nb : c->na;

		for (size_t i = 0; i < n; i++) {
			int64_t x, y;

			random_point(&t, mode, side, &x, &y, bad);
			if (side) {
				c->b[i] = (bpt){ x - c->bx, y - c->by };
				cr_assert_geq(lsync_hull_add_below(h, x, y), 0);
			} else {
				c->a[i] = (bpt){ x - c->bx, y - c->by };
				cr_assert_geq(lsync_hull_add_above(h, x, y), 0);
			}
		}
	}
}

/* An extreme line of the brute force at the pivot, relative to by. */
static void check_line_exact(const bcase *c, bsl a, const lsync_xform *f,
			     int64_t pivot)
{
	/* the line of slope a through the highest below point for it */
	i128 num = bf_support(c, false, a, pivot - c->bx);
	i128 q = floor_div(num, a.d), rem = num - q * a.d;

	cr_assert_eq(f->x0, pivot);
	cr_assert(f->slope == bsl_ld(a), "slope %.20Lg, want %.20Lg", f->slope,
		  bsl_ld(a));
	cr_assert((i128)f->y0 - c->by == q, "line value integer part differs");
	cr_assert(f->y0_frac == ld(rem) / ld(a.d),
		  "fraction %.20Lg, want %.20Lg", f->y0_frac,
		  ld(rem) / ld(a.d));
}

/* FAIL lines: support at the pivot minus e*, in long double; the
 * library evaluates them from an anchor up to `span` away. */
static void check_line_fail(const bcase *c, bsl a, const lsync_xform *f,
			    int64_t pivot, long double e, long double span)
{
	i128 num = bf_support(c, false, a, pivot - c->bx);
	long double want = ld(num) / ld(a.d) - e;

	cr_assert(f->slope == bsl_ld(a), "relaxed slope %.20Lg, want %.20Lg",
		  f->slope, bsl_ld(a));
	cr_assert(close_to(xf_rel(f, pivot, c->by), want, fabsl(want) + span),
		  "relaxed line at pivot %.12Lg, want %.12Lg",
		  xf_rel(f, pivot, c->by), want);
}

static void check_chain(const bcase *c, const lsync_chain *ch,
			const bpt *p, size_t n)
{
	bpt v[16];
	size_t k = bf_vertices(p, n, ch->upper, v);

	cr_assert_eq(ch->len, k, "chain has %zu vertices, brute force %zu",
		     ch->len, k);
	for (size_t i = 0; i < k; i++)
		cr_assert(ch->pts[i].x - c->bx == v[i].x &&
			  ch->pts[i].y - c->by == v[i].y,
			  "vertex %zu differs", i);
}

static void check_vertices(const bcase *c, const lsync_hull *h)
{
	check_chain(c, &h->above, c->a, c->na);
	check_chain(c, &h->below, c->b, c->nb);
}

/* In FAIL: the estimate's largest violation over all points is e*, and
 * n_violating matches the vertices, up to points within 1e-6 of it. */
static void check_fail_estimate(const bcase *c, const lsync_hull *h,
				const lsync_hull_solution *s)
{
	long double worst = -INFINITY;
	long double mag = fabsl(s->violation) + ld(s->x_last - s->x_first);
	uint64_t sure = 0, maybe = 0;

	for (int side = 0; side < 2; side++) {
		const bpt *p = side ? c->b : c->a;
		size_t n = side ? c->nb : c->na;

		for (size_t i = 0; i < n; i++) {
			long double g = xf_rel(&s->estimate, p[i].x + c->bx,
					       c->by) - p[i].y;

			worst = fmaxl(worst, side ? -g : g);
		}
	}
	cr_assert(close_to(worst, s->violation, mag),
		  "estimate violates by %.12Lg, e* = %.12Lg", worst,
		  s->violation);
	for (int side = 0; side < 2; side++) {
		const lsync_chain *ch = side ? &h->below : &h->above;

		for (size_t i = 0; i < ch->len; i++) {
			const lsync_point *v = &ch->pts[i];
			long double g = xf_rel(&s->estimate, v->x, c->by) -
					ld((i128)v->y - c->by);

			if (side)
				g = -g; /* below: violating when est <= y */
			sure += g > 0 && !close_to(g, 0, mag);
			maybe += close_to(g, 0, mag);
		}
	}
	cr_assert(s->n_violating >= sure && s->n_violating <= sure + maybe,
		  "n_violating %llu, brute in [%llu, %llu]",
		  (unsigned long long)s->n_violating, (unsigned long long)sure,
		  (unsigned long long)(sure + maybe));
}

/*
 * One side of the bounds at x against the brute force: unbounded alike;
 * else floor (lo) or ceil (hi) exact when feasible, and the value close
 * (FAIL: the envelope moved by e*).
 */
static void check_side_brute(const bcase *c, const bres *r, bool above,
			     int64_t x, long double got, long double e)
{
	i128 num = 0, den = 1, rounded;
	long double want, mag;

	if (!bf_envelope(c, r, above, x - c->bx, &num, &den)) {
		cr_assert(is_inf(got, above ? 1 : -1), "%s unbounded",
			  above ? "hi should be" : "lo should be");
		return;
	}
	want = ld(num) / ld(den) + (above ? e : -e);
	mag = fabsl(want) + fabsl(ld((i128)c->by - x)) + fabsl(e);
	cr_assert(close_to(got, want + ld((i128)c->by - x), mag),
		  "%s %.12Lg, brute %.12Lg", above ? "hi" : "lo", got,
		  want + ld((i128)c->by - x));
	/* exactness needs the 64-bit mantissa (offsets reach 2^43 ns) */
	if (r->q == LTTSYNC_QUALITY_FAIL || ld_eps() > 0x1p-63L)
		return;
	rounded = above ? -floor_div(-num, den) : floor_div(num, den);
	cr_assert((i128)(above ? ceill(got) : floorl(got)) ==
			  rounded + c->by - x,
		  "%s not exact: %.20Lg", above ? "ceil(hi)" : "floor(lo)",
		  got);
}

static void check_bounds_brute(const bcase *c, const lsync_hull *h,
			       const lsync_hull_solution *s, const bres *r,
			       int64_t x, long double e)
{
	long double lo, hi;

	lsync_hull_bounds_at(h, s, x, &lo, &hi);
	check_side_brute(c, r, false, x, lo, e);
	check_side_brute(c, r, true, x, hi, e);
}

/* x_first / x_last: the extreme x over ALL points are always vertices. */
static void check_span(const bcase *c, const lsync_hull_solution *s)
{
	int64_t mn = INT64_MAX, mx = INT64_MIN;

	if (!c->na && !c->nb)
		return;
	for (size_t i = 0; i < c->na; i++) {
		mn = c->a[i].x < mn ? c->a[i].x : mn;
		mx = c->a[i].x > mx ? c->a[i].x : mx;
	}
	for (size_t i = 0; i < c->nb; i++) {
		mn = c->b[i].x < mn ? c->b[i].x : mn;
		mx = c->b[i].x > mx ? c->b[i].x : mx;
	}
	cr_assert(s->x_first - c->bx == mn && s->x_last - c->bx == mx);
}

/* Estimate: average of the extreme lines, or the finite one. */
static void check_estimate(const bcase *c, const lsync_hull_solution *s,
			   int64_t pivot)
{
	long double a, b;

	cr_assert_eq(s->has_estimate, s->has_min || s->has_max);
	if (!s->has_min || !s->has_max) {
		if (s->has_estimate)
			cr_assert_eq(memcmp(&s->estimate, s->has_min
						? &s->line_min : &s->line_max,
					    sizeof s->estimate), 0);
		return;
	}
	cr_assert(s->estimate.slope ==
		  (s->line_min.slope + s->line_max.slope) / 2);
	a = xf_rel(&s->line_min, pivot, c->by);
	b = xf_rel(&s->line_max, pivot, c->by);
	cr_assert(close_to(xf_rel(&s->estimate, pivot, c->by), (a + b) / 2,
			   fabsl(a) + fabsl(b)));
}

static void check_case(const bcase *c, const lsync_hull *h)
{
	lsync_hull_solution s = solve(h);
	bres r;
	int64_t pivot = s.x_first + (s.x_last - s.x_first) / 2;
	long double e = 0, span = ld(s.x_last - s.x_first);

	bf_solve(c, &r);
	check_vertices(c, h);
	check_span(c, &s);
	cr_assert_eq(s.quality, r.q, "quality %d, brute %d", s.quality, r.q);
	if (r.q == LTTSYNC_QUALITY_ABSENT ||
	    r.q == LTTSYNC_QUALITY_INCOMPLETE) {
		long double lo, hi;

		cr_assert(!s.has_estimate && !s.has_min && !s.has_max);
		lsync_hull_bounds_at(h, &s, c->bx, &lo, &hi);
		cr_assert(is_inf(lo, -1) && is_inf(hi, 1));
		return;
	}
	cr_assert_eq(r.pair_feasible, r.F_feasible, "definitions disagree");
	cr_assert_eq(s.has_min, !r.amin.inf);
	cr_assert_eq(s.has_max, !r.amax.inf);
	if (r.q == LTTSYNC_QUALITY_FAIL) {
		e = -ld(r.maxF) / ld(r.maxF_d) / 2;
		cr_assert(close_to(s.violation, e, e),
			  "violation %.12Lg, brute %.12Lg", s.violation, e);
		if (s.has_min)
			check_line_fail(c, r.amin, &s.line_min, pivot, e, span);
		if (s.has_max)
			check_line_fail(c, r.amax, &s.line_max, pivot, e, span);
		if (s.has_estimate)
			check_fail_estimate(c, h, &s);
	} else {
		cr_assert(s.violation == 0 && s.n_violating == 0);
		/* a finite extreme slope is a root of F */
		cr_assert(!s.has_min || bf_F(c, r.amin) == 0);
		cr_assert(!s.has_max || bf_F(c, r.amax) == 0);
		if (s.has_min)
			check_line_exact(c, r.amin, &s.line_min, pivot);
		if (s.has_max)
			check_line_exact(c, r.amax, &s.line_max, pivot);
	}
	check_estimate(c, &s, pivot);
	for (int i = 0; i < 12; i++) {
		int64_t x = rnd_in(s.x_first - 2000, s.x_last + 2000);

		check_bounds_brute(c, h, &s, &r, x, e);
	}
	check_bounds_brute(c, h, &s, &r, s.x_first, e);
	check_bounds_brute(c, h, &s, &r, s.x_last, e);
}

/* Longer runs: -DHULL_BRUTE_ITERS=1000000 -DHULL_BRUTE_SEED=n */
#ifndef HULL_BRUTE_ITERS
#define HULL_BRUTE_ITERS 6000
#endif
#ifndef HULL_BRUTE_SEED
#define HULL_BRUTE_SEED 3
#endif

Test(hull_brute, random_small_cases, .timeout = 600)
{
	int counts[5] = { 0 };

	rng_state = HULL_BRUTE_SEED;
	for (int iter = 0; iter < HULL_BRUTE_ITERS; iter++) {
		bcase c;
		lsync_hull h;

		random_case(&c, &h);
		check_case(&c, &h);
		counts[solve(&h).quality]++;
		lsync_hull_fini(&h);
	}
	/* every quality must have been exercised */
	for (int q = 0; q < 5; q++)
		cr_assert_gt(counts[q], 20, "quality %d seen %d times", q,
			     counts[q]);
}

/*
 * The guided inverse bounds against the bisection of the whole range
 * (their definition): the same x, to the ns.
 */
static void check_inverse_same(const lsync_hull *h, const lsync_hull_solution *s,
			       int64_t y_lo, int64_t y_hi)
{
	int64_t a_lo, a_hi, b_lo, b_hi;
	bool a = lsync_hull_inverse_bounds(h, s, y_lo, y_hi, &a_lo, &a_hi);
	bool b = lsync_hull_inverse_bounds_bisect(h, s, y_lo, y_hi, &b_lo, &b_hi);

	cr_assert_eq(a, b);
	cr_assert_eq(a_lo, b_lo, "y [%lld, %lld]: x_lo %lld, bisection %lld",
		     (long long)y_lo, (long long)y_hi, (long long)a_lo,
		     (long long)b_lo);
	cr_assert_eq(a_hi, b_hi, "y [%lld, %lld]: x_hi %lld, bisection %lld",
		     (long long)y_lo, (long long)y_hi, (long long)a_hi,
		     (long long)b_hi);
}

/* ---- ground truth ----------------------------------------------------- */

/*
 * At x: floor(x + lo) <= true(x) <= ceil(x + hi) exactly, the estimate is
 * off by at most the width, and the inverse question contains x.
 */
static void check_truth_at(const lsync_hull *h, const lsync_hull_solution *s,
			   const truth *t, int64_t x, int64_t span)
{
	i128 num = truth_num(t, x); /* TRUTH_D * true(x) */
	long double lo, hi, err;
	int64_t xl, xh, y = truth_floor(t, x);

	lsync_hull_bounds_at(h, s, x, &lo, &hi);
	cr_assert(isfinite(lo) && isfinite(hi) && lo <= hi);
	cr_assert(((i128)x + (i128)floorl(lo)) * TRUTH_D <= num);
	cr_assert(((i128)x + (i128)ceill(hi)) * TRUTH_D >= num);
	err = fabsl(xf_rel(&s->estimate, x, t->y0) -
		    ld(num - (i128)t->y0 * TRUTH_D) / TRUTH_D);
	cr_assert(err <= hi - lo ||
		  close_to(err, hi - lo, ld(t->y0 - x) + span),
		  "estimate error %Lg > width %Lg", err, hi - lo);
	cr_assert(lsync_hull_inverse_bounds(h, s, y, y + 1, &xl, &xh));
	cr_assert(xl <= x && x <= xh, "x %lld not in [%lld, %lld]",
		  (long long)x, (long long)xl, (long long)xh);
	check_inverse_same(h, s, y, y + 1);
	check_inverse_same(h, s, y - 100000, y + 100000);
}

/*
 * 2000 messages over 10 s between clocks with a known relation; bounds
 * checked at 300 times from 10 s before the data to 10 s after, and the
 * inverse bounds there against their bisection.
 */
Test(hull_truth, true_line_within_bounds, .timeout = 120)
{
	const int64_t span = 10000000000LL;

	rng_state = 4;
	for (int iter = 0; iter < 60; iter++) {
		truth t = random_truth();
		lsync_hull h;
		lsync_hull_solution s;

		lsync_hull_init(&h);
		random_messages(&h, &t, 2000, span);
		s = solve(&h);
		cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
		cr_assert_lt(lsync_hull_vertex_count(&h), 200);
		for (int i = 0; i < 300; i++) {
			int64_t x = t.x0 + rnd_in(-span, 2 * span);

			check_truth_at(&h, &s, &t, x, span);
		}
		lsync_hull_fini(&h);
	}
}

/* ---- inverse bounds: guided search against bisection ------------------ */

/*
 * Every quality, y inside, near and far outside the data, at vertices'
 * values and at the extremes of the time range: the same x as the
 * bisection of the whole range, to the ns.
 */
Test(hull_brute, inverse_bounds_match_bisection, .timeout = 600)
{
	rng_state = 11;
	for (int iter = 0; iter < 3000; iter++) {
		bcase c;
		lsync_hull h;
		lsync_hull_solution s;

		random_case(&c, &h);
		s = solve(&h);
		for (int i = 0; i < 10; i++) {
			int64_t y = rnd_in(s.x_first - 5000, s.x_last + 5000);

			check_inverse_same(&h, &s, y, y + rnd_in(0, 300));
		}
		for (uint32_t k = 0; k < h.above.len; k++)
			check_inverse_same(&h, &s, h.above.pts[k].y,
					   h.above.pts[k].y);
		for (uint32_t k = 0; k < h.below.len; k++)
			check_inverse_same(&h, &s, h.below.pts[k].y - 1,
					   h.below.pts[k].y + 1);
		check_inverse_same(&h, &s, LSYNC_TS_MIN, LSYNC_TS_MIN + 1);
		check_inverse_same(&h, &s, LSYNC_TS_MAX - 1, LSYNC_TS_MAX);
		check_inverse_same(&h, &s, -((int64_t)1 << 50), (int64_t)1 << 50);
		lsync_hull_fini(&h);
	}
}
