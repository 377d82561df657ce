/* SPDX-License-Identifier: MIT */
/*
 * lttsync-gen: the CTF 1.8 writer. One file per CPU (channel0_N), written
 * packet by packet as lttng-modules does: each packet is packet_size bytes
 * (content, then zero padding), starts with the packet header and context
 * of the layout, and holds events in timestamp order.
 *
 * Packet times: a packet ends when the next event might not fit; its
 * timestamp_end is that event's timestamp, which is also the next packet's
 * timestamp_begin (LTTng's switch semantics), so packets never overlap and
 * babeltrace2's muxer accepts the streams (unlike the real scp traces,
 * whose packets overlap by a microsecond). The first packet begins at the
 * host's clock at true time 0, the last one ends at the end of the run.
 *
 * Event headers follow LTTng's rule: the short form (27-bit, or 32-bit for
 * the large header, timestamp) only when the timestamp's upper bits equal
 * those of the last clock value the reader knows (the previous event, or
 * timestamp_begin), else the extended form with the full 64-bit value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "layout.h"

/* Room checked before each event, header included: more than the largest
 * (IPv6 TCP in a modules layout: 13 + 79 bytes). */
#define MAX_EVENT 128
#define CTF_MAGIC 0xC1FC1FC1u
#define TSDL_MAGIC 0x75D11D57u
#define METADATA_PACKET 4096

/* ---- byte writers -------------------------------------------------------- */

static inline uint8_t *put8(uint8_t *p, unsigned v)
{
	*p = (uint8_t)v;
	return p + 1;
}

static inline uint8_t *le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

/* Byte by byte, so that any host writes the same little-endian trace;
 * compilers turn these into single stores on little-endian machines. */
static inline uint8_t *le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	return p + 4;
}

static inline uint8_t *le64(uint8_t *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	return le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t *be16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static inline uint8_t *be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static inline uint8_t *putstr(uint8_t *p, const char *s, size_t n_with_nul)
{
	memcpy(p, s, n_with_nul);
	return p + n_with_nul;
}

/* ---- files --------------------------------------------------------------- */

static void stream_close_fd(struct stream *s)
{
	if (s->fd >= 0 && close(s->fd) != 0)
		gen_die(GEN_EXIT_IO, "cannot write %s: %s", s->path,
			strerror(errno));
	s->fd = -1;
}

/* Too many streams for the descriptor limit: close them all, reopen lazily
 * (in append mode) when their next packet is written. */
static void close_all_fds(struct gen *g)
{
	for (unsigned i = 0; i < g->n_hosts; i++)
		for (unsigned c = 0; c < g->o.cpus; c++)
			stream_close_fd(&g->hosts[i].streams[c]);
}

static void stream_fd(struct gen *g, struct stream *s)
{
	int flags = O_WRONLY | O_CREAT | (s->created ? O_APPEND : O_TRUNC);
	bool retried = false;

	while ((s->fd = open(s->path, flags, 0666)) < 0) {
		if ((errno == EMFILE || errno == ENFILE) && !retried) {
			close_all_fds(g);
			retried = true;
			continue;
		}
		gen_die(GEN_EXIT_IO, "cannot open %s: %s", s->path,
			strerror(errno));
	}
	s->created = true;
}

static void write_all(int fd, const char *path, const uint8_t *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			gen_die(GEN_EXIT_IO, "cannot write %s: %s", path,
				w < 0 ? strerror(errno) : "short write");
		buf += w;
		n -= (size_t)w;
	}
}

/* ---- packets ------------------------------------------------------------- */

static uint64_t raw_clock(const struct host *h, uint64_t t)
{
	return host_clock(h, t) - h->clock_offset;
}

static void packet_open(const struct host *h, struct stream *s,
			uint64_t begin)
{
	s->pos = layout_packet_header_size(h->l);
	s->begin = begin;
	s->last = begin;
	s->open = true;
}

static void packet_header(const struct gen *g, const struct host *h,
			  const struct stream *s, uint64_t end)
{
	const struct layout *l = h->l;
	unsigned cpu = (unsigned)(s - h->streams);
	uint8_t *p = s->buf;

	p = le32(p, CTF_MAGIC);
	memcpy(p, h->uuid, 16);
	p = le32(p + 16, 0);                  /* stream_id */
	if (l->seq_num)
		p = le64(p, cpu);             /* stream_instance_id */
	p = le64(p, s->begin);
	p = le64(p, end);
	p = le64(p, (uint64_t)s->pos * 8);    /* content_size, bits */
	p = le64(p, (uint64_t)g->o.packet_size * 8);
	if (l->seq_num)
		p = le64(p, s->seq_num);
	p = le64(p, 0);                       /* events_discarded */
	le32(p, cpu);
}

