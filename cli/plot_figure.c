/* SPDX-License-Identifier: MIT */
/*
 * The figures: a pair's messages as y - estimate(x) (a good result is
 * one cloud above zero, the other below), and a host's correction over
 * time. Colours are presentation attributes, not CSS, so that every
 * <svg> also renders on its own; classes and data attributes name what
 * each element is for readers and tests.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_svg.h"

#define WIDTH 760
#define HEIGHT 330
#define LEFT 84
#define RIGHT 14
#define TOP 10
#define BOTTOM 62

static const char *const dir_colour[2] = { "#1f77b4", "#ff7f0e" };
static const char *const hull_colour[2] = { "#0b3c61", "#8a4000" };
#define CONTRA_COLOUR "#d62728"
#define LINE_STYLE "stroke=\"#2ca02c\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\""

static void frame_init(struct plot_frame *f, const char *id)
{
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->width = WIDTH;
	f->height = HEIGHT;
	f->x.px_lo = LEFT;
	f->x.px_hi = WIDTH - RIGHT;
	f->y.px_lo = HEIGHT - BOTTOM;
	f->y.px_hi = TOP;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct range {
	double lo, hi;
	bool any;
};

static void range_add(struct range *r, double v)
{
	if (!isfinite(v))
		return;
	if (!r->any || v < r->lo)
		r->lo = v;
	if (!r->any || v > r->hi)
		r->hi = v;
	r->any = true;
}

/* Pad, and give an empty range some height. */
static void range_finish(struct range *r, struct plot_axis *a)
{
	double pad;

	if (!r->any)
		r->lo = r->hi = 0;
	if (r->hi - r->lo < 2)
		r->lo -= 1000, r->hi += 1000;
	pad = (r->hi - r->lo) * 0.06;
	a->lo = r->lo - pad;
	a->hi = r->hi + pad;
}

/*
 * The vertical range: the hull vertices, zero, the band, and the drawn
 * messages between their 0.5 and 99.5 percentiles, so that a few
 * messages delayed by seconds do not flatten the clouds (they are drawn
 * at the edge, and counted).
 */
static void pair_y_range(const struct plot_pair *p, struct plot_axis *a)
{
	struct range r = { 0 };
	size_t n = p->dir[0].n_drawn + p->dir[1].n_drawn, k = 0;
	double *v = n ? malloc(n * sizeof(double)) : NULL;

	range_add(&r, 0);
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < p->dir[d].n_hull; i++)
			range_add(&r, p->dir[d].hull[i].r);
		for (size_t i = 0; v && i < p->dir[d].n_drawn; i++)
			v[k++] = p->dir[d].drawn[i].r;
	}
	for (size_t i = 0; i < p->band.n; i++) {
		range_add(&r, p->band.lo[i]);
		range_add(&r, p->band.hi[i]);
	}
	if (k) {
		qsort(v, k, sizeof(double), cmp_double);
		range_add(&r, v[k * 5 / 1000]);
		range_add(&r, v[k - 1 - k * 5 / 1000]);
	}
	free(v);
	range_finish(&r, a);
}

/* One <path> of dots: the messages of a direction, contradicting or not. */
static size_t dots(FILE *fp, const struct plot_frame *f,
		   const struct plot_dir *d, int dir, bool contra)
{
	size_t n = 0, clipped = 0;

	for (size_t i = 0; i < d->n_drawn; i++)
		n += d->drawn[i].contra == contra;
	if (!n)
		return 0;
	fprintf(fp, "<path class=\"msg d%d%s\" data-count=\"%zu\" fill=\"none\" "
		"stroke=\"%s\" stroke-width=\"3.5\" stroke-linecap=\"round\" "
		"stroke-opacity=\"%s\" d=\"", dir, contra ? " contra" : "", n,
		contra ? CONTRA_COLOUR : dir_colour[dir], contra ? "0.7" : "0.55");
	for (size_t i = 0; i < d->n_drawn; i++) {
		const struct plot_point *q = &d->drawn[i];
		double r = q->r;

		if (q->contra != contra)
			continue;
		if (r < f->y.lo || r > f->y.hi) {
			r = r < f->y.lo ? f->y.lo : f->y.hi;
			clipped++;
		}
		fprintf(fp, "M%.1f %.1fh0", plot_map(&f->x, q->x), plot_map(&f->y, r));
	}
	fputs("\"/>\n", fp);
	return clipped;
}

