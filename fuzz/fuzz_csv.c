/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the `--messages` CSV parser (cli/messages_csv.c),
 * fed through fmemopen() into a real session. After a successful parse the
 * engine is queried (pairs, hosts, transforms, bounds) so that arbitrary
 * message sets reach the hull and graph code.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "messages_csv.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)

/* FUZZ_LENIENT=1 skips the checks of known, reported bugs (fuzz/README.md). */
static int lenient(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_LENIENT") != NULL;
	return on;
}

/* A declared status: OK or an error lttsync_status_string() knows. */
static int valid_status(lttsync_status st)
{
	return st == LTTSYNC_OK ||
	       (st < 0 && strcmp(lttsync_status_string(st), "unknown status") != 0);
}

static void query(lttsync_session *s)
{
	size_t hosts = lttsync_session_get_host_count(s);
	size_t pairs = lttsync_session_get_pair_count(s);
	lttsync_host_id ref;
	lttsync_status st;

	for (size_t i = 0; i < pairs && i < 64; i++) {
		lttsync_host_id a, b;
		lttsync_quality q;
		double lo, hi, v;
		uint64_t n;
		int64_t blo, bhi;
		lttsync_transform *tf;

		CHECK(lttsync_session_get_pair(&a, &b, s, i) == LTTSYNC_OK);
		CHECK(a < b && b < hosts);
		CHECK(lttsync_session_get_pair_quality(&q, s, a, b) == LTTSYNC_OK);
		CHECK(q <= LTTSYNC_QUALITY_FAIL);
		st = lttsync_session_get_pair_slope_bounds(&lo, &hi, s, a, b);
		CHECK(valid_status(st));
		st = lttsync_session_get_pair_violation(&v, &n, s, b, a);
		CHECK(valid_status(st));
		st = lttsync_session_get_pair_estimate(&tf, s, a, b);
		CHECK(valid_status(st));
		if (st == LTTSYNC_OK) {
			int64_t pivot = lttsync_transform_get_pivot(tf);
			int64_t y;
			char buf[LTTSYNC_FORMAT_SIZE];

			st = lttsync_session_get_pair_bounds_at(&blo, &bhi, s, a, b, pivot);
			CHECK(valid_status(st));
			if (st == LTTSYNC_OK)
				CHECK(blo <= bhi);
			CHECK(valid_status(lttsync_transform_apply(&y, tf, pivot)));
			for (int f = 0; f <= LTTSYNC_FIELD_PIVOT_REF; f++)
				CHECK(valid_status(lttsync_transform_format(
					buf, sizeof(buf), tf, (lttsync_transform_field)f)));
			lttsync_transform_destroy(tf);
		}
	}
	st = lttsync_session_get_reference(&ref, s);
	CHECK(valid_status(st));
	for (size_t h = 0; h < hosts && h < 64; h++) {
		lttsync_quality q;
		lttsync_transform *tf;
		lttsync_host_id parent;
		int64_t lo, hi;

		CHECK(lttsync_session_get_host_quality(&q, s, (lttsync_host_id)h) == LTTSYNC_OK);
		CHECK(q <= LTTSYNC_QUALITY_DISCONNECTED);
		st = lttsync_session_get_host_parent(&parent, s, (lttsync_host_id)h);
		CHECK(valid_status(st));
		st = lttsync_session_get_host_transform(&tf, s, (lttsync_host_id)h);
		CHECK(valid_status(st));
		if (st == LTTSYNC_OK) {
			int64_t pivot = lttsync_transform_get_pivot(tf);
			int64_t y;
			char buf[LTTSYNC_FORMAT_SIZE];

			CHECK(valid_status(lttsync_transform_apply(&y, tf, pivot)));
			/* Known bug 3: skipped with FUZZ_LENIENT=1. */
			for (int f = 0; f <= LTTSYNC_FIELD_PIVOT_REF; f++)
				CHECK(lttsync_transform_format(buf, sizeof(buf), tf,
					(lttsync_transform_field)f) == LTTSYNC_OK);
			st = lttsync_session_get_host_bounds_at(&lo, &hi, s,
					(lttsync_host_id)h, pivot);
			CHECK(valid_status(st));
			if (st == LTTSYNC_OK)
				CHECK(lo <= hi);
			lttsync_transform_destroy(tf);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lttsync_session *s;
	char err[256];
	FILE *in;
	int rc;

	if (size > 64 * 1024)
		return 0;
	if (lttsync_session_create(&s) != LTTSYNC_OK)
		abort();
	/* fmemopen with size 0 fails on some libcs: feed an empty stream then. */
	in = fmemopen(size ? (void *)data : (void *)"", size ? size : 1, "r");
	if (!in)
		abort();
	if (!size)
		(void)fgetc(in); /* consume the placeholder byte */
	err[0] = '\0';
	rc = cli_read_messages(s, in, "fuzz.csv", err, sizeof(err));
	fclose(in);
	if (rc) {
		/* Error message must name the file and the line. */
		CHECK(strncmp(err, "fuzz.csv:", 9) == 0);
	} else {
		query(s);
	}
	lttsync_session_destroy(s);
	return 0;
}
