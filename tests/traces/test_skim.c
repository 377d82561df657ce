/* SPDX-License-Identifier: MIT */
/*
 * Our CTF reader against libbabeltrace2, trace by trace: on every trace
 * it accepts, both give the same hostname, the same statistics and the
 * same packets (compared as sorted lists: the two read streams in
 * different orders), or both fail. Traces: the real ones
 * ($LTTSYNC_SHARED_TRACES, skipped when absent), every layout
 * lttsync-gen writes (with UDP, ICMP, IPv6, retransmissions, large
 * event headers), examples/traces, fuzz/corpus/trace. Also: a declined
 * trace is read by libbabeltrace2 through the default path and says so
 * in its statistics.
 *
 * Prints one line per trace and "N passed, N failed".
 */
#include <dirent.h>
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

static int declined, accepted;

typedef struct run {
	collected c;
	lsync_decode_stats stats;
	int status;
} run;

static int run_ours(const char *path, run *r, char *err, size_t size)
{
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &r->c, NULL };
	lsync_skim *k;
	int64_t pos;
	int st = lsync_skim_open(&k, path, &cb, &r->stats, err, size);

	if (st)
		return st;
	while (lsync_skim_step(k, &pos))
		;
	return lsync_skim_close(k, err, size);
}

static void compare(const char *path)
{
	run a = { 0 }, b = { 0 };
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &b.c, NULL };
	char ea[256] = "", eb[256] = "";
	int sa = run_ours(path, &a, ea, sizeof(ea));
	int sb;

	if (sa == LSYNC_CTF_DECLINED) {
		declined++;
		printf("declined: %s: %s\n", path, ea);
		/* Declined before any callback. */
		reader_check(a.c.n == 0 && !a.c.has_host && a.stats.events == 0,
		      "nothing handed out when declining", path);
		free(a.c.p);
		return;
	}
	accepted++;
	sb = lsync_decode_trace_with(path, &cb, &b.stats, LTTSYNC_READER_BABELTRACE2,
				     eb, sizeof(eb));
	printf("%s: ours %d (%" PRIu64 " events, %zu packets) babeltrace2 %d "
	       "(%" PRIu64 " events, %zu packets)%s%s\n", path, sa, a.stats.events,
	       a.c.n, sb, b.stats.events, b.c.n, sa ? ": " : "", sa ? ea : "");
	reader_check((sa == 0) == (sb == 0), "both succeed or both fail", path);
	reader_check(a.stats.reader == 1 && b.stats.reader == 2, "reader statistic", path);
	if (sa || sb)
		goto out;
	reader_check(a.c.has_host == b.c.has_host && strcmp(a.c.host, b.c.host) == 0, "hostname", path);
	a.stats.reader = b.stats.reader = 0;
	reader_check(memcmp(&a.stats, &b.stats, sizeof(a.stats)) == 0, "statistics", path);
	if (memcmp(&a.stats, &b.stats, sizeof(a.stats)) != 0)
		printf("  streams %" PRIu64 "/%" PRIu64 " events %" PRIu64 "/%" PRIu64
		       " net %" PRIu64 "/%" PRIu64 " packets %" PRIu64 "/%" PRIu64
		       " nohdr %" PRIu64 "/%" PRIu64 " nottcp %" PRIu64 "/%" PRIu64
		       " malformed %" PRIu64 "/%" PRIu64 "\n",
		       a.stats.streams, b.stats.streams, a.stats.events, b.stats.events,
		       a.stats.network_events, b.stats.network_events, a.stats.packets,
		       b.stats.packets, a.stats.no_header, b.stats.no_header,
		       a.stats.not_tcp, b.stats.not_tcp, a.stats.malformed, b.stats.malformed);
	if (a.c.n == b.c.n && a.c.n) {
		qsort(a.c.p, a.c.n, sizeof(*a.c.p), collect_cmp_packet);
		qsort(b.c.p, b.c.n, sizeof(*b.c.p), collect_cmp_packet);
	}
	reader_check(a.c.n == b.c.n && (a.c.n == 0 || memcmp(a.c.p, b.c.p, a.c.n * sizeof(*a.c.p)) == 0),
	      "same packets", path);
out:
	free(a.c.p);
	free(b.c.p);
}

static int found(void *user, const char *folder)
{
	(void)user;
	compare(folder);
	return 0;
}

static void compare_all(const char *root)
{
	char err[256];
	struct stat st;

	if (stat(root, &st) != 0) {
		printf("skipped (absent): %s\n", root);
		return;
	}
	lsync_find_traces(root, found, NULL, err, sizeof(err));
}

/*
 * The fuzz corpus's inputs (fuzz/fuzz_trace.c): byte 0 flags, bytes 1-2
 * the metadata's length L (little endian), L bytes of metadata, then the
 * stream file. Each is written as a trace folder under tmp and compared.
 */
