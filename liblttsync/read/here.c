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
 * Side by side, like the workers, and in the same order: up to
 * LSYNC_HERE_AT_ONCE traces are open at once; each trace's packets are
 * cut into batches where lttsync-decoder cuts its records (wire.h: every
 * LSYNC_WIRE_BATCH packets, and at each progress call), every trace's
 * first batch is fed first, then the packets of all traces merged by time
 * (a min-heap on each trace's next packet, keyed by its timestamp less its
 * host's lead, leads.c, the leads followed between batches) exactly as
 * workers.c merges its workers' output. The feed is thus the same packet
 * for packet, and so are the results, even when the pending table
 * overflows (doc/matching.md). A trace started late (more than
 * LSYNC_HERE_AT_ONCE traces) is behind the others and runs alone until it
 * catches up.
 *
 * Memory: one decoder per open trace (a babeltrace2 graph, or our
 * reader's mapped windows), and the packets of its current step not fed
 * yet (a step is bounded, ctf_skim.c). Open traces also hold their
 * stream files open, hence the bound.
 *
 * Threads: with more than one, a pool of threads decodes the stream
 * files of the open traces that our reader reads ahead of their steps
 * (ctf.h); what the traces hand out, and in which order, is the same.
 */
#include "ctf.h"
#include "decode.h"
#include "descriptors.h"
#include "merge_heap.h"
#include "reading.h"
#include "wire.h"

#include <unistd.h>

/* One open trace: the callbacks' context, its decoder, its packets. */
typedef struct here_trace {
	lttsync_session *s;
	const lsync_job *j;
	lttsync_progress_fn progress;
	void *user_data;
	lsync_decode_callbacks cb; /* the decoder points at it: never moved */
	lsync_decoder *d;          /* NULL once closed */
	uint8_t clock[16];         /* the trace's clock UUID, if has_clock */
	bool has_clock;
	bool nomem;                /* a packet could not be kept */
	/* Packets handed out and not fed yet: q[0..len) are packets
	 * base..base+len of the trace; `fed` is the next to feed. */
	lttsync_packet *q;
	size_t len, cap;
	uint64_t base, fed, produced;
	/* Batches: ends (packet numbers) of those complete, cuts[r..n);
	 * the batch being fed ends at batch_end; the one being filled
	 * starts at open_start. */
	uint64_t *cuts;
	size_t n_cuts, r_cuts, cap_cuts;
	uint64_t batch_end, open_start;
	bool first_batch;          /* its first batch is being fed (merged first) */
	int64_t lead;              /* its host's lead when last looked */
	int64_t head;              /* here_head(), kept: the merge compares it */
	lttsync_status status;     /* once closed: how decoding went */
	char why[LSYNC_ERROR_MAX];
} here_trace;

/* Close the batch being filled, if it has a packet. */
static bool here_cut(here_trace *t)
{
	if (t->produced == t->open_start)
		return true;
	if (t->n_cuts == t->cap_cuts) {
		size_t cap = t->cap_cuts ? 2 * t->cap_cuts : 16;
		uint64_t *grown = g_try_renew(uint64_t, t->cuts, cap);

		if (!grown)
			return false;
		t->cuts = grown;
		t->cap_cuts = cap;
	}
	t->cuts[t->n_cuts++] = t->open_start = t->produced;
	return true;
}

static int here_begin(void *user, const char *hostname)
{
	here_trace *t = user;
	lttsync_status st = lsync_job_begin(t->s, t->j, hostname,
					    t->has_clock ? t->clock : NULL);

	/* Kept: other traces' feeds clear the session's error. */
	if (st)
		g_strlcpy(t->why, t->s->error, sizeof(t->why));
	return st;
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

	if (t->len == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 2 * LSYNC_WIRE_BATCH;
		lttsync_packet *grown = g_try_renew(lttsync_packet, t->q, cap);

		if (!grown) {
			t->nomem = true;
			return LTTSYNC_ERROR_NO_MEMORY;
		}
		t->q = grown;
		t->cap = cap;
	}
	lsync_job_packet(&t->q[t->len++], t->j, p);
	t->produced++;
	if (t->produced - t->open_start == LSYNC_WIRE_BATCH && !here_cut(t)) {
		t->nomem = true;
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	return 0;
}

static void here_progress(void *user, uint64_t events)
{
	here_trace *t = user;

	/* lttsync-decoder sends its packets before each count. */
	if (!here_cut(t))
		t->nomem = true;
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
	lsync_decoder_open_with(&t->d, j->folder, &t->cb,
				&lsync_session_trace(s, j->trace)->stats,
				s->read.reader ? (lttsync_reader)s->read.reader : LTTSYNC_READER_AUTO);
	lsync_decoder_attach(t->d, pool);
	return t;
}

static void here_free(here_trace *t)
{
	g_free(t->q);
	g_free(t->cuts);
	g_free(t);
}

/* Record how reading went and free the trace. NO_MEMORY stops all. */
static lttsync_status here_settle(here_trace *t, lttsync_status st,
				  const char *why)
{
	lttsync_session *s = t->s;

	if (t->nomem)
		st = LTTSYNC_ERROR_NO_MEMORY;
	lsync_job_settle(s, t->j, st, st == LTTSYNC_ERROR_NO_MEMORY && !why[0]
			 ? lsync_stop_reason(st, true) : why);
	lsync_clear_error(s);
	here_free(t);
	return st == LTTSYNC_ERROR_NO_MEMORY ? st : LTTSYNC_OK;
}

/* Stop the trace where it is (a refusal, a cancel) and settle it. */
static lttsync_status here_stop(here_trace *t, lttsync_status st, const char *why)
{
	if (t->d)
		lsync_decoder_abandon(t->d, st);
	t->d = NULL;
	return here_settle(t, st, why);
}

/* The decoder is done: close it (closing may hand out held-back packets)
 * and cut the last batch. */
static void here_close_decoder(here_trace *t)
{
	char err[LSYNC_ERROR_MAX] = "";

	t->status = lsync_decoder_close(t->d, err, sizeof(err));
	t->d = NULL;
	if (!here_cut(t))
		t->nomem = true;
	/* A callback's failure is better told by the reason it kept. */
	if (t->status && !t->why[0])
		g_strlcpy(t->why, err, sizeof(t->why));
	else if (!t->status)
		t->why[0] = '\0';
}

/* Move the packets not fed yet to the front of the queue. */
static void here_compact(here_trace *t)
{
	size_t done = (size_t)(t->fed - t->base);

	if (!done)
		return;
	memmove(t->q, t->q + done, (t->len - done) * sizeof(*t->q));
	t->len -= done;
	t->base = t->fed;
	t->n_cuts -= t->r_cuts;
	memmove(t->cuts, t->cuts + t->r_cuts, t->n_cuts * sizeof(*t->cuts));
	t->r_cuts = 0;
}

typedef enum refill_result { REFILL_DONE, REFILL_BATCH, REFILL_CANCELLED } refill_result;

/* Step the decoder until t has a complete batch to feed, or ends. */
static refill_result here_refill(here_trace *t)
{
	int64_t position;

	while (t->r_cuts == t->n_cuts) {
		if (t->nomem && t->d) {
			lsync_decoder_abandon(t->d, LTTSYNC_ERROR_NO_MEMORY);
			t->d = NULL;
		}
		if (!t->d)
			return REFILL_DONE;
		if (lsync_read_cancelled(t->s))
			return REFILL_CANCELLED;
		here_compact(t);
		if (!lsync_decoder_step(t->d, &position))
			here_close_decoder(t);
	}
	t->batch_end = t->cuts[t->r_cuts++];
	return REFILL_BATCH;
}

/* ---- the merge (as workers.c's) ---------------------------------------- */

typedef struct here_merge {
	lttsync_session *s;
	lsync_merge_heap h;   /* of here_trace, by here_head() */
} here_merge;

/* Packet i's place in the merge: every trace's first batch comes first
 * (workers.c, head()). */
static int64_t here_key(const here_trace *t, uint64_t i)
{
	if (t->first_batch)
		return INT64_MIN;
	return lsync_merge_key(t->q[i - t->base].timestamp_ns, t->lead);
}

static int64_t here_head(const void *t)
{
	return ((const here_trace *)t)->head;
}

static here_trace *here_top(const here_merge *m)
{
	return m->h.item[0];
}

static void here_look_up_lead(here_merge *m, here_trace *t)
{
	t->lead = lsync_session_lead(m->s, lsync_session_trace(m->s, t->j->trace)->host);
	t->head = here_key(t, t->fed);
}

/* Between batches: when the leads changed, every key moved; rebuild. */
static void here_follow_leads(here_merge *m)
{
	if (!lsync_session_refresh_leads(m->s))
		return;
	for (size_t i = 0; i < m->h.n; i++)
		here_look_up_lead(m, m->h.item[i]);
	lsync_heap_rebuild(&m->h);
}

/* The trace has nothing more to feed: settle it as its decoder ended. */
static lttsync_status here_finish(here_trace *t)
{
	return here_settle(t, t->status, t->why);
}

/* Open the trace and read its first batch; into the merge if it has one. */
static lttsync_status here_launch(here_merge *m, here_trace *t)
{
	switch (here_refill(t)) {
	case REFILL_CANCELLED:
		here_stop(t, LTTSYNC_ERROR_CANCELLED,
			  lsync_stop_reason(LTTSYNC_ERROR_CANCELLED, true));
		return LTTSYNC_ERROR_CANCELLED;
	case REFILL_DONE:
		return here_finish(t);
	case REFILL_BATCH:
		break;
	}
	t->first_batch = true;
	here_look_up_lead(m, t);
	lsync_heap_push(&m->h, t);
	return LTTSYNC_OK;
}

/*
 * How many packets of the trace at the top of the heap come before every
 * other trace's next one: the top stays the top while its next packet's
 * key is no greater than its children's (lsync_heap_sift_down() moves it only
 * for a smaller key), and within its batch (the leads move only between
 * batches).
 */
static size_t here_run(const here_merge *m)
{
	const here_trace *t = here_top(m);
	int64_t bound = INT64_MAX;
	uint64_t end = t->fed + 1;

	for (size_t c = 1; c <= 2 && c < m->h.n; c++)
		if (here_head(m->h.item[c]) < bound)
			bound = here_head(m->h.item[c]);
	while (end < t->batch_end && here_key(t, end) <= bound)
		end++;
	return (size_t)(end - t->fed);
}

/*
 * Feed the earliest pending packets of all traces, one run of the trace
 * at the top, in one call (which prefetches the matcher's memory ahead).
 * A refusal stops its trace (its reason kept); only running out of
 * memory, or a cancel, stops everything.
 */
static lttsync_status here_feed_next(here_merge *m)
{
	here_trace *t = here_top(m);
	size_t run = here_run(m), fed = 0;
	char why[LSYNC_ERROR_MAX];
	lttsync_status st;

	st = lttsync_session_feed_packets(&fed, m->s, &t->q[t->fed - t->base], run);
	t->fed += st ? fed + 1 : fed; /* a refused packet is used up too */
	if (st == LTTSYNC_ERROR_NO_MEMORY)
		return st;
	if (st) {
		g_strlcpy(why, m->s->error, sizeof(why));
		lsync_heap_pop(&m->h);
		return here_stop(t, st, why);
	}
	if (t->fed < t->batch_end) {
		t->head = here_key(t, t->fed);
		lsync_heap_sift_down(&m->h, 0);
		return LTTSYNC_OK;
	}
	switch (here_refill(t)) {
	case REFILL_CANCELLED:
		return LTTSYNC_ERROR_CANCELLED;
	case REFILL_DONE:
		lsync_heap_pop(&m->h);
		return here_finish(t);
	case REFILL_BATCH:
		break;
	}
	t->first_batch = false;
	t->head = here_key(t, t->fed);
	here_follow_leads(m);
	lsync_heap_sift_down(&m->h, 0);
	return LTTSYNC_OK;
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
	return lsync_here_read(s, (lsync_job *)j, 1, threads, progress, user_data);
}

lttsync_status lsync_here_read(lttsync_session *s, lsync_job *jobs, size_t n,
			       unsigned threads, lttsync_progress_fn progress,
			       void *user_data)
{
	lsync_skim_pool *pool = here_pool(threads);
	void *heap[LSYNC_HERE_AT_ONCE];
	here_merge m = { s, { heap, 0, here_head } };
	size_t next = 0;
	lttsync_status st = LTTSYNC_OK;
	/* Either reader keeps each stream file of an open trace open: about
	 * 8 descriptors a trace, or its files when counted, within what the
	 * process's limit leaves. */
	uint32_t per_trace = 8;
	unsigned at_once;

	for (size_t i = 0; i < n; i++)
		if (jobs[i].files >= per_trace)
			per_trace = jobs[i].files < UINT32_MAX ? jobs[i].files + 1 : UINT32_MAX;
	at_once = lsync_fd_room(LSYNC_HERE_AT_ONCE, per_trace, 16);

	s->error[0] = '\0';
	while (!st && (next < n || m.h.n)) {
		while (!st && next < n && m.h.n < at_once)
			st = here_launch(&m, here_open(s, &jobs[next++], pool, progress,
						       user_data));
		if (!st && m.h.n)
			st = here_feed_next(&m);
		if (!st && lsync_read_cancelled(s))
			st = LTTSYNC_ERROR_CANCELLED;
	}
	/* Out of memory or cancelled: what is still open or not started is
	 * not read (further). */
	while (m.h.n)
		here_stop(heap[--m.h.n], st, lsync_stop_reason(st, true));
	for (; next < n; next++)
		lsync_job_settle(s, &jobs[next], st, lsync_stop_reason(st, false));
	lsync_skim_pool_free(pool);
	return st;
}
