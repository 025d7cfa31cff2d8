/**
 * Input checks shared by the losses that couple the samples of a batch (contrastive, overlap,
 * ranking, triplet): identity labels, embeddings, and per-sample weights read on the host, so
 * every check runs before a tensor is made.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertAllFinite } from "../_core/checks.ts";
import {
  assertFinite,
  assertNonEmptyBatch,
  flatValues,
  formatShape,
  shapeOf,
  type TensorInput,
} from "../_core/tensor_input.ts";

/**
 * A rank-0 tfjs tensor (`tf.Scalar`): what a batch loss returns. Re-declared here so documented
 * signatures can name it (`deno doc --lint` rejects references to an npm package's types).
 */
export type Scalar = tf.Scalar;

/**
 * Whether tfjs is recording a gradient tape (inside `tf.grad`, `optimizer.minimize`, a training
 * step). The losses read tensor inputs on the host to refuse non-finite values only outside a
 * tape: inside one, a NaN from a diverging model flows into the loss value, where the training
 * loop names the epoch and batch, and the step pays for no extra read.
 */
export function recordingGradient(): boolean {
  return tf.engine().state.gradientDepth > 0;
}

/**
 * Throws a RangeError (count and first positions) unless every value of `value` is finite. A
 * plain array is always read; a tensor only outside a gradient tape (see
 * {@linkcode recordingGradient}). `columns` (when given) prints flat positions as `[row, column]`.
 */
export function assertFiniteInput(
  fn: string,
  arg: string,
  value: TensorInput,
  columns?: number,
): void {
  if (value instanceof tf.Tensor && recordingGradient()) return;
  const position = columns && columns > 0
    ? (i: number) => `[${Math.floor(i / columns)}, ${i % columns}]`
    : String;
  assertAllFinite(fn, arg, flatValues(value), position);
}

/**
 * The batch size of `[batch]` or `[batch, 1]` labels, or a RangeError naming `fn`, `arg` and the
 * shape. `batch` (when given) is the size the labels must match.
 */
export function labelBatch(
  fn: string,
  arg: string,
  value: TensorInput,
  batch?: number,
): number {
  const shape = shapeOf(value, fn, arg);
  const ok = (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) &&
    (batch === undefined || shape[0] === batch);
  if (!ok) {
    const want = batch === undefined ? "[batch] or [batch, 1]" : `[${batch}] or [${batch}, 1]`;
    throw new RangeError(`${fn}: ${arg} has shape ${formatShape(shape)}, expected ${want}`);
  }
  assertNonEmptyBatch(fn, arg, shape);
  return shape[0];
}

/** The `[batch, dim]` shape of an embedding matrix, or a RangeError naming `fn` and the shape. */
export function embeddingShape(fn: string, yPred: TensorInput): [number, number] {
  const shape = shapeOf(yPred, fn, "yPred");
  if (shape.length !== 2) {
    throw new RangeError(
      `${fn}: yPred has shape ${formatShape(shape)}, expected [batch, dim] embeddings`,
    );
  }
  assertNonEmptyBatch(fn, "yPred", shape);
  return [shape[0], shape[1]];
}

/**
 * Integer identity labels (`[batch]` or `[batch, 1]`) as plain numbers, or a RangeError naming the
 * first value that is not an integer.
 */
export function readIds(fn: string, yTrue: TensorInput, batch: number): number[] {
  labelBatch(fn, "yTrue", yTrue, batch);
  const values = Array.from(flatValues(yTrue));
  values.forEach((v, i) => {
    if (!Number.isInteger(v)) {
      throw new RangeError(
        `${fn}: yTrue has value ${v} at flat index ${i}, expected integer labels (ids)`,
      );
    }
  });
  return values;
}

/**
 * One weight per sample from `options.sampleWeight` (a number, `[batch]` or `[batch, 1]`), checked
 * finite and non-negative, as plain numbers; all 1 when absent.
 */
export function readSampleWeight(
  fn: string,
  sampleWeight: TensorInput | undefined,
  batch: number,
): number[] {
  if (sampleWeight === undefined) return new Array(batch).fill(1);
  const arg = "options.sampleWeight";
  const shape = shapeOf(sampleWeight, fn, arg);
  const ok = shape.length === 0 || (shape[0] === batch &&
    (shape.length === 1 || (shape.length === 2 && shape[1] === 1)));
  if (!ok) {
    throw new RangeError(
      `${fn}: ${arg} has shape ${
        formatShape(shape)
      }, expected a number, [${batch}] or [${batch}, 1]` +
        " (one weight per sample)",
    );
  }
  assertFinite(fn, arg, sampleWeight);
  const values = Array.from(flatValues(sampleWeight));
  values.forEach((w, i) => {
    if (w < 0) {
      throw new RangeError(
        `${fn}: ${arg} has value ${w} at flat index ${i}, expected weights >= 0`,
      );
    }
  });
  return values.length === 1 && shape.length === 0 ? new Array(batch).fill(values[0]) : values;
}

/**
 * Euclidean distances between the rows of `z` (`[batch, dim]` → `[batch, batch]`), from the
 * differences themselves rather than `‖a‖² + ‖b‖² − 2a·b`, which cancels badly for close points.
 * Call inside `tf.tidy`. The square root is taken of `max(d², 1e-12)`: its gradient at a
 * distance of exactly 0 (a point and itself, or duplicates) would otherwise be infinite.
 */
export function pairwiseDistances(z: tf.Tensor, squared: boolean): tf.Tensor {
  const diff = tf.sub(tf.expandDims(z, 1), tf.expandDims(z, 0));
  const sq = tf.sum(tf.square(diff), -1);
  return squared ? sq : tf.sqrt(tf.maximum(sq, 1e-12));
}

/**
 * The weighted mean of per-anchor terms over the anchors `keep` marks, the one reduction the
 * per-anchor batch losses share. All weight on dropped anchors gives 0 with a zero gradient, as
 * Keras's `divide_no_nan`. Call inside `tf.tidy`.
 */
export function weightedAnchorMean(
  terms: tf.Tensor,
  weights: readonly number[],
  keep: (anchor: number) => boolean,
): tf.Scalar {
  const w = relativeWeights(weights.map((wa, a) => (keep(a) ? wa : 0)));
  const total = w.reduce((s, v) => s + v, 0);
  const weighted = tf.sum(tf.mul(terms, tf.tensor1d(w)));
  return (total === 0 ? tf.mul(weighted, 0) : tf.div(weighted, total)) as tf.Scalar;
}

/**
 * `weights` divided by their largest value (all 0 stays all 0). A weighted mean does not change
 * when every weight is scaled, and float32 cannot hold weights like 1e-40 (or products of two
 * 1e-30s): without this, tiny weights would round to 0 in the tensor and give 0/0 = NaN.
 */
export function relativeWeights(weights: readonly number[]): number[] {
  let max = 0;
  for (const w of weights) if (w > max) max = w;
  return max === 0 ? weights.slice() : weights.map((w) => w / max);
}
