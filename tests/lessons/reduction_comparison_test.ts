/**
 * compareReductions: one SGD step worked by hand for the mean, a trimmed mean and a top-k mean;
 * identical starting weights across reductions; errors; no leak.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { compareReductions } from "../../notebooks/lessons/reduction_comparison.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { topKMean, trimmedMean } from "../../lib/losses/robust.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("compareReductions: one SGD step per reduction, by hand", async () => {
  // ŷ = w·x with w = 0, x = 1: losses (0 − y)² = 1, 4, 9, 10000; ∂ℓᵢ/∂w = −2yᵢ.
  // mean: ∂L/∂w = −2·106/4 = −53, w = 0.53; trimmed 0.25 drops 10000: −2·6/3 = −4, w = 0.04;
  // top-1 keeps 10000 only: −200, w = 2. Validation x = 1, y = 2: (w − 2)².
  const rows = await assertNoLeak(() =>
    compareReductions({
      build: () =>
        tf.sequential({
          layers: [
            tf.layers.dense({
              units: 1,
              inputShape: [1],
              useBias: false,
              kernelInitializer: "zeros",
            }),
          ],
        }),
      loss: meanSquaredError,
      reductions: {
        mean: "sum_over_batch_size",
        trimmed: trimmedMean({ trim: 0.25 }),
        top1: topKMean({ k: 1 }),
      },
      x: [[1], [1], [1], [1]],
      y: [[1], [2], [3], [100]],
      validation: [[[1]], [[2]]],
      optimizer: () => tf.train.sgd(0.01),
      epochs: 1,
      batchSize: 4,
    })
  );
  assert.deepEqual(rows.map((r) => r.name), ["mean", "trimmed", "top1"]);
  assertClose(rows.map((r) => r.trainLoss), [2503.5, 14 / 3, 10000], 1e-3);
  assertClose(rows.map((r) => r.valLoss), [(0.53 - 2) ** 2, (0.04 - 2) ** 2, 0], 1e-4);
});

Deno.test("compareReductions: every copy starts from the same random weights", async () => {
  // Two names for the same reduction must give the same numbers, bit for bit.
  const rows = await compareReductions({
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 3, activation: "relu", inputShape: [2] }),
          tf.layers.dense({ units: 1 }),
        ],
      }),
    loss: meanSquaredError,
    reductions: { a: "sum_over_batch_size", b: "sum_over_batch_size" },
    x: [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]],
    y: [[1], [2], [3], [4], [5]],
    validation: [[[2, 2]], [[1]]],
    epochs: 3,
    batchSize: 2,
    seed: 5,
  });
  assert.equal(rows[0].valLoss, rows[1].valLoss);
  assert.equal(rows[0].trainLoss, rows[1].trainLoss);
});

Deno.test("compareReductions: bad options are named", async () => {
  const base = {
    build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
    loss: meanSquaredError,
    x: [[1]],
    y: [[1]],
    validation: [[[1]], [[1]]] as const,
  };
  await assert.rejects(
    () => compareReductions({ ...base, reductions: {} }),
    (e: Error) =>
      e instanceof RangeError && /compareReductions: reductions is empty/.test(e.message),
  );
  await assert.rejects(
    // @ts-expect-error: validation needs x and y
    () => compareReductions({ ...base, reductions: { m: "sum" }, validation: [[[1]]] }),
    (e: Error) => e instanceof TypeError && /validation must be \[x, y\]/.test(e.message),
  );
});
