/* SPDX-License-Identifier: MIT */
/*
 * The `--messages` CSV: one matched message per line,
 * `send_host,send_ns,recv_host,recv_ns`, or those and the 10 columns that
 * --matches-out adds (matches_out.h), which are not read. Blank lines
 * and lines starting with '#' are ignored; the first other line may name the columns. A
 * field may be quoted ("..." with "" for a quote), so that a host name
 * can hold commas, quotes, a leading '#' or surrounding spaces; spaces
 * and tabs around a field are not part of it. A line holds at most
 * CSV_LINE_MAX bytes (its end of line excluded).
 */
#ifndef LTTSYNC_CLI_MESSAGES_CSV_H
#define LTTSYNC_CLI_MESSAGES_CSV_H

#include <stddef.h>
#include <stdio.h>

#include <lttsync/lttsync.h>

/*
 * Two host names of 4096 bytes, quoted with every byte a doubled quote,
 * and two timestamps take 16.4 KB: a valid message never needs more
 * than this, so a longer line is refused before it is held in memory.
 */
#define CSV_LINE_MAX 65536

/* The columns of a --matches-out line. */
#define CSV_MATCH_FIELDS 14

/*
 * Read every line of `in` into the session (hosts declared on first use).
 * On a malformed line, a read error or out of memory, writes
 * "NAME:LINE: reason" into err and returns non-zero; the caller must then
 * not report anything. The file is parsed on a thread of its own
 * (messages_pipe.h); the session is used on the caller's thread only.
 * Memory: a fixed block buffer, a ring of batches, the host names.
 */
int cli_read_messages(lttsync_session *session, FILE *in, const char *name,
		      char *err, size_t err_size);

/*
 * Write a host name as a --messages field: quoted when it holds a comma or
 * a quote, starts with '#', or starts or ends with a space.
 */
void cli_write_host_field(FILE *out, const char *name);

#endif
