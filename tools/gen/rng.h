/* SPDX-License-Identifier: MIT */
/*
 * Random numbers for lttsync-gen: xoshiro256** (Blackman and Vigna's
 * public-domain generator, written here from its published description),
 * seeded through splitmix64. Every flow and every host's noise has its own
 * generator, so that what one flow does never depends on how many events
 * another one drew: the network traffic is the same whatever the noise
 * level, and the output depends only on the options and the seed.
 *
 * The exponential sampler uses its own logarithm (plain IEEE arithmetic,
 * no libm) so that outputs are the same bit for bit on every libm.
 */
#ifndef LTTSYNC_GEN_RNG_H
#define LTTSYNC_GEN_RNG_H

#include <stdint.h>
#include <string.h>

struct gen_rng {
	uint64_t s[4];
};

static inline uint64_t gen_splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A generator for (seed, stream, index): independent streams of one seed. */
static inline void gen_rng_init(struct gen_rng *r, uint64_t seed,
				uint64_t stream, uint64_t index)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL) ^
		     (index * 0x8CB92BA72F3D8DD7ULL);

	for (int i = 0; i < 4; i++)
		r->s[i] = gen_splitmix(&x);
}

static inline uint64_t gen_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t gen_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = gen_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = gen_rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1). */
static inline double gen_uniform(struct gen_rng *r)
{
	return (double)(gen_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply-shift). */
static inline uint64_t gen_below(struct gen_rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)gen_next(r) * n) >> 64);
}

static inline int gen_chance(struct gen_rng *r, double p)
{
	return p > 0 && gen_uniform(r) < p;
}

/*
 * Natural logarithm of x > 0 (normal numbers only): x = m * 2^e with
 * m in [sqrt(2)/2, sqrt(2)), ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172,
 * series to s^9: relative error below 1e-9, enough for delays.
 */
static inline double gen_log(double x)
{
	uint64_t bits;
	int e;
	double m, s, s2;

	memcpy(&bits, &x, sizeof bits);
	e = (int)((bits >> 52) & 0x7FF) - 1023;
	bits = (bits & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
	memcpy(&m, &bits, sizeof m);
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	s = (m - 1) / (m + 1);
	s2 = s * s;
	return e * 0.6931471805599453 +
	       2 * s * (1 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 / 9))));
}

/*
 * -ln(u) for u uniform in (0, 1), from 64 random bits without a division:
 * u = 2^-(z+1) * m, z leading zeros, m in [1, 2); ln m = T[i] + ln(1 + x)
 * with T[i] = ln c_i at the centre c_i of m's 1/256 bin, x = (m - c_i) / c_i
 * (|x| < 0.002, three terms: error below 1e-11). The table is filled once
 * by gen_rng_tables() from gen_log(), so results never depend on libm.
 */
struct gen_log_bin {
	double centre, inv, ln;
};
extern struct gen_log_bin gen_log_bins[256];
void gen_rng_tables(void);

static inline double gen_neg_log_uniform(struct gen_rng *r)
{
	uint64_t u = gen_next(r) | 1;     /* never 0: at most 63 zeros */
	int z = __builtin_clzll(u);
	uint64_t frac = u << z << 1;      /* m's bits after the leading 1 */
	const struct gen_log_bin *b = &gen_log_bins[frac >> 56];
	double m = 1.0 + (double)(frac >> 11) * 0x1.0p-53;
	double x = (m - b->centre) * b->inv;
	double ln_m = b->ln + x * (1 - x * (0.5 - x * (1.0 / 3)));

	return (z + 1) * 0.6931471805599453 - ln_m;
}

/* Exponential with the given mean. */
static inline double gen_exp(struct gen_rng *r, double mean)
{
	return mean * gen_neg_log_uniform(r);
}

#endif
