import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/_core/random.ts";
import { softDice, softF1 } from "../../lib/losses/overlap.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/**
 * Soft Dice / F1 by the definition, with loops: rows of k classes, per-sample weights, micro
 * (pooled counts) or macro (per-class scores averaged).
 */
function reference(
  t: number[][],
  p: number[][],
  smooth: number,
  average: "micro" | "macro",
  w?: number[],
): number {
  const k = t[0].length;
  const tp = new Array(k).fill(0), sizes = new Array(k).fill(0);
  for (let i = 0; i < t.length; i++) {
    const wi = w ? w[i] : 1;
    for (let c = 0; c < k; c++) {
      tp[c] += wi * t[i][c] * p[i][c];
      sizes[c] += wi * (t[i][c] + p[i][c]);
    }
  }
  const bottom = smooth > 0 ? smooth : 1e-7;
  if (average === "micro") {
    const a = tp.reduce((s, v) => s + v, 0), b = sizes.reduce((s, v) => s + v, 0);
    return 1 - (2 * a + smooth) / (b + bottom);
  }
  let f1 = 0;
  for (let c = 0; c < k; c++) f1 += (2 * tp[c] + smooth) / (sizes[c] + bottom);
  return 1 - f1 / k;
}

function randomBatch(seed: number, n: number, k: number) {
  const random = seededRandom(seed);
  const labels = Array.from({ length: n }, () => Math.floor(random() * k));
  const t = labels.map((l) => Array.from({ length: k }, (_, c) => (c === l ? 1 : 0)));
  const logits = labels.map(() => Array.from({ length: k }, () => random() * 4 - 2));
  const p = logits.map((r) => {
    const e = r.map(Math.exp), s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
  return { t, p, logits, random };
}

Deno.test("softDice: Keras's docstring value, and the default smoothing by hand", () => {
  const t = [[1, 1, 0, 0], [1, 1, 0, 0]], p = [[0, 1, 0, 1], [0.4, 0, 0, 0.9]];
  // Keras 3 `dice`: Σ y·p = 1.4, Σ y = 4, Σ p = 3.3 → 1 − 2.8 / (7.3 + 1e-7) = 0.6164384.
  assertClose(softDice(t, p, { smooth: 0 }), 0.6164384, 1e-6);
  // smooth 1: 1 − 3.8 / 8.3 = 0.542169; the default 1e-6 is Keras's value within 1e-6.
  assertClose(softDice(t, p, { smooth: 1 }), 0.542169, 1e-6);
  assertClose(softDice(t, p), 0.6164384, 1e-6);
  // Binary [batch] and [batch, 1] give the same number: 1 − (2·1.4 + 1) / (2 + 1.8 + 1).
  assertClose(softDice([1, 0, 1], [0.8, 0.4, 0.6], { smooth: 1 }), 1 - 3.8 / 4.8, 1e-6);
  assertClose(softDice([[1], [0], [1]], [[0.8], [0.4], [0.6]], { smooth: 1 }), 1 - 3.8 / 4.8, 1e-6);
  // A batch with no positive and no predicted positive: (0 + s) / (0 + s) = 1, loss 0.
  assertClose(softDice([0, 0], [0, 0]), 0, 1e-6);
});

Deno.test("softF1: macro F1 by hand, and equal to Dice for one column or micro averaging", () => {
  // Class 0: TP 0.8, Σy 1, Σp 1.2 → 1.6 / 2.2; class 1: TP 0.6, Σy 1, Σp 0.8 → 1.2 / 1.8.
  const t = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]];
  assertClose(softF1(t, p, { smooth: 0 }), 1 - (1.6 / 2.2 + 1.2 / 1.8) / 2, 1e-6);
  // 2TP + FP + FN = Σy + Σp: one column, F1 of the positive class is Dice.
  assertClose(
    softF1([1, 0, 1], [0.8, 0.4, 0.6]),
    softDice([1, 0, 1], [0.8, 0.4, 0.6]).dataSync(),
    1e-7,
  );
  assertClose(softF1(t, p, { average: "micro" }), softDice(t, p).dataSync(), 1e-7);
  assertClose(softDice(t, p, { average: "macro" }), softF1(t, p).dataSync(), 1e-7);
});

Deno.test("softDice / softF1: match the plain-loop definition on random batches", () => {
  for (const seed of [1, 2, 3]) {
    const { t, p, logits, random } = randomBatch(seed, 17, 4);
    const w = t.map(() => random() * 3);
    for (const smooth of [0, 1e-6, 1]) {
      assertClose(softDice(t, p, { smooth }), reference(t, p, smooth, "micro"), 1e-5);
      assertClose(softF1(t, p, { smooth }), reference(t, p, smooth, "macro"), 1e-5);
      assertClose(
        softF1(t, p, { smooth, sampleWeight: w }),
        reference(t, p, smooth, "macro", w),
        1e-5,
      );
    }
    // fromLogits: softmax over the classes.
    assertClose(softF1(t, logits, { fromLogits: true }), reference(t, p, 1e-6, "macro"), 1e-5);
    // Binary logits: sigmoid.
    const tb = t.map((r) => [r[0]]), xb = logits.map((r) => [r[0]]);
    const pb = xb.map(([x]) => [1 / (1 + Math.exp(-x))]);
    assertClose(softDice(tb, xb, { fromLogits: true }), reference(tb, pb, 1e-6, "micro"), 1e-5);
  }
});

