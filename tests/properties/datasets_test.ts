/**
 * Properties of the dataset exports: the loaders' seeded splits partition the kept rows (counted
 * here by a plain pass over the same vega-datasets files), stratification keeps every class's
 * share within one row, standardisation uses training rows only; the *FromJson / *FromRows
 * builders agree with plain loops on generated data and name the argument of malformed input;
 * no tensor is left.
 */
import { fc, near, prop, throwsNaming } from "./_fc.ts";
import { assert } from "../assert.ts";
import { setupBackend } from "../../lib/runtime/mod.ts";
import {
  loadAnscombe,
  loadCars,
  loadMiserables,
  loadPenguins,
  loadSeattleWeather,
  loadStocks,
  miserablesFromJson,
  stocksFromRows,
  type TabularDataset,
} from "../../lib/datasets/mod.ts";

await setupBackend({ backend: "cpu", seed: 0 });

const DATA = new URL("../../node_modules/vega-datasets/data/", import.meta.url);
const readJson = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, DATA)));
function readCsv(name: string): Record<string, string>[] {
  const lines = Deno.readTextFileSync(new URL(name, DATA)).split(/\r?\n/).filter((l) => l !== "");
  const header = lines[0].split(",");
  return lines.slice(1).map((l) => {
    const f = l.split(",");
    return Object.fromEntries(header.map((h, i) => [h, f[i]]));
  });
}

/** Fractions k/20 in [0, 0.9]: round-number shares make the per-class expectation easy to state. */
const fraction = fc.integer({ min: 0, max: 18 }).map((k) => k / 20);
const seed = fc.integer({ min: -1_000_000, max: 1_000_000 });
const unknownKey = fc.constantFrom("validation_split", "seeds", "Seed", "split", "shuffle");

const LOADERS = {
  loadCars: {
    load: loadCars,
    file: () => readJson("cars.json") as Record<string, unknown>[],
    features: ["Horsepower", "Weight_in_lbs", "Acceleration", "Displacement"],
    target: "Miles_per_Gallon",
    classification: false,
  },
  loadPenguins: {
    load: loadPenguins,
    file: () => readJson("penguins.json") as Record<string, unknown>[],
    features: ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"],
    target: "Species",
    classification: true,
  },
  loadSeattleWeather: {
    load: loadSeattleWeather,
    file: () => readCsv("seattle-weather.csv") as Record<string, unknown>[],
    features: ["precipitation", "temp_max", "temp_min", "wind"],
    target: "weather",
    classification: true,
  },
};

const missing = (v: unknown) =>
  v === null || v === undefined || v === "" || v === "NA" || v === "." ||
  (typeof v === "number" && !Number.isFinite(v));

