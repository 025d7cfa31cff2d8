import * as tf from "@tensorflow/tfjs";
import { seededRandom, setupBackend } from "../../lib/runtime/backend.ts";
import { egoNetworks, perGraphLoss, segmentMeanLoss } from "../../lib/losses/per_graph.ts";
import { assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "wasm", seed: 0 });

Deno.test("segmentMeanLoss: equals a per-segment loop, unsorted ids, on wasm and cpu", async () => {
  const random = seededRandom(3);
  const n = 200, k = 7;
  const values = Array.from({ length: n }, () => random() * 5);
  // Every segment used at least once, then random ids in any order.
  const ids = Array.from({ length: n }, (_, j) => (j < k ? k - 1 - j : Math.floor(random() * k)));
  const sums = new Array(k).fill(0), counts = new Array(k).fill(0);
  ids.forEach((g, j) => {
    sums[g] += values[j];
    counts[g]++;
  });
  const expected = sums.map((s, g) => s / counts[g]);
  assertClose(segmentMeanLoss(values, ids, k), expected, 1e-5);
  // cpu has tf.unsortedSegmentSum itself (wasm uses the one-hot product); both match the loop.
  await setupBackend({ backend: "cpu", seed: 0 });
  try {
    assertClose(segmentMeanLoss(values, ids, k), expected, 1e-5);
    const v = tf.tensor1d([1, 2, 3, 4]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(segmentMeanLoss(x, [0, 0, 1, 0], 2)))(v);
    assertClose(g, [1 / 3, 1 / 3, 1, 1 / 3]);
    tf.dispose([v, g]);
  } finally {
    await setupBackend({ backend: "wasm", seed: 0 });
  }
});

Deno.test("segmentMeanLoss: gradient is 1/count of the node's segment", () => {
  // ids [0, 0, 1, 0]: segment 0 has 3 nodes, segment 1 one; d(Σ means)/dv = [1/3, 1/3, 1, 1/3].
  const v = tf.tensor1d([1, 2, 3, 4]);
  const g = tf.grad((x: tf.Tensor) => tf.sum(segmentMeanLoss(x, [0, 0, 1, 0], 2)))(v);
  assertClose(g, [1 / 3, 1 / 3, 1, 1 / 3]);
  tf.dispose([v, g]);
});

Deno.test("segmentMeanLoss: bad input", () => {
  assertThrowsWith(
    () => segmentMeanLoss([1, 2, 3], [0, 2, 2], 3),
    RangeError,
    "segmentMeanLoss: segmentIds has no entry for segment 1",
  );
  assertThrowsWith(
    () => segmentMeanLoss([1, 2], [0, 3], 3),
    RangeError,
    "segmentIds has value 3 at index 1, expected an integer in [0, 3)",
  );
  assertThrowsWith(
    () => segmentMeanLoss([1, 2], [0], 1),
    RangeError,
    "segmentIds has shape [1], expected [2]",
  );
  assertThrowsWith(
    () => segmentMeanLoss([1, 2], [0, 0], 0),
    RangeError,
    "segmentMeanLoss: numSegments is 0, expected an integer >= 1",
  );
});

Deno.test("egoNetworks, perGraphLoss: bad input and no leaks", async () => {
  assertThrowsWith(
    () => egoNetworks(3, [[0, 1]], [0, 3]),
    RangeError,
    "egoNetworks: centers has node 3 at index 1, but nodes are 0..2",
  );
  assertThrowsWith(() => egoNetworks(3, [[0, 4]], [0]), RangeError, "node 4 does not exist");
  assertThrowsWith(
    () => egoNetworks(3, [[0, 1]], []),
    RangeError,
    "egoNetworks: centers is [], expected at least one centre node",
  );
  assertThrowsWith(
    () => egoNetworks(3, [[0, 1]], [0], { hops: -1 }),
    RangeError,
    "egoNetworks: options.hops is -1, expected an integer >= 0",
  );
  const batch = egoNetworks(3, [[0, 1], [1, 2]], [0, 2]);
  assertThrowsWith(
    () => perGraphLoss([1, 2], batch),
    RangeError,
    "perGraphLoss: batch.nodes has node 2 at index 3, but perNode has 2 nodes",
  );
  const v = tf.tensor1d([1, 2, 3]);
  await assertNoLeak(() => perGraphLoss(v, batch));
  await assertNoLeak(() => segmentMeanLoss(v, [0, 1, 0], 2));
  v.dispose();
});
