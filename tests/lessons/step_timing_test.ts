/**
 * timeTrainingSteps, summarizeStepTimes, bootstrapMedianCi, ratioVerdict and timingSweep: the
 * structure of what is measured (never the speed: timing targets live in benchmarks), the
 * quantiles, ratios and bootstrap intervals worked by hand, and the error messages.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/mod.ts";
import {
  bootstrapMedianCi,
  detectableDifference,
  formatTimingSweep,
  ratioVerdict,
  summarizeStepTimes,
  timeTrainingSteps,
  timingSweep,
} from "../../notebooks/lessons/step_timing.ts";
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
  const c = timing.ratioCi;
  assert.equal(c.median, r.median, "the same median of the per-repeat ratios");
  assert.ok(c.low <= c.median && c.median <= c.high, JSON.stringify(c));
  assert.equal(timing.detectable, (c.high - c.low) / 2);
  assert.equal(timing.verdict, ratioVerdict(c, "perSampleLoss"));
  assert.match(timing.summary, /^On wasm, a training step on 64 rows takes/);
  assert.match(timing.summary, /batchMeanLoss.*perSampleLoss/);
  assert.match(timing.summary, /over 4 paired repeats of 2 steps/);
  assert.match(timing.summary, /95 % bootstrap CI/);
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

Deno.test("summarizeStepTimes: per-repeat ratios, quartiles and bootstrap interval by hand", async () => {
  // Ratios per repeat 3/2, 4/4, 2/1, 5/5 = 1.5, 1, 2, 1; sorted 1, 1, 1.5, 2: median 1.25,
  // q1 at position 0.75 = 1, q3 at position 2.25 = 1.5 + 0.25·0.5 = 1.625.
  // Loss 0's times sorted 1, 2, 4, 5: median 3, q1 1 + 0.75·1 = 1.75, q3 4 + 0.25·1 = 4.25;
  // loss 1's sorted 2, 3, 4, 5: median 3.5, q1 2.75, q3 4.25.
  // Bootstrap: a resample of 4 ratios has median 1 when at least 3 draws are 1 (each draw is 1
  // with probability 1/2): P = 5/16 > 2.5 %, so low = 1; median 2 when at least 3 draws are 2
  // (probability 1/4 each): P = 4·(1/4)³·(3/4) + (1/4)⁴ = 13/256 ≈ 5.1 % > 2.5 %, so high = 2.
  const timing = await assertNoLeak(() =>
    summarizeStepTimes({
      losses: [batchMeanLoss, perSampleLoss],
      batchSize: 314,
      stepsPerRepeat: 5,
      stepMs: [[2, 4, 1, 5], [3, 4, 2, 5]],
    })
  );
  assert.deepEqual(timing.ratio, { median: 1.25, q1: 1, q3: 1.625 });
  assert.deepEqual(timing.ratioCi, { median: 1.25, low: 1, high: 2 });
  assert.equal(timing.detectable, 0.5);
  assert.deepEqual(timing.spreadMs, [
    { median: 3, q1: 1.75, q3: 4.25 },
    { median: 3.5, q1: 2.75, q3: 4.25 },
  ]);
  assert.deepEqual(timing.stepMs, [[2, 4, 1, 5], [3, 4, 2, 5]]);
  assert.equal(timing.repeats, 4);
  assert.equal(
    timing.summary,
    "On wasm, a training step on 314 rows takes 3.00 ms with batchMeanLoss and 3.50 ms with " +
      "perSampleLoss (medians over 4 paired repeats of 5 steps); ratio perSampleLoss / " +
      "batchMeanLoss: median 1.250, 95 % bootstrap CI 1.000–2.000; no difference detectable " +
      "(smaller than ±50.0 %).",
  );
});

Deno.test("summarizeStepTimes: an interval that excludes 1 is called a difference; 0 ms pairs are skipped", () => {
  // Ratios 1.5, 1.5, 1.5 (the pair 0 → 4 has no finite ratio): every resample's median is 1.5.
  const slower = summarizeStepTimes({
    losses: [batchMeanLoss, perSampleLoss],
    batchSize: 8,
    stepsPerRepeat: 1,
    stepMs: [[2, 0, 4, 2], [3, 4, 6, 3]],
  });
  assert.deepEqual(slower.ratio, { median: 1.5, q1: 1.5, q3: 1.5 });
  assert.deepEqual(slower.ratioCi, { median: 1.5, low: 1.5, high: 1.5 });
  assert.equal(slower.verdict, "perSampleLoss slower by 50.0 % (95 % CI 50.0–50.0 %)");
  assert.match(slower.summary, /; perSampleLoss slower by 50\.0 % \(95 % CI 50\.0–50\.0 %\)\.$/);
  // Ratios 0.5 and 0.75: resample medians 0.5 (p 1/4), 0.625 (p 1/2), 0.75 (p 1/4), so the
  // interval is 0.5–0.75, below 1: 37.5 % faster, 25–50 %.
  const faster = summarizeStepTimes({
    losses: [batchMeanLoss, perSampleLoss],
    batchSize: 8,
    stepsPerRepeat: 1,
    stepMs: [[2, 4], [1, 3]],
  });
  assert.deepEqual(faster.ratioCi, { median: 0.625, low: 0.5, high: 0.75 });
  assert.equal(faster.verdict, "perSampleLoss faster by 37.5 % (95 % CI 25.0–50.0 %)");
});

Deno.test("bootstrapMedianCi: constant values, known medians and a two-value list by hand", () => {
  assert.deepEqual(bootstrapMedianCi([2, 2, 2, 2]), { median: 2, low: 2, high: 2 });
  assert.deepEqual(bootstrapMedianCi([7]), { median: 7, low: 7, high: 7 });
  assert.equal(bootstrapMedianCi([3, 1, 2]).median, 2);
  assert.equal(bootstrapMedianCi(new Float32Array([4, 1, 3, 2])).median, 2.5);
  // Two values: a resample's median is 1 (p 1/4), 1.5 (p 1/2) or 2 (p 1/4); the 2.5 % and
  // 97.5 % quantiles of 2000 such medians are 1 and 2.
  assert.deepEqual(bootstrapMedianCi([1, 2]), { median: 1.5, low: 1, high: 2 });
});

Deno.test("bootstrapMedianCi: seeded, narrower at a lower level, narrower with more repeats", () => {
  // Synthetic per-repeat ratios, uniform on 0.9–1.1 from a seeded generator.
  const draws = (n: number, seed: number) => {
    const random = seededRandom(seed);
    return Array.from({ length: n }, () => 0.9 + 0.2 * random());
  };
  const few = draws(10, 3), many = draws(250, 3);
  assert.deepEqual(bootstrapMedianCi(few, { seed: 4 }), bootstrapMedianCi(few, { seed: 4 }));
  const w = (v: number[], level = 0.95) => detectableDifference(bootstrapMedianCi(v, { level }));
  assert.ok(w(few, 0.5) < w(few), `${w(few, 0.5)} vs ${w(few)}`);
  // The half-width of a median's interval shrinks like 1/√n: 25 times the repeats, about a fifth.
  assert.ok(w(many) < w(few) / 2.5, `${w(many)} vs ${w(few)}`);
  const ci = bootstrapMedianCi(many);
  assert.ok(ci.low < 1 && ci.high > 1 && ci.high - ci.low < 0.05, JSON.stringify(ci));
});

Deno.test("bootstrapMedianCi: bad arguments name the function, argument and value", () => {
  assert.throws(
    () => bootstrapMedianCi([]),
    (e: Error) => e instanceof RangeError && /values has 0 entries/.test(e.message),
  );
  assert.throws(
    () => bootstrapMedianCi([1, NaN]),
    (e: Error) =>
      e instanceof RangeError && /bootstrapMedianCi: values has 1 non-finite/.test(e.message),
  );
  assert.throws(
    () => bootstrapMedianCi([1], { level: 1 }),
    (e: Error) => e instanceof RangeError && /options\.level is 1/.test(e.message),
  );
  assert.throws(
    () => bootstrapMedianCi([1], { resamples: 0 }),
    (e: Error) => e instanceof RangeError && /options\.resamples is 0/.test(e.message),
  );
  assert.throws(
    // @ts-expect-error: misspelt option
    () => bootstrapMedianCi([1], { resample: 10 }),
    (e: Error) => e instanceof RangeError && /resample is not an option/.test(e.message),
  );
});

Deno.test("ratioVerdict: the wording follows the interval", () => {
  assert.equal(
    ratioVerdict({ median: 1.01, low: 0.97, high: 1.05 }),
    "no difference detectable (smaller than ±4.0 %)",
  );
  assert.equal(
    ratioVerdict({ median: 1.2, low: 1.1, high: 1.3 }),
    "array slower by 20.0 % (95 % CI 10.0–30.0 %)",
  );
  assert.equal(
    ratioVerdict({ median: 0.8, low: 0.7, high: 0.9 }, "the array loss"),
    "the array loss faster by 20.0 % (95 % CI 10.0–30.0 %)",
  );
  // An interval touching 1 is not a difference.
  assert.match(ratioVerdict({ median: 1.1, low: 1, high: 1.2 }), /^no difference detectable/);
  assert.equal(detectableDifference({ median: 1, low: 0.9, high: 1.3 }), 0.2);
});

Deno.test("timeTrainingSteps: budgetMs lowers the repeats to 10, minRepeatMs raises the steps", async () => {
  const timing = await timeTrainingSteps({
    build,
    losses: [batchMeanLoss, perSampleLoss],
    x: [[1, 2, 3], [4, 5, 6]],
    y: [[1], [0]],
    repeats: 30,
    warmup: 1,
    budgetMs: 1e-6,
    minRepeatMs: 1e6 * 1e-6, // 1 ms: a step of this model is well under that on wasm
  });
  assert.equal(timing.repeats, 10);
  assert.ok(timing.stepsPerRepeat >= 1);
  await assert.rejects(
    () =>
      timeTrainingSteps({
        build,
        losses: [batchMeanLoss, perSampleLoss],
        x: [[1, 2, 3]],
        y: [[1]],
        budgetMs: 0,
      }),
    (e: Error) => e instanceof RangeError && /timeTrainingSteps: budgetMs is 0/.test(e.message),
  );
});

Deno.test("timingSweep: one row per width and batch size, in order, with a consistent verdict", async () => {
  const rows = await assertNoLeak(() =>
    timingSweep({ batchSizes: [8, 16], widths: [1, 3], repeats: 3, warmup: 1, minRepeatMs: 0 })
  );
  assert.deepEqual(rows.map((r) => [r.width, r.batchSize]), [[1, 8], [1, 16], [3, 8], [3, 16]]);
  for (const r of rows) {
    assert.equal(r.backend, "wasm");
    assert.equal(r.repeats, 3);
    assert.ok(r.low <= r.medianRatio && r.medianRatio <= r.high, JSON.stringify(r));
    assert.equal(r.detectable, (r.high - r.low) / 2);
    assert.equal(r.verdict, ratioVerdict({ median: r.medianRatio, low: r.low, high: r.high }));
  }
  const table = formatTimingSweep(rows).split("\n");
  assert.equal(table.length, 2 + rows.length);
  assert.match(table[2], /^\| wasm \| 1 \| 8 \| 3 × \d+ \|/);
  await assert.rejects(
    () => timingSweep({ batchSizes: [] }),
    (e: Error) =>
      e instanceof TypeError &&
      /timingSweep: batchSizes is object, expected a non-empty/.test(e.message),
  );
  await assert.rejects(
    () => timingSweep({ batchSizes: [8], widths: [0] }),
    (e: Error) => e instanceof RangeError && /timingSweep: widths\[0\] is 0/.test(e.message),
  );
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
