/* SPDX-License-Identifier: MIT */
/*
 * Tests of the trace decoder (liblttsync/read/decode.h) on bad input
 * (traces written here by hand, damaged on purpose, or garbage) and on
 * callbacks that stop the reading.
 */
#include <criterion/criterion.h>

#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "decode_testlib.h"
#include "../common/testfiles.h"

/* ---- bad input --------------------------------------------------------- */

/*
 * Network events lacking a field, or with one of another type: TCP
 * without ack_seq (modules), addons without flags, a modules class
 * without its network_header variant, addons flags as a string. Then an
 * ordinary event.
 */
static void write_malformed_trace(const char *dir)
{
	GString *m = meta_begin("h", NULL);
	char *no_ack = modules_fields(true, false);
	GByteArray *b = stream_begin();
	const net_ev tcp = { 0, 10, 4, 6, 1, 1, 2, 3, 4, 0x10, 5 };

	meta_event(m, 0, "net_dev_queue", no_ack);
	meta_event(m, 1, "inet_sock_local_in",
		   "uint64_t _sk; " BE32 " _seq; " BE32 " _ack_seq;");
	meta_event(m, 2, "net_if_receive_skb", SKB_PREFIX "enum : " U8
		   " { \"_unknown\" = 0, \"_ipv4\" = 1 } _network_header_type;");
	meta_event(m, 3, "inet_sock_local_out", "uint64_t _sk; " BE32 " _seq; " BE32
		   " _ack_seq; string _flags;");
	meta_event(m, 4, "sched_switch", OTHER_EVENT_FIELDS);
	meta_write(m, dir);
	g_free(no_ack);
	put_modules_event(b, &tcp, true, false);
	event_header(b, 1, 20);
	put_le(b, 1, 8);
	put_be(b, 5, 4);
	put_be(b, 6, 4);
	put_skb_prefix(b, 2, 30);
	put_le(b, 1, 1);
	event_header(b, 3, 40);
	put_le(b, 1, 8);
	put_be(b, 5, 4);
	put_be(b, 6, 4);
	put_str(b, "SA");
	put_other_event(b, 4, 50);
	stream_write(b, dir, "s");
}

Test(bad_input, missing_or_mistyped_fields_are_malformed)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;

	write_malformed_trace(dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.events, 5);
	cr_assert_eq(s.network_events, 4);
	cr_assert_eq(s.malformed, 4);
	cr_assert_eq(s.packets, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, missing_path_is_io)
{
	collect c;
	lsync_decode_stats s;
	char err[256];

	collect_init(&c);
	cr_assert_eq(decode("/nonexistent/lttsync/trace", &c, &s, err, sizeof(err)),
		     LTTSYNC_ERROR_IO);
	cr_assert(strstr(err, "/nonexistent/lttsync/trace"), "%s", err);
	cr_assert_eq(c.begins, 0);
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
}

Test(bad_input, null_arguments)
{
	lsync_decode_callbacks cb = { on_begin, NULL, NULL, NULL, NULL };
	lsync_decode_stats s;

	cr_assert_eq(lsync_decode_trace("/tmp", NULL, &s, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lsync_decode_trace("/tmp", &cb, &s, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(lsync_find_traces(NULL, NULL, NULL, NULL, 0),
		     LTTSYNC_ERROR_INVALID_ARGUMENT);
}

/* An empty folder is not a trace; a file is not a trace folder. */
Test(bad_input, empty_folder_and_plain_file_are_format)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	char *file = g_build_filename(dir, "notes.txt", NULL);
	collect c;
	lsync_decode_stats s;
	char err[256];

	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(err, "metadata"), "%s", err);
	test_write_file(dir, "notes.txt", "hello", 5);
	cr_assert_eq(decode(file, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert_eq(c.begins, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(file);
	g_free(dir);
}

/*
 * Garbage named metadata, three ways: plain random bytes, a text header
 * followed by garbage, and the packetized-metadata magic followed by
 * garbage. (babeltrace2 2.0.4 reads an uninitialised value on the first
 * one: valgrind reports it inside babeltrace-plugin-ctf.so.)
 */
static void check_garbage_metadata(const char *prefix, size_t prefix_len)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	uint8_t junk[4096];
	collect c;
	lsync_decode_stats s;
	char err[1024];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(g_random_int() | 1); /* no NUL: not an empty text */
	memcpy(junk, prefix, prefix_len);
	test_write_file(dir, "metadata", junk, sizeof(junk));
	test_write_file(dir, "channel0_0", junk, sizeof(junk));
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT);
	cr_assert(strstr(err, dir), "the message names the path: %s", err);
	cr_assert_eq(c.begins, 0);
	cr_assert_eq(s.events, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, random_bytes_metadata_is_format)
{
	check_garbage_metadata("", 0);
}

Test(bad_input, garbage_after_text_header_is_format)
{
	check_garbage_metadata("/* CTF 1.8 */\n", 14);
}

Test(bad_input, garbage_packetized_metadata_is_format)
{
	check_garbage_metadata("\x57\x1d\xd1\x75", 4);
}

/* A trace folder or metadata file that cannot be read: IO, not FORMAT. */
Test(bad_input, unreadable_trace_is_io)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	char *meta = g_build_filename(dir, "metadata", NULL);
	collect c;
	lsync_decode_stats s;
	char err[256];

	if (geteuid() == 0) {
		test_rm_rf(dir);
		g_free(meta);
		g_free(dir);
		cr_skip_test("running as root: permissions are not enforced");
	}
	test_write_file(dir, "metadata", "/* CTF 1.8 */", 13);
	collect_init(&c);
	cr_assert_eq(chmod(meta, 0), 0);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_IO, "%s", err);
	cr_assert_eq(chmod(meta, 0644), 0);
	cr_assert_eq(chmod(dir, 0), 0);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_IO, "%s", err);
	cr_assert(strstr(err, dir), "%s", err);
	cr_assert_eq(c.begins, 0);
	chmod(dir, 0700);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(meta);
	g_free(dir);
}

