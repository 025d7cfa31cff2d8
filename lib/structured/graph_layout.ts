/**
 * Deterministic 2-D coordinates for drawing a graph, and the node and edge rows the chart
 * module's graph view draws.
 *
 * @module
 */
import { seededRandom } from "../_core/random.ts";
import { checkEdges, type Edge, neighbourLists, type NodeSplit } from "../_core/graph_edges.ts";
import {
  assertAllFinite,
  assertKnownOptions,
  assertNonNegativeInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";

/** Options for {@linkcode forceLayout}. */
export interface ForceLayoutOptions {
  /** Seed of the initial positions; same seed, same layout. Default `0`. */
  seed?: number;
  /** Number of Fruchterman–Reingold steps; default `300`. */
  iterations?: number;
}

/** Node coordinates, scaled into `[0, 1]` on both axes (aspect ratio kept). */
export interface GraphLayout {
  /** x of node `i`. */
  x: number[];
  /** y of node `i`. */
  y: number[];
}

/**
 * A seeded Fruchterman–Reingold force layout: neighbours attract (`d²/k`), all pairs repel
 * (`k²/d`), a weak pull to the centre keeps separate components on screen, and the step size
 * cools linearly. Plain JavaScript, O(n²) per step: meant for graphs of up to a few hundred
 * nodes. Same seed and graph, same coordinates, on every backend.
 *
 * @example
 * ```ts
 * import { forceLayout } from "./graph_layout.ts";
 * const a = forceLayout(4, [[0, 1], [1, 2], [2, 3]], { seed: 1 });
 * const b = forceLayout(4, [[0, 1], [1, 2], [2, 3]], { seed: 1 });
 * if (a.x.join() !== b.x.join() || Math.max(...a.x) > 1) throw new Error("not deterministic");
 * ```
 */
export function forceLayout(
  numNodes: number,
  edges: readonly Edge[],
  options: ForceLayoutOptions = {},
): GraphLayout {
  const fn = "forceLayout";
  assertKnownOptions(fn, options, ["seed", "iterations"]);
  const iterations = options.iterations ?? 300;
  assertNonNegativeInteger(fn, "options.iterations", iterations);
  const seed = options.seed ?? 0;
  assertSeed(fn, "options.seed", seed);
  checkEdges(fn, numNodes, edges);
  const neighbours = neighbourLists(numNodes, edges);
  const random = seededRandom(seed);
  const x = Float64Array.from({ length: numNodes }, () => random());
  const y = Float64Array.from({ length: numNodes }, () => random());
  const k = Math.sqrt(1 / numNodes);
  const dx = new Float64Array(numNodes), dy = new Float64Array(numNodes);
  for (let step = 0; step < iterations; step++) {
    const temperature = 0.1 * (1 - step / iterations);
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < numNodes; i++) {
      for (let j = i + 1; j < numNodes; j++) {
        const ex = x[i] - x[j], ey = y[i] - y[j];
        const d2 = Math.max(ex * ex + ey * ey, 1e-9);
        const f = (k * k) / d2; // (k²/d) along the unit vector e/d
        dx[i] += ex * f;
        dy[i] += ey * f;
        dx[j] -= ex * f;
        dy[j] -= ey * f;
      }
      for (const j of neighbours[i]) {
        if (j <= i) continue;
        const ex = x[i] - x[j], ey = y[i] - y[j];
        const d = Math.sqrt(ex * ex + ey * ey);
        const f = d / k; // (d²/k) along e/d
        dx[i] -= ex * f;
        dy[i] -= ey * f;
        dx[j] += ex * f;
        dy[j] += ey * f;
      }
      dx[i] -= (x[i] - 0.5) * 0.1 * numNodes * k;
      dy[i] -= (y[i] - 0.5) * 0.1 * numNodes * k;
    }
    for (let i = 0; i < numNodes; i++) {
      const len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      if (len > 0) {
        const move = Math.min(len, temperature);
        x[i] += (dx[i] / len) * move;
        y[i] += (dy[i] / len) * move;
      }
    }
  }
  return scaleToUnit(x, y);
}

function scaleToUnit(x: Float64Array, y: Float64Array): GraphLayout {
  // Loops, not Math.min(...x): spreading a large graph's coordinates overflows the stack.
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]);
    maxX = Math.max(maxX, x[i]);
    minY = Math.min(minY, y[i]);
    maxY = Math.max(maxY, y[i]);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    x: Array.from(x, (v) => round((v - minX) / span)),
    y: Array.from(y, (v) => round((v - minY) / span)),
  };
}

