/* SPDX-License-Identifier: MIT */
/*
 * Tests of the trace decoder (liblttsync/decode.h) and of finding trace
 * folders.
 *
 * Three sources of traces:
 * - the real traces of ../shared/traces (LTTSYNC_SHARED_TRACES, else
 *   $top_srcdir/../shared/traces, else /work/shared/traces); skipped when
 *   absent;
 * - small CTF traces written here by hand (plain-text metadata and a
 *   stream file built byte by byte), one per layout and per kind of bad
 *   input, so every field of every layout is checked against values we
 *   chose;
 * - traces of the synthetic writer (LTTSYNC_GEN, else
 *   $top_builddir/lttsync-gen); skipped when it is absent.
 */
#define _GNU_SOURCE /* nftw() */
#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <glib.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode.h"
#include "decode_internal.h"
#include "testfiles.h"

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

static int on_begin(void *user, const char *hostname)
{
	collect *c = user;

	c->begins++;
	g_free(c->hostname);
	c->hostname = g_strdup(hostname);
	return c->begin_status;
}

static int on_packet(void *user, const lttsync_packet *p)
{
	collect *c = user;

	if (!c->begins)
		c->packet_before_begin = true;
	if (c->stop_after && c->packets->len >= c->stop_after)
		return LTTSYNC_ERROR_NOT_AVAILABLE;
	g_array_append_val(c->packets, *p);
	return 0;
}

static void on_progress(void *user, uint64_t events)
{
	collect *c = user;

	c->progress_calls++;
	c->last_progress = events;
}

static void collect_init(collect *c)
{
	memset(c, 0, sizeof(*c));
	c->packets = g_array_new(FALSE, FALSE, sizeof(lttsync_packet));
}

static void collect_fini(collect *c)
{
	g_array_free(c->packets, TRUE);
	g_free(c->hostname);
}

static const lttsync_packet *pkt(const collect *c, guint i)
{
	cr_assert_lt(i, c->packets->len, "packet %u of %u", i, c->packets->len);
	return &g_array_index(c->packets, lttsync_packet, i);
}

static lttsync_status decode(const char *path, collect *c, lsync_decode_stats *s,
			     char *err, size_t err_size)
{
	lsync_decode_callbacks cb = { on_begin, on_packet, on_progress, c, NULL };
	lttsync_status st = lsync_decode_trace(path, &cb, s, err, err_size);

	cr_assert_not(c->packet_before_begin, "a packet came before begin()");
	return st;
}

/* Decode a trace that must read without error; begin() exactly once. */
static void decode_ok(const char *path, collect *c, lsync_decode_stats *s)
{
	char err[1024];
	lttsync_status st = decode(path, c, s, err, sizeof(err));

	cr_assert_eq(st, LTTSYNC_OK, "%s: status %d: %s", path, st, err);
	cr_assert_eq(c->begins, 1);
	cr_assert_eq(s->packets, c->packets->len);
}

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

/* The metadata's preamble; `stream_extra` goes inside the stream block. */
static GString *meta_begin(const char *hostname, const char *stream_extra)
{
	GString *m = g_string_new(
		"/* CTF 1.8 */\n"
		"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
		"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
		"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
		"trace { major = 1; minor = 8; byte_order = le;\n"
		"  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n");

	if (hostname)
		g_string_append_printf(m, "env { hostname = \"%s\"; domain = \"kernel\"; };\n",
				       hostname);
	g_string_append_printf(m,
		"clock { name = monotonic; freq = 1000000000; offset = %" PRId64 "; };\n"
		"typealias integer { size = 64; align = 8; signed = false;\n"
		"  map = clock.monotonic.value; } := uint64_clock_t;\n"
		"stream { id = 0;\n"
		"  event.header := struct { uint32_t id; uint64_clock_t timestamp; };\n"
		"  %s };\n", CLOCK_OFFSET, stream_extra ? stream_extra : "");
	return m;
}

static void meta_event(GString *m, unsigned id, const char *name, const char *fields)
{
	g_string_append_printf(m, "event { name = \"%s\"; id = %u; stream_id = 0;\n"
			       "  fields := struct { %s }; };\n", name, id, fields);
}

static void meta_write(GString *m, const char *dir)
{
	test_write_file(dir, "metadata", m->str, m->len);
	g_string_free(m, TRUE);
}

static void put_le(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * i));

		g_byte_array_append(b, &byte, 1);
	}
}

static void put_be(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * (n - 1 - i)));

		g_byte_array_append(b, &byte, 1);
	}
}

static void put_str(GByteArray *b, const char *s)
{
	g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s) + 1);
}

static GByteArray *stream_begin(void)
{
	GByteArray *b = g_byte_array_new();

	put_le(b, CTF_MAGIC, 4);
	put_le(b, 0, 4); /* stream_id */
	return b;
}

static void event_header(GByteArray *b, uint32_t id, uint64_t ts)
{
	put_le(b, id, 4);
	put_le(b, ts, 8);
}

static void stream_write(GByteArray *b, const char *dir, const char *name)
{
	test_write_file(dir, name, b->data, b->len);
	g_byte_array_free(b, TRUE);
}

/* A non-network event, to check that it is only counted. */
#define OTHER_EVENT_FIELDS "uint32_t _prev_tid; uint32_t _next_tid;"

static void put_other_event(GByteArray *b, uint32_t id, uint64_t ts)
{
	event_header(b, id, ts);
	put_le(b, 12, 4);
	put_le(b, 34, 4);
}

/* ---- lttng-modules 2.9+ layout ----------------------------------------- */

/* The transport_header variant's options (udp, icmp: 2.13 only). */
static char *transport_options(bool newer, bool with_ack_seq)
{
	return g_strdup_printf(
		"struct { } _unknown;"
		" struct { " BE16 " _source_port; " BE16 " _dest_port; " BE32 " _seq; %s"
		" " BE4 " _data_offset; integer { size = 3; align = 1; signed = false;"
		" byte_order = be; } _reserved; integer { size = 9; align = 1;"
		" signed = false; byte_order = be; } _flags; " BE16 " _window_size; "
		BE16 " _checksum; " BE16 " _urg_ptr; } _tcp;%s",
		with_ack_seq ? BE32 " _ack_seq;" : "",
		newer ? " struct { " BE16 " _source_port; " BE16 " _dest_port; "
			BE16 " _len; " BE16 " _check; } _udp; struct { " BE8
			" _type; " BE8 " _code; " BE16 " _checksum; " BE32
			" _gateway; } _icmp;"
		      : "");
}

/*
 * The payload of net_dev_queue and net_if_receive_skb. `newer`:
 * 2.9.8+/2.13 (transport_header_type selects the transport header, with
 * udp and icmp options), else 2.9.0-2.9.7 (the protocol / nexthdr enum
 * itself selects it).
 */
static char *modules_fields(bool newer, bool with_ack_seq)
{
	const char *proto = newer ? BE8 : "enum : " BE8 " { \"_unknown\" = 0 ... 5,"
					  " \"_tcp\" = 6, \"_unknown\" = 7 ... 255 }";
	const char *th_type = newer ? "enum : " BE8 " { \"_unknown\" = 0, \"_tcp\" = 1,"
				      " \"_udp\" = 2, \"_icmp\" = 3 } _transport_header_type;"
				    : "";
	char *options = transport_options(newer, with_ack_seq);
	char *out = g_strdup_printf(
		"uint64_t _skbaddr; uint32_t _len; string _name;"
		" enum : " U8 " { \"_unknown\" = 0, \"_ipv4\" = 1, \"_ipv6\" = 2 }"
		" _network_header_type;"
		" variant <_network_header_type> { struct { } _unknown;"
		" struct { " BE4 " _version; " BE4 " _ihl; " BE8 " _tos; " BE16 " _tot_len; "
		BE16 " _id; " BE16 " _frag_off; " BE8 " _ttl; %s _protocol; " BE16 " _checksum;"
		" " BE8 " _saddr[4]; " BE8 " _daddr[4]; %s"
		" variant <%s> { %s } _transport_header; } _ipv4;"
		" struct { " BE4 " _version; " BE4 " _prio; " BE8 " _flow_lbl[3]; "
		BE16 " _payload_len; %s _nexthdr; " BE8 " _hop_limit; "
		BE16 " _saddr[8]; " BE16 " _daddr[8]; %s"
		" variant <%s> { %s } _transport_header; } _ipv6; } _network_header;",
		proto, th_type, newer ? "_transport_header_type" : "_protocol", options,
		proto, th_type, newer ? "_transport_header_type" : "_nexthdr", options);

	g_free(options);
	return out;
}

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

static const uint8_t V4_SRC[4] = { 10, 0, 0, 1 };
static const uint8_t V4_DST[4] = { 192, 168, 7, 200 };
static const uint16_t V6_SRC[8] = {
	0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455,
};
static const uint16_t V6_DST[8] = { 0x2001, 0x0db8, 0, 0, 0, 0, 0, 2 };

static void put_tcp(GByteArray *b, const net_ev *e, bool with_ack_seq)
{
	put_be(b, e->sport, 2);
	put_be(b, e->dport, 2);
	put_be(b, e->seq, 4);
	if (with_ack_seq)
		put_be(b, e->ack, 4);
	put_be(b, (uint32_t)e->doff << 12 | e->flags9, 2);
	put_be(b, 29200, 2);
	put_be(b, 0xabcd, 2);
	put_be(b, 0, 2);
}

