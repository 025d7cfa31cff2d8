/**
 * A small graph laid out from given coordinates: nodes coloured by per-node loss, with train,
 * validation and test nodes told apart by shape.
 *
 * @module
 */
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { CHART_COLORS, chartConfig, MAX_MARKS, SEQUENTIAL_SCHEME } from "./theme.ts";
import {
  type LabelSeries,
  mean,
  type NumberMatrix,
  type NumberSeries,
  readLabels,
  readLosses,
  readMatching,
  readMatrix,
} from "./_data.ts";
import { evenPicks } from "./_layers.ts";
import { checkChartOptions, checkFields, readIds } from "./_options.ts";
import { assertOneOf } from "../_core/checks.ts";
import { formatCount, formatNumber } from "../_core/format_number.ts";
import type { NodeSplit } from "../_core/graph_edges.ts";

/** The graph a {@linkcode graphChart} draws. */
export interface GraphData {
  /** Node x coordinates (any units; the layout is given, not computed). */
  x: NumberSeries;
  /** Node y coordinates. */
  y: NumberSeries;
  /** Per-node loss. */
  loss: NumberSeries;
  /** Each node's split; default all `"train"`. */
  split?: ArrayLike<NodeSplit>;
  /** Edges as `[source, target]` node-index pairs (an `[edges, 2]` array or tensor). */
  edges?: NumberMatrix;
}

/** Options for {@linkcode graphChart}. */
export interface GraphChartOptions {
  /** One id per node, for tooltips. */
  ids?: LabelSeries;
  /** Chart title. */
  title?: string;
  /** The loss's name (default `"loss"`). */
  lossName?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
  /** Plot height in pixels (default 280). */
  height?: number;
}

const SPLITS: readonly NodeSplit[] = ["train", "validation", "test"];

const OPTION_KEYS = [
  "ids",
  "title",
  "lossName",
  "width",
  "height",
] as const satisfies readonly (keyof GraphChartOptions)[];

const GRAPH_KEYS = [
  "x",
  "y",
  "loss",
  "split",
  "edges",
] as const satisfies readonly (keyof GraphData)[];

/**
 * Draws nodes at the given coordinates, coloured by loss (viridis), shaped by split (circle =
 * train, square = validation, triangle = test), with edges as thin grey lines. Above 2,500 nodes
 * or edges an evenly spaced sample of each is drawn and the subtitle says so; the per-split mean
 * losses in the summary use every node. NaN/infinite coordinates or losses are refused; edges must
 * be integer node indices in `[0, nodes)`. `graph` and `options` are checked by name: a misspelt
 * key is refused, naming the closest one.
 *
 * @example
 * ```ts
 * import { graphChart } from "./graph.ts";
 * const chart = graphChart({
 *   x: [0, 1, 0.5], y: [0, 0, 1], loss: [0.2, 0.4, 1.2],
 *   split: ["train", "train", "test"], edges: [[0, 1], [1, 2]],
 * });
 * if (!chart.summary.includes("test 1.2")) throw new Error(chart.summary);
 * ```
 */
