/* SPDX-License-Identifier: MIT */
/**
 * @file lttsync.h
 * @brief liblttsync: synchronize the clocks of traces taken on different
 * machines from the network messages they exchanged.
 *
 * This is the only header a program includes. It needs neither glib nor
 * babeltrace2.
 *
 * @section model Model
 *
 * A #lttsync_session holds hosts (one clock each) and traces (each belongs
 * to one host). The caller feeds it either packet events (one TCP segment
 * seen leaving or entering a trace's host), which the session matches
 * into messages, or messages it matched itself. For each pair of hosts the
 * session keeps two convex hulls and derives the set of linear relations
 * compatible with every message; over all pairs it picks a reference host
 * and gives each host a transform `t_ref = slope * t + offset`.
 *
 * Results are available at any time while feeding.
 *
 * @section conventions Conventions
 *
 * - Every function that can fail returns an #lttsync_status;
 *   #LTTSYNC_OK is 0, errors are negative. On error, the output
 *   parameters are left untouched and lttsync_session_get_last_error()
 *   describes the failure.
 * - Output parameters come first and are named `out` (or `out_...`).
 * - Timestamps are signed 64-bit nanoseconds from the clock's origin
 *   (for LTTng: the Unix epoch). Accepted range: [-2^62, 2^62].
 * - `get` functions that return pointers document ownership: "borrowed"
 *   pointers stay owned by the session; "new" objects are owned by the
 *   caller, who releases them with the matching `_destroy`.
 *
 * @section memory Running out of memory
 *
 * What grows with the input is checked: the table of unmatched packet
 * events, the hulls, the kept messages and the batches read from traces
 * are allocated with checks, and a failure returns
 * #LTTSYNC_ERROR_NO_MEMORY with the session as it was before the call. The
 * session's small bookkeeping (its host, trace and pair tables, a few
 * bytes per host or pair) is allocated through glib, which aborts the
 * process when such an allocation fails, as every glib program does. To
 * stay within a budget instead of running out, set
 * lttsync_session_set_memory_limit(): the session then refuses input with
 * #LTTSYNC_ERROR_LIMIT, or drops what it may drop, before it reaches it.
 * Trace decoding runs in worker processes with a bounded address space,
 * so a trace that exhausts memory fails alone.
 *
 * @section threads Threads
 *
 * A session is not thread-safe: use each session from one thread at a
 * time; the one exception is lttsync_session_cancel(), which any thread
 * may call while another reads. Distinct sessions are independent and may be used concurrently;
 * the library has no global mutable state. An #lttsync_transform is
 * immutable: any number of threads may apply it at once.
 */
#ifndef LTTSYNC_LTTSYNC_H
#define LTTSYNC_LTTSYNC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lttsync/version.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(LTTSYNC_BUILDING) && defined(__GNUC__)
#define LTTSYNC_API __attribute__((visibility("default")))
#else
#define LTTSYNC_API
#endif
/** @endcond */

/**
 * Status codes returned by every fallible function.
 * @since 0.1
 */
typedef enum lttsync_status {
	LTTSYNC_OK = 0,                      /**< Success. */
	LTTSYNC_ERROR_INVALID_ARGUMENT = -1, /**< NULL, out of range or inconsistent argument. */
	LTTSYNC_ERROR_NO_MEMORY = -2,        /**< An allocation whose size grows with the input failed; the session is unchanged (@ref memory). */
	LTTSYNC_ERROR_NOT_FOUND = -3,        /**< Unknown host, trace or message index. */
	LTTSYNC_ERROR_NOT_AVAILABLE = -4,    /**< The result does not exist (yet): e.g. a host without a transform. */
	LTTSYNC_ERROR_IO = -5,               /**< A file could not be read or written. */
	LTTSYNC_ERROR_FORMAT = -6,           /**< Malformed input data (trace, CSV...). */
	LTTSYNC_ERROR_RANGE = -7,            /**< A result does not fit the output type. */
	LTTSYNC_ERROR_LIMIT = -8,            /**< The session's memory limit is reached (lttsync_session_set_memory_limit()). */
	LTTSYNC_ERROR_NO_DATA = -9,          /**< No trace gave a usable network event (lttsync_session_read_trace_paths()). @since 0.2 */
	LTTSYNC_ERROR_CANCELLED = -10,       /**< The read was cancelled (lttsync_session_cancel()). @since 0.2 */
} lttsync_status;

/**
 * Quality of a pair's or a host's synchronization.
 *
 * Pair qualities (doc/algorithm.md): #LTTSYNC_QUALITY_ABSENT (no message),
 * #LTTSYNC_QUALITY_INCOMPLETE (one direction only, or no finite slope
 * bound), #LTTSYNC_QUALITY_APPROXIMATE (one finite slope bound),
 * #LTTSYNC_QUALITY_ACCURATE (both bounds finite), #LTTSYNC_QUALITY_FAIL
 * (the messages contradict each other).
 *
 * A host's quality is #LTTSYNC_QUALITY_REFERENCE for the reference,
 * #LTTSYNC_QUALITY_DISCONNECTED when no usable path leads to the
 * reference, else the worst pair quality along its path.
 * @since 0.1
 */
typedef enum lttsync_quality {
	LTTSYNC_QUALITY_ABSENT = 0,       /**< No message between the two hosts. */
	LTTSYNC_QUALITY_INCOMPLETE = 1,   /**< One direction only, or no finite slope bound. */
	LTTSYNC_QUALITY_APPROXIMATE = 2,  /**< Exactly one finite slope bound. */
	LTTSYNC_QUALITY_ACCURATE = 3,     /**< Both slope bounds finite, a_min < a_max. */
	LTTSYNC_QUALITY_FAIL = 4,         /**< The messages contradict each other. */
	LTTSYNC_QUALITY_REFERENCE = 5,    /**< Hosts only: the reference host. */
	LTTSYNC_QUALITY_DISCONNECTED = 6, /**< Hosts only: no usable path to the reference. */
} lttsync_quality;

/** Direction of a packet event relative to its trace's host. @since 0.1 */
typedef enum lttsync_direction {
	LTTSYNC_DIRECTION_SEND = 0,    /**< The segment left the host. */
	LTTSYNC_DIRECTION_RECEIVE = 1, /**< The segment entered the host. */
} lttsync_direction;

/**
 * Counters a session keeps about matching, for
 * lttsync_session_get_counter(). New counters may be added at the end.
 * @since 0.1
 */
typedef enum lttsync_counter {
	LTTSYNC_COUNTER_PACKETS = 0,        /**< Packet events fed. */
	LTTSYNC_COUNTER_MATCHED = 1,        /**< Messages made from packet events. */
	LTTSYNC_COUNTER_LOOPBACK = 2,       /**< Keys seen sent and received on the same host. */
	LTTSYNC_COUNTER_AMBIGUOUS = 3,      /**< Packet events dropped because their key repeated. */
	LTTSYNC_COUNTER_EVICTED = 4,        /**< Unmatched packet events dropped by the pending cap. */
	LTTSYNC_COUNTER_PENDING = 5,        /**< Keys currently held in the pending table. */
	LTTSYNC_COUNTER_LATE_REPEATS = 6,   /**< Repeats of a key after its match was used. */
	LTTSYNC_COUNTER_MESSAGES = 7,       /**< Messages in the hulls (matched plus fed). */
	LTTSYNC_COUNTER_FLOW_MISMATCH = 8,  /**< Same key, conflicting addresses or ports. */
	LTTSYNC_COUNTER_OVER_LIMIT = 9,     /**< Messages not used, or not kept, because of the memory limit. */
} lttsync_counter;

