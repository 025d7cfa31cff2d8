/**
 * Notebook 05's checkers: the timing verdict exercise gives the right hint for the usual wrong
 * answers, and prediction 05.1 reads the interval (the reference solutions are run by
 * tests/exercises/solutions_test.ts).
 *
 * @module
 */
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "wasm", seed: 0 });

const sortedQuantile = (values: number[], q: number) => {
  const s = [...values].sort((a, b) => a - b), pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
};

Deno.test("05.3: a verdict from the median alone, or from the interquartile range, gets its hint", async () => {
  const byMedian = (r: number[]) => {
    const m = sortedQuantile(r, 0.5);
    return m > 1 ? "slower" : m < 1 ? "faster" : "no difference";
  };
  const byIqr = (r: number[]) =>
    sortedQuantile(r, 0.25) > 1
      ? "slower"
      : sortedQuantile(r, 0.75) < 1
      ? "faster"
      : "no difference";
  const a = await checkExercise("05.3", byMedian);
  const b = await checkExercise("05.3", byIqr);
  const c = await checkExercise("05.3", () => "maybe");
  assert.ok(!a.ok && a.message.includes("Seven repeats"), a.message);
  assert.ok(!b.ok && b.message.includes("interquartile range"), b.message);
  assert.ok(!c.ok && c.message.includes('"no difference"'), c.message);
});

Deno.test("05.1: a prediction inside the interval is right; outside, the gap is explained", async () => {
  // An interval containing 1: half-width (1.06 − 0.98) / 2 = 0.04, "±4.0 %".
  const noise = { medianRatio: 1.02, low: 0.98, high: 1.06, detectable: 0.04 };
  const inside = await checkPrediction("05.1", 1, noise);
  assert.ok(inside.ok, inside.message);
  assert.match(inside.message, /median ratio of 1\.020 \(95 % CI 0\.980–1\.060\)/);
  assert.match(inside.message, /contains 1.*±4\.0 %/);
  const above = await checkPrediction("05.1", 2, noise);
  assert.ok(!above.ok && above.message.includes("above the interval"), above.message);
  const below = await checkPrediction("05.1", 0.5, noise);
  assert.ok(!below.ok && below.message.includes("below the interval"), below.message);
  // An interval above 1: 1.2 is 20.0 % slower.
  const slow = await checkPrediction("05.1", 1.25, {
    medianRatio: 1.2,
    low: 1.1,
    high: 1.3,
    detectable: 0.1,
  });
  assert.ok(slow.ok && slow.message.includes("slower here, by 20.0 %"), slow.message);
  const text = await checkPrediction("05.1", "a bit slower", noise);
  assert.ok(!text.ok && text.message.includes("predict a ratio"), text.message);
});
