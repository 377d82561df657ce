/* SPDX-License-Identifier: MIT */
/*
 * Reading trace folders into a session: find every trace of the call's
 * paths first, then decode them side by side, in this process (here.c)
 * or in worker processes (workers.c); give each
 * a host, feed its packets to matching, keep its statistics and how
 * reading it went.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "reading.h"

/* ---- one trace --------------------------------------------------------- */

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

/* ---- one call ---------------------------------------------------------- */

/* The trace folders of one call, found before any is decoded. */
struct call {
	lttsync_session *s;
	GArray *jobs;                 /* lsync_job */
	const char *host;             /* of the path being searched */
	size_t found;                 /* traces found at this path */
	size_t repeated;              /* of them, already read by the session */
	GString *path_errors;         /* one line per path without a trace */
	lttsync_status first_error;
};

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

static int found_trace(void *user, const char *folder)
{
	struct call *c = user;
	lsync_job j = { NULL, c->host, 0 };

	c->found++;
	if (already_read(c->s, folder)) {
		c->repeated++;
		return 0;
	}
	j.trace = lsync_session_new_trace(c->s, LSYNC_NO_HOST, folder);
	if (j.trace == LSYNC_NO_HOST)
		return lsync_error(c->s, LTTSYNC_ERROR_RANGE, "too many traces");
	j.folder = g_strdup(folder);
	g_array_append_val(c->jobs, j);
	return 0;
}

static void path_error(struct call *c, lttsync_status st, const char *msg)
{
	if (!c->first_error)
		c->first_error = st;
	if (c->path_errors->len)
		g_string_append_c(c->path_errors, '\n');
	g_string_append(c->path_errors, msg);
}

/* Find the traces at one path; a path without any is recorded. */
static lttsync_status find_at(struct call *c, const char *path, const char *host)
{
	char err[LSYNC_ERROR_MAX] = "";
	lttsync_status st;

	c->host = host;
	c->found = c->repeated = 0;
	st = lsync_find_traces(path, found_trace, c, err, sizeof(err));
	if (st == LTTSYNC_ERROR_RANGE || st == LTTSYNC_ERROR_NO_MEMORY)
		return st;
	if (st)
		path_error(c, st, err[0] ? err : lttsync_status_string(st));
	else if (!c->found) {
		g_snprintf(err, sizeof(err), "%s: no CTF trace (no folder with a "
			   "metadata file)", path);
		path_error(c, LTTSYNC_ERROR_NOT_FOUND, err);
	}
	return LTTSYNC_OK;
}

static lttsync_status check_paths(lttsync_session *s, const char *const *paths,
				  const char *const *hosts, size_t n)
{
	if (!s || (!paths && n))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "read_trace_paths: NULL argument");
	for (size_t i = 0; i < n; i++) {
		if (!paths[i])
			return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					   "read_trace_paths: NULL path");
		if (hosts && hosts[i] && !hosts[i][0])
			return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					   "read_traces: empty host name");
	}
	return LTTSYNC_OK;
}

static lttsync_status decode_all(lttsync_session *s, GArray *jobs,
				 lttsync_progress_fn progress, void *user_data)
{
	lsync_job *j = (lsync_job *)(void *)jobs->data;

	if (s->read_jobs)
		return lsync_workers_read(s, j, jobs->len, s->read_jobs,
					  progress, user_data);
	return lsync_here_read(s, j, jobs->len, progress, user_data);
}

/* The call's status and last error once every trace is read. */
static lttsync_status call_status(struct call *c, lttsync_status st)
{
	if (st && c->s->error[0])
		return st;
	if (st)
		return lsync_error(c->s, st, "%s", lttsync_status_string(st));
	if (c->first_error)
		return lsync_error(c->s, c->first_error, "%s", c->path_errors->str);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_read_trace_paths(size_t *out_count,
		lttsync_session *s, const char *const *paths,
		const char *const *hosts, size_t n, lttsync_progress_fn progress,
		void *user_data)
{
	struct call c = { .s = s };
	lttsync_status st;

	if (out_count)
		*out_count = 0;
	if ((st = check_paths(s, paths, hosts, n)))
		return st;
	lsync_clear_error(s);
	c.jobs = g_array_new(FALSE, FALSE, sizeof(lsync_job));
	c.path_errors = g_string_new(NULL);
	for (size_t i = 0; i < n && !st; i++)
		st = find_at(&c, paths[i], hosts ? hosts[i] : NULL);
	if (!st)
		st = decode_all(s, c.jobs, progress, user_data);
	if (out_count)
		*out_count = c.jobs->len;
	st = call_status(&c, st);
	for (size_t i = 0; i < c.jobs->len; i++)
		g_free(g_array_index(c.jobs, lsync_job, i).folder);
	g_array_free(c.jobs, TRUE);
	g_string_free(c.path_errors, TRUE);
	return st;
}

LTTSYNC_API lttsync_status lttsync_session_read_traces(size_t *out_count,
						   lttsync_session *s,
						   const char *path,
						   const char *host,
						   lttsync_progress_fn progress,
						   void *user_data)
{
	if (!s || !path) {
		if (out_count)
			*out_count = 0;
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "read_traces: NULL argument");
	}
	return lttsync_session_read_trace_paths(out_count, s, &path, &host, 1,
						progress, user_data);
}

LTTSYNC_API lttsync_status lttsync_session_set_read_jobs(lttsync_session *s,
						     unsigned jobs)
{
	if (!s)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	s->read_jobs = jobs;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_set_reader(lttsync_session *s,
						  lttsync_reader reader)
{
	if (!s || (reader != LTTSYNC_READER_AUTO && reader != LTTSYNC_READER_BABELTRACE2))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	s->reader = reader;
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
	case LTTSYNC_TRACE_STAT_READER: return st->reader;
	}
	return 0;
}

LTTSYNC_API lttsync_status lttsync_session_get_trace_stat(uint64_t *out,
						      const lttsync_session *s,
						      lttsync_trace_id trace,
						      lttsync_trace_stat which)
{
	if (!s || !out || (unsigned)which > LTTSYNC_TRACE_STAT_READER)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	if (trace >= s->traces->len)
		return LTTSYNC_ERROR_NOT_FOUND;
	*out = stat_value(&g_array_index(s->traces, lsync_trace, trace).stats,
			  which);
	return LTTSYNC_OK;
}
