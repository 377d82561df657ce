/* SPDX-License-Identifier: MIT */
/*
 * Linear clock transforms in pivot form (see transform.h).
 *
 * The one rule here: an epoch-sized value (about 1.7e18 ns) never becomes
 * a floating-point number. Differences to a pivot are exact 128-bit
 * integers, and a product slope * difference is split exactly into an
 * integer part and a fraction by writing the slope as m * 2^e with a
 * 64-bit integer m (the x87 long double is exactly that). Only the
 * fraction, a number in [0, 1), is rounded to long double, so applying a
 * transform is exact to about 1e-19 ns plus the final rounding.
 *
 * Where a long double has more than 64 mantissa bits (IEEE quad, e.g. on
 * aarch64), the exact split falls back to a long double product, whose
 * 113-bit precision keeps the same guarantees for day-long spans.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

/* Products and sums stay below this, so that adding three of them to an
 * int64 never overflows an __int128. */
#define BIG_BITS 120

/* |i| as an unsigned 128-bit value, also for the most negative int. */
static u128 abs128(i128 i)
{
	return i < 0 ? -(u128)i : (u128)i;
}

/*
 * |v| = m * 2^e exactly, with m a 64-bit integer. False when v is not
 * finite or needs more than 64 mantissa bits (wider long doubles).
 */
static bool ld_split(long double v, uint64_t *m, int *e, bool *neg)
{
	long double scaled;
	int ex;

	if (!isfinite(v))
		return false;
	*neg = signbit(v) != 0;
	if (v == 0) {
		*m = 0;
		*e = 0;
		return true;
	}
	scaled = ldexpl(frexpl(fabsl(v), &ex), 64); /* in [2^63, 2^64) */
	if (scaled != floorl(scaled))
		return false;
	*m = (uint64_t)scaled;
	*e = ex - 64;
	return true;
}

/*
 * Turns the magnitude ip + frac (frac in [0, 1], possibly 1 after
 * rounding) with its sign into floor form: *ip integer, *fp in [0, 1).
 */
static void signed_split(u128 ip, long double frac, bool neg, i128 *out_ip,
			 long double *out_fp)
{
	if (frac >= 1) {
		ip += 1;
		frac = 0;
	}
	if (!neg || frac == 0) {
		*out_ip = neg ? -(i128)ip : (i128)ip;
		*out_fp = frac;
		return;
	}
	/* -(ip + frac) = -(ip + 1) + (1 - frac); 1 - frac may round to 1. */
	*out_ip = -(i128)ip - 1;
	*out_fp = 1 - frac;
	if (*out_fp >= 1) {
		*out_ip += 1;
		*out_fp = 0;
	}
}

/* s * d split as a long double product: only for wide long doubles. */
static bool mul_split_ld(long double s, i128 d, i128 *ip, long double *fp)
{
	long double p = s * lsync_i128_ld(d);
	long double fl;

	if (!(fabsl(p) < ldexpl(1, BIG_BITS)))
		return false;
	fl = floorl(p);
	*ip = (i128)fl;
	*fp = p - fl; /* exact: p and floor(p) share the ulp grid */
	return true;
}

/*
 * s * d = *ip + *fp exactly but for the rounding of the fraction, with
 * *fp in [0, 1). |d| < 2^64 (a difference of two int64). False when s is
 * not finite or the product exceeds 2^BIG_BITS.
 */
static bool mul_split(long double s, i128 d, i128 *ip, long double *fp)
{
	u128 ad = abs128(d), p, whole;
	long double frac = 0;
	uint64_t m;
	bool neg;
	int e;

	if (ad >> 64 || !ld_split(s, &m, &e, &neg))
		return isfinite(s) && mul_split_ld(s, d, ip, fp);
	p = (u128)m * (uint64_t)ad; /* < 2^128: exact */
	if (e >= 0) {
		/* 0 * 2^e is 0 for any e (a shift by e >= 128 is undefined). */
		if (p && (e >= BIG_BITS || p >> (BIG_BITS - e)))
			return false;
		whole = p ? p << e : 0;
	} else if (e > -128) {
		whole = p >> -e;
		frac = ldexpl((long double)(p & (((u128)1 << -e) - 1)), e);
	} else {
		whole = 0;
		frac = ldexpl((long double)p, e);
	}
	if (whole >> BIG_BITS)
		return false;
	signed_split(whole, frac, neg != (d < 0), ip, fp);
	return true;
}

