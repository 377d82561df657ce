/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

void lsync_json_init(struct lsync_json *j, const char *text, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->text = j->p = text;
	j->end = text + len;
}

/* Line and column (from 1, in bytes) of the current position. */
static void position(const struct lsync_json *j, size_t *line, size_t *col)
{
	const char *q = j->text, *start = j->text;

	*line = 1;
	for (; q < j->p; q++)
		if (*q == '\n') {
			++*line;
			start = q + 1;
		}
	*col = (size_t)(j->p - start) + 1;
}

bool lsync_json_fail(struct lsync_json *j, const char *fmt, ...)
{
	size_t line, col;
	int n;
	va_list ap;

	if (j->failed)
		return false;
	j->failed = true;
	position(j, &line, &col);
	va_start(ap, fmt);
	n = vsnprintf(j->error, sizeof(j->error) - 48, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(j->error) - 48)
		n = (int)strlen(j->error);
	snprintf(j->error + n, sizeof(j->error) - (size_t)n,
		 " (line %zu, column %zu)", line, col);
	return false;
}

static bool out_of_memory(struct lsync_json *j)
{
	j->no_memory = true;
	return lsync_json_fail(j, "out of memory");
}

static void skip_space(struct lsync_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

const char *lsync_json_kind_name(enum lsync_json_kind kind)
{
	static const char *const names[] = { "null", "false", "true",
		"a number", "a string", "an array", "an object",
		"the end of the input" };

	return names[kind];
}

enum lsync_json_kind lsync_json_peek(struct lsync_json *j)
{
	skip_space(j);
	if (j->p == j->end)
		return LSYNC_JSON_END;
	switch (*j->p) {
	case 'n': return LSYNC_JSON_NULL;
	case 'f': return LSYNC_JSON_FALSE;
	case 't': return LSYNC_JSON_TRUE;
	case '"': return LSYNC_JSON_STRING;
	case '[': return LSYNC_JSON_ARRAY;
	case '{': return LSYNC_JSON_OBJECT;
	default: return LSYNC_JSON_NUMBER; /* or garbage: the number says */
	}
}

static bool literal(struct lsync_json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return lsync_json_fail(j, "expected a JSON value");
	j->p += n;
	return true;
}

/* Consume a number (RFC 8259 grammar); *start, *len: its text. */
static bool number(struct lsync_json *j, const char **start, size_t *len)
{
	const char *p = j->p, *e = j->end;

	*start = p;
	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (p < e && *p >= '1' && *p <= '9')
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	else
		return lsync_json_fail(j, "expected a JSON value");
	if (p < e && *p == '.') {
		if (++p == e || *p < '0' || *p > '9')
			return lsync_json_fail(j, "a digit must follow the decimal point");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p == e || *p < '0' || *p > '9')
			return lsync_json_fail(j, "a digit must follow the exponent");
		while (p < e && *p >= '0' && *p <= '9')
			p++;
	}
	*len = (size_t)(p - *start);
	j->p = p;
	return true;
}

/* Length of the valid UTF-8 sequence at p (before e), 0 if none. */
static int utf8_length(const unsigned char *p, const unsigned char *e)
{
	int n = *p < 0x80 ? 1 : *p >= 0xc2 && *p < 0xe0 ? 2
		: *p >= 0xe0 && *p < 0xf0 ? 3 : *p >= 0xf0 && *p < 0xf5 ? 4 : 0;

	if (e - p < n)
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) ||
	    (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) ||
	    (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))
		return 0;
	return n;
}

static int hex4(const char *p, const char *e)
{
	int v = 0;

	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape at j->p (after the backslash and u); its code point. */
static bool unicode_escape(struct lsync_json *j, unsigned *cp)
{
	int hi = hex4(j->p, j->end), lo;

	if (hi < 0)
		return lsync_json_fail(j, "\\u needs four hexadecimal digits");
	j->p += 4;
	if (hi >= 0xdc00 && hi < 0xe000)
		return lsync_json_fail(j, "a lone low surrogate");
	if (hi >= 0xd800 && hi < 0xdc00) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    (lo = hex4(j->p + 2, j->end)) < 0xdc00 || lo >= 0xe000)
			return lsync_json_fail(j, "a high surrogate without its low half");
		j->p += 6;
		*cp = 0x10000 + (((unsigned)hi - 0xd800) << 10) + ((unsigned)lo - 0xdc00);
	} else {
		*cp = (unsigned)hi;
	}
	if (*cp == 0)
		return lsync_json_fail(j, "a string holds U+0000");
	return true;
}

