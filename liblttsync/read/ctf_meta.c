/* SPDX-License-Identifier: MIT */
/*
 * The TSDL subset LTTng writes (ctf.h): top-level typealias, trace, env,
 * clock, stream and event blocks, named struct and enum declarations;
 * integer, enum, floating_point, string, struct, variant (tagged by an
 * enum member of the same or an enclosing structure), static arrays and
 * sequences (length from such a member). Anything else declines.
 *
 * Facts on how babeltrace2 2.0 reads the same text (its CTF plugin), kept
 * so that both readers agree: member and option names lose one leading
 * underscore, but a variant option is matched with its tag's enum label
 * by the name as written; an option takes the ranges of the mapping of
 * that label, options in declaration order; "native" byte order is the
 * trace's; a clock's offset in cycles is carried into seconds when it
 * reaches the frequency.
 */
#include "ctf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- bounds -------------------------------------------------------------- */

#define META_MAX_BYTES ((size_t)64 << 20)    /* metadata file */
#define ARENA_BUDGET ((size_t)256 << 20)     /* all of a trace's structures */
#define MAX_DEPTH 24                         /* nested types */
#define MAX_MEMBERS 4096                     /* per struct or variant */
#define MAX_MAPPINGS 4096                    /* per enum */
#define MAX_SLOTS 16                         /* stored values per struct */
#define MAX_EVENT_CLASSES (1u << 20)
#define MAX_ALIGN 4096u                      /* bits */
#define MAX_ARRAY (UINT64_C(1) << 32)
#define MAX_ALIASES 65536
#define MAX_NAME 256

/* ---- arena --------------------------------------------------------------- */

typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
} chunk;

struct lsync_ctf_arena {
	chunk *head;
	size_t total;
};

static void *arena_alloc(lsync_ctf_arena *a, size_t n)
{
	chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need < n)
		return NULL;
	if (!c || c->cap - c->used < need) {
		size_t cap = need > 65536 ? need : 65536;

		if (a->total + cap > ARENA_BUDGET)
			return NULL;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += cap;
	}
	void *p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

