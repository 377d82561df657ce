/* SPDX-License-Identifier: MIT */
/*
 * Tests of the trace decoder (liblttsync/read/decode.h) on small CTF
 * traces written here by hand, one per layout (lttng-modules 2.9+, addons,
 * experimental, old) and per odd typing, so every field of every layout
 * is checked against values we chose.
 */
#include <criterion/criterion.h>

#include <glib.h>
#include <stdint.h>

#include "decode.h"
#include "decode_internal.h"
#include "decode_testlib.h"
#include "../common/testfiles.h"

/* ---- lttng-modules 2.9+ layout ----------------------------------------- */

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
	/* The scp examples of doc/traces.md. */
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

#define EXP_TCP "struct { " BE32 " _seq; " BE32 " _ack_seq; " BE16 " _flags; }" \
	" _thtype_tcp;"

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
