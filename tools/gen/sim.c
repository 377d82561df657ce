/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: clocks, ordering, and the main loop.
 *
 * Time advances in windows of W = 2^shift ns of true time (about 8192
 * network events each). In each window every flow produces its segments
 * up to the window's end. A network event lands in the bucket of the
 * window of its own time: receptions and retransmissions often fall in
 * later windows, which a ring of buckets holds until their turn. When a
 * window is complete its bucket is sorted by time (LSD radix sort, stable,
 * so equal times keep their generation order) and written out, each
 * host's noise (generated in time order, never stored) merged in on the
 * way. Memory: the events still in flight (receptions within the largest
 * delay, retransmissions within the retransmission timeout) plus one
 * packet per stream, whatever the duration.
 *
 * Host clocks are monotonic functions of true time, so writing each host's
 * events in true time order writes every stream in timestamp order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "layout.h"

enum { STREAM_HOST = 1, STREAM_NOISE = 3 };

/* 2023-11-14T22:13:20Z: the true time origin, in ns from the epoch. */
#define EPOCH_NS 1700000000000000000ULL
#define TARGET_PER_WINDOW 8192.0

/* ---- hosts --------------------------------------------------------------- */

static void random_uuid(struct gen_rng *r, uint8_t u[16])
{
	uint64_t a = gen_next(r), b = gen_next(r);

	for (int i = 0; i < 8; i++) {
		u[i] = (uint8_t)(a >> (8 * i));
		u[8 + i] = (uint8_t)(b >> (8 * i));
	}
	u[6] = (uint8_t)(0x40 | (u[6] & 0x0F));   /* version 4 */
	u[8] = (uint8_t)(0x80 | (u[8] & 0x3F));   /* RFC 4122 variant */
}

static void host_addresses(struct host *h, unsigned i)
{
	uint8_t hi = (uint8_t)(i / 200), lo = (uint8_t)(10 + i % 200);

	h->addr4[0] = 10, h->addr4[1] = 0, h->addr4[2] = hi, h->addr4[3] = lo;
	h->peer4[0] = 192, h->peer4[1] = 168, h->peer4[2] = hi, h->peer4[3] = lo;
	memset(h->addr6, 0, sizeof h->addr6);
	memset(h->peer6, 0, sizeof h->peer6);
	h->addr6[0] = h->peer6[0] = 0xFD00;
	h->peer6[6] = 1;
	h->addr6[7] = h->peer6[7] = (uint16_t)(i + 1);
}

static void host_clock_params(struct gen *g, struct host *h,
			      struct gen_rng *r)
{
	const struct gen_options *o = &g->o;
	double ppm = (2 * gen_uniform(r) - 1) * o->max_drift_ppm;
	double drift = ppm * 1e-6 * (double)(1ULL << DRIFT_SHIFT);
	/* uptime at true time 0: the monotonic clock counts from boot */
	uint64_t uptime = 600000000000ULL + gen_below(r, 30 * 86400000000000ULL);

	h->offset_ns = o->max_offset_ns ?
		(int64_t)gen_below(r, 2 * o->max_offset_ns + 1) -
		(int64_t)o->max_offset_ns : 0;
	h->drift_num = (int64_t)(drift < 0 ? drift - 0.5 : drift + 0.5);
	h->base_ns = (int64_t)(EPOCH_NS + (uint64_t)h->offset_ns);
	h->clock_offset = (uint64_t)h->base_ns - uptime;
}

/* Appends a change to drift_num at true time t. */
static void add_knot(struct host *h, uint32_t *cap, uint64_t t, int64_t drift_num)
{
	struct rate_knot *prev;

	if (h->n_knots == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		h->knots = realloc(h->knots, *cap * sizeof(*h->knots));
		if (!h->knots)
			gen_die(GEN_EXIT_IO, "out of memory");
	}
	prev = h->n_knots ? &h->knots[h->n_knots - 1] : NULL;
	h->knots[h->n_knots].t = t;
	h->knots[h->n_knots].drift_num = drift_num;
	h->knots[h->n_knots].acc = prev ? prev->acc + (__int128)(t - prev->t) *
						      prev->drift_num : 0;
	h->n_knots++;
}

/*
 * --rate-changes: what NTP or chrony and temperature do to a clock.
 * Frequency steps of 1-20 ppm every 3-10 minutes (towards the nominal
 * rate more often than away), a slow random walk of +-0.02 ppm every
 * 10 s, and one slew of +-500 ppm lasting 5-20 s at a random time in the
 * middle 80 % of the run (when it fits).
 */
