/* SPDX-License-Identifier: MIT */
/*
 * Traces decoded in lttsync-decoder worker processes or in this process
 * (lttsync_session_set_read_jobs(), lttsync_session_set_reader(),
 * lttsync_session_read_trace_paths()): traces our reader supports are
 * read in this process, a call with one for libbabeltrace2 in workers;
 * babeltrace2 crashing or running out of memory fails only its trace,
 * results do not depend on how traces are decoded, interleaving lets a
 * small pending table synchronize long traces, no descriptor or child
 * process is left behind, and a missing or misbehaving decoder is told.
 *
 * Needs LTTSYNC_DECODER (set by `make check`), top_srcdir (the fuzz
 * regression inputs and examples) and LTTSYNC_GEN (generated traces);
 * tests skip without them.
 */
#define _GNU_SOURCE /* nftw() */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "../common/testfiles.h"

/* ---- files ------------------------------------------------------------- */

/*
 * A fuzz/regressions/trace-babeltrace input as a trace folder under dir:
 * byte 0 flags, bytes 1-2 the metadata length (little endian), the
 * metadata, then the one stream file (fuzz/fuzz_trace.c).
 */
static char *unpack_fuzz_input(const char *dir, const char *name)
{
	char *src = g_build_filename(test_need_env("top_srcdir"), "fuzz", "regressions",
				     "trace-babeltrace", name, NULL);
	char *out = g_build_filename(dir, name, NULL);
	char *meta = g_build_filename(out, "metadata", NULL);
	char *stream = g_build_filename(out, "channel0_0", NULL);
	gchar *data;
	gsize len, mlen;

	cr_assert(g_file_get_contents(src, &data, &len, NULL), "%s unreadable", src);
	mlen = (gsize)(unsigned char)data[1] | (gsize)(unsigned char)data[2] << 8;
	cr_assert(len >= 3 + mlen);
	cr_assert_eq(g_mkdir_with_parents(out, 0755), 0);
	cr_assert(g_file_set_contents(meta, data + 3, (gssize)mlen, NULL));
	cr_assert(g_file_set_contents(stream, data + 3 + mlen, (gssize)(len - 3 - mlen), NULL));
	g_free(data);
	g_free(src);
	g_free(meta);
	g_free(stream);
	return out;
}

static const char *const three_hosts[] = { "-n", "3", "-t", "mesh", "-d", "2",
					   "-l", "modules-2.10.5,addons-a,modules-2.13",
					   NULL };

/* ---- sessions ----------------------------------------------------------- */

static uint64_t counter(lttsync_session *s, lttsync_counter c)
{
	uint64_t v = 0;

	cr_assert_eq(lttsync_session_get_counter(&v, s, c), LTTSYNC_OK);
	return v;
}

static lttsync_quality host_quality(lttsync_session *s, const char *name)
{
	lttsync_host_id h;
	lttsync_quality q;

	cr_assert_eq(lttsync_session_find_host(&h, s, name), LTTSYNC_OK, "no host %s", name);
	cr_assert_eq(lttsync_session_get_host_quality(&q, s, h), LTTSYNC_OK);
	return q;
}

static bool synchronized(lttsync_quality q)
{
	return q == LTTSYNC_QUALITY_REFERENCE || q == LTTSYNC_QUALITY_ACCURATE;
}

/* Every host's quality and transform (slope, offset), one line each. */
static GString *results_text(lttsync_session *s)
{
	GString *out = g_string_new(NULL);
	char slope[64], offset[64];

	for (lttsync_host_id h = 0; h < lttsync_session_get_host_count(s); h++) {
		lttsync_transform *tf = NULL;
		lttsync_quality q;

		lttsync_session_get_host_quality(&q, s, h);
		g_string_append_printf(out, "%s %s", lttsync_session_get_host_name(s, h),
				       lttsync_quality_string(q));
		if (lttsync_session_get_host_transform(&tf, s, h) == LTTSYNC_OK) {
			lttsync_transform_format(slope, sizeof(slope), tf, LTTSYNC_FIELD_SLOPE);
			lttsync_transform_format(offset, sizeof(offset), tf, LTTSYNC_FIELD_OFFSET);
			g_string_append_printf(out, " %s %s", slope, offset);
			lttsync_transform_destroy(tf);
		}
		g_string_append_c(out, '\n');
	}
	return out;
}

