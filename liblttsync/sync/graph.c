/* SPDX-License-Identifier: MIT */
/*
 * Choosing the reference host and each host's path to it (see graph.h).
 *
 * Determinism: hosts are first relabelled by name (label 0 is the
 * smallest name; equal or missing names fall back to the host index), and
 * the whole computation runs on labels. Every tie ("smallest name",
 * "ties broken by name") is then a comparison of labels, so the result
 * depends on the names and edges only, not on the order hosts were
 * declared in.
 *
 * Cost: sorting the edges twice and Dijkstra with a binary heap,
 * O((V + E) log V); the tree center needs three linear traversals.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

/* An undirected edge between labels lo < hi. */
typedef struct ledge {
	uint32_t lo, hi;
	lsync_cost cost;
} ledge;

/* Adjacency lists in one array (compressed rows): the neighbours of v
 * are to[start[v] .. start[v + 1]). */
typedef struct adjacency {
	size_t *start;
	uint32_t *to;
	lsync_cost *cost;
} adjacency;

typedef struct graph {
	uint32_t n;
	uint32_t *host;   /* label -> host index */
	ledge *edges;     /* one per pair, the cheapest */
	size_t n_edges;
	adjacency adj;
} graph;

static uint32_t sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

int lsync_cost_cmp(const lsync_cost *x, const lsync_cost *y)
{
	bool nx = isnan(x->width), ny = isnan(y->width);

	if (x->fails != y->fails)
		return x->fails < y->fails ? -1 : 1;
	if (x->approx != y->approx)
		return x->approx < y->approx ? -1 : 1;
	if (x->width < y->width)
		return -1;
	if (x->width > y->width)
		return 1;
	/* NaN after every number, so that the order stays total. */
	return (int)nx - (int)ny;
}

lsync_cost lsync_cost_add(const lsync_cost *x, const lsync_cost *y)
{
	/* Counts saturate rather than wrap: a wrapped count would make a
	 * long path of failures look cheap. */
	return (lsync_cost){ .fails = sat_add(x->fails, y->fails),
			     .approx = sat_add(x->approx, y->approx),
			     .width = x->width + y->width };
}

/* ---- Labels ----------------------------------------------------------- */

typedef struct named {
	const char *name;
	uint32_t host;
} named;

static int named_cmp(const void *pa, const void *pb)
{
	const named *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return (a->host > b->host) - (a->host < b->host);
}

/* Fills g->host (label -> host) and rank (host -> label) by name. */
static int label_hosts(graph *g, const char *const *names, uint32_t *rank)
{
	named *v = malloc((size_t)g->n * sizeof(*v) + 1);

	if (!v)
		return -1;
	for (uint32_t h = 0; h < g->n; h++) {
		v[h].name = names && names[h] ? names[h] : "";
		v[h].host = h;
	}
	qsort(v, g->n, sizeof(*v), named_cmp);
	for (uint32_t l = 0; l < g->n; l++) {
		g->host[l] = v[l].host;
		rank[v[l].host] = l;
	}
	free(v);
	return 0;
}

/* ---- Edges ------------------------------------------------------------ */

/* By pair, cheapest first: the first edge of each pair is the one kept. */
static int pair_cmp(const void *pa, const void *pb)
{
	const ledge *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	return lsync_cost_cmp(&a->cost, &b->cost);
}

/* By cost, then by the pair of names: the order Kruskal takes. */
static int kruskal_cmp(const void *pa, const void *pb)
{
	const ledge *a = pa, *b = pb;
	int c = lsync_cost_cmp(&a->cost, &b->cost);

	if (c)
		return c;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return (a->hi > b->hi) - (a->hi < b->hi);
}

/*
 * Relabels the caller's edges, drops self-loops and out-of-range hosts,
 * and keeps the cheapest edge of each pair. A NaN width is treated as
 * infinite and a negative one as zero: Dijkstra needs costs >= 0.
 */
