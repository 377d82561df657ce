/* SPDX-License-Identifier: MIT */
/*
 * --matches-out: every matched message, as a CSV that --messages reads:
 * the four columns of --messages, then where the message came from (the
 * traces of its two events and its packet; empty when not known, as for
 * messages read with --messages), which --messages ignores.
 */
#ifndef LTTSYNC_CLI_MATCHES_OUT_H
#define LTTSYNC_CLI_MATCHES_OUT_H

#include <lttsync/lttsync.h>

#define CLI_MATCHES_HEADER \
	"send_host,send_ns,recv_host,recv_ns,send_trace,recv_trace,family," \
	"src_addr,dst_addr,src_port,dst_port,seq,ack_seq,flags"

/* Writes atomically; returns 0 or CLI_EXIT_ERROR after a message. */
int cli_write_matches(lttsync_session *s, const char *path);

#endif
