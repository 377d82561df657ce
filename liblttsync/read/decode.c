/* SPDX-License-Identifier: MIT */
/*
 * Reading one trace folder with libbabeltrace2 (decode.h).
 *
 * Graph: one source.ctf.fs component, and one simple sink per output port
 * (one port per stream), so every stream is read on its own and in its
 * own order: no muxer, which rejects real traces whose packets overlap.
 * All sinks share one per-trace context.
 *
 * Cost per event: one hash lookup keyed by the event class pointer says
 * whether the class is a network one (decided once per class, in
 * decode_fields.c); only network events have their payload read.
 *
 * addons flags come in two encodings told apart by the trace's own
 * values, so the first ADDONS_DECIDE_AFTER addons packets of a trace are
 * held back, the encoding is chosen on them, then they and every later
 * one are emitted converted. Memory stays bounded by that buffer.
 *
 * babeltrace2 state: its logging is silenced per component (never with
 * the global level, which would be global mutable state); its errors are
 * per thread, taken into our message and released before returning.
 */
#include "decode_internal.h"
#include "errors.h"
#include "ctf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#define ADDONS_DECIDE_AFTER 1024
#define PROGRESS_EVERY 65536 /* a power of two: a mask test per event */
#define MODULE_NAME "lttsync-decode"
/* How far (ns) one stream's packets may run ahead of another's. */
#define PACE_NS INT64_C(1000000)

typedef struct addons_item {
	lttsync_packet packet; /* flags still 0 */
	uint16_t raw;          /* the trace's flags value */
} addons_item;

/* addons packets held back until the trace's flags encoding is known. */
typedef struct addons_buffer {
	addons_item *items; /* ADDONS_DECIDE_AFTER, allocated on first use */
	size_t len;
	size_t plausible[2]; /* per lsync_addons_encoding */
	bool decided;
	lsync_addons_encoding enc;
} addons_buffer;

typedef struct trace_ctx trace_ctx;

/* One stream's sink, paced against the others (see consume()). */
typedef struct stream_sink {
	trace_ctx *ctx;
	int64_t last_ns;      /* its last packet's time; INT64_MIN before any */
	bool ended;
} stream_sink;

/* In front of `kinds`: a direct-mapped cache by class address. */
#define KIND_CACHE_SIZE 256

typedef struct kind_slot {
	const bt_event_class *ec;
	lsync_event_kind kind;
} kind_slot;

struct trace_ctx {
	const lsync_decode_callbacks *cb;
	lsync_decode_stats *stats;
	GHashTable *kinds;    /* event class -> kind_pack() of its kind */
	kind_slot kind_cache[KIND_CACHE_SIZE];
	lsync_plan_cache *plans; /* how this trace's payloads are read */
	addons_buffer addons;
	bool opened;          /* babeltrace2 accepted the trace */
	bool begun;           /* cb->begin was called */
	int stop;             /* non-zero: the status that stops reading */
	stream_sink *sinks;   /* one per stream */
	uint64_t n_sinks;
	stream_sink *current; /* the sink consuming now */
};

/* ---- messages ---------------------------------------------------------- */

/* Append "<sep><msg>" to err, which already holds `*used` characters. */
static void append_text(char *err, size_t size, size_t *used, const char *sep,
			const char *msg)
{
	int w;

	if (*used + 1 >= size)
		return;
	w = snprintf(err + *used, size - *used, "%s%s", sep, msg ? msg : "?");
	*used = w < 0 || *used + (size_t)w >= size ? size - 1 : *used + (size_t)w;
}

/*
 * Append babeltrace2's current error, if any, to err, then release it.
 * Causes come innermost first (index 0: the actual reason, e.g. "Failed
 * to index CTF stream file"). Only the components' causes are shown: the
 * library's own ("Component initialization method failed: status=ERROR,
 * comp-addr=...") repeat them with addresses; one is shown only when
 * there is nothing else.
 */
/*
 * A cause's text with the trace folder's absolute path `abs` (NULL: none)
 * made relative to it: babeltrace2 names the folder and each stream file
 * by absolute path, several times, which hid the reason of a trace deep
 * in the file system behind its path repeated.
 */
static char *relative_to(const char *msg, const char *abs)
{
	GString *out = g_string_new(NULL);
	size_t n = abs ? strlen(abs) : 0;
	const char *at;

	if (!msg)
		msg = "?";
	while (n && (at = strstr(msg, abs))) {
		g_string_append_len(out, msg, at - msg);
		msg = at + n;
		if (*msg == '/')
			msg++;
		else
			g_string_append_c(out, '.');
	}
	g_string_append(out, msg);
	return g_string_free(out, FALSE);
}

