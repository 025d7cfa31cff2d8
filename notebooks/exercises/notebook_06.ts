/**
 * Checkers for the exercises of notebook 06 (verdicts).
 *
 * @module
 */
import type { ExerciseSet, PredictionSet } from "./_check.ts";

/** A step-time ratio's median with its bootstrap confidence interval. */
interface RatioCi {
  median: number;
  low: number;
  high: number;
}

function isRatioCi(value: unknown): value is RatioCi {
  const v = value as RatioCi;
  return typeof v === "object" && v !== null &&
    [v.median, v.low, v.high].every((x) => typeof x === "number" && Number.isFinite(x)) &&
    v.low <= v.high;
}

/** One micro-batch of a gradient-accumulation step: per-token losses and their 0/1 mask. */
interface MicroBatch {
  losses: number[][];
  mask: number[][];
}

/** Micro-batches whose real-token counts differ, with large losses at padding (mask 0). */
const MICRO_CASES: MicroBatch[][] = [
  [
    { losses: [[1, 2, 3], [4, 50, 60]], mask: [[1, 1, 1], [1, 0, 0]] },
    { losses: [[2, 2, 2], [1, 3, 99]], mask: [[1, 1, 1], [1, 1, 0]] },
  ],
  [
    { losses: [[0.5, 0.25]], mask: [[1, 1]] },
    { losses: [[8, 70]], mask: [[1, 0]] },
    { losses: [[3, 1], [40, 40]], mask: [[1, 1], [0, 0]] },
  ],
];

const sumMasked = (b: MicroBatch) =>
  b.losses.reduce((s, row, i) => s + row.reduce((t, l, j) => t + l * b.mask[i][j], 0), 0);
const countReal = (b: MicroBatch) =>
  b.mask.reduce((s, row) => s + row.reduce((t, m) => t + m, 0), 0);
const countAll = (b: MicroBatch) => b.mask.reduce((s, row) => s + row.length, 0);

/** The exercises of notebook 06, by id. */
export const EXERCISES_06: ExerciseSet = {
  "06.1": {
    question: 'Write `verdictFor(ci)` returning "array slower", "array faster" or ' +
      '"no difference detectable" from the median ratio array time / scalar time and its ' +
      "bootstrap confidence interval `{ median, low, high }`.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself.";
      const fn = answer as (ci: RatioCi) => string;
      const cases: [RatioCi, string][] = [
        [{ median: 1.3, low: 1.1, high: 1.5 }, "array slower"],
        [{ median: 0.8, low: 0.7, high: 0.9 }, "array faster"],
        [{ median: 1.0, low: 0.97, high: 1.04 }, "no difference detectable"],
        // A large median with a wide interval: a noisy run that cannot tell.
        [{ median: 1.3, low: 0.9, high: 1.8 }, "no difference detectable"],
        // A tiny difference, but a narrow interval that excludes 1: detected.
        [{ median: 1.02, low: 1.01, high: 1.03 }, "array slower"],
        [{ median: 0.97, low: 0.95, high: 0.99 }, "array faster"],
        // An interval that touches 1 contains it.
        [{ median: 1.05, low: 1, high: 1.1 }, "no difference detectable"],
      ];
      for (const [ci, want] of cases) {
        const got = fn({ ...ci });
        if (got === want) continue;
        if (typeof got !== "string") {
          return 'Return one of "array slower", "array faster", "no difference detectable".';
        }
        if (ci.low <= 1 && ci.high >= 1) {
          return "Look at the whole interval, not the median: when it contains 1, a repeat of " +
            "the run could put the median on either side of 1.";
        }
        if (Math.abs(ci.median - 1) < 0.05) {
          return "A small median difference can still be detected: what matters is whether the " +
            "interval leaves out 1, however close to 1 it lies.";
        }
        return "Compare the interval's ends with 1: it lies entirely above 1 (the array takes " +
          "longer) or entirely below it.";
      }
      return true;
    },
  },
  "06.3": {
    question: "Write `microBatchLosses(microBatches)`: for K micro-batches `{ losses, mask }` " +
      "(per-token losses `[rows, time]` and their 0/1 mask), the loss each micro-batch " +
      "contributes, so that the K values add up to the token mean of the whole step.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself.";
      const fn = answer as (batches: MicroBatch[]) => unknown;
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));
      for (const batches of MICRO_CASES) {
        const copy = batches.map((b) => ({
          losses: b.losses.map((r) => [...r]),
          mask: b.mask.map((r) => [...r]),
        }));
        const got = fn(copy);
        if (
          !Array.isArray(got) || got.length !== batches.length ||
          !got.every((v) => typeof v === "number" && Number.isFinite(v))
        ) {
          return "Return one finite number per micro-batch.";
        }
        const realTokens = batches.reduce((s, b) => s + countReal(b), 0);
        const want = batches.map((b) => sumMasked(b) / realTokens);
        if (want.every((w, k) => close(got[k], w))) continue;
        const K = batches.length;
        if (batches.every((b, k) => close(got[k], sumMasked(b) / countReal(b) / K))) {
          return "Each micro-batch divides by its own real tokens: that is the bug of §7 " +
            "(mean_of_micro_means). A token in a micro-batch with few real tokens then weighs " +
            "more than one in a full micro-batch.";
        }
        const positions = batches.reduce((s, b) => s + countAll(b), 0);
        if (batches.every((b, k) => close(got[k], sumMasked(b) / positions))) {
          return "Your denominator counts the padding too, as a 0/1 sample_weight does in Keras " +
            "(§7, the paragraph on loss.py): only real tokens should count.";
        }
        const total = got.reduce((s, v) => s + v, 0);
        if (close(total, want.reduce((s, v) => s + v, 0))) {
          return "The K values add up to the right loss, but each micro-batch's share is off: its " +
            "gradient is computed from its own value, so each must hold exactly its tokens' part.";
        }
        return "Add up your K values: the total should be the loss of the whole step, where every " +
          "real token counts the same and padding not at all. See §7, the row that matches the " +
          "full batch.";
      }
      return true;
    },
  },
};