static void packet_close(struct gen *g, struct host *h, struct stream *s,
			 uint64_t end)
{
	packet_header(g, h, s, end);
	memset(s->buf + s->pos, 0, g->o.packet_size - s->pos);
	if (s->fd < 0)
		stream_fd(g, s);
	write_all(s->fd, s->path, s->buf, g->o.packet_size);
	h->c.bytes += g->o.packet_size;
	s->seq_num++;
	s->packets++;
	s->open = false;
}

/* The event header, in the layout's form; returns the end. */
static uint8_t *event_header(const struct layout *l, struct stream *s,
			     uint8_t *p, unsigned id, uint64_t ts)
{
	if (l->compact_header) {
		if (id < 31 && (ts >> 27) == (s->last >> 27))
			return le32(p, id | (uint32_t)(ts & 0x7FFFFFF) << 5);
		p = put8(p, 31);
		p = le32(p, id);
		return le64(p, ts);
	}
	if (id < 65535 && (ts >> 32) == (s->last >> 32)) {
		p = le16(p, id);
		return le32(p, (uint32_t)ts);
	}
	p = le16(p, 65535);
	p = le32(p, id);
	return le64(p, ts);
}

/*
 * Starts an event at timestamp ts: switches packets when the largest event
 * might not fit (so the wasted tail of a packet is under MAX_EVENT bytes),
 * writes the header, and returns where the payload goes. The payload is
 * encoded in place: no copy.
 */
static uint8_t *event_begin(struct gen *g, struct host *h, struct stream *s,
			    unsigned id, uint64_t ts)
{
	if (!s->open)
		packet_open(h, s, raw_clock(h, 0));
	else if (s->pos + MAX_EVENT > g->o.packet_size) {
		packet_close(g, h, s, ts);
		packet_open(h, s, ts);
	}
	return event_header(h->l, s, s->buf + s->pos, id, ts);
}

/* ---- payloads: network events -------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDULL;
	x ^= x >> 33;
	return x;
}

/* A kernel-looking sk_buff address, different for every packet. */
static uint64_t skb_address(const struct rec *r)
{
	uint64_t m = mix64(r->t ^ ((uint64_t)r->seq << 20) ^ r->host);

	return 0xFFFF880000000000ULL | ((m & 0x3FFFFFFFULL) << 8);
}

static unsigned transport_len(const struct rec *r)
{
	switch (r->proto) {
	case PROTO_TCP:
		return r->doff * 4u + r->paylen;
	case PROTO_UDP:
		return 8u + r->paylen;
	default:
		return 8u + 56u; /* ICMP echo with ping's 56 bytes */
	}
}

static unsigned ip_len(const struct flow *f, const struct rec *r)
{
	return (f->ipv6 ? 40u : 20u) + transport_len(r);
}

/* skb->len: the sender's skb still holds the Ethernet header. */
static uint8_t *skb_fields(uint8_t *p, const struct flow *f,
			   const struct rec *r)
{
	bool send = r->kind == RK_SEND || r->kind == RK_ARP_SEND;
	unsigned len;

	if (r->kind == RK_ARP_SEND || r->kind == RK_ARP_RECV)
		len = 28 + (send ? 14 : 0);
	else
		len = ip_len(f, r) + (send ? 14 : 0);
	p = le64(p, skb_address(r));
	p = le32(p, len);
	if (f && f->loopback)
		return putstr(p, "lo", 3);
	return putstr(p, "eth0", 5);
}

static uint8_t *ipv4_header(uint8_t *p, const struct flow *f,
			    const struct rec *r)
{
	int src = r->dir, dst = 1 - r->dir;

	p = put8(p, 0x45);
	p = put8(p, 0);
	p = be16(p, ip_len(f, r));
	p = be16(p, r->ipid);
	p = be16(p, 0x4000);                  /* DF */
	p = put8(p, 64);
	p = put8(p, r->proto);
	p = be16(p, r->csum ^ 0xA5A5u);
	memcpy(p, f->addr4[src], 4);
	memcpy(p + 4, f->addr4[dst], 4);
	return p + 8;
}

