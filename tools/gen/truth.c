/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: the ground truth. truth.json says, for every host, its clock
 * (host clock = floor(base_ns + rate * T), T the true time in ns since the
 * start of the run) and what its trace holds; "segments" counts what a
 * matcher can find. --messages writes each matchable segment as a CSV row
 * in the format of `lttsync --messages`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "layout.h"

/* 1 + drift_num / 2^40 as an exact decimal (a binary fraction ends). */
static void rate_string(char *out, size_t size, int64_t drift_num)
{
	const uint64_t one = 1ULL << DRIFT_SHIFT, mask = one - 1;
	uint64_t n = (uint64_t)((int64_t)one + drift_num);
	uint64_t frac = n & mask;
	size_t len = (size_t)snprintf(out, size, "%" PRIu64, n >> DRIFT_SHIFT);

	if (frac && len + 1 < size)
		out[len++] = '.';
	while (frac && len + 1 < size) {
		frac *= 10;
		out[len++] = (char)('0' + (frac >> DRIFT_SHIFT));
		frac &= mask;
	}
	out[len] = '\0';
}

/*
 * --rate-changes: "rate_changes": [{"t_ns": T, "rate": "DEC"}, ...], the
 * rate in force from true time T on (the first, T = 0, is "rate"). The
 * clock is floor(base_ns + T + the integral of (rate - 1) from 0 to T).
 */
static void json_rate_changes(struct sbuf *b, const struct host *h)
{
	char rate[64];

	sb_printf(b, "     \"rate_changes\": [");
	for (uint32_t k = 0; k < h->n_knots; k++) {
		rate_string(rate, sizeof rate, h->knots[k].drift_num);
		sb_printf(b, "%s{\"t_ns\": %" PRIu64 ", \"rate\": \"%s\"}",
			  k ? ", " : "", h->knots[k].t, rate);
	}
	sb_printf(b, "],\n");
}

static void json_host(struct sbuf *b, const struct gen *g,
		      const struct host *h, bool last)
{
	const struct layout *l = layout_get(h->layout);
	char rate[64];

	rate_string(rate, sizeof rate, h->drift_num);
	sb_printf(b, "    {\"name\": \"%s\", \"layout\": \"%s\", "
		  "\"trace\": \"%s/kernel\", \"base_ns\": %" PRId64 ", "
		  "\"rate\": \"%s\", \"offset_ns\": %" PRId64 ", "
		  "\"drift_ppm\": %.9f,\n", h->name, l->name, h->name,
		  h->base_ns, rate, h->offset_ns,
		  (double)h->drift_num / (double)(1ULL << DRIFT_SHIFT) * 1e6);
	if (h->n_knots)
		json_rate_changes(b, h);
	sb_printf(b, "     \"tracer\": \"lttng-modules %d.%d.%d\", "
		  "\"clock_offset_ns\": %" PRIu64 ", \"cpus\": %u,\n",
		  l->major, l->minor, l->patch, h->clock_offset, g->o.cpus);
	sb_printf(b, "     \"events\": %" PRIu64 ", \"send_events\": %" PRIu64
		  ", \"receive_events\": %" PRIu64 ", \"tcp_send_events\": %"
		  PRIu64 ", \"tcp_receive_events\": %" PRIu64
		  ", \"no_header_events\": %" PRIu64 ", \"noise_events\": %"
		  PRIu64 ", \"bytes\": %" PRIu64 "}%s\n",
		  h->c.events, h->c.net_send, h->c.net_recv, h->c.tcp_send,
		  h->c.tcp_recv, h->c.no_header, h->c.noise, h->c.bytes,
		  last ? "" : ",");
}

