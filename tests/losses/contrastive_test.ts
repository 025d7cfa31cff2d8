import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { seededRandom } from "../../lib/_core/random.ts";
import { ntXent, ntXentPerAnchor } from "../../lib/losses/contrastive.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/** NT-Xent by its definition, with nested loops: per-anchor terms (0 without a positive). */
function referenceTerms(ids: number[], z: number[][], temperature: number, cosine: boolean) {
  const n = z.length;
  const rows = z.map((r) => {
    if (!cosine) return r;
    const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
    return r.map((v) => v / norm);
  });
  const sim = (a: number, b: number) => {
    let s = 0;
    for (let d = 0; d < rows[a].length; d++) s += rows[a][d] * rows[b][d];
    return s / temperature;
  };
  const terms: number[] = [];
  for (let a = 0; a < n; a++) {
    let denominator = 0;
    for (let k = 0; k < n; k++) if (k !== a) denominator += Math.exp(sim(a, k));
    let total = 0, count = 0;
    for (let p = 0; p < n; p++) {
      if (p === a || ids[p] !== ids[a]) continue;
      total += -(sim(a, p) - Math.log(denominator));
      count++;
    }
    terms.push(count === 0 ? 0 : total / count);
  }
  return terms;
}

function referenceLoss(
  ids: number[],
  z: number[][],
  temperature: number,
  cosine: boolean,
  weights?: number[],
) {
  const terms = referenceTerms(ids, z, temperature, cosine);
  let num = 0, den = 0;
  for (let a = 0; a < ids.length; a++) {
    const hasPositive = ids.some((id, k) => k !== a && id === ids[a]);
    if (!hasPositive) continue;
    const w = weights ? weights[a] : 1;
    num += w * terms[a];
    den += w;
  }
  return num / den;
}

function randomViews(seed: number, items: number, dim: number) {
  const random = seededRandom(seed);
  const base = Array.from(
    { length: items },
    () => Array.from({ length: dim }, () => random() * 2 - 1),
  );
  const noisy = () => base.map((r) => r.map((v) => v + 0.3 * (random() - 0.5)));
  const z = [...noisy(), ...noisy()];
  const ids = [...base.keys(), ...base.keys()];
  return { ids, z, random };
}

Deno.test("ntXent: hand-worked values", () => {
  // Orthogonal items, coinciding views, τ = 1: each anchor −log(e / (e + 2)) = 0.551445.
  const z = [[1, 0], [0, 1], [1, 0], [0, 1]];
  assertClose(ntXentPerAnchor([0, 1, 0, 1], z, { temperature: 1 }), [
    0.551445,
    0.551445,
    0.551445,
    0.551445,
  ], 1e-5);
  assertClose(ntXent([0, 1, 0, 1], z, { temperature: 1 }), 0.551445, 1e-5);
  // ids [0, 0, 1], unit rows, s01 = 0.6, s02 = 0, s12 = 0.8, τ = 0.5 (similarities ×2):
  // anchor 0: log(e^1.2 + e^0) − 1.2 = 0.263282; anchor 1: log(e^1.2 + e^1.6) − 1.2 = 0.913015;
  // anchor 2 has no positive: term 0, left out of the mean → (0.263282 + 0.913015) / 2 = 0.588149.
  const z3 = [[1, 0], [0.6, 0.8], [0, 1]];
  assertClose(ntXentPerAnchor([0, 0, 1], z3, { temperature: 0.5 }), [0.263282, 0.913015, 0], 1e-5);
  assertClose(ntXent([0, 0, 1], z3, { temperature: 0.5 }), 0.588149, 1e-5);
  // [batch, 1] ids are accepted; the result is a scalar.
  const loss = ntXent([[0], [0], [1]], z3, { temperature: 0.5 });
  assert.deepEqual(loss.shape, []);
  loss.dispose();
});

Deno.test("ntXent: collapsed embeddings give log(batch − 1) for every batch size", () => {
  for (const n of [2, 5, 32]) {
    const ids = [...Array(n).keys(), ...Array(n).keys()];
    const z = ids.map(() => [0.3, -0.2, 0.5]);
    // Every similarity is equal: each softmax is uniform over the 2n − 1 others.
    assertClose(ntXent(ids, z), Math.log(2 * n - 1), 1e-4);
  }
});

Deno.test("ntXent: matches the plain-loop definition on random views", () => {
  for (
    const [seed, temperature, cosine] of [[1, 0.1, true], [2, 0.5, true], [3, 1, false]] as const
  ) {
    const { ids, z, random } = randomViews(seed, 7, 3);
    const weights = ids.map(() => random() * 2);
    assertClose(
      ntXentPerAnchor(ids, z, { temperature, cosine }),
      referenceTerms(ids, z, temperature, cosine),
      1e-3,
    );
    assertClose(
      ntXent(ids, z, { temperature, cosine }),
      referenceLoss(ids, z, temperature, cosine),
      1e-4,
    );
    assertClose(
      ntXent(ids, z, { temperature, cosine, sampleWeight: weights }),
      referenceLoss(ids, z, temperature, cosine, weights),
      1e-4,
    );
  }
});

