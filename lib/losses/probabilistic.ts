/**
 * Keras's probabilistic losses (cross-entropies, focal losses, KL divergence, Poisson), per
 * sample: each reduces the last axis only. Probabilities are clipped to `[ε, 1 − ε]` with
 * ε = 1e-7 as Keras does, and `fromLogits` variants are computed stably (no `log(sigmoid(x))`), so
 * logits of ±100 and probabilities of exactly 0 or 1 give finite losses.
 *
 * Checks come before any tensor is made: options (unknown keys too), shapes, then values. Plain
 * arrays are checked in full on the host: NaN and ±Infinity are refused with their positions, and
 * so is a value outside the loss's domain (labels and probabilities in `[0, 1]`, sparse labels
 * integers in `[0, k)`, Poisson counts and rates `>= 0`, categorical prediction rows with a
 * positive sum). Tensors, which is what a loss gets inside a training step, are checked against
 * the domain (NaN and ±Infinity included) from their min, max and smallest row sum, with one
 * read-back per call (sparse labels are read in full); logits have no domain, so a non-finite
 * logit propagates to that sample's loss, which `train` reports by sample.
 * `klDivergence` has no domain to check (as in Keras, it clips both inputs to `[ε, 1]`), but since
 * the clip would turn ±Infinity into a finite loss, its tensors are checked finite (one read-back).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { EPSILON } from "./epsilon.ts";
import { checkInputs, type Domain, position } from "./_pointwise.ts";
import {
  assertFraction,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertOptionalBoolean,
  describeValue,
} from "../_core/checks.ts";
import {
  checkLossPair,
  flatValues,
  formatShape,
  lossTensors,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";

/** Options for {@linkcode binaryCrossentropy} and {@linkcode categoricalCrossentropy}. */
export interface CrossentropyOptions {
  /** `yPred` holds logits (any real numbers), not probabilities; default `false`. */
  fromLogits?: boolean;
  /**
   * In `[0, 1]`; default `0`. Binary: labels become `y·(1 − s) + s/2`. Categorical: labels become
   * `y·(1 − s) + s/k` for `k` classes.
   */
  labelSmoothing?: number;
}

/** Options for {@linkcode sparseCategoricalCrossentropy}. */
export interface SparseCrossentropyOptions {
  /** `yPred` holds logits, not probabilities; default `false`. */
  fromLogits?: boolean;
}

/** Options for {@linkcode binaryFocalCrossentropy}. */
export interface BinaryFocalOptions extends CrossentropyOptions {
  /** Focusing parameter γ ≥ 0; default `2`. `0` gives plain binary cross-entropy. */
  gamma?: number;
  /** Weight of class 1 when `applyClassBalancing` (class 0 gets `1 − α`); default `0.25`. */
  alpha?: number;
  /** Multiply by `α` for positives and `1 − α` for negatives; default `false`. */
  applyClassBalancing?: boolean;
}

/** Options for {@linkcode categoricalFocalCrossentropy}. */
export interface CategoricalFocalOptions extends CrossentropyOptions {
  /** Focusing parameter γ ≥ 0; default `2`. */
  gamma?: number;
  /** Balancing factor: one number for all classes or one per class; default `0.25`. */
  alpha?: number | readonly number[];
}

const LABELS: Domain = {
  min: 0,
  max: 1,
  expected: "a number in [0, 1] (labels or label probabilities)",
};
const PROBABILITIES: Domain = {
  min: 0,
  max: 1,
  expected: "a number in [0, 1] (probabilities; pass { fromLogits: true } for logits)",
};

/**
 * The option checks the cross-entropies share; returns `fromLogits` and `labelSmoothing` with
 * their defaults.
 */
function crossentropyOptions(
  fn: string,
  options: CrossentropyOptions,
): { fromLogits: boolean; labelSmoothing: number } {
  const { fromLogits = false, labelSmoothing = 0 } = options;
  assertOptionalBoolean(fn, "options.fromLogits", fromLogits);
  assertFraction(fn, "options.labelSmoothing", labelSmoothing);
  return { fromLogits, labelSmoothing };
}

