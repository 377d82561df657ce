/* SPDX-License-Identifier: MIT */
/*
 * The transform calls of 0.2: the inverse (checked against
 * lttsync_transform_apply() itself, on random lines, on joined segments,
 * at every ns around their joints, at the int64 limits), the copy, the
 * offset at a time, and the equation field (never `+ -`).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

/* xorshift64*: reproducible without depending on the C library. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

/* Uniform in [-1, 1). */
static double unit(void)
{
	return (double)(rnd() >> 11) / (double)(UINT64_C(1) << 52) - 1;
}

/* Uniform in [lo, hi]. */
static int64_t between(int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)hi - (uint64_t)lo;

	return (int64_t)((uint64_t)lo + (span == UINT64_MAX ? rnd() : rnd() % (span + 1)));
}

static lttsync_transform *parse(const char *slope, int64_t pivot,
				const char *pivot_ref)
{
	lttsync_transform *tf = NULL;
	char p[32];

	snprintf(p, sizeof(p), "%" PRId64, pivot);
	cr_assert_eq(lttsync_transform_parse(&tf, slope, p, pivot_ref), LTTSYNC_OK,
		     "%s %s %s", slope, p, pivot_ref);
	return tf;
}

/* slope near 1 (+- 1e-3), pivot anywhere within +-2^62, pivot_ref the
 * pivot plus an offset up to +-1e18 with a fraction. */
static lttsync_transform *random_line(int64_t *out_pivot)
{
	char slope[64], ref[64];
	int64_t pivot = between(-(INT64_C(1) << 62), INT64_C(1) << 62);
	int64_t offset = (int64_t)(unit() * 1e18);

	snprintf(slope, sizeof(slope), "%.19f", 1 + unit() * 1e-3);
	snprintf(ref, sizeof(ref), "%" PRId64 ".%09" PRIu64, pivot + offset,
		 rnd() % 1000000000u);
	*out_pivot = pivot;
	return parse(slope, pivot, ref);
}

/* apply(t), or false when beyond int64. */
static bool image(const lttsync_transform *tf, int64_t t, int64_t *v)
{
	return lttsync_transform_apply(v, tf, t) == LTTSYNC_OK;
}

