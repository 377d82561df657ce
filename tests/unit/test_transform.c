/* SPDX-License-Identifier: MIT */
/*
 * Transforms against exact rational arithmetic.
 *
 * The references here never use long double for anything epoch-sized: a
 * slope is taken apart into an integer mantissa m and a power of two,
 * and out(t) * 2^S is computed as one __int128.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/*
 * The long double epsilon in effect: 2^-63 on x86 (x87 extended), but
 * valgrind emulates x87 long doubles with doubles: a 53-bit mantissa, the
 * double exponent range, and infinities stored as +-LDBL_MAX. Tolerances
 * below are written for the 64-bit mantissa and widened by the bits that
 * are missing at run time (so natively they are exactly as written);
 * only tests whose point is the full mantissa skip themselves without it.
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

static bool full_mantissa(void)
{
	return ld_eps() <= 0x1p-63L;
}

/* Mantissa bits short of 64: 0 natively, 11 under valgrind. */
static int lost_bits(void)
{
	int n = 0;

	for (long double e = ld_eps(); e > 0x1p-63L; e /= 2)
		n++;
	return n;
}

/* A tolerance set for a 64-bit mantissa, for the mantissa in effect. */
static long double scaled(long double tol)
{
	return ldexpl(tol, lost_bits());
}

static void require_full_mantissa(const char *why)
{
	if (!full_mantissa())
		cr_skip_test("long double has a %d-bit mantissa here "
			     "(valgrind?): %s", 64 - lost_bits(), why);
}

/*
 * Whether long double infinities exist at run time: valgrind turns them
 * into +-LDBL_MAX, which isfinite() accepts, so the library cannot tell
 * an infinite parameter from a finite one there.
 */
static bool ld_has_inf(void)
{
	volatile long double inf = INFINITY;
	bool has = !isfinite(inf);

	/* only the emulation lacks them: natively those checks always run */
	cr_assert(has || !full_mantissa(), "long double infinity is finite");
	return has;
}

/*
 * What lsync_xform_offset_at() may lose on top of its (scaled) rounding:
 * it converts its integer part I from __int128, I in (off - 2, off] for
 * the exact offset off, and libgcc's __floattixf computes a negative I as
 * -2^64 + (2^64 + I). With a 64-bit mantissa that is exact; with fewer
 * bits 2^64 + I is rounded to a multiple of 2^63 * eps, so I comes back
 * as the nearest such multiple (0 for small I): off by at most
 * 2^62 * eps (1024 ns under valgrind) and at most |I|.
 */
static long double int_part_err(long double off)
{
	if (full_mantissa())
		return 0;
	return fminl(ldexpl(ld_eps(), 62), fabsl(off) + 2);
}

/* The tolerance of one offset_at() near off: tol with a 64-bit mantissa. */
static long double offset_tol(long double tol, long double off)
{
	return scaled(tol) + int_part_err(off);
}

/*
 * A small i128 as a long double, through int64_t: valgrind mis-emulates
 * libgcc's __floattixf for negative values (see above).
 */
static long double ld_small(i128 v)
{
	cr_assert(v >= INT64_MIN && v <= INT64_MAX);
	return (long double)(int64_t)v;
}

#define T0 INT64_C(1700000000000000000)   /* an epoch timestamp, ns */
#define DAY INT64_C(86400000000000)

static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [-span, span]. */
static int64_t rnd_span(uint64_t *state, int64_t span)
{
	return (int64_t)(rnd(state) % (2 * (uint64_t)span + 1)) - span;
}

static i128 pow2(int s)
{
	return (i128)1 << s;
}

/* floor(a / b) for b > 0 and the remainder in [0, b). */
static i128 floor_div(i128 a, i128 b, i128 *rem)
{
	i128 q = a / b;

	if (a % b < 0)
		q--;
	*rem = a - q * b;
	return q;
}

/*
 * out(t) * 2^S exactly, where the slope is m * 2^-S. Test transforms keep
 * y0_frac a multiple of 2^-32 and S in [32, 65] so this fits.
 */
