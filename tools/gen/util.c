/* SPDX-License-Identifier: MIT */
/* lttsync-gen: errors, allocation, paths, text buffers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"

void gen_die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, GEN_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void out_of_memory(size_t n)
{
	gen_die(GEN_EXIT_IO, "out of memory (%zu bytes)", n);
}

void *gen_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *gen_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
}

void *gen_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		out_of_memory(n);
	return q;
}

char *gen_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(gen_xmalloc(n), s, n);
}

/* a "/" b, freshly allocated. */
char *gen_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = gen_xmalloc(la + lb + 2);

	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

/* mkdir -p: every missing component is created. */
void gen_mkdir_p(const char *path)
{
	char *p = gen_xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			gen_die(GEN_EXIT_IO, "cannot create %s: %s", p,
				strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		gen_die(GEN_EXIT_IO, "cannot create %s: %s", p, strerror(errno));
	free(p);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			gen_die(GEN_EXIT_IO, "formatting failed");
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = gen_xrealloc(b->s, b->cap);
	}
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
