/* SPDX-License-Identifier: MIT */
/* lttsync-gen: the command line. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "layout.h"

static const char help_text[] =
"NAME\n"
"    lttsync-gen - write synthetic LTTng kernel traces with known clocks\n"
"\n"
"SYNOPSIS\n"
"    lttsync-gen [OPTION]... OUTDIR\n"
"\n"
"DESCRIPTION\n"
"    Simulates N hosts exchanging TCP segments (and some UDP and ICMP)\n"
"    and writes, for each host, the CTF 1.8 kernel trace that lttng-modules\n"
"    would have written, in OUTDIR/<hostname>/kernel/, stamped with that\n"
"    host's clock: floor(base_ns + rate * T) at true time T (ns since the\n"
"    start). OUTDIR/truth.json holds every host's clock and what the\n"
"    traces contain. The same options and seed give the same bytes.\n"
"\n"
"    Segments are delayed by a minimum latency plus an exponential delay;\n"
"    some are retransmitted, some large sends are received as several\n"
"    segments, some go through loopback, some to or from untraced hosts.\n"
"    Scheduling and syscall events, and ARP packets (network events with\n"
"    no IP header), are interleaved as noise.\n"
"\n"
"OPTIONS\n"
"    -n, --hosts N              number of traced hosts (default 3)\n"
"    -l, --layouts L1,L2,...    trace layouts, cycled over the hosts\n"
"                               (default modules-2.10.5):\n"
"          modules-2.9     lttng-modules 2.9.0-2.9.7, 2.10.0-2.10.4\n"
"          modules-2.10.5  2.9.8+, 2.10.5+, 2.11 (transport_header_type)\n"
"          modules-2.13    2.13 (adds UDP and ICMP headers)\n"
"          modules-2.6     as 2.9, receive event spelled netif_receive_skb\n"
"          experimental    the net_data_experimental branch\n"
"          addons-a        addons module, flags read as (flags<<8)|doff\n"
"          addons-b        addons module, flags = TCP header bytes 12-13\n"
"          old             lttng-modules 2.5: no headers, nothing to match\n"
"    -t, --topology T           chain, star or mesh: which host pairs\n"
"                               exchange traffic (default chain)\n"
"    -s, --seed N               random seed (default 1)\n"
"    -d, --duration SECONDS     traced time (default 10)\n"
"    -r, --rate R               segments per second per flow (default 100)\n"
"    -f, --flows-per-pair N     TCP flows per host pair (default 2)\n"
"        --max-offset-ns N      clock offsets are drawn in [-N, N]\n"
"                               (default 10000000000, 10 s)\n"
"        --max-drift-ppm P      drifts are drawn in [-P, P] ppm (default 50)\n"
"        --rate-changes         clock rates change as NTP, chrony and\n"
"                               temperature make them: steps of 1-20 ppm\n"
"                               every 3-10 minutes, a random walk of\n"
"                               +-0.02 ppm every 10 s, one +-500 ppm slew\n"
"                               of 5-20 s per host (truth.json lists them)\n"
"        --min-latency-ns N     smallest one-way delay (default 50000)\n"
"        --mean-delay-ns N      mean of the exponential delay added to it\n"
"                               (default 100000)\n"
"        --retransmit-fraction F    data segments sent twice (default 0.01)\n"
"        --segmentation-fraction F  data sends received as several\n"
"                               segments (default 0.02)\n"
"        --loopback-fraction F  a host's TCP segments on loopback\n"
"                               (default 0.05)\n"
"        --one-sided-fraction F a host's TCP segments to or from an\n"
"                               untraced host (default 0.05)\n"
"        --ipv6-fraction F      flows over IPv6 (default 0.2; never for\n"
"                               addons hosts, which trace IPv4 only)\n"
"        --udp-fraction F       per pair with a modules-2.13 host, a UDP\n"
"                               flow at F times the TCP rate (default 0.05)\n"
"        --icmp-fraction F      the same for ICMP echo (default 0.02)\n"
"    -c, --cpus N               CPUs per host, one stream each (default 2)\n"
"        --noise-per-segment F  other events per network event on each\n"
"                               host (default 2)\n"
"        --packet-size BYTES    stream packet size, a multiple of 8,\n"
"                               at least 512 (default 262144)\n"
"    -m, --messages FILE        also write the matchable segments as CSV\n"
"                               (send_host,send_ns,recv_host,recv_ns)\n"
"        --force                write into a non-empty OUTDIR\n"
"    -q, --quiet                no summary line\n"
"    -h, --help                 this help\n"
"    -V, --version              the version\n"
"\n"
"FILES\n"
"    OUTDIR/<host>/kernel/metadata, channel0_0 ... channel0_<cpus-1>\n"
"    OUTDIR/truth.json: per host \"base_ns\" (integer), \"rate\" (exact\n"
"        decimal string), offset and drift, and what its trace holds;\n"
"        \"segments\": \"matched_possible\" counts the TCP keys (seq,\n"
"        ack_seq, flags) the traces hold exactly once sent and once\n"
"        received, on two hosts whose layouts carry keys: what a matcher\n"
"        that drops repeated keys pairs.\n"
"\n"
"EXIT STATUS\n"
"    0 success, 1 bad usage, 2 a file could not be written.\n";

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, GEN_NAME ": ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '" GEN_NAME " --help' for more information.\n");
	exit(GEN_EXIT_USAGE);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t min,
			  uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);     /* which would take "-1" for 2^64 - 1 */
	if (*s == '-' || end == s || errno || *end || v < min || v > max) {
		fprintf(stderr, GEN_NAME ": invalid value for %s: '%s' "
			"(expected an integer in [%llu, %llu])\n", opt, s,
			(unsigned long long)min, (unsigned long long)max);
		exit(GEN_EXIT_USAGE);
	}
	return v;
}

