/* SPDX-License-Identifier: MIT */
/*
 * Queries about the evidence: the matcher's counters, the messages of
 * each pair, the messages kept, and the pairs themselves. Each brings the
 * results up to date first (results.c), so that counters and hulls agree.
 */
#include <stdlib.h>
#include <string.h>

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

lttsync_status lsync_pair_at(lsync_pair **out, lttsync_session *s,
			     size_t index)
{
	lttsync_status st;

	if ((st = lsync_session_refresh(s)))
		return st;
	if (index >= s->evidence.pair_list->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no pair %zu (%u pairs)", index,
				   s->evidence.pair_list->len);
	*out = g_ptr_array_index(s->evidence.pair_list, index);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_get_pair(lttsync_host_id *out_a,
						lttsync_host_id *out_b,
						lttsync_session *s,
						size_t index)
{
	lttsync_status st;
	lsync_pair *pair;

	LSYNC_INVALID_IF(s, !s || !out_a || !out_b);
	lsync_clear_error(s);
	if ((st = lsync_pair_at(&pair, s, index)))
		return st;
	*out_a = pair->a;
	*out_b = pair->b;
	return LTTSYNC_OK;
}

/* ---- kept messages with where they came from ------------------------- */

LTTSYNC_API lttsync_status lttsync_session_get_kept_match_count(size_t *out,
								lttsync_session *s)
{
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	lsync_clear_error(s);
	if ((st = lsync_session_refresh(s)))
		return st;
	*out = s->evidence.matches.len;
	return LTTSYNC_OK;
}

/* The fields of 0.2's lttsync_match, the smallest there will be. */
static void fill_match(lttsync_match *out, const lsync_kept_match *k)
{
	const lsync_match_detail *d = &k->detail;

	out->message = k->msg;
	out->send_trace = d->send_trace;
	out->recv_trace = d->recv_trace;
	out->has_packet = k->has_packet;
	out->family = d->family;
	out->has_ports = d->has_ports;
	out->flags = d->flags;
	out->src_port = d->src_port;
	out->dst_port = d->dst_port;
	out->seq = d->seq;
	out->ack_seq = d->ack_seq;
	memcpy(out->src_addr, d->src_addr, sizeof(out->src_addr));
	memcpy(out->dst_addr, d->dst_addr, sizeof(out->dst_addr));
}

LTTSYNC_API lttsync_status lttsync_session_get_kept_match(lttsync_match *out,
							  lttsync_session *s,
							  size_t index)
{
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s || !out);
	lsync_clear_error(s);
	if (out->struct_size < sizeof(lttsync_match))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "match not initialised with lttsync_match_init()");
	if ((st = lsync_session_refresh(s)))
		return st;
	if (index >= s->evidence.matches.len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no kept match %zu (%zu kept)", index,
				   s->evidence.matches.len);
	fill_match(out, &s->evidence.matches.m[index]);
	return LTTSYNC_OK;
}
