/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages_pipe.h"

/*
 * Batches in the ring: two let the reader fill one while the session is
 * fed from the other; two more absorb the unevenness of the two halves.
 * Memory: MSG_PIPE_RING * MSG_BATCH * 32 bytes (2 MiB), plus the names.
 */
#define MSG_PIPE_RING 4

struct msg_pipe {
	struct msg_batch ring[MSG_PIPE_RING];
	/* ring[head .. head + count) are full; ring[tail] is being filled */
	size_t head, tail, count;
	bool threaded;
	bool stop;     /* the feeding side failed: the reader stops */
	bool done;     /* the reader has returned; ring[tail] is its last */
	int read_rc;   /* what the reader returned */
	char *read_err; /* its message (the reader's own buffer) */
	size_t err_size;
	pthread_mutex_t lock;
	pthread_cond_t full, free;

	/* The feeding side, on the caller's thread only. */
	lttsync_session *s;
	const char *file;
	lttsync_host_id *ids; /* the session's id of each reader's number */
	size_t n_ids, ids_cap;
	char *err;

	msg_read_fn read;
	void *reader;
};

static int feed_error(struct msg_pipe *p, unsigned long line, const char *fmt,
		      ...) __attribute__((format(printf, 3, 4)));

static int feed_error(struct msg_pipe *p, unsigned long line, const char *fmt,
		      ...)
{
	int n = snprintf(p->err, p->err_size, "%s:%lu: ", p->file, line);
	va_list ap;

	if (n < 0 || (size_t)n >= p->err_size)
		return 1;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- the feeding side ---------------------------------------------------- */

/* The next host name of the batch, declared to the session. */
static int add_name(struct msg_pipe *p, const struct msg_name *name,
		    unsigned long line)
{
	lttsync_host_id id;

	if (memchr(name->name, '\0', name->len))
		return feed_error(p, line, "NUL byte in line");
	if (lttsync_session_add_host(&id, p->s, name->name))
		return feed_error(p, line, "%s",
				  lttsync_session_get_last_error(p->s));
	if (p->n_ids == p->ids_cap) {
		size_t cap = p->ids_cap ? p->ids_cap * 2 : 64;
		lttsync_host_id *ids = realloc(p->ids, cap * sizeof(*ids));

		if (!ids)
			return feed_error(p, line, "out of memory");
		p->ids = ids;
		p->ids_cap = cap;
	}
	p->ids[p->n_ids++] = id;
	return 0;
}

/* The messages of a batch, in order; stops at the first error. */
static int feed_batch(struct msg_pipe *p, const struct msg_batch *b)
{
	size_t name = 0;

	for (size_t i = 0; i < b->n; i++) {
		const struct msg_record *m = &b->rec[i];
		lttsync_host_id from, to;

		/* Numbers are given in order of first use: a new one is next. */
		if (m->from >= p->n_ids && add_name(p, &b->names[name++], m->line))
			return 1;
		if (m->to >= p->n_ids && add_name(p, &b->names[name++], m->line))
			return 1;
		from = p->ids[m->from];
		to = p->ids[m->to];
		if (from == to)
			return feed_error(p, m->line, "sender and receiver are "
					  "the same host '%s'",
					  lttsync_session_get_host_name(p->s, from));
		if (lttsync_session_feed_message(p->s, from, m->send_ns, to,
						 m->recv_ns))
			return feed_error(p, m->line, "%s",
					  lttsync_session_get_last_error(p->s));
	}
	return 0;
}

/* The reader's last batch fed, then its own error if it had one. */
static int feed_last(struct msg_pipe *p, const struct msg_batch *b)
{
	if (feed_batch(p, b))
		return 1;
	if (p->read_rc) {
		snprintf(p->err, p->err_size, "%s", p->read_err);
		return 1;
	}
	return 0;
}

/* ---- the ring ------------------------------------------------------------ */

struct msg_batch *msg_pipe_room(struct msg_pipe *p)
{
	struct msg_batch *b = &p->ring[p->tail];

	if (b->n < MSG_BATCH)
		return b;
	if (!p->threaded) {
		/* No thread: the batch is fed at once, here. */
		if (feed_batch(p, b)) {
			p->stop = true;
			return NULL;
		}
		b->n = b->n_names = 0;
		return b;
	}
	pthread_mutex_lock(&p->lock);
	p->count++;
	p->tail = (p->tail + 1) % MSG_PIPE_RING;
	pthread_cond_signal(&p->full);
	while (p->count == MSG_PIPE_RING && !p->stop)
		pthread_cond_wait(&p->free, &p->lock);
	b = p->stop ? NULL : &p->ring[p->tail];
	pthread_mutex_unlock(&p->lock);
	if (b)
		b->n = b->n_names = 0;
	return b;
}

static void *reader_thread(void *arg)
{
	struct msg_pipe *p = arg;
	int rc = p->read(p->reader, p, p->read_err, p->err_size);

	pthread_mutex_lock(&p->lock);
	p->read_rc = rc;
	p->done = true;
	pthread_cond_signal(&p->full);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Feed every batch the reader hands over, until its last or an error. */
static int feed_ring(struct msg_pipe *p)
{
	for (;;) {
		struct msg_batch *b;
		bool last;
		int rc;

		pthread_mutex_lock(&p->lock);
		while (!p->count && !p->done)
			pthread_cond_wait(&p->full, &p->lock);
		last = !p->count;
		b = &p->ring[last ? p->tail : p->head];
		pthread_mutex_unlock(&p->lock);
		if (last)
			return feed_last(p, b);
		rc = feed_batch(p, b);
		pthread_mutex_lock(&p->lock);
		if (rc)
			p->stop = true;
		p->head = (p->head + 1) % MSG_PIPE_RING;
		p->count--;
		pthread_cond_signal(&p->free);
		pthread_mutex_unlock(&p->lock);
		if (rc)
			return 1;
	}
}

static void wake_reader(int sig)
{
	(void)sig;
}

/*
 * After the feeding side failed: a reader blocked in a read of a pipe
 * that never delivers would hold the join forever. A signal whose
 * handler is installed without SA_RESTART interrupts that read (the
 * reader then stops on its read error, a later line than the feeding
 * side's); it is repeated every 10 ms, for it may arrive just before the
 * read starts.
 */
static void stop_reader(struct msg_pipe *p, pthread_t t)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake_reader;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_mutex_lock(&p->lock);
	while (!p->done) {
		struct timespec ts;

		pthread_kill(t, SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&p->full, &p->lock, &ts);
	}
	pthread_mutex_unlock(&p->lock);
}

static int run_threaded(struct msg_pipe *p, bool *started)
{
	pthread_t t;
	int rc = 0;

	*started = false;
	if (pthread_mutex_init(&p->lock, NULL))
		return 0;
	if (pthread_cond_init(&p->full, NULL)) {
		pthread_mutex_destroy(&p->lock);
		return 0;
	}
	if (pthread_cond_init(&p->free, NULL)) {
		pthread_cond_destroy(&p->full);
		pthread_mutex_destroy(&p->lock);
		return 0;
	}
	p->threaded = true;
	if (pthread_create(&t, NULL, reader_thread, p) == 0) {
		*started = true;
		rc = feed_ring(p);
		if (rc)
			stop_reader(p, t);
		pthread_join(t, NULL);
	}
	pthread_cond_destroy(&p->free);
	pthread_cond_destroy(&p->full);
	pthread_mutex_destroy(&p->lock);
	p->threaded = false;
	return rc;
}

static void free_ring(struct msg_pipe *p)
{
	for (size_t i = 0; i < MSG_PIPE_RING; i++) {
		free(p->ring[i].rec);
		free(p->ring[i].names);
	}
}

int msg_pipe_run(lttsync_session *s, const char *file, msg_read_fn read,
		 void *reader, char *err, size_t err_size)
{
	struct msg_pipe p = { .s = s, .file = file, .err = err,
			      .err_size = err_size, .read = read,
			      .reader = reader };
	bool started;
	int rc;

	p.read_err = calloc(1, err_size ? err_size : 1);
	for (size_t i = 0; i < MSG_PIPE_RING; i++)
		if (!(p.ring[i].rec = malloc(MSG_BATCH * sizeof(struct msg_record))))
			p.read_err = (free(p.read_err), NULL);
	if (!p.read_err) {
		free_ring(&p);
		return feed_error(&p, 1, "out of memory");
	}
	rc = run_threaded(&p, &started);
	if (!started) {
		/* No thread to be had: both halves on this one, in turn. */
		p.read_rc = read(reader, &p, p.read_err, err_size);
		rc = p.stop ? 1 : feed_last(&p, &p.ring[p.tail]);
	}
	free_ring(&p);
	free(p.read_err);
	free(p.ids);
	return rc;
}
