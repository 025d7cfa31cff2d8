/**
 * Checkers for the exercises of notebook 00 (overview).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";
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
  "00.2": {
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
          return "Not quite: the top samples are those with the highest loss, and a fraction of " +
            "n samples is rounded up to whole samples. Compare with §3, where the worst tenth of " +
            "the cars is counted and its share printed.";
        }
      }
      return true;
    },
  },
  "00.3": {
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
        return "The shape is right but the values are not each sample's squared error (§2 and §3 " +
          "print per-sample squared errors to compare with).";
      }
      return true;
    },
  },
};

/** The predict-then-run exercises of notebook 00, by id. */
export const PREDICTIONS_00: PredictionSet = {
  "00.1": {
    question: "What share of the validation loss (the total squared error) do the worst tenth " +
      "of the cars carry? A percentage between 0 and 100.",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !(predicted >= 0 && predicted <= 100)) {
        throw new Error("predict a percentage, a number between 0 and 100");
      }
      const m = measured as number;
      const said = `You said ${predicted} %; the run measured ${m.toFixed(0)} %.`;
      if (predicted > 0 && predicted < 1 && m >= 1) {
        return {
          ok: false,
          message:
            `${said} Was that a fraction? Give the share in percent (0.5 is 0.5 %, not 50 %).`,
        };
      }
      const even = "If every car had the same loss, the worst tenth would carry 10 %.";
      if (Math.abs(predicted - m) <= 10) {
        return {
          ok: true,
          message: `${said} ${even} The run gave ${(m / 10).toFixed(1)} times that: squaring ` +
            "makes a few large errors dominate, and the mean, one number, cannot say so.",
        };
      }
      if (predicted < m) {
        return {
          ok: false,
          message: `${said} ${even} The worst cars carry more: the squared error grows with ` +
            "the square of the miss, so a car predicted twice as badly adds four times the loss.",
        };
      }
      return {
        ok: false,
        message: `${said} The losses are less concentrated than that: most cars are not far ` +
          "below the worst. The per-sample chart in §3 shows how steeply the sorted losses climb.",
      };
    },
  },
};
