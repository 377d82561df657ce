/* SPDX-License-Identifier: MIT */
/*
 * The kept messages of a session in the order they were added, with
 * where each came from (lttsync_session_get_kept_match()). Kept only
 * while the session keeps messages (lttsync_session_set_keep_messages()),
 * beside the per-pair copies of pair.h, and counted by its memory limit.
 */
#ifndef LTTSYNC_KEPT_MATCHES_H
#define LTTSYNC_KEPT_MATCHES_H

#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

#include "match.h"

typedef struct lsync_kept_match {
	lttsync_message msg;
	lsync_match_detail detail; /* traces LTTSYNC_TRACE_NONE when fed */
	uint8_t has_packet;        /* matched from packet events */
} lsync_kept_match;

typedef struct lsync_kept_matches {
	lsync_kept_match *m;
	size_t len, cap;
} lsync_kept_matches;

/* Room for one more, so that the push that follows cannot fail; -1 on
 * allocation failure (nothing changed). */
int lsync_kept_matches_reserve(lsync_kept_matches *k);

/* Needs a successful reserve. detail: NULL for a message fed as such. */
void lsync_kept_matches_push(lsync_kept_matches *k, uint32_t send_host,
			     int64_t send_ns, uint32_t recv_host,
			     int64_t recv_ns, const lsync_match_detail *detail);

void lsync_kept_matches_free(lsync_kept_matches *k);

#endif
