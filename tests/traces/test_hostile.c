/* SPDX-License-Identifier: MIT */
/*
 * Hostile and broken inputs through the public API: one test per row of
 * doc/hostile-inputs.md (the row names its test as suite/name).
 *
 * Traces come from two sources: tiny addons-layout CTF traces written
 * here byte by byte (so that a field can be removed, retyped, or a clock
 * pushed to INT64 edges), and lttsync-gen (LTTSYNC_GEN, else
 * $top_builddir/lttsync-gen, else ./lttsync-gen), whose traces are then
 * cut or overwritten. Tests needing lttsync-gen are skipped without it.
 *
 * Each test asserts the behaviour its row of doc/hostile-inputs.md
 * documents.
 */
#define _GNU_SOURCE /* nftw() */
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "../common/testfiles.h"

#define P62 (INT64_C(1) << 62)
#define CTF_MAGIC 0xC1FC1FC1u
#define OFFSET_NS INT64_C(1700000000000000000)

/* ---- hand-written addons-layout traces ---------------------------------- */

#define BE16 "integer { size = 16; align = 8; signed = false; byte_order = be; }"
#define BE32 "integer { size = 32; align = 8; signed = false; byte_order = be; }"
#define ADDONS_FIELDS(seq_type) "uint64_t _sk; " seq_type " _seq; " BE32 " _ack_seq; " \
	BE16 " _check; " BE16 " _window; " BE16 " _flags;"

static GString *meta_begin(const char *hostname, int64_t clock_offset)
{
	GString *m = g_string_new(
		"/* CTF 1.8 */\n"
		"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
		"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
		"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
		"trace { major = 1; minor = 8; byte_order = le;\n"
		"  packet.header := struct { uint32_t magic; uint32_t stream_id; }; };\n");

	if (hostname)
		g_string_append_printf(m, "env { hostname = \"%s\"; domain = \"kernel\"; };\n",
				       hostname);
	g_string_append_printf(m,
		"clock { name = monotonic; freq = 1000000000; offset = %" PRId64 "; };\n"
		"typealias integer { size = 64; align = 8; signed = false;\n"
		"  map = clock.monotonic.value; } := uint64_clock_t;\n"
		"stream { id = 0;\n"
		"  event.header := struct { uint32_t id; uint64_clock_t timestamp; }; };\n",
		clock_offset);
	return m;
}

static void meta_event(GString *m, unsigned id, const char *name, const char *fields)
{
	g_string_append_printf(m, "event { name = \"%s\"; id = %u; stream_id = 0;\n"
			       "  fields := struct { %s }; };\n", name, id, fields);
}

static void put_le(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * i));

		g_byte_array_append(b, &byte, 1);
	}
}

static void put_be(GByteArray *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * (n - 1 - i)));

		g_byte_array_append(b, &byte, 1);
	}
}

/* Encoding A of the addons flags: module order << 8 | data offset. */
static uint16_t addons_a(uint8_t canonical, unsigned doff)
{
	uint8_t module_order = 0;

	for (unsigned bit = 0; bit < 8; bit++)
		if (canonical & (1u << bit))
			module_order |= (uint8_t)(0x80u >> bit);
	return (uint16_t)(module_order << 8 | doff);
}

/*
 * One host of a two-host exchange, addons layout: n segments each way.
 * Segment i of A->B has seq 1000 + i, of B->A seq 500000 + i. Host A's
 * clock reads true time, host B's true time + 5000 ns; latency 100 ns
 * each way; segments 2 us apart. `seq_type` is the metadata type of
 * `seq` (BE32 normally); `seq_bytes` how many bytes the stream gives it.
 */
static void write_exchange_trace(const char *dir, bool is_a, unsigned n,
				 int64_t clock_offset, uint64_t base,
				 const char *seq_type, unsigned seq_bytes)
{
	GString *m = meta_begin(is_a ? "alpha" : "bravo", clock_offset);
	char *fields = g_strdup_printf(ADDONS_FIELDS("%s"), seq_type);
	GByteArray *b = g_byte_array_new();
	uint64_t skew = is_a ? 0 : 5000;

	meta_event(m, 0, "inet_sock_local_out", fields);
	meta_event(m, 1, "inet_sock_local_in", fields);
	test_write_file(dir, "metadata", m->str, m->len);
	g_string_free(m, TRUE);
	g_free(fields);
	put_le(b, CTF_MAGIC, 4);
	put_le(b, 0, 4);
	for (unsigned i = 0; i < n; i++) {
		uint64_t t = base + 2000 * (uint64_t)i;
		/* A sends seq 1000+i at t, B receives at t+100; B sends
		 * 500000+i at t+1000, A receives at t+1100. */
		struct { int out; uint64_t ts; uint32_t seq; } ev[2];

		ev[0].out = is_a;
		ev[0].ts = (is_a ? t : t + 100) + skew;
		ev[0].seq = 1000 + i;
		ev[1].out = !is_a;
		ev[1].ts = (is_a ? t + 1100 : t + 1000) + skew;
		ev[1].seq = 500000 + i;
		for (int k = 0; k < 2; k++) {
			put_le(b, ev[k].out ? 0 : 1, 4);
			put_le(b, ev[k].ts, 8);
			put_le(b, UINT64_C(0xffff88003a1b2c3d), 8);
			if (seq_bytes == 4)
				put_be(b, ev[k].seq, 4);
			else if (seq_bytes == 1) {
				char s[16];

				snprintf(s, sizeof(s), "%u", ev[k].seq);
				g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s) + 1);
			} else { /* a big-endian float32 */
				float f = (float)ev[k].seq;
				uint32_t u;

				memcpy(&u, &f, 4);
				put_be(b, u, 4);
			}
			put_be(b, 7, 4);
			put_be(b, 0x5555, 2);
			put_be(b, 501, 2);
			put_be(b, addons_a(LTTSYNC_TCP_ACK | LTTSYNC_TCP_PSH, 8), 2);
		}
	}
	test_write_file(dir, "channel0_0", b->data, b->len);
	g_byte_array_free(b, TRUE);
}

