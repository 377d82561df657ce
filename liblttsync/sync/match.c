/* SPDX-License-Identifier: MIT */
/*
 * Matching packet events into messages: the pending table of match.h.
 *
 * Layout. Each pending key lives in one 56-byte entry taken from a pool
 * of fixed-size chunks, so entries never move (the index points at them)
 * and cost no per-allocation malloc header. The entries are linked by
 * 32-bit pool indices into a FIFO, oldest first, which is all the cap
 * needs: entries only ever leave the table from its head.
 *
 * Index. A table specialised for the 72-bit key (a generic table costs a
 * pointer chase and two callbacks per probe, and lookups dominate
 * matching), built so that the random memory it touches per new key is
 * one cache line of a small array. Its buckets are 64-byte lines of 31
 * 16-bit tags (bits of the seeded hash; 0 marks a free slot) and an
 * `over` count; the pool index of each slot is in a separate array, read
 * only when a tag matches (a new key matches a stray tag with
 * probability about 24/65535 per bucket). A key lives in the first bucket
 * with a free slot from its home bucket on; `over` counts the live keys
 * that passed a bucket because it was full, so a search stops at the
 * first bucket with over == 0. An entry records its slot, so retiring
 * it clears one tag and decrements the `over` of the buckets it passed
 * (none, nearly always): no probe and no backward shift. The table is
 * sized for at most 24 keys per bucket on average, growing by doubling
 * but never past what the cap needs. Random reads cost 20-35 ns within
 * about 2 MiB on the project's VM and 90-300 ns beyond, so the tags of
 * the default cap (2.7 MiB) are what a new key waits for.
 *
 * Second events of a key mostly come within a few events of the first:
 * a 4096-entry cache of the recently inserted keys (hash and pool index,
 * checked against the entry, which must be live) finds them without
 * touching the index.
 *
 * Memory per pending entry: 56 of entry plus 64 + 128 bytes per bucket of
 * at least 12 and at most 24 entries, i.e. 64 to 72 bytes; 64 at the
 * default cap of 2^20 (43,691 buckets: 2.7 MiB of tags, 5.3 MiB of pool
 * indices), i.e. about 64 MiB. The pool keeps its peak size until the
 * matcher is freed; the peak is bounded by the cap, rounded up by less
 * than 2 MiB once the pool takes huge-page slabs (pool_reserve()).
 *
 * Addresses. Only the first event's addresses are kept: a key's second
 * event is either of the same direction (the key turns ambiguous and the
 * addresses no longer matter) or the opposite one, which is compared with
 * the first on arrival. IPv4 addresses are kept exactly (src << 32 | dst);
 * an IPv6 pair is reduced to a seeded 64-bit fingerprint, so two distinct
 * IPv6 flows are mistaken for one with probability about 2^-64.
 *
 * Detail. While detail is on (the session keeps messages), each new key
 * also records the traces of its events and its full addresses, in
 * 48-byte records beside the pool (same index), allocated a chunk at a
 * time: matching without it neither pays for nor touches them.
 *
 * Every allocation is checked and reported as LTTSYNC_ERROR_NO_MEMORY
 * with the matcher unchanged: growth happens before anything else moves.
 */
#include "match.h"
#include "big_alloc.h"
#include "tombstones.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum {
	ST_AMBIGUOUS = 1 << 0, /* events dropped from now on */
	ST_USED = 1 << 1,      /* handed to the sink */
	ST_LOOPBACK = 1 << 2,  /* counted in `loopback` */
	ST_MISMATCH = 1 << 3,  /* counted in `flow_mismatch` */
	ST_PORTS = 1 << 4,     /* the first event carried ports */
	ST_FREE = 1 << 5,      /* in the free list, not in the table */
	ST_DETAIL = 1 << 7,    /* its detail is recorded (struct detail) */
};

#define COUNT_MAX 15u /* the 4-bit event counts saturate here */

struct lsync_entry {
	int64_t send_ns;       /* first send */
	int64_t recv_ns;       /* first receive */
	uint64_t flow;         /* first event's addresses, see flow_value() */
	uint32_t seq;          /* key */
	uint32_t ack_seq;      /* key */
	uint32_t slot;         /* position in the index, see index_put() */
	uint32_t send_host;    /* first send */
	uint32_t recv_host;    /* first receive */
	uint32_t next;         /* FIFO or free-list link (pool index) */
	uint16_t src_port;     /* first event's, valid with ST_PORTS */
	uint16_t dst_port;
	uint8_t tcp_flags;     /* key */
	uint8_t family;        /* first event's */
	uint8_t nsend : 4;     /* sends seen, saturating */
	uint8_t nrecv : 4;     /* receives seen, saturating */
	uint8_t state;         /* ST_* */
};

_Static_assert(sizeof(struct lsync_entry) == 56, "keep entries small");

#define NIL UINT32_MAX
#define CHUNK_SHIFT 10
#define CHUNK_LEN ((uint32_t)1 << CHUNK_SHIFT)
/* Indices must stay below NIL. */
#define MAX_CHUNKS (((uint32_t)1 << (32 - CHUNK_SHIFT)) - 1)

