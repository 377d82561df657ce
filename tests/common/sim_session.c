/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include <criterion/criterion.h>

#include "sim_session.h"

lttsync_session *sim_session_new(size_t hosts, int segments)
{
	lttsync_session *s;
	lttsync_host_id id;
	char name[32];

	cr_assert_eq(lttsync_session_create(&s), LTTSYNC_OK);
	cr_assert_eq(lttsync_session_set_segments(s, segments), LTTSYNC_OK);
	for (size_t h = 0; h < hosts; h++) {
		snprintf(name, sizeof(name), "host%zu", h);
		cr_assert_eq(lttsync_session_add_host(&id, s, name), LTTSYNC_OK);
		cr_assert_eq(id, h);
	}
	return s;
}

void sim_session_feed(lttsync_session *s, const sim_message *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(lttsync_session_feed_message(s, m[i].send_host,
							  m[i].send_ns,
							  m[i].recv_host,
							  m[i].recv_ns),
			     LTTSYNC_OK, "%s", lttsync_session_get_last_error(s));
}

lttsync_session *sim_session_of(const sim_message *m, size_t n, size_t hosts,
				int segments)
{
	lttsync_session *s = sim_session_new(hosts, segments);

	sim_session_feed(s, m, n);
	return s;
}