/** A host handle: a small integer, valid for the session's lifetime. @since 0.1 */
typedef uint32_t lttsync_host_id;
/** A trace handle: a small integer, valid for the session's lifetime. @since 0.1 */
typedef uint32_t lttsync_trace_id;

/** Passed to lttsync_session_set_reference(): let the library choose. @since 0.1 */
#define LTTSYNC_HOST_AUTO ((lttsync_host_id)UINT32_MAX)

/** The synchronization session (opaque). @since 0.1 */
typedef struct lttsync_session lttsync_session;

/**
 * A clock transform `t_ref = slope * t + offset` (opaque, immutable).
 * Obtained from the session; owned by the caller; independent of the
 * session once obtained.
 * @since 0.1
 */
typedef struct lttsync_transform lttsync_transform;

/** Canonical TCP flag bits, as in the TCP header's byte 13. @since 0.1 */
#define LTTSYNC_TCP_FIN 0x01
#define LTTSYNC_TCP_SYN 0x02 /**< @since 0.1 */
#define LTTSYNC_TCP_RST 0x04 /**< @since 0.1 */
#define LTTSYNC_TCP_PSH 0x08 /**< @since 0.1 */
#define LTTSYNC_TCP_ACK 0x10 /**< @since 0.1 */
#define LTTSYNC_TCP_URG 0x20 /**< @since 0.1 */
#define LTTSYNC_TCP_ECE 0x40 /**< @since 0.1 */
#define LTTSYNC_TCP_CWR 0x80 /**< @since 0.1 */

/**
 * One TCP segment seen by a trace. Initialise with lttsync_packet_init()
 * before filling it: `struct_size` lets later releases add fields.
 * @since 0.1
 */
typedef struct lttsync_packet {
	uint32_t struct_size;          /**< Set by lttsync_packet_init(). */
	lttsync_trace_id trace;        /**< Trace that recorded the event. */
	lttsync_direction direction;   /**< Send or receive. */
	int64_t timestamp_ns;          /**< Event time, trace clock. */
	uint32_t seq;                  /**< TCP sequence number (host order). */
	uint32_t ack_seq;              /**< TCP acknowledgment number (host order). */
	uint8_t flags;                 /**< Canonical TCP flags (LTTSYNC_TCP_*). */
	uint8_t family;                /**< 0: addresses unknown, 4: IPv4, 6: IPv6. */
	uint8_t has_ports;             /**< Non-zero when the ports are known. */
	uint8_t reserved;              /**< Zero. */
	uint16_t src_port;             /**< Source port (host order). */
	uint16_t dst_port;             /**< Destination port (host order). */
	uint8_t src_addr[16];          /**< Source address (IPv4: first 4 bytes). */
	uint8_t dst_addr[16];          /**< Destination address. */
} lttsync_packet;

/**
 * A matched message (frozen layout).
 * @since 0.1
 */
typedef struct lttsync_message {
	lttsync_host_id send_host; /**< Host that sent it. */
	lttsync_host_id recv_host; /**< Host that received it. */
	int64_t send_ns;           /**< Send time, sender's clock. */
	int64_t recv_ns;           /**< Receive time, receiver's clock. */
} lttsync_message;

/** Fields of a transform rendered by lttsync_transform_format(). @since 0.1 */
typedef enum lttsync_transform_field {
	LTTSYNC_FIELD_SLOPE = 0,     /**< slope, >= 21 significant digits. */
	LTTSYNC_FIELD_OFFSET = 1,    /**< offset (ns), 12 decimals. */
	LTTSYNC_FIELD_PIVOT = 2,     /**< pivot (ns, integer, input clock). */
	LTTSYNC_FIELD_PIVOT_REF = 3, /**< transform applied to pivot (ns), 12 decimals. */
	LTTSYNC_FIELD_EQUATION = 4,  /**< `SLOPE * t + OFFSET`, or `SLOPE * t - OFFSET` with the offset's magnitude when it is negative. @since 0.2 */
} lttsync_transform_field;

/* ---- library ---------------------------------------------------------- */

/** @return the runtime library version, e.g. "0.1.0". @since 0.1 */
LTTSYNC_API const char *lttsync_version_string(void);
/** @return the runtime major version. @since 0.1 */
LTTSYNC_API unsigned lttsync_version_major(void);
/** @return the runtime minor version. @since 0.1 */
LTTSYNC_API unsigned lttsync_version_minor(void);
/** @return the runtime patch version. @since 0.1 */
LTTSYNC_API unsigned lttsync_version_patch(void);

/**
 * @param status any value.
 * @return a static English description ("invalid argument"...).
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_status_string(lttsync_status status);

/**
 * @param quality any value.
 * @return the static lower-case name ("accurate"...), "unknown" otherwise.
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_quality_string(lttsync_quality quality);

/* ---- session ---------------------------------------------------------- */

/**
 * Create an empty session.
 * @param out receives the new session, owned by the caller.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (out NULL) or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_create(lttsync_session **out);

/**
 * Destroy a session and everything it owns. Transforms obtained from it
 * stay valid.
 * @param session the session, or NULL (no-op).
 * @since 0.1
 */
LTTSYNC_API void lttsync_session_destroy(lttsync_session *session);

/**
 * @param session the session (NULL gives a fixed message).
 * @return a borrowed description of the last failed call on this
 *         session ("" if none yet); valid until the next call on the
 *         session. Only meaningful right after a call returned an error.
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_session_get_last_error(const lttsync_session *session);

/**
 * Bound the pending table of unmatched packet keys. When full, the oldest
 * key is retired: a completed match is used, an unmatched event is
 * dropped and counted (#LTTSYNC_COUNTER_EVICTED).
 * @param session the session.
 * @param max_pending at least 1; default 1048576 (about 64 MiB).
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_set_max_pending(lttsync_session *session,
						       size_t max_pending);

/**
 * Bound the memory the session itself uses. Half of it goes to the
 * pending table (the cap of lttsync_session_set_max_pending() is lowered
 * to fit, counting 80 bytes a key: 64 to 72 used, plus less than 2 MiB of
 * rounding once the table holds over 2 MiB; 48 bytes more while messages
 * are kept, for where they came from; the oldest keys are evicted and
 * counted);
 * the other half to hull vertices, kept messages, pairs and
 * hosts. When that half is full, further messages are not used (nor kept)
 * and are counted in #LTTSYNC_COUNTER_OVER_LIMIT, and
 * lttsync_session_feed_message() returns #LTTSYNC_ERROR_LIMIT. Under
 * normal traffic hulls stay small, so the limit only bites on crafted or
 * pathological input, or when kept messages fill it.
 * @param session the session.
 * @param bytes the limit; 0 (default) for none; otherwise at least 4096.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_set_memory_limit(lttsync_session *session,
							size_t bytes);

/**
 * Keep every matched message so that lttsync_session_get_kept_message()
 * and lttsync_session_get_kept_match() can return it. Off by default:
 * memory then grows with the number of messages instead of the hull
 * sizes. Applies to messages added after the call; their traces and
 * packets are recorded for packet events fed after it. With a memory
 * limit, keeping lowers the pending table's cap (see
 * lttsync_session_set_memory_limit()), which may retire keys now.
 * @param session the session.
 * @param keep non-zero to keep.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NO_MEMORY (retiring keys failed; the setting
 *         is made all the same).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_set_keep_messages(lttsync_session *session,
							 int keep);

/**
 * Let clock rates change (on by default): when one line contradicts a
 * pair's messages, the pair's relation becomes a continuous, increasing,
 * piecewise-linear function made of as few segments as the messages
 * require (doc/algorithm.md, "Clocks whose rate changes"). Off: one line
 * per pair, which then fails, as in 0.1. Data that one line explains
 * gives the same line either way, bit for bit. Turning it on after
 * messages were fed with it off is refused (their windows were not kept).
 * @param session the session. @param on non-zero for segments.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_AVAILABLE (on, after messages fed off).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_set_segments(lttsync_session *session,
						    int on);

/**
 * The width of the windows of time in which a pair's messages are kept
 * apart (1 s by default); a segment starts and ends on this grid of
 * the pair's first host's clock. A pair keeps at most 8192 windows: one
 * whose messages would fill more goes on with windows twice as wide,
 * as often as needed (at the default, windows of 2 s past 2.3 hours of
 * messages, 16 s for a day), so the number of its windows does not
 * grow with the length of the trace; the evidence a segment needs
 * (lttsync_session_set_segment_min_span()) doubles with them. Only
 * before the first message.
 * @param session the session.
 * @param width_ns 1,000 ns to 2^40 ns.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (out of range) or
 *         #LTTSYNC_ERROR_NOT_AVAILABLE (messages already fed).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_set_segment_window(lttsync_session *session,
							  int64_t width_ns);

/**
 * The evidence a segment needs of its own (2 s by default): messages in
 * both directions, each direction's messages spanning at least this
 * time, doubled each time a pair's windows are
 * (lttsync_session_set_segment_window()). Shorter stretches that
 * contradict their neighbours are not segments: a joint bridges them,
 * or, when the neighbours agree without them, they stay reported as
 * contradicting messages.
 * @param session the session. @param min_span_ns 0 to 2^62 ns.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_set_segment_min_span(lttsync_session *session,
							    int64_t min_span_ns);

/**
 * Choose the reference host.
 * @param session the session.
 * @param host a declared host, or #LTTSYNC_HOST_AUTO (default): the
 *        library picks the host whose transforms are most accurate
 *        (doc/algorithm.md, "Choosing the reference").
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_set_reference(lttsync_session *session,
						     lttsync_host_id host);

/* ---- hosts and traces ------------------------------------------------- */

