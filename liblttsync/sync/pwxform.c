/* SPDX-License-Identifier: MIT */
/* Piecewise-linear transforms (see pwxform.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pwxform.h"

size_t lsync_pw_find(const lsync_piece *p, size_t n, int64_t t)
{
	size_t lo = 0, hi = n - 1;

	/* the last piece whose from <= t; p[0].from is the smallest */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (p[mid].from <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

bool lsync_pw_apply(const lsync_piece *p, size_t n, int64_t t, int64_t *out)
{
	return lsync_xform_apply(&p[lsync_pw_find(p, n, t)].f, t, out);
}

void lsync_pw_join(lsync_piece *p, size_t n)
{
	for (size_t k = 1; k < n; k++) {
		lsync_xform at = lsync_xform_repivot(&p[k - 1].f, p[k].from);

		at.slope = p[k].f.slope;
		p[k].f = at;
	}
}

/* Drops pieces that became empty (same `from` as the next one). */
static size_t drop_empty(lsync_piece *p, size_t n)
{
	size_t m = 0;

	for (size_t k = 0; k < n; k++) {
		if (m > 0 && p[k].from <= p[m - 1].from)
			m--; /* the earlier piece has no length left */
		p[m++] = p[k];
	}
	if (m)
		p[0].from = INT64_MIN;
	return m;
}

bool lsync_pw_invert(const lsync_piece *p, size_t n, lsync_piece **out,
		     size_t *out_n)
{
	lsync_piece *q = calloc(n ? n : 1, sizeof(*q));

	if (!q)
		return false;
	for (size_t k = 0; k < n; k++) {
		q[k] = p[k];
		if (!lsync_xform_invert(&p[k].f, &q[k].f) || !(q[k].f.slope > 0)) {
			free(q);
			return false;
		}
		if (k == 0)
			q[k].from = INT64_MIN;
		else if (!lsync_xform_apply(&p[k].f, p[k].from, &q[k].from)) {
			free(q);
			return false;
		}
	}
	*out_n = drop_empty(q, n);
	lsync_pw_join(q, *out_n);
	*out = q;
	return true;
}

/*
 * The first t with inner(t) >= u (inner increasing): from the inverse of
 * the piece that reaches u, then a few steps to settle the rounding.
 */
static bool first_reaching(const lsync_piece *p, size_t n, int64_t u,
			   int64_t *out)
{
	size_t lo = 0, hi = n - 1;
	lsync_xform inv;
	int64_t t, v;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (lsync_xform_apply(&p[mid].f, p[mid].from, &v) && v <= u)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (!lsync_xform_invert(&p[lo].f, &inv) || !lsync_xform_apply(&inv, u, &t))
		return false;
	if (lo > 0 && t < p[lo].from)
		t = p[lo].from;
	for (int i = 0; i < 64; i++) {
		if (!lsync_pw_apply(p, n, t, &v))
			return false;
		if (v >= u)
			break;
		t++;
	}
	for (int i = 0; i < 64 && t > INT64_MIN; i++) {
		if (!lsync_pw_apply(p, n, t - 1, &v) || v < u)
			break;
		t--;
	}
	*out = t;
	return true;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

bool lsync_pw_compose(const lsync_piece *outer, size_t n_outer,
		      const lsync_piece *inner, size_t n_inner,
		      lsync_piece **out, size_t *out_n)
{
	size_t nb = 0, m = 0;
	int64_t *b = malloc((n_outer + n_inner) * sizeof(*b));
	lsync_piece *q = calloc(n_outer + n_inner, sizeof(*q));
	bool ok = b && q;

	if (ok)
		b[nb++] = INT64_MIN;
	for (size_t k = 1; ok && k < n_inner; k++)
		b[nb++] = inner[k].from;
	for (size_t j = 1; ok && j < n_outer; j++)
		ok = first_reaching(inner, n_inner, outer[j].from, &b[nb++]);
	if (ok)
		qsort(b + 1, nb - 1, sizeof(*b), cmp_i64);
	for (size_t i = 0; ok && i < nb; i++) {
		int64_t t = i ? b[i] : nb > 1 ? b[1] - 1 : inner[0].f.x0, v;
		size_t ki, ko;

		if (i && b[i] == b[i - 1])
			continue;
		ki = lsync_pw_find(inner, n_inner, t);
		if (!lsync_pw_apply(inner, n_inner, t, &v)) {
			ok = false;
			break;
		}
		ko = lsync_pw_find(outer, n_outer, v);
		q[m].from = b[i];
		q[m].f = lsync_xform_compose(&outer[ko].f, &inner[ki].f);
		q[m].width = NAN;
		q[m].seg = inner[ki].seg;
		m++;
	}
	free(b);
	if (!ok) {
		free(q);
		return false;
	}
	m = drop_empty(q, m);
	lsync_pw_join(q, m);
	*out = q;
	*out_n = m;
	return true;
}
