/**
 * Checks of single number and choice arguments, with one message format everywhere:
 * `"<fn>: <arg> is <value>, expected <expectation>"`, e.g.
 * `lossDistributionChart: options.bins is 0, expected an integer in [1, 1000]`.
 * A value of the wrong type (a string, `undefined`) is a TypeError; a number outside the allowed
 * range is a RangeError.
 *
 * @module
 */

/**
 * An interval of allowed values. An end is closed unless marked open; an infinite end leaves that
 * side unbounded (and the value must still be finite).
 */
export interface Interval {
  /** Lower bound (`-Infinity` for none). */
  min: number;
  /** Upper bound (`Infinity` for none). */
  max: number;
  /** Exclude `min` itself: `(min, …`. */
  minOpen?: boolean;
  /** Exclude `max` itself: `…, max)`. */
  maxOpen?: boolean;
}

/**
 * An interval as an error message writes it: `[1, 1000]`, `(0, 1]`, `[0, 3)`, `>= 1`, `> 0`.
 *
 * @example
 * ```ts
 * import { formatInterval } from "./checks.ts";
 * if (formatInterval({ min: 0, max: 1, minOpen: true }) !== "(0, 1]") throw new Error("open");
 * if (formatInterval({ min: 1, max: Infinity }) !== ">= 1") throw new Error("unbounded");
 * ```
 */
export function formatInterval(interval: Interval): string {
  const { min, max, minOpen = false, maxOpen = false } = interval;
  if (max === Infinity) {
    return min === -Infinity ? "(-Infinity, Infinity)" : `${minOpen ? ">" : ">="} ${min}`;
  }
  if (min === -Infinity) return `${maxOpen ? "<" : "<="} ${max}`;
  return `${minOpen ? "(" : "["}${min}, ${max}${maxOpen ? ")" : "]"}`;
}

/**
 * A value as an error message shows it: numbers as JavaScript prints them (`NaN`, `-1`), strings
 * quoted (`"3"`, so a string that looks like a number is told apart), arrays and objects as JSON
 * when short.
 *
 * @example
 * ```ts
 * import { describeValue } from "./checks.ts";
 * if (describeValue(NaN) !== "NaN" || describeValue("3") !== '"3"') throw new Error("unexpected");
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object") {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      text = undefined;
    }
    if (text !== undefined && text.length <= 60) return text;
    return Array.isArray(value) ? `an array of ${value.length} values` : "an object";
  }
  return String(value);
}

function fail(
  fn: string,
  arg: string,
  value: unknown,
  expectation: string,
  note: string,
  wrongType: boolean,
): never {
  const message = `${fn}: ${arg} is ${describeValue(value)}, expected ${expectation}${
    note ? ` ${note}` : ""
  }`;
  throw wrongType ? new TypeError(message) : new RangeError(message);
}

function expected(kind: "a number" | "an integer", i: Interval): string {
  if (i.min === -Infinity && i.max === Infinity) {
    return kind === "a number" ? "a finite number" : kind;
  }
  const bounded = i.min !== -Infinity && i.max !== Infinity;
  return `${kind} ${bounded ? "in " : ""}${formatInterval(i)}`;
}

function inInterval(x: number, i: Interval): boolean {
  return (i.minOpen ? x > i.min : x >= i.min) && (i.maxOpen ? x < i.max : x <= i.max);
}

/**
 * Throws unless `value` is a finite number in `interval`: a TypeError for a non-number, a
 * RangeError otherwise, saying `expected a number in <interval>` and then `note` if given.
 *
 * @example
 * ```ts
 * import { assertNumberIn } from "./checks.ts";
 * assertNumberIn("demo", "options.topPercent", 10, { min: 0, max: 100, minOpen: true });
 * try {
 *   assertNumberIn("demo", "options.topPercent", 0, { min: 0, max: 100, minOpen: true });
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: options.topPercent is 0, expected a number in (0, 100]";
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertNumberIn(
  fn: string,
  arg: string,
  value: unknown,
  interval: Interval,
  note = "",
): asserts value is number {
  const expectation = expected("a number", interval);
  if (typeof value !== "number") fail(fn, arg, value, expectation, note, true);
  if (!(Number.isFinite(value) && inInterval(value, interval))) {
    fail(fn, arg, value, expectation, note, false);
  }
}

/**
 * Throws unless `value` is an integer in `interval`: a TypeError for a non-number, a RangeError
 * otherwise, saying `expected an integer in <interval>` and then `note` if given.
 *
 * @example
 * ```ts
 * import { assertIntegerIn } from "./checks.ts";
 * assertIntegerIn("demo", "options.bins", 30, { min: 1, max: 1000 });
 * try {
 *   assertIntegerIn("demo", "labels[1]", 2, { min: 0, max: 2, maxOpen: true }, "to index classNames");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: labels[1] is 2, expected an integer in [0, 2) to index classNames";
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertIntegerIn(
  fn: string,
  arg: string,
  value: unknown,
  interval: Interval,
  note = "",
): asserts value is number {
  const expectation = expected("an integer", interval);
  if (typeof value !== "number") fail(fn, arg, value, expectation, note, true);
  if (!(Number.isInteger(value) && inInterval(value, interval))) {
    fail(fn, arg, value, expectation, note, false);
  }
}

/**
 * Throws unless `value` is an integer >= 1 (a count, a size, `k`).
 *
 * @example
 * ```ts
 * import { assertPositiveInteger } from "./checks.ts";
 * assertPositiveInteger("demo", "k", 3);
 * try {
 *   assertPositiveInteger("demo", "k", 0);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if ((e as Error).message !== "demo: k is 0, expected an integer >= 1") throw e;
 * }
 * ```
 */
