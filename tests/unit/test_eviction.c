/* SPDX-License-Identifier: MIT */
/*
 * The pending table's cap only loses keys: a key whose first events were
 * retired by the cap never pairs its later events with each other
 * (liblttsync/tombstones.h, doc/matching.md "Bounded memory").
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "match.h"

#define SEND LTTSYNC_DIRECTION_SEND
#define RECV LTTSYNC_DIRECTION_RECEIVE

static size_t matches;

static int count_sink(void *user, uint32_t send_host, int64_t send_ns,
		      uint32_t recv_host, int64_t recv_ns)
{
	(void)user, (void)send_host, (void)send_ns, (void)recv_host, (void)recv_ns;
	matches++;
	return 0;
}

static void feed(lsync_matcher *m, lttsync_direction dir, uint32_t seq,
		 int64_t t, uint32_t host)
{
	lttsync_packet p;

	lttsync_packet_init(&p);
	p.direction = dir;
	p.seq = seq;
	p.ack_seq = 7;
	p.flags = 0x18;
	p.timestamp_ns = t;
	cr_assert_eq(lsync_matcher_feed(m, &p, host, count_sink, NULL), 0);
}

/* `n` lone sends of fresh keys on host 2: they push older keys out. */
static void filler(lsync_matcher *m, uint32_t first_seq, size_t n, int64_t t)
{
	for (size_t i = 0; i < n; i++)
		feed(m, SEND, first_seq + (uint32_t)i, t, 2);
}

Test(eviction, retransmission_never_pairs_with_the_evicted_sends_reception)
{
	lsync_matcher *m = lsync_matcher_new(16, 42);

	matches = 0;
	feed(m, SEND, 1000, 100, 0);     /* original send, host 0 */
	filler(m, 50000, 16, 150);       /* the send is evicted */
	feed(m, RECV, 1000, 200, 1);     /* its reception, host 1 */
	feed(m, SEND, 1000, 300000, 0);  /* the retransmission */
	cr_assert_eq(lsync_matcher_settle(m, count_sink, NULL), 0);
	cr_expect_eq(matches, 0, "the retransmission was paired with the "
		     "reception of the evicted send");
	/* The send and both later events of the key, lost to eviction;
	 * the later events take no place in the table, so no filler is
	 * pushed out by them. */
	cr_expect_eq(lsync_matcher_counters(m)->evicted, 3);
	cr_expect_eq(lsync_matcher_pending(m), 16);
	lsync_matcher_free(m);
}

Test(eviction, reception_first_then_evicted_then_two_sends)
{
	lsync_matcher *m = lsync_matcher_new(8, 43);

	matches = 0;
	feed(m, RECV, 77, 100, 1);
	filler(m, 60000, 8, 150);
	feed(m, SEND, 77, 90, 0);
	feed(m, RECV, 77, 400000, 1);    /* the retransmission's reception */
	cr_assert_eq(lsync_matcher_settle(m, count_sink, NULL), 0);
	cr_expect_eq(matches, 0);
	lsync_matcher_free(m);
}

/* Ambiguous keys retired by the cap stay dropped: a third copy and a
 * late reception must not make a message. */
Test(eviction, retired_ambiguous_key_stays_dropped)
{
	lsync_matcher *m = lsync_matcher_new(8, 44);

	matches = 0;
	feed(m, SEND, 5, 100, 0);
	feed(m, SEND, 5, 200100, 0);
	filler(m, 70000, 8, 150);
	feed(m, RECV, 5, 200, 1);
	feed(m, SEND, 5, 600100, 0);
	cr_assert_eq(lsync_matcher_settle(m, count_sink, NULL), 0);
	cr_expect_eq(matches, 0);
	lsync_matcher_free(m);
}

/* What remembering retired keys must not cost: other keys still match. */
Test(eviction, unrelated_keys_still_match)
{
	lsync_matcher *m = lsync_matcher_new(64, 45);
	size_t before;

	matches = 0;
	filler(m, 80000, 1000, 10);
	before = matches;
	for (uint32_t k = 0; k < 200; k++) {
		feed(m, SEND, 100 + k, 1000 + k, 0);
		feed(m, RECV, 100 + k, 1100 + k, 1);
	}
	cr_assert_eq(lsync_matcher_settle(m, count_sink, NULL), 0);
	/* False positives of the filter drop about 0.1 % of keys. */
	cr_expect_geq(matches - before, 198, "%zu of 200 matched", matches - before);
	lsync_matcher_free(m);
}
