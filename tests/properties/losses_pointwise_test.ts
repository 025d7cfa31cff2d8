/**
 * Properties of the pointwise losses, the reductions and the weighting in lib/losses: generated
 * valid input gives what a plain loop computes from Keras's formulas (with its ε = 1e-7 clipping,
 * and float32 rounding applied to the inputs and to the subtractions from 1 where tfjs computes in
 * float32); generated invalid input gives an Error naming the function and the argument; no
 * tensor is left either way.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, nonFinite, prop, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import * as L from "../../lib/mod.ts";

await L.setupBackend({ backend: "cpu", seed: 0 });

// ---------------------------------------------------------------------------------------------
// Plain-number references and helpers.

/** Keras's `backend.epsilon()`, written down independently of the library's constant. */
const KERAS_EPSILON = 1e-7;
const f32 = Math.fround;
/** The clip bounds as float32, as tfjs holds them. */
const LO = f32(KERAS_EPSILON), HI = f32(1 - KERAS_EPSILON);
const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);

type Matrix = number[][];
type Options = Record<string, unknown>;

/** Float32 tolerance: 1e-4 relative, or absolute below 1. */
function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    assert.ok(
      Number.isFinite(a) && Math.abs(a - e) <= 1e-4 * Math.max(1, Math.abs(e)),
      `${what}[${i}]: got ${a}, expected ${e}`,
    );
  }
}

/** The values of a result tensor, which is then disposed. */
function read(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** Runs `f` on the inputs as arrays, or as tensors made and disposed here. */
function withInputs<T>(asTensors: boolean, inputs: Matrix[], f: (...x: L.TensorInput[]) => T): T {
  if (!asTensors) return f(...inputs);
  const ts = inputs.map((m) => tf.tensor2d(m));
  try {
    return f(...ts);
  } finally {
    tf.dispose(ts);
  }
}

const matrix = (b: number, k: number, values: fc.Arbitrary<number>) =>
  fc.array(fc.array(values, { minLength: k, maxLength: k }), { minLength: b, maxLength: b });

/** `[b, k]` yTrue and yPred with b in [1, 5] and k in [minK, 4]. */
const pairOf = (t: fc.Arbitrary<number>, p: fc.Arbitrary<number>, minK = 1) =>
  fc.integer({ min: 1, max: 5 }).chain((b) =>
    fc.integer({ min: minK, max: 4 }).chain((k) => fc.tuple(matrix(b, k, t), matrix(b, k, p)))
  );

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const binary = fc.constantFrom(0, 1);
const moderate = fc.double({ min: -10, max: 10, noNaN: true });
const logit = fc.double({ min: -30, max: 30, noNaN: true });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
/** Numbers outside [0, 1], non-finite ones included. */
const notFraction = fc.oneof(
  fc.double({ min: 1.000001, max: 100, noNaN: true }),
  fc.double({ min: -100, max: -1e-6, noNaN: true }),
  nonFinite,
);
/** An option key that is not one of `allowed`. */
const unknownKey = (allowed: string[]) =>
  fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !allowed.includes(k));

/** One row with at least one positive entry (a distribution to renormalise). */
const positiveRows = (m: Matrix) =>
  m.map((r) => (sum(r.map(f32)) > 0 ? r : r.map((_, j) => (j ? 0 : 1))));

/** One-hot rows from labels. */
const oneHot = (labels: number[], k: number) =>
  labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));

/** The binary cross-entropy of one element after Keras's clip, in float32 where it cancels. */
function bceElement(t: number, p: number): number {
  const pc = clip(f32(p), LO, HI);
  return -(t * Math.log(pc) + (1 - t) * Math.log(f32(1 - pc)));
}

const smoothBinary = (t: number, s: number) => t * (1 - s) + 0.5 * s;
const smoothCategorical = (t: number, s: number, k: number) => t * (1 - s) + s / k;
const sigmoid = (x: number) => f32(1 / (1 + Math.exp(-f32(x))));

function logSoftmax(x: number[]): number[] {
  let m = -Infinity;
  for (const v of x) m = Math.max(m, v);
  let s = 0;
  for (const v of x) s += Math.exp(v - m);
  return x.map((v) => v - m - Math.log(s));
}

/** Keras renormalises a probability row, then clips it. */
function renormalizeClip(p: number[]): number[] {
  const total = f32(sum(p.map(f32)));
  return p.map((v) => clip(f32(f32(v) / total), LO, HI));
}

/** Checks the generic bad inputs every pointwise loss refuses, naming the argument. */
function refusesBadPairs(
  fn: string,
  loss: (t: L.TensorInput, p: L.TensorInput) => tf.Tensor,
  valid: fc.Arbitrary<[Matrix, Matrix]>,
): void {
  fc.assert(
    fc.property(valid, nonFinite, fc.nat(), fc.boolean(), ([t, p], bad, at, inTrue) => {
      const m = (inTrue ? t : p).map((r) => r.slice());
      const k = m[0].length;
      const i = at % (m.length * k);
      m[Math.floor(i / k)][i % k] = bad;
      const arg = inTrue ? "yTrue" : "yPred";
      throwsNaming(() => (inTrue ? loss(m, p) : loss(t, m)), fn, arg);
    }),
    { numRuns: 15 },
  );
  fc.assert(
    fc.property(valid, ([t, p]) => {
      throwsNaming(() => loss(t, p.map((r) => [...r, 0.5])), fn, "yPred");
      throwsNaming(() => loss(t.slice(0, -1).concat([t[0], t[0]]), p), fn, "yTrue");
    }),
    { numRuns: 10 },
  );
  throwsNaming(() => loss([], []), fn, "yPred");
  throwsNaming(() => loss(0, 0), fn, "yPred");
  throwsNaming(() => loss([[0, 1]], "x" as never), fn, "yPred");
  throwsNaming(() => loss(null as never, [[0, 1]]), fn, "yTrue");
  const gone = tf.tensor2d([[0.5, 0.5]]);
  gone.dispose();
  throwsNaming(() => loss([[0, 1]], gone), fn, "yPred");
}

