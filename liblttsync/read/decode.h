/* SPDX-License-Identifier: MIT */
/*
 * Decoding LTTng kernel traces (CTF 1.8) into packet events, with
 * libbabeltrace2. The only module that knows babeltrace2.
 *
 * One trace = one folder holding a `metadata` file and stream files. It is
 * read with one `source.ctf.fs` component whose output ports (one per
 * stream) are each connected to their own sink: streams are read
 * independently, with no muxer (babeltrace2's muxer rejects real traces
 * whose packets overlap by a microsecond, such as the scp pair).
 *
 * Layouts recognised per event class (doc/traces.md, "Layouts"):
 *   LSYNC_LAYOUT_MODULES   lttng-modules 2.9+: net_dev_queue (send),
 *                          net_if_receive_skb / netif_receive_skb (receive),
 *                          network_header variant (ipv4 / ipv6), then the
 *                          transport_header variant whose selected option
 *                          is "tcp" (selected by protocol/nexthdr up to
 *                          2.9.7 / 2.10.4, by transport_header_type after;
 *                          2.13 adds udp/icmp options, skipped);
 *   LSYNC_LAYOUT_EXPERIMENTAL  net_data_experimental branch: net_dev_queue,
 *                          netif_receive_skb, transport_fields / thtype_tcp
 *                          / {seq, ack_seq, flags};
 *   LSYNC_LAYOUT_ADDONS    addons module: inet_sock_local_out (send),
 *                          inet_sock_local_in (receive), flat seq,
 *                          ack_seq, flags (two encodings, detected per
 *                          trace, see below);
 *   LSYNC_LAYOUT_OLD       net_dev_queue / netif_receive_skb with only
 *                          skbaddr, len, name: counted, nothing usable.
 *
 * Flags are normalised to the canonical 8 TCP bits (FIN=0x01 ... CWR=0x80).
 * lttng-modules' 9-bit `flags` (NS, CWR..FIN): the low 8 bits. addons
 * `flags` (declared big-endian u16): encoding A (the scp traces) reads as
 * (module-order flags << 8) | data offset, module order being fin<<7,
 * syn<<6, rst<<5, psh<<4, ack<<3, urg<<2, ece<<1, cwr; encoding B reads
 * as (data offset << 12) | 9-bit flags in TCP order. The decoder picks, per
 * trace, the encoding under which more of the trace's values are
 * plausible (data offset 5..15, reserved bits zero), ties to A.
 */
#ifndef LTTSYNC_DECODE_H
#define LTTSYNC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

typedef struct lsync_decode_stats {
	uint64_t streams;          /* stream files read */
	uint64_t events;           /* events read, all classes */
	uint64_t network_events;   /* events of the send/receive classes above */
	uint64_t packets;          /* TCP packets handed to the sink */
	uint64_t no_header;        /* network events without IP/transport header (old layout, `unknown`) */
	uint64_t not_tcp;          /* IP packets of another protocol (UDP, ICMP...) */
	uint64_t malformed;        /* a needed field missing or of another type */
	uint64_t reader;           /* lttsync_reader that read it: 1 ours, 2 libbabeltrace2 */
} lsync_decode_stats;

/* Receives the trace's identity once, before any packet. */
typedef int (*lsync_decode_begin_fn)(void *user, const char *hostname);
/*
 * Receives each usable packet: direction, timestamp, seq, ack_seq, flags,
 * and addresses/ports when the layout has them (p->trace is left 0).
 * Returns 0 or a negative lttsync_status to stop.
 */
typedef int (*lsync_decode_packet_fn)(void *user, const lttsync_packet *p);
/* Called every so often with the number of events read so far. */
typedef void (*lsync_decode_progress_fn)(void *user, uint64_t events);
/* Receives the UUID of the trace's clock, when it has one, once, just
 * before begin: traces of one host name must share a clock. */
typedef void (*lsync_decode_clock_fn)(void *user, const uint8_t uuid[16]);

typedef struct lsync_decode_callbacks {
	lsync_decode_begin_fn begin;       /* hostname NULL when the env has none */
	lsync_decode_packet_fn packet;
	lsync_decode_progress_fn progress; /* may be NULL */
	void *user;
	lsync_decode_clock_fn clock;       /* may be NULL */
} lsync_decode_callbacks;