struct entry_pool {
	struct lsync_entry **chunks;
	uint32_t nchunks;   /* chunks allocated */
	uint32_t chunk_cap; /* room in chunks[] */
	uint32_t fresh;     /* first never-used index */
	uint32_t free_head; /* entries given back, linked by `next` */
};

/*
 * What a key's events tell about where its match came from, beyond the
 * entry (match.h, lsync_match_detail): kept beside the pool, chunk for
 * chunk, only while detail is on, so that entries stay small otherwise.
 */
struct detail {
	uint32_t send_trace, recv_trace;
	uint16_t src_port, dst_port;
	uint8_t family, has_ports, reserved[2];
	uint8_t src_addr[16], dst_addr[16];
};

_Static_assert(sizeof(struct detail) == LSYNC_MATCH_DETAIL_BYTES,
	       "counted by the session's memory limit");

/* The index's small half: the tags of a bucket's 31 slots (0: free),
 * and how many keys passed this bucket because it was full. */
#define BUCKET_SLOTS 31
#define BUCKET_STRIDE 32 /* slot positions per bucket (one unused) */
#define BUCKET_LOAD 24   /* keys per bucket at most, on average */
#define MAX_BUCKETS ((size_t)1 << 27) /* slot positions fit 32 bits */

struct tag_bucket {
	uint16_t tag[BUCKET_SLOTS];
	uint16_t over;
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct tag_bucket) == 64, "one cache line");

/* The recently inserted keys, by hash: most second events of a key come
 * soon after its first, and find it here without touching the index. */
#define RECENT_LEN 4096u

struct recent {
	uint32_t hash_hi; /* the hash's high half */
	uint32_t idx;     /* pool index, NIL: none (checked against the entry) */
};

struct lsync_matcher {
	struct recent recent[RECENT_LEN];
	struct tag_bucket *tags; /* the index, see the file comment */
	uint32_t *slot_idx;      /* pool index of each slot position */
	uint32_t nbuckets;       /* 0 before the first key */
	struct entry_pool pool;
	uint32_t head;     /* oldest entry */
	uint32_t tail;     /* newest entry */
	size_t count;      /* entries in the table */
	size_t ready;      /* complete entries not yet handed to the sink */
	size_t max_pending;
	uint64_t key_seed;
	uint64_t key_seed2;
	uint64_t flow_seed;
	lsync_match_counters counters;
	lsync_match_sample newest; /* the newest complete match */
	lsync_tombs tombs;         /* keys retired unmatched */
	bool detail;               /* record struct detail for new keys */
	struct detail **dchunks;   /* per pool chunk, NULL until needed */
	uint32_t dchunk_cap;
	lsync_match_detail hand;   /* the match being handed, with detail on */
};

/* ---- hashing ---------------------------------------------------------- */

/* A 64-bit finalizer (xor-shift-multiply rounds): every input bit
 * reaches every output bit, and it is a bijection. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 31;
	x *= UINT64_C(0x7fb5d329728ea185);
	x ^= x >> 27;
	x *= UINT64_C(0x81dadef4bc2dd44d);
	x ^= x >> 33;
	return x;
}

/*
 * One keyed 64x64->128-bit multiply, folded (as in wyhash): both factors
 * depend on the secret seeds, so that bucket collisions do too and
 * someone crafting traffic cannot aim many keys at one bucket. The high
 * half picks the bucket, the low byte is the tag.
 */
static uint64_t key_hash(const lsync_matcher *m, uint32_t seq,
			 uint32_t ack_seq, uint8_t tcp_flags)
{
	unsigned __int128 x =
		(unsigned __int128)((((uint64_t)seq << 32) | ack_seq) ^ m->key_seed) *
		(m->key_seed2 ^ tcp_flags);

	return (uint64_t)x ^ (uint64_t)(x >> 64);
}

/*
 * The key's hash for the filter of retired keys: the same fold as
 * key_hash() with fixed constants instead of the seeds, so that which keys
 * its false positives drop, and so the results, are the same in every
 * session given the same events in the same order, and so that its bits
 * do not follow the seeded bucket.
 */
static uint64_t tomb_hash(uint32_t seq, uint32_t ack_seq, uint8_t tcp_flags)
{
	unsigned __int128 x =
		(unsigned __int128)((((uint64_t)seq << 32) | ack_seq) ^
				    UINT64_C(0x9e3779b97f4a7c15)) *
		(UINT64_C(0xd6e8feb86659fd93) ^ tcp_flags);

	return (uint64_t)x ^ (uint64_t)(x >> 64);
}

static uint64_t entry_hash(const lsync_matcher *m, const struct lsync_entry *e)
{
	return key_hash(m, e->seq, e->ack_seq, e->tcp_flags);
}

static uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* What is kept of a packet's addresses (see the file comment). Only
 * compared between events of equal, non-zero family. */