prop(
  ["loadCars", "loadPenguins", "loadSeattleWeather"],
  "tabular loaders: seeded splits partition the kept rows, stratified within one row per class",
  () => {
    const loaderCase = fc.record({
      name: fc.constantFrom(...Object.keys(LOADERS) as (keyof typeof LOADERS)[]),
      validationSplit: fraction,
      seed,
      drop: fc.integer({ min: 0, max: 3 }),
    });
    const files = new Map<string, Record<string, unknown>[]>();
    fc.assert(
      fc.property(loaderCase, unknownKey, ({ name, validationSplit, seed, drop }, key) => {
        const spec = LOADERS[name];
        if (!files.has(name)) files.set(name, spec.file());
        const all = files.get(name)!;
        // A non-empty subset of the default features.
        const features = spec.features.filter((_, i) => i !== drop);
        const used = [...features, spec.target];
        // Plain pass over the file: kept rows, and rows per class.
        const kept = all.filter((r) => !used.some((c) => missing(r[c])));
        const ds: TabularDataset = spec.load({ validationSplit, seed, features });
        try {
          assert.equal(ds.totalRows, all.length);
          assert.equal(ds.rows.length, kept.length);
          assert.equal(ds.droppedRows, all.length - kept.length);
          const { train, validation } = ds.split;
          assert.equal(train.length + validation.length, kept.length);
          const seen = new Uint8Array(kept.length);
          for (const i of [...train, ...validation]) seen[i]++;
          assert.ok(seen.every((c) => c === 1), "train and validation overlap or miss a row");
          assert.deepEqual(ds.xTrain.shape, [train.length, features.length]);
          assert.deepEqual(ds.xVal.shape, [validation.length, features.length]);
          assert.equal(ds.yTrain.shape[0], train.length);
          if (spec.classification) {
            const classes = [...new Set(kept.map((r) => String(r[spec.target])))].sort();
            assert.deepEqual(ds.classNames, classes);
            for (let c = 0; c < classes.length; c++) {
              const nc = kept.filter((r) => String(r[spec.target]) === classes[c]).length;
              let inVal = 0;
              for (const l of ds.labelsVal!) if (l === c) inVal++;
              assert.ok(
                Math.abs(inVal - validationSplit * nc) <= 1,
                `${classes[c]}: ${inVal} of ${nc}`,
              );
            }
          } else {
            assert.ok(Math.abs(validation.length - validationSplit * kept.length) <= 1);
          }
          // Standardised with the training rows' own mean and population std (plain loop).
          const x = ds.xTrain.dataSync();
          features.forEach((f, j) => {
            const v = ds.trainRows.map((r) => Number(r[f]));
            let mean = 0, sq = 0;
            for (const a of v) mean += a / v.length;
            for (const a of v) sq += (a - mean) ** 2 / v.length;
            const std = Math.sqrt(sq) || 1;
            for (const r of [0, v.length - 1]) {
              const want = (v[r] - mean) / std;
              assert.ok(near(x[r * features.length + j], want, want), `${f} row ${r}`);
            }
          });
          // Same seed, same split.
          const again = spec.load({ validationSplit, seed, features });
          assert.deepEqual(again.split, ds.split);
          again.dispose();
        } finally {
          ds.dispose();
        }
        for (const bad of [1, -0.05, 1.5, NaN, Infinity]) {
          throwsNaming(() => spec.load({ validationSplit: bad }), name, "options.validationSplit");
        }
        throwsNaming(() => spec.load({ seed: seed + 0.5 }), name, "options.seed");
        throwsNaming(() => spec.load({ [key]: 1 } as never), name, `options.${key}`);
        throwsNaming(
          () => spec.load({ features: [...features, "nope"] }),
          name,
          `options.features[${features.length}]`,
        );
        throwsNaming(() => spec.load({ features: [] }), name, "options.features");
        throwsNaming(() => spec.load({ features: "wind" as never }), name, "options.features");
        throwsNaming(() => spec.load(3 as never), name, "options");
      }),
      { numRuns: 12 },
    );
    // validationSplit 0 (allowed) holds out nothing: empty validation tensors, every row trains.
    for (const [name, spec] of Object.entries(LOADERS)) {
      const ds = spec.load({ validationSplit: 0 });
      try {
        assert.deepEqual(ds.xVal.shape, [0, spec.features.length], name);
        assert.equal(ds.yVal.shape[0], 0);
        assert.equal(ds.split.train.length, ds.rows.length);
      } finally {
        ds.dispose();
      }
    }
  },
);

prop(["loadAnscombe"], "loadAnscombe: four series of 11, tensors equal the file's rows", () => {
  const file = readJson("anscombe.json") as { Series: string; X: number; Y: number }[];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 }), (k) => {
      const a = loadAnscombe();
      try {
        const names = [...new Set(file.map((r) => r.Series))];
        assert.deepEqual(a.series.map((s) => s.name), names);
        const s = a.series[k];
        const own = file.filter((r) => r.Series === names[k]);
        assert.deepEqual(s.x.shape, [own.length, 1]);
        const x = s.x.dataSync(), y = s.y.dataSync();
        own.forEach((r, i) => assert.ok(near(x[i], r.X, r.X) && near(y[i], r.Y, r.Y)));
        assert.equal(s.rows.length, own.length);
      } finally {
        a.dispose();
      }
    }),
    { numRuns: 4 },
  );
});

