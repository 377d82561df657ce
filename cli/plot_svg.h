/* SPDX-License-Identifier: MIT */
/* SVG primitives of `lttsync --plot`: scales, ticks, axes, escaping. */
#ifndef LTTSYNC_CLI_PLOT_SVG_H
#define LTTSYNC_CLI_PLOT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A linear map from data values [lo, hi] to pixels [px_lo, px_hi]. */
struct plot_axis {
	double lo, hi;
	double px_lo, px_hi;
};

/* The frame of a figure: its size and plotting area, in pixels. */
struct plot_frame {
	const char *id;          /* unique in the page: clip path ids */
	double width, height;
	struct plot_axis x, y;
};

double plot_map(const struct plot_axis *a, double v);

/* A value in ns as text with a unit chosen for `scale` ("1.25 ms"). */
void plot_fmt_ns(char *buf, size_t size, double ns, double scale);

/* Text escaped for XML and HTML (host names, paths). */
void plot_esc(FILE *fp, const char *s);

/* A time of a host's clock, ns: a UTC date when it looks like one. */
void plot_fmt_time(char *buf, size_t size, int64_t t);

/*
 * Open the figure: <svg> with its title, background, clip path
 * `<id>-clip` over the plotting area, the grid and the axes with
 * labels. plot_svg_end() closes it.
 */
void plot_svg_begin(FILE *fp, const struct plot_frame *f, const char *title,
		    const char *xlabel, const char *ylabel);
void plot_svg_end(FILE *fp);

/* A polyline over the samples of a curve (NAN values break it). */
void plot_polyline(FILE *fp, const struct plot_frame *f, const double *x,
		   const double *y, size_t n, const char *cls,
		   const char *style);

/* A filled band between lo and hi (over the runs where both exist). */
void plot_band(FILE *fp, const struct plot_frame *f, const double *x,
	       const double *lo, const double *hi, size_t n, const char *cls,
	       const char *fill);

/* The horizontal line at y = v across the plotting area. */
void plot_hline(FILE *fp, const struct plot_frame *f, double v,
		const char *cls, const char *style);

/* A vertical dashed line at x = v. */
void plot_vline(FILE *fp, const struct plot_frame *f, double v,
		const char *cls, const char *style);

/* A legend entry at x (pixels) on the figure's bottom line; returns
 * where the next entry goes. */
double plot_legend(FILE *fp, const struct plot_frame *f, double x,
		   const char *swatch_style, const char *text);

#endif
