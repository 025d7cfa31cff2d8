/**
 * Properties of the chart exports: a chart built from generated data carries that data and states
 * the numbers a plain loop computes (means, medians, quantiles, shares, counts), its bundle has the
 * four MIME types; invalid input gives an Error naming the argument; no tensor is left either way.
 */
import * as tf from "@tensorflow/tfjs";
import { fc, finite, nonFinite, prop, rejectsNaming, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import * as C from "../../lib/charts/mod.ts";
import { setupBackend } from "../../lib/runtime/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

// deno-lint-ignore no-explicit-any
type Json = any;

/** The spec as plain JSON, to read its layers and rows. */
const specOf = (chart: C.Chart): Json => chart.toSpec();
/** The layer (at any depth of `layer`) with the given name. */
function layerNamed(spec: Json, name: string): Json {
  for (const l of spec.layer ?? spec.spec?.layer ?? []) {
    if (l.name === name) return l;
    const inner = l.layer ? layerNamed(l, name) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

// Plain-loop references, written from the documented formulas.
function plainMean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}
function plainSorted(v: readonly number[]): number[] {
  const s = v.slice();
  for (let i = 1; i < s.length; i++) {
    const x = s[i];
    let j = i - 1;
    while (j >= 0 && s[j] > x) {
      s[j + 1] = s[j];
      j--;
    }
    s[j + 1] = x;
  }
  return s;
}
/** Linear-interpolation quantile (NumPy's default, Hyndman & Fan type 7). */
function plainQuantile(v: readonly number[], q: number): number {
  const s = plainSorted(v);
  const h = (s.length - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
/** Share of the total carried by the fewest top values that make up >= fraction f of them. */
function plainTopShare(v: readonly number[], f: number): number {
  const s = plainSorted(v), n = s.length;
  let k = 1;
  while (k / n < f - 1e-12) k++;
  let top = 0, total = 0;
  for (let i = 0; i < n; i++) {
    total += s[i];
    if (i >= n - k) top += s[i];
  }
  return top / total;
}

/** A number as the chart text writes it (3 significant digits) is close to `want`. */
function near(text: string | undefined, want: number, scale = 1): void {
  assert.ok(text !== undefined, `number missing (want ${want})`);
  const got = Number(text);
  assert.ok(
    Math.abs(got - want) <= 0.006 * Math.abs(want) + 1e-9 * scale,
    `text says ${text}, plain loop gives ${want}`,
  );
}
/** A percentage as the chart text writes it (whole, or one decimal below 10 %) is `want` (0..1). */
function nearPercent(text: string | undefined, want: number): void {
  assert.ok(text !== undefined, `percentage missing (want ${want})`);
  assert.ok(Math.abs(Number(text) - 100 * want) <= 0.51, `text says ${text}%, want ${100 * want}%`);
}

const NUM = String.raw`(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)`;
const losses = (maxLength = 40) =>
  fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 1, maxLength });
const signed = (maxLength = 40) =>
  fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength });
/** `v` with one non-finite value put in at a generated position. */
const withNonFinite = (v: number[], bad: number, at: number) => {
  const w = v.slice();
  w.splice(at % (w.length + 1), 0, bad);
  return w;
};
/** A key that is none of `allowed` (a misspelt or invented option). */
const unknownKey = (allowed: readonly string[]) =>
  fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !allowed.includes(k));

const KEYS: Record<string, readonly string[]> = {
  perSampleChart: ["order", "ids", "tooltip", "title", "lossName", "width", "height"],
  lossDistributionChart: [
    "bins",
    "quantiles",
    "topPercent",
    "lossName",
    "title",
    "width",
    "height",
  ],
  lossComparisonChart: [
    "layout",
    "order",
    "sharedScale",
    "ids",
    "title",
    "lossName",
    "width",
    "height",
  ],
  classShareChart: ["weights", "gradients", "classNames", "title", "width"],
  cartographyChart: ["ids", "title", "width", "height"],
  graphChart: ["ids", "title", "lossName", "width", "height"],
  sequenceHeatmapChart: ["mask", "lengths", "ids", "title", "lossName", "width"],
  trainingDynamicsChart: [
    "epochs",
    "samples",
    "topK",
    "rankBy",
    "ids",
    "title",
    "lossName",
    "width",
    "height",
  ],
};
const BUILD: Record<string, (o: Record<string, unknown>) => C.Chart> = {
  perSampleChart: (o) => C.perSampleChart([1, 2], o),
  lossDistributionChart: (o) => C.lossDistributionChart([1, 2], o),
  lossComparisonChart: (o) => C.lossComparisonChart({ a: [1, 2] }, o),
  classShareChart: (o) => C.classShareChart([0, 1], [1, 2], o),
  cartographyChart: (o) =>
    C.cartographyChart({ confidence: [0.5], variability: [0.1], correctness: [1] }, o),
  graphChart: (o) => C.graphChart({ x: [0, 1], y: [0, 1], loss: [1, 2] }, o),
  sequenceHeatmapChart: (o) => C.sequenceHeatmapChart([[1, 2]], o),
  trainingDynamicsChart: (o) => C.trainingDynamicsChart([[1, 2], [0.5, 1]], o),
};

