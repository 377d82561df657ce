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
static void derive_child(lttsync_session *s, uint32_t h)
{
	lsync_host_result *r = host_result(s, h);
	const lsync_host_result *pr = host_result(s, r->parent);
	lsync_pair *pair = lsync_session_pair(s, r->parent, h);
	const lsync_hull_solution *sol = lsync_pair_solution(pair, r->parent);
	lsync_xform inv, composed;

	r->quality = worse(pr->quality, sol->quality);
	r->has_xform = false;
	if (!pr->has_xform || !usable_estimate(sol) ||
	    !lsync_xform_invert(&sol->estimate, &inv)) {
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
		r->parent = LSYNC_NO_HOST;
		return;
	}
	composed = lsync_xform_compose(&pr->xform, &inv);
	r->xform = lsync_xform_repivot(&composed, host_pivot(s, h));
	/* Saturated at a pivot (data spanning +-2^62 with slopes far from
	 * 1): the transform would be a different line. */
	if (saturated(&inv) || saturated(&composed) || saturated(&r->xform)) {
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
		r->parent = LSYNC_NO_HOST;
		return;
	}
	r->has_xform = true;
}

/* Parents before children: walk up to a finished host, then back down. */
static void derive_transforms(lttsync_session *s, uint32_t ref)
{
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

			derive_child(s, u);
			done[u] = true;
		}
	}
	g_free(stack);
	g_free(done);
}

static void reset_results(lttsync_session *s, const uint32_t *parent,
			  const lsync_cost *dist, uint32_t ref)
{
	for (guint h = 0; h < s->hosts->len; h++) {
		lsync_host_result *r = host_result(s, h);

		memset(r, 0, sizeof(*r));
		r->parent = parent[h];
		r->dist = dist[h];
		r->quality = LTTSYNC_QUALITY_DISCONNECTED;
	}
	if (ref == LSYNC_NO_HOST)
		return;
	host_result(s, ref)->quality = LTTSYNC_QUALITY_REFERENCE;
	host_result(s, ref)->has_xform = true;
	host_result(s, ref)->xform = lsync_xform_identity();
	host_result(s, ref)->xform = lsync_xform_repivot(
		&host_result(s, ref)->xform, host_pivot(s, ref));
}

static lttsync_status solve_hosts(lttsync_session *s)
{
	guint n = s->hosts->len;
	GArray *edges = collect_edges(s);
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
			derive_transforms(s, ref);
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

static lttsync_status need_bounds(lttsync_session *s,
				  const lsync_hull_solution *sol)
{
	/* FAIL: no relation satisfies the messages, so nothing is bounded. */
	if (!sol || sol->quality == LTTSYNC_QUALITY_ABSENT ||
	    sol->quality == LTTSYNC_QUALITY_INCOMPLETE ||
	    sol->quality == LTTSYNC_QUALITY_FAIL)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "the pair has no bounds (%s)",
				   lttsync_quality_string(
					   sol ? sol->quality
					       : LTTSYNC_QUALITY_ABSENT));
	return LTTSYNC_OK;
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
	*out = sol ? sol->quality : LTTSYNC_QUALITY_ABSENT;
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
	    (st = need_bounds(s, sol)))
		return st;
	*out_min = sol->has_min ? (double)sol->line_min.slope : -INFINITY;
	*out_max = sol->has_max ? (double)sol->line_max.slope : INFINITY;
	return LTTSYNC_OK;
}

/* t + off rounded outwards (down if `down`), saturating to int64. */
static int64_t shift_outward(int64_t t, long double off, bool down)
{
	long double whole = down ? floorl(off) : ceill(off);

	if (!isfinite(whole))
		return whole < 0 ? INT64_MIN : INT64_MAX;
	if (whole > 0x1p63L - (long double)t - 1)
		return INT64_MAX;
	if (whole < -0x1p63L - (long double)t + 1)
		return INT64_MIN;
	/* whole alone may exceed int64 while t + whole fits. */
	return (int64_t)((__int128)t + (__int128)whole);
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
	    (st = need_bounds(s, sol)))
		return st;
	lsync_hull_bounds_at(&pair->hull[lsync_pair_side(pair, from)], sol, t,
			     &lo, &hi);
	*out_lo = shift_outward(t, lo, true);
	*out_hi = shift_outward(t, hi, false);
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
	return new_transform(s, out, &sol->estimate);
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
				   "host '%s' has no transform (%s)",
				   host_name(s, host),
				   lttsync_quality_string(r->quality));
	return new_transform(s, out, &r->xform);
}

/*
 * One step of the path: from an interval of child-time to the interval of
 * parent-time compatible with every feasible relation of the pair.
 * *lo_inf / *hi_inf mark sides that became unbounded.
 */
static void step_bounds(lttsync_session *s, uint32_t child, int64_t *lo,
			int64_t *hi, bool *lo_inf, bool *hi_inf)
{
	uint32_t parent = host_result(s, child)->parent;
	lsync_pair *pair = lsync_session_pair(s, parent, child);
	const lsync_hull_solution *sol = lsync_pair_solution(pair, parent);
	int64_t ylo = *lo_inf ? *hi : *lo, yhi = *hi_inf ? *lo : *hi;
	int64_t xlo, xhi;

	lsync_hull_inverse_bounds(&pair->hull[lsync_pair_side(pair, parent)],
				  sol, ylo, yhi, &xlo, &xhi);
	*lo_inf = *lo_inf || xlo == INT64_MIN;
	*hi_inf = *hi_inf || xhi == INT64_MAX;
	*lo = xlo;
	*hi = xhi;
}

LTTSYNC_API lttsync_status lttsync_session_get_host_bounds_at(int64_t *out_lo,
							  int64_t *out_hi,
							  lttsync_session *s,
							  lttsync_host_id host,
							  int64_t t)
{
	const lsync_host_result *r;
	bool lo_inf = false, hi_inf = false;
	int64_t lo = t, hi = t;
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out_lo || !out_hi);
	if ((st = host_prologue(s, host, &r)))
		return st;
	if (!r->has_xform || r->quality == LTTSYNC_QUALITY_FAIL)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "host '%s' has no bounds (%s)", host_name(s, host),
				   lttsync_quality_string(r->quality));
	for (uint32_t u = host; u != s->results.reference && !(lo_inf && hi_inf);
	     u = host_result(s, u)->parent)
		step_bounds(s, u, &lo, &hi, &lo_inf, &hi_inf);
	*out_lo = lo_inf ? INT64_MIN : lo;
	*out_hi = hi_inf ? INT64_MAX : hi;
	return LTTSYNC_OK;
}