static bool escape(struct lsync_json *j, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned cp = 0;

	if (j->p == j->end)
		return lsync_json_fail(j, "the input ends inside a string");
	if (*j->p == 'u') {
		j->p++;
		if (!unicode_escape(j, &cp))
			return false;
		*n += put_utf8(out + *n, cp);
		return true;
	}
	if (!(k = memchr(from, *j->p, sizeof(from) - 1)))
		return lsync_json_fail(j, "unknown escape `\\%c`", *j->p);
	out[(*n)++] = to[k - from];
	j->p++;
	return true;
}

/*
 * A string at j->p (its opening quote), decoded into new memory. The
 * decoded text is never longer than the source (an escape of 6 or 12
 * characters gives at most 4 bytes).
 */
static bool string_value(struct lsync_json *j, char **out)
{
	const char *start = ++j->p;
	const char *close = start;
	char *s;
	size_t n = 0;

	*out = NULL;
	/* Bound the decoded size by the raw length to the closing quote. */
	while (close < j->end && *close != '"')
		close += *close == '\\' && close + 1 < j->end ? 2 : 1;
	if (close >= j->end)
		return lsync_json_fail(j, "the input ends inside a string");
	s = malloc((size_t)(close - start) + 1);
	if (!s)
		return out_of_memory(j);
	/* Escapes never run past the quote found above: stop there anyway. */
	while (j->p < close) {
		const unsigned char *u = (const unsigned char *)j->p;
		int len;

		if (*u < 0x20) {
			free(s);
			return lsync_json_fail(j, "a control character inside a string");
		}
		if (*u == '\\') {
			j->p++;
			if (!escape(j, s, &n)) {
				free(s);
				return false;
			}
			continue;
		}
		if (!(len = utf8_length(u, (const unsigned char *)close))) {
			free(s);
			return lsync_json_fail(j, "a string that is not UTF-8");
		}
		memcpy(s + n, j->p, (size_t)len);
		n += (size_t)len;
		j->p += len;
	}
	if (j->p != close) {
		free(s);
		return lsync_json_fail(j, "an escape runs past the end of its string");
	}
	j->p++;
	s[n] = '\0';
	*out = s;
	return true;
}

static bool skip_member(struct lsync_json *j, const char *key, void *ctx)
{
	(void)key;
	(void)ctx;
	return lsync_json_skip(j);
}

static bool skip_element(struct lsync_json *j, size_t index, void *ctx)
{
	(void)index;
	(void)ctx;
	return lsync_json_skip(j);
}

bool lsync_json_skip(struct lsync_json *j)
{
	const char *start;
	char *s;
	size_t len;

	switch (lsync_json_peek(j)) {
	case LSYNC_JSON_NULL: return literal(j, "null");
	case LSYNC_JSON_FALSE: return literal(j, "false");
	case LSYNC_JSON_TRUE: return literal(j, "true");
	case LSYNC_JSON_NUMBER: return number(j, &start, &len);
	case LSYNC_JSON_STRING:
		if (!string_value(j, &s))
			return false;
		free(s);
		return true;
	case LSYNC_JSON_ARRAY: return lsync_json_array(j, skip_element, NULL);
	case LSYNC_JSON_OBJECT: return lsync_json_object(j, skip_member, NULL);
	default: return lsync_json_fail(j, "the input ends where a value was expected");
	}
}

static bool expect_kind(struct lsync_json *j, enum lsync_json_kind want,
			enum lsync_json_kind got)
{
	if (got == want)
		return true;
	return lsync_json_fail(j, "expected %s, found %s",
			       lsync_json_kind_name(want), lsync_json_kind_name(got));
}

bool lsync_json_string(struct lsync_json *j, char **out)
{
	*out = NULL;
	if (!expect_kind(j, LSYNC_JSON_STRING, lsync_json_peek(j)))
		return false;
	return string_value(j, out);
}

