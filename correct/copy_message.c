/* SPDX-License-Identifier: MIT */
/*
 * New messages equal to upstream ones except for their clock snapshot
 * values. The upstream stream and packet objects are reused as they are:
 * only the times change, so the trace, its classes, streams and packets
 * (with their context fields) stay the upstream's own.
 */
#include "correct.h"

static bool stream_has_clock(const bt_stream *stream)
{
	return bt_stream_class_borrow_default_clock_class_const(
		       bt_stream_borrow_class_const(stream)) != NULL;
}

static bt_message *copy_event(bt_self_message_iterator *self,
			      const bt_message *msg, uint64_t value)
{
	const bt_event *ev = bt_message_event_borrow_event_const(msg);
	const bt_event_class *ec = bt_event_borrow_class_const(ev);
	const bt_packet *packet = bt_event_borrow_packet_const(ev);
	const bt_stream *stream = bt_event_borrow_stream_const(ev);
	bool clock = stream_has_clock(stream);
	bt_message *out;
	bt_event *copy;

	if (packet)
		out = clock ? bt_message_event_create_with_packet_and_default_clock_snapshot(
				      self, ec, packet, value)
			    : bt_message_event_create_with_packet(self, ec, packet);
	else
		out = clock ? bt_message_event_create_with_default_clock_snapshot(
				      self, ec, stream, value)
			    : bt_message_event_create(self, ec, stream);
	if (!out)
		return NULL;
	copy = bt_message_event_borrow_event(out);
	if (correct_copy_field(bt_event_borrow_common_context_field(copy),
			     bt_event_borrow_common_context_field_const(ev)) &&
	    correct_copy_field(bt_event_borrow_specific_context_field(copy),
			     bt_event_borrow_specific_context_field_const(ev)) &&
	    correct_copy_field(bt_event_borrow_payload_field(copy),
			     bt_event_borrow_payload_field_const(ev)))
		return out;
	bt_message_put_ref(out);
	return NULL;
}

static bt_message *copy_packet_boundary(bt_self_message_iterator *self,
					const bt_message *msg, uint64_t value)
{
	bool begin = bt_message_get_type(msg) == BT_MESSAGE_TYPE_PACKET_BEGINNING;
	const bt_packet *p = begin ? bt_message_packet_beginning_borrow_packet_const(msg)
				   : bt_message_packet_end_borrow_packet_const(msg);
	const bt_stream_class *sc =
		bt_stream_borrow_class_const(bt_packet_borrow_stream_const(p));
	bool timed = begin ? bt_stream_class_packets_have_beginning_default_clock_snapshot(sc)
			   : bt_stream_class_packets_have_end_default_clock_snapshot(sc);

	if (begin)
		return timed ? bt_message_packet_beginning_create_with_default_clock_snapshot(
				       self, p, value)
			     : bt_message_packet_beginning_create(self, p);
	return timed ? bt_message_packet_end_create_with_default_clock_snapshot(self, p, value)
		     : bt_message_packet_end_create(self, p);
}

/* Stream beginning and end: the snapshot is optional per message. */
static bt_message *copy_stream_boundary(bt_self_message_iterator *self,
					const bt_message *msg, uint64_t value)
{
	bool begin = bt_message_get_type(msg) == BT_MESSAGE_TYPE_STREAM_BEGINNING;
	const bt_clock_snapshot *cs = NULL;
	const bt_stream *stream;
	bt_message *out;
	bool known;

	if (begin) {
		stream = bt_message_stream_beginning_borrow_stream_const(msg);
		known = stream_has_clock(stream) &&
			bt_message_stream_beginning_borrow_default_clock_snapshot_const(msg, &cs) ==
				BT_MESSAGE_STREAM_CLOCK_SNAPSHOT_STATE_KNOWN;
		out = bt_message_stream_beginning_create(self, stream);
		if (out && known)
			bt_message_stream_beginning_set_default_clock_snapshot(out, value);
		return out;
	}
	stream = bt_message_stream_end_borrow_stream_const(msg);
	known = stream_has_clock(stream) &&
		bt_message_stream_end_borrow_default_clock_snapshot_const(msg, &cs) ==
			BT_MESSAGE_STREAM_CLOCK_SNAPSHOT_STATE_KNOWN;
	out = bt_message_stream_end_create(self, stream);
	if (out && known)
		bt_message_stream_end_set_default_clock_snapshot(out, value);
	return out;
}

static bt_message *copy_discarded(bt_self_message_iterator *self,
				  const bt_message *msg, const uint64_t values[2])
{
	bool events = bt_message_get_type(msg) == BT_MESSAGE_TYPE_DISCARDED_EVENTS;
	const bt_stream *stream =
		events ? bt_message_discarded_events_borrow_stream_const(msg)
		       : bt_message_discarded_packets_borrow_stream_const(msg);
	const bt_stream_class *sc = bt_stream_borrow_class_const(stream);
	bool timed = events ? bt_stream_class_discarded_events_have_default_clock_snapshots(sc)
			    : bt_stream_class_discarded_packets_have_default_clock_snapshots(sc);
	uint64_t count = 0;
	bt_message *out;

	if (events) {
		out = timed ? bt_message_discarded_events_create_with_default_clock_snapshots(
				      self, stream, values[0], values[1])
			    : bt_message_discarded_events_create(self, stream);
		if (out && bt_message_discarded_events_get_count(msg, &count) ==
				   BT_PROPERTY_AVAILABILITY_AVAILABLE)
			bt_message_discarded_events_set_count(out, count);
		return out;
	}
	out = timed ? bt_message_discarded_packets_create_with_default_clock_snapshots(
			      self, stream, values[0], values[1])
		    : bt_message_discarded_packets_create(self, stream);
	if (out && bt_message_discarded_packets_get_count(msg, &count) ==
			   BT_PROPERTY_AVAILABILITY_AVAILABLE)
		bt_message_discarded_packets_set_count(out, count);
	return out;
}

bt_message *correct_copy_message(bt_self_message_iterator *self,
			       const bt_message *msg, const uint64_t values[2])
{
	bt_message *out = NULL;

	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		out = copy_event(self, msg, values[0]);
		break;
	case BT_MESSAGE_TYPE_PACKET_BEGINNING:
	case BT_MESSAGE_TYPE_PACKET_END:
		out = copy_packet_boundary(self, msg, values[0]);
		break;
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
	case BT_MESSAGE_TYPE_STREAM_END:
		out = copy_stream_boundary(self, msg, values[0]);
		break;
	case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
	case BT_MESSAGE_TYPE_DISCARDED_PACKETS:
		out = copy_discarded(self, msg, values);
		break;
	default:
		break;
	}
	if (!out)
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
			self, "cannot copy a message of type %d (out of memory?)",
			(int)bt_message_get_type(msg));
	return out;
}
