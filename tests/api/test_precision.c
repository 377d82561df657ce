/* SPDX-License-Identifier: MIT */
/*
 * Precision through the public API: with timestamps near 1.7e18 ns,
 * the decimal strings a report prints (slope, offset) reproduce
 * lttsync_transform_apply() within 1 ns anywhere across a day, computed
 * here with exact integer arithmetic (no floating point at all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

#include "../common/simulate.h"

typedef __int128 i128;

#define FRAC_DIGITS 30
static const i128 SCALE = (i128)1000000000000000LL * 1000000000000000LL; /* 1e30 */

/* "-12.345" -> value * 1e30, exactly (digits beyond 30 decimals dropped). */
static i128 parse_scaled(const char *s)
{
	bool neg = *s == '-';
	i128 ip = 0, fp = 0;
	int nf = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		ip = ip * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && nf < FRAC_DIGITS; s++, nf++)
			fp = fp * 10 + (*s - '0');
	cr_assert(*s == '\0' || (*s >= '0' && *s <= '9'), "no exponent: %s", s);
	for (; nf < FRAC_DIGITS; nf++)
		fp *= 10;
	/* ip < 2^61 for offsets: ip * 1e30 < 2^161 would overflow, so keep
	 * the integer and fraction apart in the caller instead. */
	cr_assert(ip == 0 || ip < 4000000, "value %s too large to scale", s);
	return neg ? -(ip * SCALE + fp) : ip * SCALE + fp;
}

/* Split "int.frac" into an integer part and a fraction scaled by 1e30. */
static void parse_split(const char *s, i128 *ip, i128 *fp)
{
	bool neg = *s == '-';
	const char *dot;
	char intpart[64];
	size_t n;

	if (neg)
		s++;
	dot = strchr(s, '.');
	n = dot ? (size_t)(dot - s) : strlen(s);
	cr_assert_lt(n, sizeof(intpart));
	memcpy(intpart, s, n);
	intpart[n] = '\0';
	*ip = 0;
	for (const char *p = intpart; *p; p++)
		*ip = *ip * 10 + (*p - '0');
	*fp = dot ? parse_scaled(dot) : 0;
	if (neg) {
		*ip = -*ip;
		*fp = -*fp;
	}
}

/*
 * slope * t where slope = sl / 1e30 (0 <= sl < 2^104) and 0 <= t < 2^62:
 * *q + *r / 1e30 exactly. t is consumed in 26-bit chunks so that every
 * product stays below 2^127.
 */
static void mul_scaled(i128 sl, int64_t t, i128 *q, i128 *r)
{
	i128 sh = sl / SCALE, sf = sl % SCALE;   /* sl = sh * 1e30 + sf */
	i128 fq = 0, fr = 0;                     /* sf * t = fq * 1e30 + fr */

	for (int shift = 52; shift >= 0; shift -= 26) {
		i128 chunk = (t >> shift) & ((1 << 26) - 1);

		fq = (fq << 26) + (fr << 26) / SCALE;
		fr = (fr << 26) % SCALE + sf * chunk;
		fq += fr / SCALE;
		fr %= SCALE;
	}
	*q = sh * t + fq;
	*r = fr;
}

Test(precision, report_strings_reproduce_apply_across_a_day)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		sim_world w;
		lttsync_session *s;
		lttsync_host_id h[2];
		lttsync_transform *tf;
		char slope[LTTSYNC_FORMAT_SIZE], offset[LTTSYNC_FORMAT_SIZE];
		i128 sl, oi, of;

		sim_init(&w, 2, seed, (int64_t)3600 * 1000000000 * 5, 200);
		cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
		lttsync_session_add_host(&h[0], s, "a");
		lttsync_session_add_host(&h[1], s, "b");
		lttsync_session_set_reference(s, h[0]);
		for (int i = 0; i < 200; i++) {
			sim_message m = sim_message_at(&w, i % 2, 1 - i % 2,
						       864e11L * i / 200, 30000, 5000);

			lttsync_session_feed_message(s, h[m.send_host], m.send_ns,
						     h[m.recv_host], m.recv_ns);
		}
		cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h[1]), LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_format(slope, sizeof(slope), tf, LTTSYNC_FIELD_SLOPE), 0);
		cr_assert_eq(lttsync_transform_format(offset, sizeof(offset), tf, LTTSYNC_FIELD_OFFSET), 0);
		sl = parse_scaled(slope);
		parse_split(offset, &oi, &of);
		for (int k = -100; k <= 100; k++) {
			int64_t t = lttsync_transform_get_pivot(tf) + (int64_t)k * 432000000000LL;
			int64_t got;
			i128 q, r, num;
			long double exact, diff;

			cr_assert_eq(lttsync_transform_apply(&got, tf, t), LTTSYNC_OK);
			mul_scaled(sl, t, &q, &r);
			/*
			 * exact - got = q + oi - got + (r + of) / 1e30; every
			 * conversion to floating point goes through int64 (valgrind
			 * mis-converts negative __int128).
			 */
			num = r + of;
			exact = (long double)(int64_t)(q + oi - got + num / SCALE) +
				(long double)(int64_t)(num % SCALE / 1000000000000LL) / 1e18L;
			diff = exact < 0 ? -exact : exact;
			cr_assert(diff <= 1.0L, "seed %lu t=%+d*5d: |%s * t + %s - apply| = %Lg ns",
				  (unsigned long)seed, k, slope, offset, diff);
		}
		lttsync_transform_destroy(tf);
		lttsync_session_destroy(s);
		sim_free(&w);
	}
}
