/**
 * Checkers for the exercises of notebook 01 (general-purpose losses).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** Keras's "sum_over_batch_size" with weights, as a plain loop: Σ wᵢ·ℓᵢ / N. */
function referenceSumOverBatchSize(losses: number[], weights: number[]): number {
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i] * weights[i];
  return total / losses.length;
}

/** Huber per element with δ = 1, by its definition: ½e² for |e| ≤ 1, |e| − ½ above. */
function referenceHuber(e: number): number {
  const a = Math.abs(e);
  return a <= 1 ? 0.5 * e * e : a - 0.5;
}

/** The exercises of notebook 01, by id. */
export const EXERCISES_01: ExerciseSet = {
  "01.1": {
    question: "Write `sumOverBatchSize(losses: number[], weights: number[]): number`, Keras's " +
      'default "sum_over_batch_size" reduction of weighted per-sample losses.',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (losses: number[], weights: number[]) => number;
      const random = seededRandom(11);
      const cases: [number[], number[]][] = [
        [[1, 3], [1, 1]],
        [[1, 3], [1, 0]],
        [[0.5, 2, 4, 1.5], [2, 0, 0.5, 1]],
        [
          Array.from({ length: 25 }, () => random() * 5),
          Array.from({ length: 25 }, () => random()),
        ],
        [[2, 7, 1], [0, 0, 0]],
      ];
      for (const [losses, weights] of cases) {
        const got = fn([...losses], [...weights]);
        const want = referenceSumOverBatchSize(losses, weights);
        if (typeof got !== "number" || !Number.isFinite(got)) {
          return "Return a finite number (with all weights 0, Keras's reduction gives 0).";
        }
        if (Math.abs(got - want) <= 1e-9 * (1 + Math.abs(want))) continue;
        const weightSum = weights.reduce((s, w) => s + w, 0);
        const byWeights = weightSum === 0 ? NaN : want * losses.length / weightSum;
        if (Math.abs(got - byWeights) <= 1e-9 * (1 + Math.abs(want))) {
          return 'That divides by the sum of the weights (Keras\'s "mean_with_sample_weight"). ' +
            "The default divides by something else: a weight of 0 still counts.";
        }
        const unweighted = losses.reduce((s, l) => s + l, 0) / losses.length;
        if (Math.abs(got - unweighted) <= 1e-9 * (1 + Math.abs(unweighted))) {
          return "That is the plain mean: multiply each loss by its weight first.";
        }
        return "Not quite: multiply each loss by its weight, add them up, and divide by the " +
          "number of samples.";
      }
      return true;
    },
  },
  "01.2": {
    question: "Write Huber's loss (δ = 1) as a custom loss `(yTrue, yPred) => tf.Tensor` that " +
      "returns one value per sample (shape [batch]) for inputs of shape [batch, 1].",
    check(answer) {
      if (typeof answer !== "function") return "Pass the loss function itself.";
      const fn = answer as (yTrue: Tensor, yPred: Tensor) => Tensor;
      const yTrue = [[0], [1], [2], [3], [-1]];
      const yPred = [[0.5], [3], [2], [-0.5], [-1.2]];
      const report = inspectLoss(fn, { yTrue, yPred });
      if (report.kind === "scalar") {
        return "Your loss returns one number for the whole batch. Stop before averaging over the " +
          "batch: average over the last axis only.";
      }
      if (report.kind !== "per-sample" || report.outputShape.length !== 1) {
        return `Your loss returns shape [${report.outputShape}]; a per-sample loss has shape ` +
          "[batch]: average over the last axis (-1).";
      }
      const values = tf.tidy(() =>
        Array.from(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync())
      );
      const expected = yTrue.map((t, i) => referenceHuber(yPred[i][0] - t[0]));
      const small = [0, 2, 4]; // errors 0.5, 0 and -0.2: inside the quadratic zone
      if (small.some((i) => Math.abs(values[i] - expected[i]) > 1e-5)) {
        return "Small errors (|e| ≤ δ) are off: there the loss is half the squared error.";
      }
      if (values.some((v, i) => Math.abs(v - expected[i]) > 1e-5)) {
        return "Large errors (|e| > δ) are off: there the loss grows linearly, δ·|e| minus a " +
          "constant that makes the two pieces meet at |e| = δ.";
      }
      if (!report.samplesIndependent) {
        return "Each sample's loss must depend on that sample only.";
      }
      return true;
    },
  },
  "01.3": {
    question: "Write `gradientFactor(n: number): number`: how many times larger the gradients of " +
      "a loss returning the batch sum of squared errors are than those of the batch mean, on a " +
      "batch of n samples.",
    check(answer) {
      if (typeof answer !== "function") return "Pass a function of the batch size n.";
      const fn = answer as (n: number) => number;
      // d(Σℓ)/dθ = n · d(Σℓ / n)/dθ, for every n.
      for (const n of [1, 2, 7, 32, 314]) {
        const got = fn(n);
        if (typeof got !== "number" || !Number.isFinite(got)) return "Return a number.";
        if (Math.abs(got - n) <= 1e-9 * n) continue;
        if (Math.abs(got * n - 1) <= 1e-9) {
          return "The other way round: is the sum larger or smaller than the mean?";
        }
        if (Math.abs(got - 1) <= 1e-9) {
          return "The two losses differ by a constant factor, and gradients scale with the loss. " +
            "Put a sum loss into `losses` in the gradient cell and compare the two gradients.";
        }
        return "Not quite: write the sum in terms of the mean, then differentiate.";
      }
      return true;
    },
  },
};
