/* SPDX-License-Identifier: MIT */
/*
 * The public API, through the shared library only: argument checking,
 * hosts and traces, hand-computed synchronization results with exact
 * answers, every quality transition, streaming, matching counters.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

/* Epoch-sized base so that precision problems would show. */
#define T0 ((int64_t)1700000000 * 1000000000)

static lttsync_session *s;
static lttsync_host_id A, B;

static void setup(void)
{
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&A, s, "alpha"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&B, s, "beta"), LTTSYNC_OK);
}

static void teardown(void)
{
	lttsync_session_destroy(s);
}

/* A message A->B is the point (x, y) = (send on A, recv on B). */
static void a_to_b(int64_t x, int64_t y)
{
	cr_assert_eq(lttsync_session_feed_message(s, A, T0 + x, B, T0 + y),
		     LTTSYNC_OK);
}

/* A message B->A, sent at B-time y and received at A-time x. */
static void b_to_a(int64_t x, int64_t y)
{
	cr_assert_eq(lttsync_session_feed_message(s, B, T0 + y, A, T0 + x),
		     LTTSYNC_OK);
}

static lttsync_quality pair_quality(void)
{
	lttsync_quality q;

	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, A, B), LTTSYNC_OK);
	return q;
}

/* The hand case of doc/algorithm.md: t_B = t_A + 1000, bounds 0.8..1.2. */
static void feed_square(void)
{
	a_to_b(0, 1100);
	a_to_b(1000, 2100);
	b_to_a(0, 900);
	b_to_a(1000, 1900);
}

TestSuite(api, .init = setup, .fini = teardown);

Test(api, version_matches_headers)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u.%u.%u", lttsync_version_major(),
		 lttsync_version_minor(), lttsync_version_patch());
	cr_assert_str_eq(lttsync_version_string(), LTTSYNC_VERSION_STRING);
	cr_assert_str_eq(buf, LTTSYNC_VERSION_STRING);
}

Test(api, strings)
{
	cr_assert_str_eq(lttsync_status_string(LTTSYNC_OK), "success");
	cr_assert_str_eq(lttsync_status_string((lttsync_status)-99),
			 "unknown status");
	cr_assert_str_eq(lttsync_quality_string(LTTSYNC_QUALITY_FAIL), "fail");
	cr_assert_str_eq(lttsync_quality_string((lttsync_quality)42), "unknown");
}

