/* SPDX-License-Identifier: MIT */
/*
 * Loading a JSON report (doc/output.md) back: each host's name, quality,
 * parent and transform, rebuilt from the exact decimal text with
 * lttsync_transform_parse() (and lttsync_transform_join() for several
 * segments). Members this reader does not use are validated and skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "json_read.h"
#include "report_format.h"
#include "transform_api.h"

/* Per thread: a failed load has no report to hold its message. */
static _Thread_local char last_error[1024];

static lttsync_status report_error(lttsync_status status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static lttsync_status report_error(lttsync_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return status;
}

LTTSYNC_API const char *lttsync_report_get_last_error(void)
{
	return last_error;
}

int lsync_report_quality_from_string(const char *text)
{
	for (int q = LTTSYNC_QUALITY_ABSENT; q <= LTTSYNC_QUALITY_DISCONNECTED; q++)
		if (!strcmp(text, lttsync_quality_string((lttsync_quality)q)))
			return q;
	return -1;
}

/* ---- one host ------------------------------------------------------------ */

/* Members seen in a host object, to refuse one given twice. */
enum { SEEN_HOST = 1, SEEN_QUALITY = 2, SEEN_SLOPE = 4, SEEN_PIVOT = 8,
       SEEN_PIVOT_REF = 16, SEEN_SEGMENTS = 32, SEEN_PARENT = 64,
       SEEN_HOPS = 128 };

struct segment_text {
	bool has_from, from_null;
	int64_t from;
	char *slope, *offset;
};

struct host_parse {
	unsigned seen;
	char *name, *quality, *slope, *pivot, *pivot_ref, *parent;
	struct segment_text *segments;
	size_t n_segments, cap_segments;
};

static void host_parse_free(struct host_parse *h)
{
	free(h->name);
	free(h->quality);
	free(h->slope);
	free(h->pivot);
	free(h->pivot_ref);
	free(h->parent);
	for (size_t i = 0; i < h->n_segments; i++) {
		free(h->segments[i].slope);
		free(h->segments[i].offset);
	}
	free(h->segments);
}

static bool once(struct lsync_json *j, unsigned *seen, unsigned bit,
		 const char *key)
{
	if (*seen & bit)
		return lsync_json_fail(j, "member `%s` given twice", key);
	*seen |= bit;
	return true;
}

static bool segment_member(struct lsync_json *j, const char *key, void *ctx)
{
	struct segment_text *g = ctx;
	bool is_null;

	if (!strcmp(key, LSYNC_REPORT_FROM)) {
		if (g->has_from)
			return lsync_json_fail(j, "member `%s` given twice", key);
		g->has_from = true;
		if (!lsync_json_int64(j, &g->from, &is_null))
			return false;
		g->from_null = is_null;
		return true;
	}
	if (!strcmp(key, LSYNC_REPORT_SLOPE) || !strcmp(key, LSYNC_REPORT_OFFSET)) {
		char **dst = key[0] == 's' ? &g->slope : &g->offset;

		if (*dst)
			return lsync_json_fail(j, "member `%s` given twice", key);
		return lsync_json_string(j, dst);
	}
	return lsync_json_skip(j);
}

static bool segment_element(struct lsync_json *j, size_t index, void *ctx)
{
	struct host_parse *h = ctx;
	struct segment_text *g;

	if (h->n_segments == h->cap_segments) {
		size_t cap = h->cap_segments ? h->cap_segments * 2 : 4;
		void *p = realloc(h->segments, cap * sizeof(*h->segments));

		if (!p) {
			j->no_memory = true;
			return lsync_json_fail(j, "out of memory");
		}
		h->segments = p;
		h->cap_segments = cap;
	}
	g = &h->segments[h->n_segments++];
	memset(g, 0, sizeof(*g));
	if (!lsync_json_object(j, segment_member, g))
		return false;
	if (!g->slope || !g->offset || !g->has_from)
		return lsync_json_fail(j, "segment %zu lacks `from_ns`, `slope` or "
				       "`offset_ns`", index);
	/* Only the first segment starts from the beginning. */
	if (index > 0 && g->from_null)
		return lsync_json_fail(j, "segment %zu has a null `from_ns`", index);
	return true;
}

static bool host_string(struct lsync_json *j, struct host_parse *h,
			const char *key, unsigned bit, char **dst, bool null_ok)
{
	if (!once(j, &h->seen, bit, key))
		return false;
	if (!null_ok)
		return lsync_json_string(j, dst);
	if (lsync_json_peek(j) != LSYNC_JSON_STRING &&
	    lsync_json_peek(j) != LSYNC_JSON_NULL)
		return lsync_json_fail(j, "%s%s%s`%s` is not a string but %s "
				       "(lttsync writes a string: a JSON number "
				       "would lose digits)", h->name ? "host `" : "",
				       h->name ? h->name : "", h->name ? "`: " : "",
				       key, lsync_json_kind_name(lsync_json_peek(j)));
	return lsync_json_string_or_null(j, dst);
}

static bool host_member(struct lsync_json *j, const char *key, void *ctx)
{
	struct host_parse *h = ctx;
	int64_t hops;
	bool is_null;

	if (!strcmp(key, LSYNC_REPORT_HOST))
		return host_string(j, h, key, SEEN_HOST, &h->name, false);
	if (!strcmp(key, LSYNC_REPORT_QUALITY))
		return host_string(j, h, key, SEEN_QUALITY, &h->quality, false);
	if (!strcmp(key, LSYNC_REPORT_SLOPE))
		return host_string(j, h, key, SEEN_SLOPE, &h->slope, true);
	if (!strcmp(key, LSYNC_REPORT_PIVOT))
		return host_string(j, h, key, SEEN_PIVOT, &h->pivot, true);
	if (!strcmp(key, LSYNC_REPORT_PIVOT_REF))
		return host_string(j, h, key, SEEN_PIVOT_REF, &h->pivot_ref, true);
	if (!strcmp(key, LSYNC_REPORT_PARENT))
		return host_string(j, h, key, SEEN_PARENT, &h->parent, true);
	if (!strcmp(key, LSYNC_REPORT_SEGMENTS))
		return once(j, &h->seen, SEEN_SEGMENTS, key) &&
		       lsync_json_array(j, segment_element, h);
	if (!strcmp(key, LSYNC_REPORT_HOPS)) {
		if (!once(j, &h->seen, SEEN_HOPS, key) ||
		    !lsync_json_int64(j, &hops, &is_null))
			return false;
		if (!is_null && hops < 0)
			return lsync_json_fail(j, "`hops` is negative");
		return true;
	}
	return lsync_json_skip(j);
}

/* The piecewise transform of a host's segments. */
static lttsync_status join_segments(lttsync_transform **out,
				    const struct host_parse *h, size_t *bad)
{
	size_t n = h->n_segments, k;
	lttsync_transform **lines = calloc(n, sizeof(*lines));
	int64_t *from = calloc(n, sizeof(*from));
	lttsync_status st = LTTSYNC_ERROR_NO_MEMORY;

	if (lines && from) {
		st = LTTSYNC_OK;
		for (k = 0; k < n && !st; k++) {
			from[k] = h->segments[k].from;
			st = lttsync_transform_parse(&lines[k], h->segments[k].slope,
						     "0", h->segments[k].offset);
		}
		*bad = k - 1;
		if (!st) {
			*bad = n;
			st = lttsync_transform_join(out,
						    (const lttsync_transform *const *)lines,
						    from, n);
		}
		for (k = 0; k < n; k++)
			lttsync_transform_destroy(lines[k]);
	}
	free(lines);
	free(from);
	return st;
}

/* The host's transform from its parsed text; NULL when it has none. */
static bool host_transform(struct lsync_json *j, const struct host_parse *h,
			   lttsync_transform **out)
{
	lttsync_status st;
	size_t bad = 0;

	*out = NULL;
	if (!h->slope && !h->pivot && !h->pivot_ref) {
		if (h->n_segments)
			return lsync_json_fail(j, "host `%s` has segments but no "
					       "transform", h->name);
		return true;
	}
	if (!h->slope || !h->pivot || !h->pivot_ref)
		return lsync_json_fail(j, "host `%s` lacks `slope`, `pivot_ns` or "
				       "`pivot_ref_ns`", h->name);
	if (h->n_segments > 1) {
		st = join_segments(out, h, &bad);
		if (st == LTTSYNC_ERROR_NO_MEMORY)
			j->no_memory = true;
		if (st && bad < h->n_segments)
			return lsync_json_fail(j, "host `%s`: segment %zu: %s", h->name,
					       bad, lttsync_status_string(st));
		if (st)
			return lsync_json_fail(j, "host `%s`: segments that do not make "
					       "a transform (starts not increasing?): %s",
					       h->name, lttsync_status_string(st));
		return true;
	}
	st = lttsync_transform_parse(out, h->slope, h->pivot, h->pivot_ref);
	if (st == LTTSYNC_ERROR_NO_MEMORY)
		j->no_memory = true;
	if (st)
		return lsync_json_fail(j, "host `%s`: bad transform (slope `%.80s`, "
				       "pivot_ns `%.40s`, pivot_ref_ns `%.80s`): %s",
				       h->name, h->slope, h->pivot, h->pivot_ref,
				       lttsync_status_string(st));
	return true;
}

/* ---- the whole report -------------------------------------------------------- */

struct load {
	lttsync_report *r;
	size_t cap;
	bool seen_hosts, seen_reference;
};

static bool add_host(struct lsync_json *j, struct load *l, struct host_parse *h,
		     lttsync_transform *tf)
{
	lttsync_report *r = l->r;
	struct lsync_report_host *dst;
	int q = -1;

	if (h->quality && (q = lsync_report_quality_from_string(h->quality)) < 0)
		return lsync_json_fail(j, "host `%s`: unknown quality `%.40s`",
				       h->name, h->quality);
	if (g_hash_table_contains(r->by_name, h->name))
		return lsync_json_fail(j, "host `%s` appears twice", h->name);
	if (r->n_hosts == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		void *p = realloc(r->hosts, cap * sizeof(*r->hosts));

		if (!p) {
			j->no_memory = true;
			return lsync_json_fail(j, "out of memory");
		}
		r->hosts = p;
		l->cap = cap;
	}
	dst = &r->hosts[r->n_hosts];
	memset(dst, 0, sizeof(*dst));
	dst->name = h->name;
	dst->parent = h->parent;
	dst->has_quality = q >= 0;
	dst->quality = q >= 0 ? (lttsync_quality)q : LTTSYNC_QUALITY_DISCONNECTED;
	dst->transform = tf;
	h->name = h->parent = NULL;
	g_hash_table_insert(r->by_name, dst->name, GSIZE_TO_POINTER(++r->n_hosts));
	return true;
}

static bool host_element(struct lsync_json *j, size_t index, void *ctx)
{
	struct host_parse h = { 0 };
	lttsync_transform *tf = NULL;
	bool ok;

	ok = lsync_json_object(j, host_member, &h);
	if (ok && !h.name)
		ok = lsync_json_fail(j, "host %zu has no `host` name", index);
	if (ok)
		ok = host_transform(j, &h, &tf) && add_host(j, ctx, &h, tf);
	if (!ok)
		lttsync_transform_destroy(tf);
	host_parse_free(&h);
	return ok;
}

static bool root_member(struct lsync_json *j, const char *key, void *ctx)
{
	struct load *l = ctx;

	if (!strcmp(key, "hosts")) {
		if (l->seen_hosts)
			return lsync_json_fail(j, "member `hosts` given twice");
		l->seen_hosts = true;
		if (lsync_json_peek(j) != LSYNC_JSON_ARRAY)
			return lsync_json_fail(j, "`hosts` is %s, not an array (not an "
					       "lttsync JSON report?)",
					       lsync_json_kind_name(lsync_json_peek(j)));
		return lsync_json_array(j, host_element, l);
	}
	if (!strcmp(key, "reference")) {
		if (l->seen_reference)
			return lsync_json_fail(j, "member `reference` given twice");
		l->seen_reference = true;
		return lsync_json_string_or_null(j, &l->r->reference);
	}
	return lsync_json_skip(j);
}

static bool known(const lttsync_report *r, const char *name)
{
	return g_hash_table_contains(r->by_name, name);
}

/* Names the report refers to must be among its hosts. */
static bool check_names(struct lsync_json *j, const lttsync_report *r)
{
	if (r->reference && !known(r, r->reference))
		return lsync_json_fail(j, "the reference `%s` is not one of the "
				       "report's hosts", r->reference);
	for (size_t i = 0; i < r->n_hosts; i++)
		if (r->hosts[i].parent && !known(r, r->hosts[i].parent))
			return lsync_json_fail(j, "host `%s`: its parent `%s` is not "
					       "one of the report's hosts",
					       r->hosts[i].name, r->hosts[i].parent);
	return true;
}

static bool parse_report(struct lsync_json *j, lttsync_report *r)
{
	struct load l = { r, 0, false, false };

	if (lsync_json_peek(j) != LSYNC_JSON_OBJECT)
		return lsync_json_fail(j, "expected an object (not an lttsync JSON "
				       "report?)");
	if (!lsync_json_object(j, root_member, &l) || !lsync_json_finish(j))
		return false;
	if (!l.seen_hosts)
		return lsync_json_fail(j, "no `hosts` array (not an lttsync JSON "
				       "report?)");
	return check_names(j, r);
}

/* ---- reading the file ------------------------------------------------------ */

/* The file's bytes, at most LSYNC_REPORT_MAX_BYTES. */
static lttsync_status read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;
	int err;

	*out = NULL;
	if (!f)
		return report_error(LTTSYNC_ERROR_IO, "report `%s`: %s", path,
				    strerror(errno));
	do {
		if (n == cap) {
			char *p;

			if (cap >= LSYNC_REPORT_MAX_BYTES) {
				free(buf);
				fclose(f);
				return report_error(LTTSYNC_ERROR_FORMAT, "report `%s`: "
						    "larger than %zu MiB (not an lttsync "
						    "report?)", path,
						    LSYNC_REPORT_MAX_BYTES >> 20);
			}
			cap = cap ? cap * 2 : 65536;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				return report_error(LTTSYNC_ERROR_NO_MEMORY,
						    "report `%s`: out of memory", path);
			}
			buf = p;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err) {
		free(buf);
		return report_error(LTTSYNC_ERROR_IO, "report `%s`: %s", path,
				    strerror(err));
	}
	*out = buf;
	*len = n;
	return LTTSYNC_OK;
}

