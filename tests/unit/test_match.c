/* SPDX-License-Identifier: MIT */
/* Tests of the matcher (liblttsync/match.h) and its repeated-key policy. */
#include <criterion/criterion.h>

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

#define SEND LTTSYNC_DIRECTION_SEND
#define RECV LTTSYNC_DIRECTION_RECEIVE
#define BIG_CAP ((size_t)1 << 20)

/* ---- helpers ---------------------------------------------------------- */

typedef struct got {
	uint32_t send_host;
	uint32_t recv_host;
	int64_t send_ns;
	int64_t recv_ns;
} got;

/* A sink that records every match; it can be told to fail. */
typedef struct sink_log {
	GArray *v;   /* of got */
	int fail;    /* status returned while non-zero */
	size_t calls;
} sink_log;

static int sink_collect(void *user, uint32_t send_host, int64_t send_ns,
			uint32_t recv_host, int64_t recv_ns)
{
	sink_log *s = user;
	got g = { send_host, recv_host, send_ns, recv_ns };

	s->calls++;
	if (s->fail)
		return s->fail;
	g_array_append_val(s->v, g);
	return 0;
}

static void log_init(sink_log *s)
{
	memset(s, 0, sizeof(*s));
	s->v = g_array_new(FALSE, FALSE, sizeof(got));
}

static void log_fini(sink_log *s)
{
	g_array_free(s->v, TRUE);
}

static got log_at(const sink_log *s, size_t i)
{
	return g_array_index(s->v, got, i);
}

/* lttsync_packet_init() lives in session.c: do what it documents. */
static lttsync_packet packet(lttsync_direction dir, uint32_t seq,
			     uint32_t ack, uint8_t flags, int64_t ts)
{
	lttsync_packet p;

	memset(&p, 0, sizeof(p));
	p.struct_size = sizeof(p);
	p.direction = dir;
	p.seq = seq;
	p.ack_seq = ack;
	p.flags = flags;
	p.timestamp_ns = ts;
	return p;
}

static void set_v4(lttsync_packet *p, uint32_t src, uint32_t dst)
{
	p->family = 4;
	memcpy(p->src_addr, &src, 4);
	memcpy(p->dst_addr, &dst, 4);
}

static void set_v6(lttsync_packet *p, uint8_t src_last, uint8_t dst_last)
{
	p->family = 6;
	memset(p->src_addr, 0x20, 16);
	memset(p->dst_addr, 0x20, 16);
	p->src_addr[15] = src_last;
	p->dst_addr[15] = dst_last;
}

static void set_ports(lttsync_packet *p, uint16_t src, uint16_t dst)
{
	p->has_ports = 1;
	p->src_port = src;
	p->dst_port = dst;
}

typedef struct ev {
	lttsync_packet p;
	uint32_t host;
} ev;

static void feed_ok(lsync_matcher *m, const lttsync_packet *p, uint32_t host,
		    sink_log *s)
{
	cr_assert_eq(lsync_matcher_feed(m, p, host, sink_collect, s), 0);
}

static void feed(lsync_matcher *m, lttsync_direction dir, uint32_t seq,
		 uint32_t host, int64_t ts, sink_log *s)
{
	lttsync_packet p = packet(dir, seq, 1000, LTTSYNC_TCP_ACK, ts);

	feed_ok(m, &p, host, s);
}

static void settle_ok(lsync_matcher *m, sink_log *s)
{
	cr_assert_eq(lsync_matcher_settle(m, sink_collect, s), 0);
}

static const lsync_match_counters *ctr(const lsync_matcher *m)
{
	return lsync_matcher_counters(m);
}

/* ---- basic matching --------------------------------------------------- */

static void check_one_pair(int send_first)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 42);
	sink_log s;

	log_init(&s);
	if (send_first) {
		feed(m, SEND, 7, 1, 100, &s);
		feed(m, RECV, 7, 2, 250, &s);
	} else {
		feed(m, RECV, 7, 2, 250, &s);
		feed(m, SEND, 7, 1, 100, &s);
	}
	cr_assert_eq(s.v->len, 0, "nothing before settle");
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1);
	cr_assert_eq(log_at(&s, 0).send_host, 1);
	cr_assert_eq(log_at(&s, 0).recv_host, 2);
	cr_assert_eq(log_at(&s, 0).send_ns, 100);
	cr_assert_eq(log_at(&s, 0).recv_ns, 250);
	cr_assert_eq(ctr(m)->packets, 2);
	cr_assert_eq(ctr(m)->matched, 1);
	cr_assert_eq(ctr(m)->ambiguous + ctr(m)->loopback + ctr(m)->evicted, 0);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1, "a match is handed once");
	cr_assert_eq(lsync_matcher_pending(m), 1, "used entry stays");
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, one_pair_send_first)
{
	check_one_pair(1);
}