static void host_rate_changes(struct gen *g, struct host *h, struct gen_rng *r)
{
	const double unit = (double)(1ULL << DRIFT_SHIFT) * 1e-6; /* 1 ppm */
	uint64_t end = g->o.duration_ns, next_step, t;
	uint64_t slew_at = (uint64_t)((0.1 + 0.8 * gen_uniform(r)) * (double)end);
	uint64_t slew_len = (uint64_t)((5 + 15 * gen_uniform(r)) * 1e9);
	int64_t drift = h->drift_num;
	uint64_t slew_end = 0;
	uint32_t cap = 0;

	if (slew_at + slew_len >= end)
		slew_len = 0;
	add_knot(h, &cap, 0, drift);
	next_step = (uint64_t)((180 + 420 * gen_uniform(r)) * 1e9);
	for (t = 10000000000ULL; t < end; t += 10000000000ULL) {
		/* what happened in (t - 10 s, t] takes effect at t */
		drift += (int64_t)((2 * gen_uniform(r) - 1) * 0.02 * unit);
		if (next_step <= t) {
			double step = (1 + 19 * gen_uniform(r)) * unit;

			drift += (int64_t)((drift > 0) == (gen_uniform(r) < 0.7)
					   ? -step : step);
			next_step = t + (uint64_t)((180 + 420 * gen_uniform(r)) * 1e9);
		}
		if (slew_len && slew_at < t && slew_at > t - 10000000000ULL) {
			int64_t slew = (gen_uniform(r) < 0.5 ? -500 : 500) * (int64_t)unit;

			add_knot(h, &cap, slew_at, drift + slew);
			add_knot(h, &cap, slew_at + slew_len, drift);
			slew_end = slew_at + slew_len;
		}
		if (t > slew_end)
			add_knot(h, &cap, t, drift);
	}
}

void gen_setup_hosts(struct gen *g)
{
	unsigned width = 1;

	for (unsigned n = g->o.hosts - 1; n >= 10; n /= 10)
		width++;
	g->n_hosts = g->o.hosts;
	g->epoch_ns = EPOCH_NS;
	g->hosts = gen_xcalloc(g->n_hosts, sizeof *g->hosts);
	for (unsigned i = 0; i < g->n_hosts; i++) {
		struct host *h = &g->hosts[i];
		struct gen_rng r;

		gen_rng_init(&r, g->o.seed, STREAM_HOST, i);
		snprintf(h->name, sizeof h->name, "host%0*u", (int)width, i);
		h->layout = g->o.layouts[i % g->o.n_layouts];
		h->l = layout_get(h->layout);
		host_clock_params(g, h, &r);
		if (g->o.rate_changes)
			host_rate_changes(g, h, &r);
		random_uuid(&r, h->uuid);
		random_uuid(&r, h->clock_uuid);
		host_addresses(h, i);
		gen_rng_init(&h->rng, g->o.seed, STREAM_NOISE, i);
	}
}

static void noise_until(struct gen *g, struct host *h, uint64_t limit);

/*
 * Writes the current window and moves to the next one. Noise never goes
 * through the buckets: each host's noise is generated in time order, so
 * it is merged in as the window's sorted network events are written
 * (order matters within a host only).
 */
static void flush_window(struct gen *g, uint64_t limit)
{
	struct ring *q = g->ring;
	uint32_t n = ring_sort_window(q);

	for (uint32_t i = 0; i < n; i++) {
		const struct rec *r = ring_sorted(q, i);

		if (i + 8 < n) /* records are read in time order */
			__builtin_prefetch(ring_sorted(q, i + 8));
		noise_until(g, &g->hosts[r->host], r->t);
		ctf_write_rec(g, r);
	}
	for (unsigned i = 0; i < g->n_hosts; i++)
		noise_until(g, &g->hosts[i], limit);
	ring_next_window(q);
}

/* ---- noise --------------------------------------------------------------- */

/* x scaled to [0, n): a multiply, not a division (this is the hot path). */
static inline uint32_t scale32(uint32_t x, uint32_t n)
{
	return (uint32_t)(((uint64_t)x * n) >> 32);
}

/*
 * A host's noise repeats read syscall entry, its exit on the same CPU,
 * the task switched out there, then a switch on some CPU (every 16th
 * time an ARP packet instead, when the layout traces it). A fixed cycle
 * rather than random kinds: branch prediction keeps the writer fast.
 */
