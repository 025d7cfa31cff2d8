import * as tf from "@tensorflow/tfjs";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";
import { seededRandom, setupBackend } from "../../lib/runtime/backend.ts";
import {
  compareGradients,
  compareGradientsByBatch,
  FLOAT32_ROUNDING_TOLERANCE,
  perSampleLosses,
  roundingVerdict,
  summarizeGradients,
  summarizeTwins,
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

Deno.test("summarizeGradients: the notebook cell's gradients of a batch mean and a batch sum", async () => {
  // w = 2, b = 1, x = [1, 2], y = [0, 1]: errors 3, 4. Mean: 12.5, gradient (11, 7);
  // sum: 25, gradient (22, 14). The cell's largest difference is |22 − 11| = 11.
  const model = linear(2, 1);
  const [x, y] = [tf.tensor2d([[1], [2]]), tf.tensor2d([[0], [1]])];
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses = [meanLoss, sumLoss] as const;
  const gradients = losses.map((loss) =>
    tf.variableGrads(() => tf.mean(loss(y, model.apply(x) as tf.Tensor)) as tf.Scalar, variables)
  );
  const g = await assertNoLeak(() =>
    summarizeGradients({ losses, batchSize: 2, gradients, maxAbsDifference: 11 })
  );
  assertClose(g.batchLoss, [12.5, 25], 1e-5);
  assertClose(g.largestGradient, 22, 1e-5);
  assert.equal(g.weightCount, 2);
  assert.equal(g.maxAbsDifference, 11);
  assert.equal(
    g.summary,
    "One batch of 2: batch loss 12.5 with meanLoss, 25.0 with sumLoss.\n" +
      "Gradients over 2 weights: largest 22.0; largest difference between the two 11.0.",
  );
  const same = summarizeGradients({
    losses: [meanLoss, arrayLoss],
    batchSize: 2,
    gradients: [gradients[0], gradients[0]],
    maxAbsDifference: 0,
  });
  assert.match(same.summary, /between the two 0 \(identical, bit for bit\)\.$/);
  assert.ok(!gradients[0].value.isDisposed, "the gradients are read, not disposed");
  tf.dispose([gradients, x, y]);
  model.dispose();
});

Deno.test("summarizeGradients: bad arguments name the function, argument and value", () => {
  const value = tf.scalar(1), grad = tf.tensor1d([1]);
  const one = { value, grads: { w: grad } };
  const base = {
    losses: [meanLoss, arrayLoss] as const,
    batchSize: 2,
    gradients: [one, one],
    maxAbsDifference: 0,
  };
  const before = tf.memory().numTensors;
  assertThrowsWith(
    () => summarizeGradients({ ...base, gradients: [one] }),
    TypeError,
    "summarizeGradients: gradients is 1 entries, expected two results of tf.variableGrads",
  );
  assertThrowsWith(
    () => summarizeGradients({ ...base, batchSize: 0 }),
    RangeError,
    "summarizeGradients: batchSize is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => summarizeGradients({ ...base, maxAbsDifference: NaN }),
    RangeError,
    "summarizeGradients: maxAbsDifference is NaN, expected a number >= 0",
  );
  assert.equal(tf.memory().numTensors, before, "a failed call leaves no tensors");
  tf.dispose([value, grad]);
});

/** Fisher–Yates exactly as tf.util.shuffle documents it: swap the last of `counter` with a pick. */
function shuffleInPlace(a: number[], random: () => number): void {
  for (let counter = a.length; counter > 0;) {
    const index = (random() * counter) | 0;
    counter--;
    [a[counter], a[index]] = [a[index], a[counter]];
  }
}

interface TwinRecipe {
  build: () => tf.LayersModel;
  losses: readonly [typeof meanLoss, typeof meanLoss];
  x: number[][];
  y: number[][];
  epochs?: number;
  batchSize: number;
  lr: number;
  seed?: number;
}

/**
 * Notebook 01's twin cell, line for line: two copies from the same initial weights, one loss each,
 * `Math.random` seeded before each `fit` (which shuffles with it), then the largest weight
 * difference, put into words by summarizeTwins.
 */
async function trainTwinsAsNotebook01(r: TwinRecipe) {
  const twins = [r.build(), r.build()];
  twins[1].setWeights(twins[0].getWeights());
  const optimizers = twins.map(() => tf.train.sgd(r.lr));
  const histories: number[][] = [];
  const [x, y] = [tf.tensor2d(r.x), tf.tensor2d(r.y)];
  for (const [i, twin] of twins.entries()) {
    twin.compile({ optimizer: optimizers[i], loss: r.losses[i] });
    Math.random = seededRandom(r.seed ?? 0);
    const { history } = await twin.fit(x, y, {
      epochs: r.epochs ?? 1,
      batchSize: r.batchSize,
      verbose: 0,
    });
    histories.push(history.loss as number[]);
  }
  const weights = twins.map((twin) => twin.getWeights());
  const maxWeightDifference = tf.tidy(() =>
    Math.max(...weights[0].map((w, i) => tf.max(tf.abs(tf.sub(w, weights[1][i]))).dataSync()[0]))
  );
  const summary = summarizeTwins({ losses: r.losses, histories, weights, maxWeightDifference });
  tf.dispose([x, y]);
  const dispose = () => [...twins, ...optimizers].forEach((o) => o.dispose());
  return { twins, histories, ...summary, dispose };
}

Deno.test("twin training: both copies match a plain-JS SGD loop over the seeded batch order", async () => {
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
  const run = await trainTwinsAsNotebook01({
    build: () => linear(0.5, 0),
    losses: [meanLoss, arrayLoss],
    x: xs.map((v) => [v]),
    y: ys.map((v) => [v]),
    epochs,
    batchSize,
    lr,
    seed,
  });
  for (const model of run.twins) {
    assertClose(model.getWeights().flatMap((t) => Array.from(t.dataSync())), [w, b], 1e-5);
  }
  assertClose(run.histories[0], epochLoss, 1e-4);
  assertClose(run.histories[1], epochLoss, 1e-4);
  assert.ok(run.maxWeightDifference <= 1e-6, run.summary);
  assert.ok(run.maxLossDifference <= 1e-6, run.summary);
  assertClose(run.largestWeight, Math.max(Math.abs(w), Math.abs(b)), 1e-5);
  run.dispose();
  assert.equal(tf.memory().numTensors, before, "the recipe + dispose leaves no tensors");
});

Deno.test("twin training: copies start from the same weights even when build draws new ones", async () => {
  // Random initialisers draw different weights per build; one SGD step on a full batch from the
  // same start with equivalent losses must land on the same weights.
  const run = await trainTwinsAsNotebook01({
    build: () => tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] }),
    losses: [meanLoss, arrayLoss],
    x: [[1, 2], [3, 4], [5, 6]],
    y: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    batchSize: 3,
    lr: 0.1,
  });
  assert.ok(run.maxWeightDifference <= 1e-6, run.summary);
  run.dispose();
});

