/* SPDX-License-Identifier: MIT */
/*
 * Thread safety as documented: distinct sessions used from several
 * threads at once, one transform applied from several threads, traces
 * read in the calling process by a pool of threads (jobs 2) as by one
 * (jobs 0), and a read cancelled from another thread
 * (lttsync_session_cancel()), with one thread and with a pool (traces
 * from $LTTSYNC_GEN; skipped without it). Run normally in `make
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

/* Generated traces in a new folder `dir` (of `size`); false if not. */
static bool generate(char *dir, size_t size)
{
	const char *gen = getenv("LTTSYNC_GEN"), *tmp = getenv("TMPDIR");
	char cmd[1200];

	snprintf(dir, size, "%s/lttsync-threads-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return false;
	snprintf(cmd, sizeof(cmd), "'%s' -q -n 4 -t mesh -d 3 -r 1000 '%s'", gen, dir);
	return system(cmd) == 0;
}

static bool remove_dir(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0;
}

/* 1 passed, 0 on failure. */
static int cancel_from_thread(const char *dir, unsigned jobs)
{
	struct cancel c = { 0 };
	lttsync_status st = LTTSYNC_OK;
	pthread_t t;
	size_t n = 0;
	int ok;

	ok = lttsync_session_create(&c.s) == LTTSYNC_OK &&
	     lttsync_session_set_read_jobs(c.s, jobs) == LTTSYNC_OK &&
	     pthread_create(&t, NULL, canceller, &c) == 0;
	if (ok) {
		st = lttsync_session_read_traces(&n, c.s, dir, NULL, hold_read, &c);
		pthread_join(t, NULL);
		ok = st == LTTSYNC_ERROR_CANCELLED && n == 4 &&
		     lttsync_session_get_trace_status(c.s, 3) == LTTSYNC_ERROR_CANCELLED;
	}
	printf("%s: jobs %u: read cancelled from another thread: status %d, %zu traces\n",
	       ok ? "ok" : "FAIL", jobs, (int)st, n);
	lttsync_session_destroy(c.s);
	return ok;
}

/* What a read gives: messages matched and every host's slope. */
static bool read_result(const char *dir, unsigned jobs, uint64_t *matched,
			char *slopes, size_t size)
{
	lttsync_session *s;
	size_t n, used = 0;
	bool ok;

	if (lttsync_session_create(&s) != LTTSYNC_OK)
		return false;
	ok = lttsync_session_set_read_jobs(s, jobs) == LTTSYNC_OK &&
	     lttsync_session_read_traces(&n, s, dir, NULL, NULL, NULL) == LTTSYNC_OK &&
	     n == 4 &&
	     lttsync_session_get_counter(matched, s, LTTSYNC_COUNTER_MATCHED) == LTTSYNC_OK;
	for (lttsync_host_id h = 0; ok && h < lttsync_session_get_host_count(s); h++) {
		lttsync_transform *tf = NULL;
		char slope[LTTSYNC_FORMAT_SIZE];

		ok = lttsync_session_get_host_transform(&tf, s, h) == LTTSYNC_OK &&
		     lttsync_transform_format(slope, sizeof(slope), tf,
					      LTTSYNC_FIELD_SLOPE) == LTTSYNC_OK;
		lttsync_transform_destroy(tf);
		used += (size_t)snprintf(slopes + used, size - used, "%s%s",
					 h ? " " : "", ok ? slope : "?");
		ok = ok && used < size;
	}
	lttsync_session_destroy(s);
	return ok;
}

/* 1 passed, 0 on failure: a pool of threads reads what one thread does. */
static int pool_reads_the_same(const char *dir)
{
	char slope0[8 * LTTSYNC_FORMAT_SIZE] = "", slope2[8 * LTTSYNC_FORMAT_SIZE] = "";
	uint64_t matched0 = 0, matched2 = 0;
	int ok = read_result(dir, 0, &matched0, slope0, sizeof(slope0)) &&
		 read_result(dir, 2, &matched2, slope2, sizeof(slope2)) &&
		 matched0 == matched2 && matched0 > 0 && strcmp(slope0, slope2) == 0;

	printf("%s: jobs 2 in the calling process: %lu messages, slopes %s (jobs 0: %lu, %s)\n",
	       ok ? "ok" : "FAIL", (unsigned long)matched2, slope2,
	       (unsigned long)matched0, slope0);
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
	if (getenv("LTTSYNC_GEN") && getenv("LTTSYNC_GEN")[0]) {
		char dir[512];
		int r[3] = { 0, 0, 0 };

		if (generate(dir, sizeof(dir))) {
			r[0] = pool_reads_the_same(dir);
			r[1] = cancel_from_thread(dir, 0);
			r[2] = cancel_from_thread(dir, 2);
		} else {
			printf("FAIL: traces not generated\n");
		}
		if (!remove_dir(dir))
			r[0] = 0;
		for (int i = 0; i < 3; i++) {
			passed += r[i];
			failed += !r[i];
		}
	} else {
		printf("skipped: reading traces (no LTTSYNC_GEN)\n");
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
