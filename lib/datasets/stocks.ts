/**
 * The `vega-datasets` stocks series (`stocks.csv`: symbol, date, price; monthly closing prices of
 * MSFT, AMZN, IBM, GOOG and AAPL, Jan 2000 – Mar 2010, GOOG only from Aug 2004) as padded
 * sequences for next-step prediction.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readCsvData } from "./_files.ts";
import type { Tensor } from "../_core/tensor_input.ts";
import { assertKnownOptions, assertNonNegativeInteger, describeValue } from "../_core/checks.ts";

/** One row of `stocks.csv`, parsed. */
export interface StockRow {
  /** Ticker, e.g. `"GOOG"`. */
  symbol: string;
  /** Date as the file writes it, e.g. `"Aug 1 2004"`. */
  date: string;
  /** The month as `"YYYY-MM"`. */
  month: string;
  /** Closing price in US dollars. */
  price: number;
}

/** Options for {@linkcode loadStocks}. */
export interface StocksOptions {
  /**
   * Time steps whose target lies in the last `validationMonths` months of the calendar grid go to
   * validation (a split in time: a random split of steps would let the model see the future).
   * Default `24`.
   */
  validationMonths?: number;
}

/** Padded next-step sequences, one row per symbol, plus the raw rows. Call `dispose()`. */
export interface StocksDataset {
  /** Symbols in file order, one per row of the tensors. */
  symbols: string[];
  /** The input month (`"YYYY-MM"`) of every time step; the target is the following month. */
  months: string[];
  /** Standardised log price at the input month, `[symbols, time, 1]`; 0 at padding. */
  x: Tensor;
  /** Standardised log price one month later, `[symbols, time, 1]`; 0 at padding. */
  y: Tensor;
  /** 1 where both months have a price, `[symbols, time]` (GOOG's padding is at the start). */
  mask: Tensor;
  /** `mask` restricted to training steps. */
  trainMask: Tensor;
  /** `mask` restricted to validation steps. */
  validationMask: Tensor;
  /** Real steps per symbol (`Σₜ mask`). */
  tokenCounts: number[];
  /** Mean and standard deviation of log price over the training inputs, used to standardise. */
  standardization: { mean: number; std: number };
  /** Every parsed row, for tooltips. */
  rows: StockRow[];
  /** Frees the tensors. */
  dispose(): void;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Loads `stocks.csv` as padded next-step sequences. Preprocessing: no rows are dropped (the file
 * has no missing prices); prices become natural logs, standardised with one mean and standard
 * deviation over all training inputs (training split only, pooled over symbols so their levels
 * stay comparable); each symbol is a row on a shared monthly calendar, so GOOG's 67 real steps
 * sit at the end of its row and its first 55 steps are padding. No randomness: the split is in
 * time, so there is no seed.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { loadStocks } from "./stocks.ts";
 * await setupBackend({ backend: "cpu" });
 * const s = loadStocks();
 * if (s.x.shape.join() !== "5,122,1" || s.tokenCounts.join() !== "122,122,122,67,122") {
 *   throw new Error(`${s.x.shape} ${s.tokenCounts}`);
 * }
 * s.dispose();
 * ```
 */
export function loadStocks(options: StocksOptions = {}): StocksDataset {
  assertKnownOptions("loadStocks", options, ["validationMonths"]);
  return buildStocks(
    "loadStocks",
    "stocks.csv rows",
    readCsvData("stocks.csv", "loadStocks"),
    options,
  );
}

/**
 * Builds {@linkcode loadStocks}'s dataset from CSV rows of the same layout (`symbol`, `date` as
 * `"Mon D YYYY"`, `price`), checking them: an unparseable date, a price that is not a positive
 * number, or a symbol with two prices for one month is an error naming the row.
 *
 * @example
 * ```ts
 * import { setupBackend } from "../runtime/backend.ts";
 * import { stocksFromRows } from "./stocks.ts";
 * await setupBackend({ backend: "cpu" });
 * const rows = ["Jan 1 2000", "Feb 1 2000", "Mar 1 2000", "Apr 1 2000"].map((date, i) => ({
 *   symbol: "A", date, price: String(10 + i),
 * }));
 * const s = stocksFromRows(rows, { validationMonths: 1 });
 * if (s.months.join() !== "2000-01,2000-02,2000-03") throw new Error(s.months.join());
 * s.dispose();
 * ```
 */
export function stocksFromRows(
  csvRows: readonly Readonly<Record<string, string>>[],
  options: StocksOptions = {},
): StocksDataset {
  return buildStocks("stocksFromRows", "csvRows", csvRows, options);
}

function buildStocks(
  fn: string,
  arg: string,
  csvRows: readonly Readonly<Record<string, string>>[],
  options: StocksOptions,
): StocksDataset {
  assertKnownOptions(fn, options, ["validationMonths"]);
  if (!Array.isArray(csvRows)) {
    throw new TypeError(
      `${fn}: ${arg} is ${describeValue(csvRows)}, expected an array of CSV rows`,
    );
  }
  const validationMonths = options.validationMonths ?? 24;
  assertNonNegativeInteger(fn, "options.validationMonths", validationMonths);
  if (csvRows.length === 0) {
    throw new RangeError(`${fn}: ${arg} is [], expected at least one row`);
  }
  const rows = csvRows.map((r, i) => parseRow(fn, `${arg}[${i}]`, r));
  const symbols = [...new Set(rows.map((r) => r.symbol))];
  const symbolIndex = new Map(symbols.map((sym, k) => [sym, k]));
  // Checked before the calendar is built, so a repeated row is named even in a one-month file.
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const key = `${r.symbol}\u0000${r.month}`;
    if (seen.has(key)) {
      throw new RangeError(
        `${fn}: ${arg}[${i}] gives ${r.symbol} a second price for ${r.month}, expected one per month`,
      );
    }
    seen.add(key);
  });
  const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5)) - 1;
  const indices = rows.map((r) => monthIndex(r.month));
  // A loop, not Math.min(...indices): spreading ~120,000 rows into a call overflows the stack.
  let first = Infinity, last = -Infinity;
  for (const m of indices) {
    first = Math.min(first, m);
    last = Math.max(last, m);
  }
  const span = last - first + 1; // calendar months
  const time = span - 1; // input months (each needs the next month as target)
  if (time < 1) {
    throw new RangeError(
      `${fn}: ${arg} cover a single month, expected at least two (a month and the next)`,
    );
  }
  const prices = symbols.map(() => new Array<number>(span).fill(NaN));
  rows.forEach((r, i) => {
    prices[symbolIndex.get(r.symbol)!][indices[i] - first] = Math.log(r.price);
  });
  const S = symbols.length;
  const mask = new Float32Array(S * time), train = new Float32Array(S * time);
  const valStart = time - validationMonths;
  const trainInputs: number[] = [];
  for (let s = 0; s < S; s++) {
    for (let t = 0; t < time; t++) {
      if (Number.isNaN(prices[s][t]) || Number.isNaN(prices[s][t + 1])) continue;
      mask[s * time + t] = 1;
      if (t < valStart) {
        train[s * time + t] = 1;
        trainInputs.push(prices[s][t]);
      }
    }
  }
  if (trainInputs.length < 2 || new Set(trainInputs).size < 2) {
    throw new RangeError(
      `${fn}: options.validationMonths is ${validationMonths}, which leaves ${trainInputs.length} ` +
        "training steps, expected fewer months (standardising needs two different training prices)",
    );
  }
  const mean = trainInputs.reduce((a, b) => a + b, 0) / trainInputs.length;
  const std = Math.sqrt(trainInputs.reduce((a, b) => a + (b - mean) ** 2, 0) / trainInputs.length);
  const x = new Float32Array(S * time), y = new Float32Array(S * time);
  for (let i = 0; i < S * time; i++) {
    if (mask[i] === 0) continue;
    const s = Math.floor(i / time), t = i % time;
    x[i] = (prices[s][t] - mean) / std;
    y[i] = (prices[s][t + 1] - mean) / std;
  }
  const months = Array.from({ length: time }, (_, t) => {
    const m = first + t;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
  });
  const tensors = {
    x: tf.tensor3d(x, [S, time, 1]),
    y: tf.tensor3d(y, [S, time, 1]),
    mask: tf.tensor2d(mask, [S, time]),
    trainMask: tf.tensor2d(train, [S, time]),
    validationMask: tf.tensor2d(mask.map((m, i) => m - train[i]), [S, time]),
  };
  const tokenCounts = symbols.map((_, s) =>
    mask.subarray(s * time, (s + 1) * time).reduce((a, b) => a + b, 0)
  );
  return {
    symbols,
    months,
    ...tensors,
    tokenCounts,
    standardization: { mean, std },
    rows,
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}

function parseRow(fn: string, at: string, r: Readonly<Record<string, string>>): StockRow {
  if (r === null || typeof r !== "object") {
    throw new TypeError(`${fn}: ${at} is ${describeValue(r)}, expected { symbol, date, price }`);
  }
  const match = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/.exec(r.date ?? "");
  const month = match ? MONTHS.indexOf(match[1]) : -1;
  if (!match || month < 0) {
    throw new SyntaxError(
      `${fn}: ${at}.date is ${describeValue(r.date)}, expected e.g. "Jan 1 2000"`,
    );
  }
  // An empty field would read as 0 and a missing one as NaN: both are refused by the check below.
  const price = typeof r.price === "string" && r.price.trim() === "" ? NaN : Number(r.price);
  if (!(Number.isFinite(price) && price > 0)) {
    throw new RangeError(
      `${fn}: ${at}.price is ${describeValue(r.price)}, expected a positive number`,
    );
  }
  if (typeof r.symbol !== "string" || r.symbol === "") {
    throw new SyntaxError(
      `${fn}: ${at}.symbol is ${describeValue(r.symbol)}, expected a ticker such as "GOOG"`,
    );
  }
  return {
    symbol: r.symbol,
    date: r.date,
    month: `${match[3]}-${String(month + 1).padStart(2, "0")}`,
    price,
  };
}