Deno.test("ntXent: per-anchor weights scale terms but do not remove a sample from the batch", () => {
  const { ids, z } = randomViews(4, 5, 3);
  const terms = Array.from(ntXentPerAnchor(ids, z, { temperature: 0.5 }).dataSync());
  const onlyFirst = ids.map((_, i) => (i === 0 ? 1 : 0));
  // All weight on anchor 0: the loss is its term.
  assertClose(ntXent(ids, z, { temperature: 0.5, sampleWeight: onlyFirst }), terms[0], 1e-5);
  // Scaling every weight changes nothing (a weighted mean).
  assertClose(
    ntXent(ids, z, { temperature: 0.5, sampleWeight: 3 }),
    ntXent(ids, z, { temperature: 0.5 }).dataSync()[0],
    1e-5,
  );
  // Weight 0 on sample 9 is not the batch without it: 9 is still a negative of every anchor.
  const zeroLast = ids.map((_, i) => (i === 9 ? 0 : 1));
  const keep = ids.map((_, i) => i).filter((i) => i !== 9 && i !== 4);
  const withoutPair = ntXent(keep.map((i) => ids[i]), keep.map((i) => z[i]), { temperature: 0.5 });
  const weighted = ntXent(ids, z, { temperature: 0.5, sampleWeight: zeroLast }).dataSync()[0];
  assert.ok(Math.abs(weighted - withoutPair.dataSync()[0]) > 1e-3);
});

Deno.test("ntXent: finite gradients, also for collapsed and zero embeddings", () => {
  const { ids, z } = randomViews(5, 4, 3);
  const cases = [z, ids.map(() => [1, 1, 1]), ids.map((_, i) => (i === 0 ? [0, 0, 0] : z[i]))];
  for (const emb of cases) {
    const g = tf.tidy(() =>
      tf.grad((p: tf.Tensor) => ntXent(ids, p, { temperature: 0.1 }))(tf.tensor2d(emb))
    );
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${g.dataSync()}`);
    g.dispose();
  }
});

Deno.test("ntXent: errors name the function, the argument and the value", () => {
  const z = [[1, 0], [0, 1]];
  assertThrowsWith(
    () => ntXent([0, 0], z, { temperature: 0 }),
    RangeError,
    "ntXent: options.temperature is 0, expected a number > 0",
  );
  assertThrowsWith(
    () => ntXent([0, 0], [1, 2]),
    RangeError,
    "ntXent: yPred has shape [2], expected [batch, dim] embeddings",
  );
  assertThrowsWith(
    () => ntXent([0, 0, 1], z),
    RangeError,
    "ntXent: yTrue has shape [3], expected [2] or [2, 1]",
  );
  assertThrowsWith(
    () => ntXent([0, 0.5], z),
    RangeError,
    "ntXent: yTrue has value 0.5 at flat index 1, expected integer labels (ids)",
  );
  assertThrowsWith(
    () => ntXent([0, 1], z),
    RangeError,
    "ntXent: yTrue is [0,1], expected an id that appears at least twice",
  );
  assertThrowsWith(
    () => ntXent([0, 0], z, { sampleWeight: [1, -1] }),
    RangeError,
    "ntXent: options.sampleWeight has value -1 at flat index 1, expected weights >= 0",
  );
  assertThrowsWith(
    () => ntXent([0, 0], z, { sampleWeight: [1, 1, 1] }),
    RangeError,
    "ntXent: options.sampleWeight has shape [3], expected a number, [2] or [2, 1]",
  );
  assertThrowsWith(
    () => ntXentPerAnchor([0, 0], z, { cosine: "yes" as never }),
    TypeError,
    'ntXentPerAnchor: options.cosine is "yes", expected true or false',
  );
});

Deno.test("ntXent: no tensors left behind, also when it throws", async () => {
  const { ids, z } = randomViews(6, 3, 2);
  const input = tf.tensor2d(z);
  await assertNoLeak(() => {
    ntXent(ids, input).dispose();
    ntXentPerAnchor(ids, input, { temperature: 0.3 }).dispose();
    ntXent(ids, input, { sampleWeight: ids.map(() => 0) }).dispose();
    for (
      const bad of [
        () => ntXent([0, 1, 2, 3, 4, 5], input),
        () => ntXent(ids, input, { temperature: -1 }),
      ]
    ) {
      try {
        bad();
      } catch { /* expected */ }
    }
  });
  input.dispose();
});

Deno.test("ntXent: NaN embeddings are refused, except inside a gradient tape", () => {
  const z = tf.tensor2d([[NaN, 0], [0, 1], [1, 0], [0, 1]]);
  assertThrowsWith(
    () => ntXent([0, 1, 0, 1], z),
    RangeError,
    "ntXent: yPred has 1 non-finite value, first at [0, 0] (NaN)",
  );
  const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => ntXent([0, 1, 0, 1], x))(z);
  assert.ok(Number.isNaN(value.dataSync()[0]));
  tf.dispose([z, value, grad]);
});