static void arena_free(lsync_ctf_arena *a)
{
	if (!a)
		return;
	for (chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

/* ---- lexer --------------------------------------------------------------- */

typedef enum tok_kind { T_END, T_ID, T_NUM, T_STR, T_PUNCT } tok_kind;

typedef struct tok {
	tok_kind kind;
	const char *s;    /* T_ID, T_STR (unescaped, in the arena), T_PUNCT */
	uint64_t num;     /* T_NUM: magnitude */
	bool neg;         /* T_NUM: a leading '-' */
	unsigned line;
} tok;

/* A named type: typealias target, or `struct NAME`, `enum NAME`. */
typedef struct alias {
	const char *name;
	lsync_ctf_type *type;
	struct alias *next;
} alias;

#define ALIAS_BUCKETS 1024

/* A structure being parsed, for tag and length references. */
typedef struct scope {
	lsync_ctf_type *st;
	uint32_t n;         /* members so far */
} scope;

typedef struct parser {
	const char *p, *end;
	unsigned line;
	tok t;             /* current token */
	lsync_ctf_trace *tr;
	lsync_ctf_arena *a;
	alias *aliases[ALIAS_BUCKETS];
	unsigned n_aliases;
	scope scopes[MAX_DEPTH + 2];
	unsigned depth;    /* of scopes */
	unsigned nesting;  /* of types */
	bool trace_seen, bo_seen;
	uint64_t n_event_classes;
	char *err;
	size_t err_size;
	bool failed;
	bool nomem;
} parser;

static bool fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(parser *ps, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (ps->failed)
		return false;
	ps->failed = true;
	if (ps->err && ps->err_size) {
		w = snprintf(ps->err, ps->err_size, "metadata line %u: ", ps->line);
		if (w >= 0 && (size_t)w < ps->err_size) {
			va_start(ap, fmt);
			vsnprintf(ps->err + w, ps->err_size - (size_t)w, fmt, ap);
			va_end(ap);
		}
	}
	return false;
}

static void *alloc(parser *ps, size_t n)
{
	void *p = arena_alloc(ps->a, n);

	if (!p && !ps->failed) {
		ps->nomem = true;
		fail(ps, "out of memory");
	}
	return p;
}

static char *dup_n(parser *ps, const char *s, size_t n)
{
	char *d = alloc(ps, n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static bool is_id_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_id_char(char c)
{
	return is_id_start(c) || (c >= '0' && c <= '9');
}

static void skip_space(parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n') {
			ps->line++;
			ps->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			ps->p++;
		} else if (c == '/' && ps->p + 1 < ps->end && ps->p[1] == '*') {
			const char *q = ps->p + 2;

			while (q + 1 < ps->end && !(q[0] == '*' && q[1] == '/')) {
				if (*q == '\n')
					ps->line++;
				q++;
			}
			ps->p = q + 1 < ps->end ? q + 2 : ps->end;
		} else if (c == '/' && ps->p + 1 < ps->end && ps->p[1] == '/') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

static bool lex_number(parser *ps, bool neg)
{
	const char *q = ps->p;
	uint64_t v = 0;
	unsigned base = 10, d;

	if (q + 1 < ps->end && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		base = 16;
		q += 2;
	} else if (q + 1 < ps->end && q[0] == '0' && q[1] >= '0' && q[1] <= '7') {
		base = 8;
		q++;
	}
	if (q >= ps->end)
		return fail(ps, "bad number");
	for (; q < ps->end; q++) {
		char c = *q;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (d >= base)
			return fail(ps, "bad digit in a number");
		if (v > (UINT64_MAX - d) / base)
			return fail(ps, "number too large");
		v = v * base + d;
	}
	/* Integer suffixes (u, l, ul...) as C allows them. */
	while (q < ps->end && (*q == 'u' || *q == 'U' || *q == 'l' || *q == 'L'))
		q++;
	if (q < ps->end && is_id_char(*q))
		return fail(ps, "bad number");
	ps->p = q;
	ps->t.kind = T_NUM;
	ps->t.num = v;
	ps->t.neg = neg;
	return true;
}

/* A string literal; escapes other than \" \\ \n \t decline. */
static bool lex_string(parser *ps)
{
	const char *q = ps->p + 1;
	char *out;
	size_t n = 0;

	for (const char *r = q; ; r++) {
		if (r >= ps->end || *r == '\n')
			return fail(ps, "unterminated string");
		if (*r == '"')
			break;
		if (*r == '\\')
			r++;
		n++;
		if (n > 65536)
			return fail(ps, "string too long");
	}
	out = alloc(ps, n + 1);
	if (!out)
		return false;
	n = 0;
	while (*q != '"') {
		char c = *q++;

		if (c == '\\') {
			c = *q++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '"' && c != '\\')
				return fail(ps, "unsupported escape in a string");
		}
		if (c == '\0')
			return fail(ps, "NUL in a string");
		out[n++] = c;
	}
	out[n] = '\0';
	ps->p = q + 1;
	ps->t.kind = T_STR;
	ps->t.s = out;
	return true;
}

static const char *const puncts[] = { ":=", "...", "->", "{", "}", ";", "=",
				      "[", "]", "<", ">", ",", "(", ")", ".",
				      ":", "+", "*" };

static bool next(parser *ps)
{
	const char *q;

	if (ps->failed)
		return false;
	skip_space(ps);
	ps->t.line = ps->line;
	ps->t.neg = false;
	if (ps->p >= ps->end) {
		ps->t.kind = T_END;
		ps->t.s = "";
		return true;
	}
	q = ps->p;
	if (is_id_start(*q)) {
		while (q < ps->end && is_id_char(*q))
			q++;
		if (q - ps->p > MAX_NAME)
			return fail(ps, "name too long");
		ps->t.kind = T_ID;
		ps->t.s = dup_n(ps, ps->p, (size_t)(q - ps->p));
		ps->p = q;
		return ps->t.s != NULL;
	}
	if (*q >= '0' && *q <= '9')
		return lex_number(ps, false);
	if (*q == '-' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9') {
		ps->p++;
		return lex_number(ps, true);
	}
	if (*q == '"')
		return lex_string(ps);
	for (size_t i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i]);

		if ((size_t)(ps->end - q) >= n && memcmp(q, puncts[i], n) == 0) {
			ps->t.kind = T_PUNCT;
			ps->t.s = puncts[i];
			ps->p += n;
			return true;
		}
	}
	return fail(ps, "unexpected character 0x%02x", (unsigned char)*q);
}

static bool is_p(const parser *ps, const char *s)
{
	return ps->t.kind == T_PUNCT && strcmp(ps->t.s, s) == 0;
}

static bool is_id(const parser *ps, const char *s)
{
	return ps->t.kind == T_ID && strcmp(ps->t.s, s) == 0;
}

static bool expect(parser *ps, const char *s)
{
	if (!is_p(ps, s))
		return fail(ps, "expected '%s'", s);
	return next(ps);
}

/* ---- named types ----------------------------------------------------------- */

static unsigned hash_name(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % ALIAS_BUCKETS;
}

static lsync_ctf_type *find_alias(parser *ps, const char *name)
{
	for (alias *al = ps->aliases[hash_name(name)]; al; al = al->next)
		if (strcmp(al->name, name) == 0)
			return al->type;
	return NULL;
}

static bool add_alias(parser *ps, const char *name, lsync_ctf_type *t)
{
	alias *al;
	unsigned h = hash_name(name);

	if (find_alias(ps, name))
		return fail(ps, "type name '%s' declared twice", name);
	if (++ps->n_aliases > MAX_ALIASES)
		return fail(ps, "too many type names");
	al = alloc(ps, sizeof(*al));
	if (!al)
		return false;
	al->name = name;
	al->type = t;
	al->next = ps->aliases[h];
	ps->aliases[h] = al;
	return true;
}

static lsync_ctf_type *new_type(parser *ps, lsync_ctf_kind kind)
{
	lsync_ctf_type *t = alloc(ps, sizeof(*t));

	if (!t)
		return NULL;
	t->kind = (uint8_t)kind;
	t->align = 8;
	t->clock = -1;
	t->next_all = ps->tr->all;
	ps->tr->all = t;
	return t;
}

/* A copy, so that a declarator's attributes never change a shared type. */
static lsync_ctf_type *copy_type(parser *ps, const lsync_ctf_type *src)
{
	lsync_ctf_type *t = new_type(ps, (lsync_ctf_kind)src->kind);
	lsync_ctf_type *chain;

	if (!t)
		return NULL;
	chain = t->next_all;
	*t = *src;
	t->next_all = chain;
	return t;
}

/* ---- expressions ----------------------------------------------------------- */

/* A value: a number (possibly negative), identifier or string. */
typedef struct value {
	tok_kind kind;
	uint64_t num;
	bool neg;
	const char *s;
} value;

static bool parse_value(parser *ps, value *v)
{
	if (ps->t.kind != T_NUM && ps->t.kind != T_ID && ps->t.kind != T_STR)
		return fail(ps, "expected a value");
	v->kind = ps->t.kind;
	v->num = ps->t.num;
	v->neg = ps->t.neg;
	v->s = ps->t.s;
	return next(ps);
}

static bool value_uint(parser *ps, const value *v, uint64_t *out)
{
	if (v->kind != T_NUM || (v->neg && v->num))
		return fail(ps, "expected an unsigned number");
	*out = v->num;
	return true;
}

static bool value_int(parser *ps, const value *v, int64_t *out)
{
	if (v->kind != T_NUM)
		return fail(ps, "expected a number");
	if (v->neg) {
		if (v->num > (uint64_t)INT64_MAX + 1)
			return fail(ps, "number out of range");
		*out = v->num == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v->num;
	} else {
		if (v->num > (uint64_t)INT64_MAX)
			return fail(ps, "number out of range");
		*out = (int64_t)v->num;
	}
	return true;
}

static bool value_bool(parser *ps, const value *v, bool *out)
{
	if (v->kind == T_NUM && !v->neg && v->num <= 1) {
		*out = v->num == 1;
		return true;
	}
	if (v->kind == T_ID && (strcmp(v->s, "true") == 0 || strcmp(v->s, "TRUE") == 0)) {
		*out = true;
		return true;
	}
	if (v->kind == T_ID && (strcmp(v->s, "false") == 0 || strcmp(v->s, "FALSE") == 0)) {
		*out = false;
		return true;
	}
	return fail(ps, "expected a boolean");
}

/* ---- types ----------------------------------------------------------------- */

static lsync_ctf_type *parse_type(parser *ps);

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* byte_order = be | le | network | native */
static bool byte_order_of(parser *ps, const value *v, uint8_t *be, uint8_t *native)
{
	if (v->kind != T_ID)
		return fail(ps, "bad byte_order");
	*native = 0;
	if (strcmp(v->s, "be") == 0 || strcmp(v->s, "network") == 0)
		*be = 1;
	else if (strcmp(v->s, "le") == 0)
		*be = 0;
	else if (strcmp(v->s, "native") == 0)
		*native = 1;
	else
		return fail(ps, "bad byte_order '%s'", v->s);
	return true;
}

/* map = clock.NAME.value */
static bool parse_map(parser *ps, lsync_ctf_type *t)
{
	const char *name = NULL;

	if (!is_id(ps, "clock") || !next(ps) || !expect(ps, "."))
		return fail(ps, "unsupported map");
	if (ps->t.kind != T_ID)
		return fail(ps, "unsupported map");
	name = ps->t.s;
	if (!next(ps) || !expect(ps, ".") || !is_id(ps, "value") || !next(ps))
		return fail(ps, "unsupported map");
	for (unsigned i = 0; i < ps->tr->n_clocks; i++)
		if (strcmp(ps->tr->clocks[i].name, name) == 0) {
			t->clock = (int32_t)i;
			t->has_clock = 1;
			return true;
		}
	return fail(ps, "map to an undeclared clock '%s'", name);
}

static bool integer_attr(parser *ps, lsync_ctf_type *t, const char *key,
			 bool *align_set)
{
	value v = { 0 };
	uint64_t u = 0;
	bool b;

	if (strcmp(key, "map") == 0)
		return parse_map(ps, t);
	if (!parse_value(ps, &v))
		return false;
	if (strcmp(key, "size") == 0) {
		if (!value_uint(ps, &v, &u) || u < 1 || u > 64)
			return fail(ps, "integer size out of 1..64");
		t->size = (uint32_t)u;
	} else if (strcmp(key, "align") == 0) {
		if (!value_uint(ps, &v, &u) || !is_pow2(u) || u > MAX_ALIGN)
			return fail(ps, "bad integer align");
		t->align = (uint32_t)u;
		*align_set = true;
	} else if (strcmp(key, "signed") == 0) {
		if (!value_bool(ps, &v, &b))
			return false;
		t->is_signed = b;
	} else if (strcmp(key, "byte_order") == 0) {
		return byte_order_of(ps, &v, &t->be, &t->native);
	} else if (strcmp(key, "encoding") == 0) {
		/* Arrays of 8-bit characters are strings to babeltrace2. */
		if (v.kind != T_ID)
			return fail(ps, "bad encoding");
		t->text = strcmp(v.s, "none") != 0;
	} else if (strcmp(key, "base") == 0) {
		/* How values print: nothing to do with how they are read. */
	} else {
		return fail(ps, "unsupported integer attribute '%s'", key);
	}
	return true;
}

/* `{ key = value; ... }` of integer and floating_point. */
static lsync_ctf_type *parse_integer(parser *ps)
{
	lsync_ctf_type *t = new_type(ps, LSYNC_CTF_INT);
	bool align_set = false;

	if (!t || !next(ps) || !expect(ps, "{"))
		return NULL;
	t->native = 1;
	while (!is_p(ps, "}")) {
		const char *key = ps->t.s;

		if (ps->t.kind != T_ID)
			return fail(ps, "expected an integer attribute"), NULL;
		if (!next(ps) || !expect(ps, "=") || !integer_attr(ps, t, key, &align_set) ||
		    !expect(ps, ";"))
			return NULL;
	}
	if (!next(ps))
		return NULL;
	if (!t->size)
		return fail(ps, "integer without size"), NULL;
	if (!align_set)
		t->align = t->size % 8 ? 1 : 8;
	return t;
}

static lsync_ctf_type *parse_float(parser *ps)
{
	lsync_ctf_type *t = new_type(ps, LSYNC_CTF_FLOAT);
	uint64_t exp = 0, mant = 0, u = 0;
	bool align_set = false;
	value v = { 0 };

	if (!t || !next(ps) || !expect(ps, "{"))
		return NULL;
	t->native = 1;
	while (!is_p(ps, "}")) {
		const char *key = ps->t.s;

		if (ps->t.kind != T_ID || !next(ps) || !expect(ps, "=") ||
		    !parse_value(ps, &v))
			return fail(ps, "bad floating_point"), NULL;
		if (strcmp(key, "exp_dig") == 0) {
			if (!value_uint(ps, &v, &exp))
				return NULL;
		} else if (strcmp(key, "mant_dig") == 0) {
			if (!value_uint(ps, &v, &mant))
				return NULL;
		} else if (strcmp(key, "align") == 0) {
			if (!value_uint(ps, &v, &u) || !is_pow2(u) || u > MAX_ALIGN)
				return fail(ps, "bad align"), NULL;
			t->align = (uint32_t)u;
			align_set = true;
		} else if (strcmp(key, "byte_order") == 0) {
			if (!byte_order_of(ps, &v, &t->be, &t->native))
				return NULL;
		} else {
			return fail(ps, "unsupported floating_point attribute '%s'", key), NULL;
		}
		if (!expect(ps, ";"))
			return NULL;
	}
	if (!next(ps))
		return NULL;
	/* babeltrace2 reads single and double precision only. */
	if (!((exp == 8 && mant == 24) || (exp == 11 && mant == 53)))
		return fail(ps, "unsupported floating_point size"), NULL;
	t->size = (uint32_t)(exp + mant);
	if (!align_set)
		t->align = 8;
	return t;
}

static lsync_ctf_type *parse_string(parser *ps)
{
	lsync_ctf_type *t = new_type(ps, LSYNC_CTF_STRING);

	if (!t || !next(ps))
		return NULL;
	t->align = 8;
	if (is_p(ps, "{")) {
		/* string { encoding = UTF8 | ASCII; } */
		if (!next(ps))
			return NULL;
		while (!is_p(ps, "}")) {
			value v = { 0 };

			if (!is_id(ps, "encoding") || !next(ps) || !expect(ps, "=") ||
			    !parse_value(ps, &v) || !expect(ps, ";"))
				return fail(ps, "unsupported string attribute"), NULL;
		}
		if (!next(ps))
			return NULL;
	}
	return t;
}

/* One enum entry: LABEL [= V [... V]] */
static bool enum_entry(parser *ps, lsync_ctf_type *t, uint32_t *cap,
		       uint64_t *next_value)
{
	lsync_ctf_mapping *m;
	value lo = { 0 }, hi = { 0 };

	if (ps->t.kind != T_ID && ps->t.kind != T_STR)
		return fail(ps, "expected an enum label");
	if (t->n_maps >= MAX_MAPPINGS)
		return fail(ps, "too many enum mappings");
	if (t->n_maps == *cap) {
		lsync_ctf_mapping *grown = alloc(ps, 2 * *cap * sizeof(*grown));

		if (!grown)
			return false;
		memcpy(grown, t->maps, *cap * sizeof(*grown));
		t->maps = grown;
		*cap *= 2;
	}
	m = &t->maps[t->n_maps++];
	m->label = ps->t.s;
	if (!next(ps))
		return false;
	if (!is_p(ps, "=")) {
		m->lo = m->hi = *next_value;
	} else {
		if (!next(ps) || !parse_value(ps, &lo))
			return false;
		hi = lo;
		if (is_p(ps, "...") && (!next(ps) || !parse_value(ps, &hi)))
			return false;
		if (t->is_signed) {
			int64_t a, b;

			if (!value_int(ps, &lo, &a) || !value_int(ps, &hi, &b))
				return false;
			if (a > b)
				return fail(ps, "empty enum range");
			m->lo = (uint64_t)a;
			m->hi = (uint64_t)b;
		} else {
			if (!value_uint(ps, &lo, &m->lo) || !value_uint(ps, &hi, &m->hi))
				return false;
			if (m->lo > m->hi)
				return fail(ps, "empty enum range");
		}
	}
	*next_value = m->hi + 1;
	return true;
}

/* enum [NAME] : INTTYPE { ... }  or  enum NAME */
static lsync_ctf_type *parse_enum(parser *ps)
{
	const char *name = NULL;
	lsync_ctf_type *base, *t;
	uint64_t nextv = 0;
	uint32_t cap = 8;
	char key[MAX_NAME + 8];

	if (!next(ps))
		return NULL;
	if (ps->t.kind == T_ID) {
		name = ps->t.s;
		if (!next(ps))
			return NULL;
		if (!is_p(ps, ":") && !is_p(ps, "{")) {
			snprintf(key, sizeof(key), "enum %s", name);
			t = find_alias(ps, key);
			return t ? t : (fail(ps, "unknown enum '%s'", name), NULL);
		}
	}
	if (!is_p(ps, ":"))
		return fail(ps, "enum without an integer type"), NULL;
	if (!next(ps) || !(base = parse_type(ps)))
		return NULL;
	if (base->kind != LSYNC_CTF_INT || base->is_enum)
		return fail(ps, "enum of a non-integer type"), NULL;
	if (!(t = copy_type(ps, base)))
		return NULL;
	t->is_enum = 1;
	t->maps = alloc(ps, cap * sizeof(*t->maps));
	if (!t->maps || !expect(ps, "{"))
		return NULL;
	while (!is_p(ps, "}")) {
		if (!enum_entry(ps, t, &cap, &nextv))
			return NULL;
		if (is_p(ps, ","))
			next(ps);
		else if (!is_p(ps, "}"))
			return fail(ps, "expected ',' or '}' in an enum"), NULL;
	}
	if (!next(ps))
		return NULL;
	if (name) {
		snprintf(key, sizeof(key), "enum %s", name);
		if (!add_alias(ps, dup_n(ps, key, strlen(key)), t))
			return NULL;
	}
	return t;
}

static const char *strip(const char *name)
{
	return name[0] == '_' ? name + 1 : name;
}

const char lsync_ctf_key_text[] =
	"network_header\0ipv4\0ipv6\0unknown\0transport_header\0tcp\0"
	"protocol\0nexthdr\0saddr\0daddr\0source_port\0dest_port\0"
	"seq\0ack_seq\0flags\0transport_fields\0thtype_tcp";
const size_t lsync_ctf_key_text_size = sizeof(lsync_ctf_key_text);

/* The keys in lsync_ctf_key_text, in lsync_ctf_key order. */
#define KEY_AT(o) (lsync_ctf_key_text + (o))
const char *const lsync_ctf_keys[LSYNC_KEY_COUNT] = {
	KEY_AT(0), KEY_AT(15), KEY_AT(20), KEY_AT(25), KEY_AT(33), KEY_AT(50),
	KEY_AT(54), KEY_AT(63), KEY_AT(71), KEY_AT(77), KEY_AT(83), KEY_AT(95),
	KEY_AT(105), KEY_AT(109), KEY_AT(117), KEY_AT(123), KEY_AT(140),
};

/* The stripped name, as the table's pointer when it is a key. */
static const char *intern(const char *name)
{
	name = strip(name);
	for (unsigned i = 0; i < LSYNC_KEY_COUNT; i++)
		if (strcmp(name, lsync_ctf_keys[i]) == 0)
			return lsync_ctf_keys[i];
	return name;
}

/*
 * A reference (variant tag, sequence length): a member name, looked up
 * in the structures being parsed from the innermost outwards, among the
 * members declared before. Dotted paths decline.
 */
static bool resolve(parser *ps, const char *name, lsync_ctf_ref *ref,
		    lsync_ctf_type **target)
{
	for (unsigned up = 0; up < ps->depth; up++) {
		scope *sc = &ps->scopes[ps->depth - 1 - up];

		for (uint32_t i = sc->n; i-- > 0;) {
			lsync_ctf_member *m = &sc->st->members[i];

			if (strcmp(m->orig, name) != 0 && strcmp(m->name, name) != 0)
				continue;
			if (m->type->kind != LSYNC_CTF_INT)
				return fail(ps, "'%s' is not an integer", name);
			if (m->slot < 0) {
				if (sc->st->n_slots >= MAX_SLOTS)
					return fail(ps, "too many references in a structure");
				m->slot = (int16_t)sc->st->n_slots++;
			}
			ref->up = (uint16_t)up;
			ref->slot = (uint16_t)m->slot;
			*target = m->type;
			return true;
		}
	}
	return fail(ps, "unsupported reference '%s'", name);
}

/* The declarator after a type: NAME, then [N] or [REF] suffixes. */
static bool parse_declarator(parser *ps, lsync_ctf_type **type, const char **name)
{
	lsync_ctf_type *dims[8];
	unsigned nd = 0;

	if (ps->t.kind != T_ID)
		return fail(ps, "expected a field name");
	*name = ps->t.s;
	if (!next(ps))
		return false;
	while (is_p(ps, "[")) {
		lsync_ctf_type *a;

		if (nd == 8)
			return fail(ps, "too many array dimensions");
		if (!next(ps))
			return false;
		if (ps->t.kind == T_NUM && !ps->t.neg) {
			if (ps->t.num > MAX_ARRAY)
				return fail(ps, "array too long");
			if (!(a = new_type(ps, LSYNC_CTF_ARRAY)))
				return false;
			a->length = ps->t.num;
		} else if (ps->t.kind == T_ID) {
			lsync_ctf_type *target;

			if (!(a = new_type(ps, LSYNC_CTF_SEQUENCE)))
				return false;
			if (!resolve(ps, ps->t.s, &a->len_ref, &target))
				return false;
			if (target->is_signed)
				return fail(ps, "signed sequence length");
		} else {
			return fail(ps, "unsupported array length");
		}
		if (!next(ps) || !expect(ps, "]"))
			return false;
		dims[nd++] = a;
	}
	/* name[a][b]: an array of a arrays of b elements. */
	for (unsigned i = nd; i-- > 0;) {
		dims[i]->elem = *type;
		dims[i]->align = (*type)->align;
		*type = dims[i];
	}
	return true;
}

static bool parse_members(parser *ps, lsync_ctf_type *t);

/* `align(N)` after a struct body. */
static bool parse_align_attr(parser *ps, lsync_ctf_type *t)
{
	value v = { 0 };
	uint64_t u = 0;

	if (!is_id(ps, "align"))
		return true;
	if (!next(ps) || !expect(ps, "(") || !parse_value(ps, &v) ||
	    !value_uint(ps, &v, &u) || !expect(ps, ")"))
		return false;
	if (!is_pow2(u) || u > MAX_ALIGN)
		return fail(ps, "bad struct align");
	if (u > t->align)
		t->align = (uint32_t)u;
	return true;
}

static lsync_ctf_type *parse_struct(parser *ps)
{
	const char *name = NULL;
	lsync_ctf_type *t;
	char key[MAX_NAME + 8];

	if (!next(ps))
		return NULL;
	if (ps->t.kind == T_ID) {
		name = ps->t.s;
		if (!next(ps))
			return NULL;
		if (!is_p(ps, "{")) {
			snprintf(key, sizeof(key), "struct %s", name);
			t = find_alias(ps, key);
			return t ? t : (fail(ps, "unknown struct '%s'", name), NULL);
		}
	}
	if (!(t = new_type(ps, LSYNC_CTF_STRUCT)))
		return NULL;
	t->align = 1;
	if (!parse_members(ps, t) || !parse_align_attr(ps, t))
		return NULL;
	if (name) {
		snprintf(key, sizeof(key), "struct %s", name);
		if (!add_alias(ps, dup_n(ps, key, strlen(key)), t))
			return NULL;
	}
	return t;
}

/* The option ranges of a variant from its tag enum's mappings. */
static bool variant_ranges(parser *ps, lsync_ctf_type *v, const lsync_ctf_type *tag)
{
	uint32_t n = 0;

	for (uint32_t o = 0; o < v->n_members; o++)
		for (uint32_t m = 0; m < tag->n_maps; m++)
			if (strcmp(tag->maps[m].label, v->members[o].orig) == 0)
				n++;
	v->ranges = alloc(ps, (n ? n : 1) * sizeof(*v->ranges));
	if (!v->ranges)
		return false;
	for (uint32_t o = 0; o < v->n_members; o++) {
		bool found = false;

		for (uint32_t m = 0; m < tag->n_maps; m++)
			if (strcmp(tag->maps[m].label, v->members[o].orig) == 0) {
				lsync_ctf_range *r = &v->ranges[v->n_ranges++];

				r->lo = tag->maps[m].lo;
				r->hi = tag->maps[m].hi;
				r->option = o;
				found = true;
			}
		/* babeltrace2 asserts that every option has its label. */
		if (!found)
			return fail(ps, "variant option '%s' has no tag label",
				    v->members[o].orig);
	}
	/* Overlapping ranges of different options: decline, not guess. */
	for (uint32_t i = 0; i < v->n_ranges; i++)
		for (uint32_t j = i + 1; j < v->n_ranges; j++) {
			const lsync_ctf_range *a = &v->ranges[i], *b = &v->ranges[j];
			bool overlap = v->tag_signed
				? (int64_t)a->lo <= (int64_t)b->hi && (int64_t)b->lo <= (int64_t)a->hi
				: a->lo <= b->hi && b->lo <= a->hi;

			if (overlap && a->option != b->option)
				return fail(ps, "variant options overlap");
		}
	return true;
}

/* variant [NAME] <TAG> { ... }: untagged and named variants decline. */
static lsync_ctf_type *parse_variant(parser *ps)
{
	lsync_ctf_type *t, *tag;

	if (!next(ps))
		return NULL;
	if (ps->t.kind == T_ID)
		return fail(ps, "named variants are not supported"), NULL;
	if (!expect(ps, "<"))
		return fail(ps, "untagged variants are not supported"), NULL;
	if (ps->t.kind != T_ID)
		return fail(ps, "unsupported variant tag"), NULL;
	if (!(t = new_type(ps, LSYNC_CTF_VARIANT)))
		return NULL;
	if (!resolve(ps, ps->t.s, &t->tag, &tag) || !next(ps) || !expect(ps, ">"))
		return NULL;
	if (!tag->is_enum)
		return fail(ps, "variant tag is not an enum"), NULL;
	t->tag_signed = tag->is_signed;
	t->align = 1;
	if (!parse_members(ps, t))
		return NULL;
	if (!t->n_members)
		return fail(ps, "empty variant"), NULL;
	return variant_ranges(ps, t, tag) ? t : NULL;
}

/* A type name made of identifiers: "uint32_t", "unsigned long". */
static lsync_ctf_type *parse_named(parser *ps, bool declarator_follows)
{
	const char *words[8];
	unsigned n = 0;
	char name[8 * (MAX_NAME + 1)];
	size_t len = 0;
	lsync_ctf_type *t;

	while (ps->t.kind == T_ID) {
		if (n == 8)
			return fail(ps, "type name too long"), NULL;
		words[n++] = ps->t.s;
		/* Stop when the rest is the declarator: NAME then ; [ , */
		if (declarator_follows) {
			const char *save_p = ps->p;
			unsigned save_line = ps->line;
			tok save = ps->t;

			if (!next(ps))
				return NULL;
			if (ps->t.kind != T_ID) {
				/* `words[n-1]` was the declarator: put it back. */
				ps->p = save_p;
				ps->line = save_line;
				ps->t = save;
				n--;
				break;
			}
		} else if (!next(ps)) {
			return NULL;
		}
	}
	if (!n)
		return fail(ps, "expected a type"), NULL;
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(name + len, sizeof(name) - len, "%s%s",
					i ? " " : "", words[i]);
	t = find_alias(ps, name);
	if (!t)
		return fail(ps, "unknown type '%s'", name), NULL;
	return t;
}

/* A type specifier, with no declarator. */
static lsync_ctf_type *parse_type_spec(parser *ps, bool declarator_follows)
{
	lsync_ctf_type *t = NULL;

	if (++ps->nesting > MAX_DEPTH)
		return fail(ps, "types nested too deeply"), NULL;
	if (is_id(ps, "integer"))
		t = parse_integer(ps);
	else if (is_id(ps, "floating_point"))
		t = parse_float(ps);
	else if (is_id(ps, "string"))
		t = parse_string(ps);
	else if (is_id(ps, "enum"))
		t = parse_enum(ps);
	else if (is_id(ps, "struct"))
		t = parse_struct(ps);
	else if (is_id(ps, "variant"))
		t = parse_variant(ps);
	else if (ps->t.kind == T_ID)
		t = parse_named(ps, declarator_follows);
	else
		fail(ps, "expected a type");
	ps->nesting--;
	return t;
}

static lsync_ctf_type *parse_type(parser *ps)
{
	return parse_type_spec(ps, false);
}

/* `{ TYPE NAME; ... }` of a struct or variant. */
static bool parse_members(parser *ps, lsync_ctf_type *t)
{
	bool is_struct = t->kind == LSYNC_CTF_STRUCT;
	lsync_ctf_member *ms;

	if (ps->depth >= MAX_DEPTH)
		return fail(ps, "structures nested too deeply");
	uint32_t cap = 8;

	ms = alloc(ps, cap * sizeof(*ms));
	if (!ms || !expect(ps, "{"))
		return false;
	t->members = ms;
	if (is_struct)
		ps->scopes[ps->depth++] = (scope){ t, 0 };
	while (!is_p(ps, "}")) {
		lsync_ctf_type *mt;
		const char *name = NULL;

		if (is_id(ps, "typealias") || is_id(ps, "typedef"))
			return fail(ps, "scoped type declarations are not supported");
		if (!(mt = parse_type_spec(ps, true)))
			return false;
		if (is_p(ps, ";")) /* a bare `struct x {...};` inside */
			return fail(ps, "unsupported declaration without a name");
		if (!parse_declarator(ps, &mt, &name) || !expect(ps, ";"))
			return false;
		if (t->n_members >= MAX_MEMBERS)
			return fail(ps, "too many members");
		if (t->n_members == cap) {
			lsync_ctf_member *grown = alloc(ps, 2 * cap * sizeof(*ms));

			if (!grown)
				return false;
			memcpy(grown, ms, cap * sizeof(*ms));
			t->members = ms = grown;
			cap *= 2;
		}
		for (uint32_t i = 0; i < t->n_members; i++)
			if (strcmp(ms[i].name, strip(name)) == 0 ||
			    strcmp(ms[i].orig, name) == 0)
				return fail(ps, "member '%s' declared twice", name);
		ms[t->n_members].orig = name;
		ms[t->n_members].name = intern(name);
		ms[t->n_members].type = mt;
		ms[t->n_members].slot = -1;
		t->n_members++;
		if (is_struct)
			ps->scopes[ps->depth - 1].n = t->n_members;
		if (is_struct && mt->align > t->align)
			t->align = mt->align;
	}
	if (is_struct)
		ps->depth--;
	return next(ps);
}

/* ---- top-level blocks ------------------------------------------------------- */

/* typealias TYPE := NAME; */
static bool parse_typealias(parser *ps)
{
	lsync_ctf_type *t;
	char name[8 * (MAX_NAME + 1)];
	size_t len = 0;
	unsigned n = 0;

	if (!next(ps) || !(t = parse_type(ps)) || !expect(ps, ":="))
		return false;
	while (ps->t.kind == T_ID) {
		if (++n > 8)
			return fail(ps, "type name too long");
		len += (size_t)snprintf(name + len, sizeof(name) - len, "%s%s",
					len ? " " : "", ps->t.s);
		if (!next(ps))
			return false;
	}
	if (!n)
		return fail(ps, "typealias without a name");
	if (is_p(ps, "*") || is_p(ps, "["))
		return fail(ps, "unsupported typealias declarator");
	return add_alias(ps, dup_n(ps, name, len), t) && expect(ps, ";");
}

/* A dotted key: `packet.header`, `event.context`, `model.emf.uri`. */
static bool parse_key(parser *ps, char *key, size_t size)
{
	size_t len = 0;

	if (ps->t.kind != T_ID)
		return fail(ps, "expected a name");
	for (;;) {
		int w = snprintf(key + len, size - len, "%s%s", len ? "." : "", ps->t.s);

		if (w < 0 || (size_t)w >= size - len)
			return fail(ps, "name too long");
		len += (size_t)w;
		if (!next(ps))
			return false;
		if (!is_p(ps, "."))
			return true;
		if (!next(ps) || ps->t.kind != T_ID)
			return fail(ps, "expected a name");
	}
}

/* Scope types must be structures (babeltrace2 requires it). */
static bool scope_type(parser *ps, lsync_ctf_type **slot)
{
	lsync_ctf_type *t;

	if (*slot)
		return fail(ps, "scope declared twice");
	if (!(t = parse_type(ps)))
		return false;
	if (t->kind != LSYNC_CTF_STRUCT)
		return fail(ps, "a scope that is not a structure");
	*slot = t;
	return true;
}

static bool parse_trace(parser *ps)
{
	char key[128];
	value v = { 0 };

	if (ps->trace_seen)
		return fail(ps, "two trace blocks");
	ps->trace_seen = true;
	if (!next(ps) || !expect(ps, "{"))
		return false;
	while (!is_p(ps, "}")) {
		if (!parse_key(ps, key, sizeof(key)))
			return false;
		if (strcmp(key, "packet.header") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &ps->tr->packet_header))
				return false;
		} else {
			if (!expect(ps, "=") || !parse_value(ps, &v))
				return false;
			if (strcmp(key, "byte_order") == 0) {
				uint8_t be, native;

				if (!byte_order_of(ps, &v, &be, &native))
					return false;
				if (native)
					return fail(ps, "the trace's byte order cannot be native");
				ps->tr->be = be;
				ps->bo_seen = true;
			} else if (strcmp(key, "major") == 0) {
				if (v.kind != T_NUM || v.num != 1)
					return fail(ps, "not CTF 1");
			} else if (strcmp(key, "minor") == 0) {
				if (v.kind != T_NUM || v.num != 8)
					return fail(ps, "not CTF 1.8");
			} else if (strcmp(key, "uuid") != 0) {
				return fail(ps, "unsupported trace attribute '%s'", key);
			}
		}
		if (!expect(ps, ";"))
			return false;
	}
	return next(ps) && expect(ps, ";");
}