Test(api, null_arguments_are_errors_not_crashes)
{
	lttsync_host_id h;
	lttsync_quality q;
	lttsync_transform *tf;
	uint64_t u;
	int64_t lo, hi;
	double d1, d2;

	cr_assert_eq(lttsync_session_create(NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	lttsync_session_destroy(NULL);
	lttsync_transform_destroy(NULL);
	lttsync_packet_init(NULL);
	cr_assert_eq(lttsync_session_add_host(NULL, s, "x"), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_add_host(&h, NULL, "x"), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_add_host(&h, s, NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_add_host(&h, s, ""), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_str_neq(lttsync_session_get_last_error(s), "");
	cr_assert_eq(lttsync_session_feed_packet(s, NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_feed_message(NULL, A, 0, B, 1), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_quality(NULL, s, A, B), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_slope_bounds(&d1, NULL, s, A, B), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, NULL, A, B, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_estimate(NULL, s, A, B), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_violation(&d2, NULL, s, A, B), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_host_quality(&q, NULL, A), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, NULL, A), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_counter(&u, NULL, LTTSYNC_COUNTER_PACKETS), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_transform_apply(&lo, NULL, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(isnan(lttsync_transform_get_slope(NULL)));
	cr_assert_eq(lttsync_session_get_host_count(NULL), 0);
	cr_assert_null(lttsync_session_get_host_name(NULL, 0));
	cr_assert_str_neq(lttsync_session_get_last_error(NULL), "");
}

Test(api, hosts_and_traces)
{
	lttsync_host_id again, found, owner;
	lttsync_trace_id t;

	cr_assert_eq(lttsync_session_add_host(&again, s, "beta"), LTTSYNC_OK);
	cr_assert_eq(again, B, "declaring a host twice returns its id");
	cr_assert_eq(lttsync_session_get_host_count(s), 2);
	cr_assert_eq(lttsync_session_find_host(&found, s, "alpha"), LTTSYNC_OK);
	cr_assert_eq(found, A);
	cr_assert_eq(lttsync_session_find_host(&found, s, "gamma"), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_str_eq(lttsync_session_get_host_name(s, B), "beta");
	cr_assert_null(lttsync_session_get_host_name(s, 7));
	cr_assert_eq(lttsync_session_add_trace(&t, s, 9, "x"), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_add_trace(&t, s, B, "/traces/beta/kernel"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_trace_count(s), 1);
	cr_assert_eq(lttsync_session_get_trace_host(&owner, s, t), LTTSYNC_OK);
	cr_assert_eq(owner, B);
	cr_assert_str_eq(lttsync_session_get_trace_name(s, t), "/traces/beta/kernel");
	cr_assert_eq(lttsync_session_get_trace_host(&owner, s, 5), LTTSYNC_ERROR_NOT_FOUND);
}

Test(api, bad_messages)
{
	cr_assert_eq(lttsync_session_feed_message(s, A, 0, A, 1), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "two different hosts"));
	cr_assert_eq(lttsync_session_feed_message(s, A, 0, 42, 1), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_feed_message(s, A, INT64_MAX, B, 1), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_feed_message(s, A, 0, B, INT64_MIN), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "out of range"));
}

Test(api, every_quality_transition)
{
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_ABSENT);
	a_to_b(0, 1100);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_INCOMPLETE);
	a_to_b(1000, 2100);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_INCOMPLETE, "one direction only");
	b_to_a(0, 900);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_APPROXIMATE, "a_max finite only");
	b_to_a(1000, 1900);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_ACCURATE);
	b_to_a(500, 1599);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_ACCURATE, "still 1 ns of room");
	b_to_a(500, 1700);
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_FAIL,
		     "detected at the very message that contradicts");
}

Test(api, hand_case_exact_results)
{
	lttsync_transform *est;
	double lo_slope, hi_slope;
	int64_t lo, hi, y;

	feed_square();
	cr_assert_eq(lttsync_session_get_pair_slope_bounds(&lo_slope, &hi_slope, s, A, B),
		     LTTSYNC_OK);
	cr_assert_eq(lo_slope, 0.8, "a_min = (1900 - 1100) / 1000");
	cr_assert_eq(hi_slope, 1.2, "a_max = (2100 - 900) / 1000");
	cr_assert_eq(lttsync_session_get_pair_estimate(&est, s, A, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_get_slope(est), 1.0);
	cr_assert_eq(lttsync_transform_apply(&y, est, T0 + 500), LTTSYNC_OK);
	cr_assert_eq(y, T0 + 1500, "estimate is t_B = t_A + 1000");
	lttsync_transform_destroy(est);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B, T0 + 500),
		     LTTSYNC_OK);
	cr_assert_eq(lo, T0 + 1400);
	cr_assert_eq(hi, T0 + 1600);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B, T0 + 2000),
		     LTTSYNC_OK);
	cr_assert_eq(lo, T0 + 2700, "beyond the data: line of slope a_min");
	cr_assert_eq(hi, T0 + 3300, "beyond the data: line of slope a_max");
}

Test(api, approximate_estimate_is_the_finite_line)
{
	lttsync_transform *est;
	int64_t y;

	a_to_b(0, 1100);
	a_to_b(1000, 2100);
	b_to_a(0, 900);
	cr_assert_eq(lttsync_session_get_pair_estimate(&est, s, A, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&y, est, T0 + 1000), LTTSYNC_OK);
	cr_assert_eq(y, T0 + 2100, "line through (0, 900) and (1000, 2100)");
	lttsync_transform_destroy(est);
}

