/* SPDX-License-Identifier: MIT */
/* The session's kept messages in the order they were added (kept_matches.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kept_matches.h"

int lsync_kept_matches_reserve(lsync_kept_matches *k)
{
	size_t cap;
	lsync_kept_match *m;

	if (k->len < k->cap)
		return 0;
	cap = k->cap ? 2 * k->cap : 64;
	if (cap > SIZE_MAX / sizeof(*m))
		return -1;
	m = realloc(k->m, cap * sizeof(*m));
	if (!m)
		return -1;
	k->m = m;
	k->cap = cap;
	return 0;
}

void lsync_kept_matches_push(lsync_kept_matches *k, uint32_t send_host,
			     int64_t send_ns, uint32_t recv_host,
			     int64_t recv_ns, const lsync_match_detail *detail)
{
	lsync_kept_match *m = &k->m[k->len++];

	memset(m, 0, sizeof(*m));
	m->msg = (lttsync_message){ send_host, recv_host, send_ns, recv_ns };
	m->has_packet = detail != NULL;
	if (detail)
		m->detail = *detail;
	else
		m->detail.send_trace = m->detail.recv_trace = LTTSYNC_TRACE_NONE;
}

void lsync_kept_matches_free(lsync_kept_matches *k)
{
	free(k->m);
	memset(k, 0, sizeof(*k));
}