/* A folder with alpha/ and bravo/ traces of that exchange. */
static char *write_exchange(unsigned n, int64_t clock_offset, uint64_t base,
			    const char *seq_type, unsigned seq_bytes)
{
	char *root = test_make_tmpdir("lttsync-hostile");
	char *a = test_subdir(root, "alpha"), *b = test_subdir(root, "bravo");

	write_exchange_trace(a, true, n, clock_offset, base, seq_type, seq_bytes);
	write_exchange_trace(b, false, n, clock_offset, base, seq_type, seq_bytes);
	g_free(a);
	g_free(b);
	return root;
}

/* ---- lttsync-gen traces ------------------------------------------------ */

static char *gen_path(void)
{
	const char *env = getenv("LTTSYNC_GEN");
	const char *bd = getenv("top_builddir");
	char *p;

	if (env && *env)
		return g_strdup(env);
	p = g_build_filename(bd ? bd : ".", "lttsync-gen", NULL);
	if (access(p, X_OK) == 0)
		return p;
	g_free(p);
	return NULL;
}

/* A two-host generated trace set in a new folder, or skip the test. */
static char *generated(void)
{
	char *gen = gen_path();
	char *root, *out, *cmd;
	int rc;

	if (!gen)
		cr_skip_test("lttsync-gen not found (set LTTSYNC_GEN or top_builddir)");
	root = test_make_tmpdir("lttsync-hostile");
	out = g_build_filename(root, "g", NULL);
	cmd = g_strdup_printf("'%s' -q -n 2 -d 1 '%s'", gen, out);
	rc = system(cmd);
	cr_assert_eq(rc, 0, "%s failed", cmd);
	g_free(cmd);
	g_free(gen);
	g_free(out);
	return root;
}

/* root/g/hostN/kernel/name */
static char *gen_file(const char *root, int host, const char *name)
{
	char h[16];

	snprintf(h, sizeof(h), "host%d", host);
	return g_build_filename(root, "g", h, "kernel", name, NULL);
}

/* Overwrite `len` bytes of a file at `offset` with a fixed pattern. */
static void scribble(const char *path, off_t offset, size_t len)
{
	int fd = open(path, O_WRONLY);
	unsigned char buf[4096];

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 151 + 7);
	cr_assert_leq(len, sizeof(buf));
	cr_assert_eq(pwrite(fd, buf, len, offset), (ssize_t)len);
	close(fd);
}

/* ---- sessions ---------------------------------------------------------- */

static lttsync_session *session(void)
{
	lttsync_session *s = NULL;

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	return s;
}

static lttsync_host_id host(lttsync_session *s, const char *name)
{
	lttsync_host_id h;

	cr_assert_eq(lttsync_session_add_host(&h, s, name), LTTSYNC_OK, "%s",
		     lttsync_session_get_last_error(s));
	return h;
}

/* Read `path`; return the status; traces found in *n. */
static lttsync_status read_at(lttsync_session *s, const char *path, const char *h,
			      size_t *n)
{
	*n = 0;
	return lttsync_session_read_traces(n, s, path, h, NULL, NULL);
}

static lttsync_quality host_quality(lttsync_session *s, lttsync_host_id h)
{
	lttsync_quality q = (lttsync_quality)-1;

	cr_assert_eq(lttsync_session_get_host_quality(&q, s, h), LTTSYNC_OK);
	return q;
}

static lttsync_quality pair_quality(lttsync_session *s, lttsync_host_id a,
				    lttsync_host_id b)
{
	lttsync_quality q = (lttsync_quality)-1;

	cr_assert_eq(lttsync_session_get_pair_quality(&q, s, a, b), LTTSYNC_OK);
	return q;
}

static uint64_t counter(lttsync_session *s, lttsync_counter c)
{
	uint64_t v = UINT64_MAX;

	cr_assert_eq(lttsync_session_get_counter(&v, s, c), LTTSYNC_OK);
	return v;
}

static uint64_t stat_of(lttsync_session *s, lttsync_trace_id t, lttsync_trace_stat st)
{
	uint64_t v = UINT64_MAX;

	cr_assert_eq(lttsync_session_get_trace_stat(&v, s, t, st), LTTSYNC_OK);
	return v;
}

/* Worked example of doc/algorithm.md: an accurate pair a -> b. */
static void feed_accurate(lttsync_session *s, lttsync_host_id a, lttsync_host_id b,
			  int64_t base)
{
	cr_assert_eq(lttsync_session_feed_message(s, a, base + 0, b, base + 1100), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, a, base + 1000, b, base + 2100), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, base + 900, a, base + 0), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, base + 1900, a, base + 1000), LTTSYNC_OK);
}

/* ======================================================================= */
/* Trace folders                                                           */
/* ======================================================================= */

/* H1: a stream file cut short. */
Test(traces, truncated_stream)
{
	char *root = generated();
	char *chan = gen_file(root, 0, "channel0_0");
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(truncate(chan, 3000), 0);
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	/* sorted order: host0 first */
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(lttsync_session_get_trace_message(s, 0), "host0"),
		  "%s", lttsync_session_get_trace_message(s, 0));
	cr_assert_eq(lttsync_session_get_trace_status(s, 1), LTTSYNC_OK);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(chan);
	g_free(root);
}

/* H2: bytes inside a stream overwritten. */
Test(traces, corrupted_stream_bytes)
{
	char *root = generated();
	char *chan = gen_file(root, 0, "channel0_0");
	lttsync_session *s = session();
	size_t n;

	scribble(chan, 5000, 2000);
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	cr_assert_neq(lttsync_session_get_trace_message(s, 0)[0], '\0');
	cr_assert_eq(lttsync_session_get_trace_status(s, 1), LTTSYNC_OK);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(chan);
	g_free(root);
}

