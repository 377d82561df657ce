/* SPDX-License-Identifier: MIT */
/*
 * Session life cycle, hosts and traces, feeding. What was matched is
 * asked through evidence.c, what was computed through results.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "path_bounds.h"
#include "session.h"

#define LSYNC_NAME_MAX 4096

static uint64_t fresh_seed(const void *salt)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^
	       (uint64_t)(uintptr_t)salt;
}

static void free_host(gpointer data)
{
	g_free(((lsync_host *)data)->name);
}

static void free_trace(gpointer data)
{
	lsync_trace *t = data;

	g_free(t->name);
	g_free(t->message);
}

LTTSYNC_API lttsync_status lttsync_session_create(lttsync_session **out)
{
	lttsync_session *s;

	if (!out)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return LTTSYNC_ERROR_NO_MEMORY;
	s->evidence.matcher = lsync_matcher_new(LSYNC_DEFAULT_MAX_PENDING, fresh_seed(s));
	if (!s->evidence.matcher) {
		free(s);
		return LTTSYNC_ERROR_NO_MEMORY;
	}
	s->hosts = g_array_new(FALSE, TRUE, sizeof(lsync_host));
	g_array_set_clear_func(s->hosts, free_host);
	s->host_ids = g_hash_table_new(g_str_hash, g_str_equal);
	s->traces = g_array_new(FALSE, TRUE, sizeof(lsync_trace));
	g_array_set_clear_func(s->traces, free_trace);
	atomic_init(&s->read.cancel, false);
	s->read.trace_folders = g_hash_table_new_full(g_str_hash, g_str_equal,
						 g_free, NULL);
	s->evidence.pairs = g_hash_table_new(g_int64_hash, g_int64_equal);
	s->read.lead_pairs = g_hash_table_new_full(g_int64_hash, g_int64_equal,
					      NULL, g_free);
	s->evidence.pair_list = g_ptr_array_new_with_free_func((GDestroyNotify)lsync_pair_free);
	s->results.hosts = g_array_new(FALSE, TRUE, sizeof(lsync_host_result));
	s->results.forced_ref = LSYNC_NO_HOST;
	s->results.reference = LSYNC_NO_HOST;
	s->evidence.max_pending = LSYNC_DEFAULT_MAX_PENDING;
	s->read.jobs = LSYNC_DEFAULT_READ_JOBS;
	s->evidence.segments = true;
	s->evidence.segment_window = LSYNC_SEGMENT_WINDOW_NS;
	s->evidence.segment_min_span = LSYNC_SEGMENT_MIN_SPAN_NS;
	*out = s;
	return LTTSYNC_OK;
}

LTTSYNC_API void lttsync_session_destroy(lttsync_session *s)
{
	if (!s)
		return;
	lsync_matcher_free(s->evidence.matcher);
	lsync_kept_matches_free(&s->evidence.matches);
	g_hash_table_destroy(s->evidence.pairs);
	free(s->evidence.small_pairs);
	g_ptr_array_free(s->evidence.pair_list, TRUE);
	g_hash_table_destroy(s->host_ids);
	g_array_free(s->hosts, TRUE);
	g_array_free(s->traces, TRUE);
	g_hash_table_destroy(s->read.trace_folders);
	lsync_path_bounds_free(s);
	for (guint h = 0; h < s->results.hosts->len; h++) {
		free(g_array_index(s->results.hosts, lsync_host_result, h).pieces);
		free(g_array_index(s->results.hosts, lsync_host_result, h).widths);
	}
	g_array_free(s->results.hosts, TRUE);
	g_free(s->read.leads);
	g_hash_table_destroy(s->read.lead_pairs);
	free(s);
}

/* What one pending key is counted for against the memory limit: match.c's
 * 64 to 72 bytes, and 8 for the filter of retired keys once the table
 * overflows (tombstones.h), with a margin. */
#define LSYNC_PENDING_KEY_BYTES 80

/* Per pending key, while messages are kept: where its match came from
 * (lsync_matcher_set_detail()). */
