import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from "../../lib/losses/regression.ts";
import { reduceLoss } from "../../lib/losses/reduce.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

const T = [[0, 1], [0, 0]];
const P = [[1, 1], [1, 0]];
const P2 = [[0.6, 0.4], [0.4, 0.6]];

Deno.test("regression losses: Keras class docstring examples (per sample, then reduced)", () => {
  // tf.keras 2 `keras/losses.py` class docstrings; `none` gives the per-sample values, the default
  // sum_over_batch_size their mean, sample_weight [0.7, 0.3] (or [1, 0] / [0.8, 0.2]) as stated.
  const mse = meanSquaredError(T, P);
  assertClose(mse, [0.5, 0.5], 1e-6);
  assertClose(reduceLoss(mse, { sampleWeight: [0.7, 0.3] }), 0.25, 1e-3);

  const mae = meanAbsoluteError(T, P);
  assertClose(mae, [0.5, 0.5], 1e-6);
  assertClose(reduceLoss(mae, { reduction: "sum" }), 1.0, 1e-3);

  const mape = meanAbsolutePercentageError([[2, 1], [2, 3]], P);
  assertClose(mape, [25, 75], 1e-3);
  assertClose(reduceLoss(mape), 50, 1e-3);
  assertClose(reduceLoss(mape, { sampleWeight: [0.7, 0.3] }), 20, 1e-3);

  const msle = meanSquaredLogarithmicError(T, P);
  assertClose(msle, [0.240, 0.240], 1e-3);
  assertClose(reduceLoss(msle, { sampleWeight: [0.7, 0.3] }), 0.120, 1e-3);

  // Huber: the function docstring prints 0.155, the batch mean; per-sample values are [0.18, 0.13].
  const h = huber(T, P2);
  assertClose(h, [0.18, 0.13], 1e-6);
  assertClose(reduceLoss(h), 0.155, 1e-3);
  assertClose(reduceLoss(h, { sampleWeight: [1, 0] }), 0.09, 1e-3);

  // LogCosh: docstring 0.108 is the mean of [0.217, 0]; sample_weight [0.8, 0.2] -> 0.087.
  const lc = logCosh([[0, 1], [0, 0]], [[1, 1], [0, 0]]);
  assertClose(lc, [0.217, 0], 1e-3);
  assertClose(reduceLoss(lc), 0.108, 1e-3);
  assertClose(reduceLoss(lc, { sampleWeight: [0.8, 0.2] }), 0.087, 1e-3);
  tf.dispose([mse, mae, mape, msle, h, lc]);
});

Deno.test("regression losses: hand-worked values against a plain-JS loop, rank 3 and delta", () => {
  // [batch 2, time 2, d 3] gives [2, 2]; expected values from a plain loop over the last axis.
  const t = [[[1, 2, 3], [0, -1, 4]], [[2, 2, 2], [-3, 0, 1]]];
  const p = [[[1.5, 2, 1], [1, -1, 0]], [[0, 5, 2], [-3, 0.5, 3]]];
  const perRow = (f: (a: number, b: number) => number) =>
    t.map((s, i) => s.map((r, j) => r.reduce((acc, a, k) => acc + f(a, p[i][j][k]), 0) / 3));
  assertClose(meanSquaredError(t, p), perRow((a, b) => (a - b) ** 2).flat(), 1e-5);
  assertClose(meanAbsoluteError(t, p), perRow((a, b) => Math.abs(a - b)).flat(), 1e-5);
  const hub = (d: number) => (a: number, b: number) => {
    const e = Math.abs(b - a);
    return e <= d ? 0.5 * e * e : d * e - 0.5 * d * d;
  };
  assertClose(huber(t, p, { delta: 1.5 }), perRow(hub(1.5)).flat(), 1e-5);
  assertClose(
    logCosh(t, p),
    perRow((a, b) => Math.log(Math.cosh(b - a))).flat(),
    1e-5,
  );
  assert.deepEqual(meanSquaredError(t, p).shape, [2, 2]);
  // MAPE with a zero target divides by epsilon = 1e-7: |0 - 1| / 1e-7 * 100 / 1 = 1e9.
  assertClose(meanAbsolutePercentageError([[0]], [[1]]), 1e9, 1e3);
});

