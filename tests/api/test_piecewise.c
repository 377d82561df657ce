/* SPDX-License-Identifier: MIT */
/*
 * Clocks whose rate changes, against ground truth (tests/ratesim.h): an
 * hour of messages between 4 hosts whose rates step by 1-20 ppm every
 * 3-10 minutes, with one 500 ppm slew of 5-20 s per host. Every host must
 * be accurate, the estimate close to the truth, the function increasing,
 * the result independent of the feed order; and where one line explains
 * the data, the result must be exactly that line.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

#include "../common/ratesim.h"
#include "../common/sim_session.h"

#define HOUR_NS (3600 * 1e9L)
#define HOSTS 4
#define SAMPLES 3000

/* Every pair of `hosts`, ~12 messages a second each way. */
static sim_message *all_pairs(rate_world *w, size_t hosts, size_t *n)
{
	sim_message *m = NULL;

	*n = 0;
	for (uint32_t h = 0; h < hosts; h++)
		for (uint32_t k = h + 1; k < hosts; k++)
			rate_messages(w, h, k, 12, &m, n);
	return m;
}

/* Every field of every segment of a transform, as text (the bounds'
 * widths when `widths`). */
static char *describe(const lttsync_transform *tf, bool widths)
{
	size_t n = lttsync_transform_get_segment_count(tf), len = 0;
	char *out = malloc(n * 4 * LTTSYNC_FORMAT_SIZE + 1);

	out[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		lttsync_transform *seg;
		char slope[LTTSYNC_FORMAT_SIZE], off[LTTSYNC_FORMAT_SIZE];
		int64_t from;
		double width;

		cr_assert_eq(lttsync_transform_get_segment(&seg, &from, &width,
							   tf, k),
			     LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_format(slope, sizeof(slope), seg,
						      LTTSYNC_FIELD_SLOPE),
			     LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_format(off, sizeof(off), seg,
						      LTTSYNC_FIELD_OFFSET),
			     LTTSYNC_OK);
		len += (size_t)sprintf(out + len, "%" PRId64 " %s %s %.17g\n",
				       from, slope, off, widths ? width : 0);
		lttsync_transform_destroy(seg);
	}
	return out;
}

/* The result of a session as text: reference, qualities, segments
 * (with their widths when `widths`). */
static char *result_text_of(lttsync_session *s, size_t hosts, bool widths)
{
	size_t cap = 1 << 20, len = 0;
	char *out = malloc(cap);
	lttsync_host_id ref;

	cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
	len += (size_t)sprintf(out, "ref %u\n", ref);
	for (uint32_t h = 0; h < hosts; h++) {
		lttsync_quality q;
		lttsync_transform *tf;
		char *d;

		cr_assert_eq(lttsync_session_get_host_quality(&q, s, h), LTTSYNC_OK);
		len += (size_t)sprintf(out + len, "host %u %s\n", h,
				       lttsync_quality_string(q));
		if (lttsync_session_get_host_transform(&tf, s, h) != LTTSYNC_OK)
			continue;
		d = describe(tf, widths);
		cr_assert_lt(len + strlen(d), cap);
		len += (size_t)sprintf(out + len, "%s", d);
		free(d);
		lttsync_transform_destroy(tf);
	}
	return out;
}

/* The whole result of a session as text. */
static char *result_text(lttsync_session *s, size_t hosts)
{
	return result_text_of(s, hosts, true);
}

static int cmp_ld(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	return (x > y) - (x < y);
}

/* Whether true time T is within `margin` of a change of some host's rate. */
static bool near_change(const long double *ch, size_t n, long double T,
			long double margin)
{
	for (size_t i = 0; i < n; i++)
		if (fabsl(ch[i] - T) < margin)
			return true;
	return false;
}

struct errors {
	long double p99, max;
	size_t outside, checked;
};