static uint8_t *ipv6_header(uint8_t *p, const struct flow *f,
			    const struct rec *r)
{
	int src = r->dir, dst = 1 - r->dir;

	p = put8(p, 0x60);
	memcpy(p, f->flow_lbl, 3);
	p = be16(p + 3, transport_len(r));
	p = put8(p, r->proto);
	p = put8(p, 64);
	for (int i = 0; i < 8; i++)
		p = be16(p, f->addr6[src][i]);
	for (int i = 0; i < 8; i++)
		p = be16(p, f->addr6[dst][i]);
	return p;
}

static uint8_t *tcp_header(uint8_t *p, const struct flow *f,
			   const struct rec *r)
{
	p = be16(p, f->port[r->dir]);
	p = be16(p, f->port[1 - r->dir]);
	p = be32(p, r->seq);
	p = be32(p, r->ack);
	p = put8(p, (unsigned)r->doff << 4);  /* reserved 0, NS 0 */
	p = put8(p, r->flags);
	p = be16(p, r->win);
	p = be16(p, r->csum);
	return be16(p, 0);
}

static uint8_t *udp_header(uint8_t *p, const struct flow *f,
			   const struct rec *r)
{
	p = be16(p, f->port[r->dir]);
	p = be16(p, f->port[1 - r->dir]);
	p = be16(p, 8u + r->paylen);
	return be16(p, r->csum);
}

static uint8_t *icmp_header(uint8_t *p, const struct flow *f,
			    const struct rec *r)
{
	p = put8(p, r->flags);                /* 8 request, 0 reply */
	p = put8(p, 0);
	p = be16(p, r->csum);
	return be32(p, (uint32_t)f->icmp_id << 16 | r->paylen);
}

/* The transport_header_type value of an explicit layout. */
static unsigned th_type(const struct layout *l, const struct flow *f,
			const struct rec *r)
{
	if (r->proto == PROTO_TCP)
		return 1;
	if (l->th != TH_EXPLICIT_ALL)
		return 0;
	if (r->proto == PROTO_UDP)
		return 2;
	/* 2.13 checks IPPROTO_ICMP in both families: never true for IPv6 */
	return r->proto == PROTO_ICMP && !f->ipv6 ? 3 : 0;
}

static uint8_t *modules_transport(uint8_t *p, const struct layout *l,
				  const struct flow *f, const struct rec *r)
{
	unsigned th;

	if (l->th == TH_BY_PROTOCOL)
		return r->proto == PROTO_TCP ? tcp_header(p, f, r) : p;
	th = th_type(l, f, r);
	p = put8(p, th);
	switch (th) {
	case 1:
		return tcp_header(p, f, r);
	case 2:
		return udp_header(p, f, r);
	case 3:
		return icmp_header(p, f, r);
	default:
		return p;
	}
}

static uint8_t *enc_modules(uint8_t *p, const struct layout *l,
			    const struct flow *f, const struct rec *r)
{
	p = skb_fields(p, f, r);
	if (r->kind == RK_ARP_SEND || r->kind == RK_ARP_RECV)
		return put8(p, 0);            /* network_header_type _unknown */
	p = put8(p, f->ipv6 ? 2 : 1);
	p = f->ipv6 ? ipv6_header(p, f, r) : ipv4_header(p, f, r);
	return modules_transport(p, l, f, r);
}

static uint8_t *enc_experimental(uint8_t *p, const struct flow *f,
				 const struct rec *r)
{
	p = skb_fields(p, f, r);
	if (r->proto != PROTO_TCP || r->kind == RK_ARP_SEND ||
	    r->kind == RK_ARP_RECV)
		return put8(p, 0);
	p = put8(p, 1);
	p = be16(p, f->port[r->dir]);
	p = be16(p, f->port[1 - r->dir]);
	p = be32(p, r->seq);
	p = be32(p, r->ack);
	p = put8(p, r->flags);
	return be16(p, r->win);
}

/* Canonical TCP flag bits reversed: the addons module's own order. */
static unsigned module_order(unsigned flags)
{
	unsigned out = 0;

	for (int i = 0; i < 8; i++)
		if (flags & (1u << i))
			out |= 0x80u >> i;
	return out;
}

