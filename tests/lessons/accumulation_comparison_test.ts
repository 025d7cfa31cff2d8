import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  compareAccumulation,
  formatAccumulationRow,
  measureAccumulation,
} from "../../notebooks/lessons/accumulation_comparison.ts";
import {
  createSequenceModel,
  perTimestepLosses,
  sequenceTokenLoss,
  trainableVariables,
} from "../../lib/structured/sequence_model.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

// The per-token losses are the variable itself, so d(loss)/d(ℓᵢₜ) is the weight of token (i, t)
// and every gradient is hand-computable. Mask rows have 4, 2, 1 and 3 real tokens (padding at the
// start of row 1, as GOOG's); K = 2 splits rows 0-1 (6 tokens) from rows 2-3 (4 tokens), N = 10.
const MASK = [[1, 1, 1, 1], [0, 0, 1, 1], [1, 0, 0, 0], [1, 1, 1, 0]];

Deno.test("compareAccumulation: hand-worked losses and gradient differences", async () => {
  // Every token's loss is 1 in rows 0-1 and 3 in rows 2-3.
  const values = MASK.map((_, i) => [1, 1, 1, 1].map((v) => (i < 2 ? v : 3 * v)));
  const l = tf.variable(tf.tensor2d(values), true, "cmp_test_losses");
  const tokenLoss = (s: number, e: number) => l.slice([s, 0], [e - s, 4]);
  const c = await assertNoLeak(() =>
    compareAccumulation(tokenLoss, { mask: MASK, microBatches: 2, variables: [l] })
  );
  assert.deepEqual(c.rows.map((r) => r.method), [
    "full batch",
    "mean_of_micro_means",
    "num_items_in_batch",
  ]);
  // Full batch: (6·1 + 4·3) / 10 = 1.8; every real token weighs 1/10.
  assertClose(c.rows[0].loss, 1.8, 1e-6);
  assertClose(c.largestGradient, 0.1, 1e-7);
  // Bug: (6/6 + 12/4) / 2 = 2; weights 1/12 (rows 0-1) and 1/8 (rows 2-3), so the largest gap
  // from 1/10 is 1/8 − 1/10 = 0.025.
  assertClose(c.rows[1].loss, 2, 1e-6);
  assertClose(c.rows[1].lossError, 0.2, 1e-6);
  assertClose(c.rows[1].maxGradientDifference, 0.025, 1e-7);
  // Fix: 6/10 + 12/10 = 1.8, weights 1/10 everywhere.
  assertClose(c.rows[2].loss, 1.8, 1e-6);
  assert.ok(c.rows[2].maxGradientDifference < 1e-7);
  assert.deepEqual(c.microBatchTokens, [6, 4]);
  assert.deepEqual(c.microBatchRows, [[0, 2], [2, 4]]);
  l.dispose();
});

Deno.test("compareAccumulation: a sequence model's step; the fix matches the full batch", () => {
  const model = createSequenceModel({ units: 3, seed: 5 });
  const x = tf.tensor3d([[[0.1], [0.5], [-0.2]], [[0], [0.3], [0.9]], [[0], [0], [0.4]]]);
  const y = tf.tensor3d([[[0.5], [-0.2], [0.3]], [[0.3], [0.9], [0.1]], [[0], [0], [0.2]]]);
  const mask = [[1, 1, 1], [1, 1, 1], [0, 0, 1]];
  const c = compareAccumulation(sequenceTokenLoss(model, x, y), {
    mask,
    microBatches: 3,
    variables: trainableVariables(model),
  });
  // Independent reference for the loss: the plain-JS token mean of the model's squared errors.
  const perToken = perTimestepLosses(model, x, y);
  const v = perToken.arraySync() as number[][];
  const real = v.flatMap((row, i) => row.filter((_, t) => mask[i][t] === 1));
  const tokenMean = real.reduce((a, b) => a + b, 0) / real.length;
  // Bug with K = 3 (one row each): the mean of the three row means.
  const rowMean = (i: number) =>
    v[i].reduce((a, b, t) => a + b * mask[i][t], 0) / mask[i].reduce((a, b) => a + b, 0);
  assertClose(c.rows[0].loss, tokenMean, 1e-6);
  assertClose(c.rows[2].loss, tokenMean, 1e-6);
  assertClose(c.rows[1].loss, (rowMean(0) + rowMean(1) + rowMean(2)) / 3, 1e-6);
  // float32 sums in a different order: agreement to ~1e-7 of gradients of order 0.1-1.
  assert.ok(c.rows[2].maxGradientDifference <= 1e-5 * Math.max(1, c.largestGradient));
  assert.ok(c.rows[1].maxGradientDifference > 100 * c.rows[2].maxGradientDifference);
  tf.dispose([x, y, perToken]);
  model.dispose();
});

