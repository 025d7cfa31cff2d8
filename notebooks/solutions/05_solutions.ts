/**
 * Reference solutions for notebook 05's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "05.1": () => (losses: number[]): number[] =>
    losses.flatMap((v, i) => (Number.isFinite(v) ? [] : [i])),
  // (sum − max) / (n − 1): the largest loss enters the sum and the max with opposite signs, so its
  // gradient is 1 − 1 = 0; tf.max's gradient goes to the arg max only.
  "05.2": () => (values: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.div(tf.sub(tf.sum(values), tf.max(values)), values.size - 1)),
  "05.3": () => (norms: number[], clipNorm: number): number[] =>
    norms.map((g) => Math.min(1, clipNorm / g)),
};