/* Error of host h's transform against the truth at SAMPLES random times. */
static struct errors host_errors(rate_world *w, lttsync_session *s,
				 uint32_t ref, uint32_t h,
				 const long double *ch, size_t n_ch)
{
	long double *err = malloc(SAMPLES * sizeof(*err));
	struct errors e = { 0 };
	lttsync_transform *tf;
	int64_t prev_t = INT64_MIN, prev_v = INT64_MIN;
	int64_t *ts = malloc(SAMPLES * sizeof(*ts));

	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h), LTTSYNC_OK);
	for (int i = 0; i < SAMPLES; i++)
		ts[i] = rate_local(w, h, (0.001L + 0.998L * sim_uniform(&w->rng)) *
					       w->span);
	/* sorted, to check that the function never decreases */
	for (int i = 1; i < SAMPLES; i++)
		for (int j = i; j > 0 && ts[j] < ts[j - 1]; j--) {
			int64_t t = ts[j];

			ts[j] = ts[j - 1];
			ts[j - 1] = t;
		}
	for (int i = 0; i < SAMPLES; i++) {
		int64_t t = ts[i], v, lo, hi;
		long double truth = rate_truth(w, h, ref, t);
		long double T = rate_true_time(w, h, t);

		cr_assert_eq(lttsync_transform_apply(&v, tf, t), LTTSYNC_OK);
		cr_assert(prev_t > t || v >= prev_v || prev_t == INT64_MIN,
			  "host %u: decreasing at %" PRId64, h, t);
		prev_t = t;
		prev_v = v;
		err[i] = fabsl((long double)v - truth);
		if (near_change(ch, n_ch, T, 10e9L))
			continue;
		cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, s, h, t),
			     LTTSYNC_OK);
		e.checked++;
		e.outside += !((long double)lo <= truth && truth <= (long double)hi);
	}
	qsort(err, SAMPLES, sizeof(*err), cmp_ld);
	e.p99 = err[SAMPLES * 99 / 100];
	e.max = err[SAMPLES - 1];
	free(err);
	free(ts);
	lttsync_transform_destroy(tf);
	return e;
}

/* Around every knot of every host's function: never decreasing. */
static void check_knots(lttsync_session *s, size_t hosts)
{
	for (uint32_t h = 0; h < hosts; h++) {
		lttsync_transform *tf;
		size_t n;

		cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h), LTTSYNC_OK);
		n = lttsync_transform_get_segment_count(tf);
		for (size_t k = 1; k < n; k++) {
			lttsync_transform *seg;
			int64_t from, prev = INT64_MIN, v;
			double width;

			cr_assert_eq(lttsync_transform_get_segment(&seg, &from, &width,
								   tf, k),
				     LTTSYNC_OK);
			lttsync_transform_destroy(seg);
			for (int64_t t = from - 3; t <= from + 3; t++) {
				cr_assert_eq(lttsync_transform_apply(&v, tf, t), LTTSYNC_OK);
				cr_assert_geq(v, prev, "host %u decreases at knot %zu", h, k);
				if (t > from - 3)
					cr_assert_leq(v - prev, 2,
						      "host %u jumps at knot %zu", h, k);
				prev = v;
			}
		}
		lttsync_transform_destroy(tf);
	}
}

