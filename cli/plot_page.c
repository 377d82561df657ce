/* SPDX-License-Identifier: MIT */
/*
 * The page of `lttsync --plot`: a summary (reference, hosts and their
 * paths, pairs), then one collapsible figure per pair and per host. One
 * file, no script, nothing fetched: it opens from a file:// URL on a
 * machine without network.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "hops.h"
#include "options.h"
#include "plot.h"
#include "plot_svg.h"
#include "safe_text.h"

/* Up to this many figures of a kind are open when the page loads. */
#define OPEN_FIGURES 8

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;max-width:60em}\n"
	"table{border-collapse:collapse;margin:.5em 0 1em}\n"
	"th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"details{margin:.4em 0;border:1px solid #ddd;padding:.3em .6em}\n"
	"summary{cursor:pointer;font-weight:bold}\n"
	".q-fail,.q-disconnected{color:#b00000;font-weight:bold}\n"
	".q-accurate,.q-reference{color:#006000}\n"
	".q-approximate,.q-incomplete{color:#8a5a00}\n"
	"p.note{color:#555;font-size:90%}\n"
	"svg{display:block;max-width:100%;height:auto}\n";

static const char *host_name(const struct plot_data *d, lttsync_host_id h)
{
	return lttsync_session_get_host_name(d->session, h);
}

static void quality_cell(FILE *fp, lttsync_quality q)
{
	fprintf(fp, "<td class=\"q-%s\">%s</td>", lttsync_quality_string(q),
		lttsync_quality_string(q));
}

static void ppm_text(char *buf, size_t size, double slope)
{
	if (!isfinite(slope))
		snprintf(buf, size, "%s", slope > 0 ? "+inf" : "-inf");
	else
		snprintf(buf, size, "%+.3f", (slope - 1) * 1e6);
}

/* The parent and its number of hops to the reference. */
static void path_cell(FILE *fp, const struct plot_data *d, const size_t *hops,
		      lttsync_host_id h)
{
	lttsync_host_id up;

	fputs("<td>", fp);
	if (hops && h < d->n_hosts && hops[h] != SIZE_MAX && hops[h] > 0 &&
	    !lttsync_session_get_host_parent(&up, d->session, h)) {
		plot_esc(fp, host_name(d, up));
		fprintf(fp, " (%zu hop%s)", hops[h], hops[h] == 1 ? "" : "s");
	} else {
		fputs("\xe2\x80\x94", fp);
	}
	fputs("</td>", fp);
}

static void host_row(FILE *fp, const struct plot_data *d, const size_t *hops,
		     const struct plot_host *h)
{
	char ppm[32] = "", off[64] = "", width[64] = "";

	if (h->tf) {
		ppm_text(ppm, sizeof(ppm), lttsync_transform_get_slope(h->tf));
		plot_fmt_ns(off, sizeof(off), h->offset_mid, h->offset_mid);
	}
	if (h->tf && h->has_span) {
		int64_t lo, hi, mid = h->t0 + (h->t1 - h->t0) / 2;

		if (lttsync_session_get_host_bounds_at(&lo, &hi, d->session, h->id, mid) == 0 &&
		    lo != INT64_MIN && hi != INT64_MAX)
			plot_fmt_ns(width, sizeof(width), (double)((__int128)hi - lo),
				    (double)((__int128)hi - lo));
	}
	fputs("<tr><td>", fp);
	plot_esc(fp, host_name(d, h->id));
	fputs("</td>", fp);
	quality_cell(fp, h->quality);
	fprintf(fp, "<td class=\"num\">%zu</td><td class=\"num\">%s</td>"
		"<td class=\"num\">%s</td><td class=\"num\">%s</td>",
		h->n_seg, ppm, off, width);
	path_cell(fp, d, hops, h->id);
	fputs("</tr>\n", fp);
}

static void summary(FILE *fp, const struct plot_data *d)
{
	uint64_t messages = 0;
	size_t *hops = lsync_hop_counts(d->session, d->n_hosts);

	lttsync_session_get_counter(&messages, d->session, LTTSYNC_COUNTER_MESSAGES);
	fputs("<section id=\"summary\"><h2>Summary</h2>\n<p>Reference: <b>", fp);
	plot_esc(fp, d->has_reference ? host_name(d, d->reference) : "none");
	fprintf(fp, "</b>. %zu hosts, %zu pairs, %llu messages.", d->n_hosts,
		d->n_pairs, (unsigned long long)messages);
	if (d->over_limit)
		fprintf(fp, " The memory limit left %llu messages out of the "
			"figures (or of the hulls).", (unsigned long long)d->over_limit);
	fputs("</p>\n<table class=\"hosts\"><tr><th>host</th><th>quality</th>"
	      "<th>segments</th><th>drift (ppm)</th><th>offset at mid-span</th>"
	      "<th>bounds width at mid-span</th><th>parent (hops to the reference)</th></tr>\n", fp);
	for (size_t i = 0; i < d->n_hosts; i++)
		host_row(fp, d, hops, &d->hosts[i]);
	free(hops);
	fputs("</table>\n<p class=\"note\">Drift: (slope of the main segment "
	      "\xe2\x88\x92 1) \xc3\x97 10<sup>6</sup>. Offset: the correction "
	      "(reference time \xe2\x88\x92 host time) in the middle of the host's "
	      "data.</p>\n</section>\n", fp);
}

static void pair_row(FILE *fp, const struct plot_data *d,
		     const struct plot_pair *p)
{
	char lo[32] = "", hi[32] = "", viol[64] = "";

	if (p->has_slopes) {
		ppm_text(lo, sizeof(lo), p->slope_min);
		ppm_text(hi, sizeof(hi), p->slope_max);
	}
	if (p->quality == LTTSYNC_QUALITY_FAIL)
		plot_fmt_ns(viol, sizeof(viol), p->violation_ns, p->violation_ns);
	fprintf(fp, "<tr><td><a href=\"#pair-%zu-details\">", p->index);
	plot_esc(fp, host_name(d, p->a));
	fputs(" \xe2\x80\x93 ", fp);
	plot_esc(fp, host_name(d, p->b));
	fputs("</a></td>", fp);
	quality_cell(fp, p->quality);
	fprintf(fp, "<td class=\"num\">%llu</td><td class=\"num\">%llu</td>"
		"<td class=\"num\">%zu + %zu</td><td class=\"num\">%s</td>"
		"<td class=\"num\">%s</td><td class=\"num\">%s</td>"
		"<td class=\"num\">%llu</td></tr>\n",
		(unsigned long long)p->dir[0].fed, (unsigned long long)p->dir[1].fed,
		p->dir[0].n_hull, p->dir[1].n_hull, lo, hi, viol,
		(unsigned long long)(p->dir[0].contra + p->dir[1].contra));
}

static void pair_caption(FILE *fp, const struct plot_data *d,
			 const struct plot_pair *p)
{
	uint64_t total = p->dir[0].total + p->dir[1].total;
	size_t drawn = p->dir[0].n_drawn + p->dir[1].n_drawn;

	fprintf(fp, "<p class=\"counts\">%zu of %llu kept messages drawn", drawn,
		(unsigned long long)total);
	if (drawn < total)
		fprintf(fp, " (in each direction the highest and lowest of "
			"every column and every k-th of the rest, up to about "
			"%zu, contradicting messages apart)", p->drawn_budget);
	fprintf(fp, "; all %zu + %zu hull vertices (circles); %llu messages "
		"contradict the estimate", p->dir[0].n_hull, p->dir[1].n_hull,
		(unsigned long long)(p->dir[0].contra + p->dir[1].contra));
	if (p->n_seg_from)
		fprintf(fp, "; %zu segments (dashed verticals)", p->n_seg_from + 1);
	if (!p->dir[0].hull_known && !p->dir[1].hull_known)
		fputs("; the library gave no hull for this pair", fp);
	fputs(".</p>\n", fp);
	(void)d;
}

static void pairs(FILE *fp, const struct plot_data *d)
{
	fputs("<section id=\"pairs\"><h2>Pairs</h2>\n<table class=\"pairs\"><tr>"
	      "<th>pair (first \xe2\x80\x93 second)</th><th>quality</th>"
	      "<th>messages first \xe2\x86\x92 second</th>"
	      "<th>second \xe2\x86\x92 first</th><th>hull vertices</th>"
	      "<th>min slope (ppm)</th><th>max slope (ppm)</th>"
	      "<th>violation</th><th>contradicting</th></tr>\n", fp);
	for (size_t i = 0; i < d->n_pairs; i++)
		pair_row(fp, d, &d->pairs[i]);
	fputs("</table>\n", fp);
	for (size_t i = 0; i < d->n_pairs; i++) {
		const struct plot_pair *p = &d->pairs[i];

		fprintf(fp, "<details class=\"pair\" id=\"pair-%zu-details\"%s>"
			"<summary>", p->index, i < OPEN_FIGURES ? " open" : "");
		plot_esc(fp, host_name(d, p->a));
		fputs(" \xe2\x80\x93 ", fp);
		plot_esc(fp, host_name(d, p->b));
		fprintf(fp, ": %s</summary>\n", lttsync_quality_string(p->quality));
		pair_caption(fp, d, p);
		if (p->has_data)
			plot_pair_figure(fp, d, p);
		fputs("</details>\n", fp);
	}
	fputs("</section>\n", fp);
}

static void hosts(FILE *fp, const struct plot_data *d)
{
	size_t shown = 0;

	fputs("<section id=\"hosts\"><h2>Hosts</h2>\n", fp);
	for (size_t i = 0; i < d->n_hosts; i++) {
		const struct plot_host *h = &d->hosts[i];
		char off[64];

		fprintf(fp, "<details class=\"host\" id=\"host-%u-details\"%s><summary>",
			h->id, shown++ < OPEN_FIGURES ? " open" : "");
		plot_esc(fp, host_name(d, h->id));
		fprintf(fp, ": %s</summary>\n", lttsync_quality_string(h->quality));
		if (!h->tf) {
			fputs("<p>No transform: no usable path to the reference.</p>\n", fp);
		} else if (h->quality == LTTSYNC_QUALITY_REFERENCE) {
			fputs("<p>The reference: its times are kept as they are.</p>\n", fp);
		} else if (h->corr.n) {
			plot_fmt_ns(off, sizeof(off), h->offset_start, h->offset_start);
			fprintf(fp, "<p>Correction (reference time \xe2\x88\x92 host "
				"time) at the start of the host's data: %s, drift "
				"%+.3f ppm. The figure shows the correction and its "
				"bounds minus that start value and drift, so that "
				"segments and bounds stay visible.</p>\n", off,
				h->drift * 1e6);
			plot_host_figure(fp, d, h);
		}
		fputs("</details>\n", fp);
	}
	fputs("</section>\n", fp);
}

static const char reading[] =
	"<section id=\"reading\"><h2>How to read the figures</h2>\n"
	"<p>A pair's figure places every message at its time on the first "
	"host's clock (x) and at the second host's time minus the estimate's "
	"mapping of the first host's time (y): messages sent by the first host "
	"show their delay above zero, messages sent by the second host below "
	"zero. When the synchronization is good the two clouds lie on either "
	"side of the black estimate line, and the circles (the hull vertices, "
	"the messages that bound the relation) are their nearest edges. The "
	"dashed green lines are the extreme feasible lines (the steepest and "
	"the flattest relations that every message allows), the shaded band "
	"the bounds that every feasible relation keeps. Red marks messages on "
	"the wrong side of the estimate: no single line explains them. Dashed "
	"verticals separate segments when a clock's rate changed.</p>\n"
	"<p>A host's figure shows the correction its transform applies "
	"(reference time minus host time) over the span of its data, with "
	"the guaranteed bounds around it, both minus the straight line of "
	"the start value and the main segment's drift: a host synchronized by "
	"one line shows a flat correction inside its band, one whose rate "
	"changed shows the bends.</p>\n</section>\n";

static void page(FILE *fp, const struct plot_data *d)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>lttsync: clock synchronization</title>\n<style>\n", fp);
	fputs(css, fp);
	fputs("</style></head><body>\n<h1>Clock synchronization</h1>\n", fp);
	summary(fp, d);
	pairs(fp, d);
	hosts(fp, d);
	fputs(reading, fp);
	fprintf(fp, "<p class=\"note\">Written by lttsync %s.</p>\n</body></html>\n",
		lttsync_version_string());
}

int cli_write_plot(lttsync_session *s, const char *path)
{
	struct plot_data d;
	struct atomic_file af;
	int rc = 0;

	if (plot_gather(&d, s)) {
		plot_data_free(&d);
		fprintf(stderr, "lttsync: %s: out of memory\n", cli_safe(path));
		return CLI_EXIT_ERROR;
	}
	if (atomic_file_open(&af, path) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", cli_safe(path), strerror(errno));
		plot_data_free(&d);
		return CLI_EXIT_ERROR;
	}
	page(af.fp, &d);
	if (atomic_file_commit(&af) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", cli_safe(path), strerror(errno));
		rc = CLI_EXIT_ERROR;
	}
	plot_data_free(&d);
	return rc;
}
