/* SPDX-License-Identifier: MIT */
/*
 * Which layout an event class follows, and reading a network event's
 * payload into an lttsync_packet (DESIGN.md, "The trace layouts").
 *
 * Fields are reached by name, and variants by the NAME of their selected
 * option: lttng-modules 2.9.0-2.9.7 select `transport_header` by the
 * `protocol` enum itself, later releases by `transport_header_type`, but
 * both name the TCP option "tcp", so one walk reads both. babeltrace2
 * strips the leading underscore of member and option names.
 */
#include "decode_internal.h"

#include <stdint.h>
#include <string.h>

#define IPPROTO_TCP_NUMBER 6

/*
 * Member lookups by name cost babeltrace2 a string hash and a glib table
 * lookup each (8 % of a run on network-heavy traces); the same few
 * (structure class, name) pairs recur for every network event, so their
 * index is remembered per thread. Classes live as long as their trace:
 * lsync_decode_fields_reset() empties the cache before each trace, so a
 * class freed and another allocated at its address cannot mislead it.
 */
#define MEMBER_CACHE_SIZE 64

typedef struct member_slot {
	const bt_field_class *fc;
	const char *name;        /* the caller's string (a literal) */
	uint64_t index;
} member_slot;

static __thread member_slot member_cache[MEMBER_CACHE_SIZE];

static bool member_index(const bt_field_class *fc, const char *name,
			 uint64_t *out)
{
	uint64_t n = bt_field_class_structure_get_member_count(fc);

	for (uint64_t i = 0; i < n; i++)
		if (strcmp(bt_field_class_structure_member_get_name(
				   bt_field_class_structure_borrow_member_by_index_const(fc, i)),
			   name) == 0) {
			*out = i;
			return true;
		}
	return false;
}

void lsync_decode_fields_reset(void)
{
	memset(member_cache, 0, sizeof(member_cache));
}

static bool slot_valid(const member_slot *slot, const bt_field_class *fc,
		       const char *name)
{
	return slot->fc == fc && slot->name == name &&
	       slot->index < bt_field_class_structure_get_member_count(fc);
}

/* A member of a structure field, or NULL if `s` is not a structure. */
static const bt_field *member(const bt_field *s, const char *name)
{
	const bt_field_class *fc;
	member_slot *slot;

	if (!s || bt_field_get_class_type(s) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return NULL;
	fc = bt_field_borrow_class_const(s);
	slot = &member_cache[(((uintptr_t)fc >> 4) ^ ((uintptr_t)name >> 1)) %
			     MEMBER_CACHE_SIZE];
	if (!slot_valid(slot, fc, name)) {
		if (!member_index(fc, name, &slot->index)) {
			slot->fc = NULL;
			return NULL;
		}
		slot->fc = fc;
		slot->name = name;
	}
	return bt_field_structure_borrow_member_field_by_index_const(s, slot->index);
}

/* A non-negative integer field's value (enumerations are integers too). */
static bool field_uint(const bt_field *f, uint64_t *out)
{
	bt_field_class_type t;

	if (!f)
		return false;
	t = bt_field_get_class_type(f);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER)) {
		*out = bt_field_integer_unsigned_get_value(f);
		return true;
	}
	/* A writer may declare a header field signed; accept it if >= 0. */
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
		int64_t v = bt_field_integer_signed_get_value(f);

		*out = (uint64_t)v;
		return v >= 0;
	}
	return false;
}

/* A member's value, which must fit in `bits` bits. */
static bool get_uint(const bt_field *s, const char *name, unsigned bits,
		     uint64_t *out)
{
	if (!field_uint(member(s, name), out))
		return false;
	return bits >= 64 || *out >> bits == 0;
}

/*
 * The selected option of a variant field: its name, and the option's
 * field in *out. NULL when `v` is missing or not a variant.
 */
