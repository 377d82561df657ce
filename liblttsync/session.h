/* SPDX-License-Identifier: MIT */
/* The session object behind the public handle (internal layout). */
#ifndef LTTSYNC_SESSION_H
#define LTTSYNC_SESSION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <lttsync/lttsync.h>

#include "decode.h"
#include "errors.h"
#include "graph.h"
#include "kept_matches.h"
#include "match.h"
#include "pair.h"
#include "transform.h"

/* Per-host results, recomputed when a hull changed since the last query. */
typedef struct lsync_host_result {
	lttsync_quality quality;
	uint32_t parent;          /* LSYNC_NO_HOST when disconnected */
	lsync_cost dist;
	bool has_xform;
	lsync_xform xform;        /* host clock -> reference clock */
	lsync_piece *pieces;      /* the same as a piecewise function when a
				   * pair on the path has segments, else NULL */
	size_t n_pieces;
	long double *widths;      /* bounds width of each piece (one when
				   * pieces is NULL), once asked for */
} lsync_host_result;

/* A trace: declared by the caller, or read from disk (then with stats). */
typedef struct lsync_trace {
	char *name;               /* label or path */
	uint32_t host;            /* LSYNC_NO_HOST when reading failed before identity */
	lttsync_status status;    /* how reading it went (LTTSYNC_OK if fed by the caller) */
	char *message;            /* NULL, or why reading failed */
	lsync_decode_stats stats; /* zero for caller-fed traces */
} lsync_trace;

typedef struct lsync_host {
	char *name;
	int64_t ts_min, ts_max;   /* range of timestamps seen, for the pivot */
	bool has_clock;           /* a trace of the host named its clock: */
	uint8_t clock[16];        /* that clock's UUID */
	uint32_t clock_trace;     /* and that trace */
} lsync_host;

/* What reading trace folders keeps across calls (read/). */
typedef struct lsync_reading {
	bool active;              /* in read_trace_paths (its progress callback
				   * must not read again: refused) */
	atomic_bool cancel;       /* lttsync_session_cancel(), from any thread */
	GHashTable *trace_folders; /* "dev:ino" of the trace folders read;
				    * "metadata:SHA-256" -> trace id + 1 */
	unsigned jobs;            /* 0: decode in this process; else worker processes */
	int reader;               /* lttsync_reader; 0 until set: AUTO */
	/* Leads of the hosts' clocks, for merging readers (leads.c). */
	int64_t *leads;           /* per host, NULL until computed */
	uint32_t n_leads;         /* hosts when they were computed */
	GHashTable *lead_pairs;   /* pair key -> sampled lead of b over a */
	uint64_t lead_seen;       /* the matcher's matches at the last sample */
	unsigned lead_samples;    /* samples since the leads were computed */
} lsync_reading;

/* The evidence: packet events being matched, and the pairs' hulls (sync/). */
typedef struct lsync_evidence {
	lsync_matcher *matcher;
	GHashTable *pairs;        /* &pair->key -> lsync_pair */
	GPtrArray *pair_list;     /* the same pairs, creation order */
	lsync_pair *last_pair;    /* the pair looked up last, or NULL */
	lsync_pair **small_pairs; /* pairs of hosts below LSYNC_SMALL_HOSTS, by
				   * lsync_small_pair_index(); NULL until one */
	bool keep_messages;
	size_t max_pending;       /* as set; the matcher's cap may be lower */
	size_t n_vertices;        /* hull vertices over all pairs */
	size_t n_kept;            /* kept messages over all pairs */
	lsync_kept_matches matches; /* the same, in order, with their origin */
	uint64_t over_limit;      /* messages refused by the memory limit */
	bool segments;            /* rates may change (segments.h) */
	bool fed_without_windows; /* a message came while segments were off */
	int64_t segment_window;   /* ns */
	int64_t segment_min_span; /* ns */
	uint64_t n_messages;
} lsync_evidence;

/* What is computed from the evidence, again when stale (results.c). */
typedef struct lsync_results {
	bool dirty;               /* the hosts' results are stale */
	uint32_t forced_ref;      /* LSYNC_NO_HOST: choose */
	uint32_t reference;
	GArray *hosts;            /* lsync_host_result, index = host id */
	struct lsync_path_bounds *paths; /* path_bounds.c, NULL until asked */
	uint64_t path_steps;      /* hops walked for bounds, for the tests */
} lsync_results;