/** `D^-½ (A + I) D^-½`, A symmetric 0/1 (duplicate and reversed links count once). */
function plainAdjacency(n: number, links: { source: number; target: number }[]): number[] {
  const a = Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)),
  );
  for (const { source: s, target: t } of links) if (s !== t) a[s][t] = a[t][s] = 1;
  const deg = a.map((r) => r.reduce((p, q) => p + q, 0));
  return a.flatMap((r, i) => r.map((v, j) => v / Math.sqrt(deg[i] * deg[j])));
}

prop(
  ["loadMiserables"],
  "loadMiserables: the node split partitions the nodes, each group within one node",
  () => {
    const file = readJson("miserables.json") as {
      nodes: { group: number }[];
      links: { source: number; target: number }[];
    };
    const small = fc.integer({ min: 0, max: 9 }).map((k) => k / 20);
    fc.assert(
      fc.property(seed, small, small, unknownKey, (seed, testSplit, validationSplit, key) => {
        const g = loadMiserables({ seed, testSplit, validationSplit });
        try {
          const n = file.nodes.length;
          assert.equal(g.numNodes, n);
          assert.equal(g.edges.length, file.links.length);
          assert.deepEqual(Array.from(g.labels.dataSync()), file.nodes.map((v) => v.group));
          const masks = [g.trainMask, g.validationMask, g.testMask].map((m) => m.dataSync());
          g.split.forEach((s, i) => {
            const want = [s === "train", s === "validation", s === "test"].map(Number);
            assert.deepEqual(masks.map((m) => m[i]), want, `node ${i}`);
          });
          for (const group of new Set(file.nodes.map((v) => v.group))) {
            const members = file.nodes.map((v, i) => (v.group === group ? i : -1)).filter((i) =>
              i >= 0
            );
            const test = members.filter((i) => g.split[i] === "test").length;
            assert.ok(Math.abs(test - testSplit * members.length) <= 1, `group ${group}`);
          }
        } finally {
          g.dispose();
        }
        const fn = "loadMiserables";
        throwsNaming(() => loadMiserables({ testSplit: 1 }), fn, "options.testSplit");
        throwsNaming(
          () => loadMiserables({ validationSplit: -0.1 }),
          fn,
          "options.validationSplit",
        );
        throwsNaming(() => loadMiserables({ seed: seed + 0.5 }), fn, "options.seed");
        throwsNaming(() => loadMiserables({ [key]: 1 } as never), fn, `options.${key}`);
        throwsNaming(
          () => loadMiserables({ testSplit: 0.9, validationSplit: 0.9 }),
          fn,
          "options.testSplit",
        );
      }),
      { numRuns: 10 },
    );
    // The adjacency, once: D^-½ (A + I) D^-½ of the file's links.
    const g = loadMiserables();
    try {
      const a = g.adjacency.dataSync(), want = plainAdjacency(file.nodes.length, file.links);
      want.forEach((v, i) => assert.ok(near(a[i], v, v), `adjacency[${i}]`));
    } finally {
      g.dispose();
    }
  },
);

/** A small graph in miserables.json's layout. */
const graphJson = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc.record({
    nodes: fc.array(
      fc.record({ name: fc.string({ maxLength: 4 }), group: fc.integer({ min: 0, max: 3 }) }),
      { minLength: n, maxLength: n },
    ),
    // Links between two different nodes (a single node has none).
    links: fc.array(
      fc.record({
        source: fc.integer({ min: 0, max: n - 1 }),
        step: fc.integer({ min: 1, max: Math.max(1, n - 1) }),
        value: fc.integer({ min: 0, max: 30 }),
      }).map(({ source, step, value }) => ({ source, target: (source + step) % n, value })),
      { maxLength: n > 1 ? 12 : 0 },
    ),
  })
);

