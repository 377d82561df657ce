/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: synthetic LTTng kernel traces with known clocks.
 *
 * Usage:
 *   lttsync-gen [OPTION]... OUTDIR
 *
 *   lttsync-gen -n 3 -l modules-2.9,addons-a,modules-2.13 -d 5 out/
 *       three hosts in a chain, five seconds, one layout each; writes
 *       out/host0/kernel/{metadata,channel0_0,channel0_1}, ... and
 *       out/truth.json
 *   babeltrace2 out/host1/kernel
 *       reads one of them
 *   lttsync-gen -n 8 -t mesh -r 20000 -d 60 --noise-per-segment 4 big/
 *       a benchmark-sized run (GBs); memory does not grow with -d
 *   lttsync-gen --help
 *       every option, and the layouts
 *
 * truth.json gives each host's clock as host clock = floor(base_ns +
 * rate * T), T being the true time in ns since the start of the run
 * ("base_ns" an integer, "rate" an exact decimal string), and counts what
 * the traces hold ("segments": "matched_possible" is what a matcher that
 * drops repeated keys should pair). --messages FILE lists those pairs as
 * CSV for `lttsync --messages`.
 *
 * Same options and seed, same bytes. Exit status: 0, 1 on bad usage, 2 when
 * a file cannot be written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void open_messages(struct gen *g)
{
	static char buf[1 << 16];

	if (!g->o.messages_path)
		return;
	g->messages = fopen(g->o.messages_path, "w");
	if (!g->messages)
		gen_die(GEN_EXIT_IO, "cannot create %s", g->o.messages_path);
	setvbuf(g->messages, buf, _IOFBF, sizeof buf);
	fprintf(g->messages, "send_host,send_ns,recv_host,recv_ns\n");
}

static void close_messages(struct gen *g)
{
	if (g->messages && fclose(g->messages) != 0)
		gen_die(GEN_EXIT_IO, "cannot write %s", g->o.messages_path);
	g->messages = NULL;
}

static void free_all(struct gen *g)
{
	for (unsigned i = 0; i < g->n_flows; i++)
		for (int s = 0; s < 2; s++)
			free(g->flows[i].side[s].q.v);
	free(g->flows);
	for (unsigned i = 0; i < g->n_hosts; i++)
		free(g->hosts[i].knots);
	free(g->hosts);
}

int main(int argc, char **argv)
{
	struct gen g;
	double t0 = now(), seconds;

	memset(&g, 0, sizeof g);
	gen_rng_tables();
	gen_parse_options(&g.o, argc, argv);
	gen_setup_hosts(&g);
	gen_prepare(&g);
	open_messages(&g);
	gen_run(&g);
	close_messages(&g);
	truth_write(&g);
	seconds = now() - t0;
	if (!g.o.quiet)
		truth_summary(&g, seconds);
	free_all(&g);
	return 0;
}
