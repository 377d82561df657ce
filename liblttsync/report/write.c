/* SPDX-License-Identifier: MIT */
/*
 * Writing the JSON report of a session (doc/output.md): its snapshot
 * (snapshot.h) printed as it goes (no tree of the document: a report of
 * many hosts costs the memory of its snapshot only).
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
#include "snapshot.h"

#define name_of lsync_snapshot_host_name

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

static void print_json_trace_stats(const struct lsync_trace *t, FILE *fp)
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
static void print_json_host_traces(const struct lsync_snapshot *r,
				   const struct lsync_host *h, FILE *fp)
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

static void print_json_segments(const struct lsync_segment *g, size_t n,
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

static void print_json_host(const struct lsync_snapshot *r,
			    const struct lsync_host *h, FILE *fp)
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

static void print_json_pair(const struct lsync_snapshot *r,
			    const struct lsync_pair *p, FILE *fp)
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
static void print_json_orphans(const struct lsync_snapshot *r, FILE *fp)
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

static void print_json(const struct lsync_snapshot *r, FILE *fp)
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
	struct lsync_snapshot r;
	lttsync_status st;

	lsync_clear_error(session);
	LSYNC_INVALID_IF(session, !session || !fp);
	st = lsync_snapshot_build(&r, session);
	if (st) {
		lsync_snapshot_free(&r);
		return lsync_error(session, st, "write_report: %s",
				   lttsync_status_string(st));
	}
	print_json(&r, fp);
	lsync_snapshot_free(&r);
	if (ferror(fp))
		return lsync_error(session, LTTSYNC_ERROR_IO,
				   "write_report: the stream reported a write error");
	return LTTSYNC_OK;
}