prop(
  [
    "perSampleChart",
    "lossDistributionChart",
    "lossComparisonChart",
    "classShareChart",
    "cartographyChart",
    "graphChart",
    "sequenceHeatmapChart",
    "trainingDynamicsChart",
  ],
  "every builder refuses an unknown option key, a bad size and non-object options",
  () => {
    for (const [fn, build] of Object.entries(BUILD)) {
      fc.assert(
        fc.property(unknownKey(KEYS[fn]), (key) => {
          throwsNaming(() => build({ [key]: 1 }), fn, `options.${key}`);
        }),
        { numRuns: 15 },
      );
      fc.assert(
        fc.property(
          fc.oneof(nonFinite, fc.double({ max: 0 }), fc.double({ min: 4001, max: 1e12 })),
          (w) => {
            throwsNaming(() => build({ width: w }), fn, "options.width");
          },
        ),
        { numRuns: 10 },
      );
      for (const bad of [42, "x", [1], null]) {
        throwsNaming(() => build(bad as never), fn, "options");
      }
      // Every key each builder documents is accepted.
      assert.ok(build({ title: "t", width: 300 }) instanceof C.Chart);
    }
  },
);

prop(["perSampleChart"], "perSampleChart carries the losses and states plain-loop stats", () => {
  fc.assert(fc.property(losses(), fc.constantFrom("sorted", "data"), (v, order) => {
    const chart = C.perSampleChart(v, { order: order as "sorted" | "data" });
    const spec = specOf(chart);
    const rows = layerNamed(spec, "samples").data.values;
    const pairs = v.map((l, i) => ({ l, i }));
    if (order === "sorted") pairs.sort((a, b) => a.l - b.l || a.i - b.i);
    assert.deepEqual(
      rows.map((r: Json) => [r.position, r.sample, r.loss]),
      pairs.map((p, k) => [
        k,
        p.i,
        p.l,
      ]),
    );
    const mean = plainMean(v), median = plainQuantile(v, 0.5);
    assert.ok(Math.abs(layerNamed(spec, "mean_rule").data.values[0].value - mean) <= 1e-9 * 1e3);
    assert.ok(Math.abs(layerNamed(spec, "median_rule").data.values[0].value - median) <= 1e-9);
    const m = new RegExp(
      `mean ${NUM}, median ${NUM}, lowest ${NUM}, highest ${NUM}(?:; the top 10% of samples ` +
        `carry ${NUM}%)?`,
    ).exec(chart.summary)!;
    near(m[1], mean, 1e3);
    near(m[2], median);
    near(m[3], plainSorted(v)[0]);
    near(m[4], plainSorted(v)[v.length - 1]);
    if (plainSorted(v)[v.length - 1] > 0) nearPercent(m[5], plainTopShare(v, 0.1));
    else assert.equal(m[5], undefined, "no share of a zero total");
    assert.ok(chart.summary.includes(`for ${v.length} samples`));
  }));
  // Negative values: no share of the total is stated (it would be nonsense such as "-50%").
  fc.assert(fc.property(signed(), (v) => {
    fc.pre(v.some((x) => x < 0));
    const chart = C.perSampleChart(v);
    assert.ok(!chart.summary.includes("carry") && !/NaN|Infinity/.test(chart.summary));
  }));
  // A tensor input gives the same rows and leaves no tensor (prop checks the count).
  fc.assert(
    fc.property(losses(10), (v) => {
      const t = tf.tensor1d(v, "float32");
      try {
        const rows = layerNamed(specOf(C.perSampleChart(t, { order: "data" })), "samples").data
          .values;
        assert.deepEqual(rows.map((r: Json) => r.loss), Array.from(Float32Array.from(v)));
      } finally {
        t.dispose();
      }
    }),
    { numRuns: 10 },
  );
  fc.assert(fc.property(losses(10), nonFinite, fc.nat(), (v, bad, at) => {
    throwsNaming(() => C.perSampleChart(withNonFinite(v, bad, at)), "perSampleChart", "losses");
  }));
  fc.assert(fc.property(losses(10), fc.integer({ min: 0, max: 20 }), (v, k) => {
    fc.pre(k !== v.length);
    const ids = Array.from({ length: k }, (_, i) => `s${i}`);
    throwsNaming(() => C.perSampleChart(v, { ids }), "perSampleChart", "options.ids");
    throwsNaming(
      () => C.perSampleChart(v, { tooltip: { extra: ids } }),
      "perSampleChart",
      "options.tooltip.extra",
    );
  }));
  throwsNaming(() => C.perSampleChart([]), "perSampleChart", "losses");
  throwsNaming(() => C.perSampleChart("1,2" as never), "perSampleChart", "losses");
  throwsNaming(
    () => C.perSampleChart([1], { tooltip: [[1]] as never }),
    "perSampleChart",
    "tooltip",
  );
  throwsNaming(() => C.perSampleChart([1], { order: "up" as never }), "perSampleChart", "order");
});

