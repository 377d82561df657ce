/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (make bench, tools/bench): the engine's performance targets,
 * measured through the public API on generated data, each figure printed
 * next to its target and written to a JSON summary.
 *
 *   match     packet events/s through lttsync_session_feed_packets() (the
 *             batches the library's trace readers feed; *_one_by_one: one
 *             lttsync_session_feed_packet() call each): many flows, 2 %
 *             retransmitted keys, 30 % never matched;
 *   hull      matched messages/s through lttsync_session_feed_message();
 *   memory    a simulated hour of 100 M packets between 8 hosts, 10 %
 *             never matched, fed in time order: peak RSS of the process;
 *   graph     1,000 hosts, a mesh of 50,000 pairs and a star: time of the
 *             results refresh (the first query after feeding);
 *   apply     timestamps/s through lttsync_transform_apply(), checked on a
 *             sample against an integer-only evaluation of the transform's
 *             printed slope and pivot value.
 *
 * Each run is a child process, so that its peak resident memory
 * (ru_maxrss) is its own. Input is generated outside the timed region in
 * chunks (256 Ki packets, 18 MiB; 64 Ki for the memory run, whose peak
 * therefore includes only 4.5 MiB of bench buffers). Throughput runs are
 * repeated (--repeat, default 3): the best run is the figure, the spread
 * is printed beside it, because the machine is shared.
 *
 * Usage: bench [--json PATH] [--repeat N] [--scale N] [--only NAME]
 *              [--max-pending N] [--segments off]
 *   --scale N divides every size by N (quick smoke runs);
 *   --max-pending N sets the sessions' pending cap for match and memory;
 *   --segments off: sessions keep one line per pair, without windows
 *   (lttsync_session_set_segments(s, 0)), to measure what windows cost.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "../tests/common/ratesim.h"

__extension__ typedef __int128 i128;

/* ---- plumbing ---------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * CPU time of this (single-threaded) process. Figures are rates per CPU
 * second: on the shared 2-core machine other jobs take the core away for
 * whole time slices, which wall time would count as engine cost. Wall
 * time is measured too and printed beside.
 */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct timer {
	double wall0, cpu0;
};

static void timer_start(struct timer *t)
{
	t->wall0 = now();
	t->cpu0 = cpu_now();
}

/* Adds the elapsed times to *cpu and *wall. */
static void timer_stop(const struct timer *t, double *cpu, double *wall)
{
	*cpu += cpu_now() - t->cpu0;
	*wall += now() - t->wall0;
}

static void die(const char *what, lttsync_session *s)
{
	fprintf(stderr, "bench: %s: %s\n", what,
		s ? lttsync_session_get_last_error(s) : "failed");
	exit(1);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * n) >> 32);
}

static bool opt_segments_off; /* --segments off: one line per pair */

static lttsync_session *new_session(size_t n_hosts, lttsync_host_id *ids)
{
	lttsync_session *s;
	char name[32];

	if (lttsync_session_create(&s))
		die("create", NULL);
	if (opt_segments_off && lttsync_session_set_segments(s, 0))
		die("set_segments", s);
	for (size_t h = 0; h < n_hosts; h++) {
		snprintf(name, sizeof(name), "host%04zu", h);
		if (lttsync_session_add_host(&ids[h], s, name))
			die("add_host", s);
	}
	return s;
}

/* ---- simulated clocks (integer only, so generation stays cheap) ------- */

#define EPOCH INT64_C(1700000000000000000)
#define MAX_HOSTS 10000

struct clocks {
	int64_t offset[MAX_HOSTS]; /* ns, up to +-1 s */
	int64_t drift[MAX_HOSTS];  /* parts per 1e9, up to +-50 ppm */
};

static void clocks_init(struct clocks *c, size_t n, uint64_t seed)
{
	for (size_t h = 0; h < n; h++) {
		c->offset[h] = (int64_t)rng_below(&seed, 2000000000u) - 1000000000;
		c->drift[h] = (int64_t)rng_below(&seed, 100001u) - 50000;
	}
}

/* Host h's reading at true time T (ns since the start, T < 2^42). */
static int64_t local_ns(const struct clocks *c, uint32_t h, int64_t T)
{
	return EPOCH + T + c->offset[h] + T / 1000 * c->drift[h] / 1000000;
}

/* ---- packet streams ------------------------------------------------------ */

#define NFLOWS 4096

/*
 * TCP flows between random hosts; each message advances its flow's seq.
 * Fed in time order: a message's receive comes right after its send or
 * one message later (latencies are about the spacing of packets at 100 M
 * packets an hour).
 */