/**
 * Declare a host, or find the one already declared with that name.
 * @param out receives the host's id.
 * @param session the session.
 * @param name non-empty, NUL-terminated, at most 4096 bytes, no control
 *        character (bytes below 0x20, 0x7f); copied.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_add_host(lttsync_host_id *out,
						lttsync_session *session,
						const char *name);

/**
 * Find a declared host by name.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @param out receives the id. @param session the session.
 * @param name the host's name.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_find_host(lttsync_host_id *out,
						 const lttsync_session *session,
						 const char *name);

/**
 * @param session the session (NULL: 0).
 * @return the number of hosts; ids are 0 to count - 1.
 * @since 0.1
 */
LTTSYNC_API size_t lttsync_session_get_host_count(const lttsync_session *session);

/**
 * @param session the session. @param host a host id.
 * @return the host's name (borrowed, lives as long as the session), or
 *         NULL if the host does not exist.
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_session_get_host_name(const lttsync_session *session,
						  lttsync_host_id host);

/**
 * Declare a trace recorded on a host. Traces of one host share its clock.
 * @param out receives the trace id.
 * @param session the session.
 * @param host a declared host.
 * @param name a label for reports (e.g. the trace's path); copied.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND or #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_add_trace(lttsync_trace_id *out,
						 lttsync_session *session,
						 lttsync_host_id host,
						 const char *name);

/**
 * @param session the session (NULL: 0).
 * @return the number of traces; ids are 0 to count - 1.
 * @since 0.1
 */
LTTSYNC_API size_t lttsync_session_get_trace_count(const lttsync_session *session);

/**
 * @param out receives the host the trace belongs to.
 * @param session the session. @param trace a trace id.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_trace_host(lttsync_host_id *out,
						      const lttsync_session *session,
						      lttsync_trace_id trace);

/**
 * @param session the session. @param trace a trace id.
 * @return the trace's name (borrowed), or NULL if it does not exist.
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_session_get_trace_name(const lttsync_session *session,
						   lttsync_trace_id trace);

/* ---- reading traces --------------------------------------------------- */

/**
 * Statistics of a trace read from disk, for lttsync_session_get_trace_stat().
 * New statistics may be added at the end.
 * @since 0.1
 */
typedef enum lttsync_trace_stat {
	LTTSYNC_TRACE_STAT_STREAMS = 0,        /**< Stream files read. */
	LTTSYNC_TRACE_STAT_EVENTS = 1,         /**< Events read, all kinds. */
	LTTSYNC_TRACE_STAT_NETWORK_EVENTS = 2, /**< Packet send/receive events. */
	LTTSYNC_TRACE_STAT_PACKETS = 3,        /**< TCP packets fed to matching. */
	LTTSYNC_TRACE_STAT_NO_HEADER = 4,      /**< Network events without IP/TCP header data (old layouts). */
	LTTSYNC_TRACE_STAT_NOT_TCP = 5,        /**< IP packets of another protocol. */
	LTTSYNC_TRACE_STAT_MALFORMED = 6,      /**< Network events missing a needed field. */
	LTTSYNC_TRACE_STAT_READER = 7,         /**< The #lttsync_reader that read it: #LTTSYNC_READER_AUTO (our own reader) or #LTTSYNC_READER_BABELTRACE2; 0 if not read. @since 0.2 */
} lttsync_trace_stat;

/**
 * Which reader decodes traces (lttsync_session_set_reader()).
 * @since 0.2
 */
typedef enum lttsync_reader {
	/** Our own CTF reader, which skips what synchronization does not
	 *  need; a trace it does not support (doc/traces.md) is read with
	 *  libbabeltrace2. The default. */
	LTTSYNC_READER_AUTO = 1,
	/** libbabeltrace2 only. */
	LTTSYNC_READER_BABELTRACE2 = 2,
} lttsync_reader;

/**
 * Choose the reader of lttsync_session_read_traces() and
 * lttsync_session_read_trace_paths(). With #LTTSYNC_READER_AUTO (the
 * default) our own reader reads every trace it supports; the others, and
 * every trace with #LTTSYNC_READER_BABELTRACE2, are read with
 * libbabeltrace2. With jobs > 0 (lttsync_session_set_read_jobs()), a
 * call whose traces our reader all supports is read in the calling
 * process, and a call with a trace for libbabeltrace2 in worker
 * processes, all of its traces. Both readers give the same packets and
 * statistics; #LTTSYNC_TRACE_STAT_READER tells which one read a trace.
 * @param session the session.
 * @param reader #LTTSYNC_READER_AUTO or #LTTSYNC_READER_BABELTRACE2.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_set_reader(lttsync_session *session,
						  lttsync_reader reader);

/**
 * Progress of lttsync_session_read_traces() and
 * lttsync_session_read_trace_paths(), called every few tens of thousands
 * of events of a trace, from the calling thread. It may call
 * lttsync_session_cancel() to stop the read (since 0.2).
 * @param user_data as given. @param trace_path the trace being read.
 * @param events events read so far in that trace.
 * @since 0.1
 */
typedef void (*lttsync_progress_fn)(void *user_data, const char *trace_path,
				    uint64_t events);

