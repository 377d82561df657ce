/* SPDX-License-Identifier: MIT */
/*
 * Tests of the trace decoder (liblttsync/read/decode.h) on whole traces:
 * - traces of the synthetic writer (LTTSYNC_GEN, else
 *   $top_builddir/lttsync-gen); skipped when it is absent;
 * - the real traces of ../shared/traces (LTTSYNC_SHARED_TRACES, else
 *   $top_srcdir/../shared/traces); skipped when absent.
 * Their packets are matched across hosts as simply as possible, to
 * check the segments against the writer's list or known clock bounds.
 */
#include <criterion/criterion.h>

#include <glib.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "decode.h"
#include "decode_testlib.h"
#include "../common/testfiles.h"

/* ---- matching helpers -------------------------------------------------- */

/* A packet of one host, for matching across traces. */
typedef struct tagged {
	int host;
	lttsync_packet p;
} tagged;

static guint key_hash(gconstpointer k)
{
	const lttsync_packet *p = k;

	return p->seq * 2654435761u ^ p->ack_seq ^ (guint)p->flags << 24;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	const lttsync_packet *x = a, *y = b;

	return x->seq == y->seq && x->ack_seq == y->ack_seq && x->flags == y->flags;
}

static void add_tagged(GArray *all, const collect *c, int host)
{
	for (guint i = 0; i < c->packets->len; i++) {
		tagged t = { host, *pkt(c, i) };

		g_array_append_val(all, t);
	}
}

/* A matched segment: send and receive ends (as lttsync-gen -m lists them). */
typedef struct seg {
	int send_host, recv_host;
	int64_t send_ns, recv_ns;
} seg;

static gint seg_cmp(gconstpointer a, gconstpointer b)
{
	const seg *x = a, *y = b;

	if (x->send_ns != y->send_ns)
		return x->send_ns < y->send_ns ? -1 : 1;
	if (x->send_host != y->send_host)
		return x->send_host - y->send_host;
	return x->recv_ns < y->recv_ns ? -1 : x->recv_ns > y->recv_ns;
}

/* How many events each key has (counts), and each key's send (sends). */
static void index_keys(GArray *all, GHashTable *counts, GHashTable *sends)
{
	for (guint i = 0; i < all->len; i++) {
		tagged *t = &g_array_index(all, tagged, i);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, &t->p));

		g_hash_table_insert(counts, &t->p, GUINT_TO_POINTER(n + 1));
		if (t->p.direction == LTTSYNC_DIRECTION_SEND)
			g_hash_table_insert(sends, &t->p, t);
	}
}

/* Where both ends know addresses or ports, they must agree. */
static void check_same_flow(const lttsync_packet *a, const lttsync_packet *b)
{
	if (a->family && b->family) {
		cr_assert_eq(a->family, b->family);
		cr_assert_arr_eq(a->src_addr, b->src_addr, 16);
		cr_assert_arr_eq(a->dst_addr, b->dst_addr, 16);
	}
	if (a->has_ports && b->has_ports)
		cr_assert(a->src_port == b->src_port && a->dst_port == b->dst_port);
}

/*
 * The simplest matching: a key seen exactly twice, sent on one host and
 * received on another, makes a segment. Sorted.
 */
static GArray *match_all(GArray *all)
{
	GHashTable *counts = g_hash_table_new(key_hash, key_equal);
	GHashTable *sends = g_hash_table_new(key_hash, key_equal);
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(seg));

	index_keys(all, counts, sends);
	for (guint i = 0; i < all->len; i++) {
		tagged *r = &g_array_index(all, tagged, i), *sd;
		seg sg;

		if (r->p.direction != LTTSYNC_DIRECTION_RECEIVE ||
		    GPOINTER_TO_UINT(g_hash_table_lookup(counts, &r->p)) != 2 ||
		    !(sd = g_hash_table_lookup(sends, &r->p)) || sd->host == r->host)
			continue;
		check_same_flow(&sd->p, &r->p);
		sg = (seg){ sd->host, r->host, sd->p.timestamp_ns, r->p.timestamp_ns };
		g_array_append_val(segs, sg);
	}
	g_hash_table_destroy(counts);
	g_hash_table_destroy(sends);
	g_array_sort(segs, seg_cmp);
	return segs;
}