static void append_cause(char *err, size_t size, size_t *used, const char *sep,
			 const bt_error_cause *c, const char *abs)
{
	char *msg = relative_to(bt_error_cause_get_message(c), abs);

	append_text(err, size, used, sep, msg);
	g_free(msg);
}

/* append_bt_error() for the trace at `path`: paths inside it shortened. */
static void append_bt_error_in(char *err, size_t size, const char *path)
{
	const bt_error *e = bt_current_thread_take_error();
	char *abs = path ? realpath(path, NULL) : NULL;
	size_t used, shown = 0;
	uint64_t n;

	if (!e) {
		free(abs);
		return;
	}
	n = bt_error_get_cause_count(e);
	if (err && size) {
		used = strlen(err);
		for (uint64_t i = 0; i < n; i++) {
			const bt_error_cause *c = bt_error_borrow_cause_by_index(e, i);

			if (bt_error_cause_get_actor_type(c) != BT_ERROR_CAUSE_ACTOR_TYPE_UNKNOWN)
				append_cause(err, size, &used, shown++ ? "; " : ": ", c, abs);
		}
		if (!shown && n)
			append_cause(err, size, &used, ": ",
				     bt_error_borrow_cause_by_index(e, 0), abs);
	}
	bt_error_release(e);
	free(abs);
}

static void append_bt_error(char *err, size_t size)
{
	append_bt_error_in(err, size, NULL);
}

/* ---- emitting ---------------------------------------------------------- */

static void stop_on(trace_ctx *ctx, int status)
{
	if (status < 0 && !ctx->stop)
		ctx->stop = status;
}

/* Call cb->begin, once. */
static void begin_named(trace_ctx *ctx, const char *host)
{
	if (ctx->begun)
		return;
	ctx->begun = true;
	/* An empty name identifies nothing: the caller must supply one. */
	if (host && !*host)
		host = NULL;
	stop_on(ctx, ctx->cb->begin(ctx->cb->user, host));
}

/* Call cb->begin once, with the hostname of `stream`'s trace if any. */
static void begin_trace(trace_ctx *ctx, const bt_stream *stream)
{
	const bt_value *v;

	if (ctx->begun)
		return;
	if (ctx->cb->clock) {
		const bt_clock_class *cc =
			bt_stream_class_borrow_default_clock_class_const(
				bt_stream_borrow_class_const(stream));
		bt_uuid uuid = cc ? bt_clock_class_get_uuid(cc) : NULL;

		if (uuid)
			ctx->cb->clock(ctx->cb->user, uuid);
	}
	v = bt_trace_borrow_environment_entry_value_by_name_const(
		bt_stream_borrow_trace_const(stream), "hostname");
	begin_named(ctx, v && bt_value_is_string(v) ? bt_value_string_get(v) : NULL);
}

static void emit(trace_ctx *ctx, const lttsync_packet *p)
{
	if (ctx->stop)
		return;
	ctx->stats->packets++;
	stop_on(ctx, ctx->cb->packet(ctx->cb->user, p));
}

/* Choose the trace's addons encoding and emit the held-back packets. */
static void addons_flush(trace_ctx *ctx)
{
	addons_buffer *b = &ctx->addons;

	if (!b->decided) {
		b->decided = true;
		/* Ties go to A, the encoding of the only real traces known. */
		b->enc = b->plausible[LSYNC_ADDONS_B] > b->plausible[LSYNC_ADDONS_A]
				 ? LSYNC_ADDONS_B : LSYNC_ADDONS_A;
	}
	for (size_t i = 0; i < b->len; i++) {
		addons_item *it = &b->items[i];

		it->packet.flags = lsync_addons_canonical(it->raw, b->enc);
		emit(ctx, &it->packet);
	}
	free(b->items);
	b->items = NULL;
	b->len = 0;
}

static void addons_add(trace_ctx *ctx, lttsync_packet *p, uint16_t raw)
{
	addons_buffer *b = &ctx->addons;

	if (b->decided) {
		p->flags = lsync_addons_canonical(raw, b->enc);
		emit(ctx, p);
		return;
	}
	if (!b->items) {
		b->items = malloc(ADDONS_DECIDE_AFTER * sizeof(*b->items));
		if (!b->items) {
			stop_on(ctx, LTTSYNC_ERROR_NO_MEMORY);
			return;
		}
	}
	b->items[b->len].packet = *p;
	b->items[b->len].raw = raw;
	b->len++;
	b->plausible[LSYNC_ADDONS_A] += lsync_addons_plausible(raw, LSYNC_ADDONS_A);
	b->plausible[LSYNC_ADDONS_B] += lsync_addons_plausible(raw, LSYNC_ADDONS_B);
	if (b->len == ADDONS_DECIDE_AFTER)
		addons_flush(ctx);
}

