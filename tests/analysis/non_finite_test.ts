/**
 * findNonFinite: hand-made arrays with NaN and infinities in known places.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { findNonFinite } from "../../lib/analysis/non_finite.ts";
import { assert, assertNoLeak } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("findNonFinite: indices of NaN, +Infinity and -Infinity, in order", () => {
  assert.deepEqual(findNonFinite([1, 2, 3]), []);
  assert.deepEqual(findNonFinite([-Infinity, 0, NaN, 1e30, Infinity]), [0, 2, 4]);
  assert.deepEqual(findNonFinite(Float32Array.from([0, NaN])), [1]);
  assert.deepEqual(findNonFinite(new Float64Array([Infinity])), [0]);
  assert.deepEqual(findNonFinite([]), []);
});

Deno.test("findNonFinite: tensors (read row-major) without a leak", async () => {
  // [[1, NaN], [3, 4], [Inf, 6]] flattened: NaN at 1, Inf at 4.
  const t = tf.tensor2d([[1, NaN], [3, 4], [Infinity, 6]]);
  const bad = await assertNoLeak(() => findNonFinite(t));
  assert.deepEqual(bad, [1, 4]);
  // A loss that overflows float32: 1e20² = Infinity, found at its sample.
  const sq = tf.square(tf.tensor1d([1, 1e20, 2]));
  assert.deepEqual(findNonFinite(sq), [1]);
  tf.dispose([t, sq]);
});
