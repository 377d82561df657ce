/* SPDX-License-Identifier: MIT */
/*
 * Our reader's stream side (ctf.h): stream files are mapped, indexed
 * (every packet's header and context read and checked first, as
 * libbabeltrace2 2.0 does before its first event), then read a packet at
 * a time, always from the stream furthest behind in time.
 *
 * Per event: the header is read (id, and a timestamp that replaces the
 * low bits of the stream's clock, one wrap assumed when it is smaller),
 * then contexts and payload are skipped: a part of constant size in one
 * step, strings by a scan, sequences by their length. Only the payloads
 * of the network event classes are decoded: by their compiled plans
 * (ctf_plan.c), or into a small tree of values on which the per-layout
 * rules of decode_fields.c are applied by name.
 *
 * Events are decoded a chunk at a time into records, which steps then
 * hand out (see "reading events"): threads may decode chunks ahead.
 *
 * Clock values become ns from origin as babeltrace2 computes them:
 * offset_s * 1e9 + ns(offset cycles) + ns(value), ns(x) = x at 1 GHz,
 * else (uint64)(1e9 * x / freq) in double precision; a result beyond
 * int64 means no time (such a network event counts as malformed).
 */
#include "ctf.h"
#include "ctf_bits.h"
#include "ctf_plan.h"
#include "errors.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 4096
/*
 * Bounds on the work of one event, whatever its bytes say: a class
 * whose fields number more than MAX_CLASS_NODES declines; a sequence's
 * length is only known per event, so walking one event (or a packet
 * header or context) stops with an error after WALK_BUDGET steps
 * (sequences of empty variants would otherwise loop 2^64 times).
 */
#define MAX_CLASS_NODES 65536
#define WALK_BUDGET (UINT64_C(1) << 20)
#define MAX_EVENT_ID (1u << 20)
#define ADDONS_DECIDE_AFTER 1024 /* as decode.c */
#define PROGRESS_EVERY 65536
#define MAX_INSTS LSYNC_KEPT_VALUES /* values kept of one network payload */
#define MAX_ELEMS LSYNC_KEPT_ELEMS  /* array elements kept (addresses) */
#define MAX_WALK_DEPTH LSYNC_WALK_DEPTH
#define CTF_MAGIC 0xC1FC1FC1u
/*
 * A step reads events of the stream furthest behind until its clock
 * passes the next stream's, or its own starting point, by STEP_NS (as
 * decode.c paces babeltrace2's streams), and at most to the end of its
 * packet: streams and traces leave their packets nearly in time order,
 * which the merge by time (here.c, workers.c) and the pending table rely
 * on.
 */
#define STEP_NS INT64_C(1000000)
#define IPPROTO_TCP_NUMBER 6

/* ---- one packet as indexed -------------------------------------------- */

typedef struct pkt {
	uint64_t offset;         /* bytes in the file */
	uint64_t size;           /* bytes */
	uint64_t content;        /* bits, <= 8 * size */
	uint64_t body;           /* bits: where events start */
	uint64_t ts_begin;       /* clock value */
	bool has_begin;
	const lsync_ctf_stream_class *sc;
} pkt;

typedef struct sfile {
	char *path;
	int fd;                  /* -1 once closed */
	size_t len;
	pkt *pkts;
	size_t n_pkts, cap;
	uint64_t sc_id, instance;
	bool has_instance;
	struct sfile *next_in_group;
} sfile;

/* ---- decoded events (see "reading events") ------------------------------ */

/* Events (network ones) of a chunk: small when the calling thread decodes
 * alone, larger with threads, whose hand-overs then cost less. */
#define CHUNK_EVENTS 1024
#define CHUNK_NETS 256
#define POOL_CHUNK_EVENTS 8192
#define POOL_CHUNK_NETS 1024
#define RING 3                   /* chunks of a stream: replayed, decoded ahead */

typedef struct drec {
	uint64_t when;           /* the stream's clock after the event's header */
	uint32_t net;            /* network events: 1 + index in the chunk's net */
} drec;

typedef struct dnet {
	lttsync_packet p;        /* PACKET: as handed out (addons: flags not yet) */
	uint16_t raw;            /* addons: the raw flags */
	uint8_t r;               /* lsync_field_result */
	uint8_t by_plan;
	uint8_t addons;
} dnet;

/* Events of one packet, decoded. */
typedef struct chunk {
	const sfile *f;
	const pkt *pk;
	bool first;              /* from the packet's first event */
	bool last;               /* to its end, or failed */
	uint32_t n_ev, n_net;
	int status;              /* failed at event n_ev: how (err) */
	uint8_t phase;           /* how far that event counts: 0, 1 event, 2 network */
	char err[LSYNC_ERROR_MAX];
	uint32_t cap_ev, cap_net;
	drec *ev;                /* cap_ev */
	dnet *net;               /* cap_net */
} chunk;

/* Where decoding a stream is. */
typedef struct dpos {
	const sfile *f;
	const pkt *pk;
	uint64_t at;             /* bit in pk; 0: not started */
	uint64_t clock;          /* the stream's clock value */
} dpos;

/* One stream: its files (one unless the tracer rotated them). */
typedef struct stream {
	sfile *files;            /* in time order */
	/* decoding: by one thread at a time, the one that claimed it */
	sfile *dcur;
	size_t dnext;            /* packet of dcur decoded next */
	dpos dpos;
	bool ddone;              /* nothing more to decode */
	bool nomem;
	const pkt *mapped;       /* the packet mapped now, if any */
	void *map_addr;
	size_t map_len;
	uint64_t map_start;      /* with threads: a window of map_file */
	const sfile *map_file;
	/* decoded chunks: ring[head], the one replayed, and count - 1 ahead */
	chunk *ring[RING];
	unsigned head, count;
	bool claimed;            /* a thread decodes it (pool's lock) */
	/* replaying */
	uint32_t idx;            /* next event of ring[head] */
	bool in_packet;          /* ring[head]'s packet has begun */
	int64_t last_ns;         /* its clock, ns: where it is in time */
	bool done;
	uint64_t clock;          /* the stream's clock value */
} stream;

/* ---- values of a decoded payload ---------------------------------------- */

typedef struct inst {
	const char *name;        /* stripped; NULL for elements, options' own */
	const lsync_ctf_type *type;
	int32_t parent;
	int32_t selected;        /* variant: index of its option's inst */
	uint64_t value;          /* integers */
	uint64_t length;         /* arrays, sequences */
	bool kept;               /* array: its elements are insts */
} inst;

typedef struct addons_item {
	lttsync_packet packet;
	uint16_t raw;
} addons_item;

/*
 * The event header as LTTng writes it, read without walking its types:
 * an unsigned `id` integer, then a variant tagged by it whose options
 * are structures of unsigned integers (`id`, a clock-mapped timestamp,
 * others). Compiled per stream class when the header has that shape.
 */
#define HDR_FIELDS 4
#define HDR_OPTIONS 4
#define HDR_RANGES 8
#define HDR_TAGS 64              /* ids of up to 6 bits: a table of options */

/* Where a field of a header laid out from a byte is: the 8 bytes at
 * `byte` of the header (byte-swapped when be) << lsh >> rsh. */
typedef struct hdr_bits {
	uint8_t byte, lsh, rsh, be;
} hdr_bits;

typedef struct hdr_option {
	uint32_t align;
	unsigned n;
	const lsync_ctf_type *type[HDR_FIELDS];
	uint8_t role[HDR_FIELDS]; /* 0 skip, 1 id, 2 clock */
	/* fast plans: where its id (if any) and clock field (if any) are,
	 * the clock field's bits, the header's size with this option */
	hdr_bits id_at, clock_at;
	bool has_id, has_clock;
	uint64_t clock_mask;
	uint32_t bits;
} hdr_option;

typedef struct hdr_plan {
	bool ok;
	/* fast: the header starts on a byte and every option lies at fixed
	 * offsets from it, within max_byte + 8 bytes (read_header()) */
	bool fast;
	uint32_t max_byte;
	hdr_bits id_at;
	int8_t by_tag[HDR_TAGS];  /* fast: an id's option, -1 for none */
	uint32_t align;
	const lsync_ctf_type *id;
	unsigned n_ranges;
	lsync_ctf_range ranges[HDR_RANGES];
	hdr_option opt[HDR_OPTIONS];
} hdr_plan;

struct lsync_skim {
	lsync_ctf_trace *tr;
	hdr_plan hdr[LSYNC_CTF_MAX_STREAM_CLASSES];
	const lsync_decode_callbacks *cb;
	lsync_decode_stats *stats;
	lsync_decode_stats local;
	bool plans;               /* network payloads read by their plans (ctf_plan.h) */
	uint64_t by_plans;        /* network events their plans judged */
	uint8_t *ibuf;            /* INDEX_BYTES, for indexing */
	size_t index_want;        /* bytes of a packet read to index it */
	struct walker *w;         /* for decoding in the calling thread */
	size_t page;
	uint64_t window;          /* bytes of a stream's mapped window, 0: none */
	struct lsync_skim_pool *pool; /* threads decoding ahead, or NULL */
	struct lsync_skim *next_in_pool;
	char *path;
	sfile *files;
	size_t n_files;
	stream *streams;
	size_t n_streams;
	bool begun;
	int stop;
	lttsync_status status;
	char err[LSYNC_ERROR_MAX];
	/* addons flags, decided per trace as decode.c does */
	addons_item *held;
	size_t n_held;
	size_t plausible[2];
	bool decided;
	lsync_addons_encoding enc;
};

/* ---- walking a type ------------------------------------------------------ */

typedef enum walk_mode {
	W_SKIP,      /* only sizes matter */
	W_HEADER,    /* event header: `id` members and clock updates */
	W_DECODE,    /* a network payload: keep values as insts */
	W_SCOPE,     /* packet header/context: top-level values kept */
} walk_mode;

struct walker;
typedef struct walker {
	cursor c;
	walk_mode mode;
	uint64_t *clock;
	uint64_t id;
	bool id_set;
	bool force;              /* W_DECODE: keep the next field (an option) */
	uint64_t budget;         /* walk() calls left for this event or scope */
	/* stored values of the structures being walked */
	uint64_t slots[MAX_WALK_DEPTH][LSYNC_WALK_SLOTS];
	unsigned slots_used;     /* levels of slots written since last cleared */
	unsigned depth;
	/* W_SCOPE: top-level members' values by index */
	uint64_t *top;
	bool *top_set;
	uint32_t n_top;
	/* W_DECODE: the values kept of one network payload */
	inst insts[MAX_INSTS];
	int n_insts;
	bool insts_full;
} walker;

/* A walker whose stored values are all to be cleared before use. */
static walker *walker_new(void)
{
	walker *w = malloc(sizeof(*w));

	if (w)
		w->slots_used = MAX_WALK_DEPTH;
	return w;
}

static bool walk(walker *w, const lsync_ctf_type *t, const char *name, int parent,
		 int16_t slot, unsigned level);

/* The name of a kept array's elements (never a key). */
static const char elem_name[] = "";

static void update_clock(uint64_t *clock, uint64_t v, unsigned size)
{
	uint64_t mask;

	if (size == 64) {
		*clock = v;
		return;
	}
	mask = (UINT64_C(1) << size) - 1;
	if (v < (*clock & mask))
		*clock += mask + 1;
	*clock = (*clock & ~mask) | v;
}

static inline __attribute__((always_inline)) int new_inst(walker *w, const lsync_ctf_type *t,
							 const char *name, int parent)
{
	walker *k = w;
	inst *in;

	if (k->n_insts == MAX_INSTS) {
		k->insts_full = true;
		return -1;
	}
	in = &k->insts[k->n_insts];
	in->name = name;
	in->type = t;
	in->parent = parent;
	in->selected = -1;
	in->value = 0;
	in->length = 0;
	in->kept = false;
	return k->n_insts++;
}

