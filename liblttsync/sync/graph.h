/* SPDX-License-Identifier: MIT */
/*
 * The graph of hosts: choosing the reference and each host's path to it.
 *
 * Vertices are hosts, edges are host pairs whose synchronization gave an
 * estimate (accurate, approximate or fail). An edge's cost is a vector
 * compared lexicographically: (fail edges, approximate edges, summed bound
 * width in ns). Sums of such vectors are ordered consistently, so
 * shortest paths (Dijkstra) are well defined.
 *
 * The rule (doc/algorithm.md, "Choosing the reference"):
 *   1. the reference lies in the connected component with the most hosts
 *      (ties: the component holding the smallest host name);
 *   2. inside it, take the minimum spanning tree of the edge costs and its
 *      center: the host whose largest tree distance to any other host is
 *      smallest (ties: the smallest name). The reference is thus the host
 *      from which the worst accumulated uncertainty is least;
 *   3. every host's path is its least-cost path to the reference in the
 *      whole graph (Dijkstra, ties broken by name).
 * O((V + E) log V); no all-pairs step.
 */
#ifndef LTTSYNC_GRAPH_H
#define LTTSYNC_GRAPH_H

#include <stddef.h>
#include <stdint.h>

typedef struct lsync_cost {
	uint32_t fails;
	uint32_t approx;
	long double width;  /* ns, >= 0 */
} lsync_cost;

typedef struct lsync_graph_edge {
	uint32_t a, b;      /* host indices, a != b */
	lsync_cost cost;
} lsync_graph_edge;

#define LSYNC_NO_HOST UINT32_MAX

/* <0, 0, >0 like strcmp. */
int lsync_cost_cmp(const lsync_cost *x, const lsync_cost *y);
lsync_cost lsync_cost_add(const lsync_cost *x, const lsync_cost *y);

/*
 * names: n_hosts host names, for deterministic tie-breaks (so the result
 * depends on the graph, not on the order hosts were declared).
 * forced_ref: a host index, or LSYNC_NO_HOST to choose by the rule.
 * Outputs (arrays of n_hosts): parent[h] = next host towards the
 * reference (parent[ref] = ref), LSYNC_NO_HOST when h is disconnected;
 * dist[h] = path cost (undefined when disconnected).
 * *out_ref = LSYNC_NO_HOST only when n_hosts == 0.
 * Returns 0, or -1 on allocation failure.
 */
int lsync_graph_solve(size_t n_hosts, const char *const *names,
		      const lsync_graph_edge *edges, size_t n_edges,
		      uint32_t forced_ref, uint32_t *out_ref, uint32_t *parent,
		      lsync_cost *dist);

#endif