static uint64_t flow_value(const lsync_matcher *m, const lttsync_packet *p)
{
	uint64_t h = m->flow_seed;

	if (p->family == 4)
		return ((uint64_t)load32(p->src_addr) << 32) |
		       load32(p->dst_addr);
	if (p->family != 6)
		return 0;
	for (int i = 0; i < 16; i += 8) {
		h = mix64(h ^ load64(p->src_addr + i)) + m->flow_seed;
		h = mix64(h ^ load64(p->dst_addr + i)) + m->flow_seed;
	}
	return h;
}

/* ---- entry pool ------------------------------------------------------- */

static struct lsync_entry *pool_at(const struct entry_pool *pl, uint32_t i)
{
	return &pl->chunks[i >> CHUNK_SHIFT][i & (CHUNK_LEN - 1)];
}

/* Room for one more chunk pointer. */
static bool pool_grow_index(struct entry_pool *pl)
{
	uint32_t cap;
	struct lsync_entry **chunks;

	if (pl->nchunks < pl->chunk_cap)
		return true;
	if (pl->chunk_cap >= MAX_CHUNKS)
		return false;
	cap = pl->chunk_cap ? pl->chunk_cap * 2 : 16;
	if (cap > MAX_CHUNKS)
		cap = MAX_CHUNKS;
	chunks = realloc(pl->chunks, (size_t)cap * sizeof(*chunks));
	if (!chunks)
		return false;
	pl->chunks = chunks;
	pl->chunk_cap = cap;
	return true;
}

/*
 * The first SMALL_CHUNKS chunks (2 MiB of entries) are allocated one by
 * one; later ones come SLAB_CHUNKS at a time from 2 MiB slabs advised to
 * use huge pages. Why: the first touch of each 4 KiB page costs 12-17 us
 * on the project's VM (a fault trapped by the hypervisor), and a pool of
 * 350,000 keys took 4,800 of them, the most of any part of a run; a huge
 * page takes one. Small pools stay small: a session with a low cap never
 * reaches a slab. Chunk c >= SMALL_CHUNKS lives in the slab that starts
 * at chunk SMALL_CHUNKS + k * SLAB_CHUNKS, k = (c - SMALL_CHUNKS) /
 * SLAB_CHUNKS, so slabs need no list of their own.
 */
#define CHUNK_BYTES ((size_t)CHUNK_LEN * sizeof(struct lsync_entry))
#define SLAB_CHUNKS ((uint32_t)(LSYNC_HUGE_PAGE / CHUNK_BYTES))
#define SMALL_CHUNKS SLAB_CHUNKS

static bool slab_start(uint32_t c)
{
	return c >= SMALL_CHUNKS && (c - SMALL_CHUNKS) % SLAB_CHUNKS == 0;
}

static struct lsync_entry *chunk_alloc(const struct entry_pool *pl, uint32_t c)
{
	if (c < SMALL_CHUNKS)
		return malloc(CHUNK_BYTES);
	if (slab_start(c))
		return lsync_big_alloc(LSYNC_HUGE_PAGE);
	return pl->chunks[c - 1] + CHUNK_LEN;
}

/*
 * Make sure pool_take() will succeed, before anything else changes: this
 * is the only allocation of a feed, so failing here leaves the matcher
 * as it was.
 */
static bool pool_reserve(struct entry_pool *pl)
{
	struct lsync_entry *chunk;

	if (pl->free_head != NIL || pl->fresh < pl->nchunks * CHUNK_LEN)
		return true;
	if (!pool_grow_index(pl))
		return false;
	chunk = chunk_alloc(pl, pl->nchunks);
	if (!chunk)
		return false;
	pl->chunks[pl->nchunks++] = chunk;
	return true;
}

/* Needs a successful pool_reserve(). */
static uint32_t pool_take(struct entry_pool *pl)
{
	uint32_t i = pl->free_head;

	if (i != NIL) {
		pl->free_head = pool_at(pl, i)->next;
		return i;
	}
	return pl->fresh++;
}

static void pool_put(struct entry_pool *pl, uint32_t i)
{
	pool_at(pl, i)->state = ST_FREE;
	pool_at(pl, i)->next = pl->free_head;
	pl->free_head = i;
}

static void pool_release(struct entry_pool *pl)
{
	for (uint32_t c = 0; c < pl->nchunks; c++)
		if (c < SMALL_CHUNKS || slab_start(c))
			free(pl->chunks[c]);
	free(pl->chunks);
}

/* Entry i if it exists (a stale index may be any number). */
static const void *entry_if_any(const lsync_matcher *m, uint32_t i)
{
	return i < m->pool.fresh ? pool_at(&m->pool, i) : NULL;
}

/* ---- detail ---------------------------------------------------------- */

/* Entry i's detail, or NULL if its chunk has none. */
static struct detail *detail_at(const lsync_matcher *m, uint32_t i)
{
	uint32_t c = i >> CHUNK_SHIFT;

	if (c >= m->dchunk_cap || !m->dchunks[c])
		return NULL;
	return &m->dchunks[c][i & (CHUNK_LEN - 1)];
}