static bool walk_int(walker *w, const lsync_ctf_type *t, const char *name,
		     int parent, int16_t slot, unsigned level)
{
	uint64_t v;
	int i;

	if (!read_int(&w->c, t, &v))
		return false;
	if (slot >= 0 && w->depth)
		w->slots[w->depth - 1][slot] = v;
	if (w->mode == W_HEADER) {
		if (t->clock >= 0)
			update_clock(w->clock, v, t->size);
		/* babeltrace2: a header integer member named `id` (not a
		 * variant option: walk_variant passes no name here). */
		if (name && name[0] == 'i' && name[1] == 'd' && !name[2]) {
			w->id = v;
			w->id_set = true;
		}
	} else if (w->mode == W_DECODE && parent >= -1) {
		if ((i = new_inst(w, t, name, parent)) >= 0)
			w->insts[i].value = v;
	}
	(void)level;
	return true;
}

static bool walk_string(walker *w, const lsync_ctf_type *t, const char *name,
			int parent)
{
	const uint8_t *p, *nul;
	uint64_t bytes;

	w->c.pos = align_up(w->c.pos, 8);
	if (w->c.pos >= w->c.end)
		return false;
	p = w->c.buf + w->c.pos / 8;
	bytes = (w->c.end - w->c.pos) / 8;
	nul = memchr(p, 0, bytes);
	if (!nul)
		return false;
	w->c.pos += 8 * (uint64_t)(nul - p + 1);
	if (w->mode == W_DECODE && parent >= -1)
		new_inst(w, t, name, parent);
	return true;
}

static bool walk_struct(walker *w, const lsync_ctf_type *t, const char *name,
			int parent, unsigned level)
{
	int self = -2;
	bool ok = true;

	w->c.pos = align_up(w->c.pos, t->align);
	if (w->c.pos > w->c.end)
		return false;
	if (w->depth == MAX_WALK_DEPTH)
		return false;
	if (w->mode == W_DECODE && parent >= -1)
		self = new_inst(w, t, name, parent);
	w->depth++;
	if (w->depth > w->slots_used)
		w->slots_used = w->depth;
	for (uint32_t i = 0; i < t->n_members && ok; i++) {
		const lsync_ctf_member *m = &t->members[i];

		if (w->mode == W_SCOPE && level == 0 && m->type->kind == LSYNC_CTF_INT) {
			uint64_t v;

			ok = read_int(&w->c, m->type, &v);
			if (ok && m->slot >= 0)
				w->slots[w->depth - 1][m->slot] = v;
			if (ok && i < w->n_top) {
				w->top[i] = v;
				w->top_set[i] = true;
			}
			continue;
		}
		if (m->type->kind == LSYNC_CTF_INT && w->mode != W_HEADER &&
		    w->mode != W_SCOPE) {
			/* Integers inline: most members are. */
			const lsync_ctf_type *mt = m->type;
			bool keep = self >= 0 && lsync_ctf_is_key(m->name);
			uint64_t v;
			int j;

			if (!keep && m->slot < 0) {
				w->c.pos = align_up(w->c.pos, mt->align);
				ok = w->c.pos <= w->c.end && mt->size <= w->c.end - w->c.pos;
				w->c.pos += mt->size;
				continue;
			}
			ok = read_int(&w->c, mt, &v);
			if (ok && m->slot >= 0)
				w->slots[w->depth - 1][m->slot] = v;
			if (ok && keep && (j = new_inst(w, mt, m->name, self)) >= 0)
				w->insts[j].value = v;
			continue;
		}
		if (m->type->kind == LSYNC_CTF_STRING && w->mode != W_SCOPE &&
		    !(self >= 0 && lsync_ctf_is_key(m->name))) {
			/* A string nothing looks at: to its NUL. */
			const uint8_t *p, *nul;

			w->c.pos = align_up(w->c.pos, 8);
			ok = w->c.pos < w->c.end;
			if (!ok)
				continue;
			p = w->c.buf + w->c.pos / 8;
			nul = memchr(p, 0, (w->c.end - w->c.pos) / 8);
			ok = nul != NULL;
			if (ok)
				w->c.pos += 8 * (uint64_t)(nul - p + 1);
			continue;
		}
		if (m->type->fixed && m->slot < 0 && !m->type->has_clock &&
		    (w->mode == W_SKIP || (w->mode == W_DECODE &&
					   (self < 0 || (!lsync_ctf_is_key(m->name) &&
							 !m->type->has_key))))) {
			/* Constant size, nothing kept: one step. */
			const lsync_ctf_type *mt = m->type;

			w->c.pos = align_up(w->c.pos, mt->align);
			ok = w->c.pos <= w->c.end && mt->bits <= w->c.end - w->c.pos;
			w->c.pos += mt->bits;
			continue;
		}
		ok = walk(w, m->type, m->name, self == -2 ? -2 : self, m->slot, level + 1);
	}
	w->depth--;
	return ok;
}

static bool walk_variant(walker *w, const lsync_ctf_type *t, const char *name,
			 int parent, unsigned level)
{
	uint64_t tag;
	int self = -2;
	uint32_t opt;

	if (t->tag.up >= w->depth)
		return false;
	tag = w->slots[w->depth - 1 - t->tag.up][t->tag.slot];
	if (!lsync_ctf_range_option(t->ranges, t->n_ranges, t->tag_signed, tag, &opt))
		return false; /* babeltrace2: "Cannot find variant field class's option" */
	if (w->mode == W_DECODE && parent >= -1)
		self = new_inst(w, t, name, parent);
	w->force = self >= 0;
	if (!walk(w, t->members[opt].type,
		  w->mode == W_HEADER ? NULL : t->members[opt].name, self, -1, level + 1))
		return false;
	if (self >= 0)
		w->insts[self].selected = self + 1 < w->n_insts ? self + 1 : -1;
	return true;
}

static bool walk_array(walker *w, const lsync_ctf_type *t, const char *name,
		       int parent, unsigned level)
{
	const lsync_ctf_type *e = t->elem;
	uint64_t len = t->length;
	int self = -2;
	bool keep;

	if (t->kind == LSYNC_CTF_SEQUENCE) {
		if (t->len_ref.up >= w->depth)
			return false;
		len = w->slots[w->depth - 1 - t->len_ref.up][t->len_ref.slot];
	}
	w->c.pos = align_up(w->c.pos, t->align);
	if (w->c.pos > w->c.end)
		return false;
	if (w->mode == W_DECODE && parent >= -1) {
		self = new_inst(w, t, name, parent);
		if (self >= 0)
			w->insts[self].length = len;
	}
	keep = self >= 0 && len <= MAX_ELEMS && !(e->kind == LSYNC_CTF_INT && e->text);
	if (self >= 0)
		w->insts[self].kept = keep;
	if (e->fixed && !keep) {
		uint64_t stride = align_up(e->bits, e->align);

		if (!len)
			return true;
		if (stride && (len - 1) > (w->c.end - w->c.pos) / stride)
			return false;
		w->c.pos = align_up(w->c.pos, e->align);
		if (stride * (len - 1) + e->bits > w->c.end - w->c.pos)
			return false;
		w->c.pos += stride * (len - 1) + e->bits;
		return true;
	}
	if (keep && e->kind == LSYNC_CTF_INT) {
		/* Kept integers (an address): inline. */
		for (uint64_t i = 0; i < len; i++) {
			uint64_t v;
			int j;

			if (!read_int(&w->c, e, &v))
				return false;
			if ((j = new_inst(w, e, elem_name, self)) >= 0)
				w->insts[j].value = v;
		}
		return true;
	}
	for (uint64_t i = 0; i < len; i++) {
		/* Every element takes at least a bit, or this is bounded by len. */
		if (w->c.pos > w->c.end)
			return false;
		if (!walk(w, e, keep ? elem_name : NULL, keep ? self : -2, -1, level + 1))
			return false;
		if (e->fixed && e->bits == 0 && i > (UINT64_C(1) << 24))
			return false; /* babeltrace2 would build that many fields */
	}
	return true;
}

/*
 * Walk one field of type t. parent: the inst it belongs to (-1: the
 * root), -2: not kept. slot: where its value is stored, if referenced.
 */
static bool walk(walker *w, const lsync_ctf_type *t, const char *name, int parent,
		 int16_t slot, unsigned level)
{
	if (level > MAX_WALK_DEPTH || !w->budget--)
		return false;
	/*
	 * A network payload keeps only what the layouts may look up: fields
	 * named by a key, what holds one, a kept array's elements and a kept
	 * variant's option.
	 */
	if (w->mode == W_DECODE && parent >= 0 && !w->force && name != elem_name &&
	    !(name && lsync_ctf_is_key(name)) && !t->has_key)
		parent = -2;
	w->force = false;
	/* Constant size, and nothing in it to look at: one step. */
	if (t->fixed && slot < 0 &&
	    ((w->mode == W_SKIP || (w->mode == W_DECODE && parent == -2)) ||
	     (w->mode == W_HEADER && !t->has_clock && t->kind != LSYNC_CTF_STRUCT &&
	      t->kind != LSYNC_CTF_INT))) {
		w->c.pos = align_up(w->c.pos, t->align);
		if (w->c.pos > w->c.end || t->bits > w->c.end - w->c.pos)
			return false;
		w->c.pos += t->bits;
		return true;
	}
	switch (t->kind) {
	case LSYNC_CTF_INT:
		return walk_int(w, t, name, parent, slot, level);
	case LSYNC_CTF_FLOAT:
		w->c.pos = align_up(w->c.pos, t->align);
		if (w->c.pos > w->c.end || t->size > w->c.end - w->c.pos)
			return false;
		w->c.pos += t->size;
		if (w->mode == W_DECODE && parent >= -1)
			new_inst(w, t, name, parent);
		return true;
	case LSYNC_CTF_STRING:
		return walk_string(w, t, name, parent);
	case LSYNC_CTF_STRUCT:
		return walk_struct(w, t, name, parent, level);
	case LSYNC_CTF_VARIANT:
		return walk_variant(w, t, name, parent, level);
	case LSYNC_CTF_ARRAY:
	case LSYNC_CTF_SEQUENCE:
		return walk_array(w, t, name, parent, level);
	}
	return false;
}

#define K(name) lsync_ctf_keys[LSYNC_KEY_##name]

/* ---- the layouts, on insts (as decode_fields.c on babeltrace2 fields) ---- */

/* Member `name` of struct inst s, or -1. */
static int member(const walker *k, int s, const char *name)
{
	if (s < 0 || k->insts[s].type->kind != LSYNC_CTF_STRUCT)
		return -1;
	/* Names are interned (ctf.h): a key is found by its pointer. */
	for (int i = s + 1; i < k->n_insts; i++)
		if (k->insts[i].parent == s && k->insts[i].name == name)
			return i;
	return -1;
}

static bool is_integer(const inst *in)
{
	return in->type->kind == LSYNC_CTF_INT;
}

/* As decode_fields.c's read_uint: an integer >= 0 that fits in bits. */
static bool read_member(const walker *k, int s, const char *name,
			unsigned bits, uint64_t *out)
{
	int i = member(k, s, name);
	const inst *in;

	if (i < 0 || !is_integer(in = &k->insts[i]))
		return false;
	*out = in->value;
	if (in->type->is_signed && (int64_t)in->value < 0)
		return false;
	return bits >= 64 || *out >> bits == 0;
}

static bool put_value(const inst *in, unsigned width, uint8_t *out)
{
	uint64_t v = in->value;

	if (in->type->is_signed && (int64_t)v < 0)
		return false;
	if (width < 8 && v >> (8 * width))
		return false;
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = 8 * (width - 1 - i);

		out[i] = shift < 64 ? (uint8_t)(v >> shift) : 0;
	}
	return true;
}

