/* SPDX-License-Identifier: MIT */
/*
 * Linear clock transforms kept in pivot form.
 *
 * A transform maps a timestamp t (ns) to
 *
 *     out(t) = y0 + y0_frac + slope * (t - x0)
 *
 * x0 and y0 are exact integers near the data, y0_frac is in [0, 1) and
 * slope is a long double (64-bit mantissa). Epoch timestamps (about 1.7e18
 * ns) never pass through a floating-point value: only differences to the
 * pivot do, and those stay small (a day is 8.6e13 ns), so applying a
 * transform anywhere in a trace is within a few 1e-6 ns of the exact
 * rational result of its own parameters.
 */
#ifndef LTTSYNC_TRANSFORM_H
#define LTTSYNC_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <string.h>

typedef struct lsync_xform {
	int64_t x0;            /* pivot, input clock */
	int64_t y0;            /* integer part of out(x0) */
	long double y0_frac;   /* fractional part of out(x0), in [0, 1) */
	long double slope;
} lsync_xform;

/*
 * __int128 to long double, correctly rounded. Through int64 when it fits
 * (always, in practice): besides being cheaper, this avoids libgcc's
 * __floattixf, which valgrind mis-emulates for negative values. Larger
 * values: the high half scales exactly, the low half rounds once.
 */
static inline long double lsync_i128_ld(__int128 v)
{
	if (v >= INT64_MIN && v <= INT64_MAX)
		return (long double)(int64_t)v;
	return (long double)(int64_t)(v >> 64) * 0x1p64L +
	       (long double)(uint64_t)v;
}

/* The identity transform, pivoted at 0. */
lsync_xform lsync_xform_identity(void);

/* Brings y0_frac back into [0, 1) by moving whole ns into y0. */
void lsync_xform_normalize(lsync_xform *f);

/* The same mapping pivoted at new_x0. */
lsync_xform lsync_xform_repivot(const lsync_xform *f, int64_t new_x0);

/*
 * out(t) - t as a long double: the offset between the two clocks at t,
 * precise to about 1e-6 ns for |t - x0| up to days.
 */
long double lsync_xform_offset_at(const lsync_xform *f, int64_t t);

/*
 * out(t) rounded to the nearest integer (ties away from zero).
 * Returns false (and leaves *out untouched) when the result does not fit
 * in an int64. lsync_xform_apply() is the inline fast path below, which
 * gives exactly this function's results; this is the general evaluation.
 */
bool lsync_xform_apply_exact(const lsync_xform *f, int64_t t, int64_t *out);

/*
 * Fast path of lsync_xform_apply(), for the x87 80-bit long double (the
 * only format whose bits it reads) and the transforms the library makes:
 * slope in [0.5, 4), y0_frac in [0, 1). Applying transforms to every
 * event of a trace is the hot loop of trace correction, and the general
 * path's frexpl/ldexpl/floorl cost about 400 ns a call.
 *
 * With |slope| = m / 2^k (m the 64-bit mantissa, 62 <= k <= 64), the
 * product m * (t - x0) is exact in 128 bits: its high part is the whole
 * ns, its low k bits the fraction, kept as 64-bit fixed point (exact);
 * y0_frac is added as 64-bit fixed point too (truncated, error < 2^-64).
 * So the fixed-point fraction is within 2^-63 of the exact one, and
 * lsync_xform_apply_exact()'s long double steps are within about 2^-62
 * of it too: unless the fraction lies within 2^-40 of one half, both
 * round to the same integer. Near one half (and for anything unusual)
 * the general path decides, so results are identical, bit for bit
 * (tests/unit/test_transform.c compares both on millions of inputs).
 */
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
#define LSYNC_XFORM_FAST 1
static inline bool lsync_xform_apply_fast(const lsync_xform *f, int64_t t,
					  int64_t *out)
{
	const uint64_t half = UINT64_C(1) << 63, margin = UINT64_C(1) << 24;
	uint64_t sm, fm, fr, sum;
	uint16_t se, fe;
	unsigned k, sh;
	int64_t d, w, r;
	__int128 p;

	memcpy(&sm, &f->slope, 8);
	memcpy(&se, (const char *)&f->slope + 8, 2);
	memcpy(&fm, &f->y0_frac, 8);
	memcpy(&fe, (const char *)&f->y0_frac + 8, 2);
	k = 16383u + 63u - (se & 0x7fffu); /* |slope| = sm / 2^k */
	sh = 16382u - fe;                  /* y0_frac * 2^64 = fm >> sh */
	if (k - 62 > 2 || !(sm >> 63) || fe >= 16383 || (sh > 63 && fm) ||
	    __builtin_sub_overflow(t, f->x0, &d) ||
	    (uint64_t)d + (UINT64_C(1) << 61) >= (UINT64_C(1) << 62))
		return false; /* slope not in [0.5, 4), y0_frac not in
			       * [2^-64, 1) nor 0, t 73 years away */
	/* |p| < 2^61 * 2^66: exact. Its floor form needs no branch on the
	 * sign of d: the arithmetic shift floors and the low k bits are
	 * the (non-negative) fraction. */
	p = (__int128)d * (__int128)sm;
	if (se >> 15)
		p = -p;
	w = (int64_t)(p >> 62) >> (k - 62); /* |w| < 2^63 */
	fr = (uint64_t)p << (64 - k);
	sum = fr + (fm >> (sh & 63));
	if (sum - half + margin <= 2 * margin ||
	    __builtin_add_overflow(w, f->y0, &r) ||
	    __builtin_add_overflow(r, (int64_t)(sum < fr) + (int64_t)(sum >> 63), &r))
		return false; /* too near a tie, or out of range: general path */
	*out = r;
	return true;
}
#endif

static inline bool lsync_xform_apply(const lsync_xform *f, int64_t t,
				     int64_t *out)
{
#ifdef LSYNC_XFORM_FAST
	if (lsync_xform_apply_fast(f, t, out))
		return true;
#endif
	return lsync_xform_apply_exact(f, t, out);
}

/* outer(inner(t)), pivoted at inner->x0. */
lsync_xform lsync_xform_compose(const lsync_xform *outer,
				const lsync_xform *inner);

/* The inverse mapping; false when slope is zero or not finite. */
bool lsync_xform_invert(const lsync_xform *f, lsync_xform *out);

/*
 * Exact decimal renderings of the transform's own binary parameters.
 * slope: at least `digits` significant digits (>= 21 is what reports use).
 * offset: out(0) = y0 + y0_frac - slope * x0, exactly, with `decimals`
 * digits after the point (truncated toward zero, the rest being below
 * 10^-decimals ns). Both return the number of characters written
 * (excluding NUL), or -1 if `size` is too small.
 */
int lsync_xform_format_slope(const lsync_xform *f, int digits, char *buf,
			     size_t size);
int lsync_xform_format_offset(const lsync_xform *f, int decimals, char *buf,
			      size_t size);
/* out(x0) = y0 + y0_frac with `decimals` digits after the point. */
int lsync_xform_format_pivot_value(const lsync_xform *f, int decimals,
				   char *buf, size_t size);

#endif