/* H3: the metadata text damaged (a keyword misspelt). */
Test(traces, corrupted_metadata_text)
{
	char *root = generated();
	char *meta = gen_file(root, 0, "metadata");
	lttsync_session *s = session();
	gchar *text;
	gsize len;
	char *p;
	size_t n;

	cr_assert(g_file_get_contents(meta, &text, &len, NULL));
	/* packetized metadata: binary headers hold NUL bytes */
	p = memmem(text, len, "struct", 6);
	cr_assert_not_null(p);
	memcpy(p, "strukt", 6);
	cr_assert(g_file_set_contents(meta, text, (gssize)len, NULL));
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	cr_assert_eq(lttsync_session_get_trace_status(s, 1), LTTSYNC_OK);
	lttsync_session_destroy(s);
	g_free(text);
	test_rm_rf(root);
	g_free(meta);
	g_free(root);
}

/* H4: a trace folder with its metadata and no stream file. */
Test(traces, metadata_only)
{
	char *root = generated();
	char *c0 = gen_file(root, 0, "channel0_0"), *c1 = gen_file(root, 0, "channel0_1");
	char *dir = g_build_filename(root, "g", "host0", "kernel", NULL);
	lttsync_session *s = session();
	lttsync_host_id h;
	size_t n;

	cr_assert_eq(unlink(c0), 0);
	cr_assert_eq(unlink(c1), 0);
	/* Read, and nothing in it: no data, said by the call and the trace. */
	cr_assert_eq(read_at(s, dir, NULL, &n), LTTSYNC_ERROR_NO_DATA);
	cr_assert_eq(n, 1);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_NO_DATA);
	cr_assert(strstr(lttsync_session_get_trace_message(s, 0),
			 "no usable network events (0 events"), "%s",
		  lttsync_session_get_trace_message(s, 0));
	cr_assert_eq(stat_of(s, 0, LTTSYNC_TRACE_STAT_EVENTS), 0);
	cr_assert_eq(stat_of(s, 0, LTTSYNC_TRACE_STAT_STREAMS), 0);
	cr_assert_eq(lttsync_session_find_host(&h, s, "host0"), LTTSYNC_OK);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(c0);
	g_free(c1);
	g_free(dir);
	g_free(root);
}

/* H5: stream files without metadata: not a trace (not found). */
Test(traces, missing_metadata)
{
	char *root = generated();
	char *meta = gen_file(root, 0, "metadata");
	char *dir = g_build_filename(root, "g", "host0", NULL);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(unlink(meta), 0);
	/* Listed, so that its failure names it instead of vanishing; the
	 * call says that nothing could be read. */
	cr_assert_eq(read_at(s, dir, NULL, &n), LTTSYNC_ERROR_IO);
	cr_assert_eq(n, 1);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(lttsync_session_get_trace_message(s, 0), "no metadata"),
		  "%s", lttsync_session_get_trace_message(s, 0));
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(meta);
	g_free(dir);
	g_free(root);
}

/* H6: an empty folder. */
Test(traces, empty_folder)
{
	char *root = test_make_tmpdir("lttsync-hostile");
	lttsync_session *s = session();
	size_t n = 99;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(n, 0);
	cr_assert_neq(lttsync_session_get_last_error(s)[0], '\0');
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H7: a folder of random bytes; and random bytes named `metadata`. */
Test(traces, folder_of_random_bytes)
{
	char *root = test_make_tmpdir("lttsync-hostile");
	char *t = test_subdir(root, "t");
	lttsync_session *s = session();
	char junk[3000];
	size_t n;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 2654435761u >> 13);
	test_write_file(root, "a", junk, sizeof(junk));
	test_write_file(root, "b", junk + 7, sizeof(junk) - 7);
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_NOT_FOUND);
	test_write_file(t, "metadata", junk, sizeof(junk));
	test_write_file(t, "channel0_0", junk, sizeof(junk));
	cr_assert_eq(read_at(s, t, "h", &n), LTTSYNC_ERROR_IO);
	cr_assert_eq(n, 1);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(t);
	g_free(root);
}

/* H8: a folder that is a symlink loop, and a tree with a loop inside. */
Test(traces, symlink_loop)
{
	char *root = generated();
	char *a = g_build_filename(root, "loopA", NULL), *b = g_build_filename(root, "loopB", NULL);
	char *self = g_build_filename(root, "g", "self", NULL);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(symlink("loopB", a), 0);
	cr_assert_eq(symlink("loopA", b), 0);
	cr_assert_eq(symlink("..", self), 0); /* g/self -> root, which holds g */
	cr_assert_eq(read_at(s, a, NULL, &n), LTTSYNC_ERROR_IO);
	cr_assert(strstr(lttsync_session_get_last_error(s), "loopA"), "%s",
		  lttsync_session_get_last_error(s));
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(n, 2, "each trace once despite the loop");
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(a);
	g_free(b);
	g_free(self);
	g_free(root);
}

