/* SPDX-License-Identifier: MIT */
/*
 * Reading trace folders into a session: find the traces, decode each
 * (decode.c), give it a host, feed its packets to matching, keep its
 * statistics and how reading it went.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "session.h"

/* State of one trace being read. */
struct reading {
	lttsync_session *s;
	const char *host;             /* override, or NULL */
	const char *path;
	uint32_t trace;               /* LSYNC_NO_HOST until begin() */
	lttsync_progress_fn progress;
	void *user_data;
	size_t found;
	size_t repeated;              /* trace folders already read */
};

static int begin_trace(void *user, const char *hostname)
{
	struct reading *r = user;
	const char *name = r->host ? r->host : hostname;
	lttsync_host_id host;

	if (!name || !name[0])
		return lsync_error(r->s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "%s: the trace has no hostname; name its host "
				   "(--host NAME=PATH)", r->path);
	if (lttsync_session_add_host(&host, r->s, name))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	lsync_session_trace(r->s, r->trace)->host = host;
	return 0;
}

static int feed_packet(void *user, const lttsync_packet *p)
{
	struct reading *r = user;
	lttsync_packet copy = *p;

	copy.struct_size = sizeof(copy);
	copy.trace = r->trace;
	return lttsync_session_feed_packet(r->s, &copy);
}

static void report_progress(void *user, uint64_t events)
{
	struct reading *r = user;

	if (r->progress)
		r->progress(r->user_data, r->path, events);
}

/* Record the outcome of one trace; the session's error names it. */
static void settle_trace(struct reading *r, lttsync_status st,
			 const char *err)
{
	lsync_trace *t = lsync_session_trace(r->s, r->trace);

	const char *why = r->s->error[0] ? r->s->error
			  : err[0] ? err : lttsync_status_string(st);

	t->status = st;
	if (st == LTTSYNC_OK)
		return;
	/* Messages from the decoder name the path already. */
	if (strstr(why, r->path))
		t->message = g_strdup(why);
	else
		t->message = g_strdup_printf("%s: %s", r->path, why);
}

/*
 * A trace folder reached twice (two paths, "DIR" and "DIR/host0", two
 * calls) would feed every packet twice and make every key ambiguous: it
 * is read once per session, recognised by device and inode.
 */
static bool already_read(lttsync_session *s, const char *folder)
{
	struct stat st;
	char *key;

	if (stat(folder, &st) != 0)
		return false;
	key = g_strdup_printf("%ju:%ju", (uintmax_t)st.st_dev,
			      (uintmax_t)st.st_ino);
	if (g_hash_table_contains(s->trace_folders, key)) {
		g_free(key);
		return true;
	}
	g_hash_table_add(s->trace_folders, key);
	return false;
}

static int read_one(void *user, const char *folder)
{
	struct reading *r = user;
	lsync_decode_callbacks cb = { begin_trace, feed_packet,
				      report_progress, r };
	char err[LSYNC_ERROR_MAX] = "";
	lttsync_status st;

	r->path = folder;
	if (already_read(r->s, folder)) {
		r->repeated++;
		return 0;
	}
	r->trace = lsync_session_new_trace(r->s, LSYNC_NO_HOST, folder);
	if (r->trace == LSYNC_NO_HOST)
		return lsync_error(r->s, LTTSYNC_ERROR_RANGE, "too many traces");
	r->found++;
	r->s->error[0] = '\0';
	st = lsync_decode_trace(folder, &cb, &lsync_session_trace(r->s, r->trace)->stats,
				err, sizeof(err));
	settle_trace(r, st, err);
	lsync_clear_error(r->s);
	return st == LTTSYNC_ERROR_NO_MEMORY ? st : 0;
}

LTTSYNC_API lttsync_status lttsync_session_read_traces(size_t *out_count,
						   lttsync_session *s,
						   const char *path,
						   const char *host,
						   lttsync_progress_fn progress,
						   void *user_data)
{
	struct reading r = { .s = s, .host = host, .progress = progress,
			     .user_data = user_data };
	char err[LSYNC_ERROR_MAX] = "";
	lttsync_status st;

	if (!s || !path)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "read_traces: NULL argument");
	lsync_clear_error(s);
	if (host && !host[0])
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "read_traces: empty host name");
	st = lsync_find_traces(path, read_one, &r, err, sizeof(err));
	if (out_count)
		*out_count = r.found;
	if (st)
		return lsync_error(s, st, "%s", err[0] ? err : lttsync_status_string(st));
	if (!r.found && !r.repeated)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "%s: no CTF trace (no folder with a metadata file)",
				   path);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_trace_status(const lttsync_session *s,
							lttsync_trace_id trace)
{
	if (!s || trace >= s->traces->len)
		return LTTSYNC_ERROR_NOT_FOUND;
	return g_array_index(s->traces, lsync_trace, trace).status;
}

LTTSYNC_API const char *lttsync_session_get_trace_message(const lttsync_session *s,
						      lttsync_trace_id trace)
{
	const lsync_trace *t;

	if (!s || trace >= s->traces->len)
		return NULL;
	t = &g_array_index(s->traces, lsync_trace, trace);
	return t->message ? t->message : "";
}

static uint64_t stat_value(const lsync_decode_stats *st, lttsync_trace_stat which)
{
	switch (which) {
	case LTTSYNC_TRACE_STAT_STREAMS: return st->streams;
	case LTTSYNC_TRACE_STAT_EVENTS: return st->events;
	case LTTSYNC_TRACE_STAT_NETWORK_EVENTS: return st->network_events;
	case LTTSYNC_TRACE_STAT_PACKETS: return st->packets;
	case LTTSYNC_TRACE_STAT_NO_HEADER: return st->no_header;
	case LTTSYNC_TRACE_STAT_NOT_TCP: return st->not_tcp;
	case LTTSYNC_TRACE_STAT_MALFORMED: return st->malformed;
	}
	return 0;
}

LTTSYNC_API lttsync_status lttsync_session_get_trace_stat(uint64_t *out,
						      const lttsync_session *s,
						      lttsync_trace_id trace,
						      lttsync_trace_stat which)
{
	if (!s || !out || (unsigned)which > LTTSYNC_TRACE_STAT_MALFORMED)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if (trace >= s->traces->len)
		return LTTSYNC_ERROR_NOT_FOUND;
	*out = stat_value(&g_array_index(s->traces, lsync_trace, trace).stats,
			  which);
	return LTTSYNC_OK;
}