/**
 * Labels must be in [0, 1], and predictions too unless they are logits; a categorical prediction
 * row must also have a positive sum, since it is renormalised. Arrays are also checked finite.
 */
function checkProbabilities(
  fn: string,
  yTrue: TensorInput,
  yPred: TensorInput,
  fromLogits: boolean,
  rows = false,
): void {
  checkInputs(fn, [
    { arg: "yTrue", value: yTrue, domain: LABELS },
    {
      arg: "yPred",
      value: yPred,
      domain: fromLogits ? undefined : PROBABILITIES,
      positiveRows: rows && !fromLogits,
    },
  ]);
}

/** `−[t·log p + (1 − t)·log(1 − p)]` after Keras's clip of `p` to `[ε, 1 − ε]`, element-wise. */
function binaryCrossentropyElements(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  const pos = tf.mul(t, tf.log(clipped));
  const neg = tf.mul(tf.sub(1, t), tf.log(tf.sub(1, clipped)));
  return tf.neg(tf.add(pos, neg));
}

/**
 * Binary cross-entropy per sample: `mean(−[y·log p + (1 − y)·log(1 − p)], axis = −1)`, with `p`
 * clipped to `[1e-7, 1 − 1e-7]`. With `fromLogits`, the stable form
 * `max(x, 0) − x·y + log(1 + e^(−|x|))` (TensorFlow's `sigmoid_cross_entropy_with_logits`).
 *
 * tfjs's `tf.losses.logLoss` adds ε inside the logs instead of clipping, so at `p = 1, y = 0` it
 * gives `−log(1e-7) ≈ 16.118` where Keras (and losslab) give `−log(1.19e-7) ≈ 15.942`.
 *
 * @example
 * ```ts
 * import { binaryCrossentropy } from "./probabilistic.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [0.916, 0.714]
 * const loss = binaryCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.916) > 1e-3 || Math.abs(b - 0.714) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function binaryCrossentropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: CrossentropyOptions = {},
): Tensor {
  const fn = "binaryCrossentropy";
  assertKnownOptions(fn, options, ["fromLogits", "labelSmoothing"]);
  const { fromLogits, labelSmoothing: smoothing } = crossentropyOptions(fn, options);
  const shape = checkLossPair(fn, yTrue, yPred);
  checkProbabilities(fn, yTrue, yPred, fromLogits);
  return tf.tidy(() => {
    let [t, p] = lossTensors(fn, yTrue, yPred, shape);
    if (smoothing > 0) t = tf.add(tf.mul(t, 1 - smoothing), 0.5 * smoothing);
    if (!fromLogits) return tf.mean(binaryCrossentropyElements(t, p), -1);
    const stable = tf.add(tf.sub(tf.relu(p), tf.mul(p, t)), tf.log1p(tf.exp(tf.neg(tf.abs(p)))));
    return tf.mean(stable, -1);
  });
}

/**
 * Binary focal cross-entropy per sample (Lin et al. 2017), as Keras computes it: with
 * `pₜ = y·p + (1 − y)·(1 − p)`, `mean((1 − pₜ)^γ · bce, axis = −1)`, times `α·y + (1 − α)·(1 − y)`
 * when `applyClassBalancing`. With `fromLogits`, `p = sigmoid(x)` first (then clipped, as in Keras).
 *
 * @example
 * ```ts
 * import { binaryFocalCrossentropy } from "./probabilistic.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]], gamma 2 -> [0.330, 0.206]
 * const loss = binaryFocalCrossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { gamma: 2 });
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.330) > 1e-3 || Math.abs(b - 0.206) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function binaryFocalCrossentropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: BinaryFocalOptions = {},
): Tensor {
  const fn = "binaryFocalCrossentropy";
  assertKnownOptions(fn, options, [
    "fromLogits",
    "labelSmoothing",
    "gamma",
    "alpha",
    "applyClassBalancing",
  ]);
  const { fromLogits, labelSmoothing } = crossentropyOptions(fn, options);
  const { gamma = 2, alpha = 0.25, applyClassBalancing = false } = options;
  assertNumberIn(fn, "options.gamma", gamma, { min: 0, max: Infinity });
  assertFraction(fn, "options.alpha", alpha);
  assertOptionalBoolean(fn, "options.applyClassBalancing", applyClassBalancing);
  const shape = checkLossPair(fn, yTrue, yPred);
  checkProbabilities(fn, yTrue, yPred, fromLogits);
  return tf.tidy(() => {
    let [t, p] = lossTensors(fn, yTrue, yPred, shape);
    if (labelSmoothing > 0) t = tf.add(tf.mul(t, 1 - labelSmoothing), 0.5 * labelSmoothing);
    if (fromLogits) p = tf.sigmoid(p);
    const bce = binaryCrossentropyElements(t, p);
    const pT = tf.add(tf.mul(t, p), tf.mul(tf.sub(1, t), tf.sub(1, p)));
    let focal = tf.mul(tf.pow(tf.sub(1, pT), gamma), bce);
    if (applyClassBalancing) {
      focal = tf.mul(tf.add(tf.mul(t, alpha), tf.mul(tf.sub(1, t), 1 - alpha)), focal);
    }
    return tf.mean(focal, -1);
  });
}

/** Keras's label smoothing for one-hot labels over the last axis. */
function smoothCategorical(t: tf.Tensor, smoothing: number): tf.Tensor {
  if (smoothing === 0) return t;
  const k = t.shape[t.rank - 1];
  return tf.add(tf.mul(t, 1 - smoothing), smoothing / k);
}

