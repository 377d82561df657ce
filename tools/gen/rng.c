/* SPDX-License-Identifier: MIT */
/* lttsync-gen: the logarithm table of the exponential sampler (rng.h). */
#include "rng.h"

struct gen_log_bin gen_log_bins[256];

void gen_rng_tables(void)
{
	for (int i = 0; i < 256; i++) {
		double c = 1.0 + (i + 0.5) / 256.0;

		gen_log_bins[i].centre = c;
		gen_log_bins[i].inv = 1.0 / c;
		gen_log_bins[i].ln = gen_log(c);
	}
}
