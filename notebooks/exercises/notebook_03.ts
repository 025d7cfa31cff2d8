/**
 * Checkers for the exercises of notebook 03 (weighted sample losses).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** scikit-learn's "balanced" weights by a plain count: n / (k · n_c). */
function referenceBalanced(labels: number[], k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const c of labels) counts[c]++;
  return counts.map((n) => labels.length / (k * n));
}

/** Seeded labels in [0, k) where every class appears at least once. */
function randomLabels(random: () => number, n: number, k: number, skew: number): number[] {
  const labels = Array.from({ length: k }, (_, c) => c);
  while (labels.length < n) labels.push(Math.min(k - 1, Math.floor(random() ** skew * k)));
  return labels;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));

/** Cross-entropy of one row by its definition, with Keras's clipping to [1e-7, 1 − 1e-7]. */
function referenceCrossentropy(yTrue: number[], yPred: number[]): number {
  const total = yPred.reduce((s, p) => s + p, 0);
  return -yTrue.reduce((s, t, j) => {
    const p = Math.min(Math.max(yPred[j] / total, 1e-7), 1 - 1e-7);
    return s + t * Math.log(p);
  }, 0);
}

/** The exercises of notebook 03, by id. */
export const EXERCISES_03: ExerciseSet = {
  "03.1": {
    question: "Write `balancedWeights(labels: number[], numClasses: number): number[]`, the " +
      '"balanced" class weights (one per class) that make every class carry the same total weight.',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (labels: number[], numClasses: number) => number[];
      const random = seededRandom(31);
      const cases: [number[], number][] = [
        [[0, 0, 0, 1], 2],
        [[2, 0, 1, 1, 2, 2], 3],
        [randomLabels(random, 200, 5, 2), 5],
        [randomLabels(random, 57, 4, 0.5), 4],
      ];
      for (const [labels, k] of cases) {
        const got = fn([...labels], k);
        const want = referenceBalanced(labels, k);
        if (!Array.isArray(got) || got.length !== k) {
          return "Return an array with one weight per class (numClasses entries).";
        }
        if (got.every((g, c) => close(g, want[c]))) continue;
        const counts = want.map((w) => labels.length / (k * w));
        if (got.every((g, c) => close(g, 1 / counts[c]))) {
          return "The ratios between classes are right, but the scale is not: with balanced " +
            "classes every weight should be exactly 1.";
        }
        return "Not quite: count the samples of each class, then give class c the weight that " +
          "makes (its count × its weight) the same for every class, with an average per-sample " +
          "weight of 1.";
      }
      return true;
    },
  },
  "03.2": {
    question: "Write `scalarLossFactor(labels: number[], classWeight: number[]): number`: the " +
      "factor by which tfjs's fit multiplies a loss that returns the batch mean, for a batch with " +
      "these class ids.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (labels: number[], classWeight: number[]) => number;
      const random = seededRandom(32);
      const cases: [number[], number[]][] = [
        [[0, 0, 1], [1, 4]],
        [[1, 1, 1, 1], [0.5, 2]],
        [randomLabels(random, 64, 5, 2), [5.6, 2.9, 0.46, 11.1, 0.46]],
        [randomLabels(random, 9, 3, 1), [1, 1, 1]],
      ];
      for (const [labels, classWeight] of cases) {
        const got = fn([...labels], [...classWeight]);
        const weights = labels.map((c) => classWeight[c]);
        const want = weights.reduce((s, w) => s + w, 0) / labels.length;
        if (typeof got !== "number" || !Number.isFinite(got)) return "Return one finite number.";
        if (close(got, want)) continue;
        const overClasses = classWeight.reduce((s, w) => s + w, 0) / classWeight.length;
        if (close(got, overClasses)) {
          return "That averages over the classes. fit weights samples: which weight does each " +
            "sample of the batch get?";
        }
        if (close(got, want * labels.length)) {
          return "Close: fit takes the mean of the weighted values, not their sum.";
        }
        return "Not quite: give every sample its class's weight; fit multiplies the one number " +
          "your loss returns by each of them, then averages.";
      }
      return true;
    },
  },
  "03.3": {
    question: "Write `weightedCrossentropy(classWeight: number[])` returning a custom loss " +
      "`(yTrue, yPred) => tf.Tensor` for one-hot targets and probabilities: each sample's " +
      "cross-entropy times its class's weight, one value per sample.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function that makes the loss.";
      const make = answer as (classWeight: number[]) => (yTrue: Tensor, yPred: Tensor) => Tensor;
      const classWeight = [0.5, 3, 1.25];
      const fn = make([...classWeight]);
      if (typeof fn !== "function") {
        return "weightedCrossentropy(classWeight) should return a loss function (yTrue, yPred) => tensor.";
      }
      const yTrue = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]];
      const yPred = [
        [0.7, 0.2, 0.1],
        [0.3, 0.3, 0.4],
        [0.1, 0.1, 0.8],
        [0.05, 0.9, 0.05],
        [0.2, 0.5, 0.3],
      ];
      const report = inspectLoss(fn, { yTrue, yPred });
      if (report.kind === "scalar") {
        return "Your loss returns one number for the batch, so class weights inside it would be " +
          "averaged away too. Keep one value per sample.";
      }
      if (report.kind !== "per-sample") {
        return `Your loss returns shape [${report.outputShape}]; sum over the classes (the last ` +
          "axis) so each sample gets one value.";
      }
      const got = tf.tidy(() => Array.from(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()));
      const plain = yTrue.map((t, i) => referenceCrossentropy(t, yPred[i]));
      const want = plain.map((l, i) => l * classWeight[yTrue[i].indexOf(1)]);
      if (got.every((g, i) => Math.abs(g - want[i]) <= 1e-4 * (1 + want[i]))) return true;
      if (got.every((g, i) => Math.abs(g - plain[i]) <= 1e-4 * (1 + plain[i]))) {
        return "These are the unweighted cross-entropies: multiply each by the weight of its " +
          "true class (the one-hot row picks it out).";
      }
      return "Not quite: cross-entropy is −Σ yTrue·log(yPred) over the classes; then multiply by " +
        "the weight of the sample's true class.";
    },
  },
};
