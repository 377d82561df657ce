/* SPDX-License-Identifier: MIT */
/*
 * The evidence a program can show: a pair's hull vertices
 * (lttsync_session_get_pair_hull()), checked against the definition of
 * doc/algorithm.md by brute force over every message fed. For messages
 * sent by the pair's first host (points x = send, y = receive) the
 * vertices are the strict vertices of the lower convex hull: each one a
 * message, x strictly increasing from the smallest x to the largest,
 * every consecutive triple turning strictly left, and every message on or
 * above their polyline. For the other direction (x = receive, y = send),
 * the upper hull: the same with every turn right and every message on or
 * below. These properties define the vertex list uniquely.
 *
 * And kept matches (lttsync_session_get_kept_match()): what packets fed
 * with known fields, or traces written by lttsync-gen with their truth,
 * say about each message's traces and packet.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib.h>

#include <lttsync/lttsync.h>

#include "../common/ratesim.h"
#include "../common/testfiles.h"
#include "../common/sim_session.h"

#define HOUR_NS (3600 * 1e9L)
#define WINDOW_NS INT64_C(1000000000) /* the default segment window */

typedef __int128 i128;

static int cmp_point(const void *a, const void *b)
{
	const lttsync_point *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* > 0: a, b, c turn left (counterclockwise). */
static int orient(lttsync_point a, lttsync_point b, lttsync_point c)
{
	i128 l = ((i128)b.x - a.x) * ((i128)c.y - a.y);
	i128 r = ((i128)b.y - a.y) * ((i128)c.x - a.x);

	return (l > r) - (l < r);
}

/* Sign of p.y - polyline(p.x), with v[j].x <= p.x <= v[j + 1].x. */
static int side_of(const lttsync_point *v, size_t m, lttsync_point p)
{
	size_t lo = 0, hi = m - 1;

	if (m == 1 || p.x == v[0].x)
		return (p.y > v[0].y) - (p.y < v[0].y);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].x <= p.x)
			lo = mid;
		else
			hi = mid;
	}
	return orient(v[lo], v[hi], p);
}

/*
 * v (m vertices) is the lower (lower != 0) or upper hull of the n points
 * p, by the definition in the file comment. p is sorted in place.
 */