/*
 * A transform from an exact integer value yi at x0 plus a fraction of
 * any size. y0 saturates at the int64 range: a pivot value outside it
 * means the mapping has no representable output near x0 anyway. A
 * non-finite fraction is kept as is, so that apply() refuses it.
 */
static lsync_xform make_xform(int64_t x0, i128 yi, long double frac,
			      long double slope)
{
	lsync_xform f = { .x0 = x0, .slope = slope };
	long double fl;

	if (isfinite(frac)) {
		fl = floorl(frac);
		if (fabsl(fl) >= ldexpl(1, BIG_BITS)) {
			/* far beyond int64 whatever yi is: saturate below */
			yi = fl < 0 ? INT64_MIN : INT64_MAX;
			frac = 0;
		} else {
			yi += (i128)fl;
			frac -= fl;
		}
		/* -tiny - (-1) rounds to 1: carry it. */
		if (frac >= 1) {
			yi += 1;
			frac = 0;
		}
	}
	if (yi > INT64_MAX)
		yi = INT64_MAX;
	if (yi < INT64_MIN)
		yi = INT64_MIN;
	f.y0 = (int64_t)yi;
	f.y0_frac = frac;
	return f;
}

lsync_xform lsync_xform_identity(void)
{
	return (lsync_xform){ .x0 = 0, .y0 = 0, .y0_frac = 0, .slope = 1 };
}

void lsync_xform_normalize(lsync_xform *f)
{
	*f = make_xform(f->x0, f->y0, f->y0_frac, f->slope);
}

lsync_xform lsync_xform_repivot(const lsync_xform *f, int64_t new_x0)
{
	i128 d = (i128)new_x0 - f->x0, ip = 0;
	long double fp;

	/* Beyond the exact range the fraction carries the (huge) value and
	 * make_xform saturates it. */
	if (!mul_split(f->slope, d, &ip, &fp))
		fp = f->slope * lsync_i128_ld(d);
	return make_xform(new_x0, (i128)f->y0 + ip, f->y0_frac + fp, f->slope);
}

long double lsync_xform_offset_at(const lsync_xform *f, int64_t t)
{
	i128 d = (i128)t - f->x0, ip;
	long double fp;

	/* out(t) - t = (y0 + ip - t) + (y0_frac + fp): the integer part is
	 * exact, so nothing cancels. */
	if (mul_split(f->slope, d, &ip, &fp))
		return lsync_i128_ld((i128)f->y0 + ip - t) + (f->y0_frac + fp);
	return lsync_i128_ld((i128)f->y0 - f->x0) + f->y0_frac +
	       (f->slope - 1) * lsync_i128_ld(d);
}

bool lsync_xform_apply_exact(const lsync_xform *f, int64_t t, int64_t *out)
{
	long double fp, g, n, h;
	i128 ip, base, r;

	if (!isfinite(f->y0_frac) || !(fabsl(f->y0_frac) < 0x1p100L) ||
	    !mul_split(f->slope, (i128)t - f->x0, &ip, &fp))
		return false;
	/* out(t) = base + h with base integer, h in [0, 1]. */
	g = fp + f->y0_frac;
	n = floorl(g);
	h = g - n;
	base = (i128)f->y0 + ip + (i128)n;
	/* Nearest, ties away from zero: base + 0.5 rounds up iff base >= 0. */
	r = base + (h > 0.5L || (h == 0.5L && base >= 0));
	if (r > INT64_MAX || r < INT64_MIN)
		return false;
	*out = (int64_t)r;
	return true;
}

lsync_xform lsync_xform_compose(const lsync_xform *outer,
				const lsync_xform *inner)
{
	i128 d = (i128)inner->y0 - outer->x0, ip = 0;
	long double fp, frac;

	/* outer(y0 + y0_frac) = outer.y0 + outer.frac + s*(y0 - outer.x0)
	 * + s*y0_frac: the big step is split exactly, the rest is small. */
	if (!mul_split(outer->slope, d, &ip, &fp))
		fp = outer->slope * lsync_i128_ld(d);
	frac = outer->y0_frac + fp + outer->slope * inner->y0_frac;
	return make_xform(inner->x0, (i128)outer->y0 + ip, frac,
			  outer->slope * inner->slope);
}

bool lsync_xform_invert(const lsync_xform *f, lsync_xform *out)
{
	if (!isfinite(f->slope) || f->slope == 0 || !isfinite(f->y0_frac))
		return false;
	/* Pivot the inverse at the integer y0, where its value is
	 * x0 - y0_frac / slope: only small numbers are divided. */
	*out = make_xform(f->y0, f->x0, -f->y0_frac / f->slope, 1 / f->slope);
	return true;
}