Deno.test("twin training: a batch-sum loss trains a different model", async () => {
  const run = await trainTwinsAsNotebook01({
    build: () => linear(0.5, 0),
    losses: [meanLoss, sumLoss],
    x: [[0], [1], [2], [3]],
    y: [[1], [3], [5], [7]],
    batchSize: 4,
    lr: 0.01,
  });
  // Full batch, one step from w = 0.5, b = 0: predictions 0, 0.5, 1, 1.5, errors -1, -2.5, -4, -5.5.
  // Mean gradient for w: (2/4)·Σe·x = (2/4)·(-27) = -13.5 (for b: -6.5); the sum's is 4× that,
  // so after one step of lr 0.01 the two w differ by 0.01·3·13.5 = 0.405 (the b by 0.195).
  assertClose(run.maxWeightDifference, 0.405, 1e-5);
  assert.match(run.summary, /largest difference between the two models 0\.405\.$/);
  run.dispose();
});

Deno.test("summarizeTwins: largest weight, loss-history difference and the sentence, by hand", async () => {
  const w0 = [tf.tensor1d([1, -3]), tf.tensor1d([0.5])];
  const w1 = [tf.tensor1d([1, -2.5]), tf.tensor1d([0.5])];
  const twins = await assertNoLeak(() =>
    summarizeTwins({
      losses: [meanLoss, arrayLoss],
      histories: [[4, 2.5], [4, 2.25]],
      weights: [w0, w1],
      maxWeightDifference: 0.5,
    })
  );
  // |−3| is copy 0's largest weight; the histories differ by |2.5 − 2.25| at the last epoch.
  assert.equal(twins.largestWeight, 3);
  assert.equal(twins.maxLossDifference, 0.25);
  assert.equal(twins.maxWeightDifference, 0.5);
  assert.equal(
    twins.summary,
    "2 epochs of model.fit from the same initial weights, in the same batch order.\n" +
      "Training loss at the end: 2.50 with meanLoss, 2.25 with arrayLoss; largest difference " +
      "between the two loss histories 0.250.\n" +
      "Weights after training: largest 3.00; largest difference between the two models 0.500.",
  );
  const same = summarizeTwins({
    losses: [meanLoss, arrayLoss],
    histories: [[7], [7]],
    weights: [w0, w0],
    maxWeightDifference: 0,
  });
  assert.match(same.summary, /^1 epoch of model.fit/);
  assert.match(same.summary, /two models 0 \(identical, bit for bit\)\.$/);
  assert.ok(w0.every((t) => !t.isDisposed), "the weights are read, not disposed");
  tf.dispose([w0, w1]);
});

