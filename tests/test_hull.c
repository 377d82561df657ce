/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hull module (liblttsync/hull.c): chains, the solution
 * of a pair, bounds and inverse bounds. Hand cases have exact answers
 * (dyadic slopes); random cases are checked against a brute force of the
 * definitions over ALL points, and against a known true line.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull.h"

typedef __int128 i128;

/* ---- helpers --------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: fixed seeds make every run the same */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t rnd_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* The xform's value at x minus base, in long double. */
static long double xf_rel(const lsync_xform *f, int64_t x, int64_t base)
{
	return (long double)((i128)f->y0 - base) + f->y0_frac +
	       f->slope * (long double)((i128)x - f->x0);
}

static lsync_hull_solution solve(const lsync_hull *h)
{
	lsync_hull_solution s;

	lsync_hull_solve(h, &s);
	return s;
}

static i128 floor_div(i128 n, i128 d)
{
	i128 q = n / d;

	return (n % d != 0 && (n < 0) != (d < 0)) ? q - 1 : q;
}

/* Hand cases: hull from literal arrays. */
static void build(lsync_hull *h, const lsync_point *above, size_t na,
		  const lsync_point *below, size_t nb)
{
	lsync_hull_init(h);
	for (size_t i = 0; i < na; i++)
		cr_assert_geq(lsync_hull_add_above(h, above[i].x, above[i].y), 0);
	for (size_t i = 0; i < nb; i++)
		cr_assert_geq(lsync_hull_add_below(h, below[i].x, below[i].y), 0);
}

static void assert_chain(const lsync_chain *c, const lsync_point *want,
			 size_t n)
{
	cr_assert_eq(c->len, n, "chain has %zu vertices, want %zu", c->len, n);
	for (size_t i = 0; i < n; i++)
		cr_assert(c->pts[i].x == want[i].x && c->pts[i].y == want[i].y,
			  "vertex %zu is (%lld, %lld), want (%lld, %lld)", i,
			  (long long)c->pts[i].x, (long long)c->pts[i].y,
			  (long long)want[i].x, (long long)want[i].y);
}

static void assert_xform(const lsync_xform *f, int64_t x0, int64_t y0,
			 long double frac, long double slope)
{
	cr_assert(f->x0 == x0 && f->y0 == y0 && f->y0_frac == frac &&
			  f->slope == slope,
		  "xform (%lld, %lld + %.20Lg, %.20Lg), want (%lld, %lld + "
		  "%.20Lg, %.20Lg)",
		  (long long)f->x0, (long long)f->y0, f->y0_frac, f->slope,
		  (long long)x0, (long long)y0, frac, slope);
}

static void assert_bounds(const lsync_hull *h, const lsync_hull_solution *s,
			  int64_t x, long double lo, long double hi)
{
	long double l, u;

	lsync_hull_bounds_at(h, s, x, &l, &u);
	cr_assert(l == lo && u == hi, "bounds at %lld: [%.20Lg, %.20Lg], want "
		  "[%.20Lg, %.20Lg]", (long long)x, l, u, lo, hi);
}

/* ---- chains ---------------------------------------------------------- */

Test(hull_chain, lower_hull_keeps_strict_vertices)
{
	lsync_hull h;

	lsync_hull_init(&h);
	cr_assert_eq(lsync_hull_add_above(&h, 0, 10), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 10, 10), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 5, 10), 0, "collinear point kept");
	cr_assert_eq(lsync_hull_add_above(&h, 5, 11), 0, "point above kept");
	cr_assert_eq(lsync_hull_add_above(&h, 10, 12), 0, "higher y at same x kept");
	cr_assert_eq(lsync_hull_add_above(&h, 10, 10), 0, "duplicate kept");
	cr_assert_eq(lsync_hull_add_above(&h, 5, 4), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 20, 30), 1);
	/* (10, 10) now lies above the segment (5, 4)-(20, 30)? 4 + 26/3 = 12.67: no, below: stays */
	assert_chain(&h.above, (lsync_point[]){ { 0, 10 }, { 5, 4 }, { 10, 10 },
						{ 20, 30 } }, 4);
	/* Lower y at x = 10 replaces the vertex and hides nothing else. */
	cr_assert_eq(lsync_hull_add_above(&h, 10, 6), 1);
	assert_chain(&h.above, (lsync_point[]){ { 0, 10 }, { 5, 4 }, { 10, 6 },
						{ 20, 30 } }, 4);
	/* A deep point hides both neighbours on each side except the ends. */
	cr_assert_eq(lsync_hull_add_above(&h, 8, -100), 1);
	assert_chain(&h.above, (lsync_point[]){ { 0, 10 }, { 8, -100 },
						{ 20, 30 } }, 3);
	/* A new leftmost point that makes (0, 10) collinear removes it. */
	cr_assert_eq(lsync_hull_add_above(&h, -8, 120), 1);
	assert_chain(&h.above, (lsync_point[]){ { -8, 120 }, { 8, -100 },
						{ 20, 30 } }, 3);
	cr_assert_eq(h.n_above, 11);
	cr_assert_eq(h.n_below, 0);
	cr_assert_eq(lsync_hull_vertex_count(&h), 3);
	lsync_hull_fini(&h);
	cr_assert_eq(h.above.pts, NULL);
	cr_assert_eq(lsync_hull_vertex_count(&h), 0);
}

Test(hull_chain, upper_hull_mirrors_lower)
{
	lsync_hull h;

	lsync_hull_init(&h);
	cr_assert_eq(lsync_hull_add_below(&h, 0, -10), 1);
	cr_assert_eq(lsync_hull_add_below(&h, 10, -10), 1);
	cr_assert_eq(lsync_hull_add_below(&h, 5, -10), 0);
	cr_assert_eq(lsync_hull_add_below(&h, 5, -11), 0);
	cr_assert_eq(lsync_hull_add_below(&h, 10, -12), 0, "lower y at same x kept");
	cr_assert_eq(lsync_hull_add_below(&h, 10, -8), 1, "higher y at same x dropped");
	cr_assert_eq(lsync_hull_add_below(&h, 5, 100), 1);
	assert_chain(&h.below, (lsync_point[]){ { 0, -10 }, { 5, 100 },
						{ 10, -8 } }, 3);
	cr_assert_eq(lsync_hull_add_below(&h, 20, 210), 1);
	/* (5, 100)-(20, 210): at 10, 136.7 > -8: (10, -8) is hidden. */
	assert_chain(&h.below, (lsync_point[]){ { 0, -10 }, { 5, 100 },
						{ 20, 210 } }, 3);
	cr_assert_eq(h.n_below, 8);
	cr_assert_eq(h.above.len, 0);
	lsync_hull_fini(&h);
}

