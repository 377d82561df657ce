/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the input bytes drive a sequence of public API calls
 * on a session (hosts, traces, packets, messages, reference, pending cap,
 * kept messages, every query, destroy and recreate). After queries it
 * checks invariants and abort()s on a violation:
 *
 *  - every status returned is a valid lttsync_status (0 .. -7);
 *  - pair quality is a pair quality (ABSENT..FAIL), absent in both
 *    orientations or in neither, and consistent with the message counts: ABSENT iff no
 *    message either way, INCOMPLETE when only one direction has messages;
 *  - slope bounds: a_min <= a_max;
 *  - pair bounds_at succeeds only for APPROXIMATE/ACCURATE, and then
 *    lo <= hi and the pair estimate applied at t lies in [lo-1, hi+1];
 *  - a host with a transform has quality REFERENCE, ACCURATE, APPROXIMATE
 *    or FAIL; the reference (and only it) has quality REFERENCE and is its
 *    own parent; following parents from any connected host reaches the
 *    reference in fewer than host_count steps (no cycle), and a host has a
 *    parent iff it has a transform;
 *  - host bounds_at: lo <= hi, and the host transform applied at t lies in
 *    [lo-1, hi+1];
 *  - counters: PENDING <= max_pending; MESSAGES equals the sum of the
 *    per-direction message counts; kept messages are between the hosts
 *    asked and in range, and indexes past the count give NOT_FOUND;
 *  - pair hulls: the two-call pattern agrees with itself, a short buffer
 *    gives RANGE and stays untouched, vertices have strictly increasing
 *    x within the accepted range, a direction has vertices iff it has
 *    messages, and no more than it has messages; a pair that one line
 *    explains (an estimate of one segment) has a strictly convex chain
 *    (lower for the first host's messages, upper for the others);
 *  - kept matches: as many as the pairs' kept messages; each between two
 *    hosts, in range; a match from packets names traces of its hosts (or
 *    none), one fed as a message names no trace and no packet;
 *  - the JSON report written (lttsync_session_write_report) and loaded
 *    back (lttsync_report_load) gives every host, its quality, and its
 *    transform within 1 ns of the session's; the text report
 *    (lttsync_session_write_text_report) succeeds or fails as the JSON
 *    one did and has a row per host.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lttsync/lttsync.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)
#define ST(expr) check_status(expr, #expr, __LINE__)

/* FUZZ_TRACE=1 in the environment logs the calls that change the session. */
static int trace_on = -1;
#define LOG(...) do { if (trace_on < 0) trace_on = getenv("FUZZ_TRACE") != NULL; \
		if (trace_on) fprintf(stderr, __VA_ARGS__); } while (0)

#define MAX_HOSTS 8
#define MAX_OPS 400
#define TS_LIMIT ((int64_t)1 << 62)

static lttsync_status check_status(lttsync_status st, const char *what, int line)
{
	/* A declared status: OK or an error lttsync_status_string() knows. */
	if (st != LTTSYNC_OK &&
	    (st > 0 || strcmp(lttsync_status_string(st), "unknown status") == 0)) {
		fprintf(stderr, "invalid status %d from %s (line %d)\n", (int)st, what, line);
		abort();
	}
	return st;
}

/* ---- input reader ------------------------------------------------------ */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	uint8_t v;

	if (!in->n)
		return 0;
	v = *in->p++;
	in->n--;
	return v;
}

static uint16_t u16(struct in *in)
{
	return (uint16_t)(u8(in) | (uint16_t)u8(in) << 8);
}

static uint32_t u32(struct in *in)
{
	return (uint32_t)u16(in) | (uint32_t)u16(in) << 16;
}

static uint64_t u64(struct in *in)
{
	return (uint64_t)u32(in) | (uint64_t)u32(in) << 32;
}

/* A timestamp: edges of int64 and of the accepted range, or near an epoch. */
static int64_t ts(struct in *in)
{
	static const int64_t base = INT64_C(1700000000000000000);
	uint8_t k = u8(in);

	switch (k % 16) {
	case 0: return INT64_MIN;
	case 1: return INT64_MAX;
	case 2: return TS_LIMIT;
	case 3: return -TS_LIMIT;
	case 4: return TS_LIMIT + 1;
	case 5: return -TS_LIMIT - 1;
	case 6: return 0;
	case 7: return (int64_t)u64(in);
	case 8: return TS_LIMIT - (int64_t)u16(in);
	case 9: return -TS_LIMIT + (int64_t)u16(in);
	case 10: return (int64_t)(int16_t)u16(in);
	default: /* realistic: an epoch time, microsecond-ish steps */
		return base + (int64_t)(int32_t)u32(in) * (int64_t)(1 + (k >> 4));
	}
}

/* A host id: mostly existing ones, sometimes invalid or AUTO. */
static lttsync_host_id host_arg(struct in *in, lttsync_session *s)
{
	uint8_t k = u8(in);
	size_t n = lttsync_session_get_host_count(s);

	if (k == 0xff)
		return LTTSYNC_HOST_AUTO;
	if (k == 0xfe)
		return (lttsync_host_id)n;
	return (lttsync_host_id)(k % (n ? n + (k >= 0xf0) : 1));
}

static lttsync_trace_id trace_arg(struct in *in, lttsync_session *s)
{
	uint8_t k = u8(in);
	size_t n = lttsync_session_get_trace_count(s);

	if (k == 0xff)
		return UINT32_MAX;
	return (lttsync_trace_id)(k % (n ? n + (k >= 0xf0) : 1));
}