static int load_edges(graph *g, const uint32_t *rank,
		      const lsync_graph_edge *edges, size_t n_edges)
{
	size_t m = 0, kept = 0;

	g->edges = malloc(n_edges * sizeof(*g->edges) + 1);
	if (!g->edges)
		return -1;
	for (size_t i = 0; i < n_edges; i++) {
		const lsync_graph_edge *e = &edges[i];
		uint32_t ra, rb;

		if (e->a >= g->n || e->b >= g->n || e->a == e->b)
			continue;
		ra = rank[e->a];
		rb = rank[e->b];
		g->edges[m] = (ledge){ .lo = ra < rb ? ra : rb,
				       .hi = ra < rb ? rb : ra, .cost = e->cost };
		if (isnan(e->cost.width))
			g->edges[m].cost.width = INFINITY;
		else if (e->cost.width < 0)
			g->edges[m].cost.width = 0;
		m++;
	}
	qsort(g->edges, m, sizeof(*g->edges), pair_cmp);
	for (size_t i = 0; i < m; i++)
		if (!kept || g->edges[i].lo != g->edges[kept - 1].lo ||
		    g->edges[i].hi != g->edges[kept - 1].hi)
			g->edges[kept++] = g->edges[i];
	g->n_edges = kept;
	return 0;
}

static void adjacency_free(adjacency *adj)
{
	free(adj->start);
	free(adj->to);
	free(adj->cost);
	*adj = (adjacency){ 0 };
}

/* Both directions of each edge, grouped by source (a counting sort). */
static int adjacency_build(adjacency *adj, uint32_t n, const ledge *edges,
			   size_t n_edges)
{
	size_t *fill;

	adj->start = calloc((size_t)n + 1, sizeof(*adj->start));
	adj->to = malloc(2 * n_edges * sizeof(*adj->to) + 1);
	adj->cost = malloc(2 * n_edges * sizeof(*adj->cost) + 1);
	fill = malloc(((size_t)n + 1) * sizeof(*fill));
	if (!adj->start || !adj->to || !adj->cost || !fill) {
		free(fill);
		adjacency_free(adj);
		return -1;
	}
	for (size_t i = 0; i < n_edges; i++) {
		adj->start[edges[i].lo + 1]++;
		adj->start[edges[i].hi + 1]++;
	}
	for (uint32_t v = 0; v < n; v++)
		adj->start[v + 1] += adj->start[v];
	memcpy(fill, adj->start, ((size_t)n + 1) * sizeof(*fill));
	for (size_t i = 0; i < n_edges; i++) {
		const ledge *e = &edges[i];

		adj->to[fill[e->lo]] = e->hi;
		adj->cost[fill[e->lo]++] = e->cost;
		adj->to[fill[e->hi]] = e->lo;
		adj->cost[fill[e->hi]++] = e->cost;
	}
	free(fill);
	return 0;
}

/* ---- Step 1: the largest component ------------------------------------ */

static uint32_t uf_find(uint32_t *up, uint32_t v)
{
	while (up[v] != v) {
		up[v] = up[up[v]]; /* path halving */
		v = up[v];
	}
	return v;
}

/* Joins the sets of a and b; false if they were already one. */
static bool uf_union(uint32_t *up, uint32_t *size, uint32_t a, uint32_t b)
{
	uint32_t t;

	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a == b)
		return false;
	if (size[a] < size[b]) {
		t = a;
		a = b;
		b = t;
	}
	up[b] = a;
	size[a] += size[b];
	return true;
}

/*
 * The root of the component with the most hosts, ties to the one holding
 * the smallest label: labels are visited in order and only a strictly
 * larger component replaces the best so far.
 */
static uint32_t largest_component(const graph *g, uint32_t *up,
				  uint32_t *size)
{
	uint32_t best = 0;

	for (uint32_t v = 0; v < g->n; v++) {
		up[v] = v;
		size[v] = 1;
	}
	for (size_t i = 0; i < g->n_edges; i++)
		uf_union(up, size, g->edges[i].lo, g->edges[i].hi);
	for (uint32_t v = 0; v < g->n; v++) {
		uint32_t r = uf_find(up, v);

		if (size[r] > size[uf_find(up, best)])
			best = r;
	}
	return uf_find(up, best);
}