/* ---- events ------------------------------------------------------------ */

/* Kinds are stored in the hash table as non-NULL pointers. */
static gpointer kind_pack(lsync_event_kind k)
{
	return GUINT_TO_POINTER(0x100u | (unsigned)k.layout << 1 |
				(unsigned)k.direction);
}

static lsync_event_kind kind_unpack(gpointer v)
{
	unsigned u = GPOINTER_TO_UINT(v);
	lsync_event_kind k = { (lsync_layout)((u & 0xff) >> 1),
			       (lttsync_direction)(u & 1) };

	return k;
}

/* The kind of every class met, decided once per class. */
static lsync_event_kind event_kind_slow(trace_ctx *ctx, const bt_event_class *ec)
{
	gpointer v = g_hash_table_lookup(ctx->kinds, ec);
	lsync_event_kind k;

	if (v)
		return kind_unpack(v);
	k = lsync_classify_event_class(ec);
	g_hash_table_insert(ctx->kinds, (gpointer)ec, kind_pack(k));
	return k;
}

/*
 * Once per event: a glib lookup cost about 2 % of a run on the typical
 * mix (ninety-five events in a hundred are not network events and cost
 * little else), a load and a compare cost nothing.
 */
static lsync_event_kind event_kind(trace_ctx *ctx, const bt_event_class *ec)
{
	kind_slot *slot = &ctx->kind_cache[((uintptr_t)ec >> 6) % KIND_CACHE_SIZE];

	if (slot->ec != ec) {
		slot->kind = event_kind_slow(ctx, ec);
		slot->ec = ec;
	}
	return slot->kind;
}