static uint8_t *enc_addons(uint8_t *p, const struct layout *l,
			   const struct flow *f, const struct rec *r)
{
	/* the socket is the one of the host writing the event */
	int side = r->kind == RK_SEND ? r->dir : 1 - r->dir;

	p = le64(p, f->sk[side]);
	p = be32(p, r->seq);
	p = be32(p, r->ack);
	p = be16(p, r->csum);
	p = be16(p, r->win);
	if (l->addons_b) {                    /* TCP header bytes 12-13 */
		p = put8(p, (unsigned)r->doff << 4);
		return put8(p, r->flags);
	}
	p = put8(p, module_order(r->flags));  /* read back as flags << 8 */
	return put8(p, r->doff);
}

static uint8_t *enc_old(uint8_t *p, const struct flow *f, const struct rec *r)
{
	p = le64(p, skb_address(r));
	if (r->kind == RK_ARP_SEND || r->kind == RK_ARP_RECV)
		p = le32(p, r->kind == RK_ARP_SEND ? 42 : 28);
	else
		p = le32(p, ip_len(f, r) + (r->kind == RK_SEND ? 14 : 0));
	if (f && f->loopback)
		return putstr(p, "lo", 3);
	return putstr(p, "eth0", 5);
}

static uint8_t *enc_network(const struct gen *g, const struct layout *l,
			    const struct rec *r, uint8_t *p)
{
	/* ARP records belong to no flow */
	const struct flow *f = r->flow == NO_FLOW ? NULL : &g->flows[r->flow];

	switch (l->family) {
	case NET_MODULES:
		return enc_modules(p, l, f, r);
	case NET_EXPERIMENTAL:
		return enc_experimental(p, f, r);
	case NET_ADDONS:
		return enc_addons(p, l, f, r);
	default:
		return enc_old(p, f, r);
	}
}

/* ---- payloads: noise ----------------------------------------------------- */

#define N_TASKS 12
static const char task_comm[N_TASKS][16] = {
	"swapper/0", "sshd", "bash", "kworker/0:1", "rcu_sched", "iperf3",
	"nginx", "postgres", "systemd", "ksoftirqd/0", "lttng-consumerd",
	"java",
};

static int32_t task_tid(unsigned task)
{
	return task ? (int32_t)(100 + 37 * task) : 0; /* swapper is tid 0 */
}

/* sched_switch: the CPU's current task gives way to another one. */
static uint8_t *enc_sched_switch(struct stream *s,
				 const struct rec *r, uint8_t *p)
{
	unsigned next = r->seq % N_TASKS;

	if (next == s->task)
		next = (next + 1) % N_TASKS;
	p = putstr(p, task_comm[s->task], 16);
	p = le32(p, (uint32_t)task_tid(s->task));
	p = le32(p, 120);
	p = le64(p, r->ack & 1);              /* TASK_RUNNING or _INTERRUPTIBLE */
	p = putstr(p, task_comm[next], 16);
	p = le32(p, (uint32_t)task_tid(next));
	p = le32(p, 120);
	s->task = next;
	return p;
}

static uint8_t *enc_syscall(const struct layout *l, const struct rec *r,
			    uint8_t *p)
{
	uint64_t buf = 0x7FFC00000000ULL | ((uint64_t)r->ack << 4);
	uint32_t count = 1 + r->ack % 65536;

	if (r->kind == RK_SYS_ENTRY) {
		p = le32(p, r->seq % 64);
		if (!l->new_syscalls)
			p = le64(p, buf);
		return le64(p, count);
	}
	p = le64(p, (uint64_t)(int64_t)(r->seq % 4096)); /* ret */
	return l->new_syscalls ? le64(p, buf) : p;
}

/* ---- one record ---------------------------------------------------------- */

static void event_ids(struct host *h, const struct layout *l)
{
	h->ids[RK_SEND] = h->ids[RK_ARP_SEND] = l->id.send;
	h->ids[RK_RECV] = h->ids[RK_ARP_RECV] = l->id.recv;
	h->ids[RK_SCHED_SWITCH] = l->id.sched_switch;
	h->ids[RK_SYS_ENTRY] = l->id.sys_entry;
	h->ids[RK_SYS_EXIT] = l->id.sys_exit;
}