static bool parse_env(parser *ps)
{
	value v = { 0 };

	if (!next(ps) || !expect(ps, "{"))
		return false;
	while (!is_p(ps, "}")) {
		const char *key = ps->t.s;

		if (ps->t.kind != T_ID || !next(ps) || !expect(ps, "=") ||
		    !parse_value(ps, &v) || !expect(ps, ";"))
			return fail(ps, "bad env entry");
		if (v.kind == T_ID)
			return fail(ps, "env entry '%s' is neither a number nor a string", key);
		if (strcmp(key, "hostname") == 0) {
			/* The last one wins, as in babeltrace2's env map. */
			ps->tr->hostname = v.kind == T_STR ? (char *)v.s : NULL;
		} else if (strcmp(key, "tracer_name") == 0) {
			ps->tr->lttng = v.kind == T_STR && (strcmp(v.s, "lttng-modules") == 0 ||
							    strcmp(v.s, "lttng-ust") == 0);
		}
	}
	return next(ps) && expect(ps, ";");
}


static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" -> 16 bytes; false otherwise. */
static bool parse_uuid(const char *text, uint8_t out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	unsigned n = 0;

	if (strlen(text) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3]) {
			if (text[i] != '-')
				return false;
			continue;
		}
		int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return n == 16;
}

