/* SPDX-License-Identifier: MIT */
/*
 * Which layout an event class follows, and reading a network event's
 * payload into an lttsync_packet (doc/traces.md, "Layouts").
 *
 * Fields are known by name, and variant options by their NAME (not by
 * the selector's value); babeltrace2 strips the leading underscore of
 * member and option names. Names are resolved once per field class into
 * a plan (below), not per event.
 */
#include "decode_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IPPROTO_TCP_NUMBER 6

/*
 * ---- plans ----------------------------------------------------------------
 *
 * How a payload is read depends only on field *classes*: a member's index
 * and type are fixed within its structure class, and a variant option's
 * name and class within its variant class. Per event, only the values,
 * the selected option and an array's length change. Finding members by
 * name and checking their types for every event cost most of the time
 * spent here, so each structure class is compiled once, for the role it
 * plays, into a `plan`:
 *
 *   ROLE_MODULES       payload of a modules event: its network_header
 *                      variant, with what each option means (ipv4, ipv6,
 *                      unknown, other);
 *   ROLE_IPV4/IPV6     an option of network_header: protocol or nexthdr,
 *                      saddr, daddr, and the transport_header variant
 *                      (tcp, unknown, other);
 *   ROLE_TCP           TCP fields: the modules tcp option, experimental
 *                      thtype_tcp, and the addons payload (seq, ack_seq,
 *                      flags and the ports);
 *   ROLE_EXPERIMENTAL  payload of an experimental event: transport_fields,
 *                      a variant (thtype_tcp, nothing, other) or a
 *                      structure holding thtype_tcp.
 *
 * For every member it reads, a plan keeps the member's index and how to
 * read it (member_kind), or MK_NONE when it is missing or of a type that
 * can never give a value: such an event is malformed, as when the member
 * was looked up by name. What depends on a value (a signed field being
 * >= 0, a value fitting its header bits, an array's length) is still
 * checked per event. A nested structure (an option's, a member's) has its
 * own plan, found from its field's class.
 *
 * The plans of a trace sit in a small open-addressing table keyed by
 * (class, role), owned by that trace's decoder (decode.c). Classes live
 * as long as their trace, and so does the table, so a class freed and
 * another allocated at its address cannot mislead it; several traces
 * read on one thread (here.c) each have their own. A full table is not
 * evicted from (a plan in use may sit in it): the plan is then compiled
 * on the caller's stack for that event.
 */

/* How a member is read. */
typedef enum member_kind {
	MK_NONE = 0,  /* missing, or of a type that the role cannot use */
	MK_UNSIGNED,  /* unsigned integer or enumeration */
	MK_SIGNED,    /* signed one: a value < 0 is unusable */
	MK_ARRAY,     /* static or dynamic array of integers (`element`) */
	MK_VARIANT,
	MK_STRUCTURE,
} member_kind;

typedef struct member_plan {
	uint64_t index;      /* in its structure */
	member_kind kind;
	member_kind element; /* MK_ARRAY: MK_UNSIGNED or MK_SIGNED */
} member_plan;

typedef lsync_option_meaning (*option_namer)(const char *name);

/*
 * Variants have 2 to 5 options in practice; an option past the table is
 * named per event (bt_field_variant_get_selected_option_index() order).
 */
#define PLAN_OPTIONS 8

typedef struct variant_plan {
	member_plan m;                 /* MK_VARIANT, else unusable */
	uint8_t meaning[PLAN_OPTIONS]; /* lsync_option_meaning by option index */
} variant_plan;

typedef struct ip_plan {
	member_plan proto;      /* protocol (IPv4) or nexthdr (IPv6) */
	member_plan saddr, daddr;
	variant_plan transport; /* transport_header */
} ip_plan;

typedef struct tcp_plan {
	member_plan sport, dport, seq, ack_seq, flags;
} tcp_plan;

typedef struct experimental_plan {
	variant_plan fields; /* transport_fields: MK_VARIANT or MK_STRUCTURE */
	member_plan tcp;     /* structure form: its thtype_tcp (MK_STRUCTURE) */
} experimental_plan;

