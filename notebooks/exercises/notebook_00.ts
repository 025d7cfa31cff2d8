/**
 * Checkers for the exercises of notebook 00 (overview).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** The share of the total carried by the largest ⌈fraction·n⌉ values, computed plainly. */
function referenceTopShare(losses: number[], fraction: number): number {
  const sorted = [...losses].sort((a, b) => b - a);
  const k = Math.ceil(fraction * sorted.length);
  const total = sorted.reduce((s, v) => s + v, 0);
  return sorted.slice(0, k).reduce((s, v) => s + v, 0) / total;
}

/** The exercises of notebook 00, by id. */
export const EXERCISES_00: ExerciseSet = {
  "00.1": {
    question:
      "Write `topShare(losses: number[], fraction: number): number`, the share of the total loss " +
      "carried by the ⌈fraction·n⌉ samples with the highest loss.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (losses: number[], fraction: number) => number;
      const random = seededRandom(7);
      const cases: [number[], number][] = [
        [[0.5, 1.5, 0.25, 5.75], 0.25],
        [[1, 1, 1, 1, 1], 0.4],
        [Array.from({ length: 37 }, () => random() * 10), 0.1],
        [Array.from({ length: 50 }, () => random() ** 4), 0.2],
      ];
      for (const [losses, fraction] of cases) {
        const got = fn([...losses], fraction);
        const want = referenceTopShare(losses, fraction);
        if (typeof got !== "number" || !Number.isFinite(got)) {
          return "Return a finite number: a share between 0 and 1.";
        }
        if (got > 1 + 1e-9) return "A share is at most 1: divide by the total loss of all samples.";
        if (Math.abs(got - want) > 1e-9) {
          return "Not quite: sort the losses from highest to lowest, keep the first ⌈fraction·n⌉ " +
            "(Math.ceil), and divide their sum by the sum of all losses.";
        }
      }
      return true;
    },
  },
  "00.2": {
    question:
      "Write a custom loss `(yTrue, yPred) => tf.Tensor` that returns the squared error of every " +
      "sample (shape [batch]) for targets and predictions of shape [batch, 1].",
    check(answer) {
      if (typeof answer !== "function") return "Pass the loss function itself.";
      const fn = answer as (yTrue: Tensor, yPred: Tensor) => Tensor;
      const yTrue = [[1], [2], [3], [4]];
      const yPred = [[1.5], [2], [1], [8]];
      const report = inspectLoss(fn, { yTrue, yPred });
      if (report.kind === "scalar") {
        return "Your loss returns one number for the whole batch. Stop before averaging over the " +
          "batch: keep one value per sample.";
      }
      if (report.kind !== "per-sample") {
        return `Your loss returns shape [${report.outputShape}]; a per-sample loss has shape [batch] ` +
          "(average over the last axis only).";
      }
      const values = tf.tidy(() =>
        Array.from(fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync())
      );
      const expected = [0.25, 0, 4, 16];
      if (values.some((v, i) => Math.abs(v - expected[i]) > 1e-5)) {
        return "The shape is right but the values are not squared errors: (yPred − yTrue)², then " +
          "the mean over the last axis.";
      }
      return true;
    },
  },
};