Test(piecewise, hour_of_changing_rates_four_hosts, .timeout = 600)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		rate_world w;
		size_t n, n_ch;
		sim_message *m;
		lttsync_session *s, *shuffled;
		lttsync_host_id ref;
		long double *ch;
		char *a, *b;

		rate_init(&w, HOSTS, seed, HOUR_NS, 1);
		m = all_pairs(&w, HOSTS, &n);
		ch = rate_changes(&w, &n_ch);
		s = sim_session_of(m, n, HOSTS, 1);
		cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
		for (uint32_t h = 0; h < HOSTS; h++) {
			lttsync_quality q;
			struct errors e;
			lttsync_transform *tf;

			cr_assert_eq(lttsync_session_get_host_quality(&q, s, h),
				     LTTSYNC_OK);
			if (h == ref)
				continue;
			cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE, "seed %lu host %u: %s",
				     (unsigned long)seed, h,
				     lttsync_quality_string(q));
			e = host_errors(&w, s, ref, h, ch, n_ch);
			cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h),
				     LTTSYNC_OK);
			printf("seed %lu host %u: %zu segments, error p99 %.1Lf us, "
			       "max %.1Lf us, truth outside bounds %zu of %zu\n",
			       (unsigned long)seed, h,
			       lttsync_transform_get_segment_count(tf),
			       e.p99 / 1000, e.max / 1000, e.outside, e.checked);
			lttsync_transform_destroy(tf);
			cr_assert_leq(e.p99, 60000, "p99 %.0Lf ns", e.p99);
			cr_assert_leq(e.max, 2000000, "max %.0Lf ns", e.max);
			cr_assert_leq(e.outside * 100, e.checked,
				      "truth outside the bounds at %zu of %zu times",
				      e.outside, e.checked);
		}
		check_knots(s, HOSTS);
		sim_shuffle(&w.rng, m, n);
		shuffled = sim_session_of(m, n, HOSTS, 1);
		a = result_text(s, HOSTS);
		b = result_text(shuffled, HOSTS);
		cr_assert_str_eq(a, b, "shuffled input gives another result");
		free(a);
		free(b);
		lttsync_session_destroy(shuffled);
		lttsync_session_destroy(s);
		free(ch);
		free(m);
		rate_free(&w);
	}
}

/* Host h's accuracy against the truth: quality, errors, bounds. */
static void check_host(rate_world *w, lttsync_session *s, uint32_t ref,
		       uint32_t h, const long double *ch, size_t n_ch)
{
	lttsync_quality q;
	lttsync_transform *tf;
	struct errors e;

	cr_assert_eq(lttsync_session_get_host_quality(&q, s, h), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE, "host %u: %s", h,
		     lttsync_quality_string(q));
	e = host_errors(w, s, ref, h, ch, n_ch);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h), LTTSYNC_OK);
	printf("%.0Lf h, host %u: %zu segments, error p99 %.1Lf us, max %.1Lf us, "
	       "truth outside bounds %zu of %zu\n", w->span / HOUR_NS, h,
	       lttsync_transform_get_segment_count(tf), e.p99 / 1000,
	       e.max / 1000, e.outside, e.checked);
	lttsync_transform_destroy(tf);
	cr_assert_leq(e.p99, 60000, "p99 %.0Lf ns", e.p99);
	cr_assert_leq(e.max, 2000000, "max %.0Lf ns", e.max);
	cr_assert_leq(e.outside * 100, e.checked,
		      "truth outside the bounds at %zu of %zu times", e.outside,
		      e.checked);
}

/* A session of HOSTS hosts whose windows start `width_ns` wide, and
 * whose segments need `span_ns` of evidence on them. */
static lttsync_session *session_of_width(const sim_message *m, size_t n,
					 int64_t width_ns, int64_t span_ns)
{
	lttsync_session *s = sim_session_new(HOSTS, 1);

	cr_assert_eq(lttsync_session_set_segment_window(s, width_ns), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_segment_min_span(s, span_ns), LTTSYNC_OK);
	sim_session_feed(s, m, n);
	return s;
}

/* The index in s of the pair of hosts x, y (pairs are numbered in the
 * order of their first message). */
static size_t pair_index(lttsync_session *s, lttsync_host_id x,
			 lttsync_host_id y)
{
	for (size_t p = 0; p < lttsync_session_get_pair_count(s); p++) {
		lttsync_host_id a, b;

		cr_assert_eq(lttsync_session_get_pair(&a, &b, s, p), LTTSYNC_OK);
		if (a == x && b == y)
			return p;
	}
	cr_assert_fail("no pair %u-%u", x, y);
	return 0;
}

