/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hull module (liblttsync/sync/hull.c) on hand cases with
 * exact answers (dyadic slopes): chains, the solution of a pair, bounds,
 * inverse bounds and coordinates near the int64 edges; and on random
 * cases, contradictions at exactly the bound and independence from the
 * insertion order. Brute force and ground truth: test_hull_brute.c;
 * hulls of 50,000 vertices: test_hull_large.c.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "hull_testlib.h"

/* ---- helpers --------------------------------------------------------- */

/* Hand cases: hull from literal arrays. */
static void build(lsync_hull *h, const lsync_point *above, size_t na,
		  const lsync_point *below, size_t nb)
{
	lsync_hull_init(h);
	for (size_t i = 0; i < na; i++)
		cr_assert_geq(lsync_hull_add_above(h, above[i].x, above[i].y),
			      0);
	for (size_t i = 0; i < nb; i++)
		cr_assert_geq(lsync_hull_add_below(h, below[i].x, below[i].y),
			      0);
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

/* ---- chains ---------------------------------------------------------- */

Test(hull_chain, lower_hull_keeps_strict_vertices)
{
	lsync_hull h;

	lsync_hull_init(&h);
	cr_assert_eq(lsync_hull_add_above(&h, 0, 10), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 10, 10), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 5, 10), 0, "collinear kept");
	cr_assert_eq(lsync_hull_add_above(&h, 5, 11), 0, "point above kept");
	cr_assert_eq(lsync_hull_add_above(&h, 10, 12), 0, "higher y kept");
	cr_assert_eq(lsync_hull_add_above(&h, 10, 10), 0, "duplicate kept");
	cr_assert_eq(lsync_hull_add_above(&h, 5, 4), 1);
	cr_assert_eq(lsync_hull_add_above(&h, 20, 30), 1);
	/* (10, 10) stays: segment (5, 4)-(20, 30) is at 12.67 there */
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
	cr_assert_eq(lsync_hull_add_below(&h, 10, -10), 0, "duplicate kept");
	cr_assert_eq(lsync_hull_add_below(&h, 5, -10), 0);
	cr_assert_eq(lsync_hull_add_below(&h, 5, -11), 0);
	cr_assert_eq(lsync_hull_add_below(&h, 10, -12), 0, "lower y kept");
	cr_assert_eq(lsync_hull_add_below(&h, 10, -8), 1, "higher y dropped");
	cr_assert_eq(lsync_hull_add_below(&h, 5, 100), 1);
	assert_chain(&h.below, (lsync_point[]){ { 0, -10 }, { 5, 100 },
						{ 10, -8 } }, 3);
	cr_assert_eq(lsync_hull_add_below(&h, 20, 210), 1);
	/* (5, 100)-(20, 210): at 10, 136.7 > -8: (10, -8) is hidden. */
	assert_chain(&h.below, (lsync_point[]){ { 0, -10 }, { 5, 100 },
						{ 20, 210 } }, 3);
	cr_assert_eq(h.n_below, 9);
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
	cr_assert(close_to(hi, 625 + 30.0L / 36 - 5, 625), "hi %.20Lg", hi);
	cr_assert_eq(ceill(hi), 621);
	lsync_hull_fini(&h);
}

