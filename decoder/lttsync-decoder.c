/* SPDX-License-Identifier: MIT */
/*
 * lttsync-decoder: decodes ONE trace folder with decode.c and writes the
 * result to stdout as the record stream of wire.h. The library runs one
 * per trace (workers.c) so that babeltrace2 aborting or running out of
 * memory on a hostile trace ends this process, not the caller's.
 *
 * Usage: lttsync-decoder [--address-space-limit BYTES] [--babeltrace2] TRACE_FOLDER
 *
 * Our own reader reads the traces it supports, libbabeltrace2 the others
 * (all of them with --babeltrace2).
 *
 * Exit status: 0 when the END record was written (whatever the trace's
 * status), 1 when stdout failed (the reader went away: nothing to tell),
 * 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "wire.h"

/*
 * Output waits in a spool while the pipe is full, up to SPOOL_MAX bytes
 * (about 230,000 packets): the library merges the decoders' packets by
 * time, so a decoder whose trace's clock is ahead of the others' finds
 * its pipe full for as long as they catch up. Blocking there left a core
 * idle whenever the decoders that could run were fewer than the cores
 * (12 % of the time on four generated hosts with clocks seconds apart);
 * spooling lets it decode on. Past the bound it blocks until the spool
 * is written, as it blocked on the pipe before. The spool is this
 * process's memory, within its address-space limit.
 */
#define SPOOL_MAX ((size_t)16 << 20)

typedef struct writer {
	lttsync_packet batch[LSYNC_WIRE_BATCH];
	size_t len;
	int failed;     /* stdout is gone: stop decoding */
	char *spool;    /* bytes not yet written, from spool[head] to spool[tail] */
	size_t head, tail, cap;
	uint8_t clock[16]; /* the trace's clock UUID, if has_clock */
	bool has_clock;
} writer;

/* Write what the pipe takes now of c[0..n): how much it took. */
static size_t write_now(writer *w, const char *c, size_t n)
{
	size_t done = 0;

	while (done < n && !w->failed) {
		ssize_t k = write(STDOUT_FILENO, c + done, n - done);

		if (k > 0)
			done += (size_t)k;
		else if (k < 0 && errno == EAGAIN)
			break;
		else if (k == 0 || errno != EINTR)
			w->failed = 1;
	}
	return done;
}

/* Write the spool, what the pipe takes now (all of it if `block`);
 * false on failure. */
static bool drain(writer *w, bool block)
{
	while (w->head < w->tail && !w->failed) {
		struct pollfd out = { STDOUT_FILENO, POLLOUT, 0 };

		w->head += write_now(w, w->spool + w->head, w->tail - w->head);
		if (w->head == w->tail || !block)
			break;
		poll(&out, 1, -1);
	}
	if (w->head == w->tail)
		w->head = w->tail = 0;
	return !w->failed;
}

/*
 * A spool of `cap` bytes with the old one's contents. From 2 MiB on, it
 * is aligned for and advised to use huge pages: the first touch of each
 * 4 KiB page costs 12-17 us on the project's VM (a fault trapped by the
 * hypervisor), and a spool filled to 16 MiB took 4,000 of them, 85 ms of
 * a 1.1 s run; huge pages take 8.
 */
#define HUGE_PAGE ((size_t)2 << 20)

static char *spool_alloc(writer *w, size_t cap)
{
	void *p;

	if (cap < HUGE_PAGE)
		return realloc(w->spool, cap);
	if (posix_memalign(&p, HUGE_PAGE, cap))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, cap, MADV_HUGEPAGE);
#endif
	if (w->tail)
		memcpy(p, w->spool, w->tail);
	free(w->spool);
	return p;
}

/*
 * Append to the spool. Room is made by moving its contents down only when
 * they are no larger than the written part before them, so that each
 * byte moves a bounded number of times.
 */