static i128 exact_scaled(const lsync_xform *f, int64_t t, int *out_s)
{
	int ex;
	uint64_t m = (uint64_t)ldexpl(frexpl(fabsl(f->slope), &ex), 64);
	int s = 64 - ex;
	long double frac_scaled = ldexpl(f->y0_frac, s);
	i128 d = (i128)t - f->x0;
	i128 prod;

	cr_assert(s >= 32 && s <= 65, "slope exponent out of test range");
	cr_assert(frac_scaled == floorl(frac_scaled));
	cr_assert(d > -pow2(63) && d < pow2(63));
	prod = (i128)((u128)m * (u128)(d < 0 ? -d : d));
	if ((f->slope < 0) != (d < 0))
		prod = -prod;
	*out_s = s;
	return (i128)f->y0 * pow2(s) + (i128)frac_scaled + prod;
}

/*
 * out(t) - t exactly but for one final rounding to long double (the
 * remainder is below 2^66, where __floattixf is fine).
 */
static long double exact_offset(const lsync_xform *f, int64_t t)
{
	int s;
	i128 v = exact_scaled(f, t, &s) - (i128)t * pow2(s), r;
	i128 q = floor_div(v, pow2(s), &r);

	return ld_small(q) + ldexpl((long double)r, -s);
}

/*
 * |out - exact| <= 0.5 ns + 1e-6 ns: the rounding and nothing more (the
 * 1e-6 ns, 2^-20, grows by the mantissa bits missing at run time).
 */
static void assert_rounds_exact(const lsync_xform *f, int64_t t, int64_t out)
{
	int s;
	i128 v = exact_scaled(f, t, &s);
	i128 diff = (i128)out * pow2(s) - v;

	if (diff < 0)
		diff = -diff;
	cr_assert(2 * diff <= pow2(s) + pow2(s - 19 + lost_bits()),
		  "apply(%lld) = %lld is not the exact value rounded",
		  (long long)t, (long long)out);
}

/*
 * A transform like the ones sessions produce: pivot near 1.7e18, offset
 * up to +-1000 s, y0_frac a multiple of 2^-32, slope near 1 or (one in
 * four) anywhere in +-[0.5, 2).
 */
static lsync_xform random_xform(uint64_t *st)
{
	lsync_xform f;

	f.x0 = T0 + rnd_span(st, DAY);
	f.y0 = f.x0 + rnd_span(st, INT64_C(1000000000000));
	f.y0_frac = ldexpl((long double)(rnd(st) >> 32), -32);
	if (rnd(st) % 4)
		f.slope = 1 + ldexpl((long double)(int64_t)rnd(st), -63 - 10);
	else
		f.slope = 0.5L + ldexpl((long double)(rnd(st) >> 1), -63) * 1.5L;
	if (rnd(st) % 8 == 0)
		f.slope = -f.slope;
	return f;
}

Test(transform, identity)
{
	lsync_xform f = lsync_xform_identity();
	const int64_t ts[] = { INT64_MIN, -1, 0, 1, T0, INT64_MAX };
	char buf[128];
	int64_t out;

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		cr_assert(lsync_xform_apply(&f, ts[i], &out));
		cr_assert_eq(out, ts[i]);
		cr_assert_eq(lsync_xform_offset_at(&f, ts[i]), 0.0L);
	}
	cr_assert_eq(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 22);
	cr_assert_str_eq(buf, "1.00000000000000000000");
	cr_assert_eq(lsync_xform_format_offset(&f, 9, buf, sizeof(buf)), 11);
	cr_assert_str_eq(buf, "0.000000000");
	cr_assert_eq(lsync_xform_format_pivot_value(&f, 0, buf, sizeof(buf)), 1);
	cr_assert_str_eq(buf, "0");
}

Test(transform, apply_matches_exact_rational)
{
	uint64_t st = 1;

	for (int i = 0; i < 20000; i++) {
		lsync_xform f = random_xform(&st);

		for (int j = 0; j < 20; j++) {
			int64_t t = f.x0 + rnd_span(&st, DAY), out;

			cr_assert(lsync_xform_apply(&f, t, &out));
			assert_rounds_exact(&f, t, out);
		}
	}
}

