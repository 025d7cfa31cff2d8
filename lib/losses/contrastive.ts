/**
 * NT-Xent (SimCLR's normalised-temperature cross-entropy, an InfoNCE loss): each sample's
 * embedding must pick its positive (another view of the same item) out of every other sample of
 * the batch. The other samples are the negatives, so one sample's term depends on the whole batch
 * and the batch size is part of the objective.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type Tensor, type TensorInput, toTensor } from "../_core/tensor_input.ts";
import { assertKnownOptions, assertNumberIn, describeValue } from "../_core/checks.ts";
import {
  assertFiniteInput,
  embeddingShape,
  readIds,
  readSampleWeight,
  type Scalar,
  weightedAnchorMean,
} from "./_batch.ts";

/** Options for {@linkcode ntXentPerAnchor}. */
export interface NtXentTermOptions {
  /**
   * τ > 0; default `0.1`. Similarities are divided by τ before the softmax: a small τ puts almost
   * all of an anchor's loss on its hardest negatives.
   */
  temperature?: number;
  /**
   * Compare rows by cosine similarity (L2-normalise them first, as SimCLR); default `true`.
   * `false` uses the raw dot product.
   */
  cosine?: boolean;
}

/** Options for {@linkcode ntXent}. */
export interface NtXentOptions extends NtXentTermOptions {
  /**
   * Per-anchor weights: a number, `[batch]` or `[batch, 1]`, finite and `>= 0`. The loss becomes
   * `Σ wₐ·ℓₐ / Σ wₐ` over the anchors that have a positive. A weight scales an anchor's own term
   * only: the sample still serves as a negative for every other anchor, so a weight of 0 does not
   * take it out of the batch.
   */
  sampleWeight?: TensorInput;
}

interface Prepared {
  batch: number;
  temperature: number;
  cosine: boolean;
  positives: Float32Array;
  numPositives: number[];
  weights: number[];
}

function prepare(
  fn: string,
  yTrue: TensorInput,
  yPred: TensorInput,
  options: NtXentOptions,
): Prepared {
  const temperature = options.temperature ?? 0.1;
  assertNumberIn(fn, "options.temperature", temperature, { min: 0, max: Infinity, minOpen: true });
  const cosine = options.cosine ?? true;
  if (typeof cosine !== "boolean") {
    throw new TypeError(
      `${fn}: options.cosine is ${describeValue(cosine)}, expected true or false`,
    );
  }
  const [batch, dim] = embeddingShape(fn, yPred);
  const ids = readIds(fn, yTrue, batch);
  // One NaN embedding turns every anchor's softmax, and so the batch loss, into NaN.
  assertFiniteInput(fn, "yPred", yPred, dim);
  const weights = readSampleWeight(fn, options.sampleWeight, batch);
  const positives = new Float32Array(batch * batch);
  const numPositives = new Array<number>(batch).fill(0);
  for (let a = 0; a < batch; a++) {
    for (let k = 0; k < batch; k++) {
      if (k !== a && ids[k] === ids[a]) {
        positives[a * batch + k] = 1;
        numPositives[a]++;
      }
    }
  }
  if (numPositives.every((n) => n === 0)) {
    throw new RangeError(
      `${fn}: yTrue is ${describeValue(ids)}, expected an id that appears at least twice ` +
        `(no anchor has a positive); for two views of n items, pass ids ` +
        `[0, …, n − 1, 0, …, n − 1]`,
    );
  }
  return { batch, temperature, cosine, positives, numPositives, weights };
}

/** Each anchor's term `[batch]` (0 for anchors without a positive). Call inside `tf.tidy`. */
function terms(fn: string, yPred: TensorInput, p: Prepared): tf.Tensor {
  let z = toTensor(yPred, fn, "yPred");
  if (p.cosine) z = tf.div(z, tf.sqrt(tf.maximum(tf.sum(tf.square(z), -1, true), 1e-24)));
  const sim = tf.div(tf.matMul(z, z, false, true), p.temperature);
  const self = tf.cast(tf.eye(p.batch), "bool");
  // An anchor is never its own negative: its similarity to itself leaves the softmax.
  const others = tf.where(self, tf.fill([p.batch, p.batch], -Infinity), sim);
  const logProb = tf.sub(others, tf.logSumExp(others, -1, true));
  const pos = tf.cast(tf.tensor2d(p.positives, [p.batch, p.batch]), "bool");
  // where, not a product: 0 · (−∞) on the diagonal would be NaN.
  const picked = tf.sum(tf.where(pos, logProb, tf.zerosLike(logProb)), -1);
  const count = tf.tensor1d(p.numPositives.map((n) => Math.max(n, 1)));
  return tf.neg(tf.div(picked, count));
}

