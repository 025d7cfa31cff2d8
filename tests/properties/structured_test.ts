/**
 * Properties of the structured exports: a GCN's logits, node losses and predictions, and a
 * SimpleRNN's per-step losses, each against a plain-loop forward pass written from the documented
 * formula and the model's own weights; the masked losses and the first loss of a training run
 * against plain masked means; invalid input gives an Error naming the argument; no tensor is left.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, near, nonFinite, prop, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/mod.ts";
import {
  createGcn,
  createSequenceModel,
  type GcnModel,
  gcnNodeLosses,
  gcnPredictions,
  maskedNodeLoss,
  perTimestepLosses,
  sequenceTokenLoss,
  trainableVariables,
  trainGcn,
  trainSequenceModel,
} from "../../lib/structured/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

/** Numbers in [-2, 2] in steps of 1/8 (exact in float32, never vanishingly small). */
const small = fc.integer({ min: -16, max: 16 }).map((v) => v / 8);

// ---------------------------------------------------------------------------------------------
// GCN

/** A small node-classification graph: edges, features, labels and a mask with a 1. */
const graphCase = fc.record({
  n: fc.integer({ min: 2, max: 6 }),
  d: fc.integer({ min: 1, max: 3 }),
  c: fc.integer({ min: 2, max: 3 }),
  hidden: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: -1000, max: 1000 }),
}).chain(({ n, d, c, hidden, seed }) =>
  fc.record({
    n: fc.constant(n),
    hidden: fc.constant(hidden),
    seed: fc.constant(seed),
    numClasses: fc.constant(c),
    edges: fc.array(
      fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }))
        .filter(([a, b]) => a !== b),
      { maxLength: 8 },
    ),
    features: fc.array(fc.array(small, { minLength: d, maxLength: d }), {
      minLength: n,
      maxLength: n,
    }),
    labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
    mask: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n })
      .filter((m) => m.includes(1)),
  })
);

/** `D^-½ (A + I) D^-½` of an undirected, unweighted graph, by plain loops. */
function plainAdjacency(n: number, edges: [number, number][]): number[][] {
  const a = Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j): number => i === j ? 1 : 0),
  );
  for (const [s, t] of edges) a[s][t] = a[t][s] = 1;
  const deg = a.map((row) => row.reduce((p, q) => p + q, 0));
  return a.map((row, i) => row.map((v, j) => v / Math.sqrt(deg[i] * deg[j])));
}

function matMul(a: number[][], b: number[][]): number[][] {
  return a.map((row) =>
    b[0].map((_, j) => {
      let s = 0;
      for (let k = 0; k < row.length; k++) s += row[k] * b[k][j];
      return s;
    })
  );
}

/** The documented forward pass `Â · relu(Â X W₁ + b₁) · W₂ + b₂`, from the model's weights. */
function plainLogits(model: GcnModel, a: number[][], x: number[][]): number[][] {
  const [w1, b1, w2, b2] = model.variables.map((v) => v.arraySync()) as [
    number[][],
    number[],
    number[][],
    number[],
  ];
  const h = matMul(a, matMul(x, w1)).map((row) => row.map((v, j) => Math.max(0, v + b1[j])));
  return matMul(a, matMul(h, w2)).map((row) => row.map((v, j) => v + b2[j]));
}

/** Cross-entropy from logits, `log Σ exp z − z[label]`, per node. */
function plainNodeLosses(logits: number[][], labels: number[]): number[] {
  return logits.map((z, i) => {
    const m = z.reduce((p, q) => Math.max(p, q), -Infinity);
    let s = 0;
    for (const v of z) s += Math.exp(v - m);
    return m + Math.log(s) - z[labels[i]];
  });
}

function plainMaskedMean(values: number[], mask: number[]): number {
  let sum = 0, count = 0;
  values.forEach((v, i) => {
    if (mask[i] === 1) {
      sum += v;
      count++;
    }
  });
  return sum / count;
}