prop(
  ["lossDistributionChart"],
  "lossDistributionChart bins every loss and states plain-loop mean, median, quantile and share",
  () => {
    const q = fc.double({ min: 0.01, max: 0.99, noNaN: true });
    const top = fc.double({ min: 0.5, max: 100, noNaN: true });
    fc.assert(
      fc.property(losses(), fc.integer({ min: 1, max: 40 }), q, top, (v, bins, quantile, pct) => {
        fc.pre(v.some((x) => x > 0));
        const chart = C.lossDistributionChart(v, { bins, quantiles: [quantile], topPercent: pct });
        const rows = layerNamed(specOf(chart), "histogram").data.values;
        assert.equal(rows.length, bins);
        // Plain loop: equal-width bins over [lowest, highest], the last one closed.
        const s = plainSorted(v), lo = s[0], hi = s[s.length - 1];
        const span = hi > lo ? hi - lo : 1;
        const want = new Array(bins).fill(0);
        for (const x of v) want[Math.min(bins - 1, Math.floor(((x - lo) / span) * bins))]++;
        assert.deepEqual(rows.map((r: Json) => r.count), want);
        assert.ok(Math.abs(rows[0].start - lo) <= 1e-9 * (1 + lo));
        assert.ok(Math.abs(rows[bins - 1].end - (lo + span)) <= 1e-9 * (1 + hi));
        const m = new RegExp(
          `mean ${NUM}, median ${NUM}, [\\d.]+th percentile ${NUM}; the top [\\d.]+% of samples ` +
            `carry ${NUM}%`,
        ).exec(chart.summary)!;
        near(m[1], plainMean(v), 1e3);
        near(m[2], plainQuantile(v, 0.5));
        near(m[3], plainQuantile(v, quantile));
        nearPercent(m[4], plainTopShare(v, pct / 100));
      }),
    );
    fc.assert(fc.property(losses(10), nonFinite, fc.nat(), (v, bad, at) => {
      throwsNaming(
        () => C.lossDistributionChart(withNonFinite(v, bad, at)),
        "lossDistributionChart",
        "losses",
      );
    }));
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 })), (b) => {
      throwsNaming(
        () => C.lossDistributionChart([1], { bins: b }),
        "lossDistributionChart",
        "bins",
      );
    }));
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 1 }), fc.double({ max: 0 }), nonFinite), (x) => {
        throwsNaming(
          () => C.lossDistributionChart([1, 2], { quantiles: [0.5, x] }),
          "lossDistributionChart",
          "options.quantiles[1]",
        );
      }),
    );
    // A share of the total is refused when asked for negative losses, and left out otherwise.
    fc.assert(fc.property(signed(), (v) => {
      fc.pre(v.some((x) => x < 0));
      throwsNaming(
        () => C.lossDistributionChart(v, { topPercent: 10 }),
        "lossDistributionChart",
        "options.topPercent",
      );
      const summary = C.lossDistributionChart(v).summary;
      assert.ok(!summary.includes("carry") && !/NaN|Infinity/.test(summary));
    }));
  },
);