Test(hull_chain, out_of_range_points_are_dropped)
{
	lsync_hull h;

	lsync_hull_init(&h);
	cr_assert_eq(lsync_hull_add_above(&h, LSYNC_TS_MAX + 1, 0), 0);
	cr_assert_eq(lsync_hull_add_below(&h, 0, LSYNC_TS_MIN - 1), 0);
	cr_assert_eq(lsync_hull_add_above(&h, LSYNC_TS_MAX, LSYNC_TS_MIN), 1);
	cr_assert_eq(lsync_hull_vertex_count(&h), 1);
	cr_assert_eq(h.n_above, 1);
	cr_assert_eq(h.n_below, 0);
	lsync_hull_fini(&h);
}

/* ---- hand-computed solutions ----------------------------------------- */

/*
 * above (R->O): (0, 8), (32, 50) [not a vertex: 8 + 73/2 = 44.5 < 50],
 * (64, 81); below (O->R): (0, 2), (20, 21) [not a vertex: 22 > 21],
 * (64, 66).
 * a_max = slope (0,2)-(64,81) = 79/64, a_min = slope (0,8)-(64,66) = 58/64.
 * Pivot 32: line_max(32) = 2 + 39.5 = 41.5, line_min(32) = 66 - 29 = 37;
 * estimate 39.25, slope 137/128.
 */
static const lsync_point hand_above[] = { { 0, 8 }, { 32, 50 }, { 64, 81 } };
static const lsync_point hand_below[] = { { 0, 2 }, { 20, 21 }, { 64, 66 } };

Test(hull_solve, accurate_hand_case)
{
	lsync_hull h;
	lsync_hull_solution s;

	build(&h, hand_above, 3, hand_below, 3);
	assert_chain(&h.above, (lsync_point[]){ { 0, 8 }, { 64, 81 } }, 2);
	assert_chain(&h.below, (lsync_point[]){ { 0, 2 }, { 64, 66 } }, 2);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert(s.has_min && s.has_max && s.has_estimate);
	cr_assert_eq(s.x_first, 0);
	cr_assert_eq(s.x_last, 64);
	assert_xform(&s.line_max, 32, 41, 0.5L, 79.0L / 64);
	assert_xform(&s.line_min, 32, 37, 0, 58.0L / 64);
	assert_xform(&s.estimate, 32, 39, 0.25L, 137.0L / 128);
	cr_assert_eq(s.violation, 0);
	cr_assert_eq(s.n_violating, 0);
	lsync_hull_fini(&h);
}

Test(hull_bounds, hand_case_envelopes)
{
	lsync_hull h;
	lsync_hull_solution s;

	build(&h, hand_above, 3, hand_below, 3);
	s = solve(&h);
	/* Inside [0, 64]: below chain (slope 1 within [58/64, 79/64]) gives
	 * lo = x + 2; above chain (slope 73/64, also within) gives hi. */
	assert_bounds(&h, &s, 0, 2, 8);
	assert_bounds(&h, &s, 32, 2, 12.5L);
	assert_bounds(&h, &s, 64, 2, 17);
	assert_bounds(&h, &s, 1, 2, 8 + 73.0L / 64 - 1);
	/* Right of both chains: lo follows line_min, hi line_max. */
	assert_bounds(&h, &s, 100, 98.625L - 100, 125.4375L - 100);
	/* Left: lo follows line_max, hi line_min. */
	assert_bounds(&h, &s, -64, -77.0L + 64, -50.0L + 64);
	lsync_hull_fini(&h);
}

Test(hull_bounds, chain_slope_outside_feasible_range)
{
	/* below chain (0,0)-(10,100) has slope 10, but a_max = 1/8 (pair
	 * (10,100)-(26,102)) and a_min = -45 (pair (-10,1000)-(10,100)).
	 * Pivot 8: line_max(8) = 99.75, line_min(8) = 190. */
	static const lsync_point above[] = { { -10, 1000 }, { 26, 102 } };
	static const lsync_point below[] = { { 0, 0 }, { 10, 100 } };
	lsync_hull h;
	lsync_hull_solution s;
	long double lo, hi;

	build(&h, above, 2, below, 2);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	assert_xform(&s.line_max, 8, 99, 0.75L, 0.125L);
	assert_xform(&s.line_min, 8, 190, 0, -45);
	/* At x = 5 no feasible line follows the below chain (slope 10 >
	 * a_max): the lowest one there is line_max, 99.375, not 50. */
	lsync_hull_bounds_at(&h, &s, 5, &lo, &hi);
	cr_assert_eq(lo, 99.375L - 5);
	/* the above chain's slope -898/36 is feasible: hi = lowerA(5) */
	cr_assert(fabsl(hi - (625 + 30.0L / 36 - 5)) < 1e-15L, "hi %.20Lg", hi);
	cr_assert_eq(ceill(hi), 621);
	lsync_hull_fini(&h);
}