/* H9: files and folders without permission. Root bypasses chmod 000. */
Test(traces, unreadable_files)
{
	char *root, *meta, *chan, *dir;
	lttsync_session *s;
	size_t n;

	if (geteuid() == 0)
		cr_skip_test("running as root: chmod 000 is not enforced, "
			     "unreadable files cannot be tested");
	root = generated();
	meta = gen_file(root, 0, "metadata");
	chan = gen_file(root, 1, "channel0_0");
	dir = g_build_filename(root, "g", NULL);
	s = session();
	cr_assert_eq(chmod(meta, 0), 0);
	cr_assert_eq(chmod(chan, 0), 0);
	cr_assert_eq(read_at(s, dir, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_IO);
	cr_assert_neq(lttsync_session_get_trace_status(s, 1), LTTSYNC_OK);
	cr_assert_eq(chmod(dir, 0), 0);
	cr_assert_eq(read_at(s, dir, NULL, &n), LTTSYNC_ERROR_IO);
	chmod(dir, 0755);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(meta);
	g_free(chan);
	g_free(dir);
	g_free(root);
}

/* H10: the reference exchange reads and synchronizes (sanity of the writer). */
Test(traces, handwritten_exchange_baseline)
{
	char *root = write_exchange(50, OFFSET_NS, 1000000, BE32, 4);
	lttsync_session *s = session();
	lttsync_host_id a, b;
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(n, 2);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_OK, "%s",
		     lttsync_session_get_trace_message(s, 0));
	cr_assert_eq(lttsync_session_find_host(&a, s, "alpha"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_find_host(&b, s, "bravo"), LTTSYNC_OK);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 100);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H11: a network event class missing a needed field (no `flags`). */
Test(traces, network_event_missing_field)
{
	char *root = test_make_tmpdir("lttsync-hostile");
	GString *m = meta_begin("h", OFFSET_NS);
	GByteArray *b = g_byte_array_new();
	lttsync_session *s = session();
	size_t n;

	meta_event(m, 0, "inet_sock_local_out",
		   "uint64_t _sk; " BE32 " _seq; " BE32 " _ack_seq;");
	test_write_file(root, "metadata", m->str, m->len);
	g_string_free(m, TRUE);
	put_le(b, CTF_MAGIC, 4);
	put_le(b, 0, 4);
	for (int i = 0; i < 3; i++) {
		put_le(b, 0, 4);
		put_le(b, 100 + (uint64_t)i, 8);
		put_le(b, 1, 8);
		put_be(b, 10 + (uint64_t)i, 4);
		put_be(b, 20, 4);
	}
	test_write_file(root, "s", b->data, b->len);
	g_byte_array_free(b, TRUE);
	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_NO_DATA);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_NO_DATA);
	cr_assert(strstr(lttsync_session_get_trace_message(s, 0), "3 malformed"), "%s",
		  lttsync_session_get_trace_message(s, 0));
	cr_assert_eq(stat_of(s, 0, LTTSYNC_TRACE_STAT_NETWORK_EVENTS), 3);
	cr_assert_eq(stat_of(s, 0, LTTSYNC_TRACE_STAT_MALFORMED), 3);
	cr_assert_eq(stat_of(s, 0, LTTSYNC_TRACE_STAT_PACKETS), 0);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H12: `seq` declared as a string: malformed, nothing matched. */
Test(traces, seq_as_string)
{
	char *root = write_exchange(10, OFFSET_NS, 1000000, "string", 1);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_NO_DATA);
	cr_assert_eq(n, 2);
	for (lttsync_trace_id t = 0; t < 2; t++) {
		cr_assert_eq(lttsync_session_get_trace_status(s, t), LTTSYNC_ERROR_NO_DATA,
			     "%s", lttsync_session_get_trace_message(s, t));
		cr_assert_eq(stat_of(s, t, LTTSYNC_TRACE_STAT_NETWORK_EVENTS), 20);
		cr_assert_eq(stat_of(s, t, LTTSYNC_TRACE_STAT_MALFORMED), 20);
	}
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H13: `seq` declared as a float: malformed, nothing matched. */
Test(traces, seq_as_float)
{
	char *root = write_exchange(10, OFFSET_NS, 1000000,
				    "floating_point { exp_dig = 8; mant_dig = 24; align = 8;"
				    " byte_order = be; }", 2);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_NO_DATA);
	for (lttsync_trace_id t = 0; t < 2; t++) {
		cr_assert_eq(lttsync_session_get_trace_status(s, t), LTTSYNC_ERROR_NO_DATA,
			     "%s", lttsync_session_get_trace_message(s, t));
		cr_assert_eq(stat_of(s, t, LTTSYNC_TRACE_STAT_MALFORMED), 20);
	}
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/*
 * H14: a clock offset near INT64_MAX in the metadata (events without a
 * packet context, so babeltrace2 opens the trace and fails per event):
 * ns from origin overflows int64. Should: the trace fails with FORMAT (or
 * its events count as malformed), nothing matched, no crash.
 */
Test(traces, clock_offset_near_int64_max)
{
	/*
	 * bt_clock_snapshot_get_ns_from_origin() failing (OVERFLOW_ERROR)
	 * leaves an error on babeltrace2's current thread, and babeltrace2
	 * aborts at its next API call unless the decoder clears it.
	 */
	char *root = write_exchange(10, INT64_MAX - 1000000000, 1000, BE32, 4);
	lttsync_session *s = session();
	lttsync_status st;
	size_t n;

	st = read_at(s, root, NULL, &n);
	cr_assert(st == LTTSYNC_ERROR_IO || st == LTTSYNC_ERROR_NO_DATA, "%d", st);
	cr_assert_eq(n, 2);
	for (lttsync_trace_id t = 0; t < 2; t++)
		cr_assert(lttsync_session_get_trace_status(s, t) == LTTSYNC_ERROR_FORMAT ||
			  (lttsync_session_get_trace_status(s, t) == LTTSYNC_ERROR_NO_DATA &&
			   stat_of(s, t, LTTSYNC_TRACE_STAT_MALFORMED) == 20),
			  "trace %u: status %d: %s", t,
			  lttsync_session_get_trace_status(s, t),
			  lttsync_session_get_trace_message(s, t));
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}


/*
 * H14b: a clock offset past 2^62 but within int64 (5e18 ns): the first
 * packet event is refused by the session; the trace stops there with
 * INVALID_ARGUMENT (its message names the trace: H14c).
 */
