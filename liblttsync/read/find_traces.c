/* SPDX-License-Identifier: MIT */
/*
 * Finding the trace folders under a path (decode.h, lsync_find_traces).
 *
 * source.ctf.fs reads one trace folder and does not look into subfolders,
 * while an LTTng session folder holds one trace per subfolder (kernel/,
 * ust/uid/1000/64-bit/...). A folder holding a regular file named
 * `metadata` is a trace; the walk does not descend into it. A folder of
 * stream files without `metadata` is listed too, so that reading it fails
 * with a message naming it.
 *
 * Symbolic links to folders are followed (people gather traces with
 * links), so a folder is recognised by its (st_dev, st_ino): one already
 * visited is skipped, which breaks loops and lists a trace reachable by
 * two paths once. To list it under its real path rather than a link's,
 * the real tree is walked first, links not followed; links are followed
 * in a second pass. Entries are taken in name order so the path kept
 * never depends on readdir order. Subfolders that cannot be read are
 * skipped: one unreadable corner should not hide the other traces.
 *
 * What the walk never enters: a link to a folder that holds the searched
 * path (`/`, `..`, a parent: behind it is the whole machine, or the tree
 * already walked), and the kernel's pseudo file systems (/proc, /sys,
 * /dev/pts, cgroup, debugfs, tracefs: no trace there, and files that
 * block or never end). Only regular files are opened, to read their
 * first 4 bytes.
 */
#include "decode_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <glib.h>

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walk {
	GHashTable *visited;       /* set of dir_id: folders walked for traces */
	GHashTable *visited_links; /* set of dir_id: folders searched for links */
	GPtrArray *traces;         /* of char *, owned */
	char *root;                /* the searched path, resolved (or NULL) */
} walk;

/* The kernel's pseudo file systems (statfs magic numbers, linux/magic.h). */
static bool pseudo_fs(const char *dir)
{
	static const unsigned long magic[] = {
		0x9fa0,     /* proc */
		0x62656572, /* sysfs */
		0x1cd1,     /* devpts */
		0x27e0eb,   /* cgroup */
		0x63677270, /* cgroup2 */
		0x64626720, /* debugfs */
		0x74726163, /* tracefs */
		0x73636673, /* securityfs */
		0xcafe4a11, /* bpf */
	};
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(magic); i++)
		if ((unsigned long)fs.f_type == magic[i])
			return true;
	return false;
}

/* Does the link's target folder hold the searched path (or is it)? */
static bool holds_root(const walk *w, const char *link)
{
	char *target = realpath(link, NULL);
	size_t n = target ? strlen(target) : 0;
	bool yes = target && w->root && strncmp(w->root, target, n) == 0 &&
		   (w->root[n] == '\0' || w->root[n] == '/' || n == 1);

	free(target);
	return yes;
}

static guint dir_id_hash(gconstpointer p)
{
	const dir_id *d = p;

	return (guint)((uint64_t)d->ino ^ ((uint64_t)d->ino >> 32) ^ (uint64_t)d->dev);
}

static gboolean dir_id_equal(gconstpointer a, gconstpointer b)
{
	const dir_id *x = a, *y = b;

	return x->dev == y->dev && x->ino == y->ino;
}

/* Record the directory as visited; false if it already was. */
static bool first_visit(GHashTable *set, const struct stat *st)
{
	dir_id key = { st->st_dev, st->st_ino };
	dir_id *stored;

	if (g_hash_table_contains(set, &key))
		return false;
	stored = g_new(dir_id, 1);
	*stored = key;
	g_hash_table_add(set, stored);
	return true;
}

/* Does the file start with a CTF packet header's magic, either order? */
static bool is_stream_file(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	unsigned char m[4];
	struct stat st;
	int fd = -1;
	bool yes = false;

	/* Regular files only: opening a FIFO would block for ever. Checked
	 * again on the open file (O_NONBLOCK, no link followed), since the
	 * entry may be replaced between lstat() and open(). */
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, m, 4) == 4)
		yes = (m[0] == 0xc1 && m[1] == 0x1f && m[2] == 0xfc && m[3] == 0xc1) ||
		      (m[0] == 0xc1 && m[1] == 0xfc && m[2] == 0x1f && m[3] == 0xc1);
	if (fd >= 0)
		close(fd);
	g_free(path);
	return yes;
}

/*
 * Stream files without their metadata: still reported as a trace, so
 * that reading it fails with a message naming the folder, instead of the
 * host vanishing silently from the results.
 */
static bool has_orphan_streams(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	bool yes = false;

	while (d && !yes && (name = g_dir_read_name(d)))
		yes = is_stream_file(dir, name);
	if (d)
		g_dir_close(d);
	return yes;
}