/* The event's time, ns from its clock's origin; false if it has none. */
static bool event_time(const bt_message *msg, int64_t *ns)
{
	if (!bt_message_event_borrow_stream_class_default_clock_class_const(msg))
		return false;
	if (bt_clock_snapshot_get_ns_from_origin(
		    bt_message_event_borrow_default_clock_snapshot_const(msg), ns) ==
	    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
		return true;
	/* It overflowed int64 and left an error on this thread: any later
	 * babeltrace2 call would abort() while it is set. */
	bt_current_thread_clear_error();
	return false;
}

/* Same as lttsync_packet_init(): kept here so the decoder links alone. */
static void packet_reset(lttsync_packet *p)
{
	memset(p, 0, sizeof(*p));
	p->struct_size = sizeof(*p);
}

static void count_result(lsync_decode_stats *s, lsync_field_result r)
{
	switch (r) {
	case LSYNC_FIELDS_NO_HEADER: s->no_header++; break;
	case LSYNC_FIELDS_NOT_TCP: s->not_tcp++; break;
	case LSYNC_FIELDS_MALFORMED: s->malformed++; break;
	case LSYNC_FIELDS_PACKET: break;
	}
}

static void network_event(trace_ctx *ctx, const bt_message *msg,
			  const bt_event *ev, lsync_event_kind k)
{
	lttsync_packet p;
	uint16_t raw = 0;
	lsync_field_result r;

	ctx->stats->network_events++;
	packet_reset(&p);
	p.direction = k.direction;
	r = lsync_decode_payload(ctx->plans, k.layout,
				 bt_event_borrow_payload_field_const(ev),
				 &p, &raw);
	if (r == LSYNC_FIELDS_PACKET && !event_time(msg, &p.timestamp_ns))
		r = LSYNC_FIELDS_MALFORMED;
	count_result(ctx->stats, r);
	if (r != LSYNC_FIELDS_PACKET)
		return;
	ctx->current->last_ns = p.timestamp_ns;
	if (k.layout == LSYNC_LAYOUT_ADDONS)
		addons_add(ctx, &p, raw);
	else
		emit(ctx, &p);
}

static void handle_event(trace_ctx *ctx, const bt_message *msg)
{
	const bt_event *ev = bt_message_event_borrow_event_const(msg);
	lsync_event_kind k;

	if (!ctx->begun) /* a stream's beginning comes first: never, in fact */
		begin_trace(ctx, bt_event_borrow_stream_const(ev));
	ctx->stats->events++;
	if ((ctx->stats->events & (PROGRESS_EVERY - 1)) == 0 && ctx->cb->progress)
		ctx->cb->progress(ctx->cb->user, ctx->stats->events);
	k = event_kind(ctx, bt_event_borrow_class_const(ev));
	if (k.layout != LSYNC_LAYOUT_NONE)
		network_event(ctx, msg, ev, k);
}

static void handle_message(trace_ctx *ctx, const bt_message *msg)
{
	switch (bt_message_get_type(msg)) {
	case BT_MESSAGE_TYPE_EVENT:
		handle_event(ctx, msg);
		break;
	case BT_MESSAGE_TYPE_STREAM_BEGINNING:
		ctx->stats->streams++;
		begin_trace(ctx, bt_message_stream_beginning_borrow_stream_const(msg));
		break;
	default:
		break;
	}
}

/*
 * Whether `ss`'s stream is more than PACE_NS ahead of another stream
 * still running (one without a packet yet counts as behind every other).
 * The stream furthest behind is never ahead, so some sink always runs.
 */
static bool ahead(const trace_ctx *ctx, const stream_sink *ss)
{
	if (ss->last_ns == INT64_MIN)
		return false;
	for (uint64_t i = 0; i < ctx->n_sinks; i++) {
		const stream_sink *o = &ctx->sinks[i];

		if (!o->ended && o->last_ns < ss->last_ns &&
		    (uint64_t)ss->last_ns - (uint64_t)o->last_ns > (uint64_t)PACE_NS)
			return true;
	}
	return false;
}

/*
 * One batch of one stream. babeltrace2 calls the sinks in turn, which by
 * itself lets streams drift seconds apart; a sink whose stream is ahead
 * answers AGAIN (the graph then moves on to the next sink), so packets
 * leave the trace nearly in time order: the worker merge (workers.c)
 * and the pending table rely on that.
 */
static bt_graph_simple_sink_component_consume_func_status
consume(bt_message_iterator *it, void *user)
{
	stream_sink *ss = user;
	trace_ctx *ctx = ss->ctx;
	bt_message_array_const msgs;
	uint64_t n = 0;

	if (ahead(ctx, ss))
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	ctx->current = ss;
	switch (bt_message_iterator_next(it, &msgs, &n)) {
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
		break;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
		ss->ended = true;
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
	case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
	default:
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (!ctx->stop)
			handle_message(ctx, msgs[i]);
		bt_message_put_ref(msgs[i]);
	}
	if (!ctx->stop)
		return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
	/* babeltrace2 expects an error cause with an ERROR status. */
	bt_current_thread_error_append_cause_from_unknown(
		MODULE_NAME, __FILE__, __LINE__, "stopped by a callback");
	return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
}

/* ---- the graph --------------------------------------------------------- */

/* The source.ctf.fs class, from the "ctf" plugin (kept in *plugin). */
static lttsync_status find_ctf_fs(const bt_plugin **plugin,
				  const bt_component_class_source **cls,
				  char *err, size_t size)
{
	bt_plugin_find_status st = bt_plugin_find("ctf", BT_TRUE, BT_TRUE, BT_TRUE,
						  BT_TRUE, BT_FALSE, plugin);

	if (st == BT_PLUGIN_FIND_STATUS_MEMORY_ERROR)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY, "out of memory");
	if (st != BT_PLUGIN_FIND_STATUS_OK) {
		lsync_decode_fail(err, size, LTTSYNC_ERROR_NOT_AVAILABLE,
		     "babeltrace2 plugin \"ctf\" not found");
		append_bt_error(err, size);
		return LTTSYNC_ERROR_NOT_AVAILABLE;
	}
	*cls = bt_plugin_borrow_source_component_class_by_name_const(*plugin, "fs");
	if (!*cls)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_NOT_AVAILABLE,
			    "babeltrace2 component class source.ctf.fs not found");
	return LTTSYNC_OK;
}

/* The source's parameters: {"inputs": [path]}. */
static bt_value *source_params(const char *path)
{
	bt_value *params = bt_value_map_create();
	bt_value *inputs = bt_value_array_create();
	bool ok = params && inputs &&
		  bt_value_array_append_string_element(inputs, path) ==
			  BT_VALUE_ARRAY_APPEND_ELEMENT_STATUS_OK &&
		  bt_value_map_insert_entry(params, "inputs", inputs) ==
			  BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK;

	bt_value_put_ref(inputs);
	if (!ok) {
		bt_value_put_ref(params);
		return NULL;
	}
	return params;
}

/*
 * Add the source. It opens the trace here: a bad metadata file or stream
 * file fails now, reported as FORMAT with babeltrace2's reason.
 */
