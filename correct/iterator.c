/* SPDX-License-Identifier: MIT */
/*
 * The message iterator of filter.lttsync.correct: one upstream iterator
 * per connected input port; each upstream's messages are corrected into a
 * queue; the output takes, each time, the queued message with the smallest
 * corrected time (a merge: the upstreams are each in time order, so the
 * output is too).
 *
 * Packet end times: lttng-modules up to at least 2.1 stamped a packet's end
 * after the next packet's first event (by about a microsecond in the scp
 * traces), which babeltrace2's muxer rejects. A packet end is therefore
 * held until the next message of its stream, and emitted at the earlier
 * of its own time and that message's (never before the stream's previous
 * message): each output stream is in time order. Other times are never
 * changed except through the transform.
 */
#include <inttypes.h>

#include "correct.h"

typedef struct queued {
	const bt_message *msg; /* owned */
	int64_t t;             /* corrected ns from origin, for the merge */
} queued;

typedef struct upstream {
	bt_message_iterator *it;
	GArray *ready;         /* of queued, consumed from `head` */
	guint head;
	bool ended;
	int64_t last;          /* time of the last message queued */
} upstream;

typedef struct stream_state {
	upstream *from;
	bool timed;                  /* its class has a default clock */
	correct_clock_map map;
	uint64_t last_value;         /* last clock value queued */
	int64_t last_t;
	const bt_message *held_end;  /* upstream packet end (owned), or NULL */
	uint64_t held_value;
	int64_t held_t;
} stream_state;

typedef struct correct_iter {
	bt_self_message_iterator *self;
	const correct_config *config;
	GPtrArray *upstreams;        /* of upstream * */
	GHashTable *streams;         /* const bt_stream * -> stream_state * */
} correct_iter;

/* ---- bookkeeping -------------------------------------------------------- */

static void queue_push(upstream *u, const bt_message *msg, int64_t t)
{
	queued q = { msg, t };

	g_array_append_val(u->ready, q);
	u->last = t;
}

static bool queue_empty(const upstream *u)
{
	return u->head >= u->ready->len;
}

static queued *queue_head(upstream *u)
{
	return &g_array_index(u->ready, queued, u->head);
}

static const bt_message *queue_pop(upstream *u)
{
	const bt_message *msg = queue_head(u)->msg;

	if (++u->head == u->ready->len) {
		g_array_set_size(u->ready, 0);
		u->head = 0;
	}
	return msg;
}

static void upstream_free(gpointer p)
{
	upstream *u = p;

	while (!queue_empty(u))
		bt_message_put_ref(queue_pop(u));
	g_array_free(u->ready, TRUE);
	bt_message_iterator_put_ref(u->it);
	g_free(u);
}

static void stream_state_free(gpointer p)
{
	stream_state *s = p;

	bt_message_put_ref(s->held_end);
	g_free(s);
}

/* ---- which stream, which transform ------------------------------------------ */

static const bt_stream *message_stream(const bt_message *msg)
{
	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		return bt_event_borrow_stream_const(bt_message_event_borrow_event_const(msg));
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		return bt_packet_borrow_stream_const(
			bt_message_packet_beginning_borrow_packet_const(msg));
	case BT_MESSAGE_TYPE_PACKET_END:
		return bt_packet_borrow_stream_const(bt_message_packet_end_borrow_packet_const(msg));
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return bt_message_stream_beginning_borrow_stream_const(msg);
	case BT_MESSAGE_TYPE_STREAM_END:
		return bt_message_stream_end_borrow_stream_const(msg);
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		return bt_message_discarded_events_borrow_stream_const(msg);
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		return bt_message_discarded_packets_borrow_stream_const(msg);
	default:
		return NULL;
	}
}

static const char *trace_hostname(const bt_trace *trace)
{
	const bt_value *v =
		bt_trace_borrow_environment_entry_value_by_name_const(trace, "hostname");

	return v && bt_value_is_string(v) ? bt_value_string_get(v) : NULL;
}