/* ---- session state the harness tracks -------------------------------- */

struct state {
	lttsync_session *s;
	size_t max_pending;
};

static void recreate(struct state *st)
{
	lttsync_session_destroy(st->s);
	st->s = NULL;
	CHECK(ST(lttsync_session_create(&st->s)) == LTTSYNC_OK);
	st->max_pending = 1048576;
}

/* ---- invariants -------------------------------------------------------- */

/* |a - b| without overflow. */
static uint64_t dist(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

/*
 * The calls of 0.2 on a transform: a copy applies the same; the inverse
 * of an image gives back an input whose image is within 1 ns of it (or
 * slope / 2 + 1 for steep slopes), and the inverse of any time is either
 * out of range or as close; the offset at t is a number; the equation
 * never says "+ -".
 */
static void check_transform_calls(const lttsync_transform *tf, int64_t t)
{
	char eq[2 * LTTSYNC_FORMAT_SIZE];
	lttsync_transform *copy = NULL;
	double slope = lttsync_transform_get_slope(tf), off;
	uint64_t room = slope > 2 ? (uint64_t)(slope / 2) + 2 : 1;
	int64_t y, x, v, w;

	CHECK(ST(lttsync_transform_copy(&copy, tf)) == LTTSYNC_OK);
	for (int i = 0; i < 2; i++) {
		int64_t at = i ? t : lttsync_transform_get_pivot(tf);
		lttsync_status sa = ST(lttsync_transform_apply(&v, tf, at));

		CHECK(ST(lttsync_transform_apply(&w, copy, at)) == sa);
		CHECK(sa != LTTSYNC_OK || v == w);
		if (sa == LTTSYNC_OK) {
			CHECK(ST(lttsync_transform_apply_inverse(&x, tf, v)) == LTTSYNC_OK);
			CHECK(ST(lttsync_transform_apply(&y, tf, x)) == LTTSYNC_OK);
			if (dist(y, v) > room) {
				fprintf(stderr, "inverse of %lld (from %lld): %lld maps to %lld\n",
					(long long)v, (long long)at, (long long)x, (long long)y);
				abort();
			}
		}
	}
	if (ST(lttsync_transform_apply_inverse(&x, tf, t)) == LTTSYNC_OK)
		CHECK(ST(lttsync_transform_apply(&y, tf, x)) == LTTSYNC_OK && dist(y, t) <= room);
	if (ST(lttsync_transform_get_offset_at(&off, tf, t)) == LTTSYNC_OK)
		CHECK(!isnan(off));
	if (ST(lttsync_transform_format(eq, sizeof(eq), tf, LTTSYNC_FIELD_EQUATION)) ==
	    LTTSYNC_OK)
		CHECK(strstr(eq, "+ -") == NULL && strstr(eq, " * t ") != NULL);
	lttsync_transform_destroy(copy);
}

/*
 * A transform read back from its formatted fields (lttsync_transform_parse)
 * applies within 1 ns of the original wherever both are defined; a slope
 * that is not positive is refused.
 */
static void check_round_trip(const lttsync_transform *tf, int64_t t)
{
	char slope[LTTSYNC_FORMAT_SIZE], pivot[LTTSYNC_FORMAT_SIZE], ref[LTTSYNC_FORMAT_SIZE];
	lttsync_transform *back = NULL;
	int64_t a, b;
	lttsync_status st;

	CHECK(ST(lttsync_transform_format(slope, sizeof(slope), tf, LTTSYNC_FIELD_SLOPE)) == LTTSYNC_OK);
	CHECK(ST(lttsync_transform_format(pivot, sizeof(pivot), tf, LTTSYNC_FIELD_PIVOT)) == LTTSYNC_OK);
	CHECK(ST(lttsync_transform_format(ref, sizeof(ref), tf, LTTSYNC_FIELD_PIVOT_REF)) == LTTSYNC_OK);
	st = ST(lttsync_transform_parse(&back, slope, pivot, ref));
	if (!(lttsync_transform_get_slope(tf) > 0)) {
		CHECK(st != LTTSYNC_OK);
		return;
	}
	CHECK(st == LTTSYNC_OK);
	check_transform_calls(tf, t);
	CHECK(lttsync_transform_get_pivot(back) == lttsync_transform_get_pivot(tf));
	for (int i = 0; i < 2; i++) {
		int64_t x = i ? t : lttsync_transform_get_pivot(tf);

		if (ST(lttsync_transform_apply(&a, tf, x)) == LTTSYNC_OK &&
		    ST(lttsync_transform_apply(&b, back, x)) == LTTSYNC_OK &&
		    (a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a) > 1) {
			fprintf(stderr, "round trip %s %s %s at %lld: %lld vs %lld\n", slope,
				pivot, ref, (long long)x, (long long)a, (long long)b);
			abort();
		}
	}
	lttsync_transform_destroy(back);
}

/* Does some host's transform (or one of its segments) have a slope that
 * lttsync_transform_parse() refuses (not finite and positive)? */
static bool some_unparsable_slope(lttsync_session *s)
{
	size_t n = lttsync_session_get_host_count(s);
	bool bad = false;

	for (lttsync_host_id h = 0; h < n && !bad; h++) {
		lttsync_transform *tf;

		if (lttsync_session_get_host_transform(&tf, s, h))
			continue;
		for (size_t k = 0; k < lttsync_transform_get_segment_count(tf); k++) {
			lttsync_transform *seg;
			int64_t from;
			double w, a;

			if (lttsync_transform_get_segment(&seg, &from, &w, tf, k))
				continue;
			a = lttsync_transform_get_slope(seg);
			bad |= !(a > 0) || !isfinite(a);
			lttsync_transform_destroy(seg);
		}
		bad |= !(lttsync_transform_get_slope(tf) > 0);
		lttsync_transform_destroy(tf);
	}
	return bad;
}

/*
 * The text report of the same session: built from the same snapshot, so
 * it fails or succeeds as the JSON report did (json_st), and when it
 * succeeds it opens with the reference and holds a row per host.
 */
static void check_text_report(lttsync_session *s, lttsync_status json_st,
			      unsigned int flags)
{
	char *text = NULL;
	const char *p;
	size_t len = 0, rows = 0;
	FILE *f = open_memstream(&text, &len);
	lttsync_status st;

	CHECK(f != NULL);
	st = ST(lttsync_session_write_text_report(s, f, flags));
	fclose(f);
	CHECK(st == json_st);
	if (st == LTTSYNC_OK) {
		CHECK(strncmp(text, "reference: ", 11) == 0);
		/* After the reference's line and a blank one: the host
		 * table's heading, a row per host, a blank line. */
		p = strstr(text, "\n\n");
		CHECK(p != NULL);
		for (p += 2; *p && *p != '\n'; p = strchr(p, '\n') + 1, rows++)
			CHECK(strchr(p, '\n') != NULL);
		CHECK(rows == lttsync_session_get_host_count(s) + 1);
	}
	free(text);
}

/*
 * The session's JSON report, written then loaded (lttsync_report_load()),
 * gives every host with its quality, and each transform applies within
 * 1 ns of the session's at the pivot and at t. A report the loader
 * refuses must hold a slope no parser accepts.
 */
static void check_report(lttsync_session *s, int64_t t)
{
	char path[] = "/tmp/lttsync-fuzz-report-XXXXXX";
	int fd = mkstemp(path);
	size_t n = lttsync_session_get_host_count(s);
	lttsync_report *r = NULL;
	lttsync_status st;
	FILE *f;

	CHECK(fd >= 0 && (f = fdopen(fd, "w")) != NULL);
	st = ST(lttsync_session_write_report(s, f));
	fclose(f);
	check_text_report(s, st, (uint64_t)t & 1 ? LTTSYNC_TEXT_REPORT_SEGMENTS : 0);
	if (st == LTTSYNC_OK) {
		st = ST(lttsync_report_load(&r, path));
		if (st != LTTSYNC_OK) {
			CHECK(r == NULL && *lttsync_report_get_last_error()); /* untouched */
			CHECK(st == LTTSYNC_ERROR_NO_MEMORY ||
			      (st == LTTSYNC_ERROR_FORMAT && some_unparsable_slope(s)));
		}
	}
	unlink(path);
	if (!r)
		return;
	CHECK(lttsync_report_get_host_count(r) == n);
	for (lttsync_host_id h = 0; h < n; h++) {
		const char *name = lttsync_session_get_host_name(s, h);
		lttsync_transform *mine = NULL, *back = NULL;
		lttsync_quality q1, q2;
		int64_t a, b;

		CHECK(ST(lttsync_session_get_host_quality(&q1, s, h)) == LTTSYNC_OK);
		CHECK(ST(lttsync_report_get_host_quality(&q2, r, name)) == LTTSYNC_OK);
		CHECK(q1 == q2);
		st = ST(lttsync_session_get_host_transform(&mine, s, h));
		if (st == LTTSYNC_OK)
			CHECK(ST(lttsync_report_get_host_transform(&back, r, name)) == LTTSYNC_OK);
		for (int i = 0; mine && i < 2; i++) {
			int64_t x = i ? t : lttsync_transform_get_pivot(mine);

			if (ST(lttsync_transform_apply(&a, mine, x)) == LTTSYNC_OK &&
			    ST(lttsync_transform_apply(&b, back, x)) == LTTSYNC_OK &&
			    (a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a) > 1) {
				fprintf(stderr, "report round trip of %s at %lld: %lld vs %lld\n",
					name, (long long)x, (long long)a, (long long)b);
				abort();
			}
		}
		lttsync_transform_destroy(mine);
		lttsync_transform_destroy(back);
	}
	lttsync_report_destroy(r);
}

static void check_pair(lttsync_session *s, lttsync_host_id a, lttsync_host_id b,
		       int64_t t)
{
	lttsync_quality q, qr;
	uint64_t nab, nba;
	double amin, amax, vns;
	uint64_t vcount;
	int64_t lo, hi;
	lttsync_transform *tf = NULL;
	lttsync_status st, sb, se;
	size_t hosts = lttsync_session_get_host_count(s);
	bool valid = a < hosts && b < hosts && a != b;

	st = ST(lttsync_session_get_pair_quality(&q, s, a, b));
	CHECK((st == LTTSYNC_OK) == valid);
	if (st != LTTSYNC_OK) {
		/* The other queries must fail in the same way, writing nothing. */
		CHECK(ST(lttsync_session_get_pair_bounds_at(&lo, &hi, s, a, b, t)) != LTTSYNC_OK);
		CHECK(ST(lttsync_session_get_pair_estimate(&tf, s, a, b)) != LTTSYNC_OK);
		CHECK(tf == NULL);
		CHECK(ST(lttsync_session_get_pair_slope_bounds(&amin, &amax, s, a, b)) != LTTSYNC_OK);
		CHECK(ST(lttsync_session_get_pair_violation(&vns, &vcount, s, a, b)) != LTTSYNC_OK);
		return;
	}
	CHECK(q >= LTTSYNC_QUALITY_ABSENT && q <= LTTSYNC_QUALITY_FAIL);
	/*
	 * Quality is per orientation (doc/algorithm.md): (a, b) and (b, a)
	 * may differ on degenerate data, but absent / not absent may not.
	 */
	CHECK(ST(lttsync_session_get_pair_quality(&qr, s, b, a)) == LTTSYNC_OK);
	CHECK((qr == LTTSYNC_QUALITY_ABSENT) == (q == LTTSYNC_QUALITY_ABSENT));
	CHECK(ST(lttsync_session_get_message_count(&nab, s, a, b)) == LTTSYNC_OK);
	CHECK(ST(lttsync_session_get_message_count(&nba, s, b, a)) == LTTSYNC_OK);
	CHECK((q == LTTSYNC_QUALITY_ABSENT) == (nab == 0 && nba == 0));
	if ((nab == 0) != (nba == 0))
		CHECK(q == LTTSYNC_QUALITY_INCOMPLETE);

	st = ST(lttsync_session_get_pair_slope_bounds(&amin, &amax, s, a, b));
	CHECK((st == LTTSYNC_OK) == (q == LTTSYNC_QUALITY_APPROXIMATE ||
				     q == LTTSYNC_QUALITY_ACCURATE));
	if (st == LTTSYNC_OK) {
		CHECK(!isnan(amin) && !isnan(amax));
		CHECK(amin <= amax);
		if (q == LTTSYNC_QUALITY_ACCURATE)
			CHECK(isfinite(amin) && isfinite(amax));
		else
			CHECK(isfinite(amin) != isfinite(amax));
	}

	st = ST(lttsync_session_get_pair_violation(&vns, &vcount, s, a, b));
	CHECK(st == LTTSYNC_OK);
	CHECK(!isnan(vns) && vns >= 0);
	if (q != LTTSYNC_QUALITY_FAIL)
		CHECK(vns == 0 && vcount == 0);

	se = ST(lttsync_session_get_pair_estimate(&tf, s, a, b));
	if (q == LTTSYNC_QUALITY_ABSENT || q == LTTSYNC_QUALITY_INCOMPLETE)
		CHECK(se != LTTSYNC_OK);
	/* Any quality may lack an estimate when its value in the middle of
	 * the data is beyond int64; FAIL also with one point per side. */
	CHECK(se == LTTSYNC_OK || se == LTTSYNC_ERROR_NOT_AVAILABLE);

	sb = ST(lttsync_session_get_pair_bounds_at(&lo, &hi, s, a, b, t));
	CHECK((sb == LTTSYNC_OK) == (q == LTTSYNC_QUALITY_APPROXIMATE ||
				     q == LTTSYNC_QUALITY_ACCURATE));
	if (sb == LTTSYNC_OK) {
		CHECK(lo <= hi);
		if (q == LTTSYNC_QUALITY_ACCURATE && t >= -TS_LIMIT && t <= TS_LIMIT) {
			/* both slopes finite: bounded on both sides... unless saturated */
		}
		if (se == LTTSYNC_OK) {
			int64_t y;

			if (ST(lttsync_transform_apply(&y, tf, t)) == LTTSYNC_OK) {
				if (!((lo == INT64_MIN || y >= lo - 1) &&
				      (hi == INT64_MAX || y <= hi + 1))) {
					fprintf(stderr, "pair %u->%u q=%d t=%lld estimate %lld not in [%lld, %lld]\n",
						a, b, (int)q, (long long)t, (long long)y,
						(long long)lo, (long long)hi);
					abort();
				}
			}
		}
	}
	if (se == LTTSYNC_OK) {
		char buf[LTTSYNC_FORMAT_SIZE];
		int64_t y;

		CHECK(!isnan(lttsync_transform_get_slope(tf)));
		ST(lttsync_transform_apply(&y, tf, lttsync_transform_get_pivot(tf)));
		for (int f = 0; f <= LTTSYNC_FIELD_PIVOT_REF; f++)
			CHECK(ST(lttsync_transform_format(buf, sizeof(buf), tf,
					(lttsync_transform_field)f)) == LTTSYNC_OK);
		CHECK(ST(lttsync_transform_format(buf, 1, tf, LTTSYNC_FIELD_SLOPE)) ==
		      LTTSYNC_ERROR_RANGE);
		check_round_trip(tf, t);
		lttsync_transform_destroy(tf);
	}
}

static void check_hosts(lttsync_session *s, int64_t t)
{
	size_t n = lttsync_session_get_host_count(s);
	lttsync_host_id ref;
	lttsync_status st;

	st = ST(lttsync_session_get_reference(&ref, s));
	CHECK((st == LTTSYNC_OK) == (n > 0));
	if (st != LTTSYNC_OK)
		return;
	CHECK(ref < n);
	for (lttsync_host_id h = 0; h < n; h++) {
		lttsync_quality q;
		lttsync_host_id parent, u;
		lttsync_transform *tf = NULL;
		lttsync_status sp, sx, sb;
		int64_t lo, hi;
		size_t steps;

		CHECK(ST(lttsync_session_get_host_quality(&q, s, h)) == LTTSYNC_OK);
		CHECK(q != LTTSYNC_QUALITY_ABSENT && q <= LTTSYNC_QUALITY_DISCONNECTED);
		CHECK((q == LTTSYNC_QUALITY_REFERENCE) == (h == ref));
		sp = ST(lttsync_session_get_host_parent(&parent, s, h));
		sx = ST(lttsync_session_get_host_transform(&tf, s, h));
		/* A reference without messages has no transform (no pivot). */
		CHECK((sp == LTTSYNC_OK) == (sx == LTTSYNC_OK) ||
		      (h == ref && sx == LTTSYNC_ERROR_NOT_AVAILABLE));
		CHECK((q == LTTSYNC_QUALITY_DISCONNECTED) == (sp != LTTSYNC_OK));
		if (sx == LTTSYNC_OK)
			CHECK(q == LTTSYNC_QUALITY_REFERENCE || q == LTTSYNC_QUALITY_ACCURATE ||
			      q == LTTSYNC_QUALITY_APPROXIMATE || q == LTTSYNC_QUALITY_FAIL);
		if (sp == LTTSYNC_OK) {
			CHECK(parent < n);
			if (h == ref)
				CHECK(parent == ref);
			/* Parents lead to the reference without a cycle. */
			u = h;
			for (steps = 0; u != ref; steps++) {
				CHECK(steps < n);
				CHECK(ST(lttsync_session_get_host_parent(&u, s, u)) == LTTSYNC_OK);
				CHECK(u < n);
			}
		}
		sb = ST(lttsync_session_get_host_bounds_at(&lo, &hi, s, h, t));
		if (sx != LTTSYNC_OK || q == LTTSYNC_QUALITY_FAIL)
			CHECK(sb != LTTSYNC_OK);
		if (sb == LTTSYNC_OK) {
			CHECK(lo <= hi);
			if (h == ref)
				CHECK(lo == t && hi == t);
			if (sx == LTTSYNC_OK) {
				int64_t y;

					if (ST(lttsync_transform_apply(&y, tf, t)) == LTTSYNC_OK &&
				    !((lo == INT64_MIN || y >= lo - 1) &&
				      (hi == INT64_MAX || y <= hi + 1))) {
					fprintf(stderr, "host %u q=%d t=%lld transform %lld not in [%lld, %lld]\n",
						h, (int)q, (long long)t, (long long)y,
						(long long)lo, (long long)hi);
					abort();
				}
			}
		}
		if (sx == LTTSYNC_OK) {
			char buf[LTTSYNC_FORMAT_SIZE];

			for (int f = 0; f <= LTTSYNC_FIELD_PIVOT_REF; f++)
				CHECK(ST(lttsync_transform_format(buf, sizeof(buf), tf,
						(lttsync_transform_field)f)) == LTTSYNC_OK);
			check_round_trip(tf, t);
			lttsync_transform_destroy(tf);
		}
	}
	/* Invalid host ids. */
	{
		lttsync_quality q;
		lttsync_host_id p;

		CHECK(ST(lttsync_session_get_host_quality(&q, s, (lttsync_host_id)n)) == LTTSYNC_ERROR_NOT_FOUND);
		CHECK(ST(lttsync_session_get_host_parent(&p, s, LTTSYNC_HOST_AUTO)) != LTTSYNC_OK);
	}
}

static void check_counters(struct state *stt)
{
	lttsync_session *s = stt->s;
	uint64_t c[32], sum = 0;
	size_t n = lttsync_session_get_host_count(s);
	int ncounters = 0;

	/* Counters 0 .. N-1 exist (new ones are added at the end). */
	while (ncounters < 32 &&
	       ST(lttsync_session_get_counter(&c[ncounters], s,
					      (lttsync_counter)ncounters)) == LTTSYNC_OK)
		ncounters++;
	CHECK(ncounters > LTTSYNC_COUNTER_FLOW_MISMATCH && ncounters < 32);
	CHECK(ST(lttsync_session_get_counter(&sum, s, (lttsync_counter)99)) == LTTSYNC_ERROR_INVALID_ARGUMENT);
	sum = 0;
	CHECK(c[LTTSYNC_COUNTER_PENDING] <= stt->max_pending);
	CHECK(c[LTTSYNC_COUNTER_MATCHED] <= c[LTTSYNC_COUNTER_PACKETS]);
	for (lttsync_host_id a = 0; a < n; a++)
		for (lttsync_host_id b = 0; b < n; b++) {
			uint64_t m;

			if (a == b)
				continue;
			CHECK(ST(lttsync_session_get_message_count(&m, s, a, b)) == LTTSYNC_OK);
			sum += m;
		}
	CHECK(sum == c[LTTSYNC_COUNTER_MESSAGES]);
	/* Pairs: distinct, ordered, with messages. */
	for (size_t i = 0; i < lttsync_session_get_pair_count(s); i++) {
		lttsync_host_id a, b;
		uint64_t m1, m2;

		CHECK(ST(lttsync_session_get_pair(&a, &b, s, i)) == LTTSYNC_OK);
		CHECK(a < b && b < n);
		CHECK(ST(lttsync_session_get_message_count(&m1, s, a, b)) == LTTSYNC_OK);
		CHECK(ST(lttsync_session_get_message_count(&m2, s, b, a)) == LTTSYNC_OK);
		CHECK(m1 + m2 > 0);
	}
	{
		lttsync_host_id a, b;

		CHECK(ST(lttsync_session_get_pair(&a, &b, s, lttsync_session_get_pair_count(s))) == LTTSYNC_ERROR_NOT_FOUND);
	}
}

static void check_kept(lttsync_session *s, lttsync_host_id a, lttsync_host_id b)
{
	size_t count;
	lttsync_message m;
	lttsync_status st;

	st = ST(lttsync_session_get_kept_message_count(&count, s, a, b));
	if (st != LTTSYNC_OK)
		return;
	for (size_t i = 0; i < count && i < 32; i++) {
		CHECK(ST(lttsync_session_get_kept_message(&m, s, a, b, i)) == LTTSYNC_OK);
		CHECK((m.send_host == a && m.recv_host == b) ||
		      (m.send_host == b && m.recv_host == a));
		CHECK(m.send_ns >= -TS_LIMIT && m.send_ns <= TS_LIMIT);
		CHECK(m.recv_ns >= -TS_LIMIT && m.recv_ns <= TS_LIMIT);
	}
	CHECK(ST(lttsync_session_get_kept_message(&m, s, a, b, count)) != LTTSYNC_OK);
}

/* > 0: a, b, c turn left. */
static int orient(lttsync_point a, lttsync_point b, lttsync_point c)
{
	/* differences of two coordinates in +-2^62 need 64 bits and a sign */
	__int128 l = ((__int128)b.x - a.x) * ((__int128)c.y - a.y);
	__int128 r = ((__int128)b.y - a.y) * ((__int128)c.x - a.x);

	return (l > r) - (l < r);
}

/* A pair that one line explains: its hull is one convex chain. */
static bool one_line(lttsync_session *s, lttsync_host_id a, lttsync_host_id b)
{
	lttsync_transform *tf = NULL;
	bool one;

	if (ST(lttsync_session_get_pair_estimate(&tf, s, a, b)) != LTTSYNC_OK)
		return false;
	one = lttsync_transform_get_segment_count(tf) == 1;
	lttsync_transform_destroy(tf);
	return one;
}

static void check_pair_hull(lttsync_session *s, size_t pair, int dir)
{
	lttsync_host_id a, b;
	size_t n = 0, again = 0;
	uint64_t msgs;
	lttsync_point v[64], probe = { 7, 7 };
	lttsync_status st;

	st = ST(lttsync_session_get_pair_hull(&n, NULL, 0, s, pair,
					      (lttsync_pair_direction)dir));
	if (pair >= lttsync_session_get_pair_count(s) || dir < 0 || dir > 1) {
		CHECK(st != LTTSYNC_OK);
		return;
	}
	if (st != LTTSYNC_OK) {
		CHECK(st == LTTSYNC_ERROR_NO_MEMORY);
		return;
	}
	CHECK(ST(lttsync_session_get_pair(&a, &b, s, pair)) == LTTSYNC_OK);
	CHECK(ST(lttsync_session_get_message_count(&msgs, s, dir ? b : a,
						   dir ? a : b)) == LTTSYNC_OK);
	CHECK((n == 0) == (msgs == 0) && n <= msgs);
	if (n > 0) {
		st = ST(lttsync_session_get_pair_hull(&again, &probe, n - 1 ? 1 : 0,
						      s, pair, (lttsync_pair_direction)dir));
		CHECK(again == n);
		if (n > 1)
			CHECK(st == LTTSYNC_ERROR_RANGE && probe.x == 7 && probe.y == 7);
	}
	if (n > sizeof(v) / sizeof(*v))
		return;
	CHECK(ST(lttsync_session_get_pair_hull(&again, v, sizeof(v) / sizeof(*v), s,
					       pair, (lttsync_pair_direction)dir)) == LTTSYNC_OK);
	CHECK(again == n);
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].x >= -TS_LIMIT && v[i].x <= TS_LIMIT);
		CHECK(v[i].y >= -TS_LIMIT && v[i].y <= TS_LIMIT);
		if (i > 0)
			CHECK(v[i - 1].x < v[i].x);
	}
	if (one_line(s, a, b))
		for (size_t i = 1; i + 1 < n; i++)
			CHECK(orient(v[i - 1], v[i], v[i + 1]) == (dir ? -1 : 1));
}

