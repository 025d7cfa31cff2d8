/**
 * The charts the renderer test draws: every chart output of the executed notebooks, and every
 * chart builder (each layout and each aggregation path) on data made here.
 *
 * @module
 */
import { seededRandom } from "../../lib/_core/random.ts";
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
  VEGA_LITE_MIME,
} from "../../lib/charts/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** One chart to draw: where it comes from, its Vega-Lite spec and the MIME types of its bundle. */
export interface ChartCase {
  where: string;
  spec: Record<string, unknown>;
  mimes: string[];
  /** The bundle's static SVG. */
  svg: string;
  /** Bytes of the bundle as the notebook stores it (JSON), for notebook charts. */
  bundleBytes?: number;
}

/** An executed notebook's size and its charts. */
export interface ExecutedNotebook {
  name: string;
  bytes: number;
  charts: ChartCase[];
}

interface NbOutput {
  output_type: string;
  data?: Record<string, unknown>;
}
interface NbCell {
  cell_type: string;
  outputs?: NbOutput[];
}

/** Reads every `*.ipynb` in `dir` (as tools/run_notebooks.py writes them). */
export function readExecuted(dir: string): ExecutedNotebook[] {
  const names = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort();
  return names.map((name) => {
    const text = Deno.readTextFileSync(`${dir}/${name}`);
    const nb = JSON.parse(text) as { cells: NbCell[] };
    const charts: ChartCase[] = [];
    nb.cells.forEach((cell, index) => {
      for (const output of cell.outputs ?? []) {
        const spec = output.data?.[VEGA_LITE_MIME];
        if (!spec) continue;
        charts.push({
          where: `${name} cell ${index + 1}`,
          spec: spec as Record<string, unknown>,
          mimes: Object.keys(output.data!).sort(),
          svg: [output.data!["image/svg+xml"]].flat().join(""),
          bundleBytes: new TextEncoder().encode(JSON.stringify(output.data)).length,
        });
      }
    });
    return { name, bytes: new TextEncoder().encode(text).length, charts };
  });
}

/** Executes every notebook once through the Deno kernel into a new temporary folder. */
export async function executeNotebooks(): Promise<string> {
  const out = await Deno.makeTempDir({ prefix: "losslab-renderer-" });
  const { code, stdout, stderr } = await new Deno.Command("/usr/bin/python3", {
    args: [`${ROOT}tools/run_notebooks.py`, "--no-html", "--out", out],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const log = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    await Deno.remove(out, { recursive: true }).catch(() => {});
    throw new Error(`renderer test: tools/run_notebooks.py failed (exit ${code}):\n${log}`);
  }
  return out;
}

function range<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** One chart from every builder, with each layout and on both sides of every aggregation limit. */
export function builderCharts(): { where: string; chart: Chart }[] {
  const rand = seededRandom(7);
  const losses = (n: number) => range(n, () => -Math.log(1 - 0.98 * rand()));
  const small = losses(60);
  const large = losses(8190);
  const epochs = range(12, (e) => range(40, (s) => Math.exp(-e / (3 + (s % 5))) + 0.05 * (s % 7)));
  const sequences = range(
    6,
    (b) => range(10, (t) => (t < 4 + b ? 0.2 + ((b * 10 + t) % 9) / 4 : 0)),
  );
  const nodes = 30;
  const angle = (i: number) => (2 * Math.PI * i) / nodes;
  const charts: [string, () => Chart][] = [
    ["perSampleChart sorted", () => perSampleChart(small, { ids: range(60, (i) => `s${i}`) })],
    ["perSampleChart data order", () => perSampleChart(small, { order: "data" })],
    ["perSampleChart 8,190 sorted (aggregated)", () => perSampleChart(large)],
    [
      "perSampleChart 8,190 data order (aggregated)",
      () => perSampleChart(large, { order: "data" }),
    ],
    [
      "lossDistributionChart",
      () => lossDistributionChart(small, { quantiles: [0.5, 0.9], topPercent: 10 }),
    ],
    ["lossDistributionChart 8,190", () => lossDistributionChart(large)],
    [
      "lossComparisonChart faceted",
      () => lossComparisonChart({ MSE: small, MAE: small.map(Math.sqrt) }),
    ],
    [
      "lossComparisonChart layered",
      () => lossComparisonChart({ MSE: small, MAE: small.map(Math.sqrt) }, { layout: "layered" }),
    ],
    [
      "lossComparisonChart 8,190 data order",
      () => lossComparisonChart({ a: large, b: large.map((v) => v / 2) }, { order: "data" }),
    ],
    ["trainingDynamicsChart", () => trainingDynamicsChart(epochs, { topK: 3 })],
    [
      "cartographyChart",
      () =>
        cartographyChart({
          confidence: range(200, () => rand()),
          variability: range(200, () => 0.5 * rand()),
          correctness: range(200, (i) => (i % 5) / 4),
        }),
    ],
    [
      "cartographyChart 8,190",
      () =>
        cartographyChart({
          confidence: range(8190, () => rand()),
          variability: range(8190, () => 0.5 * rand()),
          correctness: range(8190, (i) => (i % 5) / 4),
        }),
    ],
    [
      "classShareChart",
      () =>
        classShareChart(range(60, (i) => i % 3), small, {
          classNames: ["sun", "rain", "fog"],
          weights: range(60, (i) => 1 + (i % 3)),
        }),
    ],
    [
      "sequenceHeatmapChart",
      () => sequenceHeatmapChart(sequences, { lengths: range(6, (b) => 4 + b) }),
    ],
    [
      "graphChart",
      () =>
        graphChart({
          x: range(nodes, (i) => Math.cos(angle(i))),
          y: range(nodes, (i) => Math.sin(angle(i))),
          loss: range(nodes, (i) => (i % 6) / 3),
          split: range(nodes, (i): "test" | "train" => (i % 4 === 0 ? "test" : "train")),
          edges: range(nodes, (i) => [i, (i + 1) % nodes]),
        }),
    ],
  ];
  return charts.map(([where, make]) => ({ where: `builder ${where}`, chart: make() }));
}
