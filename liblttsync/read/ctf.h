/* SPDX-License-Identifier: MIT */
/*
 * Our own reader of CTF 1.8 traces as LTTng writes them (doc/traces.md,
 * "Our reader"): ctf_meta.c parses the TSDL metadata into the types
 * below, ctf_skim.c reads the stream files, skipping every event it does
 * not need and decoding the network ones.
 *
 * The reader declines (LSYNC_CTF_DECLINED, with a reason) whatever it
 * does not fully understand; the caller then reads the trace with
 * libbabeltrace2. What it accepts it reads exactly as libbabeltrace2
 * 2.0 does: same events, same times, same statistics.
 *
 * Every byte is hostile: the metadata's size, nesting, member, mapping
 * and class counts are bounded, all memory of a trace comes from one
 * arena with a budget, and the stream reader checks every read against
 * its packet's content.
 */
#ifndef LTTSYNC_CTF_H
#define LTTSYNC_CTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_internal.h"

/* Not an lttsync_status: "read it with libbabeltrace2 instead". */
#define LSYNC_CTF_DECLINED 1

typedef enum lsync_ctf_kind {
	LSYNC_CTF_INT = 1,
	LSYNC_CTF_FLOAT,
	LSYNC_CTF_STRING,
	LSYNC_CTF_STRUCT,
	LSYNC_CTF_VARIANT,
	LSYNC_CTF_ARRAY,
	LSYNC_CTF_SEQUENCE,
} lsync_ctf_kind;

typedef struct lsync_ctf_type lsync_ctf_type;

/* An enumeration mapping: label (as written) -> [lo, hi]. */
typedef struct lsync_ctf_mapping {
	const char *label;
	uint64_t lo, hi; /* signed enums: int64 values stored as uint64 */
} lsync_ctf_mapping;

/* A variant option chosen by a tag value in [lo, hi]. */
typedef struct lsync_ctf_range {
	uint64_t lo, hi;
	uint32_t option;
} lsync_ctf_range;

/* The option of the first of n ranges that holds tag (compared as
 * int64 when the tag is signed); false when none does. */
static inline bool lsync_ctf_range_option(const lsync_ctf_range *ranges, uint32_t n,
					  bool tag_signed, uint64_t tag, uint32_t *option)
{
	for (uint32_t i = 0; i < n; i++) {
		const lsync_ctf_range *r = &ranges[i];
		bool in = tag_signed ? (int64_t)tag >= (int64_t)r->lo && (int64_t)tag <= (int64_t)r->hi
				     : tag >= r->lo && tag <= r->hi;

		if (in) {
			*option = r->option;
			return true;
		}
	}
	return false;
}

/*
 * Where a variant's tag or a sequence's length is, found when the
 * metadata is read: the member `index` of the structure `up` levels
 * above the one holding the variant or sequence (0: the same one).
 */
typedef struct lsync_ctf_ref {
	uint16_t up;
	uint16_t slot; /* in that structure's stored values */
} lsync_ctf_ref;

/*
 * Member and option names that the network layouts look up. A parsed
 * name equal to one of them points at this table's string, so that the
 * reader compares pointers rather than strings.
 */
typedef enum lsync_ctf_key {
	LSYNC_KEY_NETWORK_HEADER,
	LSYNC_KEY_IPV4,
	LSYNC_KEY_IPV6,
	LSYNC_KEY_UNKNOWN,
	LSYNC_KEY_TRANSPORT_HEADER,
	LSYNC_KEY_TCP,
	LSYNC_KEY_PROTOCOL,
	LSYNC_KEY_NEXTHDR,
	LSYNC_KEY_SADDR,
	LSYNC_KEY_DADDR,
	LSYNC_KEY_SOURCE_PORT,
	LSYNC_KEY_DEST_PORT,
	LSYNC_KEY_SEQ,
	LSYNC_KEY_ACK_SEQ,
	LSYNC_KEY_FLAGS,
	LSYNC_KEY_TRANSPORT_FIELDS,
	LSYNC_KEY_THTYPE_TCP,
	LSYNC_KEY_COUNT
} lsync_ctf_key;

