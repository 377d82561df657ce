/* SPDX-License-Identifier: MIT */
/*
 * Bounds along long paths (path_bounds.h): hosts near the reference get
 * the exact walk's bounds; farther hosts get bounds that hold the exact
 * ones and the true clocks, at a cost linear in the hosts.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <lttsync/lttsync.h>

#include "path_bounds.h"
#include "session.h"

#define EPOCH INT64_C(1700000000000000000)

/* Host h's clock: an offset up to +-1 s and a drift up to +-50 ppm. */
struct clock {
	int64_t offset;
	int64_t drift_ppb;
};

static struct clock *clocks;
static lttsync_session *s;
static lttsync_host_id *ids;
static size_t n_hosts;

static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Host h's reading at true time T (ns from the start). */
static int64_t local_ns(uint32_t h, int64_t T)
{
	return EPOCH + T + clocks[h].offset + T / 1000 * clocks[h].drift_ppb / 1000000;
}

/* The true time at which host h reads t (inverse of local_ns, to 1 ns). */
static int64_t true_at(uint32_t h, int64_t t)
{
	int64_t lo = -(INT64_C(1) << 40), hi = INT64_C(1) << 42;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;

		if (local_ns(h, mid) < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A chain h0 - h1 - ... of n hosts, h0 the reference; per link `per_way`
 * (at least 2) messages each way, spread evenly over 10 minutes, latencies
 * 20 to 80 us: every pair accurate.
 */
static void make_chain(size_t n, int per_way, uint64_t seed)
{
	char name[32];

	n_hosts = n;
	clocks = calloc(n, sizeof(*clocks));
	ids = calloc(n, sizeof(*ids));
	cr_assert(clocks && ids);
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	for (size_t h = 0; h < n; h++) {
		clocks[h].offset = (int64_t)(rnd(&seed) % 2000000000) - 1000000000;
		clocks[h].drift_ppb = (int64_t)(rnd(&seed) % 100001) - 50000;
		snprintf(name, sizeof(name), "h%zu", h);
		cr_assert_eq(lttsync_session_add_host(&ids[h], s, name), LTTSYNC_OK);
	}
	for (uint32_t h = 0; h + 1 < n; h++)
		for (int i = 0; i < 2 * per_way; i++) {
			int64_t T = INT64_C(1000000000) +
				    INT64_C(600000000000) * (i / 2) / (per_way - 1) +
				    (int64_t)(rnd(&seed) % 1000000);
			int64_t lat = 20000 + (int64_t)(rnd(&seed) % 60000);
			uint32_t a = i & 1 ? h + 1 : h, b = i & 1 ? h : h + 1;

			cr_assert_eq(lttsync_session_feed_message(
					     s, ids[a], local_ns(a, T), ids[b],
					     local_ns(b, T + lat)), LTTSYNC_OK);
		}
	cr_assert_eq(lttsync_session_set_reference(s, ids[0]), LTTSYNC_OK);
}

static void fini(void)
{
	lttsync_session_destroy(s);
	free(clocks);
	free(ids);
	s = NULL;
}

TestSuite(path_bounds, .fini = fini);

/* Times to ask host h: its data's ends and middle, and outside it. */
static int ask_times(uint32_t h, int64_t *t)
{
	const lsync_host *hd = &g_array_index(s->hosts, lsync_host, h);

	t[0] = hd->ts_min;
	t[1] = hd->ts_max;
	t[2] = hd->ts_min + (hd->ts_max - hd->ts_min) / 2;
	t[3] = hd->ts_min - INT64_C(3000000000);
	t[4] = hd->ts_max + INT64_C(7000000000);
	return 5;
}

/* Fresh results through the public interface. */
static void refresh(void)
{
	int64_t lo, hi;

	cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, s, ids[0], EPOCH),
		     LTTSYNC_OK);
}

Test(path_bounds, hosts_within_64_hops_get_the_exact_walk)
{
	int64_t t[5], lo, hi, elo, ehi;

	make_chain(300, 2, 1);
	refresh();
	for (uint32_t h = 1; h <= LSYNC_EXACT_HOPS; h++)
		for (int k = ask_times(h, t); k-- > 0;) {
			cr_assert(lsync_host_bounds(s, h, t[k], &lo, &hi));
			cr_assert(lsync_host_bounds_exact(s, h, t[k], &elo, &ehi));
			cr_assert_eq(lo, elo, "h%u t%d", h, k);
			cr_assert_eq(hi, ehi, "h%u t%d", h, k);
		}
}

