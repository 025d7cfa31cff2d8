/**
 * Checkers for the exercises of notebook 07 (losses that couple the samples of a batch).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet, PredictionSet } from "./_check.ts";
import { inspectLoss } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

const show = (x: number) => x.toFixed(3);

/** The hinge AUC surrogate by its definition: a double loop over (positive, negative) pairs. */
function referenceHinge(y: number[], s: number[]): number {
  let sum = 0, pairs = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] === 1 && y[j] === 0) {
        sum += Math.max(0, 1 - (s[i] - s[j]));
        pairs++;
      }
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/** Seeded binary labels (both classes present) and scores. */
function hingeCase(random: () => number, n: number): [number[], number[]] {
  const y = Array.from({ length: n }, (_, i) => (i < 2 ? i : random() < 0.3 ? 1 : 0));
  return [y, y.map(() => random() * 4 - 2)];
}

/**
 * The weighted macro soft-F1 loss by its definition, with plain loops: each soft count is a sum
 * over samples, and a sample of weight w enters every count w times.
 */
function referenceWeightedF1(y: number[][], p: number[][], w: number[], only = "all"): number {
  const k = y[0].length, smooth = 1e-6;
  let total = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0, sizes = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = only === "tp" ? 1 : w[i];
      tp += w[i] * y[i][c] * p[i][c];
      sizes += wi * (y[i][c] + p[i][c]); // Σy + Σp = 2TP + FP + FN
    }
    total += (2 * tp + smooth) / (sizes + smooth);
  }
  return 1 - total / k;
}

/** Seeded one-hot labels (every class present) and softmax probabilities, `n` rows, `k` classes. */
function f1Case(random: () => number, n: number, k: number): [number[][], number[][], number[]] {
  const y = Array.from({ length: n }, (_, i) => {
    const c = i < k ? i : Math.floor(random() * k);
    return Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
  });
  const p = y.map(() => {
    const e = Array.from({ length: k }, () => Math.exp(3 * random()));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  });
  const w = y.map(() => Math.round(random() * 3 * 4) / 4); // quarters from 0 to 3
  w[0] = 2; // never all zero
  return [y, p, w];
}

