/* SPDX-License-Identifier: MIT */
/*
 * What the command decides from the session's results; the reports
 * themselves are the library's (lttsync_session_write_report(),
 * lttsync_session_write_text_report()).
 */
#ifndef LTTSYNC_CLI_REPORT_H
#define LTTSYNC_CLI_REPORT_H

#include <stdbool.h>

#include <lttsync/lttsync.h>

/* True when the session has hosts and every one has a path to the
 * reference and the quality reference, accurate or approximate. */
bool report_all_synchronized(lttsync_session *session);

#endif