static void hull_points(FILE *fp, const struct plot_frame *f,
			const struct plot_dir *d, int dir)
{
	/* Colours on the group: segmented pairs have thousands of vertices. */
	fprintf(fp, "<g class=\"hull d%d\" data-count=\"%zu\" fill=\"#ffffff\" "
		"stroke=\"%s\" stroke-width=\"1.5\">\n", dir, d->n_hull,
		hull_colour[dir]);
	for (size_t i = 0; i < d->n_hull; i++) {
		const struct plot_point *q = &d->hull[i];

		fprintf(fp, "<circle class=\"hull d%d%s\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"3.5\" data-x=\"%lld\" data-y=\"%lld\"%s/>\n",
			dir, q->contra ? " contra" : "", plot_map(&f->x, q->x),
			plot_map(&f->y, q->r), (long long)q->px, (long long)q->py,
			q->contra ? " fill=\"" CONTRA_COLOUR "\"" : "");
	}
	fputs("</g>\n", fp);
}

static void pair_lines(FILE *fp, const struct plot_frame *f,
		       const struct plot_pair *p)
{
	if (p->band.n)
		plot_band(fp, f, p->band.x, p->band.lo, p->band.hi, p->band.n,
			  "band", "fill=\"#2ca02c\" fill-opacity=\"0.13\"");
	for (size_t k = 0; k < p->n_seg_from; k++)
		plot_vline(fp, f, (double)((__int128)p->seg_from[k] - p->x0),
			   "segment", "stroke=\"#9467bd\" stroke-dasharray=\"4 4\"");
	if (p->has_lines) {
		plot_polyline(fp, f, p->lines.x, p->lines.lo, p->lines.n,
			      "line-min", LINE_STYLE);
		plot_polyline(fp, f, p->lines.x, p->lines.hi, p->lines.n,
			      "line-max", LINE_STYLE);
	}
	if (p->est)
		plot_hline(fp, f, 0, "estimate", "stroke=\"#000000\" stroke-width=\"1.5\"");
	else
		plot_hline(fp, f, 0, "baseline",
			   "stroke=\"#555555\" stroke-dasharray=\"2 3\"");
}

static void pair_legend(FILE *fp, const struct plot_frame *f,
			const struct plot_data *d, const struct plot_pair *p)
{
	lttsync_session *s = d->session;
	char text[600];
	double x = f->x.px_lo;

	for (int dir = 0; dir < 2; dir++) {
		char style[80];

		snprintf(text, sizeof(text), "%s \xe2\x86\x92 %s",
			 lttsync_session_get_host_name(s, dir ? p->b : p->a),
			 lttsync_session_get_host_name(s, dir ? p->a : p->b));
		snprintf(style, sizeof(style), "fill=\"%s\"", dir_colour[dir]);
		x = plot_legend(fp, f, x, style, text);
	}
	if (p->dir[0].contra || p->dir[1].contra)
		x = plot_legend(fp, f, x, "fill=\"" CONTRA_COLOUR "\"",
			    "contradicts the estimate");
	x = plot_legend(fp, f, x, "fill=\"#000000\"",
		    p->est ? "estimate" : "no estimate: slope 1 through the first point");
	if (p->has_lines)
		x = plot_legend(fp, f, x, "fill=\"#2ca02c\"", "extreme feasible lines");
}