/**
 * Choose how lttsync_session_read_traces() and
 * lttsync_session_read_trace_paths() decode traces.
 *
 * `jobs` is the degree of parallelism (the default is 64). With `jobs` >
 * 0, the traces of one call are read:
 * - in the calling process, by a pool of threads (at most `jobs` and
 *   at most the processors online, the calling thread included), when
 *   our own reader (lttsync_session_set_reader()) supports every one of
 *   them (each is checked first as our reader opens it: doc/traces.md,
 *   "Our reader");
 * - otherwise (a trace for libbabeltrace2, or #LTTSYNC_READER_BABELTRACE2),
 *   each by its own worker process (the `lttsync-decoder` program
 *   installed with the library, or the one named by the `LTTSYNC_DECODER`
 *   environment variable), at most `jobs` at once, every trace of the
 *   call: a crash or memory exhaustion inside libbabeltrace2 then only
 *   fails that trace (#LTTSYNC_ERROR_FORMAT, with a message naming the
 *   signal). Each worker's address space is limited to the session's
 *   memory limit (at least 256 MiB) or to 4 GiB. If the decoder cannot
 *   be started, traces are decoded in the calling process and their
 *   message says so.
 *
 * In both cases the packets of all traces are fed to the session merged
 * by time (doc/matching.md), in the same order, so that the pending table
 * only needs to hold the packets of the clock-offset and latency window
 * when every trace of a call is in flight (in workers: `jobs` at least the
 * number of traces; in the calling process: up to 16 traces, further
 * ones start as others end).
 *
 * With `jobs` = 0, traces are decoded in the calling thread, whatever the
 * reader, up to 16 side by side, merged by time the same way.
 *
 * A worker process of a trace our reader reads also decodes its stream
 * files with several threads when fewer traces than `jobs` are read at
 * once (at most `jobs` threads in all and at most the processors online,
 * shared by the traces in flight). Threads change how fast, never what:
 * the same packets reach the session in the same order.
 * @param session the session.
 * @param jobs the degree of parallelism (threads or worker processes at
 *        once), or 0.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_set_read_jobs(lttsync_session *session,
						     unsigned jobs);

/**
 * Read every LTTng kernel trace (CTF 1.8) found at or below `path` (a
 * trace folder, or an LTTng session output holding one trace per
 * subfolder) and feed its TCP packet events to the session: the same as
 * lttsync_session_read_trace_paths() with one path.
 *
 * @param out_count receives the number of traces added (their ids are the
 *        last *out_count ids; folders read before are not counted); may be
 *        NULL.
 * @param session the session.
 * @param path a folder.
 * @param host host name for every trace found, or NULL.
 * @param progress called during reading, or NULL. It must not read
 *        traces into the same session (such a call is refused with
 *        #LTTSYNC_ERROR_INVALID_ARGUMENT) nor destroy it.
 * @param user_data passed to progress.
 * @return #LTTSYNC_OK when at least one trace was found and one of the
 *         traces added gave a usable network event (or all had been read
 *         before); check each trace's status;
 *         #LTTSYNC_ERROR_NOT_FOUND when there is none,
 *         #LTTSYNC_ERROR_IO when path cannot be read or none of the
 *         traces found could be read,
 *         #LTTSYNC_ERROR_NO_DATA (since 0.2) when traces were read but
 *         none gave a usable network event,
 *         #LTTSYNC_ERROR_CANCELLED (since 0.2), as
 *         lttsync_session_read_trace_paths() says,
 *         #LTTSYNC_ERROR_INVALID_ARGUMENT or #LTTSYNC_ERROR_NO_MEMORY.
 *         The traces found are added in every case but the last two.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_read_traces(size_t *out_count,
						   lttsync_session *session,
						   const char *path,
						   const char *host,
						   lttsync_progress_fn progress,
						   void *user_data);

/**
 * Read every LTTng kernel trace (CTF 1.8) found at or below each of
 * `paths` (trace folders, or LTTng session outputs holding one trace per
 * subfolder) and feed their TCP packet events to the session. Each trace
 * found becomes a trace of the session, named by its folder, on the host
 * named by `hosts[i]` or else by the trace's `hostname` environment
 * entry.
 *
 * Every trace folder is found first (in path order, each sorted), then
 * decoded as lttsync_session_set_read_jobs() says: by default side by
 * side in worker processes, their packets fed merged by time, so
 * give all traces of a synchronization in one call. A trace folder
 * already read by this session (under any path) is not read again. A
 * trace that cannot be read (unreadable, corrupt, truncated, crashing
 * libbabeltrace2, no hostname and no host name given) does not stop the
 * others: its status and message are kept
 * (lttsync_session_get_trace_status()); packets decoded before a failure
 * are used. A path without any trace does not stop the others either.
 *
 * @param out_count receives the number of traces added over all paths
 *        (their ids are the last *out_count ids; folders read before are
 *        not counted); may be NULL.
 * @param session the session.
 * @param paths `n` folders.
 * @param hosts NULL, or `n` host names (each NULL or non-empty) for the
 *        traces found at the path of the same index.
 * @param n the number of paths.
 * @param progress called during reading (from the calling thread), or
 *        NULL. It must not read traces into the same session (such a
 *        call is refused with #LTTSYNC_ERROR_INVALID_ARGUMENT) nor
 *        destroy it.
 * @param user_data passed to progress.
 * @return In this order of precedence: #LTTSYNC_ERROR_INVALID_ARGUMENT
 *         (nothing read), #LTTSYNC_ERROR_NO_MEMORY;
 *         #LTTSYNC_ERROR_CANCELLED (since 0.2) when
 *         lttsync_session_cancel() stopped the call;
 *         the status of the first path without a trace
 *         (#LTTSYNC_ERROR_NOT_FOUND: none there, #LTTSYNC_ERROR_IO: it
 *         cannot be read), with the last error naming every such path,
 *         one line each, and the traces of the other paths read all the
 *         same; then, every path having a trace, as the traces the call
 *         added went: #LTTSYNC_OK when one of them gave a usable network
 *         event (or the call added none: all had been read before),
 *         #LTTSYNC_ERROR_IO (since 0.2) when none of them could be read
 *         (each failed), #LTTSYNC_ERROR_NO_DATA (since 0.2) when some were
 *         read but none gave a usable network event. Whatever the
 *         status, except the first two, the traces found were added with
 *         their own status and message: check each trace's status.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_read_trace_paths(size_t *out_count,
							lttsync_session *session,
							const char *const *paths,
							const char *const *hosts,
							size_t n,
							lttsync_progress_fn progress,
							void *user_data);

/**
 * Stop the read in progress on this session
 * (lttsync_session_read_trace_paths(), lttsync_session_read_traces())
 * soon: within a batch of events of the trace being decoded in this
 * process, within about a quarter of a second for worker processes
 * (which are killed). Callable from any thread, or from the progress
 * callback; it only sets an atomic flag, which the read checks.
 *
 * The read then returns #LTTSYNC_ERROR_CANCELLED, and the session is
 * left as follows: every trace the call found is declared; those read
 * to their end keep their status; the one being read and those not
 * started yet get #LTTSYNC_ERROR_CANCELLED and a message saying so; the
 * packets fed before the cancel stay fed (matches made, hulls, results),
 * those decoded but not yet fed are dropped. Like any trace folder a
 * session has seen, the cancelled ones are not read again by this
 * session (a later call skips them): read them in a new session. Every
 * other use of the session goes on as before, later reads included.
 *
 * The flag is cleared when a read starts: a cancel issued when no read
 * is in progress has no effect on the next one.
 * @param session the session; NULL is a no-op.
 * @since 0.2
 */
LTTSYNC_API void lttsync_session_cancel(lttsync_session *session);

