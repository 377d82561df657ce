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
#include "messages_csv.h"
#include "options.h"
#include "report.h"

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "lttsync: %s: %s\n", what, detail);
	return CLI_EXIT_ERROR;
}

static int load_messages(lttsync_session *s, const char *path)
{
	char err[512];
	FILE *in = fopen(path, "r");
	int rc;

	if (!in)
		return fail(path, strerror(errno));
	rc = cli_read_messages(s, in, path, err, sizeof(err));
	fclose(in);
	if (rc)
		return fail("invalid messages file", err);
	return 0;
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

static int run(lttsync_session *s, const struct cli_options *o)
{
	struct report r;
	int rc;

	if ((rc = load_messages(s, o->messages)) ||
	    (rc = choose_reference(s, o->reference)))
		return rc;
	if (report_build(&r, s) != LTTSYNC_OK) {
		rc = fail("cannot compute results",
			  lttsync_session_get_last_error(s));
		report_free(&r);
		return rc;
	}
	rc = write_report(&r, o);
	if (!rc && !report_all_synchronized(&r)) {
		fprintf(stderr, "lttsync: %s\n", r.n_hosts
			? "some hosts could not be synchronized"
			: "no message in the input");
		rc = CLI_EXIT_UNSYNCED;
	}
	report_free(&r);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_options opts;
	lttsync_session *s;
	int rc = cli_parse_options(argc, argv, &opts);

	if (rc >= 0)
		return rc;
	if (lttsync_session_create(&s) != LTTSYNC_OK)
		return fail("lttsync", "out of memory");
	rc = run(s, &opts);
	lttsync_session_destroy(s);
	return rc;
}
