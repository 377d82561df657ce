/* SPDX-License-Identifier: MIT */
/*
 * Writing the text report of a session, the one `lttsync` prints
 * (doc/output.md): its snapshot (snapshot.h) laid out in tables for
 * people; every digit is in the JSON report (write.c).
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "snapshot.h"

#define name_of lsync_snapshot_host_name


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

static void host_row(struct host_row *row, const struct lsync_snapshot *r,
		     const struct lsync_host *h)
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
	if (h->has_offset_ns)
		format_offset(row->offset, sizeof(row->offset), h->offset_ns, ref);
	snprintf(row->drift, sizeof(row->drift), "%+.3f ppm", h->drift_ppm);
	format_date(row->pivot, sizeof(row->pivot), h->pivot_ns);
}

/* Column widths of the host table: the widest value or heading. */
struct text_widths {
	int name, offset, drift, pivot, parent;
};

static int max_int(int a, size_t b)
{
	return (size_t)a > b ? a : (int)b;
}

static struct text_widths measure_text(const struct lsync_snapshot *r)
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

static void print_text_hosts(const struct lsync_snapshot *r, FILE *fp)
{
	struct text_widths w = measure_text(r);

	fprintf(fp, "%-*s  %-12s  %-*s  %*s  %-*s  %-10s  %-*s  %s\n", w.name,
		"host", "quality", w.offset, "offset at pivot", w.drift, "drift",
		w.pivot, "pivot (UTC)", "width (ns)", w.parent, "parent", "hops");
	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct lsync_host *h = &r->hosts[i];
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

static void print_text_pair(const struct lsync_snapshot *r,
			    const struct lsync_pair *p, FILE *fp)
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

/*
 * Text from the input (paths, babeltrace2's messages) made safe for a
 * terminal: control characters and DEL become \xNN, so that a crafted
 * path can neither move the cursor nor set the terminal's title. Host
 * names need no escaping: the library refuses control characters in them.
 */
static void put_safe(const char *s, FILE *fp)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
}

static void print_text_traces(const struct lsync_snapshot *r, FILE *fp)
{
	if (!r->n_traces)
		return;
	fprintf(fp, "%-16s %12s %12s %10s  %s\n", "trace of host", "events",
		"network", "tcp used", "path");
	for (size_t i = 0; i < r->n_traces; i++) {
		const struct lsync_trace *t = &r->traces[i];

		/* A failed trace's message names its path already. */
		bool named = t->status && !strncmp(t->message, t->path, strlen(t->path));

		fprintf(fp, "%-16s %12" PRIu64 " %12" PRIu64 " %10" PRIu64 "  ",
			t->has_host ? name_of(r, t->host) : "-",
			t->stat[LTTSYNC_TRACE_STAT_EVENTS],
			t->stat[LTTSYNC_TRACE_STAT_NETWORK_EVENTS],
			t->stat[LTTSYNC_TRACE_STAT_PACKETS]);
		if (!named)
			put_safe(t->path, fp);
		if (t->status && !named)
			fputs(": ", fp);
		if (t->status)
			put_safe(t->message, fp);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void print_text_segment_table(const struct lsync_segment *g, size_t n,
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
 * changed): their count, and if verbose every segment.
 */
static void print_text_segments(const struct lsync_snapshot *r, bool verbose,
				FILE *fp)
{
	bool any = false;

	for (size_t i = 0; i < r->n_hosts; i++)
		any |= r->hosts[i].n_segments > 1;
	if (!any && !verbose)
		return;
	fprintf(fp, "segments (the slope and offset above are those of the "
		    "segment at the pivot):\n");
	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct lsync_host *h = &r->hosts[i];

		if (!h->has_transform)
			continue;
		fprintf(fp, "%s: %zu segment%s\n", h->name, h->n_segments,
			h->n_segments == 1 ? "" : "s");
		if (verbose) {
			fprintf(fp, "  %-20s  %-24s  %-32s  %s\n", "from (ns)",
				"slope", "offset (ns)", "width (ns)");
			print_text_segment_table(h->segments, h->n_segments, fp);
		}
	}
	fputc('\n', fp);
}

static void print_text(const struct lsync_snapshot *r, bool verbose, FILE *fp)
{
	fprintf(fp, "reference: %s\n\n",
		r->has_reference ? name_of(r, r->reference) : "(none)");
	print_text_hosts(r, fp);
	print_text_segments(r, verbose, fp);
	print_text_traces(r, fp);
	fprintf(fp, "%-16s %-16s %8s %8s  %-12s %s\n", "host A", "host B",
		"A->B", "B->A", "quality", "slope bounds (t_A = a * t_B + b)");
	for (size_t i = 0; i < r->n_pairs; i++)
		print_text_pair(r, &r->pairs[i], fp);
}

LTTSYNC_API lttsync_status lttsync_session_write_text_report(lttsync_session *session,
							    FILE *fp,
							    unsigned int flags)
{
	struct lsync_snapshot r;
	lttsync_status st;

	lsync_clear_error(session);
	LSYNC_INVALID_IF(session, !session || !fp ||
				  (flags & ~LTTSYNC_TEXT_REPORT_SEGMENTS));
	st = lsync_snapshot_build(&r, session);
	if (st) {
		lsync_snapshot_free(&r);
		return lsync_error(session, st, "write_text_report: %s",
				   lttsync_status_string(st));
	}
	print_text(&r, flags & LTTSYNC_TEXT_REPORT_SEGMENTS, fp);
	lsync_snapshot_free(&r);
	if (ferror(fp))
		return lsync_error(session, LTTSYNC_ERROR_IO,
				   "write_text_report: the stream reported a write error");
	return LTTSYNC_OK;
}