LTTSYNC_API void lttsync_report_destroy(lttsync_report *report)
{
	if (!report)
		return;
	if (report->by_name)
		g_hash_table_destroy(report->by_name);
	for (size_t i = 0; i < report->n_hosts; i++) {
		free(report->hosts[i].name);
		free(report->hosts[i].parent);
		lttsync_transform_destroy(report->hosts[i].transform);
	}
	free(report->hosts);
	free(report->reference);
	free(report);
}

LTTSYNC_API lttsync_status lttsync_report_load(lttsync_report **out,
					       const char *path)
{
	struct lsync_json j;
	lttsync_report *r;
	lttsync_status st;
	char *text;
	size_t len = 0;

	last_error[0] = '\0';
	if (!out || !path)
		return report_error(LTTSYNC_ERROR_INVALID_ARGUMENT,
				    "report_load: NULL argument");
	if ((st = read_file(path, &text, &len)))
		return st;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->by_name = g_hash_table_new(g_str_hash, g_str_equal))) {
		free(r);
		free(text);
		return report_error(LTTSYNC_ERROR_NO_MEMORY, "report `%s`: out of "
				    "memory", path);
	}
	lsync_json_init(&j, text, len);
	if (!parse_report(&j, r)) {
		free(text);
		lttsync_report_destroy(r);
		return report_error(j.no_memory ? LTTSYNC_ERROR_NO_MEMORY
				    : LTTSYNC_ERROR_FORMAT, "report `%s`: %s",
				    path, j.error);
	}
	free(text);
	*out = r;
	return LTTSYNC_OK;
}

