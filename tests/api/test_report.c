/* SPDX-License-Identifier: MIT */
/*
 * JSON reports through the public API: lttsync_session_write_report()
 * then lttsync_report_load() gives back every host's name, quality,
 * parent and transform, the loaded transform applying within 1 ns of the
 * session's own (simulated clocks, clocks whose rate changes, the real
 * scp traces); a chain's report names parents, not paths, so its size is
 * linear; hostile report files fail with a clear message, never a crash.
 * The text report, lttsync_session_write_text_report(), is the one the
 * command prints for the same messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <lttsync/lttsync.h>

#include "../common/ratesim.h"
#include "../common/simulate.h"
#include "../common/sim_session.h"

/* ---- helpers ----------------------------------------------------------- */

static char *temp_path(void)
{
	char *p = malloc(64);
	int fd;

	snprintf(p, 64, "/tmp/lttsync-report-XXXXXX");
	fd = mkstemp(p);
	cr_assert_geq(fd, 0);
	close(fd);
	return p;
}

static char *write_session_report(lttsync_session *s)
{
	char *path = temp_path();
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	cr_assert_eq(lttsync_session_write_report(s, f), LTTSYNC_OK, "%s",
		     lttsync_session_get_last_error(s));
	cr_assert_eq(fclose(f), 0);
	return path;
}

