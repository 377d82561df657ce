/* SPDX-License-Identifier: MIT */
/* Room for more file descriptors (descriptors.h). */
#include "descriptors.h"

#include <dirent.h>
#include <stddef.h>
#include <sys/resource.h>

/* Descriptors open now: /proc/self/fd, or, without /proc, 0. */
static size_t open_now(void)
{
	DIR *d = opendir("/proc/self/fd");
	size_t n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	/* ".", "..", and the descriptor of the listing itself. */
	return n > 3 ? n - 3 : 0;
}

unsigned lsync_fd_room(unsigned wanted, unsigned per_unit, unsigned reserve)
{
	struct rlimit rl;
	size_t used, free_fds, units;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return wanted ? wanted : 1;
	used = open_now();
	free_fds = rl.rlim_cur > used + reserve ? rl.rlim_cur - used - reserve : 0;
	units = per_unit ? free_fds / per_unit : wanted;
	if (units > wanted)
		units = wanted;
	return units ? (unsigned)units : 1;
}
