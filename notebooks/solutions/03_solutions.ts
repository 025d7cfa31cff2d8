/**
 * Reference solutions for notebook 03's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "03.1": () => (labels: number[], numClasses: number): number[] => {
    const counts = new Array<number>(numClasses).fill(0);
    for (const c of labels) counts[c]++;
    return counts.map((n) => labels.length / (numClasses * n));
  },
  "03.2": () => (labels: number[], classWeight: number[]): number =>
    labels.reduce((s, c) => s + classWeight[c], 0) / labels.length,
  "03.3": () => (classWeight: number[]) => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
      const perSample = tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
      const weight = tf.sum(tf.mul(yTrue, tf.tensor1d(classWeight)), -1); // its class's weight
      return tf.mul(perSample, weight);
    }),
};