/* Decode host `h` of a generated run into *c and *s. */
static void decode_host(const char *out, int h, collect *c, lsync_decode_stats *s)
{
	char host[16], *trace;

	snprintf(host, sizeof(host), "host%d", h);
	trace = g_build_filename(out, host, "kernel", NULL);
	collect_init(c);
	decode_ok(trace, c, s);
	cr_assert_str_eq(c->hostname, host);
	g_free(trace);
}

/* ---- traces of the synthetic writer (lttsync-gen) ---------------------- */

#define ALL_LAYOUTS "modules-2.9,modules-2.10.5,modules-2.13,modules-2.6," \
	"experimental,addons-a,addons-b,old"
#define N_LAYOUTS 8

/* The generator, or skip: LTTSYNC_GEN, else $top_builddir/lttsync-gen. */
static char *generator(void)
{
	const char *env = getenv("LTTSYNC_GEN");
	const char *top = getenv("top_builddir");
	char *path = env ? g_strdup(env)
			 : g_build_filename(top ? top : ".", "lttsync-gen", NULL);

	if (!g_file_test(path, G_FILE_TEST_IS_EXECUTABLE)) {
		g_free(path);
		cr_skip_test("synthetic trace writer not found (set LTTSYNC_GEN)");
	}
	return path;
}

/* Run the generator with `args` (NULL-terminated) into a new folder. */
static char *generate(const char *const *args)
{
	char *gen = generator();
	char *out = test_make_tmpdir("lttsync-decode");
	GPtrArray *argv = g_ptr_array_new();
	GError *e = NULL;
	char *err_text = NULL;
	int wait_status = 0;

	g_ptr_array_add(argv, gen);
	for (size_t i = 0; args[i]; i++)
		g_ptr_array_add(argv, (char *)args[i]);
	g_ptr_array_add(argv, "--quiet");
	g_ptr_array_add(argv, "--force");
	g_ptr_array_add(argv, out);
	g_ptr_array_add(argv, NULL);
	cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
			       NULL, NULL, NULL, &err_text, &wait_status, &e),
		  "cannot run %s: %s", gen, e ? e->message : "?");
	cr_assert(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0, "%s failed: %s",
		  gen, err_text);
	g_free(err_text);
	g_ptr_array_free(argv, TRUE);
	g_free(gen);
	return out;
}

static char *read_text(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL), *text = NULL;

	cr_assert(g_file_get_contents(path, &text, NULL, NULL), "cannot read %s", path);
	g_free(path);
	return text;
}

/* A number of host `host`'s entry in truth.json (one object per line pair). */
static uint64_t truth_u64(const char *json, const char *host, const char *key)
{
	char *needle = g_strdup_printf("{\"name\": \"%s\"", host);
	char *quoted = g_strdup_printf("\"%s\": ", key);
	const char *obj = strstr(json, needle), *end, *at;

	cr_assert_not_null(obj, "truth.json has no host %s", host);
	end = strchr(obj, '}');
	at = strstr(obj, quoted);
	cr_assert(at && at < end, "truth.json: no %s for %s", key, host);
	g_free(needle);
	g_free(quoted);
	return g_ascii_strtoull(at + strlen(key) + 4, NULL, 10);
}