prop(
  ["lossComparisonChart"],
  "lossComparisonChart carries every series and each plain-loop mean",
  () => {
    const series = fc.integer({ min: 1, max: 25 }).chain((n) =>
      fc.array(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n }),
        { minLength: 1, maxLength: 4 },
      )
    );
    fc.assert(fc.property(series, fc.constantFrom("sorted", "data"), (data, order) => {
      const named = Object.fromEntries(data.map((v, k) => [`loss ${k}`, v]));
      const chart = C.lossComparisonChart(named, { order: order as "sorted" | "data" });
      const rows = specOf(chart).data.values;
      data.forEach((v, k) => {
        const name = `loss ${k}`;
        const samples = rows.filter((r: Json) => r.kind === "sample" && r.series === name);
        const want = order === "sorted" ? plainSorted(v) : v;
        assert.deepEqual(samples.map((r: Json) => r.loss), want);
        const mean = rows.find((r: Json) => r.kind === "mean" && r.series === name).loss;
        assert.ok(Math.abs(mean - plainMean(v)) <= 1e-9 * 1e3);
        near(new RegExp(`[:,] ${name} ${NUM}`).exec(chart.summary)?.[1], plainMean(v), 1e3);
      });
    }));
    fc.assert(fc.property(losses(10), losses(10), (a, b) => {
      fc.pre(a.length !== b.length);
      throwsNaming(() => C.lossComparisonChart({ a, b }), "lossComparisonChart", 'series["b"]');
    }));
    fc.assert(fc.property(losses(10), nonFinite, fc.nat(), (v, bad, at) => {
      const b = withNonFinite(v, bad, at);
      throwsNaming(
        () => C.lossComparisonChart({ a: b.map(() => 1), b }),
        "lossComparisonChart",
        'series["b"]',
      );
    }));
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, k) => [`s${k}`, [1]]));
    throwsNaming(
      () => C.lossComparisonChart(nine, { layout: "layered" }),
      "lossComparisonChart",
      "series",
    );
    throwsNaming(() => C.lossComparisonChart({}), "lossComparisonChart", "series");
    throwsNaming(() => C.lossComparisonChart([[1]] as never), "lossComparisonChart", "series");
    throwsNaming(
      () => C.lossComparisonChart({ a: [1] }, { sharedScale: "no" as never }),
      "lossComparisonChart",
      "options.sharedScale",
    );
  },
);

prop(["classShareChart"], "classShareChart shares equal plain per-class sums over totals", () => {
  const data = fc.array(
    fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 5, noNaN: true }),
    ),
    { minLength: 1, maxLength: 40 },
  );
  const names = ["cat", "dog", "fox", "owl"];
  fc.assert(fc.property(data, (d) => {
    const labels = d.map((x) => x[0]), loss = d.map((x) => x[1]), weights = d.map((x) => x[2]);
    const chart = C.classShareChart(labels, loss, { weights, classNames: names });
    const rows = specOf(chart).data.values;
    const sum = (f: (i: number) => number, c: number | null) => {
      let s = 0;
      for (let i = 0; i < d.length; i++) if (c === null || labels[i] === c) s += f(i);
      return s;
    };
    const measures: [string, (i: number) => number][] = [
      ["samples", () => 1],
      ["loss", (i) => loss[i]],
      ["loss, weighted", (i) => weights[i] * loss[i]],
    ];
    for (let c = 0; c < 4; c++) {
      const present = labels.includes(c);
      for (const [measure, f] of measures) {
        const row = rows.find((r: Json) => r.class === names[c] && r.measure === measure);
        const total = sum(f, null);
        if (!present || total === 0) {
          assert.equal(row, undefined, `${names[c]} ${measure}: no bar`);
          continue;
        }
        assert.ok(Math.abs(row.share - sum(f, c) / total) <= 1e-9, `${names[c]} ${measure}`);
      }
      if (present) {
        const m = new RegExp(`${names[c]}: ${NUM}% of samples`).exec(chart.summary);
        nearPercent(m?.[1], sum(() => 1, c) / d.length);
      }
    }
    assert.ok(!/NaN|Infinity|undefined/.test(chart.summary));
  }));
  fc.assert(fc.property(data, fc.integer({ min: 0, max: 39 }), (d, at) => {
    const labels = d.map((x) => x[0]), loss = d.map((x) => x[1]);
    const i = at % d.length;
    const badLabels = labels.slice();
    badLabels[i] = 4 + at;
    throwsNaming(
      () => C.classShareChart(badLabels, loss, { classNames: names }),
      "classShareChart",
      `labels[${i}]`,
    );
    const negative = loss.slice();
    negative[i] = -1 - at;
    throwsNaming(() => C.classShareChart(labels, negative), "classShareChart", `losses[${i}]`);
    throwsNaming(
      () => C.classShareChart(labels, loss, { weights: negative }),
      "classShareChart",
      `options.weights[${i}]`,
    );
    throwsNaming(() => C.classShareChart(labels.slice(1), loss), "classShareChart", "labels");
  }));
  fc.assert(fc.property(losses(10), nonFinite, fc.nat(), (v, bad, at) => {
    const w = withNonFinite(v, bad, at);
    throwsNaming(() => C.classShareChart(w.map(() => 0), w), "classShareChart", "losses");
  }));
  throwsNaming(
    () => C.classShareChart([0, 1], [1, 2], { classNames: ["a", "a"] }),
    "classShareChart",
    "options.classNames[1]",
  );
  throwsNaming(
    () => C.classShareChart([0, NaN], [1, 2]),
    "classShareChart",
    "labels[1]",
  );
});

