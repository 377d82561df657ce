/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lttsync/lttsync.h>

#include "options.h"

static const char usage[] =
	"Usage: lttsync [OPTIONS] PATH...\n"
	"       lttsync [OPTIONS] --messages FILE\n"
	"\n"
	"Synchronize the clocks of the hosts that recorded LTTng kernel traces\n"
	"(each PATH is a trace folder or a folder of traces, such as an LTTng\n"
	"session output), or of hosts given by matched messages, and print for\n"
	"each host the transform onto the reference clock.\n"
	"\n"
	"  -m, --messages FILE      CSV of matched messages, one per line:\n"
	"                           send_host,send_ns,recv_host,recv_ns\n"
	"  -H, --host NAME=PATH     read the traces at PATH as host NAME (for traces\n"
	"                           without a hostname); may be repeated\n"
	"  -r, --reference HOST     use HOST's clock as the reference\n"
	"                           (default: the host giving the most accurate result)\n"
	"  -f, --format FORMAT      text (default) or json\n"
	"  -v, --verbose            text format: list every segment of every host\n"
	"      --segments on|off    on (default): a clock whose rate changes gets a\n"
	"                           piecewise-linear transform; off: one line per\n"
	"                           host, which fails when the rate changed\n"
	"  -o, --output FILE        write the report to FILE (atomically)\n"
	"      --matches-out FILE   write every matched message to FILE, as CSV that\n"
	"                           --messages reads, with its traces and packet\n"
	"      --plot FILE.html     also write a page of figures: every pair's\n"
	"                           messages, hulls and lines, every host's\n"
	"                           correction (self-contained HTML and SVG)\n"
	"  -w, --write OUTDIR       also write a corrected copy of every synchronized\n"
	"                           trace, on the reference clock, as OUTDIR/HOST\n"
	"                           (CTF 1.8; `babeltrace2 OUTDIR/*` reads them merged)\n"
	"      --max-pending N      keep at most N unmatched packet keys (default\n"
	"                           1048576, about 64 MiB); the oldest are dropped\n"
	"      --memory-limit SIZE  bound the session's memory (bytes, or with a\n"
	"                           K, M or G suffix); see the man page\n"
	"  -j, --jobs N             decode traces with N threads (our reader), or in\n"
	"                           up to N worker processes when a trace needs\n"
	"                           libbabeltrace2 (default 64); 0 decodes them in\n"
	"                           the lttsync process, on one thread\n"
	"      --reader R           auto (default): our own CTF reader, and\n"
	"                           libbabeltrace2 for the traces it does not\n"
	"                           support; babeltrace2: libbabeltrace2 only\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n"
	"\n"
	"Exit status: 0 every host synchronized, 2 some host or trace could not\n"
	"be synchronized (the report is still written), 1 usage or input error.\n";

enum { OPT_MATCHES_OUT = 256, OPT_MAX_PENDING, OPT_MEMORY_LIMIT, OPT_READER,
       OPT_SEGMENTS, OPT_PLOT };

/* The most worker processes --jobs accepts (each holds two descriptors). */
#define MAX_JOBS 4096

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

static int parse_segments(const char *arg, struct cli_options *out)
{
	if (strcmp(arg, "on") == 0)
		out->segments_off = false;
	else if (strcmp(arg, "off") == 0)
		out->segments_off = true;
	else
		return usage_error("--segments expects on or off, not '%s'", arg);
	return -1;
}

static void add_input(struct cli_options *out, const char *path,
		      const char *host)
{
	struct cli_input *in = realloc(out->inputs, (out->n_inputs + 1) * sizeof(*in));

	if (!in) {
		fprintf(stderr, "lttsync: out of memory\n");
		exit(CLI_EXIT_ERROR);
	}
	out->inputs = in;
	in[out->n_inputs++] = (struct cli_input){ path, host };
}

/* NAME=PATH: NAME non-empty; the string is split in place. */
static int parse_host(char *arg, struct cli_options *out)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return usage_error("--host expects NAME=PATH, not '%s'", arg);
	*eq = '\0';
	add_input(out, eq + 1, arg);
	return -1;
}

static int parse_count(const char *arg, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || *arg == '-' || v == 0 || v > SIZE_MAX)
		return usage_error("--max-pending expects a positive integer, not '%s'", arg);
	*out = (size_t)v;
	return -1;
}

static int parse_reader(const char *arg, struct cli_options *out)
{
	if (strcmp(arg, "auto") == 0)
		out->reader = LTTSYNC_READER_AUTO;
	else if (strcmp(arg, "babeltrace2") == 0)
		out->reader = LTTSYNC_READER_BABELTRACE2;
	else
		return usage_error("--reader expects auto or babeltrace2, not '%s'", arg);
	return -1;
}

