/* SPDX-License-Identifier: MIT */
/*
 * Ground truth through the public API: simulated hosts with known clocks
 * (tests/common/simulate.h). Whatever the offsets (up to hours), drifts (up to
 * +-200 ppm) and latencies (10-100 us minimum plus random delay), the true
 * relation must lie inside the reported bounds, and the estimate's error
 * must not exceed the bound width there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

#include "../common/simulate.h"

#define HOUR_NS ((int64_t)3600 * 1000000000)

struct world {
	sim_world sim;
	lttsync_session *s;
	lttsync_host_id *ids;
};

static void world_init(struct world *w, size_t n, uint64_t seed)
{
	char name[32];

	sim_init(&w->sim, n, seed, 3 * HOUR_NS, 200);
	cr_assert_eq(lttsync_session_create(&w->s), LTTSYNC_OK);
	w->ids = calloc(n, sizeof(*w->ids));
	for (size_t h = 0; h < n; h++) {
		snprintf(name, sizeof(name), "host%02zu", h);
		cr_assert_eq(lttsync_session_add_host(&w->ids[h], w->s, name),
			     LTTSYNC_OK);
	}
}

static void world_fini(struct world *w)
{
	lttsync_session_destroy(w->s);
	sim_free(&w->sim);
	free(w->ids);
}

/* Traffic between h and k over [0, span] true ns, both ways. */
static void exchange_with(struct world *w, uint32_t h, uint32_t k, int count,
			  long double span, int64_t min_lat, double mean_extra)
{
	for (int i = 0; i < count; i++) {
		long double T = span * sim_uniform(&w->sim);
		bool fwd = i % 2 == 0;
		sim_message m = sim_message_at(&w->sim, fwd ? h : k, fwd ? k : h,
					       T, min_lat, mean_extra);

		cr_assert_eq(lttsync_session_feed_message(w->s, w->ids[m.send_host],
							  m.send_ns,
							  w->ids[m.recv_host],
							  m.recv_ns),
			     LTTSYNC_OK);
	}
}

/* The same with a random minimum latency (10-100 us) and random delays. */
static void exchange(struct world *w, uint32_t h, uint32_t k, int count,
		     long double span)
{
	int64_t min_lat = sim_range(&w->sim, 10000, 100000);
	double mean_extra = (double)sim_range(&w->sim, 1000, 200000);

	exchange_with(w, h, k, count, span, min_lat, mean_extra);
}

/* The true relation and the estimate against the pair bounds at time x. */
static void check_pair_at(struct world *w, uint32_t from, uint32_t to,
			  int64_t x)
{
	long double truth = (long double)x +
			    sim_true_offset(&w->sim, from, to, x);
	lttsync_transform *est;
	int64_t lo, hi, e;

	cr_assert_eq(lttsync_session_get_pair_bounds_at(&lo, &hi, w->s,
							w->ids[from],
							w->ids[to], x),
		     LTTSYNC_OK);
	cr_assert(lo != INT64_MIN && hi != INT64_MAX, "bounds are finite");
	cr_assert((long double)lo <= truth && truth <= (long double)hi,
		  "truth %.3Lf outside [%ld, %ld]", truth, (long)lo, (long)hi);
	cr_assert_eq(lttsync_session_get_pair_estimate(&est, w->s, w->ids[from],
						       w->ids[to]),
		     LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&e, est, x), LTTSYNC_OK);
	cr_assert(fabsl((long double)e - truth) <= (long double)(hi - lo) + 1,
		  "estimate error %.3Lf > width %ld",
		  fabsl((long double)e - truth), (long)(hi - lo));
	lttsync_transform_destroy(est);
}

