/* SPDX-License-Identifier: MIT */
/*
 * The filter's configuration: which transform applies to which host, from
 * the component's parameters or from a JSON report written by
 * `lttsync --format json` (read with json-glib). Transforms are rebuilt
 * from their exact decimal text with lttsync_transform_parse().
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "correct.h"

correct_config *correct_config_new(void)
{
	correct_config *c = g_new0(correct_config, 1);

	c->by_host = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)lttsync_transform_destroy);
	return c;
}

void correct_config_free(correct_config *config)
{
	if (!config)
		return;
	g_hash_table_destroy(config->by_host);
	g_free(config->host);
	lttsync_transform_destroy(config->fixed);
	g_free(config);
}

const lttsync_transform *
correct_config_lookup(const correct_config *config,
			    const char *hostname)
{
	const char *name = config->host ? config->host : hostname;
	const lttsync_transform *tf;
	char *valid;

	if (config->fixed)
		return config->fixed;
	if (!name)
		return NULL;
	if (g_utf8_validate(name, -1, NULL))
		return g_hash_table_lookup(config->by_host, name);
	/* JSON holds only UTF-8: lttsync's report writes each byte of a
	 * name that is not UTF-8 as U+FFFD, and so does this lookup. */
	valid = g_utf8_make_valid(name, -1);
	tf = g_hash_table_lookup(config->by_host, valid);
	g_free(valid);
	return tf;
}

static bool fail(char *err, size_t size, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static bool fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return false;
}

/* Parse and store one host's transform; pivot "0" + offset is allowed. */
static bool add_host(correct_config *config, const char *host,
		     const char *slope, const char *pivot, const char *pivot_ref,
		     char *err, size_t size)
{
	lttsync_transform *tf = NULL;
	lttsync_status st = lttsync_transform_parse(&tf, slope, pivot, pivot_ref);

	if (st)
		return fail(err, size,
			    "host `%s`: bad transform (slope `%s`, pivot `%s`, "
			    "pivot-ref `%s`): %s",
			    host, slope, pivot, pivot_ref, lttsync_status_string(st));
	g_hash_table_replace(config->by_host, g_strdup(host), tf);
	return true;
}

/* ---- from a JSON report ---------------------------------------------------- */

