import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from "../../lib/losses/probabilistic.ts";
import { reduceLoss } from "../../lib/losses/reduce.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

const T2 = [[0, 1], [0, 0]];
const P2 = [[0.6, 0.4], [0.4, 0.6]];
const LOGITS = [-18.6, 0.51, 2.94, -12.8];
const ONE_HOT = [[0, 1, 0], [0, 0, 1]];
const PROBS = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

Deno.test("binaryCrossentropy: Keras docstring numbers (probabilities and logits)", () => {
  // Keras 3 `binary_crossentropy` docstring: [0.916, 0.714]; tf.keras 2 BinaryCrossentropy class:
  // batch mean 0.815, sample_weight [1, 0] -> 0.458, sum 1.630.
  const bce = binaryCrossentropy(T2, P2);
  assertClose(bce, [0.916, 0.714], 1e-3);
  assertClose(reduceLoss(bce), 0.815, 1e-3);
  assertClose(reduceLoss(bce, { sampleWeight: [1, 0] }), 0.458, 1e-3);
  assertClose(reduceLoss(bce, { reduction: "sum" }), 1.630, 1e-3);
  // tf.keras 2 class docstring, from_logits: 1-D [4] is one sample -> 0.865; as [[..],[..]]:
  // none [0.235, 1.496], sample_weight [0.8, 0.2] -> 0.243.
  assertClose(binaryCrossentropy([0, 1, 0, 0], LOGITS, { fromLogits: true }), 0.865, 1e-3);
  const byRow = binaryCrossentropy([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]], {
    fromLogits: true,
  });
  assertClose(byRow, [0.235, 1.496], 1e-3);
  assertClose(reduceLoss(byRow, { sampleWeight: [0.8, 0.2] }), 0.243, 1e-3);
});

Deno.test("binaryCrossentropy: label smoothing by hand and against tfjs sigmoidCrossEntropy", () => {
  // s = 0.2: y 1 -> 0.9; -(0.9 ln 0.8 + 0.1 ln 0.2) = 0.361773 (hand-worked).
  assertClose(binaryCrossentropy([[1]], [[0.8]], { labelSmoothing: 0.2 }), 0.361773, 1e-5);
  // tfjs sigmoidCrossEntropy uses the same smoothing (y(1-s) + s/2); NONE is per element.
  const y = tf.tensor2d([[0, 1, 1], [1, 0, 0]]);
  const x = tf.tensor2d([[-2, 0.5, 3], [1, -1, 4]]);
  const theirs = tf.losses.sigmoidCrossEntropy(y, x, undefined, 0.1, tf.Reduction.NONE);
  assertClose(
    binaryCrossentropy(y, x, { fromLogits: true, labelSmoothing: 0.1 }),
    tf.mean(theirs, -1).dataSync(),
    1e-5,
  );
  tf.dispose([y, x, theirs]);
});

Deno.test("binaryCrossentropy: tfjs logLoss agrees inside (ε, 1 − ε), differs at p = 1", () => {
  const y = [[0, 1, 1, 0]], p = [[0.2, 0.7, 0.99, 0.5]];
  const theirs = tf.losses.logLoss(tf.tensor2d(y), tf.tensor2d(p), undefined, 1e-7);
  assertClose(reduceLoss(binaryCrossentropy(y, p)), theirs.dataSync(), 1e-5);
  // p = 1, y = 0: Keras clips p to float32(1 - 1e-7) = 1 - 2^-23 -> -ln(2^-23) = 15.942;
  // tfjs adds eps inside the log: -ln(1e-7) = 16.118.
  assertClose(binaryCrossentropy([[0]], [[1]]), 23 * Math.LN2, 1e-3);
  assertClose(tf.losses.logLoss(tf.tensor2d([[0]]), tf.tensor2d([[1]])).dataSync(), 16.118, 1e-3);
});

