/* SPDX-License-Identifier: MIT */
/*
 * What the tests of our reader share (test_skim.c, test_plans.c): the
 * hostname and packet events a decode hands out, collected so that two
 * readers can be compared; counted checks; generated traces.
 */
#ifndef LTTSYNC_TESTS_READER_TESTLIB_H
#define LTTSYNC_TESTS_READER_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

#include <lttsync/lttsync.h>

typedef struct collected {
	char host[256];
	bool has_host;
	lttsync_packet *p;
	size_t n, cap;
} collected;

/* The decode callbacks; `user` is a collected. */
int collect_begin(void *user, const char *hostname);
int collect_packet(void *user, const lttsync_packet *p);

/* Byte order of two packets, for qsort() before comparing sets. */
int collect_cmp_packet(const void *a, const void *b);

/* Checks, counted for the closing "N passed, N failed" line; a failure
 * prints what and where. */
extern int reader_passed, reader_failed;
void reader_check(bool ok, const char *what, const char *path);

/* lttsync-gen `gen` with `opts` (NULL-terminated) into dir; false, and a
 * failed check, if it fails. */
bool reader_generate(const char *gen, const char *dir, const char *const *opts);

#endif
