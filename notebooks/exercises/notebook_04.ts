/**
 * Checkers for the exercises of notebook 04 (structured data: sequences and graphs).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { seededRandom } from "../../lib/runtime/mod.ts";
import type { ExerciseSet } from "./_check.ts";
import type { Tensor } from "../../lib/_core/tensor_input.ts";

type Matrix = number[][];

/** A `rows × cols` batch of per-token losses in [0, 5) and a 0/1 mask with padding at either end. */
function randomBatch(seed: number, rows: number, cols: number): { loss: Matrix; mask: Matrix } {
  const random = seededRandom(seed);
  const loss = Array.from({ length: rows }, () => Array.from({ length: cols }, () => random() * 5));
  const mask = Array.from({ length: rows }, (_, i) => {
    const n = 1 + Math.floor(random() * cols); // 1..cols real tokens
    const atStart = i % 2 === 1; // odd rows padded at the start, like GOOG
    return Array.from({ length: cols }, (_, t) => (atStart ? t >= cols - n : t < n) ? 1 : 0);
  });
  return { loss, mask };
}

const rowSum = (loss: Matrix, mask: Matrix, i: number) =>
  loss[i].reduce((s, v, t) => s + v * mask[i][t], 0);
const rowCount = (mask: Matrix, i: number) => mask[i].reduce((s, v) => s + v, 0);

/** Plain-JS "sequence" normalisation: mean over non-empty rows of each row's masked mean. */
function referenceSequenceLoss(loss: Matrix, mask: Matrix): number {
  const means = loss.map((_, i) =>
    rowCount(mask, i) > 0 ? rowSum(loss, mask, i) / rowCount(mask, i) : NaN
  )
    .filter((m) => !Number.isNaN(m));
  return means.reduce((a, b) => a + b, 0) / means.length;
}

/** Plain-JS "token" normalisation. */
function referenceTokenLoss(loss: Matrix, mask: Matrix): number {
  const sum = loss.reduce((s, _, i) => s + rowSum(loss, mask, i), 0);
  return sum / mask.reduce((s, _, i) => s + rowCount(mask, i), 0);
}

/**
 * Calls a learner's tensor function and returns its result as one number, or a hint. Tensors it
 * leaves behind (besides the result) are reported as a hint too.
 */
function scalarOf(
  fn: (...args: never[]) => unknown,
  args: () => unknown[],
): number | string {
  const inputs = args();
  const before = tf.memory().numTensors;
  const out = (fn as (...a: unknown[]) => unknown)(...inputs);
  tf.dispose(inputs.filter((a): a is Tensor => a instanceof tf.Tensor));
  if (!(out instanceof tf.Tensor)) {
    return "Return a tensor (a scalar), built with tf ops so gradients can flow through it.";
  }
  const size = out.size, value = out.dataSync()[0];
  out.dispose();
  const leaked = tf.memory().numTensors -
    (before - inputs.filter((a) => a instanceof tf.Tensor).length);
  if (size !== 1) return `Return one number (a scalar tensor); yours has ${size} values.`;
  if (leaked > 0) {
    return "The value is computed, but intermediate tensors are left in memory: wrap the body in " +
      "tf.tidy(() => ...).";
  }
  return value;
}

