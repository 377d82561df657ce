/* SPDX-License-Identifier: MIT */
/*
 * Thread safety as documented: distinct sessions used from several
 * threads at once, one transform applied from several threads, and a
 * read cancelled from another thread (lttsync_session_cancel(), with
 * traces from $LTTSYNC_GEN; skipped without it). Run normally in `make
 * check`, and built with ThreadSanitizer by `make check-tsan`, which
 * fails on any reported race.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#include "../common/simulate.h"

#define THREADS 4

struct job {
	int id;
	int failures;
	char slope[LTTSYNC_FORMAT_SIZE];
	lttsync_transform *shared;
	int64_t applied;
};

static int run_session(struct job *j)
{
	lttsync_session *s;
	lttsync_host_id h[3];
	lttsync_transform *tf;
	sim_world w;
	int bad = 0;

	sim_init(&w, 3, 99, 1000000000, 100);   /* same world in every thread */
	bad |= lttsync_session_create(&s) != LTTSYNC_OK;
	bad |= lttsync_session_add_host(&h[0], s, "a") != LTTSYNC_OK;
	bad |= lttsync_session_add_host(&h[1], s, "b") != LTTSYNC_OK;
	bad |= lttsync_session_add_host(&h[2], s, "c") != LTTSYNC_OK;
	for (int i = 0; i < 3000; i++) {
		sim_message m = sim_message_at(&w, i % 3, (i + 1 + i / 3 % 2) % 3,
					       1e6L * i, 30000, 10000);

		bad |= lttsync_session_feed_message(s, h[m.send_host], m.send_ns,
						    h[m.recv_host], m.recv_ns) != LTTSYNC_OK;
	}
	bad |= lttsync_session_set_reference(s, h[0]) != LTTSYNC_OK;
	bad |= lttsync_session_get_host_transform(&tf, s, h[2]) != LTTSYNC_OK;
	if (!bad) {
		bad |= lttsync_transform_format(j->slope, sizeof(j->slope), tf,
						LTTSYNC_FIELD_SLOPE) != LTTSYNC_OK;
		lttsync_transform_destroy(tf);
	}
	lttsync_session_destroy(s);
	sim_free(&w);
	return bad;
}

static void *worker(void *arg)
{
	struct job *j = arg;

	j->failures += run_session(j);
	/* Everyone applies the same transform at once. */
	for (int i = 0; i < 100000; i++)
		j->failures += lttsync_transform_apply(&j->applied, j->shared,
						       (int64_t)1700000000000000000 + i) != LTTSYNC_OK;
	return NULL;
}

static lttsync_transform *make_shared(void)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	lttsync_transform *tf = NULL;

	lttsync_session_create(&s);
	lttsync_session_add_host(&a, s, "a");
	lttsync_session_add_host(&b, s, "b");
	lttsync_session_feed_message(s, a, 0, b, 1100);
	lttsync_session_feed_message(s, a, 1000, b, 2100);
	lttsync_session_feed_message(s, b, 900, a, 0);
	lttsync_session_feed_message(s, b, 1900, a, 1000);
	lttsync_session_get_pair_estimate(&tf, s, a, b);
	lttsync_session_destroy(s);  /* the transform outlives its session */
	return tf;
}

/* ---- cancelling a read from another thread ------------------------------ */

struct cancel {
	lttsync_session *s;
	atomic_bool started, cancelled;
};

/* The first progress call waits until the other thread has cancelled. */
static void hold_read(void *user, const char *path, uint64_t events)
{
	struct cancel *c = user;

	(void)path;
	(void)events;
	if (atomic_exchange(&c->started, true))
		return;
	for (int i = 0; i < 10000 && !atomic_load(&c->cancelled); i++)
		usleep(1000);
}

static void *canceller(void *arg)
{
	struct cancel *c = arg;

	for (int i = 0; i < 60000 && !atomic_load(&c->started); i++)
		usleep(1000);
	lttsync_session_cancel(c->s);
	atomic_store(&c->cancelled, true);
	return NULL;
}

/* 1 passed, 0 on failure, -1 when skipped. */
static int cancel_from_thread(void)
{
	const char *gen = getenv("LTTSYNC_GEN"), *tmp = getenv("TMPDIR");
	char dir[512], cmd[1200];
	struct cancel c = { 0 };
	lttsync_status st = LTTSYNC_OK;
	pthread_t t;
	size_t n = 0;
	int ok;

	if (!gen || !gen[0])
		return -1;
	snprintf(dir, sizeof(dir), "%s/lttsync-threads-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 0;
	snprintf(cmd, sizeof(cmd), "'%s' -q -n 4 -t mesh -d 3 -r 1000 '%s'", gen, dir);
	ok = system(cmd) == 0 && lttsync_session_create(&c.s) == LTTSYNC_OK &&
	     lttsync_session_set_read_jobs(c.s, 0) == LTTSYNC_OK &&
	     pthread_create(&t, NULL, canceller, &c) == 0;
	if (ok) {
		st = lttsync_session_read_traces(&n, c.s, dir, NULL, hold_read, &c);
		pthread_join(t, NULL);
		ok = st == LTTSYNC_ERROR_CANCELLED && n == 4 &&
		     lttsync_session_get_trace_status(c.s, 3) == LTTSYNC_ERROR_CANCELLED;
	}
	printf("%s: read cancelled from another thread: status %d, %zu traces\n",
	       ok ? "ok" : "FAIL", (int)st, n);
	lttsync_session_destroy(c.s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		ok = 0;
	return ok;
}

int main(void)
{
	pthread_t t[THREADS];
	struct job jobs[THREADS];
	lttsync_transform *shared = make_shared();
	int passed = 0, failed = 0;

	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < THREADS; i++) {
		jobs[i].id = i;
		jobs[i].shared = shared;
		pthread_create(&t[i], NULL, worker, &jobs[i]);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		bool same = strcmp(jobs[i].slope, jobs[0].slope) == 0 &&
			    jobs[i].applied == jobs[0].applied;

		if (jobs[i].failures == 0 && same && shared) {
			passed++;
			printf("ok: thread %d: own session and shared transform, results identical\n", i);
		} else {
			failed++;
			printf("FAIL: thread %d: %d failures, slope %s\n", i,
			       jobs[i].failures, jobs[i].slope);
		}
	}
	lttsync_transform_destroy(shared);
	switch (cancel_from_thread()) {
	case 1: passed++; break;
	case 0: failed++; break;
	default: printf("skipped: cancel from another thread (no LTTSYNC_GEN)\n");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