Deno.test("compareAccumulation: bad microBatches names the argument", () => {
  const tokenLoss = () => tf.zeros([1, 1]);
  assertThrowsWith(
    () => compareAccumulation(tokenLoss, { mask: [[1]], microBatches: 1 }),
    RangeError,
    "compareAccumulation: microBatches is 1, expected an integer >= 2",
  );
});

Deno.test("measureAccumulation: hand-worked loss errors, gradient gaps and scale", async () => {
  // Two variables, so the largest gap and the largest gradient may sit in either of them.
  const full = { loss: 1.5, grads: { a: tf.tensor1d([0.5, -2]), b: tf.tensor2d([[1], [0.25]]) } };
  const steps = [
    {
      method: "mean_of_micro_means" as const,
      microBatches: 2,
      loss: 1.75,
      grads: { a: tf.tensor1d([0.5, -1.5]), b: tf.tensor2d([[1.125], [0.25]]) },
    },
    {
      method: "num_items_in_batch" as const,
      microBatches: 2,
      loss: 1.5,
      grads: { a: tf.tensor1d([0.5, -2]), b: tf.tensor2d([[1], [0.25]]) },
    },
  ];
  const m = await assertNoLeak(() => measureAccumulation(full, steps));
  assert.deepEqual(m.rows.map((r) => [r.method, r.microBatches]), [
    ["full batch", 1],
    ["mean_of_micro_means", 2],
    ["num_items_in_batch", 2],
  ]);
  // |−2| is the largest full-batch entry; the bug's gaps are 0.5 (a[1]) and 0.125 (b[0][0]).
  assert.equal(m.largestGradient, 2);
  assert.deepEqual(m.rows.map((r) => r.loss), [1.5, 1.75, 1.5]);
  assert.deepEqual(m.rows.map((r) => r.lossError), [0, 0.25, 0]);
  assert.deepEqual(m.rows.map((r) => r.maxGradientDifference), [0, 0.5, 0]);
  tf.dispose([full.grads, steps.map((s) => s.grads)]);
});

Deno.test("measureAccumulation: a missing variable or no gradient names the argument", async () => {
  const full = { loss: 1, grads: { a: tf.tensor1d([1]), b: tf.tensor1d([2]) } };
  const step = {
    method: "num_items_in_batch" as const,
    microBatches: 2,
    loss: 1,
    grads: { a: tf.tensor1d([1]) },
  };
  await assertNoLeak(() =>
    assertThrowsWith(
      () => measureAccumulation(full, [step]),
      RangeError,
      "measureAccumulation: steps[0] (num_items_in_batch) has no gradient for variable b",
    )
  );
  assertThrowsWith(
    () => measureAccumulation({ loss: 1, grads: {} }, []),
    RangeError,
    "measureAccumulation: full.grads has no variable",
  );
  tf.dispose([full.grads, step.grads]);
});

Deno.test("formatAccumulationRow: the printed line, percent or exponent share", () => {
  const row = (method: "full batch" | "num_items_in_batch", gap: number, error: number) => ({
    method,
    microBatches: method === "full batch" ? 1 : 3,
    loss: 0.0398726,
    lossError: error,
    maxGradientDifference: gap,
  });
  // 0 is shown as 0.0 %; 3e-8 of 0.15 is 2e-5 %, below 0.1 %, so in exponent notation.
  assert.equal(
    formatAccumulationRow(row("full batch", 0, 0), 0.15),
    "full batch           K=1  loss 0.039873  loss error 0.0e+0  max |grad - full| 0.0e+0 " +
      "(0.0 % of the largest gradient)",
  );
  assert.equal(
    formatAccumulationRow(row("num_items_in_batch", 3e-8, -1.1e-8), 0.15),
    "num_items_in_batch   K=3  loss 0.039873  loss error -1.1e-8  max |grad - full| 3.0e-8 " +
      "(2e-5 % of the largest gradient)",
  );
  assertThrowsWith(
    () => formatAccumulationRow(row("full batch", 0, 0), 0),
    RangeError,
    "formatAccumulationRow: largestGradient is 0, expected a number > 0",
  );
});
