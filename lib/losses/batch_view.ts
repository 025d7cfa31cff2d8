/**
 * Per-sample views of a loss that returns one number for the batch: what removing a sample does
 * to the batch value (leave-one-out), and how hard the batch value pulls on each sample's
 * prediction (gradient norms). Both describe a sample **in this batch**: for a loss that couples
 * samples, the same sample gets other values in another batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type Tensor1D,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";
import { assertAllFinite, describeValue } from "../_core/checks.ts";
import { assertFiniteInput } from "./_batch.ts";

/** A loss that returns one number for the batch, e.g. `(t, p) => softDice(t, p)`. */
export type BatchLoss = (yTrue: Tensor, yPred: Tensor) => Tensor;

function checkBatch(
  fn: string,
  loss: unknown,
  yTrue: TensorInput,
  yPred: TensorInput,
  minBatch: number,
): number {
  if (typeof loss !== "function") {
    throw new TypeError(
      `${fn}: loss is ${typeof loss}, expected a function (yTrue, yPred) => tensor`,
    );
  }
  const ts = shapeOf(yTrue, fn, "yTrue"), ps = shapeOf(yPred, fn, "yPred");
  if (ts.length === 0 || ps.length === 0 || ts[0] !== ps[0]) {
    throw new RangeError(
      `${fn}: yTrue has shape ${formatShape(ts)} and yPred has shape ${formatShape(ps)}, ` +
        `expected the same batch size on axis 0`,
    );
  }
  if (ps[0] < minBatch) {
    throw new RangeError(
      `${fn}: yPred has shape ${formatShape(ps)}, expected a batch of at least ${minBatch}`,
    );
  }
  // A NaN input makes the loss NaN wherever that sample is present: every view would be NaN.
  const columns = (shape: number[]) => shape.slice(1).reduce((a, b) => a * b, 1);
  assertFiniteInput(fn, "yTrue", yTrue, columns(ts));
  assertFiniteInput(fn, "yPred", yPred, columns(ps));
  return ps[0];
}

function scalarValue(fn: string, value: unknown, where: string): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    throw new TypeError(`${fn}: the loss returned ${typeof value} ${where}, expected a tf.Tensor`);
  }
  if (value.size !== 1) {
    throw new TypeError(
      `${fn}: the loss returned shape ${formatShape(value.shape)} ${where}, expected one number ` +
        `(shape []); for a per-sample loss pass (t, p) => tf.mean(loss(t, p))`,
    );
  }
  // Every view subtracts or differentiates this value: a NaN would make them all NaN.
  const number = value.dataSync()[0];
  if (!Number.isFinite(number)) {
    throw new RangeError(
      `${fn}: the loss returned ${describeValue(number)} ${where}, expected a finite number`,
    );
  }
  return value.reshape([]);
}