Test(match, one_pair_receive_first)
{
	check_one_pair(0);
}

Test(match, flags_are_part_of_the_key)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 1);
	lttsync_packet a = packet(SEND, 5, 6, LTTSYNC_TCP_ACK, 10);
	lttsync_packet b = packet(RECV, 5, 6, LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH, 20);
	lttsync_packet c = packet(RECV, 5, 7, LTTSYNC_TCP_ACK, 20);
	sink_log s;

	log_init(&s);
	feed_ok(m, &a, 0, &s);
	feed_ok(m, &b, 1, &s);
	feed_ok(m, &c, 1, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 0);
	cr_assert_eq(lsync_matcher_pending(m), 3);
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, loopback_skipped_and_counted_once)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 3);
	sink_log s;

	log_init(&s);
	feed(m, SEND, 1, 4, 10, &s);
	feed(m, RECV, 1, 4, 11, &s);
	feed(m, RECV, 2, 4, 21, &s);
	feed(m, SEND, 2, 4, 20, &s);
	settle_ok(m, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 0);
	cr_assert_eq(ctr(m)->loopback, 2, "once per key, not per settle");
	cr_assert_eq(ctr(m)->matched, 0);
	cr_assert_eq(ctr(m)->ambiguous, 0);
	lsync_matcher_free(m);
	log_fini(&s);
}

/* ---- repeated keys ---------------------------------------------------- */

static const int perms3[6][3] = {
	{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
	{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
};

/* Three events of one key fed in every order: no match, 3 ambiguous. */
static void check_three_events(const ev evs[3])
{
	for (int k = 0; k < 6; k++) {
		lsync_matcher *m = lsync_matcher_new(BIG_CAP, (uint64_t)k);
		sink_log s;

		log_init(&s);
		for (int j = 0; j < 3; j++)
			feed_ok(m, &evs[perms3[k][j]].p,
				evs[perms3[k][j]].host, &s);
		settle_ok(m, &s);
		cr_assert_eq(s.v->len, 0, "order %d matched", k);
		cr_assert_eq(ctr(m)->ambiguous, 3, "order %d", k);
		cr_assert_eq(ctr(m)->matched, 0);
		cr_assert_eq(ctr(m)->packets, 3);
		/* Later events of the key are dropped while it lives. */
		feed_ok(m, &evs[0].p, evs[0].host, &s);
		settle_ok(m, &s);
		cr_assert_eq(ctr(m)->ambiguous, 4, "order %d", k);
		cr_assert_eq(s.v->len, 0);
		lsync_matcher_free(m);
		log_fini(&s);
	}
}

Test(match, retransmission_every_order)
{
	ev evs[3] = {
		{ packet(SEND, 9, 9, LTTSYNC_TCP_ACK, 100), 1 },
		{ packet(SEND, 9, 9, LTTSYNC_TCP_ACK, 300), 1 },
		{ packet(RECV, 9, 9, LTTSYNC_TCP_ACK, 350), 2 },
	};

	check_three_events(evs);
}

Test(match, duplicate_receive_every_order)
{
	ev evs[3] = {
		{ packet(SEND, 9, 9, LTTSYNC_TCP_ACK, 100), 1 },
		{ packet(RECV, 9, 9, LTTSYNC_TCP_ACK, 150), 2 },
		{ packet(RECV, 9, 9, LTTSYNC_TCP_ACK, 160), 3 },
	};

	check_three_events(evs);
}

Test(match, late_repeat_after_settle_ignored)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 5);
	sink_log s;

	log_init(&s);
	feed(m, SEND, 3, 1, 100, &s);
	feed(m, RECV, 3, 2, 200, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1);
	feed(m, SEND, 3, 1, 400, &s);  /* retransmission, too late */
	feed(m, RECV, 3, 2, 500, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1, "the used match is not revised");
	cr_assert_eq(log_at(&s, 0).send_ns, 100);
	cr_assert_eq(ctr(m)->late_repeats, 2);
	cr_assert_eq(ctr(m)->ambiguous, 0);
	cr_assert_eq(ctr(m)->matched, 1);
	lsync_matcher_free(m);
	log_fini(&s);
}

