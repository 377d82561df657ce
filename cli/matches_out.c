/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "matches_out.h"
#include "messages_csv.h"
#include "options.h"

/*
 * A trace's name (its folder) as a field: quoted like a host name when
 * needed; a control byte, which would end the line, written as '?'.
 */
static void write_trace_field(FILE *fp, lttsync_session *s, lttsync_trace_id t)
{
	const char *name = t == LTTSYNC_TRACE_NONE ? NULL
						   : lttsync_session_get_trace_name(s, t);
	char *copy;

	if (!name || !name[0])
		return;
	copy = strdup(name);
	if (!copy) { /* then written as a '?' */
		putc('?', fp);
		return;
	}
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	cli_write_host_field(fp, copy);
	free(copy);
}

static void write_address(FILE *fp, unsigned family, const uint8_t *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, text, sizeof(text)))
		fputs(text, fp);
}

/* The packet's columns: empty when not known. */
static void write_packet(FILE *fp, const lttsync_match *m)
{
	bool addr = m->has_packet && (m->family == 4 || m->family == 6);

	if (addr)
		fprintf(fp, "%u", m->family);
	putc(',', fp);
	if (addr)
		write_address(fp, m->family, m->src_addr);
	putc(',', fp);
	if (addr)
		write_address(fp, m->family, m->dst_addr);
	putc(',', fp);
	if (m->has_packet && m->has_ports)
		fprintf(fp, "%u,%u", m->src_port, m->dst_port);
	else
		putc(',', fp);
	if (m->has_packet)
		fprintf(fp, ",%" PRIu32 ",%" PRIu32 ",0x%02x", m->seq, m->ack_seq,
			m->flags);
	else
		fputs(",,,", fp);
}

static void write_match(FILE *fp, lttsync_session *s, const lttsync_match *m)
{
	cli_write_host_field(fp, lttsync_session_get_host_name(s, m->message.send_host));
	fprintf(fp, ",%" PRId64 ",", m->message.send_ns);
	cli_write_host_field(fp, lttsync_session_get_host_name(s, m->message.recv_host));
	fprintf(fp, ",%" PRId64 ",", m->message.recv_ns);
	write_trace_field(fp, s, m->send_trace);
	putc(',', fp);
	write_trace_field(fp, s, m->recv_trace);
	putc(',', fp);
	write_packet(fp, m);
	putc('\n', fp);
}

int cli_write_matches(lttsync_session *s, const char *path)
{
	struct atomic_file af;
	size_t n = 0;

	if (atomic_file_open(&af, path) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	fputs(CLI_MATCHES_HEADER "\n", af.fp);
	if (lttsync_session_get_kept_match_count(&n, s) != LTTSYNC_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		lttsync_match m;

		lttsync_match_init(&m);
		if (lttsync_session_get_kept_match(&m, s, i) == LTTSYNC_OK)
			write_match(af.fp, s, &m);
	}
	if (atomic_file_commit(&af) != 0) {
		fprintf(stderr, "lttsync: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return 0;
}