Test(traces, clock_offset_beyond_2p62)
{
	char *root = write_exchange(10, INT64_C(5000000000000000000), 1000, BE32, 4);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_IO);
	cr_assert_eq(n, 2);
	for (lttsync_trace_id t = 0; t < 2; t++) {
		cr_assert_eq(lttsync_session_get_trace_status(s, t),
			     LTTSYNC_ERROR_INVALID_ARGUMENT, "%s",
			     lttsync_session_get_trace_message(s, t));
		cr_assert(strstr(lttsync_session_get_trace_message(s, t), "2^62"), "%s",
			  lttsync_session_get_trace_message(s, t));
	}
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H14c: the trace message of H14b names the trace folder. */
Test(traces, clock_offset_beyond_2p62_names_trace)
{
	/*
	 * The session's error ("timestamp out of range [-2^62, 2^62]") does
	 * not name the trace: the trace's message must add its path.
	 */
	char *root = write_exchange(10, INT64_C(5000000000000000000), 1000, BE32, 4);
	lttsync_session *s = session();
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_ERROR_IO);
	cr_assert(strstr(lttsync_session_get_trace_message(s, 0), root), "%s",
		  lttsync_session_get_trace_message(s, 0));
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(root);
}

/* H15: the same folder read twice through the API (or by two paths). */
Test(traces, same_folder_twice)
{
	/*
	 * Reading a folder again (same path, or through a parent folder or
	 * "dir/./") must not declare a second trace: every packet fed twice
	 * would make every key ambiguous. Folders are recognised by
	 * (st_dev, st_ino).
	 */
	char *root = write_exchange(20, OFFSET_NS, 1000000, BE32, 4);
	char *dotted = g_build_filename(root, ".", NULL);
	lttsync_session *s = session();
	lttsync_host_id a, b;
	size_t n;

	cr_assert_eq(read_at(s, root, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(read_at(s, dotted, NULL, &n), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_find_host(&a, s, "alpha"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_find_host(&b, s, "bravo"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_trace_count(s), 2, "each trace read once");
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(dotted);
	g_free(root);
}


/* H16: a host name given for a path that holds no trace, or is a file. */
Test(traces, host_for_a_non_trace)
{
	char *root = test_make_tmpdir("lttsync-hostile");
	char *file = g_build_filename(root, "f", NULL);
	lttsync_session *s = session();
	size_t n;

	test_write_file(root, "f", "x", 1);
	cr_assert_eq(read_at(s, root, "named", &n), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_neq(read_at(s, file, "named", &n), LTTSYNC_OK);
	cr_assert_eq(read_at(s, "/nonexistent/lttsync", "named", &n), LTTSYNC_ERROR_IO);
	cr_assert_eq(lttsync_session_read_traces(&n, s, root, "", NULL, NULL),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_host_count(s), 0, "no host declared for nothing");
	lttsync_session_destroy(s);
	test_rm_rf(root);
	g_free(file);
	g_free(root);
}

/* ======================================================================= */
/* Timestamps                                                              */
/* ======================================================================= */

/* H17: timestamps beyond +-2^62 are refused by both feeds. */
Test(timestamps, beyond_2p62)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_trace_id ta;
	lttsync_packet p;

	cr_assert_eq(lttsync_session_feed_message(s, a, P62 + 1, b, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_feed_message(s, a, 0, b, -P62 - 1),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_neq(lttsync_session_get_last_error(s)[0], '\0');
	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "ta"), LTTSYNC_OK);
	lttsync_packet_init(&p);
	p.trace = ta;
	p.timestamp_ns = P62 + 1;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT);
	p.timestamp_ns = -P62 - 1;
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_PACKETS), 0);
	cr_assert_eq(lttsync_session_get_pair_count(s), 0);
	lttsync_session_destroy(s);
}

/* H18: INT64_MIN / INT64_MAX refused; +-2^62 exactly accepted and exact. */
Test(timestamps, int64_edges)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_transform *tf = NULL;
	int64_t lo, hi, out;

	cr_assert_eq(lttsync_session_feed_message(s, a, INT64_MIN, b, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_feed_message(s, a, 0, b, INT64_MAX),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	/* a pair spanning the whole range: b = a + 10 */
	cr_assert_eq(lttsync_session_feed_message(s, a, -P62, b, -P62 + 20), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, a, P62 - 20, b, P62), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, -P62 + 10, a, -P62 + 10), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, P62 - 5, a, P62 - 5), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	cr_assert_eq(lttsync_session_set_reference(s, a), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, b), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&out, tf, 0), LTTSYNC_OK);
	cr_assert(out > -20 && out < 20, "b's 0 maps to %" PRId64, out);
	/* far outside the data: INT64 edges either map or give RANGE, never wrap */
	lttsync_status st = lttsync_transform_apply(&out, tf, INT64_MAX);
	cr_assert(st == LTTSYNC_OK || st == LTTSYNC_ERROR_RANGE);
	if (st == LTTSYNC_OK)
		cr_assert_gt(out, 0);
	st = lttsync_transform_apply(&out, tf, INT64_MIN);
	cr_assert(st == LTTSYNC_OK || st == LTTSYNC_ERROR_RANGE);
	if (st == LTTSYNC_OK)
		cr_assert_lt(out, 0);
	cr_assert_eq(lttsync_session_get_host_bounds_at(&lo, &hi, s, b, P62), LTTSYNC_OK);
	cr_assert_leq(lo, hi);
	st = lttsync_session_get_host_bounds_at(&lo, &hi, s, b, INT64_MAX);
	cr_assert(st == LTTSYNC_OK || st == LTTSYNC_ERROR_INVALID_ARGUMENT ||
		  st == LTTSYNC_ERROR_RANGE, "status %d", st);
	if (st == LTTSYNC_OK)
		cr_assert_leq(lo, hi);
	lttsync_transform_destroy(tf);
	lttsync_session_destroy(s);
}

