/* SPDX-License-Identifier: MIT */
/*
 * Decoding traces in the calling process (reading.h), with no worker
 * process: `lttsync --jobs 0`, lttsync_session_set_read_jobs(s, 0); with
 * jobs, a call whose traces our reader all reads (traces.c), with a pool
 * of threads; and the fallback when lttsync-decoder cannot be started
 * (all traces side by side when it is missing from the start; one by
 * one, lsync_job_decode_here(), for a trace whose decoder fails to start
 * later).
 *
 * Side by side, like the workers: up to LSYNC_HERE_AT_ONCE traces are
 * open at once, and the one whose position (the oldest time it may still
 * hand out), less its host's lead (leads.c), is lowest runs its next
 * babeltrace2 batch. The feed is thus merged by time within about a
 * batch, so a key waits in the pending table only for the latency
 * between its two hosts (doc/matching.md): read one after another, a
 * trace with more TCP packets than the pending cap would lose the matches of
 * every trace read before it. A key's second event also finds it in the
 * matcher's cache of recent keys rather than at a random place in
 * memory. A trace
 * started late (more than LSYNC_HERE_AT_ONCE traces) is behind the others
 * and runs alone until it catches up.
 *
 * Memory: one babeltrace2 graph per open trace. Open traces also hold
 * their stream files open, hence the bound.
 *
 * Threads: with more than one, a pool of threads decodes the stream
 * files of the open traces that our reader reads ahead of their steps
 * (ctf.h); what the traces hand out, and in which order, is the same.
 */
#include "ctf.h"
#include "decode.h"
#include "descriptors.h"
#include "reading.h"

#include <unistd.h>

/*
 * Packets of a trace are fed in batches of up to this many (one
 * babeltrace2 batch of events yields fewer), through
 * lttsync_session_feed_packets(), which prefetches the matcher's memory
 * for the packets ahead.
 */
#define HERE_BATCH 64

/* One open trace: the callbacks' context, its decoder, its packets. */
typedef struct here_trace {
	lttsync_session *s;
	const lsync_job *j;
	lttsync_progress_fn progress;
	void *user_data;
	lsync_decode_callbacks cb; /* the decoder points at it: never moved */
	lsync_decoder *d;
	int64_t position;
	uint8_t clock[16];         /* the trace's clock UUID, if has_clock */
	bool has_clock;
	size_t len;                /* packets waiting in buf */
	lttsync_packet buf[HERE_BATCH];
} here_trace;

/* Feed the waiting packets; a refusal leaves its reason in the session. */
static lttsync_status here_flush(here_trace *t)
{
	size_t fed;
	lttsync_status st = LTTSYNC_OK;

	if (t->len)
		st = lttsync_session_feed_packets(&fed, t->s, t->buf, t->len);
	t->len = 0;
	return st;
}

static int here_begin(void *user, const char *hostname)
{
	here_trace *t = user;

	return lsync_job_begin(t->s, t->j, hostname, t->has_clock ? t->clock : NULL);
}

static void here_clock(void *user, const uint8_t uuid[16])
{
	here_trace *t = user;

	memcpy(t->clock, uuid, 16);
	t->has_clock = true;
}

static int here_packet(void *user, const lttsync_packet *p)
{
	here_trace *t = user;

	lsync_job_packet(&t->buf[t->len++], t->j, p);
	return t->len == HERE_BATCH ? here_flush(t) : 0;
}

static void here_progress(void *user, uint64_t events)
{
	here_trace *t = user;

	if (t->progress)
		t->progress(t->user_data, t->j->folder, events);
}

static here_trace *here_open(lttsync_session *s, const lsync_job *j,
			     lsync_skim_pool *pool, lttsync_progress_fn progress,
			     void *user_data)
{
	here_trace *t = g_new0(here_trace, 1);

	t->s = s;
	t->j = j;
	t->progress = progress;
	t->user_data = user_data;
	t->cb = (lsync_decode_callbacks){ here_begin, here_packet, here_progress, t,
					  here_clock };
	t->position = INT64_MIN;
	lsync_decoder_open_with(&t->d, j->folder, &t->cb,
				&lsync_session_trace(s, j->trace)->stats,
				s->read.reader ? (lttsync_reader)s->read.reader : LTTSYNC_READER_AUTO);
	lsync_decoder_attach(t->d, pool);
	return t;
}

/* Record how reading went and free the trace. */
static lttsync_status here_settle(here_trace *t, lttsync_status st,
				  const char *why)
{
	lttsync_session *s = t->s;

	lsync_job_settle(s, t->j, st, why);
	lsync_clear_error(s);
	g_free(t);
	return st == LTTSYNC_ERROR_NO_MEMORY ? st : LTTSYNC_OK;
}

