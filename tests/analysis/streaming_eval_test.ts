import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { arrayBatches, streamingEvaluate } from "../../lib/analysis/streaming_eval.ts";
import { assert, assertClose, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("streamingEvaluate: running stats and top-k equal a plain-JS pass, no leak", async () => {
  const n = 5003, x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.sin(i);
    y[i] = Math.cos(i * 0.7);
  }
  const w = tf.scalar(0.5);
  const r = await assertNoLeak(() =>
    streamingEvaluate((xb) => tf.mul(xb, w), arrayBatches(x, y, { batchSize: 256 }), {
      loss: meanSquaredError,
      topK: 5,
      keepLosses: true,
    })
  );
  // Plain JS: ℓᵢ = (0.5·xᵢ − yᵢ)² in float32 inputs.
  const l = Array.from(x, (xi, i) => (0.5 * xi - y[i]) ** 2);
  const mean = l.reduce((a, b) => a + b) / n;
  const std = Math.sqrt(l.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.equal(r.count, n);
  assertClose([r.mean, r.std, r.min, r.max], [mean, std, Math.min(...l), Math.max(...l)], 1e-5);
  const top = l.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v).slice(0, 5);
  assert.deepEqual(r.top.map((t) => t.index), top.map((t) => t.i));
  assertClose(r.losses!, l, 1e-5);
  w.dispose();
});

Deno.test("streamingEvaluate: NaN rows and non-per-sample losses are errors", async () => {
  await assert.rejects(
    () => streamingEvaluate((xb) => xb, [[[[1], [NaN]], [[1], [1]]]], { loss: meanSquaredError }),
    (e: Error) =>
      e instanceof RangeError && e.message ===
        "streamingEvaluate: the loss has 1 non-finite value, first at row 1 (NaN), expected finite numbers",
  );
  await assert.rejects(
    () =>
      streamingEvaluate((xb) => xb, [[[[1], [2]], [[1], [1]]]], {
        loss: (t, p) => tf.mean(meanSquaredError(t, p)),
      }),
    (e: Error) =>
      e instanceof RangeError && e.message.includes("returned 1 values for a batch of 2"),
  );
});

Deno.test("streamingEvaluate and arrayBatches: counts are checked before any batch is read", async () => {
  await assert.rejects(
    () => streamingEvaluate((xb) => xb, [], { loss: meanSquaredError, topK: 0 }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "streamingEvaluate: options.topK is 0, expected an integer >= 1",
  );
  assert.throws(
    () => arrayBatches(new Float32Array(4), new Float32Array(4), { batchSize: 1.5 }).next(),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "arrayBatches: options.batchSize is 1.5, expected an integer >= 1",
  );
});
