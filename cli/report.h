/* SPDX-License-Identifier: MIT */
/*
 * The text report `lttsync` prints: a snapshot of the session's results,
 * built through the public API only (doc/output.md describes it; the JSON
 * report is the library's, lttsync_session_write_report()).
 */
#ifndef LTTSYNC_CLI_REPORT_H
#define LTTSYNC_CLI_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <lttsync/lttsync.h>

#define REPORT_NUM LTTSYNC_FORMAT_SIZE

/* One segment of a transform: t_out = slope * t + offset from `from` on. */
struct report_segment {
	bool has_from;                 /* false for the first: from the beginning */
	int64_t from;
	char slope[REPORT_NUM], offset[REPORT_NUM];
	double width_ns;               /* bounds width over it, NAN if none */
};

struct report_host {
	lttsync_host_id id;
	const char *name;              /* borrowed from the session */
	lttsync_quality quality;
	bool has_transform;
	int64_t pivot;                 /* the middle of the host's data (host ns) */
	bool has_offset;
	int64_t offset_ns;             /* f(pivot) - pivot */
	double drift_ppm;              /* (slope - 1) * 1e6 */
	bool has_width;
	uint64_t width_ns;             /* reference-time bounds width at the pivot */
	int64_t bound_lo, bound_hi;    /* those bounds */
	bool has_parent;               /* false for the reference and disconnected hosts */
	lttsync_host_id parent;        /* next host towards the reference */
	size_t hops;                   /* to the reference; SIZE_MAX: disconnected */
	struct report_segment *segments; /* of the transform, sorted by from */
	size_t n_segments;
};

/* A trace of the session, with what reading it gave. */
struct report_trace {
	lttsync_trace_id id;
	bool has_host;
	lttsync_host_id host;
	const char *path;              /* borrowed */
	lttsync_status status;
	const char *message;           /* borrowed; "" when fine */
	uint64_t stat[8];              /* indexed by lttsync_trace_stat */
};

struct report_pair {
	lttsync_host_id host[2];       /* [0] farther from the reference, [1] nearer */
	uint64_t messages[2];          /* [0] host0 -> host1, [1] host1 -> host0 */
	lttsync_quality quality;
	bool has_bounds, has_estimate, has_width;
	double slope_min, slope_max;   /* of t_host0 = a * t_host1 + b */
	char slope[REPORT_NUM], offset[REPORT_NUM];
	uint64_t width_ns;             /* host0-time bounds width at the estimate's pivot */
	double violation_ns;
	uint64_t contradicting;
	struct report_segment *segments; /* of the estimate (x = host1) */
	size_t n_segments;
};

struct report {
	lttsync_session *session;
	bool has_reference;
	lttsync_host_id reference;
	size_t n_hosts, n_pairs;
	struct report_host *hosts;     /* sorted by name */
	size_t *hops;                  /* by host id */
	struct report_pair *pairs;     /* sorted by host names */
	size_t n_traces;
	struct report_trace *traces;   /* in reading order */
	bool verbose;                  /* text: a table of every segment */
	bool text;                     /* built for the text report (else hosts' quality only) */
};

/* Returns LTTSYNC_OK or the first failing status (see the session's error).
 * Without `text`, only what report_all_synchronized() needs. */
lttsync_status report_build(struct report *r, lttsync_session *session,
			    bool text);
void report_free(struct report *r);

/* True when every host got a transform of quality reference/accurate/approximate. */
bool report_all_synchronized(const struct report *r);

void report_print_text(const struct report *r, FILE *fp);

#endif
