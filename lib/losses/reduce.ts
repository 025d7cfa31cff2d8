/**
 * Keras 3's loss reductions, with explicit sample-weight broadcasting.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertFiniteFloat32, position } from "./_pointwise.ts";
import { assertKnownOptions, describeValue } from "../_core/checks.ts";
import {
  flatValues,
  formatShape,
  type NestedNumbers,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";

/**
 * How a loss's per-sample values become the number training minimises (Keras 3's names):
 * - `"sum_over_batch_size"` (default) and `"mean"`: `Σ wᵢ·ℓᵢ / N`, N = number of loss values;
 * - `"sum"`: `Σ wᵢ·ℓᵢ`;
 * - `"mean_with_sample_weight"`: `Σ wᵢ·ℓᵢ / Σ wᵢ` (a weighted mean);
 * - `"none"`: the weighted values `wᵢ·ℓᵢ`, unreduced.
 */
export type Reduction = "sum_over_batch_size" | "sum" | "mean" | "mean_with_sample_weight" | "none";

/** Every {@linkcode Reduction} name, in the order the docs list them. */
export const REDUCTIONS: readonly Reduction[] = [
  "sum_over_batch_size",
  "sum",
  "mean",
  "mean_with_sample_weight",
  "none",
];

/** Sample weights: a scalar, one weight per sample (`[batch]`), or one per loss value. */
export type SampleWeight = Tensor | number | NestedNumbers;

/** Options for {@linkcode reduceLoss}. */
export interface ReduceOptions {
  /** How to reduce; default `"sum_over_batch_size"`. */
  reduction?: Reduction;
  /**
   * Weights: a scalar, `[batch]` (one per sample, also for `[batch, time]` values), `[batch, 1]`
   * for `[batch]` values, or the full shape of `values`. Must be finite and non-negative.
   */
  sampleWeight?: SampleWeight;
}

/**
 * Throws unless `reduction` is one of {@linkcode REDUCTIONS}: a TypeError for a non-string, a
 * RangeError otherwise, naming `fn` and `arg`.
 */
export function checkReduction(fn: string, reduction: unknown, arg = "reduction"): Reduction {
  if (!(REDUCTIONS as readonly unknown[]).includes(reduction)) {
    const message = `${fn}: ${arg} is ${describeValue(reduction)}, expected one of ${
      REDUCTIONS.map((r) => `"${r}"`).join(", ")
    }`;
    throw typeof reduction === "string" ? new RangeError(message) : new TypeError(message);
  }
  return reduction as Reduction;
}

/**
 * The shape `sampleWeight` is reshaped to before it multiplies `values` (ranks aligned on the
 * leading, batch axis), or a RangeError naming `fn` and `arg`. A scalar `values` (a loss that
 * already reduced the batch) takes any weight shape, as Keras's broadcasting does.
 */
export function alignWeightShape(
  fn: string,
  valuesShape: readonly number[],
  weightShape: readonly number[],
  arg = "sampleWeight",
): number[] {
  const vr = valuesShape.length, wr = weightShape.length;
  if (wr === 0 || vr === 0) return weightShape.slice();
  const prefix = wr <= vr && weightShape.every((d, i) => d === valuesShape[i]);
  if (prefix) return [...weightShape, ...new Array(vr - wr).fill(1)];
  // Keras squeezes a trailing 1 from [batch, 1] weights on [batch] losses.
  if (wr === vr + 1 && weightShape[wr - 1] === 1 && prefixOf(weightShape, valuesShape)) {
    return weightShape.slice(0, vr);
  }
  const alternatives = vr === 1
    ? `a scalar, ${formatShape(valuesShape)} or ${formatShape([...valuesShape, 1])}`
    : `a scalar, ${formatShape(valuesShape.slice(0, 1))} or ${formatShape(valuesShape)}`;
  throw new RangeError(
    `${fn}: ${arg} has shape ${
      formatShape(weightShape)
    }, expected ${alternatives} to weight values of shape ${formatShape(valuesShape)}`,
  );
}