/** Unknown option keys, and options that are not an object, are refused by name. */
function refusesBadOptions(
  fn: string,
  call: (options: Options) => unknown,
  allowed: string[],
): void {
  fc.assert(
    fc.property(unknownKey(allowed), (key) => {
      throwsNaming(() => call({ [key]: 1 }), fn, `options.${key}`);
    }),
    { numRuns: 10 },
  );
  throwsNaming(() => call(5 as never), fn, "options");
  throwsNaming(() => call(null as never), fn, "options");
}

// ---------------------------------------------------------------------------------------------
// Regression losses.

type Pointwise = (t: L.TensorInput, p: L.TensorInput) => tf.Tensor;
const regressionCases: [string, Pointwise, (t: number[], p: number[]) => number][] = [
  ["meanSquaredError", L.meanSquaredError, (t, p) => mean(t.map((x, j) => (x - p[j]) ** 2))],
  ["meanAbsoluteError", L.meanAbsoluteError, (t, p) => mean(t.map((x, j) => Math.abs(x - p[j])))],
  [
    "meanAbsolutePercentageError",
    L.meanAbsolutePercentageError,
    (t, p) => 100 * mean(t.map((x, j) => Math.abs(x - p[j]) / Math.max(Math.abs(f32(x)), LO))),
  ],
  [
    "meanSquaredLogarithmicError",
    L.meanSquaredLogarithmicError,
    (t, p) =>
      mean(t.map((x, j) => (Math.log1p(Math.max(p[j], LO)) - Math.log1p(Math.max(x, LO))) ** 2)),
  ],
  ["logCosh", L.logCosh, (t, p) => mean(t.map((x, j) => Math.log(Math.cosh(p[j] - x))))],
];

prop(
  [
    "meanSquaredError",
    "meanAbsoluteError",
    "meanAbsolutePercentageError",
    "meanSquaredLogarithmicError",
    "logCosh",
  ],
  "regression losses equal Keras's per-sample formulas; bad pairs refused by name",
  () => {
    const valid = pairOf(moderate, moderate);
    for (const [fn, loss, reference] of regressionCases) {
      fc.assert(
        fc.property(valid, fc.boolean(), ([t, p], asTensors) => {
          const got = withInputs(asTensors, [t, p], (a, b) => read(loss(a, b)));
          const t32 = t.map((r) => r.map(f32)), p32 = p.map((r) => r.map(f32));
          assertClose(got, t32.map((r, i) => reference(r, p32[i])), fn);
        }),
        { numRuns: 25 },
      );
      refusesBadPairs(fn, loss, valid);
    }
  },
);

prop(["huber"], "huber equals the piecewise formula for any delta > 0; bad delta refused", () => {
  const delta = fc.double({ min: 0.01, max: 10, noNaN: true });
  fc.assert(fc.property(pairOf(moderate, moderate), delta, ([t, p], d) => {
    const dd = f32(d);
    const want = t.map((r, i) =>
      mean(r.map((x, j) => {
        const e = Math.abs(f32(p[i][j]) - f32(x));
        return e <= dd ? 0.5 * e * e : dd * e - 0.5 * dd * dd;
      }))
    );
    assertClose(read(L.huber(t, p, { delta: d })), want, "huber");
  }));
  const bad = fc.oneof(fc.double({ min: -10, max: 0, noNaN: true }), nonFinite);
  fc.assert(fc.property(bad, (d) => {
    throwsNaming(() => L.huber([[0]], [[1]], { delta: d }), "huber", "options.delta");
  }));
  throwsNaming(() => L.huber([[0]], [[1]], { delta: "1" } as never), "huber", "options.delta");
  refusesBadPairs("huber", L.huber, pairOf(moderate, moderate));
  refusesBadOptions("huber", (o) => L.huber([[0]], [[1]], o), ["delta"]);
});

// ---------------------------------------------------------------------------------------------
// Margin losses.

prop(
  ["hinge", "squaredHinge", "categoricalHinge"],
  "hinge losses equal Keras's formulas, with 0/1 labels mapped to -1/+1 only when all are 0/1",
  () => {
    const labels = fc.oneof(fc.constantFrom(-1, 1), binary, moderate);
    fc.assert(fc.property(pairOf(labels, moderate), ([t, p]) => {
      // Decided on the float32 labels, as the tensors hold them (a subnormal label is 0 there).
      const allBinary = t.every((r) => r.every((x) => f32(x) === 0 || f32(x) === 1));
      const y = t.map((r) => r.map((x) => (allBinary ? 2 * x - 1 : f32(x))));
      const margin = (i: number, j: number) => Math.max(1 - y[i][j] * f32(p[i][j]), 0);
      assertClose(read(L.hinge(t, p)), y.map((r, i) => mean(r.map((_, j) => margin(i, j)))), "h");
      assertClose(
        read(L.squaredHinge(t, p)),
        y.map((r, i) => mean(r.map((_, j) => margin(i, j) ** 2))),
        "squaredHinge",
      );
    }));
    fc.assert(fc.property(pairOf(binary, moderate), ([t, p]) => {
      const want = t.map((r, i) => {
        let pos = 0, neg = -Infinity;
        r.forEach((x, j) => {
          pos += x * f32(p[i][j]);
          neg = Math.max(neg, (1 - x) * f32(p[i][j]));
        });
        return Math.max(neg - pos + 1, 0);
      });
      assertClose(read(L.categoricalHinge(t, p)), want, "categoricalHinge");
    }));
    refusesBadPairs("hinge", L.hinge, pairOf(binary, moderate));
    refusesBadPairs("squaredHinge", L.squaredHinge, pairOf(binary, moderate));
    refusesBadPairs("categoricalHinge", L.categoricalHinge, pairOf(binary, moderate));
  },
);