static void check_kept_matches(lttsync_session *s)
{
	size_t n = 0, per_pairs = 0, hosts = lttsync_session_get_host_count(s);
	size_t traces = lttsync_session_get_trace_count(s);
	lttsync_match m;

	CHECK(ST(lttsync_session_get_kept_match_count(&n, s)) == LTTSYNC_OK);
	for (size_t i = 0; i < lttsync_session_get_pair_count(s); i++) {
		lttsync_host_id a, b;
		size_t k;

		CHECK(ST(lttsync_session_get_pair(&a, &b, s, i)) == LTTSYNC_OK);
		CHECK(ST(lttsync_session_get_kept_message_count(&k, s, a, b)) == LTTSYNC_OK);
		per_pairs += k;
	}
	CHECK(n == per_pairs);
	for (size_t i = 0; i < n && i < 32; i++) {
		lttsync_host_id h;

		lttsync_match_init(&m);
		CHECK(ST(lttsync_session_get_kept_match(&m, s, i)) == LTTSYNC_OK);
		CHECK(m.message.send_host < hosts && m.message.recv_host < hosts &&
		      m.message.send_host != m.message.recv_host);
		CHECK(m.message.send_ns >= -TS_LIMIT && m.message.send_ns <= TS_LIMIT);
		CHECK(m.message.recv_ns >= -TS_LIMIT && m.message.recv_ns <= TS_LIMIT);
		CHECK(m.family == 0 || m.family == 4 || m.family == 6);
		if (!m.has_packet) {
			CHECK(m.send_trace == LTTSYNC_TRACE_NONE &&
			      m.recv_trace == LTTSYNC_TRACE_NONE);
			CHECK(m.family == 0 && !m.has_ports && m.seq == 0 &&
			      m.ack_seq == 0 && m.flags == 0);
			continue;
		}
		if (m.send_trace != LTTSYNC_TRACE_NONE) {
			CHECK(m.send_trace < traces);
			CHECK(ST(lttsync_session_get_trace_host(&h, s, m.send_trace)) == LTTSYNC_OK);
			CHECK(h == m.message.send_host);
		}
		if (m.recv_trace != LTTSYNC_TRACE_NONE) {
			CHECK(m.recv_trace < traces);
			CHECK(ST(lttsync_session_get_trace_host(&h, s, m.recv_trace)) == LTTSYNC_OK);
			CHECK(h == m.message.recv_host);
		}
	}
	lttsync_match_init(&m);
	CHECK(ST(lttsync_session_get_kept_match(&m, s, n)) == LTTSYNC_ERROR_NOT_FOUND);
	m.struct_size = 0;
	CHECK(ST(lttsync_session_get_kept_match(&m, s, 0)) == LTTSYNC_ERROR_INVALID_ARGUMENT);
}

