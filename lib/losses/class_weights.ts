/**
 * Class weights for imbalanced classification, and per-sample weights from them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertFraction, assertOneOf, assertPositiveInteger } from "../_core/checks.ts";
import {
  flatValues,
  formatShape,
  shapeOf,
  type Tensor1D,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";

/** How {@linkcode classWeights} turns class counts into weights. */
export type ClassWeightMethod = "balanced" | "effective_number";

/** Options for {@linkcode classWeights}. */
export interface ClassWeightOptions {
  /** `"balanced"` (scikit-learn) or `"effective_number"` (Cui et al. 2019); default `"balanced"`. */
  method?: ClassWeightMethod;
  /** β in `[0, 1)` for `"effective_number"`; default `0.999`. */
  beta?: number;
  /** Number of classes `k`; default the largest label + 1. */
  numClasses?: number;
}

/** Labels: a tensor, nested number arrays, or a typed array of class ids (as the loaders return). */
export type LabelInput = TensorInput | ArrayLike<number>;

/** Class indices from integer labels (`[n]` or `[n, 1]`) or one-hot rows (`[n, k]`, k > 1). */
function classIndices(fn: string, input: LabelInput): { ids: number[]; width: number | null } {
  // Typed arrays (e.g. a loader's Int32Array of class ids) are read as plain [n] labels.
  const labels: TensorInput = input instanceof tf.Tensor || Array.isArray(input) ||
      typeof input === "number"
    ? input as TensorInput
    : Array.from(input as ArrayLike<number>);
  const shape = shapeOf(labels, fn, "labels");
  if (shape.length === 0 || shape.length > 2 || shape[0] === 0) {
    throw new RangeError(
      `${fn}: labels has shape ${formatShape(shape)}, expected [n], [n, 1] integer labels ` +
        `or [n, k] one-hot rows with n > 0`,
    );
  }
  if (shape.length === 2 && shape[1] > 1) {
    const ids = tf.tidy(() => Array.from(tf.argMax(toTensor(labels, fn, "labels"), 1).dataSync()));
    return { ids, width: shape[1] };
  }
  const v = Array.from(flatValues(labels));
  v.forEach((x, i) => {
    if (!(Number.isInteger(x) && x >= 0)) {
      throw new RangeError(
        `${fn}: labels has value ${x} at flat index ${i}, expected integer class labels >= 0`,
      );
    }
  });
  return { ids: v, width: null };
}

/**
 * Per-class weights, indexed by class, from the labels' class counts `n_c` (`n` samples, `k`
 * classes):
 * - `"balanced"`: `n / (k · n_c)`, scikit-learn's `compute_class_weight("balanced")`; a
 *   perfectly balanced set gets all 1s.
 * - `"effective_number"`: Cui et al. (2019), `(1 − β) / (1 − β^n_c)`, normalised (as the paper
 *   does) so the weights sum to `k`. `β = 0` gives all 1s; `β → 1` approaches `1 / n_c`.
 *
 * `labels` are integer labels (`[n]` or `[n, 1]`) or one-hot rows (`[n, k]`). A class with no
 * samples is an error, as in scikit-learn (its weight would be infinite).
 *
 * @example
 * ```ts
 * import { classWeights } from "./class_weights.ts";
 * // 3 of class 0, 1 of class 1: n / (k · n_c) = 4 / (2·3), 4 / (2·1)
 * const w = classWeights([0, 0, 0, 1], { method: "balanced" });
 * if (Math.abs(w[0] - 2 / 3) > 1e-12 || w[1] !== 2) throw new Error(`got ${w}`);
 * ```
 */
export function classWeights(labels: LabelInput, options: ClassWeightOptions = {}): number[] {
  const fn = "classWeights";
  const method = options.method ?? "balanced";
  assertOneOf(fn, "method", method, ["balanced", "effective_number"] as const);
  const beta = options.beta ?? 0.999;
  assertFraction(fn, "beta", beta, "max");
  const { ids, width } = classIndices(fn, labels);
  const maxLabel = Math.max(...ids);
  const k = options.numClasses ?? width ?? maxLabel + 1;
  assertPositiveInteger(fn, "numClasses", k);
  if (maxLabel >= k) {
    throw new RangeError(`${fn}: labels has label ${maxLabel}, expected labels in [0, ${k})`);
  }
  const counts = new Array<number>(k).fill(0);
  for (const c of ids) counts[c]++;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) {
    throw new RangeError(
      `${fn}: class ${missing} has no samples in labels (counts ${JSON.stringify(counts)}), ` +
        `so its weight would be infinite; pass numClasses to match the labels`,
    );
  }
  const n = ids.length;
  if (method === "balanced") return counts.map((c) => n / (k * c));
  const raw = counts.map((c) => (1 - beta) / (1 - beta ** c));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w * k) / total);
}

/**
 * One weight per sample, `classWeights[label]`, as a `[n]` tensor to pass as `sampleWeight`.
 * `labels` are integer labels (`[n]` or `[n, 1]`) or one-hot rows (`[n, k]`).
 *
 * @example
 * ```ts
 * import { sampleWeightsFromClassWeights } from "./class_weights.ts";
 * const w = sampleWeightsFromClassWeights([0, 1, 1], [0.5, 2]);
 * if (w.arraySync().join() !== "0.5,2,2") throw new Error("unexpected");
 * w.dispose();
 * ```
 */
export function sampleWeightsFromClassWeights(
  labels: LabelInput,
  classWeights: readonly number[],
): Tensor1D {
  const fn = "sampleWeightsFromClassWeights";
  if (!Array.isArray(classWeights) || classWeights.length === 0) {
    throw new TypeError(
      `${fn}: classWeights must be a non-empty array of numbers, indexed by class`,
    );
  }
  classWeights.forEach((w, c) => {
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new RangeError(`${fn}: classWeights[${c}] is ${w}, expected a finite number >= 0`);
    }
  });
  const { ids } = classIndices(fn, labels);
  const weights = ids.map((c, i) => {
    if (c >= classWeights.length) {
      throw new RangeError(
        `${fn}: labels has label ${c} at index ${i}, but classWeights has only ${classWeights.length} classes`,
      );
    }
    return classWeights[c];
  });
  return tf.tensor1d(weights, "float32");
}
