/**
 * Checkers for the exercises of notebook 07 (losses that couple the samples of a batch).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";
import { inspectLoss, ntXent } from "../../lib/losses/mod.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

/** The collapsed batch of exercise 07.1: 100 items, two views each (200 rows). */
const COLLAPSED_PAIRS = 100;

/** NT-Xent measured on 100 pairs of identical embeddings (what exercise 07.1 asks to predict). */
function measureCollapsed(): number {
  return tf.tidy(() => {
    const ids = Array.from({ length: 2 * COLLAPSED_PAIRS }, (_, i) => i % COLLAPSED_PAIRS);
    return ntXent(ids, tf.ones([2 * COLLAPSED_PAIRS, 8])).dataSync()[0];
  });
}

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

/** What Keras 3 returns for a loss value of shape () with `sample_weight`, by its source. */
function referenceKeras(loss: number, weights: number[], reduction: string): number {
  let weighted = 0, total = 0;
  for (const w of weights) {
    weighted += loss * w; // the 0-d value broadcast against [batch] weights
    total += w;
  }
  if (reduction === "sum") return weighted;
  if (reduction === "mean_with_sample_weight") return total === 0 ? 0 : weighted / total;
  return weighted / weights.length;
}

/** The exercises of notebook 07, by id. */
export const EXERCISES_07: ExerciseSet = {
  "07.1": {
    question: "Predict, as one number, the NT-Xent loss of a batch of 100 pairs (200 rows) whose " +
      "embeddings have all collapsed onto the same vector; then run the cell.",
    check(answer) {
      if (typeof answer !== "number" || !Number.isFinite(answer)) {
        return "Commit to one number (your prediction), then run the cell.";
      }
      const measured = measureCollapsed();
      // Three significant digits: 5.29 passes; log(200) = 5.298, a neighbouring count, does not.
      if (Math.abs(answer - measured) <= 0.004) return true;
      const said =
        `You predicted ${show(answer)}; the checker ran ntXent on ${
          2 * COLLAPSED_PAIRS
        } identical ` +
        `rows and measured ${show(measured)}.`;
      if (answer <= 0.05) {
        return `${said} Collapse is the worst case, not a perfect score: the positive is no ` +
          "more similar to the anchor than any negative, so the softmax cannot pick it out.";
      }
      const near = [2 * COLLAPSED_PAIRS, COLLAPSED_PAIRS, COLLAPSED_PAIRS - 1]
        .some((count) => Math.abs(answer - Math.log(count)) <= 0.004);
      if (near) {
        return `${said} Close: count the candidates in one anchor's softmax again (all ` +
          `${2 * COLLAPSED_PAIRS} rows but one: which one is left out, and is the positive among ` +
          "them?).";
      }
      return `${said} With identical embeddings every similarity is equal, whatever τ, so each ` +
        "anchor's softmax gives its positive the same probability as every other candidate. " +
        "The batch-size cell of the notebook prints the same quantity, log(2B − 1), for each " +
        "batch size B: the more negatives, the larger the loss.";
    },
  },
  "07.2": {
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
          "(the pairwise AUC line of the notebook's first list, and `pairwise_auc` in the Keras " +
          "cell with another penalty); compare with pairwiseAucLoss(yTrue, yPred, { surrogate: " +
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
  "07.3": {
    question: "Write `kerasScalarWithWeights(loss, sampleWeight, reduction)`: the number Keras 3 " +
      "minimises when a custom loss returns shape () (the value `loss`) and `fit` passes " +
      '`sample_weight` (one weight per sample), for reduction "sum_over_batch_size", "sum" or ' +
      '"mean_with_sample_weight".',
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (loss: number, weights: number[], reduction: string) => number;
      const random = seededRandom(5);
      const cases: [number, number[]][] = [
        [0.8, [1, 1, 1, 1]],
        [0.8, [4, 0, 0, 0]],
        [2.5, [0.5, 2, 1]],
        [1.3, Array.from({ length: 16 }, () => random() * 3)],
        [0.7, [0, 0]],
      ];
      for (const reduction of ["sum_over_batch_size", "sum", "mean_with_sample_weight"]) {
        for (const [loss, weights] of cases) {
          const got = fn(loss, [...weights], reduction);
          const want = referenceKeras(loss, weights, reduction);
          if (typeof got !== "number" || !Number.isFinite(got)) {
            return `Return a finite number (${reduction} with all weights 0 gives 0 in Keras).`;
          }
          if (Math.abs(got - want) <= 1e-9 * (1 + Math.abs(want))) continue;
          if (
            Math.abs(got - loss) <= 1e-9 * (1 + loss) && reduction !== "mean_with_sample_weight"
          ) {
            return `For ${reduction}, Keras does not leave a 0-d loss alone when weights are ` +
              "given: read `reduce_weighted_values` in the Keras cell — what happens to the " +
              "shape of the value once it is multiplied by the weights?";
          }
          return `Not quite for ${reduction}. Follow the Keras cell step by step: the value is ` +
            "multiplied by the weights, then `reduce_values` reduces what that product is.";
        }
      }
      return true;
    },
  },
};