Deno.test("summarizeTwins: bad arguments name the function, argument and value", () => {
  const w = [tf.tensor1d([1])];
  const base = {
    losses: [meanLoss, arrayLoss] as const,
    histories: [[1], [1]],
    weights: [w, w],
    maxWeightDifference: 0,
  };
  assertThrowsWith(
    () => summarizeTwins({ ...base, histories: [[1, 2], [1]] }),
    TypeError,
    "summarizeTwins: histories is [2 entries, 1 entries], expected two non-empty lists",
  );
  assertThrowsWith(
    () => summarizeTwins({ ...base, maxWeightDifference: -1 }),
    RangeError,
    "summarizeTwins: maxWeightDifference is -1, expected a number >= 0",
  );
  assertThrowsWith(
    () => summarizeTwins({ ...base, weights: [[1], [1]] as never }),
    TypeError,
    "summarizeTwins: weights holds a non-tensor",
  );
  assertThrowsWith(
    () => summarizeTwins({ ...base, losses: [meanLoss] as never }),
    TypeError,
    "summarizeTwins: losses is [function]",
  );
  tf.dispose(w);
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

/** A dense layer with `outputs` units on `inputs` inputs, from fixed, distinct weights. */
function dense(inputs: number, outputs: number): tf.LayersModel {
  const kernel = Array.from({ length: inputs * outputs }, (_, i) => 0.3 + 0.17 * ((i * 7) % 11));
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: outputs, inputShape: [inputs] })],
  });
  const weights = [tf.tensor2d(kernel, [inputs, outputs]), tf.zeros([outputs])];
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}

/** n rows of `inputs` features and `outputs` targets, deterministic and non-trivial. */
function rows(n: number, inputs: number, outputs: number): { x: number[][]; y: number[][] } {
  const x = Array.from(
    { length: n },
    (_, r) => Array.from({ length: inputs }, (_, c) => Math.sin(1 + r * 1.3 + c * 0.7) * 3),
  );
  const y = Array.from(
    { length: n },
    (_, r) => Array.from({ length: outputs }, (_, c) => Math.cos(r * 0.9 + c * 2.1) * 10 + r),
  );
  return { x, y };
}

Deno.test("roundingVerdict: 0 is identical, a few epsilons of the scale are rounding", () => {
  assert.equal(roundingVerdict(0, 3), "identical");
  // Float32's epsilon is 2⁻²³; 100 of them of a scale of 4 is 400·2⁻²³ ≈ 4.77e-5.
  assertClose(FLOAT32_ROUNDING_TOLERANCE, 100 / 8388608, 1e-15);
  assert.equal(roundingVerdict(4e-5, 4), "float32 rounding");
  assert.equal(roundingVerdict(5e-5, 4), "different");
  assertThrowsWith(() => roundingVerdict(-1, 1), RangeError, "roundingVerdict: difference is -1");
});