/* ---- operations -------------------------------------------------------- */

static const char *const names[] = { "h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7" };

static void op_feed_packet(struct state *stt, struct in *in)
{
	lttsync_packet p;
	uint8_t shape = u8(in);
	lttsync_status st;

	lttsync_packet_init(&p);
	p.trace = trace_arg(in, stt->s);
	p.direction = (shape & 0x40) ? (lttsync_direction)u8(in) : (lttsync_direction)(shape & 1);
	p.timestamp_ns = ts(in);
	/* Small keys so that sends and receives collide. */
	p.seq = (shape & 0x80) ? u32(in) : u8(in) % 8;
	p.ack_seq = (shape & 0x20) ? u32(in) : 0;
	p.flags = (shape & 0x10) ? u8(in) : LTTSYNC_TCP_ACK;
	switch ((shape >> 1) & 7) {
	case 0: break;
	case 1: p.family = 4; p.src_addr[0] = u8(in) & 3; p.dst_addr[0] = u8(in) & 3; break;
	case 2: p.family = 6; p.src_addr[15] = u8(in) & 3; p.dst_addr[15] = u8(in) & 3; break;
	case 3: p.family = u8(in); break;
	case 4: p.has_ports = 1; p.src_port = u8(in) & 3; p.dst_port = u8(in) & 3; break;
	case 5: p.reserved = u8(in); break;
	case 6: p.struct_size = u8(in) % 2 ? 0 : (uint32_t)sizeof(p) + 8; break;
	default: break;
	}
	st = ST(lttsync_session_feed_packet(stt->s, &p));
	LOG("feed_packet(trace %u, dir %d, ts %lld, seq %u, ack %u, flags 0x%x, family %u, ports %u %u>%u, size %u) = %d\n",
	    (unsigned)p.trace, (int)p.direction, (long long)p.timestamp_ns, (unsigned)p.seq,
	    (unsigned)p.ack_seq, (unsigned)p.flags, (unsigned)p.family, (unsigned)p.has_ports,
	    (unsigned)p.src_port, (unsigned)p.dst_port, (unsigned)p.struct_size, (int)st);
}

