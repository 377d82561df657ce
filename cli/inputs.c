/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inputs.h"
#include "messages_csv.h"
#include "safe_text.h"

/* One progress line on a terminal, rewritten in place. */
static void show_progress(void *user, const char *path, uint64_t events)
{
	(void)user;
	fprintf(stderr, "\r\033[Kreading %s: %" PRIu64 " events", cli_safe(path), events);
}

/* Say what is wrong with a trace, if anything; true when it is usable. */
static bool check_trace(lttsync_session *s, lttsync_trace_id t)
{
	const char *msg = lttsync_session_get_trace_message(s, t);

	/* The library's message names the path and, for a trace without
	 * usable network events (LTTSYNC_ERROR_NO_DATA), gives its counts. */
	if (lttsync_session_get_trace_status(s, t) != LTTSYNC_OK) {
		fprintf(stderr, "lttsync: %s\n", cli_safe(msg));
		return false;
	}
	/* A note on a trace read well (e.g. decoded without a worker process). */
	if (msg && msg[0])
		fprintf(stderr, "lttsync: note: %s\n", cli_safe(msg));
	return true;
}

/* Read to its end, with or without usable network events. */
static bool was_read(lttsync_session *s, lttsync_trace_id t)
{
	lttsync_status st = lttsync_session_get_trace_status(s, t);

	return st == LTTSYNC_OK || st == LTTSYNC_ERROR_NO_DATA;
}

/* The call's error: one line per path without a trace. */
static void print_error_lines(const char *err)
{
	const char *nl;

	while ((nl = strchr(err, '\n')) != NULL) {
		char *line = strndup(err, (size_t)(nl - err));

		fprintf(stderr, "lttsync: %s\n", line ? cli_safe(line) : "");
		free(line);
		err = nl + 1;
	}
	fprintf(stderr, "lttsync: %s\n", cli_safe(err));
}

/*
 * Read every PATH in one call, so that their traces are decoded side by
 * side. Returns how many traces were read (even without usable events);
 * *degraded is set when anything is wrong with any.
 */
static size_t read_paths(lttsync_session *s, const struct cli_options *o,
			 bool tty, bool *degraded)
{
	size_t first = lttsync_session_get_trace_count(s), n = 0, read = 0;
	const char **paths = calloc(o->n_inputs, sizeof(*paths));
	const char **hosts = calloc(o->n_inputs, sizeof(*hosts));
	lttsync_status st = LTTSYNC_ERROR_NO_MEMORY;

	if (paths && hosts) {
		for (size_t i = 0; i < o->n_inputs; i++) {
			paths[i] = o->inputs[i].path;
			hosts[i] = o->inputs[i].host;
		}
		st = lttsync_session_read_trace_paths(&n, s, paths, hosts, o->n_inputs,
						      tty ? show_progress : NULL, NULL);
	}
	free(paths);
	free(hosts);
	if (tty)
		fprintf(stderr, "\r\033[K");
	/* NO_DATA: each trace's message below says it. */
	if (st != LTTSYNC_OK && st != LTTSYNC_ERROR_NO_DATA)
		print_error_lines(lttsync_session_get_last_error(s));
	*degraded |= st != LTTSYNC_OK;
	for (size_t t = first; t < first + n; t++) {
		*degraded |= !check_trace(s, (lttsync_trace_id)t);
		read += was_read(s, (lttsync_trace_id)t);
	}
	return read;
}

static int read_messages(lttsync_session *s, const char *path)
{
	char err[512];
	FILE *in = fopen(path, "r");
	int rc;

	if (!in) {
		fprintf(stderr, "lttsync: %s: %s\n", cli_safe(path), strerror(errno));
		return CLI_EXIT_ERROR;
	}
	rc = cli_read_messages(s, in, path, err, sizeof(err));
	fclose(in);
	if (rc) {
		fprintf(stderr, "lttsync: invalid messages file: %s\n", err);
		return CLI_EXIT_ERROR;
	}
	return 0;
}

int cli_read_inputs(lttsync_session *s, const struct cli_options *o,
		    bool *degraded)
{
	bool tty = isatty(STDERR_FILENO);
	size_t read = 0;

	*degraded = false;
	if (o->messages && read_messages(s, o->messages))
		return CLI_EXIT_ERROR;
	if (o->n_inputs)
		read = read_paths(s, o, tty, degraded);
	if (o->n_inputs && !read && !o->messages) {
		fprintf(stderr, "lttsync: no readable trace in the inputs\n");
		return CLI_EXIT_ERROR;
	}
	return 0;
}