/* The counts decode.h promises, against what the generator wrote. */
static void check_against_truth(const char *json, const char *host,
				const char *layout, const lsync_decode_stats *s)
{
	uint64_t net = truth_u64(json, host, "send_events") +
		       truth_u64(json, host, "receive_events");

	cr_assert_eq(s->events, truth_u64(json, host, "events"), "%s (%s)", host, layout);
	cr_assert_eq(s->network_events, net, "%s (%s)", host, layout);
	cr_assert_eq(s->packets, truth_u64(json, host, "tcp_send_events") +
				 truth_u64(json, host, "tcp_receive_events"),
		     "%s (%s)", host, layout);
	cr_assert_eq(s->malformed, 0, "%s (%s)", host, layout);
	cr_assert_eq(s->no_header + s->not_tcp, net - s->packets, "%s (%s)", host, layout);
	if (strcmp(layout, "old") == 0)
		cr_assert_eq(s->no_header, net);
	else if (strncmp(layout, "modules", 7) == 0) /* ARP only: UDP, ICMP are not_tcp */
		cr_assert_eq(s->no_header, truth_u64(json, host, "no_header_events"),
			     "%s (%s)", host, layout);
}

/* Every layout, with the writer's defaults (retransmissions, UDP, IPv6...). */
Test(generated, every_layout_counts_match_the_writer)
{
	static const char *const args[] = { "-n", "8", "-l", ALL_LAYOUTS, "-t", "mesh",
					    "-d", "2", "-s", "11", NULL };
	static const char *const layouts[N_LAYOUTS] = {
		"modules-2.9", "modules-2.10.5", "modules-2.13", "modules-2.6",
		"experimental", "addons-a", "addons-b", "old",
	};
	char *out = generate(args), *json = read_text(out, "truth.json");

	for (int h = 0; h < N_LAYOUTS; h++) {
		collect c;
		lsync_decode_stats s;

		decode_host(out, h, &c, &s);
		cr_assert_eq(s.streams, 2);
		check_against_truth(json, c.hostname, layouts[h], &s);
		if (strcmp(layouts[h], "modules-2.13") == 0)
			cr_assert_gt(s.not_tcp, 0, "UDP and ICMP are counted as not_tcp");
		collect_fini(&c);
	}
	g_free(json);
	test_rm_rf(out);
	g_free(out);
}

static GArray *read_segments_csv(const char *dir, const char *name)
{
	char *text = read_text(dir, name);
	char **lines = g_strsplit(text, "\n", -1);
	GArray *segs = g_array_new(FALSE, FALSE, sizeof(seg));

	for (char **l = lines; *l; l++) {
		seg sg;

		if (sscanf(*l, "host%d,%" SCNd64 ",host%d,%" SCNd64, &sg.send_host,
			   &sg.send_ns, &sg.recv_host, &sg.recv_ns) == 4)
			g_array_append_val(segs, sg);
	}
	g_strfreev(lines);
	g_free(text);
	g_array_sort(segs, seg_cmp);
	return segs;
}

/* Every host's packets into `all`; returns how many are IPv6. */
static int decode_all_hosts(const char *out, GArray *all)
{
	int v6 = 0;

	for (int h = 0; h < N_LAYOUTS; h++) {
		collect c;
		lsync_decode_stats s;

		decode_host(out, h, &c, &s);
		add_tagged(all, &c, h);
		for (guint i = 0; i < c.packets->len; i++)
			v6 += pkt(&c, i)->family == 6;
		collect_fini(&c);
	}
	return v6;
}

/*
 * Without retransmission, segmentation, loopback or one-sided traffic,
 * every key is unique: matching the decoded packets of hosts in every
 * layout must give back exactly the writer's list of segments, to the
 * nanosecond at both ends. This checks seq, ack_seq, the canonical flags
 * (hosts of different layouts only match if they agree), directions and
 * timestamps of every layout at once.
 */