Test(api, fail_reports_least_violation)
{
	lttsync_transform *est;
	uint64_t count;
	double e;
	int64_t y;

	feed_square();
	b_to_a(500, 1700);
	cr_assert_eq(lttsync_session_get_pair_violation(&e, &count, s, A, B), LTTSYNC_OK);
	cr_assert_float_eq(e, 50.0, 1e-9, "overlap of 100 ns shared by both sides");
	cr_assert_eq(count, 3, "u1, u2 and the contradicting message");
	cr_assert_eq(lttsync_session_get_pair_estimate(&est, s, A, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&y, est, T0 + 500), LTTSYNC_OK);
	cr_assert_eq(y, T0 + 1650, "the unique least-violating line t_A + 1150");
	lttsync_transform_destroy(est);
}

Test(api, reference_and_transforms)
{
	lttsync_transform *tf;
	lttsync_host_id ref, parent;
	lttsync_quality q;
	char buf[64];
	int64_t t, lo, hi;

	feed_square();
	cr_assert_eq(lttsync_session_set_reference(s, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
	cr_assert_eq(ref, B);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, B), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_REFERENCE);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, A), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE);
	cr_assert_eq(lttsync_session_get_host_parent(&parent, s, A), LTTSYNC_OK);
	cr_assert_eq(parent, B);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_format(buf, sizeof(buf), tf, LTTSYNC_FIELD_SLOPE), LTTSYNC_OK);
	cr_assert_str_eq(buf, "1");
	cr_assert_eq(lttsync_transform_format(buf, sizeof(buf), tf, LTTSYNC_FIELD_OFFSET), LTTSYNC_OK);
	cr_assert_str_eq(buf, "0");
	lttsync_transform_destroy(tf);
	/* With B as reference, A's transform is computed in orientation x = B. */
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, A), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&t, tf, T0 + 500), LTTSYNC_OK);
	cr_assert_eq(t, T0 + 1500);
	lttsync_transform_destroy(tf);
	cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, s, A, T0 + 500), LTTSYNC_OK);
	cr_assert(lo <= T0 + 1500 && T0 + 1500 <= hi && hi - lo <= 200,
		  "[%ld, %ld]", (long)(lo - T0), (long)(hi - T0));
	cr_assert_eq(lttsync_session_set_reference(s, 99), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_set_reference(s, LTTSYNC_HOST_AUTO), LTTSYNC_OK);
}

Test(api, transform_format_is_exact_decimal)
{
	lttsync_transform *tf;
	char slope[64], offset[64], pivot[64], pivot_ref[64];

	feed_square();
	cr_assert_eq(lttsync_session_set_reference(s, A), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_format(slope, 64, tf, LTTSYNC_FIELD_SLOPE), 0);
	cr_assert_eq(lttsync_transform_format(offset, 64, tf, LTTSYNC_FIELD_OFFSET), 0);
	cr_assert_eq(lttsync_transform_format(pivot, 64, tf, LTTSYNC_FIELD_PIVOT), 0);
	cr_assert_eq(lttsync_transform_format(pivot_ref, 64, tf, LTTSYNC_FIELD_PIVOT_REF), 0);
	cr_assert_str_eq(slope, "1");
	cr_assert_str_eq(offset, "-1000");
	cr_assert_eq(lttsync_transform_format(slope, 2, tf, LTTSYNC_FIELD_OFFSET),
		     LTTSYNC_ERROR_RANGE, "too small a buffer is an error");
	lttsync_transform_destroy(tf);
}

Test(api, unsynchronized_host_has_no_transform)
{
	lttsync_host_id c;
	lttsync_transform *tf;
	lttsync_quality q;

	feed_square();
	cr_assert_eq(lttsync_session_add_host(&c, s, "gamma"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, c), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_DISCONNECTED);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, c), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert(strstr(lttsync_session_get_last_error(s), "gamma"));
}

