/* SPDX-License-Identifier: MIT */
/*
 * The snapshot of a session's results the reports print (snapshot.h),
 * taken through the public API.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

#include "hops.h"

#define NUM LSYNC_NUM

/*
 * What people read of a transform: the offset f(pivot) - pivot, the
 * drift (slope - 1) in ppm and the pivot; the decimal texts keep every
 * digit.
 */
static void read_transform(struct lsync_host *h, const lttsync_transform *tf)
{
	int64_t at;

	h->pivot_ns = lttsync_transform_get_pivot(tf);
	h->drift_ppm = (lttsync_transform_get_slope(tf) - 1.0) * 1e6;
	/* In integers, exact to the ns; an absurd transform whose offset
	 * does not fit shows none ("-") rather than losing the report. */
	h->has_offset_ns = lttsync_transform_apply(&at, tf, h->pivot_ns) == LTTSYNC_OK &&
			   !__builtin_sub_overflow(at, h->pivot_ns, &h->offset_ns);
}

static lttsync_status format_transform(struct lsync_host *h, const lttsync_transform *tf)
{
	lttsync_status st;

	read_transform(h, tf);

	if ((st = lttsync_transform_format(h->slope, NUM, tf, LTTSYNC_FIELD_SLOPE)) ||
	    (st = lttsync_transform_format(h->offset, NUM, tf, LTTSYNC_FIELD_OFFSET)) ||
	    (st = lttsync_transform_format(h->pivot, NUM, tf, LTTSYNC_FIELD_PIVOT)))
		return st;
	return lttsync_transform_format(h->pivot_ref, NUM, tf, LTTSYNC_FIELD_PIVOT_REF);
}

/* Every segment of tf, formatted. */
static lttsync_status build_segments(struct lsync_segment **out, size_t *n,
				     const lttsync_transform *tf)
{
	size_t count = lttsync_transform_get_segment_count(tf);
	lttsync_status st = LTTSYNC_OK;

	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (*n = 0; !st && *n < count; ++*n) {
		struct lsync_segment *g = &(*out)[*n];
		lttsync_transform *line;

		if ((st = lttsync_transform_get_segment(&line, &g->from, &g->width_ns,
							tf, *n)))
			break;
		g->has_from = *n > 0;
		if (!(st = lttsync_transform_format(g->slope, NUM, line,
						    LTTSYNC_FIELD_SLOPE)))
			st = lttsync_transform_format(g->offset, NUM, line,
						      LTTSYNC_FIELD_OFFSET);
		lttsync_transform_destroy(line);
	}
	return st;
}

/* Hops from every host to the reference (hops.h). */
static lttsync_status compute_hops(struct lsync_snapshot *r)
{
	r->hops = lsync_hop_counts(r->session, r->n_hosts);
	return r->hops ? LTTSYNC_OK : LTTSYNC_ERROR_NO_MEMORY;
}

static void measure_width(struct lsync_host *h, lttsync_session *s,
			  const lttsync_transform *tf)
{
	int64_t lo, hi;

	if (lttsync_session_get_host_bounds_at(&lo, &hi, s, h->id,
					       lttsync_transform_get_pivot(tf)) ||
	    lo == INT64_MIN || hi == INT64_MAX)
		return;
	h->has_width = true;
	h->width_ns = (uint64_t)hi - (uint64_t)lo;
	h->bound_lo = lo;
	h->bound_hi = hi;
}

static lttsync_status build_host(struct lsync_host *h, struct lsync_snapshot *r,
				 lttsync_host_id id)
{
	lttsync_session *s = r->session;
	lttsync_transform *tf = NULL;
	lttsync_status st;

	h->id = id;
	h->name = lttsync_session_get_host_name(s, id);
	h->hops = r->hops[id];
	h->has_parent = h->hops != SIZE_MAX && h->hops > 0 &&
			!lttsync_session_get_host_parent(&h->parent, s, id);
	if ((st = lttsync_session_get_host_quality(&h->quality, s, id)))
		return st;
	if (lttsync_session_get_host_transform(&tf, s, id) == LTTSYNC_OK) {
		h->has_transform = true;
		st = format_transform(h, tf);
		if (!st)
			st = build_segments(&h->segments, &h->n_segments, tf);
		measure_width(h, s, tf);
		lttsync_transform_destroy(tf);
	}
	return st;
}

/* host[1] is the host nearer the reference (doc/algorithm.md's R). */
static void orient_pair(struct lsync_pair *p, const struct lsync_snapshot *r,
			lttsync_host_id a, lttsync_host_id b)
{
	size_t da = r->hops[a], db = r->hops[b];
	bool a_nearer = da < db ||
			(da == db && strcmp(lttsync_session_get_host_name(r->session, a),
					    lttsync_session_get_host_name(r->session, b)) < 0);

	p->host[1] = a_nearer ? a : b;
	p->host[0] = a_nearer ? b : a;
}

