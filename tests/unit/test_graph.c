/* SPDX-License-Identifier: MIT */
/*
 * The reference and path choice (graph.h), against hand-made graphs and
 * brute force (Floyd-Warshall, Prim and all-pairs tree distances, which
 * only a test can afford).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define MAXN 64

static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static lsync_graph_edge acc(uint32_t a, uint32_t b, long double w)
{
	return (lsync_graph_edge){ a, b, { 0, 0, w } };
}

static lsync_graph_edge apx(uint32_t a, uint32_t b, long double w)
{
	return (lsync_graph_edge){ a, b, { 0, 1, w } };
}

static lsync_graph_edge fail(uint32_t a, uint32_t b, long double w)
{
	return (lsync_graph_edge){ a, b, { 1, 0, w } };
}

/* Names "h00", "h01", ...: index order is name order. */
typedef struct names {
	char buf[MAXN][16];
	const char *ptr[MAXN];
} names;

static void make_names(names *nm, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snprintf(nm->buf[i], sizeof(nm->buf[i]), "h%02u", (unsigned)i % 100);
		nm->ptr[i] = nm->buf[i];
	}
}

typedef struct result {
	uint32_t ref;
	uint32_t parent[MAXN];
	lsync_cost dist[MAXN];
} result;

static result solve(size_t n, const lsync_graph_edge *e, size_t ne,
		    uint32_t forced)
{
	names nm;
	result r;

	make_names(&nm, n);
	cr_assert_eq(lsync_graph_solve(n, nm.ptr, e, ne, forced, &r.ref,
				       r.parent, r.dist), 0);
	return r;
}

static void assert_parents(const result *r, const uint32_t *expect, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(r->parent[i], expect[i], "parent of h%02zu: %u, want %u",
			     i, r->parent[i], expect[i]);
}

Test(graph, cost_order_and_sum)
{
	lsync_cost a = { 0, 0, 1e9L }, b = { 0, 1, 0 }, c = { 1, 0, 0 };
	lsync_cost big = { UINT32_MAX - 1, 3, 1 }, nan_w = { 0, 0, NAN }, s;

	cr_assert_lt(lsync_cost_cmp(&a, &b), 0);
	cr_assert_lt(lsync_cost_cmp(&b, &c), 0);
	cr_assert_gt(lsync_cost_cmp(&c, &a), 0);
	cr_assert_eq(lsync_cost_cmp(&a, &a), 0);
	cr_assert_gt(lsync_cost_cmp(&nan_w, &a), 0);
	cr_assert_eq(lsync_cost_cmp(&nan_w, &nan_w), 0);
	s = lsync_cost_add(&big, &c);
	cr_assert_eq(s.fails, UINT32_MAX);
	s = lsync_cost_add(&s, &big); /* saturates, never wraps */
	cr_assert_eq(s.fails, UINT32_MAX);
	cr_assert_eq(s.approx, 6);
	cr_assert_eq(s.width, 2);
}

Test(graph, empty_and_single)
{
	uint32_t ref = 7, parent[1];
	lsync_cost dist[1];
	const char *nm[] = { "only" };

	cr_assert_eq(lsync_graph_solve(0, NULL, NULL, 0, LSYNC_NO_HOST, &ref,
				       parent, dist), 0);
	cr_assert_eq(ref, LSYNC_NO_HOST);
	cr_assert_eq(lsync_graph_solve(1, nm, NULL, 0, LSYNC_NO_HOST, &ref,
				       parent, dist), 0);
	cr_assert_eq(ref, 0);
	cr_assert_eq(parent[0], 0);
	cr_assert_eq(dist[0].fails + dist[0].approx, 0);
	cr_assert_eq(dist[0].width, 0);
}

Test(graph, star_center_is_reference)
{
	lsync_graph_edge e[6];
	uint32_t expect[7];
	result r;

	for (uint32_t i = 0, k = 0; i < 7; i++)
		if (i != 3)
			e[k++] = acc(i, 3, 10 + i);
	r = solve(7, e, 6, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 3);
	for (int i = 0; i < 7; i++)
		expect[i] = 3;
	assert_parents(&r, expect, 7);
	cr_assert_eq(r.dist[6].width, 16);
}

