/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "session.h"

LTTSYNC_API const char *lttsync_status_string(lttsync_status status)
{
	switch (status) {
	case LTTSYNC_OK: return "success";
	case LTTSYNC_ERROR_INVALID_ARGUMENT: return "invalid argument";
	case LTTSYNC_ERROR_NO_MEMORY: return "out of memory";
	case LTTSYNC_ERROR_NOT_FOUND: return "not found";
	case LTTSYNC_ERROR_NOT_AVAILABLE: return "not available";
	case LTTSYNC_ERROR_IO: return "input/output error";
	case LTTSYNC_ERROR_FORMAT: return "malformed input";
	case LTTSYNC_ERROR_RANGE: return "result out of range";
	case LTTSYNC_ERROR_LIMIT: return "memory limit reached";
	case LTTSYNC_ERROR_NO_DATA: return "no usable network event";
	case LTTSYNC_ERROR_CANCELLED: return "cancelled";
	}
	return "unknown status";
}

LTTSYNC_API const char *lttsync_quality_string(lttsync_quality quality)
{
	switch (quality) {
	case LTTSYNC_QUALITY_ABSENT: return "absent";
	case LTTSYNC_QUALITY_INCOMPLETE: return "incomplete";
	case LTTSYNC_QUALITY_APPROXIMATE: return "approximate";
	case LTTSYNC_QUALITY_ACCURATE: return "accurate";
	case LTTSYNC_QUALITY_FAIL: return "fail";
	case LTTSYNC_QUALITY_REFERENCE: return "reference";
	case LTTSYNC_QUALITY_DISCONNECTED: return "disconnected";
	}
	return "unknown";
}

lttsync_status lsync_error(lttsync_session *session, lttsync_status status,
			   const char *fmt, ...)
{
	va_list ap;

	if (!session)
		return status;
	va_start(ap, fmt);
	vsnprintf(session->error, sizeof(session->error), fmt, ap);
	va_end(ap);
	return status;
}

lttsync_status lsync_error_const(const lttsync_session *session,
				 lttsync_status status, const char *fmt, ...)
{
	lttsync_session *s = (lttsync_session *)session;
	va_list ap;

	if (!s)
		return status;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	return status;
}

void lsync_clear_error(lttsync_session *session)
{
	if (session)
		session->error[0] = '\0';
}

LTTSYNC_API const char *lttsync_session_get_last_error(const lttsync_session *session)
{
	if (!session)
		return "no session (NULL)";
	return session->error;
}

lttsync_status lsync_invalid_argument(lttsync_session *session,
				      const char *function)
{
	static const char prefix[] = "lttsync_session_";

	if (strncmp(function, prefix, sizeof(prefix) - 1) == 0)
		function += sizeof(prefix) - 1;
	return lsync_error(session, LTTSYNC_ERROR_INVALID_ARGUMENT,
			   "%s: NULL argument", function);
}

lttsync_status lsync_decode_fail(char *err, size_t size, lttsync_status status,
				 const char *fmt, ...)
{
	va_list ap;

	if (err && size) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	return status;
}
