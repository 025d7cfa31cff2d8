/**
 * Reference solutions for notebook 05's exercises.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { bootstrapMedianCi } from "../lessons/step_timing.ts";

/** Exercise id → the answer a learner would pass to `checkExercise`. */
export const SOLUTIONS: Record<string, () => unknown> = {
  // (sum − max) / (n − 1): the largest loss enters the sum and the max with opposite signs, so its
  // gradient is 1 − 1 = 0; tf.max's gradient goes to the arg max only.
  "05.2": () => (values: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.div(tf.sub(tf.sum(values), tf.max(values)), values.size - 1)),
  // The verdict follows the interval of the median, not the spread of single repeats.
  "05.3": () => (ratios: number[]): string => {
    const { low, high } = bootstrapMedianCi(ratios);
    return low > 1 ? "slower" : high < 1 ? "faster" : "no difference";
  },
};
