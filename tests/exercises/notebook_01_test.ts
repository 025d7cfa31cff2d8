/**
 * Notebook 01's checkers give the right hint for the usual wrong answers (the reference solutions
 * are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("01.1: dividing by the sum of the weights, or ignoring them, gets its own hint", async () => {
  const byWeights = (l: number[], w: number[]) =>
    l.reduce((s, v, i) => s + v * w[i], 0) / w.reduce((s, v) => s + v, 0);
  const unweighted = (l: number[]) => l.reduce((s, v) => s + v, 0) / l.length;
  const a = await checkExercise("01.1", byWeights);
  const b = await checkExercise("01.1", unweighted);
  assert.ok(!a.ok && a.message.includes("mean_with_sample_weight"), a.message);
  assert.ok(!b.ok && b.message.includes("plain mean"), b.message);
});

Deno.test("01.2: a scalar Huber, a [batch, 1] Huber and a wrong slope are refused", async () => {
  const elementwise = (t: tf.Tensor, p: tf.Tensor) =>
    tf.tidy(() => {
      const e = tf.abs(tf.sub(p, t));
      const q = tf.minimum(e, 1);
      return tf.add(tf.mul(0.5, tf.square(q)), tf.sub(e, q));
    });
  const scalar = (t: tf.Tensor, p: tf.Tensor) => tf.mean(elementwise(t, p));
  // Half the squared error everywhere: right below δ, wrong above it.
  const noLinearPart = (t: tf.Tensor, p: tf.Tensor) =>
    tf.mean(tf.mul(0.5, tf.square(tf.sub(p, t))), -1);
  const verdicts = await Promise.all(
    [scalar, elementwise, noLinearPart].map((fn) => checkExercise("01.2", fn)),
  );
  assert.ok(!verdicts[0].ok && verdicts[0].message.includes("one number"), verdicts[0].message);
  assert.ok(!verdicts[1].ok && verdicts[1].message.includes("[5,1]"), verdicts[1].message);
  assert.ok(!verdicts[2].ok && verdicts[2].message.includes("Large errors"), verdicts[2].message);
});

Deno.test("01.3: 1 and 1/n are refused with different hints", async () => {
  const one = await checkExercise("01.3", () => 1);
  const inverse = await checkExercise("01.3", (n: number) => 1 / n);
  assert.ok(!one.ok && one.message.includes("constant factor"), one.message);
  assert.ok(!inverse.ok && inverse.message.includes("other way round"), inverse.message);
});