static void count(struct host *h, const struct layout *l, const struct rec *r)
{
	bool key = r->proto == PROTO_TCP && l->family != NET_OLD;

	h->c.events++;
	switch (r->kind) {
	case RK_SEND:
		h->c.net_send++;
		h->c.tcp_send += key;
		break;
	case RK_RECV:
		h->c.net_recv++;
		h->c.tcp_recv += key;
		break;
	case RK_ARP_SEND:
		h->c.net_send++;
		h->c.no_header++;
		break;
	case RK_ARP_RECV:
		h->c.net_recv++;
		h->c.no_header++;
		break;
	default:
		h->c.noise++;
	}
}

void ctf_write_rec(struct gen *g, const struct rec *r)
{
	struct host *h = &g->hosts[r->host];
	struct stream *s = &h->streams[r->cpu];
	uint64_t ts = raw_clock(h, r->t);
	uint8_t *p = event_begin(g, h, s, h->ids[r->kind], ts);

	switch (r->kind) {
	case RK_SCHED_SWITCH:
		p = enc_sched_switch(s, r, p);
		break;
	case RK_SYS_ENTRY:
	case RK_SYS_EXIT:
		p = enc_syscall(h->l, r, p);
		break;
	default:
		p = enc_network(g, h->l, r, p);
	}
	if (p - (s->buf + s->pos) > MAX_EVENT)
		gen_die(GEN_EXIT_IO, "internal error: event larger than %d bytes",
			MAX_EVENT);
	s->pos = (uint32_t)(p - s->buf);
	s->last = ts;
	count(h, h->l, r);
}

/* ---- setup and teardown -------------------------------------------------- */

void ctf_open_streams(struct gen *g, struct host *h, const char *dir)
{
	event_ids(h, h->l);
	h->streams = gen_xcalloc(g->o.cpus, sizeof *h->streams);
	for (unsigned c = 0; c < g->o.cpus; c++) {
		struct stream *s = &h->streams[c];
		char name[32];

		snprintf(name, sizeof name, "channel0_%u", c);
		s->path = gen_path(dir, name);
		s->buf = gen_xmalloc(g->o.packet_size);
		s->fd = -1;
		s->task = c % N_TASKS;
	}
}

/* Ends every stream at true time end_t; a stream never written gets one
 * empty packet, so that every CPU has its file, as with LTTng. */
void ctf_close_streams(struct gen *g, struct host *h, uint64_t end_t)
{
	for (unsigned c = 0; c < g->o.cpus; c++) {
		struct stream *s = &h->streams[c];

		if (!s->open && s->packets == 0)
			packet_open(h, s, raw_clock(h, 0));
		if (s->open)
			packet_close(g, h, s, raw_clock(h, end_t));
		stream_close_fd(s);
		free(s->buf);
		free(s->path);
	}
	free(h->streams);
	h->streams = NULL;
}

/* The metadata stream, packetized as LTTng writes it. */
void ctf_write_metadata(const struct host *h, const char *dir)
{
	struct sbuf text = { 0 };
	const size_t hdr = 37, room = METADATA_PACKET - hdr;
	char *path = gen_path(dir, "metadata");
	uint8_t pkt[METADATA_PACKET];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd < 0)
		gen_die(GEN_EXIT_IO, "cannot create %s: %s", path,
			strerror(errno));
	layout_metadata(&text, h);
	for (size_t off = 0; off < text.len; off += room) {
		size_t n = text.len - off < room ? text.len - off : room;
		uint8_t *p = le32(pkt, TSDL_MAGIC);

		memcpy(p, h->uuid, 16);
		p = le32(p + 16, 0);                          /* checksum */
		p = le32(p, (uint32_t)((hdr + n) * 8));       /* content_size */
		p = le32(p, METADATA_PACKET * 8);             /* packet_size */
		p = put8(p, 0);   /* compression */
		p = put8(p, 0);   /* encryption */
		p = put8(p, 0);   /* checksum scheme */
		p = put8(p, 1);   /* CTF major */
		p = put8(p, 8);   /* CTF minor */
		memcpy(p, text.s + off, n);
		memset(p + n, 0, room - n);
		write_all(fd, path, pkt, sizeof pkt);
	}
	if (close(fd) != 0)
		gen_die(GEN_EXIT_IO, "cannot write %s: %s", path,
			strerror(errno));
	sb_free(&text);
	free(path);
}