function prefixOf(a: readonly number[], b: readonly number[]): boolean {
  return b.every((d, i) => a[i] === d);
}

/**
 * Checks and converts a sample weight for values of shape `valuesShape`: finite, non-negative,
 * reshaped so it broadcasts from the batch axis. Call inside `tf.tidy`.
 */
export function prepareSampleWeight(
  fn: string,
  sampleWeight: SampleWeight,
  valuesShape: readonly number[],
  arg = "sampleWeight",
): tf.Tensor {
  const { aligned } = checkSampleWeight(fn, sampleWeight, valuesShape, arg);
  return toTensor(sampleWeight, fn, arg).reshape(aligned);
}

/**
 * The checks of a sample weight, all on the host before any tensor is made (the weights are
 * one per sample, so reading them is cheap): shape, then finite and >= 0. Returns the shape they
 * are reshaped to and their sum.
 */
function checkSampleWeight(
  fn: string,
  sampleWeight: SampleWeight,
  valuesShape: readonly number[],
  arg: string,
): { aligned: number[]; sum: number } {
  const wShape = shapeOf(sampleWeight, fn, arg);
  const aligned = alignWeightShape(fn, valuesShape, wShape, arg);
  if (sampleWeight instanceof tf.Tensor && sampleWeight.dtype === "string") {
    // toTensor's own dtype message, before the data is read as numbers.
    tf.tidy(() => void toTensor(sampleWeight, fn, arg));
  }
  const data = flatValues(sampleWeight);
  const at = (i: number) => (wShape.length === 0 ? "" : position(wShape, i));
  assertFiniteFloat32(fn, arg, data, at);
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) {
      throw new RangeError(`${fn}: ${arg}${at(i)} is ${data[i]}, expected a weight >= 0`);
    }
    // Summed as the float32 values the loss is weighted with: weights that underflow to 0 there
    // must give a total of 0 (the divide_no_nan case), not a tiny divisor that float32 rounds to 0.
    sum += Math.fround(data[i]);
  }
  return { aligned, sum };
}

/**
 * Reduces loss values to the number training minimises, exactly as Keras 3's
 * `reduce_weighted_values` does: multiply by `sampleWeight`, then
 *
 * | reduction | result |
 * |---|---|
 * | `"sum_over_batch_size"` (default), `"mean"` | `Σ w·ℓ / N`, N = count of loss values |
 * | `"sum"` | `Σ w·ℓ` |
 * | `"mean_with_sample_weight"` | `Σ w·ℓ / Σ w` (0 when Σ w = 0) |
 * | `"none"` | `w·ℓ`, shape of `values` |
 *
 * Returns a scalar for every reduction except `"none"`. Note that `"sum_over_batch_size"` divides
 * by the number of samples, not by the sum of the weights: a weight of 0 drops a sample's loss but
 * still counts it in N.
 *
 * Broadcasting is explicit: `sampleWeight` may be a scalar, `[batch]` (one weight per sample, also
 * for `[batch, time]` values, where it is applied to every time step), `[batch, 1]` for `[batch]`
 * values, or exactly `values`' shape. Anything else is a RangeError. Where frameworks disagree:
 * - Keras 3 expands `[batch]` weights only for `[batch, 1]` losses; for `[batch, time]` losses it
 *   broadcasts from the right, which fails (or silently pairs weights with time steps when
 *   `time === batch`). tf.keras 2 expanded `[batch]` to `[batch, 1]`, as losslab does.
 * - Keras 3's `"mean_with_sample_weight"` divides by the sum of the weights as given (so a scalar
 *   weight `w` gives `Σ ℓ`, a sum); losslab divides by the sum of the weights broadcast to every
 *   loss value, so the result is always a weighted mean. They agree when the weights have one
 *   value per loss value (the usual `[batch]` weights on `[batch]` losses).
 * - tfjs's `tf.losses.computeWeightedLoss` defaults to `SUM_BY_NONZERO_WEIGHTS` (divide by the
 *   count of non-zero weights) and its `Reduction.NONE` is per element, not per sample.
 *
 * A scalar `values` (a loss that already averaged its batch) is weighted by broadcasting, so the
 * weights can only rescale it: `reduceLoss(ℓ, { sampleWeight: w })` is `ℓ · mean(w)`.
 *
 * Checks, before any tensor is made: option names, the reduction, shapes, the weights (read on
 * the host: one per sample is cheap) finite and >= 0, and `values` finite when it is a plain
 * array. A tensor `values` is not read back: inside a training step, a NaN loss is what `train`
 * reports by sample.
 *
 * @example
 * ```ts
 * import { reduceLoss } from "./reduce.ts";
 * // Keras: per-sample losses [1, 3], weights [1, 0]
 * const mean = reduceLoss([1, 3], { sampleWeight: [1, 0] }); // (1·1 + 3·0) / 2
 * const wmean = reduceLoss([1, 3], { sampleWeight: [1, 0], reduction: "mean_with_sample_weight" });
 * if (mean.arraySync() !== 0.5 || wmean.arraySync() !== 1) throw new Error("unexpected");
 * mean.dispose();
 * wmean.dispose();
 * ```
 */
