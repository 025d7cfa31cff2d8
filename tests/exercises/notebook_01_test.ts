/**
 * Notebook 01's checkers give the right hint for the usual wrong answers (the reference solutions
 * are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("01.2: dividing by the sum of the weights, or ignoring them, gets its own hint", async () => {
  const byWeights = (l: number[], w: number[]) =>
    l.reduce((s, v, i) => s + v * w[i], 0) / w.reduce((s, v) => s + v, 0);
  const unweighted = (l: number[]) => l.reduce((s, v) => s + v, 0) / l.length;
  const a = await checkExercise("01.2", byWeights);
  const b = await checkExercise("01.2", unweighted);
  assert.ok(!a.ok && a.message.includes("mean_with_sample_weight"), a.message);
  assert.ok(!b.ok && b.message.includes("plain mean"), b.message);
});

Deno.test("01.3: a scalar Huber, a [batch, 1] Huber and a wrong slope are refused", async () => {
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
    [scalar, elementwise, noLinearPart].map((fn) => checkExercise("01.3", fn)),
  );
  assert.ok(!verdicts[0].ok && verdicts[0].message.includes("one number"), verdicts[0].message);
  assert.ok(!verdicts[1].ok && verdicts[1].message.includes("[5,1]"), verdicts[1].message);
  assert.ok(!verdicts[2].ok && verdicts[2].message.includes("Large errors"), verdicts[2].message);
});

Deno.test("01.4: always true, the full batch only, and float64 get their own hints", async () => {
  const always = () => true;
  // 314 rows in batches of 32 end with a batch of 26; checking only the 32-row batches misses it.
  const fullOnly = (_n: number, b: number, k: number) =>
    Math.fround(1 / (b * k)) === Math.fround(Math.fround(1 / b) / k);
  const float64 = (n: number, b: number, k: number) => {
    const sizes = [Math.min(n, b), n % b].filter((s) => s > 0);
    return sizes.every((s) => 1 / (s * k) === 1 / s / k);
  };
  const verdicts = await Promise.all(
    [always, fullOnly, float64].map((fn) => checkExercise("01.4", fn)),
  );
  assert.ok(!verdicts[0].ok && verdicts[0].message.includes("float32"), verdicts[0].message);
  assert.ok(!verdicts[1].ok && verdicts[1].message.includes("last batch"), verdicts[1].message);
  assert.ok(!verdicts[2].ok && verdicts[2].message.includes("float64"), verdicts[2].message);
});

/** A §5 measurement as the notebook passes it, built by hand. */
function measurement(maxAbsDifference: number, largestGradient: number, sizes: number[]) {
  const differingBatches = maxAbsDifference === 0 ? 0 : 1;
  return {
    maxAbsDifference,
    largestGradient,
    differingBatches,
    batches: sizes.map((size) => ({ size })),
  };
}

Deno.test("01.1: a prediction is judged by class: zero, rounding or large", async () => {
  // 4.8e-7 of a largest gradient of 3.8 is 1.3e-7 of it: about one float32 epsilon (2⁻²³ ≈ 1.2e-7).
  const rounding = measurement(4.8e-7, 3.8, [32, 26]);
  const zero = measurement(0, 3.8, [32]);
  const none = await checkPrediction("01.1", undefined, rounding);
  assert.ok(!none.ok && !none.message.includes("4.8e-7"), "no prediction reveals nothing");
  const right = await checkPrediction("01.1", "rounding", rounding);
  assert.ok(
    right.ok && right.message.includes("4.8e-7") && right.message.includes("32 and 26"),
    right.message,
  );
  const saidZero = await checkPrediction("01.1", "zero", rounding);
  assert.ok(!saidZero.ok && saidZero.message.includes("scale factors"), saidZero.message);
  const saidLarge = await checkPrediction("01.1", "large", rounding);
  assert.ok(!saidLarge.ok && saidLarge.message.includes("mean of all values"), saidLarge.message);
  assert.ok((await checkPrediction("01.1", "identical", zero)).ok);
  assert.ok(!(await checkPrediction("01.1", "float32 rounding", zero)).ok);
  const unknown = await checkPrediction("01.1", 1e-7, rounding);
  assert.ok(
    !unknown.ok && unknown.message.includes('"zero", "rounding" or "large"'),
    unknown.message,
  );
  // A difference of 0.5 on a gradient of 3.8 is no rounding.
  assert.ok((await checkPrediction("01.1", "large", measurement(0.5, 3.8, [32]))).ok);
});