/* ---- process hygiene ----------------------------------------------------- */

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- babeltrace2 failures -------------------------------------------------- */

Test(isolation, babeltrace_abort_fails_only_its_trace)
{
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *bad = unpack_fuzz_input(dir, "ctf-meta-translate-variant-assert");
	char *good = g_build_filename(dir, "good", NULL);
	const char *paths[] = { bad, good };
	const char *hosts[] = { "badhost", NULL };
	lttsync_session *s = test_reading_session(4);
	int fds = open_fds();
	const char *msg;
	size_t n = 0;

	test_generate(good, three_hosts);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, hosts, 2, NULL, NULL),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n, 4);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	msg = lttsync_session_get_trace_message(s, 0);
	cr_assert(strstr(msg, bad) && strstr(msg, "babeltrace2 crashed") &&
		  strstr(msg, "signal 6"), "message: %s", msg);
	for (lttsync_trace_id t = 1; t < 4; t++)
		cr_assert_eq(lttsync_session_get_trace_status(s, t), LTTSYNC_OK, "%s",
			     lttsync_session_get_trace_message(s, t));
	cr_assert(synchronized(host_quality(s, "host0")));
	cr_assert(synchronized(host_quality(s, "host1")));
	cr_assert(synchronized(host_quality(s, "host2")));
	cr_assert_eq(open_fds(), fds, "descriptors leaked");
	test_assert_no_child();
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	g_free(bad);
	g_free(good);
	g_free(dir);
}

Test(isolation, babeltrace_out_of_memory_fails_only_its_trace, .timeout = 120)
{
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *bad = unpack_fuzz_input(dir, "ctf-metadata-out-of-memory");
	const char *paths[] = { bad, NULL };
	const char *hosts[] = { "badhost", NULL };
	lttsync_session *s = test_reading_session(2);
	const char *msg;
	size_t n = 0;

	paths[1] = g_build_filename(test_need_env("top_srcdir"), "examples", "traces", NULL);
	/* The decoder's address space follows the session's limit (at least 256 MiB). */
	cr_assert_eq(lttsync_session_set_memory_limit(s, 64 << 20), LTTSYNC_OK);
	/* Our reader rejects this trace cleanly: only libbabeltrace2 exhausts memory. */
	cr_assert_eq(lttsync_session_set_reader(s, LTTSYNC_READER_BABELTRACE2), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, hosts, 2, NULL, NULL),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n, 4);
	cr_assert_eq(lttsync_session_get_trace_status(s, 0), LTTSYNC_ERROR_FORMAT);
	msg = lttsync_session_get_trace_message(s, 0);
	cr_assert(strstr(msg, bad) && strstr(msg, "ran out of memory"), "message: %s", msg);
	cr_assert(synchronized(host_quality(s, "host1")));
	cr_assert(synchronized(host_quality(s, "host2")));
	test_assert_no_child();
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	g_free(bad);
	g_free((char *)paths[1]);
	g_free(dir);
}

/* ---- same results, however decoded --------------------------------------- */

/* Remove host `name`'s line from results_text()'s text. */
static void drop_host(GString *text, const char *name)
{
	gchar **lines = g_strsplit(text->str, "\n", -1);
	size_t len = strlen(name);

	g_string_truncate(text, 0);
	for (gchar **l = lines; *l && **l; l++)
		if (strncmp(*l, name, len) || (*l)[len] != ' ')
			g_string_append_printf(text, "%s\n", *l);
	g_strfreev(lines);
}

/*
 * Results and counters of reading `paths` with `jobs` (workers: with
 * libbabeltrace2, else the default reader) and a pending table of `cap`
 * keys (0: the default), one text.
 */