/* Every pair's hull vertices (both directions) of two sessions agree. */
static void same_pair_hulls(lttsync_session *a, lttsync_session *b)
{
	size_t pairs = lttsync_session_get_pair_count(a);

	cr_assert_eq(pairs, lttsync_session_get_pair_count(b));
	cr_assert_gt(pairs, 0);
	for (size_t p = 0; p < pairs; p++)
		for (int d = 0; d < 2; d++) {
			lttsync_host_id x, y;
			size_t q;
			lttsync_pair_direction dir = d ? LTTSYNC_PAIR_SECOND_TO_FIRST
						       : LTTSYNC_PAIR_FIRST_TO_SECOND;
			size_t na, nb;
			lttsync_point *pa, *pb;

			cr_assert_eq(lttsync_session_get_pair(&x, &y, a, p), LTTSYNC_OK);
			q = pair_index(b, x, y);
			cr_assert_eq(lttsync_session_get_pair_hull(&na, NULL, 0, a, p, dir),
				     LTTSYNC_OK);
			cr_assert_eq(lttsync_session_get_pair_hull(&nb, NULL, 0, b, q, dir),
				     LTTSYNC_OK);
			cr_assert_eq(na, nb, "pair %zu: %zu vertices, %zu", p, na, nb);
			pa = malloc((na + 1) * sizeof(*pa));
			pb = malloc((nb + 1) * sizeof(*pb));
			cr_assert_eq(lttsync_session_get_pair_hull(&na, pa, na, a, p, dir),
				     LTTSYNC_OK);
			cr_assert_eq(lttsync_session_get_pair_hull(&nb, pb, nb, b, q, dir),
				     LTTSYNC_OK);
			cr_assert(memcmp(pa, pb, na * sizeof(*pa)) == 0,
				  "pair %zu: the vertices differ", p);
			free(pa);
			free(pb);
		}
}

/*
 * Windows of 0.125 s over an hour are more than a pair keeps: the grid
 * doubles twice as the messages come, and the evidence a segment needs
 * with it. The windows and segments must be exactly those of a grid of
 * 0.5 s and 4 times the evidence from the start (the bounds, which read
 * the windows within the setting of a time, differ), and the whole
 * result that of the same messages shuffled.
 */
Test(piecewise, narrow_windows_coarsened_give_the_wider_result, .timeout = 600)
{
	rate_world w;
	size_t n;
	sim_message *m;
	lttsync_session *wide, *narrow, *shuffled;
	char *a, *b, *c;

	rate_init(&w, HOSTS, 5, HOUR_NS, 1);
	m = all_pairs(&w, HOSTS, &n);
	wide = session_of_width(m, n, 500000000, 8000000000);
	narrow = session_of_width(m, n, 125000000, 2000000000);
	sim_shuffle(&w.rng, m, n);
	shuffled = session_of_width(m, n, 125000000, 2000000000);
	a = result_text_of(wide, HOSTS, false);
	b = result_text_of(narrow, HOSTS, false);
	cr_assert(strstr(a, "accurate"), "%s", a);
	cr_assert_str_eq(a, b, "coarsened windows give other segments");
	free(a);
	free(b);
	b = result_text(narrow, HOSTS);
	c = result_text(shuffled, HOSTS);
	cr_assert_str_eq(b, c, "coarsened windows, shuffled, give another result");
	same_pair_hulls(wide, narrow);
	same_pair_hulls(wide, shuffled);
	free(b);
	free(c);
	lttsync_session_destroy(wide);
	lttsync_session_destroy(narrow);
	lttsync_session_destroy(shuffled);
	free(m);
	rate_free(&w);
}

/*
 * Six hours: more windows of 1 s than a pair keeps, so the pairs end
 * with windows of 4 s. The acceptance of the hour still holds.
 */
Test(piecewise, six_hours_on_coarser_windows, .timeout = 900)
{
	rate_world w;
	size_t n, n_ch;
	sim_message *m;
	lttsync_session *s;
	lttsync_host_id ref;
	long double *ch;

	rate_init(&w, HOSTS, 6, 6 * HOUR_NS, 1);
	m = all_pairs(&w, HOSTS, &n);
	ch = rate_changes(&w, &n_ch);
	s = sim_session_of(m, n, HOSTS, 1);
	cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
	for (uint32_t h = 0; h < HOSTS; h++)
		if (h != ref)
			check_host(&w, s, ref, h, ch, n_ch);
	check_knots(s, HOSTS);
	lttsync_session_destroy(s);
	free(ch);
	free(m);
	rate_free(&w);
}