/* ---- Step 2: minimum spanning tree and its center ---------------------- */

/*
 * Kruskal on the edges of the component rooted at `root` (comp_root[v]
 * is v's component): fills tree (at most n - 1 edges) and *n_tree.
 * Returns 0, or -1 on allocation failure.
 */
static int spanning_tree(const graph *g, const uint32_t *comp_root,
			 uint32_t root, ledge *tree, size_t *n_tree)
{
	uint32_t *up = malloc((size_t)g->n * sizeof(*up) + 1);
	uint32_t *size = malloc((size_t)g->n * sizeof(*size) + 1);
	ledge *cand = malloc(g->n_edges * sizeof(*cand) + 1);
	size_t n_cand = 0;
	int ret = -1;

	if (up && size && cand) {
		for (size_t i = 0; i < g->n_edges; i++)
			if (comp_root[g->edges[i].lo] == root)
				cand[n_cand++] = g->edges[i];
		qsort(cand, n_cand, sizeof(*cand), kruskal_cmp);
		for (uint32_t v = 0; v < g->n; v++) {
			up[v] = v;
			size[v] = 1;
		}
		*n_tree = 0;
		for (size_t i = 0; i < n_cand; i++)
			if (uf_union(up, size, cand[i].lo, cand[i].hi))
				tree[(*n_tree)++] = cand[i];
		ret = 0;
	}
	free(up);
	free(size);
	free(cand);
	return ret;
}

/*
 * Tree distances from src to every host of its tree, summed along the
 * path from src (so the same path always rounds the same way). Only a
 * traversal, no subtraction: costs are compared, never differenced.
 * stack and from are scratch arrays of n entries.
 */
static void tree_distances(const adjacency *tree, uint32_t src,
			   lsync_cost *dist, uint32_t *stack, uint32_t *from)
{
	size_t top = 0;

	dist[src] = (lsync_cost){ 0, 0, 0 };
	from[src] = src;
	stack[top++] = src;
	while (top) {
		uint32_t u = stack[--top];

		for (size_t k = tree->start[u]; k < tree->start[u + 1]; k++) {
			uint32_t v = tree->to[k];

			if (v == from[u])
				continue;
			from[v] = u;
			dist[v] = lsync_cost_add(&dist[u], &tree->cost[k]);
			stack[top++] = v;
		}
	}
}

/* The member of the component farthest from the distances' source,
 * ties to the smallest label. */
static uint32_t farthest(const graph *g, const uint32_t *comp_root,
			 uint32_t root, const lsync_cost *dist)
{
	uint32_t best = LSYNC_NO_HOST;

	for (uint32_t v = 0; v < g->n; v++)
		if (comp_root[v] == root &&
		    (best == LSYNC_NO_HOST ||
		     lsync_cost_cmp(&dist[v], &dist[best]) > 0))
			best = v;
	return best;
}

/*
 * The center of a tree: in a tree the farthest host from any vertex is an
 * end of a diameter (A, B), found by two sweeps, so the eccentricity of v
 * is max(d(v, A), d(v, B)). Every member is scored (not only the
 * diameter path), which keeps zero-cost edges' ties on the smallest label.
 */
static uint32_t tree_center(const graph *g, const adjacency *tree,
			    const uint32_t *comp_root, uint32_t root,
			    lsync_cost *da, lsync_cost *db, uint32_t *scratch)
{
	uint32_t *stack = scratch, *from = scratch + g->n;
	uint32_t first, a, b;
	uint32_t best = LSYNC_NO_HOST;
	lsync_cost best_ecc = { 0, 0, 0 };

	/* Any member can start the first sweep: the smallest label. */
	for (first = 0; comp_root[first] != root; first++)
		;
	tree_distances(tree, first, da, stack, from);
	a = farthest(g, comp_root, root, da);
	tree_distances(tree, a, da, stack, from);
	b = farthest(g, comp_root, root, da);
	tree_distances(tree, b, db, stack, from);
	for (uint32_t v = 0; v < g->n; v++) {
		const lsync_cost *ecc;

		if (comp_root[v] != root)
			continue;
		ecc = lsync_cost_cmp(&da[v], &db[v]) >= 0 ? &da[v] : &db[v];
		if (best == LSYNC_NO_HOST || lsync_cost_cmp(ecc, &best_ecc) < 0) {
			best = v;
			best_ecc = *ecc;
		}
	}
	return best;
}

