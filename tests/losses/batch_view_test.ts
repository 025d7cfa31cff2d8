import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/_core/random.ts";
import { leaveOneOutContributions, predictionGradientNorms } from "../../lib/losses/batch_view.ts";
import { softDice } from "../../lib/losses/overlap.ts";
import { pairwiseAucLoss } from "../../lib/losses/ranking.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

const dice0 = (t: tf.Tensor, p: tf.Tensor) => softDice(t, p, { smooth: 0 });

/** Binary soft Dice (smooth 0) of plain arrays, by its definition. */
function plainDice(t: number[], p: number[]): number {
  let tp = 0, sizes = 0;
  for (let i = 0; i < t.length; i++) {
    tp += t[i] * p[i];
    sizes += t[i] + p[i];
  }
  return 1 - (2 * tp) / (sizes + 1e-7);
}

Deno.test("leaveOneOutContributions: a batch mean gives (ℓᵢ − ℓ̄) / (n − 1)", () => {
  // Squared errors 1, 4, 16 (mean 7): (1 − 7) / 2, (4 − 7) / 2, (16 − 7) / 2.
  const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
  assertClose(
    leaveOneOutContributions(mse, [[0], [0], [0]], [[1], [2], [4]]),
    [-3, -1.5, 4.5],
    1e-5,
  );
});

Deno.test("leaveOneOutContributions: soft Dice by hand", () => {
  // y 1, 0, 1; p 0.8, 0.4, 0.6. Whole batch: 1 − 2.8 / 3.8 = 0.263158.
  // Without 0: 1 − 1.2 / 2 = 0.4; without 1: 1 − 2.8 / 3.4 = 0.176471; without 2: 1 − 1.6 / 2.2.
  const want = [0.263158 - 0.4, 0.263158 - 0.176471, 0.263158 - (1 - 1.6 / 2.2)];
  assertClose(leaveOneOutContributions(dice0, [1, 0, 1], [0.8, 0.4, 0.6]), want, 1e-5);
});

Deno.test("leaveOneOutContributions: matches a plain loop on random batches (Dice, AUC)", () => {
  const random = seededRandom(9);
  const t = Array.from({ length: 12 }, (_, i) => (i % 4 === 0 || random() < 0.3 ? 1 : 0));
  const p = t.map(() => random());
  const without = (a: number[], i: number) => a.filter((_, j) => j !== i);
  const dice = t.map((_, i) => plainDice(t, p) - plainDice(without(t, i), without(p, i)));
  assertClose(leaveOneOutContributions(dice0, t, p), dice, 1e-5);
  // Hinge AUC surrogate (margin 1), as a double loop.
  const auc = (y: number[], s: number[]) => {
    let sum = 0, pairs = 0;
    for (let i = 0; i < y.length; i++) {
      for (let j = 0; j < y.length; j++) {
        if (y[i] === 1 && y[j] === 0) {
          [sum, pairs] = [sum + Math.max(0, 1 - (s[i] - s[j])), pairs + 1];
        }
      }
    }
    return sum / pairs;
  };
  const hinge = (a: tf.Tensor, b: tf.Tensor) => pairwiseAucLoss(a, b, { surrogate: "hinge" });
  const want = t.map((_, i) => auc(t, p) - auc(without(t, i), without(p, i)));
  assertClose(leaveOneOutContributions(hinge, t, p), want, 1e-5);
});

Deno.test("predictionGradientNorms: by hand and against the analytic Dice gradient", () => {
  // mean((p − t)²) over 2 samples: ∂/∂pᵢ = (pᵢ − tᵢ) → 1 and 3.
  const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
  assertClose(predictionGradientNorms(mse, [[0], [5]], [[1], [2]]), [1, 3], 1e-6);
  // Dice ℓ = 1 − 2I/S, I = Σ t·p, S = Σ t + Σ p: ∂ℓ/∂pᵢ = −(2tᵢ·S − 2I) / S².
  const random = seededRandom(4);
  const t = Array.from({ length: 8 }, (_, i) => i % 2);
  const p = t.map(() => random());
  const I = t.reduce((s, v, i) => s + v * p[i], 0);
  const S = t.reduce((s, v, i) => s + v + p[i], 0);
  const want = t.map((ti) => Math.abs(-(2 * ti * S - 2 * I) / (S * S)));
  assertClose(predictionGradientNorms(dice0, t, p), want, 1e-5);
});

Deno.test("batch views: errors name the function, the argument and the value", () => {
  const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
  assertThrowsWith(
    () => leaveOneOutContributions(mse, [[1]], [[2]]),
    RangeError,
    "leaveOneOutContributions: yPred has shape [1, 1], expected a batch of at least 2",
  );
  assertThrowsWith(
    () => leaveOneOutContributions(mse, [[1], [2]], [[2]]),
    RangeError,
    "leaveOneOutContributions: yTrue has shape [2, 1] and yPred has shape [1, 1]",
  );
  assertThrowsWith(
    () => leaveOneOutContributions((t, p) => tf.sub(p, t), [1, 2], [2, 3]),
    TypeError,
    "leaveOneOutContributions: the loss returned shape [2] on the whole batch, expected one number",
  );
  assertThrowsWith(
    () => leaveOneOutContributions(5 as never, [1, 2], [2, 3]),
    TypeError,
    "leaveOneOutContributions: loss is number, expected a function",
  );
  assertThrowsWith(
    () => leaveOneOutContributions((t, p) => pairwiseAucLoss(t, p, { margin: -1 }), [1, 0], [2, 3]),
    TypeError,
    "leaveOneOutContributions: the loss threw on the whole batch: pairwiseAucLoss: options.margin is -1",
  );
  assertThrowsWith(
    () => predictionGradientNorms((t, p) => tf.sub(p, t), [1, 2], [2, 3]),
    TypeError,
    "predictionGradientNorms: the loss returned shape [2] on the batch, expected one number",
  );
});

Deno.test("batch views: no tensors left behind, also when they throw", async () => {
  const t = tf.tensor1d([1, 0, 1, 0]), p = tf.tensor1d([0.7, 0.1, 0.4, 0.5]);
  await assertNoLeak(() => {
    leaveOneOutContributions(dice0, t, p).dispose();
    predictionGradientNorms(dice0, t, p).dispose();
    for (
      const bad of [
        () => leaveOneOutContributions((a, b) => tf.sub(a, b), t, p),
        () => predictionGradientNorms((a, b) => tf.sub(a, b), t, p),
        () =>
          predictionGradientNorms(
            () => {
              throw new Error("boom");
            },
            t,
            p,
          ),
      ]
    ) {
      try {
        bad();
      } catch { /* expected */ }
    }
  });
  assert.ok(!t.isDisposed && !p.isDisposed, "inputs are the caller's");
  tf.dispose([t, p]);
});

Deno.test("predictionGradientNorms: a loss that throws halfway leaves no tensors on the tape", async () => {
  const t = tf.tensor1d([1, 0]), p = tf.tensor1d([0.7, 0.1]);
  const halfway = (a: tf.Tensor, b: tf.Tensor) => {
    tf.square(tf.sub(a, b)); // recorded on the gradient tape before the error
    throw new Error("boom");
  };
  await assertNoLeak(() => {
    assertThrowsWith(
      () => predictionGradientNorms(halfway, t, p),
      TypeError,
      "predictionGradientNorms: the loss threw on the batch: boom",
    );
  });
  tf.dispose([t, p]);
});