/**
 * How reading a trace went.
 * @param session the session. @param trace a trace id.
 * @return #LTTSYNC_OK (also for traces the caller feeds itself), the
 *         error that stopped reading it (#LTTSYNC_ERROR_IO,
 *         #LTTSYNC_ERROR_FORMAT, #LTTSYNC_ERROR_INVALID_ARGUMENT when it
 *         has no hostname, #LTTSYNC_ERROR_CANCELLED (since 0.2) when
 *         lttsync_session_cancel() stopped it or it was not started),
 *         #LTTSYNC_ERROR_NO_DATA (since 0.2) for a trace read to its end
 *         that gave no usable network event (its message, "PATH: no
 *         usable network events (N events, N network events: N without
 *         IP/TCP headers, N not TCP, N malformed)", says why), or
 *         #LTTSYNC_ERROR_NOT_FOUND for an unknown trace.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_trace_status(const lttsync_session *session,
							lttsync_trace_id trace);

/**
 * @param session the session. @param trace a trace id.
 * @return why reading the trace failed (borrowed, lives as long as the
 *         session), "" when it did not, NULL for an unknown trace. A
 *         trace read successfully may carry a note: "PATH: decoded in the
 *         calling process: cannot start ..." when no worker process could
 *         be started (lttsync_session_set_read_jobs()).
 * @since 0.1
 */
LTTSYNC_API const char *lttsync_session_get_trace_message(const lttsync_session *session,
						      lttsync_trace_id trace);

/**
 * A statistic of a trace read with lttsync_session_read_traces() (0 for
 * traces the caller feeds).
 * @param out receives the value.
 * @param session the session. @param trace a trace id.
 * @param stat which statistic.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_trace_stat(uint64_t *out,
						      const lttsync_session *session,
						      lttsync_trace_id trace,
						      lttsync_trace_stat stat);

/* ---- feeding ---------------------------------------------------------- */

/**
 * Reset a packet to "nothing known" and set its struct_size to the size
 * of the struct this program was compiled with. Inline on purpose: a
 * library built with a larger, later struct must never clear more bytes
 * than the caller's struct holds.
 * @param packet the packet to initialise (NULL: no-op).
 * @since 0.1
 */
static inline void lttsync_packet_init(lttsync_packet *packet)
{
	if (!packet)
		return;
	memset(packet, 0, sizeof(*packet));
	packet->struct_size = (uint32_t)sizeof(*packet);
}

/**
 * Feed one packet event. Events of any trace may come in any order.
 *
 * Matching (doc/matching.md): the key is (seq, ack_seq, flags). A key
 * sent on one host and received on another, exactly once each, makes a
 * message. A key seen twice in the same direction is ambiguous
 * (retransmission, forwarding): all its events are dropped. A key sent
 * and received on the same host is loopback and dropped. When two events
 * of a key both carry addresses (or ports) that disagree, the key is
 * dropped too (#LTTSYNC_COUNTER_FLOW_MISMATCH).
 *
 * @param session the session.
 * @param packet initialised with lttsync_packet_init(); copied.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL, bad
 *         direction, family or timestamp), #LTTSYNC_ERROR_NOT_FOUND
 *         (unknown trace) or #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_feed_packet(lttsync_session *session,
						   const lttsync_packet *packet);

/**
 * Feed packet events in a batch: the same as calling
 * lttsync_session_feed_packet() on each in turn, and faster (the matcher
 * fetches the memory of the packets ahead while it handles one: a new
 * key's lookup is otherwise a cache miss per packet).
 *
 * @param[out] out_fed the number of packets fed before the first refused
 *        one (all n on success); 0 on a NULL argument.
 * @param session the session.
 * @param packets n packets, each initialised with lttsync_packet_init().
 * @param n how many (0: nothing to do).
 * @return #LTTSYNC_OK, or the status lttsync_session_feed_packet() gave
 *         packets[*out_fed] (that packet and the later ones are not fed),
 *         or #LTTSYNC_ERROR_INVALID_ARGUMENT on a NULL argument.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_feed_packets(size_t *out_fed,
							lttsync_session *session,
							const lttsync_packet *packets,
							size_t n);

/**
 * Feed a message the caller matched itself.
 * @param session the session.
 * @param send_host host that sent it. @param send_ns send time.
 * @param recv_host host that received it (not send_host).
 * @param recv_ns receive time.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (same host,
 *         timestamp out of range), #LTTSYNC_ERROR_NOT_FOUND or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_feed_message(lttsync_session *session,
						    lttsync_host_id send_host,
						    int64_t send_ns,
						    lttsync_host_id recv_host,
						    int64_t recv_ns);

/* ---- matches ---------------------------------------------------------- */

/**
 * @param out receives the counter's value.
 * @param session the session. @param counter which counter.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_counter(uint64_t *out,
						   lttsync_session *session,
						   lttsync_counter counter);

/**
 * Number of messages from one host to another in the hulls.
 * @param out receives the count.
 * @param session the session.
 * @param send_host sender. @param recv_host receiver.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_message_count(uint64_t *out,
							 lttsync_session *session,
							 lttsync_host_id send_host,
							 lttsync_host_id recv_host);

/**
 * Number of kept messages between two hosts, both directions
 * (lttsync_session_set_keep_messages()).
 * @param out receives the count. @param session the session.
 * @param host_a one host. @param host_b the other.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_kept_message_count(size_t *out,
							      lttsync_session *session,
							      lttsync_host_id host_a,
							      lttsync_host_id host_b);

/**
 * A kept message between two hosts, in the order they were matched.
 * @param out receives the message.
 * @param session the session. @param host_a one host.
 * @param host_b the other. @param index 0 to count - 1.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_kept_message(lttsync_message *out,
							lttsync_session *session,
							lttsync_host_id host_a,
							lttsync_host_id host_b,
							size_t index);

/* ---- evidence: hulls and matches -------------------------------------- */

/**
 * A point of a pair's plane: x on the pair's first host's clock, y on its
 * second's (ns). The pair's first host is the `out_a` of
 * lttsync_session_get_pair().
 * @since 0.2
 */
typedef struct lttsync_point {
	int64_t x; /**< Time of the pair's first host (ns). */
	int64_t y; /**< Time of the pair's second host (ns). */
} lttsync_point;

/**
 * Which messages of a pair, for lttsync_session_get_pair_hull().
 * @since 0.2
 */
typedef enum lttsync_pair_direction {
	/** Sent by the first host: x = send time, y = receive time. */
	LTTSYNC_PAIR_FIRST_TO_SECOND = 0,
	/** Sent by the second host: x = receive time, y = send time. */
	LTTSYNC_PAIR_SECOND_TO_FIRST = 1,
} lttsync_pair_direction;

/**
 * The hull vertices of one direction of a pair: what constrains the
 * pair's relation (doc/algorithm.md, "One pair of hosts"). Messages sent
 * by the first host give the lower convex hull of their points (every
 * such message lies on or above the polyline of the vertices), messages
 * sent by the second host the upper convex hull of theirs (every one on
 * or below it). Only strict vertices: no three are collinear, and at
 * most one per x. For a pair explained by segments (doc/algorithm.md,
 * "Clocks whose rate changes"), the hull of each window of time instead,
 * window after window: the vertices of every window's hull, in x order.
 * Available whether or not messages are kept.
 *
 * Two-call pattern: with capacity 0 (points may be NULL), *out_count
 * receives the number of vertices.
 * @param out_count receives the number of vertices (also with
 *        #LTTSYNC_ERROR_RANGE).
 * @param points receives the vertices sorted by increasing x, or NULL
 *        when capacity is 0.
 * @param capacity room in points.
 * @param session the session.
 * @param pair a pair index, as in lttsync_session_get_pair().
 * @param direction which messages.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND (no such pair), #LTTSYNC_ERROR_RANGE
 *         (capacity too small: points untouched) or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_hull(size_t *out_count,
							 lttsync_point *points,
							 size_t capacity,
							 lttsync_session *session,
							 size_t pair,
							 lttsync_pair_direction direction);

/** A trace id that names no trace: the message was fed as such. @since 0.2 */
#define LTTSYNC_TRACE_NONE ((lttsync_trace_id)UINT32_MAX)

