import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { sequenceHeatmapChart } from "../../lib/charts/sequence_heatmap.ts";

Deno.test("sequenceHeatmapChart: padding masked and ignored (by hand)", async () => {
  // Real tokens 1, 2 | 3 -> mean 6 / 3 = 2; padding holds NaN, which must not matter.
  const losses = [[1, 2, NaN], [3, NaN, 99]];
  const byLengths = sequenceHeatmapChart(losses, { lengths: [2, 1] });
  const byMask = sequenceHeatmapChart(losses, { mask: [[1, 1, 0], [1, 0, 0]] });
  compileSpec(byLengths.toSpec());
  assert.equal(byLengths.summary, byMask.summary);
  assert.match(byLengths.summary, /3 real tokens, 3 padding; mean over real tokens 2\./);
  const svg = await byLengths.toSVG();
  assert.equal(countMarks(svg, "rect", "tokens"), 3);
  assert.equal(countMarks(svg, "rect", "padding"), 3);
});

Deno.test("sequenceHeatmapChart: long batches aggregate under 1 MB", async () => {
  const B = 200, T = 500;
  const svg = await sequenceHeatmapChart(Array.from({ length: B }, () => new Array(T).fill(1)))
    .toSVG();
  assert.equal(countMarks(svg, "rect", "tokens"), 10 * 500); // first 10 sequences fit 5,000 cells
  assert.ok(svg.includes("first 10 of 200 sequences shown") && svg.length < 1_000_000);
});

Deno.test("sequenceHeatmapChart: bad input names the argument", () => {
  assertThrowsWith(
    () => sequenceHeatmapChart([[1, NaN]]),
    RangeError,
    "first at sequence 0, token 1 (NaN)",
  );
  assertThrowsWith(
    () => sequenceHeatmapChart([[1, 2]], { mask: [[1, 2]] }),
    RangeError,
    "options.mask[0][1] is 2, expected 0 or 1",
  );
  assertThrowsWith(
    () => sequenceHeatmapChart([[1, 2]], { lengths: [3] }),
    RangeError,
    "lengths[0] is 3",
  );
  assertThrowsWith(
    () => sequenceHeatmapChart([[1]], { lengths: [1], mask: [[1]] }),
    TypeError,
    "are both given",
  );
});

Deno.test("sequenceHeatmapChart: all padding and repeated ids are refused", () => {
  assertThrowsWith(
    () => sequenceHeatmapChart([[1, 2]], { lengths: [0] }),
    RangeError,
    "sequenceHeatmapChart: options.lengths marks all 2 tokens as padding",
  );
  assertThrowsWith(
    () => sequenceHeatmapChart([[1], [2]], { ids: ["a", "a"] }),
    RangeError,
    'sequenceHeatmapChart: options.ids[1] is "a", expected distinct ids',
  );
});
