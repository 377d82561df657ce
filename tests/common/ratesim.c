/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>

#include "ratesim.h"

#define SIM_EPOCH ((int64_t)1700000000 * 1000000000)
#define MIN_NS (60 * 1e9L)

static void push(rate_clock *c, size_t *cap, long double T, long double rate)
{
	rate_knot *prev;

	if (c->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		c->k = realloc(c->k, *cap * sizeof(*c->k));
		if (!c->k)
			abort();
	}
	/* after the realloc, which may move the knots */
	prev = c->n ? &c->k[c->n - 1] : NULL;
	c->k[c->n].T = T;
	c->k[c->n].rate = rate;
	c->k[c->n].local = prev ? prev->local + prev->rate * (T - prev->T) : 0;
	c->n++;
}

static void make_clock(rate_world *w, rate_clock *c, size_t h, int steps)
{
	size_t cap = 0;
	long double rate = 1 + (2 * sim_uniform(&w->rng) - 1) * 50e-6L;
	long double T = 0, slew_at, slew_len;

	c->base = SIM_EPOCH + (h ? sim_range(&w->rng, -3600000000000, 3600000000000) : 0);
	c->k = NULL;
	c->n = 0;
	push(c, &cap, 0, rate);
	if (!steps)
		return;
	slew_at = (0.1L + 0.8L * sim_uniform(&w->rng)) * w->span;
	slew_len = (5 + 15 * sim_uniform(&w->rng)) * 1e9L;
	for (;;) {
		long double next = T + (3 + 7 * sim_uniform(&w->rng)) * MIN_NS;
		long double step = (1 + 19 * sim_uniform(&w->rng)) * 1e-6L;

		if (slew_at > T && slew_at < next && slew_at + slew_len < w->span) {
			long double sign = sim_uniform(&w->rng) < 0.5 ? -1 : 1;

			push(c, &cap, slew_at, rate + sign * 500e-6L);
			push(c, &cap, slew_at + slew_len, rate);
			if (next <= slew_at + slew_len)
				next = slew_at + slew_len + MIN_NS;
		}
		if (next >= w->span)
			break;
		/* frequency corrections pull back towards the nominal rate */
		rate += (rate > 1 ? -1 : 1) * step * (sim_uniform(&w->rng) < 0.7 ? 1 : -1);
		push(c, &cap, next, rate);
		T = next;
	}
}

void rate_init(rate_world *w, size_t n, uint64_t seed, long double span,
	       int steps)
{
	sim_init(&w->rng, 0, seed, 0, 0);
	w->n = n;
	w->span = span;
	w->c = calloc(n, sizeof(*w->c));
	for (size_t h = 0; h < n; h++)
		make_clock(w, &w->c[h], h, steps);
}

void rate_free(rate_world *w)
{
	for (size_t h = 0; h < w->n; h++)
		free(w->c[h].k);
	free(w->c);
	sim_free(&w->rng);
}

static const rate_knot *knot_at(const rate_clock *c, long double T)
{
	size_t lo = 0, hi = c->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (c->k[mid].T <= T)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &c->k[lo];
}

long double rate_local_rel(const rate_world *w, size_t h, long double T)
{
	const rate_knot *k = knot_at(&w->c[h], T);

	return k->local + k->rate * (T - k->T);
}

int64_t rate_local(const rate_world *w, size_t h, long double T)
{
	return w->c[h].base + (int64_t)floorl(rate_local_rel(w, h, T));
}

long double rate_true_time(const rate_world *w, size_t h, int64_t t)
{
	const rate_clock *c = &w->c[h];
	long double rel = (long double)(t - c->base);
	size_t lo = 0, hi = c->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (c->k[mid].local <= rel)
			lo = mid;
		else
			hi = mid - 1;
	}
	return c->k[lo].T + (rel - c->k[lo].local) / c->k[lo].rate;
}

long double rate_truth(const rate_world *w, size_t from, size_t to, int64_t t)
{
	long double T = rate_true_time(w, from, t);

	return (long double)w->c[to].base + rate_local_rel(w, to, T);
}

static void one_way(rate_world *w, uint32_t h, uint32_t k, double per_second,
		    sim_message **m, size_t *n, size_t *cap)
{
	long double min_lat = (long double)sim_range(&w->rng, 20000, 60000);
	long double gap = 1e9L / per_second;

	for (long double T = gap * sim_uniform(&w->rng); T < w->span;
	     T += gap * (0.5L + sim_uniform(&w->rng))) {
		long double lat = min_lat - 5000 * logl(1 - sim_uniform(&w->rng));

		if (sim_uniform(&w->rng) < 0.01)
			lat += (1 + 9 * sim_uniform(&w->rng)) * 1e6L;
		if (T + lat >= w->span)
			break;
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 4096;
			*m = realloc(*m, *cap * sizeof(**m));
		}
		(*m)[(*n)++] = (sim_message){ h, k, rate_local(w, h, T),
					      rate_local(w, k, T + lat) };
	}
}

void rate_messages(rate_world *w, uint32_t h, uint32_t k, double per_second,
		   sim_message **m, size_t *n)
{
	size_t cap = *n; /* grows from the exact size: realloc keeps it */

	one_way(w, h, k, per_second, m, n, &cap);
	one_way(w, k, h, per_second, m, n, &cap);
}

static int cmp_ld(const void *a, const void *b)
{
	long double x = *(const long double *)a, y = *(const long double *)b;

	return (x > y) - (x < y);
}

long double *rate_changes(const rate_world *w, size_t *n)
{
	size_t total = 0, i = 0;
	long double *t;

	for (size_t h = 0; h < w->n; h++)
		total += w->c[h].n - 1;
	t = malloc((total ? total : 1) * sizeof(*t));
	for (size_t h = 0; h < w->n; h++)
		for (size_t k = 1; k < w->c[h].n; k++)
			t[i++] = w->c[h].k[k].T;
	qsort(t, total, sizeof(*t), cmp_ld);
	*n = total;
	return t;
}