Test(graph, chain_center)
{
	lsync_graph_edge e[4] = { acc(0, 1, 5), acc(1, 2, 5), acc(2, 3, 5),
				  acc(3, 4, 5) };
	const uint32_t expect5[] = { 1, 2, 2, 2, 3 };
	result r = solve(5, e, 4, LSYNC_NO_HOST);

	cr_assert_eq(r.ref, 2);
	assert_parents(&r, expect5, 5);
	cr_assert_eq(r.dist[0].width, 10);
	/* 4 hosts: h01 and h02 tie, the smaller name wins */
	r = solve(4, e, 3, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 1);
	r = solve(2, e, 1, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 0);
	/* widths move the center: eccentricity of h03 is 13, of h02 14 */
	e[3].cost.width = 13;
	e[0].cost.width = 1;
	e[1].cost.width = 1;
	e[2].cost.width = 1;
	r = solve(5, e, 4, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 3);
}

Test(graph, accurate_path_beats_approximate_edge)
{
	/* h00-h02 directly is approximate, however narrow */
	lsync_graph_edge e[] = { acc(0, 1, 100), acc(1, 2, 100), apx(0, 2, 1) };
	const uint32_t expect[] = { 0, 0, 1 };
	result r = solve(3, e, 3, 0);

	cr_assert_eq(r.ref, 0);
	assert_parents(&r, expect, 3);
	cr_assert_eq(r.dist[2].approx, 0);
	cr_assert_eq(r.dist[2].width, 200);
	/* with the rule the tree is the accurate chain: its center */
	r = solve(3, e, 3, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 1);
	cr_assert_eq(r.parent[2], 1);
	cr_assert_eq(r.parent[0], 1);
}

Test(graph, fail_edges_are_last_resort)
{
	lsync_graph_edge e[] = { fail(0, 2, 1), apx(0, 1, 1000),
				 apx(1, 2, 1000), fail(3, 0, 1) };
	const uint32_t expect[] = { 0, 0, 1, 0 };
	result r = solve(4, e, 4, 0);

	assert_parents(&r, expect, 4);
	cr_assert_eq(r.dist[2].fails, 0);
	cr_assert_eq(r.dist[2].approx, 2);
	cr_assert_eq(r.dist[3].fails, 1); /* the only way there */
	/* the rule: the accurate-free MST still avoids the fail edge */
	r = solve(4, e, 4, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 0);
}

Test(graph, duplicate_edges_keep_cheapest)
{
	lsync_graph_edge e[] = { apx(0, 1, 1), acc(1, 0, 50), acc(0, 1, 70),
				 acc(1, 2, 1) };
	result r = solve(3, e, 4, 0);

	cr_assert_eq(r.parent[1], 0);
	cr_assert_eq(r.dist[1].approx, 0);
	cr_assert_eq(r.dist[1].width, 50);
	cr_assert_eq(r.dist[2].width, 51);
}

Test(graph, disconnected_hosts)
{
	/* components {0,1,2}, {3,4}, {5} */
	lsync_graph_edge e[] = { acc(3, 4, 1), acc(0, 1, 1), acc(1, 2, 1) };
	result r = solve(6, e, 3, LSYNC_NO_HOST);

	cr_assert_eq(r.ref, 1);
	cr_assert_eq(r.parent[3], LSYNC_NO_HOST);
	cr_assert_eq(r.parent[4], LSYNC_NO_HOST);
	cr_assert_eq(r.parent[5], LSYNC_NO_HOST);
	/* forced into the small component: the others are disconnected */
	r = solve(6, e, 3, 4);
	cr_assert_eq(r.ref, 4);
	cr_assert_eq(r.parent[3], 4);
	cr_assert_eq(r.parent[4], 4);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(r.parent[i], LSYNC_NO_HOST);
	cr_assert_eq(r.parent[5], LSYNC_NO_HOST);
	/* no edge at all: the smallest name */
	r = solve(4, e, 0, LSYNC_NO_HOST);
	cr_assert_eq(r.ref, 0);
	cr_assert_eq(r.parent[1], LSYNC_NO_HOST);
}

