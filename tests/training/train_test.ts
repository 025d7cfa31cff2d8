import * as tf from "@tensorflow/tfjs";
import { seededRandom, setupBackend } from "../../lib/runtime/backend.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { sparseCategoricalCrossentropy } from "../../lib/losses/probabilistic.ts";
import { makeLoss } from "../../lib/losses/make_loss.ts";
import {
  type ModelFunction,
  NonFiniteLossError,
  train,
  type TrainOptions,
} from "../../lib/training/train.ts";
import type { Reduction } from "../../lib/losses/reduce.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

function data(n: number, d: number, seed: number): { x: number[][]; y: number[][] } {
  const r = seededRandom(seed);
  const x = Array.from({ length: n }, () => Array.from({ length: d }, () => r() * 2 - 1));
  const y = x.map((row) => [row.reduce((a, b, j) => a + b * (j + 1), 0) + 0.1 * (r() - 0.5)]);
  return { x, y };
}

function makeModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 8, activation: "relu", inputShape: [3] }));
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}

Deno.test("train: matches model.fit (Adam, shuffled batches, 5 epochs) within 1e-5", async () => {
  const { x, y } = data(50, 3, 1);
  const xt = tf.tensor2d(x), yt = tf.tensor2d(y);
  const a = makeModel(), b = makeModel();
  b.setWeights(a.getWeights());
  a.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
  // model.fit shuffles with Math.random; our train shuffles with seededRandom(seed) the same way.
  Math.random = seededRandom(7);
  const fit = await a.fit(xt, yt, { epochs: 5, batchSize: 8, verbose: 0 });
  const opt = tf.train.adam(0.01);
  const before = tf.memory().numTensors;
  const ours = await train(b, xt, yt, {
    loss: meanSquaredError,
    optimizer: opt,
    epochs: 5,
    batchSize: 8,
    seed: 7,
    quiet: true,
  });
  // Only Adam's slot variables (2 per weight: 4 weights -> 8) may remain, as with fit.
  assert.equal(tf.memory().numTensors - before, 8);
  assertClose(ours.history.loss, fit.history.loss as number[], 1e-5, "loss history");
  const wa = a.getWeights(), wb = b.getWeights();
  wa.forEach((w, i) => assertClose(wb[i], Array.from(w.dataSync()), 1e-5, `weight ${i}`));
  tf.dispose([xt, yt]);
  opt.dispose();
});

Deno.test("train: weighted SGD step equals the hand-computed weighted gradient", async () => {
  // Linear model ŷ = x·w + b, w = [0.5, -1], b = 0.2; per-sample MSE; weights [1, 3, 0].
  const w = tf.variable(tf.tensor2d([[0.5], [-1]])), b = tf.variable(tf.scalar(0.2));
  const x = [[1, 2], [0, 1], [3, 1]], y = [[1], [0], [5]], s = [1, 3, 0];
  // Hand computation: r = ŷ − y; loss = Σ sᵢ rᵢ² / 3 (sum_over_batch_size);
  // dL/dw = Σ 2 sᵢ rᵢ xᵢ / 3, dL/db = Σ 2 sᵢ rᵢ / 3.
  const r = x.map((xi, i) => xi[0] * 0.5 + xi[1] * -1 + 0.2 - y[i][0]);
  const loss = r.reduce((acc, ri, i) => acc + s[i] * ri * ri, 0) / 3;
  const gw = [0, 1].map((j) => r.reduce((acc, ri, i) => acc + 2 * s[i] * ri * x[i][j], 0) / 3);
  const gb = r.reduce((acc, ri, i) => acc + 2 * s[i] * ri, 0) / 3;
  const lr = 0.1;
  const opt = tf.train.sgd(lr);
  const result = await assertNoLeak(() =>
    train((xb) => tf.add(tf.matMul(xb, w), b), x, y, {
      loss: meanSquaredError,
      optimizer: opt,
      sampleWeight: s,
      batchSize: 3,
      shuffle: false,
      variables: [w, b],
      quiet: true,
    })
  );
  assertClose(result.history.loss, [loss], 1e-5);
  assertClose(w, [0.5 - lr * gw[0], -1 - lr * gw[1]], 1e-6);
  assertClose(b, [0.2 - lr * gb], 1e-6);
  tf.dispose([w, b]);
  opt.dispose();
});

