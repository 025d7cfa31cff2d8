import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { inspectLoss } from "../../lib/losses/inspect_loss.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { categoricalCrossentropy } from "../../lib/losses/probabilistic.ts";
import { ntXent, ntXentPerAnchor } from "../../lib/losses/contrastive.ts";
import { softDice } from "../../lib/losses/overlap.ts";
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
    "inspectLoss: fn (the loss) threw on probe inputs of shape [4, 3]: Error: boom",
  );
  assertThrowsWith(
    () => inspectLoss((() => 1) as never),
    TypeError,
    "inspectLoss: fn (the loss) returned number",
  );
  assertThrowsWith(
    () => inspectLoss(meanSquaredError, { yTrue: [[1], [2]], yPred: [[1]] }),
    RangeError,
    "inspectLoss: yTrue has shape [2, 1] but yPred has shape [1, 1]",
  );
  // Same batch, other trailing shapes: passed on, and the loss's own error is reported.
  assertThrowsWith(
    () => inspectLoss(meanSquaredError, { yTrue: [[1]], yPred: [[1, 2]] }),
    TypeError,
    "inspectLoss: fn (the loss) threw on probe inputs of shape [1, 2]: RangeError: meanSquaredError",
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

// A binary probe for overlap losses, a regression probe and an embedding probe (ids, [batch, 2]).
const BINARY = { yTrue: [[1], [0], [1], [0], [0]], yPred: [[0.9], [0.2], [0.4], [0.6], [0.1]] };
const REGRESSION = { yTrue: [[1], [2], [4], [7]], yPred: [[1.5], [1], [5], [6]] };
const VIEWS = {
  yTrue: [0, 1, 2, 0, 1, 2],
  yPred: [[1, 0.2], [0.1, 1], [-1, 0.3], [0.9, 0.1], [0.3, 0.8], [-0.8, -0.2]],
};

Deno.test("inspectLoss: a catalogue of losses, each classified by how it treats the batch", () => {
  const mse = (t: tf.Tensor, p: tf.Tensor) => meanSquaredError(t, p);
  const catalogue = [
    {
      name: "per-sample",
      fn: categoricalCrossentropy,
      probe: {},
      kind: "per-sample",
      coupling: "independent",
      singles: null,
    },
    {
      name: "batch mean",
      fn: (t: tf.Tensor, p: tf.Tensor) => tf.mean(categoricalCrossentropy(t, p)),
      probe: {},
      kind: "scalar",
      coupling: "independent",
      singles: "mean",
    },
    {
      name: "batch sum",
      fn: (t: tf.Tensor, p: tf.Tensor) => tf.sum(mse(t, p)),
      probe: REGRESSION,
      kind: "scalar",
      coupling: "independent",
      singles: "sum",
    },
    // Mean squared error over the batch's variance of the targets (1 − R², per batch). On one
    // sample the variance is 0, so no single-sample value can be compared with the batch value.
    {
      name: "divided by a batch statistic",
      fn: (t: tf.Tensor, p: tf.Tensor) => tf.div(tf.mean(mse(t, p)), tf.moments(t).variance),
      probe: REGRESSION,
      kind: "scalar",
      coupling: "coupled",
      singles: null,
    },
    {
      name: "InfoNCE",
      fn: (t: tf.Tensor, p: tf.Tensor) => ntXent(t, p, { temperature: 0.5 }),
      probe: VIEWS,
      kind: "scalar",
      coupling: "coupled",
      singles: null,
    },
    {
      name: "InfoNCE per anchor",
      fn: (t: tf.Tensor, p: tf.Tensor) => ntXentPerAnchor(t, p),
      probe: VIEWS,
      kind: "per-sample",
      coupling: "coupled",
      singles: null,
    },
    {
      name: "soft Dice",
      fn: (t: tf.Tensor, p: tf.Tensor) => softDice(t, p),
      probe: BINARY,
      kind: "scalar",
      coupling: "coupled",
      singles: "neither",
    },
  ] as const;
  for (const c of catalogue) {
    const r = inspectLoss(c.fn, c.probe);
    assert.equal(r.kind, c.kind, c.name);
    assert.equal(
      r.coupling,
      c.coupling,
      `${c.name}: effect ${r.couplingEffect}, tolerance ${r.couplingTolerance}`,
    );
    assert.equal(r.batchOfSingles, c.singles, c.name);
    if (c.coupling === "coupled") {
      assert.ok(r.couplingEffect > 100 * r.couplingTolerance, `${c.name}: a clear effect`);
      assert.match(r.message, /couples samples/, c.name);
    } else {
      assert.ok(r.couplingEffect <= r.couplingTolerance, c.name);
      assert.doesNotMatch(r.message, /couples samples/, c.name);
    }
  }
  // A per-anchor term is flagged like the per-sample coupled loss above.
  assert.equal(inspectLoss(ntXentPerAnchor as never, VIEWS).samplesIndependent, false);
  // ntXent cannot run on one sample (no positive): no single-sample values, no error.
  assert.equal(inspectLoss((t, p) => ntXent(t, p), VIEWS).singleSampleLosses, null);
});

Deno.test("inspectLoss: the coupling effect and its float32 tolerance, by hand", () => {
  // ℓ = Σp / Σt on t = 1, 2, 3 and p = 1, 1, 1 (ℓ = 3/6). Sample i is replaced by sample i + 1
  // (mod 3): t becomes 2,2,3 | 1,3,3 | 1,2,1 (ℓ = 3/7, 3/7, 3/4), and for pairs 2,3,3 | 2,2,1 |
  // 1,3,1 (ℓ = 3/8, 3/5, 3/5). Mixed differences ℓᵢⱼ − ℓᵢ − ℓⱼ + ℓ: (0,1) 3/8 − 6/7 + 1/2 =
  // 0.017857; (0,2) 3/5 − 3/7 − 3/4 + 1/2 = −0.078571; (1,2) the same. Largest: 11/140 at (0, 2).
  const ratio = (t: tf.Tensor, p: tf.Tensor) => tf.div(tf.sum(p), tf.sum(t));
  const r = inspectLoss(ratio, { yTrue: [[1], [2], [3]], yPred: [[1], [1], [1]] });
  assert.equal(r.coupling, "coupled");
  assertClose(r.couplingEffect, 11 / 140, 1e-6);
  assert.deepEqual(r.couplingPair, [0, 2]);
  // Tolerance 8 · n · 2⁻²³ · (largest value seen, 3/4), n = 3 predictions.
  assertClose(r.couplingTolerance, 8 * 3 * 2 ** -23 * 0.75, 1e-12);
  // Alone: 1/1, 1/2, 1/3; the batch value 0.5 is neither their mean 0.6111 nor their sum 1.8333.
  assertClose(r.singleSampleLosses ?? [], [1, 0.5, 1 / 3], 1e-6);
  assert.equal(r.batchOfSingles, "neither");
  assert.match(
    r.message,
    /replacing sample 2 changed how much sample 0 adds to the loss by 0\.079/,
  );
  assert.match(r.message, /not the mean \(0\.6111\)/);
  assert.match(r.message, /No per-sample array exists whose mean is this loss/);
});

Deno.test("inspectLoss: messages for a batch sum and a batch of one", () => {
  const sum = inspectLoss((t, p) => tf.sum(meanSquaredError(t, p)), REGRESSION);
  // Squared errors 0.25, 1, 1, 1: the sum 3.25 is the sum of the four one-sample losses.
  assertClose(sum.unweightedLoss, 3.25, 1e-6);
  assert.match(sum.message, /sum of each sample's loss alone \(3\.250\)/);
  const one = inspectLoss(meanSquaredError, { yTrue: [[1]], yPred: [[3]] });
  assert.equal(one.coupling, null);
  assert.equal(one.samplesIndependent, null);
});

Deno.test("inspectLoss: the coupling tests leave no tensors behind", async () => {
  await assertNoLeak(() => {
    inspectLoss((t, p) => softDice(t, p), BINARY);
    inspectLoss((t, p) => ntXent(t, p), VIEWS);
    inspectLoss(ntXentPerAnchor as never, VIEWS);
    try {
      inspectLoss((t, p) => ntXent(t, p)); // one-hot probe: not ids
    } catch { /* expected */ }
  });
});
