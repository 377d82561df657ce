/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: what each trace layout looks like (tracer release, event
 * names, header forms, how the network event's payload is laid out).
 */
#ifndef LTTSYNC_GEN_LAYOUT_H
#define LTTSYNC_GEN_LAYOUT_H

#include <stdbool.h>

#include "gen.h"

/* How the send/receive events describe a packet. */
enum net_family {
	NET_MODULES,       /* network_header variant, transport_header variant */
	NET_EXPERIMENTAL,  /* transport_fields variant, thtype_tcp option */
	NET_ADDONS,        /* inet_sock_local_out/in, flat fields */
	NET_OLD            /* skbaddr, len, name only */
};

/* How a modules layout selects its transport_header variant. */
enum th_style {
	TH_BY_PROTOCOL,    /* 2.9.0-2.9.7, 2.10.0-2.10.4 (and our 2.6) */
	TH_EXPLICIT_TCP,   /* 2.9.8+, 2.10.5+, 2.11, 2.12 */
	TH_EXPLICIT_ALL    /* 2.13: tcp, udp, icmp */
};

/* Event ids, per layout (see layout.c for why they differ). */
struct layout_ids {
	unsigned sched_switch, sys_entry, sys_exit, send, recv;
};

struct layout {
	const char *name;
	int major, minor, patch;      /* tracer_* in the env block */
	enum net_family family;
	enum th_style th;
	bool compact_header;          /* event_header_compact, else _large */
	bool seq_num;                 /* stream_instance_id, packet_seq_num */
	bool quoted_names;            /* name = "x"; (2.1 writes name = x;) */
	bool new_syscalls;            /* syscall_entry_read, else sys_read */
	bool addons_b;                /* addons flags: TCP bytes 12-13 */
	const char *send_name, *recv_name;
	const char *kernel_release;
	struct layout_ids id;
};

extern const struct layout gen_layouts[L_COUNT];

static inline const struct layout *layout_get(int id)
{
	return &gen_layouts[id];
}

int layout_by_name(const char *name);     /* -1 when unknown */
const char *layout_names(void);           /* "a, b, c" for messages */

/* The TSDL text of a host's trace. */
void layout_metadata(struct sbuf *b, const struct host *h);

/* Bytes of the packet header + context, by header form. */
unsigned layout_packet_header_size(const struct layout *l);

#endif