Test(transform, apply_rounds_ties_away_from_zero)
{
	lsync_xform f = { .x0 = 0, .y0 = 0, .y0_frac = 0.5L, .slope = 1 };
	int64_t out;

	cr_assert(lsync_xform_apply(&f, 0, &out));
	cr_assert_eq(out, 1);     /* 0.5 */
	cr_assert(lsync_xform_apply(&f, -1, &out));
	cr_assert_eq(out, -1);    /* -0.5 */
	cr_assert(lsync_xform_apply(&f, -2, &out));
	cr_assert_eq(out, -2);    /* -1.5 */
	cr_assert(lsync_xform_apply(&f, 1, &out));
	cr_assert_eq(out, 2);     /* 1.5 */
	f.slope = 0.5L;           /* 0.5 + t/2: 0.75 at t = 0.5 */
	cr_assert(lsync_xform_apply(&f, 3, &out));
	cr_assert_eq(out, 2);     /* exactly 2 */
	cr_assert(lsync_xform_apply(&f, 2, &out));
	cr_assert_eq(out, 2);     /* 1.5 */
	cr_assert(lsync_xform_apply(&f, -4, &out));
	cr_assert_eq(out, -2);    /* -1.5 */
}

Test(transform, apply_overflow_is_false)
{
	lsync_xform f = { .x0 = 0, .y0 = 0, .y0_frac = 0, .slope = 2 };
	const int64_t sentinel = 42;
	int64_t out = sentinel;

	cr_assert(lsync_xform_apply(&f, INT64_MAX / 2, &out));
	cr_assert_eq(out, INT64_MAX - 1);
	out = sentinel;
	cr_assert_not(lsync_xform_apply(&f, INT64_MAX / 2 + 1, &out));
	cr_assert_not(lsync_xform_apply(&f, INT64_MIN / 2 - 1, &out));
	cr_assert_eq(out, sentinel);
	cr_assert(lsync_xform_apply(&f, INT64_MIN / 2, &out));
	cr_assert_eq(out, INT64_MIN);

	f.slope = -1;
	cr_assert_not(lsync_xform_apply(&f, INT64_MIN, &out));
	f.slope = 1e30L;
	cr_assert_not(lsync_xform_apply(&f, T0, &out));
	if (ld_has_inf()) {
		f.slope = INFINITY;
		cr_assert_not(lsync_xform_apply(&f, 0, &out));
	}
	f.slope = NAN;
	cr_assert_not(lsync_xform_apply(&f, 0, &out));

	f = (lsync_xform){ .y0 = INT64_MAX, .y0_frac = 0.5L, .slope = 1 };
	cr_assert_not(lsync_xform_apply(&f, 0, &out));
	f.y0_frac = 0.25L;
	cr_assert(lsync_xform_apply(&f, 0, &out));
	cr_assert_eq(out, INT64_MAX);
	/* -2^63 + 0.5 is a negative tie: away from zero is -2^63 */
	f = (lsync_xform){ .y0 = INT64_MIN, .y0_frac = 0.5L, .slope = 1 };
	cr_assert(lsync_xform_apply(&f, 0, &out));
	cr_assert_eq(out, INT64_MIN);
	cr_assert(lsync_xform_apply(&f, -1, &out) == false);
	cr_assert_eq(out, INT64_MIN);
}

Test(transform, tiny_and_huge_slopes)
{
	lsync_xform f = { .x0 = T0, .y0 = 5, .y0_frac = 0.25L,
			  .slope = 1e-30L };
	int64_t out;

	/* 5.25 + 1e-30 * 1.7e18 */
	cr_assert(lsync_xform_apply(&f, 2 * T0, &out));
	cr_assert_eq(out, 5);
	cr_assert_float_eq(lsync_xform_offset_at(&f, 0), 5.25L, 1e-9L);
	f.slope = 0x1p40L;
	cr_assert(lsync_xform_apply(&f, T0 + 3, &out));
	cr_assert_eq(out, 5 + 3 * (INT64_C(1) << 40));
	cr_assert_not(lsync_xform_apply(&f, T0 + (INT64_C(1) << 23), &out));
}