static stream_state *stream_state_new(correct_iter *ci, upstream *u,
				      const bt_stream *stream)
{
	const bt_trace *trace = bt_stream_borrow_trace_const(stream);
	const bt_clock_class *clock = bt_stream_class_borrow_default_clock_class_const(
		bt_stream_borrow_class_const(stream));
	const char *host = trace_hostname(trace);
	const lttsync_transform *xf = correct_config_lookup(ci->config, host);
	stream_state *s;

	if (clock && !xf && !host) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
			ci->self,
			"trace `%s` has no hostname in its environment: name its "
			"host with the `host` parameter",
			bt_trace_get_name(trace) && bt_trace_get_name(trace)[0]
				? bt_trace_get_name(trace) : "(unnamed)");
		return NULL;
	}
	if (clock && !xf) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
			ci->self,
			"trace `%s` (hostname `%s`): no transform for this host; "
			"name it with the `host` parameter or add it to the report",
			bt_trace_get_name(trace) ? bt_trace_get_name(trace) : "?",
			host);
		return NULL;
	}
	s = g_new0(stream_state, 1);
	s->from = u;
	s->timed = clock != NULL;
	s->last_t = INT64_MIN;
	if (clock)
		correct_clock_map_init(&s->map, clock, xf);
	g_hash_table_insert(ci->streams, (gpointer)stream, s);
	return s;
}

static stream_state *stream_state_of(correct_iter *ci, upstream *u,
				     const bt_stream *stream)
{
	stream_state *s = g_hash_table_lookup(ci->streams, stream);

	return s ? s : stream_state_new(ci, u, stream);
}

/* ---- correcting one message ----------------------------------------------- */

/*
 * The message's snapshots (at most two); returns how many are known.
 * Stream boundaries may have none; discarded items have two or none.
 */
static int message_snapshots(const bt_message *msg, const bt_clock_snapshot *cs[2])
{
	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		cs[0] = bt_message_event_borrow_default_clock_snapshot_const(msg);
		return 1;
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
		if (!bt_stream_class_packets_have_beginning_default_clock_snapshot(
			    bt_stream_borrow_class_const(message_stream(msg))))
			return 0;
		cs[0] = bt_message_packet_beginning_borrow_default_clock_snapshot_const(msg);
		return 1;
	case BT_MESSAGE_TYPE_PACKET_END:
		if (!bt_stream_class_packets_have_end_default_clock_snapshot(
			    bt_stream_borrow_class_const(message_stream(msg))))
			return 0;
		cs[0] = bt_message_packet_end_borrow_default_clock_snapshot_const(msg);
		return 1;
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		return bt_message_stream_beginning_borrow_default_clock_snapshot_const(msg, &cs[0]) ==
		       BT_MESSAGE_STREAM_CLOCK_SNAPSHOT_STATE_KNOWN;
	case BT_MESSAGE_TYPE_STREAM_END:
		return bt_message_stream_end_borrow_default_clock_snapshot_const(msg, &cs[0]) ==
		       BT_MESSAGE_STREAM_CLOCK_SNAPSHOT_STATE_KNOWN;
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
		if (!bt_stream_class_discarded_events_have_default_clock_snapshots(
			    bt_stream_borrow_class_const(message_stream(msg))))
			return 0;
		cs[0] = bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const(msg);
		cs[1] = bt_message_discarded_events_borrow_end_default_clock_snapshot_const(msg);
		return 2;
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		if (!bt_stream_class_discarded_packets_have_default_clock_snapshots(
			    bt_stream_borrow_class_const(message_stream(msg))))
			return 0;
		cs[0] = bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const(msg);
		cs[1] = bt_message_discarded_packets_borrow_end_default_clock_snapshot_const(msg);
		return 2;
	default:
		return 0;
	}
}

/* Corrected ns of a corrected value: for the merge only. */
static int64_t corrected_ns(const stream_state *s, uint64_t value)
{
	__int128 t = (__int128)s->map.offset_s * 1000000000 +
		     ((__int128)s->map.offset_cycles + value) * 1000000000 /
			     (s->map.frequency ? s->map.frequency : 1);

	return t > INT64_MAX ? INT64_MAX : (int64_t)t;
}

