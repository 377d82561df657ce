/* SPDX-License-Identifier: MIT */
/*
 * Tests of the hosts' leads (liblttsync/leads.c): how far each host's
 * clock is ahead of the others', learned from matches while traces are
 * read, so that the readers merge them in step.
 */
#include <criterion/criterion.h>

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "../common/testfiles.h"

#define SECOND INT64_C(1000000000)
#define LATENCY INT64_C(50000)

typedef struct world {
	lttsync_session *s;
	lttsync_host_id host[3];
	lttsync_trace_id trace[3];
	uint32_t seq;
} world;

static void world_init(world *w)
{
	static const char *const names[] = { "alpha", "beta", "gamma" };

	memset(w, 0, sizeof(*w));
	cr_assert_eq(lttsync_session_create(&w->s), LTTSYNC_OK);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(lttsync_session_add_host(&w->host[i], w->s, names[i]),
			     LTTSYNC_OK);
		cr_assert_eq(lttsync_session_add_trace(&w->trace[i], w->s,
						       w->host[i], names[i]),
			     LTTSYNC_OK);
	}
}

static void feed(world *w, int host, lttsync_direction dir, uint32_t seq,
		 int64_t ts)
{
	lttsync_packet p;

	lttsync_packet_init(&p);
	p.trace = w->trace[host];
	p.direction = dir;
	p.seq = seq;
	p.ack_seq = 1;
	p.flags = LTTSYNC_TCP_ACK;
	p.timestamp_ns = ts;
	cr_assert_eq(lttsync_session_feed_packet(w->s, &p), LTTSYNC_OK);
}

/* A segment from `from` to `to`, sent at send_ns on from's clock and
 * received at recv_ns on to's. */
static void segment(world *w, int from, int64_t send_ns, int to, int64_t recv_ns)
{
	w->seq++;
	feed(w, from, LTTSYNC_DIRECTION_SEND, w->seq, send_ns);
	feed(w, to, LTTSYNC_DIRECTION_RECEIVE, w->seq, recv_ns);
}

static int64_t lead(const world *w, int host)
{
	return lsync_session_lead(w->s, w->host[host]);
}

Test(leads, none_before_a_match)
{
	world w;

	world_init(&w);
	cr_assert_not(lsync_session_refresh_leads(w.s));
	feed(&w, 0, LTTSYNC_DIRECTION_SEND, 1, 1000);
	feed(&w, 1, LTTSYNC_DIRECTION_SEND, 2, 2000);
	cr_assert_not(lsync_session_refresh_leads(w.s), "no match, no lead");
	for (int i = 0; i < 3; i++)
		cr_assert_eq(lead(&w, i), 0);
	lttsync_session_destroy(w.s);
}

/*
 * beta's clock is 5 s ahead of alpha's, gamma's 8 s behind beta's; alpha
 * and gamma never exchange: gamma's lead comes through beta.
 */
Test(leads, follow_the_clocks_through_a_chain)
{
	world w;

	world_init(&w);
	segment(&w, 0, SECOND, 1, SECOND + 5 * SECOND + LATENCY);
	cr_assert(lsync_session_refresh_leads(w.s), "a pair's first sample");
	cr_assert_eq(lead(&w, 1) - lead(&w, 0), 5 * SECOND + LATENCY);
	cr_assert_eq(lead(&w, 2), 0, "gamma: nothing known yet");
	/* beta -> gamma, at true time 2 s. */
	segment(&w, 1, 7 * SECOND, 2, 7 * SECOND - 8 * SECOND + LATENCY);
	cr_assert(lsync_session_refresh_leads(w.s));
	cr_assert_eq(lead(&w, 2) - lead(&w, 1), -8 * SECOND + LATENCY);
	cr_assert_eq(lead(&w, 2) - lead(&w, 0), -3 * SECOND + 2 * LATENCY);
	cr_assert_not(lsync_session_refresh_leads(w.s), "no new match");
	/* The other way, gamma -> beta: the sample is gamma's lead over
	 * beta less the latency; the pair had a sample, so the leads stay
	 * until 1,024 samples were taken, and then follow the newest. */
	segment(&w, 2, -SECOND, 1, 7 * SECOND + LATENCY);
	cr_assert_not(lsync_session_refresh_leads(w.s));
	cr_assert_eq(lead(&w, 2) - lead(&w, 1), -8 * SECOND + LATENCY);
	for (int i = 1; i < 1024; i++) {
		segment(&w, 2, i, 1, 8 * SECOND + i + LATENCY);
		cr_assert_eq(lsync_session_refresh_leads(w.s), i == 1023, "sample %d", i);
	}
	cr_assert_eq(lead(&w, 2) - lead(&w, 1), -8 * SECOND - LATENCY);
	cr_assert_eq(lead(&w, 1) - lead(&w, 0), 5 * SECOND + LATENCY);
	lttsync_session_destroy(w.s);
}

