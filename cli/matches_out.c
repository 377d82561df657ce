/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "matches_out.h"
#include "messages_csv.h"
#include "options.h"

static void write_pair(lttsync_session *s, size_t index, FILE *fp)
{
	lttsync_host_id a, b;
	lttsync_message m;
	size_t n = 0;

	if (lttsync_session_get_pair(&a, &b, s, index) ||
	    lttsync_session_get_kept_message_count(&n, s, a, b))
		return;
	for (size_t i = 0; i < n; i++) {
		if (lttsync_session_get_kept_message(&m, s, a, b, i) != LTTSYNC_OK)
			continue;
		cli_write_host_field(fp, lttsync_session_get_host_name(s, m.send_host));
		fprintf(fp, ",%" PRId64 ",", m.send_ns);
		cli_write_host_field(fp, lttsync_session_get_host_name(s, m.recv_host));
		fprintf(fp, ",%" PRId64 "\n", m.recv_ns);
	}
}

int cli_write_matches(lttsync_session *s, const char *path)
{
	struct atomic_file af;
	size_t pairs = lttsync_session_get_pair_count(s);

	if (atomic_file_open(&af, path) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	fputs("send_host,send_ns,recv_host,recv_ns\n", af.fp);
	for (size_t i = 0; i < pairs; i++)
		write_pair(s, i, af.fp);
	if (atomic_file_commit(&af) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return 0;
}