static GString *read_results(const char *const *paths, size_t n_paths, unsigned jobs,
			     bool workers, size_t cap)
{
	lttsync_session *s = workers ? test_worker_session(jobs) : test_reading_session(jobs);
	GString *got;
	size_t n;

	if (cap)
		cr_assert_eq(lttsync_session_set_max_pending(s, cap), LTTSYNC_OK);
	(void)lttsync_session_read_trace_paths(&n, s, paths, NULL, n_paths, NULL, NULL);
	got = results_text(s);
	drop_host(got, "declined"); /* test_declined_trace()'s: no packet */
	g_string_append_printf(got, "matched %lu evicted %lu\n",
			       (unsigned long)counter(s, LTTSYNC_COUNTER_MATCHED),
			       (unsigned long)counter(s, LTTSYNC_COUNTER_EVICTED));
	lttsync_session_destroy(s);
	return got;
}

static void assert_same(GString *ref, GString *got, const char *what)
{
	cr_assert_str_eq(got->str, ref->str, "%s differs:\n%s\nagainst\n%s", what,
			 got->str, ref->str);
	g_string_free(got, TRUE);
}

/*
 * However the traces are decoded, in this process with one thread or
 * more, or in workers, with either reader, the results are the same.
 * With a pending table that overflows, they depend on the order of the
 * feed: in-process and worker reads feed in the same order when every
 * trace has its worker, so they are still the same for one reader (a
 * trace our reader declines makes the call go to workers).
 */
