/**
 * Each class's share of the samples, of the loss and of the gradient magnitude, before and after
 * weighting: where the training signal really comes from.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Chart, type VegaLiteSpec } from "./chart.ts";
import { chartConfig } from "./theme.ts";
import {
  type LabelSeries,
  type NumberSeries,
  readLabels,
  readLosses,
  readMatching,
  readSeries,
} from "./_data.ts";
import { checkChartOptions } from "./_options.ts";
import { assertIntegerIn, assertNumberIn } from "../_core/checks.ts";
import { formatCount, formatPercent } from "../_core/format_number.ts";
import type { Tensor } from "../_core/tensor_input.ts";

/** Options for {@linkcode classShareChart}. */
export interface ClassShareChartOptions {
  /** Per-sample weights (Keras `sampleWeight`); adds the "after weighting" bars. */
  weights?: NumberSeries;
  /**
   * Per-sample gradient magnitudes of the unweighted loss (e.g. the norm of d loss_i / d logits).
   * With `weights`, the weighted magnitude is `weight × magnitude` (the gradient of `w·loss` is
   * `w` times the gradient of `loss`).
   */
  gradients?: NumberSeries;
  /** Names of the classes when `labels` are integer indices: `classNames[label]`. */
  classNames?: readonly string[];
  /** Chart title. Default: a sentence naming the class with the largest loss share. */
  title?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
}

/**
 * Grouped bars, one group per class: its share of the samples, of the total loss, and (when
 * given) of the total gradient magnitude, each before and after weighting. Labels are class
 * indices or names; losses, weights and gradients have one value per sample. Weights and
 * gradients must be finite and non-negative; NaN or infinite losses are refused.
 *
 * @example
 * ```ts
 * import { classShareChart } from "./class_share.ts";
 * const chart = classShareChart([0, 0, 0, 1], [1, 1, 1, 3], { classNames: ["cat", "dog"] });
 * if (!chart.summary.includes("dog: 25% of samples, 50% of loss")) throw new Error(chart.summary);
 * ```
 */
export function classShareChart(
  labels: LabelSeries | Tensor,
  losses: NumberSeries,
  options: ClassShareChartOptions = {},
): Chart {
  const fn = "classShareChart";
  const loss = readLosses(losses, fn, "losses");
  const n = loss.length;
  const { title: givenTitle, width } = checkChartOptions(fn, options);
  const raw = labels instanceof tf.Tensor
    ? Array.from(readSeries(labels, fn, "labels"))
    : readLabels(labels, fn, "labels", n, `losses (${n} samples)`);
  if (raw.length !== n) {
    throw new RangeError(
      `${fn}: labels has ${raw.length} entries, but losses has ${n}; they must match`,
    );
  }
  const names = options.classNames;
  const classOf = raw.map((l, i) => {
    if (names && typeof l === "number") {
      const index = { min: 0, max: names.length, maxOpen: true };
      assertIntegerIn(fn, `labels[${i}]`, l, index, "to index classNames");
      return names[l];
    }
    return String(l);
  });
  const readNonNegative = (v: NumberSeries, arg: string) => {
    const a = readMatching(v, fn, arg, n, "losses");
    a.forEach((x, i) => assertNumberIn(fn, `${arg}[${i}]`, x, { min: 0, max: Infinity }));
    return a;
  };
  const w = options.weights === undefined
    ? null
    : readNonNegative(options.weights, "options.weights");
  const g = options.gradients === undefined
    ? null
    : readNonNegative(options.gradients, "options.gradients");

  const classes = names
    ? [...names].filter((c) => classOf.includes(c))
    : [...new Set(classOf)].sort();
  const measures: [string, (i: number) => number][] = [["samples", () => 1], [
    "loss",
    (i) => loss[i],
  ]];
  if (w) measures.push(["loss, weighted", (i) => w[i] * loss[i]]);
  if (g) measures.push(["gradient", (i) => g[i]]);
  if (g && w) measures.push(["gradient, weighted", (i) => w[i] * g[i]]);
  const shares = measures.map(([, f]) => {
    const per = new Map<string, number>(classes.map((c) => [c, 0]));
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = f(i);
      per.set(classOf[i], per.get(classOf[i])! + v);
      total += v;
    }
    return classes.map((c) => (total === 0 ? 0 : per.get(c)! / total));
  });
  const rows = classes.flatMap((c, k) =>
    measures.map(([measure], j) => ({
      class: c,
      measure,
      share: shares[j][k],
      label: formatPercent(shares[j][k]),
    }))
  );
  const lossIdx = measures.findIndex(([m]) => m === (w ? "loss, weighted" : "loss"));
  const top = shares[lossIdx].indexOf(Math.max(...shares[lossIdx]));
  const title = givenTitle ??
    `Class "${classes[top]}" is ${formatPercent(shares[0][top])} of the samples but carries ${
      formatPercent(shares[lossIdx][top])
    } of the ${w ? "weighted " : ""}loss`;
  const order = measures.map(([m]) => m);
  const encoding = {
    y: { field: "class", type: "nominal", title: "class", sort: classes },
    yOffset: { field: "measure", type: "nominal", sort: order },
    x: {
      field: "share",
      type: "quantitative",
      title: "share of the total (all classes add up to 100%)",
      axis: { format: "%" },
      scale: { domain: [0, 1] },
    },
  };
  const spec = {
    title: {
      text: title,
      subtitle: `${formatCount(n)} samples in ${classes.length} classes; bars: ${
        order.join(" · ")
      }`,
    },
    width,
    height: { step: 14 },
    config: chartConfig(),
    data: { values: rows },
    layer: [
      {
        name: "bars",
        mark: { type: "bar" },
        encoding: {
          ...encoding,
          color: { field: "measure", type: "nominal", sort: order, title: "share of" },
          tooltip: [
            { field: "class", type: "nominal" },
            { field: "measure", type: "nominal", title: "share of" },
            { field: "share", type: "quantitative", format: ".1%" },
          ],
        },
      },
      {
        name: "bar_labels",
        mark: { type: "text", align: "left", dx: 3, fontSize: 10 },
        encoding: { ...encoding, text: { field: "label" } },
      },
    ],
  } as unknown as VegaLiteSpec;
  const summary = `Per-class shares over ${formatCount(n)} samples: ` +
    classes.map((c, k) =>
      `${c}: ` +
      measures.map(([m], j) =>
        `${formatPercent(shares[j][k])} of ${m === "samples" ? "samples" : m}`
      )
        .join(", ")
    ).join("; ") + ".";
  return new Chart(spec, { summary });
}
