/**
 * Keras 3's loss reductions, with explicit sample-weight broadcasting.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertFinite,
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

/** Throws a RangeError naming `fn` unless `reduction` is one of {@linkcode REDUCTIONS}. */
export function checkReduction(fn: string, reduction: unknown): Reduction {
  if (!(REDUCTIONS as readonly unknown[]).includes(reduction)) {
    throw new RangeError(
      `${fn}: reduction is ${JSON.stringify(reduction)}, expected one of ${
        REDUCTIONS.map((r) => `"${r}"`).join(", ")
      }`,
    );
  }
  return reduction as Reduction;
}

/**
 * The shape `sampleWeight` is reshaped to before it multiplies `values` (ranks aligned on the
 * leading, batch axis), or a RangeError naming `fn`. A scalar `values` (a loss that already
 * reduced the batch) takes any weight shape, as Keras's broadcasting does.
 */
export function alignWeightShape(
  fn: string,
  valuesShape: readonly number[],
  weightShape: readonly number[],
): number[] {
  const vr = valuesShape.length, wr = weightShape.length;
  if (wr === 0 || vr === 0) return weightShape.slice();
  const prefix = wr <= vr && weightShape.every((d, i) => d === valuesShape[i]);
  if (prefix) return [...weightShape, ...new Array(vr - wr).fill(1)];
  // Keras squeezes a trailing 1 from [batch, 1] weights on [batch] losses.
  if (wr === vr + 1 && weightShape[wr - 1] === 1 && prefixOf(weightShape, valuesShape)) {
    return weightShape.slice(0, vr);
  }
  throw new RangeError(
    `${fn}: sampleWeight has shape ${formatShape(weightShape)}, expected a scalar, ${
      formatShape(valuesShape.slice(0, 1))
    } or ${formatShape(valuesShape)} to weight values of shape ${formatShape(valuesShape)}`,
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
): tf.Tensor {
  return checkedSampleWeight(fn, sampleWeight, valuesShape).weight;
}

/** {@linkcode prepareSampleWeight}, plus the weights' sum, taken in the same single read-back. */
function checkedSampleWeight(
  fn: string,
  sampleWeight: SampleWeight,
  valuesShape: readonly number[],
): { weight: tf.Tensor; sum: number } {
  const wShape = shapeOf(sampleWeight, fn, "sampleWeight");
  const aligned = alignWeightShape(fn, valuesShape, wShape);
  assertFinite(fn, "sampleWeight", sampleWeight);
  const w = toTensor(sampleWeight, fn, "sampleWeight");
  const data = w.dataSync();
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) {
      throw new RangeError(
        `${fn}: sampleWeight has value ${data[i]} at flat index ${i}, expected weights >= 0`,
      );
    }
    sum += data[i];
  }
  return { weight: w.reshape(aligned), sum };
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
  const reduction = checkReduction(fn, options.reduction ?? "sum_over_batch_size");
  const shape = shapeOf(values, fn, "values");
  if (shape.some((d) => d === 0)) {
    throw new RangeError(`${fn}: values has shape ${formatShape(shape)}: empty batch`);
  }
  return tf.tidy(() => {
    const v = toTensor(values, fn, "values");
    let weighted = v;
    let weightTotal: number | null = null;
    if (options.sampleWeight !== undefined) {
      const { weight: w, sum } = checkedSampleWeight(fn, options.sampleWeight, shape);
      weighted = tf.mul(v, w);
      if (reduction === "mean_with_sample_weight") {
        // A host number (the weights were read back once for the sign check) keeps the divisor
        // off the gradient path: tf.divNoNan's Equal has no gradient in tfjs.
        weightTotal = sum * (weighted.size / w.size);
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
