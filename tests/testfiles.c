/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* nftw() */
#include <criterion/criterion.h>
#include <ftw.h>
#include <glib.h>
#include <stdio.h>
#include <sys/stat.h>

#include "testfiles.h"

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
