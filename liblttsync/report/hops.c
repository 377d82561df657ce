/* SPDX-License-Identifier: MIT */
/* Hops from every host to the reference (hops.h). */
#include "hops.h"

#include <stdint.h>
#include <stdlib.h>

#define HOPS_UNKNOWN (SIZE_MAX - 1)

size_t *lsync_hop_counts(lttsync_session *s, size_t n)
{
	lttsync_host_id *chain = malloc((n + 1) * sizeof(*chain));
	size_t *hops = malloc((n + 1) * sizeof(*hops));

	if (!chain || !hops) {
		free(chain);
		free(hops);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		hops[i] = HOPS_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		lttsync_host_id u = (lttsync_host_id)i, next;
		size_t len = 0, d;

		while (hops[u] == HOPS_UNKNOWN) {
			if (lttsync_session_get_host_parent(&next, s, u))
				hops[u] = SIZE_MAX;
			else if (next == u)
				hops[u] = 0;
			else if (len == n || next >= n)  /* a loop: not a path */
				hops[u] = SIZE_MAX;
			else {
				chain[len++] = u;
				u = next;
			}
		}
		for (d = hops[u]; len > 0; len--) {
			d = d == SIZE_MAX ? SIZE_MAX : d + 1;
			hops[chain[len - 1]] = d;
		}
	}
	free(chain);
	return hops;
}
