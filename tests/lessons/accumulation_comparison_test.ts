import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { compareAccumulation } from "../../notebooks/lessons/accumulation_comparison.ts";
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
    "compareAccumulation: microBatches is 1, expected an integer of at least 2",
  );
});
