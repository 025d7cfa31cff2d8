import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  accumulateGradients,
  type AccumulationNormalization,
  microBatchRows,
} from "../../lib/training/accumulation.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("microBatchRows: consecutive rows, sizes differing by at most one", () => {
  assert.deepEqual(microBatchRows(4, 2), [[0, 2], [2, 4]]);
  assert.deepEqual(microBatchRows(7, 3), [[0, 3], [3, 5], [5, 7]]);
  assert.deepEqual(microBatchRows(3, 1), [[0, 3]]);
  assertThrowsWith(() => microBatchRows(3, 4), RangeError, "microBatches is 4, expected");
  assertThrowsWith(() => microBatchRows(3, 0), RangeError, "microBatches is 0");
  assertThrowsWith(
    () => microBatchRows(0, 1),
    RangeError,
    "microBatchRows: batch is 0, expected an integer >= 1",
  );
});

// Losses as the variable itself: d(loss)/d(ℓᵢₜ) is the weight token (i, t) gets, so the exact
// gradients are hand-computable. Lengths [5, 1, 3, 2]: micro-batches rows 0-1 (6 tokens) and
// rows 2-3 (5 tokens); the step has N = 11 real tokens.
const LENGTHS = [5, 1, 3, 2];
const T = 5;
const maskRow = (n: number) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0));

Deno.test("accumulateGradients: num_items_in_batch equals the full batch; the naive mean does not", () => {
  // Per-token values: row i, step t -> i + 1 + t/10 (any numbers work; these are easy to sum).
  const values = LENGTHS.map((_, i) => Array.from({ length: T }, (_, t) => i + 1 + t / 10));
  const l = tf.variable(tf.tensor2d(values), true, "perToken");
  const tokenLoss = (s: number, e: number) => l.slice([s, 0], [e - s, T]);
  const common = { lengths: LENGTHS, variables: [l] };

  const full = accumulateGradients(tokenLoss, { ...common, microBatches: 1 });
  const fixed = accumulateGradients(tokenLoss, { ...common, microBatches: 2 });
  const naive = accumulateGradients(tokenLoss, {
    ...common,
    microBatches: 2,
    normalization: "mean_of_micro_means",
  });

  // Full-batch token mean: every real token weighs 1/11.
  const fullGrad = LENGTHS.flatMap((n) => maskRow(n).map((m) => m / 11));
  assertClose(full.grads.perToken, fullGrad, 1e-7);
  // The fix matches to 1e-6 (float32: each weight 1/11 is rounded once in both, so the two agree
  // to about 1e-8; 1e-6 leaves two orders of margin without hiding a real difference of 1/132).
  assertClose(fixed.grads.perToken, full.grads.perToken.dataSync(), 1e-6);
  // The naive mean: rows 0-1 weigh 1/(2·6) = 1/12, rows 2-3 weigh 1/(2·5) = 1/10.
  const naiveGrad = LENGTHS.flatMap((n, i) => maskRow(n).map((m) => m / (i < 2 ? 12 : 10)));
  assertClose(naive.grads.perToken, naiveGrad, 1e-7);
  // Losses by hand. Row sums: row 0 = 5·1 + (0+.1+.2+.3+.4) = 6; row 1 = 2; row 2 = 3·3 + .3 = 9.3;
  // row 3 = 2·4 + .1 = 8.1. Total 25.4 over 11 tokens.
  assertClose(full.loss, 25.4 / 11, 1e-6);
  assertClose(fixed.loss, 25.4 / 11, 1e-6);
  assertClose(fixed.microBatchLosses, [8 / 11, 17.4 / 11], 1e-6);
  // Naive: (8/6 + 17.4/5) / 2 = 2.40667, against 2.30909 for the full batch.
  assertClose(naive.loss, (8 / 6 + 17.4 / 5) / 2, 1e-6);
  assert.ok(Math.abs(naive.loss - full.loss) > 0.09);
  assert.deepEqual(fixed.microBatchTokens, [6, 5]);
  assert.equal(fixed.numItemsInBatch, 11);
  assert.deepEqual(fixed.microBatchRows, [[0, 2], [2, 4]]);
  [full, fixed, naive].forEach((r) => r.dispose());
  l.dispose();
});