Test(hull_solve, quality_transitions)
{
	lsync_hull h;
	lsync_hull_solution s;

	lsync_hull_init(&h);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ABSENT);
	cr_assert(!s.has_min && !s.has_max && !s.has_estimate);
	assert_bounds(&h, &s, 0, -INFINITY, INFINITY);

	lsync_hull_add_above(&h, 0, 10);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_INCOMPLETE);
	cr_assert(!s.has_estimate);
	cr_assert(s.x_first == 0 && s.x_last == 0);

	/* Both directions, one x: still no slope bound. */
	lsync_hull_add_below(&h, 0, 0);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_INCOMPLETE);
	assert_bounds(&h, &s, 0, -INFINITY, INFINITY);

	/* A below point on the right bounds the slope from below only. */
	lsync_hull_add_below(&h, 100, 95);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_APPROXIMATE);
	cr_assert(s.has_min && !s.has_max && s.has_estimate);
	assert_xform(&s.line_min, 50, 52, 0.5L, 85.0L / 100);
	cr_assert_eq(memcmp(&s.estimate, &s.line_min, sizeof s.estimate), 0);

	lsync_hull_add_above(&h, 100, 120);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	assert_xform(&s.line_max, 50, 60, 0, 120.0L / 100);

	/* lowerA(50) = 65: a below point at 64 is fine, at 65 the hulls
	 * touch (FAIL, violation 0), above it they overlap. */
	cr_assert_eq(lsync_hull_add_below(&h, 50, 64), 1);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert_eq(lsync_hull_add_below(&h, 50, 65), 1);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 0);
	/* The only relaxed line is the above chain itself, y = 10 + 1.1 x:
	 * it passes through (50, 65) and both above points, all of which
	 * count as violated (on the line). */
	assert_xform(&s.line_min, 50, 65, 0, 110.0L / 100);
	assert_xform(&s.line_max, 50, 65, 0, 110.0L / 100);
	assert_xform(&s.estimate, 50, 65, 0, 110.0L / 100);
	cr_assert_eq(s.n_violating, 3);
	lsync_hull_fini(&h);
}

Test(hull_solve, violation_hand_case)
{
	/* above on y = x + 10; below (50, 70) sticks 10 into it: D = 10,
	 * e* = 5, the relaxed problem allows only y = x + 15. (200, 150) is
	 * a below vertex that the estimate does not violate. */
	static const lsync_point above[] = { { 0, 10 }, { 100, 110 } };
	static const lsync_point below[] = { { 50, 70 }, { 200, 150 } };
	lsync_hull h;
	lsync_hull_solution s;

	build(&h, above, 2, below, 2);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 5);
	cr_assert(s.has_min && s.has_max && s.has_estimate);
	assert_xform(&s.line_min, 100, 115, 0, 1);
	assert_xform(&s.line_max, 100, 115, 0, 1);
	assert_xform(&s.estimate, 100, 115, 0, 1);
	cr_assert_eq(s.n_violating, 3);
	/* relaxed bounds collapse on the single line */
	assert_bounds(&h, &s, 100, 15, 15);
	assert_bounds(&h, &s, 0, 15, 15);
	lsync_hull_fini(&h);
}

Test(hull_solve, violation_with_slope_interval)
{
	/* A peak of below over a valley of above at x = 0: D = 10; every
	 * line through (0, 5) with slope in [-1, 1] violates by 5 at most. */
	static const lsync_point above[] = { { -10, 10 }, { 0, 0 }, { 10, 10 } };
	static const lsync_point below[] = { { -10, 0 }, { 0, 10 }, { 10, 0 } };
	lsync_hull h;
	lsync_hull_solution s;

	build(&h, above, 3, below, 3);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 5);
	assert_xform(&s.line_min, 0, 5, 0, -1);
	assert_xform(&s.line_max, 0, 5, 0, 1);
	assert_xform(&s.estimate, 0, 5, 0, 0);
	cr_assert_eq(s.n_violating, 2);
	/* bounds of the relaxed problem: the cone through (0, 5) */
	assert_bounds(&h, &s, 0, 5, 5);
	assert_bounds(&h, &s, 4, -3, 5);     /* [5 - 4, 5 + 4] - 4 */
	assert_bounds(&h, &s, 10, -15, 5);   /* the chains moved by 5 */
	assert_bounds(&h, &s, 20, -35, 5);   /* the lines: [-15, 25] */
	lsync_hull_fini(&h);
}

Test(hull_solve, fail_without_slope_bounds)
{
	lsync_hull h;
	lsync_hull_solution s;

	lsync_hull_init(&h);
	lsync_hull_add_above(&h, 7, 0);
	lsync_hull_add_below(&h, 7, 10);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 5);
	cr_assert(!s.has_min && !s.has_max && !s.has_estimate);
	cr_assert_eq(s.n_violating, 2);
	assert_bounds(&h, &s, 7, -2, -2);
	assert_bounds(&h, &s, 8, -INFINITY, INFINITY);
	lsync_hull_fini(&h);
}

/* ---- contradictions --------------------------------------------------- */

/* A true line, rational: y = Y0 + (x - X0) * (D + k) / D. */
typedef struct truth {
	int64_t x0, y0;
	int64_t k;
} truth;

#define TRUTH_D 1000000000LL

static i128 truth_num(const truth *t, int64_t x) /* TRUTH_D * y(x) */
{
	return (i128)t->y0 * TRUTH_D + ((i128)x - t->x0) * (TRUTH_D + t->k);
}

static int64_t truth_floor(const truth *t, int64_t x)
{
	return (int64_t)floor_div(truth_num(t, x), TRUTH_D);
}

static truth random_truth(void)
{
	truth t;

	t.x0 = (int64_t)1700000000000000000LL + rnd_in(0, 100000000000000LL);
	/* offsets up to 3 hours either way, slope 1 +- 200 ppm */
	t.y0 = t.x0 + rnd_in(-10800000000000LL, 10800000000000LL);
	t.k = rnd_in(-200000, 200000);
	return t;
}

/* R->O message sent at x: received at true(x) + latency. */
static void add_message(lsync_hull *h, const truth *t, int64_t x,
			int64_t latency, bool r_to_o)
{
	int64_t y = truth_floor(t, x);

	if (r_to_o)
		cr_assert_geq(lsync_hull_add_above(h, x, y + latency), 0);
	else
		cr_assert_geq(lsync_hull_add_below(h, x, y - latency), 0);
}

static void random_messages(lsync_hull *h, const truth *t, int n,
			    int64_t span)
{
	for (int i = 0; i < n; i++)
		add_message(h, t, t->x0 + rnd_in(0, span),
			    rnd_in(10000, 100000) + (int64_t)(rnd() % 4 ? 0 : rnd() % 1000000),
			    rnd() & 1);
}

