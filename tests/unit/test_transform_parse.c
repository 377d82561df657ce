/* SPDX-License-Identifier: MIT */
/*
 * lttsync_transform_parse(): a transform read back from the text that
 * lttsync_transform_format() writes (as in a JSON report) applies within
 * 1 ns of the original; malformed text is refused with the documented
 * status.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include <lttsync/lttsync.h>

#include "transform_api.h"

#include "../common/xorshift.h"

static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

/* A transform such as synchronization produces: epoch pivot, drift up to
 * +-500 ppm, offset up to +-3 h, a fractional part. */
static lttsync_transform *random_transform(void)
{
	lsync_xform f = lsync_xform_identity();

	f.x0 = rng_range(1600000000000000000ll, 1800000000000000000ll);
	f.y0 = f.x0 + rng_range(-10800000000000ll, 10800000000000ll);
	f.y0_frac = (long double)(rng() >> 11) / 0x1p53L;
	f.slope = 1 + (long double)rng_range(-500000, 500000) * 1e-9L +
		  (long double)(rng() >> 11) * 0x1p-80L;
	return lsync_transform_new(&f);
}

static void text(char *buf, const lttsync_transform *tf, lttsync_transform_field f)
{
	cr_assert_eq(lttsync_transform_format(buf, LTTSYNC_FORMAT_SIZE, tf, f), LTTSYNC_OK);
}

static void assert_close(const lttsync_transform *a, const lttsync_transform *b,
			 int64_t t, int64_t tolerance)
{
	int64_t ya, yb;

	cr_assert_eq(lttsync_transform_apply(&ya, a, t), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&yb, b, t), LTTSYNC_OK);
	cr_assert(llabs(ya - yb) <= tolerance, "t=%lld: %lld vs %lld", (long long)t,
		  (long long)ya, (long long)yb);
}

Test(transform_parse, round_trip_of_the_pivot_form_within_1ns)
{
	for (int i = 0; i < 2000; i++) {
		lttsync_transform *tf = random_transform(), *back = NULL;
		char slope[LTTSYNC_FORMAT_SIZE], pivot[LTTSYNC_FORMAT_SIZE],
			ref[LTTSYNC_FORMAT_SIZE];

		text(slope, tf, LTTSYNC_FIELD_SLOPE);
		text(pivot, tf, LTTSYNC_FIELD_PIVOT);
		text(ref, tf, LTTSYNC_FIELD_PIVOT_REF);
		cr_assert_eq(lttsync_transform_parse(&back, slope, pivot, ref), LTTSYNC_OK,
			     "%s %s %s", slope, pivot, ref);
		cr_assert_eq(back->f.slope, tf->f.slope, "the slope's digits are exact");
		cr_assert_eq(lttsync_transform_get_pivot(back), lttsync_transform_get_pivot(tf));
		for (int k = 0; k < 20; k++)
			assert_close(tf, back, tf->f.x0 + rng_range(-86400000000000ll,
								      86400000000000ll), 1);
		lttsync_transform_destroy(back);
		lttsync_transform_destroy(tf);
	}
}

/* Does long double have its 64-bit mantissa here (not under valgrind)? */
static bool full_long_double(void)
{
	volatile long double one = 1, tiny = 0x1p-63L;

	return one + tiny != one;
}

Test(transform_parse, slope_and_offset_form_within_1ns)
{
	if (!full_long_double())
		cr_skip_test("needs the x87 64-bit mantissa (valgrind has 53 bits)");
	for (int i = 0; i < 500; i++) {
		lttsync_transform *tf = random_transform(), *back = NULL;
		char slope[LTTSYNC_FORMAT_SIZE], offset[LTTSYNC_FORMAT_SIZE];

		text(slope, tf, LTTSYNC_FIELD_SLOPE);
		text(offset, tf, LTTSYNC_FIELD_OFFSET);
		cr_assert_eq(lttsync_transform_parse(&back, slope, "0", offset), LTTSYNC_OK);
		for (int k = 0; k < 20; k++)
			assert_close(tf, back, tf->f.x0 + rng_range(-86400000000000ll,
								      86400000000000ll), 1);
		lttsync_transform_destroy(back);
		lttsync_transform_destroy(tf);
	}
}

