/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: the trace layouts and their TSDL metadata.
 *
 * What each layout reproduces (facts from lttng-modules releases and from
 * the real traces the tests read; doc/traces.md, "Layouts"):
 *
 *  - Every field and option name is written with LTTng's leading
 *    underscore; enum labels keep theirs in babeltrace2's output.
 *  - x86-64: lttng-modules aligns nothing beyond the byte (lttng_alignof
 *    is 1 without RING_BUFFER_ALIGN), hence "align = 8" everywhere and the
 *    "struct { } align(8) _saddr_padding;" LTTng writes before arrays.
 *  - Packet header and context: lttng-modules 2.8 added
 *    stream_instance_id and packet_seq_num; the 2.1 (scp) and 2.5
 *    (bug446190) traces have neither.
 *  - Event header: the 2.10 trace uses event_header_compact (5-bit id,
 *    27-bit timestamp, else id 31 + 32-bit id + 64-bit timestamp), the 2.1
 *    and 2.5 traces event_header_large (16-bit id, 32-bit timestamp, else
 *    65535 + 32-bit id + 64-bit timestamp). Both are declared, as LTTng does.
 *  - Event ids: in the compact layouts the network events keep ids above
 *    30 (1263/1264, as in the 2.10 trace) so they always take the extended
 *    header, while sched_switch and the syscalls fit the compact one.
 *  - lttng-modules 2.9.0-2.9.7 / 2.10.0-2.10.4: transport_header selected
 *    by the protocol / nexthdr enum itself ("_tcp" = 6). 2.9.8+ / 2.10.5+:
 *    protocol keeps that enum, and an explicit transport_header_type enum
 *    (native byte order) after daddr selects the variant. 2.13: the
 *    protocol enum adds "_icmp" = 1 and "_udp" = 17, transport_header_type
 *    adds "_udp" = 2, "_icmp" = 3, with udp { source_port, dest_port, len,
 *    check } and icmp { type, code, checksum, gateway } (net.h of 2.13).
 *  - The addons module (scp traces, lttng-modules 2.1): flat sk, seq,
 *    ack_seq, check, window, flags, all but sk declared big-endian, hex.
 *  - The experimental layout is described in layout_experimental() below:
 *    no real trace of it survives, only its field path.
 */
#include <stdio.h>
#include <string.h>

#include "layout.h"

const struct layout gen_layouts[L_COUNT] = {
	[L_MODULES_29] = {
		.name = "modules-2.9", .major = 2, .minor = 9, .patch = 0,
		.family = NET_MODULES, .th = TH_BY_PROTOCOL,
		.compact_header = true, .seq_num = true, .quoted_names = true,
		.new_syscalls = true,
		.send_name = "net_dev_queue", .recv_name = "net_if_receive_skb",
		.kernel_release = "4.10.0-28-generic",
		.id = { 27, 4, 5, 1263, 1264 },
	},
	[L_MODULES_2105] = {
		.name = "modules-2.10.5", .major = 2, .minor = 10, .patch = 5,
		.family = NET_MODULES, .th = TH_EXPLICIT_TCP,
		.compact_header = true, .seq_num = true, .quoted_names = true,
		.new_syscalls = true,
		.send_name = "net_dev_queue", .recv_name = "net_if_receive_skb",
		.kernel_release = "4.15.0-29-generic",
		.id = { 27, 4, 5, 1263, 1264 },
	},
	[L_MODULES_213] = {
		.name = "modules-2.13", .major = 2, .minor = 13, .patch = 0,
		.family = NET_MODULES, .th = TH_EXPLICIT_ALL,
		.compact_header = true, .seq_num = true, .quoted_names = true,
		.new_syscalls = true,
		.send_name = "net_dev_queue", .recv_name = "net_if_receive_skb",
		.kernel_release = "5.15.0-56-generic",
		.id = { 27, 4, 5, 1401, 1402 },
	},
	[L_MODULES_26] = {
		.name = "modules-2.6", .major = 2, .minor = 6, .patch = 0,
		.family = NET_MODULES, .th = TH_BY_PROTOCOL,
		.compact_header = false, .seq_num = false, .quoted_names = true,
		.new_syscalls = true,
		.send_name = "net_dev_queue", .recv_name = "netif_receive_skb",
		.kernel_release = "3.16.0-4-amd64",
		.id = { 290, 4, 5, 117, 118 },
	},
	[L_EXPERIMENTAL] = {
		.name = "experimental", .major = 2, .minor = 5, .patch = 0,
		.family = NET_EXPERIMENTAL, .th = TH_EXPLICIT_TCP,
		.compact_header = false, .seq_num = false, .quoted_names = true,
		.new_syscalls = false,
		.send_name = "net_dev_queue", .recv_name = "netif_receive_skb",
		.kernel_release = "3.13.0-24-generic",
		.id = { 35, 240, 237, 117, 118 },
	},
	[L_ADDONS_A] = {
		.name = "addons-a", .major = 2, .minor = 1, .patch = 0,
		.family = NET_ADDONS, .compact_header = false, .seq_num = false,
		.quoted_names = false, .new_syscalls = false,
		.send_name = "inet_sock_local_out", .recv_name = "inet_sock_local_in",
		.kernel_release = "3.6.11-1-ARCH",
		.id = { 35, 240, 237, 6, 5 },
	},
	[L_ADDONS_B] = {
		.name = "addons-b", .major = 2, .minor = 7, .patch = 0,
		.family = NET_ADDONS, .compact_header = false, .seq_num = false,
		.quoted_names = true, .new_syscalls = true, .addons_b = true,
		.send_name = "inet_sock_local_out", .recv_name = "inet_sock_local_in",
		.kernel_release = "4.2.0-1-amd64",
		.id = { 35, 300, 301, 6, 5 },
	},
	[L_OLD] = {
		.name = "old", .major = 2, .minor = 5, .patch = 0,
		.family = NET_OLD, .compact_header = false, .seq_num = false,
		.quoted_names = true, .new_syscalls = false,
		.send_name = "net_dev_queue", .recv_name = "netif_receive_skb",
		.kernel_release = "3.10.31-ltsi",
		.id = { 210, 240, 237, 117, 118 },
	},
};