/* ---- addresses and ports ---------------------------------------------- */

/* Feeds a send and a receive of one key on hosts 1 and 2; 1 if matched. */
static int pair_matches(const lttsync_packet *snd, const lttsync_packet *rcv,
			uint64_t *mismatch)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 77);
	sink_log s;
	int n;

	log_init(&s);
	feed_ok(m, snd, 1, &s);
	feed_ok(m, rcv, 2, &s);
	settle_ok(m, &s);
	n = (int)s.v->len;
	*mismatch = ctr(m)->flow_mismatch;
	if (*mismatch)
		cr_assert_eq(ctr(m)->ambiguous, 2, "mismatched events dropped");
	lsync_matcher_free(m);
	log_fini(&s);
	return n;
}

Test(match, address_mismatch)
{
	lttsync_packet a = packet(SEND, 1, 2, LTTSYNC_TCP_SYN, 10);
	lttsync_packet b = packet(RECV, 1, 2, LTTSYNC_TCP_SYN, 20);
	uint64_t mm;

	set_v4(&a, 0x0a000001, 0x0a000002);
	set_v4(&b, 0x0a000001, 0x0a000002);
	cr_assert_eq(pair_matches(&a, &b, &mm), 1);
	cr_assert_eq(mm, 0);
	set_v4(&b, 0x0a000003, 0x0a000002);  /* source differs */
	cr_assert_eq(pair_matches(&a, &b, &mm), 0);
	cr_assert_eq(mm, 1);
	cr_assert_eq(pair_matches(&b, &a, &mm), 0, "either order");
	cr_assert_eq(mm, 1);
	set_v4(&b, 0x0a000001, 0x0a000009);  /* destination differs */
	cr_assert_eq(pair_matches(&a, &b, &mm), 0);
	cr_assert_eq(mm, 1);
}

Test(match, ipv6_address_mismatch)
{
	lttsync_packet a = packet(SEND, 1, 2, LTTSYNC_TCP_SYN, 10);
	lttsync_packet b = packet(RECV, 1, 2, LTTSYNC_TCP_SYN, 20);
	uint64_t mm;

	set_v6(&a, 1, 2);
	set_v6(&b, 1, 2);
	cr_assert_eq(pair_matches(&a, &b, &mm), 1);
	cr_assert_eq(mm, 0);
	b.dst_addr[0] = 0x30;  /* differs far from the end */
	cr_assert_eq(pair_matches(&a, &b, &mm), 0);
	cr_assert_eq(mm, 1);
}

Test(match, port_mismatch)
{
	lttsync_packet a = packet(SEND, 1, 2, LTTSYNC_TCP_ACK, 10);
	lttsync_packet b = packet(RECV, 1, 2, LTTSYNC_TCP_ACK, 20);
	uint64_t mm;

	set_ports(&a, 40000, 80);
	set_ports(&b, 40000, 80);
	cr_assert_eq(pair_matches(&a, &b, &mm), 1);
	set_ports(&b, 40000, 81);
	cr_assert_eq(pair_matches(&a, &b, &mm), 0);
	cr_assert_eq(mm, 1);
	set_ports(&b, 40001, 80);
	cr_assert_eq(pair_matches(&b, &a, &mm), 0);
	cr_assert_eq(mm, 1);
}