prop(["cartographyChart"], "cartographyChart plots each sample and states plain-loop means", () => {
  const unit = fc.double({ min: 0, max: 1, noNaN: true });
  const data = fc.array(fc.tuple(unit, unit, unit), { minLength: 1, maxLength: 40 });
  fc.assert(fc.property(data, (d) => {
    const confidence = d.map((x) => x[0]), variability = d.map((x) => x[1]);
    const correctness = d.map((x) => x[2]);
    const chart = C.cartographyChart({ confidence, variability, correctness });
    const rows = layerNamed(specOf(chart), "samples").data.values;
    assert.deepEqual(
      rows.map((r: Json) => [r.sample, r.confidence, r.variability, r.correctness]),
      d.map((x, i) => [i, ...x]),
    );
    const m = new RegExp(
      `mean confidence ${NUM}, mean variability ${NUM}, mean correctness ${NUM}`,
    ).exec(chart.summary)!;
    near(m[1], plainMean(confidence));
    near(m[2], plainMean(variability));
    near(m[3], plainMean(correctness));
  }));
  fc.assert(fc.property(data, fc.nat(), fc.double({ min: 1.0001, max: 1e6 }), (d, at, x) => {
    const i = at % d.length;
    const c = d.map((r) => r[0]);
    c[i] = x;
    const ok = d.map((r) => r[1]);
    throwsNaming(
      () => C.cartographyChart({ confidence: c, variability: ok, correctness: ok }),
      "cartographyChart",
      `data.confidence[${i}]`,
    );
  }));
  fc.assert(fc.property(fc.array(unit, { maxLength: 8 }), nonFinite, fc.nat(), (v, bad, at) => {
    const w = withNonFinite(v, bad, at);
    throwsNaming(
      () => C.cartographyChart({ confidence: w.map(() => 0.5), variability: w, correctness: w }),
      "cartographyChart",
      "data.variability",
    );
  }));
  const ok = { confidence: [0.5], variability: [0.1], correctness: [1] };
  fc.assert(
    fc.property(
      unknownKey([
        "confidence",
        "variability",
        "correctness",
        // dataMap's other fields, passed along with its result.
        "region",
        "variabilityThreshold",
        "counts",
      ]),
      (key) => {
        throwsNaming(
          () => C.cartographyChart({ ...ok, [key]: [1] } as never),
          "cartographyChart",
          `data.${key}`,
        );
      },
    ),
    { numRuns: 15 },
  );
  throwsNaming(() => C.cartographyChart(null as never), "cartographyChart", "data");
});

