/* SPDX-License-Identifier: MIT */
/*
 * The page's host figures: the correction f(t) - t that the host's
 * transform applies over the host's data, with the guaranteed bounds
 * (lttsync_session_get_host_bounds_at()). The span of a host's data is
 * that of its pairs' messages and hull vertices.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define HOST_SAMPLES 201

static void host_span(struct plot_host *h, int64_t lo, int64_t hi)
{
	if (!h->has_span) {
		h->t0 = lo;
		h->t1 = hi;
		h->has_span = true;
		return;
	}
	h->t0 = lo < h->t0 ? lo : h->t0;
	h->t1 = hi > h->t1 ? hi : h->t1;
}

/* f(t) - t in ns, or NAN. */
static double offset_at(const struct plot_host *h, int64_t t)
{
	int64_t ft;

	if (lttsync_transform_apply(&ft, h->tf, t))
		return NAN;
	return (double)((__int128)ft - t);
}

static int sample_host(struct plot_data *d, struct plot_host *h)
{
	size_t n = h->t1 > h->t0 ? HOST_SAMPLES : 1;
	double span = (double)((__int128)h->t1 - h->t0);

	h->offset_start = offset_at(h, h->t0);
	h->drift = lttsync_transform_get_slope(h->tf) - 1;
	h->offset_mid = offset_at(h, h->t0 + (h->t1 - h->t0) / 2);
	if (plot_curve_alloc(&h->corr, n) ||
	    !(h->value = calloc(n, sizeof(double))))
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t t = h->t0 + (int64_t)(n > 1 ? span * (double)i / (double)(n - 1) : 0);
		int64_t lo, hi;
		double line;
		bool ok = lttsync_session_get_host_bounds_at(&lo, &hi, d->session,
							     h->id, t) == LTTSYNC_OK;

		h->corr.x[i] = (double)((__int128)t - h->t0);
		line = h->offset_start + h->drift * h->corr.x[i];
		h->value[i] = offset_at(h, t) - line;
		h->corr.lo[i] = ok && lo != INT64_MIN
				? (double)((__int128)lo - t) - line : NAN;
		h->corr.hi[i] = ok && hi != INT64_MAX
				? (double)((__int128)hi - t) - line : NAN;
	}
	return 0;
}

int plot_gather_hosts(struct plot_data *d)
{
	size_t n = lttsync_session_get_host_count(d->session);

	if (n && !(d->hosts = calloc(n, sizeof(*d->hosts))))
		return -1;
	d->n_hosts = n;
	for (size_t i = 0; i < n; i++) {
		d->hosts[i].id = (lttsync_host_id)i;
		lttsync_session_get_host_quality(&d->hosts[i].quality, d->session,
						 (lttsync_host_id)i);
	}
	for (size_t k = 0; k < d->n_pairs; k++) {
		const struct plot_pair *p = &d->pairs[k];

		if (!p->has_data || p->a >= n || p->b >= n)
			continue;
		host_span(&d->hosts[p->a], p->x0, p->x1);
		host_span(&d->hosts[p->b], p->y0, p->y1);
	}
	for (size_t i = 0; i < n; i++) {
		struct plot_host *h = &d->hosts[i];

		if (lttsync_session_get_host_transform(&h->tf, d->session, h->id))
			h->tf = NULL;
		h->n_seg = h->tf ? lttsync_transform_get_segment_count(h->tf) : 0;
		if (h->tf && h->has_span && sample_host(d, h))
			return -1;
	}
	return 0;
}
