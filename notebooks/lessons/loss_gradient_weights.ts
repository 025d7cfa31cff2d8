/**
 * How much gradient each sample's loss receives from a reduction: `∂L/∂ℓᵢ` where `L` is the
 * batch loss the optimiser minimises. For the mean it is `1/B` for every sample; a robust
 * reduction (trimmed mean, top-k) gives some samples none. By the chain rule,
 * `∇θ L = Σᵢ (∂L/∂ℓᵢ) ∇θ ℓᵢ`, so these numbers are each sample's share of the update.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, type TensorInput, toTensor } from "../../lib/_core/tensor_input.ts";
import type { ReduceFunction } from "../../lib/losses/mod.ts";

/**
 * The gradient of a reduction with respect to each per-sample loss, `∂L/∂ℓᵢ` for
 * `L = reduce(losses)`: `[n]` plain numbers. `reduce` defaults to the mean (what tfjs's `fit` and
 * Keras's `"sum_over_batch_size"` apply without weights), which gives `1/n` everywhere; pass a
 * `train` reduction such as `trimmedMean({ trim: 0.1 })` to see which samples it drops. A
 * reduction's `sampleWeight` argument is passed as `null`.
 *
 * @example
 * ```ts
 * import { lossGradientWeights } from "./loss_gradient_weights.ts";
 * const w = lossGradientWeights([0.5, 1.5, 0.25, 5.75]);
 * if (w.join() !== "0.25,0.25,0.25,0.25") throw new Error(`got ${w}`);
 * ```
 */
export function lossGradientWeights(
  losses: TensorInput,
  reduce: ReduceFunction = (values) => tf.mean(values),
): number[] {
  const fn = "lossGradientWeights";
  if (typeof reduce !== "function") {
    throw new TypeError(`${fn}: reduce is ${typeof reduce}, expected a function`);
  }
  const v = tf.tidy(() => toTensor(losses, fn, "losses").clone());
  try {
    if (v.rank !== 1 || v.shape[0] === 0) {
      throw new RangeError(`${fn}: losses has shape ${formatShape(v.shape)}, expected [n], n > 0`);
    }
    // Checked outside the gradient: tfjs leaves tensors behind when a differentiated function throws.
    let got: string | null = null;
    tf.tidy(() => {
      const out = reduce(v, null);
      if (!(out instanceof tf.Tensor)) got = typeof out;
      else if (out.rank !== 0) got = `shape ${formatShape(out.shape)}`;
    });
    if (got !== null) {
      throw new TypeError(`${fn}: reduce returned ${got}, expected a scalar tensor`);
    }
    return tf.tidy(() =>
      Array.from(tf.grad((t: tf.Tensor) => reduce(t, null) as tf.Scalar)(v).dataSync())
    );
  } finally {
    v.dispose();
  }
}
