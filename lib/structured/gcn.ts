/**
 * A two-layer graph convolutional network (Kipf & Welling 2017) written with plain tfjs ops, for
 * node classification where the loss is taken only on training nodes and per-node losses are
 * reported for every node.
 *
 * `logits = Â · relu(Â · X · W₁ + b₁) · W₂ + b₂`, with `Â = D^-½ (A + I) D^-½` the symmetrically
 * normalised adjacency with self loops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TrainableVariable } from "../training/accumulation.ts";
import {
  assertAllFinite,
  assertIntegerIn,
  assertKnownOptions,
  assertNumberIn,
  assertPositiveInteger,
  assertSeed,
  describeValue,
} from "../_core/checks.ts";
import { sparseCategoricalCrossentropy } from "../losses/probabilistic.ts";
import {
  formatShape,
  shapeOf,
  type Tensor,
  type TensorInput,
  toTensor,
} from "../_core/tensor_input.ts";

/** Options for {@linkcode createGcn}. */
export interface GcnOptions {
  /** Features per node (columns of `X`). */
  inputDim: number;
  /** Number of classes (columns of the logits). */
  numClasses: number;
  /** Width of the hidden layer; default `16`. */
  hiddenUnits?: number;
  /** Seed of the Glorot-uniform initial weights; default `0`. */
  seed?: number;
}

/** A two-layer GCN: its variables and its forward pass. */
export interface GcnModel {
  /** `W₁ [inputDim, hidden]`, `b₁`, `W₂ [hidden, numClasses]`, `b₂`. */
  variables: TrainableVariable[];
  /** Logits `[n, numClasses]` for adjacency `Â [n, n]` and features `X [n, inputDim]`. */
  logits(adjacency: Tensor, features: Tensor): Tensor;
  /** Disposes the variables. */
  dispose(): void;
}

let gcnCount = 0;

/**
 * Creates a two-layer GCN with seeded Glorot-uniform weights and zero biases (variable names are
 * unique per model: `gcn<k>/W1`, `gcn<k>/b1`, `gcn<k>/W2`, `gcn<k>/b2`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createGcn, normalizedAdjacency } from "./mod.ts";
 * const gcn = createGcn({ inputDim: 3, numClasses: 2, seed: 1 });
 * const a = normalizedAdjacency(3, [[0, 1], [1, 2]]);
 * const x = tf.eye(3);
 * const logits = gcn.logits(a, x);
 * if (logits.shape.join() !== "3,2") throw new Error(`${logits.shape}`);
 * tf.dispose([a, x, logits]);
 * gcn.dispose();
 * ```
 */