/* Steps 1 and 2: the label of the reference, LSYNC_NO_HOST on failure. */
static uint32_t choose_reference(const graph *g)
{
	uint32_t *up = malloc((size_t)g->n * sizeof(*up));
	uint32_t *size = malloc((size_t)g->n * sizeof(*size));
	uint32_t *scratch = malloc(2 * (size_t)g->n * sizeof(*scratch));
	lsync_cost *da = malloc((size_t)g->n * sizeof(*da));
	lsync_cost *db = malloc((size_t)g->n * sizeof(*db));
	ledge *tree = malloc((size_t)g->n * sizeof(*tree));
	adjacency tree_adj = { 0 };
	uint32_t root, ref = LSYNC_NO_HOST;
	size_t n_tree;

	if (!up || !size || !scratch || !da || !db || !tree)
		goto out;
	root = largest_component(g, up, size);
	for (uint32_t v = 0; v < g->n; v++)
		up[v] = uf_find(up, v); /* up[v] is now v's component root */
	if (spanning_tree(g, up, root, tree, &n_tree) < 0 ||
	    adjacency_build(&tree_adj, g->n, tree, n_tree) < 0)
		goto out;
	ref = tree_center(g, &tree_adj, up, root, da, db, scratch);
	adjacency_free(&tree_adj);
out:
	free(up);
	free(size);
	free(scratch);
	free(da);
	free(db);
	free(tree);
	return ref;
}

/* ---- Step 3: Dijkstra -------------------------------------------------- */

typedef struct heap_item {
	lsync_cost cost;
	uint32_t v;
} heap_item;

/* Cost first, then label: equal costs settle in name order. */
static bool item_less(const heap_item *x, const heap_item *y)
{
	int c = lsync_cost_cmp(&x->cost, &y->cost);

	return c < 0 || (c == 0 && x->v < y->v);
}

