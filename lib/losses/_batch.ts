/**
 * Input checks shared by the losses that couple the samples of a batch (contrastive, overlap,
 * ranking, triplet): identity labels, embeddings, and per-sample weights read on the host, so
 * every check runs before a tensor is made.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
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
  const w = weights.map((wa, a) => (keep(a) ? wa : 0));
  const total = w.reduce((s, v) => s + v, 0);
  const weighted = tf.sum(tf.mul(terms, tf.tensor1d(w)));
  return (total === 0 ? tf.mul(weighted, 0) : tf.div(weighted, total)) as tf.Scalar;
}