prop(["cosineSimilarity"], "cosineSimilarity is minus the cosine along the axis", () => {
  const axes = fc.constantFrom(-2, -1, 0, 1);
  fc.assert(fc.property(pairOf(moderate, moderate), axes, ([t, p], axis) => {
    const a = axis < 0 ? axis + 2 : axis;
    const b = t.length, k = t[0].length;
    const outer = a === 1 ? b : k, inner = a === 1 ? k : b;
    const at = (m: Matrix, o: number, n: number) => f32(a === 1 ? m[o][n] : m[n][o]);
    const want: number[] = [];
    for (let o = 0; o < outer; o++) {
      let tt = 0, pp = 0, tp = 0;
      for (let n = 0; n < inner; n++) {
        tt += at(t, o, n) ** 2;
        pp += at(p, o, n) ** 2;
        tp += at(t, o, n) * at(p, o, n);
      }
      // Norms floored at √1e-12, as tf.math.l2_normalize does.
      want.push(-tp / (Math.sqrt(Math.max(tt, 1e-12)) * Math.sqrt(Math.max(pp, 1e-12))));
    }
    assertClose(read(L.cosineSimilarity(t, p, { axis })), want, "cosineSimilarity");
  }));
  fc.assert(fc.property(fc.integer({ min: -20, max: 20 }), (axis) => {
    fc.pre(axis < -2 || axis > 1);
    throwsNaming(
      () => L.cosineSimilarity([[0, 1]], [[1, 0]], { axis }),
      "cosineSimilarity",
      "options.axis",
    );
  }));
  throwsNaming(
    () => L.cosineSimilarity([[0, 1]], [[1, 0]], { axis: 0.5 }),
    "cosineSimilarity",
    "options.axis",
  );
  refusesBadPairs("cosineSimilarity", L.cosineSimilarity, pairOf(moderate, moderate));
  refusesBadOptions("cosineSimilarity", (o) => L.cosineSimilarity([[1]], [[1]], o), ["axis"]);
});

// ---------------------------------------------------------------------------------------------
// Probabilistic losses.

prop(
  ["binaryCrossentropy"],
  "binaryCrossentropy equals Keras's clipped formula (and the stable logit form)",
  () => {
    fc.assert(
      fc.property(pairOf(unit, unit), fraction, fc.boolean(), ([t, p], s, asTensors) => {
        const want = t.map((r, i) =>
          mean(r.map((x, j) => bceElement(smoothBinary(f32(x), s), p[i][j])))
        );
        const got = withInputs(
          asTensors,
          [t, p],
          (a, b) => read(L.binaryCrossentropy(a, b, { labelSmoothing: s })),
        );
        assertClose(got, want, "binaryCrossentropy");
      }),
    );
    fc.assert(fc.property(pairOf(unit, logit), fraction, ([t, x], s) => {
      const want = t.map((r, i) =>
        mean(r.map((y0, j) => {
          const y = smoothBinary(f32(y0), s), v = f32(x[i][j]);
          return Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
        }))
      );
      const got = read(L.binaryCrossentropy(t, x, { fromLogits: true, labelSmoothing: s }));
      assertClose(got, want, "binaryCrossentropy (logits)");
    }));
    // Probabilities outside [0, 1], as arrays or tensors, are refused by name.
    fc.assert(
      fc.property(pairOf(unit, unit), notFraction, fc.nat(), fc.boolean(), ([t, p], v, at, tn) => {
        fc.pre(Number.isFinite(v));
        const m = p.map((r) => r.slice());
        const k = m[0].length, i = at % (m.length * k);
        m[Math.floor(i / k)][i % k] = v;
        withInputs(tn, [t, m], (a, b) => {
          throwsNaming(() => L.binaryCrossentropy(a, b), "binaryCrossentropy", "yPred");
        });
        withInputs(tn, [m, p], (a, b) => {
          throwsNaming(() => L.binaryCrossentropy(a, b), "binaryCrossentropy", "yTrue");
        });
      }),
      { numRuns: 20 },
    );
    fc.assert(fc.property(notFraction, (s) => {
      throwsNaming(
        () => L.binaryCrossentropy([[1]], [[0.5]], { labelSmoothing: s }),
        "binaryCrossentropy",
        "options.labelSmoothing",
      );
    }));
    throwsNaming(
      () => L.binaryCrossentropy([[1]], [[0.5]], { fromLogits: 1 } as never),
      "binaryCrossentropy",
      "options.fromLogits",
    );
    refusesBadPairs("binaryCrossentropy", L.binaryCrossentropy, pairOf(unit, unit));
    refusesBadOptions(
      "binaryCrossentropy",
      (o) => L.binaryCrossentropy([[1]], [[0.5]], o),
      ["fromLogits", "labelSmoothing"],
    );
  },
);

prop(["binaryFocalCrossentropy"], "binaryFocalCrossentropy equals Keras's focal formula", () => {
  const options = fc.record({
    gamma: fc.double({ min: 0, max: 5, noNaN: true }),
    alpha: fraction,
    applyClassBalancing: fc.boolean(),
    fromLogits: fc.boolean(),
    labelSmoothing: fc.constantFrom(0, 0.1, 0.5),
  });
  fc.assert(fc.property(pairOf(binary, unit), options, ([t, p0], o) => {
    const p = o.fromLogits ? p0.map((r) => r.map((v) => 20 * v - 10)) : p0;
    const want = t.map((r, i) =>
      mean(r.map((y0, j) => {
        const y = f32(smoothBinary(y0, o.labelSmoothing));
        const q = o.fromLogits ? sigmoid(p[i][j]) : f32(p[i][j]);
        const pT = f32(f32(y * q) + f32(f32(1 - y) * f32(1 - q)));
        let v = f32(1 - pT) ** f32(o.gamma) * bceElement(y, q);
        if (o.applyClassBalancing) v *= y * o.alpha + (1 - y) * (1 - o.alpha);
        return v;
      }))
    );
    assertClose(read(L.binaryFocalCrossentropy(t, p, o)), want, "binaryFocalCrossentropy");
  }));
  // gamma 0 without balancing is plain binary cross-entropy: two methods agree.
  fc.assert(fc.property(pairOf(unit, unit), ([t, p]) => {
    assertClose(
      read(L.binaryFocalCrossentropy(t, p, { gamma: 0 })),
      read(L.binaryCrossentropy(t, p)),
      "gamma 0",
    );
  }));
  const fn = "binaryFocalCrossentropy";
  const call = (o: Options) => L.binaryFocalCrossentropy([[1]], [[0.5]], o);
  fc.assert(fc.property(notFraction, (a) => throwsNaming(() => call({ alpha: a }), fn, "alpha")));
  fc.assert(
    fc.property(fc.oneof(fc.double({ min: -5, max: -1e-6, noNaN: true }), nonFinite), (g) => {
      throwsNaming(() => call({ gamma: g }), fn, "options.gamma");
    }),
  );
  throwsNaming(() => call({ applyClassBalancing: "yes" }), fn, "options.applyClassBalancing");
  refusesBadPairs(fn, L.binaryFocalCrossentropy, pairOf(binary, unit));
  refusesBadOptions(fn, call, [
    "fromLogits",
    "labelSmoothing",
    "gamma",
    "alpha",
    "applyClassBalancing",
  ]);
});

