/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: shared types. The parts:
 *   main.c     usage, the run's steps
 *   options.c  command line -> struct gen_options
 *   layout.c   the trace layouts (which lttng-modules release writes what)
 *              and their TSDL metadata text
 *   ctf.c      CTF 1.8 stream writer: packets, event headers, payloads
 *   net.c      the network simulation: flows, TCP segments -> records
 *   sim.c      clocks, time windows, ordering, driving everything
 *   truth.c    truth.json, the matched-messages CSV, the summary line
 *   rng.h/.c   random numbers; util.c errors, memory, paths, text
 */
#ifndef LTTSYNC_GEN_H
#define LTTSYNC_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rng.h"

#define GEN_NAME "lttsync-gen"
#define GEN_VERSION "0.1"

/* Exit statuses. */
#define GEN_EXIT_USAGE 1
#define GEN_EXIT_IO 2

enum gen_topology { TOPO_CHAIN, TOPO_STAR, TOPO_MESH };

/* The layouts; see layout.c for what each one writes. */
enum gen_layout_id {
	L_MODULES_29,
	L_MODULES_2105,
	L_MODULES_213,
	L_MODULES_26,
	L_EXPERIMENTAL,
	L_ADDONS_A,
	L_ADDONS_B,
	L_OLD,
	L_COUNT
};

#define GEN_MAX_LAYOUT_LIST 64

struct gen_options {
	uint32_t hosts;
	int layouts[GEN_MAX_LAYOUT_LIST];
	unsigned n_layouts;
	enum gen_topology topology;
	uint64_t seed;
	uint64_t duration_ns;
	double rate;                 /* segments per second per flow */
	uint32_t flows_per_pair;
	uint64_t max_offset_ns;
	double max_drift_ppm;
	uint64_t min_latency_ns;
	uint64_t mean_delay_ns;
	double retransmit_fraction;
	double loopback_fraction;
	double one_sided_fraction;
	double ipv6_fraction;
	double udp_fraction;
	double icmp_fraction;
	double segmentation_fraction;
	uint32_t cpus;
	double noise_per_segment;
	uint32_t packet_size;
	const char *outdir;
	const char *messages_path;
	bool force;
	bool quiet;
	bool rate_changes;           /* --rate-changes: clock rates change */
};

/* Parses argv; on --help/--version prints and exits 0, on error exits 1. */
void gen_parse_options(struct gen_options *o, int argc, char **argv);

/* ---- records: one per event to write, ordered by true time --------------- */

enum rec_kind {
	RK_SEND,          /* network send event (layout's send class) */
	RK_RECV,          /* network receive event */
	RK_ARP_SEND,      /* send event without IP header (ARP) */
	RK_ARP_RECV,
	RK_SCHED_SWITCH,
	RK_SYS_ENTRY,
	RK_SYS_EXIT,
};

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17 };

#define NO_FLOW UINT32_MAX /* struct rec.flow of ARP records */

/* TCP flags in canonical order (the wire's byte 13). */
enum {
	TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08,
	TCP_ACK = 0x10, TCP_URG = 0x20, TCP_ECE = 0x40, TCP_CWR = 0x80
};

/*
 * 40 bytes. Network records carry everything the headers need that is not
 * a property of the flow (addresses, ports, IP version live in the flow).
 * Noise records use seq/ack as random bits.
 */
struct rec {
	uint64_t t;        /* true time, ns since the start */
	uint32_t flow;
	uint32_t seq;
	uint32_t ack;
	uint16_t host;
	uint8_t cpu;
	uint8_t kind;      /* enum rec_kind */
	uint16_t paylen;   /* transport payload bytes; ICMP: echo sequence */
	uint16_t ipid;
	uint16_t win;
	uint16_t csum;
	uint8_t flags;     /* canonical TCP flags; ICMP: type */
	uint8_t doff;      /* TCP data offset, 32-bit words */
	uint8_t dir;       /* 0: flow endpoint 0 -> 1, 1: 1 -> 0 */
	uint8_t proto;     /* PROTO_* */
};

/* ---- flows --------------------------------------------------------------- */

enum flow_kind { FLOW_TCP, FLOW_UDP, FLOW_ICMP };

/* An in-flight segment: when its receiver sees it, and up to where. */
struct inflight {
	uint64_t recv_t;
	uint32_t end_seq;
};

