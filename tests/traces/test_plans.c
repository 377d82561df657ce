/* SPDX-License-Identifier: MIT */
/*
 * Our reader's compiled paths against its walk of the same bytes: the
 * network payloads' plans (ctf_plan.c), event headers read at fixed
 * offsets and quiet events skipped by their sizes (ctf_skim.c). Every
 * trace is read twice, with plans and without, and both give the same
 * status and message, the same statistics, the same packets in the same
 * order, and steps that leave the trace at the same positions (which
 * the times of all events decide). Traces: the real
 * ones ($LTTSYNC_SHARED_TRACES, skipped when absent), every layout
 * lttsync-gen writes (with UDP, ICMP, IPv6: there every network event
 * must be judged by a plan), the same traces with bytes of their stream
 * files changed at random (plans give up, the walk decides, errors say
 * the same), and a written trace whose payload has what the generated
 * layouts lack: a sequence, a 64-bit alignment after a string, a signed
 * seq that is sometimes negative, IPv6 addresses, transports of no
 * option.
 *
 * Prints one line per trace and "N passed, N failed".
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctf.h"
#include "reader_testlib.h"
#include "decode.h"

/* Threads decoding ahead: one, and two (as many as there are cores
 * here, and more than one per stream of some traces). */
static lsync_skim_pool *pool1, *pool2;

typedef struct run {
	collected c;
	lsync_decode_stats stats;
	int status;
	char err[512];
	uint64_t by_plans;
	uint64_t steps, positions; /* steps taken, and a hash of their positions */
} run;

static void read_trace_with(const char *path, bool plans, lsync_skim_pool *pool, run *r)
{
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &r->c, NULL };
	lsync_skim *k;
	int64_t pos;

	r->status = lsync_skim_open(&k, path, &cb, &r->stats, r->err, sizeof(r->err));
	if (r->status)
		return;
	lsync_skim_set_plans(k, plans);
	lsync_skim_attach(k, pool);
	/* Where each step leaves the trace: the events' times, network or
	 * not, decide it. */
	while (lsync_skim_step(k, &pos)) {
		r->steps++;
		r->positions = (r->positions ^ (uint64_t)pos) * UINT64_C(0x100000001b3);
	}
	r->by_plans = lsync_skim_plan_events(k);
	r->status = lsync_skim_close(k, r->err, sizeof(r->err));
}

static void read_trace(const char *path, bool plans, run *r)
{
	read_trace_with(path, plans, NULL, r);
}

static bool same_runs(const run *a, const run *b)
{
	return a->status == b->status && strcmp(a->err, b->err) == 0 &&
	       a->c.has_host == b->c.has_host && strcmp(a->c.host, b->c.host) == 0 &&
	       memcmp(&a->stats, &b->stats, sizeof(a->stats)) == 0 && a->c.n == b->c.n &&
	       a->by_plans == b->by_plans && a->steps == b->steps &&
	       a->positions == b->positions &&
	       (a->c.n == 0 || memcmp(a->c.p, b->c.p, a->c.n * sizeof(*a->c.p)) == 0);
}

/* With threads decoding ahead: exactly what one thread hands out. */
static void compare_threads(const char *path, const run *a, bool quiet)
{
	lsync_skim_pool *pools[] = { pool1, pool2 };

	for (unsigned i = 0; i < 2; i++) {
		run t = { 0 };

		read_trace_with(path, true, pools[i], &t);
		if (!quiet || !same_runs(a, &t))
			printf("%s: with %u thread(s) ahead: status %d, %zu packets%s\n", path,
			       i + 1, t.status, t.c.n, same_runs(a, &t) ? ", the same" : "");
		reader_check(same_runs(a, &t), "threads ahead hand out the same, in the same order",
		      path);
		free(t.c.p);
	}
}

/* Both ways; returns the plans' run's statistics. `quiet`: one line only
 * when they differ. */