static lttsync_status add_source(bt_graph *graph,
				 const bt_component_class_source *cls,
				 const char *path, const bt_component_source **src,
				 char *err, size_t size)
{
	bt_value *params = source_params(path);
	bt_graph_add_component_status st;

	if (!params)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY, "out of memory");
	st = bt_graph_add_source_component(graph, cls, "source", params,
					   BT_LOGGING_LEVEL_NONE, src);
	bt_value_put_ref(params);
	if (st == BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return LTTSYNC_OK;
	if (st == BT_GRAPH_ADD_COMPONENT_STATUS_MEMORY_ERROR) {
		bt_current_thread_clear_error();
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY, "out of memory");
	}
	lsync_decode_fail(err, size, LTTSYNC_ERROR_FORMAT,
			  "%s: cannot open as a CTF trace", path);
	append_bt_error_in(err, size, path);
	return LTTSYNC_ERROR_FORMAT;
}

/* A simple sink reading the source's output port `i`. */
static bool add_sink(bt_graph *graph, const bt_component_source *src,
		     uint64_t i, stream_sink *ctx)
{
	const bt_component_sink *sink;
	char name[32];

	snprintf(name, sizeof(name), "sink-%" PRIu64, i);
	if (bt_graph_add_simple_sink_component(graph, name, NULL, consume, NULL,
					       ctx, &sink) !=
	    BT_GRAPH_ADD_COMPONENT_STATUS_OK)
		return false;
	return bt_graph_connect_ports(
		       graph,
		       bt_component_source_borrow_output_port_by_index_const(src, i),
		       bt_component_sink_borrow_input_port_by_index_const(sink, 0),
		       NULL) == BT_GRAPH_CONNECT_PORTS_STATUS_OK;
}

/* One sink per output port (per stream): streams are read independently. */
static lttsync_status add_sinks(bt_graph *graph, const bt_component_source *src,
				trace_ctx *ctx, uint64_t *nports,
				const char *path, char *err, size_t size)
{
	*nports = bt_component_source_get_output_port_count(src);
	ctx->sinks = g_new0(stream_sink, *nports ? *nports : 1);
	ctx->n_sinks = *nports;
	for (uint64_t i = 0; i < *nports; i++) {
		ctx->sinks[i].ctx = ctx;
		ctx->sinks[i].last_ns = INT64_MIN;
		if (!add_sink(graph, src, i, &ctx->sinks[i])) {
			/* Only allocations can fail in a graph this simple. */
			bt_current_thread_clear_error();
			return lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY,
						 "%s: cannot build the babeltrace2 graph",
						 path);
		}
	}
	return LTTSYNC_OK;
}

/*
 * What one bt_graph_run_once() status means: LTTSYNC_OK while the graph
 * has more to run (*done false) or ran to its end (*done true), else the
 * failure, with its message.
 */
static lttsync_status step_status(bt_graph_run_once_status st, trace_ctx *ctx,
				  bool *done, const char *path, char *err,
				  size_t size)
{
	*done = st == BT_GRAPH_RUN_ONCE_STATUS_END;
	/* AGAIN: that sink's stream was ahead; the next call runs another. */
	if (st == BT_GRAPH_RUN_ONCE_STATUS_OK || st == BT_GRAPH_RUN_ONCE_STATUS_END ||
	    st == BT_GRAPH_RUN_ONCE_STATUS_AGAIN)
		return LTTSYNC_OK;
	*done = true;
	if (ctx->stop) {
		bt_current_thread_clear_error();
		return lsync_decode_fail(err, size, (lttsync_status)ctx->stop,
			    "%s: reading stopped: %s", path,
			    ctx->stop == LTTSYNC_ERROR_NO_MEMORY ? "out of memory"
								: "by a callback");
	}
	if (st == BT_GRAPH_RUN_ONCE_STATUS_MEMORY_ERROR) {
		bt_current_thread_clear_error();
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY,
					 "%s: out of memory", path);
	}
	lsync_decode_fail(err, size, LTTSYNC_ERROR_FORMAT,
			  "%s: corrupt or truncated stream", path);
	append_bt_error_in(err, size, path);
	return LTTSYNC_ERROR_FORMAT;
}

/*
 * The value of `hostname` in the env block of TSDL text, or NULL: "env {
 * ... hostname = "VM1"; ... };" as LTTng writes it (the block holds no
 * nested braces).
 */
static char *tsdl_env_hostname(const char *text)
{
	const char *env = text, *end, *at;

	while ((env = strstr(env, "env")) != NULL) {
		bool word = env == text || !(g_ascii_isalnum(env[-1]) || env[-1] == '_');

		env += 3;
		while (g_ascii_isspace(*env))
			env++;
		if (word && *env == '{')
			break;
	}
	if (!env || !(end = strchr(env, '}')) || !(at = strstr(env, "hostname")) ||
	    at > end)
		return NULL;
	at += strlen("hostname");
	at += strspn(at, " \t\r\n");
	if (*at++ != '=')
		return NULL;
	at += strspn(at, " \t\r\n");
	if (*at++ != '"' || !(end = strchr(at, '"')))
		return NULL;
	return g_strndup(at, (gsize)(end - at));
}

