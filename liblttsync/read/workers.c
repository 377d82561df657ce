/* SPDX-License-Identifier: MIT */
/*
 * Decoding traces in lttsync-decoder worker processes (reading.h).
 *
 * Why processes: babeltrace2 2.0.4 abort()s on some malformed metadata
 * and allocates without bound on others; in a child that only ends the
 * child, whose death becomes the trace's status. Why side by side: the
 * children's packets are fed merged by time (a min-heap on each child's
 * next packet, keyed by its timestamp less its host's lead, leads.c), so
 * a key waits in the pending table only for the latency between hosts,
 * not for whole traces (doc/matching.md). Output is bounded: a child
 * whose packets are ahead fills its pipe, then a 16 MiB spool of its own
 * (lttsync-decoder.c), then blocks, which keeps the children within that
 * of each other and the parent's buffers at one batch per child.
 *
 * Children are started with posix_spawn (never fork-and-continue: the
 * caller may be multithreaded), every descriptor close-on-exec, stdin
 * /dev/null, stderr a memory file whose last line explains a crash. The
 * parent only reads from the pipes (no SIGPIPE possible here) and reaps
 * each child it started with waitpid on its pid; it never touches the
 * caller's signal dispositions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_CONFIG_H
#include "config.h" /* HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP */
#endif
#include "descriptors.h"
#include "merge_heap.h"
#include "reading.h"
#include "wire.h"

extern char **environ;

#ifndef LTTSYNC_DECODER_PATH
#define LTTSYNC_DECODER_PATH "lttsync-decoder"
#endif

/* Address space of a decoder when the session has no memory limit; with
 * one, the limit itself, but never below the floor babeltrace2 needs to
 * start (its libraries and plugins map about 100 MiB). */
#define DEFAULT_CHILD_AS ((size_t)4 << 30)
#define MIN_CHILD_AS ((size_t)256 << 20)
/* Pipe buffer per worker: 1 MiB, the default most a user may ask for. */
#define PIPE_BYTES (1 << 20)

typedef enum worker_state {
	RUNNING,   /* records may follow */
	ENDED,     /* the END record came: status and stats are the decoder's */
	STOPPED,   /* the parent stopped it (a callback failed, garbled output) */
	LOST,      /* the stream ended without END: the decoder died */
} worker_state;

typedef struct worker {
	lttsync_session *s;    /* whose lttsync_session_cancel() stops it */
	lsync_job *job;
	pid_t pid;
	int fd;                /* the pipe, -1 once closed */
	int errfd;             /* the child's stderr (memory file), or -1 */
	worker_state state;
	bool begun;            /* BEGIN seen */
	lttsync_packet batch[LSYNC_WIRE_BATCH];
	size_t len, pos;       /* packets in batch, next to feed */
	int64_t lead;          /* its host's lead (leads.c) when last looked */
	bool first_batch;      /* its first batch is being fed (merged first) */
	unsigned threads;      /* the decoder's (lsync_read_threads()) */
	lttsync_status status; /* ENDED, STOPPED: how reading went */
	char why[LSYNC_ERROR_MAX];
	lsync_decode_stats stats; /* ENDED: the decoder's */
	uint64_t events;       /* last progress, for stats without END */
	uint64_t fed;          /* packets fed, likewise */
	bool reaped;           /* the decoder exited and was waited for: */
	int wait_status;       /* its status */
} worker;

typedef struct pool {
	lttsync_session *s;
	lttsync_progress_fn progress;
	void *user_data;
	lsync_merge_heap h;    /* workers with a packet to feed, by head() */
	struct pollfd *fds;    /* feed_ready(): one per worker */
	worker **live;         /* started and not finished */
	size_t n_live;
	bool merge;            /* every job in flight at once: merge by time */
	size_t cursor;         /* feed_ready(): where the next turn starts */
	bool checked;          /* the decoder's path was checked */
	bool in_process;       /* the decoder cannot be started: decode here */
	unsigned threads;      /* threads a decoder may use (lsync_read_threads()) */
	char spawn_error[LSYNC_ERROR_MAX];
	char payload[LSYNC_WIRE_MAX_PAYLOAD];
} pool;