Deno.test("cross-entropies: extreme inputs are finite (logits ±100, probabilities 0 and 1)", () => {
  // Stable logits form: y 0 with x 100 and y 1 with x -100 each cost exactly 100.
  assertClose(binaryCrossentropy([[0, 1]], [[100, -100]], { fromLogits: true }), 100, 1e-3);
  assertClose(binaryCrossentropy([[1, 0]], [[100, -100]], { fromLogits: true }), 0, 1e-6);
  // Probabilities 0 and 1, wrong way round: both clipped, finite.
  const clipped = binaryCrossentropy([[1, 0]], [[0, 1]]).dataSync()[0];
  assert.ok(Number.isFinite(clipped) && clipped > 15 && clipped < 17);
  // Categorical logits [100, -100, 0], label 1: logsumexp = 100, loss = 200.
  assertClose(
    categoricalCrossentropy([[0, 1, 0]], [[100, -100, 0]], { fromLogits: true }),
    200,
    1e-2,
  );
  assertClose(
    sparseCategoricalCrossentropy([1], [[100, -100, 0]], { fromLogits: true }),
    200,
    1e-2,
  );
  for (
    const v of [
      categoricalCrossentropy([[1, 0]], [[0, 1]]),
      sparseCategoricalCrossentropy([0], [[0, 1]]),
      binaryFocalCrossentropy([[0, 1]], [[100, -100]], { fromLogits: true }),
      categoricalFocalCrossentropy([[1, 0]], [[-100, 100]], { fromLogits: true }),
      klDivergence([[1, 0]], [[0, 1]]),
    ]
  ) {
    for (const x of v.dataSync()) assert.ok(Number.isFinite(x), `not finite: ${x}`);
  }
});

Deno.test("binaryFocalCrossentropy: Keras docs and a plain-JS loop", () => {
  // Keras 3 function docstring (gamma 2): [0.330, 0.206].
  assertClose(binaryFocalCrossentropy(T2, P2, { gamma: 2 }), [0.330, 0.206], 1e-3);
  // Plain-JS reference for the logits example (Keras: sigmoid, clip, bce, (1 - p_t)^gamma).
  const focalJs = (y: number, x: number, gamma: number, balance: boolean) => {
    const p = Math.min(Math.max(sigmoid(x), 1e-7), 1 - 1e-7);
    const bce = -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    const pt = y * sigmoid(x) + (1 - y) * (1 - sigmoid(x));
    const w = balance ? y * 0.25 + (1 - y) * 0.75 : 1;
    return w * (1 - pt) ** gamma * bce;
  };
  const y = [0, 1, 0, 0];
  const mean = (f: (yi: number, xi: number) => number) =>
    y.reduce((s, yi, i) => s + f(yi, LOGITS[i]), 0) / 4;
  const plain = binaryFocalCrossentropy(y, LOGITS, { gamma: 2, fromLogits: true });
  assertClose(plain, mean((a, b) => focalJs(a, b, 2, false)), 1e-4);
  // tf.keras 2 BinaryFocalCrossentropy docstring: 0.691 (gamma 2, from_logits).
  assertClose(plain, 0.691, 1e-3);
  const balanced = binaryFocalCrossentropy(y, LOGITS, {
    gamma: 2,
    fromLogits: true,
    applyClassBalancing: true,
  });
  assertClose(balanced, mean((a, b) => focalJs(a, b, 2, true)), 1e-4);
  // gamma 0 without balancing is plain binary cross-entropy.
  assertClose(
    binaryFocalCrossentropy(T2, P2, { gamma: 0 }),
    binaryCrossentropy(T2, P2).dataSync(),
    1e-6,
  );
});

Deno.test("categoricalCrossentropy / sparse: Keras docs, tfjs softmaxCrossEntropy, [batch, 1]", () => {
  // Keras docstrings: per sample [0.0513, 2.303]; class: mean 1.177, sample_weight [0.3, 0.7]
  // -> 0.814, sum 2.354.
  const cce = categoricalCrossentropy(ONE_HOT, PROBS);
  assertClose(cce, [0.0513, 2.303], 1e-3);
  assertClose(reduceLoss(cce), 1.177, 1e-3);
  assertClose(reduceLoss(cce, { sampleWeight: [0.3, 0.7] }), 0.814, 1e-3);
  assertClose(reduceLoss(cce, { reduction: "sum" }), 2.354, 1e-3);
  const scce = sparseCategoricalCrossentropy([1, 2], PROBS);
  assertClose(scce, [0.0513, 2.303], 1e-3);
  assertClose(sparseCategoricalCrossentropy([[1], [2]], PROBS), [0.0513, 2.303], 1e-3);
  // tfjs softmaxCrossEntropy (logits; same smoothing y(1-s) + s/k) with NONE is per sample.
  const x = tf.tensor2d([[2, -1, 0.5], [0, 3, -2], [1, 1, 1]]);
  const labels = [0, 1, 2];
  const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), 3);
  const theirs = tf.losses.softmaxCrossEntropy(oneHot, x, undefined, 0, tf.Reduction.NONE);
  assertClose(categoricalCrossentropy(oneHot, x, { fromLogits: true }), theirs.dataSync(), 1e-5);
  assertClose(sparseCategoricalCrossentropy(labels, x, { fromLogits: true }), theirs.dataSync());
  const smooth = tf.losses.softmaxCrossEntropy(oneHot, x, undefined, 0.3, tf.Reduction.NONE);
  assertClose(
    categoricalCrossentropy(oneHot, x, { fromLogits: true, labelSmoothing: 0.3 }),
    smooth.dataSync(),
    1e-5,
  );
  // Probabilities = softmax(logits) give the same loss as the logits.
  const probs = tf.softmax(x);
  assertClose(categoricalCrossentropy(oneHot, probs), theirs.dataSync(), 1e-4);
  assertClose(sparseCategoricalCrossentropy(labels, probs), theirs.dataSync(), 1e-4);
  // [batch, time, k] with [batch, time] labels gives [batch, time].
  const seq = sparseCategoricalCrossentropy([[0, 1]], [[[0.5, 0.5], [0.25, 0.75]]]);
  assert.deepEqual(seq.shape, [1, 2]);
  assertClose(seq, [Math.LN2, -Math.log(0.75)], 1e-5);
  tf.dispose([x, oneHot, theirs, smooth, probs]);
});

