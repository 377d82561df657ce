/* SPDX-License-Identifier: MIT */
/* What the tests of our reader share (reader_testlib.h). */
#include "reader_testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int reader_passed, reader_failed;

void reader_check(bool ok, const char *what, const char *path)
{
	if (ok) {
		reader_passed++;
	} else {
		reader_failed++;
		printf("FAIL: %s: %s\n", path, what);
	}
}

int collect_begin(void *user, const char *hostname)
{
	collected *c = user;

	c->has_host = hostname != NULL;
	snprintf(c->host, sizeof(c->host), "%s", hostname ? hostname : "");
	return 0;
}

int collect_packet(void *user, const lttsync_packet *p)
{
	collected *c = user;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->p = realloc(c->p, c->cap * sizeof(*c->p));
		if (!c->p)
			abort();
	}
	c->p[c->n++] = *p;
	return 0;
}

int collect_cmp_packet(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(lttsync_packet));
}

bool reader_generate(const char *gen, const char *dir, const char *const *opts)
{
	const char *argv[64];
	int n = 0, status;
	pid_t pid;

	argv[n++] = gen;
	for (; *opts && n < 60; opts++)
		argv[n++] = *opts;
	argv[n++] = dir;
	argv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv(gen, (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	reader_check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "lttsync-gen ran", dir);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
