import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import {
  createGcn,
  gcnNodeLosses,
  gcnPredictions,
  maskedNodeLoss,
  trainGcn,
} from "../../lib/structured/gcn.ts";
import { normalizedAdjacency } from "../../lib/_core/graph_edges.ts";
import { loadMiserables } from "../../lib/datasets/miserables.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("normalizedAdjacency: hand-worked path graph, with and without self loops", () => {
  // Path 0-1-2. With self loops degrees [2, 3, 2]: Â = [[1/2, 1/√6, 0], [1/√6, 1/3, 1/√6], [0, 1/√6, 1/2]].
  const r6 = 1 / Math.sqrt(6);
  assertClose(normalizedAdjacency(3, [[0, 1], [2, 1]]), [0.5, r6, 0, r6, 1 / 3, r6, 0, r6, 0.5]);
  // Without: degrees [1, 2, 1]: off-diagonal 1/√2, diagonal 0. Duplicate edges count once.
  const r2 = 1 / Math.sqrt(2);
  assertClose(
    normalizedAdjacency(3, [[0, 1], [1, 0], [1, 2]], { selfLoops: false }),
    [0, r2, 0, r2, 0, r2, 0, r2, 0],
  );
  // An isolated node without self loops: a zero row, not NaN.
  assertClose(normalizedAdjacency(2, [], { selfLoops: false }), [0, 0, 0, 0]);
});

Deno.test("normalizedAdjacency: edges pointing at missing nodes", () => {
  assertThrowsWith(
    () => normalizedAdjacency(3, [[0, 1], [1, 5]]),
    RangeError,
    "normalizedAdjacency: edges[1] is [1, 5], but node 5 does not exist (nodes are 0..2)",
  );
  assertThrowsWith(() => normalizedAdjacency(3, [[0, -1]]), RangeError, "node -1 does not exist");
  assertThrowsWith(() => normalizedAdjacency(3, [[0, 1.5]]), RangeError, "node 1.5");
  assertThrowsWith(() => normalizedAdjacency(0, []), RangeError, "numNodes is 0");
  // deno-lint-ignore no-explicit-any
  assertThrowsWith(() => normalizedAdjacency(3, [[0, 1, 2] as any]), TypeError, "edges[0]");
});

// Plain-JS matrix product, for independent forward-pass references.
const matmul = (a: number[][], b: number[][]) =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));

Deno.test("createGcn: forward pass and per-node losses equal a plain-JS loop", () => {
  const gcn = createGcn({ inputDim: 3, numClasses: 2, hiddenUnits: 4, seed: 5 });
  const edges = [[0, 1], [1, 2], [2, 3]] as const;
  const a = normalizedAdjacency(4, edges);
  const x = tf.tensor2d([[1, 0, 2], [0, 1, 0], [1, 1, 1], [-1, 0, 0.5]]);
  const labels = tf.tensor1d([0, 1, 1, 0], "int32");
  const [w1, b1, w2, b2] = gcn.variables.map((v) => v.arraySync());
  const A = a.arraySync() as number[][], X = x.arraySync() as number[][];
  const h = matmul(A, matmul(X, w1 as number[][])).map((r) =>
    r.map((v, j) => Math.max(0, v + (b1 as number[])[j]))
  );
  const z = matmul(A, matmul(h, w2 as number[][])).map((r) =>
    r.map((v, j) => v + (b2 as number[])[j])
  );
  assertClose(gcn.logits(a, x), z.flat(), 1e-5);
  // Cross-entropy from logits: log Σ exp(z) − z[label].
  const ce = z.map((r, i) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0)) - r[[0, 1, 1, 0][i]]);
  const graph = { adjacency: a, features: x, labels };
  assertClose(gcnNodeLosses(gcn, graph), ce, 1e-5);
  assert.deepEqual(gcnPredictions(gcn, graph), z.map((r) => (r[1] > r[0] ? 1 : 0)));
  assertThrowsWith(
    () => gcn.logits(a, tf.zeros([4, 2])),
    RangeError,
    "GcnModel.logits: features has shape [4, 2], expected [4, 3]",
  );
  assertThrowsWith(
    () => createGcn({ inputDim: 0, numClasses: 2 }),
    RangeError,
    "createGcn: inputDim is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => createGcn({ inputDim: 3, numClasses: 2, hiddenUnits: 1.5 }),
    RangeError,
    "createGcn: hiddenUnits is 1.5, expected an integer >= 1",
  );
  tf.dispose([a, x, labels]);
  gcn.dispose();
});

