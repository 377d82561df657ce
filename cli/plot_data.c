/* SPDX-License-Identifier: MIT */
/* The data of the whole page: every pair's figure, then every host's. */
#include <stdlib.h>
#include <string.h>

#include "plot.h"

int plot_gather(struct plot_data *d, lttsync_session *s)
{
	size_t n = lttsync_session_get_pair_count(s);

	memset(d, 0, sizeof(*d));
	d->session = s;
	d->has_reference = lttsync_session_get_reference(&d->reference, s) == LTTSYNC_OK;
	lttsync_session_get_counter(&d->over_limit, s, LTTSYNC_COUNTER_OVER_LIMIT);
	if (n && !(d->pairs = calloc(n, sizeof(*d->pairs))))
		return -1;
	d->n_pairs = n;
	for (size_t i = 0; i < n; i++)
		if (plot_gather_pair(&d->pairs[i], s, i, n))
			return -1;
	return plot_gather_hosts(d);
}

void plot_data_free(struct plot_data *d)
{
	for (size_t i = 0; i < d->n_pairs; i++) {
		struct plot_pair *p = &d->pairs[i];

		lttsync_transform_destroy(p->est);
		free(p->seg_from);
		for (int k = 0; k < 2; k++) {
			free(p->dir[k].hull);
			free(p->dir[k].drawn);
		}
		plot_curve_free(&p->band);
		plot_curve_free(&p->lines);
	}
	for (size_t i = 0; i < d->n_hosts; i++) {
		lttsync_transform_destroy(d->hosts[i].tf);
		plot_curve_free(&d->hosts[i].corr);
		free(d->hosts[i].value);
	}
	free(d->pairs);
	free(d->hosts);
	memset(d, 0, sizeof(*d));
}
