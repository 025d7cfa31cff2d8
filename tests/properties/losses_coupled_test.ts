/**
 * Properties of the losses that couple the samples of a batch (NT-Xent, batch-hard triplet, soft
 * Dice/F1, pairwise AUC), the masked sequence and per-graph losses, the batch views and
 * inspectLoss: valid generated input gives what a plain loop computes from the formula; invalid
 * input gives an Error naming the argument; no tensor is left either way.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, nonFinite, prop, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import * as L from "../../lib/mod.ts";

await L.setupBackend({ backend: "cpu", seed: 0 });

/** The values of a result tensor, which is then disposed. */
function read(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Float32 agreement: `tol` absolute plus the same relative to the reference. */
function close(actual: number, expected: number, tol = 1e-4): boolean {
  return Math.abs(actual - expected) <= tol * (1 + Math.abs(expected));
}

function allClose(actual: number[], expected: number[], tol = 1e-4): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(close(a, expected[i], tol), `[${i}] ${a} vs ${expected[i]}\n${actual}\n${expected}`)
  );
}

/** A key that is not one of `allowed`. */
const unknownKey = (allowed: readonly string[]) =>
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) =>
    !allowed.includes(k) && k !== "__proto__" && /^\w+$/.test(k)
  );

/** Puts `bad` into a copy of matrix `m` at flat position `at` (mod size). */
function spoil(m: number[][], bad: number, at: number): number[][] {
  const c = m.map((r) => r.slice());
  const cols = c[0].length, i = at % (c.length * cols);
  c[Math.floor(i / cols)][i % cols] = bad;
  return c;
}

/**
 * Doubles in `[min, max]` with magnitudes below 1e-6 set to 0: float32 flushes subnormal values
 * to 0, so a plain-double reference would otherwise disagree on inputs like 1e-300.
 */
const real = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true }).map((x) => (Math.abs(x) < 1e-6 ? 0 : x));

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const matrix = (rows: number, cols: number, min: number, max: number) =>
  fc.array(
    fc.array(real(min, max), { minLength: cols, maxLength: cols }),
    { minLength: rows, maxLength: rows },
  );

// ---------------------------------------------------------------------------------------------
// NT-Xent: ℓₐ = −(1/|P(a)|) Σ_{p∈P(a)} log softmax_{k≠a}(s_ak/τ)_p, mean over anchors with P(a) ≠ ∅.

function ntXentReference(
  ids: number[],
  z: number[][],
  temperature: number,
  cosine: boolean,
  weights?: number[],
): { terms: number[]; loss: number } {
  const n = ids.length;
  const rows = z.map((r) => {
    if (!cosine) return r;
    let sq = 0;
    for (const x of r) sq += x * x;
    const norm = Math.sqrt(Math.max(sq, 1e-24));
    return r.map((x) => x / norm);
  });
  const terms: number[] = [];
  let num = 0, den = 0;
  for (let a = 0; a < n; a++) {
    const s: number[] = [];
    for (let k = 0; k < n; k++) {
      let dot = 0;
      for (let j = 0; j < rows[a].length; j++) dot += rows[a][j] * rows[k][j];
      s.push(dot / temperature);
    }
    let max = -Infinity;
    for (let k = 0; k < n; k++) if (k !== a && s[k] > max) max = s[k];
    let sum = 0;
    for (let k = 0; k < n; k++) if (k !== a) sum += Math.exp(s[k] - max);
    const logZ = max + Math.log(sum);
    let picked = 0, positives = 0;
    for (let p = 0; p < n; p++) {
      if (p !== a && ids[p] === ids[a]) {
        picked += s[p] - logZ;
        positives++;
      }
    }
    const term = positives > 0 ? -picked / positives : 0;
    terms.push(term);
    if (positives > 0) {
      const w = weights ? weights[a] : 1;
      num += w * term;
      den += w;
    }
  }
  return { terms, loss: den === 0 ? 0 : num / den };
}

const idsWithPair = fc.integer({ min: 2, max: 8 }).chain((n) =>
  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n }).filter((ids) =>
    ids.some((v, i) => ids.indexOf(v) !== i)
  )
);

prop(["ntXent", "ntXentPerAnchor"], "ntXent equals -log softmax over similarities / τ", () => {
  const input = idsWithPair.chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.integer({ min: 1, max: 4 }).chain((d) => matrix(ids.length, d, -2, 2)),
      real(0.2, 2),
      fc.boolean(),
      fc.array(real(0, 3), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
    )
  );
  fc.assert(
    fc.property(input, ([ids, z, temperature, cosine, w]) => {
      const ref = ntXentReference(ids, z, temperature, cosine, w);
      allClose(read(L.ntXentPerAnchor(ids, z, { temperature, cosine })), ref.terms, 1e-3);
      const loss = read(L.ntXent(ids, z, { temperature, cosine, sampleWeight: w }))[0];
      assert.ok(close(loss, ref.loss, 1e-3), `${loss} vs ${ref.loss}`);
      // A weighted mean does not change when every weight is scaled, even below float32's range.
      const tiny = w.map((x) => x * 1e-40);
      const small = read(L.ntXent(ids, z, { temperature, cosine, sampleWeight: tiny }))[0];
      assert.ok(close(small, ref.loss, 1e-3), `tiny weights: ${small} vs ${ref.loss}`);
      const plain = ntXentReference(ids, z, temperature, cosine);
      assert.ok(close(read(L.ntXent(ids, z, { temperature, cosine }))[0], plain.loss, 1e-3));
    }),
    { numRuns: 25 },
  );
  const valid = idsWithPair.chain((ids) =>
    fc.tuple(fc.constant(ids), matrix(ids.length, 2, -2, 2))
  );
  fc.assert(
    fc.property(valid, nonFinite, fc.nat(), ([ids, z], bad, at) => {
      throwsNaming(() => L.ntXent(ids, spoil(z, bad, at)), "ntXent", "yPred");
      throwsNaming(() => L.ntXentPerAnchor(ids, spoil(z, bad, at)), "ntXentPerAnchor", "yPred");
    }),
    { numRuns: 15 },
  );
  fc.assert(
    fc.property(valid, fc.double({ min: -5, max: 0 }), ([ids, z], t) => {
      throwsNaming(() => L.ntXent(ids, z, { temperature: t }), "ntXent", "options.temperature");
    }),
    { numRuns: 15 },
  );
  fc.assert(
    fc.property(valid, unknownKey(["temperature", "cosine", "sampleWeight"]), ([ids, z], key) => {
      throwsNaming(() => L.ntXent(ids, z, { [key]: 1 } as never), "ntXent", `options.${key}`);
    }),
    { numRuns: 15 },
  );
  // Every id distinct: no anchor has a positive. Batch of 1 is the smallest such batch.
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), (n) => {
      const ids = Array.from({ length: n }, (_, i) => i);
      const z = ids.map((i) => [i, 1]);
      throwsNaming(() => L.ntXent(ids, z), "ntXent", "yTrue");
    }),
    { numRuns: 6 },
  );
  throwsNaming(() => L.ntXent([0, 0, 1], [[1, 0], [0, 1]]), "ntXent", "yTrue");
  throwsNaming(
    () => L.ntXent([0, 0], [[1, 0], [0, 1]], { sampleWeight: [1, -1] }),
    "ntXent",
    "options.sampleWeight",
  );
  throwsNaming(
    () => L.ntXentPerAnchor([0, 0], [[1, 0], [0, 1]], { sampleWeight: [1, 1] } as never),
    "ntXentPerAnchor",
    "options.sampleWeight",
  );
  throwsNaming(() => L.ntXent([0, 0], [1, 2]), "ntXent", "yPred");
});