struct pkt_gen {
	struct clocks clk;
	size_t n_hosts;
	lttsync_trace_id trace[16];
	uint32_t src[NFLOWS], dst[NFLOWS], seq[NFLOWS], ack[NFLOWS];
	uint64_t rng;
	double unmatched; /* share of messages seen on the sender only */
	uint64_t made, total;
	int64_t span;     /* ns the whole stream covers */
	lttsync_packet held; /* a receive put after the next send */
	bool has_held;
};

static void pkt_gen_init(struct pkt_gen *g, size_t n_hosts, double unmatched,
			 uint64_t total, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	g->n_hosts = n_hosts;
	g->rng = seed;
	g->unmatched = unmatched;
	g->total = total;
	g->span = INT64_C(3600000000000);
	clocks_init(&g->clk, n_hosts, seed);
	for (uint32_t f = 0; f < NFLOWS; f++) {
		g->src[f] = rng_below(&g->rng, (uint32_t)n_hosts);
		g->dst[f] = (g->src[f] + 1 +
			     rng_below(&g->rng, (uint32_t)n_hosts - 1)) % n_hosts;
		g->seq[f] = (uint32_t)rng_next(&g->rng);
		g->ack[f] = (uint32_t)rng_next(&g->rng);
	}
}

static void put(lttsync_packet *p, size_t *n, const lttsync_packet *q)
{
	p[(*n)++] = *q;
}

/* Up to cap packets (at least 4 of room needed); returns how many. */
static size_t gen_packets(struct pkt_gen *g, lttsync_packet *p, size_t cap)
{
	size_t n = 0;

	while (n + 4 <= cap && g->made < g->total) {
		uint32_t f = rng_below(&g->rng, NFLOWS);
		int64_t T = (int64_t)((i128)g->span * g->made / g->total);
		uint32_t r = rng_below(&g->rng, 1000000);
		lttsync_packet snd, rcv;
		size_t first = n;

		lttsync_packet_init(&snd);
		snd.trace = g->trace[g->src[f]];
		snd.direction = LTTSYNC_DIRECTION_SEND;
		snd.timestamp_ns = local_ns(&g->clk, g->src[f], T);
		snd.seq = (g->seq[f] += 1448);
		snd.ack_seq = (g->ack[f] += (r & 1) * 1448);
		snd.flags = LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH;
		put(p, &n, &snd);
		if (g->has_held) {
			put(p, &n, &g->held);
			g->has_held = false;
		}
		if (r < 20000) { /* 2 %: retransmitted, 200 ms later */
			snd.timestamp_ns += 200000000;
			put(p, &n, &snd);
		}
		if (r >= 20000 && r < 20000 + g->unmatched * 1e6)
			; /* never seen by the receiver */
		else {
			rcv = snd;
			rcv.trace = g->trace[g->dst[f]];
			rcv.direction = LTTSYNC_DIRECTION_RECEIVE;
			rcv.timestamp_ns = local_ns(&g->clk, g->dst[f],
						    T + 20000 + (r >> 4) % 60000);
			if (r & 2)
				put(p, &n, &rcv);
			else {
				g->held = rcv;
				g->has_held = true;
			}
		}
		g->made += n - first;
	}
	if (g->made >= g->total && g->has_held && n < cap) {
		put(p, &n, &g->held);
		g->has_held = false;
	}
	return n;
}

struct result {
	double value;     /* the figure (rate or seconds), per CPU second */
	double busy;      /* CPU seconds timed */
	double wall;      /* wall-clock seconds timed */
	double wall_value; /* the figure by wall-clock time */
	uint64_t aux[3];  /* run-specific counts */
};

/*
 * Feeds `total` packets between n hosts; value = packets/s. In batches
 * through lttsync_session_feed_packets() (what the library's own trace
 * readers do), or one call of lttsync_session_feed_packet() each.
 */
static struct result run_match(size_t n_hosts, uint64_t total,
			       double unmatched, size_t chunk, size_t max_pending,
			       bool batch)
{
	struct pkt_gen *g = malloc(sizeof(*g));
	lttsync_host_id ids[16];
	lttsync_packet *p = malloc(chunk * sizeof(*p));
	lttsync_session *s = new_session(n_hosts, ids);
	struct result res = { 0 };
	uint64_t fed = 0;

	if (!g || !p)
		die("malloc", NULL);
	pkt_gen_init(g, n_hosts, unmatched, total, 7 + n_hosts);
	if (max_pending && lttsync_session_set_max_pending(s, max_pending))
		die("set_max_pending", s);
	for (size_t h = 0; h < n_hosts; h++)
		if (lttsync_session_add_trace(&g->trace[h], s, ids[h], "t"))
			die("add_trace", s);
	for (;;) {
		size_t n = gen_packets(g, p, chunk);
		struct timer tm;

		if (n == 0)
			break;
		timer_start(&tm);
		if (batch) {
			size_t done;

			if (lttsync_session_feed_packets(&done, s, p, n))
				die("feed_packets", s);
		} else {
			for (size_t i = 0; i < n; i++)
				if (lttsync_session_feed_packet(s, &p[i]))
					die("feed_packet", s);
		}
		timer_stop(&tm, &res.busy, &res.wall);
		fed += n;
	}
	if (lttsync_session_get_counter(&res.aux[0], s, LTTSYNC_COUNTER_MATCHED) ||
	    lttsync_session_get_counter(&res.aux[1], s, LTTSYNC_COUNTER_EVICTED) ||
	    lttsync_session_get_counter(&res.aux[2], s, LTTSYNC_COUNTER_PENDING))
		die("counter", s);
	lttsync_session_destroy(s);
	free(g);
	free(p);
	res.value = (double)fed / res.busy;
	res.wall_value = (double)fed / res.wall;
	return res;
}

