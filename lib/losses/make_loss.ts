/**
 * Wrap a per-sample loss into a Keras-`Loss`-like callable that reduces it, usable as the `loss`
 * of a tfjs `LayersModel.compile`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { checkReduction, reduceLoss, type Reduction, type SampleWeight } from "./reduce.ts";
import { type Tensor, type TensorInput, toTensor } from "../_core/tensor_input.ts";

/** A per-sample loss: `(yTrue, yPred) => values`, reducing only the last axis. */
export type PerSampleLoss = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Options for {@linkcode makeLoss}. */
export interface MakeLossOptions {
  /** How the per-sample values are reduced; default `"sum_over_batch_size"`. */
  reduction?: Reduction;
  /** Name shown in logs and by `inspectLoss`; default the wrapped function's name. */
  name?: string;
}

/** What {@linkcode makeLoss} returns: call it like Keras's `loss(y_true, y_pred, sample_weight)`. */
export interface LossFunction {
  /** Per-sample loss, weighted by `sampleWeight`, then reduced with {@linkcode reduceLoss}. */
  (yTrue: TensorInput, yPred: TensorInput, sampleWeight?: SampleWeight): Tensor;
  /** The loss's name. */
  readonly lossName: string;
  /** The reduction it applies. */
  readonly reduction: Reduction;
  /** The wrapped per-sample function. */
  readonly perSample: PerSampleLoss;
}

/**
 * Wraps `(yTrue, yPred) => per-sample tensor` into a Keras-`Loss`-like callable
 * `(yTrue, yPred, sampleWeight?) => tensor`: `reduceLoss(fn(yTrue, yPred), { reduction,
 * sampleWeight })`. Inputs may be tensors or nested arrays; `fn` always receives float32 tensors.
 *
 * Use it as `model.compile({ optimizer, loss: makeLoss(fn) })`. tfjs's training loop calls a loss
 * with `(yTrue, yPred)`, multiplies the result by its per-sample weights (from `fit`'s
 * `classWeight`) and takes the mean. So with the default reduction, tfjs's class weights only
 * rescale the already-reduced batch loss by their mean (the "scalar loss" trap); pass
 * `{ reduction: "none" }` when training with `classWeight` so tfjs weights each sample, which
 * then equals Keras's `sum_over_batch_size` of the weighted per-sample values.
 *
 * @example
 * ```ts
 * import { makeLoss } from "./make_loss.ts";
 * import { meanSquaredError } from "./regression.ts";
 * const mse = makeLoss(meanSquaredError, { name: "mse" });
 * // Keras docs: MeanSquaredError()(y_true, y_pred, sample_weight=[0.7, 0.3]) = 0.25
 * const loss = mse([[0, 1], [0, 0]], [[1, 1], [1, 0]], [0.7, 0.3]);
 * if (Math.abs((loss.arraySync() as number) - 0.25) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function makeLoss(fn: PerSampleLoss, options: MakeLossOptions = {}): LossFunction {
  if (typeof fn !== "function") {
    throw new TypeError(
      `makeLoss: fn is ${typeof fn}, expected a function (yTrue, yPred) => tensor`,
    );
  }
  const reduction = checkReduction("makeLoss", options.reduction ?? "sum_over_batch_size");
  const lossName = options.name ?? (fn.name || "loss");
  const where = `makeLoss(${lossName})`;
  const loss = (yTrue: TensorInput, yPred: TensorInput, sampleWeight?: SampleWeight): Tensor =>
    tf.tidy(() => {
      const values = fn(toTensor(yTrue, where, "yTrue"), toTensor(yPred, where, "yPred"));
      if (!(values instanceof tf.Tensor)) {
        throw new TypeError(`${where}: the loss returned ${typeof values}, expected a tf.Tensor`);
      }
      return reduceLoss(values, { reduction, sampleWeight });
    });
  Object.defineProperty(loss, "name", { value: lossName });
  return Object.assign(loss, { lossName, reduction, perSample: fn });
}
