/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "safe_text.h"

/* ---- building ---------------------------------------------------------- */

/*
 * What people read of a transform: the offset f(pivot) - pivot, the
 * drift (slope - 1) in ppm and the pivot; JSON keeps every digit.
 */
static void read_transform(struct report_host *h, const lttsync_transform *tf)
{
	int64_t at;

	h->pivot = lttsync_transform_get_pivot(tf);
	h->drift_ppm = (lttsync_transform_get_slope(tf) - 1.0) * 1e6;
	/* In integers, exact to the ns; an absurd transform whose offset
	 * does not fit shows none ("-") rather than losing the report. */
	h->has_offset = lttsync_transform_apply(&at, tf, h->pivot) == LTTSYNC_OK &&
			!__builtin_sub_overflow(at, h->pivot, &h->offset_ns);
}

/* Every segment of tf, formatted. */
static lttsync_status build_segments(struct report_segment **out, size_t *n,
				     const lttsync_transform *tf)
{
	size_t count = lttsync_transform_get_segment_count(tf);
	lttsync_status st = LTTSYNC_OK;

	*out = calloc(count ? count : 1, sizeof(**out));
	if (!*out)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (*n = 0; !st && *n < count; ++*n) {
		struct report_segment *g = &(*out)[*n];
		lttsync_transform *line;

		if ((st = lttsync_transform_get_segment(&line, &g->from, &g->width_ns,
							tf, *n)))
			break;
		g->has_from = *n > 0;
		if (!(st = lttsync_transform_format(g->slope, REPORT_NUM, line,
						    LTTSYNC_FIELD_SLOPE)))
			st = lttsync_transform_format(g->offset, REPORT_NUM, line,
						      LTTSYNC_FIELD_OFFSET);
		lttsync_transform_destroy(line);
	}
	return st;
}