prop(["graphChart"], "graphChart places each node and states plain-loop per-split means", () => {
  const SPLITS = ["train", "validation", "test"] as const;
  const graph = fc.integer({ min: 1, max: 20 }).chain((n) =>
    fc.record({
      nodes: fc.array(
        fc.tuple(finite, finite, fc.double({ min: 0, max: 100, noNaN: true }), fc.nat(2)),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }),
    })
  );
  fc.assert(fc.property(graph, ({ nodes, edges }) => {
    const x = nodes.map((r) => r[0]), y = nodes.map((r) => r[1]), loss = nodes.map((r) => r[2]);
    const split = nodes.map((r) => SPLITS[r[3]]);
    const chart = C.graphChart({ x, y, loss, split, edges });
    const spec = specOf(chart);
    const rows = layerNamed(spec, "nodes").data.values;
    assert.deepEqual(
      rows.map((r: Json) => [r.node, r.x, r.y, r.loss, r.split]),
      nodes.map((_, i) => [i, x[i], y[i], loss[i], split[i]]),
    );
    if (edges.length > 0) {
      const e = layerNamed(spec, "edges").data.values;
      assert.deepEqual(
        e.map((r: Json) => [r.x, r.y, r.x2, r.y2]),
        edges.map(([s, t]) => [x[s], y[s], x[t], y[t]]),
      );
    }
    assert.ok(chart.summary.includes(`${nodes.length} nodes and ${edges.length} edges`));
    for (const s of SPLITS) {
      const v = loss.filter((_, i) => split[i] === s);
      const m = new RegExp(`${s} ${NUM} \\((\\d+) nodes\\)`).exec(chart.summary);
      if (v.length === 0) {
        assert.equal(m, null);
        continue;
      }
      near(m?.[1], plainMean(v), 100);
      assert.equal(Number(m?.[2]), v.length);
    }
  }));
  fc.assert(fc.property(graph, fc.integer({ min: 0, max: 5 }), ({ nodes }, extra) => {
    const n = nodes.length, zero = nodes.map(() => 0);
    throwsNaming(
      () => C.graphChart({ x: zero, y: zero, loss: zero, edges: [[0, 0], [0, n + extra]] }),
      "graphChart",
      "graph.edges[1]",
    );
    throwsNaming(
      () => C.graphChart({ x: [...zero, 0], y: zero, loss: zero }),
      "graphChart",
      "graph.x",
    );
  }));
  fc.assert(fc.property(losses(8), nonFinite, fc.nat(), (v, bad, at) => {
    const w = withNonFinite(v, bad, at), zero = w.map(() => 0);
    throwsNaming(() => C.graphChart({ x: zero, y: w, loss: zero }), "graphChart", "graph.y");
  }));
  throwsNaming(
    () => C.graphChart({ x: [0], y: [0], loss: [1], split: ["dev" as "test"] }),
    "graphChart",
    "graph.split[0]",
  );
  throwsNaming(
    () => C.graphChart({ x: [0], y: [0], loss: [1], lsos: [1] } as never),
    "graphChart",
    "graph.lsos",
  );
});

prop(
  ["sequenceHeatmapChart"],
  "sequenceHeatmapChart shows real tokens, greys padding, and states the plain-loop mean",
  () => {
    const batch = fc.integer({ min: 1, max: 8 }).chain((T) =>
      fc.array(
        fc.tuple(
          fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: T, maxLength: T }),
          fc.integer({ min: 0, max: T }),
        ),
        { minLength: 1, maxLength: 6 },
      )
    );
    fc.assert(fc.property(batch, (b) => {
      const lengths = b.map((r) => r[1]);
      fc.pre(lengths.some((l) => l > 0));
      // Padding may hold anything, even NaN: it is not read.
      const values = b.map(([row, len]) => row.map((x, t) => (t < len ? x : NaN)));
      const chart = C.sequenceHeatmapChart(values, { lengths });
      const cells = specOf(chart).data.values;
      const T = values[0].length;
      const real: number[] = [];
      for (let s = 0; s < b.length; s++) {
        for (let t = 0; t < T; t++) {
          const cell = cells[s * T + t];
          assert.equal(cell.sequence, `seq ${s}`);
          assert.equal(cell.token, t);
          if (t < lengths[s]) {
            assert.equal(cell.loss, values[s][t]);
            assert.equal(cell.status, "token");
            real.push(values[s][t]);
          } else {
            assert.equal(cell.loss, null);
            assert.equal(cell.status, "padding");
          }
        }
      }
      const m = new RegExp(`(\\d+) real tokens, (\\d+) padding; mean over real tokens ${NUM}`)
        .exec(chart.summary)!;
      assert.deepEqual([Number(m[1]), Number(m[2])], [real.length, b.length * T - real.length]);
      near(m[3], plainMean(real), 50);
    }));
    fc.assert(fc.property(batch, fc.nat(), (b, k) => {
      const values = b.map((r) => r[0]), T = values[0].length;
      const s = k % b.length;
      const lengths = b.map(() => T);
      lengths[s] = T + 1 + (k % 3);
      throwsNaming(
        () => C.sequenceHeatmapChart(values, { lengths }),
        "sequenceHeatmapChart",
        `options.lengths[${s}]`,
      );
      const bad = values.map((r) => r.slice());
      bad[s][k % T] = NaN;
      throwsNaming(() => C.sequenceHeatmapChart(bad), "sequenceHeatmapChart", "losses");
      throwsNaming(
        () => C.sequenceHeatmapChart(values, { lengths: b.map(() => 0) }),
        "sequenceHeatmapChart",
        "options.lengths",
      );
    }));
    throwsNaming(
      () => C.sequenceHeatmapChart([[1], [2]], { ids: ["a", "a"] }),
      "sequenceHeatmapChart",
      "options.ids[1]",
    );
    throwsNaming(
      () => C.sequenceHeatmapChart([[1, 2]], { mask: [[1, 0.5]] }),
      "sequenceHeatmapChart",
      "options.mask[0][1]",
    );
  },
);