// ---------------------------------------------------------------------------------------------
// Batch-hard triplet: max(0, m + max_{p same} d(a,p) − min_{n other} d(a,n)).

function tripletReference(
  labels: number[],
  z: number[][],
  margin: number,
  soft: boolean,
  squared: boolean,
  weights?: number[],
): { terms: number[]; loss: number } {
  const n = labels.length;
  const dist = (a: number, b: number) => {
    let sq = 0;
    for (let j = 0; j < z[a].length; j++) sq += (z[a][j] - z[b][j]) ** 2;
    return squared ? sq : Math.sqrt(Math.max(sq, 1e-12));
  };
  const terms: number[] = [];
  let num = 0, den = 0;
  for (let a = 0; a < n; a++) {
    let pos = -Infinity, neg = Infinity;
    for (let k = 0; k < n; k++) {
      if (k === a) continue;
      if (labels[k] === labels[a]) pos = Math.max(pos, dist(a, k));
      else neg = Math.min(neg, dist(a, k));
    }
    const valid = pos > -Infinity && neg < Infinity;
    const gap = pos - neg;
    const term = !valid ? 0 : soft ? softplus(gap) : Math.max(0, margin + gap);
    terms.push(term);
    if (valid) {
      const w = weights ? weights[a] : 1;
      num += w * term;
      den += w;
    }
  }
  return { terms, loss: den === 0 ? 0 : num / den };
}

// At least 3 samples: a positive and a negative for one anchor (with 2, the filter never passes).
const pkLabels = fc.integer({ min: 3, max: 10 }).chain((n) =>
  fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }).filter((l) =>
    l.some((v, a) => l.some((u, k) => k !== a && u === v) && l.some((u) => u !== v))
  )
);

