/**
 * Edge lists of small undirected graphs: the shared vocabulary of losslab's graph functions.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Tensor } from "./tensor_input.ts";
import { assertKnownOptions, assertOptionalBoolean, assertPositiveInteger } from "./checks.ts";

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
  assertPositiveInteger(fn, "numNodes", numNodes);
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

/** Options for {@linkcode normalizedAdjacency}. */
export interface AdjacencyOptions {
  /** Add `I` before normalising (Kipf & Welling's renormalisation trick). Default `true`. */
  selfLoops?: boolean;
}

/**
 * The dense `[n, n]` normalised adjacency `D^-½ (A + I) D^-½` of an undirected, unweighted graph
 * (`A` symmetric 0/1: duplicate and reversed edges count once). Without self loops, an isolated
 * node's row is all zeros rather than NaN.
 *
 * @example
 * ```ts
 * import { normalizedAdjacency } from "./graph_edges.ts";
 * // a single edge 0-1 with self loops: A + I = [[1, 1], [1, 1]], degrees 2, so every entry 1/2
 * const a = normalizedAdjacency(2, [[0, 1]]);
 * if ((a.arraySync() as number[][]).flat().join() !== "0.5,0.5,0.5,0.5") throw new Error("unexpected");
 * a.dispose();
 * ```
 */
export function normalizedAdjacency(
  numNodes: number,
  edges: readonly Edge[],
  options: AdjacencyOptions = {},
): Tensor {
  checkEdges("normalizedAdjacency", numNodes, edges);
  assertKnownOptions("normalizedAdjacency", options, ["selfLoops"]);
  assertOptionalBoolean("normalizedAdjacency", "options.selfLoops", options.selfLoops);
  const selfLoops = options.selfLoops ?? true;
  const a = new Float32Array(numNodes * numNodes);
  for (const [s, t] of edges) {
    a[s * numNodes + t] = 1;
    a[t * numNodes + s] = 1;
  }
  if (selfLoops) { for (let i = 0; i < numNodes; i++) a[i * numNodes + i] = 1; }
  const degree = new Float64Array(numNodes);
  for (let i = 0; i < numNodes; i++) {
    for (let j = 0; j < numNodes; j++) degree[i] += a[i * numNodes + j];
  }
  for (let i = 0; i < numNodes; i++) {
    for (let j = 0; j < numNodes; j++) {
      const d = Math.sqrt(degree[i] * degree[j]);
      a[i * numNodes + j] = d > 0 ? a[i * numNodes + j] / d : 0;
    }
  }
  return tf.tensor2d(a, [numNodes, numNodes]);
}

/** Which split a node belongs to in node classification. */
export type NodeSplit = "train" | "validation" | "test";

/**
 * Checks that every node a batch of graphs refers to exists among `numNodes` per-node values.
 *
 * @example
 * ```ts
 * import { assertBatchNodes } from "./graph_edges.ts";
 * assertBatchNodes("example", { nodes: [0, 1] }, 2);
 * let message = "";
 * try {
 *   assertBatchNodes("example", { nodes: [0, 5] }, 2);
 * } catch (error) {
 *   message = (error as Error).message;
 * }
 * if (!message.includes("node 5")) throw new Error("expected an error naming node 5");
 * ```
 */
export function assertBatchNodes(
  fn: string,
  batch: { readonly nodes: readonly number[] },
  numNodes: number,
): void {
  const bad = batch.nodes.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= numNodes);
  if (bad >= 0) {
    throw new RangeError(
      `${fn}: batch.nodes has node ${
        batch.nodes[bad]
      } at index ${bad}, but perNode has ${numNodes} nodes`,
    );
  }
}