static bool parse_clock(parser *ps)
{
	lsync_ctf_clock c = { .freq = 1000000000 };
	bool freq_set = false;
	char key[64];
	value v = { 0 };

	if (ps->tr->n_clocks == LSYNC_CTF_MAX_CLOCKS)
		return fail(ps, "too many clocks");
	if (!next(ps) || !expect(ps, "{"))
		return false;
	while (!is_p(ps, "}")) {
		if (!parse_key(ps, key, sizeof(key)) || !expect(ps, "=") ||
		    !parse_value(ps, &v))
			return false;
		if (strcmp(key, "name") == 0) {
			if (v.kind != T_ID && v.kind != T_STR)
				return fail(ps, "bad clock name");
			c.name = v.s;
		} else if (strcmp(key, "freq") == 0) {
			if (!value_uint(ps, &v, &c.freq) || c.freq == 0)
				return fail(ps, "bad clock frequency");
			freq_set = true;
		} else if (strcmp(key, "offset_s") == 0) {
			if (!value_int(ps, &v, &c.offset_s))
				return false;
		} else if (strcmp(key, "offset") == 0) {
			if (!value_uint(ps, &v, &c.offset))
				return false;
		} else if (strcmp(key, "absolute") == 0) {
			bool b;

			if (!value_bool(ps, &v, &b))
				return false;
		} else if (strcmp(key, "uuid") == 0) {
			if (v.kind != T_STR || !parse_uuid(v.s, c.uuid))
				return fail(ps, "bad clock uuid");
			c.has_uuid = true;
		} else if (strcmp(key, "description") != 0 &&
			   strcmp(key, "precision") != 0) {
			return fail(ps, "unsupported clock attribute '%s'", key);
		}
		if (!expect(ps, ";"))
			return false;
	}
	(void)freq_set;
	if (!c.name)
		return fail(ps, "clock without a name");
	for (unsigned i = 0; i < ps->tr->n_clocks; i++)
		if (strcmp(ps->tr->clocks[i].name, c.name) == 0)
			return fail(ps, "clock '%s' declared twice", c.name);
	/* Carry whole seconds out of the cycles, as babeltrace2 does. */
	if (c.offset >= c.freq) {
		uint64_t s = c.offset / c.freq;

		if (s > (uint64_t)INT64_MAX || (c.offset_s > 0 && (int64_t)s > INT64_MAX - c.offset_s))
			return fail(ps, "clock offset out of range");
		c.offset_s += (int64_t)s;
		c.offset -= s * c.freq;
	}
	if (c.offset_s <= INT64_MIN / INT64_C(1000000000) - 1 ||
	    c.offset_s >= INT64_MAX / INT64_C(1000000000) - 1) {
		c.base_overflows = true;
	} else {
		uint64_t ns = c.freq == 1000000000 ? c.offset
			: (uint64_t)(1e9 * (double)c.offset / (double)c.freq);

		c.base_ns = c.offset_s * INT64_C(1000000000) + (int64_t)ns;
	}
	ps->tr->clocks[ps->tr->n_clocks++] = c;
	return next(ps) && expect(ps, ";");
}