static void check_hull(lttsync_point *p, size_t n, const lttsync_point *v,
		       size_t m, int lower, const char *what)
{
	int want = lower ? 1 : -1;

	cr_assert_eq(m == 0, n == 0, "%s: %zu vertices for %zu points", what,
		     m, n);
	if (!n)
		return;
	qsort(p, n, sizeof(*p), cmp_point);
	cr_assert_eq(v[0].x, p[0].x, "%s: first vertex not at the first x", what);
	cr_assert_eq(v[m - 1].x, p[n - 1].x, "%s: last vertex not at the last x",
		     what);
	for (size_t i = 0; i < m; i++) {
		cr_assert(bsearch(&v[i], p, n, sizeof(*p), cmp_point),
			  "%s: vertex %zu (%" PRId64 ", %" PRId64 ") is no message",
			  what, i, v[i].x, v[i].y);
		if (i > 0)
			cr_assert_lt(v[i - 1].x, v[i].x, "%s: x not increasing at %zu",
				     what, i);
		if (i > 0 && i + 1 < m)
			cr_assert_eq(orient(v[i - 1], v[i], v[i + 1]), want,
				     "%s: vertex %zu not strictly convex", what, i);
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_neq(side_of(v, m, p[i]), -want,
			      "%s: message (%" PRId64 ", %" PRId64 ") on the wrong "
			      "side of the hull", what, p[i].x, p[i].y);
}

/* The hull of one direction of a pair, through the two-call pattern. */
static lttsync_point *get_hull(lttsync_session *s, size_t pair,
			       lttsync_pair_direction dir, size_t *m)
{
	lttsync_point *v;
	size_t again = 0;

	cr_assert_eq(lttsync_session_get_pair_hull(m, NULL, 0, s, pair, dir),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	v = malloc((*m ? *m : 1) * sizeof(*v));
	cr_assert_eq(lttsync_session_get_pair_hull(&again, v, *m ? *m : 1, s,
						   pair, dir),
		     LTTSYNC_OK);
	cr_assert_eq(again, *m);
	return v;
}

/* The points of the messages of pair (a, b) in one direction, in the
 * pair's plane; with window >= 0 only those whose x is in that window. */
static lttsync_point *points_of(const sim_message *msg, size_t n, uint32_t a,
				uint32_t b, lttsync_pair_direction dir,
				int64_t window, size_t *count)
{
	lttsync_point *p = malloc((n ? n : 1) * sizeof(*p));
	uint32_t from = dir == LTTSYNC_PAIR_FIRST_TO_SECOND ? a : b;
	uint32_t to = from == a ? b : a;

	*count = 0;
	for (size_t i = 0; i < n; i++) {
		lttsync_point q;

		if (msg[i].send_host != from || msg[i].recv_host != to)
			continue;
		q.x = from == a ? msg[i].send_ns : msg[i].recv_ns;
		q.y = from == a ? msg[i].recv_ns : msg[i].send_ns;
		if (window == INT64_MIN || q.x / WINDOW_NS == window)
			p[(*count)++] = q;
	}
	return p;
}

/* Every pair of `hosts` exchanges `per_pair` messages over two hours,
 * both ways, in random order. */
static sim_message *linear_messages(sim_world *w, size_t hosts,
				    size_t per_pair, size_t *n)
{
	sim_message *m = malloc(hosts * hosts * per_pair * sizeof(*m));

	*n = 0;
	for (uint32_t h = 0; h < hosts; h++)
		for (uint32_t k = h + 1; k < hosts; k++)
			for (size_t i = 0; i < per_pair; i++) {
				long double T = sim_uniform(w) * 2 * HOUR_NS;
				int fwd = sim_rand(w) & 1;

				m[(*n)++] = sim_message_at(w, fwd ? h : k,
							   fwd ? k : h, T,
							   20000, 80000);
			}
	sim_shuffle(w, m, *n);
	return m;
}

/* Every direction of every pair of s against the brute force. */
static void check_every_pair(lttsync_session *s, const sim_message *m,
			     size_t n, size_t pairs)
{
	cr_assert_eq(lttsync_session_get_pair_count(s), pairs);
	for (size_t k = 0; k < pairs; k++) {
		lttsync_host_id a, b;

		cr_assert_eq(lttsync_session_get_pair(&a, &b, s, k), LTTSYNC_OK);
		for (int d = 0; d < 2; d++) {
			size_t np, nv;
			lttsync_point *p = points_of(m, n, a, b, d, INT64_MIN, &np);
			lttsync_point *v = get_hull(s, k, d, &nv);
			char what[64];

			snprintf(what, sizeof(what), "pair %zu direction %d", k, d);
			cr_assert_gt(nv, 2, "%s: a hull of %zu vertices", what, nv);
			check_hull(p, np, v, nv, d == LTTSYNC_PAIR_FIRST_TO_SECOND,
				   what);
			free(p);
			free(v);
		}
	}
}

Test(pair_hull, linear_clocks_match_the_definition)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		sim_world w;
		size_t n;
		sim_message *m;

		sim_init(&w, 3, seed, 3 * 3600 * INT64_C(1000000000), 200);
		m = linear_messages(&w, 3, 4000, &n);
		for (int segments = 0; segments < 2; segments++) {
			lttsync_session *s = sim_session_of(m, n, 3, segments);

			check_every_pair(s, m, n, 3);
			lttsync_session_destroy(s);
		}
		free(m);
		sim_free(&w);
	}
}

/* The same set of messages in another order gives the same vertices. */
Test(pair_hull, independent_of_feed_order)
{
	sim_world w;
	size_t n, n1, n2;
	sim_message *m;
	lttsync_session *s1, *s2;

	sim_init(&w, 2, 11, 3 * 3600 * INT64_C(1000000000), 100);
	m = linear_messages(&w, 2, 3000, &n);
	s1 = sim_session_of(m, n, 2, 1);
	sim_shuffle(&w, m, n);
	s2 = sim_session_of(m, n, 2, 1);
	for (int d = 0; d < 2; d++) {
		lttsync_point *v1 = get_hull(s1, 0, d, &n1);
		lttsync_point *v2 = get_hull(s2, 0, d, &n2);

		cr_assert_eq(n1, n2);
		cr_assert_eq(memcmp(v1, v2, n1 * sizeof(*v1)), 0);
		free(v1);
		free(v2);
	}
	lttsync_session_destroy(s1);
	lttsync_session_destroy(s2);
	free(m);
	sim_free(&w);
}

