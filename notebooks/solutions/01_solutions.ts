/**
 * Reference solutions for notebook 01's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "01.1": () => (losses: number[], weights: number[]): number =>
    losses.reduce((s, l, i) => s + l * weights[i], 0) / losses.length,
  "01.2": () => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const e = tf.abs(tf.sub(yPred, yTrue));
      const quadratic = tf.minimum(e, 1); // the part of |e| up to δ = 1
      const linear = tf.sub(e, quadratic); // the part beyond δ
      return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear), -1);
    }),
  "01.3": () => (n: number): number => n,
};