Test(transform, normalize)
{
	lsync_xform f = { .x0 = 7, .y0 = 10, .y0_frac = 2.75L, .slope = 1 };

	lsync_xform_normalize(&f);
	cr_assert_eq(f.y0, 12);
	cr_assert_eq(f.y0_frac, 0.75L);
	cr_assert_eq(f.x0, 7);
	f.y0_frac = -0.25L;
	lsync_xform_normalize(&f);
	cr_assert_eq(f.y0, 11);
	cr_assert_eq(f.y0_frac, 0.75L);
	f.y0_frac = -1e-30L; /* 1 - 1e-30 rounds to 1: carried */
	lsync_xform_normalize(&f);
	cr_assert_eq(f.y0, 11);
	cr_assert_eq(f.y0_frac, 0.0L);
	f.y0_frac = 1e30L;   /* beyond int64: saturates */
	lsync_xform_normalize(&f);
	cr_assert_eq(f.y0, INT64_MAX);
	cr_assert(f.y0_frac >= 0 && f.y0_frac < 1);
	f.y0_frac = -1e40L;  /* beyond the exact range too */
	lsync_xform_normalize(&f);
	cr_assert_eq(f.y0, INT64_MIN);
	cr_assert_eq(f.y0_frac, 0.0L);
}

Test(transform, repivot_preserves_apply)
{
	uint64_t st = 2;

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st);
		lsync_xform g = lsync_xform_repivot(&f, f.x0 + rnd_span(&st, 2 * DAY));

		cr_assert(g.y0_frac >= 0 && g.y0_frac < 1);
		cr_assert_eq(g.slope, f.slope);
		for (int j = 0; j < 20; j++) {
			int64_t t = f.x0 + rnd_span(&st, DAY), a, b;

			cr_assert(lsync_xform_apply(&f, t, &a));
			cr_assert(lsync_xform_apply(&g, t, &b));
			assert_rounds_exact(&f, t, b);
			cr_assert(llabs(a - b) <= 1);
			cr_assert(fabsl(lsync_xform_offset_at(&f, t) -
					lsync_xform_offset_at(&g, t)) <
				  offset_tol(1e-6L, 0) +
					  2 * int_part_err(exact_offset(&f, t)));
		}
	}
}

Test(transform, compose_with_inverse_is_identity)
{
	uint64_t st = 3;

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st), inv, fi, if_;

		cr_assert(lsync_xform_invert(&f, &inv));
		fi = lsync_xform_compose(&f, &inv); /* reference -> reference */
		if_ = lsync_xform_compose(&inv, &f); /* local -> local */
		cr_assert_eq(fi.x0, inv.x0);
		cr_assert_eq(if_.x0, f.x0);
		for (int j = 0; j < 20; j++) {
			int64_t t = f.x0 + rnd_span(&st, DAY);
			int64_t y = f.y0 + rnd_span(&st, DAY), out;

			cr_assert(lsync_xform_apply(&if_, t, &out));
			cr_assert_eq(out, t);
			cr_assert(fabsl(lsync_xform_offset_at(&if_, t)) <
				  offset_tol(1e-4L, 0));
			cr_assert(lsync_xform_apply(&fi, y, &out));
			cr_assert_eq(out, y);
			cr_assert(fabsl(lsync_xform_offset_at(&fi, y)) <
				  offset_tol(1e-4L, 0));
		}
	}
}

Test(transform, compose_matches_successive_applies)
{
	uint64_t st = 4;

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st), g = random_xform(&st), h;

		/* g's outputs must land where f is meant to be used */
		g.y0 = f.x0 + rnd_span(&st, DAY / 2);
		h = lsync_xform_compose(&f, &g);
		for (int j = 0; j < 20; j++) {
			int64_t t = g.x0 + rnd_span(&st, DAY / 4), mid, a, b;

			cr_assert(lsync_xform_apply(&g, t, &mid));
			cr_assert(lsync_xform_apply(&f, mid, &a));
			cr_assert(lsync_xform_apply(&h, t, &b));
			/* only the intermediate rounding (<= 0.5 * |slope|)
			 * and the two final ones separate them */
			cr_assert(fabsl((long double)(a - b)) <=
				  0.5L * fabsl(f.slope) + 1.0L);
		}
	}
}