Test(api, counts_and_kept_messages)
{
	lttsync_message m;
	uint64_t n;
	size_t kept;

	cr_assert_eq(lttsync_session_set_keep_messages(s, 1), LTTSYNC_OK);
	feed_square();
	cr_assert_eq(lttsync_session_get_message_count(&n, s, A, B), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(lttsync_session_get_message_count(&n, s, B, A), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(lttsync_session_get_counter(&n, s, LTTSYNC_COUNTER_MESSAGES), LTTSYNC_OK);
	cr_assert_eq(n, 4);
	cr_assert_eq(lttsync_session_get_kept_message_count(&kept, s, B, A), LTTSYNC_OK);
	cr_assert_eq(kept, 4);
	cr_assert_eq(lttsync_session_get_kept_message(&m, s, A, B, 2), LTTSYNC_OK);
	cr_assert_eq(m.send_host, B);
	cr_assert_eq(m.recv_host, A);
	cr_assert_eq(m.send_ns, T0 + 900);
	cr_assert_eq(m.recv_ns, T0);
	cr_assert_eq(lttsync_session_get_kept_message(&m, s, A, B, 4), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_get_pair_count(s), 1);
}

static void packet(lttsync_trace_id trace, lttsync_direction dir, int64_t ts,
		   uint32_t seq)
{
	lttsync_packet p;

	lttsync_packet_init(&p);
	p.trace = trace;
	p.direction = dir;
	p.timestamp_ns = ts;
	p.seq = seq;
	p.ack_seq = 7;
	p.flags = LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
}

Test(api, packets_are_matched_into_messages)
{
	lttsync_trace_id ta, tb;
	lttsync_quality q;
	uint64_t n;

	cr_assert_eq(lttsync_session_add_trace(&ta, s, A, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, B, "b"), LTTSYNC_OK);
	/* Receives first: the feed order of traces does not matter. */
	packet(tb, LTTSYNC_DIRECTION_RECEIVE, T0 + 1100, 1);
	packet(ta, LTTSYNC_DIRECTION_RECEIVE, T0 + 0, 3);
	packet(tb, LTTSYNC_DIRECTION_RECEIVE, T0 + 2100, 2);
	packet(ta, LTTSYNC_DIRECTION_RECEIVE, T0 + 1000, 4);
	packet(ta, LTTSYNC_DIRECTION_SEND, T0 + 0, 1);
	packet(ta, LTTSYNC_DIRECTION_SEND, T0 + 1000, 2);
	packet(tb, LTTSYNC_DIRECTION_SEND, T0 + 900, 3);
	packet(tb, LTTSYNC_DIRECTION_SEND, T0 + 1900, 4);
	packet(ta, LTTSYNC_DIRECTION_SEND, T0 + 5, 99); /* never received */
	cr_assert_eq(lttsync_session_get_counter(&n, s, LTTSYNC_COUNTER_MATCHED), LTTSYNC_OK);
	cr_assert_eq(n, 4);
	cr_assert_eq(lttsync_session_get_counter(&n, s, LTTSYNC_COUNTER_PACKETS), LTTSYNC_OK);
	cr_assert_eq(n, 9);
	cr_assert_eq(lttsync_session_get_counter(&n, s, LTTSYNC_COUNTER_PENDING), LTTSYNC_OK);
	cr_assert_eq(n, 5, "4 used keys kept to catch repeats, 1 unmatched");
	cr_assert_eq(pair_quality(), LTTSYNC_QUALITY_ACCURATE);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, B, A), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE);
}

Test(api, bad_packets)
{
	lttsync_packet p;
	lttsync_trace_id ta;

	cr_assert_eq(lttsync_session_add_trace(&ta, s, A, "a"), LTTSYNC_OK);
	memset(&p, 0, sizeof(p));
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT,
		     "struct_size unset");
	lttsync_packet_init(&p);
	p.trace = 3;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_NOT_FOUND);
	p.trace = ta;
	p.direction = (lttsync_direction)7;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT);
	p.direction = LTTSYNC_DIRECTION_SEND;
	p.family = 5;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT);
	p.family = 4;
	p.timestamp_ns = INT64_MIN;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_set_max_pending(s, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
}