/*
 * A trace without any stream has no message to carry its environment:
 * read the hostname from the metadata text (babeltrace2's "metadata-info"
 * query, which also decodes packetized metadata). NULL if none.
 */
static char *metadata_hostname(const bt_component_class_source *cls,
			       const char *path)
{
	bt_value *params = bt_value_map_create();
	bt_query_executor *q = NULL;
	const bt_value *result = NULL, *text;
	char *host = NULL;

	if (params && bt_value_map_insert_string_entry(params, "path", path) ==
			      BT_VALUE_MAP_INSERT_ENTRY_STATUS_OK)
		q = bt_query_executor_create(
			bt_component_class_source_as_component_class_const(cls),
			"metadata-info", params);
	if (q && bt_query_executor_set_logging_level(q, BT_LOGGING_LEVEL_NONE) ==
			 BT_QUERY_EXECUTOR_SET_LOGGING_LEVEL_STATUS_OK &&
	    bt_query_executor_query(q, &result) == BT_QUERY_EXECUTOR_QUERY_STATUS_OK &&
	    (text = bt_value_map_borrow_entry_value_const(result, "text")) &&
	    bt_value_is_string(text))
		host = tsdl_env_hostname(bt_value_string_get(text));
	bt_value_put_ref(result);
	bt_query_executor_put_ref(q);
	bt_value_put_ref(params);
	bt_current_thread_clear_error();
	return host;
}

/* ---- a decoder: one trace's graph, run a batch at a time --------------- */

static lttsync_status check_folder(const char *path, char *err, size_t size);
static lttsync_status finish_trace(trace_ctx *ctx, lttsync_status st,
				   const char *path, char *err, size_t size);

struct lsync_decoder {
	bool ours;              /* our reader read it (skim), or failed to */
	lsync_skim *skim;
	trace_ctx ctx;          /* the sinks point at it: never moved */
	lsync_decode_stats local;
	char *path;
	const bt_plugin *plugin;
	const bt_component_class_source *cls;
	bt_graph *graph;
	bool done;              /* nothing more to run */
	lttsync_status status;  /* the first failure */
	char err[LSYNC_ERROR_MAX]; /* its message */
};

/*
 * Build the graph for `path`. ctx->opened tells whether babeltrace2
 * accepted the trace (its metadata at least). A trace with no stream
 * file has nothing to run (and no sink).
 */
static lttsync_status build_graph(lsync_decoder *d, char *err, size_t size)
{
	const bt_component_source *src;
	uint64_t nports = 0;
	lttsync_status st = find_ctf_fs(&d->plugin, &d->cls, err, size);

	if (st == LTTSYNC_OK && !(d->graph = bt_graph_create(0)))
		st = lsync_decode_fail(err, size, LTTSYNC_ERROR_NO_MEMORY, "out of memory");
	if (st == LTTSYNC_OK)
		st = add_source(d->graph, d->cls, d->path, &src, err, size);
	d->ctx.opened = st == LTTSYNC_OK;
	if (st == LTTSYNC_OK)
		st = add_sinks(d->graph, src, &d->ctx, &nports, d->path, err, size);
	d->done = st != LTTSYNC_OK || nports == 0;
	return st;
}

lttsync_status lsync_decoder_open(lsync_decoder **out, const char *path,
				  const lsync_decode_callbacks *cb,
				  lsync_decode_stats *stats)
{
	return lsync_decoder_open_with(out, path, cb, stats, LTTSYNC_READER_AUTO);
}

/*
 * Our reader first (auto); a trace it declines, before handing anything
 * out, is read with libbabeltrace2. A failure of ours past the metadata
 * (a corrupt stream file) is the trace's failure, as babeltrace2's would
 * be.
 */
static bool open_ours(lsync_decoder *d, const char *path,
		      const lsync_decode_callbacks *cb, lsync_decode_stats *stats)
{
	int st;

	if (!path || !cb || !cb->begin || !cb->packet || check_folder(path, d->err, sizeof(d->err)))
		return false;
	st = lsync_skim_open(&d->skim, path, cb, stats, d->err, sizeof(d->err));
	if (st == LSYNC_CTF_DECLINED) {
		d->err[0] = '\0';
		return false;
	}
	d->ours = true;
	d->status = (lttsync_status)st;
	if (st != LTTSYNC_OK && stats)
		stats->reader = LTTSYNC_READER_AUTO;
	d->done = st != LTTSYNC_OK;
	return true;
}

