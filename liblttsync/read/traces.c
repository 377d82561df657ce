/* SPDX-License-Identifier: MIT */
/*
 * Reading trace folders into a session: find every trace of the call's
 * paths first, then decode them side by side, in this process (here.c)
 * or in worker processes (workers.c; see decode_all() for which), each
 * trace fed through job.c; and
 * the queries about the traces read (status, message, statistics).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "reading.h"

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
	if (g_hash_table_contains(s->read.trace_folders, key)) {
		g_free(key);
		return true;
	}
	g_hash_table_add(s->read.trace_folders, key);
	return false;
}

/* Metadata read to compare traces; larger metadata is not compared. */
#define COPY_CHECK_MAX ((gsize)64 << 20)

/*
 * A copy of a trace (cp -r, a backup next to the original) has the same
 * metadata, trace UUID included, and the same packets: read with the
 * original, every key of that host would be seen twice and dropped as
 * ambiguous, leaving the host disconnected without a word. The trace
 * whose metadata is byte for byte that of an earlier one of the session
 * is therefore not read; returns that earlier trace, or LSYNC_NO_HOST.
 */
static uint32_t copy_of(lttsync_session *s, const char *folder, uint32_t trace)
{
	char *path = g_build_filename(folder, "metadata", NULL), *key;
	gchar *text = NULL, *sum;
	gsize len = 0;
	struct stat st;
	gpointer earlier;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (gsize)st.st_size > COPY_CHECK_MAX ||
	    !g_file_get_contents(path, &text, &len, NULL)) {
		g_free(path);
		return LSYNC_NO_HOST;
	}
	g_free(path);
	sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	g_free(text);
	key = g_strconcat("metadata:", sum, NULL);
	g_free(sum);
	earlier = g_hash_table_lookup(s->read.trace_folders, key);
	if (earlier) {
		g_free(key);
		return GPOINTER_TO_UINT(earlier) - 1;
	}
	g_hash_table_insert(s->read.trace_folders, key, GUINT_TO_POINTER(trace + 1));
	return LSYNC_NO_HOST;
}

