import * as tf from "@tensorflow/tfjs";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";
import { seededRandom, setupBackend } from "../../lib/runtime/backend.ts";
import {
  compareGradients,
  perSampleLosses,
  trainTwins,
} from "../../notebooks/lessons/same_training.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";

await setupBackend({ backend: "wasm", seed: 3 });

const meanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
const arrayLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
const sumLoss = (t: tf.Tensor, p: tf.Tensor) => tf.sum(tf.square(tf.sub(p, t)));

/** y = w·x + b with one input, starting from the given weight and bias. */
function linear(w: number, b: number): tf.LayersModel {
  return tf.sequential({
    layers: [tf.layers.dense({
      units: 1,
      inputShape: [1],
      kernelInitializer: tf.initializers.constant({ value: w }),
      biasInitializer: tf.initializers.constant({ value: b }),
    })],
  });
}

Deno.test("compareGradients: mean and per-sample MSE give the hand-worked gradient", async () => {
  // w = 2, b = 1, x = [1, 2], y = [0, 1]: predictions 3, 5, errors e = 3, 4.
  // MSE = (9 + 16) / 2 = 12.5; dL/dw = (2/2)·(3·1 + 4·2) = 11; dL/db = (2/2)·(3 + 4) = 7.
  const model = linear(2, 1);
  const g = await assertNoLeak(() =>
    compareGradients({ model, losses: [meanLoss, arrayLoss], x: [[1], [2]], y: [[0], [1]] })
  );
  assertClose(g.batchLoss, [12.5, 12.5], 1e-5);
  assertClose(g.largestGradient, 11, 1e-5);
  assert.ok(g.maxAbsDifference <= 1e-6, g.summary);
  assert.equal(g.weightCount, 2);
  assert.ok(g.summary.includes("meanLoss") && g.summary.includes("arrayLoss"), g.summary);
  model.dispose();
});

Deno.test("compareGradients: a batch sum doubles the gradient of a batch of 2", () => {
  // The sum of squares is 25 and its gradient is N = 2 times the mean's: (22, 14) vs (11, 7).
  const model = linear(2, 1);
  const g = compareGradients({ model, losses: [meanLoss, sumLoss], x: [[1], [2]], y: [[0], [1]] });
  assertClose(g.batchLoss, [12.5, 25], 1e-5);
  assertClose(g.maxAbsDifference, 11, 1e-5);
  assertClose(g.largestGradient, 22, 1e-5);
  model.dispose();
});

Deno.test("compareGradients: bad arguments name the function and the argument", () => {
  const model = linear(1, 0);
  assertThrowsWith(
    () => compareGradients({ model, losses: [meanLoss] as never, x: [[1]], y: [[1]] }),
    TypeError,
    "compareGradients: losses is [function]",
  );
  assertThrowsWith(
    () => compareGradients({ model, losses: [meanLoss, arrayLoss], x: [[1], [2]], y: [[1]] }),
    RangeError,
    "compareGradients: x has shape [2, 1] and y [1, 1]",
  );
  assertThrowsWith(
    () =>
      compareGradients({ model: {} as never, losses: [meanLoss, arrayLoss], x: [[1]], y: [[1]] }),
    TypeError,
    "compareGradients: model is object, expected a tf.LayersModel",
  );
  model.dispose();
});

/** Fisher–Yates exactly as tf.util.shuffle documents it: swap the last of `counter` with a pick. */
function shuffleInPlace(a: number[], random: () => number): void {
  for (let counter = a.length; counter > 0;) {
    const index = (random() * counter) | 0;
    counter--;
    [a[counter], a[index]] = [a[index], a[counter]];
  }
}

