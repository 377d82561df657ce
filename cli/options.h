/* SPDX-License-Identifier: MIT */
/* Command-line options of `lttsync`. */
#ifndef LTTSYNC_CLI_OPTIONS_H
#define LTTSYNC_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON };

/* A trace folder to read, with its host name if given by --host. */
struct cli_input {
	const char *path;
	const char *host;        /* NULL: the trace's hostname */
};

struct cli_options {
	const char *messages;    /* --messages FILE, or NULL */
	const char *reference;   /* --reference HOST, or NULL */
	const char *output;      /* --output FILE, or NULL for stdout */
	const char *matches_out; /* --matches-out FILE, or NULL */
	const char *write_dir;   /* --write OUTDIR, or NULL */
	const char *plot;        /* --plot FILE.html, or NULL */
	enum cli_format format;
	bool verbose;            /* --verbose: every segment in the text report */
	bool segments_off;       /* --segments off */
	size_t max_pending;      /* --max-pending N, 0 for the default */
	size_t memory_limit;     /* --memory-limit SIZE, 0 for none */
	bool jobs_set;           /* --jobs given */
	unsigned jobs;           /* --jobs N: worker processes, 0 in-process */
	int reader;              /* --reader: an lttsync_reader, 0 if not given */
	struct cli_input *inputs;  /* PATH arguments and --host NAME=PATH */
	size_t n_inputs;
};

/* Exit statuses, as the man page documents them. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_ERROR = 1, CLI_EXIT_UNSYNCED = 2 };

/*
 * Parse argv. Returns -1 to go on, or an exit status when the command is
 * done (--help, --version: 0; a usage error: 1, after a message).
 */
int cli_parse_options(int argc, char **argv, struct cli_options *out);
void cli_free_options(struct cli_options *opts);

#endif
