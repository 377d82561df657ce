/* SPDX-License-Identifier: MIT */
/*
 * lttsync: synchronize the clocks of several hosts and report, for each,
 * the transform onto the reference clock. See doc/lttsync.1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "atomic_file.h"
#include "inputs.h"
#include "matches_out.h"
#include "options.h"
#include "report.h"
#include "write.h"

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "lttsync: %s: %s\n", what, detail);
	return CLI_EXIT_ERROR;
}

static int choose_reference(lttsync_session *s, const char *name)
{
	lttsync_host_id ref;

	if (!name)
		return 0;
	if (lttsync_session_find_host(&ref, s, name) != LTTSYNC_OK)
		return fail("--reference", "no such host in the input");
	lttsync_session_set_reference(s, ref);
	return 0;
}

static int write_report(const struct report *r, const struct cli_options *o)
{
	struct atomic_file af;

	if (atomic_file_open(&af, o->output) != 0)
		return fail(o->output, strerror(errno));
	if (o->format == CLI_FORMAT_JSON)
		report_print_json(r, af.fp);
	else
		report_print_text(r, af.fp);
	if (atomic_file_commit(&af) != 0)
		return fail(o->output ? o->output : "stdout", strerror(errno));
	return 0;
}

/* Report, then the exit status: 2 when anything stayed unsynchronized. */
static int report(lttsync_session *s, const struct cli_options *o,
		  bool degraded)
{
	struct report r;
	lttsync_status st;
	int rc;

	st = report_build(&r, s);
	r.verbose = o->verbose;
	if (st != LTTSYNC_OK) {
		const char *why = lttsync_session_get_last_error(s);

		rc = fail("cannot compute results",
			  why[0] ? why : lttsync_status_string(st));
		report_free(&r);
		return rc;
	}
	rc = write_report(&r, o);
	if (!rc && o->matches_out)
		rc = cli_write_matches(s, o->matches_out);
	if (!rc && o->write_dir) {
		int written = cli_write_traces(s, o->write_dir);

		rc = written == CLI_EXIT_ERROR ? written : 0;
		degraded |= written == CLI_EXIT_UNSYNCED;
	}
	if (!rc && (!report_all_synchronized(&r) || degraded)) {
		fprintf(stderr, "lttsync: %s\n", r.n_hosts
			? "some hosts or traces could not be synchronized"
			: "no message in the input");
		rc = CLI_EXIT_UNSYNCED;
	}
	report_free(&r);
	return rc;
}

static int run(lttsync_session *s, const struct cli_options *o)
{
	bool degraded;
	int rc;

	if (o->matches_out)
		lttsync_session_set_keep_messages(s, 1);
	if (o->segments_off)
		lttsync_session_set_segments(s, 0);
	if (o->max_pending)
		lttsync_session_set_max_pending(s, o->max_pending);
	if (o->memory_limit)
		lttsync_session_set_memory_limit(s, o->memory_limit);
	if (o->jobs_set)
		lttsync_session_set_read_jobs(s, o->jobs);
	if ((rc = cli_read_inputs(s, o, &degraded)) ||
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
