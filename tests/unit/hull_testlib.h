/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the hull tests (test_hull, test_hull_brute,
 * test_hull_large): a seeded generator, long double comparisons that
 * allow for valgrind's reduced x87 precision, assertions on solutions,
 * true lines with messages around them, and exact rational slopes.
 */
#ifndef HULL_TESTLIB_H
#define HULL_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hull.h"

typedef __int128 i128;

/* ---- random numbers ---------------------------------------------------- */

/* The generator's state: each test sets its own seed. */
extern uint64_t rng_state;
uint64_t rnd(void);
int64_t rnd_in(int64_t lo, int64_t hi);

/* ---- long double ------------------------------------------------------- */

long double ld(i128 v);
long double ld_eps(void);
bool close_to(long double a, long double b, long double mag);
bool is_inf(long double v, int sign);
long double xf_rel(const lsync_xform *f, int64_t x, int64_t base);

/* ---- solutions --------------------------------------------------------- */

lsync_hull_solution solve(const lsync_hull *h);
i128 floor_div(i128 n, i128 d);
void assert_xform(const lsync_xform *f, int64_t x0, int64_t y0,
		  long double frac, long double slope);
void assert_bounds(const lsync_hull *h, const lsync_hull_solution *s,
		   int64_t x, long double lo, long double hi);

/* ---- true lines -------------------------------------------------------- */

/* A true line, rational: y = Y0 + (x - X0) * (D + k) / D. */
typedef struct truth {
	int64_t x0, y0;
	int64_t k;
} truth;

#define TRUTH_D 1000000000LL

i128 truth_num(const truth *t, int64_t x);
int64_t truth_floor(const truth *t, int64_t x);
truth random_truth(void);
void random_messages(lsync_hull *h, const truth *t, int n, int64_t span);

/* ---- exact slopes ------------------------------------------------------ */

/* Slopes are n/d with d > 0, or infinite (inf = -1 or 1). */
typedef struct bsl {
	i128 n, d;
	int inf;
} bsl;

int bsl_cmp(bsl p, bsl q);
long double bsl_ld(bsl s);

#endif
