import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/_core/random.ts";
import { pairwiseAucLoss } from "../../lib/losses/ranking.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/** The pairwise surrogate by its definition: a double loop over (positive, negative) pairs. */
function reference(
  y: number[],
  s: number[],
  surrogate: "logistic" | "hinge",
  margin = 1,
  w?: number[],
): number {
  let num = 0, den = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      const d = s[i] - s[j];
      const penalty = surrogate === "logistic" ? Math.log1p(Math.exp(-d)) : Math.max(0, margin - d);
      const pw = w ? w[i] * w[j] : 1;
      num += pw * penalty;
      den += pw;
    }
  }
  return den === 0 ? 0 : num / den;
}

Deno.test("pairwiseAucLoss: hand-worked values", () => {
  // Positives score 2 and 0, negatives 1 and 0.5: pair differences 1, 1.5, −1, −0.5.
  // Hinge, margin 1: (0 + 0 + 2 + 1.5) / 4 = 0.875; margin 0: (0 + 0 + 1 + 0.5) / 4 = 0.375.
  assertClose(pairwiseAucLoss([1, 0, 1, 0], [2, 1, 0, 0.5], { surrogate: "hinge" }), 0.875, 1e-6);
  assertClose(
    pairwiseAucLoss([1, 0, 1, 0], [2, 1, 0, 0.5], { surrogate: "hinge", margin: 0 }),
    0.375,
    1e-6,
  );
  // Logistic: (log(1 + e^−1) + log(1 + e^−1.5) + log(1 + e) + log(1 + e^0.5)) / 4 = 0.700503.
  assertClose(pairwiseAucLoss([[1], [0], [1], [0]], [[2], [1], [0], [0.5]]), 0.700503, 1e-5);
});

Deno.test("pairwiseAucLoss: matches the plain double loop on random scores and weights", () => {
  const random = seededRandom(3);
  for (let trial = 0; trial < 4; trial++) {
    const n = 9 + trial * 5;
    const y = Array.from({ length: n }, (_, i) => (i % 3 === 0 || random() < 0.2 ? 1 : 0));
    const s = y.map(() => random() * 6 - 3);
    const w = y.map(() => random() * 2);
    for (const surrogate of ["logistic", "hinge"] as const) {
      assertClose(pairwiseAucLoss(y, s, { surrogate }), reference(y, s, surrogate), 1e-5);
      assertClose(
        pairwiseAucLoss(y, s, { surrogate, margin: 0.5, sampleWeight: w }),
        reference(y, s, surrogate, 0.5, w),
        1e-5,
      );
    }
  }
});

Deno.test("pairwiseAucLoss: weights count samples, a batch without pairs gives 0", () => {
  const y = [1, 0, 1, 0, 0], s = [0.3, -0.2, 1.5, 0.9, 0.1];
  const w = [2, 1, 0, 3, 1];
  const copies = w.flatMap((wi, i) => new Array(wi).fill(i));
  assertClose(
    pairwiseAucLoss(y, s, { sampleWeight: w }),
    pairwiseAucLoss(copies.map((i) => y[i]), copies.map((i) => s[i])).dataSync(),
    1e-6,
  );
  // No negative: no pair, loss 0 and a zero gradient.
  const g = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => pairwiseAucLoss([1, 1], x))(tf.tensor1d([0.2, 0.4]))
  );
  assert.deepEqual(Array.from(g.dataSync()), [0, 0]);
  g.dispose();
  assertClose(pairwiseAucLoss([0, 0, 0], [1, 2, 3]), 0, 0);
});

Deno.test("pairwiseAucLoss: finite gradients, pulling positives up and negatives down", () => {
  const g = tf.tidy(() =>
    tf.grad((x: tf.Tensor) => pairwiseAucLoss([1, 0, 1], x))(tf.tensor1d([-40, 40, 0]))
  );
  const [gp, gn] = Array.from(g.dataSync());
  assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  assert.ok(gp < 0 && gn > 0, `gradient ${g.dataSync()}`);
  g.dispose();
});

Deno.test("pairwiseAucLoss: errors name the function, the argument and the value", () => {
  assertThrowsWith(
    () => pairwiseAucLoss([1, 2], [0, 1]),
    RangeError,
    "pairwiseAucLoss: yTrue has value 2 at flat index 1, expected binary labels 0 or 1",
  );
  assertThrowsWith(
    () => pairwiseAucLoss([1, 0], [0, 1], { margin: -1 }),
    RangeError,
    "pairwiseAucLoss: options.margin is -1, expected a number >= 0",
  );
  assertThrowsWith(
    () => pairwiseAucLoss([1, 0], [0, 1], { surrogate: "exp" as never }),
    RangeError,
    'pairwiseAucLoss: options.surrogate is "exp", expected "logistic" or "hinge"',
  );
  assertThrowsWith(
    () => pairwiseAucLoss([[1, 0]], [[0, 1]]),
    RangeError,
    "pairwiseAucLoss: yPred has shape [1, 2], expected [batch] or [batch, 1]",
  );
  assertThrowsWith(
    () => pairwiseAucLoss([1, 0, 1], [0, 1]),
    RangeError,
    "pairwiseAucLoss: yTrue has shape [3] but yPred has shape [2]",
  );
});

Deno.test("pairwiseAucLoss: no tensors left behind, also when it throws", async () => {
  const s = tf.tensor1d([0.5, -1, 2]);
  await assertNoLeak(() => {
    pairwiseAucLoss([1, 0, 0], s).dispose();
    pairwiseAucLoss([1, 0, 0], s, { surrogate: "hinge", sampleWeight: [1, 0, 2] }).dispose();
    try {
      pairwiseAucLoss([1, 0, 3], s);
    } catch { /* expected */ }
  });
  s.dispose();
});
