/* SPDX-License-Identifier: MIT */
/*
 * Writing the JSON report of a session (doc/output.md): a snapshot of
 * its results taken through the public API, then printed as it goes (no
 * tree of the document: a report of many hosts costs the memory of its
 * snapshot only). Each host names its parent and its hop count, not its
 * whole path, so the report's size is linear in hosts and pairs.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "report_format.h"

#define NUM LTTSYNC_FORMAT_SIZE

/* One segment of a transform: t_out = slope * t + offset from `from` on. */
struct segment {
	bool has_from;                 /* false for the first: from the beginning */
	int64_t from;
	char slope[NUM], offset[NUM];
	double width_ns;               /* bounds width over it, NAN if none */
};

struct host {
	lttsync_host_id id;
	const char *name;              /* borrowed from the session */
	lttsync_quality quality;
	bool has_transform;
	char slope[NUM], offset[NUM], pivot[NUM], pivot_ref[NUM];
	bool has_width;
	uint64_t width_ns;             /* reference-time bounds width at the pivot */
	int64_t bound_lo, bound_hi;
	bool has_parent;               /* false for the reference and disconnected hosts */
	lttsync_host_id parent;
	size_t hops;                   /* to the reference; SIZE_MAX: disconnected */
	struct segment *segments;
	size_t n_segments;
};

struct trace {
	bool has_host;
	lttsync_host_id host;
	const char *path;              /* borrowed */
	lttsync_status status;
	const char *message;           /* borrowed; "" when fine */
	uint64_t stat[8];              /* indexed by lttsync_trace_stat */
};

struct pair {
	lttsync_host_id host[2];       /* [0] farther from the reference, [1] nearer */
	uint64_t messages[2];          /* [0] host0 -> host1, [1] host1 -> host0 */
	lttsync_quality quality;
	bool has_bounds, has_estimate, has_width;
	double slope_min, slope_max;
	char slope[NUM], offset[NUM];
	uint64_t width_ns;
	double violation_ns;
	uint64_t contradicting;
	struct segment *segments;
	size_t n_segments;
};

struct report {
	lttsync_session *session;
	bool has_reference;
	lttsync_host_id reference;
	size_t n_hosts, n_pairs, n_traces;
	struct host *hosts;            /* sorted by name */
	size_t *hops;                  /* by host id */
	struct pair *pairs;            /* sorted by host names */
	struct trace *traces;          /* in reading order */
};

/* ---- the snapshot ----------------------------------------------------- */

static lttsync_status format_transform(struct host *h, const lttsync_transform *tf)
{
	lttsync_status st;

	if ((st = lttsync_transform_format(h->slope, NUM, tf, LTTSYNC_FIELD_SLOPE)) ||
	    (st = lttsync_transform_format(h->offset, NUM, tf, LTTSYNC_FIELD_OFFSET)) ||
	    (st = lttsync_transform_format(h->pivot, NUM, tf, LTTSYNC_FIELD_PIVOT)))
		return st;
	return lttsync_transform_format(h->pivot_ref, NUM, tf, LTTSYNC_FIELD_PIVOT_REF);
}

