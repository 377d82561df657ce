/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the trace reader, lttsync_session_read_traces(), on
 * a trace folder written from the input into a private temporary folder.
 *
 * Input: byte 0 = flags (bit 0: pass host NULL so that the trace's
 * `hostname` environment entry names the host; else "fuzzhost"),
 * bytes 1-2 = metadata length L (little endian), then L bytes of
 * `metadata`, then the rest as the one stream file `channel0_0`.
 * fuzz/make_trace_seeds.py builds such inputs from trace folders.
 *
 * Checks: valid statuses; exactly one trace found; the trace's status is
 * OK, IO, FORMAT or INVALID_ARGUMENT (no hostname) with a non-empty
 * message when not OK; statistics are consistent (packets <= network
 * events <= events; no_header + not_tcp + malformed + packets <=
 * network events); the session can then be queried.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttsync/lttsync.h>

#include "trace_input.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)
#define MAX_INPUT (128 * 1024)


/* A declared status: OK or an error lttsync_status_string() knows. */
static int valid_status(lttsync_status st)
{
	return st == LTTSYNC_OK ||
	       (st < 0 && strcmp(lttsync_status_string(st), "unknown status") != 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace_input_init("lttsync-fuzz");
	return 0;
}

static void progress(void *user, const char *path, uint64_t events)
{
	(void)user;
	(void)events;
	CHECK(path != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lttsync_session *s;
	lttsync_status st, ts;
	size_t count = 0;
	uint8_t flags;
	uint64_t stat[7];

	if (size < 3 || size > MAX_INPUT)
		return 0;
	trace_input_write(data, size, &flags);

	CHECK(lttsync_session_create(&s) == LTTSYNC_OK);
	/* Decode in this process: the harness fuzzes decode.c itself. */
	CHECK(lttsync_session_set_read_jobs(s, 0) == LTTSYNC_OK);
	st = lttsync_session_read_traces(&count, s, trace_dir, (flags & 1) ? NULL : "fuzzhost",
					 progress, NULL);
	CHECK(valid_status(st));
	CHECK(count == 1);
	CHECK(lttsync_session_get_trace_count(s) == 1);
	ts = lttsync_session_get_trace_status(s, 0);
	CHECK(ts == LTTSYNC_OK || ts == LTTSYNC_ERROR_IO || ts == LTTSYNC_ERROR_FORMAT ||
	      ts == LTTSYNC_ERROR_INVALID_ARGUMENT || ts == LTTSYNC_ERROR_NO_DATA);
	/* The call's status follows its one trace: OK when it fed a packet,
	 * NO_DATA when it was read without, IO when it could not be read. */
	{
		uint64_t fed = 0;

		CHECK(lttsync_session_get_trace_stat(&fed, s, 0, LTTSYNC_TRACE_STAT_PACKETS) ==
		      LTTSYNC_OK);
		CHECK(st == (fed ? LTTSYNC_OK
			     : ts == LTTSYNC_OK || ts == LTTSYNC_ERROR_NO_DATA ? LTTSYNC_ERROR_NO_DATA
			     : LTTSYNC_ERROR_IO));
		CHECK(ts != LTTSYNC_OK || fed);
		CHECK((ts == LTTSYNC_ERROR_NO_DATA) == (ts != LTTSYNC_OK && !fed &&
			strstr(lttsync_session_get_trace_message(s, 0), "no usable network events")));
	}
	CHECK(lttsync_session_get_trace_message(s, 0) != NULL);
	if (ts != LTTSYNC_OK)
		CHECK(lttsync_session_get_trace_message(s, 0)[0] != '\0');
	for (int i = 0; i < 7; i++)
		CHECK(lttsync_session_get_trace_stat(&stat[i], s, 0, (lttsync_trace_stat)i) == LTTSYNC_OK);
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "status %d '%s': streams %llu events %llu network %llu packets %llu "
			"no_header %llu not_tcp %llu malformed %llu\n", (int)ts,
			lttsync_session_get_trace_message(s, 0),
			(unsigned long long)stat[0], (unsigned long long)stat[1],
			(unsigned long long)stat[2], (unsigned long long)stat[3],
			(unsigned long long)stat[4], (unsigned long long)stat[5],
			(unsigned long long)stat[6]);
	CHECK(stat[LTTSYNC_TRACE_STAT_NETWORK_EVENTS] <= stat[LTTSYNC_TRACE_STAT_EVENTS]);
	CHECK(stat[LTTSYNC_TRACE_STAT_PACKETS] <= stat[LTTSYNC_TRACE_STAT_NETWORK_EVENTS]);
	CHECK(stat[LTTSYNC_TRACE_STAT_NO_HEADER] + stat[LTTSYNC_TRACE_STAT_NOT_TCP] +
	      stat[LTTSYNC_TRACE_STAT_MALFORMED] + stat[LTTSYNC_TRACE_STAT_PACKETS] <=
	      stat[LTTSYNC_TRACE_STAT_NETWORK_EVENTS]);
	{
		uint64_t packets;
		lttsync_host_id h, r;

		CHECK(lttsync_session_get_counter(&packets, s, LTTSYNC_COUNTER_PACKETS) == LTTSYNC_OK);
		CHECK(packets == stat[LTTSYNC_TRACE_STAT_PACKETS]);
		if (lttsync_session_get_trace_host(&h, s, 0) == LTTSYNC_OK) {
			CHECK(h < lttsync_session_get_host_count(s));
			CHECK(lttsync_session_get_reference(&r, s) == LTTSYNC_OK);
		}
	}
	lttsync_session_destroy(s);
	unlink(trace_meta);
	unlink(trace_stream);
	return 0;
}