extern const char *const lsync_ctf_keys[LSYNC_KEY_COUNT];
/* The keys' text, one block: a name is a key iff it points into it. */
extern const char lsync_ctf_key_text[];
extern const size_t lsync_ctf_key_text_size;

static inline bool lsync_ctf_is_key(const char *name)
{
	return name >= lsync_ctf_key_text &&
	       name < lsync_ctf_key_text + lsync_ctf_key_text_size;
}

typedef struct lsync_ctf_member {
	const char *name;       /* babeltrace2's name: one leading '_' stripped */
	const char *orig;       /* as written */
	lsync_ctf_type *type;
	int16_t slot;           /* >= 0: its value is stored (a tag or length) */
} lsync_ctf_member;

struct lsync_ctf_type {
	uint8_t kind;            /* lsync_ctf_kind */
	uint8_t be;              /* big-endian (integers, floats) */
	uint8_t is_signed;
	uint8_t native;          /* byte order still "native" while parsing */
	uint8_t fixed;           /* constant size from an aligned start */
	uint8_t has_clock;       /* maps to a clock, or holds such an integer */
	uint8_t is_enum;
	uint8_t text;            /* integers: an encoding (UTF8, ASCII) */
	uint8_t has_key;         /* holds a member or option named by a key */
	uint8_t laid_out;        /* sizes computed (types are shared) */
	uint64_t nodes;          /* fields of one instance, saturated at 2^32 */
	uint32_t align;          /* bits, a power of two */
	uint32_t size;           /* integers and floats: bits */
	int32_t clock;           /* integers: mapped clock index, or -1 */
	uint64_t bits;           /* fixed: size in bits */
	/* enum */
	lsync_ctf_mapping *maps;
	uint32_t n_maps;
	/* struct, variant */
	lsync_ctf_member *members;
	uint32_t n_members;
	uint16_t n_slots;        /* struct: stored values */
	/* variant */
	lsync_ctf_ref tag;
	lsync_ctf_range *ranges;
	uint32_t n_ranges;
	bool tag_signed;
	/* array, sequence */
	lsync_ctf_type *elem;
	uint64_t length;         /* array */
	lsync_ctf_ref len_ref;   /* sequence */
	lsync_ctf_type *next_all; /* every type of the trace, for fix-ups */
};

typedef struct lsync_ctf_clock {
	const char *name;
	uint64_t freq;
	int64_t offset_s;
	uint64_t offset;   /* cycles, < freq after calibration */
	int64_t base_ns;   /* offset_s * 1e9 + ns(offset) */
	bool base_overflows;
	bool has_uuid;     /* traces of one host must share a clock */
	uint8_t uuid[16];
} lsync_ctf_clock;

typedef struct lsync_ctf_event_class {
	uint64_t id;
	const char *name;
	lsync_ctf_type *context;  /* may be NULL */
	lsync_ctf_type *payload;  /* may be NULL */
	lsync_event_kind kind;    /* network or not, decided once */
	struct lsync_net_plan *plan; /* network: its payload compiled (ctf_plan.h), or NULL */
	bool quiet;               /* not network, context and payload of fixed size
				   * or none: skipped by their sizes (ctf_skim.c) */
	struct lsync_ctf_event_class *next; /* in its stream class */
} lsync_ctf_event_class;

typedef struct lsync_ctf_stream_class {
	uint64_t id;
	bool id_set;
	lsync_ctf_type *packet_context;
	lsync_ctf_type *event_header;
	lsync_ctf_type *event_context;
	lsync_ctf_event_class *events;    /* list, as declared */
	uint64_t n_events;
	lsync_ctf_event_class **by_id;    /* ids < by_id_len, else NULL */
	uint64_t by_id_len;
	int clock;                        /* its clock, -1 if none */
} lsync_ctf_stream_class;

#define LSYNC_CTF_MAX_CLOCKS 8
#define LSYNC_CTF_MAX_STREAM_CLASSES 64

typedef struct lsync_ctf_arena lsync_ctf_arena;

