/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hull module (liblttsync/hull.c): chains, the solution
 * of a pair, bounds and inverse bounds. Hand cases have exact answers
 * (dyadic slopes); random cases are checked against a brute force of the
 * definitions over ALL points, and against a known true line.
 */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>
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

/*
 * i128 to long double without libgcc's __floattixf (valgrind mis-emulates
 * it for negative values); exact below 2^64, like the library's helper.
 */
static long double ld(i128 v)
{
	if (v >= INT64_MIN && v <= INT64_MAX)
		return (long double)(int64_t)v;
	return (long double)(int64_t)(v >> 64) * 0x1p64L +
	       (long double)(uint64_t)v;
}

/*
 * The long double epsilon in effect: 2^-63 on x86 (x87 extended), but
 * valgrind emulates x87 at double precision. Tolerances scale with it;
 * tests that need the full 64-bit mantissa are skipped without it.
 */
static long double ld_eps(void)
{
	static long double eps;
	volatile long double one = 1, e = 1, sum;

	if (eps == 0) {
		for (sum = one + e / 2; sum != one; sum = one + e / 2)
			e /= 2;
		eps = e;
	}
	return eps;
}

/* a and b agree to a few ulps of the magnitude of the terms involved. */
static bool close_to(long double a, long double b, long double mag)
{
	return fabsl(a - b) <= 64 * ld_eps() * fmaxl(fabsl(mag), 1);
}

/*
 * v is +inf (sign > 0) or -inf. Compared against LDBL_MAX because
 * valgrind stores x87 infinities as +-LDBL_MAX; on hardware only an
 * infinity passes (no bound computed here comes near 1e4932).
 */
static bool is_inf(long double v, int sign)
{
	return sign > 0 ? v >= LDBL_MAX : v <= -LDBL_MAX;
}

/* Equal, or infinities of the same sign. */
static bool same_ld(long double v, long double want)
{
	return isinf(want) ? is_inf(v, want > 0 ? 1 : -1) : v == want;
}

