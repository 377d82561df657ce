/* SPDX-License-Identifier: MIT */
/*
 * Output files written atomically: the report goes to a temporary file
 * beside the target, renamed over it only when complete, so that an
 * interrupted run never leaves a half-written report.
 */
#ifndef LTTSYNC_CLI_ATOMIC_FILE_H
#define LTTSYNC_CLI_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

/*
 * A regular file (or a symbolic link to one, or a new file) is replaced
 * atomically, keeping its permissions; standard output ("-" or NULL) and
 * other existing files (devices, FIFOs) are written in place.
 */
struct atomic_file {
	FILE *fp;
	char *tmp_path;   /* NULL when writing in place */
	char *resolved;   /* the symbolic link's target, owned */
	const char *path;
};

/* path NULL or "-": stdout. Returns 0, or -1 with errno set. */
int atomic_file_open(struct atomic_file *af, const char *path);
/* Flush, sync and rename into place. Returns 0, or -1 with errno set. */
int atomic_file_commit(struct atomic_file *af);
/* Give up: the temporary file is removed, the target left as it was. */
void atomic_file_abort(struct atomic_file *af);

#endif