prop(
  ["batchHardTriplet", "batchHardTripletPerAnchor"],
  "batch-hard triplet equals the hardest positive / negative distances of a plain loop",
  () => {
    const input = pkLabels.chain((labels) =>
      fc.tuple(
        fc.constant(labels),
        fc.integer({ min: 1, max: 3 }).chain((d) => matrix(labels.length, d, -3, 3)),
        real(0, 2),
        fc.boolean(),
        fc.boolean(),
        fc.array(real(0, 3), {
          minLength: labels.length,
          maxLength: labels.length,
        }),
      )
    );
    fc.assert(
      fc.property(input, ([labels, z, margin, soft, squared, w]) => {
        const ref = tripletReference(labels, z, margin, soft, squared, w);
        const terms = read(L.batchHardTripletPerAnchor(labels, z, { margin, soft, squared }));
        allClose(terms, ref.terms, 1e-3);
        const loss = read(
          L.batchHardTriplet(labels, z, { margin, soft, squared, sampleWeight: w }),
        );
        assert.ok(close(loss[0], ref.loss, 1e-3), `${loss} vs ${ref.loss}`);
      }),
      { numRuns: 30 },
    );
    const valid = pkLabels.chain((l) => fc.tuple(fc.constant(l), matrix(l.length, 2, -3, 3)));
    fc.assert(
      fc.property(valid, nonFinite, fc.nat(), ([l, z], bad, at) => {
        throwsNaming(() => L.batchHardTriplet(l, spoil(z, bad, at)), "batchHardTriplet", "yPred");
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(valid, fc.double({ min: -5, max: -1e-6 }), ([l, z], m) => {
        throwsNaming(
          () => L.batchHardTripletPerAnchor(l, z, { margin: m }),
          "batchHardTripletPerAnchor",
          "options.margin",
        );
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(valid, unknownKey(["margin", "soft", "squared", "sampleWeight"]), ([l, z], k) => {
        throwsNaming(
          () => L.batchHardTriplet(l, z, { [k]: 1 } as never),
          "batchHardTriplet",
          `options.${k}`,
        );
      }),
      { numRuns: 15 },
    );
    // One class, or all-distinct labels (a batch of 1 is both): no anchor has a triplet.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.boolean(), (n, distinct) => {
        const l = Array.from({ length: n }, (_, i) => (distinct ? i : 0));
        throwsNaming(() => L.batchHardTriplet(l, l.map((i) => [i])), "batchHardTriplet", "yTrue");
      }),
      { numRuns: 10 },
    );
    throwsNaming(
      () => L.batchHardTriplet([0, 0, 1, 1], [[0], [1], [2], [3]], { sampleWeight: [1, 1, -1, 1] }),
      "batchHardTriplet",
      "options.sampleWeight",
    );
  },
);

// ---------------------------------------------------------------------------------------------
// Soft Dice / F1: 1 − (2·Σ w·t·p + s) / (Σ w·t + Σ w·p + s), micro or per class (macro).

function overlapReference(
  t: number[][],
  p: number[][],
  smooth: number,
  average: "micro" | "macro",
  w?: number[],
): number {
  const k = t[0].length;
  const tp = new Array(k).fill(0), sizes = new Array(k).fill(0);
  for (let i = 0; i < t.length; i++) {
    for (let c = 0; c < k; c++) {
      const wi = w ? w[i] : 1;
      tp[c] += wi * t[i][c] * p[i][c];
      sizes[c] += wi * (t[i][c] + p[i][c]);
    }
  }
  // Keras's ε = 1e-7 stands in for a zero smoothing term in the denominator.
  const bottom = smooth > 0 ? smooth : 1e-7;
  if (average === "micro") {
    let a = 0, b = 0;
    for (let c = 0; c < k; c++) [a, b] = [a + tp[c], b + sizes[c]];
    return 1 - (2 * a + smooth) / (b + bottom);
  }
  let score = 0;
  for (let c = 0; c < k; c++) score += (2 * tp[c] + smooth) / (sizes[c] + bottom);
  return 1 - score / k;
}

prop(["softDice", "softF1"], "soft Dice / F1 equal 1 − 2·Σpt / (Σp + Σt) by loops", () => {
  const input = fc.record({ n: fc.integer({ min: 1, max: 8 }), k: fc.integer({ min: 1, max: 4 }) })
    .chain(({ n, k }) =>
      fc.tuple(
        fc.array(
          fc.array(fc.constantFrom(0, 1, 0.25), { minLength: k, maxLength: k }),
          { minLength: n, maxLength: n },
        ),
        matrix(n, k, 0, 1),
        fc.constantFrom(0, 1e-6, 0.5, 1),
        fc.constantFrom("micro", "macro") as fc.Arbitrary<"micro" | "macro">,
        fc.array(real(0, 2), { minLength: n, maxLength: n }),
      )
    );
  fc.assert(
    fc.property(input, ([t, p, smooth, average, w]) => {
      const ref = overlapReference(t, p, smooth, average, w);
      const dice = read(L.softDice(t, p, { smooth, average, sampleWeight: w }))[0];
      assert.ok(close(dice, ref, 1e-4), `dice ${dice} vs ${ref}`);
      if (smooth === 0) {
        // Without smoothing the score is scale-free in the weights, even below float32's range.
        const tiny = w.map((x) => x * 1e-40);
        const scaled = read(L.softDice(t, p, { smooth, average, sampleWeight: tiny }))[0];
        assert.ok(close(scaled, ref, 1e-4), `tiny weights: ${scaled} vs ${ref}`);
      }
      const f1 = read(L.softF1(t, p, { smooth, average, sampleWeight: w }))[0];
      assert.ok(close(f1, ref, 1e-4), `f1 ${f1} vs ${ref}`);
      // The defaults: Dice micro, F1 macro, smooth 1e-6, no weights.
      assert.ok(close(read(L.softDice(t, p))[0], overlapReference(t, p, 1e-6, "micro"), 1e-4));
      assert.ok(close(read(L.softF1(t, p))[0], overlapReference(t, p, 1e-6, "macro"), 1e-4));
    }),
    { numRuns: 30 },
  );
  // Logits: sigmoid for one column, softmax over the last axis otherwise.
  const logits = fc.record({ n: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 3 }) })
    .chain(({ n, k }) =>
      fc.tuple(
        fc.array(fc.array(fc.constantFrom(0, 1), { minLength: k, maxLength: k }), {
          minLength: n,
          maxLength: n,
        }),
        matrix(n, k, -4, 4),
      )
    );
  fc.assert(
    fc.property(logits, ([t, z]) => {
      const p = z.map((r) => {
        if (r.length === 1) return [1 / (1 + Math.exp(-r[0]))];
        let m = -Infinity, s = 0;
        for (const x of r) m = Math.max(m, x);
        for (const x of r) s += Math.exp(x - m);
        return r.map((x) => Math.exp(x - m) / s);
      });
      const got = read(L.softF1(t, z, { fromLogits: true, smooth: 0 }))[0];
      assert.ok(close(got, overlapReference(t, p, 0, "macro"), 1e-4));
    }),
    { numRuns: 15 },
  );
  const valid = fc.tuple(matrix(3, 2, 0, 1), matrix(3, 2, 0, 1));
  fc.assert(
    fc.property(valid, nonFinite, fc.nat(), fc.boolean(), ([t, p], bad, at, logit) => {
      throwsNaming(
        () => L.softDice(t, spoil(p, bad, at), { fromLogits: logit }),
        "softDice",
        "yPred",
      );
      throwsNaming(() => L.softF1(spoil(t, bad, at), p), "softF1", "yTrue");
    }),
    { numRuns: 15 },
  );
  fc.assert(
    fc.property(valid, fc.double({ min: 1.001, max: 5 }), fc.nat(), ([t, p], v, at) => {
      throwsNaming(() => L.softDice(t, spoil(p, v, at)), "softDice", "yPred");
    }),
    { numRuns: 10 },
  );
  fc.assert(
    fc.property(
      valid,
      unknownKey(["smooth", "fromLogits", "average", "sampleWeight"]),
      ([t, p], k) => {
        throwsNaming(() => L.softF1(t, p, { [k]: 1 } as never), "softF1", `options.${k}`);
      },
    ),
    { numRuns: 15 },
  );
  throwsNaming(
    () => L.softDice([[1, 0]], [[0.5, 0.5]], { smooth: -1 }),
    "softDice",
    "options.smooth",
  );
  throwsNaming(() => L.softDice([[1, 0]], [[0.5, 0.5, 0]]), "softDice", "yPred");
  throwsNaming(() => L.softDice([], []), "softDice", "yPred");
  throwsNaming(
    () => L.softF1([[1], [0]], [[0.5], [0.5]], { sampleWeight: [1, -2] }),
    "softF1",
    "options.sampleWeight",
  );
});

