/**
 * Checkers for the exercises of notebook 05 (considerations).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";

type Reduction = (values: tf.Tensor) => tf.Tensor;

/** Probe batches of per-sample losses, with distinct values so the largest is unique. */
function probeLosses(): number[][] {
  const random = seededRandom(5);
  return [
    [0.5, 1.5, 0.25, 5.75],
    [3, 1, 2],
    Array.from({ length: 17 }, (_, i) => random() * 10 + i * 1e-3),
  ];
}

/** The exercises of notebook 05, by id. */
export const EXERCISES_05: ExerciseSet = {
  "05.1": {
    question: "Write `nonFiniteRows(losses: number[]): number[]`, the positions of the NaN and " +
      "infinite per-sample losses, in increasing order.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (losses: number[]) => number[];
      const cases: [number[], number[]][] = [
        [[1, 2, 3], []],
        [[0.5, NaN, 2], [1]],
        [[Infinity, 1, -Infinity, NaN, 1e38], [0, 2, 3]],
        [[], []],
      ];
      for (const [losses, want] of cases) {
        const got = fn([...losses]);
        if (!Array.isArray(got)) return "Return an array of positions (numbers).";
        if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
          return want.length === 3 && got.length === 1
            ? "NaN is not the only problem: an infinite loss (±Infinity) breaks the mean too."
            : "Not quite: walk through the losses and keep the index of every value for which " +
              "Number.isFinite is false, in order. A very large but finite loss is not one of them.";
        }
      }
      return true;
    },
  },
  "05.2": {
    question:
      "Write a reduction `(values: tf.Tensor) => tf.Tensor` that drops the single largest " +
      "per-sample loss and averages the others, so the dropped sample gets no gradient.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the reduction function itself.";
      const reduce = answer as Reduction;
      for (const losses of probeLosses()) {
        const n = losses.length;
        const top = losses.indexOf(Math.max(...losses));
        const want = (losses.reduce((s, v) => s + v, 0) - losses[top]) / (n - 1);
        let result: { value: number; grad: number[] } | null = null;
        tf.tidy(() => {
          const v = tf.tensor1d(losses);
          const out = reduce(v);
          // Checked before differentiating: a throw inside tf.grad leaves tensors behind.
          if (!(out instanceof tf.Tensor) || out.rank !== 0) return;
          const g = tf.grad((t: tf.Tensor) => reduce(t) as tf.Scalar)(v);
          result = { value: out.dataSync()[0], grad: Array.from(g.dataSync()) };
        });
        if (result === null) return "Return one number for the batch: a scalar tensor.";
        const { value, grad } = result as { value: number; grad: number[] };
        if (Math.abs(value - want) > 1e-4 * Math.max(1, Math.abs(want))) {
          return "The value is off: sum all losses, take away the largest, and divide by how " +
            "many are left (n − 1, not n).";
        }
        if (Math.abs(grad[top]) > 1e-6) {
          return "The value is right, but the dropped sample still gets gradient. Build the " +
            "result so that the largest loss cancels out (or is multiplied by 0).";
        }
        if (grad.some((g, i) => i !== top && Math.abs(g - 1 / (n - 1)) > 1e-5)) {
          return "The kept samples should each get gradient 1/(n − 1).";
        }
      }
      return true;
    },
  },
  "05.3": {
    question:
      "Write `clipFactors(norms: number[], clipNorm: number): number[]`: DP-SGD's factor for " +
      "each sample's gradient so that its norm becomes at most clipNorm (1 when it already is).",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (norms: number[], clipNorm: number) => number[];
      const random = seededRandom(11);
      const cases: [number[], number][] = [
        [[0.5, 2, 4], 1],
        [[0, 1, 3], 1],
        [Array.from({ length: 20 }, () => random() * 6), 2.5],
      ];
      for (const [norms, c] of cases) {
        const got = fn([...norms], c);
        if (!Array.isArray(got) || got.length !== norms.length) {
          return "Return one factor per sample, as an array of numbers.";
        }
        for (let i = 0; i < norms.length; i++) {
          const want = norms[i] > c ? c / norms[i] : 1;
          if (!Number.isFinite(got[i])) {
            return "A factor is not finite: what happens to a gradient of norm 0?";
          }
          if (got[i] > 1 + 1e-9) return "A factor never enlarges a gradient: it is at most 1.";
          if (Math.abs(got[i] - want) > 1e-9) {
            return "Not quite: a gradient of norm g scaled by your factor must have norm " +
              "min(g, clipNorm).";
          }
        }
      }
      return true;
    },
  },
};