lttsync_status lsync_decoder_open_with(lsync_decoder **out, const char *path,
				       const lsync_decode_callbacks *cb,
				       lsync_decode_stats *stats,
				       lttsync_reader reader)
{
	lsync_decoder *d = g_new0(lsync_decoder, 1);

	*out = d;
	if (reader == LTTSYNC_READER_AUTO && open_ours(d, path, cb, stats))
		return d->status;
	d->ctx.stats = stats ? stats : &d->local;
	memset(d->ctx.stats, 0, sizeof(*d->ctx.stats));
	d->ctx.cb = cb;
	d->done = true;
	if (!path || !cb || !cb->begin || !cb->packet)
		return d->status = lsync_decode_fail(d->err, sizeof(d->err),
			    LTTSYNC_ERROR_INVALID_ARGUMENT,
			    "lsync_decode_trace: NULL path or callback");
	d->path = g_strdup(path);
	d->status = check_folder(path, d->err, sizeof(d->err));
	if (d->status != LTTSYNC_OK)
		return d->status;
	d->ctx.kinds = g_hash_table_new(g_direct_hash, g_direct_equal);
	d->ctx.plans = lsync_plan_cache_new();
	if (!d->ctx.plans)
		return d->status = lsync_decode_fail(d->err, sizeof(d->err),
						     LTTSYNC_ERROR_NO_MEMORY,
						     "out of memory");
	d->status = build_graph(d, d->err, sizeof(d->err));
	d->ctx.stats->reader = LTTSYNC_READER_BABELTRACE2;
	return d->status;
}

/*
 * The oldest time the trace may still produce: its furthest-behind
 * running stream's last packet (INT64_MIN while one has none yet).
 */
static int64_t trace_position(const trace_ctx *ctx)
{
	int64_t pos = INT64_MAX;

	for (uint64_t i = 0; i < ctx->n_sinks; i++)
		if (!ctx->sinks[i].ended && ctx->sinks[i].last_ns < pos)
			pos = ctx->sinks[i].last_ns;
	return pos;
}

bool lsync_decoder_step(lsync_decoder *d, int64_t *position)
{
	if (d->ours) {
		if (d->skim && !d->done && lsync_skim_step(d->skim, position))
			return true;
		d->done = true;
		*position = INT64_MAX;
		return false;
	}
	if (!d->done)
		d->status = step_status(bt_graph_run_once(d->graph), &d->ctx,
					&d->done, d->path, d->err, sizeof(d->err));
	*position = d->done ? INT64_MAX : trace_position(&d->ctx);
	return !d->done;
}

void lsync_decoder_abandon(lsync_decoder *d, lttsync_status why)
{
	if (d->ours) {
		if (d->skim)
			lsync_skim_abandon(d->skim, why);
		g_free(d);
		return;
	}
	/* Nothing more is handed out: no hostname query, no held-back packet. */
	d->status = why;
	d->ctx.stop = why;
	lsync_decoder_close(d, NULL, 0);
}

lttsync_status lsync_decoder_close(lsync_decoder *d, char *err, size_t size)
{
	lttsync_status st = d->status;

	if (d->ours) {
		if (d->skim)
			st = lsync_skim_close(d->skim, d->err, sizeof(d->err));
		if (err && size)
			g_strlcpy(err, st ? d->err : "", size);
		g_free(d);
		return st;
	}

	if (st == LTTSYNC_OK && d->ctx.opened && !d->ctx.begun) {
		char *host = metadata_hostname(d->cls, d->path);

		begin_named(&d->ctx, host);
		g_free(host);
	}
	if (d->path)
		st = finish_trace(&d->ctx, st, d->path, d->err, sizeof(d->err));
	if (err && size)
		g_strlcpy(err, st ? d->err : "", size);
	bt_graph_put_ref(d->graph);
	bt_plugin_put_ref(d->plugin);
	if (d->ctx.kinds)
		g_hash_table_destroy(d->ctx.kinds);
	g_free(d->ctx.sinks);
	lsync_plan_cache_free(d->ctx.plans);
	g_free(d->path);
	g_free(d);
	return st;
}

/* ---- entry point ------------------------------------------------------- */

/*
 * What can be told before babeltrace2 opens the folder: a path that does
 * not exist or cannot be read is IO; a folder without a `metadata` file
 * is not a trace (FORMAT).
 */
static const char *special_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return NULL;
}