static void put_transport(GByteArray *b, const net_ev *e, bool newer,
			  bool with_ack_seq)
{
	unsigned option = newer ? e->th_type : (e->proto == 6 ? 1 : 0);

	if (newer)
		put_be(b, e->th_type, 1);
	if (option == 1) {
		put_tcp(b, e, with_ack_seq);
	} else if (option == 2) { /* udp */
		put_be(b, e->sport, 2);
		put_be(b, e->dport, 2);
		put_be(b, 40, 2);
		put_be(b, 0x1234, 2);
	} else if (option == 3) { /* icmp */
		put_be(b, 8, 1);
		put_be(b, 0, 1);
		put_be(b, 0x4321, 2);
		put_be(b, 0, 4);
	}
}

static void put_ipv4(GByteArray *b, const net_ev *e, bool newer, bool with_ack_seq)
{
	put_be(b, 0x45, 1);   /* version 4, ihl 5 */
	put_be(b, 0, 1);      /* tos */
	put_be(b, 52, 2);     /* tot_len */
	put_be(b, 0x1c46, 2); /* id */
	put_be(b, 0x4000, 2); /* frag_off: DF */
	put_be(b, 64, 1);     /* ttl */
	put_be(b, e->proto, 1);
	put_be(b, 0xb1e6, 2); /* checksum */
	g_byte_array_append(b, V4_SRC, 4);
	g_byte_array_append(b, V4_DST, 4);
	put_transport(b, e, newer, with_ack_seq);
}

static void put_ipv6(GByteArray *b, const net_ev *e, bool newer, bool with_ack_seq)
{
	put_be(b, 0x60, 1);       /* version 6, prio 0 */
	put_be(b, 0x0a0b0c, 3);   /* flow_lbl[3] */
	put_be(b, 32, 2);         /* payload_len */
	put_be(b, e->proto, 1);   /* nexthdr */
	put_be(b, 64, 1);         /* hop_limit */
	for (int i = 0; i < 8; i++)
		put_be(b, V6_SRC[i], 2);
	for (int i = 0; i < 8; i++)
		put_be(b, V6_DST[i], 2);
	put_transport(b, e, newer, with_ack_seq);
}

static void put_modules_event(GByteArray *b, const net_ev *e, bool newer,
			      bool with_ack_seq)
{
	event_header(b, e->id, e->ts);
	put_le(b, UINT64_C(0xffff8800deadbeef), 8);
	put_le(b, 66, 4);
	put_str(b, "eth0");
	put_le(b, e->family == 4 ? 1 : e->family == 6 ? 2 : 0, 1);
	if (e->family == 4)
		put_ipv4(b, e, newer, with_ack_seq);
	else if (e->family == 6)
		put_ipv6(b, e, newer, with_ack_seq);
}

/*
 * The events of the modules tests, ids 0 net_dev_queue (send), 1
 * net_if_receive_skb (receive), 2 a non-network event, 3 net_if_rx (an
 * entry event, not a network event for us). TCP ones first.
 */
