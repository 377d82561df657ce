/* SPDX-License-Identifier: MIT */
/*
 * A simulator of hosts with known clocks, for ground-truth tests and the
 * benchmark. Host h's clock reads
 *
 *     L_h(T) = floor(base_h + rate_h * T)        (ns)
 *
 * at true time T (ns since the simulation's start), with base_h near
 * 1.7e18 ns (2023 in Unix time) plus an offset of up to hours, and rate_h
 * = 1 + drift (up to +-200 ppm). The true relation between two clocks is
 * therefore exactly linear, and every simulated message (sent at T,
 * received at T + latency, latency >= 10 us) is consistent with it.
 */
#ifndef LTTSYNC_TESTS_SIMULATE_H
#define LTTSYNC_TESTS_SIMULATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_world {
	size_t n;
	int64_t *base;       /* L_h(0) */
	long double *rate;   /* dL_h/dT */
	uint64_t rng;
} sim_world;

typedef struct sim_message {
	uint32_t send_host, recv_host;
	int64_t send_ns, recv_ns;
} sim_message;

/* max_offset_ns: |base_h - base_0| bound; max_ppm: |rate_h - 1| bound. */
void sim_init(sim_world *w, size_t n, uint64_t seed, int64_t max_offset_ns,
	      double max_ppm);
void sim_free(sim_world *w);

uint64_t sim_rand(sim_world *w);
/* Uniform in [0, 1). */
double sim_uniform(sim_world *w);
/* Uniform integer in [lo, hi]. */
int64_t sim_range(sim_world *w, int64_t lo, int64_t hi);

int64_t sim_local(const sim_world *w, size_t h, long double T);

/*
 * A message from h to k sent at true time T with latency
 * min_lat + exponential(mean_extra) ns.
 */
sim_message sim_message_at(sim_world *w, uint32_t h, uint32_t k,
			   long double T, int64_t min_lat, double mean_extra);

/*
 * The true time on host `to` of the instant host `from` reads t, minus t
 * (an offset, as a long double to keep the fractional ns).
 */
long double sim_true_offset(const sim_world *w, size_t from, size_t to,
			    int64_t t);

/* Fisher-Yates shuffle of n messages. */
void sim_shuffle(sim_world *w, sim_message *m, size_t n);

#endif