/* Queue the held packet end of s, no later than (value, t). */
static bool release_held_end(correct_iter *ci, stream_state *s, bool bounded,
			     uint64_t value, int64_t t)
{
	uint64_t v[2];
	bt_message *copy;

	if (!s->held_end)
		return true;
	v[0] = v[1] = s->held_value;
	if (bounded && value < v[0]) {
		v[0] = v[1] = value > s->last_value ? value : s->last_value;
		s->held_t = t > s->last_t ? t : s->last_t;
	}
	copy = correct_copy_message(ci->self, s->held_end, v);
	bt_message_put_ref(s->held_end);
	s->held_end = NULL;
	if (!copy)
		return false;
	queue_push(s->from, copy, s->held_t);
	s->last_value = v[0];
	s->last_t = s->held_t;
	return true;
}

static bool correct_timed(correct_iter *ci, upstream *u, stream_state *s,
			  const bt_message *msg)
{
	const bt_clock_snapshot *cs[2] = { NULL, NULL };
	int known = message_snapshots(msg, cs);
	uint64_t v[2] = { 0, 0 };
	int64_t t = u->last;
	bt_message *copy;

	for (int i = 0; i < known; i++)
		if (!correct_clock_map_value(&s->map, cs[i], ci->self, &v[i]))
			return false;
	if (known)
		t = corrected_ns(s, v[0]);
	if (!release_held_end(ci, s, known > 0, v[0], t))
		return false;
	if (bt_message_get_type(msg) == BT_MESSAGE_TYPE_PACKET_END && known) {
		s->held_end = msg;
		bt_message_get_ref(msg);
		s->held_value = v[0];
		s->held_t = t;
		return true;
	}
	if (!(copy = correct_copy_message(ci->self, msg, v)))
		return false;
	queue_push(u, copy, t);
	if (known) {
		s->last_value = v[known - 1];
		s->last_t = t;
	}
	return true;
}

/* Correct one upstream message into u's queue; takes msg's reference. */
static bool correct_message(correct_iter *ci, upstream *u, const bt_message *msg)
{
	const bt_stream *stream = message_stream(msg);
	bool ends = bt_message_get_type(msg) == BT_MESSAGE_TYPE_STREAM_END;
	stream_state *s;
	bool ok;

	/* Inactivity messages promise "nothing before T" for a clock we may
	 * not know; they are hints, dropped rather than mistranslated. */
	if (!stream) {
		bt_message_put_ref(msg);
		return true;
	}
	if (!(s = stream_state_of(ci, u, stream))) {
		bt_message_put_ref(msg);
		return false;
	}
	if (!s->timed) {
		queue_push(u, msg, u->last);
		return true;
	}
	ok = correct_timed(ci, u, s, msg);
	bt_message_put_ref(msg);
	if (ok && ends)
		g_hash_table_remove(ci->streams, stream);
	return ok;
}

/* ---- pulling and merging ---------------------------------------------------- */

/* Queue the held packet ends of u's streams (its upstream ended). */
static bool flush_upstream(correct_iter *ci, upstream *u)
{
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, ci->streams);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		stream_state *s = value;

		if (s->from == u && !release_held_end(ci, s, false, 0, 0))
			return false;
	}
	return true;
}

/* Pull from u until something is queued or it ended. */
static bt_message_iterator_class_next_method_status
fill(correct_iter *ci, upstream *u)
{
	bt_message_array_const msgs;
	uint64_t n = 0, i;

	while (queue_empty(u) && !u->ended) {
		switch (bt_message_iterator_next(u->it, &msgs, &n)) {
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
			break;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
			u->ended = true;
			if (!flush_upstream(ci, u))
				return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
			continue;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
			return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_AGAIN;
		case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
			return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_MEMORY_ERROR;
		default:
			return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
		}
		for (i = 0; i < n; i++)
			if (!correct_message(ci, u, msgs[i]))
				break;
		if (i < n) {
			while (++i < n)
				bt_message_put_ref(msgs[i]);
			return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_ERROR;
		}
	}
	return BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK;
}

/* The upstream whose queued head is earliest, filling queues; NULL with
 * *status set when one cannot say yet (AGAIN, error) or all ended. */
