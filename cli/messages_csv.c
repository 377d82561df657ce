/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "messages_csv.h"

#define CSV_TS_LIMIT ((int64_t)1 << 62)

struct csv_line {
	const char *file;
	unsigned long number;
	char *err;
	size_t err_size;
};

static int line_error(const struct csv_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int line_error(const struct csv_line *l, const char *fmt, ...)
{
	int n = snprintf(l->err, l->err_size, "%s:%lu: ", l->file, l->number);
	va_list ap;

	if (n < 0 || (size_t)n >= l->err_size)
		return 1;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

/* Split on commas into exactly 4 trimmed fields. */
static int split4(char *line, char *field[4])
{
	int n = 0;

	for (char *p = line;; p++) {
		char *comma = strchr(p, ',');

		if (n == 4)
			return -1;
		field[n++] = p;
		if (!comma)
			break;
		*comma = '\0';
		p = comma;
	}
	for (int i = 0; i < n; i++)
		field[i] = trim(field[i]);
	return n == 4 ? 0 : -1;
}

/* A decimal integer, optional sign, within +-2^62: nothing else. */
static bool parse_ns(const char *s, int64_t *out)
{
	const char *digits = (*s == '-' || *s == '+') ? s + 1 : s;
	char *end;
	long long v;

	if (!isdigit((unsigned char)*digits))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < -CSV_TS_LIMIT || v > CSV_TS_LIMIT)
		return false;
	*out = v;
	return true;
}

static bool is_header(char *field[4])
{
	static const char *const names[4] = { "send_host", "send_ns",
					      "recv_host", "recv_ns" };

	for (int i = 0; i < 4; i++)
		if (strcmp(field[i], names[i]) != 0)
			return false;
	return true;
}

static int feed_fields(lttsync_session *s, char *field[4],
		       const struct csv_line *l)
{
	lttsync_host_id from, to;
	int64_t send_ns, recv_ns;

	if (!field[0][0] || !field[2][0])
		return line_error(l, "empty host name");
	if (!parse_ns(field[1], &send_ns))
		return line_error(l, "send_ns '%s' is not an integer within "
				  "+-2^62 ns", field[1]);
	if (!parse_ns(field[3], &recv_ns))
		return line_error(l, "recv_ns '%s' is not an integer within "
				  "+-2^62 ns", field[3]);
	if (strcmp(field[0], field[2]) == 0)
		return line_error(l, "sender and receiver are the same host "
				  "'%s'", field[0]);
	if (lttsync_session_add_host(&from, s, field[0]) ||
	    lttsync_session_add_host(&to, s, field[2]) ||
	    lttsync_session_feed_message(s, from, send_ns, to, recv_ns))
		return line_error(l, "%s", lttsync_session_get_last_error(s));
	return 0;
}

/* One raw line (without its newline); `first` is true until data is seen. */
static int read_line(lttsync_session *s, char *raw, size_t len, bool *first,
		     const struct csv_line *l)
{
	char *line, *field[4];

	if (strlen(raw) != len)
		return line_error(l, "NUL byte in line");
	line = trim(raw);
	if (!*line || *line == '#')
		return 0;
	if (split4(line, field))
		return line_error(l, "expected 4 comma-separated fields: "
				  "send_host,send_ns,recv_host,recv_ns");
	if (*first && is_header(field)) {
		*first = false;
		return 0;
	}
	*first = false;
	return feed_fields(s, field, l);
}

int cli_read_messages(lttsync_session *s, FILE *in, const char *name,
		      char *err, size_t err_size)
{
	struct csv_line l = { name, 0, err, err_size };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	bool first = true;
	int rc = 0;

	while (!rc && (len = getline(&buf, &cap, in)) >= 0) {
		char *line = buf;

		l.number++;
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		/* A UTF-8 byte order mark, as some editors write, is no data. */
		if (l.number == 1 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
		rc = read_line(s, line, (size_t)len, &first, &l);
	}
	if (!rc && ferror(in))
		rc = line_error(&l, "read error: %s", strerror(errno));
	free(buf);
	return rc;
}
