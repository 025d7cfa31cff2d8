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
import { assertIntegerIn, assertNumberIn, describeValue } from "../_core/checks.ts";
import { formatCount, formatPercent } from "../_core/format_number.ts";
import type { Tensor } from "../_core/tensor_input.ts";

/** Reads `classNames`: absent, or an array of distinct strings. */
function readClassNames(fn: string, value: unknown): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) {
    throw new TypeError(
      `${fn}: options.classNames is ${describeValue(value)}, expected an array of strings`,
    );
  }
  const seen = new Set<string>();
  value.forEach((c, i) => {
    if (typeof c !== "string") {
      throw new TypeError(
        `${fn}: options.classNames[${i}] is ${describeValue(c)}, expected a string`,
      );
    }
    if (seen.has(c)) {
      throw new RangeError(
        `${fn}: options.classNames[${i}] is ${describeValue(c)}, expected distinct names ` +
          "(two classes with one name would be drawn as one)",
      );
    }
    seen.add(c);
  });
  return value as string[];
}

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

const OPTION_KEYS = [
  "weights",
  "gradients",
  "classNames",
  "title",
  "width",
] as const satisfies readonly (keyof ClassShareChartOptions)[];

/** The most classes one chart draws a group of bars for. */
const MAX_CLASSES = 100;

/** Throws unless every value is >= 0 (checked in a loop; the message is built only on failure). */
function assertNonNegative(fn: string, arg: string, values: Float64Array, why: string): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0) {
      assertNumberIn(fn, `${arg}[${i}]`, values[i], { min: 0, max: Infinity }, why);
    }
  }
}

/**
 * Grouped bars, one group per class: its share of the samples, of the total loss, and (when
 * given) of the total gradient magnitude, each before and after weighting. Labels are class
 * indices or names; losses, weights and gradients have one value per sample, finite and
 * non-negative (a share of a total means nothing for negative values). Labels are strings or
 * finite numbers; with `classNames` (distinct strings), a number is an index into it and a string
 * must be one of the names. At most 100 classes are drawn (more distinct labels usually means
 * labels and losses were swapped). A measure whose total is 0 (all losses 0, all weights 0) has
 * no shares: its bars are left out and the summary says so. Options are checked by name: a
 * misspelt key is refused, naming the closest one.
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
  assertNonNegative(fn, "losses", loss, "(a share of the total loss needs losses >= 0)");
  const { title: givenTitle, width } = checkChartOptions(fn, options, OPTION_KEYS);
  const raw = labels instanceof tf.Tensor
    ? Array.from(readSeries(labels, fn, "labels"))
    : readLabels(labels, fn, "labels", n, `losses (${n} samples)`);
  if (raw.length !== n) {
    throw new RangeError(
      `${fn}: labels has ${raw.length} entries, but losses has ${n}; they must match`,
    );
  }
  const names = readClassNames(fn, options.classNames);
  const nameSet = new Set(names);
  const classOf = raw.map((l, i) => {
    if (typeof l === "number" && !Number.isFinite(l)) {
      throw new RangeError(`${fn}: labels[${i}] is ${l}, expected a finite class label`);
    }
    if (names && typeof l === "number") {
      const index = { min: 0, max: names.length, maxOpen: true };
      assertIntegerIn(fn, `labels[${i}]`, l, index, "to index classNames");
      return names[l];
    }
    if (names && !nameSet.has(String(l))) {
      throw new RangeError(
        `${fn}: labels[${i}] is ${describeValue(l)}, expected one of options.classNames ` +
          `or an index into it`,
      );
    }
    return String(l);
  });
  const readNonNegative = (v: NumberSeries, arg: string) => {
    const a = readMatching(v, fn, arg, n, "losses");
    assertNonNegative(fn, arg, a, "");
    return a;
  };
  const w = options.weights === undefined
    ? null
    : readNonNegative(options.weights, "options.weights");
  const g = options.gradients === undefined
    ? null
    : readNonNegative(options.gradients, "options.gradients");

  const present = new Set(classOf);
  const classes = names ? names.filter((c) => present.has(c)) : [...present].sort();
  if (classes.length > MAX_CLASSES) {
    throw new RangeError(
      `${fn}: labels has ${classes.length} distinct classes, expected at most ${MAX_CLASSES} ` +
        "(one group of bars each; were labels and losses swapped?)",
    );
  }
  const measures: [string, (i: number) => number][] = [["samples", () => 1], [
    "loss",
    (i) => loss[i],
  ]];
  if (w) measures.push(["loss, weighted", (i) => w[i] * loss[i]]);
  if (g) measures.push(["gradient", (i) => g[i]]);
  if (g && w) measures.push(["gradient, weighted", (i) => w[i] * g[i]]);
  // A measure that totals 0 has no shares (0 / 0): null, drawn as no bar and said in the text.
  const shares: (number[] | null)[] = measures.map(([measure, f]) => {
    const per = new Map<string, number>(classes.map((c) => [c, 0]));
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = f(i);
      per.set(classOf[i], per.get(classOf[i])! + v);
      total += v;
    }
    if (!Number.isFinite(total)) {
      throw new RangeError(
        `${fn}: the total ${measure} is ${total}, expected a finite total ` +
          "(options.weights times the values overflow; rescale them)",
      );
    }
    return total > 0 ? classes.map((c) => per.get(c)! / total) : null;
  });
  const rows = classes.flatMap((c, k) =>
    measures.flatMap(([measure], j) => {
      const share = shares[j]?.[k];
      return share === undefined ? [] : [{ class: c, measure, share, label: formatPercent(share) }];
    })
  );
  const lossIdx = measures.findIndex(([m]) => m === (w ? "loss, weighted" : "loss"));
  const lossShares = shares[lossIdx];
  const sampleShares = shares[0]!;
  const lossWord = `${w ? "weighted " : ""}loss`;
  let title = givenTitle;
  if (title === undefined && lossShares === null) {
    title = `The total ${lossWord} is 0: no class carries any of it`;
  } else if (title === undefined && lossShares !== null) {
    // A loop rather than Math.max(...shares): no spread of a caller-sized array into a call.
    let top = 0;
    for (let k = 1; k < lossShares.length; k++) if (lossShares[k] > lossShares[top]) top = k;
    title = `Class "${classes[top]}" is ${
      formatPercent(sampleShares[top])
    } of the samples but carries ${formatPercent(lossShares[top])} of the ${lossWord}`;
  }
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
  const zero = measures.filter((_, j) => shares[j] === null).map(([m]) => m);
  const summary = `Per-class shares over ${formatCount(n)} samples: ` +
    classes.map((c, k) =>
      `${c}: ` +
      measures.flatMap(([m], j) => {
        const share = shares[j]?.[k];
        return share === undefined ? [] : [`${formatPercent(share)} of ${m}`];
      }).join(", ")
    ).join("; ") + "." +
    (zero.length > 0 ? ` No shares of ${zero.join(" or ")}: the total is 0.` : "");
  return new Chart(spec, { summary });
}