static lsync_decode_stats compare(const char *path, bool quiet, uint64_t *by_plans)
{
	run a = { 0 }, b = { 0 };
	bool same;

	read_trace(path, true, &a);
	read_trace(path, false, &b);
	b.by_plans = a.by_plans; /* b (the walk) has none: checked below */
	same = same_runs(&a, &b);
	b.by_plans = 0;
	if (!quiet || !same)
		printf("%s: status %d, %" PRIu64 " events, %" PRIu64 " network, %" PRIu64
		       " by plans, %zu packets / walk: status %d, %zu packets%s%s\n",
		       path, a.status, a.stats.events, a.stats.network_events, a.by_plans,
		       a.c.n, b.status, b.c.n, a.status ? ": " : "", a.err);
	if (!same && strcmp(a.err, b.err) != 0)
		printf("  plans: %s\n  walk:  %s\n", a.err, b.err);
	reader_check(same, "plans and walk read the same", path);
	reader_check(b.by_plans == 0, "no plan used when plans are off", path);
	compare_threads(path, &a, quiet);
	if (by_plans)
		*by_plans = a.by_plans;
	free(a.c.p);
	free(b.c.p);
	return a.stats;
}

static int found(void *user, const char *folder)
{
	(void)user;
	compare(folder, false, NULL);
	return 0;
}

#include "../common/xorshift.h"

static bool load(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*buf = n > 0 ? malloc((size_t)n) : NULL;
	*len = *buf && fread(*buf, 1, (size_t)n, f) == (size_t)n ? (size_t)n : 0;
	fclose(f);
	return *len > 0;
}

