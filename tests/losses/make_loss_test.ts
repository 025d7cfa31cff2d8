import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { makeLoss } from "../../lib/losses/make_loss.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { sparseCategoricalCrossentropy } from "../../lib/losses/probabilistic.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("makeLoss: Keras MeanSquaredError class docstring, every reduction", () => {
  // tf.keras 2 MeanSquaredError docstring: 0.5; sample_weight [0.7, 0.3] -> 0.25; sum 1.0;
  // none [0.5, 0.5].
  const t = [[0, 1], [0, 0]], p = [[1, 1], [1, 0]];
  assertClose(makeLoss(meanSquaredError)(t, p), 0.5, 1e-6);
  assertClose(makeLoss(meanSquaredError)(t, p, [0.7, 0.3]), 0.25, 1e-6);
  assertClose(makeLoss(meanSquaredError, { reduction: "sum" })(t, p), 1.0, 1e-6);
  assertClose(makeLoss(meanSquaredError, { reduction: "none" })(t, p), [0.5, 0.5], 1e-6);
  const named = makeLoss(meanSquaredError, { name: "mse" });
  assert.equal(named.lossName, "mse");
  assert.equal(named.name, "mse");
  assert.equal(named.reduction, "sum_over_batch_size");
  assert.equal(makeLoss(meanSquaredError).lossName, "meanSquaredError");
});

Deno.test("makeLoss: works as the loss of a tfjs LayersModel (evaluate and fit)", async () => {
  // Dense(1), no bias, zero kernel: predictions 0, targets [1, 2] -> per-sample [1, 4], mean 2.5.
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: "zeros" }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: makeLoss(meanSquaredError) });
  const x = tf.tensor2d([[1, 2], [3, 4]]), y = tf.tensor2d([[1], [2]]);
  const evaluated = model.evaluate(x, y) as tf.Scalar;
  assertClose(evaluated, 2.5, 1e-6);
  const history = await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  // tfjs reports the loss of the forward pass used for the step: the pre-update 2.5.
  assertClose(history.history.loss[0] as number, 2.5, 1e-6);
  // "none" reduction: tfjs takes the mean of the per-sample values itself. Expected value from the
  // updated model's predictions, by a plain-JS mean of squared errors.
  model.compile({
    optimizer: tf.train.sgd(0),
    loss: makeLoss(meanSquaredError, { reduction: "none" }),
  });
  const pred = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
  const again = model.evaluate(x, y) as tf.Scalar;
  assertClose(again, ((1 - pred[0]) ** 2 + (2 - pred[1]) ** 2) / 2, 1e-5);
  tf.dispose([x, y, evaluated, again]);
  model.dispose();
});

Deno.test("makeLoss: bad input and no leaks", async () => {
  assertThrowsWith(
    () => makeLoss(meanSquaredError, { reduction: "average" as never }),
    RangeError,
    'makeLoss: options.reduction is "average"',
  );
  assertThrowsWith(
    () => makeLoss(meanSquaredError, { reduce: "sum" } as never),
    RangeError,
    "makeLoss: options.reduce is not an option",
  );
  assertThrowsWith(
    () => makeLoss(meanSquaredError, { name: "" }),
    RangeError,
    'makeLoss: options.name is "", expected a non-empty string',
  );
  const mse = makeLoss(meanSquaredError, { name: "mse" });
  assertThrowsWith(
    () => mse([[0], [1]], [[1], [1]], [1, -1]),
    RangeError,
    "makeLoss(mse): sampleWeight[1] is -1, expected a weight >= 0",
  );
  assertThrowsWith(
    () => mse([[0], [1]], [[1], [1]], [1, 2, 3]),
    RangeError,
    "makeLoss(mse): sampleWeight has shape [3], expected a scalar, [2] or [2, 1]",
  );
  assertThrowsWith(
    () => mse([[0], [1]], [[NaN], [1]]),
    RangeError,
    "makeLoss(mse): yPred has 1 non-finite value, first at [0][0] (NaN)",
  );
  assertThrowsWith(
    () => makeLoss(42 as never),
    TypeError,
    "makeLoss: fn is 42, expected a function",
  );
  const bad = makeLoss((() => 3) as never, { name: "three" });
  assertThrowsWith(() => bad([[1]], [[1]]), TypeError, "makeLoss(three): the loss returned 3");
  const scce = makeLoss(sparseCategoricalCrossentropy);
  await assertNoLeak(() => scce([1, 0], [[0.2, 0.8], [0.6, 0.4]], [1, 2]));
  await assertNoLeak(() => {
    try {
      scce([1, 0], [[0.2, 0.8], [0.6, 0.4]], [1, -2]);
    } catch { /* expected */ }
  });
});
