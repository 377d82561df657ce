/* SPDX-License-Identifier: MIT */
/*
 * One trace being read, whoever decodes it (here.c in this process,
 * workers.c in worker processes): its host declared from its identity,
 * its packets fed to matching, how reading it went recorded.
 */
#include <stdio.h>
#include <string.h>

#include "reading.h"

static void format_uuid(char out[37], const uint8_t u[16])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/*
 * The traces of one host must share its clock: a second machine under
 * the same name (a cloned VM, a --host naming the wrong trace) would
 * have its messages with the first dropped as loopback, and one transform
 * applied to two clocks. Traces without a clock UUID are not checked.
 */
static lttsync_status check_clock(lttsync_session *s, const lsync_job *j,
				  lttsync_host_id host, const char *name,
				  const uint8_t *clock)
{
	lsync_host *h = &g_array_index(s->hosts, lsync_host, host);
	char mine[37], theirs[37];

	if (!clock)
		return LTTSYNC_OK;
	if (!h->has_clock) {
		memcpy(h->clock, clock, 16);
		h->has_clock = true;
		h->clock_trace = j->trace;
		return LTTSYNC_OK;
	}
	if (!memcmp(h->clock, clock, 16))
		return LTTSYNC_OK;
	format_uuid(mine, clock);
	format_uuid(theirs, h->clock);
	return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
			   "%s: host `%s` is already %s's, whose clock differs "
			   "(UUID %s, not %s): give this trace its own host "
			   "name (--host NAME=PATH)", j->folder, name,
			   lsync_session_trace(s, h->clock_trace)->name, mine, theirs);
}

lttsync_status lsync_job_begin(lttsync_session *s, const lsync_job *j,
			       const char *hostname, const uint8_t *clock)
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
	if ((st = check_clock(s, j, host, name, clock)))
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