prop(
  ["categoricalCrossentropy", "sparseCategoricalCrossentropy"],
  "categorical cross-entropies equal Keras's renormalise-and-clip formula; sparse agrees",
  () => {
    const labelled = fc.integer({ min: 1, max: 5 }).chain((b) =>
      fc.integer({ min: 2, max: 4 }).chain((k) =>
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: b, maxLength: b }),
          matrix(b, k, unit).map(positiveRows),
          matrix(b, k, logit),
        )
      )
    );
    fc.assert(
      fc.property(labelled, fraction, fc.boolean(), ([labels, p, x], s, asTensors) => {
        const k = p[0].length, t = oneHot(labels, k);
        // Probabilities: renormalised, clipped, -Σ t·log q.
        const want = p.map((row, i) => {
          const q = renormalizeClip(row);
          return -sum(t[i].map((y, j) => smoothCategorical(y, s, k) * Math.log(q[j])));
        });
        const got = withInputs(
          asTensors,
          [t, p],
          (a, b) => read(L.categoricalCrossentropy(a, b, { labelSmoothing: s })),
        );
        assertClose(got, want, "categoricalCrossentropy");
        // Logits: -Σ t·logSoftmax(x).
        const wantLogits = x.map((row, i) => {
          const ls = logSoftmax(row.map(f32));
          return -sum(t[i].map((y, j) => smoothCategorical(y, s, k) * ls[j]));
        });
        const opts = { fromLogits: true, labelSmoothing: s };
        assertClose(read(L.categoricalCrossentropy(t, x, opts)), wantLogits, "cce (logits)");
        // Sparse, probabilities: logsumexp(log clip p) - log clip p[label].
        const wantSparse = p.map((row, i) => {
          const c = row.map((v) => clip(f32(v), LO, HI));
          return Math.log(sum(c)) - Math.log(c[labels[i]]);
        });
        const column = labels.map((l) => [l]);
        const gotSparse = asTensors
          ? withInputs(true, [column, p], (a, b) => read(L.sparseCategoricalCrossentropy(a, b)))
          : read(L.sparseCategoricalCrossentropy(labels, p));
        assertClose(gotSparse, wantSparse, "sparseCategoricalCrossentropy");
        // Logits: sparse and one-hot categorical are two methods of one computation.
        assertClose(
          read(L.sparseCategoricalCrossentropy(labels, x, { fromLogits: true })),
          read(L.categoricalCrossentropy(t, x, { fromLogits: true })),
          "sparse vs one-hot (logits)",
        );
      }),
    );
    // Labels out of [0, k), fractional or non-finite: refused by name, as arrays or tensors.
    const badLabel = fc.oneof(
      fc.integer({ min: 3, max: 50 }),
      fc.integer({ min: -50, max: -1 }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      nonFinite,
    );
    fc.assert(fc.property(badLabel, fc.boolean(), (bad, asTensor) => {
      const p = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]];
      const fn = "sparseCategoricalCrossentropy";
      if (!asTensor) throwsNaming(() => L.sparseCategoricalCrossentropy([1, bad], p), fn, "yTrue");
      else {
        const y = tf.tensor1d([1, bad]);
        throwsNaming(() => L.sparseCategoricalCrossentropy(y, p), fn, "yTrue");
        y.dispose();
      }
    }));
    const fn = "sparseCategoricalCrossentropy";
    throwsNaming(() => L.sparseCategoricalCrossentropy([1, 2, 0], [[0.5, 0.5]]), fn, "yTrue");
    throwsNaming(() => L.sparseCategoricalCrossentropy([1], [0.5, 0.5]), fn, "yPred");
    throwsNaming(() => L.sparseCategoricalCrossentropy([], [[]]), fn, "yPred");
    throwsNaming(() => L.sparseCategoricalCrossentropy([0], [[NaN, 1]]), fn, "yPred");
    throwsNaming(() => L.sparseCategoricalCrossentropy([0], [[1.5, 0]]), fn, "yPred");
    refusesBadOptions(
      fn,
      (o) => L.sparseCategoricalCrossentropy([0], [[0.5, 0.5]], o),
      ["fromLogits"],
    );
    const cce = "categoricalCrossentropy";
    throwsNaming(() => L.categoricalCrossentropy([[0, 1]], [[0, 0]]), cce, "yPred[0]");
    refusesBadPairs(cce, L.categoricalCrossentropy, pairOf(binary, unit, 2));
    refusesBadOptions(
      cce,
      (o) => L.categoricalCrossentropy([[0, 1]], [[0.5, 0.5]], o),
      ["fromLogits", "labelSmoothing"],
    );
  },
);

