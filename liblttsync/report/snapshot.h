/* SPDX-License-Identifier: MIT */
/*
 * A snapshot of a session's results, taken through the public API, that
 * the reports print (write.c: JSON, text.c: text; doc/output.md). Each
 * host names its parent and its hop count, not its whole path, so the
 * snapshot's size is linear in hosts and pairs.
 */
#ifndef LSYNC_REPORT_SNAPSHOT_H
#define LSYNC_REPORT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

#define LSYNC_NUM LTTSYNC_FORMAT_SIZE

/* One segment of a transform: t_out = slope * t + offset from `from` on. */
struct lsync_segment {
	bool has_from;                 /* false for the first: from the beginning */
	int64_t from;
	char slope[LSYNC_NUM], offset[LSYNC_NUM];
	double width_ns;               /* bounds width over it, NAN if none */
};

struct lsync_host {
	lttsync_host_id id;
	const char *name;              /* borrowed from the session */
	lttsync_quality quality;
	bool has_transform;
	/* The transform as exact decimal text (JSON). */
	char slope[LSYNC_NUM], offset[LSYNC_NUM], pivot[LSYNC_NUM],
	     pivot_ref[LSYNC_NUM];
	/* What people read of it (text). */
	int64_t pivot_ns;              /* the middle of the host's data (host ns) */
	bool has_offset_ns;
	int64_t offset_ns;             /* f(pivot) - pivot */
	double drift_ppm;              /* (slope - 1) * 1e6 */
	bool has_width;
	uint64_t width_ns;             /* reference-time bounds width at the pivot */
	int64_t bound_lo, bound_hi;    /* those bounds */
	bool has_parent;               /* false for the reference and disconnected hosts */
	lttsync_host_id parent;        /* next host towards the reference */
	size_t hops;                   /* to the reference; SIZE_MAX: disconnected */
	struct lsync_segment *segments; /* of the transform, sorted by from */
	size_t n_segments;
};

/* A trace of the session, with what reading it gave. */
struct lsync_trace {
	bool has_host;
	lttsync_host_id host;
	const char *path;              /* borrowed */
	lttsync_status status;
	const char *message;           /* borrowed; "" when fine */
	uint64_t stat[8];              /* indexed by lttsync_trace_stat */
};

struct lsync_pair {
	lttsync_host_id host[2];       /* [0] farther from the reference, [1] nearer */
	uint64_t messages[2];          /* [0] host0 -> host1, [1] host1 -> host0 */
	lttsync_quality quality;
	bool has_bounds, has_estimate, has_width;
	double slope_min, slope_max;   /* of t_host0 = a * t_host1 + b */
	char slope[LSYNC_NUM], offset[LSYNC_NUM];
	uint64_t width_ns;             /* host0-time bounds width at the estimate's pivot */
	double violation_ns;
	uint64_t contradicting;
	struct lsync_segment *segments; /* of the estimate (x = host1) */
	size_t n_segments;
};

struct lsync_snapshot {
	lttsync_session *session;
	bool has_reference;
	lttsync_host_id reference;
	size_t n_hosts, n_pairs, n_traces;
	struct lsync_host *hosts;      /* sorted by name */
	size_t *hops;                  /* by host id */
	struct lsync_pair *pairs;      /* sorted by host names */
	struct lsync_trace *traces;    /* in reading order */
};

/* LTTSYNC_OK or the first failing status; lsync_snapshot_free() either way. */
lttsync_status lsync_snapshot_build(struct lsync_snapshot *r,
				    lttsync_session *session);
void lsync_snapshot_free(struct lsync_snapshot *r);

/* The name of host h of the snapshot's session. */
const char *lsync_snapshot_host_name(const struct lsync_snapshot *r,
				     lttsync_host_id h);

#endif
