/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

int atomic_file_open(struct atomic_file *af, const char *path)
{
	int fd;

	memset(af, 0, sizeof(*af));
	af->path = path;
	if (!path || strcmp(path, "-") == 0) {
		af->fp = stdout;
		return 0;
	}
	af->tmp_path = malloc(strlen(path) + sizeof(".tmp-XXXXXX"));
	if (!af->tmp_path)
		return -1;
	strcpy(af->tmp_path, path);
	strcat(af->tmp_path, ".tmp-XXXXXX");
	fd = mkstemp(af->tmp_path);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(af->fp = fdopen(fd, "w"))) {
		int saved = errno;

		if (fd >= 0) {
			close(fd);
			unlink(af->tmp_path);
		}
		free(af->tmp_path);
		af->tmp_path = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int atomic_file_commit(struct atomic_file *af)
{
	int rc = 0;

	if (!af->tmp_path)
		return fflush(af->fp) == 0 && !ferror(af->fp) ? 0 : -1;
	if (fflush(af->fp) != 0 || ferror(af->fp) || fsync(fileno(af->fp)) != 0)
		rc = -1;
	if (fclose(af->fp) != 0)
		rc = -1;
	af->fp = NULL;
	if (rc == 0 && rename(af->tmp_path, af->path) != 0)
		rc = -1;
	if (rc != 0) {
		int saved = errno;

		unlink(af->tmp_path);
		errno = saved;
	}
	free(af->tmp_path);
	af->tmp_path = NULL;
	return rc;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (!af->tmp_path)
		return;
	if (af->fp)
		fclose(af->fp);
	unlink(af->tmp_path);
	free(af->tmp_path);
	af->tmp_path = NULL;
	af->fp = NULL;
}
