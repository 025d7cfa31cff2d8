/**
 * Reference solutions for notebook 01's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "01.2": () => (losses: number[], weights: number[]): number =>
    losses.reduce((s, l, i) => s + l * weights[i], 0) / losses.length,
  "01.3": () => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const e = tf.abs(tf.sub(yPred, yTrue));
      const quadratic = tf.minimum(e, 1); // the part of |e| up to δ = 1
      const linear = tf.sub(e, quadratic); // the part beyond δ
      return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear), -1);
    }),
  "01.4": () => (samples: number, batchSize: number, outputs: number): boolean => {
    const f = Math.fround; // tfjs computes in float32
    // The batch mean's gradient divides once by B·K; the array's by K, then by B in fit's mean.
    const same = (b: number) => f(1 / (b * outputs)) === f(f(1 / b) / outputs);
    const last = samples % batchSize; // the epoch's last, smaller batch (0: there is none)
    return same(Math.min(batchSize, samples)) && (last === 0 || same(last));
  },
};

/** Prediction id → a prediction that matches notebook 01's run with its default parameters. */
export const PREDICTIONS: Record<string, unknown> = {
  "01.1": "rounding",
};