/** The exercises of notebook 04, by id. */
export const EXERCISES_04: ExerciseSet = {
  "04.1": {
    question: "Write `sequenceLoss(perToken, mask)`: each sequence's mean over its real tokens, " +
      "then the mean over the sequences with at least one real token, as a scalar tensor.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (perToken: Tensor, mask: Tensor) => Tensor;
      const cases = [randomBatch(11, 4, 6), randomBatch(12, 3, 9), randomBatch(13, 5, 4)];
      // A row of padding only: it has no mean and must not count.
      cases[1].mask[1] = cases[1].mask[1].map(() => 0);
      cases.unshift({ loss: [[1, 2, 3], [6, 100, 100]], mask: [[1, 1, 1], [1, 0, 0]] });
      for (const { loss, mask } of cases) {
        const got = scalarOf(fn, () => [tf.tensor2d(loss), tf.tensor2d(mask)]);
        if (typeof got === "string") return got;
        const want = referenceSequenceLoss(loss, mask);
        if (Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want))) continue;
        if (Math.abs(got - referenceTokenLoss(loss, mask)) < 1e-4) {
          return 'That is the "token" normalisation (every real token counts the same). Average ' +
            "within each sequence first, then across sequences.";
        }
        if (Number.isNaN(got)) {
          return "NaN: a sequence with no real token divides 0 by 0. Leave such sequences out " +
            "(tf.divNoNan helps), and average over the sequences that have a real token.";
        }
        return "Not quite: sum loss × mask along the time axis, divide by each sequence's number " +
          "of real tokens, then average over the sequences that have at least one.";
      }
      return true;
    },
  },
  "04.2": {
    question: "Write `microBatchLoss(perToken, mask, numItemsInBatch)`: one micro-batch's share " +
      "of the step's loss, so that the shares of all micro-batches add up to the full batch's " +
      "token loss.",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (perToken: Tensor, mask: Tensor, numItemsInBatch: number) => Tensor;
      const cases: [number, number, number, number[]][] = [
        [21, 6, 5, [0, 2, 6]],
        [22, 7, 8, [0, 1, 4, 7]],
        [23, 5, 3, [0, 3, 5]],
      ];
      for (const [seed, rows, cols, cuts] of cases) {
        const { loss, mask } = randomBatch(seed, rows, cols);
        const total = mask.reduce((s, _, i) => s + rowCount(mask, i), 0);
        let sum = 0, naive = 0;
        for (let k = 0; k + 1 < cuts.length; k++) {
          const l = loss.slice(cuts[k], cuts[k + 1]), m = mask.slice(cuts[k], cuts[k + 1]);
          const got = scalarOf(fn, () => [tf.tensor2d(l), tf.tensor2d(m), total]);
          if (typeof got === "string") return got;
          sum += got;
          naive += referenceTokenLoss(l, m) / (cuts.length - 1);
        }
        const want = referenceTokenLoss(loss, mask);
        if (Math.abs(sum - want) <= 1e-4 * Math.max(1, want)) continue;
        // The bug either way: micro-batch means averaged, or summed without the 1/K.
        const k = cuts.length - 1;
        if ([naive, k * naive].some((b) => Math.abs(sum - b) < 1e-4 * Math.max(1, b))) {
          return "That reproduces the 2024 bug: dividing by this micro-batch's own token count " +
            "(and averaging) weights small micro-batches' tokens more. Use the step's count.";
        }
        return "Not quite: the shares must add up to Σ loss·mask / (real tokens of the whole " +
          "step). What should one micro-batch divide its masked sum by?";
      }
      return true;
    },
  },
  "04.3": {
    question: "Write `perGraphMeans(nodeLosses, segmentIds, numGraphs)`: the mean loss of every " +
      "graph, where node j belongs to graph segmentIds[j].",
    check(answer) {
      if (typeof answer !== "function") return "Pass the function itself, not its result.";
      const fn = answer as (losses: number[], ids: number[], numGraphs: number) => number[];
      const random = seededRandom(31);
      const cases: [number[], number[], number][] = [[[2, 4, 9, 1, 3], [0, 0, 1, 2, 2], 3]];
      for (const [n, g] of [[40, 7], [12, 12], [25, 3]]) {
        // Every graph gets one node first, so none is empty; the rest are spread at random.
        const ids = Array.from({ length: n }, (_, j) => j < g ? j : Math.floor(random() * g));
        cases.push([Array.from({ length: n }, () => random() * 3), ids, g]);
      }
      for (const [losses, ids, g] of cases) {
        const got = fn(losses.slice(), ids.slice(), g);
        if (!Array.isArray(got) && !ArrayBuffer.isView(got)) {
          return "Return an array of numbers, one per graph.";
        }
        const values = Array.from(got as ArrayLike<number>);
        if (values.length !== g) {
          return `Return one mean per graph: ${g} graphs here, your array has ${values.length}.`;
        }
        const sums = new Array<number>(g).fill(0), counts = new Array<number>(g).fill(0);
        ids.forEach((k, j) => {
          sums[k] += losses[j];
          counts[k]++;
        });
        if (values.every((v, k) => Math.abs(v - sums[k]) < 1e-9) && counts.some((c) => c > 1)) {
          return "Those are the sums per graph; a graph's loss is its mean: divide by its nodes.";
        }
        if (values.some((v, k) => !(Math.abs(v - sums[k] / counts[k]) < 1e-9))) {
          return "Not quite: add each node's loss to its graph's sum, count the nodes per graph, " +
            "then divide.";
        }
      }
      return true;
    },
  },
};
