/* SPDX-License-Identifier: MIT */
/*
 * lttsync: synchronize the clocks of several hosts and report, for each,
 * the transform onto the reference clock. See doc/lttsync.1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "atomic_file.h"
#include "inputs.h"
#include "matches_out.h"
#include "options.h"
#include "plot.h"
#include "report.h"
#include "write.h"
#include "safe_text.h"

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "lttsync: %s: %s\n", cli_safe(what), cli_safe(detail));
	return CLI_EXIT_ERROR;
}

/* 0, or the error of a setting the session refused (named by option). */
static int refused(lttsync_session *s, const char *option, lttsync_status st)
{
	const char *why;

	if (st == LTTSYNC_OK)
		return 0;
	why = lttsync_session_get_last_error(s);
	return fail(option, why[0] ? why : lttsync_status_string(st));
}

static int choose_reference(lttsync_session *s, const char *name)
{
	lttsync_host_id ref;

	if (!name)
		return 0;
	if (lttsync_session_find_host(&ref, s, name) != LTTSYNC_OK)
		return fail("--reference", "no such host in the input");
	return refused(s, "--reference", lttsync_session_set_reference(s, ref));
}

static int write_report(lttsync_session *s, const struct cli_options *o)
{
	struct atomic_file af;
	lttsync_status st;

	if (atomic_file_open(&af, o->output) != 0)
		return fail(o->output, strerror(errno));
	if (o->format == CLI_FORMAT_JSON)
		st = lttsync_session_write_report(s, af.fp);
	else
		st = lttsync_session_write_text_report(s, af.fp, o->verbose ?
						       LTTSYNC_TEXT_REPORT_SEGMENTS : 0);
	if (st) {
		const char *why = lttsync_session_get_last_error(s);

		atomic_file_abort(&af);
		return fail("cannot write the report",
			    why[0] ? why : lttsync_status_string(st));
	}
	if (atomic_file_commit(&af) != 0)
		return fail(o->output ? o->output : "stdout", strerror(errno));
	return 0;
}

/* Did any message reach the hulls? A lone host with no message is its
 * own reference, yet nothing was synchronized. */
static bool messages_in(lttsync_session *s)
{
	uint64_t n = 0;

	lttsync_session_get_counter(&n, s, LTTSYNC_COUNTER_MESSAGES);
	return n > 0;
}

/*
 * Retransmissions make about 1 % of packet events ambiguous; far more
 * means packets seen twice: two traces of one machine's same traffic (a
 * copy of a trace, a corrected copy next to the original). Say so,
 * since the only other sign is a disconnected host.
 */
static void note_ambiguous(lttsync_session *s)
{
	uint64_t packets = 0, ambiguous = 0;

	lttsync_session_get_counter(&packets, s, LTTSYNC_COUNTER_PACKETS);
	lttsync_session_get_counter(&ambiguous, s, LTTSYNC_COUNTER_AMBIGUOUS);
	if (ambiguous && ambiguous >= packets / 10)
		fprintf(stderr, "lttsync: note: %ju of %ju packet events dropped "
			"as ambiguous (their key seen twice in one direction): "
			"is some traffic traced twice, e.g. a trace and its "
			"copy?\n", (uintmax_t)ambiguous, (uintmax_t)packets);
}

/* Report, then the exit status: 2 when anything stayed unsynchronized. */
static int report(lttsync_session *s, const struct cli_options *o,
		  bool degraded)
{
	int rc;

	note_ambiguous(s);
	rc = write_report(s, o);
	if (!rc && o->matches_out)
		rc = cli_write_matches(s, o->matches_out);
	if (!rc && o->plot)
		rc = cli_write_plot(s, o->plot);
	if (!rc && o->write_dir) {
		int written = cli_write_traces(s, o->write_dir);

		rc = written == CLI_EXIT_ERROR ? written : 0;
		degraded |= written == CLI_EXIT_UNSYNCED;
	}
	if (!rc && !messages_in(s)) {
		fprintf(stderr, "lttsync: no message in the input\n");
		rc = CLI_EXIT_UNSYNCED;
	} else if (!rc && (!report_all_synchronized(s) || degraded)) {
		fprintf(stderr, "lttsync: some hosts or traces could not be synchronized\n");
		rc = CLI_EXIT_UNSYNCED;
	}
	return rc;
}

/* The options that are session settings. */
static int configure(lttsync_session *s, const struct cli_options *o)
{
	int rc = 0;

	if (o->matches_out || o->plot)
		rc = refused(s, o->matches_out ? "--matches-out" : "--plot",
			     lttsync_session_set_keep_messages(s, 1));
	if (!rc && o->segments_off)
		rc = refused(s, "--segments", lttsync_session_set_segments(s, 0));
	if (!rc && o->max_pending)
		rc = refused(s, "--max-pending",
			     lttsync_session_set_max_pending(s, o->max_pending));
	if (!rc && o->memory_limit)
		rc = refused(s, "--memory-limit",
			     lttsync_session_set_memory_limit(s, o->memory_limit));
	if (!rc && o->jobs_set)
		rc = refused(s, "--jobs", lttsync_session_set_read_jobs(s, o->jobs));
	if (!rc && o->reader)
		rc = refused(s, "--reader",
			     lttsync_session_set_reader(s, (lttsync_reader)o->reader));
	return rc;
}

static int run(lttsync_session *s, const struct cli_options *o)
{
	bool degraded;
	int rc;

	if ((rc = configure(s, o)) ||
	    (rc = cli_read_inputs(s, o, &degraded)) ||
	    (rc = choose_reference(s, o->reference)))
		return rc;
	return report(s, o, degraded);
}

int main(int argc, char **argv)
{
	struct cli_options opts;
	lttsync_session *s;
	int rc = cli_parse_options(argc, argv, &opts);

	if (rc >= 0) {
		cli_free_options(&opts);
		return rc;
	}
	if (lttsync_session_create(&s) != LTTSYNC_OK) {
		cli_free_options(&opts);
		return fail("lttsync", "out of memory");
	}
	rc = run(s, &opts);
	lttsync_session_destroy(s);
	cli_free_options(&opts);
	return rc;
}