/* A detail chunk for entry i; false on allocation failure. */
static bool detail_chunk(lsync_matcher *m, uint32_t i)
{
	uint32_t c = i >> CHUNK_SHIFT;

	if (c >= m->dchunk_cap) {
		uint32_t cap = m->dchunk_cap ? m->dchunk_cap : 16;
		struct detail **d;

		while (cap <= c)
			cap *= 2;
		d = realloc(m->dchunks, (size_t)cap * sizeof(*d));
		if (!d)
			return false;
		memset(d + m->dchunk_cap, 0,
		       (size_t)(cap - m->dchunk_cap) * sizeof(*d));
		m->dchunks = d;
		m->dchunk_cap = cap;
	}
	if (!m->dchunks[c] &&
	    !(m->dchunks[c] = malloc(CHUNK_LEN * sizeof(struct detail))))
		return false;
	return true;
}

/*
 * Room for the detail of the next new key, before anything changes: the
 * entry it takes is the free list's head, the next fresh one, or the
 * oldest entry if the cap retires it first.
 */
static bool detail_reserve(lsync_matcher *m)
{
	uint32_t next = m->pool.free_head != NIL ? m->pool.free_head
						 : m->pool.fresh;

	return detail_chunk(m, next) &&
	       (m->head == NIL || detail_chunk(m, m->head));
}

/* An event of a key with detail: its trace, and its addresses and ports
 * unless those of the send event are already there. */
static void detail_note(struct detail *d, const lttsync_packet *p)
{
	bool send = p->direction == LTTSYNC_DIRECTION_SEND;

	if (send)
		d->send_trace = p->trace;
	else
		d->recv_trace = p->trace;
	if (p->family && (send || !d->family)) {
		d->family = p->family;
		memcpy(d->src_addr, p->src_addr, sizeof(d->src_addr));
		memcpy(d->dst_addr, p->dst_addr, sizeof(d->dst_addr));
	}
	if (p->has_ports && (send || !d->has_ports)) {
		d->has_ports = 1;
		d->src_port = p->src_port;
		d->dst_port = p->dst_port;
	}
}

static void detail_start(lsync_matcher *m, struct lsync_entry *e, uint32_t i,
			 const lttsync_packet *p)
{
	struct detail *d = detail_at(m, i);

	if (!d) /* a chunk detail_reserve() could not foresee: no detail */
		return;
	memset(d, 0, sizeof(*d));
	d->send_trace = d->recv_trace = LTTSYNC_TRACE_NONE;
	detail_note(d, p);
	e->state |= ST_DETAIL;
}

/* m->hand for entry i: its key, and its detail if recorded. */
static void detail_hand(lsync_matcher *m, const struct lsync_entry *e,
			uint32_t i)
{
	lsync_match_detail *h = &m->hand;
	const struct detail *d = e->state & ST_DETAIL ? detail_at(m, i) : NULL;

	memset(h, 0, sizeof(*h));
	h->seq = e->seq;
	h->ack_seq = e->ack_seq;
	h->flags = e->tcp_flags;
	h->send_trace = h->recv_trace = LTTSYNC_TRACE_NONE;
	if (!d) {
		h->has_ports = (e->state & ST_PORTS) != 0;
		h->src_port = h->has_ports ? e->src_port : 0;
		h->dst_port = h->has_ports ? e->dst_port : 0;
		return;
	}
	h->send_trace = d->send_trace;
	h->recv_trace = d->recv_trace;
	h->family = d->family;
	h->has_ports = d->has_ports;
	h->src_port = d->src_port;
	h->dst_port = d->dst_port;
	memcpy(h->src_addr, d->src_addr, sizeof(h->src_addr));
	memcpy(h->dst_addr, d->dst_addr, sizeof(h->dst_addr));
}

/* ---- index ---------------------------------------------------------- */

static bool entry_has_key(const struct lsync_entry *e, const lttsync_packet *p)
{
	return e->seq == p->seq && e->ack_seq == p->ack_seq &&
	       e->tcp_flags == p->flags;
}

/* The key's home bucket: the hash's high half scaled to the bucket count
 * (any count, not only powers of two). */
static uint32_t home_bucket(const lsync_matcher *m, uint64_t h)
{
	return (uint32_t)(((h >> 32) * m->nbuckets) >> 32);
}

/* The key's tag: the hash's low 16 bits, never 0 (0 marks a free slot). */
static uint16_t hash_tag(uint64_t h)
{
	uint16_t t = (uint16_t)h;

	return t ? t : 1;
}

static uint32_t next_bucket(const lsync_matcher *m, uint32_t b)
{
	return b + 1 == m->nbuckets ? 0 : b + 1;
}

