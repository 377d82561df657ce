/* SPDX-License-Identifier: MIT */
/*
 * Matching packet events into messages.
 *
 * A pending table maps a key (seq, ack_seq, canonical flags) to what was
 * seen of it: how many sends and receives, and the first of each (host,
 * trace, timestamp, addresses). The policy (doc/matching.md):
 *
 *   - a key with exactly one send and one receive, on different hosts, is
 *     a match;
 *   - a key seen twice in one direction is ambiguous (retransmission,
 *     forwarding, duplicate): all its events are dropped, and later events
 *     of the key too while the entry lives (counted in `ambiguous`);
 *   - one send and one receive on the same host: loopback, dropped
 *     (counted once per key in `loopback`);
 *   - two events of a key whose addresses (both known) or ports (both
 *     known) disagree: dropped (`flow_mismatch`, and its events counted in
 *     `ambiguous` too);
 *   - a match is handed to the sink when its entry is settled (every
 *     complete entry, on lsync_matcher_settle(), which the session calls
 *     before answering any query) or retired. A used entry stays in the
 *     table so that a later repeat of its key is recognised
 *     (`late_repeats`) and ignored;
 *   - the table holds at most max_pending entries; inserting past that
 *     retires the oldest entry first (FIFO): a complete unused match goes
 *     to the sink, the events of an incomplete entry are dropped and
 *     counted in `evicted`.
 *
 * As long as the table never overflows and no query comes between two
 * events of the same key, the matches produced are a function of the set
 * of events fed, whatever their order.
 *
 * Hashing is seeded (per matcher) so crafted keys cannot be aimed at one
 * bucket chain.
 */
#ifndef LTTSYNC_MATCH_H
#define LTTSYNC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

typedef struct lsync_matcher lsync_matcher;

/* Receives each match. Returns 0, or a negative lttsync_status to stop. */
typedef int (*lsync_match_sink)(void *user, uint32_t send_host,
				int64_t send_ns, uint32_t recv_host,
				int64_t recv_ns);

typedef struct lsync_match_counters {
	uint64_t packets;       /* events fed */
	uint64_t matched;       /* matches handed to the sink */
	uint64_t loopback;      /* keys found to be loopback */
	uint64_t ambiguous;     /* events dropped because their key repeated */
	uint64_t evicted;       /* events of incomplete entries retired by the cap */
	uint64_t late_repeats;  /* events of an already used key */
	uint64_t flow_mismatch; /* keys dropped because addresses/ports disagree */
} lsync_match_counters;

#define LSYNC_DEFAULT_MAX_PENDING ((size_t)1 << 20)

/* NULL on allocation failure. */
lsync_matcher *lsync_matcher_new(size_t max_pending, uint64_t seed);
void lsync_matcher_free(lsync_matcher *m);

/* Lowers or raises the cap; lowering retires the oldest entries now. */
int lsync_matcher_set_max_pending(lsync_matcher *m, size_t max_pending,
				  lsync_match_sink sink, void *user);

/*
 * Feed one event recorded on `host`. The packet's fields are already
 * validated by the caller. Returns 0, LTTSYNC_ERROR_NO_MEMORY (nothing
 * changed) or the sink's negative status.
 */
int lsync_matcher_feed(lsync_matcher *m, const lttsync_packet *p,
		       uint32_t host, lsync_match_sink sink, void *user);

/*
 * The memory lsync_matcher_feed() of `p` will read first at random (its
 * key's index bucket), for the caller to prefetch a few packets ahead:
 * a new key's lookup is a cache miss that nothing else can hide. NULL
 * when there is nothing to fetch. Reads only; the answer may be stale by
 * the time `p` is fed, which costs only the prefetch.
 */
const void *lsync_matcher_lookahead(const lsync_matcher *m,
				    const lttsync_packet *p);

/* The same for the filter of retired keys, which feeding `p` reads if its
 * key is new (tombstones.h): a second miss of its own once the cap has
 * retired keys. NULL while the filter is empty. */
const void *lsync_matcher_lookahead_retired(const lsync_matcher *m,
					    const lttsync_packet *p);

/* Hand every complete, unused match to the sink (entries stay). */
int lsync_matcher_settle(lsync_matcher *m, lsync_match_sink sink, void *user);

/* Entries currently held. */
size_t lsync_matcher_pending(const lsync_matcher *m);

const lsync_match_counters *lsync_matcher_counters(const lsync_matcher *m);

/*
 * The newest complete match (one send, one receive, two hosts), recorded
 * when its second event came, long before the sink gets it (complete
 * entries stay pending until retired or settled): readers sample it to
 * learn how far apart the hosts' clocks are (leads.c). n counts the
 * matches completed so far; 0: none yet.
 */
typedef struct lsync_match_sample {
	int64_t send_ns, recv_ns;
	uint32_t send_host, recv_host;
	uint64_t n;
} lsync_match_sample;

const lsync_match_sample *lsync_matcher_newest(const lsync_matcher *m);

/*
 * Where a match came from, for kept messages: the traces of its two
 * events and its packet, addresses and ports as sent (the send event's
 * when it carried them, else the receive event's). Recorded only while
 * detail is on (lsync_matcher_set_detail()), for keys whose first event
 * came then: other matches have no traces (LTTSYNC_TRACE_NONE), family 0
 * and, unless the first event carried them, no ports.
 */
typedef struct lsync_match_detail {
	uint32_t send_trace, recv_trace;
	uint32_t seq, ack_seq;
	uint16_t src_port, dst_port;
	uint8_t flags, family, has_ports;
	uint8_t src_addr[16], dst_addr[16];
} lsync_match_detail;

/*
 * Record the detail of the keys inserted from now on (off by default:
 * it costs 48 bytes a pending key, LSYNC_MATCH_DETAIL_BYTES).
 */
void lsync_matcher_set_detail(lsync_matcher *m, bool on);

#define LSYNC_MATCH_DETAIL_BYTES 48

/*
 * While detail is on: the detail of the match being handed to the sink,
 * for the sink to read during that call (NULL when detail is off).
 */
const lsync_match_detail *lsync_matcher_handing(const lsync_matcher *m);

#endif