/* ---- Formatting ------------------------------------------------------ */

/* Copies s into buf; the length, or -1 if it does not fit. */
static int put_str(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (len >= size || len > INT32_MAX)
		return -1;
	memcpy(buf, s, len + 1);
	return (int)len;
}

/*
 * Removes trailing zeros of the mantissa of a %f or %e rendering while it
 * keeps more than min_sig significant digits (and drops a bare point).
 */
static void trim_zeros(char *s, int min_sig)
{
	char *dot = strchr(s, '.'), *exp_part = strchr(s, 'e');
	char *end = exp_part ? exp_part : s + strlen(s), *p;
	int sig = 0;

	if (!dot)
		return;
	for (p = s; p < end; p++) {
		if (*p >= '1' && *p <= '9')
			sig = sig ? sig + 1 : 1;
		else if (*p == '0' && sig)
			sig++;
	}
	p = end;
	while (p - 1 > dot && p[-1] == '0' && sig > min_sig) {
		p--;
		sig--;
	}
	if (p - 1 == dot)
		p--;
	memmove(p, end, strlen(end) + 1);
}

/*
 * Exact decimal of a finite non-zero long double. glibc prints the exact
 * expansion of the binary value when asked for enough digits: m * 2^e with
 * e < 0 has at most -e digits after the point, and its significant digits
 * number at most (mantissa digits) + 0.7 * -e.
 */
static int format_exact(long double v, int digits, char *buf, size_t size)
{
	int ex, e, mant_digits = LDBL_MANT_DIG * 30103 / 100000 + 2;
	long double a = fabsl(v);
	size_t cap;
	char *tmp;
	int prec, ret, n;
	bool fixed = a >= 1e-6L && a <= 1e6L;

	frexpl(a, &ex);
	e = ex - LDBL_MANT_DIG;
	if (fixed)
		prec = e < 0 ? -e : 0;
	else
		prec = mant_digits + (e < 0 ? (-e * 7 + 9) / 10 : e * 31 / 100 + 1);
	if (prec < digits + 7)
		prec = digits + 7; /* room for `digits` after <= 6 zeros */
	cap = (size_t)prec + 64;
	tmp = malloc(cap);
	if (!tmp)
		return -1;
	n = snprintf(tmp, cap, fixed ? "%.*Lf" : "%.*Le", prec, v);
	if (n < 0 || (size_t)n >= cap) {
		free(tmp);
		return -1;
	}
	trim_zeros(tmp, digits);
	ret = put_str(tmp, buf, size);
	free(tmp);
	return ret;
}

int lsync_xform_format_slope(const lsync_xform *f, int digits, char *buf,
			     size_t size)
{
	long double s = f->slope;

	if (digits < 1)
		digits = 1;
	if (isnan(s))
		return put_str("nan", buf, size);
	if (isinf(s))
		return put_str(s < 0 ? "-inf" : "inf", buf, size);
	if (s == 0)
		return put_str("0", buf, size);
	return format_exact(s, digits, buf, size);
}

/*
 * Fixed point for the exact renderings: ip + fr / 2^128, ip the floor.
 * Values whose integer part needs more than BIG_BITS bits are not
 * represented (the callers fall back to printf).
 */
typedef struct fixed {
	i128 ip;
	u128 fr;
} fixed;

/*
 * ±p * 2^e as a fixed. Bits below 2^-128 (only when e < -128, i.e. a
 * slope below 2^-64 or a y0_frac below 2^-64) are dropped: an error
 * below 3e-39 ns. False when the integer part is too big.
 */
static bool fixed_from(u128 p, int e, bool neg, fixed *out)
{
	u128 ip, fr;

	if (e >= 0) {
		if (p && (e >= BIG_BITS || p >> (BIG_BITS - e)))
			return false;
		ip = p ? p << e : 0; /* a shift by e >= 128 is undefined */
		fr = 0;
	} else if (e > -128) {
		ip = p >> -e;
		fr = p << (128 + e);
	} else {
		ip = 0;
		fr = -e - 128 >= 128 ? 0 : p >> (-e - 128);
	}
	if (ip >> BIG_BITS)
		return false;
	/* floor(-(ip + f)) = -ip - 1 with fraction 1 - f, i.e. 2^128 - fr */
	out->ip = neg ? -(i128)ip - (fr != 0) : (i128)ip;
	out->fr = neg ? -fr : fr;
	return true;
}