/**
 * A kept message with where it came from. Initialise with
 * lttsync_match_init() before lttsync_session_get_kept_match() fills
 * it: `struct_size` lets later releases add fields.
 *
 * A message matched from packet events names the traces of its two
 * events and its packet. A message fed with
 * lttsync_session_feed_message() has `has_packet` 0 and
 * #LTTSYNC_TRACE_NONE traces. A message matched from packet events fed
 * before lttsync_session_set_keep_messages() turned keeping on has its
 * key (seq, ack_seq, flags) and, if known, its ports, but no traces
 * (#LTTSYNC_TRACE_NONE) and family 0.
 * @since 0.2
 */
typedef struct lttsync_match {
	uint32_t struct_size;          /**< Set by lttsync_match_init(). */
	lttsync_message message;       /**< Hosts and times. */
	lttsync_trace_id send_trace;   /**< Trace of the send event, or #LTTSYNC_TRACE_NONE. */
	lttsync_trace_id recv_trace;   /**< Trace of the receive event, or #LTTSYNC_TRACE_NONE. */
	uint8_t has_packet;            /**< Non-zero: matched from packet events; the fields below are set. */
	uint8_t family;                /**< 0: addresses unknown, 4: IPv4, 6: IPv6. */
	uint8_t has_ports;             /**< Non-zero when the ports are known. */
	uint8_t flags;                 /**< Canonical TCP flags (LTTSYNC_TCP_*). */
	uint16_t src_port;             /**< Source port as sent (host order). */
	uint16_t dst_port;             /**< Destination port as sent (host order). */
	uint32_t seq;                  /**< TCP sequence number (host order). */
	uint32_t ack_seq;              /**< TCP acknowledgment number (host order). */
	uint8_t src_addr[16];          /**< Source address as sent (IPv4: first 4 bytes). */
	uint8_t dst_addr[16];          /**< Destination address as sent. */
} lttsync_match;

/**
 * Reset a match to "nothing known" (#LTTSYNC_TRACE_NONE traces) and set
 * its struct_size to the size of the struct this program was compiled
 * with. Inline for the reason given at lttsync_packet_init().
 * @param match the match to initialise (NULL: no-op).
 * @since 0.2
 */
static inline void lttsync_match_init(lttsync_match *match)
{
	if (!match)
		return;
	memset(match, 0, sizeof(*match));
	match->struct_size = (uint32_t)sizeof(*match);
	match->send_trace = LTTSYNC_TRACE_NONE;
	match->recv_trace = LTTSYNC_TRACE_NONE;
}

/**
 * Number of kept messages over all pairs
 * (lttsync_session_set_keep_messages()): indices of
 * lttsync_session_get_kept_match() are 0 to count - 1.
 * @param out receives the count. @param session the session.
 * @return #LTTSYNC_OK or #LTTSYNC_ERROR_INVALID_ARGUMENT.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_get_kept_match_count(size_t *out,
								lttsync_session *session);

/**
 * A kept message with its traces and packet, over all pairs in the order
 * they were added (the order of lttsync_session_get_kept_message() within
 * each pair). Only kept while lttsync_session_set_keep_messages() is on:
 * keeping costs about 112 bytes a message, and 48 more per pending
 * packet key, within the memory limit (lttsync_session_set_memory_limit()).
 * @param out initialised with lttsync_match_init(); receives the match.
 * @param session the session. @param index 0 to count - 1
 *        (lttsync_session_get_kept_match_count()).
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL, or out not
 *         initialised) or #LTTSYNC_ERROR_NOT_FOUND (index too large).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_get_kept_match(lttsync_match *out,
							  lttsync_session *session,
							  size_t index);

/**
 * Number of host pairs that exchanged at least one message.
 * @param session the session (NULL: 0).
 * @return the count; pairs are indexed 0 to count - 1 in the order they
 *         first exchanged a message.
 * @since 0.1
 */
LTTSYNC_API size_t lttsync_session_get_pair_count(lttsync_session *session);

/**
 * The two hosts of a pair, smaller id first.
 * @param out_a receives one host. @param out_b receives the other.
 * @param session the session. @param index 0 to count - 1.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair(lttsync_host_id *out_a,
						lttsync_host_id *out_b,
						lttsync_session *session,
						size_t index);

/* ---- pair results ----------------------------------------------------- */
/*
 * A pair is queried in an orientation: (from, to) describes the relation
 * t_to = a * t_from + b. The session itself uses from = the host nearer
 * the reference, as doc/algorithm.md defines.
 */

/**
 * @param out receives the pair's quality.
 * @param session the session. @param from x host. @param to y host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (same host) or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_quality(lttsync_quality *out,
							lttsync_session *session,
							lttsync_host_id from,
							lttsync_host_id to);

/**
 * Bounds on the slope a of t_to = a * t_from + b.
 * @param out_min receives a_min (-INFINITY when unbounded).
 * @param out_max receives a_max (+INFINITY when unbounded).
 * @param session the session. @param from x host. @param to y host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND or #LTTSYNC_ERROR_NOT_AVAILABLE
 *         (absent, incomplete).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_slope_bounds(double *out_min,
							     double *out_max,
							     lttsync_session *session,
							     lttsync_host_id from,
							     lttsync_host_id to);

/**
 * Bounds at from-time t on to-time: every relation compatible with the
 * messages maps t into [*out_lo, *out_hi] (rounded outwards).
 * @param out_lo receives the lower bound (INT64_MIN when unbounded).
 * @param out_hi receives the upper bound (INT64_MAX when unbounded).
 * @param session the session. @param from x host. @param to y host.
 * @param t a time of `from`'s clock.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND or #LTTSYNC_ERROR_NOT_AVAILABLE.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_bounds_at(int64_t *out_lo,
							  int64_t *out_hi,
							  lttsync_session *session,
							  lttsync_host_id from,
							  lttsync_host_id to,
							  int64_t t);

/**
 * The pair's estimate t_to = a * t_from + b as a new transform: the
 * average of the extreme lines (accurate, fail), the finite extreme line
 * (approximate). None (#LTTSYNC_ERROR_NOT_AVAILABLE) when no line is
 * bounded (absent, incomplete, a fail with one point a side) or when the
 * estimate's value in the middle of the data is beyond int64.
 * @param out receives a new transform, owned by the caller.
 * @param session the session. @param from x host. @param to y host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND, #LTTSYNC_ERROR_NOT_AVAILABLE or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_estimate(lttsync_transform **out,
							 lttsync_session *session,
							 lttsync_host_id from,
							 lttsync_host_id to);

/**
 * For a pair in #LTTSYNC_QUALITY_FAIL: the smallest possible violation
 * e (ns of `to`'s clock) and how many hull points the estimate violates.
 * Other qualities give 0 and 0.
 * @param out_ns receives e. @param out_count receives the count.
 * @param session the session. @param from x host. @param to y host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_pair_violation(double *out_ns,
							  uint64_t *out_count,
							  lttsync_session *session,
							  lttsync_host_id from,
							  lttsync_host_id to);

/* ---- host results ----------------------------------------------------- */

