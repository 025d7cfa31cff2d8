import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks, markTranslates } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { cartographyChart } from "../../lib/charts/cartography.ts";

Deno.test("cartographyChart: points at their coordinates, regions labelled", async () => {
  const chart = cartographyChart({
    confidence: [1, 0.5, 0],
    variability: [0, 0.25, 0.5],
    correctness: [1, 0.5, 0],
  });
  compileSpec(chart.toSpec());
  const svg = await chart.toSVG();
  assert.equal(countMarks(svg, "symbol", "samples"), 3);
  // Axes are fixed: x [0, 0.5] over 560 px, y [0, 1] over 280 px.
  assert.deepEqual(markTranslates(svg, "symbol", "samples"), [[0, 0], [280, 140], [560, 280]]);
  for (const r of ["easy-to-learn", "ambiguous", "hard-to-learn"]) {
    assert.ok(svg.includes(`>${r}<`));
  }
  assert.match(chart.summary, /mean confidence 0.5, mean variability 0.25, mean correctness 0.5/);
});

Deno.test("cartographyChart: bad input names the argument", () => {
  assertThrowsWith(
    () => cartographyChart({ confidence: [0.5], variability: [0.1, 0.2], correctness: [1] }),
    RangeError,
    "data.variability has 2 values",
  );
  assertThrowsWith(
    () => cartographyChart({ confidence: [1.5], variability: [0.1], correctness: [1] }),
    RangeError,
    "data.confidence[0] is 1.5",
  );
  assertThrowsWith(
    () => cartographyChart({ confidence: [], variability: [], correctness: [] }),
    RangeError,
    "empty",
  );
});