static uint64_t distance(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

/*
 * The inverse of t_ref must be a t whose image is within 1 ns of t_ref
 * (slopes at most 2) and no farther than its neighbours'; RANGE only
 * when t_ref lies beyond the images of the int64 ends. Returns whether
 * it was in range.
 */
static bool check_inverse(const lttsync_transform *tf, int64_t t_ref)
{
	int64_t t = 0, v, w, lo, hi;
	lttsync_status st = lttsync_transform_apply_inverse(&t, tf, t_ref);

	if (st == LTTSYNC_ERROR_RANGE) {
		bool below = image(tf, INT64_MIN, &lo) && lo > t_ref &&
			     distance(lo, t_ref) > 1;
		bool above = image(tf, INT64_MAX, &hi) && hi < t_ref &&
			     distance(hi, t_ref) > 1;
		bool beyond = !image(tf, INT64_MIN, &lo) || !image(tf, INT64_MAX, &hi);

		cr_assert(below || above || beyond,
			  "t_ref %" PRId64 " refused though inside [%" PRId64 ", %" PRId64 "]",
			  t_ref, lo, hi);
		return false;
	}
	cr_assert_eq(st, LTTSYNC_OK, "t_ref %" PRId64 ": status %d", t_ref, st);
	cr_assert(image(tf, t, &v), "inverse %" PRId64 " has no image", t);
	cr_assert_leq(distance(v, t_ref), 1, "t_ref %" PRId64 " -> t %" PRId64
		      " -> %" PRId64, t_ref, t, v);
	if (t > INT64_MIN && image(tf, t - 1, &w))
		cr_assert_geq(distance(w, t_ref), distance(v, t_ref),
			      "t - 1 maps nearer t_ref %" PRId64, t_ref);
	if (t < INT64_MAX && image(tf, t + 1, &w))
		cr_assert_geq(distance(w, t_ref), distance(v, t_ref),
			      "t + 1 maps nearer t_ref %" PRId64, t_ref);
	return true;
}

Test(inverse, random_lines)
{
	size_t in_range = 0, refused = 0;

	for (int k = 0; k < 300; k++) {
		int64_t pivot, y;
		lttsync_transform *tf = random_line(&pivot);

		cr_assert(image(tf, pivot, &y));
		for (int i = 0; i < 300; i++) {
			/* near the data, within a day, and anywhere */
			int64_t t_ref = i % 3 == 0 ? y + between(-1000000, 1000000)
				      : i % 3 == 1 ? y + between(-INT64_C(86400000000000),
								 INT64_C(86400000000000))
				      : (int64_t)rnd();

			if (check_inverse(tf, t_ref))
				in_range++;
			else
				refused++;
		}
		lttsync_transform_destroy(tf);
	}
	cr_assert_gt(in_range, 60000, "%zu in range, %zu refused", in_range, refused);
}

/* Lines of `n` segments that meet (each starts at its predecessor's
 * value at its start), slopes near 1, from[] at random distances. */
static lttsync_transform *random_joined(size_t n, int64_t *from)
{
	lttsync_transform **lines = calloc(n, sizeof(*lines));
	lttsync_transform *tf = NULL;
	int64_t pivot, v;
	char slope[64], ref[32];

	lines[0] = random_line(&pivot);
	from[0] = INT64_MIN;
	for (size_t k = 1; k < n; k++) {
		from[k] = (k == 1 ? pivot : from[k - 1]) + between(1, 5000000000);
		cr_assert(image(lines[k - 1], from[k], &v));
		snprintf(slope, sizeof(slope), "%.19f", 1 + unit() * 1e-3);
		snprintf(ref, sizeof(ref), "%" PRId64, v);
		lines[k] = parse(slope, from[k], ref);
	}
	cr_assert_eq(lttsync_transform_join(&tf, (const lttsync_transform *const *)lines,
					    from, n), LTTSYNC_OK);
	for (size_t k = 0; k < n; k++)
		lttsync_transform_destroy(lines[k]);
	free(lines);
	return tf;
}

Test(inverse, joined_segments_every_ns_near_joints)
{
	enum { SEGS = 6, AROUND = 3000 };
	int64_t from[SEGS], y, prev;

	for (int k = 0; k < 20; k++) {
		lttsync_transform *tf = random_joined(SEGS, from);

		cr_assert_eq(lttsync_transform_get_segment_count(tf), SEGS);
		for (size_t j = 1; j < SEGS; j++) {
			cr_assert(image(tf, from[j], &y));
			prev = INT64_MIN;
			for (int64_t d = -AROUND; d <= AROUND; d++) {
				int64_t t;

				cr_assert(check_inverse(tf, y + d));
				cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, y + d),
					     LTTSYNC_OK);
				/* the inverse of an increasing function increases */
				cr_assert_geq(t, prev, "not monotone at %" PRId64, y + d);
				prev = t;
			}
		}
		for (int i = 0; i < 2000; i++)
			check_inverse(tf, (int64_t)rnd());
		lttsync_transform_destroy(tf);
	}
}

/* Segments that do not meet: the gap between them is not in the range. */
Test(inverse, gap_between_segments_is_out_of_range)
{
	lttsync_transform *lines[2], *tf;
	int64_t from[2] = { INT64_MIN, 1000000 }, t;

	lines[0] = parse("1", 0, "0");
	lines[1] = parse("1", 1000000, "1010000"); /* jumps by 10 us */
	cr_assert_eq(lttsync_transform_join(&tf, (const lttsync_transform *const *)lines,
					    from, 2), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, 999999), LTTSYNC_OK);
	cr_assert_eq(t, 999999);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, 1005000), LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, 1010000), LTTSYNC_OK);
	cr_assert_eq(t, 1000000);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, 1010001), LTTSYNC_OK);
	cr_assert_eq(t, 1000001);
	lttsync_transform_destroy(tf);
	lttsync_transform_destroy(lines[0]);
	lttsync_transform_destroy(lines[1]);
}