Deno.test("softF1: a weight counts a sample that many times, as scikit-learn's sample_weight", () => {
  const { t, p } = randomBatch(4, 6, 3);
  const w = [2, 1, 0, 1, 3, 1];
  const copies = w.flatMap((wi, i) => new Array(wi).fill(i));
  assertClose(
    softF1(t, p, { sampleWeight: w }),
    softF1(copies.map((i) => t[i]), copies.map((i) => p[i])).dataSync(),
    1e-5,
  );
  // A number weights every sample alike: that is a larger batch of the same mix, not a rescaling.
  const doubled = softDice(t, p, { sampleWeight: 2, smooth: 1 }).dataSync()[0];
  assertClose(doubled, softDice([...t, ...t], [...p, ...p], { smooth: 1 }).dataSync(), 1e-6);
  const single = softDice(t, p, { smooth: 1 }).dataSync()[0];
  assert.ok(Math.abs(doubled - single) > 1e-4, "smooth weighs less in a larger batch");
});

Deno.test("softDice: a sample's effect depends on the rest of its batch", () => {
  // The same sample (y 1, p 0.5) added to two batches, smooth 0:
  // batch A = {(1, 0.9)}: 1 − 1.8/1.9 = 0.052632 → with it 1 − 2.8/3.4 = 0.176471 (+0.123839);
  // batch B = {(0, 0.9)}: 1 − 0/0.9 = 1 → with it 1 − 1/2.4 = 0.583333 (−0.416667).
  const add = (bt: number[], bp: number[]) =>
    softDice([...bt, 1], [...bp, 0.5], { smooth: 0 }).dataSync()[0] -
    softDice(bt, bp, { smooth: 0 }).dataSync()[0];
  assertClose(add([1], [0.9]), 0.176471 - 0.052632, 1e-5);
  assertClose(add([0], [0.9]), 0.583333 - 1, 1e-5);
});

Deno.test("softDice / softF1: finite gradients, also at 0 and 1 and from logits", () => {
  const t = [[1, 0], [0, 1], [1, 0]];
  const cases: [number[][], boolean][] = [
    [[[1, 0], [0, 1], [0, 1]], false],
    [[[9, -9], [0, 3], [-2, 2]], true],
  ];
  for (const [p, fromLogits] of cases) {
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => softF1(t, x, { fromLogits, smooth: 0 }))(tf.tensor2d(p))
    );
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${g.dataSync()}`);
    g.dispose();
  }
});

Deno.test("softDice / softF1: errors name the function, the argument and the value", () => {
  assertThrowsWith(
    () => softDice([1, 0], [1.5, 0]),
    RangeError,
    "softDice: yPred has value 1.5 at flat index 0, expected values in [0, 1] (probabilities; pass { fromLogits: true } for logits)",
  );
  assertThrowsWith(
    () => softF1([2, 0], [1, 0]),
    RangeError,
    "softF1: yTrue has value 2 at flat index 0",
  );
  assertThrowsWith(
    () => softDice([1, 0], [1, 0], { smooth: -1 }),
    RangeError,
    "softDice: options.smooth is -1, expected a number >= 0",
  );
  assertThrowsWith(
    () => softF1([1, 0], [1, 0], { average: "weighted" as never }),
    RangeError,
    'softF1: options.average is "weighted", expected "micro" or "macro"',
  );
  assertThrowsWith(
    () => softDice([[1, 0]], [[1, 0, 0]]),
    RangeError,
    "softDice: yTrue has shape [1, 2] but yPred has shape [1, 3]",
  );
  assertThrowsWith(
    () => softDice([1, 0], [1, 0], { sampleWeight: [1] }),
    RangeError,
    "softDice: options.sampleWeight has shape [1], expected a number, [2] or [2, 1]",
  );
});

Deno.test("softDice / softF1: no tensors left behind, also when they throw", async () => {
  const x = tf.tensor2d([[0.2, 0.8], [0.6, 0.4]]);
  const logits = tf.mul(x, 3) as tf.Tensor2D;
  await assertNoLeak(() => {
    softDice([[0, 1], [1, 0]], x).dispose();
    softF1([[0, 1], [1, 0]], x, { fromLogits: true, sampleWeight: [1, 2] }).dispose();
    try {
      softF1([[0, 1], [1, 0]], logits);
    } catch { /* expected: not probabilities */ }
  });
  tf.dispose([x, logits]);
});
