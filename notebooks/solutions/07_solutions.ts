/**
 * Reference solutions for notebook 07's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "07.3": () => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const y = tf.reshape(yTrue, [-1]) as tf.Tensor1D, s = tf.reshape(yPred, [-1]);
      const d = tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0)); // sᵢ − sⱼ
      const pairs = tf.outerProduct(y, tf.sub(1, y) as tf.Tensor1D); // 1 where i is positive and j negative
      const penalty = tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d))));
      const count = tf.sum(pairs);
      return tf.div(penalty, tf.maximum(count, 1)); // no pairs: 0
    }),
  // A weight multiplies the sample's share of every soft count, as a copy of the row would add it
  // again: TP = Σ w·y·p and 2TP + FP + FN = Σ w·y + Σ w·p, per class, then the mean over classes.
  "07.4": () => (yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: number[]): tf.Tensor =>
    tf.tidy(() => {
      const w = tf.tensor2d(sampleWeight, [sampleWeight.length, 1]);
      const tp = tf.sum(tf.mul(w, tf.mul(yTrue, yPred)), 0);
      const sizes = tf.add(tf.sum(tf.mul(w, yTrue), 0), tf.sum(tf.mul(w, yPred), 0));
      const f1 = tf.div(tf.add(tf.mul(2, tp), 1e-6), tf.add(sizes, 1e-6));
      return tf.sub(1, tf.mean(f1));
    }),
};
