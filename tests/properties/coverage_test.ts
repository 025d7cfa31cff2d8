/**
 * Fails when a value export of a library entry point has neither a property test nor a place in
 * PENDING (exports whose property tests are still to be written; the list may only shrink).
 */
import { assert } from "../assert.ts";

/** The exports each property file's `prop([...], ...)` calls declare they cover. */
function covered(): Set<string> {
  const out = new Set<string>();
  for (const entry of Deno.readDirSync(new URL(".", import.meta.url))) {
    if (!entry.name.endsWith("_test.ts") || entry.name === "coverage_test.ts") continue;
    const text = Deno.readTextFileSync(new URL(entry.name, import.meta.url));
    for (const m of text.matchAll(/prop\(\s*\[([^\]]*)\]/g)) {
      for (const q of m[1].matchAll(/"(\w+)"/g)) out.add(q[1]);
    }
  }
  return out;
}

/** Value exports without a property test yet: losses and charts (owned elsewhere), and a few more. */
const PENDING = new Set([
  // losses
  "leaveOneOutContributions",
  "predictionGradientNorms",
  "classWeights",
  "sampleWeightsFromClassWeights",
  "ntXent",
  "ntXentPerAnchor",
  "EPSILON",
  "inspectLoss",
  "makeLoss",
  "categoricalHinge",
  "cosineSimilarity",
  "hinge",
  "squaredHinge",
  "compareNormalizations",
  "maskedLoss",
  "perSequenceLoss",
  "resolveMask",
  "SEQUENCE_NORMALIZATIONS",
  "sequenceLossCells",
  "sequenceMask",
  "softDice",
  "softF1",
  "egoNetworks",
  "perGraphLoss",
  "segmentMeanLoss",
  "binaryCrossentropy",
  "binaryFocalCrossentropy",
  "categoricalCrossentropy",
  "categoricalFocalCrossentropy",
  "klDivergence",
  "poisson",
  "sparseCategoricalCrossentropy",
  "pairwiseAucLoss",
  "reduceLoss",
  "REDUCTIONS",
  "huber",
  "logCosh",
  "meanAbsoluteError",
  "meanAbsolutePercentageError",
  "meanSquaredError",
  "meanSquaredLogarithmicError",
  "keptMask",
  "robustMean",
  "topKMean",
  "trimmedMean",
  "batchHardTriplet",
  "batchHardTripletPerAnchor",
  // charts
  "cartographyChart",
  "Chart",
  "compileSpec",
  "rasterizeSVG",
  "renderSVG",
  "VEGA_LITE_MIME",
  "VEGA_LITE_SCHEMA",
  "classShareChart",
  "graphChart",
  "lossComparisonChart",
  "lossDistributionChart",
  "perSampleChart",
  "sequenceHeatmapChart",
  "CHART_COLORS",
  "trainingDynamicsChart",
  // runtime output (owned elsewhere)
  "display",
  "displayVia",
  "OUTPUT_SETTLE_MS",
  "settleOutput",
  "show",
  "inJupyter",
  // training, structured, datasets: still to write
  "accumulateGradients",
  "microBatchRows",
  "dpClippedGradients",
  "perSampleGradientNorms",
  "NonFiniteLossError",
  "train",
  "createGcn",
  "gcnNodeLosses",
  "gcnPredictions",
  "maskedNodeLoss",
  "trainGcn",
  "createSequenceModel",
  "perTimestepLosses",
  "sequenceTokenLoss",
  "trainableVariables",
  "trainSequenceModel",
  "loadMiserables",
  "miserablesFromJson",
  "loadStocks",
  "stocksFromRows",
  "loadAnscombe",
  "loadCars",
  "loadPenguins",
  "loadSeattleWeather",
]);

Deno.test("coverage: every value export of lib/*/mod.ts has a property test", async () => {
  const folders = ["losses", "training", "analysis", "structured", "datasets", "charts", "runtime"];
  const COVERED = covered();
  const missing: string[] = [];
  for (const folder of folders) {
    const mod = await import(`../../lib/${folder}/mod.ts`);
    for (const name of Object.keys(mod)) {
      if (!COVERED.has(name) && !PENDING.has(name)) missing.push(`${folder}: ${name}`);
    }
  }
  assert.deepEqual(missing, [], `exports without a property test: ${missing.join(", ")}`);
});