prop(["maskedNodeLoss"], "maskedNodeLoss equals a plain masked mean; bad masks refused", () => {
  const losses = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.tuple(
      fc.array(fc.integer({ min: 0, max: 800 }).map((v) => v / 8), { minLength: n, maxLength: n }),
      fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
    )
  );
  fc.assert(fc.property(losses, nonFinite, ([l, m], bad) => {
    const fn = "maskedNodeLoss";
    if (m.includes(1)) {
      const want = plainMaskedMean(l, m);
      const t = maskedNodeLoss(l, m);
      const got = t.dataSync()[0];
      t.dispose();
      assert.ok(near(got, want, want), `${got} vs ${want}`);
      // A non-finite loss where the mask is 0 takes no part; where it is 1 it is refused.
      const off = m.indexOf(0);
      if (off >= 0) {
        const u = maskedNodeLoss(l.map((v, i) => (i === off ? bad : v)), m);
        const again = u.dataSync()[0];
        u.dispose();
        assert.ok(near(again, want, want));
      }
      const on = m.indexOf(1);
      throwsNaming(() => maskedNodeLoss(l.map((v, i) => (i === on ? bad : v)), m), fn, "perNode");
    } else {
      throwsNaming(() => maskedNodeLoss(l, m), fn, "mask");
    }
    throwsNaming(() => maskedNodeLoss(l, [...m, 1]), fn, "mask");
    throwsNaming(() => maskedNodeLoss(l, m.map((v, i) => (i === 0 ? 2 : v))), fn, "mask");
    throwsNaming(() => maskedNodeLoss(l, m.map((v, i) => (i === 0 ? NaN : v))), fn, "mask");
    throwsNaming(() => maskedNodeLoss([l], m), fn, "perNode");
  }));
  throwsNaming(() => maskedNodeLoss([], []), "maskedNodeLoss", "perNode");
});