static char *write_text(const char *text, size_t len)
{
	char *path = temp_path();
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

static void feed(lttsync_session *s, const sim_message *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(lttsync_session_feed_message(s, m[i].send_host,
							  m[i].send_ns,
							  m[i].recv_host,
							  m[i].recv_ns),
			     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
}

/* Both transforms at t: equal within 1 ns (or both out of range). */
static void same_at(const lttsync_transform *a, const lttsync_transform *b,
		    int64_t t, const char *host)
{
	int64_t x, y;
	lttsync_status sa = lttsync_transform_apply(&x, a, t);
	lttsync_status sb = lttsync_transform_apply(&y, b, t);

	cr_assert_eq(sa, sb, "%s at %" PRId64 ": statuses %d %d", host, t, sa, sb);
	if (sa == LTTSYNC_OK)
		cr_assert(llabs(x - y) <= 1, "%s at %" PRId64 ": session %" PRId64
			  ", loaded %" PRId64, host, t, x, y);
}

/*
 * Every host of the session against the loaded report: name, quality,
 * parent, and the transform at `samples` times over [lo, hi] and around
 * every segment start. Returns the most segments a host had.
 */
static size_t check_round_trip(lttsync_session *s, const lttsync_report *r,
			       int64_t lo, int64_t hi, size_t samples)
{
	size_t n = lttsync_session_get_host_count(s), most = 0;
	lttsync_host_id ref, parent;

	cr_assert_eq(lttsync_report_get_host_count(r), n);
	cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
	cr_assert_str_eq(lttsync_report_get_reference(r),
			 lttsync_session_get_host_name(s, ref));
	for (lttsync_host_id h = 0; h < n; h++) {
		const char *name = lttsync_session_get_host_name(s, h);
		lttsync_transform *mine = NULL, *loaded = NULL;
		lttsync_quality q1, q2;
		lttsync_status st;
		const char *p = lttsync_report_get_host_parent(r, name);

		cr_assert_eq(lttsync_session_get_host_quality(&q1, s, h), LTTSYNC_OK);
		cr_assert_eq(lttsync_report_get_host_quality(&q2, r, name), LTTSYNC_OK,
			     "%s", lttsync_report_get_last_error());
		cr_assert_eq(q1, q2, "%s: quality", name);
		if (lttsync_session_get_host_parent(&parent, s, h) == LTTSYNC_OK &&
		    parent != h)
			cr_assert(p && !strcmp(p, lttsync_session_get_host_name(s, parent)),
				  "%s: parent %s", name, p ? p : "(none)");
		else
			cr_assert_null(p, "%s: parent %s", name, p);
		st = lttsync_session_get_host_transform(&mine, s, h);
		cr_assert_eq(lttsync_report_get_host_transform(&loaded, r, name), st,
			     "%s: %s", name, lttsync_report_get_last_error());
		if (st)
			continue;
		cr_assert_eq(lttsync_transform_get_segment_count(loaded),
			     lttsync_transform_get_segment_count(mine));
		for (size_t i = 0; i <= samples; i++)
			same_at(mine, loaded,
				lo + (int64_t)((long double)(hi - lo) * i / samples), name);
		for (size_t k = 1; k < lttsync_transform_get_segment_count(mine); k++) {
			lttsync_transform *seg;
			int64_t from;
			double w;

			cr_assert_eq(lttsync_transform_get_segment(&seg, &from, &w, mine, k),
				     LTTSYNC_OK);
			lttsync_transform_destroy(seg);
			for (int64_t d = -2; d <= 2; d++)
				same_at(mine, loaded, from + d, name);
		}
		if (lttsync_transform_get_segment_count(mine) > most)
			most = lttsync_transform_get_segment_count(mine);
		lttsync_transform_destroy(mine);
		lttsync_transform_destroy(loaded);
	}
	return most;
}

/* ---- round trips ------------------------------------------------------- */

Test(report, round_trip_simulated_hosts)
{
	sim_world w;
	sim_message *m;
	size_t n = 0, hosts = 6;
	lttsync_session *s;
	lttsync_report *r;
	char *path;
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	sim_init(&w, hosts, 42, 3600LL * 1000000000, 150);
	m = calloc(4000, sizeof(*m));
	/* A tree: host1..4 talk to their predecessor, host5 to nobody. */
	for (uint32_t h = 1; h + 1 < hosts; h++)
		for (int i = 0; i < 400; i++) {
			long double T = 1e9L + i * 5e8L;

			m[n++] = sim_message_at(&w, h, h - 1, T, 20000, 5000);
			m[n++] = sim_message_at(&w, h - 1, h, T + 1e8L, 20000, 5000);
		}
	for (size_t i = 0; i < n; i++) {
		lo = m[i].send_ns < lo ? m[i].send_ns : lo;
		hi = m[i].send_ns > hi ? m[i].send_ns : hi;
	}
	s = sim_session_new(hosts, 0);
	feed(s, m, n);
	path = write_session_report(s);
	cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
		     lttsync_report_get_last_error());
	cr_assert_str_empty(lttsync_report_get_last_error());
	/* Host times span hours of offsets: sample widely around the data. */
	check_round_trip(s, r, lo - 7200LL * 1000000000, hi + 7200LL * 1000000000, 500);
	{
		lttsync_transform *tf = (lttsync_transform *)1;
		lttsync_quality q;

		cr_assert_eq(lttsync_report_get_host_transform(&tf, r, "host5"),
			     LTTSYNC_ERROR_NOT_AVAILABLE);
		cr_assert_eq(tf, (lttsync_transform *)1, "untouched on error");
		cr_assert(strstr(lttsync_report_get_last_error(), "host5"));
		cr_assert_eq(lttsync_report_get_host_quality(&q, r, "host5"), LTTSYNC_OK);
		cr_assert_eq(q, LTTSYNC_QUALITY_DISCONNECTED);
		cr_assert_eq(lttsync_report_get_host_transform(&tf, r, "nosuch"),
			     LTTSYNC_ERROR_NOT_FOUND);
		cr_assert(strstr(lttsync_report_get_last_error(), "no host `nosuch`"));
		cr_assert_eq(lttsync_report_get_host_quality(&q, r, "nosuch"),
			     LTTSYNC_ERROR_NOT_FOUND);
		cr_assert_null(lttsync_report_get_host_name(r, hosts));
		cr_assert_null(lttsync_report_get_host_parent(r, "nosuch"));
	}
	lttsync_report_destroy(r);
	lttsync_session_destroy(s);
	unlink(path);
	free(path);
	free(m);
	sim_free(&w);
}

Test(report, round_trip_piecewise_transforms)
{
	rate_world w;
	sim_message *m = NULL;
	size_t n = 0, hosts = 4;
	lttsync_session *s;
	lttsync_report *r;
	char *path;
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	rate_init(&w, hosts, 7, 1800 * 1e9L, 1);
	for (uint32_t h = 0; h < hosts; h++)
		for (uint32_t k = h + 1; k < hosts; k++)
			rate_messages(&w, h, k, 10, &m, &n);
	for (size_t i = 0; i < n; i++) {
		lo = m[i].send_ns < lo ? m[i].send_ns : lo;
		hi = m[i].send_ns > hi ? m[i].send_ns : hi;
	}
	s = sim_session_new(hosts, 1);
	feed(s, m, n);
	path = write_session_report(s);
	cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
		     lttsync_report_get_last_error());
	cr_assert_gt(check_round_trip(s, r, lo - 1000000000, hi + 1000000000, 3000), 2,
		     "some host has several segments");
	lttsync_report_destroy(r);
	lttsync_session_destroy(s);
	unlink(path);
	free(path);
	free(m);
	rate_free(&w);
}

