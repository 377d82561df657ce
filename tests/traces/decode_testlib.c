/* SPDX-License-Identifier: MIT */
/* What the trace decoder tests share: see decode_testlib.h. */
#include <criterion/criterion.h>

#include <inttypes.h>
#include <string.h>

#include "decode_testlib.h"
#include "../common/testfiles.h"

/* ---- collecting what the decoder hands out ----------------------------- */

int on_begin(void *user, const char *hostname)
{
	collect *c = user;

	c->begins++;
	g_free(c->hostname);
	c->hostname = g_strdup(hostname);
	return c->begin_status;
}

int on_packet(void *user, const lttsync_packet *p)
{
	collect *c = user;

	if (!c->begins)
		c->packet_before_begin = true;
	if (c->stop_after && c->packets->len >= c->stop_after)
		return LTTSYNC_ERROR_NOT_AVAILABLE;
	g_array_append_val(c->packets, *p);
	return 0;
}

void on_progress(void *user, uint64_t events)
{
	collect *c = user;

	c->progress_calls++;
	c->last_progress = events;
}

void collect_init(collect *c)
{
	memset(c, 0, sizeof(*c));
	c->packets = g_array_new(FALSE, FALSE, sizeof(lttsync_packet));
}

void collect_fini(collect *c)
{
	g_array_free(c->packets, TRUE);
	g_free(c->hostname);
}

const lttsync_packet *pkt(const collect *c, guint i)
{
	cr_assert_lt(i, c->packets->len, "packet %u of %u", i, c->packets->len);
	return &g_array_index(c->packets, lttsync_packet, i);
}

lttsync_status decode(const char *path, collect *c, lsync_decode_stats *s,
		      char *err, size_t err_size)
{
	lsync_decode_callbacks cb = { on_begin, on_packet, on_progress, c, NULL };
	lttsync_status st = lsync_decode_trace(path, &cb, s, err, err_size);

	cr_assert_not(c->packet_before_begin, "a packet came before begin()");
	return st;
}

/* Decode a trace that must read without error; begin() exactly once. */
void decode_ok(const char *path, collect *c, lsync_decode_stats *s)
{
	char err[1024];
	lttsync_status st = decode(path, c, s, err, sizeof(err));

	cr_assert_eq(st, LTTSYNC_OK, "%s: status %d: %s", path, st, err);
	cr_assert_eq(c->begins, 1);
	cr_assert_eq(s->packets, c->packets->len);
}

/* ---- hand-written CTF 1.8 traces --------------------------------------- */

/* The metadata's preamble; `stream_extra` goes inside the stream block. */
GString *meta_begin(const char *hostname, const char *stream_extra)
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

void meta_event(GString *m, unsigned id, const char *name, const char *fields)
{
	g_string_append_printf(m, "event { name = \"%s\"; id = %u; stream_id = 0;\n"
			       "  fields := struct { %s }; };\n", name, id, fields);
}

void meta_write(GString *m, const char *dir)
{
	test_write_file(dir, "metadata", m->str, m->len);
	g_string_free(m, TRUE);
}

void put_le(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * i));

		g_byte_array_append(b, &byte, 1);
	}
}

void put_be(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * (n - 1 - i)));

		g_byte_array_append(b, &byte, 1);
	}
}

void put_str(GByteArray *b, const char *s)
{
	g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s) + 1);
}

GByteArray *stream_begin(void)
{
	GByteArray *b = g_byte_array_new();

	put_le(b, CTF_MAGIC, 4);
	put_le(b, 0, 4); /* stream_id */
	return b;
}

void event_header(GByteArray *b, uint32_t id, uint64_t ts)
{
	put_le(b, id, 4);
	put_le(b, ts, 8);
}

void stream_write(GByteArray *b, const char *dir, const char *name)
{
	test_write_file(dir, name, b->data, b->len);
	g_byte_array_free(b, TRUE);
}

void put_other_event(GByteArray *b, uint32_t id, uint64_t ts)
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
char *modules_fields(bool newer, bool with_ack_seq)
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

const uint8_t V4_SRC[4] = { 10, 0, 0, 1 };
const uint8_t V4_DST[4] = { 192, 168, 7, 200 };
const uint16_t V6_SRC[8] = {
	0xfe80, 0, 0, 0, 0x0211, 0x22ff, 0xfe33, 0x4455,
};
const uint16_t V6_DST[8] = { 0x2001, 0x0db8, 0, 0, 0, 0, 0, 2 };

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

void put_modules_event(GByteArray *b, const net_ev *e, bool newer,
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
const net_ev MODULES_EVENTS[] = {
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

/* A modules-layout trace: the events above split over two stream files. */
void write_modules_trace(const char *dir, bool newer)
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

/* ---- addons layout ----------------------------------------------------- */

/* The module's own flag order: fin<<7, syn<<6 ... cwr. */
uint16_t addons_a(uint8_t canonical, unsigned doff)
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

void put_addons_event(GByteArray *b, uint32_t id, uint64_t ts, uint32_t seq,
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

const uint8_t ADDONS_FLAGS[] = {
	LTTSYNC_TCP_SYN, LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK, LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK, LTTSYNC_TCP_FIN | LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_RST, LTTSYNC_TCP_URG | LTTSYNC_TCP_ACK,
	LTTSYNC_TCP_ECE | LTTSYNC_TCP_CWR | LTTSYNC_TCP_ACK,
};

/*
 * An addons trace of n events cycling through ADDONS_FLAGS with realistic
 * data offsets (10 on SYNs, 8 else), in encoding A or B.
 */
void write_addons_trace(const char *dir, bool enc_b, unsigned n)
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

/* ---- experimental layouts ---------------------------------------------- */

void put_skb_prefix(GByteArray *b, uint32_t id, uint64_t ts)
{
	event_header(b, id, ts);
	put_le(b, 0xffff000011112222u, 8);
	put_le(b, 60, 4);
	put_str(b, "eth1");
}

/* ---- finding traces ---------------------------------------------------- */

static int on_found(void *user, const char *folder)
{
	g_ptr_array_add(user, g_strdup(folder));
	return 0;
}

GPtrArray *find(const char *path, lttsync_status want)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	char err[512];

	cr_assert_eq(lsync_find_traces(path, on_found, found, err, sizeof(err)), want,
		     "%s: %s", path, err);
	return found;
}

void assert_found(GPtrArray *found, const char *root, const char *const *want,
		  guint n)
{
	cr_assert_eq(found->len, n, "found %u traces", found->len);
	for (guint i = 0; i < n; i++) {
		char *path = g_build_filename(root, want[i], NULL);

		cr_assert_str_eq(g_ptr_array_index(found, i), path);
		g_free(path);
	}
}