static void compare_corpus(const char *corpus, const char *tmp)
{
	DIR *d = opendir(corpus);
	struct dirent *de;
	int i = 0;

	if (!d) {
		printf("skipped (absent): %s\n", corpus);
		return;
	}
	while ((de = readdir(d))) {
		char in[4400], dir[4400], out[4500];
		unsigned char *buf;
		size_t n, len;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(in, sizeof(in), "%s/%s", corpus, de->d_name);
		f = fopen(in, "rb");
		if (!f)
			continue;
		buf = malloc(1 << 20);
		n = buf ? fread(buf, 1, 1 << 20, f) : 0;
		fclose(f);
		len = n >= 3 ? (size_t)buf[1] | (size_t)buf[2] << 8 : 0;
		if (n < 3 || len > n - 3) {
			free(buf);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/corpus-%d-%s", tmp, i++, de->d_name);
		mkdir(dir, 0777);
		snprintf(out, sizeof(out), "%s/metadata", dir);
		if ((f = fopen(out, "wb"))) {
			fwrite(buf + 3, 1, len, f);
			fclose(f);
		}
		snprintf(out, sizeof(out), "%s/channel0_0", dir);
		if ((f = fopen(out, "wb"))) {
			fwrite(buf + 3 + len, 1, n - 3 - len, f);
			fclose(f);
		}
		free(buf);
		compare(dir);
	}
	closedir(d);
}

/* A declined trace goes to libbabeltrace2 through the default path. */
static void fallback(const char *tmp)
{
	char dir[4096], meta[4096 + 16];
	FILE *f;
	run r = { 0 };
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &r.c, NULL };
	char err[256];
	int st;

	snprintf(dir, sizeof(dir), "%s/callsite", tmp);
	mkdir(dir, 0777);
	snprintf(meta, sizeof(meta), "%s/metadata", dir);
	f = fopen(meta, "w");
	if (!f)
		return;
	/* A callsite block: valid CTF that our reader does not support. */
	fputs("/* CTF 1.8 */\n"
	      "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	      "trace { major = 1; minor = 8; byte_order = le; "
	      "packet.header := struct { uint32_t magic; }; };\n"
	      "env { hostname = \"fallback\"; };\n"
	      "callsite { name = \"x\"; func = \"f\"; file = \"a.c\"; line = 1; ip = 0; };\n"
	      "stream { event.header := struct { uint32_t id; }; };\n"
	      "event { name = \"e\"; id = 0; fields := struct { uint32_t v; }; };\n", f);
	fclose(f);
	st = lsync_decode_trace(dir, &cb, &r.stats, err, sizeof(err));
	reader_check(st == 0 && r.stats.reader == LTTSYNC_READER_BABELTRACE2 &&
	      strcmp(r.c.host, "fallback") == 0, "declined trace read by libbabeltrace2", dir);
	free(r.c.p);
}

/* Write dir/metadata and dir/channel0_0. */
static void write_trace(const char *dir, const char *meta, const void *stream,
			size_t len)
{
	char path[4096 + 16];
	FILE *f;

	mkdir(dir, 0777);
	snprintf(path, sizeof(path), "%s/metadata", dir);
	if ((f = fopen(path, "w"))) {
		fputs(meta, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/channel0_0", dir);
	if ((f = fopen(path, "wb"))) {
		fwrite(stream, 1, len, f);
		fclose(f);
	}
}

#define HOSTILE_PREAMBLE \
	"/* CTF 1.8 */\n" \
	"typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n" \
	"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n" \
	"typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n" \
	"trace { major = 1; minor = 8; byte_order = le; " \
	"packet.header := struct { uint32_t magic; }; };\n" \
	"clock { name = c; freq = 1000000000; };\n" \
	"typealias integer { size = 64; align = 8; signed = false; " \
	"map = clock.c.value; } := clk64;\n" \
	"stream { packet.context := struct { clk64 timestamp_begin; " \
	"uint64_t packet_size; }; event.header := struct { uint32_t id; " \
	"clk64 timestamp; }; };\n"

/*
 * Hostile metadata and streams that must neither hang nor crash: a type
 * graph whose fields multiply (8^8 fields from 64 declared) declines at
 * once; a sequence of 2^62 empty variants fails its trace (FORMAT).
 */
static void hostile(const char *tmp)
{
	char dir[4096], meta[8192];
	size_t n = 0;
	uint8_t buf[64] = { 0 };
	lsync_skim *k;
	char err[256];
	run r = { 0 };
	lsync_decode_callbacks cb = { collect_begin, collect_packet, NULL, &r.c, NULL };
	int st;
	int64_t pos;
	uint64_t v;

	n += (size_t)snprintf(meta + n, sizeof(meta) - n, "%s", HOSTILE_PREAMBLE);
	n += (size_t)snprintf(meta + n, sizeof(meta) - n, "struct s0 { uint8_t a; "
			      "uint8_t b; uint8_t c; uint8_t d; uint8_t e; uint8_t f; "
			      "uint8_t g; string h; };\n");
	for (int i = 1; i < 8; i++)
		n += (size_t)snprintf(meta + n, sizeof(meta) - n,
				      "struct s%d { struct s%d a; struct s%d b; struct s%d c; "
				      "struct s%d d; struct s%d e; struct s%d f; struct s%d g; "
				      "struct s%d h; };\n", i, i - 1, i - 1, i - 1, i - 1,
				      i - 1, i - 1, i - 1, i - 1);
	snprintf(meta + n, sizeof(meta) - n, "event { name = e; id = 0; "
		 "fields := struct { struct s7 x; }; };\n");
	snprintf(dir, sizeof(dir), "%s/fields-multiply", tmp);
	write_trace(dir, meta, buf, 0);
	st = lsync_skim_open(&k, dir, &cb, &r.stats, err, sizeof(err));
	reader_check(st == LSYNC_CTF_DECLINED && strstr(err, "too many fields"),
	      "declines a class whose fields multiply", dir);

	snprintf(meta, sizeof(meta), "%s%s", HOSTILE_PREAMBLE,
		 "event { name = e; id = 0; fields := struct { uint64_t n; "
		 "enum : uint8_t { a = 0 } tag; variant <tag> { struct { } a; } v[n]; }; };\n");
	/* One packet: magic, timestamp_begin, packet_size, one event. */
	v = 0xC1FC1FC1u;
	memcpy(buf, &v, 4);
	v = 1000;
	memcpy(buf + 4, &v, 8);
	v = 8 * 64;
	memcpy(buf + 12, &v, 8);
	/* event: id 0 (4 bytes), timestamp (8), n = 2^62, tag 0 */
	v = 1001;
	memcpy(buf + 24, &v, 8);
	v = UINT64_C(1) << 62;
	memcpy(buf + 32, &v, 8);
	snprintf(dir, sizeof(dir), "%s/empty-variants", tmp);
	write_trace(dir, meta, buf, sizeof(buf));
	st = lsync_skim_open(&k, dir, &cb, &r.stats, err, sizeof(err));
	if (st == LTTSYNC_OK) {
		while (lsync_skim_step(k, &pos))
			;
		st = lsync_skim_close(k, err, sizeof(err));
	}
	reader_check(st == LTTSYNC_ERROR_FORMAT, "2^62 empty variants fail the trace", dir);
	free(r.c.p);
}

int main(void)
{
	const char *shared = getenv("LTTSYNC_SHARED_TRACES");
	const char *gen = getenv("LTTSYNC_GEN");
	const char *top = getenv("top_srcdir");
	char tmp[] = "/tmp/test_skim.XXXXXX", path[4096];
	static const char *const layouts[] = { "modules-2.9", "modules-2.10.5",
		"modules-2.13", "modules-2.6", "experimental", "addons-a",
		"addons-b", "old", NULL };

	if (!top)
		top = ".";
	if (shared)
		compare_all(shared);
	else
		printf("skipped: LTTSYNC_SHARED_TRACES not set\n");
	snprintf(path, sizeof(path), "%s/examples/traces", top);
	compare_all(path);
	if (!mkdtemp(tmp))
		return 1;
	snprintf(path, sizeof(path), "%s/fuzz/corpus/trace", top);
	compare_corpus(path, tmp);
	if (gen) {
		for (int i = 0; layouts[i]; i++) {
			const char *opts[] = { "--hosts", "2", "--layouts", layouts[i],
				"--duration", "1", "--rate", "300", "--cpus", "2",
				"--packet-size", "4096", "--seed", "11",
				"--udp-fraction", "0.2", "--icmp-fraction", "0.2",
				"--ipv6-fraction", "0.4", NULL };

			snprintf(path, sizeof(path), "%s/%s", tmp, layouts[i]);
			if (reader_generate(gen, path, opts))
				compare_all(path);
		}
		{
			const char *opts[] = { "--hosts", "4", "--topology", "mesh",
				"--layouts", "modules-2.9,modules-2.13,addons-a,experimental",
				"--duration", "2", "--rate", "100",
				"--retransmit-fraction", "0.05", "--segmentation-fraction",
				"0.05", "--packet-size", "8192", NULL };

			snprintf(path, sizeof(path), "%s/mixed", tmp);
			if (reader_generate(gen, path, opts))
				compare_all(path);
		}
	} else {
		printf("skipped: LTTSYNC_GEN not set\n");
	}
	fallback(tmp);
	hostile(tmp);
	{
		char cmd[sizeof(tmp) + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
		if (system(cmd) != 0)
			printf("could not remove %s\n", tmp);
	}
	printf("%d traces read by ours, %d declined\n", accepted, declined);
	printf("%d passed, %d failed\n", reader_passed, reader_failed);
	return reader_failed ? 1 : 0;
}