/* ---- messages for the hulls ------------------------------------------- */

/* Random messages among n hosts over an hour, in time order. */
static struct result run_hull(size_t n_hosts, uint64_t total)
{
	enum { CHUNK = 1 << 20 };
	struct clocks *c = malloc(sizeof(*c));
	lttsync_message *m = malloc(CHUNK * sizeof(*m));
	lttsync_host_id ids[16];
	lttsync_session *s = new_session(n_hosts, ids);
	struct result res = { 0 };
	uint64_t rng = 42 + n_hosts;
	lttsync_quality q;

	if (!c || !m)
		die("malloc", NULL);
	clocks_init(c, n_hosts, rng);
	for (uint64_t done = 0; done < total; done += CHUNK) {
		size_t n = total - done < CHUNK ? (size_t)(total - done) : CHUNK;
		struct timer tm;

		for (size_t i = 0; i < n; i++) {
			uint32_t h = rng_below(&rng, (uint32_t)n_hosts);
			uint32_t k = (h + 1 + rng_below(&rng, (uint32_t)n_hosts - 1)) % n_hosts;
			int64_t T = (int64_t)((i128)INT64_C(3600000000000) * (done + i) / total);

			m[i].send_host = ids[h];
			m[i].recv_host = ids[k];
			m[i].send_ns = local_ns(c, h, T);
			m[i].recv_ns = local_ns(c, k, T + 20000 + rng_below(&rng, 60000));
		}
		timer_start(&tm);
		for (size_t i = 0; i < n; i++)
			if (lttsync_session_feed_message(s, m[i].send_host, m[i].send_ns,
							 m[i].recv_host, m[i].recv_ns))
				die("feed_message", s);
		timer_stop(&tm, &res.busy, &res.wall);
	}
	if (lttsync_session_get_host_quality(&q, s, ids[1]))
		die("quality", s);
	res.aux[0] = q;
	lttsync_session_destroy(s);
	free(c);
	free(m);
	res.value = (double)total / res.busy;
	res.wall_value = (double)total / res.wall;
	return res;
}

/* ---- clocks whose rates change ----------------------------------------- */

/*
 * 4 hosts over `seconds` of trace, rates stepping every 3-10 min and one
 * 500 ppm slew per host (tests/ratesim.h), every pair exchanging about 12
 * messages a second each way, fed in time order in chunks: the time is
 * that of feeding plus the final results (the segmentation). Memory is
 * the process's peak, whose fixed part is the chunk buffer.
 */
static struct result run_piecewise(size_t n_hosts, uint64_t seconds)
{
	enum { CHUNK = 1 << 16 };
	sim_message *m = malloc(CHUNK * sizeof(*m));
	lttsync_host_id ids[16];
	lttsync_session *s = new_session(n_hosts, ids);
	struct result res = { 0 };
	struct timer tm;
	rate_world w;
	long double gap = 1e9L / 12, T = 0;
	uint64_t total = 0;
	lttsync_quality q;
	size_t n = 0;

	if (!m)
		die("malloc", NULL);
	rate_init(&w, n_hosts, 7, (long double)seconds * 1e9L, 1);
	while (T < w.span) {
		for (uint32_t h = 0; h < n_hosts; h++)
			for (uint32_t k = 0; k < n_hosts; k++) {
				long double lat = 20000 - 5000 * logl(1 - sim_uniform(&w.rng));

				if (h == k)
					continue;
				m[n++] = (sim_message){ ids[h], ids[k], rate_local(&w, h, T),
							rate_local(&w, k, T + lat) };
			}
		T += gap * (0.5L + sim_uniform(&w.rng));
		if (n + n_hosts * n_hosts > CHUNK || T >= w.span) {
			timer_start(&tm);
			for (size_t i = 0; i < n; i++)
				if (lttsync_session_feed_message(s, m[i].send_host,
								 m[i].send_ns,
								 m[i].recv_host,
								 m[i].recv_ns))
					die("feed_message", s);
			timer_stop(&tm, &res.busy, &res.wall);
			total += n;
			n = 0;
		}
	}
	timer_start(&tm);
	if (lttsync_session_get_host_quality(&q, s, ids[1]))
		die("quality", s);
	timer_stop(&tm, &res.busy, &res.wall);
	res.aux[0] = q;
	res.aux[1] = total;
	lttsync_session_destroy(s);
	rate_free(&w);
	free(m);
	res.value = (double)total / res.busy;
	res.wall_value = (double)total / res.wall;
	return res;
}

