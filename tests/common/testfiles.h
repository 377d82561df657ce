/* SPDX-License-Identifier: MIT */
/* Files and folders for the Criterion tests that write traces. */
#ifndef LTTSYNC_TESTS_TESTFILES_H
#define LTTSYNC_TESTS_TESTFILES_H

#include <stddef.h>

#include <lttsync/lttsync.h>

/* A new folder under $TMPDIR named after `prefix` (to g_free); the
 * calling test fails if it cannot be made. */
char *test_make_tmpdir(const char *prefix);

/* Remove a folder and everything below it, links not followed, making
 * read-only or unreadable entries removable first. */
void test_rm_rf(const char *path);

/* Write `len` bytes to dir/name; the calling test fails on error. */
void test_write_file(const char *dir, const char *name, const void *data, size_t len);

/* Make dir/rel and its parents (to g_free); the calling test fails on error. */
char *test_subdir(const char *dir, const char *rel);

/* The environment variable (set by make check), or the calling test is
 * skipped. */
const char *test_need_env(const char *name);

/* lttsync-gen ($LTTSYNC_GEN) into dir with the given options
 * (NULL-terminated); the calling test fails if it does. */
void test_generate(const char *dir, const char *const *opts);

/* A session that reads traces with `jobs` as its degree of parallelism
 * (lttsync_session_set_read_jobs()), through the build's decoder when it
 * uses workers (LTTSYNC_DECODER; the calling test is skipped without it). */
lttsync_session *test_reading_session(unsigned jobs);

/* The same, reading with libbabeltrace2: with jobs > 0, in `jobs` worker
 * processes at most, whatever the traces. */
lttsync_session *test_worker_session(unsigned jobs);

/* A trace folder dir/name whose metadata (valid CTF 1.8, a `callsite`
 * block, no stream file) our reader declines and libbabeltrace2 reads:
 * a call with it reads in worker processes. Its host is "declined". To
 * g_free. */
char *test_declined_trace(const char *dir, const char *name);

/* The calling test fails if this process has a child left, reaped or
 * not (Criterion's test process starts none). */
void test_assert_no_child(void);

#endif