static void heap_push(heap_item *h, size_t *len, heap_item it)
{
	size_t i = (*len)++;

	while (i > 0 && item_less(&it, &h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = it;
}

static heap_item heap_pop(heap_item *h, size_t *len)
{
	heap_item top = h[0], last = h[--(*len)];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < *len) {
		if (c + 1 < *len && item_less(&h[c + 1], &h[c]))
			c++;
		if (!item_less(&h[c], &last))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

/*
 * Relaxes u's edges. Among equal-cost ways to reach v, the predecessor
 * with the smallest label (name) wins. Settled hosts are never changed:
 * with zero-cost edges that could otherwise make a cycle.
 */
static void relax(const graph *g, uint32_t u, const bool *done,
		  lsync_cost *dist, uint32_t *from, heap_item *h, size_t *len)
{
	for (size_t k = g->adj.start[u]; k < g->adj.start[u + 1]; k++) {
		uint32_t v = g->adj.to[k];
		lsync_cost nd = lsync_cost_add(&dist[u], &g->adj.cost[k]);
		int c;

		if (done[v])
			continue;
		c = from[v] == LSYNC_NO_HOST ? -1 : lsync_cost_cmp(&nd, &dist[v]);
		if (c < 0) {
			dist[v] = nd;
			from[v] = u;
			heap_push(h, len, (heap_item){ nd, v });
		} else if (c == 0 && u < from[v]) {
			from[v] = u;
		}
	}
}

/* Least-cost paths to ref; from[v] = LSYNC_NO_HOST when unreachable. */
static int dijkstra(const graph *g, uint32_t ref, lsync_cost *dist,
		    uint32_t *from)
{
	heap_item *h = malloc((2 * g->n_edges + 1) * sizeof(*h));
	bool *done = calloc((size_t)g->n + 1, sizeof(*done));
	size_t len = 0;

	if (!h || !done) {
		free(h);
		free(done);
		return -1;
	}
	for (uint32_t v = 0; v < g->n; v++)
		from[v] = LSYNC_NO_HOST;
	dist[ref] = (lsync_cost){ 0, 0, 0 };
	from[ref] = ref;
	heap_push(h, &len, (heap_item){ dist[ref], ref });
	while (len) {
		heap_item it = heap_pop(h, &len);

		if (done[it.v])
			continue;
		done[it.v] = true;
		relax(g, it.v, done, dist, from, h, &len);
	}
	free(h);
	free(done);
	return 0;
}

/* ---- Entry point ------------------------------------------------------- */

/* Maps the label-indexed results back to host indices. */
static void write_results(const graph *g, const lsync_cost *dist,
			  const uint32_t *from, uint32_t *parent,
			  lsync_cost *out_dist)
{
	const lsync_cost none = { UINT32_MAX, UINT32_MAX, INFINITY };

	for (uint32_t l = 0; l < g->n; l++) {
		uint32_t h = g->host[l];

		parent[h] = from[l] == LSYNC_NO_HOST ? LSYNC_NO_HOST
						      : g->host[from[l]];
		out_dist[h] = from[l] == LSYNC_NO_HOST ? none : dist[l];
	}
}

/* Labels, edges, adjacency, reference and paths: everything but the
 * allocation of g's own arrays. */
static int solve(graph *g, const char *const *names,
		 const lsync_graph_edge *edges, size_t n_edges,
		 uint32_t forced_ref, uint32_t *out_ref, uint32_t *parent,
		 lsync_cost *dist, uint32_t *rank, lsync_cost *ldist,
		 uint32_t *from)
{
	uint32_t ref;

	if (label_hosts(g, names, rank) < 0 ||
	    load_edges(g, rank, edges, n_edges) < 0 ||
	    adjacency_build(&g->adj, g->n, g->edges, g->n_edges) < 0)
		return -1;
	/* An out-of-range forced_ref counts as none. */
	ref = forced_ref < g->n ? rank[forced_ref] : choose_reference(g);
	if (ref == LSYNC_NO_HOST || dijkstra(g, ref, ldist, from) < 0)
		return -1;
	write_results(g, ldist, from, parent, dist);
	*out_ref = g->host[ref];
	return 0;
}

int lsync_graph_solve(size_t n_hosts, const char *const *names,
		      const lsync_graph_edge *edges, size_t n_edges,
		      uint32_t forced_ref, uint32_t *out_ref, uint32_t *parent,
		      lsync_cost *dist)
{
	graph g = { .n = (uint32_t)n_hosts };
	uint32_t *rank, *from;
	lsync_cost *ldist;
	int ret = -1;

	if (n_hosts == 0) {
		*out_ref = LSYNC_NO_HOST;
		return 0;
	}
	/* Indices stay below LSYNC_NO_HOST; sizes must not wrap. */
	if (n_hosts >= LSYNC_NO_HOST ||
	    n_edges > SIZE_MAX / (4 * sizeof(heap_item)))
		return -1;
	g.host = malloc(n_hosts * sizeof(*g.host));
	rank = malloc(n_hosts * sizeof(*rank));
	from = malloc(n_hosts * sizeof(*from));
	ldist = malloc(n_hosts * sizeof(*ldist));
	if (g.host && rank && from && ldist)
		ret = solve(&g, names, edges, n_edges, forced_ref, out_ref,
			    parent, dist, rank, ldist, from);
	adjacency_free(&g.adj);
	free(g.edges);
	free(g.host);
	free(rank);
	free(from);
	free(ldist);
	return ret;
}