/*
 * Clocks whose rate changes, explained by segments: the vertices are
 * those of every window's hull, window after window, each window's
 * checked against its own messages.
 */
Test(pair_hull, segmented_pair_gives_every_window)
{
	rate_world w;
	size_t n = 0;
	sim_message *m = NULL;
	lttsync_session *s;
	lttsync_transform *tf;

	rate_init(&w, 2, 5, HOUR_NS / 4, 1);
	rate_messages(&w, 0, 1, 12, &m, &n);
	s = sim_session_of(m, n, 2, 1);
	cr_assert_eq(lttsync_session_get_pair_estimate(&tf, s, 0, 1), LTTSYNC_OK);
	cr_assert_gt(lttsync_transform_get_segment_count(tf), 1,
		     "the data should need segments");
	lttsync_transform_destroy(tf);
	for (int d = 0; d < 2; d++) {
		size_t nv, at = 0, windows = 0, in_windows = 0;
		lttsync_point *v = get_hull(s, 0, d, &nv);

		while (at < nv) {
			int64_t win = v[at].x / WINDOW_NS;
			size_t end = at, np;
			lttsync_point *p;
			char what[64];

			while (end < nv && v[end].x / WINDOW_NS == win)
				end++;
			p = points_of(m, n, 0, 1, d, win, &np);
			snprintf(what, sizeof(what), "direction %d window %" PRId64,
				 d, win);
			check_hull(p, np, v + at, end - at, d == 0, what);
			in_windows += np;
			windows++;
			free(p);
			at = end;
		}
		/* every message lies in one of the windows given */
		free(points_of(m, n, 0, 1, d, INT64_MIN, &nv));
		cr_assert_eq(in_windows, nv, "direction %d: %zu of %zu messages "
			     "in the windows given", d, in_windows, nv);
		cr_assert_gt(windows, 100);
		free(v);
	}
	lttsync_session_destroy(s);
	free(m);
	rate_free(&w);
}

Test(pair_hull, two_call_pattern_and_errors)
{
	sim_world w;
	size_t n, count = 12345, nv;
	sim_message *m;
	lttsync_session *s;
	lttsync_point *v, *small;

	sim_init(&w, 2, 3, 3 * 3600 * INT64_C(1000000000), 100);
	m = linear_messages(&w, 2, 500, &n);
	s = sim_session_of(m, n, 2, 1);
	v = get_hull(s, 0, LTTSYNC_PAIR_FIRST_TO_SECOND, &nv);
	cr_assert_geq(nv, 3);

	/* too small: RANGE, the count, and the buffer untouched */
	small = calloc(nv, sizeof(*small));
	cr_assert_eq(lttsync_session_get_pair_hull(&count, small, nv - 1, s, 0,
						   LTTSYNC_PAIR_FIRST_TO_SECOND),
		     LTTSYNC_ERROR_RANGE);
	cr_assert_eq(count, nv);
	for (size_t i = 0; i < nv; i++)
		cr_assert(small[i].x == 0 && small[i].y == 0);
	cr_assert_neq(strstr(lttsync_session_get_last_error(s), "room"), NULL);
	/* larger than needed: fine */
	cr_assert_eq(lttsync_session_get_pair_hull(&count, small, nv, s, 0,
						   LTTSYNC_PAIR_FIRST_TO_SECOND),
		     LTTSYNC_OK);
	cr_assert_eq(memcmp(small, v, nv * sizeof(*v)), 0);

	count = 12345;
	cr_assert_eq(lttsync_session_get_pair_hull(NULL, NULL, 0, s, 0, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, NULL, 4, s, 0, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, NULL, 0, NULL, 0, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, NULL, 0, s, 0,
						   (lttsync_pair_direction)2),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, NULL, 0, s, 1, 0),
		     LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(count, 12345, "out_count set on an error");
	free(small);
	free(v);
	lttsync_session_destroy(s);
	free(m);
	sim_free(&w);
}

/* A pair with messages one way only: the other direction is empty. */
Test(pair_hull, one_direction_only)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	size_t count = 99;
	lttsync_point v[2];

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&a, s, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&b, s, "b"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, 1000, a, 5000), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, NULL, 0, s, 0,
						   LTTSYNC_PAIR_FIRST_TO_SECOND),
		     LTTSYNC_OK);
	cr_assert_eq(count, 0);
	cr_assert_eq(lttsync_session_get_pair_hull(&count, v, 2, s, 0,
						   LTTSYNC_PAIR_SECOND_TO_FIRST),
		     LTTSYNC_OK);
	cr_assert_eq(count, 1);
	/* x on the first host (a, the receiver), y on the second (b) */
	cr_assert(v[0].x == 5000 && v[0].y == 1000);
	lttsync_session_destroy(s);
}

