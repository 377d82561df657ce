/* SPDX-License-Identifier: MIT */
/*
 * Results: the host graph is solved again whenever a hull changed since
 * the last query; pair and host queries read from it, and transforms are
 * handed out as immutable copies.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path_bounds.h"
#include "session.h"
#include "transform_api.h"


static lsync_host_result *host_result(lttsync_session *s, uint32_t h)
{
	return &g_array_index(s->results.hosts, lsync_host_result, h);
}

static const char *host_name(const lttsync_session *s, uint32_t h)
{
	return g_array_index(s->hosts, lsync_host, h).name;
}

/* ---- graph edges ------------------------------------------------------- */

static long double width_at(const lsync_pair *pair, int side,
			    const lsync_hull_solution *sol, int64_t x)
{
	long double lo, hi;

	lsync_hull_bounds_at(&pair->hull[side], sol, x, &lo, &hi);
	if (!isfinite(lo) || !isfinite(hi) || hi < lo)
		return 0;
	return hi - lo;
}

/* An estimate a host transform can be composed from: finite, increasing. */
static bool usable_estimate(const lsync_hull_solution *sol)
{
	return sol->has_estimate && isfinite(sol->estimate.slope) &&
	       sol->estimate.slope > 0;
}

/* A segmented pair: its worst segment, and its widest bounds. */
static void segmented_cost(const lsync_segmented *sg, lsync_cost *cost)
{
	cost->fails = sg->quality == LTTSYNC_QUALITY_FAIL;
	cost->approx = sg->quality == LTTSYNC_QUALITY_APPROXIMATE;
	cost->width = 0;
	for (size_t k = 0; k < sg->n_pieces; k++)
		if (isfinite(sg->pieces[k].width) && sg->pieces[k].width > cost->width)
			cost->width = sg->pieces[k].width;
}

/* The pair's quality, segmented or not. */
static lttsync_quality pair_quality(const lsync_pair *pair,
				    const lsync_hull_solution *sol)
{
	return pair->segs ? pair->segs->quality : sol->quality;
}

/*
 * An edge exists when both orientations give a usable estimate: the path
 * search does not know yet which host of the pair will be the parent.
 * Its cost is measured in the orientation whose x host has the smaller
 * name, so that it does not depend on host ids (declaration order). The
 * width is the widest bound over the pair's data: at its ends.
 */
static bool pair_edge(lttsync_session *s, lsync_pair *pair,
		      lsync_graph_edge *edge)
{
	uint32_t from = strcmp(host_name(s, pair->a), host_name(s, pair->b)) < 0
				? pair->a : pair->b;
	uint32_t other = from == pair->a ? pair->b : pair->a;
	const lsync_hull_solution *sol = lsync_pair_solution(pair, from);
	int side = lsync_pair_side(pair, from);
	long double w1, w2;

	if (!usable_estimate(sol) ||
	    !usable_estimate(lsync_pair_solution(pair, other)))
		return false;
	edge->a = pair->a;
	edge->b = pair->b;
	if (pair->segs) {
		segmented_cost(pair->segs, &edge->cost);
		return true;
	}
	edge->cost.fails = sol->quality == LTTSYNC_QUALITY_FAIL;
	edge->cost.approx = sol->quality == LTTSYNC_QUALITY_APPROXIMATE;
	edge->cost.width = 0;
	if (sol->quality == LTTSYNC_QUALITY_ACCURATE) {
		w1 = width_at(pair, side, sol, sol->x_first);
		w2 = width_at(pair, side, sol, sol->x_last);
		edge->cost.width = w1 > w2 ? w1 : w2;
	}
	return true;
}

static int update_segments(lttsync_session *s)
{
	for (guint i = 0; i < s->evidence.pair_list->len; i++)
		if (lsync_pair_update_segments(g_ptr_array_index(s->evidence.pair_list, i),
					       s->evidence.segments, s->evidence.segment_min_span) < 0)
			return -1;
	return 0;
}