/* Bit j set for each of the bucket's slots j whose tag is t. */
static unsigned bucket_match(const struct tag_bucket *tb, uint16_t t)
{
#ifdef __SSE2__
	const __m128i *v = (const __m128i *)tb;
	__m128i k = _mm_set1_epi16((short)t);
	__m128i lo = _mm_packs_epi16(_mm_cmpeq_epi16(_mm_load_si128(v), k),
				     _mm_cmpeq_epi16(_mm_load_si128(v + 1), k));
	__m128i hi = _mm_packs_epi16(_mm_cmpeq_epi16(_mm_load_si128(v + 2), k),
				     _mm_cmpeq_epi16(_mm_load_si128(v + 3), k));

	return ((unsigned)_mm_movemask_epi8(lo) |
		(unsigned)_mm_movemask_epi8(hi) << 16) &
	       ((1u << BUCKET_SLOTS) - 1);
#else
	unsigned mask = 0;

	for (unsigned j = 0; j < BUCKET_SLOTS; j++)
		mask |= (unsigned)(tb->tag[j] == t) << j;
	return mask;
#endif
}

/* The entry of p's key (hash h), or NIL. Only slots whose tag matches
 * are followed to the pool; a bucket whose `over` is 0 ends the search. */
static uint32_t index_find(const lsync_matcher *m, const lttsync_packet *p,
			   uint64_t h)
{
	uint16_t t = hash_tag(h);
	const struct recent *r = &m->recent[h % RECENT_LEN];
	uint32_t b, left = m->nbuckets;

	if (r->hash_hi == (uint32_t)(h >> 32) && r->idx != NIL) {
		const struct lsync_entry *e = pool_at(&m->pool, r->idx);

		if (!(e->state & ST_FREE) && entry_has_key(e, p))
			return r->idx;
	}
	if (!m->nbuckets)
		return NIL;
	for (b = home_bucket(m, h);; b = next_bucket(m, b)) {
		const struct tag_bucket *tb = &m->tags[b];
		unsigned mask = bucket_match(tb, t);

		while (mask) {
			uint32_t i = m->slot_idx[(size_t)b * BUCKET_STRIDE +
						 (unsigned)__builtin_ctz(mask)];

			if (entry_has_key(pool_at(&m->pool, i), p))
				return i;
			mask &= mask - 1;
		}
		/* Every bucket seen: only possible with saturated counts. */
		if (tb->over == 0 || --left == 0)
			return NIL;
	}
}

/*
 * The pool indices are written once per key and read back only on a tag
 * match missed by the recent-key cache: a non-temporal store keeps their
 * 5 MiB out of the cache, where the tags need the room.
 */
static void store_streaming(uint32_t *dst, uint32_t v)
{
#ifdef __SSE2__
	_mm_stream_si32((int *)dst, (int)v);
#else
	*dst = v;
#endif
}

/* Store entry idx (hash h, a key not in the index) in the first free
 * slot from its home bucket on; returns the slot's position. Needs room
 * (index_reserve()). Every full bucket passed counts the key in `over`
 * (saturating: a bucket at 65535 stays there, which only costs probes). */
static uint32_t index_put(struct tag_bucket *tags, uint32_t *slot_idx,
			  const lsync_matcher *m, uint64_t h, uint32_t idx)
{
	for (uint32_t b = home_bucket(m, h);; b = next_bucket(m, b)) {
		unsigned free_slots = bucket_match(&tags[b], 0);

		if (free_slots) {
			unsigned j = (unsigned)__builtin_ctz(free_slots);

			tags[b].tag[j] = hash_tag(h);
			store_streaming(&slot_idx[(size_t)b * BUCKET_STRIDE + j], idx);
			return b * BUCKET_STRIDE + j;
		}
		if (tags[b].over < UINT16_MAX)
			tags[b].over++;
	}
}

/* Buckets for n keys at the maximum load. */
static size_t buckets_for(size_t n)
{
	size_t b = (n + BUCKET_LOAD - 1) / BUCKET_LOAD;

	return b ? b : 1;
}

/*
 * Room for `n` entries at most BUCKET_LOAD per bucket on average. The
 * table doubles, but never past what the cap needs, so at the cap it
 * holds 24 keys per 31-slot bucket on average. Growth re-inserts every
 * entry (in FIFO order) and records its new slot. On failure nothing
 * changed.
 */
static bool index_reserve(lsync_matcher *m, size_t n)
{
	size_t size = m->nbuckets, want;
	struct tag_bucket *tags;
	uint32_t *slot_idx;

	if (size && n <= size * BUCKET_LOAD)
		return true;
	want = buckets_for(n);
	if (want > MAX_BUCKETS)
		return false;
	size = size ? size * 2 : 16;
	if (size > buckets_for(m->max_pending))
		size = buckets_for(m->max_pending);
	if (size < want)
		size = want;
	if (size > MAX_BUCKETS)
		size = MAX_BUCKETS;
	tags = lsync_big_alloc(size * sizeof(*tags));
	slot_idx = tags ? lsync_big_alloc(size * BUCKET_STRIDE * sizeof(*slot_idx))
			: NULL;
	if (!slot_idx) {
		free(tags);
		return false;
	}
	memset(tags, 0, size * sizeof(*tags));
	free(m->tags);
	free(m->slot_idx);
	m->tags = tags;
	m->slot_idx = slot_idx;
	m->nbuckets = (uint32_t)size;
	for (uint32_t i = m->head; i != NIL;) {
		struct lsync_entry *e = pool_at(&m->pool, i);

		e->slot = index_put(tags, slot_idx, m, entry_hash(m, e), i);
		i = e->next;
	}
	return true;
}