static lsync_ctf_stream_class *stream_class(parser *ps, uint64_t id, bool create)
{
	lsync_ctf_trace *tr = ps->tr;

	for (unsigned i = 0; i < tr->n_streams; i++)
		if (tr->streams[i].id == id)
			return &tr->streams[i];
	if (!create)
		return NULL;
	if (tr->n_streams == LSYNC_CTF_MAX_STREAM_CLASSES) {
		fail(ps, "too many stream classes");
		return NULL;
	}
	tr->streams[tr->n_streams].id = id;
	tr->streams[tr->n_streams].clock = -1;
	return &tr->streams[tr->n_streams++];
}

static bool parse_stream(parser *ps)
{
	lsync_ctf_type *header = NULL, *pctx = NULL, *ectx = NULL;
	lsync_ctf_stream_class *sc;
	uint64_t id = 0;
	bool id_set = false;
	char key[64];
	value v = { 0 };

	if (!next(ps) || !expect(ps, "{"))
		return false;
	while (!is_p(ps, "}")) {
		if (!parse_key(ps, key, sizeof(key)))
			return false;
		if (strcmp(key, "event.header") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &header))
				return false;
		} else if (strcmp(key, "event.context") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &ectx))
				return false;
		} else if (strcmp(key, "packet.context") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &pctx))
				return false;
		} else if (strcmp(key, "id") == 0) {
			if (!expect(ps, "=") || !parse_value(ps, &v) ||
			    !value_uint(ps, &v, &id))
				return false;
			id_set = true;
		} else {
			return fail(ps, "unsupported stream attribute '%s'", key);
		}
		if (!expect(ps, ";"))
			return false;
	}
	if (stream_class(ps, id, false))
		return fail(ps, "stream class %" PRIu64 " declared twice", id);
	if (!(sc = stream_class(ps, id, true)))
		return false;
	sc->id_set = id_set;
	sc->event_header = header;
	sc->packet_context = pctx;
	sc->event_context = ectx;
	return next(ps) && expect(ps, ";");
}