/**
 * Categorical cross-entropy per sample for one-hot (or soft) labels over the last axis:
 * `−Σₖ yₖ·log pₖ`, where Keras first renormalises `p` to sum to 1 and clips it to
 * `[1e-7, 1 − 1e-7]`. With `fromLogits`, `−Σₖ yₖ·logSoftmax(x)ₖ` (stable).
 *
 * tfjs's `tf.losses.softmaxCrossEntropy` takes logits only; with `Reduction.NONE` it matches this
 * function with `fromLogits: true` (tested).
 *
 * @example
 * ```ts
 * import { categoricalCrossentropy } from "./probabilistic.ts";
 * // Keras docs: [[0, 1, 0], [0, 0, 1]] vs [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] -> [0.0513, 2.303]
 * const loss = categoricalCrossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.0513) > 1e-3 || Math.abs(b - 2.303) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function categoricalCrossentropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: CrossentropyOptions = {},
): Tensor {
  const fn = "categoricalCrossentropy";
  assertKnownOptions(fn, options, ["fromLogits", "labelSmoothing"]);
  const { fromLogits, labelSmoothing: smoothing } = crossentropyOptions(fn, options);
  const shape = checkLossPair(fn, yTrue, yPred);
  checkProbabilities(fn, yTrue, yPred, fromLogits, true);
  return tf.tidy(() => {
    const [t0, p] = lossTensors(fn, yTrue, yPred, shape);
    const t = smoothCategorical(t0, smoothing);
    const logP = fromLogits ? tf.logSoftmax(p) : tf.log(normalizeAndClip(p));
    return tf.neg(tf.sum(tf.mul(t, logP), -1));
  });
}

function normalizeAndClip(p: tf.Tensor): tf.Tensor {
  const normalized = tf.div(p, tf.sum(p, -1, true));
  return tf.clipByValue(normalized, EPSILON, 1 - EPSILON);
}

/**
 * Sparse categorical cross-entropy per sample: `yTrue` holds integer class labels (`[batch]` or
 * `[batch, 1]`, generally `yPred`'s shape without its last axis), `yPred` is `[batch, k]`.
 * The loss is `logsumexp(z) − z[label]` with `z = x` for logits, or `z = log(clip(p, ε, 1 − ε))`
 * for probabilities (as Keras's TensorFlow backend does, which also renormalises `p`).
 * Labels must be integers in `[0, k)`.
 *
 * @example
 * ```ts
 * import { sparseCategoricalCrossentropy } from "./probabilistic.ts";
 * // Keras docs: y_true [1, 2], y_pred [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] -> [0.0513, 2.303]
 * const loss = sparseCategoricalCrossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.0513) > 1e-3 || Math.abs(b - 2.303) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: SparseCrossentropyOptions = {},
): Tensor {
  const fn = "sparseCategoricalCrossentropy";
  assertKnownOptions(fn, options, ["fromLogits"]);
  const { fromLogits = false } = options;
  assertOptionalBoolean(fn, "options.fromLogits", fromLogits);
  const ps = shapeOf(yPred, fn, "yPred");
  const trueShape = shapeOf(yTrue, fn, "yTrue");
  if (ps.length < 2) {
    throw new RangeError(
      `${fn}: yPred has shape ${formatShape(ps)}, expected [batch, numClasses] (or more axes)`,
    );
  }
  if (ps.some((d) => d === 0)) {
    throw new RangeError(`${fn}: yPred has shape ${formatShape(ps)}: empty batch`);
  }
  const labelShape = ps.slice(0, -1);
  const ts = trueShape.length === ps.length && trueShape[trueShape.length - 1] === 1
    ? trueShape.slice(0, -1)
    : trueShape;
  if (ts.length !== labelShape.length || ts.some((d, i) => d !== labelShape[i])) {
    throw new RangeError(
      `${fn}: yTrue has shape ${formatShape(trueShape)}, expected ${formatShape(labelShape)} or ${
        formatShape([...labelShape, 1])
      } integer labels for yPred of shape ${formatShape(ps)}`,
    );
  }
  const k = ps[ps.length - 1];
  // The labels are read in full either way: an out-of-range label would otherwise pick nothing
  // from the one-hot row and silently give a loss of logsumexp(z).
  const labels = flatValues(yTrue);
  for (let i = 0; i < labels.length; i++) {
    const x = labels[i];
    if (!(Number.isInteger(x) && x >= 0 && x < k)) {
      assertIntegerIn(
        fn,
        `yTrue${position(trueShape, i)}`,
        x,
        { min: 0, max: k, maxOpen: true },
        `(a class label for yPred's ${k} classes)`,
      );
    }
  }
  checkInputs(fn, [{
    arg: "yPred",
    value: yPred,
    domain: fromLogits ? undefined : PROBABILITIES,
  }]);
  return tf.tidy(() => {
    const labelsFloat = toTensor(yTrue, fn, "yTrue");
    const labelIds = tf.cast(labelsFloat.reshape(labelShape), "int32");
    const p = toTensor(yPred, fn, "yPred");
    const z = fromLogits ? p : tf.log(tf.clipByValue(p, EPSILON, 1 - EPSILON));
    const picked = tf.sum(tf.mul(tf.oneHot(labelIds, k), z), -1);
    return tf.sub(tf.logSumExp(z, -1), picked);
  });
}

/**
 * Categorical focal cross-entropy per sample, as Keras computes it: `p` (softmax of logits when
 * `fromLogits`) is renormalised and clipped to `[ε, 1 − ε]`, then
 * `Σₖ α·(1 − pₖ)^γ · (−yₖ·log pₖ)`. Defaults `α = 0.25`, `γ = 2`; `α` may be one value per class.
 *
 * @example
 * ```ts
 * import { categoricalFocalCrossentropy } from "./probabilistic.ts";
 * // Keras docs: [[0, 1, 0], [0, 0, 1]] vs [[0.05, 0.95, 0], [0.1, 0.8, 0.1]] -> [3.21e-5, 0.4663]
 * const loss = categoricalFocalCrossentropy(
 *   [[0, 1, 0], [0, 0, 1]],
 *   [[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
 * );
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 3.2058e-5) > 1e-6 || Math.abs(b - 0.46627) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function categoricalFocalCrossentropy(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: CategoricalFocalOptions = {},
): Tensor {
  const fn = "categoricalFocalCrossentropy";
  assertKnownOptions(fn, options, ["fromLogits", "labelSmoothing", "gamma", "alpha"]);
  const { fromLogits, labelSmoothing } = crossentropyOptions(fn, options);
  const { gamma = 2, alpha = 0.25 } = options;
  assertNumberIn(fn, "options.gamma", gamma, { min: 0, max: Infinity });
  const shape = checkLossPair(fn, yTrue, yPred);
  const k = shape[shape.length - 1];
  const alphas = checkAlpha(fn, alpha, k);
  checkProbabilities(fn, yTrue, yPred, fromLogits, true);
  return tf.tidy(() => {
    const [t0, p0] = lossTensors(fn, yTrue, yPred, shape);
    const t = smoothCategorical(t0, labelSmoothing);
    const p = normalizeAndClip(fromLogits ? tf.softmax(p0) : p0);
    const cce = tf.neg(tf.mul(t, tf.log(p)));
    const alphaT = alphas.length === 1 ? tf.scalar(alphas[0]) : tf.tensor1d(alphas);
    const weight = tf.mul(tf.pow(tf.sub(1, p), gamma), alphaT);
    return tf.sum(tf.mul(weight, cce), -1);
  });
}

/** `alpha` as one number or one per class, each finite and >= 0. */
function checkAlpha(fn: string, alpha: unknown, k: number): number[] {
  const arg = "options.alpha";
  if (typeof alpha === "number") {
    assertNumberIn(fn, arg, alpha, { min: 0, max: Infinity });
    return [alpha];
  }
  if (!Array.isArray(alpha)) {
    throw new TypeError(
      `${fn}: ${arg} is ${describeValue(alpha)}, expected a number >= 0 or ${k} of them`,
    );
  }
  if (alpha.length !== k) {
    throw new RangeError(
      `${fn}: ${arg} has ${alpha.length} values, expected one number or ${k} (one per class)`,
    );
  }
  alpha.forEach((a, i) => assertNumberIn(fn, `${arg}[${i}]`, a, { min: 0, max: Infinity }));
  return alpha.slice();
}

