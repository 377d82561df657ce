/* SPDX-License-Identifier: MIT */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "options.h"

static const char usage[] =
	"Usage: lttsync --messages FILE [--reference HOST]\n"
	"               [--format text|json] [--output FILE]\n"
	"\n"
	"Synchronize the clocks of several hosts from matched network messages\n"
	"and print, for each host, the transform onto the reference clock.\n"
	"\n"
	"  -m, --messages FILE   CSV of matched messages, one per line:\n"
	"                        send_host,send_ns,recv_host,recv_ns\n"
	"  -r, --reference HOST  use HOST's clock as the reference\n"
	"                        (default: the host giving the most accurate result)\n"
	"  -f, --format FORMAT   text (default) or json\n"
	"  -o, --output FILE     write the report to FILE (atomically)\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 every host synchronized, 2 some host could not be\n"
	"synchronized (the report is still written), 1 usage or input error.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "lttsync: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'lttsync --help'.\n");
	return CLI_EXIT_ERROR;
}

static int parse_format(const char *arg, struct cli_options *out)
{
	if (strcmp(arg, "text") == 0)
		out->format = CLI_FORMAT_TEXT;
	else if (strcmp(arg, "json") == 0)
		out->format = CLI_FORMAT_JSON;
	else
		return usage_error("unknown format '%s' (text or json)", arg);
	return -1;
}

static int parse_one(int opt, struct cli_options *out)
{
	switch (opt) {
	case 'm': out->messages = optarg; return -1;
	case 'r': out->reference = optarg; return -1;
	case 'o': out->output = optarg; return -1;
	case 'f': return parse_format(optarg, out);
	case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
	case 'V':
		printf("lttsync %s (liblttsync %s)\n", LTTSYNC_VERSION_STRING,
		       lttsync_version_string());
		return CLI_EXIT_OK;
	default:
		fprintf(stderr, "Try 'lttsync --help'.\n");
		return CLI_EXIT_ERROR;
	}
}

int cli_parse_options(int argc, char **argv, struct cli_options *out)
{
	static const struct option longopts[] = {
		{ "messages", required_argument, NULL, 'm' },
		{ "reference", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	memset(out, 0, sizeof(*out));
	while ((opt = getopt_long(argc, argv, "m:r:f:o:hV", longopts, NULL)) != -1)
		if ((rc = parse_one(opt, out)) >= 0)
			return rc;
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!out->messages)
		return usage_error("%s", "missing --messages FILE");
	return -1;
}