Deno.test("categoricalFocalCrossentropy, klDivergence, poisson: Keras docs", () => {
  // Keras 3 docstring: [3.2058331e-05, 4.6627346e-01]; tf.keras 2 class: mean 0.23315276,
  // sample_weight [0.3, 0.7] -> 0.1632.
  const cfc = categoricalFocalCrossentropy(ONE_HOT, PROBS);
  assertClose(cfc, [3.2058331e-5, 0.46627346], 1e-3);
  assertClose(reduceLoss(cfc), 0.23315276, 1e-3);
  assertClose(reduceLoss(cfc, { sampleWeight: [0.3, 0.7] }), 0.1632, 1e-3);
  // Per-class alpha [1, 1, 1] and gamma 0: plain categorical cross-entropy.
  assertClose(
    categoricalFocalCrossentropy(ONE_HOT, PROBS, { alpha: [1, 1, 1], gamma: 0 }),
    [0.0513, 2.303],
    1e-3,
  );
  // tf.keras 2 KLDivergence class: none [0.916, -3.08e-06], mean 0.458, sw [0.8, 0.2] -> 0.366.
  const kl = klDivergence(T2, P2);
  assertClose(kl, [0.916, -3.08e-6], 1e-3);
  assertClose(reduceLoss(kl), 0.458, 1e-3);
  assertClose(reduceLoss(kl, { sampleWeight: [0.8, 0.2] }), 0.366, 1e-3);
  // tf.keras 2 Poisson class: y_pred [[1, 1], [0, 0]]: mean 0.5, sw [0.8, 0.2] -> 0.4, sum 0.999.
  const po = poisson(T2, [[1, 1], [0, 0]]);
  assertClose(reduceLoss(po), 0.5, 1e-3);
  assertClose(reduceLoss(po, { sampleWeight: [0.8, 0.2] }), 0.4, 1e-3);
  assertClose(reduceLoss(po, { reduction: "sum" }), 0.999, 1e-3);
});

