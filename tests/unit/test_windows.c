/* SPDX-License-Identifier: MIT */
/*
 * A pair's windows keep closed windows' vertices in one word each
 * (liblttsync/sync/segments.h). The storage must be lossless: every
 * window reads back exactly the hull of its own points, whatever the
 * order the points came in, and the segmentation computed from the
 * packed windows is the one computed from windows stored two words a
 * vertex (no packing), field for field. A pair that would fill more
 * than its most windows goes on with a grid twice as wide, whose windows
 * must hold exactly what that grid would have held from the start.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../common/ratesim.h"
#include "segments.h"
#include "words.h"

typedef struct pt {
	int64_t x, y;
	bool above;
} pt;

static uint64_t rng_state = 12345;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void shuffle(pt *p, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd() % i;
		pt t = p[i - 1];

		p[i - 1] = p[j];
		p[j] = t;
	}
}

static void feed(lsync_windows *ws, const pt *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lsync_hull *h = lsync_windows_prepare(ws, p[i].x);

		cr_assert_not_null(h);
		cr_assert_leq(ws->len, ws->max);
		if (p[i].above)
			lsync_hull_add_above(h, p[i].x, p[i].y);
		else
			lsync_hull_add_below(h, p[i].x, p[i].y);
	}
}

static int64_t floor_div(int64_t x, int64_t d)
{
	return x / d - (x % d < 0);
}

static void same_chain(const lsync_chain *a, const lsync_chain *b,
		       const char *what, uint32_t w)
{
	cr_assert_eq(a->len, b->len, "window %u %s: %u vertices, %u expected",
		     w, what, a->len, b->len);
	for (uint32_t k = 0; k < a->len; k++)
		cr_assert(a->pts[k].x == b->pts[k].x && a->pts[k].y == b->pts[k].y,
			  "window %u %s vertex %u differs: (%lld, %lld) for (%lld, %lld)",
			  w, what, k, (long long)a->pts[k].x, (long long)a->pts[k].y,
			  (long long)b->pts[k].x, (long long)b->pts[k].y);
}

/* Every window of ws reads back the hull of exactly its points, built
 * directly; windows come in grid order. */
static void check_windows(const lsync_windows *ws, const pt *p, size_t n)
{
	for (uint32_t i = 0; i < ws->len; i++) {
		lsync_hull ref, tmp;
		const lsync_hull *got;

		lsync_hull_init(&ref);
		if (i > 0)
			cr_assert_lt(ws->w[i - 1].index, ws->w[i].index);
		for (size_t k = 0; k < n; k++) {
			if (floor_div(p[k].x, ws->width) != ws->w[i].index)
				continue;
			cr_assert_eq(lsync_hull_reserve(&ref), 0);
			if (p[k].above)
				lsync_hull_add_above(&ref, p[k].x, p[k].y);
			else
				lsync_hull_add_below(&ref, p[k].x, p[k].y);
		}
		got = lsync_windows_hull(ws, i, &tmp);
		same_chain(&got->above, &ref.above, "above", i);
		same_chain(&got->below, &ref.below, "below", i);
		lsync_hull_fini(&ref);
	}
}

/*
 * Points in `n_win` windows of `width` ns from x0, y - x around `offset`
 * with a spread of `spread` ns; every `far` points one far off (y - x
 * beyond 32 bits from the rest: that window is stored two words a
 * vertex).
 */
static pt *points(size_t n, int64_t x0, int64_t width, uint32_t n_win,
		  int64_t offset, int64_t spread, size_t far)
{
	pt *p = calloc(n, sizeof(*p));

	cr_assert_not_null(p);
	for (size_t i = 0; i < n; i++) {
		int64_t x = x0 + (int64_t)(rnd() % (uint64_t)n_win) * width +
			    (int64_t)(rnd() % (uint64_t)width);
		int64_t d = offset + (int64_t)(rnd() % (uint64_t)spread);

		if (far && i % far == 0)
			d += (int64_t)1 << 40;
		p[i] = (pt){ x, x + d, rnd() & 1 };
	}
	return p;
}

