/* SPDX-License-Identifier: MIT */
/*
 * What every figure's data is drawn against: a pair's reference line
 * (its estimate, or a line of slope 1) and sampled curves.
 */
#include <stdlib.h>
#include <string.h>

#include "plot.h"

bool plot_ref(const struct plot_pair *p, int64_t x, int64_t *out)
{
	if (p->est)
		return lttsync_transform_apply(out, p->est, x) == LTTSYNC_OK;
	if ((p->base > 0 && x > INT64_MAX - p->base) ||
	    (p->base < 0 && x < INT64_MIN - p->base))
		return false;
	*out = x + p->base;
	return true;
}

int plot_curve_alloc(struct plot_curve *c, size_t n)
{
	c->x = calloc(n, sizeof(double));
	c->lo = calloc(n, sizeof(double));
	c->hi = calloc(n, sizeof(double));
	c->n = n;
	if (c->x && c->lo && c->hi)
		return 0;
	plot_curve_free(c);
	return -1;
}

void plot_curve_free(struct plot_curve *c)
{
	free(c->x);
	free(c->lo);
	free(c->hi);
	memset(c, 0, sizeof(*c));
}
