/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "messages_csv.h"
#include "messages_pipe.h"

#define CSV_TS_LIMIT ((uint64_t)1 << 62)
/* What the reader returns when the feeding side stopped it (no error of
 * its own: the feeding side's is the run's). */
#define CSV_STOPPED 2
/*
 * Bytes read at once: large, so that reading costs nothing per line, and
 * more than a line may hold, so that every line fits once what precedes
 * it has been parsed.
 */
#define CSV_BLOCK ((size_t)1 << 20)
_Static_assert(CSV_BLOCK > 2 * CSV_LINE_MAX, "a block holds a line");

struct csv_line {
	const char *file;
	unsigned long number;
	char *err;
	size_t err_size;
};

/* A field of a line: its bytes, unquoted, without surrounding blanks. */
struct field {
	char *p;
	size_t len;
};

/*
 * Host names already declared, by their bytes: a lookup costs a hash and
 * a memcmp instead of the session's strlen, name check and lookup.
 */
struct host_entry {
	uint64_t hash;
	char *name; /* NULL: a free slot */
	size_t len;
	uint32_t id; /* in order of first use: see messages_pipe.h */
};

struct host_table {
	struct host_entry *slot;
	size_t mask, used;
	uint64_t seed; /* per run, so that no input can choose collisions */
};

