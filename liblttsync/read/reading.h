/* SPDX-License-Identifier: MIT */
/*
 * Reading trace folders into a session, shared by the two ways of
 * decoding: in the calling process (here.c) and in lttsync-decoder
 * worker processes (workers.c). traces.c finds the traces and hands
 * them to one of the two; both feed each trace through job.c.
 */
#ifndef LTTSYNC_READING_H
#define LTTSYNC_READING_H

#include "session.h"

/* One trace folder to read, already declared as a session trace (job.c). */
typedef struct lsync_job {
	char *folder;         /* owned */
	const char *host;     /* the caller's host name, or NULL */
	uint32_t trace;
	uint32_t files;       /* its stream files when counted, else 0 */
} lsync_job;

/*
 * The trace's identity: declares its host. `clock`, the UUID of the
 * trace's clock or NULL, must agree with that of the host's other traces:
 * one name given to traces of different machines is refused
 * (INVALID_ARGUMENT). Sets the session error.
 */
lttsync_status lsync_job_begin(lttsync_session *s, const lsync_job *j,
			       const char *hostname, const uint8_t *clock);

/* A decoded packet as the session takes it: the job's trace, this
 * library's struct size. */
void lsync_job_packet(lttsync_packet *out, const lsync_job *j,
		      const lttsync_packet *p);

/* Feed one decoded packet of the job's trace. Sets the session error. */
lttsync_status lsync_job_feed(lttsync_session *s, const lsync_job *j,
			      const lttsync_packet *p);

/* Record how reading went; `why` (may be "") is prefixed by the path
 * unless it names it. A trace read to its end (st OK) that gave no
 * packet to match becomes LTTSYNC_ERROR_NO_DATA, its statistics saying
 * why, `why` kept after them as a note. */
void lsync_job_settle(lttsync_session *s, const lsync_job *j,
		      lttsync_status st, const char *why);

/* Whether lttsync_session_cancel() asked the read in progress to stop. */
bool lsync_read_cancelled(lttsync_session *s);

/* Why an unfinished job was settled with `st` (CANCELLED or NO_MEMORY):
 * it was being read (started) or not yet. */
const char *lsync_stop_reason(lttsync_status st, bool started);

/* Decode in the calling process, with up to `threads` threads (1: the
 * calling one; more decode stream files of traces our reader reads
 * ahead). Returns NO_MEMORY to stop the call. */
lttsync_status lsync_job_decode_here(lttsync_session *s, const lsync_job *j,
				     unsigned threads, lttsync_progress_fn progress,
				     void *user_data);

/*
 * Decode the jobs in the calling process, up to LSYNC_HERE_AT_ONCE side by
 * side, with up to `threads` threads, feeding packets merged by time in
 * the order lsync_workers_read() feeds them when it merges (here.c,
 * leads.c). Every job is settled. Returns LTTSYNC_OK, or NO_MEMORY when
 * the session ran out of memory, or CANCELLED (jobs not finished are
 * then settled as not read).
 */
#define LSYNC_HERE_AT_ONCE 16
lttsync_status lsync_here_read(lttsync_session *s, lsync_job *jobs, size_t n,
			       unsigned threads, lttsync_progress_fn progress,
			       void *user_data);

/*
 * Threads for reading `n` traces with `jobs` as the degree of
 * parallelism, `running` of them at once: at most jobs, and at most the
 * processors online, shared by the traces read at once; at least 1.
 */
unsigned lsync_read_threads(unsigned jobs, size_t running);

/*
 * Decode the jobs in lttsync-decoder processes, at most max_workers at
 * once, feeding packets merged by time (leads.c). Every job is settled.
 * Returns LTTSYNC_OK, or NO_MEMORY when the session ran out of memory
 * (remaining jobs are then settled as not read).
 */
lttsync_status lsync_workers_read(lttsync_session *s, lsync_job *jobs,
				  size_t n, unsigned max_workers,
				  lttsync_progress_fn progress, void *user_data);

#endif