Test(hull_solve, contradiction_at_exactly_the_point)
{
	rng_state = 1;
	for (int iter = 0; iter < 300; iter++) {
		truth t = random_truth();
		lsync_hull h;
		lsync_hull_solution s;
		long double lo, hi;
		int64_t x, y;

		lsync_hull_init(&h);
		random_messages(&h, &t, 40, 1000000000);
		s = solve(&h);
		if (s.quality != LTTSYNC_QUALITY_ACCURATE) {
			lsync_hull_fini(&h);
			continue;
		}
		x = t.x0 + rnd_in(-100000000, 1100000000);
		lsync_hull_bounds_at(&h, &s, x, &lo, &hi);
		cr_assert(isfinite(lo) && isfinite(hi));
		/* a below point at y is feasible iff y < hi(x) */
		y = x + (int64_t)ceill(hi) - 1;
		{
			lsync_hull h2;

			lsync_hull_init(&h2);
			for (size_t i = 0; i < h.above.len; i++)
				lsync_hull_add_above(&h2, h.above.pts[i].x, h.above.pts[i].y);
			for (size_t i = 0; i < h.below.len; i++)
				lsync_hull_add_below(&h2, h.below.pts[i].x, h.below.pts[i].y);
			lsync_hull_add_below(&h2, x, y);
			cr_assert_neq(solve(&h2).quality, LTTSYNC_QUALITY_FAIL,
				      "below point just under hi(x) made a FAIL");
			lsync_hull_add_below(&h2, x, y + 1);
			cr_assert_eq(solve(&h2).quality, LTTSYNC_QUALITY_FAIL,
				     "below point at ceil(hi(x)) did not FAIL");
			lsync_hull_fini(&h2);
		}
		/* an above point at y is feasible iff y > lo(x) */
		y = x + (int64_t)floorl(lo) + 1;
		lsync_hull_add_above(&h, x, y);
		cr_assert_neq(solve(&h).quality, LTTSYNC_QUALITY_FAIL);
		lsync_hull_add_above(&h, x, y - 1);
		cr_assert_eq(solve(&h).quality, LTTSYNC_QUALITY_FAIL);
		lsync_hull_fini(&h);
	}
}

/* ---- order independence ---------------------------------------------- */

Test(hull_order, same_points_any_order)
{
	enum { N = 400 };
	lsync_point pts[N];
	bool dir[N];
	lsync_hull ref;
	lsync_hull_solution sref;
	truth t;

	rng_state = 2;
	t = random_truth();
	for (int i = 0; i < N; i++) {
		/* a coarse grid: equal x and collinear points happen */
		pts[i].x = t.x0 + rnd_in(0, 60) * 1000000;
		dir[i] = rnd() & 1;
		pts[i].y = truth_floor(&t, pts[i].x) +
			   (dir[i] ? 1 : -1) * rnd_in(1, 4) * 20000;
	}
	/* one contradicting point so that the FAIL path is covered too,
	 * in half of the runs (the first half has none) */
	lsync_hull_init(&ref);
	for (int pass = 0; pass < 2; pass++) {
		int nrun = pass ? N : N - 1;

		if (pass) {
			int64_t x = t.x0 + 30000000;

			pts[N - 1] = (lsync_point){ x, truth_floor(&t, x) + 100000 };
			dir[N - 1] = false;
		}
		lsync_hull_fini(&ref);
		lsync_hull_init(&ref);
		for (int i = 0; i < nrun; i++)
			(dir[i] ? lsync_hull_add_above
				: lsync_hull_add_below)(&ref, pts[i].x, pts[i].y);
		lsync_hull_solve(&ref, &sref);
		cr_assert_eq(sref.quality, pass ? LTTSYNC_QUALITY_FAIL
					       : LTTSYNC_QUALITY_ACCURATE);
		for (int run = 0; run < 120; run++) {
			int idx[N];
			lsync_hull h;
			lsync_hull_solution s;

			for (int i = 0; i < nrun; i++)
				idx[i] = i;
			for (int i = nrun - 1; i > 0; i--) {
				int j = (int)(rnd() % (uint64_t)(i + 1)), tmp = idx[i];

				idx[i] = idx[j];
				idx[j] = tmp;
			}
			lsync_hull_init(&h);
			for (int i = 0; i < nrun; i++)
				(dir[idx[i]] ? lsync_hull_add_above
					     : lsync_hull_add_below)(&h, pts[idx[i]].x,
								     pts[idx[i]].y);
			cr_assert_eq(h.above.len, ref.above.len);
			cr_assert_eq(h.below.len, ref.below.len);
			cr_assert_eq(memcmp(h.above.pts, ref.above.pts,
					    h.above.len * sizeof *h.above.pts), 0);
			cr_assert_eq(memcmp(h.below.pts, ref.below.pts,
					    h.below.len * sizeof *h.below.pts), 0);
			cr_assert_eq(h.n_above + h.n_below, (uint64_t)nrun);
			lsync_hull_solve(&h, &s);
			cr_assert_eq(memcmp(&s, &sref, sizeof s), 0,
				     "solution differs for run %d", run);
			lsync_hull_fini(&h);
		}
	}
	lsync_hull_fini(&ref);
}

/* ---- brute force over all points ------------------------------------- */

/*
 * Points are translated to a base (bx, by) so that products of rationals
 * stay well inside __int128. Slopes are n/d with d > 0, or infinite.
 */
typedef struct bpt {
	int64_t x, y;
} bpt;

typedef struct bsl {
	i128 n, d;
	int inf;
} bsl;

typedef struct bcase {
	bpt a[16], b[16]; /* above, below; translated */
	size_t na, nb;
	int64_t bx, by;
} bcase;

static int bsl_cmp(bsl p, bsl q)
{
	if (p.inf != q.inf)
		return p.inf < q.inf ? -1 : 1;
	if (p.inf)
		return 0;
	return (p.n * q.d > q.n * p.d) - (p.n * q.d < q.n * p.d);
}

static long double bsl_ld(bsl s)
{
	return s.inf ? s.inf * (long double)INFINITY
		     : (long double)s.n / (long double)s.d;
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
				out[k++] = (bsl){ (i128)all[j].y - all[i].y,
						  (i128)all[j].x - all[i].x, 0 };
	return k;
}

typedef struct bres {
	lttsync_quality q;
	bool pair_feasible, F_feasible;
	bsl amin, amax;  /* feasible: pair definition; FAIL: argmax of F */
	i128 maxF, maxF_d; /* FAIL: max F = maxF / maxF_d (<= 0) */
} bres;