prop(
  ["createGcn", "gcnNodeLosses", "gcnPredictions"],
  "a GCN's node losses and predictions equal a plain-loop forward pass; bad graphs refused",
  () => {
    fc.assert(
      fc.property(graphCase, (g) => {
        const d = g.features[0].length;
        const options = {
          inputDim: d,
          numClasses: g.numClasses,
          hiddenUnits: g.hidden,
          seed: g.seed,
        };
        const model = createGcn(options), twin = createGcn(options);
        const a = plainAdjacency(g.n, g.edges);
        const graph = {
          adjacency: tf.tensor2d(a),
          features: tf.tensor2d(g.features),
          labels: tf.tensor1d(g.labels, "int32"),
        };
        try {
          // Glorot-uniform weights within ±√(6 / (fan_in + fan_out)), zero biases, same seed twice.
          const [w1, b1, w2, b2] = model.variables.map((v) => Array.from(v.dataSync()));
          const lim1 = Math.sqrt(6 / (d + g.hidden)),
            lim2 = Math.sqrt(6 / (g.hidden + g.numClasses));
          assert.ok(w1.every((v) => Math.abs(v) <= lim1) && w2.every((v) => Math.abs(v) <= lim2));
          assert.ok([...b1, ...b2].every((v) => v === 0));
          twin.variables.forEach((v, i) =>
            assert.deepEqual(Array.from(v.dataSync()), Array.from(model.variables[i].dataSync()))
          );
          assert.equal(new Set([...model.variables, ...twin.variables].map((v) => v.name)).size, 8);

          const logits = plainLogits(model, a, g.features);
          const want = plainNodeLosses(logits, g.labels);
          const t = gcnNodeLosses(model, graph);
          const got = Array.from(t.dataSync());
          t.dispose();
          want.forEach((v, i) => assert.ok(near(got[i], v, v), `node ${i}: ${got[i]} vs ${v}`));
          const pred = gcnPredictions(model, graph);
          pred.forEach((p, i) => {
            // The plain argmax, unless two logits tie within float32 rounding.
            const z = logits[i];
            const best = z.indexOf(z.reduce((x, y) => Math.max(x, y), -Infinity));
            const tie = z.some((v, j) => j !== best && Math.abs(v - z[best]) < 1e-4);
            if (!tie) assert.equal(p, best, `node ${i}`);
          });

          for (const fn of ["gcnNodeLosses", "gcnPredictions"] as const) {
            const f = fn === "gcnNodeLosses"
              ? (gr: object) => gcnNodeLosses(model, gr as never)
              : (gr: object) => gcnPredictions(model, gr as never);
            const at = g.n - 1;
            throwsNaming(
              () => f({ ...graph, labels: g.labels.map((c, i) => (i === at ? g.numClasses : c)) }),
              fn,
              `graph.labels[${at}]`,
            );
            throwsNaming(
              () => f({ ...graph, labels: g.labels.map((c, i) => (i === at ? -1 : c)) }),
              fn,
              `graph.labels[${at}]`,
            );
            throwsNaming(() => f({ ...graph, labels: g.labels.slice(1) }), fn, "graph.labels");
            const nanX = tf.tensor2d(g.features.map((r, i) => (i === at ? r.map(() => NaN) : r)));
            const wide = tf.zeros([g.n, d + 1]), notSquare = tf.zeros([g.n, g.n + 1]);
            try {
              throwsNaming(() => f({ ...graph, features: nanX }), fn, "graph.features");
              throwsNaming(() => f({ ...graph, features: wide }), fn, "graph.features");
              throwsNaming(() => f({ ...graph, adjacency: notSquare }), fn, "graph.adjacency");
            } finally {
              tf.dispose([nanX, wide, notSquare]);
            }
            throwsNaming(() => f({ ...graph, features: g.features }), fn, "graph.features");
            throwsNaming(() => f(null as never), fn, "graph");
          }
          throwsNaming(() => gcnNodeLosses({} as never, graph), "gcnNodeLosses", "model");
          throwsNaming(
            () => createGcn({ ...options, seed: g.seed + 0.5 }),
            "createGcn",
            "options.seed",
          );
          throwsNaming(() => createGcn({ ...options, inputDim: 0 }), "createGcn", "inputDim");
          throwsNaming(() => createGcn({ ...options, numClasses: 1.5 }), "createGcn", "numClasses");
          throwsNaming(
            () => createGcn({ ...options, hidden: 4 } as never),
            "createGcn",
            "options.hidden",
          );
          throwsNaming(() => createGcn(null as never), "createGcn", "options");
        } finally {
          model.dispose();
          twin.dispose();
          tf.dispose(Object.values(graph));
        }
      }),
      { numRuns: 20 },
    );
  },
);