/* Every segment of tf, formatted. */
static lttsync_status build_segments(struct segment **out, size_t *n,
				     const lttsync_transform *tf)
{
	size_t count = lttsync_transform_get_segment_count(tf);
	lttsync_status st = LTTSYNC_OK;

	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (*n = 0; !st && *n < count; ++*n) {
		struct segment *g = &(*out)[*n];
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

#define HOPS_UNKNOWN (SIZE_MAX - 1)

/*
 * Hops from every host to the reference (SIZE_MAX: disconnected), each
 * parent link followed once: a chain of n hosts costs n steps, not n^2.
 */
static lttsync_status compute_hops(struct report *r)
{
	size_t n = r->n_hosts;
	lttsync_host_id *chain = malloc((n + 1) * sizeof(*chain));

	r->hops = malloc((n + 1) * sizeof(*r->hops));
	if (!chain || !r->hops) {
		free(chain);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	for (size_t i = 0; i < n; i++)
		r->hops[i] = HOPS_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		lttsync_host_id u = (lttsync_host_id)i, next;
		size_t len = 0, d;

		while (r->hops[u] == HOPS_UNKNOWN) {
			if (lttsync_session_get_host_parent(&next, r->session, u))
				r->hops[u] = SIZE_MAX;
			else if (next == u)
				r->hops[u] = 0;
			else if (len == n || next >= n)  /* a loop: not a path */
				r->hops[u] = SIZE_MAX;
			else {
				chain[len++] = u;
				u = next;
			}
		}
		for (d = r->hops[u]; len > 0; len--) {
			d = d == SIZE_MAX ? SIZE_MAX : d + 1;
			r->hops[chain[len - 1]] = d;
		}
	}
	free(chain);
	return LTTSYNC_OK;
}

static void measure_width(struct host *h, lttsync_session *s,
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

static lttsync_status build_host(struct host *h, struct report *r,
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
static void orient_pair(struct pair *p, const struct report *r,
			lttsync_host_id a, lttsync_host_id b)
{
	size_t da = r->hops[a], db = r->hops[b];
	bool a_nearer = da < db ||
			(da == db && strcmp(lttsync_session_get_host_name(r->session, a),
					    lttsync_session_get_host_name(r->session, b)) < 0);

	p->host[1] = a_nearer ? a : b;
	p->host[0] = a_nearer ? b : a;
}

static lttsync_status pair_estimate(struct pair *p, lttsync_session *s)
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

static lttsync_status build_pair(struct pair *p, const struct report *r,
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

static void build_trace(struct trace *t, lttsync_session *s, lttsync_trace_id id)
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
	return strcmp(((const struct host *)x)->name, ((const struct host *)y)->name);
}

/* Pairs sort by their host names, which the hosts' ids give through this. */
static _Thread_local const struct report *sort_report;

static int cmp_pairs(const void *x, const void *y)
{
	const struct pair *p = x, *q = y;
	lttsync_session *s = sort_report->session;
	int c = strcmp(lttsync_session_get_host_name(s, p->host[0]),
		       lttsync_session_get_host_name(s, q->host[0]));

	if (c)
		return c;
	return strcmp(lttsync_session_get_host_name(s, p->host[1]),
		      lttsync_session_get_host_name(s, q->host[1]));
}

static void report_free(struct report *r)
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

static lttsync_status report_build(struct report *r, lttsync_session *s)
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

/* ---- JSON ------------------------------------------------------------- */

static const char *name_of(const struct report *r, lttsync_host_id h)
{
	return lttsync_session_get_host_name(r->session, h);
}


/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static int utf8_length(const unsigned char *p)
{
	int n = *p < 0x80 ? 1 : *p >= 0xc2 && *p < 0xe0 ? 2
		: *p >= 0xe0 && *p < 0xf0 ? 3 : *p >= 0xf0 && *p < 0xf5 ? 4 : 0;

	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||   /* overlong */
	    (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||  /* surrogates */
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) ||   /* overlong */
	    (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))    /* > U+10FFFF */
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_string(const char *s, FILE *fp)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	while (*p) {
		int n = utf8_length(p);

		if (n == 0)
			fputs("\\ufffd", fp);
		else if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(fp, "\\u%04x", *p);
		else
			fwrite(p, 1, (size_t)n, fp);
		p += n ? n : 1;
	}
	fputc('"', fp);
}

static void json_opt_string(bool has, const char *s, FILE *fp)
{
	if (has)
		json_string(s, fp);
	else
		fputs("null", fp);
}

static void json_double(double v, FILE *fp)
{
	if (isfinite(v))
		fprintf(fp, "%.17g", v);
	else
		fputs("null", fp);
}

static void print_json_trace_stats(const struct trace *t, FILE *fp)
{
	static const char *const names[7] = { "streams", "events",
		"network_events", "packets", "no_header", "not_tcp", "malformed" };

	fputs("{\"path\": ", fp);
	json_string(t->path, fp);
	fprintf(fp, ", \"status\": \"%s\"", lttsync_status_string(t->status));
	for (int k = 0; k < 7; k++)
		fprintf(fp, ", \"%s\": %" PRIu64, names[k], t->stat[k]);
	/* Which reader read it (LTTSYNC_TRACE_STAT_READER). */
	fprintf(fp, ", \"reader\": \"%s\"",
		t->stat[LTTSYNC_TRACE_STAT_READER] == LTTSYNC_READER_AUTO ? "lttsync"
		: t->stat[LTTSYNC_TRACE_STAT_READER] == LTTSYNC_READER_BABELTRACE2 ? "babeltrace2"
		: "none");
	fputs(", \"error\": ", fp);
	json_opt_string(t->status != LTTSYNC_OK, t->message, fp);
	fputs("}", fp);
}

/* "traces": [paths], "trace_stats": [...] of the host's traces. */
static void print_json_host_traces(const struct report *r,
				   const struct host *h, FILE *fp)
{
	bool first = true;

	fputs(", \"traces\": [", fp);
	for (size_t i = 0; i < r->n_traces; i++)
		if (r->traces[i].has_host && r->traces[i].host == h->id) {
			fputs(first ? "" : ", ", fp);
			json_string(r->traces[i].path, fp);
			first = false;
		}
	fputs("], \"trace_stats\": [", fp);
	first = true;
	for (size_t i = 0; i < r->n_traces; i++)
		if (r->traces[i].has_host && r->traces[i].host == h->id) {
			fputs(first ? "" : ", ", fp);
			print_json_trace_stats(&r->traces[i], fp);
			first = false;
		}
	fputs("]", fp);
}

static void print_json_segments(const struct segment *g, size_t n,
				FILE *fp)
{
	fputs(", \"segments\": [", fp);
	for (size_t k = 0; k < n; k++) {
		fputs(k ? ", {\"from_ns\": " : "{\"from_ns\": ", fp);
		if (g[k].has_from)
			fprintf(fp, "%" PRId64, g[k].from);
		else
			fputs("null", fp);
		fputs(", \"slope\": ", fp);
		json_string(g[k].slope, fp);
		fputs(", \"offset_ns\": ", fp);
		json_string(g[k].offset, fp);
		fputs(", \"bounds_width_ns\": ", fp);
		json_double(isfinite(g[k].width_ns) ? ceil(g[k].width_ns) : NAN, fp);
		fputs("}", fp);
	}
	fputs("]", fp);
}

static void print_json_host(const struct report *r,
			    const struct host *h, FILE *fp)
{
	bool t = h->has_transform;

	fputs("    {\"host\": ", fp);
	json_string(h->name, fp);
	fprintf(fp, ", \"quality\": \"%s\", \"slope\": ",
		lttsync_quality_string(h->quality));
	json_opt_string(t, h->slope, fp);
	fputs(", \"offset_ns\": ", fp);
	json_opt_string(t, h->offset, fp);
	fputs(", \"pivot_ns\": ", fp);
	json_opt_string(t, h->pivot, fp);
	fputs(", \"pivot_ref_ns\": ", fp);
	json_opt_string(t, h->pivot_ref, fp);
	fputs(", \"bounds_width_ns\": ", fp);
	if (h->has_width)
		fprintf(fp, "%" PRIu64 ", \"bounds_ns\": [%" PRId64 ", %" PRId64 "]",
			h->width_ns, h->bound_lo, h->bound_hi);
	else
		fputs("null, \"bounds_ns\": null", fp);
	print_json_segments(h->segments, h->n_segments, fp);
	fputs(", \"" LSYNC_REPORT_PARENT "\": ", fp);
	json_opt_string(h->has_parent, h->has_parent ? name_of(r, h->parent) : "", fp);
	fputs(", \"" LSYNC_REPORT_HOPS "\": ", fp);
	if (h->hops == SIZE_MAX)
		fputs("null", fp);
	else
		fprintf(fp, "%zu", h->hops);
	print_json_host_traces(r, h, fp);
	fputs("}", fp);
}

static void print_json_pair(const struct report *r,
			    const struct pair *p, FILE *fp)
{
	fputs("    {\"hosts\": [", fp);
	json_string(name_of(r, p->host[0]), fp);
	fputs(", ", fp);
	json_string(name_of(r, p->host[1]), fp);
	fprintf(fp, "], \"messages\": [%" PRIu64 ", %" PRIu64 "], "
		    "\"quality\": \"%s\", \"slope_min\": ",
		p->messages[0], p->messages[1],
		lttsync_quality_string(p->quality));
	json_double(p->has_bounds ? p->slope_min : NAN, fp);
	fputs(", \"slope_max\": ", fp);
	json_double(p->has_bounds ? p->slope_max : NAN, fp);
	fputs(", \"slope\": ", fp);
	json_opt_string(p->has_estimate, p->slope, fp);
	fputs(", \"offset_ns\": ", fp);
	json_opt_string(p->has_estimate, p->offset, fp);
	fputs(", \"bounds_width_ns\": ", fp);
	if (p->has_width)
		fprintf(fp, "%" PRIu64, p->width_ns);
	else
		fputs("null", fp);
	fprintf(fp, ", \"contradicting\": %" PRIu64 ", \"violation_ns\": ",
		p->contradicting);
	json_double(p->violation_ns, fp);
	print_json_segments(p->segments, p->n_segments, fp);
	fputs("}", fp);
}

/* Traces that never got a host (reading failed before their identity). */
static void print_json_orphans(const struct report *r, FILE *fp)
{
	bool first = true;

	for (size_t i = 0; i < r->n_traces; i++) {
		if (r->traces[i].has_host)
			continue;
		fputs(first ? "\n    " : ",\n    ", fp);
		print_json_trace_stats(&r->traces[i], fp);
		first = false;
	}
	if (!first)
		fputs("\n  ", fp);
}

static void print_json(const struct report *r, FILE *fp)
{
	fputs("{\n  \"reference\": ", fp);
	json_opt_string(r->has_reference, r->has_reference
				? name_of(r, r->reference) : "", fp);
	fputs(",\n  \"hosts\": [\n", fp);
	for (size_t i = 0; i < r->n_hosts; i++) {
		print_json_host(r, &r->hosts[i], fp);
		fputs(i + 1 < r->n_hosts ? ",\n" : "\n", fp);
	}
	fputs("  ],\n  \"pairs\": [\n", fp);
	for (size_t i = 0; i < r->n_pairs; i++) {
		print_json_pair(r, &r->pairs[i], fp);
		fputs(i + 1 < r->n_pairs ? ",\n" : "\n", fp);
	}
	fputs("  ],\n  \"unusable_traces\": [", fp);
	print_json_orphans(r, fp);
	fputs("]\n}\n", fp);
}

LTTSYNC_API lttsync_status lttsync_session_write_report(lttsync_session *session,
						       FILE *fp)
{
	struct report r;
	lttsync_status st;

	lsync_clear_error(session);
	LSYNC_INVALID_IF(session, !session || !fp);
	st = report_build(&r, session);
	if (st) {
		report_free(&r);
		return lsync_error(session, st, "write_report: %s",
				   lttsync_status_string(st));
	}
	print_json(&r, fp);
	report_free(&r);
	if (ferror(fp))
		return lsync_error(session, LTTSYNC_ERROR_IO,
				   "write_report: the stream reported a write error");
	return LTTSYNC_OK;
}
