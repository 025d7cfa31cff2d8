/**
 * Keras's margin and angle losses, per sample: `hinge`, `squaredHinge`, `categoricalHinge` and
 * `cosineSimilarity`. Each reduces one axis (the last, unless `cosineSimilarity`'s `axis` says
 * otherwise).
 *
 * Checks come before any tensor is made: shapes, options, and for plain arrays every value (NaN
 * and ±Infinity are refused with their positions). Tensors are not read back for that: a
 * non-finite value inside a training step propagates to that sample's loss, which `train` reports
 * by sample. (`hinge` and `squaredHinge` do read one flag back, as Keras does, to decide whether
 * 0/1 labels become −1/+1.)
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { checkInputs } from "./_pointwise.ts";
import { assertIntegerIn, assertKnownOptions } from "../_core/checks.ts";
import {
  checkLossPair,
  formatShape,
  lossTensors,
  type Tensor,
  type TensorInput,
} from "../_core/tensor_input.ts";

/** Options for {@linkcode cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /** The axis along which vectors are compared; default `-1` (the last). */
  axis?: number;
}

/** Plain arrays must be finite; tensors are not read for that (see the module doc). */
function checkFinite(fn: string, yTrue: TensorInput, yPred: TensorInput): void {
  checkInputs(fn, [{ arg: "yTrue", value: yTrue }, { arg: "yPred", value: yPred }]);
}

/** Keras's `convert_binary_labels_to_hinge`: if every label is 0 or 1, map to −1 / +1. */
function hingeLabels(t: tf.Tensor): tf.Tensor {
  const binary = tf.tidy(() => tf.all(tf.logicalOr(tf.equal(t, 0), tf.equal(t, 1))));
  const isBinary = binary.dataSync()[0] === 1;
  binary.dispose();
  return isBinary ? tf.sub(tf.mul(t, 2), 1) : t;
}

/**
 * Hinge loss per sample: `mean(max(1 − y·ŷ, 0), axis = −1)`. Labels should be −1 or +1; as in
 * Keras, if every label is 0 or 1 they are converted to −1 / +1 first.
 *
 * @example
 * ```ts
 * import { hinge } from "./margin.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [1.1, 1.5]
 * const loss = hinge([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 1.1) > 1e-6 || Math.abs(b - 1.5) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function hinge(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "hinge";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    return tf.mean(tf.relu(tf.sub(1, tf.mul(hingeLabels(t), p))), -1);
  });
}

/**
 * Squared hinge loss per sample: `mean(max(1 − y·ŷ, 0)², axis = −1)`, with the same 0/1 → −1/+1
 * label conversion as {@linkcode hinge}.
 *
 * @example
 * ```ts
 * import { squaredHinge } from "./margin.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [1.46, 2.26]
 * const loss = squaredHinge([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 1.46) > 1e-6 || Math.abs(b - 2.26) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function squaredHinge(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "squaredHinge";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    return tf.mean(tf.square(tf.relu(tf.sub(1, tf.mul(hingeLabels(t), p)))), -1);
  });
}

/**
 * Categorical hinge loss per sample, for one-hot `yTrue`:
 * `max(neg − pos + 1, 0)` with `pos = Σ y·ŷ` and `neg = max((1 − y)·ŷ)` over the last axis.
 *
 * @example
 * ```ts
 * import { categoricalHinge } from "./margin.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [1.2, 1.6]
 * const loss = categoricalHinge([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 1.2) > 1e-6 || Math.abs(b - 1.6) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function categoricalHinge(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "categoricalHinge";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const pos = tf.sum(tf.mul(t, p), -1);
    const neg = tf.max(tf.mul(tf.sub(1, t), p), -1);
    return tf.relu(tf.add(tf.sub(neg, pos), 1));
  });
}

/**
 * Cosine similarity loss per sample: `−Σ (y/‖y‖)·(ŷ/‖ŷ‖)` along `axis` (default −1), in
 * `[−1, 1]`; −1 means the vectors point the same way. A zero vector gives 0 (norms are floored at
 * `√1e-12`, as `tf.math.l2_normalize` does).
 *
 * @example
 * ```ts
 * import { cosineSimilarity } from "./margin.ts";
 * // Keras docs: [[0, 1], [1, 1], [1, 1]] vs [[1, 0], [1, 1], [-1, -1]] -> [-0, -0.99999994, 0.99999994]
 * const loss = cosineSimilarity([[0, 1], [1, 1], [1, 1]], [[1, 0], [1, 1], [-1, -1]]);
 * const [a, b, c] = loss.arraySync() as number[];
 * if (Math.abs(a) > 1e-6 || Math.abs(b + 1) > 1e-6 || Math.abs(c - 1) > 1e-6) {
 *   throw new Error("unexpected");
 * }
 * loss.dispose();
 * ```
 */
export function cosineSimilarity(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: CosineSimilarityOptions = {},
): Tensor {
  const fn = "cosineSimilarity";
  assertKnownOptions(fn, options, ["axis"]);
  const { axis = -1 } = options;
  const shape = checkLossPair(fn, yTrue, yPred);
  assertIntegerIn(
    fn,
    "options.axis",
    axis,
    { min: -shape.length, max: shape.length, maxOpen: true },
    `(an axis of inputs of shape ${formatShape(shape)})`,
  );
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const normalize = (x: tf.Tensor) =>
      tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12)));
    return tf.neg(tf.sum(tf.mul(normalize(t), normalize(p)), axis));
  });
}