static size_t pending_key_bytes(const lttsync_session *s)
{
	return LSYNC_PENDING_KEY_BYTES +
	       (s->evidence.keep_messages ? LSYNC_MATCH_DETAIL_BYTES : 0);
}

/* The matcher's cap: the caller's, lowered to fit half the memory limit. */
static lttsync_status apply_pending_cap(lttsync_session *s)
{
	size_t cap = s->evidence.max_pending;
	int rc;

	if (s->memory_limit && cap > s->memory_limit / 2 / pending_key_bytes(s))
		cap = s->memory_limit / 2 / pending_key_bytes(s);
	rc = lsync_matcher_set_max_pending(s->evidence.matcher, cap ? cap : 1,
					   lsync_session_add_matched, s);
	if (rc < 0)
		return lsync_error(s, rc, "cannot retire pending entries: %s",
				   lttsync_status_string(rc));
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_set_max_pending(lttsync_session *s,
							size_t max_pending)
{
	LSYNC_INVALID_IF(s, !s);
	lsync_clear_error(s);
	if (max_pending < 1)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "max_pending must be at least 1");
	s->evidence.max_pending = max_pending;
	return apply_pending_cap(s);
}

LTTSYNC_API lttsync_status lttsync_session_set_memory_limit(lttsync_session *s,
							size_t bytes)
{
	LSYNC_INVALID_IF(s, !s);
	lsync_clear_error(s);
	if (bytes != 0 && bytes < 4096)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "memory limit below 4096 bytes");
	s->memory_limit = bytes;
	return apply_pending_cap(s);
}

/* What the session holds besides the pending table, in bytes (estimate). */
static size_t held_bytes(const lttsync_session *s)
{
	return s->evidence.n_vertices * sizeof(lsync_point) +
	       s->evidence.n_kept * (sizeof(lttsync_message) +
				     sizeof(lsync_kept_match)) +
	       s->evidence.pair_list->len * (sizeof(lsync_pair) + 64) +
	       s->hosts->len * (sizeof(lsync_host) + sizeof(lsync_host_result) + 64) +
	       s->traces->len * (sizeof(lsync_trace) + 64);
}

static bool over_limit(const lttsync_session *s)
{
	return s->memory_limit && held_bytes(s) >= s->memory_limit / 2;
}

LTTSYNC_API lttsync_status lttsync_session_set_keep_messages(lttsync_session *s,
							 int keep)
{
	LSYNC_INVALID_IF(s, !s);
	lsync_clear_error(s);
	s->evidence.keep_messages = keep != 0;
	lsync_matcher_set_detail(s->evidence.matcher, keep != 0);
	return apply_pending_cap(s);
}

LTTSYNC_API lttsync_status lttsync_session_set_reference(lttsync_session *s,
						      lttsync_host_id host)
{
	LSYNC_INVALID_IF(s, !s);
	lsync_clear_error(s);
	if (host != LTTSYNC_HOST_AUTO && host >= s->hosts->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no host with id %u", host);
	s->results.forced_ref = host == LTTSYNC_HOST_AUTO ? LSYNC_NO_HOST : host;
	s->results.dirty = true;
	return LTTSYNC_OK;
}

/* A setting of the segmentation changed: every pair solves it again. */
static void segments_changed(lttsync_session *s)
{
	for (guint i = 0; i < s->evidence.pair_list->len; i++)
		((lsync_pair *)g_ptr_array_index(s->evidence.pair_list, i))->seg_at = 0;
	s->results.dirty = true;
}

LTTSYNC_API lttsync_status lttsync_session_set_segments(lttsync_session *s,
						    int on)
{
	if (!s)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	lsync_clear_error(s);
	if (on && !s->evidence.segments && s->evidence.fed_without_windows)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "segments must be on before the messages "
				   "are fed (their windows were not kept)");
	s->evidence.segments = on != 0;
	segments_changed(s);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_set_segment_window(lttsync_session *s,
							  int64_t width_ns)
{
	if (!s)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	lsync_clear_error(s);
	if (width_ns < 1000 || width_ns > ((int64_t)1 << 40))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "segment window %lld ns out of [1000, 2^40]",
				   (long long)width_ns);
	if (s->evidence.pair_list->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_AVAILABLE,
				   "the segment window is set before the first "
				   "message");
	s->evidence.segment_window = width_ns;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_set_segment_min_span(lttsync_session *s,
							    int64_t min_span_ns)
{
	if (!s)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	lsync_clear_error(s);
	if (min_span_ns < 0 || min_span_ns > LSYNC_TS_MAX)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "segment minimum span %lld ns out of [0, 2^62]",
				   (long long)min_span_ns);
	s->evidence.segment_min_span = min_span_ns;
	segments_changed(s);
	return LTTSYNC_OK;
}

