import { setupBackend } from "../../lib/runtime/backend.ts";
import { forceLayout, graphViewData } from "../../lib/structured/graph_layout.ts";
import { loadMiserables } from "../../lib/datasets/miserables.ts";
import { assert, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("forceLayout: deterministic, in [0, 1], neighbours closer than strangers (miserables)", () => {
  const g = loadMiserables();
  const a = forceLayout(g.numNodes, g.edges, { seed: 7 });
  const b = forceLayout(g.numNodes, g.edges, { seed: 7 });
  const c = forceLayout(g.numNodes, g.edges, { seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (const v of [...a.x, ...a.y]) assert.ok(v >= 0 && v <= 1, `coordinate ${v}`);
  // A force layout's purpose: linked nodes sit closer than the average pair.
  const d = (i: number, j: number) => Math.hypot(a.x[i] - a.x[j], a.y[i] - a.y[j]);
  const edgeMean = g.edges.reduce((s, [i, j]) => s + d(i, j), 0) / g.edges.length;
  let pairSum = 0, pairs = 0;
  for (let i = 0; i < g.numNodes; i++) {
    for (let j = i + 1; j < g.numNodes; j++) (pairSum += d(i, j), pairs++);
  }
  assert.ok(edgeMean < 0.6 * (pairSum / pairs), `edge ${edgeMean} vs pair ${pairSum / pairs}`);
  // No two nodes on top of each other.
  let closest = Infinity;
  for (let i = 0; i < g.numNodes; i++) {
    for (let j = i + 1; j < g.numNodes; j++) closest = Math.min(closest, d(i, j));
  }
  assert.ok(closest > 1e-3, `closest pair ${closest}`);
  g.dispose();
});

Deno.test("forceLayout and graphViewData: bad input", () => {
  assertThrowsWith(
    () => forceLayout(3, [[0, 3]]),
    RangeError,
    "forceLayout: edges[0] is [0, 3], but node 3 does not exist",
  );
  assertThrowsWith(() => forceLayout(3, [], { iterations: -1 }), RangeError, "iterations is -1");
  assertThrowsWith(
    () =>
      graphViewData({
        layout: { x: [0, 1], y: [0, 1] },
        edges: [],
        loss: [1],
        split: ["train", "test"],
        labels: [0, 0],
      }),
    RangeError,
    "graphViewData: loss has 1 entries, expected 2",
  );
});

Deno.test("graphViewData: node rows and one row per undirected edge with coordinates", () => {
  const v = graphViewData({
    layout: { x: [0, 1, 0.5], y: [0, 0, 1] },
    edges: [[0, 1], [1, 0], [2, 1]],
    loss: [0.1, 0.2, 0.3],
    split: ["train", "validation", "test"],
    labels: [1, 2, 3],
    names: ["a", "b", "c"],
  });
  assert.deepEqual(v.nodes[2], {
    id: 2,
    name: "c",
    x: 0.5,
    y: 1,
    group: 3,
    loss: 0.3,
    split: "test",
  });
  assert.deepEqual(v.edges, [
    { source: 0, target: 1, x: 0, y: 0, x2: 1, y2: 0 },
    { source: 1, target: 2, x: 1, y: 0, x2: 0.5, y2: 1 },
  ]);
});