/*
 * Read one trace folder. Returns LTTSYNC_OK, or an error with a message in
 * err naming the path: LTTSYNC_ERROR_IO (unreadable), LTTSYNC_ERROR_FORMAT
 * (not CTF, corrupt or truncated: packets decoded before the failure have
 * already been handed out and are counted in stats), or a callback's
 * status. stats is filled in every case.
 */
lttsync_status lsync_decode_trace(const char *path,
				  const lsync_decode_callbacks *cb,
				  lsync_decode_stats *stats, char *err,
				  size_t err_size);

/*
 * The same, a batch at a time, so that one thread can read several traces
 * side by side: open, then step until it returns false, then close.
 *
 * lsync_decoder_open() always gives a decoder in *out (to be closed), and
 * returns the status of opening the trace; a decoder that failed to open
 * has nothing to step. lsync_decoder_step() runs one babeltrace2 batch of
 * one stream and sets *position to the oldest time (ns from origin) the
 * trace may still hand out: INT64_MIN while a stream has given none,
 * INT64_MAX once it is done. lsync_decoder_close() hands out what is still
 * held back, frees the decoder and returns lsync_decode_trace()'s status
 * and message.
 */
typedef struct lsync_decoder lsync_decoder;

lttsync_status lsync_decoder_open(lsync_decoder **out, const char *path,
				  const lsync_decode_callbacks *cb,
				  lsync_decode_stats *stats);
/* The same with a choice of reader (lttsync_reader): AUTO tries our own
 * reader (ctf.h) first, BABELTRACE2 goes straight to libbabeltrace2. */
lttsync_status lsync_decoder_open_with(lsync_decoder **out, const char *path,
				       const lsync_decode_callbacks *cb,
				       lsync_decode_stats *stats,
				       lttsync_reader reader);
lttsync_status lsync_decode_trace_with(const char *path,
				       const lsync_decode_callbacks *cb,
				       lsync_decode_stats *stats,
				       lttsync_reader reader, char *err,
				       size_t err_size);
bool lsync_decoder_step(lsync_decoder *d, int64_t *position);
/* When our reader reads the trace (ctf.h), the threads of `pool` decode
 * its streams ahead of the steps (the same is handed out); nothing
 * otherwise. Before the first step; the pool outlives the decoder. */
struct lsync_skim_pool;
void lsync_decoder_attach(lsync_decoder *d, struct lsync_skim_pool *pool);
/* lsync_decode_trace_with() with up to `threads` threads decoding (1: the
 * calling one only). */
lttsync_status lsync_decode_trace_threads(const char *path,
					  const lsync_decode_callbacks *cb,
					  lsync_decode_stats *stats,
					  lttsync_reader reader, unsigned threads,
					  char *err, size_t err_size);
lttsync_status lsync_decoder_close(lsync_decoder *d, char *err, size_t err_size);
/* Close without handing out anything more (the reader stops). */
void lsync_decoder_abandon(lsync_decoder *d, lttsync_status why);
/*
 * Whether lsync_decoder_open_with() would read the trace with
 * libbabeltrace2: always with reader BABELTRACE2; with AUTO, when our
 * reader declines it, as its opening would (metadata, packet index:
 * lsync_skim_check()). A folder that is no trace at all
 * fails before either reader (false). *files: the stream files our
 * reader opened and would keep open, 0 if unknown.
 */
bool lsync_decoder_needs_babeltrace2(const char *path, lttsync_reader reader,
				     uint32_t *files);

/*
 * The trace folders at or below `path` (folders holding a regular file
 * named `metadata`), sorted, each once; symbolic-link loops are not
 * followed twice. Calls found(user, folder) for each. Returns LTTSYNC_OK
 * (possibly with none found), LTTSYNC_ERROR_IO with a message when `path`
 * cannot be read, or found()'s negative status.
 */
lttsync_status lsync_find_traces(const char *path,
				 int (*found)(void *user, const char *folder),
				 void *user, char *err, size_t err_size);

#endif