export function createGcn(options: GcnOptions): GcnModel {
  const fn = "createGcn";
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${fn}: options is ${describeValue(options)}, expected { inputDim, numClasses }`,
    );
  }
  assertKnownOptions(fn, options, ["inputDim", "numClasses", "hiddenUnits", "seed"]);
  const hidden = options.hiddenUnits ?? 16;
  assertPositiveInteger(fn, "inputDim", options.inputDim);
  assertPositiveInteger(fn, "numClasses", options.numClasses);
  assertPositiveInteger(fn, "hiddenUnits", hidden);
  const seed = options.seed ?? 0;
  assertSeed(fn, "options.seed", seed);
  const id = gcnCount++;
  const glorot = (rows: number, cols: number, s: number) => {
    const limit = Math.sqrt(6 / (rows + cols));
    return tf.randomUniform([rows, cols], -limit, limit, "float32", s);
  };
  const variables = tf.tidy(() => [
    tf.variable(glorot(options.inputDim, hidden, seed), true, `gcn${id}/W1`),
    tf.variable(tf.zeros([hidden]), true, `gcn${id}/b1`),
    tf.variable(glorot(hidden, options.numClasses, seed + 1), true, `gcn${id}/W2`),
    tf.variable(tf.zeros([options.numClasses]), true, `gcn${id}/b2`),
  ]);
  const [w1, b1, w2, b2] = variables;
  return {
    variables,
    logits(adjacency: Tensor, features: Tensor): Tensor {
      const n = adjacency.shape[0];
      if (adjacency.rank !== 2 || adjacency.shape[1] !== n) {
        throw new RangeError(
          `GcnModel.logits: adjacency has shape ${formatShape(adjacency.shape)}, expected [n, n]`,
        );
      }
      if (features.rank !== 2 || features.shape[0] !== n || features.shape[1] !== w1.shape[0]) {
        throw new RangeError(
          `GcnModel.logits: features has shape ${formatShape(features.shape)}, expected [${n}, ${
            w1.shape[0]
          }]`,
        );
      }
      return tf.tidy(() => {
        const h = tf.relu(tf.add(tf.matMul(adjacency, tf.matMul(features, w1)), b1));
        return tf.add(tf.matMul(adjacency, tf.matMul(h, w2)), b2);
      });
    },
    dispose: () => tf.dispose(variables),
  };
}

/** A graph for node classification: normalised adjacency, node features and integer labels. */
export interface NodeClassificationGraph {
  /** `Â [n, n]`, e.g. from {@linkcode normalizedAdjacency}. */
  adjacency: Tensor;
  /** `X [n, features]`. */
  features: Tensor;
  /** Class of every node, `[n]` integers. */
  labels: Tensor;
}

/**
 * Cross-entropy of every node, `[n]`, train, validation and test alike (the array a mean loss
 * would hide): `sparseCategoricalCrossentropy(labels, logits, { fromLogits: true })`.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createGcn, gcnNodeLosses, normalizedAdjacency } from "./mod.ts";
 * const gcn = createGcn({ inputDim: 2, numClasses: 2 });
 * const graph = { adjacency: normalizedAdjacency(2, [[0, 1]]), features: tf.eye(2), labels: tf.tensor1d([0, 1]) };
 * const losses = gcnNodeLosses(gcn, graph);
 * if (losses.shape.join() !== "2") throw new Error("one loss per node");
 * tf.dispose([losses, graph.adjacency, graph.features, graph.labels]);
 * gcn.dispose();
 * ```
 */
export function gcnNodeLosses(model: GcnModel, graph: NodeClassificationGraph): Tensor {
  checkGraph("gcnNodeLosses", model, graph);
  return nodeLosses(model, graph);
}

function nodeLosses(model: GcnModel, graph: NodeClassificationGraph): Tensor {
  return tf.tidy(() =>
    sparseCategoricalCrossentropy(graph.labels, model.logits(graph.adjacency, graph.features), {
      fromLogits: true,
    })
  );
}

/**
 * The training loss of a node-classification step: the mean of per-node losses over the nodes
 * whose mask is 1, `Σ ℓ·m / Σ m`. The other nodes still take part in the forward pass (their
 * features flow through `Â`), but add nothing to the loss. Differentiable in `perNode`.
 *
 * @example
 * ```ts
 * import { maskedNodeLoss } from "./gcn.ts";
 * const l = maskedNodeLoss([1, 5, 3], [1, 0, 1]); // (1 + 3) / 2
 * if (l.arraySync() !== 2) throw new Error("unexpected");
 * l.dispose();
 * ```
 */
export function maskedNodeLoss(perNode: TensorInput, mask: TensorInput): Tensor {
  const fn = "maskedNodeLoss";
  const ls = shapeOf(perNode, fn, "perNode"), ms = shapeOf(mask, fn, "mask");
  if (ls.length !== 1 || ls[0] === 0) {
    throw new RangeError(`${fn}: perNode has shape ${formatShape(ls)}, expected [n] losses`);
  }
  if (ms.length !== 1 || ms[0] !== ls[0]) {
    throw new RangeError(`${fn}: mask has shape ${formatShape(ms)}, expected [${ls[0]}]`);
  }
  const m = mask instanceof tf.Tensor ? Array.from(mask.dataSync()) : (mask as number[]);
  const bad = m.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new RangeError(`${fn}: mask has value ${m[bad]} at index ${bad}, expected 0 or 1`);
  }
  const count = m.reduce((a, b) => a + b, 0);
  if (count === 0) throw new RangeError(`${fn}: mask selects no node, so the loss is 0/0`);
  const values = perNode instanceof tf.Tensor ? perNode.dataSync() : (perNode as ArrayLike<number>);
  const selected: number[] = [];
  m.forEach((v, i) => v === 1 && selected.push(i));
  assertAllFinite(
    fn,
    "perNode (where mask is 1)",
    selected.map((i) => values[i]),
    (j) => `node ${selected[j]}`,
  );
  return tf.tidy(() => {
    const l = toTensor(perNode, fn, "perNode");
    const keep = tf.cast(tf.tensor1d(m), "bool");
    return tf.div(tf.sum(tf.where(keep, l, tf.zerosLike(l))), count);
  });
}

