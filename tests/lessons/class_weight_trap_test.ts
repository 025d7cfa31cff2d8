import * as tf from "@tensorflow/tfjs";
import { assert, assertClose, assertNoLeak } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  classWeightTrap,
  fitStepGradient,
  trapSummary,
} from "../../notebooks/lessons/class_weight_trap.ts";
import { categoricalCrossentropy } from "../../lib/losses/mod.ts";

await setupBackend({ backend: "wasm", seed: 5 });

/** Softmax over 2 classes from 1 input, kernel and bias 0: p = (0.5, 0.5) for every sample. */
const build = () =>
  tf.sequential({
    layers: [tf.layers.dense({
      units: 2,
      inputShape: [1],
      activation: "softmax",
      kernelInitializer: "zeros",
      biasInitializer: "zeros",
    })],
  });
const x = [[1], [2], [-1]];
const y = [[1, 0], [1, 0], [0, 1]];

Deno.test("classWeightTrap: hand-worked gradients of a 3-sample batch", async () => {
  // Cross-entropy gradient w.r.t. the logits is p − y: (−½, ½) for class 0, (½, −½) for class 1.
  // classWeight [1, 4] → w = [1, 1, 4], mean 2. Order: kernel (2 entries), bias (2 entries).
  // unweighted  kernel Σxᵢ(p−y)ᵢ/3 = (−2/3, 2/3), bias Σ(p−y)ᵢ/3 = (−1/6, 1/6)
  // weighted    kernel Σwᵢxᵢ(p−y)ᵢ/3 = (−7/6, 7/6), bias Σwᵢ(p−y)ᵢ/3 = (1/3, −1/3)
  // scalar loss under fit: 2 × unweighted = kernel (−4/3, 4/3), bias (−1/3, 1/3)
  // → vs weighted: max(|−4/3 + 7/6|, |−1/3 − 1/3|) = 2/3; cosine 52/√3604.
  const t = await assertNoLeak(() => classWeightTrap({ build, x, y, classWeight: [1, 4] }));
  assert.equal(t.batchSize, 3);
  assertClose(t.meanWeight, 2, 1e-12);
  assertClose(t.handLoss.unweighted, Math.LN2, 1e-6);
  assertClose(t.handLoss.weighted, 2 * Math.LN2, 1e-6); // every loss is ln 2, so Σwᵢ·ln2/3
  assertClose(t.fitLoss.scalar, 2 * Math.LN2, 1e-5);
  assertClose(t.fitLoss.perSample, 2 * Math.LN2, 1e-5);
  assertClose(t.largestGradient, 7 / 6, 1e-6);
  assert.ok(t.scalarVsRescaled < 1e-5, t.summary);
  assertClose(t.scalarVsWeighted, 2 / 3, 1e-5);
  assert.ok(t.perSampleVsWeighted < 1e-5, t.summary);
  assertClose(t.scalarCosine, 52 / Math.sqrt(3604), 1e-5);
  assertClose(t.perSampleCosine, 1, 1e-6);
  assert.ok(t.summary.includes("mean weight of the batch 2.0000"), t.summary);
});

Deno.test("classWeightTrap: equal class weights make the two losses agree", async () => {
  // w = 3 for everyone: both fits get 3 × the unweighted gradient, which is the weighted one.
  const t = await classWeightTrap({ build, x, y, classWeight: [3, 3] });
  assert.ok(t.scalarVsWeighted < 1e-5 && t.perSampleVsWeighted < 1e-5, t.summary);
  assertClose(t.largestGradient, 3 * 2 / 3, 1e-6);
});

Deno.test("classWeightTrap: bad arguments name the function, argument and value", async () => {
  await assert.rejects(
    () => classWeightTrap({ build, x, y, classWeight: [1, 4, 2] }),
    {
      name: "RangeError",
      message: "classWeightTrap: classWeight has 3 entries, expected 2 (one per class)",
    },
  );
  await assert.rejects(
    () => classWeightTrap({ build, x, y, classWeight: [1, -1] }),
    {
      name: "RangeError",
      message: "classWeightTrap: classWeight is [1,-1], expected non-negative finite numbers",
    },
  );
  await assert.rejects(
    () => classWeightTrap({ build, x, y: [0, 0, 1], classWeight: [1, 4] }),
    { name: "RangeError", message: "classWeightTrap: y has shape [3], expected one-hot [3, k]" },
  );
  await assert.rejects(
    () => classWeightTrap({ build: null as never, x, y, classWeight: [1, 4] }),
    { name: "TypeError", message: "classWeightTrap: build is object, expected a function" },
  );
});