Deno.test("accumulateGradients: a linear per-token model, 3 micro-batches, against a float64 loop", () => {
  // pred = w·x + b, loss per token (pred − y)². x, y and lengths chosen by hand, uneven lengths.
  const x = [[1, 2, 3, 4], [0.5, -1, 0, 0], [2, 0, 0, 0], [-1, 1, -2, 0], [3, 1, 0, 0]];
  const y = [[2, 3, 5, 9], [1, -2, 0, 0], [3, 0, 0, 0], [0, 1, -3, 0], [7, 2, 0, 0]];
  const lengths = [4, 2, 1, 3, 2];
  const w0 = 0.7, b0 = -0.2;
  const w = tf.variable(tf.scalar(w0), true, "w"), b = tf.variable(tf.scalar(b0), true, "b");
  const xt = tf.tensor2d(x), yt = tf.tensor2d(y);
  const tokenLoss = (s: number, e: number) =>
    tf.tidy(() => {
      const xs = xt.slice([s, 0], [e - s, 4]), ys = yt.slice([s, 0], [e - s, 4]);
      return tf.square(tf.sub(tf.add(tf.mul(xs, w), b), ys));
    });
  // Reference in float64: dL/dw = Σ 2(wx+b−y)x / N, dL/db = Σ 2(wx+b−y) / N over real tokens.
  let gw = 0, gb = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    for (let t = 0; t < lengths[i]; t++) {
      const r = w0 * x[i][t] + b0 - y[i][t];
      gw += 2 * r * x[i][t];
      gb += 2 * r;
      n++;
    }
  }
  const acc = accumulateGradients(tokenLoss, { lengths, microBatches: 3, variables: [w, b] });
  const full = accumulateGradients(tokenLoss, { lengths, microBatches: 1, variables: [w, b] });
  // Gradients here are O(10); float32 keeps ~7 significant digits, so 1e-6 absolute would be
  // below float32 resolution for the float64 comparison; 1e-5 is honest there. Accumulated vs
  // full batch (both float32) must agree to 1e-6 relative to the magnitude, which we check too.
  assertClose(acc.grads.w, gw / n, 1e-5);
  assertClose(acc.grads.b, gb / n, 1e-5);
  const rel = (a: tf.Tensor, c: tf.Tensor) =>
    Math.abs(a.dataSync()[0] - c.dataSync()[0]) / Math.max(1, Math.abs(c.dataSync()[0]));
  assert.ok(rel(acc.grads.w, full.grads.w) <= 1e-6, "w gradient differs from the full batch");
  assert.ok(rel(acc.grads.b, full.grads.b) <= 1e-6, "b gradient differs from the full batch");
  acc.dispose();
  full.dispose();
  tf.dispose([w, b, xt, yt]);
});

Deno.test("accumulateGradients: bad input and the empty micro-batch", () => {
  const l = tf.variable(tf.ones([2, 3]), true, "l2");
  const tokenLoss = (s: number, e: number) => l.slice([s, 0], [e - s, 3]);
  // Rows 1 has no real token: fine for num_items_in_batch, 0/0 for the naive mean.
  const ok = accumulateGradients(tokenLoss, { lengths: [2, 0], microBatches: 2, variables: [l] });
  assertClose(ok.grads.l2, [0.5, 0.5, 0, 0, 0, 0]);
  ok.dispose();
  assertThrowsWith(
    () =>
      accumulateGradients(tokenLoss, {
        lengths: [2, 0],
        microBatches: 2,
        normalization: "mean_of_micro_means",
        variables: [l],
      }),
    RangeError,
    "accumulateGradients: micro-batch 1 (rows 1..1) has no real token",
  );
  assertThrowsWith(
    () => accumulateGradients(tokenLoss, { lengths: [0, 0], variables: [l] }),
    RangeError,
    "the step has no real token",
  );
  assertThrowsWith(
    () => accumulateGradients(tokenLoss, { lengths: [2, 4], variables: [l] }),
    RangeError,
    "lengths has value 4 at index 1, longer than the time axis (3)",
  );
  assertThrowsWith(
    () => accumulateGradients(() => l.add(0), { mask: [[1, 1, 1]], variables: [l] }),
    RangeError,
    "tokenLoss(0, 1) returned shape [2, 3], expected [1, time]",
  );
  assertThrowsWith(
    () => accumulateGradients(tokenLoss, { variables: [l] }),
    TypeError,
    "accumulateGradients: give the step's mask",
  );
  assertThrowsWith(
    () => accumulateGradients(tokenLoss, { lengths: [1, 1], microBatches: 3, variables: [l] }),
    RangeError,
    "microBatches is 3, expected an integer in [1, 2]",
  );
  assertThrowsWith(
    () =>
      accumulateGradients(tokenLoss, {
        lengths: [1, 1],
        normalization: "sum" as AccumulationNormalization,
        variables: [l],
      }),
    RangeError,
    'accumulateGradients: normalization is "sum", expected "num_items_in_batch" or "mean_of_micro_means"',
  );
  l.dispose();
});

Deno.test("accumulateGradients: no tensor leaks, also when tokenLoss throws", async () => {
  const l = tf.variable(tf.ones([4, 3]), true, "l3");
  const tokenLoss = (s: number, e: number) => tf.mul(l.slice([s, 0], [e - s, 3]), 2);
  for (const normalization of ["num_items_in_batch", "mean_of_micro_means"] as const) {
    await assertNoLeak(() => {
      accumulateGradients(tokenLoss, {
        mask: [[1, 1, 0], [1, 0, 0], [1, 1, 1], [1, 0, 0]],
        microBatches: 2,
        normalization,
        variables: [l],
      }).dispose();
    }, normalization);
  }
  let calls = 0;
  const failing = (s: number, e: number) => {
    if (++calls === 2) throw new Error("boom");
    return tokenLoss(s, e);
  };
  await assertNoLeak(() => {
    try {
      accumulateGradients(failing, { lengths: [1, 1, 1, 1], microBatches: 2, variables: [l] });
    } catch { /* expected */ }
  });
  l.dispose();
});