int layout_by_name(const char *name)
{
	for (int i = 0; i < L_COUNT; i++)
		if (strcmp(gen_layouts[i].name, name) == 0)
			return i;
	return -1;
}

const char *layout_names(void)
{
	return "modules-2.9, modules-2.10.5, modules-2.13, modules-2.6, "
	       "experimental, addons-a, addons-b, old";
}

unsigned layout_packet_header_size(const struct layout *l)
{
	/* magic, uuid, stream_id [, stream_instance_id] + context */
	return l->seq_num ? 32 + 52 : 24 + 44;
}

/* ---- TSDL pieces --------------------------------------------------------- */

static void indent(struct sbuf *b, int n)
{
	while (n-- > 0)
		sb_printf(b, "\t");
}

/* An integer field, byte aligned (x86-64), optionally big-endian. */
static void tsdl_int(struct sbuf *b, int ind, int size, int is_signed,
		     int base, bool be, const char *name)
{
	indent(b, ind);
	sb_printf(b, "integer { size = %d; align = %d; signed = %d; "
		  "encoding = none; base = %d;%s } _%s;\n",
		  size, size % 8 ? 1 : 8, is_signed, base,
		  be ? " byte_order = be;" : "", name);
}

/* A bit field of a header copied from the wire (big-endian). */
static void tsdl_bits(struct sbuf *b, int ind, int size, int align,
		      int base, const char *name)
{
	indent(b, ind);
	sb_printf(b, "integer { size = %d; align = %d; signed = 0; "
		  "encoding = none; base = %d; byte_order = be; } _%s;\n",
		  size, align, base, name);
}

/* An array of integers, preceded by LTTng's alignment padding struct. */
static void tsdl_array(struct sbuf *b, int ind, int size, int base,
		       const char *name, int len)
{
	indent(b, ind);
	sb_printf(b, "struct { } align(8) _%s_padding;\n", name);
	indent(b, ind);
	sb_printf(b, "integer { size = %d; align = 8; signed = 0; "
		  "encoding = none; base = %d; byte_order = be; } _%s[%d];\n",
		  size, base, name, len);
}

static void tsdl_text(struct sbuf *b, int ind, int is_signed,
		      const char *name, int len)
{
	indent(b, ind);
	sb_printf(b, "integer { size = 8; align = 8; signed = %d; "
		  "encoding = UTF8; base = 10; } _%s[%d];\n",
		  is_signed, name, len);
}

