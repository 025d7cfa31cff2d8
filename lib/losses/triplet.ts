/**
 * Batch-hard triplet loss (Hermans, Beyer & Leibe 2017): each anchor is paired with the farthest
 * sample of its own class and the nearest sample of another class **in the same batch**, so which
 * triplet an anchor gets, and its term, depend on the rest of the batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type Tensor, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import { assertKnownOptions, assertNumberIn, describeValue } from "../_core/checks.ts";
import {
  assertFiniteInput,
  embeddingShape,
  pairwiseDistances,
  readIds,
  readSampleWeight,
  type Scalar,
  weightedAnchorMean,
} from "./_batch.ts";

/** Options for {@linkcode batchHardTripletPerAnchor}. */
export interface TripletTermOptions {
  /** The margin `m >= 0` of the hinge `max(0, m + d(a, p) − d(a, n))`; default `1`. */
  margin?: number;
  /**
   * Soft margin: `log(1 + exp(d(a, p) − d(a, n)))` instead of the hinge (the paper's "soft
   * margin"; `margin` is then unused); default `false`.
   */
  soft?: boolean;
  /** Use squared Euclidean distances; default `false` (Euclidean, as the paper and TF Addons). */
  squared?: boolean;
}

/** Options for {@linkcode batchHardTriplet}. */
export interface TripletOptions extends TripletTermOptions {
  /**
   * Per-anchor weights: a number, `[batch]` or `[batch, 1]`, finite and `>= 0`. The loss becomes
   * `Σ wₐ·ℓₐ / Σ wₐ` over the anchors that have a positive and a negative. A weight scales the
   * anchor's own term only; the sample can still be the hardest positive or negative of other
   * anchors, so a weight of 0 does not take it out of the batch.
   */
  sampleWeight?: TensorInput;
}

interface Prepared {
  batch: number;
  margin: number;
  soft: boolean;
  squared: boolean;
  positives: Uint8Array;
  negatives: Uint8Array;
  valid: boolean[];
  weights: number[];
}

function prepare(
  fn: string,
  yTrue: TensorInput,
  yPred: TensorInput,
  options: TripletOptions,
): Prepared {
  const margin = options.margin ?? 1;
  assertNumberIn(fn, "options.margin", margin, { min: 0, max: Infinity });
  const soft = options.soft ?? false;
  const squared = options.squared ?? false;
  for (const [name, value] of [["soft", soft], ["squared", squared]] as const) {
    if (typeof value !== "boolean") {
      throw new TypeError(
        `${fn}: options.${name} is ${describeValue(value)}, expected true or false`,
      );
    }
  }
  const [batch, dim] = embeddingShape(fn, yPred);
  const labels = readIds(fn, yTrue, batch);
  // A NaN embedding makes every distance to it NaN, and max/min then pick NaN or skip it.
  assertFiniteInput(fn, "yPred", yPred, dim);
  const weights = readSampleWeight(fn, options.sampleWeight, batch);
  const positives = new Uint8Array(batch * batch), negatives = new Uint8Array(batch * batch);
  const valid = new Array<boolean>(batch).fill(false);
  for (let a = 0; a < batch; a++) {
    let hasPos = false, hasNeg = false;
    for (let k = 0; k < batch; k++) {
      if (k === a) continue;
      if (labels[k] === labels[a]) {
        positives[a * batch + k] = 1;
        hasPos = true;
      } else {
        negatives[a * batch + k] = 1;
        hasNeg = true;
      }
    }
    valid[a] = hasPos && hasNeg;
  }
  if (!valid.some((v) => v)) {
    throw new RangeError(
      `${fn}: yTrue is ${describeValue(labels)}, expected a label shared by at least 2 samples ` +
        `and at least 2 classes, so that some anchor has a positive (another sample of its ` +
        `class) and a negative (a sample of another class); sample batches of P classes × K ` +
        `samples`,
    );
  }
  return { batch, margin, soft, squared, positives, negatives, valid, weights };
}

/** Each anchor's term `[batch]` (0 for anchors without a positive or a negative). In a tidy. */
function terms(fn: string, yPred: TensorInput, p: Prepared): tf.Tensor {
  const d = pairwiseDistances(toTensor(yPred, fn, "yPred"), p.squared);
  const mask = (m: Uint8Array) => tf.cast(tf.tensor2d(m, [p.batch, p.batch], "int32"), "bool");
  // Distances are >= 0, so 0 never beats a real positive; no real distance reaches 1e30.
  const hardestPositive = tf.max(tf.where(mask(p.positives), d, tf.zerosLike(d)), -1);
  const hardestNegative = tf.min(tf.where(mask(p.negatives), d, tf.fill(d.shape, 1e30)), -1);
  const gap = tf.sub(hardestPositive, hardestNegative);
  const term = p.soft ? tf.softplus(gap) : tf.relu(tf.add(gap, p.margin));
  return tf.where(tf.tensor1d(p.valid.map(Number), "bool"), term, tf.zerosLike(term));
}