typedef enum plan_role {
	ROLE_MODULES = 1,
	ROLE_IPV4,
	ROLE_IPV6,
	ROLE_TCP,
	ROLE_EXPERIMENTAL,
} plan_role;

typedef struct plan {
	const bt_field_class *fc; /* NULL: a free slot */
	plan_role role;
	union {
		variant_plan modules; /* network_header */
		ip_plan ip;
		tcp_plan tcp;
		experimental_plan experimental;
	} u;
} plan;

/*
 * A trace has a few network event classes, each with at most 5 plans
 * (payload, 2 IP headers, 2 TCP options). Filled to 3/4 at most, so a
 * probe always ends on a free slot, soon.
 */
#define PLAN_SLOTS 32
#define PLAN_MAX 24

typedef struct lsync_plan_cache {
	plan slots[PLAN_SLOTS];
	unsigned used;
} plan_cache;

lsync_plan_cache *lsync_plan_cache_new(void)
{
	return calloc(1, sizeof(plan_cache));
}

void lsync_plan_cache_free(lsync_plan_cache *c)
{
	free(c);
}

/* ---- compiling a plan (once per class and role) ----------------------- */

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

/* Whether a field of class `fc` gives a non-negative integer, and how. */
static member_kind integer_kind(const bt_field_class *fc)
{
	bt_field_class_type t = bt_field_class_get_type(fc);

	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		return MK_UNSIGNED;
	/* A writer may declare a header field signed; accepted if >= 0. */
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		return MK_SIGNED;
	return MK_NONE;
}

/*
 * Member `name` of structure class `fc`: its index in *m (kind left
 * MK_NONE for the caller to set) and its class, or NULL when `fc` is not
 * a structure or has no such member.
 */
static const bt_field_class *plan_member(const bt_field_class *fc,
					 const char *name, member_plan *m)
{
	if (bt_field_class_get_type(fc) != BT_FIELD_CLASS_TYPE_STRUCTURE ||
	    !member_index(fc, name, &m->index))
		return NULL;
	return bt_field_class_structure_member_borrow_field_class_const(
		bt_field_class_structure_borrow_member_by_index_const(fc, m->index));
}

static void plan_integer(const bt_field_class *fc, const char *name,
			 member_plan *m)
{
	const bt_field_class *mc = plan_member(fc, name, m);

	if (mc)
		m->kind = integer_kind(mc);
}

/*
 * An address of `nbytes` bytes: lttng-modules declares IPv4 addresses as
 * uint8[4] and IPv6 ones as uint16[8], older writers an IPv4 address as
 * one u32. Any array of integers may do (its length is checked per
 * event); a plain integer only if the address fits in 64 bits.
 */
static void plan_address(const bt_field_class *fc, const char *name,
			 unsigned nbytes, member_plan *m)
{
	const bt_field_class *mc = plan_member(fc, name, m);

	if (!mc)
		return;
	if (bt_field_class_type_is(bt_field_class_get_type(mc),
				   BT_FIELD_CLASS_TYPE_ARRAY)) {
		m->element = integer_kind(
			bt_field_class_array_borrow_element_field_class_const(mc));
		if (m->element != MK_NONE)
			m->kind = MK_ARRAY;
	} else if (nbytes <= 8) {
		m->kind = integer_kind(mc);
	}
}

/* A variant member and the meaning of its options; its class, or NULL. */
static const bt_field_class *plan_variant(const bt_field_class *fc,
					  const char *name, option_namer namer,
					  variant_plan *v)
{
	const bt_field_class *mc = plan_member(fc, name, &v->m);
	uint64_t n;

	if (!mc || !bt_field_class_type_is(bt_field_class_get_type(mc),
					   BT_FIELD_CLASS_TYPE_VARIANT))
		return mc;
	v->m.kind = MK_VARIANT;
	n = bt_field_class_variant_get_option_count(mc);
	for (uint64_t i = 0; i < n && i < PLAN_OPTIONS; i++)
		v->meaning[i] = (uint8_t)namer(bt_field_class_variant_option_get_name(
			bt_field_class_variant_borrow_option_by_index_const(mc, i)));
	return mc;
}