/* ---- getters ------------------------------------------------------------------- */

LTTSYNC_API size_t lttsync_report_get_host_count(const lttsync_report *report)
{
	return report ? report->n_hosts : 0;
}

LTTSYNC_API const char *lttsync_report_get_host_name(const lttsync_report *report,
						     size_t index)
{
	if (!report || index >= report->n_hosts)
		return NULL;
	return report->hosts[index].name;
}

LTTSYNC_API const char *lttsync_report_get_reference(const lttsync_report *report)
{
	return report ? report->reference : NULL;
}

static const struct lsync_report_host *find(const lttsync_report *report,
					    const char *host)
{
	size_t i = GPOINTER_TO_SIZE(g_hash_table_lookup(report->by_name, host));

	return i ? &report->hosts[i - 1] : NULL;
}

/* The host named `host`, or an error status with its message. */
static lttsync_status lookup(const struct lsync_report_host **out,
			     const lttsync_report *report, const char *host,
			     const void *out_arg, const char *function)
{
	last_error[0] = '\0';
	if (!report || !host || !out_arg)
		return report_error(LTTSYNC_ERROR_INVALID_ARGUMENT,
				    "%s: NULL argument", function);
	if (!(*out = find(report, host)))
		return report_error(LTTSYNC_ERROR_NOT_FOUND,
				    "%s: no host `%s` in the report", function, host);
	return LTTSYNC_OK;
}

