import { assert, assertThrowsWith } from "../assert.ts";
import { countMarks } from "../chart_helpers.ts";
import { compileSpec } from "../../lib/charts/chart.ts";
import { graphChart } from "../../lib/charts/graph.ts";

Deno.test("graphChart: nodes, edges, per-split means (by hand)", async () => {
  // train nodes 0, 1 (loss 0.2, 0.4 -> mean 0.3), test node 2 (1.2).
  const chart = graphChart({
    x: [0, 1, 0.5],
    y: [0, 0, 1],
    loss: [0.2, 0.4, 1.2],
    split: ["train", "train", "test"],
    edges: [[0, 1], [1, 2], [2, 0]],
  });
  compileSpec(chart.toSpec());
  assert.match(chart.summary, /train 0.3 \(2 nodes\), test 1.2 \(1 nodes\)/);
  const svg = await chart.toSVG();
  assert.equal(countMarks(svg, "symbol", "nodes"), 3);
  assert.equal(countMarks(svg, "rule", "edges"), 3);
});

Deno.test("graphChart: bad input names the argument", () => {
  const base = { x: [0, 1], y: [0, 1], loss: [1, 2] };
  assertThrowsWith(
    () => graphChart({ ...base, edges: [[0, 2]] }),
    RangeError,
    "graph.edges[0] is [0, 2]",
  );
  assertThrowsWith(
    () => graphChart({ ...base, split: ["train", "dev" as "test"] }),
    RangeError,
    'graph.split[1] is "dev"',
  );
  assertThrowsWith(() => graphChart({ ...base, x: [0] }), RangeError, "graph.x has 1 values");
  assertThrowsWith(
    () => graphChart({ ...base, loss: [1, Infinity] }),
    RangeError,
    "first at node 1 (Infinity)",
  );
});
