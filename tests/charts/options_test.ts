import { assert, assertThrowsWith } from "../assert.ts";
import type { Chart } from "../../lib/charts/chart.ts";
import { cartographyChart } from "../../lib/charts/cartography.ts";
import { classShareChart } from "../../lib/charts/class_share.ts";
import { graphChart } from "../../lib/charts/graph.ts";
import { lossComparisonChart } from "../../lib/charts/loss_comparison.ts";
import { lossDistributionChart } from "../../lib/charts/loss_distribution.ts";
import { perSampleChart } from "../../lib/charts/per_sample.ts";
import { sequenceHeatmapChart } from "../../lib/charts/sequence_heatmap.ts";
import { trainingDynamicsChart } from "../../lib/charts/training_dynamics.ts";

// Every builder, called on a tiny valid input with the given options.
const builders: Record<string, (options: Record<string, unknown>) => Chart> = {
  perSampleChart: (o) => perSampleChart([1, 2], o),
  lossDistributionChart: (o) => lossDistributionChart([1, 2], o),
  lossComparisonChart: (o) => lossComparisonChart({ a: [1, 2] }, o),
  classShareChart: (o) => classShareChart([0, 1], [1, 2], o),
  cartographyChart: (o) =>
    cartographyChart({ confidence: [0.5], variability: [0.1], correctness: [1] }, o),
  graphChart: (o) => graphChart({ x: [0, 1], y: [0, 1], loss: [1, 2] }, o),
  sequenceHeatmapChart: (o) => sequenceHeatmapChart([[1, 2]], o),
  trainingDynamicsChart: (o) => trainingDynamicsChart([[1, 2], [0.5, 1]], o),
};

Deno.test("chart options: every builder checks title, width and height the same way", () => {
  for (const [fn, build] of Object.entries(builders)) {
    assertThrowsWith(
      () => build({ width: 0 }),
      RangeError,
      `${fn}: options.width is 0, expected a number in (0, 4000] (pixels)`,
    );
    assertThrowsWith(() => build({ width: NaN }), RangeError, `${fn}: options.width is NaN`);
    assertThrowsWith(() => build({ title: 42 }), TypeError, `${fn}: options.title is 42`);
    assertThrowsWith(
      () => build(null as unknown as Record<string, unknown>),
      TypeError,
      `${fn}: options is null, expected an object`,
    );
    // A given title and width reach the spec unchanged.
    const spec = build({ title: "Mine", width: 321 }).toSpec() as unknown as {
      title: { text: string };
      width?: number;
      spec?: { width: number };
    };
    assert.equal(spec.title.text, "Mine", fn);
    assert.equal(spec.width ?? spec.spec?.width, 321, fn);
  }
  for (const fn of ["perSampleChart", "lossDistributionChart", "trainingDynamicsChart"]) {
    assertThrowsWith(() => builders[fn]({ height: -5 }), RangeError, `${fn}: options.height is -5`);
    assertThrowsWith(
      () => builders[fn]({ lossName: "" }),
      TypeError,
      `${fn}: options.lossName is "", expected a non-empty string`,
    );
  }
});

Deno.test("chart options: defaults are 560 × 280, and a faceted comparison shares the width", () => {
  const spec = perSampleChart([1, 2]).toSpec() as unknown as { width: number; height: number };
  assert.deepEqual([spec.width, spec.height], [560, 280]);
  // Four panels share 560 px: 140 each, raised to the 160 px minimum.
  const four = lossComparisonChart({ a: [1], b: [1], c: [1], d: [1] }).toSpec() as unknown as {
    spec: { width: number };
  };
  assert.equal(four.spec.width, 160);
  const two = lossComparisonChart({ a: [1], b: [1] }).toSpec() as unknown as {
    spec: { width: number };
  };
  assert.equal(two.spec.width, 280);
});

Deno.test("chart options: a misspelt key is refused by every builder, naming the closest key", () => {
  for (const [fn, build] of Object.entries(builders)) {
    assertThrowsWith(
      () => build({ widht: 300 }),
      RangeError,
      `${fn}: options.widht is not an option, did you mean "width"?`,
    );
    assertThrowsWith(
      () => build({ width: 4001 }),
      RangeError,
      `${fn}: options.width is 4001, expected a number in (0, 4000] (pixels)`,
    );
  }
});
