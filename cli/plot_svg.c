/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "plot_svg.h"

#define FONT "font-family=\"sans-serif\" font-size=\"11\""
#define MAX_TICKS 16

double plot_map(const struct plot_axis *a, double v)
{
	double span = a->hi - a->lo, px;

	if (!(span > 0))
		return (a->px_lo + a->px_hi) / 2;
	px = a->px_lo + (v - a->lo) / span * (a->px_hi - a->px_lo);
	/* Far outside the area a line is clipped anyway; huge coordinates
	 * only risk a renderer's fixed-point overflow. */
	return px < -1e5 ? -1e5 : px > 1e5 ? 1e5 : px;
}

/* The unit of values about `scale` ns: divisor and name. */
static double unit_of(double scale, const char **name)
{
	scale = fabs(scale);
	if (scale >= 1e9) { *name = "s"; return 1e9; }
	if (scale >= 1e6) { *name = "ms"; return 1e6; }
	if (scale >= 1e3) { *name = "\xc2\xb5s"; return 1e3; }
	*name = "ns";
	return 1;
}

void plot_fmt_ns(char *buf, size_t size, double ns, double scale)
{
	const char *name;
	double div = unit_of(scale, &name), v = ns / div;
	double mag = fabs(scale / div);
	int dec = mag >= 100 ? 0 : mag >= 10 ? 1 : mag >= 1 ? 2 : 3;

	if (!isfinite(ns)) {
		snprintf(buf, size, "%s", ns > 0 ? "+inf" : ns < 0 ? "-inf" : "n/a");
		return;
	}
	if (fabs(v) < 0.5 * pow(10, -dec))
		v = 0;   /* no "-0.00" */
	snprintf(buf, size, "%.*f %s", dec, v, name);
}

