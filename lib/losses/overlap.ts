/**
 * Soft Dice and soft F1 losses: one minus an overlap score computed from soft counts summed over
 * the whole batch. A ratio of batch sums is not a sum of per-sample terms, so these losses exist
 * only as one number per batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { EPSILON } from "./epsilon.ts";
import { assertKnownOptions, assertNumberIn, assertOneOf, describeValue } from "../_core/checks.ts";
import {
  assertTensorIn,
  checkLossPair,
  lossTensors,
  type TensorInput,
} from "../_core/tensor_input.ts";
import { assertFiniteInput, readSampleWeight, relativeWeights, type Scalar } from "./_batch.ts";

/** Options for {@linkcode softDice} and {@linkcode softF1}. */
export interface SoftOverlapOptions {
  /**
   * `s >= 0`, added to the numerator and the denominator; default `1e-6`. It keeps the score
   * defined for a batch without positives (a class that is absent and not predicted scores 1).
   * Keep it small next to a class's count per batch: the `1` of segmentation code, where a batch
   * holds thousands of pixels, outweighs a rare class that has a few samples per batch and biases
   * training against it. `0` gives Keras 3's `keras.losses.Dice` (its denominator gets
   * ε = 1e-7 instead).
   */
  smooth?: number;
  /**
   * `yPred` holds logits: sigmoid for one column (`[batch]`, `[batch, 1]`), softmax over the last
   * axis otherwise; default `false` (probabilities).
   */
  fromLogits?: boolean;
  /**
   * `"micro"`: one score from counts pooled over every class; `"macro"`: one score per class
   * (the last axis), then their mean, as scikit-learn's `f1_score(average="macro")`. Defaults:
   * `"micro"` for {@linkcode softDice}, `"macro"` for {@linkcode softF1}. Identical for one column.
   */
  average?: "micro" | "macro";
  /**
   * One weight per sample (a number, `[batch]` or `[batch, 1]`, finite, `>= 0`) that multiplies
   * the sample's soft counts, as scikit-learn's `sample_weight` weights the confusion matrix of
   * `f1_score`: a weight of 2 counts the sample twice, 0 removes it. (Not a weighted mean of
   * anything: there are no per-sample losses to weight.)
   */
  sampleWeight?: TensorInput;
}

function overlap(
  fn: string,
  yTrue: TensorInput,
  yPred: TensorInput,
  options: SoftOverlapOptions,
  defaultAverage: "micro" | "macro",
): Scalar {
  assertKnownOptions(fn, options, ["smooth", "fromLogits", "average", "sampleWeight"]);
  const smooth = options.smooth ?? 1e-6;
  assertNumberIn(fn, "options.smooth", smooth, { min: 0, max: Infinity });
  const average = options.average ?? defaultAverage;
  assertOneOf(fn, "options.average", average, ["micro", "macro"] as const);
  const fromLogits = options.fromLogits ?? false;
  if (typeof fromLogits !== "boolean") {
    throw new TypeError(
      `${fn}: options.fromLogits is ${describeValue(fromLogits)}, expected true or false`,
    );
  }
  const shape = checkLossPair(fn, yTrue, yPred);
  // The range checks below cannot see a NaN (min and max skip it); logits have no range at all.
  const columns = shape.length > 1 ? shape[shape.length - 1] : undefined;
  assertFiniteInput(fn, "yTrue", yTrue, columns);
  assertFiniteInput(fn, "yPred", yPred, columns);
  const given = readSampleWeight(fn, options.sampleWeight, shape[0]);
  // Without smoothing the score is a ratio of weighted sums, unchanged by scaling every weight;
  // scaling them to a largest weight of 1 keeps tiny or huge weights clear of float32's range.
  const weights = smooth === 0 ? relativeWeights(given) : given;
  const oneColumn = shape.length === 1 || shape[shape.length - 1] === 1;
  return tf.tidy(() => {
    const [t, p0] = lossTensors(fn, yTrue, yPred, shape);
    assertTensorIn(fn, "yTrue", t, 0, 1, " (labels or label probabilities)");
    if (!fromLogits) {
      assertTensorIn(
        fn,
        "yPred",
        p0,
        0,
        1,
        " (probabilities; pass { fromLogits: true } for logits)",
      );
    }
    const p = !fromLogits ? p0 : oneColumn ? tf.sigmoid(p0) : tf.softmax(p0);
    // Classes on a last axis of their own: [batch] becomes [batch, 1].
    const k = oneColumn ? 1 : shape[shape.length - 1];
    const w = tf.tensor1d(weights).reshape([shape[0], ...new Array(shape.length - 1).fill(1)]);
    const rows = (x: tf.Tensor) => tf.reshape(tf.mul(x, w), [-1, k]);
    const tp = tf.sum(rows(tf.mul(t, p)), 0); // soft true positives per class
    const sizes = tf.add(tf.sum(rows(t), 0), tf.sum(rows(p), 0)); // Σy + Σp = 2TP + FP + FN
    // Keras's Dice adds ε to the denominator only; a positive smooth goes on both sides.
    const bottom = smooth > 0 ? smooth : EPSILON;
    if (average === "micro") {
      return tf.sub(
        1,
        tf.div(tf.add(tf.mul(2, tf.sum(tp)), smooth), tf.add(tf.sum(sizes), bottom)),
      );
    }
    return tf.sub(1, tf.mean(tf.div(tf.add(tf.mul(2, tp), smooth), tf.add(sizes, bottom))));
  }) as Scalar;
}

