import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { inspectLoss } from "../../lib/losses/inspect_loss.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { categoricalCrossentropy } from "../../lib/losses/probabilistic.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

// Default probe row 0: yTrue [1, 0, 0], yPred [0.7, 0.2, 0.1]; squared errors 0.09, 0.04, 0.01
// -> MSE 0.14 / 3 (hand-worked).
const ROW0_MSE = 0.14 / 3;

Deno.test("inspectLoss: per-sample loss (Keras style)", () => {
  const r = inspectLoss(meanSquaredError);
  assert.equal(r.kind, "per-sample");
  assert.deepEqual(r.outputShape, [4]);
  assert.equal(r.samplesIndependent, true);
  assertClose(r.sample0Loss ?? NaN, ROW0_MSE, 1e-6);
  // All weight on sample 0 ([4, 0, 0, 0]) under sum_over_batch_size: 4 · loss0 / 4 = loss0.
  assertClose(r.sample0OnlyLoss, ROW0_MSE, 1e-6);
  assert.match(r.message, /one value per sample \(shape \[4\]\)/);
  assert.equal(inspectLoss(categoricalCrossentropy).kind, "per-sample");
});

Deno.test("inspectLoss: scalar loss — weights only rescale", () => {
  const r = inspectLoss((t, p) => tf.mean(tf.square(tf.sub(t, p))));
  assert.equal(r.kind, "scalar");
  assert.deepEqual(r.outputShape, []);
  assert.equal(r.sample0Loss, null);
  // Scalar · mean([4, 0, 0, 0]) = scalar: weighting sample 0 changes nothing.
  assertClose(r.sample0OnlyLoss, r.unweightedLoss, 1e-6);
  assert.match(r.message, /one number for the whole batch/);
  assert.match(r.message, /only rescale/);
});

Deno.test("inspectLoss: per-element, coupled and mis-shaped losses", () => {
  const el = inspectLoss((t, p) => tf.squaredDifference(t, p));
  assert.equal(el.kind, "per-element");
  assert.deepEqual(el.outputShape, [4, 3]);
  assertClose(el.sample0Loss ?? NaN, ROW0_MSE, 1e-6);
  assertClose(el.sample0OnlyLoss, ROW0_MSE, 1e-6);
  // Subtracting the batch mean couples the samples.
  const coupled = inspectLoss((t, p) => {
    const m = meanSquaredError(t, p);
    return tf.sub(m, tf.mean(m));
  });
  assert.equal(coupled.kind, "per-sample");
  assert.equal(coupled.samplesIndependent, false);
  assert.match(coupled.message, /couples samples/);
  const other = inspectLoss((t, p) => tf.mean(tf.square(tf.sub(t, p)), 0));
  assert.equal(other.kind, "other");
  // Custom probes: regression targets [2, 1].
  const custom = inspectLoss(meanSquaredError, { yTrue: [[1], [2]], yPred: [[0], [0]] });
  assert.deepEqual(custom.outputShape, [2]);
  assertClose(custom.unweightedLoss, 2.5, 1e-6);
});

Deno.test("inspectLoss: bad input and no leaks", async () => {
  assertThrowsWith(
    () =>
      inspectLoss(() => {
        throw new Error("boom");
      }),
    TypeError,
    "inspectLoss: the loss threw on probe inputs of shape [4, 3]: Error: boom",
  );
  assertThrowsWith(
    () => inspectLoss((() => 1) as never),
    TypeError,
    "inspectLoss: the loss returned number",
  );
  assertThrowsWith(
    () => inspectLoss(meanSquaredError, { yTrue: [[1]], yPred: [[1, 2]] }),
    RangeError,
    "inspectLoss: yTrue has shape [1, 1] but yPred has shape [1, 2]",
  );
  await assertNoLeak(() => {
    inspectLoss(meanSquaredError);
    inspectLoss((t, p) => tf.mean(tf.square(tf.sub(t, p))));
    inspectLoss((t, p) => tf.squaredDifference(t, p));
    try {
      inspectLoss(() => {
        throw new Error("boom");
      });
    } catch { /* expected */ }
  });
});