static lttsync_transform *copy_transform(const lttsync_transform *t)
{
	lttsync_transform *c;

	if (t->n_pieces >= 2)
		return lsync_transform_new_pieces(t->pieces, t->n_pieces, &t->f);
	c = lsync_transform_new(&t->f);
	if (c)
		c->width = t->width;
	return c;
}

LTTSYNC_API lttsync_status lttsync_report_get_host_transform(lttsync_transform **out,
							   const lttsync_report *report,
							   const char *host)
{
	const struct lsync_report_host *h;
	lttsync_transform *copy;
	lttsync_status st = lookup(&h, report, host, out, "report_get_host_transform");

	if (st)
		return st;
	if (!h->transform)
		return report_error(LTTSYNC_ERROR_NOT_AVAILABLE,
				    "report_get_host_transform: host `%s` has no "
				    "transform in the report", host);
	copy = copy_transform(h->transform);
	if (!copy)
		return report_error(LTTSYNC_ERROR_NO_MEMORY,
				    "report_get_host_transform: out of memory");
	*out = copy;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_report_get_host_quality(lttsync_quality *out,
							 const lttsync_report *report,
							 const char *host)
{
	const struct lsync_report_host *h;
	lttsync_status st = lookup(&h, report, host, out, "report_get_host_quality");

	if (st)
		return st;
	if (!h->has_quality)
		return report_error(LTTSYNC_ERROR_NOT_AVAILABLE,
				    "report_get_host_quality: host `%s` has no "
				    "quality in the report", host);
	*out = h->quality;
	return LTTSYNC_OK;
}

LTTSYNC_API const char *lttsync_report_get_host_parent(const lttsync_report *report,
						       const char *host)
{
	const struct lsync_report_host *h = report && host ? find(report, host) : NULL;

	return h ? h->parent : NULL;
}