static GArray *collect_edges(lttsync_session *s)
{
	GArray *edges = g_array_new(FALSE, FALSE, sizeof(lsync_graph_edge));
	lsync_graph_edge edge;

	for (guint i = 0; i < s->evidence.pair_list->len; i++)
		if (pair_edge(s, g_ptr_array_index(s->evidence.pair_list, i), &edge))
			g_array_append_val(edges, edge);
	return edges;
}

/* ---- host transforms --------------------------------------------------- */

/* How bad a quality is along a path: accurate < approximate < fail < none. */
static int badness(lttsync_quality q)
{
	switch (q) {
	case LTTSYNC_QUALITY_REFERENCE:
	case LTTSYNC_QUALITY_ACCURATE: return 0;
	case LTTSYNC_QUALITY_APPROXIMATE: return 1;
	case LTTSYNC_QUALITY_FAIL: return 2;
	default: return 3;
	}
}

static lttsync_quality worse(lttsync_quality path, lttsync_quality edge)
{
	lttsync_quality q = badness(edge) > badness(path) ? edge : path;

	return q == LTTSYNC_QUALITY_REFERENCE ? LTTSYNC_QUALITY_ACCURATE : q;
}

/* Whether a message was seen on the host. */
static bool host_has_data(const lttsync_session *s, uint32_t h)
{
	const lsync_host *host = &g_array_index(s->hosts, lsync_host, h);

	return host->ts_min <= host->ts_max;
}

/* Pivot each host's transform in the middle of the data seen on it. */
static int64_t host_pivot(const lttsync_session *s, uint32_t h)
{
	const lsync_host *host = &g_array_index(s->hosts, lsync_host, h);

	if (host->ts_min > host->ts_max)
		return 0;
	/* In 128 bits: the range may span 2^63. */
	return (int64_t)(((__int128)host->ts_min + host->ts_max) / 2);
}

static bool saturated(const lsync_xform *f)
{
	return f->y0 == INT64_MAX || f->y0 == INT64_MIN;
}

/*
 * Child h of parent p: the pair's estimate in orientation x = p is
 * t_h = E(t_p); h's transform is T_p(E^-1(t_h)).
 */
static void disconnect(lsync_host_result *r)
{
	r->quality = LTTSYNC_QUALITY_DISCONNECTED;
	r->parent = LSYNC_NO_HOST;
	r->has_xform = false;
	free(r->pieces);
	r->pieces = NULL;
	r->n_pieces = 0;
	free(r->widths);
	r->widths = NULL;
}

/*
 * E^-1 (child time to parent time) as pieces: the pair's segments in
 * orientation 0 map a to b, so a parent b uses them as they are and a
 * parent a their inverse.
 */
static bool pair_inverse_pieces(const lsync_pair *pair, uint32_t parent,
				const lsync_hull_solution *sol,
				lsync_piece **out, size_t *n)
{
	const lsync_segmented *sg = pair->segs;
	lsync_piece one = { INT64_MIN, sol->estimate, NAN, -1 };

	if (!sg)
		return lsync_pw_invert(&one, 1, out, n);
	if (parent == pair->a)
		return lsync_pw_invert(sg->pieces, sg->n_pieces, out, n);
	*out = malloc(sg->n_pieces * sizeof(**out));
	if (!*out)
		return false;
	memcpy(*out, sg->pieces, sg->n_pieces * sizeof(**out));
	*n = sg->n_pieces;
	return true;
}

/*
 * A child whose parent or pair is piecewise: T_parent composed with
 * E^-1, piece by piece; its main line is the piece in force at its pivot.
 * -1 on allocation failure.
 */
