/* SPDX-License-Identifier: MIT */
/*
 * Queries about the evidence: the matcher's counters, the messages of
 * each pair, the messages kept, and the pairs themselves. Each brings the
 * results up to date first (results.c), so that counters and hulls agree.
 */
#include "session.h"

static uint64_t counter_value(lttsync_session *s, lttsync_counter c)
{
	const lsync_match_counters *mc = lsync_matcher_counters(s->evidence.matcher);

	switch (c) {
	case LTTSYNC_COUNTER_PACKETS: return mc->packets;
	case LTTSYNC_COUNTER_MATCHED: return mc->matched;
	case LTTSYNC_COUNTER_LOOPBACK: return mc->loopback;
	case LTTSYNC_COUNTER_AMBIGUOUS: return mc->ambiguous;
	case LTTSYNC_COUNTER_EVICTED: return mc->evicted;
	case LTTSYNC_COUNTER_PENDING: return lsync_matcher_pending(s->evidence.matcher);
	case LTTSYNC_COUNTER_LATE_REPEATS: return mc->late_repeats;
	case LTTSYNC_COUNTER_MESSAGES: return s->evidence.n_messages;
	case LTTSYNC_COUNTER_FLOW_MISMATCH: return mc->flow_mismatch;
	case LTTSYNC_COUNTER_OVER_LIMIT: return s->evidence.over_limit;
	}
	return 0;
}

LTTSYNC_API lttsync_status lttsync_session_get_counter(uint64_t *out,
						   lttsync_session *s,
						   lttsync_counter counter)
{
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((unsigned)counter > LTTSYNC_COUNTER_OVER_LIMIT)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "unknown counter %d", (int)counter);
	if ((st = lsync_session_refresh(s)))
		return st;
	*out = counter_value(s, counter);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_message_count(uint64_t *out,
							 lttsync_session *s,
							 lttsync_host_id send_host,
							 lttsync_host_id recv_host)
{
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = lsync_check_pair(s, send_host, recv_host)) ||
	    (st = lsync_session_refresh(s)))
		return st;
	pair = lsync_session_pair(s, send_host, recv_host);
	*out = pair ? lsync_pair_count(pair, send_host) : 0;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_kept_message_count(size_t *out,
							      lttsync_session *s,
							      lttsync_host_id a,
							      lttsync_host_id b)
{
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = lsync_check_pair(s, a, b)) || (st = lsync_session_refresh(s)))
		return st;
	pair = lsync_session_pair(s, a, b);
	*out = pair && pair->kept ? pair->kept->len : 0;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_kept_message(lttsync_message *out,
							lttsync_session *s,
							lttsync_host_id a,
							lttsync_host_id b,
							size_t index)
{
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out);
	if ((st = lsync_check_pair(s, a, b)) || (st = lsync_session_refresh(s)))
		return st;
	pair = lsync_session_pair(s, a, b);
	if (!pair || !pair->kept || index >= pair->kept->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no kept message %zu between these hosts",
				   index);
	*out = pair->kept->msg[index];
	return LTTSYNC_OK;
}

LTTSYNC_API size_t lttsync_session_get_pair_count(lttsync_session *s)
{
	if (!s || lsync_session_refresh(s))
		return s ? s->evidence.pair_list->len : 0;
	return s->evidence.pair_list->len;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair(lttsync_host_id *out_a,
						lttsync_host_id *out_b,
						lttsync_session *s,
						size_t index)
{
	lttsync_status st;
	const lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out_a || !out_b);
	lsync_clear_error(s);
	if ((st = lsync_session_refresh(s)))
		return st;
	if (index >= s->evidence.pair_list->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no pair %zu (%u pairs)", index,
				   s->evidence.pair_list->len);
	pair = g_ptr_array_index(s->evidence.pair_list, index);
	*out_a = pair->a;
	*out_b = pair->b;
	return LTTSYNC_OK;
}
