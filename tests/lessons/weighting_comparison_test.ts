import * as tf from "@tensorflow/tfjs";
import { assert, assertClose, assertNoLeak } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { categoricalCrossentropy, classWeights } from "../../lib/losses/mod.ts";
import { train } from "../../lib/training/mod.ts";
import { compareWeightings, type Weighting } from "../../notebooks/lessons/weighting_comparison.ts";

await setupBackend({ backend: "wasm", seed: 11 });

// 7 samples of class 0 and 1 of class 1, all at the same x = 0: only the bias can learn, so each
// run converges to the probabilities its loss prefers. Cross-entropy's minimiser is the weighted
// class frequency (calculus: d/dp [−a·log p − b·log(1 − p)] = 0 at p = a / (a + b)):
// unweighted p₁ = 1/8 → class-1 loss −log(1/8) = 2.079, class-0 loss −log(7/8) = 0.134;
// balanced weights 8/14 and 8/2 give both classes the same total weight 4 → p₁ = 1/2, loss ln 2.
const x = Array.from({ length: 8 }, () => [0]);
const y = Array.from({ length: 8 }, (_, i) => (i < 7 ? [1, 0] : [0, 1]));
const build = () =>
  tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [1], activation: "softmax" })],
  });

/** A notebook-style run: class weights from the labels, cross-entropy, Adam, seeded batches. */
const trainRunWith =
  (o: { epochs: number; batchSize: number; learningRate?: number; beta?: number }) =>
  async (model: tf.LayersModel, weighting: Weighting) => {
    const classWeight = weighting === "balanced" || weighting === "effective_number"
      ? classWeights(y, { method: weighting, beta: o.beta })
      : undefined;
    const optimizer = tf.train.adam(o.learningRate ?? 0.01);
    try {
      const { history } = await train(model, x, y, {
        loss: categoricalCrossentropy,
        classWeight,
        optimizer,
        epochs: o.epochs,
        batchSize: o.batchSize,
        seed: 0,
        quiet: true,
      });
      return { classWeight, history: history.loss };
    } finally {
      optimizer.dispose();
    }
  };

Deno.test("compareWeightings: each run converges to its loss's hand-worked optimum", async () => {
  const c = await assertNoLeak(() =>
    compareWeightings({
      build,
      xTrain: x,
      yTrain: y,
      xVal: x,
      yVal: y,
      weightings: ["unweighted", "balanced", "effective_number"],
      trainRun: trainRunWith({ epochs: 300, batchSize: 8, learningRate: 0.05, beta: 0.5 }),
      classNames: ["common", "rare"],
    })
  );
  assert.deepEqual(c.classCounts, [7, 1]);
  assert.deepEqual(c.trainLabels, [0, 0, 0, 0, 0, 0, 0, 1]);
  const [plain, balanced, effective] = c.runs;
  assertClose(plain.classWeight, [1, 1]);
  assertClose(balanced.classWeight, [8 / 14, 4], 1e-12);
  // effective number, β = 0.5: (1 − β)/(1 − βⁿ) = 0.5/(1 − 0.5⁷) = 0.50394, 0.5/0.5 = 1,
  // normalised to sum 2: 2·0.50394/1.50394 = 0.67016, 2/1.50394 = 1.32984.
  assertClose(effective.classWeight, [0.67016, 1.32984], 1e-5);
  assertClose(plain.trainLosses[7], Math.log(8), 0.02);
  assertClose(plain.trainLosses[0], -Math.log(7 / 8), 0.01);
  assertClose(balanced.trainLosses[7], Math.LN2, 0.02);
  assertClose(balanced.trainLosses[0], Math.LN2, 0.02);
  // effective: weighted totals 7·0.67016 = 4.691 and 1.32984 → p₁ = 1.32984/6.0210 = 0.22087
  assertClose(effective.trainLosses[7], -Math.log(0.22087), 0.02);
  // The unweighted run predicts the common class everywhere: recall 1 and 0, accuracy 7/8.
  assert.deepEqual(plain.recall, [1, 0]);
  assertClose(plain.accuracy, 7 / 8);
  assertClose(plain.balancedAccuracy, 0.5);
  assert.ok(c.table.split("\n")[0].includes("common") && c.table.includes("balanced"), c.table);
  assert.equal(plain.history.length, 300);
});

Deno.test("compareWeightings: every run starts from the same weights and sees the same batches", async () => {
  // Two unweighted runs of the same model on the same seed must end identical.
  const c = await compareWeightings({
    build,
    xTrain: x,
    yTrain: y,
    xVal: x,
    yVal: y,
    weightings: ["unweighted", "unweighted"],
    trainRun: trainRunWith({ epochs: 5, batchSize: 3 }),
  });
  assert.deepEqual(c.runs[0].trainLosses, c.runs[1].trainLosses);
  assert.deepEqual(c.runs[0].history, c.runs[1].history);
});

Deno.test("compareWeightings: bad options name the function and the value", async () => {
  const trainRun = trainRunWith({ epochs: 1, batchSize: 8 });
  const base = { build, trainRun, xTrain: x, yTrain: y, xVal: x, yVal: y };
  await assert.rejects(
    () => compareWeightings({ ...base, weightings: ["median" as never] }),
    {
      name: "RangeError",
      message:
        'compareWeightings: weightings has "median", expected one of unweighted, balanced, effective_number, focal',
    },
  );
  await assert.rejects(() => compareWeightings({ ...base, trainRun: undefined as never }), {
    name: "TypeError",
    message: "compareWeightings: trainRun is undefined, expected a function",
  });
  await assert.rejects(() => compareWeightings({ ...base, yVal: [0, 1] }), {
    name: "RangeError",
    message: "compareWeightings: yVal has shape [2], expected one-hot [8, k]",
  });
});