static int derive_child_pieces(lttsync_session *s, uint32_t h,
			       const lsync_pair *pair,
			       const lsync_hull_solution *sol)
{
	lsync_host_result *r = host_result(s, h);
	const lsync_host_result *pr = host_result(s, r->parent);
	lsync_piece one = { INT64_MIN, pr->xform, NAN, -1 };
	lsync_piece *inv = NULL, *out = NULL;
	size_t n_inv = 0, n_out = 0;
	int64_t pivot = host_pivot(s, h);

	if (!pair_inverse_pieces(pair, r->parent, sol, &inv, &n_inv) ||
	    !lsync_pw_compose(pr->pieces ? pr->pieces : &one,
			      pr->pieces ? pr->n_pieces : 1, inv, n_inv, &out,
			      &n_out)) {
		free(inv);
		return -1;
	}
	free(inv);
	r->xform = lsync_xform_repivot(&out[lsync_pw_find(out, n_out, pivot)].f,
				       pivot);
	if (saturated(&r->xform)) {
		free(out);
		disconnect(r);
		return 0;
	}
	if (n_out == 1) {
		free(out);
	} else {
		r->pieces = out;
		r->n_pieces = n_out;
	}
	r->has_xform = true;
	return 0;
}

static int derive_child(lttsync_session *s, uint32_t h)
{
	lsync_host_result *r = host_result(s, h);
	const lsync_host_result *pr = host_result(s, r->parent);
	lsync_pair *pair = lsync_session_pair(s, r->parent, h);
	const lsync_hull_solution *sol = lsync_pair_solution(pair, r->parent);
	lsync_xform inv, composed;

	r->quality = worse(pr->quality, pair_quality(pair, sol));
	r->has_xform = false;
	if (pr->has_xform && (pr->pieces || pair->segs))
		return derive_child_pieces(s, h, pair, sol);
	if (!pr->has_xform || !usable_estimate(sol) ||
	    !lsync_xform_invert(&sol->estimate, &inv)) {
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
		r->parent = LSYNC_NO_HOST;
		return 0;
	}
	composed = lsync_xform_compose(&pr->xform, &inv);
	r->xform = lsync_xform_repivot(&composed, host_pivot(s, h));
	/* Saturated at a pivot (data spanning +-2^62 with slopes far from
	 * 1): the transform would be a different line. */
	if (saturated(&inv) || saturated(&composed) || saturated(&r->xform)) {
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
		r->parent = LSYNC_NO_HOST;
		return 0;
	}
	r->has_xform = true;
	return 0;
}

/* Parents before children: walk up to a finished host, then back down. */
static int derive_transforms(lttsync_session *s, uint32_t ref)
{
	int rc = 0;
	guint n = s->hosts->len;
	bool *done = g_new0(bool, n);
	uint32_t *stack = g_new(uint32_t, n);

	done[ref] = true;
	for (uint32_t h = 0; h < n; h++) {
		size_t depth = 0;

		for (uint32_t u = h; !done[u]; u = host_result(s, u)->parent) {
			if (host_result(s, u)->parent == LSYNC_NO_HOST) {
				done[u] = true;
				break;
			}
			stack[depth++] = u;
		}
		while (depth > 0) {
			uint32_t u = stack[--depth];

			if (derive_child(s, u) < 0)
				rc = -1;
			done[u] = true;
		}
	}
	g_free(stack);
	g_free(done);
	return rc;
}

static void reset_results(lttsync_session *s, const uint32_t *parent,
			  const lsync_cost *dist, uint32_t ref)
{
	lsync_path_bounds_free(s);
	for (guint h = 0; h < s->hosts->len; h++) {
		lsync_host_result *r = host_result(s, h);

		free(r->pieces);
		free(r->widths);
		memset(r, 0, sizeof(*r));
		r->parent = parent[h];
		r->dist = dist[h];
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
	}
	if (ref == LSYNC_NO_HOST)
		return;
	host_result(s, ref)->quality = LTTSYNC_QUALITY_REFERENCE;
	/* Without a message the reference has no time to pivot at: an
	 * identity pivoted at an invented 0 would pass for a result. */
	if (!host_has_data(s, ref))
		return;
	host_result(s, ref)->has_xform = true;
	host_result(s, ref)->xform = lsync_xform_identity();
	host_result(s, ref)->xform = lsync_xform_repivot(
		&host_result(s, ref)->xform, host_pivot(s, ref));
}

