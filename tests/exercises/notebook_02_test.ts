/**
 * Notebook 02's checkers give the right hint for the usual wrong answers, and its prediction
 * compares with hand-worked verdicts (the reference solutions are run by
 * tests/exercises/solutions_test.ts).
 *
 * @module
 */
import { assert } from "../assert.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

async function hint(id: string, answer: unknown): Promise<string> {
  const verdict = await checkExercise(id, answer);
  assert.ok(!verdict.ok, `${id}: a wrong answer passed`);
  return verdict.message;
}

// 27 flips among 273 samples: k = 27, tolerance max(2, round(27 / 5)) = 5, chance 27² / 273 ≈ 2.67.
const measured = { firstEpoch: 12, lastEpoch: 26, k: 27, samples: 273, epochs: 30 };

Deno.test("02.1: predictions within the tolerance pass, others do not, and both values are stated", async () => {
  assert.ok((await checkPrediction("02.1", 12, measured)).ok);
  assert.ok((await checkPrediction("02.1", 17, measured)).ok);
  assert.ok((await checkPrediction("02.1", 7, measured)).ok);
  const high = await checkPrediction("02.1", 18, measured);
  const low = await checkPrediction("02.1", 6, measured);
  assert.ok(!high.ok && !low.ok);
  assert.match(high.message, /You predicted 18 of 27; the run put 12 flips/);
  assert.match(high.message, /26 at epoch 30/);
  assert.match(high.message, /about 2\.7\./);
  // too high: the model has not learned the species yet; too low: it learns within epoch 1
  assert.match(high.message, /barely/);
  assert.match(low.message, /within\s+the first epoch/);
  const none = await checkPrediction("02.1", undefined, measured);
  assert.ok(!none.ok && !none.message.includes("12"), none.message);
  assert.ok(!(await checkPrediction("02.1", "many", measured)).ok);
});

Deno.test("02.2: counting learning events or every change gets its own hint", async () => {
  const learned = (c: number[]) => c.slice(1).filter((v, t) => c[t] === 0 && v === 1).length;
  const changes = (c: number[]) => c.slice(1).filter((v, t) => c[t] !== v).length;
  assert.match(await hint("02.2", learned), /learned/);
  assert.match(await hint("02.2", changes), /every change/);
});

Deno.test("02.3: a reversed sign or a maximum over all classes gets its own hint", async () => {
  const reversed = (probs: number[][], labels: number[]) =>
    probs.map((r, i) => r[labels[i]] - Math.max(...r.filter((_, c) => c !== labels[i])));
  const withLabel = (probs: number[][], labels: number[]) =>
    probs.map((r, i) => Math.max(...r) - r[labels[i]]);
  assert.match(await hint("02.3", reversed), /sign is reversed/);
  assert.match(await hint("02.3", withLabel), /label's own class/);
});

Deno.test("02.4: hits instead of a precision, or the lowest scores, get their own hint", async () => {
  const order = (s: number[]) => s.map((_, i) => i).sort((i, j) => s[j] - s[i] || i - j);
  const hits = (s: number[], n: number[], k: number) =>
    order(s).slice(0, k).filter((i) => n[i]).length;
  const lowest = (s: number[], n: number[], k: number) =>
    order(s.map((v) => -v)).slice(0, k).filter((i) => n[i]).length / k;
  assert.match(await hint("02.4", hits), /number of hits/);
  assert.match(await hint("02.4", lowest), /lowest scores/);
});