/* ---- hosts and traces ---------------------------------------------- */

lttsync_status lsync_check_host(lttsync_session *s, lttsync_host_id host,
				const char *what)
{
	if (host >= s->hosts->len)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "%s: no host with id %u (%u declared)",
				   what, host, s->hosts->len);
	return LTTSYNC_OK;
}

static lttsync_status check_name(lttsync_session *s, const char *name,
				 const char *what)
{
	if (!name || !name[0])
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "%s name is NULL or empty", what);
	if (strnlen(name, LSYNC_NAME_MAX + 1) > LSYNC_NAME_MAX)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "%s name longer than %d bytes", what,
				   LSYNC_NAME_MAX);
	return LTTSYNC_OK;
}

/* Control characters in a host name would reach terminals raw. */
static lttsync_status check_printable(lttsync_session *s, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					   "host name with control character 0x%02x",
					   *p);
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_add_host(lttsync_host_id *out,
						lttsync_session *s,
						const char *name)
{
	lsync_host host = { .ts_min = INT64_MAX, .ts_max = INT64_MIN };
	lsync_host_result none = { .parent = LSYNC_NO_HOST };
	lttsync_status st;
	gpointer found;

	LSYNC_INVALID_IF(s, !s || !out);
	lsync_clear_error(s);
	if ((st = check_name(s, name, "host")) ||
	    (st = check_printable(s, name)))
		return st;
	found = g_hash_table_lookup(s->host_ids, name);
	if (found) {
		*out = GPOINTER_TO_UINT(found) - 1;
		return LTTSYNC_OK;
	}
	if (s->hosts->len >= UINT32_MAX - 1)
		return lsync_error(s, LTTSYNC_ERROR_RANGE, "too many hosts");
	host.name = g_strdup(name);
	g_array_append_val(s->hosts, host);
	g_array_append_val(s->results.hosts, none);
	g_hash_table_insert(s->host_ids, host.name,
			    GUINT_TO_POINTER(s->hosts->len));
	s->results.dirty = true;
	*out = s->hosts->len - 1;
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_find_host(lttsync_host_id *out,
						 const lttsync_session *s,
						 const char *name)
{
	gpointer found;

	if (!s || !out || !name)
		return LTTSYNC_ERROR_INVALID_ARGUMENT;
	found = g_hash_table_lookup(s->host_ids, name);
	if (!found)
		return LTTSYNC_ERROR_NOT_FOUND;
	*out = GPOINTER_TO_UINT(found) - 1;
	return LTTSYNC_OK;
}

LTTSYNC_API size_t lttsync_session_get_host_count(const lttsync_session *s)
{
	return s ? s->hosts->len : 0;
}

LTTSYNC_API const char *lttsync_session_get_host_name(const lttsync_session *s,
						  lttsync_host_id host)
{
	if (!s || host >= s->hosts->len)
		return NULL;
	return g_array_index(s->hosts, lsync_host, host).name;
}

uint32_t lsync_session_new_trace(lttsync_session *s, uint32_t host,
				 const char *name)
{
	lsync_trace t = { .host = host, .status = LTTSYNC_OK };

	if (s->traces->len >= UINT32_MAX - 1)
		return LSYNC_NO_HOST;
	t.name = g_strdup(name);
	g_array_append_val(s->traces, t);
	return s->traces->len - 1;
}

LTTSYNC_API lttsync_status lttsync_session_add_trace(lttsync_trace_id *out,
						 lttsync_session *s,
						 lttsync_host_id host,
						 const char *name)
{
	lttsync_status st;
	uint32_t id;

	LSYNC_INVALID_IF(s, !s || !out);
	lsync_clear_error(s);
	if ((st = check_name(s, name, "trace")) ||
	    (st = lsync_check_host(s, host, "add_trace")))
		return st;
	id = lsync_session_new_trace(s, host, name);
	if (id == LSYNC_NO_HOST)
		return lsync_error(s, LTTSYNC_ERROR_RANGE, "too many traces");
	*out = id;
	return LTTSYNC_OK;
}

LTTSYNC_API size_t lttsync_session_get_trace_count(const lttsync_session *s)
{
	return s ? s->traces->len : 0;
}

LTTSYNC_API lttsync_status lttsync_session_get_trace_host(lttsync_host_id *out,
						      const lttsync_session *s,
						      lttsync_trace_id trace)
{
	uint32_t host;

	if (!s || !out)
		return lsync_error_const(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
					 "get_trace_host: NULL argument");
	if (trace >= s->traces->len)
		return lsync_error_const(s, LTTSYNC_ERROR_NOT_FOUND, "get_trace_host: "
					 "no trace %u (the session has %u)", trace,
					 s->traces->len);
	host = g_array_index(s->traces, lsync_trace, trace).host;
	if (host == LSYNC_NO_HOST)
		return lsync_error_const(s, LTTSYNC_ERROR_NOT_AVAILABLE,
					 "get_trace_host: trace %u has no host (reading "
					 "it failed before its identity)", trace);
	lsync_clear_error((lttsync_session *)s);
	*out = host;
	return LTTSYNC_OK;
}

LTTSYNC_API const char *lttsync_session_get_trace_name(const lttsync_session *s,
						   lttsync_trace_id trace)
{
	if (!s || trace >= s->traces->len)
		return NULL;
	return g_array_index(s->traces, lsync_trace, trace).name;
}

/* ---- feeding ----------------------------------------------------------- */

bool lsync_ts_valid(int64_t ts)
{
	return ts >= LSYNC_TS_MIN && ts <= LSYNC_TS_MAX;
}

static void note_timestamp(lttsync_session *s, uint32_t host, int64_t ts)
{
	lsync_host *h = &g_array_index(s->hosts, lsync_host, host);

	if (ts < h->ts_min)
		h->ts_min = ts;
	if (ts > h->ts_max)
		h->ts_max = ts;
}

/* Inline: get_or_create_pair() runs it once per message. */
static inline lsync_pair *find_pair(lttsync_session *s, uint32_t h1, uint32_t h2)
{
	uint64_t key = lsync_pair_key(h1, h2);
	uint32_t a = h1 < h2 ? h1 : h2, b = h1 < h2 ? h2 : h1;

	if (b < LSYNC_SMALL_HOSTS && a != b)
		return s->evidence.small_pairs ? s->evidence.small_pairs[lsync_small_pair_index(a, b)]
				      : NULL;
	/* Consecutive messages mostly join the same two hosts. */
	if (s->evidence.last_pair && s->evidence.last_pair->key == key)
		return s->evidence.last_pair;
	s->evidence.last_pair = g_hash_table_lookup(s->evidence.pairs, &key);
	return s->evidence.last_pair;
}

lsync_pair *lsync_session_pair(lttsync_session *s, uint32_t h1, uint32_t h2)
{
	return find_pair(s, h1, h2);
}

static lsync_pair *create_pair(lttsync_session *s, uint32_t h1, uint32_t h2)
{
	lsync_pair *pair;

	if (!s->evidence.small_pairs && h1 < LSYNC_SMALL_HOSTS && h2 < LSYNC_SMALL_HOSTS) {
		s->evidence.small_pairs = calloc(lsync_small_pair_index(0, LSYNC_SMALL_HOSTS),
					sizeof(*s->evidence.small_pairs));
		if (!s->evidence.small_pairs)
			return NULL;
	}
	pair = lsync_pair_new(h1, h2, s->evidence.segments,
			      s->evidence.segment_window);
	if (!pair)
		return NULL;
	if (pair->b < LSYNC_SMALL_HOSTS && pair->a != pair->b)
		s->evidence.small_pairs[lsync_small_pair_index(pair->a, pair->b)] = pair;
	g_hash_table_insert(s->evidence.pairs, &pair->key, pair);
	g_ptr_array_add(s->evidence.pair_list, pair);
	return pair;
}

static inline lsync_pair *get_or_create_pair(lttsync_session *s, uint32_t h1,
					     uint32_t h2)
{
	lsync_pair *pair = find_pair(s, h1, h2);

	return pair ? pair : create_pair(s, h1, h2);
}

/* feed_message()'s work once its arguments are checked. */
static inline int add_message(lttsync_session *s, uint32_t send_host,
			      int64_t send_ns, uint32_t recv_host,
			      int64_t recv_ns, const lsync_match_detail *detail)
{
	lsync_pair *pair;
	int rc;

	if (over_limit(s)) {
		s->evidence.over_limit++;
		return LTTSYNC_ERROR_LIMIT;
	}
	pair = get_or_create_pair(s, send_host, recv_host);
	if (!pair)
		return LTTSYNC_ERROR_NO_MEMORY;
	/* off: windows would miss this message, so they go */
	if (!s->evidence.segments && pair->win && lsync_pair_full_hull(pair, true) < 0)
		return LTTSYNC_ERROR_NO_MEMORY;
	if (!pair->win)
		s->evidence.fed_without_windows = true;
	if (s->evidence.keep_messages &&
	    lsync_kept_matches_reserve(&s->evidence.matches) < 0)
		return LTTSYNC_ERROR_NO_MEMORY;
	rc = lsync_pair_add(pair, send_host, send_ns, recv_host, recv_ns,
			    s->evidence.keep_messages, &s->evidence.n_vertices);
	if (rc < 0)
		return LTTSYNC_ERROR_NO_MEMORY;
	s->evidence.n_kept += s->evidence.keep_messages;
	if (s->evidence.keep_messages)
		lsync_kept_matches_push(&s->evidence.matches, send_host, send_ns,
					recv_host, recv_ns, detail);
	note_timestamp(s, send_host, send_ns);
	note_timestamp(s, recv_host, recv_ns);
	s->evidence.n_messages++;
	if (rc > 0)
		s->results.dirty = true;
	return 0;
}

int lsync_session_add_message(void *session, uint32_t send_host,
			      int64_t send_ns, uint32_t recv_host,
			      int64_t recv_ns)
{
	return add_message(session, send_host, send_ns, recv_host, recv_ns,
			   NULL);
}

/* Matched packets over the limit are counted, not an error of the feed. */
int lsync_session_add_matched(void *session, uint32_t send_host, int64_t send_ns,
		       uint32_t recv_host, int64_t recv_ns)
{
	lttsync_session *s = session;
	int rc = add_message(s, send_host, send_ns, recv_host, recv_ns,
			     lsync_matcher_handing(s->evidence.matcher));

	return rc == LTTSYNC_ERROR_LIMIT ? 0 : rc;
}

LTTSYNC_API lttsync_status lttsync_session_feed_message(lttsync_session *s,
						    lttsync_host_id send_host,
						    int64_t send_ns,
						    lttsync_host_id recv_host,
						    int64_t recv_ns)
{
	lttsync_status st;

	LSYNC_INVALID_IF(s, !s);
	s->error[0] = '\0'; /* lsync_clear_error(), inlined: once per message */
	if ((st = lsync_check_host(s, send_host, "feed_message sender")) ||
	    (st = lsync_check_host(s, recv_host, "feed_message receiver")))
		return st;
	if (send_host == recv_host)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "a message must join two different hosts "
				   "(both are '%s')",
				   lttsync_session_get_host_name(s, send_host));
	if (!lsync_ts_valid(send_ns) || !lsync_ts_valid(recv_ns))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "timestamp out of range [-2^62, 2^62]");
	st = add_message(s, send_host, send_ns, recv_host, recv_ns, NULL);
	if (st)
		return lsync_error(s, st, "cannot record message: %s",
				   lttsync_status_string(st));
	return LTTSYNC_OK;
}