// ---------------------------------------------------------------------------------------------
// Pairwise AUC: Σ_{i+, j−} wᵢwⱼ·penalty(sᵢ − sⱼ) / (Σ₊w · Σ₋w).

prop(
  ["pairwiseAucLoss"],
  "pairwiseAucLoss equals the mean penalty over positive/negative pairs",
  () => {
    const input = fc.integer({ min: 1, max: 20 }).chain((n) =>
      fc.tuple(
        fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
        fc.array(real(-5, 5), { minLength: n, maxLength: n }),
        fc.constantFrom("logistic", "hinge") as fc.Arbitrary<"logistic" | "hinge">,
        real(0, 2),
        fc.array(real(0, 3), { minLength: n, maxLength: n }),
      )
    );
    fc.assert(
      fc.property(input, ([y, s, surrogate, margin, w]) => {
        let num = 0, pos = 0, neg = 0;
        for (let i = 0; i < y.length; i++) y[i] === 1 ? (pos += w[i]) : (neg += w[i]);
        for (let i = 0; i < y.length; i++) {
          for (let j = 0; j < y.length; j++) {
            if (y[i] !== 1 || y[j] !== 0) continue;
            const d = s[i] - s[j];
            num += w[i] * w[j] *
              (surrogate === "logistic" ? softplus(-d) : Math.max(0, margin - d));
          }
        }
        const ref = pos * neg === 0 ? 0 : num / (pos * neg);
        const got = read(L.pairwiseAucLoss(y, s, { surrogate, margin, sampleWeight: w }))[0];
        assert.ok(close(got, ref, 1e-4), `${got} vs ${ref}`);
        // Pair weights wᵢ·wⱼ of 1e-60 underflow float32; the ratio must not become 0/0.
        const tiny = w.map((x) => x * 1e-30);
        const small = read(L.pairwiseAucLoss(y, s, { surrogate, margin, sampleWeight: tiny }))[0];
        assert.ok(close(small, ref, 1e-4), `tiny weights: ${small} vs ${ref}`);
      }),
      { numRuns: 40 },
    );
    const valid = fc.integer({ min: 2, max: 10 }).chain((n) =>
      fc.tuple(
        fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
        fc.array(real(-5, 5), { minLength: n, maxLength: n }),
      )
    );
    fc.assert(
      fc.property(valid, nonFinite, fc.nat(), ([y, s], bad, at) => {
        const t = s.slice();
        t[at % t.length] = bad;
        throwsNaming(() => L.pairwiseAucLoss(y, t), "pairwiseAucLoss", "yPred");
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(valid, fc.integer({ min: 2, max: 9 }), fc.nat(), ([y, s], v, at) => {
        const t: number[] = y.slice();
        t[at % t.length] = v;
        throwsNaming(() => L.pairwiseAucLoss(t, s), "pairwiseAucLoss", "yTrue");
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(valid, unknownKey(["surrogate", "margin", "sampleWeight"]), ([y, s], k) => {
        throwsNaming(
          () => L.pairwiseAucLoss(y, s, { [k]: 1 } as never),
          "pairwiseAucLoss",
          `options.${k}`,
        );
      }),
      { numRuns: 15 },
    );
    throwsNaming(
      () => L.pairwiseAucLoss([1, 0], [1, 2], { margin: -1 }),
      "pairwiseAucLoss",
      "options.margin",
    );
    throwsNaming(() => L.pairwiseAucLoss([1, 0, 1], [1, 2]), "pairwiseAucLoss", "yPred");
  },
);

// ---------------------------------------------------------------------------------------------
// Masked sequence losses.

const sequences = fc.record({
  b: fc.integer({ min: 1, max: 6 }),
  t: fc.integer({ min: 1, max: 8 }),
})
  .chain(({ b, t }) =>
    fc.tuple(
      matrix(b, t, 0, 10),
      fc.array(fc.integer({ min: 0, max: t }), { minLength: b, maxLength: b }),
      fc.array(fc.array(fc.constantFrom(0, 1), { minLength: t, maxLength: t }), {
        minLength: b,
        maxLength: b,
      }),
      fc.boolean(),
    )
  );

/** The mask the spec means, by loops: lengths (padding at the end) or the mask itself. */
function maskOf(lengths: number[], mask: number[][], useMask: boolean, time: number): number[][] {
  return useMask
    ? mask
    : lengths.map((n) => Array.from({ length: time }, (_, t) => (t < n ? 1 : 0)));
}

prop(
  ["maskedLoss", "perSequenceLoss", "compareNormalizations", "SEQUENCE_NORMALIZATIONS"],
  "masked losses equal token / sequence / batch means by loops",
  () => {
    assert.deepEqual([...L.SEQUENCE_NORMALIZATIONS], ["token", "sequence", "batch"]);
    fc.assert(
      fc.property(sequences, ([loss, lengths, maskRows, useMask]) => {
        const time = loss[0].length, batch = loss.length;
        const m = maskOf(lengths, maskRows, useMask, time);
        const spec = useMask ? { mask: maskRows } : { lengths };
        const sums: number[] = [], counts: number[] = [];
        for (let i = 0; i < batch; i++) {
          let s = 0, n = 0;
          for (let t = 0; t < time; t++) [s, n] = [s + loss[i][t] * m[i][t], n + m[i][t]];
          sums.push(s);
          counts.push(n);
        }
        const total = counts.reduce((a, b) => a + b, 0);
        const tokenSum = sums.reduce((a, b) => a + b, 0);
        const means = sums.map((s, i) => (counts[i] > 0 ? s / counts[i] : 0));
        allClose(read(L.perSequenceLoss(loss, spec)), means);
        if (total === 0) {
          throwsNaming(
            () => L.maskedLoss(loss, spec),
            "maskedLoss",
            useMask ? "options.mask" : "options.lengths",
          );
          throwsNaming(() => L.compareNormalizations(loss, spec), "compareNormalizations", "spec.");
          assert.ok(close(read(L.maskedLoss(loss, { ...spec, numItemsInBatch: 3 }))[0], 0));
          return;
        }
        const nonEmpty = counts.filter((n) => n > 0).length;
        const want = {
          token: tokenSum / total,
          sequence: means.reduce((a, b) => a + b, 0) / nonEmpty,
          batch: tokenSum / batch,
        };
        for (const normalization of L.SEQUENCE_NORMALIZATIONS) {
          const got = read(L.maskedLoss(loss, { ...spec, normalization }))[0];
          assert.ok(
            close(got, want[normalization]),
            `${normalization}: ${got} vs ${want[normalization]}`,
          );
        }
        const items = total + 2;
        assert.ok(
          close(read(L.maskedLoss(loss, { ...spec, numItemsInBatch: items }))[0], tokenSum / items),
        );
        const c = L.compareNormalizations(loss, spec);
        for (const k of L.SEQUENCE_NORMALIZATIONS) assert.ok(close(c[k], want[k]), k);
        assert.deepEqual(c.tokenCounts, counts);
        allClose(c.weights.token, counts.map((n) => n / total));
        allClose(c.weights.sequence, counts.map((n) => (n > 0 ? 1 / nonEmpty : 0)));
        if (nonEmpty < batch) {
          throwsNaming(
            () => L.maskedLoss(loss, { ...spec, allPadding: "error" }),
            "maskedLoss",
            "options.allPadding",
          );
        }
      }),
      { numRuns: 40 },
    );
    // Only real tokens are checked: NaN at padding is ignored, NaN at a real token refused.
    fc.assert(
      fc.property(sequences, nonFinite, ([loss, lengths], bad) => {
        const real = lengths.findIndex((n) => n > 0);
        const pad = lengths.findIndex((n) => n < loss[0].length);
        if (pad >= 0) {
          const p = loss.map((r) => r.slice());
          p[pad][lengths[pad]] = bad;
          if (real >= 0) assert.ok(Number.isFinite(read(L.maskedLoss(p, { lengths }))[0]));
        }
        if (real >= 0) {
          const p = loss.map((r) => r.slice());
          p[real][0] = bad;
          throwsNaming(() => L.maskedLoss(p, { lengths }), "maskedLoss", "perToken");
          throwsNaming(() => L.perSequenceLoss(p, { lengths }), "perSequenceLoss", "perToken");
          throwsNaming(
            () => L.compareNormalizations(p, { lengths }),
            "compareNormalizations",
            "perToken",
          );
        }
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(sequences, fc.integer({ min: 1, max: 5 }), ([loss, lengths], extra) => {
        const time = loss[0].length;
        const long = lengths.map((n, i) => (i === 0 ? time + extra : n));
        throwsNaming(() => L.maskedLoss(loss, { lengths: long }), "maskedLoss", "options.lengths");
        throwsNaming(
          () => L.perSequenceLoss(loss, { lengths: long }),
          "perSequenceLoss",
          "spec.lengths",
        );
        throwsNaming(
          () => L.maskedLoss(loss, { lengths: [...lengths, 1] }),
          "maskedLoss",
          "options.lengths",
        );
        throwsNaming(
          () => L.maskedLoss(loss, { mask: loss.map((r) => [...r.map(() => 1), 1]) }),
          "maskedLoss",
          "options.mask",
        );
      }),
      { numRuns: 15 },
    );
    const maskedKeys = ["lengths", "mask", "normalization", "allPadding", "numItemsInBatch"];
    fc.assert(
      fc.property(sequences, unknownKey(maskedKeys), ([loss], k) => {
        throwsNaming(() => L.maskedLoss(loss, { [k]: 1 } as never), "maskedLoss", `options.${k}`);
        throwsNaming(
          () => L.compareNormalizations(loss, { [k]: 1 } as never),
          "compareNormalizations",
          `spec.${k}`,
        );
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(
        sequences,
        fc.string().filter((s) => !(L.SEQUENCE_NORMALIZATIONS as readonly string[]).includes(s)),
        ([loss], normalization) => {
          throwsNaming(
            () => L.maskedLoss(loss, { normalization } as never),
            "maskedLoss",
            "options.normalization",
          );
        },
      ),
      { numRuns: 15 },
    );
    throwsNaming(
      () => L.maskedLoss([[1, 2]], { numItemsInBatch: 0 }),
      "maskedLoss",
      "options.numItemsInBatch",
    );
    throwsNaming(() => L.maskedLoss([1, 2] as never), "maskedLoss", "perToken");
  },
);

prop(
  ["resolveMask", "sequenceMask"],
  "resolveMask / sequenceMask equal t < length by loops",
  () => {
    fc.assert(
      fc.property(sequences, ([loss, lengths, maskRows]) => {
        const time = loss[0].length;
        const want = maskOf(lengths, maskRows, false, time);
        assert.deepEqual(read(L.sequenceMask(lengths, time)), want.flat());
        assert.deepEqual(read(L.resolveMask(loss, { lengths })), want.flat());
        assert.deepEqual(read(L.resolveMask(loss, { mask: maskRows })), maskRows.flat());
        assert.deepEqual(read(L.resolveMask(loss)), loss.flat().map(() => 1));
        // Only the shape of perToken matters here: its values may be anything.
        read(L.resolveMask(loss.map((r) => r.map(() => NaN)), { lengths }));
      }),
      { numRuns: 30 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -5, max: -1 }), (time, n) => {
        throwsNaming(() => L.sequenceMask([n], time), "sequenceMask", "lengths");
        throwsNaming(() => L.sequenceMask([time + 1], time), "sequenceMask", "lengths");
        throwsNaming(() => L.sequenceMask([1], time - 0.5), "sequenceMask", "time");
        throwsNaming(() => L.sequenceMask([1], 1 - time), "sequenceMask", "time");
        throwsNaming(() => L.resolveMask([[1]], { lengths: [n] }), "resolveMask", "spec.lengths");
        throwsNaming(() => L.resolveMask([[1]], { mask: [[2]] }), "resolveMask", "spec.mask");
        throwsNaming(
          () => L.resolveMask([[1]], { lenghts: [1] } as never),
          "resolveMask",
          "spec.lenghts",
        );
      }),
      { numRuns: 10 },
    );
    throwsNaming(() => L.sequenceMask([], 3), "sequenceMask", "lengths");
    throwsNaming(() => L.sequenceMask([NaN], 3), "sequenceMask", "lengths");
    throwsNaming(
      () => L.resolveMask([[1]], { lengths: [1], mask: [[1]] }),
      "resolveMask",
      "spec.lengths",
    );
  },
);

prop(["sequenceLossCells"], "sequenceLossCells lists every cell row-major with its mask", () => {
  fc.assert(
    fc.property(sequences, ([loss, lengths]) => {
      const time = loss[0].length;
      const labels = loss.map((_, i) => `s${i}`);
      const cells = L.sequenceLossCells(loss, { lengths, labels });
      assert.equal(cells.length, loss.length * time);
      let k = 0;
      for (let i = 0; i < loss.length; i++) {
        for (let t = 0; t < time; t++, k++) {
          assert.deepEqual(cells[k], {
            sequence: i,
            label: `s${i}`,
            time: t,
            loss: loss[i][t],
            real: t < lengths[i],
          });
        }
      }
      throwsNaming(
        () => L.sequenceLossCells(loss, { labels: [...labels, "x"] }),
        "sequenceLossCells",
        "options.labels",
      );
      throwsNaming(
        () => L.sequenceLossCells(loss, { labels: labels.map((_, i) => i) as never }),
        "sequenceLossCells",
        "options.labels[0]",
      );
      throwsNaming(
        () => L.sequenceLossCells(loss, { label: labels } as never),
        "sequenceLossCells",
        "options.label",
      );
    }),
    { numRuns: 20 },
  );
  throwsNaming(() => L.sequenceLossCells([[NaN]]), "sequenceLossCells", "perToken");
});

// ---------------------------------------------------------------------------------------------
// Graph losses.

const segments = fc.integer({ min: 1, max: 6 }).chain((k) =>
  fc.tuple(
    fc.constant(k),
    fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: 1, maxLength: 40 }).filter((ids) =>
      Array.from({ length: k }, (_, g) => ids.includes(g)).every(Boolean)
    ),
  ).chain(([k, ids]) =>
    fc.tuple(
      fc.constant(k),
      fc.constant(ids),
      fc.array(real(-100, 100), {
        minLength: ids.length,
        maxLength: ids.length,
      }),
    )
  )
);

prop(["segmentMeanLoss"], "segmentMeanLoss equals per-segment means by loops, at 1e6 too", () => {
  fc.assert(
    fc.property(segments, ([k, ids, values]) => {
      const sum = new Array(k).fill(0), count = new Array(k).fill(0);
      ids.forEach((g, j) => [sum[g], count[g]] = [sum[g] + values[j], count[g] + 1]);
      allClose(read(L.segmentMeanLoss(values, ids, k)), sum.map((s, g) => s / count[g]), 1e-5);
      throwsNaming(
        () => L.segmentMeanLoss(values, ids.map((g) => g + k), k),
        "segmentMeanLoss",
        "segmentIds",
      );
      throwsNaming(() => L.segmentMeanLoss(values, ids, k + 1), "segmentMeanLoss", "segmentIds");
      throwsNaming(
        () => L.segmentMeanLoss(values, ids.slice(1), k),
        "segmentMeanLoss",
        "segmentIds",
      );
      throwsNaming(() => L.segmentMeanLoss(values, ids, 0), "segmentMeanLoss", "numSegments");
    }),
    { numRuns: 30 },
  );
  fc.assert(
    fc.property(segments, nonFinite, fc.nat(), ([k, ids, values], bad, at) => {
      const v = values.slice();
      v[at % v.length] = bad;
      throwsNaming(() => L.segmentMeanLoss(v, ids, k), "segmentMeanLoss", "values");
    }),
    { numRuns: 10 },
  );
  // A million nodes in two graphs: no spread into a call, no stack overflow.
  const n = 1_000_000;
  const ids = new Array<number>(n).fill(0);
  ids[n - 1] = 1;
  const values = new Array<number>(n).fill(2);
  values[n - 1] = 5;
  assert.deepEqual(read(L.segmentMeanLoss(values, ids, 2)), [2, 5]);
});

/** Ego networks by a plain breadth-first search. */
function egoReference(
  numNodes: number,
  edges: [number, number][],
  centers: number[],
  hops: number,
) {
  const adj: Set<number>[] = Array.from({ length: numNodes }, () => new Set());
  for (const [s, t] of edges) {
    if (s !== t) {
      adj[s].add(t);
      adj[t].add(s);
    }
  }
  const nodes: number[] = [], segmentIds: number[] = [], sizes: number[] = [];
  centers.forEach((c, g) => {
    const dist = new Map([[c, 0]]);
    const queue = [c];
    while (queue.length > 0) {
      const u = queue.shift()!;
      if (dist.get(u)! >= hops) continue;
      for (const v of adj[u]) {
        if (!dist.has(v)) {
          dist.set(v, dist.get(u)! + 1);
          queue.push(v);
        }
      }
    }
    const members = [...dist.keys()].sort((a, b) => a - b);
    for (const v of members) {
      nodes.push(v);
      segmentIds.push(g);
    }
    sizes.push(members.length);
  });
  return { centers, nodes, segmentIds, sizes };
}

const graphs = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 20 }),
    fc.array(fc.nat(n - 1), { minLength: 1, maxLength: 5 }),
    fc.integer({ min: 0, max: 3 }),
    fc.array(real(-10, 10), { minLength: n, maxLength: n }),
  )
);

