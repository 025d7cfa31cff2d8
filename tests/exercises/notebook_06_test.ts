/**
 * Notebook 06's checkers: the usual wrong answers get their own hint, the prediction's comparison
 * reads the confidence interval, and the expected values agree with hand-worked ones (the
 * reference solutions are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import { assert } from "../assert.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

type Ci = { median: number; low: number; high: number };
type MicroBatch = { losses: number[][]; mask: number[][] };

Deno.test("06.1: a verdict read from the median, or from a fixed margin, is refused", async () => {
  const byMedian = (ci: Ci) =>
    ci.median > 1 ? "array slower" : ci.median < 1 ? "array faster" : "no difference detectable";
  // Calls a 5 % difference "no difference" whatever the interval says.
  const byMargin = (ci: Ci) =>
    ci.low > 1.05 ? "array slower" : ci.high < 0.95 ? "array faster" : "no difference detectable";
  const strictEnds = (ci: Ci) =>
    ci.low >= 1 ? "array slower" : ci.high <= 1 ? "array faster" : "no difference detectable";
  const a = await checkExercise("06.1", byMedian);
  const b = await checkExercise("06.1", byMargin);
  const c = await checkExercise("06.1", strictEnds);
  assert.ok(!a.ok && a.message.includes("whole interval"), a.message);
  assert.ok(!b.ok && b.message.includes("small median difference"), b.message);
  // low = 1 exactly: an interval that touches 1 contains it.
  assert.ok(!c.ok && c.message.includes("whole interval"), c.message);
});

Deno.test("06.2: inside the interval is accepted, outside is not, and both values are named", async () => {
  const measured = { median: 1.03, low: 0.98, high: 1.09 };
  const inside = await checkPrediction("06.2", 1, measured);
  const above = await checkPrediction("06.2", 2, measured);
  assert.ok(inside.ok, inside.message);
  assert.ok(inside.message.includes("contains 1"), inside.message);
  // Half-width (1.09 − 0.98) / 2 = 0.055: ±5.5 %.
  assert.ok(inside.message.includes("±5.5 %"), inside.message);
  assert.ok(!above.ok && above.message.includes("You predicted 2"), above.message);
  assert.ok(above.message.includes("above the interval"), above.message);
  assert.ok(above.message.includes("0.980–1.090"), above.message);
  const slower = await checkPrediction("06.2", 0.9, { median: 1.2, low: 1.1, high: 1.3 });
  assert.ok(!slower.ok && slower.message.includes("below the interval"), slower.message);
  assert.ok(slower.message.includes("the array was slower"), slower.message);
  const nonsense = await checkPrediction("06.2", "fast", measured);
  assert.ok(!nonsense.ok && nonsense.message.includes("positive number"), nonsense.message);
});

Deno.test("06.3: the checker expects the hand-worked shares of the step's token mean", async () => {
  // Case 1: masked sums 1+2+3+4 = 10 (4 tokens) and 2+2+2+1+3 = 10 (5 tokens); 9 real tokens.
  // Case 2: sums 0.75 (2 tokens), 8 (1 token), 3+1 = 4 (2 tokens); 5 real tokens.
  const handWorked = (batches: MicroBatch[]) =>
    batches[0].losses[0][0] === 1 ? [10 / 9, 10 / 9] : [0.75 / 5, 8 / 5, 4 / 5];
  const verdict = await checkExercise("06.3", handWorked);
  assert.ok(verdict.ok, verdict.message);
});

Deno.test("06.3: the 2024 bug, counted padding and a wrong split get their own hints", async () => {
  const masked = (b: MicroBatch) =>
    b.losses.flat().reduce((s, l, i) => s + l * b.mask.flat()[i], 0);
  const real = (b: MicroBatch) => b.mask.flat().reduce((s, m) => s + m, 0);
  const bug = (bs: MicroBatch[]) => bs.map((b) => masked(b) / real(b) / bs.length);
  const padding = (bs: MicroBatch[]) => {
    const positions = bs.reduce((s, b) => s + b.mask.flat().length, 0);
    return bs.map((b) => masked(b) / positions);
  };
  const evenSplit = (bs: MicroBatch[]) => {
    const total = bs.reduce((s, b) => s + masked(b), 0) / bs.reduce((s, b) => s + real(b), 0);
    return bs.map(() => total / bs.length);
  };
  const [a, b, c] = await Promise.all(
    [bug, padding, evenSplit].map((fn) => checkExercise("06.3", fn)),
  );
  assert.ok(!a.ok && a.message.includes("mean_of_micro_means"), a.message);
  assert.ok(!b.ok && b.message.includes("padding"), b.message);
  assert.ok(!c.ok && c.message.includes("add up to the right loss"), c.message);
  const scalar = await checkExercise("06.3", () => 1);
  assert.ok(!scalar.ok && scalar.message.includes("one finite number per micro-batch"));
});