// Model ŷ = c (one parameter). Labels classes 0, 1, 1; classWeight {0: 2, 1: 1};
// sampleWeight [1, 1, 2] -> combined [2, 1, 2]. Per-sample CE on logits [c, 0]:
// ℓ0 = logsumexp(c, 0) − c, ℓ1 = logsumexp(c, 0).
const C0 = 0.3;
const LSE = Math.log(Math.exp(C0) + 1);
const WEIGHTED_SUM = 2 * (LSE - C0) + 1 * LSE + 2 * LSE; // Σ wᵢℓᵢ, with Σ wᵢ = 5

async function combinedWeightLoss(reduction: "sum" | "mean_with_sample_weight"): Promise<number[]> {
  const c = tf.variable(tf.scalar(C0));
  try {
    const res = await train(
      (xb) => tf.stack([tf.mul(tf.onesLike(xb.reshape([-1])), c), tf.zeros([xb.shape[0]])], 1),
      [[0], [0], [0]],
      [0, 1, 1],
      {
        loss: makeLoss((t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true }), {
          reduction,
        }),
        optimizer: tf.train.sgd(0),
        sampleWeight: [1, 1, 2],
        classWeight: { 0: 2, 1: 1 },
        shuffle: false,
        variables: [c],
        quiet: true,
      },
    );
    return res.history.loss;
  } finally {
    c.dispose();
  }
}

Deno.test("train: classWeight multiplies sampleWeight (sum reduction)", async () => {
  assertClose(await combinedWeightLoss("sum"), [WEIGHTED_SUM], 1e-6);
});

// Also guards reduceLoss's "mean_with_sample_weight" staying differentiable (tf.divNoNan's Equal
// has no gradient in tfjs).
Deno.test("train: mean_with_sample_weight with classWeight (weighted mean)", async () => {
  assertClose(await combinedWeightLoss("mean_with_sample_weight"), [WEIGHTED_SUM / 5], 1e-6);
});

