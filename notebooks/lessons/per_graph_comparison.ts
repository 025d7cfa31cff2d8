/**
 * Bookkeeping for comparing per-graph losses computed two ways (one segment mean over the stacked
 * batch, or a loop over the graphs): how many tensor kernels each way runs.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What {@linkcode countKernels} returns. */
export interface KernelCount<T> {
  /** What `fn` returned. */
  result: T;
  /** Tensor kernels `fn` ran (one per backend operation, e.g. a gather or a mean). */
  kernels: number;
}

/**
 * Runs `fn` under `tf.profile` and returns its result with the number of tensor kernels it ran.
 * Tensors `fn` returns stay alive (the caller owns them); prefer returning plain numbers.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { countKernels } from "./per_graph_comparison.ts";
 * const values = tf.tensor1d([2, 4, 9]);
 * // one graph per list of node indices: a gather and a mean each
 * const loop = await countKernels(() =>
 *   [[0, 1], [0, 1, 2]].map((nodes) => tf.tidy(() => tf.mean(tf.gather(values, nodes)).dataSync()[0]))
 * );
 * if (loop.result.join() !== "3,5" || loop.kernels !== 4) throw new Error(JSON.stringify(loop));
 * values.dispose();
 * ```
 */
export async function countKernels<T>(fn: () => T): Promise<KernelCount<T>> {
  if (typeof fn !== "function") {
    throw new TypeError(`countKernels: fn is ${typeof fn}, expected a function`);
  }
  let result: T | undefined;
  let failure: { error: unknown } | undefined;
  // tf.profile leaves tfjs in profiling mode when its function throws, and hands back one shared
  // profile object that the next call overwrites: catch inside, and copy the count out at once.
  const profile = await tf.profile(() => {
    try {
      result = fn();
    } catch (error) {
      failure = { error };
    }
  });
  if (failure !== undefined) throw failure.error;
  return { result: result as T, kernels: profile.kernels.length };
}
