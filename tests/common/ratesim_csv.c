/* SPDX-License-Identifier: MIT */
/*
 * Writes the messages of simulated hosts whose clock rates change
 * (tests/ratesim.h) as a --messages CSV on standard output, and the truth
 * to TRUTH: lines "host,t,t_ref", t_ref being host0's exact reading (12
 * decimals) when the host reads t.
 * Usage: ratesim_csv HOSTS SECONDS SEED TRUTH
 */
#include <stdio.h>
#include <stdlib.h>

#include "ratesim.h"

int main(int argc, char **argv)
{
	rate_world w;
	sim_message *m = NULL;
	size_t n = 0;
	FILE *truth;
	int hosts;

	if (argc != 5 || (hosts = atoi(argv[1])) < 2) {
		fprintf(stderr, "usage: ratesim_csv HOSTS SECONDS SEED TRUTH\n");
		return 1;
	}
	rate_init(&w, (size_t)hosts, strtoull(argv[3], NULL, 10),
		  atof(argv[2]) * 1e9L, 1);
	for (uint32_t h = 0; h < (uint32_t)hosts; h++)
		for (uint32_t k = h + 1; k < (uint32_t)hosts; k++)
			rate_messages(&w, h, k, 12, &m, &n);
	for (size_t i = 0; i < n; i++)
		printf("host%u,%lld,host%u,%lld\n", m[i].send_host,
		       (long long)m[i].send_ns, m[i].recv_host,
		       (long long)m[i].recv_ns);
	truth = fopen(argv[4], "w");
	if (!truth)
		return 1;
	for (uint32_t h = 1; h < (uint32_t)hosts; h++)
		for (int i = 0; i < 1000; i++) {
			int64_t t = rate_local(&w, h, (0.001L + 0.998L *
						       sim_uniform(&w.rng)) * w.span);

			fprintf(truth, "host%u,%lld,%.3Lf\n", h, (long long)t,
				rate_truth(&w, h, 0, t));
		}
	fclose(truth);
	free(m);
	rate_free(&w);
	return 0;
}