Test(transform, invert_refuses_degenerate_slopes)
{
	lsync_xform f = lsync_xform_identity(), inv;

	f.slope = 0;
	cr_assert_not(lsync_xform_invert(&f, &inv));
	if (ld_has_inf()) {
		f.slope = INFINITY;
		cr_assert_not(lsync_xform_invert(&f, &inv));
	}
	f.slope = NAN;
	cr_assert_not(lsync_xform_invert(&f, &inv));
	f = (lsync_xform){ .x0 = 10, .y0 = 20, .y0_frac = 0.5L, .slope = -2 };
	cr_assert(lsync_xform_invert(&f, &inv));
	cr_assert_eq(inv.x0, 20);
	cr_assert_eq(inv.y0, 10);     /* 10 - 0.5 / -2 = 10.25 */
	cr_assert_eq(inv.y0_frac, 0.25L);
	cr_assert_eq(inv.slope, -0.5L);
}

/* Significant digits of a %f / %e rendering's mantissa. */
static int count_sig(const char *s)
{
	int sig = 0;

	for (; *s && *s != 'e'; s++) {
		if (*s >= '1' && *s <= '9')
			sig++;
		else if (*s == '0' && sig)
			sig++;
	}
	return sig;
}

Test(transform, format_slope_exact_digits)
{
	lsync_xform f = lsync_xform_identity();
	char buf[256];

	/* 2^-52 has exactly 52 decimals, ending in ...625 */
	f.slope = 1 + 0x1p-52L;
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1.00000000000000022204460492503130808472633"
			      "36181640625");
	f.slope = -0.75L;
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-0.750000000000000000000");
	f.slope = 0x1p-30L; /* 9.31322574615478515625e-10, below 1e-6 */
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "9.31322574615478515625e-10");
	f.slope = 1e6L;
	cr_assert_gt(lsync_xform_format_slope(&f, 3, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1000000");
	f.slope = 0;
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0");
	if (ld_has_inf()) {
		f.slope = -INFINITY;
		cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)),
			     0);
		cr_assert_str_eq(buf, "-inf");
	}
	f.slope = NAN;
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "nan");
	f.slope = 1 + 0x1p-52L;
	cr_assert_eq(lsync_xform_format_slope(&f, 21, buf, 10), -1);
}