static void enum_begin(struct sbuf *b, int ind, bool be)
{
	indent(b, ind);
	sb_printf(b, "enum : integer { size = 8; align = 8; signed = 0; "
		  "encoding = none; base = 10;%s } {\n",
		  be ? " byte_order = be;" : "");
}

static void enum_entry(struct sbuf *b, int ind, const char *label,
		       int lo, int hi)
{
	indent(b, ind);
	if (lo == hi)
		sb_printf(b, "\"%s\" = %d,\n", label, lo);
	else
		sb_printf(b, "\"%s\" = %d ... %d,\n", label, lo, hi);
}

static void block_end(struct sbuf *b, int ind, const char *name)
{
	indent(b, ind);
	sb_printf(b, "}%s;\n", name);
}

/* ---- modules layouts: network_header / transport_header ------------------ */

/* The protocol / nexthdr enum (proto_transport_header_type). */
static void proto_enum(struct sbuf *b, int ind, const struct layout *l,
		       const char *name)
{
	enum_begin(b, ind, true);
	if (l->th == TH_EXPLICIT_ALL) {
		enum_entry(b, ind + 1, "_unknown", 0, 0);
		enum_entry(b, ind + 1, "_icmp", 1, 1);
		enum_entry(b, ind + 1, "_unknown", 2, 5);
		enum_entry(b, ind + 1, "_tcp", 6, 6);
		enum_entry(b, ind + 1, "_unknown", 7, 16);
		enum_entry(b, ind + 1, "_udp", 17, 17);
		enum_entry(b, ind + 1, "_unknown", 18, 255);
	} else {
		enum_entry(b, ind + 1, "_unknown", 0, 5);
		enum_entry(b, ind + 1, "_tcp", 6, 6);
		enum_entry(b, ind + 1, "_unknown", 7, 255);
	}
	indent(b, ind);
	sb_printf(b, "} _%s;\n", name);
}

static void tcp_struct(struct sbuf *b, int ind)
{
	indent(b, ind);
	sb_printf(b, "struct {\n");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "source_port");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "dest_port");
	tsdl_int(b, ind + 1, 32, 0, 10, true, "seq");
	tsdl_int(b, ind + 1, 32, 0, 10, true, "ack_seq");
	tsdl_bits(b, ind + 1, 4, 4, 10, "data_offset");
	tsdl_bits(b, ind + 1, 3, 1, 10, "reserved");
	tsdl_bits(b, ind + 1, 9, 1, 16, "flags");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "window_size");
	tsdl_int(b, ind + 1, 16, 0, 16, true, "checksum");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "urg_ptr");
	block_end(b, ind, "_tcp");
}

static void udp_icmp_structs(struct sbuf *b, int ind)
{
	indent(b, ind);
	sb_printf(b, "struct {\n");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "source_port");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "dest_port");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "len");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "check");
	block_end(b, ind, "_udp");
	indent(b, ind);
	sb_printf(b, "struct {\n");
	tsdl_int(b, ind + 1, 8, 0, 10, true, "type");
	tsdl_int(b, ind + 1, 8, 0, 10, true, "code");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "checksum");
	tsdl_int(b, ind + 1, 32, 0, 10, true, "gateway");
	block_end(b, ind, "_icmp");
}

/* transport_header_type (explicit layouts) and the transport variant. */
static void transport_part(struct sbuf *b, int ind, const struct layout *l,
			   const char *proto_field)
{
	const char *tag = proto_field;

	if (l->th != TH_BY_PROTOCOL) {
		enum_begin(b, ind, false);
		enum_entry(b, ind + 1, "_unknown", 0, 0);
		enum_entry(b, ind + 1, "_tcp", 1, 1);
		if (l->th == TH_EXPLICIT_ALL) {
			enum_entry(b, ind + 1, "_udp", 2, 2);
			enum_entry(b, ind + 1, "_icmp", 3, 3);
		}
		indent(b, ind);
		sb_printf(b, "} _transport_header_type;\n");
		tag = "transport_header_type";
	}
	indent(b, ind);
	sb_printf(b, "variant <_%s> {\n", tag);
	indent(b, ind + 1);
	sb_printf(b, "struct {\n");
	block_end(b, ind + 1, "_unknown");
	tcp_struct(b, ind + 1);
	if (l->th == TH_EXPLICIT_ALL)
		udp_icmp_structs(b, ind + 1);
	block_end(b, ind, "_transport_header");
}