/* The share of the closed windows of ws taking two words a vertex. */
static double wide_share(const lsync_windows *ws)
{
	uint32_t n = 0;

	cr_assert_gt(ws->len, 1);
	for (uint32_t i = 0; i < ws->len; i++)
		n += i != ws->cur && ws->w[i].wide;
	return (double)n / (ws->len - 1);
}

/* Returns the share of the windows, fed in time order, stored wide. */
static double roundtrip(int64_t x0, int64_t width, int64_t offset,
			  int64_t spread, size_t far)
{
	enum { N = 20000, WIN = 40 };
	pt *p = points(N, x0, width, WIN, offset, spread, far);
	lsync_windows a, b;
	double wide;

	/* in time order, then shuffled: each window opened many times */
	lsync_windows_init(&a, width);
	lsync_windows_init(&b, width);
	feed(&a, p, N);
	shuffle(p, N);
	feed(&b, p, N);
	cr_assert_eq(a.len, b.len);
	check_windows(&a, p, N);
	check_windows(&b, p, N);
	wide = wide_share(&a);
	/* once more with another window open at the end */
	feed(&b, p, 1);
	check_windows(&b, p, N);
	lsync_windows_fini(&a);
	lsync_windows_fini(&b);
	free(p);
	return wide;
}

Test(windows, packed_vertices_read_back_exactly)
{
	/* epoch times, clocks seconds apart, microseconds of latency */
	cr_assert_eq(roundtrip(INT64_C(1700000000000000000), INT64_C(1000000000),
			       -INT64_C(13400000000), 2000000, 0), 0);
	/* negative times, a window holding a point far off */
	cr_assert_gt(roundtrip(-INT64_C(5000000000000), INT64_C(1000000000),
			       INT64_C(250000), INT64_C(3000000000), 97), 0);
	/* windows wider than 2^32 ns: x in 33 bits, y - x in 31 */
	cr_assert_eq(roundtrip(INT64_C(123456789), INT64_C(1) << 33, 0,
			       1000000, 0), 0);
	/* x in 34 bits, y - x in 30 (spread over 2^28 ns: fits) */
	cr_assert_eq(roundtrip(-INT64_C(123456789), (INT64_C(1) << 33) + 1,
			       -(INT64_C(1) << 27), INT64_C(1) << 28, 0), 0);
	/* y - x spread over 2^31 ns, past what 30 bits hold */
	cr_assert_gt(roundtrip(0, (INT64_C(1) << 33) + 1, 0, INT64_C(1) << 31, 0), 0);
	/* wider than 2^48 ns: two words a vertex */
	cr_assert_eq(roundtrip(INT64_C(1) << 55, INT64_C(1) << 49, 5, 1000000, 0),
		     1);
	/* small windows, y - x spread over the whole 32 bits and beyond */
	cr_assert_gt(roundtrip(0, 1000, INT32_MIN, (int64_t)1 << 33, 0), 0);
}

Test(windows, extreme_coordinates)
{
	/* the ends of the timestamp range, where y - x overflows 63 bits */
	pt p[] = {
		{ LSYNC_TS_MIN, LSYNC_TS_MAX, true },
		{ LSYNC_TS_MIN + 5, LSYNC_TS_MAX - 7, false },
		{ LSYNC_TS_MIN + 9, LSYNC_TS_MIN, true },
		{ LSYNC_TS_MAX, LSYNC_TS_MIN, false },
		{ LSYNC_TS_MAX - 3, LSYNC_TS_MAX, true },
		{ 0, 0, true },
		{ 7, -3, false },
	};
	size_t n = sizeof(p) / sizeof(p[0]);
	lsync_windows ws;

	for (int order = 0; order < 20; order++) {
		lsync_windows_init(&ws, 1000);
		feed(&ws, p, n);
		feed(&ws, p, 1); /* close the last window opened */
		check_windows(&ws, p, n);
		lsync_windows_fini(&ws);
		shuffle(p, n);
	}
}

/* ---- a grid coarsened ---------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The narrowest width, `width` doubled k times, at which the points fill
 * at most `max` windows. */
