/* SPDX-License-Identifier: MIT */
/*
 * A pair's kept messages, thinned for drawing: millions of dots make an
 * unreadable, huge page. Drawn are the highest and lowest message of each
 * direction in each column of the figure (so the clouds keep their
 * outline), and every k-th of the rest; messages on the wrong side of the
 * estimate have their own share, so that contradictions stay visible.
 * The hull vertices are drawn apart, all of them.
 */
#include <stdlib.h>
#include <string.h>

#include "plot.h"

struct column {
	struct plot_point lo, hi;
	bool used, lo_sampled, hi_sampled;
};

struct thin {
	lttsync_session *s;
	struct plot_pair *p;
	size_t kept;
	size_t n_cols;
	struct column *cols[2];
	uint64_t stride[2][2];    /* [dir][contra] */
	uint64_t seen[2][2];
	size_t cap[2];
};

/* A kept message in the pair plane: direction, x, y. */
static bool oriented(struct thin *t, size_t i, int *dir, int64_t *x,
		     int64_t *y)
{
	lttsync_message m;

	if (lttsync_session_get_kept_message(&m, t->s, t->p->a, t->p->b, i))
		return false;
	*dir = m.send_host == t->p->a ? 0 : 1;
	*x = *dir ? m.recv_ns : m.send_ns;
	*y = *dir ? m.send_ns : m.recv_ns;
	return true;
}

static bool residual(const struct plot_pair *p, int dir, int64_t x,
		     int64_t y, double *r, bool *contra)
{
	int64_t ref;

	if (!plot_ref(p, x, &ref))
		return false;
	*r = (double)((__int128)y - ref);
	*contra = dir ? *r > 0 : *r < 0;
	return true;
}

static void widen(struct plot_pair *p, int64_t x, int64_t y)
{
	if (!p->has_data) {
		p->x0 = p->x1 = x;
		p->y0 = p->y1 = y;
		p->has_data = true;
		return;
	}
	p->x0 = x < p->x0 ? x : p->x0;
	p->x1 = x > p->x1 ? x : p->x1;
	p->y0 = y < p->y0 ? y : p->y0;
	p->y1 = y > p->y1 ? y : p->y1;
}

/* First pass: the span and the counts. */
static void count(struct thin *t)
{
	struct plot_pair *p = t->p;

	for (size_t i = 0; i < t->kept; i++) {
		int dir;
		int64_t x, y;
		double r;
		bool contra;

		if (!oriented(t, i, &dir, &x, &y))
			continue;
		if (!p->est && !p->dir[0].hull_known && !p->dir[1].hull_known &&
		    !p->has_data)
			p->base = y - x;
		if (!residual(p, dir, x, y, &r, &contra))
			continue;
		widen(p, x, y);
		p->dir[dir].total++;
		p->dir[dir].contra += contra;
	}
}

static uint64_t stride_for(uint64_t n, size_t budget)
{
	return budget && n > budget ? (n + budget - 1) / budget : 1;
}

static int push(struct thin *t, int dir, const struct plot_point *q)
{
	struct plot_dir *d = &t->p->dir[dir];

	if (d->n_drawn == t->cap[dir]) {
		size_t cap = t->cap[dir] ? 2 * t->cap[dir] : 256;
		struct plot_point *n = realloc(d->drawn, cap * sizeof(*n));

		if (!n)
			return -1;
		d->drawn = n;
		t->cap[dir] = cap;
	}
	d->drawn[d->n_drawn++] = *q;
	return 0;
}

static void column_add(struct thin *t, int dir, const struct plot_point *q,
		       bool sampled)
{
	double span = (double)((__int128)t->p->x1 - t->p->x0) + 1;
	size_t k = (size_t)(q->x / span * (double)t->n_cols);
	struct column *c = &t->cols[dir][k < t->n_cols ? k : t->n_cols - 1];

	if (!c->used || q->r < c->lo.r) {
		c->lo = *q;
		c->lo_sampled = sampled;
	}
	if (!c->used || q->r > c->hi.r) {
		c->hi = *q;
		c->hi_sampled = sampled;
	}
	c->used = true;
}

/* Second pass: every k-th message, and each column's extremes. */
static int sample(struct thin *t)
{
	struct plot_pair *p = t->p;

	for (size_t i = 0; i < t->kept; i++) {
		struct plot_point q = { 0 };
		int dir;
		int64_t x, y;
		bool keep;

		if (!oriented(t, i, &dir, &x, &y) ||
		    !residual(p, dir, x, y, &q.r, &q.contra))
			continue;
		q.x = (double)((__int128)x - p->x0);
		keep = t->seen[dir][q.contra]++ % t->stride[dir][q.contra] == 0;
		if (keep && push(t, dir, &q))
			return -1;
		column_add(t, dir, &q, keep);
	}
	for (int dir = 0; dir < 2; dir++)
		for (size_t k = 0; k < t->n_cols; k++) {
			struct column *c = &t->cols[dir][k];

			if (c->used && !c->lo_sampled && push(t, dir, &c->lo))
				return -1;
			if (c->used && !c->hi_sampled && c->hi.r != c->lo.r &&
			    push(t, dir, &c->hi))
				return -1;
		}
	return 0;
}

int plot_thin_messages(struct plot_pair *p, lttsync_session *s, size_t budget)
{
	struct thin t = { .s = s, .p = p };
	int rc;

	if (lttsync_session_get_kept_message_count(&t.kept, s, p->a, p->b))
		return 0;
	count(&t);
	t.n_cols = budget / 4 > 400 ? 400 : budget / 4 ? budget / 4 : 1;
	for (int dir = 0; dir < 2; dir++) {
		uint64_t contra = p->dir[dir].contra;
		size_t share = contra ? budget / 3 : 0;

		t.stride[dir][1] = stride_for(contra, share);
		t.stride[dir][0] = stride_for(p->dir[dir].total - contra,
					      budget - share);
	}
	t.cols[0] = calloc(t.n_cols, sizeof(struct column));
	t.cols[1] = calloc(t.n_cols, sizeof(struct column));
	rc = t.cols[0] && t.cols[1] ? sample(&t) : -1;
	free(t.cols[0]);
	free(t.cols[1]);
	return rc;
}