/* Hops from every host to the reference (SIZE_MAX: disconnected), each
 * parent link followed once: linear in the hosts even for a long chain. */
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
		r->hops[i] = SIZE_MAX - 1;
	for (size_t i = 0; i < n; i++) {
		lttsync_host_id u = (lttsync_host_id)i, next;
		size_t len = 0, d;

		while (r->hops[u] == SIZE_MAX - 1) {
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

static void measure_width(struct report_host *h, lttsync_session *s,
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

static lttsync_status build_host(struct report_host *h, struct report *r,
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
	/* A host has a transform iff it has a path to the reference: the
	 * exit status needs no transform composed. */
	if (!r->text) {
		h->has_transform = h->hops != SIZE_MAX;
		return LTTSYNC_OK;
	}
	if (lttsync_session_get_host_transform(&tf, s, id))
		return LTTSYNC_OK;
	h->has_transform = true;
	read_transform(h, tf);
	st = build_segments(&h->segments, &h->n_segments, tf);
	measure_width(h, s, tf);
	lttsync_transform_destroy(tf);
	return st;
}

/* host[1] is the host nearer the reference (doc/algorithm.md's R). */
static void orient_pair(struct report_pair *p, const struct report *r,
			lttsync_host_id a, lttsync_host_id b)
{
	lttsync_session *s = r->session;
	size_t da = r->hops[a], db = r->hops[b];
	bool a_nearer = da < db ||
			(da == db && strcmp(lttsync_session_get_host_name(s, a),
					    lttsync_session_get_host_name(s, b)) < 0);

	p->host[1] = a_nearer ? a : b;
	p->host[0] = a_nearer ? b : a;
}

static lttsync_status pair_estimate(struct report_pair *p, lttsync_session *s)
{
	lttsync_transform *tf;
	lttsync_status st;
	int64_t lo, hi;

	if (lttsync_session_get_pair_estimate(&tf, s, p->host[1], p->host[0]))
		return LTTSYNC_OK;
	st = build_segments(&p->segments, &p->n_segments, tf);
	p->has_estimate =
		!lttsync_transform_format(p->slope, REPORT_NUM, tf,
					  LTTSYNC_FIELD_SLOPE) &&
		!lttsync_transform_format(p->offset, REPORT_NUM, tf,
					  LTTSYNC_FIELD_OFFSET);
	if (!lttsync_session_get_pair_bounds_at(&lo, &hi, s, p->host[1],
						p->host[0],
						lttsync_transform_get_pivot(tf)) &&
	    lo != INT64_MIN && hi != INT64_MAX) {
		p->has_width = true;
		p->width_ns = (uint64_t)hi - (uint64_t)lo;
	}
	lttsync_transform_destroy(tf);
	return st;
}

static lttsync_status build_pair(struct report_pair *p, const struct report *r,
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

static void build_trace(struct report_trace *t, lttsync_session *s,
			lttsync_trace_id id)
{
	t->id = id;
	t->path = lttsync_session_get_trace_name(s, id);
	t->has_host = lttsync_session_get_trace_host(&t->host, s, id) == 0;
	t->status = lttsync_session_get_trace_status(s, id);
	t->message = lttsync_session_get_trace_message(s, id);
	for (int k = 0; k < 8; k++)
		lttsync_session_get_trace_stat(&t->stat[k], s, id,
					       (lttsync_trace_stat)k);
}

static int cmp_hosts(const void *x, const void *y)
{
	return strcmp(((const struct report_host *)x)->name,
		      ((const struct report_host *)y)->name);
}

static lttsync_session *sort_session;

static int cmp_pairs(const void *x, const void *y)
{
	const struct report_pair *p = x, *q = y;
	int c = strcmp(lttsync_session_get_host_name(sort_session, p->host[0]),
		       lttsync_session_get_host_name(sort_session, q->host[0]));

	if (c)
		return c;
	return strcmp(lttsync_session_get_host_name(sort_session, p->host[1]),
		      lttsync_session_get_host_name(sort_session, q->host[1]));
}

lttsync_status report_build(struct report *r, lttsync_session *s, bool text)
{
	lttsync_status st;

	memset(r, 0, sizeof(*r));
	r->session = s;
	r->text = text;
	r->n_hosts = lttsync_session_get_host_count(s);
	r->n_pairs = lttsync_session_get_pair_count(s);
	r->hosts = calloc(r->n_hosts + 1, sizeof(*r->hosts));
	r->pairs = calloc(r->n_pairs + 1, sizeof(*r->pairs));
	r->n_traces = lttsync_session_get_trace_count(s);
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
	for (size_t i = 0; !st && r->text && i < r->n_pairs; i++)
		st = build_pair(&r->pairs[i], r, i);
	if (st)
		return st;
	qsort(r->hosts, r->n_hosts, sizeof(*r->hosts), cmp_hosts);
	sort_session = s;
	qsort(r->pairs, r->n_pairs, sizeof(*r->pairs), cmp_pairs);
	return LTTSYNC_OK;
}

void report_free(struct report *r)
{
	for (size_t i = 0; r->hosts && i < r->n_hosts; i++)
		free(r->hosts[i].segments);
	free(r->hops);
	for (size_t i = 0; r->pairs && i < r->n_pairs; i++)
		free(r->pairs[i].segments);
	free(r->hosts);
	free(r->pairs);
	free(r->traces);
	memset(r, 0, sizeof(*r));
}

bool report_all_synchronized(const struct report *r)
{
	if (r->n_hosts == 0)
		return false;
	for (size_t i = 0; i < r->n_hosts; i++) {
		lttsync_quality q = r->hosts[i].quality;

		if (!r->hosts[i].has_transform ||
		    (q != LTTSYNC_QUALITY_REFERENCE &&
		     q != LTTSYNC_QUALITY_ACCURATE &&
		     q != LTTSYNC_QUALITY_APPROXIMATE))
			return false;
	}
	return true;
}

/* ---- text ------------------------------------------------------------- */

static const char *name_of(const struct report *r, lttsync_host_id h)
{
	return lttsync_session_get_host_name(r->session, h);
}

/* The host's offset f(pivot) - pivot in a unit that suits it, and which
 * way it goes: a host whose clock reads less is behind the reference. */
static void format_offset(char *buf, size_t size, int64_t ns, const char *ref)
{
	double a = fabs((double)ns);
	int n;

	if (a < 1e3)
		n = snprintf(buf, size, "%.0f ns", a);
	else if (a < 1e6)
		n = snprintf(buf, size, "%.3f us", a / 1e3);
	else if (a < 1e9)
		n = snprintf(buf, size, "%.3f ms", a / 1e6);
	else
		n = snprintf(buf, size, "%.6f s", a / 1e9);
	if (ns && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s %s",
			 ns > 0 ? "behind" : "ahead of", ref);
}

/* A time in ns since the epoch as a UTC date, to the second. */
static void format_date(char *buf, size_t size, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0));
	struct tm tm;

	if (!gmtime_r(&secs, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%" PRId64 " ns", ns);
}

/* The texts of a host's row. */
struct host_row {
	char offset[320], drift[32], pivot[48], width[32], hops[24];
	const char *parent;
};

static void host_row(struct host_row *row, const struct report *r,
		     const struct report_host *h)
{
	const char *ref = r->has_reference ? name_of(r, r->reference) : "?";

	strcpy(row->offset, "-");
	strcpy(row->drift, "-");
	strcpy(row->pivot, "-");
	strcpy(row->width, "-");
	strcpy(row->hops, "-");
	row->parent = h->has_parent ? name_of(r, h->parent) : "-";
	if (h->hops != SIZE_MAX)
		snprintf(row->hops, sizeof(row->hops), "%zu", h->hops);
	if (h->has_width)
		snprintf(row->width, sizeof(row->width), "%" PRIu64, h->width_ns);
	if (!h->has_transform)
		return;
	if (h->has_offset)
		format_offset(row->offset, sizeof(row->offset), h->offset_ns, ref);
	snprintf(row->drift, sizeof(row->drift), "%+.3f ppm", h->drift_ppm);
	format_date(row->pivot, sizeof(row->pivot), h->pivot);
}

/* Column widths of the host table: the widest value or heading. */
struct text_widths {
	int name, offset, drift, pivot, parent;
};

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static struct text_widths measure_text(const struct report *r)
{
	struct text_widths w = { 4, 15, 5, 11, 6 };

	for (size_t i = 0; i < r->n_hosts; i++) {
		struct host_row row;

		host_row(&row, r, &r->hosts[i]);
		w.name = max_int(w.name, strlen(r->hosts[i].name));
		w.offset = max_int(w.offset, strlen(row.offset));
		w.drift = max_int(w.drift, strlen(row.drift));
		w.pivot = max_int(w.pivot, strlen(row.pivot));
		w.parent = max_int(w.parent, strlen(row.parent));
	}
	return w;
}

static void print_text_hosts(const struct report *r, FILE *fp)
{
	struct text_widths w = measure_text(r);

	fprintf(fp, "%-*s  %-12s  %-*s  %*s  %-*s  %-10s  %-*s  %s\n", w.name,
		"host", "quality", w.offset, "offset at pivot", w.drift, "drift",
		w.pivot, "pivot (UTC)", "width (ns)", w.parent, "parent", "hops");
	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct report_host *h = &r->hosts[i];
		struct host_row row;

		host_row(&row, r, h);
		fprintf(fp, "%-*s  %-12s  %-*s  %*s  %-*s  %-10s  %-*s  %s\n",
			w.name, h->name, lttsync_quality_string(h->quality),
			w.offset, row.offset, w.drift, row.drift, w.pivot,
			row.pivot, row.width, w.parent, row.parent, row.hops);
	}
	fprintf(fp, "\noffset: t_ref - t at the host's pivot (the middle of its "
		    "data), t_ref being t on the reference clock;\n"
		    "drift: (slope - 1) * 1e6; width: of the bounds on t_ref at "
		    "the pivot; parent: next host towards the reference.\n"
		    "Every digit: --format json.\n\n");
}

static void print_text_pair(const struct report *r,
			    const struct report_pair *p, FILE *fp)
{
	char bounds[80] = "-";

	if (p->has_bounds)
		snprintf(bounds, sizeof(bounds), "[%.12g, %.12g]",
			 p->slope_min, p->slope_max);
	fprintf(fp, "%-16s %-16s %8" PRIu64 " %8" PRIu64 "  %-12s %s",
		name_of(r, p->host[0]), name_of(r, p->host[1]), p->messages[0],
		p->messages[1], lttsync_quality_string(p->quality), bounds);
	if (p->n_segments > 1)
		fprintf(fp, "  %zu segments", p->n_segments);
	if (p->contradicting)
		fprintf(fp, "  violation %.1f ns, %" PRIu64 " contradicting",
			p->violation_ns, p->contradicting);
	fputc('\n', fp);
}

static void print_text_traces(const struct report *r, FILE *fp)
{
	if (!r->n_traces)
		return;
	fprintf(fp, "%-16s %12s %12s %10s  %s\n", "trace of host", "events",
		"network", "tcp used", "path");
	for (size_t i = 0; i < r->n_traces; i++) {
		const struct report_trace *t = &r->traces[i];

		/* A failed trace's message names its path already. */
		bool named = t->status && !strncmp(t->message, t->path, strlen(t->path));

		fprintf(fp, "%-16s %12" PRIu64 " %12" PRIu64 " %10" PRIu64 "  %s%s%s\n",
			t->has_host ? name_of(r, t->host) : "-",
			t->stat[LTTSYNC_TRACE_STAT_EVENTS],
			t->stat[LTTSYNC_TRACE_STAT_NETWORK_EVENTS],
			t->stat[LTTSYNC_TRACE_STAT_PACKETS],
			named ? "" : cli_safe(t->path),
			t->status && !named ? ": " : "",
			t->status ? cli_safe(t->message) : "");
	}
	fputc('\n', fp);
}

static void print_text_segment_table(const struct report_segment *g, size_t n,
				     FILE *fp)
{
	for (size_t k = 0; k < n; k++) {
		char from[32] = "-", width[32] = "-";

		if (g[k].has_from)
			snprintf(from, sizeof(from), "%" PRId64, g[k].from);
		if (isfinite(g[k].width_ns))
			snprintf(width, sizeof(width), "%.0f", g[k].width_ns);
		fprintf(fp, "  %-20s  %-24.24s  %-32s  %s\n", from, g[k].slope,
			g[k].offset, width);
	}
}

/*
 * Hosts whose transform has several segments (a clock whose rate
 * changed): their count, and with --verbose every segment.
 */
static void print_text_segments(const struct report *r, FILE *fp)
{
	bool any = false;

	for (size_t i = 0; i < r->n_hosts; i++)
		any |= r->hosts[i].n_segments > 1;
	if (!any && !r->verbose)
		return;
	fprintf(fp, "segments (the slope and offset above are those of the "
		    "segment at the pivot):\n");
	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct report_host *h = &r->hosts[i];

		if (!h->has_transform)
			continue;
		fprintf(fp, "%s: %zu segment%s\n", h->name, h->n_segments,
			h->n_segments == 1 ? "" : "s");
		if (r->verbose) {
			fprintf(fp, "  %-20s  %-24s  %-32s  %s\n", "from (ns)",
				"slope", "offset (ns)", "width (ns)");
			print_text_segment_table(h->segments, h->n_segments, fp);
		}
	}
	fputc('\n', fp);
}

void report_print_text(const struct report *r, FILE *fp)
{
	fprintf(fp, "reference: %s\n\n",
		r->has_reference ? name_of(r, r->reference) : "(none)");
	print_text_hosts(r, fp);
	print_text_segments(r, fp);
	print_text_traces(r, fp);
	fprintf(fp, "%-16s %-16s %8s %8s  %-12s %s\n", "host A", "host B",
		"A->B", "B->A", "quality", "slope bounds (t_A = a * t_B + b)");
	for (size_t i = 0; i < r->n_pairs; i++)
		print_text_pair(r, &r->pairs[i], fp);
}
