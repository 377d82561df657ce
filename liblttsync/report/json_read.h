/* SPDX-License-Identifier: MIT */
/*
 * A strict JSON reader (RFC 8259) for the report: no tree of the whole
 * document, the caller walks objects and arrays with callbacks, reads the
 * values it knows and skips (while validating) the others, so memory stays
 * that of what it keeps. Every failure records a message followed by the
 * line and column where it happened.
 */
#ifndef LSYNC_REPORT_JSON_READ_H
#define LSYNC_REPORT_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deeper nesting is refused: a report has four levels. */
#define LSYNC_JSON_MAX_DEPTH 32

struct lsync_json {
	const char *text, *p, *end;
	int depth;
	bool failed;
	bool no_memory;               /* failed for lack of memory */
	char error[512];
};

enum lsync_json_kind {
	LSYNC_JSON_NULL, LSYNC_JSON_FALSE, LSYNC_JSON_TRUE, LSYNC_JSON_NUMBER,
	LSYNC_JSON_STRING, LSYNC_JSON_ARRAY, LSYNC_JSON_OBJECT, LSYNC_JSON_END
};

void lsync_json_init(struct lsync_json *j, const char *text, size_t len);

/* Record an error at the current position (the first one wins); false. */
bool lsync_json_fail(struct lsync_json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The kind of the next value, without consuming it (END: no more input). */
enum lsync_json_kind lsync_json_peek(struct lsync_json *j);

/* Consume and validate one value of any kind. */
bool lsync_json_skip(struct lsync_json *j);

/* A string value, decoded, in new memory (malloc); NUL inside is refused. */
bool lsync_json_string(struct lsync_json *j, char **out);

/* A null (*out = NULL) or a string. */
bool lsync_json_string_or_null(struct lsync_json *j, char **out);

/* An integer within int64; `null_ok`: null gives *is_null = true. */
bool lsync_json_int64(struct lsync_json *j, int64_t *out, bool *is_null);

/*
 * An object: for each member, `member` is called with its key, positioned
 * at its value, which it must consume. Keys given twice reach `member`
 * twice: the callers refuse those they keep.
 */
typedef bool (*lsync_json_member_fn)(struct lsync_json *j, const char *key,
				     void *ctx);
bool lsync_json_object(struct lsync_json *j, lsync_json_member_fn member,
		       void *ctx);

/* An array: `element` is called at each element, which it must consume. */
typedef bool (*lsync_json_element_fn)(struct lsync_json *j, size_t index,
				      void *ctx);
bool lsync_json_array(struct lsync_json *j, lsync_json_element_fn element,
		      void *ctx);

/* Only white space left. */
bool lsync_json_finish(struct lsync_json *j);

/* Name of a kind, for messages ("a number"). */
const char *lsync_json_kind_name(enum lsync_json_kind kind);

#endif