Deno.test("train: bad weights and missing class weights are clear errors", async () => {
  const opts = { loss: meanSquaredError, quiet: true };
  const m = (xb: tf.Tensor) => xb;
  await assert.rejects(
    () => train(m, [[1], [2]], [[1], [2]], { ...opts, sampleWeight: [1, 2, 3] }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("sampleWeight has shape [3], expected [2]"),
  );
  await assert.rejects(
    () => train(m, [[1], [2]], [[1], [2]], { ...opts, sampleWeight: [1, -1] }),
    (e: Error) => e instanceof RangeError && e.message.includes("value -1 at sample 1"),
  );
  await assert.rejects(
    () => train(m, [[1], [2]], [[1], [2]], { ...opts, sampleWeight: [NaN, 1] }),
    (e: Error) => e instanceof RangeError && e.message.includes("value NaN at sample 0"),
  );
  await assert.rejects(
    () => train(m, [[1], [2], [3]], [0, 2, 1], { ...opts, classWeight: { 0: 1, 1: 2 } }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("class 2 (first at sample 1)") &&
      e.message.includes("covers classes 0, 1"),
  );
});

Deno.test("train: a loss returning one number for the batch is refused with weights, not without", async () => {
  const w = tf.variable(tf.tensor2d([[1]]));
  const model = (xb: tf.Tensor) => tf.matMul(xb, w);
  const batchMean = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
    tf.mean(tf.square(tf.sub(yPred, yTrue)));
  const x = [[1], [2]], y = [[2], [2]];
  const base = { loss: batchMean, variables: [w], shuffle: false, quiet: true, epochs: 1 };
  for (const weights of [{ sampleWeight: [1, 3] }, { classWeight: { 0: 1, 1: 3 } }]) {
    const labels = "classWeight" in weights ? [0, 1] : y;
    const optimizer = tf.train.sgd(0.1); // holds its learning rate as a tensor
    const before = tf.memory().numTensors;
    await assert.rejects(
      () => train(model, x, labels, { ...base, ...weights, optimizer }),
      (e: Error) =>
        e instanceof RangeError &&
        e.message.startsWith("train: options.loss returned one number for the whole batch") &&
        e.message.includes("Return one loss per sample, shape [batch]"),
    );
    assert.equal(tf.memory().numTensors, before, "nothing left behind");
    assertClose(w, [1], 0, "no update was applied");
    optimizer.dispose();
  }
  // Without weights a batch-mean loss is a fine general-purpose objective: one SGD step from w = 1
  // on x = [1, 2], y = [2, 2]: d/dw mean((w·x − y)²) = mean(2·(w·x − y)·x) = (2·(−1)·1 + 0) / 2 = −1,
  // so w becomes 1 − 0.1 · (−1) = 1.1.
  const sgd = tf.train.sgd(0.1);
  await train(model, x, y, { ...base, batchSize: 2, optimizer: sgd });
  assertClose(w, [1.1], 1e-6);
  sgd.dispose();
  w.dispose();
});

Deno.test("train: a non-finite loss stops with epoch, batch and sample, weights untouched, no leak", async () => {
  const w = tf.variable(tf.tensor2d([[1]]));
  // x is finite (a NaN input is refused up front); 1e30² overflows float32, so sample 2's loss is
  // Infinity once the forward pass runs.
  const x = [[1], [2], [1e30], [4]], y = [[1], [2], [3], [4]];
  const opt = tf.train.sgd(0.1);
  const before = tf.memory().numTensors;
  await assert.rejects(
    () =>
      train((xb) => tf.matMul(xb, w), x, y, {
        loss: meanSquaredError,
        optimizer: opt,
        batchSize: 2,
        shuffle: false,
        variables: [w],
        quiet: true,
      }),
    (e: Error) =>
      e instanceof NonFiniteLossError && e.epoch === 0 && e.batch === 1 && e.sample === 2 &&
      e.message.includes("epoch 0, batch 1, sample 2"),
  );
  assert.equal(tf.memory().numTensors, before);
  assertClose(w, [1], 0, "the first batch's gradient is 0 (exact fit); the NaN batch is skipped");
  w.dispose();
  opt.dispose();
});

Deno.test("train: tracking (training pass) records per-sample loss, true-class prob, correct", async () => {
  // Fixed logits per sample, learning rate 0: every epoch records the same values, which we
  // compute by hand: p(true) = softmax(z)[label], loss = −log p(true).
  const logits = [[2, 0], [0, 1], [1, 1.5]];
  const labels = [0, 0, 1];
  const z = tf.variable(tf.tensor2d(logits));
  const opt = tf.train.sgd(0);
  const res = await assertNoLeak(() =>
    train(
      (xb) => tf.matMul(tf.oneHot(xb.reshape([-1]).toInt(), 3).toFloat(), z),
      [[0], [1], [2]],
      labels,
      {
        loss: (t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true }),
        optimizer: opt,
        epochs: 2,
        batchSize: 2,
        seed: 3,
        variables: [z],
        track: { fromLogits: true },
        quiet: true,
      },
    )
  );
  const t = res.tracker!;
  assert.equal(t.numEpochs, 2);
  assert.equal(t.task, "multiclass");
  const p = logits.map((row, i) =>
    Math.exp(row[labels[i]]) / (Math.exp(row[0]) + Math.exp(row[1]))
  );
  for (let e = 0; e < 2; e++) {
    const ep = t.epoch(e);
    assertClose(ep.trueProb!, p, 1e-6);
    assertClose(ep.loss, p.map((q) => -Math.log(q)), 1e-5);
    assert.deepEqual(Array.from(ep.correct!), [1, 0, 1]);
  }
  // The clean pass gives the same numbers here (no learning).
  const clean = await train(
    (xb) => tf.matMul(tf.oneHot(xb.reshape([-1]).toInt(), 3).toFloat(), z),
    [[0], [1], [2]],
    labels,
    {
      loss: (t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true }),
      optimizer: tf.train.sgd(0),
      variables: [z],
      track: { fromLogits: true, pass: "clean" },
      quiet: true,
    },
  );
  assertClose(clean.tracker!.epoch(0).trueProb!, p, 1e-6);
  z.dispose();
  opt.dispose();
});

Deno.test("train: validation loss, callbacks stop, same seed same numbers", async () => {
  const { x, y } = data(40, 3, 2);
  const run = async (stopAt: number) => {
    Math.random = seededRandom(11);
    const m = makeModel();
    const res = await train(m, x, y, {
      loss: meanSquaredError,
      optimizer: tf.train.sgd(0.05),
      epochs: 4,
      batchSize: 16,
      seed: 5,
      validationData: [x.slice(0, 10), y.slice(0, 10)],
      callbacks: { onEpochEnd: (e) => (e === stopAt ? "stop" : undefined) },
      quiet: true,
    });
    // Validation loss by hand: mean squared error of the final model on the 10 rows.
    const pred = m.predict(tf.tensor2d(x.slice(0, 10))) as tf.Tensor;
    const pv = pred.dataSync();
    const mse = y.slice(0, 10).reduce((a, yi, i) => a + (pv[i] - yi[0]) ** 2, 0) / 10;
    assertClose(res.history.valLoss!.at(-1)!, mse, 1e-5);
    pred.dispose();
    m.dispose();
    return res;
  };
  const a = await run(1), b = await run(1);
  assert.equal(a.epochs, 2);
  assert.ok(a.stoppedEarly);
  assert.deepEqual(a.history, b.history);
});

