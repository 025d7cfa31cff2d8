/**
 * timeTrainingSteps and summarizeStepTimes: the structure of what is measured (never the speed:
 * timing targets live in benchmarks), the quantiles and ratios by hand, and the error messages.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { summarizeStepTimes, timeTrainingSteps } from "../../notebooks/lessons/step_timing.ts";
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
    () => timeTrainingSteps({ ...base, warmup: -1 }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "timeTrainingSteps: warmup is -1, expected an integer >= 0",
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

Deno.test("summarizeStepTimes: per-repeat ratios and quartiles by hand, in the sentence", async () => {
  // Ratios per repeat 3/2, 4/4, 2/1, 5/5 = 1.5, 1, 2, 1; sorted 1, 1, 1.5, 2: median 1.25,
  // q1 at position 0.75 = 1, q3 at position 2.25 = 1.5 + 0.25·0.5 = 1.625 (contains 1).
  // Loss 0's times sorted 1, 2, 4, 5: median 3, q1 1 + 0.75·1 = 1.75, q3 4 + 0.25·1 = 4.25;
  // loss 1's sorted 2, 3, 4, 5: median 3.5, q1 2.75, q3 4.25.
  const timing = await assertNoLeak(() =>
    summarizeStepTimes({
      losses: [batchMeanLoss, perSampleLoss],
      batchSize: 314,
      stepsPerRepeat: 5,
      stepMs: [[2, 4, 1, 5], [3, 4, 2, 5]],
    })
  );
  assert.deepEqual(timing.ratio, { median: 1.25, q1: 1, q3: 1.625 });
  assert.deepEqual(timing.spreadMs, [
    { median: 3, q1: 1.75, q3: 4.25 },
    { median: 3.5, q1: 2.75, q3: 4.25 },
  ]);
  assert.deepEqual(timing.stepMs, [[2, 4, 1, 5], [3, 4, 2, 5]]);
  assert.equal(timing.repeats, 4);
  assert.equal(
    timing.summary,
    "On wasm, a training step on 314 rows takes 3.00 ms (IQR 1.75–4.25) with batchMeanLoss and " +
      "3.50 ms (IQR 2.75–4.25) with perSampleLoss: ratio 1.250 (IQR 1.000–1.625) over 4 paired " +
      "repeats of 5 steps; the interquartile range of the ratio contains 1, so no difference is " +
      "measurable at this precision.",
  );
});

Deno.test("summarizeStepTimes: a range that excludes 1 is called a difference; 0 ms pairs are skipped", () => {
  // Ratios 1.5, 1.5, 1.5 (the pair 0 → 4 has no finite ratio): 50 % slower.
  const slower = summarizeStepTimes({
    losses: [batchMeanLoss, perSampleLoss],
    batchSize: 8,
    stepsPerRepeat: 1,
    stepMs: [[2, 0, 4, 2], [3, 4, 6, 3]],
  });
  assert.deepEqual(slower.ratio, { median: 1.5, q1: 1.5, q3: 1.5 });
  assert.match(
    slower.summary,
    /; perSampleLoss is 50\.0 % slower \(the interquartile range of the ratio excludes 1\)\.$/,
  );
  // Ratios 0.5 and 0.75: median 0.625, 37.5 % faster.
  const faster = summarizeStepTimes({
    losses: [batchMeanLoss, perSampleLoss],
    batchSize: 8,
    stepsPerRepeat: 1,
    stepMs: [[2, 4], [1, 3]],
  });
  assert.match(faster.summary, /ratio 0\.625 .*perSampleLoss is 37\.5 % faster/);
});

Deno.test("summarizeStepTimes: bad arguments name the function, argument and value", () => {
  const base = {
    losses: [batchMeanLoss, perSampleLoss] as const,
    batchSize: 4,
    stepsPerRepeat: 1,
    stepMs: [[1], [1]],
  };
  assert.throws(
    () => summarizeStepTimes({ ...base, stepMs: [[1, 2], [1]] }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "summarizeStepTimes: stepMs is [2 times, 1 times], expected two non-empty " +
          "lists of times of equal length",
  );
  assert.throws(
    () => summarizeStepTimes({ ...base, batchSize: 0 }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "summarizeStepTimes: batchSize is 0, expected an integer >= 1",
  );
  assert.throws(
    // @ts-expect-error: one loss only
    () => summarizeStepTimes({ ...base, losses: [batchMeanLoss] }),
    (e: Error) =>
      e instanceof TypeError && /summarizeStepTimes: losses must be two/.test(e.message),
  );
});
