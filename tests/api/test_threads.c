/* SPDX-License-Identifier: MIT */
/*
 * Thread safety as documented: distinct sessions used from several
 * threads at once, and one transform applied from several threads. Run
 * normally in `make check`, and built with ThreadSanitizer by
 * `make check-tsan`, which fails on any reported race.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