prop(
  ["categoricalFocalCrossentropy"],
  "categoricalFocalCrossentropy equals Keras's Σ α(1 − q)^γ · (−t log q)",
  () => {
    const valid = fc.integer({ min: 1, max: 4 }).chain((b) =>
      fc.integer({ min: 2, max: 4 }).chain((k) =>
        fc.tuple(
          matrix(b, k, unit),
          matrix(b, k, unit).map(positiveRows),
          fc.oneof(
            fc.double({ min: 0, max: 2, noNaN: true }),
            fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: k, maxLength: k }),
          ),
        )
      )
    );
    const gamma = fc.double({ min: 0, max: 4, noNaN: true });
    fc.assert(
      fc.property(valid, gamma, fraction, fc.boolean(), ([t, p0, alpha], g, s, logits) => {
        const k = t[0].length;
        const p = logits ? p0.map((r) => r.map((v) => 10 * v - 5)) : p0;
        const want = p.map((row, i) => {
          let probs = row.map(f32);
          if (logits) probs = logSoftmax(probs).map((v) => f32(Math.exp(v)));
          const q = renormalizeClip(probs);
          return sum(q.map((qj, j) => {
            const a = typeof alpha === "number" ? alpha : alpha[j];
            const y = smoothCategorical(t[i][j], s, k);
            return a * f32(1 - qj) ** f32(g) * -y * Math.log(qj);
          }));
        });
        const got = read(
          L.categoricalFocalCrossentropy(t, p, {
            gamma: g,
            alpha,
            labelSmoothing: s,
            fromLogits: logits,
          }),
        );
        assertClose(got, want, "categoricalFocalCrossentropy");
      }),
    );
    const fn = "categoricalFocalCrossentropy";
    const call = (o: Options) => L.categoricalFocalCrossentropy([[0, 1]], [[0.4, 0.6]], o);
    fc.assert(fc.property(fc.integer({ min: 0, max: 6 }), (n) => {
      fc.pre(n !== 2);
      throwsNaming(() => call({ alpha: new Array(n).fill(0.5) }), fn, "options.alpha");
    }));
    fc.assert(fc.property(fc.oneof(fc.double({ max: -1e-6, noNaN: true }), nonFinite), (a) => {
      throwsNaming(() => call({ alpha: [1, a] }), fn, "options.alpha[1]");
      throwsNaming(() => call({ alpha: a }), fn, "options.alpha");
      throwsNaming(() => call({ gamma: a }), fn, "options.gamma");
    }));
    fc.assert(fc.property(notFraction, (s) => {
      throwsNaming(() => call({ labelSmoothing: s }), fn, "options.labelSmoothing");
    }));
    refusesBadPairs(fn, L.categoricalFocalCrossentropy, pairOf(binary, unit, 2));
    refusesBadOptions(fn, call, ["fromLogits", "labelSmoothing", "gamma", "alpha"]);
  },
);

prop(["klDivergence", "poisson"], "klDivergence and poisson equal Keras's formulas", () => {
  const anyish = fc.double({ min: -0.5, max: 1.5, noNaN: true });
  fc.assert(fc.property(pairOf(anyish, anyish), fc.boolean(), ([t, p], asTensors) => {
    const want = t.map((r, i) =>
      sum(r.map((x, j) => {
        const tc = clip(f32(x), LO, 1), pc = clip(f32(p[i][j]), LO, 1);
        return tc * Math.log(tc / pc);
      }))
    );
    const got = withInputs(asTensors, [t, p], (a, b) => read(L.klDivergence(a, b)));
    assertClose(got, want, "klDivergence");
  }));
  const count = fc.integer({ min: 0, max: 20 });
  const rate = fc.double({ min: 0, max: 20, noNaN: true });
  fc.assert(fc.property(pairOf(count, rate), fc.boolean(), ([t, p], asTensors) => {
    const want = t.map((r, i) =>
      mean(r.map((y, j) => f32(p[i][j]) - y * Math.log(f32(f32(p[i][j]) + KERAS_EPSILON))))
    );
    const got = withInputs(asTensors, [t, p], (a, b) => read(L.poisson(a, b)));
    assertClose(got, want, "poisson");
  }));
  // A negative count or rate is no Poisson input (a negative rate gives log of a negative).
  fc.assert(
    fc.property(
      pairOf(count, rate),
      fc.double({ min: -100, max: -1e-3, noNaN: true }),
      fc.boolean(),
      ([t, p], v, asTensors) => {
        const pBad = p.map((r, i) => (i === 0 ? [v, ...r.slice(1)] : r));
        withInputs(
          asTensors,
          [t, pBad],
          (a, b) => throwsNaming(() => L.poisson(a, b), "poisson", "yPred[0][0]"),
        );
        const tBad = t.map((r, i) => (i === 0 ? [v, ...r.slice(1)] : r));
        withInputs(
          asTensors,
          [tBad, p],
          (a, b) => throwsNaming(() => L.poisson(a, b), "poisson", "yTrue[0][0]"),
        );
      },
    ),
    { numRuns: 15 },
  );
  // Tensors too: klDivergence's clip would hide ±Infinity, so they are read back for it.
  fc.assert(fc.property(nonFinite, (bad) => {
    withInputs(true, [[[0.5, 0.5]], [[0.5, bad]]], (a, b) => {
      throwsNaming(() => L.klDivergence(a, b), "klDivergence", "yPred");
    });
  }));
  refusesBadPairs("klDivergence", L.klDivergence, pairOf(unit, unit));
  refusesBadPairs("poisson", L.poisson, pairOf(count, rate));
});

prop(["EPSILON"], "EPSILON is Keras's 1e-7 and is the clip the losses use", () => {
  assert.equal(L.EPSILON, KERAS_EPSILON);
  // The worst predictions (p = 1 for y = 0, p = 0 for y = 1) cost -log of the clip bounds.
  fc.assert(fc.property(fc.array(binary, { minLength: 1, maxLength: 8 }), (row) => {
    const p = row.map((y) => 1 - y);
    const bce = read(L.binaryCrossentropy([row], [p]))[0];
    const want = mean(row.map((y) => (y === 1 ? -Math.log(LO) : -Math.log(f32(1 - HI)))));
    assertClose([bce], [want], "bce at the clip");
    // MAPE divides by max(|y|, ε): a zero target costs 100·|p|/ε.
    const mape = read(L.meanAbsolutePercentageError([[0]], [[row.length]]))[0];
    assertClose([mape], [(100 * row.length) / LO], "mape at zero");
  }));
});

// ---------------------------------------------------------------------------------------------
// Reductions.

