/* SPDX-License-Identifier: MIT */
/*
 * The filter's configuration: which transform applies to which host, from
 * the component's parameters or from a JSON report written by
 * `lttsync --format json` (loaded with lttsync_report_load()). Parameter
 * transforms are rebuilt from their decimal text with
 * lttsync_transform_parse().
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <stdarg.h>
#include <stdio.h>

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

/* Every host of the report that has a transform (lttsync_report_load()). */
static bool load_report(correct_config *config, const char *path,
			char *err, size_t size)
{
	lttsync_report *report = NULL;
	lttsync_status st = lttsync_report_load(&report, path);

	if (st)
		return fail(err, size, "%s", lttsync_report_get_last_error());
	for (size_t i = 0; !st && i < lttsync_report_get_host_count(report); i++) {
		const char *host = lttsync_report_get_host_name(report, i);
		lttsync_transform *tf = NULL;

		st = lttsync_report_get_host_transform(&tf, report, host);
		if (st == LTTSYNC_ERROR_NOT_AVAILABLE) {
			st = LTTSYNC_OK; /* unsynchronized: no transform */
			continue;
		}
		if (!st)
			g_hash_table_replace(config->by_host, g_strdup(host), tf);
	}
	if (st)
		fail(err, size, "report `%s`: %s", path, lttsync_report_get_last_error());
	lttsync_report_destroy(report);
	return st == LTTSYNC_OK;
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