/* A burst of consistent messages between two hosts: clocks y = x*(1+d)+o. */
static void op_burst(struct state *stt, struct in *in)
{
	lttsync_host_id a = host_arg(in, stt->s), b = host_arg(in, stt->s);
	int64_t x = INT64_C(1700000000000000000) + (int64_t)(int32_t)u32(in) * 1000;
	int64_t off = (int64_t)(int32_t)u32(in) * 1000;
	int ppm = (int8_t)u8(in);
	unsigned count = 1 + u8(in) % 64;
	uint8_t lat = u8(in);
	uint8_t dirs = u8(in);

	for (unsigned i = 0; i < count; i++) {
		int64_t y = x + off + (x / 1000000) % 1000000 * ppm / 1000;
		int64_t l = 1000 + (int64_t)((lat * (i + 7)) % 251) * 100;
		lttsync_status st;

		if ((dirs >> (i % 8)) & 1) {
			st = lttsync_session_feed_message(stt->s, a, x, b, y + l);
			LOG("feed_message(%u, %lld, %u, %lld) = %d\n", a, (long long)x, b, (long long)(y + l), (int)st);
		} else {
			st = lttsync_session_feed_message(stt->s, b, y, a, x + l);
			LOG("feed_message(%u, %lld, %u, %lld) = %d\n", b, (long long)y, a, (long long)(x + l), (int)st);
		}
		ST(st);
		if (st == LTTSYNC_ERROR_INVALID_ARGUMENT || st == LTTSYNC_ERROR_NOT_FOUND)
			break;
		x += 1000000 + (int64_t)lat * 997;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct state stt = { NULL, 1048576 };
	int ops = 0;

	if (size > 8192)
		return 0;
	recreate(&stt);
	while (in.n && ops++ < MAX_OPS) {
		uint8_t op = u8(&in);
		lttsync_session *s = stt.s;

		switch (op % 20) {
		case 0: case 1: {
			lttsync_host_id h;
			uint8_t k = u8(&in);
			const char *name = k == 0xff ? NULL : k == 0xfe ? "" : names[k % MAX_HOSTS];
			lttsync_status st = ST(lttsync_session_add_host(&h, s, name));

			LOG("add_host(%s) = %d -> %u\n", name ? name : "NULL", (int)st, st ? 0 : h);

			if (st == LTTSYNC_OK) {
				lttsync_host_id f;

				CHECK(h < lttsync_session_get_host_count(s));
				CHECK(strcmp(lttsync_session_get_host_name(s, h), name) == 0);
				CHECK(ST(lttsync_session_find_host(&f, s, name)) == LTTSYNC_OK && f == h);
			} else {
				CHECK(name == NULL || !*name);
				CHECK(lttsync_session_get_last_error(s) != NULL);
			}
			break;
		}
		case 2: {
			lttsync_trace_id t;
			lttsync_host_id h = host_arg(&in, s), th;
			lttsync_status st = ST(lttsync_session_add_trace(&t, s, h, (u8(&in) & 1) ? "trace" : ""));

			LOG("add_trace(host %u) = %d -> %u\n", h, (int)st, st ? 0 : t);

			if (st == LTTSYNC_OK) {
				CHECK(ST(lttsync_session_get_trace_host(&th, s, t)) == LTTSYNC_OK && th == h);
				CHECK(ST(lttsync_session_get_trace_status(s, t)) == LTTSYNC_OK);
				CHECK(lttsync_session_get_trace_name(s, t) != NULL);
			}
			break;
		}
		case 3: case 4: case 5: case 6:
			op_feed_packet(&stt, &in);
			break;
		case 7: case 8: {
			lttsync_host_id a = host_arg(&in, s), b = host_arg(&in, s);
			int64_t x = ts(&in), y = ts(&in);

			lttsync_status st = ST(lttsync_session_feed_message(s, a, x, b, y));

			LOG("feed_message(%u, %lld, %u, %lld) = %d\n", a, (long long)x, b, (long long)y, (int)st);
			break;
		}
		case 9:
			op_burst(&stt, &in);
			break;
		case 10: {
			lttsync_host_id h = host_arg(&in, s);
			lttsync_status st = ST(lttsync_session_set_reference(s, h));

			LOG("set_reference(%u) = %d\n", h, (int)st);

			if (st == LTTSYNC_OK && h != LTTSYNC_HOST_AUTO) {
				lttsync_host_id r;

				CHECK(ST(lttsync_session_get_reference(&r, s)) == LTTSYNC_OK && r == h);
			}
			break;
		}
		case 11: {
			uint8_t k = u8(&in);
			size_t m = k == 0xff ? SIZE_MAX : k % 16;

			LOG("set_max_pending(%zu)\n", m);
			if (ST(lttsync_session_set_max_pending(s, m)) == LTTSYNC_OK)
				stt.max_pending = m;
			else
				CHECK(m == 0);
			break;
		}
		case 12:
			{
			int keep = u8(&in) & 1;

			LOG("set_keep_messages(%d)\n", keep);
			lttsync_status st = ST(lttsync_session_set_keep_messages(s, keep));

			CHECK(st == LTTSYNC_OK || st == LTTSYNC_ERROR_NO_MEMORY);
		}
			break;
		case 13: case 14: {
			lttsync_host_id a = host_arg(&in, s), b = host_arg(&in, s);

			check_pair(s, a, b, ts(&in));
			check_pair_hull(s, u8(&in) % 8, (int)(u8(&in) % 3));
			break;
		}
		case 15:
			check_hosts(s, ts(&in));
			break;
		case 16:
			check_counters(&stt);
			break;
		case 17: {
			lttsync_host_id a = host_arg(&in, s), b = host_arg(&in, s);

			check_kept(s, a, b);
			check_kept_matches(s);
			break;
		}
		case 18: {
			lttsync_trace_id t = trace_arg(&in, s);
			uint64_t v;
			uint8_t which = u8(&in);

			ST(lttsync_session_get_trace_stat(&v, s, t, (lttsync_trace_stat)(which % 9)));
			(void)lttsync_session_get_trace_message(s, t);
			ST(lttsync_session_get_trace_status(s, t));
			break;
		}
		case 19: {
			static const size_t limits[8] = { 0, 1, 4095, 4096, 8192, 20000,
							  65536, 1 << 20 };
			uint8_t k = u8(&in);

			if (k % 4 == 0) {
				LOG("destroy + create\n");
				recreate(&stt);
			} else if (k % 4 == 2) {
				/* No read in progress: nothing changes (the flag is
				 * cleared when a read starts). */
				size_t n = lttsync_session_get_host_count(s);

				LOG("cancel\n");
				lttsync_session_cancel(s);
				CHECK(lttsync_session_get_host_count(s) == n);
			} else if (k % 4 == 1) {
				size_t m = limits[(k >> 2) % 8];
				lttsync_status st = ST(lttsync_session_set_memory_limit(s, m));

				LOG("set_memory_limit(%zu) = %d\n", m, (int)st);
				CHECK((st == LTTSYNC_OK) == (m == 0 || m >= 4096));
			} else if (k % 4 == 3) {
				LOG("write_report + report_load\n");
				check_report(s, ts(&in));
			}
			break;
		}
		}
	}
	/* Final full check. */
	{
		size_t n = lttsync_session_get_host_count(stt.s);

		for (lttsync_host_id a = 0; a < n; a++)
			for (lttsync_host_id b = a + 1; b < n; b++)
				check_pair(stt.s, a, b, INT64_C(1700000000000000000));
		check_hosts(stt.s, INT64_C(1700000000000000000));
		check_counters(&stt);
		for (size_t p = 0; p < lttsync_session_get_pair_count(stt.s); p++)
			for (int d = 0; d < 2; d++)
				check_pair_hull(stt.s, p, d);
		check_kept_matches(stt.s);
	}
	lttsync_session_destroy(stt.s);
	return 0;
}
