/**
 * The Les Misérables co-occurrence graph of `vega-datasets` (`miserables.json`: 77 characters
 * with a `group` label in 0..10, 254 links), prepared for node classification with a GCN.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readJsonData } from "./_files.ts";
import { splitIndices } from "./tabular.ts";
import {
  checkEdges,
  type Edge,
  type NodeSplit,
  normalizedAdjacency,
} from "../_core/graph_edges.ts";
import type { Tensor } from "../_core/tensor_input.ts";
import {
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";

/** A character (node) as the file has it. */
export interface MiserablesNode {
  /** Node index, 0..76. */
  index: number;
  /** Character name, e.g. `"Valjean"`. */
  name: string;
  /** Community label used as the class. */
  group: number;
}

/** A co-occurrence link as the file has it. */
export interface MiserablesLink {
  /** One end (node index). */
  source: number;
  /** Other end (node index). */
  target: number;
  /** Number of chapters in which both appear. */
  value: number;
}

/** Options for {@linkcode loadMiserables}. */
export interface MiserablesOptions {
  /** Seed of the stratified node split; default `0`. */
  seed?: number;
  /** Fraction of every class held out for testing; default `0.3`. */
  testSplit?: number;
  /** Fraction of the remaining nodes of every class held out for validation; default `0.2`. */
  validationSplit?: number;
}

/** The graph as tensors plus raw rows. Call `dispose()` to free the tensors. */
export interface MiserablesDataset {
  /** Raw nodes, in index order (tooltips). */
  nodes: MiserablesNode[];
  /** Raw links (tooltips, weights). */
  links: MiserablesLink[];
  /** Links as `[source, target]` pairs. */
  edges: Edge[];
  /** 77. */
  numNodes: number;
  /** Number of classes (largest group + 1): 11. */
  numClasses: number;
  /** Normalised adjacency with self loops `D^-½ (A + I) D^-½`, `[77, 77]` (links unweighted). */
  adjacency: Tensor;
  /** Node features: the identity `[77, 77]` (one-hot node id; the file has no features). */
  features: Tensor;
  /** Group of every node, `[77]` int32. */
  labels: Tensor;
  /** Split of every node. */
  split: NodeSplit[];
  /** 0/1 float32 `[77]` masks of the three splits. */
  trainMask: Tensor;
  /** Validation nodes. */
  validationMask: Tensor;
  /** Test nodes. */
  testMask: Tensor;
  /** Frees every tensor above. */
  dispose(): void;
}

/**
 * Loads `miserables.json` for node classification. Preprocessing, all documented: no rows are
 * dropped (the file has no missing values); links are treated as undirected and unweighted (the
 * co-occurrence `value` is kept in `links` only); features are the identity, as in Kipf & Welling's
 * featureless setting, so the GCN learns from the graph alone; the split is stratified by group
 * and seeded (a group of one node always trains, rare groups may have no validation node).
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadMiserables } from "./miserables.ts";
 * await setupBackend({ backend: "cpu" });
 * const g = loadMiserables({ seed: 0 });
 * if (g.numNodes !== 77 || g.edges.length !== 254 || g.numClasses !== 11) throw new Error("unexpected");
 * g.dispose();
 * ```
 */
export function loadMiserables(options: MiserablesOptions = {}): MiserablesDataset {
  checkOptions("loadMiserables", options);
  return buildMiserables(
    "loadMiserables",
    readJsonData("miserables.json", "loadMiserables"),
    options,
  );
}

/**
 * Builds the dataset of {@linkcode loadMiserables} from already-parsed JSON of the same layout
 * (`{ nodes: [{ name, group }], links: [{ source, target, value }] }`), checking it: a malformed
 * node or link is a TypeError, a link pointing at a missing node a RangeError.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { miserablesFromJson } from "./miserables.ts";
 * await setupBackend({ backend: "cpu" });
 * const g = miserablesFromJson({
 *   nodes: [{ name: "a", group: 0 }, { name: "b", group: 1 }],
 *   links: [{ source: 0, target: 1, value: 1 }],
 * }, { testSplit: 0, validationSplit: 0 });
 * if (g.split.join() !== "train,train") throw new Error("unexpected");
 * g.dispose();
 * ```
 */
export function miserablesFromJson(
  data: unknown,
  options: MiserablesOptions = {},
): MiserablesDataset {
  checkOptions("miserablesFromJson", options);
  return buildMiserables("miserablesFromJson", data, options);
}

