import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { reduceLoss } from "../../lib/losses/reduce.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

// Per-sample MSE values of Keras's MeanSquaredError docstring example
// (y_true [[0, 1], [0, 0]], y_pred [[1, 1], [1, 0]] -> per-sample [0.5, 0.5]).
const KERAS_MSE = [0.5, 0.5];

Deno.test("reduceLoss: Keras MeanSquaredError docstring numbers for every reduction", () => {
  // tf.keras 2 docstring: mse(...) = 0.5; sample_weight [0.7, 0.3] -> 0.25; SUM -> 1.0; NONE -> [0.5, 0.5].
  assertClose(reduceLoss(KERAS_MSE), 0.5, 1e-6);
  assertClose(reduceLoss(KERAS_MSE, { sampleWeight: [0.7, 0.3] }), 0.25, 1e-6);
  assertClose(reduceLoss(KERAS_MSE, { reduction: "sum" }), 1.0, 1e-6);
  assertClose(reduceLoss(KERAS_MSE, { reduction: "none" }), [0.5, 0.5], 1e-6);
  // "mean" is Keras 3's alias of sum_over_batch_size.
  assertClose(reduceLoss(KERAS_MSE, { reduction: "mean" }), 0.5, 1e-6);
});

Deno.test("reduceLoss: hand-worked weighted reductions", () => {
  // values [1, 2, 3, 4], weights [1, 0, 2, 1]: weighted [1, 0, 6, 4], sum 11, N 4, sum(w) 4.
  const values = [1, 2, 3, 4], sampleWeight = [1, 0, 2, 1];
  assertClose(reduceLoss(values, { sampleWeight }), 11 / 4, 1e-6);
  assertClose(reduceLoss(values, { sampleWeight, reduction: "sum" }), 11, 1e-6);
  assertClose(reduceLoss(values, { sampleWeight, reduction: "mean_with_sample_weight" }), 11 / 4);
  assertClose(reduceLoss(values, { sampleWeight, reduction: "none" }), [1, 0, 6, 4], 1e-6);
  // weights [0, 0, 2, 1]: weighted [0, 0, 6, 4] -> weighted mean 10 / 3.
  assertClose(
    reduceLoss(values, { sampleWeight: [0, 0, 2, 1], reduction: "mean_with_sample_weight" }),
    10 / 3,
    1e-6,
  );
  // All-zero weights: Keras's divide_no_nan gives 0, not NaN.
  assertClose(
    reduceLoss(values, { sampleWeight: [0, 0, 0, 0], reduction: "mean_with_sample_weight" }),
    0,
  );
  // Without weights, mean_with_sample_weight is the plain mean (Keras divides by N).
  assertClose(reduceLoss(values, { reduction: "mean_with_sample_weight" }), 2.5, 1e-6);
});

Deno.test("reduceLoss: broadcasting of scalar, [batch], [batch, 1] and full-shape weights", () => {
  // values [[1, 2], [3, 4]] (batch 2, time 2).
  const values = [[1, 2], [3, 4]];
  // scalar 2: every value doubled, mean (2 + 4 + 6 + 8) / 4 = 5.
  assertClose(reduceLoss(values, { sampleWeight: 2 }), 5, 1e-6);
  // [batch] [1, 0]: sample 0's time steps kept -> (1 + 2) / 4 = 0.75 (tf.keras 2 semantics).
  assertClose(reduceLoss(values, { sampleWeight: [1, 0] }), 0.75, 1e-6);
  assertClose(reduceLoss(values, { sampleWeight: [1, 0], reduction: "none" }), [1, 2, 0, 0]);
  // Weighted mean over broadcast weights: (1 + 2) / (1 + 1) = 1.5.
  assertClose(
    reduceLoss(values, { sampleWeight: [1, 0], reduction: "mean_with_sample_weight" }),
    1.5,
    1e-6,
  );
  // Full shape: [[1, 0], [0, 1]] -> (1 + 4) / 4.
  assertClose(reduceLoss(values, { sampleWeight: [[1, 0], [0, 1]] }), 1.25, 1e-6);
  // [batch, 1] weights on [batch] values (Keras squeezes): [1, 2] . [[2], [0]] -> 2 / 2.
  assertClose(reduceLoss([1, 2], { sampleWeight: [[2], [0]] }), 1, 1e-6);
  // A scalar loss (already averaged) can only be rescaled: 3 * mean([1, 0, 2]) = 3.
  assertClose(reduceLoss(3, { sampleWeight: [1, 0, 2] }), 3, 1e-6);
  assertClose(reduceLoss(3, { sampleWeight: [1, 0, 2], reduction: "sum" }), 9, 1e-6);
});

