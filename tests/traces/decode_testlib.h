/* SPDX-License-Identifier: MIT */
/*
 * What the trace decoder tests share: collecting what the decoder hands
 * out, a writer of small CTF 1.8 traces by hand (plain-text metadata and
 * a stream file built byte by byte) with the lttng-modules, addons and
 * experimental layouts' events, and listing the traces a folder holds.
 */
#ifndef DECODE_TESTLIB_H
#define DECODE_TESTLIB_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define CLOCK_OFFSET INT64_C(1700000000000000000)
#define CTF_MAGIC 0xC1FC1FC1u

/* ---- collecting what the decoder hands out ----------------------------- */

typedef struct collect {
	GArray *packets;         /* of lttsync_packet */
	char *hostname;          /* from begin, or NULL */
	int begins;              /* begin calls */
	bool packet_before_begin;
	int progress_calls;
	uint64_t last_progress;
	guint stop_after;        /* > 0: fail once this many packets were kept */
	int begin_status;        /* returned by begin */
} collect;

int on_begin(void *user, const char *hostname);
int on_packet(void *user, const lttsync_packet *p);
void on_progress(void *user, uint64_t events);
void collect_init(collect *c);
void collect_fini(collect *c);
const lttsync_packet *pkt(const collect *c, guint i);
lttsync_status decode(const char *path, collect *c, lsync_decode_stats *s,
		      char *err, size_t err_size);
void decode_ok(const char *path, collect *c, lsync_decode_stats *s);

/* ---- hand-written CTF 1.8 traces --------------------------------------- */
/*
 * Every integer is byte-aligned except lttng-modules' own bit fields,
 * which sum to whole bytes, so the stream needs no padding: fields are
 * written back to back. The trace is little-endian; header fields are
 * declared big-endian as lttng-modules does.
 */

#define U8 "integer { size = 8; align = 8; signed = false; }"
#define BE8 "integer { size = 8; align = 8; signed = false; byte_order = be; }"
#define BE16 "integer { size = 16; align = 8; signed = false; byte_order = be; }"
#define BE32 "integer { size = 32; align = 8; signed = false; byte_order = be; }"
#define BE4 "integer { size = 4; align = 4; signed = false; byte_order = be; }"

GString *meta_begin(const char *hostname, const char *stream_extra);
void meta_event(GString *m, unsigned id, const char *name, const char *fields);
void meta_write(GString *m, const char *dir);
void put_le(GByteArray *b, uint64_t v, unsigned n);
void put_be(GByteArray *b, uint64_t v, unsigned n);
void put_str(GByteArray *b, const char *s);
GByteArray *stream_begin(void);
void event_header(GByteArray *b, uint32_t id, uint64_t ts);
void stream_write(GByteArray *b, const char *dir, const char *name);

/* A non-network event, to check that it is only counted. */
#define OTHER_EVENT_FIELDS "uint32_t _prev_tid; uint32_t _next_tid;"

void put_other_event(GByteArray *b, uint32_t id, uint64_t ts);

/* ---- lttng-modules 2.9+ layout ----------------------------------------- */

char *modules_fields(bool newer, bool with_ack_seq);

/* One lttng-modules network event to write. */
typedef struct net_ev {
	uint32_t id;
	uint64_t ts;
	int family;         /* 0 (no network header), 4 or 6 */
	uint8_t proto;      /* IP protocol / next header */
	uint8_t th_type;    /* newer layout: 0 unknown, 1 tcp, 2 udp, 3 icmp */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t flags9;    /* NS, CWR..FIN */
	uint8_t doff;
} net_ev;

/* The addresses of every IPv4 and IPv6 event written. */
extern const uint8_t V4_SRC[4], V4_DST[4];
extern const uint16_t V6_SRC[8], V6_DST[8];

void put_modules_event(GByteArray *b, const net_ev *e, bool newer,
		       bool with_ack_seq);

/* The events write_modules_trace() writes, the MODULES_TCP TCP ones first. */
extern const net_ev MODULES_EVENTS[8];
#define MODULES_TCP 4

void write_modules_trace(const char *dir, bool newer);

/* ---- addons layout ----------------------------------------------------- */

#define ADDONS_FIELDS "uint64_t _sk; " BE32 " _seq; " BE32 " _ack_seq; " \
	BE16 " _check; " BE16 " _window; " BE16 " _flags;"

uint16_t addons_a(uint8_t canonical, unsigned doff);
void put_addons_event(GByteArray *b, uint32_t id, uint64_t ts, uint32_t seq,
		      uint32_t ack, uint16_t flags);

/* The flags write_addons_trace() cycles through. */
extern const uint8_t ADDONS_FLAGS[8];
void write_addons_trace(const char *dir, bool enc_b, unsigned n);

/* ---- experimental layouts ---------------------------------------------- */

#define SKB_PREFIX "uint64_t _skbaddr; uint32_t _len; string _name; "

void put_skb_prefix(GByteArray *b, uint32_t id, uint64_t ts);

/* ---- finding traces ---------------------------------------------------- */

GPtrArray *find(const char *path, lttsync_status want);
void assert_found(GPtrArray *found, const char *root, const char *const *want,
		  guint n);

#endif
