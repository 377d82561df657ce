/* SPDX-License-Identifier: MIT */
/*
 * The `--messages` CSV: one matched message per line,
 * `send_host,send_ns,recv_host,recv_ns`. Blank lines and lines starting
 * with '#' are ignored; the first other line may name the columns.
 */
#ifndef LTTSYNC_CLI_MESSAGES_CSV_H
#define LTTSYNC_CLI_MESSAGES_CSV_H

#include <stddef.h>
#include <stdio.h>

#include <lttsync/lttsync.h>

/*
 * Read every line of `in` into the session (hosts declared on first use).
 * On a malformed line, writes "NAME:LINE: reason" into err and returns
 * non-zero; the caller must then not report anything.
 */
int cli_read_messages(lttsync_session *session, FILE *in, const char *name,
		      char *err, size_t err_size);

#endif
