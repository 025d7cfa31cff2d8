/**
 * Keras's regression losses, per sample: each reduces the last axis only, so `[batch, d]` inputs
 * give `[batch]` losses and `[batch, time, d]` inputs give `[batch, time]`. Pass the result to
 * {@linkcode reduceLoss} (or let a `makeLoss` wrapper do it) to get the training loss.
 *
 * As in Keras, a 1-D input is one sample with `d` values and gives a scalar; use `[batch, 1]` for
 * one output per sample. A `[batch]` `yTrue` is accepted with a `[batch, 1]` `yPred`.
 *
 * Checks come before any tensor is made: shapes (mismatched, empty or scalar inputs are a
 * RangeError naming the argument), options, and for plain arrays every value (NaN and ±Infinity
 * are refused with their positions). Tensors are not read back: these losses run inside training's
 * gradient tape on every step, and a non-finite value there propagates to that sample's loss,
 * which `train` reports by sample.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { EPSILON } from "./epsilon.ts";
import { checkInputs } from "./_pointwise.ts";
import { assertKnownOptions, assertNumberIn } from "../_core/checks.ts";
import {
  checkLossPair,
  lossTensors,
  type Tensor,
  type TensorInput,
} from "../_core/tensor_input.ts";

/** Options for {@linkcode huber}. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear; default `1`. Must be finite and > 0. */
  delta?: number;
}

/** Plain arrays must be finite; tensors are not read (see the module doc). */
function checkFinite(fn: string, yTrue: TensorInput, yPred: TensorInput): void {
  checkInputs(fn, [{ arg: "yTrue", value: yTrue }, { arg: "yPred", value: yPred }]);
}

/**
 * Mean squared error per sample: `mean((yTrue − yPred)², axis = −1)`.
 *
 * Unlike tfjs's `tf.losses.meanSquaredError`, which reduces everything (or, with
 * `Reduction.NONE`, returns per-element squares), this keeps one value per sample, as Keras does.
 *
 * @example
 * ```ts
 * import { meanSquaredError } from "./regression.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] -> [0.5, 0.5]
 * const loss = meanSquaredError([[0, 1], [0, 0]], [[1, 1], [1, 0]]);
 * if (loss.arraySync().toString() !== "0.5,0.5") throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function meanSquaredError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "meanSquaredError";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    return tf.mean(tf.squaredDifference(t, p), -1);
  });
}

/**
 * Mean absolute error per sample: `mean(|yTrue − yPred|, axis = −1)`.
 *
 * @example
 * ```ts
 * import { meanAbsoluteError } from "./regression.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] -> [0.5, 0.5]
 * const loss = meanAbsoluteError([[0, 1], [0, 0]], [[1, 1], [1, 0]]);
 * if (loss.arraySync().toString() !== "0.5,0.5") throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function meanAbsoluteError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "meanAbsoluteError";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    return tf.mean(tf.abs(tf.sub(t, p)), -1);
  });
}

/**
 * Mean absolute percentage error per sample:
 * `100 · mean(|yTrue − yPred| / max(|yTrue|, ε), axis = −1)`, ε = 1e-7 (Keras's guard against
 * division by zero: a zero target makes the loss huge, not infinite).
 *
 * @example
 * ```ts
 * import { meanAbsolutePercentageError } from "./regression.ts";
 * // Keras docs: y_true [[2, 1], [2, 3]], y_pred [[1, 1], [1, 0]] -> [25, 75]
 * const loss = meanAbsolutePercentageError([[2, 1], [2, 3]], [[1, 1], [1, 0]]);
 * if (loss.arraySync().toString() !== "25,75") throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function meanAbsolutePercentageError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "meanAbsolutePercentageError";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const diff = tf.abs(tf.div(tf.sub(t, p), tf.maximum(tf.abs(t), EPSILON)));
    return tf.mul(tf.mean(diff, -1), 100);
  });
}

/**
 * Mean squared logarithmic error per sample:
 * `mean((log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))², axis = −1)`; values ≤ 0 are replaced
 * by ε = 1e-7, as in Keras.
 *
 * @example
 * ```ts
 * import { meanSquaredLogarithmicError } from "./regression.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] -> [0.240, 0.240] (= ln(2)² / 2)
 * const loss = meanSquaredLogarithmicError([[0, 1], [0, 0]], [[1, 1], [1, 0]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.2402) > 1e-3 || Math.abs(b - 0.2402) > 1e-3) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function meanSquaredLogarithmicError(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "meanSquaredLogarithmicError";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const logP = tf.log1p(tf.maximum(p, EPSILON));
    const logT = tf.log1p(tf.maximum(t, EPSILON));
    return tf.mean(tf.squaredDifference(logP, logT), -1);
  });
}

/**
 * Huber loss per sample: with `e = yPred − yTrue`,
 * `mean(|e| ≤ δ ? ½e² : δ·|e| − ½δ², axis = −1)`. Default `δ = 1`.
 *
 * Keras's `huber` docstring prints `0.155` for its example; that is the batch mean of the
 * per-sample values `[0.18, 0.13]` the function returns.
 *
 * @example
 * ```ts
 * import { huber } from "./regression.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] -> [0.18, 0.13]
 * const loss = huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], { delta: 1 });
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - 0.18) > 1e-6 || Math.abs(b - 0.13) > 1e-6) throw new Error("unexpected");
 * loss.dispose();
 * ```
 */
export function huber(yTrue: TensorInput, yPred: TensorInput, options: HuberOptions = {}): Tensor {
  const fn = "huber";
  assertKnownOptions(fn, options, ["delta"]);
  const { delta = 1 } = options;
  assertNumberIn(fn, "options.delta", delta, { min: 0, max: Infinity, minOpen: true });
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const absError = tf.abs(tf.sub(p, t));
    const quadratic = tf.mul(tf.square(absError), 0.5);
    const linear = tf.sub(tf.mul(absError, delta), 0.5 * delta * delta);
    return tf.mean(tf.where(tf.lessEqual(absError, delta), quadratic, linear), -1);
  });
}

/**
 * Log-cosh loss per sample: `mean(log(cosh(yPred − yTrue)), axis = −1)`, computed stably as
 * `x + softplus(−2x) − log 2` (so errors of ±100 stay finite).
 *
 * Keras's `log_cosh` docstring prints `0.108` for its example; that is the batch mean of the
 * per-sample values `[0.217, 0]` the function returns.
 *
 * @example
 * ```ts
 * import { logCosh } from "./regression.ts";
 * // Keras docs: y_true [[0, 1], [0, 0]], y_pred [[1, 1], [0, 0]] -> [log(cosh(1)) / 2, 0]
 * const loss = logCosh([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
 * const [a, b] = loss.arraySync() as number[];
 * if (Math.abs(a - Math.log(Math.cosh(1)) / 2) > 1e-6 || Math.abs(b) > 1e-6) {
 *   throw new Error("unexpected");
 * }
 * loss.dispose();
 * ```
 */
export function logCosh(yTrue: TensorInput, yPred: TensorInput): Tensor {
  const fn = "logCosh";
  const shape = checkLossPair(fn, yTrue, yPred);
  checkFinite(fn, yTrue, yPred);
  return tf.tidy(() => {
    const [t, p] = lossTensors(fn, yTrue, yPred, shape);
    const x = tf.sub(p, t);
    const value = tf.sub(tf.add(x, tf.softplus(tf.mul(x, -2))), Math.LN2);
    return tf.mean(value, -1);
  });
}
