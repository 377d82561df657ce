/* SPDX-License-Identifier: MIT */
/*
 * `lttsync --plot FILE.html`: one self-contained page (inline SVG and
 * CSS, no script) showing every pair's messages, hulls and lines and
 * every host's correction. The data come from the library's accessors
 * only (plot_pair.c, plot_thin.c, plot_host.c), the drawing primitives
 * are in plot_svg.c, the figures in plot_figure.c, the page in
 * plot_page.c.
 */
#ifndef LTTSYNC_CLI_PLOT_H
#define LTTSYNC_CLI_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <lttsync/lttsync.h>

/*
 * A point of a pair's figure: x in ns since the pair's x0 (first host's
 * clock), r = y - ref(x) in ns of the second host's clock, where ref is
 * the pair's estimate (or its baseline when it has none).
 */
struct plot_point {
	double x;
	double r;
	int64_t px, py;     /* the pair-plane point (hull vertices only) */
	bool contra;        /* on the wrong side of the estimate */
};

/* Samples of a function of x: NAN where it is not defined. */
struct plot_curve {
	double *x, *lo, *hi;
	size_t n;
};

/* Messages of one direction: 0 first host to second, 1 the reverse. */
struct plot_dir {
	struct plot_point *hull;   /* vertices, by x */
	size_t n_hull;
	bool hull_known;           /* the accessor answered */
	struct plot_point *drawn;  /* the thinned messages */
	size_t n_drawn;
	uint64_t total;            /* kept messages of this direction */
	uint64_t contra;           /* of which on the wrong side */
	uint64_t fed;              /* messages in the hulls (counter) */
};

struct plot_pair {
	size_t index;
	lttsync_host_id a, b;        /* a < b: x on a's clock, y on b's */
	lttsync_quality quality;
	lttsync_transform *est;      /* a -> b, NULL: baseline y = x + base */
	int64_t base;
	bool has_slopes;
	double slope_min, slope_max;
	double violation_ns;
	uint64_t violating;
	int64_t x0, x1;              /* the data's span on a's clock */
	int64_t y0, y1;              /* and on b's */
	bool has_data;
	int64_t *seg_from;           /* segment starts after the first (x) */
	size_t n_seg_from;
	struct plot_dir dir[2];
	struct plot_curve band;      /* bounds_at, as residuals */
	struct plot_curve lines;     /* extreme lines: lo = a_min, hi = a_max */
	bool has_lines;
	size_t drawn_budget;         /* per direction, for the page's note */
};

struct plot_host {
	lttsync_host_id id;
	lttsync_quality quality;
	lttsync_transform *tf;       /* NULL: disconnected */
	bool has_span;
	int64_t t0, t1;              /* the host's data, own clock */
	double offset_mid;           /* f(t) - t at the middle of the span */
	double offset_start;         /* f(t0) - t0 */
	double drift;                /* main segment's slope - 1 */
	/* Relative to the line offset_start + drift * (t - t0), so that the
	 * bounds (ns to us) are not flattened by the drift (ms to s): */
	struct plot_curve corr;      /* the bounds of f(t) - t */
	double *value;               /* f(t) - t */
	size_t n_seg;
};

struct plot_data {
	lttsync_session *session;
	struct plot_pair *pairs;
	size_t n_pairs;
	struct plot_host *hosts;
	size_t n_hosts;
	lttsync_host_id reference;
	bool has_reference;
	uint64_t over_limit;         /* messages the memory limit dropped */
};

/* plot_data.c: everything about the pairs and hosts. 0 or -1. */
int plot_gather(struct plot_data *d, lttsync_session *s);
void plot_data_free(struct plot_data *d);

/* plot_pair.c: one pair's figure data (pair `index` of n_pairs). */
int plot_gather_pair(struct plot_pair *p, lttsync_session *s, size_t index,
		     size_t n_pairs);

/* plot_curve.c: the pair's reference function ref(x), in ns on b's
 * clock, and sampled curves. */
bool plot_ref(const struct plot_pair *p, int64_t x, int64_t *out);

/* plot_thin.c: the kept messages, thinned (hull vertices apart). */
int plot_thin_messages(struct plot_pair *p, lttsync_session *s,
		       size_t budget);

/* plot_host.c: per-host spans (from the pairs) and corrections. */
int plot_gather_hosts(struct plot_data *d);

void plot_curve_free(struct plot_curve *c);
int plot_curve_alloc(struct plot_curve *c, size_t n);

/* plot_figure.c */
void plot_pair_figure(FILE *fp, const struct plot_data *d,
		      const struct plot_pair *p);
void plot_host_figure(FILE *fp, const struct plot_data *d,
		      const struct plot_host *h);

/* plot_page.c: the whole page. Returns 0 or CLI_EXIT_ERROR. */
int cli_write_plot(lttsync_session *s, const char *path);

#endif