Test(hull_bounds, floor_and_ceil_exact_at_large_offsets)
{
	/* Clocks 2^43 ns (2.4 h) apart at epoch times. lo(X + 1) = X + 2^43 +
	 * (D - 1) / D and hi(X + 1) = X + 2^43 + 1001 + 1 / D: added to
	 * 2^43 in long double (ulp 2^-20), those fractions would round onto
	 * the neighbouring integers and break floor / ceil. */
	const int64_t X = 1700000000000000000LL, Y = X + ((int64_t)1 << 43);
	const int64_t D = 1000000000;
	lsync_hull h;
	lsync_hull_solution s;
	long double lo, hi;

	if (ld_eps() > 0x1p-63L)
		cr_skip_test("long double has a %d-bit mantissa here "
			     "(valgrind?)", 1 - ilogbl(ld_eps()));
	lsync_hull_init(&h);
	lsync_hull_add_below(&h, X, Y);
	lsync_hull_add_below(&h, X + D, Y + D - 1);
	lsync_hull_add_above(&h, X, Y + 1000);
	lsync_hull_add_above(&h, X + D, Y + D + 1001);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	lsync_hull_bounds_at(&h, &s, X + 1, &lo, &hi);
	cr_assert_eq(floorl(lo), (long double)((int64_t)1 << 43) - 1,
		     "lo %.20Lg", lo);
	cr_assert_lt(lo, (long double)((int64_t)1 << 43));
	cr_assert_eq(ceill(hi), (long double)((int64_t)1 << 43) + 1001,
		     "hi %.20Lg", hi);
	cr_assert_gt(hi, (long double)((int64_t)1 << 43) + 1000);
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
	static const lsync_point above[] = { { -10, 10 }, { 0, 0 },
					     { 10, 10 } };
	static const lsync_point below[] = { { -10, 0 }, { 0, 10 },
					     { 10, 0 } };
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

/* The worked example of doc/algorithm.md, number for number. */
Test(hull_solve, documented_worked_example)
{
	static const lsync_point above[] = { { 0, 1100 }, { 1000, 2100 } };
	static const lsync_point below[] = { { 0, 900 }, { 1000, 1900 } };
	lsync_hull h;
	lsync_hull_solution s;

	build(&h, above, 2, below, 2);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	assert_xform(&s.line_max, 500, 1500, 0, 1200.0L / 1000);
	assert_xform(&s.line_min, 500, 1500, 0, 800.0L / 1000);
	assert_xform(&s.estimate, 500, 1500, 0,
		     (1200.0L / 1000 + 800.0L / 1000) / 2);
	assert_bounds(&h, &s, 500, 900, 1100);   /* [1400, 1600] */
	assert_bounds(&h, &s, 2000, 700, 1300);  /* [2700, 3300] */
	cr_assert_eq(lsync_hull_add_below(&h, 500, 1700), 1);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, 50);
	assert_xform(&s.estimate, 500, 1650, 0, 1);  /* t_B = t_A + 1150 */
	cr_assert_eq(s.n_violating, 3);
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

static void copy_hull(lsync_hull *to, const lsync_hull *from)
{
	lsync_hull_init(to);
	for (size_t i = 0; i < from->above.len; i++)
		lsync_hull_add_above(to, from->above.pts[i].x,
				     from->above.pts[i].y);
	for (size_t i = 0; i < from->below.len; i++)
		lsync_hull_add_below(to, from->below.pts[i].x,
				     from->below.pts[i].y);
}

Test(hull_solve, contradiction_at_exactly_the_point)
{
	int tested = 0;

	rng_state = 1;
	for (int iter = 0; iter < 300; iter++) {
		truth t = random_truth();
		lsync_hull h, h2;
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
		copy_hull(&h2, &h);
		lsync_hull_add_below(&h2, x, y);
		cr_assert_neq(solve(&h2).quality, LTTSYNC_QUALITY_FAIL,
			      "below point just under hi(x) made a FAIL");
		lsync_hull_add_below(&h2, x, y + 1);
		cr_assert_eq(solve(&h2).quality, LTTSYNC_QUALITY_FAIL,
			     "below point at ceil(hi(x)) did not FAIL");
		lsync_hull_fini(&h2);
		tested++;
		/* an above point at y is feasible iff y > lo(x) */
		y = x + (int64_t)floorl(lo) + 1;
		lsync_hull_add_above(&h, x, y);
		cr_assert_neq(solve(&h).quality, LTTSYNC_QUALITY_FAIL);
		lsync_hull_add_above(&h, x, y - 1);
		cr_assert_eq(solve(&h).quality, LTTSYNC_QUALITY_FAIL);
		lsync_hull_fini(&h);
	}
	cr_assert_gt(tested, 250, "only %d accurate cases", tested);
}

/* ---- order independence ---------------------------------------------- */

static void insert_order(lsync_hull *h, const lsync_point *pts,
			 const bool *dir, const int *idx, int n)
{
	lsync_hull_init(h);
	for (int i = 0; i < n; i++) {
		const lsync_point *p = &pts[idx ? idx[i] : i];

		if (dir[idx ? idx[i] : i])
			lsync_hull_add_above(h, p->x, p->y);
		else
			lsync_hull_add_below(h, p->x, p->y);
	}
}

static void shuffle(int *idx, int n)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(rnd() % (uint64_t)(i + 1)), tmp = idx[i];

		idx[i] = idx[j];
		idx[j] = tmp;
	}
}

static void assert_same_chain(const lsync_chain *a, const lsync_chain *b)
{
	cr_assert_eq(a->len, b->len);
	cr_assert_eq(memcmp(a->pts, b->pts, a->len * sizeof *a->pts), 0);
}

/*
 * 400 points on a coarse grid (equal x and collinear points happen),
 * inserted in 120 random orders; a second round adds one contradicting
 * point so that the FAIL path is covered too.
 */
Test(hull_order, same_points_any_order)
{
	enum { N = 400 };
	lsync_point pts[N];
	bool dir[N];
	int idx[N];
	truth t;

	rng_state = 2;
	t = random_truth();
	for (int i = 0; i < N; i++) {
		pts[i].x = t.x0 + rnd_in(0, 60) * 1000000;
		dir[i] = rnd() & 1;
		pts[i].y = truth_floor(&t, pts[i].x) +
			   (dir[i] ? 1 : -1) * rnd_in(1, 4) * 20000;
	}
	pts[N - 1].x = t.x0 + 30000000;
	pts[N - 1].y = truth_floor(&t, pts[N - 1].x) + 100000;
	dir[N - 1] = false;
	for (int n = N - 1; n <= N; n++) {
		lsync_hull ref;
		lsync_hull_solution sref;

		insert_order(&ref, pts, dir, NULL, n);
		lsync_hull_solve(&ref, &sref);
		cr_assert_eq(sref.quality, n == N ? LTTSYNC_QUALITY_FAIL
						  : LTTSYNC_QUALITY_ACCURATE);
		for (int run = 0; run < 120; run++) {
			lsync_hull h;
			lsync_hull_solution s;

			shuffle(idx, n);
			insert_order(&h, pts, dir, idx, n);
			assert_same_chain(&h.above, &ref.above);
			assert_same_chain(&h.below, &ref.below);
			cr_assert_eq(h.n_above + h.n_below, (uint64_t)n);
			lsync_hull_solve(&h, &s);
			cr_assert_eq(memcmp(&s, &sref, sizeof s), 0,
				     "solution differs for run %d", run);
			lsync_hull_fini(&h);
		}
		lsync_hull_fini(&ref);
	}
}