/** Keras's reduction of `values` (`[b]` or `[b, m]`) with weights broadcast from the batch axis. */
function reduceReference(
  values: Matrix | number[],
  weight: number | number[] | Matrix | undefined,
  reduction: string,
): number[] {
  const rows: Matrix = typeof values[0] === "number"
    ? (values as number[]).map((v) => [v])
    : values as Matrix;
  const w = (i: number, j: number) => {
    if (weight === undefined) return 1;
    if (typeof weight === "number") return weight;
    const wi = weight[i];
    return typeof wi === "number" ? wi : wi.length === 1 ? wi[0] : wi[j];
  };
  const weighted: number[] = [];
  let wsum = 0;
  rows.forEach((r, i) =>
    r.forEach((v, j) => {
      weighted.push(f32(f32(v) * f32(w(i, j)))); // float32 products, as tfjs multiplies
      wsum += f32(w(i, j));
    })
  );
  const total = sum(weighted);
  switch (reduction) {
    case "none":
      return weighted;
    case "sum":
      return [total];
    case "mean_with_sample_weight":
      return [wsum === 0 ? 0 : total / wsum];
    default:
      return [total / weighted.length];
  }
}

prop(
  ["reduceLoss", "REDUCTIONS"],
  "reduceLoss equals Keras's weighted reductions; REDUCTIONS is every name it accepts",
  () => {
    assert.deepEqual(
      [...L.REDUCTIONS].sort(),
      ["mean", "mean_with_sample_weight", "none", "sum", "sum_over_batch_size"],
    );
    const weight = fc.double({ min: 0, max: 5, noNaN: true });
    const case2d = fc.integer({ min: 1, max: 6 }).chain((b) =>
      fc.integer({ min: 1, max: 3 }).chain((m) =>
        fc.tuple(
          matrix(b, m, moderate),
          fc.oneof(
            fc.constant(undefined),
            weight,
            fc.array(weight, { minLength: b, maxLength: b }),
            matrix(b, m, weight),
          ),
        )
      )
    );
    const reduction = fc.constantFrom(...L.REDUCTIONS);
    fc.assert(fc.property(case2d, reduction, fc.boolean(), ([v, w], r, asTensor) => {
      const want = reduceReference(v, w, r);
      const got = withInputs(
        asTensor,
        [v],
        (values) => read(L.reduceLoss(values, { reduction: r, sampleWeight: w })),
      );
      assertClose(got, want, `reduceLoss ${r}`);
    }));
    // [batch] values take [batch, 1] weights too (Keras squeezes the trailing 1).
    const case1d = fc.integer({ min: 1, max: 8 }).chain((b) =>
      fc.tuple(
        fc.array(moderate, { minLength: b, maxLength: b }),
        matrix(b, 1, weight),
      )
    );
    fc.assert(fc.property(case1d, reduction, ([v, w], r) => {
      assertClose(
        read(L.reduceLoss(v, { reduction: r, sampleWeight: w })),
        reduceReference(v, w, r),
        `reduceLoss [b] ${r}`,
      );
    }));
    // Invalid: negative or non-finite weights, non-finite values, wrong weight shape, bad names.
    const fn = "reduceLoss";
    fc.assert(
      fc.property(
        case1d,
        fc.oneof(fc.double({ min: -10, max: -1e-6, noNaN: true }), nonFinite),
        fc.nat(),
        ([v, w], bad, at) => {
          const ws = w.map((r) => r[0]);
          ws[at % ws.length] = bad;
          throwsNaming(() => L.reduceLoss(v, { sampleWeight: ws }), fn, "options.sampleWeight");
          const vs = v.slice();
          vs[at % vs.length] = Number.isFinite(bad) ? NaN : bad;
          throwsNaming(() => L.reduceLoss(vs), fn, "values");
          throwsNaming(
            () => L.reduceLoss(v, { sampleWeight: [...ws.map(Math.abs), 1] }),
            fn,
            "options.sampleWeight",
          );
        },
      ),
      { numRuns: 20 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (name) => {
      fc.pre(!(L.REDUCTIONS as readonly string[]).includes(name));
      throwsNaming(() => L.reduceLoss([1], { reduction: name as never }), fn, "options.reduction");
    }));
    throwsNaming(() => L.reduceLoss([]), fn, "values");
    throwsNaming(() => L.reduceLoss("1" as never), fn, "values");
    refusesBadOptions(fn, (o) => L.reduceLoss([1], o), ["reduction", "sampleWeight"]);
  },
);

// ---------------------------------------------------------------------------------------------
// Robust reductions.

/** The mask by ranks (an independent formulation of "drop the largest, ties to lower index"). */
function maskReference(v: number[], method: "trimmed_mean" | "top_k", amount: number): number[] {
  const n = v.length;
  return v.map((x, i) => {
    let below = 0, above = 0;
    for (let j = 0; j < n; j++) {
      if (v[j] < x || (v[j] === x && j < i)) below++;
      if (v[j] > x || (v[j] === x && j < i)) above++;
    }
    return method === "trimmed_mean"
      ? (below < n - Math.floor(amount * n) ? 1 : 0)
      : (above < amount ? 1 : 0);
  });
}

const lossValues = fc.array(
  fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(1, 2)),
  {
    minLength: 1,
    maxLength: 30,
  },
);
const trimFraction = fc.double({ min: 0, max: 0.99, noNaN: true });

