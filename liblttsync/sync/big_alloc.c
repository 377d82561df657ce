/* SPDX-License-Identifier: MIT */
/* Large arrays read at random (big_alloc.h). */
#include "big_alloc.h"

#include <stdlib.h>
#include <sys/mman.h>

void *lsync_big_alloc(size_t bytes)
{
	void *p;

	if (posix_memalign(&p, bytes < LSYNC_HUGE_PAGE ? 64 : LSYNC_HUGE_PAGE,
			   bytes))
		return NULL;
#ifdef MADV_HUGEPAGE
	if (bytes >= LSYNC_HUGE_PAGE)
		madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}
