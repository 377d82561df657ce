/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the input bytes as a JSON report file, loaded with
 * lttsync_report_load(). A refused file must come with a message and no
 * report; a loaded one must answer every getter for each of its hosts
 * (found by its own name, never NOT_FOUND), its transforms applying
 * without crash, and be destroyed without leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)

static void check_host(const lttsync_report *r, size_t i)
{
	const char *name = lttsync_report_get_host_name(r, i);
	const char *parent;
	lttsync_transform *tf = NULL;
	lttsync_quality q;
	lttsync_status st;
	int64_t out;

	CHECK(name != NULL);
	st = lttsync_report_get_host_quality(&q, r, name);
	CHECK(st == LTTSYNC_OK || st == LTTSYNC_ERROR_NOT_AVAILABLE);
	CHECK(st || strcmp(lttsync_quality_string(q), "unknown"));
	parent = lttsync_report_get_host_parent(r, name);
	CHECK(!parent || lttsync_report_get_host_quality(&q, r, parent) != LTTSYNC_ERROR_NOT_FOUND);
	st = lttsync_report_get_host_transform(&tf, r, name);
	CHECK(st == LTTSYNC_OK || st == LTTSYNC_ERROR_NOT_AVAILABLE ||
	      st == LTTSYNC_ERROR_NO_MEMORY);
	CHECK((st == LTTSYNC_OK) == (tf != NULL));
	if (tf) {
		const int64_t at[] = { INT64_MIN, -1, 0, 1, INT64_MAX,
				       lttsync_transform_get_pivot(tf) };

		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++)
			(void)lttsync_transform_apply(&out, tf, at[k]);
		lttsync_transform_destroy(tf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	lttsync_report *r = NULL;
	const char *ref;
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/lttsync-fuzz-load-XXXXXX");
		fd = mkstemp(path);
		CHECK(fd >= 0);
		close(fd);
	}
	f = fopen(path, "wb");
	CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);
	if (lttsync_report_load(&r, path) != LTTSYNC_OK) {
		CHECK(r == NULL && *lttsync_report_get_last_error()); /* untouched */
		return 0;
	}
	ref = lttsync_report_get_reference(r);
	CHECK(!ref || lttsync_report_get_host_parent(r, ref) == NULL ||
	      lttsync_report_get_host_count(r) > 0);
	for (size_t i = 0; i < lttsync_report_get_host_count(r); i++)
		check_host(r, i);
	CHECK(lttsync_report_get_host_name(r, lttsync_report_get_host_count(r)) == NULL);
	lttsync_report_destroy(r);
	return 0;
}