typedef struct lsync_ctf_trace {
	lsync_ctf_arena *arena;
	bool be;                  /* the trace's byte order */
	lsync_ctf_type *packet_header;
	char *hostname;           /* env hostname if a string, else NULL */
	bool lttng;               /* env tracer_name is lttng-modules or lttng-ust */
	lsync_ctf_clock clocks[LSYNC_CTF_MAX_CLOCKS];
	unsigned n_clocks;
	lsync_ctf_stream_class streams[LSYNC_CTF_MAX_STREAM_CLASSES];
	unsigned n_streams;
	lsync_ctf_type *all;      /* every type, chained by next_all */
} lsync_ctf_trace;

/*
 * Read and parse `folder`/metadata (plain or packetized). Returns
 * LTTSYNC_OK with *out, LSYNC_CTF_DECLINED (reason in err) for anything
 * outside the supported subset or malformed, LTTSYNC_ERROR_IO when the
 * file cannot be read, LTTSYNC_ERROR_NO_MEMORY.
 */
int lsync_ctf_meta_load(lsync_ctf_trace **out, const char *folder, char *err,
			size_t size);
/* The same from TSDL text already in memory (plain text). */
int lsync_ctf_meta_parse(lsync_ctf_trace **out, const char *text, size_t len,
			 char *err, size_t size);
void lsync_ctf_meta_free(lsync_ctf_trace *t);

/*
 * Reading one trace folder with our reader, a CTF packet at a time, as
 * lsync_decoder_open/step/close (decode.h) do with libbabeltrace2:
 * lsync_skim_open() returns LTTSYNC_OK with *out, LSYNC_CTF_DECLINED
 * (reason in err) before any callback was called, so that the caller
 * reads the trace with libbabeltrace2 instead, or a failure (IO, FORMAT:
 * a stream file that cannot be indexed, NO_MEMORY) with *out NULL.
 * lsync_skim_step() reads one packet of the stream furthest behind;
 * lsync_skim_close() hands out what is held back and returns the
 * trace's status and message.
 */
typedef struct lsync_skim lsync_skim;

int lsync_skim_open(lsync_skim **out, const char *path,
		    const lsync_decode_callbacks *cb, lsync_decode_stats *stats,
		    char *err, size_t err_size);
bool lsync_skim_step(lsync_skim *k, int64_t *position);
lttsync_status lsync_skim_close(lsync_skim *k, char *err, size_t err_size);
void lsync_skim_abandon(lsync_skim *k, lttsync_status why);
/*
 * Whether lsync_skim_open() would decline the trace, from the same steps
 * that may (its metadata, the index of its stream files' packets),
 * without handing out anything: LSYNC_CTF_DECLINED (reason in err),
 * LTTSYNC_OK, or an error of those steps. Opening also decodes the last
 * packet of each stream, which fails a trace but never declines one: a
 * trace this passes may still fail to open. *files: the stream files it
 * opened (and reading keeps open), 0 if it stopped before. Keeps nothing.
 */
int lsync_skim_check(const char *path, uint32_t *files, char *err,
		     size_t err_size);
/* Whether network payloads and event headers are read by their compiled
 * plans (the default) or type by type: the two read the same, which the
 * tests compare. */
void lsync_skim_set_plans(lsync_skim *k, bool on);
/* How many network events their plans judged so far. */
uint64_t lsync_skim_plan_events(const lsync_skim *k);

/*
 * Threads that decode the stream files of attached traces ahead of
 * their steps (each stream by one thread at a time, a chunk of events
 * or two ahead), for lsync_skim_step() to hand out: what a trace hands
 * out, and in which order, is the same with or without them. NULL when
 * out of memory; with 0 threads, attaching does nothing. A trace is
 * attached after lsync_skim_open() and lsync_skim_set_plans(), and
 * detached when closed; the pool is freed after its traces.
 */
typedef struct lsync_skim_pool lsync_skim_pool;

lsync_skim_pool *lsync_skim_pool_new(unsigned threads);
void lsync_skim_pool_free(lsync_skim_pool *p);
void lsync_skim_attach(lsync_skim *k, lsync_skim_pool *p);

#endif
