/**
 * The real data the notebooks use, read from the pinned `vega-datasets` package: cars, penguins,
 * seattle-weather, Anscombe's quartet, stocks and the Les Misérables graph, with seeded splits.
 *
 * @example
 * ```ts
 * import { splitIndices } from "./mod.ts";
 * const s = splitIndices(10, { validationSplit: 0.2, seed: 1 });
 * if (s.train.length + s.validation.length !== 10) throw new Error("a split keeps every row");
 * ```
 *
 * @module
 */
// Types from the folders this one builds on that its signatures mention.
export type { Edge, NodeSplit } from "../_core/graph_edges.ts";
export type { Tensor } from "../_core/tensor_input.ts";
export { loadMiserables, miserablesFromJson } from "./miserables.ts";
export type {
  MiserablesDataset,
  MiserablesLink,
  MiserablesNode,
  MiserablesOptions,
} from "./miserables.ts";
export { loadStocks, stocksFromRows } from "./stocks.ts";
export type { StockRow, StocksDataset, StocksOptions } from "./stocks.ts";
export {
  fitStandardizer,
  loadAnscombe,
  loadCars,
  loadPenguins,
  loadSeattleWeather,
  splitIndices,
  standardize,
} from "./tabular.ts";
export type {
  AnscombeDataset,
  AnscombeSeries,
  DataRow,
  LoadOptions,
  Split,
  SplitOptions,
  Standardizer,
  TabularDataset,
} from "./tabular.ts";