Test(api, pair_queries_check_hosts)
{
	lttsync_quality q;

	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, A, A), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, A, 17), LTTSYNC_ERROR_NOT_FOUND);
}

/* Review findings: results that must stay consistent on degenerate data. */

Test(api, degenerate_pair_gives_no_transform_and_says_so)
{
	lttsync_transform *tf;
	lttsync_quality q;

	/* One message each way at the same B time: incomplete from B. */
	cr_assert_eq(lttsync_session_feed_message(s, A, 0, B, 10), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, B, 10, A, 100), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_reference(s, B), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, A), LTTSYNC_OK);
	cr_assert_eq(q, LTTSYNC_QUALITY_DISCONNECTED);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, A),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
}

Test(api, decreasing_estimate_is_not_used)
{
	lttsync_transform *tf;
	lttsync_quality q;
	uint32_t n = 0;

	/* The only finite bound here has slope -100: no clock runs backwards. */
	cr_assert_eq(lttsync_session_feed_message(s, A, 0, B, 50000), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, B, 49000, A, 100000), LTTSYNC_OK);
	for (lttsync_host_id h = A; h <= B; h++) {
		cr_assert_eq(lttsync_session_get_host_quality(&q, s, h), LTTSYNC_OK);
		if (q == LTTSYNC_QUALITY_REFERENCE)
			continue;
		n++;
		cr_assert_eq(q, LTTSYNC_QUALITY_DISCONNECTED);
		cr_assert_eq(lttsync_session_get_host_transform(&tf, s, h),
			     LTTSYNC_ERROR_NOT_AVAILABLE);
	}
	cr_assert_eq(n, 1);
}

Test(api, timestamps_spanning_the_whole_range)
{
	const int64_t e = (int64_t)1 << 62;
	lttsync_quality q;
	int64_t lo, hi;

	cr_assert_eq(lttsync_session_feed_message(s, A, -e, B, e), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, B, e, A, -e + 1), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, A, e, B, e), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, A), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, A, B), LTTSYNC_OK);
	/* Far from the data the bounds may be unbounded, never nonsense. */
	if (lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B, -e) == LTTSYNC_OK)
		cr_assert_leq(lo, hi);
}

Test(api, bounds_far_from_the_data)
{
	int64_t lo, hi;

	feed_square();
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B,
							(int64_t)1 << 62), LTTSYNC_OK);
	cr_assert_leq(lo, hi);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B,
							-((int64_t)1 << 62)), LTTSYNC_OK);
	cr_assert_leq(lo, hi);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B, INT64_MIN),
		     LTTSYNC_OK);
	cr_assert_eq(lo, INT64_MIN, "saturates instead of overflowing");
}

Test(api, failed_pair_has_no_bounds)
{
	double smin, smax;
	int64_t lo, hi;

	feed_square();
	b_to_a(500, 1700);
	cr_assert_eq(lttsync_session_get_pair_slope_bounds(&smin, &smax, s, A, B),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, s, A, B, T0),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(lttsync_session_set_reference(s, A), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, s, B, T0),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
}

Test(api, memory_limit_bounds_the_pending_table)
{
	lttsync_trace_id ta;
	uint64_t pending, evicted;

	cr_assert_eq(lttsync_session_set_memory_limit(s, 100), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_set_memory_limit(s, 8000), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta, s, A, "a"), LTTSYNC_OK);
	for (uint32_t i = 0; i < 1000; i++)   /* one-sided: never matched */
		packet(ta, LTTSYNC_DIRECTION_SEND, T0 + i, 1000 + i);
	cr_assert_eq(lttsync_session_get_counter(&pending, s, LTTSYNC_COUNTER_PENDING), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_counter(&evicted, s, LTTSYNC_COUNTER_EVICTED), LTTSYNC_OK);
	cr_assert_leq(pending, 8000 / 2 / 80, "pending %lu", (unsigned long)pending);
	cr_assert_eq(pending + evicted, 1000, "every event pending or counted");
}

