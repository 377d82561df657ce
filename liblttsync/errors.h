/* SPDX-License-Identifier: MIT */
/* Status strings and the per-session "last error" message. */
#ifndef LTTSYNC_ERRORS_H
#define LTTSYNC_ERRORS_H

#include <lttsync/lttsync.h>

/* Room for a path of PATH_MAX bytes and the reason after it. */
#define LSYNC_ERROR_MAX 8192

/*
 * Record a message for `status` on the session (if any) and return
 * `status`, so that error paths read `return lsync_error(s, ST, "...")`.
 */
lttsync_status lsync_error(lttsync_session *session, lttsync_status status,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The same for the getters that take a const session: the last error is
 * not part of the session's state that const promises to keep (like a
 * cache), and a failed getter must not leave an earlier call's message.
 */
lttsync_status lsync_error_const(const lttsync_session *session,
				 lttsync_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget the last error (called at the start of each public entry). */
void lsync_clear_error(lttsync_session *session);

#endif