/* H19: every message with the same timestamp: zero latency, fail. */
Test(timestamps, identical_for_all_messages)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_quality q;

	for (int i = 0; i < 10; i++) {
		cr_assert_eq(lttsync_session_feed_message(s, a, 5000, b, 5000), LTTSYNC_OK);
		cr_assert_eq(lttsync_session_feed_message(s, b, 5000, a, 5000), LTTSYNC_OK);
	}
	q = pair_quality(s, a, b);
	/* All points are one point, touching from both sides: documented
	 * "touching counts as fail"; with no x extent no slope is bounded. */
	cr_assert(q == LTTSYNC_QUALITY_FAIL || q == LTTSYNC_QUALITY_INCOMPLETE,
		  "quality %s", lttsync_quality_string(q));
	cr_assert_eq(host_quality(s, b) == LTTSYNC_QUALITY_DISCONNECTED ||
		     host_quality(s, a) == LTTSYNC_QUALITY_DISCONNECTED, 1);
	lttsync_session_destroy(s);
}

/* H20: receive before send (negative latency) contradicting the rest: fail. */
Test(timestamps, negative_latency_fail)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	double e = -1;
	uint64_t cnt = 0;

	feed_accurate(s, a, b, 0);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	/* b -> a received 1200 ns before... the worked example's contradiction */
	cr_assert_eq(lttsync_session_feed_message(s, b, 1700, a, 500), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(lttsync_session_get_pair_violation(&e, &cnt, s, a, b), LTTSYNC_OK);
	cr_assert_float_eq(e, 50.0, 1e-6);
	cr_assert_eq(cnt, 3);
	lttsync_session_destroy(s);
}

/*
 * H21: two messages that contradict each other: a->b sent at a-time 1000
 * and received at b-time 1000, b->a sent at b-time 1000 and received at
 * a-time 500. With x = b's clock both points are at x = 1000 and
 * t_a(1000) would have to be >= 1000 and <= 500: FAIL, e* = 250. With
 * x = a's clock the only lines between the points have slope < 0.
 */
Test(timestamps, contradiction_at_one_instant)
{
	/*
	 * Documented (doc/algorithm.md): a pair's quality is that of one
	 * orientation. With x = b the two points share x = 1000: FAIL, e*
	 * 250. With x = a the lines between them all have slope <= 0, which
	 * doc/algorithm.md calls approximate; no such estimate is ever
	 * used for a host (a clock relation must increase), so b stays
	 * unsynchronized whichever host is the reference.
	 */
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	double e = -1, smin, smax;
	uint64_t cnt = 0;

	cr_assert_eq(lttsync_session_feed_message(s, a, 1000, b, 1000), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, 1000, a, 500), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, b, a), LTTSYNC_QUALITY_FAIL);
	cr_assert_eq(lttsync_session_get_pair_violation(&e, &cnt, s, b, a), LTTSYNC_OK);
	cr_assert_float_eq(e, 250.0, 1e-6);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_APPROXIMATE);
	cr_assert_eq(lttsync_session_get_pair_slope_bounds(&smin, &smax, s, a, b), LTTSYNC_OK);
	cr_assert_leq(smax, 0.0);
	cr_assert_eq(lttsync_session_set_reference(s, a), LTTSYNC_OK);
	cr_assert_eq(host_quality(s, b), LTTSYNC_QUALITY_DISCONNECTED);
	cr_assert_eq(lttsync_session_set_reference(s, b), LTTSYNC_OK);
	cr_assert_eq(host_quality(s, a), LTTSYNC_QUALITY_DISCONNECTED);
	lttsync_session_destroy(s);
}

/* H22: a clock running backwards: slope < 0 is never used for a transform. */
Test(timestamps, clock_running_backwards)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_transform *tf = NULL;
	lttsync_quality q;

	/* b's clock = 10^6 - t_a */
	for (int64_t i = 0; i < 20; i++) {
		int64_t t = 1000 * i;

		cr_assert_eq(lttsync_session_feed_message(s, a, t, b, 1000000 - (t + 100)),
			     LTTSYNC_OK);
		cr_assert_eq(lttsync_session_feed_message(s, b, 1000000 - (t + 300), a, t + 400),
			     LTTSYNC_OK);
	}
	q = pair_quality(s, a, b);
	cr_assert_neq(q, LTTSYNC_QUALITY_ABSENT);
	cr_assert_eq(lttsync_session_set_reference(s, a), LTTSYNC_OK);
	cr_assert_eq(host_quality(s, b), LTTSYNC_QUALITY_DISCONNECTED,
		     "pair %s but b must not be synchronized by a slope < 0",
		     lttsync_quality_string(q));
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, b), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_null(tf);
	lttsync_session_destroy(s);
}

/* ======================================================================= */
/* Matching                                                                */
/* ======================================================================= */

static void packet(lttsync_packet *p, lttsync_trace_id t, lttsync_direction d,
		   int64_t ts, uint32_t seq)
{
	lttsync_packet_init(p);
	p->trace = t;
	p->direction = d;
	p->timestamp_ns = ts;
	p->seq = seq;
	p->ack_seq = 77;
	p->flags = LTTSYNC_TCP_ACK;
}

/* H23: same seq/ack/flags on different flows (addresses) is dropped. */
Test(matching, same_key_different_addresses)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_trace_id ta, tb;
	lttsync_packet p;

	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "ta"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, b, "tb"), LTTSYNC_OK);
	packet(&p, ta, LTTSYNC_DIRECTION_SEND, 100, 42);
	p.family = 4;
	memcpy(p.src_addr, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(p.dst_addr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	packet(&p, tb, LTTSYNC_DIRECTION_RECEIVE, 200, 42);
	p.family = 4;
	memcpy(p.src_addr, (uint8_t[]){ 10, 0, 0, 9 }, 4);
	memcpy(p.dst_addr, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_FLOW_MISMATCH), 1);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ABSENT);
	lttsync_session_destroy(s);
}

/* H24: 200k keys differing only in high bits: all match, none lost. */
Test(matching, keys_sharing_low_hash_bits)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_trace_id ta, tb;
	lttsync_packet p;
	const uint32_t n = 200000;

	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "ta"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, b, "tb"), LTTSYNC_OK);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t seq = i << 14; /* low 14 bits all zero */
		uint32_t ack = (i >> 18) << 20;

		packet(&p, ta, LTTSYNC_DIRECTION_SEND, 1000 * (int64_t)i, seq);
		p.ack_seq = ack;
		cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
		packet(&p, tb, LTTSYNC_DIRECTION_RECEIVE, 1000 * (int64_t)i + 300, seq);
		p.ack_seq = ack;
		cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	}
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), n);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_AMBIGUOUS), 0);
	lttsync_session_destroy(s);
}