Test(graph, equal_components_tie_on_smallest_name)
{
	/* {h01, h02} and {h00, h03}: the one holding h00 */
	lsync_graph_edge e[] = { acc(1, 2, 1), acc(3, 0, 1) };
	result r = solve(4, e, 2, LSYNC_NO_HOST);

	cr_assert_eq(r.ref, 0);
	cr_assert_eq(r.parent[3], 0);
	cr_assert_eq(r.parent[1], LSYNC_NO_HOST);
}

Test(graph, forced_reference_honoured)
{
	lsync_graph_edge e[] = { acc(0, 1, 5), acc(1, 2, 5), acc(2, 3, 5),
				 acc(3, 4, 5) };
	const uint32_t expect[] = { 0, 0, 1, 2, 3 };
	result r = solve(5, e, 4, 0);

	cr_assert_eq(r.ref, 0);
	assert_parents(&r, expect, 5);
	cr_assert_eq(r.dist[4].width, 20);
}

Test(graph, equal_paths_tie_on_predecessor_name)
{
	/* h03 reached at equal cost through h01 or h02: h01 */
	lsync_graph_edge e[] = { acc(0, 2, 1), acc(0, 1, 1), acc(2, 3, 1),
				 acc(1, 3, 1) };
	result r = solve(4, e, 4, 0);

	cr_assert_eq(r.parent[3], 1);
}

/* ---- Random graphs ----------------------------------------------------- */

typedef struct rgraph {
	size_t n, ne;
	lsync_graph_edge e[MAXN * 8];
} rgraph;

enum widths { TIES, ZERO_TIES, DISTINCT };

/*
 * n hosts, a few edges each; integer widths (sums are exact) from a small
 * set so that ties are frequent ([1, 4], or [0, 3] with ZERO_TIES), some
 * approximate and fail edges. With DISTINCT, all costs differ (accurate,
 * widths a permutation).
 */
static void random_graph(rgraph *g, uint64_t *st, enum widths mode)
{
	bool distinct = mode == DISTINCT;

	g->n = 2 + rnd(st) % (MAXN - 14);
	g->ne = rnd(st) % (3 * g->n);
	for (size_t i = 0; i < g->ne; i++) {
		uint32_t a = (uint32_t)(rnd(st) % g->n);
		uint32_t b = (uint32_t)((a + 1 + rnd(st) % (g->n - 1)) % g->n);
		uint32_t kind = (uint32_t)(rnd(st) % 8);

		g->e[i] = (lsync_graph_edge){ a, b, { kind == 0, kind == 1,
						      (mode != ZERO_TIES) +
						      (long double)(rnd(st) % 4) } };
		if (distinct)
			g->e[i].cost = (lsync_cost){ 0, 0, (long double)(i + 1) };
	}
	if (distinct) /* no duplicate pairs: costs stay distinct */
		for (size_t i = 0; i < g->ne; i++)
			for (size_t j = 0; j < i; j++)
				if ((g->e[i].a == g->e[j].a && g->e[i].b == g->e[j].b) ||
				    (g->e[i].a == g->e[j].b && g->e[i].b == g->e[j].a))
					g->e[i].b = g->e[i].a; /* made a loop: ignored */
}

/* Cheapest edge cost between each pair; NULL-like fails=UINT32_MAX. */
static void edge_matrix(const rgraph *g, lsync_cost w[MAXN][MAXN], bool has[MAXN][MAXN])
{
	memset(has, 0, sizeof(bool) * MAXN * MAXN);
	for (size_t i = 0; i < g->ne; i++) {
		uint32_t a = g->e[i].a, b = g->e[i].b;

		if (a == b)
			continue;
		if (!has[a][b] || lsync_cost_cmp(&g->e[i].cost, &w[a][b]) < 0)
			w[a][b] = w[b][a] = g->e[i].cost;
		has[a][b] = has[b][a] = true;
	}
}