static int64_t expected_width(const pt *p, size_t n, int64_t width, uint32_t max)
{
	int64_t *idx = malloc(n * sizeof(*idx));

	cr_assert_not_null(idx);
	for (;; width *= 2) {
		size_t distinct = 0;

		for (size_t i = 0; i < n; i++)
			idx[i] = floor_div(p[i].x, width);
		qsort(idx, n, sizeof(*idx), cmp_i64);
		for (size_t i = 0; i < n; i++)
			distinct += i == 0 || idx[i] != idx[i - 1];
		if (distinct <= max)
			break;
	}
	free(idx);
	return width;
}

static int cmp_x(const void *a, const void *b)
{
	return cmp_i64(&((const pt *)a)->x, &((const pt *)b)->x);
}

/* Points fed in time order and shuffled into windows of at most `max`. */
static void coarsened(pt *p, size_t n, int64_t width, uint32_t max)
{
	int64_t want = expected_width(p, n, width, max);
	lsync_windows a, b;

	lsync_windows_init(&a, width);
	lsync_windows_init(&b, width);
	a.max = b.max = max;
	qsort(p, n, sizeof(*p), cmp_x);
	feed(&a, p, n);
	shuffle(p, n);
	feed(&b, p, n);
	cr_assert_eq(a.width, want, "width %lld, %lld expected",
		     (long long)a.width, (long long)want);
	cr_assert_eq(b.width, want);
	cr_assert_eq(a.len, b.len);
	check_windows(&a, p, n);
	check_windows(&b, p, n);
	lsync_windows_fini(&a);
	lsync_windows_fini(&b);
}

Test(windows, a_coarsened_grid_holds_each_window_exactly)
{
	enum { N = 20000 };
	pt *p;

	/* 200 windows of 1 us, below 0 and above: 16 of 16 us */
	p = points(N, -INT64_C(100000), 1000, 200, 5000, 300000, 0);
	coarsened(p, N, 1000, 16);
	free(p);
	/* epoch times, y - x far off in some windows (two words a vertex) */
	p = points(N, INT64_C(1700000000000000000), INT64_C(1000000000), 300,
		   -INT64_C(13400000000), 2000000, 97);
	coarsened(p, N, INT64_C(1000000000), 40);
	free(p);
	/* windows grown past 2^32 ns: two words a vertex */
	p = points(N, 0, INT64_C(1) << 30, 64, 0, 1000000, 0);
	coarsened(p, N, INT64_C(1) << 30, 7);
	free(p);
}

Test(windows, far_apart_messages_keep_the_grid)
{
	/* the number of windows, not the time they span, bounds the grid:
	 * a message days away from the others adds one window */
	enum { N = 2000 };
	pt *p = points(N, 0, INT64_C(1000000000), 15, 20000, 1000, 0);
	lsync_windows ws;

	p[0].x = INT64_C(86400) * 4 * 1000000000;
	p[0].y = p[0].x + 20000;
	lsync_windows_init(&ws, 0);
	ws.max = 16;
	feed(&ws, p, N);
	cr_assert_eq(ws.width, LSYNC_SEGMENT_WINDOW_NS);
	cr_assert_eq(ws.len, 16);
	check_windows(&ws, p, N);
	lsync_windows_fini(&ws);
	free(p);
}

/* ---- the segmentation, packed or not ----------------------------------- */

static void feed_messages(lsync_windows *ws, const sim_message *m, size_t n)
{
	pt *p = calloc(n, sizeof(*p));

	cr_assert_not_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = m[i].send_host == 0
			       ? (pt){ m[i].send_ns, m[i].recv_ns, true }
			       : (pt){ m[i].recv_ns, m[i].send_ns, false };
	feed(ws, p, n);
	free(p);
}

static bool same_ld(long double a, long double b)
{
	return memcmp(&a, &b, 10) == 0 || (a != a && b != b);
}

static void same_xform(const lsync_xform *a, const lsync_xform *b)
{
	cr_assert(same_ld(a->slope, b->slope));
	cr_assert(same_ld(a->y0_frac, b->y0_frac));
	cr_assert_eq(a->x0, b->x0);
	cr_assert_eq(a->y0, b->y0);
}

