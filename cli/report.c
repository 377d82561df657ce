/* SPDX-License-Identifier: MIT */
#include "report.h"

/* Synchronized: a path to the reference (a parent) and a quality good
 * enough to use its transform. */
static bool host_synchronized(lttsync_session *s, lttsync_host_id h)
{
	lttsync_quality q;
	lttsync_host_id parent;

	if (lttsync_session_get_host_quality(&q, s, h) != LTTSYNC_OK ||
	    lttsync_session_get_host_parent(&parent, s, h) != LTTSYNC_OK)
		return false;
	return q == LTTSYNC_QUALITY_REFERENCE || q == LTTSYNC_QUALITY_ACCURATE ||
	       q == LTTSYNC_QUALITY_APPROXIMATE;
}

bool report_all_synchronized(lttsync_session *s)
{
	size_t n = lttsync_session_get_host_count(s);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!host_synchronized(s, (lttsync_host_id)i))
			return false;
	return true;
}