static bool read_address(const walker *k, int s, const char *name,
			 unsigned nbytes, uint8_t *out)
{
	int i = member(k, s, name);
	const inst *in;
	uint64_t len;
	unsigned width, n = 0;

	if (i < 0)
		return false;
	in = &k->insts[i];
	if (is_integer(in))
		return nbytes <= 8 && put_value(in, nbytes, out);
	if ((in->type->kind != LSYNC_CTF_ARRAY && in->type->kind != LSYNC_CTF_SEQUENCE) ||
	    in->type->elem->kind != LSYNC_CTF_INT || in->type->elem->text)
		return false;
	len = in->length;
	if (len == 0 || len > nbytes || nbytes % len || !in->kept)
		return false;
	width = nbytes / (unsigned)len;
	for (int j = i + 1; j < k->n_insts && n < len; j++)
		if (k->insts[j].parent == i) {
			if (!put_value(&k->insts[j], width, out + n * width))
				return false;
			n++;
		}
	return n == len;
}

/* The variant member `name` of s: its selected option's inst and name. */
static bool variant_member(const walker *k, int s, const char *name, int *opt,
			   const char **opt_name)
{
	int i = member(k, s, name);

	if (i < 0 || k->insts[i].type->kind != LSYNC_CTF_VARIANT)
		return false;
	*opt = k->insts[i].selected;
	*opt_name = *opt >= 0 ? k->insts[*opt].name : NULL;
	return *opt >= 0;
}

static lsync_field_result decode_tcp(const walker *k, int tcp, lttsync_packet *p)
{
	uint64_t sport, dport, seq, ack, flags;

	if (!read_member(k, tcp, K(SOURCE_PORT), 16, &sport) ||
	    !read_member(k, tcp, K(DEST_PORT), 16, &dport) ||
	    !read_member(k, tcp, K(SEQ), 32, &seq) ||
	    !read_member(k, tcp, K(ACK_SEQ), 32, &ack) ||
	    !read_member(k, tcp, K(FLAGS), 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->src_port = (uint16_t)sport;
	p->dst_port = (uint16_t)dport;
	p->has_ports = 1;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	p->flags = (uint8_t)(flags & 0xff);
	return LSYNC_FIELDS_PACKET;
}

static lsync_field_result decode_ip(const walker *k, int ip, bool v4,
				    lttsync_packet *p)
{
	unsigned nbytes = v4 ? 4 : 16;
	uint64_t proto;
	const char *oname;
	int th;

	if (!read_member(k, ip, v4 ? K(PROTOCOL) : K(NEXTHDR), 8, &proto) ||
	    !read_address(k, ip, K(SADDR), nbytes, p->src_addr) ||
	    !read_address(k, ip, K(DADDR), nbytes, p->dst_addr))
		return LSYNC_FIELDS_MALFORMED;
	p->family = v4 ? 4 : 6;
	if (!variant_member(k, ip, K(TRANSPORT_HEADER), &th, &oname))
		return LSYNC_FIELDS_MALFORMED;
	if (oname == K(TCP))
		return decode_tcp(k, th, p);
	if (oname == K(UNKNOWN) && proto == IPPROTO_TCP_NUMBER)
		return LSYNC_FIELDS_NO_HEADER;
	return LSYNC_FIELDS_NOT_TCP;
}

static lsync_field_result decode_modules(const walker *k, lttsync_packet *p)
{
	const char *oname;
	int ip;

	if (!variant_member(k, 0, K(NETWORK_HEADER), &ip, &oname))
		return LSYNC_FIELDS_MALFORMED;
	if (oname == K(IPV4))
		return decode_ip(k, ip, true, p);
	if (oname == K(IPV6))
		return decode_ip(k, ip, false, p);
	if (oname == K(UNKNOWN))
		return LSYNC_FIELDS_NO_HEADER;
	return LSYNC_FIELDS_NOT_TCP;
}

static lsync_field_result decode_experimental_tcp(const walker *k, int tcp,
						  lttsync_packet *p)
{
	uint64_t seq, ack, flags, sport, dport;

	if (!read_member(k, tcp, K(SEQ), 32, &seq) ||
	    !read_member(k, tcp, K(ACK_SEQ), 32, &ack) ||
	    !read_member(k, tcp, K(FLAGS), 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	p->flags = (uint8_t)(flags & 0xff);
	if (read_member(k, tcp, K(SOURCE_PORT), 16, &sport) &&
	    read_member(k, tcp, K(DEST_PORT), 16, &dport)) {
		p->src_port = (uint16_t)sport;
		p->dst_port = (uint16_t)dport;
		p->has_ports = 1;
	}
	return LSYNC_FIELDS_PACKET;
}

static lsync_field_result decode_experimental(const walker *k, lttsync_packet *p)
{
	int tf = member(k, 0, K(TRANSPORT_FIELDS)), opt, tcp;

	if (tf < 0)
		return LSYNC_FIELDS_MALFORMED;
	if (k->insts[tf].type->kind == LSYNC_CTF_VARIANT) {
		opt = k->insts[tf].selected;
		if (opt < 0)
			return LSYNC_FIELDS_MALFORMED;
		switch (lsync_experimental_option(k->insts[opt].name)) {
		case LSYNC_OPT_TCP:
			return decode_experimental_tcp(k, opt, p);
		case LSYNC_OPT_NOTHING:
			return LSYNC_FIELDS_NO_HEADER;
		default:
			return LSYNC_FIELDS_NOT_TCP;
		}
	}
	if (k->insts[tf].type->kind != LSYNC_CTF_STRUCT)
		return LSYNC_FIELDS_MALFORMED;
	tcp = member(k, tf, K(THTYPE_TCP));
	if (tcp < 0 || k->insts[tcp].type->kind != LSYNC_CTF_STRUCT)
		return LSYNC_FIELDS_MALFORMED;
	return decode_experimental_tcp(k, tcp, p);
}

static lsync_field_result decode_addons(const walker *k, lttsync_packet *p,
					uint16_t *raw)
{
	uint64_t seq, ack, flags;

	if (!read_member(k, 0, K(SEQ), 32, &seq) ||
	    !read_member(k, 0, K(ACK_SEQ), 32, &ack) ||
	    !read_member(k, 0, K(FLAGS), 16, &flags))
		return LSYNC_FIELDS_MALFORMED;
	p->seq = (uint32_t)seq;
	p->ack_seq = (uint32_t)ack;
	*raw = (uint16_t)flags;
	return LSYNC_FIELDS_PACKET;
}

/* ---- classes -------------------------------------------------------------- */

static bool has_member(const lsync_ctf_type *t, const char *name)
{
	if (!t || t->kind != LSYNC_CTF_STRUCT)
		return false;
	for (uint32_t i = 0; i < t->n_members; i++)
		if (strcmp(t->members[i].name, name) == 0)
			return true;
	return false;
}

static lsync_layout skb_layout(const lsync_ctf_event_class *ec)
{
	if (has_member(ec->payload, "network_header") ||
	    has_member(ec->payload, "network_header_type"))
		return LSYNC_LAYOUT_MODULES;
	if (has_member(ec->payload, "transport_fields"))
		return LSYNC_LAYOUT_EXPERIMENTAL;
	return LSYNC_LAYOUT_OLD;
}

/* As lsync_classify_event_class(), on our classes. */
static lsync_event_kind classify(const lsync_ctf_event_class *ec)
{
	lsync_event_kind k = { LSYNC_LAYOUT_NONE, LTTSYNC_DIRECTION_SEND };
	const char *name = ec->name;

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

/* ---- what we accept, checked once per trace -------------------------------- */

/* A clock-mapped integer outside the places checked: decline. */
static bool clock_free(const lsync_ctf_type *t)
{
	return !t || !t->has_clock;
}

static const lsync_ctf_member *top_member(const lsync_ctf_type *t, const char *name)
{
	if (!t)
		return NULL;
	for (uint32_t i = 0; i < t->n_members; i++)
		if (strcmp(t->members[i].name, name) == 0)
			return &t->members[i];
	return NULL;
}

/* Header integers named `id` and clock-mapped ones must be unsigned. */
static bool header_ok(const lsync_ctf_type *t, const char *name, int *clock,
		      unsigned depth)
{
	if (depth > 64)
		return false;
	switch (t->kind) {
	case LSYNC_CTF_INT:
		if ((name && strcmp(name, "id") == 0) || t->clock >= 0) {
			if (t->is_signed)
				return false;
		}
		if (t->clock >= 0) {
			if (*clock >= 0 && *clock != t->clock)
				return false;
			*clock = t->clock;
		}
		return true;
	case LSYNC_CTF_STRUCT:
	case LSYNC_CTF_VARIANT:
		for (uint32_t i = 0; i < t->n_members; i++)
			if (!header_ok(t->members[i].type,
				       t->kind == LSYNC_CTF_STRUCT ? t->members[i].name : NULL,
				       clock, depth + 1))
				return false;
		return true;
	case LSYNC_CTF_ARRAY:
	case LSYNC_CTF_SEQUENCE:
		return clock_free(t);
	default:
		return true;
	}
}

static bool is_id_name(const char *n)
{
	return n[0] == 'i' && n[1] == 'd' && !n[2];
}

/* An unsigned integer of a header option: its role, or false. */
static bool header_field(const lsync_ctf_member *m, hdr_option *o)
{
	const lsync_ctf_type *t = m->type;

	if (t->kind != LSYNC_CTF_INT || t->is_signed || m->slot >= 0 ||
	    o->n == HDR_FIELDS || (is_id_name(m->name) && t->clock >= 0))
		return false;
	o->type[o->n] = t;
	o->role[o->n] = is_id_name(m->name) ? 1 : t->clock >= 0 ? 2 : 0;
	o->n++;
	return true;
}

/* Field t at bit `off` of a header that starts on a byte; false when
 * not within one 8-byte load. */
static bool hdr_place(hdr_plan *h, const lsync_ctf_type *t, uint64_t off, hdr_bits *b)
{
	unsigned shift = (unsigned)(off % 8);

	if (t->size == 0 || shift + t->size > 64 || off / 8 > UINT8_MAX)
		return false;
	b->byte = (uint8_t)(off / 8);
	b->be = t->be;
	b->lsh = (uint8_t)(t->be ? shift : 64 - shift - t->size);
	b->rsh = (uint8_t)(64 - t->size);
	if (b->byte > h->max_byte)
		h->max_byte = b->byte;
	return true;
}

/* Field f of option o at bit `off`: placed when it is read (an id or
 * a clock, at most one of each: more are read field by field). */
static bool hdr_role(hdr_plan *h, hdr_option *o, unsigned f, uint64_t off)
{
	const lsync_ctf_type *t = o->type[f];

	if (o->role[f] == 1) {
		if (o->has_id || !hdr_place(h, t, off, &o->id_at))
			return false;
		o->has_id = true;
	} else if (o->role[f] == 2) {
		if (o->has_clock || !hdr_place(h, t, off, &o->clock_at))
			return false;
		o->has_clock = true;
		o->clock_mask = t->size >= 64 ? UINT64_MAX : (UINT64_C(1) << t->size) - 1;
	}
	return true;
}

/* The option of each id, as the ranges give it. */
static void hdr_tags(hdr_plan *h)
{
	for (unsigned tag = 0; tag < HDR_TAGS; tag++) {
		uint32_t opt;

		h->by_tag[tag] = -1;
		/* An option that is none: read field by field. */
		if (lsync_ctf_range_option(h->ranges, h->n_ranges, false, tag, &opt) &&
		    opt < HDR_OPTIONS && h->opt[opt].align)
			h->by_tag[tag] = (int8_t)opt;
	}
}

/*
 * A header is fast when it starts on a byte, its id has at most 6 bits
 * (a table gives the option) and each option's fields, aligned no more
 * than the header is, lie at fixed offsets from its start: a field's
 * alignment then depends on the offset only.
 */
static bool fast_header(hdr_plan *h)
{
	uint64_t off;

	if (h->align % 8 || h->id->size > 6 || h->id->align > h->align ||
	    !hdr_place(h, h->id, 0, &h->id_at))
		return false;
	hdr_tags(h);
	for (unsigned i = 0; i < HDR_OPTIONS; i++) {
		hdr_option *o = &h->opt[i];

		if (!o->align)
			continue;
		if (o->align > h->align)
			return false;
		off = align_up(h->id->size, o->align);
		for (unsigned f = 0; f < o->n; f++) {
			if (o->type[f]->align > h->align)
				return false;
			off = align_up(off, o->type[f]->align);
			if (!hdr_role(h, o, f, off))
				return false;
			off += o->type[f]->size;
		}
		o->bits = (uint32_t)off;
	}
	return true;
}

static void compile_header(hdr_plan *h, const lsync_ctf_type *t)
{
	const lsync_ctf_member *id, *v;

	memset(h, 0, sizeof(*h));
	if (t->kind != LSYNC_CTF_STRUCT || t->n_members != 2)
		return;
	id = &t->members[0];
	v = &t->members[1];
	if (id->type->kind != LSYNC_CTF_INT || id->type->is_signed ||
	    id->type->clock >= 0 || !is_id_name(id->name) || id->slot != 0 ||
	    v->type->kind != LSYNC_CTF_VARIANT || v->slot >= 0 ||
	    v->type->tag.up != 0 || v->type->tag.slot != 0 || v->type->tag_signed ||
	    v->type->n_members > HDR_OPTIONS || v->type->n_ranges > HDR_RANGES)
		return;
	for (uint32_t i = 0; i < v->type->n_members; i++) {
		const lsync_ctf_type *o = v->type->members[i].type;

		if (o->kind != LSYNC_CTF_STRUCT)
			return;
		h->opt[i].align = o->align;
		for (uint32_t j = 0; j < o->n_members; j++)
			if (!header_field(&o->members[j], &h->opt[i]))
				return;
	}
	h->align = t->align;
	h->id = id->type;
	h->n_ranges = v->type->n_ranges;
	memcpy(h->ranges, v->type->ranges, h->n_ranges * sizeof(*h->ranges));
	h->ok = true;
	h->fast = fast_header(h);
}

static inline uint64_t hdr_get(const uint8_t *base, const hdr_bits *b)
{
	uint64_t x = load64_le(base + b->byte);

	return ((b->be ? __builtin_bswap64(x) : x) << b->lsh) >> b->rsh;
}

/* update_clock(), its mask worked out. */
static inline uint64_t next_clock(uint64_t clock, uint64_t v, uint64_t mask)
{
	if (mask == UINT64_MAX)
		return v;
	if (v < (clock & mask))
		clock += mask + 1;
	return (clock & ~mask) | v;
}

/* The id of a header of option o laid out from base (`tag` unless the
 * option has its own), and the clock after it (fast plans). */
static inline uint64_t hdr_fields(const uint8_t *base, const hdr_option *o, uint64_t tag,
				  uint64_t *clock)
{
	if (o->has_clock)
		*clock = next_clock(*clock, hdr_get(base, &o->clock_at), o->clock_mask);
	return o->has_id ? hdr_get(base, &o->id_at) : tag;
}

/* One header with plan h; false when truncated or no option matches. */
static inline bool read_header(const hdr_plan *h, bool fast, cursor *c, uint64_t *clock,
			       uint64_t *id, bool *id_set)
{
	uint64_t tag, v, pos = align_up(c->pos, h->align);
	const hdr_option *o;
	uint32_t option;

	/* Fast, where the header is in the content and its bytes in the
	 * file; else read as below, which finds what is wrong. */
	if (fast && pos <= c->end && pos / 8 + h->max_byte + 8 <= c->avail) {
		const uint8_t *base = c->buf + pos / 8;
		int opt;

		tag = hdr_get(base, &h->id_at);
		opt = h->by_tag[tag];
		if (opt >= 0 && h->opt[opt].bits <= c->end - pos) {
			o = &h->opt[opt];
			*id = hdr_fields(base, o, tag, clock);
			*id_set = true;
			c->pos = pos + o->bits;
			return true;
		}
	}

	c->pos = align_up(c->pos, h->align);
	if (c->pos > c->end || !read_int(c, h->id, &tag))
		return false;
	*id = tag;
	*id_set = true;
	if (!lsync_ctf_range_option(h->ranges, h->n_ranges, false, tag, &option))
		return false;
	o = &h->opt[option];
	c->pos = align_up(c->pos, o->align);
	if (c->pos > c->end)
		return false;
	for (unsigned i = 0; i < o->n; i++) {
		if (!read_int(c, o->type[i], &v))
			return false;
		if (o->role[i] == 1)
			*id = v;
		else if (o->role[i] == 2)
			update_clock(clock, v, o->type[i]->size);
	}
	return true;
}

static bool fixed_or_none(const lsync_ctf_type *t)
{
	return !t || t->fixed;
}

static int check_stream_class(lsync_skim *k, lsync_ctf_stream_class *sc)
{
	const lsync_ctf_type *pc = sc->packet_context;
	const lsync_ctf_member *tb = top_member(pc, "timestamp_begin");
	int clock = -1;
	uint64_t max_id = 0;

	if (!tb || tb->type->kind != LSYNC_CTF_INT || tb->type->size != 64 ||
	    tb->type->clock < 0 || tb->type->is_signed)
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "no 64-bit timestamp_begin in a packet context");
	clock = tb->type->clock;
	for (uint32_t i = 0; i < pc->n_members; i++) {
		const lsync_ctf_member *m = &pc->members[i];
		bool named = strcmp(m->name, "timestamp_begin") == 0 ||
			     strcmp(m->name, "timestamp_end") == 0;

		if (m->type->has_clock && !(named && m->type->kind == LSYNC_CTF_INT &&
					    m->type->clock == clock))
			return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
						 "unsupported clock mapping in a packet context");
		if ((strcmp(m->name, "packet_size") == 0 || strcmp(m->name, "content_size") == 0 ||
		     named) && (m->type->kind != LSYNC_CTF_INT || m->type->is_signed))
			return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
						 "unsupported packet context");
	}
	if (!sc->event_header || !header_ok(sc->event_header, NULL, &clock, 0) ||
	    !clock_free(sc->event_context))
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "unsupported event header");
	sc->clock = clock;
	compile_header(&k->hdr[sc - k->tr->streams], sc->event_header);
	if ((sc->event_header && sc->event_header->nodes > MAX_CLASS_NODES) ||
	    (sc->event_context && sc->event_context->nodes > MAX_CLASS_NODES) ||
	    (pc && pc->nodes > MAX_CLASS_NODES))
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "a stream class's fields are too many");
	for (lsync_ctf_event_class *ec = sc->events; ec; ec = ec->next) {
		if ((ec->context && ec->context->nodes > MAX_CLASS_NODES) ||
		    (ec->payload && ec->payload->nodes > MAX_CLASS_NODES))
			return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
						 "event class '%s' has too many fields", ec->name);
		if (!clock_free(ec->context) || !clock_free(ec->payload))
			return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
						 "clock-mapped field in an event");
		if (ec->id > max_id)
			max_id = ec->id;
		ec->kind = classify(ec);
		ec->plan = ec->kind.layout != LSYNC_LAYOUT_NONE
				   ? lsync_net_plan_compile(ec->payload, ec->kind.layout) : NULL;
		ec->quiet = ec->kind.layout == LSYNC_LAYOUT_NONE && fixed_or_none(ec->context) &&
			    fixed_or_none(ec->payload);
	}
	if (max_id >= MAX_EVENT_ID)
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "event class ids too large");
	sc->by_id_len = sc->n_events ? max_id + 1 : 0;
	sc->by_id = sc->by_id_len ? calloc(sc->by_id_len, sizeof(*sc->by_id)) : NULL;
	if (sc->by_id_len && !sc->by_id)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (lsync_ctf_event_class *ec = sc->events; ec; ec = ec->next)
		sc->by_id[ec->id] = ec;
	return LTTSYNC_OK;
}