void plot_pair_figure(FILE *fp, const struct plot_data *d,
		      const struct plot_pair *p)
{
	lttsync_session *s = d->session;
	const char *na = lttsync_session_get_host_name(s, p->a),
		   *nb = lttsync_session_get_host_name(s, p->b);
	struct plot_frame f;
	char id[48], title[600], xl[600], yl[600], t0[64];
	size_t clipped = 0;

	snprintf(id, sizeof(id), "pair-%zu", p->index);
	frame_init(&f, id);
	f.x.lo = 0;
	f.x.hi = p->x1 > p->x0 ? (double)((__int128)p->x1 - p->x0) : 1;
	pair_y_range(p, &f.y);
	plot_fmt_time(t0, sizeof(t0), p->x0);
	snprintf(title, sizeof(title), "Messages between %s and %s", na, nb);
	snprintf(xl, sizeof(xl), "time of %s since %s", na, t0);
	snprintf(yl, sizeof(yl), "%s time \xe2\x88\x92 %s (%s time)", nb,
		 p->est ? "estimate" : "baseline", na);
	plot_svg_begin(fp, &f, title, xl, yl);
	fputs("<desc class=\"pair\" data-first=\"", fp);
	plot_esc(fp, na);
	fputs("\" data-second=\"", fp);
	plot_esc(fp, nb);
	fprintf(fp, "\" data-quality=\"%s\" data-kept=\"%llu\">pair</desc>\n",
		lttsync_quality_string(p->quality),
		(unsigned long long)(p->dir[0].total + p->dir[1].total));
	pair_lines(fp, &f, p);
	for (int dir = 0; dir < 2; dir++)
		clipped += dots(fp, &f, &p->dir[dir], dir, false);
	for (int dir = 0; dir < 2; dir++)
		clipped += dots(fp, &f, &p->dir[dir], dir, true);
	for (int dir = 0; dir < 2; dir++)
		hull_points(fp, &f, &p->dir[dir], dir);
	pair_legend(fp, &f, d, p);
	fprintf(fp, "<desc class=\"clipped\" data-count=\"%zu\">%zu drawn messages "
		"beyond the vertical range are drawn at its edge</desc>\n",
		clipped, clipped);
	plot_svg_end(fp);
}

void plot_host_figure(FILE *fp, const struct plot_data *d,
		      const struct plot_host *h)
{
	const char *name = lttsync_session_get_host_name(d->session, h->id);
	struct plot_frame f;
	struct range r = { 0 };
	char id[48], title[600], xl[600], yl[200], t0[64];
	bool bounded = false;
	double x;

	snprintf(id, sizeof(id), "host-%u", h->id);
	frame_init(&f, id);
	f.height = 270;
	f.y.px_lo = f.height - BOTTOM;
	f.x.hi = h->t1 > h->t0 ? (double)((__int128)h->t1 - h->t0) : 1;
	for (size_t i = 0; i < h->corr.n; i++) {
		bounded |= isfinite(h->corr.lo[i]) || isfinite(h->corr.hi[i]);
		range_add(&r, h->value[i]);
		range_add(&r, h->corr.lo[i]);
		range_add(&r, h->corr.hi[i]);
	}
	range_finish(&r, &f.y);
	plot_fmt_time(t0, sizeof(t0), h->t0);
	snprintf(title, sizeof(title), "Correction of %s", name);
	snprintf(xl, sizeof(xl), "time of %s since %s", name, t0);
	snprintf(yl, sizeof(yl), "correction \xe2\x88\x92 (start + drift)");
	plot_svg_begin(fp, &f, title, xl, yl);
	plot_band(fp, &f, h->corr.x, h->corr.lo, h->corr.hi, h->corr.n, "band",
		  "fill=\"#2ca02c\" fill-opacity=\"0.2\"");
	plot_polyline(fp, &f, h->corr.x, h->value, h->corr.n, "correction",
		      "stroke=\"#000000\" stroke-width=\"1.5\"");
	x = plot_legend(fp, &f, f.x.px_lo, "fill=\"#000000\"", "correction applied");
	plot_legend(fp, &f, x, bounded ? "fill=\"#2ca02c\" fill-opacity=\"0.4\"" : "fill=\"none\"",
		    bounded ? "guaranteed bounds" : "no guaranteed bounds over this span");
	plot_svg_end(fp);
}