static const net_ev MODULES_EVENTS[] = {
	/* send, IPv4 TCP, PSH|ACK plus the NS bit (not canonical) */
	{ 0, 1000, 4, 6, 1, 40000, 22, 1000000, 2000000, 0x118, 8 },
	/* receive, IPv4 TCP SYN */
	{ 1, 2000, 4, 6, 1, 22, 40000, 0xfffffff0u, 0, 0x002, 10 },
	/* send, IPv6 TCP FIN|ACK */
	{ 0, 3000, 6, 6, 1, 443, 55555, 7, 0x80000001u, 0x011, 5 },
	/* receive, IPv6 TCP with every canonical flag */
	{ 1, 3500, 6, 6, 1, 1, 65535, 123, 456, 0x0ff, 15 },
	/* UDP: not_tcp (older layout: protocol 17 selects "unknown") */
	{ 0, 4000, 4, 17, 2, 5353, 5353, 0, 0, 0, 0 },
	/* ICMP: not_tcp */
	{ 1, 5000, 4, 1, 3, 0, 0, 0, 0, 0, 0 },
	/* IPv6 UDP */
	{ 0, 5500, 6, 17, 2, 53, 53, 0, 0, 0, 0 },
	/* no network header: no_header */
	{ 1, 6000, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
};

#define MODULES_TCP 4

/* A modules-layout trace: the events above split over two stream files. */
static void write_modules_trace(const char *dir, bool newer)
{
	GString *m = meta_begin("modhost", NULL);
	char *fields = modules_fields(newer, true);
	GByteArray *s0 = stream_begin(), *s1 = stream_begin();

	meta_event(m, 0, "net_dev_queue", fields);
	meta_event(m, 1, "net_if_receive_skb", fields);
	meta_event(m, 2, "sched_switch", OTHER_EVENT_FIELDS);
	meta_event(m, 3, "net_if_rx", "uint64_t _skbaddr;");
	meta_write(m, dir);
	g_free(fields);
	for (size_t i = 0; i < G_N_ELEMENTS(MODULES_EVENTS); i++)
		put_modules_event(i % 2 ? s1 : s0, &MODULES_EVENTS[i], newer, true);
	put_other_event(s0, 2, 7000);
	event_header(s1, 3, 7000);
	put_le(s1, 0x1234, 8);
	stream_write(s0, dir, "chan_0");
	stream_write(s1, dir, "chan_1");
}

static const lttsync_packet *find_seq(const collect *c, uint32_t seq)
{
	for (guint i = 0; i < c->packets->len; i++)
		if (pkt(c, i)->seq == seq)
			return pkt(c, i);
	cr_assert_fail("no packet with seq %u", seq);
	return NULL;
}

static void check_v6(const uint8_t *got, const uint16_t *want)
{
	for (int i = 0; i < 8; i++) {
		cr_assert_eq(got[2 * i], want[i] >> 8);
		cr_assert_eq(got[2 * i + 1], want[i] & 0xff);
	}
}

static void check_modules_v4(const collect *c)
{
	const lttsync_packet *p = find_seq(c, 1000000);

	cr_assert_eq(p->struct_size, sizeof(lttsync_packet));
	cr_assert_eq(p->direction, LTTSYNC_DIRECTION_SEND);
	cr_assert_eq(p->timestamp_ns, CLOCK_OFFSET + 1000);
	cr_assert_eq(p->ack_seq, 2000000u);
	cr_assert_eq(p->flags, LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
	cr_assert_eq(p->family, 4);
	cr_assert(p->has_ports);
	cr_assert_eq(p->src_port, 40000);
	cr_assert_eq(p->dst_port, 22);
	cr_assert_arr_eq(p->src_addr, V4_SRC, 4);
	cr_assert_arr_eq(p->dst_addr, V4_DST, 4);
	cr_assert_eq(p->src_addr[4] | p->dst_addr[15], 0);
	p = find_seq(c, 0xfffffff0u);
	cr_assert_eq(p->direction, LTTSYNC_DIRECTION_RECEIVE);
	cr_assert_eq(p->timestamp_ns, CLOCK_OFFSET + 2000);
	cr_assert_eq(p->flags, LTTSYNC_TCP_SYN);
	cr_assert_eq(p->ack_seq, 0u);
}

static void check_modules_v6(const collect *c)
{
	const lttsync_packet *p = find_seq(c, 7);

	cr_assert_eq(p->family, 6);
	cr_assert_eq(p->ack_seq, 0x80000001u);
	cr_assert_eq(p->flags, LTTSYNC_TCP_FIN | LTTSYNC_TCP_ACK);
	cr_assert_eq(p->src_port, 443);
	cr_assert_eq(p->dst_port, 55555);
	check_v6(p->src_addr, V6_SRC);
	check_v6(p->dst_addr, V6_DST);
	p = find_seq(c, 123);
	cr_assert_eq(p->flags, 0xff);
	cr_assert_eq(p->direction, LTTSYNC_DIRECTION_RECEIVE);
	cr_assert_eq(p->dst_port, 65535);
}

static void check_modules_trace(bool newer)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_modules_trace(dir, newer);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_str_eq(c.hostname, "modhost");
	cr_assert_eq(s.streams, 2);
	cr_assert_eq(s.events, G_N_ELEMENTS(MODULES_EVENTS) + 2);
	cr_assert_eq(s.network_events, G_N_ELEMENTS(MODULES_EVENTS));
	cr_assert_eq(s.packets, MODULES_TCP);
	cr_assert_eq(s.not_tcp, 3);
	cr_assert_eq(s.no_header, 1);
	cr_assert_eq(s.malformed, 0);
	check_modules_v4(&c);
	check_modules_v6(&c);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(layouts, modules_2_9_0_protocol_selects_transport)
{
	check_modules_trace(false);
}

Test(layouts, modules_2_9_8_transport_header_type_selects)
{
	check_modules_trace(true);
}

/* 2.9.8+: TCP but no transport header captured yet, vs UDP with none. */
Test(layouts, modules_unknown_transport_header)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("h", NULL);
	char *fields = modules_fields(true, true);
	GByteArray *b = stream_begin();
	const net_ev tcp_no_th = { 0, 10, 4, 6, 0, 0, 0, 0, 0, 0, 0 };
	const net_ev udp_no_th = { 0, 20, 4, 17, 0, 0, 0, 0, 0, 0, 0 };
	collect c;
	lsync_decode_stats s;

	meta_event(m, 0, "net_dev_queue", fields);
	meta_write(m, dir);
	g_free(fields);
	put_modules_event(b, &tcp_no_th, true, true);
	put_modules_event(b, &udp_no_th, true, true);
	stream_write(b, dir, "s");
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.network_events, 2);
	cr_assert_eq(s.no_header, 1);
	cr_assert_eq(s.not_tcp, 1);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- addons layout ----------------------------------------------------- */

#define ADDONS_FIELDS "uint64_t _sk; " BE32 " _seq; " BE32 " _ack_seq; " \
	BE16 " _check; " BE16 " _window; " BE16 " _flags;"

/* The module's own flag order: fin<<7, syn<<6 ... cwr. */
static uint16_t addons_a(uint8_t canonical, unsigned doff)
{
	uint8_t module_order = 0;

	for (unsigned bit = 0; bit < 8; bit++)
		if (canonical & (1u << bit))
			module_order |= (uint8_t)(0x80u >> bit);
	return (uint16_t)(module_order << 8 | doff);
}

static uint16_t addons_b(uint8_t canonical, unsigned doff)
{
	return (uint16_t)(doff << 12 | canonical);
}

static void put_addons_event(GByteArray *b, uint32_t id, uint64_t ts, uint32_t seq,
			     uint32_t ack, uint16_t flags)
{
	event_header(b, id, ts);
	put_le(b, UINT64_C(0xffff88003a1b2c3d), 8);
	put_be(b, seq, 4);
	put_be(b, ack, 4);
	put_be(b, 0x5555, 2);
	put_be(b, 501, 2);
	put_be(b, flags, 2);
}

static const uint8_t ADDONS_FLAGS[] = {
	LTTSYNC_TCP_SYN, LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK, LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK, LTTSYNC_TCP_FIN | LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_RST, LTTSYNC_TCP_URG | LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_ECE | LTTSYNC_TCP_CWR | LTTSYNC_TCP_ACK,
};

/*
 * An addons trace of n events cycling through ADDONS_FLAGS with realistic
 * data offsets (10 on SYNs, 8 else), in encoding A or B.
 */
static void write_addons_trace(const char *dir, bool enc_b, unsigned n)
{
	GString *m = meta_begin("addonhost", NULL);
	GByteArray *b = stream_begin();

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_event(m, 1, "inet_sock_local_in", ADDONS_FIELDS);
	meta_event(m, 2, "inet_connect", "uint64_t _sk;");
	meta_write(m, dir);
	for (unsigned i = 0; i < n; i++) {
		uint8_t f = ADDONS_FLAGS[i % G_N_ELEMENTS(ADDONS_FLAGS)];
		unsigned doff = f & LTTSYNC_TCP_SYN ? 10 : 8;

		put_addons_event(b, i % 2, 100 + 10 * (uint64_t)i, 5000 + i, 9000 + 2 * i,
				 enc_b ? addons_b(f, doff) : addons_a(f, doff));
	}
	event_header(b, 2, 100 + 10 * (uint64_t)n);
	put_le(b, 1, 8);
	stream_write(b, dir, "channel0_0");
}

static void check_addons_trace(bool enc_b, unsigned n)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_addons_trace(dir, enc_b, n);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_str_eq(c.hostname, "addonhost");
	cr_assert_eq(s.events, n + 1);
	cr_assert_eq(s.network_events, n);
	cr_assert_eq(s.packets, n);
	cr_assert_eq(s.no_header + s.not_tcp + s.malformed, 0);
	for (unsigned i = 0; i < n; i++) {
		const lttsync_packet *p = find_seq(&c, 5000 + i);

		cr_assert_eq(p->flags, ADDONS_FLAGS[i % G_N_ELEMENTS(ADDONS_FLAGS)],
			     "event %u: flags 0x%02x", i, p->flags);
		cr_assert_eq(p->ack_seq, 9000 + 2 * i);
		cr_assert_eq(p->direction, i % 2 ? LTTSYNC_DIRECTION_RECEIVE
						 : LTTSYNC_DIRECTION_SEND);
		cr_assert_eq(p->timestamp_ns, CLOCK_OFFSET + 100 + 10 * (int64_t)i);
		cr_assert_eq(p->family, 0);
		cr_assert_eq(p->has_ports, 0);
	}
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(layouts, addons_encoding_a)
{
	check_addons_trace(false, 16);
}

Test(layouts, addons_encoding_b)
{
	check_addons_trace(true, 16);
}

/* Beyond the 1024 packets held back to decide: the rest is streamed. */
Test(layouts, addons_long_traces_both_encodings)
{
	check_addons_trace(false, 3000);
	check_addons_trace(true, 3000);
}

Test(layouts, addons_encoding_rules)
{
	/* The scp examples of DESIGN.md. */
	cr_assert(lsync_addons_plausible(0x1808, LSYNC_ADDONS_A));
	cr_assert_not(lsync_addons_plausible(0x1808, LSYNC_ADDONS_B));
	cr_assert_eq(lsync_addons_canonical(0x1808, LSYNC_ADDONS_A),
		     LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
	cr_assert_eq(lsync_addons_canonical(0x400A, LSYNC_ADDONS_A), LTTSYNC_TCP_SYN);
	cr_assert_not(lsync_addons_plausible(0x400A, LSYNC_ADDONS_B));
	/* Encoding B: TCP bytes 12-13 in network order. */
	cr_assert(lsync_addons_plausible(0x8018, LSYNC_ADDONS_B));
	cr_assert_not(lsync_addons_plausible(0x8018, LSYNC_ADDONS_A));
	cr_assert_eq(lsync_addons_canonical(0x8018, LSYNC_ADDONS_B),
		     LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
	cr_assert_not(lsync_addons_plausible(0x8218, LSYNC_ADDONS_B)); /* reserved bit */
	cr_assert_not(lsync_addons_plausible(0x4018, LSYNC_ADDONS_B)); /* doff 4 */
	/* Every canonical byte survives encoding A. */
	for (unsigned f = 0; f < 256; f++)
		cr_assert_eq(lsync_addons_canonical(addons_a((uint8_t)f, 5), LSYNC_ADDONS_A), f);
}

/* A trace whose values are plausible under both encodings: A wins ties. */
Test(layouts, addons_ambiguous_trace_reads_as_a)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("h", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	put_addons_event(b, 0, 1, 1, 2, 0x5008); /* A: doff 8; B: doff 5, PSH */
	stream_write(b, dir, "s");
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.packets, 1);
	cr_assert_eq(pkt(&c, 0)->flags, lsync_addons_canonical(0x5008, LSYNC_ADDONS_A));
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- experimental and old layouts -------------------------------------- */

#define SKB_PREFIX "uint64_t _skbaddr; uint32_t _len; string _name; "
#define EXP_TCP "struct { " BE32 " _seq; " BE32 " _ack_seq; " BE16 " _flags; }" \
	" _thtype_tcp;"

static void put_skb_prefix(GByteArray *b, uint32_t id, uint64_t ts)
{
	event_header(b, id, ts);
	put_le(b, 0xffff000011112222u, 8);
	put_le(b, 60, 4);
	put_str(b, "eth1");
}

/*
 * net_data_experimental with transport_fields as a variant: a TCP send,
 * a UDP receive, a receive without transport header.
 */
static void write_experimental_variant(const char *dir)
{
	GString *m = meta_begin("exp", NULL);
	GByteArray *b = stream_begin();
	const char *fields =
		SKB_PREFIX "enum : " U8 " { \"_thtype_none\" = 0, \"_thtype_tcp\" = 1,"
		" \"_thtype_udp\" = 2 } _transport_type; variant <_transport_type> {"
		" struct { } _thtype_none; " EXP_TCP " struct { " BE16 " _source; "
		BE16 " _dest; } _thtype_udp; } _transport_fields;";

	meta_event(m, 0, "net_dev_queue", fields);
	meta_event(m, 1, "netif_receive_skb", fields);
	meta_write(m, dir);
	put_skb_prefix(b, 0, 10);
	put_le(b, 1, 1);
	put_be(b, 0x01020304, 4);
	put_be(b, 0xa0b0c0d0, 4);
	put_be(b, 0x118, 2);
	put_skb_prefix(b, 1, 20);
	put_le(b, 2, 1);
	put_be(b, 53, 2);
	put_be(b, 53, 2);
	put_skb_prefix(b, 1, 30);
	put_le(b, 0, 1);
	stream_write(b, dir, "s");
}

Test(layouts, experimental_variant)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_experimental_variant(dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.network_events, 3);
	cr_assert_eq(s.packets, 1);
	cr_assert_eq(s.not_tcp, 1);
	cr_assert_eq(s.no_header, 1);
	cr_assert_eq(pkt(&c, 0)->seq, 0x01020304u);
	cr_assert_eq(pkt(&c, 0)->ack_seq, 0xa0b0c0d0u);
	cr_assert_eq(pkt(&c, 0)->flags, LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
	cr_assert_eq(pkt(&c, 0)->direction, LTTSYNC_DIRECTION_SEND);
	cr_assert_eq(pkt(&c, 0)->timestamp_ns, CLOCK_OFFSET + 10);
	cr_assert_eq(pkt(&c, 0)->family, 0);
	cr_assert_eq(pkt(&c, 0)->has_ports, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* net_data_experimental, transport_fields as a structure. */
Test(layouts, experimental_structure)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("exp", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;

	meta_event(m, 5, "netif_receive_skb",
		   SKB_PREFIX "struct { " EXP_TCP " } _transport_fields;");
	meta_write(m, dir);
	put_skb_prefix(b, 5, 99);
	put_be(b, 42, 4);
	put_be(b, 43, 4);
	put_be(b, LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK, 2);
	stream_write(b, dir, "s");
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.packets, 1);
	cr_assert_eq(pkt(&c, 0)->seq, 42u);
	cr_assert_eq(pkt(&c, 0)->ack_seq, 43u);
	cr_assert_eq(pkt(&c, 0)->flags, LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK);
	cr_assert_eq(pkt(&c, 0)->direction, LTTSYNC_DIRECTION_RECEIVE);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* The old layout, as lttng-modules 2.5 wrote it (32-bit kernel). */
Test(layouts, old_layout_counted_as_no_header)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin(NULL, NULL);
	GByteArray *b = stream_begin();
	const char *fields = "uint32_t _skbaddr; uint32_t _len; string _name;";
	collect c;
	lsync_decode_stats s;

	meta_event(m, 117, "net_dev_queue", fields);
	meta_event(m, 118, "netif_receive_skb", fields);
	meta_write(m, dir);
	for (uint32_t i = 0; i < 3; i++) {
		event_header(b, 117 + i % 2, i);
		put_le(b, 0xdead0000 + i, 4);
		put_le(b, 100, 4);
		put_str(b, "wlan0");
	}
	stream_write(b, dir, "s");
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_null(c.hostname, "no hostname in env: begin(NULL)");
	cr_assert_eq(s.events, 3);
	cr_assert_eq(s.network_events, 3);
	cr_assert_eq(s.no_header, 3);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- odd typings ------------------------------------------------------- */
/*
 * Classes that are legal CTF but not what lttng-modules writes: signed
 * header fields, values too wide for their header bits, a u32 IPv4
 * address, addresses as sequences or as arrays of wider elements, a
 * network_header variant with more options than usual (ipv4 at index 9),
 * experimental TCP fields with ports, a thtype_tcp that is no structure,
 * addons fields signed or wider than 16 bits. What each event decodes
 * to is fixed here, whatever way the decoder finds it.
 */

#define S16 "integer { size = 16; align = 8; signed = true; byte_order = be; }"
#define S32 "integer { size = 32; align = 8; signed = true; byte_order = be; }"
#define BE24 "integer { size = 24; align = 8; signed = false; byte_order = be; }"
#define BE64 "integer { size = 64; align = 8; signed = false; byte_order = be; }"
#define ODD_TRANSPORT \
	"enum : " U8 " { \"_unknown\" = 0, \"_tcp\" = 1 } _th_type;" \
	" variant <_th_type> { struct { } _unknown; struct { " S32 " _source_port; " \
	BE16 " _dest_port; " BE32 " _seq; " BE32 " _ack_seq; " BE16 " _flags; }" \
	" _tcp; } _transport_header;"

static const char ODD_MODULES[] =
	"uint64_t _skbaddr; enum : " U8 " { \"_unknown\" = 0, \"_o1\" = 1,"
	" \"_o2\" = 2, \"_o3\" = 3, \"_o4\" = 4, \"_o5\" = 5, \"_o6\" = 6,"
	" \"_o7\" = 7, \"_ipx\" = 8, \"_ipv4\" = 9, \"_ipv6\" = 10 }"
	" _network_header_type; variant <_network_header_type> {"
	" struct { } _unknown; struct { } _o1; struct { } _o2; struct { } _o3;"
	" struct { } _o4; struct { } _o5; struct { } _o6; struct { } _o7;"
	" struct { } _ipx;"
	" struct { " S16 " _protocol; " BE32 " _saddr; " U8 " _daddr_len; "
	BE16 " _daddr[_daddr_len]; " ODD_TRANSPORT " } _ipv4;"
	" struct { " BE8 " _nexthdr; " BE32 " _saddr[4]; " BE64 " _daddr[2]; "
	ODD_TRANSPORT " } _ipv6; } _network_header;";

/* One IPv4 event of ODD_MODULES (id 10); th: 0 unknown, 1 tcp. */
static void put_odd_v4(GByteArray *b, uint64_t ts, int16_t proto, unsigned dlen,
		       const uint16_t *daddr, unsigned th, int32_t sport, uint32_t seq)
{
	event_header(b, 10, ts);
	put_le(b, 1, 8);
	put_le(b, 9, 1);
	put_be(b, (uint16_t)proto, 2);
	put_be(b, 0x0a000001, 4);
	put_le(b, dlen, 1);
	for (unsigned i = 0; i < dlen; i++)
		put_be(b, daddr[i], 2);
	put_le(b, th, 1);
	if (th == 1) {
		put_be(b, (uint32_t)sport, 4);
		put_be(b, 22, 2);
		put_be(b, seq, 4);
		put_be(b, seq + 1000, 4);
		put_be(b, 0x18, 2);
	}
}

static void put_odd_option(GByteArray *b, uint64_t ts, unsigned option)
{
	event_header(b, 10, ts);
	put_le(b, 1, 8);
	put_le(b, option, 1);
}

static void put_odd_v6(GByteArray *b, uint64_t ts, uint32_t seq)
{
	static const uint32_t saddr[4] = { 0xfe800000, 0, 0x021122ff, 0xfe334455 };

	event_header(b, 10, ts);
	put_le(b, 1, 8);
	put_le(b, 10, 1);
	put_be(b, 6, 1);
	for (int i = 0; i < 4; i++)
		put_be(b, saddr[i], 4);
	put_be(b, UINT64_C(0x20010db800000000), 8);
	put_be(b, 2, 8);
	put_le(b, 1, 1);
	put_be(b, 443, 4);
	put_be(b, 55555, 2);
	put_be(b, seq, 4);
	put_be(b, 0, 4);
	put_be(b, 0x11, 2);
}

static void write_odd_modules_events(GByteArray *b)
{
	static const uint16_t d2[] = { 0xc0a8, 0x07c8 }, d4[] = { 1, 2, 3, 4 },
		d4_wide[] = { 0x100, 1, 2, 3 }, d1[] = { 0xffff };

	put_odd_v4(b, 1, 6, 2, d2, 1, 40000, 101);        /* packet */
	put_odd_v4(b, 2, -1, 2, d2, 1, 40000, 102);       /* negative protocol */
	put_odd_v4(b, 3, 300, 2, d2, 1, 40000, 103);      /* protocol > 8 bits */
	put_odd_v4(b, 4, 6, 3, d4, 1, 40000, 104);        /* 3 elements */
	put_odd_v4(b, 5, 6, 0, d4, 1, 40000, 105);        /* no element */
	put_odd_v4(b, 6, 6, 4, d4_wide, 1, 40000, 106);   /* 0x100 in a byte */
	put_odd_v4(b, 7, 6, 4, d4, 1, 40000, 107);        /* packet */
	put_odd_v4(b, 8, 6, 1, d1, 1, 40000, 108);        /* packet, 0.0.255.255 */
	put_odd_v4(b, 9, 6, 2, d2, 1, 70000, 109);        /* port > 16 bits */
	put_odd_v4(b, 10, 6, 2, d2, 1, -5, 110);          /* negative port */
	put_odd_option(b, 11, 8);                         /* ipx: not_tcp */
	put_odd_option(b, 12, 3);                         /* o3: not_tcp */
	put_odd_option(b, 13, 0);                         /* no_header */
	put_odd_v4(b, 14, 6, 2, d2, 0, 0, 0);             /* TCP, no header yet */
	put_odd_v4(b, 15, 17, 2, d2, 0, 0, 0);            /* UDP: not_tcp */
	put_odd_v6(b, 16, 116);                           /* packet */
}

static const char ODD_EXPERIMENTAL[] =
	"enum : " U8 " { \"_thtype_none\" = 0, \"_thtype_tcp\" = 1,"
	" \"_thtype_udp\" = 2, \"_foo_unknown\" = 3, \"_other\" = 4 } _tt;"
	" variant <_tt> { struct { } _thtype_none; struct { " BE32 " _seq; "
	BE32 " _ack_seq; " BE16 " _flags; " BE16 " _source_port; " S32
	" _dest_port; } _thtype_tcp; struct { } _thtype_udp;"
	" struct { } _foo_unknown; struct { } _other; } _transport_fields;";

static void put_odd_exp(GByteArray *b, uint64_t ts, unsigned option, uint32_t seq,
			int32_t dport)
{
	event_header(b, 11, ts);
	put_le(b, option, 1);
	if (option == 1) {
		put_be(b, seq, 4);
		put_be(b, seq + 1, 4);
		put_be(b, 0x12, 2);
		put_be(b, 1234, 2);
		put_be(b, (uint32_t)dport, 4);
	}
}

static void write_odd_trace(const char *dir)
{
	GString *m = meta_begin("odd", NULL);
	GByteArray *b = stream_begin();

	meta_event(m, 10, "net_dev_queue", ODD_MODULES);
	meta_event(m, 11, "netif_receive_skb", ODD_EXPERIMENTAL);
	meta_event(m, 12, "net_if_receive_skb",
		   "struct { " BE32 " _thtype_tcp; } _transport_fields;");
	meta_event(m, 13, "inet_sock_local_out",
		   S32 " _seq; " BE32 " _ack_seq; " BE24 " _flags;");
	meta_write(m, dir);
	write_odd_modules_events(b);
	put_odd_exp(b, 20, 1, 201, 80);  /* packet with ports */
	put_odd_exp(b, 21, 1, 202, -1);  /* packet, ports not usable */
	put_odd_exp(b, 22, 0, 0, 0);     /* none: no_header */
	put_odd_exp(b, 23, 2, 0, 0);     /* udp: not_tcp */
	put_odd_exp(b, 24, 3, 0, 0);     /* *unknown: no_header */
	put_odd_exp(b, 25, 4, 0, 0);     /* other: not_tcp */
	event_header(b, 12, 30);         /* thtype_tcp not a structure */
	put_be(b, 7, 4);
	event_header(b, 13, 40);         /* negative seq */
	put_be(b, (uint32_t)-3, 4);
	put_be(b, 1, 4);
	put_be(b, 0x1808, 3);
	event_header(b, 13, 41);         /* flags > 16 bits */
	put_be(b, 300, 4);
	put_be(b, 1, 4);
	put_be(b, 0x10000, 3);
	event_header(b, 13, 42);         /* packet */
	put_be(b, 301, 4);
	put_be(b, 1, 4);
	put_be(b, 0x1808, 3);
	stream_write(b, dir, "s");
}

static void check_odd_packets(const collect *c)
{
	static const uint8_t v4_src[4] = { 10, 0, 0, 1 }, dst_101[4] = { 192, 168, 7, 200 },
		dst_107[4] = { 1, 2, 3, 4 }, dst_108[4] = { 0, 0, 255, 255 };
	static const uint16_t v6_dst[8] = { 0x2001, 0x0db8, 0, 0, 0, 0, 0, 2 };
	const lttsync_packet *p = find_seq(c, 101);

	cr_assert_eq(p->family, 4);
	cr_assert_arr_eq(p->src_addr, v4_src, 4);
	cr_assert_arr_eq(p->dst_addr, dst_101, 4);
	cr_assert_eq(p->src_port, 40000);
	cr_assert_eq(p->ack_seq, 1101u);
	cr_assert_arr_eq(find_seq(c, 107)->dst_addr, dst_107, 4);
	cr_assert_arr_eq(find_seq(c, 108)->dst_addr, dst_108, 4);
	p = find_seq(c, 116);
	cr_assert_eq(p->family, 6);
	check_v6(p->src_addr, V6_SRC);
	check_v6(p->dst_addr, v6_dst);
	cr_assert_eq(p->flags, LTTSYNC_TCP_FIN | LTTSYNC_TCP_ACK);
	p = find_seq(c, 201);
	cr_assert(p->has_ports);
	cr_assert_eq(p->src_port, 1234);
	cr_assert_eq(p->dst_port, 80);
	cr_assert_eq(p->flags, LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK);
	cr_assert_eq(find_seq(c, 202)->has_ports, 0);
	cr_assert_eq(find_seq(c, 301)->family, 0);
}

Test(layouts, odd_typings)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_odd_trace(dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.network_events, 26);
	cr_assert_eq(s.packets, 7);
	cr_assert_eq(s.malformed, 10);
	cr_assert_eq(s.not_tcp, 5);
	cr_assert_eq(s.no_header, 4);
	check_odd_packets(&c);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/*
 * More network event classes than the decoder keeps plans for (24): the
 * rest are read with a plan made for each event, alike.
 */
Test(layouts, many_classes_read_alike)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("many", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;

	for (unsigned id = 0; id < 30; id++)
		meta_event(m, id, id % 2 ? "inet_sock_local_in" : "inet_sock_local_out",
			   ADDONS_FIELDS);
	meta_write(m, dir);
	for (unsigned i = 0; i < 90; i++)
		put_addons_event(b, i % 30, 10 + i, 7000 + i, 8000 + i,
				 addons_a(LTTSYNC_TCP_ACK, 8));
	stream_write(b, dir, "s");
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.network_events, 90);
	cr_assert_eq(s.packets, 90);
	for (unsigned i = 0; i < 90; i++) {
		const lttsync_packet *p = find_seq(&c, 7000 + i);

		cr_assert_eq(p->ack_seq, 8000 + i);
		cr_assert_eq(p->flags, LTTSYNC_TCP_ACK);
	}
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- bad input --------------------------------------------------------- */

/*
 * Network events lacking a field, or with one of another type: TCP
 * without ack_seq (modules), addons without flags, a modules class
 * without its network_header variant, addons flags as a string. Then an
 * ordinary event.
 */
static void write_malformed_trace(const char *dir)
{
	GString *m = meta_begin("h", NULL);
	char *no_ack = modules_fields(true, false);
	GByteArray *b = stream_begin();
	const net_ev tcp = { 0, 10, 4, 6, 1, 1, 2, 3, 4, 0x10, 5 };

	meta_event(m, 0, "net_dev_queue", no_ack);
	meta_event(m, 1, "inet_sock_local_in",
		   "uint64_t _sk; " BE32 " _seq; " BE32 " _ack_seq;");
	meta_event(m, 2, "net_if_receive_skb", SKB_PREFIX "enum : " U8
		   " { \"_unknown\" = 0, \"_ipv4\" = 1 } _network_header_type;");
	meta_event(m, 3, "inet_sock_local_out", "uint64_t _sk; " BE32 " _seq; " BE32
		   " _ack_seq; string _flags;");
	meta_event(m, 4, "sched_switch", OTHER_EVENT_FIELDS);
	meta_write(m, dir);
	g_free(no_ack);
	put_modules_event(b, &tcp, true, false);
	event_header(b, 1, 20);
	put_le(b, 1, 8);
	put_be(b, 5, 4);
	put_be(b, 6, 4);
	put_skb_prefix(b, 2, 30);
	put_le(b, 1, 1);
	event_header(b, 3, 40);
	put_le(b, 1, 8);
	put_be(b, 5, 4);
	put_be(b, 6, 4);
	put_str(b, "SA");
	put_other_event(b, 4, 50);
	stream_write(b, dir, "s");
}

Test(bad_input, missing_or_mistyped_fields_are_malformed)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_malformed_trace(dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.events, 5);
	cr_assert_eq(s.network_events, 4);
	cr_assert_eq(s.malformed, 4);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, missing_path_is_io)
{
	collect c;
	lsync_decode_stats s;
	char err[256];

	collect_init(&c);
	cr_assert_eq(decode("/nonexistent/lttsync/trace", &c, &s, err, sizeof(err)),
		     LTTSYNC_ERROR_IO);
	cr_assert(strstr(err, "/nonexistent/lttsync/trace"), "%s", err);
	cr_assert_eq(c.begins, 0);
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
}

Test(bad_input, null_arguments)
{
	lsync_decode_callbacks cb = { on_begin, NULL, NULL, NULL, NULL };
	lsync_decode_stats s;

	cr_assert_eq(lsync_decode_trace("/tmp", NULL, &s, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lsync_decode_trace("/tmp", &cb, &s, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lsync_find_traces(NULL, NULL, NULL, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
}

/* An empty folder is not a trace; a file is not a trace folder. */
Test(bad_input, empty_folder_and_plain_file_are_format)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	char *file = g_build_filename(dir, "notes.txt", NULL);
	collect c;
	lsync_decode_stats s;
	char err[256];

	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(err, "metadata"), "%s", err);
	test_write_file(dir, "notes.txt", "hello", 5);
	cr_assert_eq(decode(file, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert_eq(c.begins, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(file);
	g_free(dir);
}

/*
 * Garbage named metadata, three ways: plain random bytes, a text header
 * followed by garbage, and the packetized-metadata magic followed by
 * garbage. (babeltrace2 2.0.4 reads an uninitialised value on the first
 * one: valgrind reports it inside babeltrace-plugin-ctf.so.)
 */
static void check_garbage_metadata(const char *prefix, size_t prefix_len)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	uint8_t junk[4096];
	collect c;
	lsync_decode_stats s;
	char err[1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(g_random_int() | 1); /* no NUL: not an empty text */
	memcpy(junk, prefix, prefix_len);
	test_write_file(dir, "metadata", junk, sizeof(junk));
	test_write_file(dir, "channel0_0", junk, sizeof(junk));
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(err, dir), "the message names the path: %s", err);
	cr_assert_eq(c.begins, 0);
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, random_bytes_metadata_is_format)
{
	check_garbage_metadata("", 0);
}

Test(bad_input, garbage_after_text_header_is_format)
{
	check_garbage_metadata("/* CTF 1.8 */\n", 14);
}

Test(bad_input, garbage_packetized_metadata_is_format)
{
	check_garbage_metadata("\x57\x1d\xd1\x75", 4);
}

/* A trace folder or metadata file that cannot be read: IO, not FORMAT. */
Test(bad_input, unreadable_trace_is_io)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	char *meta = g_build_filename(dir, "metadata", NULL);
	collect c;
	lsync_decode_stats s;
	char err[256];

	if (geteuid() == 0) {
		test_rm_rf(dir);
		g_free(meta);
		g_free(dir);
		cr_skip_test("running as root: permissions are not enforced");
	}
	test_write_file(dir, "metadata", "/* CTF 1.8 */", 13);
	collect_init(&c);
	cr_assert_eq(chmod(meta, 0), 0);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_IO, "%s", err);
	cr_assert_eq(chmod(meta, 0644), 0);
	cr_assert_eq(chmod(dir, 0), 0);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_IO, "%s", err);
	cr_assert(strstr(err, dir), "%s", err);
	cr_assert_eq(c.begins, 0);
	chmod(dir, 0700);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(meta);
	g_free(dir);
}

/*
 * Metadata without any stream file: a valid, empty trace (OK, 0 events).
 * No stream carries the environment, so the hostname is read from the
 * metadata text; without one, begin(NULL).
 */
static void check_metadata_only(const char *hostname)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin(hostname, NULL);
	collect c;
	lsync_decode_stats s;

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_event(m, 1, "env", "uint32_t _hostname;"); /* misleading words */
	meta_write(m, dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.streams, 0);
	cr_assert_eq(s.events, 0);
	if (hostname)
		cr_assert_str_eq(c.hostname, hostname);
	else
		cr_assert_null(c.hostname);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, metadata_only_is_ok_and_empty)
{
	check_metadata_only("lonely");
	check_metadata_only(NULL);
}

/*
 * A stream without packet sizes is one packet: cut in the middle of an
 * event, the events before the cut are delivered, then FORMAT.
 */
Test(bad_input, truncated_stream_delivers_what_precedes)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("cut", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;
	char err[1024];
	guint cut = 0;

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (uint32_t i = 0; i < 8; i++) {
		if (i == 5)
			cut = b->len + 10; /* inside event 5's timestamp */
		put_addons_event(b, 0, 10 * (uint64_t)i, i, i, addons_a(LTTSYNC_TCP_ACK, 8));
	}
	g_byte_array_set_size(b, cut);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert(strstr(err, dir), "%s", err);
	cr_assert_eq(c.begins, 1);
	cr_assert_eq(s.events, 5);
	cr_assert_eq(c.packets->len, 5, "events before the cut are delivered");
	cr_assert_eq(s.packets, 5);
	cr_assert_eq(pkt(&c, 4)->flags, LTTSYNC_TCP_ACK);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/*
 * With packet sizes in the packet context, babeltrace2 2.0 indexes every
 * packet when it opens the trace: a truncated last packet fails there,
 * before any event is read. FORMAT, and nothing delivered.
 */
Test(bad_input, truncated_packet_fails_at_open)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("cut", "packet.context := struct { uint64_t packet_size;"
				" uint64_t content_size; };");
	GByteArray *b = g_byte_array_new();
	collect c;
	lsync_decode_stats s;
	char err[1024];

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (int packet = 0; packet < 2; packet++) {
		put_le(b, CTF_MAGIC, 4);
		put_le(b, 0, 4);
		put_le(b, 256 * 8, 8); /* packet_size, bits */
		put_le(b, (24 + 2 * 32) * 8, 8);
		for (uint32_t i = 0; i < 2; i++)
			put_addons_event(b, 0, 10 * (uint64_t)i + 100 * (uint64_t)packet,
					 i, i, addons_a(LTTSYNC_TCP_ACK, 8));
		while (b->len < 256u * (packet + 1))
			put_le(b, 0, 1);
	}
	g_byte_array_set_size(b, 256 + 100);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert(strstr(err, "index"), "babeltrace2's reason is included: %s", err);
	cr_assert_eq(c.packets->len, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* An unknown event id inside a well-formed packet: a decoding error. */
Test(bad_input, corrupt_event_delivers_what_precedes)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("corrupt", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;
	char err[1024];

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (uint32_t i = 0; i < 3; i++)
		put_addons_event(b, 0, i, i, i, addons_a(LTTSYNC_TCP_ACK, 8));
	event_header(b, 77, 5);
	put_le(b, 0, 8);
	put_le(b, 0, 8);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert_eq(s.events, 3);
	cr_assert_eq(c.packets->len, 3);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- callbacks --------------------------------------------------------- */

Test(callbacks, packet_callback_stops_reading)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_modules_trace(dir, true);
	collect_init(&c);
	c.stop_after = 1;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(c.packets->len, 1);
	cr_assert_eq(s.packets, 2, "the refused packet was handed out too");
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* addons packets are held back: a stop while they are flushed counts too. */
Test(callbacks, packet_callback_stops_addons_flush)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_addons_trace(dir, false, 10);
	collect_init(&c);
	c.stop_after = 3;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(c.packets->len, 3);
	cr_assert_eq(s.packets, 4);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(callbacks, begin_callback_stops_reading)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_modules_trace(dir, false);
	collect_init(&c);
	c.begin_status = LTTSYNC_ERROR_INVALID_ARGUMENT;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(c.begins, 1);
	cr_assert_eq(c.packets->len, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- finding traces ---------------------------------------------------- */

static int on_found(void *user, const char *folder)
{
	g_ptr_array_add(user, g_strdup(folder));
	return 0;
}

static int on_found_stop(void *user, const char *folder)
{
	(void)user; (void)folder;
	return LTTSYNC_ERROR_NOT_FOUND;
}

static GPtrArray *find(const char *path, lttsync_status want)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	char err[512];

	cr_assert_eq(lsync_find_traces(path, on_found, found, err, sizeof(err)), want,
		     "%s: %s", path, err);
	return found;
}

static void assert_found(GPtrArray *found, const char *root, const char *const *want,
			 guint n)
{
	cr_assert_eq(found->len, n, "found %u traces", found->len);
	for (guint i = 0; i < n; i++) {
		char *path = g_build_filename(root, want[i], NULL);

		cr_assert_str_eq(g_ptr_array_index(found, i), path);
		g_free(path);
	}
}

static void make_link(const char *root, const char *name, const char *target)
{
	char *link = g_build_filename(root, name, NULL);

	cr_assert_eq(symlink(target, link), 0, "%s: %s", link, strerror(errno));
	g_free(link);
}

static void make_trace_folder(const char *root, const char *rel)
{
	char *d = test_subdir(root, rel);

	test_write_file(d, "metadata", "/* CTF 1.8 */", 13);
	g_free(d);
}

/*
 * A session folder (host/kernel, host/ust/uid/1000/64-bit), a trace
 * inside a trace (not listed), a folder named metadata, a symbolic-link
 * loop, a second path to a trace (listed once, by its real path) and a
 * trace gathered from elsewhere by a link (listed by the link).
 */
Test(find_traces, session_tree_sorted_with_links)
{
	char *root = test_make_tmpdir("lttsync-decode"), *ext = test_make_tmpdir("lttsync-decode");
	char *ext_trace = g_build_filename(ext, "t", NULL);
	static const char *const want[] = {
		"host/kernel", "host/ust/uid/1000/64-bit", "other/a", "zz",
	};
	GPtrArray *found;

	make_trace_folder(root, "host/ust/uid/1000/64-bit");
	make_trace_folder(root, "host/kernel");
	make_trace_folder(root, "host/kernel/index-like/nested");
	make_trace_folder(root, "other/a");
	g_free(test_subdir(root, "empty"));
	g_free(test_subdir(root, "other/metadata"));
	make_trace_folder(ext, "t");
	make_link(root, "loop", root);
	make_link(root, "alias", "host/kernel");
	make_link(root, "zz", ext_trace);
	found = find(root, LTTSYNC_OK);
	assert_found(found, root, want, G_N_ELEMENTS(want));
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	test_rm_rf(ext);
	g_free(ext_trace);
	g_free(root);
	g_free(ext);
}

Test(find_traces, a_trace_folder_itself)
{
	char *root = test_make_tmpdir("lttsync-decode");
	GPtrArray *found;

	make_trace_folder(root, "nested/below");
	test_write_file(root, "metadata", "x", 1);
	found = find(root, LTTSYNC_OK);
	cr_assert_eq(found->len, 1);
	cr_assert_str_eq(g_ptr_array_index(found, 0), root);
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	g_free(root);
}

Test(find_traces, empty_missing_file_and_stop)
{
	char *root = test_make_tmpdir("lttsync-decode");
	char *file = g_build_filename(root, "f", NULL);
	GPtrArray *found = find(root, LTTSYNC_OK);
	char err[256];

	cr_assert_eq(found->len, 0);
	g_ptr_array_free(found, TRUE);
	g_ptr_array_free(find("/nonexistent/lttsync", LTTSYNC_ERROR_IO), TRUE);
	test_write_file(root, "f", "x", 1);
	g_ptr_array_free(find(file, LTTSYNC_ERROR_IO), TRUE);
	make_trace_folder(root, "t");
	cr_assert_eq(lsync_find_traces(root, on_found_stop, NULL, err, sizeof(err)),
		     LTTSYNC_ERROR_NOT_FOUND);
	test_rm_rf(root);
	g_free(file);
	g_free(root);
}

/* An unreadable subfolder is skipped, the rest still found. */
Test(find_traces, unreadable_subfolder_skipped)
{
	char *root = test_make_tmpdir("lttsync-decode");
	char *locked = test_subdir(root, "locked");
	GPtrArray *found;

	if (geteuid() == 0) {
		test_rm_rf(root);
		g_free(locked);
		g_free(root);
		cr_skip_test("running as root: permissions are not enforced");
	}
	make_trace_folder(root, "locked/t");
	make_trace_folder(root, "open/t");
	cr_assert_eq(chmod(locked, 0), 0);
	found = find(root, LTTSYNC_OK);
	cr_assert_eq(found->len, 1);
	chmod(locked, 0755);
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	g_free(locked);
	g_free(root);
}

/* ---- matching helpers -------------------------------------------------- */

/* A packet of one host, for matching across traces. */
typedef struct tagged {
	int host;
	lttsync_packet p;
} tagged;

static guint key_hash(gconstpointer k)
{
	const lttsync_packet *p = k;

	return p->seq * 2654435761u ^ p->ack_seq ^ (guint)p->flags << 24;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	const lttsync_packet *x = a, *y = b;

	return x->seq == y->seq && x->ack_seq == y->ack_seq && x->flags == y->flags;
}

static void add_tagged(GArray *all, const collect *c, int host)
{
	for (guint i = 0; i < c->packets->len; i++) {
		tagged t = { host, *pkt(c, i) };

		g_array_append_val(all, t);
	}
}

/* A matched segment: send and receive ends (as lttsync-gen -m lists them). */
typedef struct seg {
	int send_host, recv_host;
	int64_t send_ns, recv_ns;
} seg;

static gint seg_cmp(gconstpointer a, gconstpointer b)
{
	const seg *x = a, *y = b;

	if (x->send_ns != y->send_ns)
		return x->send_ns < y->send_ns ? -1 : 1;
	if (x->send_host != y->send_host)
		return x->send_host - y->send_host;
	return x->recv_ns < y->recv_ns ? -1 : x->recv_ns > y->recv_ns;
}

/* How many events each key has (counts), and each key's send (sends). */
static void index_keys(GArray *all, GHashTable *counts, GHashTable *sends)
{
	for (guint i = 0; i < all->len; i++) {
		tagged *t = &g_array_index(all, tagged, i);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, &t->p));

		g_hash_table_insert(counts, &t->p, GUINT_TO_POINTER(n + 1));
		if (t->p.direction == LTTSYNC_DIRECTION_SEND)
			g_hash_table_insert(sends, &t->p, t);
	}
}

/* Where both ends know addresses or ports, they must agree. */
static void check_same_flow(const lttsync_packet *a, const lttsync_packet *b)
{
	if (a->family && b->family) {
		cr_assert_eq(a->family, b->family);
		cr_assert_arr_eq(a->src_addr, b->src_addr, 16);
		cr_assert_arr_eq(a->dst_addr, b->dst_addr, 16);
	}
	if (a->has_ports && b->has_ports)
		cr_assert(a->src_port == b->src_port && a->dst_port == b->dst_port);
}

/*
 * The simplest matching: a key seen exactly twice, sent on one host and
 * received on another, makes a segment. Sorted.
 */
static GArray *match_all(GArray *all)
{
	GHashTable *counts = g_hash_table_new(key_hash, key_equal);
	GHashTable *sends = g_hash_table_new(key_hash, key_equal);
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(seg));

	index_keys(all, counts, sends);
	for (guint i = 0; i < all->len; i++) {
		tagged *r = &g_array_index(all, tagged, i), *sd;
		seg sg;

		if (r->p.direction != LTTSYNC_DIRECTION_RECEIVE ||
		    GPOINTER_TO_UINT(g_hash_table_lookup(counts, &r->p)) != 2 ||
		    !(sd = g_hash_table_lookup(sends, &r->p)) || sd->host == r->host)
			continue;
		check_same_flow(&sd->p, &r->p);
		sg = (seg){ sd->host, r->host, sd->p.timestamp_ns, r->p.timestamp_ns };
		g_array_append_val(segs, sg);
	}
	g_hash_table_destroy(counts);
	g_hash_table_destroy(sends);
	g_array_sort(segs, seg_cmp);
	return segs;
}

/* Decode host `h` of a generated run into *c and *s. */
static void decode_host(const char *out, int h, collect *c, lsync_decode_stats *s)
{
	char host[16], *trace;

	snprintf(host, sizeof(host), "host%d", h);
	trace = g_build_filename(out, host, "kernel", NULL);
	collect_init(c);
	decode_ok(trace, c, s);
	cr_assert_str_eq(c->hostname, host);
	g_free(trace);
}

/* ---- traces of the synthetic writer (lttsync-gen) ---------------------- */

#define ALL_LAYOUTS "modules-2.9,modules-2.10.5,modules-2.13,modules-2.6," \
	"experimental,addons-a,addons-b,old"
#define N_LAYOUTS 8

/* The generator, or skip: LTTSYNC_GEN, else $top_builddir/lttsync-gen. */
static char *generator(void)
{
	const char *env = getenv("LTTSYNC_GEN");
	const char *top = getenv("top_builddir");
	char *path = env ? g_strdup(env)
			 : g_build_filename(top ? top : ".", "lttsync-gen", NULL);

	if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
		g_free(path);
		cr_skip_test("synthetic trace writer not found (set LTTSYNC_GEN)");
	}
	return path;
}

/* Run the generator with `args` (NULL-terminated) into a new folder. */
static char *generate(const char *const *args)
{
	char *gen = generator();
	char *out = test_make_tmpdir("lttsync-decode");
	GPtrArray *argv = g_ptr_array_new();
	GError *e = NULL;
	char *err_text = NULL;
	int wait_status = 0;

	g_ptr_array_add(argv, gen);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (char *)args[i]);
	g_ptr_array_add(argv, "--quiet");
	g_ptr_array_add(argv, "--force");
	g_ptr_array_add(argv, out);
	g_ptr_array_add(argv, NULL);
	cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
			       NULL, NULL, NULL, &err_text, &wait_status, &e),
		  "cannot run %s: %s", gen, e ? e->message : "?");
	cr_assert(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0, "%s failed: %s",
		  gen, err_text);
	g_free(err_text);
	g_ptr_array_free(argv, TRUE);
	g_free(gen);
	return out;
}

