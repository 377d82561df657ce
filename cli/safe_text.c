/* SPDX-License-Identifier: MIT */
#include "safe_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies handed out, reused in turn: callers print a few per line. */
#define RING 8
static char *ring[RING];
static unsigned next;

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static bool needs_escape(const char *s)
{
	for (; *s; s++)
		if (is_control((unsigned char)*s))
			return true;
	return false;
}

const char *cli_safe(const char *s)
{
	char *out, *o;

	if (!s || !needs_escape(s))
		return s;
	out = malloc(strlen(s) * 4 + 1);
	if (!out)
		return "(text with control characters)";
	for (o = out; *s; s++) {
		if (is_control((unsigned char)*s))
			o += sprintf(o, "\\x%02x", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = '\0';
	free(ring[next]);
	ring[next] = out;
	next = (next + 1) % RING;
	return out;
}