struct inflight_q {
	struct inflight *v;
	uint32_t head, n, cap; /* ring buffer */
};

/* One direction of a TCP connection, seen from its sender. */
struct tcp_side {
	uint32_t snd_nxt;
	uint32_t rcv_nxt;       /* what this side has received, i.e. acks */
	uint32_t last_ack_sent;
	bool last_pure_ack;     /* the previous segment had no payload */
	uint16_t ip_id;
	uint16_t window;
	uint64_t last_recv_t;   /* FIFO delivery: receptions never reorder */
	struct inflight_q q;    /* this side's segments not yet received */
};

enum tcp_state {
	ST_SYN,         /* next: client sends SYN */
	ST_SYNACK,      /* next: server sends SYN|ACK */
	ST_ACK,         /* next: client sends the handshake's ACK */
	ST_ESTABLISHED,
	ST_FIN1,        /* next: one side sends FIN|ACK */
	ST_FIN2,        /* next: the other side answers FIN|ACK */
	ST_LASTACK      /* next: the first side's last ACK */
};

struct flow {
	uint32_t id;
	enum flow_kind kind;
	int end[2];            /* host index of each endpoint, -1: untraced */
	bool ipv6, loopback, one_sided;
	uint8_t addr4[2][4];
	uint16_t addr6[2][8];
	uint8_t flow_lbl[3];
	uint16_t port[2];
	uint8_t rx_cpu[2];     /* RSS: the CPU receiving at each endpoint */
	uint64_t sk[2];        /* socket addresses (addons layout) */
	double rate;           /* segments per second */
	uint64_t min_latency, mean_delay;
	uint64_t next_t;
	struct gen_rng rng;
	/* TCP connection */
	enum tcp_state state;
	int client;            /* endpoint that opened the connection */
	int closer;            /* endpoint that sends the first FIN */
	uint32_t remaining;    /* segments before the connection closes */
	double p_dir0;         /* probability a segment goes 0 -> 1 */
	struct tcp_side side[2];
	uint64_t wait_t;       /* handshake/close: the trigger's reception */
	uint16_t icmp_id, icmp_seq;
};

/* ---- hosts and streams --------------------------------------------------- */

struct layout;

struct stream {
	int fd;
	char *path;
	uint8_t *buf;          /* one packet */
	uint32_t pos;          /* bytes used in buf */
	bool open;             /* a packet is being filled */
	bool created;          /* the file exists (truncated once) */
	uint64_t begin;        /* raw clock value at packet start */
	uint64_t last;         /* last clock value the reader knows */
	uint64_t seq_num;      /* packet_seq_num */
	uint32_t task;         /* task running on this CPU (sched_switch) */
	uint64_t packets;
};

struct host_counts {
	uint64_t events;
	uint64_t net_send;     /* events of the layout's send class */
	uint64_t net_recv;     /* events of the layout's receive class */
	uint64_t tcp_send;     /* of which carry a TCP key (seq, ack, flags) */
	uint64_t tcp_recv;
	uint64_t no_header;    /* network events without IP header (ARP) */
	uint64_t noise;        /* sched_switch and syscalls */
	uint64_t bytes;        /* stream file bytes */
};

/*
 * From true time t on (--rate-changes), a host's clock runs at
 * 1 + drift_num / 2^40; acc is (clock - base_ns - t) * 2^40 at t, exact,
 * so the clock is continuous and exact at every change.
 */
struct rate_knot {
	uint64_t t;
	int64_t drift_num;
	__int128 acc;
};

struct host {
	char name[32];
	int layout;            /* enum gen_layout_id */
	const struct layout *l;
	unsigned ids[8];       /* event id by enum rec_kind */
	int64_t offset_ns;
	int64_t drift_num;     /* drift = drift_num / 2^40 (at T = 0) */
	struct rate_knot *knots; /* --rate-changes: knots[0].t = 0; else NULL */
	uint32_t n_knots;
	int64_t base_ns;
	uint64_t clock_offset; /* the metadata clock's offset from the epoch */
	uint8_t uuid[16];
	uint8_t clock_uuid[16];
	uint8_t addr4[4], peer4[4];      /* own / untraced peer address */
	uint16_t addr6[8], peer6[8];
	struct stream *streams;          /* one per CPU */
	struct host_counts c;
	/* noise */
	struct gen_rng rng;
	double noise_rate;     /* events per second */
	uint64_t noise_span;   /* twice their mean interval, ns */
	uint64_t noise_next;
	uint32_t noise_phase;  /* position in the noise cycle */
	uint8_t noise_cpu;
	double net_rate;       /* expected network events per second */
};