static void bf_pairs(const bcase *c, bres *r, bool *contra)
{
	r->amin = (bsl){ 0, 1, -1 };
	r->amax = (bsl){ 0, 1, 1 };
	*contra = false;
	for (size_t i = 0; i < c->nb; i++)
		for (size_t j = 0; j < c->na; j++) {
			bpt l = c->b[i], u = c->a[j];

			if (u.x > l.x) {
				bsl s = { (i128)u.y - l.y, (i128)u.x - l.x, 0 };

				if (bsl_cmp(s, r->amax) < 0)
					r->amax = s;
			} else if (u.x < l.x) {
				bsl s = { (i128)l.y - u.y, (i128)l.x - u.x, 0 };

				if (bsl_cmp(s, r->amin) > 0)
					r->amin = s;
			} else if (l.y >= u.y) {
				*contra = true;
			}
		}
}

/* Max of F over candidates, and the argmax interval (relaxed slopes). */
static void bf_fail(const bcase *c, bres *r, const bsl *cand, size_t nc)
{
	int64_t minxl = INT64_MAX, maxxl = INT64_MIN, minxu = INT64_MAX,
		maxxu = INT64_MIN;
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
	for (size_t i = 0; i < c->nb; i++) {
		minxl = c->b[i].x < minxl ? c->b[i].x : minxl;
		maxxl = c->b[i].x > maxxl ? c->b[i].x : maxxl;
	}
	for (size_t i = 0; i < c->na; i++) {
		minxu = c->a[i].x < minxu ? c->a[i].x : minxu;
		maxxu = c->a[i].x > maxxu ? c->a[i].x : maxxu;
	}
	/* flat unbounded pieces extend the argmax to infinity */
	if (minxl == maxxu && bsl_cmp(hi, cmax) == 0)
		hi = (bsl){ 0, 1, 1 };
	if (maxxl == minxu && bsl_cmp(lo, cmin) == 0)
		lo = (bsl){ 0, 1, -1 };
	r->amin = lo;
	r->amax = hi;
}

static bool bf_F_feasible(const bcase *c, const bsl *cand, size_t nc)
{
	int64_t minxl = INT64_MAX, maxxl = INT64_MIN, minxu = INT64_MAX,
		maxxu = INT64_MIN;

	for (size_t i = 0; i < nc; i++)
		if (bf_F(c, cand[i]) > 0)
			return true;
	for (size_t i = 0; i < c->nb; i++) {
		minxl = c->b[i].x < minxl ? c->b[i].x : minxl;
		maxxl = c->b[i].x > maxxl ? c->b[i].x : maxxl;
	}
	for (size_t i = 0; i < c->na; i++) {
		minxu = c->a[i].x < minxu ? c->a[i].x : minxu;
		maxxu = c->a[i].x > maxxu ? c->a[i].x : maxxu;
	}
	/* F grows without bound as a -> +inf or -inf */
	return minxl - maxxu > 0 || maxxl - minxu < 0;
}