/* ---- starting a decoder ------------------------------------------------ */

static const char *decoder_path(void)
{
	/* secure_getenv: a set-user-ID caller must not run a program of its
	 * user's choosing. */
	const char *p = secure_getenv("LTTSYNC_DECODER");

	return p && p[0] ? p : LTTSYNC_DECODER_PATH;
}

static size_t child_limit(const lttsync_session *s)
{
	if (!s->memory_limit)
		return DEFAULT_CHILD_AS;
	return s->memory_limit > MIN_CHILD_AS ? s->memory_limit : MIN_CHILD_AS;
}

/* stdin /dev/null, stdout the pipe, stderr the memory file, nothing else. */
static int child_files(posix_spawn_file_actions_t *fa, int out, int err)
{
	int rc = posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null",
						  O_RDONLY, 0);

	if (!rc)
		rc = posix_spawn_file_actions_adddup2(fa, out, STDOUT_FILENO);
	if (!rc && err >= 0)
		rc = posix_spawn_file_actions_adddup2(fa, err, STDERR_FILENO);
	else if (!rc)
		rc = posix_spawn_file_actions_addopen(fa, STDERR_FILENO, "/dev/null",
						      O_WRONLY, 0);
#ifdef HAVE_POSIX_SPAWN_FILE_ACTIONS_ADDCLOSEFROM_NP
	/* Descriptors the caller left inheritable are none of the child's. */
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(fa, STDERR_FILENO + 1);
#endif
	return rc;
}

/* Default SIGPIPE (the caller may ignore it) and no blocked signal. */
static int child_attr(posix_spawnattr_t *at)
{
	sigset_t def, none;

	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigemptyset(&none);
	if (posix_spawnattr_setsigdefault(at, &def) ||
	    posix_spawnattr_setsigmask(at, &none))
		return EINVAL;
	return posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGDEF |
					    POSIX_SPAWN_SETSIGMASK);
}