/**
 * The per-anchor terms of {@linkcode ntXent}, `[batch]`: for anchor `a` with positives `P(a)`
 * (the other rows with its id),
 * `ℓₐ = −(1/|P(a)|) Σ_{p ∈ P(a)} log( exp(sₐₚ/τ) / Σ_{k ≠ a} exp(sₐₖ/τ) )`, with `s` the cosine
 * similarity (or dot product). Anchors whose id appears once have no positive: their term is 0.
 *
 * These terms average to the batch loss, but they are **not** per-sample losses: the sum in each
 * denominator runs over every other sample of the batch, so a term changes when any other sample
 * changes, and the same sample gets a different term in a different batch. Read them as "how hard
 * was this anchor in this batch", never as a property of the sample alone.
 *
 * Bad input is refused before any tensor is made: unknown option keys, τ <= 0, non-integer ids,
 * a batch where no id appears twice, and NaN or ±Infinity in `yPred`. A `yPred` tensor is read
 * on the host for that last check only outside a gradient tape; inside one (training), a NaN
 * reaches the loss value, where the training loop reports it, and the step pays for no read.
 *
 * @example
 * ```ts
 * import { ntXentPerAnchor } from "./contrastive.ts";
 * // Two items, two views each; views of an item coincide, the items are orthogonal. τ = 1:
 * // every anchor sees its positive at similarity 1 and two negatives at 0, so
 * // ℓₐ = −log(e / (e + 2)) = log(1 + 2/e) = 0.5514.
 * const terms = ntXentPerAnchor([0, 1, 0, 1], [[1, 0], [0, 1], [1, 0], [0, 1]], { temperature: 1 });
 * const values = terms.arraySync() as number[];
 * if (values.some((v) => Math.abs(v - 0.5514) > 1e-4)) throw new Error(`got ${values}`);
 * terms.dispose();
 * ```
 */
export function ntXentPerAnchor(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: NtXentTermOptions = {},
): Tensor {
  const fn = "ntXentPerAnchor";
  assertKnownOptions(fn, options, ["temperature", "cosine"]);
  const p = prepare(fn, yTrue, yPred, { temperature: options.temperature, cosine: options.cosine });
  return tf.tidy(() => terms(fn, yPred, p));
}

/**
 * NT-Xent, SimCLR's contrastive loss (an InfoNCE loss), as one number for the batch.
 *
 * - `yTrue`: integer ids, `[batch]` or `[batch, 1]`; rows with the same id are views of the same
 *   item (positives of each other). For SimCLR's two views of `n` items, stack the views as
 *   `yPred = [z₁; z₂]` and pass ids `[0, …, n − 1, 0, …, n − 1]`. An id may appear more than
 *   twice (each anchor then averages over its positives, SupCon's "L_out"); at least one id must
 *   appear twice.
 * - `yPred`: embeddings, `[batch, dim]`.
 *
 * The value is the mean of {@linkcode ntXentPerAnchor}'s terms over the anchors that have a
 * positive (weighted by `options.sampleWeight` when given).
 *
 * Why one number and no per-sample array: every other sample of the batch is a negative in each
 * anchor's softmax, so there is no per-sample loss whose mean this is. The per-anchor terms do
 * average to it, but each depends on the whole batch; and the batch size sets how many negatives
 * there are (for embeddings that carry no information the loss is `log(batch − 1)`), so changing
 * the batch size changes the objective itself. Sample weights cannot go through the framework's
 * reduction either (Keras multiplies a returned scalar by the weights and averages, which only
 * rescales it by their mean): pass them here as per-anchor weights.
 *
 * Input checks are {@linkcode ntXentPerAnchor}'s, plus `options.sampleWeight` (finite, `>= 0`).
 *
 * @example
 * ```ts
 * import { ntXent } from "./contrastive.ts";
 * // The four anchors of ntXentPerAnchor's example all have the term log(1 + 2/e) = 0.5514.
 * const z = [[1, 0], [0, 1], [1, 0], [0, 1]];
 * const loss = ntXent([0, 1, 0, 1], z, { temperature: 1 });
 * if (Math.abs(loss.dataSync()[0] - 0.5514) > 1e-4) throw new Error(`got ${loss.dataSync()}`);
 * // Collapsed embeddings: each anchor's softmax is uniform over the 3 others, log 3 = 1.0986.
 * const collapsed = ntXent([0, 1, 0, 1], [[1, 1], [1, 1], [1, 1], [1, 1]], { temperature: 1 });
 * if (Math.abs(collapsed.dataSync()[0] - Math.log(3)) > 1e-5) throw new Error("expected log 3");
 * loss.dispose();
 * collapsed.dispose();
 * ```
 */
export function ntXent(
  yTrue: TensorInput,
  yPred: TensorInput,
  options: NtXentOptions = {},
): Scalar {
  const fn = "ntXent";
  assertKnownOptions(fn, options, ["temperature", "cosine", "sampleWeight"]);
  const p = prepare(fn, yTrue, yPred, options);
  return tf.tidy(() =>
    weightedAnchorMean(terms(fn, yPred, p), p.weights, (a) => p.numPositives[a] > 0) as Scalar
  );
}