/* ---- kept matches ------------------------------------------------------ */

static lttsync_packet packet(lttsync_trace_id trace, lttsync_direction dir,
			     int64_t ts, uint32_t seq, uint32_t ack, uint8_t flags)
{
	lttsync_packet p;

	lttsync_packet_init(&p);
	p.trace = trace;
	p.direction = dir;
	p.timestamp_ns = ts;
	p.seq = seq;
	p.ack_seq = ack;
	p.flags = flags;
	return p;
}

static void set_v4(lttsync_packet *p, uint8_t src, uint8_t dst,
		   uint16_t sport, uint16_t dport)
{
	const uint8_t s4[4] = { 10, 0, 0, src }, d4[4] = { 10, 0, 0, dst };

	p->family = 4;
	memcpy(p->src_addr, s4, 4);
	memcpy(p->dst_addr, d4, 4);
	p->has_ports = 1;
	p->src_port = sport;
	p->dst_port = dport;
}

static void set_v6(lttsync_packet *p, uint8_t src, uint8_t dst)
{
	p->family = 6;
	memset(p->src_addr, 0, 16);
	memset(p->dst_addr, 0, 16);
	p->src_addr[0] = p->dst_addr[0] = 0xfd;
	p->src_addr[15] = src;
	p->dst_addr[15] = dst;
}

static void feed(lttsync_session *s, const lttsync_packet *p)
{
	cr_assert_eq(lttsync_session_feed_packet(s, p), LTTSYNC_OK, "%s",
		     lttsync_session_get_last_error(s));
}

/* The kept match whose seq is `seq` (fails if none). */
static lttsync_match find_match(lttsync_session *s, uint32_t seq, int packet)
{
	size_t n;
	lttsync_match m;

	cr_assert_eq(lttsync_session_get_kept_match_count(&n, s), LTTSYNC_OK);
	for (size_t i = 0; i < n; i++) {
		lttsync_match_init(&m);
		cr_assert_eq(lttsync_session_get_kept_match(&m, s, i), LTTSYNC_OK);
		if (!!m.has_packet == packet && (!packet || m.seq == seq))
			return m;
	}
	cr_assert_fail("no kept match with seq %u", seq);
	return m;
}

