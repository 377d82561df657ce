/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hull module (liblttsync/sync/hull.c) on large hulls: the
 * binary searches for the extreme slopes against a scan of every vertex
 * pair, and 50,000 vertices a side with answers in closed form.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "hull_testlib.h"

/* ---- large hulls ------------------------------------------------------ */

/*
 * A plain O(|below| |above|) scan over every vertex pair, as the
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