Test(inverse, int64_limits)
{
	lttsync_transform *id = parse("1", 0, "0");
	lttsync_transform *ahead = parse("1", 0, "1000000000000000000");
	lttsync_transform *slow = parse("0.999", 0, "0");
	lttsync_transform *fast = parse("1.001", 0, "0");
	int64_t t, v;

	cr_assert_eq(lttsync_transform_apply_inverse(&t, id, INT64_MAX), LTTSYNC_OK);
	cr_assert_eq(t, INT64_MAX);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, id, INT64_MIN), LTTSYNC_OK);
	cr_assert_eq(t, INT64_MIN);
	/* 1e18 ahead: INT64_MAX comes from INT64_MAX - 1e18; INT64_MIN from
	 * below int64. */
	cr_assert_eq(lttsync_transform_apply_inverse(&t, ahead, INT64_MAX), LTTSYNC_OK);
	cr_assert_eq(t, INT64_MAX - INT64_C(1000000000000000000));
	cr_assert_eq(lttsync_transform_apply_inverse(&t, ahead, INT64_MIN),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, ahead,
						     INT64_MIN + INT64_C(1000000000000000000)),
		     LTTSYNC_OK);
	cr_assert_eq(t, INT64_MIN);
	/* A slope below 1 maps int64 onto less than int64. */
	cr_assert_eq(lttsync_transform_apply_inverse(&t, slow, INT64_MAX), LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, slow, INT64_MIN), LTTSYNC_ERROR_RANGE);
	cr_assert(image(slow, INT64_MAX, &v));
	cr_assert_eq(lttsync_transform_apply_inverse(&t, slow, v), LTTSYNC_OK);
	cr_assert_eq(t, INT64_MAX);
	/* Above 1: the ends of int64 come from within it. */
	cr_assert_eq(lttsync_transform_apply_inverse(&t, fast, INT64_MAX), LTTSYNC_OK);
	cr_assert(image(fast, t, &v));
	cr_assert_leq(distance(v, INT64_MAX), 1);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, fast, INT64_MIN), LTTSYNC_OK);
	cr_assert(image(fast, t, &v));
	cr_assert_leq(distance(v, INT64_MIN), 1);
	for (int64_t d = 0; d < 2000; d++) {
		check_inverse(fast, INT64_MAX - d);
		check_inverse(fast, INT64_MIN + d);
		check_inverse(slow, INT64_MAX - d);
		check_inverse(ahead, INT64_MIN + INT64_C(1000000000000000000) + d);
	}
	lttsync_transform_destroy(id);
	lttsync_transform_destroy(ahead);
	lttsync_transform_destroy(slow);
	lttsync_transform_destroy(fast);
}

/* A slope above 2: consecutive times map slope ns apart; nearest still. */
Test(inverse, steep_slope_gives_the_nearest)
{
	lttsync_transform *tf = parse("3.5", 100, "7");
	int64_t t, v, w;

	for (int64_t r = -1000; r < 1000; r++) {
		cr_assert_eq(lttsync_transform_apply_inverse(&t, tf, r), LTTSYNC_OK);
		cr_assert(image(tf, t, &v));
		cr_assert_leq(distance(v, r), 2, "%" PRId64 " -> %" PRId64, r, v);
		cr_assert(image(tf, t + 1, &w) && distance(w, r) >= distance(v, r));
		cr_assert(image(tf, t - 1, &w) && distance(w, r) >= distance(v, r));
	}
	lttsync_transform_destroy(tf);
}

