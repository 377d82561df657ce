/* SPDX-License-Identifier: MIT */
/*
 * The public transform object: applying, reading, formatting it as
 * decimal text, and parsing that text back (so that a report's transforms
 * can be applied later, by another program: filter.lttsync.correct).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transform_api.h"

lttsync_transform *lsync_transform_new(const lsync_xform *f)
{
	lttsync_transform *tf = calloc(1, sizeof(*tf));

	if (tf) {
		tf->f = *f;
		tf->width = NAN;
	}
	return tf;
}

lttsync_transform *lsync_transform_new_pieces(const lsync_piece *p, size_t n,
					      const lsync_xform *main)
{
	lttsync_transform *tf = lsync_transform_new(main);

	if (!tf || n < 2) {
		if (tf && n == 1)
			tf->width = p[0].width;
		return tf;
	}
	tf->pieces = malloc(n * sizeof(*p));
	if (!tf->pieces) {
		free(tf);
		return NULL;
	}
	memcpy(tf->pieces, p, n * sizeof(*p));
	tf->n_pieces = n;
	return tf;
}

LTTSYNC_API lttsync_status lttsync_transform_apply(int64_t *out,
					       const lttsync_transform *tf,
					       int64_t t)
{
	if (!out || !tf)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if (tf->pieces)
		return lsync_pw_apply(tf->pieces, tf->n_pieces, t, out)
			       ? LTTSYNC_OK : LTTSYNC_ERROR_RANGE;
	return lsync_xform_apply(&tf->f, t, out) ? LTTSYNC_OK
						 : LTTSYNC_ERROR_RANGE;
}

LTTSYNC_API double lttsync_transform_get_slope(const lttsync_transform *tf)
{
	return tf ? (double)tf->f.slope : NAN;
}

LTTSYNC_API int64_t lttsync_transform_get_pivot(const lttsync_transform *tf)
{
	return tf ? tf->f.x0 : 0;
}

/* "12.500000" -> "12.5", "3.000" -> "3": exact values need no padding. */
static void trim_zeros(char *buf)
{
	char *end;

	if (!strchr(buf, '.') || strpbrk(buf, "eE"))
		return;
	end = buf + strlen(buf) - 1;
	while (*end == '0')
		*end-- = '\0';
	if (*end == '.')
		*end = '\0';
}

static lttsync_status format_equation(char *buf, size_t size,
				      const lttsync_transform *tf);

LTTSYNC_API lttsync_status lttsync_transform_format(char *buf, size_t size,
						const lttsync_transform *tf,
						lttsync_transform_field field)
{
	int n = -1;

	if (!buf || !tf || size == 0)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	switch (field) {
	case LTTSYNC_FIELD_SLOPE:
		n = lsync_xform_format_slope(&tf->f, 21, buf, size);
		/* Absurd slopes (1e-26...) have longer exact expansions. */
		if (n < 0)
			n = snprintf(buf, size, "%.25Lg", tf->f.slope);
		n = n >= 0 && (size_t)n < size ? n : -1;
		break;
	case LTTSYNC_FIELD_OFFSET:
		n = lsync_xform_format_offset(&tf->f, 12, buf, size);
		break;
	case LTTSYNC_FIELD_PIVOT:
		n = snprintf(buf, size, "%" PRId64, tf->f.x0);
		n = (size_t)n < size ? n : -1;
		break;
	case LTTSYNC_FIELD_PIVOT_REF:
		n = lsync_xform_format_pivot_value(&tf->f, 12, buf, size);
		break;
	case LTTSYNC_FIELD_EQUATION:
		return format_equation(buf, size, tf);
	default:
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	}
	if (n < 0)
		return LTTSYNC_ERROR_RANGE;
	trim_zeros(buf);
	return LTTSYNC_OK;
}

/*
 * "SLOPE * t + OFFSET", or "SLOPE * t - |OFFSET|" for a negative offset:
 * a program gluing the two fields with " + " would print "+ -".
 */