static fixed fixed_add(fixed a, fixed b)
{
	fixed r = { .fr = a.fr + b.fr };

	r.ip = a.ip + b.ip + (r.fr < a.fr); /* carry out of the fraction */
	return r;
}

/* The next decimal digit of a binary fraction: fr = fr * 10, digit out. */
static int next_digit(u128 *fr)
{
	const u128 low_mask = ((u128)1 << 64) - 1;
	u128 lo = (*fr & low_mask) * 10;
	u128 hi = (*fr >> 64) * 10 + (lo >> 64);

	*fr = (hi << 64) | (lo & low_mask);
	return (int)(hi >> 64);
}

/* Whether the first `decimals` digits of fr are all zero. */
static bool digits_zero(u128 fr, int decimals)
{
	for (int i = 0; i < decimals && fr; i++)
		if (next_digit(&fr))
			return false;
	return true;
}

/* Decimal of u into s (no NUL), returns the length (<= 39). */
static int u128_dec(u128 u, char *s)
{
	char rev[40];
	int n = 0;

	do {
		rev[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	for (int i = 0; i < n; i++)
		s[i] = rev[n - 1 - i];
	return n;
}

/* v with `decimals` digits after the point, truncated toward zero. */
static int format_fixed(const fixed *v, int decimals, char *buf,
			size_t size)
{
	bool neg = v->ip < 0;
	u128 mi = neg ? -(u128)(v->ip + (v->fr != 0)) : (u128)v->ip;
	u128 mf = neg ? -v->fr : v->fr;
	char ipart[40];
	int il = u128_dec(mi, ipart);
	size_t len;
	char *p = buf;

	/* "-0.000" would only say the dropped digits were negative. */
	if (neg && mi == 0 && digits_zero(mf, decimals))
		neg = false;
	len = (size_t)neg + (size_t)il + (decimals > 0 ? 1 + (size_t)decimals : 0);
	if (len >= size || len > INT32_MAX)
		return -1;
	if (neg)
		*p++ = '-';
	memcpy(p, ipart, (size_t)il);
	p += il;
	if (decimals > 0)
		*p++ = '.';
	for (int i = 0; i < decimals; i++)
		*p++ = (char)('0' + next_digit(&mf));
	*p = '\0';
	return (int)len;
}

/* y0 + y0_frac as a fixed. */
static bool pivot_fixed(const lsync_xform *f, fixed *v)
{
	fixed frac, whole = { .ip = f->y0, .fr = 0 };
	uint64_t m;
	bool neg;
	int e;

	if (!ld_split(f->y0_frac, &m, &e, &neg) ||
	    !fixed_from(m, e, neg, &frac))
		return false;
	*v = fixed_add(whole, frac);
	return true;
}

/* y0 + y0_frac - slope * x0 as a fixed: |slope * x0| < 2^64 * 2^63. */
static bool offset_fixed(const lsync_xform *f, fixed *v)
{
	u128 ax0 = abs128(f->x0);
	fixed prod;
	uint64_t m;
	bool neg;
	int e;

	if (!pivot_fixed(f, v) || !ld_split(f->slope, &m, &e, &neg))
		return false;
	/* -slope * x0 is negative when slope and x0 have the same sign */
	if (!fixed_from((u128)m * (uint64_t)ax0, e, neg == (f->x0 < 0), &prod))
		return false;
	*v = fixed_add(*v, prod);
	return true;
}

/*
 * Fallback when the exact path cannot represent the value (a slope or
 * fraction that is not finite, an integer part beyond 2^120, or a long
 * double wider than 64 mantissa bits): printf of the long double value,
 * rounded rather than truncated, "inf"/"nan" for non-finite values.
 */
static int format_ld(long double v, int decimals, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%.*Lf", decimals, v);

	return n < 0 || (size_t)n >= size ? -1 : n;
}

int lsync_xform_format_offset(const lsync_xform *f, int decimals, char *buf,
			      size_t size)
{
	fixed v;

	if (decimals < 0)
		decimals = 0;
	if (offset_fixed(f, &v))
		return format_fixed(&v, decimals, buf, size);
	return format_ld((long double)f->y0 + f->y0_frac -
				 f->slope * (long double)f->x0,
			 decimals, buf, size);
}

int lsync_xform_format_pivot_value(const lsync_xform *f, int decimals,
				   char *buf, size_t size)
{
	fixed v;

	if (decimals < 0)
		decimals = 0;
	if (pivot_fixed(f, &v))
		return format_fixed(&v, decimals, buf, size);
	return format_ld((long double)f->y0 + f->y0_frac, decimals, buf, size);
}
