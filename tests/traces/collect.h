/* SPDX-License-Identifier: MIT */
/*
 * What a decode hands to its callbacks, collected: the hostname and every
 * packet event, in order. The tests of our reader compare these between
 * readers (test_skim.c, test_plans.c).
 */
#ifndef LTTSYNC_TESTS_COLLECT_H
#define LTTSYNC_TESTS_COLLECT_H

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

#endif