static char *read_text(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text = NULL;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
	g_free(path);
	return text;
}

/* A number of host `host`'s entry in truth.json (one object per line pair). */
static uint64_t truth_u64(const char *json, const char *host, const char *key)
{
	char *needle = g_strdup_printf("{\"name\": \"%s\"", host);
	char *quoted = g_strdup_printf("\"%s\": ", key);
	const char *obj = strstr(json, needle), *end, *at;

	cr_assert_not_null(obj, "truth.json has no host %s", host);
	end = strchr(obj, '}');
	at = strstr(obj, quoted);
	cr_assert(at && at < end, "truth.json: no %s for %s", key, host);
	g_free(needle);
	g_free(quoted);
	return g_ascii_strtoull(at + strlen(key) + 4, NULL, 10);
}

/* The counts decode.h promises, against what the generator wrote. */
static void check_against_truth(const char *json, const char *host,
				const char *layout, const lsync_decode_stats *s)
{
	uint64_t net = truth_u64(json, host, "send_events") +
		       truth_u64(json, host, "receive_events");

	cr_assert_eq(s->events, truth_u64(json, host, "events"), "%s (%s)", host, layout);
	cr_assert_eq(s->network_events, net, "%s (%s)", host, layout);
	cr_assert_eq(s->packets, truth_u64(json, host, "tcp_send_events") +
				 truth_u64(json, host, "tcp_receive_events"),
		     "%s (%s)", host, layout);
	cr_assert_eq(s->malformed, 0, "%s (%s)", host, layout);
	cr_assert_eq(s->no_header + s->not_tcp, net - s->packets, "%s (%s)", host, layout);
	if (strcmp(layout, "old") == 0)
		cr_assert_eq(s->no_header, net);
	else if (strncmp(layout, "modules", 7) == 0) /* ARP only: UDP, ICMP are not_tcp */
		cr_assert_eq(s->no_header, truth_u64(json, host, "no_header_events"),
			     "%s (%s)", host, layout);
}