static const char *selected_option(const bt_field *v, const bt_field **out)
{
	const bt_field_class_variant_option *opt;

	if (!v || !bt_field_class_type_is(bt_field_get_class_type(v),
					  BT_FIELD_CLASS_TYPE_VARIANT))
		return NULL;
	opt = bt_field_variant_borrow_selected_option_class_const(v);
	*out = bt_field_variant_borrow_selected_option_field_const(v);
	return bt_field_class_variant_option_get_name(opt);
}

/* Write `v` big-endian (network order) into `width` bytes. */
static void put_be(uint8_t *out, uint64_t v, unsigned width)
{
	for (unsigned i = 0; i < width; i++)
		out[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

/* An address held in one integer (at most 8 bytes). */
static bool get_addr_scalar(const bt_field *f, unsigned nbytes, uint8_t *out)
{
	uint64_t v;

	if (nbytes > 8 || !field_uint(f, &v) ||
	    (nbytes < 8 && v >> (8 * nbytes)))
		return false;
	put_be(out, v, nbytes);
	return true;
}

/*
 * An address of `nbytes` bytes in network order. lttng-modules declares
 * IPv4 addresses as uint8[4] and IPv6 ones as uint16[8]; any array whose
 * elements evenly share the bytes is read the same way, and a plain
 * integer (older writers' u32 IPv4 address) as one big element.
 */
static bool get_addr(const bt_field *s, const char *name, unsigned nbytes,
		     uint8_t *out)
{
	const bt_field *f = member(s, name);
	uint64_t len, v;
	unsigned width;

	if (!f)
		return false;
	if (!bt_field_class_type_is(bt_field_get_class_type(f),
				    BT_FIELD_CLASS_TYPE_ARRAY))
		return get_addr_scalar(f, nbytes, out);
	len = bt_field_array_get_length(f);
	if (len == 0 || len > nbytes || nbytes % len)
		return false;
	width = nbytes / (unsigned)len;
	for (uint64_t i = 0; i < len; i++) {
		const bt_field *elem =
			bt_field_array_borrow_element_field_by_index_const(f, i);

		if (!field_uint(elem, &v) || (width < 8 && v >> (8 * width)))
			return false;
		put_be(out + i * width, v, width);
	}
	return true;
}

/* The TCP option of lttng-modules' transport_header. */
static lsync_field_result decode_tcp(const bt_field *tcp, lttsync_packet *p)
{
	uint64_t sport, dport, seq, ack, flags;

	if (!get_uint(tcp, "source_port", 16, &sport) ||
	    !get_uint(tcp, "dest_port", 16, &dport) ||
	    !get_uint(tcp, "seq", 32, &seq) ||
	    !get_uint(tcp, "ack_seq", 32, &ack) ||
	    !get_uint(tcp, "flags", 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->src_port = (uint16_t)sport;
	p->dst_port = (uint16_t)dport;
	p->has_ports = 1;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	/* 9 bits NS, CWR..FIN: the canonical byte is the low 8 bits. */
	p->flags = (uint8_t)(flags & 0xff);
	return LSYNC_FIELDS_PACKET;
}

/*
 * The transport part of an IP header. `proto` is the IP protocol number:
 * when the variant holds "unknown" (up to 2.9.7 that is also what UDP
 * selects), it tells a packet without a transport header yet from one of
 * another protocol.
 */
static lsync_field_result decode_transport(const bt_field *ip, uint64_t proto,
					   lttsync_packet *p)
{
	const bt_field *th = NULL;
	const char *opt = selected_option(member(ip, "transport_header"), &th);

	if (!opt)
		return LSYNC_FIELDS_MALFORMED;
	if (strcmp(opt, "tcp") == 0)
		return decode_tcp(th, p);
	if (strcmp(opt, "unknown") == 0 && proto == IPPROTO_TCP_NUMBER)
		return LSYNC_FIELDS_NO_HEADER;
	return LSYNC_FIELDS_NOT_TCP;
}

static lsync_field_result decode_ipv4(const bt_field *ip, lttsync_packet *p)
{
	uint64_t proto;

	if (!get_uint(ip, "protocol", 8, &proto) ||
	    !get_addr(ip, "saddr", 4, p->src_addr) ||
	    !get_addr(ip, "daddr", 4, p->dst_addr))
		return LSYNC_FIELDS_MALFORMED;
	p->family = 4;
	return decode_transport(ip, proto, p);
}

static lsync_field_result decode_ipv6(const bt_field *ip, lttsync_packet *p)
{
	uint64_t nexthdr;

	if (!get_uint(ip, "nexthdr", 8, &nexthdr) ||
	    !get_addr(ip, "saddr", 16, p->src_addr) ||
	    !get_addr(ip, "daddr", 16, p->dst_addr))
		return LSYNC_FIELDS_MALFORMED;
	p->family = 6;
	return decode_transport(ip, nexthdr, p);
}

/* lttng-modules 2.9+: the network_header variant. */
static lsync_field_result decode_modules(const bt_field *payload,
					 lttsync_packet *p)
{
	const bt_field *ip = NULL;
	const char *opt = selected_option(member(payload, "network_header"), &ip);

	if (!opt)
		return LSYNC_FIELDS_MALFORMED;
	if (strcmp(opt, "ipv4") == 0)
		return decode_ipv4(ip, p);
	if (strcmp(opt, "ipv6") == 0)
		return decode_ipv6(ip, p);
	if (strcmp(opt, "unknown") == 0)
		return LSYNC_FIELDS_NO_HEADER;
	return LSYNC_FIELDS_NOT_TCP;
}

/* An option name that means "no transport header" rather than "not TCP". */
static bool names_nothing(const char *opt)
{
	size_t n = strlen(opt);

	return (n >= 7 && strcmp(opt + n - 7, "unknown") == 0) ||
	       (n >= 4 && strcmp(opt + n - 4, "none") == 0);
}

/* Ports are not part of what is known of the layout: taken if present. */
static void experimental_ports(const bt_field *tcp, lttsync_packet *p)
{
	uint64_t sport, dport;

	if (get_uint(tcp, "source_port", 16, &sport) &&
	    get_uint(tcp, "dest_port", 16, &dport)) {
		p->src_port = (uint16_t)sport;
		p->dst_port = (uint16_t)dport;
		p->has_ports = 1;
	}
}

/*
 * net_data_experimental: transport_fields / thtype_tcp / {seq, ack_seq,
 * flags}. transport_fields is read as a variant (options thtype_tcp,
 * thtype_udp...) or, failing that, as a structure holding thtype_tcp.
 */
static lsync_field_result decode_experimental(const bt_field *payload,
					      lttsync_packet *p)
{
	const bt_field *tf = member(payload, "transport_fields");
	const bt_field *tcp = NULL;
	const char *opt = selected_option(tf, &tcp);
	uint64_t seq, ack, flags;

	if (opt && strcmp(opt, "thtype_tcp") != 0)
		return names_nothing(opt) ? LSYNC_FIELDS_NO_HEADER
					  : LSYNC_FIELDS_NOT_TCP;
	if (!opt)
		tcp = member(tf, "thtype_tcp");
	if (!get_uint(tcp, "seq", 32, &seq) ||
	    !get_uint(tcp, "ack_seq", 32, &ack) ||
	    !get_uint(tcp, "flags", 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	p->flags = (uint8_t)(flags & 0xff);
	experimental_ports(tcp, p);
	return LSYNC_FIELDS_PACKET;
}

/* addons: flat seq, ack_seq, flags; the flags are converted per trace. */
static lsync_field_result decode_addons(const bt_field *payload,
					lttsync_packet *p, uint16_t *raw)
{
	uint64_t seq, ack, flags;

	if (!get_uint(payload, "seq", 32, &seq) ||
	    !get_uint(payload, "ack_seq", 32, &ack) ||
	    !get_uint(payload, "flags", 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	*raw = (uint16_t)flags;
	return LSYNC_FIELDS_PACKET;
}

lsync_field_result lsync_decode_payload(lsync_layout layout,
					const bt_field *payload,
					lttsync_packet *p,
					uint16_t *addons_raw)
{
	switch (layout) {
	case LSYNC_LAYOUT_MODULES:
		return decode_modules(payload, p);
	case LSYNC_LAYOUT_EXPERIMENTAL:
		return decode_experimental(payload, p);
	case LSYNC_LAYOUT_ADDONS:
		return decode_addons(payload, p, addons_raw);
	case LSYNC_LAYOUT_OLD:
		return LSYNC_FIELDS_NO_HEADER;
	case LSYNC_LAYOUT_NONE:
		break;
	}
	return LSYNC_FIELDS_MALFORMED;
}

/* ---- event classes ----------------------------------------------------- */

static bool class_has_member(const bt_field_class *fc, const char *name)
{
	return fc && bt_field_class_get_type(fc) == BT_FIELD_CLASS_TYPE_STRUCTURE &&
	       bt_field_class_structure_borrow_member_by_name_const(fc, name);
}

/*
 * net_dev_queue and netif_receive_skb exist in every layout; the payload
 * says which. A class that declares any part of the 2.9+ header is read
 * as such, so a missing piece shows up as malformed events rather than
 * silently as the old layout.
 */
static lsync_layout skb_layout(const bt_event_class *ec)
{
	const bt_field_class *fc = bt_event_class_borrow_payload_field_class_const(ec);

	if (class_has_member(fc, "network_header") ||
	    class_has_member(fc, "network_header_type"))
		return LSYNC_LAYOUT_MODULES;
	if (class_has_member(fc, "transport_fields"))
		return LSYNC_LAYOUT_EXPERIMENTAL;
	return LSYNC_LAYOUT_OLD;
}

lsync_event_kind lsync_classify_event_class(const bt_event_class *ec)
{
	const char *name = bt_event_class_get_name(ec);
	lsync_event_kind k = { LSYNC_LAYOUT_NONE, LTTSYNC_DIRECTION_SEND };

	if (!name)
		return k;
	if (strcmp(name, "inet_sock_local_out") == 0) {
		k.layout = LSYNC_LAYOUT_ADDONS;
	} else if (strcmp(name, "inet_sock_local_in") == 0) {
		k.layout = LSYNC_LAYOUT_ADDONS;
		k.direction = LTTSYNC_DIRECTION_RECEIVE;
	} else if (strcmp(name, "net_dev_queue") == 0) {
		k.layout = skb_layout(ec);
	} else if (strcmp(name, "net_if_receive_skb") == 0 ||
		   strcmp(name, "netif_receive_skb") == 0) {
		k.layout = skb_layout(ec);
		k.direction = LTTSYNC_DIRECTION_RECEIVE;
	}
	return k;
}

/* ---- addons flags ------------------------------------------------------ */

/*
 * Plausible means: the data offset field reads 5..15 (a TCP header is 20
 * to 60 bytes) and the bits that must be zero are. Under A the low byte
 * is the data offset alone; under B the top nibble is the data offset and
 * the 3 reserved bits follow.
 */
bool lsync_addons_plausible(uint16_t raw, lsync_addons_encoding enc)
{
	unsigned doff;

	if (enc == LSYNC_ADDONS_A) {
		doff = raw & 0xff;
		return doff >= 5 && doff <= 15;
	}
	doff = raw >> 12;
	return doff >= 5 && ((raw >> 9) & 7) == 0;
}

/*
 * Encoding A's high byte holds the flags as fin<<7 ... cwr<<0: exactly
 * the canonical byte (FIN=0x01 ... CWR=0x80) with its bits reversed.
 */
uint8_t lsync_addons_canonical(uint16_t raw, lsync_addons_encoding enc)
{
	uint8_t module_order = (uint8_t)(raw >> 8), out = 0;

	if (enc == LSYNC_ADDONS_B)
		return (uint8_t)(raw & 0xff);
	for (unsigned bit = 0; bit < 8; bit++)
		if (module_order & (1u << bit))
			out |= (uint8_t)(0x80u >> bit);
	return out;
}
