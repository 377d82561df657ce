/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

/* The permissions a plain fopen(path, "w") would have given. */
static mode_t target_mode(const struct stat *st, bool exists)
{
	mode_t mask;

	if (exists)
		return st->st_mode & 07777;
	mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/* Devices, FIFOs and the like are written in place: never replaced. */
static int open_direct(struct atomic_file *af, const char *path)
{
	af->fp = fopen(path, "w");
	return af->fp ? 0 : -1;
}

static int open_temporary(struct atomic_file *af, mode_t mode)
{
	int fd, saved;

	af->tmp_path = malloc(strlen(af->path) + sizeof(".tmp-XXXXXX"));
	if (!af->tmp_path)
		return -1;
	strcpy(af->tmp_path, af->path);
	strcat(af->tmp_path, ".tmp-XXXXXX");
	fd = mkstemp(af->tmp_path);
	if (fd >= 0 && fchmod(fd, mode) == 0 && (af->fp = fdopen(fd, "w")))
		return 0;
	saved = errno;
	if (fd >= 0) {
		close(fd);
		unlink(af->tmp_path);
	}
	free(af->tmp_path);
	af->tmp_path = NULL;
	errno = saved;
	return -1;
}

/*
 * The file a dangling symbolic link names (following a chain of links),
 * malloc'd; NULL when `path` is no symbolic link or on error (errno set:
 * ELOOP for a loop). Writing through the link creates its target, as a
 * plain fopen() would, instead of replacing the link.
 */
static char *dangling_target(const char *path)
{
	char *cur = strdup(path), *next;
	struct stat st;
	int hops = 0;

	while (cur && lstat(cur, &st) == 0 && S_ISLNK(st.st_mode)) {
		char link[PATH_MAX];
		ssize_t n = readlink(cur, link, sizeof(link) - 1);
		const char *slash = strrchr(cur, '/');

		if (n < 0 || ++hops > 40) {
			if (n >= 0)
				errno = ELOOP;
			free(cur);
			return NULL;
		}
		link[n] = '\0';
		if (link[0] == '/' || !slash) {
			next = strdup(link);
		} else {
			/* Relative to the link's own folder. */
			next = malloc((size_t)(slash - cur) + 2 + (size_t)n);
			if (next)
				sprintf(next, "%.*s/%s", (int)(slash - cur), cur, link);
		}
		free(cur);
		cur = next;
	}
	if (cur && hops == 0) {
		free(cur);
		return NULL;
	}
	return cur;
}

int atomic_file_open(struct atomic_file *af, const char *path)
{
	struct stat st;
	bool exists;

	memset(af, 0, sizeof(*af));
	if (!path || strcmp(path, "-") == 0) {
		af->fp = stdout;
		return 0;
	}
	exists = stat(path, &st) == 0;
	if (!exists && errno == ELOOP)
		return -1; /* a loop of links: nothing to write to */
	if (exists && !S_ISREG(st.st_mode))
		return open_direct(af, path);
	/* Through a symbolic link: replace the file it points to. */
	af->resolved = exists ? realpath(path, NULL) : dangling_target(path);
	af->path = af->resolved ? af->resolved : path;
	return open_temporary(af, target_mode(&st, exists));
}

int atomic_file_commit(struct atomic_file *af)
{
	int rc = 0, saved;

	if (!af->tmp_path) {
		rc = fflush(af->fp) == 0 && !ferror(af->fp) ? 0 : -1;
		if (af->fp != stdout && fclose(af->fp) != 0)
			rc = -1;
		af->fp = NULL;
		return rc;
	}
	if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0)
		rc = -1;
	if (fclose(af->fp) != 0)
		rc = -1;
	af->fp = NULL;
	if (rc == 0 && rename(af->tmp_path, af->path) != 0)
		rc = -1;
	saved = errno;
	if (rc != 0)
		unlink(af->tmp_path);
	free(af->tmp_path);
	free(af->resolved);
	af->tmp_path = af->resolved = NULL;
	errno = saved;
	return rc;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (af->fp && af->fp != stdout)
		fclose(af->fp);
	else if (af->fp)
		fflush(af->fp);
	af->fp = NULL;
	if (af->tmp_path)
		unlink(af->tmp_path);
	free(af->tmp_path);
	free(af->resolved);
	af->tmp_path = af->resolved = NULL;
}