static lttsync_status solve_hosts(lttsync_session *s)
{
	guint n = s->hosts->len;
	GArray *edges;

	if (update_segments(s) < 0)
		return LTTSYNC_ERROR_NO_MEMORY;
	edges = collect_edges(s);
	const char **names = g_new(const char *, n + 1);
	uint32_t *parent = g_new(uint32_t, n + 1);
	lsync_cost *dist = g_new0(lsync_cost, n + 1);
	uint32_t ref = LSYNC_NO_HOST;
	int rc;

	for (guint h = 0; h < n; h++)
		names[h] = host_name(s, h);
	rc = lsync_graph_solve(n, names, (lsync_graph_edge *)(void *)edges->data,
			       edges->len, s->results.forced_ref, &ref, parent, dist);
	if (rc == 0) {
		reset_results(s, parent, dist, ref);
		if (ref != LSYNC_NO_HOST)
			rc = derive_transforms(s, ref);
		s->results.reference = ref;
	}
	g_array_free(edges, TRUE);
	g_free(names);
	g_free(parent);
	g_free(dist);
	return rc == 0 ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
}

lttsync_status lsync_session_refresh(lttsync_session *s)
{
	int rc = lsync_matcher_settle(s->evidence.matcher, lsync_session_add_matched, s);

	if (rc < 0)
		return lsync_error(s, rc, "cannot settle matches: %s",
				   lttsync_status_string(rc));
	if (!s->results.dirty)
		return LTTSYNC_OK;
	if (solve_hosts(s))
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot solve the host graph: out of memory");
	s->results.dirty = false;
	return LTTSYNC_OK;
}

/* ---- pair queries ------------------------------------------------------ */

lttsync_status lsync_check_pair(lttsync_session *s, lttsync_host_id from,
				lttsync_host_id to)
{
	lttsync_status st;

	lsync_clear_error(s);
	if ((st = lsync_check_host(s, from, "first host")) ||
	    (st = lsync_check_host(s, to, "second host")))
		return st;
	if (from == to)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "a pair needs two different hosts");
	return LTTSYNC_OK;
}

/*
 * Common prologue of pair queries: arguments, refresh, then the solution
 * of orientation x = from (NULL when the hosts never exchanged).
 */
static lttsync_status pair_solution(lttsync_session *s, uint32_t from,
				    uint32_t to, lsync_pair **out_pair,
				    const lsync_hull_solution **out_sol)
{
	lttsync_status st;
	lsync_pair *pair;

	if ((st = lsync_check_pair(s, from, to)) ||
	    (st = lsync_session_refresh(s)))
		return st;
	pair = lsync_session_pair(s, from, to);
	*out_pair = pair;
	*out_sol = pair ? lsync_pair_solution(pair, from) : NULL;
	return LTTSYNC_OK;
}

static lttsync_status need_bounds(lttsync_session *s, const lsync_pair *pair,
				  const lsync_hull_solution *sol)
{
	lttsync_quality q = sol ? pair_quality(pair, sol) : LTTSYNC_QUALITY_ABSENT;

	/* FAIL: no relation satisfies the messages, so nothing is bounded. */
	if (q == LTTSYNC_QUALITY_ABSENT || q == LTTSYNC_QUALITY_INCOMPLETE ||
	    q == LTTSYNC_QUALITY_FAIL)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "the pair has no bounds (%s)",
				   lttsync_quality_string(q));
	return LTTSYNC_OK;
}

/* Slope bounds of a segmented pair: the widest over its segments, in
 * orientation 0, inverted for orientation 1. */
