/**
 * Models and graph helpers for structured data: a GCN for node classification, a small sequence
 * model, edge lists and a seeded force layout.
 *
 * @example
 * ```ts
 * import { normalizedAdjacency } from "./mod.ts";
 * const a = normalizedAdjacency(2, [[0, 1]]);
 * if (a.shape.join() !== "2,2") throw new Error("expected [2, 2]");
 * a.dispose();
 * ```
 *
 * @module
 */
// Types from the folders this one builds on that its signatures mention.
export type {
  MaskSpec,
  NestedNumbers,
  SequenceNormalization,
  Tensor,
  TensorInput,
} from "../losses/mod.ts";
export type { TokenLossFunction, TrainableVariable } from "../training/mod.ts";
export { createGcn, gcnNodeLosses, gcnPredictions, maskedNodeLoss, trainGcn } from "./gcn.ts";
export type {
  GcnHistory,
  GcnModel,
  GcnOptions,
  NodeClassificationGraph,
  TrainGcnOptions,
} from "./gcn.ts";
export { forceLayout, graphViewData } from "./graph_layout.ts";
export type {
  ForceLayoutOptions,
  GraphLayout,
  GraphViewData,
  GraphViewEdge,
  GraphViewInput,
  GraphViewNode,
} from "./graph_layout.ts";
export {
  createSequenceModel,
  perTimestepLosses,
  sequenceTokenLoss,
  trainableVariables,
  trainSequenceModel,
} from "./sequence_model.ts";
export type {
  SequenceModel,
  SequenceModelOptions,
  TrainSequenceOptions,
} from "./sequence_model.ts";
export { checkEdges, neighbourLists, normalizedAdjacency } from "../_core/graph_edges.ts";
export type { AdjacencyOptions, Edge, NodeSplit } from "../_core/graph_edges.ts";
