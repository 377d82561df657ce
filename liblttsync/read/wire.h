/* SPDX-License-Identifier: MIT */
/*
 * The record stream lttsync-decoder (decoder/lttsync-decoder.c) writes on its stdout and
 * the library (workers.c) reads: one trace's decode result.
 *
 * Both ends are built from the same tree for the same machine, so records
 * carry native-endian structs; the HELLO record (magic, version, sizes)
 * makes a decoder from another build fail cleanly instead of being
 * misread. Every record is a header then `size` payload bytes:
 *
 *   HELLO     lsync_wire_hello                       first record, once
 *   BEGIN     u8 has_host, the hostname bytes, and   once, before PACKETS
 *             when the clock has a UUID: NUL, its 16 bytes
 *   PACKETS   1..LSYNC_WIRE_BATCH lttsync_packet     trace field unused
 *   PROGRESS  u64 events read so far
 *   END       lsync_wire_end, then the message bytes  last record
 *
 * A stream that ends before END, a record of unknown type or of a size its
 * type does not allow is that trace's failure (the reader never trusts
 * the sizes beyond LSYNC_WIRE_MAX_PAYLOAD).
 */
#ifndef LTTSYNC_WIRE_H
#define LTTSYNC_WIRE_H

#include <stdint.h>

#include <lttsync/lttsync.h>

#include "decode.h"

#define LSYNC_WIRE_MAGIC 0x57535459u /* "YTSW" */
#define LSYNC_WIRE_VERSION 1u
/* Packets per PACKETS record: small enough to keep traces in lockstep
 * (a 64 KiB pipe holds a few batches), large enough to amortise a read. */
#define LSYNC_WIRE_BATCH 128u
/* The largest payload (9 KiB): a batch; longer host names are cut there
 * (still longer than add_host() accepts), messages are much shorter. */
#define LSYNC_WIRE_MAX_PAYLOAD (LSYNC_WIRE_BATCH * sizeof(lttsync_packet))

typedef enum lsync_wire_type {
	LSYNC_WIRE_HELLO = 1,
	LSYNC_WIRE_BEGIN = 2,
	LSYNC_WIRE_PACKETS = 3,
	LSYNC_WIRE_PROGRESS = 4,
	LSYNC_WIRE_END = 5,
} lsync_wire_type;

typedef struct lsync_wire_header {
	uint32_t type; /* lsync_wire_type */
	uint32_t size; /* payload bytes that follow */
} lsync_wire_header;

typedef struct lsync_wire_hello {
	uint32_t magic;
	uint32_t version;
	uint32_t packet_size; /* sizeof(lttsync_packet) */
	uint32_t stats_size;  /* sizeof(lsync_decode_stats) */
} lsync_wire_hello;

typedef struct lsync_wire_end {
	int32_t status;       /* lttsync_status of lsync_decode_trace() */
	uint32_t reserved;
	lsync_decode_stats stats;
} lsync_wire_end;

/* Command-line options of lttsync-decoder, before the trace folder. */
#define LSYNC_DECODER_OPT_LIMIT "--address-space-limit"
/* Read with libbabeltrace2 only (lttsync_session_set_reader()). */
#define LSYNC_DECODER_OPT_BABELTRACE2 "--babeltrace2"
/* Threads decoding the trace's stream files (our reader only). */
#define LSYNC_DECODER_OPT_THREADS "--threads"

#endif