Deno.test("compareGradientsByBatch: batches of 8 are identical for 5 outputs, batches of 7 are not", async () => {
  // The batch mean divides once by B·K; the per-sample loss divides by K, then fit's mean by B.
  // B = 8 is a power of two, so 1/8 is exact and (1/8)/5 rounds the same real number as 1/40:
  // identical. For B = 7, K = 5 the float32 of 1/7 is already rounded: (1/7)/5 and 1/35 round
  // differently, so the gradients differ, by float32 rounding only.
  const f = Math.fround;
  assert.equal(f(f(1 / 8) / 5), f(1 / 40));
  assert.notEqual(f(f(1 / 7) / 5), f(1 / 35));
  const data = rows(14, 3, 5);
  const model = dense(3, 5);
  const eights = await assertNoLeak(() =>
    compareGradientsByBatch({ model, losses: [meanLoss, arrayLoss], ...data, batchSize: 8 })
  );
  // 14 rows in batches of 8: one of 8, one of 6. 6 × 5 = 30: 1/6 is rounded, then /5 vs 1/30.
  assert.deepEqual(eights.batches.map((b) => b.size), [8, 6]);
  assert.equal(eights.batches[0].maxAbsDifference, 0);
  assert.equal(
    eights.batches[1].maxAbsDifference === 0,
    f(f(1 / 6) / 5) === f(1 / 30),
    "the 6-row batch differs exactly when its two scale factors do",
  );
  const sevens = compareGradientsByBatch({
    model,
    losses: [meanLoss, arrayLoss],
    ...data,
    batchSize: 7,
  });
  assert.deepEqual(sevens.batches.map((b) => b.size), [7, 7]);
  assert.equal(sevens.differingBatches, 2);
  assert.ok(sevens.maxAbsDifference > 0, sevens.summary);
  assert.equal(sevens.verdict, "float32 rounding", sevens.summary);
  assert.match(
    sevens.summary,
    /^2 batches \(of 7 rows\): .*not 0 on 2 of 2; .*float32 rounding\)\.$/,
  );
  model.dispose();
});

Deno.test("compareGradientsByBatch: one output is identical on every batch size", () => {
  // With K = 1 the per-sample mean divides by 1 (exact), so both losses divide once by B.
  const data = rows(23, 2, 1);
  const model = dense(2, 1);
  for (const batchSize of [1, 5, 7, 23]) {
    const c = compareGradientsByBatch({ model, losses: [meanLoss, arrayLoss], ...data, batchSize });
    assert.equal(c.verdict, "identical", `batch ${batchSize}: ${c.summary}`);
    assert.equal(c.batches.length, Math.ceil(23 / batchSize));
  }
  assertThrowsWith(
    () => compareGradientsByBatch({ model, losses: [meanLoss, arrayLoss], ...data, batchSize: 0 }),
    RangeError,
    "compareGradientsByBatch: batchSize is 0",
  );
  model.dispose();
});

Deno.test("trainTwins: identical with one output, rounding with five outputs; a sum reports 7×", async () => {
  const before = tf.memory().numTensors;
  const one = rows(21, 2, 1);
  const base = { epochs: 3, batchSize: 7, learningRate: 0.05, seed: 5 };
  const a = await trainTwins({
    build: () => dense(2, 1),
    losses: [meanLoss, arrayLoss],
    ...one,
    ...base,
  });
  assert.equal(a.verdict, "identical", a.summary);
  assert.equal(a.maxLossDifference, 0, a.summary);
  // Batches of 7 rows and 5 outputs: 1/35 and (1/7)/5 round differently (see above).
  const five = rows(21, 2, 5);
  const b = await trainTwins({
    build: () => dense(2, 5),
    losses: [meanLoss, arrayLoss],
    ...five,
    ...base,
  });
  assert.equal(b.verdict, "float32 rounding", b.summary);
  assert.ok(b.maxWeightDifference > 0, b.summary);
  // A batch sum of 7 rows is 7 times their mean, so its reported loss is 7 times larger. (Adam
  // divides a constant gradient scale out, up to its ε, so the weights barely differ.)
  const c = await trainTwins({
    build: () => dense(2, 1),
    losses: [meanLoss, sumLoss],
    ...one,
    ...base,
  });
  assertClose(c.histories[1][0] / c.histories[0][0], 7, 1e-4);
  assert.equal(tf.memory().numTensors, before, "trainTwins disposes its copies and optimizers");
  await assert.rejects(
    trainTwins({
      build: () => dense(2, 1),
      losses: [meanLoss, arrayLoss],
      ...one,
      ...base,
      epochs: 0,
    }),
    (e: Error) => e instanceof RangeError && e.message.startsWith("trainTwins: epochs is 0"),
  );
});