Test(groundtruth, two_hosts_thousands_of_cases)
{
	for (uint64_t seed = 1; seed <= 2000; seed++) {
		struct world w;
		long double span;
		lttsync_quality q;

		world_init(&w, 2, seed);
		span = (long double)sim_range(&w.sim, 1000000000, HOUR_NS);
		exchange(&w, 0, 1, 40, span);
		cr_assert_eq(lttsync_session_get_pair_quality(&q, w.s, w.ids[0],
							      w.ids[1]),
			     LTTSYNC_OK);
		cr_assert_eq(q, LTTSYNC_QUALITY_ACCURATE, "seed %lu: %s",
			     (unsigned long)seed, lttsync_quality_string(q));
		for (int i = 0; i <= 8; i++) {
			int64_t x = sim_local(&w.sim, 0, span * i / 8);

			check_pair_at(&w, 0, 1, x);
			check_pair_at(&w, 1, 0, sim_local(&w.sim, 1, span * i / 8));
		}
		world_fini(&w);
	}
}

/* Every synchronized host: truth within host bounds, transform within width. */
static void check_hosts(struct world *w, long double span)
{
	lttsync_host_id ref;
	size_t r = 0;

	cr_assert_eq(lttsync_session_get_reference(&ref, w->s), LTTSYNC_OK);
	while (w->ids[r] != ref)
		r++;
	for (size_t h = 0; h < w->sim.n; h++) {
		lttsync_transform *tf;

		if (lttsync_session_get_host_transform(&tf, w->s, w->ids[h]))
			continue;
		for (int i = 0; i <= 4; i++) {
			int64_t t = sim_local(&w->sim, h, span * i / 4), lo, hi, e;
			long double truth = (long double)t +
					    sim_true_offset(&w->sim, h, r, t);

			cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, w->s,
									w->ids[h], t),
				     LTTSYNC_OK);
			cr_assert((long double)lo <= truth && truth <= (long double)hi,
				  "host %zu: truth %.3Lf outside [%ld, %ld]", h,
				  truth, (long)lo, (long)hi);
			cr_assert_eq(lttsync_transform_apply(&e, tf, t), LTTSYNC_OK);
			cr_assert(fabsl((long double)e - truth) <=
					  (long double)(hi - lo) + 1,
				  "host %zu: error %.3Lf > width %ld", h,
				  fabsl((long double)e - truth), (long)(hi - lo));
		}
		lttsync_transform_destroy(tf);
	}
}

static lttsync_quality host_quality(struct world *w, size_t h)
{
	lttsync_quality q;

	cr_assert_eq(lttsync_session_get_host_quality(&q, w->s, w->ids[h]),
		     LTTSYNC_OK);
	return q;
}

static size_t path_length(struct world *w, size_t h)
{
	lttsync_host_id u = w->ids[h], next;
	size_t len = 0;

	while (lttsync_session_get_host_parent(&next, w->s, u) == LTTSYNC_OK &&
	       next != u) {
		u = next;
		cr_assert(++len <= w->sim.n, "parent pointers form a cycle");
	}
	return len;
}

Test(groundtruth, chain)
{
	for (size_t n = 2; n <= 50; n += 6) {
		struct world w;
		long double span = 60e9L;

		world_init(&w, n, 100 + n);
		/* Equal latencies: every edge about as wide as the others. */
		for (uint32_t h = 0; h + 1 < n; h++)
			exchange_with(&w, h, h + 1, 30, span, 50000, 1);
		check_hosts(&w, span);
		for (size_t h = 0; h < n; h++)
			cr_assert_neq(host_quality(&w, h),
				      LTTSYNC_QUALITY_DISCONNECTED);
		/* The reference is a centre of the chain (+-1 for width noise). */
		for (size_t h = 0; h < n; h++)
			cr_assert_leq(path_length(&w, h), n / 2 + 1);
		world_fini(&w);
	}
}

Test(groundtruth, star)
{
	for (size_t n = 3; n <= 50; n += 7) {
		struct world w;
		long double span = 60e9L;
		lttsync_host_id ref;

		world_init(&w, n, 200 + n);
		for (uint32_t h = 1; h < n; h++)
			exchange(&w, 0, h, 30, span);
		cr_assert_eq(lttsync_session_get_reference(&ref, w.s), LTTSYNC_OK);
		cr_assert_eq(ref, w.ids[0], "the star's center is the reference");
		check_hosts(&w, span);
		world_fini(&w);
	}
}