Deno.test("fitStepGradient: fit's step under classWeight, hand-worked, weights put back", async () => {
  // Same batch and zero-initialised model as above; classWeight [1, 4] → w = [1, 1, 4], mean 2.
  // Batch-mean loss: fit takes mean(wᵢ · L) = 2L, so 2 × unweighted = kernel (−4/3, 4/3), bias
  // (−1/3, 1/3), loss 2 ln 2. Per-sample loss: the weighted gradient kernel (−7/6, 7/6), bias
  // (1/3, −1/3), loss Σwᵢ·ln2/3 = 2 ln 2.
  const model = build();
  const batchMean = (t: tf.Tensor, p: tf.Tensor) => tf.mean(categoricalCrossentropy(t, p));
  const scalar = await assertNoLeak(() =>
    fitStepGradient(model, x, y, { loss: batchMean, classWeight: [1, 4] })
  );
  assertClose(scalar.grad, [-4 / 3, 4 / 3, -1 / 3, 1 / 3], 1e-5);
  assertClose(scalar.loss, 2 * Math.LN2, 1e-5);
  assert.deepEqual(model.getWeights().map((t) => Array.from(t.dataSync())), [[0, 0], [0, 0]]);
  const perSample = await assertNoLeak(() =>
    fitStepGradient(model, x, y, { loss: categoricalCrossentropy, classWeight: [1, 4] })
  );
  assertClose(perSample.grad, [-7 / 6, 7 / 6, 1 / 3, -1 / 3], 1e-5);
  assertClose(perSample.loss, 2 * Math.LN2, 1e-5);
  assert.deepEqual(model.getWeights().map((t) => Array.from(t.dataSync())), [[0, 0], [0, 0]]);
  await assert.rejects(
    () =>
      assertNoLeak(() =>
        fitStepGradient(model, x, [[1, 0]], { loss: batchMean, classWeight: [1, 4] })
      ),
    {
      name: "RangeError",
      message: "fitStepGradient: x has 3 rows and y 1, expected the same number > 0",
    },
  );
  await assert.rejects(
    () => fitStepGradient(model, x, y, { loss: batchMean, classWeight: [1, NaN] }),
    {
      name: "RangeError",
      message: "fitStepGradient: classWeight is [1,null], expected non-negative finite numbers",
    },
  );
  model.dispose();
});

Deno.test("trapSummary: the seven lines, numbers formatted to 4 decimals or 1 significant", () => {
  const g = (loss: number, grad: number[]) => ({ loss, grad });
  const text = trapSummary({
    batchSize: 3,
    meanWeight: 2,
    unweighted: g(0.5, [1, -1.25]),
    weighted: g(1.5, [-0.5, 0.75]),
    scalarFit: g(1, [2, -2.5]),
    perSampleFit: g(1.5, [-0.5, 0.75]),
    scalarVsRescaled: 2e-7,
    scalarVsWeighted: 3.25,
    scalarCosine: -0.99,
    perSampleVsWeighted: 0,
    perSampleCosine: 1,
  });
  assert.deepEqual(text.split("\n"), [
    "one model.fit step on 3 samples with classWeight; mean weight of the batch 2.0000",
    "scalar loss:     fit loss 1.0000 = 2.0000 × 0.5000 (the unweighted loss)",
    "                 gradient vs 2.0000 × unweighted gradient: max difference 2.0e-7",
    "                 gradient vs weighted gradient: max difference 3.2500, cosine -0.990",
    "per-sample loss: fit loss 1.5000 (weighted by hand: 1.5000)",
    "                 gradient vs weighted gradient: max difference 0.0000, cosine 1.000",
    "largest gradient entry 1.2500",
  ]);
});