/*
 * babeltrace2 skips a stream "file" that is a FIFO, a device or a socket
 * without a word, and the trace would count only its other streams: such
 * an entry fails the trace instead, named. (Hidden entries are not
 * babeltrace2's streams.)
 */
static lttsync_status check_entries(const char *path, char *err, size_t size)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name, *kind = NULL;
	lttsync_status rc = LTTSYNC_OK;
	struct stat st;

	while (d && !kind && (name = g_dir_read_name(d))) {
		char *child = g_build_filename(path, name, NULL);

		if (name[0] != '.' && stat(child, &st) == 0 && (kind = special_kind(st.st_mode)))
			rc = lsync_decode_fail(err, size, LTTSYNC_ERROR_FORMAT,
					       "%s: %s is %s, not a stream file: "
					       "the trace is not read", path, name, kind);
		g_free(child);
	}
	if (d)
		g_dir_close(d);
	return rc;
}

static lttsync_status check_folder(const char *path, char *err, size_t size)
{
	struct stat st;
	char *meta;
	int fd;

	if (stat(path, &st) != 0)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s: %s",
					 path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_FORMAT,
					 "%s: not a trace folder", path);
	if (access(path, R_OK | X_OK) != 0)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s: %s",
					 path, strerror(errno));
	meta = g_build_filename(path, "metadata", NULL);
	if (stat(meta, &st) != 0 || !S_ISREG(st.st_mode)) {
		g_free(meta);
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_FORMAT,
			    "%s: not a CTF trace (no metadata file)", path);
	}
	fd = open(meta, O_RDONLY);
	g_free(meta);
	if (fd < 0)
		return lsync_decode_fail(err, size, LTTSYNC_ERROR_IO, "%s/metadata: %s", path,
			    strerror(errno));
	close(fd);
	return check_entries(path, err, size);
}

/*
 * After the graph: the trace's identity if no stream gave it, then the
 * addons packets still held back (also after a FORMAT error: what was
 * decoded before it is delivered). Returns the first failure.
 */
static lttsync_status finish_trace(trace_ctx *ctx, lttsync_status st,
				   const char *path, char *err, size_t size)
{
	if (ctx->opened && !ctx->stop) {
		begin_named(ctx, NULL);
		if (ctx->addons.len)
			addons_flush(ctx);
		if (ctx->stop && (st == LTTSYNC_OK || st == LTTSYNC_ERROR_FORMAT))
			st = lsync_decode_fail(err, size, (lttsync_status)ctx->stop,
				  "%s: reading stopped by a callback", path);
	}
	free(ctx->addons.items);
	ctx->addons.items = NULL;
	return st;
}

lttsync_status lsync_decode_trace(const char *path,
				  const lsync_decode_callbacks *cb,
				  lsync_decode_stats *stats, char *err,
				  size_t err_size)
{
	return lsync_decode_trace_with(path, cb, stats, LTTSYNC_READER_AUTO, err,
				       err_size);
}

lttsync_status lsync_decode_trace_with(const char *path,
				       const lsync_decode_callbacks *cb,
				       lsync_decode_stats *stats,
				       lttsync_reader reader, char *err,
				       size_t err_size)
{
	return lsync_decode_trace_threads(path, cb, stats, reader, 1, err, err_size);
}

bool lsync_decoder_needs_babeltrace2(const char *path, lttsync_reader reader,
				      uint32_t *files)
{
	char err[LSYNC_ERROR_MAX];

	*files = 0;
	if (reader != LTTSYNC_READER_AUTO)
		return true;
	/* A folder that check_folder() refuses fails before either reader. */
	if (!path || check_folder(path, err, sizeof(err)) != LTTSYNC_OK)
		return false;
	return lsync_skim_check(path, files, err, sizeof(err)) == LSYNC_CTF_DECLINED;
}

void lsync_decoder_attach(lsync_decoder *d, struct lsync_skim_pool *pool)
{
	if (d->skim)
		lsync_skim_attach(d->skim, pool);
}

lttsync_status lsync_decode_trace_threads(const char *path,
					  const lsync_decode_callbacks *cb,
					  lsync_decode_stats *stats,
					  lttsync_reader reader, unsigned threads,
					  char *err, size_t err_size)
{
	lsync_skim_pool *pool = threads > 1 ? lsync_skim_pool_new(threads - 1) : NULL;
	lsync_decoder *d;
	int64_t position;
	lttsync_status st;

	lsync_decoder_open_with(&d, path, cb, stats, reader);
	lsync_decoder_attach(d, pool);
	while (lsync_decoder_step(d, &position))
		;
	st = lsync_decoder_close(d, err, err_size);
	lsync_skim_pool_free(pool);
	return st;
}