/* Every layout, with the writer's defaults (retransmissions, UDP, IPv6...). */
Test(generated, every_layout_counts_match_the_writer)
{
	static const char *const args[] = { "-n", "8", "-l", ALL_LAYOUTS, "-t", "mesh",
					    "-d", "2", "-s", "11", NULL };
	static const char *const layouts[N_LAYOUTS] = {
		"modules-2.9", "modules-2.10.5", "modules-2.13", "modules-2.6",
		"experimental", "addons-a", "addons-b", "old",
	};
	char *out = generate(args), *json = read_text(out, "truth.json");

	for (int h = 0; h < N_LAYOUTS; h++) {
		collect c;
		lsync_decode_stats s;

		decode_host(out, h, &c, &s);
		cr_assert_eq(s.streams, 2);
		check_against_truth(json, c.hostname, layouts[h], &s);
		if (strcmp(layouts[h], "modules-2.13") == 0)
			cr_assert_gt(s.not_tcp, 0, "UDP and ICMP are counted as not_tcp");
		collect_fini(&c);
	}
	g_free(json);
	test_rm_rf(out);
	g_free(out);
}

static GArray *read_segments_csv(const char *dir, const char *name)
{
	char *text = read_text(dir, name);
	char **lines = g_strsplit(text, "\n", -1);
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(seg));

	for (char **l = lines; *l; l++) {
		seg sg;

		if (sscanf(*l, "host%d,%" SCNd64 ",host%d,%" SCNd64, &sg.send_host,
			   &sg.send_ns, &sg.recv_host, &sg.recv_ns) == 4)
			g_array_append_val(segs, sg);
	}
	g_strfreev(lines);
	g_free(text);
	g_array_sort(segs, seg_cmp);
	return segs;
}

