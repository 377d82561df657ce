/* SPDX-License-Identifier: MIT */
/*
 * The data of the page's pair figures, from the library's accessors:
 * quality, estimate, slope bounds, violation, hull vertices, bounds_at
 * (the band of feasible relations and, beyond the data, the extreme
 * lines) and the estimate's segments.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

/* Points a curve is sampled at across a pair's data: fewer when there
 * are many pairs, where the curves would make most of the page. */
#define CURVE_SAMPLES 241
#define CURVE_SAMPLES_MANY 61
#define MANY_PAIRS 30
/* Points drawn per direction, over the whole page and per pair. */
#define PAGE_BUDGET 240000
#define MIN_BUDGET 150
#define MAX_BUDGET 4000

/* The raw vertices of one direction (x, y in the pair plane). */
static int read_hull(struct plot_pair *p, lttsync_session *s, int dir,
		     lttsync_point **out, size_t *n)
{
	lttsync_pair_direction d = dir ? LTTSYNC_PAIR_SECOND_TO_FIRST
				       : LTTSYNC_PAIR_FIRST_TO_SECOND;

	*out = NULL;
	*n = 0;
	if (lttsync_session_get_pair_hull(n, NULL, 0, s, p->index, d) != LTTSYNC_OK)
		return 0;     /* no hull: the figure says so */
	if (*n && !(*out = malloc(*n * sizeof(**out))))
		return -1;
	if (*n && lttsync_session_get_pair_hull(n, *out, *n, s, p->index, d)) {
		free(*out);
		*out = NULL;
		*n = 0;
		return 0;
	}
	p->dir[dir].hull_known = true;
	return 0;
}

/* The vertices as figure points, once x0 and the reference are known. */
static int place_hull(struct plot_pair *p, int dir, const lttsync_point *v,
		      size_t n)
{
	struct plot_dir *pd = &p->dir[dir];

	if (n && !(pd->hull = calloc(n, sizeof(*pd->hull))))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t ref;
		struct plot_point *q = &pd->hull[pd->n_hull];

		if (!plot_ref(p, v[i].x, &ref))
			continue;
		q->x = (double)((__int128)v[i].x - p->x0);
		q->r = (double)((__int128)v[i].y - ref);
		q->px = v[i].x;
		q->py = v[i].y;
		q->contra = dir ? q->r > 0 : q->r < 0;
		pd->n_hull++;
	}
	return 0;
}

/* Widen the data's span to the hull vertices (kept messages may be
 * fewer than the hull's under a memory limit). */
static void span_hull(struct plot_pair *p, const lttsync_point *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!p->has_data) {
			p->x0 = p->x1 = v[i].x;
			p->y0 = p->y1 = v[i].y;
			p->has_data = true;
		}
		p->x0 = v[i].x < p->x0 ? v[i].x : p->x0;
		p->x1 = v[i].x > p->x1 ? v[i].x : p->x1;
		p->y0 = v[i].y < p->y0 ? v[i].y : p->y0;
		p->y1 = v[i].y > p->y1 ? v[i].y : p->y1;
	}
}

static int64_t sample_at(const struct plot_pair *p, size_t i, size_t n)
{
	double span = (double)((__int128)p->x1 - p->x0);

	return p->x0 + (int64_t)(span * (double)i / (double)(n - 1));
}