/*
 * The option names. lttng-modules 2.9.0-2.9.7 select transport_header by
 * the `protocol` enum itself, later releases by `transport_header_type`,
 * but both name the TCP option "tcp", so one reading serves both.
 */
static lsync_option_meaning network_option(const char *name)
{
	if (!name)
		return LSYNC_OPT_OTHER;
	if (strcmp(name, "ipv4") == 0)
		return LSYNC_OPT_IPV4;
	if (strcmp(name, "ipv6") == 0)
		return LSYNC_OPT_IPV6;
	return strcmp(name, "unknown") == 0 ? LSYNC_OPT_NOTHING : LSYNC_OPT_OTHER;
}

/* "unknown": no transport header yet only if the protocol is TCP. */
static lsync_option_meaning transport_option(const char *name)
{
	if (!name)
		return LSYNC_OPT_OTHER;
	if (strcmp(name, "tcp") == 0)
		return LSYNC_OPT_TCP;
	return strcmp(name, "unknown") == 0 ? LSYNC_OPT_NOTHING : LSYNC_OPT_OTHER;
}

lsync_option_meaning lsync_experimental_option(const char *name)
{
	size_t n;

	if (!name)
		return LSYNC_OPT_OTHER;
	if (strcmp(name, "thtype_tcp") == 0)
		return LSYNC_OPT_TCP;
	n = strlen(name);
	if ((n >= 7 && strcmp(name + n - 7, "unknown") == 0) ||
	    (n >= 4 && strcmp(name + n - 4, "none") == 0))
		return LSYNC_OPT_NOTHING;
	return LSYNC_OPT_OTHER;
}

static void plan_ip(const bt_field_class *fc, const char *proto,
		    unsigned nbytes, ip_plan *ip)
{
	plan_integer(fc, proto, &ip->proto);
	plan_address(fc, "saddr", nbytes, &ip->saddr);
	plan_address(fc, "daddr", nbytes, &ip->daddr);
	plan_variant(fc, "transport_header", transport_option, &ip->transport);
}

static void plan_tcp(const bt_field_class *fc, tcp_plan *t)
{
	plan_integer(fc, "source_port", &t->sport);
	plan_integer(fc, "dest_port", &t->dport);
	plan_integer(fc, "seq", &t->seq);
	plan_integer(fc, "ack_seq", &t->ack_seq);
	plan_integer(fc, "flags", &t->flags);
}

/* transport_fields: a variant, else a structure holding thtype_tcp. */
static void plan_experimental(const bt_field_class *fc, experimental_plan *e)
{
	const bt_field_class *tf = plan_variant(fc, "transport_fields",
						lsync_experimental_option, &e->fields);
	const bt_field_class *tcp;

	if (!tf || e->fields.m.kind == MK_VARIANT ||
	    bt_field_class_get_type(tf) != BT_FIELD_CLASS_TYPE_STRUCTURE)
		return;
	e->fields.m.kind = MK_STRUCTURE;
	tcp = plan_member(tf, "thtype_tcp", &e->tcp);
	if (tcp && bt_field_class_get_type(tcp) == BT_FIELD_CLASS_TYPE_STRUCTURE)
		e->tcp.kind = MK_STRUCTURE;
}

static void plan_compile(plan *pl, const bt_field_class *fc, plan_role role)
{
	memset(pl, 0, sizeof(*pl));
	pl->fc = fc;
	pl->role = role;
	switch (role) {
	case ROLE_MODULES:
		plan_variant(fc, "network_header", network_option, &pl->u.modules);
		break;
	case ROLE_IPV4:
		plan_ip(fc, "protocol", 4, &pl->u.ip);
		break;
	case ROLE_IPV6:
		plan_ip(fc, "nexthdr", 16, &pl->u.ip);
		break;
	case ROLE_TCP:
		plan_tcp(fc, &pl->u.tcp);
		break;
	case ROLE_EXPERIMENTAL:
		plan_experimental(fc, &pl->u.experimental);
		break;
	}
}

