/* SPDX-License-Identifier: MIT */
/*
 * Marking a corrected trace (doc/correcting.md, "How a corrected trace is
 * marked"): its clocks get new UUIDs derived from the originals and the
 * transform, and its environment names the reference host and the
 * transform. Otherwise a corrected copy could not be told from its
 * original, and tools comparing clock UUIDs would take the two clocks
 * for one.
 *
 * The corrected trace's metadata, as sink.ctf.fs writes it (CTF 1.8
 * text: top-level blocks open with "NAME {" at the start of a line and
 * close with "};"), is rewritten in place: only the `uuid` line of each
 * `clock` block and the two `lttsync_*` entries of `env` change.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "correct.h"

/* Separates the hash's inputs from any other use of SHA-256. */
#define UUID_DOMAIN "lttsync corrected clock"

/* A segment's equation, never "+ -". */
static bool segment_equation(GString *out, const lttsync_transform *line)
{
	char eq[2 * LTTSYNC_FORMAT_SIZE];

	if (lttsync_transform_format(eq, sizeof(eq), line, LTTSYNC_FIELD_EQUATION))
		return false;
	g_string_append(out, eq);
	return true;
}

/*
 * Every segment of tf, twice: as the hash's input (start, slope and
 * offset of each, NUL-terminated) and as the environment's text
 * ("EQ; from START: EQ; ...").
 */
static bool describe(const lttsync_transform *tf, GChecksum *sum, GString *text)
{
	size_t n = lttsync_transform_get_segment_count(tf);
	char slope[2 * LTTSYNC_FORMAT_SIZE], offset[2 * LTTSYNC_FORMAT_SIZE], from[32];

	for (size_t k = 0; k < n; k++) {
		lttsync_transform *line;
		double width;
		int64_t start;
		bool ok;

		if (lttsync_transform_get_segment(&line, &start, &width, tf, k))
			return false;
		snprintf(from, sizeof(from), k ? "%" G_GINT64_FORMAT : "", start);
		ok = !lttsync_transform_format(slope, sizeof(slope), line, LTTSYNC_FIELD_SLOPE) &&
		     !lttsync_transform_format(offset, sizeof(offset), line,
					       LTTSYNC_FIELD_OFFSET);
		if (ok) {
			g_checksum_update(sum, (const guchar *)from, strlen(from) + 1);
			g_checksum_update(sum, (const guchar *)slope, strlen(slope) + 1);
			g_checksum_update(sum, (const guchar *)offset, strlen(offset) + 1);
			if (k)
				g_string_append_printf(text, "; from %s: ", from);
			ok = segment_equation(text, line);
		}
		lttsync_transform_destroy(line);
		if (!ok)
			return false;
	}
	return true;
}

/* "xxxxxxxx-xxxx-..." -> 16 bytes; false if it is not one. */
static bool parse_uuid(const char *s, uint8_t out[16])
{
	size_t k = 0;

	for (const char *c = s; *c && k < 32; c++) {
		if (*c == '-')
			continue;
		if (!g_ascii_isxdigit(*c) || !g_ascii_isxdigit(c[1]))
			return false;
		out[k / 2] = (uint8_t)(g_ascii_xdigit_value(c[0]) << 4 |
				       g_ascii_xdigit_value(c[1]));
		k += 2;
		c++;
	}
	return k == 32;
}

/*
 * The corrected clock's UUID: the first 16 bytes of SHA-256(UUID_DOMAIN,
 * NUL, the original's 16 bytes, the transform's segments as describe()
 * feeds them), with the version (8: a name-based UUID of another hash
 * than SHA-1, RFC 9562) and variant bits set.
 */
static bool derive_uuid(const uint8_t original[16], const lttsync_transform *tf,
			char out[37])
{
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	GString *unused = g_string_new(NULL);
	uint8_t digest[32], *u = digest;
	gsize len = sizeof(digest);
	bool ok;

	g_checksum_update(sum, (const guchar *)UUID_DOMAIN, sizeof(UUID_DOMAIN));
	g_checksum_update(sum, original, 16);
	ok = describe(tf, sum, unused);
	g_checksum_get_digest(sum, digest, &len);
	g_checksum_free(sum);
	g_string_free(unused, TRUE);
	if (!ok)
		return false;
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x80);
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return true;
}