// Every check runs before train makes a tensor or its default optimizer (Adam, two variables):
// a LayersModel, array or tensor data and no optimizer option would all leave tensors behind if a
// check came later. Messages are written out in full.
Deno.test("train: a rejected call leaves no tensor behind, with the exact error", async () => {
  const m = makeModel();
  const x = [[1, 2, 3], [4, 5, 6]], y = [[1], [2]];
  const xt = tf.tensor2d(x), yt = tf.tensor2d(y);
  const text = tf.tensor(["a", "b"]);
  const gone = tf.tensor2d(y);
  gone.dispose();
  const opts = { loss: meanSquaredError, quiet: true };
  const cases: [string, () => Promise<unknown>, string, string][] = [
    [
      "no loss",
      () => train(m, x, y, { quiet: true } as unknown as TrainOptions),
      "TypeError",
      "train: options.loss must be a per-sample loss function (yTrue, yPred) => [batch]",
    ],
    [
      "unknown reduction",
      () => train(m, x, y, { ...opts, reduction: "avg" as Reduction }),
      "RangeError",
      'train: reduction is "avg", expected one of "sum_over_batch_size", "sum", "mean", ' +
      '"mean_with_sample_weight", "none"',
    ],
    [
      "reduction none",
      () => train(m, x, y, { ...opts, reduction: "none" }),
      "RangeError",
      'train: reduction "none" leaves no scalar to minimise',
    ],
    [
      "epochs",
      () => train(m, x, y, { ...opts, epochs: 0 }),
      "RangeError",
      "train: epochs is 0, expected an integer >= 1",
    ],
    [
      "batchSize",
      () => train(m, x, y, { ...opts, batchSize: 2.5 }),
      "RangeError",
      "train: batchSize is 2.5, expected an integer >= 1",
    ],
    [
      "seed",
      () => train(m, x, y, { ...opts, seed: Infinity }),
      "RangeError",
      "train: seed is Infinity, expected an integer",
    ],
    [
      "seed of the wrong type",
      () => train(m, x, y, { ...opts, seed: "7" as unknown as number }),
      "TypeError",
      'train: seed is "7", expected an integer',
    ],
    [
      "model",
      () => train(3 as unknown as ModelFunction, x, y, opts),
      "TypeError",
      "train: model is 3, expected a tf.LayersModel or a function (x, training) => y",
    ],
    [
      "empty x",
      () => train(m, [], [], opts),
      "RangeError",
      "train: x has shape [0], expected [samples, ...] with samples > 0",
    ],
    [
      "y rows",
      () => train(m, x, [[1]], opts),
      "RangeError",
      "train: y has shape [1, 1], expected 2 samples to match x [2, 3]",
    ],
    [
      "string x",
      () => train(m, text, [1, 2], opts),
      "TypeError",
      "train: x has dtype string, expected a numeric tensor",
    ],
    [
      "disposed y",
      () => train(m, xt, gone, opts),
      "TypeError",
      "train: y is a disposed tensor",
    ],
    [
      "sampleWeight shape (tensor data)",
      () => train(m, xt, yt, { ...opts, sampleWeight: [1] }),
      "RangeError",
      "train: sampleWeight has shape [1], expected [2] (one weight per sample of x)",
    ],
    [
      "sampleWeight value",
      () => train(m, x, y, { ...opts, sampleWeight: [1, -1] }),
      "RangeError",
      "train: sampleWeight has value -1 at sample 1, expected finite weights >= 0",
    ],
    [
      "non-integer label",
      () => train(m, x, [0.5, 1], { ...opts, classWeight: { 0: 1, 1: 1 } }),
      "RangeError",
      "train: classWeight needs integer class labels in y, but y has value 0.5 at sample 0",
    ],
    [
      "classWeight value",
      () => train(m, x, [0, 1], { ...opts, classWeight: { 0: 1, 1: -2 } }),
      "RangeError",
      "train: classWeight[1] is -2, expected a finite weight >= 0",
    ],
    [
      "missing class",
      () => train(m, [...x, [7, 8, 9]], [0, 2, 1], { ...opts, classWeight: { 0: 1, 1: 2 } }),
      "RangeError",
      "train: class 2 (first at sample 1) has no entry in classWeight, which covers classes 0, 1",
    ],
    [
      "validation rows",
      () => train(m, x, y, { ...opts, validationData: [[[1, 2, 3]], y] }),
      "RangeError",
      "train: options.validationData[1] has shape [2, 1], expected 1 samples to match options.validationData[0] [1, 3]",
    ],
    [
      "validation sampleWeight",
      () => train(m, x, y, { ...opts, validationData: [x, y, [1, NaN]] }),
      "RangeError",
      "train: options.validationData[2] has value NaN at sample 1, expected finite weights >= 0",
    ],
  ];
  for (const [label, call, name, message] of cases) {
    await assertNoLeak(() => assert.rejects(call, { name, message }), label);
  }
  tf.dispose([xt, yt, text]);
  m.dispose();
});