prop(
  ["egoNetworks", "perGraphLoss"],
  "egoNetworks is a BFS; perGraphLoss the mean per graph",
  () => {
    fc.assert(
      fc.property(graphs, ([n, edges, centers, hops, perNode]) => {
        const want = egoReference(n, edges, centers, hops);
        const batch = L.egoNetworks(n, edges, centers, { hops });
        assert.deepEqual(batch, want);
        const means = want.sizes.map(() => 0);
        want.nodes.forEach((v, j) => (means[want.segmentIds[j]] += perNode[v]));
        allClose(
          read(L.perGraphLoss(perNode, batch)),
          means.map((s, g) => s / want.sizes[g]),
          1e-5,
        );
        throwsNaming(() => L.egoNetworks(n, edges, [...centers, n]), "egoNetworks", "centers");
        throwsNaming(
          () => L.egoNetworks(n, edges, centers, { hops: -1 }),
          "egoNetworks",
          "options.hops",
        );
        throwsNaming(() => L.egoNetworks(n, [...edges, [0, n]], centers), "egoNetworks", "edges");
        throwsNaming(
          () => L.perGraphLoss(perNode, { ...batch, nodes: batch.nodes.map(() => n) }),
          "perGraphLoss",
          "batch.nodes",
        );
        throwsNaming(
          () => L.perGraphLoss(perNode, { ...batch, segmentIds: batch.segmentIds.slice(1) }),
          "perGraphLoss",
          "batch.segmentIds",
        );
        throwsNaming(
          () => L.perGraphLoss(perNode, { ...batch, centers: [...batch.centers, 0] }),
          "perGraphLoss",
          "batch.segmentIds",
        );
      }),
      { numRuns: 30 },
    );
    fc.assert(
      fc.property(graphs, nonFinite, ([n, edges, centers, , perNode], bad) => {
        const batch = L.egoNetworks(n, edges, centers);
        const v = perNode.slice();
        v[batch.nodes[0]] = bad;
        throwsNaming(() => L.perGraphLoss(v, batch), "perGraphLoss", "perNode");
      }),
      { numRuns: 10 },
    );
    fc.assert(
      fc.property(graphs, unknownKey(["hops"]), ([n, edges, centers], k) => {
        throwsNaming(
          () => L.egoNetworks(n, edges, centers, { [k]: 1 } as never),
          "egoNetworks",
          `options.${k}`,
        );
      }),
      { numRuns: 10 },
    );
    throwsNaming(() => L.egoNetworks(3, [], []), "egoNetworks", "centers");
    throwsNaming(() => L.perGraphLoss([1, 2], null as never), "perGraphLoss", "batch");
    // A star of a million leaves: one ego network of 1,000,001 nodes, stacked without a spread.
    const leaves = 1_000_000;
    const star: [number, number][] = Array.from({ length: leaves }, (_, i) => [0, i + 1]);
    const big = L.egoNetworks(leaves + 1, star, [0]);
    assert.equal(big.sizes[0], leaves + 1);
    assert.equal(big.nodes.length, leaves + 1);
    const ones = new Array<number>(leaves + 1).fill(1);
    assert.deepEqual(read(L.perGraphLoss(ones, big)), [1]);
  },
);