static bool store(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/*
 * `rounds` times: a few bytes of one stream file of the trace in dir
 * changed at random (past its first packet's header), both ways
 * compared, the file restored.
 */
static void mutate(const char *dir, int rounds)
{
	char path[4200];
	uint8_t *orig, *buf;
	size_t len;
	int failed_before = reader_failed, differ = 0;

	snprintf(path, sizeof(path), "%s/channel0_0", dir);
	if (!load(path, &orig, &len) || len < 256) {
		reader_check(false, "stream file to change", path);
		return;
	}
	buf = malloc(len);
	for (int i = 0; i < rounds && buf; i++) {
		unsigned flips = 1 + (unsigned)(rng() % 4);

		memcpy(buf, orig, len);
		for (unsigned j = 0; j < flips; j++)
			buf[128 + rng() % (len - 128)] ^= (uint8_t)(1u << (rng() % 8));
		if (!store(path, buf, len))
			break;
		compare(dir, true, NULL);
	}
	store(path, orig, len);
	differ = reader_failed - failed_before;
	printf("%s: %d changed stream files read alike both ways%s\n", dir,
	       rounds - differ, differ ? " (not all)" : "");
	free(buf);
	free(orig);
}

/* ---- a written trace -------------------------------------------------------------- */

static const char written_meta[] =
	"/* CTF 1.8 */\n"
	"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	"typealias integer { size = 16; align = 8; signed = false; byte_order = be; } := be16;\n"
	"typealias integer { size = 32; align = 8; signed = false; byte_order = be; } := be32;\n"
	"typealias integer { size = 32; align = 8; signed = true; byte_order = be; } := sbe32;\n"
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	"typealias integer { size = 64; align = 64; signed = false; } := u64a;\n"
	"trace { major = 1; minor = 8; byte_order = le; "
	"packet.header := struct { uint32_t magic; }; };\n"
	"env { hostname = \"written\"; };\n"
	"clock { name = c; freq = 1000000000; };\n"
	"typealias integer { size = 64; align = 8; signed = false; "
	"map = clock.c.value; } := clk64;\n"
	"stream { packet.context := struct { clk64 timestamp_begin; "
	"uint64_t packet_size; uint64_t content_size; }; "
	"event.header := struct { uint32_t id; clk64 timestamp; }; };\n"
	"event { name = \"sched_switch\"; id = 0; fields := struct { uint32_t a; string b; }; };\n"
	"event { name = \"net_dev_queue\"; id = 1; fields := struct {\n"
	"  uint8_t n; uint8_t pad[n]; string name; u64a big;\n"
	"  enum : uint8_t { unknown = 0, ipv4 = 1, ipv6 = 2 } network_header_type;\n"
	"  variant <network_header_type> {\n"
	"    struct { } unknown;\n"
	"    struct { uint8_t protocol; uint8_t saddr[4]; uint8_t daddr[4];\n"
	"      enum : uint8_t { unknown = 0, tcp = 1, udp = 2 } th;\n"
	"      variant <th> { struct { } unknown;\n"
	"        struct { be16 source_port; be16 dest_port; sbe32 seq; be32 ack_seq; be16 flags; } tcp;\n"
	"        struct { be16 source_port; be16 dest_port; } udp; } transport_header; } ipv4;\n"
	"    struct { uint8_t nexthdr; be16 saddr[8]; be16 daddr[8];\n"
	"      enum : uint8_t { unknown = 0, tcp = 1 } th;\n"
	"      variant <th> { struct { } unknown;\n"
	"        struct { be16 source_port; be16 dest_port; be32 seq; be32 ack_seq; be16 flags; } tcp;\n"
	"      } transport_header; } ipv6;\n"
	"  } network_header; }; };\n";

typedef struct wbuf {
	uint8_t b[1 << 16];
	size_t bits;
} wbuf;

static void put(wbuf *w, uint64_t v, unsigned bytes, bool be, unsigned align)
{
	w->bits = (w->bits + align - 1) / align * align;
	for (unsigned i = 0; i < bytes; i++)
		w->b[w->bits / 8 + i] = (uint8_t)(v >> 8 * (be ? bytes - 1 - i : i));
	w->bits += 8 * bytes;
}

static void put_string(wbuf *w, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(w->b + w->bits / 8, s, n);
	w->bits += 8 * n;
}

/* One network event: id, timestamp, then the payload above at random. */
static void network_event(wbuf *w, uint64_t ts)
{
	unsigned nh = (unsigned)(rng() % 3), pad = (unsigned)(rng() % 5), th;

	put(w, 1, 4, false, 8);
	put(w, ts, 8, false, 8);
	put(w, pad, 1, false, 64); /* the payload takes big's alignment */
	for (unsigned i = 0; i < pad; i++)
		put(w, rng(), 1, false, 8);
	put_string(w, rng() % 2 ? "eth0" : "lo");
	put(w, rng(), 8, false, 64);
	put(w, nh, 1, false, 8);
	if (nh == 1) {
		th = (unsigned)(rng() % 3);
		put(w, rng() % 4 ? 6 : 17, 1, false, 8);
		for (unsigned i = 0; i < 8; i++)
			put(w, rng(), 1, false, 8);
		put(w, th, 1, false, 8);
		if (th >= 1) {
			put(w, rng(), 2, true, 8);
			put(w, rng(), 2, true, 8);
		}
		if (th == 1) {
			put(w, rng(), 4, true, 8); /* negative one time in two */
			put(w, rng(), 4, true, 8);
			put(w, rng() % 512, 2, true, 8);
		}
	} else if (nh == 2) {
		th = (unsigned)(rng() % 2);
		put(w, rng() % 4 ? 6 : 58, 1, false, 8);
		for (unsigned i = 0; i < 16; i++)
			put(w, rng(), 2, true, 8);
		put(w, th, 1, false, 8);
		if (th == 1) {
			put(w, rng(), 2, true, 8);
			put(w, rng(), 2, true, 8);
			put(w, rng(), 4, true, 8);
			put(w, rng(), 4, true, 8);
			put(w, rng() % 1024, 2, true, 8); /* 9 bits, sometimes more */
		}
	}
}

/* The written trace as libbabeltrace2 reads it: the same statistics and
 * packets (sorted: the readers order streams differently). */
static void against_babeltrace2(const char *dir)
{
	run a = { 0 }, b = { 0 };
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &b.c, NULL };

	read_trace(dir, true, &a);
	b.status = lsync_decode_trace_with(dir, &cb, &b.stats, LTTSYNC_READER_BABELTRACE2,
					   b.err, sizeof(b.err));
	a.stats.reader = b.stats.reader = 0;
	if (a.c.n && a.c.n == b.c.n) {
		qsort(a.c.p, a.c.n, sizeof(*a.c.p), collect_cmp_packet);
		qsort(b.c.p, b.c.n, sizeof(*b.c.p), collect_cmp_packet);
	}
	reader_check(a.status == 0 && b.status == 0 &&
	      memcmp(&a.stats, &b.stats, sizeof(a.stats)) == 0 && a.c.n == b.c.n &&
	      (a.c.n == 0 || memcmp(a.c.p, b.c.p, a.c.n * sizeof(*a.c.p)) == 0),
	      "as libbabeltrace2 reads it", dir);
	free(a.c.p);
	free(b.c.p);
}