static bool parse_event(parser *ps)
{
	lsync_ctf_event_class *ec = alloc(ps, sizeof(*ec));
	uint64_t stream_id = 0;
	bool id_set = false;
	lsync_ctf_stream_class *sc;
	char key[64];
	value v = { 0 };

	if (!ec || !next(ps) || !expect(ps, "{"))
		return false;
	if (++ps->n_event_classes > MAX_EVENT_CLASSES)
		return fail(ps, "too many event classes");
	while (!is_p(ps, "}")) {
		if (!parse_key(ps, key, sizeof(key)))
			return false;
		if (strcmp(key, "fields") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &ec->payload))
				return false;
		} else if (strcmp(key, "context") == 0) {
			if (!expect(ps, ":=") || !scope_type(ps, &ec->context))
				return false;
		} else {
			if (!expect(ps, "=") || !parse_value(ps, &v))
				return false;
			if (strcmp(key, "name") == 0) {
				if (v.kind != T_ID && v.kind != T_STR)
					return fail(ps, "bad event name");
				ec->name = v.s;
			} else if (strcmp(key, "id") == 0) {
				if (!value_uint(ps, &v, &ec->id) || ec->id > INT64_MAX)
					return false;
				id_set = true;
			} else if (strcmp(key, "stream_id") == 0) {
				if (!value_uint(ps, &v, &stream_id))
					return false;
			} else if (strcmp(key, "loglevel") != 0 &&
				   strcmp(key, "model.emf.uri") != 0) {
				return fail(ps, "unsupported event attribute '%s'", key);
			}
		}
		if (!expect(ps, ";"))
			return false;
	}
	if (!ec->name)
		return fail(ps, "event class without a name");
	sc = stream_class(ps, stream_id, false);
	if (!sc)
		return fail(ps, "event '%s' of an undeclared stream class", ec->name);
	if (!id_set && sc->n_events)
		return fail(ps, "event class without an id");
	for (lsync_ctf_event_class *o = sc->events; o; o = o->next)
		if (o->id == ec->id)
			return fail(ps, "event class id %" PRIu64 " declared twice", ec->id);
	ec->next = sc->events;
	sc->events = ec;
	sc->n_events++;
	return next(ps) && expect(ps, ";");
}

