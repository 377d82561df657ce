/* SPDX-License-Identifier: MIT */
/*
 * A host's guaranteed bounds on the reference clock, carried hop by hop
 * along its path (doc/algorithm.md, "Bounds along a path").
 *
 * Near the reference the walk is exact: one inverse question per hop.
 * Far from it, a walk stops at a checkpoint, an ancestor every
 * LSYNC_EXACT_HOPS hops whose bounds are kept at sample points, and reads
 * them from the chords between samples: bounds are concave (lower) and
 * convex (upper) functions of time along a path of one-line pairs, so a
 * chord never leaves them. So a report over n hosts costs O(n) steps
 * whatever the depth, and every host within LSYNC_EXACT_HOPS hops of the
 * reference gets exactly the bounds of the full walk.
 */
#ifndef LTTSYNC_PATH_BOUNDS_H
#define LTTSYNC_PATH_BOUNDS_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

/* Hosts this many hops from the reference, or fewer, get exact walks. */
#define LSYNC_EXACT_HOPS 64

/*
 * The bounds of `host` (results fresh, with a transform) at its local time
 * t, on the reference clock; INT64_MIN / INT64_MAX for an unbounded side.
 * False when the host has no bounds (no transform, or fail).
 */
bool lsync_host_bounds(lttsync_session *s, uint32_t host, int64_t t,
		       int64_t *out_lo, int64_t *out_hi);

/* The exact walk, for tests: the same bounds without checkpoints. */
bool lsync_host_bounds_exact(lttsync_session *s, uint32_t host, int64_t t,
			     int64_t *out_lo, int64_t *out_hi);

/* Forget the checkpoints (the results they came from changed). */
void lsync_path_bounds_free(lttsync_session *s);

/* t + off rounded outwards (down if `down`), saturating to int64. */
int64_t lsync_shift_outward(int64_t t, long double off, bool down);

#endif