/* The string member `name` of o, or NULL if absent or not a string. */
static const char *json_string(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

static const char *const transform_members[] = { "slope", "pivot_ns",
						 "pivot_ref_ns", NULL };

/* Is member `name` of o present but not a string? */
static bool not_string(JsonObject *o, const char *name)
{
	JsonNode *n = json_object_get_member(o, name);

	return n && !JSON_NODE_HOLDS_NULL(n) &&
	       (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING);
}

/* Segment k of a report's "segments": its line and its start. */
static bool parse_segment(JsonArray *a, guint k, lttsync_transform **line,
			  int64_t *from)
{
	JsonNode *n = json_array_get_element(a, k), *f;
	JsonObject *o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
	const char *slope = o ? json_string(o, "slope") : NULL;
	const char *offset = o ? json_string(o, "offset_ns") : NULL;

	f = o ? json_object_get_member(o, "from_ns") : NULL;
	if (!slope || !offset || !f)
		return false;
	if (k == 0)
		*from = INT64_MIN;
	else if (JSON_NODE_HOLDS_VALUE(f) &&
		 json_node_get_value_type(f) == G_TYPE_INT64)
		*from = json_node_get_int(f);
	else
		return false;
	return lttsync_transform_parse(line, slope, "0", offset) == LTTSYNC_OK;
}

/* A host whose transform has several segments (piecewise-linear). */
static bool add_segments(correct_config *config, const char *host,
			 JsonArray *a, const char *path, char *err, size_t size)
{
	guint n = json_array_get_length(a), k;
	lttsync_transform **lines = g_new0(lttsync_transform *, n);
	int64_t *from = g_new0(int64_t, n);
	lttsync_transform *tf = NULL;
	lttsync_status st = LTTSYNC_ERROR_INVALID_ARGUMENT;

	for (k = 0; k < n; k++)
		if (!parse_segment(a, k, &lines[k], &from[k]))
			break;
	if (k == n)
		st = lttsync_transform_join(&tf, (const lttsync_transform *const *)lines,
					    from, n);
	for (guint i = 0; i < n; i++)
		lttsync_transform_destroy(lines[i]);
	g_free(lines);
	g_free(from);
	if (st)
		return fail(err, size, "%s: host `%s`: bad segment %u: %s", path,
			    host, k, lttsync_status_string(st));
	g_hash_table_replace(config->by_host, g_strdup(host), tf);
	return true;
}

/* One element of "hosts"; hosts without a transform are skipped. */
static bool report_host(correct_config *config, JsonNode *node,
			const char *path, char *err, size_t size)
{
	JsonObject *o = JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
	const char *host = o ? json_string(o, "host") : NULL;
	const char *slope, *pivot, *pivot_ref;

	if (!host)
		return fail(err, size, "%s: a host without a `host` name", path);
	slope = json_string(o, "slope");
	pivot = json_string(o, "pivot_ns");
	pivot_ref = json_string(o, "pivot_ref_ns");
	if (!slope && !pivot && !pivot_ref && !not_string(o, "slope") &&
	    !not_string(o, "pivot_ns") && !not_string(o, "pivot_ref_ns"))
		return true; /* unsynchronized: no transform */
	for (const char *const *m = transform_members; *m; m++)
		if (not_string(o, *m))
			return fail(err, size, "%s: host `%s`: `%s` is not a string "
				    "(lttsync writes it as a string: a JSON number "
				    "would lose digits)", path, host, *m);
	if (!slope || !pivot || !pivot_ref)
		return fail(err, size,
			    "%s: host `%s` lacks slope, pivot_ns or pivot_ref_ns", path, host);
	/* Two transforms for one name: which one is meant is unknown. */
	if (g_hash_table_contains(config->by_host, host))
		return fail(err, size, "%s: host `%s` appears twice", path, host);
	if (json_object_has_member(o, "segments") &&
	    JSON_NODE_HOLDS_ARRAY(json_object_get_member(o, "segments")) &&
	    json_array_get_length(json_object_get_array_member(o, "segments")) > 1)
		return add_segments(config, host,
				    json_object_get_array_member(o, "segments"),
				    path, err, size);
	return add_host(config, host, slope, pivot, pivot_ref, err, size);
}

/* A report of a million hosts takes about 200 MiB of JSON. */
#define REPORT_MAX ((size_t)512 << 20)

/*
 * The report's bytes, at most REPORT_MAX: a path such as /dev/zero or a
 * FIFO that never ends must not grow memory without bound.
 */
static char *read_report(const char *path, size_t *len, char *err, size_t size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (!f) {
		fail(err, size, "report `%s`: %s", path, g_strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			if (cap >= REPORT_MAX) {
				fail(err, size, "report `%s`: larger than %zu MiB "
				     "(not an lttsync report?)", path, REPORT_MAX >> 20);
				g_free(buf);
				fclose(f);
				return NULL;
			}
			cap = cap ? cap * 2 : 65536;
			buf = g_realloc(buf, cap);
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	if (ferror(f)) {
		fail(err, size, "report `%s`: %s", path, g_strerror(errno));
		g_free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static bool load_report(correct_config *config, const char *path,
			char *err, size_t size)
{
	JsonParser *parser = json_parser_new();
	GError *error = NULL;
	JsonNode *root, *hosts;
	bool ok = false;
	size_t len = 0;
	char *text = read_report(path, &len, err, size);

	if (!text)
		goto out;
	if (!json_parser_load_from_data(parser, text, (gssize)len, &error)) {
		fail(err, size, "report `%s`: %s", path, error->message);
		g_error_free(error);
		g_free(text);
		goto out;
	}
	g_free(text);
	root = json_parser_get_root(parser);
	hosts = root && JSON_NODE_HOLDS_OBJECT(root)
			? json_object_get_member(json_node_get_object(root), "hosts")
			: NULL;
	if (!hosts || !JSON_NODE_HOLDS_ARRAY(hosts)) {
		fail(err, size, "report `%s`: no `hosts` array (not an lttsync JSON report?)",
		     path);
		goto out;
	}
	ok = true;
	for (guint i = 0; ok && i < json_array_get_length(json_node_get_array(hosts)); i++)
		ok = report_host(config, json_array_get_element(json_node_get_array(hosts), i),
				 path, err, size);
out:
	g_object_unref(parser);
	return ok;
}

/* ---- from parameters --------------------------------------------------------- */

/* A parameter number or string as text: strings keep every digit. */
static bool value_text(const bt_value *v, char *buf, size_t size)
{
	if (!v)
		return false;
	if (bt_value_is_string(v))
		snprintf(buf, size, "%s", bt_value_string_get(v));
	else if (bt_value_is_signed_integer(v))
		snprintf(buf, size, "%" PRId64, bt_value_integer_signed_get(v));
	else if (bt_value_is_unsigned_integer(v))
		snprintf(buf, size, "%" PRIu64, bt_value_integer_unsigned_get(v));
	else if (bt_value_is_real(v))
		snprintf(buf, size, "%.17g", bt_value_real_get(v));
	else
		return false;
	return true;
}

typedef struct params_ctx {
	correct_config *config;
	char *err;
	size_t size;
} params_ctx;

static bt_value_map_foreach_entry_const_func_status
param_host(const char *host, const bt_value *v, void *user)
{
	params_ctx *p = user;
	char slope[128], pivot[64] = "0", ref[128];
	const bt_value *offset = bt_value_is_map(v)
		? bt_value_map_borrow_entry_value_const(v, "offset") : NULL;
	bool ok;

	if (!bt_value_is_map(v) ||
	    !value_text(bt_value_map_borrow_entry_value_const(v, "slope"), slope, sizeof(slope)))
		ok = fail(p->err, p->size, "transforms: host `%s` needs a map with `slope`", host);
	else if (offset)
		ok = value_text(offset, ref, sizeof(ref)) &&
		     add_host(p->config, host, slope, pivot, ref, p->err, p->size);
	else
		ok = value_text(bt_value_map_borrow_entry_value_const(v, "pivot"), pivot,
				sizeof(pivot)) &&
		     value_text(bt_value_map_borrow_entry_value_const(v, "pivot-ref"), ref,
				sizeof(ref)) &&
		     add_host(p->config, host, slope, pivot, ref, p->err, p->size);
	if (!ok && !p->err[0])
		fail(p->err, p->size,
		     "transforms: host `%s` needs `offset`, or `pivot` and `pivot-ref`", host);
	return ok ? BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_OK
		  : BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_INTERRUPT;
}

static bt_value_map_foreach_entry_const_func_status
check_key(const char *key, const bt_value *v, void *user)
{
	params_ctx *p = user;

	(void)v;
	if (!strcmp(key, "report") || !strcmp(key, "transforms") || !strcmp(key, "host"))
		return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_OK;
	fail(p->err, p->size,
	     "unknown parameter `%s` (expected report, transforms, host)", key);
	return BT_VALUE_MAP_FOREACH_ENTRY_CONST_FUNC_STATUS_INTERRUPT;
}

static bool string_param(const bt_value *params, const char *name,
			 const char **out, char *err, size_t size)
{
	const bt_value *v = bt_value_map_borrow_entry_value_const(params, name);

	*out = NULL;
	if (!v)
		return true;
	if (!bt_value_is_string(v))
		return fail(err, size, "parameter `%s` must be a string", name);
	*out = bt_value_string_get(v);
	return true;
}

bool correct_config_from_params(correct_config *config,
				      const bt_value *params, char *err,
				      size_t err_size)
{
	params_ctx p = { config, err, err_size };
	const bt_value *transforms;
	const char *report, *host;

	err[0] = '\0';
	if (!params || !bt_value_is_map(params))
		return fail(err, err_size, "parameters must be a map");
	if (bt_value_map_foreach_entry_const(params, check_key, &p) ||
	    !string_param(params, "report", &report, err, err_size) ||
	    !string_param(params, "host", &host, err, err_size))
		return false;
	if (report && !load_report(config, report, err, err_size))
		return false;
	transforms = bt_value_map_borrow_entry_value_const(params, "transforms");
	if (transforms && !bt_value_is_map(transforms))
		return fail(err, err_size, "parameter `transforms` must be a map");
	if (transforms && bt_value_map_foreach_entry_const(transforms, param_host, &p))
		return false;
	config->host = g_strdup(host);
	if (!g_hash_table_size(config->by_host))
		return fail(err, err_size,
			    "no transform: give `report` (an lttsync JSON report) "
			    "or `transforms`");
	return true;
}