/*
 * Points offered in increasing x take the append path (the last vertex
 * pops what the new point hides, no overflow check); in decreasing x they
 * take the general insertion path. Both must keep the same vertices: on
 * ordinary times, and on times within 1000 ns of +-2^62, where one offered
 * coordinate of exactly 2^62 switches the chain to the checked path.
 */
static void offer_sorted(lsync_hull *h, const lsync_point *pts,
			 const bool *dir, int n, bool reverse)
{
	lsync_hull_init(h);
	for (int k = 0; k < n; k++) {
		int i = reverse ? n - 1 - k : k;

		if (dir[i])
			cr_assert_geq(lsync_hull_add_above(h, pts[i].x, pts[i].y), 0);
		else
			cr_assert_geq(lsync_hull_add_below(h, pts[i].x, pts[i].y), 0);
	}
}

static void check_append_path(int64_t x0, int64_t dx, int64_t y_edge)
{
	enum { N = 3000 };
	static lsync_point pts[N];
	static bool dir[N];
	lsync_hull fwd, rev;

	for (int i = 0; i < N; i++) {
		dir[i] = rnd() & 1;
		pts[i].x = x0 + i * dx;
		pts[i].y = pts[i].x / 2 + (dir[i] ? 1 : -1) * rnd_in(1, 400);
	}
	if (y_edge) {
		pts[N / 2].y = y_edge; /* far off the band, a vertex either way */
		dir[N / 2] = y_edge > 0;
	}
	offer_sorted(&fwd, pts, dir, N, false);
	offer_sorted(&rev, pts, dir, N, true);
	cr_assert_gt(fwd.above.len + fwd.below.len, 4);
	assert_same_chain(&fwd.above, &rev.above);
	assert_same_chain(&fwd.below, &rev.below);
	cr_assert_eq(fwd.n_above + fwd.n_below, (uint64_t)N);
	cr_assert_eq(fwd.above.edge || fwd.below.edge, y_edge != 0);
	lsync_hull_fini(&fwd);
	lsync_hull_fini(&rev);
}

Test(hull_order, append_path_keeps_the_same_vertices)
{
	const int64_t M = LSYNC_TS_MAX;

	rng_state = 11;
	check_append_path(1000000000, 997, 0);
	/* x spans almost 2^63, y = x / 2 near +-2^61: big products */
	check_append_path(-M + 1, M / 1500 - 7, 0);
	check_append_path(-M + 1, M / 1500 - 7, M);
	check_append_path(-M + 1, M / 1500 - 7, -M);
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
	/* right of the data lo follows line_min: lo(68) = 69.625 <= 70 <
	 * lo(69) = 70.53 (same integer part, a fraction beyond) */
	cr_assert(lsync_hull_inverse_bounds(&h, &s, 70, 70, &xl, &xh));
	cr_assert_eq(xl, 54); /* hi(54) = 69.59, hi(55) = 70.73 */
	cr_assert_eq(xh, 69);
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
	cr_assert(is_inf(hi_at(&h, &s, 1), 1));
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
	/* even where hi(-2^62) < y (no bisection may run on it) */
	cr_assert(!lsync_hull_inverse_bounds(&h, &s, INT64_MAX - 1, INT64_MAX,
					     &xl, &xh));
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
	cr_assert_eq(lsync_hull_add_above(&h, 0, 100), 0, "collinear kept");
	cr_assert_eq(lsync_hull_add_below(&h, -M + 100, -M), 1);
	cr_assert_eq(lsync_hull_add_below(&h, M, M - 100), 1);
	cr_assert_eq(lsync_hull_add_below(&h, 0, -100), 0);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert(s.x_first == -M && s.x_last == M);
	/* a_max = 2^63 / (2^63 - 200) through (-2^62 + 100, -2^62): value 0 at
	 * the pivot 0; a_min = (2^63 - 200) / 2^63, also 0 there. */
	assert_xform(&s.line_max, 0, 0, 0,
		     ld((i128)2 * M) / ld((i128)2 * M - 200));
	assert_xform(&s.line_min, 0, 0, 0,
		     ld((i128)2 * M - 200) / ld((i128)2 * M));
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
