/* SPDX-License-Identifier: MIT */
/*
 * The two halves of reading a `--messages` CSV, on two threads: a reader
 * thread parses the file into batches of messages (host numbers of its
 * own, times, line numbers), and the calling thread feeds them to the
 * session in the same order, so that the session, and every call on it
 * (host names included), stays on the caller's thread. A small ring of
 * batches between them bounds the memory whatever the file's size.
 */
#ifndef LTTSYNC_CLI_MESSAGES_PIPE_H
#define LTTSYNC_CLI_MESSAGES_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lttsync/lttsync.h>

/* One message: hosts numbered by the reader in order of first use. */
struct msg_record {
	int64_t send_ns, recv_ns;
	uint32_t from, to;
	unsigned long line;
};

/* A host name first used in a batch: its bytes (NUL after len). */
struct msg_name {
	const char *name;
	size_t len;
};

struct msg_batch {
	struct msg_record *rec;
	size_t n;
	struct msg_name *names; /* in order of first use by rec */
	size_t n_names, names_cap;
};

struct msg_pipe;

/*
 * The reader's work: parse the input, calling msg_pipe_record() and
 * msg_pipe_name(); its error, if any, "NAME:LINE: reason" in err.
 */
typedef int (*msg_read_fn)(void *reader, struct msg_pipe *pipe, char *err,
			   size_t err_size);

/*
 * Run read(reader, ...) on a thread of its own (or, when none can be
 * started, on this one) and feed its messages to s on this thread. The
 * first error, the reader's or the session's, in the order of the lines,
 * is written into err; non-zero then.
 */
int msg_pipe_run(lttsync_session *s, const char *file, msg_read_fn read,
		 void *reader, char *err, size_t err_size);

/*
 * The batch being filled, with room for one more record (the full one is
 * handed over first), or NULL when the run stops because the feeding
 * side failed: the reader then returns at once (non-zero), without an
 * error of its own. The reader adds to `names` (growing it) the names first used
 * by the record it adds next.
 */
struct msg_batch *msg_pipe_room(struct msg_pipe *pipe);

/* Records per batch. */
#define MSG_BATCH 16384

#endif
