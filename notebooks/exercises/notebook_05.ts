/**
 * Checkers for the exercises of notebook 05 (considerations).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";

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
      "Write `timingVerdict(ratios: number[])`: from per-repeat step-time ratios (array / " +
      'scalar), return "slower", "faster" or "no difference", as the 95 % confidence interval ' +
      "of the median ratio allows.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (ratios: number[]) => unknown;
      // 401 repeats spread evenly over 0.9–1.2: single repeats straddle 1 (quartiles 0.975 and
      // 1.125), but the median (1.05) is known to about ±0.01.
      const many = Array.from({ length: 401 }, (_, i) => 1.05 + 0.3 * (i / 400 - 0.5));
      // Seven repeats with median 1.05: a resample's median moves over most of 0.95–1.15.
      const few = [0.9, 1.1, 1.05, 0.95, 1.2, 1.0, 1.15];
      const fast = many.map((r) => r - 0.25);
      const got = [fn([...few]), fn([...many]), fn([...fast])];
      const allowed = ["slower", "faster", "no difference"];
      if (got.some((g) => !allowed.includes(g as string))) {
        return 'Return one of the strings "slower", "faster" or "no difference".';
      }
      if (got[0] !== "no difference") {
        return "Seven repeats with a median above 1 are not yet a difference: how far could that " +
          "median move if you timed again? See §2, the cell that prints the bootstrap interval, " +
          "and the glossary's bootstrap confidence interval.";
      }
      if (got[1] !== "slower") {
        return "With 401 repeats the single ratios straddle 1, yet their median is pinned down: " +
          "the interquartile range is the spread of one repeat, not the uncertainty of the " +
          "median. See §2, the sentence that reports the interval and the smallest detectable " +
          "difference.";
      }
      if (got[2] !== "faster") {
        return "Every ratio is below 1 here: the array step took less time. Check the direction " +
          "of your comparison with 1.";
      }
      return true;
    },
  },
};

/** What notebook 05's timing cell measured, for prediction 05.1. */
interface MeasuredRatio {
  medianRatio: number;
  low: number;
  high: number;
  detectable: number;
}

const percent = (fraction: number) => `${(100 * fraction).toFixed(1)} %`;

/** The predict-then-run exercises of notebook 05, by id. */
export const PREDICTIONS_05: PredictionSet = {
  "05.1": {
    question: "Predict the step-time ratio array / scalar at batch 65,536 (1 means no cost, " +
      "1.5 means the array step takes half as long again).",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !(predicted > 0) || !Number.isFinite(predicted)) {
        throw new TypeError("predict a ratio, a positive number such as 1.2");
      }
      const m = measured as MeasuredRatio;
      if (![m?.medianRatio, m?.low, m?.high, m?.detectable].every(Number.isFinite)) {
        throw new TypeError("measured must be a row of timingSweep (medianRatio, low, high)");
      }
      const ok = predicted >= m.low && predicted <= m.high;
      const head = `You predicted ${predicted}; the run measured a median ratio of ` +
        `${m.medianRatio.toFixed(3)} (95 % CI ${m.low.toFixed(3)}–${m.high.toFixed(3)}). `;
      const reading = m.low <= 1 && m.high >= 1
        ? `The interval contains 1: this run cannot tell the array's cost from none; a true ` +
          `cost larger than ±${percent(m.detectable)} would have shown. `
        : `The interval excludes 1: the array step is ${m.low > 1 ? "slower" : "faster"} here, by ${
          percent(Math.abs(m.medianRatio - 1))
        }. `;
      const gap = ok
        ? "Your prediction lies inside the interval."
        : predicted > m.high
        ? "Your prediction is above the interval: the array adds one mean over B numbers, a " +
          "single small kernel, while the forward and backward pass through the layers grows " +
          "with B as well, so the extra work stays a small share of the step."
        : "Your prediction is below the interval: the array version does all the scalar " +
          "version's work plus the framework's mean, so it cannot be much faster; a ratio below " +
          "1 is the machine's noise.";
      return { ok, message: head + reading + gap };
    },
  },
};