struct lttsync_session {
	GArray *hosts;            /* lsync_host, index = host id */
	GHashTable *host_ids;     /* name -> GUINT_TO_POINTER(id + 1) */
	GArray *traces;           /* lsync_trace, index = trace id */
	size_t memory_limit;      /* 0: none (the evidence's and the decoders') */
	lsync_reading read;
	lsync_evidence evidence;
	lsync_results results;
	/* Longer than one message: reading several paths lists each failing one. */
	char error[4 * LSYNC_ERROR_MAX];
};

/* Worker processes decoding traces at once, by default (doc/api.md). */
#define LSYNC_DEFAULT_READ_JOBS 64

/* Pairs of hosts with ids below this are also found in a flat array (one
 * load per message instead of a hash lookup); the others only in `pairs`. */
#define LSYNC_SMALL_HOSTS 128u

/* Index of the pair a < b (a triangular matrix). */
static inline size_t lsync_small_pair_index(uint32_t a, uint32_t b)
{
	return (size_t)b * (b - 1) / 2 + a;
}

/* Hands matched messages from the matcher to the hulls. */
int lsync_session_add_message(void *session, uint32_t send_host,
			      int64_t send_ns, uint32_t recv_host,
			      int64_t recv_ns);

/*
 * Prefetch what feeding p will read first (lsync_matcher_lookahead(),
 * lsync_matcher_lookahead_retired()):
 * for readers that know a packet a few feeds ahead.
 */
void lsync_session_prefetch(const lttsync_session *s, const lttsync_packet *p);

/* The matcher's sink: lsync_session_add_message(), except that messages
 * refused by the memory limit are only counted. */
int lsync_session_add_matched(void *session, uint32_t send_host,
			      int64_t send_ns, uint32_t recv_host,
			      int64_t recv_ns);

/*
 * Leads (leads.c): roughly how far each host's clock is ahead of the
 * others', from the matches so far, so that readers merging traces by
 * time read them in step: merge on lsync_merge_key(timestamp, lead).
 * Readers call refresh between batches: it samples the matcher's newest
 * match, recomputes the leads when a pair got its first sample or every
 * so many samples, and returns true when it did. Only a hint: 0 when
 * unknown.
 */
bool lsync_session_refresh_leads(lttsync_session *s);

static inline int64_t lsync_session_lead(const lttsync_session *s,
					 uint32_t host)
{
	return host < s->read.n_leads ? s->read.leads[host] : 0;
}

/* ts - lead, saturated: INT64_MIN stays the lowest key. */
static inline int64_t lsync_merge_key(int64_t ts, int64_t lead)
{
	int64_t key;

	if (__builtin_sub_overflow(ts, lead, &key))
		return lead > 0 ? INT64_MIN : INT64_MAX;
	return key;
}

/* Settle pending matches and recompute stale results. */
lttsync_status lsync_session_refresh(lttsync_session *s);

/* Pair `index` of lttsync_session_get_pair(), results fresh (NOT_FOUND
 * with the error set when there is no such pair). */
lttsync_status lsync_pair_at(lsync_pair **out, lttsync_session *s,
			     size_t index);

/* The pair of two distinct hosts, or NULL if they never exchanged. */
lsync_pair *lsync_session_pair(lttsync_session *s, uint32_t h1, uint32_t h2);

/* Append a trace (name copied); returns its id or LSYNC_NO_HOST if full. */
uint32_t lsync_session_new_trace(lttsync_session *s, uint32_t host,
				 const char *name);

static inline lsync_trace *lsync_session_trace(lttsync_session *s, uint32_t id)
{
	return &g_array_index(s->traces, lsync_trace, id);
}

/* Argument checks shared by the entry points; they set the error. */
lttsync_status lsync_check_host(lttsync_session *s, lttsync_host_id host,
				const char *what);
lttsync_status lsync_check_pair(lttsync_session *s, lttsync_host_id from,
				lttsync_host_id to);
bool lsync_ts_valid(int64_t ts);

#endif