/* The xform's value at x minus base, in long double. */
static long double xf_rel(const lsync_xform *f, int64_t x, int64_t base)
{
	return ld((i128)f->y0 - base) + f->y0_frac +
	       f->slope * ld((i128)x - f->x0);
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

/* Exactly; with a reduced long double (valgrind), to a few ulps. */
static bool same_or_close(long double v, long double want)
{
	return v == want || (ld_eps() > 0x1p-63L && close_to(v, want, want));
}

static void assert_xform(const lsync_xform *f, int64_t x0, int64_t y0,
			 long double frac, long double slope)
{
	cr_assert(f->x0 == x0 && f->y0 == y0 &&
			  same_or_close(f->y0_frac, frac) &&
			  same_or_close(f->slope, slope),
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
	cr_assert(same_ld(l, lo) && same_ld(u, hi),
		  "bounds at %lld: [%.20Lg, %.20Lg], want [%.20Lg, %.20Lg]",
		  (long long)x, l, u, lo, hi);
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

/* Latencies 10-100 us, a quarter of them up to 1 ms more (queueing). */
static void random_messages(lsync_hull *h, const truth *t, int n,
			    int64_t span)
{
	for (int i = 0; i < n; i++) {
		int64_t lat = rnd_in(10000, 100000);

		if (rnd() % 4 == 0)
			lat += rnd_in(0, 1000000);
		add_message(h, t, t->x0 + rnd_in(0, span), lat, rnd() & 1);
	}
}

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

/* The slope from p to q, p.x < q.x. */
static bsl bsl_of(bpt p, bpt q)
{
	return (bsl){ (i128)q.y - p.y, (i128)q.x - p.x, 0 };
}

static long double bsl_ld(bsl s)
{
	return s.inf ? s.inf * (long double)INFINITY
		     : ld(s.n) / ld(s.d);
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
}

/*
 * 2000 messages over 10 s between clocks with a known relation; bounds
 * checked at 300 times from 10 s before the data to 10 s after.
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

/* ---- large hulls ------------------------------------------------------ */

/*
 * The former O(|below| |above|) scan over every vertex pair, as the
 * reference for the library's binary searches: a_max = min slope(l, u)
 * over x_u > x_l, a_min = max slope(u, l) over x_u < x_l, the first pair
 * in (below index, above index) order kept, anchored at l. *ties counts
 * the extremes reached by more than one pair.
 */
typedef struct ref_extremes {
	bool has_min, has_max, contra;
	lsync_point min_at, max_at; /* the below vertex l */
	bsl amin, amax;
	int ties;
} ref_extremes;

static void ref_pair_scan(const lsync_hull *h, ref_extremes *r)
{
	const lsync_chain *b = &h->below, *a = &h->above;
	int nmin = 0, nmax = 0;

	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < b->len; i++)
		for (size_t j = 0; j < a->len; j++) {
			lsync_point l = b->pts[i], u = a->pts[j];
			bsl s;
			int k;

			if (u.x > l.x) {
				s = (bsl){ (i128)u.y - l.y, (i128)u.x - l.x, 0 };
				k = r->has_max ? bsl_cmp(s, r->amax) : -1;
				if (k < 0) {
					r->amax = s;
					r->max_at = l;
					nmax = 0;
				}
				nmax += k <= 0;
				r->has_max = true;
			} else if (u.x < l.x) {
				s = (bsl){ (i128)l.y - u.y, (i128)l.x - u.x, 0 };
				k = r->has_min ? bsl_cmp(s, r->amin) : 1;
				if (k > 0) {
					r->amin = s;
					r->min_at = l;
					nmin = 0;
				}
				nmin += k >= 0;
				r->has_min = true;
			} else if (l.y >= u.y) {
				r->contra = true;
			}
		}
	r->ties = (nmin > 1) + (nmax > 1);
}

static void assert_exact_line(const lsync_hull_line *got, lsync_point at,
			      bsl s)
{
	cr_assert(got->x == at.x && got->y.i == at.y && got->y.f == 0,
		  "anchor (%lld, %lld), want (%lld, %lld)", (long long)got->x,
		  (long long)got->y.i, (long long)at.x, (long long)at.y);
	cr_assert(got->s.inf == 0 && got->s.n == s.n && got->s.d == s.d,
		  "slope %.20Lg, want %.20Lg (or another pair's form)",
		  ld(got->s.n) / ld(got->s.d), bsl_ld(s));
}

/*
 * Mode 3 of the test below: ties by construction. Two lines through
 * (xc, yc), of slopes (q + r) / q and (q - r) / q; below points on the
 * steeper one left of xc and on the other right of it, above points the
 * other way round, and more points strictly beyond both lines. Both
 * extreme slopes are then reached by up to 2 x 2 vertex pairs.
 */
static void tie_point(const truth *t, int64_t r, bool up, int64_t *x,
		      int64_t *y)
{
	const int64_t q = 1000, xc = t->x0, yc = t->y0;
	int64_t k = rnd_in(1, 20) * (rnd() & 1 ? 1 : -1);
	bool steep = (k < 0) != up; /* below-left / above-right: steep */

	if (rnd() % 3) { /* on a line */
		*x = xc + k * q;
		*y = yc + k * (steep ? q + r : q - r);
		return;
	}
	*x = xc + rnd_in(-30 * q, 30 * q);
	if (*x == xc)
		*x += 1;
	/* beyond both lines: y -+ r |x - xc| / q, one more ns for safety */
	*y = yc + (*x - xc) +
	     (up ? 1 : -1) * (r * (*x > xc ? *x - xc : xc - *x) / q + 1 +
			      rnd_in(0, 3000));
}

/*
 * Up to 300 points a side, on coarse grids (equal x, collinear points),
 * around a line, in a small box, or on two lines (ties): the extreme
 * pairs, ties included, and FAIL are exactly those of the reference
 * scan.
 */
Test(hull_large, binary_searches_match_pair_scan, .timeout = 300)
{
	int ties = 0, qual[5] = { 0 };

	rng_state = 5;
	for (int iter = 0; iter < 400; iter++) {
		truth t = random_truth();
		int mode = (int)(rnd() % 4);
		int64_t rot = rnd_in(1, 50);
		int n = 1 + (int)(rnd() % 300);
		lsync_hull h;
		lsync_hull_solution s;
		ref_extremes r;
		bool fail;

		lsync_hull_init(&h);
		for (int i = 0; i < n; i++) {
			bool up = rnd() & 1;
			int64_t x, y;

			if (mode == 0) { /* grid around the line */
				x = t.x0 + rnd_in(0, 40) * 1000;
				y = truth_floor(&t, x) +
				    (up ? 1 : -1) * rnd_in(1, 6) * 100;
			} else if (mode == 1) { /* spread, rare bad latency */
				x = t.x0 + rnd_in(0, 1000000000);
				y = truth_floor(&t, x) +
				    (up ? 1 : -1) * rnd_in(10000, 100000) *
					    (rnd() % 500 ? 1 : -1);
			} else if (mode == 2) { /* small box: any slope */
				x = t.x0 + rnd_in(0, 30);
				y = t.y0 + rnd_in(0, 30) + (up ? 6 : -6);
			} else {
				tie_point(&t, rot, up, &x, &y);
			}
			if (up)
				lsync_hull_add_above(&h, x, y);
			else
				lsync_hull_add_below(&h, x, y);
		}
		s = solve(&h);
		ref_pair_scan(&h, &r);
		fail = r.contra || (r.has_min && r.has_max &&
				    bsl_cmp(r.amin, r.amax) >= 0);
		qual[s.quality]++;
		if (!h.above.len || !h.below.len) {
			cr_assert_neq(s.quality, LTTSYNC_QUALITY_FAIL);
		} else if (fail) {
			cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
		} else {
			cr_assert_neq(s.quality, LTTSYNC_QUALITY_FAIL);
			cr_assert_eq(s.has_min, r.has_min);
			cr_assert_eq(s.has_max, r.has_max);
			if (r.has_min)
				assert_exact_line(&s.exact_min, r.min_at,
						  r.amin);
			if (r.has_max)
				assert_exact_line(&s.exact_max, r.max_at,
						  r.amax);
			ties += r.ties;
		}
		lsync_hull_fini(&h);
	}
	cr_assert_gt(ties, 20, "only %d tied extremes", ties);
	cr_assert_gt(qual[LTTSYNC_QUALITY_FAIL], 20);
	cr_assert_gt(qual[LTTSYNC_QUALITY_ACCURATE], 100);
}

/*
 * 50,000 messages each way on parabolas, every one a hull vertex (the
 * worst case for hull size): R->O at y = x + C + i^2 and O->R at
 * y = x - C - i^2, x = X0 + i K. For j > i, slope(below i, above j) =
 * 1 + (2C + i^2 + j^2) / (K (j - i)), smallest for i = 0 and j = d
 * minimising 2C / d + d: d = 1414 (sqrt(2C) = 1414.2, and 1415 gives
 * 2828.42756 > 2828.42716). By symmetry a_min pairs above 0 with below
 * 1414. With D = 1414 K and M = 2C + 1414^2:
 *   line_max(x) = x - C + (x - X0) M / D, slope (D + M) / D,
 *   line_min(x) = x + C - (x - X0) M / D, slope (D - M) / D,
 * and the estimate is y = x. Up to vertex 1414 the chains' slopes
 * 1 -+ (2i + 1) / K lie within [a_min, a_max], so the bounds follow the
 * chains there and the extreme lines beyond.
 */
enum { BIG_N = 50000 };
static const int64_t BIG_X0 = 1700000000000000000LL, BIG_K = 1000000,
		     BIG_C = 1000000;
#define BIG_D ((i128)1414 * BIG_K)
#define BIG_M ((i128)2 * BIG_C + 1414 * 1414)

static int64_t big_x(int64_t i)
{
	return BIG_X0 + i * BIG_K;
}

static int64_t big_above(int64_t i)
{
	return big_x(i) + BIG_C + i * i;
}

static int64_t big_below(int64_t i)
{
	return big_x(i) - BIG_C - i * i;
}

static void big_hull(lsync_hull *h)
{
	lsync_hull_init(h);
	for (int64_t i = 0; i < BIG_N; i++) {
		cr_assert_eq(lsync_hull_add_above(h, big_x(i), big_above(i)),
			     1);
		cr_assert_eq(lsync_hull_add_below(h, big_x(i), big_below(i)),
			     1);
	}
	cr_assert_eq(h->above.len, BIG_N);
	cr_assert_eq(h->below.len, BIG_N);
}

/*
 * Against the definition over all points, O(n): the line through
 * (ax, ay) of slope n / d has every above point on or above it and every
 * below point on or below it, and touches exactly one point of each side.
 */
static void assert_separates(int64_t ax, int64_t ay, i128 n, i128 d)
{
	int touch_above = 0, touch_below = 0;

	for (int64_t i = 0; i < BIG_N; i++) {
		i128 run = n * ((i128)big_x(i) - ax);
		i128 va = d * ((i128)big_above(i) - ay) - run;
		i128 vb = d * ((i128)big_below(i) - ay) - run;

		cr_assert_geq(va, 0, "above point %lld under the line",
			      (long long)i);
		cr_assert_leq(vb, 0, "below point %lld over the line",
			      (long long)i);
		touch_above += va == 0;
		touch_below += vb == 0;
	}
	cr_assert(touch_above == 1 && touch_below == 1);
}

/* The offset (value at x) - x of x + sign * (C - (x - X0) M / D): exact
 * check of floor (lo) or ceil (hi), and closeness. */
static void assert_line_offset(long double got, int64_t x, int sign,
			       bool round_down)
{
	i128 num = ((i128)x - BIG_X0) * BIG_M, q = floor_div(num, BIG_D);
	i128 rem = num - q * BIG_D;
	/* value - x = sign * C - sign * (q + rem / D) */
	long double want = ld(sign * (i128)BIG_C - sign * q) -
			   sign * ld(rem) / ld(BIG_D);
	i128 want_round;

	cr_assert(close_to(got, want, want), "offset %.20Lg, want %.20Lg", got,
		  want);
	if (ld_eps() > 0x1p-63L)
		return;
	if (rem == 0)
		want_round = sign * (i128)BIG_C - sign * q;
	else if (sign > 0) /* C - q - frac */
		want_round = round_down ? BIG_C - q - 1 : BIG_C - q;
	else               /* -C + q + frac */
		want_round = round_down ? -(i128)BIG_C + q : -(i128)BIG_C + q + 1;
	cr_assert((i128)(round_down ? floorl(got) : ceill(got)) == want_round,
		  "%s of %.20Lg", round_down ? "floor" : "ceil", got);
}

Test(hull_large, convex_50k_per_side, .timeout = 300)
{
	const int64_t pivot = BIG_X0 + (BIG_N - 1) * BIG_K / 2;
	const int64_t right[] = { big_x(30000) + 3, big_x(BIG_N - 1),
				  big_x(BIG_N - 1) + 5000000007LL };
	lsync_hull h;
	lsync_hull_solution s;
	long double lo, hi;
	int64_t x, xl, xh, y;
	i128 q;

	big_hull(&h);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_ACCURATE);
	cr_assert(s.has_min && s.has_max && s.has_estimate);
	cr_assert(s.x_first == BIG_X0 && s.x_last == big_x(BIG_N - 1));
	/* the exact extremes: anchored at the below vertex of the pair */
	assert_exact_line(&s.exact_max,
			  (lsync_point){ big_x(0), big_below(0) },
			  (bsl){ BIG_D + BIG_M, BIG_D, 0 });
	assert_exact_line(&s.exact_min,
			  (lsync_point){ big_x(1414), big_below(1414) },
			  (bsl){ BIG_D - BIG_M, BIG_D, 0 });
	assert_separates(big_x(0), big_below(0), BIG_D + BIG_M, BIG_D);
	assert_separates(big_x(1414), big_below(1414), BIG_D - BIG_M, BIG_D);
	/* the xforms at the pivot */
	q = floor_div(((i128)pivot - BIG_X0) * BIG_M, BIG_D);
	assert_xform(&s.line_max, pivot, (int64_t)(pivot - BIG_C + q),
		     ld(((i128)pivot - BIG_X0) * BIG_M - q * BIG_D) /
			     ld(BIG_D),
		     ld(BIG_D + BIG_M) / ld(BIG_D));
	cr_assert(close_to(xf_rel(&s.line_min, pivot, pivot),
			   ld(BIG_C) - ld(((i128)pivot - BIG_X0) * BIG_M) /
					       ld(BIG_D),
			   ld(pivot - BIG_X0)));
	cr_assert(close_to(s.line_min.slope, ld(BIG_D - BIG_M) / ld(BIG_D),
			   1));
	cr_assert(close_to(xf_rel(&s.estimate, pivot, pivot), 0,
			   ld(pivot - BIG_X0)),
		  "estimate at the pivot off by %.12Lg",
		  xf_rel(&s.estimate, pivot, pivot));
	cr_assert(close_to(s.estimate.slope, 1, 1));

	/* inside [x_0, x_1414]: the chains, 700 + 5 / K along the x axis */
	x = big_x(700) + 5;
	lsync_hull_bounds_at(&h, &s, x, &lo, &hi);
	cr_assert(close_to(lo, -(1490000 + 5 * 1401.0L / BIG_K), 1490000),
		  "lo %.20Lg", lo);
	cr_assert(close_to(hi, 1490000 + 5 * 1401.0L / BIG_K, 1490000),
		  "hi %.20Lg", hi);
	if (ld_eps() <= 0x1p-63L)
		cr_assert(floorl(lo) == -1490001 && ceill(hi) == 1490001);
	/* where both extreme lines touch their chain: exact integers */
	assert_bounds(&h, &s, big_x(1414), -BIG_C - 1414 * 1414,
		      BIG_C + 1414 * 1414);
	/* beyond vertex 1414 and right of the data: the extreme lines */
	for (size_t k = 0; k < sizeof right / sizeof *right; k++) {
		lsync_hull_bounds_at(&h, &s, right[k], &lo, &hi);
		assert_line_offset(lo, right[k], 1, true);   /* line_min */
		assert_line_offset(hi, right[k], -1, false); /* line_max */
	}
	/* left of the data: lo follows line_max, hi line_min */
	x = BIG_X0 - 7 * BIG_K - 11;
	lsync_hull_bounds_at(&h, &s, x, &lo, &hi);
	assert_line_offset(lo, x, -1, true);
	assert_line_offset(hi, x, 1, false);

	/* inverse: x_lo = max x with line_max(x) <= y, x_hi = min x with
	 * line_min(x) >= y, both in the lines' part */
	y = big_x(20000);
	cr_assert(lsync_hull_inverse_bounds(&h, &s, y, y, &xl, &xh));
	cr_assert_eq((i128)xl - BIG_X0,
		     floor_div(((i128)y - BIG_X0 + BIG_C) * BIG_D,
			       BIG_D + BIG_M));
	cr_assert_eq((i128)xh - BIG_X0,
		     -floor_div(-((i128)y - BIG_X0 - BIG_C) * BIG_D,
				BIG_D - BIG_M));
	lsync_hull_fini(&h);
}

/*
 * The same hulls, plus one O->R point 2V above the R->O vertex t = 100:
 * FAIL. The overlap is largest there (the new below hull rises to it
 * with slope > 1.02 and falls away with slope < 0.997, while the above
 * chain's slopes are 1.000199 and 1.000201), so D = 2V, e* = V, and the
 * relaxed lines pass through (x_t, y_t + V) with the above chain's two
 * slopes (K + 199) / K and (K + 201) / K. The estimate (slope
 * 1 + 200 / K) violates the above vertices with (i - t)^2 <= V (63 of
 * them) and the new point.
 */
Test(hull_large, convex_50k_per_side_fail, .timeout = 300)
{
	const int64_t t = 100, V = 1000, xt = big_x(t), off = BIG_C + t * t;
	lsync_hull h;
	lsync_hull_solution s;

	big_hull(&h);
	cr_assert_eq(lsync_hull_add_below(&h, xt, big_above(t) + 2 * V), 1);
	s = solve(&h);
	cr_assert_eq(s.quality, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(s.violation, V);
	cr_assert(s.has_min && s.has_max && s.has_estimate);
	cr_assert(s.exact_min.x == xt && s.exact_max.x == xt);
	cr_assert(s.exact_min.y.i == big_above(t) + V &&
		  s.exact_min.y.f == 0);
	cr_assert(s.exact_min.s.n == BIG_K + 199 && s.exact_min.s.d == BIG_K);
	cr_assert(s.exact_max.s.n == BIG_K + 201 && s.exact_max.s.d == BIG_K);
	cr_assert(s.shift.i == V && s.shift.f == 0);
	cr_assert(close_to(s.estimate.slope, 1 + 200.0L / BIG_K, 1));
	cr_assert_eq(s.n_violating, 64);
	/* the relaxed bounds: one point at x_t, the lines 5 vertices on */
	assert_bounds(&h, &s, xt, off + V, off + V);
	assert_bounds(&h, &s, xt + 5 * BIG_K, off + V + 5 * 199,
		      off + V + 5 * 201);
	lsync_hull_fini(&h);
}