/* ---- graph ------------------------------------------------------------- */

/* Two messages each way between h and k: an accurate pair. */
static void feed_pair(lttsync_session *s, const struct clocks *c,
		      const lttsync_host_id *ids, uint32_t h, uint32_t k,
		      uint64_t *rng)
{
	for (int i = 0; i < 4; i++) {
		int64_t T = INT64_C(1000000000) * (1 + i / 2 * 600) +
			    rng_below(rng, 1000000);
		uint32_t a = i & 1 ? k : h, b = i & 1 ? h : k;
		int64_t lat = 20000 + rng_below(rng, 60000);

		if (lttsync_session_feed_message(s, ids[a], local_ns(c, a, T),
						 ids[b], local_ns(c, b, T + lat)))
			die("feed_message", s);
	}
}

/* value = seconds of the refresh; aux: pairs, hosts synchronized. */
static struct result run_graph(size_t n_hosts, size_t n_pairs, bool star)
{
	struct clocks *c = malloc(sizeof(*c));
	lttsync_host_id *ids = malloc(n_hosts * sizeof(*ids));
	uint8_t *used = calloc(n_hosts * n_hosts, 1);
	lttsync_session *s = new_session(n_hosts, ids);
	struct result res = { 0 };
	uint64_t rng = 99;
	size_t pairs = 0;
	lttsync_host_id ref;
	struct timer tm;

	if (!c || !ids || !used)
		die("malloc", NULL);
	clocks_init(c, n_hosts, rng);
	/* A ring first (the mesh is connected), then random distinct pairs. */
	for (uint32_t h = 0; pairs < n_pairs && h < n_hosts; h++) {
		uint32_t k = star ? 0 : (h + 1) % (uint32_t)n_hosts;

		if (h == k || used[h * n_hosts + k])
			continue;
		used[h * n_hosts + k] = used[k * n_hosts + h] = 1;
		feed_pair(s, c, ids, h, k, &rng);
		pairs++;
	}
	while (!star && pairs < n_pairs) {
		uint32_t h = rng_below(&rng, (uint32_t)n_hosts);
		uint32_t k = rng_below(&rng, (uint32_t)n_hosts);

		if (h == k || used[h * n_hosts + k])
			continue;
		used[h * n_hosts + k] = used[k * n_hosts + h] = 1;
		feed_pair(s, c, ids, h, k, &rng);
		pairs++;
	}
	timer_start(&tm);
	if (lttsync_session_get_reference(&ref, s))
		die("get_reference", s);
	timer_stop(&tm, &res.busy, &res.wall);
	res.value = res.busy;
	res.wall_value = res.wall;
	res.aux[0] = pairs;
	for (size_t h = 0; h < n_hosts; h++) {
		lttsync_quality q;

		if (lttsync_session_get_host_quality(&q, s, ids[h]) == LTTSYNC_OK &&
		    q != LTTSYNC_QUALITY_ABSENT)
			res.aux[1]++;
	}
	lttsync_session_destroy(s);
	free(used);
	free(ids);
	free(c);
	return res;
}

/*
 * value = seconds of a text report on a chain h0 - h1 - ... with h0 the
 * reference (every host's bounds carried along its path, up to n - 1
 * hops); aux: bytes of the report, hosts synchronized.
 */
static struct result run_report_chain(size_t n_hosts)
{
	struct clocks *c = malloc(sizeof(*c));
	lttsync_host_id *ids = malloc(n_hosts * sizeof(*ids));
	lttsync_session *s = new_session(n_hosts, ids);
	FILE *sink = tmpfile();
	struct result res = { 0 };
	uint64_t rng = 7;
	struct timer tm;