/*
 * Metadata without any stream file: a valid, empty trace (OK, 0 events).
 * No stream carries the environment, so the hostname is read from the
 * metadata text; without one, begin(NULL).
 */
static void check_metadata_only(const char *hostname)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin(hostname, NULL);
	collect c;
	lsync_decode_stats s;

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_event(m, 1, "env", "uint32_t _hostname;"); /* misleading words */
	meta_write(m, dir);
	collect_init(&c);
	decode_ok(dir, &c, &s);
	cr_assert_eq(s.streams, 0);
	cr_assert_eq(s.events, 0);
	if (hostname)
		cr_assert_str_eq(c.hostname, hostname);
	else
		cr_assert_null(c.hostname);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(bad_input, metadata_only_is_ok_and_empty)
{
	check_metadata_only("lonely");
	check_metadata_only(NULL);
}

/*
 * A stream without packet sizes is one packet: cut in the middle of an
 * event, the events before the cut are delivered, then FORMAT.
 */
Test(bad_input, truncated_stream_delivers_what_precedes)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("cut", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;
	char err[1024];
	guint cut = 0;

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (uint32_t i = 0; i < 8; i++) {
		if (i == 5)
			cut = b->len + 10; /* inside event 5's timestamp */
		put_addons_event(b, 0, 10 * (uint64_t)i, i, i, addons_a(LTTSYNC_TCP_ACK, 8));
	}
	g_byte_array_set_size(b, cut);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert(strstr(err, dir), "%s", err);
	cr_assert_eq(c.begins, 1);
	cr_assert_eq(s.events, 5);
	cr_assert_eq(c.packets->len, 5, "events before the cut are delivered");
	cr_assert_eq(s.packets, 5);
	cr_assert_eq(pkt(&c, 4)->flags, LTTSYNC_TCP_ACK);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/*
 * With packet sizes in the packet context, babeltrace2 2.0 indexes every
 * packet when it opens the trace: a truncated last packet fails there,
 * before any event is read. FORMAT, and nothing delivered.
 */
Test(bad_input, truncated_packet_fails_at_open)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("cut", "packet.context := struct { uint64_t packet_size;"
				" uint64_t content_size; };");
	GByteArray *b = g_byte_array_new();
	collect c;
	lsync_decode_stats s;
	char err[1024];

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (int packet = 0; packet < 2; packet++) {
		put_le(b, CTF_MAGIC, 4);
		put_le(b, 0, 4);
		put_le(b, 256 * 8, 8); /* packet_size, bits */
		put_le(b, (24 + 2 * 32) * 8, 8);
		for (uint32_t i = 0; i < 2; i++)
			put_addons_event(b, 0, 10 * (uint64_t)i + 100 * (uint64_t)packet,
					 i, i, addons_a(LTTSYNC_TCP_ACK, 8));
		while (b->len < 256u * (packet + 1))
			put_le(b, 0, 1);
	}
	g_byte_array_set_size(b, 256 + 100);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert(strstr(err, "index"), "babeltrace2's reason is included: %s", err);
	cr_assert_eq(c.packets->len, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* An unknown event id inside a well-formed packet: a decoding error. */
Test(bad_input, corrupt_event_delivers_what_precedes)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	GString *m = meta_begin("corrupt", NULL);
	GByteArray *b = stream_begin();
	collect c;
	lsync_decode_stats s;
	char err[1024];

	meta_event(m, 0, "inet_sock_local_out", ADDONS_FIELDS);
	meta_write(m, dir);
	for (uint32_t i = 0; i < 3; i++)
		put_addons_event(b, 0, i, i, i, addons_a(LTTSYNC_TCP_ACK, 8));
	event_header(b, 77, 5);
	put_le(b, 0, 8);
	put_le(b, 0, 8);
	stream_write(b, dir, "s");
	collect_init(&c);
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_FORMAT,
		     "%s", err);
	cr_assert_eq(s.events, 3);
	cr_assert_eq(c.packets->len, 3);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* ---- callbacks --------------------------------------------------------- */

Test(callbacks, packet_callback_stops_reading)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_modules_trace(dir, true);
	collect_init(&c);
	c.stop_after = 1;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(c.packets->len, 1);
	cr_assert_eq(s.packets, 2, "the refused packet was handed out too");
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

/* addons packets are held back: a stop while they are flushed counts too. */
Test(callbacks, packet_callback_stops_addons_flush)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_addons_trace(dir, false, 10);
	collect_init(&c);
	c.stop_after = 3;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_NOT_AVAILABLE);
	cr_assert_eq(c.packets->len, 3);
	cr_assert_eq(s.packets, 4);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}

Test(callbacks, begin_callback_stops_reading)
{
	char *dir = test_make_tmpdir("lttsync-decode");
	collect c;
	lsync_decode_stats s;
	char err[256];

	write_modules_trace(dir, false);
	collect_init(&c);
	c.begin_status = LTTSYNC_ERROR_INVALID_ARGUMENT;
	cr_assert_eq(decode(dir, &c, &s, err, sizeof(err)), LTTSYNC_ERROR_INVALID_ARGUMENT);
	cr_assert_eq(c.begins, 1);
	cr_assert_eq(c.packets->len, 0);
	collect_fini(&c);
	test_rm_rf(dir);
	g_free(dir);
}