/** Options for {@linkcode trainGcn}. */
export interface TrainGcnOptions {
  /** Training nodes, `[n]` 0/1. */
  trainMask: TensorInput;
  /** Validation nodes, `[n]` 0/1, for the accuracy history. */
  validationMask?: TensorInput;
  /** Full-graph Adam steps; default `200`. */
  epochs?: number;
  /** Adam learning rate; default `0.01`. */
  learningRate?: number;
}

/** What {@linkcode trainGcn} records per epoch. */
export interface GcnHistory {
  /** Masked training loss before each step. */
  loss: number[];
  /** Training-node accuracy after the last step. */
  trainAccuracy: number;
  /** Validation accuracy after every step (empty without a validation mask). */
  validationAccuracy: number[];
}

/**
 * Trains a GCN full-graph with Adam on the masked node loss ({@linkcode maskedNodeLoss} over
 * `trainMask`). Deterministic: no dropout, the graph is the whole batch.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createGcn, normalizedAdjacency, trainGcn } from "./mod.ts";
 * const gcn = createGcn({ inputDim: 4, numClasses: 2, seed: 3 });
 * const graph = {
 *   adjacency: normalizedAdjacency(4, [[0, 1], [2, 3]]),
 *   features: tf.eye(4),
 *   labels: tf.tensor1d([0, 0, 1, 1]),
 * };
 * const h = trainGcn(gcn, graph, { trainMask: [1, 0, 1, 0], epochs: 50, learningRate: 0.05 });
 * if (!(h.loss[49] < h.loss[0])) throw new Error("loss did not fall");
 * tf.dispose([graph.adjacency, graph.features, graph.labels]);
 * gcn.dispose();
 * ```
 */
export function trainGcn(
  model: GcnModel,
  graph: NodeClassificationGraph,
  options: TrainGcnOptions,
): GcnHistory {
  const fn = "trainGcn";
  assertKnownOptions(fn, options, ["trainMask", "validationMask", "epochs", "learningRate"]);
  if (options === undefined) {
    throw new TypeError(`${fn}: options is undefined, expected { trainMask }`);
  }
  const labels = checkGraph(fn, model, graph);
  const epochs = options.epochs ?? 200;
  assertPositiveInteger(fn, "options.epochs", epochs);
  const learningRate = options.learningRate ?? 0.01;
  assertNumberIn(fn, "options.learningRate", learningRate, {
    min: 0,
    max: Infinity,
    minOpen: true,
  });
  const trainMask = maskArray(fn, "options.trainMask", options.trainMask, labels.length);
  if (!trainMask.includes(1)) {
    throw new RangeError(`${fn}: options.trainMask selects no node, so the loss is 0/0`);
  }
  const validationMask = options.validationMask === undefined
    ? undefined
    : maskArray(fn, "options.validationMask", options.validationMask, labels.length);
  const optimizer = tf.train.adam(learningRate);
  const history: GcnHistory = { loss: [], trainAccuracy: 0, validationAccuracy: [] };
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const cost = optimizer.minimize(
        () => maskedNodeLoss(nodeLosses(model, graph), trainMask) as tf.Scalar,
        true,
        model.variables,
      );
      history.loss.push(cost!.dataSync()[0]);
      cost!.dispose();
      if (validationMask !== undefined) {
        history.validationAccuracy.push(accuracy(predict(model, graph), labels, validationMask));
      }
    }
    history.trainAccuracy = accuracy(predict(model, graph), labels, trainMask);
  } finally {
    optimizer.dispose();
  }
  return history;
}

function predict(model: GcnModel, graph: NodeClassificationGraph): number[] {
  const p = tf.tidy(() => tf.argMax(model.logits(graph.adjacency, graph.features), 1));
  const out = Array.from(p.dataSync());
  p.dispose();
  return out;
}

