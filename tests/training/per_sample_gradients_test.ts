import * as tf from "@tensorflow/tfjs";
import { seededRandom, setupBackend } from "../../lib/runtime/backend.ts";
import {
  dpClippedGradients,
  perSampleGradientNorms,
} from "../../lib/training/per_sample_gradients.ts";
import { meanSquaredError } from "../../lib/losses/regression.ts";
import { categoricalCrossentropy } from "../../lib/losses/probabilistic.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 1 });

Deno.test("perSampleGradientNorms: linear model against the closed form 2|r|·sqrt(‖x‖² + 1)", async () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 1, inputShape: [2] })],
  });
  model.setWeights([tf.tensor2d([[0.5], [-1]]), tf.tensor1d([0.25])]);
  const x = [[1, 2], [3, -1], [0, 0]], y = [[1], [0], [2]];
  // ŷ = 0.5x₁ − x₂ + 0.25, r = ŷ − y; ∂ℓ/∂w = 2r·x, ∂ℓ/∂b = 2r.
  const expected = x.map((xi, i) => {
    const r = 0.5 * xi[0] - xi[1] + 0.25 - y[i][0];
    return 2 * Math.abs(r) * Math.sqrt(xi[0] ** 2 + xi[1] ** 2 + 1);
  });
  for (const method of ["dense", "loop"] as const) {
    const norms = await assertNoLeak(() =>
      perSampleGradientNorms(model, x, y, { loss: meanSquaredError, method })
    );
    assertClose(norms, expected, 1e-4, method);
  }
  model.dispose();
});

Deno.test("perSampleGradientNorms: dense trick equals the per-sample loop on an MLP", () => {
  const r = seededRandom(5);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, activation: "tanh", inputShape: [4] }),
      tf.layers.dense({ units: 5, activation: "relu" }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  const x = Array.from({ length: 12 }, () => Array.from({ length: 4 }, () => r() * 2 - 1));
  const y = x.map((_, i) => [0, 1, 2].map((c) => (c === i % 3 ? 1 : 0)));
  const loss = (t: tf.Tensor, p: tf.Tensor) => categoricalCrossentropy(t, p);
  const fast = perSampleGradientNorms(model, x, y, { loss, method: "dense" });
  const slow = perSampleGradientNorms(model, x, y, { loss, method: "loop" });
  assertClose(fast, Array.from(slow), 1e-4);
  model.dispose();
});

Deno.test("dpClippedGradients: clipped average by hand; errors", () => {
  const w = tf.variable(tf.tensor2d([[0]]));
  // Gradients of (w·x − y)² at w = 0 are −2xy: x = 1, y = [0.25, 3] -> −0.5 and −6 (norms 0.5, 6).
  // C = 1: the first is kept, the second scaled to −1; average (−0.5 − 1) / 2 = −0.75.
  const r = dpClippedGradients((xb) => tf.matMul(xb, w), [[1], [1]], [[0.25], [3]], {
    loss: meanSquaredError,
    clipNorm: 1,
    variables: [w],
  });
  assertClose(r.norms, [0.5, 6], 1e-5);
  assertClose(r.grads[w.name], [-0.75], 1e-6);
  assert.equal(r.clippedFraction, 0.5);
  tf.dispose(Object.values(r.grads));
  assertThrowsWith(
    () =>
      dpClippedGradients((xb) => tf.matMul(xb, w), [[1]], [[1]], {
        loss: meanSquaredError,
        clipNorm: 0,
        variables: [w],
      }),
    RangeError,
    "dpClippedGradients: clipNorm is 0",
  );
  assertThrowsWith(
    () => perSampleGradientNorms((xb) => xb, [[1]], [[1]], { loss: meanSquaredError }),
    TypeError,
    "options.variables",
  );
  w.dispose();
});