Test(api, memory_limit_refuses_messages_and_counts_them)
{
	lttsync_status st = LTTSYNC_OK;
	uint64_t over = 0, msgs = 0;
	int64_t i;

	cr_assert_eq(lttsync_session_set_memory_limit(s, 4096), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_keep_messages(s, 1), LTTSYNC_OK);
	/* Every message kept: the half for messages fills up. */
	for (i = 0; i < 10000 && st == LTTSYNC_OK; i++)
		st = lttsync_session_feed_message(s, A, T0 + 2 * i, B, T0 + 2 * i + 1000);
	cr_assert_eq(st, LTTSYNC_ERROR_LIMIT, "the limit is reached");
	cr_assert(strstr(lttsync_session_get_last_error(s), "memory limit"));
	cr_assert_eq(lttsync_session_get_counter(&over, s, LTTSYNC_COUNTER_OVER_LIMIT), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_counter(&msgs, s, LTTSYNC_COUNTER_MESSAGES), LTTSYNC_OK);
	cr_assert_eq(over, 1);
	cr_assert_eq(msgs, (uint64_t)i - 1);
	cr_assert_lt(msgs * sizeof(lttsync_message), 4096 / 2);
	cr_assert_eq(lttsync_session_set_memory_limit(s, 0), LTTSYNC_OK, "0 lifts it");
	cr_assert_eq(lttsync_session_feed_message(s, A, T0, B, T0 + 5000), LTTSYNC_OK);
}

/* ---- feeding packets in batches ---------------------------------------- */

static uint64_t batch_rng = 12345;

static uint32_t batch_rnd(uint32_t n)
{
	batch_rng = batch_rng * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)((batch_rng >> 33) % n);
}

/*
 * Random traffic between two traces, n events: messages each way (B's
 * clock 3 ms ahead, latencies 20-80 us), of which about 1 in 10 lose
 * their receive (never matched) and 1 in 20 repeat their send
 * (ambiguous); neighbours are swapped at random.
 */
static void random_packets(lttsync_packet *p, size_t n, lttsync_trace_id ta,
			   lttsync_trace_id tb)
{
	size_t i = 0;

	for (uint32_t m = 0; i < n; m++) {
		bool a_sends = batch_rnd(2);
		int64_t t = T0 + (int64_t)m * 10000;
		int copies = batch_rnd(20) == 0 ? 3 : batch_rnd(10) == 0 ? 1 : 2;

		for (int c = 0; c < copies && i < n; c++, i++) {
			bool send = c != 1;
			bool on_a = send == a_sends;

			lttsync_packet_init(&p[i]);
			p[i].trace = on_a ? ta : tb;
			p[i].direction = send ? LTTSYNC_DIRECTION_SEND
					      : LTTSYNC_DIRECTION_RECEIVE;
			p[i].timestamp_ns = t + (on_a ? 0 : 3000000) +
					    (send ? 0 : 20000 + batch_rnd(60000));
			p[i].seq = m;
			p[i].ack_seq = 1;
			p[i].flags = LTTSYNC_TCP_ACK;
		}
	}
	for (size_t k = 0; k + 1 < n; k++)
		if (batch_rnd(4) == 0) {
			lttsync_packet tmp = p[k];

			p[k] = p[k + 1];
			p[k + 1] = tmp;
		}
}