prop(
  ["keptMask", "robustMean"],
  "keptMask keeps by rank (ties to the lower index); robustMean is the kept mean",
  () => {
    fc.assert(
      fc.property(lossValues, trimFraction, fc.nat(), fc.boolean(), (v, trim, kk, top) => {
        const k = 1 + (kk % v.length);
        const options: L.RobustOptions = top
          ? { method: "top_k", k }
          : { method: "trimmed_mean", trim };
        const want = maskReference(v, options.method, top ? k : trim);
        assert.deepEqual(Array.from(L.keptMask(v, options)), want);
        let s = 0, c = 0;
        want.forEach((m, i) => {
          s += m * f32(v[i]);
          c += m;
        });
        assertClose(read(L.robustMean(v, options)), [s / c], "robustMean");
      }),
    );
    // The gradient flows only through the kept samples, 1 / kept each.
    fc.assert(
      fc.property(lossValues, fc.nat(), (v, kk) => {
        const k = 1 + (kk % v.length);
        const x = tf.tensor1d(v);
        const g = read(tf.grad((t) => L.robustMean(t, { method: "top_k", k }))(x));
        x.dispose();
        const mask = maskReference(v.map(f32), "top_k", k);
        assertClose(g, mask.map((m) => m / k), "robustMean gradient");
      }),
      { numRuns: 15 },
    );
    for (const fn of ["keptMask", "robustMean"] as const) {
      const call = (v: L.TensorInput, o: L.RobustOptions) =>
        fn === "keptMask" ? L.keptMask(v, o) : read(L.robustMean(v, o));
      fc.assert(
        fc.property(lossValues, nonFinite, fc.nat(), (v, bad, at) => {
          const w = v.slice();
          w[at % w.length] = bad;
          throwsNaming(() => call(w, { method: "top_k", k: 1 }), fn, "values");
        }),
        { numRuns: 15 },
      );
      fc.assert(
        fc.property(lossValues, fc.integer({ min: -5, max: 40 }), (v, k) => {
          fc.pre(k < 1 || k > v.length);
          throwsNaming(() => call(v, { method: "top_k", k }), fn, "options.k");
        }),
        { numRuns: 15 },
      );
      fc.assert(
        fc.property(
          fc.oneof(fc.double({ min: 1, max: 5 }), fc.double({ min: -5, max: -1e-6 }), nonFinite),
          (trim) => {
            throwsNaming(() => call([1, 2], { method: "trimmed_mean", trim }), fn, "options.trim");
          },
        ),
        { numRuns: 15 },
      );
      throwsNaming(() => call([], { method: "top_k", k: 1 }), fn, "values");
      throwsNaming(() => call([[1, 2]], { method: "top_k", k: 1 }), fn, "values");
      throwsNaming(() => call([1], { method: "median" } as never), fn, "options.method");
      throwsNaming(() => call([1], undefined as never), fn, "options");
      throwsNaming(
        () => call([1], { method: "trimmed_mean", trim: 0, k: 1 } as never),
        fn,
        "options.k",
      );
    }
  },
);

prop(
  ["trimmedMean", "topKMean"],
  "trimmedMean / topKMean reduce the weighted batch by the same ranks",
  () => {
    const batch = lossValues.chain((v) =>
      fc.tuple(
        fc.constant(v),
        fc.option(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), {
          minLength: v.length,
          maxLength: v.length,
        })),
      )
    );
    fc.assert(
      fc.property(batch, trimFraction, fc.integer({ min: 1, max: 40 }), ([v, w], trim, k) => {
        const weighted = v.map((x, i) => (w ? f32(f32(x) * f32(w[i])) : f32(x)));
        const keptMean = (mask: number[]) => {
          let s = 0, c = 0;
          mask.forEach((m, i) => {
            s += m * weighted[i];
            c += m;
          });
          return s / c;
        };
        const values = tf.tensor1d(v), weights = w ? tf.tensor1d(w) : null;
        try {
          assertClose(
            read(L.trimmedMean({ trim })(values, weights)),
            [keptMean(maskReference(weighted, "trimmed_mean", trim))],
            "trimmedMean",
          );
          assertClose(
            read(L.topKMean({ k })(values, weights)),
            [keptMean(maskReference(weighted, "top_k", Math.min(k, v.length)))],
            "topKMean",
          );
        } finally {
          tf.dispose(weights ? [values, weights] : [values]);
        }
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: 1, max: 5 }), fc.double({ min: -5, max: -1e-6 }), nonFinite),
        (t) => {
          throwsNaming(() => L.trimmedMean({ trim: t }), "trimmedMean", "options.trim");
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -5, max: 0 }), fc.double({ min: 0.1, max: 0.9 }), nonFinite),
        (k) => {
          throwsNaming(() => L.topKMean({ k }), "topKMean", "options.k");
        },
      ),
    );
    refusesBadOptions("trimmedMean", (o) => L.trimmedMean(o as never), ["trim"]);
    refusesBadOptions("topKMean", (o) => L.topKMean(o as never), ["k"]);
    // The returned reductions check their batch: negative weights, mismatched shapes, NaN losses.
    const values = tf.tensor1d([1, 2, 3]);
    const cases: [tf.Tensor, string][] = [
      [tf.tensor1d([1, -1, 1]), "sampleWeight"],
      [tf.tensor1d([1, NaN, 1]), "sampleWeight"],
      [tf.tensor1d([1, 1]), "sampleWeight"],
    ];
    for (const [w, arg] of cases) {
      throwsNaming(() => L.trimmedMean({ trim: 0.2 })(values, w), "trimmedMean", arg);
      throwsNaming(() => L.topKMean({ k: 1 })(values, w), "topKMean", arg);
    }
    const nan = tf.tensor1d([1, NaN]), grid = tf.tensor2d([[1, 2]]);
    throwsNaming(() => L.trimmedMean({ trim: 0.2 })(nan, null), "trimmedMean", "values");
    throwsNaming(() => L.topKMean({ k: 1 })(grid, null), "topKMean", "values");
    tf.dispose([values, nan, grid, ...cases.map((c) => c[0])]);
  },
);

// ---------------------------------------------------------------------------------------------
// Class weights.

/** Labels with every class of `[0, k)` present, k in [1, 5]. */
const classLabels = fc.integer({ min: 1, max: 5 }).chain((k) =>
  fc.tuple(
    fc.constant(k),
    fc.array(fc.integer({ min: 0, max: k - 1 }), { maxLength: 40 }).map((
      extra,
    ) => [...Array.from({ length: k }, (_, c) => c), ...extra]),
  )
);

