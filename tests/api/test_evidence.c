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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

#include "../common/ratesim.h"

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
	i128 l = (i128)(b.x - a.x) * (c.y - a.y);
	i128 r = (i128)(b.y - a.y) * (c.x - a.x);

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

static lttsync_session *session_of(const sim_message *m, size_t n,
				   size_t hosts, int segments)
{
	lttsync_session *s;
	lttsync_host_id id;
	char name[16];

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_segments(s, segments), LTTSYNC_OK);
	for (size_t h = 0; h < hosts; h++) {
		snprintf(name, sizeof(name), "host%zu", h);
		cr_assert_eq(lttsync_session_add_host(&id, s, name), LTTSYNC_OK);
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(lttsync_session_feed_message(s, m[i].send_host,
							  m[i].send_ns,
							  m[i].recv_host,
							  m[i].recv_ns),
			     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	return s;
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
			lttsync_session *s = session_of(m, n, 3, segments);

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
	s1 = session_of(m, n, 2, 1);
	sim_shuffle(&w, m, n);
	s2 = session_of(m, n, 2, 1);
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
	s = session_of(m, n, 2, 1);
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
	s = session_of(m, n, 2, 1);
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