export function assertPositiveInteger(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  assertIntegerIn(fn, arg, value, { min: 1, max: Infinity });
}

/**
 * Throws unless `value` is an integer >= 0 (a count that may be zero, an index).
 *
 * @example
 * ```ts
 * import { assertNonNegativeInteger } from "./checks.ts";
 * assertNonNegativeInteger("demo", "options.topK", 0);
 * try {
 *   assertNonNegativeInteger("demo", "options.topK", 1.5);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if ((e as Error).message !== "demo: options.topK is 1.5, expected an integer >= 0") throw e;
 * }
 * ```
 */
export function assertNonNegativeInteger(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  assertIntegerIn(fn, arg, value, { min: 0, max: Infinity });
}

/**
 * Throws unless `value` is a finite number (not NaN, not ±Infinity).
 *
 * @example
 * ```ts
 * import { assertFiniteNumber } from "./checks.ts";
 * assertFiniteNumber("demo", "seed", 42);
 * try {
 *   assertFiniteNumber("demo", "seed", NaN);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if ((e as Error).message !== "demo: seed is NaN, expected a finite number") throw e;
 * }
 * ```
 */
export function assertFiniteNumber(
  fn: string,
  arg: string,
  value: unknown,
): asserts value is number {
  assertNumberIn(fn, arg, value, { min: -Infinity, max: Infinity });
}

/**
 * Throws unless `value` is a fraction: a number in `[0, 1]`, or in `(0, 1]`, `[0, 1)`, `(0, 1)`
 * when `open` excludes an end (`"min"`, `"max"` or `"both"`).
 *
 * @example
 * ```ts
 * import { assertFraction } from "./checks.ts";
 * assertFraction("demo", "validationSplit", 0.2, "max");
 * try {
 *   assertFraction("demo", "validationSplit", 1, "max");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: validationSplit is 1, expected a number in [0, 1)";
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertFraction(
  fn: string,
  arg: string,
  value: unknown,
  open: "none" | "min" | "max" | "both" = "none",
): asserts value is number {
  assertNumberIn(fn, arg, value, {
    min: 0,
    max: 1,
    minOpen: open === "min" || open === "both",
    maxOpen: open === "max" || open === "both",
  });
}

/**
 * Throws a RangeError unless `value` is one of `allowed`, listing them:
 * `options.order is "random", expected "sorted" or "data"`.
 *
 * @example
 * ```ts
 * import { assertOneOf } from "./checks.ts";
 * assertOneOf("demo", "options.order", "data", ["sorted", "data"] as const);
 * try {
 *   assertOneOf("demo", "options.order", "random", ["sorted", "data"] as const);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = 'demo: options.order is "random", expected "sorted" or "data"';
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertOneOf<T extends string>(
  fn: string,
  arg: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    const quoted = allowed.map((a) => JSON.stringify(a));
    const list = quoted.length === 1
      ? quoted[0]
      : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
    fail(fn, arg, value, list, "", false);
  }
}

/** Levenshtein distance, case-insensitive and with `_`/`-` ignored, so `batch_size` is `batchSize`. */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase().replace(/[_-]/g, ""), t = b.toLowerCase().replace(/[_-]/g, "");
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitute = prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1);
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, substitute));
    }
    prev = row;
  }
  return prev[t.length];
}

