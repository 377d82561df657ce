/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "safe_text.h"

/* ---- building ---------------------------------------------------------- */

static lttsync_status format_transform(struct report_host *h,
				       const lttsync_transform *tf)
{
	lttsync_status st;

	if ((st = lttsync_transform_format(h->slope, REPORT_NUM, tf,
					   LTTSYNC_FIELD_SLOPE)) ||
	    (st = lttsync_transform_format(h->offset, REPORT_NUM, tf,
					   LTTSYNC_FIELD_OFFSET)) ||
	    (st = lttsync_transform_format(h->pivot, REPORT_NUM, tf,
					   LTTSYNC_FIELD_PIVOT)))
		return st;
	return lttsync_transform_format(h->pivot_ref, REPORT_NUM, tf,
					LTTSYNC_FIELD_PIVOT_REF);
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

/* Host, parent, ... reference: counted first, so memory is the path's. */
static lttsync_status build_path(struct report_host *h, lttsync_session *s)
{
	size_t n = lttsync_session_get_host_count(s), len = 1;
	lttsync_host_id u, next;

	for (u = h->id; len <= n && !lttsync_session_get_host_parent(&next, s, u) &&
			next != u; u = next)
		len++;
	h->path = calloc(len, sizeof(*h->path));
	if (!h->path)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (u = h->id, h->path_len = 0; h->path_len < len; u = next) {
		h->path[h->path_len++] = u;
		if (lttsync_session_get_host_parent(&next, s, u) || next == u)
			break;
	}
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

static lttsync_status build_host(struct report_host *h, lttsync_session *s,
				 lttsync_host_id id)
{
	lttsync_transform *tf = NULL;
	lttsync_status st;

	h->id = id;
	h->name = lttsync_session_get_host_name(s, id);
	if ((st = lttsync_session_get_host_quality(&h->quality, s, id)))
		return st;
	if (lttsync_session_get_host_transform(&tf, s, id) == LTTSYNC_OK) {
		h->has_transform = true;
		st = format_transform(h, tf);
		if (!st)
			st = build_segments(&h->segments, &h->n_segments, tf);
		measure_width(h, s, tf);
		lttsync_transform_destroy(tf);
		if (st)
			return st;
		return build_path(h, s);
	}
	return LTTSYNC_OK;
}

/* Hops to the reference; disconnected hosts are "infinitely" far. */
static size_t depth_of(lttsync_session *s, lttsync_host_id h)
{
	size_t n = lttsync_session_get_host_count(s), d = 0;
	lttsync_host_id next;

	while (d <= n && lttsync_session_get_host_parent(&next, s, h) == 0 &&
	       next != h) {
		h = next;
		d++;
	}
	return lttsync_session_get_host_parent(&next, s, h) ? SIZE_MAX : d;
}

/* host[1] is the host nearer the reference (doc/algorithm.md's R). */
static void orient_pair(struct report_pair *p, lttsync_session *s,
			lttsync_host_id a, lttsync_host_id b)
{
	size_t da = depth_of(s, a), db = depth_of(s, b);
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

static lttsync_status build_pair(struct report_pair *p, lttsync_session *s,
				 size_t index)
{
	lttsync_host_id a, b;
	lttsync_status st;

	if ((st = lttsync_session_get_pair(&a, &b, s, index)))
		return st;
	orient_pair(p, s, a, b);
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

lttsync_status report_build(struct report *r, lttsync_session *s)
{
	lttsync_status st = LTTSYNC_OK;

	memset(r, 0, sizeof(*r));
	r->session = s;
	r->n_hosts = lttsync_session_get_host_count(s);
	r->n_pairs = lttsync_session_get_pair_count(s);
	r->hosts = calloc(r->n_hosts + 1, sizeof(*r->hosts));
	r->pairs = calloc(r->n_pairs + 1, sizeof(*r->pairs));
	r->n_traces = lttsync_session_get_trace_count(s);
	r->traces = calloc(r->n_traces + 1, sizeof(*r->traces));
	if (!r->hosts || !r->pairs || !r->traces)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (size_t i = 0; i < r->n_traces; i++)
		build_trace(&r->traces[i], s, (lttsync_trace_id)i);
	r->has_reference = lttsync_session_get_reference(&r->reference, s) == 0;
	for (size_t i = 0; !st && i < r->n_hosts; i++)
		st = build_host(&r->hosts[i], s, (lttsync_host_id)i);
	for (size_t i = 0; !st && i < r->n_pairs; i++)
		st = build_pair(&r->pairs[i], s, i);
	if (st)
		return st;
	qsort(r->hosts, r->n_hosts, sizeof(*r->hosts), cmp_hosts);
	sort_session = s;
	qsort(r->pairs, r->n_pairs, sizeof(*r->pairs), cmp_pairs);
	return LTTSYNC_OK;
}

void report_free(struct report *r)
{
	for (size_t i = 0; r->hosts && i < r->n_hosts; i++) {
		free(r->hosts[i].path);
		free(r->hosts[i].segments);
	}
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

static void print_path(const struct report *r, const struct report_host *h,
		       FILE *fp)
{
	if (!h->path_len) {
		fputs("-", fp);
		return;
	}
	for (size_t i = 0; i < h->path_len; i++)
		fprintf(fp, "%s%s", i ? " > " : "", name_of(r, h->path[i]));
}

/* Column widths of the host tables: the widest value or heading. */
struct text_widths {
	int name, slope, offset, pivot;
};

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static struct text_widths measure_text(const struct report *r)
{
	struct text_widths w = { 4, 5, 11, 10 };

	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct report_host *h = &r->hosts[i];

		w.name = max_int(w.name, strlen(h->name));
		w.slope = max_int(w.slope, strnlen(h->slope, 24));
		w.offset = max_int(w.offset, strlen(h->offset));
		w.pivot = max_int(w.pivot, strlen(h->pivot));
	}
	return w;
}

static void print_text_host(const struct report *r,
			    const struct report_host *h,
			    const struct text_widths *w, FILE *fp)
{
	char width[32] = "-";

	if (h->has_width)
		snprintf(width, sizeof(width), "%" PRIu64, h->width_ns);
	/* People read 24 characters of the slope; JSON has every digit. */
	fprintf(fp, "%-*s  %-12s  %-*.24s  %-*s  %-10s  ", w->name, h->name,
		lttsync_quality_string(h->quality), w->slope,
		h->has_transform ? h->slope : "-", w->offset,
		h->has_transform ? h->offset : "-", width);
	print_path(r, h, fp);
	fputc('\n', fp);
}

static void print_text_hosts(const struct report *r, FILE *fp)
{
	struct text_widths w = measure_text(r);

	fprintf(fp, "%-*s  %-12s  %-*s  %-*s  %-10s  %s\n", w.name, "host",
		"quality", w.slope, "slope", w.offset, "offset (ns)",
		"width (ns)", "path");
	for (size_t i = 0; i < r->n_hosts; i++)
		print_text_host(r, &r->hosts[i], &w, fp);
	fprintf(fp, "\nt_ref = slope * t + offset; width: bounds on t_ref at "
		    "the host's pivot. Pivot form:\n"
		    "t_ref = pivot_ref + slope * (t - pivot)\n\n");
	fprintf(fp, "%-*s  %-*s  %s\n", w.name, "host", w.pivot, "pivot (ns)",
		"pivot_ref (ns)");
	for (size_t i = 0; i < r->n_hosts; i++)
		if (r->hosts[i].has_transform)
			fprintf(fp, "%-*s  %-*s  %s\n", w.name, r->hosts[i].name,
				w.pivot, r->hosts[i].pivot, r->hosts[i].pivot_ref);
	fputc('\n', fp);
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

/* ---- JSON ------------------------------------------------------------- */

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

static void print_json_trace_stats(const struct report_trace *t, FILE *fp)
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
				   const struct report_host *h, FILE *fp)
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

static void print_json_segments(const struct report_segment *g, size_t n,
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
			    const struct report_host *h, FILE *fp)
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
	fputs(", \"path\": [", fp);
	for (size_t i = 0; i < h->path_len; i++) {
		fputs(i ? ", " : "", fp);
		json_string(name_of(r, h->path[i]), fp);
	}
	fputs("]", fp);
	print_json_host_traces(r, h, fp);
	fputs("}", fp);
}

static void print_json_pair(const struct report *r,
			    const struct report_pair *p, FILE *fp)
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

void report_print_json(const struct report *r, FILE *fp)
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