Test(transform_parse, negative_and_signed_values)
{
	lttsync_transform *tf = NULL;
	int64_t y;

	cr_assert_eq(lttsync_transform_parse(&tf, "1", "0", "-12.25"), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&y, tf, 0), LTTSYNC_OK);
	cr_assert_eq(y, -12, "-12.25 rounds to -12");
	cr_assert_eq(lttsync_transform_apply(&y, tf, -1), LTTSYNC_OK);
	cr_assert_eq(y, -13);
	lttsync_transform_destroy(tf);
	cr_assert_eq(lttsync_transform_parse(&tf, "+2", "-10", "+.5"), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&y, tf, -9), LTTSYNC_OK);
	cr_assert_eq(y, 3, "0.5 + 2 * 1 = 2.5 rounds away from zero");
	lttsync_transform_destroy(tf);
	cr_assert_eq(lttsync_transform_parse(&tf, "9.99e-1", "5", "-0.5"), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&y, tf, 5), LTTSYNC_OK);
	cr_assert_eq(y, -1, "-0.5 rounds away from zero");
	lttsync_transform_destroy(tf);
}

Test(transform_parse, malformed_text_is_refused)
{
	static const char *const bad[][3] = {
		{ "", "0", "0" },      { "abc", "0", "0" },   { "1..2", "0", "0" },
		{ "nan", "0", "0" },   { "inf", "0", "0" },   { "-1", "0", "0" },
		{ "0", "0", "0" },     { "1", "", "0" },      { "1", "1.5", "0" },
		{ "1", "1e3", "0" },   { "1", " 1", "0" },    { "1", "0", "" },
		{ "1", "0", "1e3" },   { "1", "0", "." },     { "1", "0", "12a" },
		{ "0x1p0", "0", "0" }, { "1e", "0", "0" },    { "1", "0", "--1" },
	};
	lttsync_transform *tf = (lttsync_transform *)&tf;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(lttsync_transform_parse(&tf, bad[i][0], bad[i][1], bad[i][2]),
			     LTTSYNC_ERROR_INVALID_ARGUMENT, "case %zu: \"%s\" \"%s\" \"%s\"", i,
			     bad[i][0], bad[i][1], bad[i][2]);
	cr_assert_eq(tf, (lttsync_transform *)&tf, "out untouched on failure");
}

Test(transform_parse, out_of_range_and_null)
{
	lttsync_transform *tf = NULL;

	cr_assert_eq(lttsync_transform_parse(&tf, "1", "9223372036854775808", "0"),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(&tf, "1", "0", "-9223372036854775808.5"),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(&tf, "1", "0", "123456789012345678901234567890"),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(&tf, "1e99999", "0", "0"), LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(&tf, "1e-99999", "0", "0"), LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(NULL, "1", "0", "0"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_parse(&tf, NULL, "0", "0"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_parse(&tf, "1", NULL, "0"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_parse(&tf, "1", "0", NULL),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_null(tf);
}

/* Huge slopes: applying or printing them is OK or RANGE, and never
 * shifts by more than the integer's width (run under UBSan). */
Test(transform_parse, huge_exponents_are_handled)
{
	static const char *slopes[] = { "1e300", "1e4000", "1e-4000", "1e-300" };
	char buf[LTTSYNC_FORMAT_SIZE];
	lttsync_transform *tf;
	int64_t y;

	for (size_t i = 0; i < sizeof(slopes) / sizeof(slopes[0]); i++) {
		lttsync_status st = lttsync_transform_parse(&tf, slopes[i], "0", "0");

		if (st == LTTSYNC_ERROR_RANGE)
			continue;
		cr_assert_eq(st, LTTSYNC_OK, "%s", slopes[i]);
		st = lttsync_transform_apply(&y, tf, 0);
		cr_expect(st == LTTSYNC_OK || st == LTTSYNC_ERROR_RANGE, "%s", slopes[i]);
		if (st == LTTSYNC_OK)
			cr_expect_eq(y, 0, "%s: 0 maps to 0", slopes[i]);
		st = lttsync_transform_apply(&y, tf, 1);
		cr_expect(st == LTTSYNC_OK || st == LTTSYNC_ERROR_RANGE, "%s", slopes[i]);
		for (int f = LTTSYNC_FIELD_SLOPE; f <= LTTSYNC_FIELD_PIVOT_REF; f++)
			cr_expect_eq(lttsync_transform_format(buf, sizeof(buf), tf,
				     (lttsync_transform_field)f), LTTSYNC_OK,
				     "%s, field %d", slopes[i], f);
		lttsync_transform_destroy(tf);
	}
}

Test(transform_parse, tiny_slope_is_out_of_range_zero_is_invalid)
{
	lttsync_transform *tf = NULL;

	/* Below any long double: an underflow, not a slope of 0. */
	cr_assert_eq(lttsync_transform_parse(&tf, "1e-5000", "0", "0"),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lttsync_transform_parse(&tf, "0.000e-5000", "0", "0"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_parse(&tf, "0", "0", "0"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_null(tf);
}