Deno.test("trainTwins: both copies match a plain-JS SGD loop over the seeded batch order", async () => {
  const xs = [0, 1, 2, 3], ys = [1, 3, 5, 7];
  const lr = 0.05, epochs = 3, batchSize = 2, seed = 11;
  // Plain JS: the order fit draws (one in-place shuffle of one index array per epoch, from
  // Math.random = seededRandom(seed)), MSE gradients (2/B)·Σe·x and (2/B)·Σe, SGD steps.
  const random = seededRandom(seed);
  const order = [0, 1, 2, 3];
  let w = 0.5, b = 0;
  const epochLoss: number[] = [];
  let reordered = false;
  for (let e = 0; e < epochs; e++) {
    shuffleInPlace(order, random);
    reordered ||= order.join() !== "0,1,2,3";
    let total = 0;
    for (let s = 0; s < xs.length; s += batchSize) {
      const batch = order.slice(s, s + batchSize);
      const errors = batch.map((i) => w * xs[i] + b - ys[i]);
      total += errors.reduce((acc, err) => acc + err * err, 0);
      const gw = (2 / batch.length) * errors.reduce((acc, err, k) => acc + err * xs[batch[k]], 0);
      const gb = (2 / batch.length) * errors.reduce((acc, err) => acc + err, 0);
      w -= lr * gw;
      b -= lr * gb;
    }
    epochLoss.push(total / xs.length);
  }
  assert.ok(reordered, "the seed should reorder the batches at least once");

  const before = tf.memory().numTensors;
  const twins = await trainTwins({
    build: () => linear(0.5, 0),
    losses: [meanLoss, arrayLoss],
    x: xs.map((v) => [v]),
    y: ys.map((v) => [v]),
    epochs,
    batchSize,
    optimizer: () => tf.train.sgd(lr),
    seed,
  });
  for (const model of twins.models) {
    assertClose(model.getWeights().flatMap((t) => Array.from(t.dataSync())), [w, b], 1e-5);
  }
  assertClose(twins.history[0], epochLoss, 1e-4);
  assertClose(twins.history[1], epochLoss, 1e-4);
  assert.ok(twins.maxWeightDifference <= 1e-6, twins.summary);
  assert.ok(twins.maxLossDifference <= 1e-6, twins.summary);
  assertClose(twins.largestWeight, Math.max(Math.abs(w), Math.abs(b)), 1e-5);
  twins.dispose();
  assert.equal(tf.memory().numTensors, before, "trainTwins + dispose leaves no tensors");
});

Deno.test("trainTwins: copies start from the same weights even when build draws new ones", async () => {
  // Random initialisers draw different weights per build; one SGD step on a full batch from the
  // same start with equivalent losses must land on the same weights.
  const twins = await trainTwins({
    build: () => tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] }),
    losses: [meanLoss, arrayLoss],
    x: [[1, 2], [3, 4], [5, 6]],
    y: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    batchSize: 3,
    optimizer: () => tf.train.sgd(0.1),
  });
  assert.ok(twins.maxWeightDifference <= 1e-6, twins.summary);
  twins.dispose();
});

Deno.test("trainTwins: a batch-sum loss trains a different model", async () => {
  const twins = await trainTwins({
    build: () => linear(0.5, 0),
    losses: [meanLoss, sumLoss],
    x: [[0], [1], [2], [3]],
    y: [[1], [3], [5], [7]],
    batchSize: 4,
    optimizer: () => tf.train.sgd(0.01),
  });
  // Full batch, one step from w = 0.5, b = 0: predictions 0, 0.5, 1, 1.5, errors -1, -2.5, -4, -5.5.
  // Mean gradient for w: (2/4)·Σe·x = (2/4)·(-27) = -13.5 (for b: -6.5); the sum's is 4× that,
  // so after one step of lr 0.01 the two w differ by 0.01·3·13.5 = 0.405 (the b by 0.195).
  assertClose(twins.maxWeightDifference, 0.405, 1e-5);
  twins.dispose();
});

Deno.test("trainTwins: bad arguments name the function and the argument", async () => {
  const base = {
    build: () => linear(1, 0),
    losses: [meanLoss, arrayLoss] as const,
    x: [[1]],
    y: [[1]],
  };
  await assert.rejects(
    () => trainTwins({ ...base, epochs: 0 }),
    (e: Error) => e instanceof RangeError && e.message.includes("trainTwins: epochs is 0"),
  );
  await assert.rejects(
    () => trainTwins({ ...base, build: "dense" as never }),
    (e: Error) => e instanceof TypeError && e.message.includes("trainTwins: build is string"),
  );
  const before = tf.memory().numTensors;
  const shared = tf.train.sgd(0.1);
  await assert.rejects(
    () => trainTwins({ ...base, optimizer: () => shared }),
    (e: Error) => e instanceof TypeError && e.message.includes("the same optimizer twice"),
  );
  assert.equal(tf.memory().numTensors, before, "a failed call disposes what it built");
});

Deno.test("perSampleLosses: one squared error per row, worked by hand", async () => {
  // Prediction = 2·x + 1: 3, 5, 7 against 0, 5, 9 -> squared errors 9, 0, 4.
  const model = linear(2, 1);
  const losses = await assertNoLeak(() =>
    perSampleLosses({ model, loss: meanSquaredError, x: [[1], [2], [3]], y: [[0], [5], [9]] })
  );
  assertClose(losses, [9, 0, 4], 1e-5);
  assertThrowsWith(
    () => perSampleLosses({ model, loss: meanLoss, x: [[1], [2], [3]], y: [[0], [5], [9]] }),
    RangeError,
    "perSampleLosses: loss returned shape [], expected [3]",
  );
  model.dispose();
});
