/**
 * Reference solutions for notebook 07's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  // Identical embeddings: each of the 200 anchors spreads its softmax evenly over the 199 other
  // rows, one of which is its positive: −log(1/199).
  "07.1": () => Math.log(199),
  "07.2": () => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const y = tf.reshape(yTrue, [-1]) as tf.Tensor1D, s = tf.reshape(yPred, [-1]);
      const d = tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0)); // sᵢ − sⱼ
      const pairs = tf.outerProduct(y, tf.sub(1, y) as tf.Tensor1D); // 1 where i is positive and j negative
      const penalty = tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d))));
      const count = tf.sum(pairs);
      return tf.div(penalty, tf.maximum(count, 1)); // no pairs: 0
    }),
  // keras/src/losses/loss.py: reduce_weighted_values multiplies the 0-d value by the weights,
  // which makes it [batch]; reduce_values then sums it and divides by the batch size, by the sum
  // of the weights, or not at all.
  "07.3": () => (loss: number, sampleWeight: number[], reduction: string): number => {
    const total = sampleWeight.reduce((s, w) => s + w, 0);
    if (reduction === "sum") return loss * total;
    if (reduction === "mean_with_sample_weight") return total === 0 ? 0 : (loss * total) / total;
    return (loss * total) / sampleWeight.length;
  },
};