/* A TSDL string literal's body: `"` and `\` escaped. */
static void append_quoted(GString *out, const char *s)
{
	g_string_append_c(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}

static void append_entries(GString *out, const char *reference, const char *text)
{
	g_string_append(out, "\tlttsync_reference = ");
	append_quoted(out, reference);
	g_string_append(out, ";\n\tlttsync_transform = ");
	append_quoted(out, text);
	g_string_append(out, ";\n");
}

/* The clock's `uuid = "..."` line with the UUID derived from `line`'s,
 * or, line NULL (a clock without a UUID), from 16 zero bytes. */
static bool new_uuid_line(GString *out, const char *line,
			  const lttsync_transform *tf)
{
	const char *q = line ? strchr(line, '"') : NULL;
	uint8_t original[16] = { 0 };
	char uuid[37];

	if ((line && (!q || !parse_uuid(q + 1, original))) ||
	    !derive_uuid(original, tf, uuid))
		return false;
	g_string_append_printf(out, "\tuuid = \"%s\";\n", uuid);
	return true;
}

/* Whether `line` (after its indentation) starts with `key =`. */
static bool is_entry(const char *line, const char *key)
{
	size_t n = strlen(key);

	line += strspn(line, " \t");
	return !strncmp(line, key, n) && (line[n] == ' ' || line[n] == '=');
}

/* The rewritten metadata text; NULL with a reason in err. */
static GString *rewrite(const char *text, const char *reference,
			const lttsync_transform *tf, const char *env_text,
			char *err, size_t err_size)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);
	const char *block = "";
	bool has_env = false, has_uuid = false, ok = true;

	for (size_t i = 0; ok && lines[i]; i++) {
		const char *l = lines[i];

		if (!lines[i + 1] && !l[0])
			break; /* the text's final newline */
		if (!g_ascii_isspace(l[0]) && g_str_has_suffix(l, "{")) {
			block = l;
			has_uuid = false;
		}
		if (g_str_has_prefix(block, "clock ") && is_entry(l, "uuid")) {
			ok = new_uuid_line(out, l, tf);
			if (!ok)
				g_snprintf(err, err_size, "unexpected clock UUID line: %s", l);
			has_uuid = true;
			continue;
		}
		if (g_str_has_prefix(block, "clock ") && !has_uuid && !strcmp(l, "};") &&
		    !(ok = new_uuid_line(out, NULL, tf))) /* a clock without one gets one */
			g_snprintf(err, err_size, "cannot format the transform");
		if (g_str_has_prefix(block, "env ") &&
		    (is_entry(l, "lttsync_reference") || is_entry(l, "lttsync_transform")))
			continue; /* a corrected trace corrected again */
		if (g_str_has_prefix(block, "env ") && !strcmp(l, "};")) {
			append_entries(out, reference, env_text);
			has_env = true;
		}
		if (!strcmp(l, "};"))
			block = "";
		g_string_append(out, l);
		g_string_append_c(out, '\n');
	}
	g_strfreev(lines);
	if (ok && !has_env) {
		g_string_append(out, "\nenv {\n");
		append_entries(out, reference, env_text);
		g_string_append(out, "};\n");
	}
	if (!ok)
		g_string_free(out, TRUE);
	return ok ? out : NULL;
}

bool correct_mark_trace(const char *folder, const char *reference,
			const lttsync_transform *tf, char *err, size_t err_size)
{
	char *path = g_build_filename(folder, "metadata", NULL);
	char *tmp = g_strconcat(path, ".lttsync", NULL);
	GChecksum *unused = g_checksum_new(G_CHECKSUM_SHA256);
	GString *env_text = g_string_new(NULL), *out = NULL;
	gchar *text = NULL;
	GError *e = NULL;
	bool ok = describe(tf, unused, env_text);

	if (!ok)
		g_snprintf(err, err_size, "cannot format the transform");
	else if (!(ok = g_file_get_contents(path, &text, NULL, &e)))
		g_snprintf(err, err_size, "%s", e->message);
	else if (!g_str_has_prefix(text, "/* CTF 1.8"))
		/* A packetized (binary) metadata file is not sink.ctf.fs's. */
		ok = !g_snprintf(err, err_size, "%s: not a CTF 1.8 text metadata file", path);
	else if ((out = rewrite(text, reference, tf, env_text->str, err, err_size)) == NULL)
		ok = false;
	else if (!(ok = g_file_set_contents(tmp, out->str, (gssize)out->len, &e)))
		g_snprintf(err, err_size, "%s", e->message);
	else if (!(ok = g_rename(tmp, path) == 0))
		g_snprintf(err, err_size, "%s: %s", path, g_strerror(errno));
	if (e)
		g_error_free(e);
	if (out)
		g_string_free(out, TRUE);
	g_string_free(env_text, TRUE);
	g_checksum_free(unused);
	g_free(text);
	g_free(path);
	g_free(tmp);
	return ok;
}
