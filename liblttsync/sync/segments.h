/* SPDX-License-Identifier: MIT */
/*
 * Clocks whose rate changes: the evidence of a pair kept per window of
 * time, and the segments the windows are merged into (doc/algorithm.md,
 * "Clocks whose rate changes").
 *
 * Windows are a fixed grid over the time of the pair's host `a` (the
 * smaller host id): window i holds the points with x in
 * [i * width, (i + 1) * width), in orientation 0 of the pair (x = a,
 * y = b), as a hull of its own (hull.h). The grid depends on time only,
 * and on how many windows the messages fill (the width doubles while
 * they would fill more than LSYNC_SEGMENT_WINDOWS_MAX), never on the
 * order messages arrive, and a window's hull is a function of its point
 * set, so everything derived here is too. Memory: one hull per non-empty
 * window, at most LSYNC_SEGMENT_WINDOWS_MAX of them, never per message.
 */
#ifndef LTTSYNC_SEGMENTS_H
#define LTTSYNC_SEGMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "hull.h"
#include "pwxform.h"

/* Defaults of the settings (lttsync_session_set_segment_window() and
 * lttsync_session_set_segment_min_span()). */
#define LSYNC_SEGMENT_WINDOW_NS ((int64_t)1000 * 1000000)
#define LSYNC_SEGMENT_MIN_SPAN_NS ((int64_t)2 * 1000000000)

/*
 * The most windows a pair keeps: a pair whose messages would fill more
 * goes on with windows twice as wide (doc/algorithm.md, "Windows"), so
 * the number of its windows does not grow with the length of the trace.
 * 8192 keeps the default width of 1 s for traces up to 2.3 hours; a day
 * of messages ends with windows of 16 s.
 */
#define LSYNC_SEGMENT_WINDOWS_MAX 8192

/*
 * A closed window's hull vertices: its above chain then its below chain,
 * in the arena ws->arena at word `off`, with room for `room` words there.
 * A vertex takes one 64-bit word: x - the window's start, below its
 * width, in the low bits (32, or as many as the width needs past 2^32
 * ns: lsync_window_x_bits()), and (y - x) - base, signed, in the others
 * (y - x varies within a window by the latencies and the drift of the
 * clocks over its width); a window where (y - x) - base does not fit, or
 * whose width leaves it fewer than 16 bits, takes two words a vertex (x
 * and y, `wide`). Decoding gives
 * back the exact points. The one window messages go to (the open one) is
 * a full lsync_hull instead, ws->open; its arena copy is refreshed when
 * another window opens. Messages mostly come in time order, so each
 * window is opened and closed about once, and a closed window costs 32
 * bytes plus 8 per vertex (16 if wide), without malloc or slack of its
 * own.
 */
/*
 * A run of windows stops where one line still explains its messages but
 * with less room than this share of the tightest window's own (the room
 * that latencies leave): the rate changed inside, and the line would
 * average over the change. A line off the middle of the band by a share
 * of its width adds that error to the host's transform, and two such
 * errors of opposite signs on two pairs can exceed a third pair's latency
 * (a message received before it was sent, once corrected): hence a share
 * close to 1. With no change of rate the clearance of a union shrinks only
 * by the latency jitter of its windows' fastest messages.
 */
#define LSYNC_SEGMENT_CLEARANCE 0.9L

typedef struct lsync_window {
	int64_t index;       /* floor(x / width) */
	int64_t base;        /* y - x of one vertex (not wide) */
	uint32_t off;        /* in words */
	uint32_t room : 31;  /* in words */
	uint32_t wide : 1;   /* two words a vertex */
	uint32_t n_above, n_below;
} lsync_window;

#define LSYNC_NO_WINDOW UINT32_MAX

/*
 * The open window's hull first, on a cache line of its own (the
 * structure is allocated on one, with its pair: pair.h); the rest is read
 * when messages move to another window.
 */