static void noise_event(struct gen *g, struct host *h)
{
	struct rec r;
	uint64_t x = gen_next(&h->rng);
	unsigned phase = h->noise_phase++;

	memset(&r, 0, sizeof r);
	r.t = h->noise_next;
	r.host = (uint16_t)(h - g->hosts);
	r.seq = (uint32_t)(x >> 20);
	r.ack = (uint32_t)(x >> 40) ^ (uint32_t)(x >> 7);
	r.flow = NO_FLOW;
	if ((phase & 3) == 0 || (phase & 3) == 3)
		h->noise_cpu = (uint8_t)scale32((uint32_t)(x >> 32), g->o.cpus);
	r.cpu = h->noise_cpu;
	switch (phase & 3) {
	case 0:
		r.kind = RK_SYS_ENTRY;
		break;
	case 1:
		r.kind = RK_SYS_EXIT;
		break;
	case 2:
		r.kind = RK_SCHED_SWITCH;
		break;
	default:
		r.kind = (phase & 63) == 63 && h->l->family != NET_ADDONS ?
			 (x & 1 ? RK_ARP_SEND : RK_ARP_RECV) : RK_SCHED_SWITCH;
	}
	ctf_write_rec(g, &r);
}

/*
 * Gaps between noise events are uniform in [1, 2 * mean]: noise needs the
 * right rate, not Poisson arrivals, and this is the path most events take.
 */
static inline uint64_t noise_gap(struct host *h)
{
	uint32_t x = (uint32_t)gen_next(&h->rng);

	return 1 + (uint64_t)(((unsigned __int128)x * h->noise_span) >> 32);
}

/* Writes the host's noise events before true time limit. */
static void noise_until(struct gen *g, struct host *h, uint64_t limit)
{
	while (h->noise_next < limit) {
		noise_event(g, h);
		h->noise_next += noise_gap(h);
	}
}

static void noise_setup(struct gen *g)
{
	for (unsigned i = 0; i < g->n_hosts; i++) {
		struct host *h = &g->hosts[i];
		double net = h->net_rate > 0 ? h->net_rate : g->o.rate;

		h->noise_rate = g->o.noise_per_segment * net;
		h->noise_next = UINT64_MAX;
		if (h->noise_rate <= 0)
			continue;
		h->noise_span = (uint64_t)(2e9 / h->noise_rate);
		h->noise_next = noise_gap(h);
	}
}

/* ---- output folders ------------------------------------------------------ */

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return true;
	while (empty && (e = readdir(d)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* --force: stream files of CPUs we no longer write would be read too. */
static void remove_stale_streams(const struct gen *g, const char *dir)
{
	for (unsigned c = g->o.cpus; c < 1024; c++) {
		char name[32];
		char *p;

		snprintf(name, sizeof name, "channel0_%u", c);
		p = gen_path(dir, name);
		if (unlink(p) != 0 && errno != ENOENT)
			gen_die(GEN_EXIT_IO, "cannot remove %s: %s", p,
				strerror(errno));
		free(p);
	}
}

static void prepare_output(struct gen *g)
{
	if (!dir_is_empty(g->o.outdir) && !g->o.force)
		gen_die(GEN_EXIT_USAGE, "%s is not empty (use --force to "
			"write over it)", g->o.outdir);
	gen_mkdir_p(g->o.outdir);
	for (unsigned i = 0; i < g->n_hosts; i++) {
		char *hd = gen_path(g->o.outdir, g->hosts[i].name);
		char *kd = gen_path(hd, "kernel");

		gen_mkdir_p(kd);
		if (g->o.force)
			remove_stale_streams(g, kd);
		ctf_write_metadata(&g->hosts[i], kd);
		ctf_open_streams(g, &g->hosts[i], kd);
		free(kd);
		free(hd);
	}
}

/* ---- the main loop ------------------------------------------------------- */

/* Windows of about TARGET_PER_WINDOW network events: cache-sized sorts. */
static unsigned window_shift(const struct gen *g)
{
	double rate = 0;
	unsigned shift = 12;

	for (unsigned i = 0; i < g->n_hosts; i++)
		rate += g->hosts[i].net_rate;    /* noise skips the buckets */
	if (rate <= 0)
		return 30;
	while (shift < 33 && (double)(2ULL << shift) * rate / 1e9 <
			     TARGET_PER_WINDOW)
		shift++;
	return shift;
}

/* Flows, noise rates, the ring, the output folders and metadata. */
void gen_prepare(struct gen *g)
{
	net_setup_flows(g);
	noise_setup(g);
	g->ring = ring_new(window_shift(g));
	prepare_output(g);
}

void gen_run(struct gen *g)
{
	uint64_t end = g->o.duration_ns;

	for (;;) {
		uint64_t start = ring_window_start(g->ring);
		uint64_t limit = start + ring_window_len(g->ring);

		if (start >= end)
			break;
		if (limit > end)
			limit = end;
		for (unsigned i = 0; i < g->n_flows; i++)
			while (g->flows[i].next_t < limit)
				net_flow_step(g, &g->flows[i]);
		flush_window(g, limit);
	}
	for (unsigned i = 0; i < g->n_hosts; i++)
		ctf_close_streams(g, &g->hosts[i], end);
	ring_free(g->ring);
	g->ring = NULL;
}
