/* SPDX-License-Identifier: MIT */
/* --matches-out: every matched message, as a CSV that --messages reads. */
#ifndef LTTSYNC_CLI_MATCHES_OUT_H
#define LTTSYNC_CLI_MATCHES_OUT_H

#include <lttsync/lttsync.h>

/* Writes atomically; returns 0 or CLI_EXIT_ERROR after a message. */
int cli_write_matches(lttsync_session *s, const char *path);

#endif