Test(inverse, bad_arguments)
{
	lttsync_transform *tf = parse("1", 0, "0");
	int64_t t = 42;

	cr_assert_eq(lttsync_transform_apply_inverse(NULL, tf, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_apply_inverse(&t, NULL, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(t, 42);
	lttsync_transform_destroy(tf);
}

/* ---- copy ---------------------------------------------------------------- */

Test(copy, same_mapping_and_fields_independent_of_the_original)
{
	int64_t from[4], pivot, v, w;
	lttsync_transform *sources[2], *copy[2];
	char a[2 * LTTSYNC_FORMAT_SIZE], b[2 * LTTSYNC_FORMAT_SIZE];

	sources[0] = random_line(&pivot);
	sources[1] = random_joined(4, from);
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(lttsync_transform_copy(&copy[k], sources[k]), LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_get_segment_count(copy[k]),
			     lttsync_transform_get_segment_count(sources[k]));
		for (int f = LTTSYNC_FIELD_SLOPE; f <= LTTSYNC_FIELD_EQUATION; f++) {
			cr_assert_eq(lttsync_transform_format(a, sizeof(a), sources[k], f), 0);
			cr_assert_eq(lttsync_transform_format(b, sizeof(b), copy[k], f), 0);
			cr_assert_str_eq(a, b);
		}
		for (int i = 0; i < 10000; i++) {
			int64_t t = i % 2 ? (int64_t)rnd() : pivot + between(-INT64_C(10000000000),
									   INT64_C(10000000000));
			bool ok = image(sources[k], t, &v);

			cr_assert_eq(image(copy[k], t, &w), ok);
			if (ok)
				cr_assert_eq(v, w);
		}
	}
	/* The copy outlives its original. */
	cr_assert(image(sources[1], from[2], &v));
	lttsync_transform_destroy(sources[0]);
	lttsync_transform_destroy(sources[1]);
	cr_assert(image(copy[1], from[2], &w));
	cr_assert_eq(v, w);
	lttsync_transform_destroy(copy[0]);
	lttsync_transform_destroy(copy[1]);
	cr_assert_eq(lttsync_transform_copy(NULL, copy[0] = parse("1", 0, "0")),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_copy(&copy[1], NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	lttsync_transform_destroy(copy[0]);
}

/* ---- offset at a time ---------------------------------------------------- */

Test(offset, matches_the_exact_line)
{
	for (int k = 0; k < 200; k++) {
		int64_t pivot, y;
		lttsync_transform *tf = random_line(&pivot);
		char ref[LTTSYNC_FORMAT_SIZE], slope[LTTSYNC_FORMAT_SIZE];
		long double s, r;

		cr_assert_eq(lttsync_transform_format(slope, sizeof(slope), tf,
						      LTTSYNC_FIELD_SLOPE), 0);
		cr_assert_eq(lttsync_transform_format(ref, sizeof(ref), tf,
						      LTTSYNC_FIELD_PIVOT_REF), 0);
		s = strtold(slope, NULL);
		/* pivot_ref - pivot: split, so that 1e18 keeps its fraction */
		r = (long double)(strtoll(ref, NULL, 10) - pivot) +
		    (strchr(ref, '.') ? strtold(strchr(ref, '.'), NULL) *
					       (ref[0] == '-' ? -1 : 1) : 0);
		for (int i = 0; i < 100; i++) {
			int64_t d = between(-INT64_C(86400000000000), INT64_C(86400000000000));
			long double want = r + (s - 1) * (long double)d;
			double got;

			cr_assert_eq(lttsync_transform_get_offset_at(&got, tf, pivot + d), 0);
			/* the double's own resolution at 1e18 is 128 ns */
			cr_assert_leq(fabsl((long double)got - want),
				      1e-3L + fabsl(want) * 0x1p-52L,
				      "offset %.3f, want %.3Lf", got, want);
			cr_assert(image(tf, pivot + d, &y));
			cr_assert_leq(fabsl((long double)(y - (pivot + d)) - (long double)got),
				      0.5L + fabsl(want) * 0x1p-52L);
		}
		lttsync_transform_destroy(tf);
	}
}

Test(offset, piecewise_uses_the_segment_in_force)
{
	int64_t from[5], seg_from;
	lttsync_transform *tf = random_joined(5, from), *seg;
	double a, b, width;

	for (size_t k = 0; k < 5; k++) {
		int64_t t = k ? from[k] + 12345 : from[1] - 12345;

		cr_assert_eq(lttsync_transform_get_segment(&seg, &seg_from, &width, tf, k), 0);
		cr_assert_eq(lttsync_transform_get_offset_at(&a, tf, t), 0);
		cr_assert_eq(lttsync_transform_get_offset_at(&b, seg, t), 0);
		cr_assert_eq(a, b, "segment %zu: %.3f vs %.3f", k, a, b);
		lttsync_transform_destroy(seg);
	}
	cr_assert_eq(lttsync_transform_get_offset_at(NULL, tf, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_get_offset_at(&a, NULL, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	lttsync_transform_destroy(tf);
}

/* ---- the equation field -------------------------------------------------- */

static void check_equation(const char *pivot_ref, char sign)
{
	lttsync_transform *tf = parse("1.0000513", 1361214092915325985, pivot_ref);
	char eq[2 * LTTSYNC_FORMAT_SIZE], slope[LTTSYNC_FORMAT_SIZE],
		offset[LTTSYNC_FORMAT_SIZE], want[3 * LTTSYNC_FORMAT_SIZE];

	cr_assert_eq(lttsync_transform_format(eq, sizeof(eq), tf, LTTSYNC_FIELD_EQUATION), 0);
	cr_assert_eq(lttsync_transform_format(slope, sizeof(slope), tf, LTTSYNC_FIELD_SLOPE), 0);
	cr_assert_eq(lttsync_transform_format(offset, sizeof(offset), tf, LTTSYNC_FIELD_OFFSET), 0);
	cr_assert_null(strstr(eq, "+ -"), "%s", eq);
	cr_assert_eq(offset[0] == '-', sign == '-', "%s", offset);
	snprintf(want, sizeof(want), "%s * t %c %s", slope, sign,
		 offset + (offset[0] == '-'));
	cr_assert_str_eq(eq, want);
	cr_assert(strlen(eq) < LTTSYNC_FORMAT_SIZE, "%zu characters", strlen(eq));
	/* Too small a buffer: RANGE. */
	cr_assert_eq(lttsync_transform_format(eq, 10, tf, LTTSYNC_FIELD_EQUATION),
		     LTTSYNC_ERROR_RANGE);
	lttsync_transform_destroy(tf);
}

Test(format, equation_never_plus_minus)
{
	/* offset = pivot_ref - slope * pivot: negative, then positive */
	check_equation("1361214092915325985.25", '-');
	check_equation("1361284092915325985.25", '+');
}