static void ipv4_struct(struct sbuf *b, int ind, const struct layout *l)
{
	indent(b, ind);
	sb_printf(b, "struct {\n");
	tsdl_bits(b, ind + 1, 4, 4, 10, "version");
	tsdl_bits(b, ind + 1, 4, 4, 10, "ihl");
	tsdl_int(b, ind + 1, 8, 0, 10, true, "tos");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "tot_len");
	tsdl_int(b, ind + 1, 16, 0, 16, true, "id");
	tsdl_int(b, ind + 1, 16, 0, 10, true, "frag_off");
	tsdl_int(b, ind + 1, 8, 0, 10, true, "ttl");
	proto_enum(b, ind + 1, l, "protocol");
	tsdl_int(b, ind + 1, 16, 0, 16, true, "checksum");
	tsdl_array(b, ind + 1, 8, 10, "saddr", 4);
	tsdl_array(b, ind + 1, 8, 10, "daddr", 4);
	transport_part(b, ind + 1, l, "protocol");
	block_end(b, ind, "_ipv4");
}

static void ipv6_struct(struct sbuf *b, int ind, const struct layout *l)
{
	indent(b, ind);
	sb_printf(b, "struct {\n");
	tsdl_bits(b, ind + 1, 4, 4, 10, "version");
	tsdl_bits(b, ind + 1, 4, 4, 10, "prio");
	tsdl_array(b, ind + 1, 8, 16, "flow_lbl", 3);
	tsdl_int(b, ind + 1, 16, 0, 10, true, "payload_len");
	proto_enum(b, ind + 1, l, "nexthdr");
	tsdl_int(b, ind + 1, 8, 0, 10, true, "hop_limit");
	tsdl_array(b, ind + 1, 16, 16, "saddr", 8);
	tsdl_array(b, ind + 1, 16, 16, "daddr", 8);
	transport_part(b, ind + 1, l, "nexthdr");
	block_end(b, ind, "_ipv6");
}

static void skb_fields(struct sbuf *b, int base)
{
	tsdl_int(b, 2, 64, 0, base, false, "skbaddr");
	tsdl_int(b, 2, 32, 0, 10, false, "len");
	sb_printf(b, "\t\tstring _name;\n");
}

static void layout_modules(struct sbuf *b, const struct layout *l)
{
	skb_fields(b, 16);
	enum_begin(b, 2, false);
	enum_entry(b, 3, "_unknown", 0, 0);
	enum_entry(b, 3, "_ipv4", 1, 1);
	enum_entry(b, 3, "_ipv6", 2, 2);
	sb_printf(b, "\t\t} _network_header_type;\n");
	sb_printf(b, "\t\tvariant <_network_header_type> {\n");
	sb_printf(b, "\t\t\tstruct {\n");
	block_end(b, 3, "_unknown");
	ipv4_struct(b, 3, l);
	ipv6_struct(b, 3, l);
	block_end(b, 2, "_network_header");
}

/*
 * The net_data_experimental branch: only the path transport_fields /
 * thtype_tcp / {seq, ack_seq, flags} is known (Trace Compass's
 * TcpLttngEventMatching). Our rendering: after skbaddr, len, name, an enum
 * transport_header_type { "_thtype_none" = 0, "_thtype_tcp" = 1 } selects
 * the variant transport_fields { thtype_none {}, thtype_tcp { source_port,
 * dest_port, seq, ack_seq (big-endian), flags (the 8 standard TCP flag
 * bits, FIN = 0x01 ... CWR = 0x80, one unsigned byte), window } }. IPv4
 * and IPv6 alike (no network header part); any other protocol, and ARP,
 * takes thtype_none.
 */