/**
 * @param out receives the reference host (chosen or set).
 * @param session the session.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_AVAILABLE (no host).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_reference(lttsync_host_id *out,
						     lttsync_session *session);

/**
 * @param out receives the host's quality (see #lttsync_quality).
 * @param session the session. @param host a host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NOT_FOUND.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_host_quality(lttsync_quality *out,
							lttsync_session *session,
							lttsync_host_id host);

/**
 * The next host on the path from `host` to the reference; the reference
 * is its own parent. The path ends at the reference.
 * @param out receives the next host.
 * @param session the session. @param host a host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND or #LTTSYNC_ERROR_NOT_AVAILABLE
 *         (disconnected).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_host_parent(lttsync_host_id *out,
						       lttsync_session *session,
						       lttsync_host_id host);

/**
 * The host's transform onto the reference clock, composed along its path.
 * @param out receives a new transform, owned by the caller.
 * @param session the session. @param host a host.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND, #LTTSYNC_ERROR_NOT_AVAILABLE
 *         (disconnected; or, since 0.2, a reference host without any
 *         message: its transform would be the identity, with no time of
 *         its data to pivot at) or #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_host_transform(lttsync_transform **out,
							  lttsync_session *session,
							  lttsync_host_id host);

/**
 * Guaranteed bounds on the reference time of host-time t, carried along
 * the host's path. For a host more than 64 hops from the reference they
 * are read from bounds kept every 64 hops of the path (doc/algorithm.md,
 * "Bounds along a path"), so that asking every host costs time linear in
 * the hosts; they still hold the true relation, and may differ from a
 * hop-by-hop walk by a few nanoseconds of rounding.
 * @param out_lo receives the lower bound (INT64_MIN when unbounded).
 * @param out_hi receives the upper bound (INT64_MAX when unbounded).
 * @param session the session. @param host a host. @param t host time.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND or #LTTSYNC_ERROR_NOT_AVAILABLE.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_session_get_host_bounds_at(int64_t *out_lo,
							  int64_t *out_hi,
							  lttsync_session *session,
							  lttsync_host_id host,
							  int64_t t);

/* ---- reports ---------------------------------------------------------- */

/**
 * Write the session's JSON report (doc/output.md): per host its quality,
 * transform (exact decimal text), bounds, segments, parent and hop count,
 * traces; per pair its counts, quality and estimate. The text is written
 * as it is produced: a failure may leave part of it in fp. This is the
 * report `lttsync --format json` writes; lttsync_report_load() reads it.
 * @param session the session, after lttsync_session_read_traces() or the
 *        feeding of messages.
 * @param fp an open stream, written to and not closed.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NO_MEMORY or #LTTSYNC_ERROR_IO (fp's error flag
 *         set after writing); the session's last error says more.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_write_report(lttsync_session *session,
						    FILE *fp);

/**
 * Flag of lttsync_session_write_text_report(): also a table of every
 * segment of every host's transform (what `lttsync --verbose` prints).
 * @since 0.2
 */
#define LTTSYNC_TEXT_REPORT_SEGMENTS 0x1u

/**
 * Write the session's text report (doc/output.md), the one `lttsync`
 * prints: the reference; per host its quality, offset and drift at its
 * pivot, bounds width, parent and hop count; the segment counts; per
 * trace its counts and error; per pair its counts, quality and slope
 * bounds. Paths and messages from the input are written with control
 * characters as \\xNN. The text is written as it is produced: a failure
 * may leave part of it in fp. Every digit: lttsync_session_write_report().
 * @param session the session, after lttsync_session_read_traces() or the
 *        feeding of messages.
 * @param fp an open stream, written to and not closed.
 * @param flags 0 or #LTTSYNC_TEXT_REPORT_SEGMENTS.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL, or an
 *         unknown flag), #LTTSYNC_ERROR_NO_MEMORY or #LTTSYNC_ERROR_IO
 *         (fp's error flag set after writing); the session's last error
 *         says more.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_session_write_text_report(lttsync_session *session,
							    FILE *fp,
							    unsigned int flags);

/** A JSON report loaded with lttsync_report_load() (opaque). @since 0.2 */
typedef struct lttsync_report lttsync_report;

/**
 * Load a JSON report written by lttsync_session_write_report() (or
 * `lttsync --format json`). The file is read whole, up to 512 MiB, and
 * checked: JSON syntax, each member the loader uses of the right type
 * (transform fields as strings), a host named once, the reference and
 * parents among the hosts, every transform parsable. Members it does not
 * use are skipped. On failure lttsync_report_get_last_error() says what
 * and where (line and column).
 * @param out receives a new report, owned by the caller
 *        (lttsync_report_destroy()); untouched on failure.
 * @param path the report's path.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL),
 *         #LTTSYNC_ERROR_IO (cannot be opened or read),
 *         #LTTSYNC_ERROR_FORMAT (not such a report, or larger than
 *         512 MiB) or #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_report_load(lttsync_report **out,
					   const char *path);

/**
 * The message of the last lttsync_report_load() or lttsync_report_get_*
 * call of the calling thread that failed ("" after a success): each
 * thread has its own, since a failed load has no report to hold it.
 * @return a string valid until the thread's next such call.
 * @since 0.2
 */
LTTSYNC_API const char *lttsync_report_get_last_error(void);

/**
 * @param report a report (NULL: 0).
 * @return the number of hosts of the report.
 * @since 0.2
 */
LTTSYNC_API size_t lttsync_report_get_host_count(const lttsync_report *report);

/**
 * @param report a report. @param index 0 to count - 1, in the report's
 *        order (sorted by name when lttsync wrote it).
 * @return the host's name, owned by the report; NULL when out of range.
 * @since 0.2
 */
LTTSYNC_API const char *lttsync_report_get_host_name(const lttsync_report *report,
						 size_t index);

/**
 * @param report a report.
 * @return the reference host's name, owned by the report; NULL when the
 *         report has none.
 * @since 0.2
 */
LTTSYNC_API const char *lttsync_report_get_reference(const lttsync_report *report);

/**
 * The host's transform onto the reference clock, as the report gives it:
 * applies within 1 ns of the transform the session that wrote it had
 * (piecewise transforms included).
 * @param out receives a new transform, owned by the caller.
 * @param report a report. @param host a host name.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND (no such host),
 *         #LTTSYNC_ERROR_NOT_AVAILABLE (a host without transform:
 *         disconnected) or #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_report_get_host_transform(lttsync_transform **out,
							 const lttsync_report *report,
							 const char *host);

/**
 * @param out receives the host's quality (see #lttsync_quality).
 * @param report a report. @param host a host name.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND (no such host) or
 *         #LTTSYNC_ERROR_NOT_AVAILABLE (the report gives none).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_report_get_host_quality(lttsync_quality *out,
						       const lttsync_report *report,
						       const char *host);

/**
 * The next host on the host's path to the reference.
 * @param report a report. @param host a host name.
 * @return its name, owned by the report; NULL for the reference, a host
 *         without a path, or an unknown host.
 * @since 0.2
 */
LTTSYNC_API const char *lttsync_report_get_host_parent(const lttsync_report *report,
						   const char *host);

/**
 * @param report a report, or NULL (no-op).
 * @since 0.2
 */
LTTSYNC_API void lttsync_report_destroy(lttsync_report *report);

/* ---- transforms ------------------------------------------------------- */

/**
 * Apply a transform, rounding to the nearest ns; within 1 ns of the exact
 * rational result of its slope and offset.
 * @param out receives the mapped time.
 * @param transform the transform. @param t a time of the input clock.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_RANGE (result beyond int64).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_transform_apply(int64_t *out,
					       const lttsync_transform *transform,
					       int64_t t);

/**
 * @param transform the transform (NULL: NAN).
 * @return the slope as a double (use lttsync_transform_format() for all
 *         digits).
 * @since 0.1
 */
LTTSYNC_API double lttsync_transform_get_slope(const lttsync_transform *transform);

/**
 * @param transform the transform (NULL: 0).
 * @return the pivot: a time of the input clock near the data.
 * @since 0.1
 */
