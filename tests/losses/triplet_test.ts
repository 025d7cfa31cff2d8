import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/_core/random.ts";
import { batchHardTriplet, batchHardTripletPerAnchor } from "../../lib/losses/triplet.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/** Batch-hard triplet terms by the definition, with loops (0 for anchors without a triplet). */
function referenceTerms(
  labels: number[],
  z: number[][],
  margin: number,
  soft: boolean,
  squared: boolean,
) {
  const dist = (a: number, b: number) => {
    let s = 0;
    for (let d = 0; d < z[a].length; d++) s += (z[a][d] - z[b][d]) ** 2;
    return squared ? s : Math.sqrt(s);
  };
  return labels.map((la, a) => {
    let hardestPositive = -Infinity, nearestNegative = Infinity;
    for (let k = 0; k < labels.length; k++) {
      if (k === a) continue;
      if (labels[k] === la) hardestPositive = Math.max(hardestPositive, dist(a, k));
      else nearestNegative = Math.min(nearestNegative, dist(a, k));
    }
    if (hardestPositive === -Infinity || nearestNegative === Infinity) return 0;
    const gap = hardestPositive - nearestNegative;
    return soft ? Math.log1p(Math.exp(gap)) : Math.max(0, margin + gap);
  });
}

function randomBatch(seed: number, n: number) {
  const random = seededRandom(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const z = labels.map((l) => [l + random() * 1.5, random() * 2 - 1]);
  return { labels, z, random };
}

Deno.test("batchHardTriplet: hand-worked values", () => {
  // 1-D points 0, 2 (class 0) and 3, 5 (class 1). Euclidean, margin 1: terms 0, 2, 2, 0 (mean 1).
  const labels = [0, 0, 1, 1], z = [[0], [2], [3], [5]];
  assertClose(batchHardTripletPerAnchor(labels, z), [0, 2, 2, 0], 1e-5);
  assertClose(batchHardTriplet(labels, z), 1, 1e-5);
  // Soft margin: log(1 + e^(2 − 3)), log(1 + e^(2 − 1)), same, log(1 + e^(2 − 3)) → mean 0.813262.
  assertClose(batchHardTriplet(labels, z, { soft: true }), 0.813262, 1e-5);
  // Squared distances: anchor 2 gets 1 + 4 − 1 = 4, anchor 3 gets 1 + 4 − 9 < 0 → 0; mean 2.
  assertClose(batchHardTripletPerAnchor(labels, z, { squared: true }), [0, 4, 4, 0], 1e-5);
  assertClose(batchHardTriplet(labels, z, { squared: true }), 2, 1e-5);
  // Anchor 2 alone in its class has no positive: term 0, and the mean runs over anchors 0 and 1.
  // Anchor 0: positive d(0, 2) = 2, negative d(0, 3) = 3 → 0; anchor 1: 2 + 1 − 1 = 2. Mean 1.
  assertClose(batchHardTripletPerAnchor([0, 0, 1], [[0], [2], [3]]), [0, 2, 0], 1e-5);
  assertClose(batchHardTriplet([0, 0, 1], [[0], [2], [3]]), 1, 1e-5);
});

Deno.test("batchHardTriplet: matches the plain-loop definition on random embeddings", () => {
  for (const seed of [1, 2, 3]) {
    const { labels, z, random } = randomBatch(seed, 10);
    const w = labels.map(() => random() * 2);
    for (
      const [margin, soft, squared] of [[1, false, false], [0.3, false, true], [
        1,
        true,
        false,
      ]] as const
    ) {
      const terms = referenceTerms(labels, z, margin, soft, squared);
      assertClose(batchHardTripletPerAnchor(labels, z, { margin, soft, squared }), terms, 1e-4);
      const mean = terms.reduce((s, v) => s + v, 0) / terms.length;
      assertClose(batchHardTriplet(labels, z, { margin, soft, squared }), mean, 1e-4);
      const weighted = terms.reduce((s, v, i) => s + w[i] * v, 0) / w.reduce((s, v) => s + v, 0);
      assertClose(
        batchHardTriplet(labels, z, { margin, soft, squared, sampleWeight: w }),
        weighted,
        1e-4,
      );
    }
  }
});

Deno.test("batchHardTriplet: a sample's term is set by the rest of its batch", () => {
  // Anchor 0 and its positive stay; only the nearest negative moves from 3 to 1.5.
  const near = batchHardTripletPerAnchor([0, 0, 1], [[0], [2], [1.5]]).dataSync()[0];
  const far = batchHardTripletPerAnchor([0, 0, 1], [[0], [2], [3]]).dataSync()[0];
  // 1 + 2 − 1.5 = 1.5 versus max(0, 1 + 2 − 3) = 0.
  assertClose([near, far], [1.5, 0], 1e-5);
  // A weight of 0 leaves the sample in the batch as everyone's candidate negative.
  const weighted = batchHardTriplet([0, 0, 1, 1], [[0], [2], [3], [5]], {
    sampleWeight: [1, 1, 1, 0],
  });
  assertClose(weighted, (0 + 2 + 2) / 3, 1e-5);
});

Deno.test("batchHardTriplet: finite gradients, also with duplicate points", () => {
  const z = [[0, 0], [0, 0], [1, 1], [1, 1.5]];
  for (const squared of [false, true]) {
    const g = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => batchHardTriplet([0, 0, 1, 1], x, { squared, margin: 2 }))(
        tf.tensor2d(z),
      )
    );
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${g.dataSync()}`);
    g.dispose();
  }
});

Deno.test("batchHardTriplet: errors name the function, the argument and the value", () => {
  assertThrowsWith(
    () => batchHardTriplet([0, 0], [[0], [1]]),
    RangeError,
    "batchHardTriplet: yTrue is [0,0], expected a label shared by at least 2 samples and " +
      "at least 2 classes",
  );
  assertThrowsWith(
    () => batchHardTriplet([0, 1], [[0], [1]]),
    RangeError,
    "batchHardTriplet: yTrue is [0,1], expected a label shared by at least 2 samples",
  );
  assertThrowsWith(
    () => batchHardTriplet([0, 0, 1], [[0], [1], [2]], { margin: -0.5 }),
    RangeError,
    "batchHardTriplet: options.margin is -0.5, expected a number >= 0",
  );
  assertThrowsWith(
    () => batchHardTriplet([0, 0, 1], [0, 1, 2]),
    RangeError,
    "batchHardTriplet: yPred has shape [3], expected [batch, dim] embeddings",
  );
  assertThrowsWith(
    () => batchHardTripletPerAnchor([0, 0, 1], [[0], [1], [2]], { soft: 1 as never }),
    TypeError,
    "batchHardTripletPerAnchor: options.soft is 1, expected true or false",
  );
});

Deno.test("batchHardTriplet: no tensors left behind, also when it throws", async () => {
  const z = tf.tensor2d([[0, 1], [1, 0], [2, 2], [0.5, 0.5]]);
  await assertNoLeak(() => {
    batchHardTriplet([0, 0, 1, 1], z).dispose();
    batchHardTripletPerAnchor([0, 0, 1, 1], z, { soft: true }).dispose();
    try {
      batchHardTriplet([0, 1, 2, 3], z);
    } catch { /* expected */ }
  });
  z.dispose();
});
