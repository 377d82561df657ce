/* SPDX-License-Identifier: MIT */
/*
 * lttsync_session_cancel(): from the progress callback and from another
 * thread, decoding in this process (jobs 0; jobs 3, with threads) and in
 * worker processes (jobs 3 with libbabeltrace2). The read stops early with LTTSYNC_ERROR_CANCELLED, the
 * unfinished traces say they were cancelled, what was fed stays, the
 * session stays usable (a later read works), and a cancel outside a read
 * does not stop the next one.
 *
 * Needs LTTSYNC_GEN and LTTSYNC_DECODER (set by `make check`); skips
 * without them.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "../common/testfiles.h"

/* Four hosts, 10 s at 1000 segments a second a flow: about 50 MB of
 * trace, dozens of progress calls. */
static const char *const big[] = { "-n", "4", "-t", "mesh", "-d", "10", "-r", "1000",
				   NULL };
static const char *const small[] = { "-n", "2", "-d", "2", "-s", "7", NULL };

typedef struct cancel_ctx {
	lttsync_session *s;
	atomic_int calls;           /* progress calls */
	atomic_bool started;        /* the first progress call happened */
	atomic_bool cancelled;      /* the other thread called cancel */
	bool from_callback;         /* cancel in the first progress call */
} cancel_ctx;

static char *generated(const char *const *opts)
{
	char *dir = test_make_tmpdir("lttsync-cancel");

	test_generate(dir, opts);
	return dir;
}

static uint64_t events_read(lttsync_session *s, size_t first, size_t n)
{
	uint64_t sum = 0, v;

	for (size_t t = first; t < first + n; t++) {
		cr_assert_eq(lttsync_session_get_trace_stat(&v, s, (lttsync_trace_id)t,
							    LTTSYNC_TRACE_STAT_EVENTS), 0);
		sum += v;
	}
	return sum;
}

/* Events in the traces under dir, read to the end. */
static uint64_t full_count(const char *dir)
{
	lttsync_session *s = test_reading_session(0);
	size_t n;
	uint64_t e;

	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL), LTTSYNC_OK);
	e = events_read(s, 0, n);
	lttsync_session_destroy(s);
	return e;
}

static void on_progress(void *user, const char *path, uint64_t events)
{
	cancel_ctx *c = user;

	(void)path;
	(void)events;
	atomic_fetch_add(&c->calls, 1);
	if (c->from_callback) {
		lttsync_session_cancel(c->s);
		return;
	}
	if (atomic_exchange(&c->started, true))
		return;
	/* Hold the read until the other thread has cancelled: the cancel
	 * then surely comes while the read is in progress. */
	for (int i = 0; i < 5000 && !atomic_load(&c->cancelled); i++)
		usleep(1000);
}

static void *canceller(void *arg)
{
	cancel_ctx *c = arg;

	for (int i = 0; i < 20000 && !atomic_load(&c->started); i++)
		usleep(500);
	lttsync_session_cancel(c->s);
	atomic_store(&c->cancelled, true);
	return NULL;
}

/*
 * Cancel a read of the big traces; check the status, the traces' states,
 * that it stopped early, and that the session goes on.
 */
static void cancel_read(unsigned jobs, bool workers, bool from_callback)
{
	char *dir = generated(big), *other = generated(small);
	uint64_t full = full_count(dir), got;
	cancel_ctx c = { .from_callback = from_callback };
	lttsync_session *s = workers ? test_worker_session(jobs) : test_reading_session(jobs);
	size_t n = 0, n_cancelled = 0, n2;
	pthread_t th;
	lttsync_host_id ref;
	char *p0 = g_build_filename(other, "host0", NULL), *p1 = g_build_filename(other, "host1", NULL);
	const char *paths[] = { p0, p1 }, *names[] = { "other0", "other1" };

	c.s = s;
	if (!from_callback)
		cr_assert_eq(pthread_create(&th, NULL, canceller, &c), 0);
	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, on_progress, &c),
		     LTTSYNC_ERROR_CANCELLED, "%s", lttsync_session_get_last_error(s));
	if (!from_callback)
		cr_assert_eq(pthread_join(th, NULL), 0);
	cr_assert(strstr(lttsync_session_get_last_error(s), "cancelled"), "%s",
		  lttsync_session_get_last_error(s));
	/* Every trace found is declared; the unfinished ones say why. */
	cr_assert_eq(n, 4);
	for (lttsync_trace_id t = 0; t < 4; t++) {
		lttsync_status st = lttsync_session_get_trace_status(s, t);
		const char *msg = lttsync_session_get_trace_message(s, t);

		if (st == LTTSYNC_ERROR_CANCELLED) {
			n_cancelled++;
			cr_assert(strstr(msg, "cancelled") &&
				  strstr(msg, lttsync_session_get_trace_name(s, t)),
				  "%s", msg);
		} else {
			cr_assert_eq(st, LTTSYNC_OK, "%s", msg);
		}
	}
	cr_assert_gt(n_cancelled, 0);
	got = events_read(s, 0, n);
	cr_assert_lt(got, full / 2, "read %lu events of %lu before stopping",
		     (unsigned long)got, (unsigned long)full);
	cr_log_info("jobs %u%s, cancel from %s: %lu of %lu events read, %zu traces cancelled",
		    jobs, workers ? " (workers)" : "", from_callback ? "the progress callback" : "another thread",
		    (unsigned long)got, (unsigned long)full, n_cancelled);
	if (jobs)
		test_assert_no_child();
	/* Still usable: results of what was fed, and a later read. */
	(void)lttsync_session_get_reference(&ref, s);
	/* other machines: other host names (the first traces' hosts have
	 * their own clocks) */
	cr_assert_eq(lttsync_session_read_trace_paths(&n2, s, paths, names, 2,
						      on_progress, &c),
		     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n2, 2);
	cr_assert_eq(lttsync_session_get_trace_status(s, 4), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_trace_status(s, 5), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_get_reference(&ref, s), LTTSYNC_OK);
	/* The cancelled folders count as read: not read again. */
	cr_assert_eq(lttsync_session_read_traces(&n2, s, dir, NULL, NULL, NULL), LTTSYNC_OK);
	cr_assert_eq(n2, 0);
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	test_rm_rf(other);
	g_free(dir);
	g_free(other);
	g_free(p0);
	g_free(p1);
}

Test(cancel, from_progress_in_process)
{
	cancel_read(0, false, true);
}

Test(cancel, from_progress_in_process_threads)
{
	cancel_read(3, false, true);
}

Test(cancel, from_progress_in_workers)
{
	cancel_read(3, true, true);
}

Test(cancel, from_another_thread_in_process)
{
	cancel_read(0, false, false);
}

Test(cancel, from_another_thread_in_process_threads)
{
	cancel_read(3, false, false);
}

Test(cancel, from_another_thread_in_workers)
{
	cancel_read(3, true, false);
}

/* A cancel with no read in progress is forgotten when the next starts. */
Test(cancel, cleared_when_a_read_starts)
{
	char *dir = generated(small);
	lttsync_session *s = test_reading_session(0);
	size_t n;

	lttsync_session_cancel(s);
	lttsync_session_cancel(NULL); /* no-op */
	cr_assert_eq(lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL), LTTSYNC_OK,
		     "%s", lttsync_session_get_last_error(s));
	cr_assert_eq(n, 2);
	lttsync_session_destroy(s);
	test_rm_rf(dir);
	g_free(dir);
}
