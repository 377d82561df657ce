/* SPDX-License-Identifier: MIT */
/* Growable arrays of words, heap then mapped memory (words.h). */
#define _GNU_SOURCE /* mremap */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "words.h"

#define FIRST_WORDS 256
#define MAPPED_BYTES ((size_t)64 << 10)

static int is_mapped(size_t cap)
{
	return cap * sizeof(uint64_t) >= MAPPED_BYTES;
}

/* A new mapping of `cap` words holding the `old` words of p (freed). */
static uint64_t *map_from_heap(uint64_t *p, size_t old, size_t cap)
{
	void *q = mmap(NULL, cap * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (q == MAP_FAILED)
		return NULL;
	if (old)
		memcpy(q, p, old * sizeof(uint64_t));
	free(p);
	return q;
}

int lsync_words_reserve(uint64_t **words, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : FIRST_WORDS;
	uint64_t *q;

	while (c < need) {
		if (c > SIZE_MAX / 2 / sizeof(uint64_t))
			return -1;
		c *= 2;
	}
	if (c == *cap)
		return 0;
	if (!is_mapped(c))
		q = realloc(*words, c * sizeof(uint64_t));
	else if (!is_mapped(*cap))
		q = map_from_heap(*words, *cap, c);
	else {
		void *m = mremap(*words, *cap * sizeof(uint64_t),
				 c * sizeof(uint64_t), MREMAP_MAYMOVE);

		q = m == MAP_FAILED ? NULL : m;
	}
	if (!q)
		return -1;
	*words = q;
	*cap = c;
	return 0;
}

void lsync_words_free(uint64_t *words, size_t cap)
{
	if (!words)
		return;
	if (is_mapped(cap))
		munmap(words, cap * sizeof(uint64_t));
	else
		free(words);
}