/** The predict-then-run exercises of notebook 06, by id. */
export const PREDICTIONS_06: PredictionSet = {
  "06.2": {
    question: "Predict the median ratio array step time / scalar step time for a batch of " +
      "PROBE_BATCH rows with one output, a batch size the sweep did not time (a positive number; " +
      "1 means no cost).",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !Number.isFinite(predicted) || predicted <= 0) {
        throw new TypeError(`the prediction is ${String(predicted)}, expected a positive number`);
      }
      if (!isRatioCi(measured)) {
        throw new TypeError("the measurement should be { median, low, high } with low ≤ high");
      }
      const { median, low, high } = measured;
      const half = (high - low) / 2;
      const interval = `median ${median.toFixed(3)}, 95 % CI ${low.toFixed(3)}–${high.toFixed(3)}`;
      const detectable = `this run could detect differences of about ±${(100 * half).toFixed(1)} %`;
      const inside = predicted >= low && predicted <= high;
      const containsOne = low <= 1 && high >= 1;
      const verdict = containsOne
        ? "The interval contains 1: no difference was detected, and any prediction inside it " +
          "is as good as the median."
        : `The interval excludes 1: the array was ${
          low > 1 ? "slower" : "faster"
        } on this run, by more than the noise.`;
      if (inside) {
        return {
          ok: true,
          message: `You predicted ${predicted}; the run measured ${interval}. Your prediction ` +
            `lies inside the interval, so this run cannot tell it from the median; ${detectable}. ` +
            verdict,
        };
      }
      const side = predicted > high ? "above" : "below";
      return {
        ok: false,
        message: `You predicted ${predicted}; the run measured ${interval}. Your prediction lies ` +
          `${side} the interval: a repeat of the run would almost never put the median there; ` +
          `${detectable}. ${verdict} A large batch makes each step long, so the clock's noise ` +
          "shrinks relative to it and the interval narrows around the cost the array really has.",
      };
    },
  },
};
