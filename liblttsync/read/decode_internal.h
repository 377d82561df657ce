/* SPDX-License-Identifier: MIT */
/*
 * Internals of the trace decoder, shared by decode.c (the babeltrace2
 * graph and the per-trace bookkeeping) and decode_fields.c (what an event
 * class is, and reading its payload into an lttsync_packet).
 */
#ifndef LTTSYNC_DECODE_INTERNAL_H
#define LTTSYNC_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>

#include "decode.h"
#include "errors.h"

/* The layouts of decode.h, plus "not a network event". */
typedef enum lsync_layout {
	LSYNC_LAYOUT_NONE = 0,
	LSYNC_LAYOUT_MODULES,
	LSYNC_LAYOUT_EXPERIMENTAL,
	LSYNC_LAYOUT_ADDONS,
	LSYNC_LAYOUT_OLD,
} lsync_layout;

/* What an event class is, decided once per class. */
typedef struct lsync_event_kind {
	lsync_layout layout;
	lttsync_direction direction;
} lsync_event_kind;

/* The outcome of decoding one network event's payload. */
typedef enum lsync_field_result {
	LSYNC_FIELDS_PACKET,    /* a TCP packet: the output is filled */
	LSYNC_FIELDS_NO_HEADER, /* no IP or no transport header */
	LSYNC_FIELDS_NOT_TCP,   /* IP, another protocol */
	LSYNC_FIELDS_MALFORMED, /* a needed field missing or mistyped */
} lsync_field_result;

/* What a variant option of a network payload stands for, from its name:
 * the per-layout rules, shared by both readers (decode_fields.c). */
typedef enum lsync_option_meaning {
	LSYNC_OPT_OTHER = 0, /* another protocol: not TCP */
	LSYNC_OPT_NOTHING,   /* no header (yet) */
	LSYNC_OPT_IPV4,
	LSYNC_OPT_IPV6,
	LSYNC_OPT_TCP,
} lsync_option_meaning;

/* net_data_experimental's transport option: "thtype_tcp" is TCP, any name
 * ending in "unknown" or "none" means no header. */
lsync_option_meaning lsync_experimental_option(const char *name);

/* The two encodings of the addons module's `flags` (decode.h). */
typedef enum lsync_addons_encoding {
	LSYNC_ADDONS_A = 0, /* (module-order flags << 8) | data offset */
	LSYNC_ADDONS_B = 1, /* (data offset << 12) | 9-bit TCP flags */
} lsync_addons_encoding;

/* Classify an event class by its name and payload field class. */
lsync_event_kind lsync_classify_event_class(const bt_event_class *ec);

/*
 * How to read the payloads of one trace's field classes, compiled once per
 * class (decode_fields.c). One per trace: its plans point into the
 * trace's classes, so it must not outlive them. NULL on allocation
 * failure.
 */
typedef struct lsync_plan_cache lsync_plan_cache;

lsync_plan_cache *lsync_plan_cache_new(void);
void lsync_plan_cache_free(lsync_plan_cache *c);

/*
 * Decode a network event's payload (layout from its class) into p
 * (seq, ack_seq, flags, family, addresses, ports; not direction nor
 * timestamp), with the plans of the event's trace in `c`. For
 * LSYNC_LAYOUT_ADDONS, p->flags is left 0 and the raw 16-bit value is
 * stored in *addons_raw: its encoding is decided per trace.
 */
lsync_field_result lsync_decode_payload(lsync_plan_cache *c,
					lsync_layout layout,
					const bt_field *payload,
					lttsync_packet *p,
					uint16_t *addons_raw);

/* Is `raw` a plausible addons flags value under encoding `enc`? */
bool lsync_addons_plausible(uint16_t raw, lsync_addons_encoding enc);

/* The canonical flags (LTTSYNC_TCP_*) of an addons raw value. */
uint8_t lsync_addons_canonical(uint16_t raw, lsync_addons_encoding enc);

#endif