Test(kept_match, fed_packets_name_their_traces_and_packet)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	lttsync_trace_id ta0, ta1, tb0;
	lttsync_packet p;
	lttsync_match m;
	lttsync_message msg;
	size_t n, per_pair;
	const uint8_t v6_b[16] = { 0xfd, [15] = 2 }, v6_a[16] = { 0xfd, [15] = 1 };

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_keep_messages(s, 1), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&a, s, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&b, s, "b"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta0, s, a, "a0"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta1, s, a, "a1"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb0, s, b, "b0"), LTTSYNC_OK);

	/* 1: IPv4 both ways known, sent from a's second trace */
	p = packet(ta1, LTTSYNC_DIRECTION_SEND, 1000, 100, 200,
		   LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH);
	set_v4(&p, 1, 2, 40000, 80);
	feed(s, &p);
	p.trace = tb0, p.direction = LTTSYNC_DIRECTION_RECEIVE, p.timestamp_ns = 5000;
	feed(s, &p);
	/* 2: the receive comes first and alone knows the addresses; the
	 * send knows the ports only */
	p = packet(ta0, LTTSYNC_DIRECTION_RECEIVE, 9000, 300, 400, LTTSYNC_TCP_ACK);
	set_v6(&p, 2, 1);
	feed(s, &p);
	p = packet(tb0, LTTSYNC_DIRECTION_SEND, 6000, 300, 400, LTTSYNC_TCP_ACK);
	p.has_ports = 1, p.src_port = 80, p.dst_port = 40000;
	feed(s, &p);
	/* 3: nothing but the key */
	p = packet(ta0, LTTSYNC_DIRECTION_SEND, 20000, 500, 600, LTTSYNC_TCP_SYN);
	feed(s, &p);
	p = packet(tb0, LTTSYNC_DIRECTION_RECEIVE, 26000, 500, 600, LTTSYNC_TCP_SYN);
	feed(s, &p);
	/* 4: a message fed as such */
	cr_assert_eq(lttsync_session_feed_message(s, b, 30000, a, 31000), LTTSYNC_OK);

	cr_assert_eq(lttsync_session_get_kept_match_count(&n, s), LTTSYNC_OK);
	cr_assert_eq(n, 4);

	m = find_match(s, 100, 1);
	cr_assert_eq(m.struct_size, sizeof(m));
	cr_assert(m.message.send_host == a && m.message.recv_host == b &&
		  m.message.send_ns == 1000 && m.message.recv_ns == 5000);
	cr_assert(m.send_trace == ta1 && m.recv_trace == tb0);
	cr_assert(m.ack_seq == 200 && m.flags == (LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH));
	cr_assert(m.family == 4 && m.has_ports && m.src_port == 40000 &&
		  m.dst_port == 80);
	cr_assert(m.src_addr[0] == 10 && m.src_addr[3] == 1 &&
		  m.dst_addr[0] == 10 && m.dst_addr[3] == 2);

	m = find_match(s, 300, 1);
	cr_assert(m.message.send_host == b && m.message.send_ns == 6000 &&
		  m.message.recv_host == a && m.message.recv_ns == 9000);
	cr_assert(m.send_trace == tb0 && m.recv_trace == ta0);
	cr_assert(m.family == 6 && !memcmp(m.src_addr, v6_b, 16) &&
		  !memcmp(m.dst_addr, v6_a, 16));
	cr_assert(m.has_ports && m.src_port == 80 && m.dst_port == 40000);

	m = find_match(s, 500, 1);
	cr_assert(m.send_trace == ta0 && m.recv_trace == tb0);
	cr_assert(m.family == 0 && !m.has_ports && m.flags == LTTSYNC_TCP_SYN &&
		  m.ack_seq == 600);

	m = find_match(s, 0, 0);
	cr_assert(m.send_trace == LTTSYNC_TRACE_NONE &&
		  m.recv_trace == LTTSYNC_TRACE_NONE);
	cr_assert(m.message.send_host == b && m.message.send_ns == 30000 &&
		  m.message.recv_host == a && m.message.recv_ns == 31000);
	cr_assert(m.seq == 0 && m.family == 0 && !m.has_ports);

	/* the same messages, in the same order, as the pair's kept messages */
	cr_assert_eq(lttsync_session_get_kept_message_count(&per_pair, s, a, b),
		     LTTSYNC_OK);
	cr_assert_eq(per_pair, n);
	for (size_t i = 0; i < n; i++) {
		lttsync_match_init(&m);
		cr_assert_eq(lttsync_session_get_kept_match(&m, s, i), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_get_kept_message(&msg, s, a, b, i),
			     LTTSYNC_OK);
		cr_assert_eq(memcmp(&msg, &m.message, sizeof(msg)), 0);
	}

	/* errors */
	lttsync_match_init(&m);
	cr_assert_eq(lttsync_session_get_kept_match(&m, s, n), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_get_kept_match(NULL, s, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_kept_match(&m, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_kept_match_count(NULL, s),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	memset(&m, 0, sizeof(m));
	cr_assert_eq(lttsync_session_get_kept_match(&m, s, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_neq(strstr(lttsync_session_get_last_error(s), "lttsync_match_init"),
		      NULL);
	lttsync_session_destroy(s);
}

Test(kept_match, none_unless_kept)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	lttsync_trace_id ta, tb;
	lttsync_packet p;
	lttsync_match m;
	size_t n = 99;

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&a, s, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&b, s, "b"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, b, "b"), LTTSYNC_OK);
	p = packet(ta, LTTSYNC_DIRECTION_SEND, 1000, 1, 2, LTTSYNC_TCP_ACK);
	feed(s, &p);
	p = packet(tb, LTTSYNC_DIRECTION_RECEIVE, 2000, 1, 2, LTTSYNC_TCP_ACK);
	feed(s, &p);
	cr_assert_eq(lttsync_session_feed_message(s, b, 3000, a, 4000), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_kept_match_count(&n, s), LTTSYNC_OK);
	cr_assert_eq(n, 0);
	lttsync_match_init(&m);
	cr_assert_eq(lttsync_session_get_kept_match(&m, s, 0), LTTSYNC_ERROR_NOT_FOUND);
	/* the hulls are there all the same */
	cr_assert_eq(lttsync_session_get_pair_hull(&n, NULL, 0, s, 0,
						   LTTSYNC_PAIR_FIRST_TO_SECOND),
		     LTTSYNC_OK);
	cr_assert_eq(n, 1);
	lttsync_session_destroy(s);
}

/* A key whose first event came before keeping was on: its key and ports
 * are known, not its traces nor its addresses. */
Test(kept_match, keeping_turned_on_between_two_events)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	lttsync_trace_id ta, tb;
	lttsync_packet p;
	lttsync_match m;

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&a, s, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_host(&b, s, "b"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, b, "b"), LTTSYNC_OK);
	p = packet(ta, LTTSYNC_DIRECTION_SEND, 1000, 7, 8, LTTSYNC_TCP_ACK);
	set_v4(&p, 1, 2, 5000, 22);
	feed(s, &p);
	cr_assert_eq(lttsync_session_set_keep_messages(s, 1), LTTSYNC_OK);
	p.trace = tb, p.direction = LTTSYNC_DIRECTION_RECEIVE, p.timestamp_ns = 2000;
	feed(s, &p);
	m = find_match(s, 7, 1);
	cr_assert(m.send_trace == LTTSYNC_TRACE_NONE &&
		  m.recv_trace == LTTSYNC_TRACE_NONE);
	cr_assert(m.ack_seq == 8 && m.flags == LTTSYNC_TCP_ACK && m.family == 0);
	cr_assert(m.has_ports && m.src_port == 5000 && m.dst_port == 22);
	lttsync_session_destroy(s);
}

