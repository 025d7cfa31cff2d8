/**
 * Per-graph losses for a batch of graphs whose nodes are stacked into one array, the way graph
 * libraries batch graphs: node `j` belongs to graph `segmentIds[j]`, and a graph's loss is the
 * mean of its nodes' losses, computed with `tf.unsortedSegmentSum` divided by node counts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertNonNegativeInteger, assertPositiveInteger } from "../_core/checks.ts";
import { assertBatchNodes } from "../_core/graph_edges.ts";
import { type Edge, neighbourLists } from "../_core/graph_edges.ts";
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
  const counts = new Array<number>(numSegments).fill(0);
  ids.forEach((g, j) => {
    if (!Number.isInteger(g) || g < 0 || g >= numSegments) {
      throw new RangeError(
        `${fn}: segmentIds has value ${g} at index ${j}, expected an integer in [0, ${numSegments})`,
      );
    }
    counts[g]++;
  });
  const empty = counts.indexOf(0);
  if (empty >= 0) {
    throw new RangeError(`${fn}: segment ${empty} has no member, so its mean is 0/0`);
  }
  return tf.tidy(() => {
    const v = toTensor(values, fn, "values");
    const idTensor = tf.tensor1d(ids, "int32");
    // tfjs's wasm backend has no UnsortedSegmentSum kernel; there the same sums come from a
    // one-hot matrix product (also differentiable), so the result does not depend on the backend.
    const sums = tf.getKernel("UnsortedSegmentSum", tf.getBackend()) !== undefined
      ? tf.unsortedSegmentSum(v, idTensor, numSegments)
      : tf.matMul(tf.oneHot(idTensor, numSegments), v.reshape([-1, 1]), true).reshape([
        numSegments,
      ]);
    return tf.div(sums, tf.tensor1d(counts));
  });
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
  const hops = options.hops ?? 1;
  assertNonNegativeInteger(fn, "hops", hops);
  const neighbours = neighbourLists(numNodes, edges);
  if (centers.length === 0) throw new RangeError(`${fn}: centers is empty`);
  const batch: EgoNetworkBatch = { centers: centers.slice(), nodes: [], segmentIds: [], sizes: [] };
  centers.forEach((c, g) => {
    if (!Number.isInteger(c) || c < 0 || c >= numNodes) {
      throw new RangeError(
        `${fn}: centers has node ${c} at index ${g}, but nodes are 0..${numNodes - 1}`,
      );
    }
    const seen = new Set([c]);
    let frontier = [c];
    for (let h = 0; h < hops; h++) {
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
    const members = [...seen].sort((a, b) => a - b);
    batch.nodes.push(...members);
    batch.segmentIds.push(...members.map(() => g));
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
  if (shape.length !== 1) {
    throw new RangeError(`${fn}: perNode has shape ${formatShape(shape)}, expected [nodes]`);
  }
  assertBatchNodes(fn, batch, shape[0]);
  return tf.tidy(() => {
    const gathered = tf.gather(toTensor(perNode, fn, "perNode"), batch.nodes);
    return segmentMeanLoss(gathered, batch.segmentIds, batch.centers.length);
  });
}
