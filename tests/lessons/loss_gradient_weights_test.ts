/**
 * lossGradientWeights: ∂L/∂ℓᵢ for the mean, the sum and the robust reductions, worked by hand.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { lossGradientWeights } from "../../notebooks/lessons/loss_gradient_weights.ts";
import { topKMean, trimmedMean } from "../../lib/losses/robust.ts";
import { assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("lossGradientWeights: the mean gives 1/n to every sample; the sum gives 1", async () => {
  // L = (ℓ₁ + … + ℓ₅)/5, so ∂L/∂ℓᵢ = 1/5 whatever the values.
  const w = await assertNoLeak(() => lossGradientWeights([3, 0, 100, 0.5, 7]));
  assertClose(w, [0.2, 0.2, 0.2, 0.2, 0.2], 1e-7);
  assertClose(lossGradientWeights([1, 2, 3], (v) => tf.sum(v)), [1, 1, 1]);
});

Deno.test("lossGradientWeights: robust reductions give dropped samples nothing", async () => {
  const losses = tf.tensor1d([1, 10, 2, 3]);
  // trim 0.25 of 4 drops floor(1) = 1 sample, the largest (10): the other three share 1/3 each.
  const trimmed = await assertNoLeak(() =>
    lossGradientWeights(losses, trimmedMean({ trim: 0.25 }))
  );
  assertClose(trimmed, [1 / 3, 0, 1 / 3, 1 / 3], 1e-7);
  // top-2 keeps the two largest (10 and 3): 1/2 each.
  assertClose(lossGradientWeights(losses, topKMean({ k: 2 })), [0, 0.5, 0, 0.5], 1e-7);
  losses.dispose();
});

Deno.test("lossGradientWeights: bad losses or a non-scalar reduction are named", () => {
  assertThrowsWith(
    () => lossGradientWeights([[1, 2]]),
    RangeError,
    "lossGradientWeights: losses has shape [1, 2], expected [n]",
  );
  assertThrowsWith(() => lossGradientWeights([]), RangeError, "losses has shape [0]");
  const before = tf.memory().numTensors;
  assertThrowsWith(
    () => lossGradientWeights([1, 2], (v) => tf.mul(v, 2)),
    TypeError,
    "lossGradientWeights: reduce returned shape [2], expected a scalar tensor",
  );
  if (tf.memory().numTensors !== before) throw new Error("a failed call leaked");
});