static double parse_double(const char *opt, const char *s, double min,
			   double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max) {
		fprintf(stderr, GEN_NAME ": invalid value for %s: '%s' "
			"(expected a number in [%g, %g])\n", opt, s, min, max);
		exit(GEN_EXIT_USAGE);
	}
	return v;
}

static void parse_layouts(struct gen_options *o, const char *arg)
{
	char *copy = gen_xstrdup(arg), *save = NULL;

	o->n_layouts = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int id = layout_by_name(tok);

		if (id < 0) {
			fprintf(stderr, GEN_NAME ": unknown layout '%s' "
				"(known: %s)\n", tok, layout_names());
			exit(GEN_EXIT_USAGE);
		}
		if (o->n_layouts == GEN_MAX_LAYOUT_LIST)
			usage_error("too many layouts in '%s'", arg);
		o->layouts[o->n_layouts++] = id;
	}
	free(copy);
	if (o->n_layouts == 0)
		usage_error("no layout in '%s'", arg);
}

static enum gen_topology parse_topology(const char *s)
{
	if (strcmp(s, "chain") == 0)
		return TOPO_CHAIN;
	if (strcmp(s, "star") == 0)
		return TOPO_STAR;
	if (strcmp(s, "mesh") == 0)
		return TOPO_MESH;
	usage_error("unknown topology '%s' (chain, star or mesh)", s);
	return TOPO_CHAIN;
}

static void defaults(struct gen_options *o)
{
	memset(o, 0, sizeof *o);
	o->hosts = 3;
	o->layouts[0] = L_MODULES_2105;
	o->n_layouts = 1;
	o->topology = TOPO_CHAIN;
	o->seed = 1;
	o->duration_ns = 10000000000ULL;
	o->rate = 100;
	o->flows_per_pair = 2;
	o->max_offset_ns = 10000000000ULL;
	o->max_drift_ppm = 50;
	o->min_latency_ns = 50000;
	o->mean_delay_ns = 100000;
	o->retransmit_fraction = 0.01;
	o->segmentation_fraction = 0.02;
	o->loopback_fraction = 0.05;
	o->one_sided_fraction = 0.05;
	o->ipv6_fraction = 0.2;
	o->udp_fraction = 0.05;
	o->icmp_fraction = 0.02;
	o->cpus = 2;
	o->noise_per_segment = 2;
	o->packet_size = 262144;
}