prop(
  ["trainGcn"],
  "trainGcn's first loss is the plain masked mean at the initial weights; bad options refused",
  () => {
    fc.assert(
      fc.property(graphCase, fc.integer({ min: 1, max: 2 }), (g, epochs) => {
        const d = g.features[0].length;
        const model = createGcn({
          inputDim: d,
          numClasses: g.numClasses,
          hiddenUnits: g.hidden,
          seed: g.seed,
        });
        const a = plainAdjacency(g.n, g.edges);
        const graph = {
          adjacency: tf.tensor2d(a),
          features: tf.tensor2d(g.features),
          labels: tf.tensor1d(g.labels, "int32"),
        };
        try {
          const initial = plainMaskedMean(
            plainNodeLosses(plainLogits(model, a, g.features), g.labels),
            g.mask,
          );
          const fn = "trainGcn";
          const opts = { trainMask: g.mask, epochs };
          const at = g.n - 1;
          // Refused calls first: they must leave the weights as they were.
          const w0 = Array.from(model.variables[0].dataSync()).join();
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, trainMask: [...g.mask, 1] }),
            fn,
            "options.trainMask",
          );
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, trainMask: g.mask.map(() => 0) }),
            fn,
            "options.trainMask",
          );
          throwsNaming(
            () =>
              trainGcn(model, graph, {
                ...opts,
                trainMask: g.mask.map((v, i) => (i === at ? 2 : v)),
              }),
            fn,
            `options.trainMask[${at}]`,
          );
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, validationMask: g.mask.slice(1) }),
            fn,
            "options.validationMask",
          );
          throwsNaming(() => trainGcn(model, graph, { ...opts, epochs: 0 }), fn, "options.epochs");
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, learningRate: -0.1 }),
            fn,
            "options.learningRate",
          );
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, learningRate: NaN }),
            fn,
            "options.learningRate",
          );
          throwsNaming(
            () => trainGcn(model, graph, { ...opts, lr: 0.1 } as never),
            fn,
            "options.lr",
          );
          throwsNaming(
            () =>
              trainGcn(
                model,
                { ...graph, labels: g.labels.map((c, i) => (i === at ? 99 : c)) } as never,
                opts,
              ),
            fn,
            `graph.labels[${at}]`,
          );
          assert.equal(Array.from(model.variables[0].dataSync()).join(), w0);

          const h = trainGcn(model, graph, { ...opts, validationMask: g.mask, learningRate: 0.05 });
          assert.equal(h.loss.length, epochs);
          assert.equal(h.validationAccuracy.length, epochs);
          assert.ok(near(h.loss[0], initial, initial), `${h.loss[0]} vs ${initial}`);
          // Training accuracy after the last step, counted by hand from the trained weights.
          const z = plainLogits(model, a, g.features);
          let hit = 0, total = 0;
          g.mask.forEach((m, i) => {
            if (m !== 1) return;
            total++;
            const best = z[i].indexOf(z[i].reduce((x, y) => Math.max(x, y), -Infinity));
            if (best === g.labels[i]) hit++;
          });
          const tie = z.some((row) => {
            const s = [...row].sort((p, q) => q - p);
            return s[0] - s[1] < 1e-4;
          });
          if (!tie) assert.ok(Math.abs(h.trainAccuracy - hit / total) < 1e-9);
        } finally {
          model.dispose();
          tf.dispose(Object.values(graph));
        }
      }),
      { numRuns: 15 },
    );
  },
);

// ---------------------------------------------------------------------------------------------
// Sequence model

/** A padded batch `[batch, time, 1]` with lengths, a model size and seed. */
const sequenceCase = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  time: fc.integer({ min: 1, max: 4 }),
  units: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: -3, max: 1000 }),
}).chain(({ batch, time, units, seed }) =>
  fc.record({
    units: fc.constant(units),
    seed: fc.constant(seed),
    x: fc.array(fc.array(small, { minLength: time, maxLength: time }), {
      minLength: batch,
      maxLength: batch,
    }),
    y: fc.array(fc.array(small, { minLength: time, maxLength: time }), {
      minLength: batch,
      maxLength: batch,
    }),
    lengths: fc.array(fc.integer({ min: 0, max: time }), { minLength: batch, maxLength: batch }),
  })
);

/**
 * SimpleRNN then a per-step Dense(1), by plain loops: `hₜ = tanh(xₜ·K + hₜ₋₁·R + b)`,
 * `ŷₜ = hₜ·W + c`, loss `(yₜ − ŷₜ)²`.
 */
function plainStepLosses(weights: number[][][], x: number[][], y: number[][]): number[][] {
  const [[k], r, [b], w, [c]] = weights;
  const units = b.length;
  return x.map((row, i) => {
    let h = new Array<number>(units).fill(0);
    return row.map((xt, t) => {
      h = h.map((_, u) => {
        let z = xt * k[u] + b[u];
        for (let v = 0; v < units; v++) z += h[v] * r[v][u];
        return z;
      }).map(Math.tanh);
      let pred = c[0];
      for (let u = 0; u < units; u++) pred += h[u] * w[u][0];
      return (y[i][t] - pred) ** 2;
    });
  });
}

