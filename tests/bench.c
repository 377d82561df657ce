/* SPDX-License-Identifier: MIT */
/*
 * Benchmark (make bench): throughput and peak memory of the real code
 * paths, on simulated data of realistic size. Prints figures; asserts
 * nothing about time. Each measurement runs in its own child process so
 * that its peak resident memory (ru_maxrss) is its own.
 *
 *   hull:  10 million matched messages between 2 and 16 hosts, fed with
 *          lttsync_session_feed_message();
 *   match: 20 million packet events (many flows, retransmissions, 30 %
 *          never matched), fed with lttsync_session_feed_packet().
 *
 * Input is generated in chunks of 1 Mi items outside the timed region; the
 * chunk buffer (24-64 MiB) is included in the peak memory figure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "simulate.h"

#define CHUNK (1u << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what, lttsync_session *s)
{
	fprintf(stderr, "bench: %s: %s\n", what, lttsync_session_get_last_error(s));
	exit(1);
}

static lttsync_session *new_session(size_t n_hosts, lttsync_host_id *ids)
{
	lttsync_session *s;
	char name[32];

	if (lttsync_session_create(&s))
		die("create", NULL);
	for (size_t h = 0; h < n_hosts; h++) {
		snprintf(name, sizeof(name), "host%zu", h);
		if (lttsync_session_add_host(&ids[h], s, name))
			die("add_host", s);
	}
	return s;
}

/* Random messages among n hosts over an hour, in time order per chunk. */
static void gen_messages(sim_world *w, sim_message *m, size_t count,
			 uint64_t first, uint64_t total)
{
	for (size_t i = 0; i < count; i++) {
		uint32_t h = (uint32_t)sim_range(w, 0, (int64_t)w->n - 1);
		uint32_t k = (uint32_t)sim_range(w, 0, (int64_t)w->n - 2);
		long double T = 3600e9L * (long double)(first + i) / (long double)total;

		k += k >= h;
		m[i] = sim_message_at(w, h, k, T, 30000, 20000);
	}
}

static double bench_hull(size_t n_hosts, uint64_t total)
{
	sim_world w;
	lttsync_host_id ids[16];
	sim_message *m = malloc(CHUNK * sizeof(*m));
	lttsync_session *s = new_session(n_hosts, ids);
	double busy = 0;
	lttsync_quality q;

	sim_init(&w, n_hosts, 42 + n_hosts, (int64_t)3600e9, 200);
	for (uint64_t done = 0; done < total; done += CHUNK) {
		size_t n = total - done < CHUNK ? (size_t)(total - done) : CHUNK;
		double t0;

		gen_messages(&w, m, n, done, total);
		t0 = now();
		for (size_t i = 0; i < n; i++)
			if (lttsync_session_feed_message(s, ids[m[i].send_host], m[i].send_ns,
							 ids[m[i].recv_host], m[i].recv_ns))
				die("feed_message", s);
		busy += now() - t0;
	}
	if (lttsync_session_get_host_quality(&q, s, ids[1]))
		die("quality", s);
	lttsync_session_destroy(s);
	sim_free(&w);
	free(m);
	return (double)total / busy;
}

/*
 * Packet events: each flow between two hosts sends segments with
 * increasing seq; 30 % are seen only on one side (never matched), 2 % are
 * retransmitted (their key appears twice on the sender).
 */
struct pkt_gen {
	sim_world w;
	uint32_t seq[64];
	lttsync_trace_id trace[16];
};