static int check_trace(lsync_skim *k)
{
	lsync_ctf_trace *tr = k->tr;
	const lsync_ctf_type *ph = tr->packet_header;
	int st;

	if (ph && ph->nodes > MAX_CLASS_NODES)
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "the packet header's fields are too many");
	if (!clock_free(ph))
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "clock-mapped field in the packet header");
	if (ph) {
		static const char *const names[] = { "magic", "stream_id",
						     "stream_instance_id" };

		for (unsigned i = 0; i < 3; i++) {
			const lsync_ctf_member *m = top_member(ph, names[i]);

			if (m && (m->type->kind != LSYNC_CTF_INT || m->type->is_signed))
				return lsync_decode_fail(k->err, sizeof(k->err),
							 LSYNC_CTF_DECLINED,
							 "unsupported packet header");
		}
	}
	if (!tr->n_streams)
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "no stream class");
	for (unsigned i = 0; i < tr->n_streams; i++)
		if ((st = check_stream_class(k, &tr->streams[i])))
			return st;
	return LTTSYNC_OK;
}

/* ---- indexing ------------------------------------------------------------- */

static bool clock_ns(const lsync_ctf_clock *c, uint64_t value, int64_t *ns);

/* The value of top-level integer `name` read by a W_SCOPE walk. */
static bool scope_value(const lsync_ctf_type *t, const uint64_t *vals,
			const bool *set, const char *name, uint64_t *out)
{
	if (!t)
		return false;
	for (uint32_t i = 0; i < t->n_members && i < 64; i++)
		if (set[i] && strcmp(t->members[i].name, name) == 0) {
			*out = vals[i];
			return true;
		}
	return false;
}

static bool walk_scope(lsync_skim *k, cursor *c, const lsync_ctf_type *t,
		       uint64_t *vals, bool *set)
{
	walker *w;
	bool ok;

	memset(set, 0, 64 * sizeof(*set));
	if (!t)
		return true;
	w = walker_new();
	if (!w)
		return false;
	w->c = *c;
	w->mode = W_SCOPE;
	w->force = false;
	w->budget = WALK_BUDGET;
	w->depth = 0;
	w->top = vals;
	w->top_set = set;
	w->n_top = 64;
	w->clock = NULL;
	ok = walk(w, t, NULL, -2, -1, 0);
	*c = w->c;
	free(w);
	return ok;
}

/*
 * Packet headers and contexts are read from a copy of the packet's first
 * INDEX_BYTES: LTTng's take about a hundred. Larger ones decline.
 */
#define INDEX_BYTES 65536

/*
 * Most headers and contexts fit in the first INDEX_FIRST bytes: those
 * are read first, INDEX_BYTES only when they do not suffice.
 */
#define INDEX_FIRST 4096
#define INDEX_RETRY 3 /* not a status: read INDEX_BYTES and index again */

static bool index_read(lsync_skim *k, sfile *f, uint64_t off, size_t *got)
{
	size_t want = f->len - off < k->index_want ? (size_t)(f->len - off) : k->index_want;

	*got = 0;
	while (*got < want) {
		ssize_t r = pread(f->fd, k->ibuf + *got, want - *got, (off_t)(off + *got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		*got += (size_t)r;
	}
	return true;
}

/* Header and context did not fit the copy, or were cut short. */
static int index_short(lsync_skim *k, const sfile *f, uint64_t off, size_t got,
		       const char *what)
{
	if (f->len - off > got && k->index_want < INDEX_BYTES)
		return INDEX_RETRY;
	if (f->len - off > got)
		return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					 "%s: packet %s larger than %d bytes", f->path,
					 what, INDEX_BYTES);
	return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
				 "%s: truncated packet %s at offset %" PRIu64,
				 f->path, what, off);
}