static lttsync_session *two_trace_session(lttsync_trace_id *ta, lttsync_trace_id *tb)
{
	lttsync_session *t;
	lttsync_host_id a, b;

	cr_assert_eq(lttsync_session_create(&t), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_max_pending(t, 500), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&a, t, "alpha"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&b, t, "beta"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(ta, t, a, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(tb, t, b, "b"), LTTSYNC_OK);
	return t;
}

/* Every counter, and B's transform, as text. */
static void session_state(lttsync_session *t, char *out, size_t size)
{
	size_t used = 0;
	lttsync_transform *tf = NULL;
	char slope[LTTSYNC_FORMAT_SIZE] = "-", offset[LTTSYNC_FORMAT_SIZE] = "-";

	for (int c = LTTSYNC_COUNTER_PACKETS; c <= LTTSYNC_COUNTER_OVER_LIMIT; c++) {
		uint64_t v;

		cr_assert_eq(lttsync_session_get_counter(&v, t, (lttsync_counter)c), LTTSYNC_OK);
		used += (size_t)snprintf(out + used, size - used, "%llu ",
					 (unsigned long long)v);
	}
	if (lttsync_session_get_host_transform(&tf, t, 1) == LTTSYNC_OK) {
		lttsync_transform_format(slope, sizeof(slope), tf, LTTSYNC_FIELD_SLOPE);
		lttsync_transform_format(offset, sizeof(offset), tf, LTTSYNC_FIELD_OFFSET);
		lttsync_transform_destroy(tf);
	}
	snprintf(out + used, size - used, "%s %s", slope, offset);
}

/* Batches of any size give what one call per packet gives. */
Test(feed_packets, same_as_one_by_one)
{
	enum { N = 20000 };
	static lttsync_packet p[N];
	char one[512], many[512];
	lttsync_trace_id ta, tb;
	lttsync_session *t = two_trace_session(&ta, &tb);
	uint64_t matched;
	size_t fed;

	random_packets(p, N, ta, tb);
	for (size_t i = 0; i < N; i++)
		cr_assert_eq(lttsync_session_feed_packet(t, &p[i]), LTTSYNC_OK);
	session_state(t, one, sizeof(one));
	cr_assert_eq(lttsync_session_get_counter(&matched, t, LTTSYNC_COUNTER_MATCHED),
		     LTTSYNC_OK);
	cr_assert_gt(matched, N / 3, "too few matches to compare: %s", one);
	{
		lttsync_transform *tf;

		cr_assert_eq(lttsync_session_get_host_transform(&tf, t, 1), LTTSYNC_OK,
			     "B has a transform: %s", one);
		lttsync_transform_destroy(tf);
	}
	cr_assert_eq(lttsync_session_get_counter(&matched, t, LTTSYNC_COUNTER_AMBIGUOUS),
		     LTTSYNC_OK);
	cr_assert_gt(matched, 0, "some keys repeat: %s", one);
	lttsync_session_destroy(t);

	t = two_trace_session(&ta, &tb);
	for (size_t i = 0, k; i < N; i += k) {
		k = 1 + batch_rnd(40);
		k = k > N - i ? N - i : k;
		cr_assert_eq(lttsync_session_feed_packets(&fed, t, p + i, k), LTTSYNC_OK);
		cr_assert_eq(fed, k);
	}
	session_state(t, many, sizeof(many));
	cr_assert_str_eq(many, one);
	lttsync_session_destroy(t);
}

/* A refused packet stops the batch: the ones before it are fed, not after. */
Test(feed_packets, stops_at_the_first_refused_packet)
{
	static lttsync_packet p[100];
	lttsync_trace_id ta, tb;
	lttsync_session *t = two_trace_session(&ta, &tb);
	uint64_t packets;
	size_t fed = 99;

	random_packets(p, 100, ta, tb);
	p[37].direction = (lttsync_direction)9;
	cr_assert_eq(lttsync_session_feed_packets(&fed, t, p, 100),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(fed, 37);
	cr_assert(strstr(lttsync_session_get_last_error(t), "direction"), "%s",
		  lttsync_session_get_last_error(t));
	cr_assert_eq(lttsync_session_get_counter(&packets, t, LTTSYNC_COUNTER_PACKETS),
		     LTTSYNC_OK);
	cr_assert_eq(packets, 37);
	cr_assert_eq(lttsync_session_feed_packets(&fed, t, p, 0), LTTSYNC_OK);
	cr_assert_eq(fed, 0);
	cr_assert_eq(lttsync_session_feed_packets(&fed, t, NULL, 0), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_packets(&fed, t, NULL, 3),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_feed_packets(NULL, t, p, 3),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	fed = 5;
	cr_assert_eq(lttsync_session_feed_packets(&fed, NULL, p, 3),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(fed, 0);
	lttsync_session_destroy(t);
}