static void segmented_slopes(const lsync_pair *pair, uint32_t from,
			     double *lo, double *hi)
{
	const lsync_segmented *sg = pair->segs;
	long double mn = INFINITY, mx = -INFINITY;

	for (uint32_t k = 0; k < sg->n_seg; k++) {
		const lsync_hull_solution *g = &sg->seg[k].sol;

		mn = fminl(mn, g->has_min ? g->line_min.slope : -INFINITY);
		mx = fmaxl(mx, g->has_max ? g->line_max.slope : INFINITY);
	}
	*lo = from == pair->a ? (double)mn : mn > 0 ? (double)(1 / mx) : -INFINITY;
	*hi = from == pair->a ? (double)mx : mn > 0 ? (double)(1 / mn) : INFINITY;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_quality(lttsync_quality *out,
							lttsync_session *s,
							lttsync_host_id from,
							lttsync_host_id to)
{
	const lsync_hull_solution *sol;
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = pair_solution(s, from, to, &pair, &sol)))
		return st;
	*out = sol ? pair_quality(pair, sol) : LTTSYNC_QUALITY_ABSENT;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_slope_bounds(double *out_min,
							     double *out_max,
							     lttsync_session *s,
							     lttsync_host_id from,
							     lttsync_host_id to)
{
	const lsync_hull_solution *sol;
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out_min || !out_max);
	if ((st = pair_solution(s, from, to, &pair, &sol)) ||
	    (st = need_bounds(s, pair, sol)))
		return st;
	if (pair->segs) {
		segmented_slopes(pair, from, out_min, out_max);
		return LTTSYNC_OK;
	}
	*out_min = sol->has_min ? (double)sol->line_min.slope : -INFINITY;
	*out_max = sol->has_max ? (double)sol->line_max.slope : INFINITY;
	return LTTSYNC_OK;
}

/*
 * Bounds of a segmented pair at t: orientation 0 reads the segments in
 * force at t, orientation 1 asks them the inverse question.
 */
static lttsync_status segmented_bounds_at(lttsync_session *s,
					  const lsync_pair *pair, uint32_t from,
					  int64_t t, int64_t *out_lo,
					  int64_t *out_hi)
{
	long double lo, hi;
	bool ok;

	if (from == pair->a) {
		ok = lsync_segmented_bounds_at(pair->segs, t, &lo, &hi);
		*out_lo = lsync_shift_outward(t, lo, true);
		*out_hi = lsync_shift_outward(t, hi, false);
	} else {
		ok = lsync_segmented_inverse_bounds(pair->segs, t, t, out_lo,
						    out_hi);
	}
	if (!ok)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "a segment of the pair has no bounds at %lld",
				   (long long)t);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_bounds_at(int64_t *out_lo,
							  int64_t *out_hi,
							  lttsync_session *s,
							  lttsync_host_id from,
							  lttsync_host_id to,
							  int64_t t)
{
	const lsync_hull_solution *sol;
	long double lo, hi;
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out_lo || !out_hi);
	if ((st = pair_solution(s, from, to, &pair, &sol)) ||
	    (st = need_bounds(s, pair, sol)))
		return st;
	if (pair->segs)
		return segmented_bounds_at(s, pair, from, t, out_lo, out_hi);
	lsync_hull_bounds_at(&pair->hull[lsync_pair_side(pair, from)], sol, t,
			     &lo, &hi);
	*out_lo = lsync_shift_outward(t, lo, true);
	*out_hi = lsync_shift_outward(t, hi, false);
	return LTTSYNC_OK;
}

static lttsync_status new_transform(lttsync_session *s, lttsync_transform **out,
				    const lsync_xform *f)
{
	lttsync_transform *tf = lsync_transform_new(f);

	if (!tf)
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot allocate a transform");
	*out = tf;
	return LTTSYNC_OK;
}