/* Every host's packets into `all`; returns how many are IPv6. */
static int decode_all_hosts(const char *out, GArray *all)
{
	int v6 = 0;

	for (int h = 0; h < N_LAYOUTS; h++) {
		collect c;
		lsync_decode_stats s;

		decode_host(out, h, &c, &s);
		add_tagged(all, &c, h);
		for (guint i = 0; i < c.packets->len; i++)
			v6 += pkt(&c, i)->family == 6;
		collect_fini(&c);
	}
	return v6;
}

/*
 * Without retransmission, segmentation, loopback or one-sided traffic,
 * every key is unique: matching the decoded packets of hosts in every
 * layout must give back exactly the writer's list of segments, to the
 * nanosecond at both ends. This checks seq, ack_seq, the canonical flags
 * (hosts of different layouts only match if they agree), directions and
 * timestamps of every layout at once.
 */
Test(generated, matching_across_layouts_gives_the_writers_segments)
{
	char *scratch = test_make_tmpdir("lttsync-decode");
	char *csv = g_build_filename(scratch, "segments.csv", NULL);
	const char *const args[] = {
		"-n", "8", "-l", ALL_LAYOUTS, "-t", "mesh", "-d", "2", "-s", "5",
		"--retransmit-fraction", "0", "--segmentation-fraction", "0",
		"--loopback-fraction", "0", "--one-sided-fraction", "0",
		"--ipv6-fraction", "0.5", "-m", csv, NULL,
	};
	char *out = generate(args);
	GArray *all = g_array_new(FALSE, FALSE, sizeof(tagged)), *got;
	GArray *want = read_segments_csv(scratch, "segments.csv");

	cr_assert_gt(decode_all_hosts(out, all), 0, "some flows are IPv6");
	got = match_all(all);
	cr_assert_gt(want->len, 100);
	cr_assert_eq(got->len, want->len, "matched %u, the writer lists %u",
		     got->len, want->len);
	for (guint i = 0; i < want->len; i++)
		cr_assert_eq(seg_cmp(&g_array_index(got, seg, i),
				     &g_array_index(want, seg, i)), 0,
			     "segment %u differs", i);
	g_array_free(all, TRUE);
	g_array_free(got, TRUE);
	g_array_free(want, TRUE);
	test_rm_rf(out);
	test_rm_rf(scratch);
	g_free(out);
	g_free(csv);
	g_free(scratch);
}