static bool parse_top(parser *ps)
{
	if (is_id(ps, "typealias"))
		return parse_typealias(ps);
	if (is_id(ps, "trace"))
		return parse_trace(ps);
	if (is_id(ps, "env"))
		return parse_env(ps);
	if (is_id(ps, "clock"))
		return parse_clock(ps);
	if (is_id(ps, "stream"))
		return parse_stream(ps);
	if (is_id(ps, "event"))
		return parse_event(ps);
	if (is_id(ps, "struct") || is_id(ps, "enum")) {
		/* A named declaration: `struct NAME {...} [align(N)];` */
		lsync_ctf_type *t = parse_type(ps);

		return t && expect(ps, ";");
	}
	if (is_p(ps, ";"))
		return next(ps);
	return fail(ps, "unsupported declaration '%s'",
		    ps->t.kind == T_ID || ps->t.kind == T_PUNCT ? ps->t.s : "?");
}

/* ---- after parsing: byte orders, sizes, checks ---------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Size of types whose size never changes ("fixed"), bottom up. */
static bool layout_type_once(parser *ps, lsync_ctf_type *t, unsigned depth);

/*
 * Types form a graph (a named struct or alias is shared): each is laid
 * out once, and its `nodes` (how many fields one instance has, the
 * largest option counted for a variant, an array's elements multiplied)
 * bound how much reading one event may walk.
 */
#define NODES_MAX (UINT64_C(1) << 32)

static uint64_t nodes_add(uint64_t a, uint64_t b)
{
	return a + b > NODES_MAX ? NODES_MAX : a + b;
}

static bool layout_type(parser *ps, lsync_ctf_type *t, unsigned depth)
{
	if (depth > 2 * MAX_DEPTH + 8)
		return fail(ps, "types nested too deeply");
	if (t->laid_out)
		return true;
	if (!layout_type_once(ps, t, depth))
		return false;
	t->nodes = 1;
	if (t->kind == LSYNC_CTF_STRUCT) {
		for (uint32_t i = 0; i < t->n_members; i++)
			t->nodes = nodes_add(t->nodes, t->members[i].type->nodes);
	} else if (t->kind == LSYNC_CTF_VARIANT) {
		uint64_t most = 0;

		for (uint32_t i = 0; i < t->n_members; i++)
			if (t->members[i].type->nodes > most)
				most = t->members[i].type->nodes;
		t->nodes = nodes_add(1, most);
	} else if (t->kind == LSYNC_CTF_ARRAY) {
		/* A fixed array is skipped in one step unless kept (<= 16). */
		uint64_t n = t->fixed ? 16 : t->length;

		t->nodes = t->elem->nodes && n > NODES_MAX / t->elem->nodes
				   ? NODES_MAX : nodes_add(1, n * t->elem->nodes);
	} else if (t->kind == LSYNC_CTF_SEQUENCE) {
		/* Its length is only known per event: see MAX_WALK (ctf_skim.c). */
		t->nodes = nodes_add(1, t->elem->nodes);
	}
	t->laid_out = 1;
	return true;
}