/* Read packet header and context at `off`; fill *p. */
static int index_packet(lsync_skim *k, sfile *f, uint64_t off, pkt *p)
{
	lsync_ctf_trace *tr = k->tr;
	uint64_t vals[64], v, sc_id = 0, remain_bits;
	bool set[64];
	cursor c;
	const lsync_ctf_stream_class *sc = NULL;
	size_t got;

	if (!index_read(k, f, off, &got))
		return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_IO,
					 "%s: %s", f->path, strerror(errno ? errno : EIO));
	remain_bits = 8 * (uint64_t)(f->len - off);
	c.buf = k->ibuf;
	c.pos = 0;
	c.end = 8 * (uint64_t)got;
	c.avail = got;
	if (!walk_scope(k, &c, tr->packet_header, vals, set))
		return index_short(k, f, off, got, "header");
	if (scope_value(tr->packet_header, vals, set, "magic", &v) && v != CTF_MAGIC)
		return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
					 "%s: bad CTF magic number at offset %" PRIu64,
					 f->path, off);
	if (scope_value(tr->packet_header, vals, set, "stream_id", &sc_id)) {
		for (unsigned i = 0; i < tr->n_streams; i++)
			if (tr->streams[i].id == sc_id)
				sc = &tr->streams[i];
	} else if (tr->n_streams == 1) {
		sc = &tr->streams[0];
	}
	if (!sc)
		return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
					 "%s: no stream class %" PRIu64, f->path, sc_id);
	if (f->n_pkts == 0) {
		f->sc_id = sc->id;
		f->has_instance = scope_value(tr->packet_header, vals, set,
					      "stream_instance_id", &f->instance);
	} else if (f->sc_id != sc->id) {
		return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
					 "%s: packets of two stream classes", f->path);
	}
	if (!walk_scope(k, &c, sc->packet_context, vals, set))
		return index_short(k, f, off, got, "context");
	p->sc = sc;
	p->offset = off;
	p->body = c.pos;
	p->has_begin = scope_value(sc->packet_context, vals, set, "timestamp_begin",
				   &p->ts_begin);
	{
		/*
		 * babeltrace2 fails such a trace when it opens it (it converts
		 * packet times to ns then): leave it to babeltrace2.
		 */
		int64_t ns;
		uint64_t end;

		if ((p->has_begin && !clock_ns(&tr->clocks[sc->clock], p->ts_begin, &ns)) ||
		    (scope_value(sc->packet_context, vals, set, "timestamp_end", &end) &&
		     !clock_ns(&tr->clocks[sc->clock], end, &ns)))
			return lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
						 "%s: packet times beyond the ns range", f->path);
	}
	{
		uint64_t total = 0, content = 0;
		bool has_total = scope_value(sc->packet_context, vals, set, "packet_size", &total);
		bool has_content = scope_value(sc->packet_context, vals, set, "content_size",
					       &content);

		if (!has_total && has_content)
			total = content;
		if (!has_content && has_total)
			content = total;
		if (!has_total && !has_content)
			total = content = remain_bits;
		if (content > total)
			return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
						 "%s: content larger than its packet at offset %" PRIu64,
						 f->path, off);
		if (total / 8 > f->len - off || total / 8 == 0)
			return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
						 "%s: packet at offset %" PRIu64
						 " larger than the file (truncated?)", f->path, off);
		if (c.pos > content)
			return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
						 "%s: packet context beyond its content at offset %" PRIu64,
						 f->path, off);
		p->size = total / 8;
		p->content = content;
	}
	return LTTSYNC_OK;
}

static int index_file(lsync_skim *k, sfile *f)
{
	uint64_t off = 0;
	int st;

	while (off < f->len) {
		if (f->n_pkts == f->cap) {
			size_t cap = f->cap ? 2 * f->cap : 64;
			pkt *grown = realloc(f->pkts, cap * sizeof(*grown));

			if (!grown)
				return LTTSYNC_ERROR_NO_MEMORY;
			f->pkts = grown;
			f->cap = cap;
		}
		k->index_want = INDEX_FIRST;
		st = index_packet(k, f, off, &f->pkts[f->n_pkts]);
		if (st == INDEX_RETRY) {
			k->index_want = INDEX_BYTES;
			st = index_packet(k, f, off, &f->pkts[f->n_pkts]);
		}
		if (st)
			return st;
		off += f->pkts[f->n_pkts].size;
		f->n_pkts++;
	}
	return LTTSYNC_OK;
}

/* ---- files ---------------------------------------------------------------- */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stream files: regular, non-empty, not hidden, not `metadata`. */
static int open_files(lsync_skim *k)
{
	DIR *dir = opendir(k->path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int st = LTTSYNC_OK;

	if (!dir)
		return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_IO,
					 "%s: %s", k->path, strerror(errno));
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "metadata") == 0)
			continue;
		if (n == MAX_FILES) {
			st = lsync_decode_fail(k->err, sizeof(k->err), LSYNC_CTF_DECLINED,
					       "too many files");
			break;
		}
		if (n == cap) {
			char **grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));

			if (!grown) {
				st = LTTSYNC_ERROR_NO_MEMORY;
				break;
			}
			names = grown;
		}
		names[n] = malloc(strlen(k->path) + strlen(de->d_name) + 2);
		if (!names[n]) {
			st = LTTSYNC_ERROR_NO_MEMORY;
			break;
		}
		sprintf(names[n], "%s/%s", k->path, de->d_name);
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	k->files = calloc(n ? n : 1, sizeof(*k->files));
	k->ibuf = malloc(INDEX_BYTES);
	if ((!k->files || !k->ibuf) && !st)
		st = LTTSYNC_ERROR_NO_MEMORY;
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		int fd;
		sfile *f;

		if (st || stat(names[i], &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0) {
			free(names[i]);
			continue;
		}
		f = &k->files[k->n_files];
		f->path = names[i];
		k->n_files++;
		fd = open(f->path, O_RDONLY | O_CLOEXEC);
		f->fd = fd;
		if (fd < 0) {
			st = lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_FORMAT,
					       "%s: %s", f->path, strerror(errno));
			continue;
		}
		f->len = (size_t)sb.st_size;
		st = index_file(k, f);
	}
	free(names);
	return st;
}

/* Files of one stream class and instance form one stream, by first time. */
static int group_streams(lsync_skim *k)
{
	k->streams = calloc(k->n_files ? k->n_files : 1, sizeof(*k->streams));
	if (!k->streams)
		return LTTSYNC_ERROR_NO_MEMORY;
	for (size_t i = 0; i < k->n_files; i++) {
		sfile *f = &k->files[i];
		stream *s = NULL;

		if (f->has_instance)
			for (size_t j = 0; j < k->n_streams; j++) {
				sfile *g = k->streams[j].files;

				if (g->has_instance && g->instance == f->instance &&
				    g->sc_id == f->sc_id)
					s = &k->streams[j];
			}
		if (!s) {
			s = &k->streams[k->n_streams++];
			s->files = f;
			s->last_ns = INT64_MIN;
			continue;
		}
		/* Insert by the first packet's timestamp_begin. */
		{
			sfile **at = &s->files;
			uint64_t t = f->n_pkts ? f->pkts[0].ts_begin : 0;

			while (*at && (*at)->n_pkts && (*at)->pkts[0].ts_begin <= t)
				at = &(*at)->next_in_group;
			f->next_in_group = *at;
			*at = f;
		}
	}
	for (size_t j = 0; j < k->n_streams; j++)
		k->streams[j].dcur = k->streams[j].files;
	k->stats->streams = k->n_streams;
	return LTTSYNC_OK;
}

/* ---- emitting --------------------------------------------------------------- */

static void stop_on(lsync_skim *k, int status)
{
	if (status < 0 && !k->stop)
		k->stop = status;
}

/* The UUID of the trace's clock (its streams' first), or NULL. */
static const uint8_t *clock_uuid(const lsync_ctf_trace *tr)
{
	for (unsigned i = 0; i < tr->n_streams; i++) {
		int c = tr->streams[i].clock;

		if (c >= 0)
			return tr->clocks[c].has_uuid ? tr->clocks[c].uuid : NULL;
	}
	return NULL;
}

static void begin(lsync_skim *k)
{
	const char *host = k->tr->hostname;
	const uint8_t *uuid = clock_uuid(k->tr);

	if (k->begun)
		return;
	k->begun = true;
	if (k->cb->clock && uuid)
		k->cb->clock(k->cb->user, uuid);
	if (host && !*host)
		host = NULL;
	stop_on(k, k->cb->begin(k->cb->user, host));
}

static void emit(lsync_skim *k, const lttsync_packet *p)
{
	if (k->stop)
		return;
	k->stats->packets++;
	stop_on(k, k->cb->packet(k->cb->user, p));
}

static void addons_flush(lsync_skim *k)
{
	if (!k->decided) {
		k->decided = true;
		k->enc = k->plausible[LSYNC_ADDONS_B] > k->plausible[LSYNC_ADDONS_A]
				 ? LSYNC_ADDONS_B : LSYNC_ADDONS_A;
	}
	for (size_t i = 0; i < k->n_held; i++) {
		k->held[i].packet.flags = lsync_addons_canonical(k->held[i].raw, k->enc);
		emit(k, &k->held[i].packet);
	}
	free(k->held);
	k->held = NULL;
	k->n_held = 0;
}

static void addons_add(lsync_skim *k, lttsync_packet *p, uint16_t raw)
{
	if (k->decided) {
		p->flags = lsync_addons_canonical(raw, k->enc);
		emit(k, p);
		return;
	}
	if (!k->held && !(k->held = malloc(ADDONS_DECIDE_AFTER * sizeof(*k->held)))) {
		stop_on(k, LTTSYNC_ERROR_NO_MEMORY);
		return;
	}
	k->held[k->n_held].packet = *p;
	k->held[k->n_held].raw = raw;
	k->n_held++;
	k->plausible[LSYNC_ADDONS_A] += lsync_addons_plausible(raw, LSYNC_ADDONS_A);
	k->plausible[LSYNC_ADDONS_B] += lsync_addons_plausible(raw, LSYNC_ADDONS_B);
	if (k->n_held == ADDONS_DECIDE_AFTER)
		addons_flush(k);
}

/* babeltrace2's ns from origin; false when it does not fit int64. */
static bool clock_ns(const lsync_ctf_clock *c, uint64_t value, int64_t *ns)
{
	uint64_t v;

	if (c->base_overflows)
		return false;
	if (c->freq == 1000000000) {
		v = value;
	} else {
		double d = 1e9 * (double)value / (double)c->freq;

		v = d >= (double)UINT64_MAX ? UINT64_MAX : (uint64_t)d;
	}
	if (v >= (uint64_t)INT64_MAX)
		return false;
	if (c->base_ns > 0 && (int64_t)v > INT64_MAX - c->base_ns)
		return false;
	*ns = c->base_ns + (int64_t)v;
	return true;
}

static void count_result(lsync_decode_stats *s, lsync_field_result r)
{
	switch (r) {
	case LSYNC_FIELDS_NO_HEADER: s->no_header++; break;
	case LSYNC_FIELDS_NOT_TCP: s->not_tcp++; break;
	case LSYNC_FIELDS_MALFORMED: s->malformed++; break;
	case LSYNC_FIELDS_PACKET: break;
	}
}

/* ---- reading events: decoding ------------------------------------------------ */

/*
 * Reading a stream is split in two. Decoding (decode_chunk()) reads the
 * bytes of a chunk of events of one packet into records: each
 * event's clock value, and for a network event what its payload gave.
 * Replaying (replay()) hands out the records in the order and at the
 * pace of the reader's steps: statistics, packets, progress, the stream's
 * clock. Decoding a stream depends only on its own bytes, so its chunks
 * can be decoded ahead by other threads (a pool, below) while the
 * calling thread replays: what is handed out is the same.
 */

