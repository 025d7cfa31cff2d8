/**
 * Reference solutions for notebook 04's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "04.1": () => (perToken: tf.Tensor, mask: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const counts = tf.sum(mask, 1);
      const means = tf.divNoNan(tf.sum(tf.mul(perToken, mask), 1), counts);
      return tf.div(tf.sum(means), tf.sum(tf.cast(tf.greater(counts, 0), "float32")));
    }),
  "04.2": () => (perToken: tf.Tensor, mask: tf.Tensor, numItemsInBatch: number): tf.Tensor =>
    tf.tidy(() => tf.div(tf.sum(tf.mul(perToken, mask)), numItemsInBatch)),
  "04.3": () => (nodeLosses: number[], segmentIds: number[], numGraphs: number): number[] => {
    const sums = new Array<number>(numGraphs).fill(0);
    const counts = new Array<number>(numGraphs).fill(0);
    segmentIds.forEach((g, j) => {
      sums[g] += nodeLosses[j];
      counts[g]++;
    });
    return sums.map((s, g) => s / counts[g]);
  },
};