/* The pieces of a segmented pair as a transform, x = from. */
static lttsync_status segmented_estimate(lttsync_session *s,
					 lttsync_transform **out,
					 const lsync_pair *pair, uint32_t from)
{
	const lsync_segmented *sg = pair->segs;
	lsync_piece *inv = NULL;
	const lsync_piece *p = sg->pieces;
	size_t n = sg->n_pieces;
	int64_t mid;

	if (from != pair->a) {
		if (!lsync_pw_invert(sg->pieces, sg->n_pieces, &inv, &n))
			return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
					   "cannot invert the pair's segments");
		p = inv;
	}
	mid = p[n / 2].from;
	*out = lsync_transform_new_pieces(p, n, &p[lsync_pw_find(p, n, mid)].f);
	free(inv);
	if (!*out)
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot allocate a transform");
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_estimate(lttsync_transform **out,
							 lttsync_session *s,
							 lttsync_host_id from,
							 lttsync_host_id to)
{
	const lsync_hull_solution *sol;
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = pair_solution(s, from, to, &pair, &sol)))
		return st;
	if (!sol || !sol->has_estimate)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "the pair has no estimate (%s)",
				   lttsync_quality_string(
					   sol ? sol->quality
					       : LTTSYNC_QUALITY_ABSENT));
	if (pair->segs)
		return segmented_estimate(s, out, pair, from);
	return new_transform(s, out, &sol->estimate);
}

/* Failed segments: the largest violation, the violating messages. */
static void segmented_violation(const lsync_segmented *sg, double *ns,
				uint64_t *count)
{
	*ns = 0;
	*count = 0;
	for (uint32_t k = 0; k < sg->n_seg; k++) {
		const lsync_hull_solution *g = &sg->seg[k].sol;

		if (g->quality != LTTSYNC_QUALITY_FAIL)
			continue;
		if ((double)g->violation > *ns)
			*ns = (double)g->violation;
		*count += g->n_violating;
	}
}

LTTSYNC_API lttsync_status lttsync_session_get_pair_violation(double *out_ns,
							  uint64_t *out_count,
							  lttsync_session *s,
							  lttsync_host_id from,
							  lttsync_host_id to)
{
	const lsync_hull_solution *sol;
	lttsync_status st;
	lsync_pair *pair;
	bool fail;

	LSYNC_INVALID_IF(s, !s || !out_ns || !out_count);
	if ((st = pair_solution(s, from, to, &pair, &sol)))
		return st;
	if (sol && pair->segs) {
		segmented_violation(pair->segs, out_ns, out_count);
		return LTTSYNC_OK;
	}
	fail = sol && sol->quality == LTTSYNC_QUALITY_FAIL;
	*out_ns = fail ? (double)sol->violation : 0.0;
	*out_count = fail ? sol->n_violating : 0;
	return LTTSYNC_OK;
}

/* ---- host queries ------------------------------------------------------ */

static lttsync_status host_prologue(lttsync_session *s, uint32_t host,
				    const lsync_host_result **out)
{
	lttsync_status st;

	lsync_clear_error(s);
	if ((st = lsync_check_host(s, host, "host")) ||
	    (st = lsync_session_refresh(s)))
		return st;
	*out = host_result(s, host);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_reference(lttsync_host_id *out,
						     lttsync_session *s)
{
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	lsync_clear_error(s);
	if ((st = lsync_session_refresh(s)))
		return st;
	if (s->results.reference == LSYNC_NO_HOST)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "no host declared");
	*out = s->results.reference;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_host_quality(lttsync_quality *out,
							lttsync_session *s,
							lttsync_host_id host)
{
	const lsync_host_result *r;
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = host_prologue(s, host, &r)))
		return st;
	*out = r->quality;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_host_parent(lttsync_host_id *out,
						       lttsync_session *s,
						       lttsync_host_id host)
{
	const lsync_host_result *r;
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = host_prologue(s, host, &r)))
		return st;
	if (r->parent == LSYNC_NO_HOST)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "host '%s' is not connected to the reference",
				   host_name(s, host));
	*out = r->parent;
	return LTTSYNC_OK;
}