static bool spool_add(writer *w, const char *c, size_t n)
{
	if (w->head && w->tail + n > w->cap && w->head >= w->tail - w->head) {
		memmove(w->spool, w->spool + w->head, w->tail - w->head);
		w->tail -= w->head;
		w->head = 0;
	}
	if (w->tail + n > w->cap) {
		size_t cap = w->cap ? w->cap : 1 << 16;
		char *p;

		while (cap < w->tail + n)
			cap *= 2;
		if (!(p = spool_alloc(w, cap)))
			return false;
		w->spool = p;
		w->cap = cap;
	}
	memcpy(w->spool + w->tail, c, n);
	w->tail += n;
	return true;
}

static void write_all(writer *w, const void *p, size_t n)
{
	const char *c = p;
	size_t k;

	if (w->failed || !drain(w, false))
		return;
	if (w->head == w->tail) { /* nothing spooled: straight out */
		k = write_now(w, c, n);
		c += k;
		n -= k;
	}
	if (!n || w->failed)
		return;
	/* Spooled bytes go first; without memory, write as before (blocking). */
	if (!spool_add(w, c, n)) {
		if (drain(w, true) && spool_add(w, c, n))
			drain(w, true);
		else
			w->failed = 1;
		return;
	}
	drain(w, w->tail - w->head > SPOOL_MAX);
}

static void put_record(writer *w, uint32_t type, const void *a, size_t na,
		       const void *b, size_t nb)
{
	lsync_wire_header h = { type, (uint32_t)(na + nb) };

	write_all(w, &h, sizeof(h));
	write_all(w, a, na);
	write_all(w, b, nb);
}

static void flush_batch(writer *w)
{
	if (w->len)
		put_record(w, LSYNC_WIRE_PACKETS, w->batch,
			   w->len * sizeof(w->batch[0]), NULL, 0);
	w->len = 0;
}

static int on_begin(void *user, const char *hostname)
{
	writer *w = user;
	size_t n = hostname ? strlen(hostname) : 0;
	char *rec;

	if (n > LSYNC_WIRE_MAX_PAYLOAD - 18)
		n = LSYNC_WIRE_MAX_PAYLOAD - 18;
	/* has_host, the name, then NUL and the clock UUID when known. */
	rec = malloc(n + 18);
	if (!rec)
		return LTTSYNC_ERROR_NO_MEMORY;
	rec[0] = hostname != NULL;
	memcpy(rec + 1, hostname ? hostname : "", n);
	rec[n + 1] = '\0';
	memcpy(rec + n + 2, w->clock, 16);
	put_record(w, LSYNC_WIRE_BEGIN, rec, w->has_clock ? n + 18 : n + 1, NULL, 0);
	free(rec);
	return w->failed ? LTTSYNC_ERROR_IO : 0;
}

static void on_clock(void *user, const uint8_t uuid[16])
{
	writer *w = user;

	memcpy(w->clock, uuid, 16);
	w->has_clock = true;
}

static int on_packet(void *user, const lttsync_packet *p)
{
	writer *w = user;

	w->batch[w->len++] = *p;
	if (w->len == LSYNC_WIRE_BATCH)
		flush_batch(w);
	return w->failed ? LTTSYNC_ERROR_IO : 0;
}

static void on_progress(void *user, uint64_t events)
{
	writer *w = user;

	/* Packets first: the reader sees them before the count that includes them. */
	flush_batch(w);
	put_record(w, LSYNC_WIRE_PROGRESS, &events, sizeof(events), NULL, 0);
}

/*
 * Bound this process's address space, so that babeltrace2 allocating
 * without end fails here. Not under AddressSanitizer: its shadow memory
 * alone exceeds any sane limit (its own hard_rss_limit_mb, set below,
 * plays the part, at a size the test traces fit in).
 */
#if defined(__SANITIZE_ADDRESS__)
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "hard_rss_limit_mb=512";
}