function accuracy(predicted: number[], labels: number[], mask: number[]): number {
  let hit = 0, n = 0;
  mask.forEach((m, i) => {
    if (m === 1) {
      n++;
      if (predicted[i] === labels[i]) hit++;
    }
  });
  return n === 0 ? NaN : hit / n;
}

function maskArray(fn: string, arg: string, mask: TensorInput, n: number): number[] {
  const shape = shapeOf(mask, fn, arg);
  if (shape.length !== 1 || shape[0] !== n) {
    throw new RangeError(`${fn}: ${arg} has shape ${formatShape(shape)}, expected [${n}]`);
  }
  const m = mask instanceof tf.Tensor ? Array.from(mask.dataSync()) : (mask as number[]).slice();
  const bad = m.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new RangeError(`${fn}: ${arg}[${bad}] is ${describeValue(m[bad])}, expected 0 or 1`);
  }
  return m;
}

/**
 * The graph checked against the model, before any tensor is made: shapes, labels in
 * `[0, numClasses)`, finite features. Returns the labels.
 */
function checkGraph(fn: string, model: GcnModel, graph: NodeClassificationGraph): number[] {
  if (
    model === null || typeof model !== "object" || !Array.isArray(model.variables) ||
    model.variables.length !== 4 || typeof model.logits !== "function"
  ) {
    throw new TypeError(`${fn}: model is ${describeValue(model)}, expected a createGcn model`);
  }
  if (graph === null || typeof graph !== "object") {
    throw new TypeError(
      `${fn}: graph is ${describeValue(graph)}, expected { adjacency, features, labels }`,
    );
  }
  for (const arg of ["adjacency", "features"] as const) {
    const t = graph[arg];
    if (!(t instanceof tf.Tensor) || t.isDisposed) {
      throw new TypeError(
        `${fn}: graph.${arg} is ${
          t instanceof tf.Tensor ? "a disposed tensor" : describeValue(t)
        }, expected a tensor`,
      );
    }
  }
  const inputDim = model.variables[0].shape[0], numClasses = model.variables[3].shape[0];
  const { adjacency, features } = graph;
  const n = adjacency.shape[0];
  if (adjacency.rank !== 2 || adjacency.shape[1] !== n || n === 0) {
    throw new RangeError(
      `${fn}: graph.adjacency has shape ${formatShape(adjacency.shape)}, expected [n, n], n >= 1`,
    );
  }
  if (features.rank !== 2 || features.shape[0] !== n || features.shape[1] !== inputDim) {
    throw new RangeError(
      `${fn}: graph.features has shape ${
        formatShape(features.shape)
      }, expected [${n}, ${inputDim}]`,
    );
  }
  const ls = shapeOf(graph.labels, fn, "graph.labels");
  if (ls.length !== 1 || ls[0] !== n) {
    throw new RangeError(`${fn}: graph.labels has shape ${formatShape(ls)}, expected [${n}]`);
  }
  const labels = graph.labels instanceof tf.Tensor
    ? Array.from(graph.labels.dataSync())
    : Array.from(graph.labels as ArrayLike<number>);
  labels.forEach((c, i) =>
    assertIntegerIn(fn, `graph.labels[${i}]`, c, { min: 0, max: numClasses, maxOpen: true })
  );
  assertAllFinite(
    fn,
    "graph.features",
    features.dataSync(),
    (i) => `node ${Math.floor(i / inputDim)}`,
  );
  assertAllFinite(fn, "graph.adjacency", adjacency.dataSync(), (i) => `row ${Math.floor(i / n)}`);
  return labels;
}

/**
 * The predicted class of every node (argmax of the logits).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { createGcn, gcnPredictions, normalizedAdjacency } from "./mod.ts";
 * const gcn = createGcn({ inputDim: 2, numClasses: 3 });
 * const a = normalizedAdjacency(2, [[0, 1]]), x = tf.eye(2), y = tf.tensor1d([0, 2]);
 * const p = gcnPredictions(gcn, { adjacency: a, features: x, labels: y });
 * if (p.length !== 2 || p.some((c) => c < 0 || c > 2)) throw new Error("unexpected");
 * tf.dispose([a, x, y]);
 * gcn.dispose();
 * ```
 */
export function gcnPredictions(model: GcnModel, graph: NodeClassificationGraph): number[] {
  checkGraph("gcnPredictions", model, graph);
  return predict(model, graph);
}