export function reduceLoss(values: TensorInput, options: ReduceOptions = {}): Tensor {
  const fn = "reduceLoss";
  assertKnownOptions(fn, options, ["reduction", "sampleWeight"]);
  const reduction = checkReduction(
    fn,
    options.reduction ?? "sum_over_batch_size",
    "options.reduction",
  );
  return reduceWeighted(fn, values, reduction, options.sampleWeight, "options.sampleWeight");
}

/**
 * {@linkcode reduceLoss} with the reduction already checked, for callers that name their own
 * function and weight argument in messages (a `makeLoss` result).
 */
export function reduceWeighted(
  fn: string,
  values: TensorInput,
  reduction: Reduction,
  sampleWeight: SampleWeight | undefined,
  weightArg: string,
): Tensor {
  const shape = shapeOf(values, fn, "values");
  if (shape.some((d) => d === 0)) {
    throw new RangeError(
      `${fn}: values has shape ${formatShape(shape)}, expected at least one loss value`,
    );
  }
  // Plain arrays are read in full; a tensor is the loss of a training step, whose non-finite
  // values train reports by sample, so it is not read back here.
  if (!(values instanceof tf.Tensor)) {
    const flat = typeof values === "number" ? [values] : (values as unknown[]).flat(Infinity);
    assertFiniteFloat32(fn, "values", flat as number[], (i) => position(shape, i));
  }
  const weights = sampleWeight === undefined
    ? null
    : checkSampleWeight(fn, sampleWeight, shape, weightArg);
  return tf.tidy(() => {
    const v = toTensor(values, fn, "values");
    let weighted = v;
    let weightTotal: number | null = null;
    if (weights !== null) {
      const w = toTensor(sampleWeight as SampleWeight, fn, weightArg).reshape(weights.aligned);
      weighted = tf.mul(v, w);
      if (reduction === "mean_with_sample_weight") {
        // A host number (the weights were read once for the sign check) keeps the divisor off
        // the gradient path: tf.divNoNan's Equal has no gradient in tfjs.
        weightTotal = Math.fround(weights.sum * (weighted.size / w.size));
      }
    }
    if (reduction === "none") return weighted === v ? v.clone() : weighted;
    const total = tf.sum(weighted);
    if (reduction === "sum") return total;
    if (weightTotal !== null) {
      // Keras's divide_no_nan: all-zero weights give a loss of 0 (and a zero gradient), not NaN.
      return weightTotal === 0 ? tf.mul(total, 0) : tf.div(total, weightTotal);
    }
    return tf.div(total, weighted.size);
  });
}

/**
 * A custom reduction: per-sample loss values (`[batch]`) and the batch's weights (or `null`) to
 * the scalar that is minimised, e.g. a trimmed mean.
 */
export type ReduceFunction = (values: Tensor, sampleWeight: Tensor | null) => Tensor;