prop(
  ["trainingDynamicsChart"],
  "trainingDynamicsChart's mean line and top-k equal a plain loop over epochs × samples",
  () => {
    const matrix = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 })).chain((
      [E, S],
    ) =>
      fc.array(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: S, maxLength: S }),
        { minLength: E, maxLength: E },
      )
    );
    fc.assert(fc.property(matrix, fc.integer({ min: 0, max: 5 }), (m, topK) => {
      const E = m.length, S = m[0].length;
      // The flat row-major form with epochs and samples is the same chart as the rows.
      const chart = C.trainingDynamicsChart(m.flat(), { epochs: E, samples: S, topK });
      const spec = specOf(chart);
      const meanLine = layerNamed(spec, "mean_trajectory").data.values;
      const means = m.map((row) => plainMean(row));
      assert.deepEqual(meanLine.map((r: Json) => r.epoch), m.map((_, e) => e + 1));
      meanLine.forEach((r: Json, e: number) => assert.ok(Math.abs(r.loss - means[e]) <= 1e-9));
      const order = Array.from({ length: S }, (_, s) => s)
        .sort((a, b) => m[E - 1][b] - m[E - 1][a] || a - b)
        .slice(0, Math.min(topK, S));
      const top = layerNamed(spec, "top_k")?.data.values ?? [];
      assert.deepEqual(
        top.map((r: Json) => [r.sample, r.epoch, r.loss]),
        order.flatMap((s) => m.map((row, e) => [s, e + 1, row[s]])),
      );
      const t = new RegExp(`mean loss ${NUM} at epoch 1 to ${NUM} at epoch ${E}`)
        .exec(chart.summary)!;
      near(t[1], means[0], 100);
      near(t[2], means[E - 1], 100);
    }));
    fc.assert(fc.property(matrix, nonFinite, fc.nat(), (m, bad, k) => {
      const w = m.map((r) => r.slice());
      const e = k % m.length, s = k % m[0].length;
      w[e][s] = bad;
      throwsNaming(() => C.trainingDynamicsChart(w), "trainingDynamicsChart", "losses");
    }));
    fc.assert(
      fc.property(fc.integer({ min: 51, max: 1e6 }), (k) => {
        throwsNaming(
          () => C.trainingDynamicsChart([[1]], { topK: k }),
          "trainingDynamicsChart",
          "options.topK",
        );
      }),
      { numRuns: 10 },
    );
    throwsNaming(
      () => C.trainingDynamicsChart([1, 2, 3], { epochs: 2 }),
      "trainingDynamicsChart",
      "losses",
    );
    throwsNaming(
      () => C.trainingDynamicsChart([[1, 2]], { ids: ["a", "a"] }),
      "trainingDynamicsChart",
      "options.ids[1]",
    );
  },
);