	if (!c || !ids || !sink)
		die("malloc", NULL);
	clocks_init(c, n_hosts, rng);
	for (uint32_t h = 0; h + 1 < n_hosts; h++)
		feed_pair(s, c, ids, h, h + 1, &rng);
	if (lttsync_session_set_reference(s, ids[0]))
		die("set_reference", s);
	timer_start(&tm);
	if (lttsync_session_write_text_report(s, sink, 0))
		die("write_text_report", s);
	timer_stop(&tm, &res.busy, &res.wall);
	res.value = res.busy;
	res.wall_value = res.wall;
	res.aux[0] = (uint64_t)ftell(sink);
	for (size_t h = 0; h < n_hosts; h++) {
		lttsync_quality q;

		if (lttsync_session_get_host_quality(&q, s, ids[h]) == LTTSYNC_OK &&
		    (q == LTTSYNC_QUALITY_ACCURATE || q == LTTSYNC_QUALITY_REFERENCE))
			res.aux[1]++;
	}
	fclose(sink);
	lttsync_session_destroy(s);
	free(ids);
	free(c);
	return res;
}

/* ---- transform application ------------------------------------------- */

#define E15 ((i128)1000000000000000)

/* Digits of s after the point, scaled to `ndec` decimals (truncated);
 * the integer part in *ip. Plain decimals only. */
static i128 parse_fixed(const char *s, int ndec, i128 *ip)
{
	i128 f = 0;
	int d = 0;

	*ip = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		*ip = *ip * 10 + (*s - '0');
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && d < ndec; s++, d++)
			f = f * 10 + (*s - '0');
	if (*s && !(*s >= '0' && *s <= '9')) {
		fprintf(stderr, "bench: cannot parse '%s'\n", s);
		exit(1);
	}
	for (; d < ndec; d++)
		f *= 10;
	return f;
}

static i128 floor_div(i128 a, i128 b, i128 *rem)
{
	i128 q = a / b, r = a % b;

	if (r < 0) {
		r += b;
		q--;
	}
	*rem = r;
	return q;
}

/*
 * The transform's printed form evaluated with integers only:
 * pivot_ref + slope * (t - pivot), slope kept to 30 decimals (its error
 * times an hour is below 1e-17 ns) and pivot_ref to its 12 printed ones.
 */
struct exact_form {
	int64_t pivot;
	i128 ref_int, ref_frac12;  /* pivot_ref = ref_int + ref_frac12 / 1e12 */
	i128 slope_int, hi, lo;    /* slope = slope_int + (hi*1e15 + lo) / 1e30 */
};

static void exact_form_init(struct exact_form *x, const lttsync_transform *tf)
{
	char buf[LTTSYNC_FORMAT_SIZE];
	i128 frac;

	x->pivot = lttsync_transform_get_pivot(tf);
	if (lttsync_transform_format(buf, sizeof(buf), tf, LTTSYNC_FIELD_PIVOT_REF))
		die("format", NULL);
	x->ref_frac12 = parse_fixed(buf, 12, &x->ref_int);
	if (lttsync_transform_format(buf, sizeof(buf), tf, LTTSYNC_FIELD_SLOPE))
		die("format", NULL);
	frac = parse_fixed(buf, 30, &x->slope_int);
	x->hi = frac / E15;
	x->lo = frac % E15;
}

/* Is `got` within 1/2 ns (plus 1e-9 for the truncations) of the value? */
static bool exact_check(const struct exact_form *x, int64_t t, int64_t got)
{
	i128 d = (i128)t - x->pivot, r1, r2, whole, num;
	i128 q1 = floor_div(d * x->hi, E15, &r1);
	i128 q2 = floor_div(d * x->lo, E15 * E15, &r2);

	/* value = whole + num / 1e30, num >= 0 */
	whole = x->ref_int + d * x->slope_int + q1 + q2;
	num = r1 * E15 + r2 + x->ref_frac12 * (E15 * 1000);
	num -= ((i128)got - whole) * (E15 * E15);
	if (num < 0)
		num = -num;
	return num <= E15 * E15 / 2 + E15 * 1000000;
}

/* A real transform: two hosts drifting 37 ppm apart, 400 messages. */
static lttsync_transform *sample_transform(lttsync_session **sp)
{
	lttsync_host_id ids[2];
	lttsync_session *s = new_session(2, ids);
	struct clocks c = { .offset = { 0, 123456789 }, .drift = { 0, 37123 } };
	uint64_t rng = 5;
	lttsync_transform *tf;
	lttsync_host_id ref;

	for (int i = 0; i < 400; i++) {
		int64_t T = INT64_C(9000000000) * i + rng_below(&rng, 1000000);
		uint32_t a = i & 1, b = a ^ 1;

		if (lttsync_session_feed_message(s, ids[a], local_ns(&c, a, T), ids[b],
						 local_ns(&c, b, T + 20000 + rng_below(&rng, 60000))))
			die("feed_message", s);
	}
	if (lttsync_session_get_reference(&ref, s) ||
	    lttsync_session_get_host_transform(&tf, s, ref == ids[0] ? ids[1] : ids[0]))
		die("transform", s);
	*sp = s;
	return tf;
}