#define DRIFT_SHIFT 40

/* The last rate change at or before t (n_knots > 0). */
static inline const struct rate_knot *host_knot(const struct host *h,
						uint64_t t)
{
	uint32_t lo = 0, hi = h->n_knots - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (h->knots[mid].t <= t)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &h->knots[lo];
}

/* floor(base + (1 + drift_num / 2^40) * t), exactly; with rate changes,
 * floor(base + t + the integral of drift up to t), exactly. */
static inline uint64_t host_clock(const struct host *h, uint64_t t)
{
	__int128 p = (__int128)t * h->drift_num;
	const struct rate_knot *k;

	if (h->n_knots) {
		k = host_knot(h, t);
		p = k->acc + (__int128)(t - k->t) * k->drift_num;
	}
	return (uint64_t)(h->base_ns + (int64_t)t + (int64_t)(p >> DRIFT_SHIFT));
}

/* ---- segment accounting (truth.json "segments") -------------------------- */

struct seg_counts {
	uint64_t matched_possible; /* unique key, one send, one receive, 2 hosts */
	uint64_t retransmitted;    /* keys the traces hold more than once */
	uint64_t rtx_original_lost;
	uint64_t rtx_both_received;
	uint64_t rtx_copy_lost;
	uint64_t segmented;        /* sends received as several segments */
	uint64_t segment_pieces;   /* receive events of those */
	uint64_t loopback;
	uint64_t one_sided_sent;
	uint64_t one_sided_received;
	uint64_t unmatchable_layout; /* an end's layout carries no key */
	uint64_t outside_trace;    /* sent, received after the trace ended */
	uint64_t tcp_segments;     /* TCP segments generated */
	uint64_t udp;
	uint64_t icmp;
};

/* ---- the whole run ------------------------------------------------------- */

struct ring;

struct gen {
	struct gen_options o;
	struct host *hosts;
	unsigned n_hosts;
	struct flow *flows;
	unsigned n_flows;
	struct seg_counts seg;
	struct ring *ring;
	FILE *messages;        /* --messages CSV, or NULL */
	uint32_t isn_counter;  /* ISNs are a permutation of a counter */
	uint64_t isn_key;
	uint64_t epoch_ns;
};

/* sim.c */
void gen_setup_hosts(struct gen *g);
void gen_prepare(struct gen *g);
void gen_run(struct gen *g);

/* ring.c: network events by window of time (2^shift ns), sorted */
struct ring *ring_new(unsigned shift);
void ring_free(struct ring *q);
void gen_push(struct gen *g, const struct rec *r);
uint64_t ring_window_start(const struct ring *q);
uint64_t ring_window_len(const struct ring *q);
uint32_t ring_sort_window(struct ring *q);      /* the current window */
const struct rec *ring_sorted(const struct ring *q, uint32_t i);
void ring_next_window(struct ring *q);

/* net.c */
void net_setup_flows(struct gen *g);
void net_flow_step(struct gen *g, struct flow *f);
bool net_host_writes(const struct gen *g, int host, int proto);
bool net_host_has_key(const struct gen *g, int host);

/* ctf.c */
void ctf_open_streams(struct gen *g, struct host *h, const char *dir);
void ctf_write_rec(struct gen *g, const struct rec *r);
void ctf_close_streams(struct gen *g, struct host *h, uint64_t end_t);
void ctf_write_metadata(const struct host *h, const char *dir);

/* truth.c */
void truth_write(const struct gen *g);
void truth_message(struct gen *g, int send_host, uint64_t send_t,
		   int recv_host, uint64_t recv_t);
void truth_summary(const struct gen *g, double seconds);

/* util.c */
void gen_die(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
void *gen_xmalloc(size_t n);
void *gen_xcalloc(size_t n, size_t size);
void *gen_xrealloc(void *p, size_t n);
char *gen_xstrdup(const char *s);
char *gen_path(const char *a, const char *b);
void gen_mkdir_p(const char *path);

/* A growable text buffer (metadata, JSON). */
struct sbuf {
	char *s;
	size_t len, cap;
};
void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_free(struct sbuf *b);

#endif
