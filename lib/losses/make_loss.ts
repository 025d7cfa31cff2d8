/**
 * Wrap a per-sample loss into a Keras-`Loss`-like callable that reduces it, usable as the `loss`
 * of a tfjs `LayersModel.compile`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { checkReduction, reduceWeighted, type Reduction, type SampleWeight } from "./reduce.ts";
import { checkInputs } from "./_pointwise.ts";
import { assertKnownOptions, describeValue } from "../_core/checks.ts";
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
 * Errors of the returned function name it as `makeLoss(<name>)` (NaN or ±Infinity in a plain
 * array, a sample weight of the wrong shape, negative or not finite); errors of the wrapped loss
 * (e.g. mismatched shapes) pass through with the wrapped loss's own name.
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
      `makeLoss: fn is ${describeValue(fn)}, expected a function (yTrue, yPred) => tensor`,
    );
  }
  assertKnownOptions("makeLoss", options, ["reduction", "name"]);
  const reduction = checkReduction(
    "makeLoss",
    options.reduction ?? "sum_over_batch_size",
    "options.reduction",
  );
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) {
    const message = `makeLoss: options.name is ${
      describeValue(options.name)
    }, expected a non-empty string`;
    throw typeof options.name === "string" ? new RangeError(message) : new TypeError(message);
  }
  const lossName = options.name ?? (fn.name || "loss");
  const where = `makeLoss(${lossName})`;
  const loss = (yTrue: TensorInput, yPred: TensorInput, sampleWeight?: SampleWeight): Tensor => {
    // fn sees tensors only, so plain arrays are checked here, where they still are arrays.
    checkInputs(where, [{ arg: "yTrue", value: yTrue }, { arg: "yPred", value: yPred }]);
    return tf.tidy(() => {
      const values = fn(toTensor(yTrue, where, "yTrue"), toTensor(yPred, where, "yPred"));
      if (!(values instanceof tf.Tensor)) {
        throw new TypeError(
          `${where}: the loss returned ${describeValue(values)}, expected a tf.Tensor`,
        );
      }
      return reduceWeighted(where, values, reduction, sampleWeight, "sampleWeight");
    });
  };
  Object.defineProperty(loss, "name", { value: lossName });
  return Object.assign(loss, { lossName, reduction, perSample: fn });
}