Test(piecewise, one_line_is_exactly_the_single_line)
{
	for (uint64_t seed = 10; seed <= 12; seed++) {
		rate_world w;
		size_t n;
		sim_message *m;
		lttsync_session *on, *off;
		char *a, *b;

		rate_init(&w, 3, seed, HOUR_NS / 6, 0);
		m = all_pairs(&w, 3, &n);
		on = sim_session_of(m, n, 3, 1);
		off = sim_session_of(m, n, 3, 0);
		a = result_text(on, 3);
		b = result_text(off, 3);
		cr_assert_str_eq(a, b);
		cr_assert(strstr(a, "accurate"), "%s", a);
		for (uint32_t h = 0; h < 3; h++) {
			lttsync_transform *tf;

			cr_assert_eq(lttsync_session_get_host_transform(&tf, on, h),
				     LTTSYNC_OK);
			cr_assert_eq(lttsync_transform_get_segment_count(tf), 1);
			lttsync_transform_destroy(tf);
		}
		free(a);
		free(b);
		lttsync_session_destroy(on);
		lttsync_session_destroy(off);
		free(m);
		rate_free(&w);
	}
}

Test(piecewise, a_single_contradicting_message_stays_a_failure)
{
	rate_world w;
	size_t n;
	sim_message *m;
	lttsync_session *on, *off;
	double v_on, v_off;
	uint64_t c_on, c_off;
	lttsync_quality q;
	char *a, *b;

	rate_init(&w, 2, 7, HOUR_NS / 6, 0);
	m = all_pairs(&w, 2, &n);
	/* a receive 1 ms before it was sent, in the middle of the data */
	m = realloc(m, (n + 1) * sizeof(*m));
	m[n] = (sim_message){ 0, 1, rate_local(&w, 0, HOUR_NS / 12),
			      rate_local(&w, 1, HOUR_NS / 12 - 1e6L) };
	n++;
	on = sim_session_of(m, n, 2, 1);
	off = sim_session_of(m, n, 2, 0);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, on, 0, 1), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_FAIL, "%s", lttsync_quality_string(q));
	cr_assert_eq(lttsync_session_get_pair_violation(&v_on, &c_on, on, 0, 1),
		     LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_pair_violation(&v_off, &c_off, off, 0, 1),
		     LTTSYNC_OK);
	cr_assert_eq(v_on, v_off);
	cr_assert_eq(c_on, c_off);
	cr_assert_gt(c_on, 0);
	a = result_text(on, 2);
	b = result_text(off, 2);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	lttsync_session_destroy(on);
	lttsync_session_destroy(off);
	free(m);
	rate_free(&w);
}

Test(piecewise, segments_off_fails_as_one_line)
{
	rate_world w;
	size_t n;
	sim_message *m;
	lttsync_session *s;
	lttsync_quality q;
	lttsync_transform *tf;

	rate_init(&w, 2, 3, HOUR_NS, 1);
	m = all_pairs(&w, 2, &n);
	s = sim_session_of(m, n, 2, 0);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, 0, 1), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(lttsync_session_get_pair_estimate(&tf, s, 0, 1), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_get_segment_count(tf), 1);
	lttsync_transform_destroy(tf);
	/* the windows were not kept: segments cannot be turned on now */
	cr_assert_eq(lttsync_session_set_segments(s, 1), LTTSYNC_ERROR_NOT_AVAILABLE);
	lttsync_session_destroy(s);
	free(m);
	rate_free(&w);
}

