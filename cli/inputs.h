/* SPDX-License-Identifier: MIT */
/* Reading the command's inputs: trace folders and the messages CSV. */
#ifndef LTTSYNC_CLI_INPUTS_H
#define LTTSYNC_CLI_INPUTS_H

#include <stdbool.h>

#include <lttsync/lttsync.h>

#include "options.h"

/*
 * Read every PATH / --host input and the --messages file into the session.
 * Problems with single traces (not a trace, unreadable, no usable network
 * event) are reported on stderr, naming the path, and set *degraded.
 * Returns 0, or CLI_EXIT_ERROR when nothing can go on (malformed CSV,
 * no input usable at all).
 */
int cli_read_inputs(lttsync_session *s, const struct cli_options *o,
		    bool *degraded);

#endif