// ---------------------------------------------------------------------------------------------
// Batch views of a loss that returns one number: leave-one-out and prediction gradient norms.

prop(
  ["leaveOneOutContributions", "predictionGradientNorms"],
  "leave-one-out and gradient norms equal the closed forms for a mean and a ratio of sums",
  () => {
    const batches = fc.record({
      n: fc.integer({ min: 2, max: 8 }),
      d: fc.integer({ min: 1, max: 3 }),
    })
      .chain(({ n, d }) => fc.tuple(matrix(n, d, 1, 5), matrix(n, d, 1, 5)));
    const mse = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(p, t)));
    const ratio = (t: tf.Tensor, p: tf.Tensor) => tf.div(tf.sum(p), tf.sum(t));
    fc.assert(
      fc.property(batches, ([t, p]) => {
        const n = t.length, d = t[0].length;
        const rowSq = t.map((r, i) => r.reduce((s, x, j) => s + (p[i][j] - x) ** 2, 0));
        const rowT = t.map((r) => r.reduce((a, b) => a + b, 0));
        const rowP = p.map((r) => r.reduce((a, b) => a + b, 0));
        const sq = rowSq.reduce((a, b) => a + b, 0);
        const sT = rowT.reduce((a, b) => a + b, 0), sP = rowP.reduce((a, b) => a + b, 0);
        const looMse = rowSq.map((r) => sq / (n * d) - (sq - r) / ((n - 1) * d));
        allClose(read(L.leaveOneOutContributions(mse, t, p)), looMse, 1e-3);
        const looRatio = rowT.map((r, i) => sP / sT - (sP - rowP[i]) / (sT - r));
        allClose(read(L.leaveOneOutContributions(ratio, t, p)), looRatio, 1e-3);
        // ∂/∂p_ij of Σ(p − t)² / (n·d) is 2(p_ij − t_ij)/(n·d); of Σp / Σt it is 1 / Σt.
        const gradMse = rowSq.map((r) => (2 * Math.sqrt(r)) / (n * d));
        allClose(read(L.predictionGradientNorms(mse, t, p)), gradMse, 1e-3);
        allClose(
          read(L.predictionGradientNorms(ratio, t, p)),
          t.map(() => Math.sqrt(d) / sT),
          1e-3,
        );
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(batches, nonFinite, fc.nat(), ([t, p], bad, at) => {
        throwsNaming(
          () => L.leaveOneOutContributions(mse, t, spoil(p, bad, at)),
          "leaveOneOutContributions",
          "yPred",
        );
        throwsNaming(
          () => L.predictionGradientNorms(mse, spoil(t, bad, at), p),
          "predictionGradientNorms",
          "yTrue",
        );
      }),
      { numRuns: 10 },
    );
    fc.assert(
      fc.property(batches, ([t, p]) => {
        throwsNaming(
          () => L.leaveOneOutContributions(mse, t, p.slice(1)),
          "leaveOneOutContributions",
          "yPred",
        );
        throwsNaming(
          () => L.predictionGradientNorms(5 as never, t, p),
          "predictionGradientNorms",
          "loss",
        );
        const nan = (a: tf.Tensor, b: tf.Tensor) => tf.mul(mse(a, b), NaN);
        throwsNaming(
          () => L.leaveOneOutContributions(nan, t, p),
          "leaveOneOutContributions",
          "loss",
        );
        throwsNaming(() => L.predictionGradientNorms(nan, t, p), "predictionGradientNorms", "loss");
        // A value not computed from yPred has no gradient with respect to it.
        throwsNaming(
          () => L.predictionGradientNorms((a) => tf.sum(a), t, p),
          "predictionGradientNorms",
          "loss",
        );
      }),
      { numRuns: 5 },
    );
    throwsNaming(
      () => L.leaveOneOutContributions(mse, [[1]], [[2]]),
      "leaveOneOutContributions",
      "yPred",
    );
  },
);

