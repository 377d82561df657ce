/* SPDX-License-Identifier: MIT */
/*
 * Windows, segments and joints of a pair whose clocks' rates change (see
 * segments.h and doc/algorithm.md, "Clocks whose rate changes").
 *
 * 1. Runs: from the first window on, consecutive windows are merged while
 *    one line stays feasible for the union of their hulls (a union of
 *    hulls is the hull of the union of the point sets, so it stays
 *    small); the window that makes it infeasible starts the next run.
 * 2. Evidence: a run is a segment candidate only if both directions'
 *    points span at least min_span of x; shorter runs are not segments.
 * 3. Outliers: two neighbouring candidates stay apart only if, without
 *    the window at each side of their boundary, they still contradict
 *    each other or one line for both is strained (clearance rule of
 *    step 1). Otherwise one wrong point (a mismatched packet) made the
 *    boundary: they become one segment with the windows between them,
 *    which then fails, with its violation, as the whole pair does.
 * 4. Joints: continuous, increasing (pwxform.h), checked against the
 *    hull vertices of the windows around them.
 * Every step reads the windows in grid order: the result is a function of
 * the set of messages.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "segments.h"
#include "words.h"

/* ---- windows ---------------------------------------------------------- */

/* No window open: an empty range, which the per-message test rejects. */
static void close_range(lsync_windows *ws)
{
	ws->cur = LSYNC_NO_WINDOW;
	ws->cur_lo = INT64_MAX;
	ws->cur_hi = INT64_MIN;
}

void lsync_windows_init(lsync_windows *ws, int64_t width)
{
	memset(ws, 0, sizeof(*ws));
	ws->width = width > 0 ? width : LSYNC_SEGMENT_WINDOW_NS;
	ws->max = LSYNC_SEGMENT_WINDOWS_MAX;
	close_range(ws);
	lsync_hull_init(&ws->open);
}

void lsync_windows_fini(lsync_windows *ws)
{
	if (!ws)
		return;
	lsync_hull_fini(&ws->open);
	free(ws->w);
	lsync_words_free(ws->arena, ws->cap_words);
	free(ws->scratch);
	memset(ws, 0, sizeof(*ws));
}

static int64_t floor_div64(int64_t x, int64_t d)
{
	int64_t q = x / d;

	return q - (x % d < 0);
}

