/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: the network. Flows, each a Poisson stream of segments at
 * its own rate:
 *   - TCP flows between traced host pairs (the topology's pairs,
 *     --flows-per-pair each, the client side alternating so that
 *     connections are opened in both directions);
 *   - per host, one loopback TCP flow (127.0.0.1 or ::1, device lo) and one
 *     one-sided TCP flow to an untraced peer, with rates giving the
 *     requested fractions of that host's segments;
 *   - per pair with a modules-2.13 end, one UDP and one ICMP (ping) flow.
 *
 * A TCP flow runs connections one after the other: handshake (SYN,
 * SYN|ACK, ACK), data (PSH|ACK; ACK for bulk), pure ACKs, close (FIN|ACK
 * both ways, last ACK), then a new connection with new ISNs and a new
 * client port. Half of the flows are already established when tracing
 * starts. ISNs are a bijective scramble of a counter: no two connections
 * share one, so keys repeat only where this file makes them repeat.
 *
 * Delivery: receive time = send time + min latency + exponential delay
 * (capped at 40 means), never before the previous segment of the same
 * direction (FIFO). ack_seq acknowledges what the sender has received by
 * then: each direction keeps its in-flight segments in a queue that the
 * peer drains as time passes; a lost segment blocks it until its copy
 * arrives, as TCP's cumulative ACK does.
 *
 * Repeated keys, on purpose:
 *   - retransmission (--retransmit-fraction of data segments): the same
 *     segment sent again RTO later; original lost (40%), both copies
 *     received (40%), or the copy lost (20%);
 *   - segmentation (--segmentation-fraction of data segments): one large
 *     send (flags ACK, like a TSO skb) received as several MSS segments;
 *     only the first carries the send's key (the pieces' seq differ).
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "layout.h"

#define MSS 1448
#define PIECE_GAP_NS 11584       /* one MSS at 1 Gb/s */
#define RTO_NS 200000000ULL      /* Linux's minimum retransmission timeout */
#define PROCESSING_NS 10000      /* answer to a handshake or close step */
#define LOOPBACK_LATENCY_NS 2000
#define LOOPBACK_DELAY_NS 3000
#define MEAN_CONNECTION 500      /* data segments per connection */

enum { STREAM_FLOW = 2 };

static const uint16_t services[] = { 22, 80, 443, 5201, 8080, 3306, 6379 };

bool net_host_has_key(const struct gen *g, int host)
{
	return host >= 0 && layout_get(g->hosts[host].layout)->family != NET_OLD;
}

/* Whether a host's layout writes an event for this protocol at all. */
bool net_host_writes(const struct gen *g, int host, int proto)
{
	if (host < 0)
		return false;
	return proto == PROTO_TCP ||
	       layout_get(g->hosts[host].layout)->family != NET_ADDONS;
}

/* ---- in-flight queues ---------------------------------------------------- */