/**
 * Kullback–Leibler divergence per sample: `Σ y·log(y / p)` over the last axis, with both `y` and
 * `p` clipped to `[ε, 1]` as Keras does (values outside are clipped, not rejected).
 *
 * @example
 * ```ts
 * import { klDivergence } from "./probabilistic.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [0.916, -3.08e-6]
 * const loss = klDivergence([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.916) > 1e-3 || Math.abs(b + 3.08e-6) > 1e-7) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function klDivergence(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "klDivergence";
  const shape = checkLossPair(fn, yTrue, yPred);
  // Clipping would turn ±Infinity into 1 or ε, a finite loss no later check could catch, so
  // tensors are read back for it too.
  checkInputs(fn, [
    { arg: "yTrue", value: yTrue, finite: true },
    { arg: "yPred", value: yPred, finite: true },
  ]);
  return tf.tidy(() => {
    const [t0, p0] = lossTensors(fn, yTrue, yPred, shape);
    const t = tf.clipByValue(t0, EPSILON, 1);
    const p = tf.clipByValue(p0, EPSILON, 1);
    return tf.sum(tf.mul(t, tf.log(tf.div(t, p))), -1);
  });
}

const COUNTS: Domain = { min: 0, max: Infinity, expected: "a number >= 0 (counts)" };
const RATES: Domain = {
  min: 0,
  max: Infinity,
  expected: "a number >= 0 (predicted rates; an exp or softplus output keeps them so)",
};

/**
 * Poisson loss per sample: `mean(p − y·log(p + ε), axis = −1)`, ε = 1e-7, for count targets `y`
 * and predicted rates `p > 0`.
 *
 * @example
 * ```ts
 * import { poisson } from "./probabilistic.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [0, 0]] -> [0.999..., 0]
 * const loss = poisson([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 1) > 1e-3 || Math.abs(b) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function poisson(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "poisson";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkInputs(fn, [
    { arg: "yTrue", value: yTrue, domain: COUNTS },
    { arg: "yPred", value: yPred, domain: RATES },
  ]);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    return tf.mean(tf.sub(p, tf.mul(t, tf.log(tf.add(p, EPSILON)))), -1);
  });
}