Deno.test("probabilistic losses: bad input", () => {
  assertThrowsWith(
    () => binaryCrossentropy([[0, 1]], [[0.5, 1.5]]),
    RangeError,
    "binaryCrossentropy: yPred[0][1] is 1.5, expected a number in [0, 1] (probabilities; pass " +
      "{ fromLogits: true } for logits)",
  );
  assertThrowsWith(
    () => categoricalCrossentropy([[0, 1]], [[-0.1, 1.1]]),
    RangeError,
    "categoricalCrossentropy: yPred[0][0] is -0.1",
  );
  assertThrowsWith(
    () => binaryCrossentropy([[0, 2]], [[0.5, 0.5]]),
    RangeError,
    "binaryCrossentropy: yTrue[0][1] is 2, expected a number in [0, 1]",
  );
  assertThrowsWith(
    () => binaryCrossentropy([[0]], [[0.5]], { labelSmoothing: 2 }),
    RangeError,
    "binaryCrossentropy: options.labelSmoothing is 2, expected a number in [0, 1]",
  );
  assertThrowsWith(
    () => sparseCategoricalCrossentropy([0, 3], PROBS),
    RangeError,
    "sparseCategoricalCrossentropy: yTrue[1] is 3, expected an integer in [0, 3)",
  );
  assertThrowsWith(
    () => sparseCategoricalCrossentropy([0, 1.5], PROBS),
    RangeError,
    "sparseCategoricalCrossentropy: yTrue[1] is 1.5, expected an integer in [0, 3)",
  );
  assertThrowsWith(
    () => sparseCategoricalCrossentropy([0, 1, 2], PROBS),
    RangeError,
    "sparseCategoricalCrossentropy: yTrue has shape [3], expected [2] or [2, 1]",
  );
  assertThrowsWith(
    () => sparseCategoricalCrossentropy([0], [0.5, 0.5]),
    RangeError,
    "sparseCategoricalCrossentropy: yPred has shape [2], expected [batch, numClasses]",
  );
  assertThrowsWith(
    () => categoricalCrossentropy(ONE_HOT, [[0.5, 0.5]]),
    RangeError,
    "categoricalCrossentropy: yTrue has shape [2, 3] but yPred has shape [1, 2]",
  );
  assertThrowsWith(
    () => binaryFocalCrossentropy(T2, P2, { gamma: -1 }),
    RangeError,
    "binaryFocalCrossentropy: options.gamma is -1, expected a number >= 0",
  );
  assertThrowsWith(
    () => categoricalFocalCrossentropy(ONE_HOT, PROBS, { alpha: [1, 2] }),
    RangeError,
    "categoricalFocalCrossentropy: options.alpha has 2 values, expected one number or 3",
  );
  assertThrowsWith(() => poisson([], []), RangeError, "poisson: yPred has shape [0]: empty batch");
  assertThrowsWith(
    () => binaryCrossentropy(T2, P2, { fromLogit: true } as never),
    RangeError,
    'binaryCrossentropy: options.fromLogit is not an option, did you mean "fromLogits"?',
  );
  assertThrowsWith(
    () => binaryCrossentropy(T2, P2, { fromLogits: "yes" } as never),
    TypeError,
    'binaryCrossentropy: options.fromLogits is "yes", expected true or false',
  );
  assertThrowsWith(
    () => categoricalCrossentropy(ONE_HOT, [[0.5, 0.5, 0], [0, 0, 0]]),
    RangeError,
    "categoricalCrossentropy: yPred[1] is [0,0,0], expected probabilities with a positive sum",
  );
  assertThrowsWith(
    () => categoricalFocalCrossentropy(ONE_HOT, PROBS, { alpha: [1, NaN, 1] }),
    RangeError,
    "categoricalFocalCrossentropy: options.alpha[1] is NaN, expected a number >= 0",
  );
  assertThrowsWith(
    () => poisson([[1, 2]], [[-0.5, 2]]),
    RangeError,
    "poisson: yPred[0][0] is -0.5, expected a number >= 0 (predicted rates",
  );
  assertThrowsWith(
    () => sparseCategoricalCrossentropy([0, 1], [[NaN, 1, 2], [0, 1, 2]], { fromLogits: true }),
    RangeError,
    "sparseCategoricalCrossentropy: yPred has 1 non-finite value, first at [0][0] (NaN)",
  );
  const inf = tf.tensor2d([[Infinity, 0.5]]);
  assertThrowsWith(
    () => klDivergence([[0.5, 0.5]], inf),
    RangeError,
    "klDivergence: yPred has 1 non-finite value, first at [0][0] (Infinity)",
  );
  const over = tf.tensor2d([[0.5, 1.5]]);
  assertThrowsWith(
    () => binaryCrossentropy([[0, 1]], over),
    RangeError,
    "binaryCrossentropy: yPred[0][1] is 1.5, expected a number in [0, 1]",
  );
  tf.dispose([inf, over]);
});

Deno.test("probabilistic losses: no leaks, including on errors", async () => {
  const t = tf.tensor2d(ONE_HOT), p = tf.tensor2d(PROBS);
  const fs = [
    binaryCrossentropy,
    binaryFocalCrossentropy,
    categoricalCrossentropy,
    categoricalFocalCrossentropy,
    klDivergence,
    poisson,
  ];
  for (const f of fs) {
    await assertNoLeak(() => f(t, p), f.name);
    await assertNoLeak(() => f(ONE_HOT, PROBS), f.name);
  }
  await assertNoLeak(() =>
    categoricalCrossentropy(t, p, { fromLogits: true, labelSmoothing: 0.1 })
  );
  await assertNoLeak(() => sparseCategoricalCrossentropy([1, 2], p));
  await assertNoLeak(() => sparseCategoricalCrossentropy([1, 2], p, { fromLogits: true }));
  const tooBig = tf.mul(p, 3);
  await assertNoLeak(() => {
    try {
      sparseCategoricalCrossentropy([1, 5], p);
    } catch { /* expected */ }
    try {
      binaryCrossentropy(t, tooBig);
    } catch { /* expected */ }
  });
  tf.dispose([t, p, tooBig]);
});