static void floyd_warshall(size_t n, lsync_cost d[MAXN][MAXN], bool r[MAXN][MAXN])
{
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < n; j++) {
				lsync_cost s;

				if (!r[i][k] || !r[k][j])
					continue;
				s = lsync_cost_add(&d[i][k], &d[k][j]);
				if (!r[i][j] || lsync_cost_cmp(&s, &d[i][j]) < 0) {
					d[i][j] = s;
					r[i][j] = true;
				}
			}
}

static void all_pairs(const rgraph *g, lsync_cost d[MAXN][MAXN], bool r[MAXN][MAXN])
{
	edge_matrix(g, d, r);
	for (size_t i = 0; i < g->n; i++) {
		d[i][i] = (lsync_cost){ 0, 0, 0 };
		r[i][i] = true;
	}
	floyd_warshall(g->n, d, r);
}

Test(graph, dijkstra_matches_floyd_warshall)
{
	static lsync_cost d[MAXN][MAXN], w[MAXN][MAXN];
	static bool reach[MAXN][MAXN], has[MAXN][MAXN];
	static rgraph g;
	uint64_t st = 11;

	for (int iter = 0; iter < 200; iter++) {
		result r;

		random_graph(&g, &st, TIES);
		r = solve(g.n, g.e, g.ne, LSYNC_NO_HOST);
		all_pairs(&g, d, reach);
		edge_matrix(&g, w, has);
		for (uint32_t v = 0; v < g.n; v++) {
			uint32_t p = r.parent[v], best = LSYNC_NO_HOST;
			lsync_cost s;

			cr_assert_eq(p != LSYNC_NO_HOST, reach[r.ref][v]);
			if (p == LSYNC_NO_HOST)
				continue;
			cr_assert_eq(lsync_cost_cmp(&r.dist[v], &d[r.ref][v]), 0,
				     "graph %d host %u", iter, v);
			if (v == r.ref) {
				cr_assert_eq(p, v);
				continue;
			}
			cr_assert(has[p][v]);
			s = lsync_cost_add(&r.dist[p], &w[p][v]);
			cr_assert_eq(lsync_cost_cmp(&s, &r.dist[v]), 0);
			/* widths >= 1: every optimal predecessor settles
			 * first, so the smallest name among them wins */
			for (uint32_t u = 0; u < g.n && best == LSYNC_NO_HOST; u++) {
				if (!has[u][v] || !reach[r.ref][u])
					continue;
				s = lsync_cost_add(&d[r.ref][u], &w[u][v]);
				if (lsync_cost_cmp(&s, &d[r.ref][v]) == 0)
					best = u;
			}
			cr_assert_eq(p, best, "graph %d host %u", iter, v);
		}
	}
}

/* Largest component, ties to the smallest index (= name). */
static uint32_t brute_component_min(const rgraph *g, bool reach[MAXN][MAXN])
{
	size_t best_size = 0;
	uint32_t best = 0;

	for (uint32_t v = 0; v < g->n; v++) {
		size_t size = 0;
		bool is_min = true;

		for (uint32_t u = 0; u < g->n; u++) {
			size += reach[v][u];
			if (reach[v][u] && u < v)
				is_min = false;
		}
		if (is_min && size > best_size) {
			best_size = size;
			best = v;
		}
	}
	return best;
}

/* Prim's tree (costs distinct: the MST is unique) as a 0/1 matrix. */
static void brute_mst(const rgraph *g, uint32_t start, lsync_cost w[MAXN][MAXN],
		      bool has[MAXN][MAXN], bool tree[MAXN][MAXN])
{
	bool in[MAXN] = { false };

	memset(tree, 0, sizeof(bool) * MAXN * MAXN);
	in[start] = true;
	for (;;) {
		uint32_t bu = 0, bv = 0;
		bool found = false;

		for (uint32_t u = 0; u < g->n; u++)
			for (uint32_t v = 0; v < g->n; v++)
				if (in[u] && !in[v] && has[u][v] &&
				    (!found || lsync_cost_cmp(&w[u][v], &w[bu][bv]) < 0)) {
					bu = u;
					bv = v;
					found = true;
				}
		if (!found)
			return;
		in[bv] = true;
		tree[bu][bv] = tree[bv][bu] = true;
	}
}