Test(piecewise, pair_segments_both_orientations)
{
	rate_world w;
	size_t n;
	sim_message *m;
	lttsync_session *s;
	lttsync_quality q;
	lttsync_transform *ab, *ba;
	int outside = 0;

	rate_init(&w, 2, 5, HOUR_NS / 2, 1);
	m = all_pairs(&w, 2, &n);
	s = sim_session_of(m, n, 2, 1);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, 0, 1), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE, "%s", lttsync_quality_string(q));
	cr_assert_eq(lttsync_session_get_pair_estimate(&ab, s, 0, 1), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_pair_estimate(&ba, s, 1, 0), LTTSYNC_OK);
	cr_assert_gt(lttsync_transform_get_segment_count(ab), 1);
	for (int i = 0; i < 1000; i++) {
		int64_t t = rate_local(&w, 0, sim_uniform(&w.rng) * HOUR_NS / 2);
		int64_t u, back, lo, hi;
		long double truth = rate_truth(&w, 0, 1, t);

		cr_assert_eq(lttsync_transform_apply(&u, ab, t), LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_apply(&back, ba, u), LTTSYNC_OK);
		cr_assert_leq(llabs(back - t), 2, "round trip %" PRId64, back - t);
		cr_assert_leq(fabsl((long double)u - truth), 2e6L);
		cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, 0, 1, t),
			     LTTSYNC_OK);
		cr_assert_leq(lo, hi);
		/* near a change of rate, the truth may leave the bounds */
		outside += !((long double)lo <= truth && truth <= (long double)hi);
	}
	cr_assert_leq(outside, 10, "truth outside the bounds %d times of 1000",
		      outside);
	lttsync_transform_destroy(ab);
	lttsync_transform_destroy(ba);
	lttsync_session_destroy(s);
	free(m);
	rate_free(&w);
}

Test(piecewise, join_round_trips_the_segments)
{
	rate_world w;
	size_t n, k;
	sim_message *m;
	lttsync_session *s;
	lttsync_transform *tf, *back;

	rate_init(&w, 2, 5, HOUR_NS / 2, 1);
	m = all_pairs(&w, 2, &n);
	s = sim_session_of(m, n, 2, 1);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, 1), LTTSYNC_OK);
	k = lttsync_transform_get_segment_count(tf);
	{
		lttsync_transform **lines = calloc(k, sizeof(*lines));
		int64_t *from = calloc(k, sizeof(*from));

		for (size_t i = 0; i < k; i++) {
			lttsync_transform *seg;
			char sl[LTTSYNC_FORMAT_SIZE], off[LTTSYNC_FORMAT_SIZE];
			double width;

			cr_assert_eq(lttsync_transform_get_segment(&seg, &from[i],
								   &width, tf, i),
				     LTTSYNC_OK);
			lttsync_transform_format(sl, sizeof(sl), seg, LTTSYNC_FIELD_SLOPE);
			lttsync_transform_format(off, sizeof(off), seg, LTTSYNC_FIELD_OFFSET);
			cr_assert_eq(lttsync_transform_parse(&lines[i], sl, "0", off),
				     LTTSYNC_OK);
			lttsync_transform_destroy(seg);
		}
		cr_assert_eq(lttsync_transform_join(&back, (const lttsync_transform *const *)lines,
						    from, k),
			     LTTSYNC_OK);
		cr_assert_eq(lttsync_transform_get_segment_count(back), k);
		for (int i = 0; i < 2000; i++) {
			int64_t t = rate_local(&w, 1, sim_uniform(&w.rng) * HOUR_NS / 2);
			int64_t v1, v2;

			cr_assert_eq(lttsync_transform_apply(&v1, tf, t), LTTSYNC_OK);
			cr_assert_eq(lttsync_transform_apply(&v2, back, t), LTTSYNC_OK);
			cr_assert_leq(llabs(v1 - v2), 1);
		}
		for (size_t i = 0; i < k; i++)
			lttsync_transform_destroy(lines[i]);
		free(lines);
		free(from);
	}
	lttsync_transform_destroy(back);
	lttsync_transform_destroy(tf);
	lttsync_session_destroy(s);
	free(m);
	rate_free(&w);
}

/*
 * Corrected by the hosts' transforms, no message may arrive before it was
 * sent: the joints and the compositions along paths keep every message's
 * order, also near a change of rate. Nor may a pair's own function
 * (sender's time to receiver's) put a message's receive before its send.
 */
