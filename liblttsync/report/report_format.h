/* SPDX-License-Identifier: MIT */
/*
 * The JSON report (doc/output.md): written from a session by write.c,
 * loaded by load.c. Both sides share the member names below, so that
 * one module states the format.
 */
#ifndef LSYNC_REPORT_FORMAT_H
#define LSYNC_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include <lttsync/lttsync.h>

/* Members of a host object. */
#define LSYNC_REPORT_HOST "host"
#define LSYNC_REPORT_QUALITY "quality"
#define LSYNC_REPORT_SLOPE "slope"
#define LSYNC_REPORT_OFFSET "offset_ns"
#define LSYNC_REPORT_PIVOT "pivot_ns"
#define LSYNC_REPORT_PIVOT_REF "pivot_ref_ns"
#define LSYNC_REPORT_SEGMENTS "segments"
#define LSYNC_REPORT_FROM "from_ns"
#define LSYNC_REPORT_PARENT "parent"
#define LSYNC_REPORT_HOPS "hops"

/*
 * The largest report read: far above any report lttsync writes for a
 * realistic number of hosts, and a bound for files that never end
 * (/dev/zero, a FIFO).
 */
#define LSYNC_REPORT_MAX_BYTES ((size_t)512 << 20)

struct lsync_report_host {
	char *name;
	bool has_quality;
	lttsync_quality quality;
	lttsync_transform *transform;   /* NULL: none (disconnected) */
	char *parent;                   /* NULL: the reference or none */
};

struct lttsync_report {
	char *reference;                /* NULL when the report has none */
	struct lsync_report_host *hosts; /* in the report's order */
	size_t n_hosts;
	void *by_name;                  /* GHashTable: name -> host index + 1 */
};

/* The text of a quality as lttsync_quality_string() gives it, or -1. */
int lsync_report_quality_from_string(const char *text);

#endif