struct csv_reader {
	struct msg_pipe *pipe;
	FILE *in;
	char *buf; /* CSV_BLOCK bytes and CSV_PAD after them */
	struct csv_line l;
	struct host_table hosts;
	char *line, *line_end; /* the line being read, for error messages */
	bool first;            /* no data line yet: the header may come */
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

static int bad_line(const struct csv_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A malformed line's error; a NUL byte anywhere in it is the reason. */
static int bad_line(const struct csv_reader *r, const char *fmt, ...)
{
	const struct csv_line *l = &r->l;
	int n;
	va_list ap;

	if (memchr(r->line, '\0', (size_t)(r->line_end - r->line)))
		return line_error(l, "NUL byte in line");
	n = snprintf(l->err, l->err_size, "%s:%lu: ", l->file, l->number);
	if (n < 0 || (size_t)n >= l->err_size)
		return 1;
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- words ------------------------------------------------------------ */
/*
 * Lines are scanned 8 bytes at a time. Reading up to 7 bytes past what a
 * scan needs is safe: the block buffer has CSV_PAD bytes after its end
 * and stored names are padded to whole words, every byte initialised.
 */
#define CSV_PAD 16
/* The line's steps inlined into one function: constants and registers
 * set up once a line instead of once a field. */
#define ALWAYS_INLINE __attribute__((always_inline))
#define ONES ((uint64_t)0x0101010101010101u)
#define HIGHS ((uint64_t)0x8080808080808080u)

/* Byte i of the word is p[i], whatever the machine's byte order. */
static inline uint64_t load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* The first n bytes of w (n < 8). */
static inline uint64_t first_bytes(uint64_t w, size_t n)
{
	return n ? w & (~(uint64_t)0 >> (64 - 8 * n)) : 0;
}

/* Bit 7 set in the bytes of w equal to c (exact up to the first one). */
static inline uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	uint64_t x = w ^ (ONES * c);

	return (x - ONES) & ~x & HIGHS;
}

static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdu;
	return h ^ (h >> 32);
}

/* The last n % 8 bytes of an n-byte name in tail. */
static inline uint64_t hash_end(uint64_t h, uint64_t tail, size_t n)
{
	h = (h ^ tail ^ ((uint64_t)n * 0x9e3779b97f4a7c15u)) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

static uint64_t name_hash(const char *p, size_t n, uint64_t seed)
{
	uint64_t h = seed;
	size_t left = n;

	for (; left >= 8; p += 8, left -= 8)
		h = hash_word(h, load8(p));
	return hash_end(h, first_bytes(load8(p), left), n);
}

static bool same_bytes(const char *a, const char *b, size_t n)
{
	for (; n >= 8; a += 8, b += 8, n -= 8)
		if (load8(a) != load8(b))
			return false;
	return first_bytes(load8(a) ^ load8(b), n) == 0;
}

/* ---- host names --------------------------------------------------------- */

/* The slot of that name, or the free slot where it would go. */
static inline ALWAYS_INLINE struct host_entry *
table_find(const struct host_table *t, const char *p, size_t len, uint64_t h)
{
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		struct host_entry *e = &t->slot[i];

		if (!e->name || (e->hash == h && e->len == len &&
				 same_bytes(e->name, p, len)))
			return e;
	}
}

static bool table_init(struct host_table *t)
{
	t->mask = 63;
	t->used = 0;
	t->seed = (uint64_t)time(NULL) * 0x2545f4914f6cdd1du ^ (uintptr_t)t;
	t->slot = calloc(t->mask + 1, sizeof(*t->slot));
	return t->slot != NULL;
}

static bool table_grow(struct host_table *t)
{
	size_t old_n = t->mask + 1;
	struct host_entry *old = t->slot;
	struct host_entry *slot = calloc(old_n * 2, sizeof(*slot));

	if (!slot)
		return false;
	t->slot = slot;
	t->mask = old_n * 2 - 1;
	for (size_t i = 0; i < old_n; i++)
		if (old[i].name)
			*table_find(t, old[i].name, old[i].len, old[i].hash) = old[i];
	free(old);
	return true;
}

static void table_free(struct host_table *t)
{
	if (!t->slot)
		return;
	for (size_t i = 0; i <= t->mask; i++)
		free(t->slot[i].name);
	free(t->slot);
}

/*
 * A name not seen yet: numbered, remembered in e, and handed to the
 * feeding side in batch b, which declares it to the session.
 */
static __attribute__((noinline)) int
declare_host(struct csv_reader *r, struct msg_batch *b, struct field *f,
	     uint64_t h, struct host_entry *e, uint32_t *out)
{
	char *copy;

	if (r->hosts.used >= UINT32_MAX)
		return line_error(&r->l, "too many host names");
	if (b->n_names == b->names_cap) {
		size_t cap = b->names_cap ? b->names_cap * 2 : 16;
		struct msg_name *names = realloc(b->names, cap * sizeof(*names));

		if (!names)
			return line_error(&r->l, "out of memory");
		b->names = names;
		b->names_cap = cap;
	}
	copy = calloc(f->len / 8 + 1, 8); /* whole words: see load8() */
	if (!copy)
		return line_error(&r->l, "out of memory");
	memcpy(copy, f->p, f->len);
	*out = (uint32_t)r->hosts.used;
	*e = (struct host_entry){ h, copy, f->len, *out };
	b->names[b->n_names++] = (struct msg_name){ copy, f->len };
	if (++r->hosts.used * 2 > r->hosts.mask + 1 && !table_grow(&r->hosts))
		return line_error(&r->l, "out of memory");
	return 0;
}

/* The id of the host named by f, whose name_hash() is h. */
static inline ALWAYS_INLINE int hashed_host_id(struct csv_reader *r,
					       struct msg_batch *b,
					       struct field *f, uint64_t h,
					       uint32_t *out)
{
	struct host_entry *e = table_find(&r->hosts, f->p, f->len, h);

	if (!e->name)
		return declare_host(r, b, f, h, e, out);
	*out = e->id;
	return 0;
}

/* ---- fields ------------------------------------------------------------ */

static inline bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * A quoted field's content from p (after its opening quote), a doubled
 * quote read as one, decoded in place. Leaves *pp on the comma after it
 * or at e; NULL, or the reason it is malformed.
 */
static const char *quoted_field(char **pp, char *p, char *e, struct field *f)
{
	char *out = p;

	f->p = p;
	for (;;) {
		char *q = memchr(p, '"', (size_t)(e - p));

		if (!q)
			return "unterminated quoted field";
		if (out != p)
			memmove(out, p, (size_t)(q - p));
		out += q - p;
		if (q + 1 < e && q[1] == '"') {
			*out++ = '"';
			p = q + 2;
			continue;
		}
		p = q + 1;
		break;
	}
	f->len = (size_t)(out - f->p);
	while (p < e && blank(*p))
		p++;
	if (p < e && *p != ',')
		return "text after the closing quote of a field";
	*pp = p;
	return NULL;
}

/* The field at *pp: quoted, or up to the next comma. As quoted_field(). */
static const char *next_field(char **pp, char *e, struct field *f)
{
	char *p = *pp;

	while (p < e && blank(*p))
		p++;
	if (p < e && *p == '"')
		return quoted_field(pp, p + 1, e, f);
	f->p = p;
	while (p < e && *p != ',')
		p++;
	*pp = p;
	while (p > f->p && blank(p[-1]))
		p--;
	f->len = (size_t)(p - f->p);
	return NULL;
}

/* The columns of a line: the 4 of a message, or the CSV_MATCH_FIELDS of
 * --matches-out (whose last ones describe where it came from). */
static const char *const column[CSV_MATCH_FIELDS] = {
	"send_host", "send_ns", "recv_host", "recv_ns", "send_trace",
	"recv_trace", "family", "src_addr", "dst_addr", "src_port",
	"dst_port", "seq", "ack_seq", "flags",
};

/* Exactly 4 or CSV_MATCH_FIELDS fields from p to e; *n says which. */
static int split_fields(const struct csv_reader *r, char *p, char *e,
			struct field field[CSV_MATCH_FIELDS], int *n)
{
	struct field extra;
	const char *why;