/* H25: all packets one-sided: nothing matches, pending memory bounded. */
Test(matching, all_one_sided_bounded)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a");
	lttsync_trace_id ta;
	lttsync_packet p;

	host(s, "b");
	cr_assert_eq(lttsync_session_set_max_pending(s, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_set_max_pending(s, 16), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "ta"), LTTSYNC_OK);
	for (uint32_t i = 0; i < 10000; i++) {
		packet(&p, ta, LTTSYNC_DIRECTION_SEND, 10 * (int64_t)i, i);
		cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	}
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_PACKETS), 10000);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_PENDING), 16);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_EVICTED), 10000 - 16);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MATCHED), 0);
	cr_assert_eq(lttsync_session_get_pair_count(s), 0);
	lttsync_session_destroy(s);
}

/* H26: feeding after queries: results follow; late repeats ignored. */
Test(matching, feeding_after_queries)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b");
	lttsync_trace_id ta, tb;
	lttsync_packet p;
	uint64_t c;

	cr_assert_eq(lttsync_session_add_trace(&ta, s, a, "ta"), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_add_trace(&tb, s, b, "tb"), LTTSYNC_OK);
	packet(&p, ta, LTTSYNC_DIRECTION_SEND, 0, 1);
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	packet(&p, tb, LTTSYNC_DIRECTION_RECEIVE, 1100, 1);
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_INCOMPLETE);
	cr_assert_eq(lttsync_session_get_message_count(&c, s, a, b), LTTSYNC_OK);
	cr_assert_eq(c, 1);
	/* a retransmission of the used key, after the query */
	packet(&p, ta, LTTSYNC_DIRECTION_SEND, 500, 1);
	cr_assert_eq(lttsync_session_feed_packet(s, &p), LTTSYNC_OK);
	/* the rest of the worked example, by messages */
	cr_assert_eq(lttsync_session_feed_message(s, a, 1000, b, 2100), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, 900, a, 0), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_feed_message(s, b, 1900, a, 1000), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_LATE_REPEATS), 1);
	cr_assert_eq(counter(s, LTTSYNC_COUNTER_MESSAGES), 4);
	cr_assert_eq(lttsync_session_feed_message(s, b, 1700, a, 500), LTTSYNC_OK);
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_FAIL);
	lttsync_session_destroy(s);
}

/* ======================================================================= */
/* Hosts and API misuse                                                    */
/* ======================================================================= */

/*
 * H27: host names: empty refused; control characters kept as is; up to
 * 4096 bytes kept, longer refused (INVALID_ARGUMENT, "host name longer
 * than 4096 bytes"; a limit the header does not state).
 */
Test(hosts, odd_names)
{
	lttsync_session *s = session();
	lttsync_host_id h, g;
	size_t big = 4096;
	char *huge = g_malloc((1 << 20) + 1);

	cr_assert_eq(lttsync_session_add_host(&h, s, ""), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_host_count(s), 0);
	/* Control characters would reach terminals raw: refused. */
	cr_assert_eq(lttsync_session_add_host(&h, s, "a\001\033[31m\t\n\r"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "control character"));
	h = host(s, "caf\303\251 \342\200\224 d\303\251j\303\240");
	cr_assert_str_eq(lttsync_session_get_host_name(s, h),
			 "caf\303\251 \342\200\224 d\303\251j\303\240");
	memset(huge, 'x', 1 << 20);
	huge[1 << 20] = '\0';
	cr_assert_eq(lttsync_session_add_host(&g, s, huge), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "4096"), "%s",
		  lttsync_session_get_last_error(s));
	huge[big + 1] = '\0';
	cr_assert_eq(lttsync_session_add_host(&g, s, huge), LTTSYNC_ERROR_INVALID_ARGUMENT);
	huge[big] = '\0';
	g = host(s, huge);
	cr_assert_eq(strlen(lttsync_session_get_host_name(s, g)), big);
	cr_assert_eq(lttsync_session_find_host(&h, s, huge), LTTSYNC_OK);
	cr_assert_eq(h, g);
	feed_accurate(s, 0, g, 0);
	cr_assert_eq(pair_quality(s, 0, g), LTTSYNC_QUALITY_ACCURATE);
	lttsync_session_destroy(s);
	g_free(huge);
}

/* H28: set_reference to a host that has no messages. */
Test(hosts, reference_without_messages)
{
	lttsync_session *s = session();
	lttsync_host_id a = host(s, "a"), b = host(s, "b"), lone = host(s, "lone"), r;
	lttsync_transform *tf = NULL;

	feed_accurate(s, a, b, 0);
	cr_assert_eq(lttsync_session_set_reference(s, 99), LTTSYNC_ERROR_NOT_FOUND);
	cr_assert_eq(lttsync_session_set_reference(s, lone), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_reference(&r, s), LTTSYNC_OK);
	cr_assert_eq(r, lone);
	cr_assert_eq(host_quality(s, lone), LTTSYNC_QUALITY_REFERENCE);
	cr_assert_eq(host_quality(s, a), LTTSYNC_QUALITY_DISCONNECTED);
	cr_assert_eq(host_quality(s, b), LTTSYNC_QUALITY_DISCONNECTED);
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, a), LTTSYNC_ERROR_NOT_AVAILABLE);
	/* No message: no time to pivot at, so no transform (not an identity
	 * pivoted at an invented 0). */
	cr_assert_eq(lttsync_session_get_host_transform(&tf, s, lone),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_null(tf);
	cr_assert(strstr(lttsync_session_get_last_error(s), "no message"), "%s",
		  lttsync_session_get_last_error(s));
	cr_assert_eq(lttsync_session_set_reference(s, LTTSYNC_HOST_AUTO), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_reference(&r, s), LTTSYNC_OK);
	cr_assert_neq(r, lone);
	lttsync_session_destroy(s);
}