Test(groundtruth, mesh)
{
	for (size_t n = 2; n <= 20; n += 3) {
		struct world w;
		long double span = 30e9L;

		world_init(&w, n, 300 + n);
		for (uint32_t h = 0; h < n; h++)
			for (uint32_t k = h + 1; k < n; k++)
				exchange(&w, h, k, 16, span);
		check_hosts(&w, span);
		for (size_t h = 0; h < n; h++)
			cr_assert_neq(host_quality(&w, h),
				      LTTSYNC_QUALITY_DISCONNECTED);
		world_fini(&w);
	}
}

Test(groundtruth, disconnected_sets)
{
	struct world w;
	long double span = 30e9L;
	lttsync_host_id ref;
	size_t n = 12;

	world_init(&w, n, 400);
	/* Component {0..6} (7 hosts), component {7..9}, isolated 10 and 11. */
	for (uint32_t h = 0; h < 6; h++)
		exchange(&w, h, h + 1, 20, span);
	exchange(&w, 7, 8, 20, span);
	exchange(&w, 8, 9, 20, span);
	check_hosts(&w, span);
	cr_assert_eq(lttsync_session_get_reference(&ref, w.s), LTTSYNC_OK);
	cr_assert_lt(ref, w.ids[7], "reference in the largest component");
	for (size_t h = 7; h < n; h++) {
		lttsync_transform *tf;

		cr_assert_eq(host_quality(&w, h), LTTSYNC_QUALITY_DISCONNECTED);
		cr_assert_eq(lttsync_session_get_host_transform(&tf, w.s, w.ids[h]),
			     LTTSYNC_ERROR_NOT_AVAILABLE,
			     "a disconnected host gets no transform, not identity");
	}
	world_fini(&w);
}

Test(groundtruth, feed_order_gives_identical_bits)
{
	enum { N = 4, M = 600 };
	sim_world sim;
	sim_message msgs[M];
	char first[N][4][LTTSYNC_FORMAT_SIZE];

	sim_init(&sim, N, 77, 3 * HOUR_NS, 200);
	for (int i = 0; i < M; i++) {
		uint32_t h = (uint32_t)(i % N), k = (uint32_t)((i / N + 1 + h) % N);

		if (h == k)
			k = (h + 1) % N;
		msgs[i] = sim_message_at(&sim, h, k, 1e9L * (i % 97), 20000, 50000);
	}
	for (int round = 0; round < 50; round++) {
		lttsync_session *s;
		lttsync_host_id id;
		char name[8];

		cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
		/* Declare hosts in a different order each round. */
		for (int j = 0; j < N; j++) {
			snprintf(name, sizeof(name), "h%d", (j + round) % N);
			lttsync_session_add_host(&id, s, name);
		}
		sim_shuffle(&sim, msgs, M);
		for (int i = 0; i < M; i++) {
			lttsync_host_id a, b;

			snprintf(name, sizeof(name), "h%u", msgs[i].send_host);
			lttsync_session_find_host(&a, s, name);
			snprintf(name, sizeof(name), "h%u", msgs[i].recv_host);
			lttsync_session_find_host(&b, s, name);
			cr_assert_eq(lttsync_session_feed_message(s, a, msgs[i].send_ns, b,
								  msgs[i].recv_ns),
				     LTTSYNC_OK);
		}
		for (int h = 0; h < N; h++) {
			lttsync_transform *tf;
			char buf[4][LTTSYNC_FORMAT_SIZE];

			snprintf(name, sizeof(name), "h%d", h);
			lttsync_session_find_host(&id, s, name);
			cr_assert_eq(lttsync_session_get_host_transform(&tf, s, id),
				     LTTSYNC_OK);
			for (int f = 0; f < 4; f++)
				cr_assert_eq(lttsync_transform_format(buf[f], LTTSYNC_FORMAT_SIZE, tf,
								      (lttsync_transform_field)f),
					     LTTSYNC_OK);
			lttsync_transform_destroy(tf);
			if (round == 0)
				memcpy(first[h], buf, sizeof(buf));
			for (int f = 0; f < 4; f++)
				cr_assert_str_eq(buf[f], first[h][f],
						 "round %d host %d field %d", round, h, f);
		}
		lttsync_session_destroy(s);
	}
	sim_free(&sim);
}