/* Remove the entry at slot position `slot` (hash h): free its tag, and
 * uncount it from the `over` of the buckets it passed. */
static void index_remove(lsync_matcher *m, uint32_t slot, uint64_t h)
{
	uint32_t b = home_bucket(m, h), last = slot / BUCKET_STRIDE;

	m->tags[last].tag[slot % BUCKET_STRIDE] = 0;
	for (; b != last; b = next_bucket(m, b))
		if (m->tags[b].over < UINT16_MAX)
			m->tags[b].over--;
}

/* ---- entry state ------------------------------------------------------ */

/* A match waiting for the sink: one send, one receive, nothing wrong. */
static bool entry_ready(const struct lsync_entry *e)
{
	return e->nsend == 1 && e->nrecv == 1 &&
	       !(e->state & (ST_AMBIGUOUS | ST_USED | ST_LOOPBACK));
}

static void entry_count_event(struct lsync_entry *e, bool send)
{
	if (send && e->nsend < COUNT_MAX)
		e->nsend++;
	else if (!send && e->nrecv < COUNT_MAX)
		e->nrecv++;
}

static void entry_set_side(struct lsync_entry *e, const lttsync_packet *p,
			   uint32_t host)
{
	if (p->direction == LTTSYNC_DIRECTION_SEND) {
		e->send_host = host;
		e->send_ns = p->timestamp_ns;
	} else {
		e->recv_host = host;
		e->recv_ns = p->timestamp_ns;
	}
	entry_count_event(e, p->direction == LTTSYNC_DIRECTION_SEND);
}

/* Do the entry's first event and `p` describe different flows? Only what
 * both sides know is compared, so mixed trace layouts still match. */
static bool entry_flow_differs(const lsync_matcher *m,
			       const struct lsync_entry *e,
			       const lttsync_packet *p)
{
	if (e->family != 0 && e->family == p->family &&
	    e->flow != flow_value(m, p))
		return true;
	return (e->state & ST_PORTS) && p->has_ports &&
	       (e->src_port != p->src_port || e->dst_port != p->dst_port);
}

/* ---- handing matches out ---------------------------------------------- */

/* The entry is marked used only if the sink accepted it, so that a
 * failed hand-over can be retried by the next settle or retirement. */
static int entry_hand(lsync_matcher *m, struct lsync_entry *e, uint32_t i,
		      lsync_match_sink sink, void *user)
{
	int r;

	if (m->detail)
		detail_hand(m, e, i);
	r = sink(user, e->send_host, e->send_ns, e->recv_host, e->recv_ns);

	if (r < 0)
		return r;
	e->state |= ST_USED;
	m->ready--;
	m->counters.matched++;
	return 0;
}

/*
 * Remove the oldest entry, accounting for it first: a pending match goes
 * to the sink (if the sink refuses, the entry stays), lone events are
 * counted as evicted; used, ambiguous and loopback entries were already
 * accounted for.
 */
static int retire_oldest(lsync_matcher *m, lsync_match_sink sink, void *user)
{
	uint32_t i = m->head;
	struct lsync_entry *e = pool_at(&m->pool, i);

	if (entry_ready(e)) {
		int r = entry_hand(m, e, i, sink, user);

		if (r < 0)
			return r;
	} else if (!(e->state & (ST_AMBIGUOUS | ST_USED | ST_LOOPBACK))) {
		m->counters.evicted += e->nsend + e->nrecv;
	}
	/* A key retired lone or ambiguous may still have events to come,
	 * which must not pair with each other (tombstones.h). */
	if (!(e->state & (ST_USED | ST_LOOPBACK)))
		lsync_tombs_add(&m->tombs, tomb_hash(e->seq, e->ack_seq, e->tcp_flags));
	index_remove(m, e->slot, entry_hash(m, e));
	m->head = e->next;
	if (m->head == NIL)
		m->tail = NIL;
	pool_put(&m->pool, i);
	m->count--;
	return 0;
}

