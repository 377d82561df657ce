/* SPDX-License-Identifier: MIT */
/* `lttsync --write OUTDIR`: corrected copies of the traces (write.c). */
#ifndef LTTSYNC_CLI_WRITE_H
#define LTTSYNC_CLI_WRITE_H

#include <lttsync/lttsync.h>

/*
 * Write every synchronized trace of the session, corrected onto the
 * reference clock, as OUTDIR/HOST (OUTDIR/HOST-N for a host with several
 * traces). Returns 0, CLI_EXIT_ERROR (something could not be written) or
 * CLI_EXIT_UNSYNCED (a trace without a transform was skipped).
 */
int cli_write_traces(lttsync_session *s, const char *outdir);

#endif