/*
 * The widest bounds over [t1, t2] of the host's data, at its ends (bounds
 * widen away from the data); NAN when unbounded or t1 > t2.
 */
static long double width_over(lttsync_session *s, uint32_t host, int64_t t1,
			      int64_t t2)
{
	int64_t ends[2] = { t1, t2 }, lo, hi;
	long double w = 0;

	if (t1 > t2)
		return NAN;
	for (int k = 0; k < 2; k++) {
		if (!lsync_host_bounds(s, host, ends[k], &lo, &hi) ||
		    lo == INT64_MIN || hi == INT64_MAX)
			return NAN;
		w = fmaxl(w, (long double)hi - (long double)lo);
	}
	return w;
}

/*
 * The bounds width of each piece of the host's transform, computed once
 * per result: each costs two walks of a step per hop to the reference.
 */
static const long double *piece_widths(lttsync_session *s, uint32_t host,
				       lsync_host_result *r, size_t n)
{
	const lsync_host *hd = &g_array_index(s->hosts, lsync_host, host);

	if (r->widths)
		return r->widths;
	r->widths = malloc(n * sizeof(*r->widths));
	if (!r->widths)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		int64_t t1 = k ? r->pieces[k].from : hd->ts_min;
		int64_t t2 = k + 1 < n ? r->pieces[k + 1].from - 1 : hd->ts_max;

		if (t1 < hd->ts_min)
			t1 = hd->ts_min;
		if (t2 > hd->ts_max)
			t2 = hd->ts_max;
		r->widths[k] = r->quality == LTTSYNC_QUALITY_REFERENCE
				       ? 0 : width_over(s, host, t1, t2);
	}
	return r->widths;
}

/* The host's transform, with the bounds width of each piece. */
static lttsync_status host_transform(lttsync_session *s, uint32_t host,
				     lsync_host_result *r,
				     lttsync_transform **out)
{
	lsync_piece one = { INT64_MIN, r->xform, NAN, -1 };
	const lsync_piece *p = r->pieces ? r->pieces : &one;
	size_t n = r->pieces ? r->n_pieces : 1;
	const long double *widths = piece_widths(s, host, r, n);
	lsync_piece *q = widths ? malloc(n * sizeof(*q)) : NULL;

	if (!q)
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot allocate a transform");
	memcpy(q, p, n * sizeof(*q));
	for (size_t k = 0; k < n; k++)
		q[k].width = widths[k];
	*out = lsync_transform_new_pieces(q, n, &r->xform);
	free(q);
	if (!*out)
		return lsync_error(s, LTTSYNC_ERROR_NO_MEMORY,
				   "cannot allocate a transform");
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_host_transform(lttsync_transform **out,
							  lttsync_session *s,
							  lttsync_host_id host)
{
	const lsync_host_result *r;
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = host_prologue(s, host, &r)))
		return st;
	if (!r->has_xform)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "host '%s' has no transform (%s%s)",
				   host_name(s, host),
				   lttsync_quality_string(r->quality),
				   host_has_data(s, host) ? "" : ", no message");
	return host_transform(s, host, host_result(s, host), out);
}

LTTSYNC_API lttsync_status lttsync_session_get_host_bounds_at(int64_t *out_lo,
							  int64_t *out_hi,
							  lttsync_session *s,
							  lttsync_host_id host,
							  int64_t t)
{
	const lsync_host_result *r;
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out_lo || !out_hi);
	if ((st = host_prologue(s, host, &r)))
		return st;
	if (!r->has_xform || r->quality == LTTSYNC_QUALITY_FAIL)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "host '%s' has no bounds (%s)", host_name(s, host),
				   lttsync_quality_string(r->quality));
	lsync_host_bounds(s, host, t, out_lo, out_hi);
	return LTTSYNC_OK;
}
