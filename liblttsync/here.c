/* SPDX-License-Identifier: MIT */
/*
 * Decoding traces in the calling process (reading.h), with no worker
 * process: `lttsync --jobs 0`, lttsync_session_set_read_jobs(s, 0), and
 * the fallback when lttsync-decoder cannot be started.
 *
 * Side by side, like the workers: up to LSYNC_HERE_AT_ONCE traces are
 * open at once, and the one whose position (the oldest time it may still
 * hand out) is lowest runs its next babeltrace2 batch. The feed is thus
 * merged by time within about a batch, so a key waits in the pending
 * table only for the latency and clock offset between its two hosts
 * (doc/matching.md), and its second event mostly finds it in the
 * matcher's cache of recent keys instead of at a random place in memory:
 * read one after another, a network-heavy set of four traces spent
 * 0.3 s of 2.1 s in matching, and a trace with more TCP packets than the
 * pending cap lost the matches of every trace read before it. A trace
 * started late (more than LSYNC_HERE_AT_ONCE traces) is behind the others
 * and runs alone until it catches up.
 *
 * Memory: one babeltrace2 graph per open trace. Open traces also hold
 * their stream files open, hence the bound.
 */
#include "decode.h"
#include "reading.h"

/* One open trace: the callbacks' context and its decoder. */
typedef struct here_trace {
	lttsync_session *s;
	const lsync_job *j;
	lttsync_progress_fn progress;
	void *user_data;
	lsync_decode_callbacks cb; /* the decoder points at it: never moved */
	lsync_decoder *d;
	int64_t position;
} here_trace;

static int here_begin(void *user, const char *hostname)
{
	here_trace *t = user;

	return lsync_job_begin(t->s, t->j, hostname);
}

static int here_packet(void *user, const lttsync_packet *p)
{
	here_trace *t = user;

	return lsync_job_feed(t->s, t->j, p);
}

static void here_progress(void *user, uint64_t events)
{
	here_trace *t = user;

	if (t->progress)
		t->progress(t->user_data, t->j->folder, events);
}

static here_trace *here_open(lttsync_session *s, const lsync_job *j,
			     lttsync_progress_fn progress, void *user_data)
{
	here_trace *t = g_new0(here_trace, 1);

	t->s = s;
	t->j = j;
	t->progress = progress;
	t->user_data = user_data;
	t->cb = (lsync_decode_callbacks){ here_begin, here_packet, here_progress, t };
	t->position = INT64_MIN;
	lsync_decoder_open(&t->d, j->folder, &t->cb,
			   &lsync_session_trace(s, j->trace)->stats);
	return t;
}

/*
 * Close and settle the trace. A callback's failure is better told by the
 * session's error, which only this trace's callbacks can have set: a
 * failing callback stops its trace at once, and it is closed next.
 */
static lttsync_status here_close(here_trace *t)
{
	char err[LSYNC_ERROR_MAX] = "";
	lttsync_session *s = t->s;
	lttsync_status st = lsync_decoder_close(t->d, err, sizeof(err));

	lsync_job_settle(s, t->j, st, s->error[0] ? s->error : err);
	lsync_clear_error(s);
	g_free(t);
	return st == LTTSYNC_ERROR_NO_MEMORY ? st : LTTSYNC_OK;
}

lttsync_status lsync_job_decode_here(lttsync_session *s, const lsync_job *j,
				     lttsync_progress_fn progress, void *user_data)
{
	here_trace *t = here_open(s, j, progress, user_data);

	s->error[0] = '\0';
	while (lsync_decoder_step(t->d, &t->position))
		;
	return here_close(t);
}

/* The open trace furthest behind. */
static size_t behind(here_trace *const *open, size_t n)
{
	size_t k = 0;

	for (size_t i = 1; i < n; i++)
		if (open[i]->position < open[k]->position)
			k = i;
	return k;
}

lttsync_status lsync_here_read(lttsync_session *s, lsync_job *jobs, size_t n,
			       lttsync_progress_fn progress, void *user_data)
{
	here_trace *open[LSYNC_HERE_AT_ONCE];
	size_t n_open = 0, next = 0, k;
	lttsync_status st = LTTSYNC_OK;

	s->error[0] = '\0';
	while (!st && (next < n || n_open)) {
		while (next < n && n_open < LSYNC_HERE_AT_ONCE)
			open[n_open++] = here_open(s, &jobs[next++], progress,
						   user_data);
		k = behind(open, n_open);
		if (lsync_decoder_step(open[k]->d, &open[k]->position))
			continue;
		st = here_close(open[k]);
		open[k] = open[--n_open];
	}
	/* Out of memory: what is still open or not started is not read. */
	for (size_t i = 0; i < n_open; i++) {
		lsync_job_settle(s, open[i]->j, LTTSYNC_ERROR_NO_MEMORY,
				 "reading stopped: the session ran out of memory");
		lsync_decoder_abandon(open[i]->d, LTTSYNC_ERROR_NO_MEMORY);
		g_free(open[i]);
	}
	for (; next < n; next++)
		lsync_job_settle(s, &jobs[next], LTTSYNC_ERROR_NO_MEMORY,
				 "not read: the session ran out of memory");
	return st;
}
