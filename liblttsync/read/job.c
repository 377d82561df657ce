/* SPDX-License-Identifier: MIT */
/*
 * One trace being read, whoever decodes it (here.c in this process,
 * workers.c in worker processes): its host declared from its identity,
 * its packets fed to matching, how reading it went recorded.
 */
#include <string.h>

#include "reading.h"

lttsync_status lsync_job_begin(lttsync_session *s, const lsync_job *j,
			       const char *hostname)
{
	const char *name = j->host ? j->host : hostname;
	lttsync_host_id host;
	lttsync_status st;

	if (!name || !name[0])
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "%s: the trace has no hostname; name its host "
				   "(--host NAME=PATH)", j->folder);
	if ((st = lttsync_session_add_host(&host, s, name)))
		return st;
	lsync_session_trace(s, j->trace)->host = host;
	return LTTSYNC_OK;
}

void lsync_job_packet(lttsync_packet *out, const lsync_job *j,
		      const lttsync_packet *p)
{
	*out = *p;
	out->struct_size = sizeof(*out);
	out->trace = j->trace;
}

lttsync_status lsync_job_feed(lttsync_session *s, const lsync_job *j,
			      const lttsync_packet *p)
{
	lttsync_packet copy;

	lsync_job_packet(&copy, j, p);
	return lttsync_session_feed_packet(s, &copy);
}

void lsync_job_settle(lttsync_session *s, const lsync_job *j,
		      lttsync_status st, const char *why)
{
	lsync_trace *t = lsync_session_trace(s, j->trace);

	t->status = st;
	g_free(t->message);
	t->message = NULL;
	if (st == LTTSYNC_OK && !why[0])
		return;
	if (!why[0])
		why = lttsync_status_string(st);
	/* Messages from the decoder name the path already. */
	if (strstr(why, j->folder))
		t->message = g_strdup(why);
	else
		t->message = g_strdup_printf("%s: %s", j->folder, why);
}
