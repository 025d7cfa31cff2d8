/**
 * Notebook 03's checkers turn typical wrong answers into the right hint (the solutions passing is
 * tests/exercises/solutions_test.ts's job).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertNoLeak } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise } from "../../notebooks/exercises/mod.ts";
import { categoricalCrossentropy } from "../../lib/losses/probabilistic.ts";

await setupBackend({ backend: "wasm", seed: 3 });

async function hint(id: string, answer: unknown): Promise<string> {
  const verdict = await checkExercise(id, answer);
  assert.ok(!verdict.ok, `${id}: a wrong answer passed`);
  return verdict.message;
}

Deno.test("03.1: inverse counts get the scale hint, a wrong length the shape hint", async () => {
  // 1 / n_c has the right ratios between classes but not n / (k · n_c)'s scale.
  const inverse = (labels: number[], k: number) => {
    const counts = new Array<number>(k).fill(0);
    labels.forEach((c) => counts[c]++);
    return counts.map((n) => 1 / n);
  };
  assert.match(await hint("03.1", inverse), /scale/);
  assert.match(await hint("03.1", () => [1]), /one weight per class/);
});

Deno.test("03.2: averaging over classes or summing gets its own hint", async () => {
  const overClasses = (_: number[], w: number[]) => w.reduce((s, v) => s + v, 0) / w.length;
  const summed = (labels: number[], w: number[]) => labels.reduce((s, c) => s + w[c], 0);
  assert.match(await hint("03.2", overClasses), /averages over the classes/);
  assert.match(await hint("03.2", summed), /mean of the weighted values, not their sum/);
});

Deno.test("03.3: a scalar loss and an unweighted loss are told apart, without leaks", async () => {
  const scalar = () => (t: tf.Tensor, p: tf.Tensor) => tf.mean(categoricalCrossentropy(t, p));
  const unweighted = () => categoricalCrossentropy;
  assert.match(await assertNoLeak(() => hint("03.3", scalar)), /one number for the batch/);
  assert.match(await assertNoLeak(() => hint("03.3", unweighted)), /unweighted cross-entropies/);
});