static size_t gen_packets(struct pkt_gen *g, lttsync_packet *p, size_t cap,
			  uint64_t *made, uint64_t total)
{
	size_t n = 0;

	while (n + 3 <= cap && *made < total) {
		uint32_t flow = (uint32_t)sim_range(&g->w, 0, 63);
		uint32_t h = flow % g->w.n, k = (flow / g->w.n + 1 + h) % g->w.n;
		long double T = 3600e9L * (long double)*made / (long double)total;
		sim_message m;
		double r = sim_uniform(&g->w);
		size_t first = n;

		if (k == h)
			k = (h + 1) % g->w.n;
		m = sim_message_at(&g->w, h, k, T, 30000, 20000);
		lttsync_packet_init(&p[n]);
		p[n].trace = g->trace[h];
		p[n].direction = LTTSYNC_DIRECTION_SEND;
		p[n].timestamp_ns = m.send_ns;
		p[n].seq = (g->seq[flow] += 1448);
		p[n].ack_seq = flow * 7919u;
		p[n].flags = LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH;
		n++;
		if (r < 0.02) {               /* retransmitted: same key again */
			p[n] = p[n - 1];
			p[n++].timestamp_ns += 200000000;
		}
		if (r >= 0.02 && r < 0.32 + 0.02) /* one-sided */
			;
		else {
			p[n] = p[first];
			p[n].trace = g->trace[k];
			p[n].direction = LTTSYNC_DIRECTION_RECEIVE;
			p[n++].timestamp_ns = m.recv_ns;
		}
		*made += n - first;
	}
	return n;
}

static double bench_match(size_t n_hosts, uint64_t total, uint64_t *matched)
{
	struct pkt_gen g;
	lttsync_host_id ids[16];
	lttsync_packet *p = malloc(CHUNK * sizeof(*p));
	lttsync_session *s = new_session(n_hosts, ids);
	uint64_t made = 0;
	double busy = 0;

	memset(&g, 0, sizeof(g));
	sim_init(&g.w, n_hosts, 7, (int64_t)3600e9, 200);
	for (size_t h = 0; h < n_hosts; h++)
		if (lttsync_session_add_trace(&g.trace[h], s, ids[h], "t"))
			die("add_trace", s);
	while (made < total) {
		size_t n = gen_packets(&g, p, CHUNK, &made, total);
		double t0 = now();

		for (size_t i = 0; i < n; i++)
			if (lttsync_session_feed_packet(s, &p[i]))
				die("feed_packet", s);
		busy += now() - t0;
	}
	if (lttsync_session_get_counter(matched, s, LTTSYNC_COUNTER_MATCHED))
		die("counter", s);
	lttsync_session_destroy(s);
	sim_free(&g.w);
	free(p);
	return (double)made / busy;
}

/* Run fn in a child; report its rate and peak RSS. */
static void measure(const char *label, int kind, size_t hosts, uint64_t total)
{
	int fds[2];
	pid_t pid;
	struct rusage ru;
	int status;
	double rate = 0;
	uint64_t matched = 0;

	if (pipe(fds) || (pid = fork()) < 0) {
		perror("bench");
		exit(1);
	}
	if (pid == 0) {
		close(fds[0]);
		rate = kind == 0 ? bench_hull(hosts, total)
				 : bench_match(hosts, total, &matched);
		if (write(fds[1], &rate, sizeof(rate)) < 0 ||
		    write(fds[1], &matched, sizeof(matched)) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &rate, sizeof(rate)) != sizeof(rate) ||
	    read(fds[0], &matched, sizeof(matched)) != sizeof(matched))
		rate = 0;
	close(fds[0]);
	wait4(pid, &status, 0, &ru);
	printf("%-6s %2zu hosts %9.2f M items/s  peak RSS %7.1f MiB  (%" PRIu64
	       " M items%s)\n", label, hosts, rate / 1e6, ru.ru_maxrss / 1024.0,
	       total / 1000000, kind ? "" : "");
	if (kind == 1)
		printf("       matched %" PRIu64 " messages\n", matched);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t scale = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;

	printf("liblttsync %s benchmark (items: matched messages for hull, "
	       "packet events for match)\n", lttsync_version_string());
	measure("hull", 0, 2, 10000000 / scale);
	measure("hull", 0, 16, 10000000 / scale);
	measure("match", 1, 2, 20000000 / scale);
	measure("match", 1, 16, 20000000 / scale);
	return 0;
}
