/* SPDX-License-Identifier: MIT */
/*
 * Simulated clocks whose rate changes, for ground-truth tests of the
 * piecewise synchronization. Host h's clock reads
 *
 *     L_h(T) = floor(base_h + integral from 0 to T of rate_h)
 *
 * with rate_h piecewise constant: NTP-like frequency steps of 1-20 ppm
 * every 3-10 minutes, and one slew of +-500 ppm lasting 5-20 s. The true
 * relation between two clocks is thus known exactly at any time.
 */
#ifndef LTTSYNC_TESTS_RATESIM_H
#define LTTSYNC_TESTS_RATESIM_H

#include <stddef.h>
#include <stdint.h>

#include "simulate.h"

typedef struct rate_knot {
	long double T;       /* true ns since the start */
	long double rate;    /* from T on */
	long double local;   /* L_h(T) - base_h, before the floor */
} rate_knot;

typedef struct rate_clock {
	int64_t base;
	rate_knot *k;
	size_t n;
} rate_clock;

typedef struct rate_world {
	size_t n;
	rate_clock *c;
	sim_world rng;       /* random numbers only */
	long double span;    /* ns */
} rate_world;

/* n hosts over `span` ns; steps: whether rates change at all. */
void rate_init(rate_world *w, size_t n, uint64_t seed, long double span,
	       int steps);
void rate_free(rate_world *w);

/* L_h(T), before the floor (relative to base_h), and the reading. */
long double rate_local_rel(const rate_world *w, size_t h, long double T);
int64_t rate_local(const rate_world *w, size_t h, long double T);

/* The true time at which host h reads t (exactly, before the floor). */
long double rate_true_time(const rate_world *w, size_t h, int64_t t);

/* Host `to`'s exact reading when host `from` reads t. */
long double rate_truth(const rate_world *w, size_t from, size_t to, int64_t t);

/*
 * About `per_second` messages a second each way between h and k:
 * one-way latency min_lat (per direction, 20-60 us) plus exponential
 * jitter (mean 5 us) plus, for 1 %, 1-10 ms. Appends to *m (realloc'ed).
 */
void rate_messages(rate_world *w, uint32_t h, uint32_t k, double per_second,
		   sim_message **m, size_t *n);

/* The true times at which some host's rate changes (sorted), *n of them. */
long double *rate_changes(const rate_world *w, size_t *n);

#endif