static bool is_trace_folder(const char *dir)
{
	char *meta = g_build_filename(dir, "metadata", NULL);
	struct stat st;
	bool yes = stat(meta, &st) == 0 && S_ISREG(st.st_mode);

	g_free(meta);
	return yes || has_orphan_streams(dir);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry names of `dir` (without . and ..), sorted; NULL if unreadable. */
static GPtrArray *list_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	GPtrArray *names;

	if (!d)
		return NULL;
	names = g_ptr_array_new_with_free_func(g_free);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			g_ptr_array_add(names, g_strdup(e->d_name));
	closedir(d);
	g_ptr_array_sort(names, compare_names);
	return names;
}

/* The entry `name` of `dir`: its path (to g_free) and lstat(). */
static char *entry(const char *dir, const char *name, struct stat *lst)
{
	char *child = g_build_filename(dir, name, NULL);

	if (lstat(child, lst) != 0) {
		g_free(child);
		return NULL;
	}
	return child;
}

/*
 * Walk for traces, marking folders visited. Phase 1 walks the real tree
 * (follow false: links are not followed); behind a link (phase 2) every
 * folder is walked with links followed. `visited`, shared by both, stops
 * loops and folders already listed by a real path.
 */
static void walk_folders(walk *w, const char *dir, const struct stat *st,
			 bool follow)
{
	GPtrArray *names;

	if (!first_visit(w->visited, st) || pseudo_fs(dir))
		return;
	if (is_trace_folder(dir)) {
		g_ptr_array_add(w->traces, g_strdup(dir));
		return;
	}
	names = list_entries(dir);
	for (guint i = 0; names && i < names->len; i++) {
		char *child = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
		struct stat cst;

		if ((follow ? stat(child, &cst) : lstat(child, &cst)) == 0 &&
		    S_ISDIR(cst.st_mode) && !(follow && holds_root(w, child)))
			walk_folders(w, child, &cst, follow);
		g_free(child);
	}
	if (names)
		g_ptr_array_free(names, TRUE);
}

/*
 * Phase 2: the real tree again, to find its links to folders and walk
 * behind them. Its own set guards against bind-mount cycles.
 */
static void walk_links(walk *w, const char *dir, const struct stat *st)
{
	GPtrArray *names;

	if (!first_visit(w->visited_links, st) || is_trace_folder(dir))
		return;
	names = list_entries(dir);
	for (guint i = 0; names && i < names->len; i++) {
		struct stat cst, target;
		char *child = entry(dir, g_ptr_array_index(names, i), &cst);

		if (child && S_ISDIR(cst.st_mode))
			walk_links(w, child, &cst);
		else if (child && S_ISLNK(cst.st_mode) && stat(child, &target) == 0 &&
			 S_ISDIR(target.st_mode) && !holds_root(w, child))
			walk_folders(w, child, &target, true);
		g_free(child);
	}
	if (names)
		g_ptr_array_free(names, TRUE);
}

/* The top path must be a readable folder: anything else is an IO error. */
static lttsync_status check_top(const char *path, struct stat *st,
				char *err, size_t size)
{
	DIR *d;

	if (stat(path, st) != 0)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s: %s",
					 path, strerror(errno));
	if (!S_ISDIR(st->st_mode))
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO,
					 "%s: not a folder", path);
	d = opendir(path);
	if (!d)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s: %s",
					 path, strerror(errno));
	closedir(d);
	return LTTSYNC_OK;
}

lttsync_status lsync_find_traces(const char *path,
				 int (*found)(void *user, const char *folder),
				 void *user, char *err, size_t err_size)
{
	struct stat st;
	walk w;
	int rc = 0;
	lttsync_status status;

	if (err && err_size)
		err[0] = '\0';
	if (!path || !found)
		return lsync_decode_fail(err, err_size, LTTSYNC_ERROR_INVALID_ARGUMENT,
			    "lsync_find_traces: NULL path or callback");
	status = check_top(path, &st, err, err_size);
	if (status != LTTSYNC_OK)
		return status;
	w.visited = g_hash_table_new_full(dir_id_hash, dir_id_equal, g_free, NULL);
	w.visited_links = g_hash_table_new_full(dir_id_hash, dir_id_equal,
						g_free, NULL);
	w.traces = g_ptr_array_new_with_free_func(g_free);
	w.root = realpath(path, NULL);
	walk_folders(&w, path, &st, false);
	walk_links(&w, path, &st);
	g_ptr_array_sort(w.traces, compare_names);
	for (guint i = 0; i < w.traces->len && rc >= 0; i++)
		rc = found(user, g_ptr_array_index(w.traces, i));
	g_ptr_array_free(w.traces, TRUE);
	g_hash_table_destroy(w.visited);
	g_hash_table_destroy(w.visited_links);
	free(w.root);
	if (rc < 0)
		return lsync_decode_fail(err, err_size, (lttsync_status)rc,
			    "%s: stopped by the callback", path);
	return LTTSYNC_OK;
}
