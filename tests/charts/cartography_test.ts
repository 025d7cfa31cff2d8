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

Deno.test("cartographyChart: takes dataMap's result as it is, refuses a misspelt field", () => {
  const map = {
    confidence: new Float32Array([0.9, 0.2]),
    variability: new Float32Array([0.05, 0.3]),
    correctness: new Float32Array([1, 0]),
    region: ["easy-to-learn", "ambiguous"],
    variabilityThreshold: 0.2,
    counts: { "easy-to-learn": 1, "ambiguous": 1, "hard-to-learn": 0 },
  };
  assert.match(cartographyChart(map).summary, /Data map of 2 samples/);
  assertThrowsWith(
    () => cartographyChart({ ...map, confidance: [1, 1] } as never),
    RangeError,
    'cartographyChart: data.confidance is not an option, did you mean "confidence"?',
  );
});
