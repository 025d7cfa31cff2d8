/**
 * Per-graph losses for a batch of graphs whose nodes are stacked into one array, the way graph
 * libraries batch graphs: node `j` belongs to graph `segmentIds[j]`, and a graph's loss is the
 * mean of its nodes' losses, computed with `tf.unsortedSegmentSum` divided by node counts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertKnownOptions,
  assertNonNegativeInteger,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import { assertBatchNodes, checkEdges, type Edge, neighbourLists } from "../_core/graph_edges.ts";
import { assertFiniteInput } from "./_batch.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";

/**
 * The mean of `values` within each segment: `out[g] = Σ_{j: ids[j] = g} values[j] / count(g)`,
 * `[numSegments]`, differentiable in `values`. A segment with no member has no mean and is a
 * RangeError naming it; ids must be integers in `[0, numSegments)`.
 *
 * Uses `tf.unsortedSegmentSum` where the backend has it (cpu); tfjs's wasm backend lacks that
 * kernel, so there the sums are `oneHot(ids)ᵀ · values`, the same numbers.
 *
 * NaN or ±Infinity in `values` is a RangeError; a `values` tensor is read on the host for that
 * check only outside a gradient tape (inside one, as in training, a NaN reaches the loss value,
 * where the training loop reports it).
 *
 * @example
 * ```ts
 * import { segmentMeanLoss } from "./per_graph.ts";
 * const m = segmentMeanLoss([1, 3, 10, 2, 4], [0, 0, 1, 2, 2], 3); // [2, 10, 3]
 * if ((m.arraySync() as number[]).join() !== "2,10,3") throw new Error("unexpected");
 * m.dispose();
 * ```
 */
export function segmentMeanLoss(
  values: TensorInput,
  segmentIds: TensorInput,
  numSegments: number,
): Tensor {
  const fn = "segmentMeanLoss";
  const vs = shapeOf(values, fn, "values"), is = shapeOf(segmentIds, fn, "segmentIds");
  if (vs.length !== 1 || vs[0] === 0) {
    throw new RangeError(`${fn}: values has shape ${formatShape(vs)}, expected [nodes]`);
  }
  if (is.length !== 1 || is[0] !== vs[0]) {
    throw new RangeError(
      `${fn}: segmentIds has shape ${formatShape(is)}, expected [${vs[0]}] like values`,
    );
  }
  assertPositiveInteger(fn, "numSegments", numSegments);
  const ids = segmentIds instanceof tf.Tensor
    ? Array.from(segmentIds.dataSync())
    : (segmentIds as number[]);
  const counts = segmentCounts(fn, "segmentIds", ids, numSegments);
  assertFiniteInput(fn, "values", values);
  return tf.tidy(() => segmentMean(toTensor(values, fn, "values"), ids, counts));
}

/** Checked segment means of `v` (`counts[g]` members of segment `g`). Call inside `tf.tidy`. */
function segmentMean(v: tf.Tensor, ids: readonly number[], counts: readonly number[]): Tensor {
  const numSegments = counts.length;
  const idTensor = tf.tensor1d(ids as number[], "int32");
  // tfjs's wasm backend has no UnsortedSegmentSum kernel; there the same sums come from a
  // one-hot matrix product (also differentiable), so the result does not depend on the backend.
  const sums = tf.getKernel("UnsortedSegmentSum", tf.getBackend()) !== undefined
    ? tf.unsortedSegmentSum(v, idTensor, numSegments)
    : tf.matMul(tf.oneHot(idTensor, numSegments), v.reshape([-1, 1]), true).reshape([
      numSegments,
    ]);
  return tf.div(sums, tf.tensor1d(counts as number[]));
}

/**
 * Members per segment, or a RangeError naming `arg` for an id that is not an integer in
 * `[0, numSegments)` or a segment without a member (its mean would be 0/0).
 */
function segmentCounts(
  fn: string,
  arg: string,
  ids: readonly number[],
  numSegments: number,
): number[] {
  const counts = new Array<number>(numSegments).fill(0);
  for (let j = 0; j < ids.length; j++) {
    const g = ids[j];
    if (!Number.isInteger(g) || g < 0 || g >= numSegments) {
      throw new RangeError(
        `${fn}: ${arg} has value ${g} at index ${j}, expected an integer in [0, ${numSegments})`,
      );
    }
    counts[g]++;
  }
  const empty = counts.indexOf(0);
  if (empty >= 0) {
    throw new RangeError(
      `${fn}: ${arg} has no entry for segment ${empty}, expected every segment in ` +
        `[0, ${numSegments}) to have a member, since an empty segment's mean is 0/0`,
    );
  }
  return counts;
}

/** Options for {@linkcode egoNetworks}. */
export interface EgoNetworkOptions {
  /** Radius of each ego network in hops; default `1` (the centre and its neighbours). */
  hops?: number;
}

/** A batch of ego networks as stacked node lists. */
export interface EgoNetworkBatch {
  /** Centre node of each graph. */
  centers: number[];
  /** Original node index of every stacked entry (a node may sit in several ego networks). */
  nodes: number[];
  /** Graph of every stacked entry, `0..centers.length − 1`. */
  segmentIds: number[];
  /** Number of nodes in each graph. */
  sizes: number[];
}