typedef struct lsync_windows {
	lsync_hull open;     /* the hull of w[cur] while open */
	int64_t cur_lo, cur_hi; /* x range of w[cur], [lo, hi); empty when
				 * no window is open */
	uint32_t cur;        /* the open window, or LSYNC_NO_WINDOW */
	uint32_t len, cap;
	uint32_t max;        /* the most windows (LSYNC_SEGMENT_WINDOWS_MAX) */
	int64_t width;       /* the setting, doubled while windows exceed max */
	unsigned doublings;  /* how many times it was */
	bool wide_only;      /* every window in two words a vertex (tests) */
	lsync_window *w;     /* sorted by index */
	uint64_t *arena;
	size_t n_words, cap_words;
	/* Closed windows' points, decoded for reading (lsync_windows_hull()):
	 * room for the largest window's, made when it closed. */
	lsync_point *scratch;
	uint32_t scratch_cap;
} lsync_windows;

/* An empty set of windows of the given width (> 0, else the default). */
void lsync_windows_init(lsync_windows *ws, int64_t width);
void lsync_windows_fini(lsync_windows *ws);

/*
 * The hull of x's window, opened (created if needed), with room for one
 * more point in each chain (so that the add that follows cannot fail);
 * NULL on allocation failure (nothing lost). The caller tests first
 * whether x lies in [cur_lo, cur_hi) with room in both chains: nearly
 * every message goes to the window of the last (pair.h).
 */
lsync_hull *lsync_windows_prepare(lsync_windows *ws, int64_t x);

/*
 * Window i's hull: the open one, or *tmp viewing the window's points
 * decoded into ws->scratch, valid until the next call for another window
 * of ws (callers read one window at a time). Read only.
 */
const lsync_hull *lsync_windows_hull(const lsync_windows *ws, uint32_t i,
				     lsync_hull *tmp);

/* hull gets the union of every window (the pair's full hull). -1 on
 * allocation failure. */
int lsync_windows_union(const lsync_windows *ws, lsync_hull *hull);

/* One segment: consecutive windows that one line explains. */
typedef struct lsync_segment {
	uint32_t first, last;        /* window indices into ws->w */
	lsync_hull hull;             /* union of the windows' hulls */
	lsync_hull_solution sol;     /* its solution (FAIL if it absorbed
				      * contradicting windows) */
} lsync_segment;

/*
 * The segmentation of a pair in orientation 0. n_seg < 2: one line
 * explains the pair as well as segments would (its full-hull solution
 * stands). Otherwise `pieces` is the continuous, increasing function
 * t_b = E(t_a) (pwxform.h), each piece tagged with its segment or -1 for
 * a joint, and `quality` the worst segment quality.
 */
typedef struct lsync_segmented {
	const lsync_windows *ws;     /* the windows it was computed from */
	int64_t reach;               /* ns each side of a time for its bounds */
	uint32_t n_seg;
	lsync_segment *seg;
	size_t n_pieces;
	lsync_piece *pieces;
	lttsync_quality quality;
} lsync_segmented;

/*
 * min_span: a segment needs messages both ways, each direction's points
 * spanning at least min_span ns of x, doubled as many times as the grid
 * was (ws->doublings); its bounds read the windows within min_span. Returns 0, or -1 on allocation
 * failure (*out then empty).
 */
int lsync_segment_pair(const lsync_windows *ws, int64_t min_span,
		       lsync_segmented *out);
void lsync_segmented_free(lsync_segmented *sg);

/*
 * Bounds of the pair at a-time x (orientation 0). A segment's line may
 * average over a small change of rate that one line still explains, so
 * the bounds do not come from the whole segment but from the messages
 * within `reach` (min_span) of x: every line feasible for them, which
 * holds the true relation whenever it is linear over that stretch. The
 * stretch shrinks (window by window) while its messages contradict one
 * line; if even x's window does, or x is beyond the data, the segment(s)
 * in force at x give the bounds (a joint: the union of its neighbours').
 * False when there are none (FAIL, or not enough evidence).
 */
bool lsync_segmented_bounds_at(const lsync_segmented *sg, int64_t x,
			       long double *lo_off, long double *hi_off);

/* The inverse: b-times [y_lo, y_hi] to the a-times compatible. */
bool lsync_segmented_inverse_bounds(const lsync_segmented *sg, int64_t y_lo,
				    int64_t y_hi, int64_t *x_lo, int64_t *x_hi);

#endif
