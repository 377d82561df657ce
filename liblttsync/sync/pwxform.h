/* SPDX-License-Identifier: MIT */
/*
 * Piecewise-linear clock transforms: a sorted array of pieces, each a
 * linear transform in pivot form (transform.h) that applies from its
 * `from` (inclusive) up to the next piece's `from`. The first piece's
 * `from` is INT64_MIN: it applies from the beginning.
 *
 * The functions the library builds are continuous and strictly
 * increasing: every piece has a positive slope, and piece k + 1 is
 * pivoted at its own `from` with the value piece k has there (exactly,
 * in the pivot representation), so no output jumps at a knot.
 */
#ifndef LTTSYNC_PWXFORM_H
#define LTTSYNC_PWXFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transform.h"

typedef struct lsync_piece {
	int64_t from;        /* INT64_MIN for the first piece */
	lsync_xform f;
	long double width;   /* bounds width over the piece (ns), NAN if none */
	int32_t seg;         /* the pair segment it comes from, -1 for a joint */
} lsync_piece;

/* Index of the piece that applies at t (n >= 1). */
size_t lsync_pw_find(const lsync_piece *p, size_t n, int64_t t);

/* The piecewise function at t, rounded to the nearest ns. */
bool lsync_pw_apply(const lsync_piece *p, size_t n, int64_t t, int64_t *out);

/*
 * Pivots every piece but the first at its own `from`, with the value of
 * the piece before it there: the function becomes continuous, each piece
 * keeping its slope.
 */
void lsync_pw_join(lsync_piece *p, size_t n);

/*
 * The inverse of an increasing piecewise function (every slope > 0).
 * *out is malloc'ed (*out_n pieces); false on allocation failure or a
 * piece that cannot be inverted.
 */
bool lsync_pw_invert(const lsync_piece *p, size_t n, lsync_piece **out,
		     size_t *out_n);

/*
 * outer(inner(t)), both increasing: knots at inner's knots and where
 * inner reaches one of outer's knots. *out is malloc'ed.
 */
bool lsync_pw_compose(const lsync_piece *outer, size_t n_outer,
		      const lsync_piece *inner, size_t n_inner,
		      lsync_piece **out, size_t *out_n);

#endif
