import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks, markTranslates } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { lossDistributionChart } from "../../lib/charts/loss_distribution.ts";
import { perSampleChart } from "../../lib/charts/per_sample.ts";
import { lossSummary } from "../../lib/analysis/summary.ts";

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

Deno.test("top 10 % of 314 samples is 32 samples in both charts and in lossSummary", () => {
  // 282 samples of loss 1 and 32 of loss 10: total 602. The top 10 % of 314 is the fewest samples
  // that make up at least 31.4 of them, 32: their 320 of 602 = 53.2 % (31 samples would give 51 %).
  const losses = [...new Array(282).fill(1), ...new Array(32).fill(10)];
  let k = 0;
  while (k / losses.length < 0.1) k++;
  assert.equal(k, 32);
  assert.equal(lossSummary(losses, { topFractions: [0.1] }).topShare["0.1"], 320 / 602);
  assert.match(perSampleChart(losses).summary, /the top 10% of samples carry 53% of the total/);
  assert.match(lossDistributionChart(losses).summary, /top 10% of samples carry 53% of the total/);
});

Deno.test("lossDistributionChart: 100,000 samples draw 30 bars", async () => {
  const v = Float64Array.from({ length: 100_000 }, (_, i) => (i % 1000) / 1000);
  const svg = await lossDistributionChart(v).toSVG();
  assert.equal(countMarks(svg, "rect", "histogram"), 30);
  assert.ok(svg.length < 1_000_000);
});

Deno.test("lossDistributionChart: bad input names the argument", () => {
  assertThrowsWith(() => lossDistributionChart([]), RangeError, "losses is empty");
  assertThrowsWith(() => lossDistributionChart([1, NaN]), RangeError, "first at sample 1 (NaN)");
  assertThrowsWith(() => lossDistributionChart([1], { bins: 0 }), RangeError, "options.bins is 0");
  assertThrowsWith(
    () => lossDistributionChart([1], { quantiles: [0.5, 1.5] }),
    RangeError,
    "options.quantiles[1] is 1.5, expected a number in (0, 1)",
  );
  assertThrowsWith(
    () => lossDistributionChart([1], { topPercent: 0 }),
    RangeError,
    "options.topPercent is 0, expected a number in (0, 100]",
  );
});