/** The exercises of notebook 07, by id. */
export const EXERCISES_07: ExerciseSet = {
  "07.3": {
    question: "Write `pairwiseHinge(yTrue, yPred)`: a custom loss for binary labels and scores " +
      "of shape [batch, 1] that returns one number, the mean over every (positive, negative) " +
      "pair of the batch of max(0, 1 − (s_positive − s_negative)).",
    check(answer) {
      if (typeof answer !== "function") return "Pass the loss function itself.";
      const fn = answer as (yTrue: Tensor, yPred: Tensor) => Tensor;
      const random = seededRandom(17);
      const probe = hingeCase(random, 6);
      const report = inspectLoss(fn, {
        yTrue: probe[0].map((v) => [v]),
        yPred: probe[1].map((v) => [v]),
      });
      if (report.kind !== "scalar") {
        return `Your loss returns shape [${report.outputShape}]. This loss has no per-sample ` +
          "values: every term pairs a positive with a negative. Return one number for the batch.";
      }
      const cases = [
        [[1, 0, 1, 0], [2, 1, 0, 0.5]],
        probe,
        hingeCase(random, 11),
        hingeCase(random, 23),
      ] as [number[], number[]][];
      for (const [y, s] of cases) {
        const got = tf.tidy(() => fn(tf.tensor2d(y, [y.length, 1]), tf.tensor2d(s, [s.length, 1])));
        const value = got.dataSync()[0];
        got.dispose();
        const want = referenceHinge(y, s);
        if (Math.abs(value - want) <= 1e-4 * (1 + want)) continue;
        const pos = y.filter((v) => v === 1).length, neg = y.length - pos;
        const sum = want * pos * neg;
        if (Math.abs(value - sum / (y.length * y.length)) <= 1e-4) {
          return "The terms are right but the divisor is not: average over the (positive, " +
            "negative) pairs only, not over every pair of rows in the batch.";
        }
        // Both orders: the same pairs once more with the negative first.
        const flipped = referenceHinge(y.map((v) => 1 - v), s);
        if (Math.abs(value - (want + flipped) / 2) <= 1e-4) {
          return "Only pairs with the positive first count: the loss penalises a negative that " +
            "scores above a positive (or less than the margin 1 below it), not the other way.";
        }
        return "Not quite. Every term pairs one positive with one negative of the same batch " +
          "(the pairwise AUC surrogate in §1's list, and `pairwise_auc` in §9's Keras cell with " +
          "another penalty); compare with pairwiseAucLoss(yTrue, yPred, { surrogate: " +
          '"hinge" }) on a small batch.';
      }
      const empty = tf.tidy(() => fn(tf.tensor2d([[1], [1]]), tf.tensor2d([[0.3], [0.1]])));
      const emptyValue = empty.dataSync()[0];
      empty.dispose();
      if (!Number.isFinite(emptyValue) || emptyValue !== 0) {
        return `A batch without negatives has no pairs; your loss gives ${emptyValue} there. ` +
          "Return 0 (no pairs, no penalty), not 0 / 0.";
      }
      return true;
    },
  },
  "07.4": {
    question:
      "Write `weightedSoftF1(yTrue, yPred, sampleWeight)`: the macro soft-F1 loss (one-hot " +
      "labels and probabilities [batch, k], smoothing 1e-6) in which a sample of weight 2 counts " +
      "as if it were in the batch twice and a sample of weight 0 as if it were absent; one number.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the loss function itself.";
      const fn = answer as (yTrue: Tensor, yPred: Tensor, sampleWeight: number[]) => Tensor;
      const random = seededRandom(11);
      const cases: [number[][], number[][], number[]][] = [
        [[[1, 0], [0, 1]], [[0.8, 0.2], [0.4, 0.6]], [2, 1]],
        f1Case(random, 6, 3),
        f1Case(random, 12, 5),
        f1Case(random, 24, 4),
      ];
      for (const [y, p, w] of cases) {
        const got = tf.tidy(() => fn(tf.tensor2d(y), tf.tensor2d(p), [...w]));
        const shape = got.shape, value = got.dataSync()[0];
        got.dispose();
        if (shape.length !== 0) {
          return `Your loss returns shape [${shape}]. Soft F1 is a ratio of batch sums: it has no ` +
            "per-sample values to return, so return one number for the batch.";
        }
        const want = referenceWeightedF1(y, p, w);
        if (Math.abs(value - want) <= 1e-4) continue;
        const plain = referenceWeightedF1(y, p, y.map(() => 1));
        const meanW = w.reduce((s, v) => s + v, 0) / w.length;
        if (Math.abs(value - plain * meanW) <= 1e-4) {
          return "That is the soft-F1 loss times the mean weight: what Keras's reduction does to a " +
            "returned scalar (§9), a rescaling under which no sample counts more than another. " +
            "A weight has to act where the sample enters the loss: in which sums of §1's formula " +
            "does a sample appear?";
        }
        if (Math.abs(value - plain) <= 1e-4) {
          return "Your loss does not change with the weights. A sample that is in the batch twice " +
            "adds twice to the soft counts of §1's formula.";
        }
        if (Math.abs(value - referenceWeightedF1(y, p, w, "tp")) <= 1e-4) {
          return "The weights reach the true positives but not the rest of the denominator: a " +
            "sample present twice also adds twice to its false positives and false negatives.";
        }
        return "Not quite. Check with whole-number weights: a weight of 2 must give the same loss " +
          "as the batch with that row copied once more (see the weighted-counts line of §9's " +
          "last cell).";
      }
      return true;
    },
  },
};

/** Rows of the collapsed batch of prediction 07.1: 100 items, two views each. */
const COLLAPSED_ROWS = 200;

/** A finite number, or a message asking for one. */
function asNumber(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`${what} is ${String(value)}, expected one number`);
  }
  return value;
}

/** What the notebook measures for prediction 07.2 (mean losses over the same validation days). */
interface SortedBatchesMeasurement {
  /** Mean soft-F1 loss of the batches of 8 days sorted by class. */
  sortedBatches: number;
  /** Mean soft-F1 loss of random batches of 8 days (§6). */
  randomBatches: number;
  /** Soft-F1 loss of all the days at once. */
  wholeSet: number;
  /** Mean cross-entropy over the sorted batches. */
  crossEntropySorted: number;
  /** Mean cross-entropy over random batches. */
  crossEntropyRandom: number;
  /** Number of classes. */
  classes: number;
  /** Mean number of classes present in a sorted batch. */
  classesPresent: number;
  /** Mean soft F1 of a class in a sorted batch that holds none of its days. */
  absentF1: number;
}

