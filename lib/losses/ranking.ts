/**
 * A pairwise ranking loss that approximates AUC: every positive of the batch is compared with
 * every negative, so a sample's contribution depends on the scores of the other class's samples
 * in the same batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertKnownOptions, assertNumberIn, assertOneOf } from "../_core/checks.ts";
import { checkLossPair, flatValues, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import {
  assertFiniteInput,
  labelBatch,
  readSampleWeight,
  relativeWeights,
  type Scalar,
} from "./_batch.ts";

/** Options for {@linkcode pairwiseAucLoss}. */
export interface PairwiseAucOptions {
  /**
   * The smooth stand-in for the step `1[sₚ ≤ sₙ]` of each positive–negative pair, as a function
   * of the score difference `d = sₚ − sₙ`: `"logistic"` (default), `log(1 + e^(−d))` (RankNet,
   * TF-Ranking's pairwise logistic loss); `"hinge"`, `max(0, margin − d)`.
   */
  surrogate?: "logistic" | "hinge";
  /** The hinge's margin, `>= 0`; default `1`. Ignored by the logistic surrogate. */
  margin?: number;
  /**
   * One weight per sample (a number, `[batch]` or `[batch, 1]`, finite, `>= 0`). A pair weighs
   * `wₚ·wₙ` and the loss is the weighted mean over pairs, which is what scikit-learn's
   * `roc_auc_score(sample_weight=…)` does to AUC: a weight of 2 counts the sample twice.
   */
  sampleWeight?: TensorInput;
}

/**
 * Pairwise AUC surrogate for the whole batch: the mean, over every (positive, negative) pair of
 * the batch, of a smooth penalty on the score difference `d = sₚ − sₙ` (see
 * {@linkcode PairwiseAucOptions}). AUC itself is the share of pairs with `d > 0`; minimising this
 * loss pushes every positive's score above every negative's.
 *
 * - `yTrue`: binary labels 0 / 1, `[batch]` or `[batch, 1]`;
 * - `yPred`: scores of the same shape: logits or any real numbers (only differences matter).
 *
 * A batch without a positive or without a negative has no pairs: the loss is 0 (with a zero
 * gradient), which rare positives make common in small batches.
 *
 * Why one number and no per-sample array: each term couples one positive with one negative, so a
 * sample's contribution is set by the other class's scores in the same batch, and pairs across
 * batches are never formed: the batch size decides how many pairs a step sees. The per-pair terms
 * are the finest view there is; `options.sampleWeight` weights pairs through their samples.
 *
 * Bad input is refused before any tensor is made: unknown option keys, a margin < 0, labels
 * other than 0 and 1, shapes that do not pair, and NaN or ±Infinity in `yPred`. A `yPred` tensor
 * is read on the host for that last check only outside a gradient tape; inside one (training), a
 * NaN reaches the loss value, where the training loop reports it.
 *
 * @example
 * ```ts
 * import { pairwiseAucLoss } from "./ranking.ts";
 * // Positives score 2 and 0, negatives 1 and 0.5: pair differences 1, 1.5, −1, −0.5.
 * // Hinge (margin 1): (0 + 0 + 2 + 1.5) / 4 = 0.875.
 * const hinge = pairwiseAucLoss([1, 0, 1, 0], [2, 1, 0, 0.5], { surrogate: "hinge" });
 * if (Math.abs(hinge.dataSync()[0] - 0.875) > 1e-6) throw new Error(`got ${hinge.dataSync()}`);
 * // Logistic: (log(1 + e^−1) + log(1 + e^−1.5) + log(1 + e) + log(1 + e^0.5)) / 4 = 0.7005.
 * const logistic = pairwiseAucLoss([1, 0, 1, 0], [2, 1, 0, 0.5]);
 * if (Math.abs(logistic.dataSync()[0] - 0.7005) > 1e-4) throw new Error("unexpected");
 * hinge.dispose();
 * logistic.dispose();
 * ```
 */
export function pairwiseAucLoss(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: PairwiseAucOptions = {},
): Scalar {
  const fn = "pairwiseAucLoss";
  assertKnownOptions(fn, options, ["surrogate", "margin", "sampleWeight"]);
  const surrogate = options.surrogate ?? "logistic";
  assertOneOf(fn, "options.surrogate", surrogate, ["logistic", "hinge"] as const);
  const margin = options.margin ?? 1;
  assertNumberIn(fn, "options.margin", margin, { min: 0, max: Infinity });
  checkLossPair(fn, yTrue, yPred);
  const batch = labelBatch(fn, "yPred", yPred);
  const labels = Array.from(flatValues(yTrue));
  labels.forEach((v, i) => {
    if (v !== 0 && v !== 1) {
      throw new RangeError(
        `${fn}: yTrue has value ${v} at flat index ${i}, expected binary labels 0 or 1`,
      );
    }
  });
  // A NaN score makes every pair it is in NaN, and so the batch loss.
  assertFiniteInput(fn, "yPred", yPred);
  const w = readSampleWeight(fn, options.sampleWeight, batch);
  // The ratio is unchanged by scaling the positives' or the negatives' weights, and scaling each
  // side to a largest weight of 1 keeps tiny weights (and their products) out of float32's
  // underflow, where they would give 0/0.
  const pos = relativeWeights(w.map((wi, i) => wi * labels[i]));
  const neg = relativeWeights(w.map((wi, i) => wi * (1 - labels[i])));
  const total = pos.reduce((s, v) => s + v, 0) * neg.reduce((s, v) => s + v, 0);
  return tf.tidy(() => {
    const s = tf.reshape(toTensor(yPred, fn, "yPred"), [batch]);
    const d = tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0)); // d[i][j] = sᵢ − sⱼ
    const penalty = surrogate === "logistic" ? tf.softplus(tf.neg(d)) : tf.relu(tf.sub(margin, d));
    const pairs = tf.outerProduct(tf.tensor1d(pos), tf.tensor1d(neg)); // wᵢ·wⱼ for i +, j −
    const sum = tf.sum(tf.mul(penalty, pairs));
    return (total === 0 ? tf.mul(sum, 0) : tf.div(sum, total)) as Scalar;
  });
}