/* Why walking a payload failed: its bytes, or the work bound. */
static const char *payload_error(const walker *w)
{
	return w->budget == UINT64_MAX ? "an event of more than 2^20 fields"
				       : "truncated event payload";
}

/* The chunk fails at its next event: `phase` says how far that event
 * was counted (0 not, 1 as an event, 2 as a network event). */
static void chunk_fail(chunk *c, uint8_t phase, int status)
{
	c->status = status;
	c->phase = phase;
	c->last = true;
}

static void corrupt(chunk *c, uint8_t phase, uint64_t pos, const char *what)
{
	chunk_fail(c, phase, lsync_decode_fail(c->err, sizeof(c->err), LTTSYNC_ERROR_FORMAT,
					       "%s: %s in the packet at offset %" PRIu64
					       " (bit %" PRIu64 ")", c->f->path, what,
					       c->pk->offset, pos));
}

/* A network event's payload: decoded and judged into *out; false when
 * walking it failed. */
static bool decode_network(const lsync_skim *k, walker *w, const lsync_ctf_event_class *ec,
			   const lsync_ctf_clock *clock, uint64_t when, dnet *out)
{
	lttsync_packet *p = &out->p;
	uint16_t raw = 0;
	uint64_t start = w->c.pos;
	lsync_field_result r = LSYNC_FIELDS_MALFORMED;

	memset(p, 0, sizeof(*p));
	p->struct_size = sizeof(*p);
	p->direction = ec->kind.direction;
	out->by_plan = 0;
	/* A plan stores where the walk would, in fewer levels. */
	if (ec->plan && k->plans && w->slots_used < LSYNC_PLAN_DEPTH)
		w->slots_used = LSYNC_PLAN_DEPTH;
	if (ec->plan && k->plans &&
	    lsync_net_plan_run(ec->plan, &w->c, w->slots, w->budget, p, &raw, &r)) {
		out->by_plan = 1;
		goto judged;
	}
	if (ec->plan && k->plans) {
		/* The plan gave up: the walk reads it again from its start. */
		w->c.pos = start;
		memset(p, 0, sizeof(*p));
		p->struct_size = sizeof(*p);
		p->direction = ec->kind.direction;
		raw = 0;
		r = LSYNC_FIELDS_MALFORMED;
	}
	if (ec->payload) {
		w->n_insts = 0;
		w->insts_full = false;
		w->mode = W_DECODE;
		w->depth = 0;
		if (!walk(w, ec->payload, NULL, -1, -1, 0))
			return false;
	}
	if (ec->kind.layout == LSYNC_LAYOUT_OLD)
		r = LSYNC_FIELDS_NO_HEADER;
	else if (ec->payload && w->n_insts > 0 && !w->insts_full) {
		switch (ec->kind.layout) {
		case LSYNC_LAYOUT_MODULES: r = decode_modules(w, p); break;
		case LSYNC_LAYOUT_EXPERIMENTAL: r = decode_experimental(w, p); break;
		case LSYNC_LAYOUT_ADDONS: r = decode_addons(w, p, &raw); break;
		default: break;
		}
	}
judged:
	if (r == LSYNC_FIELDS_PACKET && !clock_ns(clock, when, &p->timestamp_ns))
		r = LSYNC_FIELDS_MALFORMED;
	out->r = (uint8_t)r;
	out->raw = raw;
	out->addons = ec->kind.layout == LSYNC_LAYOUT_ADDONS;
	return true;
}

/*
 * The packet's bytes, mapped while its stream decodes it: a packet, or
 * a window of the file around it (below), at a time, so the address
 * space stays small whatever the size of the stream files (workers run
 * under an address-space limit).
 */
static void unmap_packet(stream *s)
{
	if (s->map_addr)
		munmap(s->map_addr, s->map_len);
	s->map_addr = NULL;
	s->mapped = NULL;
}

/*
 * A window of the file around the packet is mapped, and kept while the
 * stream's next packets fall in it: a mapping a packet costs system
 * calls and, with threads decoding, serializes them (the kernel's lock
 * on the address space, flushing the other processors' TLBs); reading
 * into a buffer would cost a copy. The windows of a trace's streams
 * take at most WINDOWS_BYTES of address space (workers run under a
 * limit), and a stream whose window would be under a MiB maps packets.
 */
#define WINDOWS_BYTES ((uint64_t)64 << 20)
#define WINDOW_MAX ((uint64_t)16 << 20)
#define WINDOW_MIN ((uint64_t)1 << 20)

static const uint8_t *map_window(const lsync_skim *k, stream *s, const sfile *f,
				 const pkt *pk)
{
	uint64_t start = pk->offset - pk->offset % k->page, len;

	if (s->map_addr && s->map_file == f && pk->offset >= s->map_start &&
	    pk->offset + pk->size <= s->map_start + s->map_len)
		return (const uint8_t *)s->map_addr + (pk->offset - s->map_start);
	unmap_packet(s);
	len = pk->offset - start + pk->size;
	if (len < k->window)
		len = f->len - start < k->window ? f->len - start : k->window;
	s->map_addr = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
			   f->fd, (off_t)start);
	if (s->map_addr == MAP_FAILED && len > pk->offset - start + pk->size) {
		/* No room for a window (an address-space limit): the packet. */
		len = pk->offset - start + pk->size;
		s->map_addr = mmap(NULL, (size_t)len, PROT_READ,
				   MAP_PRIVATE | MAP_POPULATE, f->fd, (off_t)start);
	}
	if (s->map_addr == MAP_FAILED) {
		s->map_addr = NULL;
		return NULL;
	}
	s->map_len = (size_t)len;
	s->map_start = start;
	s->map_file = f;
	return (const uint8_t *)s->map_addr + (pk->offset - start);
}

static const uint8_t *map_packet(const lsync_skim *k, stream *s, const sfile *f,
				 const pkt *pk)
{
	uint64_t start = pk->offset - pk->offset % k->page;

	if (k->window)
		return map_window(k, s, f, pk);
	if (s->mapped != pk) {
		unmap_packet(s);
		s->map_len = (size_t)(pk->offset - start + pk->size);
		s->map_addr = mmap(NULL, s->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				   f->fd, (off_t)start);
		if (s->map_addr == MAP_FAILED) {
			s->map_addr = NULL;
			return NULL;
		}
		s->mapped = pk;
	}
	return (const uint8_t *)s->map_addr + (pk->offset - start);
}

/* A field of fixed size (or none) from bit *pos, skipped as walk()
 * skips it; false when it passes end. */
static inline bool skip_fixed(const lsync_ctf_type *t, uint64_t *pos, uint64_t end)
{
	uint64_t p;

	if (!t)
		return true;
	p = align_up(*pos, t->align);
	if (p > end || t->bits > end - p)
		return false;
	*pos = p + t->bits;
	return true;
}

/* An event's header as quiet_events() read it. */
typedef struct read_hdr {
	uint64_t end;            /* where it ends (bits) */
	uint64_t clock;          /* the stream's clock after it */
	uint64_t id;
} read_hdr;

/*
 * Quiet events (ec->quiet) from w->c.pos whose header plan h is fast and
 * whose stream class's event context is of fixed size or none: recorded
 * as decode_chunk() records them, from locals, until an event that is
 * not quiet or not whole, the chunk's capacity, or the content's end.
 * decode_chunk() then takes that event, from where it starts; true when
 * its header was read (*hdr: as read_header() would read it).
 */
static bool quiet_events(const hdr_plan *h, const lsync_ctf_stream_class *sc,
			 walker *w, dpos *d, chunk *c, read_hdr *hdr)
{
	const uint8_t *buf = w->c.buf;
	uint64_t pos = w->c.pos, end = w->c.end, clock = d->clock;
	uint64_t last_byte; /* of a header's start whose bytes are all in the file */
	uint32_t n = c->n_ev;
	bool got = false;

	if (c->n_net == c->cap_net || w->c.avail < h->max_byte + 8)
		return false;
	last_byte = w->c.avail - h->max_byte - 8;
	while (pos < end && n < c->cap_ev) {
		uint64_t at = align_up(pos, h->align), next, id, when = clock;
		const uint8_t *base = buf + at / 8;
		const lsync_ctf_event_class *ec;
		const hdr_option *o;
		int opt;

		if (at > end || at / 8 > last_byte)
			break;
		id = hdr_get(base, &h->id_at);
		opt = h->by_tag[id];
		if (opt < 0 || h->opt[opt].bits > end - at)
			break;
		o = &h->opt[opt];
		id = hdr_fields(base, o, id, &when);
		next = at + o->bits;
		if (id >= sc->by_id_len || !(ec = sc->by_id[id]) || !ec->quiet ||
		    !skip_fixed(sc->event_context, &next, end) ||
		    !skip_fixed(ec->context, &next, end) || !skip_fixed(ec->payload, &next, end)) {
			hdr->end = at + o->bits;
			hdr->clock = when;
			hdr->id = id;
			got = true;
			break;
		}
		c->ev[n].when = when;
		c->ev[n].net = 0;
		n++;
		clock = when;
		pos = next;
	}
	w->c.pos = pos;
	d->clock = clock;
	c->n_ev = n;
	return got;
}

/*
 * Up to c->cap_ev events (c->cap_net network ones) of packet d->pk of
 * stream s from bit d->at (its first event when 0), into c; d->at and
 * d->clock are left after them. c->last: the packet is done (or failed).
 * `dry`: events are read and checked, nothing recorded.
 */
static void decode_chunk(const lsync_skim *k, stream *s, walker *w, dpos *d, bool dry,
			 chunk *c)
{
	const pkt *pk = d->pk;
	const lsync_ctf_stream_class *sc = pk->sc;
	const lsync_ctf_clock *clock = &k->tr->clocks[sc->clock];
	const hdr_plan *hp = &k->hdr[sc - k->tr->streams];
	read_hdr hdr;
	bool quick, got;

	c->f = d->f;
	c->pk = pk;
	c->first = d->at == 0;
	c->last = false;
	c->n_ev = c->n_net = 0;
	c->status = LTTSYNC_OK;
	c->phase = 0;
	w->force = false;
	if (!(w->c.buf = map_packet(k, s, d->f, pk))) {
		chunk_fail(c, 0, lsync_decode_fail(c->err, sizeof(c->err), LTTSYNC_ERROR_IO,
						   "%s: cannot map the packet at offset %" PRIu64
						   ": %s", d->f->path, pk->offset, strerror(errno)));
		return;
	}
	w->c.end = pk->content;
	w->c.avail = pk->size;
	w->clock = &d->clock;
	if (d->at == 0) {
		d->at = pk->body;
		if (pk->has_begin)
			d->clock = pk->ts_begin;
	}
	/* What the walk stores starts afresh with each chunk: decoding one
	 * depends on its bytes only, whichever thread decodes it. */
	memset(w->slots, 0, w->slots_used * sizeof(w->slots[0]));
	w->slots_used = 0;
	w->c.pos = d->at;
	quick = !dry && hp->ok && hp->fast && k->plans && fixed_or_none(sc->event_context);
	while (w->c.pos < w->c.end) {
		const lsync_ctf_event_class *ec = NULL;
		uint64_t when;

		got = quick && quiet_events(hp, sc, w, d, c, &hdr);
		if (w->c.pos >= w->c.end)
			break;
		if (!dry && (c->n_ev == c->cap_ev || c->n_net == c->cap_net))
			break;
		w->budget = WALK_BUDGET;
		w->id_set = false;
		if (got) {
			w->c.pos = hdr.end;
			d->clock = hdr.clock;
			w->id = hdr.id;
			w->id_set = true;
		} else if (hp->ok) {
			if (!read_header(hp, hp->fast && k->plans, &w->c, &d->clock, &w->id,
					 &w->id_set))
				return corrupt(c, 0, w->c.pos, "truncated event header");
		} else {
			w->mode = W_HEADER;
			w->depth = 0;
			if (!walk(w, sc->event_header, NULL, -2, -1, 0))
				return corrupt(c, 0, w->c.pos, "truncated event header");
		}
		when = d->clock;
		if (w->id_set) {
			if (w->id < sc->by_id_len)
				ec = sc->by_id[w->id];
		} else if (sc->n_events == 1) {
			ec = sc->events;
		}
		if (!ec)
			return corrupt(c, 0, w->c.pos, "unknown event class");
		w->mode = W_SKIP;
		w->depth = 0;
		if ((sc->event_context && !walk(w, sc->event_context, NULL, -2, -1, 0)) ||
		    (ec->context && (w->depth = 0, !walk(w, ec->context, NULL, -2, -1, 0))))
			return corrupt(c, 0, w->c.pos, "truncated event context");
		if (dry) {
			if (ec->payload && !walk(w, ec->payload, NULL, -2, -1, 0))
				return corrupt(c, 0, w->c.pos, payload_error(w));
			continue;
		}
		w->depth = 0;
		c->ev[c->n_ev].when = when;
		c->ev[c->n_ev].net = 0;
		if (ec->kind.layout != LSYNC_LAYOUT_NONE) {
			if (!decode_network(k, w, ec, clock, when, &c->net[c->n_net]))
				return corrupt(c, 2, w->c.pos, payload_error(w));
			c->ev[c->n_ev].net = ++c->n_net;
		} else if (ec->payload && ec->payload->fixed && w->budget) {
			/* What walk() does with it, inline: most payloads. */
			const lsync_ctf_type *t = ec->payload;

			w->c.pos = align_up(w->c.pos, t->align);
			if (w->c.pos > w->c.end || t->bits > w->c.end - w->c.pos)
				return corrupt(c, 1, w->c.pos, payload_error(w));
			w->c.pos += t->bits;
		} else if (ec->payload && !walk(w, ec->payload, NULL, -2, -1, 0)) {
			return corrupt(c, 1, w->c.pos, payload_error(w));
		}
		c->n_ev++;
	}
	d->at = w->c.pos;
	if (w->c.pos > w->c.end)
		return corrupt(c, 0, w->c.pos, "event beyond the content");
	if (w->c.pos == w->c.end)
		c->last = true;
}