static lttsync_status format_equation(char *buf, size_t size,
				      const lttsync_transform *tf)
{
	char slope[2 * LTTSYNC_FORMAT_SIZE], offset[2 * LTTSYNC_FORMAT_SIZE];
	lttsync_status st;
	bool neg;
	int n;

	if ((st = lttsync_transform_format(slope, sizeof(slope), tf,
					   LTTSYNC_FIELD_SLOPE)) ||
	    (st = lttsync_transform_format(offset, sizeof(offset), tf,
					   LTTSYNC_FIELD_OFFSET)))
		return st;
	neg = offset[0] == '-';
	n = snprintf(buf, size, "%s * t %c %s", slope, neg ? '-' : '+',
		     offset + neg);
	return n >= 0 && (size_t)n < size ? LTTSYNC_OK : LTTSYNC_ERROR_RANGE;
}

LTTSYNC_API void lttsync_transform_destroy(lttsync_transform *tf)
{
	if (tf)
		free(tf->pieces);
	free(tf);
}

/* ---- segments ------------------------------------------------------------ */

LTTSYNC_API size_t lttsync_transform_get_segment_count(const lttsync_transform *tf)
{
	if (!tf)
		return 0;
	return tf->pieces ? tf->n_pieces : 1;
}

LTTSYNC_API lttsync_status lttsync_transform_get_segment(lttsync_transform **out,
						     int64_t *out_from,
						     double *out_bound_width,
						     const lttsync_transform *tf,
						     size_t index)
{
	const lsync_piece *p;

	if (!out || !out_from || !out_bound_width || !tf)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if (index >= lttsync_transform_get_segment_count(tf))
		return LTTSYNC_ERROR_NOT_FOUND;
	if (!tf->pieces) {
		*out = lsync_transform_new(&tf->f);
		*out_from = INT64_MIN;
		*out_bound_width = (double)tf->width;
	} else {
		p = &tf->pieces[index];
		*out = lsync_transform_new(&p->f);
		*out_from = index ? p->from : INT64_MIN;
		*out_bound_width = (double)p->width;
	}
	if (*out)
		(*out)->width = (long double)*out_bound_width;
	return *out ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
}

LTTSYNC_API lttsync_status lttsync_transform_join(lttsync_transform **out,
					      const lttsync_transform *const *lines,
					      const int64_t *from, size_t n)
{
	lsync_piece *p;
	lttsync_transform *tf;

	if (!out || !lines || !from || n == 0)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	for (size_t k = 0; k < n; k++)
		if (!lines[k] || lines[k]->pieces || !(lines[k]->f.slope > 0) ||
		    (k > 1 && from[k] <= from[k - 1]) ||
		    (k == 1 && from[k] == INT64_MIN))
			return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if (n == 1) {
		*out = lsync_transform_new(&lines[0]->f);
		if (*out)
			(*out)->width = lines[0]->width;
		return *out ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
	}
	p = calloc(n, sizeof(*p));
	if (!p)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (size_t k = 0; k < n; k++)
		p[k] = (lsync_piece){ k ? from[k] : INT64_MIN, lines[k]->f,
				      lines[k]->width, -1 };
	tf = lsync_transform_new_pieces(p, n, &lines[n / 2]->f);
	free(p);
	*out = tf;
	return tf ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
}

/* ---- parsing ------------------------------------------------------------- */

/* [+-]digits[.digits][(e|E)[+-]digits], the whole string. */
static bool is_decimal(const char *s, bool exponent)
{
	size_t digits = 0;

	s += *s == '+' || *s == '-';
	for (; isdigit((unsigned char)*s); s++)
		digits++;
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			digits++;
	if (!digits)
		return false;
	if (exponent && (*s == 'e' || *s == 'E')) {
		s++;
		s += *s == '+' || *s == '-';
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* Does the decimal's significand (before any exponent) have a digit other
 * than 0? Then a value of 0 is an underflow. */
static bool nonzero_significand(const char *s)
{
	for (; *s && *s != 'e' && *s != 'E'; s++)
		if (*s >= '1' && *s <= '9')
			return true;
	return false;
}

static lttsync_status parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!is_decimal(s, false) || strchr(s, '.'))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE)
		return LTTSYNC_ERROR_RANGE;
	*out = v;
	return LTTSYNC_OK;
}

