/**
 * Numbers written into text that learners read: chart titles and summaries, and the sentences of
 * `inspectLoss`'s report. One home, so the same number prints the same way everywhere.
 *
 * @module
 */

/** Options for {@linkcode formatNumber}. */
export interface FormatNumberOptions {
  /** Significant digits (default 3). */
  digits?: number;
  /**
   * `false` (default): short labels; trailing zeros dropped (`0.5`, `12.3`), and exponent notation
   * below 0.001 and from 100,000 on (`1.36e-5`, `1.2e+5`). `true`: exactly `digits` significant
   * digits, JavaScript's `toPrecision` (`0.5000`, `1.000e+7`), for reports where aligned digits
   * matter more than brevity.
   */
  fixedDigits?: boolean;
}

/**
 * A number in `digits` significant digits (default 3). NaN and ±Infinity print as `NaN`,
 * `Infinity`, `-Infinity`; zero (and `-0`) as `0`. See {@linkcode FormatNumberOptions} for the
 * two styles.
 *
 * @example
 * ```ts
 * import { formatNumber } from "./format_number.ts";
 * const labels = [0.12345, 12.3456, 123456, 0.0000136, 2].map((x) => formatNumber(x));
 * if (labels.join(" ") !== "0.123 12.3 1.23e+5 1.36e-5 2") throw new Error(labels.join(" "));
 * if (formatNumber(0.5, { digits: 4, fixedDigits: true }) !== "0.5000") throw new Error("fixed");
 * ```
 */
export function formatNumber(x: number, options: FormatNumberOptions = {}): string {
  const digits = options.digits ?? 3;
  if (!Number.isFinite(x)) return String(x);
  if (options.fixedDigits) return x.toPrecision(digits);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(x.toPrecision(digits)));
}

/**
 * A count with thousands separators, as English text writes it: `100,000`.
 *
 * @example
 * ```ts
 * import { formatCount } from "./format_number.ts";
 * if (formatCount(100000) !== "100,000") throw new Error(formatCount(100000));
 * ```
 */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * A 0..1 share as a percentage: whole percent, with one decimal below 10 % so small shares do not
 * all read `0%`: `0.4567` → `"46%"`, `0.0123` → `"1.2%"`, `0` → `"0%"`.
 *
 * @example
 * ```ts
 * import { formatPercent } from "./format_number.ts";
 * if (formatPercent(0.4567) !== "46%" || formatPercent(0.0123) !== "1.2%") throw new Error("pct");
 * ```
 */
export function formatPercent(share: number): string {
  const p = share * 100;
  return `${p < 10 && p !== 0 ? p.toFixed(1) : Math.round(p)}%`;
}