Test(isolation, same_results_in_process_and_in_workers, .timeout = 120)
{
	static const char *const opts[] = { "-n", "4", "-t", "mesh", "-d", "3", "-s", "7",
					    "-l", "modules-2.9,addons-b,experimental,modules-2.6",
					    NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *gen = test_subdir(dir, "gen"), *declined = test_declined_trace(dir, "declined");
	const char *paths[] = { gen, declined };
	GString *ref;
	unsigned long evicted = 0;

	test_generate(gen, opts);
	ref = read_results(paths, 2, 0, false, 0);
	for (unsigned jobs = 1; jobs <= 4; jobs++) {
		assert_same(ref, read_results(paths, 1, jobs, false, 0), "in process");
		assert_same(ref, read_results(paths, 2, jobs, false, 0), "workers");
		assert_same(ref, read_results(paths, 2, jobs, true, 0), "workers, libbabeltrace2");
	}
	cr_assert(strstr(ref->str, "accurate"), "%s", ref->str);
	g_string_free(ref, TRUE);
	/* A table of 64 keys: packets are evicted. */
	ref = read_results(paths, 2, 0, false, 64);
	cr_assert(sscanf(strstr(ref->str, "evicted"), "evicted %lu", &evicted) == 1 &&
		  evicted > 1000, "%s", ref->str);
	/* Workers merge when every trace of the call (5) has its own. */
	assert_same(ref, read_results(paths, 2, 5, false, 64), "workers, 64 keys");
	assert_same(ref, read_results(paths, 2, 8, false, 64), "workers (8), 64 keys");
	g_string_free(ref, TRUE);
	ref = read_results(paths, 1, 0, false, 64);
	assert_same(ref, read_results(paths, 1, 2, false, 64), "in process, 2 threads, 64 keys");
	g_string_free(ref, TRUE);
	ref = read_results(paths, 2, 0, true, 64);
	assert_same(ref, read_results(paths, 2, 5, true, 64), "libbabeltrace2, workers, 64 keys");
	g_string_free(ref, TRUE);
	test_rm_rf(dir);
	g_free(gen);
	g_free(declined);
	g_free(dir);
}

/*
 * More traces than the calling thread reads at once (16): the 17th and
 * later start as others end. Same results as 20 workers side by side.
 */
Test(isolation, in_process_more_traces_than_open_at_once, .timeout = 120)
{
	static const char *const opts[] = { "-n", "20", "-t", "star", "-d", "2",
					    "-r", "100", NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	GString *text[2];

	test_generate(dir, opts);
	for (int k = 0; k < 2; k++) {
		lttsync_session *s = k ? test_worker_session(20) : test_reading_session(0);
		size_t n = 0;

		cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL),
			     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
		cr_assert_eq(n, 20);
		for (lttsync_trace_id t = 0; t < 20; t++)
			cr_assert_eq(lttsync_session_get_trace_status(s, t), LTTSYNC_OK);
		cr_assert(synchronized(host_quality(s, "host19")));
		text[k] = results_text(s);
		lttsync_session_destroy(s);
	}
	cr_assert_str_eq(text[0]->str, text[1]->str);
	g_string_free(text[0], TRUE);
	g_string_free(text[1], TRUE);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- interleaving and the pending table ---------------------------------- */

/*
 * Three hosts, about 20,000 TCP packets each, clocks within 1 ms, a
 * pending table of 1,000 keys. Read one after another (one worker for
 * three traces), the first trace's keys are evicted before the others are
 * read; side by side, in workers or in this process, a key waits only for
 * the latency and clock offset, and nearly every message found with an
 * ample table is found.
 */
static uint64_t matched_with(const char *dir, unsigned jobs, bool workers, size_t cap,
			     bool want_synchronized)
{
	lttsync_session *s = workers ? test_worker_session(jobs) : test_reading_session(jobs);
	uint64_t matched;
	size_t n;

	if (cap)
		cr_assert_eq(lttsync_session_set_max_pending(s, cap), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL),
		     LTTSYNC_OK);
	cr_assert_gt(counter(s, LTTSYNC_COUNTER_PACKETS), 40000, "too few packets");
	matched = counter(s, LTTSYNC_COUNTER_MATCHED);
	if (want_synchronized) {
		cr_assert(synchronized(host_quality(s, "host0")));
		cr_assert(synchronized(host_quality(s, "host1")));
		cr_assert(synchronized(host_quality(s, "host2")));
	}
	lttsync_session_destroy(s);
	return matched;
}

Test(isolation, small_pending_cap_when_interleaved, .timeout = 120)
{
	static const char *const opts[] = { "-n", "3", "-t", "mesh", "-d", "20",
					    "-r", "200", "--max-offset-ns", "1000000",
					    NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	uint64_t ample, interleaved, in_process, threads, sequential, fallback;
	char *decoder = g_strdup(test_need_env("LTTSYNC_DECODER"));

	test_generate(dir, opts);
	ample = matched_with(dir, 3, true, 0, true);
	interleaved = matched_with(dir, 3, true, 1000, true);
	in_process = matched_with(dir, 0, false, 1000, true);
	threads = matched_with(dir, 3, false, 1000, true);
	sequential = matched_with(dir, 1, true, 1000, false);
	/* Workers asked for but no decoder: side by side in this process. */
	setenv("LTTSYNC_DECODER", "/nonexistent/lttsync-decoder", 1);
	fallback = matched_with(dir, 3, true, 1000, true);
	setenv("LTTSYNC_DECODER", decoder, 1);
	g_free(decoder);
	cr_assert_gt(fallback, ample * 99 / 100, "no decoder: %lu of %lu",
		     (unsigned long)fallback, (unsigned long)ample);
	cr_assert_gt(threads, ample * 99 / 100, "in process, 3 threads: %lu of %lu",
		     (unsigned long)threads, (unsigned long)ample);
	cr_assert_gt(interleaved, ample * 99 / 100, "interleaved %lu of %lu",
		     (unsigned long)interleaved, (unsigned long)ample);
	cr_assert_gt(in_process, ample * 99 / 100, "in process %lu of %lu",
		     (unsigned long)in_process, (unsigned long)ample);
	cr_assert_lt(sequential, ample / 2, "sequential %lu of %lu",
		     (unsigned long)sequential, (unsigned long)ample);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- a missing or misbehaving decoder ------------------------------------- */

/* The examples read with libbabeltrace2, which goes to workers. */
static void read_examples_with_decoder(const char *decoder, lttsync_status want,
				       const char *in_message)
{
	char *ex = g_build_filename(test_need_env("top_srcdir"), "examples", "traces", NULL);
	lttsync_session *s = test_worker_session(2);
	size_t n;

	setenv("LTTSYNC_DECODER", decoder, 1);
	/* When every trace fails, the call says nothing could be read. */
	cr_assert_eq(lttsync_session_read_traces(&n, s, ex, NULL, NULL, NULL),
		     want == LTTSYNC_OK ? LTTSYNC_OK : LTTSYNC_ERROR_IO);
	cr_assert_eq(n, 3);
	for (lttsync_trace_id t = 0; t < 3; t++) {
		const char *msg = lttsync_session_get_trace_message(s, t);

		cr_assert_eq(lttsync_session_get_trace_status(s, t), want, "%s", msg);
		cr_assert(strstr(msg, ex) && strstr(msg, in_message), "message: %s", msg);
	}
	test_assert_no_child();
	lttsync_session_destroy(s);
	g_free(ex);
}

Test(isolation, missing_decoder_decodes_in_process)
{
	read_examples_with_decoder("/nonexistent/lttsync-decoder", LTTSYNC_OK,
				   "decoded in the calling process: cannot start");
}

Test(isolation, decoder_without_result)
{
	read_examples_with_decoder("/bin/true", LTTSYNC_ERROR_FORMAT,
				   "exited with status 0 before its result");
}

Test(isolation, decoder_writing_garbage)
{
	/* echo writes its arguments: not a HELLO record. */
	read_examples_with_decoder("/bin/echo", LTTSYNC_ERROR_FORMAT,
				   "malformed output from lttsync-decoder");
}

/*
 * With jobs, traces our reader reads are read in this process: a decoder
 * that would fail every trace is never started.
 */
Test(isolation, supported_traces_read_in_process_by_default)
{
	static const char *const opts[] = { "-n", "3", "-d", "2", "-s", "3", NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *decoder = g_strdup(test_need_env("LTTSYNC_DECODER"));
	lttsync_session *s = test_reading_session(2);
	uint64_t reader;
	size_t n;

	test_generate(dir, opts);
	setenv("LTTSYNC_DECODER", "/bin/false", 1);
	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL), LTTSYNC_OK,
		     "%s", lttsync_session_get_last_error(s));
	setenv("LTTSYNC_DECODER", decoder, 1);
	cr_assert_eq(n, 3);
	for (lttsync_trace_id t = 0; t < 3; t++) {
		cr_assert_eq(lttsync_session_get_trace_status(s, t), LTTSYNC_OK);
		cr_assert_str_empty(lttsync_session_get_trace_message(s, t));
		cr_assert_eq(lttsync_session_get_trace_stat(&reader, s, t,
							    LTTSYNC_TRACE_STAT_READER), LTTSYNC_OK);
		cr_assert_eq(reader, LTTSYNC_READER_AUTO);
	}
	cr_assert(synchronized(host_quality(s, "host2")));
	test_assert_no_child();
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	g_free(decoder);
	g_free(dir);
}

/* Which reader read trace t (#LTTSYNC_TRACE_STAT_READER). */
static uint64_t reader_of(lttsync_session *s, lttsync_trace_id t)
{
	uint64_t reader;

	cr_assert_eq(lttsync_session_get_trace_stat(&reader, s, t,
						    LTTSYNC_TRACE_STAT_READER), LTTSYNC_OK);
	return reader;
}

/*
 * Reading `paths` with a decoder that fails at once (/bin/false) fails
 * every one of the `traces` traces found, "exited with status 1": the
 * call went to worker processes, all of it. `decoder` is restored.
 */
static void assert_read_in_workers(const char *const *paths, size_t n_paths,
				   size_t traces, const char *decoder)
{
	lttsync_session *s = test_reading_session(2);
	size_t n;

	setenv("LTTSYNC_DECODER", "/bin/false", 1);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, NULL, n_paths,
						      NULL, NULL),
		     LTTSYNC_ERROR_IO, "%s", lttsync_session_get_last_error(s));
	setenv("LTTSYNC_DECODER", decoder, 1);
	cr_assert_eq(n, traces);
	for (lttsync_trace_id t = 0; t < traces; t++)
		cr_assert(strstr(lttsync_session_get_trace_message(s, t),
				 "exited with status 1 before its result"), "%s",
			  lttsync_session_get_trace_message(s, t));
	test_assert_no_child();
	lttsync_session_destroy(s);
}