static int parse_jobs(const char *arg, struct cli_options *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || *arg == '-' || v > MAX_JOBS)
		return usage_error("--jobs expects an integer from 0 to 4096, not '%s'", arg);
	out->jobs = (unsigned)v;
	out->jobs_set = true;
	return -1;
}

/* "64M" -> 67108864; K, M, G are powers of 1024. */
static int parse_size(const char *arg, size_t *out)
{
	static const char units[] = "KMG";
	char *end;
	unsigned long long v;
	const char *u;

	errno = 0;
	v = strtoull(arg, &end, 10);
	u = *end ? strchr(units, *end) : NULL;
	if (u && end[1] == '\0')
		for (const char *k = units; k <= u; k++)
			v = v > ULLONG_MAX / 1024 ? ULLONG_MAX : v * 1024;
	else if (*end)
		v = 0;
	if (errno || !*arg || *arg == '-' || v < 4096 || v > SIZE_MAX)
		return usage_error("--memory-limit expects a size of at least 4096 "
				   "bytes (e.g. 64M), not '%s'", arg);
	*out = (size_t)v;
	return -1;
}

static int parse_one(int opt, struct cli_options *out)
{
	switch (opt) {
	case 'm': out->messages = optarg; return -1;
	case 'r': out->reference = optarg; return -1;
	case 'o': out->output = optarg; return -1;
	case 'w': out->write_dir = optarg; return -1;
	case OPT_MATCHES_OUT: out->matches_out = optarg; return -1;
	case OPT_PLOT: out->plot = optarg; return -1;
	case OPT_MAX_PENDING: return parse_count(optarg, &out->max_pending);
	case OPT_MEMORY_LIMIT: return parse_size(optarg, &out->memory_limit);
	case 'j': return parse_jobs(optarg, out);
	case OPT_READER: return parse_reader(optarg, out);
	case 'H': return parse_host(optarg, out);
	case 'f': return parse_format(optarg, out);
	case 'v': out->verbose = true; return -1;
	case OPT_SEGMENTS: return parse_segments(optarg, out);
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

/* The folder part of a path, resolved, then its last name. */
static char *canonical(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL, *out = NULL;

	if (real && (out = malloc(strlen(real) + strlen(path) + 2)))
		sprintf(out, "%s/%s", real, slash ? slash + 1 : path);
	free(dir);
	free(real);
	return out;
}

/* Do two output paths name one file (then one output would be lost)? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ca, *cb;
	bool same;

	if (strcmp(a, b) == 0)
		return true;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	ca = canonical(a);
	cb = canonical(b);
	same = ca && cb && strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

/* A PATH also named by --host is read once, with that host. */
static void add_path(struct cli_options *out, const char *path)
{
	for (size_t i = 0; i < out->n_inputs; i++)
		if (strcmp(out->inputs[i].path, path) == 0)
			return;
	add_input(out, path, NULL);
}

int cli_parse_options(int argc, char **argv, struct cli_options *out)
{
	static const struct option longopts[] = {
		{ "messages", required_argument, NULL, 'm' },
		{ "host", required_argument, NULL, 'H' },
		{ "reference", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "matches-out", required_argument, NULL, OPT_MATCHES_OUT },
		{ "write", required_argument, NULL, 'w' },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "max-pending", required_argument, NULL, OPT_MAX_PENDING },
		{ "memory-limit", required_argument, NULL, OPT_MEMORY_LIMIT },
		{ "jobs", required_argument, NULL, 'j' },
		{ "reader", required_argument, NULL, OPT_READER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "segments", required_argument, NULL, OPT_SEGMENTS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	memset(out, 0, sizeof(*out));
	while ((opt = getopt_long(argc, argv, "m:H:r:f:o:w:j:vhV", longopts, NULL)) != -1)
		if ((rc = parse_one(opt, out)) >= 0)
			return rc;
	for (int i = optind; i < argc; i++)
		add_path(out, argv[i]);
	if (!out->messages && !out->n_inputs)
		return usage_error("%s", "give trace folders (PATH...) or --messages FILE");
	if (out->write_dir && !out->n_inputs)
		return usage_error("%s", "--write needs trace folders (PATH...)");
	if (out->output && out->matches_out && same_file(out->output, out->matches_out))
		return usage_error("%s", "--output and --matches-out name the same file");
	if (out->plot && ((out->output && same_file(out->output, out->plot)) ||
			  (out->matches_out && same_file(out->matches_out, out->plot))))
		return usage_error("%s", "--plot names the same file as another output");
	return -1;
}

void cli_free_options(struct cli_options *opts)
{
	free(opts->inputs);
	opts->inputs = NULL;
	opts->n_inputs = 0;
}
