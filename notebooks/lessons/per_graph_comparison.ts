/**
 * Per-graph losses two ways: one segment mean over the stacked batch ({@linkcode perGraphLoss})
 * against a loop that gathers and averages each graph on its own, plus what the array changes
 * about the batch loss (each graph once, versus each stacked node once).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type EgoNetworkBatch, perGraphLoss } from "../../lib/losses/mod.ts";
import { assertBatchNodes } from "../../lib/_core/graph_edges.ts";
import { formatShape, shapeOf, type TensorInput, toTensor } from "../../lib/_core/tensor_input.ts";

/** What {@linkcode comparePerGraphLoss} measured. */
export interface PerGraphComparison {
  /** One loss per graph from {@linkcode perGraphLoss} (one segment mean). */
  vectorized: number[];
  /** One loss per graph from the loop (a gather and a mean per graph). */
  loop: number[];
  /** Largest `|vectorized − loop|`. */
  maxAbsDifference: number;
  /** Tensor kernels run by the segment mean. */
  vectorizedKernels: number;
  /** Tensor kernels run by the loop (grows with the number of graphs). */
  loopKernels: number;
  /** Mean of the per-graph losses: every graph counts once. */
  meanOverGraphs: number;
  /** Mean of the stacked node losses: a graph counts as often as it has nodes. */
  meanOverStackedNodes: number;
}

/**
 * The loop most people write first: for every graph, gather its nodes' losses and take their
 * mean, one small tensor computation per graph. Returns plain numbers.
 *
 * @example
 * ```ts
 * import { perGraphLossLoop } from "./per_graph_comparison.ts";
 * const batch = { centers: [0, 1], nodes: [0, 1, 0, 1, 2], segmentIds: [0, 0, 1, 1, 1], sizes: [2, 3] };
 * if (perGraphLossLoop([2, 4, 9], batch).join() !== "3,5") throw new Error("unexpected");
 * ```
 */
export function perGraphLossLoop(perNode: TensorInput, batch: EgoNetworkBatch): number[] {
  const fn = "perGraphLossLoop";
  const shape = shapeOf(perNode, fn, "perNode");
  if (shape.length !== 1 || shape[0] === 0) {
    throw new RangeError(`${fn}: perNode has shape ${formatShape(shape)}, expected [nodes]`);
  }
  if (batch.nodes.length !== batch.segmentIds.length) {
    throw new RangeError(
      `${fn}: batch.segmentIds has ${batch.segmentIds.length} entries, expected ${batch.nodes.length} like batch.nodes`,
    );
  }
  assertBatchNodes(fn, batch, shape[0]);
  const members = batch.centers.map(() => [] as number[]);
  batch.segmentIds.forEach((g, j) => members[g]?.push(batch.nodes[j]));
  const empty = members.findIndex((m) => m.length === 0);
  if (empty >= 0) throw new RangeError(`${fn}: graph ${empty} has no node, so its mean is 0/0`);
  return tf.tidy(() => {
    const values = toTensor(perNode, fn, "perNode");
    return members.map((nodes) => tf.mean(tf.gather(values, nodes)).dataSync()[0]);
  });
}

/**
 * Computes the per-graph losses of `batch` with {@linkcode perGraphLoss} and with
 * {@linkcode perGraphLossLoop}, and counts the tensor kernels each runs (with `tf.profile`), and
 * the two batch means: over graphs, and over stacked nodes.
 *
 * @example
 * ```ts
 * import { comparePerGraphLoss } from "./per_graph_comparison.ts";
 * import { egoNetworks } from "../../lib/losses/mod.ts";
 * const batch = egoNetworks(3, [[0, 1], [1, 2]], [0, 1]); // {0, 1} and {0, 1, 2}
 * const c = await comparePerGraphLoss([2, 4, 9], batch);
 * // per graph [3, 5]: mean over graphs 4; over the 5 stacked nodes (2+4+2+4+9)/5 = 4.2
 * if (c.meanOverGraphs !== 4 || Math.abs(c.meanOverStackedNodes - 4.2) > 1e-9) throw new Error("means");
 * if (c.maxAbsDifference !== 0) throw new Error("the two ways differ");
 * ```
 */
export async function comparePerGraphLoss(
  perNode: TensorInput,
  batch: EgoNetworkBatch,
): Promise<PerGraphComparison> {
  const fn = "comparePerGraphLoss";
  const shape = shapeOf(perNode, fn, "perNode");
  if (shape.length !== 1) {
    throw new RangeError(`${fn}: perNode has shape ${formatShape(shape)}, expected [nodes]`);
  }
  const values = perNode instanceof tf.Tensor
    ? Array.from(perNode.dataSync())
    : (perNode as number[]).slice();
  let vectorized: number[] = [];
  // tfjs reuses one profile object across calls, so read each count before the next profile.
  const vectorizedKernels = (await tf.profile(() => {
    const t = perGraphLoss(values, batch);
    vectorized = Array.from(t.dataSync());
    t.dispose();
  })).kernels.length;
  let loop: number[] = [];
  const loopKernels = (await tf.profile(() => {
    loop = perGraphLossLoop(values, batch);
  })).kernels.length;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    vectorized,
    loop,
    maxAbsDifference: Math.max(...vectorized.map((v, i) => Math.abs(v - loop[i]))),
    vectorizedKernels,
    loopKernels,
    meanOverGraphs: mean(vectorized),
    meanOverStackedNodes: mean(batch.nodes.map((v) => values[v])),
  };
}