/* value = timestamps/s; aux: sample size, sample failures, checksum. */
static struct result run_apply(uint64_t total)
{
	lttsync_session *s;
	lttsync_transform *tf = sample_transform(&s);
	struct exact_form x;
	struct result res = { 0 };
	int64_t pivot = lttsync_transform_get_pivot(tf), out;
	uint64_t sum = 0, rng = 11, bad = 0, sample = 1000000;
	struct timer tm;

	/* Timestamps an hour either side of the pivot, not in order. */
	timer_start(&tm);
	for (uint64_t i = 0; i < total; i++) {
		int64_t t = pivot - INT64_C(3600000000000) +
			    (int64_t)((i * UINT64_C(2654435761)) & ((UINT64_C(1) << 43) - 1));

		if (lttsync_transform_apply(&out, tf, t))
			die("apply", NULL);
		sum += (uint64_t)out;
	}
	timer_stop(&tm, &res.busy, &res.wall);
	res.value = (double)total / res.busy;
	res.wall_value = (double)total / res.wall;
	exact_form_init(&x, tf);
	for (uint64_t i = 0; i < sample; i++) {
		/* mostly within a day of the pivot, some within a year */
		int64_t span = i % 16 ? INT64_C(86400000000000) : INT64_C(31536000000000000);
		int64_t t = pivot + (int64_t)(rng_next(&rng) % (uint64_t)(2 * span)) - span;

		if (lttsync_transform_apply(&out, tf, t) || !exact_check(&x, t, out)) {
			if (bad++ < 3)
				fprintf(stderr, "bench: apply(%" PRId64 ") = %" PRId64
					" is not within 1/2 ns\n", t, out);
		}
	}
	res.aux[0] = sample;
	res.aux[1] = bad;
	res.aux[2] = sum;
	lttsync_transform_destroy(tf);
	lttsync_session_destroy(s);
	return res;
}

/* ---- running and reporting -------------------------------------------- */

enum kind { MATCH, MATCH_ONE_BY_ONE, HULL, MEMORY, GRAPH_MESH, GRAPH_STAR, APPLY,
	    PIECEWISE, REPORT_CHAIN };

struct run {
	enum kind kind;
	size_t hosts;
	uint64_t items;
};

static size_t opt_max_pending; /* --max-pending: 0 keeps the default */

static struct result run_one(const struct run *r)
{
	switch (r->kind) {
	case MATCH:
		return run_match(r->hosts, r->items, 0.30, 1 << 18, opt_max_pending, true);
	case MATCH_ONE_BY_ONE:
		return run_match(r->hosts, r->items, 0.30, 1 << 18, opt_max_pending, false);
	case HULL: return run_hull(r->hosts, r->items);
	case MEMORY:
		return run_match(r->hosts, r->items, 0.10, 1 << 16, opt_max_pending, true);
	case GRAPH_MESH: return run_graph(r->hosts, r->items, false);
	case GRAPH_STAR: return run_graph(r->hosts, r->items, true);
	case APPLY: return run_apply(r->items);
	case PIECEWISE: return run_piecewise(r->hosts, r->items);
	case REPORT_CHAIN: return run_report_chain(r->hosts);
	}
	abort();
}