Test(generated, matching_across_layouts_gives_the_writers_segments)
{
	char *scratch = test_make_tmpdir("lttsync-decode");
	char *csv = g_build_filename(scratch, "segments.csv", NULL);
	const char *const args[] = {
		"-n", "8", "-l", ALL_LAYOUTS, "-t", "mesh", "-d", "2", "-s", "5",
		"--retransmit-fraction", "0", "--segmentation-fraction", "0",
		"--loopback-fraction", "0", "--one-sided-fraction", "0",
		"--ipv6-fraction", "0.5", "-m", csv, NULL,
	};
	char *out = generate(args);
	GArray *all = g_array_new(FALSE, FALSE, sizeof(tagged)), *got;
	GArray *want = read_segments_csv(scratch, "segments.csv");

	cr_assert_gt(decode_all_hosts(out, all), 0, "some flows are IPv6");
	got = match_all(all);
	cr_assert_gt(want->len, 100);
	cr_assert_eq(got->len, want->len, "matched %u, the writer lists %u",
		     got->len, want->len);
	for (guint i = 0; i < want->len; i++)
		cr_assert_eq(seg_cmp(&g_array_index(got, seg, i),
				     &g_array_index(want, seg, i)), 0,
			     "segment %u differs", i);
	g_array_free(all, TRUE);
	g_array_free(got, TRUE);
	g_array_free(want, TRUE);
	test_rm_rf(out);
	test_rm_rf(scratch);
	g_free(out);
	g_free(csv);
	g_free(scratch);
}

/* ---- real traces (../shared/traces) ------------------------------------ */

/*
 * The shared traces folder, or NULL (then the caller skips):
 * LTTSYNC_SHARED_TRACES if set (and only it), else
 * $top_srcdir/../shared/traces.
 */
static char *shared_traces(void)
{
	const char *env = getenv("LTTSYNC_SHARED_TRACES");
	const char *top = getenv("top_srcdir");
	char *dir = env ? g_strdup(env)
			: g_build_filename(top ? top : ".", "..", "shared",
					   "traces", NULL);

	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		return dir;
	g_free(dir);
	return NULL;
}

static char *shared_trace(const char *rel)
{
	char *base = shared_traces();
	char *path;

	if (!base)
		cr_skip_test("real traces not found (set LTTSYNC_SHARED_TRACES to "
			     "the shared/traces folder)");
	path = g_build_filename(base, rel, NULL);
	g_free(base);
	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		g_free(path);
		cr_skip_test("real trace %s not found", rel);
	}
	return path;
}

/*
 * VM3's clock lag behind VM1's (ns) is bounded by every segment: one
 * from VM1 (host 0) to VM3 proves lag > send - recv, one the other way
 * lag < recv - send. counts[h]: segments sent by host h.
 */
static void scp_bounds(GArray *segs, int counts[2], int64_t *lo, int64_t *hi)
{
	*lo = INT64_MIN;
	*hi = INT64_MAX;
	for (guint i = 0; i < segs->len; i++) {
		const seg *sg = &g_array_index(segs, seg, i);

		counts[sg->send_host]++;
		if (sg->send_host == 0 && sg->send_ns - sg->recv_ns > *lo)
			*lo = sg->send_ns - sg->recv_ns;
		if (sg->send_host == 1 && sg->recv_ns - sg->send_ns < *hi)
			*hi = sg->recv_ns - sg->send_ns;
	}
}

static void check_scp_stats(const collect *c1, const lsync_decode_stats *s1,
			    const collect *c3, const lsync_decode_stats *s3)
{
	cr_assert_str_eq(c1->hostname, "VM1");
	cr_assert_str_eq(c3->hostname, "VM3");
	/* The muxer stops after 11,681 events; streams read alone give all. */
	cr_assert_eq(s1->events, 110771);
	cr_assert_eq(s3->events, 85729);
	cr_assert_eq(s1->network_events, 26 + 25);
	cr_assert_eq(s1->packets, 51);
	cr_assert_eq(s1->malformed + s1->no_header + s1->not_tcp, 0);
	cr_assert_eq(s3->malformed + s3->no_header + s3->not_tcp, 0);
}