prop(
  ["Chart", "compileSpec", "renderSVG", "rasterizeSVG", "VEGA_LITE_MIME", "VEGA_LITE_SCHEMA"],
  "Chart keeps its data, compiles, renders one mark per row, and bundles four MIME types",
  async () => {
    const bars = fc.array(fc.double({ min: 0.5, max: 100, noNaN: true }), {
      minLength: 1,
      maxLength: 8,
    });
    const specFor = (v: number[]) => ({
      data: { values: v.map((y, x) => ({ x, y })) },
      mark: "bar" as const,
      encoding: {
        x: { field: "x", type: "ordinal" as const },
        y: { field: "y", type: "quantitative" as const },
      },
    });
    // Cheap checks: the spec keeps its rows and schema, vega-lite compiles it.
    fc.assert(fc.property(bars, fc.string({ minLength: 1 }), (v, text) => {
      fc.pre(text.trim() !== "");
      const chart = new C.Chart(specFor(v), { summary: text });
      const spec = specOf(chart);
      assert.equal(spec.$schema, C.VEGA_LITE_SCHEMA);
      assert.deepEqual(spec.data.values.map((r: Json) => r.y), v);
      assert.equal(chart.summary, text);
      const vg = C.compileSpec(specFor(v)) as Json;
      assert.deepEqual(vg.data[0].values.map((r: Json) => r.y), v);
    }));
    // Rendering is slow: a few runs.
    await fc.assert(
      fc.asyncProperty(bars, fc.integer({ min: 1, max: 2 }), async (v, scale) => {
        const svg = await C.renderSVG(specFor(v));
        const group = /<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1];
        assert.equal((group.match(/<path\b/g) ?? []).length, v.length, "one bar per row");
        const png = await C.rasterizeSVG(svg, { scale });
        const view = new DataView(png.buffer, png.byteOffset);
        const w = Number(/width="(\d+)"/.exec(svg)![1]), h = Number(/height="(\d+)"/.exec(svg)![1]);
        assert.deepEqual([view.getUint32(16), view.getUint32(20)], [w * scale, h * scale]);
        const bundle = await new C.Chart(specFor(v), { summary: "bars" }).toBundle();
        assert.deepEqual(
          Object.keys(bundle).sort(),
          [C.VEGA_LITE_MIME, "image/png", "image/svg+xml", "text/plain"].sort(),
        );
        assert.equal(C.VEGA_LITE_MIME, "application/vnd.vegalite.v5+json");
        assert.ok(!("$schema" in bundle[C.VEGA_LITE_MIME]));
        assert.equal(bundle["text/plain"], "bars");
        assert.equal(bundle["image/svg+xml"], svg);
      }),
      { numRuns: 5 },
    );
    fc.assert(fc.property(fc.oneof(fc.constant(""), fc.constant("  "), fc.integer()), (s) => {
      throwsNaming(() => new C.Chart(specFor([1]), { summary: s as never }), "Chart", "summary");
    }));
    fc.assert(
      fc.property(unknownKey(["summary"]), (key) => {
        throwsNaming(
          () => new C.Chart(specFor([1]), { summary: "s", [key]: 1 } as never),
          "Chart",
          `options.${key}`,
        );
      }),
      { numRuns: 15 },
    );
    for (const bad of [null, 5, "spec", [1]]) {
      throwsNaming(() => new C.Chart(bad as never, { summary: "s" }), "Chart", "spec");
      throwsNaming(() => C.compileSpec(bad as never), "compileSpec", "spec");
      await rejectsNaming(() => C.renderSVG(bad as never), "renderSVG", "spec");
      await rejectsNaming(() => C.rasterizeSVG(bad as never), "rasterizeSVG", "svg");
    }
    throwsNaming(() => C.compileSpec({ mark: "nosuch" } as never), "compileSpec", "spec");
    await rejectsNaming(() => C.rasterizeSVG("not an svg"), "rasterizeSVG", "svg");
    const tiny = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>';
    for (const scale of [0, -1, 9, NaN, Infinity]) {
      await rejectsNaming(() => C.rasterizeSVG(tiny, { scale }), "rasterizeSVG", "options.scale");
    }
    await rejectsNaming(
      () => C.rasterizeSVG(tiny, { scael: 2 } as never),
      "rasterizeSVG",
      "options.scael",
    );
    const chart = new C.Chart(specFor([1]), { summary: "s" });
    await rejectsNaming(() => chart.toPNG({ scale: 0 }), "Chart.toPNG", "options.scale");
    await rejectsNaming(() => chart.save(5 as never), "Chart.save", "path");
    await rejectsNaming(() => chart.save("chart.pdf"), "Chart.save", "path");
  },
);

prop(["CHART_COLORS"], "CHART_COLORS are the colours the charts draw with", () => {
  const hex = /^#[0-9A-Fa-f]{6}$/;
  for (const c of Object.values(C.CHART_COLORS).flat()) assert.match(c, hex);
  assert.equal(new Set(C.CHART_COLORS.categories).size, 8, "eight distinct categories");
  fc.assert(
    fc.property(losses(20), (v) => {
      const spec = specOf(C.perSampleChart(v));
      assert.equal(layerNamed(spec, "samples").mark.color, C.CHART_COLORS.marks);
      assert.equal(layerNamed(spec, "mean_rule").layer[0].mark.color, C.CHART_COLORS.mean);
      assert.equal(layerNamed(spec, "median_rule").layer[0].mark.color, C.CHART_COLORS.median);
      assert.deepEqual(spec.config.range.category, [...C.CHART_COLORS.categories]);
    }),
    { numRuns: 10 },
  );
});
