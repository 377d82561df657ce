/* SPDX-License-Identifier: MIT */
/* Tests of finding trace folders (lsync_find_traces(), decode.h). */
#include <criterion/criterion.h>

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode.h"
#include "decode_testlib.h"
#include "../common/testfiles.h"

/* ---- finding traces ---------------------------------------------------- */

static int on_found_stop(void *user, const char *folder)
{
	(void)user; (void)folder;
	return LTTSYNC_ERROR_NOT_FOUND;
}

static void make_link(const char *root, const char *name, const char *target)
{
	char *link = g_build_filename(root, name, NULL);

	cr_assert_eq(symlink(target, link), 0, "%s: %s", link, strerror(errno));
	g_free(link);
}

static void make_trace_folder(const char *root, const char *rel)
{
	char *d = test_subdir(root, rel);

	test_write_file(d, "metadata", "/* CTF 1.8 */", 13);
	g_free(d);
}

/*
 * A session folder (host/kernel, host/ust/uid/1000/64-bit), a trace
 * inside a trace (not listed), a folder named metadata, a symbolic-link
 * loop, a second path to a trace (listed once, by its real path) and a
 * trace gathered from elsewhere by a link (listed by the link).
 */
Test(find_traces, session_tree_sorted_with_links)
{
	char *root = test_make_tmpdir("lttsync-decode"), *ext = test_make_tmpdir("lttsync-decode");
	char *ext_trace = g_build_filename(ext, "t", NULL);
	static const char *const want[] = {
		"host/kernel", "host/ust/uid/1000/64-bit", "other/a", "zz",
	};
	GPtrArray *found;

	make_trace_folder(root, "host/ust/uid/1000/64-bit");
	make_trace_folder(root, "host/kernel");
	make_trace_folder(root, "host/kernel/index-like/nested");
	make_trace_folder(root, "other/a");
	g_free(test_subdir(root, "empty"));
	g_free(test_subdir(root, "other/metadata"));
	make_trace_folder(ext, "t");
	make_link(root, "loop", root);
	make_link(root, "alias", "host/kernel");
	make_link(root, "zz", ext_trace);
	found = find(root, LTTSYNC_OK);
	assert_found(found, root, want, G_N_ELEMENTS(want));
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	test_rm_rf(ext);
	g_free(ext_trace);
	g_free(root);
	g_free(ext);
}

Test(find_traces, a_trace_folder_itself)
{
	char *root = test_make_tmpdir("lttsync-decode");
	GPtrArray *found;

	make_trace_folder(root, "nested/below");
	test_write_file(root, "metadata", "x", 1);
	found = find(root, LTTSYNC_OK);
	cr_assert_eq(found->len, 1);
	cr_assert_str_eq(g_ptr_array_index(found, 0), root);
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	g_free(root);
}

Test(find_traces, empty_missing_file_and_stop)
{
	char *root = test_make_tmpdir("lttsync-decode");
	char *file = g_build_filename(root, "f", NULL);
	GPtrArray *found = find(root, LTTSYNC_OK);
	char err[256];

	cr_assert_eq(found->len, 0);
	g_ptr_array_free(found, TRUE);
	g_ptr_array_free(find("/nonexistent/lttsync", LTTSYNC_ERROR_IO), TRUE);
	test_write_file(root, "f", "x", 1);
	g_ptr_array_free(find(file, LTTSYNC_ERROR_IO), TRUE);
	make_trace_folder(root, "t");
	cr_assert_eq(lsync_find_traces(root, on_found_stop, NULL, err, sizeof(err)),
		     LTTSYNC_ERROR_NOT_FOUND);
	test_rm_rf(root);
	g_free(file);
	g_free(root);
}

/* An unreadable subfolder is skipped, the rest still found. */
Test(find_traces, unreadable_subfolder_skipped)
{
	char *root = test_make_tmpdir("lttsync-decode");
	char *locked = test_subdir(root, "locked");
	GPtrArray *found;

	if (geteuid() == 0) {
		test_rm_rf(root);
		g_free(locked);
		g_free(root);
		cr_skip_test("running as root: permissions are not enforced");
	}
	make_trace_folder(root, "locked/t");
	make_trace_folder(root, "open/t");
	cr_assert_eq(chmod(locked, 0), 0);
	found = find(root, LTTSYNC_OK);
	cr_assert_eq(found->len, 1);
	chmod(locked, 0755);
	g_ptr_array_free(found, TRUE);
	test_rm_rf(root);
	g_free(locked);
	g_free(root);
}