Test(graph, reference_is_center_of_brute_force_tree)
{
	static lsync_cost w[MAXN][MAXN], td[MAXN][MAXN], d[MAXN][MAXN];
	static bool has[MAXN][MAXN], tree[MAXN][MAXN], treach[MAXN][MAXN];
	static bool reach[MAXN][MAXN];
	static rgraph g;
	uint64_t st = 12;

	for (int iter = 0; iter < 200; iter++) {
		uint32_t start, best = LSYNC_NO_HOST;
		lsync_cost best_ecc = { 0, 0, 0 };
		result r;

		random_graph(&g, &st, DISTINCT);
		r = solve(g.n, g.e, g.ne, LSYNC_NO_HOST);
		all_pairs(&g, d, reach);
		edge_matrix(&g, w, has);
		start = brute_component_min(&g, reach);
		brute_mst(&g, start, w, has, tree);
		/* tree distances: Floyd-Warshall on the tree alone */
		for (uint32_t i = 0; i < g.n; i++)
			for (uint32_t j = 0; j < g.n; j++) {
				treach[i][j] = tree[i][j] || i == j;
				td[i][j] = i == j ? (lsync_cost){ 0, 0, 0 } : w[i][j];
			}
		floyd_warshall(g.n, td, treach);
		for (uint32_t v = 0; v < g.n; v++) {
			lsync_cost ecc = { 0, 0, 0 };

			if (!reach[start][v])
				continue;
			for (uint32_t u = 0; u < g.n; u++)
				if (reach[start][u] &&
				    lsync_cost_cmp(&td[v][u], &ecc) > 0)
					ecc = td[v][u];
			if (best == LSYNC_NO_HOST || lsync_cost_cmp(&ecc, &best_ecc) < 0) {
				best = v;
				best_ecc = ecc;
			}
		}
		cr_assert_eq(r.ref, best, "graph %d: %u, brute force %u", iter,
			     r.ref, best);
	}
}

Test(graph, result_does_not_depend_on_host_order)
{
	static rgraph g, pg;
	uint64_t st = 13;

	for (int iter = 0; iter < 200; iter++) {
		char buf[MAXN][16];
		const char *nm[MAXN], *pnm[MAXN];
		uint32_t perm[MAXN], ref, pref, parent[MAXN], pparent[MAXN];
		lsync_cost dist[MAXN], pdist[MAXN];

		/* zero widths: equal-cost hosts settle in name order */
		random_graph(&g, &st, iter % 2 ? ZERO_TIES : TIES);
		for (uint32_t i = 0; i < g.n; i++) {
			/* names in no relation to indices */
			snprintf(buf[i], sizeof(buf[i]), "n%03u",
				 (unsigned)((i * 37 + 11) % 101));
			nm[i] = buf[i];
			perm[i] = i;
		}
		for (uint32_t i = g.n - 1; i > 0; i--) { /* Fisher-Yates */
			uint32_t j = (uint32_t)(rnd(&st) % (i + 1)), t = perm[i];

			perm[i] = perm[j];
			perm[j] = t;
		}
		pg = g;
		for (uint32_t i = 0; i < g.n; i++)
			pnm[perm[i]] = nm[i];
		for (size_t k = 0; k < g.ne; k++) {
			pg.e[k].a = perm[g.e[k].a];
			pg.e[k].b = perm[g.e[k].b];
		}
		cr_assert_eq(lsync_graph_solve(g.n, nm, g.e, g.ne, LSYNC_NO_HOST,
					       &ref, parent, dist), 0);
		cr_assert_eq(lsync_graph_solve(pg.n, pnm, pg.e, pg.ne, LSYNC_NO_HOST,
					       &pref, pparent, pdist), 0);
		cr_assert_str_eq(nm[ref], pnm[pref]);
		for (uint32_t i = 0; i < g.n; i++) {
			uint32_t p = parent[i], pp = pparent[perm[i]];

			cr_assert_eq(p == LSYNC_NO_HOST, pp == LSYNC_NO_HOST);
			if (p != LSYNC_NO_HOST)
				cr_assert_str_eq(nm[p], pnm[pp], "graph %d", iter);
		}
	}
}