/* H29: NULL arguments: INVALID_ARGUMENT (or the documented value), no crash. */
Test(api, null_arguments)
{
	lttsync_session *s = session();
	lttsync_host_id h, a = host(s, "a"), b = host(s, "b");
	lttsync_trace_id t;
	lttsync_transform *tf;
	uint64_t u;
	int64_t lo, hi;
	double dmin, dmax;
	lttsync_quality q;
	lttsync_message m;
	char buf[LTTSYNC_FORMAT_SIZE];
	size_t n;

	feed_accurate(s, a, b, 0);
	cr_assert_eq(lttsync_session_create(NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	lttsync_session_destroy(NULL);
	lttsync_transform_destroy(NULL);
	lttsync_packet_init(NULL);
	cr_assert_not_null(lttsync_session_get_last_error(NULL));
	cr_assert_eq(lttsync_session_get_host_count(NULL), 0);
	cr_assert_eq(lttsync_session_get_trace_count(NULL), 0);
	cr_assert_eq(lttsync_session_get_pair_count(NULL), 0);
	cr_assert_null(lttsync_session_get_host_name(NULL, 0));
	cr_assert_null(lttsync_session_get_trace_name(NULL, 0));
	cr_assert(isnan(lttsync_transform_get_slope(NULL)));
	cr_assert_eq(lttsync_transform_get_pivot(NULL), 0);
	cr_assert_not_null(lttsync_status_string((lttsync_status)12345));
	cr_assert_str_eq(lttsync_quality_string((lttsync_quality)12345), "unknown");
#define INV(call) cr_assert_eq((call), LTTSYNC_ERROR_INVALID_ARGUMENT, #call)
	INV(lttsync_session_set_max_pending(NULL, 5));
	INV(lttsync_session_set_keep_messages(NULL, 1));
	INV(lttsync_session_set_reference(NULL, 0));
	INV(lttsync_session_add_host(NULL, s, "x"));
	INV(lttsync_session_add_host(&h, NULL, "x"));
	INV(lttsync_session_add_host(&h, s, NULL));
	INV(lttsync_session_find_host(NULL, s, "a"));
	INV(lttsync_session_find_host(&h, s, NULL));
	INV(lttsync_session_add_trace(NULL, s, a, "t"));
	INV(lttsync_session_add_trace(&t, NULL, a, "t"));
	INV(lttsync_session_add_trace(&t, s, a, NULL));
	INV(lttsync_session_get_trace_host(NULL, s, 0));
	INV(lttsync_session_read_traces(&n, NULL, "/", NULL, NULL, NULL));
	INV(lttsync_session_read_traces(&n, s, NULL, NULL, NULL, NULL));
	INV(lttsync_session_get_trace_stat(NULL, s, 0, 0));
	INV(lttsync_session_feed_packet(NULL, NULL));
	INV(lttsync_session_feed_packet(s, NULL));
	INV(lttsync_session_feed_message(NULL, a, 0, b, 1));
	INV(lttsync_session_get_counter(NULL, s, LTTSYNC_COUNTER_PACKETS));
	INV(lttsync_session_get_counter(&u, NULL, LTTSYNC_COUNTER_PACKETS));
	INV(lttsync_session_get_message_count(NULL, s, a, b));
	INV(lttsync_session_get_kept_message_count(NULL, s, a, b));
	INV(lttsync_session_get_kept_message(NULL, s, a, b, 0));
	INV(lttsync_session_get_kept_message(&m, NULL, a, b, 0));
	INV(lttsync_session_get_pair(NULL, &h, s, 0));
	INV(lttsync_session_get_pair(&h, NULL, s, 0));
	INV(lttsync_session_get_pair_quality(NULL, s, a, b));
	INV(lttsync_session_get_pair_quality(&q, NULL, a, b));
	INV(lttsync_session_get_pair_slope_bounds(NULL, &dmax, s, a, b));
	INV(lttsync_session_get_pair_slope_bounds(&dmin, NULL, s, a, b));
	INV(lttsync_session_get_pair_bounds_at(NULL, &hi, s, a, b, 0));
	INV(lttsync_session_get_pair_bounds_at(&lo, NULL, s, a, b, 0));
	INV(lttsync_session_get_pair_estimate(NULL, s, a, b));
	INV(lttsync_session_get_pair_estimate(&tf, NULL, a, b));
	INV(lttsync_session_get_pair_violation(NULL, &u, s, a, b));
	INV(lttsync_session_get_pair_violation(&dmin, NULL, s, a, b));
	INV(lttsync_session_get_reference(NULL, s));
	INV(lttsync_session_get_reference(&h, NULL));
	INV(lttsync_session_get_host_quality(NULL, s, a));
	INV(lttsync_session_get_host_parent(NULL, s, a));
	INV(lttsync_session_get_host_transform(NULL, s, a));
	INV(lttsync_session_get_host_transform(&tf, NULL, a));
	INV(lttsync_session_get_host_bounds_at(NULL, &hi, s, a, 0));
	INV(lttsync_session_get_host_bounds_at(&lo, NULL, s, a, 0));
	INV(lttsync_transform_apply(NULL, NULL, 0));
	INV(lttsync_transform_apply(&lo, NULL, 0));
	INV(lttsync_transform_format(NULL, sizeof(buf), NULL, LTTSYNC_FIELD_SLOPE));
	INV(lttsync_transform_format(buf, sizeof(buf), NULL, LTTSYNC_FIELD_SLOPE));
#undef INV
	/* the session still works */
	cr_assert_eq(pair_quality(s, a, b), LTTSYNC_QUALITY_ACCURATE);
	lttsync_session_destroy(s);
}