type Malformation = (d: { nodes: unknown[]; links: unknown[] }) => [unknown, string];

/** Ways to break a valid graph, each with the argument the error must name. */
const MALFORMED: Malformation[] = [
  () => [null, "data"],
  () => [[], "data"],
  (d) => [{ nodes: d.nodes }, "data"],
  (d) => [{ nodes: [], links: d.links }, "data.nodes"],
  (d) => [{ ...d, nodes: [...d.nodes, { group: 0 }] }, `data.nodes[${d.nodes.length}]`],
  (d) => [{ ...d, nodes: [...d.nodes, { name: "x", group: -1 }] }, `data.nodes[${d.nodes.length}]`],
  (
    d,
  ) => [{ ...d, nodes: [...d.nodes, { name: "x", group: 0.5 }] }, `data.nodes[${d.nodes.length}]`],
  (
    d,
  ) => [{ ...d, nodes: [...d.nodes, { name: "x", group: NaN }] }, `data.nodes[${d.nodes.length}]`],
  (d) => [{ ...d, nodes: [...d.nodes, null] }, `data.nodes[${d.nodes.length}]`],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: 0, target: d.nodes.length }] },
    `data.links[${d.links.length}].target`,
  ],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: -1, target: 0 }] },
    `data.links[${d.links.length}].source`,
  ],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: 0, target: NaN }] },
    `data.links[${d.links.length}].target`,
  ],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: 0, target: 0, value: NaN }] },
    `data.links[${d.links.length}].value`,
  ],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: 0, target: 0, value: -1 }] },
    `data.links[${d.links.length}].value`,
  ],
  (
    d,
  ) => [
    { ...d, links: [...d.links, { source: 0, target: 0, value: Infinity }] },
    `data.links[${d.links.length}].value`,
  ],
  (d) => [{ ...d, links: [...d.links, { source: 0 }] }, `data.links[${d.links.length}]`],
  (d) => [{ ...d, links: [...d.links, "0-1"] }, `data.links[${d.links.length}]`],
];

prop(
  ["miserablesFromJson"],
  "miserablesFromJson: labels, edges and adjacency equal plain loops; malformed graphs named",
  () => {
    fc.assert(
      fc.property(graphJson, fc.nat(MALFORMED.length - 1), seed, (d, m, seed) => {
        const g = miserablesFromJson(d, { seed, testSplit: 0, validationSplit: 0 });
        try {
          const n = d.nodes.length;
          assert.equal(g.numNodes, n);
          assert.equal(g.numClasses, d.nodes.reduce((a, v) => Math.max(a, v.group), 0) + 1);
          assert.deepEqual(Array.from(g.labels.dataSync()), d.nodes.map((v) => v.group));
          assert.deepEqual(g.edges, d.links.map((l) => [l.source, l.target]));
          assert.deepEqual(g.links.map((l) => l.value), d.links.map((l) => l.value));
          assert.ok(g.split.every((s) => s === "train"), "no held-out share: every node trains");
          const a = g.adjacency.dataSync(), want = plainAdjacency(n, d.links);
          want.forEach((v, i) => assert.ok(near(a[i], v, v), `adjacency[${i}]`));
          const eye = g.features.dataSync();
          for (let i = 0; i < n * n; i++) assert.equal(eye[i], i % (n + 1) === 0 ? 1 : 0);
        } finally {
          g.dispose();
        }
        const [bad, arg] = MALFORMED[m](d);
        throwsNaming(() => miserablesFromJson(bad), "miserablesFromJson", arg);
        throwsNaming(
          () => miserablesFromJson(d, { seed: 0.5 }),
          "miserablesFromJson",
          "options.seed",
        );
        throwsNaming(
          () => miserablesFromJson(d, { testSplit: 1 }),
          "miserablesFromJson",
          "options.testSplit",
        );
      }),
    );
  },
);