Test(real_traces, scp_pair_matches_46_packets)
{
	char *src = shared_trace("scp/scp_src"), *dst = shared_trace("scp/scp_dest");
	collect c1, c3;
	lsync_decode_stats s1, s3;
	GArray *all = g_array_new(FALSE, FALSE, sizeof(tagged)), *segs;
	int counts[2] = { 0, 0 };
	int64_t lo, hi;

	collect_init(&c1);
	collect_init(&c3);
	decode_ok(src, &c1, &s1);
	decode_ok(dst, &c3, &s3);
	check_scp_stats(&c1, &s1, &c3, &s3);
	add_tagged(all, &c1, 0);
	add_tagged(all, &c3, 1);
	segs = match_all(all);
	scp_bounds(segs, counts, &lo, &hi);
	cr_assert_eq(segs->len, 46);
	cr_assert_eq(counts[0], 24, "VM1 -> VM3");
	cr_assert_eq(counts[1], 22, "VM3 -> VM1");
	/* README: VM3 reads 80.4 to 80.7 ms behind VM1. */
	cr_assert(lo < hi && lo > 80400000 && hi < 80750000,
		  "lag in [%" PRId64 ", %" PRId64 "]", lo, hi);
	g_array_free(segs, TRUE);
	g_array_free(all, TRUE);
	collect_fini(&c1);
	collect_fini(&c3);
	g_free(src);
	g_free(dst);
}

Test(real_traces, scp_flags_canonical_and_progress)
{
	char *src = shared_trace("scp/scp_src");
	collect c;
	lsync_decode_stats s;
	int syn = 0, synack = 0, psh_ack = 0;

	collect_init(&c);
	decode_ok(src, &c, &s);
	for (guint i = 0; i < c.packets->len; i++) {
		uint8_t f = pkt(&c, i)->flags;

		syn += f == LTTSYNC_TCP_SYN;
		synack += f == (LTTSYNC_TCP_SYN | LTTSYNC_TCP_ACK);
		psh_ack += f == (LTTSYNC_TCP_PSH | LTTSYNC_TCP_ACK);
		cr_assert(f & (LTTSYNC_TCP_ACK | LTTSYNC_TCP_SYN), "flags 0x%02x", f);
	}
	cr_assert_eq(syn, 1);
	cr_assert_eq(synack, 1);
	cr_assert_gt(psh_ack, 0);
	cr_assert_eq(c.progress_calls, 1);
	cr_assert_eq(c.last_progress, 65536);
	collect_fini(&c);
	g_free(src);
}

Test(real_traces, bug446190_old_layout_nothing_usable)
{
	char *path = shared_trace("bug446190");
	collect c;
	lsync_decode_stats s;

	collect_init(&c);
	decode_ok(path, &c, &s);
	cr_assert_str_eq(c.hostname, "lager");
	cr_assert_eq(s.streams, 4);
	cr_assert_eq(s.network_events, 16 + 326);
	cr_assert_eq(s.no_header, s.network_events);
	cr_assert_eq(s.packets, 0);
	cr_assert_eq(s.malformed, 0);
	collect_fini(&c);
	g_free(path);
}

Test(real_traces, no_network_events)
{
	char *path = shared_trace("lttng-2.10-no-net");
	collect c;
	lsync_decode_stats s;

	collect_init(&c);
	decode_ok(path, &c, &s);
	cr_assert_str_eq(c.hostname, "calista");
	cr_assert_gt(s.events, 0);
	cr_assert_eq(s.network_events, 0);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	g_free(path);
}

/* The same for packetized metadata (scp_src's, copied without streams). */
Test(real_traces, packetized_metadata_only_gives_hostname)
{
	char *src = shared_trace("scp/scp_src"), *dir = test_make_tmpdir("lttsync-decode");
	char *meta_path = g_build_filename(src, "metadata", NULL), *meta;
	gsize len;
	collect c;
	lsync_decode_stats s;

	cr_assert(g_file_get_contents(meta_path, &meta, &len, NULL));
	test_write_file(dir, "metadata", meta, len);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_str_eq(c.hostname, "VM1");
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(meta);
	g_free(meta_path);
	g_free(dir);
	g_free(src);
}

Test(real_traces, find_all_four)
{
	char *base = shared_trace(".");
	static const char *const want[] = {
		"bug446190", "lttng-2.10-no-net", "scp/scp_dest", "scp/scp_src",
	};
	GPtrArray *found = find(base, LTTSYNC_OK);

	assert_found(found, base, want, G_N_ELEMENTS(want));
	g_ptr_array_free(found, TRUE);
	g_free(base);
}
