/* SPDX-License-Identifier: MIT */
/*
 * For tests/cli/test_plot.sh: the hull vertex counts of every pair of a
 * CSV of matched messages (send_host,send_ns,recv_host,recv_ns; lines
 * starting with '#' and a header line are skipped), straight from
 * lttsync_session_get_pair_hull(), one line per pair and direction:
 * FIRST SECOND DIRECTION COUNT.
 *
 * plot_hulls FILE [off] [HOST...]: "off" for no segments, as `lttsync
 * --segments off`; the HOSTs are declared first, in that order, so that
 * pairs have the same first host as in the session that wrote the page
 * (reversed, a pair's hulls may differ: two vertices at one y are one
 * vertex at one x).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lttsync/lttsync.h>

static int feed_line(lttsync_session *s, char *line)
{
	char *f[4], *save = NULL;
	lttsync_host_id from, to;
	int n = 0;

	for (char *t = strtok_r(line, ",\r\n", &save); t && n < 4;
	     t = strtok_r(NULL, ",\r\n", &save))
		f[n++] = t;
	if (n < 4 || line[0] == '#' || strcmp(f[1], "send_ns") == 0)
		return 0;
	if (lttsync_session_add_host(&from, s, f[0]) ||
	    lttsync_session_add_host(&to, s, f[2]))
		return -1;
	return lttsync_session_feed_message(s, from, strtoll(f[1], NULL, 10), to,
					    strtoll(f[3], NULL, 10)) ? -1 : 0;
}

static void print_pairs(lttsync_session *s)
{
	for (size_t i = 0; i < lttsync_session_get_pair_count(s); i++) {
		lttsync_host_id a, b;

		if (lttsync_session_get_pair(&a, &b, s, i))
			continue;
		for (int dir = 0; dir < 2; dir++) {
			size_t n = 0;

			if (lttsync_session_get_pair_hull(&n, NULL, 0, s, i,
							  (lttsync_pair_direction)dir))
				continue;
			printf("%s %s %d %zu\n", lttsync_session_get_host_name(s, a),
			       lttsync_session_get_host_name(s, b), dir, n);
		}
	}
}

int main(int argc, char **argv)
{
	lttsync_session *s;
	char line[4096];
	FILE *fp;
	int rc = 0;

	if (argc < 2 || !(fp = fopen(argv[1], "r")))
		return 1;
	if (lttsync_session_create(&s)) {
		fclose(fp);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		lttsync_host_id id;

		if (strcmp(argv[i], "off") == 0)
			lttsync_session_set_segments(s, 0);
		else if (lttsync_session_add_host(&id, s, argv[i]))
			rc = 1;
	}
	while (!rc && fgets(line, sizeof(line), fp))
		rc = feed_line(s, line);
	fclose(fp);
	if (!rc)
		print_pairs(s);
	lttsync_session_destroy(s);
	return rc ? 1 : 0;
}
