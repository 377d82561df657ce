/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* nftw() */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../common/testfiles.h"

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	chmod(path, 0700);
	return remove(path);
}

void test_rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *test_make_tmpdir(const char *prefix)
{
	GError *e = NULL;
	char *name = g_strdup_printf("%s-XXXXXX", prefix);
	char *d = g_dir_make_tmp(name, &e);

	g_free(name);
	cr_assert_not_null(d, "cannot make a temporary folder: %s", e ? e->message : "?");
	return d;
}

void test_write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *e = NULL;

	cr_assert(g_file_set_contents(path, data, (gssize)len, &e), "%s: %s", path,
		  e ? e->message : "?");
	g_free(path);
}

char *test_subdir(const char *dir, const char *rel)
{
	char *path = g_build_filename(dir, rel, NULL);

	cr_assert_eq(g_mkdir_with_parents(path, 0755), 0, "%s: %s", path, strerror(errno));
	return path;
}

const char *test_need_env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !v[0])
		cr_skip_test("%s not set (run through make check)", name);
	return v;
}

void test_generate(const char *dir, const char *const *opts)
{
	const char *argv[32] = { test_need_env("LTTSYNC_GEN"), "-q" };
	size_t n = 2;
	int status = -1;
	GError *e = NULL;

	for (; *opts && n < 30; opts++)
		argv[n++] = *opts;
	argv[n++] = dir;
	argv[n] = NULL;
	cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
			       NULL, NULL, &status, &e), "lttsync-gen: %s",
		  e ? e->message : "?");
	cr_assert(g_spawn_check_wait_status(status, NULL), "lttsync-gen failed");
}

lttsync_session *test_reading_session(unsigned jobs)
{
	lttsync_session *s;

	test_need_env("LTTSYNC_DECODER");
	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_read_jobs(s, jobs), LTTSYNC_OK);
	return s;
}

lttsync_session *test_worker_session(unsigned jobs)
{
	lttsync_session *s = test_reading_session(jobs);

	cr_assert_eq(lttsync_session_set_reader(s, LTTSYNC_READER_BABELTRACE2), LTTSYNC_OK);
	return s;
}

char *test_declined_trace(const char *dir, const char *name)
{
	static const char meta[] =
		"/* CTF 1.8 */\n"
		"typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
		"trace { major = 1; minor = 8; byte_order = le; "
		"packet.header := struct { uint32_t magic; }; };\n"
		"env { hostname = \"declined\"; };\n"
		"callsite { name = \"x\"; func = \"f\"; file = \"a.c\"; line = 1; ip = 0; };\n"
		"stream { event.header := struct { uint32_t id; }; };\n"
		"event { name = \"e\"; id = 0; fields := struct { uint32_t v; }; };\n";
	char *folder = test_subdir(dir, name);

	test_write_file(folder, "metadata", meta, sizeof(meta) - 1);
	return folder;
}

void test_assert_no_child(void)
{
	int st;

	errno = 0;
	cr_assert_eq(waitpid(-1, &st, WNOHANG), -1, "a child process is left");
	cr_assert_eq(errno, ECHILD);
}