Test(match, mixed_layouts_still_match)
{
	lttsync_packet full = packet(SEND, 1, 2, LTTSYNC_TCP_ACK, 10);
	lttsync_packet bare = packet(RECV, 1, 2, LTTSYNC_TCP_ACK, 20);
	lttsync_packet ports_only = packet(RECV, 1, 2, LTTSYNC_TCP_ACK, 20);
	lttsync_packet v6 = packet(RECV, 1, 2, LTTSYNC_TCP_ACK, 20);
	uint64_t mm;

	set_v4(&full, 0x0a000001, 0x0a000002);
	set_ports(&full, 40000, 80);
	set_ports(&ports_only, 40000, 80);
	set_v6(&v6, 9, 9);  /* another family: not comparable */
	cr_assert_eq(pair_matches(&full, &bare, &mm), 1);
	cr_assert_eq(pair_matches(&bare, &full, &mm), 1);
	cr_assert_eq(pair_matches(&full, &ports_only, &mm), 1);
	cr_assert_eq(pair_matches(&full, &v6, &mm), 1);
	cr_assert_eq(mm, 0);
	set_ports(&ports_only, 40000, 443);  /* ports known on both: compared */
	cr_assert_eq(pair_matches(&ports_only, &full, &mm), 0);
	cr_assert_eq(mm, 1);
}

/* ---- the cap ---------------------------------------------------------- */

Test(match, cap_evicts_oldest_unmatched)
{
	const size_t n = 8, k = 5;
	lsync_matcher *m = lsync_matcher_new(n, 11);
	sink_log s;

	log_init(&s);
	for (uint32_t i = 0; i < n + k; i++)
		feed(m, SEND, i, 1, 100 + i, &s);
	cr_assert_eq(ctr(m)->evicted, k);
	cr_assert_eq(lsync_matcher_pending(m), n);
	/* The newest key is still held and matches... */
	feed(m, RECV, (uint32_t)(n + k - 1), 2, 1000, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1);
	cr_assert_eq(log_at(&s, 0).send_ns, (int64_t)(100 + n + k - 1));
	/* ...the oldest was dropped: its receive is a later event of a
	 * retired key, dropped too, without an entry of its own. */
	feed(m, RECV, 0, 2, 1001, &s);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1);
	cr_assert_eq(ctr(m)->evicted, k + 1);
	cr_assert_eq(lsync_matcher_pending(m), n);
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, cap_retires_complete_match_to_sink)
{
	lsync_matcher *m = lsync_matcher_new(2, 12);
	sink_log s;

	log_init(&s);
	feed(m, SEND, 1, 1, 10, &s);
	feed(m, RECV, 1, 2, 15, &s);
	feed(m, SEND, 2, 1, 20, &s);
	cr_assert_eq(s.v->len, 0);
	feed(m, SEND, 3, 1, 30, &s);  /* retires key 1, unsettled */
	cr_assert_eq(s.v->len, 1, "the retired match reached the sink");
	cr_assert_eq(log_at(&s, 0).send_ns, 10);
	cr_assert_eq(log_at(&s, 0).recv_ns, 15);
	cr_assert_eq(ctr(m)->matched, 1);
	cr_assert_eq(ctr(m)->evicted, 0);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 1);
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, cap_frees_used_and_ambiguous_silently)
{
	lsync_matcher *m = lsync_matcher_new(2, 13);
	sink_log s;

	log_init(&s);
	feed(m, SEND, 1, 1, 10, &s);
	feed(m, RECV, 1, 2, 15, &s);
	settle_ok(m, &s);                 /* key 1 used */
	feed(m, SEND, 2, 1, 20, &s);
	feed(m, SEND, 2, 1, 21, &s);      /* key 2 ambiguous */
	feed(m, SEND, 3, 1, 30, &s);
	feed(m, SEND, 4, 1, 40, &s);      /* keys 1 and 2 retired */
	cr_assert_eq(s.v->len, 1);
	cr_assert_eq(ctr(m)->evicted, 0);
	cr_assert_eq(ctr(m)->ambiguous, 2);
	cr_assert_eq(lsync_matcher_pending(m), 2);
	/* Once retired, a key is new again: not a late repeat. */
	feed(m, RECV, 1, 2, 50, &s);
	cr_assert_eq(ctr(m)->late_repeats, 0);
	cr_assert_eq(ctr(m)->evicted, 1, "key 3 made room");
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, set_max_pending_lowering)
{
	lsync_matcher *m = lsync_matcher_new(100, 14);
	sink_log s;

	log_init(&s);
	/* Ten keys, even ones complete: 0,2,4,6,8. */
	for (uint32_t i = 0; i < 10; i++) {
		feed(m, SEND, i, 1, 10 * i, &s);
		if (i % 2 == 0)
			feed(m, RECV, i, 2, 10 * i + 5, &s);
	}
	cr_assert_eq(lsync_matcher_set_max_pending(m, 3, sink_collect, &s), 0);
	cr_assert_eq(lsync_matcher_pending(m), 3);
	/* Retired: keys 0..6; matches 0,2,4,6 to the sink; 1,3,5 evicted. */
	cr_assert_eq(s.v->len, 4);
	for (size_t j = 0; j < 4; j++)
		cr_assert_eq(log_at(&s, j).send_ns, (int64_t)(20 * j),
			     "FIFO order");
	cr_assert_eq(ctr(m)->evicted, 3);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 5, "key 8 still held");
	/* The new cap holds for later insertions. */
	feed(m, SEND, 100, 1, 0, &s);
	cr_assert_eq(lsync_matcher_pending(m), 3);
	/* Raising it retires nothing. */
	cr_assert_eq(lsync_matcher_set_max_pending(m, 50, sink_collect, &s), 0);
	cr_assert_eq(lsync_matcher_pending(m), 3);
	lsync_matcher_free(m);
	log_fini(&s);
}