Test(transform, format_slope_exact_digits_full_mantissa)
{
	lsync_xform f = lsync_xform_identity();
	char buf[256];

	require_full_mantissa("the slope 1 + 2^-63 is not representable");
	/* 2^-63 has exactly 63 decimals, ending in ...125 */
	f.slope = 1 + 0x1p-63L;
	cr_assert_gt(lsync_xform_format_slope(&f, 21, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "1.00000000000000000010842021724855044340074528"
			      "0086994171142578125");
	cr_assert_eq(lsync_xform_format_slope(&f, 21, buf, 10), -1);
}

/*
 * A binary exponent over the whole long double range, subnormals
 * included; with the emulated long double (valgrind), over the double
 * range it actually keeps: 2^-1074 to 2^1022 times [1, 2).
 */
static int random_exponent(uint64_t *st)
{
	if (full_mantissa())
		return (int)(rnd(st) % 32000) - 16000 - 400;
	return (int)(rnd(st) % (DBL_MAX_EXP - DBL_MIN_EXP + DBL_MANT_DIG - 1)) -
	       (DBL_MANT_DIG - DBL_MIN_EXP);
}

Test(transform, format_slope_round_trips)
{
	uint64_t st = 5;
	char buf[20000];

	for (int i = 0; i < 20000; i++) {
		lsync_xform f = random_xform(&st);
		int n;

		if (i % 5 == 0) /* any magnitude, subnormals included */
			f.slope = ldexpl(1 + ldexpl((long double)(rnd(&st) >> 1),
						    -63),
					 random_exponent(&st));
		n = lsync_xform_format_slope(&f, 21, buf, sizeof(buf));
		cr_assert_gt(n, 0);
		cr_assert_eq((size_t)n, strlen(buf));
		cr_assert_geq(count_sig(buf), 21, "%s", buf);
		cr_assert_eq(strtold(buf, NULL), f.slope, "%s", buf);
		if (fabsl(f.slope) >= 1e-6L && fabsl(f.slope) <= 1e6L)
			cr_assert_null(strchr(buf, 'e'), "%s", buf);
		/* an exact binary fraction longer than 21 digits ends in 5 */
		if (count_sig(buf) > 21 && floorl(f.slope) != f.slope)
			cr_assert_eq(strchr(buf, 'e') ? strchr(buf, 'e')[-1]
						       : buf[n - 1], '5', "%s", buf);
	}
}

/* "[-]I[.F]" with exactly `decimals` digits after the point, times
 * 10^decimals, parsed exactly. */
static i128 parse_scaled(const char *s, int decimals)
{
	bool neg = *s == '-';
	i128 v = 0;
	int seen = -1;

	for (s += neg; *s; s++) {
		if (*s == '.') {
			seen = 0;
			continue;
		}
		cr_assert(*s >= '0' && *s <= '9');
		v = v * 10 + (*s - '0');
		if (seen >= 0)
			seen++;
	}
	cr_assert_eq(seen < 0 ? 0 : seen, decimals);
	return neg ? -v : v;
}

static i128 pow10_i128(int n)
{
	i128 p = 1;

	while (n--)
		p *= 10;
	return p;
}

/*
 * A reader with exact arithmetic: slope (its binary value, which the
 * slope string round-trips to) * t + the printed offset; compared with
 * apply. The offset is truncated below 10^-decimals.
 */
static void check_offset_reproduces(const lsync_xform *f, int decimals,
				    uint64_t *st)
{
	char buf[256];
	int ex, s;
	uint64_t m = (uint64_t)ldexpl(frexpl(fabsl(f->slope), &ex), 64);
	i128 off, scale = pow10_i128(decimals), r_off, r_mt;

	cr_assert_gt(lsync_xform_format_offset(f, decimals, buf, sizeof(buf)), 0);
	off = parse_scaled(buf, decimals);
	s = 64 - ex;
	for (int j = 0; j < 50; j++) {
		int64_t t = f->x0 + rnd_span(st, DAY), out;
		i128 mt = (i128)((u128)m * (u128)(t < 0 ? -(i128)t : t));
		i128 q_mt, q_off;
		long double diff;

		if ((f->slope < 0) != (t < 0))
			mt = -mt;
		q_mt = floor_div(mt, pow2(s), &r_mt);
		q_off = floor_div(off, scale, &r_off);
		cr_assert(lsync_xform_apply(f, t, &out));
		diff = ld_small((i128)out - q_mt - q_off) -
		       (ldexpl((long double)r_mt, -s) +
			(long double)r_off / (long double)scale);
		cr_assert(fabsl(diff) <= 0.5L + scaled(2e-9L),
			  "offset %s: slope*t+offset off by %Lg ns", buf, diff);
	}
}

Test(transform, format_offset_reproduces_apply)
{
	uint64_t st = 6;

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st);

		check_offset_reproduces(&f, 9, &st);
		/* 20 decimals of an offset near 1.7e18 overflow the test's
		 * own __int128 parser: only for slopes near 1 */
		if (fabsl(f.slope - 1) < 0.01L)
			check_offset_reproduces(&f, 20, &st);
	}
}