Test(report, round_trip_real_scp_traces)
{
	const char *env = getenv("LTTSYNC_SHARED_TRACES");
	char dir[4096];
	lttsync_session *s;
	lttsync_report *r;
	char *path;
	size_t count = 0;

	snprintf(dir, sizeof(dir), "%s/scp", env ? env : "../shared/traces");
	if (access(dir, R_OK))
		cr_skip_test("real traces not found (set LTTSYNC_SHARED_TRACES)");
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_read_jobs(s, 0), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_read_traces(&count, s, dir, NULL, NULL, NULL),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_geq(lttsync_session_get_host_count(s), 2);
	path = write_session_report(s);
	cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
		     lttsync_report_get_last_error());
	/* The scp traces are from 2013: a day around their pivots, and more. */
	for (lttsync_host_id h = 0; h < lttsync_session_get_host_count(s); h++) {
		lttsync_transform *tf;
		int64_t p;

		if (lttsync_session_get_host_transform(&tf, s, h))
			continue;
		p = lttsync_transform_get_pivot(tf);
		lttsync_transform_destroy(tf);
		check_round_trip(s, r, p - 86400LL * 1000000000, p + 86400LL * 1000000000,
				 2000);
	}
	lttsync_report_destroy(r);
	lttsync_session_destroy(s);
	unlink(path);
	free(path);
}

/* A chain host0 - host1 - ... : 4 messages a link, host0 the reference. */
static lttsync_session *chain(size_t hosts)
{
	lttsync_session *s = sim_session_new(hosts, 0);
	const int64_t T = 1700000000000000000LL, T2 = T + 500000000;

	for (uint32_t i = 0; i + 1 < hosts; i++)
		for (int64_t k = 0; k < 2; k++) {
			int64_t d = 1000 * (int64_t)i;

			cr_assert_eq(lttsync_session_feed_message(s, i, T + k * 1000, i + 1,
								  T + 50000 - d + k * 1000),
				     LTTSYNC_OK);
			cr_assert_eq(lttsync_session_feed_message(s, i + 1, T2 - d + k * 1000,
								  i, T2 + 60000 + k * 1000),
				     LTTSYNC_OK);
		}
	cr_assert_eq(lttsync_session_set_reference(s, 0), LTTSYNC_OK);
	return s;
}

/* The number of `"hops": N` of the file, and whether each is N == host. */
static void check_chain_file(const char *path, size_t hosts)
{
	FILE *f = fopen(path, "r");
	char line[65536];
	size_t seen = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *h = strstr(line, "{\"host\": \"host"), *hops = strstr(line, "\"hops\": ");
		unsigned long id, d;

		if (!h || !hops)
			continue;
		cr_assert_eq(sscanf(h, "{\"host\": \"host%lu\"", &id), 1);
		cr_assert_eq(sscanf(hops, "\"hops\": %lu", &d), 1);
		cr_assert_eq(d, id, "host%lu: hops %lu", id, d);
		cr_assert_null(strstr(line, "\"path\""));
		seen++;
	}
	fclose(f);
	cr_assert_eq(seen, hosts);
}

Test(report, chain_report_linear_in_hosts, .timeout = 120)
{
	size_t sizes[2] = { 50, 200 };
	long bytes[2];

	for (int i = 0; i < 2; i++) {
		lttsync_session *s = chain(sizes[i]);
		lttsync_report *r;
		char *path = write_session_report(s);

		bytes[i] = file_size(path);
		check_chain_file(path, sizes[i]);
		cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
			     lttsync_report_get_last_error());
		cr_assert_null(lttsync_report_get_host_parent(r, "host0"));
		cr_assert_str_eq(lttsync_report_get_host_parent(r, "host42"), "host41");
		check_round_trip(s, r, 1700000000000000000LL - 1000000000,
				 1700000000000000000LL + 1000000000, 20);
		lttsync_report_destroy(r);
		lttsync_session_destroy(s);
		unlink(path);
		free(path);
	}
	/* 4 times the hosts: about 4 times the bytes (a path per host would be 16). */
	cr_assert_lt(bytes[1], 5 * bytes[0], "%ld then %ld bytes", bytes[0], bytes[1]);
}