/* ---- real traces (../shared/traces) ------------------------------------ */

/*
 * The shared traces folder, or NULL (then the caller skips):
 * LTTSYNC_SHARED_TRACES if set (and only it), else
 * $top_srcdir/../shared/traces, else /work/shared/traces.
 */
static char *shared_traces(void)
{
	const char *env = getenv("LTTSYNC_SHARED_TRACES");
	const char *top = getenv("top_srcdir");
	char *candidates[2] = {
		env ? g_strdup(env)
		    : g_build_filename(top ? top : ".", "..", "shared", "traces", NULL),
		env ? NULL : g_strdup("/work/shared/traces"),
	};
	char *found = NULL;

	for (int i = 0; i < 2; i++) {
		if (!found && candidates[i] &&
		    g_file_test(candidates[i], G_FILE_TEST_IS_DIR))
			found = candidates[i];
		else
			g_free(candidates[i]);
	}
	return found;
}

static char *shared_trace(const char *rel)
{
	char *base = shared_traces();
	char *path;

	if (!base)
		cr_skip_test("real traces not found (set LTTSYNC_SHARED_TRACES to "
			     "the shared/traces folder)");
	path = g_build_filename(base, rel, NULL);
	g_free(base);
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_free(path);
		cr_skip_test("real trace %s not found", rel);
	}
	return path;
}