/** The predict-then-run exercises of notebook 07, by id. */
export const PREDICTIONS_07: PredictionSet = {
  "07.1": {
    question: "Predict, as one number, the NT-Xent loss of a batch of 100 pairs (200 rows) whose " +
      "embeddings have all collapsed onto the same vector; then run the next cell.",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !Number.isFinite(predicted)) {
        return { ok: false, message: "Commit to one number (your prediction), then run the cell." };
      }
      const value = asNumber(measured, "the measured loss");
      const said = `You predicted ${show(predicted)}; ntXent on ${COLLAPSED_ROWS} identical rows ` +
        `measured ${show(value)}.`;
      // Three significant digits: 5.29 passes; log(200) = 5.298, a neighbouring count, does not.
      if (Math.abs(predicted - value) <= 0.004) {
        return {
          ok: true,
          message:
            `${said} With every similarity equal, each anchor's softmax spreads evenly over ` +
            "the other rows, its positive among them, whatever τ. The value is set by the batch " +
            "alone: the same collapsed model scores differently in a batch of another size.",
        };
      }
      if (predicted <= 0.05) {
        return {
          ok: false,
          message: `${said} Collapse is the worst case, not a perfect score: the positive is no ` +
            "more similar to the anchor than any negative, so the softmax cannot pick it out.",
        };
      }
      const near = [COLLAPSED_ROWS, COLLAPSED_ROWS / 2, COLLAPSED_ROWS / 2 - 1]
        .some((count) => Math.abs(predicted - Math.log(count)) <= 0.004);
      if (near) {
        return {
          ok: false,
          message: `${said} Close: count the candidates in one anchor's softmax again (all ` +
            `${COLLAPSED_ROWS} rows but one: which one is left out, and is the positive among ` +
            "them?).",
        };
      }
      return {
        ok: false,
        message: `${said} With identical embeddings every similarity is equal, whatever τ, so ` +
          "each anchor's softmax gives its positive the same probability as every other " +
          "candidate. The batch-size cell of §4 prints the same quantity, log(2B − 1), for each " +
          "batch size B: the more negatives, the larger the loss.",
      };
    },
  },
  "07.2": {
    question: "Predict, as one number, the mean soft-F1 loss of the validation days sorted by " +
      "class and cut into batches of 8 (same days, same predictions as §6); then run the next cell.",
    compare(predicted, measured) {
      if (typeof predicted !== "number" || !Number.isFinite(predicted)) {
        return { ok: false, message: "Commit to one number (your prediction), then run the cell." };
      }
      const m = measured as SortedBatchesMeasurement;
      const [sorted, random, whole, ceSorted, ceRandom, classes, present, absent] = [
        "sortedBatches",
        "randomBatches",
        "wholeSet",
        "crossEntropySorted",
        "crossEntropyRandom",
        "classes",
        "classesPresent",
        "absentF1",
      ].map((key) => asNumber(m?.[key as keyof SortedBatchesMeasurement], `measured.${key}`));
      const ceSame = Math.abs(ceSorted - ceRandom) <= 1e-4 * (1 + Math.abs(ceRandom));
      const said = `You predicted ${show(predicted)}; the sorted batches' mean soft-F1 loss is ` +
        `${show(sorted)} (random batches of 8: ${show(random)}; all days at once: ` +
        `${show(whole)}). Cross-entropy over the same days: ${ceSorted.toFixed(4)} sorted, ` +
        `${ceRandom.toFixed(4)} at random${
          ceSame ? ", the same up to float32 rounding: a per-sample loss ignores the company" : ""
        }.`;
      const why = `A sorted batch holds ${present.toFixed(1)} of the ${classes} classes on ` +
        "average. A class absent from a batch has no true positives, and its soft F1 there is " +
        "s / (Σp + s): near 0 if the model gives it noticeable probability on those days, near 1 " +
        `if it gives it almost none (s = 1e-6). Here the absent classes scored ${show(absent)} ` +
        "on average: the loss of the same days with the same predictions is set by their company.";
      if (Math.abs(predicted - sorted) <= 0.1) {
        return { ok: true, message: `${said} ${why}` };
      }
      const unchanged = Math.abs(predicted - whole) <= 0.02 || Math.abs(predicted - random) <= 0.02;
      return {
        ok: false,
        message: `${said} ${
          unchanged
            ? "Sorting changes no day and no prediction, only the company; a per-sample loss " +
              "would not move, but soft F1 is a ratio of batch sums. "
            : ""
        }${why}`,
      };
    },
  },
};