static int found_trace(void *user, const char *folder)
{
	struct call *c = user;
	lsync_job j = { NULL, c->host, 0, 0 };
	uint32_t original;
	char *why;

	c->found++;
	if (already_read(c->s, folder)) {
		c->repeated++;
		return 0;
	}
	j.trace = lsync_session_new_trace(c->s, LSYNC_NO_HOST, folder);
	if (j.trace == LSYNC_NO_HOST)
		return lsync_error(c->s, LTTSYNC_ERROR_RANGE, "too many traces");
	original = copy_of(c->s, folder, j.trace);
	if (original != LSYNC_NO_HOST) {
		why = g_strdup_printf("%s: a copy of %s (identical metadata, "
				      "trace UUID included): not read", folder,
				      lsync_session_trace(c->s, original)->name);
		j.folder = (char *)folder; /* not kept: the job is settled here */
		lsync_job_settle(c->s, &j, LTTSYNC_ERROR_INVALID_ARGUMENT, why);
		g_free(why);
		return 0;
	}
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

/*
 * Whether one of the jobs' traces would be read with libbabeltrace2;
 * the check also counts each job's stream files, for the descriptors
 * that reading them in this process takes (here.c).
 */
static bool any_needs_babeltrace2(lttsync_session *s, lsync_job *j, size_t n)
{
	lttsync_reader reader = s->read.reader ? (lttsync_reader)s->read.reader
					       : LTTSYNC_READER_AUTO;

	for (size_t i = 0; i < n; i++)
		if (lsync_decoder_needs_babeltrace2(j[i].folder, reader, &j[i].files))
			return true;
	return false;
}

/*
 * With jobs, traces that our reader reads are read in this process by a
 * pool of threads: it is our own code, and there is no packet to carry
 * over a pipe and merge again. A call with a trace for libbabeltrace2
 * goes to worker processes, all of its traces, so that babeltrace2 runs
 * isolated and the feed stays merged by time across the call.
 */
static lttsync_status decode_all(lttsync_session *s, GArray *jobs,
				 lttsync_progress_fn progress, void *user_data)
{
	lsync_job *j = (lsync_job *)(void *)jobs->data;

	if (!s->read.jobs)
		return lsync_here_read(s, j, jobs->len, 1, progress, user_data);
	if (!any_needs_babeltrace2(s, j, jobs->len))
		return lsync_here_read(s, j, jobs->len,
				       lsync_read_threads(s->read.jobs, 1),
				       progress, user_data);
	return lsync_workers_read(s, j, jobs->len, s->read.jobs, progress,
				  user_data);
}

/*
 * The lines that fit the session's last error, whole, and how many were
 * left out (so a long list never stops mid-path).
 */
static void fit_lines(GString *lines, size_t room)
{
	size_t cut, more = 0;
	char tail[64];

	if (lines->len < room)
		return;
	room -= sizeof(tail);
	cut = room;
	while (cut > 0 && lines->str[cut] != '\n')
		cut--;
	for (size_t i = cut; i < lines->len; i++)
		more += lines->str[i] == '\n';
	g_string_truncate(lines, cut);
	snprintf(tail, sizeof(tail), "%s(and %zu more paths without a trace)",
		 cut ? "\n" : "", more);
	g_string_append(lines, tail);
}

/*
 * Whether the traces the call added gave anything to synchronize: OK when
 * one fed a packet (or the call added none: all were read before);
 * NO_DATA when some were read but none fed a packet; IO when none could
 * be read at all. Each trace's own status says more.
 */
static lttsync_status data_status(lttsync_session *s, size_t first)
{
	size_t n = s->traces->len - first, read = 0;

	for (size_t i = first; i < s->traces->len; i++) {
		const lsync_trace *t = &g_array_index(s->traces, lsync_trace, i);

		if (t->stats.packets > 0)
			return LTTSYNC_OK;
		read += t->status == LTTSYNC_OK || t->status == LTTSYNC_ERROR_NO_DATA;
	}
	if (n == 0)
		return LTTSYNC_OK;
	if (read == 0)
		return lsync_error(s, LTTSYNC_ERROR_IO, "%s of the %zu trace%s "
				   "found could be read", n > 1 ? "none" : "neither",
				   n, n > 1 ? "s" : "");
	return lsync_error(s, LTTSYNC_ERROR_NO_DATA, "no usable network event in "
			   "the %zu trace%s found", n, n > 1 ? "s" : "");
}

/* The call's status and last error once every trace is read. */
static lttsync_status call_status(struct call *c, lttsync_status st,
				  size_t first)
{
	if (st == LTTSYNC_ERROR_CANCELLED)
		return lsync_error(c->s, st, "reading cancelled "
				   "(lttsync_session_cancel())");
	if (st && c->s->error[0])
		return st;
	if (st)
		return lsync_error(c->s, st, "%s", lttsync_status_string(st));
	if (c->first_error) {
		fit_lines(c->path_errors, sizeof(c->s->error));
		return lsync_error(c->s, c->first_error, "%s", c->path_errors->str);
	}
	return data_status(c->s, first);
}

LTTSYNC_API lttsync_status lttsync_session_read_trace_paths(size_t *out_count,
		lttsync_session *s, const char *const *paths,
		const char *const *hosts, size_t n, lttsync_progress_fn progress,
		void *user_data)
{
	struct call c = { .s = s };
	lttsync_status st;
	size_t first;

	if (out_count)
		*out_count = 0;
	if ((st = check_paths(s, paths, hosts, n)))
		return st;
	/* From the progress callback: the readers' state (decoders, heap,
	 * buffers) belongs to the outer call. */
	if (s->read.active)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT, "read_traces: "
				   "called from its own progress callback (the "
				   "session is being read)");
	s->read.active = true;
	/* A cancel meant for an earlier read must not stop this one. */
	atomic_store_explicit(&s->read.cancel, false, memory_order_relaxed);
	first = s->traces->len;
	lsync_clear_error(s);
	c.jobs = g_array_new(FALSE, FALSE, sizeof(lsync_job));
	c.path_errors = g_string_new(NULL);
	for (size_t i = 0; i < n && !st; i++)
		st = find_at(&c, paths[i], hosts ? hosts[i] : NULL);
	if (!st)
		st = decode_all(s, c.jobs, progress, user_data);
	/* Copies of a trace, refused before decoding, count too. */
	if (out_count)
		*out_count = s->traces->len - first;
	st = call_status(&c, st, first);
	s->read.active = false;
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
	LSYNC_INVALID_IF(s, !s);
	s->read.jobs = jobs;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_set_reader(lttsync_session *s,
						  lttsync_reader reader)
{
	if (!s || (reader != LTTSYNC_READER_AUTO && reader != LTTSYNC_READER_BABELTRACE2))
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	s->read.reader = reader;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_trace_status(const lttsync_session *s,
							lttsync_trace_id trace)
{
	if (!s || trace >= s->traces->len)
		return lsync_error_const(s, LTTSYNC_ERROR_NOT_FOUND, "get_trace_status: "
					 "no trace %u (the session has %u)", trace,
					 s->traces->len);
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
	if (!s || !out)
		return lsync_error_const(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					 "get_trace_stat: NULL argument");
	if ((unsigned)which > LTTSYNC_TRACE_STAT_READER)
		return lsync_error_const(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					 "get_trace_stat: no statistic %d", (int)which);
	if (trace >= s->traces->len)
		return lsync_error_const(s, LTTSYNC_ERROR_NOT_FOUND, "get_trace_stat: "
					 "no trace %u (the session has %u)", trace,
					 s->traces->len);
	lsync_clear_error((lttsync_session *)s);
	*out = stat_value(&g_array_index(s->traces, lsync_trace, trace).stats,
			  which);
	return LTTSYNC_OK;
}
