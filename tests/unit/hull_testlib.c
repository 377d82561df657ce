/* SPDX-License-Identifier: MIT */
/* Helpers shared by the hull tests: see hull_testlib.h. */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>

#include "hull_testlib.h"

/* ---- random numbers ---------------------------------------------------- */

uint64_t rng_state;

uint64_t rnd(void)
{
	/* splitmix64: fixed seeds make every run the same */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
int64_t rnd_in(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1));
}

/* ---- long double ------------------------------------------------------- */

/*
 * i128 to long double without libgcc's __floattixf (valgrind mis-emulates
 * it for negative values); exact below 2^64, like the library's helper.
 */
long double ld(i128 v)
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
long double ld_eps(void)
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
bool close_to(long double a, long double b, long double mag)
{
	return fabsl(a - b) <= 64 * ld_eps() * fmaxl(fabsl(mag), 1);
}

/*
 * v is +inf (sign > 0) or -inf. Compared against LDBL_MAX because
 * valgrind stores x87 infinities as +-LDBL_MAX; on hardware only an
 * infinity passes (no bound computed here comes near 1e4932).
 */
bool is_inf(long double v, int sign)
{
	return sign > 0 ? v >= LDBL_MAX : v <= -LDBL_MAX;
}

/* Equal, or infinities of the same sign. */
static bool same_ld(long double v, long double want)
{
	return isinf(want) ? is_inf(v, want > 0 ? 1 : -1) : v == want;
}

/* The xform's value at x minus base, in long double. */
long double xf_rel(const lsync_xform *f, int64_t x, int64_t base)
{
	return ld((i128)f->y0 - base) + f->y0_frac +
	       f->slope * ld((i128)x - f->x0);
}

/* ---- solutions --------------------------------------------------------- */

lsync_hull_solution solve(const lsync_hull *h)
{
	lsync_hull_solution s;

	lsync_hull_solve(h, &s);
	return s;
}

i128 floor_div(i128 n, i128 d)
{
	i128 q = n / d;

	return (n % d != 0 && (n < 0) != (d < 0)) ? q - 1 : q;
}

/* Exactly; with a reduced long double (valgrind), to a few ulps. */
static bool same_or_close(long double v, long double want)
{
	return v == want || (ld_eps() > 0x1p-63L && close_to(v, want, want));
}

void assert_xform(const lsync_xform *f, int64_t x0, int64_t y0,
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

void assert_bounds(const lsync_hull *h, const lsync_hull_solution *s,
		   int64_t x, long double lo, long double hi)
{
	long double l, u;

	lsync_hull_bounds_at(h, s, x, &l, &u);
	cr_assert(same_ld(l, lo) && same_ld(u, hi),
		  "bounds at %lld: [%.20Lg, %.20Lg], want [%.20Lg, %.20Lg]",
		  (long long)x, l, u, lo, hi);
}

/* ---- true lines -------------------------------------------------------- */

i128 truth_num(const truth *t, int64_t x) /* TRUTH_D * y(x) */
{
	return (i128)t->y0 * TRUTH_D + ((i128)x - t->x0) * (TRUTH_D + t->k);
}

int64_t truth_floor(const truth *t, int64_t x)
{
	return (int64_t)floor_div(truth_num(t, x), TRUTH_D);
}

truth random_truth(void)
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
void random_messages(lsync_hull *h, const truth *t, int n, int64_t span)
{
	for (int i = 0; i < n; i++) {
		int64_t lat = rnd_in(10000, 100000);

		if (rnd() % 4 == 0)
			lat += rnd_in(0, 1000000);
		add_message(h, t, t->x0 + rnd_in(0, span), lat, rnd() & 1);
	}
}

/* ---- exact slopes ------------------------------------------------------ */

int bsl_cmp(bsl p, bsl q)
{
	if (p.inf != q.inf)
		return p.inf < q.inf ? -1 : 1;
	if (p.inf)
		return 0;
	return (p.n * q.d > q.n * p.d) - (p.n * q.d < q.n * p.d);
}

long double bsl_ld(bsl s)
{
	return s.inf ? s.inf * (long double)INFINITY
		     : ld(s.n) / ld(s.d);
}
