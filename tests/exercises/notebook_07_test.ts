/**
 * Notebook 07's checkers and predictions give the right hint for the usual wrong answers (the
 * reference solutions are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { softF1 } from "../../lib/losses/mod.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("07.1: a prediction is compared with the measured value, and the gap explained", async () => {
  // 100 pairs of identical rows: each anchor spreads its softmax over the 199 other rows, one of
  // them its positive, so the loss is −log(1/199) = 5.293 (hand-worked).
  const measured = Math.log(199);
  const none = await checkPrediction("07.1", undefined, measured);
  assert.ok(!none.ok && !none.message.includes("5.29"), none.message);
  const exact = await checkPrediction("07.1", 5.29, measured);
  assert.ok(exact.ok && exact.message.includes("measured 5.293"), exact.message);
  const zero = await checkPrediction("07.1", 0, measured);
  assert.ok(!zero.ok && zero.message.includes("worst case"), zero.message);
  const offByOne = await checkPrediction("07.1", Math.log(200), measured);
  assert.ok(!offByOne.ok && offByOne.message.includes("count the candidates"), offByOne.message);
  const far = await checkPrediction("07.1", 2, measured);
  assert.ok(!far.ok && far.message.includes("log(2B − 1)"), far.message);
  const text = await checkPrediction("07.1", "4.8", measured);
  assert.ok(!text.ok && text.message.includes("Commit to one number"), text.message);
});

Deno.test("07.2: a prediction of the sorted batches' soft F1 is set against the measurement", async () => {
  // Made-up measurements with the notebook's shape.
  const measured = {
    sortedBatches: 0.6,
    randomBatches: 0.55,
    wholeSet: 0.43,
    crossEntropySorted: 1.5324,
    crossEntropyRandom: 1.53241,
    classes: 5,
    classesPresent: 1.2,
    absentF1: 0.45,
  };
  const close = await checkPrediction("07.2", 0.65, measured);
  assert.ok(close.ok && close.message.includes("0.600"), close.message);
  assert.ok(close.message.includes("float32 rounding"), close.message);
  assert.ok(
    close.message.includes("1.2 of the 5") && close.message.includes("0.450"),
    close.message,
  );
  const unchanged = await checkPrediction("07.2", 0.43, measured);
  assert.ok(
    !unchanged.ok && unchanged.message.includes("only the company") &&
      unchanged.message.includes("s / (Σp + s)"),
    unchanged.message,
  );
  const allAbsentZero = await checkPrediction("07.2", 0.8, measured);
  assert.ok(!allAbsentZero.ok && !allAbsentZero.message.includes("only the company"));
  const differentCe = await checkPrediction("07.2", 0.6, { ...measured, crossEntropySorted: 1.6 });
  assert.ok(!differentCe.message.includes("float32"), differentCe.message);
  const broken = await checkPrediction("07.2", 0.6, { sortedBatches: 0.6 });
  assert.ok(!broken.ok && broken.message.includes("randomBatches"), broken.message);
});

Deno.test("07.3: per-sample values, a wrong divisor and both orders get their own hints", async () => {
  const matrix = (t: tf.Tensor, p: tf.Tensor) => {
    const y = tf.reshape(t, [-1]) as tf.Tensor1D, s = tf.reshape(p, [-1]);
    const d = tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0));
    return { y, pairs: tf.outerProduct(y, tf.sub(1, y) as tf.Tensor1D), d };
  };
  const perSample = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d))), 1);
    });
  const everyPair = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.mean(tf.mul(pairs, tf.relu(tf.sub(1, d))));
    });
  // Penalises every mixed pair in both directions: the negative-first pairs wrongly count too.
  const bothOrders = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      const mixed = tf.add(pairs, tf.transpose(pairs));
      return tf.div(tf.sum(tf.mul(mixed, tf.relu(tf.sub(1, d)))), tf.sum(mixed));
    });
  const noGuard = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.div(tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d)))), tf.sum(pairs));
    });
  const [a, b, c, e] = await Promise.all(
    [perSample, everyPair, bothOrders, noGuard].map((fn) => checkExercise("07.3", fn)),
  );
  assert.ok(!a.ok && a.message.includes("no per-sample"), a.message);
  assert.ok(!b.ok && b.message.includes("divisor"), b.message);
  assert.ok(!c.ok && c.message.includes("positive first"), c.message);
  assert.ok(!e.ok && e.message.includes("no pairs"), e.message);
});

/** Weighted macro soft F1 with plain loops, written for this test (smoothing 1e-6). */
function loops(y: number[][], p: number[][], w: number[]): number {
  let sum = 0;
  for (let c = 0; c < y[0].length; c++) {
    let tp = 0, sizes = 0;
    for (let i = 0; i < y.length; i++) {
      tp += w[i] * y[i][c] * p[i][c];
      sizes += w[i] * y[i][c] + w[i] * p[i][c];
    }
    sum += (2 * tp + 1e-6) / (sizes + 1e-6);
  }
  return 1 - sum / y[0].length;
}