Deno.test("regression losses: [batch] yTrue with [batch, 1] yPred, as Keras accepts", () => {
  // Squared errors 1 and 4, one value per sample.
  assertClose(meanSquaredError([1, 2], [[2], [4]]), [1, 4], 1e-6);
  assert.deepEqual(meanSquaredError([1, 2], [[2], [4]]).shape, [2]);
});

Deno.test("regression losses: tfjs tf.losses agree on the batch mean, differ per element", () => {
  const yT = tf.tensor2d([[0, 1, 2], [3, 4, 5]]);
  const yP = tf.tensor2d([[1, 1, 0], [3, 2, 8]]);
  // tfjs default (SUM_BY_NONZERO_WEIGHTS, no weights) = mean over all elements = Keras batch mean.
  const none = tf.Reduction.NONE;
  const pairs = [
    [
      meanSquaredError,
      tf.losses.meanSquaredError(yT, yP),
      tf.losses.meanSquaredError(yT, yP, undefined, none),
    ],
    [
      meanAbsoluteError,
      tf.losses.absoluteDifference(yT, yP),
      tf.losses.absoluteDifference(yT, yP, undefined, none),
    ],
    // tfjs's huberLoss takes delta as its 4th argument; default 1 like Keras.
    [huber, tf.losses.huberLoss(yT, yP), tf.losses.huberLoss(yT, yP, undefined, 1, none)],
  ] as const;
  for (const [ours, theirsMean, theirsNone] of pairs) {
    assertClose(reduceLoss(ours(yT, yP)), theirsMean.dataSync(), 1e-5, ours.name);
    // Reduction.NONE in tfjs is per element ([2, 3]); ours is per sample ([2]) and equals the
    // mean of tfjs's elements over the last axis.
    assert.deepEqual(theirsNone.shape, [2, 3]);
    assertClose(ours(yT, yP), tf.mean(theirsNone, -1).dataSync(), 1e-5, ours.name);
  }
  tf.dispose([yT, yP]);
});

Deno.test("regression losses: extreme inputs stay finite", () => {
  const big = logCosh([[0, 0]], [[100, -100]]);
  // log(cosh(100)) = 100 - log 2 (cosh overflows float32 if computed naively).
  assertClose(big, [100 - Math.LN2], 1e-3);
  const msle = meanSquaredLogarithmicError([[-5, 0]], [[-1, 1e30]]);
  assert.ok(Number.isFinite(msle.dataSync()[0]));
  tf.dispose([big, msle]);
});

Deno.test("regression losses: bad input", () => {
  assertThrowsWith(
    () => meanSquaredError([[1, 2]], [[1, 2, 3]]),
    RangeError,
    "meanSquaredError: yTrue has shape [1, 2] but yPred has shape [1, 3]",
  );
  assertThrowsWith(
    () => meanAbsoluteError([], []),
    RangeError,
    "meanAbsoluteError: yPred has shape [0]: empty batch",
  );
  assertThrowsWith(() => logCosh(1, 2), RangeError, "logCosh: yPred is a scalar");
  assertThrowsWith(
    () => huber([[1]], [[2]], { delta: -1 }),
    RangeError,
    "huber: options.delta is -1, expected a number > 0",
  );
  assertThrowsWith(
    () => huber([[1]], [[2]], { delat: 2 } as never),
    RangeError,
    'huber: options.delat is not an option, did you mean "delta"?',
  );
  assertThrowsWith(
    () => meanSquaredError([[1, 2], [3, NaN]], [[1, 2], [3, 4]]),
    RangeError,
    "meanSquaredError: yTrue has 1 non-finite value, first at [1][1] (NaN)",
  );
  assertThrowsWith(
    () => meanSquaredError([[1, "a"]] as never, [[1, 2]]),
    TypeError,
    'meanSquaredError: yTrue[0][1] is the string "a"',
  );
});

Deno.test("regression losses: no leaks", async () => {
  const t = tf.tensor2d([[0, 1], [2, 3]]), p = tf.tensor2d([[1, 1], [0, 0]]);
  for (
    const f of [
      meanSquaredError,
      meanAbsoluteError,
      meanAbsolutePercentageError,
      meanSquaredLogarithmicError,
      huber,
      logCosh,
    ]
  ) {
    await assertNoLeak(() => f(t, p), f.name);
    await assertNoLeak(() => f([[0, 1]], [[1, 1]]), f.name);
  }
  await assertNoLeak(() => {
    try {
      meanSquaredError(t, [[1]]);
    } catch { /* expected */ }
  });
  tf.dispose([t, p]);
});