static int retire_to(lsync_matcher *m, size_t limit, lsync_match_sink sink,
		     void *user)
{
	while (m->count > limit) {
		int r = retire_oldest(m, sink, user);

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- feeding ---------------------------------------------------------- */

/* Append entry `i` as the newest: the cap retires from the other end. */
static void fifo_push(lsync_matcher *m, uint32_t i)
{
	pool_at(&m->pool, i)->next = NIL;
	if (m->tail == NIL)
		m->head = i;
	else
		pool_at(&m->pool, m->tail)->next = i;
	m->tail = i;
	m->count++;
}

/* A new key: its first event. Retires the oldest entries to make room,
 * once the only allocations that can fail have succeeded. */
static int insert_new(lsync_matcher *m, const lttsync_packet *p, uint64_t h,
		      uint32_t host, lsync_match_sink sink, void *user)
{
	size_t after = (m->count < m->max_pending ? m->count
						  : m->max_pending - 1) + 1;
	struct lsync_entry *e;
	uint32_t i;
	int r;

	/* A key retired unmatched: dropped without an entry, so that it
	 * neither takes a place in the table nor counts as pending; its
	 * later events meet the filter too (tombstones.h). */
	if (lsync_tombs_has(&m->tombs, tomb_hash(p->seq, p->ack_seq, p->flags))) {
		m->counters.evicted++;
		return 0;
	}
	if (!pool_reserve(&m->pool) || !index_reserve(m, after) ||
	    (m->detail && !detail_reserve(m)) ||
	    (m->count >= m->max_pending &&
	     !lsync_tombs_reserve(&m->tombs, m->max_pending)))
		return LTTSYNC_ERROR_NO_MEMORY;
	r = retire_to(m, m->max_pending - 1, sink, user);
	if (r < 0)
		return r;
	i = pool_take(&m->pool);
	e = pool_at(&m->pool, i);
	/* The next new key's entry: never used yet, or long retired. */
	__builtin_prefetch(entry_if_any(m, m->pool.free_head != NIL
					   ? m->pool.free_head : m->pool.fresh), 1);
	memset(e, 0, sizeof(*e));
	e->seq = p->seq;
	e->ack_seq = p->ack_seq;
	e->tcp_flags = p->flags;
	e->family = p->family;
	e->flow = flow_value(m, p);
	e->state = p->has_ports ? ST_PORTS : 0;
	e->src_port = p->src_port;
	e->dst_port = p->dst_port;
	entry_set_side(e, p, host);
	if (m->detail)
		detail_start(m, e, i, p);
	e->slot = index_put(m->tags, m->slot_idx, m, h, i);
	m->recent[h % RECENT_LEN].hash_hi = (uint32_t)(h >> 32);
	m->recent[h % RECENT_LEN].idx = i;
	fifo_push(m, i);
	return 0;
}

/* A second event in the same direction: drop the key, counting every
 * event it held plus this one. */
static void entry_make_ambiguous(lsync_matcher *m, struct lsync_entry *e,
				 bool send)
{
	if (entry_ready(e))
		m->ready--;
	entry_count_event(e, send);
	e->state |= ST_AMBIGUOUS;
	m->counters.ambiguous += e->nsend + e->nrecv;
}

/* The key now has one send and one receive: decide what it is. */
static void entry_complete(lsync_matcher *m, struct lsync_entry *e,
			   bool flow_differs)
{
	if (flow_differs) {
		e->state |= ST_MISMATCH | ST_AMBIGUOUS;
		m->counters.flow_mismatch++;
		m->counters.ambiguous += 2;
	} else if (e->send_host == e->recv_host) {
		e->state |= ST_LOOPBACK;
		m->counters.loopback++;
	} else {
		m->ready++;
		m->newest = (lsync_match_sample){ e->send_ns, e->recv_ns,
			e->send_host, e->recv_host, m->newest.n + 1 };
	}
}

/*
 * An ambiguous key still counts as loopback once both directions have
 * been seen on one host, whatever the order its events came in.
 */
static void note_loopback(lsync_matcher *m, struct lsync_entry *e,
			  const lttsync_packet *p, uint32_t host)
{
	bool send = p->direction == LTTSYNC_DIRECTION_SEND;

	if ((send ? e->nsend : e->nrecv) != 0 || (e->state & ST_LOOPBACK))
		return;
	if (send)
		e->send_host = host;
	else
		e->recv_host = host;
	if (e->send_host == e->recv_host) {
		e->state |= ST_LOOPBACK;
		m->counters.loopback++;
	}
}

static void entry_add_event(lsync_matcher *m, struct lsync_entry *e,
			    const lttsync_packet *p, uint32_t host)
{
	bool send = p->direction == LTTSYNC_DIRECTION_SEND;
	bool differs;

	if (e->state & ST_USED) {
		m->counters.late_repeats++;
	} else if (e->state & ST_AMBIGUOUS) {
		note_loopback(m, e, p, host);
		entry_count_event(e, send);
		m->counters.ambiguous++;
	} else if ((send ? e->nsend : e->nrecv) != 0) {
		entry_make_ambiguous(m, e, send);
	} else {
		/* First of its direction, and the other one has exactly
		 * one event: compare flows before the entry changes. */
		differs = entry_flow_differs(m, e, p);
		entry_set_side(e, p, host);
		entry_complete(m, e, differs);
	}
}

/*
 * At the cap, the next new key retires the head, whose slot is a random
 * cache line: the feed starts loading it early, so that the miss overlaps
 * with the caller's work and the next lookup instead of adding to them.
 * (Returned rather than prefetched here: gcc drops calls to a function
 * whose only effect is a prefetch.)
 */
static const struct tag_bucket *next_retirement(const lsync_matcher *m)
{
	if (m->count < m->max_pending || m->head == NIL)
		return NULL;
	return &m->tags[pool_at(&m->pool, m->head)->slot / BUCKET_STRIDE];
}

/* The filter word that retiring the head unmatched will set, for the same
 * reason. */
static const void *next_tombstone(const lsync_matcher *m)
{
	const struct lsync_entry *e;

	if (m->count < m->max_pending || m->head == NIL)
		return NULL;
	e = pool_at(&m->pool, m->head);
	if (e->state & (ST_USED | ST_LOOPBACK))
		return NULL;
	return lsync_tombs_where(&m->tombs,
				 tomb_hash(e->seq, e->ack_seq, e->tcp_flags));
}

int lsync_matcher_feed(lsync_matcher *m, const lttsync_packet *p,
		       uint32_t host, lsync_match_sink sink, void *user)
{
	uint64_t h = key_hash(m, p->seq, p->ack_seq, p->flags);
	uint32_t i;
	int r;

	/* Should the key be new, its filter word is read after the index
	 * misses: started now, the two misses overlap (a caller feeding one
	 * packet at a time has no packet ahead to prefetch for). */
	__builtin_prefetch(lsync_matcher_lookahead_retired(m, p));
	i = index_find(m, p, h);

	if (i != NIL) {
		struct lsync_entry *e = pool_at(&m->pool, i);

		entry_add_event(m, e, p, host);
		if (e->state & ST_DETAIL)
			detail_note(detail_at(m, i), p);
	} else {
		r = insert_new(m, p, h, host, sink, user);
		if (r < 0)
			return r;
		__builtin_prefetch(next_retirement(m));
		__builtin_prefetch(next_tombstone(m));
	}
	m->counters.packets++;
	return 0;
}

const void *lsync_matcher_lookahead(const lsync_matcher *m,
				    const lttsync_packet *p)
{
	uint64_t h = key_hash(m, p->seq, p->ack_seq, p->flags);

	if (!m->nbuckets)
		return NULL;
	return &m->tags[home_bucket(m, h)];
}

const void *lsync_matcher_lookahead_retired(const lsync_matcher *m,
					    const lttsync_packet *p)
{
	return lsync_tombs_where(&m->tombs,
				 tomb_hash(p->seq, p->ack_seq, p->flags));
}

/* ---- matcher ---------------------------------------------------------- */

lsync_matcher *lsync_matcher_new(size_t max_pending, uint64_t seed)
{
	lsync_matcher *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->pool.free_head = NIL;
	for (unsigned k = 0; k < RECENT_LEN; k++)
		m->recent[k].idx = NIL;
	m->head = NIL;
	m->tail = NIL;
	/* A table that cannot hold one key could never match anything. */
	m->max_pending = max_pending ? max_pending : 1;
	/* Distinct derived seeds keep the key hash and the flow
	 * fingerprint independent of each other. */
	m->key_seed = mix64(seed ^ UINT64_C(0x6b6579));
	m->key_seed2 = mix64(m->key_seed + seed);
	m->flow_seed = mix64(seed ^ UINT64_C(0x666c6f77));
	return m;
}

void lsync_matcher_free(lsync_matcher *m)
{
	if (!m)
		return;
	free(m->tags);
	free(m->slot_idx);
	pool_release(&m->pool);
	lsync_tombs_free(&m->tombs);
	for (uint32_t c = 0; c < m->dchunk_cap; c++)
		free(m->dchunks[c]);
	free(m->dchunks);
	free(m);
}

int lsync_matcher_set_max_pending(lsync_matcher *m, size_t max_pending,
				  lsync_match_sink sink, void *user)
{
	m->max_pending = max_pending ? max_pending : 1;
	if (m->count > m->max_pending &&
	    !lsync_tombs_reserve(&m->tombs, m->max_pending))
		return LTTSYNC_ERROR_NO_MEMORY;
	return retire_to(m, m->max_pending, sink, user);
}

/* FIFO order; `ready` lets it stop after the last pending match instead
 * of walking the whole table (or not start, when nothing completed). */
int lsync_matcher_settle(lsync_matcher *m, lsync_match_sink sink, void *user)
{
	uint32_t i = m->head;

	while (m->ready > 0 && i != NIL) {
		struct lsync_entry *e = pool_at(&m->pool, i);

		if (entry_ready(e)) {
			int r = entry_hand(m, e, i, sink, user);

			if (r < 0)
				return r;
		}
		i = e->next;
	}
	return 0;
}

size_t lsync_matcher_pending(const lsync_matcher *m)
{
	return m->count;
}

const lsync_match_sample *lsync_matcher_newest(const lsync_matcher *m)
{
	return &m->newest;
}

const lsync_match_counters *lsync_matcher_counters(const lsync_matcher *m)
{
	return &m->counters;
}

void lsync_matcher_set_detail(lsync_matcher *m, bool on)
{
	m->detail = on;
}

const lsync_match_detail *lsync_matcher_handing(const lsync_matcher *m)
{
	return m->detail ? &m->hand : NULL;
}