/**
 * Cuts a batch of ego networks (each centre plus every node within `hops` hops, ascending) from
 * one graph, stacked the way {@linkcode segmentMeanLoss} and {@linkcode perGraphLoss} expect.
 *
 * @example
 * ```ts
 * import { egoNetworks } from "./per_graph.ts";
 * const b = egoNetworks(4, [[0, 1], [1, 2], [2, 3]], [0, 2]);
 * if (b.nodes.join() !== "0,1,1,2,3" || b.segmentIds.join() !== "0,0,1,1,1") throw new Error("unexpected");
 * ```
 */
export function egoNetworks(
  numNodes: number,
  edges: readonly Edge[],
  centers: readonly number[],
  options: EgoNetworkOptions = {},
): EgoNetworkBatch {
  const fn = "egoNetworks";
  assertKnownOptions(fn, options, ["hops"]);
  const hops = options.hops ?? 1;
  assertNonNegativeInteger(fn, "options.hops", hops);
  checkEdges(fn, numNodes, edges);
  if (!Array.isArray(centers)) {
    throw new TypeError(
      `${fn}: centers is ${describeValue(centers)}, expected an array of node indices`,
    );
  }
  if (centers.length === 0) {
    throw new RangeError(`${fn}: centers is [], expected at least one centre node`);
  }
  centers.forEach((c, g) => {
    if (!Number.isInteger(c) || c < 0 || c >= numNodes) {
      throw new RangeError(
        `${fn}: centers has node ${c} at index ${g}, but nodes are 0..${numNodes - 1}`,
      );
    }
  });
  const neighbours = neighbourLists(numNodes, edges);
  const batch: EgoNetworkBatch = { centers: centers.slice(), nodes: [], segmentIds: [], sizes: [] };
  centers.forEach((c, g) => {
    const seen = new Set([c]);
    let frontier = [c];
    for (let h = 0; h < hops && frontier.length > 0; h++) {
      const next: number[] = [];
      for (const u of frontier) {
        for (const v of neighbours[u]) {
          if (!seen.has(v)) {
            seen.add(v);
            next.push(v);
          }
        }
      }
      frontier = next;
    }
    const members = Array.from(seen).sort((a, b) => a - b);
    // One push per member: spreading a large ego network into push overflows the call stack.
    for (const v of members) {
      batch.nodes.push(v);
      batch.segmentIds.push(g);
    }
    batch.sizes.push(members.length);
  });
  return batch;
}

/**
 * One loss per graph of a batch: the per-node losses of the whole graph gathered at the batch's
 * stacked nodes, then averaged per graph with {@linkcode segmentMeanLoss}. Each graph counts once,
 * whatever its size; the mean of this array is the "per graph" normalisation, while the mean of
 * the gathered node losses would weight graphs by their size.
 *
 * `batch` is checked before any tensor is made: `nodes` and `segmentIds` of equal length, every
 * node in `[0, nodes)` of `perNode`, every graph id in `[0, centers.length)` with at least one
 * node. NaN or ±Infinity in `perNode` is a RangeError (a tensor is read for that check only
 * outside a gradient tape; inside one, a NaN reaches the loss value and training reports it).
 *
 * @example
 * ```ts
 * import { egoNetworks, perGraphLoss } from "./per_graph.ts";
 * const batch = egoNetworks(3, [[0, 1], [1, 2]], [0, 1]); // {0, 1} and {0, 1, 2}
 * const g = perGraphLoss([2, 4, 9], batch); // [(2+4)/2, (2+4+9)/3]
 * if ((g.arraySync() as number[]).join() !== "3,5") throw new Error("unexpected");
 * g.dispose();
 * ```
 */
export function perGraphLoss(perNode: TensorInput, batch: EgoNetworkBatch): Tensor {
  const fn = "perGraphLoss";
  const shape = shapeOf(perNode, fn, "perNode");
  if (shape.length !== 1 || shape[0] === 0) {
    throw new RangeError(`${fn}: perNode has shape ${formatShape(shape)}, expected [nodes]`);
  }
  checkBatch(fn, batch);
  assertBatchNodes(fn, batch, shape[0]);
  const counts = segmentCounts(fn, "batch.segmentIds", batch.segmentIds, batch.centers.length);
  assertFiniteInput(fn, "perNode", perNode);
  return tf.tidy(() => {
    const nodes = tf.tensor1d(batch.nodes as number[], "int32");
    return segmentMean(
      tf.gather(toTensor(perNode, fn, "perNode"), nodes),
      batch.segmentIds,
      counts,
    );
  });
}

/** Throws unless `batch` has the array fields of an {@linkcode EgoNetworkBatch} that agree. */
function checkBatch(fn: string, batch: EgoNetworkBatch): void {
  if (batch === null || typeof batch !== "object") {
    throw new TypeError(
      `${fn}: batch is ${describeValue(batch)}, expected an EgoNetworkBatch from egoNetworks`,
    );
  }
  for (const field of ["centers", "nodes", "segmentIds"] as const) {
    if (!Array.isArray(batch[field])) {
      throw new TypeError(
        `${fn}: batch.${field} is ${describeValue(batch[field])}, expected an array`,
      );
    }
  }
  if (batch.centers.length === 0) {
    throw new RangeError(`${fn}: batch.centers is [], expected at least one graph`);
  }
  if (batch.segmentIds.length !== batch.nodes.length) {
    throw new RangeError(
      `${fn}: batch.segmentIds has ${batch.segmentIds.length} entries, expected ` +
        `${batch.nodes.length} like batch.nodes (one graph id per stacked node)`,
    );
  }
}
