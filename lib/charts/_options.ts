/**
 * The option-checking preamble every chart builder shares: the title, the loss's name, the size,
 * the sample ids and the choice options are checked once here, with errors that name the builder,
 * the option and its value, and the family's defaults are filled in.
 *
 * @module
 */
import { CHART_HEIGHT, CHART_WIDTH } from "./theme.ts";
import { type LabelSeries, readLabels } from "./_data.ts";
import { assertKnownOptions, assertNumberIn, assertOneOf, describeValue } from "../_core/checks.ts";

/**
 * The largest width or height a chart is drawn at, in pixels. The PNG in every bundle has the
 * SVG's pixel size, so a width of a million pixels would ask resvg for gigabytes.
 */
export const MAX_CHART_SIZE = 4000;

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
 * height 280 unless `defaults` says otherwise). `options` must be an object (or `undefined`) whose
 * keys are all in `allowed`, the builder's own option names: a misspelt key is a RangeError naming
 * the closest one, as a silently ignored `widht` would leave the default in force. `title` must be
 * a string; `lossName` a non-empty string; `width` and `height` numbers in
 * `(0, MAX_CHART_SIZE]`.
 *
 * @example
 * ```ts
 * import { checkChartOptions } from "./_options.ts";
 * const keys = ["title", "lossName", "width", "height"];
 * const o = checkChartOptions("demo", { lossName: "squared error" }, keys);
 * if (o.width !== 560 || o.height !== 280 || o.title !== undefined) throw new Error("defaults");
 * try {
 *   const misspelt: Record<string, unknown> = { widht: 100 };
 *   checkChartOptions("demo", misspelt, keys);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith('demo: options.widht is not an option, did you mean "width"?')) {
 *     throw e;
 *   }
 * }
 * ```
 */
export function checkChartOptions(
  fn: string,
  options: CommonChartOptions | undefined,
  allowed: readonly string[],
  defaults: { width?: number; height?: number } = {},
): CheckedChartOptions {
  assertKnownOptions(fn, options, allowed);
  const { title, lossName, width, height } = options ?? {};
  if (title !== undefined && typeof title !== "string") {
    throw new TypeError(`${fn}: options.title is ${describeValue(title)}, expected a string`);
  }
  if (lossName !== undefined && (typeof lossName !== "string" || lossName === "")) {
    throw new TypeError(
      `${fn}: options.lossName is ${describeValue(lossName)}, expected a non-empty string`,
    );
  }
  const size = { min: 0, max: MAX_CHART_SIZE, minOpen: true };
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
 * against `count` (`counted` names what they must match, e.g. `losses (4 samples)`). With
 * `distinct`, two ids that read the same as text are refused: where ids name the rows of a heatmap
 * or the lines of a chart, two equal ids would draw two samples as one.
 *
 * @example
 * ```ts
 * import { readIds } from "./_options.ts";
 * if (readIds("demo", undefined, 3, "losses (3 samples)") !== null) throw new Error("absent");
 * if (readIds("demo", ["a", "b"], 2, "losses (2 samples)")?.[1] !== "b") throw new Error("read");
 * try {
 *   readIds("demo", ["a", "a"], 2, "losses (2 samples)", true);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith('demo: options.ids[1] is "a"')) throw e;
 * }
 * ```
 */
export function readIds(
  fn: string,
  ids: LabelSeries | undefined,
  count: number,
  counted: string,
  distinct = false,
): (string | number)[] | null {
  if (ids === undefined) return null;
  const out = readLabels(ids, fn, "options.ids", count, counted);
  if (distinct) {
    const seen = new Map<string, number>();
    for (let i = 0; i < out.length; i++) {
      const key = String(out[i]);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new RangeError(
          `${fn}: options.ids[${i}] is ${describeValue(out[i])}, expected distinct ids ` +
            `(options.ids[${first}] is the same; two equal ids would be drawn as one)`,
        );
      }
      seen.set(key, i);
    }
  }
  return out;
}

/**
 * Checks that `value` is an object (not `null`, not an array) whose keys are all in `allowed`:
 * the data objects a builder takes (`data`, `graph`), named `arg` in errors. A misspelt field
 * (`confidance`) would otherwise be ignored, and a missing required one reported instead.
 *
 * @example
 * ```ts
 * import { checkFields } from "./_options.ts";
 * checkFields("demo", "graph", { x: [0], y: [0] }, ["x", "y"], "{ x, y }");
 * try {
 *   checkFields("demo", "graph", { x: [0], z: [0] }, ["x", "y"], "{ x, y }");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e as Error).message.startsWith("demo: graph.z is not")) throw e;
 * }
 * ```
 */
export function checkFields(
  fn: string,
  arg: string,
  value: unknown,
  allowed: readonly string[],
  shape: string,
): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${fn}: ${arg} is ${describeValue(value)}, expected ${shape}`);
  }
  assertKnownOptions(fn, value, allowed, arg);
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