/*
 * The plan of field `f`'s class in `role`: from cache `c`, else compiled
 * into it, else (cache full) into *scratch.
 */
static const plan *plan_of(plan_cache *c, const bt_field *f, plan_role role,
			   plan *scratch)
{
	const bt_field_class *fc = bt_field_borrow_class_const(f);
	uintptr_t h = (uintptr_t)fc >> 4;
	unsigned i = (unsigned)((h ^ h >> 9) + role) % PLAN_SLOTS;

	/* At most PLAN_MAX < PLAN_SLOTS slots are used: this ends. */
	while (c->slots[i].fc) {
		if (c->slots[i].fc == fc && c->slots[i].role == role)
			return &c->slots[i];
		i = (i + 1) % PLAN_SLOTS;
	}
	if (c->used == PLAN_MAX) {
		plan_compile(scratch, fc, role);
		return scratch;
	}
	c->used++;
	plan_compile(&c->slots[i], fc, role);
	return &c->slots[i];
}

/* ---- reading an event with a plan --------------------------------------- */

/* Member m of structure field `s`, whose plan found it. */
static const bt_field *member_at(const bt_field *s, const member_plan *m)
{
	return bt_field_structure_borrow_member_field_by_index_const(s, m->index);
}

/* An integer field's value, usable if >= 0; `kind` from its class. */
static bool integer_value(const bt_field *f, member_kind kind, uint64_t *out)
{
	int64_t v;

	if (kind == MK_UNSIGNED) {
		*out = bt_field_integer_unsigned_get_value(f);
		return true;
	}
	v = bt_field_integer_signed_get_value(f);
	*out = (uint64_t)v;
	return v >= 0;
}

/* Integer member m of `s`, whose value must fit in `bits` bits. */
static bool read_uint(const bt_field *s, const member_plan *m, unsigned bits,
		      uint64_t *out)
{
	if (m->kind != MK_UNSIGNED && m->kind != MK_SIGNED)
		return false;
	if (!integer_value(member_at(s, m), m->kind, out))
		return false;
	return bits >= 64 || *out >> bits == 0;
}

/*
 * Write `v` big-endian (network order) into `width` bytes; bytes beyond
 * the 8 of a 64-bit value are 0.
 */
static void put_be(uint8_t *out, uint64_t v, unsigned width)
{
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = 8 * (width - 1 - i);

		out[i] = shift < 64 ? (uint8_t)(v >> shift) : 0;
	}
}

/* An integer of `width` bytes in network order at `out`, if it fits. */
static bool put_integer(const bt_field *f, member_kind kind, unsigned width,
			uint8_t *out)
{
	uint64_t v;

	if (!integer_value(f, kind, &v) || (width < 8 && v >> (8 * width)))
		return false;
	put_be(out, v, width);
	return true;
}

/*
 * Address member m of `s` (`nbytes` bytes, network order): an array's
 * elements evenly share the bytes, whatever its length per event.
 */
static bool read_address(const bt_field *s, const member_plan *m,
			 unsigned nbytes, uint8_t *out)
{
	const bt_field *f;
	uint64_t len;
	unsigned width;

	if (m->kind == MK_UNSIGNED || m->kind == MK_SIGNED)
		return put_integer(member_at(s, m), m->kind, nbytes, out);
	if (m->kind != MK_ARRAY)
		return false;
	f = member_at(s, m);
	len = bt_field_array_get_length(f);
	if (len == 0 || len > nbytes || nbytes % len)
		return false;
	width = nbytes / (unsigned)len;
	for (uint64_t i = 0; i < len; i++)
		if (!put_integer(bt_field_array_borrow_element_field_by_index_const(f, i),
				 m->element, width, out + i * width))
			return false;
	return true;
}