/* "-12.25" -> y0 = -13, frac = 0.75: the pivot form keeps frac in [0, 1). */
static lttsync_status parse_pivot_ref(const char *s, int64_t *y0,
				      long double *frac)
{
	const char *dot = strchr(s, '.');
	char whole[32], part[64] = "0.";
	size_t len = dot ? (size_t)(dot - s) : strlen(s);
	lttsync_status st;

	if (!is_decimal(s, false) || len >= sizeof(whole))
		return is_decimal(s, false) ? LTTSYNC_ERROR_RANGE
					    : LTTSYNC_ERROR_INVALID_ARGUMENT;
	memcpy(whole, s, len);
	whole[len] = '\0';
	if (len == 0 || (len == 1 && (s[0] == '-' || s[0] == '+')))
		strcat(whole, "0");
	if ((st = parse_int64(whole, y0)))
		return st;
	/* 60 digits are far below a long double's resolution of [0, 1). */
	strncat(part, dot ? dot + 1 : "", sizeof(part) - 3);
	*frac = strtold(part, NULL);
	if (s[0] == '-' && *frac > 0) {
		if (*y0 == INT64_MIN)
			return LTTSYNC_ERROR_RANGE;
		*y0 -= 1;
		*frac = 1 - *frac;
	}
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_transform_parse(lttsync_transform **out,
					       const char *slope,
					       const char *pivot,
					       const char *pivot_ref)
{
	lsync_xform f = lsync_xform_identity();
	lttsync_status st;

	if (!out || !slope || !pivot || !pivot_ref || !is_decimal(slope, true))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	/* ERANGE as well as isfinite(): valgrind's long doubles keep an
	 * overflow as LDBL_MAX, not as an infinity. And a non-zero slope
	 * read as 0 underflowed, even where errno does not say so (valgrind
	 * again: its long doubles have a double's range). */
	errno = 0;
	f.slope = strtold(slope, NULL);
	if (errno == ERANGE || !isfinite(f.slope) ||
	    (f.slope == 0 && nonzero_significand(slope)))
		return LTTSYNC_ERROR_RANGE;
	if (f.slope <= 0)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if ((st = parse_int64(pivot, &f.x0)) ||
	    (st = parse_pivot_ref(pivot_ref, &f.y0, &f.y0_frac)))
		return st;
	lsync_xform_normalize(&f);
	*out = lsync_transform_new(&f);
	return *out ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
}

/* ---- copy, offset, inverse ----------------------------------------------- */

LTTSYNC_API lttsync_status lttsync_transform_copy(lttsync_transform **out,
					      const lttsync_transform *tf)
{
	lttsync_transform *c;

	if (!out || !tf)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	c = lsync_transform_new_pieces(tf->pieces, tf->n_pieces, &tf->f);
	if (!c)
		return LTTSYNC_ERROR_NO_MEMORY;
	c->width = tf->width;
	*out = c;
	return LTTSYNC_OK;
}

/* The line in force at t. */
static const lsync_xform *line_at(const lttsync_transform *tf, int64_t t)
{
	if (!tf->pieces)
		return &tf->f;
	return &tf->pieces[lsync_pw_find(tf->pieces, tf->n_pieces, t)].f;
}

LTTSYNC_API lttsync_status lttsync_transform_get_offset_at(double *out_ns,
						       const lttsync_transform *tf,
						       int64_t t)
{
	const lsync_xform *f;
	long double off;

	if (!out_ns || !tf)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	f = line_at(tf, t);
	/* A saturated pivot value stands for "beyond int64": no offset. */
	if (f->y0 == INT64_MAX || f->y0 == INT64_MIN)
		return LTTSYNC_ERROR_RANGE;
	off = lsync_xform_offset_at(f, t);
	if (!isfinite(off) || fabsl(off) > DBL_MAX)
		return LTTSYNC_ERROR_RANGE;
	*out_ns = (double)off;
	return LTTSYNC_OK;
}

/*
 * Whether tf(t) >= t_ref. Where tf(t) is beyond int64 the line in force
 * tells on which side: increasing, it is above int64 right of its pivot
 * (whose value is within int64) and below left of it.
 */
static bool reaches(const lttsync_transform *tf, int64_t t, int64_t t_ref)
{
	int64_t v;

	if (lttsync_transform_apply(&v, tf, t) == LTTSYNC_OK)
		return v >= t_ref;
	return t >= line_at(tf, t)->x0;
}

/*
 * The first t of [lo, hi] with tf(t) >= t_ref, given that tf(hi) >= t_ref
 * and tf(lo) < t_ref (lo < hi); tf(t - 1) < t_ref then. Bisection keeps
 * that pair of facts, so even a function with jumps (segments joined
 * that do not meet) ends on a t where t_ref lies between tf(t - 1) and
 * tf(t).
 */
static int64_t bisect(const lttsync_transform *tf, int64_t lo, int64_t hi,
		      int64_t t_ref)
{
	while (hi - (__int128)lo > 1) {
		int64_t mid = (int64_t)(((__int128)lo + hi) / 2);

		if (reaches(tf, mid, t_ref))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* A first guess of the inverse: the inverse of the line in force there. */
static bool guess(const lttsync_transform *tf, int64_t t_ref, int64_t *out)
{
	const lsync_xform *f = &tf->f;
	lsync_xform inv;
	int64_t v;

	if (tf->pieces) {
		size_t lo = 0, hi = tf->n_pieces - 1;

		/* the last piece whose start maps at or below t_ref */
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2;
			const lsync_piece *p = &tf->pieces[mid];

			if (lsync_xform_apply(&p->f, p->from, &v) && v <= t_ref)
				lo = mid;
			else
				hi = mid - 1;
		}
		f = &tf->pieces[lo].f;
	}
	return lsync_xform_invert(f, &inv) && lsync_xform_apply(&inv, t_ref, out);
}

/* How far from t_ref the image of the nearest t may be: the image moves
 * by about the slope from one t to the next. */
static bool near_enough(const lttsync_transform *tf, int64_t t, int64_t v,
			int64_t t_ref)
{
	long double d = fabsl((long double)v - (long double)t_ref);

	return d <= 1 || d <= line_at(tf, t)->slope / 2 + 1;
}

/* Of t and t - 1 (if any), the one whose image is nearer t_ref. */
static lttsync_status nearest(int64_t *out, const lttsync_transform *tf,
			      int64_t t, int64_t t_ref)
{
	int64_t v, w;
	bool has_v = lttsync_transform_apply(&v, tf, t) == LTTSYNC_OK;
	bool has_w = t > INT64_MIN &&
		     lttsync_transform_apply(&w, tf, t - 1) == LTTSYNC_OK;

	/* v >= t_ref > w: the one with the smaller distance (ties: t) */
	if (has_w && (!has_v || (uint64_t)t_ref - (uint64_t)w <
				       (uint64_t)v - (uint64_t)t_ref)) {
		v = w;
		t--;
		has_v = true;
	}
	if (!has_v || !near_enough(tf, t, v, t_ref))
		return LTTSYNC_ERROR_RANGE;
	*out = t;
	return LTTSYNC_OK;
}

/* t, if its image is near enough t_ref. */
static lttsync_status at_end(int64_t *out, const lttsync_transform *tf,
			     int64_t t, int64_t t_ref)
{
	int64_t v;

	if (lttsync_transform_apply(&v, tf, t) != LTTSYNC_OK ||
	    !near_enough(tf, t, v, t_ref))
		return LTTSYNC_ERROR_RANGE;
	*out = t;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_transform_apply_inverse(int64_t *out,
						       const lttsync_transform *tf,
						       int64_t t_ref)
{
	int64_t lo = INT64_MIN, hi = INT64_MAX, g;

	if (!out || !tf || !(tf->f.slope > 0))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	/* A few ns around the guess usually bracket t_ref: then the
	 * bisection takes a few steps instead of 64. */
	if (guess(tf, t_ref, &g)) {
		int64_t a = g > INT64_MIN + 4 ? g - 4 : INT64_MIN;
		int64_t b = g < INT64_MAX - 4 ? g + 4 : INT64_MAX;

		if (!reaches(tf, a, t_ref) && reaches(tf, b, t_ref)) {
			lo = a;
			hi = b;
		}
	}
	/* t_ref at or below tf(INT64_MIN), or above tf(INT64_MAX): only
	 * that end may be near enough. */
	if (reaches(tf, lo, t_ref) || !reaches(tf, hi, t_ref))
		return at_end(out, tf, reaches(tf, lo, t_ref) ? lo : hi, t_ref);
	return nearest(out, tf, bisect(tf, lo, hi, t_ref), t_ref);
}