/*
 * VM3's clock lag behind VM1's (ns) is bounded by every segment: one
 * from VM1 (host 0) to VM3 proves lag > send - recv, one the other way
 * lag < recv - send. counts[h]: segments sent by host h.
 */
static void scp_bounds(GArray *segs, int counts[2], int64_t *lo, int64_t *hi)
{
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	for (guint i = 0; i < segs->len; i++) {
		const seg *sg = &g_array_index(segs, seg, i);

		counts[sg->send_host]++;
		if (sg->send_host == 0 && sg->send_ns - sg->recv_ns > *lo)
			*lo = sg->send_ns - sg->recv_ns;
		if (sg->send_host == 1 && sg->recv_ns - sg->send_ns < *hi)
			*hi = sg->recv_ns - sg->send_ns;
	}
}

static void check_scp_stats(const collect *c1, const lsync_decode_stats *s1,
			    const collect *c3, const lsync_decode_stats *s3)
{
	cr_assert_str_eq(c1->hostname, "VM1");
	cr_assert_str_eq(c3->hostname, "VM3");
	/* The muxer stops after 11,681 events; streams read alone give all. */
	cr_assert_eq(s1->events, 110771);
	cr_assert_eq(s3->events, 85729);
	cr_assert_eq(s1->network_events, 26 + 25);
	cr_assert_eq(s1->packets, 51);
	cr_assert_eq(s1->malformed + s1->no_header + s1->not_tcp, 0);
	cr_assert_eq(s3->malformed + s3->no_header + s3->not_tcp, 0);
}

Test(real_traces, scp_pair_matches_46_packets)
{
	char *src = shared_trace("scp/scp_src"), *dst = shared_trace("scp/scp_dest");
	collect c1, c3;
	lsync_decode_stats s1, s3;
	GArray *all = g_array_new(FALSE, FALSE, sizeof(tagged)), *segs;
	int counts[2] = { 0, 0 };
	int64_t lo, hi;

	collect_init(&c1);
	collect_init(&c3);
	decode_ok(src, &c1, &s1);
	decode_ok(dst, &c3, &s3);
	check_scp_stats(&c1, &s1, &c3, &s3);
	add_tagged(all, &c1, 0);
	add_tagged(all, &c3, 1);
	segs = match_all(all);
	scp_bounds(segs, counts, &lo, &hi);
	cr_assert_eq(segs->len, 46);
	cr_assert_eq(counts[0], 24, "VM1 -> VM3");
	cr_assert_eq(counts[1], 22, "VM3 -> VM1");
	/* README: VM3 reads 80.4 to 80.7 ms behind VM1. */
	cr_assert(lo < hi && lo > 80400000 && hi < 80750000,
		  "lag in [%" PRId64 ", %" PRId64 "]", lo, hi);
	g_array_free(segs, TRUE);
	g_array_free(all, TRUE);
	collect_fini(&c1);
	collect_fini(&c3);
	g_free(src);
	g_free(dst);
}

Test(real_traces, scp_flags_canonical_and_progress)
{
	char *src = shared_trace("scp/scp_src");
	collect c;
	lsync_decode_stats s;
	int syn = 0, synack = 0, psh_ack = 0;

	collect_init(&c);
	decode_ok(src, &c, &s);
	for (guint i = 0; i < c.packets->len; i++) {
		uint8_t f = pkt(&c, i)->flags;

		syn += f == LTTSYNC_TCP_SYN;
		synack += f == (LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK);
		psh_ack += f == (LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
		cr_assert(f & (LTTSYNC_TCP_ACK | LTTSYNC_TCP_SYN), "flags 0x%02x", f);
	}
	cr_assert_eq(syn, 1);
	cr_assert_eq(synack, 1);
	cr_assert_gt(psh_ack, 0);
	cr_assert_eq(c.progress_calls, 1);
	cr_assert_eq(c.last_progress, 65536);
	collect_fini(&c);
	g_free(src);
}

Test(real_traces, bug446190_old_layout_nothing_usable)
{
	char *path = shared_trace("bug446190");
	collect c;
	lsync_decode_stats s;

	collect_init(&c);
	decode_ok(path, &c, &s);
	cr_assert_str_eq(c.hostname, "lager");
	cr_assert_eq(s.streams, 4);
	cr_assert_eq(s.network_events, 16 + 326);
	cr_assert_eq(s.no_header, s.network_events);
	cr_assert_eq(s.packets, 0);
	cr_assert_eq(s.malformed, 0);
	collect_fini(&c);
	g_free(path);
}

Test(real_traces, no_network_events)
{
	char *path = shared_trace("lttng-2.10-no-net");
	collect c;
	lsync_decode_stats s;

	collect_init(&c);
	decode_ok(path, &c, &s);
	cr_assert_str_eq(c.hostname, "calista");
	cr_assert_gt(s.events, 0);
	cr_assert_eq(s.network_events, 0);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	g_free(path);
}

/* The same for packetized metadata (scp_src's, copied without streams). */
Test(real_traces, packetized_metadata_only_gives_hostname)
{
	char *src = shared_trace("scp/scp_src"), *dir = test_make_tmpdir("lttsync-decode");
	char *meta_path = g_build_filename(src, "metadata", NULL), *meta;
	gsize len;
	collect c;
	lsync_decode_stats s;

	cr_assert(g_file_get_contents(meta_path, &meta, &len, NULL));
	test_write_file(dir, "metadata", meta, len);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_str_eq(c.hostname, "VM1");
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(meta);
	g_free(meta_path);
	g_free(dir);
	g_free(src);
}

Test(real_traces, find_all_four)
{
	char *base = shared_trace(".");
	static const char *const want[] = {
		"bug446190", "lttng-2.10-no-net", "scp/scp_dest", "scp/scp_src",
	};
	GPtrArray *found = find(base, LTTSYNC_OK);

	assert_found(found, base, want, G_N_ELEMENTS(want));
	g_ptr_array_free(found, TRUE);
	g_free(base);
}
