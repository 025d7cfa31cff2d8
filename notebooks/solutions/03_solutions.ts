/**
 * Reference solutions for notebook 03's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Each sample's cross-entropy (Keras's clipping) times the weight of its one-hot class. */
function weightedPerSample(classWeight: number[], yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
  const perSample = tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1));
  return tf.mul(perSample, sampleWeights(classWeight, yTrue));
}

/** The weight of each sample's class, picked out by its one-hot row. */
function sampleWeights(classWeight: number[], yTrue: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(yTrue, tf.tensor1d(classWeight)), -1);
}

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  "03.2": () => (classWeight: number[]) => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => weightedPerSample(classWeight, yTrue, yPred)),
  // mean_with_sample_weight: Σ wᵢℓᵢ / Σ wᵢ, one number computed from the weighted array
  "03.3": () => (classWeight: number[]) => (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() =>
      tf.div(
        tf.sum(weightedPerSample(classWeight, yTrue, yPred)),
        tf.sum(sampleWeights(classWeight, yTrue)),
      )
    ),
};
