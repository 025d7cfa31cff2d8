/**
 * Class weights for imbalanced classification, and per-sample weights from them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertOneOf,
  assertPositiveInteger,
  describeValue,
} from "../_core/checks.ts";
import {
  flatValues,
  formatShape,
  shapeOf,
  type Tensor1D,
  type TensorInput,
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

/**
 * Class indices from integer labels (`[n]` or `[n, 1]`) or one-hot rows (`[n, k]`, k > 1), each
 * checked: integer labels in `[0, bound)` (`bound` may be `Infinity`), one-hot rows of 0s and 1s
 * with exactly one 1.
 */
function classIndices(
  fn: string,
  input: LabelInput,
  bound: number,
  note: string,
): { ids: number[]; width: number | null } {
  // Typed arrays (e.g. a loader's Int32Array of class ids) are read as plain [n] labels.
  const labels: TensorInput = ArrayBuffer.isView(input)
    ? Array.from(input as ArrayLike<number>)
    : input as TensorInput;
  const shape = shapeOf(labels, fn, "labels");
  if (shape.length === 0 || shape.length > 2 || shape[0] === 0) {
    throw new RangeError(
      `${fn}: labels has shape ${formatShape(shape)}, expected [n], [n, 1] integer labels ` +
        `or [n, k] one-hot rows with n > 0`,
    );
  }
  if (labels instanceof tf.Tensor && labels.dtype === "string") {
    throw new TypeError(`${fn}: labels has dtype string, expected a numeric tensor`);
  }
  const v = flatValues(labels);
  if (shape.length === 2 && shape[1] > 1) return { ids: oneHotIds(fn, v, shape), width: shape[1] };
  const ids = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(Number.isInteger(x) && x >= 0 && x < bound)) {
      const where = shape.length === 2 ? `labels[${i}][0]` : `labels[${i}]`;
      assertIntegerIn(fn, where, x, { min: 0, max: bound, maxOpen: true }, note);
    }
    ids[i] = x;
  }
  return { ids, width: null };
}

/** The class of each one-hot row, or a RangeError naming the first row that is not one-hot. */
function oneHotIds(fn: string, v: ArrayLike<number>, shape: readonly number[]): number[] {
  const [n, k] = shape;
  const ids = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    let hot = -1, ones = 0, ok = true;
    for (let c = 0; c < k; c++) {
      const x = v[r * k + c];
      if (x === 1) [hot, ones] = [c, ones + 1];
      else if (x !== 0) ok = false;
    }
    if (!ok || ones !== 1) {
      const row = Array.from({ length: k }, (_, c) => v[r * k + c]);
      throw new RangeError(
        `${fn}: labels[${r}] is ${describeValue(row)}, expected a one-hot row (one 1, the rest 0)`,
      );
    }
    ids[r] = hot;
  }
  return ids;
}

/**
 * Per-class weights, indexed by class, from the labels' class counts `n_c` (`n` samples, `k`
 * classes):
 * - `"balanced"`: `n / (k · n_c)`, scikit-learn's `compute_class_weight("balanced")`; a
 *   perfectly balanced set gets all 1s.
 * - `"effective_number"`: Cui et al. (2019), `(1 − β) / (1 − β^n_c)`, normalised (as the paper
 *   does) so the weights sum to `k`. `β = 0` gives all 1s; `β → 1` approaches `1 / n_c`.
 *
 * `labels` are integer labels (`[n]` or `[n, 1]`, or a typed array) or one-hot rows (`[n, k]`, one
 * 1 per row, the rest 0). A label that is not an integer >= 0 (below `numClasses` when given), a
 * row that is not one-hot, an unknown option key and a class with no samples are errors, the
 * last as in scikit-learn (its weight would be infinite).
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
  assertKnownOptions(fn, options, ["method", "beta", "numClasses"]);
  const { method = "balanced", beta = 0.999, numClasses } = options;
  assertOneOf(fn, "options.method", method, ["balanced", "effective_number"] as const);
  assertFraction(fn, "options.beta", beta, "max");
  if (numClasses !== undefined) assertPositiveInteger(fn, "options.numClasses", numClasses);
  const { ids, width } = classIndices(
    fn,
    labels,
    numClasses ?? Infinity,
    numClasses === undefined ? "(a class label)" : "(a class label below options.numClasses)",
  );
  if (numClasses !== undefined && width !== null && width !== numClasses) {
    throw new RangeError(
      `${fn}: options.numClasses is ${numClasses}, expected ${width} (the width of the one-hot ` +
        "labels)",
    );
  }
  let maxLabel = 0;
  for (const c of ids) if (c > maxLabel) maxLabel = c;
  const k = numClasses ?? width ?? maxLabel + 1;
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
 * `labels` are integer labels (`[n]` or `[n, 1]`) in `[0, classWeights.length)`, or one-hot rows
 * (`[n, classWeights.length]`); every class weight must be finite and >= 0.
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
      `${fn}: classWeights is ${
        describeValue(classWeights)
      }, expected a non-empty array of numbers, indexed by class`,
    );
  }
  classWeights.forEach((w, c) => {
    assertNumberIn(fn, `classWeights[${c}]`, w, { min: 0, max: Infinity });
  });
  const { ids, width } = classIndices(
    fn,
    labels,
    classWeights.length,
    "(a class label, indexing classWeights)",
  );
  if (width !== null && width !== classWeights.length) {
    throw new RangeError(
      `${fn}: labels has ${width} columns (one-hot), expected ${classWeights.length} to match ` +
        "classWeights",
    );
  }
  const weights = ids.map((c) => classWeights[c]);
  return tf.tensor1d(weights, "float32");
}
