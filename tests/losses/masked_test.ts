import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  compareNormalizations,
  maskedLoss,
  perSequenceLoss,
  resolveMask,
  sequenceLossCells,
  sequenceMask,
} from "../../lib/losses/masked.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

// A hand-worked batch: three sequences, time 4, lengths [4, 2, 1].
//   row 0: [1, 2, 3, 6]  real 4, sum 12, mean 3
//   row 1: [4, 8, 9, 9]  real 2, sum 12, mean 6
//   row 2: [9, 7, 7, 7]  real 1, sum 9,  mean 9
// masked sum 33, real tokens 7, batch 3.
const PER_TOKEN = [[1, 2, 3, 6], [4, 8, 9, 9], [9, 7, 7, 7]];
const LENGTHS = [4, 2, 1];
const MASK = [[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]];

Deno.test("maskedLoss: hand-worked token, sequence and batch normalisations", () => {
  assertClose(maskedLoss(PER_TOKEN, { lengths: LENGTHS }), 33 / 7); // Σℓm / Σm
  assertClose(maskedLoss(PER_TOKEN, { lengths: LENGTHS, normalization: "sequence" }), 6); // (3+6+9)/3
  assertClose(maskedLoss(PER_TOKEN, { lengths: LENGTHS, normalization: "batch" }), 11); // 33/3
  // A mask gives the same numbers as the lengths it encodes.
  assertClose(maskedLoss(PER_TOKEN, { mask: MASK }), 33 / 7);
  // No mask: every token real, 12+30+30 = 72 over 12 tokens.
  assertClose(maskedLoss(PER_TOKEN), 6);
  // numItemsInBatch replaces the denominator: 33 / 10.
  assertClose(maskedLoss(PER_TOKEN, { lengths: LENGTHS, numItemsInBatch: 10 }), 3.3);
});

Deno.test("maskedLoss: padding anywhere in the mask, NaN at padding is ignored", () => {
  // row 0 real at t=1,2 (8, 4), row 1 real at t=0 (2): token (8+4+2)/3, sequence (6+2)/2.
  const perToken = [[NaN, 8, 4], [2, Infinity, 5]];
  const mask = [[0, 1, 1], [1, 0, 0]];
  assertClose(maskedLoss(perToken, { mask }), 14 / 3);
  assertClose(maskedLoss(perToken, { mask, normalization: "sequence" }), 4);
});

Deno.test("maskedLoss: all-padding sequences are excluded by default, an error on request", () => {
  // lengths [2, 0]: row 0 [3, 5] mean 4; row 1 is all padding.
  const perToken = [[3, 5], [100, 100]];
  assertClose(maskedLoss(perToken, { lengths: [2, 0] }), 4);
  assertClose(maskedLoss(perToken, { lengths: [2, 0], normalization: "sequence" }), 4);
  // "batch" keeps its data-independent denominator B = 2: 8 / 2.
  assertClose(maskedLoss(perToken, { lengths: [2, 0], normalization: "batch" }), 4);
  assertThrowsWith(
    () => maskedLoss(perToken, { lengths: [2, 0], allPadding: "error" }),
    RangeError,
    "maskedLoss: options.lengths makes sequence 1 all padding (0 real tokens)",
  );
  assertThrowsWith(
    () => maskedLoss(perToken, { lengths: [0, 0] }),
    RangeError,
    "maskedLoss: options.lengths marks no real token (every sequence of the batch is padding)",
  );
  // With numItemsInBatch an empty micro-batch is fine: it adds 0.
  assertClose(maskedLoss(perToken, { lengths: [0, 0], numItemsInBatch: 5 }), 0);
});

Deno.test("maskedLoss: gradient is the weight each token gets", () => {
  // d/dℓ of Σℓm/Σm is m/7; of the sequence mean, m/(3·nᵢ); of the batch loss, m/3.
  const l = tf.tensor2d(PER_TOKEN);
  const g = (normalization: "token" | "sequence" | "batch") =>
    tf.grad((x: tf.Tensor) => maskedLoss(x, { lengths: LENGTHS, normalization }))(l);
  assertClose(g("token"), MASK.flat().map((m) => m / 7));
  assertClose(
    g("sequence"),
    MASK.flatMap((row, i) => row.map((m) => m / (3 * LENGTHS[i]))),
  );
  assertClose(g("batch"), MASK.flat().map((m) => m / 3));
  l.dispose();
});

