/**
 * Notebook 03's checkers turn typical wrong answers into the right hint, and its prediction
 * compares with hand-worked verdicts (the solutions passing is tests/exercises/solutions_test.ts's
 * job).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert, assertNoLeak } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";
import { categoricalCrossentropy } from "../../lib/losses/probabilistic.ts";

await setupBackend({ backend: "wasm", seed: 3 });

async function hint(id: string, answer: unknown): Promise<string> {
  const verdict = await checkExercise(id, answer);
  assert.ok(!verdict.ok, `${id}: a wrong answer passed`);
  return verdict.message;
}

type Loss = (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
const classOf = (w: number[], t: tf.Tensor) => tf.sum(tf.mul(t, tf.tensor1d(w)), -1);

Deno.test("03.2: a scalar loss and an unweighted loss are told apart, without leaks", async () => {
  const scalar = () => (t: tf.Tensor, p: tf.Tensor) => tf.mean(categoricalCrossentropy(t, p));
  const unweighted = () => categoricalCrossentropy;
  assert.match(await assertNoLeak(() => hint("03.2", scalar)), /one number for the batch/);
  assert.match(await assertNoLeak(() => hint("03.2", unweighted)), /unweighted cross-entropies/);
});

Deno.test("03.3: the batch-size divisor, the plain mean, the sum and an array get own hints", async () => {
  const weightedArray = (w: number[]): Loss => (t, p) =>
    tf.tidy(() => tf.mul(categoricalCrossentropy(t, p), classOf(w, t)));
  const overBatch = (w: number[]): Loss => (t, p) => tf.tidy(() => tf.mean(weightedArray(w)(t, p)));
  const plainMean = (): Loss => (t, p) => tf.tidy(() => tf.mean(categoricalCrossentropy(t, p)));
  const summed = (w: number[]): Loss => (t, p) => tf.tidy(() => tf.sum(weightedArray(w)(t, p)));
  assert.match(await assertNoLeak(() => hint("03.3", overBatch)), /sum_over_batch_size/);
  assert.match(await hint("03.3", plainMean), /unweighted mean/);
  assert.match(await hint("03.3", summed), /weighted sum/);
  assert.match(await hint("03.3", weightedArray), /one number per batch/);
});

Deno.test("03.1: a prediction within 5° of the one-class angle passes, and the message explains", async () => {
  const measured = { oneClass: 0.01, mixed: 100, batchSize: 64 };
  const near = await checkPrediction("03.1", 4, measured);
  const far = await checkPrediction("03.1", 90, measured);
  const none = await checkPrediction("03.1", undefined, measured);
  assert.ok(near.ok, near.message);
  assert.ok(!far.ok, far.message);
  // both values and the reason: equal weights make weighting a rescaling
  assert.match(far.message, /90°.*0\.0° apart, against 100°/);
  assert.match(far.message, /same weight/);
  assert.ok(!none.ok && !none.message.includes("100"), none.message);
  assert.ok(!(await checkPrediction("03.1", "zero", measured)).ok);
});