prop(
  ["loadStocks"],
  "loadStocks: train and validation steps split the real steps in time; x standardised on train",
  () => {
    const csv = readCsv("stocks.csv");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), unknownKey, (validationMonths, key) => {
        const s = loadStocks({ validationMonths });
        try {
          assert.equal(s.rows.length, csv.length);
          assert.deepEqual(s.symbols, [...new Set(csv.map((r) => r.symbol))]);
          const [S, time] = s.mask.shape as [number, number];
          const mask = s.mask.dataSync(),
            tr = s.trainMask.dataSync(),
            va = s.validationMask.dataSync();
          const x = s.x.dataSync(), y = s.y.dataSync();
          let sum = 0, sq = 0, count = 0;
          for (let i = 0; i < S * time; i++) {
            const t = i % time;
            assert.equal(tr[i] + va[i], mask[i], `step ${i}`);
            assert.equal(va[i], mask[i] && t >= time - validationMonths ? 1 : 0);
            // The target of step t is the input of step t + 1.
            if (mask[i] && t + 1 < time && mask[i + 1]) assert.ok(near(y[i], x[i + 1], y[i]));
            if (tr[i]) {
              sum += x[i];
              count++;
            }
          }
          const mean = sum / count;
          for (let i = 0; i < S * time; i++) if (tr[i]) sq += (x[i] - mean) ** 2 / count;
          assert.ok(Math.abs(mean) < 1e-4 && Math.abs(Math.sqrt(sq) - 1) < 1e-4, `${mean} ${sq}`);
          // Real steps per symbol: its months with a price in the next month too (plain count).
          s.symbols.forEach((sym, k) => {
            const months = csv.filter((r) => r.symbol === sym).length;
            assert.equal(s.tokenCounts[k], months - 1);
          });
        } finally {
          s.dispose();
        }
        throwsNaming(
          () => loadStocks({ validationMonths: 1.5 }),
          "loadStocks",
          "options.validationMonths",
        );
        throwsNaming(
          () => loadStocks({ validationMonths: -1 }),
          "loadStocks",
          "options.validationMonths",
        );
        throwsNaming(
          () => loadStocks({ validationMonths: 500 }),
          "loadStocks",
          "options.validationMonths",
        );
        throwsNaming(() => loadStocks({ [key]: 1 } as never), "loadStocks", `options.${key}`);
      }),
      { numRuns: 6 },
    );
  },
);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Symbols with contiguous monthly prices on a calendar starting Jan 2000. */
const stockRows = fc.array(
  fc.record({
    start: fc.integer({ min: 0, max: 4 }),
    length: fc.integer({ min: 1, max: 8 }),
    prices: fc.array(fc.integer({ min: 1, max: 2000 }).map((v) => v / 4), {
      minLength: 8,
      maxLength: 8,
    }),
  }),
  { minLength: 1, maxLength: 3 },
).map((symbols) =>
  symbols.flatMap((s, k) =>
    Array.from({ length: s.length }, (_, j) => {
      const m = s.start + j;
      return {
        symbol: `S${k}`,
        date: `${MONTHS[m % 12]} 1 ${2000 + Math.floor(m / 12)}`,
        price: String(s.prices[j]),
        month: m,
      };
    })
  )
);

/** Ways to break valid rows, each with the argument the error must name. */
const BROKEN_ROW: ((r: Record<string, string>) => [unknown, string])[] = [
  (r) => [{ ...r, price: "NaN" }, "price"],
  (r) => [{ ...r, price: "Infinity" }, "price"],
  (r) => [{ ...r, price: "-1" }, "price"],
  (r) => [{ ...r, price: "0" }, "price"],
  (r) => [{ ...r, price: "" }, "price"],
  (r) => [{ ...r, price: "ten" }, "price"],
  (r) => [{ symbol: r.symbol, date: r.date }, "price"],
  (r) => [{ ...r, date: "2000-01-01" }, "date"],
  (r) => [{ ...r, date: "Foo 1 2000" }, "date"],
  (r) => [{ symbol: r.symbol, price: r.price }, "date"],
  (r) => [{ ...r, symbol: "" }, "symbol"],
  () => [null, ""],
  () => ["MSFT,Jan 1 2000,39.81", ""],
];