/* ---- decoding ahead: the stream's next chunk ---------------------------------- */

/*
 * Decode stream s's next chunk into c (its decoding state moves on).
 * false: the stream has nothing more. The caller then marks it done
 * (ddone, under the pool's lock), as after a chunk that failed.
 */
static bool decode_next(const lsync_skim *k, stream *s, walker *w, chunk *c)
{
	if (s->dpos.at == 0) {
		while (s->dcur && s->dnext == s->dcur->n_pkts) {
			s->dcur = s->dcur->next_in_group;
			s->dnext = 0;
		}
		if (!s->dcur) {
			unmap_packet(s); /* its bytes are no longer needed */
			return false;
		}
		s->dpos.f = s->dcur;
		s->dpos.pk = &s->dcur->pkts[s->dnext];
	}
	decode_chunk(k, s, w, &s->dpos, false, c);
	if (!c->status && c->last) {
		s->dnext++;
		s->dpos.at = 0;
	}
	return true;
}

/* After decoding into c (got: a chunk came), under the pool's lock. */
static void decoded(stream *s, const chunk *c, bool got)
{
	if (!c)
		s->ddone = s->nomem = true;
	else if (!got || c->status)
		s->ddone = true;
	if (got)
		s->count++;
}

static void chunk_free(chunk *c)
{
	if (c) {
		free(c->ev);
		free(c->net);
		free(c);
	}
}

static chunk *chunk_new(uint32_t cap_ev, uint32_t cap_net)
{
	chunk *c = calloc(1, sizeof(*c));

	if (c) {
		c->cap_ev = cap_ev;
		c->cap_net = cap_net;
		c->ev = malloc(cap_ev * sizeof(*c->ev));
		c->net = malloc(cap_net * sizeof(*c->net));
	}
	if (c && (!c->ev || !c->net)) {
		chunk_free(c);
		c = NULL;
	}
	return c;
}

/* The chunk of slot `slot` of s's ring, allocated at first use. */
static chunk *slot_chunk(const lsync_skim *k, stream *s, unsigned slot)
{
	if (!s->ring[slot])
		s->ring[slot] = k->pool ? chunk_new(POOL_CHUNK_EVENTS, POOL_CHUNK_NETS)
					: chunk_new(CHUNK_EVENTS, CHUNK_NETS);
	return s->ring[slot];
}

struct lsync_skim_pool {
	pthread_mutex_t mu;
	pthread_cond_t work;      /* a chunk was taken: room to decode ahead */
	pthread_cond_t ready;     /* a chunk was decoded, or a stream let go */
	lsync_skim *skims;        /* attached, chained by next_in_pool */
	pthread_t *threads;
	unsigned n_threads;
	bool quit;
};

/* A stream of an attached trace with room ahead and no thread on it. */
static bool find_work(lsync_skim_pool *p, lsync_skim **ko, stream **so)
{
	stream *best = NULL;
	lsync_skim *bk = NULL;

	for (lsync_skim *k = p->skims; k; k = k->next_in_pool)
		for (size_t i = 0; i < k->n_streams; i++) {
			stream *s = &k->streams[i];

			if (s->claimed || s->ddone || s->count == RING)
				continue;
			if (!best || s->count < best->count) {
				best = s;
				bk = k;
			}
		}
	*ko = bk;
	*so = best;
	return best != NULL;
}

/*
 * The calling thread decodes a chunk as small as without threads: it
 * also hands the records out (and matches them), which the other threads
 * wait on; they decode the rest of the packet.
 */
static bool decode_small(const lsync_skim *k, stream *s, walker *w, chunk *c)
{
	uint32_t cap_ev = c->cap_ev, cap_net = c->cap_net;
	bool got;

	c->cap_ev = cap_ev < CHUNK_EVENTS ? cap_ev : CHUNK_EVENTS;
	c->cap_net = cap_net < CHUNK_NETS ? cap_net : CHUNK_NETS;
	got = decode_next(k, s, w, c);
	c->cap_ev = cap_ev;
	c->cap_net = cap_net;
	return got;
}

/* Decode stream s of k's next chunk, as a thread of the pool or, small,
 * as the calling thread; the pool's lock is held on entry and exit. */
static void decode_for(lsync_skim_pool *p, lsync_skim *k, stream *s, walker *w,
		       bool small)
{
	chunk *c;
	bool got;

	s->claimed = true;
	c = slot_chunk(k, s, (s->head + s->count) % RING);
	pthread_mutex_unlock(&p->mu);
	got = c && (small ? decode_small(k, s, w, c) : decode_next(k, s, w, c));
	pthread_mutex_lock(&p->mu);
	decoded(s, c, got);
	s->claimed = false;
	pthread_cond_broadcast(&p->ready);
}

static void *pool_thread(void *arg)
{
	lsync_skim_pool *p = arg;
	walker *w = walker_new();

	pthread_mutex_lock(&p->mu);
	while (!p->quit) {
		lsync_skim *k;
		stream *s;

		if (!w || !find_work(p, &k, &s)) {
			pthread_cond_wait(&p->work, &p->mu);
			continue;
		}
		decode_for(p, k, s, w, false);
	}
	pthread_mutex_unlock(&p->mu);
	free(w);
	return NULL;
}

lsync_skim_pool *lsync_skim_pool_new(unsigned threads)
{
	lsync_skim_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->threads = calloc(threads ? threads : 1, sizeof(*p->threads));
	for (unsigned i = 0; p->threads && i < threads; i++) {
		if (pthread_create(&p->threads[p->n_threads], NULL, pool_thread, p) != 0)
			break;
		p->n_threads++;
	}
	return p;
}

void lsync_skim_pool_free(lsync_skim_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->mu);
	free(p->threads);
	free(p);
}

void lsync_skim_attach(lsync_skim *k, lsync_skim_pool *p)
{
	if (!p || !p->n_threads || k->pool)
		return;
	pthread_mutex_lock(&p->mu);
	k->pool = p;
	k->next_in_pool = p->skims;
	p->skims = k;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* No thread works on k any more. */
static void detach(lsync_skim *k)
{
	lsync_skim_pool *p = k->pool;
	bool busy;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	for (lsync_skim **at = &p->skims; *at; at = &(*at)->next_in_pool)
		if (*at == k) {
			*at = k->next_in_pool;
			break;
		}
	do {
		busy = false;
		for (size_t i = 0; i < k->n_streams; i++)
			busy |= k->streams[i].claimed;
		if (busy)
			pthread_cond_wait(&p->ready, &p->mu);
	} while (busy);
	pthread_mutex_unlock(&p->mu);
	k->pool = NULL;
}

/*
 * The chunk stream s replays now: the one at the head of its ring,
 * decoded here when no thread has (or is at) it. NULL: nothing more;
 * *nomem when that is for want of memory.
 */
static chunk *head_chunk(lsync_skim *k, stream *s)
{
	lsync_skim_pool *p = k->pool;
	chunk *c = NULL;
	bool got;

	if (!p) {
		if (!s->count && !s->ddone) {
			c = slot_chunk(k, s, s->head);
			decoded(s, c, c && decode_next(k, s, k->w, c));
		}
		return s->count ? s->ring[s->head] : NULL;
	}
	pthread_mutex_lock(&p->mu);
	while (!s->count && !s->ddone) {
		if (s->claimed) {
			/* A thread decodes it: meanwhile, decode ahead
			 * elsewhere rather than wait. */
			lsync_skim *k2;
			stream *s2;

			if (find_work(p, &k2, &s2))
				decode_for(p, k2, s2, k->w, true);
			else
				pthread_cond_wait(&p->ready, &p->mu);
			continue;
		}
		s->claimed = true;
		c = slot_chunk(k, s, s->head);
		pthread_mutex_unlock(&p->mu);
		got = c && decode_small(k, s, k->w, c);
		pthread_mutex_lock(&p->mu);
		decoded(s, c, got);
		s->claimed = false;
		pthread_cond_broadcast(&p->ready);
	}
	c = s->count ? s->ring[s->head] : NULL;
	pthread_mutex_unlock(&p->mu);
	return c;
}

/* Stream s is done with the chunk at the head of its ring. */
static void release_head(lsync_skim *k, stream *s)
{
	lsync_skim_pool *p = k->pool;

	if (p)
		pthread_mutex_lock(&p->mu);
	s->head = (s->head + 1) % RING;
	s->count--;
	s->idx = 0;
	if (p) {
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->mu);
	}
}

/* ---- reading events: replaying --------------------------------------------------- */

static void count_event(lsync_skim *k)
{
	k->stats->events++;
	if ((k->stats->events & (PROGRESS_EVERY - 1)) == 0 && k->cb->progress)
		k->cb->progress(k->cb->user, k->stats->events);
}

static void replay_network(lsync_skim *k, stream *s, const dnet *n)
{
	lttsync_packet p;

	k->stats->network_events++;
	k->by_plans += n->by_plan;
	count_result(k->stats, (lsync_field_result)n->r);
	if (n->r != LSYNC_FIELDS_PACKET)
		return;
	s->last_ns = n->p.timestamp_ns;
	if (!n->addons) {
		emit(k, &n->p);
		return;
	}
	p = n->p; /* its flags are set from the raw ones */
	addons_add(k, &p, n->raw);
}

/* No chunk where one was due: the stream is done, or memory ran out. */
static int out_of_memory(lsync_skim *k, const stream *s)
{
	if (!s->nomem)
		return LTTSYNC_OK;
	return lsync_decode_fail(k->err, sizeof(k->err), LTTSYNC_ERROR_NO_MEMORY,
				 "%s: out of memory", k->path);
}

