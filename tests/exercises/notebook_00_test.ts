/**
 * Notebook 00's checkers and prediction give the right hint for the usual wrong answers (the
 * reference solutions are run by tests/exercises/solutions_test.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { checkExercise, checkPrediction } from "../../notebooks/exercises/mod.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("00.1: a prediction within 10 points passes; an even spread gets the squaring hint", async () => {
  // Measured 54 %: an even spread would be 10 %, so 54 % is 5.4 times a fair share.
  const close = await checkPrediction("00.1", 50, 54);
  assert.ok(
    close.ok && close.message.includes("54 %") && close.message.includes("5.4 times"),
    close.message,
  );
  const even = await checkPrediction("00.1", 10, 54);
  assert.ok(!even.ok && even.message.includes("four times"), even.message);
  const high = await checkPrediction("00.1", 90, 54);
  assert.ok(!high.ok && high.message.includes("less concentrated"), high.message);
  const fraction = await checkPrediction("00.1", 0.5, 54);
  assert.ok(!fraction.ok && fraction.message.includes("percent"), fraction.message);
  const none = await checkPrediction("00.1", undefined, 54);
  assert.ok(!none.ok && !none.message.includes("54"), "no prediction reveals nothing");
  const text = await checkPrediction("00.1", "half", 54);
  assert.ok(!text.ok && text.message.includes("between 0 and 100"), text.message);
});

Deno.test("00.2: keeping the lowest losses, or too few, gets the concept hint", async () => {
  const lowest = (losses: number[], fraction: number) => {
    const sorted = [...losses].sort((a, b) => a - b);
    const k = Math.ceil(fraction * sorted.length);
    return sorted.slice(0, k).reduce((s, v) => s + v, 0) / sorted.reduce((s, v) => s + v, 0);
  };
  // [0.5, 1.5, 0.25, 5.75] with fraction 0.25: the top 1 sample carries 5.75 / 8 of the total.
  const floor = (losses: number[], fraction: number) => {
    const sorted = [...losses].sort((a, b) => b - a);
    const k = Math.floor(fraction * sorted.length);
    return sorted.slice(0, k).reduce((s, v) => s + v, 0) / sorted.reduce((s, v) => s + v, 0);
  };
  for (const fn of [lowest, floor]) {
    const v = await checkExercise("00.2", fn);
    assert.ok(!v.ok && v.message.includes("highest loss") && v.message.includes("§3"), v.message);
  }
});

Deno.test("00.3: a batch mean is told to keep one value per sample", async () => {
  const scalar = (t: tf.Tensor, p: tf.Tensor) => tf.tidy(() => tf.mean(tf.square(tf.sub(p, t))));
  const v = await checkExercise("00.3", scalar);
  assert.ok(!v.ok && v.message.includes("one number for the whole batch"), v.message);
});