	*n = 0;
	for (;; p++) {
		why = next_field(&p, e, *n < CSV_MATCH_FIELDS ? &field[*n] : &extra);
		if (why)
			return bad_line(r, "%s", why);
		++*n;
		if (p == e)
			break;
	}
	if (*n != 4 && *n != CSV_MATCH_FIELDS)
		return bad_line(r, "expected 4 comma-separated fields: "
				"send_host,send_ns,recv_host,recv_ns (or the %d "
				"of --matches-out)", CSV_MATCH_FIELDS);
	return 0;
}

/* A decimal integer, optional sign, within +-2^62: nothing else. */
static bool parse_ns(const struct field *f, int64_t *out)
{
	const char *p = f->p, *e = p + f->len;
	bool neg = false;
	uint64_t v = 0;

	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == e)
		return false;
	while (p + 1 < e && *p == '0')
		p++;
	if (e - p > 19) /* 19 digits never overflow 64 bits */
		return false;
	for (; p < e; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';

		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	if (v > CSV_TS_LIMIT)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool field_is(const struct field *f, const char *s)
{
	size_t n = strlen(s);

	return f->len == n && memcmp(f->p, s, n) == 0;
}

static bool is_header(const struct field *f, int n)
{
	for (int i = 0; i < n; i++)
		if (!field_is(&f[i], column[i]))
			return false;
	return true;
}

/* ---- lines ------------------------------------------------------------- */

/*
 * A message whose fields are read (hosts with their name_hash()), added
 * to the batch for the feeding side (messages_pipe.c), which checks what
 * depends on the session. CSV_STOPPED: the feeding side failed.
 */
static inline ALWAYS_INLINE int feed(struct csv_reader *r,
				     struct field *send_host, uint64_t send_hash,
				     int64_t send_ns, struct field *recv_host,
				     uint64_t recv_hash, int64_t recv_ns)
{
	struct msg_batch *b = msg_pipe_room(r->pipe);
	uint32_t from, to;

	if (!b)
		return CSV_STOPPED;
	if (hashed_host_id(r, b, send_host, send_hash, &from) ||
	    hashed_host_id(r, b, recv_host, recv_hash, &to))
		return 1;
	b->rec[b->n++] = (struct msg_record){ send_ns, recv_ns, from, to,
					      r->l.number };
	return 0;
}

static int feed_fields(struct csv_reader *r, struct field f[4])
{
	int64_t send_ns, recv_ns;

	if (!f[0].len || !f[2].len)
		return bad_line(r, "empty host name");
	if (!parse_ns(&f[1], &send_ns))
		return bad_line(r, "send_ns '%.*s' is not an integer within "
				"+-2^62 ns", (int)f[1].len, f[1].p);
	if (!parse_ns(&f[3], &recv_ns))
		return bad_line(r, "recv_ns '%.*s' is not an integer within "
				"+-2^62 ns", (int)f[3].len, f[3].p);
	return feed(r, &f[0], name_hash(f[0].p, f[0].len, r->hosts.seed), send_ns,
		    &f[2], name_hash(f[2].p, f[2].len, r->hosts.seed), recv_ns);
}

/* ---- the common line, in words ----------------------------------------- */

/* The number written by 8 digit values (0-9), the first one the highest. */
static inline uint64_t value8(uint64_t x)
{
	x = (x * 10 + (x >> 8)) & 0x00ff00ff00ff00ffu;   /* 4 x 2 digits */
	x = (x * 100 + (x >> 16)) & 0x0000ffff0000ffffu; /* 2 x 4 digits */
	return (x * 10000 + (x >> 32)) & 0xffffffffu;
}

/*
 * A host field ending at a comma (no blank, quote or comma first, no blank
 * last), with its name_hash() computed on the way; or NULL.
 */
static inline ALWAYS_INLINE char *plain_host(char *p, uint64_t seed,
					    struct field *f, uint64_t *hash)
{
	uint64_t h = seed;
	char *end;

	if ((unsigned char)*p <= ' ' || *p == '"' || *p == ',')
		return NULL;
	/* The block ends with a '\n': the scan stops there at the latest. */
	for (char *q = p;; q += 8) {
		uint64_t w = load8(q);
		uint64_t m = bytes_equal(w, ',') | bytes_equal(w, '\n');
		size_t k;

		if (!m) {
			h = hash_word(h, w);
			continue;
		}
		k = (size_t)__builtin_ctzll(m) >> 3;
		end = q + k; /* after p: *p is no comma nor newline */
		if (*end != ',' || blank(end[-1]))
			return NULL;
		*f = (struct field){ p, (size_t)(end - p) };
		*hash = hash_end(h, first_bytes(w, k), f->len);
		return end + 1;
	}
}

/*
 * 1 to 19 decimal digits then `after` (the block ends with a non-digit),
 * within 2^62: the byte after `after`, or NULL.
 */
static inline ALWAYS_INLINE char *plain_ns(char *p, char after, int64_t *ns)
{
	static const uint64_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000,
					   1000000, 10000000 };
	uint64_t v = 0;

	for (size_t n = 0;; n += 8) {
		/* Digits become 0-9; + 0x76 sets bit 7 of any other byte. */
		uint64_t x = load8(p + n) ^ (ONES * '0');
		uint64_t other = ((x + ONES * 0x76) | x) & HIGHS;
		size_t k;

		if (!other) {
			if (n == 16)
				return NULL;
			v = v * 100000000u + value8(x);
			continue;
		}
		k = (size_t)__builtin_ctzll(other) >> 3;
		if (n + k == 0 || n + k > 19 || p[n + k] != after)
			return NULL;
		/* The last k digits moved up, zeros (leading digits) below. */
		if (k)
			v = v * pow10[k] + value8(x << (8 * (8 - k)));
		if (v > CSV_TS_LIMIT)
			return NULL;
		*ns = (int64_t)v;
		return p + n + k + 1;
	}
}

/*
 * The common line, `host,digits,host,digits` without blanks, quotes,
 * signs or comment, complete before `end`: fed (0) or an error (1).
 * Anything else is left to read_line(): -1, nothing changed.
 */
static int fast_line(struct csv_reader *r, char **pp, char *end)
{
	struct field from, to;
	uint64_t from_hash, to_hash;
	int64_t send_ns, recv_ns;
	char *p = *pp, *nl;

	if (*p == '#' || !(p = plain_host(p, r->hosts.seed, &from, &from_hash)) ||
	    !(p = plain_ns(p, ',', &send_ns)) ||
	    !(p = plain_host(p, r->hosts.seed, &to, &to_hash)))
		return -1;
	if (!(nl = plain_ns(p, '\n', &recv_ns)) &&
	    !(nl = plain_ns(p, '\r', &recv_ns)))
		return -1;
	/* nl is past the '\n', or past the '\r' of a CRLF. */
	if (nl[-1] == '\r' && *nl++ != '\n')
		return -1;
	if (nl > end) /* the block's closing '\n': the line is not complete */
		return -1;
	r->l.number++;
	r->line = *pp;
	r->line_end = nl - 1;
	*pp = nl;
	return feed(r, &from, from_hash, send_ns, &to, to_hash, recv_ns);
}

/* One line from p to e (its newline excluded); writable. */
static int read_line(struct csv_reader *r, char *p, char *e)
{
	struct field f[CSV_MATCH_FIELDS];
	int n;

	r->l.number++;
	r->line = p;
	r->line_end = e;
	if (e - p > CSV_LINE_MAX)
		return bad_line(r, "line longer than %d bytes", CSV_LINE_MAX);
	/* A UTF-8 byte order mark, as some editors write, is no data. */
	if (r->l.number == 1 && e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < e && blank(*p))
		p++;
	while (e > p && (blank(e[-1]) || e[-1] == '\r'))
		e--;
	if (p == e)
		return 0;
	if (*p == '#')
		return memchr(p, '\0', (size_t)(e - p)) ?
			line_error(&r->l, "NUL byte in line") : 0;
	if (split_fields(r, p, e, f, &n))
		return 1;
	if (r->first) {
		r->first = false;
		if (is_header(f, n))
			return 0;
	}
	return feed_fields(r, f);
}

/*
 * Every complete line of buf (and at the end of input, the last one).
 * buf has CSV_PAD bytes after `have`.
 */
static int read_lines(struct csv_reader *r, char *buf, size_t have, bool eof,
		      size_t *done)
{
	char *p = buf, *end = buf + have, *nl;
	int rc = 0;

	*end = '\n'; /* stops the word scans; not part of the input */
	while (!rc && p < end) {
		if (!r->first && (rc = fast_line(r, &p, end)) >= 0)
			continue;
		rc = 0;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		rc = read_line(r, p, nl);
		p = nl + 1;
	}
	if (!rc && eof && p < end) {
		rc = read_line(r, p, end);
		p = end;
	}
	*done = (size_t)(p - buf);
	return rc;
}

static int read_blocks(struct csv_reader *r, FILE *in, char *buf)
{
	size_t have = 0, done;
	bool eof = false;
	int rc = 0;

	while (!rc && !eof) {
		size_t n = fread(buf + have, 1, CSV_BLOCK - have, in);

		if (ferror(in)) {
			int e = errno;

			r->l.number++;
			return line_error(&r->l, "read error: %s", strerror(e));
		}
		have += n;
		eof = feof(in);
		rc = read_lines(r, buf, have, eof, &done);
		memmove(buf, buf + done, have - done);
		have -= done;
		/* No newline in sight: refused before more of it is read. */
		if (!rc && have > CSV_LINE_MAX)
			rc = read_line(r, buf, buf + have);
	}
	return rc;
}

/* The reader thread's work (msg_read_fn): every block of the input. */
static int read_all(void *reader, struct msg_pipe *pipe, char *err,
		    size_t err_size)
{
	struct csv_reader *r = reader;

	r->pipe = pipe;
	r->l.err = err;
	r->l.err_size = err_size;
	return read_blocks(r, r->in, r->buf);
}

int cli_read_messages(lttsync_session *s, FILE *in, const char *name,
		      char *err, size_t err_size)
{
	struct csv_reader r = { .in = in, .l = { name, 0, err, err_size },
				.first = true };
	int rc;

	/* Every byte initialised: the word scans read a few past the data. */
	r.buf = calloc(1, CSV_BLOCK + CSV_PAD);
	if (!r.buf || !table_init(&r.hosts)) {
		free(r.buf);
		r.l.number = 1;
		return line_error(&r.l, "out of memory");
	}
	/* Whole blocks straight into buf, not through the stream's buffer. */
	setvbuf(in, NULL, _IONBF, 0);
	rc = msg_pipe_run(s, name, read_all, &r, err, err_size);
	table_free(&r.hosts);
	free(r.buf);
	return rc;
}

/* ---- writing ----------------------------------------------------------- */

static bool needs_quotes(const char *name)
{
	size_t n = strlen(name);

	return n == 0 || name[0] == '#' || name[0] == ' ' || name[n - 1] == ' ' ||
	       strpbrk(name, ",\"") != NULL;
}

void cli_write_host_field(FILE *out, const char *name)
{
	if (!needs_quotes(name)) {
		fputs(name, out);
		return;
	}
	putc('"', out);
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
}
