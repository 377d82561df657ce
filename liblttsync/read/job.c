/* SPDX-License-Identifier: MIT */
/*
 * One trace being read, whoever decodes it (here.c in this process,
 * workers.c in worker processes): its host declared from its identity,
 * its packets fed to matching, how reading it went recorded.
 */
#include <inttypes.h>
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

/*
 * A trace read well that fed nothing to matching: its statistics say
 * whether it had no network event at all, or only ones without the
 * headers, of another protocol, or malformed.
 */
static void settle_no_data(lsync_trace *t, const lsync_job *j, const char *note)
{
	const lsync_decode_stats *d = &t->stats;

	t->status = LTTSYNC_ERROR_NO_DATA;
	t->message = g_strdup_printf("%s: no usable network events (%" PRIu64
				     " events, %" PRIu64 " network events: %" PRIu64
				     " without IP/TCP headers, %" PRIu64 " not TCP, %"
				     PRIu64 " malformed)%s%s", j->folder, d->events,
				     d->network_events, d->no_header, d->not_tcp,
				     d->malformed, note[0] ? "; " : "", note);
}

void lsync_job_settle(lttsync_session *s, const lsync_job *j,
		      lttsync_status st, const char *why)
{
	lsync_trace *t = lsync_session_trace(s, j->trace);

	t->status = st;
	g_free(t->message);
	t->message = NULL;
	if (st == LTTSYNC_OK && t->stats.packets == 0) {
		settle_no_data(t, j, why);
		return;
	}
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

bool lsync_read_cancelled(lttsync_session *s)
{
	return atomic_load_explicit(&s->read.cancel, memory_order_relaxed);
}

const char *lsync_stop_reason(lttsync_status st, bool started)
{
	if (st == LTTSYNC_ERROR_CANCELLED)
		return started ? "reading cancelled (lttsync_session_cancel()); "
				 "the packets read before were used"
			       : "not read: reading cancelled (lttsync_session_cancel())";
	return started ? "reading stopped: the session ran out of memory"
		       : "not read: the session ran out of memory";
}

LTTSYNC_API void lttsync_session_cancel(lttsync_session *s)
{
	if (s)
		atomic_store_explicit(&s->read.cancel, true, memory_order_relaxed);
}
