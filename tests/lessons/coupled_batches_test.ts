import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  batchesWith,
  compareSeeds,
  epochBatches,
  macroF1,
  trainClassifier,
} from "../../notebooks/lessons/coupled_batches.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("batchesWith: every batch holds the member and distinct rows; seeded", () => {
  const a = batchesWith({ n: 20, batchSize: 6, count: 50, member: 13, seed: 3 });
  const b = batchesWith({ n: 20, batchSize: 6, count: 50, member: 13, seed: 3 });
  assert.deepEqual(a, b);
  for (const batch of a) {
    assert.equal(batch[0], 13);
    assert.equal(new Set(batch).size, 6);
    assert.ok(batch.every((r) => r >= 0 && r < 20));
  }
  // Over 50 draws every other row turns up somewhere: the company changes.
  assert.equal(new Set(a.flat()).size, 20);
  assertThrowsWith(
    () => batchesWith({ n: 5, batchSize: 6, count: 1, member: 0 }),
    RangeError,
    "batchesWith: options.batchSize is 6, expected an integer in [2, 5]",
  );
});

Deno.test("epochBatches: one epoch, every row once, the last batch shorter", () => {
  const batches = epochBatches(11, 4, 7);
  assert.deepEqual(batches.map((b) => b.length), [4, 4, 3]);
  assert.deepEqual(batches.flat().sort((x, y) => x - y), [...Array(11).keys()]);
  assert.deepEqual(epochBatches(11, 4, 7), batches);
});

Deno.test("macroF1: counts by hand, absent classes score 0", () => {
  // labels 0 0 1 2, predicted 0 1 1 1: class 0 TP 1 FN 1 → 2/3; class 1 TP 1 FP 2 → 2/4;
  // class 2 TP 0 → 0. Macro (2/3 + 1/2 + 0) / 3.
  const f = macroF1([0, 0, 1, 2], [0, 1, 1, 1], 3);
  assertClose(f.perClass, [2 / 3, 0.5, 0], 1e-12);
  assertClose(f.macro, (2 / 3 + 0.5) / 3, 1e-12);
  // A fourth class that never occurs: F1 0, and it still counts in the mean.
  assertClose(macroF1([0, 1], [0, 1], 3).macro, 2 / 3, 1e-12);
  assertThrowsWith(() => macroF1([0, 3], [0, 1], 3), RangeError, "macroF1: labels[1] is 3");
  assertThrowsWith(() => macroF1([0], [0, 1], 2), RangeError, "macroF1: labels has 1 values");
});

Deno.test("trainClassifier: learns a separable task, same seed same model, no leaks", async () => {
  const x = tf.tensor2d([[-2, 0], [-1, 1], [-1.5, -1], [2, 0], [1, -1], [1.5, 1]]);
  const y = tf.oneHot(tf.tensor1d([0, 0, 0, 1, 1, 1], "int32"), 2).toFloat();
  const loss = (t: tf.Tensor, z: tf.Tensor) => tf.losses.softmaxCrossEntropy(t, z);
  const logits = await assertNoLeak(() => {
    const a = trainClassifier({ x, y, loss, seed: 5, steps: 80, batchSize: 3, hidden: 4 });
    const b = trainClassifier({ x, y, loss, seed: 5, steps: 80, batchSize: 3, hidden: 4 });
    assert.deepEqual(a.predict(x), [0, 0, 0, 1, 1, 1]);
    const [la, lb] = [a.logits(x), b.logits(x)];
    const values = [Array.from(la.dataSync()), Array.from(lb.dataSync())];
    tf.dispose([la, lb]);
    a.dispose();
    b.dispose();
    return values;
  });
  assert.deepEqual(logits[0], logits[1]);
  // The loss sees the batch's row indices (for per-sample weights).
  const seen = new Set<number>();
  await assertNoLeak(() => {
    const m = trainClassifier({
      x,
      y,
      loss: (t, z, rows) => {
        rows.forEach((r) => seen.add(r));
        return tf.losses.softmaxCrossEntropy(t, z);
      },
      seed: 1,
      steps: 2,
      batchSize: 3,
    });
    m.dispose();
  });
  assert.equal(seen.size, 6);
  await assertNoLeak(() => {
    try {
      trainClassifier({
        x,
        y,
        // The error comes after the forward pass has put tensors on the gradient tape.
        loss: (t, z) => {
          tf.sub(z, t);
          throw new Error("boom");
        },
        seed: 1,
        steps: 1,
        batchSize: 2,
      });
    } catch { /* expected */ }
  });
  tf.dispose([x, y]);
});

Deno.test("compareSeeds: mean, sample sd and a sign-only verdict", () => {
  const rows = compareSeeds({
    base: [0.5, 0.6, 0.7],
    up: [0.6, 0.65, 0.9],
    mixed: [0.4, 0.7, 0.7],
  });
  // up: mean 0.716667; deviations −0.116667, −0.066667, 0.183333 → sd √(0.051667 / 2) = 0.160728.
  assertClose(rows[1].mean, 0.716667, 1e-6);
  assertClose(rows[1].sd, 0.160728, 1e-6);
  assertClose(rows[1].differences, [0.1, 0.05, 0.2], 1e-12);
  assert.equal(rows[0].verdict, "baseline");
  assert.equal(rows[1].verdict, "higher in every seed");
  assert.equal(rows[2].verdict, "no difference detectable");
  // mixed − base: −0.1, 0.1, 0: higher in 1 of 3.
  assert.equal(rows[2].higher, 1);
  assert.match(rows[2].line, /higher in 1 of 3 seeds: no difference detectable/);
  assert.equal(compareSeeds({ a: [1, 2], b: [0, 1] })[1].verdict, "lower in every seed");
  assertThrowsWith(
    () => compareSeeds({ a: [1, 2], b: [1] }),
    RangeError,
    'compareSeeds: metric["b"] has 1 values, expected 2',
  );
});
