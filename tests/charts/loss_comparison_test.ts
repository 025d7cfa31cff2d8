import { assert, assertThrowsWith } from "../assert.ts";
import { countAllMarks } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { lossComparisonChart } from "../../lib/charts/loss_comparison.ts";

Deno.test("lossComparisonChart: a panel per loss with its own mean (by hand)", async () => {
  // MSE of errors 0, 1, 4 is 0, 1, 16 (mean 17/3 = 5.67); Huber (delta 1) is 0, 0.5, 3.5 (mean 4/3).
  const series = { MSE: [0, 1, 16], Huber: [0, 0.5, 3.5] };
  for (const layout of ["faceted", "layered"] as const) {
    const chart = lossComparisonChart(series, { layout });
    compileSpec(chart.toSpec());
    const svg = await chart.toSVG();
    assert.equal(countAllMarks(svg, "symbol", "samples"), 6, layout);
    assert.equal(countAllMarks(svg, "rule", "mean_rule"), 2, layout);
    assert.ok(svg.includes("mean 5.67") && svg.includes("mean 1.33"), layout);
  }
  assert.match(lossComparisonChart(series).summary, /mean of each: MSE 5.67, Huber 1.33/);
});

Deno.test("lossComparisonChart: large inputs draw a stated sample", async () => {
  const v = Float64Array.from({ length: 50_000 }, (_, i) => i % 97);
  const svg = await lossComparisonChart({ a: v, b: v }).toSVG();
  assert.equal(countAllMarks(svg, "symbol", "samples"), 4000);
  assert.ok(svg.includes("2,000 drawn per loss") && svg.length < 1_000_000);
});

Deno.test("lossComparisonChart: bad input names the argument", () => {
  assertThrowsWith(() => lossComparisonChart({}), RangeError, "series is empty");
  assertThrowsWith(
    () => lossComparisonChart({ a: [1, 2], b: [1] }),
    RangeError,
    'series["b"] has 1 values, but series["a"] has 2',
  );
  assertThrowsWith(() => lossComparisonChart({ a: [Infinity] }), RangeError, 'series["a"]');
  assertThrowsWith(
    () => lossComparisonChart({ a: [1] }, { layout: "grid" as "layered" }),
    RangeError,
    "options.layout",
  );
});
