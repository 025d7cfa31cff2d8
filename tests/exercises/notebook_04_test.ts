/**
 * Notebook 04's checkers: typical wrong answers get the right hint, the predictions compare with
 * hand-worked measurements, and the reference solutions give hand-worked weights (the solutions
 * passing their checkers is tests/exercises/solutions_test.ts's job).
 *
 * @module
 */
import { assert } from "../assert.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";
import { SOLUTIONS } from "../../notebooks/solutions/04_solutions.ts";

async function hint(id: string, answer: unknown): Promise<string> {
  const verdict = await checkExercise(id, answer);
  assert.ok(!verdict.ok, `${id}: a wrong answer passed`);
  return verdict.message;
}

type Weights = (mask: number[][], normalization: string) => number[][];

Deno.test("04.3: the solution's weights for a hand-worked mask", () => {
  const weights = SOLUTIONS["04.3"]() as Weights;
  // B·T = 6 elements, 4 real tokens: the per-token mean needs 6/4 on every real token.
  const mask = [[1, 1, 1], [1, 0, 0]];
  assert.deepEqual(weights(mask, "token"), [[1.5, 1.5, 1.5], [1.5, 0, 0]]);
  // Per sequence: each of the 2 sequences weighs 1/2, shared by its tokens, times B·T = 6.
  assert.deepEqual(weights(mask, "sequence"), [[1, 1, 1], [3, 0, 0]]);
});

Deno.test("04.3: the mask, a wrong scale and token weights for sequence get their hints", async () => {
  const maskItself: Weights = (mask) => mask.map((r) => r.slice());
  assert.match(await hint("04.3", maskItself), /sample_weight route/);
  // Weights summing to 1 (the token mean's own weights) forget Keras's B·T denominator.
  const summingToOne: Weights = (mask) => {
    const real = mask.flat().reduce((a, b) => a + b, 0);
    return mask.map((r) => r.map((m) => m / real));
  };
  assert.match(await hint("04.3", summingToOne), /wrong scale/);
  // The per-token weights whatever the normalisation asked for.
  const tokenOnly: Weights = (mask) => (SOLUTIONS["04.3"]() as Weights)(mask, "token");
  assert.match(await hint("04.3", tokenOnly), /long sequence counts more/);
  const nanAtEmptyRow: Weights = (mask, n) => {
    const counts = mask.map((r) => r.reduce((a, b) => a + b, 0));
    const good = (SOLUTIONS["04.3"]() as Weights)(mask, n);
    return good.map((r, i) => counts[i] === 0 ? r.map(() => NaN) : r);
  };
  assert.match(await hint("04.3", nanAtEmptyRow), /no real token/);
  assert.match(await hint("04.3", () => [[1]]), /one weight per token/);
});

Deno.test("04.4: the solution's weights for a hand-worked batch of graphs", () => {
  const weights = (SOLUTIONS["04.4"]() as (ids: number[], g: number) => number[])(
    [0, 0, 1, 2, 2],
    3,
  );
  // 5 stacked nodes, 3 graphs of sizes 2, 1, 2: 5 / (3 · size).
  const want = [5 / 6, 5 / 6, 5 / 3, 5 / 6, 5 / 6];
  weights.forEach((w, j) => assert.ok(Math.abs(w - want[j]) < 1e-12, `node ${j}: ${w}`));
});

Deno.test("04.4: equal weights and 1/size get their hints", async () => {
  assert.match(await hint("04.4", (ids: number[]) => ids.map(() => 1)), /mean over stacked/);
  const inverseSize = (ids: number[], g: number) => {
    const sizes = new Array<number>(g).fill(0);
    ids.forEach((k) => sizes[k]++);
    return ids.map((k) => 1 / sizes[k]);
  };
  assert.match(await hint("04.4", inverseSize), /wrong scale/);
  assert.match(await hint("04.4", () => [1]), /one weight per stacked node/);
});

Deno.test("04.1: the short series' weight, with the per-sequence and all-months slips", async () => {
  // 2 of 4 training months against 4 of 6 real months: 0.5 on the training months.
  const measured = {
    ratio: 0.5,
    shortMonths: 2,
    longMonths: 4,
    shortAllMonths: 4,
    longAllMonths: 6,
  };
  const right = await checkPrediction("04.1", 0.52, measured);
  assert.ok(right.ok, right.message);
  assert.match(right.message, /0\.52.*0\.50/);
  const sequence = await checkPrediction("04.1", 1, measured);
  assert.ok(!sequence.ok);
  assert.match(sequence.message, /per-sequence mean/);
  const allMonths = await checkPrediction("04.1", 0.67, measured);
  assert.ok(!allMonths.ok);
  assert.match(allMonths.message, /held-out/);
  assert.ok(!(await checkPrediction("04.1", "half", measured)).ok);
});

Deno.test("04.2: the bug with one series per micro-batch is the per-sequence mean", async () => {
  // Two series with means 2 (3 tokens) and 6 (1 token): per sequence (2 + 6) / 2 = 4, per token
  // 12 / 4 = 3, all elements 12 / 6 = 2 (B·T = 2 · 3); the bug averages the two means: 4.
  const measured = { bug: 4, token: 3, elements: 2, sequence: 4 };
  const right = await checkPrediction("04.2", "per sequence", measured);
  assert.ok(right.ok, right.message);
  assert.match(right.message, /weight 1\/K/);
  const token = await checkPrediction("04.2", "token", measured);
  assert.ok(!token.ok);
  assert.match(token.message, /num_items_in_batch/);
  assert.ok(!(await checkPrediction("04.2", "B·T", measured)).ok);
  assert.ok(!(await checkPrediction("04.2", "median", measured)).ok);
});