/*
 * Events of chunk c from s->idx that hand out nothing and end nothing
 * (not network events, not past until_value, not counted where a
 * progress call is due), counted at once: most events.
 */
static void skip_quiet(lsync_skim *k, stream *s, const chunk *c, uint64_t until_value)
{
	const drec *ev = c->ev;
	uint32_t i = s->idx, end = c->n_ev;
	uint64_t before_call = PROGRESS_EVERY - 1 - (k->stats->events & (PROGRESS_EVERY - 1));

	if (k->cb->progress && end - i > before_call)
		end = i + (uint32_t)before_call;
	while (i < end && !ev[i].net && ev[i].when <= until_value)
		i++;
	if (i == s->idx)
		return;
	k->stats->events += i - s->idx;
	s->clock = ev[i - 1].when;
	s->idx = i;
}

/*
 * Events of stream s's packet from where it is, up to and including the
 * first one past until_ns, and at most to the packet's end: one step.
 * *pk_out: the packet (NULL: the stream is done).
 */
static int replay(lsync_skim *k, stream *s, int64_t until_ns, const pkt **pk_out)
{
	chunk *c = head_chunk(k, s);
	const pkt *pk;
	const lsync_ctf_clock *clock;
	uint64_t until_value;
	bool slow_until = false;
	int64_t ns;

	if (!c)
		return out_of_memory(k, s);
	pk = c->pk;
	*pk_out = pk;
	clock = &k->tr->clocks[pk->sc->clock];
	/* until_ns as a clock value, where the conversion is exact. */
	if (until_ns == INT64_MAX) {
		until_value = UINT64_MAX;
	} else if (clock->freq == 1000000000 && !clock->base_overflows) {
		until_value = until_ns < clock->base_ns ? 0
			: (uint64_t)until_ns - (uint64_t)clock->base_ns;
	} else {
		until_value = 0; /* checked per event below */
		slow_until = true;
	}
	if (!s->in_packet) {
		s->in_packet = true;
		if (pk->has_begin)
			s->clock = pk->ts_begin;
	}
	for (;;) {
		const drec *ev;

		if (s->idx == c->n_ev && !c->status) {
			if (c->last) {
				release_head(k, s);
				s->in_packet = false;
				return LTTSYNC_OK;
			}
			release_head(k, s);
			if (!(c = head_chunk(k, s)))
				return out_of_memory(k, s);
			continue;
		}
		if (k->stop)
			return LTTSYNC_OK;
		if (s->idx == c->n_ev) {
			/* The event the chunk failed at, counted as far as it was. */
			if (c->phase >= 1)
				count_event(k);
			if (c->phase == 2)
				k->stats->network_events++;
			snprintf(k->err, sizeof(k->err), "%s", c->err);
			return c->status;
		}
		if (!slow_until) {
			skip_quiet(k, s, c, until_value);
			if (s->idx == c->n_ev)
				continue;
		}
		ev = &c->ev[s->idx++];
		s->clock = ev->when;
		count_event(k);
		if (ev->net)
			replay_network(k, s, &c->net[ev->net - 1]);
		if (slow_until ? clock_ns(clock, ev->when, &ns) && ns > until_ns
			       : ev->when > until_value)
			return LTTSYNC_OK;
	}
}

/* ---- the decoder interface --------------------------------------------------- */

/*
 * babeltrace2 2.0 reads the last packet of every stream of an LTTng
 * trace before its first event (to correct old tracers' packet end
 * times): a corrupt last packet fails the trace before any event. So
 * do we, for the same traces.
 */
static int check_last_packets(lsync_skim *k)
{
	walker *w;
	chunk *c;
	int st = LTTSYNC_OK;

	if (!k->tr->lttng)
		return LTTSYNC_OK;
	w = walker_new();
	c = chunk_new(1, 1); /* dry: nothing recorded */
	if (!w || !c) {
		free(w);
		chunk_free(c);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	for (size_t i = 0; i < k->n_streams && !st; i++) {
		stream *s = &k->streams[i];
		sfile *last = s->files;
		dpos d = { 0 };

		while (last->next_in_group)
			last = last->next_in_group;
		if (!last->n_pkts)
			continue;
		d.f = last;
		d.pk = &last->pkts[last->n_pkts - 1];
		do
			decode_chunk(k, s, w, &d, true, c);
		while (!c->last);
		if ((st = c->status))
			snprintf(k->err, sizeof(k->err), "%s", c->err);
	}
	chunk_free(c);
	free(w);
	return st;
}

static void skim_free(lsync_skim *k);

/* A reader of the trace at path, nothing read yet; NULL if out of memory. */
static lsync_skim *skim_new(const char *path, const lsync_decode_callbacks *cb,
			    lsync_decode_stats *stats)
{
	lsync_skim *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->cb = cb;
	k->plans = true;
	k->page = (size_t)sysconf(_SC_PAGESIZE);
	k->stats = stats ? stats : &k->local;
	memset(k->stats, 0, sizeof(*k->stats));
	if (!(k->path = strdup(path))) {
		free(k);
		return NULL;
	}
	return k;
}

/*
 * What opening does before it hands anything out where it may decline
 * the trace (or fail it): the metadata, the index of the stream files'
 * packets. The check of the last packets that follows (open) fails or
 * passes a trace our reader reads; it never declines one.
 */
static int skim_prepare(lsync_skim *k)
{
	int st = lsync_ctf_meta_load(&k->tr, k->path, k->err, sizeof(k->err));

	if (st == LTTSYNC_OK)
		st = check_trace(k);
	if (st == LTTSYNC_OK)
		st = open_files(k);
	if (st == LTTSYNC_OK)
		st = group_streams(k);
	if (st == LTTSYNC_OK && k->n_streams) {
		k->window = WINDOWS_BYTES / k->n_streams;
		k->window = k->window > WINDOW_MAX ? WINDOW_MAX : k->window - k->window % k->page;
		if (k->window < WINDOW_MIN)
			k->window = 0;
	}
	return st;
}

/* Why opening failed or declined (st), into err if given. */
static void why_not(const lsync_skim *k, int st, char *err, size_t err_size)
{
	if (err && err_size)
		snprintf(err, err_size, "%s", k->err[0] ? k->err
			 : lttsync_status_string((lttsync_status)st));
}

int lsync_skim_open(lsync_skim **out, const char *path,
		    const lsync_decode_callbacks *cb, lsync_decode_stats *stats,
		    char *err, size_t err_size)
{
	lsync_skim *k = skim_new(path, cb, stats);
	int st;

	*out = NULL;
	if (!k)
		return LTTSYNC_ERROR_NO_MEMORY;
	st = skim_prepare(k);
	if (st == LTTSYNC_OK)
		st = check_last_packets(k);
	if (st != LTTSYNC_OK) {
		why_not(k, st, err, err_size);
		/* Nothing was handed out: no callback is called. */
		skim_free(k);
		if (stats) {
			memset(stats, 0, sizeof(*stats));
			if (st != LSYNC_CTF_DECLINED)
				stats->reader = LTTSYNC_READER_AUTO;
		}
		return st;
	}
	k->stats->reader = LTTSYNC_READER_AUTO;
	k->w = walker_new();
	if (!k->w) {
		skim_free(k);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	*out = k;
	return LTTSYNC_OK;
}

int lsync_skim_check(const char *path, uint32_t *files, char *err,
		     size_t err_size)
{
	lsync_skim *k = skim_new(path, NULL, NULL);
	int st;

	*files = 0;
	if (!k)
		return LTTSYNC_ERROR_NO_MEMORY;
	st = skim_prepare(k);
	*files = k->n_files < UINT32_MAX ? (uint32_t)k->n_files : UINT32_MAX;
	if (st != LTTSYNC_OK)
		why_not(k, st, err, err_size);
	skim_free(k);
	return st;
}

/* How far stream s may read in this step (ns): see STEP_NS. */
static int64_t step_limit(const lsync_skim *k, const stream *s)
{
	int64_t next = INT64_MAX, base;

	if (s->last_ns == INT64_MIN)
		return INT64_MIN; /* not started: one event sets its clock */
	for (size_t i = 0; i < k->n_streams; i++)
		if (&k->streams[i] != s && !k->streams[i].done &&
		    k->streams[i].last_ns < next)
			next = k->streams[i].last_ns;
	base = next != INT64_MAX && next > s->last_ns ? next : s->last_ns;
	return base > INT64_MAX - STEP_NS ? INT64_MAX : base + STEP_NS;
}

/* The position of the trace: the oldest last time of a running stream. */
static int64_t position_of(const lsync_skim *k)
{
	int64_t pos = INT64_MAX;

	for (size_t i = 0; i < k->n_streams; i++)
		if (!k->streams[i].done && k->streams[i].last_ns < pos)
			pos = k->streams[i].last_ns;
	return pos;
}

bool lsync_skim_step(lsync_skim *k, int64_t *position)
{
	stream *s = NULL;
	const pkt *pk = NULL;
	int64_t ns;
	int st;

	begin(k);
	for (size_t i = 0; i < k->n_streams; i++)
		if (!k->streams[i].done && (!s || k->streams[i].last_ns < s->last_ns))
			s = &k->streams[i];
	if (!s || k->stop || k->status) {
		*position = INT64_MAX;
		return false;
	}
	st = replay(k, s, step_limit(k, s), &pk);
	if (st) {
		k->status = (lttsync_status)st;
		*position = INT64_MAX;
		return false;
	}
	if (!pk) {
		s->done = true;
		*position = position_of(k);
		return true;
	}
	/* Where the stream is: its clock (a later event is not older). */
	if (clock_ns(&k->tr->clocks[pk->sc->clock], s->clock, &ns) && ns > s->last_ns)
		s->last_ns = ns;
	*position = position_of(k);
	return true;
}

static void skim_free(lsync_skim *k)
{
	detach(k);
	for (size_t i = 0; i < k->n_streams; i++) {
		unmap_packet(&k->streams[i]);
		for (unsigned j = 0; j < RING; j++)
			chunk_free(k->streams[i].ring[j]);
	}
	for (size_t i = 0; i < k->n_files; i++) {
		if (k->files[i].fd >= 0)
			close(k->files[i].fd);
		free(k->files[i].pkts);
		free(k->files[i].path);
	}
	free(k->files);
	free(k->streams);
	if (k->tr)
		for (unsigned i = 0; i < k->tr->n_streams; i++) {
			free(k->tr->streams[i].by_id);
			for (lsync_ctf_event_class *ec = k->tr->streams[i].events; ec; ec = ec->next) {
				lsync_net_plan_free(ec->plan);
				ec->plan = NULL;
			}
		}
	lsync_ctf_meta_free(k->tr);
	free(k->held);
	free(k->path);
	free(k->w);
	free(k->ibuf);
	free(k);
}

lttsync_status lsync_skim_close(lsync_skim *k, char *err, size_t err_size)
{
	lttsync_status st = k->status;

	if (!k->stop) {
		begin(k);
		if (k->n_held)
			addons_flush(k);
	}
	if (k->stop && (st == LTTSYNC_OK || st == LTTSYNC_ERROR_FORMAT))
		st = lsync_decode_fail(k->err, sizeof(k->err), (lttsync_status)k->stop,
				       "%s: reading stopped: %s", k->path,
				       k->stop == LTTSYNC_ERROR_NO_MEMORY ? "out of memory"
									  : "by a callback");
	if (err && err_size)
		snprintf(err, err_size, "%s", st ? k->err : "");
	skim_free(k);
	return st;
}

void lsync_skim_set_plans(lsync_skim *k, bool on)
{
	k->plans = on;
}

uint64_t lsync_skim_plan_events(const lsync_skim *k)
{
	return k->by_plans;
}

void lsync_skim_abandon(lsync_skim *k, lttsync_status why)
{
	k->status = why;
	k->stop = why;
	lsync_skim_close(k, NULL, 0);
}
