/* SPDX-License-Identifier: MIT */
/*
 * What a trace analyzer does with liblttsync, against the installed
 * header only:
 *
 *   cc -o analyzer analyzer.c $(pkg-config --cflags --libs liblttsync)
 *   ./analyzer TRACES_FOLDER REPORT.json
 *
 * It reads the traces, writes the JSON report, loads it back, maps a few
 * timestamps of every host to the reference clock and back (checking the
 * loaded transform against the session's own), and prints each pair's
 * hull vertices and a few matched messages with their packets. Exit
 * status 0 when everything agreed, 1 otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <lttsync/lttsync.h>

static int failed(const char *what, lttsync_status st,
		  const lttsync_session *s)
{
	fprintf(stderr, "analyzer: %s: %s (%s)\n", what,
		lttsync_status_string(st),
		s ? lttsync_session_get_last_error(s) : lttsync_report_get_last_error());
	return 1;
}

/* Read every trace below folder, keeping messages to show a few. */
static int read_traces(lttsync_session *s, const char *folder)
{
	size_t n;
	lttsync_status st;

	lttsync_session_set_keep_messages(s, 1);
	st = lttsync_session_read_traces(&n, s, folder, NULL, NULL, NULL);
	if (st != LTTSYNC_OK)
		return failed(folder, st, s);
	printf("%zu traces, %zu hosts\n", n, lttsync_session_get_host_count(s));
	return 0;
}

static int write_report(lttsync_session *s, const char *path)
{
	FILE *fp = fopen(path, "w");
	lttsync_status st;

	if (!fp) {
		perror(path);
		return 1;
	}
	st = lttsync_session_write_report(s, fp);
	if (fclose(fp) != 0 && st == LTTSYNC_OK)
		st = LTTSYNC_ERROR_IO;
	return st == LTTSYNC_OK ? 0 : failed("writing the report", st, s);
}

/*
 * A host time to the reference clock with the loaded transform and back
 * again: the session's transform must give the same reference time, the
 * inverse the host time back within 1 ns.
 */
static int map_both_ways(const lttsync_transform *loaded,
			 const lttsync_transform *own, int64_t t)
{
	int64_t t_ref, t_ref_own, back;
	double offset;

	if (lttsync_transform_apply(&t_ref, loaded, t) ||
	    lttsync_transform_apply(&t_ref_own, own, t) ||
	    lttsync_transform_apply_inverse(&back, loaded, t_ref) ||
	    lttsync_transform_get_offset_at(&offset, loaded, t))
		return 1;
	printf("    %" PRId64 " -> %" PRId64 " -> %" PRId64
	       " (offset %+.3f us)\n", t, t_ref, back, offset / 1e3);
	return t_ref != t_ref_own || back - t > 1 || t - back > 1;
}

/* Every host of the loaded report, at its pivot and 1 s either side. */
static int check_hosts(lttsync_session *s, const lttsync_report *report)
{
	int bad = 0;

	for (size_t i = 0; i < lttsync_report_get_host_count(report); i++) {
		const char *name = lttsync_report_get_host_name(report, i);
		lttsync_transform *loaded, *own;
		lttsync_quality q;
		lttsync_host_id h;

		if (lttsync_report_get_host_quality(&q, report, name) ||
		    lttsync_session_find_host(&h, s, name))
			return 1;
		printf("  %s: %s\n", name, lttsync_quality_string(q));
		if (lttsync_report_get_host_transform(&loaded, report, name))
			continue; /* no transform: disconnected */
		if (lttsync_session_get_host_transform(&own, s, h) == LTTSYNC_OK) {
			int64_t pivot = lttsync_transform_get_pivot(loaded);

			for (int64_t d = -1000000000; d <= 1000000000; d += 1000000000)
				bad |= map_both_ways(loaded, own, pivot + d);
			lttsync_transform_destroy(own);
		} else {
			bad = 1;
		}
		lttsync_transform_destroy(loaded);
	}
	return bad;
}

/* The vertices of one direction of a pair (two calls: count, then fill). */
static void print_hull(lttsync_session *s, size_t pair,
		       lttsync_pair_direction dir)
{
	lttsync_point *v = NULL;
	size_t n = 0;

	if (lttsync_session_get_pair_hull(&n, NULL, 0, s, pair, dir) ||
	    (n && !(v = malloc(n * sizeof(*v)))) ||
	    lttsync_session_get_pair_hull(&n, v, n, s, pair, dir))
		n = 0;
	printf("    %s: %zu vertices", dir == LTTSYNC_PAIR_FIRST_TO_SECOND
					     ? "first to second" : "second to first", n);
	for (size_t i = 0; i < n && i < 3; i++)
		printf(" (%" PRId64 ", %" PRId64 ")", v[i].x, v[i].y);
	printf("%s\n", n > 3 ? " ..." : "");
	free(v);
}

static void print_pairs(lttsync_session *s)
{
	for (size_t p = 0; p < lttsync_session_get_pair_count(s); p++) {
		lttsync_host_id a, b;

		if (lttsync_session_get_pair(&a, &b, s, p))
			continue;
		printf("  %s - %s\n", lttsync_session_get_host_name(s, a),
		       lttsync_session_get_host_name(s, b));
		print_hull(s, p, LTTSYNC_PAIR_FIRST_TO_SECOND);
		print_hull(s, p, LTTSYNC_PAIR_SECOND_TO_FIRST);
	}
}

/* A few matched messages: from which trace to which, and the packet. */
static void print_matches(lttsync_session *s)
{
	size_t n = 0;

	lttsync_session_get_kept_match_count(&n, s);
	printf("%zu matched messages; the first three:\n", n);
	for (size_t i = 0; i < n && i < 3; i++) {
		lttsync_match m;

		lttsync_match_init(&m);
		if (lttsync_session_get_kept_match(&m, s, i))
			continue;
		printf("  %s @ %" PRId64 " -> %s @ %" PRId64,
		       lttsync_session_get_trace_name(s, m.send_trace),
		       m.message.send_ns,
		       lttsync_session_get_trace_name(s, m.recv_trace),
		       m.message.recv_ns);
		if (m.has_packet)
			printf(" port %u -> %u seq %" PRIu32 " ack %" PRIu32,
			       m.src_port, m.dst_port, m.seq, m.ack_seq);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	lttsync_session *s = NULL;
	lttsync_report *report = NULL;
	lttsync_status st;
	int bad;

	if (argc != 3) {
		fprintf(stderr, "usage: %s TRACES_FOLDER REPORT.json\n", argv[0]);
		return 2;
	}
	if ((st = lttsync_session_create(&s)))
		return failed("creating a session", st, NULL);
	bad = read_traces(s, argv[1]) || write_report(s, argv[2]);
	if (!bad && (st = lttsync_report_load(&report, argv[2])))
		bad = failed(argv[2], st, NULL);
	if (!bad) {
		printf("reference: %s\n", lttsync_report_get_reference(report));
		bad = check_hosts(s, report);
		print_pairs(s);
		print_matches(s);
	}
	lttsync_report_destroy(report);
	lttsync_session_destroy(s);
	printf("%s\n", bad ? "FAILED" : "all transforms agree");
	return bad;
}