/*
 * Read with the real decoder: every trace is read, `by_bt2` by
 * libbabeltrace2 and ending with status bt2_status, the others by our
 * reader and fine; host1 is synchronized; no child is left.
 */
static void assert_read_with_bt2_for(const char *const *paths, size_t n_paths,
				     size_t traces, const char *by_bt2,
				     lttsync_status bt2_status)
{
	lttsync_session *s = test_reading_session(2);
	size_t n;

	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, NULL, n_paths, NULL, NULL),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n, traces);
	for (lttsync_trace_id t = 0; t < traces; t++) {
		bool bt2 = strcmp(lttsync_session_get_trace_name(s, t), by_bt2) == 0;

		cr_assert_eq(lttsync_session_get_trace_status(s, t),
			     bt2 ? bt2_status : LTTSYNC_OK);
		cr_assert_eq(reader_of(s, t), bt2 ? LTTSYNC_READER_BABELTRACE2
						  : LTTSYNC_READER_AUTO);
	}
	cr_assert(synchronized(host_quality(s, "host1")));
	test_assert_no_child();
	lttsync_session_destroy(s);
}

/*
 * A call with a trace that our reader declines goes to workers, all of
 * its traces: with a decoder that fails, every trace fails, those our
 * reader supports too; with the real one, they are read by our reader in
 * their workers, the declined one by libbabeltrace2.
 */