/*
 * Close and settle the trace (closing hands out held-back packets, fed
 * here too). A callback's failure is better told by the session's error,
 * which only this trace's feeds can have set: a refusal stops its trace
 * at once, and it is closed next.
 */
static lttsync_status here_close(here_trace *t)
{
	char err[LSYNC_ERROR_MAX] = "";
	lttsync_status st = lsync_decoder_close(t->d, err, sizeof(err));
	lttsync_status fed = here_flush(t);

	if (st == LTTSYNC_OK)
		st = fed;
	return here_settle(t, st, t->s->error[0] ? t->s->error : err);
}

/*
 * One batch of the trace, and its packets fed. Returns true while the
 * trace has more; false once it is settled (*st: NO_MEMORY stops all).
 */
static bool here_step(here_trace *t, lttsync_status *st)
{
	bool more = lsync_decoder_step(t->d, &t->position);
	lttsync_status fed = here_flush(t);

	*st = LTTSYNC_OK;
	if (fed) {
		lsync_decoder_abandon(t->d, fed);
		*st = here_settle(t, fed, t->s->error);
		return false;
	}
	if (more)
		return true;
	*st = here_close(t);
	return false;
}

unsigned lsync_read_threads(unsigned jobs, size_t running)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned most = cpus > 0 && (unsigned long)cpus < jobs ? (unsigned)cpus : jobs;

	return running && most / running > 1 ? (unsigned)(most / running) : 1;
}

/* Threads decoding ahead for `threads` threads in all, or NULL. */
static lsync_skim_pool *here_pool(unsigned threads)
{
	return threads > 1 ? lsync_skim_pool_new(threads - 1) : NULL;
}

lttsync_status lsync_job_decode_here(lttsync_session *s, const lsync_job *j,
				     unsigned threads, lttsync_progress_fn progress,
				     void *user_data)
{
	lsync_skim_pool *pool = here_pool(threads);
	here_trace *t = here_open(s, j, pool, progress, user_data);
	lttsync_status st;

	s->error[0] = '\0';
	while (here_step(t, &st))
		if (lsync_read_cancelled(s)) {
			lsync_decoder_abandon(t->d, LTTSYNC_ERROR_CANCELLED);
			here_settle(t, LTTSYNC_ERROR_CANCELLED,
				    lsync_stop_reason(LTTSYNC_ERROR_CANCELLED, true));
			st = LTTSYNC_ERROR_CANCELLED;
			break;
		}
	lsync_skim_pool_free(pool);
	return st;
}

/* A trace's place in the merge: its position, less its host's lead. */
static int64_t here_key(const here_trace *t)
{
	uint32_t host = lsync_session_trace(t->s, t->j->trace)->host;

	if (t->position == INT64_MIN) /* not started: first */
		return INT64_MIN;
	return lsync_merge_key(t->position, lsync_session_lead(t->s, host));
}

/* The open trace furthest behind. */
static size_t behind(here_trace *const *open, size_t n)
{
	size_t k = 0;
	int64_t low, key;

	lsync_session_refresh_leads(open[0]->s);
	low = here_key(open[0]);
	for (size_t i = 1; i < n; i++)
		if ((key = here_key(open[i])) < low) {
			low = key;
			k = i;
		}
	return k;
}

lttsync_status lsync_here_read(lttsync_session *s, lsync_job *jobs, size_t n,
			       unsigned threads, lttsync_progress_fn progress,
			       void *user_data)
{
	lsync_skim_pool *pool = here_pool(threads);
	here_trace *open[LSYNC_HERE_AT_ONCE];
	size_t n_open = 0, next = 0, k;
	lttsync_status st = LTTSYNC_OK;
	/* babeltrace2 keeps each stream file of an open trace open: about 8
	 * descriptors a trace, within what the process's limit leaves. */
	unsigned at_once = lsync_fd_room(LSYNC_HERE_AT_ONCE, 8, 16);

	s->error[0] = '\0';
	while (!st && (next < n || n_open)) {
		if (lsync_read_cancelled(s)) {
			st = LTTSYNC_ERROR_CANCELLED;
			break;
		}
		while (next < n && n_open < at_once)
			open[n_open++] = here_open(s, &jobs[next++], pool, progress,
						   user_data);
		k = behind(open, n_open);
		if (!here_step(open[k], &st))
			open[k] = open[--n_open];
	}
	/* Out of memory or cancelled: what is still open or not started is
	 * not read (further). */
	for (size_t i = 0; i < n_open; i++) {
		lsync_decoder_abandon(open[i]->d, st);
		here_settle(open[i], st, lsync_stop_reason(st, true));
	}
	for (; next < n; next++)
		lsync_job_settle(s, &jobs[next], st, lsync_stop_reason(st, false));
	lsync_skim_pool_free(pool);
	return st;
}