/*
 * Farther hosts: the same bounds as the exact walk within nanoseconds.
 * Both are outward roundings of the same real bounds: the exact walk
 * loses under 1 ns a hop to its roundings, the chords 1 ns a side per
 * checkpoint crossed, so either may be the wider by that much.
 */
Test(path_bounds, farther_hosts_get_the_exact_bounds_within_a_few_ns)
{
	int64_t t[5], lo, hi, elo, ehi, worst = 0;
	size_t finite = 0, asked = 0;

	make_chain(300, 2, 2);
	refresh();
	for (uint32_t h = LSYNC_EXACT_HOPS + 1; h < n_hosts; h++)
		for (int k = ask_times(h, t); k-- > 0;) {
			int64_t slack = h + 2 * (h / LSYNC_EXACT_HOPS);

			cr_assert(lsync_host_bounds(s, h, t[k], &lo, &hi));
			cr_assert(lsync_host_bounds_exact(s, h, t[k], &elo, &ehi));
			asked++;
			if (elo == INT64_MIN || ehi == INT64_MAX)
				continue;
			finite++;
			cr_assert(lo != INT64_MIN && hi != INT64_MAX, "h%u t%d", h, k);
			cr_assert_leq(llabs(lo - elo), slack, "h%u t%d: lo %" PRId64
				      " exact %" PRId64, h, k, lo, elo);
			cr_assert_leq(llabs(hi - ehi), slack, "h%u t%d: hi %" PRId64
				      " exact %" PRId64, h, k, hi, ehi);
			if (llabs(lo - elo) + llabs(hi - ehi) > worst)
				worst = llabs(lo - elo) + llabs(hi - ehi);
		}
	cr_log_info("bounded %zu of %zu; largest difference %" PRId64 " ns\n",
		    finite, asked, worst);
	/* Every host is bounded at its data's ends and middle at least. */
	cr_assert_geq(finite, 3 * (n_hosts - LSYNC_EXACT_HOPS - 1), "%zu", finite);
}

Test(path_bounds, the_true_clocks_lie_inside_every_hosts_bounds)
{
	int64_t t[5], lo, hi;

	make_chain(400, 3, 3);
	refresh();
	for (uint32_t h = 1; h < n_hosts; h++)
		for (int k = ask_times(h, t); k-- > 0;) {
			int64_t truth = local_ns(0, true_at(h, t[k]));

			cr_assert(lsync_host_bounds(s, h, t[k], &lo, &hi));
			/* 1 ns of slack: true_at() rounds to whole ns. */
			cr_assert_leq(lo, truth + 1, "h%u t%d", h, k);
			cr_assert_geq(hi, truth - 1, "h%u t%d", h, k);
		}
}

/*
 * Every host asked at both ends of its data: steps grow linearly with
 * the hosts (the exact walks alone would take sum of the depths, about
 * n^2 steps).
 */
Test(path_bounds, a_report_walks_a_number_of_steps_linear_in_the_hosts)
{
	int64_t t[5], lo, hi;
	uint64_t steps;

	make_chain(3000, 2, 4);
	refresh();
	s->results.path_steps = 0;
	for (uint32_t h = 0; h < n_hosts; h++) {
		ask_times(h, t);
		cr_assert(lsync_host_bounds(s, h, t[0], &lo, &hi));
		cr_assert(lsync_host_bounds(s, h, t[1], &lo, &hi));
	}
	steps = s->results.path_steps;
	cr_log_info("%" PRIu64 " steps for %zu hosts\n", steps, n_hosts);
	/* 2 walks of at most 64 hops a host, and 61 samples of at most 64
	 * hops per checkpoint (one host in 64). */
	cr_assert_leq(steps, (uint64_t)n_hosts * (2 * 64 + 61), "%" PRIu64 " steps",
		      steps);
	cr_assert_geq(steps, (uint64_t)n_hosts, "every host walked");
}

/* The report itself, through the public interface, on the same chain. */
Test(path_bounds, the_text_report_of_a_long_chain_takes_linear_steps)
{
	FILE *sink = tmpfile();

	make_chain(3000, 2, 5);
	cr_assert(sink);
	refresh();
	s->results.path_steps = 0;
	cr_assert_eq(lttsync_session_write_text_report(s, sink, 0), LTTSYNC_OK);
	cr_assert_gt(ftell(sink), 0);
	cr_assert_leq(s->results.path_steps, (uint64_t)n_hosts * (3 * 64 + 61),
		      "%" PRIu64 " steps", s->results.path_steps);
	fclose(sink);
}