static bool layout_type_once(parser *ps, lsync_ctf_type *t, unsigned depth)
{
	switch (t->kind) {
	case LSYNC_CTF_INT:
	case LSYNC_CTF_FLOAT:
		t->fixed = 1;
		t->bits = t->size;
		return true;
	case LSYNC_CTF_STRING:
		return true;
	case LSYNC_CTF_STRUCT: {
		uint64_t pos = 0;
		bool fixed = true;

		for (uint32_t i = 0; i < t->n_members; i++) {
			lsync_ctf_type *m = t->members[i].type;

			if (!layout_type(ps, m, depth + 1))
				return false;
			t->has_clock |= m->has_clock;
			t->has_key |= m->has_key | lsync_ctf_is_key(t->members[i].name);
			if (!m->fixed)
				fixed = false;
			else
				pos = align_up(pos, m->align) + m->bits;
			if (pos > (UINT64_C(1) << 40))
				return fail(ps, "structure too large");
		}
		t->fixed = fixed;
		t->bits = fixed ? pos : 0;
		return true;
	}
	case LSYNC_CTF_VARIANT:
		for (uint32_t i = 0; i < t->n_members; i++) {
			if (!layout_type(ps, t->members[i].type, depth + 1))
				return false;
			t->has_clock |= t->members[i].type->has_clock;
			t->has_key |= t->members[i].type->has_key |
				      lsync_ctf_is_key(t->members[i].name);
		}
		return true;
	case LSYNC_CTF_ARRAY:
	case LSYNC_CTF_SEQUENCE:
		if (!layout_type(ps, t->elem, depth + 1))
			return false;
		t->align = t->elem->align;
		t->has_clock = t->elem->has_clock;
		t->has_key = t->elem->has_key;
		if (t->kind == LSYNC_CTF_ARRAY && t->elem->fixed) {
			uint64_t stride = align_up(t->elem->bits, t->elem->align);

			if (stride && t->length > (UINT64_C(1) << 40) / stride)
				return fail(ps, "array too large");
			t->fixed = 1;
			t->bits = t->length ? stride * (t->length - 1) + t->elem->bits : 0;
		}
		return true;
	}
	return fail(ps, "unknown type");
}

static bool finish(parser *ps)
{
	lsync_ctf_trace *tr = ps->tr;

	if (!ps->trace_seen || !ps->bo_seen)
		return fail(ps, "no trace block with a byte order");
	for (lsync_ctf_type *t = tr->all; t; t = t->next_all)
		if (t->native) {
			t->be = tr->be;
			t->native = 0;
		}
	if (tr->packet_header && !layout_type(ps, tr->packet_header, 0))
		return false;
	for (unsigned i = 0; i < tr->n_streams; i++) {
		lsync_ctf_stream_class *sc = &tr->streams[i];
		lsync_ctf_type *scopes[3] = { sc->packet_context, sc->event_header,
					      sc->event_context };

		for (unsigned k = 0; k < 3; k++)
			if (scopes[k] && !layout_type(ps, scopes[k], 0))
				return false;
		for (lsync_ctf_event_class *ec = sc->events; ec; ec = ec->next) {
			if (ec->context && !layout_type(ps, ec->context, 0))
				return false;
			if (ec->payload && !layout_type(ps, ec->payload, 0))
				return false;
		}
	}
	return true;
}

/* ---- entry points ------------------------------------------------------------ */

void lsync_ctf_meta_free(lsync_ctf_trace *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	free(t);
}

int lsync_ctf_meta_parse(lsync_ctf_trace **out, const char *text, size_t len,
			 char *err, size_t size)
{
	parser *ps = calloc(1, sizeof(*ps));
	lsync_ctf_trace *tr = calloc(1, sizeof(*tr));
	int st;

	*out = NULL;
	if (!ps || !tr || !(tr->arena = calloc(1, sizeof(*tr->arena)))) {
		if (tr)
			free(tr->arena);
		free(tr);
		free(ps);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	ps->p = text;
	ps->end = text + len;
	ps->line = 1;
	ps->tr = tr;
	ps->a = tr->arena;
	ps->err = err;
	ps->err_size = size;
	if (memchr(text, '\0', len))
		fail(ps, "NUL byte in the metadata");
	else if (next(ps))
		while (ps->t.kind != T_END && parse_top(ps))
			;
	if (!ps->failed)
		finish(ps);
	st = ps->nomem ? LTTSYNC_ERROR_NO_MEMORY
		       : ps->failed ? LSYNC_CTF_DECLINED : LTTSYNC_OK;
	free(ps);
	if (st != LTTSYNC_OK) {
		lsync_ctf_meta_free(tr);
		return st;
	}
	*out = tr;
	return LTTSYNC_OK;
}

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#define TSDL_MAGIC 0x75D11D57u
#define META_HEADER 37 /* magic, uuid, checksum, sizes, 5 one-byte fields */

/*
 * The TSDL text of packetized metadata: each packet's header (magic,
 * uuid, checksum, content and packet sizes in bits, compression,
 * encryption and checksum schemes, major, minor), its text, padding.
 * Compressed, encrypted or checksummed packets decline.
 */
static int depacketize(const uint8_t *buf, size_t n, char **text, size_t *len,
		       char *err, size_t size)
{
	bool be = get32(buf, true) == TSDL_MAGIC;
	char *out = malloc(n + 1);
	size_t at = 0, o = 0;

	if (!out)
		return LTTSYNC_ERROR_NO_MEMORY;
	while (at < n) {
		uint32_t content, packet;
		const uint8_t *h = buf + at;

		if (n - at < META_HEADER || get32(h, be) != TSDL_MAGIC) {
			free(out);
			return lsync_decode_fail(err, size, LSYNC_CTF_DECLINED,
						 "bad metadata packet");
		}
		content = get32(h + 24, be);
		packet = get32(h + 28, be);
		if (h[32] || h[33] || h[34] || content % 8 || packet % 8 ||
		    content < 8 * META_HEADER || content > packet ||
		    packet / 8 > n - at) {
			free(out);
			return lsync_decode_fail(err, size, LSYNC_CTF_DECLINED,
						 "unsupported metadata packet");
		}
		memcpy(out + o, h + META_HEADER, content / 8 - META_HEADER);
		o += content / 8 - META_HEADER;
		at += packet / 8;
	}
	out[o] = '\0';
	*text = out;
	*len = o;
	return LTTSYNC_OK;
}

static int read_file(const char *path, uint8_t **buf, size_t *n, char *err,
		     size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;

	if (fd < 0)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s: %s", path,
					 strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_size < 0 ||
	    (uint64_t)st.st_size > META_MAX_BYTES) {
		close(fd);
		return lsync_decode_fail(err, size, LSYNC_CTF_DECLINED,
					 "%s: metadata too large", path);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, *buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return LTTSYNC_OK;
}

int lsync_ctf_meta_load(lsync_ctf_trace **out, const char *folder, char *err,
			size_t size)
{
	char path[4096];
	uint8_t *buf = NULL;
	char *text = NULL;
	size_t n = 0, len = 0;
	int st;

	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/metadata", folder) >= sizeof(path))
		return lsync_decode_fail(err, size, LSYNC_CTF_DECLINED, "path too long");
	if ((st = read_file(path, &buf, &n, err, size)))
		return st;
	if (n >= 4 && (get32(buf, false) == TSDL_MAGIC || get32(buf, true) == TSDL_MAGIC)) {
		st = depacketize(buf, n, &text, &len, err, size);
		free(buf);
		if (st)
			return st;
	} else {
		text = (char *)buf;
		len = n;
		text[len] = '\0';
		/* Plain text starts with its version comment. */
		if (len < 9 || memcmp(text, "/* CTF 1.", 9) != 0) {
			free(text);
			return lsync_decode_fail(err, size, LSYNC_CTF_DECLINED,
						 "%s: not CTF 1.8 metadata", path);
		}
	}
	st = lsync_ctf_meta_parse(out, text, len, err, size);
	free(text);
	return st;
}