/** Checked here, so a bad split names the function called rather than the splitIndices it calls. */
function checkOptions(fn: string, options: MiserablesOptions): void {
  assertKnownOptions(fn, options, ["seed", "testSplit", "validationSplit"]);
  assertFraction(fn, "options.testSplit", options.testSplit ?? 0.3, "max");
  assertFraction(fn, "options.validationSplit", options.validationSplit ?? 0.2, "max");
  assertSeed(fn, "options.seed", options.seed ?? 0);
}

function buildMiserables(
  fn: string,
  data: unknown,
  options: MiserablesOptions,
): MiserablesDataset {
  const obj = data as { nodes?: unknown; links?: unknown } | null;
  if (
    obj === null || typeof obj !== "object" || !Array.isArray(obj.nodes) ||
    !Array.isArray(obj.links)
  ) {
    throw new TypeError(
      `${fn}: data is ${describeValue(data)}, expected an object with "nodes" and "links" arrays`,
    );
  }
  const nodes: MiserablesNode[] = obj.nodes.map((n: unknown, i: number) => {
    const r = n as { name?: unknown; group?: unknown };
    if (typeof r?.name !== "string" || !Number.isInteger(r.group) || (r.group as number) < 0) {
      throw new TypeError(
        `${fn}: data.nodes[${i}] is ${
          describeValue(n)
        }, expected { name: string, group: integer >= 0 }`,
      );
    }
    return { index: i, name: r.name, group: r.group as number };
  });
  if (nodes.length === 0) {
    throw new RangeError(`${fn}: data.nodes is [], expected at least one node`);
  }
  const n = nodes.length;
  const links: MiserablesLink[] = obj.links.map((l: unknown, i: number) => {
    const r = l as { source?: unknown; target?: unknown; value?: unknown };
    if (typeof r?.source !== "number" || typeof r.target !== "number") {
      throw new TypeError(
        `${fn}: data.links[${i}] is ${
          describeValue(l)
        }, expected { source: number, target: number, value?: number }`,
      );
    }
    for (const end of ["source", "target"] as const) {
      assertIntegerIn(fn, `data.links[${i}].${end}`, r[end], {
        min: 0,
        max: n,
        maxOpen: true,
      }, "(the index of a node in data.nodes)");
    }
    // The value is a link weight: kept for tooltips and weighted layouts, so a NaN must not pass.
    if (r.value !== undefined) {
      assertNumberIn(fn, `data.links[${i}].value`, r.value, { min: 0, max: Infinity });
    }
    return {
      source: r.source,
      target: r.target,
      value: r.value === undefined ? 1 : r.value as number,
    };
  });
  const edges: Edge[] = links.map((l) => [l.source, l.target] as const);
  checkEdges(fn, n, edges);
  const groups = nodes.map((n) => n.group);
  const split = threeWaySplit(fn, groups, options);
  const mask = (s: NodeSplit) => tf.tensor1d(split.map((x) => (x === s ? 1 : 0)));
  const tensors = {
    adjacency: normalizedAdjacency(n, edges),
    features: tf.eye(n),
    labels: tf.tensor1d(groups, "int32"),
    trainMask: mask("train"),
    validationMask: mask("validation"),
    testMask: mask("test"),
  };
  return {
    nodes,
    links,
    edges,
    numNodes: n,
    numClasses: groups.reduce((a, b) => Math.max(a, b), 0) + 1,
    ...tensors,
    split,
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}

function threeWaySplit(fn: string, groups: number[], options: MiserablesOptions): NodeSplit[] {
  try {
    return stratifiedSplit(groups, options);
  } catch (error) {
    // splitIndices names itself and its own option; the learner set these two fractions.
    if (!String((error as Error)?.message).startsWith("splitIndices: ")) throw error;
    throw new RangeError(
      `${fn}: options.testSplit is ${options.testSplit ?? 0.3} and options.validationSplit is ` +
        `${options.validationSplit ?? 0.2}, which leave no training node of ${groups.length} ` +
        "(each class rounds its share), expected smaller fractions",
    );
  }
}

function stratifiedSplit(groups: number[], options: MiserablesOptions): NodeSplit[] {
  const seed = options.seed ?? 0;
  const outer = splitIndices(groups.length, {
    validationSplit: options.testSplit ?? 0.3,
    seed,
    stratify: groups,
  });
  const split: NodeSplit[] = groups.map(() => "test");
  const rest = outer.train;
  const inner = splitIndices(rest.length, {
    validationSplit: options.validationSplit ?? 0.2,
    seed: seed + 1,
    stratify: rest.map((i) => groups[i]),
  });
  for (const j of inner.train) split[rest[j]] = "train";
  for (const j of inner.validation) split[rest[j]] = "validation";
  return split;
}
