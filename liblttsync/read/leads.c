/* SPDX-License-Identifier: MIT */
/*
 * Leads: roughly how far each host's clock is ahead of the others', for
 * the readers that merge traces by time (here.c, workers.c).
 *
 * Why: merged by raw timestamps, traces whose clocks are seconds apart
 * are read seconds apart in true time. Every key then waits that long in
 * the pending table, which outgrows the caches (a key's second event
 * misses every one of them), and the worker processes of the traces
 * ahead spool their output. Merged by timestamp minus lead, the traces
 * are read in step once their first messages are matched, and a key
 * waits about the network latency.
 *
 * A pair's lead is sampled from the matcher's newest complete match
 * (recv - send one way, send - recv the other: the latency is noise
 * here), between batches: the sink gets matches only when they retire,
 * far too late. The hosts' leads follow from the pairs' by a union-find
 * that keeps, for each host, its lead over its parent. Nothing here
 * needs to be exact: the order of the feed never changes a result
 * (doc/matching.md), only how long keys wait. Recomputed when a pair
 * gets its first sample, and every LEAD_RECOMPUTE samples after that
 * (drifts move the leads slowly).
 */
#include "session.h"

/* A lead is kept within ±2^62, like timestamps, so that a timestamp
 * minus a lead never overflows. */
static int64_t clamp62(__int128 v)
{
	if (v > LSYNC_TS_MAX)
		return LSYNC_TS_MAX;
	if (v < LSYNC_TS_MIN)
		return LSYNC_TS_MIN;
	return (int64_t)v;
}

#define LEAD_RECOMPUTE 1024u

/* A pair's latest sample: b's lead over a. Keyed by lsync_pair_key(). */
typedef struct lead_pair {
	uint64_t key;
	uint32_t a, b;
	int64_t lead;
} lead_pair;

/*
 * Take the matcher's newest match, if it is new, as its pair's lead.
 * Returns true when that pair had none yet.
 */
static bool take_sample(lttsync_session *s)
{
	const lsync_match_sample *m = lsync_matcher_newest(s->evidence.matcher);
	uint64_t key = lsync_pair_key(m->send_host, m->recv_host);
	__int128 d = (__int128)m->recv_ns - m->send_ns;
	lead_pair *p;

	if (m->n == s->read.lead_seen)
		return false;
	s->read.lead_seen = m->n;
	s->read.lead_samples++;
	if (m->send_host > m->recv_host)
		d = -d;
	if ((p = g_hash_table_lookup(s->read.lead_pairs, &key))) {
		p->lead = clamp62(d);
		return false;
	}
	if (!(p = g_try_new(lead_pair, 1)))
		return false; /* only a hint */
	*p = (lead_pair){ key, (uint32_t)(key >> 32), (uint32_t)key, clamp62(d) };
	g_hash_table_insert(s->read.lead_pairs, &p->key, p);
	return true;
}

/* The root of h's set; on return lead[h] is h's lead over that root. */
static uint32_t find_root(uint32_t *up, int64_t *lead, uint32_t h)
{
	uint32_t root = h, next;
	__int128 total = 0;
	int64_t own;

	for (; up[root] != root; root = up[root])
		total += lead[root];
	/* Compress: each host on the path points at the root directly. */
	for (; h != root; h = next) {
		next = up[h];
		own = lead[h];
		lead[h] = clamp62(total);
		up[h] = root;
		total -= own;
	}
	return root;
}

/* Join the sets of a and b so that lead(b) - lead(a) = d. */
static void join(uint32_t *up, int64_t *lead, uint32_t a, uint32_t b,
		 int64_t d)
{
	uint32_t ra = find_root(up, lead, a), rb = find_root(up, lead, b);

	if (ra == rb)
		return; /* a cycle: the first path found stays */
	/* lead(b) = lead(rb) + lead[b] and lead(a) = lead(ra) + lead[a]. */
	up[rb] = ra;
	lead[rb] = clamp62((__int128)lead[a] + d - lead[b]);
}

static void compute(lttsync_session *s, uint32_t n, uint32_t *up,
		    int64_t *lead)
{
	GHashTableIter it;
	gpointer value;

	for (uint32_t h = 0; h < n; h++) {
		up[h] = h;
		lead[h] = 0;
	}
	g_hash_table_iter_init(&it, s->read.lead_pairs);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		const lead_pair *p = value;

		if (p->b < n)
			join(up, lead, p->a, p->b, p->lead);
	}
	for (uint32_t h = 0; h < n; h++)
		find_root(up, lead, h);
}

bool lsync_session_refresh_leads(lttsync_session *s)
{
	uint32_t n = s->hosts->len, *up;
	int64_t *lead;

	if (!take_sample(s) && s->read.lead_samples < LEAD_RECOMPUTE)
		return false;
	s->read.lead_samples = 0;
	up = g_try_new(uint32_t, n ? n : 1);
	lead = g_try_new(int64_t, n ? n : 1);
	if (!up || !lead) { /* only a hint: keep the old ones */
		g_free(up);
		g_free(lead);
		return false;
	}
	compute(s, n, up, lead);
	g_free(up);
	g_free(s->read.leads);
	s->read.leads = lead;
	s->read.n_leads = n;
	return true;
}