/*
 * The meaning of the selected option of variant member v of `s` (which
 * must be MK_VARIANT), and the option's field in *opt.
 */
static lsync_option_meaning read_option(const bt_field *s, const variant_plan *v,
				  option_namer namer, const bt_field **opt)
{
	const bt_field *f = member_at(s, &v->m);
	uint64_t i = bt_field_variant_get_selected_option_index(f);

	*opt = bt_field_variant_borrow_selected_option_field_const(f);
	if (i < PLAN_OPTIONS)
		return (lsync_option_meaning)v->meaning[i];
	return namer(bt_field_class_variant_option_get_name(
		bt_field_variant_borrow_selected_option_class_const(f)));
}

/* ---- the layouts ------------------------------------------------------- */

/* The TCP option of lttng-modules' transport_header. */
static lsync_field_result decode_tcp(plan_cache *c, const bt_field *tcp,
				     lttsync_packet *p)
{
	plan scratch;
	const tcp_plan *t = &plan_of(c, tcp, ROLE_TCP, &scratch)->u.tcp;
	uint64_t sport, dport, seq, ack, flags;

	if (!read_uint(tcp, &t->sport, 16, &sport) ||
	    !read_uint(tcp, &t->dport, 16, &dport) ||
	    !read_uint(tcp, &t->seq, 32, &seq) ||
	    !read_uint(tcp, &t->ack_seq, 32, &ack) ||
	    !read_uint(tcp, &t->flags, 16, &flags))
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
static lsync_field_result decode_transport(plan_cache *c, const bt_field *ip,
					   const ip_plan *ipp, uint64_t proto,
					   lttsync_packet *p)
{
	const bt_field *th;

	if (ipp->transport.m.kind != MK_VARIANT)
		return LSYNC_FIELDS_MALFORMED;
	switch (read_option(ip, &ipp->transport, transport_option, &th)) {
	case LSYNC_OPT_TCP:
		return decode_tcp(c, th, p);
	case LSYNC_OPT_NOTHING:
		if (proto == IPPROTO_TCP_NUMBER)
			return LSYNC_FIELDS_NO_HEADER;
		break;
	default:
		break;
	}
	return LSYNC_FIELDS_NOT_TCP;
}

/* An ipv4 or ipv6 option of network_header (role ROLE_IPV4 or ROLE_IPV6). */
static lsync_field_result decode_ip(plan_cache *c, const bt_field *ip,
				    plan_role role, lttsync_packet *p)
{
	plan scratch;
	const ip_plan *ipp = &plan_of(c, ip, role, &scratch)->u.ip;
	unsigned nbytes = role == ROLE_IPV4 ? 4 : 16;
	uint64_t proto;

	if (!read_uint(ip, &ipp->proto, 8, &proto) ||
	    !read_address(ip, &ipp->saddr, nbytes, p->src_addr) ||
	    !read_address(ip, &ipp->daddr, nbytes, p->dst_addr))
		return LSYNC_FIELDS_MALFORMED;
	p->family = role == ROLE_IPV4 ? 4 : 6;
	return decode_transport(c, ip, ipp, proto, p);
}

/* lttng-modules 2.9+: the network_header variant. */
static lsync_field_result decode_modules(plan_cache *c,
					 const bt_field *payload,
					 lttsync_packet *p)
{
	plan scratch;
	const variant_plan *nh = &plan_of(c, payload, ROLE_MODULES, &scratch)->u.modules;
	const bt_field *ip;

	if (nh->m.kind != MK_VARIANT)
		return LSYNC_FIELDS_MALFORMED;
	switch (read_option(payload, nh, network_option, &ip)) {
	case LSYNC_OPT_IPV4:
		return decode_ip(c, ip, ROLE_IPV4, p);
	case LSYNC_OPT_IPV6:
		return decode_ip(c, ip, ROLE_IPV6, p);
	case LSYNC_OPT_NOTHING:
		return LSYNC_FIELDS_NO_HEADER;
	default:
		return LSYNC_FIELDS_NOT_TCP;
	}
}

/*
 * thtype_tcp of net_data_experimental: seq, ack_seq, flags. Ports are not
 * part of what is known of the layout: taken if present.
 */
static lsync_field_result decode_experimental_tcp(plan_cache *c,
						  const bt_field *tcp,
						  lttsync_packet *p)
{
	plan scratch;
	const tcp_plan *t = &plan_of(c, tcp, ROLE_TCP, &scratch)->u.tcp;
	uint64_t seq, ack, flags, sport, dport;

	if (!read_uint(tcp, &t->seq, 32, &seq) ||
	    !read_uint(tcp, &t->ack_seq, 32, &ack) ||
	    !read_uint(tcp, &t->flags, 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	p->flags = (uint8_t)(flags & 0xff);
	if (read_uint(tcp, &t->sport, 16, &sport) &&
	    read_uint(tcp, &t->dport, 16, &dport)) {
		p->src_port = (uint16_t)sport;
		p->dst_port = (uint16_t)dport;
		p->has_ports = 1;
	}
	return LSYNC_FIELDS_PACKET;
}

/*
 * net_data_experimental: transport_fields / thtype_tcp / {seq, ack_seq,
 * flags}. transport_fields is read as a variant (options thtype_tcp,
 * thtype_udp...) or, failing that, as a structure holding thtype_tcp.
 */
static lsync_field_result decode_experimental(plan_cache *c,
					      const bt_field *payload,
					      lttsync_packet *p)
{
	plan scratch;
	const experimental_plan *e =
		&plan_of(c, payload, ROLE_EXPERIMENTAL, &scratch)->u.experimental;
	const bt_field *tcp;

	switch (e->fields.m.kind) {
	case MK_VARIANT:
		switch (read_option(payload, &e->fields, lsync_experimental_option, &tcp)) {
		case LSYNC_OPT_TCP:
			return decode_experimental_tcp(c, tcp, p);
		case LSYNC_OPT_NOTHING:
			return LSYNC_FIELDS_NO_HEADER;
		default:
			return LSYNC_FIELDS_NOT_TCP;
		}
	case MK_STRUCTURE:
		if (e->tcp.kind != MK_STRUCTURE)
			break;
		tcp = member_at(member_at(payload, &e->fields.m), &e->tcp);
		return decode_experimental_tcp(c, tcp, p);
	default:
		break;
	}
	return LSYNC_FIELDS_MALFORMED;
}

/* addons: flat seq, ack_seq, flags; the flags are converted per trace. */
static lsync_field_result decode_addons(plan_cache *c,
					const bt_field *payload,
					lttsync_packet *p, uint16_t *raw)
{
	plan scratch;
	const tcp_plan *t = &plan_of(c, payload, ROLE_TCP, &scratch)->u.tcp;
	uint64_t seq, ack, flags;

	if (!read_uint(payload, &t->seq, 32, &seq) ||
	    !read_uint(payload, &t->ack_seq, 32, &ack) ||
	    !read_uint(payload, &t->flags, 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	*raw = (uint16_t)flags;
	return LSYNC_FIELDS_PACKET;
}

lsync_field_result lsync_decode_payload(lsync_plan_cache *c,
					lsync_layout layout,
					const bt_field *payload,
					lttsync_packet *p,
					uint16_t *addons_raw)
{
	if (layout == LSYNC_LAYOUT_OLD)
		return LSYNC_FIELDS_NO_HEADER;
	if (!payload) /* a class without payload: nothing to read */
		return LSYNC_FIELDS_MALFORMED;
	switch (layout) {
	case LSYNC_LAYOUT_MODULES:
		return decode_modules(c, payload, p);
	case LSYNC_LAYOUT_EXPERIMENTAL:
		return decode_experimental(c, payload, p);
	case LSYNC_LAYOUT_ADDONS:
		return decode_addons(c, payload, p, addons_raw);
	case LSYNC_LAYOUT_OLD:
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
