/* SPDX-License-Identifier: MIT */
/* Collecting what a decode hands out (collect.h). */
#include "collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int collect_begin(void *user, const char *hostname)
{
	collected *c = user;

	c->has_host = hostname != NULL;
	snprintf(c->host, sizeof(c->host), "%s", hostname ? hostname : "");
	return 0;
}

int collect_packet(void *user, const lttsync_packet *p)
{
	collected *c = user;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->p = realloc(c->p, c->cap * sizeof(*c->p));
		if (!c->p)
			abort();
	}
	c->p[c->n++] = *p;
	return 0;
}

int collect_cmp_packet(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(lttsync_packet));
}
