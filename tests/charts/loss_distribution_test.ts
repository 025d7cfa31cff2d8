import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks, markTranslates } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { lossDistributionChart } from "../../lib/charts/loss_distribution.ts";

Deno.test("lossDistributionChart: bins, rules and top share, worked by hand", async () => {
  // losses 0, 1, 1, 2, 6 with 3 bins over [0, 6]: [0,2) holds 0,1,1; [2,4) holds 2; [4,6] holds 6.
  // mean = 10 / 5 = 2; median = 1; top 20% = 1 sample (6) of total 10 -> 60%.
  const chart = lossDistributionChart([0, 1, 1, 2, 6], {
    bins: 3,
    topPercent: 20,
    quantiles: [0.5],
  });
  compileSpec(chart.toSpec());
  const rows = (chart.toSpec() as unknown as { layer: { data: { values: { count: number }[] } }[] })
    .layer[0].data.values;
  assert.deepEqual(rows.map((r) => r.count), [3, 1, 1]);
  const svg = await chart.toSVG();
  assert.equal(countMarks(svg, "rect", "histogram"), 3);
  // x scale is [0, 6] over 560 px (not zero-anchored, but 0 is the minimum): mean 2 -> 186.67 px.
  assert.ok(Math.abs(markTranslates(svg, "rule", "mean_rule")[0][0] - 560 / 3) < 0.01);
  assert.ok(Math.abs(markTranslates(svg, "rule", "median_rule")[0][0] - 560 / 6) < 0.01);
  assert.ok(svg.includes("top 20% of samples carry 60% of the total loss"));
  assert.match(chart.summary, /mean 2, median 1, 50th percentile 1/);
});

Deno.test("lossDistributionChart: 100,000 samples draw 30 bars", async () => {
  const v = Float64Array.from({ length: 100_000 }, (_, i) => (i % 1000) / 1000);
  const svg = await lossDistributionChart(v).toSVG();
  assert.equal(countMarks(svg, "rect", "histogram"), 30);
  assert.ok(svg.length < 1_000_000);
});

Deno.test("lossDistributionChart: bad input names the argument", () => {
  assertThrowsWith(() => lossDistributionChart([]), RangeError, "losses is empty");
  assertThrowsWith(() => lossDistributionChart([1, NaN]), RangeError, "NaN at sample 1");
  assertThrowsWith(() => lossDistributionChart([1], { bins: 0 }), RangeError, "options.bins is 0");
  assertThrowsWith(() => lossDistributionChart([1], { quantiles: [1.5] }), RangeError, "1.5");
  assertThrowsWith(() => lossDistributionChart([1], { topPercent: 0 }), RangeError, "topPercent");
});