static void same_segmentation(const lsync_segmented *a, const lsync_segmented *b)
{
	cr_assert_eq(a->n_seg, b->n_seg);
	cr_assert_eq(a->quality, b->quality);
	cr_assert_eq(a->n_pieces, b->n_pieces);
	for (uint32_t k = 0; k < a->n_seg; k++) {
		cr_assert_eq(a->seg[k].first, b->seg[k].first);
		cr_assert_eq(a->seg[k].last, b->seg[k].last);
		cr_assert_eq(a->seg[k].sol.quality, b->seg[k].sol.quality);
		same_xform(&a->seg[k].sol.estimate, &b->seg[k].sol.estimate);
		cr_assert(same_ld(a->seg[k].sol.violation, b->seg[k].sol.violation));
	}
	for (size_t k = 0; k < a->n_pieces; k++) {
		cr_assert_eq(a->pieces[k].from, b->pieces[k].from);
		cr_assert_eq(a->pieces[k].seg, b->pieces[k].seg);
		same_xform(&a->pieces[k].f, &b->pieces[k].f);
	}
}

/* Bounds (direct and inverse) at times all over the data. */
static void same_bounds(const lsync_segmented *a, const lsync_segmented *b,
			int64_t from, int64_t to)
{
	for (int i = 0; i <= 400; i++) {
		int64_t x = from + (int64_t)((__int128)(to - from) * i / 400);
		long double lo1, hi1, lo2, hi2;
		bool r1 = lsync_segmented_bounds_at(a, x, &lo1, &hi1);
		bool r2 = lsync_segmented_bounds_at(b, x, &lo2, &hi2);
		int64_t xl1, xh1, xl2, xh2, y;

		cr_assert_eq(r1, r2);
		if (r1)
			cr_assert(same_ld(lo1, lo2) && same_ld(hi1, hi2),
				  "bounds at %lld differ", (long long)x);
		cr_assert(lsync_pw_apply(a->pieces, a->n_pieces, x, &y));
		r1 = lsync_segmented_inverse_bounds(a, y - 1000, y + 1000, &xl1, &xh1);
		r2 = lsync_segmented_inverse_bounds(b, y - 1000, y + 1000, &xl2, &xh2);
		cr_assert(r1 == r2 && xl1 == xl2 && xh1 == xh2);
	}
}

/* The same segments and pieces, and the same bounds over the span of
 * the windows ws they were made from. */
static void same_results(const lsync_segmented *a, const lsync_segmented *b,
			 const lsync_windows *ws)
{
	same_segmentation(a, b);
	same_bounds(a, b, ws->w[0].index * ws->width,
		    (ws->w[ws->len - 1].index + 1) * ws->width);
}

Test(windows, segmentation_packed_equals_unpacked)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		rate_world w;
		sim_message *m = NULL;
		size_t n = 0;
		lsync_windows packed, plain, shuffled;
		lsync_segmented sa, sb, sc;

		rate_init(&w, 2, seed, 1200e9L, 1);
		rate_messages(&w, 0, 1, 12, &m, &n);
		lsync_windows_init(&packed, 0);
		lsync_windows_init(&plain, 0);
		lsync_windows_init(&shuffled, 0);
		plain.wide_only = true;
		feed_messages(&packed, m, n);
		feed_messages(&plain, m, n);
		for (size_t i = n; i > 1; i--) {
			size_t j = rnd() % i;
			sim_message t = m[i - 1];

			m[i - 1] = m[j];
			m[j] = t;
		}
		feed_messages(&shuffled, m, n);
		/* the packed windows do hold packed words */
		cr_assert_eq(packed.w[0].wide, 0);
		cr_assert_eq(plain.w[0].wide, 1);

		cr_assert_eq(lsync_segment_pair(&packed, LSYNC_SEGMENT_MIN_SPAN_NS, &sa), 0);
		cr_assert_eq(lsync_segment_pair(&plain, LSYNC_SEGMENT_MIN_SPAN_NS, &sb), 0);
		cr_assert_eq(lsync_segment_pair(&shuffled, LSYNC_SEGMENT_MIN_SPAN_NS, &sc), 0);
		cr_assert_geq(sa.n_seg, 2, "seed %llu: rates that change give segments",
			      (unsigned long long)seed);
		same_results(&sa, &sb, &packed);
		same_results(&sa, &sc, &packed);
		lsync_segmented_free(&sa);
		lsync_segmented_free(&sb);
		lsync_segmented_free(&sc);
		lsync_windows_fini(&packed);
		lsync_windows_fini(&plain);
		lsync_windows_fini(&shuffled);
		free(m);
		rate_free(&w);
	}
}