static upstream *earliest(correct_iter *ci,
			  bt_message_iterator_class_next_method_status *status)
{
	upstream *best = NULL;

	*status = BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END;
	for (guint i = 0; i < ci->upstreams->len; i++) {
		upstream *u = g_ptr_array_index(ci->upstreams, i);
		bt_message_iterator_class_next_method_status st = fill(ci, u);

		if (st != BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK) {
			*status = st;
			return NULL;
		}
		if (!queue_empty(u) && (!best || queue_head(u)->t < queue_head(best)->t))
			best = u;
	}
	return best;
}

bt_message_iterator_class_next_method_status
correct_iterator_next(bt_self_message_iterator *self,
			    bt_message_array_const msgs, uint64_t capacity,
			    uint64_t *count)
{
	correct_iter *ci = bt_self_message_iterator_get_data(self);
	bt_message_iterator_class_next_method_status st =
		BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK;
	upstream *u = NULL;

	*count = 0;
	while (*count < capacity && (u = earliest(ci, &st)))
		msgs[(*count)++] = queue_pop(u);
	if (u || *count == 0 || st == BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_END ||
	    st == BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_AGAIN)
		return *count ? BT_MESSAGE_ITERATOR_CLASS_NEXT_METHOD_STATUS_OK : st;
	/* An error after some messages: the graph stops, they are dropped. */
	while (*count)
		bt_message_put_ref(msgs[--*count]);
	return st;
}

/* ---- life cycle --------------------------------------------------------- */

static bool port_connected(bt_self_component_port_input *port)
{
	return bt_port_is_connected(bt_self_component_port_as_port(
		bt_self_component_port_input_as_self_component_port(port)));
}

static bt_message_iterator_class_initialize_method_status
add_upstreams(correct_iter *ci, bt_self_component_filter *comp)
{
	uint64_t n = bt_component_filter_get_input_port_count(
		bt_self_component_filter_as_component_filter(comp));

	for (uint64_t i = 0; i < n; i++) {
		bt_self_component_port_input *port =
			bt_self_component_filter_borrow_input_port_by_index(comp, i);
		upstream *u;

		if (!port_connected(port))
			continue;
		u = g_new0(upstream, 1);
		u->ready = g_array_new(FALSE, FALSE, sizeof(queued));
		u->last = INT64_MIN;
		g_ptr_array_add(ci->upstreams, u);
		switch (bt_message_iterator_create_from_message_iterator(ci->self, port,
									 &u->it)) {
		case BT_MESSAGE_ITERATOR_CREATE_FROM_MESSAGE_ITERATOR_STATUS_OK:
			break;
		case BT_MESSAGE_ITERATOR_CREATE_FROM_MESSAGE_ITERATOR_STATUS_MEMORY_ERROR:
			return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
		default:
			return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
		}
	}
	return BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK;
}

static void correct_iter_free(correct_iter *ci)
{
	/* Streams first: their held messages reference upstream objects. */
	g_hash_table_destroy(ci->streams);
	g_ptr_array_free(ci->upstreams, TRUE);
	g_free(ci);
}

bt_message_iterator_class_initialize_method_status
correct_iterator_initialize(bt_self_message_iterator *self,
				  bt_self_message_iterator_configuration *configuration,
				  bt_self_component_port_output *port)
{
	bt_self_component_filter *comp = (bt_self_component_filter *)
		bt_self_message_iterator_borrow_component(self);
	correct_iter *ci = g_new0(correct_iter, 1);
	bt_message_iterator_class_initialize_method_status st;

	(void)configuration;
	(void)port;
	ci->self = self;
	ci->config = correct_component_config(comp);
	ci->upstreams = g_ptr_array_new_with_free_func(upstream_free);
	ci->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					    stream_state_free);
	st = add_upstreams(ci, comp);
	if (st != BT_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD_STATUS_OK) {
		correct_iter_free(ci);
		return st;
	}
	bt_self_message_iterator_set_data(self, ci);
	return st;
}

void correct_iterator_finalize(bt_self_message_iterator *self)
{
	correct_iter *ci = bt_self_message_iterator_get_data(self);

	if (ci)
		correct_iter_free(ci);
}