// ---------------------------------------------------------------------------------------------
// inspectLoss on generated probes: the kind, the values and what a NaN does.

prop(
  ["inspectLoss"],
  "inspectLoss reports a per-sample MSE, its batch mean and sum, and NaNs",
  () => {
    const probes = fc.record({
      n: fc.integer({ min: 2, max: 6 }),
      k: fc.integer({ min: 1, max: 3 }),
    })
      .chain(({ n, k }) => fc.tuple(matrix(n, k, -2, 2), matrix(n, k, -2, 2)));
    const perSample = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.square(tf.sub(t, p)), -1);
    fc.assert(
      fc.property(probes, ([yTrue, yPred]) => {
        const rows = yTrue.map((r, i) =>
          r.reduce((s, x, j) => s + (x - yPred[i][j]) ** 2, 0) / r.length
        );
        const mean = rows.reduce((a, b) => a + b, 0) / rows.length;
        const r = L.inspectLoss(perSample, { yTrue, yPred });
        assert.equal(r.kind, "per-sample");
        assert.equal(r.coupling, "independent");
        assert.equal(r.nonFiniteValues, 0);
        assert.ok(close(r.unweightedLoss, mean, 1e-5));
        assert.ok(close(r.sample0Loss ?? NaN, rows[0], 1e-5));
        allClose(r.singleSampleLosses ?? [], rows, 1e-5);
        const m = L.inspectLoss((t, p) => tf.mean(perSample(t, p)), { yTrue, yPred });
        assert.equal(m.kind, "scalar");
        assert.equal(m.coupling, "independent");
        // A batch whose samples all have the same loss is its own mean and, for n = 1, its sum;
        // otherwise the mean is told apart from the sum.
        assert.equal(m.batchOfSingles, "mean");
        const s = L.inspectLoss((t, p) => tf.sum(perSample(t, p)), { yTrue, yPred });
        assert.equal(s.batchOfSingles, mean === 0 ? "mean" : "sum");
        assert.ok(close(s.unweightedLoss, mean * rows.length, 1e-5));
      }),
      { numRuns: 15 },
    );
    // log(p − c) is NaN (or −Infinity) exactly for the rows whose first prediction is <= c.
    fc.assert(
      fc.property(probes, real(-1, 1), ([yTrue, yPred], c) => {
        // Away from c, float32 rounding cannot flip the sign of p − c.
        fc.pre(yPred.every((r) => Math.abs(r[0] - c) > 1e-4));
        const bad: number[] = [];
        yPred.forEach((r, i) => {
          if (r[0] - c < 0) bad.push(i);
        });
        const fn = (_t: tf.Tensor, p: tf.Tensor) =>
          tf.log(tf.sub(tf.reshape(tf.slice(p, [0, 0], [-1, 1]), [-1]), c));
        const r = L.inspectLoss(fn, { yTrue, yPred });
        assert.equal(r.nonFiniteValues, bad.length);
        if (bad.length > 0) {
          assert.deepEqual(r.nonFiniteSamples, bad);
          assert.equal(r.coupling, null);
          assert.match(r.message, /NaN/);
        } else {
          assert.deepEqual(r.nonFiniteSamples, []);
        }
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(probes, nonFinite, fc.nat(), ([yTrue, yPred], bad, at) => {
        throwsNaming(
          () => L.inspectLoss(perSample, { yTrue, yPred: spoil(yPred, bad, at) }),
          "inspectLoss",
          "options.yPred",
        );
      }),
      { numRuns: 10 },
    );
    fc.assert(
      fc.property(probes, unknownKey(["yTrue", "yPred"]), ([yTrue, yPred], k) => {
        throwsNaming(
          () => L.inspectLoss(perSample, { yTrue, yPred, [k]: 1 } as never),
          "inspectLoss",
          `options.${k}`,
        );
      }),
      { numRuns: 10 },
    );
    throwsNaming(() => L.inspectLoss(5 as never), "inspectLoss", "fn");
    throwsNaming(
      () => L.inspectLoss(perSample, { yTrue: [[1], [2]], yPred: [[1]] }),
      "inspectLoss",
      "yPred",
    );
    throwsNaming(() => L.inspectLoss(() => 3 as never), "inspectLoss", "fn");
  },
);
