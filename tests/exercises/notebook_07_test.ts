/**
 * Notebook 07's checkers give the right hint for the usual wrong answers (the reference solutions
 * are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("07.1: a prediction is compared with the measured value, and the gap explained", async () => {
  // 100 pairs of identical rows: −log(1/199) = 5.293 (hand-worked; the checker measures it).
  assert.ok((await checkExercise("07.1", Math.log(199))).ok);
  assert.ok((await checkExercise("07.1", 5.29)).ok, "three significant digits are enough");
  const zero = await checkExercise("07.1", 0);
  assert.ok(
    !zero.ok && zero.message.includes("measured 5.293") && zero.message.includes("worst case"),
    zero.message,
  );
  const offByOne = await checkExercise("07.1", Math.log(200));
  assert.ok(!offByOne.ok && offByOne.message.includes("count the candidates"), offByOne.message);
  const far = await checkExercise("07.1", 2);
  assert.ok(!far.ok && far.message.includes("log(2B − 1)"), far.message);
  const text = await checkExercise("07.1", "4.8");
  assert.ok(!text.ok && text.message.includes("Commit to one number"), text.message);
});

Deno.test("07.2: per-sample values, a wrong divisor and both orders get their own hints", async () => {
  const matrix = (t: tf.Tensor, p: tf.Tensor) => {
    const y = tf.reshape(t, [-1]) as tf.Tensor1D, s = tf.reshape(p, [-1]);
    const d = tf.sub(tf.expandDims(s, 1), tf.expandDims(s, 0));
    return { y, pairs: tf.outerProduct(y, tf.sub(1, y) as tf.Tensor1D), d };
  };
  const perSample = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d))), 1);
    });
  const everyPair = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.mean(tf.mul(pairs, tf.relu(tf.sub(1, d))));
    });
  // Penalises every mixed pair in both directions: the negative-first pairs wrongly count too.
  const bothOrders = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      const mixed = tf.add(pairs, tf.transpose(pairs));
      return tf.div(tf.sum(tf.mul(mixed, tf.relu(tf.sub(1, d)))), tf.sum(mixed));
    });
  const noGuard = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const { pairs, d } = matrix(t, p);
      return tf.div(tf.sum(tf.mul(pairs, tf.relu(tf.sub(1, d)))), tf.sum(pairs));
    });
  const [a, b, c, e] = await Promise.all(
    [perSample, everyPair, bothOrders, noGuard].map((fn) => checkExercise("07.2", fn)),
  );
  assert.ok(!a.ok && a.message.includes("no per-sample"), a.message);
  assert.ok(!b.ok && b.message.includes("divisor"), b.message);
  assert.ok(!c.ok && c.message.includes("positive first"), c.message);
  assert.ok(!e.ok && e.message.includes("no pairs"), e.message);
});

Deno.test("07.3: leaving the scalar alone gets the reduce_weighted_values hint", async () => {
  const untouched = await checkExercise("07.3", (loss: number) => loss);
  assert.ok(
    !untouched.ok && untouched.message.includes("reduce_weighted_values"),
    untouched.message,
  );
  const weightedMean = await checkExercise(
    "07.3",
    (loss: number, w: number[]) => (loss * w.reduce((s, v) => s + v, 0)) / w.length,
  );
  assert.ok(!weightedMean.ok && weightedMean.message.includes("sum"), weightedMean.message);
});