/** One node of the graph view: position, label, split and loss. */
export interface GraphViewNode {
  /** Node index. */
  id: number;
  /** Display name (the index as text when no names were given). */
  name: string;
  /** Layout x in `[0, 1]`. */
  x: number;
  /** Layout y in `[0, 1]`. */
  y: number;
  /** True class label. */
  group: number;
  /** The node's loss (e.g. per-node cross-entropy), also for validation and test nodes. */
  loss: number;
  /** Whether the node's loss entered training. */
  split: NodeSplit;
}

/** One drawn edge, with both end points' coordinates so a chart can draw it as a rule. */
export interface GraphViewEdge {
  /** Source node index. */
  source: number;
  /** Target node index. */
  target: number;
  /** Source x. */
  x: number;
  /** Source y. */
  y: number;
  /** Target x. */
  x2: number;
  /** Target y. */
  y2: number;
}

/** What {@linkcode graphViewData} needs. */
export interface GraphViewInput {
  /** Node coordinates, e.g. from {@linkcode forceLayout}. */
  layout: GraphLayout;
  /** Undirected edges. */
  edges: readonly Edge[];
  /** Per-node loss, one per node. */
  loss: ArrayLike<number>;
  /** Split of every node. */
  split: readonly NodeSplit[];
  /** Class label of every node. */
  labels: ArrayLike<number>;
  /** Node names, optional. */
  names?: readonly string[];
}

/** The rows the graph view draws: one per node, one per distinct undirected edge. */
export interface GraphViewData {
  /** Node rows. */
  nodes: GraphViewNode[];
  /** Edge rows (each undirected edge once, self loops dropped). */
  edges: GraphViewEdge[];
}

/**
 * Joins a layout, per-node losses, the split and labels into the node and edge rows of the chart
 * module's graph view (one data contract: `nodes[i].x/y/loss/split/group`, `edges[j].x/y/x2/y2`).
 *
 * @example
 * ```ts
 * import { graphViewData } from "./graph_layout.ts";
 * const v = graphViewData({
 *   layout: { x: [0, 1], y: [0, 0] },
 *   edges: [[0, 1], [1, 0]],
 *   loss: [0.1, 2],
 *   split: ["train", "test"],
 *   labels: [0, 1],
 * });
 * if (v.edges.length !== 1 || v.nodes[1].split !== "test") throw new Error("unexpected");
 * ```
 */
export function graphViewData(input: GraphViewInput): GraphViewData {
  const fn = "graphViewData";
  if (input === null || typeof input !== "object") {
    throw new TypeError(
      `${fn}: input is ${describeValue(input)}, expected { layout, edges, loss, split, labels }`,
    );
  }
  assertKnownOptions(fn, input, ["layout", "edges", "loss", "split", "labels", "names"], "input");
  for (const arg of ["layout", "loss", "split", "labels", "edges"] as const) {
    if (input[arg] === null || typeof input[arg] !== "object") {
      throw new TypeError(`${fn}: input.${arg} is ${describeValue(input[arg])}, expected an array`);
    }
  }
  const n = input.layout.x.length;
  const lengths: [string, number][] = [
    ["layout.y", input.layout.y.length],
    ["loss", input.loss.length],
    ["split", input.split.length],
    ["labels", input.labels.length],
  ];
  if (input.names !== undefined) lengths.push(["names", input.names.length]);
  for (const [name, length] of lengths) {
    if (length !== n) {
      throw new RangeError(`${fn}: ${name} has ${length} entries, expected ${n} (one per node)`);
    }
  }
  assertAllFinite(fn, "loss", input.loss, (i) => `node ${i}`);
  assertAllFinite(fn, "layout.x", input.layout.x, (i) => `node ${i}`);
  assertAllFinite(fn, "layout.y", input.layout.y, (i) => `node ${i}`);
  for (let i = 0; i < n; i++) {
    const s = input.split[i];
    if (s !== "train" && s !== "validation" && s !== "test") {
      throw new RangeError(
        `${fn}: input.split[${i}] is ${describeValue(s)}, expected "train", "validation" or "test"`,
      );
    }
  }
  checkEdges(fn, n, input.edges);
  const neighbours = neighbourLists(n, input.edges);
  const nodes = Array.from({ length: n }, (_, i): GraphViewNode => ({
    id: i,
    name: input.names?.[i] ?? String(i),
    x: input.layout.x[i],
    y: input.layout.y[i],
    group: input.labels[i],
    loss: input.loss[i],
    split: input.split[i],
  }));
  const edges: GraphViewEdge[] = [];
  neighbours.forEach((list, s) => {
    for (const t of list) {
      if (t > s) {
        edges.push({
          source: s,
          target: t,
          x: nodes[s].x,
          y: nodes[s].y,
          x2: nodes[t].x,
          y2: nodes[t].y,
        });
      }
    }
  });
  return { nodes, edges };
}