static void q_push(struct inflight_q *q, uint64_t recv_t, uint32_t end_seq)
{
	if (q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 16;
		struct inflight *v = gen_xmalloc(cap * sizeof *v);

		for (uint32_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->head = 0;
		q->cap = cap;
	}
	q->v[(q->head + q->n) % q->cap] = (struct inflight){ recv_t, end_seq };
	q->n++;
}

/* The peer of side s has received everything delivered by time t. */
static void drain(struct flow *f, int s, uint64_t t)
{
	struct inflight_q *q = &f->side[s].q;

	while (q->n && q->v[q->head].recv_t <= t) {
		f->side[1 - s].rcv_nxt = q->v[q->head].end_seq;
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
}

/* ---- connections --------------------------------------------------------- */

static uint32_t next_isn(struct gen *g)
{
	uint32_t x = g->isn_counter++ * 0x9E3779B1u + (uint32_t)g->isn_key;

	x ^= x >> 15;
	x *= 0x2C1B3C6Du;
	x ^= x >> 12;
	x *= 0x297A2D39u;
	return x ^ (x >> 15);
}

static void side_reset(struct flow *f, int s, uint32_t isn)
{
	struct tcp_side *d = &f->side[s];

	d->snd_nxt = isn;
	d->rcv_nxt = 0;
	d->last_ack_sent = 0;
	d->last_pure_ack = false;
	d->ip_id = (uint16_t)gen_next(&f->rng);
	d->window = (uint16_t)(29200 + gen_below(&f->rng, 36000));
	d->last_recv_t = 0;
	d->q.n = 0;
	d->q.head = 0;
}

static void new_connection(struct gen *g, struct flow *f, bool established)
{
	int c = f->client, s = 1 - c;

	side_reset(f, 0, next_isn(g));
	side_reset(f, 1, next_isn(g));
	f->port[c] = (uint16_t)(32768 + gen_below(&f->rng, 28232));
	f->remaining = 1 + (uint32_t)gen_exp(&f->rng, MEAN_CONNECTION);
	f->p_dir0 = 0.2 + 0.6 * gen_uniform(&f->rng);
	f->wait_t = 0;
	f->state = ST_SYN;
	if (!established)
		return;
	/* the SYNs were exchanged before tracing started */
	f->side[c].snd_nxt++;
	f->side[s].snd_nxt++;
	f->side[c].rcv_nxt = f->side[s].snd_nxt;
	f->side[s].rcv_nxt = f->side[c].snd_nxt;
	f->side[c].last_ack_sent = f->side[c].rcv_nxt;
	f->side[s].last_ack_sent = f->side[s].rcv_nxt;
	f->state = ST_ESTABLISHED;
}

/* ---- one segment: times, records, accounting ----------------------------- */

struct segment {
	int dir;
	uint32_t seq, ack;
	uint8_t flags, doff;
	uint32_t len;          /* payload bytes */
	unsigned pieces;       /* > 1: received as that many MSS segments */
	bool rtx;              /* retransmitted */
	int rtx_case;          /* 0 original lost, 1 both received, 2 copy lost */
};

static uint64_t delivery(struct flow *f, uint64_t t)
{
	double cap = 40.0 * (double)f->mean_delay;
	double d = gen_exp(&f->rng, (double)f->mean_delay);

	return t + f->min_latency + (uint64_t)(d < cap ? d : cap);
}

static void push_tcp(struct gen *g, struct flow *f, const struct segment *sg,
		     int host, int kind, uint64_t t, unsigned piece)
{
	struct tcp_side *d = &f->side[sg->dir];
	struct rec r;
	/* drawn whether or not the event is written: the flow's future must
	 * not depend on which of its events fall inside the trace */
	uint8_t send_cpu = (uint8_t)gen_below(&f->rng, g->o.cpus);
	uint16_t csum = (uint16_t)gen_next(&f->rng);

	if (host < 0 || t >= g->o.duration_ns)
		return;
	memset(&r, 0, sizeof r);
	r.t = t;
	r.flow = f->id;
	r.seq = sg->seq + piece * MSS;
	r.ack = sg->ack;
	r.host = (uint16_t)host;
	r.kind = (uint8_t)kind;
	r.cpu = kind == RK_RECV ? f->rx_cpu[1 - sg->dir] : send_cpu;
	r.paylen = (uint16_t)(sg->pieces > 1 && kind == RK_RECV ? MSS : sg->len);
	r.ipid = (uint16_t)(d->ip_id + piece);
	r.win = d->window;
	r.csum = csum;
	r.flags = sg->flags;
	r.doff = sg->doff;
	r.dir = (uint8_t)sg->dir;
	r.proto = PROTO_TCP;
	gen_push(g, &r);
}

/*
 * What the traces will hold of one segment: its sends (original, copy) and
 * receptions (original or first piece, copy) that fall inside the trace.
 */
struct seen {
	uint64_t t, recv_t;
	bool s1, s2, r1, r2;
	unsigned pieces;       /* receive events of a segmented send */
};

static void account_rtx(struct gen *g, const struct segment *sg)
{
	g->seg.retransmitted++;
	g->seg.rtx_original_lost += sg->rtx_case == 0;
	g->seg.rtx_both_received += sg->rtx_case == 1;
	g->seg.rtx_copy_lost += sg->rtx_case == 2;
}

/*
 * truth.json's segment counters and the --messages CSV. A key counts as
 * matchable when the traces hold exactly one send and one reception of
 * it, on two hosts whose layouts carry the key. A retransmission whose
 * second copy falls after the end of the trace is not visible as one.
 */
static void account(struct gen *g, const struct flow *f,
		    const struct segment *sg, const struct seen *v)
{
	int hs = f->end[sg->dir], hr = f->end[1 - sg->dir];
	bool sent = hs >= 0 && v->s1, got = hr >= 0 && v->r1;

	g->seg.tcp_segments++;
	if (f->loopback) {
		g->seg.loopback += sent;
		return;
	}
	if (f->one_sided) {
		g->seg.one_sided_sent += sent;
		g->seg.one_sided_received += hr >= 0 && (v->r1 || v->r2);
		return;
	}
	if (sg->pieces > 1) {
		g->seg.segmented += sent;
		g->seg.segment_pieces += v->pieces;
	}
	if (sent && (v->s2 || v->r2 || (sg->rtx && !got))) {
		account_rtx(g, sg);
		return;
	}
	if (sent && !got)
		g->seg.outside_trace++;
	if (!sent || !got)
		return;
	if (!net_host_has_key(g, hs) || !net_host_has_key(g, hr)) {
		g->seg.unmatchable_layout++;
		return;
	}
	g->seg.matched_possible++;
	truth_message(g, hs, v->t, hr, v->recv_t);
}

static void retransmit_choice(struct gen *g, struct flow *f,
			      struct segment *sg)
{
	double u;

	if (sg->len == 0 || sg->pieces > 1 || f->loopback ||
	    !gen_chance(&f->rng, g->o.retransmit_fraction))
		return;
	sg->rtx = true;
	u = gen_uniform(&f->rng);
	sg->rtx_case = u < 0.4 ? 0 : u < 0.8 ? 1 : 2;
}

static void push_receptions(struct gen *g, struct flow *f,
			    const struct segment *sg, uint64_t recv,
			    struct seen *v)
{
	int hr = f->end[1 - sg->dir];
	uint64_t end = g->o.duration_ns;

	for (unsigned i = 0; i < sg->pieces; i++) {
		uint64_t ti = recv + (uint64_t)i * PIECE_GAP_NS;

		push_tcp(g, f, sg, hr, RK_RECV, ti, i);
		v->pieces += hr >= 0 && ti < end;
	}
	v->r1 = recv < end;
	v->recv_t = recv;
}

static void send_segment(struct gen *g, struct flow *f, struct segment *sg,
			 uint64_t t)
{
	struct tcp_side *d = &f->side[sg->dir];
	int hs = f->end[sg->dir], hr = f->end[1 - sg->dir];
	uint64_t end = g->o.duration_ns, recv = delivery(f, t);
	uint64_t copy_t = 0, copy_recv = 0;
	uint32_t end_seq = sg->seq + sg->len +
			   ((sg->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	bool orig_lost;
	struct seen v = { .t = t, .s1 = t < end };

	retransmit_choice(g, f, sg);
	orig_lost = sg->rtx && sg->rtx_case == 0;
	if (recv < d->last_recv_t)
		recv = d->last_recv_t;        /* FIFO */
	if (sg->rtx) {
		copy_t = t + RTO_NS + gen_below(&f->rng, RTO_NS / 10);
		copy_recv = delivery(f, copy_t);
	}
	if (!orig_lost)
		d->last_recv_t = recv + (uint64_t)(sg->pieces - 1) * PIECE_GAP_NS;
	q_push(&d->q, orig_lost ? copy_recv : recv, end_seq);

	push_tcp(g, f, sg, hs, RK_SEND, t, 0);
	if (!orig_lost)
		push_receptions(g, f, sg, recv, &v);
	if (sg->rtx) {
		push_tcp(g, f, sg, hs, RK_SEND, copy_t, 0);
		v.s2 = copy_t < end;
	}
	if (sg->rtx && sg->rtx_case != 2) {
		push_tcp(g, f, sg, hr, RK_RECV, copy_recv, 0);
		v.r2 = copy_recv < end;
	}
	account(g, f, sg, &v);
	d->ip_id = (uint16_t)(d->ip_id + sg->pieces);
	d->snd_nxt = end_seq;
	d->last_ack_sent = sg->ack;
	d->last_pure_ack = sg->len == 0 && sg->flags == TCP_ACK;
	f->wait_t = orig_lost ? copy_recv : recv;
}

/* ---- the TCP state machine ----------------------------------------------- */

static void control(struct gen *g, struct flow *f, uint64_t t, int from,
		    uint8_t flags, enum tcp_state next)
{
	struct tcp_side *d = &f->side[from];
	struct segment sg = {
		.dir = from, .seq = d->snd_nxt,
		.ack = (flags & TCP_ACK) ? d->rcv_nxt : 0, .flags = flags,
		.doff = (flags & TCP_SYN) ? 10 : 8, .pieces = 1,
	};

	send_segment(g, f, &sg, t);
	f->state = next;
}

/* A data segment or a pure ACK in an established connection. */
static void data(struct gen *g, struct flow *f, uint64_t t)
{
	int dir = gen_uniform(&f->rng) < f->p_dir0 ? 0 : 1;
	struct tcp_side *d = &f->side[dir];
	struct segment sg = {
		.dir = dir, .seq = d->snd_nxt, .ack = d->rcv_nxt,
		.flags = TCP_PSH | TCP_ACK, .doff = 8, .pieces = 1,
	};
	/* a bulk ACK right after a pure ACK would repeat its key */
	bool same_key_risk = d->last_pure_ack && d->last_ack_sent == d->rcv_nxt;

	if (d->rcv_nxt != d->last_ack_sent && gen_chance(&f->rng, 0.4)) {
		sg.flags = TCP_ACK;
	} else if (!f->loopback && !same_key_risk &&
		   gen_chance(&f->rng, g->o.segmentation_fraction)) {
		sg.pieces = 2 + (unsigned)gen_below(&f->rng, 43);
		sg.len = sg.pieces * MSS;
		sg.flags = TCP_ACK;
	} else {
		sg.len = gen_chance(&f->rng, 0.3) ? MSS :
			 1 + (uint32_t)gen_below(&f->rng, MSS);
	}
	send_segment(g, f, &sg, t);
	if (--f->remaining == 0) {
		f->closer = (int)gen_below(&f->rng, 2);
		f->state = ST_FIN1;
	}
}

static void tcp_step(struct gen *g, struct flow *f, uint64_t t)
{
	int c = f->client;

	drain(f, 0, t);
	drain(f, 1, t);
	switch (f->state) {
	case ST_SYN:
		control(g, f, t, c, TCP_SYN, ST_SYNACK);
		break;
	case ST_SYNACK:
		control(g, f, t, 1 - c, TCP_SYN | TCP_ACK, ST_ACK);
		break;
	case ST_ACK:
		control(g, f, t, c, TCP_ACK, ST_ESTABLISHED);
		f->wait_t = 0;
		break;
	case ST_ESTABLISHED:
		data(g, f, t);
		break;
	case ST_FIN1:
		control(g, f, t, f->closer, TCP_FIN | TCP_ACK, ST_FIN2);
		break;
	case ST_FIN2:
		control(g, f, t, 1 - f->closer, TCP_FIN | TCP_ACK, ST_LASTACK);
		break;
	case ST_LASTACK:
		control(g, f, t, f->closer, TCP_ACK, ST_SYN);
		new_connection(g, f, false);
		f->wait_t = t + (uint64_t)gen_exp(&f->rng, 1e9 / f->rate);
		break;
	}
}

/* ---- UDP and ICMP -------------------------------------------------------- */

static void push_dgram(struct gen *g, struct flow *f, int dir, int proto,
		       uint8_t type, uint16_t paylen, uint64_t t, uint64_t recv)
{
	struct rec r;

	memset(&r, 0, sizeof r);
	r.flow = f->id;
	r.dir = (uint8_t)dir;
	r.proto = (uint8_t)proto;
	r.flags = type;
	r.paylen = paylen;
	r.ipid = f->side[dir].ip_id++;
	r.csum = (uint16_t)gen_next(&f->rng);
	r.cpu = (uint8_t)gen_below(&f->rng, g->o.cpus);
	if (net_host_writes(g, f->end[dir], proto) && t < g->o.duration_ns) {
		r.t = t;
		r.host = (uint16_t)f->end[dir];
		r.kind = RK_SEND;
		gen_push(g, &r);
	}
	if (net_host_writes(g, f->end[1 - dir], proto) &&
	    recv < g->o.duration_ns) {
		r.t = recv;
		r.host = (uint16_t)f->end[1 - dir];
		r.kind = RK_RECV;
		r.cpu = f->rx_cpu[1 - dir];
		gen_push(g, &r);
	}
}

static void udp_step(struct gen *g, struct flow *f, uint64_t t)
{
	int dir = (int)gen_below(&f->rng, 2);
	uint16_t len = (uint16_t)(20 + gen_below(&f->rng, 492));

	push_dgram(g, f, dir, PROTO_UDP, 0, len, t, delivery(f, t));
	g->seg.udp++;
}

/* A ping: echo request, and the reply once the request has arrived. */
static void icmp_step(struct gen *g, struct flow *f, uint64_t t)
{
	uint64_t r1 = delivery(f, t);
	uint64_t t2 = r1 + PROCESSING_NS / 2;
	uint16_t seq = ++f->icmp_seq;

	push_dgram(g, f, 0, PROTO_ICMP, 8, seq, t, r1);
	push_dgram(g, f, 1, PROTO_ICMP, 0, seq, t2, delivery(f, t2));
	g->seg.icmp += 2;
}

void net_flow_step(struct gen *g, struct flow *f)
{
	uint64_t t = f->next_t;
	uint64_t gap;

	switch (f->kind) {
	case FLOW_TCP:
		tcp_step(g, f, t);
		break;
	case FLOW_UDP:
		udp_step(g, f, t);
		break;
	case FLOW_ICMP:
		icmp_step(g, f, t);
		break;
	}
	gap = 1 + (uint64_t)gen_exp(&f->rng, 1e9 / f->rate);
	f->next_t = t + gap;
	/* handshake and close steps answer the previous segment */
	if (f->kind == FLOW_TCP && f->state != ST_ESTABLISHED &&
	    f->next_t < f->wait_t + PROCESSING_NS)
		f->next_t = f->wait_t + PROCESSING_NS;
}

/* ---- building the flows -------------------------------------------------- */

static void endpoint_address(struct gen *g, struct flow *f, int e, int host,
			     int peer_of)
{
	if (f->loopback) {
		static const uint8_t lo4[4] = { 127, 0, 0, 1 };
		static const uint16_t lo6[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };

		memcpy(f->addr4[e], lo4, 4);
		memcpy(f->addr6[e], lo6, sizeof lo6);
	} else if (host >= 0) {
		memcpy(f->addr4[e], g->hosts[host].addr4, 4);
		memcpy(f->addr6[e], g->hosts[host].addr6, 16);
	} else {
		memcpy(f->addr4[e], g->hosts[peer_of].peer4, 4);
		memcpy(f->addr6[e], g->hosts[peer_of].peer6, 16);
	}
}

static bool is_addons(const struct gen *g, int host)
{
	return host >= 0 &&
	       layout_get(g->hosts[host].layout)->family == NET_ADDONS;
}

static struct flow *add_flow(struct gen *g, enum flow_kind kind, int a,
			     int b, double rate)
{
	struct flow *f;

	g->flows = gen_xrealloc(g->flows, (g->n_flows + 1) * sizeof *g->flows);
	f = &g->flows[g->n_flows];
	memset(f, 0, sizeof *f);
	f->id = g->n_flows++;
	f->kind = kind;
	f->end[0] = a;
	f->end[1] = b;
	f->rate = rate;
	f->loopback = a == b;
	f->one_sided = b < 0;
	gen_rng_init(&f->rng, g->o.seed, STREAM_FLOW, f->id);
	f->min_latency = f->loopback ? LOOPBACK_LATENCY_NS : g->o.min_latency_ns;
	f->mean_delay = f->loopback ? LOOPBACK_DELAY_NS : g->o.mean_delay_ns;
	return f;
}

/* Addresses, ports, CPUs, sockets; then the first connection.
 * client: the endpoint opening connections, -1 for a random one. */
static void init_flow(struct gen *g, struct flow *f, int client)
{
	bool v4_only = is_addons(g, f->end[0]) || is_addons(g, f->end[1]) ||
		       f->kind == FLOW_ICMP;
	uint32_t lbl = (uint32_t)gen_next(&f->rng) & 0xFFFFF;

	f->ipv6 = !v4_only && gen_chance(&f->rng, g->o.ipv6_fraction);
	for (int e = 0; e < 2; e++) {
		endpoint_address(g, f, e, f->end[e], f->end[0]);
		f->rx_cpu[e] = (uint8_t)gen_below(&f->rng, g->o.cpus);
		f->sk[e] = 0xFFFF880000000000ULL |
			   (gen_next(&f->rng) & 0x3FFFFFFF00ULL);
		f->side[e].ip_id = (uint16_t)gen_next(&f->rng);
	}
	f->flow_lbl[0] = (uint8_t)(lbl >> 16);
	f->flow_lbl[1] = (uint8_t)(lbl >> 8);
	f->flow_lbl[2] = (uint8_t)lbl;
	f->client = client >= 0 ? client : (int)gen_below(&f->rng, 2);
	f->port[1 - f->client] = f->kind == FLOW_UDP ? 53 :
		services[gen_below(&f->rng, sizeof services / sizeof *services)];
	f->port[f->client] = (uint16_t)(32768 + gen_below(&f->rng, 28232));
	f->icmp_id = (uint16_t)gen_next(&f->rng);
	if (f->kind == FLOW_TCP)
		new_connection(g, f, gen_chance(&f->rng, 0.5));
	f->next_t = (uint64_t)gen_exp(&f->rng, 1e9 / f->rate);
}

static bool has_udp_icmp(const struct gen *g, int a, int b)
{
	return g->hosts[a].layout == L_MODULES_213 ||
	       g->hosts[b].layout == L_MODULES_213;
}

static void add_pair(struct gen *g, int a, int b)
{
	const struct gen_options *o = &g->o;

	for (unsigned k = 0; k < o->flows_per_pair; k++)
		init_flow(g, add_flow(g, FLOW_TCP, a, b, o->rate), (int)(k % 2));
	if (!has_udp_icmp(g, a, b))
		return;
	if (o->udp_fraction > 0)
		init_flow(g, add_flow(g, FLOW_UDP, a, b,
				      o->rate * o->udp_fraction), 0);
	if (o->icmp_fraction > 0)
		init_flow(g, add_flow(g, FLOW_ICMP, a, b,
				      o->rate * o->icmp_fraction), 0);
}

static void add_pairs(struct gen *g)
{
	int n = (int)g->n_hosts;

	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			bool chain = j == i + 1, star = i == 0;

			if (g->o.topology == TOPO_MESH ||
			    (g->o.topology == TOPO_CHAIN && chain) ||
			    (g->o.topology == TOPO_STAR && star))
				add_pair(g, i, j);
		}
}

/* Loopback and one-sided flows: fractions of each host's TCP segments. */
static void add_local_flows(struct gen *g, const double *tcp_rate)
{
	const struct gen_options *o = &g->o;
	double rest = 1.0 - o->loopback_fraction - o->one_sided_fraction;

	for (int h = 0; h < (int)g->n_hosts; h++) {
		double base = tcp_rate[h] > 0 ? tcp_rate[h] : o->rate;

		if (o->loopback_fraction > 0)
			init_flow(g, add_flow(g, FLOW_TCP, h, h,
				  base * o->loopback_fraction / rest), 0);
		if (o->one_sided_fraction > 0)
			init_flow(g, add_flow(g, FLOW_TCP, h, -1,
				  base * o->one_sided_fraction / rest), -1);
	}
}

/* Expected network events per second on each host (for the noise rate). */
static void host_rates(struct gen *g)
{
	for (unsigned i = 0; i < g->n_flows; i++) {
		const struct flow *f = &g->flows[i];
		double per_end = f->kind == FLOW_ICMP ? 2 * f->rate : f->rate;

		for (int e = 0; e < 2; e++)
			if (f->end[e] >= 0)
				g->hosts[f->end[e]].net_rate += per_end;
	}
}

void net_setup_flows(struct gen *g)
{
	double *tcp_rate = gen_xcalloc(g->n_hosts, sizeof *tcp_rate);

	g->isn_key = g->o.seed * 0x9E3779B97F4A7C15ULL + 12345;
	add_pairs(g);
	for (unsigned i = 0; i < g->n_flows; i++)
		if (g->flows[i].kind == FLOW_TCP)
			for (int e = 0; e < 2; e++)
				tcp_rate[g->flows[i].end[e]] += g->flows[i].rate;
	add_local_flows(g, tcp_rate);
	host_rates(g);
	free(tcp_rate);
}
