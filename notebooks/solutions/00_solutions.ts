/**
 * Reference solutions for notebook 00's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "00.2": () => (losses: number[], fraction: number): number => {
    const sorted = [...losses].sort((a, b) => b - a);
    const top = sorted.slice(0, Math.ceil(fraction * sorted.length));
    const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
    return sum(top) / sum(sorted);
  },
  "00.3": () => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(yPred, yTrue)), -1)),
};

/** Prediction id → a prediction that matches notebook 00's run with its default parameters. */
export const PREDICTIONS: Record<string, unknown> = {
  "00.1": 50,
};