static int spawn_decoder(worker *w, const lttsync_session *s, int out)
{
	char limit[32], threads[16];
	char *argv[8];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int rc, a = 0;

	snprintf(limit, sizeof(limit), "%zu", child_limit(s));
	snprintf(threads, sizeof(threads), "%u", w->threads);
	argv[a++] = (char *)decoder_path();
	argv[a++] = LSYNC_DECODER_OPT_LIMIT;
	argv[a++] = limit;
	if (w->threads > 1) {
		argv[a++] = LSYNC_DECODER_OPT_THREADS;
		argv[a++] = threads;
	}
	if (s->read.reader == LTTSYNC_READER_BABELTRACE2)
		argv[a++] = LSYNC_DECODER_OPT_BABELTRACE2;
	argv[a++] = w->job->folder;
	argv[a] = NULL;
	if ((rc = posix_spawn_file_actions_init(&fa)))
		return rc;
	if ((rc = posix_spawnattr_init(&at))) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	rc = child_files(&fa, out, w->errfd);
	if (!rc)
		rc = child_attr(&at);
	if (!rc)
		rc = posix_spawn(&w->pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Start a decoder for w->job; returns 0 or an errno value. */
static int start(worker *w, const lttsync_session *s)
{
	int p[2], rc;

	w->fd = -1;
	if (pipe2(p, O_CLOEXEC) != 0)
		return errno;
	/* No memory file (no memfd): stderr is /dev/null, the crash
	 * message then lacks the decoder's last words. */
	w->errfd = memfd_create("lttsync-decoder-stderr", MFD_CLOEXEC);
	rc = spawn_decoder(w, s, p[1]);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return rc;
	}
	/* Room for a worker to run ahead while the merge feeds the others;
	 * the feed order, and so the pending table, does not depend on it. */
	fcntl(p[0], F_SETPIPE_SZ, PIPE_BYTES);
	w->fd = p[0];
	return 0;
}

/* ---- reading records --------------------------------------------------- */

static void stop(worker *w, lttsync_status st, const char *why);

/* Default seconds a decoder may write nothing before its trace fails. */
#define DEFAULT_SILENCE_S 120
/* How often a silent decoder is checked on (ms). */
#define CHECK_MS 250

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* LTTSYNC_DECODER_TIMEOUT (seconds, lttsync.1), or the default. */
static double silence_limit(void)
{
	const char *v = getenv("LTTSYNC_DECODER_TIMEOUT");
	char *end;
	double s = v && v[0] ? strtod(v, &end) : 0;

	return v && v[0] && !*end && s > 0 ? s : DEFAULT_SILENCE_S;
}

/*
 * Wait until w's pipe has data. Not only the pipe: a decoder that exits
 * while a child of its own holds the pipe open would leave it open
 * forever, so the process is checked on too (it is then reaped here);
 * and one that writes nothing for silence_limit() seconds (babeltrace2
 * spinning on corrupt metadata) while this process waits for it fails
 * its trace. False when no data will come (w->state says why when it was
 * stopped).
 */
static bool wait_data(worker *w)
{
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
	struct timespec since;
	char why[128];
	int r;

	clock_gettime(CLOCK_MONOTONIC, &since);
	for (;;) {
		r = poll(&pfd, 1, w->reaped ? 0 : CHECK_MS);
		if (r > 0)
			return true;
		if (r < 0 && errno == EINTR)
			continue;
		if (lsync_read_cancelled(w->s)) {
			stop(w, LTTSYNC_ERROR_CANCELLED,
			     lsync_stop_reason(LTTSYNC_ERROR_CANCELLED, true));
			return false;
		}
		if (r < 0 || w->reaped)
			return false;
		if (waitpid(w->pid, &w->wait_status, WNOHANG) == w->pid) {
			w->reaped = true; /* drain what it wrote, then stop */
			continue;
		}
		if (seconds_since(&since) > silence_limit()) {
			snprintf(why, sizeof(why), "lttsync-decoder wrote nothing for "
				 "%.0f s (babeltrace2 stuck decoding the trace?): "
				 "stopped (LTTSYNC_DECODER_TIMEOUT)", silence_limit());
			stop(w, LTTSYNC_ERROR_FORMAT, why);
			return false;
		}
	}
}

/* Read exactly n bytes; false on end of stream, error or a silent or
 * vanished decoder. */
static bool read_exact(worker *w, void *buf, size_t n)
{
	char *c = buf;

	while (n) {
		ssize_t k;

		if (!wait_data(w))
			return false;
		k = read(w->fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		c += k;
		n -= (size_t)k;
	}
	return true;
}

/* The parent stops reading this trace with `st` (the decoder is killed). */
static void stop(worker *w, lttsync_status st, const char *why)
{
	w->state = STOPPED;
	w->status = st;
	w->len = w->pos = 0;
	g_strlcpy(w->why, why, sizeof(w->why));
}

static void garbled(worker *w, const char *what)
{
	char why[LSYNC_ERROR_MAX];

	snprintf(why, sizeof(why), "malformed output from lttsync-decoder (%s)", what);
	stop(w, LTTSYNC_ERROR_FORMAT, why);
}

static bool expect_size(worker *w, const lsync_wire_header *h, size_t want)
{
	if (h->size == want)
		return true;
	garbled(w, "record of a wrong size");
	return false;
}

static void on_hello(worker *w, const char *payload)
{
	lsync_wire_hello hi;

	memcpy(&hi, payload, sizeof(hi));
	if (hi.magic != LSYNC_WIRE_MAGIC || hi.version != LSYNC_WIRE_VERSION ||
	    hi.packet_size != sizeof(lttsync_packet) ||
	    hi.stats_size != sizeof(lsync_decode_stats))
		garbled(w, "another version of the record stream");
}

static void on_begin(pool *p, worker *w, const char *payload, uint32_t size)
{
	const char *nul = memchr(payload + 1, '\0', size - 1);
	size_t name_len = nul ? (size_t)(nul - payload - 1) : size - 1;
	/* The clock UUID follows the name's NUL (wire.h). */
	const uint8_t *clock = nul && size - 1 - name_len == 17
				       ? (const uint8_t *)nul + 1 : NULL;
	char *host = payload[0] ? g_strndup(payload + 1, name_len) : NULL;

	w->begun = true;
	p->s->error[0] = '\0';
	if (lsync_job_begin(p->s, w->job, host, clock))
		stop(w, LTTSYNC_ERROR_INVALID_ARGUMENT, p->s->error);
	lsync_clear_error(p->s);
	g_free(host);
}

static void on_end(worker *w, const char *payload, uint32_t size)
{
	lsync_wire_end end;
	size_t n = size - sizeof(end);

	memcpy(&end, payload, sizeof(end));
	if (n >= sizeof(w->why))
		n = sizeof(w->why) - 1;
	memcpy(w->why, payload + sizeof(end), n);
	w->why[n] = '\0';
	w->status = end.status;
	w->stats = end.stats;
	w->state = ENDED;
}

static void on_packets(worker *w, const char *payload, uint32_t size)
{
	if (!size || size % sizeof(lttsync_packet) || !w->begun) {
		garbled(w, "misplaced or partial packet record");
		return;
	}
	memcpy(w->batch, payload, size);
	w->len = size / sizeof(lttsync_packet);
	w->pos = 0;
}

static void on_progress(pool *p, worker *w, const char *payload)
{
	memcpy(&w->events, payload, sizeof(w->events));
	if (p->progress)
		p->progress(p->user_data, w->job->folder, w->events);
}

/* Act on one record (sizes within LSYNC_WIRE_MAX_PAYLOAD). */
static void dispatch(pool *p, worker *w, const lsync_wire_header *h)
{
	const char *payload = p->payload;

	switch (h->type) {
	case LSYNC_WIRE_HELLO:
		if (expect_size(w, h, sizeof(lsync_wire_hello)))
			on_hello(w, payload);
		return;
	case LSYNC_WIRE_BEGIN:
		if (h->size < 1 || w->begun)
			garbled(w, "misplaced BEGIN record");
		else
			on_begin(p, w, payload, h->size);
		return;
	case LSYNC_WIRE_PACKETS:
		on_packets(w, payload, h->size);
		return;
	case LSYNC_WIRE_PROGRESS:
		if (expect_size(w, h, sizeof(uint64_t)))
			on_progress(p, w, payload);
		return;
	case LSYNC_WIRE_END:
		if (h->size < sizeof(lsync_wire_end))
			garbled(w, "short END record");
		else
			on_end(w, payload, h->size);
		return;
	}
	garbled(w, "unknown record type");
}

/*
 * Read records until a batch of packets is ready or the worker is no
 * longer running. Returns true when a packet is ready.
 */
static bool refill(pool *p, worker *w)
{
	lsync_wire_header h;

	w->len = w->pos = 0;
	while (w->state == RUNNING && !w->len) {
		if (!read_exact(w, &h, sizeof(h))) {
			if (w->state == RUNNING)
				w->state = LOST;
		} else if (h.size > sizeof(p->payload)) {
			garbled(w, "record too large");
		} else if (!read_exact(w, p->payload, h.size)) {
			if (w->state == RUNNING)
				w->state = LOST;
		} else {
			dispatch(p, w, &h);
		}
	}
	return w->len > 0;
}

/* ---- finishing --------------------------------------------------------- */

/* Control characters of a line the decoder wrote, masked. */
static void mask_controls(char *line)
{
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

/*
 * Up to sizeof(buf) - 1 bytes of the decoder's stderr from `from`
 * (negative: that many bytes before the end), NUL-terminated.
 */
static ssize_t read_stderr(int fd, char *buf, size_t size, off_t from)
{
	off_t end = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	ssize_t n;

	buf[0] = '\0';
	if (end <= 0)
		return 0;
	if (from < 0)
		from = end + from > 0 ? end + from : 0;
	n = pread(fd, buf, size - 1, from);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? n : 0;
}

/*
 * The decoder's last words: the last line it wrote on stderr, or, when a
 * sanitizer reported (its first line says why, a memory map follows),
 * the first line.
 */
static void stderr_tail(int fd, char *out, size_t size)
{
	char buf[512], *line, *nl;
	ssize_t n = read_stderr(fd, buf, sizeof(buf), 0);

	out[0] = '\0';
	if (n > 0 && strstr(buf, "Sanitizer")) {
		line = buf;
		if ((nl = strchr(buf, '\n')))
			*nl = '\0';
	} else {
		n = read_stderr(fd, buf, sizeof(buf), -(off_t)sizeof(buf) + 1);
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		line = strrchr(buf, '\n');
		line = line ? line + 1 : buf;
	}
	if (!line[0])
		return;
	mask_controls(line);
	snprintf(out, size, ": %.*s", (int)(size > 3 ? size - 3 : 0), line);
}

/* Allocation failures as glib, babeltrace2 and ASan report them. */
static bool looks_out_of_memory(const char *tail)
{
	return strstr(tail, "failed to allocate") || strstr(tail, "Cannot allocate") ||
	       strstr(tail, "out of memory") || strstr(tail, "rss limit");
}

/* The signal's name; strsignal() may use a shared buffer, this cannot. */
static const char *signal_name(int sig)
{
#ifdef HAVE_SIGDESCR_NP
	const char *d = sigdescr_np(sig);

	if (d)
		return d;
#endif
	(void)sig;
	return "unnamed signal";
}

/* Why a decoder died before its END record. */
static void describe_death(pool *p, worker *w, int ws, bool reaped)
{
	char tail[300];

	stderr_tail(w->errfd, tail, sizeof(tail));
	w->status = LTTSYNC_ERROR_FORMAT;
	if (!reaped)
		snprintf(w->why, sizeof(w->why), "lttsync-decoder ended without its "
			 "result (exit status lost: is SIGCHLD ignored?)%s", tail);
	else if (WIFSIGNALED(ws) && looks_out_of_memory(tail))
		snprintf(w->why, sizeof(w->why), "babeltrace2 ran out of memory "
			 "decoding the trace (limit %zu MiB; signal %d, %s)%s",
			 child_limit(p->s) >> 20, WTERMSIG(ws),
			 signal_name(WTERMSIG(ws)), tail);
	else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL)
		/* Nothing in the decoder sends itself SIGKILL. */
		snprintf(w->why, sizeof(w->why), "lttsync-decoder was killed (signal "
			 "%d, %s: by another process, or by the kernel when memory "
			 "ran out)%s", WTERMSIG(ws), signal_name(WTERMSIG(ws)), tail);
	else if (WIFSIGNALED(ws))
		snprintf(w->why, sizeof(w->why), "babeltrace2 crashed decoding the "
			 "trace (signal %d, %s)%s", WTERMSIG(ws),
			 signal_name(WTERMSIG(ws)), tail);
	else if (looks_out_of_memory(tail))
		snprintf(w->why, sizeof(w->why), "babeltrace2 ran out of memory "
			 "decoding the trace (limit %zu MiB; exit status %d)%s",
			 child_limit(p->s) >> 20, WEXITSTATUS(ws), tail);
	else
		snprintf(w->why, sizeof(w->why), "lttsync-decoder exited with status "
			 "%d before its result%s", WEXITSTATUS(ws), tail);
}

/* Wait for the decoder; false when its status cannot be had. */
static bool reap(pid_t pid, int *ws)
{
	while (waitpid(pid, ws, 0) < 0)
		if (errno != EINTR)
			return false;
	return true;
}

/* End the decoder (killed unless it said END), record the trace's outcome. */
static void finish(pool *p, worker *w)
{
	lsync_trace *t = lsync_session_trace(p->s, w->job->trace);
	int ws = 0;
	bool reaped;

	/* Closing first: a decoder blocked on a full pipe gets EPIPE. Only a
	 * decoder stopped mid-stream is killed: one that closed its output
	 * has exited or is exiting (and if the caller ignores SIGCHLD, its
	 * pid may already belong to another process). */
	close(w->fd);
	if (w->state == STOPPED && !w->reaped)
		kill(w->pid, SIGKILL);
	if (w->reaped) {
		ws = w->wait_status;
		reaped = true;
	} else {
		reaped = reap(w->pid, &ws);
	}
	if (w->state == LOST)
		describe_death(p, w, ws, reaped);
	if (w->state == ENDED) {
		t->stats = w->stats;
	} else {
		/* What is known without the decoder's count: every packet fed
		 * came from a network event. */
		t->stats.events = w->events > w->fed ? w->events : w->fed;
		t->stats.network_events = w->fed;
		t->stats.packets = w->fed;
	}
	lsync_job_settle(p->s, w->job, w->status, w->why);
	if (w->errfd >= 0)
		close(w->errfd);
	g_free(w);
}

/* ---- decoding here, when no decoder can be started --------------------- */

/* Say in the trace's message that it was decoded in this process. */
static void note_here(pool *p, const lsync_job *j)
{
	lsync_trace *t = lsync_session_trace(p->s, j->trace);
	char *msg;

	msg = t->message ? g_strdup_printf("%s (%s)", t->message, p->spawn_error)
			 : g_strdup_printf("%s: %s", j->folder, p->spawn_error);
	g_free(t->message);
	t->message = msg;
}

/* Decode in this process, noted. */
static lttsync_status decode_here_noted(pool *p, lsync_job *j)
{
	lttsync_status st = lsync_job_decode_here(p->s, j, p->threads, p->progress,
						  p->user_data);

	note_here(p, j);
	return st;
}

/* Errors that no later attempt will cure: the decoder is missing or not runnable. */
static bool permanent(int err)
{
	return err == ENOENT || err == EACCES || err == ENOEXEC || err == ENOTDIR ||
	       err == ELOOP || err == EPERM;
}

/* ---- the merge ------------------------------------------------------------ */

/*
 * A worker's place in the merge: its next packet's time less its lead.
 * Every worker's first batch comes first, as a trace not yet started
 * does in here.c: traces recorded together begin at about the same true
 * time, so their first packets meet in the table and give every pair its
 * first match, hence the leads, at once. Merged on raw timestamps
 * instead, a host whose clock is seconds behind was fed alone for those
 * seconds, its keys evicted by a small table before its peers' arrived,
 * and its lead learned late if at all.
 */
static int64_t head(const void *item)
{
	const worker *w = item;

	if (w->first_batch)
		return INT64_MIN;
	return lsync_merge_key(w->batch[w->pos].timestamp_ns, w->lead);
}

static void look_up_lead(pool *p, worker *w)
{
	w->lead = lsync_session_lead(p->s, lsync_session_trace(p->s, w->job->trace)->host);
}

/* The i-th worker of the heap (or of feed_ready()'s plain list). */
static worker *at(const pool *p, size_t i)
{
	return p->h.item[i];
}

/* Between batches: when the leads changed, every key moved; rebuild. */
static void follow_leads(pool *p)
{
	if (!lsync_session_refresh_leads(p->s))
		return;
	for (size_t i = 0; i < p->h.n; i++)
		look_up_lead(p, at(p, i));
	lsync_heap_rebuild(&p->h);
}

/*
 * The decoder cannot be started: decode here, noted. Checked once by
 * access() too, since posix_spawn() may report a missing program only
 * as the child's exit status 127 (older C libraries, valgrind).
 */
static void cannot_start(pool *p, int err, bool for_good)
{
	snprintf(p->spawn_error, sizeof(p->spawn_error), "decoded in the "
		 "calling process: cannot start %s: %s", decoder_path(),
		 strerror(err));
	p->in_process = for_good;
}

/* Start decoding a job: its decoder joins the merge once it has packets. */
static lttsync_status launch(pool *p, lsync_job *j)
{
	worker *w;
	int err;

	if (!p->checked && access(decoder_path(), X_OK) != 0)
		cannot_start(p, errno, true);
	p->checked = true;
	if (p->in_process)
		return decode_here_noted(p, j);
	w = g_new0(worker, 1);
	w->s = p->s;
	w->job = j;
	w->threads = p->threads;
	if ((err = start(w, p->s))) {
		if (w->errfd >= 0)
			close(w->errfd);
		g_free(w);
		if (err == EMFILE || err == ENFILE) {
			/* Decoding here would need descriptors too. */
			lsync_job_settle(p->s, j, LTTSYNC_ERROR_IO, err == EMFILE
				? "not read: too many open files (EMFILE: this "
				  "process's limit, ulimit -n, is reached; lower "
				  "the jobs or raise the limit)"
				: "not read: too many open files in the system (ENFILE)");
			return LTTSYNC_OK;
		}
		cannot_start(p, err, permanent(err));
		return decode_here_noted(p, j);
	}
	if (!refill(p, w))
		finish(p, w);
	else if (p->merge) {
		look_up_lead(p, w);
		w->first_batch = true;
		lsync_heap_push(&p->h, w);
	}
	else
		p->h.item[p->h.n++] = w; /* feed_ready() keeps a plain list */
	return LTTSYNC_OK;
}

/*
 * How far ahead in a worker's batch the matcher's memory is prefetched:
 * merged with the other workers' packets, that is about as many feeds
 * ahead as there are workers times this.
 */
#define PREFETCH_AHEAD 3

/*
 * Feed w's next packet. A refusal stops that worker (its trace keeps the
 * reason); only running out of memory stops everything.
 */
static lttsync_status feed_one(pool *p, worker *w, lttsync_status *st)
{
	if (w->pos + PREFETCH_AHEAD < w->len)
		lsync_session_prefetch(p->s, &w->batch[w->pos + PREFETCH_AHEAD]);
	p->s->error[0] = '\0';
	*st = lsync_job_feed(p->s, w->job, &w->batch[w->pos++]);
	if (*st == LTTSYNC_ERROR_NO_MEMORY)
		return *st;
	if (*st)
		stop(w, *st, p->s->error);
	lsync_clear_error(p->s);
	w->fed += *st == LTTSYNC_OK;
	return LTTSYNC_OK;
}

/* Feed the rest of w's batch, in the order it came. */
static lttsync_status feed_batch(pool *p, worker *w)
{
	lttsync_status st = LTTSYNC_OK;

	while (w->pos < w->len && !st)
		if (feed_one(p, w, &st) == LTTSYNC_ERROR_NO_MEMORY)
			return LTTSYNC_ERROR_NO_MEMORY;
	return LTTSYNC_OK;
}

/* Feed the earliest pending packet of all decoders. */
static lttsync_status feed_next(pool *p)
{
	worker *w = at(p, 0);
	lttsync_status st;

	if (feed_one(p, w, &st) == LTTSYNC_ERROR_NO_MEMORY)
		return LTTSYNC_ERROR_NO_MEMORY;
	if (w->pos < w->len || refill(p, w)) {
		if (w->pos == 0) {
			w->first_batch = false;
			follow_leads(p);
		}
		lsync_heap_sift_down(&p->h, 0);
		return LTTSYNC_OK;
	}
	lsync_heap_pop(&p->h);
	finish(p, w);
	return LTTSYNC_OK;
}

/*
 * With more traces than workers, traces started late are far behind the
 * others in time: merging would stall every other worker until they
 * catch up. Then feed, in turn, whichever worker has output ready, never
 * waiting on one while another is ready (doc/matching.md: the pending
 * table must then cover whole traces).
 */
static lttsync_status feed_ready(pool *p)
{
	struct pollfd *fds = p->fds;
	size_t i, k;
	worker *w;

	for (i = 0; i < p->h.n; i++)
		fds[i] = (struct pollfd){ .fd = at(p, i)->fd, .events = POLLIN };
	/* Not forever: a decoder gone silent is then waited for by
	 * refill(), which checks on its process. */
	while (poll(fds, p->h.n, CHECK_MS) < 0)
		if (errno != EINTR)
			break;
	for (k = 0; k < p->h.n; k++) {
		i = (p->cursor + k) % p->h.n;
		if (at(p, i)->pos < at(p, i)->len || fds[i].revents)
			break;
	}
	i = k < p->h.n ? i : p->cursor % p->h.n;
	p->cursor = i + 1;
	w = at(p, i);
	if (w->pos < w->len || refill(p, w))
		return feed_batch(p, w);
	p->h.item[i] = p->h.item[--p->h.n];
	finish(p, w);
	return LTTSYNC_OK;
}

/* The session ran out of memory, or the read was cancelled (st): stop
 * every decoder, settle every job. */
static void abandon(pool *p, lsync_job *rest, size_t n_rest, lttsync_status st)
{
	while (p->h.n) {
		worker *w = p->h.item[--p->h.n];

		stop(w, st, lsync_stop_reason(st, true));
		finish(p, w);
	}
	for (size_t i = 0; i < n_rest; i++)
		lsync_job_settle(p->s, &rest[i], st, lsync_stop_reason(st, false));
}

lttsync_status lsync_workers_read(lttsync_session *s, lsync_job *jobs,
				  size_t n, unsigned max_workers,
				  lttsync_progress_fn progress, void *user_data)
{
	pool *p = g_new0(pool, 1);
	lttsync_status st = LTTSYNC_OK;
	size_t next = 0;

	p->s = s;
	p->progress = progress;
	p->user_data = user_data;
	/* A worker holds 2 descriptors here (pipe, stderr file), 4 while it
	 * starts: never start more than the limit leaves room for. */
	max_workers = lsync_fd_room(max_workers, 4, 16);
	p->merge = n <= max_workers;
	p->threads = lsync_read_threads(max_workers, n < max_workers ? n : max_workers);
	p->h.item = g_new(void *, n ? n : 1);
	p->h.key = head;
	p->fds = g_new(struct pollfd, n ? n : 1);
	if (n && access(decoder_path(), X_OK) != 0) {
		/* No decoder at all: side by side in this process. Every job
		 * is then settled (next = n): nothing is left to launch. */
		cannot_start(p, errno, true);
		st = lsync_here_read(s, jobs, n, lsync_read_threads(max_workers, 1),
				     progress, user_data);
		for (next = 0; next < n; next++)
			note_here(p, &jobs[next]);
	}
	while (!st && (next < n || p->h.n)) {
		while (!st && next < n && p->h.n < max_workers)
			st = launch(p, &jobs[next++]);
		if (!st && p->h.n)
			st = p->merge ? feed_next(p) : feed_ready(p);
		if (!st && lsync_read_cancelled(s))
			st = LTTSYNC_ERROR_CANCELLED;
	}
	if (st)
		abandon(p, jobs + next, n - next, st);
	g_free(p->h.item);
	g_free(p->fds);
	g_free(p);
	return st;
}
