/* SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdlib.h>

#include "../common/simulate.h"

#define SIM_EPOCH ((int64_t)1700000000 * 1000000000)

uint64_t sim_rand(sim_world *w)
{
	/* splitmix64: small, fast, and good enough for test data. */
	uint64_t z = (w->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double sim_uniform(sim_world *w)
{
	return (double)(sim_rand(w) >> 11) * 0x1p-53;
}

int64_t sim_range(sim_world *w, int64_t lo, int64_t hi)
{
	uint64_t span = (uint64_t)(hi - lo) + 1;

	return span == 0 ? (int64_t)sim_rand(w) : lo + (int64_t)(sim_rand(w) % span);
}

void sim_init(sim_world *w, size_t n, uint64_t seed, int64_t max_offset_ns,
	      double max_ppm)
{
	w->n = n;
	w->rng = seed;
	w->base = calloc(n ? n : 1, sizeof(*w->base));
	w->rate = calloc(n ? n : 1, sizeof(*w->rate));
	for (size_t h = 0; h < n; h++) {
		w->base[h] = SIM_EPOCH + (h ? sim_range(w, -max_offset_ns,
							 max_offset_ns) : 0);
		w->rate[h] = 1.0L + (long double)((2 * sim_uniform(w) - 1) *
						   max_ppm * 1e-6);
	}
}

void sim_free(sim_world *w)
{
	free(w->base);
	free(w->rate);
	w->base = NULL;
	w->rate = NULL;
}

int64_t sim_local(const sim_world *w, size_t h, long double T)
{
	return w->base[h] + (int64_t)floorl(w->rate[h] * T);
}

sim_message sim_message_at(sim_world *w, uint32_t h, uint32_t k,
			   long double T, int64_t min_lat, double mean_extra)
{
	double extra = -mean_extra * log(1.0 - sim_uniform(w));
	sim_message m = {
		.send_host = h,
		.recv_host = k,
		.send_ns = sim_local(w, h, T),
		.recv_ns = sim_local(w, k, T + (long double)min_lat + extra),
	};

	return m;
}

long double sim_true_offset(const sim_world *w, size_t from, size_t to,
			    int64_t t)
{
	/* T = (t - base_from) / rate_from; result = base_to + rate_to * T. */
	long double T = (long double)(t - w->base[from]) / w->rate[from];

	return (long double)(w->base[to] - t) + w->rate[to] * T;
}

void sim_shuffle(sim_world *w, sim_message *m, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(sim_rand(w) % i);
		sim_message tmp = m[i - 1];

		m[i - 1] = m[j];
		m[j] = tmp;
	}
}