Test(transform, format_offset_exact_values_full_mantissa)
{
	lsync_xform f = { .x0 = 1, .y0 = 0, .y0_frac = 0, .slope = 1 + 0x1p-63L };
	char buf[256];

	require_full_mantissa("the slope 1 + 2^-63 and the fraction "
			      "1 - 2^-64 are not representable");
	cr_assert_eq(lsync_xform_format_offset(&f, 63, buf, sizeof(buf)), 66);
	cr_assert_str_eq(buf, "-1.0000000000000000001084202172485504434007452"
			      "80086994171142578125");
	cr_assert_gt(lsync_xform_format_offset(&f, 20, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-1.00000000000000000010"); /* truncated */
	cr_assert_eq(lsync_xform_format_offset(&f, 20, buf, 23), -1);
	cr_assert_eq(lsync_xform_format_offset(&f, 20, buf, 24), 23);

	/* -2^-64 = -5.42101086242752217...e-20 */
	f = (lsync_xform){ .x0 = 0, .y0 = -1, .y0_frac = 1 - 0x1p-64L, .slope = 1 };
	cr_assert_gt(lsync_xform_format_offset(&f, 9, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0.000000000");
	cr_assert_gt(lsync_xform_format_offset(&f, 25, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-0.0000000000000000000542101");
}

Test(transform, format_offset_exact_values)
{
	lsync_xform f = { .x0 = 1, .y0 = 0, .y0_frac = 0, .slope = 1 + 0x1p-52L };
	char buf[256];

	cr_assert_eq(lsync_xform_format_offset(&f, 52, buf, sizeof(buf)), 55);
	cr_assert_str_eq(buf, "-1.000000000000000222044604925031308084726333"
			      "6181640625");
	cr_assert_gt(lsync_xform_format_offset(&f, 20, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-1.00000000000000022204"); /* truncated */
	cr_assert_eq(lsync_xform_format_offset(&f, 20, buf, 23), -1);
	cr_assert_eq(lsync_xform_format_offset(&f, 20, buf, 24), 23);

	f = (lsync_xform){ .x0 = 3, .y0 = 3, .y0_frac = 0.5L, .slope = 0.5L };
	cr_assert_gt(lsync_xform_format_offset(&f, 3, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "2.000");
	f.x0 = -3;
	cr_assert_gt(lsync_xform_format_offset(&f, 3, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "5.000");
	f = (lsync_xform){ .x0 = 2, .y0 = 3, .y0_frac = 0.5L, .slope = -0.25L };
	cr_assert_gt(lsync_xform_format_offset(&f, 1, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "4.0");

	f = (lsync_xform){ .x0 = 0, .y0 = -5, .y0_frac = 0.25L, .slope = 1 };
	cr_assert_gt(lsync_xform_format_offset(&f, 3, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-4.750");
	cr_assert_gt(lsync_xform_format_offset(&f, 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-4");

	/* -2^-53 = -1.11022302462515654...e-16 */
	f = (lsync_xform){ .x0 = 0, .y0 = -1, .y0_frac = 1 - 0x1p-53L, .slope = 1 };
	cr_assert_gt(lsync_xform_format_offset(&f, 9, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0.000000000");
	cr_assert_gt(lsync_xform_format_offset(&f, 25, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-0.0000000000000001110223024");

	/* an epoch-sized offset, exact to the last bit of the slope */
	f = (lsync_xform){ .x0 = T0, .y0 = 0, .y0_frac = 0, .slope = 2 };
	cr_assert_gt(lsync_xform_format_offset(&f, 2, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-3400000000000000000.00");
	f.x0 = INT64_MIN;
	f.y0 = INT64_MAX;
	cr_assert_gt(lsync_xform_format_offset(&f, 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "27670116110564327423"); /* 2^63 - 1 + 2^64 */
}

Test(transform, format_offset_agrees_with_offset_at_zero)
{
	uint64_t st = 7;
	char buf[256];

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st);
		long double printed, ref = lsync_xform_offset_at(&f, 0);

		cr_assert_gt(lsync_xform_format_offset(&f, 12, buf, sizeof(buf)), 0);
		printed = strtold(buf, NULL);
		cr_assert(fabsl(printed - ref) <=
				  offset_tol(1e-3L + fabsl(ref) * 1e-18L, printed),
			  "%s vs %Lf", buf, ref);
	}
}

Test(transform, format_offset_fallback)
{
	lsync_xform f = { .x0 = 1, .y0 = 0, .y0_frac = 0, .slope = INFINITY };
	char buf[64];

	if (ld_has_inf()) {
		cr_assert_gt(lsync_xform_format_offset(&f, 3, buf, sizeof(buf)),
			     0);
		cr_assert_str_eq(buf, "-inf");
	}
	f.slope = 0x1p100L; /* still exact */
	cr_assert_gt(lsync_xform_format_offset(&f, 0, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-1267650600228229401496703205376");
	f.slope = 0x1p130L; /* integer part beyond the exact path: printf */
	cr_assert_gt(lsync_xform_format_offset(&f, 1, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-1361129467683753853853498429727072845824.0");
	cr_assert_eq(lsync_xform_format_offset(&f, 0, buf, 8), -1);
}

Test(transform, format_pivot_value)
{
	lsync_xform f = { .x0 = 0, .y0 = T0, .y0_frac = 0.125L, .slope = 1 };
	char buf[64];

	cr_assert_eq(lsync_xform_format_pivot_value(&f, 6, buf, sizeof(buf)), 26);
	cr_assert_str_eq(buf, "1700000000000000000.125000");
	f.y0 = -3;
	cr_assert_gt(lsync_xform_format_pivot_value(&f, 2, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "-2.87");  /* -2.875 truncated toward zero */
	cr_assert_eq(lsync_xform_format_pivot_value(&f, 2, buf, 5), -1);
}

Test(transform, offset_at_is_precise)
{
	uint64_t st = 8;

	for (int i = 0; i < 5000; i++) {
		lsync_xform f = random_xform(&st);
		int64_t t = f.x0 + rnd_span(&st, DAY);
		long double exact = exact_offset(&f, t);

		cr_assert(fabsl(lsync_xform_offset_at(&f, t) - exact) <=
			  offset_tol(1e-9L + fabsl(exact) * 1e-18L, exact));
	}
}

/*
 * lsync_xform_apply()'s inline fast path must give exactly the general
 * path's result, or decline: random transforms with full-width y0_frac,
 * slopes just above and below 1 and anywhere in [0.5, 4), times within a
 * day and within years of the pivot, exact ties and the int64 edges.
 */
#ifdef LSYNC_XFORM_FAST
static void fast_equals_exact(const lsync_xform *f, int64_t t, long *taken)
{
	int64_t fast = 0, exact = 0;
	bool ok_exact = lsync_xform_apply_exact(f, t, &exact);

	if (lsync_xform_apply_fast(f, t, &fast)) {
		(*taken)++;
		cr_assert(ok_exact && fast == exact,
			  "fast apply(%lld) = %lld, general path %lld",
			  (long long)t, (long long)fast, (long long)exact);
	}
}

Test(transform, fast_apply_equals_general_path)
{
	uint64_t st = 7;
	long taken = 0, total = 0;

	for (int i = 0; i < 100000; i++) {
		lsync_xform f = random_xform(&st);

		f.y0_frac = ldexpl((long double)(rnd(&st) >> 1), -63);
		if (i % 3 == 0)
			f.slope = 1 - ldexpl((long double)(rnd(&st) >> 1), -63 - 12);
		else if (i % 7 == 0)
			f.slope = ldexpl((long double)(rnd(&st) | (UINT64_C(1) << 63)),
					 -63 + (int)(rnd(&st) % 3) - 1);
		if (i % 13 == 0)
			f.slope = 1;
		if (i % 11 == 0)
			f.y0_frac = 0.5L; /* with slope 1 and t = x0: a tie */
		for (int j = 0; j < 30; j++, total++) {
			int64_t span = j % 10 ? DAY : DAY * 3650;
			int64_t t = j == 0 ? f.x0 : f.x0 + rnd_span(&st, span);

			fast_equals_exact(&f, t, &taken);
		}
		fast_equals_exact(&f, INT64_MAX, &taken);
		fast_equals_exact(&f, INT64_MIN, &taken);
		total += 2;
	}
	/* ...and declines only rarely on such transforms. */
	cr_assert(taken > total * 9 / 10, "fast path taken %ld of %ld", taken,
		  total);
}
#endif