Deno.test("07.4: weighted counts pass; a rescaled, unweighted or per-sample loss gets its hint", async () => {
  // Hand-worked: y = [1,0],[0,1]; p = [0.8,0.2],[0.4,0.6]; w = 2, 1. Class 0: TP 1.6, Σy 2, Σp 2.0
  // → F1 3.2 / 4 = 0.8; class 1: TP 0.6, Σy 1, Σp 1.0 → F1 1.2 / 2 = 0.6. Loss 1 − 0.7 = 0.3.
  const [y, p, w] = [[[1, 0], [0, 1]], [[0.8, 0.2], [0.4, 0.6]], [2, 1]];
  assert.ok(Math.abs(loops(y, p, w) - 0.3) < 1e-6);
  const lib = softF1(y, p, { sampleWeight: w });
  assert.ok(Math.abs(lib.dataSync()[0] - 0.3) < 1e-5, "the library's weighted counts agree");
  lib.dispose();
  // A weight of 2 is the row copied once more.
  assert.ok(Math.abs(loops([y[0], ...y], [p[0], ...p], [1, 1, 1]) - 0.3) < 1e-6);

  const byLoops = (t: tf.Tensor, q: tf.Tensor, sw: number[]) =>
    tf.scalar(loops(t.arraySync() as number[][], q.arraySync() as number[][], sw));
  assert.ok((await checkExercise("07.4", byLoops)).ok);

  const rescaled = (t: tf.Tensor, q: tf.Tensor, sw: number[]) =>
    tf.tidy(() => tf.mul(softF1(t, q), sw.reduce((s, v) => s + v, 0) / sw.length));
  const r = await checkExercise("07.4", rescaled);
  assert.ok(!r.ok && r.message.includes("mean weight"), r.message);
  const unweighted = await checkExercise("07.4", (t: tf.Tensor, q: tf.Tensor) => softF1(t, q));
  assert.ok(!unweighted.ok && unweighted.message.includes("does not change"), unweighted.message);
  const tpOnly = (t: tf.Tensor, q: tf.Tensor, sw: number[]) =>
    tf.tidy(() => {
      const wt = tf.tensor2d(sw, [sw.length, 1]);
      const tp = tf.sum(tf.mul(wt, tf.mul(t, q)), 0);
      const sizes = tf.add(tf.sum(t, 0), tf.sum(q, 0));
      return tf.sub(1, tf.mean(tf.div(tf.add(tf.mul(2, tp), 1e-6), tf.add(sizes, 1e-6))));
    });
  const tpo = await checkExercise("07.4", tpOnly);
  assert.ok(!tpo.ok && tpo.message.includes("true positives"), tpo.message);
  const perRow = (t: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(t, q), 1);
  const pr = await checkExercise("07.4", perRow);
  assert.ok(!pr.ok && pr.message.includes("one number"), pr.message);
});