Test(isolation, a_declined_trace_sends_the_call_to_workers)
{
	static const char *const opts[] = { "-n", "2", "-d", "2", "-s", "3", NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *gen = test_subdir(dir, "gen"), *declined = test_declined_trace(dir, "declined");
	char *decoder = g_strdup(test_need_env("LTTSYNC_DECODER"));
	const char *paths[] = { gen, declined };

	test_generate(gen, opts);
	assert_read_in_workers(paths, 2, 3, decoder);
	assert_read_with_bt2_for(paths, 2, 3, declined, LTTSYNC_ERROR_NO_DATA);
	test_rm_rf(dir);
	g_free(gen);
	g_free(declined);
	g_free(decoder);
	g_free(dir);
}

/*
 * A trace whose metadata our reader accepts but whose folder it declines
 * (more than 4,096 files: empty ones, which babeltrace2 skips) sends the
 * call to workers too: the check before the call goes through the same
 * steps as our reader's opening.
 */
Test(isolation, a_trace_declined_at_its_files_sends_the_call_to_workers)
{
	static const char *const opts[] = { "-n", "2", "-d", "2", "-s", "3", NULL };
	char *dir = test_make_tmpdir("lttsync-isolation");
	char *decoder = g_strdup(test_need_env("LTTSYNC_DECODER"));
	char *host0 = g_build_filename(dir, "host0", "kernel", NULL);
	const char *paths[] = { dir };

	test_generate(dir, opts);
	for (int i = 0; i < 4100; i++) {
		char name[32];

		snprintf(name, sizeof(name), "empty%d", i);
		test_write_file(host0, name, "", 0);
	}
	assert_read_in_workers(paths, 1, 2, decoder);
	assert_read_with_bt2_for(paths, 1, 2, host0, LTTSYNC_OK);
	test_rm_rf(dir);
	g_free(host0);
	g_free(decoder);
	g_free(dir);
}

/* ---- arguments --------------------------------------------------------------- */

Test(isolation, read_trace_paths_arguments)
{
	char *ex = g_build_filename(test_need_env("top_srcdir"), "examples", "traces", NULL);
	const char *paths[] = { "/nonexistent-lttsync", ex, "/" "proc/self/fdinfo" };
	const char *empty[] = { "", NULL, NULL };
	lttsync_session *s = test_reading_session(2);
	const char *err;
	size_t n = 99;

	cr_assert_eq(lttsync_session_set_read_jobs(NULL, 1), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, NULL, NULL, 1, NULL, NULL),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, empty, 3, NULL, NULL),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lttsync_session_get_trace_count(s), 0);
	/* Two paths without traces: both named, the traces between them read. */
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, NULL, 3, NULL, NULL),
		     LTTSYNC_ERROR_IO);
	cr_assert_eq(n, 3);
	err = lttsync_session_get_last_error(s);
	cr_assert(strstr(err, "/nonexistent-lttsync: No such file") &&
		  strstr(err, "\n/proc/self/fdinfo: no CTF trace"), "error: %s", err);
	cr_assert(synchronized(host_quality(s, "host1")));
	/* Nothing new: every trace was read before. */
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths + 1, NULL, 1, NULL, NULL),
		     LTTSYNC_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(lttsync_session_read_trace_paths(&n, s, paths, NULL, 0, NULL, NULL),
		     LTTSYNC_OK);
	lttsync_session_destroy(s);
	g_free(ex);
}