void plot_esc(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

void plot_fmt_time(char *buf, size_t size, int64_t t)
{
	/* After 2000-01-01 and before 2200: a wall-clock time. */
	if (t >= INT64_C(946684800000000000) && t < INT64_C(7258118400000000000)) {
		time_t sec = (time_t)(t / 1000000000);
		struct tm tm;
		char date[32];

		gmtime_r(&sec, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(buf, size, "%s.%09ld UTC", date, (long)(t % 1000000000));
	} else {
		snprintf(buf, size, "%lld ns", (long long)t);
	}
}

/* Ticks at 1, 2 or 5 times a power of ten, about `want` of them. */
static size_t ticks(double lo, double hi, size_t want, double *out)
{
	double span = hi - lo, raw, mag, step, t;
	size_t n = 0;

	if (!(span > 0) || !isfinite(span))
		return 0;
	raw = span / (double)want;
	mag = pow(10, floor(log10(raw)));
	step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag
	       : raw / mag < 7.5 ? 5 * mag : 10 * mag;
	for (t = ceil(lo / step) * step; t <= hi + step * 1e-9 && n < MAX_TICKS;
	     t += step)
		out[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	return n;
}

static void x_axis(FILE *fp, const struct plot_frame *f)
{
	double t[MAX_TICKS], top = f->y.px_hi, bottom = f->y.px_lo;
	size_t n = ticks(f->x.lo, f->x.hi, 8, t);
	char label[64];

	for (size_t i = 0; i < n; i++) {
		double px = plot_map(&f->x, t[i]);

		plot_fmt_ns(label, sizeof(label), t[i], f->x.hi - f->x.lo);
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", px, top, px, bottom);
		/* The last label would overflow the figure's right edge. */
		fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"%s\" " FONT ">%s</text>\n", px, bottom + 14,
			px > f->width - 30 ? "end" : "middle", label);
	}
}

static void y_axis(FILE *fp, const struct plot_frame *f)
{
	double t[MAX_TICKS], left = f->x.px_lo, right = f->x.px_hi;
	size_t n = ticks(f->y.lo, f->y.hi, 6, t);
	double scale = fmax(fabs(f->y.lo), fabs(f->y.hi));
	char label[64];

	for (size_t i = 0; i < n; i++) {
		double py = plot_map(&f->y, t[i]);

		plot_fmt_ns(label, sizeof(label), t[i], scale);
		fprintf(fp, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", left, py, right, py);
		fprintf(fp, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\" " FONT ">%s</text>\n",
			left - 4, py + 4, label);
	}
}

void plot_svg_begin(FILE *fp, const struct plot_frame *f, const char *title,
		    const char *xlabel, const char *ylabel)
{
	double l = f->x.px_lo, r = f->x.px_hi, top = f->y.px_hi,
	       bottom = f->y.px_lo;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n",
		f->id, f->width, f->height, f->width, f->height);
	fputs("<title>", fp);
	plot_esc(fp, title);
	fputs("</title>\n", fp);
	fprintf(fp, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
		f->width, f->height);
	fprintf(fp, "<defs><clipPath id=\"%s-clip\"><rect x=\"%.1f\" y=\"%.1f\" "
		"width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
		f->id, l, top, r - l, bottom - top);
	x_axis(fp, f);
	y_axis(fp, f);
	fprintf(fp, "<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%.1f\" fill=\"none\" stroke=\"#888888\"/>\n",
		l, top, r - l, bottom - top);
	fprintf(fp, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" "
		"text-anchor=\"middle\" " FONT ">", (l + r) / 2, bottom + 32);
	plot_esc(fp, xlabel);
	fprintf(fp, "</text>\n<text class=\"ylabel\" transform=\"translate(14 %.1f) "
		"rotate(-90)\" text-anchor=\"middle\" " FONT ">", (top + bottom) / 2);
	plot_esc(fp, ylabel);
	fputs("</text>\n", fp);
}

void plot_svg_end(FILE *fp)
{
	fputs("</svg>\n", fp);
}

void plot_polyline(FILE *fp, const struct plot_frame *f, const double *x,
		   const double *y, size_t n, const char *cls,
		   const char *style)
{
	bool open = false;

	for (size_t i = 0; i <= n; i++) {
		bool ok = i < n && isfinite(y[i]);

		if (ok && !open) {
			fprintf(fp, "<polyline class=\"%s\" clip-path=\"url(#%s-clip)\" "
				"fill=\"none\" %s points=\"", cls, f->id, style);
			open = true;
		} else if (!ok && open) {
			fputs("\"/>\n", fp);
			open = false;
		}
		if (ok)
			fprintf(fp, "%.2f,%.2f ", plot_map(&f->x, x[i]),
				plot_map(&f->y, y[i]));
	}
}

/* One run [i, j) where both bounds exist, as a closed polygon. */
static void band_run(FILE *fp, const struct plot_frame *f, const double *x,
		     const double *lo, const double *hi, size_t i, size_t j,
		     const char *cls, const char *fill)
{
	fprintf(fp, "<polygon class=\"%s\" clip-path=\"url(#%s-clip)\" %s points=\"",
		cls, f->id, fill);
	for (size_t k = i; k < j; k++)
		fprintf(fp, "%.2f,%.2f ", plot_map(&f->x, x[k]), plot_map(&f->y, hi[k]));
	for (size_t k = j; k-- > i;)
		fprintf(fp, "%.2f,%.2f ", plot_map(&f->x, x[k]), plot_map(&f->y, lo[k]));
	fputs("\"/>\n", fp);
}

void plot_band(FILE *fp, const struct plot_frame *f, const double *x,
	       const double *lo, const double *hi, size_t n, const char *cls,
	       const char *fill)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		bool ok = i < n && isfinite(lo[i]) && isfinite(hi[i]);

		if (!ok) {
			if (i > start + 1)
				band_run(fp, f, x, lo, hi, start, i, cls, fill);
			start = i + 1;
		}
	}
}

void plot_hline(FILE *fp, const struct plot_frame *f, double v,
		const char *cls, const char *style)
{
	double py = plot_map(&f->y, v);

	fprintf(fp, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" "
		"y2=\"%.2f\" clip-path=\"url(#%s-clip)\" %s/>\n", cls, f->x.px_lo,
		py, f->x.px_hi, py, f->id, style);
}

void plot_vline(FILE *fp, const struct plot_frame *f, double v,
		const char *cls, const char *style)
{
	double px = plot_map(&f->x, v);

	fprintf(fp, "<line class=\"%s\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" "
		"y2=\"%.1f\" %s/>\n", cls, px, f->y.px_hi, px, f->y.px_lo, style);
}

double plot_legend(FILE *fp, const struct plot_frame *f, double x,
		   const char *swatch_style, const char *text)
{
	double y = f->height - 6;
	size_t chars = 0;

	/* UTF-8 continuation bytes take no room. */
	for (const char *c = text; *c; c++)
		chars += ((unsigned char)*c & 0xc0) != 0x80;

	fprintf(fp, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
		"height=\"4\" %s/><text x=\"%.1f\" y=\"%.1f\" " FONT ">",
		x, y - 5, swatch_style, x + 20, y);
	plot_esc(fp, text);
	fputs("</text></g>\n", fp);
	return x + 20 + 6.2 * (double)chars + 18;
}