/** The model's five weights as nested arrays (kernel, recurrent kernel, bias, dense W, dense c). */
function weightsOf(model: tf.LayersModel): number[][][] {
  return trainableVariables(model).map((v) => {
    const a = v.arraySync() as number[] | number[][];
    return (v.rank === 1 ? [a] : a) as number[][];
  });
}

prop(
  ["createSequenceModel", "perTimestepLosses", "trainableVariables", "sequenceTokenLoss"],
  "a sequence model's per-step losses equal a plain-loop SimpleRNN; bad input refused",
  () => {
    fc.assert(
      fc.property(sequenceCase, (s) => {
        const model = createSequenceModel({ units: s.units, seed: s.seed });
        const twin = createSequenceModel({ units: s.units, seed: s.seed });
        const batch = s.x.length, time = s.x[0].length;
        const x = tf.tensor3d(s.x.map((r) => r.map((v) => [v]))),
          y = tf.tensor3d(s.y.map((r) => r.map((v) => [v])));
        try {
          const vars = trainableVariables(model);
          assert.deepEqual(vars.map((v) => v.shape), [
            [1, s.units],
            [s.units, s.units],
            [s.units],
            [s.units, 1],
            [1],
          ]);
          assert.deepEqual(weightsOf(twin), weightsOf(model), "same seed, same weights");
          const want = plainStepLosses(weightsOf(model), s.x, s.y);
          const t = perTimestepLosses(model, x, y);
          assert.deepEqual(t.shape, [batch, time]);
          const got = t.arraySync() as number[][];
          t.dispose();
          want.forEach((row, i) =>
            row.forEach((v, j) =>
              assert.ok(near(got[i][j], v, v), `[${i}, ${j}] ${got[i][j]} vs ${v}`)
            )
          );
          if (time === 1) {
            // tfjs cannot differentiate a recurrent layer over one step: refused with the reason.
            throwsNaming(() => sequenceTokenLoss(model, x, y), "sequenceTokenLoss", "x");
          } else {
            // Rows start..end−1 of the same per-step losses.
            const tokenLoss = sequenceTokenLoss(model, x, y);
            const start = batch > 1 ? 1 : 0;
            const part = tokenLoss(start, batch);
            const rows = part.arraySync() as number[][];
            part.dispose();
            rows.forEach((row, i) =>
              row.forEach((v, j) => assert.ok(near(v, want[start + i][j], v)))
            );
            throwsNaming(() => tokenLoss(-1, 1), "sequenceTokenLoss", "start");
            throwsNaming(() => tokenLoss(0, batch + 1), "sequenceTokenLoss", "end");
            throwsNaming(() => tokenLoss(0, 0), "sequenceTokenLoss", "end");
            throwsNaming(() => tokenLoss(0.5, 1), "sequenceTokenLoss", "start");
          }

          const fn = "perTimestepLosses";
          const flat = tf.zeros([batch, time]), longer = tf.zeros([batch, time + 1, 1]);
          const nanY = tf.tensor3d(
            s.y.map((r, i) => r.map((v, j) => [i === 0 && j === 0 ? NaN : v])),
          );
          const empty = tf.zeros([batch, 0, 1]);
          try {
            throwsNaming(() => perTimestepLosses(model, flat, y), fn, "x");
            throwsNaming(() => perTimestepLosses(model, x, longer), fn, "y");
            throwsNaming(() => perTimestepLosses(model, x, nanY), fn, "y");
            throwsNaming(() => perTimestepLosses(model, empty, empty), fn, "x");
            throwsNaming(() => sequenceTokenLoss(model, nanY, y), "sequenceTokenLoss", "x");
          } finally {
            tf.dispose([flat, longer, nanY, empty]);
          }
          throwsNaming(() => perTimestepLosses({} as never, x, y), fn, "model");
          throwsNaming(() => perTimestepLosses(model, s.x as never, y), fn, "x");
          throwsNaming(() => trainableVariables({} as never), "trainableVariables", "model");
          throwsNaming(
            () => createSequenceModel({ units: 0 }),
            "createSequenceModel",
            "options.units",
          );
          throwsNaming(
            () => createSequenceModel({ seed: s.seed + 0.5 }),
            "createSequenceModel",
            "options.seed",
          );
          throwsNaming(
            () => createSequenceModel({ unit: 2 } as never),
            "createSequenceModel",
            "options.unit",
          );
        } finally {
          model.dispose();
          twin.dispose();
          tf.dispose([x, y]);
        }
      }),
      { numRuns: 12 },
    );
  },
);