/* ---- writing: bad arguments -------------------------------------------- */

Test(report, write_bad_arguments)
{
	lttsync_session *s = sim_session_new(2, 0);
	char *path = temp_path();
	FILE *ro = fopen(path, "r");

	cr_assert_eq(lttsync_session_write_report(NULL, stdout),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_write_report(s, NULL),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "write_report"));
	/* A stream open for reading only: the write error is reported. */
	cr_assert_not_null(ro);
	cr_assert_eq(lttsync_session_write_report(s, ro), LTTSYNC_ERROR_IO);
	cr_assert(strstr(lttsync_session_get_last_error(s), "write error"));
	fclose(ro);
	unlink(path);
	free(path);
	lttsync_session_destroy(s);
}

/* ---- the text report ---------------------------------------------------- */

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *text;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc((size_t)n + 1, 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

static char *write_session_text(lttsync_session *s, unsigned int flags)
{
	char *path = temp_path();
	FILE *f = fopen(path, "w");
	char *text;

	cr_assert_not_null(f);
	cr_assert_eq(lttsync_session_write_text_report(s, f, flags), LTTSYNC_OK,
		     "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(fclose(f), 0);
	text = read_whole(path);
	unlink(path);
	free(path);
	return text;
}

/* What `lttsync --messages csv [option]` prints on stdout. */
static char *command_text(const char *csv, const char *option)
{
	const char *top = getenv("top_builddir");
	char *out = temp_path(), *cmd, *text;

	cr_assert_not_null(top, "top_builddir not set");
	cr_assert_gt(asprintf(&cmd, "'%s/lttsync' %s --messages '%s' >'%s' 2>/dev/null",
			      top, option, csv, out), 0);
	/* 0 or 2 (some host unsynchronized), a report either way. */
	cr_assert(system(cmd) != -1);
	text = read_whole(out);
	unlink(out);
	free(out);
	free(cmd);
	return text;
}

/*
 * Simulated hosts: host1..3 exchange messages with their predecessor,
 * host4 only sends to host3 (one direction: not synchronized). The text
 * report of the session is what the command prints for the same messages.
 */
Test(report, text_report_is_the_commands)
{
	static const char *const names[] = { "host0", "host1", "host2", "host3", "host4" };
	sim_world w;
	sim_message *m;
	size_t n = 0, hosts = 5;
	lttsync_session *s;
	lttsync_host_id id;
	char *csv = temp_path(), *text, *cli;
	FILE *f;

	sim_init(&w, hosts, 7, 600LL * 1000000000, 100);
	m = calloc(4000, sizeof(*m));
	for (uint32_t h = 1; h < hosts; h++)
		for (int i = 0; i < 300; i++) {
			long double T = 1e9L + i * 5e8L;

			m[n++] = sim_message_at(&w, h, h - 1, T, 20000, 5000);
			if (h + 1 < hosts)
				m[n++] = sim_message_at(&w, h - 1, h, T + 1e8L, 20000, 5000);
		}
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	for (size_t h = 0; h < hosts; h++)
		cr_assert_eq(lttsync_session_add_host(&id, s, names[h]), LTTSYNC_OK);
	feed(s, m, n);
	f = fopen(csv, "w");
	cr_assert_not_null(f);
	fprintf(f, "send_host,send_ns,recv_host,recv_ns\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s,%" PRId64 ",%s,%" PRId64 "\n", names[m[i].send_host],
			m[i].send_ns, names[m[i].recv_host], m[i].recv_ns);
	cr_assert_eq(fclose(f), 0);

	text = write_session_text(s, 0);
	cli = command_text(csv, "");
	cr_assert_str_eq(text, cli);
	cr_assert(!strncmp(text, "reference: host", 15), "%.40s", text);
	cr_assert(strstr(text, "\nhost   quality "), "the host table's heading");
	cr_assert(strstr(text, "\nhost4  disconnected  -  "), "host4: no path\n%s", text);
	cr_assert(strstr(text, "\nhost4            host3                 300        0  incomplete   -\n"),
		  "host4-host3: one direction only\n%s", text);
	cr_assert(strstr(text, "\nhost A           host B "), "the pair table's heading");
	cr_assert_null(strstr(text, "from (ns)"), "no segment table without the flag");
	free(text);
	free(cli);

	text = write_session_text(s, LTTSYNC_TEXT_REPORT_SEGMENTS);
	cli = command_text(csv, "--verbose");
	cr_assert_str_eq(text, cli);
	cr_assert(strstr(text, "\nhost0: 1 segment\n  from (ns) "), "%s", text);
	free(text);
	free(cli);

	lttsync_session_destroy(s);
	unlink(csv);
	free(csv);
	free(m);
	sim_free(&w);
}

Test(report, text_report_bad_arguments)
{
	lttsync_session *s = sim_session_new(2, 0);
	char *path = temp_path();
	FILE *ro = fopen(path, "r");

	cr_assert_eq(lttsync_session_write_text_report(NULL, stdout, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_write_text_report(s, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "write_text_report"));
	cr_assert_eq(lttsync_session_write_text_report(s, stdout, 2),
		     LTTSYNC_ERROR_INVALID_ARGUMENT, "an unknown flag");
	/* A stream open for reading only: the write error is reported. */
	cr_assert_not_null(ro);
	cr_assert_eq(lttsync_session_write_text_report(s, ro, 0), LTTSYNC_ERROR_IO);
	cr_assert(strstr(lttsync_session_get_last_error(s), "write error"));
	fclose(ro);
	unlink(path);
	free(path);
	lttsync_session_destroy(s);
}

/* ---- hostile report files ------------------------------------------------ */

/* Load `text`: expect `status` and `needle` in the message, no report. */
static void refused(const char *text, lttsync_status status, const char *needle)
{
	char *path = write_text(text, strlen(text));
	lttsync_report *r = (lttsync_report *)1;
	lttsync_status st = lttsync_report_load(&r, path);

	cr_assert_eq(st, status, "`%.200s`: status %s (%s)", text,
		     lttsync_status_string(st), lttsync_report_get_last_error());
	cr_assert_eq(r, (lttsync_report *)1, "untouched on error");
	cr_assert(strstr(lttsync_report_get_last_error(), needle),
		  "`%.200s`: message `%s` lacks `%s`", text,
		  lttsync_report_get_last_error(), needle);
	cr_assert(strstr(lttsync_report_get_last_error(), path),
		  "the message names the file");
	unlink(path);
	free(path);
}

#define HOST(name, rest) "{\"host\": \"" name "\", \"quality\": \"accurate\", " rest "}"
#define LINE "\"slope\": \"1.5\", \"pivot_ns\": \"10\", \"pivot_ref_ns\": \"20\""
#define REPORT(hosts) "{\"reference\": null, \"hosts\": [" hosts "]}"

Test(report, truncated)
{
	refused("", LTTSYNC_ERROR_FORMAT, "expected an object");
	refused("{\"hosts\": [" HOST("a", LINE), LTTSYNC_ERROR_FORMAT, "ends");
	refused("{\"hosts\": [{\"host\": \"a", LTTSYNC_ERROR_FORMAT,
		"ends inside a string");
	refused("{\"hosts\": [{\"host\": \"a\", \"slope\": \"1.", LTTSYNC_ERROR_FORMAT,
		"ends inside a string");
	refused("{\"hosts\": [], ", LTTSYNC_ERROR_FORMAT, "member name");
	refused("{\"hosts\": [], \"x\": tru", LTTSYNC_ERROR_FORMAT, "expected a JSON value");
	refused("{\"hosts\": [], \"x\": 1e", LTTSYNC_ERROR_FORMAT, "exponent");
}

Test(report, truncated_real_report)
{
	lttsync_session *s = chain(20);
	char *path = write_session_report(s), *text;
	long n = file_size(path);
	FILE *f = fopen(path, "rb");

	text = malloc((size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	/* Every cut of the report before its last `}` is refused. */
	for (long cut = 0; cut + 2 < n; cut += 97) {
		char *p = write_text(text, (size_t)cut);
		lttsync_report *r = NULL;

		cr_assert_neq(lttsync_report_load(&r, p), LTTSYNC_OK, "cut at %ld", cut);
		cr_assert_null(r);
		cr_assert_str_not_empty(lttsync_report_get_last_error());
		unlink(p);
		free(p);
	}
	free(text);
	unlink(path);
	free(path);
	lttsync_session_destroy(s);
}

Test(report, wrong_types)
{
	refused("[]", LTTSYNC_ERROR_FORMAT, "expected an object");
	refused("{\"hosts\": 3}", LTTSYNC_ERROR_FORMAT, "`hosts` is a number, not an array");
	refused("{\"reference\": 3, \"hosts\": []}", LTTSYNC_ERROR_FORMAT,
		"expected a string or null");
	refused("{\"hosts\": []}x", LTTSYNC_ERROR_FORMAT, "text after the end");
	refused(REPORT("3"), LTTSYNC_ERROR_FORMAT, "expected an object, found a number");
	refused(REPORT("{\"host\": 3}"), LTTSYNC_ERROR_FORMAT, "expected a string");
	refused(REPORT("{\"quality\": \"accurate\"}"), LTTSYNC_ERROR_FORMAT,
		"has no `host` name");
	refused(REPORT(HOST("a", "\"slope\": 1.5, \"pivot_ns\": \"10\", "
			    "\"pivot_ref_ns\": \"20\"")),
		LTTSYNC_ERROR_FORMAT, "host `a`: `slope` is not a string but a number");
	refused(REPORT(HOST("a", "\"slope\": \"1.5\", \"pivot_ns\": \"10\"")),
		LTTSYNC_ERROR_FORMAT, "lacks `slope`, `pivot_ns` or `pivot_ref_ns`");
	refused(REPORT("{\"host\": \"a\", \"quality\": \"great\"}"),
		LTTSYNC_ERROR_FORMAT, "unknown quality `great`");
	refused(REPORT("{\"host\": \"a\", \"quality\": true}"),
		LTTSYNC_ERROR_FORMAT, "expected a string, found true");
	refused(REPORT(HOST("a", LINE ", \"segments\": [{\"from_ns\": null, \"slope\": "
			    "\"1\", \"offset_ns\": \"0\"}, {\"from_ns\": \"5\", \"slope\": "
			    "\"1\", \"offset_ns\": \"0\"}]")),
		LTTSYNC_ERROR_FORMAT, "expected a number, found a string");
	refused(REPORT(HOST("a", LINE ", \"segments\": 7")), LTTSYNC_ERROR_FORMAT,
		"expected an array");
	refused(REPORT(HOST("a", LINE ", \"segments\": [{\"from_ns\": null}, 2]")),
		LTTSYNC_ERROR_FORMAT, "segment 0 lacks");
	refused(REPORT(HOST("a", LINE ", \"hops\": -1")), LTTSYNC_ERROR_FORMAT,
		"negative");
	refused(REPORT(HOST("a", LINE ", \"hops\": 1.5")), LTTSYNC_ERROR_FORMAT,
		"expected an integer");
	refused(REPORT(HOST("a", "\"slope\": \"-1\", \"pivot_ns\": \"10\", "
			    "\"pivot_ref_ns\": \"20\"")),
		LTTSYNC_ERROR_FORMAT, "host `a`: bad transform");
	refused(REPORT(HOST("a", "\"slope\": \"abc\", \"pivot_ns\": \"10\", "
			    "\"pivot_ref_ns\": \"20\"")),
		LTTSYNC_ERROR_FORMAT, "host `a`: bad transform");
}

Test(report, huge_numbers)
{
	refused(REPORT(HOST("a", LINE ", \"segments\": [{\"from_ns\": null, \"slope\": "
			    "\"1\", \"offset_ns\": \"0\"}, {\"from_ns\": "
			    "99999999999999999999999, \"slope\": \"1\", \"offset_ns\": "
			    "\"0\"}]")),
		LTTSYNC_ERROR_FORMAT, "beyond 64 bits");
	refused(REPORT(HOST("a", LINE ", \"hops\": 9223372036854775808")),
		LTTSYNC_ERROR_FORMAT, "beyond 64 bits");
	refused(REPORT(HOST("a", "\"slope\": \"1e99999\", \"pivot_ns\": \"10\", "
			    "\"pivot_ref_ns\": \"20\"")),
		LTTSYNC_ERROR_FORMAT, "bad transform");
	refused(REPORT(HOST("a", "\"slope\": \"1\", \"pivot_ns\": "
			    "\"99999999999999999999999\", \"pivot_ref_ns\": \"20\"")),
		LTTSYNC_ERROR_FORMAT, "bad transform");
	refused(REPORT(HOST("a", "\"slope\": \"1\", \"pivot_ns\": \"0\", "
			    "\"pivot_ref_ns\": \"1e30\"")),
		LTTSYNC_ERROR_FORMAT, "bad transform");
	/* An unused member may hold any valid number. */
	{
		const char *ok = REPORT(HOST("a", LINE ", \"x\": 1e999999"));
		char *path = write_text(ok, strlen(ok));
		lttsync_report *r;

		cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
			     lttsync_report_get_last_error());
		lttsync_report_destroy(r);
		unlink(path);
		free(path);
	}
}

Test(report, unknown_hosts)
{
	refused("{\"reference\": \"z\", \"hosts\": [" HOST("a", LINE) "]}",
		LTTSYNC_ERROR_FORMAT, "the reference `z` is not one of the report's hosts");
	refused(REPORT(HOST("a", LINE ", \"parent\": \"z\"")), LTTSYNC_ERROR_FORMAT,
		"its parent `z` is not one of the report's hosts");
}

Test(report, duplicate_hosts_and_members)
{
	refused(REPORT(HOST("a", LINE) "," HOST("a", LINE)), LTTSYNC_ERROR_FORMAT,
		"host `a` appears twice");
	refused(REPORT(HOST("a", LINE ", \"slope\": \"2\"")), LTTSYNC_ERROR_FORMAT,
		"member `slope` given twice");
	refused("{\"hosts\": [], \"hosts\": []}", LTTSYNC_ERROR_FORMAT,
		"member `hosts` given twice");
}

Test(report, not_json)
{
	char deep[2 * 1000 + 32];

	refused("{\"hosts\": [], \"x\": \"\x01\"}", LTTSYNC_ERROR_FORMAT, "control character");
	refused("{\"hosts\": [], \"x\": \"\xff\"}", LTTSYNC_ERROR_FORMAT, "not UTF-8");
	refused("{\"hosts\": [], \"x\": \"\\q\"}", LTTSYNC_ERROR_FORMAT, "unknown escape");
	refused("{\"hosts\": [], \"x\": \"\\ud800\"}", LTTSYNC_ERROR_FORMAT, "surrogate");
	refused("{\"hosts\": [], \"x\": \"\\udc00\"}", LTTSYNC_ERROR_FORMAT, "surrogate");
	refused("{\"hosts\": [], \"x\": \"\\u00\"}", LTTSYNC_ERROR_FORMAT, "four hexadecimal");
	/* A quote where a digit goes: digits are checked one by one. */
	refused("{\n\"r\\udF\",udF\",)", LTTSYNC_ERROR_FORMAT, "four hexadecimal");
	refused("{\"hosts\": [], \"x\": \"\\u0g00\"}", LTTSYNC_ERROR_FORMAT, "four hexadecimal");
	refused(REPORT("{\"host\": \"a\\u0000b\"}"), LTTSYNC_ERROR_FORMAT, "U+0000");
	refused("{\"hosts\": [], \"x\": 01}", LTTSYNC_ERROR_FORMAT, "`,` or `}`");
	refused("{\"hosts\": [], \"x\": -}", LTTSYNC_ERROR_FORMAT, "expected a JSON value");
	refused("{\"hosts\": [1,]}", LTTSYNC_ERROR_FORMAT, "expected an object");
	refused("{\"hosts\" []}", LTTSYNC_ERROR_FORMAT, "expected `:`");
	refused("{\"hosts\": []", LTTSYNC_ERROR_FORMAT, "ends where `,` or `}`");
	strcpy(deep, "{\"hosts\": [], \"x\": ");
	for (int i = 0; i < 1000; i++)
		strcat(deep, "[");
	for (int i = 0; i < 1000; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	refused(deep, LTTSYNC_ERROR_FORMAT, "nested deeper than");
}

Test(report, escapes_decoded_and_position_given)
{
	const char *text = "{\"reference\": \"h\\u00e9\\ud83d\\ude00\",\n \"hosts\": ["
			   HOST("h\\u00e9\\ud83d\\ude00", LINE) "]}";
	char *path = write_text(text, strlen(text));
	lttsync_report *r;

	cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
		     lttsync_report_get_last_error());
	cr_assert_str_eq(lttsync_report_get_host_name(r, 0), "h\xc3\xa9\xf0\x9f\x98\x80");
	cr_assert_str_eq(lttsync_report_get_reference(r), "h\xc3\xa9\xf0\x9f\x98\x80");
	lttsync_report_destroy(r);
	unlink(path);
	free(path);
	refused("{\"hosts\": [],\n  \"x\": nul}", LTTSYNC_ERROR_FORMAT, "(line 2, column 8)");
}

Test(report, files_that_are_no_report, .timeout = 120)
{
	lttsync_report *r = (lttsync_report *)1;

	cr_assert_eq(lttsync_report_load(&r, "/nonexistent/r.json"), LTTSYNC_ERROR_IO);
	cr_assert_eq(r, (lttsync_report *)1);
	cr_assert(strstr(lttsync_report_get_last_error(), "/nonexistent/r.json"));
	cr_assert(strstr(lttsync_report_get_last_error(), "No such file"));
	cr_assert_eq(lttsync_report_load(&r, "/tmp"), LTTSYNC_ERROR_IO,
		     "%s", lttsync_report_get_last_error());
	/* A file that never ends is cut at the limit, not read forever. */
	cr_assert_eq(lttsync_report_load(&r, "/dev/zero"), LTTSYNC_ERROR_FORMAT);
	cr_assert_eq(r, (lttsync_report *)1);
	cr_assert(strstr(lttsync_report_get_last_error(), "larger than 512 MiB"),
		  "%s", lttsync_report_get_last_error());
	cr_assert_eq(lttsync_report_load(NULL, "x"), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_report_load(&r, NULL), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_str_not_empty(lttsync_report_get_last_error());
}

Test(report, getters_on_null)
{
	lttsync_transform *tf;
	lttsync_quality q;

	cr_assert_eq(lttsync_report_get_host_count(NULL), 0);
	cr_assert_null(lttsync_report_get_host_name(NULL, 0));
	cr_assert_null(lttsync_report_get_reference(NULL));
	cr_assert_null(lttsync_report_get_host_parent(NULL, "a"));
	cr_assert_eq(lttsync_report_get_host_transform(&tf, NULL, "a"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_report_get_host_quality(&q, NULL, "a"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_report_get_host_transform(NULL, NULL, "a"),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	lttsync_report_destroy(NULL);
}

Test(report, unsynchronized_host_and_unknown_members_accepted)
{
	const char *text = "{\"future\": {\"a\": [1, 2.5e3, true, false, null]}, "
			   "\"reference\": \"a\", \"hosts\": [" HOST("a", LINE) ", "
			   "{\"host\": \"b\", \"quality\": \"disconnected\", \"slope\": null, "
			   "\"pivot_ns\": null, \"pivot_ref_ns\": null, \"segments\": [], "
			   "\"parent\": null, \"hops\": null}]}";
	char *path = write_text(text, strlen(text));
	lttsync_report *r;
	lttsync_transform *tf;
	int64_t out;

	cr_assert_eq(lttsync_report_load(&r, path), LTTSYNC_OK, "%s",
		     lttsync_report_get_last_error());
	cr_assert_eq(lttsync_report_get_host_count(r), 2);
	cr_assert_eq(lttsync_report_get_host_transform(&tf, r, "b"),
		     LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(lttsync_report_get_host_transform(&tf, r, "a"), LTTSYNC_OK);
	cr_assert_eq(lttsync_transform_apply(&out, tf, 12), LTTSYNC_OK);
	cr_assert_eq(out, 23); /* 20 + 1.5 * (12 - 10) */
	lttsync_transform_destroy(tf);
	lttsync_report_destroy(r);
	unlink(path);
	free(path);
}
