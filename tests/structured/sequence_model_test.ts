import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { maskedLoss } from "../../lib/losses/masked.ts";
import {
  createSequenceModel,
  perTimestepLosses,
  trainSequenceModel,
} from "../../lib/structured/sequence_model.ts";
import { loadStocks } from "../../lib/datasets/stocks.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("perTimestepLosses: squared error of every step, against a plain loop", () => {
  const model = createSequenceModel({ units: 3, seed: 2 });
  const xs = [[[0.5], [1], [-1]], [[2], [0], [0]]], ys = [[[1], [0], [2]], [[0], [1], [-1]]];
  const x = tf.tensor3d(xs), y = tf.tensor3d(ys);
  const pred = (model.predict(x) as tf.Tensor).arraySync() as number[][][];
  const expected = pred.flatMap((row, i) => row.map((p, t) => (p[0] - ys[i][t][0]) ** 2));
  assertClose(perTimestepLosses(model, x, y), expected, 1e-5);
  assertThrowsWith(
    () => perTimestepLosses(model, x, tf.zeros([2, 3])),
    RangeError,
    "perTimestepLosses: y has shape [2, 3], expected [2, 3, 1] like x",
  );
  assertThrowsWith(
    () => perTimestepLosses(model, tf.zeros([2, 3]), y),
    RangeError,
    "perTimestepLosses: x has shape [2, 3], expected [batch, time, 1]",
  );
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("trainSequenceModel on stocks: seeded, the masked loss falls, no leaks", () => {
  const s = loadStocks();
  const run = (normalization: "token" | "sequence") => {
    const model = createSequenceModel({ units: 8, seed: 0 });
    const before = tf.memory().numTensors;
    const { loss } = trainSequenceModel(model, s.x, s.y, {
      mask: s.trainMask,
      normalization,
      epochs: 30,
      learningRate: 0.02,
    });
    assert.equal(tf.memory().numTensors, before, "training leaked tensors");
    // Per-step losses for the heatmap: [5, 122], and the validation loss is finite.
    const perStep = perTimestepLosses(model, s.x, s.y);
    assert.deepEqual(perStep.shape, [5, 122]);
    const val = maskedLoss(perStep, { mask: s.validationMask, normalization });
    const valLoss = val.dataSync()[0];
    tf.dispose([perStep, val]);
    model.dispose();
    return { loss, valLoss };
  };
  const a = run("sequence"), b = run("sequence"), t = run("token");
  assert.deepEqual(a.loss, b.loss, "same seed, same loss history");
  assert.ok(a.loss[29] < 0.5 * a.loss[0], `sequence loss ${a.loss[0]} -> ${a.loss[29]}`);
  assert.ok(t.loss[29] < 0.5 * t.loss[0], `token loss ${t.loss[0]} -> ${t.loss[29]}`);
  assert.ok(Number.isFinite(a.valLoss) && Number.isFinite(t.valLoss));
  // Same initial weights, different normalisations: different first losses (GOOG weighs 1/5
  // under "sequence", 67/435 of the training tokens under "token").
  assert.notEqual(a.loss[0], t.loss[0]);
  s.dispose();
});

Deno.test("trainSequenceModel: bad input fails before training, without leaks", async () => {
  const model = createSequenceModel({ units: 2 });
  const x = tf.zeros([2, 3, 1]), y = tf.zeros([2, 3, 1]);
  await assertNoLeak(() =>
    assertThrowsWith(
      () => trainSequenceModel(model, x, y, { mask: [[1, 1, 1]] }),
      RangeError,
      "trainSequenceModel: options.mask has shape [1, 3], expected [2, 3]",
    )
  );
  assertThrowsWith(
    () => trainSequenceModel(model, x, y, { lengths: [4, 1] }),
    RangeError,
    "lengths has value 4 at index 0, longer than the time axis (3)",
  );
  assertThrowsWith(
    () => trainSequenceModel(model, x, y, { epochs: 0 }),
    RangeError,
    "trainSequenceModel: options.epochs is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => trainSequenceModel(model, x, y, { learningRate: 0 }),
    RangeError,
    "trainSequenceModel: options.learningRate is 0, expected a number > 0",
  );
  assertThrowsWith(
    // deno-lint-ignore no-explicit-any
    () => trainSequenceModel(model, x, y, { normalization: "mean" as any }),
    RangeError,
    'trainSequenceModel: options.normalization is "mean", expected "token", "sequence" or "batch"',
  );
  assertThrowsWith(
    () => createSequenceModel({ units: 0 }),
    RangeError,
    "createSequenceModel: options.units is 0, expected an integer >= 1",
  );
  tf.dispose([x, y]);
  model.dispose();
});