/* First window whose index is >= idx. */
static uint32_t window_find(const lsync_windows *ws, int64_t idx)
{
	uint32_t lo = 0, hi = ws->len;

	/* messages mostly come in time order: a window after the last one,
	 * without reading (cache missing) the array's middle */
	if (hi && ws->w[hi - 1].index < idx)
		return hi;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ws->w[mid].index < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- the arena: closed windows' vertices, one word each ------------- */

/*
 * Bits of a packed vertex for x - the window's start: 32, or what a
 * width past 2^32 ns needs (33 to 35 for the widths a trace of up to a
 * year reaches: segments.h); the rest hold (y - x) - base.
 */
static unsigned x_bits(int64_t width)
{
	unsigned b = 64 - (unsigned)__builtin_clzll((uint64_t)(width - 1) | 1);

	return b > 32 ? b : 32;
}

/* The vertices of w, decoded into out (n_above + n_below points), from
 * an arena of windows of the given width. */
static void window_decode(const uint64_t *arena, int64_t width,
			  const lsync_window *w, lsync_point *out)
{
	const uint64_t *a = arena + w->off;
	uint32_t n = w->n_above + w->n_below;
	int64_t lo = w->index * width;

	if (w->wide) {
		for (uint32_t k = 0; k < n; k++) {
			out[k].x = (int64_t)a[2 * k];
			out[k].y = (int64_t)a[2 * k + 1];
		}
		return;
	}
	/* y - x = base + d fits an int64 (it did when encoded), and so
	 * does y = x + (y - x) */
	unsigned xb = x_bits(width);
	uint64_t mask = ((uint64_t)1 << xb) - 1;

	for (uint32_t k = 0; k < n; k++) {
		int64_t x = lo + (int64_t)(a[k] & mask);

		out[k].x = x;
		/* arithmetic shift: the signed high bits */
		out[k].y = x + (w->base + ((int64_t)a[k] >> xb));
	}
}

/* The chain's vertices in one word each from a, while they fit: x - lo
 * in the low xb bits (below the width), (y - x) - base signed in the
 * 64 - xb others. False at the first that does not. */
static bool chain_pack(const lsync_chain *c, int64_t lo, int64_t base,
		       unsigned xb, uint64_t *a)
{
	int64_t d_max = ((int64_t)1 << (63 - xb)) - 1;

	for (uint32_t k = 0; k < c->len; k++) {
		lsync_point p = c->pts[k];
		int64_t d;

		if (__builtin_sub_overflow(p.y, p.x, &d) ||
		    __builtin_sub_overflow(d, base, &d) ||
		    d < -d_max - 1 || d > d_max)
			return false;
		a[k] = (uint64_t)(p.x - lo) | (uint64_t)d << xb;
	}
	return true;
}

static void chain_wide(const lsync_chain *c, uint64_t *a)
{
	for (uint32_t k = 0; k < c->len; k++) {
		a[2 * k] = (uint64_t)c->pts[k].x;
		a[2 * k + 1] = (uint64_t)c->pts[k].y;
	}
}

/* *tmp viewing closed window w's points, decoded into `into`. */
static const lsync_hull *closed_hull(const uint64_t *arena, int64_t width,
				     const lsync_window *w, lsync_point *into,
				     lsync_hull *tmp)
{
	lsync_hull_init(tmp);
	/* an empty window has no words (nor, maybe, an arena) */
	if (w->n_above + w->n_below == 0)
		return tmp;
	window_decode(arena, width, w, into);
	tmp->above.pts = into;
	tmp->above.len = tmp->above.cap = w->n_above;
	tmp->below.pts = into + w->n_above;
	tmp->below.len = tmp->below.cap = w->n_below;
	return tmp;
}

/* Window i's hull: the open one, or *tmp viewing its points decoded into
 * ws->scratch (lsync_windows_hull()). */
static const lsync_hull *window_hull(const lsync_windows *ws, uint32_t i,
				     lsync_hull *tmp)
{
	if (i == ws->cur)
		return &ws->open;
	return closed_hull(ws->arena, ws->width, &ws->w[i], ws->scratch, tmp);
}

const lsync_hull *lsync_windows_hull(const lsync_windows *ws, uint32_t i,
				     lsync_hull *tmp)
{
	return window_hull(ws, i, tmp);
}

/* Room for n words in the arena; -1 (nothing changed) if none. Word
 * offsets are 32 bits (lsync_window). */
static int arena_reserve(lsync_windows *ws, size_t n)
{
	if (n > UINT32_MAX - ws->n_words)
		return -1;
	return lsync_words_reserve(&ws->arena, &ws->cap_words, ws->n_words + n);
}

/* Room to decode n points; -1 (nothing changed) if none. */
static int scratch_reserve(lsync_windows *ws, uint32_t n)
{
	lsync_point *p;

	if (n <= ws->scratch_cap)
		return 0;
	if (!(p = realloc(ws->scratch, (size_t)n * sizeof(*p))))
		return -1;
	ws->scratch = p;
	ws->scratch_cap = n;
	return 0;
}

/* Room for `words` words in window w's slot: a slot of its own, twice as
 * big, when they do not fit (the old one is lost, and such losses stay
 * below the live size). -1 (nothing changed) if none. */
static int slot_reserve(lsync_windows *ws, lsync_window *w, size_t words)
{
	size_t room = words > 2 * (size_t)w->room ? words : 2 * (size_t)w->room;

	if (words <= w->room)
		return 0;
	if (words > (size_t)INT32_MAX)
		return -1;
	if (room > (size_t)INT32_MAX)
		room = words;
	if (arena_reserve(ws, room) < 0)
		return -1;
	w->off = (uint32_t)ws->n_words;
	w->room = (uint32_t)room;
	ws->n_words += room;
	return 0;
}

/* No window open, the open hull emptied (its buffers kept for the next). */
static void empty_open(lsync_windows *ws)
{
	ws->open.above.len = ws->open.below.len = 0;
	ws->open.above.edge = ws->open.below.edge = false;
	ws->open.n_above = ws->open.n_below = 0;
	close_range(ws);
}

/*
 * The open window's vertices back into the arena, one word each where
 * they all fit, else two; then no window is open. Packed in one pass,
 * into room for two words a vertex, so that a window found not to fit
 * needs no second reservation.
 */
static int close_open(lsync_windows *ws)
{
	const lsync_hull *o = &ws->open;
	const lsync_point *first;
	lsync_window *w;
	uint32_t na, nb;
	int64_t lo, base = 0;
	unsigned xb = x_bits(ws->width);
	size_t at;
	bool packed;

	if (ws->cur == LSYNC_NO_WINDOW)
		return 0;
	w = &ws->w[ws->cur];
	na = o->above.len;
	nb = o->below.len;
	lo = w->index * ws->width;
	first = na ? &o->above.pts[0] : nb ? &o->below.pts[0] : NULL;
	if (scratch_reserve(ws, na + nb) < 0 ||
	    arena_reserve(ws, 2 * ((size_t)na + nb)) < 0)
		return -1;
	/* packed where the window's slot is or, if that is too small, at
	 * the arena's end, where a new slot would start (free for twice the
	 * vertices: the reservation above) */
	at = na + nb <= w->room ? w->off : ws->n_words;
	packed = !ws->wide_only && xb <= 48 &&
		 (!first || !__builtin_sub_overflow(first->y, first->x, &base)) &&
		 chain_pack(&o->above, lo, base, xb, ws->arena + at) &&
		 chain_pack(&o->below, lo, base, xb, ws->arena + at + na);
	if (!packed) {
		if (slot_reserve(ws, w, 2 * ((size_t)na + nb)) < 0)
			return -1;
		chain_wide(&o->above, ws->arena + w->off);
		chain_wide(&o->below, ws->arena + w->off + 2 * (size_t)na);
	} else if (na + nb > w->room) {
		/* the new slot starts at `at`, within the reservation (its
		 * room, at most twice the vertices, moves nothing) */
		if (slot_reserve(ws, w, (size_t)na + nb) < 0)
			return -1;
	}
	w->base = packed ? base : 0;
	w->wide = !packed;
	w->n_above = na;
	w->n_below = nb;
	empty_open(ws);
	return 0;
}

static int hull_merge(lsync_hull *dst, const lsync_hull *src);

/* Window i becomes the open one (none is open: ws->open is empty); a
 * new window has no vertex to bring back. */
static int open_window(lsync_windows *ws, uint32_t i, bool fresh)
{
	lsync_hull tmp;

	if (!fresh && hull_merge(&ws->open, window_hull(ws, i, &tmp)) < 0) {
		lsync_hull_fini(&ws->open);
		return -1;
	}
	ws->cur = i;
	ws->cur_lo = ws->w[i].index * ws->width;
	ws->cur_hi = ws->cur_lo + ws->width;
	return 0;
}

/* The closed windows of a grid: what coarsen() reads, or restores. */
typedef struct grid {
	lsync_window *w;
	uint32_t len;
	uint64_t *arena;
	size_t n_words, cap_words;
	int64_t width;
} grid;

static grid grid_of(const lsync_windows *ws)
{
	return (grid){ ws->w, ws->len, ws->arena, ws->n_words, ws->cap_words,
		       ws->width };
}

static void grid_put(lsync_windows *ws, grid g)
{
	ws->w = g.w;
	ws->len = g.len;
	ws->arena = g.arena;
	ws->n_words = g.n_words;
	ws->cap_words = g.cap_words;
	ws->width = g.width;
}

/* ws (no window open, an empty grid of twice old's width) gets old's
 * windows two by two: window j holds old windows 2j and 2j + 1 (floor
 * halving, below 0 too), its hull the merge of theirs. */
static int regrid(lsync_windows *ws, grid old)
{
	lsync_hull tmp;

	for (uint32_t i = 0; i < old.len; i++) {
		int64_t idx = old.w[i].index >> 1; /* arithmetic: floor */

		if (ws->cur == LSYNC_NO_WINDOW || ws->w[ws->cur].index != idx) {
			if (close_open(ws) < 0)
				return -1;
			ws->w[ws->len] = (lsync_window){ .index = idx };
			ws->cur = ws->len++;
		}
		/* decoded after close_open(), which may move the scratch */
		if (hull_merge(&ws->open, closed_hull(old.arena, old.width,
						      &old.w[i], ws->scratch,
						      &tmp)) < 0)
			return -1;
	}
	return close_open(ws);
}

/*
 * The grid twice as wide, when a pair would have more than ws->max
 * windows. The hull of a union of point sets is the hull of the union of
 * their hulls, so each window holds exactly what a grid of that width
 * would have held from the start: the grid a pair ends with is the
 * narrowest (the setting, doubled k times) with at most ws->max non-empty
 * windows, a function of the set of messages, whatever their order.
 * -1 on allocation failure, the grid then as it was.
 */
static int coarsen(lsync_windows *ws)
{
	grid old;
	lsync_window *w;

	/* widths stay below 2^62, 2 * width in range: at 2^51 ns, fewer
	 * than 8192 windows cover every timestamp (LSYNC_TS_MIN..MAX) */
	if (close_open(ws) < 0 || ws->width > INT64_MAX / 4 ||
	    !(w = malloc((size_t)ws->cap * sizeof(*w))))
		return -1;
	old = grid_of(ws);
	grid_put(ws, (grid){ w, 0, NULL, 0, 0, 2 * old.width });
	if (regrid(ws, old) < 0) {
		free(ws->w);
		lsync_words_free(ws->arena, ws->cap_words);
		empty_open(ws);
		grid_put(ws, old);
		return -1;
	}
	free(old.w);
	lsync_words_free(old.arena, old.cap_words);
	ws->doublings++;
	return 0;
}

/* Index and position of x's window, the grid coarsened first if that
 * window is new and the pair has ws->max windows already. */
static int64_t find_or_coarsen(lsync_windows *ws, int64_t x, int64_t idx,
			       uint32_t *i)
{
	for (;;) {
		*i = window_find(ws, idx);
		if ((*i < ws->len && ws->w[*i].index == idx) || ws->len < ws->max)
			return idx;
		if (coarsen(ws) < 0)
			return INT64_MIN;
		idx = floor_div64(x, ws->width);
	}
}

static lsync_hull *window_at(lsync_windows *ws, int64_t x)
{
	int64_t idx;
	uint32_t i;
	bool fresh;

	/* in time order, the next window: no division */
	if (ws->cur != LSYNC_NO_WINDOW && x >= ws->cur_hi &&
	    x - ws->cur_hi < ws->width)
		idx = ws->w[ws->cur].index + 1;
	else
		idx = floor_div64(x, ws->width);
	if (ws->cur != LSYNC_NO_WINDOW && ws->w[ws->cur].index == idx)
		return &ws->open;
	if (close_open(ws) < 0 ||
	    (idx = find_or_coarsen(ws, x, idx, &i)) == INT64_MIN)
		return NULL;
	fresh = i == ws->len || ws->w[i].index != idx;
	if (fresh) {
		if (ws->len == ws->cap) {
			uint32_t cap = ws->cap ? 2 * ws->cap : 16;
			lsync_window *w;

			if (cap > UINT32_MAX / 2 ||
			    !(w = realloc(ws->w, (size_t)cap * sizeof(*w))))
				return NULL;
			ws->w = w;
			ws->cap = cap;
		}
		memmove(ws->w + i + 1, ws->w + i,
			(ws->len - i) * sizeof(*ws->w));
		ws->w[i] = (lsync_window){ .index = idx };
		ws->len++;
	}
	return open_window(ws, i, fresh) < 0 ? NULL : &ws->open;
}

lsync_hull *lsync_windows_prepare(lsync_windows *ws, int64_t x)
{
	lsync_hull *h;

	if (ws->cur != LSYNC_NO_WINDOW && x >= ws->cur_lo && x < ws->cur_hi)
		h = &ws->open;
	else if (!(h = window_at(ws, x)))
		return NULL;
	return lsync_hull_reserve(h) < 0 ? NULL : h;
}

/* ---- unions of windows ------------------------------------------------ */

/* dst gets every vertex of src (the hull of the union of both sets). */
static int hull_merge(lsync_hull *dst, const lsync_hull *src)
{
	for (uint32_t i = 0; i < src->above.len; i++)
		if (lsync_hull_reserve(dst) < 0 ||
		    lsync_hull_add_above(dst, src->above.pts[i].x,
					 src->above.pts[i].y) < 0)
			return -1;
	for (uint32_t i = 0; i < src->below.len; i++)
		if (lsync_hull_reserve(dst) < 0 ||
		    lsync_hull_add_below(dst, src->below.pts[i].x,
					 src->below.pts[i].y) < 0)
			return -1;
	return 0;
}

/* The union of windows [first, last], skipping `skip` (or UINT32_MAX). */
static int union_of(const lsync_windows *ws, uint32_t first, uint32_t last,
		    uint32_t skip, lsync_hull *h)
{
	lsync_hull tmp;

	for (uint32_t i = first; i <= last; i++)
		if (i != skip && hull_merge(h, window_hull(ws, i, &tmp)) < 0)
			return -1;
	return 0;
}

int lsync_windows_union(const lsync_windows *ws, lsync_hull *hull)
{
	return ws->len ? union_of(ws, 0, ws->len - 1, UINT32_MAX, hull) : 0;
}

static bool feasible(const lsync_hull *h)
{
	lsync_hull_solution sol;

	lsync_hull_solve(h, &sol);
	return sol.quality != LTTSYNC_QUALITY_FAIL;
}

static int64_t extent(const lsync_chain *c)
{
	return c->len ? c->pts[c->len - 1].x - c->pts[0].x : -1;
}

/* Messages both ways, each direction spanning min_span of x. */
static bool has_evidence(const lsync_hull *h, int64_t min_span)
{
	return extent(&h->above) >= min_span && extent(&h->below) >= min_span;
}

/* ---- runs and segments ------------------------------------------------ */

/* The smaller of `tight` and the clearance of one window's messages. */
static long double window_clearance(const lsync_hull *w, long double tight)
{
	long double c;

	if (lsync_hull_clearance(w, &c) && c > 0 && c < tight)
		return c;
	return tight;
}

/*
 * Whether window i, the first of a run, has less room than the next one
 * leaves by more than the clearance rule allows: a change of rate inside
 * it. Later windows cannot strain the run beyond its own low room, so it
 * would bend the run's line from one end; it stays a run of its own.
 */
static bool strained_start(const lsync_windows *ws, uint32_t i,
			   long double c_first)
{
	lsync_hull tmp;
	long double c_next = window_clearance(window_hull(ws, i + 1, &tmp),
					      INFINITY);

	return isfinite(c_first) && isfinite(c_next) &&
	       c_first < LSYNC_SEGMENT_CLEARANCE * c_next;
}

typedef struct run {
	uint32_t first, last;
} run;

/* What a run can be: nothing, a short segment (between two segments that
 * contradict each other), a segment. */
enum { RUN_NONE, RUN_SHORT, RUN_SEGMENT };

/* RUN_SHORT: two windows or more that one line explains with finite slope
 * bounds. A single window that one line explains but that lacks the
 * evidence usually holds a change of rate, and its line averages over it. */
static uint8_t run_kind(const lsync_hull *h, bool fits, int64_t min_span,
			uint32_t n_windows)
{
	lsync_hull_solution sol;

	if (!fits)
		return RUN_NONE;
	if (has_evidence(h, min_span))
		return RUN_SEGMENT;
	if (n_windows < 2)
		return RUN_NONE;
	lsync_hull_solve(h, &sol);
	return sol.quality == LTTSYNC_QUALITY_ACCURATE && sol.has_estimate &&
	       sol.estimate.slope > 0 ? RUN_SHORT : RUN_NONE;
}

/*
 * Maximal feasible runs, greedily from the first window. A window that
 * is infeasible on its own is a run of its own.
 */
static int find_runs(const lsync_windows *ws, int64_t min_span, run **out,
		     uint8_t **supported, uint32_t *n_out)
{
	run *r = malloc(ws->len * sizeof(*r));
	uint8_t *sup = malloc(ws->len * sizeof(*sup));
	uint32_t n = 0, i = 0;
	int rc = r && sup ? 0 : -1;

	while (rc == 0 && i < ws->len) {
		lsync_hull h, seen, tmp;
		uint32_t j = i;
		long double tight = INFINITY;

		bool fits;

		lsync_hull_init(&h);
		lsync_hull_init(&seen);
		rc = hull_merge(&h, window_hull(ws, i, &tmp));
		fits = rc == 0 && feasible(&h);
		if (fits) {
			tight = window_clearance(window_hull(ws, i, &tmp), tight);
			while (rc == 0 && j + 1 < ws->len &&
			       !(j == i && strained_start(ws, i, tight))) {
				const lsync_hull *next = window_hull(ws, j + 1, &tmp);
				long double t2 = window_clearance(next, tight), c;

				lsync_hull_fini(&seen);
				lsync_hull_init(&seen);
				if ((rc = hull_merge(&seen, &h)) < 0 ||
				    (rc = hull_merge(&seen, next)) < 0)
					break;
				if (!feasible(&seen))
					break;
				/* one line, but strained: a change of rate */
				if (isfinite(t2) && lsync_hull_clearance(&seen, &c) &&
				    c < LSYNC_SEGMENT_CLEARANCE * t2)
					break;
				tight = t2;
				lsync_hull_fini(&h);
				h = seen;
				lsync_hull_init(&seen);
				j++;
			}
		}
		r[n] = (run){ i, j };
		sup[n] = run_kind(&h, fits, min_span, j - i + 1);
		n++;
		lsync_hull_fini(&h);
		lsync_hull_fini(&seen);
		i = j + 1;
	}
	if (rc < 0) {
		free(r);
		free(sup);
		return -1;
	}
	*out = r;
	*supported = sup;
	*n_out = n;
	return 0;
}

/*
 * Whether the segment [first, .., a_last] and the run [b_first, b_last]
 * contradict each other without the window at each side of the boundary
 * (and without the unsupported windows between them): if not, one wrong
 * point is all that separated them.
 */
static int apart(const lsync_windows *ws, const run *core, uint32_t n_core,
		 run b, bool *out)
{
	lsync_hull h, hb;
	long double ca, cb, c;
	int rc = 0;

	lsync_hull_init(&h);
	lsync_hull_init(&hb);
	for (uint32_t k = 0; rc == 0 && k < n_core; k++)
		rc = union_of(ws, core[k].first, core[k].last,
			      core[n_core - 1].last, &h);
	if (rc == 0 && b.first < b.last)
		rc = union_of(ws, b.first + 1, b.last, UINT32_MAX, &hb);
	/* each side's own room, before they are merged */
	ca = window_clearance(&h, INFINITY);
	cb = window_clearance(&hb, INFINITY);
	if (rc == 0)
		rc = hull_merge(&h, &hb);
	if (rc == 0)
		*out = !feasible(&h);
	/* one line for both, but strained: a change of rate between them,
	 * which one wrong point at the boundary never is */
	if (rc == 0 && !*out && isfinite(fminl(ca, cb)) &&
	    lsync_hull_clearance(&h, &c) &&
	    c < LSYNC_SEGMENT_CLEARANCE * fminl(ca, cb))
		*out = true;
	lsync_hull_fini(&h);
	lsync_hull_fini(&hb);
	return rc;
}

static int slopes_of(const lsync_windows *ws, run r, lsync_hull_solution *sol)
{
	lsync_hull h;

	lsync_hull_init(&h);
	if (union_of(ws, r.first, r.last, UINT32_MAX, &h) < 0) {
		lsync_hull_fini(&h);
		return -1;
	}
	lsync_hull_solve(&h, sol);
	lsync_hull_fini(&h);
	return 0;
}

/*
 * Whether the short run s between segments a and b has a rate of its own:
 * neither neighbour's slope within its slope bounds. A short run's slope
 * is loosely bound; one whose bounds hold a neighbour's slope is a
 * stretch of transition, and its line would only add error.
 */
static int own_rate(const lsync_windows *ws, run a, run s, run b, bool *out)
{
	lsync_hull_solution sa, ss, sb;

	if (slopes_of(ws, a, &sa) < 0 || slopes_of(ws, s, &ss) < 0 ||
	    slopes_of(ws, b, &sb) < 0)
		return -1;
	*out = ss.has_min && ss.has_max;
	if (*out && sa.has_estimate)
		*out = sa.estimate.slope < ss.line_min.slope ||
		       sa.estimate.slope > ss.line_max.slope;
	if (*out && sb.has_estimate)
		*out = sb.estimate.slope < ss.line_min.slope ||
		       sb.estimate.slope > ss.line_max.slope;
	return 0;
}

/*
 * Segments from the runs: supported runs, joined when only an outlier
 * separated them. Between two that contradict each other, the shorter
 * runs that one line explains with messages both ways are segments too
 * (a slew shorter than the minimum span); other runs there are only
 * crossed by the joint. seg[] gets the window ranges.
 */
static int group_runs(const lsync_windows *ws, const run *r,
		      const uint8_t *sup, uint32_t n, run *seg, uint32_t *n_seg)
{
	run *core = malloc((n ? n : 1) * sizeof(*core));
	uint32_t n_core = 0, m = 0, last = 0;
	int rc = core ? 0 : -1;

	for (uint32_t i = 0; rc == 0 && i < n; i++) {
		bool separate = true;

		if (sup[i] != RUN_SEGMENT)
			continue;
		if (m > 0)
			rc = apart(ws, core, n_core, r[i], &separate);
		if (rc < 0)
			break;
		if (m > 0 && !separate) {
			seg[m - 1].last = r[i].last;
			core[n_core++] = r[i];
		} else {
			for (uint32_t k = last + 1; rc == 0 && m > 0 && k < i; k++) {
				bool own = false;

				if (sup[k] == RUN_SHORT &&
				    (rc = own_rate(ws, seg[m - 1], r[k], r[i], &own)) == 0 &&
				    own)
					seg[m++] = r[k];
			}
			if (rc < 0)
				break;
			seg[m++] = r[i];
			core[0] = r[i];
			n_core = 1;
		}
		last = i;
	}
	free(core);
	*n_seg = m;
	return rc;
}

/* ---- joints ------------------------------------------------------------ */

static int badness(lttsync_quality q)
{
	switch (q) {
	case LTTSYNC_QUALITY_ACCURATE: return 0;
	case LTTSYNC_QUALITY_APPROXIMATE: return 1;
	case LTTSYNC_QUALITY_FAIL: return 2;
	default: return 3;
	}
}

static long double seg_width(lsync_segment *s)
{
	long double lo, hi, w = 0;
	int64_t ends[2] = { s->sol.x_first, s->sol.x_last };

	if (s->sol.quality != LTTSYNC_QUALITY_ACCURATE)
		return NAN;
	for (int k = 0; k < 2; k++) {
		lsync_hull_bounds_at(&s->hull, &s->sol, ends[k], &lo, &hi);
		if (!isfinite(lo) || !isfinite(hi))
			return NAN;
		if (hi - lo > w)
			w = hi - lo;
	}
	return w;
}

static lsync_piece piece_of(lsync_segmented *sg, uint32_t k, int64_t from)
{
	return (lsync_piece){ from, sg->seg[k].sol.estimate,
			      seg_width(&sg->seg[k]), (int32_t)k };
}

/*
 * Where a segment's messages in both directions end (start): past it,
 * one direction alone may follow a change of rate that one line cannot
 * (it only bounds the line on one side), so the joint is looked for from
 * there.
 */
static int64_t two_sided_end(const lsync_hull *h)
{
	int64_t a = h->above.pts[h->above.len - 1].x, b = h->below.pts[h->below.len - 1].x;

	return a < b ? a : b;
}

static int64_t two_sided_start(const lsync_hull *h)
{
	int64_t a = h->above.pts[0].x, b = h->below.pts[0].x;

	return a > b ? a : b;
}

/*
 * A joint as a polyline in (x, offset) space: l1 up to the first knot,
 * straight lines between knots, l2 from the last one (offset = y - x).
 * The crossing of l1 and l2 is one knot; a joint segment is two.
 */
#define JOINT_MAX_KNOTS 64

typedef struct joint {
	uint32_t n;
	int64_t x[JOINT_MAX_KNOTS];
	long double off[JOINT_MAX_KNOTS];
	long double lo[JOINT_MAX_KNOTS], hi[JOINT_MAX_KNOTS]; /* the band */
} joint;

/* Whether the straight line from knot i to knot k stays strictly inside
 * the band at every knot between them. */
static bool joint_straight(const joint *j, uint32_t i, uint32_t k)
{
	for (uint32_t t = i + 1; t < k; t++) {
		long double o = j->off[i] + (j->off[k] - j->off[i]) *
			((long double)(j->x[t] - j->x[i]) /
			 (long double)(j->x[k] - j->x[i]));

		if (!(o > j->lo[t] && o < j->hi[t]))
			return false;
	}
	return true;
}

/*
 * Keeps only the knots a path needs to stay inside the band: from each
 * kept knot, straight to the farthest knot it reaches without leaving it
 * (the middles of the band are noisy, a path through all of them zigzags).
 */
static void joint_simplify(joint *j)
{
	uint32_t m = 1, i = 0;

	while (i + 1 < j->n) {
		uint32_t k = j->n - 1;

		while (k > i + 1 && !joint_straight(j, i, k))
			k--;
		j->x[m] = j->x[k];
		j->off[m] = j->off[k];
		j->lo[m] = j->lo[k];
		j->hi[m] = j->hi[k];
		m++;
		i = k;
	}
	j->n = m;
}

static long double joint_offset_at(const joint *j, const lsync_xform *l1,
				   const lsync_xform *l2, int64_t x)
{
	uint32_t i = 0;

	if (x <= j->x[0])
		return j->n == 1 && x == j->x[0] ? j->off[0] :
		       lsync_xform_offset_at(l1, x);
	if (x >= j->x[j->n - 1])
		return lsync_xform_offset_at(l2, x);
	while (x > j->x[i + 1])
		i++;
	return j->off[i] + (j->off[i + 1] - j->off[i]) *
			   ((long double)(x - j->x[i]) /
			    (long double)(j->x[i + 1] - j->x[i]));
}

/* Hull vertices of windows [first, last] on the wrong side of the joint
 * (or on it: a message would have had zero latency). */
static uint64_t joint_violations(const lsync_windows *ws, uint32_t first,
				 uint32_t last, const joint *j,
				 const lsync_xform *l1, const lsync_xform *l2)
{
	uint64_t bad = 0;
	lsync_hull tmp;

	for (uint32_t w = first; w <= last && w < ws->len; w++) {
		const lsync_hull *h = window_hull(ws, w, &tmp);

		for (uint32_t i = 0; i < h->above.len; i++) {
			const lsync_point *pt = &h->above.pts[i];

			bad += joint_offset_at(j, l1, l2, pt->x) >=
			       (long double)(pt->y - pt->x);
		}
		for (uint32_t i = 0; i < h->below.len; i++) {
			const lsync_point *pt = &h->below.pts[i];

			bad += joint_offset_at(j, l1, l2, pt->x) <=
			       (long double)(pt->y - pt->x);
		}
	}
	return bad;
}

/* A chain's y at x by linear interpolation; false outside the chain. */
static bool chain_at(const lsync_chain *c, int64_t x, long double *y)
{
	for (uint32_t i = 0; i + 1 < c->len; i++)
		if (c->pts[i].x <= x && x <= c->pts[i + 1].x) {
			long double dx = (long double)(c->pts[i + 1].x - c->pts[i].x);

			*y = (long double)(c->pts[i].y - x) +
			     (dx > 0 ? (long double)(c->pts[i + 1].y - c->pts[i].y) *
					       ((long double)(x - c->pts[i].x) / dx)
				     : 0);
			return true;
		}
	return false;
}

/*
 * The third candidate: from l1 at p to l2 at q through the middle of each
 * window between them that has messages both ways, at the middle of the
 * stretch where both directions' messages are (several changes of rate
 * within a gap shorter than a segment: neither the crossing nor one joint
 * segment follows them).
 */
static int cmp_x(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void joint_through_windows(const lsync_windows *ws, uint32_t first,
				  uint32_t last, int64_t p, int64_t q,
				  const lsync_xform *l1, const lsync_xform *l2,
				  joint *j)
{
	lsync_hull tmp;
	int64_t xs[JOINT_MAX_KNOTS];
	uint32_t nx = 0;

	j->n = 0;
	j->x[j->n] = p;
	j->off[j->n++] = lsync_xform_offset_at(l1, p);
	for (uint32_t w = first; w <= last && w < ws->len; w++) {
		const lsync_hull *h = window_hull(ws, w, &tmp);
		const lsync_chain *c[2] = { &h->above, &h->below };

		for (int side = 0; side < 2; side++)
			for (uint32_t i = 0; i < c[side]->len && nx < JOINT_MAX_KNOTS - 2; i++)
				if (c[side]->pts[i].x > p && c[side]->pts[i].x < q)
					xs[nx++] = c[side]->pts[i].x;
	}
	qsort(xs, nx, sizeof(*xs), cmp_x);
	for (uint32_t i = 0; i < nx; i++) {
		long double ya = INFINITY, yb = -INFINITY, y;
		int64_t x = xs[i];

		if (x <= j->x[j->n - 1])
			continue;
		for (uint32_t w = first; w <= last && w < ws->len; w++) {
			const lsync_hull *h = window_hull(ws, w, &tmp);

			if (chain_at(&h->above, x, &y) && y < ya)
				ya = y;
			if (chain_at(&h->below, x, &y) && y > yb)
				yb = y;
		}
		if (!isfinite(ya) || !isfinite(yb) || !(ya > yb))
			continue;
		j->x[j->n] = x;
		j->lo[j->n] = yb;
		j->hi[j->n] = ya;
		j->off[j->n++] = (ya + yb) / 2;
	}
	j->x[j->n] = q;
	j->off[j->n++] = lsync_xform_offset_at(l2, q);
	joint_simplify(j);
}

/* The window before (dir -1) or after (dir 1) the one holding x, or w if
 * that is further out. */
static uint32_t near_window(const lsync_windows *ws, int64_t x, uint32_t w,
			    int dir)
{
	uint32_t i = window_find(ws, floor_div64(x, ws->width));

	if (dir < 0)
		i = i > 0 ? i - 1 : 0;
	else
		i = i + 1 < ws->len ? i + 1 : ws->len - 1;
	return dir < 0 ? (i < w ? i : w) : (i > w ? i : w);
}

/* Whether every piece of the joint rises, after `after`. */
static bool joint_increasing(const joint *j, int64_t after)
{
	if (j->x[0] <= after)
		return false;
	for (uint32_t i = 0; i + 1 < j->n; i++)
		if (j->x[i + 1] <= j->x[i] ||
		    !(1 + (j->off[i + 1] - j->off[i]) /
			      (long double)(j->x[i + 1] - j->x[i]) > 0))
			return false;
	return true;
}

/*
 * The joint between segments k and k + 1, whose messages in both
 * directions end at p and start at q: where their estimates cross, if
 * they cross between p and q (a rate change there: the knot is where it
 * happened, as well as the data tell); otherwise a joint segment from the
 * first estimate at p to the second at q, widened around the gap until
 * its slope is within a factor of 2 of theirs (never beyond the middle of
 * either segment's data). Then, counting the hull vertices around the
 * joint that it puts on the wrong side: the crossing wherever it lies
 * within the middles of the two segments' data replaces a joint segment
 * with no more of them; a path through the band of the gap's windows
 * replaces either if it has fewer. Appends the pieces; false if no
 * increasing joint was found.
 */
static bool add_joint(lsync_segmented *sg, uint32_t k, lsync_piece *out,
		      size_t *n)
{
	const lsync_xform *l1 = &sg->seg[k].sol.estimate,
			  *l2 = &sg->seg[k + 1].sol.estimate;
	int64_t p = two_sided_end(&sg->seg[k].hull),
		q = two_sided_start(&sg->seg[k + 1].hull);
	int64_t p0 = p, q0 = q;
	int64_t pmin = sg->seg[k].sol.x_first + (p - sg->seg[k].sol.x_first) / 2;
	int64_t qmax = q + (sg->seg[k + 1].sol.x_last - q) / 2;
	long double dp = lsync_xform_offset_at(l1, p) - lsync_xform_offset_at(l2, p);
	long double dq = lsync_xform_offset_at(l1, q) - lsync_xform_offset_at(l2, q);
	long double smin = fminl(l1->slope, l2->slope), smax = fmaxl(l1->slope, l2->slope);
	long double s = 0;
	uint32_t wa = sg->seg[k].last, wb = sg->seg[k + 1].first;
	joint j, alt;
	uint64_t bad;

	if (dp == 0 || (dp > 0) != (dq > 0)) {
		long double at = (long double)(q - p) * (dp / (dp - dq));
		int64_t knot = p + (int64_t)llroundl(at);

		if (knot <= out[*n - 1].from)
			knot = out[*n - 1].from + 1;
		j.n = 1;
		j.x[0] = knot;
		j.off[0] = lsync_xform_offset_at(l1, knot);
	} else {
		for (int i = 0; i < 64; i++) {
			long double o1 = lsync_xform_offset_at(l1, p),
				    o2 = lsync_xform_offset_at(l2, q);
			int64_t g = q - p;

			s = 1 + (o2 - o1) / (long double)(q - p);
			if ((s >= smin / 2 && s <= smax * 2) || (p <= pmin && q >= qmax))
				break;
			p = p - g < pmin ? pmin : p - g;
			q = q + g > qmax ? qmax : q + g;
		}
		if (!(s > 0) || !isfinite(s) || p <= out[*n - 1].from || q <= p)
			return false;
		j.n = 2;
		j.x[0] = p;
		j.off[0] = lsync_xform_offset_at(l1, p);
		j.x[1] = q;
		j.off[1] = lsync_xform_offset_at(l2, q);
	}
	/* the windows from the first knot any candidate may have to the last */
	wa = near_window(sg->ws, pmin < j.x[0] ? pmin : j.x[0], wa, -1);
	wb = near_window(sg->ws, qmax > j.x[j.n - 1] ? qmax : j.x[j.n - 1], wb, 1);
	bad = joint_violations(sg->ws, wa, wb, &j, l1, l2);
	if (j.n == 2 && dp != dq) {
		/* the estimates' crossing, also outside the gap: the change of
		 * rate may lie within a segment's last window */
		long double at = (long double)(q0 - p0) * (dp / (dp - dq));
		int64_t knot = p0 + (int64_t)llroundl(at);
		uint64_t b;

		alt.n = 1;
		alt.x[0] = knot;
		alt.off[0] = lsync_xform_offset_at(l1, knot);
		if (isfinite(at) && knot >= pmin && knot <= qmax &&
		    knot > out[*n - 1].from &&
		    (b = joint_violations(sg->ws, wa, wb, &alt, l1, l2)) <= bad) {
			j = alt;
			bad = b;
		}
	}
	if (bad > 0 && p0 < q0) {
		joint_through_windows(sg->ws, wa, wb, p0, q0, l1, l2, &alt);
		if (alt.n > 2 && joint_increasing(&alt, out[*n - 1].from) &&
		    joint_violations(sg->ws, wa, wb, &alt, l1, l2) < bad)
			j = alt;
	}
	if (j.n == 1) {
		out[(*n)++] = piece_of(sg, k + 1, j.x[0]);
		return true;
	}
	if (j.n == 2 && s > 0) {
		/* the joint segment, its slope as computed above */
		out[*n] = (lsync_piece){ p, *l1, NAN, -1 };
		out[*n].f.slope = s;
		(*n)++;
		out[(*n)++] = piece_of(sg, k + 1, q);
		return true;
	}
	for (uint32_t i = 0; i + 1 < j.n; i++) {
		out[*n] = (lsync_piece){ j.x[i], *l1, NAN, -1 };
		out[*n].f.slope = 1 + (j.off[i + 1] - j.off[i]) /
				      (long double)(j.x[i + 1] - j.x[i]);
		(*n)++;
	}
	out[(*n)++] = piece_of(sg, k + 1, j.x[j.n - 1]);
	return true;
}

/* Room in *p for `need` pieces (grown by half); false if none. */
static bool pieces_reserve(lsync_piece **p, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 16;
	lsync_piece *q;

	while (c < need)
		c += c / 2;
	if (c == *cap)
		return true;
	if (!(q = realloc(*p, c * sizeof(*q))))
		return false;
	*p = q;
	*cap = c;
	return true;
}

static bool build_pieces(lsync_segmented *sg)
{
	lsync_piece *p = NULL;
	size_t n = 0, cap = 0;

	for (uint32_t k = 0; k < sg->n_seg; k++) {
		const lsync_hull_solution *s = &sg->seg[k].sol;

		if (!s->has_estimate || !(s->estimate.slope > 0) ||
		    !isfinite(s->estimate.slope))
			return false;
	}
	if (!pieces_reserve(&p, &cap, 1))
		return false;
	p[n++] = piece_of(sg, 0, INT64_MIN);
	/* a joint adds at most JOINT_MAX_KNOTS pieces, its next segment's
	 * included */
	for (uint32_t k = 0; k + 1 < sg->n_seg; k++)
		if (!pieces_reserve(&p, &cap, n + JOINT_MAX_KNOTS + 1) ||
		    !add_joint(sg, k, p, &n)) {
			free(p);
			return false;
		}
	lsync_pw_join(p, n);
	sg->pieces = p;
	sg->n_pieces = n;
	return true;
}

/* ---- the segmentation ------------------------------------------------- */

void lsync_segmented_free(lsync_segmented *sg)
{
	for (uint32_t k = 0; k < sg->n_seg; k++)
		lsync_hull_fini(&sg->seg[k].hull);
	free(sg->seg);
	free(sg->pieces);
	memset(sg, 0, sizeof(*sg));
}

/* Solves each segment over all its windows (outliers included). */
static int solve_segments(const lsync_windows *ws, const run *seg, uint32_t m,
			  lsync_segmented *out)
{
	out->seg = calloc(m, sizeof(*out->seg));
	if (!out->seg)
		return -1;
	out->n_seg = m;
	out->quality = LTTSYNC_QUALITY_ACCURATE;
	for (uint32_t k = 0; k < m; k++) {
		lsync_segment *s = &out->seg[k];

		s->first = seg[k].first;
		s->last = seg[k].last;
		lsync_hull_init(&s->hull);
		if (union_of(ws, s->first, s->last, UINT32_MAX, &s->hull) < 0)
			return -1;
		lsync_hull_solve(&s->hull, &s->sol);
		if (badness(s->sol.quality) > badness(out->quality))
			out->quality = s->sol.quality;
	}
	return 0;
}

/*
 * The span a segment's messages need: the setting, doubled as often as
 * the grid was (two windows with the defaults, 2 s on windows of 1 s,
 * whatever the grid). Otherwise, on a grid coarsened past half the
 * setting, one window would be evidence enough, though a window holding
 * a change of rate is one that one line still explains by averaging
 * over the change (segments.h).
 */
static int64_t evidence_span(const lsync_windows *ws, int64_t min_span)
{
	for (unsigned k = 0; k < ws->doublings && min_span <= INT64_MAX / 2; k++)
		min_span *= 2;
	return min_span;
}

int lsync_segment_pair(const lsync_windows *ws, int64_t min_span,
		       lsync_segmented *out)
{
	run *runs = NULL, *seg = NULL;
	uint8_t *sup = NULL;
	uint32_t n = 0, m = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ws || ws->len < 2)
		return 0;
	out->ws = ws;
	/* the bounds keep to the setting: the stretch they read must stay
	 * linear, and a grid doubled already widens it to whole windows */
	out->reach = min_span;
	rc = find_runs(ws, evidence_span(ws, min_span), &runs, &sup, &n);
	if (rc == 0 && !(seg = malloc(n * sizeof(*seg))))
		rc = -1;
	if (rc == 0)
		rc = group_runs(ws, runs, sup, n, seg, &m);
	if (rc == 0 && m >= 2)
		rc = solve_segments(ws, seg, m, out);
	if (rc == 0 && m >= 2 && !build_pieces(out))
		lsync_segmented_free(out); /* no increasing joint: one line */
	if (rc < 0)
		lsync_segmented_free(out);
	free(runs);
	free(sup);
	free(seg);
	return rc;
}

/* ---- bounds ------------------------------------------------------------ */

/* The segments in force at piece k: itself, or the segments either side
 * of the joint it belongs to (a joint may have several pieces; the first
 * and last pieces are segments). */
static void segments_at(const lsync_segmented *sg, size_t k, int32_t *s1,
			int32_t *s2)
{
	size_t a = k, b = k;

	if (sg->pieces[k].seg >= 0) {
		*s1 = *s2 = sg->pieces[k].seg;
		return;
	}
	while (a > 0 && sg->pieces[a].seg < 0)
		a--;
	while (b + 1 < sg->n_pieces && sg->pieces[b].seg < 0)
		b++;
	*s1 = sg->pieces[a].seg;
	*s2 = sg->pieces[b].seg;
}

static bool has_bounds(const lsync_segment *s)
{
	return s->sol.quality == LTTSYNC_QUALITY_ACCURATE ||
	       s->sol.quality == LTTSYNC_QUALITY_APPROXIMATE;
}

/*
 * The hull of the windows within sg->reach of x, shrunk while it
 * contradicts one line; false (h empty) when even x's window does, or no
 * window is near x, or memory ran out.
 */
static bool local_hull(const lsync_segmented *sg, int64_t x, lsync_hull *h,
		       lsync_hull_solution *sol)
{
	const lsync_windows *ws = sg->ws;
	int64_t idx = floor_div64(x, ws->width);
	int64_t k = sg->reach / ws->width;
	lsync_hull tmp;

	for (; k >= 0; k--) {
		uint32_t i = window_find(ws, idx - k);
		int rc = 0;

		lsync_hull_init(h);
		for (; rc == 0 && i < ws->len && ws->w[i].index <= idx + k; i++)
			rc = hull_merge(h, window_hull(ws, i, &tmp));
		if (rc < 0)
			break;
		lsync_hull_solve(h, sol);
		if ((sol->quality == LTTSYNC_QUALITY_ACCURATE ||
		     sol->quality == LTTSYNC_QUALITY_APPROXIMATE) &&
		    x >= sol->x_first && x <= sol->x_last)
			return true;
		/* fewer windows cannot do better than too few messages, nor
		 * reach an x beyond the data */
		if (sol->quality != LTTSYNC_QUALITY_FAIL)
			break;
		lsync_hull_fini(h);
	}
	lsync_hull_fini(h);
	return false;
}

bool lsync_segmented_bounds_at(const lsync_segmented *sg, int64_t x,
			       long double *lo_off, long double *hi_off)
{
	lsync_hull h;
	lsync_hull_solution sol;
	int32_t s[2];

	if (local_hull(sg, x, &h, &sol)) {
		lsync_hull_bounds_at(&h, &sol, x, lo_off, hi_off);
		lsync_hull_fini(&h);
		return true;
	}

	segments_at(sg, lsync_pw_find(sg->pieces, sg->n_pieces, x), &s[0], &s[1]);
	*lo_off = INFINITY;
	*hi_off = -INFINITY;
	for (int i = 0; i < 2; i++) {
		const lsync_segment *g = &sg->seg[s[i]];
		long double lo, hi;

		if (!has_bounds(g))
			return false;
		lsync_hull_bounds_at(&g->hull, &g->sol, x, &lo, &hi);
		*lo_off = fminl(*lo_off, lo);
		*hi_off = fmaxl(*hi_off, hi);
	}
	return true;
}

/* The smallest a-time whose estimate reaches y (E increasing). */
static int64_t estimate_inverse(const lsync_segmented *sg, int64_t y)
{
	__int128 lo = LSYNC_TS_MIN, hi = LSYNC_TS_MAX;

	while (lo < hi) {
		int64_t mid = (int64_t)(lo + (hi - lo) / 2), v;

		if (lsync_pw_apply(sg->pieces, sg->n_pieces, mid, &v) && v >= y)
			hi = mid;
		else
			lo = (__int128)mid + 1;
	}
	return (int64_t)lo;
}

bool lsync_segmented_inverse_bounds(const lsync_segmented *sg, int64_t y_lo,
				    int64_t y_hi, int64_t *x_lo, int64_t *x_hi)
{
	int64_t ys[2] = { y_lo, y_hi };
	bool ok = true;

	*x_lo = INT64_MAX;
	*x_hi = INT64_MIN;
	for (int e = 0; e < 2; e++) {
		int64_t x = estimate_inverse(sg, ys[e]);
		lsync_hull h;
		lsync_hull_solution sol;
		int32_t s[2];

		if (local_hull(sg, x, &h, &sol)) {
			int64_t lo, hi;

			ok &= lsync_hull_inverse_bounds(&h, &sol, y_lo, y_hi,
							&lo, &hi);
			lsync_hull_fini(&h);
			if (lo < *x_lo)
				*x_lo = lo;
			if (hi > *x_hi)
				*x_hi = hi;
			continue;
		}

		segments_at(sg, lsync_pw_find(sg->pieces, sg->n_pieces, x),
			    &s[0], &s[1]);
		for (int i = 0; i < 2; i++) {
			const lsync_segment *g = &sg->seg[s[i]];
			int64_t lo, hi;

			if (!has_bounds(g)) {
				*x_lo = INT64_MIN;
				*x_hi = INT64_MAX;
				return false;
			}
			ok &= lsync_hull_inverse_bounds(&g->hull, &g->sol, y_lo,
							y_hi, &lo, &hi);
			if (lo < *x_lo)
				*x_lo = lo;
			if (hi > *x_hi)
				*x_hi = hi;
		}
	}
	return ok;
}
