/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: our CTF reader (ctf_meta.c, ctf_skim.c) against
 * libbabeltrace2 on the same trace folder, written from the input as
 * fuzz_trace.c writes it (trace_input.h; the flags byte is unused here),
 * so both share fuzz/corpus/trace.
 *
 * Checks: our reader never crashes, leaks or hangs; a trace it declines
 * has had no callback; when it accepts and reads a trace to the end,
 * libbabeltrace2 (run only then) also reads it to the end with the same
 * hostname, statistics and packets (sorted: the readers interleave
 * streams differently). Where one fails and the other does not, the
 * input is printed with FUZZ_TRACE set but not treated as a crash:
 * babeltrace2 checks some things ours does not need (and the reverse).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctf.h"
#include "decode.h"
#include "trace_input.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #c, __FILE__, __LINE__); abort(); } } while (0)
#define MAX_INPUT (128 * 1024)
#define MAX_PACKETS 65536


typedef struct run {
	char host[256];
	int begun;
	lttsync_packet *p;
	size_t n;
	lsync_decode_stats stats;
} run;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	trace_input_init("lttsync-skim");
	return 0;
}

/* a: our reader (with its plans, the default); b: libbabeltrace2. */
static run a, b;

static int on_begin(void *user, const char *hostname)
{
	run *r = user;

	CHECK(!r->begun);
	r->begun = 1;
	snprintf(r->host, sizeof(r->host), "%s", hostname ? hostname : "(none)");
	return 0;
}

static int on_packet(void *user, const lttsync_packet *p)
{
	run *r = user;

	CHECK(r->begun);
	if (r->n < MAX_PACKETS)
		r->p[r->n++] = *p;
	return 0;
}

static int cmp_packet(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(lttsync_packet));
}

/*
 * Our reader again with its network payloads walked rather than read by
 * their plans (ctf_plan.h): the same status, message, statistics and
 * packets in the same order.
 */
static void walk_agrees(int sa, const char *err_a)
{
	static run w;
	lsync_decode_callbacks cb = { on_begin, on_packet, NULL, &w, NULL };
	char err[256];
	lsync_skim *k;
	int64_t pos;
	int sw;

	if (!w.p) {
		w.p = malloc(MAX_PACKETS * sizeof(*w.p));
		CHECK(w.p);
	}
	w.n = 0;
	w.begun = 0;
	sw = lsync_skim_open(&k, trace_dir, &cb, &w.stats, err, sizeof(err));
	if (sw == LTTSYNC_OK) {
		lsync_skim_set_plans(k, false);
		while (lsync_skim_step(k, &pos))
			;
		sw = lsync_skim_close(k, err, sizeof(err));
	}
	CHECK(sw == sa);
	CHECK(sw == LTTSYNC_OK || strcmp(err, err_a) == 0);
	CHECK(memcmp(&w.stats, &a.stats, sizeof(w.stats)) == 0);
	CHECK(w.n == a.n && strcmp(w.host, a.host) == 0);
	CHECK(w.n == 0 || memcmp(w.p, a.p, w.n * sizeof(*w.p)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lsync_decode_callbacks cb_a = { on_begin, on_packet, NULL, &a, NULL };
	lsync_decode_callbacks cb_b = { on_begin, on_packet, NULL, &b, NULL };
	char err[256];
	lsync_skim *k;
	uint8_t flags;
	int64_t pos;
	int sa, sb;

	if (size < 3 || size > MAX_INPUT)
		return 0;
	trace_input_write(data, size, &flags);
	if (!a.p) {
		a.p = malloc(MAX_PACKETS * sizeof(*a.p));
		b.p = malloc(MAX_PACKETS * sizeof(*b.p));
		CHECK(a.p && b.p);
	}
	a.n = b.n = 0;
	a.begun = b.begun = 0;

	sa = lsync_skim_open(&k, trace_dir, &cb_a, &a.stats, err, sizeof(err));
	if (sa == LSYNC_CTF_DECLINED) {
		CHECK(!a.begun && a.n == 0 && err[0]);
		return 0;
	}
	if (sa == LTTSYNC_OK) {
		while (lsync_skim_step(k, &pos))
			;
		sa = lsync_skim_close(k, err, sizeof(err));
	}
	walk_agrees(sa, err);
	CHECK(sa == LTTSYNC_OK || sa == LTTSYNC_ERROR_FORMAT || sa == LTTSYNC_ERROR_IO);
	CHECK(a.stats.packets == a.n || a.n == MAX_PACKETS);
	CHECK(a.stats.packets <= a.stats.network_events);
	CHECK(a.stats.network_events <= a.stats.events);
	if (sa != LTTSYNC_OK)
		return 0;

	sb = lsync_decode_trace_with(trace_dir, &cb_b, &b.stats, LTTSYNC_READER_BABELTRACE2,
				     err, sizeof(err));
	if (sb != LTTSYNC_OK) {
		if (getenv("FUZZ_TRACE"))
			fprintf(stderr, "ours reads it, babeltrace2 fails: %s\n", err);
		return 0;
	}
	CHECK(strcmp(a.host, b.host) == 0);
	a.stats.reader = b.stats.reader = 0;
	CHECK(memcmp(&a.stats, &b.stats, sizeof(a.stats)) == 0);
	CHECK(a.n == b.n);
	qsort(a.p, a.n, sizeof(*a.p), cmp_packet);
	qsort(b.p, b.n, sizeof(*b.p), cmp_packet);
	CHECK(a.n == 0 || memcmp(a.p, b.p, a.n * sizeof(*a.p)) == 0);
	return 0;
}