static void written(const char *tmp)
{
	char dir[4200], path[4300];
	static wbuf w;
	uint64_t ts = 1000, by_plans = 0;
	lsync_decode_stats st;
	size_t start;

	snprintf(dir, sizeof(dir), "%s/written", tmp);
	mkdir(dir, 0777);
	snprintf(path, sizeof(path), "%s/metadata", dir);
	if (!store(path, (const uint8_t *)written_meta, sizeof(written_meta) - 1)) {
		reader_check(false, "written trace", dir);
		return;
	}
	memset(&w, 0, sizeof(w));
	for (int pk = 0; pk < 4; pk++) {
		start = w.bits / 8;
		put(&w, 0xC1FC1FC1u, 4, false, 8);
		put(&w, ts, 8, false, 8);
		put(&w, 0, 8, false, 8); /* sizes, below */
		put(&w, 0, 8, false, 8);
		for (int e = 0; e < 200; e++) {
			ts += 1 + rng() % 1000;
			if (rng() % 3 == 0) {
				put(&w, 0, 4, false, 8);
				put(&w, ts, 8, false, 8);
				put(&w, rng(), 4, false, 8);
				put_string(&w, "swapper");
			} else {
				network_event(&w, ts);
			}
		}
		{
			uint64_t content = w.bits - 8 * start, size = (content + 8 * 64 - 1) / (8 * 64) * (8 * 64);

			for (int i = 0; i < 8; i++) {
				w.b[start + 12 + i] = (uint8_t)(size >> 8 * i);
				w.b[start + 20 + i] = (uint8_t)(content >> 8 * i);
			}
			w.bits = 8 * start + size;
		}
	}
	snprintf(path, sizeof(path), "%s/channel0_0", dir);
	if (!store(path, w.b, w.bits / 8)) {
		reader_check(false, "written trace", dir);
		return;
	}
	st = compare(dir, false, &by_plans);
	against_babeltrace2(dir);
	reader_check(st.network_events > 500 && st.packets > 100 && st.malformed > 10 &&
	      st.not_tcp > 10 && st.no_header > 10,
	      "the written trace has packets, malformed, not TCP, no header", dir);
	reader_check(by_plans > 0 && by_plans < st.network_events,
	      "plans judged most, gave some up (negative seq, 9-bit flags)", dir);
	mutate(dir, 200);
}

/*
 * Packet contexts of 6,000 bytes: indexing reads a packet's first 4 KiB,
 * then, those not sufficing, its first 64 KiB; the trace is read, as
 * libbabeltrace2 reads it.
 */
