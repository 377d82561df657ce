/* SPDX-License-Identifier: MIT */
/*
 * Misuse of the public API: each refused call leaves its own message in
 * lttsync_session_get_last_error(), never an earlier call's; the progress
 * callback cannot read traces into the session being read.
 */
#include <criterion/criterion.h>

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "../common/testfiles.h"

/* A session whose last error is some earlier call's. */
static lttsync_session *session_with_stale_error(void)
{
	lttsync_session *s;

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_max_pending(s, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert(strstr(lttsync_session_get_last_error(s), "max_pending"));
	return s;
}

static void expect_own_error(const lttsync_session *s, const char *what)
{
	const char *e = lttsync_session_get_last_error(s);

	cr_expect(strstr(e, what) != NULL, "last error `%s`, expected `%s`", e, what);
	cr_expect(strstr(e, "max_pending") == NULL, "stale message `%s`", e);
}

Test(api_errors, trace_getters_with_a_bad_id_say_so)
{
	lttsync_session *s = session_with_stale_error();
	lttsync_host_id h;
	uint64_t v;

	cr_expect_eq(lttsync_session_get_trace_host(&h, s, 7), LTTSYNC_ERROR_NOT_FOUND);
	expect_own_error(s, "get_trace_host: no trace 7");
	lttsync_session_set_max_pending(s, 0);
	cr_expect_eq(lttsync_session_get_trace_status(s, 7), LTTSYNC_ERROR_NOT_FOUND);
	expect_own_error(s, "get_trace_status: no trace 7");
	lttsync_session_set_max_pending(s, 0);
	cr_expect_eq(lttsync_session_get_trace_stat(&v, s, 7, LTTSYNC_TRACE_STAT_EVENTS),
		     LTTSYNC_ERROR_NOT_FOUND);
	expect_own_error(s, "get_trace_stat: no trace 7");
	lttsync_session_set_max_pending(s, 0);
	cr_expect_eq(lttsync_session_get_trace_stat(NULL, s, 0, LTTSYNC_TRACE_STAT_EVENTS),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	expect_own_error(s, "get_trace_stat: NULL");
	lttsync_session_set_max_pending(s, 0);
	cr_expect_eq(lttsync_session_get_trace_host(NULL, s, 0), LTTSYNC_ERROR_INVALID_ARGUMENT);
	expect_own_error(s, "get_trace_host: NULL");
	lttsync_session_destroy(s);
}

struct reentry {
	lttsync_session *s;
	const char *path;
	int calls;
	lttsync_status inner;
	char message[256];
};

static void read_again(void *user, const char *trace, uint64_t events)
{
	struct reentry *r = user;
	size_t n;

	(void)trace, (void)events;
	if (r->calls++)
		return;
	r->inner = lttsync_session_read_traces(&n, r->s, r->path, NULL, NULL, NULL);
	strncpy(r->message, lttsync_session_get_last_error(r->s), sizeof(r->message) - 1);
}

static void reentry_is_refused(unsigned jobs, lttsync_reader reader)
{
	char *dir = test_make_tmpdir("reentry");
	const char *opts[] = { "-n", "2", "-d", "12", "-r", "1000", NULL };
	struct reentry r = { 0 };
	size_t n;

	test_generate(dir, opts);
	cr_assert_eq(lttsync_session_create(&r.s), LTTSYNC_OK);
	lttsync_session_set_read_jobs(r.s, jobs);
	lttsync_session_set_reader(r.s, reader);
	r.path = dir;
	r.inner = LTTSYNC_OK;
	cr_assert_eq(lttsync_session_read_traces(&n, r.s, dir, NULL, read_again, &r),
		     LTTSYNC_OK);
	cr_assert_gt(r.calls, 0, "no progress call (the traces are too short)");
	cr_expect_eq(r.inner, LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_expect(strstr(r.message, "progress callback"), "`%s`", r.message);
	cr_expect_eq(n, 2);
	for (lttsync_trace_id t = 0; t < 2; t++)
		cr_expect_eq(lttsync_session_get_trace_status(r.s, t), LTTSYNC_OK);
	lttsync_session_destroy(r.s);
	test_rm_rf(dir);
	g_free(dir);
}

Test(api_errors, read_traces_from_its_progress_callback_is_refused_in_process)
{
	reentry_is_refused(0, LTTSYNC_READER_AUTO);
}

Test(api_errors, read_traces_from_its_progress_callback_is_refused_in_process_threads)
{
	reentry_is_refused(2, LTTSYNC_READER_AUTO);
}

Test(api_errors, read_traces_from_its_progress_callback_is_refused_with_workers)
{
	/* libbabeltrace2: in workers */
	reentry_is_refused(2, LTTSYNC_READER_BABELTRACE2);
}
