/**
 * Edge lists of small undirected graphs: the shared vocabulary of losslab's graph functions.
 *
 * @module
 */

/** An undirected edge between two node indices, `[source, target]`. */
export type Edge = readonly [number, number];

/**
 * Checks that `numNodes` is a positive integer and every edge joins two integer node indices in
 * `[0, numNodes)`; an edge pointing at a missing node is a RangeError naming the edge.
 *
 * @example
 * ```ts
 * import { checkEdges } from "./graph_edges.ts";
 * checkEdges("demo", 3, [[0, 1], [1, 2]]);
 * let failed = false;
 * try { checkEdges("demo", 3, [[0, 3]]); } catch { failed = true; }
 * if (!failed) throw new Error("an edge to node 3 of 3 must fail");
 * ```
 */
export function checkEdges(fn: string, numNodes: number, edges: readonly Edge[]): void {
  if (!Number.isInteger(numNodes) || numNodes < 1) {
    throw new RangeError(`${fn}: numNodes is ${numNodes}, expected a positive integer`);
  }
  if (!Array.isArray(edges)) {
    throw new TypeError(`${fn}: edges is ${typeof edges}, expected an array of [source, target]`);
  }
  edges.forEach((edge, i) => {
    if (!Array.isArray(edge) || edge.length !== 2) {
      throw new TypeError(
        `${fn}: edges[${i}] is ${JSON.stringify(edge)}, expected [source, target]`,
      );
    }
    for (const node of edge) {
      if (!Number.isInteger(node) || node < 0 || node >= numNodes) {
        throw new RangeError(
          `${fn}: edges[${i}] is [${edge[0]}, ${edge[1]}], but node ${node} does not exist ` +
            `(nodes are 0..${numNodes - 1})`,
        );
      }
    }
  });
}

/**
 * Neighbour lists of the undirected graph (each edge in both directions, duplicates and self
 * loops dropped), sorted ascending.
 *
 * @example
 * ```ts
 * import { neighbourLists } from "./graph_edges.ts";
 * const n = neighbourLists(3, [[0, 1], [1, 0], [1, 2]]);
 * if (JSON.stringify(n) !== "[[1],[0,2],[1]]") throw new Error(JSON.stringify(n));
 * ```
 */
export function neighbourLists(numNodes: number, edges: readonly Edge[]): number[][] {
  checkEdges("neighbourLists", numNodes, edges);
  const sets = Array.from({ length: numNodes }, () => new Set<number>());
  for (const [s, t] of edges) {
    if (s === t) continue;
    sets[s].add(t);
    sets[t].add(s);
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}
