/**
 * Properties of the analysis, datasets, structured, training and runtime exports: valid generated
 * input gives what a plain loop computes; invalid input gives an Error naming an argument; no
 * tensor is left either way.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, finite, nonFinite, prop, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import * as L from "../../lib/mod.ts";

await L.setupBackend({ backend: "cpu", seed: 0 });

prop(["spread"], "spread equals a sorted plain-loop quartile; non-finite refused", () => {
  fc.assert(fc.property(fc.array(finite, { minLength: 1, maxLength: 50 }), (v) => {
    const s = [...v].sort((a, b) => a - b);
    const q = (p: number) => {
      const h = (s.length - 1) * p, lo = Math.floor(h);
      return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)]) - s[lo]);
    };
    const r = L.spread(v);
    return Math.abs(r.median - q(0.5)) <= 1e-6 * (1 + Math.abs(q(0.5))) &&
      Math.abs(r.q1 - q(0.25)) <= 1e-6 * (1 + Math.abs(q(0.25)));
  }));
  fc.assert(fc.property(fc.array(finite, { maxLength: 10 }), nonFinite, fc.nat(), (v, bad, at) => {
    const w = [...v];
    w.splice(at % (w.length + 1), 0, bad);
    throwsNaming(() => L.spread(w), "spread", "values");
  }));
});

prop(
  ["topLosses", "lossSummary"],
  "topLosses / lossSummary agree with a plain sort and sum",
  () => {
    const losses = fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(fc.property(losses, fc.integer({ min: 1, max: 5 }), (v, k) => {
      const top = L.topLosses(v, k);
      const want = v.map((l, i) => ({ l, i })).sort((a, b) => b.l - a.l || a.i - b.i).slice(0, k);
      assert.deepEqual(top.map((t) => t.index), want.map((w) => w.i));
      const s = L.lossSummary(v);
      let sum = 0;
      for (const x of v) sum += x;
      assert.ok(Math.abs(s.mean - sum / v.length) <= 1e-9 * (1 + sum));
      assert.equal(s.count, v.length);
    }));
    fc.assert(fc.property(losses, fc.string({ minLength: 1, maxLength: 8 }), (v, key) => {
      fc.pre(!["quantiles", "topFractions"].includes(key));
      throwsNaming(() => L.lossSummary(v, { [key]: 1 } as never), "lossSummary", `options.${key}`);
    }));
  },
);

prop(["rocAuc", "precisionAtK", "scoreDetector"], "rocAuc equals the pair-counting AUC", () => {
  const pairs = fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), {
    minLength: 2,
    maxLength: 40,
  });
  fc.assert(fc.property(pairs, (p) => {
    const s = p.map((x) => x[0]), y = p.map((x) => (x[1] ? 1 : 0));
    const pos = y.filter((v) => v === 1).length, neg = y.length - pos;
    fc.pre(pos > 0 && neg > 0);
    let wins = 0;
    for (let i = 0; i < s.length; i++) {
      for (let j = 0; j < s.length; j++) {
        if (y[i] === 1 && y[j] === 0) wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    }
    assert.ok(Math.abs(L.rocAuc(s, y) - wins / (pos * neg)) < 1e-9);
    const r = L.scoreDetector(s, y);
    assert.ok(r.precisionAtK >= 0 && r.precisionAtK <= 1);
    assert.equal(L.precisionAtK(s, y, 1), y[s.indexOf(Math.max(...s))]);
  }));
  throwsNaming(() => L.rocAuc([1, 2], [0, 2]), "rocAuc", "isNoisy[1]");
  throwsNaming(() => L.precisionAtK([1, NaN], [0, 1], 1), "precisionAtK", "scores");
});

prop(["splitIndices"], "splitIndices partitions 0..n-1; bad seeds and keys refused", () => {
  fc.assert(fc.property(fc.integer({ min: 2, max: 300 }), fc.integer(), (n, seed) => {
    const { train, validation } = L.splitIndices(n, { seed });
    const all = [...train, ...validation].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: n }, (_, i) => i));
  }));
  throwsNaming(() => L.splitIndices(10, { seed: 0.5 }), "splitIndices", "options.seed");
  throwsNaming(
    () => L.splitIndices(10, { validation_split: 0.1 } as never),
    "splitIndices",
    "validationSplit",
  );
});

prop(["fitStandardizer", "standardize"], "fitStandardizer matches a plain-loop mean/std", () => {
  const matrix = fc.integer({ min: 1, max: 4 }).chain((d) =>
    fc.array(
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: d, maxLength: d }),
      { minLength: 1, maxLength: 20 },
    )
  );
  fc.assert(fc.property(matrix, (m) => {
    const s = L.fitStandardizer(m);
    for (let j = 0; j < m[0].length; j++) {
      let mean = 0;
      for (const r of m) mean += r[j] / m.length;
      assert.ok(Math.abs(s.mean[j] - mean) <= 1e-9 * (1 + Math.abs(mean)));
    }
    const x = L.standardize(m, s);
    const ok = Array.from(x.dataSync()).every(Number.isFinite);
    x.dispose();
    return ok;
  }));
  throwsNaming(() => L.fitStandardizer([[1, 2], [3, 4]], [0, 5]), "fitStandardizer", "rows[1]");
  throwsNaming(
    () => L.standardize([[1, 2]], { mean: [0], std: [1] }),
    "standardize",
    "standardizer",
  );
});

prop(["flipLabels"], "flipLabels flips exactly round(f·n) labels, each to another class", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 80 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer(),
      (labels, f, seed) => {
        const r = L.flipLabels(labels, { fraction: f, numClasses: 4, seed });
        assert.equal(r.flippedIndices.length, Math.round(f * labels.length));
        for (const i of r.flippedIndices) assert.notEqual(r.labels[i], labels[i]);
      },
    ),
  );
  throwsNaming(
    () => L.flipLabels([0, 1], { fraction: 0.5, seed: 1.5 }),
    "flipLabels",
    "options.seed",
  );
});

prop(["findNonFinite"], "findNonFinite lists exactly the non-finite positions", () => {
  fc.assert(fc.property(fc.array(fc.oneof(finite, nonFinite), { maxLength: 50 }), (v) => {
    const want = v.flatMap((x, i) => (Number.isFinite(x) ? [] : [i]));
    assert.deepEqual(L.findNonFinite(new Float64Array(v)), want);
  }));
});

prop(["perClassRecall"], "perClassRecall equals a plain count", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 2 }),
          fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 3, maxLength: 3 }),
        ),
        { minLength: 1, maxLength: 30 },
      ),
      (rows) => {
        const labels = rows.map((r) => r[0]),
          scores = rows.map((r) => r[1]);
        const got = L.perClassRecall(labels, scores);
        for (let c = 0; c < 3; c++) {
          let t = 0, h = 0;
          rows.forEach(([y, s]) => {
            if (y !== c) {
              return;
            }
            t++;
            if (s.indexOf(Math.max(...s)) === c) h++;
          });
          if (t === 0) assert.ok(Number.isNaN(got[c]));
          else assert.ok(Math.abs(got[c] - h / t) < 1e-9);
        }
      },
    ),
  );
  throwsNaming(() => L.perClassRecall([0, 5], [[1, 0], [0, 1]]), "perClassRecall", "labels");
});

prop(
  ["streamingEvaluate", "arrayBatches"],
  "streamingEvaluate mean equals the plain mean over all rows",
  async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 16 }),
        async (v, bs) => {
          const x = Float32Array.from(v), y = new Float32Array(v.length);
          const r = await L.streamingEvaluate(
            (t: tf.Tensor) => tf.clone(t),
            L.arrayBatches(x, y, { batchSize: bs }),
            { loss: L.meanSquaredError },
          );
          let sum = 0;
          for (const a of x) sum += a * a;
          assert.ok(Math.abs(r.mean - sum / v.length) <= 1e-4 * (1 + sum / v.length));
          assert.equal(r.count, v.length);
        },
      ),
    );
    await assert.rejects(
      () =>
        L.streamingEvaluate((t: tf.Tensor) => t, [[[[NaN]], [[1]]]], { loss: L.meanSquaredError }),
      /streamingEvaluate: the loss has 1 non-finite value/,
    );
    throwsNaming(
      () => L.arrayBatches(new Float32Array(2), new Float32Array(2), { batch_size: 1 } as never),
      "arrayBatches",
      "batchSize",
    );
  },
);

prop(
  ["SampleTracker", "dataMap", "forgettingEvents"],
  "SampleTracker means are over recorded samples; indices bounds-checked",
  () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (n, l) => {
          const t = new L.SampleTracker(n, { task: "binary" });
          t.startEpoch();
          const k = Math.min(n, l.length);
          t.record(
            Array.from({ length: k }, (_, i) => i),
            l.slice(0, k),
            l.slice(0, k).map(() => 0.7),
            l.slice(0, k).map(() => 1),
          );
          let s = 0;
          for (let i = 0; i < k; i++) s += Math.fround(l[i]);
          assert.ok(Math.abs(t.meanLoss()[0] - s / k) < 1e-5 * (1 + s));
          throwsNaming(
            () => t.record([n], [1]),
            "SampleTracker.record",
            "samples[0]",
          );
          assert.equal(L.forgettingEvents(t).events.length, n);
          assert.equal(L.dataMap(t).region.length, n);
        },
      ),
    );
  },
);

prop(["setupBackend", "seededRandom", "Progress"], "runtime options are checked", async () => {
  await assert.rejects(
    () => L.setupBackend({ backend: "cpu", sed: 1 } as never),
    /setupBackend: options.sed is not an option, did you mean "seed"\?/,
  );
  fc.assert(fc.property(fc.integer(), (seed) => {
    const a = L.seededRandom(seed), b = L.seededRandom(seed);
    const x = a();
    return x === b() && x >= 0 && x < 1;
  }));
  throwsNaming(() => L.seededRandom(0.5), "seededRandom", "seed");
  throwsNaming(
    () => new L.Progress({ total: 3, Quiet: true } as never),
    "Progress",
    "options.Quiet",
  );
});

prop(
  ["forceLayout", "graphViewData", "checkEdges", "neighbourLists", "normalizedAdjacency"],
  "graph helpers: symmetric neighbour lists, rows of Â summing finitely, bounds",
  () => {
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 20 }))
    );
    fc.assert(fc.property(graph, ([n, edges]) => {
      const lists = L.neighbourLists(n, edges as [number, number][]);
      lists.forEach((l, i) => l.forEach((j) => assert.ok(lists[j].includes(i))));
      const a = L.normalizedAdjacency(n, edges as [number, number][]);
      const ok = Array.from(a.dataSync()).every(Number.isFinite);
      a.dispose();
      const layout = L.forceLayout(n, edges as [number, number][], { iterations: 5 });
      assert.ok(layout.x.every((v) => v >= 0 && v <= 1));
      return ok;
    }));
    throwsNaming(() => L.forceLayout(3, [[0, 3]]), "forceLayout", "edges[0]");
    throwsNaming(() => L.checkEdges("demo", 2, [[0, 2]]), "demo", "edges[0]");
    throwsNaming(
      () => L.normalizedAdjacency(2, [], { self_loops: true } as never),
      "normalizedAdjacency",
      "selfLoops",
    );
  },
);
