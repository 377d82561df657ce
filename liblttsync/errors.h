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
 * The entry points' argument check: when `bad` holds, return
 * LTTSYNC_ERROR_INVALID_ARGUMENT with "NAME: NULL argument" as the last
 * error, NAME being the entry point without its lttsync_session_ prefix.
 */
#define LSYNC_INVALID_IF(session, bad)                                    \
	do {                                                              \
		if (bad)                                                  \
			return lsync_invalid_argument((session), __func__); \
	} while (0)

lttsync_status lsync_invalid_argument(lttsync_session *session,
				      const char *function);

/*
 * lsync_error() for the getters that take a const session: the last error is
 * not part of the session's state that const promises to keep (like a
 * cache), and a failed getter must not leave an earlier call's message.
 */
lttsync_status lsync_error_const(const lttsync_session *session,
				 lttsync_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Format a message into err (which may be NULL or size 0) and return
 * `status`: the readers' errors, before any session holds them.
 */
lttsync_status lsync_decode_fail(char *err, size_t size, lttsync_status status,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Forget the last error (called at the start of each public entry). */
void lsync_clear_error(lttsync_session *session);

#endif