function call(fn: string, loss: BatchLoss, t: tf.Tensor, p: tf.Tensor, where: string): tf.Tensor {
  let value: unknown;
  try {
    value = loss(t, p);
  } catch (error) {
    throw new TypeError(`${fn}: the loss threw ${where}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return scalarValue(fn, value, where);
}

/**
 * Leave-one-out contributions `ℓ(B) − ℓ(B ∖ {i})`, `[batch]`: how much higher the batch value is
 * with sample `i` than without it (negative: the batch does better with it). `batch + 1`
 * evaluations of `loss`, each on the batch with one sample left out.
 *
 * For a mean of per-sample losses this is `(ℓᵢ − ℓ̄) / (batch − 1)`: the per-sample loss,
 * shifted and scaled, so it ranks samples the same way. For a loss that couples samples (soft
 * Dice, a pairwise ranking loss, NT-Xent) it is the per-sample view that still exists, but it
 * describes a sample within this batch: the same sample in another batch contributes something
 * else, and the contributions do not add up to the batch value.
 *
 * Refused before the loss runs: `loss` not a function, batches of different sizes or of fewer
 * than 2 samples, NaN or ±Infinity in `yTrue` or `yPred`; and, after it runs, a loss that
 * throws, returns more than one number, or returns NaN or ±Infinity on any of the batches.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { leaveOneOutContributions } from "./batch_view.ts";
 * // A batch mean of squared errors 1, 4, 16 (mean 7): without sample 2 the mean is 2.5, so its
 * // contribution is 7 − 2.5 = 4.5 = (16 − 7) / 2; samples 0 and 1 give −3 and −1.5.
 * const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const c = leaveOneOutContributions(mse, [[0], [0], [0]], [[1], [2], [4]]);
 * const want = [-3, -1.5, 4.5];
 * if ((c.arraySync() as number[]).some((v, i) => Math.abs(v - want[i]) > 1e-5)) {
 *   throw new Error(`got ${c.arraySync()}`);
 * }
 * c.dispose();
 * ```
 */
export function leaveOneOutContributions(
  loss: BatchLoss,
  yTrue: TensorInput,
  yPred: TensorInput,
): Tensor1D {
  const fn = "leaveOneOutContributions";
  const batch = checkBatch(fn, loss, yTrue, yPred, 2);
  return tf.tidy(() => {
    const t = toTensor(yTrue, fn, "yTrue"), p = toTensor(yPred, fn, "yPred");
    const full = call(fn, loss, t, p, "on the whole batch");
    const without = Array.from({ length: batch }, (_, i) => {
      const keep = tf.tensor1d(
        Array.from({ length: batch - 1 }, (_, j) => (j < i ? j : j + 1)),
        "int32",
      );
      return call(fn, loss, tf.gather(t, keep), tf.gather(p, keep), `without sample ${i}`);
    });
    return tf.sub(full, tf.stack(without)) as Tensor1D;
  });
}

/**
 * The norm of the batch value's gradient with respect to each sample's prediction,
 * `‖∂ℓ(B)/∂ŷᵢ‖₂`, `[batch]`: how hard this batch's loss pulls on sample `i`'s output. One
 * backward pass. For a mean of per-sample losses it is `‖∂ℓᵢ/∂ŷᵢ‖ / batch`; for a loss that
 * couples samples the pull on `i` also depends on every other sample of the batch.
 *
 * (Gradients with respect to the model's weights, per sample, are `perSampleGradientNorms` in
 * the training folder; they need a per-sample loss.)
 *
 * Refused: `loss` not a function, batches of different sizes, NaN or ±Infinity in `yTrue` or
 * `yPred`, a loss that throws, returns more than one number or a non-finite one, a loss whose
 * value is not computed from `yPred` with tf operations (it has no gradient there), and a
 * gradient with NaN or ±Infinity in it.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { predictionGradientNorms } from "./batch_view.ts";
 * // mean((p − t)²) over 2 samples: ∂/∂pᵢ = 2(pᵢ − tᵢ) / 2 → |1| and |−3|.
 * const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
 * const g = predictionGradientNorms(mse, [[0], [5]], [[1], [2]]);
 * const [a, b] = g.arraySync() as number[];
 * if (Math.abs(a - 1) > 1e-6 || Math.abs(b - 3) > 1e-6) throw new Error(`got ${a}, ${b}`);
 * g.dispose();
 * ```
 */
export function predictionGradientNorms(
  loss: BatchLoss,
  yTrue: TensorInput,
  yPred: TensorInput,
): Tensor1D {
  const fn = "predictionGradientNorms";
  const batch = checkBatch(fn, loss, yTrue, yPred, 1);
  return tf.tidy(() => {
    const t = toTensor(yTrue, fn, "yTrue"), p = toTensor(yPred, fn, "yPred");
    const { value, grad } = valueAndGradFreeingTape(fn, (x: tf.Tensor) => {
      let out: unknown;
      try {
        out = loss(t, x);
      } catch (error) {
        throw new TypeError(`${fn}: the loss threw on the batch: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (!(out instanceof tf.Tensor)) {
        throw new TypeError(`${fn}: the loss returned ${typeof out}, expected a tf.Tensor`);
      }
      return out;
    }, p);
    scalarValue(fn, value, "on the batch");
    const norms = tf.sqrt(tf.sum(tf.square(tf.reshape(grad, [batch, -1])), -1)) as Tensor1D;
    // A finite loss can still have an undefined gradient (a square root at 0, say).
    assertAllFinite(
      fn,
      "the gradient of loss with respect to yPred",
      norms.dataSync(),
      (i) => `sample ${i}`,
    );
    return norms;
  });
}

/**
 * `tf.valueAndGrad(f)(x)`, minus a tfjs leak: the forward pass saves tensors for the backward
 * pass on the gradient tape, and tfjs frees them only when the gradient completes, so a loss that
 * throws halfway would strand them (the training folder's `train` guards its steps the same way).
 */
function valueAndGradFreeingTape(
  fn: string,
  f: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
): { value: tf.Tensor; grad: tf.Tensor } {
  const engine = tf.engine();
  const ours: { tape?: typeof engine.state.activeTape; returned?: boolean } = {};
  try {
    return tf.valueAndGrad((input: tf.Tensor) => {
      ours.tape = engine.state.activeTape;
      const out = f(input);
      ours.returned = true;
      return out;
    })(x);
  } catch (error) {
    // A tape shared with an enclosing gradient (depth > 0) is not ours to free.
    if (ours.tape && engine.state.gradientDepth === 0) {
      for (const node of ours.tape) tf.dispose(node.saved ?? []);
    }
    if (ours.returned) {
      // The loss ran; tfjs found no path of tf operations from yPred to its value.
      throw new TypeError(
        `${fn}: loss has no gradient with respect to yPred, expected a value computed from ` +
          `yPred with tf operations (not from its data read back, nor from yTrue alone): ` +
          `${(error as Error)?.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