prop(
  ["classWeights", "sampleWeightsFromClassWeights"],
  "classWeights equal scikit-learn's balanced and Cui et al.'s effective-number weights",
  () => {
    fc.assert(
      fc.property(
        classLabels,
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        ([k, labels], beta) => {
          const counts = new Array<number>(k).fill(0);
          for (const l of labels) counts[l]++;
          const n = labels.length;
          const balanced = counts.map((c) => n / (k * c));
          assertClose(L.classWeights(labels), balanced, "balanced");
          assertClose(
            L.classWeights(k > 1 ? oneHot(labels, k) : labels),
            balanced,
            "one-hot",
          );
          assertClose(L.classWeights(Int32Array.from(labels)), balanced, "typed array");
          const raw = counts.map((c) => (1 - beta) / (1 - beta ** c));
          const total = sum(raw);
          assertClose(
            L.classWeights(labels, { method: "effective_number", beta }),
            raw.map((r) => (r * k) / total),
            "effective_number",
          );
          const cw = balanced;
          assertClose(
            read(L.sampleWeightsFromClassWeights(labels, cw)),
            labels.map((l) => f32(cw[l])),
            "sampleWeightsFromClassWeights",
          );
        },
      ),
    );
    const fn = "classWeights";
    fc.assert(
      fc.property(
        classLabels,
        fc.oneof(fc.integer({ min: -9, max: -1 }), fc.double({ min: 0.1, max: 0.9 }), nonFinite),
        fc.nat(),
        ([, labels], bad, at) => {
          const l = labels.slice();
          l[at % l.length] = bad;
          throwsNaming(() => L.classWeights(l), fn, `labels[${at % l.length}]`);
          throwsNaming(
            () => L.sampleWeightsFromClassWeights(l, [1, 1, 1, 1, 1]),
            "sampleWeightsFromClassWeights",
            `labels[${at % l.length}]`,
          );
        },
      ),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(classLabels, ([k, labels]) => {
        // A class beyond numClasses, and a class with no samples, are refused.
        throwsNaming(() => L.classWeights(labels, { numClasses: k - 1 || 1.5 }), fn, "numClasses");
        throwsNaming(() => L.classWeights(labels, { numClasses: k + 1 }), fn, "labels");
        if (k > 1) {
          throwsNaming(
            () => L.sampleWeightsFromClassWeights(labels, new Array(k - 1).fill(1)),
            "sampleWeightsFromClassWeights",
            "labels",
          );
        }
      }),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -5, max: -1e-6 }), nonFinite),
        fc.nat({ max: 2 }),
        (bad, c) => {
          const cw = [1, 1, 1];
          cw[c] = bad;
          throwsNaming(
            () => L.sampleWeightsFromClassWeights([0, 1, 2], cw),
            "sampleWeightsFromClassWeights",
            `classWeights[${c}]`,
          );
        },
      ),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(notFraction, (beta) => {
        throwsNaming(
          () => L.classWeights([0, 1], { method: "effective_number", beta }),
          fn,
          "options.beta",
        );
      }),
      { numRuns: 15 },
    );
    throwsNaming(() => L.classWeights([]), fn, "labels");
    throwsNaming(() => L.classWeights(null as never), fn, "labels");
    throwsNaming(() => L.classWeights([[0.5, 0.5]]), fn, "labels[0]");
    throwsNaming(
      () => L.classWeights([0, 1], { method: "inverse" as never }),
      fn,
      "options.method",
    );
    throwsNaming(
      () => L.sampleWeightsFromClassWeights([0], []),
      "sampleWeightsFromClassWeights",
      "classWeights",
    );
    refusesBadOptions(fn, (o) => L.classWeights([0, 1], o), ["method", "beta", "numClasses"]);
  },
);

// ---------------------------------------------------------------------------------------------
// makeLoss.

prop(
  ["makeLoss"],
  "makeLoss(fn) equals reduceLoss of fn's per-sample values, by Keras's rules",
  () => {
    const cases = fc.integer({ min: 1, max: 5 }).chain((b) =>
      fc.integer({ min: 1, max: 3 }).chain((k) =>
        fc.tuple(
          matrix(b, k, moderate),
          matrix(b, k, moderate),
          fc.option(
            fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: b, maxLength: b }),
          ),
        )
      )
    );
    fc.assert(fc.property(cases, fc.constantFrom(...L.REDUCTIONS), ([t, p, w], reduction) => {
      const mse = L.makeLoss(L.meanSquaredError, { reduction, name: "mse" });
      assert.equal(mse.lossName, "mse");
      assert.equal(mse.reduction, reduction);
      const perSample = t.map((r, i) => mean(r.map((x, j) => (f32(x) - f32(p[i][j])) ** 2)));
      assertClose(
        read(mse(t, p, w ?? undefined)),
        reduceReference(perSample, w ?? undefined, reduction),
        `makeLoss ${reduction}`,
      );
    }));
    // The returned function names itself in errors about its own arguments.
    fc.assert(
      fc.property(
        cases,
        fc.oneof(fc.double({ min: -5, max: -1e-6, noNaN: true }), nonFinite),
        ([t, p, w], v) => {
          const mse = L.makeLoss(L.meanSquaredError, { name: "mse" });
          const bad = (w ?? t.map(() => 1)).slice();
          bad[0] = v;
          throwsNaming(
            () => mse(t, p, bad),
            "makeLoss(mse)",
            Number.isFinite(v) ? "sampleWeight[0]" : "sampleWeight",
          );
          throwsNaming(() => mse(t, p, [...bad.map(Math.abs), 1]), "makeLoss(mse)", "sampleWeight");
        },
      ),
      { numRuns: 15 },
    );
    fc.assert(
      fc.property(cases, nonFinite, ([t, p], v) => {
        const mse = L.makeLoss(L.meanSquaredError, { name: "mse" });
        const pBad = p.map((r) => r.slice());
        pBad[0][0] = v;
        throwsNaming(() => mse(t, pBad), "makeLoss(mse)", "yPred");
      }),
      { numRuns: 15 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 12 }), (name) => {
      fc.pre(!(L.REDUCTIONS as readonly string[]).includes(name));
      throwsNaming(
        () => L.makeLoss(L.meanSquaredError, { reduction: name as never }),
        "makeLoss",
        "options.reduction",
      );
    }));
    throwsNaming(() => L.makeLoss(3 as never), "makeLoss", "fn");
    throwsNaming(() => L.makeLoss(L.meanSquaredError, { name: "" }), "makeLoss", "options.name");
    throwsNaming(
      () => L.makeLoss(L.meanSquaredError, { name: 3 as never }),
      "makeLoss",
      "options.name",
    );
    const three = L.makeLoss((() => 3) as never, { name: "three" });
    throwsNaming(() => three([[1]], [[1]]), "makeLoss(three)", "the loss returned");
    refusesBadOptions("makeLoss", (o) => L.makeLoss(L.meanSquaredError, o), ["reduction", "name"]);
  },
);