static void layout_experimental(struct sbuf *b)
{
	skb_fields(b, 16);
	enum_begin(b, 2, false);
	enum_entry(b, 3, "_thtype_none", 0, 0);
	enum_entry(b, 3, "_thtype_tcp", 1, 1);
	sb_printf(b, "\t\t} _transport_header_type;\n");
	sb_printf(b, "\t\tvariant <_transport_header_type> {\n");
	sb_printf(b, "\t\t\tstruct {\n");
	block_end(b, 3, "_thtype_none");
	sb_printf(b, "\t\t\tstruct {\n");
	tsdl_int(b, 4, 16, 0, 10, true, "source_port");
	tsdl_int(b, 4, 16, 0, 10, true, "dest_port");
	tsdl_int(b, 4, 32, 0, 10, true, "seq");
	tsdl_int(b, 4, 32, 0, 10, true, "ack_seq");
	tsdl_int(b, 4, 8, 0, 16, false, "flags");
	tsdl_int(b, 4, 16, 0, 10, true, "window");
	block_end(b, 3, "_thtype_tcp");
	block_end(b, 2, "_transport_fields");
}

static void layout_addons(struct sbuf *b)
{
	tsdl_int(b, 2, 64, 0, 16, false, "sk");
	tsdl_int(b, 2, 32, 0, 16, true, "seq");
	tsdl_int(b, 2, 32, 0, 16, true, "ack_seq");
	tsdl_int(b, 2, 16, 0, 16, true, "check");
	tsdl_int(b, 2, 16, 0, 16, true, "window");
	tsdl_int(b, 2, 16, 0, 16, true, "flags");
}

/* ---- events and the trace block ------------------------------------------ */

static void event_begin(struct sbuf *b, const struct layout *l,
			const char *name, unsigned id)
{
	if (l->quoted_names)
		sb_printf(b, "event {\n\tname = \"%s\";\n", name);
	else
		sb_printf(b, "event {\n\tname = %s;\n", name);
	sb_printf(b, "\tid = %u;\n\tstream_id = 0;\n\tfields := struct {\n", id);
}

static void event_end(struct sbuf *b)
{
	sb_printf(b, "\t};\n};\n\n");
}

static void net_event(struct sbuf *b, const struct layout *l,
		      const char *name, unsigned id)
{
	event_begin(b, l, name, id);
	switch (l->family) {
	case NET_MODULES:
		layout_modules(b, l);
		break;
	case NET_EXPERIMENTAL:
		layout_experimental(b);
		break;
	case NET_ADDONS:
		layout_addons(b);
		break;
	case NET_OLD:
		skb_fields(b, 10);
		break;
	}
	event_end(b);
}

static void noise_events(struct sbuf *b, const struct layout *l)
{
	int comm_signed = l->quoted_names ? 0 : 1; /* as the 2.1 trace */

	event_begin(b, l, "sched_switch", l->id.sched_switch);
	tsdl_text(b, 2, comm_signed, "prev_comm", 16);
	tsdl_int(b, 2, 32, 1, 10, false, "prev_tid");
	tsdl_int(b, 2, 32, 1, 10, false, "prev_prio");
	tsdl_int(b, 2, 64, 1, 10, false, "prev_state");
	tsdl_text(b, 2, comm_signed, "next_comm", 16);
	tsdl_int(b, 2, 32, 1, 10, false, "next_tid");
	tsdl_int(b, 2, 32, 1, 10, false, "next_prio");
	event_end(b);
	if (l->new_syscalls) {
		event_begin(b, l, "syscall_entry_read", l->id.sys_entry);
		tsdl_int(b, 2, 32, 0, 10, false, "fd");
		tsdl_int(b, 2, 64, 0, 10, false, "count");
		event_end(b);
		event_begin(b, l, "syscall_exit_read", l->id.sys_exit);
		tsdl_int(b, 2, 64, 1, 10, false, "ret");
		tsdl_int(b, 2, 64, 0, 10, false, "buf");
		event_end(b);
	} else {
		event_begin(b, l, "sys_read", l->id.sys_entry);
		tsdl_int(b, 2, 32, 0, 10, false, "fd");
		tsdl_int(b, 2, 64, 0, 16, false, "buf");
		tsdl_int(b, 2, 64, 0, 10, false, "count");
		event_end(b);
		event_begin(b, l, "exit_syscall", l->id.sys_exit);
		tsdl_int(b, 2, 64, 1, 10, false, "ret");
		event_end(b);
	}
}

static void format_uuid(char out[37], const uint8_t u[16])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 15];
	}
	*p = '\0';
}

static const char preamble[] =
	"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	"typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n"
	"typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n"
	"typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n\n";

