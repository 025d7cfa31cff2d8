/**
 * Charts of per-sample losses as Jupyter MIME bundles: a Vega-Lite spec for JupyterLab and VS Code,
 * an SVG for classic Notebook and nbconvert, and a text summary. Builders take plain numbers.
 *
 * @example
 * ```ts
 * import { perSampleChart } from "./mod.ts";
 * const chart = perSampleChart([0.1, 0.4, 2.5], { title: "three samples" });
 * const bundle = await chart.toBundle();
 * if (!bundle["image/svg+xml"].includes("<svg")) throw new Error("no SVG");
 * ```
 *
 * @module
 */
export type { LabelSeries, NumberMatrix, NumberSeries } from "./_data.ts";
export { cartographyChart } from "./cartography.ts";
export type { CartographyChartOptions, CartographyData } from "./cartography.ts";
export {
  Chart,
  compileSpec,
  rasterizeSVG,
  renderSVG,
  VEGA_LITE_MIME,
  VEGA_LITE_SCHEMA,
} from "./chart.ts";
export type { ChartOptions, MimeBundle, VegaLiteSpec } from "./chart.ts";
export { classShareChart } from "./class_share.ts";
export type { ClassShareChartOptions } from "./class_share.ts";
export { graphChart } from "./graph.ts";
export type { GraphChartOptions, GraphData } from "./graph.ts";
export { lossComparisonChart } from "./loss_comparison.ts";
export type { LossComparisonChartOptions } from "./loss_comparison.ts";
export { lossDistributionChart } from "./loss_distribution.ts";
export type { LossDistributionChartOptions } from "./loss_distribution.ts";
export { perSampleChart } from "./per_sample.ts";
export type { PerSampleChartOptions } from "./per_sample.ts";
export { sequenceHeatmapChart } from "./sequence_heatmap.ts";
export type { SequenceHeatmapChartOptions } from "./sequence_heatmap.ts";
export { CHART_COLORS } from "./theme.ts";
export { trainingDynamicsChart } from "./training_dynamics.ts";
export type { TrainingDynamicsChartOptions } from "./training_dynamics.ts";
export type { NodeSplit } from "../_core/graph_edges.ts";
export type { Tensor } from "../_core/tensor_input.ts";