Test(piecewise, no_message_inverted_after_correction, .timeout = 600)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		rate_world w;
		size_t n, inverted = 0, pair_inverted = 0;
		sim_message *m;
		lttsync_session *s;
		lttsync_transform *tf[HOSTS], *pair[HOSTS][HOSTS];

		rate_init(&w, HOSTS, seed, HOUR_NS, 1);
		m = all_pairs(&w, HOSTS, &n);
		s = sim_session_of(m, n, HOSTS, 1);
		for (uint32_t h = 0; h < HOSTS; h++) {
			cr_assert_eq(lttsync_session_get_host_transform(&tf[h], s, h),
				     LTTSYNC_OK);
			for (uint32_t k = 0; k < HOSTS; k++)
				cr_assert_eq(k == h ? LTTSYNC_OK :
					     lttsync_session_get_pair_estimate(&pair[h][k],
									       s, h, k),
					     LTTSYNC_OK);
		}
		for (size_t i = 0; i < n; i++) {
			int64_t send, recv;

			cr_assert_eq(lttsync_transform_apply(&recv,
							     pair[m[i].send_host][m[i].recv_host],
							     m[i].send_ns),
				     LTTSYNC_OK);
			if (m[i].recv_ns < recv && pair_inverted++ < 5)
				printf("seed %lu: host%u %" PRId64 " -> host%u %" PRId64
				       " arrives %" PRId64 " ns early in the pair's function\n",
				       (unsigned long)seed, m[i].send_host, m[i].send_ns,
				       m[i].recv_host, m[i].recv_ns, recv - m[i].recv_ns);

			cr_assert_eq(lttsync_transform_apply(&send, tf[m[i].send_host],
							     m[i].send_ns),
				     LTTSYNC_OK);
			cr_assert_eq(lttsync_transform_apply(&recv, tf[m[i].recv_host],
							     m[i].recv_ns),
				     LTTSYNC_OK);
			if (recv < send && inverted++ < 5)
				printf("seed %lu: host%u %" PRId64 " -> host%u %" PRId64
				       " arrives %" PRId64 " ns early (true %.1Lf s)\n",
				       (unsigned long)seed, m[i].send_host, m[i].send_ns,
				       m[i].recv_host, m[i].recv_ns, send - recv,
				       rate_true_time(&w, m[i].send_host, m[i].send_ns) / 1e9L);
		}
		/* bounds at every knot of every pair's function, joints of
		 * several pieces included */
		for (uint32_t h = 0; h < HOSTS; h++)
			for (uint32_t k = 0; k < HOSTS; k++) {
				size_t nk = k == h ? 0 :
					    lttsync_transform_get_segment_count(pair[h][k]);

				for (size_t i = 1; i < nk; i++) {
					lttsync_transform *seg;
					int64_t from, lo, hi;
					double width;
					lttsync_status st;

					cr_assert_eq(lttsync_transform_get_segment(&seg, &from,
										   &width, pair[h][k], i),
						     LTTSYNC_OK);
					lttsync_transform_destroy(seg);
					st = lttsync_session_get_pair_bounds_at(&lo, &hi, s, h, k,
										from);
					cr_assert(st == LTTSYNC_OK || st == LTTSYNC_ERROR_NOT_AVAILABLE,
						  "%s", lttsync_status_string(st));
					cr_assert(st != LTTSYNC_OK || lo <= hi);
				}
			}
		printf("seed %lu: %zu of %zu messages inverted, %zu in their "
		       "pair's function\n", (unsigned long)seed, inverted, n,
		       pair_inverted);
		cr_expect_eq(inverted, 0, "seed %lu: %zu of %zu messages inverted",
			     (unsigned long)seed, inverted, n);
		cr_expect_eq(pair_inverted, 0,
			     "seed %lu: %zu of %zu messages inverted in their pair's function",
			     (unsigned long)seed, pair_inverted, n);
		for (uint32_t h = 0; h < HOSTS; h++) {
			lttsync_transform_destroy(tf[h]);
			for (uint32_t k = 0; k < HOSTS; k++)
				if (k != h)
					lttsync_transform_destroy(pair[h][k]);
		}
		lttsync_session_destroy(s);
		free(m);
		rate_free(&w);
	}
}