bool lsync_json_string_or_null(struct lsync_json *j, char **out)
{
	*out = NULL;
	if (lsync_json_peek(j) == LSYNC_JSON_NULL)
		return literal(j, "null");
	if (lsync_json_peek(j) != LSYNC_JSON_STRING)
		return lsync_json_fail(j, "expected a string or null, found %s",
				       lsync_json_kind_name(lsync_json_peek(j)));
	return string_value(j, out);
}

bool lsync_json_int64(struct lsync_json *j, int64_t *out, bool *is_null)
{
	const char *start;
	char buf[32], *end;
	size_t len;
	long long v;

	if (is_null)
		*is_null = false;
	if (is_null && lsync_json_peek(j) == LSYNC_JSON_NULL) {
		*is_null = true;
		return literal(j, "null");
	}
	if (!expect_kind(j, LSYNC_JSON_NUMBER, lsync_json_peek(j)) ||
	    !number(j, &start, &len))
		return false;
	j->p = start; /* errors point at the number */
	if (memchr(start, '.', len) || memchr(start, 'e', len) ||
	    memchr(start, 'E', len))
		return lsync_json_fail(j, "expected an integer, found `%.*s`",
				       (int)(len > 40 ? 40 : len), start);
	if (len >= sizeof(buf))
		return lsync_json_fail(j, "integer `%.40s...` beyond 64 bits", start);
	memcpy(buf, start, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno == ERANGE)
		return lsync_json_fail(j, "integer `%s` beyond 64 bits", buf);
	j->p = start + len;
	*out = (int64_t)v;
	return true;
}

/* Consume `c` after white space, or fail saying what was expected. */
static bool punct(struct lsync_json *j, char c, const char *what)
{
	skip_space(j);
	if (j->p == j->end)
		return lsync_json_fail(j, "the input ends where %s was expected", what);
	if (*j->p != c)
		return lsync_json_fail(j, "expected %s", what);
	j->p++;
	return true;
}

static bool enter(struct lsync_json *j)
{
	if (++j->depth > LSYNC_JSON_MAX_DEPTH)
		return lsync_json_fail(j, "nested deeper than %d levels",
				       LSYNC_JSON_MAX_DEPTH);
	return true;
}

static bool object_member(struct lsync_json *j, lsync_json_member_fn member,
			  void *ctx)
{
	char *key;
	bool ok;

	if (lsync_json_peek(j) != LSYNC_JSON_STRING)
		return lsync_json_fail(j, "expected a member name (a string)");
	if (!string_value(j, &key))
		return false;
	ok = punct(j, ':', "`:`") && member(j, key, ctx);
	free(key);
	return ok;
}

bool lsync_json_object(struct lsync_json *j, lsync_json_member_fn member,
		       void *ctx)
{
	if (!expect_kind(j, LSYNC_JSON_OBJECT, lsync_json_peek(j)))
		return false;
	j->p++;
	if (!enter(j))
		return false;
	skip_space(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		j->depth--;
		return true;
	}
	do {
		if (!object_member(j, member, ctx))
			return false;
		skip_space(j);
	} while (j->p < j->end && *j->p == ',' && j->p++);
	if (!punct(j, '}', "`,` or `}`"))
		return false;
	j->depth--;
	return true;
}

bool lsync_json_array(struct lsync_json *j, lsync_json_element_fn element,
		      void *ctx)
{
	size_t i = 0;

	if (!expect_kind(j, LSYNC_JSON_ARRAY, lsync_json_peek(j)))
		return false;
	j->p++;
	if (!enter(j))
		return false;
	skip_space(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		j->depth--;
		return true;
	}
	do {
		if (lsync_json_peek(j) == LSYNC_JSON_END)
			return lsync_json_fail(j, "the input ends inside an array");
		if (!element(j, i++, ctx))
			return false;
		skip_space(j);
	} while (j->p < j->end && *j->p == ',' && j->p++);
	if (!punct(j, ']', "`,` or `]`"))
		return false;
	j->depth--;
	return true;
}

bool lsync_json_finish(struct lsync_json *j)
{
	skip_space(j);
	if (j->p != j->end)
		return lsync_json_fail(j, "text after the end of the JSON value");
	return true;
}