/*
 * Kept matches count against the memory limit: under a 64 KiB limit
 * (half for the evidence), a session that keeps refuses messages after
 * at most 32 KiB / 112 bytes, one that does not keeps taking them.
 */
Test(kept_match, memory_limit_counts_them)
{
	for (int keep = 0; keep < 2; keep++) {
		lttsync_session *s;
		lttsync_host_id a, b;
		lttsync_status st = LTTSYNC_OK;
		size_t accepted = 0;

		cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_set_memory_limit(s, 65536), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_set_keep_messages(s, keep), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_add_host(&a, s, "a"), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_add_host(&b, s, "b"), LTTSYNC_OK);
		for (int64_t i = 0; i < 5000 && st == LTTSYNC_OK; i++) {
			/* on two lines: the hulls stay at two vertices each */
			st = lttsync_session_feed_message(s, a, i * 1000000,
							  b, i * 1000000 + 50000);
			if (st == LTTSYNC_OK)
				st = lttsync_session_feed_message(s, b, i * 1000000 + 500000,
								  a, i * 1000000 + 550000);
			accepted += (st == LTTSYNC_OK) * 2;
		}
		if (keep) {
			cr_assert_eq(st, LTTSYNC_ERROR_LIMIT);
			cr_assert_leq(accepted * 112, 32768, "%zu kept", accepted);
			cr_assert_geq(accepted, 100);
		} else {
			cr_assert_eq(st, LTTSYNC_OK);
			cr_assert_eq(accepted, 10000);
		}
		lttsync_session_destroy(s);
	}
}

/* ---- against lttsync-gen's truth --------------------------------------- */

typedef struct row {
	char send[32], recv[32];
	int64_t send_ns, recv_ns;
} row;

static int cmp_row(const void *a, const void *b)
{
	const row *p = a, *q = b;
	int c = strcmp(p->send, q->send);

	if (!c)
		c = (p->send_ns > q->send_ns) - (p->send_ns < q->send_ns);
	if (!c)
		c = strcmp(p->recv, q->recv);
	if (!c)
		c = (p->recv_ns > q->recv_ns) - (p->recv_ns < q->recv_ns);
	return c;
}

/* lttsync-gen --messages: a header, then host,ns,host,ns. */
static row *read_rows(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	char line[256];
	size_t cap = 1024;
	row *r = malloc(cap * sizeof(*r));

	cr_assert(fp, "%s", path);
	*n = 0;
	while (fgets(line, sizeof(line), fp)) {
		row x;

		if (sscanf(line, "%31[^,],%" SCNd64 ",%31[^,],%" SCNd64, x.send,
			   &x.send_ns, x.recv, &x.recv_ns) != 4)
			continue; /* the header */
		if (*n == cap)
			r = realloc(r, (cap *= 2) * sizeof(*r));
		r[(*n)++] = x;
	}
	fclose(fp);
	return r;
}