/**
 * The per-anchor terms of {@linkcode batchHardTriplet}, `[batch]`: for anchor `a`,
 * `max(0, m + max_{p: same class} d(a, p) − min_{n: other class} d(a, n))`, both taken over the
 * batch. Anchors without another sample of their class, or without a sample of another class,
 * get 0.
 *
 * These terms average to the batch loss but are **not** per-sample losses: which positive is
 * hardest and which negative is nearest is decided by the rest of the batch, so an anchor's term
 * changes when other samples change, and the same sample gets a different term in another batch.
 *
 * Bad input is refused before any tensor is made: unknown option keys, a margin < 0, non-integer
 * labels, a batch where no anchor has both a positive and a negative, and NaN or ±Infinity in
 * `yPred`. A `yPred` tensor is read on the host for that last check only outside a gradient tape;
 * inside one (training), a NaN reaches the loss value, where the training loop reports it.
 *
 * @example
 * ```ts
 * import { batchHardTripletPerAnchor } from "./triplet.ts";
 * // 1-D embeddings 0, 2 (class 0) and 3, 5 (class 1), margin 1. Anchor 2: hardest positive
 * // d(2, 0) = 2, nearest negative d(2, 3) = 1 → max(0, 1 + 2 − 1) = 2; likewise anchor 3.
 * // Anchors 0 and 5: 1 + 2 − 3 = 0.
 * const terms = batchHardTripletPerAnchor([0, 0, 1, 1], [[0], [2], [3], [5]]);
 * if ((terms.arraySync() as number[]).some((v, i) => Math.abs(v - [0, 2, 2, 0][i]) > 1e-5)) {
 *   throw new Error(`got ${terms.arraySync()}`);
 * }
 * terms.dispose();
 * ```
 */
export function batchHardTripletPerAnchor(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: TripletTermOptions = {},
): Tensor {
  const fn = "batchHardTripletPerAnchor";
  assertKnownOptions(fn, options, ["margin", "soft", "squared"]);
  const { margin, soft, squared } = options;
  const p = prepare(fn, yTrue, yPred, { margin, soft, squared });
  return tf.tidy(() => terms(fn, yPred, p));
}

/**
 * Batch-hard triplet loss as one number for the batch: the mean of
 * {@linkcode batchHardTripletPerAnchor}'s terms over the anchors that have both a positive and a
 * negative in the batch (weighted by `options.sampleWeight` when given).
 *
 * - `yTrue`: integer class labels, `[batch]` or `[batch, 1]`;
 * - `yPred`: embeddings, `[batch, dim]`.
 *
 * Throws when no anchor has both (a batch of one class, or of all-distinct labels): sample
 * batches of P classes × K samples, as the paper does.
 * The other input checks are {@linkcode batchHardTripletPerAnchor}'s, plus
 * `options.sampleWeight` (finite, `>= 0`).
 *
 * Why one number and no per-sample array: each anchor's term is built from the hardest positive
 * and negative that the batch happens to contain, so it is a property of the batch, not of the
 * sample; a larger batch holds harder negatives, so the batch size changes the objective. Weights
 * go through `options.sampleWeight` as per-anchor weights; Keras's `sample_weight` on a returned
 * scalar only rescales it by the mean weight.
 *
 * @example
 * ```ts
 * import { batchHardTriplet } from "./triplet.ts";
 * // The per-anchor terms 0, 2, 2, 0 of batchHardTripletPerAnchor's example: mean 1.
 * const loss = batchHardTriplet([0, 0, 1, 1], [[0], [2], [3], [5]]);
 * if (Math.abs(loss.dataSync()[0] - 1) > 1e-5) throw new Error(`got ${loss.dataSync()}`);
 * // Per-anchor weights 3, 1, 0, 0 keep the terms of anchors 0 and 1: (3·0 + 1·2) / 4 = 0.5.
 * const weighted = batchHardTriplet([0, 0, 1, 1], [[0], [2], [3], [5]], {
 *   sampleWeight: [3, 1, 0, 0],
 * });
 * if (Math.abs(weighted.dataSync()[0] - 0.5) > 1e-5) throw new Error(`got ${weighted.dataSync()}`);
 * loss.dispose();
 * weighted.dispose();
 * ```
 */
export function batchHardTriplet(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: TripletOptions = {},
): Scalar {
  const fn = "batchHardTriplet";
  assertKnownOptions(fn, options, ["margin", "soft", "squared", "sampleWeight"]);
  const p = prepare(fn, yTrue, yPred, options);
  return tf.tidy(() =>
    weightedAnchorMean(terms(fn, yPred, p), p.weights, (a) => p.valid[a]) as Scalar
  );
}