static void limit_memory(unsigned long long bytes) { (void)bytes; }
#else
/*
 * At the limit, glib reports a failed allocation with g_error(), whose
 * message formatting allocates too and fails again, recursively, until
 * the stack overflows: death by SIGSEGV with nothing on stderr, told by
 * the library as a crash. Which of the two deaths comes depends on where
 * the last allocation lands. On SIGSEGV, if not even 64 KiB can be
 * mapped, the address space is what ran out: say so (the library looks
 * for "out of memory" on stderr), then die of the signal as before.
 */
static void on_segv(int sig)
{
	static const char msg[] =
		"lttsync-decoder: out of memory (address space limit reached)\n";
	void *probe = mmap(NULL, (size_t)1 << 16, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (probe == MAP_FAILED && write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		probe = NULL; /* nothing more can be done */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The handler needs a stack of its own: the overflowed one is full. */
static void catch_segv(void)
{
	static char alt[1 << 16];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_ONSTACK };

	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) == 0)
		sigaction(SIGSEGV, &sa, NULL);
}

static void limit_memory(unsigned long long bytes)
{
	struct rlimit rl = { (rlim_t)bytes, (rlim_t)bytes };

	if (bytes && setrlimit(RLIMIT_AS, &rl) == 0)
		catch_segv();
}
#endif

/*
 * A decoder outliving the process that reads it would only burn a core
 * (babeltrace2 may spin forever on corrupt metadata): it is killed when
 * its parent dies, and exits at once if that already happened.
 */
static void die_with_parent(void)
{
	pid_t parent = getppid();

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != parent)
		_exit(3);
}

int main(int argc, char **argv)
{
	static writer w;
	lsync_wire_hello hello = { LSYNC_WIRE_MAGIC, LSYNC_WIRE_VERSION,
				   sizeof(lttsync_packet), sizeof(lsync_decode_stats) };
	lsync_decode_callbacks cb = { on_begin, on_packet, on_progress, &w, on_clock };
	lsync_wire_end end = { 0 };
	char err[LSYNC_ERROR_MAX] = "";
	struct stat out;
	int arg = 1;
	lttsync_reader reader = LTTSYNC_READER_AUTO;
	unsigned threads = 1;

	die_with_parent();
	if (argc >= 4 && strcmp(argv[1], LSYNC_DECODER_OPT_LIMIT) == 0) {
		limit_memory(strtoull(argv[2], NULL, 10));
		arg = 3;
	}
	if (argc >= arg + 3 && strcmp(argv[arg], LSYNC_DECODER_OPT_THREADS) == 0) {
		unsigned long n = strtoul(argv[arg + 1], NULL, 10);

		threads = n >= 1 && n <= 256 ? (unsigned)n : 1;
		arg += 2;
	}
	if (argc >= arg + 2 && strcmp(argv[arg], LSYNC_DECODER_OPT_BABELTRACE2) == 0) {
		reader = LTTSYNC_READER_BABELTRACE2;
		arg++;
	}
	if (argc != arg + 1) {
		fprintf(stderr, "usage: lttsync-decoder [%s BYTES] [%s N] [%s] TRACE_FOLDER\n",
			LSYNC_DECODER_OPT_LIMIT, LSYNC_DECODER_OPT_THREADS,
			LSYNC_DECODER_OPT_BABELTRACE2);
		return 2;
	}
	/* A full pipe must not block a write: see SPOOL_MAX. Only a pipe: the
	 * flag belongs to the open file, which a terminal shares. */
	if (fstat(STDOUT_FILENO, &out) == 0 && S_ISFIFO(out.st_mode))
		fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
	put_record(&w, LSYNC_WIRE_HELLO, &hello, sizeof(hello), NULL, 0);
	end.status = lsync_decode_trace_threads(argv[arg], &cb, &end.stats, reader, threads,
						err, sizeof(err));
	flush_batch(&w);
	put_record(&w, LSYNC_WIRE_END, &end, sizeof(end), err, strlen(err));
	drain(&w, true);
	free(w.spool);
	return w.failed ? 1 : 0;
}