static lttsync_status pair_estimate(struct lsync_pair *p, lttsync_session *s)
{
	lttsync_transform *tf;
	lttsync_status st;
	int64_t lo, hi;

	if (lttsync_session_get_pair_estimate(&tf, s, p->host[1], p->host[0]))
		return LTTSYNC_OK;
	st = build_segments(&p->segments, &p->n_segments, tf);
	p->has_estimate =
		!lttsync_transform_format(p->slope, NUM, tf, LTTSYNC_FIELD_SLOPE) &&
		!lttsync_transform_format(p->offset, NUM, tf, LTTSYNC_FIELD_OFFSET);
	if (!lttsync_session_get_pair_bounds_at(&lo, &hi, s, p->host[1], p->host[0],
						lttsync_transform_get_pivot(tf)) &&
	    lo != INT64_MIN && hi != INT64_MAX) {
		p->has_width = true;
		p->width_ns = (uint64_t)hi - (uint64_t)lo;
	}
	lttsync_transform_destroy(tf);
	return st;
}

static lttsync_status build_pair(struct lsync_pair *p, const struct lsync_snapshot *r,
				 size_t index)
{
	lttsync_session *s = r->session;
	lttsync_host_id a, b;
	lttsync_status st;

	if ((st = lttsync_session_get_pair(&a, &b, s, index)))
		return st;
	orient_pair(p, r, a, b);
	if ((st = lttsync_session_get_message_count(&p->messages[0], s,
						    p->host[0], p->host[1])) ||
	    (st = lttsync_session_get_message_count(&p->messages[1], s,
						    p->host[1], p->host[0])) ||
	    (st = lttsync_session_get_pair_quality(&p->quality, s, p->host[1],
						   p->host[0])) ||
	    (st = lttsync_session_get_pair_violation(&p->violation_ns,
						     &p->contradicting, s,
						     p->host[1], p->host[0])))
		return st;
	p->has_bounds = lttsync_session_get_pair_slope_bounds(
				&p->slope_min, &p->slope_max, s, p->host[1],
				p->host[0]) == LTTSYNC_OK;
	return pair_estimate(p, s);
}

static void build_trace(struct lsync_trace *t, lttsync_session *s, lttsync_trace_id id)
{
	t->path = lttsync_session_get_trace_name(s, id);
	t->has_host = lttsync_session_get_trace_host(&t->host, s, id) == 0;
	t->status = lttsync_session_get_trace_status(s, id);
	t->message = lttsync_session_get_trace_message(s, id);
	for (int k = 0; k < 8; k++)
		lttsync_session_get_trace_stat(&t->stat[k], s, id, (lttsync_trace_stat)k);
}

static int cmp_hosts(const void *x, const void *y)
{
	return strcmp(((const struct lsync_host *)x)->name, ((const struct lsync_host *)y)->name);
}

/* Pairs sort by their host names, which the hosts' ids give through this. */
static _Thread_local const struct lsync_snapshot *sort_report;

static int cmp_pairs(const void *x, const void *y)
{
	const struct lsync_pair *p = x, *q = y;
	lttsync_session *s = sort_report->session;
	int c = strcmp(lttsync_session_get_host_name(s, p->host[0]),
		       lttsync_session_get_host_name(s, q->host[0]));

	if (c)
		return c;
	return strcmp(lttsync_session_get_host_name(s, p->host[1]),
		      lttsync_session_get_host_name(s, q->host[1]));
}

const char *lsync_snapshot_host_name(const struct lsync_snapshot *r,
				     lttsync_host_id h)
{
	return lttsync_session_get_host_name(r->session, h);
}

void lsync_snapshot_free(struct lsync_snapshot *r)
{
	for (size_t i = 0; r->hosts && i < r->n_hosts; i++)
		free(r->hosts[i].segments);
	for (size_t i = 0; r->pairs && i < r->n_pairs; i++)
		free(r->pairs[i].segments);
	free(r->hosts);
	free(r->hops);
	free(r->pairs);
	free(r->traces);
}

lttsync_status lsync_snapshot_build(struct lsync_snapshot *r, lttsync_session *s)
{
	lttsync_status st;

	memset(r, 0, sizeof(*r));
	r->session = s;
	r->n_hosts = lttsync_session_get_host_count(s);
	r->n_pairs = lttsync_session_get_pair_count(s);
	r->n_traces = lttsync_session_get_trace_count(s);
	r->hosts = calloc(r->n_hosts + 1, sizeof(*r->hosts));
	r->pairs = calloc(r->n_pairs + 1, sizeof(*r->pairs));
	r->traces = calloc(r->n_traces + 1, sizeof(*r->traces));
	if (!r->hosts || !r->pairs || !r->traces)
		return LTTSYNC_ERROR_NO_MEMORY;
	if ((st = compute_hops(r)))
		return st;
	for (size_t i = 0; i < r->n_traces; i++)
		build_trace(&r->traces[i], s, (lttsync_trace_id)i);
	r->has_reference = lttsync_session_get_reference(&r->reference, s) == 0;
	for (size_t i = 0; !st && i < r->n_hosts; i++)
		st = build_host(&r->hosts[i], r, (lttsync_host_id)i);
	for (size_t i = 0; !st && i < r->n_pairs; i++)
		st = build_pair(&r->pairs[i], r, i);
	if (st)
		return st;
	qsort(r->hosts, r->n_hosts, sizeof(*r->hosts), cmp_hosts);
	sort_report = r;
	qsort(r->pairs, r->n_pairs, sizeof(*r->pairs), cmp_pairs);
	sort_report = NULL;
	return LTTSYNC_OK;
}

