import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  categoricalHinge,
  cosineSimilarity,
  hinge,
  squaredHinge,
} from "../../lib/losses/margin.ts";
import { reduceLoss } from "../../lib/losses/reduce.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

const T2 = [[0, 1], [0, 0]];
const P2 = [[0.6, 0.4], [0.4, 0.6]];

Deno.test("margin losses: tf.keras 2 class docstring numbers", () => {
  // Hinge: none [1.1, 1.5], mean 1.3, sample_weight [1, 0] -> 0.55, sum 2.6.
  const h = hinge(T2, P2);
  assertClose(h, [1.1, 1.5], 1e-6);
  assertClose(reduceLoss(h), 1.3, 1e-3);
  assertClose(reduceLoss(h, { sampleWeight: [1, 0] }), 0.55, 1e-3);
  assertClose(reduceLoss(h, { reduction: "sum" }), 2.6, 1e-3);
  // SquaredHinge: none [1.46, 2.26], mean 1.86, sample_weight [1, 0] -> 0.73, sum 3.72.
  const sh = squaredHinge(T2, P2);
  assertClose(sh, [1.46, 2.26], 1e-6);
  assertClose(reduceLoss(sh), 1.86, 1e-3);
  assertClose(reduceLoss(sh, { sampleWeight: [1, 0] }), 0.73, 1e-3);
  // CategoricalHinge: none [1.2, 1.6], mean 1.4, sample_weight [1, 0] -> 0.6, sum 2.8.
  const ch = categoricalHinge(T2, P2);
  assertClose(ch, [1.2, 1.6], 1e-6);
  assertClose(reduceLoss(ch), 1.4, 1e-3);
  assertClose(reduceLoss(ch, { sampleWeight: [1, 0] }), 0.6, 1e-3);
  // CosineSimilarity class: [[0, 1], [1, 1]] vs [[1, 0], [1, 1]]: none [-0, -0.999], mean -0.5,
  // sample_weight [0.8, 0.2] -> -0.0999, sum -0.999.
  const cs = cosineSimilarity([[0, 1], [1, 1]], [[1, 0], [1, 1]]);
  assertClose(cs, [0, -0.999], 1e-3);
  assertClose(reduceLoss(cs), -0.5, 1e-3);
  assertClose(reduceLoss(cs, { sampleWeight: [0.8, 0.2] }), -0.0999, 1e-3);
  tf.dispose([h, sh, ch, cs]);
});

Deno.test("margin losses: hand-worked cases", () => {
  // Labels already -1/+1 are not converted: y [-1, 1], yhat [0.5, 2] -> [1.5, 0] -> mean 0.75.
  assertClose(hinge([[-1, 1]], [[0.5, 2]]), 0.75, 1e-6);
  // Mixed labels (not all 0/1) are left alone, as Keras does: y [0, 2], yhat [1, 1] ->
  // max(1 - 0, 0) = 1, max(1 - 2, 0) = 0 -> 0.5.
  assertClose(hinge([[0, 2]], [[1, 1]]), 0.5, 1e-6);
  // Cosine along axis 0: columns [1, 0] vs [1, 0] -> -1; [0, 1] vs [0, -1] -> 1.
  assertClose(cosineSimilarity([[1, 0], [0, 1]], [[1, 0], [0, -1]], { axis: 0 }), [-1, 1], 1e-6);
  // Zero vector: 0, not NaN.
  assertClose(cosineSimilarity([[0, 0]], [[1, 1]]), 0, 1e-6);
  // tfjs hingeLoss also converts 0/1 labels; its NONE output is per element.
  const y = tf.tensor2d([[0, 1, 1], [1, 0, 0]]), p = tf.tensor2d([[0.3, -0.2, 2], [0.1, 0.4, -1]]);
  const theirs = tf.losses.hingeLoss(y, p, undefined, tf.Reduction.NONE);
  assert.deepEqual(theirs.shape, [2, 3]);
  assertClose(hinge(y, p), tf.mean(theirs, -1).dataSync(), 1e-6);
  // tfjs cosineDistance is 1 - cos (per element of the reduced axis): ours = cos distance - 1.
  const a = tf.tensor2d([[3, 4]]), b = tf.tensor2d([[4, 3]]);
  const dist = tf.losses.cosineDistance(
    tf.div(a, 5),
    tf.div(b, 5),
    1,
    undefined,
    tf.Reduction.NONE,
  );
  assertClose(cosineSimilarity(a, b), tf.sub(dist, 1).dataSync(), 1e-6);
  tf.dispose([y, p, theirs, a, b, dist]);
});

Deno.test("margin losses: bad input and no leaks", async () => {
  assertThrowsWith(
    () => hinge([[1, 0]], [[1]]),
    RangeError,
    "hinge: yTrue has shape [1, 2] but yPred has shape [1, 1]",
  );
  assertThrowsWith(
    () => cosineSimilarity([[1, 0]], [[1, 0]], { axis: 2 }),
    RangeError,
    "cosineSimilarity: options.axis is 2, expected an integer in [-2, 2)",
  );
  assertThrowsWith(
    () => cosineSimilarity([[1, 0]], [[1, 0]], { axes: 1 } as never),
    RangeError,
    'cosineSimilarity: options.axes is not an option, did you mean "axis"?',
  );
  assertThrowsWith(
    () => hinge([[1, -1]], [[0.5, Infinity]]),
    RangeError,
    "hinge: yPred has 1 non-finite value, first at [0][1] (Infinity)",
  );
  assertThrowsWith(() => squaredHinge([], []), RangeError, "squaredHinge: yPred has shape [0]");
  const t = tf.tensor2d(T2), p = tf.tensor2d(P2);
  for (const f of [hinge, squaredHinge, categoricalHinge, cosineSimilarity]) {
    await assertNoLeak(() => f(t, p), f.name);
    await assertNoLeak(() => f(T2, P2), f.name);
  }
  tf.dispose([t, p]);
});
