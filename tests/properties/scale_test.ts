/** At 130,000 elements (past the ~120,000 where spreading into a call overflowed the stack). */
import * as tf from "@tensorflow/tfjs";
import { assert } from "../assert.ts";
import * as L from "../../lib/mod.ts";

await L.setupBackend({ backend: "cpu", seed: 0 });
const N = 130_000;
const values = Float32Array.from({ length: N }, (_, i) => (i % 997) / 997);
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);

Deno.test("scale: array-taking functions of analysis, datasets, structured at 130,000 elements", async () => {
  const before = tf.memory().numTensors;
  assert.equal(L.spread(Array.from(values)).q1 >= 0, true);
  assert.equal(L.topLosses(values, 3).length, 3);
  assert.equal(L.lossSummary(values).count, N);
  assert.equal(L.findNonFinite(values).length, 0);
  assert.equal(L.flipLabels(labels, { fraction: 0.1 }).labels.length, N);
  const noisy = Uint8Array.from({ length: N }, (_, i) => i % 2);
  assert.ok(Number.isFinite(L.rocAuc(values, noisy)));
  assert.ok(Number.isFinite(L.precisionAtK(values, noisy, 10)));
  const split = L.splitIndices(N, { stratify: labels });
  assert.equal(split.train.length + split.validation.length, N);
  assert.equal(L.forceLayout(N, [], { iterations: 0 }).x.length, N);
  const r = await L.streamingEvaluate(
    (x: tf.Tensor) => tf.clone(x),
    L.arrayBatches(values, new Float32Array(N), { batchSize: 8192 }),
    { loss: L.meanSquaredError },
  );
  assert.equal(r.count, N);
  const t = new L.SampleTracker(N, { task: "regression" });
  t.startEpoch();
  t.record(Int32Array.from({ length: N }, (_, i) => i), values);
  assert.ok(Number.isFinite(t.meanLoss()[0]));
  const rows = Array.from({ length: N }, (_, i) => [values[i], 1 - values[i]]);
  const s = L.fitStandardizer(rows);
  L.standardize(rows, s).dispose();
  assert.equal(tf.memory().numTensors, before);
});
