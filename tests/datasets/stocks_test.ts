import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../../lib/runtime/backend.ts";
import { readCsvData } from "../../lib/datasets/_files.ts";
import { compareNormalizations } from "../../lib/losses/masked.ts";
import { loadStocks, stocksFromRows } from "../../lib/datasets/stocks.ts";
import { assert, assertClose, assertNoLeak, assertThrowsWith } from "../assert.ts";

await setupBackend({ backend: "cpu", seed: 0 });

Deno.test("loadStocks: five symbols on one monthly grid, GOOG padded at the start", () => {
  const s = loadStocks();
  // stocks.csv (counted with `cut | uniq -c`): 123 months for four symbols, 68 for GOOG,
  // Jan 2000 to Mar 2010, so 122 next-step pairs (67 for GOOG, from Aug 2004).
  assert.deepEqual(s.symbols, ["MSFT", "AMZN", "IBM", "GOOG", "AAPL"]);
  assert.deepEqual(s.x.shape, [5, 122, 1]);
  assert.deepEqual(s.tokenCounts, [122, 122, 122, 67, 122]);
  assert.equal(s.months[0], "2000-01");
  assert.equal(s.months[121], "2010-02");
  const mask = s.mask.arraySync() as number[][];
  // Aug 2004 is (2004 − 2000)·12 + 7 = step 55.
  assert.equal(mask[3].indexOf(1), 55);
  assert.equal(mask[3][54], 0);
  // Split in time: the last 24 steps of every symbol are validation.
  assertClose(tf.sum(s.validationMask), 24 * 5);
  assertClose(tf.sum(s.trainMask), 555 - 120);
  // x and y are the same series shifted by one month; MSFT Jan 2000 is $39.81, Feb $36.35.
  const { mean, std } = s.standardization;
  const x = s.x.arraySync() as number[][][], y = s.y.arraySync() as number[][][];
  assertClose(Math.exp(x[0][0][0] * std + mean), 39.81, 1e-3);
  assertClose(Math.exp(y[0][0][0] * std + mean), 36.35, 1e-3);
  assertClose(y[0][0][0], x[0][1][0], 1e-6);
  s.dispose();
});

Deno.test("loadStocks: standardisation uses training inputs only (plain loop over the CSV)", () => {
  const s = loadStocks({ validationMonths: 30 });
  // Training inputs: months before step 122 − 30 = 92 that have a next month of the same symbol.
  const rows = readCsvData("stocks.csv");
  const logs: number[] = [];
  const bySymbol = new Map<string, number[]>();
  for (const r of rows) {
    if (!bySymbol.has(r.symbol)) bySymbol.set(r.symbol, []);
    bySymbol.get(r.symbol)!.push(Math.log(Number(r.price)));
  }
  for (const series of bySymbol.values()) {
    const offset = 123 - series.length; // series end together in Mar 2010
    series.forEach((v, i) => {
      if (i + 1 < series.length && offset + i < 92) logs.push(v);
    });
  }
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const std = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
  assertClose([s.standardization.mean, s.standardization.std], [mean, std], 1e-9);
  s.dispose();
});

Deno.test("stocks: only per-sequence normalisation lets GOOG count as much as the others", () => {
  const s = loadStocks();
  const zeros = tf.zeros([5, 122]);
  const c = compareNormalizations(zeros, { mask: s.mask });
  zeros.dispose();
  // token: nᵢ / Σn = 67 / 555 for GOOG, 122 / 555 for the others.
  assertClose(c.weights.token, [122, 122, 122, 67, 122].map((n) => n / 555));
  // sequence: 1/5 each; batch: nᵢ / 5 (GOOG 13.4 against 24.4).
  assertClose(c.weights.sequence, [0.2, 0.2, 0.2, 0.2, 0.2]);
  assertClose(c.weights.batch, [24.4, 24.4, 24.4, 13.4, 24.4], 1e-5);
  s.dispose();
});

Deno.test("stocksFromRows: malformed rows", () => {
  const ok = { symbol: "A", date: "Jan 1 2000", price: "10" };
  assertThrowsWith(
    () => stocksFromRows([ok, { ...ok, date: "2000-02-01" }]),
    SyntaxError,
    'stocksFromRows: csvRows[1].date is "2000-02-01", expected e.g. "Jan 1 2000"',
  );
  assertThrowsWith(
    () => stocksFromRows([ok, { ...ok, date: "Feb 1 2000", price: "-3" }]),
    RangeError,
    'csvRows[1].price is "-3", expected a positive number',
  );
  assertThrowsWith(
    () => stocksFromRows([ok, { ...ok, date: "Feb 1 2000" }, { ...ok, date: "Jan 9 2000" }]),
    RangeError,
    "csvRows[2] gives A a second price for 2000-01",
  );
  assertThrowsWith(
    () => stocksFromRows([]),
    RangeError,
    "stocksFromRows: csvRows is [], expected at least one row",
  );
  assertThrowsWith(
    () => loadStocks({ validationMonths: -1 }),
    RangeError,
    "validationMonths is -1",
  );
});

Deno.test("loadStocks: dispose frees every tensor", async () => {
  await assertNoLeak(() => loadStocks().dispose());
});