static lttsync_status check_packet(lttsync_session *s, const lttsync_packet *p)
{
	/*
	 * 0.1's struct is the smallest there will ever be; later releases
	 * read their added fields only when struct_size covers them.
	 */
	if (p->struct_size < sizeof(lttsync_packet))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "packet not initialised with lttsync_packet_init()");
	if (p->trace >= s->traces->len ||
	    lsync_session_trace(s, p->trace)->host == LSYNC_NO_HOST)
		return lsync_error(s, LTTSYNC_ERROR_NOT_FOUND,
				   "no trace with id %u and a host", p->trace);
	if (p->direction != LTTSYNC_DIRECTION_SEND &&
	    p->direction != LTTSYNC_DIRECTION_RECEIVE)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "bad packet direction %d", (int)p->direction);
	if (p->family != 0 && p->family != 4 && p->family != 6)
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "bad address family %u", p->family);
	if (!lsync_ts_valid(p->timestamp_ns))
		return lsync_error(s, LTTSYNC_ERROR_INVALID_ARGUMENT,
				   "timestamp out of range [-2^62, 2^62]");
	return LTTSYNC_OK;
}

/* A checked packet to the matcher; its matches to the hulls. */
static lttsync_status feed_checked(lttsync_session *s, const lttsync_packet *p)
{
	lttsync_status st;
	uint32_t host;

	if ((st = check_packet(s, p)))
		return st;
	host = lsync_session_trace(s, p->trace)->host;
	st = lsync_matcher_feed(s->evidence.matcher, p, host, lsync_session_add_matched, s);
	if (st)
		return lsync_error(s, st, "cannot match packet: %s",
				   lttsync_status_string(st));
	return LTTSYNC_OK;
}

