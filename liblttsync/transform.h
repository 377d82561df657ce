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
 * in an int64.
 */
bool lsync_xform_apply(const lsync_xform *f, int64_t t, int64_t *out);

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
