/* SPDX-License-Identifier: MIT */
/* The min-heap of the merge by time (merge_heap.h). */
#include "merge_heap.h"

static int64_t key_at(const lsync_merge_heap *h, size_t i)
{
	return h->key(h->item[i]);
}

static void swap(lsync_merge_heap *h, size_t i, size_t k)
{
	void *tmp = h->item[i];

	h->item[i] = h->item[k];
	h->item[k] = tmp;
}

void lsync_heap_sift_down(lsync_merge_heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, k = i;

		if (l < h->n && key_at(h, l) < key_at(h, k))
			k = l;
		if (l + 1 < h->n && key_at(h, l + 1) < key_at(h, k))
			k = l + 1;
		if (k == i)
			return;
		swap(h, i, k);
		i = k;
	}
}

void lsync_heap_push(lsync_merge_heap *h, void *x)
{
	size_t i = h->n++;

	h->item[i] = x;
	while (i && key_at(h, (i - 1) / 2) > key_at(h, i)) {
		swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

void lsync_heap_pop(lsync_merge_heap *h)
{
	h->item[0] = h->item[--h->n];
	lsync_heap_sift_down(h, 0);
}

void lsync_heap_rebuild(lsync_merge_heap *h)
{
	for (size_t i = h->n / 2; i-- > 0;)
		lsync_heap_sift_down(h, i);
}