Deno.test("reduceLoss: agrees with tfjs computeWeightedLoss where they match, pins where not", () => {
  const values = tf.tensor1d([1, 2, 3, 4]);
  const w = tf.tensor1d([1, 0, 2, 1]);
  // SUM agrees.
  assertClose(
    reduceLoss(values, { sampleWeight: w, reduction: "sum" }),
    tf.losses.computeWeightedLoss(values, w, tf.Reduction.SUM).dataSync(),
    1e-6,
  );
  // tfjs MEAN is sum(w·ℓ) / sum(w) = Keras mean_with_sample_weight.
  assertClose(
    reduceLoss(values, { sampleWeight: w, reduction: "mean_with_sample_weight" }),
    tf.losses.computeWeightedLoss(values, w, tf.Reduction.MEAN).dataSync(),
    1e-6,
  );
  // tfjs default SUM_BY_NONZERO_WEIGHTS divides 11 by 3 non-zero weights; Keras divides by 4.
  const tfjsDefault = tf.losses.computeWeightedLoss(values, w).dataSync()[0];
  assertClose(tfjsDefault, 11 / 3, 1e-6);
  assertClose(reduceLoss(values, { sampleWeight: w }), 11 / 4, 1e-6);
  tf.dispose([values, w]);
});

Deno.test("reduceLoss: bad input names function, argument and value", () => {
  assertThrowsWith(
    () => reduceLoss([1, 2], { reduction: "avg" as never }),
    RangeError,
    'reduceLoss: options.reduction is "avg"',
    "sum_over_batch_size",
  );
  assertThrowsWith(
    () => reduceLoss([1, 2, 3, 4], { sampleWeight: [1, 2, 3] }),
    RangeError,
    "reduceLoss: options.sampleWeight has shape [3], expected a scalar, [4] or [4, 1]",
  );
  assertThrowsWith(
    () => reduceLoss([[1, 2], [3, 4]], { sampleWeight: [[1, 2]] }),
    RangeError,
    "sampleWeight has shape [1, 2]",
  );
  assertThrowsWith(
    () => reduceLoss([1, 2], { sampleWeight: [1, -1] }),
    RangeError,
    "reduceLoss: options.sampleWeight[1] is -1, expected a weight >= 0",
  );
  assertThrowsWith(
    () => reduceLoss([1, 2], { sampleWeight: [1, NaN] }),
    RangeError,
    "reduceLoss: options.sampleWeight has 1 non-finite value, first at [1] (NaN)",
  );
  assertThrowsWith(
    () => reduceLoss([]),
    RangeError,
    "reduceLoss: values has shape [0], expected at least one loss value",
  );
  assertThrowsWith(
    () => reduceLoss([[1, 2], [3]]),
    TypeError,
    "reduceLoss: values is ragged",
  );
  assertThrowsWith(
    () => reduceLoss([1, 2], { reducton: "sum" } as never),
    RangeError,
    'reduceLoss: options.reducton is not an option, did you mean "reduction"?',
  );
  assertThrowsWith(
    () => reduceLoss([1, -Infinity]),
    RangeError,
    "reduceLoss: values has 1 non-finite value, first at [1] (-Infinity)",
  );
  assertThrowsWith(
    () => reduceLoss([1, 2], { reduction: 3 as never }),
    TypeError,
    "reduceLoss: options.reduction is 3, expected one of",
  );
});

Deno.test("reduceLoss: no tensor leaks, including on errors", async () => {
  const v = tf.tensor2d([[1, 2], [3, 4]]);
  for (
    const reduction of ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
  ) {
    await assertNoLeak(() =>
      reduceLoss(v, { reduction: reduction as never, sampleWeight: [1, 2] })
    );
    await assertNoLeak(() => reduceLoss(v, { reduction: reduction as never }));
  }
  await assertNoLeak(() => {
    try {
      reduceLoss(v, { sampleWeight: [1, -2] });
    } catch { /* expected */ }
  });
  // "none" without weights returns a new tensor: disposing it leaves the input alive.
  const out = reduceLoss(v, { reduction: "none" });
  out.dispose();
  assert.equal(v.isDisposed, false);
  v.dispose();
});
