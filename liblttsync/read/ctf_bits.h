/* SPDX-License-Identifier: MIT */
/*
 * Reading integers from a stream's bytes, bit by bit as CTF lays them
 * out: shared by the reader's walk of types (ctf_skim.c) and its
 * compiled network payloads (ctf_plan.c).
 */
#ifndef LTTSYNC_CTF_BITS_H
#define LTTSYNC_CTF_BITS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ctf.h"

typedef struct cursor {
	const uint8_t *buf;
	uint64_t pos, end;       /* bits from buf */
	uint64_t avail;          /* bytes that may be loaded from buf (the file's) */
} cursor;

static inline uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t load_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline uint64_t load_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline uint64_t load64_le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint64_t load64_be(const uint8_t *p)
{
	return __builtin_bswap64(load64_le(p));
}

static bool get_bits_slow(cursor *c, unsigned size, bool be, uint64_t *out)
	__attribute__((noinline, unused));

/* An integer of `size` bits at c->pos (already aligned); false past end. */
static inline __attribute__((always_inline)) bool get_bits(cursor *c, unsigned size,
							   bool be, uint64_t *out)
{
	uint64_t pos = c->pos, v = 0;
	unsigned shift = (unsigned)(pos & 7);

	if (size > c->end - pos || c->pos > c->end)
		return false;
	/* Within one 8-byte load: a load and two shifts. */
	if (shift + size <= 64 && pos / 8 + 8 <= c->avail) {
		const uint8_t *p = c->buf + pos / 8;

		if (be)
			v = (load64_be(p) << shift) >> (64 - size);
		else
			v = (load64_le(p) >> shift) & (size == 64 ? ~UINT64_C(0)
								  : (UINT64_C(1) << size) - 1);
		c->pos = pos + size;
		*out = v;
		return true;
	}
	return get_bits_slow(c, size, be, out);
}

/* Near the end of the file: byte by byte, or bit by bit. */
static bool get_bits_slow(cursor *c, unsigned size, bool be, uint64_t *out)
{
	uint64_t pos = c->pos, v = 0;

	if ((pos & 7) == 0 && (size & 7) == 0) {
		const uint8_t *p = c->buf + pos / 8;

		v = be ? load_be(p, size / 8) : load_le(p, size / 8);
	} else if (be) {
		for (unsigned i = 0; i < size; i++) {
			uint64_t b = pos + i;

			v = v << 1 | ((c->buf[b / 8] >> (7 - b % 8)) & 1);
		}
	} else {
		for (unsigned i = 0; i < size; i++) {
			uint64_t b = pos + i;

			v |= (uint64_t)((c->buf[b / 8] >> (b % 8)) & 1) << i;
		}
	}
	c->pos = pos + size;
	*out = v;
	return true;
}

static inline uint64_t sign_extend(uint64_t v, unsigned size)
{
	if (size < 64 && (v >> (size - 1)) & 1)
		v |= ~UINT64_C(0) << size;
	return v;
}

static inline bool read_int(cursor *c, const lsync_ctf_type *t, uint64_t *v)
{
	c->pos = align_up(c->pos, t->align);
	if (c->pos > c->end || !get_bits(c, t->size, t->be, v))
		return false;
	if (t->is_signed)
		*v = sign_extend(*v, t->size);
	return true;
}

#endif