static void bf_solve(const bcase *c, bres *r)
{
	static bsl cand[1024];
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
				cand[k++] = (bsl){ (i128)p[j].y - p[i].y,
						   (i128)p[j].x - p[i].x, 0 };
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
	for (size_t i = 0; i < k; i++) {
		i128 v;

		if (bsl_cmp(cand[i], r->amin) < 0 || bsl_cmp(cand[i], r->amax) > 0)
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

/* Strict hull vertices by the definition: some line through p has every
 * other point strictly on the far side. */
static size_t bf_vertices(const bpt *p, size_t n, bool upper, bpt *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		bsl left = { 0, 1, upper ? 1 : -1 }, right = { 0, 1, upper ? -1 : 1 };
		bool ok = true, dup = false;

		for (size_t j = 0; j < n && ok; j++) {
			if (p[j].x == p[i].x) {
				if (p[j].y == p[i].y)
					dup |= j < i; /* count a duplicate once */
				else
					ok = upper ? p[j].y < p[i].y : p[j].y > p[i].y;
			} else if (p[j].x < p[i].x) {
				bsl s = { (i128)p[i].y - p[j].y, (i128)p[i].x - p[j].x, 0 };

				if (upper ? bsl_cmp(s, left) < 0 : bsl_cmp(s, left) > 0)
					left = s;
			} else {
				bsl s = { (i128)p[j].y - p[i].y, (i128)p[j].x - p[i].x, 0 };

				if (upper ? bsl_cmp(s, right) > 0 : bsl_cmp(s, right) < 0)
					right = s;
			}
		}
		if (ok && !dup &&
		    (upper ? bsl_cmp(right, left) < 0 : bsl_cmp(left, right) < 0))
			out[k++] = p[i];
	}
	/* sort by x */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && out[j - 1].x > out[j].x; j--) {
			bpt t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}

static void random_case(bcase *c, lsync_hull *h)
{
	truth t = random_truth();
	int mode = (int)(rnd() % 4);
	int64_t span = mode == 0 ? 2000 : mode == 1 ? 200000 : 1000000000;
	bool bad = rnd() % 3 == 0;

	c->na = rnd() % 8 == 0 ? 0 : 1 + rnd() % 7;
	c->nb = rnd() % 8 == 0 ? 0 : 1 + rnd() % 7;
	c->bx = t.x0;
	c->by = truth_floor(&t, t.x0);
	lsync_hull_init(h);
	for (int side = 0; side < 2; side++) {
		size_t n = side ? c->nb : c->na;

		for (size_t i = 0; i < n; i++) {
			/* grid x and few latencies: collinear and equal-x cases */
			int64_t x = t.x0 + (mode == 0 ? rnd_in(0, 8) * 250 : rnd_in(0, span));
			int64_t lat = mode == 0 ? rnd_in(1, 3) * 100 : rnd_in(10000, 100000);
			int64_t y;

			if (bad && rnd() % 4 == 0)
				lat = -lat;
			y = truth_floor(&t, x) + (side ? -lat : lat);
			if (side) {
				c->b[i] = (bpt){ x - c->bx, y - c->by };
				lsync_hull_add_below(h, x, y);
			} else {
				c->a[i] = (bpt){ x - c->bx, y - c->by };
				lsync_hull_add_above(h, x, y);
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
	cr_assert(f->y0_frac == (long double)rem / (long double)a.d,
		  "fraction %.20Lg, want %.20Lg", f->y0_frac,
		  (long double)rem / (long double)a.d);
}

/* FAIL lines: support at the pivot minus e*, in long double. */
static void check_line_fail(const bcase *c, const bres *r, bsl a,
			    const lsync_xform *f, int64_t pivot, long double e)
{
	long double want = (long double)bf_support(c, false, a, pivot - c->bx) /
			   (long double)a.d - e;

	cr_assert(f->slope == bsl_ld(a), "relaxed slope %.20Lg, want %.20Lg",
		  f->slope, bsl_ld(a));
	cr_assert(fabsl(xf_rel(f, pivot, c->by) - want) < 1e-6L,
		  "relaxed line at pivot %.12Lg, want %.12Lg",
		  xf_rel(f, pivot, c->by), want);
	(void)r;
}

static void check_vertices(const bcase *c, const lsync_hull *h)
{
	bpt va[16], vb[16];
	size_t ka = bf_vertices(c->a, c->na, false, va);
	size_t kb = bf_vertices(c->b, c->nb, true, vb);

	cr_assert_eq(h->above.len, ka, "above chain has %zu vertices, brute %zu",
		     h->above.len, ka);
	cr_assert_eq(h->below.len, kb);
	for (size_t i = 0; i < ka; i++)
		cr_assert(h->above.pts[i].x - c->bx == va[i].x &&
			  h->above.pts[i].y - c->by == va[i].y);
	for (size_t i = 0; i < kb; i++)
		cr_assert(h->below.pts[i].x - c->bx == vb[i].x &&
			  h->below.pts[i].y - c->by == vb[i].y);
}

/* In FAIL: the estimate's largest violation over all points is e*, and
 * n_violating matches the vertices, up to points within 1e-6 of it. */
static void check_fail_estimate(const bcase *c, const lsync_hull *h,
				const lsync_hull_solution *s)
{
	long double worst = -INFINITY;
	uint64_t sure = 0, maybe = 0;

	for (size_t i = 0; i < c->na; i++) {
		long double g = xf_rel(&s->estimate, c->a[i].x + c->bx, c->by) -
				c->a[i].y;
		worst = fmaxl(worst, g);
	}
	for (size_t i = 0; i < c->nb; i++) {
		long double g = c->b[i].y -
				xf_rel(&s->estimate, c->b[i].x + c->bx, c->by);
		worst = fmaxl(worst, g);
	}
	cr_assert(fabsl(worst - s->violation) < 1e-6L,
		  "estimate violates by %.12Lg, e* = %.12Lg", worst, s->violation);
	for (int side = 0; side < 2; side++) {
		const lsync_chain *ch = side ? &h->below : &h->above;

		for (size_t i = 0; i < ch->len; i++) {
			long double g = xf_rel(&s->estimate, ch->pts[i].x, c->by) -
					(long double)(ch->pts[i].y - c->by);

			if (side)
				g = -g; /* below: violating when est <= y */
			sure += g > 1e-6L;
			maybe += fabsl(g) <= 1e-6L;
		}
	}
	cr_assert(s->n_violating >= sure && s->n_violating <= sure + maybe,
		  "n_violating %llu, brute in [%llu, %llu]",
		  (unsigned long long)s->n_violating, (unsigned long long)sure,
		  (unsigned long long)(sure + maybe));
}

static void check_bounds_brute(const bcase *c, const lsync_hull *h,
			       const lsync_hull_solution *s, const bres *r,
			       int64_t x, long double e)
{
	long double lo, hi;
	i128 num = 0, den = 1;
	bool fail = r->q == LTTSYNC_QUALITY_FAIL;

	lsync_hull_bounds_at(h, s, x, &lo, &hi);
	if (!bf_envelope(c, r, false, x - c->bx, &num, &den)) {
		if (lo != -INFINITY) {
			fprintf(stderr, "q=%d x=%lld lo=%Lg amin inf %d amax inf %d\n", r->q, (long long)(x - c->bx), lo, r->amin.inf, r->amax.inf);
			for (size_t i = 0; i < c->na; i++) fprintf(stderr, "A %lld %lld\n", (long long)c->a[i].x, (long long)c->a[i].y);
			for (size_t i = 0; i < c->nb; i++) fprintf(stderr, "B %lld %lld\n", (long long)c->b[i].x, (long long)c->b[i].y);
		}
		cr_assert(lo == -INFINITY, "lo should be unbounded");
	} else if (!fail) {
		/* exact: floor of the offset is floor of the true envelope */
		i128 fl = floor_div(num, den) + c->by - x;

		cr_assert((i128)floorl(lo) == fl, "floor(lo) %Lg off", lo);
		cr_assert(fabsl(lo - ((long double)num / den + (c->by - x))) < 1e-6L);
	} else {
		cr_assert(fabsl(lo - ((long double)num / den - e + (c->by - x))) < 1e-6L,
			  "relaxed lo %.12Lg", lo);
	}
	if (!bf_envelope(c, r, true, x - c->bx, &num, &den)) {
		cr_assert(hi == INFINITY, "hi should be unbounded");
	} else if (!fail) {
		i128 cl = -floor_div(-num, den) + c->by - x;

		cr_assert((i128)ceill(hi) == cl, "ceil(hi) %Lg off", hi);
		cr_assert(fabsl(hi - ((long double)num / den + (c->by - x))) < 1e-6L);
	} else {
		cr_assert(fabsl(hi - ((long double)num / den + e + (c->by - x))) < 1e-6L,
			  "relaxed hi %.12Lg", hi);
	}
}

static void check_case(const bcase *c, const lsync_hull *h)
{
	lsync_hull_solution s = solve(h);
	bres r;
	int64_t pivot = s.x_first + (s.x_last - s.x_first) / 2;
	long double e = 0;

	bf_solve(c, &r);
	check_vertices(c, h);
	cr_assert_eq(s.quality, r.q, "quality %d, brute %d", s.quality, r.q);
	if (c->na + c->nb) {
		int64_t mn = INT64_MAX, mx = INT64_MIN;

		for (size_t i = 0; i < c->na; i++) {
			mn = c->a[i].x < mn ? c->a[i].x : mn;
			mx = c->a[i].x > mx ? c->a[i].x : mx;
		}
		for (size_t i = 0; i < c->nb; i++) {
			mn = c->b[i].x < mn ? c->b[i].x : mn;
			mx = c->b[i].x > mx ? c->b[i].x : mx;
		}
		cr_assert(s.x_first - c->bx == mn && s.x_last - c->bx == mx);
	}
	if (r.q == LTTSYNC_QUALITY_ABSENT || r.q == LTTSYNC_QUALITY_INCOMPLETE) {
		long double lo, hi;

		cr_assert(!s.has_estimate && !s.has_min && !s.has_max);
		lsync_hull_bounds_at(h, &s, c->bx, &lo, &hi);
		cr_assert(lo == -INFINITY && hi == INFINITY);
		return;
	}
	cr_assert_eq(r.pair_feasible, r.F_feasible, "definitions disagree");
	cr_assert_eq(s.has_min, !r.amin.inf);
	cr_assert_eq(s.has_max, !r.amax.inf);
	if (r.q == LTTSYNC_QUALITY_FAIL) {
		e = -(long double)r.maxF / (long double)r.maxF_d / 2;
		cr_assert(fabsl(s.violation - e) < 1e-9L, "violation %.12Lg, brute "
			  "%.12Lg", s.violation, e);
		if (s.has_min)
			check_line_fail(c, &r, r.amin, &s.line_min, pivot, e);
		if (s.has_max)
			check_line_fail(c, &r, r.amax, &s.line_max, pivot, e);
		if (s.has_estimate)
			check_fail_estimate(c, h, &s);
	} else {
		cr_assert_eq(s.violation, 0);
		cr_assert_eq(s.n_violating, 0);
		/* a finite extreme slope is a root of F */
		if (s.has_min)
			cr_assert(bf_F(c, r.amin) == 0);
		if (s.has_max)
			cr_assert(bf_F(c, r.amax) == 0);
		if (s.has_min)
			check_line_exact(c, r.amin, &s.line_min, pivot);
		if (s.has_max)
			check_line_exact(c, r.amax, &s.line_max, pivot);
	}
	cr_assert_eq(s.has_estimate, s.has_min || s.has_max);
	if (s.has_min && s.has_max) {
		cr_assert(s.estimate.slope == (s.line_min.slope + s.line_max.slope) / 2);
		cr_assert(fabsl(xf_rel(&s.estimate, pivot, c->by) -
				(xf_rel(&s.line_min, pivot, c->by) +
				 xf_rel(&s.line_max, pivot, c->by)) / 2) < 1e-9L);
	} else if (s.has_estimate) {
		cr_assert_eq(memcmp(&s.estimate, s.has_min ? &s.line_min : &s.line_max,
				    sizeof s.estimate), 0);
	}
	for (int i = 0; i < 12; i++) {
		int64_t lo = s.x_first - 2000, hi = s.x_last + 2000;

		check_bounds_brute(c, h, &s, &r, rnd_in(lo, hi), e);
	}
	check_bounds_brute(c, h, &s, &r, s.x_first, e);
	check_bounds_brute(c, h, &s, &r, s.x_last, e);
}

Test(hull_brute, random_small_cases, .timeout = 120)
{
	int counts[5] = { 0 };

	rng_state = 3;
	for (int iter = 0; iter < 6000; iter++) {
		bcase c;
		lsync_hull h;

		random_case(&c, &h);
		check_case(&c, &h);
		counts[solve(&h).quality]++;
		lsync_hull_fini(&h);
	}
	/* every quality must have been exercised */
	for (int q = 0; q < 5; q++)
		cr_assert_gt(counts[q], 20, "quality %d seen %d times", q, counts[q]);
}

/* ---- ground truth ----------------------------------------------------- */

Test(hull_truth, true_line_within_bounds, .timeout = 120)
{
	rng_state = 4;
	for (int iter = 0; iter < 60; iter++) {
		truth t = random_truth();
		lsync_hull h;
		lsync_hull_solution s;
		int64_t span = 10000000000LL; /* 10 s */

		lsync_hull_init(&h);
		random_messages(&h, &t, 2000, span);
		s = solve(&h);
		cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
		cr_assert_lt(lsync_hull_vertex_count(&h), 200);
		for (int i = 0; i < 300; i++) {
			int64_t x = t.x0 + rnd_in(-span, 2 * span);
			long double lo, hi, est, err;
			i128 num = truth_num(&t, x);
			int64_t xl, xh, ylo, yhi;

			lsync_hull_bounds_at(&h, &s, x, &lo, &hi);
			cr_assert(isfinite(lo) && isfinite(hi) && lo <= hi);
			/* floor(x + lo) <= true(x) <= ceil(x + hi), exactly */
			cr_assert(((i128)x + (i128)floorl(lo)) * TRUTH_D <= num);
			cr_assert(((i128)x + (i128)ceill(hi)) * TRUTH_D >= num);
			est = xf_rel(&s.estimate, x, t.y0);
			err = fabsl(est - (long double)(num - (i128)t.y0 * TRUTH_D) /
						  TRUTH_D);
			cr_assert(err <= hi - lo + 1e-6L,
				  "estimate error %Lg > width %Lg", err, hi - lo);
			/* the inverse question contains x */
			ylo = (int64_t)floor_div(num, TRUTH_D);
			yhi = ylo + 1;
			cr_assert(lsync_hull_inverse_bounds(&h, &s, ylo, yhi, &xl, &xh));
			cr_assert(xl <= x && x <= xh, "x %lld not in [%lld, %lld]",
				  (long long)x, (long long)xl, (long long)xh);
		}
		lsync_hull_fini(&h);
	}
}

/* ---- inverse bounds --------------------------------------------------- */

static long double hi_at(const lsync_hull *h, const lsync_hull_solution *s,
			 int64_t x)
{
	long double lo, hi;

	lsync_hull_bounds_at(h, s, x, &lo, &hi);
	return (long double)x + hi;
}

static long double lo_at(const lsync_hull *h, const lsync_hull_solution *s,
			 int64_t x)
{
	long double lo, hi;

	lsync_hull_bounds_at(h, s, x, &lo, &hi);
	return (long double)x + lo;
}

Test(hull_inverse, hand_case)
{
	lsync_hull h;
	lsync_hull_solution s;
	int64_t xl, xh;

	build(&h, hand_above, 3, hand_below, 3);
	s = solve(&h);
	/* hi(x) = 8 + 73 x / 64 reaches 30 at x = 19.28: x_lo = 19;
	 * lo(x) = x + 2 reaches 40 exactly at 38: x_hi = 38. */
	cr_assert(lsync_hull_inverse_bounds(&h, &s, 30, 40, &xl, &xh));
	cr_assert_eq(xl, 19);
	cr_assert_eq(xh, 38);
	cr_assert_lt(hi_at(&h, &s, 19), 30);
	cr_assert_geq(hi_at(&h, &s, 20), 30);
	/* exact boundary on the hi side: hi(0) = 8 */
	cr_assert(lsync_hull_inverse_bounds(&h, &s, 8, 8, &xl, &xh));
	cr_assert_eq(xl, 0);
	cr_assert_eq(xh, 6); /* lo(6) = 8 */
	cr_assert_eq(lo_at(&h, &s, 6), 8);
	lsync_hull_fini(&h);
}

Test(hull_inverse, unbounded_sides)
{
	lsync_hull h;
	lsync_hull_solution s;
	int64_t xl, xh;

	lsync_hull_init(&h);
	s = solve(&h);
	cr_assert(!lsync_hull_inverse_bounds(&h, &s, 0, 10, &xl, &xh));
	cr_assert(xl == INT64_MIN && xh == INT64_MAX);
	/* APPROXIMATE with a_min = 0.85 only: feasible lines pass under
	 * (0, 10) and over (100, 95) with any slope >= 0.85, so O-times in
	 * [50, 60] are reached exactly for x in (0, 100). */
	lsync_hull_add_above(&h, 0, 10);
	lsync_hull_add_below(&h, 100, 95);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_APPROXIMATE);
	cr_assert(lsync_hull_inverse_bounds(&h, &s, 50, 60, &xl, &xh));
	cr_assert(xl == 0 && xh == 100, "[%lld, %lld]", (long long)xl,
		  (long long)xh);
	cr_assert_lt(hi_at(&h, &s, 0), 50);
	cr_assert_eq(hi_at(&h, &s, 1), INFINITY);
	/* lo(x) stays below INT64_MAX up to 2^62: that side is unbounded */
	cr_assert(!lsync_hull_inverse_bounds(&h, &s, 50, INT64_MAX, &xl, &xh));
	cr_assert(xl == 0 && xh == INT64_MAX);
	/* a negative a_min: not monotone, both sides unbounded */
	lsync_hull_fini(&h);
	lsync_hull_init(&h);
	lsync_hull_add_above(&h, 0, 10);
	lsync_hull_add_below(&h, 100, -95);
	lsync_hull_add_below(&h, -100, -95);
	lsync_hull_add_above(&h, 200, 10);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert_lt(s.line_min.slope, 0);
	cr_assert(!lsync_hull_inverse_bounds(&h, &s, 0, 1, &xl, &xh));
	cr_assert(xl == INT64_MIN && xh == INT64_MAX);
	lsync_hull_fini(&h);
}

/* ---- int64 edges ------------------------------------------------------ */

Test(hull_edge, coordinates_near_2_pow_62)
{
	const int64_t M = LSYNC_TS_MAX;
	lsync_hull h;
	lsync_hull_solution s;
	long double lo, hi;
	int64_t xl, xh;

	/* above on y = x + 100, below on y = x - 100, spanning 2^63 */
	lsync_hull_init(&h);
	cr_assert_eq(lsync_hull_add_above(&h, -M, -M + 100), 1);
	cr_assert_eq(lsync_hull_add_above(&h, M - 100, M), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 0, 100), 0, "collinear at 2^62 scale");
	cr_assert_eq(lsync_hull_add_below(&h, -M + 100, -M), 1);
	cr_assert_eq(lsync_hull_add_below(&h, M, M - 100), 1);
	cr_assert_eq(lsync_hull_add_below(&h, 0, -100), 0);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert(s.x_first == -M && s.x_last == M);
	/* a_max = 2^63 / (2^63 - 200) through (-2^62 + 100, -2^62): value 0 at
	 * the pivot 0; a_min = (2^63 - 200) / 2^63, also 0 there. */
	assert_xform(&s.line_max, 0, 0, 0,
		     (long double)((i128)2 * M) / (long double)((i128)2 * M - 200));
	assert_xform(&s.line_min, 0, 0, 0,
		     (long double)((i128)2 * M - 200) / (long double)((i128)2 * M));
	cr_assert(s.estimate.y0 == 0 && s.estimate.y0_frac == 0);
	lsync_hull_bounds_at(&h, &s, 0, &lo, &hi);
	cr_assert(lo == -100 && hi == 100);
	lsync_hull_bounds_at(&h, &s, INT64_MAX, &lo, &hi);
	cr_assert(isfinite(lo) && isfinite(hi) && lo <= hi);
	lsync_hull_bounds_at(&h, &s, INT64_MIN, &lo, &hi);
	cr_assert(isfinite(lo) && isfinite(hi) && lo <= hi);
	cr_assert(lsync_hull_inverse_bounds(&h, &s, -50, 50, &xl, &xh));
	/* lo(x) = x - 100 and hi(x) = x + 100 hit the ends exactly */
	cr_assert(xl == -150 && xh == 150, "[%lld, %lld]", (long long)xl,
		  (long long)xh);
	/* a below point sticking 50 into the above hull at x = 0 */
	cr_assert_eq(lsync_hull_add_below(&h, 0, 150), 1);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 25);
	assert_xform(&s.estimate, 0, 125, 0, 1);
	cr_assert_eq(s.n_violating, 3, "(0,150) and both above points");
	lsync_hull_bounds_at(&h, &s, M, &lo, &hi);
	cr_assert(lo == 125 && hi == 125);
	lsync_hull_fini(&h);
}