/* Leads stay within ±2^62, so a timestamp less a lead cannot overflow,
 * and merge keys saturate. */
Test(leads, extreme_clocks_saturate)
{
	world w;

	world_init(&w);
	segment(&w, 0, LSYNC_TS_MIN, 1, LSYNC_TS_MAX);
	cr_assert(lsync_session_refresh_leads(w.s));
	segment(&w, 1, LSYNC_TS_MIN, 2, LSYNC_TS_MAX);
	cr_assert(lsync_session_refresh_leads(w.s));
	cr_assert_eq(lead(&w, 1) - lead(&w, 0), LSYNC_TS_MAX);
	for (int i = 0; i < 3; i++) {
		cr_assert_geq(lead(&w, i), LSYNC_TS_MIN);
		cr_assert_leq(lead(&w, i), LSYNC_TS_MAX);
	}
	cr_assert_eq(lsync_merge_key(INT64_MIN + 5, LSYNC_TS_MAX), INT64_MIN);
	cr_assert_eq(lsync_merge_key(INT64_MAX - 5, LSYNC_TS_MIN), INT64_MAX);
	cr_assert_eq(lsync_merge_key(LSYNC_TS_MAX, LSYNC_TS_MIN), INT64_MAX);
	cr_assert_eq(lsync_merge_key(-7, 3), -10);
	lttsync_session_destroy(w.s);
}

/* The clock offsets lttsync-gen drew, host by host, from truth.json. */
static void truth_offsets(const char *dir, int64_t *out, int n)
{
	char *path = g_build_filename(dir, "truth.json", NULL), *json, *at;

	cr_assert(g_file_get_contents(path, &json, NULL, NULL), "%s", path);
	at = json;
	for (int i = 0; i < n; i++) {
		at = strstr(at, "\"offset_ns\": ");
		cr_assert_not_null(at, "offset of host%d in truth.json", i);
		at += strlen("\"offset_ns\": ");
		out[i] = g_ascii_strtoll(at, NULL, 10);
	}
	g_free(json);
	g_free(path);
}

/*
 * Generated traces whose clocks are seconds apart, read in the calling
 * process (one thread, then several) and by workers (libbabeltrace2): by the end, the leads are the offsets between
 * the clocks, to within a millisecond (latency and drift).
 */
static void check_learned(const char *dir, unsigned jobs, lttsync_reader reader)
{
	const int64_t *truth = NULL;
	int64_t off[3], lead0 = 0;
	lttsync_session *s;
	lttsync_host_id h;
	char name[8];
	size_t n;

	truth_offsets(dir, off, 3);
	truth = off;
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_read_jobs(s, jobs), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_reader(s, reader), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL),
		     LTTSYNC_OK);
	cr_assert_eq(n, 3);
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "host%d", i);
		cr_assert_eq(lttsync_session_find_host(&h, s, name), LTTSYNC_OK);
		if (i == 0)
			lead0 = lsync_session_lead(s, h);
		cr_assert_leq(llabs((lsync_session_lead(s, h) - lead0) -
				    (truth[i] - truth[0])), 1000000,
			      "jobs %u: host%d's lead %lld, its offset %lld "
			      "(host0: %lld, %lld)", jobs, i,
			      (long long)lsync_session_lead(s, h), (long long)truth[i],
			      (long long)lead0, (long long)truth[0]);
	}
	lttsync_session_destroy(s);
}

Test(leads, learned_while_reading, .timeout = 120)
{
	static const char *const opts[] = { "-n", "3", "-t", "mesh", "-d", "2",
					    "-s", "5", "--max-offset-ns", "8000000000",
					    NULL };
	char *dir = test_make_tmpdir("lttsync-leads");

	test_need_env("LTTSYNC_DECODER");
	test_generate(dir, opts);
	check_learned(dir, 0, LTTSYNC_READER_AUTO);
	check_learned(dir, 4, LTTSYNC_READER_AUTO); /* in process, threads */
	check_learned(dir, 4, LTTSYNC_READER_BABELTRACE2); /* workers */
	test_rm_rf(dir);
	g_free(dir);
}