prop(
  ["stocksFromRows"],
  "stocksFromRows: masks and standardised log prices equal a plain loop; malformed rows named",
  () => {
    fc.assert(
      fc.property(
        stockRows,
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.nat(BROKEN_ROW.length - 1),
        (generated, validationMonths, at, how) => {
          const rows = generated.map(({ symbol, date, price }) => ({ symbol, date, price }));
          const first = Math.min(...generated.map((r) => r.month));
          const last = Math.max(...generated.map((r) => r.month));
          const time = last - first;
          const symbols = [...new Set(generated.map((r) => r.symbol))];
          // Plain loop: log prices on the grid, real steps, training inputs, their mean and std.
          const logp = symbols.map(() => new Array<number>(time + 1).fill(NaN));
          for (const r of generated) {
            logp[symbols.indexOf(r.symbol)][r.month - first] = Math.log(Number(r.price));
          }
          const train: number[] = [];
          for (const row of logp) {
            for (let t = 0; t < time; t++) {
              if (
                !Number.isNaN(row[t]) && !Number.isNaN(row[t + 1]) && t < time - validationMonths
              ) {
                train.push(row[t]);
              }
            }
          }
          const fn = "stocksFromRows";
          if (time < 1 || train.length < 2 || new Set(train).size < 2) {
            // Too little to build or standardise: refused, naming what to change.
            throwsNaming(
              () => stocksFromRows(rows, { validationMonths }),
              fn,
              time < 1 ? "csvRows" : "options.validationMonths",
            );
          } else {
            let mean = 0, sq = 0;
            for (const v of train) mean += v / train.length;
            for (const v of train) sq += (v - mean) ** 2 / train.length;
            const std = Math.sqrt(sq);
            const s = stocksFromRows(rows, { validationMonths });
            try {
              assert.deepEqual(s.symbols, symbols);
              assert.equal(s.months.length, time);
              assert.deepEqual(s.x.shape, [symbols.length, time, 1]);
              const x = s.x.dataSync(), y = s.y.dataSync(), mask = s.mask.dataSync();
              logp.forEach((row, k) => {
                for (let t = 0; t < time; t++) {
                  const real = !Number.isNaN(row[t]) && !Number.isNaN(row[t + 1]);
                  const i = k * time + t;
                  assert.equal(mask[i], real ? 1 : 0, `mask ${k} ${t}`);
                  const wx = real ? (row[t] - mean) / std : 0,
                    wy = real ? (row[t + 1] - mean) / std : 0;
                  assert.ok(near(x[i], wx, wx) && near(y[i], wy, wy), `x/y ${k} ${t}`);
                }
              });
              assert.ok(
                near(s.standardization.mean, mean, mean) && near(s.standardization.std, std, std),
              );
            } finally {
              s.dispose();
            }
          }
          const i = at % rows.length;
          const [bad, field] = BROKEN_ROW[how](rows[i]);
          const broken = rows.map((r, j) => (j === i ? bad : r)) as never;
          throwsNaming(
            () => stocksFromRows(broken),
            fn,
            `csvRows[${i}]${field ? "." + field : ""}`,
          );
          const dup = rows.length;
          throwsNaming(() => stocksFromRows([...rows, { ...rows[0] }]), fn, `csvRows[${dup}]`);
          throwsNaming(() => stocksFromRows([]), fn, "csvRows");
          throwsNaming(() => stocksFromRows({} as never), fn, "csvRows");
          throwsNaming(
            () => stocksFromRows(rows, { validationMonths: -1 }),
            fn,
            "options.validationMonths",
          );
          throwsNaming(() => stocksFromRows(rows, { months: 1 } as never), fn, "options.months");
        },
      ),
      { numRuns: 40 },
    );
  },
);