/*
 * Traces written by lttsync-gen (3 hosts, every pair, layouts with IPv4
 * and IPv6 flows): the kept matches are exactly the messages the
 * generator says are matchable, each naming the trace of its sender and
 * of its receiver, with ports, and addresses that are those of its two
 * hosts (one address per host and family).
 */
Test(kept_match, generated_traces_against_the_truth, .timeout = 120)
{
	static const char *const opts[] = { "-n", "3", "-t", "mesh", "-d", "2",
		"-l", "modules-2.10.5,modules-2.13,modules-2.9", "-m", NULL, NULL };
	char *dir = test_make_tmpdir("lttsync-evidence");
	char *traces = g_build_filename(dir, "traces", NULL);
	char *csv = g_build_filename(dir, "truth.csv", NULL);
	const char *o[sizeof(opts) / sizeof(*opts)];
	lttsync_session *s;
	size_t n_traces, n_rows, n;
	row *want, *got;
	uint8_t addr[3][2][16] = { 0 };
	int have[3][2] = { 0 };
	int v6 = 0;

	memcpy(o, opts, sizeof(opts));
	o[9] = csv;
	test_generate(traces, o);
	want = read_rows(csv, &n_rows);
	cr_assert_gt(n_rows, 100);

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_keep_messages(s, 1), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_read_traces(&n_traces, s, traces, NULL,
						 NULL, NULL),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n_traces, 3);
	cr_assert_eq(lttsync_session_get_kept_match_count(&n, s), LTTSYNC_OK);
	cr_assert_eq(n, n_rows, "%zu kept, %zu matchable", n, n_rows);
	got = malloc(n * sizeof(*got));
	for (size_t i = 0; i < n; i++) {
		lttsync_match m;
		lttsync_host_id h;
		int fam;

		lttsync_match_init(&m);
		cr_assert_eq(lttsync_session_get_kept_match(&m, s, i), LTTSYNC_OK);
		cr_assert(m.has_packet && m.has_ports && m.src_port && m.dst_port);
		cr_assert(m.family == 4 || m.family == 6, "family %u", m.family);
		cr_assert_eq(lttsync_session_get_trace_host(&h, s, m.send_trace),
			     LTTSYNC_OK);
		cr_assert_eq(h, m.message.send_host, "send trace of another host");
		cr_assert_eq(lttsync_session_get_trace_host(&h, s, m.recv_trace),
			     LTTSYNC_OK);
		cr_assert_eq(h, m.message.recv_host, "receive trace of another host");
		fam = m.family == 6;
		v6 += fam;
		/* one address per host and family, whichever side it is on */
		for (int side = 0; side < 2; side++) {
			lttsync_host_id who = side ? m.message.recv_host
						   : m.message.send_host;
			const uint8_t *a = side ? m.dst_addr : m.src_addr;

			cr_assert_lt(who, 3);
			if (!have[who][fam]) {
				memcpy(addr[who][fam], a, 16);
				have[who][fam] = 1;
			}
			cr_assert_eq(memcmp(addr[who][fam], a, m.family == 4 ? 4 : 16),
				     0, "host %u has two IPv%u addresses", who,
				     m.family);
		}
		snprintf(got[i].send, sizeof(got[i].send), "%s",
			 lttsync_session_get_host_name(s, m.message.send_host));
		snprintf(got[i].recv, sizeof(got[i].recv), "%s",
			 lttsync_session_get_host_name(s, m.message.recv_host));
		got[i].send_ns = m.message.send_ns;
		got[i].recv_ns = m.message.recv_ns;
	}
	/* distinct hosts, distinct addresses */
	for (int f = 0; f < 2; f++)
		for (int h = 0; h < 3; h++)
			for (int k = h + 1; k < 3; k++)
				if (have[h][f] && have[k][f])
					cr_assert_neq(memcmp(addr[h][f], addr[k][f], 16), 0);
	cr_assert_gt(v6, 0, "no IPv6 flow to check");
	qsort(want, n_rows, sizeof(*want), cmp_row);
	qsort(got, n, sizeof(*got), cmp_row);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(cmp_row(&want[i], &got[i]), 0,
			     "row %zu: %s,%" PRId64 " vs %s,%" PRId64, i,
			     want[i].send, want[i].send_ns, got[i].send, got[i].send_ns);
	free(want);
	free(got);
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	g_free(traces);
	g_free(csv);
	g_free(dir);
}