Deno.test("maskedLoss, sequenceMask, resolveMask: bad input", () => {
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { mask: [[1, 1, 1, 1], [1, 1, 0, 0]] }),
    RangeError,
    "maskedLoss: options.mask has shape [2, 4], expected [3, 4]",
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { lengths: [4, 5, 1] }),
    RangeError,
    "maskedLoss: options.lengths has value 5 at index 1, longer than the time axis (4)",
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { lengths: [4, 2] }),
    RangeError,
    "maskedLoss: options.lengths has shape [2], expected [3]",
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { lengths: [4, 1.5, 1] }),
    RangeError,
    "value 1.5 at index 1",
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { mask: [[1, 1, 1, 1], [1, 0.5, 0, 0], [1, 0, 0, 0]] }),
    RangeError,
    "maskedLoss: options.mask has value 0.5 at [1, 1], expected 0 or 1",
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { mask: MASK, lengths: LENGTHS }),
    TypeError,
    "maskedLoss: give lengths or mask, not both",
  );
  assertThrowsWith(
    () => maskedLoss([1, 2, 3]),
    RangeError,
    "maskedLoss: perToken has shape [3], expected non-empty [batch, time]",
  );
  assertThrowsWith(
    // deno-lint-ignore no-explicit-any
    () => maskedLoss(PER_TOKEN, { normalization: "mean" as any }),
    RangeError,
    'maskedLoss: options.normalization is "mean"',
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { normalization: "sequence", numItemsInBatch: 3 }),
    RangeError,
    'maskedLoss: options.numItemsInBatch is 3, expected undefined with normalization "sequence"',
  );
  assertThrowsWith(
    () => maskedLoss(PER_TOKEN, { numItemsInBatch: 0 }),
    RangeError,
    "maskedLoss: options.numItemsInBatch is 0, expected a number > 0",
  );
  assertThrowsWith(
    // deno-lint-ignore no-explicit-any
    () => maskedLoss(PER_TOKEN, { allPadding: "skip" as any }),
    RangeError,
    'maskedLoss: options.allPadding is "skip", expected "exclude" or "error"',
  );
  assertThrowsWith(
    () => sequenceMask([1, 2], 0),
    RangeError,
    "sequenceMask: time is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => resolveMask(PER_TOKEN, { lengths: [9, 1, 1] }),
    RangeError,
    "resolveMask: spec.lengths has value 9",
  );
});

Deno.test("perSequenceLoss and compareNormalizations: hand-worked weights", () => {
  assertClose(perSequenceLoss(PER_TOKEN, { lengths: LENGTHS }), [3, 6, 9]);
  const c = compareNormalizations(PER_TOKEN, { lengths: LENGTHS });
  assertClose([c.token, c.sequence, c.batch], [33 / 7, 6, 11]);
  assert.deepEqual(c.tokenCounts, [4, 2, 1]);
  assertClose(c.weights.token, [4 / 7, 2 / 7, 1 / 7]);
  assertClose(c.weights.sequence, [1 / 3, 1 / 3, 1 / 3]);
  assertClose(c.weights.batch, [4 / 3, 2 / 3, 1 / 3]);
  // An all-padding row gets weight 0 everywhere and mean 0.
  const e = compareNormalizations([[3, 5], [1, 1]], { lengths: [2, 0] });
  assertClose(e.weights.sequence, [1, 0]);
  assertClose(e.sequenceMeans, [4, 0]);
});

Deno.test("sequenceLossCells: row-major cells with labels and the mask", () => {
  const cells = sequenceLossCells([[1, 2], [3, 4]], { lengths: [2, 1], labels: ["a", "b"] });
  assert.deepEqual(cells, [
    { sequence: 0, label: "a", time: 0, loss: 1, real: true },
    { sequence: 0, label: "a", time: 1, loss: 2, real: true },
    { sequence: 1, label: "b", time: 0, loss: 3, real: true },
    { sequence: 1, label: "b", time: 1, loss: 4, real: false },
  ]);
  assertThrowsWith(
    () => sequenceLossCells([[1, 2]], { labels: ["a", "b"] }),
    RangeError,
    "sequenceLossCells: options.labels has 2 entries, expected 1",
  );
});

Deno.test("masked losses: no tensor leaks, tensor inputs left intact", async () => {
  const l = tf.tensor2d(PER_TOKEN), m = tf.tensor2d(MASK), n = tf.tensor1d(LENGTHS);
  for (const normalization of ["token", "sequence", "batch"] as const) {
    await assertNoLeak(() => maskedLoss(l, { mask: m, normalization }), normalization);
    await assertNoLeak(() => maskedLoss(l, { lengths: n, normalization }), normalization);
  }
  await assertNoLeak(() => perSequenceLoss(l, { mask: m }));
  await assertNoLeak(() => sequenceMask(n, 4));
  await assertNoLeak(() => resolveMask(l, { lengths: n }));
  await assertNoLeak(() => compareNormalizations(l, { mask: m }));
  await assertNoLeak(() => sequenceLossCells(l, { mask: m }));
  await assertNoLeak(() => {
    try {
      maskedLoss(l, { lengths: [9, 1, 1] });
    } catch { /* expected */ }
  });
  assert.ok(!l.isDisposed && !m.isDisposed && !n.isDisposed);
  tf.dispose([l, m, n]);
});

Deno.test("maskedLoss: NaN at a real token is refused, except inside a gradient tape", () => {
  const perToken = tf.tensor2d([[NaN, 1], [2, 3]]);
  assertThrowsWith(
    () => maskedLoss(perToken, { lengths: [2, 2] }),
    RangeError,
    "maskedLoss: perToken has 1 non-finite value, first at [0, 0] (NaN)",
  );
  // In training the NaN reaches the loss value, where the training loop names epoch and batch.
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
    maskedLoss(x, { lengths: [2, 2] }) as tf.Scalar
  )(perToken);
  assert.ok(Number.isNaN(value.dataSync()[0]));
  // Padding is never checked: NaN there leaves the loss finite.
  const padded = maskedLoss(perToken, { lengths: [0, 2] });
  assertClose(padded, 2.5);
  tf.dispose([perToken, value, grad, padded]);
});