Test(windows, segmentation_of_a_coarsened_grid_equals_the_wider_grid)
{
	rate_world w;
	sim_message *m = NULL;
	size_t n = 0;
	lsync_windows narrow, wide;
	lsync_segmented sa, sb;

	/* 20 minutes: windows of 0.25 s, at most 1300, end at 1 s */
	rate_init(&w, 2, 4, 1200e9L, 1);
	rate_messages(&w, 0, 1, 12, &m, &n);
	lsync_windows_init(&narrow, LSYNC_SEGMENT_WINDOW_NS / 4);
	lsync_windows_init(&wide, LSYNC_SEGMENT_WINDOW_NS);
	narrow.max = 1300;
	feed_messages(&narrow, m, n);
	feed_messages(&wide, m, n);
	cr_assert_eq(narrow.width, wide.width);
	cr_assert_eq(narrow.len, wide.len);
	cr_assert_eq(narrow.doublings, 2);
	cr_assert_eq(lsync_segment_pair(&narrow, LSYNC_SEGMENT_MIN_SPAN_NS, &sa), 0);
	/* the evidence doubled with the grid, the bounds' reach did not */
	cr_assert_eq(lsync_segment_pair(&wide, 4 * LSYNC_SEGMENT_MIN_SPAN_NS, &sb), 0);
	cr_assert_eq(sa.reach, LSYNC_SEGMENT_MIN_SPAN_NS);
	sb.reach = sa.reach;
	cr_assert_geq(sa.n_seg, 2, "rates that change give segments");
	same_results(&sa, &sb, &wide);
	lsync_segmented_free(&sa);
	lsync_segmented_free(&sb);
	lsync_windows_fini(&narrow);
	lsync_windows_fini(&wide);
	free(m);
	rate_free(&w);
}

/* ---- the arena's words ---------------------------------------------------- */

Test(windows, words_grow_from_heap_to_mapped_memory_intact)
{
	uint64_t *w = NULL;
	size_t cap = 0, n = 0;

	/* from 256 words to 2^20: the heap below 64 KiB, mapped above */
	for (size_t need = 1; need <= ((size_t)1 << 20); need = need * 3 / 2 + 1) {
		size_t was = cap;
		bool lost = false;

		cr_assert_eq(lsync_words_reserve(&w, &cap, need), 0);
		cr_assert_geq(cap, need);
		/* after each growth, every word written before it */
		for (size_t k = 0; cap != was && k < n; k++)
			lost |= w[k] != k * UINT64_C(0x9e3779b97f4a7c15);
		cr_assert(!lost, "words lost growing from %zu to %zu", was, cap);
		for (; n < need; n++)
			w[n] = n * UINT64_C(0x9e3779b97f4a7c15);
	}
	/* asking for what is there changes nothing */
	{
		uint64_t *before = w;
		size_t c = cap;

		cr_assert_eq(lsync_words_reserve(&w, &cap, n), 0);
		cr_assert(w == before && cap == c);
	}
	/* an impossible size is refused, the words kept */
	cr_assert_eq(lsync_words_reserve(&w, &cap, SIZE_MAX), -1);
	cr_assert_eq(w[n - 1], (n - 1) * UINT64_C(0x9e3779b97f4a7c15));
	lsync_words_free(w, cap);
	lsync_words_free(NULL, 0);
}
