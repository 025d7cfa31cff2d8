/**
 * Checkers for the exercises of notebook 03 (weighted sample losses).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ExerciseSet, PredictionSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** Cross-entropy of one row by its definition, with Keras's clipping to [1e-7, 1 − 1e-7]. */
function referenceCrossentropy(yTrue: number[], yPred: number[]): number {
  const total = yPred.reduce((s, p) => s + p, 0);
  return -yTrue.reduce((s, t, j) => {
    const p = Math.min(Math.max(yPred[j] / total, 1e-7), 1 - 1e-7);
    return s + t * Math.log(p);
  }, 0);
}

/** One-hot targets and probabilities the loss exercises are checked on. */
const WEIGHTED_TRUE = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]];
const WEIGHTED_PRED = [
  [0.7, 0.2, 0.1],
  [0.3, 0.3, 0.4],
  [0.1, 0.1, 0.8],
  [0.05, 0.9, 0.05],
  [0.2, 0.5, 0.3],
];

/** The exercises of notebook 03, by id. */
export const EXERCISES_03: ExerciseSet = {
  "03.2": {
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
      const yTrue = WEIGHTED_TRUE, yPred = WEIGHTED_PRED;
      const report = inspectLoss(fn, { yTrue, yPred });
      if (report.kind === "scalar") {
        return "Your loss returns one number for the batch; this one should keep one value per " +
          "sample, so that fit can still reduce it (and weight it further) as §4 describes.";
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
      return "Not quite: compare one sample's value with its cross-entropy (§2's per-sample " +
        "loss) and with the class weight §4 gives a sample of its class.";
    },
  },
  "03.3": {
    question: "Write `weightedMeanCrossentropy(classWeight: number[])` returning a custom loss " +
      "`(yTrue, yPred) => tf.Tensor` that returns one number: the class-weighted cross-entropy " +
      "reduced as Keras's mean_with_sample_weight reduces it.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function that makes the loss.";
      const make = answer as (classWeight: number[]) => (yTrue: Tensor, yPred: Tensor) => Tensor;
      const cases: [number[], number[][], number[][]][] = [
        [[0.5, 3, 1.25], WEIGHTED_TRUE, WEIGHTED_PRED],
        [[2, 0.25, 1], WEIGHTED_TRUE, WEIGHTED_PRED],
      ];
      for (const [classWeight, yTrue, yPred] of cases) {
        const fn = make([...classWeight]);
        if (typeof fn !== "function") {
          return "weightedMeanCrossentropy(classWeight) should return a loss function " +
            "(yTrue, yPred) => tensor.";
        }
        const report = inspectLoss(fn, { yTrue, yPred });
        if (report.kind !== "scalar") {
          return `Your loss returns shape [${report.outputShape}]: this exercise asks for one ` +
            "number per batch, a reduction computed inside the loss.";
        }
        const got = tf.tidy(() => fn(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()[0]);
        const plain = yTrue.map((t, i) => referenceCrossentropy(t, yPred[i]));
        const w = yTrue.map((t) => classWeight[t.indexOf(1)]);
        const weightedSum = plain.reduce((s, l, i) => s + w[i] * l, 0);
        const want = weightedSum / w.reduce((s, v) => s + v, 0);
        const near = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * (1 + Math.abs(b));
        if (near(got, want)) continue;
        if (near(got, weightedSum / plain.length)) {
          return "That divides the weighted sum by the batch size: Keras's sum_over_batch_size " +
            "and tfjs's fit (§4). mean_with_sample_weight divides by something else.";
        }
        if (near(got, plain.reduce((s, l) => s + l, 0) / plain.length)) {
          return "That is the unweighted mean: each sample's loss needs its class's weight " +
            "before the reduction.";
        }
        if (near(got, weightedSum)) return "That is the weighted sum; it still needs its divisor.";
        return "Not quite: reread §4's description of mean_with_sample_weight, and check what " +
          "its result is when every weight is the same.";
      }
      return true;
    },
  },
};

/** What exercise 03.1 measures: angles between the two losses' `fit` steps under classWeight. */
export interface OneClassTrap {
  /** Degrees between the scalar and per-sample losses' steps on a batch of one class. */
  oneClass: number;
  /** The same angle on §4's batch of mixed classes. */
  mixed: number;
  /** Rows of the one-class batch. */
  batchSize: number;
}

/** The predict-then-run exercises of notebook 03, by id. */
export const PREDICTIONS_03: PredictionSet = {
  "03.1": {
    question: "On a batch of days of one class, how many degrees apart are the steps of the " +
      "batch-mean loss and of the per-sample loss under classWeight? (0 = the same direction)",
    compare(predicted, measured) {
      const m = measured as OneClassTrap;
      if (typeof predicted !== "number" || !Number.isFinite(predicted)) {
        return { ok: false, message: "Predict an angle in degrees, from 0 to 180." };
      }
      // Within 5° reads the lesson right: the measured angle is 0 up to float32 rounding.
      const ok = Math.abs(predicted - m.oneClass) <= 5;
      return {
        ok,
        message: `You predicted ${predicted}°; on ${m.batchSize} days of one class the two steps ` +
          `are ${m.oneClass.toFixed(1)}° apart, against ${
            m.mixed.toFixed(0)
          }° on the mixed batch ` +
          "of §4. In a batch of one class every sample carries the same weight w, so the " +
          "weighted loss Σwℓ/B is w · mean(ℓ), and the scalar loss's mean(w) · L is the same " +
          "number: weighting and rescaling coincide, and the scalar loss loses nothing. The trap " +
          "needs weights that differ within a batch: a scalar loss can carry their mean, never " +
          "their differences between samples.",
      };
    },
  },
};