/**
 * Throws unless `options` is `undefined` or a plain object whose keys are all in `allowed`: a
 * TypeError for anything else (a number, an array, `null`), a RangeError for an unknown key,
 * naming the key and the closest allowed one. A misspelt key that is silently ignored leaves the
 * default in force, and the learner believes the number that comes out.
 *
 * @example
 * ```ts
 * import { assertKnownOptions } from "./checks.ts";
 * assertKnownOptions("demo", { batchSize: 8 }, ["batchSize", "epochs"]);
 * try {
 *   assertKnownOptions("demo", { batch_size: 8 }, ["batchSize", "epochs"]);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = 'demo: options.batch_size is not an option, did you mean "batchSize"? ' +
 *     'expected one of "batchSize", "epochs"';
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertKnownOptions(
  fn: string,
  options: unknown,
  allowed: readonly string[],
  arg = "options",
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    fail(fn, arg, options, "an object of options", "", true);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    let best = "", bestDistance = Infinity;
    for (const candidate of allowed) {
      const d = editDistance(key, candidate);
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    const close = best !== "" && bestDistance <= Math.max(2, Math.floor(best.length / 3));
    const hint = close ? `, did you mean ${JSON.stringify(best)}?` : ";";
    const list = allowed.length === 0
      ? "no options"
      : `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
    throw new RangeError(`${fn}: ${arg}.${key} is not an option${hint} expected ${list}`);
  }
}

/**
 * Throws a RangeError unless every value is finite, giving how many are not and the first three
 * positions with their values: `streamingEvaluate: losses has 2 non-finite values, first at 0 (NaN),
 * 4 (Infinity), expected finite numbers`. Any statistic over such values (a mean, a quantile, a
 * top-k) would be silently wrong, so they are refused rather than reported.
 *
 * @example
 * ```ts
 * import { assertAllFinite } from "./checks.ts";
 * assertAllFinite("demo", "losses", [1, 2]);
 * try {
 *   assertAllFinite("demo", "losses", [1, NaN, 3, -Infinity]);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   const want = "demo: losses has 2 non-finite values, first at 1 (NaN), 3 (-Infinity), " +
 *     "expected finite numbers";
 *   if ((e as Error).message !== want) throw e;
 * }
 * ```
 */
export function assertAllFinite(
  fn: string,
  arg: string,
  values: ArrayLike<number>,
  position: (i: number) => string = String,
): void {
  let count = 0;
  const first: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" && Number.isFinite(v)) continue;
    count++;
    if (first.length < 3) first.push(`${position(i)} (${describeValue(v)})`);
  }
  if (count > 0) {
    const noun = count === 1 ? "value" : "values";
    throw new RangeError(
      `${fn}: ${arg} has ${count} non-finite ${noun}, first at ${first.join(", ")}, ` +
        "expected finite numbers",
    );
  }
}

/**
 * Throws a TypeError unless `value` is `undefined` or a boolean: a flag given as `"false"` or `0`
 * would otherwise be read as truthy or falsy by accident.
 *
 * @example
 * ```ts
 * import { assertOptionalBoolean } from "./checks.ts";
 * assertOptionalBoolean("demo", "options.quiet", undefined);
 * try {
 *   assertOptionalBoolean("demo", "options.quiet", "false");
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if ((e as Error).message !== 'demo: options.quiet is "false", expected true or false') throw e;
 * }
 * ```
 */
export function assertOptionalBoolean(fn: string, arg: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") {
    fail(fn, arg, value, "true or false", "", true);
  }
}

/**
 * Throws unless `value` is an integer seed (any sign); a fractional seed would otherwise be
 * truncated without a word, and two "different" seeds would give the same run.
 *
 * @example
 * ```ts
 * import { assertSeed } from "./checks.ts";
 * assertSeed("demo", "options.seed", 42);
 * try {
 *   assertSeed("demo", "options.seed", 0.5);
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if ((e as Error).message !== "demo: options.seed is 0.5, expected an integer") throw e;
 * }
 * ```
 */
export function assertSeed(
  fn: string,
  arg: string,
  value: unknown,
  note = "",
): asserts value is number {
  assertIntegerIn(fn, arg, value, { min: -Infinity, max: Infinity }, note);
}