static void json_segments(struct sbuf *b, const struct gen *g)
{
	const struct seg_counts *s = &g->seg;
	uint64_t sent = 0, received = 0;

	for (unsigned i = 0; i < g->n_hosts; i++) {
		sent += g->hosts[i].c.tcp_send;
		received += g->hosts[i].c.tcp_recv;
	}
	sb_printf(b, "  \"segments\": {\"sent\": %" PRIu64 ", \"received\": %"
		  PRIu64 ", \"matched_possible\": %" PRIu64
		  ", \"retransmitted\": %" PRIu64
		  ", \"retransmitted_original_lost\": %" PRIu64
		  ", \"retransmitted_both_received\": %" PRIu64
		  ", \"retransmitted_copy_lost\": %" PRIu64 ",\n",
		  sent, received, s->matched_possible, s->retransmitted,
		  s->rtx_original_lost, s->rtx_both_received, s->rtx_copy_lost);
	sb_printf(b, "    \"segmented\": %" PRIu64 ", \"segment_pieces\": %"
		  PRIu64 ", \"loopback\": %" PRIu64 ", \"one_sided\": %" PRIu64
		  ", \"one_sided_sent\": %" PRIu64 ", \"one_sided_received\": %"
		  PRIu64 ",\n", s->segmented, s->segment_pieces, s->loopback,
		  s->one_sided_sent + s->one_sided_received, s->one_sided_sent,
		  s->one_sided_received);
	sb_printf(b, "    \"unmatchable_layout\": %" PRIu64
		  ", \"outside_trace\": %" PRIu64 ", \"tcp_segments\": %" PRIu64
		  ", \"udp\": %" PRIu64 ", \"icmp\": %" PRIu64 "}\n",
		  s->unmatchable_layout, s->outside_trace, s->tcp_segments,
		  s->udp, s->icmp);
}

static const char *topology_name(enum gen_topology t)
{
	return t == TOPO_STAR ? "star" : t == TOPO_MESH ? "mesh" : "chain";
}

static void json_run(struct sbuf *b, const struct gen *g)
{
	const struct gen_options *o = &g->o;

	sb_printf(b, "{\n  \"generator\": \"" GEN_NAME " " GEN_VERSION "\",\n"
		  "  \"seed\": %" PRIu64 ", \"duration_ns\": %" PRIu64
		  ", \"start_epoch_ns\": %" PRIu64 ",\n", o->seed,
		  o->duration_ns, g->epoch_ns);
	sb_printf(b, "  \"topology\": \"%s\", \"flows\": %u, \"flow_rate\": %.17g, "
		  "\"min_latency_ns\": %" PRIu64 ", \"mean_delay_ns\": %" PRIu64
		  ",\n", topology_name(o->topology), g->n_flows, o->rate,
		  o->min_latency_ns, o->mean_delay_ns);
	sb_printf(b, "  \"reference_clock\": \"host clock = floor(base_ns + "
		  "rate * T)\",\n  \"T\": \"true time in ns since the start of "
		  "the run, 0 <= T < duration_ns\",\n");
}

void truth_write(const struct gen *g)
{
	struct sbuf b = { 0 };
	char *path = gen_path(g->o.outdir, "truth.json");
	FILE *f;

	json_run(&b, g);
	sb_printf(&b, "  \"hosts\": [\n");
	for (unsigned i = 0; i < g->n_hosts; i++)
		json_host(&b, g, &g->hosts[i], i + 1 == g->n_hosts);
	sb_printf(&b, "  ],\n");
	json_segments(&b, g);
	sb_printf(&b, "}\n");
	f = fopen(path, "w");
	if (!f || fwrite(b.s, 1, b.len, f) != b.len || fclose(f) != 0)
		gen_die(GEN_EXIT_IO, "cannot write %s: %s", path,
			strerror(errno));
	sb_free(&b);
	free(path);
}

void truth_message(struct gen *g, int send_host, uint64_t send_t,
		   int recv_host, uint64_t recv_t)
{
	const struct host *s = &g->hosts[send_host], *r = &g->hosts[recv_host];

	if (!g->messages)
		return;
	fprintf(g->messages, "%s,%" PRIu64 ",%s,%" PRIu64 "\n", s->name,
		host_clock(s, send_t), r->name, host_clock(r, recv_t));
}

void truth_summary(const struct gen *g, double seconds)
{
	uint64_t events = 0, bytes = 0, sent = 0, received = 0;

	for (unsigned i = 0; i < g->n_hosts; i++) {
		events += g->hosts[i].c.events;
		bytes += g->hosts[i].c.bytes;
		sent += g->hosts[i].c.tcp_send;
		received += g->hosts[i].c.tcp_recv;
	}
	printf(GEN_NAME ": %u hosts, %" PRIu64 " events, %.1f MB in %.3f s "
	       "(%.2f M events/s); TCP keys: %" PRIu64 " sent, %" PRIu64
	       " received, %" PRIu64 " matchable; %s\n", g->n_hosts, events,
	       (double)bytes / 1e6, seconds,
	       seconds > 0 ? (double)events / seconds / 1e6 : 0.0, sent,
	       received, g->seg.matched_possible, g->o.outdir);
}
