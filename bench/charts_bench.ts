/**
 * `deno task bench charts`: every chart kind built from 100,000 samples (or cells, or nodes) and
 * rendered to SVG, and to PNG. Times are one cold run each (building includes reading inputs and
 * aggregation); the SVG size must stay under 1 MB.
 *
 * @module
 */
import {
  cartographyChart,
  type Chart,
  classShareChart,
  graphChart,
  lossComparisonChart,
  lossDistributionChart,
  perSampleChart,
  sequenceHeatmapChart,
  trainingDynamicsChart,
} from "../lib/mod.ts";
import { seededRandom } from "../lib/runtime/mod.ts";

const N = 100_000;
const rand = seededRandom(1);
const losses = Float64Array.from({ length: N }, () => -Math.log(1 - rand()));
const labels = Array.from({ length: N }, () => (rand() < 0.9 ? 0 : 1));
const E = 10, S = N / E;
const dyn = Float32Array.from(
  { length: E * S },
  (_, i) => losses[i] * Math.exp(-Math.floor(i / S) / 4),
);

const kinds: [string, () => Chart][] = [
  ["perSample (sorted)", () => perSampleChart(losses)],
  ["perSample (data order)", () => perSampleChart(losses, { order: "data" })],
  ["distribution", () => lossDistributionChart(losses)],
  [
    "comparison (2 losses)",
    () => lossComparisonChart({ a: losses, b: losses.map((x) => Math.sqrt(x)) }),
  ],
  [
    "class share",
    () =>
      classShareChart(labels, losses, {
        weights: labels.map((l) => (l ? 9 : 1)),
        gradients: losses,
      }),
  ],
  ["training dynamics (10 × 10,000)", () => trainingDynamicsChart(dyn, { epochs: E, samples: S })],
  [
    "cartography",
    () =>
      cartographyChart({
        confidence: losses.map((x) => Math.exp(-x)),
        variability: losses.map((x) => Math.min(0.5, x / 10)),
        correctness: labels,
      }),
  ],
  [
    "sequence heatmap (200 × 500)",
    () =>
      sequenceHeatmapChart(
        Array.from({ length: 200 }, (_, b) => Array.from(losses.subarray(b * 500, b * 500 + 500))),
        { lengths: Array.from({ length: 200 }, (_, b) => 100 + (b % 400)) },
      ),
  ],
  [
    "graph (100,000 nodes, 100,000 edges)",
    () =>
      graphChart({
        x: losses.map((_, i) => Math.cos(i)),
        y: losses.map((_, i) => Math.sin(i * 1.3)),
        loss: losses,
        edges: Array.from({ length: N }, (_, i) => [i, (i * 7 + 1) % N]),
      }),
  ],
];

console.log(
  "| chart (100,000 inputs) | build (ms) | SVG (ms) | PNG (ms) | SVG size (KB) | marks drawn |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const [name, make] of kinds) {
  const t0 = performance.now();
  const chart = make();
  const t1 = performance.now();
  const svg = await chart.toSVG();
  const t2 = performance.now();
  await chart.toPNG();
  const t3 = performance.now();
  const marks = (svg.match(/<(path|line|rect)\b/g) ?? []).length;
  console.log(
    `| ${name} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(0)} | ${(t3 - t2).toFixed(0)} | ${
      (svg.length / 1024).toFixed(0)
    } | ${marks} |`,
  );
  if (svg.length >= 1_000_000) console.log(`  ${name}: SVG is over 1 MB`);
}
