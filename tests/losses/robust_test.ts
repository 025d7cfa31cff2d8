import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { keptMask, robustMean, topKMean, trimmedMean } from "../../lib/losses/robust.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { train } from "../../lib/training/train.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("keptMask: floor(trim·n) largest dropped; top-k keeps k largest; ties by index", () => {
  // n = 10, trim 0.25 -> floor(2.5) = 2 dropped: the values 9 and 8 (indices 0 and 5).
  const v = [9, 1, 2, 3, 4, 8, 5, 6, 7, 0];
  assert.deepEqual(Array.from(keptMask(v, { method: "trimmed_mean", trim: 0.25 })), [
    0,
    1,
    1,
    1,
    1,
    0,
    1,
    1,
    1,
    1,
  ]);
  assert.deepEqual(Array.from(keptMask([1, 3, 3, 2], { method: "top_k", k: 1 })), [0, 1, 0, 0]);
  assertThrowsWith(
    () => keptMask(v, { method: "trimmed_mean", trim: 1 }),
    RangeError,
    "keptMask: options.trim is 1, expected a number in [0, 1)",
  );
  assertThrowsWith(
    () => keptMask(v, { method: "top_k", k: 11 }),
    RangeError,
    "keptMask: options.k is 11, expected an integer in [1, 10] (values has 10)",
  );
  assertThrowsWith(
    // deno-lint-ignore no-explicit-any
    () => keptMask(v, { method: "median" } as any),
    RangeError,
    'keptMask: options.method is "median", expected "trimmed_mean" or "top_k"',
  );
  // The reductions check their option when made, under their own name.
  assertThrowsWith(
    () => trimmedMean({ trim: -0.1 }),
    RangeError,
    "trimmedMean: options.trim is -0.1, expected a number in [0, 1)",
  );
  assertThrowsWith(
    () => topKMean({ k: 0 }),
    RangeError,
    "topKMean: options.k is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => keptMask([1, NaN], { method: "top_k", k: 1 }),
    RangeError,
    "keptMask: values has 1 non-finite value, first at 1 (NaN)",
  );
  assertThrowsWith(
    () => robustMean([1, Infinity], { method: "top_k", k: 1 }),
    RangeError,
    "robustMean: values has 1 non-finite value, first at 1 (Infinity)",
  );
  assertThrowsWith(
    () => robustMean([1, 2], { method: "trimmed_mean", trim: 0.1, k: 1 } as never),
    RangeError,
    "robustMean: options.k is not an option",
  );
  assertThrowsWith(
    () => trimmedMean({ trim: 0.1, k: 1 } as never),
    RangeError,
    "trimmedMean: options.k is not an option",
  );
  const values = tf.tensor1d([1, 2]),
    weights = tf.tensor1d([1, -5]),
    three = tf.tensor1d([1, 1, 1]);
  assertThrowsWith(
    () => trimmedMean({ trim: 0.5 })(values, weights),
    RangeError,
    "trimmedMean: sampleWeight[1] is -5, expected a weight >= 0",
  );
  assertThrowsWith(
    () => topKMean({ k: 1 })(values, three),
    RangeError,
    "topKMean: sampleWeight has shape [3], expected [2] or [2, 1]",
  );
  tf.dispose([values, weights, three]);
});

Deno.test("robustMean: value and gradient only through kept samples, no leak", async () => {
  const v = tf.tensor1d([1, 10, 2, 3]);
  await assertNoLeak(() => {
    // trim 0.25 of 4 -> drop one (10): mean of 1, 2, 3 = 2; gradient 1/3 on kept, 0 on dropped.
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) =>
      robustMean(t, { method: "trimmed_mean", trim: 0.25 }) as tf.Scalar
    )(v);
    assertClose(value, [2], 1e-6);
    assertClose(grad, [1 / 3, 0, 1 / 3, 1 / 3], 1e-6);
    tf.dispose([value, grad]);
  });
  v.dispose();
});

Deno.test("trimmedMean in train: the outlier gets no gradient (hand-computed SGD step)", async () => {
  // ŷ = w·x with w = 0; per-sample (w·x − y)²; x = 1 for all; y = [1, 2, 100].
  // trim 1/3 drops the 100 row: loss = (1 + 4) / 2; dL/dw = (−2·1 − 2·2) / 2 = −3.
  const w = tf.variable(tf.zeros([1, 1]));
  const opt = tf.train.sgd(0.1);
  const res = await assertNoLeak(() =>
    train((x) => tf.matMul(x, w), [[1], [1], [1]], [[1], [2], [100]], {
      loss: meanSquaredError,
      reduction: trimmedMean({ trim: 1 / 3 }),
      optimizer: opt,
      batchSize: 3,
      variables: [w],
      quiet: true,
    })
  );
  assertClose(res.history.loss, [2.5], 1e-6);
  assertClose(w, [0.3], 1e-6);
  // topKMean with k = 1 on the same data focuses on the 100 row: dL/dw = −200.
  const w2 = tf.variable(tf.zeros([1, 1]));
  await train((x) => tf.matMul(x, w2), [[1], [1], [1]], [[1], [2], [100]], {
    loss: meanSquaredError,
    reduction: topKMean({ k: 1 }),
    optimizer: opt,
    batchSize: 3,
    variables: [w2],
    quiet: true,
  });
  assertClose(w2, [20], 1e-4);
  tf.dispose([w, w2]);
  opt.dispose();
});