/* ---- sink status ------------------------------------------------------ */

Test(match, sink_error_propagates_from_settle)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 15);
	sink_log s;

	log_init(&s);
	for (uint32_t i = 0; i < 3; i++) {
		feed(m, SEND, i, 1, i, &s);
		feed(m, RECV, i, 2, i + 1, &s);
	}
	s.fail = LTTSYNC_ERROR_NO_MEMORY;
	cr_assert_eq(lsync_matcher_settle(m, sink_collect, &s),
		     LTTSYNC_ERROR_NO_MEMORY);
	cr_assert_eq(s.calls, 1, "stopped at the first failure");
	cr_assert_eq(ctr(m)->matched, 0);
	s.fail = 0;
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, 3, "refused matches are handed again");
	cr_assert_eq(ctr(m)->matched, 3);
	lsync_matcher_free(m);
	log_fini(&s);
}

Test(match, sink_error_propagates_from_retirement)
{
	lsync_matcher *m = lsync_matcher_new(1, 16);
	lttsync_packet p = packet(SEND, 2, 1000, LTTSYNC_TCP_ACK, 30);
	sink_log s;

	log_init(&s);
	feed(m, SEND, 1, 1, 10, &s);
	feed(m, RECV, 1, 2, 20, &s);
	s.fail = -7;
	cr_assert_eq(lsync_matcher_feed(m, &p, 1, sink_collect, &s), -7);
	cr_assert_eq(ctr(m)->packets, 2, "the refused event was not taken");
	cr_assert_eq(lsync_matcher_pending(m), 1);
	cr_assert_eq(lsync_matcher_set_max_pending(m, 1, sink_collect, &s), 0,
		     "nothing to retire");
	s.fail = 0;
	feed_ok(m, &p, 1, &s);
	cr_assert_eq(s.v->len, 1);
	cr_assert_eq(ctr(m)->packets, 3);
	/* And from set_max_pending. */
	feed(m, RECV, 2, 2, 40, &s);
	cr_assert_eq(lsync_matcher_set_max_pending(m, 2, sink_collect, &s), 0);
	feed(m, SEND, 3, 1, 50, &s);
	s.fail = LTTSYNC_ERROR_RANGE;
	cr_assert_eq(lsync_matcher_set_max_pending(m, 1, sink_collect, &s),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(lsync_matcher_pending(m), 2);
	lsync_matcher_free(m);
	log_fini(&s);
}

/* ---- random streams --------------------------------------------------- */

static uint64_t rng_next(uint64_t *st)
{
	/* xorshift64*: enough for test data */
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * UINT64_C(2685821657736338717);
}

static uint32_t rng_below(uint64_t *st, uint32_t n)
{
	return (uint32_t)(rng_next(st) >> 33) % n;
}

typedef struct stream {
	GArray *events;   /* of ev */
	GArray *expected; /* of got: the clean pairs */
	uint64_t loopback, ambiguous, mismatch;
} stream;

#define NHOSTS 6

/* Addresses of a key: known on some hosts' layouts only. */
static void maybe_addresses(lttsync_packet *p, uint64_t *st, uint32_t flow,
			    int corrupt)
{
	switch (rng_below(st, 3)) {
	case 0:
		set_v4(p, 0x0a000000 + flow, 0x0a100000 + flow + corrupt);
		set_ports(p, (uint16_t)(flow & 0xffff), 80);
		break;
	case 1:
		set_ports(p, (uint16_t)(flow & 0xffff), 80 + corrupt);
		break;
	default:
		break;
	}
}

static void add_event(stream *s, lttsync_direction d, uint32_t key,
		      uint32_t host, int64_t ts, uint64_t *st, int corrupt)
{
	/* Keys pair up on (seq, ack) and differ by flags only. */
	uint8_t flags = (key & 1) ? LTTSYNC_TCP_ACK
				  : (LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH);
	ev e = { packet(d, (key >> 1) * 2654435761u, key >> 1, flags, ts),
		 host };

	maybe_addresses(&e.p, st, key % 50, corrupt);
	g_array_append_val(s->events, e);
}

static void other_host(uint64_t *st, uint32_t *a, uint32_t *b)
{
	*a = rng_below(st, NHOSTS);
	*b = (*a + 1 + rng_below(st, NHOSTS - 1)) % NHOSTS;
}

/* One key of a random kind: clean pair (50%), lone event (30%),
 * retransmission or duplicate (10%), loopback (5%), flow mismatch (5%). */
static void add_key(stream *s, uint32_t key, uint64_t *st)
{
	uint32_t kind = rng_below(st, 100), a, b;
	int64_t t = (int64_t)rng_below(st, 1u << 30);
	got g;

	other_host(st, &a, &b);
	if (kind < 50) {
		add_event(s, SEND, key, a, t, st, 0);
		add_event(s, RECV, key, b, t + 500, st, 0);
		g = (got){ a, b, t, t + 500 };
		g_array_append_val(s->expected, g);
	} else if (kind < 80) {
		add_event(s, kind % 2 ? SEND : RECV, key, a, t, st, 0);
	} else if (kind < 90) {
		add_event(s, SEND, key, a, t, st, 0);
		add_event(s, RECV, key, b, t + 500, st, 0);
		add_event(s, kind % 2 ? SEND : RECV, key, kind % 2 ? a : b,
			  t + 900, st, 0);
		s->ambiguous += 3;
	} else if (kind < 95) {
		add_event(s, SEND, key, a, t, st, 0);
		add_event(s, RECV, key, a, t + 5, st, 0);
		s->loopback++;
	} else {
		/* Both events carry ports, so the disagreement is seen. */
		add_event(s, SEND, key, a, t, st, 0);
		add_event(s, RECV, key, b, t + 500, st, 0);
		set_ports(&g_array_index(s->events, ev, s->events->len - 1).p,
			  1, 2);
		set_ports(&g_array_index(s->events, ev, s->events->len - 2).p,
			  1, 3);
		s->mismatch++;
		s->ambiguous += 2;
	}
}

static void stream_make(stream *s, uint32_t nkeys, uint64_t seed)
{
	uint64_t st = seed | 1;

	memset(s, 0, sizeof(*s));
	s->events = g_array_new(FALSE, FALSE, sizeof(ev));
	s->expected = g_array_new(FALSE, FALSE, sizeof(got));
	for (uint32_t k = 0; k < nkeys; k++)
		add_key(s, k, &st);
}

static void stream_free(stream *s)
{
	g_array_free(s->events, TRUE);
	g_array_free(s->expected, TRUE);
}

static void shuffle(GArray *a, uint64_t seed)
{
	uint64_t st = seed | 1;

	for (guint i = a->len; i > 1; i--) {
		guint j = rng_below(&st, i);
		ev tmp = g_array_index(a, ev, i - 1);

		g_array_index(a, ev, i - 1) = g_array_index(a, ev, j);
		g_array_index(a, ev, j) = tmp;
	}
}

static int got_cmp(const void *x, const void *y)
{
	const got *a = x, *b = y;

	if (a->send_ns != b->send_ns)
		return a->send_ns < b->send_ns ? -1 : 1;
	if (a->recv_ns != b->recv_ns)
		return a->recv_ns < b->recv_ns ? -1 : 1;
	if (a->send_host != b->send_host)
		return a->send_host < b->send_host ? -1 : 1;
	return (a->recv_host > b->recv_host) - (a->recv_host < b->recv_host);
}

static void assert_same_matches(GArray *a, GArray *b)
{
	cr_assert_eq(a->len, b->len);
	g_array_sort(a, got_cmp);
	g_array_sort(b, got_cmp);
	cr_assert_eq(memcmp(a->data, b->data, a->len * sizeof(got)), 0);
}

/* Feeds every event of the stream, settles; the sink log gets the matches. */
static lsync_matcher *run_stream(const stream *s, size_t cap, uint64_t seed,
				 sink_log *log)
{
	lsync_matcher *m = lsync_matcher_new(cap, seed);

	for (guint i = 0; i < s->events->len; i++) {
		const ev *e = &g_array_index(s->events, ev, i);

		feed_ok(m, &e->p, e->host, log);
	}
	settle_ok(m, log);
	return m;
}

Test(match, order_independence_random_streams)
{
	for (uint64_t trial = 1; trial <= 3; trial++) {
		stream s;

		stream_make(&s, 3000, trial * 7919);
		for (uint64_t order = 0; order < 5; order++) {
			sink_log log;
			lsync_matcher *m;

			log_init(&log);
			shuffle(s.events, trial * 104729 + order);
			m = run_stream(&s, BIG_CAP, order, &log);
			assert_same_matches(log.v, s.expected);
			cr_assert_eq(ctr(m)->packets, s.events->len);
			cr_assert_eq(ctr(m)->matched, s.expected->len);
			cr_assert_eq(ctr(m)->ambiguous, s.ambiguous);
			cr_assert_eq(ctr(m)->loopback, s.loopback);
			cr_assert_eq(ctr(m)->flow_mismatch, s.mismatch);
			cr_assert_eq(ctr(m)->evicted, 0);
			lsync_matcher_free(m);
			log_fini(&log);
		}
		stream_free(&s);
	}
}

Test(match, seeds_do_not_change_matches)
{
	stream s;
	sink_log a, b;
	lsync_matcher *ma, *mb;

	stream_make(&s, 5000, 99);
	shuffle(s.events, 5);
	log_init(&a);
	log_init(&b);
	ma = run_stream(&s, BIG_CAP, UINT64_C(0x0123456789abcdef), &a);
	mb = run_stream(&s, BIG_CAP, UINT64_C(0xfedcba9876543210), &b);
	/* Same feed order: same FIFO, so the same sequence, not just set. */
	cr_assert_eq(a.v->len, b.v->len);
	cr_assert_gt(a.v->len, 0);
	cr_assert_eq(memcmp(a.v->data, b.v->data, a.v->len * sizeof(got)), 0);
	cr_assert_eq(memcmp(ctr(ma), ctr(mb), sizeof(lsync_match_counters)), 0);
	lsync_matcher_free(ma);
	lsync_matcher_free(mb);
	log_fini(&a);
	log_fini(&b);
	stream_free(&s);
}

/*
 * Under a small cap nothing is lost track of: once fresh keys have pushed
 * every old entry out, each event fed is in exactly one counter (a match
 * counts its two events, a loopback key its two).
 */
Test(match, small_cap_accounts_for_every_event)
{
	const size_t cap = 64;
	stream s;
	sink_log log;
	lsync_matcher *m;
	const lsync_match_counters *c;

	stream_make(&s, 4000, 2024);
	shuffle(s.events, 3);
	log_init(&log);
	m = run_stream(&s, cap, 8, &log);
	for (uint32_t i = 0; i < cap; i++) {
		lttsync_packet p = packet(SEND, i, 0xffffffffu, 0, 0);

		feed_ok(m, &p, 0, &log);
		cr_assert_leq(lsync_matcher_pending(m), cap);
	}
	c = ctr(m);
	cr_assert_gt(c->evicted, 0);
	cr_assert_eq(c->packets, 2 * c->matched + c->ambiguous + c->evicted +
				 c->late_repeats + 2 * c->loopback + cap);
	cr_assert_eq(c->matched, log.v->len);
	lsync_matcher_free(m);
	log_fini(&log);
	stream_free(&s);
}

Test(match, free_null_is_harmless)
{
	lsync_matcher *m = lsync_matcher_new(0, 0);

	cr_assert_not_null(m);
	lsync_matcher_free(NULL);
	lsync_matcher_free(m);
}

static int loopback_sink(void *user, uint32_t send_host, int64_t send_ns,
			 uint32_t recv_host, int64_t recv_ns)
{
	cr_assert_fail("a loopback key must not become a message");
	return 0;
}

/* A loopback key is counted once whatever the order of its three events. */
Test(match, loopback_count_is_order_independent)
{
	static const int orders[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					  { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	for (int o = 0; o < 6; o++) {
		lsync_matcher *m = lsync_matcher_new(16, 1);
		lttsync_packet p[3];

		for (int k = 0; k < 3; k++) {
			memset(&p[k], 0, sizeof(p[k]));
			p[k].struct_size = sizeof(p[k]);
			p[k].seq = 5;
			p[k].ack_seq = 6;
			p[k].flags = 0x18;
			p[k].timestamp_ns = 100 + k;
			p[k].direction = k == 1 ? LTTSYNC_DIRECTION_RECEIVE
						: LTTSYNC_DIRECTION_SEND;
		}
		for (int k = 0; k < 3; k++)
			cr_assert_eq(lsync_matcher_feed(m, &p[orders[o][k]], 0,
							loopback_sink, NULL), 0);
		cr_assert_eq(lsync_matcher_counters(m)->loopback, 1, "order %d", o);
		cr_assert_eq(lsync_matcher_counters(m)->ambiguous, 3, "order %d", o);
		lsync_matcher_free(m);
	}
}

/* ---- the newest match, for the readers' leads ----------------------------- */

Test(match, newest_match_is_recorded_when_it_completes)
{
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 42);
	const lsync_match_sample *n = lsync_matcher_newest(m);
	sink_log s;

	log_init(&s);
	cr_assert_eq(n->n, 0, "no match yet");
	feed(m, RECV, 7, 2, 5000000250, &s);
	cr_assert_eq(n->n, 0, "one event is not a match");
	feed(m, SEND, 7, 1, 100, &s);
	cr_assert_eq(s.v->len, 0, "long before the sink gets it");
	cr_assert_eq(n->n, 1);
	cr_assert_eq(n->send_host, 1);
	cr_assert_eq(n->recv_host, 2);
	cr_assert_eq(n->send_ns, 100);
	cr_assert_eq(n->recv_ns, 5000000250);
	/* Neither a loopback nor a key turned ambiguous is a sample. */
	feed(m, SEND, 8, 3, 300, &s);
	feed(m, RECV, 8, 3, 400, &s);
	feed(m, SEND, 9, 1, 500, &s);
	feed(m, SEND, 9, 1, 600, &s);
	feed(m, RECV, 9, 2, 700, &s);
	cr_assert_eq(n->n, 1);
	cr_assert_eq(n->send_ns, 100);
	feed(m, SEND, 10, 2, 800, &s);
	feed(m, RECV, 10, 1, 900, &s);
	cr_assert_eq(n->n, 2);
	cr_assert_eq(n->send_host, 2);
	cr_assert_eq(n->recv_ns, 900);
	lsync_matcher_free(m);
	log_fini(&s);
}

/*
 * Past 2 MiB of entries the pool takes its chunks from huge-page slabs
 * (match.c): every key there still matches, at its own times, and the
 * matcher frees them (ASan and valgrind runs check the frees).
 */
Test(match, pool_beyond_its_first_slabs)
{
	const uint32_t n = 150000; /* about four slabs of 36,864 entries */
	lsync_matcher *m = lsync_matcher_new(BIG_CAP, 42);
	sink_log s;

	log_init(&s);
	for (uint32_t k = 0; k < n; k++)
		feed(m, SEND, k, 1, 10 * (int64_t)k, &s);
	for (uint32_t k = 0; k < n; k++)
		feed(m, RECV, k, 2, 10 * (int64_t)k + 7, &s);
	cr_assert_eq(lsync_matcher_pending(m), n);
	settle_ok(m, &s);
	cr_assert_eq(s.v->len, n);
	for (uint32_t i = 0; i < n; i++) {
		got g = log_at(&s, i);

		cr_assert_eq(g.recv_ns - g.send_ns, 7, "match %u", i);
		cr_assert_eq(g.send_host, 1);
		cr_assert_eq(g.recv_host, 2);
	}
	cr_assert_eq(ctr(m)->matched, n);
	lsync_matcher_free(m);
	log_fini(&s);
}