export function graphChart(graph: GraphData, options: GraphChartOptions = {}): Chart {
  const fn = "graphChart";
  checkFields(fn, "graph", graph, GRAPH_KEYS, "{ x, y, loss, split?, edges? }");
  const node = (i: number) => `node ${i}`;
  const loss = readLosses(graph.loss, fn, "graph.loss", node);
  const n = loss.length;
  const xs = readMatching(graph.x, fn, "graph.x", n, "graph.loss", node);
  const ys = readMatching(graph.y, fn, "graph.y", n, "graph.loss", node);
  const split: NodeSplit[] = graph.split === undefined
    ? new Array(n).fill("train")
    : readLabels(graph.split, fn, "graph.split", n, `graph.loss (${n} nodes)`).map((s, i) => {
      assertOneOf(fn, `graph.split[${i}]`, s, SPLITS);
      return s;
    });
  let edgeList: [number, number][] = [];
  if (graph.edges !== undefined) {
    const e = readMatrix(graph.edges, fn, "graph.edges", {
      cols: 2,
      rowsName: "edges",
      colsName: "columns",
      note: "a [source, target] pair per edge",
    });
    for (let k = 0; k < e.rows; k++) {
      const s = e.values[2 * k], t = e.values[2 * k + 1];
      for (const v of [s, t]) {
        if (!Number.isInteger(v) || v < 0 || v >= n) {
          throw new RangeError(
            `${fn}: graph.edges[${k}] is [${s}, ${t}], expected node indices in [0, ${n})`,
          );
        }
      }
      edgeList.push([s, t]);
    }
  }
  const { title, lossName, width, height } = checkChartOptions(fn, options, OPTION_KEYS);
  const ids = readIds(fn, options.ids, n, `graph.loss (${n} nodes)`);
  const totalEdges = edgeList.length;
  // Nodes and edges share the mark budget, so the SVG stays under 1 MB.
  edgeList = evenPicks(totalEdges, MAX_MARKS / 2).map((k) => edgeList[k]);
  const nodes = evenPicks(n, MAX_MARKS / 2);

  const nodeRows = nodes.map((i) => ({
    node: ids ? ids[i] : i,
    x: xs[i],
    y: ys[i],
    loss: loss[i],
    split: split[i],
  }));
  const edgeRows = edgeList.map(([s, t]) => ({ x: xs[s], y: ys[s], x2: xs[t], y2: ys[t] }));
  const bySplit = SPLITS.map((s) => {
    const v = loss.filter((_, i) => split[i] === s);
    return { split: s, count: v.length, mean: v.length ? mean(v) : 0 };
  }).filter((s) => s.count > 0);
  const xEnc = { type: "quantitative", axis: null, scale: { zero: false, padding: 12 } };
  const notes = [`${formatCount(n)} nodes, ${formatCount(totalEdges)} edges`];
  if (nodes.length < n) notes.push(`${formatCount(nodes.length)} nodes drawn (evenly spaced)`);
  if (edgeList.length < totalEdges) {
    notes.push(`${formatCount(edgeList.length)} edges drawn (evenly spaced)`);
  }
  notes.push("shape = split, colour = loss");
  const spec = {
    title: {
      text: title ??
        `Node ${lossName} by split: ` +
          bySplit.map((s) => `${s.split} ${formatNumber(s.mean)}`).join(", "),
      subtitle: notes.join("; "),
    },
    width,
    height,
    config: chartConfig(),
    layer: [
      {
        name: "edges",
        data: {
          values: edgeRows.length ? edgeRows : [{ x: xs[0], y: ys[0], x2: xs[0], y2: ys[0] }],
        },
        mark: {
          type: "rule",
          color: CHART_COLORS.faint,
          strokeWidth: 1,
          aria: false,
          opacity: edgeRows.length ? 1 : 0,
        },
        encoding: {
          x: { field: "x", ...xEnc },
          y: { field: "y", ...xEnc },
          x2: { field: "x2" },
          y2: { field: "y2" },
        },
      },
      {
        name: "nodes",
        data: { values: nodeRows },
        mark: {
          type: "point",
          filled: true,
          size: n > 500 ? 30 : 120,
          stroke: "black",
          strokeWidth: 0.5,
          opacity: 1,
          aria: n <= 500,
        },
        encoding: {
          x: { field: "x", ...xEnc },
          y: { field: "y", ...xEnc },
          color: {
            field: "loss",
            type: "quantitative",
            title: lossName,
            scale: { scheme: SEQUENTIAL_SCHEME },
          },
          shape: {
            field: "split",
            type: "nominal",
            title: "split",
            scale: { domain: [...SPLITS], range: ["circle", "square", "triangle-up"] },
          },
          tooltip: [
            { field: "node", type: "nominal" },
            { field: "split", type: "nominal" },
            { field: "loss", type: "quantitative", title: lossName, format: ".4~g" },
          ],
        },
      },
    ],
  } as unknown as VegaLiteSpec;
  const summary =
    `Graph of ${formatCount(n)} nodes and ${
      formatCount(totalEdges)
    } edges; mean ${lossName} by split: ` +
    bySplit.map((s) => `${s.split} ${formatNumber(s.mean)} (${formatCount(s.count)} nodes)`).join(
      ", ",
    ) + ".";
  return new Chart(spec, { summary });
}
