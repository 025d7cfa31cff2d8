/**
 * timeTrainingSteps and spread: the structure of what is measured (never the speed: timing
 * targets live in benchmarks), the quantiles by hand, and the error messages.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { timeTrainingSteps } from "../../notebooks/lessons/step_timing.ts";
import { assert, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

const batchMeanLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
const perSampleLoss = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)), -1);
const build = () =>
  tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, activation: "relu", inputShape: [3] }),
      tf.layers.dense({ units: 1 }),
    ],
  });

Deno.test("timeTrainingSteps: one time per repeat and loss, ordered quartiles, no leak", async () => {
  const x = tf.randomNormal([64, 3], 0, 1, "float32", 1);
  const y = tf.randomNormal([64, 1], 0, 1, "float32", 2);
  const timing = await assertNoLeak(() =>
    timeTrainingSteps({
      build,
      losses: [batchMeanLoss, perSampleLoss],
      x,
      y,
      repeats: 4,
      warmup: 1,
      stepsPerRepeat: 2,
    })
  );
  assert.equal(timing.backend, "wasm");
  assert.equal(timing.batchSize, 64);
  assert.equal(timing.repeats, 4);
  assert.equal(timing.stepsPerRepeat, 2);
  for (const [i, times] of timing.stepMs.entries()) {
    assert.equal(times.length, 4, `loss ${i}: one time per repeat`);
    assert.ok(times.every((t) => Number.isFinite(t) && t >= 0), `loss ${i}: ${times}`);
    const s = timing.spreadMs[i];
    assert.ok(s.q1 <= s.median && s.median <= s.q3, JSON.stringify(s));
    // The spread is of the recorded times (recomputed here by sorting).
    const sorted = [...times].sort((a, b) => a - b);
    assert.ok(Math.abs(s.median - (sorted[1] + sorted[2]) / 2) < 1e-12);
  }
  const r = timing.ratio;
  assert.ok(r.median > 0 && r.q1 <= r.median && r.median <= r.q3, JSON.stringify(r));
  assert.match(timing.summary, /^On wasm, a training step on 64 rows takes/);
  assert.match(timing.summary, /batchMeanLoss.*perSampleLoss/);
  assert.match(timing.summary, /over 4 paired repeats of 2 steps/);
  x.dispose();
  y.dispose();
});

Deno.test("timeTrainingSteps: nested arrays work and the caller's tensors stay alive", async () => {
  const timing = await timeTrainingSteps({
    build,
    losses: [batchMeanLoss, perSampleLoss],
    x: [[1, 2, 3], [4, 5, 6]],
    y: [[1], [0]],
    repeats: 1,
    warmup: 0,
    stepsPerRepeat: 1,
  });
  assert.equal(timing.stepMs[0].length, 1);
  assert.equal(timing.batchSize, 2);
});

Deno.test("timeTrainingSteps: bad arguments name the function, argument and value", async () => {
  const base = { build, losses: [batchMeanLoss, perSampleLoss] as const, x: [[1, 2, 3]], y: [[1]] };
  await assert.rejects(
    () => timeTrainingSteps({ ...base, repeats: 0 }),
    (e: Error) => e instanceof RangeError && /timeTrainingSteps: repeats is 0/.test(e.message),
  );
  await assert.rejects(
    () => timeTrainingSteps({ ...base, stepsPerRepeat: 1.5 }),
    (e: Error) => e instanceof RangeError && /stepsPerRepeat is 1.5/.test(e.message),
  );
  await assert.rejects(
    () => timeTrainingSteps({ ...base, y: [[1], [2]] }),
    (e: Error) => e instanceof RangeError && /x has shape \[1, 3\] and y \[2, 1\]/.test(e.message),
  );
  await assert.rejects(
    // @ts-expect-error: one loss only
    () => timeTrainingSteps({ ...base, losses: [batchMeanLoss] }),
    (e: Error) => e instanceof TypeError && /timeTrainingSteps: losses must be two/.test(e.message),
  );
  const before = tf.memory().numTensors;
  await assert.rejects(
    // @ts-expect-error: not a LayersModel
    () => timeTrainingSteps({ ...base, build: () => ({}) }),
    (e: Error) => e instanceof TypeError && /build returned object/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, before, "a failed call frees its copies of x and y");
});
