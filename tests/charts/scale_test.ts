/**
 * Every chart builder at 130,000 values (past the ~120,000 where spreading an array into a call
 * overflowed the stack): it builds, aggregates to a spec of bounded size, and states every sample.
 */
import { assert } from "../assert.ts";
import * as C from "../../lib/charts/mod.ts";

const N = 130_000;
const v = Float64Array.from({ length: N }, (_, i) => ((i * 7919) % 997) / 997 + 0.001);
const half = v.map((x) => x / 2);
const labels = Int32Array.from({ length: N }, (_, i) => i % 3);
const ids = Array.from({ length: N }, (_, i) => `s${i}`);

// Each builder at N values, with the count its summary must state.
const cases: [string, () => C.Chart, string][] = [
  ["perSampleChart sorted", () => C.perSampleChart(v, { ids }), "130,000 samples"],
  ["perSampleChart data", () => C.perSampleChart(v, { order: "data" }), "130,000 samples"],
  ["lossDistributionChart", () => C.lossDistributionChart(v), "130,000 samples"],
  ["lossComparisonChart", () => C.lossComparisonChart({ a: v, b: half }), "130,000 samples"],
  [
    "classShareChart",
    () => C.classShareChart(labels, v, { weights: v, gradients: v }),
    "130,000 samples",
  ],
  [
    "cartographyChart",
    () => C.cartographyChart({ confidence: v, variability: half, correctness: v }, { ids }),
    "130,000 samples",
  ],
  [
    "graphChart",
    () =>
      C.graphChart({
        x: v,
        y: half,
        loss: v,
        edges: Array.from({ length: N }, (_, i) => [i, (i + 1) % N]),
      }, { ids }),
    "130,000 nodes and 130,000 edges",
  ],
  [
    "sequenceHeatmapChart rows",
    () => C.sequenceHeatmapChart(Array.from(v, (x) => [x]), { ids }),
    "130,000 sequences",
  ],
  ["sequenceHeatmapChart steps", () => C.sequenceHeatmapChart([v]), "130,000 steps"],
  [
    "trainingDynamicsChart samples",
    () => C.trainingDynamicsChart(v, { epochs: 10, samples: N / 10, ids: ids.slice(0, N / 10) }),
    "13,000 samples over 10 epochs",
  ],
  [
    "trainingDynamicsChart epochs",
    () => C.trainingDynamicsChart(v, { epochs: N, samples: 1 }),
    "1 samples over 130,000 epochs",
  ],
];

for (const [name, build, count] of cases) {
  Deno.test(`scale: ${name} at 130,000 values`, () => {
    const chart = build();
    assert.ok(chart.summary.includes(count), chart.summary);
    assert.ok(!/NaN|Infinity|undefined/.test(chart.summary), chart.summary);
    const bytes = JSON.stringify(chart.toSpec()).length;
    assert.ok(bytes < 1_000_000, `${name}: spec is ${bytes} bytes`);
  });
}

Deno.test("scale: the charts that overflowed before draw at 130,000 values", async () => {
  const map = C.cartographyChart({ confidence: v, variability: half, correctness: v });
  assert.ok((await map.toSVG()).startsWith("<svg"));
  const rows = C.sequenceHeatmapChart(Array.from(v, (x) => [x]));
  const svg = await rows.toSVG();
  assert.ok(svg.includes("first 200 of 130,000 sequences shown"));
  const epochs = await C.trainingDynamicsChart(v, { epochs: N, samples: 1 }).toSVG();
  assert.ok(epochs.includes("130,000 epochs: 500 drawn, evenly spaced"));
});