LTTSYNC_API lttsync_status lttsync_session_feed_packet(lttsync_session *s,
						   const lttsync_packet *p)
{
	LSYNC_INVALID_IF(s, !s || !p);
	s->error[0] = '\0'; /* lsync_clear_error(), inlined: once per packet */
	return feed_checked(s, p);
}

void lsync_session_prefetch(const lttsync_session *s, const lttsync_packet *p)
{
	__builtin_prefetch(lsync_matcher_lookahead(s->evidence.matcher, p));
	__builtin_prefetch(lsync_matcher_lookahead_retired(s->evidence.matcher, p));
}

/*
 * How many packets ahead the index is prefetched: about 0.5 us of work at
 * this library's speed, more than a DRAM read takes on the project's VM,
 * and few enough for the lines to be still in cache when used. Also
 * prefetching, 4 and 2 ahead, the pool index and the entry a lookup
 * reads next was slower on the benchmark: 16.0-16.4 against 18.0-18.8 M
 * events/s, side by side.
 */
#define LOOKAHEAD 8
#define RETIRED_LOOKAHEAD 16

static void prefetch_ahead(const lttsync_session *s, const lttsync_packet *p,
			   size_t i, size_t n)
{
	const lsync_matcher *m = s->evidence.matcher;

	if (i + LOOKAHEAD < n)
		__builtin_prefetch(lsync_matcher_lookahead(m, &p[i + LOOKAHEAD]));
	if (i + RETIRED_LOOKAHEAD < n)
		__builtin_prefetch(lsync_matcher_lookahead_retired(
			m, &p[i + RETIRED_LOOKAHEAD]));
}

LTTSYNC_API lttsync_status lttsync_session_feed_packets(size_t *out_fed,
						    lttsync_session *s,
						    const lttsync_packet *packets,
						    size_t n)
{
	lttsync_status st = LTTSYNC_OK;
	size_t i;

	if (out_fed)
		*out_fed = 0;
	LSYNC_INVALID_IF(s, !s || !out_fed || (!packets && n));
	s->error[0] = '\0';
	for (i = 0; i < n && !st; i++) {
		prefetch_ahead(s, packets, i, n);
		st = feed_checked(s, &packets[i]);
	}
	*out_fed = st ? i - 1 : i;
	return st;
}
