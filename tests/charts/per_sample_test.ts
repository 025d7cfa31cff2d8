import * as tf from "@tensorflow/tfjs";
import { assert, assertNoLeak, assertThrowsWith } from "../assert.ts";
import { countMarks, markTranslates } from "../chart_helpers.ts";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { perSampleChart } from "../../lib/charts/per_sample.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("perSampleChart: one dot per sample, mean and median rules at hand-worked pixels", async () => {
  // losses 0.1, 0.2, 0.3, 3.4: mean = 4.0 / 4 = 1, median = (0.2 + 0.3) / 2 = 0.25 (by hand).
  // y axis is zero-based and "nice": max 3.4 rounds up to 3.5, so over 280 px a value v sits at
  // 280 - 280 * v / 3.5 px: mean 1 -> 200 px, median 0.25 -> 260 px.
  const chart = perSampleChart([0.3, 0.1, 3.4, 0.2]);
  compileSpec(chart.toSpec());
  const svg = await chart.toSVG();
  assert.equal(countMarks(svg, "symbol", "samples"), 4);
  assert.equal(countMarks(svg, "rule", "mean_rule"), 1);
  assert.equal(markTranslates(svg, "rule", "mean_rule")[0][1], 200);
  assert.equal(markTranslates(svg, "rule", "median_rule")[0][1], 260);
  assert.ok(svg.includes(">mean 1<"), "mean label");
  assert.ok(svg.includes(">median 0.25<"), "median label");
  // Sorted order: x positions rise left to right while losses rise (y pixels fall).
  const ys = markTranslates(svg, "symbol", "samples").map(([, y]) => y);
  assert.deepEqual([...ys].sort((a, b) => b - a), ys);
  assert.match(chart.summary, /mean 1, median 0.25, lowest 0.1, highest 3.4/);
  // top 10% of 4 samples = 1 sample (3.4) of a total 4.0 -> 85%.
  assert.match(chart.summary, /carry 85%/);
});

Deno.test("perSampleChart: data order keeps positions, tooltips carry ids and extra columns", () => {
  const chart = perSampleChart(new Float32Array([2, 1]), {
    order: "data",
    ids: ["a", "b"],
    tooltip: { "input x": [10, 20], target: ["cat", "dog"] },
    lossName: "squared error",
  });
  const spec = chart.toSpec() as unknown as {
    layer: { data: { values: Record<string, unknown>[] } }[];
  };
  const rows = spec.layer[0].data.values;
  assert.deepEqual(rows.map((r) => [r.position, r.sample, r.loss]), [[0, "a", 2], [1, "b", 1]]);
  assert.deepEqual(rows.map((r) => [r.extra0, r.extra1]), [[10, "cat"], [20, "dog"]]);
  const json = JSON.stringify(chart.toSpec());
  assert.ok(json.includes('"title":"input x"') && json.includes("squared error"));
  compileSpec(chart.toSpec());
});

Deno.test("perSampleChart: accepts a [n, 1] tensor without leaking", async () => {
  const t = tf.tensor2d([[1], [3]]);
  const chart = await assertNoLeak(() => perSampleChart(t));
  t.dispose();
  assert.match(chart.summary, /mean 2, median 2/); // (1 + 3) / 2 = 2 both
});

Deno.test("perSampleChart: large inputs aggregate, say so, and stay under 1 MB", async () => {
  const rand = (() => {
    let s = 1;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  })();
  const n = 20_000;
  const losses = Float64Array.from({ length: n }, () => -Math.log(1 - rand()));
  const sorted = perSampleChart(losses);
  const svg = await sorted.toSVG();
  assert.equal(countMarks(svg, "symbol", "samples"), 2000);
  assert.ok(svg.includes("20,000 samples: 2,000 drawn"), "subtitle states the sample");
  assert.ok(svg.length < 1_000_000, `SVG is ${svg.length} bytes`);
  const data = perSampleChart(losses, { order: "data" });
  const svg2 = await data.toSVG();
  assert.equal(countMarks(svg2, "symbol", "samples"), 1000);
  assert.ok(svg2.includes("drawn as 1,000 bins"));
  assert.ok(svg2.length < 1_000_000);
  // At exactly the limit every sample is still drawn, within 1 MB.
  const atLimit = await perSampleChart(losses.subarray(0, 5000)).toSVG();
  assert.equal(countMarks(atLimit, "symbol", "samples"), 5000);
  assert.ok(atLimit.length < 1_000_000, `SVG at 5000 samples is ${atLimit.length} bytes`);
});

Deno.test("perSampleChart: bad input names the argument", () => {
  assertThrowsWith(() => perSampleChart([]), RangeError, "perSampleChart", "losses is empty");
  assertThrowsWith(
    () => perSampleChart([1, NaN, 2, Infinity]),
    RangeError,
    "losses has 2 non-finite values",
    "first at sample 1 (NaN), sample 3 (Infinity)",
  );
  assertThrowsWith(
    () => perSampleChart([1, 2], { ids: ["a"] }),
    RangeError,
    "options.ids has 1 entries",
    "2 samples",
  );
  assertThrowsWith(
    () => perSampleChart([1, 2], { tooltip: { target: [1, 2, 3] } }),
    RangeError,
    "options.tooltip.target has 3 entries",
  );
  const t = tf.zeros([2, 3]);
  assertThrowsWith(() => perSampleChart(t), RangeError, "losses has shape [2, 3]");
  t.dispose();
  assertThrowsWith(
    () => perSampleChart([[1, 2]] as unknown as number[]),
    TypeError,
    "losses[0] is an array",
  );
  assertThrowsWith(
    () => perSampleChart([1], { order: "random" as "data" }),
    RangeError,
    'options.order is "random"',
  );
});

Deno.test("perSampleChart: no share of the total is stated for negative or all-zero values", () => {
  // Cosine-similarity losses are negative: "the top 10% carry -50%" would be nonsense.
  const negative = perSampleChart([-1, -2, 1]);
  assert.match(negative.summary, /mean -0.667, median -1, lowest -2, highest 1\.$/);
  assert.ok(!JSON.stringify(negative.toSpec()).includes("carry"));
  assert.ok(!perSampleChart([0, 0]).summary.includes("carry"));
});