LTTSYNC_API int64_t lttsync_transform_get_pivot(const lttsync_transform *transform);

/** A buffer size that lttsync_transform_format() always fits in. @since 0.1 */
#define LTTSYNC_FORMAT_SIZE 128

/**
 * Render a field of `t_ref = slope * t + offset` and of the pivot form
 * `t_ref = pivot_ref + slope * (t - pivot)` as a decimal string: the
 * slope is the exact decimal expansion of the transform's binary slope
 * (at least 21 significant digits; about 66 characters for slopes near 1;
 * an absurd slope whose expansion would not fit #LTTSYNC_FORMAT_SIZE is
 * given with 25 significant digits, in exponent form if needed),
 * the offset and pivot_ref are the exact values of its own parameters
 * truncated after 12 decimals, the pivot is an integer. Trailing zeros
 * after the point are removed. So `slope * t + offset` reproduces
 * lttsync_transform_apply() within 1 ns anywhere a trace can be.
 * The offset field is signed (`-657...`): to print the whole equation,
 * ask for #LTTSYNC_FIELD_EQUATION, which writes `SLOPE * t - 657...`
 * rather than gluing the fields into `+ -`.
 * @param buf receives the NUL-terminated string.
 * @param size size of buf; #LTTSYNC_FORMAT_SIZE always suffices for
 *        transforms the library computes from timestamps within +-2^62,
 *        2 * #LTTSYNC_FORMAT_SIZE for #LTTSYNC_FIELD_EQUATION.
 * @param transform the transform. @param field which field.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_RANGE (buf too small).
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_transform_format(char *buf, size_t size,
						const lttsync_transform *transform,
						lttsync_transform_field field);

/**
 * A transform from its decimal text, as lttsync_transform_format() writes
 * it and as `lttsync --format json` reports it: `t_ref = pivot_ref +
 * slope * (t - pivot)`. Lets a program apply the transforms of a saved
 * report. A transform read back from its own formatted fields applies
 * within 1 ns of the original (the offset's 12 decimals are truncated).
 * To give `t_ref = slope * t + offset`, pass pivot "0" and the offset as
 * pivot_ref (exact too, within the long double slope's 64-bit precision).
 * @param out receives a new transform, owned by the caller.
 * @param slope decimal, optionally with an exponent ("1.0000513",
 *        "9.9e-1"); must be finite and positive.
 * @param pivot decimal integer (ns, input clock), within int64.
 * @param pivot_ref decimal ("1361214092915325985.771434943186",
 *        "-12.5"; no exponent), its integer part within int64.
 * @return #LTTSYNC_OK; #LTTSYNC_ERROR_INVALID_ARGUMENT for NULL or text
 *         that is not such a number, or a slope <= 0;
 *         #LTTSYNC_ERROR_RANGE for a number out of range (a slope beyond
 *         the long double range, above or below);
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.1
 */
LTTSYNC_API lttsync_status lttsync_transform_parse(lttsync_transform **out,
					       const char *slope,
					       const char *pivot,
					       const char *pivot_ref);

/**
 * @param transform the transform, or NULL (no-op).
 * @since 0.1
 */
LTTSYNC_API void lttsync_transform_destroy(lttsync_transform *transform);

/**
 * The number of segments of a transform. A transform is a continuous,
 * strictly increasing, piecewise-linear function of its input time:
 * segment k applies from its start (lttsync_transform_get_segment()) up
 * to the next segment's start. A transform that is one line has one
 * segment; lttsync_transform_get_slope(), lttsync_transform_get_pivot()
 * and lttsync_transform_format() describe, for a transform of several
 * segments, its main segment: for a session's transform the one in force
 * at the middle of the host's data (doc/algorithm.md, "Clocks whose rate
 * changes").
 * @param transform the transform (NULL: 0).
 * @return the number of segments, at least 1.
 * @since 0.2
 */
LTTSYNC_API size_t lttsync_transform_get_segment_count(const lttsync_transform *transform);

/**
 * One segment of a transform, as a one-line transform of its own (to be
 * read with lttsync_transform_format() and friends).
 * @param out receives a new one-line transform, owned by the caller.
 * @param out_from receives the segment's start, in input-clock ns:
 *        INT64_MIN for segment 0, which applies from the beginning.
 * @param out_bound_width receives the width (ns) of the guaranteed
 *        bounds over the segment's data, NAN when it has none (joint
 *        segments, failed pairs, or not enough messages).
 * @param transform the transform. @param index 0 to count - 1.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT,
 *         #LTTSYNC_ERROR_NOT_FOUND (index too large) or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_transform_get_segment(lttsync_transform **out,
						     int64_t *out_from,
						     double *out_bound_width,
						     const lttsync_transform *transform,
						     size_t index);

/**
 * A piecewise transform from its segments, for instance as parsed back
 * from a report with lttsync_transform_parse(): segment k is lines[k]
 * from from[k] on. The lines are copied as they are (a report's segments
 * already meet at their starts); the result's main segment is
 * lines[n / 2].
 * @param out receives a new transform, owned by the caller.
 * @param lines n one-line transforms with positive slopes.
 * @param from n starts: from[0] is ignored (the first segment applies
 *        from the beginning), the others strictly increasing.
 * @param n the number of segments, at least 1.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL, n == 0, a
 *         piecewise line, starts not increasing) or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_transform_join(lttsync_transform **out,
					      const lttsync_transform *const *lines,
					      const int64_t *from, size_t n);

/**
 * Map a reference time back to the transform's input clock (to seek in
 * the original trace): the input time t whose image
 * lttsync_transform_apply() is nearest t_ref, so that applying the
 * result gives back t_ref within 1 ns wherever the slope is at most 2
 * (within slope / 2 + 1 ns where it is larger: consecutive input times
 * then map that far apart). Exact, not a floating-point inverse: the
 * answer is checked against lttsync_transform_apply() itself. Piecewise
 * transforms are inverted segment by segment; at a joint the result is
 * on whichever side maps nearer.
 * @param out receives the input time.
 * @param transform the transform. @param t_ref a reference time.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT (NULL) or
 *         #LTTSYNC_ERROR_RANGE when t_ref is outside the transform's
 *         range: beyond the images of INT64_MIN and INT64_MAX, or in the
 *         gap between two segments that do not meet (lttsync_transform_join()
 *         of lines that jump).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_transform_apply_inverse(int64_t *out,
						       const lttsync_transform *transform,
						       int64_t t_ref);

/**
 * A copy of a transform, segments included, independent of the original.
 * @param out receives a new transform, owned by the caller.
 * @param transform the transform.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_NO_MEMORY.
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_transform_copy(lttsync_transform **out,
					      const lttsync_transform *transform);

/**
 * The offset between the two clocks at input time t: transform(t) - t,
 * in ns, from the segment in force at t. Computed without rounding
 * transform(t) to an integer, so it is exact to about 1e-6 ns within
 * days of the segment's pivot (the double's own precision, 2^-52 of
 * the value, is the limit beyond that).
 * @param out_ns receives the offset.
 * @param transform the transform. @param t an input-clock time.
 * @return #LTTSYNC_OK, #LTTSYNC_ERROR_INVALID_ARGUMENT or
 *         #LTTSYNC_ERROR_RANGE (a transform whose value is beyond int64
 *         at its pivot).
 * @since 0.2
 */
LTTSYNC_API lttsync_status lttsync_transform_get_offset_at(double *out_ns,
						       const lttsync_transform *transform,
						       int64_t t);

#ifdef __cplusplus
}
#endif

#endif /* LTTSYNC_LTTSYNC_H */