/* bounds_at across the data, as residuals. */
static int sample_band(struct plot_pair *p, lttsync_session *s, size_t n)
{
	if (plot_curve_alloc(&p->band, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t t = sample_at(p, i, n), lo, hi, ref;
		bool ok = plot_ref(p, t, &ref) &&
			  lttsync_session_get_pair_bounds_at(&lo, &hi, s, p->a,
							     p->b, t) == LTTSYNC_OK;

		p->band.x[i] = (double)((__int128)t - p->x0);
		p->band.lo[i] = ok && lo != INT64_MIN ? (double)((__int128)lo - ref) : NAN;
		p->band.hi[i] = ok && hi != INT64_MAX ? (double)((__int128)hi - ref) : NAN;
	}
	return 0;
}

/*
 * The extreme lines (slopes a_min and a_max). Beyond the last message the
 * lowest feasible relation is the line of slope a_min and the highest the
 * line of slope a_max (the feasible lines form a convex set whose
 * extreme slopes win far from the data), so bounds_at there gives a point
 * of each, within its outward rounding of 1 ns.
 */
static int sample_lines(struct plot_pair *p, lttsync_session *s)
{
	int64_t span = p->x1 - p->x0, tr, lo, hi, ref_r;
	size_t n = p->band.n;

	span = span / 4 > 1000 ? span / 4 : 1000;
	if (!p->est || lttsync_transform_get_segment_count(p->est) != 1 ||
	    !p->has_slopes || p->x1 > INT64_MAX - span)
		return 0;
	tr = p->x1 + span;
	if (lttsync_session_get_pair_bounds_at(&lo, &hi, s, p->a, p->b, tr) ||
	    !plot_ref(p, tr, &ref_r))
		return 0;
	if (plot_curve_alloc(&p->lines, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t t = sample_at(p, i, n), ref;
		double dt = (double)((__int128)t - tr), dref;

		p->lines.x[i] = p->band.x[i];
		p->lines.lo[i] = p->lines.hi[i] = NAN;
		if (!plot_ref(p, t, &ref))
			continue;
		dref = (double)((__int128)ref - ref_r);
		if (lo != INT64_MIN && isfinite(p->slope_min))
			p->lines.lo[i] = (double)((__int128)lo - ref_r) +
					 p->slope_min * dt - dref;
		if (hi != INT64_MAX && isfinite(p->slope_max))
			p->lines.hi[i] = (double)((__int128)hi - ref_r) +
					 p->slope_max * dt - dref;
	}
	p->has_lines = true;
	return 0;
}

/* Where the estimate's segments start (after the first). */
static int read_segments(struct plot_pair *p)
{
	size_t n = p->est ? lttsync_transform_get_segment_count(p->est) : 0;

	if (n < 2)
		return 0;
	if (!(p->seg_from = calloc(n - 1, sizeof(*p->seg_from))))
		return -1;
	for (size_t k = 1; k < n; k++) {
		lttsync_transform *seg;
		int64_t from;
		double w;

		if (lttsync_transform_get_segment(&seg, &from, &w, p->est, k))
			continue;
		lttsync_transform_destroy(seg);
		p->seg_from[p->n_seg_from++] = from;
	}
	return 0;
}

/* Quality, estimate and the numbers of the pair's table row. */
static void read_results(struct plot_pair *p, lttsync_session *s)
{
	uint64_t n;

	lttsync_session_get_pair_quality(&p->quality, s, p->a, p->b);
	if (lttsync_session_get_pair_estimate(&p->est, s, p->a, p->b))
		p->est = NULL;
	p->has_slopes = lttsync_session_get_pair_slope_bounds(
				&p->slope_min, &p->slope_max, s, p->a, p->b) == LTTSYNC_OK;
	lttsync_session_get_pair_violation(&p->violation_ns, &p->violating, s,
					   p->a, p->b);
	if (lttsync_session_get_message_count(&n, s, p->a, p->b) == LTTSYNC_OK)
		p->dir[0].fed = n;
	if (lttsync_session_get_message_count(&n, s, p->b, p->a) == LTTSYNC_OK)
		p->dir[1].fed = n;
}

static size_t budget_for(size_t n_pairs)
{
	size_t b = n_pairs ? PAGE_BUDGET / (2 * n_pairs) : MAX_BUDGET;

	return b < MIN_BUDGET ? MIN_BUDGET : b > MAX_BUDGET ? MAX_BUDGET : b;
}

int plot_gather_pair(struct plot_pair *p, lttsync_session *s, size_t index,
		     size_t n_pairs)
{
	size_t budget = budget_for(n_pairs);
	lttsync_point *v[2] = { NULL, NULL };
	size_t nv[2] = { 0, 0 };
	int rc = -1;

	p->index = index;
	p->drawn_budget = budget;
	if (lttsync_session_get_pair(&p->a, &p->b, s, index))
		return 0;
	read_results(p, s);
	if (read_hull(p, s, 0, &v[0], &nv[0]) || read_hull(p, s, 1, &v[1], &nv[1]))
		goto out;
	/* Without an estimate, values are shown against the line of slope 1
	 * through the first vertex (or message: plot_thin_messages()). */
	if (nv[0] || nv[1])
		p->base = nv[0] ? v[0][0].y - v[0][0].x : v[1][0].y - v[1][0].x;
	span_hull(p, v[0], nv[0]);
	span_hull(p, v[1], nv[1]);
	if (plot_thin_messages(p, s, budget))
		goto out;
	if (place_hull(p, 0, v[0], nv[0]) || place_hull(p, 1, v[1], nv[1]) ||
	    read_segments(p))
		goto out;
	if (p->has_data && p->x1 > p->x0 &&
	    (sample_band(p, s, n_pairs > MANY_PAIRS ? CURVE_SAMPLES_MANY : CURVE_SAMPLES) ||
	     sample_lines(p, s)))
		goto out;
	rc = 0;
out:
	free(v[0]);
	free(v[1]);
	return rc;
}