Deno.test("maskedNodeLoss: training nodes only, gradient only on them", () => {
  // losses [1, 5, 3, 7], mask [1, 0, 1, 0]: (1 + 3) / 2 = 2; d/dℓ = mask / 2.
  assertClose(maskedNodeLoss([1, 5, 3, 7], [1, 0, 1, 0]), 2);
  const l = tf.tensor1d([1, 5, 3, 7]);
  assertClose(tf.grad((v: tf.Tensor) => maskedNodeLoss(v, [1, 0, 1, 0]))(l), [0.5, 0, 0.5, 0]);
  l.dispose();
  assertThrowsWith(
    () => maskedNodeLoss([1, 2], [1, 0, 1]),
    RangeError,
    "maskedNodeLoss: mask has shape [3], expected [2]",
  );
  assertThrowsWith(() => maskedNodeLoss([1, 2], [0, 0]), RangeError, "mask selects no node");
  assertThrowsWith(() => maskedNodeLoss([1, 2], [2, 0]), RangeError, "mask has value 2 at index 0");
});

Deno.test("trainGcn on miserables: the masked loss falls, per-node losses for every node, no leaks", async () => {
  const g = loadMiserables({ seed: 0 });
  const gcn = createGcn({ inputDim: g.numNodes, numClasses: g.numClasses, seed: 0 });
  const before = tf.memory().numTensors;
  const history = trainGcn(gcn, g, {
    trainMask: g.trainMask,
    validationMask: g.validationMask,
    epochs: 100,
    learningRate: 0.02,
  });
  assert.equal(tf.memory().numTensors, before, "trainGcn leaked tensors");
  assert.equal(history.loss.length, 100);
  assert.equal(history.validationAccuracy.length, 100);
  // Starting loss is near ln(11) = 2.40 for small random logits; training must get well below.
  assert.ok(Math.abs(history.loss[0] - Math.log(11)) < 0.5, `start ${history.loss[0]}`);
  assert.ok(history.loss[99] < 0.5 * history.loss[0], `end ${history.loss[99]}`);
  assert.ok(history.trainAccuracy > 0.9, `train accuracy ${history.trainAccuracy}`);
  // Per-node losses exist for all 77 nodes; training nodes fit better than held-out ones.
  const losses = await assertNoLeak(() => {
    const t = gcnNodeLosses(gcn, g);
    const values = Array.from(t.dataSync());
    t.dispose();
    return values;
  });
  assert.equal(losses.length, 77);
  const mean = (s: string) => {
    const v = losses.filter((_, i) => g.split[i] === s);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  assert.ok(mean("train") < mean("test"), `train ${mean("train")} test ${mean("test")}`);
  // The masked loss recomputed by a plain loop over training nodes equals maskedNodeLoss.
  const trainIdx = g.split.flatMap((s, i) => (s === "train" ? [i] : []));
  assertClose(
    maskedNodeLoss(losses, g.trainMask),
    trainIdx.reduce((s, i) => s + losses[i], 0) / trainIdx.length,
    1e-5,
  );
  assertThrowsWith(
    () => trainGcn(gcn, g, { trainMask: [1, 0] }),
    RangeError,
    "trainGcn: options.trainMask has shape [2], expected [77]",
  );
  assertThrowsWith(
    () => trainGcn(gcn, g, { trainMask: g.trainMask, epochs: 0 }),
    RangeError,
    "trainGcn: options.epochs is 0, expected an integer >= 1",
  );
  assertThrowsWith(
    () => trainGcn(gcn, g, { trainMask: g.trainMask, learningRate: -0.1 }),
    RangeError,
    "trainGcn: options.learningRate is -0.1, expected a number > 0",
  );
  gcn.dispose();
  g.dispose();
});
