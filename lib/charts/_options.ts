/**
 * The option-checking preamble every chart builder shares: the title, the loss's name, the size,
 * the sample ids and the choice options are checked once here, with errors that name the builder,
 * the option and its value, and the family's defaults are filled in.
 *
 * @module
 */
import { CHART_HEIGHT, CHART_WIDTH } from "./theme.ts";
import { type LabelSeries, readLabels } from "./_data.ts";
import { assertNumberIn, assertOneOf, describeValue } from "../_core/checks.ts";

/** The options most builders take: what the chart says, and how big it is drawn. */
export interface CommonChartOptions {
  /** Chart title; `undefined` lets the builder write its own sentence. */
  title?: string;
  /** The loss's name for axis titles and text (default `"loss"`). */
  lossName?: string;
  /** Plot width in pixels. */
  width?: number;
  /** Plot height in pixels. */
  height?: number;
}

/** {@linkcode CommonChartOptions} checked, with the defaults filled in. */
export interface CheckedChartOptions {
  /** The caller's title, or `undefined` for the builder's default sentence. */
  title: string | undefined;
  /** The loss's name, `"loss"` by default. */
  lossName: string;
  /** Plot width in pixels. */
  width: number;
  /** Plot height in pixels. */
  height: number;
}

/**
 * Checks the options object and its common entries and fills in the defaults (width 560 and
 * height 280 unless `defaults` says otherwise). `options` must be an object; `title` a string;
 * `lossName` a non-empty string; `width` and `height` finite numbers > 0.
 *
 * @example
 * ```ts
 * import { checkChartOptions } from "./_options.ts";
 * const o = checkChartOptions("demo", { lossName: "squared error" });
 * if (o.width !== 560 || o.height !== 280 || o.title !== undefined) throw new Error("defaults");
 * ```
 */
export function checkChartOptions(
  fn: string,
  options: CommonChartOptions,
  defaults: { width?: number; height?: number } = {},
): CheckedChartOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${fn}: options is ${describeValue(options)}, expected an object`);
  }
  const { title, lossName, width, height } = options;
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`${fn}: options.title is ${describeValue(title)}, expected a string`);
  }
  if (lossName !== undefined && (typeof lossName !== "string" || lossName === "")) {
    throw new TypeError(
      `${fn}: options.lossName is ${describeValue(lossName)}, expected a non-empty string`,
    );
  }
  const size = { min: 0, max: Infinity, minOpen: true };
  if (width !== undefined) assertNumberIn(fn, "options.width", width, size, "(pixels)");
  if (height !== undefined) assertNumberIn(fn, "options.height", height, size, "(pixels)");
  return {
    title,
    lossName: lossName ?? "loss",
    width: width ?? defaults.width ?? CHART_WIDTH,
    height: height ?? defaults.height ?? CHART_HEIGHT,
  };
}

/**
 * Reads the optional per-sample ids: `null` when absent, else one label per item, checked
 * against `count` (`counted` names what they must match, e.g. `losses (4 samples)`).
 *
 * @example
 * ```ts
 * import { readIds } from "./_options.ts";
 * if (readIds("demo", undefined, 3, "losses (3 samples)") !== null) throw new Error("absent");
 * if (readIds("demo", ["a", "b"], 2, "losses (2 samples)")?.[1] !== "b") throw new Error("read");
 * ```
 */
export function readIds(
  fn: string,
  ids: LabelSeries | undefined,
  count: number,
  counted: string,
): (string | number)[] | null {
  return ids === undefined ? null : readLabels(ids, fn, "options.ids", count, counted);
}

/**
 * The value of a choice option, or `fallback` when it is absent; anything else is a RangeError
 * listing the choices (`options.order is "random", expected "sorted" or "data"`).
 *
 * @example
 * ```ts
 * import { choice } from "./_options.ts";
 * const order = choice("demo", "options.order", undefined, ["sorted", "data"] as const);
 * if (order !== "sorted") throw new Error("the first choice is the default");
 * ```
 */
export function choice<T extends string>(
  fn: string,
  arg: string,
  value: T | undefined,
  choices: readonly T[],
): T {
  const v = value ?? choices[0];
  assertOneOf(fn, arg, v, choices);
  return v;
}
