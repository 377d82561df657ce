/* SPDX-License-Identifier: MIT */
/* Temporary folders for the Criterion tests that write traces. */
#ifndef LTTSYNC_TESTS_TESTFILES_H
#define LTTSYNC_TESTS_TESTFILES_H

/* A new folder under $TMPDIR named after `prefix` (to g_free); the
 * calling test fails if it cannot be made. */
char *test_make_tmpdir(const char *prefix);

/* Remove a folder and everything below it, links not followed, making
 * read-only or unreadable entries removable first. */
void test_rm_rf(const char *path);

#endif
