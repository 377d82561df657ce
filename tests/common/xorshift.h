/* SPDX-License-Identifier: MIT */
/*
 * rng(): a deterministic xorshift64 of the tests, the same sequence on
 * every run and machine, so that failures reproduce. Each file that
 * includes it has its own state.
 */
#ifndef LTTSYNC_TESTS_XORSHIFT_H
#define LTTSYNC_TESTS_XORSHIFT_H

#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static inline uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#endif