prop(
  ["trainSequenceModel"],
  "trainSequenceModel's first loss is the plain masked mean (token, sequence, batch)",
  () => {
    const normalization = fc.constantFrom("token", "sequence", "batch") as fc.Arbitrary<
      "token" | "sequence" | "batch"
    >;
    fc.assert(
      fc.property(
        sequenceCase,
        normalization,
        fc.integer({ min: 1, max: 2 }),
        (s, norm, epochs) => {
          const batch = s.x.length, time = s.x[0].length;
          const real = s.lengths.reduce((a, b) => a + b, 0);
          fc.pre(real > 0);
          const model = createSequenceModel({ units: s.units, seed: s.seed });
          const x = tf.tensor3d(s.x.map((r) => r.map((v) => [v]))),
            y = tf.tensor3d(s.y.map((r) => r.map((v) => [v])));
          try {
            if (time === 1) {
              throwsNaming(
                () => trainSequenceModel(model, x, y, { epochs }),
                "trainSequenceModel",
                "x",
              );
              return;
            }
            // Plain masked means of the initial per-step losses.
            const l = plainStepLosses(weightsOf(model), s.x, s.y);
            const rowSums = l.map((row, i) =>
              row.slice(0, s.lengths[i]).reduce((a, b) => a + b, 0)
            );
            const total = rowSums.reduce((a, b) => a + b, 0);
            const nonEmpty = s.lengths.filter((n) => n > 0).length;
            const want = norm === "token"
              ? total / real
              : norm === "batch"
              ? total / batch
              : rowSums.reduce((a, v, i) => a + (s.lengths[i] > 0 ? v / s.lengths[i] : 0), 0) /
                nonEmpty;
            const fn = "trainSequenceModel";
            const opts = { lengths: s.lengths, normalization: norm, epochs };
            const w0 = Array.from(trainableVariables(model)[0].dataSync()).join();
            throwsNaming(
              () =>
                trainSequenceModel(model, x, y, {
                  ...opts,
                  lengths: s.lengths.map((n) => n + time + 1),
                }),
              fn,
              "options.lengths",
            );
            throwsNaming(
              () => trainSequenceModel(model, x, y, { ...opts, lengths: [...s.lengths, 1] }),
              fn,
              "options.lengths",
            );
            throwsNaming(
              () =>
                trainSequenceModel(model, x, y, { ...opts, mask: s.x.map((r) => r.map(() => 1)) }),
              fn,
              "options",
            );
            throwsNaming(
              () => trainSequenceModel(model, x, y, { ...opts, normalization: "mean" as never }),
              fn,
              "options.normalization",
            );
            throwsNaming(
              () => trainSequenceModel(model, x, y, { ...opts, epochs: 1.5 }),
              fn,
              "options.epochs",
            );
            throwsNaming(
              () => trainSequenceModel(model, x, y, { ...opts, learningRate: 0 }),
              fn,
              "options.learningRate",
            );
            throwsNaming(
              () => trainSequenceModel(model, x, y, { ...opts, epoch: 1 } as never),
              fn,
              "options.epoch",
            );
            assert.equal(Array.from(trainableVariables(model)[0].dataSync()).join(), w0);

            const { loss } = trainSequenceModel(model, x, y, opts);
            assert.equal(loss.length, epochs);
            assert.ok(near(loss[0], want, want), `${norm}: ${loss[0]} vs ${want}`);
          } finally {
            model.dispose();
            tf.dispose([x, y]);
          }
        },
      ),
      { numRuns: 12 },
    );
  },
);