/**
 * Soft Dice loss for the whole batch: `1 − (2·Σ y·p + s) / (Σ y + Σ p + s)`, the sums running
 * over every sample and class (`average: "micro"`, the default, as Keras's `Dice` with
 * `axis=None`), or one score per class averaged over classes (`average: "macro"`). Binary
 * predictions are `[batch]` or `[batch, …, 1]`; multi-class ones `[batch, …, k]` with one-hot
 * `yTrue` (the last axis holds the classes: give a binary mask an axis of 1).
 *
 * For multi-class probabilities that sum to 1 with one-hot labels, the micro score's denominator
 * is always `2·batch + s`, so micro Dice is an affine function of the mean true-class probability
 * and does not couple samples; use `average: "macro"` (or {@linkcode softF1}) for classes.
 *
 * Why one number and no per-sample array: the score is a ratio of sums over the batch, and a
 * ratio of sums is not a sum of per-sample terms. A sample's effect on the loss depends on
 * every other sample's counts (the same sample moves the loss differently in a different batch),
 * and the mean of per-batch losses is not the loss of the whole set, so the batch size is part of
 * the objective. Weights go through `options.sampleWeight`, which weights each sample's counts;
 * Keras's `sample_weight` on a returned scalar only rescales it by the mean weight.
 *
 * Bad input is refused before any tensor is made: unknown option keys, `smooth < 0`, shapes that
 * do not pair, labels or probabilities outside `[0, 1]`, and NaN or ±Infinity in `yTrue` or
 * `yPred` (logits included). A tensor is read on the host for the NaN check only outside a
 * gradient tape; inside one (training), a NaN reaches the loss value, where the training loop
 * reports it.
 *
 * @example
 * ```ts
 * import { softDice } from "./overlap.ts";
 * // Keras 3's `dice` docstring: y_true 1, 1, 0, 0 | 1, 1, 0, 0 and y_pred 0, 1, 0, 1 | 0.4, 0, 0, 0.9:
 * // Σ y·p = 1.4, Σ y = 4, Σ p = 3.3 → 1 − 2.8 / 7.3 = 0.6164 (smooth 0, as Keras).
 * const keras = softDice([[1, 1, 0, 0], [1, 1, 0, 0]], [[0, 1, 0, 1], [0.4, 0, 0, 0.9]], {
 *   smooth: 0,
 * });
 * if (Math.abs(keras.dataSync()[0] - 0.6164384) > 1e-5) throw new Error(`got ${keras.dataSync()}`);
 * // With smooth 1, as much segmentation code: 1 − (2.8 + 1) / (7.3 + 1) = 0.5422.
 * const smoothed = softDice([[1, 1, 0, 0], [1, 1, 0, 0]], [[0, 1, 0, 1], [0.4, 0, 0, 0.9]], {
 *   smooth: 1,
 * });
 * if (Math.abs(smoothed.dataSync()[0] - 0.5422) > 1e-4) throw new Error(`got ${smoothed.dataSync()}`);
 * keras.dispose();
 * smoothed.dispose();
 * ```
 */
export function softDice(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: SoftOverlapOptions = {},
): Scalar {
  return overlap("softDice", yTrue, yPred, options, "micro");
}

/**
 * Soft F1 loss for the whole batch: `1 − F1` with F1 computed from soft counts,
 * `TP = Σ y·p`, `FP = Σ (1 − y)·p`, `FN = Σ y·(1 − p)`, `F1 = (2TP + s) / (2TP + FP + FN + s)`,
 * one score per class (the last axis) averaged over classes by default (`average: "macro"`, the
 * F1 scikit-learn's `f1_score(average="macro")` reports on hard predictions); for one column
 * (`[batch]` or `[batch, 1]`), the positive class's F1.
 *
 * Since `2TP + FP + FN = Σ y + Σ p`, soft F1 is soft Dice: the two names differ only in their
 * default averaging (`softF1(y, p, { average: "micro" })` equals `softDice(y, p)`).
 *
 * Why one number and no per-sample array: as for {@linkcode softDice}, a ratio of batch sums
 * (here one per class) has no per-sample decomposition, and the batch size changes the value.
 * `options.sampleWeight` weights each sample's counts (scikit-learn's meaning of
 * `sample_weight` for F1).
 * Input checks are {@linkcode softDice}'s.
 *
 * @example
 * ```ts
 * import { softF1 } from "./overlap.ts";
 * // Two classes, one-hot labels; smooth 0. Class 0: TP 0.8, Σy 1, Σp 0.8 + 0.4 → F1 1.6 / 2.2.
 * // Class 1: TP 0.6, Σy 1, Σp 0.2 + 0.6 → F1 1.2 / 1.8. Loss 1 − (0.7273 + 0.6667) / 2 = 0.3030.
 * const loss = softF1([[1, 0], [0, 1]], [[0.8, 0.2], [0.4, 0.6]], { smooth: 0 });
 * if (Math.abs(loss.dataSync()[0] - 0.3030) > 1e-4) throw new Error(`got ${loss.dataSync()}`);
 * loss.dispose();
 * ```
 */
export function softF1(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: SoftOverlapOptions = {},
): Scalar {
  return overlap("softF1", yTrue, yPred, options, "macro");
}