static void trace_block(struct sbuf *b, const struct layout *l,
			const struct host *h)
{
	char uuid[37];

	format_uuid(uuid, h->uuid);
	sb_printf(b, "%s", preamble);
	sb_printf(b, "trace {\n\tmajor = 1;\n\tminor = 8;\n\tuuid = \"%s\";\n"
		  "\tbyte_order = le;\n\tpacket.header := struct {\n"
		  "\t\tuint32_t magic;\n\t\tuint8_t  uuid[16];\n"
		  "\t\tuint32_t stream_id;\n", uuid);
	if (l->seq_num)
		sb_printf(b, "\t\tuint64_t stream_instance_id;\n");
	sb_printf(b, "\t};\n};\n\n");
	sb_printf(b, "env {\n\thostname = \"%s\";\n\tdomain = \"kernel\";\n"
		  "\tsysname = \"Linux\";\n\tkernel_release = \"%s\";\n"
		  "\tkernel_version = \"#1 SMP lttsync-gen\";\n"
		  "\ttracer_name = \"lttng-modules\";\n\ttracer_major = %d;\n"
		  "\ttracer_minor = %d;\n\ttracer_patchlevel = %d;\n};\n\n",
		  h->name, l->kernel_release, l->major, l->minor, l->patch);
}

/* Releases before 2.9 wrote the clock name unquoted (2.1 and 2.5 traces). */
static void clock_block(struct sbuf *b, const struct layout *l,
			const struct host *h)
{
	char uuid[37];

	format_uuid(uuid, h->clock_uuid);
	sb_printf(b, "clock {\n\tname = %s;\n\tuuid = \"%s\";\n"
		  "\tdescription = \"Monotonic Clock\";\n"
		  "\tfreq = 1000000000; /* Frequency, in Hz */\n"
		  "\t/* clock value offset from Epoch is: offset * (1/freq) */\n"
		  "\toffset = %llu;\n};\n\n",
		  l->minor >= 9 ? "\"monotonic\"" : "monotonic", uuid,
		  (unsigned long long)h->clock_offset);
	for (int i = 0; i < 3; i++) {
		static const int size[] = { 27, 32, 64 };

		sb_printf(b, "typealias integer {\n\tsize = %d; align = %d; "
			  "signed = false;\n\tmap = clock.monotonic.value;\n"
			  "} := uint%d_clock_monotonic_t;\n\n",
			  size[i], i ? 8 : 1, size[i]);
	}
}

static const char headers[] =
	"struct event_header_compact {\n"
	"\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;\n"
	"\tvariant <id> {\n\t\tstruct {\n"
	"\t\t\tuint27_clock_monotonic_t timestamp;\n\t\t} compact;\n"
	"\t\tstruct {\n\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n\t\t} extended;\n"
	"\t} v;\n} align(8);\n\n"
	"struct event_header_large {\n"
	"\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;\n"
	"\tvariant <id> {\n\t\tstruct {\n"
	"\t\t\tuint32_clock_monotonic_t timestamp;\n\t\t} compact;\n"
	"\t\tstruct {\n\t\t\tuint32_t id;\n"
	"\t\t\tuint64_clock_monotonic_t timestamp;\n\t\t} extended;\n"
	"\t} v;\n} align(8);\n\n";

static void stream_block(struct sbuf *b, const struct layout *l)
{
	sb_printf(b, "struct packet_context {\n"
		  "\tuint64_clock_monotonic_t timestamp_begin;\n"
		  "\tuint64_clock_monotonic_t timestamp_end;\n"
		  "\tuint64_t content_size;\n\tuint64_t packet_size;\n");
	if (l->seq_num)
		sb_printf(b, "\tuint64_t packet_seq_num;\n");
	sb_printf(b, "\tunsigned long events_discarded;\n"
		  "\tuint32_t cpu_id;\n};\n\n%s", headers);
	sb_printf(b, "stream {\n\tid = 0;\n\tevent.header := struct %s;\n"
		  "\tpacket.context := struct packet_context;\n};\n\n",
		  l->compact_header ? "event_header_compact" :
				      "event_header_large");
}

void layout_metadata(struct sbuf *b, const struct host *h)
{
	const struct layout *l = h->l;

	trace_block(b, l, h);
	clock_block(b, l, h);
	stream_block(b, l);
	noise_events(b, l);
	net_event(b, l, l->send_name, l->id.send);
	net_event(b, l, l->recv_name, l->id.recv);
}