static void big_context(const char *tmp)
{
	char dir[4200], path[4300], meta[sizeof(written_meta) + 64];
	static wbuf w;
	const char *ctx = "uint64_t content_size; }; ";
	const char *at = strstr(written_meta, ctx);
	uint64_t ts = 1000;
	run r = { 0 };

	snprintf(dir, sizeof(dir), "%s/big-context", tmp);
	mkdir(dir, 0777);
	snprintf(meta, sizeof(meta), "%.*suint64_t content_size; uint8_t big[6000]; }; %s",
		 (int)(at - written_meta), written_meta, at + strlen(ctx));
	snprintf(path, sizeof(path), "%s/metadata", dir);
	memset(&w, 0, sizeof(w));
	for (int pk = 0; pk < 3; pk++) {
		size_t start = w.bits / 8;
		uint64_t content, size;

		put(&w, 0xC1FC1FC1u, 4, false, 8);
		put(&w, ts, 8, false, 8);
		put(&w, 0, 8, false, 8);
		put(&w, 0, 8, false, 8);
		w.bits += 8 * 6000;
		for (int e = 0; e < 50; e++) {
			ts += 1 + rng() % 1000;
			if (e % 2)
				network_event(&w, ts);
			else {
				put(&w, 0, 4, false, 8);
				put(&w, ts, 8, false, 8);
				put(&w, rng(), 4, false, 8);
				put_string(&w, "swapper");
			}
		}
		content = w.bits - 8 * start;
		size = (content + 8 * 64 - 1) / (8 * 64) * (8 * 64);
		for (int i = 0; i < 8; i++) {
			w.b[start + 12 + i] = (uint8_t)(size >> 8 * i);
			w.b[start + 20 + i] = (uint8_t)(content >> 8 * i);
		}
		w.bits = 8 * start + size;
	}
	snprintf(path, sizeof(path), "%s/metadata", dir);
	if (!at || !store(path, (const uint8_t *)meta, strlen(meta))) {
		reader_check(false, "big-context trace", dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/channel0_0", dir);
	if (!store(path, w.b, w.bits / 8)) {
		reader_check(false, "big-context trace", dir);
		return;
	}
	read_trace(dir, true, &r);
	reader_check(r.status == 0 && r.stats.events == 150,
	      "packets whose context takes 6,000 bytes are read", dir);
	free(r.c.p);
	compare(dir, false, NULL);
	against_babeltrace2(dir);
}

int main(void)
{
	const char *shared = getenv("LTTSYNC_SHARED_TRACES");
	const char *gen = getenv("LTTSYNC_GEN");
	char tmp[] = "/tmp/test_plans.XXXXXX", path[4096];
	static const char *const layouts[] = { "modules-2.9", "modules-2.10.5",
		"modules-2.13", "modules-2.6", "experimental", "addons-a",
		"addons-b", "old", NULL };
	struct stat sb;

	pool1 = lsync_skim_pool_new(1);
	pool2 = lsync_skim_pool_new(2);
	if (!pool1 || !pool2)
		return 1;
	if (shared && stat(shared, &sb) == 0)
		lsync_find_traces(shared, found, NULL, path, sizeof(path));
	else
		printf("skipped: LTTSYNC_SHARED_TRACES not set or absent\n");
	if (!mkdtemp(tmp))
		return 1;
	if (gen) {
		for (int i = 0; layouts[i]; i++) {
			const char *opts[] = { "--hosts", "2", "--layouts", layouts[i],
				"--duration", "1", "--rate", "200", "--cpus", "1",
				"--packet-size", "4096", "--seed", "5",
				"--udp-fraction", "0.2", "--icmp-fraction", "0.2",
				"--ipv6-fraction", "0.4", NULL };
			char host[4200];
			lsync_decode_stats st;
			uint64_t by_plans = 0;

			snprintf(path, sizeof(path), "%s/%s", tmp, layouts[i]);
			if (!reader_generate(gen, path, opts))
				continue;
			snprintf(host, sizeof(host), "%s/host0/kernel", path);
			st = compare(host, false, &by_plans);
			reader_check(st.network_events > 0 && by_plans == st.network_events,
			      "every network event judged by a plan", host);
			mutate(host, 60);
		}
	} else {
		printf("skipped: LTTSYNC_GEN not set\n");
	}
	written(tmp);
	big_context(tmp);
	{
		char cmd[sizeof(tmp) + 16];

		snprintf(cmd, sizeof(cmd), "%s %s", getenv("KEEP") ? "echo kept" : "rm -rf", tmp);
		if (system(cmd) != 0)
			printf("could not remove %s\n", tmp);
	}
	lsync_skim_pool_free(pool1);
	lsync_skim_pool_free(pool2);
	printf("%d passed, %d failed\n", reader_passed, reader_failed);
	return reader_failed ? 1 : 0;
}