/* Runs r in a child process; *peak_kib receives its ru_maxrss. */
static struct result run_child(const struct run *r, long *peak_kib)
{
	struct result res;
	struct rusage ru;
	int fds[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) || (pid = fork()) < 0) {
		perror("bench");
		exit(1);
	}
	if (pid == 0) {
		close(fds[0]);
		res = run_one(r);
		_exit(write(fds[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &res, sizeof(res)) != sizeof(res)) {
		fprintf(stderr, "bench: a run failed\n");
		exit(1);
	}
	close(fds[0]);
	wait4(pid, &status, 0, &ru);
	*peak_kib = ru.ru_maxrss;
	return res;
}

static FILE *json;
static int n_json, n_fail;

static void json_figure(const char *name, const char *unit, double best,
			double worst, int runs, double target, bool at_least,
			bool pass, const char *extra)
{
	fprintf(json, "%s\n    {\"name\": \"%s\", \"unit\": \"%s\", \"value\": %.6g, "
		"\"worst\": %.6g, \"runs\": %d, \"target\": %.6g, "
		"\"target_is\": \"%s\", \"pass\": %s%s%s}",
		n_json++ ? "," : "", name, unit, best, worst, runs, target,
		at_least ? "min" : "max", pass ? "true" : "false",
		extra ? ", " : "", extra ? extra : "");
}

/*
 * Runs `runs` times and reports one figure. Rates are better higher,
 * times and memory lower. scale_out converts the value to `unit`.
 */
static void figure(const char *name, const struct run *r, int runs,
		   const char *unit, double scale_out, double target,
		   bool at_least, bool memory)
{
	double best = 0, worst = 0, best_wall = 0;
	long peak = 0;
	struct result res, best_res = { 0 };
	char extra[384];

	for (int i = 0; i < runs; i++) {
		long kib;
		double v;

		res = run_child(r, &kib);
		v = memory ? kib / 1024.0 : res.value * scale_out;
		if (i == 0 || (at_least ? v > best : v < best)) {
			best = v;
			best_res = res;
		}
		if (!memory && (i == 0 || (at_least ? res.wall_value * scale_out > best_wall
					     : res.wall_value * scale_out < best_wall)))
			best_wall = res.wall_value * scale_out;
		if (i == 0 || (at_least ? v < worst : v > worst))
			worst = v;
		if (kib > peak)
			peak = kib;
	}
	bool pass = at_least ? best >= target : best < target;

	n_fail += !pass;
	printf("%-24s %10.3f %-10s", name, best, unit);
	if (runs > 1)
		printf(" (worst %.3f of %d)", worst, runs);
	if (!memory)
		printf(" (wall clock: %.3f)", best_wall);
	printf("  target %s %g  %s\n", at_least ? ">=" : "<", target,
	       pass ? "PASS" : "FAIL");
	switch (r->kind) {
	case MATCH:
	case MATCH_ONE_BY_ONE:
	case MEMORY:
		printf("%22s %" PRIu64 " M packets, %zu hosts, matched %" PRIu64
		       ", evicted %" PRIu64 ", pending at end %" PRIu64
		       ", %.1f s fed, peak RSS %.1f MiB\n", "", r->items / 1000000,
		       r->hosts, best_res.aux[0], best_res.aux[1], best_res.aux[2],
		       best_res.busy, peak / 1024.0);
		snprintf(extra, sizeof(extra), "\"hosts\": %zu, \"items\": %" PRIu64
			 ", \"matched\": %" PRIu64 ", \"evicted\": %" PRIu64
			 ", \"seconds\": %.3f, \"peak_rss_mib\": %.1f", r->hosts,
			 r->items, best_res.aux[0], best_res.aux[1], best_res.busy,
			 peak / 1024.0);
		break;
	case HULL:
		printf("%22s %" PRIu64 " M messages, %zu hosts, peak RSS %.1f MiB\n",
		       "", r->items / 1000000, r->hosts, peak / 1024.0);
		snprintf(extra, sizeof(extra), "\"hosts\": %zu, \"items\": %" PRIu64
			 ", \"peak_rss_mib\": %.1f", r->hosts, r->items, peak / 1024.0);
		break;
	case PIECEWISE:
		printf("%22s %" PRIu64 " s of trace, %zu hosts, %" PRIu64
		       " messages, host 1 %s, peak RSS %.1f MiB\n", "", r->items,
		       r->hosts, best_res.aux[1],
		       lttsync_quality_string((lttsync_quality)best_res.aux[0]),
		       peak / 1024.0);
		snprintf(extra, sizeof(extra), "\"hosts\": %zu, \"seconds\": %" PRIu64
			 ", \"messages\": %" PRIu64 ", \"peak_rss_mib\": %.1f",
			 r->hosts, r->items, best_res.aux[1], peak / 1024.0);
		break;
	case REPORT_CHAIN:
		printf("%22s %zu hosts in a chain, the reference at one end; "
		       "report %" PRIu64 " bytes, %" PRIu64 " hosts accurate\n", "",
		       r->hosts, best_res.aux[0], best_res.aux[1]);
		snprintf(extra, sizeof(extra), "\"hosts\": %zu, \"bytes\": %" PRIu64
			 ", \"accurate\": %" PRIu64, r->hosts, best_res.aux[0],
			 best_res.aux[1]);
		break;
	case GRAPH_MESH:
	case GRAPH_STAR:
		printf("%22s %zu hosts, %" PRIu64 " pairs, %" PRIu64
		       " hosts synchronized\n", "", r->hosts, best_res.aux[0],
		       best_res.aux[1]);
		snprintf(extra, sizeof(extra), "\"hosts\": %zu, \"pairs\": %" PRIu64
			 ", \"synchronized\": %" PRIu64, r->hosts, best_res.aux[0],
			 best_res.aux[1]);
		break;
	case APPLY:
		printf("%22s %" PRIu64 " M timestamps; exactness: %" PRIu64
		       " of %" PRIu64 " sampled results off by more than 1/2 ns\n",
		       "", r->items / 1000000, best_res.aux[1], best_res.aux[0]);
		snprintf(extra, sizeof(extra), "\"items\": %" PRIu64
			 ", \"sampled\": %" PRIu64 ", \"inexact\": %" PRIu64,
			 r->items, best_res.aux[0], best_res.aux[1]);
		if (best_res.aux[1]) {
			n_fail++;
			pass = false;
		}
		break;
	}
	if (!memory) {
		size_t len = strlen(extra);

		snprintf(extra + len, sizeof(extra) - len,
			 "%s\"value_wall_clock\": %.6g", len ? ", " : "", best_wall);
	}
	json_figure(name, unit, best, worst, runs, target, at_least, pass, extra);
}

static bool wanted(const char *only, const char *name)
{
	return !only || strstr(name, only);
}

int main(int argc, char **argv)
{
	const char *json_path = "bench.json", *only = NULL;
	uint64_t scale = 1;
	int runs = 3;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			runs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			scale = strtoull(argv[++i], NULL, 10) ? strtoull(argv[i], NULL, 10) : 1;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--max-pending") && i + 1 < argc)
			opt_max_pending = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--segments") && i + 1 < argc &&
			 !strcmp(argv[i + 1], "off") && ++i)
			opt_segments_off = true;
		else {
			fprintf(stderr, "usage: bench [--json PATH] [--repeat N] "
				"[--scale N] [--only NAME] [--max-pending N] "
				"[--segments off]\n");
			return 2;
		}
	}
	json = fopen(json_path, "w");
	if (!json) {
		perror(json_path);
		return 1;
	}
	fprintf(json, "{\n  \"library\": \"liblttsync %s\",\n  \"repeat\": %d,\n"
		"  \"scale\": %" PRIu64 ",\n  \"figures\": [", lttsync_version_string(),
		runs, scale);
	printf("liblttsync %s benchmark: best of %d runs, one thread, rates per "
	       "CPU second; JSON summary in %s\n", lttsync_version_string(), runs,
	       json_path);

	const struct {
		const char *name, *unit;
		struct run run;
		int runs;
		double scale_out, target;
		bool at_least, memory;
	} figs[] = {
		{ "match_2hosts", "M pkt/s", { MATCH, 2, 20000000 }, runs, 1e-6, 15, true, false },
		{ "match_8hosts", "M pkt/s", { MATCH, 8, 20000000 }, runs, 1e-6, 15, true, false },
		{ "match_2hosts_one_by_one", "M pkt/s", { MATCH_ONE_BY_ONE, 2, 20000000 }, runs, 1e-6, 15, true, false },
		{ "hull_2hosts", "M msg/s", { HULL, 2, 10000000 }, runs, 1e-6, 30, true, false },
		{ "hull_16hosts", "M msg/s", { HULL, 16, 10000000 }, runs, 1e-6, 30, true, false },
		{ "memory_100M_8hosts", "MiB", { MEMORY, 8, 100000000 }, 1, 1, 100, false, true },
		{ "graph_mesh_1000", "s", { GRAPH_MESH, 1000, 50000 }, runs, 1, 1, false, false },
		{ "graph_star_1000", "s", { GRAPH_STAR, 1000, 999 }, runs, 1, 1, false, false },
		{ "report_chain_2000", "s", { REPORT_CHAIN, 2000, 0 }, runs, 1, 1, false, false },
		{ "report_chain_10000", "s", { REPORT_CHAIN, 10000, 0 }, runs, 1, 5, false, false },
		{ "apply", "M ts/s", { APPLY, 0, 200000000 }, runs, 1e-6, 200, true, false },
		/* no target yet: throughput and peak memory of changing rates */
		{ "piecewise_1h_4hosts", "M msg/s", { PIECEWISE, 4, 3600 }, runs, 1e-6, 0, true, false },
		{ "piecewise_4h_4hosts", "M msg/s", { PIECEWISE, 4, 14400 }, runs, 1e-6, 0, true, false },
		{ "piecewise_16h_4hosts", "M msg/s", { PIECEWISE, 4, 57600 }, runs, 1e-6, 0, true, false },
		{ "piecewise_64h_4hosts", "M msg/s", { PIECEWISE, 4, 230400 }, runs, 1e-6, 0, true, false },
	};
	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++) {
		struct run r = figs[i].run;

		if (!wanted(only, figs[i].name))
			continue;
		if (r.kind != GRAPH_MESH && r.kind != GRAPH_STAR && r.kind != PIECEWISE &&
		    r.kind != REPORT_CHAIN)
			r.items = r.items / scale ? r.items / scale : 1;
		figure(figs[i].name, &r, figs[i].runs, figs[i].unit,
		       figs[i].scale_out, figs[i].target, figs[i].at_least,
		       figs[i].memory);
	}
	fprintf(json, "\n  ],\n  \"failed\": %d\n}\n", n_fail);
	fclose(json);
	printf("%d figure(s) below target\n", n_fail);
	return 0;
}