// tfjs keeps clones of the forward pass's tensors for the backward pass and frees them only when
// the gradient completes; an error inside a step must not strand them (nor the run's own tensors,
// nor the default optimizer's slots made by earlier updates).
Deno.test("train: an error inside a step leaves no tensor behind and no update applied", async () => {
  const { x, y } = data(6, 3, 3);
  const m = makeModel();
  const initial = m.getWeights().map((w) => Array.from(w.dataSync()));
  const boom = () => {
    throw new RangeError("boom");
  };
  await assertNoLeak(
    () =>
      assert.rejects(() => train(m, x, y, { loss: boom, quiet: true }), {
        name: "RangeError",
        message: "boom",
      }),
    "loss throwing in the first step",
  );
  m.getWeights().forEach((w, i) => assertClose(w, initial[i], 0, `weight ${i} unchanged`));

  // The first batch updates (Adam makes its slot variables), the second batch's loss throws.
  let calls = 0;
  const secondThrows = (t: tf.Tensor, p: tf.Tensor) => {
    if (++calls === 2) throw new Error("second batch");
    return meanSquaredError(t, p);
  };
  await assertNoLeak(
    () =>
      assert.rejects(
        () => train(m, x, y, { loss: secondThrows, batchSize: 3, shuffle: false, quiet: true }),
        { name: "Error", message: "second batch" },
      ),
    "loss throwing in the second step",
  );
  assert.equal(calls, 2);

  // A model function that throws after some taped operations.
  const w = tf.variable(tf.tensor2d([[1], [2], [3]]));
  await assertNoLeak(
    () =>
      assert.rejects(
        () =>
          train(
            (xb) => {
              tf.relu(tf.matMul(xb, w));
              throw new TypeError("model failed");
            },
            x,
            y,
            { loss: meanSquaredError, variables: [w], quiet: true },
          ),
        {
          name: "RangeError",
          message: "train: the model function threw on a batch of x of shape [6, 3]: model failed",
        },
      ),
    "model function throwing",
  );
  assertClose(w, [1, 2, 3], 0, "w unchanged");

  // A callback that throws, and tracking that refuses a loss that is not per sample.
  await assertNoLeak(
    () =>
      assert.rejects(
        () =>
          train(m, x, y, {
            loss: meanSquaredError,
            quiet: true,
            callbacks: {
              onBatchEnd: () => {
                throw new Error("callback failed");
              },
            },
          }),
        { name: "Error", message: "callback failed" },
      ),
    "callback throwing",
  );
  await assertNoLeak(
    () =>
      assert.rejects(
        () =>
          train(m, x, y, {
            loss: (t, p) => tf.mean(tf.square(tf.sub(t, p))),
            batchSize: 4,
            shuffle: false,
            track: true,
            quiet: true,
          }),
        {
          name: "RangeError",
          message: "train: tracking needs per-sample losses of shape [4], but the loss returned []",
        },
      ),
    "tracking a batch-mean loss",
  );

  // Training still works, and leaks nothing, after those failures.
  const after = await assertNoLeak(() =>
    train(m, x, y, { loss: meanSquaredError, epochs: 2, quiet: true })
  );
  assert.equal(after.epochs, 2);
  w.dispose();
  m.dispose();
});