enum {
	OPT_MAX_OFFSET = 256, OPT_MAX_DRIFT, OPT_MIN_LATENCY, OPT_MEAN_DELAY,
	OPT_RETRANSMIT, OPT_SEGMENTATION, OPT_LOOPBACK, OPT_ONE_SIDED,
	OPT_IPV6, OPT_UDP, OPT_ICMP, OPT_NOISE, OPT_PACKET_SIZE, OPT_FORCE,
	OPT_RATE_CHANGES
};

static const struct option long_options[] = {
	{ "hosts", required_argument, NULL, 'n' },
	{ "layouts", required_argument, NULL, 'l' },
	{ "topology", required_argument, NULL, 't' },
	{ "seed", required_argument, NULL, 's' },
	{ "duration", required_argument, NULL, 'd' },
	{ "rate", required_argument, NULL, 'r' },
	{ "flows-per-pair", required_argument, NULL, 'f' },
	{ "max-offset-ns", required_argument, NULL, OPT_MAX_OFFSET },
	{ "max-drift-ppm", required_argument, NULL, OPT_MAX_DRIFT },
	{ "min-latency-ns", required_argument, NULL, OPT_MIN_LATENCY },
	{ "mean-delay-ns", required_argument, NULL, OPT_MEAN_DELAY },
	{ "retransmit-fraction", required_argument, NULL, OPT_RETRANSMIT },
	{ "segmentation-fraction", required_argument, NULL, OPT_SEGMENTATION },
	{ "loopback-fraction", required_argument, NULL, OPT_LOOPBACK },
	{ "one-sided-fraction", required_argument, NULL, OPT_ONE_SIDED },
	{ "ipv6-fraction", required_argument, NULL, OPT_IPV6 },
	{ "udp-fraction", required_argument, NULL, OPT_UDP },
	{ "icmp-fraction", required_argument, NULL, OPT_ICMP },
	{ "cpus", required_argument, NULL, 'c' },
	{ "noise-per-segment", required_argument, NULL, OPT_NOISE },
	{ "packet-size", required_argument, NULL, OPT_PACKET_SIZE },
	{ "messages", required_argument, NULL, 'm' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "rate-changes", no_argument, NULL, OPT_RATE_CHANGES },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Options whose value is a number: where it goes and its range. */
enum num_type { NUM_UINT, NUM_U64, NUM_DOUBLE, NUM_SECONDS };

struct num_option {
	int code;
	const char *name;
	enum num_type type;
	size_t offset;          /* in struct gen_options */
	double min, max;
};

#define OPT(c, n, t, field, lo, hi) \
	{ c, n, t, offsetof(struct gen_options, field), lo, hi }

static const struct num_option num_options[] = {
	OPT('n', "--hosts", NUM_UINT, hosts, 1, 10000),
	OPT('s', "--seed", NUM_U64, seed, 0, 18446744073709551615.0),
	OPT('d', "--duration", NUM_SECONDS, duration_ns, 1e-6, 1e6),
	OPT('r', "--rate", NUM_DOUBLE, rate, 1e-3, 1e8),
	OPT('f', "--flows-per-pair", NUM_UINT, flows_per_pair, 0, 1000),
	OPT('c', "--cpus", NUM_UINT, cpus, 1, 256),
	OPT(OPT_MAX_OFFSET, "--max-offset-ns", NUM_U64, max_offset_ns, 0, 1e14),
	OPT(OPT_MAX_DRIFT, "--max-drift-ppm", NUM_DOUBLE, max_drift_ppm, 0, 1000),
	OPT(OPT_MIN_LATENCY, "--min-latency-ns", NUM_U64, min_latency_ns, 0, 1e10),
	OPT(OPT_MEAN_DELAY, "--mean-delay-ns", NUM_U64, mean_delay_ns, 0, 1e10),
	OPT(OPT_RETRANSMIT, "--retransmit-fraction", NUM_DOUBLE,
	    retransmit_fraction, 0, 1),
	OPT(OPT_SEGMENTATION, "--segmentation-fraction", NUM_DOUBLE,
	    segmentation_fraction, 0, 1),
	OPT(OPT_LOOPBACK, "--loopback-fraction", NUM_DOUBLE, loopback_fraction,
	    0, 1),
	OPT(OPT_ONE_SIDED, "--one-sided-fraction", NUM_DOUBLE,
	    one_sided_fraction, 0, 1),
	OPT(OPT_IPV6, "--ipv6-fraction", NUM_DOUBLE, ipv6_fraction, 0, 1),
	OPT(OPT_UDP, "--udp-fraction", NUM_DOUBLE, udp_fraction, 0, 100),
	OPT(OPT_ICMP, "--icmp-fraction", NUM_DOUBLE, icmp_fraction, 0, 100),
	OPT(OPT_NOISE, "--noise-per-segment", NUM_DOUBLE, noise_per_segment,
	    0, 1e4),
	OPT(OPT_PACKET_SIZE, "--packet-size", NUM_UINT, packet_size, 512,
	    1 << 30),
};

static void store_number(struct gen_options *o, const struct num_option *n,
			 const char *arg)
{
	char *field = (char *)o + n->offset;

	switch (n->type) {
	case NUM_UINT:
		*(uint32_t *)(void *)field = (uint32_t)parse_u64(n->name, arg,
			(uint64_t)n->min, (uint64_t)n->max);
		break;
	case NUM_U64:
		*(uint64_t *)(void *)field = parse_u64(n->name, arg,
			(uint64_t)n->min, n->max >= 1.8e19 ? UINT64_MAX :
			(uint64_t)n->max);
		break;
	case NUM_DOUBLE:
		*(double *)(void *)field = parse_double(n->name, arg, n->min,
							 n->max);
		break;
	case NUM_SECONDS:
		*(uint64_t *)(void *)field = (uint64_t)llround(
			parse_double(n->name, arg, n->min, n->max) * 1e9);
		break;
	}
}

/* Stores a numeric option's value; false when c is not one. */
static bool numeric_option(struct gen_options *o, int c, const char *arg)
{
	for (size_t i = 0; i < sizeof num_options / sizeof *num_options; i++)
		if (num_options[i].code == c) {
			store_number(o, &num_options[i], arg);
			if (c == OPT_PACKET_SIZE && o->packet_size % 8)
				usage_error("invalid value for --packet-size: "
					    "'%s' (not a multiple of 8)", arg);
			return true;
		}
	return false;
}

/* getopt's optopt names a bad short option; a long one is argv's. */
static void bad_option(const char *arg)
{
	char name[3] = { '-', (char)optopt, '\0' };

	usage_error("unknown option '%s'", optopt ? name : arg);
}

static void check_consistency(const struct gen_options *o)
{
	if (o->loopback_fraction + o->one_sided_fraction >= 0.99)
		usage_error("%s", "--loopback-fraction + --one-sided-fraction "
			    "must stay below 0.99");
}

void gen_parse_options(struct gen_options *o, int argc, char **argv)
{
	int c;

	defaults(o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:l:t:s:d:r:f:c:m:qhV",
				long_options, NULL)) != -1) {
		if (numeric_option(o, c, optarg))
			continue;
		switch (c) {
		case 'l': parse_layouts(o, optarg); break;
		case 't': o->topology = parse_topology(optarg); break;
		case 'm': o->messages_path = optarg; break;
		case 'q': o->quiet = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_RATE_CHANGES: o->rate_changes = true; break;
		case 'h': fputs(help_text, stdout); exit(0);
		case 'V': printf(GEN_NAME " " GEN_VERSION "\n"); exit(0);
		case ':':
			usage_error("option '%s' needs a value", argv[optind - 1]);
			break;
		default:
			bad_option(argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		usage_error("%s", optind >= argc ? "give the output folder (OUTDIR)" :
			    "give one output folder only");
	o->outdir = argv[optind];
	check_consistency(o);
}