/* Every connected host reaches ref through parents, each step along an
 * edge of the graph with consistent costs, and no edge improves a path. */
static void assert_shortest_path_tree(size_t n, const lsync_graph_edge *e,
				      size_t ne, uint32_t ref,
				      const uint32_t *parent,
				      const lsync_cost *dist)
{
	bool *ok = calloc(n, sizeof(*ok));

	cr_assert_not_null(ok);
	cr_assert_eq(parent[ref], ref);
	ok[ref] = true;
	for (size_t k = 0; k < ne; k++)
		for (int dir = 0; dir < 2; dir++) {
			uint32_t u = dir ? e[k].b : e[k].a, v = dir ? e[k].a : e[k].b;
			lsync_cost s = lsync_cost_add(&dist[u], &e[k].cost);

			if (parent[u] == LSYNC_NO_HOST)
				continue;
			cr_assert_neq(parent[v], LSYNC_NO_HOST);
			cr_assert_leq(lsync_cost_cmp(&dist[v], &s), 0);
			if (parent[v] == u && lsync_cost_cmp(&dist[v], &s) == 0)
				ok[v] = true;
		}
	for (size_t v = 0; v < n; v++) {
		size_t steps = 0;

		cr_assert(ok[v], "host %zu: parent edge missing", v);
		for (uint32_t h = (uint32_t)v; h != ref; h = parent[h])
			cr_assert_lt(++steps, n, "host %zu: cycle", v);
	}
	free(ok);
}

Test(graph, thousand_hosts_fifty_thousand_edges, .timeout = 60)
{
	const size_t n = 1000, ne = 50000;
	lsync_graph_edge *e = malloc(ne * sizeof(*e));
	char (*buf)[16] = malloc(n * sizeof(*buf));
	const char **nm = malloc(n * sizeof(*nm));
	uint32_t *parent = malloc(n * sizeof(*parent)), ref;
	lsync_cost *dist = malloc(n * sizeof(*dist));
	uint64_t st = 14;

	cr_assert(e && buf && nm && parent && dist);
	for (size_t i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "host-%04zu", (i * 7919) % n);
		nm[i] = buf[i];
	}
	for (size_t k = 0; k < ne; k++) {
		/* a random chain first, so the mesh is connected */
		uint32_t a = (uint32_t)(k < n - 1 ? k : rnd(&st) % n);
		uint32_t b = (uint32_t)(k < n - 1 ? k + 1
					: (a + 1 + rnd(&st) % (n - 1)) % n);
		uint32_t kind = (uint32_t)(rnd(&st) % 10);

		e[k] = (lsync_graph_edge){ a, b, { kind == 0, kind == 1,
						   1 + (long double)(rnd(&st) % 1000) } };
	}
	cr_assert_eq(lsync_graph_solve(n, nm, e, ne, LSYNC_NO_HOST, &ref,
				       parent, dist), 0);
	cr_assert_lt(ref, n);
	assert_shortest_path_tree(n, e, ne, ref, parent, dist);
	free(e);
	free(buf);
	free(nm);
	free(parent);
	free(dist);
}

Test(graph, invalid_edges_ignored)
{
	lsync_graph_edge e[] = { acc(0, 0, 1), acc(0, 9, 1), acc(0, 1, NAN),
				 acc(1, 2, -5) };
	result r = solve(3, e, 4, 1);

	/* self-loop and unknown host dropped, NaN width infinite,
	 * negative width zero */
	cr_assert_eq(r.parent[0], 1);
	cr_assert_eq(r.parent[2], 1);
	/* infinite; "huge" because valgrind stores inf as the largest
	 * finite long double */
	cr_assert_gt(r.dist[0].width, 1e300L);
	cr_assert_eq(r.dist[2].width, 0);
	/* out-of-range forced reference: chosen by the rule */
	r = solve(3, e, 4, 77);
	cr_assert_lt(r.ref, 3);
}
